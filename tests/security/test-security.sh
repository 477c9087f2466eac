#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 16's reproducers, each replayed and asserted to fail now: as user nobody (setpriv) where
# the attack was a local user's, with a hostile environment where it was sudo's. Needs root
# (to become nobody and to be the root that must not be misled); skips (77) otherwise.
# Usage: test-security.sh TDXCTL FIXTURE_DIR SOURCE_ROOT
set -u
tdxctl=$1
fx=$2
src=$3
static_libcrypto=${4:-false}
. "$src/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	echo "SKIP: needs root and setpriv (util-linux)"
	exit 77
fi
# Under /tmp itself, not $TMPDIR: user nobody must reach these files for the attacks to be
# real (a private $TMPDIR would refuse them all for the wrong reason). Removed at exit.
tmp=$(mktemp -d /tmp/tdxctl-security.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"
key="--key-hash $(cat "$fx/test-key.hash")"
# As user nobody, with no supplementary groups.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- "$@"
}
# wait_locked FILE: until another process holds a flock on FILE (or 10 s).
wait_locked() {
	for _ in $(seq 200); do flock -n -x "$1" true 2>/dev/null || return 0; sleep 0.05; done
	return 1
}
run as_nobody test -x "$tmp"
expect_rc 0 "user nobody can reach the test folder (else every attack below fails trivially)"
ESC=$'\033' BEL=$'\a'

# --- 3: bytes from file names and files reach the terminal, the log and JSON escaped ------------
d=$tmp/rel
mkdir "$d"
evil=$(printf 'tdx_module_1.5.09\033[2J\033]0;owned\a\xff\xc2\x9b.img')
cp "$fx/fixture-1.5.08.img" "$d/$evil"
for cmd in "list $d" "verify $d/$evil" "inspect $d/$evil"; do
	# shellcheck disable=SC2086
	run $tdxctl $cmd $key
	expect_true '! printf "%s%s" "$out" "$errout" | LC_ALL=C grep -q "[$ESC$BEL]"' \
		"3: $cmd prints no ESC or BEL"
	expect_true '! printf "%s%s" "$out" "$errout" | LC_ALL=C grep -qP "\xc2[\x80-\x9f]|\x9b"' \
		"3: $cmd prints no C1"
	expect_grep '\e[2J\e]0;owned\x07\xff\x9b' "$out$errout" "3: $cmd shows the bytes escaped"
	# shellcheck disable=SC2086
	run $tdxctl $cmd $key --json
	expect_true 'printf "%s" "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1' \
		"3: $cmd --json is valid UTF-8"
	expect_true '! printf "%s" "$out" | LC_ALL=C grep -qP "\xc2[\x80-\x9f]"' \
		"3: $cmd --json has no C1 character"
	expect_true 'printf "%s" "$out" | jq -e . >/dev/null' "3: $cmd --json parses"
done
# The log: a library message naming the file is one escaped line.
TDXCTL_LOG=debug run $tdxctl verify "$d/$evil"
expect_true '! printf "%s" "$errout" | LC_ALL=C grep -q "[$ESC$BEL]"' "3: log lines are escaped"
# history: a record holding a terminal sequence, and a line that is not UTF-8.
printf '{"time":"2026-01-01T00:00:00Z","image":"a\\u001b[2Jb\\u009b","outcome":"ok","exit_code":0}\n' \
	> "$tmp/history.jsonl"
printf '{"time":"2026-01-01T00:00:01Z","image":"c\xffd","outcome":"ok","exit_code":0}\n' \
	>> "$tmp/history.jsonl"
run $tdxctl history --history "$tmp/history.jsonl"
expect_rc 0 "3: history reads"
expect_true '! printf "%s%s" "$out" "$errout" | LC_ALL=C grep -qP "\x1b|\xc2[\x80-\x9f]"' \
	"3: history prints no ESC or C1"
run $tdxctl history --history "$tmp/history.jsonl" --json
expect_true 'printf "%s" "$out" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1' \
	"3: history --json is valid UTF-8"

# --- 1: no local user can hold the update lock or the gate's locks ---------------------------------
run=$tmp/run
export TDXCTL_RUNDIR=$run
run $tdxctl build begin sec1 --pid $$ --quiet
expect_rc 0 "1: root records a build"
run $tdxctl build end sec1 --quiet
# The updater holds the gate closed (tdx-gate-helper: tdx_gate_close) until release1 exists.
"$fx/cli/tdx-gate-helper" "$run" 0 "$tmp/release1" >/dev/null &
gh=$!; pids="$pids $gh"
for _ in $(seq 200); do [ -s "$run/gate.closed" ] && break; sleep 0.05; done
expect_true '[ -s "$run/gate.closed" ]' "1: the closed gate is a record, gate.closed"
# Root's own lock (issue 24): in a 0700 folder nobody else can enter, let alone lock in.
mode=$(stat -c %a "$run/private")
expect_true '[ "$mode" = 700 ] && [ "$(stat -c %u "$run/private")" = 0 ]' \
	"1: private/ is root's, 0700 ($mode)"
