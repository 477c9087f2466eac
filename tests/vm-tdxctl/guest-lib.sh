# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the tdxctl scenarios, sourced inside the guest (busybox ash) as /files/lib.sh.
# Each assertion prints "ok" or "FAIL" with what was expected and found; the scenario ends
# with `finish`, whose status is 1 when anything failed.

F=/files
SIM=/sys/kernel/debug/tdx_host_sim
KEYHASH=$(cat $F/key.hash)
export TDXCTL_MODULE=tdx_host_sim TDXCTL_HISTORY=/tmp/history.jsonl TDXCTL_RUNDIR=/run/tdxctl
failures=0
checks=0
OUT=/tmp/out
ERR=/tmp/err

ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

# sim_load [param=value...]: a fresh shim accepting the test key.
sim_load() {
	rmmod tdx_host_sim 2>/dev/null
	modprobe tdx_host_sim key_hash="$KEYHASH" "$@" || { fail "modprobe tdx_host_sim $*"; return 1; }
}
sim() { cat "$SIM/$1"; }
sim_set() { echo "$2" >"$SIM/$1"; }
host_version() { cat /sys/devices/faux/tdx_host/version 2>/dev/null || echo ENXIO; }

# t NAME EXPECTED_RC CMD...: run CMD (stdout in $OUT, stderr in $ERR), compare the status.
t() {
	name=$1 want=$2
	shift 2
	"$@" >$OUT 2>$ERR
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit $rc"
	else
		fail "$name: exit $rc, expected $want"
		sed 's/^/     | /' $OUT $ERR | head -n 30
	fi
}

# eq NAME EXPECTED ACTUAL
eq() {
	if [ "$2" = "$3" ]; then ok "$1: $3"; else fail "$1: '$3', expected '$2'"; fi
}

# has NAME PATTERN FILE: grep -q
has() {
	if grep -q -- "$2" "$3"; then ok "$1"; else
		fail "$1: no '$2' in $3"
		sed 's/^/     | /' "$3" | head -n 30
	fi
}

# json_str FILE KEY: the string value of "KEY":"..." in tdxctl's pretty JSON (first match).
json_str() { sed -n "s/^ *\"$2\":\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1; }
json_num() { sed -n "s/^ *\"$2\":\\([0-9-]*\\).*/\\1/p" "$1" | head -n 1; }

finish() {
	echo "== $checks checks, $failures failed"
	[ "$failures" = 0 ]
}
