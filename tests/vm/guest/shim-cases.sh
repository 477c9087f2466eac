# Shim tests, run inside the guest by tests/vm/shim-tests (busybox ash, as root).
# Drives sysfs directly (echo 1 > loading; cat img > data; echo 0 > loading; poll status;
# cat error) and asserts exact outcomes. /files holds images from tdx-mkfixture and key.hash.
# Prints "PASS name" or "FAIL name; what: got 'x' want 'y'..." per case, then "N passed, N failed".
# usage: shim-cases.sh [CASE-PATTERN]   (a shell pattern on case names, default *)

PATTERN=${1:-*}
D=/sys/kernel/debug/tdx_host_sim
H=/sys/devices/faux/tdx_host
KH=$(cat /files/key.hash)
NCPU=$(grep -c '^processor' /proc/cpuinfo)
OTHER=$((NCPU - 1))
PASSED=0
FAILED=0
T=/tmp/img
mkdir -p $T

# ---- helpers ----

# Start a case; returns 1 (skip it) when its name does not match PATTERN.
begin() {
	CASE=$1
	ERRS=
	case $CASE in
	$PATTERN) return 0 ;;
	*) return 1 ;;
	esac
}

check() {
	[ "$2" = "$3" ] || ERRS="$ERRS; $1: got '$2' want '$3'"
}

end() {
	if [ -z "$ERRS" ]; then
		PASSED=$((PASSED + 1))
		echo "PASS $CASE"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL $CASE$ERRS"
		echo "  trace: $(tr '\n' '|' <$D/trace 2>/dev/null)"
		echo "  result: $(cat $D/last_result 2>/dev/null) reason: $(cat $D/last_reason 2>/dev/null)"
	fi
}

# Remove the shim: its upload device pins it (THIS_MODULE, as mainline), so that goes first.
unload() {
	[ -d /sys/module/tdx_host_sim ] || return 0
	echo features >$D/update_supported
	rmmod tdx_host_sim
}

# (Re)load the shim with the test key accepted and the given parameters.
load() {
	unload
	if ! modprobe tdx_host_sim key_hash="$KH" "$@"; then
		ERRS="$ERRS; modprobe $* failed"
		return 1
	fi
}

# Upload FILE through upload device DEV (default tdx_module); prints the error file.
upload() {
	start_upload "$@" || return 1
	f=/sys/class/firmware/${2:-tdx_module}
	i=0
	while [ "$(cat $f/status)" != idle ] && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	cat $f/error
}

# Start uploading FILE through DEV (default tdx_module), do not wait.
start_upload() {
	f=/sys/class/firmware/${2:-tdx_module}
	echo 1 >$f/loading || return 1
	cat "$1" >$f/data
	echo 0 >$f/loading
}

# seamhash of an image (sigstruct offset 0x384, first sigstruct page at 4096), as hex.
seamhash() {
	od -An -v -tx1 -j $((4096 + 0x384)) -N 48 "$1" | tr -d ' \n'
}

# The running version, or ENXIO when reading it fails that way.
ver() {
	out=$(cat $H/version 2>&1)
	case $out in
	*"No such device or address"*) echo ENXIO ;;
	*) echo "$out" ;;
	esac
}

remaining() {
	cat $H/num_remaining_updates 2>/dev/null || cat $H/seamldr/num_remaining_updates
}

dbg() {
	cat $D/$1
}

# Highest step index any trace line entered (SHUTDOWN=1 .. RUN_UPDATE=4, none=0).
max_step() {
	awk 'BEGIN { m = 0; i["SHUTDOWN"] = 1; i["CPU_INSTALL"] = 2; i["CPU_INIT"] = 3;
		     i["RUN_UPDATE"] = 4 }
	     { if (i[$2] > m) m = i[$2] } END { print m }' $D/trace
}

# Check a successful update's trace: every CPU entered each step once; CPU 0 alone did
# SHUTDOWN and RUN_UPDATE, every CPU did CPU_INSTALL and CPU_INIT.
check_success_trace() {
	check "trace lines" "$(wc -l <$D/trace)" "$((4 * NCPU))"
	c=0
	while [ $c -lt $NCPU ]; do
		for s in SHUTDOWN CPU_INSTALL CPU_INIT RUN_UPDATE; do
			want=ok
			if [ $c -ne 0 ] && { [ $s = SHUTDOWN ] || [ $s = RUN_UPDATE ]; }; then
				want=skip
			fi
			check "cpu$c $s" "$(grep -c "^$c $s $want\$" $D/trace)" 1
		done
		c=$((c + 1))
	done
}

