/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tvm_vsock.ko: vhost-vsock guest CIDs bound to the tvm instances of
 * their VMs (ARCHITECTURE 6, Documentation/vsock.rst).
 *
 *	hooks.c	the vhost_vsock functions hooked, and the one it calls
 *	cid.c	which VM each guest CID belongs to, and the counters
 */
#ifndef _TVM_VSOCK_H
#define _TVM_VSOCK_H

#include <linux/types.h>

/*
 * A vhost-vsock device, as an opaque key: the private_data of its
 * /dev/vhost-vsock file (struct vhost_vsock, whose layout tvm_vsock
 * never reads).
 */
struct tv_dev;

int tv_hooks_init(void);
void tv_hooks_uninit(void);

/*
 * Whether @dev is the device that holds guest CID @cid now, by
 * vhost_vsock's own lookup (hooks.c).  Never sleeps.
 */
bool tv_dev_has_cid(const struct tv_dev *dev, u32 cid);

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
/* @dev's file is being released: its CID is no one's any more. */
void tv_cid_release(struct tv_dev *dev);

#endif /* _TVM_VSOCK_H */
