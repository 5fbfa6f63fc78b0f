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
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>

#include "hook.h"
#include "tvm_vsock.h"

#define TV_TARGET "vhost_vsock"

enum {
	H_GET,
	H_IOCTL,
	H_RELEASE,
	H_NR
};

static struct tvm_hook tv_hooks[H_NR];

/*
 * tv_hooks_lock: serialises installing the hooks with taking them out
 * when vhost_vsock goes (tv_module_event()), and protects tv_attached.
 */
static DEFINE_MUTEX(tv_hooks_lock);
static bool tv_attached;

typedef long (*dev_ioctl_t)(struct file *f, unsigned int ioctl,
			    unsigned long arg);
typedef int (*dev_release_t)(struct inode *inode, struct file *f);
typedef struct tv_dev *(*dev_get_t)(u32 guest_cid);

static_assert(__same_type((dev_ioctl_t)NULL,
			  ((const struct file_operations *)NULL)->unlocked_ioctl));
static_assert(__same_type((dev_release_t)NULL,
			  ((const struct file_operations *)NULL)->release));

bool tv_dev_has_cid(const struct tv_dev *dev, u32 cid)
{
	bool ret;

	/* vhost_vsock_get() walks an RCU hash; only the pointer is used. */
	rcu_read_lock();
	ret = tvm_hook_orig(&tv_hooks[H_GET], dev_get_t)(cid) == dev;
	rcu_read_unlock();
	return ret;
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
	ret = tvm_hook_orig(&tv_hooks[H_RELEASE], dev_release_t)(inode, f);
	tvm_hook_exit();
	return ret;
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
	tv_hooks[H_IOCTL] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_TARGET ":vhost_vsock_dev_ioctl", tv_dev_ioctl);
	tv_hooks[H_RELEASE] = (struct tvm_hook)
		TVM_HOOK_WRAP(TV_TARGET ":vhost_vsock_dev_release",
			      tv_dev_release);

	/* First: vhost_vsock going while the hooks go in is seen. */
	ret = register_module_notifier(&tv_module_nb);
	if (ret)
		return ret;
	mutex_lock(&tv_hooks_lock);
	ret = tvm_hooks_install(tv_hooks, H_NR);
	if (ret == -ENOENT)
		pr_err("refusing to load: %s is not loaded, or not the one tvm_vsock was built for (modprobe %s first)\n",
		       TV_TARGET, TV_TARGET);
	tv_attached = !ret;
	mutex_unlock(&tv_hooks_lock);
	if (ret) {
		unregister_module_notifier(&tv_module_nb);
		return ret;
	}
	pr_info("binding vhost-vsock guest CIDs to their VMs\n");
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
}
