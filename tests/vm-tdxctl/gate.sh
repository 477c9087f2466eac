# SPDX-License-Identifier: GPL-2.0-only
# The TD-build gate against the real kernel path (issue 5): an update waits (--wait-builds) for
# the TD builds VMM launchers recorded with `tdxctl build begin`, updates once they ended, and
# refuses with 75 (nothing uploaded) while they go on; stale and expired entries are ignored and
# reported; a killed updater leaves the gate usable; and with the mainline error mapping (no
# race detection in the kernel) no update that went through the gate ever ran while the shim
# had a TD build in progress: corrupted_measurements stays 0.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img
U="tdxctl update --key-hash $KEYHASH"

# ms since boot, for the waits
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

sleep 3600 &
owner=$!

echo "== a build that ends within the wait"
sim_load
t "begin vm1" 0 tdxctl build begin vm1 --pid $owner
t "status: a TD build in progress is 75" 75 tdxctl status --json
has "status names vm1" '^ *"vm1"' $OUT
(usleep 1000000; tdxctl build end vm1) &
t0=$(now_ms)
t "update waits for vm1, then updates" 0 $U --wait-builds 5s --json $img
t1=$(now_ms)
wait $!
if [ $((t1 - t0)) -ge 900 ]; then ok "it waited: $((t1 - t0)) ms"; else fail "no wait: $((t1 - t0)) ms"; fi
eq "version" 1.5.09 "$(host_version)"
eq "one upload" 1 "$(sim uploads)"
eq "gate check passed" pass "$(sed -n '/"check":"host.td_builds"/,/}/s/^ *"status":"\([a-z]*\)".*/\1/p' $OUT | head -n 1)"

echo "== a build that does not end within the wait"
sim_load
t "begin vm2" 0 tdxctl build begin vm2 --pid $owner
t0=$(now_ms)
t "update: vm2 still building: 75" 75 $U --wait-builds 2s $img
t1=$(now_ms)
has "75 names the build" "TD builds in progress: vm2; retry later" $ERR
if [ $((t1 - t0)) -ge 1900 ]; then ok "waited the 2 s: $((t1 - t0)) ms"; else fail "gave up after $((t1 - t0)) ms"; fi
eq "the shim saw no upload" 0 "$(sim uploads)"
eq "version unchanged" 1.5.08 "$(host_version)"
t "the gate is open again: begin vm3" 0 tdxctl build begin vm3 --pid $owner
t "--json: 75 with retryable true" 75 $U --wait-builds 0 --json $img
has "json: retry-later" '"outcome":"retry-later"' $OUT
has "json: verdict names both" '"verdict":"TD builds in progress: vm2, vm3; retry later"' $OUT
tdxctl build end vm2 && tdxctl build end vm3
eq "still no upload" 0 "$(sim uploads)"
tail -n 1 /tmp/history.jsonl >/tmp/h.last
has "history: the refusal recorded" '"failed_checks":\["host.td_builds"\]' /tmp/h.last

echo "== stale and expired entries are ignored and reported"
sim_load
sleep 3600 &
gone=$!
t "begin stale1" 0 tdxctl build begin stale1 --pid $gone
kill $gone; wait $gone 2>/dev/null
t "begin exp1 --ttl 1" 0 tdxctl build begin exp1 --pid $owner --ttl 1
sleep 2
t "status: nothing live, ready" 0 tdxctl status --json
eq "status: td_builds 0" 0 "$(json_num $OUT td_builds)"
eq "status: 2 ignored" 2 "$(json_num $OUT td_builds_ignored)"
t "update despite stale and expired" 0 $U --wait-builds 5s --json $img
has "reports stale1" 'stale1 (stale: owner pid' $OUT
has "reports exp1" 'exp1 (expired' $OUT
eq "one upload" 1 "$(sim uploads)"
eq "version" 1.5.09 "$(host_version)"
tdxctl build end stale1; tdxctl build end exp1

