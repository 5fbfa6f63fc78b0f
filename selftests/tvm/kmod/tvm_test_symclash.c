// SPDX-License-Identifier: GPL-2.0
/*
 * For kvm_load_test.sh only: a module whose one symbol is a variable with
 * the name of a KVM function tvm_kvm wraps.  With CONFIG_KALLSYMS_ALL the
 * variable is in kallsyms too, and a lookup of the bare name that finds
 * this module first would hook data.  tvm_kvm must find the function in
 * kvm.ko whatever else is loaded.
 */
#include <linux/module.h>

static unsigned long kvm_arch_vcpu_ioctl_run __used = 1;

MODULE_DESCRIPTION("tvm selftests: a variable named like a hooked KVM function");
MODULE_LICENSE("GPL");
