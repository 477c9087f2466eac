# SPDX-License-Identifier: GPL-2.0-only
# The unattended path (issue 5): --retry-for retries only "try again later" outcomes (75:
# device-busy, lock held), with backoff, one history record and one lock/gate cycle per
# attempt; anything else ends the run at once (counted in the shim's uploads); SIGTERM during
# the backoff ends the retrying; --quiet prints nothing for 0 and 75 and one line otherwise;
# --latest picks the newest installable release again at every run.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img
U="tdxctl update --key-hash $KEYHASH"
hist() { grep -c "$1" /tmp/history.jsonl; }
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
ge() { if [ "$3" -ge "$2" ]; then ok "$1: $3"; else fail "$1: $3, expected >= $2"; fi; }
le() { if [ "$3" -le "$2" ]; then ok "$1: $3"; else fail "$1: $3, expected <= $2"; fi; }
empty() { if [ ! -s "$2" ]; then ok "$1"; else fail "$1: not empty"; sed 's/^/     | /' "$2"; fi; }
# The shim's TD builds end once the first attempt is in the history (so at least one attempt
# was refused as busy, however slow the guest): no race with a timer.
builds_end_after_first() {
	(i=0
	while [ $i -lt 6000 ] && [ "$(hist '"command":"update"')" = 0 ]; do
		usleep 50000; i=$((i + 1)); done
	echo 0 >$SIM/td_builds) &
}
one_line() {
	n=$(wc -l <"$2")
	if [ "$n" = 1 ]; then ok "$1: $(cat "$2")"; else fail "$1: $n lines"; sed 's/^/     | /' "$2"; fi
}

echo "== v9 mapping, race avoidance, a TD build on the shim: device-busy is 75"
sim_load kernel=v9 race_avoidance=1 td_builds=1
t "device-busy: 75" 75 $U --json $img
eq "kernel error" transferring:device-busy "$(json_str $OUT kernel_error)"
eq "attempts" 1 "$(json_num $OUT attempts)"
eq "one upload" 1 "$(sim uploads)"

echo "== --retry-for: succeeds once the shim's builds drop to 0"
sim_load kernel=v9 race_avoidance=1 td_builds=1
: >/tmp/history.jsonl
builds_end_after_first
t0=$(now_ms)
t "--retry-for 20s --retry-interval 1s: updated" 0 $U --retry-for 20s --retry-interval 1s --json $img
t1=$(now_ms)
wait $!
n=$(json_num $OUT attempts)
ge "attempts" 2 "$n"
echo "     | $n attempts in $((t1 - t0)) ms"
eq "version" 1.5.09 "$(host_version)"
eq "one upload per attempt" "$n" "$(sim uploads)"
eq "history: one record per attempt" "$n" "$(hist '"command":"update"')"
eq "history: busy attempts" $((n - 1)) "$(hist '"kernel_error":"transferring:device-busy"')"
eq "history: the last one updated" 1 "$(hist "\"outcome\":\"ok\".*\"attempt\":$n[,}]")"
eq "history: attempt 1 recorded" 1 "$(hist '"attempt":1[,}]')"
eq "corrupted_measurements" 0 "$(sim corrupted_measurements)"

echo "== --retry-for runs out: still 75, every attempt uploaded once and refused"
sim_load kernel=v9 race_avoidance=1 td_builds=1
t0=$(now_ms)
t "busy for good: 75" 75 $U --retry-for 10s --retry-interval 500ms --json $img
t1=$(now_ms)
n=$(json_num $OUT attempts)
# No timed assertion: a loaded host only stretches the run. An attempt takes well under the
# 10 s budget even in a slow guest, so there was at least one retry; and 10 s at 500 ms or
# more between attempts leaves room for 21 at most.
ge "attempts" 2 "$n"
le "attempts within the budget" 21 "$n"
eq "uploads = attempts" "$n" "$(sim uploads)"
echo "     | $n attempts in $((t1 - t0)) ms"
has "last attempt's verdict" '"outcome":"retry-later"' $OUT

echo "== the lock held by another process: retried until it is free"
sim_load
# The holder lets go once the first attempt has been refused, however slow the guest.
rm -f /tmp/release
: >$ERR
lock_hold --until /tmp/release
(n=0
while ! grep -q 'attempt 1: retry-later' $ERR 2>/dev/null && [ $n -lt 6000 ]; do
	usleep 50000; n=$((n + 1)); done
touch /tmp/release) &
releaser=$!
t "lock held, then free: updated" 0 $U --retry-for 60s --retry-interval 500ms $img
wait $holder $releaser
has "text: the retried attempt on stderr" 'attempt 1: retry-later: refused before anything reached the kernel: host.lock failed; attempt 2 in' $ERR
has "text: how many attempts" 'attempt [2-9], after' $OUT
eq "one upload" 1 "$(sim uploads)"

