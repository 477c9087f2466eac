#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian package as an administrator gets it: dpkg-buildpackage -us -uc -b from a copy of the
# source in a temporary folder (it writes into the parent folder), lintian with no error or
# warning, the exact file list (files.txt: paths and modes), the maintainer scripts (upgrades never
# stop the update service or timer, the timer restarted after one, nothing enabled of its own
# accord but the metrics timer, the launcher group from sysusers), the README, the wrapper's path,
# then the package unpacked into a scratch root and its tdxctl run on this
# machine (--version) and in the emulated TDX host with one boot: --version, status, and
# status --prometheus for a ready host and after a lost module (promtool checks both files).
#
# usage: test-package.sh SOURCE_ROOT VERSION
# Environment: TDXCTL_BUILD_DIR (the build whose tdx-mkfixture and libraries the guest uses),
# TDXCTL_REQUIRE_VM (fail instead of skipping the guest part when QEMU is missing).
# Exit status: 0 pass, 1 fail, 77 the guest part skipped (no qemu-system-x86_64) and the rest
# passed.
set -u
src=$1
version=$2
here=$src/tests/package
. "$src/tests/cli/lib.sh"

for tool in dpkg-buildpackage dh lintian promtool; do
	command -v "$tool" >/dev/null || { echo "error: no $tool (tools/deps.sh installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdxctl-package.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Everything below writes its own temporary files into $tmp too: lintian leaves its
# mldbm-elf-* caches behind in $TMPDIR.
export TMPDIR=$tmp

# The source as it is (committed or not), without build folders or anything git ignores.
tree=$tmp/tdxctl-$version
mkdir "$tree"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && tar -c --null -T - 2>/dev/null) | tar -x -C "$tree"
else
	tar -C "$src" -c --exclude='./build*' . | tar -x -C "$tree"
fi

run dpkg-parsechangelog -l "$tree/debian/changelog" -S Version
[ "$out" = "$version" ] && ok || bad "debian/changelog says $out, meson.build $version"

