#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's promise: with --json, every command prints one JSON object on standard output,
# errors included. Each command's error paths are run here with --json; what comes out must
# parse as exactly one JSON object, the exit code must be the expected one, and the object's
# outcome (.error.outcome or .outcome) is the outcome that code stands for. Usage errors (64)
# too: a bad option value or argument, wherever --json stands, gives
# {"error": {"outcome": "usage-error", "message"}, "exit_code": 64}.
# Usage: test-json-errors.sh TDXCTL FIXTURE_DIR
set -u
tdxctl=$1
fx=$2
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/sys" "$tmp/proc" "$tmp/releases" "$tmp/open"
export TDXCTL_SYSFS_ROOT=$tmp/sys TDXCTL_PROCFS_ROOT=$tmp/proc TDXCTL_RUNDIR=$tmp/run
export TDXCTL_HISTORY=$tmp/history.jsonl
: >"$tmp/file"
printf 'not json' >"$tmp/releases/mapping_file.json"
printf '{"releases":[]}' >"$tmp/open/mapping_file.json"
chmod 0666 "$tmp/open/mapping_file.json"

# json_error RC OUTCOME WHAT CMD...: CMD --json exits RC and prints one object whose outcome
# is OUTCOME.
json_error() {
	local want=$1 outcome=$2 what=$3
	shift 3
	run "$@"
	expect_rc "$want" "$what: exit code"
	expect_json -s 'length' 1 "$what: one JSON value on stdout" 
	expect_json 'type' '"object"' "$what: an object"
	expect_json '(.error.outcome // .outcome)' "\"$outcome\"" "$what: its outcome"
	expect_json '(.exit_code // $rc)' "$want" "$what: exit_code, where it has one"
	# One shape for every error (cli_fail()): "error" is {outcome, message} beside exit_code.
	expect_json '(has("error") | not) or ((.error | keys) == ["message", "outcome"] and
		(.exit_code | type) == "number")' true "$what: the error's shape"
}
# expect_json with jq options: -s slurps every value printed.
expect_json() {
	local opts=()
	[ "$1" = -s ] && { opts=(-s); shift; }
	got=$(printf '%s' "$out" | jq -c "${opts[@]}" --argjson rc "$rc" "$1" 2>&1) || got="(jq: $got)"
	if [ "$got" = "$2" ]; then ok; else bad "$3: $1 is $got, expected $2 (stdout: $out)"; fi
}

json_error 66 input-error "verify, no such image" $tdxctl verify --json "$tmp/none.img"
json_error 66 input-error "convert, no such input" \
	$tdxctl convert --json --format 0x100 "$tmp/none.img" -o "$tmp/out"
json_error 69 unavailable "status, no TDX host" $tdxctl status --json
json_error 66 input-error "update, no such image" $tdxctl update --json "$tmp/none.img"
expect_json '.outcome_reason' '"image-open"' "update, no such image: the reason named"
json_error 66 input-error "update --dry-run, no such image" \
	$tdxctl update --json --dry-run "$tmp/none.img"
json_error 66 input-error "update --latest, no such folder" \
	$tdxctl update --json --latest "$tmp/none"
json_error 66 input-error "list, no such folder" $tdxctl list --json "$tmp/none"
json_error 66 input-error "list, not a folder" $tdxctl list --json "$tmp/file"
json_error 66 input-error "list, mapping file not valid" $tdxctl list --json "$tmp/releases"
expect_json '.mapping' "\"$tmp/releases/mapping_file.json\"" "list, mapping file not valid: named"
json_error 66 input-error "list, mapping file not trusted" $tdxctl list --json "$tmp/open"
expect_json '.error.message' "\"$tmp/open/mapping_file.json is not trusted to decide what is installable: the file is writable by every user (mode 0666); nothing was judged; fix its owner and mode, or give --mapping with a file only root can write\"" \
	"list, mapping file not trusted: says why"

