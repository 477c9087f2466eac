#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Static analysis of lib/ and cli/ (the 'lint' suite):
#   tests/lint/run-lint.sh clang-tidy|cppcheck BUILD_DIR SOURCE_ROOT
# Uses BUILD_DIR/compile_commands.json restricted to lib/**.c and cli/*.c, the configuration in
# SOURCE_ROOT/.clang-tidy or tests/lint/cppcheck-suppressions.txt, and fails on any finding.
# Exits 77 (skip) when the tool is not installed.
set -eu
tool=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
jobs=${LINT_JOBS:-2}

command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 77; }
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The project's own C files (SOURCE_ROOT/lib/**.c, SOURCE_ROOT/cli/*.c), once each: a file
# compiled twice, e.g. for the fuzz library, is analysed with its first command.
tab=$(printf '\t')
jq -r 'to_entries[] | "\(.key)\t\(.value.directory)\t\(.value.file)"' \
	"$build/compile_commands.json" | while IFS=$tab read -r key dir file; do
	case $file in /*) path=$file ;; *) path=$dir/$file ;; esac
	path=$(realpath -m "$path")
	case ${path#"$src"/} in
	cli/*/*) ;;
	lib/*.c | lib/*/*.c | cli/*.c) echo "$key $path" ;;
	esac
done | sort -k2,2 -u -s >"$tmp/selected"
keys=$(cut -d' ' -f1 "$tmp/selected" | paste -sd, -)
jq --argjson keys "[$keys]" '. as $all | [$keys[] | $all[.]]' "$build/compile_commands.json" \
	>"$tmp/compile_commands.json"
cut -d' ' -f2 "$tmp/selected" >"$tmp/files"
n=$(wc -l <"$tmp/files")
[ "$n" -gt 0 ] || { echo "no lib/ or cli/ file in the compile database" >&2; exit 1; }

rc=0
case $tool in
clang-tidy)
	# -Wno-unknown-warning-option: the database may come from a gcc build.
	xargs -P "$jobs" -n 4 clang-tidy -p "$tmp" --quiet \
		--extra-arg=-Wno-unknown-warning-option <"$tmp/files" >"$tmp/out" 2>&1 || rc=1
	grep -E '(warning|error):' "$tmp/out" | sed "s|$src/||; s|$build/\.\./||" | sort -u \
		>"$tmp/findings" || true
	;;
cppcheck)
	mkdir "$tmp/cache"
	cppcheck --project="$tmp/compile_commands.json" --std=c11 --quiet -j "$jobs" \
		--enable=warning,style,performance,portability --inline-suppr \
		--suppressions-list="$src/tests/lint/cppcheck-suppressions.txt" \
		--cppcheck-build-dir="$tmp/cache" --error-exitcode=1 \
		--template='{file}:{line}: {severity}: {id}: {message}' >"$tmp/out" 2>&1 || rc=1
	grep -E ': (error|warning|style|performance|portability): ' "$tmp/out" |
		sed "s|$src/||" | sort -u >"$tmp/findings" || true
	;;
*)
	echo "usage: run-lint.sh clang-tidy|cppcheck BUILD_DIR SOURCE_ROOT" >&2
	exit 2
	;;
esac

findings=$(wc -l <"$tmp/findings")
if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
	cat "$tmp/findings"
	[ "$findings" -ne 0 ] || tail -n 20 "$tmp/out"
	echo "$tool: $findings findings in $n files"
	exit 1
fi
echo "$tool: $n files, no findings"
