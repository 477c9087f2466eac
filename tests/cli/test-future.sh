#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Releases Intel has not published yet but plausibly could: made by tdx-mkfixture with the test
# key, judged by verify (default and --strict), inspect, convert (both ways, bytewise) and list
# on hosts of the new lines. A finding of a rule only observed in Intel's samples is a warning
# (valid, exit 0) and a failure only with --strict; a kernel or spec rule still refuses.
# Usage: test-future.sh TDXCTL FIXTURE_DIR (FIXTURE_DIR holds tdx-mkfixture and the test key)
set -u
tdxctl=$1
fx=$2
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk=$fx/tdx-mkfixture
key="--key-hash $(cat "$fx/test-key.hash")"
rel=$tmp/releases
mkdir "$rel"

# make NAME MKFIXTURE-OPTIONS...: $tmp/NAME, a 0x200 image
make() {
	local name=$1
	shift
	"$mk" --key "$fx/test-key.pem" "$@" -o "$tmp/$name" || bad "tdx-mkfixture $* failed"
}

# judge NAME WANT_RC WANT_WARNINGS WANT_FAILED [STRICT_FAILED]: verify, then verify --strict
# (65 with STRICT_FAILED as the failed checks when given, else the same result as without).
judge() {
	local name=$1 rc_want=$2 warns=$3 failed=$4 strict=${5:-}
	run $tdxctl verify $key --json "$tmp/$name"
	expect_rc "$rc_want" "$name: verify"
	expect_json '[.warnings, .failed]' "[$warns,$failed]" "$name: warnings and failures"
	# Every warning comes from a check graded observed: nothing else may only warn.
	expect_json '[.checks[] | select(.status == "warn") | .evidence] | unique | . - ["observed"]' \
		'[]' "$name: only observed checks warn"
	expect_json '[.checks[] | select(.status == "fail" and .evidence == "observed")] | length' \
		0 "$name: no observed check fails by default"
	run $tdxctl verify $key --strict --json "$tmp/$name"
	if [ -n "$strict" ]; then
		expect_rc 65 "$name: verify --strict"
		expect_json '.failed' "$strict" "$name: --strict failures"
		expect_json '.strict' true "$name: --strict in the JSON"
	else
		expect_rc "$rc_want" "$name: verify --strict, nothing observed to refuse"
		expect_json '.failed' "$failed" "$name: --strict failures"
	fi
}

# roundtrip NAME: 0x200 -> 0x100 -> 0x200 and -> pair -> 0x200 give back the same bytes.
roundtrip() {
	local name=$1
	run $tdxctl convert $key --json -f 0x100 -o "$tmp/$name.blob" "$tmp/$name"
	expect_rc 0 "$name: convert to 0x100"
	run $tdxctl convert $key -q -f 0x200 -o "$tmp/$name.back" "$tmp/$name.blob"
	expect_rc 0 "$name: convert back to 0x200"
	expect_true "cmp -s '$tmp/$name' '$tmp/$name.back'" "$name: 0x200 -> 0x100 -> 0x200 is lossless"
	run $tdxctl convert $key -q -f pair -o "$tmp/$name.bin" "$tmp/$name"
	expect_rc 0 "$name: convert to a pair"
	run $tdxctl convert $key -q -f 0x200 -o "$tmp/$name.pair-back" "$tmp/$name.bin" \
		--sigstruct "$tmp/$name.sigstruct"
	expect_rc 0 "$name: convert the pair back"
	expect_true "cmp -s '$tmp/$name' '$tmp/$name.pair-back'" "$name: 0x200 -> pair -> 0x200 is lossless"
}

# --- unknown bytes where only an observed rule looks: valid, a warning ---------------------------
# reserved3 (0x3E8) of a 2.x sigstruct: bytes 8-23 after the version and the build number.
make r3-data.img --version 2.0.05 --build 900 --sigstruct-byte 0x3f0=0x5a --sigstruct-byte 0x3ff=1
judge r3-data.img 0 1 '[]' '["sigstruct.reserved3"]'
expect_grep "byte 8 is 0x5a where every sample has zero" "$(jq -r \
	'.checks[] | select(.check == "sigstruct.reserved3") | .message' <<<"$out")" \
	"r3-data: the warning says what it saw and what the samples had"
run $tdxctl verify $key "$tmp/r3-data.img"
expect_grep "warn  sigstruct.reserved3            [observed]" "$out" "r3-data: text shows warn and evidence"
expect_grep "verdict: valid (" "$out" "r3-data: text verdict valid"
roundtrip r3-data.img
# A genuine later 2.0 release had 0x08 in reserved3 byte 6: part of the build number.
make r3-byte6.img --version 2.0.08 --build 786 --sigstruct-byte 0x3ee=0x08
judge r3-byte6.img 0 0 '[]'
run $tdxctl inspect --json "$tmp/r3-byte6.img"
expect_json '[.version, .version_source, .sigstruct.build]' '["2.0.08","sigstruct",525074]' \
	"r3-byte6: version from the version bytes only, byte 6 in the build number"
