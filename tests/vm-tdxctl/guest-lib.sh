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

# sim_unload: remove the shim. Its upload device pins it (as the real driver's does), so the
# device goes first; that waits for a running upload.
sim_unload() {
	[ -d /sys/module/tdx_host_sim ] || return 0
	echo features >$SIM/update_supported
	rmmod tdx_host_sim
}
# sim_load [param=value...]: a fresh shim accepting the test key.
sim_load() {
	sim_unload
	modprobe tdx_host_sim key_hash="$KEYHASH" "$@" || { fail "modprobe tdx_host_sim $*"; return 1; }
}
# sim_versions FILE...: name the version of each of Intel's tdx_module_X.Y.ZZ.blob files (from
# its name) in the shim's seamhash table: their modules carry no version of their own.
sim_versions() {
	for b in "$@"; do
		v=${b##*/tdx_module_}
		v=${v%.blob}
		h=$(od -An -v -tx1 -j $((4096 + 0x384)) -N 48 "$b" | tr -d ' \n')
		echo "$h $v" >$SIM/versions || fail "versions: $h $v"
	done
}
sim() { cat "$SIM/$1"; }
sim_set() { echo "$2" >"$SIM/$1"; }
# raw_upload FILE: hand FILE to the upload device without tdxctl, wait until idle.
raw_upload() {
	u=/sys/class/firmware/tdx_module
	echo 1 >$u/loading && cat "$1" >$u/data && echo 0 >$u/loading
	n=0
	while [ "$(cat $u/status)" != idle ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
}
# lock_hold ARGS...: flock-hold /run/tdxctl/private/update.lock (root's 0700 folder, where the
# lock lives since issue 24) ARGS in the background, $holder its PID; returns once the lock file
# names it, that is once the lock is held.
lock_hold() {
	mkdir -p /run/tdxctl
	mkdir -p -m 0700 /run/tdxctl/private
	$F/flock-hold /run/tdxctl/private/update.lock "$@" &
	holder=$!
	n=0
	while ! grep -q "^$holder " /run/tdxctl/private/update.lock 2>/dev/null && [ $n -lt 6000 ]; do
		usleep 50000; n=$((n + 1)); done
}
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

# lacks NAME PATTERN FILE: ! grep -q
lacks() {
	if ! grep -q -- "$2" "$3"; then ok "$1"; else
		fail "$1: '$2' in $3"
		grep -- "$2" "$3" | sed 's/^/     | /' | head -n 10
	fi
}

# json_str FILE KEY: the string value of "KEY":"..." in tdxctl's pretty JSON (first match).
json_str() { sed -n "s/^ *\"$2\":\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1; }
# json_member_str FILE OBJECT KEY: KEY's string in the object member OBJECT (a pretty-printed
# object of plain members), where json_str would take the first KEY anywhere.
json_member_str() {
	sed -n "/^ *\"$2\":{/,/^ *}/p" "$1" | sed -n "s/^ *\"$3\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}
json_num() { sed -n "s/^ *\"$2\":\\([0-9-]*\\).*/\\1/p" "$1" | head -n 1; }

finish() {
	echo "== $checks checks, $failures failed"
	[ "$failures" = 0 ]
}
