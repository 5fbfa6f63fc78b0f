#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot of a libvirt domain with and without tvm, in one boot of the real
# host (Documentation/performance.md, "libvirt: virsh start to the first
# guest instruction"):
#
#   scripts/vm-run --host --timeout 900 -- bench/libvirt-boot.sh [ROUNDS]
#
# (after make all).  The domain is the tiny Linux guest (make guest),
# booted directly from the host's kernel, 128 MiB, 1 vCPU, with an
# isa-debugcon on port 0x402 into a file (<qemu:commandline>): SeaBIOS
# writes there from its first instructions, so the first byte in that
# file is the first guest instruction, give or take SeaBIOS's first
# milliseconds.  Each round starts it twice, alternately with tvm (the
# modules loaded with modprobe.d's options, the hook in place, the domain
# under an audit policy: bound, measured, judged) and without (the
# modules unloaded, the hook not executable, so libvirt runs nothing),
# and times from `virsh start` to the debugcon's first byte, to the
# return of `virsh start`, and to the guest's "tvm-guest: up" on its
# serial port.  It prints each run and the medians and ratios.  It
# installs tvm (make install) and leaves the host as it found it, but
# for that: the image is a snapshot anyway.  Not a test: no time is
# asserted.
set -u
PATH=$PATH:/usr/sbin:/sbin
export PATH
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
virsh="virsh -c qemu:///system"
img=/var/lib/libvirt/images/tvm-bench
dom=tvm-bench
hook=/etc/libvirt/hooks/qemu.d/tvm
tmp=$(mktemp -d)
cmdline='quiet'

[ "${TVM_REAL_HOST:-}" = 1 ] || {
	echo "libvirt-boot.sh runs inside the real host: scripts/vm-run --host" >&2
	exit 2
}

cleanup() {
	$virsh destroy $dom > /dev/null 2>&1
	$virsh undefine $dom > /dev/null 2>&1
	rm -f /etc/tvm/policies/$dom.json
	[ -e $hook ] && chmod 755 $hook
	rm -rf "$tmp" "$img"
}
trap cleanup EXIT

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

make -C "$top" -s modules_install install-userspace PREFIX=/usr > "$tmp/install" 2>&1 || {
	cat "$tmp/install" >&2
	exit 1
}
for u in virtqemud libvirtd; do
	if systemctl is-active --quiet $u.service ||
	   systemctl is-active --quiet $u.socket; then
		systemctl restart $u.service
	fi
done
mkdir -p "$img"
cp "/boot/vmlinuz-$(uname -r)" "$img/vmlinuz"
cp "$top/build/guest/initrd.img" "$img/initrd.img"
chmod 644 "$img/vmlinuz" "$img/initrd.img"
# QEMU (libvirt-qemu) opens the debugcon file itself.
chown libvirt-qemu:libvirt-qemu "$img"
printf '{"version": 1, "selector": {"name": "%s"}, "mode": "audit"}\n' $dom \
	> /etc/tvm/policies/$dom.json

cat > "$tmp/$dom.xml" <<EOF
<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$dom</name>
  <metadata>
    <tvm:policy xmlns:tvm="urn:tvm:libvirt:1">$dom.json</tvm:policy>
  </metadata>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$img/vmlinuz</kernel>
    <initrd>$img/initrd.img</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'>
      <source path='$img/serial.log'/>
      <target port='0'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-chardev'/>
    <qemu:arg value='file,id=tvmdbg,path=$img/debugcon.log'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='isa-debugcon,iobase=0x402,chardev=tvmdbg'/>
  </qemu:commandline>
</domain>
EOF
$virsh define "$tmp/$dom.xml" > /dev/null || exit 1

# with | without
setup() {
	if [ "$1" = with ]; then
		modprobe tvm_kvm && modprobe tvm_vsock && chmod 755 $hook
	else
		chmod 644 $hook
		for m in tvm_vsock tvm_kvm tvm; do
			[ -d /sys/module/$m ] && rmmod $m
		done
		[ ! -d /sys/module/tvm ]
	fi
}

# run with|without: one start, "MODE first_byte_ms start_ms up_ms".
run() {
	setup "$1" || { echo "setup $1 failed" >&2; return 1; }
	rm -f "$img/debugcon.log" "$img/serial.log"
	t0=$(now)
	$virsh start $dom > "$tmp/start" 2>&1 &
	vpid=$!
	t_dbg= t_start= t_up=
	while [ -z "$t_up" ] || [ -z "$t_start" ]; do
		if [ -z "$t_dbg" ] && [ -s "$img/debugcon.log" ]; then
			t_dbg=$(now)
		fi
		if [ -z "$t_start" ] && ! kill -0 $vpid 2> /dev/null; then
			t_start=$(now)
			if ! wait $vpid; then
				cat "$tmp/start" >&2
				$virsh destroy $dom > /dev/null 2>&1
				return 1
			fi
		fi
		if [ -z "$t_up" ] && grep -q 'tvm-guest: up' "$img/serial.log" 2> /dev/null; then
			t_up=$(now)
		fi
		if [ "$(ms "$t0" "$(now)")" -gt 600000 ]; then
			echo "$1: no 'up' in 600 s (debugcon ${t_dbg:+yes}, virsh start ${t_start:+returned})" >&2
			cat "$tmp/start" >&2
			tail -n 5 "$img/serial.log" >&2
			[ "$1" = without ] || tvmctl vm show $dom >&2
			$virsh destroy $dom > /dev/null 2>&1
			return 1
		fi
		sleep 0.01
	done
	[ -n "$t_dbg" ] || { echo "no debugcon output (SeaBIOS without debug port?)" >&2; return 1; }
	if [ "$1" = with ]; then
		tvmctl vm show $dom > "$tmp/show" 2>&1
		if ! grep -q '^trust: unknown\|^trust: trusted' "$tmp/show"; then
			cat "$tmp/show" >&2
			$virsh destroy $dom > /dev/null 2>&1
			return 1
		fi
	fi
	$virsh destroy $dom > /dev/null 2>&1
	echo "$1 $(ms "$t0" "$t_dbg") $(ms "$t0" "$t_start") $(ms "$t0" "$t_up")"
}

echo "# $(uname -r), $(nproc) vCPUs, $(virsh --version) libvirt, $(qemu-system-x86_64 --version | head -n 1)"
echo "# mode first_byte_ms virsh_start_ms up_ms"
# One start of each first, not counted: caches, libvirt's first domain.
for m in with without; do
	run $m > "$tmp/run" || exit 1
	sed 's/^/# warm-up: /' "$tmp/run"
done
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	if [ $((i % 2)) = 1 ]; then order="with without"; else order="without with"; fi
	for m in $order; do
		run $m > "$tmp/run" || exit 1
		tee -a "$tmp/runs" < "$tmp/run"
	done
done

# median MODE COLUMN
median() {
	awk -v m="$1" '$1 == m { print $'"$2"' }' "$tmp/runs" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for c in 2:first_byte 3:virsh_start 4:up; do
	col=${c%%:*}
	w=$(median with "$col")
	wo=$(median without "$col")
	echo "median ${c#*:}: with ${w} ms, without ${wo} ms, ratio $(awk -v a="$w" -v b="$wo" 'BEGIN { printf "%.2f", a / b }')x"
done
