#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The exe_wrapper of `meson test --setup valgrind`: a test program runs under memcheck; a test
# script runs as it is, with TDXCTL_WRAPPER set so that tests/cli/lib.sh's run() starts each
# tdxctl under memcheck instead of the shell. Any memcheck error, or a block definitely or
# indirectly lost, makes the program exit 99.
set -eu
vg="valgrind --tool=memcheck -q --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
	--num-callers=30"
command -v valgrind >/dev/null || { echo "valgrind-wrap.sh: valgrind is not installed" >&2; exit 1; }
if [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; then
	# shellcheck disable=SC2086
	exec $vg "$@"
fi
case $(basename "$1") in
test-gate.sh)
	# Its closers hold the gate for 2 s, less than a few tdxctl starts take under memcheck.
	echo "valgrind-wrap.sh: $1 is timing-bound: tdxctl runs without memcheck" >&2
	exec "$@"
	;;
esac
# shellcheck disable=SC2086
TDXCTL_WRAPPER=$(echo $vg)
export TDXCTL_WRAPPER
exec "$@"
