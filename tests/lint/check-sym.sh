#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The library's boundary (lint suite): tests/lint/check-sym.sh NM LIBTDXCTL_SO SYM LIBDIR [MARKED_SO]
#
# Three lists must be equal: what libtdxctl.so exports (nm -D --defined-only, without the
# version node), what lib/libtdxctl.sym lists as global, and what the public headers in LIBDIR
# (libtdxctl.h, tdx-*.h) declare at the start of a line (functions, and extern data such as
# tdx_intel_key_hash). A difference is printed as "+ NAME" / "- NAME" under the pair that differs.
# And the check can fail: the internals that must stay local (update_set, tdx_sysfs_write,
# tdx_log, ...) are asked for by name, and must be defined in the library but not exported.
#
# MARKED_SO is the same library linked without the version script: the library is compiled
# with -fvisibility=hidden, so what it exports is what the TDX_EXPORT marks on definitions
# export. That must be the list too: a function listed but not marked is missing from
# libtdxctl.so, one marked but not listed would be exported by anything linked without the
# script.
set -eu
nm=$1 so=$2 sym=$3 libdir=$4 marked=${5:-}

[ -f "$so" ] || { echo "no $so" >&2; exit 1; }
command -v "$nm" >/dev/null 2>&1 || [ -x "$nm" ] || { echo "$nm not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$nm" -D --defined-only "$so" | awk 'NF == 3 && $3 !~ /^LIBTDXCTL_/ { sub(/@.*/, "", $3); print $3 }' |
	sort -u >"$tmp/exported"
# The names between "global:" and "local:", comments removed.
sed -e 's,/\*.*\*/,,' -e '/\/\*/,/\*\//d' "$sym" |
	awk '/^[[:space:]]*global:/ { on = 1; next } /^[[:space:]]*local:/ { on = 0 }
	     on { gsub(/[[:space:];]/, ""); if ($0 != "") print }' | sort -u >"$tmp/listed"
cat "$libdir"/libtdxctl.h "$libdir"/tdx-*.h | grep -vE '^[[:space:]]|^/?\*|^#|^//' |
	grep -oE '\btdx_[a-z0-9_]+[[(]' | tr -d '([' | sort -u >"$tmp/declared"

fail=0
differ() {
	if ! cmp -s "$tmp/$1" "$tmp/$2"; then
		echo "FAIL: $1 and $2 differ (+ only $1, - only $2):"
		comm -3 "$tmp/$1" "$tmp/$2" | sed -e 's/^\t/- /' -e 't' -e 's/^/+ /'
		fail=1
	fi
}
differ exported listed
differ declared listed
if [ -n "$marked" ]; then
	[ -f "$marked" ] || { echo "no $marked" >&2; exit 1; }
	"$nm" -D --defined-only "$marked" | awk 'NF == 3 { print $3 }' |
		grep -vxE '_init|_fini|_edata|_end|__bss_start' | sort -u >"$tmp/marked"
	differ marked listed
fi

"$nm" --defined-only "$so" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/defined"
for internal in update_set update_phase tdx_sysfs_write tdx_sysfs_read tdx_log tdx_rundir_open; do
	grep -qx "$internal" "$tmp/defined" ||
		{ echo "FAIL: $internal is not in $so at all: the check below proves nothing"; fail=1; }
	if grep -qx "$internal" "$tmp/exported" ||
	   { [ -n "$marked" ] && grep -qx "$internal" "$tmp/marked"; }; then
		echo "FAIL: the internal $internal is exported"
		fail=1
	fi
done
[ "$fail" -eq 0 ] || exit 1
echo "ok: $(wc -l <"$tmp/exported") symbols exported, as $sym lists, the public headers declare${marked:+ and TDX_EXPORT marks}"