# Every other command's error paths, and update's beyond an unreadable image.
printf 'garbage%.0s' $(seq 1000) >"$tmp/bad.img"
mkdir -p "$tmp/hdir" "$tmp/run-open" "$tmp/bad-mapping"
chmod 0777 "$tmp/run-open"
printf 'not json' >"$tmp/bad-mapping/mapping_file.json"
: >"$tmp/run-file"
json_error 65 invalid-image "verify, not an image" $tdxctl verify --json "$tmp/bad.img"
json_error 66 input-error "inspect, no such image" $tdxctl inspect --json "$tmp/none.img"
json_error 65 invalid-image "inspect, not an image" $tdxctl inspect --json "$tmp/bad.img"
json_error 65 invalid-image "convert, not an image" \
	$tdxctl convert --json --format 0x200 "$tmp/bad.img" -o "$tmp/out.img"
json_error 65 invalid-image "update, not an image" $tdxctl update --json "$tmp/bad.img"
json_error 66 input-error "update --latest, mapping file not valid" \
	$tdxctl update --json --latest "$tmp/bad-mapping"
expect_json '.verdict' "\"cannot use the mapping file $tmp/bad-mapping/mapping_file.json: not a valid Intel mapping file: not valid JSON: null expected (near byte 1); nothing was changed\"" \
	"update --latest, mapping file not valid: says why"
json_error 66 input-error "history, the file a folder" \
	env TDXCTL_HISTORY="$tmp/hdir" $tdxctl history --json
expect_json '.path' "\"$tmp/hdir\"" "history, the file a folder: named"
json_error 77 permission-denied "build list, run folder writable by all" \
	env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl build list --json
expect_json '.rundir' "\"$tmp/run-open\"" "build list, run folder writable by all: named"
json_error 1 failed "build list, run folder a file" \
	env TDXCTL_RUNDIR="$tmp/run-file" $tdxctl build list --json

# The exact fields of verify's, inspect's, convert's, status's and build's errors: one error
# path (cli_fail()) for all of them, with what each adds beside it.
img=$fx/fixture-1.5.08.img
key="--key-hash $(cat "$fx/test-key.hash")"
run $tdxctl verify --json "$tmp/none.img"
expect_json '.' "{\"file\":\"$tmp/none.img\",\"valid\":false,\"failed\":[],\"checks\":[],\"error\":{\"outcome\":\"input-error\",\"message\":\"cannot read $tmp/none.img: No such file or directory; nothing was changed\"},\"exit_code\":66}" \
	"verify, no such image: every field"
run $tdxctl verify --json "$tmp/bad.img"
expect_json '[.file, .valid, .failed[0], .error.message, .exit_code]' \
	"[\"$tmp/bad.img\",false,\"container.size\",\"$tmp/bad.img is not a valid TDX module image; nothing was changed\",65]" \
	"verify, not an image: the fields"
run $tdxctl verify --json --sigstruct "$tmp/none.sig" "$tmp/file"
expect_json '.error.message' "\"cannot read $tmp/file or $tmp/none.sig: No such file or directory; nothing was changed\"" \
	"verify, no such sigstruct: both files named"
json_error 66 input-error "verify, no such TCB Info" \
	$tdxctl verify --json --tcb-info "$tmp/none.json" "$img"
expect_json '[.file, .error.message]' \
	"[\"$img\",\"cannot read the TCB Info $tmp/none.json: No such file or directory; nothing was changed\"]" \
	"verify, no such TCB Info: the fields"
json_error 66 input-error "inspect, no such TCB Info" \
	$tdxctl inspect --json --tcb-info "$tmp/none.json" "$img"
json_error 65 invalid-image "inspect, --version contradicts the sigstruct" \
	$tdxctl inspect --json --version 9.9.99 "$fx/fixture-2.0.02.img"
