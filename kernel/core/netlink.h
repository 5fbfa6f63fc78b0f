/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVM_NETLINK_H
#define _TVM_NETLINK_H

#include <linux/types.h>
#include <net/netlink.h>
#include <linux/tvm.h>

struct tvm_selector;
struct tvm_vm;

extern const struct nla_policy tvm_digest_entry_policy[TVM_A_DIGEST_ENTRY_MAX + 1];
extern const struct nla_policy tvm_digest_list_policy[TVM_A_DIGEST + 1];
const u8 *tvm_digest_parse(const struct nlattr *entry, u32 banks, u32 *seen,
			   unsigned int *bank, struct netlink_ext_ack *extack);

int tvm_netlink_init(void);
void tvm_netlink_uninit(void);

/* Announcements on the "events" group; no-ops without listeners. */
void tvm_netlink_trust_event(struct tvm_vm *vm, int old, int new,
			     const char *reason);
struct tvm_policy;
/* A policy @p was loaded or deleted (@action): its head, as a dump's. */
void tvm_netlink_policy_event(const struct tvm_policy *p, const char *action);

#endif /* _TVM_NETLINK_H */