mode=$(stat -c %a "$run/private/gate.lock")
expect_true '[ "$mode" = 600 ]' "1: private/gate.lock is 0600 ($mode)"
run as_nobody flock -n -x "$run/private/gate.lock" true
expect_true '[ "$rc" -ne 0 ]' "1: nobody cannot open private/gate.lock (exit $rc)"
if getent group tdxctl >/dev/null; then
	echo "SKIP: group tdxctl exists here: gate.closed is group-readable by design"
else
	mode=$(stat -c %a "$run/gate.closed")
	expect_true '[ "$mode" = 600 ]' "1: gate.closed is private without a launcher group ($mode)"
	run as_nobody flock -n -x "$run/gate.closed" true
	expect_true '[ "$rc" -ne 0 ]' "1: nobody cannot open gate.closed to flock it (exit $rc)"
fi
# A signal ends a wait for the gate at once: build begin --wait, SIGTERM.
$tdxctl build begin sec4 --pid $$ --wait 60s 2>/dev/null &
waiter=$!
sleep 0.3
kill -TERM "$waiter"
wait "$waiter"
expect_true '[ $? -eq 143 ]' "1: SIGTERM ends build begin's wait for a closed gate"
touch "$tmp/release1"; wait "$gh"
expect_true '[ ! -e "$run/gate.closed" ]' "1: the gate reopened: no record"
# status as nobody: the lock is root's, so it is unknown to them, never "free".
run as_nobody env TDXCTL_RUNDIR="$run" "$tdxctl" status --json
expect_json '.lock.held' null "1: nobody's status cannot tell the update lock (not 'free')"
expect_json '[.checks[] | select(.check == "host.lock") | .status]' '["warn"]' \
	"1: nobody's status: host.lock is a warning (unknown), not a pass"
mode=$(stat -c %a "$run")
expect_true '[ "$mode" = 755 ]' "1: the run folder is 0755 ($mode)"
mode=$(stat -c %a "$run/builds")
expect_true '[ "$mode" = 755 ]' "1: builds/ is 0755 without a launcher group ($mode)"

# A holder of the old top-level gate.lock or of gate.closed (what a launcher group member could
# open) holds nobody: nothing root waits on is in a file others can open (issue 24, N4).
install -m 0660 /dev/null "$run/gate.lock"
install -m 0640 /dev/null "$run/gate.closed"
bash -c "exec 8<'$run/gate.lock' 9<'$run/gate.closed' && flock -x 8 && flock -x 9 && exec sleep 600" &
holder=$!; pids="$pids $holder"
wait_locked "$run/gate.closed"
SECONDS=0
run $tdxctl build begin sec3 --pid $$ --quiet
expect_rc 0 "1: build begin ignores a held gate.lock and gate.closed"
expect_true '[ $SECONDS -lt 5 ]' "1: and does not wait ($SECONDS s)"
run $tdxctl build list --json
expect_json '.gate' '"open"' "1: a flock on gate.closed does not close the gate"
$tdxctl build end sec3 --quiet
run "$fx/cli/tdx-gate-helper" "$run" 0 0
expect_rc 0 "1: the updater closes the gate at once"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
rm -f "$run/gate.lock"

# --- 2: no path root writes comes from the caller under sudo ---------------------------------------
target=$tmp/victim
printf 'precious\n' > "$target"
SUDO_UID=65534 SUDO_USER=nobody run $tdxctl history --history "$target"
expect_rc 77 "2: --history refused under sudo"
SUDO_UID=65534 SUDO_USER=nobody run $tdxctl update --dry-run --history "$target" "$fx/fixture-1.5.08.img"
expect_rc 77 "2: update --history refused under sudo"
expect_true '[ "$(cat "$target")" = precious ]' "2: the file is untouched"
SUDO_UID=65534 run $tdxctl build begin x --rundir "$tmp/elsewhere" --pid $$
expect_rc 77 "2: --rundir refused under sudo"
expect_true '[ ! -e "$tmp/elsewhere" ]' "2: no folder was created"
SUDO_UID=65534 run $tdxctl status --module evil_module
expect_rc 77 "2: --module refused under sudo"
SUDO_UID=65534 run $tdxctl convert "$fx/fixture-1.5.08.img" -o "$tmp/out.img"
expect_rc 77 "2: convert -o refused under sudo"
SUDO_UID=65534 TDXCTL_RUNDIR=$tmp/envrun run $tdxctl build list --json
expect_json '.rundir' '"/run/tdxctl"' "2: \$TDXCTL_RUNDIR ignored under sudo"
expect_grep 'TDXCTL_RUNDIR ignored' "$errout" "2: and the caller is told"
SUDO_UID=65534 TDXCTL_MODULE=evil_module run $tdxctl status --json
expect_json '.kernel_module' '"tdx_host"' "2: \$TDXCTL_MODULE ignored under sudo"
SUDO_UID=65534 TDXCTL_HISTORY=$target run $tdxctl update --dry-run "$fx/fixture-1.5.08.img" $key
expect_true '[ "$(cat "$target")" = precious ]' "2: \$TDXCTL_HISTORY ignored under sudo"
# Root itself (no sudo) keeps its options.
run $tdxctl build list --rundir "$tmp/own" --json
expect_json '.rundir' "\"$tmp/own\"" "2: plain root may still choose --rundir"

