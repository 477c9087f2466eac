# SPDX-License-Identifier: GPL-2.0-only
# Intel's real 1.5.x releases (signed with Intel's production key, 0x100 blobs) on a shim set
# up as a 1.5.08 host with a Sapphire Rapids CPU (the harness default, CPUID 0x806F8). The
# shim knows their versions from their file names (sim_versions) and verifies their RSA-3072
# signatures itself.
. /files/lib.sh
d=$F/intel
if [ ! -f $d/tdx_module_1.5.16.blob ]; then
	if [ -f $F/require-intel ]; then
		fail "Intel's binaries are missing (TDXCTL_REQUIRE_INTEL is set)"
		finish
		exit 1
	fi
	echo "skip: Intel's binaries not available"
	exit 77
fi

sim_unload
modprobe tdx_host_sim || fail "modprobe"
sim_versions $d/tdx_module_1.5.*.blob
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

# One flipped byte of Intel's signature, straight to the upload device (tdxctl would refuse
# it): the emulated loader's own RSA check fails it at CPU_INSTALL, and the module is lost.
sim_unload
modprobe tdx_host_sim || fail "modprobe"
sim_versions $d/tdx_module_1.5.16.blob
cp /tmp/intel.img /tmp/intel-badsig.img
printf '\x5a' | dd of=/tmp/intel-badsig.img bs=1 seek=$((4096 + 0x300)) conv=notrunc 2>/dev/null
raw_upload /tmp/intel-badsig.img
eq "bad signature: one upload" 1 "$(sim uploads)"
eq "bad signature: loader verdict" "CPU_INSTALL -EIO" "$(sim last_result)"
eq "bad signature: reason" "loader: signature" "$(sim last_reason)"
eq "bad signature: module lost" ENXIO "$(host_version)"
finish
