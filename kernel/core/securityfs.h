/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVM_SECURITYFS_H
#define _TVM_SECURITYFS_H

struct tvm_vm;

int tvm_securityfs_init(void);
void tvm_securityfs_uninit(void);

/* A VM's directory tvm/vms/<id>/; under tvm_registry_lock. */
int tvm_securityfs_add_vm(struct tvm_vm *vm);
void tvm_securityfs_remove_vm(struct tvm_vm *vm);

#endif /* _TVM_SECURITYFS_H */
