#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# status and its metrics: the running module's TCB status from the TCB Info the host is
# configured with (TDXCTL_CONFDIR/tcb-info.conf and tcb-info.conf.d/*.conf), on a fake host
# running 1.5.08: exact JSON fields, text lines and metric lines for no configuration, a
# configuration that is invalid or untrusted (mode, owner), a TCB Info that is missing, expired,
# badly signed, a drop-in that overrides the main file, an unknown running SVN, and with the SVN
# from the history every status the TCB Info can give (UpToDate, OutOfDate, Revoked, another
# status, no level, no identity for the line) and an unreadable running version.
# Documents signed by a test root made now (tdx-mktcbinfo).
# Usage: test-tcb-status.sh TDXCTL MKTCBINFO
set -u
tdxctl=$1 mktcbinfo=$2
. "$(dirname "$0")/../cli/lib.sh"
command -v jq >/dev/null || { echo "jq not installed: skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
tcb=$tmp/tcb
mkdir "$tcb"
"$mktcbinfo" "$tcb" || { echo "tdx-mktcbinfo failed"; exit 1; }
root=$(cat "$tcb/root.hash")

# A host running 1.5.08 (mainline layout), with its own run, state and configuration folders.
h=$tmp/sys/devices/faux/tdx_host
mkdir -p "$h/firmware/tdx_module" "$tmp/sys/devices/system/cpu" "$tmp/proc" "$tmp/run" \
	"$tmp/state" "$tmp/sys/class/firmware"
printf '0-3\n' >"$tmp/sys/devices/system/cpu/present"
printf '0-3\n' >"$tmp/sys/devices/system/cpu/online"
printf 'processor\t: 0\n' >"$tmp/proc/cpuinfo"
: >"$h/uevent"
printf '1.5.08\n' >"$h/version"
printf '1.5.01\n' >"$h/seamldr_version"
printf '8\n' >"$h/num_remaining_updates"
for f in uevent loading data error; do : >"$h/firmware/tdx_module/$f"; done
printf 'idle\n' >"$h/firmware/tdx_module/status"
export TDXCTL_SYSFS_ROOT=$tmp/sys TDXCTL_PROCFS_ROOT=$tmp/proc TDXCTL_RUNDIR=$tmp/run
export TDXCTL_STATEDIR=$tmp/state TDXCTL_HISTORY=$tmp/state/history.jsonl
conf=$tmp/conf
export TDXCTL_CONFDIR=$conf

# tcb_case WHAT STATUS REASON: status --json's tcb.status and tcb.reason, and the metrics'
# info line, fact and (absent unless rated) gauge.
tcb_case() {
	run "$tdxctl" status --json
	expect_json '[.tcb.status, .tcb.reason]' "[\"$2\",\"$3\"]" "$1: status --json"
	json=$out
	run "$tdxctl" status --prometheus
	expect_rc 0 "$1: metrics written"
	expect_grep "tdx_tcb_status_info{status=\"$2\",reason=\"$3\"} 1" "$out" "$1: metrics"
	expect_grep 'tdx_fact_known{fact="tcb_status"} 0' "$out" "$1: fact unknown"
	expect_true "! printf '%s' \"\$out\" | grep -q '^tdx_tcb_up_to_date '" "$1: no 0/1 gauge"
	msg=$(printf '%s\n' "$out" | promtool check metrics 2>&1) && [ -z "$msg" ] && ok ||
		bad "$1: promtool check metrics: $msg"
	out=$json
}

# --- nothing configured -------------------------------------------------------------------------
tcb_case "no configuration" unknown no-file
expect_json '.tcb | [.config, .file, .why]' \
	"[\"$conf/tcb-info.conf\",null,\"no TCB Info configured ($conf/tcb-info.conf names none)\"]" \
	"no configuration: where it looked"
run "$tdxctl" status
expect_grep "TCB status:         unknown: no TCB Info configured ($conf/tcb-info.conf names none)" \
	"$out" "no configuration: text"
mkdir -m 755 "$conf"
printf '# nothing yet\n\n' >"$conf/tcb-info.conf"
tcb_case "a configuration without a file" unknown no-file

# --- the configuration itself ----------------------------------------------------------------------
printf 'file = %s\nchian = %s\n' "$tcb/uptodate.json" "$tcb/chain.pem" >"$conf/tcb-info.conf"
tcb_case "a misspelt key" unknown config-invalid
expect_json '.tcb.why' "\"the configuration $conf/tcb-info.conf is not used: line 2: unknown key (file, chain and root_hash are known)\"" \
	"a misspelt key: the line named"
printf 'file = tcb.json\n' >"$conf/tcb-info.conf"
tcb_case "a relative path" unknown config-invalid
expect_json '.tcb.why' "\"the configuration $conf/tcb-info.conf is not used: line 1: file must be an absolute path\"" \
	"a relative path"
# why_is WHAT WORDS: status --json's tcb.why is exactly "the configuration CONF is not used: WORDS".
why_is() {
	run "$tdxctl" status --json
	expect_json '.tcb | [.reason, .why]' \
		"$(jq -cn --arg w "the configuration $conf/tcb-info.conf is not used: $2" \
			'["config-invalid", $w]')" "$1"
}
printf '\n# a comment\nfile /a\n' >"$conf/tcb-info.conf"
why_is "not key = value" 'line 3: not "key = value"'
printf 'chain = /a\033[2Jb\n' >"$conf/tcb-info.conf"
why_is "a control character" "line 1: chain holds a control character"
printf 'root_hash = a0af\n' >"$conf/tcb-info.conf"
why_is "a short root_hash" "line 1: root_hash wants 64 hex digits (a SHA-256)"
printf 'file = /%04097d\n' 0 >"$conf/tcb-info.conf"
why_is "a path too long" "line 1: file is longer than 4095 bytes"
printf 'file = /a\0b\n' >"$conf/tcb-info.conf"
why_is "a NUL byte" "a NUL byte: not a text file"
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tcb/uptodate.json" "$tcb/chain.pem" "$root" \
	>"$conf/tcb-info.conf"
chmod 666 "$conf/tcb-info.conf"
tcb_case "a configuration everyone can write" unknown config-invalid
expect_json '.tcb.why' "\"the configuration $conf/tcb-info.conf is not used: the file is writable by every user (mode 0666)\"" \
	"a configuration everyone can write: why"
chmod 644 "$conf/tcb-info.conf"
chown 65534 "$conf/tcb-info.conf"
why_is "a configuration another user owns" "the file is owned by uid 65534, not root"
chown 0 "$conf/tcb-info.conf"
chmod 775 "$conf"
tcb_case "in a folder its group can write" unknown config-invalid
expect_json '.tcb.why' "\"the configuration $conf/tcb-info.conf is not used: its folder is writable by its group (mode 0775)\"" \
	"in a folder its group can write: why"
chmod 755 "$conf"
# More drop-ins than are read: the folder is named.
mkdir -m 755 "$conf/tcb-info.conf.d"
for i in $(seq 10 74); do : >"$conf/tcb-info.conf.d/$i.conf"; done
run "$tdxctl" status --json
expect_json '.tcb | [.reason, .config, .why]' \
	"[\"config-invalid\",\"$conf/tcb-info.conf.d\",\"the configuration $conf/tcb-info.conf.d is not used: more than 64 drop-ins\"]" \
	"too many drop-ins"
rm -r "$conf/tcb-info.conf.d"

# --- the TCB Info it names ----------------------------------------------------------------------------
# A valid document, but nothing says the running module's SVN (no history, no release).
tcb_case "the running SVN unknown" unknown svn-unknown
expect_json '.tcb | [.file, .fmspc, .module_version, .module_svn]' \
	"[\"$tcb/uptodate.json\",\"00806F050000\",\"1.5.08\",null]" "the running SVN unknown: facts"
expect_json '.tcb.next_update | test("^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T")' true \
	"the running SVN unknown: next update"
run "$tdxctl" status --prometheus
expect_true "printf '%s' \"\$out\" | grep -qE '^tdx_tcb_info_next_update_timestamp_seconds [0-9]{10}\$'" \
	"next update in the metrics"
chmod 666 "$tcb/uptodate.json"
tcb_case "a TCB Info everyone can write" unknown file-unreadable
expect_json '.tcb.why' "\"the TCB Info file $tcb/uptodate.json cannot be used: the file is writable by every user (mode 0666)\"" \
	"a TCB Info everyone can write: why"
chmod 644 "$tcb/uptodate.json"
printf 'file = %s/none.json\n' "$tcb" >"$conf/tcb-info.conf"
tcb_case "a missing TCB Info" unknown file-unreadable
expect_json '.tcb.why' "\"the TCB Info file $tcb/none.json cannot be used: No such file or directory\"" \
	"a missing TCB Info: why"
printf 'file = %s\nchain = %s/none.pem\nroot_hash = %s\n' "$tcb/uptodate.json" "$tcb" "$root" \
	>"$conf/tcb-info.conf"
tcb_case "a missing chain" unknown file-unreadable
expect_json '.tcb.why' "\"the TCB Info chain $tcb/none.pem cannot be used: No such file or directory\"" \
	"a missing chain: the chain named"
printf 'file = %s\nchain = %s\n' "$tcb/uptodate.json" "$tcb/chain.pem" >"$conf/tcb-info.conf"
tcb_case "Intel's root, a test chain" unknown file-invalid
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tcb/badsig.json" "$tcb/chain.pem" "$root" \
	>"$conf/tcb-info.conf"
tcb_case "a bad signature" unknown file-invalid

# A drop-in overrides the main file's key: the expired document.
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tcb/uptodate.json" "$tcb/chain.pem" "$root" \
	>"$conf/tcb-info.conf"
mkdir -m 755 "$conf/tcb-info.conf.d"
printf 'file = %s\n' "$tcb/expired.json" >"$conf/tcb-info.conf.d/50-expired.conf"
printf 'file = %s\n' "$tcb/revoked.json" >"$conf/tcb-info.conf.d/10-revoked.conf"
printf 'file = %s\n' "$tcb/revoked.json" >"$conf/tcb-info.conf.d/90-ignored.conf~"
tcb_case "a drop-in, the last by name" unknown file-expired
expect_json '.tcb | [.config, .file]' \
	"[\"$conf/tcb-info.conf.d/50-expired.conf\",\"$tcb/expired.json\"]" "a drop-in: which file"
expect_json '.tcb.why | startswith("the TCB Info '"$tcb"'/expired.json is out of date: expired: its nextUpdate is")' \
	true "a drop-in: expired, said"
run "$tdxctl" status
expect_grep "TCB status:         unknown: the TCB Info $tcb/expired.json is out of date: expired:" \
	"$out" "expired: text"
rm -f "$conf/tcb-info.conf.d/"*

# --- rated: the history's record of the update that installed 1.5.08 gives its SVN, 1.8 --------
printf '%s\n' '{"time":"2026-12-01T10:00:00Z","kind":"update","old_version":"1.5.06","new_version":"1.5.08","image_version":"1.5.08","outcome":"ok","exit_code":0,"uploaded":true,"image_svn_major":1,"image_svn_minor":8}' \
	>"$TDXCTL_HISTORY"
# rated WHAT DOC STATUS GRADE UP_TO_DATE
rated() {
	printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tcb/$2.json" "$tcb/chain.pem" "$root" \
		>"$conf/tcb-info.conf"
	run "$tdxctl" status --json
	expect_json '.tcb | [.status, .grade, .reason, .why, .module_version, .module_svn, .svn_source, .svn_evidence, .identity]' \
		"[\"$3\",\"$4\",\"rated\",null,\"1.5.08\",\"1.8\",\"history\",\"2026-12-01T10:00:00Z\",\"TDX_01\"]" \
		"$1: status --json"
	run "$tdxctl" status --prometheus
	expect_grep "tdx_tcb_status_info{status=\"$3\",reason=\"rated\"} 1" "$out" "$1: metrics info"
	expect_grep 'tdx_fact_known{fact="tcb_status"} 1' "$out" "$1: fact known"
	expect_true "printf '%s\n' \"\$out\" | grep -qx 'tdx_tcb_up_to_date $5'" "$1: tdx_tcb_up_to_date $5"
	msg=$(printf '%s\n' "$out" | promtool check metrics 2>&1) && [ -z "$msg" ] && ok ||
		bad "$1: promtool check metrics: $msg"
}
rated "UpToDate" uptodate UpToDate UpToDate 1
run "$tdxctl" status --json
expect_json '.tcb | [.level_isvsvn, .fmspc]' '[8,"00806F050000"]' "UpToDate: level"
run "$tdxctl" status
expect_grep "TCB status:         UpToDate (module 1.5.08, SVN 1.8 from the history; TDX_01 level 8; TCB Info $tcb/uptodate.json, next update " \
	"$out" "UpToDate: text"
rated "OutOfDate" outofdate OutOfDate OutOfDate 0
run "$tdxctl" status
expect_grep "verifiers rate this host's TDs OutOfDate: install a release the TCB Info rates UpToDate" \
	"$out" "OutOfDate: what it means, in text"
rated "Revoked" revoked Revoked Revoked 0
rated "another status" other ConfigurationNeeded OutOfDate 0
rated "no level at or below the SVN" notsupported NotSupported NotSupported 0
run "$tdxctl" status --json
expect_json '.tcb.level_isvsvn' 'null' "NotSupported: no level"
# A document for another module line.
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tcb/mismatch.json" "$tcb/chain.pem" "$root" \
	>"$conf/tcb-info.conf"
tcb_case "no identity for the running line" unknown no-identity
expect_json '.tcb.why' "\"the TCB Info $tcb/mismatch.json has no identity TDX_01 for the running module 1.5.08 (SVN 1.8)\"" \
	"no identity: why"
# The module lost: its version cannot be read.
printf 'file = %s\nchain = %s\nroot_hash = %s\n' "$tcb/uptodate.json" "$tcb/chain.pem" "$root" \
	>"$conf/tcb-info.conf"
mv "$h/version" "$h/version.gone"
tcb_case "the running version unreadable" unknown module-unknown
mv "$h/version.gone" "$h/version"

finish
