#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tdxctl status --prometheus on this machine (no TDX interface): the exact metric lines for an
# empty, a good, a damaged and an unreadable history; --output written atomically (mode 0644,
# a planted symlink replaced, never followed, no temporary file left, nothing written when the
# folder is missing); usage errors; promtool check metrics on every file.
# Usage: test-metrics.sh TDXCTL
set -u
tdxctl=$1
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || { echo "error: no promtool (tools/deps.sh installs prometheus)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The state folder too: a rollout hold on this machine must not change the metrics.
export TDXCTL_RUNDIR=$tmp/run TDXCTL_HISTORY=$tmp/none.jsonl TDXCTL_MODULE=tdx_host
export TDXCTL_STATEDIR=$tmp/state TDXCTL_CONFDIR=$tmp/conf
mkdir "$tmp/run" "$tmp/state"

# CPUs in a kernel CPU list ("0-3,5").
cpu_count() {
	tr ',' '\n' <"$1" | awk -F- 'NF == 2 { n += $2 - $1 + 1 } NF == 1 && $1 != "" { n++ }
		END { print n + 0 }'
}
present=$(cpu_count /sys/devices/system/cpu/present)
online=$(cpu_count /sys/devices/system/cpu/online)

# metrics [ARGS...]: status --prometheus; $out without comments and the timestamp, which is
# checked on its own: between the seconds before and after the run.
metrics() {
	before=$(date +%s)
	run "$tdxctl" status --prometheus "$@"
	after=$(date +%s)
	full=$out
	ts=$(printf '%s\n' "$full" | sed -n 's/^tdx_metrics_generated_timestamp_seconds //p')
	if [ -n "$ts" ] && [ "$ts" -ge "$before" ] && [ "$ts" -le "$after" ]; then ok; else
		bad "generated timestamp '$ts' not in [$before, $after]"
	fi
	out=$(printf '%s\n' "$full" | grep -v -e '^#' -e '^tdx_metrics_generated_timestamp_seconds ')
}

# promtool_ok WHAT: promtool check metrics accepts $full with nothing to say.
promtool_ok() {
	msg=$(printf '%s\n' "$full" | promtool check metrics 2>&1) && [ -z "$msg" ] && ok ||
		bad "$1: promtool check metrics: $msg"
}

expect_out() {
	if [ "$out" = "$1" ]; then ok; else
		bad "$2: metrics differ:"
		diff <(printf '%s\n' "$1") <(printf '%s\n' "$out") >&2
	fi
}

host="tdx_fact_known{fact=\"module\"} 0
tdx_fact_known{fact=\"seamldr\"} 0
tdx_fact_known{fact=\"updates_remaining\"} 0
tdx_fact_known{fact=\"cpus\"} 1
tdx_fact_known{fact=\"td_builds\"} 1"
tail="tdx_host_interface_present 0
tdx_runtime_update_supported 0
tdx_runtime_update_support_info{reason=\"no-tdx-host\"} 1
tdx_cpus_present $present
tdx_cpus_online $online
tdx_td_builds_in_progress 0
tdx_td_build_gate_closed 0
tdx_td_builds_by_members 0
tdx_td_build_oldest_seconds 0
tdx_td_build_hold_seconds 0
tdx_update_ready 0
tdx_update_ready_info{reason=\"host.interface\"} 1
tdx_update_held 0
tdx_tcb_status_info{status=\"unknown\",reason=\"no-file\"} 1"

# --- no history yet: nothing about a last update, and that is known ------------------------------
metrics
expect_rc 0 "status --prometheus exits 0 although not ready"
expect_out "$host
tdx_fact_known{fact=\"history\"} 1
tdx_fact_known{fact=\"last_update\"} 1
tdx_fact_known{fact=\"hold\"} 1
tdx_fact_known{fact=\"tcb_status\"} 0
tdx_fact_known{fact=\"launches\"} 0
$tail
tdx_history_lines_skipped 0" "no history"
promtool_ok "no history"
expect_grep "# TYPE tdx_update_ready gauge" "$full" "families are typed"
run "$tdxctl" status
expect_rc 69 "plain status still says not ready"

# --- a good history: the last update that was not a dry run; a broken line counted ---------------
h=$tmp/history.jsonl
cat >"$h" <<'JSON'
{"time":"2026-12-01T10:00:00Z","command":"update","old_version":"1.5.06","new_version":"1.5.08","outcome":"ok","exit_code":0,"uploaded":true}
{"time":"2026-12-01T11:00:00Z","command":"update","old_version":"1.5.08","new_version":null,"outcome":"rejected","exit_code":3,"uploaded":true}
{"time":"2026-12-01T11:30:0
{"time":"2026-12-01T12:00:00Z","command":"update --dry-run","old_version":"1.5.08","outcome":"ok","exit_code":0}
JSON
metrics --history "$h"
expect_rc 0 "good history"
expect_out "$host
tdx_fact_known{fact=\"history\"} 1
tdx_fact_known{fact=\"last_update\"} 1
tdx_fact_known{fact=\"hold\"} 1
tdx_fact_known{fact=\"tcb_status\"} 0
tdx_fact_known{fact=\"launches\"} 0
$tail
tdx_history_lines_skipped 1
tdx_last_update_timestamp_seconds 1796122800
tdx_last_update_exit_code 3
tdx_last_update_info{outcome=\"rejected\",old_version=\"1.5.08\",new_version=\"\"} 1" "good history"
promtool_ok "good history"
TDXCTL_HISTORY=$h metrics
expect_grep "tdx_last_update_exit_code 3" "$out" "history from \$TDXCTL_HISTORY"

# --- a damaged last record: its fields are unknown, nothing of it reaches a label ----------------
printf '%s\n' '{"time":"2026-12-01T12:00:00Z","command":"update","old_version":"1.5.08\"} 1\nevil 1","outcome":"ok\"} 1\n","exit_code":0}' >"$tmp/evil.jsonl"
metrics --history "$tmp/evil.jsonl"
expect_rc 0 "damaged record"
expect_out "$host
tdx_fact_known{fact=\"history\"} 1
tdx_fact_known{fact=\"last_update\"} 0
tdx_fact_known{fact=\"hold\"} 1
tdx_fact_known{fact=\"tcb_status\"} 0
tdx_fact_known{fact=\"launches\"} 0
$tail
tdx_history_lines_skipped 0" "damaged record"
promtool_ok "damaged record"
# A well-formed outcome with a version that is not one: the label is empty.
printf '%s\n' '{"time":"2026-12-01T12:00:00Z","command":"update","old_version":"x\"y","new_version":"1.5.09","outcome":"module-lost","exit_code":4}' >"$tmp/lost.jsonl"
metrics --history "$tmp/lost.jsonl"
expect_grep 'tdx_last_update_info{outcome="module-lost",old_version="",new_version="1.5.09"} 1' "$out" \
	"malformed version left empty"
promtool_ok "malformed version"

# --- an unreadable history (a folder, a FIFO, binary junk): a valid file that says so ------------
for bad_history in "$tmp" fifo junk; do
	case $bad_history in
	fifo) mkfifo "$tmp/fifo"; bad_history=$tmp/fifo ;;
	junk) head -c 4096 /dev/urandom >"$tmp/junk"; bad_history=$tmp/junk ;;
	esac
	metrics --history "$bad_history"
	expect_rc 0 "history $(basename "$bad_history")"
	promtool_ok "history $(basename "$bad_history")"
done
metrics --history "$tmp"
expect_out "$host
tdx_fact_known{fact=\"history\"} 0
tdx_fact_known{fact=\"last_update\"} 0
tdx_fact_known{fact=\"hold\"} 1
tdx_fact_known{fact=\"tcb_status\"} 0
tdx_fact_known{fact=\"launches\"} 0
$tail" "history is a folder"
metrics --history "$tmp/fifo"
expect_grep 'tdx_fact_known{fact="history"} 0' "$out" "history is a FIFO: unknown, no hang"

# --- --output: atomic, 0644, a planted symlink replaced, never followed --------------------------
mkdir "$tmp/textfile"
echo precious >"$tmp/precious"
ln -s "$tmp/precious" "$tmp/textfile/tdxctl.prom"
run "$tdxctl" status --prometheus --history "$h" --output "$tmp/textfile/tdxctl.prom"
expect_rc 0 "--output"
expect_true "[ -z '$out' ]" "--output prints nothing"
expect_true "[ -f '$tmp/textfile/tdxctl.prom' ] && [ ! -L '$tmp/textfile/tdxctl.prom' ]" \
	"the symlink was replaced by a file"
expect_true "[ \"\$(cat '$tmp/precious')\" = precious ]" "the symlink's target is untouched"
expect_true "[ \"\$(stat -c %a '$tmp/textfile/tdxctl.prom')\" = 644 ]" "mode 0644"
expect_true "[ \"\$(ls -A '$tmp/textfile')\" = tdxctl.prom ]" "no temporary file left"
expect_true "grep -qx 'tdx_last_update_exit_code 3' '$tmp/textfile/tdxctl.prom'" "file content"
full=$(cat "$tmp/textfile/tdxctl.prom")
promtool_ok "--output file"
run "$tdxctl" status --prometheus --output "$tmp/missing/tdxctl.prom"
expect_rc 73 "--output into a missing folder"
expect_grep "cannot write the metrics to $tmp/missing/tdxctl.prom" "$errout" "says which file"
expect_true "[ ! -e '$tmp/missing' ]" "nothing created"

# --- usage ----------------------------------------------------------------------------------------
run "$tdxctl" status --output "$tmp/textfile/x.prom"
expect_rc 64 "--output without --prometheus"
run "$tdxctl" status --prometheus --json
expect_rc 64 "--prometheus with --json"
run "$tdxctl" status --prometheus --output ""
expect_rc 64 "--output ''"
expect_true "[ \"\$(ls -A '$tmp/textfile')\" = tdxctl.prom ]" "usage errors write nothing"

finish
