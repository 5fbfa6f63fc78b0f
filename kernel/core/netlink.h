/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVM_NETLINK_H
#define _TVM_NETLINK_H

int tvm_netlink_init(void);
void tvm_netlink_uninit(void);

#endif /* _TVM_NETLINK_H */
