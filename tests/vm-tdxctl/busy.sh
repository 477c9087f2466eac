# SPDX-License-Identifier: GPL-2.0-only
# An upload device busy with someone else's upload (not a tdxctl: no lock to see): tdxctl
# refuses with 75 (host.upload_idle, or data ENODEV) and never adds an upload of its own.
# The other writer is a shell loop uploading the 2 MB image into a shim armed to fail every
# update at SHUTDOWN (so the version never changes); tdxctl sends the small image, so the
# shim's last_sha256 and counters tell the two apart.
. /files/lib.sh
big=$F/big/tdx_module_1.5.09.img
small=$F/tdx_module_1.5.09.img
tries=${1:-40}
U=/sys/class/firmware/tdx_module

sim_load
sim_set fault "SHUTDOWN all EIO always"
small_sha=$(sha256sum $small | cut -d' ' -f1)
(
	n=0
	while [ ! -f /tmp/stop ]; do
		echo 1 >$U/loading && cat $big >$U/data 2>/dev/null && echo 0 >$U/loading && n=$((n + 1))
		while [ "$(cat $U/status)" != idle ]; do :; done
	done
	echo $n >/tmp/bg.count
) &
bg=$!
sleep 1
busy=0 enodev=0 through=0 other=0
i=0
while [ $i -lt $tries ]; do
	tdxctl update --key-hash "$KEYHASH" --json $small >/tmp/b.out 2>&1
	rc=$?
	if [ $rc = 75 ] && grep -q 'reached the kernel: host.upload_idle failed' /tmp/b.out; then
		busy=$((busy + 1))
	elif [ $rc = 75 ] && grep -q 'ENODEV' /tmp/b.out; then
		enodev=$((enodev + 1))
	elif [ $rc = 3 ]; then
		through=$((through + 1))	# found a gap: its own upload failed at SHUTDOWN
	else
		other=$((other + 1))
		sed 's/^/     | /' /tmp/b.out | head -n 20
	fi
	i=$((i + 1))
done
touch /tmp/stop
wait $bg
echo "     | $tries tries: $busy refused busy, $enodev refused (data ENODEV), $through got through (rejected at SHUTDOWN), $other other; background uploads $(cat /tmp/bg.count), shim uploads $(sim uploads)"
eq "no unexpected outcome" 0 $other
if [ $busy -gt 0 ]; then ok "busy refusals seen: $busy"; else fail "no busy refusal in $tries tries"; fi
# A writer that does not take the lock can still interleave with tdxctl between its checks and
# loading=0 (kernel-update-path.md §1.2); what must hold is that the kernel never got more
# uploads than the two writers claim, and that every claim tdxctl made is recorded.
bgn=$(cat /tmp/bg.count)
if [ "$(sim uploads)" -le $((bgn + through)) ]; then ok "shim uploads $(sim uploads) <= $bgn + $through"
else fail "shim uploads $(sim uploads) > background $bgn + tdxctl $through"; fi
eq "tdxctl's uploads all recorded" $through "$(grep -c '"uploaded":true' /tmp/history.jsonl)"
eq "module intact" 1.5.08 "$(host_version)"
finish
