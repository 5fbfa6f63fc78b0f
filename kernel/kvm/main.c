// SPDX-License-Identifier: GPL-2.0
/*
 * tvm_kvm: KVM's VM lifecycle, configuration, launch and run, hooked
 * (ARCHITECTURE 5, Documentation/kvm.rst).
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

#include <crypto/hash.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "hook.h"
#include "tvm_kvm.h"

#define TK_HASH_BITS	10

/*
 * tk_lock protects tk_by_kvm (readers use RCU), each tk_vm's @dead, and
 * the queueing of its works once @dead may be set.
 */
static DEFINE_SPINLOCK(tk_lock);
static DEFINE_HASHTABLE(tk_by_kvm, TK_HASH_BITS);

struct workqueue_struct *tk_wq;

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

void tk_put(struct tk_vm *tk)
{
	if (!refcount_dec_and_test(&tk->ref))
		return;
	tvm_vm_put(tk->vm);
	kfree_rcu(tk, rcu);
}

/* The tk_vm of @kvm with a reference, or NULL. */
static struct tk_vm *tk_lookup(struct kvm *kvm)
{
	struct tk_vm *tk;

	rcu_read_lock();
	hash_for_each_possible_rcu(tk_by_kvm, tk, node, (unsigned long)kvm) {
		if (tk->kvm == kvm && refcount_inc_not_zero(&tk->ref)) {
			rcu_read_unlock();
			return tk;
		}
	}
	rcu_read_unlock();
	return NULL;
}

/* The tk_vm whose instance is @vm, with a reference, or NULL; O(n). */
static struct tk_vm *tk_lookup_vm(struct tvm_vm *vm)
{
	struct tk_vm *tk;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(tk_by_kvm, bkt, tk, node) {
		if (tk->vm == vm && refcount_inc_not_zero(&tk->ref)) {
			rcu_read_unlock();
			return tk;
		}
	}
	rcu_read_unlock();
	return NULL;
}

/* PCR 8: the executable of the VMM (the current process). */
static void tk_measure_exe(struct tk_vm *tk)
{
	char reason[TVM_REASON_MAX + 1];
	struct file *exe = NULL;
	char *buf, *path;
	size_t len;
	int ret;

	rcu_read_lock();
	if (current->mm)
		exe = rcu_dereference(current->mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
	rcu_read_unlock();
	if (!exe) {
		/* Nothing to measure is a mismatch, not a pass. */
		tvm_vm_mismatch(tk->vm, "the VMM has no executable to measure");
		return;
	}

	ret = -ENOMEM;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf) {
		path = d_path(&exe->f_path, buf, PATH_MAX);
		if (IS_ERR(path))
			path = "(unknown)";
		len = strlen(path);
		/* The end of a long path says more than its start. */
		if (len > TVM_EVENT_NAME_MAX) {
			path += len - TVM_EVENT_NAME_MAX;
			len = TVM_EVENT_NAME_MAX;
		}
		ret = tvm_vm_measure_file(tk->vm, TVM_PCR_VMM, TVM_EV_VMM_EXE,
					  exe, path, len, NULL);
		kfree(buf);
	}
	fput(exe);
	if (ret) {
		snprintf(reason, sizeof(reason),
			 "the VMM's executable could not be measured (%d)",
			 ret);
		tvm_vm_mismatch(tk->vm, reason);
	}
}

/*
 * A tk_vm for @kvm, which the current process creates (or, when
 * @adopted, had created before tvm_kvm was loaded), with its tvm
 * instance and the VMM measured; not in the table yet.  An ERR_PTR when
 * memory is short or tvm refuses an instance (-ENOSPC at max_vms,
 * -EDQUOT at max_vms_per_user).
 */
static struct tk_vm *tk_alloc(struct kvm *kvm, bool adopted)
{
	struct tk_vm *tk;

	tk = kzalloc(sizeof(*tk), GFP_KERNEL_ACCOUNT);
	if (!tk)
		return ERR_PTR(-ENOMEM);
	tk->kvm = kvm;
	tk->adopted = adopted;
	refcount_set(&tk->ref, 2);	/* the table's and the caller's */
	mutex_init(&tk->launch_lock);
	mutex_init(&tk->runtime_lock);
	INIT_DELAYED_WORK(&tk->runtime_work, tk_runtime_work);

	tk->vm = tvm_vm_create_kvm(task_tgid_nr(current));
	if (IS_ERR(tk->vm)) {
		struct tvm_vm *err = tk->vm;

		kfree(tk);
		return ERR_CAST(err);
	}
	if (adopted) {
		tvm_vm_adopt(tk->vm,
			     "adopted: running before tvm_kvm was loaded");
		tk->launched = true;
	}
	tk_measure_exe(tk);
	return tk;
}

