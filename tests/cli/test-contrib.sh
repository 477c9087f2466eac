#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# contrib/: the systemd units pass systemd-analyze verify and match the exit codes, the service
# refreshes the metrics after every run; the
# launcher wrapper and the libvirt hook record and end TD builds in the gate, and give up with
# 75 while an update holds it closed.
# Usage: test-contrib.sh TDXCTL SOURCE_ROOT GATE_HELPER
set -u
tdxctl=$1
src=$2
helper=$3
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export TDXCTL_RUNDIR=$tmp/run TDXCTL=$tdxctl
# The wrapper as meson configured it (the installed tdxctl's full path in it), beside cli/.
wrap=$(dirname "$(dirname "$(readlink -f "$tdxctl")")")/contrib/tdxctl-build-wrap
hook=$src/contrib/libvirt/qemu

wait_line() {
	for _ in $(seq 1000); do
		grep -qx -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	return 1
}

# --- systemd units ------------------------------------------------------------------------------
unit_in=$src/contrib/systemd/tdxctl-update.service.in
timer=$src/contrib/systemd/tdxctl-update.timer
# Restarted on 75 only: every other non-zero code of the one table is listed as final.
expect_grep "Restart=on-failure" "$(cat "$unit_in")" "restarted on failure"
prevent=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit_in")
expect_true '[ "$prevent" = "1 3 4 5 64 65 66 69 73 77" ]' "only 75 is retried ($prevent)"
codes=$(sed -n 's/^\tEXIT_[A-Z]* = \([0-9]*\),.*/\1/p' "$src/cli/tdxctl.h" | grep -vx -e 0 -e 75 |
	sort -n | tr '\n' ' ')
expect_true '[ "$codes" = "$prevent " ]' "the unit lists every final exit code of cli/tdxctl.h ($codes)"
expect_grep "--latest /var/lib/tdxctl/releases --quiet --retry-for" "$(cat "$unit_in")" \
	"one-shot update with retries"
expect_grep "Persistent=true" "$(cat "$timer")" "timer catches up missed runs"
expect_grep "RandomizedDelaySec=" "$(cat "$timer")" "timer spreads a fleet"
if command -v systemd-analyze >/dev/null; then
	mkdir "$tmp/units"
	sed "s|@sbindir@|$(dirname "$(readlink -f "$tdxctl")")|" "$unit_in" \
		> "$tmp/units/tdxctl-update.service"
	for u in tdxctl-metrics.service tdxctl-boot.service; do
		sed "s|@sbindir@|$(dirname "$(readlink -f "$tdxctl")")|" \
			"$src/contrib/systemd/$u.in" >"$tmp/units/$u"
	done
	cp "$timer" "$src/contrib/systemd/tdxctl-metrics.timer" "$tmp/units/"
	run systemd-analyze verify --man=no "$tmp/units/tdxctl-update.service" \
		"$tmp/units/tdxctl-update.timer" "$tmp/units/tdxctl-metrics.service" \
		"$tmp/units/tdxctl-metrics.timer" "$tmp/units/tdxctl-boot.service"
	expect_rc 0 "systemd-analyze verify"
	expect_true '[ -z "$errout" ]' "systemd-analyze verify says nothing ($errout)"
else
	echo "SKIP: systemd-analyze not found: the units are not verified"
fi

# After every run the unit refreshes the metrics: its ExecStopPost= line, run as systemd would
# (the variable from its Environment= line), writes a valid file, and is allowed to fail.
post=$(sed -n 's/^ExecStopPost=-@sbindir@\/tdxctl //p' "$unit_in")
expect_true '[ "$post" = "status --prometheus --output \${TDXCTL_METRICS_FILE}" ]' \
	"ExecStopPost refreshes the metrics, failure ignored ($post)"
metrics_file=$(sed -n 's/^Environment=TDXCTL_METRICS_FILE=//p' "$unit_in")
expect_true '[ "$metrics_file" = /var/lib/prometheus/node-exporter/tdxctl.prom ]' \
	"metrics go to Debian's node_exporter textfile folder ($metrics_file)"