roundtrip r3-byte6.img
# reserved3 non-zero in a 1.x-looking sigstruct (major byte below 2): version from the name.
make tdx_module_1.5.20.img --version 1.5.20 --sigstruct-byte 0x3e9=0x01
judge tdx_module_1.5.20.img 0 1 '[]' '["sigstruct.reserved3"]'
run $tdxctl inspect --json "$tmp/tdx_module_1.5.20.img"
expect_json '[.version, .version_source]' '["1.5.20","file name"]' "1.5.20: version from the file name"
# The sigstruct date, checked only against what the samples have: not a BCD date.
make date.img --version 2.0.06 --sigstruct-byte 0x014=0x0a
judge date.img 0 1 '[]' '["sigstruct.date"]'
# Fields every sample has zero that no rule covers (max_tdmrs ... pamt_entry_size_1g).
make tdmr.img --version 2.0.06 --sigstruct-byte 0x3c8=0x40 --sigstruct-byte 0x3d1=0x01
judge tdmr.img 0 0 '[]'

# --- reserved fields a spec rule covers: still refused, with --strict or without ---------------
for spec in "0x030 sigstruct.reserved0" "0x3d2 sigstruct.reserved1" "0x3dd sigstruct.reserved2"; do
	set -- $spec
	make "spec-$2.img" --version 2.0.06 --sigstruct-byte "$1=0x01"
	judge "spec-$2.img" 65 0 "[\"$2\"]"
done

# --- new lines, a large CPUID table, the largest module, a large build number -------------------
make tdx_module_2.1.00.img --version 2.1.00 --svn 4.0
judge tdx_module_2.1.00.img 0 0 '[]'
make tdx_module_3.0.00.img --version 3.0.00 --svn 5.0
judge tdx_module_3.0.00.img 0 0 '[]'
run $tdxctl inspect --json "$tmp/tdx_module_3.0.00.img"
expect_json '[.version, .version_source]' '["3.0.00","sigstruct"]' "3.0.00: version from the sigstruct"
cpuids=$(for i in $(seq 1 255); do printf '0x%x\n' $((0x80000 + i * 16)); done | paste -sd, -)
make cpuid255.img --version 2.0.06 --cpuid "$cpuids"
judge cpuid255.img 0 0 '[]'
run $tdxctl inspect --json "$tmp/cpuid255.img"
expect_json '.sigstruct.cpuid_table | length' 255 "255 CPUID entries shown"
make pages496.img --version 2.0.06 --pages 496
judge pages496.img 0 0 '[]'
roundtrip pages496.img
make pages497.img --version 2.0.06 --pages 497
run $tdxctl verify $key --json "$tmp/pages497.img"
expect_rc 65 "497 pages: over the kernel's limit"
expect_json '.failed[0]' '"container.size"' "497 pages: larger than the largest image the kernel takes"
make build.img --version 2.0.09 --build 4000000000
judge build.img 0 0 '[]'
run $tdxctl inspect --json "$tmp/build.img"
expect_json '.sigstruct.build' 4000000000 "a build number above 0xFFFF, read in full"

# --- list on hosts of the new lines ------------------------------------------------------------
cp "$tmp/tdx_module_2.1.00.img" "$tmp/tdx_module_3.0.00.img" "$rel/"
make "releases/tdx_module_2.1.03.img" --version 2.1.03 --svn 4.1
make "releases/tdx_module_3.0.01.img" --version 3.0.01 --svn 5.1 --build 70000 \
	--sigstruct-byte 0x3f4=0x33
make "releases/tdx_module_2.0.09.img" --version 2.0.09 --build 4000000000
labels='[.releases[] | [.version, .label]]'
run $tdxctl list $key "$rel" --no-mapping --running 2.1.00 --cpuid 0xA06D0 --json
expect_rc 0 "list on a 2.1.00 host"
expect_json "$labels" \
	'[["2.0.09","other-line"],["2.1.00","running"],["2.1.03","installable"],["3.0.00","other-line"],["3.0.01","other-line"]]' \
	"2.1.00 host: labels"
expect_json '.latest' '"2.1.03"' "2.1.00 host: latest installable"
run $tdxctl list $key "$rel" --no-mapping --running 3.0.00 --cpuid 0xA06D0 --json
expect_json '.latest' '"3.0.01"' "3.0.00 host: 3.0.01 (reserved3 data: a warning) is the latest"
expect_json '[.releases[] | select(.version == "3.0.01") | .label]' '["installable"]' \
	"3.0.00 host: 3.0.01 installable"
run $tdxctl list $key "$rel" --no-mapping --running 3.0.00 --cpuid 0xA06D0 --strict --json
expect_rc 0 "list --strict"
expect_json '[.releases[] | select(.version == "3.0.01") | .label]' '["invalid"]' \
	"list --strict: 3.0.01's reserved3 data makes it invalid"
expect_json '.latest' null "list --strict: nothing newer installable on the 3.0.00 host"

finish
