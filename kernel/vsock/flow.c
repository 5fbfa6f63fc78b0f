// SPDX-License-Identifier: GPL-2.0
/*
 * Flows: each direction of a vsock connection with a guest end bound to
 * a VM, measured into the PCR 14 of the VM that receives it
 * (Documentation/vsock.rst, "Flows").
 *
 * A flow is keyed by (src cid, src port, dst cid, dst port), so the two
 * directions of a connection are two flows.  It keeps a running SHA-256
 * of its payload bytes, in order, as the hooks see them (hooks.c:
 * host-to-guest when vhost queues a packet, guest-to-host before the
 * host's socket gets it; guest-to-guest through tv_flow_deliver()).
 * Every checkpoint_bytes bytes of the stream (exactly: the checkpoint
 * falls inside a packet when it must), or checkpoint_ms after the last
 * event when bytes came since, and at its close, the receiver's PCR 14
 * is extended with a TVM_EV_FLOW event (struct tvm_ev_flow) carrying the
 * digest of the stream's first `bytes` bytes: a copy of the hash state,
 * finalised.  With a verdict asking per_message, each payload gets its
 * own event and digest instead of the checkpoints.  The receiver's policy
 * (tvm_vm_dataflow()) may change both intervals, and is asked for every
 * packet.
 *
 * The host has no PCR bank: a guest-to-host flow is listed and its bytes
 * counted, nothing is hashed or logged.
 *
 * A flow closes at a RST from either end, at a SHUTDOWN of both
 * directions from either end, and when a guest end's CID is unbound
 * (device release, a new CID, the CID bound anew: tv_flow_close_cid()).
 *
 * Bounds: at most max_flows flows, and max_flows_per_vm with one VM at
 * their guest end.  A packet that would open a flow past a bound is
 * refused like a blocked one: dropped, both ends reset, counted
 * (flows_refused), so that no byte reaches a VM unmeasured.
 *
 * Locking:
 *	tv_flow_lock (mutex): the table (tv_flow_hash, tv_flow_list), the
 *		counts (tv_flow_count, tv_vm_flows), flow ids; taken before a
 *		flow's lock, never while holding one
 *	tv_flow.lock (mutex): the flow's stream state (see the struct)
 *	the hash is read under RCU; a flow found there is pinned with
 *	refcount_inc_not_zero() and freed an RCU grace period after its
 *	last reference.
 * Every caller is in process context (the sending host task, or a vhost
 * worker: VSOCK.md (a)), so the locks are mutexes and events are
 * extended where they happen, in stream order.
 */

#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/virtio_vsock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "api.h"
#include "tvm_vsock.h"

static unsigned long checkpoint_bytes = 1UL << 20;
module_param(checkpoint_bytes, ulong, 0644);
MODULE_PARM_DESC(checkpoint_bytes,
		 "a flow's checkpoint every this many bytes (at least 4096; 0: none), unless its receiver's policy says (default 1 MiB)");

static unsigned int checkpoint_ms = 1000;
module_param(checkpoint_ms, uint, 0644);
MODULE_PARM_DESC(checkpoint_ms,
		 "and this long after its last event when bytes came since, unless the policy says (ms, default 1000; 0: none)");

static unsigned int max_flows = 4096;
module_param(max_flows, uint, 0644);
MODULE_PARM_DESC(max_flows, "most flows at once (default 4096)");

static unsigned int max_flows_per_vm = 256;
module_param(max_flows_per_vm, uint, 0644);
MODULE_PARM_DESC(max_flows_per_vm,
		 "most flows with one VM at their guest end (default 256)");

static bool hash_shash = true;
module_param(hash_shash, bool, 0444);
MODULE_PARM_DESC(hash_shash,
		 "hash with the crypto API's sha256 (tvm's transform; the CPU's fastest) rather than lib/crypto's generic C (default Y)");

/* The shortest checkpoint interval, in bytes. */
#define TV_CHECKPOINT_MIN	4096

#define TV_SHUTDOWN_BOTH	(VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

struct tv_flow_key {
	u64 src_cid;
	u64 dst_cid;
	u32 src_port;
	u32 dst_port;
};

