/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvm_kvm: a tvm instance for every KVM VM (Documentation/kvm.rst).
 *
 * Each struct kvm that tvm_kvm knows has a struct tk_vm, found by the
 * struct kvm pointer.  A tk_vm holds no reference to its struct kvm: it
 * lives from the VM's creation (or adoption) until KVM destroys the VM,
 * which the kvm_arch_destroy_vm probe sees.  Work that runs outside the
 * VM's own ioctls (the runtime timer) takes a VM reference with
 * kvm_get_kvm_safe() under tk_lock, and so never touches a VM that is
 * being destroyed.
 */
#ifndef _TVM_KVM_H
#define _TVM_KVM_H

#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include "api.h"

/**
 * struct tk_range_state - what the runtime timer knows of one range
 * @gpa: the range, as in the policy
 * @len: its length
 * @sha256: its last digest
 * @want: the policy's digest @sha256 was last compared with
 * @due: when it is next measured, in jiffies
 * @known: @sha256 and @want hold digests
 */
struct tk_range_state {
	u64 gpa;
	u64 len;
	u8 sha256[32];
	u8 want[32];
	unsigned long due;
	bool known;
};

/**
 * struct tk_vm - tvm_kvm's view of one struct kvm
 * @kvm: the VM; not a reference (see above)
 * @vm: its tvm instance (a reference); fixed
 * @node: in tk_by_kvm, under tk_lock; read under RCU
 * @ref: references: tk_by_kvm holds one until the VM is destroyed
 * @rcu: frees the tk_vm after a grace period
 * @dead: KVM destroyed the VM; set under tk_lock.  tk_measure() reads it
 *	without, for its message only: tk_runtime_queue() checks it again
 *	under tk_lock
 * @adopted: running before tvm_kvm was loaded; fixed
 * @incoming: its tvm instance was imported from another host
 *	(tvm_vm_incoming()): launched there, so never launched here; fixed
 * @armed: for @incoming, the runtime timer was armed, at the first
 *	KVM_RUN the gate let through; under @launch_lock
 * @launch_lock: serialises the launch; the VM's other vCPUs wait on it
 * @launched: the launch is done; written under @launch_lock (or, for
 *	an adopted VM, before the tk_vm is in tk_by_kvm), read with
 *	smp_load_acquire()
 * @runtime_work: the runtime timer
 * @runtime_lock: serialises runtime measurements; protects @ranges,
 *	@nranges, @runtime_force and @runtime_err
 * @ranges: state of the ranges last measured
 * @nranges: entries of @ranges
 * @runtime_force: measure every range at the next run, due or not
 * @runtime_err: result of the last runtime measurement
 * @destroy_work: finishes the tk_vm after KVM destroyed the VM
 */
struct tk_vm {
	struct kvm *kvm;
	struct tvm_vm *vm;
	struct hlist_node node;
	refcount_t ref;
	struct rcu_head rcu;
	bool dead;
	bool adopted;
	bool incoming;
	bool armed;

	struct mutex launch_lock;	/* see @launch_lock above */
	bool launched;

	struct delayed_work runtime_work;
	struct mutex runtime_lock;	/* see @runtime_lock above */
	struct tk_range_state ranges[TVM_POLICY_RANGES_MAX];
	unsigned int nranges;
	bool runtime_force;
	int runtime_err;

	struct work_struct destroy_work;
};

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

/* vm.c: the binding of each struct kvm to its tk_vm */
extern struct workqueue_struct *tk_wq;

int tk_vm_init(void);
void tk_vm_uninit(void);
void tk_put(struct tk_vm *tk);
/* The tk_vm whose instance is @vm, with a reference, or NULL; O(n). */
struct tk_vm *tk_lookup_vm(struct tvm_vm *vm);
/*
 * The tk_vm of @kvm with a reference: a VM created before tvm_kvm was
 * loaded is adopted at its first hooked ioctl.  NULL when that fails.
 */