mkdir "$tmp/textfile"
TDXCTL_METRICS_FILE=$tmp/textfile/tdxctl.prom
eval "set -- $post"
run $tdxctl "$@"
expect_rc 0 "the unit's ExecStopPost command"
expect_true "grep -q '^tdx_update_ready ' '$tmp/textfile/tdxctl.prom'" "it wrote the metrics file"

# The metrics unit: written whatever the update timer does, never for a missing folder.
m_in=$src/contrib/systemd/tdxctl-metrics.service.in
expect_grep "ExecStart=@sbindir@/tdxctl status --prometheus --output \${TDXCTL_METRICS_FILE}" \
	"$(cat "$m_in")" "metrics unit writes the metrics"
expect_true "! grep -q 'ConditionDirectoryNotEmpty\|tdx_host' '$m_in'" \
	"metrics unit runs with nothing staged and without TDX"
expect_grep "ConditionPathIsDirectory=/var/lib/prometheus/node-exporter" "$(cat "$m_in")" \
	"no node_exporter folder: skipped, not failed"
# The rollout hold (tdxctl-update(8)): the units that install are skipped, the cron run too.
for u in tdxctl-update tdxctl-boot; do
	expect_grep "ConditionPathExists=!/var/lib/tdxctl/hold" \
		"$(cat "$src/contrib/systemd/$u.service.in")" "$u.service: skipped under a rollout hold"
done
expect_grep "[ -e /var/lib/tdxctl/hold ] || tdxctl update --latest" \
	"$(cat "$src/contrib/cron/tdxctl-update")" "cron: skipped under a rollout hold"
m_timer=$src/contrib/systemd/tdxctl-metrics.timer
expect_grep "OnBootSec=" "$(cat "$m_timer")" "metrics at boot"
expect_grep "OnUnitActiveSec=5min" "$(cat "$m_timer")" "metrics every 5 minutes"
# The boot unit: before the VMMs, bounded, expected refusals are not failures, never required.
b_in=$src/contrib/systemd/tdxctl-boot.service.in
expect_grep "Before=libvirtd.service virtqemud.service" "$(cat "$b_in")" "boot unit before the VMMs"
expect_grep "TimeoutStartSec=3min" "$(cat "$b_in")" "boot unit bounded"
expect_grep "SuccessExitStatus=69 75" "$(cat "$b_in")" "69 and 75 are expected at boot"
expect_true "! grep -q '^Requires\|^RequiredBy\|^BindsTo\|^RequiredBy' '$b_in'" \
	"nothing requires the boot unit"
expect_true "! grep -q '^Also=' '$timer'" "no Also= (the package would restart the boot unit)"