/**
 * struct tv_flow - one direction of a connection
 * @hnode: in tv_flow_hash; under tv_flow_lock, read under RCU
 * @node: in tv_flow_list, in id order; under tv_flow_lock
 * @rcu: frees it a grace period after its last reference
 * @ref: references: the table's, while hashed, and each user's
 * @id: from 1, in the order opened; fixed
 * @key: fixed
 * @rx: the receiving VM, with a reference; NULL: the host; fixed
 * @tx: the sending VM, with a reference; NULL: host or unbound; fixed
 * @counted: the VM whose max_flows_per_vm the flow counts in (its guest
 *	end: @rx, or @tx for the host receiving); fixed
 * @tx_host: the host sends; fixed
 * @late: opened by a packet other than REQUEST or RESPONSE; fixed
 * @lock: protects everything below
 * @closed: no packet goes into it any more
 * @shut: SHUTDOWN flags seen from either end
 * @action: enum tvm_df_action, the strongest taken
 * @tainted: its receiver was tainted for it already
 * @bytes: payload bytes of the stream so far
 * @events: TVM_EV_FLOW events logged
 * @next_cp: the stream offset of the next byte checkpoint
 * @cp_bytes: checkpoint interval in bytes, from the latest verdict
 * @cp_ms: and in milliseconds
 * @per_message: the latest verdict asks an event per message
 * @last_bytes: @bytes at the last event
 * @last_event: jiffies of the last event (or the open)
 * @hash: the running SHA-256 (a struct sha256_state, or a shash_desc of
 *	tvm_sha256_tfm()) of the stream; none for the host receiving
 */
struct tv_flow {
	struct hlist_node hnode;
	struct list_head node;
	struct rcu_head rcu;
	refcount_t ref;
	u64 id;
	struct tv_flow_key key;
	struct tvm_vm *rx;
	struct tvm_vm *tx;
	struct tvm_vm *counted;
	bool tx_host;
	bool late;

	struct mutex lock;	/* see @lock above */
	bool closed;
	u32 shut;
	u32 action;
	bool tainted;
	u64 bytes;
	u64 events;
	u64 next_cp;
	u64 cp_bytes;
	u32 cp_ms;
	bool per_message;
	u64 last_bytes;
	unsigned long last_event;
	u8 hash[] __aligned(8);
};

static DEFINE_MUTEX(tv_flow_lock);
static DEFINE_HASHTABLE(tv_flow_hash, 8);
static LIST_HEAD(tv_flow_list);
static unsigned int tv_flow_count;
/* VM id -> flows with that VM at their guest end (xa_mk_value()). */
static DEFINE_XARRAY(tv_vm_flows);
static u64 tv_flow_next_id = 1;

static struct crypto_shash *tv_tfm;
static size_t tv_hash_size;

static void tv_flow_sweep(struct work_struct *work);
static DECLARE_DELAYED_WORK(tv_sweep_work, tv_flow_sweep);

/*
 * The sweep runs every checkpoint_ms, but at least every second (a
 * policy may ask a flow for a shorter interval than the module's) and at
 * most every 100 ms.
 */
static unsigned long sweep_delay(void)
{
	unsigned int ms = READ_ONCE(checkpoint_ms);

	return msecs_to_jiffies(clamp_val(ms ?: 1000, 100, 1000));
}

/* --- hashing ------------------------------------------------------------- */

static void flow_hash_init(struct tv_flow *f)
{
	struct shash_desc *desc = (struct shash_desc *)f->hash;

	if (!hash_shash) {
		sha256_init((struct sha256_state *)f->hash);
		return;
	}
	desc->tfm = tv_tfm;
	crypto_shash_init(desc);
}

static void flow_hash_update(struct tv_flow *f, const u8 *p, unsigned int len)
{
	if (hash_shash)
		crypto_shash_update((struct shash_desc *)f->hash, p, len);
	else
		sha256_update((struct sha256_state *)f->hash, p, len);
}

/* The digest of the stream so far; the running state goes on. */
static void flow_hash_peek(struct tv_flow *f, u8 out[SHA256_DIGEST_SIZE])
{
	union {
		struct sha256_state st;
		u8 desc[sizeof(struct shash_desc) + HASH_MAX_DESCSIZE];
	} copy __aligned(8);

	memcpy(&copy, f->hash, tv_hash_size);
	if (hash_shash)
		crypto_shash_final((struct shash_desc *)&copy, out);
	else
		sha256_final(&copy.st, out);
	memzero_explicit(&copy, sizeof(copy));
}

/* --- events -------------------------------------------------------------- */

