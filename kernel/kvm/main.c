// SPDX-License-Identifier: GPL-2.0
/*
 * tvm_kvm.ko: a tvm instance for every KVM VM, measured, evaluated and
 * gated (ARCHITECTURE 5, Documentation/kvm.rst).
 *
 * This file holds module init and exit only.  Each stage of init has an
 * _init/_uninit pair, and init unwinds through one label per stage:
 *	vm.c		the table of VMs and the workqueue their work runs on
 *	hooks.c		the ops tvm calls back, then the hooks into KVM
 * The other files do the work the hooks hand them: config.c (PCRs 8 and
 * 12), gate.c (the launch and the gate), measure.c (guest memory, PCRs
 * 9 and 13).
 */

#include <linux/init.h>
#include <linux/module.h>

#include "tvm_kvm.h"

static int __init tk_init(void)
{
	int ret;

	ret = tk_vm_init();
	if (ret)
		goto err_vm;
	ret = tk_ops_init();
	if (ret)
		goto err_ops;
	ret = tk_hooks_init();
	if (ret)
		goto err_hooks;
	return 0;

err_hooks:
	tk_ops_uninit();
err_ops:
	tk_vm_uninit();
err_vm:
	return ret;
}

/*
 * The hooks go first: once tvm_hooks_remove() returns, no wrapper runs,
 * and every tracked VM holds this module, so none is left.
 */
static void __exit tk_exit(void)
{
	tk_hooks_uninit();
	tk_ops_uninit();
	tk_vm_uninit();
}

module_init(tk_init);
module_exit(tk_exit);
MODULE_DESCRIPTION("tvm: measure, evaluate and gate KVM VMs");
MODULE_AUTHOR("The tvm authors");
MODULE_LICENSE("GPL");
