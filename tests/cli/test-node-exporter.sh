#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A real prometheus-node-exporter, on 127.0.0.1 only (a port the kernel picks), with only its
# textfile collector, pointed at a private folder where tdxctl status --prometheus --output
# writes: every tdx sample tdxctl wrote is in its /metrics, exactly, with no scrape error; a
# rewritten file is served on the next scrape. The exporter is stopped and the folder removed
# at the end, whatever happens.
# Usage: test-node-exporter.sh TDXCTL
set -u
tdxctl=$1
. "$(dirname "$0")/lib.sh"
exporter=$(command -v prometheus-node-exporter) ||
	{ echo "error: no prometheus-node-exporter (tools/deps.sh installs it)" >&2; exit 1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export TDXCTL_RUNDIR=$tmp/run TDXCTL_HISTORY=$tmp/history.jsonl TDXCTL_MODULE=tdx_host
mkdir "$tmp/run" "$tmp/textfile"
printf '%s\n' '{"time":"2026-12-01T11:00:00Z","command":"update","old_version":"1.5.08","new_version":"1.5.09","outcome":"ok","exit_code":0,"uploaded":true}' >"$tmp/history.jsonl"
prom=$tmp/textfile/tdxctl.prom

run "$tdxctl" status --prometheus --output "$prom"
expect_rc 0 "metrics written"

"$exporter" --web.listen-address=127.0.0.1:0 --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$tmp/textfile" >"$tmp/log" 2>&1 &
pid=$!
# Ready when it says where it listens (a bounded wait for start-up, not a timing assertion).
addr=""
for _ in $(seq 600); do
	addr=$(sed -n 's/.*msg="Listening on" address=\(127\.0\.0\.1:[0-9]*\).*/\1/p' "$tmp/log" | head -n 1)
	[ -n "$addr" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$addr" ]; then
	bad "node exporter did not start listening:"
	cat "$tmp/log" >&2
	finish
	exit 1
fi
ok

# GET /metrics over bash's /dev/tcp (HTTP/1.0: the server closes when done); body only.
scrape() {
	exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}" || return 1
	printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n' "$addr" >&3
	tr -d '\r' <&3 | sed '1,/^$/d'
	exec 3<&-
}

# Samples as the exporter writes them: labels sorted by name, values as %g floats. Normalize
# both sides: labels sorted, values as integers (every value here is one).
normalize() {
	awk '/^tdx_/ {
		name = $1; labels = ""
		if (match(name, /\{.*\}/)) {
			labels = substr(name, RSTART + 1, RLENGTH - 2); name = substr(name, 1, RSTART - 1)
			n = split(labels, l, ",")
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && l[j] < l[j - 1]; j--) { t = l[j]; l[j] = l[j - 1]; l[j - 1] = t }
			labels = "{" l[1]; for (i = 2; i <= n; i++) labels = labels "," l[i]; labels = labels "}"
		}
		printf "%s%s %.0f\n", name, labels, $2
	}' | sort
}

# check WHAT: every sample of the file is served, same labels and value, and nothing else
# named tdx_.
check() {
	scraped=$(scrape)
	[ -n "$scraped" ] && ok || bad "$1: empty scrape"
	want=$(grep -v '^#' "$prom" | normalize)
	got=$(printf '%s\n' "$scraped" | normalize)
	if [ "$want" = "$got" ]; then ok; else
		bad "$1: the exporter serves other tdx samples than the file holds:"
		diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2
	fi
	expect_grep 'node_textfile_scrape_error 0' "$scraped" "$1: no textfile scrape error"
	expect_grep '# TYPE tdx_update_ready gauge' "$scraped" "$1: types kept"
}

check "first file"
expect_grep 'tdx_last_update_info{new_version="1.5.09",old_version="1.5.08",outcome="ok"} 1' \
	"$scraped" "last update served"
expect_grep 'tdx_update_ready 0' "$scraped" "readiness served"
expect_grep 'tdx_update_ready_info{reason="host.interface"} 1' "$scraped" "its reason served"

# Rewritten (an unreadable history this time): the next scrape serves the new file.
run "$tdxctl" status --prometheus --history "$tmp/textfile" --output "$prom"
expect_rc 0 "metrics rewritten"
check "rewritten file"
expect_grep 'tdx_fact_known{fact="history"} 0' "$scraped" "unknown history served"

finish
