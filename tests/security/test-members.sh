#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 24, N4 and N5, and the delays a launcher-group member can cause: two members, a and b
# (uids 64101 and 64102, group tdxctl), against root's gate, replayed as the issue did and
# asserted to fail now. The launcher group exists only in a private mount namespace (an
# /etc/group bound over the host's), so that the host's groups stay as they are. Needs root,
# setpriv and unshare; skips (77) otherwise.
# Usage: test-members.sh TDXCTL FIXTURE_DIR SOURCE_ROOT
set -u
tdxctl=$1
fx=$2
src=$3
. "$src/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null
then
	echo "SKIP: needs root, setpriv and unshare"
	exit 77
fi
if [ -z "${TDXCTL_MEMBERS_NS:-}" ]; then
	if ! unshare --mount --propagation private true 2>/dev/null; then
		echo "SKIP: no mount namespace here: the launcher group cannot be made"
		exit 77
	fi
	TDXCTL_MEMBERS_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
unset TDXCTL_MEMBERS_NS
tmp=$(mktemp -d /tmp/tdxctl-members.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"
gid=64100 ua=64101 ub=64102
{ grep -v '^tdxctl:' /etc/group; echo "tdxctl:x:$gid:"; } >"$tmp/group"
chmod 0644 "$tmp/group"
mount --bind "$tmp/group" /etc/group
expect_true '[ "$(getent group tdxctl | cut -d: -f3)" = $gid ]' "the launcher group exists here"
run=$tmp/run
export TDXCTL_RUNDIR=$run
# as UID CMD...: CMD as a member of the launcher group (setpriv execs it: $! is CMD's PID).
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid=$gid --groups=$gid --reset-env -- \
		env TDXCTL_RUNDIR="$run" PATH=/usr/bin:/bin "$@"
}
# as_bg UID CMD...: as, in the background, with $! the very process (the subshell execs it).
as_bg() {
	local u=$1
	shift
	(exec setpriv --reuid="$u" --regid=$gid --groups=$gid --reset-env -- \
		env TDXCTL_RUNDIR="$run" PATH=/usr/bin:/bin "$@") &
}
# owner UID: a process of that member's that lives until the test ends; its PID in $owner.
owner() {
	as_bg "$1" sleep 600
	owner=$!
	pids="$pids $owner"
}
wait_locked() {
	for _ in $(seq 200); do flock -n -x "$1" true 2>/dev/null || return 0; sleep 0.05; done
	return 1
}
helper=$fx/cli/tdx-gate-helper
hook=$src/contrib/libvirt/qemu
u1=1d5d1a36-5c4e-4c6e-9a0b-6f3e2a1b7c01
u2=2d5d1a36-5c4e-4c6e-9a0b-6f3e2a1b7c02
td_xml() {
	printf "<domain type='kvm'>\n  <name>td</name>\n  <uuid>%s</uuid>\n" "$1"
	printf "  <launchSecurity type='tdx'/>\n</domain>\n"
}
# hook UUID OP SUB: the libvirt hook as libvirtd runs it (root), for domain UUID.
hook() {
	td_xml "$1" | TDXCTL="$tdxctl" TDXCTL_BUILD_WAIT=2s "$hook" td "$2" "$3" -
}

# Root sets the run folder up, as tmpfiles.d does at boot: builds/ 3770 root:tdxctl.
run $tdxctl build begin setup --pid $$ --quiet
expect_rc 0 "root records a build"
$tdxctl build end setup --quiet
expect_true '[ "$(stat -c %a:%G "$run/builds")" = 3770:tdxctl ]' "builds/ is 3770 root:tdxctl"
owner $ua; oa=$owner
owner $ub; ob=$owner
run as $ua "$tdxctl" build begin a-probe --pid $oa --quiet
expect_rc 0 "member a records a build"
as $ua "$tdxctl" build end a-probe --quiet

