#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Regenerate the small seed corpora in fuzz/corpus/ from the synthetic fixtures:
#   fuzz/make-corpus.sh BUILD_DIR      (BUILD_DIR/tests/tdx-mkfixture and its test key)
# Only generated or hand-written inputs go here: never Intel's files (their license forbids
# redistribution); fuzz/run.sh reads those from ../shared as extra seeds at run time.
set -eu
build=${1:?usage: fuzz/make-corpus.sh BUILD_DIR}
cd "$(dirname "$0")"
mk="$build/tests/tdx-mkfixture"
key="$build/tests/test-key.pem"
[ -x "$mk" ] && [ -f "$key" ] || { echo "make-corpus.sh: build $build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# le16/le32 VALUE: the bytes, little-endian, on stdout.
le16() { printf "$(printf '\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16 & 65535)); }

c=corpus
rm -f $c/*/seed-*

# Containers: one module page keeps each seed at 12 KiB.
"$mk" --key "$key" --version 1.5.08 --pages 1 -o $c/image/seed-1.5.08.img
"$mk" --key "$key" --version 1.5.08 --pages 1 --format 0x100 -o $c/image/seed-1.5.08.blob
"$mk" --key "$key" --version 2.0.02 --build 786 --pages 1 -o $c/image/seed-2.0.02.img
"$mk" --key "$key" --debug --pages 1 --format 0x100 -o $c/image/seed-debug.blob
head -c 4096 $c/image/seed-1.5.08.img >$c/image/seed-header-only.img
head -c 6000 $c/image/seed-1.5.08.blob >$c/image/seed-truncated.blob

# Pairs: le16 length of the .sigstruct, the .sigstruct, the .bin.
"$mk" --key "$key" --version 1.5.08 --pages 1 --format pair -o "$tmp/p"
"$mk" --key "$key" --version 2.0.02 --build 786 --pages 1 --format pair -o "$tmp/v2"
{ le16 2048; cat "$tmp/p.sigstruct" "$tmp/p.bin"; } >$c/pair/seed-1.5.08
{ le16 2048; cat "$tmp/v2.sigstruct" "$tmp/v2.bin"; } >$c/pair/seed-2.0.02
{ le16 2000; head -c 2000 "$tmp/p.sigstruct"; cat "$tmp/p.bin"; } >$c/pair/seed-short-sig

# Sigstructs, each followed by the 4-byte module length the offset checks use.
"$mk" --key "$key" --debug --pages 1 --format pair -o "$tmp/d"
for s in p v2 d; do
	{ cat "$tmp/$s.sigstruct"; le32 4096; } >$c/sigstruct/seed-$s
done

# Module ELF: le32 rip_offset (the fixture's entry, 0x100), then the module.
{ le32 256; cat "$tmp/p.bin"; } >$c/elf/seed-module
{ le32 256; head -c 1536 "$tmp/p.bin"; } >$c/elf/seed-headers-only
{ le32 0; head -c 64 "$tmp/p.bin"; } >$c/elf/seed-ehdr

# Mapping files in the shape of Intel's (written here, not copied).
cat >$c/mapping/seed-two <<'JSON'
{
  "Header": { "Version": "1.0" },
  "tdx_module_releases": [
    { "version": "1.5.06", "min_module_version_for_td_preserving": "1.5.01",
      "min_seamldr_versions": [ "1.5.00" ], "tdx_feature0": "0x0" },
    { "version": "1.5.08", "min_module_version_for_td_preserving": "1.5.01",
      "min_seamldr_versions": [ "1.5.00", "2.0.00" ], "tdx_feature0": "0x2" },
    { "version": "2.0.02", "min_module_version_for_td_preserving": "2.0.00",
      "min_seamldr_versions": [ "2.0.00" ], "tdx_feature0": "0x800000000002" }
  ]
}
JSON
printf '{"tdx_module_releases":[{"version":"1.5.16","min_module_version_for_td_preserving":"1.5.01","min_seamldr_versions":["1.5.00"],"tdx_feature0":"0xFFFFFFFFFFFFFFFF","x":[null,true,1.5,-1,{}]}]}' \
	>$c/mapping/seed-one

# TDX TCB Info: Intel's real documents (tests/data/tcb-info, with their sources) in the bundle
# form, so that the harness starts past the signature; and the chain URL-encoded.
d=../tests/data/tcb-info
{ cat $d/phala-b0c06f000000.json; echo; cat $d/phala-b0c06f000000.chain.pem; } \
	>$c/tcbinfo/seed-b0c06f-bundle
{ cat $d/phala-90c06f000000.json; cat $d/phala-90c06f000000.chain.pem; } \
	>$c/tcbinfo/seed-90c06f-bundle
{ cat $d/google-50806f000000.json; cat $d/google-50806f000000.chain.url; } \
	>$c/tcbinfo/seed-50806f-url

# Small texts.
printf '1.5.08\n' >$c/version/seed-sysfs
printf '255.255.65535' >$c/version/seed-max
printf '/srv/tdx/joined_files/1.5/tdx_module_1.5.16.blob' >$c/version/seed-filename
printf 'tdx_module_2.0.02' >$c/version/seed-bare-name
printf '0-3,5\n' >$c/cpuset/seed-list
printf '0\n' >$c/cpuset/seed-one
printf '' >$c/cpuset/seed-empty
printf '0,2,4-6,8191\n' >$c/cpuset/seed-max
printf '0-8191' >$c/cpuset/seed-all
printf '' >$c/fwerror/seed-empty
printf 'transferring:firmware-invalid\n' >$c/fwerror/seed-error
printf 'preparing:device-busy' >$c/fwerror/seed-busy
printf 'idle\n' >$c/fwerror/seed-idle
printf 'programming\n' >$c/fwerror/seed-programming
printf '3\n' >$c/sysfs/seed-uint
printf '4294967295\n' >$c/sysfs/seed-uint-max
printf '4242 123456789\n' >$c/sysfs/seed-lock
printf 'processor\t: 0\nflags\t\t: fpu vme tdx_host_platform\nbugs\t\t: spectre_v1 seamret_invd_vmcs\nbogomips\t: 4000.00\n' \
	>$c/sysfs/seed-cpuinfo

# History: one byte (records to keep, modulo 8), then JSON lines as tdxctl writes them.
{
	printf '\002'
	printf '{"time":"2025-01-01T00:00:00Z","host":"h","command":"update","old_version":"1.5.06","new_version":"1.5.08","image":"/x/tdx_module_1.5.08.blob","image_sha256":"00","format":"0x200","failed_checks":[],"kernel_error":null,"uploaded":true,"outcome":"ok","verdict":"updated","duration_ms":12,"exit_code":0}\n'
	printf '{"time":"2025-01-02T00:00:00Z","command":"update --dry-run","failed_checks":["compat.cpu"],"uploaded":false,"outcome":"invalid-image","exit_code":2}\n'
	printf 'not json\n{"cut": "short'
} >$c/history/seed-lines
# The TD-build gate: a builds/ entry as tdxctl writes it, a duration, a rejected entry.
printf '{"name":"fuzz-entry","pid":1,"pid_start_time":0,"started":1735689600,"expires":1735693200}\n' \
	>$c/gate/seed-entry
printf '10m' >$c/gate/seed-duration
printf '{"name":"other","pid":-1}' >$c/gate/seed-bad
du -sh $c/* | sed 's/^/make-corpus.sh: /'
