// SPDX-License-Identifier: GPL-2.0
/*
 * Where tvm_vsock meets vhost_vsock: the functions it hooks, each wrapper
 * calling its original and handing the rest to cid.c (ARCHITECTURE 6,
 * Documentation/vsock.rst).
 *
 * Hooks (all in vhost_vsock.ko, by name):
 *	vhost_vsock_dev_ioctl	wrap: after a VHOST_VSOCK_SET_GUEST_CID that
 *				succeeded, the device's CID is bound
 *				(vhost_vsock_set_cid() itself is inlined)
 *	vhost_vsock_dev_release	wrap: before the device goes, its CID is
 *				unbound
 *	vhost_vsock_get		looked up, not hooked: the device that holds
 *				a CID, to check a CID read back from the VMM
 *				and a packet's source, and to find the
 *				device of an adopted CID
 *	vhost_vsock_handle_tx_kick  looked up: its address and size, to
 *				know a call made from it
 *	vhost_transport_send_pkt  wrap: every packet to a guest, when it is
 *				queued: measured into the receiver's flow
 *				(flow.c) and judged by its policy first
 * and in vmw_vsock_virtio_transport_common.ko:
 *	virtio_transport_recv_pkt  wrap: of vhost's transport only (its
 *				send_pkt is the one above), a packet from a
 *				guest whose source CID vhost has checked:
 *				its flow is counted, and a CID set before
 *				tvm_vsock loaded is adopted (flow.c, cid.c)
 *	virtio_transport_deliver_tap_pkt  wrap: called from
 *				vhost_vsock_handle_tx_kick() for each packet a
 *				guest sends, before vhost checks its addresses;
 *				forward.c delivers those for another guest,
 *				through the original send_pkt
 *
 * A dropped packet resets both ends (VSOCK.md (c)): a RST to the guest
 * through the original send_pkt at once, and a RST into the host's socket
 * through the original recv_pkt, from a work item for host-to-guest
 * packets, whose sender may hold that socket's lock.  The host
 * application sees EOF, then EPIPE.  Calls of the originals from this
 * module are not redirected (hook.h), so no reset is measured again.
 *
 * No layout: a device is known by its file's private_data, compared and
 * never dereferenced, so struct vhost_vsock (private to vhost_vsock.c)
 * is not read at all.  The wrappers' prototypes are file_operations'
 * and checked against it at build time; vhost_vsock_get's is 6.1's
 * (struct vhost_vsock *(u32)), and only the pointer it returns is used.
 *
 * Unloading: every bound CID holds a reference to this module, and so
 * does every wrapper while it runs (hook.h): rmmod is refused ("in use")
 * while any CID is bound, and is safe otherwise.  vhost_vsock itself can
 * only go once every one of its files is closed; then the hooks come out
 * (a module notifier), so that no ftrace filter is left on its freed
 * text, and tvm_vsock stays loaded but binds nothing until it is loaded
 * again after vhost_vsock.
 */

#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/virtio_vsock.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/virtio_vsock.h>

#include "hook.h"
#include "tvm_vsock.h"

#define TV_TARGET "vhost_vsock"
#define TV_COMMON "vmw_vsock_virtio_transport_common"

enum {
	H_GET,
	H_TX_KICK,
	H_IOCTL,
	H_RELEASE,
	H_SEND,
	H_RECV,
	H_TAP,
	H_NR
};

static struct tvm_hook tv_hooks[H_NR];

/*
 * tv_hooks_lock: serialises installing the hooks with taking them out
 * when vhost_vsock goes (tv_module_event()), and protects tv_attached.
 */
static DEFINE_MUTEX(tv_hooks_lock);
static bool tv_attached;

/*
 * Where vhost_vsock_handle_tx_kick()'s code lies, [start, end): set at
 * install before the tap wrapper can run, and read by it without a lock
 * (two words, fixed until the hooks are out).
 */
static unsigned long tv_tx_kick_start, tv_tx_kick_end;

typedef long (*dev_ioctl_t)(struct file *f, unsigned int ioctl,
			    unsigned long arg);
typedef int (*dev_release_t)(struct inode *inode, struct file *f);
typedef struct tv_dev *(*dev_get_t)(u32 guest_cid);
typedef int (*send_pkt_t)(struct sk_buff *skb);
typedef void (*deliver_tap_t)(struct sk_buff *skb);
typedef void (*recv_pkt_t)(struct virtio_transport *t, struct sk_buff *skb);