echo "== outcomes that cannot clear by themselves are never retried"
sim_load
: >/tmp/history.jsonl
t0=$(now_ms)
t "incompatible image: 69 at once" 69 $U --retry-for 30s --retry-interval 1s --json $F/tdx_module_1.6.00.img
t1=$(now_ms)
eq "attempts" 1 "$(json_num $OUT attempts)"
eq "no upload" 0 "$(sim uploads)"
eq "one history record" 1 "$(hist '"command":"update"')"
lacks "no retry announced" 'attempt 2 in' $ERR
echo "     | ended in $((t1 - t0)) ms"
sim_set fault "SHUTDOWN lead EIO always"
t "SHUTDOWN fault: 3 at once" 3 $U --retry-for 30s --retry-interval 1s --json $img
eq "attempts" 1 "$(json_num $OUT attempts)"
eq "exactly one upload" 1 "$(sim uploads)"
sim_set fault none
t "invalid image: 65 at once" 65 $U --retry-for 30s --json $F/bad/tdx_module_1.5.09.img
eq "attempts" 1 "$(json_num $OUT attempts)"
eq "still one upload" 1 "$(sim uploads)"

echo "== SIGTERM during the backoff ends the retrying"
sim_load kernel=v9 race_avoidance=1 td_builds=1
: >/tmp/history.jsonl
$U --retry-for 60s --retry-interval 10s --json $img >/tmp/sig.out 2>&1 &
upd=$!
i=0
while [ $i -lt 200 ] && [ "$(hist '"command":"update"')" = 0 ]; do usleep 50000; i=$((i + 1)); done
usleep 200000
t0=$(now_ms)
kill -TERM $upd
wait $upd
rc=$?
t1=$(now_ms)
eq "exit: the last outcome" 75 $rc
echo "     | stopped $((t1 - t0)) ms after the signal, inside a 10 s backoff"
has "retry_stopped_by" '"retry_stopped_by":"Terminated"' /tmp/sig.out
eq "attempts" 1 "$(json_num /tmp/sig.out attempts)"
eq "one upload" 1 "$(sim uploads)"
t "lock and gate free afterwards" 0 tdxctl build begin after-sigterm --pid $$
tdxctl build end after-sigterm

echo "== --quiet"
sim_load
t "updated: 0" 0 $U --quiet $img
empty "updated: no stdout" $OUT
empty "updated: no stderr" $ERR
t "already current: 0" 0 $U --quiet $img
empty "current: no stdout" $OUT
empty "current: no stderr" $ERR
t "incompatible: 69" 69 $U --quiet $F/tdx_module_1.6.00.img
empty "69: no stdout" $OUT
one_line "69: one line" $ERR
t "invalid: 65" 65 $U --quiet $F/bad/garbage.img
one_line "65: one line" $ERR
sim_load kernel=v9 race_avoidance=1 td_builds=1
t "busy after retrying: 75" 75 $U --quiet --retry-for 2s --retry-interval 500ms $img
empty "75: no stdout" $OUT
empty "75: no stderr" $ERR
sim_load
sim_set fault "SHUTDOWN lead EIO"
t "rejected: 3" 3 $U --quiet --retry-for 10s $img
one_line "3: one line" $ERR
sim_set fault "CPU_INSTALL lead EIO"
t "lost: 4" 4 $U --quiet --retry-for 10s $img
one_line "4: one line" $ERR
has "4: says FATAL" "FATAL: module-lost" $ERR

echo "== --latest --quiet --retry-for, as cron and the timer run it"
mkdir -p /tmp/rel
cp $F/tdx_module_1.5.07.img $F/tdx_module_1.5.09.img $F/tdx_module_1.5.11.img \
	$F/tdx_module_1.5.12.img $F/tdx_module_1.6.00.img $F/mapping_file.json /tmp/rel/
L="tdxctl update --latest /tmp/rel --key-hash $KEYHASH"
sim_load kernel=v9 race_avoidance=1 td_builds=1
: >/tmp/history.jsonl
builds_end_after_first
t "busy, then updated to 1.5.09 (1.5.11 needs a running 1.5.09)" 0 \
	$L --quiet --retry-for 20s --retry-interval 1s
wait $!
empty "silent" $ERR
eq "version" 1.5.09 "$(host_version)"
ge "attempts in the history" 2 "$(hist '"image":"/tmp/rel/tdx_module_1.5.09.img"')"
t "the next run judges again: 1.5.11" 0 $L --quiet --retry-for 20s
empty "silent" $ERR
eq "version" 1.5.11 "$(host_version)"
n=$(sim uploads)
t "then already current" 0 $L --quiet --retry-for 20s
empty "silent" $ERR
eq "no upload" "$n" "$(sim uploads)"
t "--json: already current, with the releases considered" 0 $L --json
has "verdict" '"verdict":"already current: the running module is 1.5.11 and no newer release under /tmp/rel is installable on this host (1.5.07 older, 1.5.09 older, 1.5.11 running, 1.5.12 seamldr, 1.6.00 other-line); nothing done"' $OUT
eq "no upload" "$n" "$(sim uploads)"
finish
