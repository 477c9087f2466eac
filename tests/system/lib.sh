# SPDX-License-Identifier: GPL-2.0-only
# Helpers of tests/system/run (sourced): the hosts' disk, their boot, SSH into them, Prometheus
# and Alertmanager on the test machine. Every address is 127.0.0.1.

# sys_free_port: a TCP port of 127.0.0.1 nobody listens on now.
sys_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# sys_base_disk ROOTFS_TAR OUT: the hosts' shared, read-only base disk (ext4, raw): the cached
# Debian file system, the bookworm-backports kernel's modules with tdx_host_sim, the test's SSH
# key, a static address for QEMU's user network, and the stand-in for what the BIOS and kernel
# do on a TDX host (tdx-host-sim.service, only with "tdxsim" on the kernel command line).
sys_base_disk() {
	local tar=$1 out=$2 r
	r=$(dirname "$out")/base-root
	mkdir -p "$r"
	tar -C "$r" --numeric-owner -xpf "$tar"
	mkdir -p "$r/lib/modules"
	cp -a "$(vm_modules_dir "$kroot" "$rel")" "$r/lib/modules/"
	mkdir -p "$r/lib/modules/$rel/extra"
	cp "$ko" "$r/lib/modules/$rel/extra/"
	depmod -b "$r" "$rel"
	install -d -m 700 "$r/root/.ssh"
	install -m 600 "$tmp/id.pub" "$r/root/.ssh/authorized_keys"
	cat >"$r/etc/systemd/network/10-qemu.network" <<'EOF'
[Match]
Name=en* eth*
[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
EOF
	chroot "$r" systemctl enable systemd-networkd.service >/dev/null 2>&1
	# The twin's BIOS-loaded module: 1.5.08, P-SEAMLDR 1.5.01, 8 updates; the shim learns the
	# version of Intel's 1.5.16 from its seamhash (as tools/demo.sh does).
	cat >"$r/etc/systemd/system/tdx-host-sim.service" <<EOF
[Unit]
Description=Test stand-in for the BIOS and kernel of a TDX host (tdx_host_sim)
DefaultDependencies=no
ConditionKernelCommandLine=tdxsim
After=local-fs.target sys-kernel-debug.mount
Before=sysinit.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/sbin/modprobe tdx_host_sim version=1.5.08
ExecStart=/bin/sh -c 'echo "$seamhash 1.5.16" >/sys/kernel/debug/tdx_host_sim/versions'
[Install]
WantedBy=sysinit.target
EOF
	chroot "$r" systemctl enable tdx-host-sim.service >/dev/null 2>&1
	# A stand-in VMM, ordered as libvirtd.service is: it records the TDX module version it
	# found when it started.
	cat >"$r/etc/systemd/system/libvirtd.service" <<'EOF'
[Unit]
Description=Test stand-in for libvirtd (records the TDX module it starts with)
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'v=$(cat /sys/devices/faux/tdx_host/version 2>&1); echo "vmm-start: module $v" >/dev/kmsg; echo "$v" >/run/vmm-saw-version'
[Install]
WantedBy=multi-user.target
EOF
	chroot "$r" systemctl enable libvirtd.service >/dev/null 2>&1
	chroot "$r" systemctl mask serial-getty@ttyS0.service getty.target e2scrub_reap.service \
		systemd-pstore.service >/dev/null 2>&1
	# What a first boot would do slowly under TCG, done here: the hardware database, the
	# machine id, the "/etc updated" stamps (ConditionNeedsUpdate units: ldconfig, hwdb,
	# the journal catalog), and man-db's index on every package install.
	chroot "$r" systemd-hwdb update >/dev/null 2>&1
	chroot "$r" journalctl --update-catalog >/dev/null 2>&1
	chroot "$r" systemd-machine-id-setup >/dev/null 2>&1
	touch "$r/etc/.updated" "$r/var/.updated"
	rm -f "$r/var/lib/man-db/auto-update"
	# node_exporter's collectors that cost emulated CPU and are not needed here.
	echo 'ARGS="--collector.disable-defaults --collector.textfile --collector.textfile.directory=/var/lib/prometheus/node-exporter"' \
		>"$r/etc/default/prometheus-node-exporter"
	mkfs.ext4 -q -F -L root -d "$r" "$out" 2G
	sys_initrd "$r" "$(dirname "$out")/initrd.cpio"
	rm -rf "$r"
}

# sys_initrd ROOT OUT: a busybox initramfs that loads virtio_blk and ext4 (modules in Debian's
# kernel, found with ROOT's modules.dep) and starts the disk's systemd.
sys_initrd() {
	local root=$1 out=$2 ir=$tmp/initrd m
	mkdir -p "$ir/bin" "$ir/mod" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/newroot"
	cp "$busybox" "$ir/bin/busybox"
	: >"$ir/mod/order"
	for m in $(modprobe -d "$root" -S "$rel" --show-depends -a virtio_blk crc32c_generic ext4 |
		sed -n 's/^insmod \([^ ]*\).*/\1/p'); do
		xz -dc "$m" >"$ir/mod/$(basename "${m%.xz}")"
		basename "${m%.xz}" >>"$ir/mod/order"
	done
	cat >"$ir/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod /mod/$m; done </mod/order
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
mount -t ext4 -o rw /dev/vda /newroot || { echo "initrd: cannot mount /dev/vda"; poweroff -f; }
umount /proc /sys; mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
EOF
	chmod +x "$ir/init"
	(cd "$ir" && find . | cpio -o -H newc --quiet) >"$out"
}

# sys_boot NAME APPEND: start host NAME in the background. Its writes go to QEMU's own temporary
# overlay of the shared base disk (snapshot=on), which lasts as long as the QEMU process: across
# the guest's reboots, not beyond.
sys_boot() {
	local h=$1 append=$2
	# restrict=on: the host reaches nothing; only these forwards reach it, from 127.0.0.1 only.
	# tb-size: TCG's translation cache, 1 GiB by default (QEMU 7.2), took 0.5-0.7 GiB of RSS per
	# host beyond the guest's RAM; 256 MiB holds what these hosts run. tsc=reliable: under a
	# loaded host the clocksource watchdog judged the TSC unstable and moved the guest to the
	# HPET, each read of which is emulated (slow); a VM's TSC is what its clock is built on.
	qemu-system-x86_64 -machine q35 -accel tcg,tb-size=256 \
		-cpu max,vendor=GenuineIntel,family=6,model=143,stepping=8 -smp 1 -m 768 \
		-kernel "$(vm_kernel_image "$kroot" "$rel")" -initrd "$tmp/initrd.cpio" \
		-append "console=ttyS0 quiet no_timer_check tsc=reliable panic=-1 systemd.hostname=$h $append" \
		-drive "file=$tmp/base.img,if=virtio,format=raw,snapshot=on" \
		-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${sshp[$h]}-10.0.2.15:22,hostfwd=tcp:127.0.0.1:${nodep[$h]}-10.0.2.15:9100" \
		-device virtio-net-pci,netdev=n0,romfile= \
		-display none -monitor none -nodefaults -serial "file:$tmp/$h.console" </dev/null &
	qpid[$h]=$!
}

# gssh NAME COMMAND...: run COMMAND as root on host NAME, for at most $gssh_secs seconds (900 by
# default; "gssh_secs=60 gssh ..." for a poll). A shell function: "timeout 60 gssh" would not run.
gssh() {
	local h=$1
	shift
	# One connection per host, reused (an SSH handshake costs seconds of emulated CPU). The
	# master that ControlPersist forks leaves timeout's process group, so it outlives the bound.
	timeout -k 5 "${gssh_secs:-900}" ssh -F /dev/null -i "$tmp/id" -p "${sshp[$h]}" -o UserKnownHostsFile="$tmp/known_hosts" \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=60 \
		-o ControlMaster=auto -o ControlPath="$tmp/ssh-%p" -o ControlPersist=yes \
		-o ServerAliveInterval=10 -o ServerAliveCountMax=6 \
		-o HostKeyAlias=tdxhost -o LogLevel=ERROR root@127.0.0.1 "$@"
}

# gcp NAME FILE... DEST: copy files to host NAME.
gcp() {
	local h=$1
	shift
	scp -F /dev/null -q -i "$tmp/id" -P "${sshp[$h]}" -o UserKnownHostsFile="$tmp/known_hosts" \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o HostKeyAlias=tdxhost \
		-o ControlMaster=auto -o ControlPath="$tmp/ssh-%p" -o ControlPersist=yes \
		"${@:1:$#-1}" "root@127.0.0.1:${*: -1}"
}

# sys_wait_up NAME SECONDS: wait until host NAME has booted (systemd reached its default target).
sys_wait_up() {
	local h=$1 end=$(($(date +%s) + $2)) s
	while [ "$(date +%s)" -lt "$end" ]; do
		if ! kill -0 "${qpid[$h]}" 2>/dev/null; then
			echo "host $h: QEMU exited; console tail:" >&2
			tail -n 30 "$tmp/$h.console" >&2
			return 1
		fi
		s=$(gssh "$h" systemctl is-system-running --wait 2>/dev/null) && [ -n "$s" ] && return 0
		case $s in running | degraded) return 0 ;; esac
		sleep 3
	done
	echo "host $h: not up after $2 s; console tail:" >&2
	tail -n 20 "$tmp/$h.console" >&2
	return 1
}

# prom_query QUERY: the result array of an instant query, as JSON.
prom_query() {
	curl -sf --get "http://127.0.0.1:$promp/api/v1/query" --data-urlencode "query=$1" |
		jq -c '.data.result'
}

# q_count N QUERY: the instant query has N series.
q_count() {
	prom_query "$2" | jq -e --argjson n "$1" 'length == $n'
}

# am_alerts: the alerts Alertmanager holds, "NAME INSTANCE" per line, sorted.
am_alerts() {
	curl -sf "http://127.0.0.1:$amp/api/v2/alerts" |
		jq -r '.[] | "\(.labels.alertname) \(.labels.instance // .labels.job)"' | sort
}

# wait_for SECONDS WHAT COMMAND...: poll COMMAND every 3 s until it succeeds.
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s) + secs))
	while ! "$@" >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$end" ]; then
			bad "$what (not within $secs s)"
			return 1
		fi
		sleep 3
	done
	ok "$what"
}
