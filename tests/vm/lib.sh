# Shared helpers for the tests/vm scripts (sourced, not run).
#
# Everything downloaded lives in one cache folder, so nothing under /etc/apt, /boot or /usr/src
# changes:   ${TDXCTL_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tdxctl/vm}
#   apt/            private apt configuration, lists, archives and status
#   debs/           the downloaded .debs
#   kernel/<rel>/   the unpacked Debian kernel (boot/vmlinuz-<rel>, usr/src/linux-headers-<rel>, ...;
#                   for 7.x: usr/lib/modules/<rel>/vmlinuz, its config and modules.builtin)
#   current         the 6.12 kernel release that setup resolved last (current-7: the 7.x one)
#   trixie/         7.x only: a Debian trixie chroot (debootstrap) with gcc-14, make and the 7.x
#                   headers under its /usr/src, where the shim is built (bookworm's gcc-12 and
#                   glibc cannot run that kernel's kbuild tools)
#   checkpatch/     scripts/checkpatch.pl and its data files from linux-source-6.1
#   shim/<rel>/     the built tdx_host_sim.ko (unless TDXCTL_SHIM_DIR says otherwise)
#
# Which kernel: TDXCTL_VM_KERNEL=6.12 (default; bookworm-backports) or 7 (trixie-backports 7.x).

TDXCTL_VM_CACHE=${TDXCTL_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tdxctl/vm}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$VM_DIR/../.." && pwd)
TDXCTL_VM_KERNEL=${TDXCTL_VM_KERNEL:-6.12}
case $TDXCTL_VM_KERNEL in
6.12) VM_SUITE=bookworm-backports VM_TAG='' ;;
7) VM_SUITE=trixie-backports VM_TAG=-7 ;;
*) printf '%s: TDXCTL_VM_KERNEL=%s: use 6.12 or 7\n' "${0##*/}" "$TDXCTL_VM_KERNEL" >&2; exit 1 ;;
esac

vm_log() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

vm_die() {
	vm_log "error: $*"
	exit 1
}

# Write the private apt configuration (idempotent). It names bookworm (for linux-source-6.1,
# which has checkpatch.pl), bookworm-backports (for the 6.12 kernel with CONFIG_FW_UPLOAD=y) and
# trixie-backports (the 7.x kernel, with the merged TDX update interface's faux bus).
vm_apt_config() {
	local a="$TDXCTL_VM_CACHE/apt"
	mkdir -p "$a/etc/sources.list.d" "$a/etc/preferences.d" "$a/lists/partial" \
		"$a/archives/partial" "$a/state"
	: >"$a/state/status.empty"
	[ -f "$a/state/status" ] || : >"$a/state/status"
	local mirror=${TDXCTL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
	cat >"$a/etc/sources.list.new" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie-backports main
EOF
	mv "$a/etc/sources.list.new" "$a/etc/sources.list"
	cat >"$a/apt.conf" <<EOF
Dir::Etc::sourcelist "$a/etc/sources.list";
Dir::Etc::sourceparts "$a/etc/sources.list.d";
Dir::Etc::preferencesparts "$a/etc/preferences.d";
Dir::State "$a/state";
Dir::State::lists "$a/lists";
Dir::State::status "$a/state/status";
Dir::Cache "$a/cache";
Dir::Cache::archives "$a/archives";
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
EOF
	mkdir -p "$a/cache"
	export APT_CONFIG="$a/apt.conf"
}

# Refresh the private package lists when they are missing or older than a day (or when forced,
# or when they predate the trixie-backports line).
vm_apt_update() {
	local stamp="$TDXCTL_VM_CACHE/apt/updated.stamp"
	if [ -z "${1:-}" ] && [ -f "$stamp" ] && [ -n "$(find "$stamp" -mmin -1440)" ] &&
		ls "$TDXCTL_VM_CACHE"/apt/lists/*trixie-backports*Packages* >/dev/null 2>&1; then
		return 0
	fi
	vm_log "refreshing the private package lists (bookworm, bookworm-backports, trixie-backports)"
	apt-get -q -o Debug::NoLocking=1 update >"$TDXCTL_VM_CACHE/apt/update.log" 2>&1 ||
		{ cat "$TDXCTL_VM_CACHE/apt/update.log" >&2; vm_die "apt-get update failed"; }
	touch "$stamp"
}

# Download package $1 (an apt name, may carry /suite) into $2 and unpack it into $3.
vm_fetch_unpack() {
	local pkg=$1 debs=$2 root=$3
	mkdir -p "$debs" "$root"
	local name=${pkg%%/*}
	if ! ls "$debs/${name}"_*.deb >/dev/null 2>&1; then
		(cd "$debs" && apt-get -q -o Debug::NoLocking=1 download "$pkg") >&2 ||
			vm_die "apt-get download $pkg failed"
	fi
	local deb
	deb=$(ls "$debs/${name}"_*.deb | tail -n 1)
	dpkg-deb -x "$deb" "$root" || vm_die "dpkg-deb -x $deb failed"
}

# The kernel release resolved by the last setup run for TDXCTL_VM_KERNEL (empty when none).
vm_current_rel() {
	[ -f "$TDXCTL_VM_CACHE/current$VM_TAG" ] && cat "$TDXCTL_VM_CACHE/current$VM_TAG"
}

# The kernel image and the modules folder of an unpacked kernel: bookworm's packages put them
# under boot/ and lib/modules/, trixie's under usr/lib/modules/<rel>/.
vm_kernel_image() {
	if [ -f "$1/boot/vmlinuz-$2" ]; then echo "$1/boot/vmlinuz-$2"; else echo "$1/usr/lib/modules/$2/vmlinuz"; fi
}
vm_modules_dir() {
	if [ -d "$1/lib/modules/$2" ]; then echo "$1/lib/modules/$2"; else echo "$1/usr/lib/modules/$2"; fi
}
