#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build the libFuzzer harnesses and run each for a bounded time:
#
#   fuzz/run.sh [SECONDS_PER_HARNESS [HARNESS...]]      (default 60 s, every harness)
#
# Builds with clang in $FUZZ_BUILD_DIR (default build-fuzz: -Dfuzz=true, ASan + UBSan +
# libFuzzer), runs one harness at a time under `nice -n 19` on its growing corpus
# (build-fuzz/fuzz-work/NAME, kept between runs) plus the checked-in seeds (fuzz/corpus/NAME)
# plus, when Intel's releases are beside the project ($TDXCTL_INTEL_DIR, default
# ../shared/intel-tdx-module-binaries), seeds made from them at run time (never copied into the
# repository). Prints executions per harness and in total; exits non-zero on any crash, leak,
# timeout or sanitizer report, leaving the input in build-fuzz/fuzz-artifacts/. Make each such
# input a regression first: copy it to fuzz/regressions/NAME/ (replayed by `meson test --suite
# fuzz`), then fix the bug.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
secs=${1:-60}
case $secs in
'' | *[!0-9]* | 0) echo "usage: fuzz/run.sh [SECONDS_PER_HARNESS [HARNESS...]]" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift
all="image pair sigstruct elf mapping version cpuset fwerror sysfs history gate escape tcbinfo tcbconfig"
harnesses=${*:-$all}
bdir=${FUZZ_BUILD_DIR:-build-fuzz}
intel=${TDXCTL_INTEL_DIR:-$top/../shared/intel-tdx-module-binaries}

command -v clang >/dev/null || { echo "fuzz/run.sh: clang is needed" >&2; exit 77; }
if [ -f "$bdir/build.ninja" ]; then
	CC=clang meson setup --reconfigure "$bdir" -Dfuzz=true >/dev/null
else
	CC=clang meson setup "$bdir" -Dfuzz=true >/dev/null
fi
# Only the harnesses: the rest of the tree is the other suites' business.
targets=""
for h in $harnesses; do
	targets="$targets fuzz/fuzz-$h"
done
# shellcheck disable=SC2086
nice -n 19 ninja -C "$bdir" $targets >/dev/null

# le16/le32 VALUE: the bytes, little-endian.
le16() { printf "$(printf '\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16 & 65535)); }

# Seeds from Intel's releases, in each harness's input form (build dir only).
seeds="$bdir/fuzz-seeds"
rm -rf "$seeds"
mkdir -p "$seeds/image" "$seeds/pair" "$seeds/sigstruct" "$seeds/elf" "$seeds/mapping"
if [ -d "$intel" ]; then
	find "$intel" -name '*.blob' -exec cp {} "$seeds/image/" \;
	[ -f "$intel/mapping_file.json" ] && cp "$intel/mapping_file.json" "$seeds/mapping/"
	find "$intel" -name '*.sigstruct' | while read -r sig; do
		bin=${sig%.sigstruct}.bin
		name=$(basename "${sig%.sigstruct}")
		[ -f "$bin" ] || continue
		{ le16 2048; cat "$sig" "$bin"; } >"$seeds/pair/$name"
		{ cat "$sig"; le32 "$(stat -c %s "$bin")"; } >"$seeds/sigstruct/$name"
		rip=$(od -An -tu4 -j $((0x3be)) -N4 "$sig" | tr -d ' ')
		{ le32 "$rip"; cat "$bin"; } >"$seeds/elf/$name"
	done
fi

mkdir -p "$bdir/fuzz-artifacts"
total=0 npass=0 nfail=0
printf '%-10s %8s %12s %10s  %s\n' harness seconds executions 'execs/s' result
for h in $harnesses; do
	exe="$bdir/fuzz/fuzz-$h"
	work="$bdir/fuzz-work/$h"
	log="$bdir/fuzz-work/$h.log"
	mkdir -p "$work"
	set -- "$work" "fuzz/corpus/$h"
	[ -d "$seeds/$h" ] && [ -n "$(ls -A "$seeds/$h")" ] && set -- "$@" "$seeds/$h"
	rc=0
	nice -n 19 "$exe" -max_total_time="$secs" -timeout=30 -print_final_stats=1 \
		-artifact_prefix="$bdir/fuzz-artifacts/$h-" "$@" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
		result=ok
		npass=$((npass + 1))
	else
		result="FAILED (exit $rc): see $log"
		nfail=$((nfail + 1))
	fi
	printf '%-10s %8s %12s %10s  %s\n' "$h" "$secs" "$execs" $((execs / secs)) "$result"
	if [ "$result" != ok ]; then
		grep -E 'ERROR|SUMMARY|runtime error|violated|Test unit written' "$log" | head -n 8 |
			sed 's/^/    /'
	fi
done
echo "fuzz: $npass passed, $nfail failed; $total executions in total"
[ "$nfail" -eq 0 ]
