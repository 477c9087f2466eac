#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Launch records and relaunch advisories (issue 27, item 1) on a fake tree: build end
# --launched records the running module (read by tdxctl, never the caller's word), forget and
# a gone process end it (stale, removed by root), status --json's "relaunch" object with and
# without TCB Info, member-written hostile records (forged SVN, another user's process, past
# the cap, oversized, garbage), the libvirt hook and the wrapper recording a launch.
# Usage: test-launch.sh TDXCTL SOURCE_ROOT FIXTURES
set -u
tdxctl=$1
src=$2
fx=$3
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
h=$tmp/sys/devices/faux/tdx_host
mkdir -p "$h" "$tmp/run" "$tmp/state" "$tmp/tcb"
: >"$h/uevent"
export TDXCTL_SYSFS_ROOT=$tmp/sys TDXCTL_RUNDIR=$tmp/run TDXCTL_HISTORY=$tmp/history.jsonl
export TDXCTL_STATEDIR=$tmp/state TDXCTL=$tdxctl
"$fx/tdx-mktcbinfo" "$tmp/tcb" >/dev/null || { echo "tdx-mktcbinfo failed"; exit 1; }
# TDX_01 in uptodate.json: isvsvn 8 UpToDate, isvsvn 4 OutOfDate.
tcb="--tcb-info $tmp/tcb/uptodate.json --tcb-info-chain $tmp/tcb/chain.pem --tcb-root-hash $(cat "$tmp/tcb/root.hash")"

running() { printf '%s\n' "$1" >"$h/version"; }
# installed VERSION SVN_MINOR: a history record of an install, as tdxctl update writes it.
installed() {
	printf '{"time":"2026-12-0%sT10:00:00Z","command":"update","kind":"update","old_version":null,"new_version":"%s","image_version":"%s","outcome":"ok","uploaded":true,"exit_code":0,"image_svn_major":1,"image_svn_minor":%s}\n' \
		"$3" "$1" "$1" "$2" >>"$tmp/history.jsonl"
}
td() { sleep 1000 & pids="$pids $!"; }

# --- records: the module read by tdxctl -----------------------------------------------------
installed 1.5.06 3 1
installed 1.5.08 7 2
running 1.5.08
td; a=$!
run $tdxctl build end vmA --launched --pid $a
expect_rc 0 "end --launched without a build"
expect_grep "launch vmA recorded: pid $a, module 1.5.08, SVN 1.7 (from the history)" "$out" \
	"end --launched says what it recorded"
run $tdxctl build list --json
expect_json '[.launches[] | [.name, .state, .pid, .module_version, .svn_major, .svn_minor, .svn_source, .member]]' \
	"[[\"vmA\",\"running\",$a,\"1.5.08\",1,7,\"history\",false]]" "list: the launch record's fields"
expect_json '.launches[0] | keys' \
	'["age_s","launched","member","module_version","name","pid","pid_start_time","state","svn_major","svn_minor","svn_source","uid","user"]' \
	"list: exactly these fields"
running 1.5.06
td; b=$!
run $tdxctl build end vmB --launched --pid $b --quiet
expect_true '[ -z "$out$errout" ]' "end --launched --quiet says nothing"
running 1.5.07
td; c=$!
run $tdxctl build end vmC --launched --pid $c --quiet
td; d=$!
run $tdxctl build end vmD --launched --pid $d --quiet
run $tdxctl build end vmX --launched --pid 999999999
expect_rc 0 "end --launched of no process: the launch never fails the start"
expect_grep "no process 999999999: the launch of vmX is not recorded" "$errout" \
	"end --launched of no process: said"
run $tdxctl build end vmX --launched --pid x
expect_rc 64 "end --launched --pid: not a pid"
run $tdxctl build begin vmX --launched
expect_rc 64 "--launched is for end"
run $tdxctl build forget
expect_rc 64 "forget wants a name"
# The update to 1.5.09 (SVN 1.8): A (1.7, OutOfDate) advised, B (1.3, below every level) not,
# C (1.5.07: never installed by tdxctl) SVN unknown, D forgotten.
installed 1.5.09 8 3
running 1.5.09
run $tdxctl build forget vmD
expect_rc 0 "forget"
expect_grep "launch vmD forgotten" "$out" "forget says so"
run $tdxctl build forget vmD
expect_rc 0 "forget twice is harmless"
run $tdxctl status --json
expect_json '.relaunch | [.running_version, .running_svn_major, .running_svn_minor, .running_svn_source, .tcb_info, .recorded, .ignored, .launched_older, .svn_unknown, .advised]' \
	'["1.5.09",1,8,"history",false,3,0,3,1,null]' "status: the counts without TCB Info"
expect_json '[.relaunch.tds[] | [.name, .module_version, .svn_minor, .svn_source, .advised]]' \
	'[["vmA","1.5.08",7,"history",null],["vmB","1.5.06",3,"history",null],["vmC","1.5.07",null,"unknown",null]]' \
	"status: the TDs launched under an older module"
