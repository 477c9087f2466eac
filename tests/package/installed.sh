# SPDX-License-Identifier: GPL-2.0-only
# In the emulated host: the tdxctl of the built package, unpacked at /files/root, runs; its
# metrics show the host, then a lost module. The metrics files are printed between
# "--- metrics NAME" and "--- end" for promtool on the host.
. /files/lib.sh
T=/files/root/usr/sbin/tdxctl
P=/tmp/textfile/tdxctl.prom

t "installed: --version" 0 $T --version
eq "installed: version line" "tdxctl @VERSION@" "$(cat $OUT)"
sim_load
t "installed: status" 0 $T status
has "installed: status: module" "^TDX module: *1.5.08$" $OUT
has "installed: status: ready" "^Ready for update: *yes$" $OUT
t "installed: status --json" 0 $T status --json
eq "installed: status json: module" 1.5.08 "$(json_str $OUT module_version)"
eq "installed: status json: budget" 8 "$(json_num $OUT remaining_updates)"

mkdir -p /tmp/textfile
t "metrics: ready host" 0 $T status --prometheus --output $P
for line in 'tdx_host_interface_present 1' 'tdx_module_info{version="1.5.08"} 1' \
	'tdx_seamldr_info{version="1.5.01"} 1' 'tdx_module_lost 0' 'tdx_updates_remaining 8' \
	'tdx_runtime_update_supported 1' 'tdx_runtime_update_support_info{reason="supported"} 1' \
	'tdx_upload_busy 0' 'tdx_cpus_present 1' \
	'tdx_cpus_online 1' 'tdx_td_builds_in_progress 0' 'tdx_td_build_gate_closed 0' \
	'tdx_update_ready 1' 'tdx_update_ready_info{reason="none"} 1' 'tdx_fact_known{fact="module"} 1' \
	'tdx_fact_known{fact="seamldr"} 1' 'tdx_fact_known{fact="updates_remaining"} 1'; do
	if grep -qxF "$line" $P; then ok "metrics: $line"; else fail "metrics: no '$line'"; fi
done
eq "metrics: no last update yet" 0 "$(grep -c '^tdx_last_update' $P)"
echo "--- metrics ready"; cat $P; echo "--- end"

# A fault after SHUTDOWN: the module is lost (exit 4); the metrics say so.
sim_load
sim_set fault "CPU_INIT lead -EIO"
t "lost: update" 4 $T update --key-hash "$KEYHASH" $F/tdx_module_1.5.09.img
t "metrics: lost module" 0 $T status --prometheus --output $P
for line in 'tdx_module_lost 1' 'tdx_fact_known{fact="module"} 1' \
	'tdx_update_ready 0' 'tdx_update_ready_info{reason="host.module_live"} 1' 'tdx_last_update_exit_code 4' \
	'tdx_last_update_info{outcome="module-lost",old_version="1.5.08",new_version=""} 1' \
	'tdx_fact_known{fact="last_update"} 1'; do
	if grep -qxF "$line" $P; then ok "metrics: $line"; else fail "metrics: no '$line'"; fi
done
eq "metrics: no module version when lost" 0 "$(grep -c '^tdx_module_info' $P)"
echo "--- metrics lost"; cat $P; echo "--- end"
finish