static void fill_info(struct tv_flow *f, struct tvm_flow_info *fi)
{
	fi->id = f->id;
	fi->src_cid = f->key.src_cid;
	fi->dst_cid = f->key.dst_cid;
	fi->src_port = f->key.src_port;
	fi->dst_port = f->key.dst_port;
	fi->rx = f->rx;
	fi->tx = f->tx;
	fi->tx_host = f->tx_host;
	fi->measured = f->rx;
	fi->bytes = f->bytes;
	fi->events = f->events;
	fi->action = f->action;
	fi->state = f->closed ? TVM_FLOW_CLOSED :
		    f->shut ? TVM_FLOW_SHUT : TVM_FLOW_OPEN;
}

/*
 * Log a TVM_EV_FLOW event in the receiver's PCR 14: @flags, and the
 * digest @sha256 of @len stream bytes from @offset.
 */
static void flow_event(struct tv_flow *f, u32 flags, u64 offset, u64 len,
		       const u8 *sha256)
{
	struct tvm_ev_flow ev = {
		.magic = "TVMF",
		.src_cid = cpu_to_le64(f->key.src_cid),
		.dst_cid = cpu_to_le64(f->key.dst_cid),
		.src_port = cpu_to_le32(f->key.src_port),
		.dst_port = cpu_to_le32(f->key.dst_port),
		.action = cpu_to_le32(f->action),
		.offset = cpu_to_le64(offset),
		.bytes = cpu_to_le64(len),
	};
	int ret;

	lockdep_assert_held(&f->lock);
	if (!f->rx)
		return;
	if (f->tx_host)
		flags |= TVM_EV_FLOW_HOST;
	if (f->late)
		flags |= TVM_EV_FLOW_LATE;
	ev.flags = cpu_to_le32(flags);
	if (f->tx)
		tvm_vm_uuid(f->tx, ev.sender);
	memcpy(ev.sha256, sha256, sizeof(ev.sha256));
	ret = tvm_vm_extend_data(f->rx, TVM_PCR_DATAFLOW, TVM_EV_FLOW, &ev,
				 sizeof(ev));
	if (ret) {
		atomic_long_inc(&tv_stats.extend_failed);
		pr_info_ratelimited("flow %llu: event not logged in VM %u: %d\n",
				    f->id, tvm_vm_id(f->rx), ret);
		return;
	}
	f->events++;
	f->last_bytes = f->bytes;
	f->last_event = jiffies;
	atomic_long_inc(&tv_stats.events);
}

static void checkpoint(struct tv_flow *f)
{
	u8 digest[SHA256_DIGEST_SIZE];

	flow_hash_peek(f, digest);
	flow_event(f, TVM_EV_FLOW_CHECKPOINT, 0, f->bytes, digest);
	atomic_long_inc(&tv_stats.checkpoints);
}

/*
 * A checkpoint interval: under TV_CHECKPOINT_MIN it is taken as that (a
 * tiny one would log an event every few bytes); 0 stays none.
 */
static u64 cp_interval(u64 bytes)
{
	return bytes && bytes < TV_CHECKPOINT_MIN ? TV_CHECKPOINT_MIN : bytes;
}

/* The stream's bytes up to the next byte checkpoint from @f->bytes. */
static void next_checkpoint(struct tv_flow *f)
{
	f->next_cp = f->cp_bytes ?
		     (div64_u64(f->bytes, f->cp_bytes) + 1) * f->cp_bytes :
		     U64_MAX;
}

/*
 * Close @f: its close event (the whole stream), unless it carried no byte
 * (nothing was received: nothing to attest).  The caller unhashes it.
 */
static void close_locked(struct tv_flow *f, bool reset)
{
	u8 digest[SHA256_DIGEST_SIZE];

	lockdep_assert_held(&f->lock);
	if (f->closed)
		return;
	f->closed = true;
	if (f->rx && (f->bytes || f->action != TVM_DF_MEASURE)) {
		flow_hash_peek(f, digest);
		flow_event(f, TVM_EV_FLOW_CLOSE | (reset ? TVM_EV_FLOW_RESET : 0),
			   0, f->bytes, digest);
	}
}

/* --- the table ----------------------------------------------------------- */

static u32 key_hash(const struct tv_flow_key *k)
{
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), 0);
}

static struct tv_flow *lookup(const struct tv_flow_key *k)
{
	struct tv_flow *f;

