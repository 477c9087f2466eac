# SPDX-License-Identifier: GPL-2.0-only
# The shim's fault matrix through tdxctl, at whatever CPU count this guest has (meson runs it at
# smp 1, 2 and 4): every step x CPU (first, last, random) x errno (EIO, EBUSY, EINVAL) x kernel
# (mainline, the merged code; v9, whose -EBUSY is device-busy). A failure at SHUTDOWN is
# "rejected, intact" (3), or "try later" (75) for device-busy on v9; any later one is "module
# lost" (4), whatever the error word says. Each cell is one upload; the shim is reloaded between
# cells. v9 always asks the module to refuse shutdown during TD builds, which a module without
# TDX_FEATURES0 bit 47 refuses outright: its cells emulate a module with bit 47.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img
NCPU=$(grep -c '^processor' /proc/cpuinfo)
FI=transferring:firmware-invalid
BUSY=transferring:device-busy
echo "== $NCPU CPUs"

# cell STEP CPU ERRNO MAPPING
cell() {
	step=$1 cpu=$2 err=$3 map=$4
	name="$step $cpu -$err $map"
	if [ $map = v9 ]; then
		sim_load kernel=v9 race_avoidance=1
	else
		sim_load
	fi
	sim_set fault_seed $NCPU
	sim_set fault "$step $cpu -$err"
	tdxctl update --key-hash "$KEYHASH" --json $img >$OUT 2>$ERR
	rc=$?
	fires=1
	# a lead-only step runs on the lead (CPU 0) alone: "last" is another CPU when there are two
	case $step in SHUTDOWN|RUN_UPDATE) [ $cpu = last ] && [ $NCPU -gt 1 ] && fires=0 ;; esac
	kerr=$FI
	[ $map = v9 ] && [ $err = EBUSY ] && kerr=$BUSY
	if [ $fires = 0 ]; then
		want="0 ok 1.5.09 none"
		kerr=
	elif [ $step = SHUTDOWN ] && [ "$kerr" = $BUSY ]; then
		want="75 retry-later 1.5.08 $step"
	elif [ $step = SHUTDOWN ]; then
		want="3 rejected 1.5.08 $step"
	else
		want="4 module-lost ENXIO $step"
	fi
	set -- $want
	failed="$step -$err"
	[ $4 = none ] && failed=ok
	got="$rc $(json_str $OUT outcome) $(host_version) $(sim last_result)|$(json_str $OUT kernel_error)"
	eq "$name: exit outcome version shim|error" "$1 $2 $3 $failed|$kerr" "$got"
	eq "$name: one upload, the image tdxctl announced" \
		"1 $(json_str $OUT image_sha256)" "$(sim uploads) $(sim last_sha256)"
	[ "$1" != 75 ] || has "$name: retryable" '"retryable":true' $OUT
	eq "$name: corrupted_measurements" 0 "$(sim corrupted_measurements)"
	[ "$(sim last_result)" = "$failed" ] || sed 's/^/     | /' $ERR | head -n 5
}

for map in mainline v9; do
	for step in SHUTDOWN CPU_INSTALL CPU_INIT RUN_UPDATE; do
		for cpu in lead last random; do
			for err in EIO EBUSY EINVAL; do
				cell $step $cpu $err $map
			done
		done
	done
done

# case NAME EXIT OUTCOME VERSION_AFTER KERNEL_ERROR SHIM_RESULT FAULT [sim params...]
case_() {
	name=$1 want=$2 outcome=$3 vafter=$4 kerr=$5 sres=$6 fault=$7
	shift 7
	sim_load "$@"
	[ "$fault" = none ] || sim_set fault "$fault"
	t "$name" "$want" tdxctl update --key-hash "$KEYHASH" --json $img
	eq "$name: outcome" "$outcome" "$(json_str $OUT outcome)"
	eq "$name: version after" "$vafter" "$(host_version)"
	eq "$name: kernel error" "$kerr" "$(json_str $OUT kernel_error)"
	eq "$name: one upload" 1 "$(sim uploads)"
	eq "$name: shim result" "$sres" "$(sim last_result)"
	echo "     | shim: $(sim last_result) / $(sim last_reason) / stop_machine $(sim stop_machine_ns) ns"
}

case_ "TD build in progress, v9, module with bit 47" 75 retry-later 1.5.08 $BUSY \
	"SHUTDOWN -EBUSY" none kernel=v9 race_avoidance=1 td_builds=1
# v9 on a published module (no bit 47): every shutdown refused, harmlessly.
case_ "v9, module without bit 47" 3 rejected 1.5.08 $FI "SHUTDOWN -EIO" none kernel=v9
case_ "loader: SVN major differs" 4 module-lost ENXIO $FI "CPU_INSTALL -EIO" none svn=2.0
# No kernel ran steps after a failed one; the run-on fault injection does (the shim's README),
# so that tdxctl's handling of "error reported, yet the new version reads back" is exercised.
case_ "CPU_INSTALL EIO, run-on fault injection" 1 failed 1.5.09 $FI "CPU_INSTALL -EIO" \
	"CPU_INSTALL lead EIO 1 run-on"
