#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tdxctl list: exact labels for every release of Intel's real folder against hosts given by
# options (running version, P-SEAMLDR, CPUID), the chosen latest, and the refusals; plus the
# same on generated fixtures (signed with the test key).
# Intel's folder: $TDXCTL_INTEL_BINARIES, else SOURCE_ROOT/../shared/intel-tdx-module-binaries;
# when absent the Intel part is skipped (exit 77) unless TDXCTL_REQUIRE_INTEL=1.
# Usage: test-list.sh TDXCTL SOURCE_ROOT FIXTURE_DIR
set -u
tdxctl=$1
src=$2
fx=$3
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
labels='[.releases[] | [.version, .label]]'

# --- fixtures: a plain folder of images ---------------------------------------------------------
d=$tmp/plain
mkdir "$d"
cp "$fx/fixture-1.5.08.img" "$d/tdx_module_1.5.08.img"
cp "$fx/fixture-debug.img" "$d/tdx_module_1.5.09.img"
head -c 5000 "$fx/fixture-1.5.08.img" > "$d/tdx_module_1.5.10.img"
cp "$fx/fixture-2.0.02.img" "$d/"
cp "$fx/fixture-1.5.08.blob" "$d/module.blob"
key="--key-hash $(cat "$fx/test-key.hash")"
host="--running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8"

run $tdxctl list "$d" $key $host --json
expect_rc 0 "fixtures"
expect_json "$labels" \
	'[["1.5.08","running"],["1.5.09","debug"],["1.5.10","invalid"],["2.0.02","cpu"],[null,"no-version"]]' \
	"fixture labels"
expect_json '.mapping' null "no mapping file"
expect_json '.latest' null "nothing installable"
expect_json '.host' \
	'{"running":"1.5.08","running_from":"option","seamldr":"1.5.02","seamldr_from":"option","cpuid":"0x806F8","cpuid_from":"option"}' \
	"host facts from the options"
expect_json '.releases[2].failed[0]' '"container.size"' "truncated image's first failed check"
expect_grep "no mapping_file.json" "$errout" "missing mapping file warned"
run $tdxctl list "$d" $key $host --allow-debug --json
expect_json "$labels | .[1]" '["1.5.09","installable"]' "--allow-debug"
expect_json '.latest' '"1.5.09"' "--allow-debug: latest"
run $tdxctl list "$d" $host --json
expect_json "[.releases[].label] | unique" '["debug","invalid"]' "Intel's key: test images invalid"
run $tdxctl list "$d" $key $host
expect_rc 0 "fixtures, text"
expect_grep "host: running 1.5.08 (option), P-SEAMLDR 1.5.02 (option), CPUID 0x806F8 (option)" \
	"$out" "text host line"
expect_grep "nothing installable" "$out" "text: nothing installable"

# Without overrides on a host without TDX: listed, the version rules skipped, and said so.
if [ ! -e /sys/devices/faux/tdx_host ]; then
	run $tdxctl list "$d" $key --json
	expect_rc 0 "no TDX host"
	expect_json '.host.running' null "no running version"
	expect_grep "running module's version is unknown" "$errout" "unknown host warned"
fi

# --- refusals -----------------------------------------------------------------------------------
run $tdxctl list "$tmp/none"
expect_rc 66 "missing folder"
expect_grep "cannot read $tmp/none" "$errout" "missing folder message"
run $tdxctl list "$d/module.blob"
expect_rc 66 "a file, not a folder"
mkdir "$tmp/empty"
run $tdxctl list "$tmp/empty" $host --json
expect_rc 0 "empty folder"
expect_json '.releases' '[]' "empty folder: no releases"
run $tdxctl list "$d" $host --mapping "$tmp/none.json"
expect_rc 66 "missing mapping file"
echo '{ "tdx_module_releases": 5 }' > "$tmp/bad.json"
run $tdxctl list "$d" $host --mapping "$tmp/bad.json"
expect_rc 66 "invalid mapping file: 66 as for update, never 65 (invalid image)"
expect_grep "tdxctl: $tmp/bad.json is not a valid Intel mapping file: key \"tdx_module_releases\" is an integer, expected an array; nothing listed; fix or replace it, or give --mapping FILE or --no-mapping" \
	"$errout" "invalid mapping file message"
# Each library message on a line of its own (they once lacked their newline).
expect_true '! printf "%s\n" "$errout" | grep -v "^tdxctl: " | grep -q .' \
	"invalid mapping file: every stderr line is one message ($errout)"
expect_true '[ "$(printf "%s\n" "$errout" | grep -c "tdxctl: ")" = "$(printf "%s\n" "$errout" | grep -o "tdxctl: " | wc -l)" ]' \
	"invalid mapping file: never two messages on one line ($errout)"
echo '{"tdx_module_releases": [ {"version": "1.5.08"} ] }' > "$tmp/bad2.json"
run $tdxctl list "$d" $host --mapping "$tmp/bad2.json" --json
expect_rc 66 "mapping file entry without its keys"
expect_true '[ "$(printf "%s\n" "$errout" | grep -o "tdxctl: " | wc -l)" = "$(printf "%s\n" "$errout" | grep -c .)" ]' \
	"mapping file entry without its keys: one message a line ($errout)"
