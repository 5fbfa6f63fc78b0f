// SPDX-License-Identifier: GPL-2.0
/*
 * Hook modules register one set of ops at a time, and the vsock module
 * one flow dumper (TVM_CMD_FLOW_GET).  Callers find the ops
 * under RCU and pin their module with try_module_get() before they call
 * in, so ops are never called once their module is going; unregistering
 * waits for a grace period, after which no caller still looks at them.
 */

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>

#include "api.h"
#include "hooks.h"

/* tvm_hooks_lock serialises changes of hook_ops and flow_dumper; readers use RCU. */
static DEFINE_MUTEX(tvm_hooks_lock);
static const struct tvm_hook_ops __rcu *hook_ops;
static const struct tvm_flow_dumper __rcu *flow_dumper;

int tvm_hook_ops_register(const struct tvm_hook_ops *ops)
{
	int ret = -EBUSY;

	mutex_lock(&tvm_hooks_lock);
	if (!rcu_access_pointer(hook_ops)) {
		rcu_assign_pointer(hook_ops, ops);
		ret = 0;
	}
	mutex_unlock(&tvm_hooks_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(tvm_hook_ops_register);

void tvm_hook_ops_unregister(const struct tvm_hook_ops *ops)
{
	bool was = false;

	mutex_lock(&tvm_hooks_lock);
	if (rcu_access_pointer(hook_ops) == ops) {
		RCU_INIT_POINTER(hook_ops, NULL);
		was = true;
	}
	mutex_unlock(&tvm_hooks_lock);
	if (was)
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(tvm_hook_ops_unregister);

int tvm_hooks_measure(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	const struct tvm_hook_ops *ops;
	int ret;

	rcu_read_lock();
	ops = rcu_dereference(hook_ops);
	if (ops && (!ops->measure || !try_module_get(ops->owner)))
		ops = NULL;
	rcu_read_unlock();
	if (!ops) {
		NL_SET_ERR_MSG(extack, "no hook module (tvm_kvm) is loaded");
		return -EOPNOTSUPP;
	}
	ret = ops->measure(vm, extack);
	module_put(ops->owner);
	return ret;
}

void tvm_hooks_stop(struct tvm_vm *vm)
{
	const struct tvm_hook_ops *ops;

	rcu_read_lock();
	ops = rcu_dereference(hook_ops);
	if (ops && (!ops->stop || !try_module_get(ops->owner)))
		ops = NULL;
	rcu_read_unlock();
	if (!ops)
		return;
	ops->stop(vm);
	module_put(ops->owner);
}

int tvm_flow_dumper_register(const struct tvm_flow_dumper *d)
{
	int ret = -EBUSY;

	mutex_lock(&tvm_hooks_lock);
	if (!rcu_access_pointer(flow_dumper)) {
		rcu_assign_pointer(flow_dumper, d);
		ret = 0;
	}
	mutex_unlock(&tvm_hooks_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(tvm_flow_dumper_register);

void tvm_flow_dumper_unregister(const struct tvm_flow_dumper *d)
{
	bool was = false;

	mutex_lock(&tvm_hooks_lock);
	if (rcu_access_pointer(flow_dumper) == d) {
		RCU_INIT_POINTER(flow_dumper, NULL);
		was = true;
	}
	mutex_unlock(&tvm_hooks_lock);
	if (was)
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(tvm_flow_dumper_unregister);

int tvm_hooks_flow_dump(struct tvm_vm *vm, u64 *pos, tvm_flow_put_t put,
			void *ctx)
{
	const struct tvm_flow_dumper *d;
	int ret;

	rcu_read_lock();
	d = rcu_dereference(flow_dumper);
	if (d && !try_module_get(d->owner))
		d = NULL;
	rcu_read_unlock();
	if (!d)
		return -EOPNOTSUPP;
	ret = d->dump(vm, pos, put, ctx);
	module_put(d->owner);
	return ret;
}

/*
 * A hook module depends on tvm.ko's symbols, so it is gone before tvm.ko
 * can exit; this only makes sure nothing dangles.
 */
void tvm_hooks_uninit(void)
{
	mutex_lock(&tvm_hooks_lock);
	RCU_INIT_POINTER(hook_ops, NULL);
	RCU_INIT_POINTER(flow_dumper, NULL);
	mutex_unlock(&tvm_hooks_lock);
}
