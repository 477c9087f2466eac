# SPDX-License-Identifier: GPL-2.0-only
# The shim's fault matrix through tdxctl: a failure at SHUTDOWN is "rejected, intact" (3), any
# later one "module lost" (4), device-busy under the v9 error mapping "try later" (75). The
# verdict must come from the version file, whatever the error word says.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img

# case NAME EXIT OUTCOME VERSION_AFTER KERNEL_ERROR FAULT [sim params...]
case_() {
	name=$1 want=$2 outcome=$3 vafter=$4 kerr=$5 fault=$6
	shift 6
	sim_load "$@"
	[ "$fault" = none ] || sim_set fault "$fault"
	t "$name" "$want" tdxctl update --key-hash "$KEYHASH" --json $img
	eq "$name: outcome" "$outcome" "$(json_str $OUT outcome)"
	eq "$name: version after" "$vafter" "$(host_version)"
	eq "$name: kernel error" "$kerr" "$(json_str $OUT kernel_error)"
	eq "$name: one upload" 1 "$(sim uploads)"
	eq "$name: shim result" "$(sim last_result)" "$(sim last_result)"
	echo "     | shim: $(sim last_result) / $(sim last_reason) / stop_machine $(sim stop_machine_ns) ns"
}

FI=transferring:firmware-invalid
case_ "SHUTDOWN lead EIO" 3 rejected 1.5.08 $FI "SHUTDOWN lead EIO"
case_ "SHUTDOWN all EIO" 3 rejected 1.5.08 $FI "SHUTDOWN all EIO"
case_ "SHUTDOWN any EIO" 3 rejected 1.5.08 $FI "SHUTDOWN any EIO"
case_ "CPU_INSTALL lead EIO" 4 module-lost ENXIO $FI "CPU_INSTALL lead EIO"
case_ "CPU_INSTALL cpu1 EIO" 4 module-lost ENXIO $FI "CPU_INSTALL 1 EIO"
case_ "CPU_INSTALL any EIO" 4 module-lost ENXIO $FI "CPU_INSTALL any EIO"
case_ "CPU_INSTALL all EIO" 4 module-lost ENXIO $FI "CPU_INSTALL all EIO"
case_ "CPU_INIT lead EIO" 4 module-lost ENXIO $FI "CPU_INIT lead EIO"
case_ "CPU_INIT cpu1 EIO" 4 module-lost ENXIO $FI "CPU_INIT 1 EIO"
case_ "RUN_UPDATE lead EIO" 4 module-lost ENXIO $FI "RUN_UPDATE lead EIO"
case_ "SHUTDOWN EBUSY, mainline mapping" 3 rejected 1.5.08 $FI "SHUTDOWN lead EBUSY"
case_ "SHUTDOWN EBUSY, v9 mapping" 75 retry-later 1.5.08 transferring:device-busy \
	"SHUTDOWN lead EBUSY" error_mapping=v9
has "device-busy: retryable" '"retryable":true' $OUT
case_ "TD build in progress, v9 + race avoidance" 75 retry-later 1.5.08 transferring:device-busy \
	none error_mapping=v9 race_avoidance=1 td_builds=1
case_ "loader: SVN major differs" 4 module-lost ENXIO $FI none svn=2.0
# Before the abort rule the loop ran on: error reported, yet the new version reads back.
case_ "CPU_INSTALL EIO, legacy loop" 1 failed 1.5.09 $FI "CPU_INSTALL lead EIO" legacy=1
has "legacy: says partial" "may be partial" $OUT
case_ "SHUTDOWN EIO, legacy loop" 4 module-lost ENXIO $FI "SHUTDOWN lead EIO" legacy=1

# The lost module, in text: loud, and every later update refused before the kernel.
sim_load
sim_set fault "CPU_INIT lead EIO"
t "lost, text" 4 tdxctl update --key-hash "$KEYHASH" $img
has "lost, text: FATAL" "FATAL" $ERR
has "lost, text: reboot" "reboot" $ERR
t "after lost: refused" 69 tdxctl update --key-hash "$KEYHASH" --json $img
eq "after lost: nothing uploaded" 1 "$(sim uploads)"
has "after lost: module_live" '"check":"host.module_live"' $OUT

# Rejected is recoverable: the same update succeeds once the fault is gone.
sim_load
sim_set fault "SHUTDOWN lead EIO"
t "rejected" 3 tdxctl update --key-hash "$KEYHASH" $img
has "rejected: intact" "running module 1.5.08 is intact" $ERR
t "retry after rejection" 0 tdxctl update --key-hash "$KEYHASH" --json $img
eq "retry: version" 1.5.09 "$(host_version)"
eq "retry: budget" 7 "$(cat /sys/devices/faux/tdx_host/num_remaining_updates)"

# Format 0x100 on a mainline kernel: rejected by the header check, harmlessly.
sim_load
t "format 0x100 on mainline" 3 tdxctl update --key-hash "$KEYHASH" --json --image-format 0x100 $img
eq "0x100: intact" 1.5.08 "$(host_version)"
eq "0x100: format sent" 0x100 "$(json_str $OUT format)"
eq "0x100: shim saw the header" "header -EINVAL" "$(sim last_result)"
finish
