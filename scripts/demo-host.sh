#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, second part: tvm on a real hypervisor host, run inside the
# real host (scripts/vm-run --host) as its administrator would.  DKMS
# builds and installs the modules, tvm.service loads them with the
# attestation key and the policies, libvirt starts a trusted Linux guest
# and refuses a tampered one, and the VM owner's verifier checks a quote
# of the trusted one.  Each step says what it shows, then runs the
# commands.  The host is a snapshot: nothing here outlives the boot.
set -eu

step=0
say() {
	step=$((step + 1))
	printf '\n=== %d. %s\n' "$step" "$*"
}

# run CMD ARGS...: show the command, then run it.
run() {
	printf '# %s\n' "$*"
	"$@"
}

# runsh 'PIPELINE': the same for a shell pipeline.
runsh() {
	printf '# %s\n' "$1"
	sh -c "$1"
}

[ "${TVM_REAL_HOST:-}" = 1 ] ||
	{ echo "demo-host.sh runs inside the real host: make demo" >&2; exit 2; }
PATH=/usr/local/sbin:/usr/sbin:/sbin:$PATH
top=$(pwd)
images=/var/lib/libvirt/images
nonce=5eed0f7e4a11ce02

say "The real host: Debian 12, systemd, libvirt and QEMU, a TPM; KVM nested under TCG"
run uname -r
runsh 'systemctl is-system-running --wait'
runsh 'virsh -c qemu:///system version | head -n 3'
run ls -l /dev/kvm /dev/tpmrm0

say "Install tvm with DKMS, as from a source package: modules for this kernel, and every later one"
if [ "${TVM_DEMO_INSTALL:-dkms}" = dkms ]; then
	echo "(the modules build under TCG: this step takes several minutes)"
	runsh 'make -s dkms PREFIX=/usr 2>&1 | grep -v "^$" | tail -n 4'
	run dkms status
else
	# TVM_DEMO_INSTALL=tree: the modules built in the tree, for a quick run.
	runsh 'make -s install PREFIX=/usr > /dev/null'
fi
runsh 'modinfo -F version tvm; modinfo -n tvm_kvm'
run ls /etc/tvm /etc/libvirt/hooks/qemu.d

say "The guest: Debian's kernel and a tiny initramfs, booted directly by QEMU"
install -m 644 "/boot/vmlinuz-$(uname -r)" $images/demo-vmlinuz
install -m 644 "$top/build/guest/initrd.img" $images/demo-initrd.img
cp $images/demo-initrd.img $images/demo-initrd-evil.img
printf 'X' | dd of=$images/demo-initrd-evil.img bs=1 seek=300 conv=notrunc 2> /dev/null
# nokaslr: should the emulator wedge the guest, tests/host/wedge.sh names
# where from the real host's kallsyms.
cmdline='nokaslr quiet'
runsh "sha256sum $images/demo-*"

say "The owner's enforcing policy: the digests of the kernel, initramfs and command line QEMU boots"
kernel=$(sha256sum $images/demo-vmlinuz | cut -c1-64)
initrd=$(sha256sum $images/demo-initrd.img | cut -c1-64)
cmd=$(printf '%s' "$cmdline" | sha256sum | cut -c1-64)
for vm in web-1 web-2; do
	cat > /etc/tvm/policies/$vm.json <<EOF
{"version": 1, "selector": {"name": "$vm"}, "mode": "enforce",
 "levels": {"os": {"events": {
   "kernel": ["sha256:$kernel"],
   "initrd": ["sha256:$initrd"],
   "cmdline": ["sha256:$cmd"]}}}}
EOF
done
run cat /etc/tvm/policies/web-1.json

say "tvm.service: the modules, the host's attestation key, every policy under /etc/tvm/policies"
runsh 'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out /etc/tvm/ak.pem 2> /dev/null && openssl pkcs8 -topk8 -nocrypt -in /etc/tvm/ak.pem -outform DER -out /etc/tvm/ak.pk8'
run systemctl restart tvm
runsh 'systemctl status tvm --no-pager -n 8 | sed -n "1,3p;/tvm-start/p"'
runsh "tvmctl policy show | grep -E \"^(selector|mode|digest):\""
# libvirt reads its hook directory when it starts.
systemctl restart virtqemud.service 2> /dev/null || systemctl restart libvirtd.service

say "Two libvirt domains; the metadata names each one's policy"
domain() {
	cat <<EOF
<domain type='kvm'>
  <name>$1</name>
  <metadata>
    <tvm:policy xmlns:tvm="urn:tvm:libvirt:1">$1.json</tvm:policy>
  </metadata>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$images/demo-vmlinuz</kernel>
    <initrd>$2</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <cpu mode='host-passthrough'/>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='file'><source path='/var/log/libvirt/qemu/$1-serial.log'/></serial>
    <console type='file'><source path='/var/log/libvirt/qemu/$1-serial.log'/></console>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}
domain web-1 $images/demo-initrd.img > /tmp/web-1.xml
domain web-2 $images/demo-initrd-evil.img > /tmp/web-2.xml
run virsh define /tmp/web-1.xml
run virsh define /tmp/web-2.xml

say "virsh start web-1: tvm's libvirt hook names, measures and binds it; it boots"
run virsh start web-1
# A boot the emulator wedged (1 in 8 to 3 in 4 here, never on hardware:
# Documentation/testing.rst, "Nested guests the emulator wedges") is
# started again, said so; eleven times at most.
. "$top/tests/host/wedge.sh"
for try in 1 2 3 4 5 6 7 8 9 10 11 12; do
	why=
	n=0
	while [ $n -lt 120 ] && [ -z "$why" ]; do
		grep -q 'tvm-guest: up' /var/log/libvirt/qemu/web-1-serial.log 2> /dev/null && break 2
		sleep 1
		n=$((n + 1))
		[ $((n % 20)) = 0 ] && why=$(domain_wedged web-1 /tmp) || true
	done
	[ -n "$why" ] || break
	echo "(the emulator wedged this boot of web-1: $why; starting it again)"
	virsh destroy web-1 > /dev/null
	run virsh start web-1
done
run grep tvm-guest /var/log/libvirt/qemu/web-1-serial.log
run tvmctl vm show web-1
runsh 'tvmctl log web-1 | grep " 9 FILE"'

say "virsh start web-2, whose initramfs was changed: refused, and virsh says why"
runsh 'virsh start web-2 || echo "exit status $?"'
runsh 'virsh domstate web-2'

say "The owner's verifier: a quote of web-1 with its nonce, the host's TPM vouching for the host, checked offline against the policy"
run tvmctl quote web-1 --nonce $nonce --pcrs 0-13 --deep --out /tmp/q
runsh 'tvmctl ak show --pem > /tmp/ak.pub.pem'
run tvmctl verify /tmp/q --ak /tmp/ak.pub.pem --tpm-ak /tmp/q/tpm-ak.pem --policy /etc/tvm/policies/web-1.json --nonce $nonce --vm web-1 --require-kvm

say "virsh destroy: QEMU goes, and its tvm instance with it"
run virsh destroy web-1
sleep 1
runsh 'tvmctl vm show web-1 2>&1 || true'
echo
echo "Demo done."