	rcu_read_lock();
	hash_for_each_possible_rcu(tv_flow_hash, f, hnode, key_hash(k))
		if (!memcmp(&f->key, k, sizeof(*k)) &&
		    refcount_inc_not_zero(&f->ref)) {
			rcu_read_unlock();
			return f;
		}
	rcu_read_unlock();
	return NULL;
}

static void flow_free_rcu(struct rcu_head *rcu)
{
	struct tv_flow *f = container_of(rcu, struct tv_flow, rcu);

	kfree_sensitive(f);
}

static void flow_put(struct tv_flow *f)
{
	if (!refcount_dec_and_test(&f->ref))
		return;
	tvm_vm_put(f->rx);
	tvm_vm_put(f->tx);
	mutex_destroy(&f->lock);
	/* Lookups under RCU may still compare its key. */
	call_rcu(&f->rcu, flow_free_rcu);
}

static void vm_count(struct tvm_vm *vm, int delta)
{
	unsigned long id = tvm_vm_id(vm), n;

	lockdep_assert_held(&tv_flow_lock);
	n = xa_to_value(xa_load(&tv_vm_flows, id) ?: xa_mk_value(0));
	/* An increment whose store failed (no memory) is not taken back. */
	if (delta < 0 && !n)
		return;
	n += delta;
	if (n)
		xa_store(&tv_vm_flows, id, xa_mk_value(n), GFP_KERNEL);
	else
		xa_erase(&tv_vm_flows, id);
}

/* Take @f out of the table, dropping the table's reference. */
static void unhash(struct tv_flow *f)
{
	lockdep_assert_held(&tv_flow_lock);
	if (hlist_unhashed(&f->hnode))
		return;
	hash_del_rcu(&f->hnode);
	list_del(&f->node);
	tv_flow_count--;
	vm_count(f->counted, -1);
	atomic_long_dec(&tv_stats.flows);
	atomic_long_inc(&tv_stats.flows_closed);
	flow_put(f);
}

/* Close @f and take it out of the table; the caller holds a reference. */
static void flow_close(struct tv_flow *f, bool reset)
{
	mutex_lock(&f->lock);
	close_locked(f, reset);
	mutex_unlock(&f->lock);
	mutex_lock(&tv_flow_lock);
	unhash(f);
	mutex_unlock(&tv_flow_lock);
}

/* Whether guest CID @cid is still bound to @vm (tv_cid_vm()). */
static bool still_bound(u64 cid, struct tvm_vm *vm)
{
	struct tvm_vm *now = cid <= U32_MAX ? tv_cid_vm(cid) : NULL;

	tvm_vm_put(now);
	return now == vm;
}

/*
 * A new flow for @k, in the table with a reference for the caller; or
 * NULL with *@refused set when a bound refuses it, or without memory.
 * The ends' VMs are checked again under tv_flow_lock: tv_flow_close_cid()
 * runs after the binding left tv_cid_vm(), so a flow of an unbound CID is
 * either closed by it or never made.
 */
