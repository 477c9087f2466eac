#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tdxctl status and update --dry-run against fake sysfs and procfs trees (TDXCTL_SYSFS_ROOT,
# TDXCTL_PROCFS_ROOT): the three layouts, the erratum, offline CPUs, an exhausted budget, a
# busy upload device, no TDX host, and the pre-flight refusals with nothing written to the
# device. Seconds, no QEMU. The upload protocol, with a thread playing the kernel's status, error
# and version files, is tests/unit/test-update.c; the module-lost case (ENXIO from a sysfs read)
# is also taken through the command here, with a helper playing the kernel (tdx-kernel-helper:
# the version file answers ENXIO), as is a rejection (exit 3); the real kernel's are in
# tests/vm-tdxctl, the judgement's unit test is tests/unit/test-judge.c.
# Also: libkmod (opened at run time) is loaded by status and not by verify; and, through a fake
# libkmod (tests/host/kmod-fake), what status and update say of each state of the module.
# Usage: test-host.sh TDXCTL MKFIXTURE FIXTURE_DIR GATE_HELPER KMOD_STUB KERNEL_HELPER KMOD_FAKE
set -u
tdxctl=$1
mkfixture=$2
fx=$3
gate_helper=$4
kmod_stub=$5
kernel_helper=$6
kmod_fake=$7
. "$(dirname "$0")/../cli/lib.sh"

tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
hash=$(cat "$fx/test-key.hash")
key="--key-hash $hash"

# An image for this very CPU, so that the CPUID check passes on any machine: CPUID(1).EAX from
# the family, model and stepping /proc/cpuinfo prints.
field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n 1; }
fam=$(field 'cpu family') model=$(field model) stepping=$(field stepping)
if [ -z "$fam" ] || [ -z "$model" ] || [ -z "$stepping" ]; then
	echo "no family/model/stepping in /proc/cpuinfo: skipped"
	exit 77
fi
if [ "$fam" -ge 15 ]; then basefam=15 extfam=$((fam - 15)); else basefam=$fam extfam=0; fi
eax=$(printf '0x%X' $(( (extfam << 20) | ((model >> 4) << 16) | (basefam << 8) |
	((model & 15) << 4) | stepping )))
img=$tmp/tdx_module_1.5.09.img
"$mkfixture" --key "$fx/test-key.pem" --version 1.5.09 --cpuid "$eax" -o "$img" ||
	{ echo "tdx-mkfixture failed"; exit 1; }

# tree NAME LAYOUT [options]: a fake host under $tmp/NAME (sys/, proc/, run/, history).
#   LAYOUT: mainline, v4 (seamldr/ subfolder), v3 (seamldr_upload), none (tdx_host, no
#   upload device), absent (no tdx_host at all)
#   --erratum: /proc/cpuinfo lists seamret_invd_vmcs; --offline: CPU 2 of 0-3 offline;
#   --budget N: remaining updates (default 8); --busy: the upload device is transferring;
#   --status S: the upload device's status is S.
tree() {
	local name=$1 layout=$2 erratum='' offline='' budget=8 status=idle
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--erratum) erratum=' seamret_invd_vmcs' ;;
		--offline) offline=1 ;;
		--budget) budget=$2; shift ;;
		--busy) status=transferring ;;
		--status) status=$2; shift ;;
		esac
		shift
	done
	local t=$tmp/$name h
	h=$t/sys/devices/faux/tdx_host
	mkdir -p "$t/sys/devices/system/cpu" "$t/sys/class/firmware" "$t/proc" "$t/run"
	printf '0-3\n' >"$t/sys/devices/system/cpu/present"
	if [ -n "$offline" ]; then printf '0-1,3\n'; else printf '0-3\n'; fi \
		>"$t/sys/devices/system/cpu/online"
	printf 'processor\t: 0\nbugs\t\t: spectre_v1 spectre_v2%s\n' "$erratum" >"$t/proc/cpuinfo"
	[ "$layout" = absent ] && return
	mkdir -p "$h"
	: >"$h/uevent"
	printf '1.5.08\n' >"$h/version"
	local up=tdx_module
	case $layout in
	mainline)
		printf '1.5.01\n' >"$h/seamldr_version"
		printf '%s\n' "$budget" >"$h/num_remaining_updates" ;;
	v3 | v4)
		mkdir "$h/seamldr"
		printf '1.5.01\n' >"$h/seamldr/version"
		printf '%s\n' "$budget" >"$h/seamldr/num_remaining_updates"
		[ "$layout" = v3 ] && up=seamldr_upload ;;
	none) return ;;
	esac
	local u=$h/firmware/$up
	mkdir -p "$u"
	: >"$u/uevent"
	: >"$u/loading"
	: >"$u/data"
	: >"$u/error"
	printf '%s\n' "$status" >"$u/status"
	ln -s ../../../../../class/firmware "$u/subsystem"
}

# host NAME: the environment that points tdxctl at tree NAME.
host() {
	export TDXCTL_SYSFS_ROOT=$tmp/$1/sys TDXCTL_PROCFS_ROOT=$tmp/$1/proc
	export TDXCTL_RUNDIR=$tmp/$1/run TDXCTL_HISTORY=$tmp/$1/history.jsonl
}

