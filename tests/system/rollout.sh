# SPDX-License-Identifier: GPL-2.0-only
# Scenario r of tests/system/run (sourced after a, before b): the Ansible role
# contrib/ansible/roles/tdxctl_rollout (through the example playbook) on the systemd hosts tdx1 and
# tdx2, with the gate asking the Prometheus of this test (issue 23). Intel's 1.5.16 is the
# release; the hosts run the BIOS module 1.5.08 and their release folders are emptied first.
#   r1. --check: the summary says each host would update 1.5.08 -> 1.5.16; nothing is staged,
#       held or uploaded on any host.
#   r2. the real run, gated: the canary tdx1 waits for a TD build; meanwhile the test makes a
#       shipped alert fire (TdxModuleLost, from a textfile metric on the host without TDX) and
#       then ends the build; tdx1 updates, the gate holds tdx2's wave (tdx2 held, nothing
#       promoted, no upload) until the test clears the metric; then tdx2 updates. The summary is
#       --check's, "would update" become "updated".
#   r3. the twins reloaded (1.5.08, no upload), tdx2 first with a fault armed: tdx2 loses its
#       module, the rollout halts (exit 2), tdx1 is not started and held, with the release in
#       its release folder since r2. Then on both hosts the units are really started under
#       systemd: tdxctl-update.service and tdxctl-boot.service (restart, as at a boot), and the
#       update timer made to fire: each is skipped by ConditionPathExists=!/var/lib/tdxctl/hold
#       (journal), no upload, no version change.
# Then the hosts are put back as b and d expect them: holds removed (as an operator would), the
# twins reloaded, the metrics rewritten. Figures: the wall time of each wave, the controller's
# time per host (README.md, "Roll out").

phase "r. the rollout role on the systemd hosts"
r_t0=$(date +%s)
rdir=$tmp/rollout
mkdir -p "$rdir/ansible"
rhosts=(tdx1 tdx2)
# inventory FILE HOST...: the hosts in this order (the first is the canary), over the test's SSH
# key and known_hosts, and through the connections gssh keeps open (ControlPath), so that no
# task pays an SSH handshake in emulated CPU.
inventory() {
	local f=$1 h
	shift
	{
		echo "[tdx_hosts]"
		for h in "$@"; do echo "$h ansible_port=${sshp[$h]}"; done
		echo "[tdx_hosts:vars]"
		echo "ansible_host=127.0.0.1"
		echo "ansible_user=root"
		echo "ansible_ssh_private_key_file=$tmp/id"
		echo "ansible_ssh_common_args='-F /dev/null -o IdentitiesOnly=yes" \
			"-o UserKnownHostsFile=$tmp/known_hosts -o GlobalKnownHostsFile=/dev/null" \
			"-o StrictHostKeyChecking=yes -o HostKeyAlias=tdxhost'"
		echo "tdxctl_retry_interval=1s"
		echo "tdxctl_retry_for=5m"
		echo "tdxctl_wait_builds=0"
	} >"$f"
}
inventory "$rdir/inv12" tdx1 tdx2
inventory "$rdir/inv21" tdx2 tdx1
: >"$rdir/ansible.cfg"
export ANSIBLE_CONFIG=$rdir/ansible.cfg ANSIBLE_HOME=$rdir/ansible
export ANSIBLE_LOCAL_TEMP=$rdir/ansible/tmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_HOST_KEY_CHECKING=true
export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=yes -o ControlPath=$tmp/ssh-%p"

