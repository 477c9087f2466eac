#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Keeps the documentation in step with the code: every command has a man page and is in tdxctl(8)
# and both completions; every long option a command accepts is in its man page and both
# completions; every check name in lib/checks.def is documented in a man page, with the words
# cli/words/checks.def has for it; the exit codes (`tdxctl --list-exit-codes`, the one table in
# cli/exit.c) are the ones tdxctl(8), the README, the systemd units, the cron file, the Ansible
# playbook and the alert rules use.
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

# Every check's description in the man pages says what tdxctl says of it: the words of
# cli/words/checks.def (TDX_CHECK_WORDS(SYM, "..." "...")), exactly, as the first words of the
# indented text under "*name* (evidence)"; a page may go on after them ("; ..." or ". ...").
words=$(awk '{ buf = buf $0 "\n" }
	END {
		n = split(buf, parts, "TDX_CHECK_WORDS[(]")
		for (i = 2; i <= n; i++) {
			p = parts[i]; sym = p; sub(/,.*/, "", sym); w = ""
			while (match(p, /"[^"]*"/)) {
				w = w substr(p, RSTART + 1, RLENGTH - 2)
				p = substr(p, RSTART + RLENGTH)
			}
			print sym "\t" w
		}
	}' "$src/cli/words/checks.def")
described=$(awk 'function flush() { if (name != "") print name "\t" desc; name = "" }
	/^\*[a-z0-9_.]+\* \([a-z]+\)$/ {
		flush(); name = $1; gsub(/\*/, "", name); desc = ""; next
	}
	name != "" && /^\t/ { sub(/^\t+/, ""); desc = desc (desc == "" ? "" : " ") $0; next }
	{ flush() }
	END { flush() }' "$man"/*.scd)
syms=$(grep -o '^TDX_CHECK([A-Z0-9_]*, *"[^"]*"' "$src/lib/checks.def" |
	sed 's/^TDX_CHECK(\([A-Z0-9_]*\), *"\([^"]*\)"$/\1:\2/')
[ "$(echo "$syms" | wc -l)" = "$(grep -c '^TDX_CHECK(' "$src/lib/checks.def")" ] && ok ||
	bad "every TDX_CHECK entry's symbol and name parsed"
for entry in $syms; do
	sym=${entry%%:*} name=${entry#*:}
	w=$(printf '%s\n' "$words" | awk -F'\t' -v s="$sym" '$1 == s { print $2 }')
	d=$(printf '%s\n' "$described" | awk -F'\t' -v n="$name" '$1 == n { print $2; exit }')
	[ -n "$w" ] || { bad "check $name: no words in cli/words/checks.def"; continue; }
	case $d in
	"$w" | "$w; "* | "$w. "*) ok ;;
	*) bad "check $name: the man page says '$d', cli/words/checks.def '$w'" ;;
	esac
done

# --- exit codes: the one table (cli/exit.c) and every document that uses its numbers ------------
table=$($tdxctl --list-exit-codes)
[ "$(printf '%s\n' "$table" | wc -l)" -ge 10 ] && ok || bad "too few exit codes listed: $table"
sorted() { tr ' ' '\n' | sed '/^$/d' | sort -n | tr '\n' ' '; }
all=$(printf '%s\n' "$table" | cut -f1 | sorted)
retry=$(printf '%s\n' "$table" | awk -F'\t' '$3 == "retry" { print $1 }' | sorted)
code_of() { printf '%s\n' "$table" | awk -F'\t' -v n="$1" '$2 == n { print $1 }'; }
for name in ok rejected module-lost interrupted retry-later unavailable; do
	[ -n "$(code_of $name)" ] && ok || bad "no exit code named $name in the table"
done
# tdxctl(8): an entry "*N*" under EXIT STATUS for each code, and no other.
got=$(sed -n '/^# EXIT STATUS/,/^# [A-Z]/p' "$man/tdxctl.8.scd" | sed -n 's/^\*\([0-9]*\)\*$/\1/p' | sorted)
expect_true "[ '$got' = '$all' ]" "tdxctl(8) EXIT STATUS lists the table's codes ($got; table: $all)"
# README: the "Exit codes" table, each row the code and the meaning as the help prints them.
got=$(sed -n '/^## Exit codes/,/^## [A-Z]/p' "$src/README.md" | sed -n 's/^| \([0-9]*\) | \(.*\) |$/\1\t\2/p')
want=$(printf '%s\n' "$table" | cut -f1,4)
expect_true "[ \"\$got\" = \"\$want\" ]" "README's exit-code rows are the table's (got: $got)"
# tdxctl-update.service: never restarted for a final code, restarted for the retry codes.
unit=$src/contrib/systemd/tdxctl-update.service.in
got=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit" | sorted)
want=$(for c in $all; do case " 0 $retry " in *" $c "*) ;; *) echo "$c" ;; esac; done | sorted)
expect_true "[ '$got' = '$want' ]" "update unit: RestartPreventExitStatus= is every final failure ($got; want $want)"
# ... and its comment names every code.
head=$(sed -n '/^# Exit codes/,/^\[Unit\]/p' "$unit")
for c in $all; do
	expect_true "printf '%s' '$head' | grep -qw '$c'" "update unit's comment names exit code $c"
done
# tdxctl-boot.service: success for "not possible here" and "try later", both codes in the table.
got=$(sed -n 's/^SuccessExitStatus=//p' "$src/contrib/systemd/tdxctl-boot.service.in" | sorted)
want=$(printf '%s\n' "$(code_of unavailable)" $retry | sorted)
expect_true "[ '$got' = '$want' ]" "boot unit: SuccessExitStatus= is unavailable and retry ($got; want $want)"
# cron: its comment names success and the retry codes, which --quiet keeps silent.
for c in 0 $retry; do
	expect_true "grep -q '^#.*\\b$c\\b' '$src/contrib/cron/tdxctl-update'" "cron file names exit code $c"
done
# Ansible: every rc it compares is in the table, and it tells rejected, lost, interrupted and
# retry apart by their codes.
# The playbook and its role's tasks, as one text.
play=$(cat "$src/contrib/ansible/tdxctl-rollout.yml" "$src"/contrib/ansible/roles/tdxctl_rollout/tasks/*.yml)
for c in $(printf '%s\n' "$play" | grep -o 'rc\( | default([0-9]*)\)\? == [0-9]*' | grep -o '[0-9]*$' |
	sort -u); do
	case " $all " in *" $c "*) ok ;; *) bad "Ansible compares rc with $c, not an exit code" ;; esac
done
for name in rejected module-lost interrupted retry-later; do
	c=$(code_of $name)
	expect_true "printf '%s\\n' \"\$play\" | grep -q 'rc == $c\\b'" "Ansible tells $name ($c) apart"
done
# Alert rules: an update "failed" unless its code is success or retry.
rules=$src/contrib/prometheus/tdxctl.rules.yml
got=$(grep -o 'tdx_last_update_exit_code != [0-9]*' "$rules" | grep -o '[0-9]*$' | sorted)
want=$(printf '%s\n' 0 $retry | sorted)
expect_true "[ '$got' = '$want' ]" "alert rules: TdxUpdateFailed spares exactly 0 and retry ($got; want $want)"

finish