# --- 4: a mapping file planted where others can write does not change what is installable ---------
pub=$tmp/pub
mkdir -m 1777 "$pub"
mkdir -m 0755 "$pub/releases"
cp "$fx/fixture-1.5.08.img" "$pub/releases/tdx_module_1.5.09.img"
# nobody plants a mapping file in the world-writable parent: it would list 1.5.09.
as_nobody sh -c "printf '%s' '{\"releases\":[]}' > '$pub/mapping_file.json'"
expect_true '[ -O "$pub/mapping_file.json" ] || [ -e "$pub/mapping_file.json" ]' "4: nobody planted it"
run $tdxctl list "$pub/releases" $key --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8 --json
expect_rc 0 "4: list of the releases"
expect_json '.mapping' null "4: the parent folder's mapping file is not used"
# Beside the image, in a folder others can write: refused, not used.
mkdir -m 0777 "$tmp/open"
cp "$fx/fixture-1.5.08.img" "$tmp/open/tdx_module_1.5.09.img"
printf '{"releases":[]}' > "$tmp/open/mapping_file.json"
run $tdxctl list "$tmp/open" $key --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8 --json
expect_rc 66 "4: a mapping file in a world-writable folder is refused"
run $tdxctl update --dry-run "$tmp/open/tdx_module_1.5.09.img" $key --json
expect_rc 66 "4: update refuses it too"
expect_grep "cannot use the mapping file $tmp/open/mapping_file.json: its folder is writable by every user (mode 0777), so it is not trusted (fix its owner and mode, or give --mapping); nothing was changed" \
	"$out" "4: and says why"
# Named with --mapping but owned by nobody: refused as well.
chmod 0755 "$tmp/open"
chown nobody "$tmp/open/mapping_file.json"
run $tdxctl list "$tmp/open" $key --running 1.5.08 --seamldr 1.5.02 --cpuid 0x806F8 \
	--mapping "$tmp/open/mapping_file.json"
expect_rc 66 "4: --mapping owned by another user is refused"
expect_grep "tdxctl: $tmp/open/mapping_file.json is not trusted to decide what is installable: the file is owned by uid $(id -u nobody), not root; nothing was judged" \
	"$errout" "4: and says whose it is"

# --- 7: a run folder launchers could write is refused; its files are checked ---------------------
bad=$tmp/badrun
mkdir -m 0777 "$bad"
run $tdxctl build begin x --rundir "$bad" --pid $$
expect_rc 77 "7: a world-writable run folder is refused"
expect_grep "writable by every user" "$errout" "7: and says why"
chmod 0775 "$bad"
run $tdxctl build begin x --rundir "$bad" --pid $$
expect_rc 77 "7: a group-writable run folder is refused"
chown nobody "$bad"; chmod 0755 "$bad"
run $tdxctl build begin x --rundir "$bad" --pid $$
expect_rc 77 "7: a run folder owned by another user is refused"
# nobody cannot remove gate.closed (the folder is root's): the gate stays closed.
install -m 0600 /dev/null "$run/gate.closed"
run as_nobody rm -f "$run/gate.closed"
expect_true '[ -e "$run/gate.closed" ]' "7: nobody cannot remove gate.closed"
rm -f "$run/gate.closed"
# A FIFO in builds/ does not hang the updater: it is not a regular file, and is ignored.
mkfifo "$run/builds/fifo"
run $tdxctl build list --json
expect_rc 0 "7: build list with a FIFO in builds/"
expect_json '.builds' '[]' "7: the FIFO is ignored"
rm -f "$run/builds/fifo"
# builds/ as a symlink: refused, nothing written or deleted elsewhere.
sl=$tmp/slrun
mkdir -m 0755 "$sl" "$tmp/target"
ln -s "$tmp/target" "$sl/builds"
run $tdxctl build begin x --rundir "$sl" --pid $$
expect_true '[ "$rc" -ne 0 ]' "7: builds/ as a symlink is refused (exit $rc)"
expect_true '[ -z "$(ls -A "$tmp/target")" ]' "7: nothing was written through the symlink"
# A far-future expiry is capped at the longest TTL from the start.
now=$(date +%s)
printf '{"name":"forever","pid":%d,"pid_start_time":%s,"started":%d,"expires":%d}\n' $$ \
	"$(awk '{print $22}' /proc/$$/stat)" $((now - 2 * 86400)) $((now + 10 * 365 * 86400)) \
	> "$run/builds/forever"
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state]]' '[["forever","expired"]]' \
	"7: an entry claiming a ten-year expiry is expired after at most a day"
