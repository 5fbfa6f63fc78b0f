/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook module's ops (api.h): registered by tvm_kvm.ko, called by the
 * core for TVM_CMD_VM_MEASURE and to stop a VM that may no longer run.
 */
#ifndef _TVM_HOOKS_H
#define _TVM_HOOKS_H

#include "api.h"

struct netlink_ext_ack;
struct tvm_vm;

/*
 * Measure @vm's runtime ranges through the registered ops, holding a
 * reference to their module.  -EOPNOTSUPP (with @extack set) when no ops
 * are registered.
 */
int tvm_hooks_measure(struct tvm_vm *vm, struct netlink_ext_ack *extack);

/*
 * Stop @vm's vCPUs through the registered ops (struct tvm_hook_ops
 * @stop), holding a reference to their module; nothing without ops.
 */
void tvm_hooks_stop(struct tvm_vm *vm);

/*
 * The registered flow dumper's dump (struct tvm_flow_dumper), holding a
 * reference to its module; -EOPNOTSUPP when none is registered.
 */
int tvm_hooks_flow_dump(struct tvm_vm *vm, u64 *pos, tvm_flow_put_t put,
			void *ctx);

/* Forget the ops and the dumper; for module exit. */
void tvm_hooks_uninit(void);

#endif /* _TVM_HOOKS_H */
