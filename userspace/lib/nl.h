/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small client of the generic netlink family "tvm" (include/uapi/linux/
 * tvm.h), on libnl-genl-3.  One request at a time: build it with
 * tvm_nl_new() and the tvm_nl_put_*() helpers, then tvm_nl_send() sends it
 * with NLM_F_ACK and calls back once per reply message (once for a doit,
 * once per object for a dump, however many parts the dump comes in) until
 * the kernel acknowledges it or reports an error.
 *
 * Every function returns 0 or -errno.  When the kernel rejects a request,
 * tvm_nl_send() returns its errno and tvm_nl_extack() its extended-ack
 * message, if it sent one.
 */
#ifndef _TVM_NL_H
#define _TVM_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/tvm.h>

#include "parse.h"

struct tvm_nl;

/*
 * Connect and resolve the family.  -ENOENT: the family is not registered
 * (tvm.ko is not loaded).
 */
int tvm_nl_open(struct tvm_nl **nlp);
void tvm_nl_close(struct tvm_nl *nl);

/* A request for @cmd (enum tvm_cmd); @dump asks for NLM_F_DUMP. */
int tvm_nl_new(struct tvm_nl *nl, uint8_t cmd, bool dump,
	       struct nl_msg **msgp);
/* The same, with room for @size bytes of attributes (a policy's 64 KiB). */
int tvm_nl_new_size(struct tvm_nl *nl, uint8_t cmd, bool dump, size_t size,
		    struct nl_msg **msgp);

int tvm_nl_put(struct nl_msg *msg, int type, const void *data, size_t len);
int tvm_nl_put_u32(struct nl_msg *msg, int type, uint32_t val);
int tvm_nl_put_u64(struct nl_msg *msg, int type, uint64_t val);
int tvm_nl_put_str(struct nl_msg *msg, int type, const char *str);
/* The attribute of the VM selector: TVM_A_VM_ID, _NAME or _UUID. */
int tvm_nl_put_vm(struct nl_msg *msg, const struct vm_sel *sel);
/* An attribute encoded elsewhere, header and padding included. */
int tvm_nl_put_attr(struct nl_msg *msg, const void *attr, size_t len);
/* Nests: tvm_nl_nest_end() closes what tvm_nl_nest_start() opened. */
int tvm_nl_nest_start(struct nl_msg *msg, int type, struct nlattr **nest);
int tvm_nl_nest_end(struct nl_msg *msg, struct nlattr *nest);

/*
 * Called for each reply message with its top-level attributes, indexed
 * by enum tvm_attr (NULL where absent; fixed-size types already checked
 * for length).  A negative return stops the exchange and is what
 * tvm_nl_send() returns.
 */
typedef int (*tvm_nl_reply_fn)(struct nlattr **tb, void *arg);

/*
 * Send @msg (always freed) and receive until the kernel is done with it,
 * calling @fn (may be NULL) for each reply.  -EPROTO: a reply did not
 * parse.
 */
int tvm_nl_send(struct tvm_nl *nl, struct nl_msg *msg, tvm_nl_reply_fn fn,
		void *arg);

/* The kernel's extended-ack message about the last request, or NULL. */
const char *tvm_nl_extack(const struct tvm_nl *nl);
/*
 * The extended-ack cookie of the last request's error, when it is a u32
 * (TVM_CMD_PCR_EXTEND_BATCH: the failing event's index); else -ENOENT.
 */
int tvm_nl_cookie_u32(const struct tvm_nl *nl, uint32_t *val);

/*
 * For reply callbacks: walk a list nest such as TVM_A_PCR_VALUES, parse
 * each entry of type @entry_type (others are skipped) with @policy into
 * @max + 1 attributes and call @fn with them.  A negative return from @fn
 * stops the walk and is returned; an entry that does not parse gives
 * -EPROTO.
 */
int tvm_nl_for_each_entry(struct nlattr *list, int entry_type, int max,
			  const struct nla_policy *policy,
			  int (*fn)(struct nlattr **tb, void *arg), void *arg);

/*
 * Multicast: join the group @group (TVM_MCGRP_EVENTS) of the family, with
 * sequence checks off for the notifications.  -ENOENT: no such group
 * (tvm.ko is older than ABI 3).
 */
int tvm_nl_subscribe(struct tvm_nl *nl, const char *group);
/* The socket, to poll() for notifications. */
int tvm_nl_fd(const struct tvm_nl *nl);

/*
 * Called for each notification with its command (enum tvm_cmd) and its
 * top-level attributes, as tvm_nl_reply_fn; a negative return stops
 * tvm_nl_recv_events() and is what it returns.
 */
typedef int (*tvm_nl_event_fn)(uint8_t cmd, struct nlattr **tb, void *arg);

/*
 * Read what notifications are waiting (the socket does not block) and
 * call @fn for each.  0: none left; -ENOBUFS: the socket's buffer
 * overflowed and some were lost (the socket stays usable).
 */
int tvm_nl_recv_events(struct tvm_nl *nl, tvm_nl_event_fn fn, void *arg);

#endif /* _TVM_NL_H */
