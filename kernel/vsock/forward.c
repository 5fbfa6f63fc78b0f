// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-to-guest: packets a guest sends to another guest's CID, delivered
 * by tvm_vsock when both guests' policies allow it (Documentation/
 * vsock.rst, "Guest to guest").  vhost_vsock itself has no such path: it
 * frees every packet a guest sends that is not addressed to the host.
 *
 * hooks.c calls tv_fwd_packet() for each packet vhost_vsock_handle_tx_kick()
 * takes from a guest's TX ring, before vhost checks its addresses (and
 * frees it, for a guest-to-guest packet).  A packet to a CID > 2:
 *
 *  1. Sender: the device holding the source CID must be the device whose
 *     vhost worker is running.  Known without struct vhost_vsock: each
 *     device's owner mm is recorded at VHOST_SET_OWNER (vhost's worker runs
 *     on that mm), and vhost_vsock_get(src_cid) must be a device whose owner
 *     is current->mm.  Otherwise the packet is spoofed: dropped, no answer,
 *     counted.  (Two devices of one VMM process share an mm, so they are
 *     not told apart: each may send as the other, which its owner can do
 *     anyway by writing the other's ring.)
 *  2. Both CIDs bound to VMs (cid.c), STREAM, a known op: else refused.
 *  3. The receiver's policy: tvm_vm_dataflow(receiver, sender, dst_port)
 *     must list the sender: off unless a policy enables it.  Each
 *     direction is judged by its own receiver's policy, packet by packet.
 *  4. Connection state: a REQUEST opens a connection, an RST closes it;
 *     any other packet must belong to an open one.
 *  5. The copy (header in the headroom, cb zeroed) is charged to the
 *     receiver's queue: the truesize of every skb tvm_vsock has queued to a
 *     device and vhost has not yet freed (copied into the guest's RX ring,
 *     or purged) is at most g2g_queue_max; a destructor on the copy
 *     uncharges it.
 *  6. tv_flow_deliver() (flow.c) measures it into the receiver's flow, or
 *     taints the receiver, or says block; then it goes to the original
 *     vhost_transport_send_pkt(), as a host socket's packet does.
 *
 * A refused, blocked or capped packet is dropped; the sender gets an RST
 * (none for an RST), and so does the receiver when the packet belonged to
 * an open connection, which is closed.  A device that goes (release) or
 * loses its CID resets every connection it had: the peers get an RST.
 * Connections are keyed by the devices' records, not by CID, so a CID
 * reused by a new device starts with nothing.
 *
 * Locking: tv_fwd_lock, a spinlock held for table lookups and updates
 * only (nothing under it sleeps; copying, measuring and queueing come
 * after it), protects the device table, the connection table, and each
 * record's @mm, @cid, @nconns and @gone.  It is taken in process context
 * only (vhost workers, ioctls, release), never from an skb destructor,
 * which touches atomics and a refcount only.
 */

#include <linux/hashtable.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/virtio_vsock.h>
#include <net/af_vsock.h>

#include "api.h"
#include "tvm_vsock.h"

static unsigned long g2g_queue_max = 4UL << 20;
module_param(g2g_queue_max, ulong, 0644);
MODULE_PARM_DESC(g2g_queue_max,
		 "bytes (skb truesize) of guest-to-guest packets queued to one guest and not yet taken by it; beyond, packets are dropped and their connection reset (default 4 MiB)");

static unsigned int g2g_conns_max = 256;
module_param(g2g_conns_max, uint, 0644);
MODULE_PARM_DESC(g2g_conns_max,
		 "open guest-to-guest connections per guest; a REQUEST beyond is refused (default 256)");

/**
 * struct tv_fdev - a vhost-vsock device, as the guest-to-guest path sees it
 * @node: in tv_fdevs, by @dev, under tv_fwd_lock
 * @dev: the device (opaque key); fixed
 * @mm: the owner's mm, grabbed (mmgrab()) at VHOST_SET_OWNER, compared and
 *	never dereferenced; NULL before, and once the device is gone; under
 *	tv_fwd_lock
 * @cid: its bound CID, 0 when unbound; under tv_fwd_lock, and read under
 *	RCU by fwd_send() (tv_fwd_unbind() waits for such readers)
 * @nconns: open connections it is an end of; under tv_fwd_lock
 * @gone: released: nothing is queued to it any more; as @cid
 * @queued: truesize of the skbs queued to it by tvm_vsock and not yet freed
 * @ref: one for tv_fdevs, one per queued skb, one per user
 */
struct tv_fdev {
	struct hlist_node node;
	const struct tv_dev *dev;
	struct mm_struct *mm;
	u32 cid;
	unsigned int nconns;
	bool gone;
	atomic_long_t queued;
	refcount_t ref;
};

/**
 * struct tv_conn - an open guest-to-guest connection
 * @node: in tv_conns, under tv_fwd_lock
 * @gone_node: on a local list once out of tv_conns
 * @a: the device of the end that sent the REQUEST; a connection is taken
 *	out before either end is unbound, so it holds no reference; NULL
 *	once out, for an end that is going
 * @b: the device of the end it was sent to; as @a
 * @a_cid: @a's CID; fixed (a device whose CID changes loses its
 *	connections)
 * @b_cid: @b's CID; fixed
 * @a_port: @a's port; fixed
 * @b_port: @b's port; fixed
 */
struct tv_conn {
	struct hlist_node node;
	struct list_head gone_node;
	struct tv_fdev *a, *b;
	u32 a_cid, b_cid;
	u32 a_port, b_port;
};

/* What tvm_vsock keeps in the cb of each skb it queues. */
struct tv_fwd_cb {
	struct virtio_vsock_skb_cb vv;	/* vhost's, first */
	u32 charge;
	struct tv_fdev *to;
};

static_assert(sizeof(struct tv_fwd_cb) <= sizeof_field(struct sk_buff, cb));

static DEFINE_SPINLOCK(tv_fwd_lock);
static DEFINE_HASHTABLE(tv_fdevs, 6);
static DEFINE_HASHTABLE(tv_conns, 8);

/* Whether any skb was ever queued: exit then waits for destructors. */
static bool tv_fwd_used;

/* Counters, in /sys/module/tvm_vsock/stats/, read with atomic_long_read(). */
static struct {
	atomic_long_t forwarded;
	atomic_long_t forwarded_bytes;
	atomic_long_t refused;
	atomic_long_t blocked;
	atomic_long_t spoofed;
	atomic_long_t capped;
	atomic_long_t conn_full;
	atomic_long_t resets;
	atomic_long_t conns;
	atomic_long_t queued;
	atomic_long_t skbs;
} tv_fwd_stats;

static struct tv_fdev *fdev_hold(struct tv_fdev *f)
{
	if (f)
		refcount_inc(&f->ref);
	return f;
}

static void fdev_put(struct tv_fdev *f)
{
	if (f && refcount_dec_and_test(&f->ref))
		kfree(f);
}

static struct tv_fdev *fdev_of(const struct tv_dev *dev)
{
	struct tv_fdev *f;

	lockdep_assert_held(&tv_fwd_lock);
	if (!dev)
		return NULL;
	hash_for_each_possible(tv_fdevs, f, node, (unsigned long)dev)
		if (f->dev == dev)
			return f;
	return NULL;
}

static bool cid_guest(u64 cid)
{
	return cid > VMADDR_CID_HOST && cid < U32_MAX;
}

static u32 conn_hash(u32 c1, u32 p1, u32 c2, u32 p2)
{
	/* Symmetric: both directions of a connection hash alike. */
	return (c1 ^ c2) * 31 + (p1 ^ p2);
}

/* The open connection of a packet from @from:@sport to @to:@dport. */
static struct tv_conn *conn_find(struct tv_fdev *from, u32 sport,
				 struct tv_fdev *to, u32 dport)
{
	struct tv_conn *c;

	lockdep_assert_held(&tv_fwd_lock);
	hash_for_each_possible(tv_conns, c, node,
			       conn_hash(from->cid, sport, to->cid, dport)) {
		if (c->a == from && c->a_port == sport &&
		    c->b == to && c->b_port == dport)
			return c;
		if (c->b == from && c->b_port == sport &&
		    c->a == to && c->a_port == dport)
			return c;
	}
	return NULL;
}

static void conn_unlink(struct tv_conn *c)
{
	lockdep_assert_held(&tv_fwd_lock);
	hash_del(&c->node);
	c->a->nconns--;
	c->b->nconns--;
	atomic_long_dec(&tv_fwd_stats.conns);
}

static void fwd_skb_free(struct sk_buff *skb)
{
	struct tv_fwd_cb *cb = (struct tv_fwd_cb *)skb->cb;

	atomic_long_sub(cb->charge, &cb->to->queued);
	atomic_long_sub(cb->charge, &tv_fwd_stats.queued);
	atomic_long_dec(&tv_fwd_stats.skbs);
	fdev_put(cb->to);
	/* Exit waits for RCU tasks: the return from here is covered. */
	module_put(THIS_MODULE);
}

/*
 * Charge @skb to @to's queue: from now on freeing it uncharges it.  False
 * (and @skb freed) when @to's queue has no room, unless @force.
 */
static bool fwd_charge(struct tv_fdev *to, struct sk_buff *skb, bool force)
{
	struct tv_fwd_cb *cb = (struct tv_fwd_cb *)skb->cb;
	u32 charge = skb->truesize;

	if (atomic_long_add_return(charge, &to->queued) > g2g_queue_max &&
	    !force) {
		atomic_long_sub(charge, &to->queued);
		kfree_skb(skb);
		return false;
	}
	memset(skb->cb, 0, sizeof(skb->cb));
	cb->charge = charge;
	cb->to = fdev_hold(to);
	__module_get(THIS_MODULE);
	WRITE_ONCE(tv_fwd_used, true);
	atomic_long_add(charge, &tv_fwd_stats.queued);
	atomic_long_inc(&tv_fwd_stats.skbs);
	skb->destructor = fwd_skb_free;
	return true;
}

/*
 * Hand @skb, charged to @to, to vhost, which finds the receiver by the
 * header's dst_cid: only while @to still holds that CID.  tv_fwd_unbind()
 * and tv_fwd_release() wait for this RCU reader after changing @to, and
 * vhost only gives the CID to another device after them: a packet never
 * reaches a device that took the CID over.
 */
static bool fwd_send(struct tv_fdev *to, struct sk_buff *skb)
{
	u64 dst = le64_to_cpu(virtio_vsock_hdr(skb)->dst_cid);
	bool ok;

	rcu_read_lock();
	ok = !READ_ONCE(to->gone) && READ_ONCE(to->cid) == dst;
	if (ok)
		tv_send_pkt(skb);
	rcu_read_unlock();
	if (!ok)
		kfree_skb(skb);
	return ok;
}

/*
 * An RST from @src:@sport to @to (whose CID is @dst):@dport.  @closing: it
 * ends a connection tvm_vsock had open (at most one per connection), so
 * it is queued even past the cap, else the peer would never hear of it;
 * an RST that answers a refused packet obeys the cap, as the packets that
 * cause it may come without end.
 */
static void fwd_rst(struct tv_fdev *to, u32 src, u32 sport, u32 dst,
		    u32 dport, bool closing)
{
	struct virtio_vsock_hdr *hdr;
	struct sk_buff *skb;

	skb = virtio_vsock_alloc_skb(VIRTIO_VSOCK_SKB_HEADROOM, GFP_KERNEL);
	if (!skb)
		return;
	hdr = virtio_vsock_hdr(skb);
	memset(hdr, 0, sizeof(*hdr));
	hdr->src_cid = cpu_to_le64(src);
	hdr->dst_cid = cpu_to_le64(dst);
	hdr->src_port = cpu_to_le32(sport);
	hdr->dst_port = cpu_to_le32(dport);
	hdr->type = cpu_to_le16(VIRTIO_VSOCK_TYPE_STREAM);
	hdr->op = cpu_to_le16(VIRTIO_VSOCK_OP_RST);
	if (fwd_charge(to, skb, closing) && fwd_send(to, skb))
		atomic_long_inc(&tv_fwd_stats.resets);
}

static bool op_known(u16 op)
{
	return op >= VIRTIO_VSOCK_OP_REQUEST &&
	       op <= VIRTIO_VSOCK_OP_CREDIT_REQUEST;
}

/*
 * The sender's record, with a reference, in *@from: NULL for a device
 * tvm_vsock has not seen set up (before it was loaded), whose packets are
 * refused without an answer.  True when the packet is spoofed: no device
 * holds @src, or the one that does is not the running worker's.
 */
static bool fwd_spoofed(u64 src, struct tv_fdev **from)
{
	const struct tv_dev *sdev;
	struct tv_fdev *f;

	lockdep_assert_held(&tv_fwd_lock);
	*from = NULL;
	sdev = cid_guest(src) ? tv_dev_of_cid(src) : NULL;
	if (!sdev)
		return true;
	f = fdev_of(sdev);
	if (!f || !f->mm)
		return false;	/* set up before tvm_vsock: unverifiable */
	if (f->mm != current->mm)
		return true;
	*from = fdev_hold(f);
	return false;
}

/* The record of the device bound to @cid now, with a reference, or NULL. */
static struct tv_fdev *fwd_receiver(u64 cid)
{
	struct tv_fdev *f;

	lockdep_assert_held(&tv_fwd_lock);
	f = cid_guest(cid) ? fdev_of(tv_dev_of_cid(cid)) : NULL;
	return f && f->cid == cid && !f->gone ? fdev_hold(f) : NULL;
}

enum fwd_why { FWD_REFUSED, FWD_BLOCKED, FWD_CAPPED };

void tv_fwd_packet(struct sk_buff *skb)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);
	u64 src = le64_to_cpu(hdr->src_cid), dst = le64_to_cpu(hdr->dst_cid);
	u32 sport = le32_to_cpu(hdr->src_port);
	u32 dport = le32_to_cpu(hdr->dst_port);
	u16 op = le16_to_cpu(hdr->op);
	struct tv_fdev *from, *to = NULL;
	struct tv_conn *c, *nc = NULL, *fresh = NULL;
	struct tvm_vm *rx = NULL, *tx = NULL;
	bool spoofed, had_conn = false, closing;
	struct tvm_df_verdict v;
	struct sk_buff *copy;
	enum fwd_why why = FWD_REFUSED;

	if (dst <= VMADDR_CID_HOST)
		return;			/* for the host: vhost's business */

	/* 1. The sender's device holds the source CID. */
	spin_lock(&tv_fwd_lock);
	spoofed = fwd_spoofed(src, &from);
	if (from && from->cid == src && dst != src)
		to = fwd_receiver(dst);
	spin_unlock(&tv_fwd_lock);
	if (spoofed) {
		atomic_long_inc(&tv_fwd_stats.spoofed);
		pr_info_ratelimited("g2g: %llu:%u -> %llu:%u dropped: the source CID is not the sending device's\n",
				    src, sport, dst, dport);
		return;		/* no answer to a forged address */
	}
	if (!from) {
		atomic_long_inc(&tv_fwd_stats.refused);
		return;		/* not a device set up under tvm_vsock */
	}

	/* 2. Both bound, a STREAM packet of a known op, listed by policy. */
	if (!to || le16_to_cpu(hdr->type) != VIRTIO_VSOCK_TYPE_STREAM ||
	    !op_known(op))
		goto fail;
	rx = tv_cid_vm(dst);
	tx = tv_cid_vm(src);
	if (!rx || !tx)
		goto fail;
	tvm_vm_dataflow(rx, tx, dport, &v);
	if (!v.listed)
		goto fail;

	/* 3. Connection state: a REQUEST opens one, an RST closes it. */
	if (op == VIRTIO_VSOCK_OP_REQUEST)
		nc = kzalloc(sizeof(*nc), GFP_KERNEL);
	spin_lock(&tv_fwd_lock);
	c = from->cid == src && to->cid == dst && !to->gone ?
		conn_find(from, sport, to, dport) : NULL;
	if (c && op == VIRTIO_VSOCK_OP_RST) {
		conn_unlink(c);
		kfree(c);
		had_conn = true;
	} else if (!c && op == VIRTIO_VSOCK_OP_REQUEST && nc &&
		   from->cid == src && to->cid == dst && !to->gone) {
		if (from->nconns < g2g_conns_max &&
		    to->nconns < g2g_conns_max) {
			nc->a = from;
			nc->b = to;
			nc->a_cid = src;
			nc->b_cid = dst;
			nc->a_port = sport;
			nc->b_port = dport;
			hash_add(tv_conns, &nc->node,
				 conn_hash(src, sport, dst, dport));
			from->nconns++;
			to->nconns++;
			atomic_long_inc(&tv_fwd_stats.conns);
			fresh = nc;
			c = nc;
			nc = NULL;
		} else {
			atomic_long_inc(&tv_fwd_stats.conn_full);
		}
	}
	spin_unlock(&tv_fwd_lock);
	kfree(nc);
	if (!c && !had_conn)
		goto fail;

	/* 4. Room in the receiver's queue, then the flow, then vhost. */
	why = FWD_CAPPED;
	copy = skb_copy(skb, GFP_KERNEL);
	if (!copy || !fwd_charge(to, copy, false))
		goto fail;
	if (tv_flow_deliver(skb, rx, tx) == TVM_DF_BLOCK) {
		kfree_skb(copy);
		why = FWD_BLOCKED;
		goto fail;
	}
	if (fwd_send(to, copy)) {
		atomic_long_inc(&tv_fwd_stats.forwarded);
		atomic_long_add(skb->len, &tv_fwd_stats.forwarded_bytes);
	}
	goto out;

