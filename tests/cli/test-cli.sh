#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tdxctl verify, inspect and convert as a user runs them: exact exit codes, JSON fields and
# messages, on fixtures generated at build time and on Intel's releases when present.
# Usage: test-cli.sh TDXCTL FIXTURE_DIR
set -u
tdxctl=$1
fx=$2
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
key="--key-hash $(cat "$fx/test-key.hash")"
img=$fx/fixture-1.5.08.img
blob=$fx/fixture-1.5.08.blob

# --- verify: the good forms -------------------------------------------------------------------
for f in "$img" "$blob" "$fx/fixture-2.0.02.img"; do
	run $tdxctl verify $key --json "$f"
	expect_rc 0 "verify $(basename "$f")"
	expect_json '.valid' true "verify $(basename "$f") valid"
	expect_json '.failed' '[]' "verify $(basename "$f") failed list"
done
run $tdxctl verify $key --json "$fx/fixture-1.5.08.bin" --sigstruct "$fx/fixture-1.5.08.sigstruct"
expect_rc 0 "verify pair"
expect_json '.form' '"pair"' "verify pair form"
expect_json '.format' 0 "verify pair format"
run $tdxctl verify $key --json "$img"
expect_json '.format' 512 "verify image format"
expect_json '[.checks[] | select(.status == "fail")] | length' 0 "no failed checks"
expect_json '[.checks[].check] | index("signature") != null' true "signature check listed"
run $tdxctl verify $key "$img"
expect_rc 0 "verify text"
expect_grep "verdict: valid" "$out" "verify text verdict"

# --- verify: refusals --------------------------------------------------------------------------
run $tdxctl verify --json "$img"
expect_rc 65 "verify with Intel's key (test-signed image)"
expect_json '.failed[0]' '"signer"' "untrusted signer is the first failure"
run $tdxctl verify "$img"
expect_grep "verdict: INVALID" "$out" "verify text verdict invalid"
expect_grep "signer" "$out" "verify text names the check"

run $tdxctl verify $key --json "$fx/fixture-debug.img"
expect_rc 65 "debug module refused"
expect_json '.failed' '["sigstruct.debug"]' "debug refusal names sigstruct.debug"
run $tdxctl verify $key --allow-debug --json "$fx/fixture-debug.img"
expect_rc 0 "debug module with --allow-debug"

cp "$img" "$tmp/flip.img"
printf '\xff' | dd of="$tmp/flip.img" bs=1 seek=$((4096 * 2 + 100)) conv=notrunc 2>/dev/null
run $tdxctl verify $key --json "$tmp/flip.img"
expect_rc 65 "flipped module byte"
expect_json '.failed[0]' '"seamhash"' "flipped module byte fails seamhash"

head -c 5000 "$img" > "$tmp/short.img"
run $tdxctl verify $key --json "$tmp/short.img"
expect_rc 65 "truncated image"
expect_json '.failed[0]' '"container.size"' "truncated image fails container.size"

head -c $((4096 * 502)) /dev/zero > "$tmp/huge.img"
run $tdxctl verify $key --json "$tmp/huge.img"
expect_rc 65 "oversized file"
expect_json '.error.outcome' '"invalid-image"' "oversized file outcome"

run $tdxctl verify --json "$tmp/does-not-exist"
expect_rc 66 "missing file"
expect_json '.error.outcome' '"input-error"' "missing file JSON outcome"
run $tdxctl verify "$tmp/does-not-exist"
expect_grep "cannot read" "$errout" "missing file message"
expect_grep "nothing was changed" "$errout" "missing file says nothing changed"
run $tdxctl verify --json "$tmp/does-not-exist"
expect_json '.error.message' "\"cannot read $tmp/does-not-exist: No such file or directory; nothing was changed\"" \
	"missing file: the exact message"
run $tdxctl verify --json --sigstruct "$tmp/no.sigstruct" "$img"
expect_rc 66 "missing sigstruct"
expect_json '.error.message' "\"cannot read $img or $tmp/no.sigstruct: No such file or directory; nothing was changed\"" \
	"missing sigstruct: both files named"
run $tdxctl verify "$tmp"
expect_rc 66 "directory"
expect_grep "tdxctl: cannot read $tmp: not a regular file; nothing was changed" "$errout" \
	"directory: not a regular file"
run $tdxctl verify /dev/null
expect_rc 66 "character device"