run $tdxctl status
expect_grep "TD launches:        3 recorded running; 3 launched under an older module than 1.5.09: vmA (1.5.08, SVN 1.7), vmB (1.5.06, SVN 1.3), vmC (1.5.07, SVN unknown)" \
	"$out" "status text: which TDs"
expect_grep "Relaunch advised:   not judged (no TCB Info: --tcb-info or tcb-info.conf)" "$out" "status text: not judged"
# shellcheck disable=SC2086
run $tdxctl status --json $tcb
expect_json '.relaunch | [.tcb_info, .launched_older, .svn_unknown, .advised]' '[true,3,1,1]' \
	"status --tcb-info: one advised"
expect_json '[.relaunch.tds[] | [.name, .launch_tcb_status, .advised]]' \
	'[["vmA","OutOfDate",true],["vmB","NotSupported",false],["vmC",null,null]]' \
	"status --tcb-info: the verifier's rule per TD"
expect_json '.relaunch.tds[0] | keys' \
	'["advised","launch_tcb_status","launched","module_version","name","pid","svn_major","svn_minor","svn_source","uid"]' \
	"status: exactly these fields per TD"
# shellcheck disable=SC2086
run $tdxctl status $tcb
expect_grep "Relaunch advised:   1 (verifiers rate their launch module OutOfDate): vmA" "$out" \
	"status text: the advised TD named"
expect_grep "1 launched under an older version, SVN unknown: not judged" "$out" \
	"status text: the unknown SVN said, not guessed"
# The metrics carry the counts (TdxTdRelaunchOverdue alerts on the advised one).
# expect_line LINE WHAT: $out holds LINE as a whole line.
expect_line() {
	if printf '%s\n' "$out" | grep -qxF -- "$1"; then ok; else bad "$2: no line '$1' in: $out"; fi
}
# shellcheck disable=SC2086
run $tdxctl status --prometheus $tcb
expect_grep 'tdx_fact_known{fact="launches"} 1' "$out" "metrics: launches known"
expect_line 'tdx_tds_running_recorded 3' "metrics: recorded TDs running"
expect_line 'tdx_tds_launched_under_older 3' "metrics: launched under an older module"
expect_line 'tdx_tds_relaunch_advised 1' "metrics: advised, with TCB Info"
run $tdxctl status --prometheus
expect_line 'tdx_tds_launched_under_older 3' "metrics without TCB Info: older counted"
expect_true "! printf '%s' \"\$out\" | grep -q '^tdx_tds_relaunch_advised '" \
	"metrics without TCB Info: no advised count (not judged is not 0)"
# The host's configured TCB Info (tcb-info.conf) judges them without --tcb-info.
mkdir -m 755 "$tmp/conf"
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tmp/tcb/uptodate.json" "$tmp/tcb/chain.pem" \
	"$(cat "$tmp/tcb/root.hash")" >"$tmp/conf/tcb-info.conf"
TDXCTL_CONFDIR=$tmp/conf run $tdxctl status --json
expect_json '.relaunch | [.tcb_info, .advised]' '[true,1]' "the configured TCB Info judges relaunches"
TDXCTL_CONFDIR=$tmp/conf run $tdxctl status --prometheus
expect_line 'tdx_tds_relaunch_advised 1' "metrics: advised, with the configured TCB Info"
rm -r "$tmp/conf"
# The running module's SVN unknown (installed by someone else): older, never rated.
running 1.5.10
# shellcheck disable=SC2086
run $tdxctl status --json $tcb
expect_json '.relaunch | [.running_svn_source, .running_svn_major, .launched_older, .advised]' \
	'["unknown",null,3,0]' "running SVN unknown: older listed, none advised"
running 1.5.09
run $tdxctl status --json --tcb-info "$tmp/tcb/expired.json" --tcb-info-chain "$tmp/tcb/chain.pem" \
	--tcb-root-hash "$(cat "$tmp/tcb/root.hash")"
expect_rc 66 "status with an expired TCB Info: input error"

# --- stale: the process is gone ---------------------------------------------------------------
kill -9 "$b"; wait "$b" 2>/dev/null
run $tdxctl build list --json
expect_json '[.launches[] | [.name, .state]]' '[["vmA","running"],["vmB","stale"],["vmC","running"]]' \
	"a gone process: stale"
expect_true "[ \$(ls '$tmp/run/launches' | wc -l) -eq 2 ]" "root removed the stale record"
run $tdxctl status --json
expect_json '.relaunch | [.recorded, .launched_older]' '[2,2]' "status ignores stale records"

