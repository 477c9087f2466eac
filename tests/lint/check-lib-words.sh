#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The library speaks in facts (lint suite):
#   tests/lint/check-lib-words.sh CC CLIDIR DIR [--expect-fail]
#
# No string in DIR's C sources (comments removed by the preprocessor) names a tdxctl command
# ("tdxctl status", 'tdxctl ...', tdxctl(8)) or one of tdxctl's long options (--mapping, ...):
# the library returns outcomes, facts and remedy flags, and cli/ words them. The commands and
# options are read from CLIDIR's argp tables, so a new option is covered without an edit here.
# With --expect-fail the check must find something (run on cli/ itself: it can fail).
set -eu
cc=$1 clidir=$2 dir=$3 expect=${4:-}

# Known exceptions, each with why; remove a line when its file is fixed.
#   history.c reads records written before "kind" existed, whose "command" said "--dry-run".
allowed='lib/host/history.c: "--dry-run"'

names=$(cat "$clidir"/*.c | grep -oE '\{ "[a-z][a-z0-9-]*", ' | sed -E 's/\{ "([a-z0-9-]+)", /\1/' |
	sort -u | paste -sd '|' -)
[ -n "$names" ] || { echo "FAIL: no command or option names found in $clidir"; exit 1; }
pattern="--($names)\\b|tdxctl +($names)\\b|tdxctl\\([0-9]\\)|'tdxctl"

found=$(find "$dir" -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) | sort |
	while read -r f; do
		"$cc" -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null |
			grep -oE '"([^"\\]|\\.)*"' | grep -E -- "$pattern" |
			sed "s|^|$(basename "$dir")/${f#"$dir"/}: |" || :
	done)
# The exceptions, when checking lib/.
bad=$(printf '%s\n' "$found" | grep -v '^$' | while IFS= read -r line; do
	skip=
	while IFS= read -r a; do
		case "$line" in "$a"*) skip=1 ;; esac
	done <<EOF
$allowed
EOF
	[ -n "$skip" ] || printf '%s\n' "$line"
done)

if [ "$expect" = --expect-fail ]; then
	[ -n "$found" ] || { echo "FAIL: nothing found in $dir: the check cannot fail"; exit 1; }
	echo "ok: the check finds $(printf '%s\n' "$found" | wc -l) strings in $dir"
	exit 0
fi
if [ -n "$bad" ]; then
	echo "FAIL: strings in $dir name tdxctl's commands or options (word them in cli/; the"
	echo "library returns facts and remedy flags):"
	printf '%s\n' "$bad"
	exit 1
fi
echo "ok: no string in $dir names a tdxctl command or option"
