/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvm_vsock.ko: vhost-vsock guest CIDs bound to the tvm instances of
 * their VMs (ARCHITECTURE 6, Documentation/vsock.rst).
 *
 *	hooks.c	the vhost_vsock functions hooked, and the ones it calls
 *	cid.c	which VM each guest CID belongs to, and the counters
 *	flow.c	the flows: each direction of a connection measured into
 *		its receiver's PCR 14, and judged by its policy
 *	forward.c  packets from one guest to another (guest-to-guest)
 */
#ifndef _TVM_VSOCK_H
#define _TVM_VSOCK_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "api.h"	/* enum tvm_df_action */

struct sk_buff;
struct tvm_vm;

/*
 * A vhost-vsock device, as an opaque key: the private_data of its
 * /dev/vhost-vsock file (struct vhost_vsock, whose layout tvm_vsock
 * never reads).
 */
struct tv_dev;

/*
 * Counters, in /sys/module/tvm_vsock/stats/ (Documentation/vsock.rst,
 * "Counters"); counted without a lock.
 */
struct tv_stats {
	atomic_long_t bound;
	atomic_long_t unbound_no_vm;
	atomic_long_t unbound_several_vms;
	atomic_long_t unbound_full;
	atomic_long_t unverified;
	atomic_long_t adopted;
	atomic_long_t seen_full;
	atomic_long_t flows;
	atomic_long_t flows_opened;
	atomic_long_t flows_closed;
	atomic_long_t flows_refused;
	atomic_long_t events;
	atomic_long_t checkpoints;
	atomic_long_t extend_failed;
	atomic_long_t blocked;
	atomic_long_t tainted;
	atomic_long_t unbound_packets;
	atomic_long_t resets_lost;
	atomic64_t bytes_measured;
	atomic64_t bytes_host;
};

extern struct tv_stats tv_stats;

int tv_hooks_init(void);
void tv_hooks_uninit(void);

/*
 * Whether @dev is the device that holds guest CID @cid now, by
 * vhost_vsock's own lookup (hooks.c).  Never sleeps.
 */
bool tv_dev_has_cid(const struct tv_dev *dev, u32 cid);
/*
 * The device that holds guest CID @cid now, or NULL: a key to compare,
 * never to dereference.  Never sleeps.
 */
const struct tv_dev *tv_dev_of_cid(u32 cid);
/* Queue @skb to its dst_cid's guest (vhost_transport_send_pkt()). */
int tv_send_pkt(struct sk_buff *skb);

int tv_cid_init(void);
/* Drop every binding left (there is none once the hooks are out). */
void tv_cid_uninit(void);

/*
 * VHOST_VSOCK_SET_GUEST_CID succeeded on @dev, in the process that owns
 * the file; @cid is what that process's memory holds now, @have false
 * when it could not be read.  Binds @dev's CID to the process's VM by
 * the rule of Documentation/vsock.rst.  May sleep.
 */
void tv_cid_set(struct tv_dev *dev, u64 cid, bool have);
/*
 * A packet from guest CID @cid, which no VM holds, in its device's vhost
 * worker (tv_flow_g2h()): if the CID was set while tvm_vsock was not
 * loaded (its device never seen), bind it now by the same rule, for the
 * process that owns the device, and log it as adopted
 * (TVM_EV_CID_ADOPTED).  Cheap once a device is judged.  May sleep.
 */
void tv_cid_adopt(u32 cid);
/* @dev's file is being released: its CID is no one's any more. */
void tv_cid_release(struct tv_dev *dev);

/**
 * tv_cid_vm - the VM guest CID @cid is bound to, for the data path
 * @cid: a guest CID (a packet's src_cid or dst_cid)
 *
 * Under RCU: never sleeps, callable per packet.
 *
 * Return: the VM with a reference for the caller (tvm_vm_put()), or NULL
 * when no VM holds @cid (unbound, or no such device).
 */
struct tvm_vm *tv_cid_vm(u32 cid);

int tv_flow_init(void);
void tv_flow_uninit(void);

/*
 * A packet vhost queues for a guest (hooks.c): into the flow of the VM
 * bound to its dst_cid, judged by that VM's policy with the host as the
 * sender.  TVM_DF_BLOCK: the caller drops it and resets both ends.
 * Process context; may sleep.
 */
enum tvm_df_action tv_flow_h2g(struct sk_buff *skb);
/*
 * A packet from a guest to the host, its src_cid checked by vhost: its
 * flow is listed and counted, nothing logged (the host has no PCRs).
 * TVM_DF_BLOCK only when a bound refuses a new flow.  May sleep.
 */
enum tvm_df_action tv_flow_g2h(struct sk_buff *skb);

/**
 * tv_flow_deliver - measure a packet from guest @tx delivered to guest @rx
 * @skb: the packet, as vhost_vsock built it from @tx's TX ring: header at
 *	skb->head (virtio_vsock_hdr()), payload at skb->data, skb->len
 *	bytes; not consumed, not changed
 * @rx: the VM bound to the header's dst_cid (tv_cid_vm())
 * @tx: the VM bound to its src_cid, already checked to be the sending
 *	device's; NULL for a CID no VM holds
 *
 * For guest-to-guest forwarding (issue 13 item 5): the packet goes into
 * the flow (src cid, src port, dst cid, dst port) of @rx, opened at need
 * and closed by a RST or a SHUTDOWN of both directions, as host-to-guest
 * packets do (Documentation/vsock.rst).  It asks @rx's policy itself,
 * tvm_vm_dataflow(@rx, @tx, dst_port) (tvm_vm_dataflow_unbound() for a
 * NULL @tx), for every packet:
 *
 * %TVM_DF_MEASURE: the payload is measured (checkpoints and close into
 * @rx's PCR 14).  %TVM_DF_TAINT: measured too, @rx turns UNTRUSTED naming
 * @tx (tvm_vm_mismatch()) and the events group hears it, once per flow.
 * %TVM_DF_BLOCK: nothing of it is measured; the flow is closed with a
 * reset event (action block) and the events group hears it; the caller
 * must drop the packet and reset both ends.
 *
 * Process context (the vhost worker of @tx's device); may sleep.
 *
 * Return: the action taken, which the caller follows.
 */
enum tvm_df_action tv_flow_deliver(struct sk_buff *skb, struct tvm_vm *rx,
				   struct tvm_vm *tx);

/*
 * Close every flow with an end at guest CID @cid, bound to @vm until now:
 * their close events are logged.  May sleep.
 */
void tv_flow_close_cid(u32 cid, struct tvm_vm *vm);
int tv_fwd_init(void);
void tv_fwd_uninit(void);
/*
 * A packet vhost_vsock_handle_tx_kick() took from a guest, in that
 * device's vhost worker, before vhost checks its addresses: forwarded to
 * another guest when it is addressed to one and allowed.  May sleep.
 */
void tv_fwd_packet(struct sk_buff *skb);
/* VHOST_SET_OWNER succeeded on @dev: current->mm is its owner's. */
void tv_fwd_owner(const struct tv_dev *dev);
/* @dev's CID @cid is now bound to a VM (cid.c, tv_cid_vm()). */
void tv_fwd_bind(const struct tv_dev *dev, u32 cid);
/* @dev's CID is unbound: its guest-to-guest connections are reset. */
void tv_fwd_unbind(const struct tv_dev *dev);
/* @dev is being released (after tv_cid_release()). */
void tv_fwd_release(const struct tv_dev *dev);

#endif /* _TVM_VSOCK_H */