/* Undo tk_alloc() of a tk_vm that never went into the table. */
static void tk_discard(struct tk_vm *tk)
{
	tvm_vm_delete(tk->vm);
	tvm_vm_put(tk->vm);
	kfree(tk);
}

/*
 * Put @tk in the table; returns it, or the tk_vm another thread put
 * there for the same VM first (with a reference; @tk is then discarded).
 */
static struct tk_vm *tk_insert(struct tk_vm *tk)
{
	struct tk_vm *old;

	spin_lock(&tk_lock);
	hash_for_each_possible(tk_by_kvm, old, node, (unsigned long)tk->kvm) {
		/* Two vCPUs of an unknown VM adopted it at once. */
		if (old->kvm == tk->kvm && refcount_inc_not_zero(&old->ref)) {
			spin_unlock(&tk_lock);
			tk_discard(tk);
			return old;
		}
	}
	hash_add_rcu(tk_by_kvm, &tk->node, (unsigned long)tk->kvm);
	/* Held until the VM is destroyed; a wrapper's reference covers us. */
	__module_get(THIS_MODULE);
	spin_unlock(&tk_lock);
	return tk;
}

/*
 * The tk_vm of @kvm with a reference: a VM created before tvm_kvm was
 * loaded is adopted at its first hooked ioctl.  NULL when that fails.
 */
static struct tk_vm *tk_get(struct kvm *kvm)
{
	struct tk_vm *tk = tk_lookup(kvm);

	if (tk)
		return tk;
	tk = tk_alloc(kvm, true);
	if (IS_ERR(tk)) {
		pr_warn_ratelimited("pid %d: no tvm instance for an adopted KVM VM (%ld)\n",
				    task_tgid_nr(current), PTR_ERR(tk));
		return NULL;
	}
	return tk_insert(tk);
}

static void tk_destroy_work(struct work_struct *work)
{
	struct tk_vm *tk = container_of(work, struct tk_vm, destroy_work);

	cancel_delayed_work_sync(&tk->runtime_work);
	tvm_vm_delete(tk->vm);
	tk_put(tk);
	/* tvm_kvm's exit flushes tk_wq before its text goes. */
	module_put(THIS_MODULE);
}

/* kvm_arch_destroy_vm(kvm): KVM is tearing @kvm down; no sleeping here. */
static_assert(__same_type(&kvm_arch_destroy_vm, void (*)(struct kvm *)));
static int tk_destroy_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kvm *kvm = (struct kvm *)regs_get_kernel_argument(regs, 0);
	struct tk_vm *tk;

	spin_lock(&tk_lock);
	hash_for_each_possible(tk_by_kvm, tk, node, (unsigned long)kvm) {
		if (tk->kvm == kvm) {
			hash_del_rcu(&tk->node);
			WRITE_ONCE(tk->dead, true);	/* tk_measure() */
			INIT_WORK(&tk->destroy_work, tk_destroy_work);
			queue_work(tk_wq, &tk->destroy_work);
			break;
		}
	}
	spin_unlock(&tk_lock);
	return 0;
}

/* Queue @tk's runtime work after @delay, unless KVM destroyed the VM. */
void tk_runtime_queue(struct tk_vm *tk, unsigned long delay)
{
	spin_lock(&tk_lock);
	if (!tk->dead)
		mod_delayed_work(tk_wq, &tk->runtime_work, delay);
	spin_unlock(&tk_lock);
}