fail:
	switch (why) {
	case FWD_REFUSED:
		atomic_long_inc(&tv_fwd_stats.refused);
		break;
	case FWD_BLOCKED:
		atomic_long_inc(&tv_fwd_stats.blocked);
		pr_info_ratelimited("g2g: %llu:%u -> %llu:%u blocked by the receiver's policy\n",
				    src, sport, dst, dport);
		break;
	case FWD_CAPPED:
		atomic_long_inc(&tv_fwd_stats.capped);
		pr_info_ratelimited("g2g: %llu:%u -> %llu:%u dropped: the receiver's queue is full\n",
				    src, sport, dst, dport);
		break;
	}
	/*
	 * Dropped: the connection (if any) is over.  The sender gets an RST
	 * (unless it sent one), the receiver too if it had the connection
	 * (it did not if this REQUEST just opened it).
	 */
	c = NULL;
	if (to) {
		spin_lock(&tv_fwd_lock);
		c = to->cid == dst ? conn_find(from, sport, to, dport) : NULL;
		if (c) {
			conn_unlink(c);
			had_conn = c != fresh;
		}
		spin_unlock(&tv_fwd_lock);
	}
	closing = c;
	kfree(c);
	if (op != VIRTIO_VSOCK_OP_RST)
		fwd_rst(from, dst, dport, src, sport, closing);
	if (had_conn)
		fwd_rst(to, src, sport, dst, dport, true);