rm -f "$run/builds/forever"

# --- 8: boot-time clocks; the permission message; non-regular images -----------------------------
run $tdxctl build begin clock --pid $$ --quiet
clock=$(ls "$run"/builds/0.clock.*)
expect_true 'grep -q "\"boot_id\":\"$(cat /proc/sys/kernel/random/boot_id)\"" "$clock"' \
	"8: entries record the boot ID"
expect_true 'grep -q "\"expires_boot\":" "$clock"' "8: and boot-time expiries"
# The wall-clock fields moved a day into the past (a clock jump) do not expire it.
sed -i "s/\"expires\":[0-9]*/\"expires\":$((now - 86400))/" "$clock"
run $tdxctl build list --json
expect_json '[.builds[] | [.name, .state]]' '[["clock","live"]]' \
	"8: a wall-clock jump does not expire a live build"
$tdxctl build end clock --quiet
run as_nobody env TDXCTL_RUNDIR="$run" "$tdxctl" build begin nb --pid 1
expect_rc 77 "8: nobody may not record builds"
expect_true '! printf "%s" "$errout" | grep -q -- --rundir' "8: the message does not suggest --rundir"
expect_grep "TRUST MODEL" "$errout" "8: it points to the trust model"
mkfifo "$tmp/fifo.img"
run $tdxctl verify "$tmp/fifo.img"
expect_rc 66 "8: verify refuses a FIFO"
expect_grep "not a regular file" "$errout" "8: and says why"

# --- 5: a build recorded inside a PID namespace is live while its owner runs -------------------------
if unshare --pid --fork --mount-proc true 2>/dev/null; then
	unshare --pid --fork --kill-child --mount-proc sh -c \
		"TDXCTL_RUNDIR='$run' '$tdxctl' build begin inns --pid \$\$ --quiet && echo ok > '$tmp/ns.ok' && sleep 600" &
	nspid=$!; pids="$pids $nspid"
	for _ in $(seq 200); do [ -e "$tmp/ns.ok" ] && break; sleep 0.05; done
	run $tdxctl build list --json
	expect_json '[.builds[] | [.name, .state]]' '[["inns","live"]]' \
		"5: a build from inside a PID namespace is live while its owner runs"
	kill -KILL "$nspid"; wait "$nspid" 2>/dev/null
	# --kill-child kills the namespace's init asynchronously: give it a moment to be gone.
	for _ in $(seq 100); do
		run $tdxctl build list --json
		printf '%s' "$out" | grep -q '"stale"' && break
		sleep 0.05
	done
	expect_json '[.builds[] | [.name, .state]]' '[["inns","stale"]]' \
		"5: and stale once its owner is gone"
	$tdxctl build end inns --quiet
else
	echo "SKIP: unshare --pid not permitted here: finding 5 not replayed"
fi

# ================= Issue 24: the third pass ========================================================
# A fake host (sysfs, procfs, run folder, history) on which a real update uploads to a file: the
# host suite's tree, mainline layout, with an image for this very CPU.
mkfixture=$fx/tdx-mkfixture
field() { sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n 1; }
fam=$(field 'cpu family') model=$(field model) stepping=$(field stepping)
if [ "${fam:-15}" -ge 15 ]; then basefam=15 extfam=$((${fam:-15} - 15)); else basefam=$fam extfam=0; fi
eax=$(printf '0x%X' $(( (extfam << 20) | ((${model:-0} >> 4) << 16) | (basefam << 8) |
	((${model:-0} & 15) << 4) | ${stepping:-0} )))
mkdir -m 0755 "$tmp/img"
"$mkfixture" --key "$fx/test-key.pem" --version 1.5.09 --cpuid "$eax" \
	-o "$tmp/img/tdx_module_1.5.09.img" >/dev/null
img=$tmp/img/tdx_module_1.5.09.img
fake_host() {
	local t=$tmp/$1 h u
	h=$t/sys/devices/faux/tdx_host
	u=$h/firmware/tdx_module
	mkdir -p "$t/sys/devices/system/cpu" "$t/sys/class/firmware" "$t/proc" "$t/state" "$u"
	mkdir -m 0755 "$t/run"
	printf '0-3\n' >"$t/sys/devices/system/cpu/present"
	printf '0-3\n' >"$t/sys/devices/system/cpu/online"
	printf 'processor\t: 0\nbugs\t\t: spectre_v1\n' >"$t/proc/cpuinfo"
	: >"$h/uevent"
	printf '1.5.08\n' >"$h/version"
	printf '1.5.01\n' >"$h/seamldr_version"
	printf '8\n' >"$h/num_remaining_updates"
	: >"$u/uevent"; : >"$u/loading"; : >"$u/data"; : >"$u/error"
	printf 'idle\n' >"$u/status"
	ln -s ../../../../../class/firmware "$u/subsystem"
	chmod -R go-w "$t"
}
# on_host NAME CMD...: CMD with tdxctl pointed at fake host NAME (its history in state/).
on_host() {
	local t=$tmp/$1
	shift
	TDXCTL_SYSFS_ROOT=$t/sys TDXCTL_PROCFS_ROOT=$t/proc TDXCTL_RUNDIR=$t/run \
		TDXCTL_STATEDIR=$t/state TDXCTL_HISTORY= "$@"
}

