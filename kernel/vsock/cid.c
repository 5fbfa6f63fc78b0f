// SPDX-License-Identifier: GPL-2.0
/*
 * Which tvm VM each vhost-vsock guest CID belongs to (Documentation/
 * vsock.rst): the KVM VM of the process that set the CID, when that
 * process has exactly one; otherwise the CID stays unbound, and counted.
 *
 * A binding is made only for a CID that vhost_vsock's own table gives to
 * the device at that moment (tv_dev_has_cid()), so what userspace may
 * change behind the ioctl's back never binds a CID to the wrong device.
 * One device has at most one binding and one CID at most one: a device
 * that sets a new CID loses its old binding, and a CID bound anew drops
 * any binding it had (a reused CID never inherits one).
 *
 * Each binding holds a reference to its tvm VM, which lists the CID
 * (tvm_vm_cid_add()), and one to this module, so that rmmod is refused
 * while any CID is bound.
 *
 * The data path (flow.c, and guest-to-guest forwarding) finds a CID's VM
 * with tv_cid_vm(): an RCU hash of the bindings by CID.  A binding leaves
 * it under tv_lock, and is freed, its VM reference dropped, only after a
 * grace period: a reader that found it may still take a reference to its
 * VM.  Unbinding first closes the CID's flows (tv_flow_close_cid()), so
 * that a CID bound anew never continues an old VM's flow.
 *
 * Each binding is logged in its VM's PCR 14 (TVM_EV_VSOCK_CID), so that a
 * verifier sees from when the VM's flows are measured.  A CID set while
 * tvm_vsock was not loaded is adopted at its guest's first packet since
 * (tv_cid_adopt()), for the process that owns the device, and logged as
 * adopted; a device seen being set (tv_seen_hash) is judged then, never
 * adopted.
 *
 * Counters, in /sys/module/tvm_vsock/stats/: bound (CIDs bound now),
 * unbound_no_vm, unbound_several_vms, unbound_full (refused by a VM that
 * holds TVM_VM_CIDS_MAX) and unverified (a CID read back that the device
 * does not hold), each counted at the SET_GUEST_CID that left a CID
 * unbound.
 */

#include <linux/hashtable.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "api.h"
#include "tvm_vsock.h"

/**
 * struct tv_bind - a guest CID bound to a VM
 * @node: in tv_binds, under tv_lock
 * @hnode: in tv_cid_hash, added and removed under tv_lock, read under RCU
 * @rcu: frees it, and drops @vm, a grace period after it left tv_cid_hash
 * @dev: the device that holds @cid; fixed
 * @cid: the guest CID; fixed
 * @vm: its VM, with a reference; fixed
 */
struct tv_bind {
	struct list_head node;
	struct hlist_node hnode;
	struct rcu_head rcu;
	const struct tv_dev *dev;
	u32 cid;
	struct tvm_vm *vm;
};

/*
 * tv_lock protects tv_binds, tv_seen_hash's changes and tv_nseen, and
 * serialises every change of a binding.
 * A list: a host holds a device per VM, and it is walked only when a
 * VMM sets a CID or closes a device, never on a data path.
 */
static DEFINE_MUTEX(tv_lock);
static LIST_HEAD(tv_binds);
/* The bindings by CID, for the data path: see tv_cid_vm(). */
static DEFINE_HASHTABLE(tv_cid_hash, 6);

struct tv_stats tv_stats;

static struct tv_bind *find_dev(const struct tv_dev *dev)
{
	struct tv_bind *b;

	lockdep_assert_held(&tv_lock);
	list_for_each_entry(b, &tv_binds, node)
		if (b->dev == dev)
			return b;
	return NULL;
}

static struct tv_bind *find_cid(u32 cid)
{
	struct tv_bind *b;

	lockdep_assert_held(&tv_lock);
	list_for_each_entry(b, &tv_binds, node)
		if (b->cid == cid)
			return b;
	return NULL;
}

struct tvm_vm *tv_cid_vm(u32 cid)
{
	struct tvm_vm *vm = NULL;
	struct tv_bind *b;

	rcu_read_lock();
	hash_for_each_possible_rcu(tv_cid_hash, b, hnode, cid)
		if (b->cid == cid) {
			/* @b holds its reference until after a grace period. */
			vm = tvm_vm_get(b->vm);
			break;
		}
	rcu_read_unlock();
	return vm;
}

