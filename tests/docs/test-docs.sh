#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Keeps the documentation in step with the code: every command has a man page and is in tdxctl(8)
# and both completions; every long option a command accepts is in its man page and both
# completions; every check name in lib/checks.def is documented in a man page.
# Usage: test-docs.sh TDXCTL SOURCE_ROOT
set -u
tdxctl=$1
src=$2
. "$src/tests/cli/lib.sh"

man=$src/man
bash_comp=$src/completions/tdxctl.bash
zsh_comp=$src/completions/_tdxctl

commands=$($tdxctl --list-commands)
[ -n "$commands" ] && ok || bad "tdxctl --list-commands printed nothing"
for c in $commands; do
	page=$man/tdxctl-$c.8.scd
	expect_true "[ -f '$page' ]" "man page for $c"
	expect_true "grep -q '^\*$c\*' '$man/tdxctl.8.scd'" "$c listed in tdxctl(8)"
	expect_true "grep -qw -- '$c' '$bash_comp'" "$c in the bash completion"
	expect_true "grep -qw -- '$c' '$zsh_comp'" "$c in the zsh completion"
	# Long options from the command's own --help, less argp's own.
	opts=$($tdxctl "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u |
		grep -v -x -e --help -e --usage)
	for o in $opts; do
		[ -f "$page" ] && expect_true "grep -qF -- '$o' '$page'" "$c $o in its man page"
		expect_true "grep -qF -- '$o' '$bash_comp'" "$c $o in the bash completion"
		expect_true "grep -qF -- '$o' '$zsh_comp'" "$c $o in the zsh completion"
	done
done

# Every page renders (scdoc names the line it cannot read).
if command -v scdoc >/dev/null; then
	for page in "$man"/*.scd; do
		if msg=$(scdoc <"$page" 2>&1 >/dev/null); then ok; else bad "$page: scdoc: $msg"; fi
	done
fi

# Every check with its evidence, "*name* (evidence)", as TDX_CHECK(SYM, "name", OUTCOME,
# EVIDENCE, ...) in checks.def, an entry spread over up to three lines.
checks=$(tr '\n\t' '  ' <"$src/lib/checks.def" |
	grep -o 'TDX_CHECK([A-Z0-9_]*, *"[^"]*", *[A-Z_]*, *[A-Z]*' |
	sed 's/^TDX_CHECK([A-Z0-9_]*, *"\([^"]*\)", *[A-Z_]*, *\([A-Z]*\)$/\1:\2/')
[ "$(echo "$checks" | wc -l)" -gt 40 ] && ok || bad "too few checks parsed from checks.def"
[ "$(echo "$checks" | wc -l)" = "$(grep -c '^TDX_CHECK(' "$src/lib/checks.def")" ] && ok ||
	bad "every TDX_CHECK entry parsed with its evidence"
for entry in $checks; do
	name=${entry%%:*} evidence=$(echo "${entry#*:}" | tr 'A-Z' 'a-z')
	case $evidence in kernel | spec | tool | observed) ok ;; *) bad "$name: evidence '$evidence'" ;; esac
	expect_true "grep -qF -- '*$name* ($evidence)' '$man'/*.scd" \
		"check $name documented with its evidence ($evidence) in a man page"
done

finish