# --- N1: a user's flock on history.jsonl stops no update, and holds no gate ---------------------
fake_host n1
hist=$tmp/n1/state/history.jsonl
install -m 0644 /dev/null "$hist"
# nobody opens the (old, 0644) history before anything else and holds a shared flock on it.
# (setpriv itself in the background, not the function: $! must be the process that holds it.)
setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- \
	sh -c "exec 9<'$hist' && flock -s 9 && exec sleep 600" &
pids="$pids $!"
expect_true 'wait_locked "$hist"' "N1: nobody holds a flock on history.jsonl"
t0=$(date +%s)
on_host n1 run timeout -k 2 20 $tdxctl update --dry-run --json $key "$img"
expect_rc 0 "N1: update --dry-run ends (124: it hung on the history's lock)"
on_host n1 run timeout -k 2 20 $tdxctl update --json --timeout 1 $key "$img"
expect_true '[ "$rc" -ne 124 ]' "N1: update ends (exit $rc; 124: it hung on the history's lock)"
expect_true '[ $(($(date +%s) - t0)) -lt 15 ]' "N1: both ended within seconds"
expect_true '[ "$(grep -c "\"kind\":\"dry-run\"" "$hist")" -eq 1 ]' "N1: the dry run is recorded"
expect_true '[ "$(grep -c "\"kind\":\"update\"" "$hist")" -eq 1 ]' "N1: the update is recorded"
on_host n1 run $tdxctl build begin n1vm --pid $$ --wait 0
expect_rc 0 "N1: the gate is open after the update"
on_host n1 $tdxctl build end n1vm --quiet
# A new history file is root's alone: nobody can open it to lock it.
fake_host n1b
on_host n1b run $tdxctl update --dry-run --json $key "$img"
mode=$(stat -c %a "$tmp/n1b/state/history.jsonl")
expect_true '[ "$mode" = 640 ] || [ "$mode" = 600 ]' "N1: a new history.jsonl is not world-readable ($mode)"
run as_nobody flock -n -s "$tmp/n1b/state/history.jsonl" true
expect_true '[ "$rc" -ne 0 ]' "N1: nobody cannot open a new history.jsonl to lock it"

# history.jsonl stores no raw C1 control: an image whose name holds U+009B (a CSI).
c1img=$tmp/img/$(printf 'tdx_module_1.5.09\xc2\x9b.img')
cp "$img" "$c1img"
on_host n1b run $tdxctl update --dry-run --json $key "$c1img"
expect_true '[ "$(grep -c . "$tmp/n1b/state/history.jsonl")" -eq 2 ]' "C1: the dry run is recorded"
expect_true '! LC_ALL=C grep -qP "\xc2[\x80-\x9f]" "$tmp/n1b/state/history.jsonl"' \
	"C1: history.jsonl holds no raw C1 character"
expect_true 'grep -qF "\\u009b" "$tmp/n1b/state/history.jsonl"' "C1: U+009B is stored as \\u009b"
rm -f "$c1img"

# --- partly open: a handle opened on an older, 0644 update.lock holds no update ------------------
# chmod does not revoke a handle: nobody opened the old lock file before the upgrade, and locks
# it now. Root's lock lives in its 0700 private/ folder, a file nobody else ever could open.
fake_host lk
install -m 0644 /dev/null "$tmp/lk/run/update.lock"
setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- \
	sh -c "exec 9<'$tmp/lk/run/update.lock' && flock -x 9 && exec sleep 600" &
pids="$pids $!"
expect_true 'wait_locked "$tmp/lk/run/update.lock"' "lock: nobody holds a flock on the old update.lock"
on_host lk run $tdxctl status --json
expect_json '.lock.held' false "lock: status: the update lock is free"
on_host lk run timeout -k 2 20 $tdxctl update --json --timeout 1 $key "$img"
expect_json '[.checks[] | select(.check == "host.lock") | .status]' '["pass"]' \
	"lock: the update takes its lock (exit $rc)"
expect_true '[ "$(stat -c %a:%U "$tmp/lk/run/private")" = 700:root ]' \
	"lock: root's lock folder is 0700 root"

# --- N2: status --prometheus --output is a path option: refused under sudo ----------------------
target=$tmp/victim2
printf 'precious\n' > "$target"
chmod 0600 "$target"
SUDO_UID=65534 SUDO_USER=nobody run $tdxctl status --prometheus --output "$target"
expect_rc 77 "N2: status --prometheus --output refused under sudo"
expect_true '[ "$(cat "$target")" = precious ] && [ "$(stat -c %a "$target")" = 600 ]' \
	"N2: the file is untouched"