/**
 * struct tv_seen - a device whose guest CID tvm_vsock saw being set
 * @hnode: in tv_seen_hash, added and removed under tv_lock, read under RCU
 * @rcu: frees it a grace period after it left tv_seen_hash
 * @dev: the device; fixed
 *
 * A device seen is judged at its VHOST_VSOCK_SET_GUEST_CID and never
 * adopted (tv_cid_adopt()), whatever the judgement was; only devices whose
 * CID was set while tvm_vsock was not loaded are adopted.  Forgotten when
 * the device is released, so that a new device at the same address is
 * not taken for it.
 */
struct tv_seen {
	struct hlist_node hnode;
	struct rcu_head rcu;
	const struct tv_dev *dev;
};

/* Devices seen; a device is one /dev/vhost-vsock file, open. */
static DEFINE_HASHTABLE(tv_seen_hash, 6);
/* Entries of tv_seen_hash, under tv_lock; at most TV_SEEN_MAX. */
static unsigned int tv_nseen;
#define TV_SEEN_MAX	4096

static struct tv_seen *seen_find(const struct tv_dev *dev)
{
	struct tv_seen *e;

	hash_for_each_possible_rcu(tv_seen_hash, e, hnode, (unsigned long)dev)
		if (e->dev == dev)
			return e;
	return NULL;
}

/*
 * Remember @dev as seen.  Past TV_SEEN_MAX it is not remembered, and
 * counted: such a device, if left unbound, may be adopted later.
 */
static void seen_set(const struct tv_dev *dev)
{
	struct tv_seen *e;

	lockdep_assert_held(&tv_lock);
	if (seen_find(dev))
		return;
	e = tv_nseen < TV_SEEN_MAX ? kzalloc(sizeof(*e), GFP_KERNEL) : NULL;
	if (!e) {
		atomic_long_inc(&tv_stats.seen_full);
		return;
	}
	e->dev = dev;
	hash_add_rcu(tv_seen_hash, &e->hnode, (unsigned long)dev);
	tv_nseen++;
}

static void seen_del(struct tv_seen *e)
{
	lockdep_assert_held(&tv_lock);
	hash_del_rcu(&e->hnode);
	kfree_rcu(e, rcu);
	tv_nseen--;
}

static bool cid_bound(u32 cid)
{
	struct tv_bind *b;

	hash_for_each_possible_rcu(tv_cid_hash, b, hnode, cid)
		if (b->cid == cid)
			return true;
	return false;
}

/*
 * The process of the device owner whose vhost worker runs this: the
 * worker is a kernel thread on its owner's mm (VHOST_SET_OWNER), whose
 * owner task is that process's.  0 when current is no such thread.
 */
static pid_t worker_owner_tgid(void)
{
	struct task_struct *t;
	pid_t tgid = 0;

	if (!(current->flags & PF_KTHREAD) || !current->mm)
		return 0;
	rcu_read_lock();
	t = rcu_dereference(current->mm->owner);
	if (t)
		tgid = task_tgid_nr(t);
	rcu_read_unlock();
	return tgid;
}

static void bind(const struct tv_dev *dev, u32 cid, pid_t tgid, u32 flags);

void tv_cid_adopt(u32 cid)
{
	const struct tv_dev *dev;
	bool known;
	pid_t tgid;

	/* Per packet: two hash lookups, and nothing more once judged. */
	rcu_read_lock();
	known = cid_bound(cid);
	if (!known) {
		dev = tv_dev_of_cid(cid);
		known = !dev || seen_find(dev);
	}
	rcu_read_unlock();
	if (known)
		return;

	tgid = worker_owner_tgid();
	mutex_lock(&tv_lock);
	dev = tv_dev_of_cid(cid);	/* again: it may have gone meanwhile */
	if (!dev || find_cid(cid) || find_dev(dev) || seen_find(dev) ||
	    tv_nseen >= TV_SEEN_MAX)
		goto out;
	seen_set(dev);
	if (!tgid) {
		atomic_long_inc(&tv_stats.unbound_no_vm);
		goto out;
	}
	bind(dev, cid, tgid, TVM_EV_CID_ADOPTED);
	if (find_dev(dev)) {
		atomic_long_inc(&tv_stats.adopted);
		pr_info("cid %u, set before tvm_vsock was loaded, adopted for VM %u (pid %d) at its first packet\n",
			cid, tvm_vm_id(find_dev(dev)->vm), tgid);
	}
out:
	mutex_unlock(&tv_lock);
}