static struct tv_flow *flow_open(const struct tv_flow_key *k,
				 struct tvm_vm *rx, struct tvm_vm *tx,
				 bool tx_host, bool late, bool *refused)
{
	struct tvm_vm *counted = rx ?: tx;
	struct tv_flow *f, *old;
	unsigned long n;

	*refused = false;
	f = kzalloc(sizeof(*f) + (rx ? tv_hash_size : 0), GFP_KERNEL);
	if (!f)
		return NULL;
	refcount_set(&f->ref, 2);	/* the table's and the caller's */
	f->key = *k;
	f->rx = rx ? tvm_vm_get(rx) : NULL;
	f->tx = tx ? tvm_vm_get(tx) : NULL;
	f->counted = counted;
	f->tx_host = tx_host;
	f->late = late;
	mutex_init(&f->lock);
	f->cp_bytes = cp_interval(READ_ONCE(checkpoint_bytes));
	f->cp_ms = checkpoint_ms;
	f->last_event = jiffies;
	next_checkpoint(f);
	if (rx)
		flow_hash_init(f);

	mutex_lock(&tv_flow_lock);
	old = NULL;
	hash_for_each_possible(tv_flow_hash, old, hnode, key_hash(k))
		if (!memcmp(&old->key, k, sizeof(*k)))
			break;
	if (old) {
		/* Opened meanwhile by another packet of the flow. */
		refcount_inc(&old->ref);
		mutex_unlock(&tv_flow_lock);
		refcount_set(&f->ref, 1);
		flow_put(f);
		return old;
	}
	if ((rx && !still_bound(k->dst_cid, rx)) ||
	    (tx && !still_bound(k->src_cid, tx))) {
		mutex_unlock(&tv_flow_lock);
		refcount_set(&f->ref, 1);
		flow_put(f);
		atomic_long_inc(&tv_stats.unbound_packets);
		return NULL;
	}
	n = xa_to_value(xa_load(&tv_vm_flows, tvm_vm_id(counted)) ?:
			xa_mk_value(0));
	if (tv_flow_count >= READ_ONCE(max_flows) ||
	    n >= READ_ONCE(max_flows_per_vm)) {
		mutex_unlock(&tv_flow_lock);
		refcount_set(&f->ref, 1);
		flow_put(f);
		*refused = true;
		atomic_long_inc(&tv_stats.flows_refused);
		pr_info_ratelimited("flow %llu:%u -> %llu:%u refused: %s flows open (max_flows%s)\n",
				    k->src_cid, k->src_port, k->dst_cid,
				    k->dst_port, n >= max_flows_per_vm ?
				    "the VM has its" : "the host has its",
				    n >= max_flows_per_vm ? "_per_vm" : "");
		return NULL;
	}
	f->id = tv_flow_next_id++;
	hash_add_rcu(tv_flow_hash, &f->hnode, key_hash(k));
	list_add_tail(&f->node, &tv_flow_list);
	tv_flow_count++;
	vm_count(counted, 1);
	atomic_long_inc(&tv_stats.flows);
	atomic_long_inc(&tv_stats.flows_opened);
	if (tv_flow_count == 1)
		mod_delayed_work(system_wq, &tv_sweep_work, sweep_delay());
	mutex_unlock(&tv_flow_lock);
	return f;
}

/* Close the flow @k if there is one. */
static void close_key(const struct tv_flow_key *k, bool reset)
{
	struct tv_flow *f = lookup(k);

	if (!f)
		return;
	flow_close(f, reset);
	flow_put(f);
}

static void reverse(const struct tv_flow_key *k, struct tv_flow_key *r)
{
	r->src_cid = k->dst_cid;
	r->src_port = k->dst_port;
	r->dst_cid = k->src_cid;
	r->dst_port = k->src_port;
}

/* --- packets ------------------------------------------------------------- */

/* Hash @len payload bytes of @skb from @off into @f. */
static void hash_skb(struct tv_flow *f, struct sk_buff *skb, unsigned int off,
		     unsigned int len)
{
	struct skb_seq_state st;
	const u8 *p;
	unsigned int n;

	if (off + len <= skb_headlen(skb)) {
		flow_hash_update(f, skb->data + off, len);
		return;
	}
	skb_prepare_seq_read(skb, off, off + len, &st);
	while ((n = skb_seq_read(off, &p, &st))) {
		flow_hash_update(f, p, n);
		off += n;
	}
}

/* The SHA-256 of @skb's payload alone, for a message's event. */
static void skb_sha256(struct sk_buff *skb, u8 out[SHA256_DIGEST_SIZE])
{
	struct skb_seq_state st;
	struct sha256_state sctx;
	unsigned int off = 0, n;
	const u8 *p;

	sha256_init(&sctx);
	if (!skb_is_nonlinear(skb)) {
		sha256_update(&sctx, skb->data, skb->len);
	} else {
		skb_prepare_seq_read(skb, 0, skb->len, &st);
		while ((n = skb_seq_read(off, &p, &st))) {
			sha256_update(&sctx, p, n);
			off += n;
		}
	}
	sha256_final(&sctx, out);
}

/*
 * @skb's payload into @f: the running digest, byte checkpoints exactly
 * every cp_bytes of the stream, or one event for it with per_message.
 */
static void measure(struct tv_flow *f, struct sk_buff *skb)
{
	unsigned int len = skb->len, off = 0, n;
	u8 digest[SHA256_DIGEST_SIZE];

	lockdep_assert_held(&f->lock);
	if (!f->rx) {
		f->bytes += len;
		atomic64_add(len, &tv_stats.bytes_host);
		return;
	}
	atomic64_add(len, &tv_stats.bytes_measured);
	if (f->per_message) {
		skb_sha256(skb, digest);
		hash_skb(f, skb, 0, len);
		f->bytes += len;
		flow_event(f, TVM_EV_FLOW_MESSAGE, f->bytes - len, len, digest);
		next_checkpoint(f);
		return;
	}
	while (off < len) {
		n = min_t(u64, len - off, f->next_cp - f->bytes);
		hash_skb(f, skb, off, n);
		off += n;
		f->bytes += n;
		if (f->bytes == f->next_cp) {
			checkpoint(f);
			next_checkpoint(f);
		}
	}
	if (f->cp_ms && f->bytes != f->last_bytes &&
	    time_after_eq(jiffies, f->last_event + msecs_to_jiffies(f->cp_ms)))
		checkpoint(f);
}

