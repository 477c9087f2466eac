# SPDX-License-Identifier: GPL-2.0-only
# The sysfs layouts of the patch series: v3 (seamldr/ folder, upload device seamldr_upload) and
# v4-v7 (seamldr/ folder, tdx_module), found and used like mainline's.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img

for l in v3 v4; do
	sim_load kernel=$l
	t "$l: status" 0 tdxctl status --json
	has "$l: layout" '"layout":"seamldr' $OUT
	eq "$l: P-SEAMLDR read" 1.5.01 "$(json_str $OUT seamldr_version)"
	eq "$l: budget read" 8 "$(json_num $OUT remaining_updates)"
	up=tdx_module; [ $l = v3 ] && up=seamldr_upload
	has "$l: upload device" "\"path\":\"/sys/devices/faux/tdx_host/firmware/$up\"" $OUT
	# Those kernels took only 0x100 blobs: that is tdxctl's default on these layouts, and the
	# emulated kernel takes nothing else there.
	t "$l: dry run" 0 tdxctl update --key-hash "$KEYHASH" --json --dry-run $img
	eq "$l: default format" 0x100 "$(json_str $OUT format)"
	t "$l: update with the defaults" 0 tdxctl update --key-hash "$KEYHASH" --json $img
	eq "$l: version" 1.5.09 "$(host_version)"
	eq "$l: budget -1" 7 "$(cat /sys/devices/faux/tdx_host/seamldr/num_remaining_updates)"
	eq "$l: one upload" 1 "$(sim uploads)"
	eq "$l: the shim got the blob tdxctl announced" "$(json_str $OUT image_sha256)" \
		"$(sim last_sha256)"
	sim_load kernel=$l
	t "$l: 0x200 rejected by that kernel" 3 tdxctl update --key-hash "$KEYHASH" --json \
		--image-format 0x200 $img
	eq "$l: 0x200: header" "header -EINVAL" "$(sim last_result)"
	eq "$l: 0x200: intact" 1.5.08 "$(host_version)"
	sim_load kernel=$l remaining_updates=0
	t "$l: budget 0 refused" 69 tdxctl update --key-hash "$KEYHASH" --json $img
	has "$l: budget check" '"check":"host.remaining_updates"' $OUT
	eq "$l: nothing uploaded" 0 "$(sim uploads)"
done
finish
