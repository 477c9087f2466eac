# SPDX-License-Identifier: GPL-2.0-only
# `tdxctl list` and `tdxctl update --latest` against Intel's real release tree (joined_files/ and
# separate_files/, Intel's mapping file, signed with Intel's production key, which is the shim's
# default key_hash) on shim hosts set up as different running versions and P-SEAMLDR versions.
# The CPU is QEMU's: run once with the harness default (Sapphire Rapids, CPUID 0x806F8) and
# once with --cpu family=6,model=173,stepping=0 (0xA06D0, a 2.0.x CPU); the expectations
# follow the CPU this guest has. Skips (77) when the tree was not passed in, unless
# TDXCTL_REQUIRE_INTEL was set for prepare.
. /files/lib.sh

# Lines Intel has not published yet (test-signed, version in the sigstruct's reserved3): list
# labels them for a host of that line, and update --latest installs the newest of the line.
N=$F/newline
for line in "2.1.00 4.0 2.1.03 3.0.01" "3.0.00 5.0 3.0.01 2.1.03"; do
	set -- $line
	sim_load version=$1 svn=$2 seamldr_version=2.0.00
	t "$1 host: list" 0 tdxctl list --key-hash "$KEYHASH" $N
	has "$1 host: $3 installable" "^$3 *installable" $OUT
	has "$1 host: $4 another line" "^$4 *other-line" $OUT
	has "$1 host: latest" "^latest installable: $3 " $OUT
	# A mapping file that does not list the line: list and --latest word the reason alike,
	# with tdxctl's option for it.
	t "$1 host: list, another mapping file" 0 tdxctl list --key-hash "$KEYHASH" \
		--mapping $F/mapping_file.json $N --json
	grep '"reason":' $OUT >/tmp/list-reasons
	has "$1 host: list: $3 not listed" \
		"\"reason\":\"the mapping file does not list $3: .* (--mapping FILE)\"" /tmp/list-reasons
	t "$1 host: --latest, another mapping file" 0 tdxctl update --key-hash "$KEYHASH" --latest $N \
		--mapping $F/mapping_file.json --dry-run --json
	grep '"reason":' $OUT >/tmp/latest-reasons
	eq "$1 host: --latest words the reasons as list does" "$(sed 's/^ *//; s/,$//' /tmp/list-reasons)" \
		"$(sed 's/^ *//; s/,$//' /tmp/latest-reasons)"
	eq "$1 host: nothing uploaded" 0 "$(sim uploads)"
	t "$1 host: --latest installs $3" 0 tdxctl update --key-hash "$KEYHASH" --latest $N --json
	has "$1 host: new version" "\"new_version\":\"$3\"" $OUT
	eq "$1 host: running version" "$3" "$(host_version)"
	eq "$1 host: one upload" 1 "$(sim uploads)"
done

D=$F/intel-tree
if [ ! -f $D/joined_files/1.5/tdx_module_1.5.16.blob ]; then
	if [ -f $F/require-intel ]; then
		fail "Intel's binaries are missing (TDXCTL_REQUIRE_INTEL is set)"
		finish
		exit 1
	fi
	echo "skip: Intel's binaries not found (TDXCTL_INTEL_BINARIES, default ../shared/intel-tdx-module-binaries)"
	exit 77
fi
export TDXCTL_MODULE=tdx_host_sim

# host PARAMS...: a fresh shim with Intel's key (its default) and PARAMS
host() {
	sim_unload
	modprobe tdx_host_sim "$@" || fail "modprobe tdx_host_sim $*"
	sim_versions $D/joined_files/1.5/tdx_module_1.5.*.blob
	echo "-- host: $* (CPUID $cpuid)"
}
# labels: "VERSION LABEL, ..." of `tdxctl list DIR`
labels() {
	tdxctl list $D >/tmp/list.out 2>/tmp/list.err || fail "tdxctl list: exit $?"
	awk '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+$/ { printf "%s%s %s", n++ ? ", " : "", $1, $2 }' /tmp/list.out
}
# current NAME "LABELS": update --latest finds nothing newer: exit 0, no upload
current() {
	n=$(sim uploads)
	t "$1: --latest: already current" 0 tdxctl update --latest $D --json
	has "$1: says so, with what it considered" "\"verdict\":\"already current: the running module is $(host_version) and no newer release under $D is installable on this host ($2); nothing done\"" $OUT
	eq "$1: no upload" "$n" "$(sim uploads)"
	t "$1: --quiet: silent" 0 tdxctl update --latest $D --quiet --retry-for 30s
	if [ -s $OUT ] || [ -s $ERR ]; then fail "$1: --quiet printed"; else ok "$1: --quiet printed nothing"; fi
	eq "$1: still no upload" "$n" "$(sim uploads)"
}

model=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
case $model in
143) cpuid=0x806F8 ;;
173) cpuid=0xA06D0 ;;
*) fail "unexpected CPU model $model (run with the default --cpu or model=173)"; finish; exit 1 ;;
esac
S=joined_files/1.5