static_assert(__same_type((send_pkt_t)NULL,
			  ((struct virtio_transport *)NULL)->send_pkt));
static_assert(__same_type(&virtio_transport_recv_pkt, (recv_pkt_t)NULL));

/*
 * vhost's transport (the static vhost_transport, whose address no lookup
 * gives: kallsyms holds functions only for the hook layer), as the first
 * guest-to-host packet shows it; for resets into host sockets.  Valid
 * while the hooks are in: they go before vhost_vsock does.
 */
static struct virtio_transport *tv_vhost_transport;

/* Resets into host sockets wait here; drained at exit. */
static struct workqueue_struct *tv_wq;

static_assert(__same_type((dev_ioctl_t)NULL,
			  ((const struct file_operations *)NULL)->unlocked_ioctl));
static_assert(__same_type((dev_release_t)NULL,
			  ((const struct file_operations *)NULL)->release));
static_assert(__same_type(&virtio_transport_deliver_tap_pkt,
			  (deliver_tap_t)NULL));

bool tv_dev_has_cid(const struct tv_dev *dev, u32 cid)
{
	bool ret;

	/* vhost_vsock_get() walks an RCU hash; only the pointer is used. */
	rcu_read_lock();
	ret = tvm_hook_orig(&tv_hooks[H_GET], dev_get_t)(cid) == dev;
	rcu_read_unlock();
	return ret;
}

const struct tv_dev *tv_dev_of_cid(u32 cid)
{
	const struct tv_dev *dev;

	rcu_read_lock();
	dev = tvm_hook_orig(&tv_hooks[H_GET], dev_get_t)(cid);
	rcu_read_unlock();
	return dev;
}

int tv_send_pkt(struct sk_buff *skb)
{
	return tvm_hook_orig(&tv_hooks[H_SEND], send_pkt_t)(skb);
}

/*
 * Every packet vsock's taps may see, from every virtio transport; only
 * those vhost_vsock_handle_tx_kick() took from a guest matter here (the
 * call returns into it).
 */
static void tv_tap(struct sk_buff *skb)
{
	unsigned long from = (unsigned long)__builtin_return_address(0);

	tvm_hook_orig(&tv_hooks[H_TAP], deliver_tap_t)(skb);
	if (from >= READ_ONCE(tv_tx_kick_start) &&
	    from < READ_ONCE(tv_tx_kick_end))
		tv_fwd_packet(skb);
	tvm_hook_exit();
}

/*
 * The extent of vhost_vsock_handle_tx_kick(), from kallsyms' "name+0x0/
 * 0xSIZE [module]".
 */
static int tx_kick_extent(void)
{
	unsigned long addr = tv_hooks[H_TX_KICK].addr, size;
	char buf[KSYM_SYMBOL_LEN], *p;

	sprint_symbol(buf, addr);
	p = strchr(buf, '/');
	if (p) {
		p[strcspn(p, " ")] = '\0';
		if (!kstrtoul(p + 1, 0, &size) && size &&
		    !strncmp(buf, "vhost_vsock_handle_tx_kick+0x0/",
			     p + 1 - buf)) {
			tv_tx_kick_start = addr;
			tv_tx_kick_end = addr + size;
			return 0;
		}
	}
	pr_err("refusing to load: cannot tell the size of %s:vhost_vsock_handle_tx_kick (kallsyms says \"%s\")\n",
	       TV_TARGET, buf);
	return -ENOENT;
}

/*
 * Every ioctl of a /dev/vhost-vsock file (compat_ptr_ioctl comes here
 * too).  The CID is read back from the caller's memory after the
 * original took it; cid.c checks it against vhost_vsock's own table, so
 * a VMM that changes it in between only leaves its CID unbound.
 */
static long tv_dev_ioctl(struct file *f, unsigned int ioctl,
			 unsigned long arg)
{
	long ret;
	u64 cid;
	bool have;

	ret = tvm_hook_orig(&tv_hooks[H_IOCTL], dev_ioctl_t)(f, ioctl, arg);
	if (!ret && ioctl == VHOST_SET_OWNER)
		tv_fwd_owner(f->private_data);
	if (!ret && ioctl == VHOST_VSOCK_SET_GUEST_CID) {
		have = !copy_from_user(&cid, (void __user *)arg, sizeof(cid));
		tv_cid_set(f->private_data, cid, have);
	}
	tvm_hook_exit();
	return ret;
}

