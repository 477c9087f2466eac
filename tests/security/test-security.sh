#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 16's reproducers, each replayed and asserted to fail now: as user nobody (setpriv) where
# the attack was a local user's, with a hostile environment where it was sudo's. Needs root
# (to become nobody and to be the root that must not be misled); skips (77) otherwise.
# Usage: test-security.sh TDXCTL FIXTURE_DIR SOURCE_ROOT
set -u
tdxctl=$1
fx=$2
src=$3
. "$src/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	echo "SKIP: needs root and setpriv (util-linux)"
	exit 77
fi
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"
key="--key-hash $(cat "$fx/test-key.hash")"
# As user nobody, with no supplementary groups.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- "$@"
}
ESC=$'\033' BEL=$'\a'

# --- 3: bytes from file names and files reach the terminal, the log and JSON escaped ------------
d=$tmp/rel
mkdir "$d"
evil=$(printf 'tdx_module_1.5.09\033[2J\033]0;owned\a\xff\xc2\x9b.img')
cp "$fx/fixture-1.5.08.img" "$d/$evil"
for cmd in "list $d" "verify $d/$evil" "inspect $d/$evil"; do
	# shellcheck disable=SC2086
	run $tdxctl $cmd $key
	expect_true '! printf "%s%s" "$out" "$errout" | LC_ALL=C grep -q "[$ESC$BEL]"' \
		"3: $cmd prints no ESC or BEL"
	expect_true '! printf "%s%s" "$out" "$errout" | LC_ALL=C grep -qP "\xc2[\x80-\x9f]|\x9b"' \
		"3: $cmd prints no C1"
	expect_grep '\e[2J\e]0;owned\x07\xff\x9b' "$out$errout" "3: $cmd shows the bytes escaped"
	# shellcheck disable=SC2086
	run $tdxctl $cmd $key --json
	expect_true 'printf "%s" "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1' \
		"3: $cmd --json is valid UTF-8"
	expect_true '! printf "%s" "$out" | LC_ALL=C grep -qP "\xc2[\x80-\x9f]"' \
		"3: $cmd --json has no C1 character"
	expect_true 'printf "%s" "$out" | jq -e . >/dev/null' "3: $cmd --json parses"
done
# The log: a library message naming the file is one escaped line.
TDXCTL_LOG=debug run $tdxctl verify "$d/$evil"
expect_true '! printf "%s" "$errout" | LC_ALL=C grep -q "[$ESC$BEL]"' "3: log lines are escaped"
# history: a record holding a terminal sequence, and a line that is not UTF-8.
printf '{"time":"2026-01-01T00:00:00Z","image":"a\\u001b[2Jb\\u009b","outcome":"ok","exit_code":0}\n' \
	> "$tmp/history.jsonl"
printf '{"time":"2026-01-01T00:00:01Z","image":"c\xffd","outcome":"ok","exit_code":0}\n' \
	>> "$tmp/history.jsonl"
run $tdxctl history --history "$tmp/history.jsonl"
expect_rc 0 "3: history reads"
expect_true '! printf "%s%s" "$out" "$errout" | LC_ALL=C grep -qP "\x1b|\xc2[\x80-\x9f]"' \
	"3: history prints no ESC or C1"
run $tdxctl history --history "$tmp/history.jsonl" --json
expect_true 'printf "%s" "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1' \
	"3: history --json is valid UTF-8"

finish
