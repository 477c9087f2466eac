#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tdxctl build begin/end/list against the updater's side of the TD-build gate (the helper makes
# the library calls tdxctl update makes): refusal while closed (75), --wait, stale and expired
# entries, a killed closer, and begins raced against closes.
# Usage: test-gate.sh TDXCTL GATE_HELPER
set -u
tdxctl=$1
helper=$2
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export TDXCTL_RUNDIR=$tmp/run

# wait_line FILE TEXT: until FILE has a line TEXT (at most 10 s).
wait_line() {
	for _ in $(seq 1000); do
		grep -qx -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	return 1
}

# --- begin, list, end ---------------------------------------------------------------------------
run $tdxctl build list --json
expect_rc 0 "list with no run folder"
expect_json '[.gate, (.builds | length)]' '["open",0]' "empty gate"
run $tdxctl build list
expect_grep "gate: open" "$out" "text list: gate open"
expect_grep "no TD builds recorded" "$out" "text list: empty"

# The owner defaults to the caller's parent: the launcher script.
launcher_pid=$(sh -c "$tdxctl build begin vm1 --quiet && echo \$\$")
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state, .pid]]' "[[\"vm1\",\"stale\",$launcher_pid]]" \
	"owner is the launcher (gone now: stale)"
run $tdxctl build begin vm1 --pid $$ --ttl 2m
expect_rc 0 "begin vm1 again (stale entry replaced)"
expect_grep "build vm1 recorded: owner pid $$, expires in 120 s" "$out" "begin message"
run $tdxctl build begin vm2 --pid $$ --quiet
expect_rc 0 "begin vm2 quiet"
expect_true '[ -z "$out" ]' "quiet begin prints nothing"
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state, .pid]]' "[[\"vm1\",\"live\",$$],[\"vm2\",\"live\",$$]]" \
	"two live builds"
expect_json '.builds[0].expires - .builds[0].started' 120 "--ttl 2m"
expect_json '.builds[1].expires - .builds[1].started' 300 "default TTL 300 s"
expect_json '.rundir' "\"$TDXCTL_RUNDIR\"" "rundir from TDXCTL_RUNDIR"
run $tdxctl build list
expect_grep "vm1" "$out" "text list names vm1"
expect_grep "live" "$out" "text list shows the state"
sleep 1000 & other=$!; pids="$pids $other"
run $tdxctl build begin vm1 --pid $other
expect_rc 1 "begin a live name of another owner"
expect_grep "already in progress" "$errout" "conflict message"
kill -9 $other; wait $other 2>/dev/null
run $tdxctl build end vm1
expect_rc 0 "end vm1"
expect_grep "build vm1 ended" "$out" "end message"
run $tdxctl build end vm1
expect_rc 0 "end twice is harmless"
expect_grep "no build vm1 is recorded" "$errout" "end twice warns"
run $tdxctl build end vm1 --quiet
expect_true '[ -z "$out$errout" ]' "end --quiet says nothing"
run $tdxctl build end vm2 --rundir "$tmp/elsewhere"
expect_grep "no build vm2 is recorded in $tmp/elsewhere" "$errout" "--rundir overrides the env"
run $tdxctl build end vm2
expect_rc 0 "end vm2"

# --- usage errors -------------------------------------------------------------------------------
for args in "" "start x" "begin" "end" "begin ../x" "begin .x" "begin a/b" \
	    "begin $(printf 'n%.0s' $(seq 65))" "begin x --ttl 0" "begin x --ttl 2d" \
	    "begin x --ttl soon" "begin x --wait -1" "begin x --pid 0" "begin x --json --ttl 0" \
	    "end x --ttl 5" "list x" "end x y"; do
	run $tdxctl build $args
	expect_rc 64 "usage: build $args"
done
run $tdxctl build begin x --pid 2147483647
expect_rc 1 "begin for a process that does not exist"
expect_grep "no process 2147483647" "$errout" "no such owner message"

# --- the gate closed: refused, --wait, a killed closer -----------------------------------------
# The closer holds the gate until $tmp/release exists: no timer races the checks below.
rm -f "$tmp/release"
$helper "$TDXCTL_RUNDIR" 0 "$tmp/release" > "$tmp/closer.out" & closer=$!; pids="$pids $closer"
wait_line "$tmp/closer.out" drained && ok || bad "closer did not close the gate"
run $tdxctl build begin td1 --pid $$
expect_rc 75 "begin while the gate is closed"
expect_grep "the TD-build gate is closed: an update is in progress (pid $closer)" "$errout" \
	"refusal names the updater"
expect_grep "retry later or give --wait" "$errout" "refusal says what to do"
run $tdxctl build list --json
expect_json '[.gate, .closer_pid]' "[\"closed\",$closer]" "list shows the gate closed"
run $tdxctl build list
expect_grep "gate: closed by pid $closer" "$out" "text list: closed"
# shellcheck disable=SC2086
(${TDXCTL_WRAPPER:-} $tdxctl build begin td1 --pid $$ --wait 60s >"$tmp/waiter.out" 2>&1
	echo $? > "$tmp/waiter.rc") &
