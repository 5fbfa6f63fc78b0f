#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvm's libvirt hook under the real host's libvirt (Documentation/
# install.rst, "libvirt"): direct-boot domains of the tiny Linux guest
# (make guest; the host's own kernel), each naming an enforcing policy
# under /etc/tvm/policies in its <metadata>.
#
#  - the hook, as libvirt runs it, measures <kernel>, <initrd> and
#    <cmdline> into PCR 9 with the files' own digests (the test hashes
#    the files) and binds the VM to the domain's name and UUID;
#  - under a policy fixing PCR 9 (the files' digests replayed with the
#    launch's SLOT events, which the firmware's memory gives) and the
#    VMM's executable, `virsh start` runs the domain trusted, before
#    hold_unbound_ms ran out, and the guest says "up";
#  - a domain whose initramfs has one byte changed, under the same kind
#    of policy: `virsh start` fails with tvm's reason, the domain is shut
#    off, and no instance is left;
#  - `virsh destroy` removes the instance.
#
# The policy fixes PCR 9's value, which covers QEMU's firmware too (the
# demo and guest.sh list the files by name instead, or as well).  The
# SLOT events' digests are taken from a first start under an audit
# policy.
#
# It installs tvm itself (make install, as service.sh does: idempotent),
# loads the modules with modprobe.d's options and restarts libvirt's
# daemon so that it sees the hook; it relies on nothing service.sh left.
# KTAP; run by tests/host/run inside the real host, after service.sh.
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"
. "$dir/wedge.sh"
PATH=$PATH:/usr/sbin:/sbin
export PATH
tmp=$(mktemp -d)

[ "${TVM_REAL_HOST:-}" = 1 ] || {
	echo "libvirt.sh runs inside the real host: tests/host/run" >&2
	exit 2
}

virsh="virsh -c qemu:///system"
img=/var/lib/libvirt/images/tvm-test
good=tvm-lv-good
bad=tvm-lv-bad
uuid_good=7d0c5e1a-3b2f-4a6e-9c81-0f2d3e4c5b6a
uuid_bad=8e1d6f2b-4c30-4b7f-ad92-1a3e4f5d6c7b
# nokaslr: the guest's kernel sits where the real host's does, whose
# kallsyms then names its addresses (wedge.sh).
cmdline='nokaslr quiet'
qemu=/usr/bin/qemu-system-x86_64
policies=/etc/tvm/policies

cleanup() {
	for d in $good $bad; do
		$virsh destroy $d > /dev/null 2>&1
		$virsh undefine $d > /dev/null 2>&1
		rm -f "$policies/$d.json"
	done
	rm -rf "$tmp" "$img"
}
trap cleanup EXIT

ktap_plan 7
echo "# uptime at start: $(cut -d ' ' -f 1 /proc/uptime) s"

# until SECONDS CMD...: CMD succeeds within SECONDS.
until_ok() {
	_n=$(($1 * 5))
	shift
	while ! "$@" > /dev/null 2>&1; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.2
	done
}

sha() { sha256sum "$1" | cut -c1-64; }

# domain_xml NAME UUID INITRD: the tiny guest, booted directly, its
# serial port into $img/NAME.serial, under the policy $policies/NAME.json.
domain_xml() {
	cat <<EOF
<domain type='kvm'>
  <name>$1</name>
  <uuid>$2</uuid>
  <metadata>
    <tvm:policy xmlns:tvm="urn:tvm:libvirt:1">$1.json</tvm:policy>
  </metadata>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$img/vmlinuz</kernel>
    <initrd>$3</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$qemu</emulator>
    <serial type='file'>
      <source path='$img/$1.serial'/>
      <target port='0'/>
    </serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

# The VM's PCR 9 sha256 events, replayed: "SEQ TYPE DIGEST" lines on stdin.
replay() {
	p=0000000000000000000000000000000000000000000000000000000000000000
	while read -r _ _ d; do
		p=$(perl -e 'print pack("H*", $ARGV[0])' "$p$d" | sha256sum | cut -c1-64)
	done
	echo "$p"
}

# pcr9_events NAME: its log's PCR 9 events as "SEQ TYPE DIGEST".
pcr9_events() {
	tvmctl log "$1" | awk '$2 == 9 { for (i = 4; i <= NF; i++)
		if ($i ~ /^sha256:/) { print $1, $3, substr($i, 8); break } }'
}

# 1. Installed, the modules loaded with modprobe.d's options, libvirt's
# daemon restarted so that it looks for hooks again.
daemons=
ok=1
make -C "$top" -s modules_install install-userspace PREFIX=/usr \
	> "$tmp/install" 2>&1 || ok=0
cmp -s "$top/packaging/libvirt-hook" /etc/libvirt/hooks/qemu.d/tvm || ok=0
modprobe tvm_kvm >> "$tmp/install" 2>&1 || ok=0
[ "$(cat /sys/module/tvm_kvm/parameters/hold_unbound_ms 2>&1)" = 30000 ] || ok=0
for u in virtqemud libvirtd; do
	if systemctl is-active --quiet $u.service ||
	   systemctl is-active --quiet $u.socket; then
		daemons="$daemons $u"
		systemctl restart $u.service >> "$tmp/install" 2>&1 || ok=0
	fi