# --- usage errors ------------------------------------------------------------------------------
run $tdxctl verify
expect_rc 64 "verify without image"
run $tdxctl verify "$img" "$img"
expect_rc 64 "verify with two images"
run $tdxctl verify --key-hash abc "$img"
expect_rc 64 "short --key-hash"
run $tdxctl verify --no-such-option "$img"
expect_rc 64 "unknown option"
run $tdxctl no-such-command
expect_rc 64 "unknown command"
run $tdxctl
expect_rc 64 "no command"
run $tdxctl --help
expect_rc 0 "--help"
expect_grep "verify" "$out" "--help lists verify"
run $tdxctl verify --help
expect_rc 0 "verify --help"

# --- inspect -----------------------------------------------------------------------------------
cp "$img" "$tmp/tdx_module_1.5.08.img"
run $tdxctl inspect --json "$tmp/tdx_module_1.5.08.img"
expect_rc 0 "inspect"
expect_json '.version' '"1.5.08"' "inspect version from file name"
expect_json '.version_source' '"file name"' "inspect version source"
expect_json '.form' '"image"' "inspect form"
expect_json '.sigstruct_pages' 1 "inspect sigstruct pages"
expect_json '.seamhash_matches' true "inspect seamhash matches"
expect_json '.signer_is_intel' false "inspect signer is not Intel"
expect_json '.signer_key_hash' "\"$(cat "$fx/test-key.hash")\"" "inspect signer key hash"
expect_json '.checksum_ok' true "inspect checksum"
expect_json '.sigstruct.svn_major' 1 "inspect SVN major"
expect_json '.sigstruct.cpuid_table | length' 3 "inspect CPUID table"
run $tdxctl inspect --json "$img"
expect_json '.version' '"unknown"' "inspect version unknown without name"
run $tdxctl inspect --json --version 1.5.09 "$img"
expect_json '.version' '"1.5.09"' "inspect --version"
expect_json '.version_source' '"user"' "inspect --version source"
run $tdxctl inspect --json "$fx/fixture-2.0.02.img"
expect_json '.version' '"2.0.02"' "inspect 2.x version from sigstruct"
expect_json '.version_source' '"sigstruct"' "inspect 2.x version source"
run $tdxctl inspect --json --version 2.0.05 "$fx/fixture-2.0.02.img"
expect_rc 65 "inspect --version contradicting the sigstruct"
run $tdxctl inspect --version 1.5 "$img"
expect_rc 64 "inspect bad --version"
run $tdxctl inspect "$tmp/tdx_module_1.5.08.img"
expect_rc 0 "inspect text"
expect_grep "1.5.08 (from the file name)" "$out" "inspect text version"

# --- convert -----------------------------------------------------------------------------------
run $tdxctl convert $key "$blob" -o "$tmp/c.img"
expect_rc 0 "convert blob to 0x200"
expect_true "cmp -s '$tmp/c.img' '$img'" "blob converted to 0x200 equals the generated 0x200"
run $tdxctl convert $key "$tmp/c.img" --format 0x100 -o "$tmp/c.blob"
expect_rc 0 "convert 0x200 to blob"
expect_true "cmp -s '$tmp/c.blob' '$blob'" "round trip gives the original blob"
run $tdxctl convert $key "$img" --format pair -o "$tmp/c.bin"
expect_rc 0 "convert to pair"
expect_true "cmp -s '$tmp/c.bin' '$fx/fixture-1.5.08.bin'" "pair module"
expect_true "cmp -s '$tmp/c.sigstruct' '$fx/fixture-1.5.08.sigstruct'" "pair sigstruct"
run $tdxctl convert $key "$tmp/c.bin" --sigstruct "$tmp/c.sigstruct" -o "$tmp/p.img" --json
expect_rc 0 "convert pair to 0x200"
expect_json '.written' true "convert JSON written"
expect_true "cmp -s '$tmp/p.img' '$img'" "pair converted equals the 0x200"
run $tdxctl convert $key "$blob" -o "$tmp/c.img"
expect_rc 73 "convert refuses to overwrite"
expect_grep "--force" "$errout" "overwrite refusal names --force"
run $tdxctl convert $key "$blob" -o "$tmp/c.img" --force
expect_rc 0 "convert --force"
run $tdxctl convert $key "$tmp/flip.img" -o "$tmp/never.img"
expect_rc 65 "convert refuses an invalid input"
expect_true "[ ! -e '$tmp/never.img' ]" "nothing written for an invalid input"
expect_grep "nothing was written" "$errout" "convert refusal message"
run $tdxctl convert $key "$img" -o "$tmp/x" --format 0x300
expect_rc 64 "convert bad --format"
run $tdxctl convert $key "$img"
expect_rc 64 "convert without -o"
run $tdxctl convert $key "$img" -o "$tmp/no-such-dir/x.img"
expect_rc 73 "convert into a missing folder"
expect_true "[ -z \"\$(ls '$tmp' | grep -v -e '^c\.' -e '^p\.img$' -e flip -e short -e huge -e tdx_module)\" ]" \
	"no temporary files left behind"