static void bind_free_rcu(struct rcu_head *rcu)
{
	struct tv_bind *b = container_of(rcu, struct tv_bind, rcu);

	tvm_vm_put(b->vm);
	kfree(b);
}

static void unbind(struct tv_bind *b)
{
	lockdep_assert_held(&tv_lock);
	hash_del_rcu(&b->hnode);
	list_del(&b->node);
	/* Its flows end while it is still the CID's VM that they name. */
	tv_flow_close_cid(b->cid, b->vm);
	tv_fwd_unbind(b->dev);
	tvm_vm_cid_del(b->vm, b->cid);
	call_rcu(&b->rcu, bind_free_rcu);
	atomic_long_dec(&tv_stats.bound);
	/* The caller runs in a wrapper, which holds the module too. */
	module_put(THIS_MODULE);
}

/*
 * @dev holds @cid, and had no binding for it: bind it to the VM of process
 * @tgid, if it has exactly one, and log it in the VM's PCR 14 (@flags:
 * TVM_EV_CID_ADOPTED or 0), so that a verifier sees from when its flows
 * are measured.
 */
static void bind(const struct tv_dev *dev, u32 cid, pid_t tgid, u32 flags)
{
	struct tvm_ev_vsock_cid ev = {
		.magic = "TVMC",
		.flags = cpu_to_le32(flags),
		.cid = cpu_to_le64(cid),
	};
	struct tv_bind *b;
	struct tvm_vm *vm;
	unsigned int nr;
	int ret;

	lockdep_assert_held(&tv_lock);
	vm = tvm_vm_get_kvm_of(tgid, &nr);
	if (!vm) {
		atomic_long_inc(nr ? &tv_stats.unbound_several_vms :
				&tv_stats.unbound_no_vm);
		pr_info_ratelimited("cid %u of pid %d left unbound: the process has %s KVM VM\n",
				    cid, tgid, nr ? "more than one" : "no");
		return;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		tvm_vm_put(vm);
		return;
	}
	ret = tvm_vm_cid_add(vm, cid);
	if (ret) {
		if (ret == -ENOSPC) {
			atomic_long_inc(&tv_stats.unbound_full);
			pr_info_ratelimited("cid %u left unbound: VM %u has %d CIDs already\n",
					    cid, tvm_vm_id(vm), TVM_VM_CIDS_MAX);
		}
		tvm_vm_put(vm);
		kfree(b);
		return;
	}
	b->dev = dev;
	b->cid = cid;
	b->vm = vm;
	list_add_tail(&b->node, &tv_binds);
	hash_add_rcu(tv_cid_hash, &b->hnode, cid);
	tv_fwd_bind(dev, cid);
	atomic_long_inc(&tv_stats.bound);
	/* A wrapper calls this: the module is held already. */
	__module_get(THIS_MODULE);
	/* A full log already made the VM UNTRUSTED: nothing more to tell. */
	if (tvm_vm_extend_data(vm, TVM_PCR_DATAFLOW, TVM_EV_VSOCK_CID, &ev,
			       sizeof(ev)))
		atomic_long_inc(&tv_stats.extend_failed);
}

void tv_cid_set(struct tv_dev *dev, u64 cid, bool have)
{
	struct tv_bind *old, *stale;

	mutex_lock(&tv_lock);
	old = find_dev(dev);
	if (!have || cid > U32_MAX || !tv_dev_has_cid(dev, cid)) {
		/*
		 * Not the CID the device holds (changed again since, by
		 * another thread, or in memory): the old binding stays
		 * only while it is still true.
		 */
		atomic_long_inc(&tv_stats.unverified);
		if (old && !tv_dev_has_cid(dev, old->cid))
			unbind(old);
		goto out;
	}
	if (old && old->cid == cid)
		goto out;		/* set again to what it was */
	if (old)
		unbind(old);
	/* The CID was another device's, whose change we have not seen yet. */
	stale = find_cid(cid);
	if (stale)
		unbind(stale);
	bind(dev, cid, current->tgid, 0);
out:
	/* Judged: never adopted later, whatever the outcome. */
	seen_set(dev);
	mutex_unlock(&tv_lock);
}

