# SPDX-License-Identifier: GPL-2.0-only
# A fleet host's start (run-scenario SCRIPT, busybox sh): the shim accepting the test key, and,
# with `fault SPEC`, a fault armed (kernel/README.md). run-scenario --ssh then serves SSH.
set -e
modprobe tdx_host_sim key_hash="$(cat /files/key.hash)"
[ "${1:-}" != fault ] || echo "$2" >/sys/kernel/debug/tdx_host_sim/fault
echo "host up: module $(cat /sys/devices/faux/tdx_host/version)," \
	"fault $(cat /sys/kernel/debug/tdx_host_sim/fault)"