expect_json '.' "{\"file\":\"$fx/fixture-2.0.02.img\",\"error\":{\"outcome\":\"invalid-image\",\"message\":\"--version 9.9.99 contradicts the version the sigstruct carries; nothing was changed\"},\"exit_code\":65}" \
	"inspect, --version contradicts the sigstruct: every field"
run $tdxctl inspect --json "$tmp/dir-none/x.img"
expect_json '[.file, .valid, .error.message, .exit_code]' \
	"[\"$tmp/dir-none/x.img\",false,\"cannot read $tmp/dir-none/x.img: No such file or directory; nothing was changed\",66]" \
	"inspect, no such image: the fields"
: >"$tmp/exists.img"
json_error 73 output-error "convert, the output exists" \
	$tdxctl convert --json $key --format 0x200 "$img" -o "$tmp/exists.img"
expect_json '.' "{\"input\":\"$img\",\"output\":\"$tmp/exists.img\",\"format\":\"0x200\",\"written\":false,\"error\":{\"outcome\":\"output-error\",\"message\":\"$tmp/exists.img already exists; give --force to replace it; nothing was written\"},\"exit_code\":73}" \
	"convert, the output exists: every field"
run $tdxctl convert --json --format pair "$tmp/bad.img" -o "$tmp/out.bin"
expect_json '[.input, .output, .sigstruct_output, .format, .written, .checks[0].check, .error.message, .exit_code]' \
	"[\"$tmp/bad.img\",\"$tmp/out.bin\",\"$tmp/out.sigstruct\",\"pair\",false,\"container.size\",\"$tmp/bad.img is not a valid TDX module image; nothing was written\",65]" \
	"convert, not an image: the fields"
run $tdxctl status --json
expect_json '[.ready, .outcome, .exit_code, .tdx_host, .checks[0].check, .checks[0].status]' \
	'[false,"unavailable",69,false,"host.interface","fail"]' "status, no TDX host: the fields"
run env TDXCTL_RUNDIR="$tmp/run-file" $tdxctl build list --json
expect_json '.' "{\"rundir\":\"$tmp/run-file\",\"rundir_refusal\":{\"fault\":\"not-a-folder\",\"name\":\"$tmp/run-file\",\"uid\":null,\"mode\":null},\"error\":{\"outcome\":\"failed\",\"message\":\"cannot read the TD-build gate in $tmp/run-file: $tmp/run-file is a symlink or not a folder\"},\"exit_code\":1}" \
	"build list, run folder a file: every field"
# Why the run folder is refused: the library's fact (rundir_refusal) and tdxctl's words of it.
run env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl build list --json
expect_json '[.rundir_refusal, .error.message]' "[{\"fault\":\"writable\",\"name\":\"$tmp/run-open\",\"uid\":$(id -u),\"mode\":\"0777\"},\"cannot read the TD-build gate in $tmp/run-open: $tmp/run-open is writable by every user (mode 0777): they could remove or replace its files (chmod go-w it)\"]" \
	"build list, run folder writable by all: the fault and its words"
run env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl build begin vm1
expect_rc 77 "build begin, run folder writable by all, text: exit code"
expect_grep "tdxctl: cannot record build vm1 in $tmp/run-open: $tmp/run-open is writable by every user (mode 0777): they could remove or replace its files (chmod go-w it); nothing was recorded" \
	"$errout" "build begin, run folder writable by all, text: says why"
# Once: the library keeps the refusal as a fact (logged at debug level only), tdxctl words it.
expect_true '[ "$(printf "%s\n" "$errout" | grep -c "is writable by every user")" = 1 ]' \
	"build begin, run folder writable by all, text: said once (got: $errout)"
# status, whose checks see only the errno, says it once too, as its own line.
run env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl status
expect_true '[ "$(printf "%s\n" "$errout" | grep -c "is writable by every user")" = 1 ]' \
	"status, run folder writable by all: the refusal said once (got: $errout)"
