#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kernel/lib/p256.c in the kernel: the test module kmod/tvm_test_p256.ko
# runs RFC 6979's P-256 SHA-256 known answers at load with the kernel's
# SHA-256 and flags (tests/unit/p256_test.c covers the rest, in
# userspace), and logs how long one signature took, which this test
# reports and never judges.

. "$(dirname "$0")/ktap.sh"

dir=$(cd "$(dirname "$0")" && pwd)
mod=$dir/kmod/tvm_test_p256.ko
tmp=$(mktemp -d)
names="p256_kernel_known_answers"

cleanup() {
	rmmod tvm_test_p256 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 1
[ -r "$mod" ] || ktap_skip_all "the test module is not built (make selftests)"
[ "$(id -u)" = 0 ] || ktap_skip_all "needs root to load a module"

dmesg -c > /dev/null 2>&1
if insmod "$mod" 2> "$tmp/insmod" &&
   dmesg | grep -q "tvm_test_p256: known answers ok"; then
	echo "# $(dmesg | grep -o 'tvm_test_p256: known answers ok.*')"
	ktap_pass "p256_kernel_known_answers"
else
	ktap_fail "p256_kernel_known_answers" \
		"insmod: $(cat "$tmp/insmod"); log: $(dmesg | grep tvm_test_p256)"
fi
ktap_finish