echo "== dpkg-buildpackage -us -uc -b"
if (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then ok; else
	bad "dpkg-buildpackage failed:"
	tail -n 40 "$tmp/build.log" >&2
	finish
	exit 1
fi
deb=$tmp/tdxctl_${version}_amd64.deb
[ -f "$deb" ] && ok || { bad "no $(basename "$deb")"; finish; exit 1; }

echo "== lintian"
lintian --info "$tmp/tdxctl_${version}_amd64.changes" >"$tmp/lintian.log" 2>&1
sed 's/^/   /' "$tmp/lintian.log"
if grep -q '^[EW]: ' "$tmp/lintian.log"; then bad "lintian reports errors or warnings"; else ok; fi
# An override only with its reason: a comment line right above each one.
for f in "$tree"/debian/*lintian-overrides "$tree"/debian/source/lintian-overrides; do
	[ -f "$f" ] || continue
	awk '!/^#/ && NF && prev !~ /^#/ { print FILENAME ": " $0; bad = 1 } { prev = $0 }
	     END { exit bad }' "$f" && ok || bad "lintian override without a reason above it"
done

echo "== file list"
dpkg-deb -c "$deb" | awk '{ print $1, $6 }' >"$tmp/files.txt"
if diff -u "$here/files.txt" "$tmp/files.txt" >&2; then ok; else bad "file list differs from files.txt"; fi

# The maintainer scripts as debhelper generated them, read block by block ("# Automatically
# added" to "# End"): block UNIT ACTION prints the blocks of FILE that act on UNIT.
dpkg-deb -e "$deb" "$tmp/control"
# libkmod is opened at run time, so dpkg-shlibdeps does not find it: debian/control names it.
expect_true "grep -q '^Depends:.* libkmod2' '$tmp/control/control'" "Depends names libkmod2"
blocks() { # blocks FILE UNIT: the generated blocks of FILE that name UNIT
	[ -f "$tmp/control/$1" ] || return 0
	awk -v u="'$2'" '/^# Automatically added/ { b = ""; inb = 1 } inb { b = b $0 "\n" }
		/^# End automatically added/ { if (index(b, u)) printf "%s", b; inb = 0 }' \
		"$tmp/control/$1"
}
# 1. An upgrade never stops the update service (an update in progress would be interrupted,
#    exit 5) nor the timer; nothing stops them in a preinst at all.
expect_true "[ ! -e '$tmp/control/preinst' ] || ! grep -q 'tdxctl-update' '$tmp/control/preinst'" \
	"preinst stops nothing"
for u in tdxctl-update.service tdxctl-update.timer tdxctl-boot.service tdxctl-metrics.timer; do
	b=$(blocks prerm "$u")
	expect_true "! printf '%s' \"\$b\" | grep -q '\"\$1\" = upgrade'" "prerm does not stop $u on upgrade"
done
# 2. The update timer is restarted after an upgrade (deb-systemd-invoke restarts only an enabled
#    or running unit, and starts only an enabled one), its service and the boot unit never.
b=$(blocks postinst tdxctl-update.timer)
expect_true "printf '%s' \"\$b\" | grep -q '_dh_action=restart'" "postinst restarts the update timer after an upgrade"
expect_true "printf '%s' \"\$b\" | grep -q 'deb-systemd-invoke \$_dh_action .tdxctl-update.timer.'" \
	"... through deb-systemd-invoke"
for u in tdxctl-update.service tdxctl-boot.service; do
	b=$(blocks postinst "$u")
	expect_true "! printf '%s' \"\$b\" | grep -q 'deb-systemd-invoke'" "postinst never starts $u"
done
# 3. Enabling updates is the operator's decision: the update timer and the boot unit are
#    enabled only if they were before (was-enabled, which is false on a first install for a
#    --no-enable unit); the metrics timer is enabled and started on install.
for u in tdxctl-update.timer tdxctl-boot.service; do
	b=$(blocks postinst "$u" | grep -v 'deb-systemd-invoke')
	expect_true "printf '%s' \"\$b\" | grep -q 'if deb-systemd-helper debian-installed .$u.'" \
		"postinst keeps an operator's enable of $u, enables nothing new"
done
b=$(blocks postinst tdxctl-metrics.timer)
expect_true "printf '%s' \"\$b\" | grep -q 'was-enabled defaults to true'" "metrics timer enabled on install"
expect_true "printf '%s' \"\$b\" | grep -q 'deb-systemd-invoke \$_dh_action .tdxctl-metrics.timer.'" \
	"metrics timer started on install, restarted on upgrade"
# 4. The launcher group from sysusers.
expect_true "grep -q '^ *systemd-sysusers .* tdxctl.conf\$' '$tmp/control/postinst'" \
	"postinst runs systemd-sysusers tdxctl.conf"
expect_true "grep -q '^Depends:.*systemd | systemd-standalone-sysusers' '$tmp/control/control'" \
	"Depends on a systemd-sysusers"

echo "== installed into a scratch root"
root=$tmp/files/root
mkdir -p "$root"
dpkg-deb -x "$deb" "$root"
run "$root/usr/sbin/tdxctl" --version
expect_rc 0 "installed tdxctl --version"
[ "$out" = "tdxctl $version" ] && ok || bad "installed tdxctl --version: '$out'"
expect_true "[ -d '$root/var/lib/tdxctl/releases' ]" "/var/lib/tdxctl/releases"
for u in tdxctl-update tdxctl-boot tdxctl-metrics; do
	expect_true "grep -q '^ExecStart=/usr/sbin/tdxctl ' '$root/lib/systemd/system/$u.service'" \
		"$u.service runs /usr/sbin/tdxctl"
done
expect_true "grep -qx 'g tdxctl -' '$root/usr/lib/sysusers.d/tdxctl.conf'" "sysusers: group tdxctl"
expect_true "grep -qx 'tdxctl=\${TDXCTL:-/usr/sbin/tdxctl}' '$root/usr/bin/tdxctl-build-wrap'" \
	"tdxctl-build-wrap runs /usr/sbin/tdxctl by its full path"
expect_true "zcat '$root/usr/share/doc/tdxctl/README.md.gz' | grep -q '^## Install'" \
	"the README ships as documentation"
# The autopkgtest: declared, and a valid script (it runs in the system test's hosts).
expect_true "grep -qx 'Tests: installed' '$tree/debian/tests/control'" "autopkgtest declared"
expect_true "sh -n '$tree/debian/tests/installed' && [ -x '$tree/debian/tests/installed' ]" \
	"autopkgtest script"

echo "== in the emulated host"
if ! command -v qemu-system-x86_64 >/dev/null; then
	if [ -n "${TDXCTL_REQUIRE_VM:-}" ]; then
		bad "no qemu-system-x86_64 (TDXCTL_REQUIRE_VM is set)"
		finish
		exit 1
	fi
	echo "skip: no qemu-system-x86_64"
	finish || exit 1
	exit 77
fi
build=$(cd "${TDXCTL_BUILD_DIR:-$src/build}" && pwd)
mk=$build/tests/tdx-mkfixture
"$mk" --genkey "$tmp/key.pem"
"$mk" --key "$tmp/key.pem" --print-key-hash | tr -d '\n' >"$tmp/files/key.hash"
"$mk" --key "$tmp/key.pem" -o "$tmp/files/tdx_module_1.5.09.img"
cat >"$tmp/files/mapping_file.json" <<'JSON'
{ "Header": { "Copyright": "tdxctl tests", "Info": "test releases", "Version": "1.0" },
  "tdx_module_releases": [
    { "version": "1.5.09", "min_module_version_for_td_preserving": "1.5.01",
      "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" } ] }
JSON
cp "$src/tests/vm-tdxctl/guest-lib.sh" "$tmp/files/lib.sh"
sed "s/@VERSION@/$version/" "$here/installed.sh" >"$tmp/installed.sh"
TDXCTL_BUILD_DIR=$build "$src/tests/vm/run-scenario" "$tmp/installed.sh" --smp 1 \
	--files "$tmp/files" | tee "$tmp/guest.log"
guest_rc=${PIPESTATUS[0]}
[ "$guest_rc" -eq 0 ] && ok || bad "guest scenario exited $guest_rc"
grep -q '^== [0-9]* checks, 0 failed' "$tmp/guest.log" && ok || bad "guest checks did not all pass"
# The guest's metrics files pass promtool here.
for m in ready lost; do
	full=$(tr -d '\r' <"$tmp/guest.log" | sed -n "/^--- metrics $m\$/,/^--- end\$/p" | sed '1d;$d')
	if [ -z "$full" ]; then bad "no '$m' metrics from the guest"; continue; fi
	msg=$(printf '%s\n' "$full" | promtool check metrics 2>&1) && [ -z "$msg" ] && ok ||
		bad "guest metrics '$m': promtool check metrics: $msg"
done
finish