done
echo "# libvirt's daemon:${daemons:- none}; $(virsh --version) libvirt, $($qemu --version | head -n 1)"
echo "# AppArmor: $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo absent)"
mkdir -p "$img"
cp "/boot/vmlinuz-$(uname -r)" "$img/vmlinuz" || ok=0
cp "$top/build/guest/initrd.img" "$img/initrd.img" || ok=0
# One byte of the initramfs changed: the guest's kernel would still load it.
cp "$img/initrd.img" "$img/initrd-bad.img" || ok=0
printf 'x' | dd of="$img/initrd-bad.img" bs=1 seek=1000 conv=notrunc 2> /dev/null
chmod 644 "$img"/*
# The serial port's file is QEMU's (libvirt-qemu) to create.
chown libvirt-qemu:libvirt-qemu "$img" || ok=0
printf '%s' "$cmdline" > "$tmp/cmdline"
kernel_sha=$(sha "$img/vmlinuz")
initrd_sha=$(sha "$img/initrd.img")
bad_sha=$(sha "$img/initrd-bad.img")
cmdline_sha=$(sha "$tmp/cmdline")
qemu_sha=$(sha "$qemu")
[ "$initrd_sha" != "$bad_sha" ] || ok=0
domain_xml $good $uuid_good "$img/initrd.img" > "$tmp/$good.xml"
domain_xml $bad $uuid_bad "$img/initrd-bad.img" > "$tmp/$bad.xml"
$virsh define "$tmp/$good.xml" >> "$tmp/install" 2>&1 || ok=0
$virsh define "$tmp/$bad.xml" >> "$tmp/install" 2>&1 || ok=0
if [ $ok = 1 ] && [ -n "$daemons" ]; then
	ktap_pass "libvirt: installed, hold_unbound_ms 30000, daemon restarted, domains defined"
else
	ktap_fail "libvirt: installed, hold_unbound_ms 30000, daemon restarted, domains defined" \
		"$(tail -n 20 "$tmp/install")"
fi

# 2. Under an audit policy: the hook measures the three files into PCR 9
# with their own digests, before the launch's SLOT events.
cat > "$policies/$good.json" <<EOF
{"version": 1, "selector": {"name": "$good"}, "mode": "audit"}
EOF
t0=$(date +%s.%N)
if $virsh start $good > "$tmp/start" 2>&1; then
	t1=$(date +%s.%N)
	echo "# virsh start (audit): $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
	tvmctl log $good > "$tmp/log.audit" 2>&1
	pcr9_events $good > "$tmp/pcr9.audit"
	tvmctl pcr read $good --bank sha256 --pcrs 9 > "$tmp/pcr.audit" 2>&1
fi
$virsh destroy $good > /dev/null 2>&1
sed 's/^/# PCR 9 (audit): /' "$tmp/pcr9.audit" 2> /dev/null
p9_read=$(sed -n 's/^ *9: //p' "$tmp/pcr.audit" 2> /dev/null)
# The files' digests, as the test computed them, in the hook's order,
# then the launch's SLOT events as logged.
{
	echo "- FILE $kernel_sha"
	echo "- FILE $initrd_sha"
	echo "- FILE $cmdline_sha"
	grep ' SLOT ' "$tmp/pcr9.audit"
} > "$tmp/pcr9.expect" 2> /dev/null
p9=$(replay < "$tmp/pcr9.expect")
if grep -q " 9 FILE sha256:$kernel_sha .* kernel\$" "$tmp/log.audit" &&
   grep -q " 9 FILE sha256:$initrd_sha .* initrd\$" "$tmp/log.audit" &&
   grep -q " 9 FILE sha256:$cmdline_sha .* cmdline\$" "$tmp/log.audit" &&
   [ "$(awk '{ print $2 }' "$tmp/pcr9.audit" | head -n 3 | tr '\n' ' ')" = "FILE FILE FILE " ] &&
   grep -q ' SLOT ' "$tmp/pcr9.audit" &&
   grep -q " 8 VMM_EXE sha256:$qemu_sha .* $qemu\$" "$tmp/log.audit" &&
   [ "$p9" = "$p9_read" ]; then
	ktap_pass "libvirt: the hook measures kernel, initrd and cmdline into PCR 9 with the files' digests"
else
	ktap_fail "libvirt: the hook measures kernel, initrd and cmdline into PCR 9 with the files' digests" \
		"$(cat "$tmp/start" "$tmp/pcr9.audit"; echo "replayed $p9, read $p9_read")"
fi

# The enforcing policy of both domains: QEMU's executable, and PCR 9 as
# the good files give it.
for d in $good $bad; do
	cat > "$policies/$d.json" <<EOF
{"version": 1, "selector": {"name": "$d"}, "mode": "enforce",
 "levels": {"vmm": {"events": {"$qemu": ["sha256:$qemu_sha"]}},
            "os": {"pcr": ["sha256:$p9"]}}}
EOF
done

# 3. The good domain starts, bound to its name and UUID, trusted, and
# its held vCPU did not wait out hold_unbound_ms.
dmesg > "$tmp/dmesg.before"
t0=$(date +%s.%N)
if $virsh start $good > "$tmp/start" 2>&1; then
	t1=$(date +%s.%N)
	echo "# virsh start (enforce): $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s"
fi
pid=$(cat /run/libvirt/qemu/$good.pid 2> /dev/null)
tvmctl vm show $good > "$tmp/show" 2>&1
dmesg | tail -n "+$(($(wc -l < "$tmp/dmesg.before") + 1))" > "$tmp/dmesg.new"
if [ "$($virsh domstate $good 2>&1)" = running ] &&
   grep -qx "name: $good" "$tmp/show" &&
   grep -qx "uuid: $uuid_good" "$tmp/show" &&
   grep -qx "pid: $pid" "$tmp/show" &&
   grep -qx "kvm: yes" "$tmp/show" &&
   grep -qx "trust: trusted" "$tmp/show" &&
   ! grep -q 'not bound within hold_unbound_ms' "$tmp/dmesg.new"; then
	ktap_pass "libvirt: virsh start runs the domain bound to its name and UUID, trusted"
else
	ktap_fail "libvirt: virsh start runs the domain bound to its name and UUID, trusted" \
		"$(cat "$tmp/start" "$tmp/show" "$tmp/dmesg.new")"
fi

# 4. The tampered initramfs: virsh start fails with tvm's reason, the
# domain is shut off and no instance is left behind.
if $virsh start $bad > "$tmp/start.bad" 2>&1; then
	started=yes
else
	started=
fi
sed 's/^/# virsh: /' "$tmp/start.bad"
if [ -z "$started" ] &&
   grep -q "tvm: domain '$bad' not started: its policy enforces and tvm refuses it (untrusted)" "$tmp/start.bad" &&
   grep -q "pcr 9 sha256 value" "$tmp/start.bad" &&
   [ "$($virsh domstate $bad 2>&1)" = "shut off" ] &&
   until_ok 10 sh -c "! tvmctl vm show $bad" &&
   until_ok 10 sh -c "[ \$(tvmctl vm list | awk '\$10 == \"yes\"' | wc -l) = 1 ]"; then
	ktap_pass "libvirt: a changed initramfs fails virsh start with tvm's reason, nothing left"
else
	ktap_fail "libvirt: a changed initramfs fails virsh start with tvm's reason, nothing left" \
		"$($virsh domstate $bad 2>&1; tvmctl vm list 2>&1)"
fi

# 5. The guest runs: its init says "up" on the serial port (its boot
# overlapped the tampered start).  A guest the emulator wedged
# (wedge.sh) is started again, eleven times at most, each time said here.
up=0
for try in 1 2 3 4 5 6 7 8 9 10 11 12; do
	if until_ok 20 grep -q 'tvm-guest: up' "$img/$good.serial"; then
		up=1
		break
	fi
	if why=$(domain_wedged $good "$tmp"); then
		echo "# $good: boot $try wedged by the emulator: $why (Documentation/testing.rst); started again"
		$virsh destroy $good > /dev/null 2>&1
		until_ok 10 sh -c "! tvmctl vm show $good"
		$virsh start $good > "$tmp/start.again" 2>&1 && continue
		sed 's/^/# virsh: /' "$tmp/start.again"
		break
	fi
	until_ok 100 grep -q 'tvm-guest: up' "$img/$good.serial" && up=1
	break
done
if [ $up = 1 ]; then
	echo "# $(grep 'tvm-guest: up' "$img/$good.serial")"
	ktap_pass "libvirt: the guest says up"
else
	tail -n 20 "$img/$good.serial" 2>&1 | sed 's/^/# serial: /'
	ktap_fail "libvirt: the guest says up" "$(tvmctl vm show $good 2>&1)"
fi

# 6. virsh destroy: the instance goes with QEMU.
$virsh destroy $good > "$tmp/destroy" 2>&1
if until_ok 10 sh -c "! tvmctl vm show $good" &&
   ! tvmctl vm list | awk '$10 == "yes"' | grep -q .; then
	ktap_pass "libvirt: virsh destroy removes the instance"
else
	ktap_fail "libvirt: virsh destroy removes the instance" \
		"$(cat "$tmp/destroy"; tvmctl vm list 2>&1)"
fi

# 7. The kernel log stayed clean meanwhile.
dmesg | tail -n "+$(($(wc -l < "$tmp/dmesg.before") + 1))" > "$tmp/dmesg.new"
sed 's/^/# dmesg: /' "$tmp/dmesg.new" | tail -n 15
if ! grep -Eq 'BUG:|WARNING:|Oops|general protection fault|Call Trace:' "$tmp/dmesg.new"; then
	ktap_pass "libvirt: no BUG, WARNING or Oops"
else
	ktap_fail "libvirt: no BUG, WARNING or Oops"
fi
ktap_finish