has "run-on: says partial" "may be partial" $OUT
case_ "SHUTDOWN EIO, run-on fault injection" 4 module-lost ENXIO $FI "SHUTDOWN -EIO" \
	"SHUTDOWN lead EIO 1 run-on"

# The merged kernel never refuses for a TD build: with one on the shim that nobody recorded,
# the update runs and corrupts its measurement (tdxctl cannot see it). Recorded through the
# gate, the update is refused (75) and nothing is uploaded.
sleep 3600 &
owner=$!
sim_load td_builds=1
t "mainline, unrecorded TD build: the kernel does not refuse" 0 tdxctl update \
	--key-hash "$KEYHASH" --json $img
eq "unrecorded: corrupted_measurements" 1 "$(sim corrupted_measurements)"
sim_load td_builds=1
t "recorded build: begin" 0 tdxctl build begin tdF --pid $owner
t "mainline, recorded TD build: 75" 75 tdxctl update --key-hash "$KEYHASH" --json \
	--wait-builds 0 $img
eq "recorded: nothing uploaded, intact" "0 1.5.08 0" \
	"$(sim uploads) $(host_version) $(sim corrupted_measurements)"
tdxctl build end tdF
kill $owner

# The handoff version: this image needs a running module with handoff version 1, the emulated
# one has 0. Beside the running release's file (1.5.08), tdxctl knows and refuses it.
sim_load
t "handoff version known: refused" 69 tdxctl update --key-hash "$KEYHASH" --json \
	$F/handoff-known/tdx_module_1.5.09.img
grep -A1 '"check":"compat.handoff"' $OUT >/tmp/handoff.check
has "handoff known: compat.handoff failed" '"status":"fail"' /tmp/handoff.check
eq "handoff known: nothing uploaded" "0 1.5.08" "$(sim uploads) $(host_version)"
# Alone, tdxctl cannot know (README.md), warns, and the loader fails it at CPU_INSTALL: tdxctl
# must say the module is lost, never success.
t "handoff version mismatch" 4 tdxctl update --key-hash "$KEYHASH" --json \
	$F/handoff/tdx_module_1.5.09.img
grep -A1 '"check":"compat.handoff"' $OUT >/tmp/handoff.check
has "handoff: compat.handoff warned" '"status":"warn"' /tmp/handoff.check
eq "handoff: outcome" module-lost "$(json_str $OUT outcome)"
eq "handoff: shim reason" "loader: handoff version below the new module's min_update_hv" \
	"$(sim last_reason)"
eq "handoff: version" ENXIO "$(host_version)"
sim_load module_hv=1
t "handoff version met" 0 tdxctl update --key-hash "$KEYHASH" --json \
	$F/handoff/tdx_module_1.5.09.img
eq "handoff met: version" 1.5.09 "$(host_version)"

# A step slower than --timeout: "still busy" (failed, 1), no verdict on the module; the update
# then finishes on its own.
sim_load
sim_set fault "CPU_INSTALL lead delay=6000"
t "slow step" 1 tdxctl update --key-hash "$KEYHASH" --json --timeout 1 $img
eq "slow step: outcome" failed "$(json_str $OUT outcome)"
has "slow step: still busy" "the kernel was still busy after 1 s" $OUT
n=0
while [ "$(cat /sys/class/firmware/tdx_module/status)" != idle ] && [ $n -lt 300 ]; do
	sleep 0.1
	n=$((n + 1))
done
eq "slow step: then finished" "1.5.09 ok 1" "$(host_version) $(sim last_result) $(sim uploads)"

# The lost module, in text: loud, and every later update refused before the kernel.
sim_load
sim_set fault "CPU_INIT lead EIO"
t "lost, text" 4 tdxctl update --key-hash "$KEYHASH" $img
has "lost, text: FATAL" "FATAL" $ERR
has "lost, text: reboot" "reboot" $ERR
t "after lost: refused" 69 tdxctl update --key-hash "$KEYHASH" --json $img
eq "after lost: nothing uploaded" 1 "$(sim uploads)"
has "after lost: module_live" '"check":"host.module_live"' $OUT

# Rejected is recoverable: the same update succeeds once the fault is gone.
sim_load
sim_set fault "SHUTDOWN lead EIO"
t "rejected" 3 tdxctl update --key-hash "$KEYHASH" $img
has "rejected: intact" "running module 1.5.08 is intact" $ERR
t "retry after rejection" 0 tdxctl update --key-hash "$KEYHASH" --json $img
eq "retry: version" 1.5.09 "$(host_version)"
eq "retry: budget" 7 "$(cat /sys/devices/faux/tdx_host/num_remaining_updates)"

# Format 0x100 on a mainline kernel: rejected by the header check, harmlessly.
sim_load
t "format 0x100 on mainline" 3 tdxctl update --key-hash "$KEYHASH" --json --image-format 0x100 $img
eq "0x100: intact" 1.5.08 "$(host_version)"
eq "0x100: format sent" 0x100 "$(json_str $OUT format)"
eq "0x100: shim saw the header" "header -EINVAL" "$(sim last_result)"
finish
