#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install what building and testing tdxctl needs on Debian 12, only if something is missing.
# Runs as root (apt-get); prints what it installs. debhelper (2.6 MB with what it pulls in) builds
# the Debian package, lintian (6.6 MB) checks it (tests/package); prometheus (22.5 MB, for
# promtool) and prometheus-node-exporter (4.1 MB) check the metrics (tests/cli). Their daemons
# are not started by the tests, which run their own node exporter on 127.0.0.1. ansible-core (4.4
# MB of .debs with its Python modules) and dropbear-bin (0.6 MB with its libraries) run the fleet
# rollout against emulated hosts (tests/fleet); dropbear's daemon package is not installed.
# ansible-lint (Debian 12: 6.13, with its Python modules) checks the rollout role (tests/fleet).
# prometheus-alertmanager receives the alerts of the system test (tests/system), which runs its own
# on 127.0.0.1 (on a machine booted with systemd the package also starts one on port 9093) and
# makes its hosts' file system with debootstrap.
# debootstrap (0.1 MB) makes the trixie chroot the shim is built in for the 7.x kernel (tests/vm).
set -eu

packages="build-essential meson ninja-build pkg-config
	libkmod-dev libjson-c-dev libssl-dev
	scdoc bash-completion jq clang libclang-rt-14-dev valgrind cppcheck clang-tidy time
	qemu-system-x86 busybox-static cpio kmod xz-utils debian-archive-keyring debootstrap
	ca-certificates systemd perl openssl
	debhelper lintian prometheus prometheus-node-exporter
	ansible-core ansible-lint dropbear-bin openssh-client
	prometheus-alertmanager curl e2fsprogs"

missing=""
for p in $packages; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root (apt-get install) or install them" >&2
	exit 1
fi
echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Another apt (unattended-upgrades, a second checkout's set-up) may hold dpkg's lock: wait for it
# rather than fail the run.
lock='-o DPkg::Lock::Timeout=900'
# shellcheck disable=SC2086
apt-get $lock update -q >/dev/null
# shellcheck disable=SC2086
apt-get $lock install -y -q --no-install-recommends $missing >/dev/null