upload_dir() {
	local d
	for d in "$tmp/$1"/sys/devices/faux/tdx_host/firmware/*; do echo "$d"; done
}

failed_checks='[.checks[] | select(.status == "fail") | .check]'

# update runs without valgrind (`meson test --setup valgrind` sets TDXCTL_WRAPPER): memcheck
# emulates CPUID, so this CPU would not be the one the image lists. status runs under it.
update_run() {
	TDXCTL_WRAPPER='' run "$@"
}

# --- status: each layout ----------------------------------------------------------------------
for layout in mainline v4 v3; do
	tree "st-$layout" $layout
	host "st-$layout"
	run $tdxctl status --json
	expect_rc 0 "status $layout"
	expect_json '.ready' true "status $layout ready"
	expect_json '.module_version' '"1.5.08"' "status $layout version"
	expect_json '.seamldr_version' '"1.5.01"' "status $layout seamldr"
	expect_json '.remaining_updates' 8 "status $layout budget"
	expect_json '.upload_device.status' '"idle"' "status $layout upload idle"
done
host st-mainline
run $tdxctl status --json
expect_json '.layout' '"mainline"' "layout mainline"
expect_json '.upload_device.path' "\"$tmp/st-mainline/sys/devices/faux/tdx_host/firmware/tdx_module\"" \
	"upload device path under the sysfs root"
host st-v4
run $tdxctl status --json
expect_json '.layout' '"seamldr-subfolder (series v4-v7)"' "layout v4"
host st-v3
run $tdxctl status --json
expect_json '.layout' '"seamldr_upload (series v3)"' "layout v3"
expect_json '.upload_device.path | endswith("/firmware/seamldr_upload")' true "v3 upload device"

# --- status: what makes a host not ready --------------------------------------------------------
tree st-absent absent
host st-absent
run $tdxctl status --json
expect_rc 69 "no tdx_host"
expect_json '.tdx_host' false "no tdx_host: tdx_host false"
expect_json '.update_support' '"no TDX host device"' "no tdx_host: support"

tree st-erratum none --erratum
host st-erratum
run $tdxctl status --json
expect_rc 69 "erratum"
expect_json '.update_support' '"CPU erratum seamret_invd_vmcs"' "erratum: support"
expect_json '.update_supported' false "erratum: unsupported"

tree st-nofeature none
host st-nofeature
run $tdxctl status --json
expect_rc 69 "no upload device, no erratum"
expect_json '.update_support' '"no upload device"' "no feature: support"

tree st-offline mainline --offline
host st-offline
run $tdxctl status --json
expect_json '.ready' false "offline CPU: not ready"
expect_json '.cpus.offline' '"2"' "offline CPU listed"
offline_rc=$rc

# Many CPUs offline in the longest pattern a list can take (a range of two, then a gap): the whole
# list in the JSON, the check's fact and the text, never cut ("..." was where 256 bytes ran out).
tree st-offline-many mainline
printf '0-8190\n' >"$tmp/st-offline-many/sys/devices/system/cpu/present"
many=$(awk 'BEGIN { for (c = 1000; c + 1 <= 8190; c += 3) { printf "%s%d-%d", s, c, c + 1; s = "," } }')
online=$(awk 'BEGIN { printf "0-999"; for (c = 1002; c <= 8190; c += 3) printf ",%d", c }')
printf '%s\n' "$online" >"$tmp/st-offline-many/sys/devices/system/cpu/online"
host st-offline-many
run $tdxctl status --json
expect_json '.cpus.offline' "\"$many\"" "many offline CPUs: the whole list (${#many} bytes)"
expect_json '.checks[] | select(.check == "host.cpus_online") | .facts.offline_cpus' "\"$many\"" \
	"many offline CPUs: the check's fact is the whole list"
run $tdxctl status
expect_grep "offline: $many" "$out" "many offline CPUs: the text line has the whole list"

tree st-budget mainline --budget 0
host st-budget
run $tdxctl status --json
expect_json '.ready' false "budget 0: not ready"
expect_json '.remaining_updates' 0 "budget 0 shown"
budget_rc=$rc

tree st-busy mainline --busy
host st-busy
run $tdxctl status --json
expect_rc 75 "upload device busy: try later"
expect_json '.upload_device.status' '"transferring"' "busy status shown"
# Every status but idle is an upload under way (sysfs_upload.c): each one gives 75, for status
# and for an update, which writes nothing.
for busy in receiving preparing transferring programming; do
	tree "st-$busy" mainline --status $busy
	host "st-$busy"
	run $tdxctl status --json
	expect_rc 75 "upload device $busy: status exit code"
	expect_json '[.ready, .upload_device.status]' "[false,\"$busy\"]" "upload device $busy shown"
	expect_json "$failed_checks" '["host.upload_idle"]' "upload device $busy: the failed check"
	update_run $tdxctl update $key --json "$img"
	expect_rc 75 "upload device $busy: update exit code"
	expect_json "$failed_checks" '["host.upload_idle"]' "upload device $busy: update's failed check"
	expect_true "[ ! -s '$(upload_dir "st-$busy")/loading' ]" "upload device $busy: nothing written"
done

# --- status: the readiness rules, one at a time (the library's tdx_readiness_judge) -------------
# check_status CHECK: that check's status in the last --json output.
check_status() { printf '[.checks[] | select(.check == "%s") | .status]' "$1"; }
# ready_rule TREE RC OUTCOME CHECK WHAT: not ready, CHECK the first failure, the rest as they are.
ready_rule() {
	host "$1"
	run $tdxctl status --prometheus
	expect_grep "tdx_update_ready 0" "$out" "$5: metrics not ready"
	expect_grep "tdx_update_ready_info{reason=\"$4\"} 1" "$out" "$5: metrics reason"
	run $tdxctl status --json
	expect_rc "$2" "$5: exit code"
	expect_json '.ready' false "$5: not ready"
	expect_json '.outcome' "\"$3\"" "$5: outcome"
	expect_json "$failed_checks | .[0]" "\"$4\"" "$5: first failure $4"
}
host st-mainline
run $tdxctl status --json
expect_json "$failed_checks" '[]' "ready: no rule fails"
expect_json '[.checks[].check]' '["host.interface","host.module_live","host.update_supported","host.remaining_updates","host.cpus_online","host.upload_idle","host.lock","host.td_builds","host.permission"]' \
	"ready: every readiness rule, in order"
expect_json "$(check_status host.lock)" '["pass"]' "ready: lock free"
run $tdxctl status --prometheus
expect_grep 'tdx_update_ready 1' "$out" "ready: metrics"
expect_grep 'tdx_update_ready_info{reason="none"} 1' "$out" "ready: metrics reason"

ready_rule st-offline 69 unavailable host.cpus_online "readiness: offline CPU"
expect_json "$failed_checks" '["host.cpus_online"]' "readiness: offline CPU fails only that"
ready_rule st-budget 69 unavailable host.remaining_updates "readiness: budget exhausted"
expect_json "$failed_checks" '["host.remaining_updates"]' "readiness: budget fails only that"
ready_rule st-busy 75 retry-later host.upload_idle "readiness: upload device busy"
ready_rule st-erratum 69 unavailable host.update_supported "readiness: erratum"
ready_rule st-absent 69 unavailable host.interface "readiness: no tdx_host"

# The update lock, held by another process.
tree st-locked mainline
# The lock lives in root's 0700 folder (issue 24): the holder is root, as only root can be.
mkdir -p -m 0700 "$tmp/st-locked/run/private"
exec 8>"$tmp/st-locked/run/private/update.lock"
flock -n 8
ready_rule st-locked 75 retry-later host.lock "readiness: lock held"
expect_json '.lock.held' true "readiness: lock held shown"
expect_json "$failed_checks" '["host.lock"]' "readiness: lock held fails only that"
run $tdxctl status
expect_rc 75 "readiness: lock held, text: exit code"
expect_grep 'Ready for update:   no (retry-later)' "$out" "readiness: lock held, text"
expect_grep "  host.lock: another process holds $tmp/st-locked/run/private/update.lock (it recorded no PID): an update is running; nothing was changed; retry when 'tdxctl status' shows it free" \
	"$out" "readiness: lock held, text names the rule"
exec 8>&-
run $tdxctl status --json
expect_rc 0 "readiness: lock released, ready again"

# A TD build in progress, recorded as a VMM launcher records it.
tree st-build mainline
host st-build
run $tdxctl build begin vm1 --pid $$ --quiet
expect_rc 0 "readiness: build vm1 recorded"
ready_rule st-build 75 retry-later host.td_builds "readiness: TD build in progress"
expect_json '.td_build_names' '["vm1"]' "readiness: the live build named"
expect_json '[.checks[] | select(.check == "host.td_builds") | .message]' \
	"[\"TD builds in progress: vm1 (pid $$): an update now would wait for them, then be refused; nothing was changed; retry when they end ('tdxctl build list'); --wait-builds sets how long an update waits\"]" \
	"readiness: the rule names the build, and tdxctl's option for waiting"
run $tdxctl status
expect_grep "TD builds:          1 in progress (vm1)" "$out" "readiness: the status line names it"
expect_grep "  host.td_builds: TD builds in progress: vm1 (pid $$): an update now would wait for them, then be refused; nothing was changed; retry when they end ('tdxctl build list'); --wait-builds sets how long an update waits" \
	"$out" "readiness: the text row words the option too"
run $tdxctl build end vm1 --quiet
run $tdxctl status --json
expect_rc 0 "readiness: build ended, ready again"

# gate_hold TREE: a process closes TREE's TD-build gate as tdxctl update does (the library
# call) and holds it until $tmp/TREE/release exists; returns once it is closed and drained,
# with its PID in $helper.
gate_hold() {
	"$gate_helper" "$tmp/$1/run" 0 "$tmp/$1/release" >"$tmp/$1/helper.out" 2>&1 &
	helper=$!
	for _ in $(seq 600); do
		grep -q drained "$tmp/$1/helper.out" 2>/dev/null && break
		kill -0 $helper 2>/dev/null || break
		sleep 0.1
	done
}

# The TD-build gate, held closed by an updater (the library call tdxctl update makes).
tree st-gate mainline
host st-gate
gate_hold st-gate
ready_rule st-gate 75 retry-later host.td_builds "readiness: gate closed"
expect_json '.td_build_gate_closed' true "readiness: gate closed shown"
expect_json '.td_build_gate_closer' "$helper" "readiness: gate closer's PID"
touch "$tmp/st-gate/release"
wait $helper
run $tdxctl status --json
expect_rc 0 "readiness: gate reopened, ready again"

# --- update --dry-run: every check, nothing written ----------------------------------------------
tree dry mainline
host dry
update_run $tdxctl update $key --dry-run --json "$img"
expect_rc 0 "dry run"
expect_json '.outcome' '"ok"' "dry run outcome"
expect_json '.verdict | startswith("dry run: every check passed")' true "dry run verdict"
expect_json "$failed_checks" '[]' "dry run: no failed check"
u=$(upload_dir dry)
expect_true "[ ! -s '$u/data' ] && [ ! -s '$u/loading' ]" "dry run: nothing written to the device"
expect_true "[ \"\$(cat '$tmp/dry/sys/devices/faux/tdx_host/version')\" = 1.5.08 ]" \
	"dry run: version unchanged"

# An image that cannot be read: the same words as verify's (tdx_image_open()), exit 66.
update_run $tdxctl update $key --dry-run --json "$tmp/none.img"
expect_rc 66 "dry run: missing image"
expect_json '.verdict' "\"cannot read $tmp/none.img: No such file or directory; nothing was changed\"" \
	"dry run: missing image verdict"

# --latest: the releases considered carry the reasons list gives them, worded the same way (the
# library's message, tdxctl's option for its remedy): a mapping file that lacks the release.
mkdir -p "$tmp/rel"
cp "$img" "$tmp/rel/"
printf '%s\n' '{ "Header": { "Copyright": "tdxctl tests", "Info": "no 1.5.09", "Version": "1.0" },' \
	'  "tdx_module_releases": [ { "version": "1.5.07",' \
	'    "min_module_version_for_td_preserving": "1.5.01",' \
	'    "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" } ] }' \
	>"$tmp/rel/mapping_file.json"
unlisted="the mapping file does not list 1.5.09: the oldest running module it can update and the P-SEAMLDR versions it needs are unknown: use Intel's mapping file of that release (--mapping FILE)"
update_run $tdxctl update $key --latest "$tmp/rel" --dry-run --json
expect_rc 0 "--latest: nothing installable"
expect_json '[.considered[] | [.version, .reason]]' "[[\"1.5.09\",\"$unlisted\"]]" \
	"--latest: the reason with tdxctl's option"
considered=$(printf '%s' "$out" | jq -c '[.considered[].reason]')
update_run $tdxctl list $key "$tmp/rel" --json
expect_rc 0 "list of the same folder"
expect_json '[.releases[].reason]' "$considered" "--latest and list word the reasons alike"
# --- the rollout hold (STATE_DIR/hold): update --latest installs nothing while it is set --------
# An installable release in a folder, a mainline host; the hold set, untrusted, and lifted.
tree hold mainline
host hold
export TDXCTL_STATEDIR=$tmp/hold/state
mkdir -p "$TDXCTL_STATEDIR" "$tmp/hold/rel"
chmod 755 "$TDXCTL_STATEDIR"
cp "$img" "$tmp/hold/rel/"
printf '%s\n' '{ "Header": { "Copyright": "tdxctl tests", "Info": "1.5.09", "Version": "1.0" },' \
	'  "tdx_module_releases": [ { "version": "1.5.09",' \
	'    "min_module_version_for_td_preserving": "1.5.01",' \
	'    "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" } ] }' \
	>"$tmp/hold/rel/mapping_file.json"
hold=$TDXCTL_STATEDIR/hold
update_run $tdxctl update $key --latest "$tmp/hold/rel" --dry-run --json
expect_rc 0 "hold: none, --latest picks 1.5.09"
expect_json '.image_version' '"1.5.09"' "hold: none, the release picked"
run $tdxctl status --json
expect_json '[.hold.held, .hold.path, .hold.untrusted]' "[false,\"$hold\",null]" "status: no hold"
printf 'rollout 2026-12-07 wave 2 of 3 not reached\001\nsecond line\n' >"$hold"
chmod 644 "$hold"
touch -d 2026-12-07T04:00:00Z "$hold"
for dry in --dry-run ''; do
	update_run $tdxctl update $key --latest "$tmp/hold/rel" $dry --json
	expect_rc 69 "hold: update --latest $dry refused"
	expect_json '[.outcome, .uploaded, .retryable]' '["unavailable",false,false]' \
		"hold: update --latest $dry outcome"
	expect_json '.verdict' "\"held: a rollout hold is set on this host ($hold: rollout 2026-12-07 wave 2 of 3 not reached?); --latest installs nothing while it exists, nothing was changed (the rollout removes it when this host's wave succeeds; to release the host by hand: rm $hold)\"" \
		"hold: update --latest $dry verdict"
done
expect_true "[ ! -s '$(upload_dir hold)/data' ]" "hold: nothing written to the upload device"
update_run $tdxctl update $key --latest "$tmp/hold/rel" --quiet
expect_rc 69 "hold: update --latest --quiet (the timer's) refused"
expect_grep "held: a rollout hold is set" "$errout" "hold: --quiet still says why"
# An image named by hand is a person's choice (and the rollout's own update): the hold allows it.
update_run $tdxctl update $key --dry-run --json "$img"
expect_rc 0 "hold: update IMAGE is not held"
run $tdxctl status --json
expect_json '[.hold.held, .hold.since, .hold.reason, .hold.untrusted]' \
	'[true,"2026-12-07T04:00:00Z","rollout 2026-12-07 wave 2 of 3 not reached?",null]' \
	"status: the hold"
run $tdxctl status
expect_grep "Rollout hold:       set ($hold: rollout 2026-12-07" "$out" "status text: the hold"
run $tdxctl status --prometheus
expect_grep 'tdx_update_held 1' "$out" "metrics: held"
expect_grep 'tdx_fact_known{fact="hold"} 1' "$out" "metrics: hold known"
# A hold that cannot be trusted is neither obeyed nor ignored: 77, and says why.
untrusted() {
	update_run $tdxctl update $key --latest "$tmp/hold/rel" --dry-run --json
	expect_rc 77 "hold $1: refused"
	expect_json '.verdict' "\"a rollout hold exists but cannot be trusted: $hold: $2; it is neither obeyed nor ignored, nothing was changed (remove it, or make it root's, mode 0644, in a folder only root can write)\"" \
		"hold $1: verdict"
	expect_json '[.trust_refusal.fault, .trust_refusal.path, .mapping_refusal]' \
		"[\"$3\",\"$hold\",null]" "hold $1: the facts beside the verdict"
	[ -z "${4:-}" ] || expect_json .trust_refusal "$4" "hold $1: every fact"
	run $tdxctl status --json
	expect_json '[.hold.held, .hold.untrusted]' "[true,\"$2\"]" "status: hold $1"
}
chmod 664 "$hold"
untrusted "group-writable" "the file is writable by its group (mode 0664)" writable
chmod 644 "$hold"
chown 65534 "$hold"
untrusted "not root's" "the file is owned by uid 65534, not root" owner \
	"{\"fault\":\"owner\",\"path\":\"$hold\",\"folder\":false,\"uid\":65534,\"mode\":\"0644\",\"writable_by\":null}"
rm -f "$hold"
ln -s "$tmp/hold/rel/mapping_file.json" "$hold"
untrusted "a symlink" "the file is a symbolic link" symlink
rm -f "$hold"
mkfifo "$hold"
untrusted "a FIFO" "the file is not a regular file" not-regular
rm -f "$hold"
: >"$hold"
chmod 777 "$TDXCTL_STATEDIR"
untrusted "in a folder everyone writes" "its folder is writable by every user (mode 0777)" writable \
	"{\"fault\":\"writable\",\"path\":\"$hold\",\"folder\":true,\"uid\":$(id -u),\"mode\":\"0777\",\"writable_by\":\"all\"}"
chmod 755 "$TDXCTL_STATEDIR"
update_run $tdxctl update $key --latest "$tmp/hold/rel" --dry-run --json
expect_rc 69 "hold: an empty file holds too"
rm -f "$hold"
update_run $tdxctl update $key --latest "$tmp/hold/rel" --dry-run --json
expect_rc 0 "hold lifted: --latest picks 1.5.09 again"
expect_json '.image_version' '"1.5.09"' "hold lifted: the release picked"
run $tdxctl status --prometheus
expect_grep 'tdx_update_held 0' "$out" "metrics: not held"
unset TDXCTL_STATEDIR

for layout in v4 v3; do
	tree "dry-$layout" $layout
	host "dry-$layout"
	update_run $tdxctl update $key --dry-run --json "$img"
	expect_rc 0 "dry run $layout"
	expect_json '.format' '"0x100"' "dry run $layout: the series take format 0x100"
done

# --- --tcb-info: update rates the image; --latest prefers an UpToDate release -------------------
# Documents signed by a test root made now (tdx-mktcbinfo); prefer.json rates SVN 1.10 OutOfDate
# and 1.9 UpToDate, so that --latest must take 1.5.09 over the newer 1.5.10.
tcbdir=$tmp/tcb
mkdir -p "$tcbdir" "$tmp/tcbrel"
"$fx/tdx-mktcbinfo" "$tcbdir" || { echo "tdx-mktcbinfo failed"; exit 1; }
tcb() { echo --tcb-info "$tcbdir/$1.json" --tcb-info-chain "$tcbdir/chain.pem" \
	--tcb-root-hash "$(cat "$tcbdir/root.hash")"; }
img10=$tmp/tcbrel/tdx_module_1.5.10.img
"$mkfixture" --key "$fx/test-key.pem" --version 1.5.10 --cpuid "$eax" -o "$img10" ||
	{ echo "tdx-mkfixture failed"; exit 1; }
cp "$img" "$tmp/tcbrel/"
printf '%s\n' '{ "Header": { "Copyright": "tdxctl tests", "Info": "tcb", "Version": "1.0" },' \
	'  "tdx_module_releases": [ { "version": "1.5.09",' \
	'    "min_module_version_for_td_preserving": "1.5.01",' \
	'    "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" },' \
	'    { "version": "1.5.10", "min_module_version_for_td_preserving": "1.5.01",' \
	'    "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" } ] }' \
	>"$tmp/tcbrel/mapping_file.json"
tree tcb mainline
host tcb
tcb_status='[.checks[] | select(.check == "tcb.status") | .status]'
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run --json $(tcb prefer) --mapping "$tmp/tcbrel/mapping_file.json" "$tmp/tcbrel/tdx_module_1.5.09.img"
expect_rc 0 "tcb: 1.5.09 UpToDate"
expect_json "$tcb_status" '["pass"]' "tcb: 1.5.09 rated"
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run --json $(tcb prefer) --mapping "$tmp/tcbrel/mapping_file.json" "$img10"
expect_rc 0 "tcb: 1.5.10 OutOfDate warns"
expect_json "$tcb_status" '["warn"]' "tcb: 1.5.10 rated"
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run --json --strict $(tcb prefer) --mapping "$tmp/tcbrel/mapping_file.json" "$img10"
expect_rc 65 "tcb: 1.5.10 OutOfDate refused under --strict"
expect_json "$failed_checks" '["tcb.status"]' "tcb: --strict names the check"
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run --json $(tcb mismatch) --mapping "$tmp/tcbrel/mapping_file.json" "$img10"
expect_rc 66 "tcb: a TCB Info for another line"
expect_json '.outcome' '"input-error"' "tcb: mismatch outcome"
expect_json '.verdict' '"the TCB Info does not fit this module: no identity TDX_01 (SVN major 1) in tdxModuleIdentities (it has TDX_03); nothing was changed"' \
	"tcb: mismatch verdict"
# An id of the document holding ESC, a newline and bytes that are not UTF-8: the verdict (text
# on stdout, which keeps newlines, and JSON) shows it escaped, on one line.
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run $(tcb hostile-id) --mapping "$tmp/tcbrel/mapping_file.json" "$img10"
expect_rc 66 "tcb: a hostile id"
expect_grep 'in tdxModuleIdentities (it has T\e[2J\n\xff\xfe); nothing was changed' "$out$errout" \
	"tcb: a hostile id is escaped in the text, on one line"
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run --json $(tcb hostile-id) --mapping "$tmp/tcbrel/mapping_file.json" "$img10"
expect_json '.verdict' '"the TCB Info does not fit this module: no identity TDX_01 (SVN major 1) in tdxModuleIdentities (it has T\\e[2J\\n\\xff\\xfe); nothing was changed"' \
	"tcb: a hostile id is escaped in the JSON verdict"
# shellcheck disable=SC2046
update_run $tdxctl update $key --dry-run --json $(tcb expired) "$img10"
expect_rc 66 "tcb: expired"
expect_json '.error.outcome' '"input-error"' "tcb: expired, one JSON error"
expect_grep "expired: its nextUpdate is" "$out" "tcb: expired named"
# --latest: without the TCB Info the newest (1.5.10); with it, 1.5.09, and saying so.
update_run $tdxctl update $key --latest "$tmp/tcbrel" --dry-run --json
expect_json '.image_version' '"1.5.10"' "tcb: --latest without TCB Info"
expect_json '.passed_over' 'null' "tcb: nothing passed over without TCB Info"
# shellcheck disable=SC2046
update_run $tdxctl update $key --latest "$tmp/tcbrel" --dry-run --json $(tcb prefer)
expect_rc 0 "tcb: --latest with TCB Info"
expect_json '.image_version' '"1.5.09"' "tcb: --latest prefers the UpToDate 1.5.09"
expect_json "$tcb_status" '["pass"]' "tcb: --latest's pick rated"
expect_json '.passed_over' "{\"image\":\"$img10\",\"version\":\"1.5.10\",\"tcb_status\":\"OutOfDate\",\"why\":\"newer and installable, but the TCB Info rates it OutOfDate, not UpToDate; $tmp/tcbrel/tdx_module_1.5.09.img, the newest installable release it rates UpToDate, was taken instead\"}" \
	"tcb: --latest --json names the release passed over"
# shellcheck disable=SC2046
update_run $tdxctl update $key --latest "$tmp/tcbrel" --dry-run $(tcb prefer)
expect_rc 0 "tcb: --latest text"
expect_grep "instead of the newer $img10, which it rates OutOfDate" "$errout" "tcb: --latest says so"
# shellcheck disable=SC2046
update_run $tdxctl update $key --latest "$tmp/tcbrel" --dry-run --json $(tcb uptodate)
expect_json '.image_version' '"1.5.10"' "tcb: --latest takes the newest when it is UpToDate"
expect_json '.passed_over' 'null' "tcb: nothing passed over when the newest is UpToDate"
expect_true "[ ! -s '$(upload_dir tcb)/data' ]" "tcb: nothing written to the upload device"

# --- pre-flight refusals: exit code, the failed check, nothing written ---------------------------
# refuse NAME WANT_RC CHECK WHAT
refuse() {
	host "$1"
	update_run $tdxctl update $key --json "$img"
	expect_rc "$2" "$4"
	expect_json "$failed_checks | index(\"$3\") != null" true "$4: fails $3"
	local d
	for d in "$tmp/$1"/sys/devices/faux/tdx_host/firmware/*; do
		[ -d "$d" ] || continue
		expect_true "[ ! -s '$d/data' ] && [ ! -s '$d/loading' ]" "$4: nothing written"
	done
}
refuse st-absent 69 host.interface "refusal: no tdx_host"
refuse st-erratum 69 host.update_supported "refusal: erratum"
refuse st-offline "$offline_rc" host.cpus_online "refusal: offline CPU"
refuse st-budget "$budget_rc" host.remaining_updates "refusal: budget exhausted"
refuse st-busy 75 host.upload_idle "refusal: upload device busy"

# The lock, held by another process.
tree locked mainline
# The lock lives in root's 0700 folder (issue 24): the holder is root, as only root can be.
mkdir -p -m 0700 "$tmp/locked/run/private"
exec 8>"$tmp/locked/run/private/update.lock"
flock -n 8
refuse locked 75 host.lock "refusal: lock held"
exec 8>&-

# --- the update's refusals are status's rules: the same rows for the same facts ----------------
# The update judges the lock it tried to take and the gate it tried to close with the rules
# status judges (tdx_readiness_judge_rules). same_as_status WHAT RC CHECK, after an update run:
# the update exited RC with CHECK its only failure; status, on the same host, exits RC too, fails
# only CHECK, and gives every host.* row the update judged the same status.
same_as_status() {
	local upd=$out ids rows msg
	expect_rc "$2" "$1: update exit code"
	expect_json "$failed_checks" "[\"$3\"]" "$1: update fails only $3"
	ids=$(printf '%s' "$upd" | jq -c '[.checks[] | select(.check | startswith("host.")) | .check]')
	rows=$(printf '%s' "$upd" |
		jq -c '[.checks[] | select(.check | startswith("host.")) | [.check, .status]] | sort')
	run $tdxctl status --json
	expect_rc "$2" "$1: status exit code"
	expect_json "$failed_checks" "[\"$3\"]" "$1: status fails only $3"
	expect_json "[.checks[] | select(.check | IN($ids[])) | [.check, .status]] | sort" "$rows" \
		"$1: status gives the update's host rows the same status"
	same_message=$(printf '%s' "$upd" |
		jq -c --arg c "$3" '[.checks[] | select(.check == $c) | .message]')
}

tree same-lock mainline
host same-lock
# The lock lives in root's 0700 folder (issue 24): the holder is root, as only root can be.
mkdir -p -m 0700 "$tmp/same-lock/run/private"
exec 8>"$tmp/same-lock/run/private/update.lock"
flock -n 8
update_run $tdxctl update $key --json "$img"
same_as_status "lock held" 75 host.lock
expect_json '[.checks[] | select(.check == "host.lock") | .message]' "$same_message" \
	"lock held: the update's words are status's"
expect_json "$same_message" \
	"[\"another process holds $tmp/same-lock/run/private/update.lock (it recorded no PID): an update is running; nothing was changed; retry when 'tdxctl status' shows it free\"]" \
	"lock held: the update's row"
exec 8>&-

tree same-gate mainline
host same-gate
gate_hold same-gate
update_run $tdxctl update $key --json "$img"
same_as_status "gate closed by another" 75 host.td_builds
expect_json '[.checks[] | select(.check == "host.td_builds") | .message]' "$same_message" \
	"gate closed by another: the update's words are status's"
expect_json "$same_message" \
	"[\"the TD-build gate in $tmp/same-gate/run is closed by PID $helper (an update is running); nothing was changed; retry when it is done\"]" \
	"gate closed by another: the update's row names the closer"
touch "$tmp/same-gate/release"
wait $helper
update_run $tdxctl update $key --dry-run --json "$img"
expect_rc 0 "gate reopened: the dry run passes"

tree same-build mainline
host same-build
run $tdxctl build begin vm1 --pid $$ --quiet
expect_rc 0 "build vm1 recorded"
update_run $tdxctl update $key --wait-builds 0 --json "$img"
same_as_status "TD build in progress" 75 host.td_builds
expect_json "$same_message" \
	"[\"TD builds in progress: vm1 (pid $$), still after waiting 0.000 s: an update now could corrupt their measurement; nothing was changed; retry when they end ('tdxctl build list'); --wait-builds sets how long an update waits\"]" \
	"TD build in progress: the update's row says it waited, and tdxctl's option"
update_run $tdxctl update $key --dry-run --json "$img"
expect_rc 75 "TD build in progress: the dry run refused too"
expect_json '[.checks[] | select(.check == "host.td_builds") | .message]' \
	"[\"TD builds in progress: vm1 (pid $$): an update now would wait for them, then be refused; nothing was changed; retry when they end ('tdxctl build list'); --wait-builds sets how long an update waits\"]" \
	"TD build in progress: the dry run reads the gate as status does"
run $tdxctl build end vm1 --quiet
expect_true "[ ! -s '$(upload_dir same-build)/data' ]" "TD build in progress: nothing written"

# --- the verdict through the command: the kernel played by tdx-kernel-helper -------------------
# kernel_plays TREE ERROR VERSION: a fresh mainline TREE, pointed at, with the helper in place for
# one upload to it (see its header).
kernel_plays() {
	local size
	rm -rf "${tmp:?}/$1"
	tree "$1" mainline
	host "$1"
	update_run $tdxctl update $key --dry-run --json "$img"
	size=$(printf '%s' "$out" | jq .size)
	"$kernel_helper" "$(upload_dir "$1")" "$tmp/$1/sys/devices/faux/tdx_host" "$size" "$2" "$3" \
		>"$tmp/$1.helper" &
	helper=$!
	# Up to 60 s: on a loaded machine (CI's sanitizer stage) the helper can take seconds to
	# start, and an update run before its FIFO exists would test nothing but the race.
	for _ in $(seq 6000); do grep -q ready "$tmp/$1.helper" && break; sleep 0.01; done
	grep -q ready "$tmp/$1.helper" || bad "$1: the kernel helper never became ready"
}

# Rejected: the kernel says firmware-invalid, the version is unchanged: 3, the module intact.
kernel_plays rejected transferring:firmware-invalid -
update_run $tdxctl update $key --json "$img"
wait $helper
expect_rc 3 "rejected by the kernel: exit 3"
expect_json '[.outcome, .exit_code, .kernel_error, .uploaded, .phase]' \
	'["rejected",3,"transferring:firmware-invalid",true,"verdict"]' "rejected: the JSON verdict"
expect_json '.retryable' false "rejected: not retryable"
expect_json '.relaunch' null "rejected: no relaunch object (the module did not change)"
expect_grep "received $(stat -c %s "$img")" "$(cat "$tmp/rejected.helper")" \
	"rejected: the image reached the kernel"
run tail -n 1 "$tmp/rejected/history.jsonl"
expect_json '[.outcome, .exit_code, .old_version, .new_version]' '["rejected",3,"1.5.08","1.5.08"]' \
	"rejected: the history record"
# The image's sigstruct SVNs (the fixture's 1.9): what tells the running module's SVN later.
expect_json '[.image_svn_major, .image_svn_minor]' '[1,9]' "rejected: the record has the image's SVN"
# The same in text, and with --quiet (one line, as cron mails it).
kernel_plays rejected transferring:firmware-invalid -
update_run $tdxctl update $key "$img"
wait $helper
expect_rc 3 "rejected, text: exit 3"
expect_grep "tdxctl update: rejected: the update was rejected (transferring:firmware-invalid); the running module 1.5.08 is intact" \
	"$errout" "rejected, text: the verdict"
kernel_plays rejected transferring:firmware-invalid -
update_run $tdxctl update $key --quiet "$img"
wait $helper
expect_rc 3 "rejected, quiet: exit 3"
expect_true "[ $(printf '%s\n' "$errout" | grep -c .) -eq 1 ]" "rejected, quiet: one line"

# Updated: the version becomes the image's; the record of the install has its SVN.
kernel_plays updated "" 1.5.09
update_run $tdxctl update $key --json "$img"
wait $helper
expect_rc 0 "updated: exit 0"
run tail -n 1 "$tmp/updated/history.jsonl"
expect_json '[.outcome, .uploaded, .new_version, .image_version, .image_svn_major, .image_svn_minor]' \
	'["ok",true,"1.5.09","1.5.09",1,9]' "updated: the history record of the install has its SVN"

# --- the update names the TDs it leaves on an older module (issue 27) ------------------------
# launches TREE: on TREE (running 1.5.08, the helper waiting), the history of the installs of
# 1.5.06 (SVN 1.3) and 1.5.08 (SVN 1.7), and launch records: vmOld and vmOlder running, launched
# under 1.5.08 and 1.5.06; vmGone launched under 1.5.08, its process gone (stale); vmNew running,
# launched under 1.5.09, the image's version. Sets $old, $older.
launches() {
	local hv=$tmp/$1/sys/devices/faux/tdx_host/version p
	printf '{"time":"2026-12-01T10:00:00Z","command":"update","kind":"update","old_version":null,"new_version":"1.5.06","image_version":"1.5.06","outcome":"ok","uploaded":true,"exit_code":0,"image_svn_major":1,"image_svn_minor":3}\n{"time":"2026-12-02T10:00:00Z","command":"update","kind":"update","old_version":"1.5.06","new_version":"1.5.08","image_version":"1.5.08","outcome":"ok","uploaded":true,"exit_code":0,"image_svn_major":1,"image_svn_minor":7}\n' \
		>>"$tmp/$1/history.jsonl"
	launch() {	# launch NAME VERSION: a TD launched while VERSION ran; its pid in $p
		sleep 1000 & p=$!; pids="$pids $p"
		printf '%s\n' "$2" >"$hv"
		run $tdxctl build end "$1" --launched --pid "$p" --quiet
		expect_rc 0 "launches: $1 recorded"
	}
	launch vmOlder 1.5.06; older=$p
	launch vmNew 1.5.09
	launch vmGone 1.5.08; kill -9 "$p"; wait "$p" 2>/dev/null
	launch vmOld 1.5.08; old=$p
}
# expect_line LINE WHAT: $out holds LINE as a whole line.
expect_line() {
	if printf '%s\n' "$out" | grep -qxF -- "$1"; then ok; else bad "$2: no line '$1' in: $out"; fi
}
mkdir -p "$tmp/tcb"
"$fx/tdx-mktcbinfo" "$tmp/tcb" >/dev/null || { echo "tdx-mktcbinfo failed"; exit 1; }
# TDX_01 in uptodate.json: isvsvn 8 UpToDate (the image's 1.9 too), isvsvn 4 OutOfDate (1.7).
tcb=(--tcb-info "$tmp/tcb/uptodate.json" --tcb-info-chain "$tmp/tcb/chain.pem"
     --tcb-root-hash "$(cat "$tmp/tcb/root.hash")")
kernel_plays relaunch "" 1.5.09
launches relaunch
update_run $tdxctl update $key --json "${tcb[@]}" "$img"
wait $helper
expect_rc 0 "relaunch: updated"
expect_json '.relaunch | [.running_version, .running_svn_major, .running_svn_minor, .running_svn_source, .tcb_info, .recorded, .ignored, .launched_older, .svn_unknown, .advised]' \
	'["1.5.09",1,9,"history",true,3,0,2,0,1]' \
	"relaunch: update --json counts: 3 running (vmGone stale), 2 under an older module, 1 advised"
expect_json '[.relaunch.tds[] | [.name, .pid, .uid, .module_version, .svn_major, .svn_minor, .svn_source, .launch_tcb_status, .advised]]' \
	"[[\"vmOld\",$old,$(id -u),\"1.5.08\",1,7,\"history\",\"OutOfDate\",true],[\"vmOlder\",$older,$(id -u),\"1.5.06\",1,3,\"history\",\"NotSupported\",false]]" \
	"relaunch: update --json names vmOld (advised) and vmOlder (not), not vmNew nor vmGone"
expect_json '.relaunch.tds[0] | keys' \
	'["advised","launch_tcb_status","launched","module_version","name","pid","svn_major","svn_minor","svn_source","uid"]' \
	"relaunch: update --json's TDs have status's fields"
# The same in text, with the host's configured TCB Info instead of --tcb-info.
kernel_plays relaunch "" 1.5.09
launches relaunch
mkdir -m 755 "$tmp/conf"
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tmp/tcb/uptodate.json" "$tmp/tcb/chain.pem" \
	"$(cat "$tmp/tcb/root.hash")" >"$tmp/conf/tcb-info.conf"
TDXCTL_CONFDIR=$tmp/conf update_run $tdxctl update $key "$img"
wait $helper
expect_rc 0 "relaunch, text: updated"
expect_line "  2 running TDs were launched under an older module than 1.5.09: vmOld (pid $old, module 1.5.08), vmOlder (pid $older, module 1.5.06)" \
	"$out" "relaunch, text: how many and which"
expect_line "  verifiers will rate 1 of them TD_RELAUNCH_ADVISED (TCB Info: launch module OutOfDate, running module UpToDate): vmOld" \
	"$out" "relaunch, text: the advised one, by the configured TCB Info"
expect_grep "  what to do: relaunch them when convenient;" "$out" "relaunch, text: what to do"
# Already current, without TCB Info: listed, not judged.
update_run $tdxctl update $key --json "$img"
expect_rc 0 "relaunch, current: exit 0"
expect_json '[.outcome_reason, .relaunch.tcb_info, .relaunch.launched_older, .relaunch.advised, [.relaunch.tds[] | [.name, .advised]]]' \
	'["current",false,2,null,[["vmOld",null],["vmOlder",null]]]' \
	"relaunch, current: the TDs listed, not judged without TCB Info"
update_run $tdxctl update $key "$img"
expect_line "  TD_RELAUNCH_ADVISED not judged: no TCB Info (--tcb-info, or /etc/tdxctl/tcb-info.conf)" \
	"$out" "relaunch, current, text: not judged"
# A dry run changes nothing: no relaunch object.
update_run $tdxctl update $key --json --dry-run --reinstall "$img"
expect_json '[.outcome, .dry_run, .relaunch]' '["ok",true,null]' "relaunch: a dry run has none"
rm -r "$tmp/conf"
for p in $pids; do kill -9 "$p" 2>/dev/null; done
pids=""

# Lost: the version file answers ENXIO after the upload: 4, FATAL, reboot.
kernel_plays lost transferring:firmware-invalid lost
update_run $tdxctl update $key --json "$img"
wait $helper
expect_rc 4 "module lost: exit 4"
expect_json '[.outcome, .exit_code, .uploaded, .retryable]' '["module-lost",4,true,false]' \
	"module lost: the JSON verdict"
kernel_plays lost "" lost
update_run $tdxctl update $key "$img"
wait $helper
expect_rc 4 "module lost, text: exit 4"
expect_grep "tdxctl update: FATAL: module-lost: the TDX module was LOST" "$errout" \
	"module lost, text: FATAL"
expect_grep "reboot" "$errout" "module lost, text: says to reboot"

# --- libkmod: opened by the commands that ask about a kernel module, and only by them ----------
# LD_DEBUG=files makes the dynamic loader name every library it maps, on stderr; no wrapper
# (valgrind would add its own lines). meson may put the stub's folder on LD_LIBRARY_PATH.
unset LD_LIBRARY_PATH
kmod_maps() { printf '%s\n' "$errout" | grep -c 'file=libkmod\.so\.2 '; }
host st-mainline
run env LD_DEBUG=files "$tdxctl" verify -q $key "$img"
expect_rc 0 "verify with LD_DEBUG"
expect_true "[ $(kmod_maps) -eq 0 ]" "verify does not load libkmod"
run env LD_DEBUG=files "$tdxctl" --version
expect_true "[ $(kmod_maps) -eq 0 ]" "--version does not load libkmod"
# The update asks libkmod only why tdx_host is missing: here it is not.
run env LD_DEBUG=files "$tdxctl" update --dry-run --json $key "$img"
expect_rc 0 "update --dry-run with LD_DEBUG"
expect_true "[ $(kmod_maps) -eq 0 ]" "update with tdx_host present does not load libkmod"
host st-absent
run env LD_DEBUG=files "$tdxctl" status --json
expect_rc 69 "status with LD_DEBUG"
expect_true "[ $(kmod_maps) -ge 1 ]" "status loads libkmod"
expect_json '.kernel_module_state' '"unknown"' "status: no tdx_host module"
# A module the running kernel lists in /sys/module: libkmod answers, so the state is known.
# (libkmod reads the real /sys, not TDXCTL_SYSFS_ROOT.)
known=$(ls /sys/module 2>/dev/null | head -n 1)
if [ -n "$known" ]; then
	run "$tdxctl" status --json --module "$known"
	expect_json ".kernel_module_state != \"unknown\"" true "status: module $known is known"
	# The same through a libkmod.so.2 that lacks the functions: unknown, said on stderr, and
	# the same exit status.
	run env LD_LIBRARY_PATH="$(dirname "$kmod_stub")" "$tdxctl" status --json --module "$known"
	expect_rc 69 "status with a libkmod that lacks kmod_new"
	expect_json '.kernel_module_state' '"no libkmod"' "status: libkmod unusable, not known"
	expect_json '[.checks[] | select(.check == "host.interface") | .finding]' \
		'["host.no_interface_no_libkmod"]' "status: libkmod unusable, its finding"
	expect_grep "libkmod.so.2 has no kmod_new" "$errout" "status: says which function is missing"
else
	echo "no /sys/module entries: the known-module checks skipped"
fi

# --- the module's state through a fake libkmod: each state a finding of its own ----------------
# (Every state fails host.interface, as no tdx_host always did: exit 69, unavailable.)
fake_dir=$(dirname "$kmod_fake")
host st-absent
tdx_dir=$tmp/st-absent/sys/devices/faux/tdx_host
iface='[.checks[] | select(.check == "host.interface") | {finding, facts}]'
# kmod_state FAKE STATE FINDING FACTS TEXT: status --json and status, with TDXCTL_KMOD_FAKE=FAKE.
kmod_state() {
	run env LD_LIBRARY_PATH="$fake_dir" TDXCTL_KMOD_FAKE="$1" "$tdxctl" status --json
	expect_rc 69 "kmod $1: status exit"
	expect_json '.kernel_module_state' "\"$2\"" "kmod $1: state"
	expect_json "$iface" "[{\"finding\":\"$3\",\"facts\":$4}]" "kmod $1: finding and facts"
	run env LD_LIBRARY_PATH="$fake_dir" TDXCTL_KMOD_FAKE="$1" "$tdxctl" status
	expect_rc 69 "kmod $1: status text exit"
	expect_grep "Kernel module:      tdx_host ($2)" "$out" "kmod $1: text state"
	expect_grep "  host.interface: $5" "$out" "kmod $1: text finding"
}
kmod_state absent unknown host.no_interface_no_module \
	"{\"tdx_dir\":\"$tdx_dir\",\"kmodule\":\"tdx_host\"}" \
	"no $tdx_dir and no kernel module 'tdx_host': the kernel lacks the TDX host services"
kmod_state not-loaded "not loaded" host.no_interface_not_loaded \
	"{\"tdx_dir\":\"$tdx_dir\",\"kmodule\":\"tdx_host\"}" \
	"no $tdx_dir: kernel module tdx_host is not loaded; nothing was changed; load it with 'modprobe tdx_host' or run again with --load-module"
kmod_state blacklisted blacklisted host.no_interface_blacklisted \
	"{\"tdx_dir\":\"$tdx_dir\",\"kmodule\":\"tdx_host\"}" \
	"no $tdx_dir: kernel module tdx_host is not loaded and is blacklisted in the modprobe configuration, which tdxctl obeys as modprobe -b does; nothing was changed; remove the 'blacklist tdx_host' line from /etc/modprobe.d (or modprobe.blacklist= from the kernel command line) if it should load"
expect_true "! printf '%s' \"\$out\" | grep -q 'load-module\\|modprobe tdx_host'" \
	"kmod blacklisted: no advice to load it"
kmod_state initstate-eacces "query failed" host.no_interface_query_failed \
	"{\"tdx_dir\":\"$tdx_dir\",\"kmodule\":\"tdx_host\",\"error\":13}" \
	"no $tdx_dir, and libkmod failed to tell the state of kernel module 'tdx_host': Permission denied; nothing was changed"
kmod_state lookup-eio "query failed" host.no_interface_query_failed \
	"{\"tdx_dir\":\"$tdx_dir\",\"kmodule\":\"tdx_host\",\"error\":5}" \
	"no $tdx_dir, and libkmod failed to tell the state of kernel module 'tdx_host': Input/output error; nothing was changed"
run env LD_LIBRARY_PATH="$(dirname "$kmod_stub")" "$tdxctl" status
expect_grep "Kernel module:      tdx_host (no libkmod)" "$out" "kmod no libkmod: text state"
expect_grep "  host.interface: no $tdx_dir, and whether kernel module 'tdx_host' exists cannot be told: libkmod (libkmod.so.2) cannot be loaded; nothing was changed; install libkmod2 to know" \
	"$out" "kmod no libkmod: text finding"

# update --load-module: a blacklisted module is not loaded, and a failed load says why (129:
# EKEYREJECTED, as the fake refuses; as root:
# the update loads nothing otherwise).
if [ "$(id -u)" -eq 0 ]; then
	run env LD_LIBRARY_PATH="$fake_dir" TDXCTL_KMOD_FAKE=load-rejected TDXCTL_WRAPPER='' \
		"$tdxctl" update $key --json --load-module "$img"
	expect_rc 69 "load rejected: exit"
	expect_json "$iface" "[{\"finding\":\"host.no_interface_load_failed\",\"facts\":{\"tdx_dir\":\"$tdx_dir\",\"kmodule\":\"tdx_host\",\"error\":129}}]" \
		"load rejected: finding and facts"
	run env LD_LIBRARY_PATH="$fake_dir" TDXCTL_KMOD_FAKE=load-rejected TDXCTL_WRAPPER='' \
		"$tdxctl" update $key --load-module "$img"
	expect_rc 69 "load rejected, text: exit"
	expect_grep "tdxctl: warning: could not load tdx_host: Key was rejected by service" "$errout" \
		"load rejected, text: the warning"
	expect_grep "refused before anything reached the kernel: host.interface failed (loading the kernel module failed: Key was rejected by service)" \
		"$errout" "load rejected, text: the verdict"
	expect_grep "no $tdx_dir: kernel module tdx_host is not loaded, and loading it failed: Key was rejected by service (the kernel log may say why); nothing was changed" \
		"$errout" "load rejected, text: the finding"
	expect_true "! printf '%s' \"\$errout\" | grep -q 'run again with --load-module'" \
		"load rejected: no advice to load it again"
	expect_grep '"verdict":"refused before anything reached the kernel: host.interface failed (loading the kernel module failed: Key was rejected by service)"' \
		"$(tail -n 1 "$tmp/st-absent/history.jsonl")" "load rejected: the history says why"
	run env LD_LIBRARY_PATH="$fake_dir" TDXCTL_KMOD_FAKE=blacklisted TDXCTL_WRAPPER='' \
		"$tdxctl" update $key --json --load-module "$img"
	expect_rc 69 "load blacklisted: exit"
	expect_json "$iface | .[0].finding" '"host.no_interface_blacklisted"' \
		"load blacklisted: finding"
	expect_true "! printf '%s' \"\$errout\" | grep -q 'could not load'" \
		"load blacklisted: no load tried"
else
	echo "not root: the --load-module checks skipped"
fi

finish
