# SPDX-License-Identifier: GPL-2.0-only
# Intel's real 1.5.x releases (signed with Intel's production key, 0x100 blobs) on a shim set
# up as a 1.5.08 host with a Sapphire Rapids CPU (the harness default, CPUID 0x806F8).
. /files/lib.sh
d=$F/intel
[ -f $d/tdx_module_1.5.16.blob ] || { echo "skip: Intel's binaries not available"; exit 77; }

rmmod tdx_host_sim 2>/dev/null
modprobe tdx_host_sim next_version=1.5.16 || fail "modprobe"
t "status" 0 tdxctl status
t "convert to 0x200" 0 tdxctl convert -f 0x200 -o /tmp/intel.img $d/tdx_module_1.5.16.blob
t "older release refused" 69 tdxctl update --json $d/tdx_module_1.5.06.blob
has "older: compat.not_older" '"check":"compat.not_older"' $OUT
t "update to 1.5.16" 0 tdxctl update --json $d/tdx_module_1.5.16.blob
has "mapping found beside the image" 'the mapping file lists 1.5.16' $OUT
eq "version" 1.5.16 "$(host_version)"
eq "shim got the converted image" "$(sha256sum /tmp/intel.img | cut -d' ' -f1)" "$(sim last_sha256)"
eq "shim result" ok "$(sim last_result)"
t "again: already current" 0 tdxctl update $d/tdx_module_1.5.16.blob
has "already current" "already current" $OUT
finish