expect_grep "tdxctl: $tmp/run-open is writable by every user (mode 0777): they could remove or replace its files (chmod go-w it); it was not used, nothing in it was changed" \
	"$errout" "status, run folder writable by all: in tdxctl's words"
if [ "$(id -u)" = 0 ]; then
	mkdir -m 0755 "$tmp/run-other"
	chown 65534 "$tmp/run-other"
	run env TDXCTL_RUNDIR="$tmp/run-other" $tdxctl build end vm1 --json
	expect_json '[$rc, .rundir_refusal.fault, .rundir_refusal.uid, .error.message]' "[77,\"owner\",65534,\"cannot end build vm1 in $tmp/run-other: $tmp/run-other is owned by uid 65534, not root: another user could replace what is in it (it must be owned by root, mode 0755)\"]" \
		"build end, run folder another user's: the fault and its words"
fi

# build begin, end and forget: one object for success and for each error, as list gives.
json_error 1 failed "build begin, run folder a file" \
	env TDXCTL_RUNDIR="$tmp/run-file" $tdxctl build begin vm1 --json
expect_json '[.name, .rundir, .error.message]' \
	"[\"vm1\",\"$tmp/run-file\",\"cannot record build vm1 in $tmp/run-file: $tmp/run-file is a symlink or not a folder\"]" \
	"build begin, run folder a file: the fields"
json_error 77 permission-denied "build begin, run folder writable by all" \
	env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl build begin vm1 --json
json_error 1 failed "build begin, no such owner" $tdxctl build begin vm1 --pid 2147483647 --json
expect_json '[.name, .owner_pid, .error.message]' \
	'["vm1",2147483647,"no process 2147483647 to own build vm1 (--pid)"]' \
	"build begin, no such owner: the fields"
json_error 1 failed "build end, run folder a file" \
	env TDXCTL_RUNDIR="$tmp/run-file" $tdxctl build end vm1 --json
expect_json '.error.message' "\"cannot end build vm1 in $tmp/run-file: $tmp/run-file is a symlink or not a folder\"" \
	"build end, run folder a file: says why"
json_error 77 permission-denied "build end, run folder writable by all" \
	env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl build end vm1 --json
json_error 1 failed "build forget, run folder a file" \
	env TDXCTL_RUNDIR="$tmp/run-file" $tdxctl build forget vm1 --json
expect_json '.error.message' "\"cannot forget launch vm1 in $tmp/run-file: $tmp/run-file is a symlink or not a folder\"" \
	"build forget, run folder a file: says why"
json_error 77 permission-denied "build forget, run folder writable by all" \
	env TDXCTL_RUNDIR="$tmp/run-open" $tdxctl build forget vm1 --json
run $tdxctl build begin vm1 --json --ttl 60s --pid $$
expect_rc 0 "build begin --json: exit code"
expect_json '.' "{\"name\":\"vm1\",\"rundir\":\"$tmp/run\",\"owner_pid\":$$,\"expires_in_s\":60}" \
	"build begin --json: every field"
run $tdxctl build --json end vm1
expect_rc 0 "build --json end: exit code"
expect_json '.' "{\"name\":\"vm1\",\"rundir\":\"$tmp/run\",\"ended\":1}" \
	"build --json end (--json before the verb): every field"
run $tdxctl build end vm1 --json
expect_json '[.ended, $rc]' '[0,0]' "build end --json, none recorded: 0 ended, exit 0"
run $tdxctl build forget vm1 --json --quiet
expect_json '[.forgotten, $rc]' '[false,0]' "build forget --json --quiet, none: still the object"

# A refused TCB Info: the library's fact (fault and place) in tdxctl's words, whole.
mkdir "$tmp/tcb"
"$fx/tdx-mktcbinfo" "$tmp/tcb" >/dev/null || bad "tdx-mktcbinfo failed"
tcbopts() { echo --tcb-info "$tmp/tcb/$1.json" --tcb-info-chain "$tmp/tcb/chain.pem" \
	--tcb-root-hash "$(cat "$tmp/tcb/root.hash")"; }