# The refusal's facts beside its words (issue 26): the same struct makes both, and the text and
# the JSON say the same message.
run $tdxctl list "$d" $host --mapping "$tmp/bad.json" --json
expect_json '.mapping_refusal' '{"fault":"type","entry":null,"version":null,"key":"tdx_module_releases","item":null,"found":"an integer","expected":"an array","detail":null,"value":null,"number":null,"limit":null}' \
	"invalid mapping file: its facts as JSON"
text=$($tdxctl list "$d" $host --mapping "$tmp/bad.json" 2>&1 >/dev/null | grep "is not a valid")
expect_true '[ "$text" = "tdxctl: $(printf "%s" "$out" | jq -r .error.message)" ]' \
	"invalid mapping file: the text and the JSON say the same ($text)"
run $tdxctl list "$d" $host --mapping "$tmp/bad2.json" --json
expect_json '.mapping_refusal | [.fault, .entry, .version, .key]' \
	'["missing",0,"1.5.08","min_module_version_for_td_preserving"]' \
	"mapping file entry without its keys: its facts as JSON"
# A string of the file holding ESC, a newline and a byte that is not UTF-8: escaped in the words,
# text and JSON alike, so it forges no line; the facts keep it (JSON-escaped, U+FFFD).
printf '{"tdx_module_releases": [ {"version": "1.5\\u001b[2J\\n\377"} ] }' > "$tmp/evil.json"
run $tdxctl list "$d" $host --mapping "$tmp/evil.json"
expect_rc 66 "a hostile version"
expect_grep 'tdxctl: '"$tmp"'/evil.json is not a valid Intel mapping file: entry 0 (version "1.5\e[2J\n\xff"): key "version": "1.5\e[2J\n\xff" is not a version X.Y.ZZ; nothing listed' \
	"$errout" "a hostile version: escaped in the text"
expect_true '[ "$(printf "%s\n" "$errout" | grep -c .)" = 1 ] && ! printf "%s" "$errout" | LC_ALL=C grep -q "$(printf "\033")"' \
	"a hostile version: one line, no ESC ($errout)"
run $tdxctl list "$d" $host --mapping "$tmp/evil.json" --json
expect_json '.mapping_refusal | [.fault, .value == "1.5\u001b[2J\n\ufffd", .version == .value]' \
	'["version",true,true]' "a hostile version: the facts"
expect_json '.error.message' "\"$tmp/evil.json is not a valid Intel mapping file: entry 0 (version \\\"1.5\\\\e[2J\\\\n\\\\xff\\\"): key \\\"version\\\": \\\"1.5\\\\e[2J\\\\n\\\\xff\\\" is not a version X.Y.ZZ; nothing listed; fix or replace it, or give --mapping FILE or --no-mapping\"" \
	"a hostile version: the JSON message is the text's"
