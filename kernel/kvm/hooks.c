// SPDX-License-Identifier: GPL-2.0
/*
 * Where tvm_kvm meets KVM and tvm: the KVM functions it hooks, each
 * wrapper calling its original and handing the rest to the file whose
 * job it is, and the ops tvm calls back (ARCHITECTURE 5,
 * Documentation/kvm.rst).
 *
 * Hooks:
 *	kvm_arch_init_vm		wrap: a tvm instance for the new VM,
 *					PCR 8 gets the VMM's executable
 *	kvm_arch_destroy_vm		probe: the instance goes
 *	__kvm_set_memory_region		wrap: PCR 12, the slot as set
 *	kvm_arch_vcpu_postcreate	wrap: PCR 12, the vCPU
 *	kvm_vcpu_ioctl_set_cpuid(2)	wrap: PCR 12, the CPUID as set
 *	kvm_arch_vcpu_ioctl_run		wrap: the launch (PCR 9 and the policy)
 *					once, then the gate
 *
 * Unloading: every tracked VM holds a reference to this module, and so
 * does every wrapper while it runs (hook.h), so rmmod is refused with
 * "in use" while any VM tvm_kvm tracks exists, as kvm_amd refuses while
 * any VM exists.
 */

#include <linux/module.h>

#include "hook.h"
#include "tvm_kvm.h"

enum {
	H_DESTROY,
	H_INIT,
	H_MEMSLOT,
	H_VCPU,
	H_CPUID,
	H_CPUID2,
	H_RUN,
	H_NR
};

static struct tvm_hook tk_hooks[H_NR];

/* kvm_arch_destroy_vm(kvm): KVM is tearing @kvm down; no sleeping here. */
static_assert(__same_type(&kvm_arch_destroy_vm, void (*)(struct kvm *)));
static int tk_destroy_pre(struct kprobe *kp, struct pt_regs *regs)
{
	tk_destroyed((struct kvm *)regs_get_kernel_argument(regs, 0));
	return 0;
}

typedef int (*init_vm_t)(struct kvm *kvm, unsigned long type);

/*
 * KVM_CREATE_VM: the instance first, so that a VM tvm cannot track (no
 * memory, tvm at max_vms, the user at max_vms_per_user) is never created: KVM_CREATE_VM fails with
 * that error.  A VM that went untracked would be adopted later, and an
 * adopted VM is never gated.
 */
static int tk_init_vm(struct kvm *kvm, unsigned long type)
{
	struct tk_vm *tk;
	int ret;

	tk = tk_create(kvm);
	if (IS_ERR(tk)) {
		ret = PTR_ERR(tk);
		goto out;
	}
	ret = tvm_hook_orig(&tk_hooks[H_INIT], init_vm_t)(kvm, type);
	if (ret) {
		tk_discard(tk);
		goto out;
	}
	/*
	 * No VM reference here: creation may still fail after us, and then
	 * KVM calls kvm_arch_destroy_vm(), whose probe takes the tk_vm out.
	 */
	tk_put(tk_insert(tk));
out:
	tvm_hook_exit();
	return ret;
}

typedef int (*set_memory_region_t)(struct kvm *kvm,
				   const struct kvm_userspace_memory_region *mem);

/*
 * __kvm_set_memory_region, with kvm->slots_lock held: the ioctl calls it
 * directly (kvm_set_memory_region is inlined there), and so do KVM's own
 * private slots, which are no user's configuration and not measured.
 */
static int tk_set_memory_region(struct kvm *kvm,
				const struct kvm_userspace_memory_region *mem)
{
	struct kvm_userspace_memory_region m = *mem;
	int ret;

	ret = tvm_hook_orig(&tk_hooks[H_MEMSLOT], set_memory_region_t)(kvm,
								       mem);
	if (!ret && (u16)m.slot < KVM_USER_MEM_SLOTS)
		tk_config_memslot(kvm, &m);
	tvm_hook_exit();
	return ret;
}

typedef void (*vcpu_postcreate_t)(struct kvm_vcpu *vcpu);

static void tk_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
	tvm_hook_orig(&tk_hooks[H_VCPU], vcpu_postcreate_t)(vcpu);
	tk_config_vcpu(vcpu);
	tvm_hook_exit();
}

typedef int (*set_cpuid_t)(struct kvm_vcpu *vcpu, struct kvm_cpuid *cpuid,
			   struct kvm_cpuid_entry __user *entries);
typedef int (*set_cpuid2_t)(struct kvm_vcpu *vcpu, struct kvm_cpuid2 *cpuid,
			    struct kvm_cpuid_entry2 __user *entries);

/*
 * Both CPUID setters: copy the @nent entries the VMM gave (struct
 * kvm_cpuid_entry2 if @v2, else struct kvm_cpuid_entry), set them, and
 * measure the copy if KVM took them (tvm_kvm.h says why the copy).
 */