void tv_cid_release(struct tv_dev *dev)
{
	struct tv_bind *b;

	struct tv_seen *e;

	mutex_lock(&tv_lock);
	b = find_dev(dev);
	if (b)
		unbind(b);
	e = seen_find(dev);
	if (e)
		seen_del(e);
	mutex_unlock(&tv_lock);
}

/*
 * A counter's file under the module's kobject, whose sysfs_ops are the
 * module attributes': the attribute and the counter it shows.
 */
struct tv_stat_attr {
	struct module_attribute mattr;
	atomic_long_t *value;
	atomic64_t *value64;
};

static ssize_t stat_show(struct module_attribute *mattr,
			 struct module_kobject *mk, char *buf)
{
	struct tv_stat_attr *s = container_of(mattr, struct tv_stat_attr,
					      mattr);

	if (s->value64)
		return sysfs_emit(buf, "%lld\n", atomic64_read(s->value64));
	return sysfs_emit(buf, "%ld\n", atomic_long_read(s->value));
}

static struct tv_stat_attr tv_stat_attrs[] = {
	{ __ATTR(bound, 0444, stat_show, NULL), &tv_stats.bound },
	{ __ATTR(unbound_no_vm, 0444, stat_show, NULL),
	  &tv_stats.unbound_no_vm },
	{ __ATTR(unbound_several_vms, 0444, stat_show, NULL),
	  &tv_stats.unbound_several_vms },
	{ __ATTR(unbound_full, 0444, stat_show, NULL),
	  &tv_stats.unbound_full },
	{ __ATTR(unverified, 0444, stat_show, NULL), &tv_stats.unverified },
	{ __ATTR(adopted, 0444, stat_show, NULL), &tv_stats.adopted },
	{ __ATTR(seen_full, 0444, stat_show, NULL), &tv_stats.seen_full },
	{ __ATTR(flows, 0444, stat_show, NULL), &tv_stats.flows },
	{ __ATTR(flows_opened, 0444, stat_show, NULL), &tv_stats.flows_opened },
	{ __ATTR(flows_closed, 0444, stat_show, NULL), &tv_stats.flows_closed },
	{ __ATTR(flows_refused, 0444, stat_show, NULL), &tv_stats.flows_refused },
	{ __ATTR(events, 0444, stat_show, NULL), &tv_stats.events },
	{ __ATTR(checkpoints, 0444, stat_show, NULL), &tv_stats.checkpoints },
	{ __ATTR(extend_failed, 0444, stat_show, NULL), &tv_stats.extend_failed },
	{ __ATTR(blocked, 0444, stat_show, NULL), &tv_stats.blocked },
	{ __ATTR(tainted, 0444, stat_show, NULL), &tv_stats.tainted },
	{ __ATTR(unbound_packets, 0444, stat_show, NULL), &tv_stats.unbound_packets },
	{ __ATTR(resets_lost, 0444, stat_show, NULL), &tv_stats.resets_lost },
	{ __ATTR(bytes_measured, 0444, stat_show, NULL), NULL,
	  &tv_stats.bytes_measured },
	{ __ATTR(bytes_host, 0444, stat_show, NULL), NULL,
	  &tv_stats.bytes_host },
};

static struct attribute *tv_stat_list[ARRAY_SIZE(tv_stat_attrs) + 1];

static const struct attribute_group tv_stat_group = {
	.name = "stats",
	.attrs = tv_stat_list,
};

int tv_cid_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tv_stat_attrs); i++)
		tv_stat_list[i] = &tv_stat_attrs[i].mattr.attr;
	return sysfs_create_group(&THIS_MODULE->mkobj.kobj, &tv_stat_group);
}

void tv_cid_uninit(void)
{
	struct tv_bind *b, *tmp;
	struct hlist_node *tmp2;
	struct tv_seen *e;
	unsigned int i;

	/*
	 * Each binding holds this module: none is left at exit.  Should
	 * one be, drop it without the module reference it holds.
	 */
	mutex_lock(&tv_lock);
	list_for_each_entry_safe(b, tmp, &tv_binds, node) {
		hash_del_rcu(&b->hnode);
		list_del(&b->node);
		tvm_vm_cid_del(b->vm, b->cid);
		call_rcu(&b->rcu, bind_free_rcu);
	}
	hash_for_each_safe(tv_seen_hash, i, tmp2, e, hnode)
		seen_del(e);
	mutex_unlock(&tv_lock);
	/* The callbacks are this module's code. */
	rcu_barrier();
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &tv_stat_group);
}
