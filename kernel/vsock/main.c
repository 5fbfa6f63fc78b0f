// SPDX-License-Identifier: GPL-2.0
/*
 * tvm_vsock.ko: the vhost-vsock guest CIDs of each KVM VM, bound to its
 * tvm instance (ARCHITECTURE 6, Documentation/vsock.rst).
 *
 * This file holds module init and exit only.  Each stage of init has an
 * _init/_uninit pair, and init unwinds through one label per stage:
 *	cid.c	the bindings and their counters
 *	flow.c	the flows and their measurement
 *	forward.c  guest-to-guest packets, and their counters
 *	hooks.c	the hooks into vhost_vsock
 */

#include <linux/init.h>
#include <linux/module.h>

#include "tvm_vsock.h"

static int __init tv_init(void)
{
	int ret;

	ret = tv_cid_init();
	if (ret)
		goto err_cid;
	ret = tv_flow_init();
	if (ret)
		goto err_flow;
	ret = tv_fwd_init();
	if (ret)
		goto err_fwd;
	ret = tv_hooks_init();
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	tv_fwd_uninit();
err_fwd:
	tv_flow_uninit();
err_flow:
	tv_cid_uninit();
err_cid:
	return ret;
}

/* The hooks go first: once they are out, no binding can be made. */
static void __exit tv_exit(void)
{
	tv_hooks_uninit();
	tv_fwd_uninit();
	tv_flow_uninit();
	tv_cid_uninit();
}

module_init(tv_init);
module_exit(tv_exit);
MODULE_DESCRIPTION("tvm: bind vhost-vsock guest CIDs to their VMs");
MODULE_AUTHOR("The tvm authors");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: vhost_vsock");
