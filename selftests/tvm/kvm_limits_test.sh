#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A KVM VM that tvm cannot track is never created.  With tvm loaded with
# max_vms=1 and one VM alive, the next KVM_CREATE_VM fails with ENOSPC:
# the refusal is counted, leaves no instance behind, and the VM that
# exists runs on.  (Before, the VM was created untracked and only its
# KVM_RUN failed, and a VM tvm_kvm failed to track was later adopted, so
# never gated.)  Ends with tvm and tvm_kvm loaded again with their
# defaults.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
minivmm=$dir/minivmm
stats=/sys/kernel/security/tvm/stats
tmp=$(mktemp -d)
vmm=

names="kvm_create_vm_refused_at_max_vms
refusal_is_counted_and_leaves_no_instance
the_tracked_vm_runs_on"

skip_all() {
	for n in $names; do ktap_skip "$n" "$1"; done
	ktap_finish
}

# load MODULE [PARAM...]: modprobe, else the module built in this tree
# (mounted at the same path in the emulated host).
load() {
	m=$1
	shift
	modprobe "$m" "$@" 2>"$tmp/load" && return 0
	for ko in "$dir/../../kernel/core/$m.ko" "$dir/../../kernel/kvm/$m.ko"; do
		[ -r "$ko" ] && insmod "$ko" "$@" 2>>"$tmp/load" && return 0
	done
	return 1
}

# reload [PARAM...]: tvm with PARAMs, then tvm_kvm; VMs just closed may
# take a moment to go.
reload() {
	i=0
	while ! rmmod tvm_kvm 2>"$tmp/rmmod"; do
		i=$((i + 1))
		[ $i -gt 50 ] && { cat "$tmp/rmmod"; return 1; }
		sleep 0.1
	done
	rmmod tvm 2>"$tmp/rmmod" || { cat "$tmp/rmmod"; return 1; }
	load tvm "$@" && load tvm_kvm
}

cleanup() {
	[ -n "$vmm" ] && kill -KILL "$vmm" 2>/dev/null && wait "$vmm" 2>/dev/null
	if [ -n "$reloaded" ]; then
		reload > /dev/null || echo "# could not load tvm back with its defaults"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

stat_of() {
	sed -n "s/^$1: *//p" "$stats"
}

ktap_plan 3
[ -d /sys/kernel/security/tvm ] || skip_all "tvm.ko is not loaded"
[ -d /sys/module/tvm_kvm ] || skip_all "tvm_kvm not loaded"
[ -c /dev/kvm ] || skip_all "no /dev/kvm"
[ -x "$minivmm" ] && [ -r "$dir/guest/spin.bin" ] ||
	skip_all "minivmm or its guests not built (make selftests)"

reloaded=1
if ! reload max_vms=1 > "$tmp/why"; then
	for n in $names; do
		ktap_fail "$n" "cannot reload tvm with max_vms=1: $(cat "$tmp/why" "$tmp/load" 2>/dev/null)"
	done
	ktap_finish
fi

# One VM, tracked, its vCPU looping in the guest.
"$minivmm" "$dir/guest/spin.bin" > "$tmp/spin" 2> "$tmp/spin-err" &
vmm=$!
i=0
while ! grep -q r "$tmp/spin" && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
refused=$(stat_of vms_refused)

# The second VM is refused at KVM_CREATE_VM, not at KVM_RUN.
if expect_status 1 "$minivmm" "$dir/guest/hello.bin" &&
   grep -q "creating the VM: No space left on device" "$tmp/err"; then
	ktap_pass "kvm_create_vm_refused_at_max_vms"
else
	ktap_fail "kvm_create_vm_refused_at_max_vms" \
		"minivmm said: $(head -c 300 "$tmp/err")"
fi

if [ "$(stat_of vms_refused)" = $((refused + 1)) ] &&
   [ "$(stat_of vms)" = 1 ]; then
	ktap_pass "refusal_is_counted_and_leaves_no_instance"
else
	ktap_fail "refusal_is_counted_and_leaves_no_instance" \
		"vms_refused $(stat_of vms_refused) (before $refused), vms $(stat_of vms)"
fi

if grep -q r "$tmp/spin" && kill -0 "$vmm" 2>/dev/null; then
	ktap_pass "the_tracked_vm_runs_on"
else
	ktap_fail "the_tracked_vm_runs_on" "$(cat "$tmp/spin-err")"
fi
kill "$vmm" 2>/dev/null
wait "$vmm" 2>/dev/null
vmm=
ktap_finish
