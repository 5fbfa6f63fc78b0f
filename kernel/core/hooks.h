/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hook module's ops (api.h): registered by tvm_kvm.ko, called by the
 * core for TVM_CMD_VM_MEASURE.
 */
#ifndef _TVM_HOOKS_H
#define _TVM_HOOKS_H

struct netlink_ext_ack;
struct tvm_vm;

/*
 * Measure @vm's runtime ranges through the registered ops, holding a
 * reference to their module.  -EOPNOTSUPP (with @extack set) when no ops
 * are registered.
 */
int tvm_hooks_measure(struct tvm_vm *vm, struct netlink_ext_ack *extack);

/* Forget the ops; for module exit. */
void tvm_hooks_uninit(void);

#endif /* _TVM_HOOKS_H */
