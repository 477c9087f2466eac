#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The main job on samples: installs the build dependencies (as root), builds tdxctl, then shows
# inspect, verify and convert on a generated signed module, on a corrupted copy (refused), and on
# one of Intel's real releases when ../shared/intel-tdx-module-binaries is present.
set -eu
cd "$(dirname "$0")/.."

tools/deps.sh
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null
else meson setup build >/dev/null; fi
ninja -C build >/dev/null

tdxctl=build/cli/tdxctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

show() {
	printf '\n$ %s\n' "$*"
	"$@" && rc=0 || rc=$?
	echo "[exit status $rc]"
}

echo "== A synthetic module, signed with a freshly generated test key"
build/tests/tdx-mkfixture --genkey "$work/key.pem"
hash=$(build/tests/tdx-mkfixture --key "$work/key.pem" --print-key-hash)
build/tests/tdx-mkfixture --key "$work/key.pem" --version 1.5.16 --format 0x100 \
	-o "$work/tdx_module_1.5.16.blob"
show $tdxctl inspect "$work/tdx_module_1.5.16.blob"
show $tdxctl verify --key-hash "$hash" "$work/tdx_module_1.5.16.blob"
show $tdxctl convert --key-hash "$hash" "$work/tdx_module_1.5.16.blob" -o "$work/tdx_module_1.5.16.img"

echo
echo "== The same module with one byte of the module changed: refused before any kernel sees it"
cp "$work/tdx_module_1.5.16.img" "$work/corrupt.img"
printf '\001' | dd of="$work/corrupt.img" bs=1 seek=12000 conv=notrunc 2>/dev/null
show $tdxctl verify --quiet --key-hash "$hash" "$work/corrupt.img"

intel=${TDXCTL_INTEL_BINARIES:-../shared/intel-tdx-module-binaries}
blob=$(ls "$intel"/joined_files/1.5/*.blob 2>/dev/null | tail -n 1 || true)
if [ -n "$blob" ]; then
	echo
	echo "== Intel's release $(basename "$blob"), signed by Intel's production key"
	show $tdxctl verify --quiet "$blob"
	show $tdxctl convert "$blob" -o "$work/intel.img"
	show $tdxctl inspect --json "$work/intel.img"
else
	echo
	echo "(Intel's releases are not at $intel: their part of the demo is skipped)"
fi
