# SPDX-License-Identifier: GPL-2.0-only
# In the emulated host: the tdxctl of the built package, unpacked at /files/root, runs.
. /files/lib.sh
T=/files/root/usr/sbin/tdxctl

t "installed: --version" 0 $T --version
eq "installed: version line" "tdxctl @VERSION@" "$(cat $OUT)"
sim_load
t "installed: status" 0 $T status
has "installed: status: module" "^TDX module: *1.5.08$" $OUT
has "installed: status: ready" "^Ready for update: *yes$" $OUT
t "installed: status --json" 0 $T status --json
eq "installed: status json: module" 1.5.08 "$(json_str $OUT module_version)"
eq "installed: status json: budget" 8 "$(json_num $OUT remaining_updates)"
finish