/* The verdict's intervals, 0 meaning the module's defaults. */
static void take_verdict(struct tv_flow *f, const struct tvm_df_verdict *v)
{
	u64 cp = cp_interval(v->checkpoint_bytes ?:
			     READ_ONCE(checkpoint_bytes));

	f->cp_ms = v->checkpoint_ms ?: READ_ONCE(checkpoint_ms);
	if (f->per_message != v->per_message || f->cp_bytes != cp) {
		f->per_message = v->per_message;
		f->cp_bytes = cp;
		next_checkpoint(f);
	}
}

/* Tell the events group, with the flow as it is now. */
static void notify(struct tv_flow *f, const char *reason)
{
	struct tvm_flow_info fi;

	fill_info(f, &fi);
	tvm_flow_event(&fi, reason);
}

static const char *sender_name(struct tv_flow *f, char *buf, size_t len)
{
	if (f->tx_host)
		return "the host";
	if (!f->tx) {
		snprintf(buf, len, "unbound cid %llu", f->key.src_cid);
		return buf;
	}
	snprintf(buf, len, "VM %u (cid %llu)", tvm_vm_id(f->tx),
		 f->key.src_cid);
	return buf;
}

/*
 * Taint or block @f for @v (not TVM_DF_MEASURE): the receiver's trust,
 * the events group, the flow's action.  A block closes the flow.
 */
static void enforce(struct tv_flow *f, const struct tvm_df_verdict *v)
{
	char who[48], reason[TVM_REASON_MAX + 1];

	lockdep_assert_held(&f->lock);
	snprintf(reason, sizeof(reason), "dataflow from %s to port %u: %s",
		 sender_name(f, who, sizeof(who)), f->key.dst_port,
		 v->reason[0] ? v->reason :
		 v->action == TVM_DF_BLOCK ? "blocked" : "tainted");
	if (v->action == TVM_DF_BLOCK) {
		f->action = TVM_DF_BLOCK;
		atomic_long_inc(&tv_stats.blocked);
		close_locked(f, true);
		notify(f, reason);
		return;
	}
	if (f->action < TVM_DF_TAINT)
		f->action = TVM_DF_TAINT;
	if (f->tainted)
		return;
	f->tainted = true;
	atomic_long_inc(&tv_stats.tainted);
	tvm_vm_mismatch(f->rx, reason);
	notify(f, reason);
}

/**
 * struct tv_pkt - what flow_packet() needs of a packet
 * @k: its addresses
 * @op: VIRTIO_VSOCK_OP_*
 * @flags: its header's flags (SHUTDOWN's)
 */
struct tv_pkt {
	struct tv_flow_key k;
	u16 op;
	u32 flags;
};

static void parse(struct sk_buff *skb, struct tv_pkt *p)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);

	p->k.src_cid = le64_to_cpu(hdr->src_cid);
	p->k.dst_cid = le64_to_cpu(hdr->dst_cid);
	p->k.src_port = le32_to_cpu(hdr->src_port);
	p->k.dst_port = le32_to_cpu(hdr->dst_port);
	p->op = le16_to_cpu(hdr->op);
	p->flags = le32_to_cpu(hdr->flags);
}

/*
 * One packet, from @tx (or the host: @tx_host) to @rx (NULL: the host):
 * the receiver's verdict when it is a VM, then the flow.  Returns the
 * action to take: TVM_DF_BLOCK when the packet must be dropped and the
 * connection reset (the policy, or a bound).
 */
static enum tvm_df_action flow_packet(struct sk_buff *skb, struct tvm_vm *rx,
				      struct tvm_vm *tx, bool tx_host)
{
	struct tvm_df_verdict v = { .action = TVM_DF_MEASURE };
	struct tv_flow_key r;
	struct tv_flow *f;
	struct tv_pkt p;
	bool refused;