# --- N4: a member cannot close the gate ----------------------------------------------------------
# While an update holds the gate closed, member a opens gate.closed (it may read it) and keeps
# the handle; once the gate is open again it takes an exclusive flock on it, and on the
# top-level gate.lock an older tmpfiles.d made 0660 root:tdxctl.
install -m 0660 -g tdxctl /dev/null "$run/gate.lock"
"$helper" "$run" 0 "$tmp/release1" >/dev/null &
gh=$!; pids="$pids $gh"
for _ in $(seq 200); do [ -s "$run/gate.closed" ] && break; sleep 0.05; done
as_bg $ua bash -c "exec 8<'$run/gate.lock' 9<'$run/gate.closed'; while [ ! -e '$tmp/go' ]; do sleep 0.05; done; flock -x 8 && flock -x 9 && exec sleep 600"
holder=$!; pids="$pids $holder"
sleep 0.5
touch "$tmp/release1"; wait "$gh"
touch "$tmp/go"
wait_locked "$run/gate.lock"
expect_true '[ -d /proc/$holder ]' "N4: member a holds its flocks"
run $tdxctl build list --json
expect_json '.gate' '"open"' "N4: a member's flock does not close the gate"
SECONDS=0
hook $u1 prepare begin
expect_true "[ $? = 0 ]" "N4: the libvirt hook records a build at once"
expect_true '[ $SECONDS -lt 8 ]' "N4: without waiting on the member's gate.lock ($SECONDS s)"
hook $u1 started begin
run as $ub "$tdxctl" build begin b1 --pid $ob --quiet
expect_rc 0 "N4: member b records a build"
as $ub "$tdxctl" build end b1 --quiet
run "$helper" "$run" 0 0
expect_rc 0 "N4: the updater closes the gate while the member holds its flocks"
run $tdxctl status --json
expect_json '.td_build_gate_closed' false "N4: status: the gate is open"
expect_true '! grep -q "^tdx_td_build_gate_closed 1" <($tdxctl status --prometheus 2>/dev/null)' \
	"N4: metrics: tdx_td_build_gate_closed is not 1"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
# Nothing root locks is a member's to open.
run as $ua flock -n -x "$run/private/gate.lock" true
expect_true '[ "$rc" -ne 0 ]' "N4: member a cannot open private/gate.lock"
run as $ua flock -n -x "$run/private/update.lock" true
expect_true '[ "$rc" -ne 0 ]' "N4: member a cannot open private/update.lock"

# A member's build is bounded: pid 1 may not own it, nor may it last more than an hour.
run as $ua "$tdxctl" build begin x --pid 1 --ttl 1d
expect_rc 77 "N4: a member may not make pid 1 own its build"
expect_grep "not yours" "$errout" "N4: and is told why"
run as $ua "$tdxctl" build begin x --pid $oa --ttl 1d
expect_rc 77 "N4: a member's build may not last a day"
expect_grep "more than the 3600 s" "$errout" "N4: and is told the bound"
run as $ua "$tdxctl" build begin x --pid $oa --ttl 1h --quiet
expect_rc 0 "N4: a member's build may last an hour"
as $ua "$tdxctl" build end x --quiet
# Written by hand (no tdxctl): pid 1, a day's expiry. Believed for an hour from its start.
now=$(date +%s)
p1=$(awk '{print $22}' /proc/1/stat)
as $ua sh -c "printf '{\"name\":\"forged\",\"pid\":1,\"pid_start_time\":$p1,\"started\":$now,\"expires\":$((now + 86400))}\n' > '$run/builds/forged'"
run $tdxctl build list --json
expect_json '[.builds[] | select(.name == "forged") | [.state, .member, .uid, (.holds_s <= 3600)]]' \
	"[[\"live\",true,$ua,true]]" "N4: a forged day-long entry holds an update an hour at most"
as $ua sh -c "printf '{\"name\":\"forged\",\"pid\":1,\"pid_start_time\":$p1,\"started\":$((now - 7200)),\"expires\":$((now + 86400))}\n' > '$run/builds/forged'"
run $tdxctl build list --json
expect_json '[.builds[] | select(.name == "forged") | .state]' '["expired"]' \
	"N4: and is expired an hour after its start"
# Root's override ends a member's build by name; a member's --force is refused.
as $ua sh -c "printf '{\"name\":\"forged\",\"pid\":1,\"pid_start_time\":$p1,\"started\":$now,\"expires\":$((now + 3000))}\n' > '$run/builds/forged'"
run as $ub "$tdxctl" build end forged --force
expect_rc 77 "N4: --force is root's"
run $tdxctl build end forged --force
expect_rc 0 "N4: root ends member a's build with --force"
expect_grep "1 entry" "$out" "N4: and is told how many"
expect_true '[ ! -e "$run/builds/forged" ]' "N4: the entry is gone"