# rollout N INVENTORY ARGS...: start ansible-playbook in the background (rpid), output in
# $rdir/runN.log, summary in $rdir/summaryN.json, its times in $rdir/timeN.
rollout() {
	local n=$1 inv=$2
	shift 2
	/usr/bin/time -f '%e %U %S' -o "$rdir/time$n" \
		ansible-playbook -i "$inv" "$src/contrib/ansible/tdxctl-rollout.yml" \
		-e tdxctl_release="$release" -e tdxctl_mapping="$intel/mapping_file.json" \
		-e '{"tdxctl_waves": ["100%"]}' -e tdxctl_summary_file="$rdir/summary$n.json" "$@" \
		>"$rdir/run$n.log" 2>&1 &
	rpid=$!
}
# rollout_end N EXPECTED_EXIT: wait for it, check its exit status, print the figures.
rollout_end() {
	local n=$1 rc
	wait "$rpid"
	rc=$?
	eq "r$n: ansible-playbook exit" "$2" "$rc"
	[ "$rc" = "$2" ] || sed 's/^/   | /' "$rdir/run$n.log"
	# Per wave: from its start to its last host's outcome (controller clock), beside tdxctl's
	# own time on its slowest host; ansible-playbook's wall and CPU time per host. Printed, not
	# asserted (README.md, "Roll out").
	python3 - "$rdir/summary$n.json" "$rdir/time$n" "r$n" <<'PY' || true
import json, sys
rows = json.load(open(sys.argv[1]))
wall, user, system = (float(x) for x in open(sys.argv[2]).read().split()[-3:])
waves = {}
for r in rows:
    if r.get("wave_started") is not None and r.get("ended") is not None:
        waves.setdefault(round(float(r["wave_started"]), 0), []).append(r)
for i, (t0, hs) in enumerate(sorted(waves.items())):
    end = max(float(r["ended"]) for r in hs)
    ms = [int(r["tdxctl_ms"]) for r in hs if r.get("tdxctl_ms") not in (None, "", "None")]
    print("   figure %s wave %d (%s): %.1f s wall, tdxctl %s" % (sys.argv[3], i + 1,
          " ".join(r["host"] for r in hs), end - t0,
          ("%.1f s on its slowest host" % (max(ms) / 1000)) if ms else "not run"))
n = len(rows)
print("   figure %s: ansible-playbook %.1f s wall, %.1f s CPU for %d hosts: %.1f s wall and "
      "%.2f s CPU per host" % (sys.argv[3], wall, user + system, n, wall / n, (user + system) / n))
PY
}
# rows N: per host "host before after outcome changed held check_mode", from the summary.
rows() {
	jq -r '.[] | [.host, .before, .after, .outcome, .changed, .held, .check_mode] | join(" ")' \
		"$rdir/summary$1.json" 2>/dev/null | sort
}
# state HOST: "uploads version hold staged promoted" on the host, what the rollout may change.
state() {
	gssh "$1" "u=\$(cat /sys/kernel/debug/tdx_host_sim/uploads)
		v=\$(cat /sys/devices/faux/tdx_host/version 2>/dev/null || echo lost)
		[ -e /var/lib/tdxctl/hold ] && h=held || h=free
		s=\$(ls /var/lib/tdxctl/staged 2>/dev/null | grep -c blob)
		p=\$(ls /var/lib/tdxctl/releases | grep -c blob)
		echo \$u \$v \$h staged=\$s promoted=\$p"
}
# twin_reload HOST [FAULT]: what a reboot does to the twin (BIOS module 1.5.08, counters at 0),
# with tdx-host-sim.service as at boot; then the metrics rewritten for Prometheus.
twin_reload() {
	gssh "$1" "echo features >/sys/kernel/debug/tdx_host_sim/update_supported &&
		rmmod tdx_host_sim && systemctl restart tdx-host-sim.service &&
		{ [ -z '${2:-}' ] || echo '${2:-}' >/sys/kernel/debug/tdx_host_sim/fault; } &&
		systemctl start tdxctl-metrics.service"
}
# props HOST UNIT: "ActiveState Result ExecMainStatus ConditionResult" of UNIT (one SSH command).
props() {
	gssh "$1" "for p in ActiveState Result ExecMainStatus ConditionResult; do
		systemctl show -P \$p $2; done" | paste -sd' '
}
gate_q='ALERTS{alertstate="firing",alertname=~"Tdx.*",alertname!~"TdxModuleVersionDrift|TdxTdRelaunchOverdue"}'
gate_alerts() {
	prom_query "$gate_q" | jq -r '[.[].metric | "\(.alertname) \(.instance)"] | sort | join(",")'
}

# The hosts as they came out of a, but with the release taken back out of their release folder:
# the rollout brings it.
for h in "${rhosts[@]}"; do
	gssh "$h" "rm -f /var/lib/tdxctl/releases/*"
	eq "r: $h before the rollout" "0 1.5.08 free staged=0 promoted=0" "$(state "$h")"