/*
 * The last close of a device: no ioctl of it runs any more, and none
 * will.  The CID is unbound first, while the device still exists: its
 * address cannot yet be a new device's, whose binding this would drop.
 */
static int tv_dev_release(struct inode *inode, struct file *f)
{
	int ret;

	tv_cid_release(f->private_data);
	tv_fwd_release(f->private_data);
	ret = tvm_hook_orig(&tv_hooks[H_RELEASE], dev_release_t)(inode, f);
	tvm_hook_exit();
	return ret;
}

/* A RST from @src to @dst, of connection type @type; NULL without memory. */
static struct sk_buff *rst_skb(u64 src_cid, u32 src_port, u64 dst_cid,
			       u32 dst_port, u16 type)
{
	struct virtio_vsock_hdr *hdr;
	struct sk_buff *skb;

	skb = virtio_vsock_alloc_skb(VIRTIO_VSOCK_SKB_HEADROOM, GFP_KERNEL);
	if (!skb)
		return NULL;
	hdr = virtio_vsock_hdr(skb);
	memset(hdr, 0, sizeof(*hdr));
	hdr->src_cid = cpu_to_le64(src_cid);
	hdr->src_port = cpu_to_le32(src_port);
	hdr->dst_cid = cpu_to_le64(dst_cid);
	hdr->dst_port = cpu_to_le32(dst_port);
	hdr->type = cpu_to_le16(type);
	hdr->op = cpu_to_le16(VIRTIO_VSOCK_OP_RST);
	return skb;
}

struct tv_rst_work {
	struct work_struct work;
	struct virtio_transport *t;
	struct sk_buff *skb;
};

static void rst_host_work(struct work_struct *work)
{
	struct tv_rst_work *w = container_of(work, struct tv_rst_work, work);

	tvm_hook_orig(&tv_hooks[H_RECV], recv_pkt_t)(w->t, w->skb);
	kfree(w);
}

/*
 * Reset the connection of @hdr, a packet of @guest's end (its src or dst
 * CID) with the host: a RST to the guest now, and one into the host's
 * socket now (@defer false) or from tv_wq.  A reset that cannot be made
 * is counted (resets_lost).
 */
static void reset_both(const struct virtio_vsock_hdr *hdr, bool h2g,
		       bool defer)
{
	u64 gcid = le64_to_cpu(h2g ? hdr->dst_cid : hdr->src_cid);
	u64 hcid = le64_to_cpu(h2g ? hdr->src_cid : hdr->dst_cid);
	u32 gport = le32_to_cpu(h2g ? hdr->dst_port : hdr->src_port);
	u32 hport = le32_to_cpu(h2g ? hdr->src_port : hdr->dst_port);
	u16 type = le16_to_cpu(hdr->type);
	struct virtio_transport *t = READ_ONCE(tv_vhost_transport);
	struct tv_rst_work *w;
	struct sk_buff *skb;

	/* To the guest, as from the host's socket. */
	skb = rst_skb(hcid, hport, gcid, gport, type);
	if (skb)
		tvm_hook_orig(&tv_hooks[H_SEND], send_pkt_t)(skb);
	else
		atomic_long_inc(&tv_stats.resets_lost);

	/* Into the host's socket, as from the guest. */
	skb = t ? rst_skb(gcid, gport, hcid, hport, type) : NULL;
	if (!skb) {
		atomic_long_inc(&tv_stats.resets_lost);
		return;
	}
	if (!defer) {
		tvm_hook_orig(&tv_hooks[H_RECV], recv_pkt_t)(t, skb);
		return;
	}
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		kfree_skb(skb);
		atomic_long_inc(&tv_stats.resets_lost);
		return;
	}
	INIT_WORK(&w->work, rst_host_work);
	w->t = t;
	w->skb = skb;
	queue_work(tv_wq, &w->work);
}

/*
 * Every packet vhost is given for a guest, in the sending host task (or
 * the vhost worker, for replies), often under the sending socket's lock.
 * A blocked packet is dropped (the sender is told it went: its socket is
 * reset next).
 */
static int tv_send(struct sk_buff *skb)
{
	int ret;

	if (tv_flow_h2g(skb) == TVM_DF_BLOCK) {
		ret = skb->len;
		reset_both(virtio_vsock_hdr(skb), true, true);
		kfree_skb(skb);
	} else {
		ret = tvm_hook_orig(&tv_hooks[H_SEND], send_pkt_t)(skb);
	}
	tvm_hook_exit();
	return ret;
}

