# SPDX-License-Identifier: GPL-2.0-only
# Every pre-flight refusal: its exit code, its check name, and the shim's upload counter
# unchanged (nothing reached the kernel), the running module untouched.
. /files/lib.sh
good=$F/tdx_module_1.5.09.img

# refused NAME EXIT CHECK [update args...]: on a shim loaded by the caller.
refused() {
	name=$1 want=$2 check=$3
	shift 3
	before=$(sim uploads)
	t "$name" "$want" tdxctl update --key-hash "$KEYHASH" --json "$@"
	has "$name: check $check failed" "\"check\":\"$check\"" $OUT
	eq "$name: nothing uploaded" "$before" "$(sim uploads)"
	has "$name: says nothing was sent" '"uploaded":false' $OUT
	has "$name: says what to do" '"advice":"' $OUT
}

sim_load
refused "corrupted module" 65 seamhash $F/bad/tdx_module_1.5.09.img
refused "not an image" 65 container.magic $F/bad/garbage.img
refused "wrong signing key" 65 signer $F/wrongkey/tdx_module_1.5.09.img
# The right key hash, one signature byte flipped: the emulated loader would fail it at
# CPU_INSTALL (module lost); tdxctl's own RSA check must keep it from the kernel.
refused "corrupted signature" 65 signature $F/badsig/tdx_module_1.5.09.img
refused "debug module" 65 sigstruct.debug $F/debug/tdx_module_1.5.09.img
refused "older release" 69 compat.not_older $F/tdx_module_1.5.07.img
refused "other major.minor" 69 compat.line $F/tdx_module_1.6.00.img
refused "running below minimum" 69 compat.min_running $F/tdx_module_1.5.11.img
refused "P-SEAMLDR too old" 69 compat.seamldr $F/tdx_module_1.5.12.img
refused "CPU not in table" 69 compat.cpu $F/cpu/tdx_module_1.5.09.img
refused "version unknown" 69 compat.image_version $F/noversion/module.img
refused "version disagrees with mapping" 69 compat.release --version 1.5.10 $good
t "mapping unreadable" 66 tdxctl update --key-hash "$KEYHASH" --json --mapping /nonexistent $good
has "mapping unreadable: names it" "mapping file /nonexistent" $OUT
eq "mapping unreadable: nothing uploaded" 0 "$(sim uploads)"
eq "module still 1.5.08" 1.5.08 "$(host_version)"

sim_load remaining_updates=0
refused "no updates left" 69 host.remaining_updates $good
has "budget 0: says reboot" "reboot to reset the budget" $OUT

sim_load
echo 0 >/sys/devices/system/cpu/cpu1/online
refused "offline CPU" 69 host.cpus_online $good
has "offline CPU: names it" "CPU(s) 1 present but offline" $OUT
echo 1 >/sys/devices/system/cpu/cpu1/online

sim_load
lock_hold 600
refused "lock held" 75 host.lock $good
has "lock held: names the holder" "PID $holder" $OUT
eq "lock held: retryable" '"retryable":true,' "$(grep '"retryable"' $OUT | tr -d ' ')"
t "status: lock held" 75 tdxctl status --json
has "status: shows the holder" "\"pid\":$holder" $OUT
kill $holder; wait $holder 2>/dev/null

# A TD build recorded with the gate (by the scenario shell, which stays alive).
t "build begin" 0 tdxctl build begin vm-under-construction
refused "TD build in progress" 75 host.td_builds $good
has "TD build: named" "vm-under-construction" $OUT
t "status: TD build" 75 tdxctl status --json
eq "status: builds counted" 1 "$(json_num $OUT td_builds)"
t "build end" 0 tdxctl build end vm-under-construction
t "after the build: dry run passes" 0 tdxctl update --key-hash "$KEYHASH" --dry-run $good

grep -q nobody /etc/passwd || echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>/etc/passwd
before=$(sim uploads)
t "not root" 77 su -s /bin/sh -c \
	"tdxctl update --key-hash $KEYHASH --json --history /tmp/nobody.jsonl $good" nobody
has "not root: check host.permission" '"check":"host.permission"' $OUT
eq "not root: nothing uploaded" "$before" "$(sim uploads)"
t "status as nobody" 77 su -s /bin/sh -c "tdxctl status" nobody
has "status as nobody: budget root only" "Updates remaining:  (root only)" $OUT

sim_load update_supported=features
refused "update unsupported" 69 host.update_supported $good
has "unsupported: says why" "TDX_FEATURES0 bit 1" $OUT

sim_load
sim_set lost 1
refused "module lost" 69 host.module_live $good
has "lost: says reboot" "reboot" $OUT
t "status: lost" 69 tdxctl status
has "status: LOST" "LOST: reboot required" $OUT

sim_unload
t "interface missing" 69 tdxctl update --key-hash "$KEYHASH" --json $good
has "interface missing: module not loaded" "tdx_host_sim is not loaded" $OUT
mkdir -p /etc/modprobe.d
echo "blacklist tdx_host_sim" >/etc/modprobe.d/tdxctl-test.conf
t "load-module, blacklisted" 69 tdxctl update --key-hash "$KEYHASH" --dry-run --load-module $good
has "blacklisted: said so" "blacklisted" $ERR
eq "blacklisted: not loaded" "" "$(grep tdx_host_sim /proc/modules)"
rm /etc/modprobe.d/tdxctl-test.conf
t "load-module" 0 tdxctl update --key-hash "$KEYHASH" --dry-run --load-module $good
eq "load-module: loaded" tdx_host_sim "$(cut -d' ' -f1 /proc/modules | grep tdx_host_sim)"
eq "load-module: dry run uploads nothing" 0 "$(sim uploads)"

grep -c '"uploaded":false' /tmp/history.jsonl >/tmp/n
eq "every refusal recorded" "$(wc -l </tmp/history.jsonl | tr -d ' ')" "$(cat /tmp/n)"
finish