# Write little-endian bytes (octal escapes) at OFFSET into FILE.
poke() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

step_index() {
	case $1 in
	SHUTDOWN) echo 1 ;;
	CPU_INSTALL) echo 2 ;;
	CPU_INIT) echo 3 ;;
	RUN_UPDATE) echo 4 ;;
	esac
}

GOOD=/files/good.img
FI=transferring:firmware-invalid
BUSY=transferring:device-busy
HW=transferring:hw-error
RW=transferring:read-write-error

# Little-endian u32 as printf octal escapes, for poke.
le32() {
	printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# ---- success and evidence ----

if begin "success smp$NCPU"; then
	load
	check uploads-before "$(dbg uploads)" 0
	check error "$(upload $GOOD)" ""
	check version "$(ver)" 1.5.09
	check remaining "$(remaining)" 7
	check updates_ok "$(dbg updates_ok)" 1
	check uploads "$(dbg uploads)" 1
	check sha256 "$(dbg last_sha256)" "$(sha256sum $GOOD | cut -d' ' -f1)"
	check last_result "$(dbg last_result)" ok
	check stop_machine_ns-positive "$([ "$(dbg stop_machine_ns)" -gt 0 ] && echo yes)" yes
	check_success_trace
	check svn "$(dbg svn)" 1.9
	check kernel "$(dbg kernel)" mainline
	check second "$(upload /files/v16.img)" ""
	check version-next "$(ver)" 1.5.16
	check sha256-next "$(dbg last_sha256)" "$(sha256sum /files/v16.img | cut -d' ' -f1)"
	check remaining2 "$(remaining)" 6
	check uploads2 "$(dbg uploads)" 2
	end
fi

if begin "default SVN follows the default version: 1.5.07 is a rollback"; then
	load
	check svn "$(dbg svn)" 1.8
	check error "$(upload /files/v07.img)" $FI
	check reason "$(dbg last_reason)" "loader: SVN minor rollback"
	check version "$(ver)" ENXIO
	end
fi

if begin "v2 version from sigstruct"; then
	load version=2.0.01 svn=3.0 seamldr_version=2.0.00 cpuid=0xa06d0
	check error "$(upload /files/v2.img)" ""
	check version "$(ver)" 2.0.02
	check svn "$(dbg svn)" 3.2
	end
fi

if begin "v2 reserved3 tail bytes: accepted by a 2.x loader"; then
	load version=2.0.01 svn=3.0 seamldr_version=2.0.00 cpuid=0xa06d0
	check error "$(upload /files/v2-tail.img)" ""
	check version "$(ver)" 2.0.02
	end
fi

if begin "version from the seamhash table"; then
	load
	echo "$(seamhash /files/nomarker.img) 1.5.11" >$D/versions
	check versions "$(dbg versions)" "$(seamhash /files/nomarker.img) 1.5.11"
	check error "$(upload /files/nomarker.img)" ""
	check version "$(ver)" 1.5.11
	end
fi

if begin "table before marker"; then
	load
	echo "$(seamhash $GOOD) 1.5.12" >$D/versions
	check error "$(upload $GOOD)" ""
	check version "$(ver)" 1.5.12
	end
fi

if begin "no version known: refused loudly, nothing changed"; then
	load
	check error "$(upload /files/nomarker.img)" $FI
	check last_result "$(dbg last_result)" "sim -EINVAL"
	check reason "$(dbg last_reason)" "sim: no version known for this module"
	check trace-empty "$(wc -l <$D/trace)" 0
	check version "$(ver)" 1.5.08
	check remaining "$(remaining)" 8
	end
fi

if begin "handoff version accepted"; then
	load module_hv=1
	check error "$(upload /files/handoff.img)" ""
	check version "$(ver)" 1.5.09
	check module_hv "$(dbg module_hv)" 1
	end
fi

if begin "cpuid stepping masked"; then
	load
	check error "$(upload /files/cpuid-806f0.img)" ""
	check version "$(ver)" 1.5.09
	end
fi

if begin "debug image on a debug platform"; then
	load debug_platform=1
	check error "$(upload /files/debug.img)" ""
	check version "$(ver)" 1.5.09
	end
fi

# ---- the fault matrix: step x {lead, other, all} x errno x kernel ----
# v9 always asks the module to refuse shutdown during TD builds, and a module without
# TDX_FEATURES0 bit 47 refuses that request: its cells run with a module that has bit 47.

for map in mainline v9; do
	for step in SHUTDOWN CPU_INSTALL CPU_INIT RUN_UPDATE; do
		for who in lead other all; do
			[ $who = other ] && [ $NCPU -lt 2 ] && continue
			for err in EBUSY EIO EINVAL; do
				begin "fault $step $who -$err $map" || continue
				if [ $map = v9 ]; then
					load kernel=v9 race_avoidance=1
				else
					load
				fi
				cpu=$who
				[ $who = other ] && cpu=$OTHER
				echo "$step $cpu -$err" >$D/fault
				e=$(upload $GOOD)
				fires=1
				if [ $who = other ] && { [ $step = SHUTDOWN ] || [ $step = RUN_UPDATE ]; }; then
					fires=0	# a lead-only step never runs on another CPU
				fi
				if [ $fires = 0 ]; then
					check error "$e" ""
					check version "$(ver)" 1.5.09
					check remaining "$(remaining)" 7
					check_success_trace
					end
					continue
				fi
				want=$FI
				[ $map = v9 ] && [ $err = EBUSY ] && want=$BUSY
				check error "$e" "$want"
				check last_result "$(dbg last_result)" "$step -$err"
				check remaining "$(remaining)" 8
				check updates_ok "$(dbg updates_ok)" 0
				check "no step after the failed one" \
					"$([ "$(max_step)" -le "$(step_index $step)" ] && echo yes)" yes
				check "failed entry" "$(grep -c " $step -$err\$" $D/trace | sed 's/^[1-9][0-9]*$/some/')" some
				if [ $step = SHUTDOWN ]; then
					check version "$(ver)" 1.5.08
					check lost "$(dbg lost)" 0
					check "only SHUTDOWN entered" "$(grep -vc ' SHUTDOWN ' $D/trace)" 0
					check "retry works" "$(upload $GOOD)" ""
					check version-after-retry "$(ver)" 1.5.09
				else
					check version "$(ver)" ENXIO
					check lost "$(dbg lost)" 1
				fi
				end
			done
		done
	done
done

if begin "fault any CPU_INIT"; then
	load
	echo "CPU_INIT any -EIO" >$D/fault
	check error "$(upload $GOOD)" $FI
	check failed-entries "$(grep -c ' CPU_INIT -EIO$' $D/trace)" 1
	check version "$(ver)" ENXIO
	end
fi

if begin "fault count"; then
	load
	echo "SHUTDOWN lead EBUSY 2" >$D/fault
	check fault-show "$(dbg fault)" "SHUTDOWN lead -EBUSY 2"
	check first "$(upload $GOOD)" $FI
	check second "$(upload $GOOD)" $FI
	check fault-left "$(dbg fault)" "none"
	check third "$(upload $GOOD)" ""
	check version "$(ver)" 1.5.09
	end
fi

if begin "lost module refuses later updates"; then
	load
	echo "CPU_INIT lead -EIO" >$D/fault
	check first "$(upload $GOOD)" $FI
	check version "$(ver)" ENXIO
	check second "$(upload $GOOD)" $FI
	check trace-empty "$(wc -l <$D/trace)" 0
	check reason "$(dbg last_reason)" "module lost"
	check uploads "$(dbg uploads)" 2
	check updates_ok "$(dbg updates_ok)" 0
	end
fi

# ---- kernel header rules: firmware-invalid, nothing run, nothing changed ----

# header_case NAME FILE REASON
header_case() {
	begin "header $1" || return 0
	load
	check error "$(upload "$2")" $FI
	check reason "$(dbg last_reason)" "header: $3"
	check trace-empty "$(wc -l <$D/trace)" 0
	check version "$(ver)" 1.5.08
	check remaining "$(remaining)" 8
	check uploads "$(dbg uploads)" 1
	end
}

cp $GOOD $T/small && dd if=$GOOD of=$T/small bs=100 count=1 2>/dev/null
header_case "too small" $T/small "image smaller than 4096 bytes"
# mainline checks the size against the page counts before the version: a blob fails there
header_case "0x100 blob" /files/good.blob "size does not match the page counts"
cp $GOOD $T/ver && poke $T/ver 0 '\001'
header_case "version 0x201" $T/ver "version is not 0x200"
cp $GOOD $T/sig && poke $T/sig 4 'X'
header_case "signature" $T/sig "signature is not TDX-BLOB"
cp $GOOD $T/ss2 && poke $T/ss2 12 '\002' && dd if=/dev/zero bs=4096 count=1 2>/dev/null >>$T/ss2
header_case "sigstruct pages 2" $T/ss2 "sigstruct_nr_pages above 1"
dd if=/dev/zero of=$T/m497 bs=4096 count=499 2>/dev/null
printf '\000\002\000\000TDX-BLOB\001\000\000\000\361\001\000\000' | dd of=$T/m497 conv=notrunc 2>/dev/null
header_case "module pages 497" $T/m497 "module_nr_pages above 496"
cp $GOOD $T/res && poke $T/res 100 '\001'
header_case "reserved" $T/res "reserved bytes not zero"
cp $GOOD $T/long && printf 'x' >>$T/long
header_case "size one byte long" $T/long "size does not match the page counts"
sz=$(wc -c <$GOOD)
dd if=$GOOD of=$T/short bs=4096 count=$((sz / 4096 - 1)) 2>/dev/null
header_case "size one page short" $T/short "size does not match the page counts"

# ---- loader checks at CPU_INSTALL: fatal ----

# loader_case NAME FILE REASON [modprobe params...]
loader_case() {
	n=$1 f=$2 r=$3
	shift 3
	begin "loader $n" || return 0
	load "$@"
	before=$(remaining)
	check error "$(upload "$f")" $FI
	check last_result "$(dbg last_result)" "CPU_INSTALL -EIO"
	check reason "$(dbg last_reason)" "$r"
	check version "$(ver)" ENXIO
	check "no step after CPU_INSTALL" "$(max_step)" 2
	check remaining-unchanged "$(remaining)" "$before"
	end
}

dd if=/dev/zero of=$T/hdronly bs=4096 count=1 2>/dev/null
printf '\000\002\000\000TDX-BLOB' | dd of=$T/hdronly conv=notrunc 2>/dev/null
loader_case "header-only image" $T/hdronly "loader: no sigstruct"
cp $GOOD $T/hash && poke $T/hash 12000 '\001'
loader_case "seamhash" $T/hash "loader: seamhash"
cp $GOOD $T/ht && poke $T/ht 4096 '\007'
loader_case "header_type" $T/ht "sigstruct: header_type"
cp $GOOD $T/vendor && poke $T/vendor $((4096 + 0x10)) '\207'
loader_case "module_vendor" $T/vendor "sigstruct: module_vendor"
cp $GOOD $T/mt && poke $T/mt $((4096 + 0xc)) '\001'
loader_case "module_type reserved" $T/mt "sigstruct: module_type reserved bits"
cp $GOOD $T/r0 && poke $T/r0 $((4096 + 0x30)) '\001'
loader_case "reserved0" $T/r0 "sigstruct: reserved0"
cp $GOOD $T/exp && poke $T/exp $((4096 + 0x200)) '\003'
loader_case "exponent" $T/exp "sigstruct: exponent"
# A 2.x loader does not check reserved3 (no document says it does): a byte after the version
# bytes gets as far as the signature, which it breaks.
cp /files/v2.img $T/r3 && poke $T/r3 $((4096 + 0x3f0)) '\001'
loader_case "reserved3 tail on 2.x: only the signature" $T/r3 "loader: signature" \
	version=2.0.01 svn=3.0 seamldr_version=2.0.00 cpuid=0xa06d0
cp $GOOD $T/badsig && poke $T/badsig $((4096 + 0x300)) '\132'
loader_case "signature" $T/badsig "loader: signature"
cp $GOOD $T/signed && poke $T/signed $((4096 + 0x14)) '\002'
loader_case "signed header byte (date)" $T/signed "loader: signature"
loader_case "handoff version" /files/handoff.img \
	"loader: handoff version below the new module's min_update_hv"
# The P-SEAMLDR also refuses handed-over state newer than the new module's own handoff version.
loader_case "handoff version above the new module's" $GOOD \
	"loader: handoff version above the new module's module_hv" module_hv=1
loader_case "handoff version above, both set" /files/handoff.img \
	"loader: handoff version above the new module's module_hv" module_hv=2
# The module's own check at SHUTDOWN: the handoff version asked for (its module_hv, as every
# kernel passes) must not be below its min_update_hv; only a debugfs write can make it so.
if begin "shutdown: handoff version below the running module's min_update_hv"; then
	load module_hv=1
	check install "$(upload /files/handoff.img)" ""
	check no_downgrade "$(dbg no_downgrade)" 1
	echo 0 >$D/module_hv
	check error "$(upload $GOOD)" $FI
	check last_result "$(dbg last_result)" "SHUTDOWN -EIO"
	check reason "$(dbg last_reason)" "shutdown: handoff version not accepted by the module"
	check version "$(ver)" 1.5.09
	end
fi
loader_case "reserved3 on P-SEAMLDR 1.x" /files/v2.img "sigstruct: reserved3 (P-SEAMLDR 1.x)" \
	version=2.0.01 svn=3.0 cpuid=0xa06d0
loader_case "reserved3 tail on P-SEAMLDR 1.x" /files/v2-tail.img \
	"sigstruct: reserved3 (P-SEAMLDR 1.x)" version=2.0.01 svn=3.0 cpuid=0xa06d0
loader_case "signer key" $GOOD "loader: signer key hash" \
	key_hash=c8572f548869a0beca19376b81c2dffc2a23b5a5f71da0b87579b43f408daa1a33bad9c149eb56c634f883737968a34c
loader_case "debug on production" /files/debug.img "loader: debug-signed module on a production platform"
loader_case "svn major" /files/svn2.img "loader: SVN major differs"
loader_case "svn rollback" $GOOD "loader: SVN minor rollback" svn=1.10
loader_case "cpuid table" /files/cpuid-a06d0.img "loader: CPU not in the CPUID table"
loader_case "emulated cpuid override" $GOOD "loader: CPU not in the CPUID table" cpuid=0xa06d0
head -c 8192 $GOOD >$T/nomod && poke $T/nomod 16 '\000\000'
loader_case "no module pages" $T/nomod "loader: module page count"
loader_case "budget zero" $GOOD "loader: no updates remaining" remaining_updates=0

if begin "budget zero shows 0"; then
	load remaining_updates=0
	check remaining "$(remaining)" 0
	end
fi

if [ $NCPU -ge 2 ] && begin "offline CPU"; then
	load
	echo 0 >/sys/devices/system/cpu/cpu$OTHER/online
	check error "$(upload $GOOD)" $FI
	check reason "$(dbg last_reason)" "loader: a present CPU is offline"
	check version "$(ver)" ENXIO
	check "offline CPU not in trace" "$(grep -c "^$OTHER " $D/trace)" 0
	echo 1 >/sys/devices/system/cpu/cpu$OTHER/online
	end
fi

# ---- TD builds in progress, per kernel ----

# The merged kernel never asks the module to refuse (tdx.c: only the handoff version goes to
# TDH.SYS.SHUTDOWN): whatever the module advertises, the update runs and corrupts the builds.
for bit47 in 0 1; do
	if begin "td builds, mainline, bit 47 $bit47: never refused, measurements corrupted"; then
		load td_builds=2 race_avoidance=$bit47
		check error "$(upload $GOOD)" ""
		check version "$(ver)" 1.5.09
		check corrupted "$(dbg corrupted_measurements)" 2
		end
	fi
done

# v9 and v10 always set the flag: a module without bit 47 (every published one) refuses every
# shutdown, with or without TD builds. Harmless: nothing changed.
for k in v9 v10; do
	if begin "$k without bit 47: every update refused at SHUTDOWN"; then
		load kernel=$k
		check error "$(upload $GOOD)" $FI
		check last_result "$(dbg last_result)" "SHUTDOWN -EIO"
		check reason "$(dbg last_reason)" "shutdown: flag unknown to the module (no TDX_FEATURES0 bit 47)"
		check version "$(ver)" 1.5.08
		check "only SHUTDOWN" "$(grep -vc ' SHUTDOWN ' $D/trace)" 0
		end
	fi
	if begin "$k with bit 47: TD builds refused busy, then it runs"; then
		load kernel=$k race_avoidance=1 td_builds=2
		check error "$(upload $GOOD)" $BUSY
		check last_result "$(dbg last_result)" "SHUTDOWN -EBUSY"
		check version "$(ver)" 1.5.08
		check corrupted "$(dbg corrupted_measurements)" 0
		echo 0 >$D/td_builds
		check "after builds finish" "$(upload $GOOD)" ""
		check version-after "$(ver)" 1.5.09
		end
	fi
done

# v8 (as v4-v7) set the flag only when the module has bit 47.
if begin "v8 without bit 47: TD build not refused, measurement corrupted"; then
	load kernel=v8 td_builds=1
	check error "$(upload /files/good.blob)" ""
	check version "$(ver)" 1.5.09
	check corrupted "$(dbg corrupted_measurements)" 1
	end
fi
if begin "v8 with bit 47: TD build refused busy"; then
	load kernel=v8 race_avoidance=1 td_builds=1
	check error "$(upload /files/good.blob)" $BUSY
	check version "$(ver)" 1.5.08
	check corrupted "$(dbg corrupted_measurements)" 0
	end
fi

# No kernel ran steps after a failed one (v2 skipped to DONE, v3-v8 left the loop, v9 and
# mainline count failures and stop). The run-on fault injection does, to exercise what a
# tool makes of an error word while a module was lost or replaced; it is not a kernel profile.
if begin "run-on fault injection turns a SHUTDOWN failure into a lost module"; then
	load
	echo "SHUTDOWN lead -EBUSY 1 run-on" >$D/fault
	check fault "$(dbg fault)" "SHUTDOWN lead -EBUSY 1 run-on"
	check error "$(upload $GOOD)" $FI
	check version "$(ver)" ENXIO
	check lost "$(dbg lost)" 1
	check "went on to RUN_UPDATE" "$(max_step)" 4
	end
fi

# ---- runtime update unsupported, old layouts, reload ----

for why in features erratum; do
	if begin "unsupported $why"; then
		load update_supported=$why
		check version "$(ver)" 1.5.08
		check seamldr_version "$([ -e $H/seamldr_version ] && echo present)" ""
		check num_remaining "$([ -e $H/num_remaining_updates ] && echo present)" ""
		check upload-device "$([ -e /sys/class/firmware/tdx_module ] && echo present)" ""
		check dbg "$(dbg update_supported)" $why
		echo yes >$D/update_supported
		check upload-device-later "$([ -e /sys/class/firmware/tdx_module ] && echo present)" present
		check remaining-later "$(remaining)" 8
		check error "$(upload $GOOD)" ""
		end
	fi
done

if begin "kernel v3"; then
	load kernel=v3
	check seamldr/version "$(cat $H/seamldr/version)" 1.5.01
	check seamldr/num_remaining_updates "$(cat $H/seamldr/num_remaining_updates)" 8
	check flat-absent "$([ -e $H/seamldr_version ] && echo present)" ""
	check tdx_module-absent "$([ -e /sys/class/firmware/tdx_module ] && echo present)" ""
	check parent "$(readlink -f /sys/class/firmware/seamldr_upload/device)" $H
	check image_format "$(dbg image_format)" 0x100+checksum
	check 0x200 "$(upload $GOOD seamldr_upload)" $FI
	check 0x200-reason "$(dbg last_reason)" "header: version is not 0x100"
	cp /files/good.blob $T/csum && poke $T/csum 2 '\125'
	check bad-checksum "$(upload $T/csum seamldr_upload)" $FI
	check bad-checksum-reason "$(dbg last_reason)" "header: checksum"
	check error "$(upload /files/good.blob seamldr_upload)" ""
	check version "$(ver)" 1.5.09
	check remaining "$(cat $H/seamldr/num_remaining_updates)" 7
	end
fi

if begin "kernel v4"; then
	load kernel=v4
	check seamldr/version "$(cat $H/seamldr/version)" 1.5.01
	check flat-absent "$([ -e $H/num_remaining_updates ] && echo present)" ""
	check parent "$(readlink -f /sys/class/firmware/tdx_module/device)" $H
	check image_format "$(dbg image_format)" 0x100
	check 0x200 "$(upload $GOOD)" $FI
	check 0x200-reason "$(dbg last_reason)" "header: version is not 0x100"
	cp /files/good.blob $T/csum && poke $T/csum 2 '\125'
	check "checksum not checked after v3" "$(upload $T/csum)" ""
	check version "$(ver)" 1.5.09
	end
fi

# v4's own checks before stop_machine(): harmless. Its error words: -EBUSY device-busy.
if begin "kernel v4: budget 0 refused before stop_machine"; then
	load kernel=v4 remaining_updates=0
	check error "$(upload /files/good.blob)" $FI
	check last_result "$(dbg last_result)" "check -ENOSPC"
	check trace-empty "$(wc -l <$D/trace)" 0
	check version "$(ver)" 1.5.08
	end
fi

if [ $NCPU -ge 2 ] && begin "kernel v4: offline CPU refused before stop_machine"; then
	load kernel=v4
	echo 0 >/sys/devices/system/cpu/cpu$OTHER/online
	check error "$(upload /files/good.blob)" $BUSY
	check reason "$(dbg last_reason)" "kernel: a present CPU is offline"
	check version "$(ver)" 1.5.08
	echo 1 >/sys/devices/system/cpu/cpu$OTHER/online
	check "then it runs" "$(upload /files/good.blob)" ""
	end
fi

if begin "kernel v4: error words"; then
	load kernel=v4
	echo "CPU_INIT lead -EIO" >$D/fault
	check eio "$(upload /files/good.blob)" $HW
	check error_mapping "$(dbg error_mapping)" v6-v7
	load kernel=v4
	echo "CPU_INIT lead -ENOMEM" >$D/fault
	check enomem "$(upload /files/good.blob)" $RW
	end
fi

if begin "kernel v4: empty module refused, 4 sigstruct pages taken"; then
	load kernel=v4
	head -c 8192 /files/good.blob >$T/empty
	poke $T/empty 16 "$(le32 8192)"
	check empty "$(upload $T/empty)" $FI
	check empty-reason "$(dbg last_reason)" "header: no module pages"
	check version "$(ver)" 1.5.08
	# three more sigstruct pages after the first: offset and length move by 3 pages
	sz=$(wc -c </files/good.blob)
	off=$(od -An -tu4 -j 4 -N 4 /files/good.blob | tr -d ' ')
	{ head -c $off /files/good.blob; dd if=/dev/zero bs=4096 count=3 2>/dev/null
	  tail -c $((sz - off)) /files/good.blob; } >$T/ss4
	poke $T/ss4 4 "$(le32 $((off + 12288)))"
	poke $T/ss4 16 "$(le32 $((sz + 12288)))"
	check ss4 "$(upload $T/ss4)" ""
	check version-ss4 "$(ver)" 1.5.09
	end
fi

# v9 had neither the size nor the page-limit checks: a long image installs, a short one and
# too many pages reach the loader, after the shutdown.
if begin "kernel v9 header rules"; then
	load kernel=v9 race_avoidance=1
	cp $GOOD $T/long9 && printf 'x' >>$T/long9
	check long "$(upload $T/long9)" ""
	check version "$(ver)" 1.5.09
	load kernel=v9 race_avoidance=1
	sz=$(wc -c <$GOOD)
	dd if=$GOOD of=$T/short9 bs=4096 count=$((sz / 4096 - 1)) 2>/dev/null
	check short "$(upload $T/short9)" $FI
	check short-reason "$(dbg last_reason)" "loader: pages past the end of the image"
	check short-version "$(ver)" ENXIO
	end
fi

if begin "layout mainline paths"; then
	load
	check parent "$(readlink -f /sys/class/firmware/tdx_module/device)" $H
	check modes "$(stat -c '%a' $H/version $H/seamldr_version $H/num_remaining_updates | tr '\n' ' ')" "444 400 400 "
	check seamldr_version "$(cat $H/seamldr_version)" 1.5.01
	check seamldr-dir-absent "$([ -e $H/seamldr ] && echo present)" ""
	check kernel "$(dbg kernel)" mainline
	end
fi

# tdx_host's own entries (paths, modes) against the merged driver's, read from its source
# (tests/vm/tdx-host-sysfs.expected); on a kernel with the faux bus, also the bus itself.
sysfs_tree() {
	(cd $H && for f in *; do
		[ -f "$f" ] && [ "$f" != uevent ] && echo "$f $(stat -c %a "$f")"
	done
	[ -d firmware/tdx_module ] && echo "firmware/tdx_module dir") | sort
}
sysfs_want() {
	grep -v '^#' /files/tdx-host-sysfs.expected | awk -v w="$1" '$3 == "always" || $3 == w { print $1, $2 }' | sort
}
if begin "sysfs as the merged driver"; then
	load
	check "tree with runtime update" "$(sysfs_tree | tr '\n' ' ')" "$(sysfs_want update | tr '\n' ' ')"
	check upload-parent "$(readlink -f /sys/class/firmware/tdx_module/device)" $H
	if [ -d /sys/bus/faux ]; then
		check "on the faux bus" "$(readlink -f $H/subsystem)" /sys/bus/faux
		check "listed by the bus" "$(readlink -f /sys/bus/faux/devices/tdx_host)" $H
	fi
	load update_supported=features
	check "tree without runtime update" "$(sysfs_tree | tr '\n' ' ')" "$(sysfs_want none | tr '\n' ' ')"
	end
fi

if begin "unload and reload"; then
	load
	echo "CPU_INSTALL lead -EIO" >$D/fault
	check error "$(upload $GOOD)" $FI
	check version "$(ver)" ENXIO
	rmmod tdx_host_sim 2>/dev/null
	check "rmmod refused while the upload device exists" "$?" 1
	echo features >$D/update_supported
	rmmod tdx_host_sim
	check rmmod "$?" 0
	check tdx_host-gone "$([ -e $H ] && echo present)" ""
	check class-gone "$([ -e /sys/class/firmware/tdx_module ] && echo present)" ""
	modprobe tdx_host_sim key_hash="$KH"
	check version-after-reload "$(ver)" 1.5.08
	check error-after-reload "$(upload $GOOD)" ""
	check version-updated "$(ver)" 1.5.09
	end
fi

# Regression: rmmod while an upload is starting crashed the guest (a NULL owner let the module go
# while the upload worker ran its code). Now rmmod is refused while the device exists, and
# removing the device waits for the upload.
if begin "rmmod races an upload"; then
	r=0
	while [ $r -lt 5 ]; do
		load
		start_upload /files/big.img &
		rmmod tdx_host_sim 2>/dev/null && ERRS="$ERRS; round $r: rmmod with the device registered"
		wait
		echo features >$D/update_supported
		rmmod tdx_host_sim || ERRS="$ERRS; round $r: rmmod after the device went"
		r=$((r + 1))
	done
	load
	check "works after" "$(upload $GOOD)" ""
	end
fi

# ---- fault targets: last, random (seeded), delay ----

if begin "fault last"; then
	load
	echo "CPU_INIT last -EIO" >$D/fault
	check fault "$(dbg fault)" "CPU_INIT last -EIO 1"
	check error "$(upload $GOOD)" $FI
	check failed-entry "$(grep -c "^$OTHER CPU_INIT -EIO\$" $D/trace)" 1
	check version "$(ver)" ENXIO
	end
fi

if begin "fault random, seeded"; then
	load
	echo 7 >$D/fault_seed
	echo "CPU_INSTALL random -EINVAL" >$D/fault
	check error "$(upload $GOOD)" $FI
	first=$(grep ' CPU_INSTALL -EINVAL$' $D/trace | cut -d' ' -f1)
	check failed-entries "$(grep -c ' CPU_INSTALL -EINVAL$' $D/trace)" 1
	load
	echo 7 >$D/fault_seed
	echo "CPU_INSTALL random -EINVAL" >$D/fault
	check error-again "$(upload $GOOD)" $FI
	check "same seed, same CPU" "$(grep ' CPU_INSTALL -EINVAL$' $D/trace | cut -d' ' -f1)" "$first"
	load
	echo "SHUTDOWN random -EIO" >$D/fault
	check "random on a lead-only step: the lead" "$(upload $GOOD)" $FI
	check lead-entry "$(grep -c '^0 SHUTDOWN -EIO$' $D/trace)" 1
	end
fi

if begin "version reads do not wait for an update"; then
	load
	echo "CPU_INIT lead delay=3000" >$D/fault
	check fault "$(dbg fault)" "CPU_INIT lead delay=3000 1"
	start_upload $GOOD &
	i=0
	while [ "$(cat /sys/class/firmware/tdx_module/status)" = idle ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	check "read during the update" "$(ver)" 1.5.08
	check "the update still runs" "$(cat /sys/class/firmware/tdx_module/status)" transferring
	wait
	i=0
	while [ "$(cat /sys/class/firmware/tdx_module/status)" != idle ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	check error "$(cat /sys/class/firmware/tdx_module/error)" ""
	check version-after "$(ver)" 1.5.09
	check fault-used "$(dbg fault)" none
	end
fi

unload
echo "$PASSED passed, $FAILED failed"
[ $FAILED -eq 0 ]