	parse(skb, &p);
	if (p.op == VIRTIO_VSOCK_OP_RST) {
		reverse(&p.k, &r);
		close_key(&p.k, true);
		close_key(&r, true);
		return TVM_DF_MEASURE;
	}
	/* The host is NULL to tvm_vm_dataflow(); an unbound guest is not. */
	if (rx && (tx_host || tx))
		tvm_vm_dataflow(rx, tx, p.k.dst_port, &v);
	else if (rx)
		tvm_vm_dataflow_unbound(rx, p.k.dst_port, &v);

	f = lookup(&p.k);
	if (!f && (p.op == VIRTIO_VSOCK_OP_REQUEST ||
		   p.op == VIRTIO_VSOCK_OP_RESPONSE ||
		   p.op == VIRTIO_VSOCK_OP_RW)) {
		f = flow_open(&p.k, rx, tx, tx_host,
			      p.op == VIRTIO_VSOCK_OP_RW, &refused);
		if (!f && refused)
			return TVM_DF_BLOCK;
	}
	if (!f) {
		/* No flow (SHUTDOWN, credit, memory): only the verdict. */
		return v.action == TVM_DF_BLOCK ? TVM_DF_BLOCK : TVM_DF_MEASURE;
	}

	mutex_lock(&f->lock);
	if (f->closed) {
		/* Closed under us: the packet belongs to no flow now. */
		mutex_unlock(&f->lock);
		flow_put(f);
		return v.action == TVM_DF_BLOCK ? TVM_DF_BLOCK : TVM_DF_MEASURE;
	}
	if (rx)
		take_verdict(f, &v);
	if (v.action != TVM_DF_MEASURE)
		enforce(f, &v);
	if (v.action != TVM_DF_BLOCK) {
		if (p.op == VIRTIO_VSOCK_OP_RW && skb->len)
			measure(f, skb);
		if (p.op == VIRTIO_VSOCK_OP_SHUTDOWN)
			f->shut |= p.flags & TV_SHUTDOWN_BOTH;
	}
	mutex_unlock(&f->lock);

	if (v.action == TVM_DF_BLOCK) {
		flow_close(f, true);
		reverse(&p.k, &r);
		close_key(&r, true);
	} else if (p.op == VIRTIO_VSOCK_OP_SHUTDOWN &&
		   (p.flags & TV_SHUTDOWN_BOTH) ==
		   TV_SHUTDOWN_BOTH) {
		flow_close(f, false);
		reverse(&p.k, &r);
		close_key(&r, false);
	} else if (p.op == VIRTIO_VSOCK_OP_SHUTDOWN) {
		/* Half: the reverse flow learns it too, for the listing. */
		reverse(&p.k, &r);
		flow_put(f);
		f = lookup(&r);
		if (f) {
			mutex_lock(&f->lock);
			f->shut |= p.flags & TV_SHUTDOWN_BOTH;
			mutex_unlock(&f->lock);
		}
	}
	if (f)
		flow_put(f);
	return v.action;
}

enum tvm_df_action tv_flow_h2g(struct sk_buff *skb)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);
	u64 cid = le64_to_cpu(hdr->dst_cid);
	enum tvm_df_action act;
	struct tvm_vm *rx;

	rx = cid <= U32_MAX ? tv_cid_vm(cid) : NULL;
	if (!rx) {
		atomic_long_inc(&tv_stats.unbound_packets);
		return TVM_DF_MEASURE;
	}
	act = flow_packet(skb, rx, NULL, true);
	tvm_vm_put(rx);
	return act;
}

enum tvm_df_action tv_flow_g2h(struct sk_buff *skb)
{
	struct virtio_vsock_hdr *hdr = virtio_vsock_hdr(skb);
	u64 cid = le64_to_cpu(hdr->src_cid);
	enum tvm_df_action act;
	struct tvm_vm *tx;

	/* vhost checked src_cid: it is the sending device's (VSOCK.md). */
	tx = cid <= U32_MAX ? tv_cid_vm(cid) : NULL;
	if (!tx && cid <= U32_MAX) {
		/* A CID set before tvm_vsock was loaded is bound now. */
		tv_cid_adopt(cid);
		tx = tv_cid_vm(cid);
	}
	if (!tx) {
		atomic_long_inc(&tv_stats.unbound_packets);
		return TVM_DF_MEASURE;
	}
	act = flow_packet(skb, NULL, tx, false);
	tvm_vm_put(tx);
	return act;
}