done
eq "r: no alert of the gate's query firing" "" "$(gate_alerts)"

# --- r1. check mode ---
rollout 1 "$rdir/inv12" --check
rollout_end 1 0
eq "r1: --check summary" "tdx1 1.5.08 1.5.16 would update false false true
tdx2 1.5.08 1.5.16 would update false false true" "$(rows 1)"
for h in "${rhosts[@]}"; do
	eq "r1: $h unchanged by --check" "0 1.5.08 free staged=0 promoted=0" "$(state "$h")"
done

# --- r2. the real run, the gate holds the second wave while an alert fires ---
# A TD build on the canary: its update waits (75, retried) until the test ends the build.
gssh tdx1 "systemd-run -q --unit=td-rollout sleep 3600"
gssh tdx1 "tdxctl build begin vmr --pid $(show tdx1 td-rollout.service MainPID) --ttl 30m --quiet"
rollout 2 "$rdir/inv12" -e tdxctl_gate_url="http://127.0.0.1:$promp" -e tdxctl_gate_interval=2 \
	-e tdxctl_gate_timeout=300
canary_waits() { gssh_secs=30 gssh tdx1 "pgrep -f 'update --json --retry-[f]or'"; }
wait_for 300 "r2: the canary's update started (and waits for the TD build)" canary_waits
eq "r2: tdx2 staged and held, not promoted, while the canary updates" \
	"0 1.5.08 held staged=1 promoted=0" \
	"$(state tdx2)"
# The alert, fed by the test: a lost module reported by the host without TDX (a textfile of
# node_exporter's), which fires the shipped TdxModuleLost (no for:).
gssh plain "printf 'tdx_module_lost 1\n' >/var/lib/prometheus/node-exporter/gate.prom.part &&
	mv /var/lib/prometheus/node-exporter/gate.prom.part /var/lib/prometheus/node-exporter/gate.prom"
gate_firing() { [ "$(gate_alerts)" = "TdxModuleLost $(inst plain)" ]; }
wait_for 120 "r2: TdxModuleLost fires for the host without TDX (the gate's query)" gate_firing
gssh tdx1 "tdxctl build end vmr --quiet; systemctl stop td-rollout.service"
gate_holds() { grep -q 'RETRYING: .*Prometheus gate' "$rdir/run2.log"; }
wait_for 300 "r2: the gate holds the next wave" gate_holds
eq "r2: tdx1 updated meanwhile" "1 1.5.16 free staged=1 promoted=1" "$(state tdx1)"
eq "r2: tdx2 held, not promoted, no upload while the gate holds" \
	"0 1.5.08 held staged=1 promoted=0" \
	"$(state tdx2)"
gssh plain "rm -f /var/lib/prometheus/node-exporter/gate.prom"
held_at=$(date +%s)
rollout_end 2 0
echo "   (the rollout finished $(($(date +%s) - held_at)) s after the alert's metric was removed)"
eq "r2: summary" "tdx1 1.5.08 1.5.16 updated true false false
tdx2 1.5.08 1.5.16 updated true false false" "$(rows 2)"
eq "r2: the canary retried for the TD build" true \
	"$(jq '[.[] | select(.host == "tdx1")][0].attempts >= 2' "$rdir/summary2.json")"
eq "r2: --check said what the real run did" \
	"$(rows 1 | sed 's/would update false false true/updated true false false/')" \
	"$(rows 2)"
for h in "${rhosts[@]}"; do
	eq "r2: $h updated, released" "1 1.5.16 free staged=1 promoted=1" "$(state "$h")"
done

# --- r3. the canary loses its module: the rollout halts, and nothing on the hosts resumes it ---
twin_reload tdx1
twin_reload tdx2 "CPU_INIT lead -EIO"
rollout 3 "$rdir/inv21"
rollout_end 3 2
eq "r3: summary" "tdx1 1.5.08 1.5.08 not started false true false
tdx2 1.5.08 lost MODULE LOST (4): every TD on the host is gone, reboot required false true false" \
	"$(rows 3)"
eq "r3: tdx2 (canary): one upload, module lost, held" "1 lost held staged=1 promoted=1" \
	"$(state tdx2)"