/*
 * Every packet a virtio transport receives; those of vhost's come from a
 * guest, from the device's vhost worker, after vhost checked that the
 * source CID is the device's own (VSOCK.md (a)).
 */
static void tv_recv(struct virtio_transport *t, struct sk_buff *skb)
{
	if (t->send_pkt == (send_pkt_t)tv_hooks[H_SEND].addr) {
		if (!READ_ONCE(tv_vhost_transport))
			WRITE_ONCE(tv_vhost_transport, t);
		if (tv_flow_g2h(skb) == TVM_DF_BLOCK) {
			reset_both(virtio_vsock_hdr(skb), false, false);
			kfree_skb(skb);
			goto out;
		}
	}
	tvm_hook_orig(&tv_hooks[H_RECV], recv_pkt_t)(t, skb);
out:
	tvm_hook_exit();
}

static int tv_module_event(struct notifier_block *nb, unsigned long state,
			   void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_GOING || strcmp(mod->name, TV_TARGET))
		return NOTIFY_DONE;
	/* Its refcount is 0: none of its files is open, no wrapper runs. */
	mutex_lock(&tv_hooks_lock);
	if (tv_attached) {
		tvm_hooks_remove(tv_hooks, H_NR);
		tv_attached = false;
		pr_warn("%s unloaded: no longer binding guest CIDs until tvm_vsock is loaded again\n",
			TV_TARGET);
	}
	mutex_unlock(&tv_hooks_lock);
	return NOTIFY_DONE;
}

static struct notifier_block tv_module_nb = {
	.notifier_call = tv_module_event,
};

int tv_hooks_init(void)
{
	int ret;

	tv_hooks[H_GET] = (struct tvm_hook)
		TVM_HOOK_LOOKUP(TV_TARGET ":vhost_vsock_get");
	tv_hooks[H_TX_KICK] = (struct tvm_hook)
		TVM_HOOK_LOOKUP(TV_TARGET ":vhost_vsock_handle_tx_kick");
	tv_hooks[H_IOCTL] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_TARGET ":vhost_vsock_dev_ioctl", tv_dev_ioctl);
	tv_hooks[H_RELEASE] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_TARGET ":vhost_vsock_dev_release",
			      tv_dev_release);
	tv_hooks[H_SEND] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_TARGET ":vhost_transport_send_pkt", tv_send);
	tv_hooks[H_RECV] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_COMMON ":virtio_transport_recv_pkt", tv_recv);
	tv_hooks[H_TAP] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_COMMON ":virtio_transport_deliver_tap_pkt",
			      tv_tap);

	tv_wq = alloc_workqueue("tvm_vsock", 0, 0);
	if (!tv_wq)
		return -ENOMEM;

	/* First: vhost_vsock going while the hooks go in is seen. */
	ret = register_module_notifier(&tv_module_nb);
	if (ret) {
		destroy_workqueue(tv_wq);
		return ret;
	}
	mutex_lock(&tv_hooks_lock);
	ret = tvm_hooks_install(tv_hooks, H_NR);
	if (ret == -ENOENT)
		pr_err("refusing to load: %s is not loaded, or not the one tvm_vsock was built for (modprobe %s first)\n",
		       TV_TARGET, TV_TARGET);
	/* Until it is known, the tap wrapper forwards nothing. */
	if (!ret) {
		ret = tx_kick_extent();
		if (ret)
			tvm_hooks_remove(tv_hooks, H_NR);
	}
	tv_attached = !ret;
	mutex_unlock(&tv_hooks_lock);
	if (ret) {
		unregister_module_notifier(&tv_module_nb);
		destroy_workqueue(tv_wq);
		return ret;
	}
	pr_info("binding vhost-vsock guest CIDs to their VMs, measuring their flows\n");
	return 0;
}

void tv_hooks_uninit(void)
{
	unregister_module_notifier(&tv_module_nb);
	mutex_lock(&tv_hooks_lock);
	if (tv_attached)
		tvm_hooks_remove(tv_hooks, H_NR);
	tv_attached = false;
	mutex_unlock(&tv_hooks_lock);
	/* Pending resets into host sockets: vhost_vsock is still there. */
	destroy_workqueue(tv_wq);
}
