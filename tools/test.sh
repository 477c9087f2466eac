#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Set up and run every test of tdxctl: installs the build dependencies (as root), builds with gcc
# and runs all suites (unit, cli, docs, vm: real-kernel tests in QEMU, fleet: the Ansible
# rollout on three emulated hosts, system: the package on emulated Debian hosts with systemd,
# Prometheus and Alertmanager, lint: clang-tidy and cppcheck, fuzz: corpus replay), the unit,
# cli and fuzz suites under valgrind memcheck, all but vm, fleet, system and lint again under
# AddressSanitizer + UndefinedBehaviorSanitizer, builds once more with clang (-Werror) and
# libcrypto linked in statically (-Dstatic_libcrypto=true) and runs the cli and security suites
# on that build, and runs each libFuzzer harness for $TDXCTL_FUZZ_SECONDS (default 20).
# Prints the wall time of each stage. Tests write temporary files only under a private $TMPDIR,
# which must be empty at the end; anything a test leaves there, or in /tmp under the project's
# prefix (tdxctl*), counts as one failed test and is named.
# Ends with one line "tests: N passed, N failed, N skipped"; exits non-zero if anything failed.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

status=0
passed=0 failed=0 skipped=0
run_start=$(date +%s)
stage_name='' stage_start=0

# stage NAME: close the running stage (print its wall time) and start the next one.
stage() {
	now=$(date +%s)
	if [ -n "$stage_name" ]; then
		printf '== %s: %ss\n' "$stage_name" $((now - stage_start))
		timings="${timings:-}$(printf '%-48s %5ss' "$stage_name" $((now - stage_start)))
"
	fi
	stage_name=$1 stage_start=$now
	[ -z "$stage_name" ] || echo "== $stage_name"
}

stage "dependencies (tools/deps.sh)"
tools/deps.sh

# Every temporary file of every test goes below this folder; /tmp's own tdxctl* entries are
# listed now so that only what this run adds is blamed.
tmp_before=$(mktemp)
find /tmp -mindepth 1 -maxdepth 1 -name 'tdxctl*' 2>/dev/null | sort >"$tmp_before"
test_tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdxctl-test-tmp.XXXXXX")
trap 'rm -rf "$test_tmp" "$tmp_before"' EXIT
export TMPDIR="$test_tmp"

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

stage "gcc build, all suites"
setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 2 || status=1
tally build

stage "valgrind memcheck: unit, cli and fuzz-replay suites"
meson test -C build --setup valgrind --print-errorlogs --num-processes 2 \
	--suite unit --suite cli --suite fuzz || status=1
tally build testlog-valgrind

# This build takes OpenSSL's EVP interface (lib/format/crypto-evp.c), the gcc build the low-level
# one, so that both run every suite.
stage "AddressSanitizer + UBSan, OpenSSL EVP: all suites but vm, fleet, system and lint"
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
	-Dopenssl_api=evp
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite vm --no-suite fleet \
	--no-suite system \
	--no-suite lint || status=1
tally build-asan

# The clang build also links libcrypto statically, the build option the other builds do not take.
stage "clang build (warnings are errors), libcrypto static: cli and security suites"
CC=clang setup build-clang -Dstatic_libcrypto=true
if ninja -C build-clang; then
	meson test -C build-clang --print-errorlogs --num-processes 2 --suite cli \
		--suite security || status=1
	tally build-clang
else
	status=1
fi

# Each harness counts as one test; fuzz/run.sh's last line is "fuzz: N passed, N failed; ...".
fuzz_secs=${TDXCTL_FUZZ_SECONDS:-20}
stage "libFuzzer: each harness for $fuzz_secs s (fuzz/run.sh 600 for longer)"
if command -v clang >/dev/null; then
	fuzz_log=$test_tmp/fuzz.log
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

stage "leftovers: nothing in \$TMPDIR, no new tdxctl* in /tmp"
left=$(find "$test_tmp" -mindepth 1 -maxdepth 1 ! -name fuzz.log 2>/dev/null | sort)
new_tmp=$(find /tmp -mindepth 1 -maxdepth 1 -name 'tdxctl*' ! -path "$test_tmp" 2>/dev/null |
	sort | comm -13 "$tmp_before" -)
if [ -n "$left$new_tmp" ]; then
	echo "FAIL: tests left files behind:"
	printf '%s\n' $left $new_tmp | sed 's/^/  /'
	failed=$((failed + 1))
else
	echo "ok: nothing left behind"
	passed=$((passed + 1))
fi
stage ""

printf '\nwall time per stage:\n%s' "$timings"
printf '%-48s %5ss\n' "total" $(($(date +%s) - run_start))
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