# --- the launcher wrapper -----------------------------------------------------------------------
# It runs the installed tdxctl by its full path (a launcher's PATH on Debian has no sbin).
default=$(sed -n 's/^tdxctl=\${TDXCTL:-\(.*\)}$/\1/p' "$wrap")
case $default in /*/sbin/tdxctl) ok ;; *) bad "wrapper's default tdxctl is not a full path: '$default'" ;; esac
run "$wrap" w1 -- sh -c "\"$tdxctl\" build list --json"
expect_rc 0 "wrapper runs the command"
expect_json '[.builds[] | [.name, .state]]' '[["w1","live"]]' "build recorded during the command"
run $tdxctl build list --json
expect_json '.builds' '[]' "build ended after the command"
run "$wrap" --wait 1s --ttl 5m w2 -- sh -c 'exit 3'
expect_rc 3 "wrapper passes the command's status on"
run "$wrap" --hold 200ms w3 -- sh -c "sleep 1; \"$tdxctl\" build list --json"
expect_rc 0 "wrapper --hold"
expect_json '.builds' '[]' "--hold ends the build while the command runs"
run "$wrap" w4
expect_rc 64 "wrapper usage"
run "$wrap" --hold soon w4 -- true
expect_rc 64 "wrapper bad --hold"

# --- the libvirt hook ---------------------------------------------------------------------------
u1=0d5d1a36-5c4e-4c6e-9a0b-6f3e2a1b7c01
u2=0d5d1a36-5c4e-4c6e-9a0b-6f3e2a1b7c02
td_xml="<domain type='kvm'>
  <name>td1</name>
  <uuid>$u1</uuid>
  <launchSecurity type='tdx'><policy>0x10000000</policy></launchSecurity>
</domain>"
vm_xml="<domain type='kvm'><name>vm1</name>
  <uuid>$u2</uuid></domain>"
echo "$td_xml" | "$hook" "my td/1" prepare begin -
expect_true "[ $? = 0 ]" "hook prepare begin"
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state]]' "[[\"libvirt-$u1\",\"live\"]]" \
	"hook recorded the TD build under the domain's UUID, owned by libvirt (its parent)"
echo "$td_xml" | "$hook" "my td/1" start begin -
run $tdxctl build list --json
expect_json '.builds | length' 1 "still building at start"
echo "$td_xml" | "$hook" "my td/1" started begin -
run $tdxctl build list --json
expect_json '.builds' '[]' "hook ended the build once started"
echo "$td_xml" | "$hook" "my td/1" stopped end -
expect_true "[ $? = 0 ]" "hook: ending twice is harmless"
echo "$vm_xml" | "$hook" vm1 prepare begin -
run $tdxctl build list --json
expect_json '.builds' '[]' "hook ignores domains that are not TDs"
echo "$td_xml" | "$hook" td2 prepare begin -
echo "$td_xml" | "$hook" td2 release end -
run $tdxctl build list --json
expect_json '.builds' '[]' "hook ends a build whose start failed"
# Issue 16, finding 6: two domains whose names agree in their first 56 bytes (one entry under
# the old naming) are two builds, and one's start does not end the other's.
long=$(printf 'a%.0s' $(seq 60))
printf '%s\n' "$td_xml" | "$hook" "${long}x" prepare begin -
printf '%s\n' "$td_xml" | sed "s/$u1/$u2/" | "$hook" "${long}y" prepare begin -
run $tdxctl build list --json
expect_json '[.builds[].name]' "[\"libvirt-$u1\",\"libvirt-$u2\"]" \
	"6: two domains with one long name prefix are two builds"
printf '%s\n' "$td_xml" | sed "s/$u1/$u2/" | "$hook" "${long}y" started begin -
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state]]' "[[\"libvirt-$u1\",\"live\"]]" \
	"6: one domain's start does not end the other's build"
printf '%s\n' "$td_xml" | "$hook" "${long}x" release end -
printf '%s\n' "<domain><name>n</name><launchSecurity type='tdx'/></domain>" |
	"$hook" n prepare begin - 2>/dev/null
expect_true "[ $? = 1 ]" "a TD without a UUID is refused"

# --- while an update holds the gate -------------------------------------------------------------
$helper "$TDXCTL_RUNDIR" 0 3000 > "$tmp/closer.out" & closer=$!; pids="$pids $closer"
wait_line "$tmp/closer.out" drained && ok || bad "closer did not close the gate"
run "$wrap" --wait 200ms w5 -- touch "$tmp/ran"
expect_rc 75 "wrapper refused while the gate is closed"
expect_true "[ ! -e '$tmp/ran' ]" "wrapper did not run the command"
echo "$td_xml" | TDXCTL_BUILD_WAIT=200ms "$hook" td3 prepare begin - 2>/dev/null
expect_true "[ $? = 75 ]" "hook fails prepare while the gate is closed"
echo "$td_xml" | TDXCTL_BUILD_WAIT=10s "$hook" td3 prepare begin -
expect_true "[ $? = 0 ]" "hook waits for the gate to reopen"
wait $closer
expect_true "grep -qx live=0 '$tmp/closer.out'" "nothing recorded while closed"

finish