out:
	if (rx)
		tvm_vm_put(rx);
	if (tx)
		tvm_vm_put(tx);
	fdev_put(to);
	fdev_put(from);
}

/*
 * Take every connection @f is an end of out of the table, and reset the
 * other ends; @f itself gets nothing (it is going, or its CID is).
 */
static void fdev_reset_all(struct tv_fdev *f)
{
	struct tv_conn *c;
	struct hlist_node *tmp;
	unsigned int bkt;
	LIST_HEAD(gone);

	spin_lock(&tv_fwd_lock);
	hash_for_each_safe(tv_conns, bkt, tmp, c, node) {
		if (c->a != f && c->b != f)
			continue;
		conn_unlink(c);
		c->a = c->a == f ? NULL : fdev_hold(c->a);
		c->b = c->b == f ? NULL : fdev_hold(c->b);
		list_add_tail(&c->gone_node, &gone);
	}
	spin_unlock(&tv_fwd_lock);

	while ((c = list_first_entry_or_null(&gone, struct tv_conn,
					     gone_node))) {
		list_del(&c->gone_node);
		if (c->a)
			fwd_rst(c->a, c->b_cid, c->b_port, c->a_cid, c->a_port,
				true);
		if (c->b)
			fwd_rst(c->b, c->a_cid, c->a_port, c->b_cid, c->b_port,
				true);
		fdev_put(c->a);
		fdev_put(c->b);
		kfree(c);
	}
}

