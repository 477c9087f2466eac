# SPDX-License-Identifier: GPL-2.0-only
# SIGTERM at every moment of an update. Before loading=0 the update is abandoned (loading=-1,
# nothing reached the kernel); after it the signal is held until the verdict is reported.
# Whatever the moment: the kernel got an upload exactly when the version changed, the upload
# device is idle afterwards, the lock is free, and the next update works.
. /files/lib.sh
img=$F/big/tdx_module_1.5.09.img
points=${1:-40}

# Calibrate: how long an undisturbed update takes here; the signals land around its end,
# where the data write and the wait are.
sim_load
tdxctl update --key-hash "$KEYHASH" --json $img >/tmp/s.out 2>&1
total=$(json_num /tmp/s.out duration_ms)
first=$((total * 4 / 10))
step=$(((total - first) / points + 1))
last=$((first + step * points))
echo "     | undisturbed update: $total ms; signals from $first to $last ms every $step ms"

killed=0 checks_stopped=0 abandoned=0 held=0 finished=0 other=0
d=$first
while [ $d -le $last ]; do
	sim_load
	tdxctl update --key-hash "$KEYHASH" --json $img >/tmp/s.out 2>&1 &
	pid=$!
	usleep $((d * 1000))
	# Not SIGINT: a shell starts background jobs with it ignored.
	sig=TERM
	[ $((d / step % 4)) = 3 ] && sig=HUP
	kill -$sig $pid 2>/dev/null
	wait $pid
	rc=$?
	v=$(host_version) n=$(sim uploads)
	if [ $rc = 143 ] || [ $rc = 129 ]; then
		what=killed; killed=$((killed + 1))
		eq "$d ms $sig: killed before the upload: nothing uploaded" 0 "$n"
	elif [ $rc = 5 ] && grep -q 'during the checks: nothing was written' /tmp/s.out; then
		what="stopped in the checks"; checks_stopped=$((checks_stopped + 1))
		eq "$d ms $sig: stopped in the checks: nothing uploaded" 0 "$n"
		has "$d ms $sig: one JSON result" '"outcome":"interrupted"' /tmp/s.out
	elif [ $rc = 5 ] && grep -q 'interrupted by' /tmp/s.out; then
		what=abandoned; abandoned=$((abandoned + 1))
		eq "$d ms $sig: abandoned: nothing uploaded" 0 "$n"
		has "$d ms $sig: abandoned: says loading=-1" 'loading=-1' /tmp/s.out
		has "$d ms $sig: abandoned: interrupted" '"outcome":"interrupted"' /tmp/s.out
	elif [ $rc = 0 ] && grep -q '"signal_held":"' /tmp/s.out; then
		what=held; held=$((held + 1))
		eq "$d ms $sig: held: updated" 1.5.09 "$v"
	elif [ $rc = 0 ]; then
		what=finished; finished=$((finished + 1))
		eq "$d ms $sig: finished first: updated" 1.5.09 "$v"
	else
		what="exit $rc"; other=$((other + 1))
		fail "$d ms $sig: exit $rc"
		sed 's/^/     | /' /tmp/s.out | head -n 20
	fi
	if [ "$v" = 1.5.09 ]; then eq "$d ms: one upload for the new version" 1 "$n"
	else eq "$d ms: module intact" 1.5.08 "$v"; fi
	eq "$d ms: upload device idle" idle "$(cat /sys/class/firmware/tdx_module/status)"
	echo "     | $d ms SIG$sig: $what"
	d=$((d + step))
done
echo "     | stopped in the checks $checks_stopped, killed $killed, abandoned $abandoned, held $held, finished $finished, other $other"
eq "no other outcome" 0 $other
eq "never killed outright (handlers from the start)" 0 $killed
if [ $abandoned -gt 0 ]; then ok "abandon path taken $abandoned times"; else
	echo "     | note: no signal landed during the data write"; fi
# After an abandoned or interrupted attempt the next update goes through.
sim_load
t "update after the signals" 0 tdxctl update --key-hash "$KEYHASH" --json $img
t "lock free" 0 tdxctl status
finish
