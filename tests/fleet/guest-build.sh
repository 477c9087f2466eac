# SPDX-License-Identifier: GPL-2.0-only
# On a fleet host, over SSH (busybox sh): a TD build in progress, recorded as a VMM launcher
# records it, and a watcher that ends it once an update was refused for it (a history line of
# `update`, not `update --dry-run`, failing host.td_builds). So the rollout must retry the update
# to get through. The watcher writes /run/build-ended when it ended the build.
export TDXCTL_MODULE=tdx_host_sim
sleep 100000 </dev/null >/dev/null 2>&1 &
tdxctl build begin vm-fleet --pid $! -q || exit 1
(
	until grep -F '"command":"update",' /run/history.jsonl 2>/dev/null |
		grep -q '"host.td_builds"'; do
		usleep 100000
	done
	tdxctl build end vm-fleet -q && echo ended >/run/build-ended
) </dev/null >/dev/null 2>&1 &