/* A reference to @tk's VM for work outside its ioctls, or false. */
bool tk_kvm_get(struct tk_vm *tk)
{
	bool ok;

	spin_lock(&tk_lock);
	ok = !tk->dead && kvm_get_kvm_safe(tk->kvm);
	spin_unlock(&tk_lock);
	return ok;
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

	tk = tk_alloc(kvm, false);
	if (IS_ERR(tk)) {
		ret = PTR_ERR(tk);
		pr_warn_ratelimited("pid %d uid %u: KVM_CREATE_VM refused: %s (%d)\n",
				    task_tgid_nr(current),
				    from_kuid(&init_user_ns, current_uid()),
				    ret == -ENOSPC ? "tvm tracks max_vms VMs" :
				    ret == -EDQUOT ? "the user has max_vms_per_user VMs" :
				    "no tvm instance", ret);
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

/*
 * PCR 12: a configuration event of @kvm's VM (@what, for the reason),
 * unless @err says it could not be made.  An event that cannot be logged
 * is a mismatch: the VM's configuration is no longer known.  A full log
 * reports itself; a VM being destroyed needs nothing.
 */
static void tk_config_event(struct kvm *kvm, u32 type, const void *data,
			    u32 len, int err, const char *what)
{
	char reason[TVM_REASON_MAX + 1];
	struct tk_vm *tk = tk_get(kvm);

	if (!tk)
		return;
	if (!err)
		err = tvm_vm_extend_data(tk->vm, TVM_PCR_CONFIG, type, data,
					 len);
	if (err && err != -ENOSPC && err != -ENOENT) {
		snprintf(reason, sizeof(reason),
			 "%s could not be measured (%d)", what, err);
		tvm_vm_mismatch(tk->vm, reason);
	}
	tk_put(tk);
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
	struct tvm_ev_memslot ev;
	int ret;

	ret = tvm_hook_orig(&tk_hooks[H_MEMSLOT], set_memory_region_t)(kvm,
								       mem);
	if (!ret && (u16)m.slot < KVM_USER_MEM_SLOTS) {
		ev.slot = cpu_to_le32(m.slot);
		ev.flags = cpu_to_le32(m.flags);
		ev.gpa = cpu_to_le64(m.guest_phys_addr);
		ev.size = cpu_to_le64(m.memory_size);
		tk_config_event(kvm, TVM_EV_MEMSLOT, &ev, sizeof(ev), 0,
				"a memory slot");
	}
	tvm_hook_exit();
	return ret;
}

typedef void (*vcpu_postcreate_t)(struct kvm_vcpu *vcpu);

static void tk_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
	struct tvm_ev_vcpu ev;

	tvm_hook_orig(&tk_hooks[H_VCPU], vcpu_postcreate_t)(vcpu);
	ev.vcpu_id = cpu_to_le32(vcpu->vcpu_id);
	tk_config_event(vcpu->kvm, TVM_EV_VCPU, &ev, sizeof(ev), 0, "a vCPU");
	tvm_hook_exit();
}

/*
 * PCR 12: a vCPU's CPUID as the VMM set it.  KVM adjusts its own copy
 * (OSXSAVE, APIC bits and the like) as it goes, so the wrappers copy the
 * entries the ioctl was given, before KVM sees them, and hash that copy
 * once the ioctl succeeded.  A VMM thread rewriting the buffer during its
 * own ioctl could make the two differ; the VMM is measured in PCR 8.
 */
struct tk_cpuid {
	u32 n;
	__le32 *enc;	/* 7 words per entry, as struct tvm_ev_cpuid says */
};

/* Copy @n entries of @size bytes from @entries; false if that fails. */
static bool tk_cpuid_copy(struct tk_cpuid *c, const void __user *entries,
			  u32 n, bool v2)
{
	size_t size = v2 ? sizeof(struct kvm_cpuid_entry2) :
			   sizeof(struct kvm_cpuid_entry);
	void *raw;
	u32 i;

	c->n = n;
	c->enc = NULL;
	if (n > KVM_MAX_CPUID_ENTRIES)
		return false;	/* KVM refuses it: E2BIG */
	c->enc = kvmalloc_array(n ?: 1, 7 * sizeof(__le32), GFP_KERNEL_ACCOUNT);
	if (!c->enc)
		return false;
	if (!n)
		return true;
	raw = vmemdup_user(entries, size * n);
	if (IS_ERR(raw)) {
		kvfree(c->enc);
		c->enc = NULL;
		return false;
	}
	for (i = 0; i < n; i++) {
		__le32 *w = &c->enc[7 * i];

		if (v2) {
			const struct kvm_cpuid_entry2 *e =
				(struct kvm_cpuid_entry2 *)raw + i;

			w[0] = cpu_to_le32(e->function);
			w[1] = cpu_to_le32(e->index);
			w[2] = cpu_to_le32(e->flags);
			w[3] = cpu_to_le32(e->eax);
			w[4] = cpu_to_le32(e->ebx);
			w[5] = cpu_to_le32(e->ecx);
			w[6] = cpu_to_le32(e->edx);
		} else {
			/* KVM turns these into entry2s of index 0, flags 0. */
			const struct kvm_cpuid_entry *e =
				(struct kvm_cpuid_entry *)raw + i;

			w[0] = cpu_to_le32(e->function);
			w[1] = 0;
			w[2] = 0;
			w[3] = cpu_to_le32(e->eax);
			w[4] = cpu_to_le32(e->ebx);
			w[5] = cpu_to_le32(e->ecx);
			w[6] = cpu_to_le32(e->edx);
		}
	}
	kvfree(raw);
	return true;
}

/* After a successful KVM_SET_CPUID(2): log @c, or that it was not copied. */
static void tk_measure_cpuid(struct kvm_vcpu *vcpu, struct tk_cpuid *c,
			     bool copied)
{
	struct tvm_ev_cpuid ev;
	int ret = -ENOMEM;

	if (copied)
		ret = crypto_shash_tfm_digest(tvm_sha256_tfm(), (u8 *)c->enc,
					      (size_t)c->n * 7 * sizeof(__le32),
					      ev.sha256);
	ev.vcpu_id = cpu_to_le32(vcpu->vcpu_id);
	ev.nent = cpu_to_le32(c->n);
	tk_config_event(vcpu->kvm, TVM_EV_CPUID, &ev, sizeof(ev), ret,
			"a vCPU's CPUID");
}

typedef int (*set_cpuid_t)(struct kvm_vcpu *vcpu, struct kvm_cpuid *cpuid,
			   struct kvm_cpuid_entry __user *entries);
typedef int (*set_cpuid2_t)(struct kvm_vcpu *vcpu, struct kvm_cpuid2 *cpuid,
			    struct kvm_cpuid_entry2 __user *entries);

/* The end of both CPUID wrappers: measure on success, free the copy. */
static int tk_cpuid_done(struct kvm_vcpu *vcpu, struct tk_cpuid *c,
			 bool copied, int ret)
{
	if (!ret)
		tk_measure_cpuid(vcpu, c, copied);
	kvfree(c->enc);
	return ret;
}

static int tk_set_cpuid(struct kvm_vcpu *vcpu, struct kvm_cpuid *cpuid,
			struct kvm_cpuid_entry __user *entries)
{
	struct tk_cpuid c;
	bool copied = tk_cpuid_copy(&c, entries, cpuid->nent, false);
	int ret = tvm_hook_orig(&tk_hooks[H_CPUID], set_cpuid_t)(vcpu, cpuid,
								  entries);

	ret = tk_cpuid_done(vcpu, &c, copied, ret);
	tvm_hook_exit();
	return ret;
}

static int tk_set_cpuid2(struct kvm_vcpu *vcpu, struct kvm_cpuid2 *cpuid,
			 struct kvm_cpuid_entry2 __user *entries)
{
	struct tk_cpuid c;
	bool copied = tk_cpuid_copy(&c, entries, cpuid->nent, true);
	int ret = tvm_hook_orig(&tk_hooks[H_CPUID2], set_cpuid2_t)(vcpu, cpuid,
								    entries);

	ret = tk_cpuid_done(vcpu, &c, copied, ret);
	tvm_hook_exit();
	return ret;
}

/*
 * The launch, once per VM, in the first KVM_RUN of any of its vCPUs:
 * measure its memory into PCR 9 and evaluate its policy.  Its other
 * vCPUs wait here until that is done.
 */
static int tk_launch(struct tk_vm *tk)
{
	char reason[TVM_REASON_MAX + 1];
	int ret;

	/* Pairs with the release below: a launched VM's measurements are seen. */
	if (smp_load_acquire(&tk->launched))
		return 0;
	if (mutex_lock_killable(&tk->launch_lock))
		return -EINTR;
	if (!tk->launched) {
		ret = tk_measure_slots(tk);
		if (ret) {
			snprintf(reason, sizeof(reason),
				 "launch: guest memory could not be measured (%d)",
				 ret);
			tvm_vm_mismatch(tk->vm, reason);
		}
		/* -EACCES (enforce) is the gate's to report, below. */
		tvm_vm_launch(tk->vm, NULL);
		/* After the launch is done; pairs with the acquire above. */
		smp_store_release(&tk->launched, true);
		tk_runtime_arm(tk);
	}
	mutex_unlock(&tk->launch_lock);
	return 0;
}

typedef int (*vcpu_run_t)(struct kvm_vcpu *vcpu);

/*
 * KVM_RUN: the launch once, then the gate.  A VM that may no longer run
 * while its vCPUs are in the guest is stopped by tk_stop(): each vCPU
 * leaves KVM_RUN with -EIO from KVM_REQ_VM_DEAD, which the gate reports
 * as -EACCES, as it reports every later KVM_RUN.
 */
static int tk_vcpu_run(struct kvm_vcpu *vcpu)
{
	char reason[TVM_REASON_MAX + 1];
	struct tk_vm *tk;
	int ret;

	/*
	 * A stop left pending from a time the VM was refused is not for
	 * this run (a policy may have let it run again).  Clear it before
	 * the gate reads the trust: a stop that comes after that read is
	 * kept, and makes this run leave the guest.
	 */
	if (kvm_test_request(KVM_REQ_VM_DEAD, vcpu) &&
	    !READ_ONCE(vcpu->kvm->vm_dead)) {
		kvm_clear_request(KVM_REQ_VM_DEAD, vcpu);
		/* The clear is ordered before the gate's read of the trust. */
		smp_mb__after_atomic();
	}

	tk = tk_get(vcpu->kvm);
	if (!tk) {
		ret = -ENOMEM;		/* adopting it failed; said above */
	} else {
		ret = tk_launch(tk);
		if (!ret)
			ret = tvm_vm_may_run(tk->vm, reason, sizeof(reason));
	}
	if (!ret) {
		ret = tvm_hook_orig(&tk_hooks[H_RUN], vcpu_run_t)(vcpu);
		/* Stopped by tk_stop(), not by KVM (which sets vm_dead). */
		if (ret == -EIO && !READ_ONCE(vcpu->kvm->vm_dead) &&
		    tvm_vm_may_run(tk->vm, reason, sizeof(reason)) == -EACCES)
			ret = -EACCES;
	}
	if (ret == -EACCES)
		pr_info_ratelimited("VM %u: KVM_RUN refused: %s\n",
				    tvm_vm_id(tk->vm), reason);
	if (tk)
		tk_put(tk);
	tvm_hook_exit();
	return ret;
}

/* tvm_hook_ops.stop: force the vCPUs of @vm out of the guest. */
static void tk_stop(struct tvm_vm *vm)
{
	struct tk_vm *tk = tk_lookup_vm(vm);

	if (!tk)
		return;
	/*
	 * KVM_REQ_VM_DEAD without vm_dead: every vCPU in guest mode is
	 * kicked out (and KVM waits until it is), and every vCPU about to
	 * enter sees the request first; either way it leaves KVM_RUN with
	 * -EIO before another guest instruction.  The VM's other ioctls
	 * keep working, and a halted vCPU stays halted until it is woken,
	 * then leaves the same way.
	 */
	if (tk_kvm_get(tk)) {
		kvm_make_all_cpus_request(tk->kvm, KVM_REQ_VM_DEAD);
		kvm_put_kvm(tk->kvm);
	}
	tk_put(tk);
}

/* TVM_CMD_VM_MEASURE: the runtime ranges of @vm, now. */
static int tk_measure(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	struct tk_vm *tk;
	int ret;

	tk = tk_lookup_vm(vm);
	if (!tk || READ_ONCE(tk->dead)) {
		NL_SET_ERR_MSG(extack, "the KVM VM is gone");
		if (tk)
			tk_put(tk);
		return -ENOENT;
	}
	mutex_lock(&tk->runtime_lock);
	tk->runtime_force = true;
	mutex_unlock(&tk->runtime_lock);
	/* Guest memory is read in a kthread that borrows the VMM's mm. */
	tk_runtime_queue(tk, 0);
	flush_delayed_work(&tk->runtime_work);
	mutex_lock(&tk->runtime_lock);
	ret = tk->runtime_err;
	mutex_unlock(&tk->runtime_lock);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(extack, "the KVM VM is being destroyed");
	else if (ret)
		NL_SET_ERR_MSG(extack, "measuring the runtime ranges failed");
	tk_put(tk);
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

static int __init tk_init(void)
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

	tk_wq = alloc_workqueue("tvm_kvm", WQ_UNBOUND, 0);
	if (!tk_wq)
		return -ENOMEM;
	ret = tvm_hook_ops_register(&tk_ops);
	if (ret)
		goto err_wq;
	/* The destroy probe goes in first: no VM may go unseen. */
	ret = tvm_hooks_install(tk_hooks, H_NR);
	if (ret)
		goto err_ops;
	pr_info("tracking KVM VMs (%u functions hooked)\n", H_NR);
	return 0;

err_ops:
	tvm_hook_ops_unregister(&tk_ops);
err_wq:
	destroy_workqueue(tk_wq);
	return ret;
}

static void __exit tk_exit(void)
{
	struct tk_vm *tk;
	int bkt;

	tvm_hooks_remove(tk_hooks, H_NR);
	tvm_hook_ops_unregister(&tk_ops);
	/* Every tracked VM holds the module: none can be left. */
	hash_for_each(tk_by_kvm, bkt, tk, node)
		pr_err("VM %p still tracked at exit\n", tk->kvm);
	destroy_workqueue(tk_wq);
}

module_init(tk_init);
module_exit(tk_exit);
MODULE_DESCRIPTION("tvm: measure, evaluate and gate KVM VMs");
MODULE_AUTHOR("The tvm authors");
MODULE_LICENSE("GPL");
