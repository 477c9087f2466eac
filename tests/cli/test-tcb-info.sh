#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# verify and inspect --tcb-info: exact exit codes, JSON fields and messages for Intel's TCB Info
# signed by a test root made now (tdx-mktcbinfo) for every status, expiry, a bad signature and
# a wrong root; and Intel's real documents (tests/data/tcb-info), which are expired today.
#   test-tcb-info.sh TDXCTL BUILD_TESTS_DIR SOURCE_ROOT
set -u
tdxctl=$1 fx=$2 src=$3
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$fx/tdx-mktcbinfo" "$tmp" || { echo "tdx-mktcbinfo failed"; exit 1; }
root=$(cat "$tmp/root.hash")
key=$(cat "$fx/test-key.hash")
img=$fx/fixture-1.5.08.img	# SVN 1.8
v2=$fx/fixture-2.0.02.img	# SVN 3.2: UpToDate in every generated document
tcb() { echo --tcb-info "$tmp/$1.json" --tcb-info-chain "$tmp/chain.pem" --tcb-root-hash "$root"; }

# Each status: exit code, valid, the check's status, the grade, with and without --strict.
# shellcheck disable=SC2046
for c in uptodate:0:true:pass:UpToDate:0 outofdate:0:true:warn:OutOfDate:65 \
	 other:0:true:warn:OutOfDate:65 revoked:65:false:fail:Revoked:65 \
	 notsupported:65:false:fail:NotSupported:65; do
	IFS=: read -r doc want valid st grade strict_rc <<-EOC
	$c
	EOC
	run "$tdxctl" verify --json --key-hash "$key" $(tcb "$doc") "$img"
	expect_rc "$want" "verify $doc"
	expect_json .valid "$valid" "verify $doc"
	expect_json '[.checks[] | select(.check == "tcb.status") | .status]' "[\"$st\"]" "$doc"
	expect_json .tcb_info.grade "\"$grade\"" "verify $doc grade"
	expect_json .tcb_info.identity '"TDX_01"' "verify $doc identity"
	expect_json .tcb_info.fmspc '"00806F050000"' "verify $doc fmspc"
	run "$tdxctl" verify --json --strict --key-hash "$key" $(tcb "$doc") "$img"
	expect_rc "$strict_rc" "verify --strict $doc"
	run "$tdxctl" verify --json --key-hash "$key" $(tcb "$doc") "$v2"
	expect_rc 0 "verify $doc with the 2.0 fixture"
	expect_json .tcb_info.identity '"TDX_03"' "$doc at SVN 3.2"
	expect_json .tcb_info.status '"UpToDate"' "$doc at SVN 3.2"
done

# Text: the status line, the strict advice, the verdict.
run "$tdxctl" verify --key-hash "$key" $(tcb outofdate) "$img"
expect_rc 0 "verify outofdate (text)"
expect_grep "warn  tcb.status" "$out" "outofdate text"
expect_grep "OutOfDate, advisories INTEL-SA-01036, INTEL-SA-01099" "$out" "outofdate text"
expect_grep "; --strict refuses it" "$out" "outofdate advice"
expect_grep "TCB Info $tmp/outofdate.json: FMSPC 00806F050000, evaluation 17" "$out" "header"
# A level's advisories as a list fact: an array in JSON, the first 32 and "and N more" in words.
run "$tdxctl" verify --json --key-hash "$key" $(tcb outofdate) "$img"
expect_json '[.checks[] | select(.check == "tcb.status") | .facts | .advisories,
	.advisories_total]' '[["INTEL-SA-01036","INTEL-SA-01099"],2]' "advisories as facts"
run "$tdxctl" verify --json --key-hash "$key" $(tcb advisories40) "$img"
expect_json '[.checks[] | select(.check == "tcb.status") | .facts | (.advisories | length),
	.advisories[31], .advisories_total]' '[32,"INTEL-SA-01031",40]' "40 advisories as facts"
expect_json '.tcb_info.advisories | split(", ") | length' 40 "40 advisories in tcb_info"
run "$tdxctl" verify --key-hash "$key" $(tcb advisories40) "$img"
expect_grep "advisories INTEL-SA-01000, INTEL-SA-01001, " "$out" "40 advisories text"
expect_grep "INTEL-SA-01030, INTEL-SA-01031, and 8 more; verifiers rate TDs on it below" "$out" \
	"40 advisories text"