lv='tdxModuleIdentities[1] (\"TDX_01\") tcbLevels[1]'
for c in "badlevel:$lv: isvsvn 300 is not 0 to 255" \
	 "nostatus:$lv: \\\"tcbStatus\\\" is missing" \
	 "numstatus:$lv: \\\"tcbStatus\\\" is an integer, expected a string" \
	 "numadvisory:$lv: \\\"advisoryIDs\\\" holds an integer, expected strings" \
	 "v2:TCB Info version 2, expected 3 (the version PCS API v4 serves and tdxctl reads)" \
	 "unsigned:unsigned: no \\\"signature\\\" member"; do
	doc=${c%%:*} words=${c#*:}
	# shellcheck disable=SC2046
	json_error 66 input-error "verify --tcb-info $doc" \
		$tdxctl verify --json $(tcbopts "$doc") "$img"
	expect_json '.error.message' "\"TCB Info $tmp/tcb/$doc.json: $words; nothing was changed\"" \
		"verify --tcb-info $doc: the refusal in words"
done

# Usage errors: a bad value, before or after --json, is one object too (exit 64).
json_usage() {
	local what=$1 msg=$2
	shift 2
	json_error 64 usage-error "$what" "$@"
	expect_json '.' "{\"error\":{\"outcome\":\"usage-error\",\"message\":$msg},\"exit_code\":64}" \
		"$what: every field"
	expect_true '[ -z "$errout" ]' "$what: nothing on stderr (got: $errout)"
}
json_usage "inspect --version not a version" "\"--version wants X.Y.ZZ (e.g. 1.5.16), not '1.x'\"" \
	$tdxctl inspect --version 1.x --json "$img"
json_usage "inspect, two images" "\"one image at a time ('$img' is extra)\"" \
	$tdxctl inspect --json "$img" "$img"
json_usage "verify --key-hash not hex" "\"--key-hash wants 96 hex digits (a SHA-384), not 'zz'\"" \
	$tdxctl verify --key-hash zz --json "$img"
json_usage "verify --tcb-root-hash not hex" \
	"\"--tcb-root-hash wants 64 hex digits (a SHA-256), not 'zz'\"" \
	$tdxctl verify --json --tcb-info "$tmp/none.json" --tcb-root-hash zz "$img"
json_usage "verify --tcb-info-chain alone" \
	'"--tcb-info-chain and --tcb-root-hash need --tcb-info"' \
	$tdxctl verify --json --tcb-info-chain "$tmp/file" "$img"
json_usage "verify, no image" '"which image? (give a path)"' $tdxctl verify --json
json_usage "convert --format not a format" "\"--format is 0x200, 0x100 or pair, not 'zz'\"" \
	$tdxctl convert --format zz --json "$img" -o "$tmp/out.img"
json_usage "convert, no output" '"where to? (give -o OUTPUT)"' $tdxctl convert --json "$img"
json_usage "build, no verb" '"begin, end, forget or list?"' $tdxctl build --json
json_usage "build start" "\"'start' is not begin, end, forget or list\"" \
	$tdxctl build start x --json
json_usage "build begin --ttl not a duration" \
	"\"--ttl wants a duration (90, 90s, 500ms, 5m, 1h), not 'soon'\"" \
	$tdxctl build begin x --ttl soon --json
json_usage "build begin --ttl too long" "\"--ttl must be 1s to 1d, not '2d'\"" \
	$tdxctl build --json begin x --ttl 2d
json_usage "build begin --pid 0" "\"--pid wants a process id, not '0'\"" \
	$tdxctl build begin x --pid 0 --json
json_usage "build begin, bad name" \
	"\"build name '../x' is not 1 to 64 of A-Z a-z 0-9 . _ + @ : - (not starting with '.')\"" \
	$tdxctl build begin ../x --json
json_usage "build end --ttl" '"--ttl and --wait are for begin"' $tdxctl build end x --ttl 5 --json
json_usage "build forget, no name" '"which build? (give a NAME)"' $tdxctl build forget --json
json_usage "build list, extra" "\"'x' is extra\"" $tdxctl build list x --json
json_usage "build begin --force" '"--force is for end"' $tdxctl build begin x --force --json
# Without --json the same errors are argp's: the message and "Try", on stderr only.
run $tdxctl inspect --version 1.x "$img"
expect_rc 64 "inspect --version not a version, text: exit code"
expect_true '[ -z "$out" ]' "inspect --version not a version, text: nothing on stdout"
expect_grep "tdxctl inspect: --version wants X.Y.ZZ (e.g. 1.5.16), not '1.x'" "$errout" \
	"inspect --version not a version, text: the message"
expect_grep "Try \`tdxctl inspect --help'" "$errout" "inspect --version not a version, text: Try"

# Every command's usage errors, argp's own too (an unknown option, an option without its value,
# a missing or extra argument), with --json anywhere, after the bad option too: one object on
# stdout, nothing on stderr, exit 64, as for a bad value above.
json_usage "list, unknown option" "\"unrecognized option '--bogus'\"" \
	$tdxctl list --bogus --json "$tmp/releases"
json_usage "list, no folder" '"which folder? (give the folder of releases)"' $tdxctl list --json
json_usage "list, two folders" "\"one folder at a time ('b' is extra)\"" $tdxctl list a b --json
json_usage "list --cpuid not hex" "\"--cpuid wants a 32-bit hex value (e.g. 0x806F8), not 'zz'\"" \
	$tdxctl list --cpuid zz --json "$tmp/releases"
json_usage "list --running not a version" "\"--running wants X.Y.ZZ (e.g. 1.5.08), not 'x'\"" \
	$tdxctl list --running x "$tmp/releases" --json
json_usage "list --mapping and --no-mapping" '"--mapping and --no-mapping exclude each other"' \
	$tdxctl list --mapping m --no-mapping --json "$tmp/releases"
json_usage "list --key-hash not hex" "\"--key-hash wants 96 hex digits (a SHA-384), not 'zz'\"" \
	$tdxctl list --key-hash zz --json "$tmp/releases"
json_usage "list --tcb-root-hash not hex" \
	"\"--tcb-root-hash wants 64 hex digits (a SHA-256), not 'zz'\"" \
	$tdxctl list --tcb-info x --tcb-root-hash zz --json "$tmp/releases"
json_usage "history, unknown option after --json" "\"unrecognized option '--bogus'\"" \
	$tdxctl history --json --bogus
json_usage "history -n, no value" "\"option requires an argument -- 'n'\"" $tdxctl history --json -n
json_usage "history -n not a count" "\"-n wants a count, not 'x'\"" $tdxctl history -n x --json
json_usage "history, an argument" "\"unexpected argument 'x'\"" $tdxctl history x --json
json_usage "history, -j" "\"unrecognized option '--bogus'\"" $tdxctl history --bogus -j
json_usage "status, unknown short option" "\"invalid option -- 'Z'\"" $tdxctl status -Z --json
json_usage "status, an argument" "\"unexpected argument 'x'\"" $tdxctl status x --json
json_usage "status --output alone" '"--output goes with --prometheus"' \
	$tdxctl status --json -o "$tmp/m.prom"
json_usage "status --prometheus --json" '"--prometheus and --json exclude each other"' \
	$tdxctl status --prometheus --json
json_usage "status --json=yes" "\"option '--json' doesn't allow an argument\"" \
	$tdxctl status --json=yes
json_usage "update, unknown option" "\"unrecognized option '--bogus'\"" \
	$tdxctl update --bogus "$img" --json
json_usage "update --timeout, no value" "\"option '--timeout' requires an argument\"" \
	$tdxctl update "$img" --json --timeout
json_usage "update, no image" '"which image? (give a path, or --latest DIR)"' $tdxctl update --json
json_usage "update, two images" "\"one image at a time ('$img' is extra)\"" \
	$tdxctl update --json "$img" "$img"
json_usage "update --timeout 0" "\"--timeout wants 1 to 3600 seconds, not '0'\"" \
	$tdxctl update --timeout 0 --json "$img"
json_usage "update --version not a version" "\"--version wants X.Y.ZZ, not '1.x'\"" \
	$tdxctl update --version 1.x --json "$img"
json_usage "update --image-format" "\"--image-format wants 0x200 or 0x100, not 'zz'\"" \
	$tdxctl update --image-format zz --json "$img"
json_usage "update --wait-builds" \
	"\"--wait-builds wants a duration such as 500ms, 30s, 30m or 2h (0 ms to 86400 s), not 'x'\"" \
	$tdxctl update --wait-builds x --json "$img"
json_usage "update IMAGE --latest" '"give IMAGE or --latest DIR, not both"' \
	$tdxctl update --latest "$tmp/releases" "$img" --json
json_usage "update --retry-interval alone" '"--retry-interval goes with --retry-for"' \
	$tdxctl update --retry-interval 5s --json "$img"
json_usage "update --key-hash not hex" "\"--key-hash wants 96 hex digits (a SHA-384), not 'zz'\"" \
	$tdxctl update --key-hash zz --json "$img"
json_usage "verify, unknown option, -qj" "\"unrecognized option '--bogus'\"" \
	$tdxctl verify --bogus -qj "$img"
json_usage "inspect, unknown option" "\"unrecognized option '--bogus'\"" \
	$tdxctl inspect --bogus --json "$img"
json_usage "convert -o, no value" "\"option requires an argument -- 'o'\"" \
	$tdxctl convert --json "$img" -o
json_usage "build, unknown option" "\"unrecognized option '--bogus'\"" $tdxctl build --bogus --json
json_usage "build, abbreviated --js" "\"unrecognized option '--bogus'\"" \
	$tdxctl build list --bogus --js
json_usage "tdxctl, unknown command" "\"unknown command 'nosuch' (try 'tdxctl --help')\"" \
	$tdxctl nosuch --json
# Before any command: the root's own errors are one object too, with a command's --json (or
# -j) anywhere on the command line, after the command word too.
json_usage "tdxctl, unknown option" "\"unrecognized option '--bogus'\"" $tdxctl --bogus --json
json_usage "tdxctl, unknown option, then a command" "\"unrecognized option '--bogus'\"" \
	$tdxctl --bogus status --json
json_usage "tdxctl, unknown short option, -j" "\"invalid option -- 'Z'\"" $tdxctl -Z list -j
# Without --json, or with it after "--", the root's errors are argp's text, as ever.
for c in "--bogus" "--bogus -- --json"; do
	# shellcheck disable=SC2086
	run $tdxctl $c
	expect_rc 64 "tdxctl $c: exit code"
	expect_true '[ -z "$out" ]' "tdxctl $c: nothing on stdout (got: $out)"
	expect_grep "unrecognized option '--bogus'" "$errout" "tdxctl $c: argp's message"
	expect_grep "Try \`tdxctl --help'" "$errout" "tdxctl $c: argp's Try"
done
# --json that is an option's value, or after "--", is not --json: argp's text, nothing on stdout.
for c in "status --history --json --bogus" "list --bogus -- --json"; do
	# shellcheck disable=SC2086
	run $tdxctl $c
	expect_rc 64 "$c: exit code"
	expect_true '[ -z "$out" ]' "$c: nothing on stdout (got: $out)"
	expect_grep "unrecognized option '--bogus'" "$errout" "$c: argp's message"
	expect_grep "Try \`tdxctl ${c%% *} --help'" "$errout" "$c: argp's Try"
done
# Without --json, argp's own errors are as they were: the message and "Try", on stderr only.
run $tdxctl list --bogus "$tmp/releases"
expect_rc 64 "list, unknown option, text: exit code"
expect_true '[ -z "$out" ]' "list, unknown option, text: nothing on stdout"
expect_grep "tdxctl list: unrecognized option '--bogus'" "$errout" "list, unknown option, text"
expect_grep "Try \`tdxctl list --help'" "$errout" "list, unknown option, text: Try"
run $tdxctl history x
expect_rc 64 "history, an argument, text: exit code"
expect_grep "tdxctl history: unexpected argument 'x'" "$errout" "history, an argument, text"
expect_grep "Try \`tdxctl history --help'" "$errout" "history, an argument, text: Try"
# --help with --json is still the help, on stdout (exit 0).
run $tdxctl list --json --help
expect_rc 0 "list --json --help: exit code"
expect_grep "Usage: tdxctl list" "$out" "list --json --help: the help"
# A path option refused under sudo (77) is one object too, wherever --json stands.
if [ "$(id -u)" = 0 ]; then
	run env SUDO_UID=65534 $tdxctl history --history "$tmp/h" --json
	expect_rc 77 "history --history under sudo --json: exit code"
	expect_json '[.error.outcome, .exit_code, (.error.message | startswith("--history is refused when root runs tdxctl for another user"))]' \
		'["permission-denied",77,true]' "history --history under sudo --json: the object"
	# (stderr has only the warnings that $TDXCTL_* are ignored under sudo.)
	expect_true '! printf "%s" "$errout" | grep -q "refused\|Try"' \
		"history --history under sudo --json: the refusal not on stderr (got: $errout)"
	run env SUDO_UID=65534 $tdxctl update --key-hash "$(cat "$fx/test-key.hash")" --json "$img"
	expect_json '[$rc, .error.outcome, .exit_code]' '[77,"permission-denied",77]' \
		"update --key-hash under sudo --json: the object"
	# A usage error and a refused path option: the first on the command line is said, text
	# and JSON alike; a bad value is kept until --json is known, and still comes first.
	for c in "history -n x --history $tmp/h:64:-n wants a count, not 'x'" \
		 "update --timeout 0 --module $tmp/m $img:64:--timeout wants 1 to 3600 seconds, not '0'" \
		 "build begin x --ttl soon --rundir $tmp/r:64:--ttl wants a duration (90, 90s, 500ms, 5m, 1h), not 'soon'" \
		 "status --bogus --module $tmp/m:64:unrecognized option '--bogus'" \
		 "history --history $tmp/h -n x:77:--history is refused when root runs tdxctl for another user" \
		 "convert -o $tmp/o --format zz $img:77:--output is refused when root runs tdxctl for another user"; do
		args=${c%%:*} rest=${c#*:}
		want=${rest%%:*} msg=${rest#*:}
		# shellcheck disable=SC2086
		run env SUDO_UID=65534 $tdxctl $args
		expect_rc "$want" "$args under sudo, text: exit code"
		expect_true '[ -z "$out" ]' "$args under sudo, text: nothing on stdout (got: $out)"
		expect_grep "${args%% *}: $msg" "$errout" "$args under sudo, text: the first error"
		[ "$want" = 64 ] && expect_true '! printf "%s" "$errout" | grep -q "is refused"' \
			"$args under sudo, text: the refusal not said (got: $errout)"
		# shellcheck disable=SC2086
		run env SUDO_UID=65534 $tdxctl $args --json
		expect_json '[$rc, .exit_code]' "[$want,$want]" "$args under sudo --json: the code"
		got=$(printf '%s' "$out" | jq -r '.error.message' 2>&1)
		expect_true '[ "${got#"$msg"}" != "$got" ]' \
			"$args under sudo --json: the first error (got: $got)"
		expect_true '! printf "%s" "$errout" | grep -q "refused\|Try"' \
			"$args under sudo --json: nothing of it on stderr (got: $errout)"
	done
fi

finish
