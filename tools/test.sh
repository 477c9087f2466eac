#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Set up and run every test of tdxctl: installs the build dependencies (as root), builds with gcc
# and runs all suites (unit, cli, docs, vm: real-kernel tests in QEMU, lint: clang-tidy and
# cppcheck, fuzz: corpus replay), the unit, cli and fuzz suites under valgrind memcheck, all but
# vm again under AddressSanitizer + UndefinedBehaviorSanitizer, builds once more with clang
# (-Werror), and runs each libFuzzer harness for $TDXCTL_FUZZ_SECONDS (default 20).
# Ends with one line "tests: N passed, N failed, N skipped"; exits non-zero if anything failed.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

tools/deps.sh

status=0
passed=0 failed=0 skipped=0

# Count one build directory's results from meson's machine-readable log (testlog-SETUP for a
# --setup run).
tally() {
	log="$1/meson-logs/${2:-testlog}.json"
	[ -f "$log" ] || return 0
	p=$(jq -s '[.[] | select(.result == "OK" or .result == "EXPECTEDFAIL")] | length' "$log")
	f=$(jq -s '[.[] | select(.result == "FAIL" or .result == "TIMEOUT" or .result == "ERROR"
		or .result == "UNEXPECTEDPASS")] | length' "$log")
	s=$(jq -s '[.[] | select(.result == "SKIP")] | length' "$log")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

setup() {
	dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

echo "== gcc build, all suites"
setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 2 || status=1
tally build

echo "== valgrind memcheck: unit, cli and fuzz-replay suites"
meson test -C build --setup valgrind --print-errorlogs --num-processes 2 \
	--suite unit --suite cli --suite fuzz || status=1
tally build testlog-valgrind

echo "== AddressSanitizer + UndefinedBehaviorSanitizer, all suites but vm"
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite vm \
	--no-suite lint || status=1
tally build-asan

echo "== clang build (warnings are errors)"
CC=clang setup build-clang
ninja -C build-clang || status=1

# Each harness counts as one test; fuzz/run.sh's last line is "fuzz: N passed, N failed; ...".
fuzz_secs=${TDXCTL_FUZZ_SECONDS:-20}
echo "== libFuzzer: each harness for $fuzz_secs s (fuzz/run.sh; longer: fuzz/run.sh 600)"
if command -v clang >/dev/null; then
	fuzz_log=$(mktemp)
	fuzz/run.sh "$fuzz_secs" | tee "$fuzz_log" || true
	fp=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$fuzz_log")
	ff=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$fuzz_log")
	rm -f "$fuzz_log"
	if [ -z "$fp" ]; then
		echo "fuzz/run.sh did not finish"
		fp=0 ff=1
	fi
	passed=$((passed + fp)) failed=$((failed + ff))
else
	echo "clang not installed: fuzzing skipped"
	skipped=$((skipped + 1))
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