run $tdxctl status --prometheus --output "$tmp/metrics.prom"
expect_true '[ -s "$tmp/metrics.prom" ]' "N2: plain root may still write --output"
# update --key-hash under sudo: the caller would choose the key root trusts.
SUDO_UID=65534 SUDO_USER=nobody on_host n1 run $tdxctl update --dry-run $key "$img"
expect_rc 77 "N2: update --key-hash refused under sudo (the caller would choose the trusted key)"

# --- N8: an unsafe run folder is 77 (permission), never 75 (retry) ------------------------------
fake_host n8
chmod 0777 "$tmp/n8/run"
on_host n8 run $tdxctl update --dry-run --json $key "$img"
expect_rc 77 "N8: update --dry-run with a world-writable run folder exits 77"
on_host n8 run $tdxctl update --json $key "$img"
expect_rc 77 "N8: update with a world-writable run folder exits 77"
expect_true '[ ! -s "$tmp/n8/sys/devices/faux/tdx_host/firmware/tdx_module/data" ]' \
	"N8: nothing reached the upload device"
on_host n8 run $tdxctl status --json
expect_rc 77 "N8: status with a world-writable run folder exits 77"
chmod 0755 "$tmp/n8/run"

# --- N7: entries in builds/ have a size bound; build list reads /proc once ----------------------
n7=$tmp/n7run
mkdir -m 0755 "$n7"
TDXCTL_RUNDIR=$n7 $tdxctl build begin small --pid $$ --quiet
head -c 1048576 /dev/zero > "$n7/builds/big"
head -c 1048576 /dev/zero > "$n7/builds/.hidden"
TDXCTL_LOG=warning TDXCTL_RUNDIR=$n7 run $tdxctl build list --json
expect_json '[.builds[].name]' '["small"]' "N7: build list lists the real build only"
expect_true '[ ! -e "$n7/builds/big" ] && [ ! -e "$n7/builds/.hidden" ]' \
	"N7: root removed the files larger than any entry"
expect_grep "more than an entry's" "$errout" "N7: and said so"
TDXCTL_RUNDIR=$n7 $tdxctl build end small --quiet
# 300 forged entries claiming a foreign PID namespace: /proc is read once, not once per entry.
boot=$(cat /proc/sys/kernel/random/boot_id)
up=$(awk '{print int($1)}' /proc/uptime)
for i in $(seq 300); do
	printf '{"name":"f%d","pid":%d,"pid_start_time":1,"started":%d,"expires":%d,"boot_id":"%s","started_boot":%d,"expires_boot":%d,"pidns":12345}\n' \
		"$i" "$i" "$(date +%s)" $(( $(date +%s) + 300 )) "$boot" "$up" $((up + 300)) \
		> "$n7/builds/f$i"
done
if command -v strace >/dev/null; then
	scans=$(TDXCTL_RUNDIR=$n7 strace -f -e trace=openat $tdxctl build list --json 2>&1 >/dev/null |
		grep -c 'openat(AT_FDCWD, "/proc", ')
	expect_true '[ "$scans" -le 1 ]' "N7: build list of 300 foreign-namespace entries opens /proc $scans times (at most once)"
else
	echo "SKIP: no strace: /proc scans not counted"
fi
TDXCTL_RUNDIR=$n7 run $tdxctl build list --json
expect_json '[.builds[] | select(.state == "live")] | length' 0 \
	"N7: the forged entries are not live (no such process in that namespace)"
rm -f "$n7"/builds/f*

# --- N9: a container build whose owner has ~400 supplementary groups is live ---------------------
if unshare --pid --fork --mount-proc true 2>/dev/null; then
	setpriv --groups "$(seq -s, 3000 3400)" unshare --pid --fork --kill-child --mount-proc sh -c \
		"TDXCTL_RUNDIR='$n7' '$tdxctl' build begin grp --pid \$\$ --quiet && echo ok > '$tmp/n9.ok' && sleep 600" &
	n9=$!; pids="$pids $n9"
	for _ in $(seq 200); do [ -e "$tmp/n9.ok" ] && break; sleep 0.05; done
	TDXCTL_RUNDIR=$n7 run $tdxctl build list --json
	expect_json '[.builds[] | [.name, .state]]' '[["grp","live"]]' \
		"N9: a container build whose owner's NSpid is past 2 KiB of /proc/PID/status is live"
	kill -KILL "$n9"; wait "$n9" 2>/dev/null
	TDXCTL_RUNDIR=$n7 $tdxctl build end grp --quiet
else
	echo "SKIP: unshare --pid not permitted here: N9 not replayed"
fi

