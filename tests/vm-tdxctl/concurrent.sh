# SPDX-License-Identifier: GPL-2.0-only
# Eight updates started at once: exactly one reaches the kernel. The others are refused with
# 75 (lock held, or upload device busy), or, when they take the lock after the winner is done,
# find the module already current (0, nothing uploaded). Never two uploads.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img
rounds=${1:-3}

r=1
while [ $r -le $rounds ]; do
	sim_load
	rm -f /tmp/c.*
	i=1
	while [ $i -le 8 ]; do
		(tdxctl update --key-hash "$KEYHASH" --json $img >/tmp/c.$i 2>&1; echo $? >/tmp/c.$i.rc) &
		i=$((i + 1))
	done
	wait
	updated=0 busy=0 current=0 other=0
	i=1
	while [ $i -le 8 ]; do
		rc=$(cat /tmp/c.$i.rc)
		if [ "$rc" = 0 ] && grep -q '"verdict":"updated' /tmp/c.$i; then
			updated=$((updated + 1))
		elif [ "$rc" = 0 ] && grep -q 'already current' /tmp/c.$i; then
			current=$((current + 1))
		elif [ "$rc" = 75 ]; then
			busy=$((busy + 1))
		else
			other=$((other + 1))
			sed 's/^/     | /' /tmp/c.$i | head -n 20
		fi
		i=$((i + 1))
	done
	echo "     | round $r: updated $updated, exit 75 $busy ($(cat /tmp/c.[0-9] | grep -c 'reached the kernel: host.lock failed') lock held, $(cat /tmp/c.[0-9] | grep -c 'reached the kernel: host.upload_idle failed') upload busy), already current $current"
	eq "round $r: exactly one updated" 1 $updated
	eq "round $r: exactly one upload" 1 "$(sim uploads)"
	eq "round $r: nobody failed otherwise" 0 $other
	eq "round $r: version" 1.5.09 "$(host_version)"
	eq "round $r: budget" 7 "$(cat /sys/devices/faux/tdx_host/num_remaining_updates)"
	r=$((r + 1))
done
eq "every attempt recorded" $((rounds * 8)) "$(wc -l </tmp/history.jsonl | tr -d ' ')"
t "lock free afterwards" 0 tdxctl status --json
finish
