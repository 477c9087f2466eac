#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's promise: with --json, every command prints one JSON object on standard output,
# errors included. Each command's error paths are run here with --json; what comes out must
# parse as exactly one JSON object, the exit code must be the expected one, and the object's
# outcome (.error.outcome or .outcome) is the outcome that code stands for. Usage errors (64)
# are argp's and print usage text, not JSON: not covered.
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
expect_json '.error.message | test("writable by someone other than root")' true \
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
expect_json '.verdict | test("not a valid Intel mapping file")' true \
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
expect_json '.' "{\"file\":\"$tmp/none.img\",\"valid\":false,\"failed\":[],\"checks\":[],\"error\":{\"outcome\":\"input-error\",\"message\":\"cannot read $tmp/none.img: No such file or directory\"},\"exit_code\":66}" \
	"verify, no such image: every field"
run $tdxctl verify --json "$tmp/bad.img"
expect_json '[.file, .valid, .failed[0], .error.message, .exit_code]' \
	"[\"$tmp/bad.img\",false,\"container.size\",\"$tmp/bad.img is not a valid TDX module image\",65]" \
	"verify, not an image: the fields"
run $tdxctl verify --json --sigstruct "$tmp/none.sig" "$tmp/file"
expect_json '.error.message' "\"cannot read $tmp/file or $tmp/none.sig: No such file or directory\"" \
	"verify, no such sigstruct: both files named"
json_error 66 input-error "verify, no such TCB Info" \
	$tdxctl verify --json --tcb-info "$tmp/none.json" "$img"
expect_json '[.file, .error.message]' \
	"[\"$img\",\"cannot read the TCB Info $tmp/none.json: No such file or directory\"]" \
	"verify, no such TCB Info: the fields"
json_error 66 input-error "inspect, no such TCB Info" \
	$tdxctl inspect --json --tcb-info "$tmp/none.json" "$img"
json_error 65 invalid-image "inspect, --version contradicts the sigstruct" \
	$tdxctl inspect --json --version 9.9.99 "$fx/fixture-2.0.02.img"
expect_json '.' "{\"file\":\"$fx/fixture-2.0.02.img\",\"error\":{\"outcome\":\"invalid-image\",\"message\":\"--version 9.9.99 contradicts the version the sigstruct carries\"},\"exit_code\":65}" \
	"inspect, --version contradicts the sigstruct: every field"
run $tdxctl inspect --json "$tmp/dir-none/x.img"
expect_json '[.file, .valid, .error.message, .exit_code]' \
	"[\"$tmp/dir-none/x.img\",false,\"cannot read $tmp/dir-none/x.img: No such file or directory\",66]" \
	"inspect, no such image: the fields"
: >"$tmp/exists.img"
json_error 73 output-error "convert, the output exists" \
	$tdxctl convert --json $key --format 0x200 "$img" -o "$tmp/exists.img"
expect_json '.' "{\"input\":\"$img\",\"output\":\"$tmp/exists.img\",\"format\":\"0x200\",\"written\":false,\"error\":{\"outcome\":\"output-error\",\"message\":\"$tmp/exists.img already exists; give --force to replace it\"},\"exit_code\":73}" \
	"convert, the output exists: every field"
run $tdxctl convert --json --format pair "$tmp/bad.img" -o "$tmp/out.bin"
expect_json '[.input, .output, .sigstruct_output, .format, .written, .checks[0].check, .error.message, .exit_code]' \
	"[\"$tmp/bad.img\",\"$tmp/out.bin\",\"$tmp/out.sigstruct\",\"pair\",false,\"container.size\",\"$tmp/bad.img is not a valid TDX module image\",65]" \
	"convert, not an image: the fields"
run $tdxctl status --json
expect_json '[.ready, .outcome, .exit_code, .tdx_host, .checks[0].check, .checks[0].status]' \
	'[false,"unavailable",69,false,"host.interface","fail"]' "status, no TDX host: the fields"
run env TDXCTL_RUNDIR="$tmp/run-file" $tdxctl build list --json
expect_json '.' "{\"rundir\":\"$tmp/run-file\",\"error\":{\"outcome\":\"failed\",\"message\":\"cannot read the TD-build gate in $tmp/run-file: Not a directory\"},\"exit_code\":1}" \
	"build list, run folder a file: every field"

finish
