// SPDX-License-Identifier: GPL-2.0
/*
 * tvm.ko: per-VM virtual PCR banks for KVM guests.
 *
 * This file holds module init and exit only.  Each stage of init has an
 * _init/_uninit pair, and init unwinds through one label per stage.
 */

#include <linux/init.h>
#include <linux/module.h>

#include <linux/tvm.h>

#include "securityfs.h"

static int __init tvm_init(void)
{
	int ret;

	ret = tvm_securityfs_init();
	if (ret)
		goto err_securityfs;

	pr_info("loaded, ABI version %d\n", TVM_ABI_VERSION);
	return 0;

err_securityfs:
	pr_err("securityfs setup failed: %d\n", ret);
	return ret;
}

static void __exit tvm_exit(void)
{
	tvm_securityfs_uninit();
}

module_init(tvm_init);
module_exit(tvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-VM virtual PCR banks for KVM guests");
MODULE_AUTHOR("The tvm developers");
MODULE_VERSION("0.1");