run "$tdxctl" verify --key-hash "$key" $(tcb revoked) "$img"
expect_grep "verdict: INVALID: 1 check failed (tcb.status)" "$out" "revoked verdict"
expect_grep "verifiers refuse TDs on it" "$out" "revoked text"

# An image that fails a check is not rated: its SVN is not to be trusted.
run "$tdxctl" verify --json $(tcb uptodate) "$img"
expect_rc 65 "verify with Intel's key: the fixture's signer fails"
expect_json '[.checks[] | select(.check == "tcb.status") | .status]' '["skip"]' "skip"

# Input errors (66): each names the problem; nothing else is judged.
for c in "expired:expired: its nextUpdate is" "future:which is in the future" \
	 "badsig:its signature does not verify" "unsigned:unsigned: no \"signature\" member" \
	 "sgx:not for TDX" "v2:version 2, expected 3" \
	 "mismatch:does not fit this module: no identity TDX_01 (SVN major 1)"; do
	doc=${c%%:*} msg=${c#*:}
	run "$tdxctl" verify --key-hash "$key" $(tcb "$doc") "$img"
	expect_rc 66 "verify $doc"
	expect_grep "$msg" "$errout" "verify $doc message"
	run "$tdxctl" verify --json --key-hash "$key" $(tcb "$doc") "$img"
	expect_rc 66 "verify --json $doc"
	expect_json .error.outcome '"input-error"' "verify --json $doc"
	run "$tdxctl" inspect $(tcb "$doc") "$img"
	expect_rc 66 "inspect $doc"
done
# A document for another module line names the identity looked for and those it has, exactly.
# shellcheck disable=SC2046
run "$tdxctl" verify --json --key-hash "$key" $(tcb mismatch) "$img"
expect_json .error.message "\"TCB Info $tmp/mismatch.json does not fit this module: no identity TDX_01 (SVN major 1) in tdxModuleIdentities (it has TDX_03); nothing was changed\"" \
	"mismatch: the words"
# The text says what the JSON says: one message, made once (issue 26).
# shellcheck disable=SC2046
text=$("$tdxctl" verify --key-hash "$key" $(tcb mismatch) "$img" 2>&1 >/dev/null)
expect_true '[ "$text" = "tdxctl: $(printf "%s" "$out" | jq -r .error.message)" ]' \
	"mismatch: the text is the JSON's message ($text)"
# An id of the document is its bytes (ESC, a newline, bytes not UTF-8): escaped in the words,
# text and JSON alike, so that it neither moves the cursor nor forges a line.
# shellcheck disable=SC2046
run "$tdxctl" verify --key-hash "$key" $(tcb hostile-id) "$img"
expect_rc 66 "hostile id: refused as a mismatch"
expect_true '[ "$errout" = "tdxctl: TCB Info $tmp/hostile-id.json does not fit this module: no identity TDX_01 (SVN major 1) in tdxModuleIdentities (it has T\\e[2J\\n\\xff\\xfe); nothing was changed" ]' \
	"hostile id: escaped in the text, one line ($errout)"
text=$errout
# shellcheck disable=SC2046
run "$tdxctl" verify --json --key-hash "$key" $(tcb hostile-id) "$img"
expect_true '[ "$text" = "tdxctl: $(printf "%s" "$out" | jq -r .error.message)" ]' \
	"hostile id: the JSON's message is the text's"
expect_true 'printf "%s" "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1' "hostile id: JSON is UTF-8"
# A wrong root: the test chain under Intel's pin, another root's chain under the test pin.
run "$tdxctl" verify --key-hash "$key" --tcb-info "$tmp/uptodate.json" \
	--tcb-info-chain "$tmp/chain.pem" "$img"
expect_rc 66 "test root under Intel's pin"
expect_grep "a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e" "$errout" "pin named"
run "$tdxctl" verify --key-hash "$key" --tcb-info "$tmp/wrong-root.json" \
	--tcb-info-chain "$tmp/other-chain.pem" --tcb-root-hash "$root" "$img"
expect_rc 66 "another root"
expect_grep "does not end at the pinned root" "$errout" "another root message"
# No chain; an unreadable file; the bundle form (chain after the JSON) needs no chain file.
run "$tdxctl" verify --key-hash "$key" --tcb-info "$tmp/uptodate.json" --tcb-root-hash "$root" \
	"$img"
expect_rc 66 "no chain"
expect_grep "no issuer chain" "$errout" "no chain message"
run "$tdxctl" verify --key-hash "$key" --tcb-info "$tmp/absent.json" "$img"
expect_rc 66 "missing file"
expect_grep "cannot read the TCB Info $tmp/absent.json" "$errout" "missing file message"
run "$tdxctl" verify --json --key-hash "$key" --tcb-info "$tmp/uptodate.bundle" \
	--tcb-root-hash "$root" "$img"
expect_rc 0 "bundle form"
expect_json .tcb_info.status '"UpToDate"' "bundle form"
# Usage: a chain or root without --tcb-info; a root hash that is no SHA-256.
run "$tdxctl" verify --tcb-info-chain "$tmp/chain.pem" "$img"
expect_rc 64 "chain without --tcb-info"
run "$tdxctl" verify --tcb-info "$tmp/uptodate.json" --tcb-root-hash abc "$img"
expect_rc 64 "bad root hash"

# inspect: the rating in JSON and text, judged by nothing (a Revoked module is shown, exit 0).
run "$tdxctl" inspect --json $(tcb revoked) "$img"
expect_rc 0 "inspect revoked"
expect_json '.tcb_info | [.status, .level_isvsvn, .latest_isvsvn, .advisories]' \
	'["Revoked",8,9,"INTEL-SA-01036, INTEL-SA-01099"]' "inspect revoked json"
run "$tdxctl" inspect $(tcb notsupported) "$img"
expect_rc 0 "inspect notsupported"
expect_grep "TCB status:        NotSupported (below every TDX_01 level; the latest level is isvsvn 9)" \
	"$out" "inspect notsupported text"
run "$tdxctl" inspect $(tcb uptodate) "$img"
expect_grep "TCB status:        UpToDate (TDX_01 level isvsvn 8 of 2024-03-13T00:00:00Z" "$out" \
	"inspect uptodate text"

# list: each release's rating (a column, tcb_status), the document's facts; a bad one is 66.
mkdir -p "$tmp/rel"
cp "$img" "$tmp/rel/tdx_module_1.5.08.img"
cp "$v2" "$tmp/rel/tdx_module_2.0.02.img"
facts="--no-mapping --running 1.5.06 --seamldr 1.5.01 --cpuid 0x806F8 --key-hash $key"
# shellcheck disable=SC2046,SC2086
run "$tdxctl" list --json $facts $(tcb outofdate) "$tmp/rel"
expect_rc 0 "list --tcb-info"
expect_json '[.releases[].tcb_status]' '["OutOfDate","UpToDate"]' "list: each release rated"
expect_json '.tcb_info | [.fmspc, .evaluation]' '["00806F050000",17]' "list: the document"
# shellcheck disable=SC2046,SC2086
run "$tdxctl" list $facts $(tcb outofdate) "$tmp/rel"
expect_grep "VERSION   LABEL          TCB            FILE" "$out" "list: the TCB column"
expect_grep "1.5.08    installable    OutOfDate      tdx_module_1.5.08.img" "$out" "list: row"
# shellcheck disable=SC2086
run "$tdxctl" list --json $facts "$tmp/rel"
expect_json '[.releases[] | has("tcb_status")] | any' false "list: no rating without --tcb-info"
# shellcheck disable=SC2046,SC2086
run "$tdxctl" list --json $facts $(tcb expired) "$tmp/rel"
expect_rc 66 "list: expired TCB Info"
expect_json .error.outcome '"input-error"' "list: expired, one JSON error"

# Intel's real documents: authentic, but long expired today (66, saying so).
d=$src/tests/data/tcb-info
run "$tdxctl" verify --key-hash "$key" --tcb-info "$d/phala-b0c06f000000.json" \
	--tcb-info-chain "$d/phala-b0c06f000000.chain.pem" "$img"
expect_rc 66 "Intel's 2025 document today"
expect_grep "expired: its nextUpdate is 2025-07-19T10:16:03Z" "$errout" "Intel's document expired"
finish
