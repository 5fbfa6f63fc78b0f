/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVM_VERSION_H
#define _TVM_VERSION_H

/* Release of the tvm modules; the ABI has its own TVM_ABI_VERSION. */
#define TVM_VERSION "0.1"

#endif /* _TVM_VERSION_H */