echo "== a killed updater leaves the gate usable"
sim_load
t "begin vm4" 0 tdxctl build begin vm4 --pid $owner
$U --wait-builds 60s $img >/tmp/k.out 2>&1 &
upd=$!
i=0
while [ $i -lt 100 ] && ! tdxctl build list | grep -q '^gate: closed'; do usleep 50000; i=$((i + 1)); done
tdxctl build list >/tmp/k.list
has "gate closed by the waiting update" '^gate: closed by pid' /tmp/k.list
t "begin refused while closed: 75" 75 tdxctl build begin vm5 --pid $owner
kill -KILL $upd
wait $upd
eq "update killed" 137 $?
t "gate open after SIGKILL: begin vm5" 0 tdxctl build begin vm5 --pid $owner
t "build list: gate open" 0 tdxctl build list
has "gate: open" '^gate: open' $OUT
eq "no upload" 0 "$(sim uploads)"
tdxctl build end vm4; tdxctl build end vm5
t "next update works" 0 $U $img
eq "one upload" 1 "$(sim uploads)"

echo "== SIGTERM while waiting for builds: interrupted (5), nothing changed"
sim_load
: >/tmp/history.jsonl
t "begin vm6" 0 tdxctl build begin vm6 --pid $owner
$U --wait-builds 60s --json $img >/tmp/i.out 2>&1 &
upd=$!
i=0
while [ $i -lt 100 ] && ! tdxctl build list | grep -q '^gate: closed'; do usleep 50000; i=$((i + 1)); done
kill -TERM $upd
wait $upd
eq "update interrupted: exit 5" 5 $?
has "json: interrupted" '"outcome":"interrupted"' /tmp/i.out
has "json: exit_code 5" '"exit_code":5' /tmp/i.out
has "json: says nothing was written" 'interrupted by Terminated during the checks: nothing was written' /tmp/i.out
has "history: interrupted, exit 5" '"outcome":"interrupted".*"exit_code":5' /tmp/history.jsonl
eq "no upload" 0 "$(sim uploads)"
eq "version unchanged" 1.5.08 "$(host_version)"
t "gate open again: begin vm7" 0 tdxctl build begin vm7 --pid $owner
tdxctl build end vm6; tdxctl build end vm7

echo "== mainline mapping: a TD build on the shim, registered through the gate"
sim_load remaining_updates=100
t "begin tdA" 0 tdxctl build begin tdA --pid $owner
sim_set td_builds 1
t "update refused while tdA builds: 75" 75 $U --wait-builds 1s $img
eq "no upload" 0 "$(sim uploads)"
eq "corrupted_measurements" 0 "$(sim corrupted_measurements)"
sim_set td_builds 0
t "end tdA" 0 tdxctl build end tdA
t "then the update goes through" 0 $U --wait-builds 1s $img
eq "one upload" 1 "$(sim uploads)"
eq "corrupted_measurements" 0 "$(sim corrupted_measurements)"

# A launcher that builds TDs back to back, each bracketed by begin/end and shown to the shim,
# against updates that keep reinstalling: none may run while the shim has a build going.
rm -f /tmp/stop
(
	n=0
	while [ ! -f /tmp/stop ]; do
		if tdxctl build begin td$n --pid $owner --wait 30s -q; then
			echo 1 >$SIM/td_builds
			usleep 300000
			echo 0 >$SIM/td_builds
			tdxctl build end td$n -q
			n=$((n + 1))
		fi
		usleep 100000
	done
	echo $n >/tmp/launcher.count
) &
launcher=$!
ok_runs=0 busy_runs=0 other_runs=0
i=0
while [ $i -lt 8 ]; do
	$U --reinstall --wait-builds 5s --json $img >/tmp/r.out 2>&1
	case $? in
	0) ok_runs=$((ok_runs + 1)) ;;
	75) busy_runs=$((busy_runs + 1)) ;;
	*) other_runs=$((other_runs + 1)); sed 's/^/     | /' /tmp/r.out | head -n 20 ;;
	esac
	i=$((i + 1))
done
touch /tmp/stop
wait $launcher
echo "     | 8 updates: $ok_runs updated, $busy_runs 75, $other_runs other; launcher built $(cat /tmp/launcher.count) TDs; shim updates_ok $(sim updates_ok)"
eq "no unexpected outcome" 0 $other_runs
if [ $ok_runs -gt 0 ]; then ok "updates went through: $ok_runs"; else fail "no update went through"; fi
if [ "$(cat /tmp/launcher.count)" -gt 0 ]; then ok "the launcher built TDs"; else fail "the launcher built nothing"; fi
eq "every update through the gate: corrupted_measurements" 0 "$(sim corrupted_measurements)"
eq "shim updates = tdxctl's successes" $((ok_runs + 1)) "$(sim updates_ok)"
kill $owner
finish
