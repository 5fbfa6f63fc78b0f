#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The real host (scripts/vm-run --host) is what it claims to be: systemd
# is PID 1 and the boot finished with no failed unit; libvirtd answers on
# qemu:///system and offers KVM domains; /dev/kvm (nested SVM under TCG)
# and the TPM are there; the headers of the running kernel are installed,
# so DKMS can build for it; tvm's modules from the build tree load, show
# up and unload, and the kernel log stays free of BUG, WARNING and Oops.
# KTAP; run by tests/host/run inside the real host.
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
. "$top/selftests/tvm/ktap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ "${TVM_REAL_HOST:-}" = 1 ] || {
	echo "smoke.sh runs inside the real host: tests/host/run" >&2
	exit 2
}
ktap_plan 9
echo "# uptime at start: $(cut -d ' ' -f 1 /proc/uptime) s"

# 1. systemd is PID 1.
pid1=$(cat /proc/1/comm)
if [ "$pid1" = systemd ]; then
	ktap_pass "host: systemd is PID 1"
else
	ktap_fail "host: systemd is PID 1" "PID 1 is '$pid1'"
fi

# 2. The boot finished and no unit failed ("degraded" names them).
state=$(timeout 120 systemctl is-system-running --wait 2>&1)
if [ "$state" = running ]; then
	ktap_pass "host: systemctl is-system-running: running"
else
	systemctl --failed --no-legend --plain 2>&1 | sed 's/^/# failed: /'
	for u in $(systemctl --failed --no-legend --plain | awk '{ print $1 }'); do
		journalctl -b -u "$u" --no-pager -n 10 2>&1 | sed "s/^/# $u: /"
	done
	ktap_fail "host: systemctl is-system-running: running" "it says '$state'"
fi

# udev's coldplug loads the modules the hardware asks for (kvm_amd, for
# SVM) on its own queue, which "running" does not wait for: once, /dev/kvm
# was not there yet at 33 s of uptime, and libvirtd, which the first virsh
# below starts, found no KVM.  Whatever starts later at boot finds the
# queue done; wait for it the same way.
udevadm settle --timeout=60 2>&1 | sed 's/^/# udevadm settle: /'

# 3. libvirtd answers, with QEMU as its hypervisor, and can run KVM
# domains (it found /dev/kvm usable).
if expect_status 0 virsh -c qemu:///system version &&
   grep -q 'Running hypervisor: QEMU' "$tmp/out"; then
	sed 's/^/# /' "$tmp/out"
	ktap_pass "host: virsh -c qemu:///system version"
else
	sed 's/^/# /' "$tmp/out"
	ktap_fail "host: virsh -c qemu:///system version"
fi
if expect_status 0 virsh -c qemu:///system domcapabilities --virttype kvm &&
   grep -q '<domain>kvm</domain>' "$tmp/out"; then
	ktap_pass "host: libvirt offers KVM domains"
else
	ktap_fail "host: libvirt offers KVM domains"
fi

# 4. KVM (nested SVM) and the TPM.
if [ -c /dev/kvm ] && [ -c /dev/tpmrm0 ] &&
   expect_status 0 tpm2_pcrread sha256:10; then
	ktap_pass "host: /dev/kvm and /dev/tpmrm0, tpm2_pcrread works"
else
	ls -l /dev/kvm /dev/tpm* 2>&1 | sed 's/^/# /'
	{ lsmod | grep -w kvm; journalctl -b -k --no-pager | grep -i kvm | tail -n 5
	} 2>&1 | sed 's/^/# /'
	ktap_fail "host: /dev/kvm and /dev/tpmrm0, tpm2_pcrread works"
fi

# 5. The headers of the running kernel, for DKMS; dkms and keyutils there.
kver=$(uname -r)
if [ -r "/lib/modules/$kver/build/Makefile" ] &&
   [ -r "/lib/modules/$kver/build/include/generated/utsrelease.h" ] &&
   grep -q "\"$kver\"" "/lib/modules/$kver/build/include/generated/utsrelease.h" &&
   command -v dkms > /dev/null && command -v keyctl > /dev/null; then
	ktap_pass "host: headers for $kver in /lib/modules/$kver/build, dkms, keyctl"
else
	ls -ld "/lib/modules/$kver/build" 2>&1 | sed 's/^/# /'
	ktap_fail "host: headers for $kver in /lib/modules/$kver/build, dkms, keyctl"
fi

# 6-8. tvm's modules from the build tree: built for this kernel, loaded
# after what they depend on, unloaded in reverse; no splat meanwhile.
mods="$top/kernel/core/tvm.ko $top/kernel/kvm/tvm_kvm.ko $top/kernel/vsock/tvm_vsock.ko"
magic_ok=1
for ko in $mods; do
	if [ ! -r "$ko" ]; then
		echo "# $ko: missing (make modules)"
		magic_ok=0
		continue
	fi
	v=$(modinfo -F vermagic "$ko" | cut -d ' ' -f 1)
	if [ "$v" != "$kver" ]; then
		echo "# $ko: built for '$v', not $kver"
		magic_ok=0
	fi
done
if [ $magic_ok = 1 ]; then
	ktap_pass "host: tvm's modules are built for the running kernel"
else
	ktap_fail "host: tvm's modules are built for the running kernel"
fi

dmesg > "$tmp/dmesg.before"
loaded=
load_ok=1
# tvm_vsock hooks vhost_vsock by name: it must be there first.
modprobe vhost_vsock 2>> "$tmp/load" || load_ok=0
for ko in $mods; do
	m=$(basename "$ko" .ko)
	for d in $(modinfo -F depends "$ko" | tr , ' '); do
		case "$d" in tvm*) continue ;; esac
		modprobe "$d" 2>> "$tmp/load" || load_ok=0
	done
	if insmod "$ko" 2>> "$tmp/load" && [ -d "/sys/module/$m" ]; then
		loaded="$m $loaded"
	else
		load_ok=0
	fi
done
[ -d /sys/kernel/security/tvm ] || { echo "# no /sys/kernel/security/tvm"; load_ok=0; }
if [ $load_ok = 1 ]; then
	ktap_pass "host: insmod tvm, tvm_kvm, tvm_vsock"
else
	sed 's/^/# /' "$tmp/load"
	ktap_fail "host: insmod tvm, tvm_kvm, tvm_vsock" "loaded: ${loaded:-none}"
fi

unload_ok=1
for m in $loaded; do
	rmmod "$m" 2>> "$tmp/rmmod" || unload_ok=0
	[ -d "/sys/module/$m" ] && unload_ok=0
done
dmesg > "$tmp/dmesg.after"
# What the kernel printed meanwhile (the taint lines are expected).
tail -n "+$(($(wc -l < "$tmp/dmesg.before") + 1))" "$tmp/dmesg.after" > "$tmp/dmesg.new"
splat='BUG:|WARNING:|Oops|general protection fault|Call Trace:'
if [ $unload_ok = 1 ] && [ -n "$loaded" ] && ! grep -Eq "$splat" "$tmp/dmesg.new"; then
	ktap_pass "host: rmmod in reverse, no BUG, WARNING or Oops"
else
	sed 's/^/# rmmod: /' "$tmp/rmmod"
	grep -E -A 20 "$splat" "$tmp/dmesg.new" | head -n 40 | sed 's/^/# dmesg: /'
	ktap_fail "host: rmmod in reverse, no BUG, WARNING or Oops"
fi
ktap_finish