# --- Intel's releases, when present ------------------------------------------------------------
intel=${TDXCTL_INTEL_BINARIES:-$(dirname "$0")/../../../shared/intel-tdx-module-binaries}
if [ -d "$intel/joined_files" ]; then
	mkdir "$tmp/intel"
	for b in "$intel"/joined_files/*/*.blob; do
		name=$(basename "$b" .blob)
		run $tdxctl verify --json "$b"
		expect_rc 0 "verify Intel $name"
		run $tdxctl convert "$b" -o "$tmp/intel/$name.img"
		expect_rc 0 "convert Intel $name"
		expect_true "[ $(stat -c %s "$b") -eq \$(stat -c %s '$tmp/intel/$name.img') ]" \
			"Intel $name 0x200 has the blob's size"
		run $tdxctl inspect --json "$tmp/intel/$name.img"
		expect_json '.signer_is_intel' true "Intel $name signer"
		expect_json '.version' "\"${name#tdx_module_}\"" "Intel $name version"
	done
elif [ "${TDXCTL_REQUIRE_INTEL:-0}" = 1 ]; then
	bad "Intel's releases not found at $intel (TDXCTL_REQUIRE_INTEL=1)"
else
	echo "SKIP: Intel's releases not found at $intel; their conformance checks did not run"
fi

# --- update: the new options' usage rules, and --latest/--quiet where no TDX host exists ------
export TDXCTL_RUNDIR=$tmp/run TDXCTL_HISTORY=$tmp/history.jsonl
run $tdxctl update --latest "$tmp" "$img"
expect_rc 64 "update: IMAGE and --latest"
run $tdxctl update --latest "$tmp" --sigstruct x
expect_rc 64 "update: --latest with --sigstruct"
run $tdxctl update --retry-interval 1s "$img"
expect_rc 64 "update: --retry-interval without --retry-for"
for bad_d in abc 5x -1s 2d; do
	run $tdxctl update --wait-builds "$bad_d" "$img"
	expect_rc 64 "update: --wait-builds $bad_d"
done
run $tdxctl update --retry-interval 10ms --retry-for 1m "$img"
expect_rc 64 "update: --retry-interval below 100ms"
run $tdxctl update --latest "$tmp/none" --quiet --retry-for 30s
expect_rc 66 "update --latest: no such folder"
[ -z "$out" ] && [ "$(printf '%s\n' "$errout" | wc -l)" = 1 ] && ok ||
	bad "update --quiet: one stderr line, got '$out' / '$errout'"
run $tdxctl update --latest "$tmp/none" --json --retry-for 30s
expect_rc 66 "update --latest --json: no such folder"
expect_json '[.outcome, .attempts, .retryable, .latest_dir]' \
	"[\"input-error\",1,false,\"$tmp/none\"]" "update --latest --json"
[ "$(grep -c '"attempt":1' "$tmp/history.jsonl")" = 2 ] && ok ||
	bad "update --retry-for: the history records carry their attempt number"

# A mapping file that cannot be used: 66 from update (IMAGE and --latest) as from list.
mkdir "$tmp/rel"
cp "$img" "$tmp/rel/tdx_module_1.5.08.img"
echo '{"tdx_module_releases": [ {"version": "1.5.08"} ] }' > "$tmp/rel/mapping_file.json"
run $tdxctl update $key --json "$tmp/rel/tdx_module_1.5.08.img"
expect_rc 66 "update: invalid mapping file beside the image"
expect_json '.outcome' '"input-error"' "update: invalid mapping file outcome"
expect_true '[ "$(printf "%s\n" "$errout" | grep -o "tdxctl: " | wc -l)" = "$(printf "%s\n" "$errout" | grep -c .)" ]' \
	"update: one library message a line ($errout)"
run $tdxctl update $key --latest "$tmp/rel" --json
expect_rc 66 "update --latest: invalid mapping file"
expect_json '.verdict' "\"cannot use the mapping file $tmp/rel/mapping_file.json: not a valid Intel mapping file: entry 0 (version \\\"1.5.08\\\"): key \\\"min_module_version_for_td_preserving\\\" is missing; nothing was changed\"" \
	"update --latest: the verdict names the mapping file and why"
expect_json '[.mapping_refusal, .trust_refusal]' \
	'[{"fault":"missing","entry":0,"version":"1.5.08","key":"min_module_version_for_td_preserving","item":null,"found":null,"expected":null,"detail":null,"value":null,"number":null,"limit":null},null]' \
	"update --latest: the refusal's facts beside the verdict"
chmod 0666 "$tmp/rel/mapping_file.json"
run $tdxctl update $key --latest "$tmp/rel" --json
expect_rc 66 "update --latest: a mapping file anyone can write"
expect_json '[.trust_refusal, .mapping_refusal]' "[{\"fault\":\"writable\",\"path\":\"$tmp/rel/mapping_file.json\",\"folder\":false,\"uid\":$(id -u),\"mode\":\"0666\",\"writable_by\":\"all\"},null]" \
	"update --latest: a mapping file anyone can write: the facts beside the verdict"
chmod 0644 "$tmp/rel/mapping_file.json"
run $tdxctl list $key "$tmp/rel" --running 1.5.08 --cpuid 0x806F8
expect_rc 66 "list: the same invalid mapping file"

# --- history: a dry run is labelled as one, never "ok ... OLD -> -" like an update ------------
hist=$tmp/labels.jsonl
# A record written before "kind" existed, a dry run, and an update.
cat > "$hist" <<'EOF2'
{"time":"2026-01-01T00:00:00Z","command":"update --dry-run","old_version":"1.5.08","new_version":null,"image":"/r/a.img","outcome":"ok","exit_code":0,"duration_ms":5}
{"time":"2026-01-01T00:00:01Z","command":"update --dry-run","kind":"dry-run","old_version":"1.5.08","new_version":null,"image_version":"1.5.16","image":"/r/b.img","outcome":"unavailable","exit_code":69,"duration_ms":6}
{"time":"2026-01-01T00:00:02Z","command":"update","kind":"update","old_version":"1.5.08","new_version":"1.5.16","image_version":"1.5.16","image":"/r/b.img","outcome":"ok","exit_code":0,"duration_ms":7}
EOF2
run $tdxctl history --history "$hist" --json
expect_rc 0 "history --json"
expect_json '[.records[].kind]' '["dry-run","dry-run","update"]' "history --json: kind of each record"
run $tdxctl history --history "$hist"
expect_rc 0 "history text"
expect_true '[ "$(printf "%s\n" "$out" | grep -c "^2026-01-01T00:00:00Z  dry-run  .* 1.5.08 (image -, not installed)  /r/a.img")" = 1 ]' \
	"history text: the old dry-run record labelled dry-run ($out)"
expect_true '[ "$(printf "%s\n" "$out" | grep -c "^2026-01-01T00:00:01Z  dry-run:unavailable .* 1.5.08 (image 1.5.16, not installed)")" = 1 ]' \
	"history text: a refused dry run ($out)"
expect_true '[ "$(printf "%s\n" "$out" | grep -c "^2026-01-01T00:00:02Z  ok  .* 1.5.08 -> 1.5.16  /r/b.img")" = 1 ]' \
	"history text: the update ($out)"


# --- a relative root from the environment: the library refuses it, tdxctl says which -----------
# (issue 26, item 3: the library returns the fact, tdx_ctx_env_check(); no log line carries it)
TDXCTL_SYSFS_ROOT=relative/sys run $tdxctl status --json
expect_rc 1 "a relative \$TDXCTL_SYSFS_ROOT is refused"
expect_grep "tdxctl: \$TDXCTL_SYSFS_ROOT must be an absolute path, not 'relative/sys'; nothing was changed" \
	"$errout" "and tdxctl names the variable and its value"
expect_true '! printf "%s" "$errout" | grep -q libtdxctl' "no library log line carries it ($errout)"

finish