/*
 * @dev's record, made from @n (allocated by the caller before the lock,
 * and set to NULL when used) if it has none yet: by whichever comes first
 * of VHOST_SET_OWNER and the binding of its CID.  NULL when out of memory;
 * then its packets are refused, as any unverifiable sender's.
 */
static struct tv_fdev *fdev_of_or_add(const struct tv_dev *dev,
				      struct tv_fdev **n)
{
	struct tv_fdev *f = fdev_of(dev);

	if (f || !*n)
		return f;
	f = *n;
	*n = NULL;
	f->dev = dev;
	refcount_set(&f->ref, 1);
	hash_add(tv_fdevs, &f->node, (unsigned long)dev);
	return f;
}

void tv_fwd_owner(const struct tv_dev *dev)
{
	struct tv_fdev *f, *n = kzalloc(sizeof(*n), GFP_KERNEL);

	spin_lock(&tv_fwd_lock);
	f = fdev_of_or_add(dev, &n);
	/* VHOST_SET_OWNER succeeds once per device: @mm is still NULL. */
	if (f && !f->mm && current->mm) {
		f->mm = current->mm;
		mmgrab(f->mm);
	}
	spin_unlock(&tv_fwd_lock);
	kfree(n);
}

void tv_fwd_bind(const struct tv_dev *dev, u32 cid)
{
	struct tv_fdev *f, *n = kzalloc(sizeof(*n), GFP_KERNEL);

	spin_lock(&tv_fwd_lock);
	f = fdev_of_or_add(dev, &n);
	if (f)
		WRITE_ONCE(f->cid, cid);
	spin_unlock(&tv_fwd_lock);
	kfree(n);
}

