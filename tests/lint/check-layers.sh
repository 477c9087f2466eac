#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The library's layers in its includes (lint suite): tests/lint/check-layers.sh LIBDIR
#
# lib/ is four layers, each using only those below it: the base (ctx.c: the context; private.h,
# tdx-ctx.h), the pure format code and rules (lib/format, lib/rules; tdx-format.h, tdx-rules.h,
# format-private.h), the host code (lib/host; tdx-host.h, tdx-gate.h, host-private.h) and the
# update (lib/update; tdx-update.h, update-private.h; libtdxctl.h, which includes everything, is
# for front ends). A file of one
# layer that includes a header of a layer above it fails, printed as "FILE: HEADER (layer N
# above M)": pure code that merely sees a host declaration could call it, and only the nm check
# of the pure archive (check-pure.sh) would notice, after the fact. A quoted header the check
# does not know fails too, so that a new header is given its layer here.
# And the check can fail: a copy of a format file made to include tdx-host.h must be refused.
set -eu
libdir=$1

# The layer of a header: 0 base, 1 format, 2 host, 3 update.
header_layer() {
	case $1 in
	config.h | private.h | tdx-ctx.h) echo 0 ;;
	tdx-format.h | format-private.h | image-private.h | checks.def | findings/*.def | tdx-rules.h | \
	tdx-tcb.h | tcb-private.h | rules-private.h | tdx-launch.h) echo 1 ;;
	tdx-host.h | tdx-gate.h | host-private.h) echo 2 ;;
	tdx-update.h | update-private.h | libtdxctl.h) echo 3 ;;
	*) echo unknown ;;
	esac
}

# The layer of a file of lib/: its folder, or for the public headers, its name.
file_layer() {
	case $1 in
	*/format/* | */rules/*) echo 1 ;;
	*/host/*) echo 2 ;;
	*/update/*) echo 3 ;;
	*) header_layer "$(basename "$1")" | sed 's/^unknown$/0/' ;;
	esac
}

# check FILE: prints one line per include above the file's layer; returns 1 when any.
check() {
	own=$(file_layer "$1") bad=0
	for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"); do
		l=$(header_layer "$h")
		if [ "$l" = unknown ]; then
			echo "$1: $h (a header of no known layer: give it one in $0)"
			bad=1
		elif [ "$l" -gt "$own" ]; then
			echo "$1: $h (layer $l above $own)"
			bad=1
		fi
	done
	return $bad
}

fail=0 n=0
for f in "$libdir"/*.c "$libdir"/*.h "$libdir"/*/*.c "$libdir"/*/*.h; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	check "$f" || fail=1
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/format"
printf '#include "format-private.h"\n#include "tdx-host.h"\n' >"$tmp/format/planted.c"
if check "$tmp/format/planted.c" >/dev/null; then
	echo "FAIL: a format file including tdx-host.h passed: the check proves nothing"
	fail=1
fi
[ "$fail" -eq 0 ] || { echo "FAIL: an include crosses the layers upwards" >&2; exit 1; }
echo "ok: $n files of $libdir include only their own layer's headers and those below"
