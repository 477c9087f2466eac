# SPDX-License-Identifier: GPL-2.0-only
# A successful update end to end, then "already current", status and history around it.
. /files/lib.sh
img=$F/tdx_module_1.5.09.img

sim_load
t "status before" 0 tdxctl status --json
eq "status: module" 1.5.08 "$(json_str $OUT module_version)"
eq "status: budget" 8 "$(json_num $OUT remaining_updates)"
eq "status: upload idle" idle "$(json_member_str $OUT upload_device status)"

t "dry run" 0 tdxctl update --key-hash "$KEYHASH" --dry-run --json "$img"
has "dry run: says what it would do" '"verdict":"dry run: every check passed; would write loading=1' $OUT
eq "dry run: nothing uploaded" 0 "$(sim uploads)"

t "update" 0 tdxctl update --key-hash "$KEYHASH" --json "$img"
sed 's/^/     | /' $OUT | grep -E '"(outcome|verdict|old_version|new_version|image_sha256|format|duration_ms|upload_started)"'
eq "update: outcome" ok "$(json_str $OUT outcome)"
eq "update: version now" 1.5.09 "$(host_version)"
eq "update: json new_version" 1.5.09 "$(json_str $OUT new_version)"
eq "update: budget -1" 7 "$(cat /sys/devices/faux/tdx_host/num_remaining_updates)"
eq "update: one upload" 1 "$(sim uploads)"
sent=$(json_str $OUT image_sha256)
eq "update: shim got what tdxctl sent" "$sent" "$(sim last_sha256)"
eq "update: the 0x200 image is the fixture itself" "$(sha256sum $img | cut -d' ' -f1)" \
	"$(sim last_sha256)"
has "history: record" '"outcome":"ok"' /tmp/history.jsonl
has "history: sha256" "\"image_sha256\":\"$sent\"" /tmp/history.jsonl
has "history: versions" '"old_version":"1.5.08","new_version":"1.5.09"' /tmp/history.jsonl

t "again: already current" 0 tdxctl update --key-hash "$KEYHASH" "$img"
has "again: says so" "already current" $OUT
eq "again: nothing uploaded" 1 "$(sim uploads)"

t "status after" 0 tdxctl status
has "status after: version" "TDX module: *1.5.09" $OUT
has "status after: last update" "Last update: .* ok (1.5.08 -> 1.5.09)" $OUT
t "history" 0 tdxctl history
has "history: three attempts" "update --dry-run\|dry run" $OUT
t "history json" 0 tdxctl history --json -n 2
eq "history -n 2" 2 "$(grep -c '"time":' $OUT)"

# A blob (0x100) is converted to 0x200 in memory; the shim receives exactly what
# 'tdxctl convert' writes.
sim_load
t "convert blob" 0 tdxctl convert --key-hash "$KEYHASH" -f 0x200 -o /tmp/conv.img $F/blob/tdx_module_1.5.09.blob
t "update from blob" 0 tdxctl update --key-hash "$KEYHASH" --json $F/blob/tdx_module_1.5.09.blob
eq "blob: shim got the converted image" "$(sha256sum /tmp/conv.img | cut -d' ' -f1)" \
	"$(sim last_sha256)"
eq "blob: format sent" 0x200 "$(json_str $OUT format)"

# The largest image (496 module pages): short writes to data.
sim_load
t "update 2 MB image" 0 tdxctl update --key-hash "$KEYHASH" --json $F/big/tdx_module_1.5.09.img
eq "big: size" 2039808 "$(json_num $OUT size)"
eq "big: shim sha256" "$(sha256sum $F/big/tdx_module_1.5.09.img | cut -d' ' -f1)" "$(sim last_sha256)"
finish
