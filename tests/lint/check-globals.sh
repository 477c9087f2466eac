#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# No mutable globals (lint suite): tests/lint/check-globals.sh OBJDUMP OBJECT... [--expect-fail]
# (an OBJECT that is a folder: each *.o in it)
#
# State is an opaque context passed explicitly (struct tdx_ctx in lib/, the command's options
# and main()'s struct cli_run in cli/), never a file-scope or static variable: one a process
# hides who set it, and breaks a second context or parse in the same process. So no OBJECT
# (objects or archives: libtdxctl.a, cli/'s objects) may define a data symbol in a writable
# section (.data, .bss, thread-local, common); tables are const, and a const table with
# pointers in it lives in .data.rel.ro, read-only once relocated, which is fine. Each finding is
# printed as "OBJECT: MEMBER: SYMBOL (SECTION)". With --expect-fail the exceptions below are not
# allowed, and the check must find something (cli/ has argp's globals): it can fail.
#
# The exceptions, each with why:
#   argp_program_version, argp_program_bug_address: argp's API, globals it reads by name;
#   update_signal: what update's signal handler saw; a handler is given no context;
#   filters: output_filter_open()'s escaping filters over stdout and stderr, which live as
#     long as the standard streams they stand in for (and LeakSanitizer cannot see a heap one).
# Names a compiler or tool makes (__gcov*, __asan*, __odr_asan*, .L...) are not the code's.
set -eu
objdump=$1
shift
expect=
for a in "$@"; do [ "$a" = --expect-fail ] && expect=1; done
command -v "$objdump" >/dev/null 2>&1 || [ -x "$objdump" ] || {
	echo "$objdump not installed: skipped"; exit 77; }
allowed='argp_program_version argp_program_bug_address update_signal filters'
[ -n "$expect" ] && allowed=

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for o in "$@"; do
	[ "$o" = --expect-fail ] && continue
	if [ -d "$o" ]; then
		set -- "$o"/*.o
		[ -f "$1" ] || { echo "FAIL: no object in $o" >&2; exit 1; }
	else
		[ -f "$o" ] || { echo "FAIL: no $o" >&2; exit 1; }
		set -- "$o"
	fi
	n=$((n + $#))
	# "ADDR FLAGS O SECTION SIZE NAME": data objects in a writable section.
	"$objdump" -t "$@" | awk -v where="$o" -v allowed="$allowed" '
		BEGIN { na = split(allowed, al, " "); for (k = 1; k <= na; k++) ok[al[k]] = 1 }
		/file format/ { obj = $1; sub(/:$/, "", obj); sub(/^.*\//, "", obj); next }
		/^[0-9a-f]+ / && / O / {
			name = $NF; sec = $(NF - 2)
			if (sec !~ /^(\.data|\.bss|\.tdata|\.tbss|\*COM\*)/ || sec ~ /^\.data\.rel\.ro/)
				next
			if (name ~ /^(__|\.)/)
				next
			# A static local: gcc names it NAME.N, clang FUNCTION.NAME.
			base = name
			sub(/\.[0-9]+$/, "", base)
			sub(/^.*\./, "", base)
			if (base in ok)
				next
			print where ": " obj ": " name " (" sec ")"
		}' >>"$tmp/found"
done
[ "$n" -gt 0 ] || { echo "FAIL: no object to check" >&2; exit 1; }
cat "$tmp/found"
found=$(wc -l <"$tmp/found")
if [ -n "$expect" ]; then
	[ "$found" -gt 0 ] || { echo "FAIL: nothing found without the exceptions: the check cannot fail" >&2; exit 1; }
	echo "ok: without the exceptions the check finds $found, as it must"
	exit 0
fi
if [ "$found" -gt 0 ]; then
	echo "FAIL: $found mutable global(s): pass the state explicitly (see $0)" >&2
	exit 1
fi
echo "ok: $n objects (an archive counted once) define no mutable global beyond the exceptions"
