#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A build owner the caller can neither see in /proc nor signal is live, not gone: with /proc
# mounted hidepid=2 (in a mount namespace of its own) and a launcher that has no CAP_SYS_PTRACE
# and no CAP_KILL, /proc/PID of another user's process does not exist for it and kill() says
# EPERM. `build list` must show that user's build live and a same-name `begin` must be refused;
# once the owner is gone, the entry is stale and the name free. Needs root, unshare and setpriv
# (util-linux) to set this up; skips (77) otherwise.
# Usage: test-gate-hidden.sh TDXCTL
set -u
tdxctl=$1
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null ||
   ! unshare -m sh -c 'mount -t proc -o hidepid=2 proc /proc' 2>/dev/null; then
	echo "SKIP: needs root, setpriv, unshare and a proc mount with hidepid=2"
	exit 77
fi
tmp=$(mktemp -d)
owner=""
cleanup() {
	[ -n "$owner" ] && kill -9 "$owner" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export TDXCTL_RUNDIR=$tmp/run

# The owner: another user's process (a VM the launcher started, say).
setpriv --reuid=nobody --regid=nogroup --clear-groups -- sleep 600 &
owner=$!
for _ in $(seq 100); do [ "$(stat -c %U "/proc/$owner" 2>/dev/null)" = nobody ] && break; sleep 0.01; done
run $tdxctl build begin vm1 --pid "$owner" --quiet
expect_rc 0 "vm1 recorded for another user's process"

# launcher CMD...: CMD with /proc hiding other users' processes from it (hidepid=2; gid= a
# group it is not in) and without the capabilities that see or signal them anyway.
launcher() {
	unshare -m -- sh -c 'mount -t proc -o hidepid=2,gid=3999999 proc /proc && exec "$@"' sh \
		setpriv --clear-groups --inh-caps=-all \
		--bounding-set=-sys_ptrace,-kill,-dac_override,-dac_read_search -- "$@"
}
run launcher sh -c "test -e /proc/$owner"
expect_rc 1 "the launcher cannot see the owner in /proc"
run launcher kill -0 "$owner"
expect_true '[ "$rc" -ne 0 ]' "the launcher cannot signal the owner (exit $rc)"

run launcher "$tdxctl" build list --json
expect_rc 0 "list as the launcher"
expect_json '[.builds[] | [.name, .state, .pid]]' "[[\"vm1\",\"live\",$owner]]" \
	"the launcher sees vm1 live"
# (The owner of the launcher's own entry: its shell, the caller's parent.)
run launcher sh -c "$tdxctl build begin vm1"
expect_rc 1 "a same-name begin by the launcher is refused"
expect_grep "already in progress" "$errout" "and says why"
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state, .pid]]' "[[\"vm1\",\"live\",$owner]]" \
	"vm1 still the owner's"

# The owner gone: stale for the launcher too, and the name is free.
kill -9 "$owner"; wait "$owner" 2>/dev/null; owner=""
run launcher "$tdxctl" build list --json
expect_json '[.builds[] | [.name, .state]]' '[["vm1","stale"]]' "owner gone: stale"
run launcher sh -c "$tdxctl build begin vm1 --quiet"
expect_rc 0 "owner gone: the launcher's begin replaces the entry"
run $tdxctl build end vm1 --quiet
expect_rc 0 "end vm1"

finish
