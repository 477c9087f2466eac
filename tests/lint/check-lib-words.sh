#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The library speaks in facts (lint suite):
#   tests/lint/check-lib-words.sh CC CLIDIR DIR [--expect-fail]
#
# No string in DIR's C sources (comments removed by the preprocessor) names a tdxctl command
# ("tdxctl status", 'tdxctl ...', tdxctl(8)) or one of tdxctl's long options (--mapping, ...):
# the library returns outcomes, facts and remedy flags, and cli/ words them. The commands and
# options are read from CLIDIR's argp tables, so a new option is covered without an edit here.
# With --expect-fail the check must find something (run on cli/ itself: it can fail). Each run
# also checks a planted log line wrapped over two literals is found (--planted: that run).
set -eu
cc=$1 clidir=$2 dir=$3 expect=${4:-}

# Known exceptions, each with why; remove a line when its file is fixed.
#   history.c reads records written before "kind" existed, whose "command" said "--dry-run".
allowed='lib/host/history.c: "--dry-run"'

names=$(cat "$clidir"/*.c | grep -oE '\{ "[a-z][a-z0-9-]*", ' | sed -E 's/\{ "([a-z0-9-]+)", /\1/' |
	sort -u | paste -sd '|' -)
[ -n "$names" ] || { echo "FAIL: no command or option names found in $clidir"; exit 1; }
pattern="--($names)\\b|tdxctl +($names)\\b|tdxctl\\([0-9]\\)|'tdxctl"

# Each string literal on a line of its own, adjacent literals joined as the compiler joins them
# ("run tdxctl " "status" is one string: a log line wrapped at 100 columns is still caught);
# character literals ('"') are skipped so that they cannot open a string.
literals() {
	perl -0777 -ne '
		while (/\G(?:\x27(?:[^\x27\\\n]|\\.)*\x27|((?:"(?:[^"\\\n]|\\.)*"\s*)+)|.)/gs) {
			next unless defined $1;
			my @parts = $1 =~ /"((?:[^"\\\n]|\\.)*)"/g;
			print "\"", join("", @parts), "\"\n";
		}'
}

found=$(find "$dir" -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) | sort |
	while read -r f; do
		"$cc" -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null | literals |
			grep -E -- "$pattern" |
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

# The check can fail on a log line: a library warn() wrapped over two literals must be found.
if [ "$expect" != --planted ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cat >"$tmp/planted.c" <<'EOF'
static void planted(struct tdx_ctx *ctx, char c)
{
	if (c == '"')
		warn(ctx, "a stale build holds the update; end it with tdxctl "
		     "build end NAME\n");
}
EOF
	if "$0" "$cc" "$clidir" "$tmp" --planted >/dev/null; then
		echo "FAIL: a log line naming a tdxctl command over two literals passed the check"
		exit 1
	fi
fi

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