waiter=$!
sleep 0.5
expect_true "kill -0 $waiter" "begin --wait is still waiting while the gate is closed"
touch "$tmp/release"
wait $waiter
expect_true "[ \"$(cat "$tmp/waiter.rc")\" = 0 ]" "begin --wait succeeds once the gate reopens"
wait $closer
expect_true "grep -qx live=0 '$tmp/closer.out'" "nothing recorded while closed"
run $tdxctl build begin td2 --pid $$ --wait 300ms
expect_rc 0 "begin --wait on an open gate"
$tdxctl build end td1 -q; $tdxctl build end td2 -q

$helper "$TDXCTL_RUNDIR" 0 60000 > "$tmp/closer.out" & closer=$!; pids="$pids $closer"
wait_line "$tmp/closer.out" drained && ok || bad "second closer did not close the gate"
start=$(date +%s%N)
run $tdxctl build begin td3 --pid $$ --wait 400ms
end=$(date +%s%N)
expect_rc 75 "begin --wait gives up at its bound"
expect_true "[ $(( (end - start) / 1000000 )) -ge 400 ]" "waited the full --wait"
# Not a speed check: the closer holds the gate for 60 s, so ending well inside that proves the
# bound, however loaded the machine.
expect_true "[ $(( (end - start) / 1000000 )) -lt 30000 ]" "--wait is a bound"
kill -9 $closer; wait $closer 2>/dev/null
run $tdxctl build list --json
expect_json '.gate' '"open"' "a killed closer leaves the gate open"
run $tdxctl build begin td3 --pid $$
expect_rc 0 "begin after the closer was killed"
$tdxctl build end td3 -q

# --- what the updater sees: live builds refuse it, stale and expired ones do not ---------------
sleep 1000 & owner=$!; pids="$pids $owner"
$tdxctl build begin dead-owner --pid $owner -q
kill -9 $owner; wait $owner 2>/dev/null
$tdxctl build begin short-ttl --pid $$ --ttl 1 -q
sleep 1.2
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state]]' '[["dead-owner","stale"],["short-ttl","expired"]]' \
	"stale and expired entries listed"
run $helper "$TDXCTL_RUNDIR" 0 0
expect_rc 0 "the updater ignores stale and expired builds"
expect_grep "warn: no TD build in progress; the TD-build gate is closed by this process; ignored: " \
	"$out" "updater reports them"
expect_grep "dead-owner (stale: owner pid $owner is gone)" "$out" "stale entry named"
expect_grep "short-ttl (expired " "$out" "expired entry named"

$tdxctl build begin td-live --pid $$ -q
run $helper "$TDXCTL_RUNDIR" 300 0
expect_rc 75 "the updater refused by a live build"
expect_grep "fail: TD builds in progress: td-live (pid $$), still after waiting 0.300 s: " "$out" \
	"live build named with its owner, and the wait"
expect_grep "build td-live live pid $$" "$out" "live build's owner"
run $tdxctl build list --json
expect_json '.gate' '"open"' "gate reopened after the refusal"
( sleep 0.3; $tdxctl build end td-live -q ) & ender=$!
run $helper "$TDXCTL_RUNDIR" 10000 0
expect_rc 0 "the updater proceeds once the build ends within its wait"
wait $ender
$tdxctl build end dead-owner -q; $tdxctl build end short-ttl -q

# --- the race: begins against a close, never both ----------------------------------------------
rounds=${TDXCTL_GATE_ROUNDS:-25}
drained=0; busy=0; backoff=0
for r in $(seq "$rounds"); do
	$helper "$TDXCTL_RUNDIR" 0 400 > "$tmp/race.out" & racers=$!
	for k in 1 2 3 4; do
		( $tdxctl build begin "r$k" --pid $$ -q 2>/dev/null; echo $? > "$tmp/race.$k" ) &
		racers="$racers $!"
	done
	wait $racers
	began=0
	for k in 1 2 3 4; do [ "$(cat "$tmp/race.$k")" = 0 ] && began=$((began + 1)); done
	if grep -qx drained "$tmp/race.out"; then
		drained=$((drained + 1))
		grep -qx live=0 "$tmp/race.out" && ok || bad "round $r: a begin got in while closed"
	elif grep -qx busy "$tmp/race.out" && [ "$began" -gt 0 ]; then
		busy=$((busy + 1))
		ok
	elif grep -qx busy "$tmp/race.out"; then
		# Both backed off: every begin saw the gate closed (75) and took its entry back, but
		# later than the closer's 400 ms wait (a loaded machine, valgrind). Safe, and rare;
		# only all rounds ending so would mean the race is never won.
		backoff=$((backoff + 1))
		for k in 1 2 3 4; do
			[ "$(cat "$tmp/race.$k")" = 75 ] && ok ||
				bad "round $r: close refused, begin r$k exited $(cat "$tmp/race.$k"), not 75"
		done
	else
		bad "round $r: closer: $(cat "$tmp/race.out")"
	fi
	for k in 1 2 3 4; do $tdxctl build end "r$k" -q; done
done
echo "race: $rounds rounds, close drained $drained, builds won $busy, both backed off $backoff"
[ "$backoff" -lt "$rounds" ] && ok || bad "race: no round was won by either side"

# --- permissions ---------------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	mkdir -p "$tmp/ro"
	chmod 555 "$tmp/ro"
	run $tdxctl build begin x --pid $$ --rundir "$tmp/ro/run"
	expect_rc 77 "begin without write access"
	chmod 755 "$tmp/ro"
else
	echo "running as root: the permission refusal is not tested"
fi

finish