# The updater waits only for the builds it saw when it closed the gate: member a's live build
# (3 s), renewed by hand while the gate is closed, and a second one written by hand after the
# close, do not hold it past the first one's expiry.
run as $ua "$tdxctl" build begin slow --pid $oa --ttl 3s --quiet
expect_rc 0 "N4: member a records a 3 s build"
"$helper" "$run" 20000 0 >"$tmp/closer.out" &
gh=$!; pids="$pids $gh"
for _ in $(seq 200); do [ -s "$run/gate.closed" ] && break; sleep 0.05; done
slow=$(ls "$run"/builds/$ua.slow.*)
ps=$(awk '{print $22}' /proc/$oa/stat)
as $ua sh -c "printf '{\"name\":\"slow\",\"pid\":$oa,\"pid_start_time\":$ps,\"started\":$(date +%s),\"expires\":$(($(date +%s) + 3000))}\n' > '$slow'"
as $ua sh -c "printf '{\"name\":\"late\",\"pid\":$oa,\"pid_start_time\":$ps,\"started\":$(date +%s),\"expires\":$(($(date +%s) + 3000))}\n' > '$run/builds/late'"
run as $ua "$tdxctl" build begin slow --pid $oa --ttl 1h
expect_rc 75 "N4: a renewal through tdxctl is refused while the gate is closed"
SECONDS=0
wait "$gh"
expect_true '[ $? -eq 0 ]' "N4: the update drained the gate: $(head -n 1 "$tmp/closer.out")"
expect_true '[ $SECONDS -lt 15 ]' "N4: within the first build's 3 s ($SECONDS s), not the forged hour"
as $ua "$tdxctl" build end slow --quiet
as $ua "$tdxctl" build end late --quiet

# --- N5: a member cannot stop another's chosen VM by squatting its name --------------------------
run as $ua "$tdxctl" build begin libvirt-$u2 --pid $oa --ttl 1h --quiet
expect_rc 0 "N5: member a records libvirt-$u2 for itself"
as $ua mkdir "$run/builds/libvirt-$u1"
# (Not under run: the hook's build is owned by its parent, this shell, not run's subshell.)
hook $u2 prepare begin
expect_true "[ $? = 0 ]" "N5: the hook records domain $u2 all the same"
hook $u1 prepare begin
expect_true "[ $? = 0 ]" "N5: and domain $u1 beside a folder of that name"
run $tdxctl build list --json
expect_json "[.builds[] | select(.name == \"libvirt-$u2\") | [.user, .state]]" \
	"[[\"root\",\"live\"],[\"$ua\",\"live\"]]" "N5: two builds of one name, one per recorder"
run hook $u2 started begin
expect_rc 0 "N5: the hook ends its own build"
run hook $u1 release end
expect_rc 0 "N5: and the other one"
run $tdxctl build list --json
expect_json "[.builds[] | [.name, .uid]]" "[[\"libvirt-$u2\",$ua]]" \
	"N5: member a's entry is untouched, root's are gone"
# Two members, one name: neither blocks the other, and neither ends the other's.
run as $ua "$tdxctl" build begin vm1 --pid $oa --ttl 1h --quiet
run as $ub "$tdxctl" build begin vm1 --pid $ob --quiet
expect_rc 0 "N5: member b records vm1 while member a has a vm1"
run as $ub "$tdxctl" build end vm1 --quiet
expect_rc 0 "N5: member b ends its vm1"
run as $ub "$tdxctl" build end libvirt-$u2 --quiet
run $tdxctl build list --json
expect_json "[.builds[] | [.name, .uid, .state]] | sort" \
	"[[\"libvirt-$u2\",$ua,\"live\"],[\"vm1\",$ua,\"live\"]]" \
	"N5: member a's builds are untouched by member b's end"

# --- every delay a member causes is visible: status, its JSON, the metrics -----------------------
run $tdxctl status --json
expect_json '[.td_builds, .td_builds_by_members, (.td_build_hold_s > 3000), (.td_build_hold_s <= 3600)]' \
	'[2,2,true,true]' "delay: status --json counts member a's builds and their hold"
run $tdxctl status
expect_grep "TD build delay:     the oldest recorded" "$out" "delay: status says it in words"
expect_grep "2 by launcher-group members" "$out" "delay: and who"
run $tdxctl status --prometheus
expect_grep "tdx_td_builds_by_members 2" "$out" "delay: metrics: builds by members"
expect_true 'printf "%s\n" "$out" | grep -Eq "^tdx_td_build_hold_seconds (3[0-5][0-9][0-9]|3600)$"' \
	"delay: metrics: the hold, at most an hour"
expect_true 'printf "%s\n" "$out" | grep -Eq "^tdx_td_build_oldest_seconds [0-9]+$"' \
	"delay: metrics: the oldest build's age"
as $ua "$tdxctl" build end vm1 --quiet
as $ua "$tdxctl" build end libvirt-$u2 --quiet
finish
