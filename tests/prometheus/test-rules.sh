#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# contrib/prometheus/tdxctl.rules.yml: promtool check rules (12 rules) and promtool test rules
# (tdxctl.rules.test.yml: each alert fires when it must and only then); no rule uses a label
# that changes with the host's state (reason) in its expression.
# Usage: test-rules.sh SOURCE_ROOT
set -u
src=$1
. "$src/tests/cli/lib.sh"
command -v promtool >/dev/null || { echo "error: no promtool (tools/deps.sh installs prometheus)" >&2; exit 1; }

run promtool check rules "$src/contrib/prometheus/tdxctl.rules.yml"
expect_rc 0 "promtool check rules"
expect_grep "SUCCESS: 12 rules found" "$out" "twelve rules"
for alert in TdxModuleLost TdxUpdateFailed TdxUpdatesRemainingLow TdxUpdatesExhausted \
	TdxHostNotReady TdxMetricsStale TdxMetricsAbsent TdxModuleVersionDrift TdxUploadStuck \
	TdxBuildGateStuck TdxTdBuildHoldingUpdates TdxTdRelaunchOverdue; do
	expect_true "grep -q 'alert: $alert\$' '$src/contrib/prometheus/tdxctl.rules.yml'" "rule $alert"
	expect_true "grep -q 'alertname: $alert\$' '$src/tests/prometheus/tdxctl.rules.test.yml'" \
		"a test case for $alert"
done
expect_true "! grep -q 'reason' <(grep '^ *expr:' -A4 '$src/contrib/prometheus/tdxctl.rules.yml')" \
	"no expression uses the reason labels"
run promtool test rules "$src/tests/prometheus/tdxctl.rules.test.yml"
expect_rc 0 "promtool test rules"
[ "$rc" -eq 0 ] || echo "$out" >&2
finish
