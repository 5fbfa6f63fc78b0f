/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVM_USER_SECURITYFS_H
#define _TVM_USER_SECURITYFS_H

#include <stddef.h>

/* Where tvm's securityfs directory is; $TVM_SECURITYFS overrides it. */
const char *tvm_securityfs_dir(void);

/*
 * Read the kernel's ABI version from tvm/version.  Returns 0 and sets
 * *@abi, or -errno: -ENOENT when tvm.ko is not loaded, -EPROTO when the
 * file does not hold a decimal integer.
 */
int tvm_kernel_abi(int *abi);

#endif /* _TVM_USER_SECURITYFS_H */