enum tvm_df_action tv_flow_deliver(struct sk_buff *skb, struct tvm_vm *rx,
				   struct tvm_vm *tx)
{
	return flow_packet(skb, rx, tx, false);
}

void tv_flow_close_cid(u32 cid, struct tvm_vm *vm)
{
	struct tv_flow *f, *tmp;
	LIST_HEAD(gone);

	/*
	 * Unhashed under the table's lock, closed after it: each close
	 * logs an event.  The list node is free once unhashed.
	 */
	mutex_lock(&tv_flow_lock);
	list_for_each_entry_safe(f, tmp, &tv_flow_list, node) {
		if (f->key.src_cid != cid && f->key.dst_cid != cid)
			continue;
		refcount_inc(&f->ref);
		unhash(f);
		list_add_tail(&f->node, &gone);
	}
	mutex_unlock(&tv_flow_lock);
	list_for_each_entry_safe(f, tmp, &gone, node) {
		list_del(&f->node);
		mutex_lock(&f->lock);
		close_locked(f, false);
		mutex_unlock(&f->lock);
		flow_put(f);
	}
}

/*
 * Every sweep_delay(): a checkpoint for each flow whose bytes since its
 * last event are older than its own interval, so that an idle stream's
 * bytes reach the PCR without waiting for its close.
 */
static void tv_flow_sweep(struct work_struct *work)
{
	struct tv_flow *f;
	bool more;

	mutex_lock(&tv_flow_lock);
	list_for_each_entry(f, &tv_flow_list, node) {
		mutex_lock(&f->lock);
		if (f->rx && !f->closed && !f->per_message && f->cp_ms &&
		    f->bytes != f->last_bytes &&
		    time_after_eq(jiffies, f->last_event +
				  msecs_to_jiffies(f->cp_ms)))
			checkpoint(f);
		mutex_unlock(&f->lock);
	}
	more = tv_flow_count;
	if (more)
		mod_delayed_work(system_wq, &tv_sweep_work, sweep_delay());
	mutex_unlock(&tv_flow_lock);
}

/* --- listing ------------------------------------------------------------- */

static int tv_flow_dump(struct tvm_vm *vm, u64 *pos, tvm_flow_put_t put,
			void *ctx)
{
	struct tvm_flow_info fi;
	struct tv_flow *f;
	int ret = 0;

	mutex_lock(&tv_flow_lock);
	list_for_each_entry(f, &tv_flow_list, node) {
		if (f->id < *pos)
			continue;
		if (vm && f->rx != vm && f->tx != vm)
			continue;
		mutex_lock(&f->lock);
		fill_info(f, &fi);
		mutex_unlock(&f->lock);
		ret = put(ctx, &fi);
		if (ret) {
			*pos = f->id;
			goto out;
		}
	}
	*pos = tv_flow_next_id;
out:
	mutex_unlock(&tv_flow_lock);
	return ret;
}

static const struct tvm_flow_dumper tv_dumper = {
	.owner = THIS_MODULE,
	.dump = tv_flow_dump,
};

int tv_flow_init(void)
{
	int ret;

	if (hash_shash) {
		tv_tfm = tvm_sha256_tfm();
		tv_hash_size = sizeof(struct shash_desc) +
			       crypto_shash_descsize(tv_tfm);
		if (tv_hash_size > sizeof(struct shash_desc) + HASH_MAX_DESCSIZE)
			return -EINVAL;
	} else {
		tv_hash_size = sizeof(struct sha256_state);
	}
	ret = tvm_flow_dumper_register(&tv_dumper);
	if (ret)
		pr_err("another flow dumper is registered\n");
	return ret;
}

/*
 * Flows live only while a guest end is bound, and every binding holds
 * this module: none is left at exit.  Should one be, close it.
 */
void tv_flow_uninit(void)
{
	struct tv_flow *f, *tmp;

	tvm_flow_dumper_unregister(&tv_dumper);
	cancel_delayed_work_sync(&tv_sweep_work);
	mutex_lock(&tv_flow_lock);
	list_for_each_entry_safe(f, tmp, &tv_flow_list, node) {
		mutex_lock(&f->lock);
		close_locked(f, false);
		mutex_unlock(&f->lock);
		unhash(f);
	}
	mutex_unlock(&tv_flow_lock);
	xa_destroy(&tv_vm_flows);
	/* flow_free_rcu() is this module's code. */
	rcu_barrier();
}