struct tk_vm *tk_get(struct kvm *kvm);
/*
 * For KVM_CREATE_VM: a tk_vm for @kvm, which the current process
 * creates, with its tvm instance and the VMM measured; not in the table
 * yet.  An ERR_PTR, said in the kernel log, when memory is short or tvm
 * refuses an instance (-ENOSPC at max_vms, -EDQUOT at max_vms_per_user).
 */
struct tk_vm *tk_create(struct kvm *kvm);
/* Undo tk_create() of a tk_vm that never went into the table. */
void tk_discard(struct tk_vm *tk);
/*
 * Put @tk in the table; returns it, or the tk_vm another thread put
 * there for the same VM first (with a reference; @tk is then discarded).
 */
struct tk_vm *tk_insert(struct tk_vm *tk);
/* KVM destroys @kvm: take its tk_vm out and finish it; does not sleep. */
void tk_destroyed(struct kvm *kvm);
/* Queue @tk's runtime work after @delay jiffies, unless the VM is dead. */
void tk_runtime_queue(struct tk_vm *tk, unsigned long delay);
/* A VM reference (kvm_get_kvm_safe()) for work outside its ioctls. */
bool tk_kvm_get(struct tk_vm *tk);

/* hooks.c: the hooks into KVM, and the ops tvm calls back */
int tk_ops_init(void);
void tk_ops_uninit(void);
int tk_hooks_init(void);
void tk_hooks_uninit(void);

/* config.c: the VMM (PCR 8) and the VM's configuration (PCR 12) */
/* PCR 8: the executable of the VMM (the current process). */
void tk_measure_exe(struct tk_vm *tk);
/* PCR 12: memory slot @m, as KVM set it. */
void tk_config_memslot(struct kvm *kvm,
		       const struct kvm_userspace_memory_region *m);
/* PCR 12: @vcpu, just created. */
void tk_config_vcpu(struct kvm_vcpu *vcpu);
/*
 * Copy @n CPUID entries from @entries (struct kvm_cpuid_entry2 if @v2,
 * else struct kvm_cpuid_entry) into @c; false if that fails.
 */
bool tk_cpuid_copy(struct tk_cpuid *c, const void __user *entries, u32 n,
		   bool v2);
/*
 * After KVM_SET_CPUID(2) returned @ret: on success log @c (or, unless
 * @copied, that it could not be copied); free the copy either way.
 */
void tk_cpuid_done(struct kvm_vcpu *vcpu, struct tk_cpuid *c, bool copied,
		   int ret);

/* gate.c: the launch, the gate and the stop */
/*
 * KVM_RUN, with @run the original: the launch once, then the gate.  A
 * VM that may no longer run while its vCPUs are in the guest is stopped
 * by tk_stop(): each vCPU leaves KVM_RUN with -EIO from KVM_REQ_VM_DEAD,
 * which the gate reports as -EACCES, as it reports every later KVM_RUN.
 */
int tk_run(struct kvm_vcpu *vcpu, int (*run)(struct kvm_vcpu *vcpu));
/* tvm_hook_ops.stop: force the vCPUs of @vm out of the guest. */
void tk_stop(struct tvm_vm *vm);

/* measure.c: guest memory, hashed */
/* PCR 9: the contents of every memory slot; in the VMM's context. */
int tk_measure_slots(struct tk_vm *tk);
/* PCR 13: the runtime ranges of @tk's policy; in a kthread (tk_wq). */
void tk_runtime_work(struct work_struct *work);
/* Arm the runtime timer for the next due range, if any. */
void tk_runtime_arm(struct tk_vm *tk);
/* tvm_hook_ops.measure, TVM_CMD_VM_MEASURE: the runtime ranges of @vm, now. */
int tk_measure(struct tvm_vm *vm, struct netlink_ext_ack *extack);

#endif /* _TVM_KVM_H */
