/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVM_SECURITYFS_H
#define _TVM_SECURITYFS_H

int tvm_securityfs_init(void);
void tvm_securityfs_uninit(void);

#endif /* _TVM_SECURITYFS_H */
