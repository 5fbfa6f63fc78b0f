// SPDX-License-Identifier: GPL-2.0
/*
 * The binding of each struct kvm to its tk_vm and tvm instance (tvm_kvm.h
 * says how long each lives): the table, creation and adoption, and the
 * teardown once KVM destroys the VM.
 */

#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "tvm_kvm.h"

#define TK_HASH_BITS	10

/*
 * tk_lock protects tk_by_kvm (readers use RCU), each tk_vm's @dead, and
 * the queueing of its works once @dead may be set.
 */
static DEFINE_SPINLOCK(tk_lock);
static DEFINE_HASHTABLE(tk_by_kvm, TK_HASH_BITS);

struct workqueue_struct *tk_wq;

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

struct tk_vm *tk_lookup_vm(struct tvm_vm *vm)
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
	} else if (tvm_vm_incoming(tk->vm)) {
		/*
		 * An imported instance (VM_BIND with a migration id) was
		 * launched on its source, and its trust came with it: it is
		 * not launched again.  Its first KVM_RUN goes to the gate,
		 * which refuses it until COMMIT.
		 */
		tk->incoming = true;
		tk->launched = true;
	}
	tk_measure_exe(tk);
	return tk;
}

struct tk_vm *tk_create(struct kvm *kvm)
{
	struct tk_vm *tk = tk_alloc(kvm, false);
	int ret;

	if (IS_ERR(tk)) {
		ret = PTR_ERR(tk);
		pr_warn_ratelimited("pid %d uid %u: KVM_CREATE_VM refused: %s (%d)\n",
				    task_tgid_nr(current),
				    from_kuid(&init_user_ns, current_uid()),
				    ret == -ENOSPC ? "tvm tracks max_vms VMs" :
				    ret == -EDQUOT ? "the user has max_vms_per_user VMs" :
				    "no tvm instance", ret);
	}
	return tk;
}

void tk_discard(struct tk_vm *tk)
{
	tvm_vm_delete(tk->vm);
	tvm_vm_put(tk->vm);
	kfree(tk);
}

struct tk_vm *tk_insert(struct tk_vm *tk)
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

struct tk_vm *tk_get(struct kvm *kvm)
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

void tk_destroyed(struct kvm *kvm)
{
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
}

void tk_runtime_queue(struct tk_vm *tk, unsigned long delay)
{
	spin_lock(&tk_lock);
	if (!tk->dead)
		mod_delayed_work(tk_wq, &tk->runtime_work, delay);
	spin_unlock(&tk_lock);
}

bool tk_kvm_get(struct tk_vm *tk)
{
	bool ok;

	spin_lock(&tk_lock);
	ok = !tk->dead && kvm_get_kvm_safe(tk->kvm);
	spin_unlock(&tk_lock);
	return ok;
}

int tk_vm_init(void)
{
	tk_wq = alloc_workqueue("tvm_kvm", WQ_UNBOUND, 0);
	return tk_wq ? 0 : -ENOMEM;
}

void tk_vm_uninit(void)
{
	struct tk_vm *tk;
	int bkt;

	/* Every tracked VM holds the module: none can be left. */
	hash_for_each(tk_by_kvm, bkt, tk, node)
		pr_err("VM %p still tracked at exit\n", tk->kvm);
	destroy_workqueue(tk_wq);
}
