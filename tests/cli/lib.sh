# SPDX-License-Identifier: GPL-2.0-only
# A tiny assertion kit for command tests: each assertion counts; the last line is
# "N passed, N failed" and the exit status is non-zero when anything failed.

npass=0
nfail=0
out=""
rc=0
# No case reads the machine's configuration (/etc/tdxctl/tcb-info.conf): this folder never
# exists; a case that wants a configuration exports its own.
export TDXCTL_CONFDIR="${TMPDIR:-/tmp}/tdxctl-test-no-conf.$$"

ok() {
	npass=$((npass + 1))
}

bad() {
	nfail=$((nfail + 1))
	echo "FAIL: $*" >&2
}

# run CMD...: runs it, keeping stdout in $out, stderr in $errout and the status in $rc.
# tdxctl runs under $TDXCTL_WRAPPER when set (`meson test --setup valgrind`: memcheck).
run() {
	errfile=$(mktemp)
	case $1 in
	# shellcheck disable=SC2086
	*/tdxctl | tdxctl) set -- ${TDXCTL_WRAPPER:-} "$@" ;;
	esac
	out=$("$@" 2>"$errfile") && rc=0 || rc=$?
	errout=$(cat "$errfile")
	rm -f "$errfile"
}

# expect_rc WANT WHAT: the last run exited WANT.
expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, expected $1 (stderr: $errout)"; fi
}

# expect_json FILTER WANT WHAT: jq FILTER on the last stdout prints WANT.
expect_json() {
	got=$(printf '%s' "$out" | jq -c "$1" 2>&1) || got="(jq: $got)"
	if [ "$got" = "$2" ]; then ok; else bad "$3: $1 is $got, expected $2"; fi
}

# expect_grep PATTERN TEXT WHAT: TEXT contains PATTERN (fixed string).
expect_grep() {
	if printf '%s' "$2" | grep -qF -- "$1"; then ok; else bad "$3: no '$1' in: $2"; fi
}

expect_true() {
	if eval "$1"; then ok; else bad "$2: ($1) is false"; fi
}

finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}