# --- fresh boot: the shipped tmpfiles.d snippet creates a run folder tdxctl accepts -------------
tmpf=$src/contrib/tmpfiles.d/tdxctl.conf.in
if command -v systemd-tmpfiles >/dev/null && [ -f "$tmpf" ]; then
	sed -e "s|@rundir@|$tmp/boot/run|g" -e "s|@launcher_group@|root|g" "$tmpf" > "$tmp/tmpfiles.conf"
	mkdir -m 0755 "$tmp/boot"
	systemd-tmpfiles --create "$tmp/tmpfiles.conf" >/dev/null 2>&1
	expect_true '[ "$(stat -c %a "$tmp/boot/run")" = 755 ] && [ "$(stat -c %a "$tmp/boot/run/builds")" = 3770 ]' \
		"boot: tmpfiles.d creates the run folder 0755 and builds/ 3770"
	expect_true '[ ! -e "$tmp/boot/run/gate.lock" ]' \
		"boot: tmpfiles.d creates no lock file a member could open (issue 24, N4)"
	TDXCTL_RUNDIR=$tmp/boot/run run $tdxctl build list --json
	expect_rc 0 "boot: tdxctl accepts the run folder tmpfiles.d made"
else
	echo "SKIP: no systemd-tmpfiles or no snippet: the boot-time run folder not checked"
fi

# --- N6: the running module's sigstruct beside the image counts only when it verifies -----------
# The image needs handoff version 5; the running 1.5.08's signed release (beside it) has 3, so
# compat.handoff fails. An unsigned edit of that copy to 9 must not make it pass.
fake_host n6
mkdir -m 0755 "$tmp/n6img"
"$mkfixture" --key "$fx/test-key.pem" --version 1.5.09 --cpuid "$eax" --handoff 6,5 \
	-o "$tmp/n6img/tdx_module_1.5.09.img" >/dev/null
# --format pair writes OUT.bin and OUT.sigstruct: only the sigstruct is kept.
"$mkfixture" --key "$fx/test-key.pem" --version 1.5.08 --cpuid "$eax" --handoff 3,0 \
	--format pair -o "$tmp/n6img/tdx_module_1.5.08" >/dev/null
rm -f "$tmp/n6img/tdx_module_1.5.08.bin"
handoff_status() {
	on_host n6 run $tdxctl update --dry-run --json $key "$tmp/n6img/tdx_module_1.5.09.img"
	printf '%s' "$out" | jq -r '.checks[] | select(.check == "compat.handoff") | .status'
}
if [ -f "$tmp/n6img/tdx_module_1.5.08.sigstruct" ]; then
	expect_true '[ "$(handoff_status)" = fail ]' "N6: the signed release's handoff version 3 fails compat.handoff"
	# module_hv at 0x3d8 (little-endian): 3 -> 9, without re-signing.
	printf '\x09' | dd of="$tmp/n6img/tdx_module_1.5.08.sigstruct" bs=1 seek=$((0x3d8)) conv=notrunc 2>/dev/null
	st=$(handoff_status)
	expect_true '[ "$st" = warn ]' "N6: an unsigned edit of it does not pass compat.handoff (status $st, want warn: unknown)"
	# The report, not a log line, says which file was set aside and why (issue 26, item 3).
	on_host n6 run $tdxctl update --dry-run --json $key "$tmp/n6img/tdx_module_1.5.09.img"
	expect_json '.checks[] | select(.check == "compat.handoff") | .message | test("/tdx_module_1[.]5[.]08[.]sigstruct, of its release, does not verify with the trusted key")' \
		true "N6: and its message names the sigstruct set aside and why"
else
	bad "N6: tdx-mkfixture made no tdx_module_1.5.08.sigstruct ($(ls "$tmp/n6img"))"
fi

# --- N10: the units that run tdxctl as root are sandboxed: systemd-analyze security below 5.0 ----
# Each carries the same sandbox block (from "# --- Sandboxing" to its end or to [Install]), so a
# unit added or edited cannot fall behind the others.
units_dir=$src/contrib/systemd
sandbox_of() {
	sed -n '/^# --- Sandboxing/,/^\[Install\]/p' "$1" | grep -v '^\[Install\]'
}
ref=$(sandbox_of "$units_dir/tdxctl-update.service.in")
expect_true '[ -n "$ref" ]' "N10: tdxctl-update.service has a sandbox block"
for u in tdxctl-boot tdxctl-metrics; do
	expect_true '[ "$(sandbox_of "$units_dir/$u.service.in")" = "$ref" ]' \
		"N10: $u.service carries tdxctl-update.service's sandbox block unchanged"
