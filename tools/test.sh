#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Set up and run every test of tdxctl: installs the build dependencies (as root), builds with gcc
# and runs all suites (unit, cli, docs, vm: real-kernel tests in QEMU), then again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and builds once more with clang (-Werror).
# Ends with one line "tests: N passed, N failed, N skipped"; exits non-zero if anything failed.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

tools/deps.sh

status=0
passed=0 failed=0 skipped=0

# Count one build directory's results from meson's machine-readable log.
tally() {
	log="$1/meson-logs/testlog.json"
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

echo "== AddressSanitizer + UndefinedBehaviorSanitizer, all suites but vm"
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite vm || status=1
tally build-asan

echo "== clang build (warnings are errors)"
CC=clang setup build-clang
ninja -C build-clang || status=1

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
