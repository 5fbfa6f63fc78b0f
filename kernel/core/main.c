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

#include "bank.h"
#include "hooks.h"
#include "migrate.h"
#include "netlink.h"
#include "policy.h"
#include "quote.h"
#include "registry.h"
#include "securityfs.h"
#include "version.h"
#include "vm.h"

static int __init tvm_init(void)
{
	int ret;

	ret = tvm_bank_init();
	if (ret)
		goto err_bank;
	ret = tvm_policy_init();
	if (ret)
		goto err_policy;
	ret = tvm_mig_crypto_init();
	if (ret)
		goto err_mig_crypto;
	ret = tvm_vm_init();
	if (ret)
		goto err_vm;
	ret = tvm_securityfs_init();
	if (ret)
		goto err_securityfs;
	ret = tvm_migrate_init();
	if (ret)
		goto err_migrate;
	ret = tvm_netlink_init();
	if (ret)
		goto err_netlink;

	pr_info("loaded, version %s, ABI version %d\n", TVM_VERSION,
		TVM_ABI_VERSION);
	return 0;

err_netlink:
	tvm_migrate_exit();
err_migrate:
	tvm_securityfs_uninit();
err_securityfs:
	tvm_vm_uninit();
err_vm:
	tvm_mig_crypto_exit();
err_mig_crypto:
	tvm_policy_uninit();
err_policy:
	tvm_bank_uninit();
err_bank:
	pr_err("init failed: %d\n", ret);
	return ret;
}

/*
 * Nothing can reach the VMs once the family is gone; open securityfs files
 * and running netlink operations hold a module reference, so none exist.
 */
static void __exit tvm_exit(void)
{
	tvm_netlink_uninit();
	tvm_migrate_exit();
	tvm_hooks_uninit();
	tvm_registry_uninit();
	tvm_vm_uninit();
	tvm_mig_crypto_exit();
	tvm_policy_uninit();
	tvm_quote_uninit();
	tvm_securityfs_uninit();
	tvm_bank_uninit();
}

module_init(tvm_init);
module_exit(tvm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-VM virtual PCR banks for KVM guests");
MODULE_AUTHOR("The tvm developers");
MODULE_VERSION(TVM_VERSION);