if [ $cpuid = 0x806F8 ]; then
	host
	A="1.5.01 older, 1.5.05 older, 1.5.06 older, 1.5.08 running, 1.5.09 installable, 1.5.13 installable, 1.5.16 installable, 2.0.02 cpu"
	eq "1.5.08 host: labels" "$A" "$(labels)"
	has "1.5.08 host: latest installable" "^latest installable: 1.5.16 ($S/tdx_module_1.5.16.blob)" /tmp/list.out
	t "1.5.08 host: list --json" 0 tdxctl list $D --json
	has "list --json: the pair is the blob's alternative" "\"alt_path\":\"$D/separate_files/1.5/1.5.16/tdx_module_1.5.16.bin\"" $OUT
	t "convert 1.5.16 to 0x200" 0 tdxctl convert -f 0x200 -o /tmp/1.5.16.img $D/$S/tdx_module_1.5.16.blob
	t "1.5.08 host: --latest installs 1.5.16" 0 tdxctl update --latest $D --json
	eq "picked" "$D/$S/tdx_module_1.5.16.blob" "$(json_str $OUT image)"
	eq "mapping" "$D/mapping_file.json" "$(json_str $OUT mapping)"
	eq "version" 1.5.16 "$(host_version)"
	eq "one upload" 1 "$(sim uploads)"
	eq "the shim got Intel's 1.5.16, converted" "$(sha256sum /tmp/1.5.16.img | cut -d' ' -f1)" "$(sim last_sha256)"
	current "then" "1.5.01 older, 1.5.05 older, 1.5.06 older, 1.5.08 older, 1.5.09 older, 1.5.13 older, 1.5.16 running, 2.0.02 cpu"

	host version=1.5.16
	current "1.5.16 host" "1.5.01 older, 1.5.05 older, 1.5.06 older, 1.5.08 older, 1.5.09 older, 1.5.13 older, 1.5.16 running, 2.0.02 cpu"

	host seamldr_version=1.4.00
	# The running release fails the P-SEAMLDR rule too: it could not be installed again.
	C="1.5.01 older, 1.5.05 older, 1.5.06 older, 1.5.08 seamldr, 1.5.09 seamldr, 1.5.13 seamldr, 1.5.16 seamldr, 2.0.02 cpu"
	eq "P-SEAMLDR 1.4.00: labels" "$C" "$(labels)"
	current "P-SEAMLDR 1.4.00" "$C"

	host version=1.5.00
	B="1.5.01 below-minimum, 1.5.05 below-minimum, 1.5.06 below-minimum, 1.5.08 below-minimum, 1.5.09 below-minimum, 1.5.13 below-minimum, 1.5.16 below-minimum, 2.0.02 cpu"
	eq "1.5.00 host: labels" "$B" "$(labels)"
	current "1.5.00 host" "$B"

	host version=1.5.06 seamldr_version=2.0.00
	eq "1.5.06 host, P-SEAMLDR 2.0.00: labels" "1.5.01 older, 1.5.05 older, 1.5.06 running, 1.5.08 installable, 1.5.09 installable, 1.5.13 installable, 1.5.16 installable, 2.0.02 cpu" "$(labels)"
	t "1.5.06 host: --latest --dry-run picks 1.5.16" 0 tdxctl update --latest $D --dry-run --json
	eq "picked" "$D/$S/tdx_module_1.5.16.blob" "$(json_str $OUT image)"
	has "dry run" '"verdict":"dry run: every check passed' $OUT
	eq "no upload" 0 "$(sim uploads)"
else
	host
	F1="1.5.01 cpu, 1.5.05 cpu, 1.5.06 cpu, 1.5.08 cpu, 1.5.09 cpu, 1.5.13 cpu, 1.5.16 cpu, 2.0.02 other-line"
	eq "0xA06D0, 1.5.08 host: labels" "$F1" "$(labels)"
	has "nothing installable" "^nothing installable" /tmp/list.out
	current "0xA06D0, 1.5.08 host" "$F1"

	host version=2.0.02 seamldr_version=2.0.00
	G="1.5.01 cpu, 1.5.05 cpu, 1.5.06 cpu, 1.5.08 cpu, 1.5.09 cpu, 1.5.13 cpu, 1.5.16 cpu, 2.0.02 running"
	eq "0xA06D0, 2.0.02 host: labels" "$G" "$(labels)"
	current "0xA06D0, 2.0.02 host" "$G"

	host version=2.0.01 seamldr_version=2.0.00
	H="1.5.01 cpu, 1.5.05 cpu, 1.5.06 cpu, 1.5.08 cpu, 1.5.09 cpu, 1.5.13 cpu, 1.5.16 cpu, 2.0.02 below-minimum"
	eq "0xA06D0, 2.0.01 host: labels" "$H" "$(labels)"
	current "0xA06D0, 2.0.01 host" "$H"
fi
finish
