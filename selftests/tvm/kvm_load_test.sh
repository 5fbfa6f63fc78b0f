#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tvm_kvm refuses to load where its hooks would be unsafe, and finds the
# functions it hooks in kvm.ko whatever else is loaded:
#  - on a kernel enforcing IBT or kCFI (simulated with hook_test_cfi=1)
#    loading fails with EOPNOTSUPP, the kernel log says why, and nothing
#    stays hooked: a VM created then is not tracked;
#  - with a module loaded whose variable is named like a function it
#    wraps (kvm_arch_vcpu_ioctl_run), it loads and tracks VMs as before;
#    a lookup by bare name found that variable and the load failed.
# Ends with tvm_kvm loaded with its defaults.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
clash=$dir/kmod/tvm_test_symclash.ko
tmp=$(mktemp -d)
. "$dir/tvm_modules.sh"

names="refused_on_a_kernel_enforcing_ibt_or_kcfi
nothing_stays_hooked_after_the_refusal
loads_beside_a_variable_named_like_a_hooked_function
tracks_vms_after_that"

cleanup() {
	rmmod tvm_test_symclash 2>/dev/null
	[ -d /sys/module/tvm_kvm ] || tvm_load tvm_kvm ||
		echo "# could not load tvm_kvm back: $(cat "$tmp/load")"
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 4
tvm_need_kvm
[ -x "$minivmm" ] && [ -r "$dir/guest/hello.bin" ] && [ -r "$clash" ] ||
	ktap_skip_all "minivmm, its guests or the test module not built (make selftests)"
tvm_unload_kvm || ktap_skip_all "cannot unload tvm_kvm: $(cat "$tmp/rmmod")"

# 1, 2. A kernel enforcing IBT or kCFI, simulated.
dmesg -c > /dev/null
if tvm_load tvm_kvm hook_test_cfi=1; then
	ktap_fail "refused_on_a_kernel_enforcing_ibt_or_kcfi" "it loaded"
	tvm_unload_kvm
elif grep -q "Operation not supported" "$tmp/load" &&
     dmesg | grep -q "tvm_kvm: refusing to load: this kernel enforces IBT or kCFI"; then
	ktap_pass "refused_on_a_kernel_enforcing_ibt_or_kcfi"
else
	ktap_fail "refused_on_a_kernel_enforcing_ibt_or_kcfi" \
		"load said: $(cat "$tmp/load"); log: $(dmesg | tail -n 3)"
fi
why="tvm_kvm is loaded"
if [ ! -d /sys/module/tvm_kvm ] && hello_vm_creates 0; then
	ktap_pass "nothing_stays_hooked_after_the_refusal"
else
	ktap_fail "nothing_stays_hooked_after_the_refusal" "$why"
fi

# 3, 4. Beside a variable named kvm_arch_vcpu_ioctl_run.
if ! insmod "$clash" 2>"$tmp/insmod"; then
	ktap_fail "loads_beside_a_variable_named_like_a_hooked_function" \
		"insmod $clash: $(cat "$tmp/insmod")"
elif tvm_load tvm_kvm; then
	ktap_pass "loads_beside_a_variable_named_like_a_hooked_function"
else
	ktap_fail "loads_beside_a_variable_named_like_a_hooked_function" \
		"$(cat "$tmp/load"); log: $(dmesg | tail -n 3)"
fi
why="tvm_kvm is not loaded"
if [ -d /sys/module/tvm_kvm ] && hello_vm_creates 1; then
	ktap_pass "tracks_vms_after_that"
else
	ktap_fail "tracks_vms_after_that" "$why"
fi
tvm_unload_kvm && rmmod tvm_test_symclash
ktap_finish
