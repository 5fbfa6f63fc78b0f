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

extern struct workqueue_struct *tk_wq;

void tk_put(struct tk_vm *tk);
/* Queue @tk's runtime work after @delay jiffies, unless the VM is dead. */
void tk_runtime_queue(struct tk_vm *tk, unsigned long delay);
/* A VM reference (kvm_get_kvm_safe()) for work outside its ioctls. */
bool tk_kvm_get(struct tk_vm *tk);

/* measure.c */
/* PCR 9: the contents of every memory slot; in the VMM's context. */
int tk_measure_slots(struct tk_vm *tk);
/* PCR 13: the runtime ranges of @tk's policy; in a kthread (tk_wq). */
void tk_runtime_work(struct work_struct *work);
/* Arm the runtime timer for the next due range, if any. */
void tk_runtime_arm(struct tk_vm *tk);

#endif /* _TVM_KVM_H */
