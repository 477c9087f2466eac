#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The main job, on an emulated TDX host: installs the build dependencies (as root), builds
# tdxctl, boots Debian's kernel in QEMU with the tdx_host_sim shim (tests/vm/), and there runs
# tdxctl status, an update (Intel's real 1.5.16 onto a host running 1.5.08 when
# ../shared/intel-tdx-module-binaries is present; a generated, test-signed 1.5.16 otherwise),
# status again, the history, and a refused update that changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

tools/deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null
else meson setup build >/dev/null; fi
ninja -C build >/dev/null

files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
mk=build/tests/tdx-mkfixture
intel=${TDXCTL_INTEL_BINARIES:-$src/../shared/intel-tdx-module-binaries}
mkdir -p "$files/releases"
if [ -f "$intel/joined_files/1.5/tdx_module_1.5.16.blob" ]; then
	# Copied into the guest's files only (their license forbids committing them).
	cp "$intel/joined_files/1.5/tdx_module_1.5.16.blob" "$intel/joined_files/2.0/"*.blob \
		"$intel/mapping_file.json" "$files/releases/"
	echo "Using Intel's releases from $intel"
	echo "" >"$files/shim-args"
	echo tdx_module_1.5.16.blob >"$files/good"
	echo tdx_module_2.0.02.blob >"$files/refused"
else
	echo "Intel's releases are not at $intel: using generated, test-signed modules"
	$mk --genkey "$files/key.pem"
	echo "key_hash=$($mk --key "$files/key.pem" --print-key-hash)" >"$files/shim-args"
	$mk --key "$files/key.pem" --version 1.5.16 --format 0x100 \
		-o "$files/releases/tdx_module_1.5.16.blob"
	$mk --key "$files/key.pem" --version 2.0.02 --format 0x100 \
		-o "$files/releases/tdx_module_2.0.02.blob"
	cat >"$files/releases/mapping_file.json" <<'JSON'
{ "Header": { "Copyright": "generated for the tdxctl demo", "Info": "", "Version": "1.0" },
  "tdx_module_releases": [
    { "version": "1.5.16", "min_module_version_for_td_preserving": "1.5.01",
      "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" },
    { "version": "2.0.02", "min_module_version_for_td_preserving": "2.0.02",
      "min_seamldr_versions": [ "2.0.00" ], "tdx_feature0": "0x226F3F0FBF" } ] }
JSON
	echo "--key-hash $($mk --key "$files/key.pem" --print-key-hash)" >"$files/key-opt"
	echo tdx_module_1.5.16.blob >"$files/good"
	echo tdx_module_2.0.02.blob >"$files/refused"
fi

cat >"$files/demo.sh" <<'GUEST'
# Runs as root inside the emulated host, where the shim provides the interface.
export TDXCTL_MODULE=tdx_host_sim
show() { printf '\n# %s\n' "$*"; "$@"; echo "[exit status $?]"; }
sim() { cat /sys/kernel/debug/tdx_host_sim/$1; }
key=$(cat /files/key-opt 2>/dev/null)
good=/files/releases/$(cat /files/good)
refused=/files/releases/$(cat /files/refused)

echo "== An emulated Sapphire Rapids host running TDX module 1.5.08, P-SEAMLDR 1.5.01"
modprobe tdx_host_sim version=1.5.08 $(cat /files/shim-args) || exit 1
# The shim learns a 1.x module's version from a marker (generated modules) or, for Intel's,
# from its seamhash (sigstruct offset 0x384), named after the file.
seamhash=$(od -An -v -tx1 -j $((4096 + 0x384)) -N 48 "$good" | tr -d ' \n')
echo "$seamhash 1.5.16" >/sys/kernel/debug/tdx_host_sim/versions
show tdxctl status
show tdxctl update --dry-run $key "$good"
show tdxctl update $key "$good"
show tdxctl status
show tdxctl history
echo
echo "== An update that cannot work here: refused before anything reaches the kernel"
before=$(sim uploads)
show tdxctl update $key "$refused"
echo "kernel uploads before: $before, after: $(sim uploads); running version: $(cat /sys/devices/faux/tdx_host/version)"
GUEST
# Not exec: the EXIT trap must still remove $files (set -e passes on the exit status).
tests/vm/run-scenario "$files/demo.sh" --files "$files" --smp 2