/*
 * @dev loses its CID (@gone: and goes): once this returns, nothing is
 * queued to it any more (fwd_send()) and its connections are reset.
 */
static void fdev_unbind(const struct tv_dev *dev, bool gone)
{
	struct mm_struct *mm = NULL;
	struct tv_fdev *f;
	bool had;

	spin_lock(&tv_fwd_lock);
	f = fdev_of(dev);
	if (f) {
		had = f->cid;
		WRITE_ONCE(f->cid, 0);
		if (gone) {
			hash_del(&f->node);
			WRITE_ONCE(f->gone, true);
			swap(mm, f->mm);
		} else {
			fdev_hold(f);
		}
	}
	spin_unlock(&tv_fwd_lock);
	if (!f)
		return;
	if (had) {
		synchronize_rcu();	/* fwd_send()s that saw the CID */
		fdev_reset_all(f);
	}
	if (mm)
		mmdrop(mm);
	fdev_put(f);	/* gone: the skbs still queued hold it */
}

void tv_fwd_unbind(const struct tv_dev *dev)
{
	fdev_unbind(dev, false);
}

void tv_fwd_release(const struct tv_dev *dev)
{
	fdev_unbind(dev, true);
}

/* A counter's file, as cid.c's: merged into the same stats group. */
struct tv_fwd_attr {
	struct module_attribute mattr;
	atomic_long_t *value;
};

