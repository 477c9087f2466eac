#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's promise: with --json, every command prints one JSON object on standard output,
# errors included. Each command's error paths are run here with --json; what comes out must
# parse as exactly one JSON object, the exit code must be the expected one, and the object's
# outcome (.error.outcome or .outcome) is the outcome that code stands for. Usage errors (64)
# are argp's and print usage text, not JSON: not covered.
# Usage: test-json-errors.sh TDXCTL
set -u
tdxctl=$1
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

finish