done
if command -v systemd-analyze >/dev/null && systemd-analyze security --help 2>&1 | grep -q -- --offline; then
	for u in tdxctl-update tdxctl-boot tdxctl-metrics; do
		sed 's|@sbindir@|/usr/sbin|g' "$units_dir/$u.service.in" > "$tmp/$u.service"
		score=$(systemd-analyze security --offline=yes "$tmp/$u.service" 2>/dev/null |
			sed -n "s/.*Overall exposure level for $u.service: \([0-9.]*\).*/\1/p")
		expect_true '[ -n "$score" ] && awk -v s="$score" "BEGIN { exit !(s < 5.0) }"' \
			"N10: systemd-analyze security rates $u.service ${score:-?}, below 5.0"
	done
	unit_in=$units_dir/tdxctl-update.service.in
	# PrivateDevices=yes drops CAP_SYS_RAWIO from the bounding set, and every update then ends
	# 77 at host.permission (seen under systemd in tests/system, scenario b).
	expect_true '! grep -q "^PrivateDevices=yes" "$unit_in" && grep -q "^CapabilityBoundingSet=.*CAP_SYS_RAWIO" "$unit_in"' \
		"N10: the sandbox keeps CAP_SYS_RAWIO (no PrivateDevices=yes), which host.permission needs"
	for opt in PrivateNetwork=yes RestrictAddressFamilies=AF_UNIX SystemCallArchitectures=native \
		   RestrictNamespaces=yes CapabilityBoundingSet= ProtectSystem=strict; do
		expect_true 'grep -q "^$opt" "$unit_in"' "N10: tdxctl-update.service sets $opt"
	done
else
	echo "SKIP: no systemd-analyze security --offline: the units' exposure not measured"
fi

# --- partly open: a newline in a file name forges no row of list -----------------------------------
nl=$tmp/nlrel
mkdir -m 0755 "$nl"
cp "$fx/fixture-1.5.08.img" "$nl/$(printf 'a\n1.5.99    installable    x.img')"
run $tdxctl list "$nl" $key --running 1.5.07 --seamldr 1.5.02 --cpuid 0x806F8
expect_true '[ "$(printf "%s\n" "$out" | grep -c "^1.5.99 ")" -eq 0 ]' \
	"list: a newline in a file name does not start a row of its own"
expect_grep 'a\n1.5.99' "$out" "list: the newline is shown escaped"

# --- an OpenSSL configuration from the environment is never loaded --------------------------------
# A configuration can load provider modules: code, into a root process. tdxctl says before its
# first OpenSSL call that it loads none (cli/tdxctl.c, openssl_init). The module stands for a
# hostile one; the openssl command shows that the configuration does load it.
if command -v "${CC:-cc}" >/dev/null && command -v openssl >/dev/null; then
	"${CC:-cc}" -shared -fPIC -o "$tmp/module.so" "$src/tests/security/openssl-module.c"
	cat > "$tmp/openssl.cnf" <<EOC
openssl_conf = init
[init]
providers = providers
[providers]
hostile = hostile
[hostile]
module = $tmp/module.so
activate = 1
EOC
	export TDXCTL_MODULE_MARKER=$tmp/module.loaded
	OPENSSL_CONF=$tmp/openssl.cnf openssl dgst -sha384 /dev/null >/dev/null 2>&1
	expect_true '[ -e "$TDXCTL_MODULE_MARKER" ]' \
		"openssl: the configuration loads the module (else the checks below prove nothing)"
	for cmd in "verify $fx/fixture-1.5.08.img" "inspect $fx/fixture-1.5.08.img" \
		   "convert $fx/fixture-1.5.08.img --format 0x100 -o $tmp/conv.blob"; do
		rm -f "$TDXCTL_MODULE_MARKER" "$tmp/conv.blob"
		# shellcheck disable=SC2086
		OPENSSL_CONF=$tmp/openssl.cnf run $tdxctl $cmd $key
		expect_rc 0 "OPENSSL_CONF: $cmd succeeds"
		expect_true '[ ! -e "$TDXCTL_MODULE_MARKER" ]' \
			"OPENSSL_CONF: $cmd does not load the configuration's module"
	done
	unset TDXCTL_MODULE_MARKER
else
	echo "SKIP: no C compiler or no openssl command: the OPENSSL_CONF check not run"
fi

# --- libcrypto is linked as the build says, and a static one is named -----------------------------
# A tdxctl with libcrypto linked in gets no OpenSSL security update from the system: --version
# must say so (cli/tdxctl.c), so that a fleet can find such builds.
needed=$(readelf -dW "$tdxctl" | grep -c 'NEEDED.*\[libcrypto\.so' || true)
run $tdxctl --version
expect_rc 0 "--version"
if [ "$static_libcrypto" = true ]; then
	expect_true '[ "$needed" -eq 0 ]' "-Dstatic_libcrypto=true: no libcrypto.so is NEEDED"
	said="^OpenSSL [0-9][^,]*, linked in statically: OpenSSL's security updates reach it only"
	said="$said with a rebuild of tdxctl\$"
	expect_true '[ "$(printf "%s\n" "$out" | sed -n 2p | grep -c "$said")" -eq 1 ]' \
		"-Dstatic_libcrypto=true: --version names the OpenSSL linked in"
else
	expect_true '[ "$needed" -eq 1 ]' "libcrypto.so is NEEDED"
	expect_true '[ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ]' "--version is one line"
fi

finish