static ssize_t fwd_stat_show(struct module_attribute *mattr,
			     struct module_kobject *mk, char *buf)
{
	struct tv_fwd_attr *s = container_of(mattr, struct tv_fwd_attr,
					     mattr);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(s->value));
}

#define FWD_STAT(_name, _field) \
	{ __ATTR(_name, 0444, fwd_stat_show, NULL), &tv_fwd_stats._field }

static struct tv_fwd_attr tv_fwd_attrs[] = {
	FWD_STAT(g2g_forwarded, forwarded),
	FWD_STAT(g2g_forwarded_bytes, forwarded_bytes),
	FWD_STAT(g2g_refused, refused),
	FWD_STAT(g2g_blocked, blocked),
	FWD_STAT(g2g_spoofed, spoofed),
	FWD_STAT(g2g_capped, capped),
	FWD_STAT(g2g_conn_full, conn_full),
	FWD_STAT(g2g_resets, resets),
	FWD_STAT(g2g_conns, conns),
	FWD_STAT(g2g_queued_bytes, queued),
	FWD_STAT(g2g_queued_skbs, skbs),
};

static struct attribute *tv_fwd_list[ARRAY_SIZE(tv_fwd_attrs) + 1];

static const struct attribute_group tv_fwd_group = {
	.name = "stats",
	.attrs = tv_fwd_list,
};

int tv_fwd_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tv_fwd_attrs); i++)
		tv_fwd_list[i] = &tv_fwd_attrs[i].mattr.attr;
	/* cid.c made the group: these files join it. */
	return sysfs_merge_group(&THIS_MODULE->mkobj.kobj, &tv_fwd_group);
}

void tv_fwd_uninit(void)
{
	struct tv_fdev *f;
	struct hlist_node *tmp;
	unsigned int bkt;

	/*
	 * The hooks are out, and no wrapper runs: no lock needed.  Bound
	 * devices and queued skbs hold the module, so what is left is the
	 * records of devices still open without a binding, and no
	 * connection.
	 */
	hash_for_each_safe(tv_fdevs, bkt, tmp, f, node) {
		hash_del(&f->node);
		if (f->mm)
			mmdrop(f->mm);
		fdev_put(f);
	}
	/* The last skb destructor may still be returning from module_put(). */
	if (READ_ONCE(tv_fwd_used))
		synchronize_rcu_tasks();
	sysfs_unmerge_group(&THIS_MODULE->mkobj.kobj, &tv_fwd_group);
}