static int tk_set_cpuid_any(struct kvm_vcpu *vcpu, void *cpuid, u32 nent,
			    void __user *entries, bool v2)
{
	set_cpuid_t set = tvm_hook_orig(&tk_hooks[H_CPUID], set_cpuid_t);
	set_cpuid2_t set2 = tvm_hook_orig(&tk_hooks[H_CPUID2], set_cpuid2_t);
	struct tk_cpuid c;
	bool copied = tk_cpuid_copy(&c, entries, nent, v2);
	int ret = v2 ? set2(vcpu, cpuid, entries) : set(vcpu, cpuid, entries);

	tk_cpuid_done(vcpu, &c, copied, ret);
	return ret;
}

static int tk_set_cpuid(struct kvm_vcpu *vcpu, struct kvm_cpuid *cpuid,
			struct kvm_cpuid_entry __user *entries)
{
	int ret = tk_set_cpuid_any(vcpu, cpuid, cpuid->nent, entries, false);

	tvm_hook_exit();
	return ret;
}

static int tk_set_cpuid2(struct kvm_vcpu *vcpu, struct kvm_cpuid2 *cpuid,
			 struct kvm_cpuid_entry2 __user *entries)
{
	int ret = tk_set_cpuid_any(vcpu, cpuid, cpuid->nent, entries, true);

	tvm_hook_exit();
	return ret;
}

typedef int (*vcpu_run_t)(struct kvm_vcpu *vcpu);

/* KVM_RUN: the launch once, then the gate (gate.c). */
static int tk_vcpu_run(struct kvm_vcpu *vcpu)
{
	int ret = tk_run(vcpu, tvm_hook_orig(&tk_hooks[H_RUN], vcpu_run_t));

	tvm_hook_exit();
	return ret;
}

/*
 * Each wrapper has its original's type, as the kernel's headers declare
 * it: a kernel whose prototypes changed fails to build tvm_kvm instead of
 * calling a function with the wrong arguments.  The CPUID setters are
 * declared in arch/x86/kvm/cpuid.h, which no headers package carries;
 * their prototypes are those of 6.1's source (Documentation/kvm.rst).
 */
static_assert(__same_type(&tk_init_vm, &kvm_arch_init_vm));
static_assert(__same_type(&tk_set_memory_region, &__kvm_set_memory_region));
static_assert(__same_type(&tk_vcpu_postcreate, &kvm_arch_vcpu_postcreate));
static_assert(__same_type(&tk_vcpu_run, &kvm_arch_vcpu_ioctl_run));
static_assert(__same_type((init_vm_t)NULL, &kvm_arch_init_vm));
static_assert(__same_type((set_memory_region_t)NULL, &__kvm_set_memory_region));
static_assert(__same_type((vcpu_postcreate_t)NULL, &kvm_arch_vcpu_postcreate));
static_assert(__same_type((vcpu_run_t)NULL, &kvm_arch_vcpu_ioctl_run));

static const struct tvm_hook_ops tk_ops = {
	.owner = THIS_MODULE,
	.measure = tk_measure,
	.stop = tk_stop,
};

int tk_ops_init(void)
{
	return tvm_hook_ops_register(&tk_ops);
}

void tk_ops_uninit(void)
{
	tvm_hook_ops_unregister(&tk_ops);
}

int tk_hooks_init(void)
{
	int ret;

	tk_hooks[H_DESTROY] = (struct tvm_hook)
		TVM_HOOK_PROBE("kvm:kvm_arch_destroy_vm", tk_destroy_pre);
	tk_hooks[H_INIT] = (struct tvm_hook)
		TVM_HOOK_WRAP("kvm:kvm_arch_init_vm", tk_init_vm);
	tk_hooks[H_MEMSLOT] = (struct tvm_hook)
		TVM_HOOK_WRAP("kvm:__kvm_set_memory_region", tk_set_memory_region);
	tk_hooks[H_VCPU] = (struct tvm_hook)
		TVM_HOOK_WRAP("kvm:kvm_arch_vcpu_postcreate", tk_vcpu_postcreate);
	tk_hooks[H_CPUID] = (struct tvm_hook)
		TVM_HOOK_WRAP("kvm:kvm_vcpu_ioctl_set_cpuid", tk_set_cpuid);
	tk_hooks[H_CPUID2] = (struct tvm_hook)
		TVM_HOOK_WRAP("kvm:kvm_vcpu_ioctl_set_cpuid2", tk_set_cpuid2);
	tk_hooks[H_RUN] = (struct tvm_hook)
		TVM_HOOK_WRAP("kvm:kvm_arch_vcpu_ioctl_run", tk_vcpu_run);

	/* The destroy probe goes in first: no VM may go unseen. */
	ret = tvm_hooks_install(tk_hooks, H_NR);
	if (ret)
		return ret;
	pr_info("tracking KVM VMs (%u functions hooked)\n", H_NR);
	return 0;
}

void tk_hooks_uninit(void)
{
	tvm_hooks_remove(tk_hooks, H_NR);
}
