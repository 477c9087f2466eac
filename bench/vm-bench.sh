# SPDX-License-Identifier: GPL-2.0-only
# The benchmarks inside the emulated TDX host (bench/run --vm; busybox ash as root).
# Prints "RESULT name value" lines that bench/run turns into its table. Arguments: RUNS MODE,
# MODE "host" (status, start-up, update) or "smp" (the shim's stop_machine time only).
. /files/lib.sh
NT=/files/ntime
runs=${1:-11}
mode=${2:-host}
H=/sys/devices/faux/tdx_host
UP=/sys/class/firmware/tdx_module
img=$F/tdx_module_1.5.09.img

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The documented procedure (kernel-update-path.md §1): loading=1, data, loading=0, poll status
# until idle (SLEEP between polls: 0 = as fast as the shell can, 1 = Intel's tool), read error.
cat >/tmp/shell-update.sh <<'SH'
up=$1 img=$2 nap=$3
echo 1 >$up/loading
cat $img >$up/data
echo 0 >$up/loading
while [ "$(cat $up/status)" != idle ]; do
	[ "$nap" = 0 ] || sleep $nap
done
[ -z "$(cat $up/error)" ]
SH

# One update of each kind after a fresh shim: wall ns minus the shim's stop_machine ns.
update_overhead() {
	: >/tmp/wall
	: >/tmp/sm
	i=0
	while [ $i -lt $runs ]; do
		sim_load || return 1
		$NT 1 "$@" | sed -n 's/^median //p' >>/tmp/wall || return 1
		sim stop_machine_ns >>/tmp/sm
		i=$((i + 1))
	done
	paste /tmp/wall /tmp/sm | awk '{ print $1 - $2 }' | median
}

if [ "$mode" = smp ]; then
	: >/tmp/sm
	i=0
	while [ $i -lt $runs ]; do
		sim_load || exit 1
		tdxctl update --key-hash "$KEYHASH" -q "$img" >/dev/null 2>&1 || exit 1
		sim stop_machine_ns >>/tmp/sm
		i=$((i + 1))
	done
	echo "RESULT smp_$(grep -c ^processor /proc/cpuinfo)_stop_machine_ns $(median </tmp/sm)"
	exit 0
fi

sim_load
files="$H/version $H/num_remaining_updates $UP/status $UP/error /sys/devices/system/cpu/present
	/sys/devices/system/cpu/online"
[ -r $H/seamldr_version ] && files="$files $H/seamldr_version"
# shellcheck disable=SC2086
$NT -p "$runs" tdxctl status -- cat $files >/tmp/pair || exit 1
echo "RESULT status_ns $(sed -n 's/^median_a //p' /tmp/pair)"
echo "RESULT cat_ns $(sed -n 's/^median_b //p' /tmp/pair)"
echo "RESULT status_ratio $(sed -n 's/^ratio //p' /tmp/pair)"
echo "RESULT help_ns $($NT "$runs" tdxctl --help | sed -n 's/^median //p')"
echo "RESULT verify_ns $($NT "$runs" tdxctl verify --key-hash "$KEYHASH" -q "$img" |
	sed -n 's/^median //p')"
echo "RESULT update_overhead_ns $(update_overhead tdxctl update --key-hash "$KEYHASH" -q "$img")"
echo "RESULT update_sm_ns $(median </tmp/sm)"
# Peak RSS of one real update with the largest legal image (496 pages).
sim_load
big=$F/big/tdx_module_1.5.09.img
echo "RESULT update_big_size $(wc -c <"$big")"
echo "RESULT update_big_maxrss_kib $($NT 1 tdxctl update --key-hash "$KEYHASH" -q "$big" |
	sed -n 's/^maxrss //p')"
echo "RESULT shell_overhead_ns $(update_overhead sh /tmp/shell-update.sh $UP "$img" 0)"
echo "RESULT poll1s_overhead_ns $(update_overhead sh /tmp/shell-update.sh $UP "$img" 1)"