# A mapping file anyone can write: trust_refusal, the facts of "writable by every user".
mkdir "$tmp/open"
cp "$d"/*.img "$tmp/open/" 2>/dev/null
cp "$tmp/bad.json" "$tmp/open/mapping_file.json"
chmod 0666 "$tmp/open/mapping_file.json"
run $tdxctl list "$tmp/open" $host --json
expect_rc 66 "a mapping file anyone can write"
expect_json '.trust_refusal' "{\"fault\":\"writable\",\"path\":\"$tmp/open/mapping_file.json\",\"folder\":false,\"uid\":$(id -u),\"mode\":\"0666\",\"writable_by\":\"all\"}" \
	"a mapping file anyone can write: its facts as JSON"
expect_json '.mapping_refusal' null "a mapping file anyone can write: not refused as a mapping file"
for args in "" "$d $d" "$d --running 1.5" "$d --seamldr x" "$d --cpuid zz" \
	    "$d --cpuid 0x100000000" "$d --key-hash 12" "$d --mapping x --no-mapping"; do
	run $tdxctl list $args
	expect_rc 64 "usage: list $args"
done

# --- Intel's folder -----------------------------------------------------------------------------
intel=${TDXCTL_INTEL_BINARIES:-$src/../shared/intel-tdx-module-binaries}
if [ ! -f "$intel/mapping_file.json" ]; then
	if [ "${TDXCTL_REQUIRE_INTEL:-0}" = 1 ]; then
		bad "Intel's folder $intel is missing and TDXCTL_REQUIRE_INTEL=1"
		finish
		exit 1
	fi
	echo "SKIP: Intel's releases not found at $intel (set TDXCTL_INTEL_BINARIES)"
	finish || exit 1
	exit 77
fi
intel=$(cd "$intel" && pwd)
# The mapping file is printed as the file actually read (symlinks resolved); release paths as
# found under the folder given. ../shared may be reached through a symlink.
intel_real=$(cd "$intel" && pwd -P)

# list_expect WHAT WANT_LABELS WANT_LATEST OPTIONS...
list_expect() {
	local what=$1 want=$2 latest=$3
	shift 3
	run $tdxctl list "$intel" --json "$@"
	expect_rc 0 "$what"
	expect_json "$labels" "$want" "$what: labels"
	expect_json '.latest' "$latest" "$what: latest"
}

list_expect "1.5.08 host" \
	'[["1.5.01","older"],["1.5.05","older"],["1.5.06","older"],["1.5.08","running"],["1.5.09","installable"],["1.5.13","installable"],["1.5.16","installable"],["2.0.02","cpu"]]' \
	'"1.5.16"' --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8
expect_json '.mapping' "\"$intel_real/mapping_file.json\"" "mapping found in DIR"
expect_json '.releases[6].path' "\"$intel/joined_files/1.5/tdx_module_1.5.16.blob\"" "blob path"
expect_json '.releases[6].alt_path' \
	"\"$intel/separate_files/1.5/1.5.16/tdx_module_1.5.16.bin\"" "its pair remembered"
expect_json '[.releases[6].listed, .releases[6].reason, .releases[6].failed]' '[true,null,[]]' \
	"1.5.16 listed, no reason"
expect_json '.releases[0].failed' '["compat.not_older"]' "1.5.01: not_older failed"
expect_json '.releases[7].reason' \
	"\"this CPU's CPUID(1).EAX 0x806F8 (stepping masked: 0x806F0) is not in the module's CPUID table (0xA06D0): the module is not built for this CPU: pick a release that lists it\"" \
	"2.0.02: CPU reason"
expect_json '.releases[7].version_source' '"sigstruct"' "2.0.02 version from its sigstruct"

list_expect "1.5.00 host" \
	'[["1.5.01","below-minimum"],["1.5.05","below-minimum"],["1.5.06","below-minimum"],["1.5.08","below-minimum"],["1.5.09","below-minimum"],["1.5.13","below-minimum"],["1.5.16","below-minimum"],["2.0.02","cpu"]]' \
	null --running 1.5.00 --seamldr 1.5.02 --cpuid 0x806F8
expect_json '.releases[0].failed' '["compat.min_running"]' "1.5.00: min_running failed"

list_expect "CPU 0xA06D0" \
	'[["1.5.01","cpu"],["1.5.05","cpu"],["1.5.06","cpu"],["1.5.08","cpu"],["1.5.09","cpu"],["1.5.13","cpu"],["1.5.16","cpu"],["2.0.02","other-line"]]' \
	null --running 1.5.08 --seamldr 1.5.02 --cpuid 0xA06D0

list_expect "P-SEAMLDR 1.4.00" \
	'[["1.5.01","older"],["1.5.05","older"],["1.5.06","older"],["1.5.08","seamldr"],["1.5.09","seamldr"],["1.5.13","seamldr"],["1.5.16","seamldr"],["2.0.02","cpu"]]' \
	null --running 1.5.08 --seamldr 1.4.00 --cpuid 0x806F8

list_expect "1.5.01 with a 2.0 P-SEAMLDR" \
	'[["1.5.01","seamldr"],["1.5.05","installable"],["1.5.06","installable"],["1.5.08","installable"],["1.5.09","installable"],["1.5.13","installable"],["1.5.16","installable"],["2.0.02","cpu"]]' \
	'"1.5.16"' --running 1.5.01 --seamldr 2.0.00 --cpuid 0x806F8

list_expect "2.0.02 host" \
	'[["1.5.01","cpu"],["1.5.05","cpu"],["1.5.06","cpu"],["1.5.08","cpu"],["1.5.09","cpu"],["1.5.13","cpu"],["1.5.16","cpu"],["2.0.02","running"]]' \
	null --running 2.0.02 --seamldr 2.0.00 --cpuid 0xA06D1

list_expect "1.5.08 host without the mapping file" \
	'[["1.5.01","older"],["1.5.05","older"],["1.5.06","older"],["1.5.08","running"],["1.5.09","installable"],["1.5.13","installable"],["1.5.16","installable"],["2.0.02","cpu"]]' \
	'"1.5.16"' --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8 --no-mapping
expect_json '.mapping' null "--no-mapping"

# A subfolder: the mapping file above it is not used (issue 16: a parent folder may be
# writable by others); --mapping names it.
run $tdxctl list "$intel/joined_files/1.5" --json --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8
expect_rc 0 "joined_files/1.5"
expect_json '.mapping' null "no mapping taken from a parent folder"
run $tdxctl list "$intel/joined_files/1.5" --json --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8 \
	--mapping "$intel/mapping_file.json"
expect_rc 0 "joined_files/1.5 --mapping"
expect_json '.mapping' "\"$intel/mapping_file.json\"" "--mapping names it"
expect_json '[(.releases | length), .latest]' '[7,"1.5.16"]' "joined_files/1.5: 7 releases"

run $tdxctl list "$intel" --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8
expect_rc 0 "text"
expect_grep "latest installable: 1.5.16 (joined_files/1.5/tdx_module_1.5.16.blob)" "$out" \
	"text names the latest"
expect_grep "1.5.08    running" "$out" "text row"

finish