eq "r3: tdx1: no upload, held, the release in its release folder (since r2)" \
	"0 1.5.08 held staged=1 promoted=1" "$(state tdx1)"
eq "r3: tdx1's hold says why" 1 \
	"$(gssh tdx1 "grep -c 'halted: not started: tdx2: MODULE LOST' /var/lib/tdxctl/hold")"
# The units, really started under systemd on both hosts: the update service, the boot unit (a
# restart, as at boot: it is RemainAfterExit), and the update timer made to fire (a drop-in
# OnActiveSec=1s for the test, removed after).
for h in "${rhosts[@]}"; do
	c0=$(show "$h" tdxctl-update.service ConditionTimestampMonotonic)
	b0=$(show "$h" tdxctl-boot.service ConditionTimestampMonotonic)
	since=$(gssh "$h" date +%s)
	gssh "$h" "systemctl start tdxctl-update.service && systemctl restart tdxctl-boot.service"
	for u in tdxctl-update.service tdxctl-boot.service; do
		eq "r3: $h: $u started, skipped by its condition" "inactive success 0 no" \
			"$(props "$h" $u)"
	done
	[ "$(show "$h" tdxctl-update.service ConditionTimestampMonotonic)" -gt "$c0" ] &&
		[ "$(show "$h" tdxctl-boot.service ConditionTimestampMonotonic)" -gt "$b0" ] &&
		ok "r3: $h: both conditions evaluated again" || bad "r3: $h: a unit was not started"
	t0h=$(show "$h" tdxctl-update.timer LastTriggerUSecMonotonic)
	# (Stopped first: a reload that adds OnActiveSec= to an active timer fires it at once.)
	gssh "$h" "systemctl stop tdxctl-update.timer &&
		mkdir -p /run/systemd/system/tdxctl-update.timer.d &&
		printf '[Timer]\nOnActiveSec=1s\nRandomizedDelaySec=0\nAccuracySec=1s\n' \
			>/run/systemd/system/tdxctl-update.timer.d/fire.conf &&
		systemctl daemon-reload && systemctl start tdxctl-update.timer"
	fired() { [ "$(show "$1" tdxctl-update.timer LastTriggerUSecMonotonic)" != "$2" ]; }
	wait_for 60 "r3: $h: the update timer fired" fired "$h" "$t0h"
	gssh "$h" "rm -r /run/systemd/system/tdxctl-update.timer.d && systemctl daemon-reload &&
		systemctl restart tdxctl-update.timer"
	sleep 2
	eq "r3: $h: tdxctl-update.service after the timer: skipped" "inactive success 0 no" \
		"$(props "$h" tdxctl-update.service)"
	eq "r3: $h: the journal: three starts skipped for the hold" 3 \
		"$(gssh "$h" "journalctl --since @$since -u tdxctl-update.service \
			-u tdxctl-boot.service --no-pager" |
			grep -c 'unmet condition check (ConditionPathExists=!/var/lib/tdxctl/hold)')"
done
eq "r3: tdx1 after the units and the timer: no upload, 1.5.08, held" \
	"0 1.5.08 held staged=1 promoted=1" \
	"$(state tdx1)"
eq "r3: tdx2 after the units and the timer: no second upload, held" \
	"1 lost held staged=1 promoted=1" \
	"$(state tdx2)"

# Back to what b and d expect: the holds lifted by hand (tdxctl-update(8)), tdx2's twin as
# after a reboot. The release stays in both release folders.
for h in "${rhosts[@]}"; do gssh "$h" rm /var/lib/tdxctl/hold; done
twin_reload tdx2
for h in "${rhosts[@]}"; do
	eq "r: $h as b and d expect it" "0 1.5.08 free staged=1 promoted=1" "$(state "$h")"
done
for h in "${rhosts[@]}"; do
	eq "r: $h: the update timer active again, without the test's drop-in" "active none" \
		"$(gssh "$h" "systemctl is-active tdxctl-update.timer
			[ -e /run/systemd/system/tdxctl-update.timer.d ] && echo drop-in || echo none" | paste -sd' ')"
done
echo "   (scenario r took $(($(date +%s) - r_t0)) s)"