# --- member-written records: hostile until checked (as root only) ---------------------------
if [ "$(id -u)" = 0 ]; then
	l=$tmp/run/launches
	setpriv --reuid=65534 --regid=65534 --clear-groups sleep 1000 & m=$!; pids="$pids $m"
	sleep 0.2
	st=$(awk '{print $22}' "/proc/$m/stat")
	boot=$(cat /proc/sys/kernel/random/boot_id)
	rec() {	# rec FILE NAME PID START EXTRA: a record as a member would write it
		printf '{"name":"%s","uid":65534,"pid":%s,"pid_start_time":%s,"started":1,"expires":1,"boot_id":"%s","started_boot":1,"expires_boot":1%s}\n' \
			"$2" "$3" "$4" "$boot" "$5" >"$l/$1"
		chown 65534 "$l/$1"
	}
	# A forged SVN for their own TD: the SVN is dropped, found again from the history.
	rec 65534.m1.x m1 "$m" "$st" ',"module_version":"1.5.08","svn_major":1,"svn_minor":200,"svn_source":"history"'
	# root's QEMU (vmA's process) claimed by a member: untrusted, ignored.
	rec 65534.m2.x m2 "$a" "$(awk '{print $22}' "/proc/$a/stat")" ',"module_version":"1.5.06"'
	# garbage, and a file larger than any record
	printf 'not json\n' >"$l/65534.m3.x"; chown 65534 "$l/65534.m3.x"
	head -c 8192 /dev/zero | tr '\0' ' ' >"$l/65534.m4.x"; chown 65534 "$l/65534.m4.x"
	run $tdxctl build list --json
	expect_json '[.launches[] | select(.member) | [.name, .state, .svn_minor, .svn_source]]' \
		'[["m1","running",7,"history"],["m2","untrusted",null,"unknown"]]' \
		"member records: the forged SVN replaced, another user's process untrusted"
	expect_true "[ ! -e '$l/65534.m4.x' ]" "an oversized member file is removed"
	run $tdxctl status --json
	expect_json '.relaunch | [.recorded, .ignored, .launched_older]' '[3,1,3]' \
		"status: the member's own TD counted, the claimed one ignored"
	# Past the cap: a member's records beyond TDX_LAUNCH_MEMBER_MAX are untrusted.
	for i in $(seq 300); do rec "65534.c$i.x" "c$i" "$m" "$st" ',"module_version":"1.5.08"'; done
	run $tdxctl build list --json
	expect_json '[.launches[] | select(.member and .state == "running")] | length' 256 \
		"a member's records past 256 are not trusted"
	rm -f "$l"/65534.*
	kill -9 "$m"
else
	echo "SKIP: member-written records (not root)"
fi

# --- the libvirt hook and the wrapper ----------------------------------------------------------
hook=$src/contrib/libvirt/qemu
wrap=$(dirname "$(dirname "$(readlink -f "$tdxctl")")")/contrib/tdxctl-build-wrap
xml="<domain>
  <name>td9</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <launchSecurity type='tdx'/>
</domain>"
mkdir "$tmp/libvirt"
td; q=$!
echo "$q" >"$tmp/libvirt/td9.pid"
export TDXCTL_LIBVIRT_PIDDIR=$tmp/libvirt
echo "$xml" | "$hook" td9 prepare begin -
echo "$xml" | "$hook" td9 started begin -
expect_true "[ $? = 0 ]" "hook started begin"
run $tdxctl build list --json
expect_json '[(.builds | length), (.launches[] | select(.name | startswith("libvirt-")) | [.name, .pid, .module_version, .svn_minor])]' \
	"[0,[\"libvirt-11111111-2222-3333-4444-555555555555\",$q,\"1.5.09\",8]]" \
	"hook: the build ended, the launch recorded with QEMU's pid from libvirt's pid file"
echo "$xml" | "$hook" td9 release end -
run $tdxctl build list --json
expect_json '[.launches[] | select(.name | startswith("libvirt-"))] | length' 0 \
	"hook: release end forgets the launch"
echo "$xml" | "$hook" td9 release end -
expect_true "[ $? = 0 ]" "hook: forgetting twice is harmless"
rm "$tmp/libvirt/td9.pid"
echo "$xml" | "$hook" td9 started begin - 2>"$tmp/hook.err"
expect_true "[ $? = 0 ]" "hook without a pid file still ends the build"
expect_grep "its launch is not recorded" "$(cat "$tmp/hook.err")" "hook says the launch is unrecorded"

run "$wrap" --hold 100ms w1 -- sh -c "sleep 1; \"$tdxctl\" build list --json"
expect_rc 0 "wrapper --hold"
expect_json '[.launches[] | select(.name == "w1") | [.state, .module_version]]' '[["running","1.5.09"]]' \
	"wrapper --hold: the VMM's launch recorded while it runs"
run $tdxctl build list --json
expect_json '[.launches[] | select(.name == "w1")] | length' 0 "wrapper forgets it once the VMM exits"
run "$wrap" --pidfile "$tmp/w2.pid" w2 -- sh -c "sleep 1000 >/dev/null 2>&1 & echo \$! >'$tmp/w2.pid'"
expect_rc 0 "wrapper --pidfile"
w2=$(cat "$tmp/w2.pid"); pids="$pids $w2"
run $tdxctl build list --json
expect_json "[.launches[] | select(.name == \"w2\") | [.pid, .state]]" "[[$w2,\"running\"]]" \
	"wrapper --pidfile: the daemon's launch recorded"
finish
