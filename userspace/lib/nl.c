// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink client for the "tvm" family; see nl.h.
 *
 * libnl does the socket, the message building and the receive loop; this
 * file adds what libnl 3.7 lacks: extended ACKs (the socket option, and
 * the NLMSGERR_ATTR_MSG string from the TLVs after an error or at the end
 * of a dump), -errno everywhere instead of libnl's NLE_* codes, and
 * matching replies to the request by sequence number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Largest request: an extend with TVM_EVENT_DATA_MAX bytes and digests. */
#define TVM_NL_MSG_SIZE		16384
#define TVM_NL_EXTACK_MAX	256
/*
 * Socket buffers, asked for (the kernel caps them at net.core.rmem_max and
 * wmem_max, 208 KiB by default): libnl's 32 KiB would not hold a whole
 * policy (up to 64 KiB) and the ACK after it, or send a signed one.
 */
#define TVM_NL_SOCK_BUF		(1 << 20)
/* Most attributes of a list entry tvm_nl_for_each_entry() parses. */
#define TVM_NL_ENTRY_MAX	15
/* Longest extended-ack cookie a kernel sends (its NETLINK_MAX_COOKIE_LEN). */
#define NETLINK_COOKIE_MAX	20

struct tvm_nl {
	struct nl_sock *sk;
	int family;
	char extack[TVM_NL_EXTACK_MAX];
	uint8_t cookie[NETLINK_COOKIE_MAX];	/* NLMSGERR_ATTR_COOKIE */
	size_t cookie_len;			/* 0: none */
};

/* State of one request while its replies come in. */
struct exchange {
	struct tvm_nl *nl;
	uint32_t seq;
	tvm_nl_reply_fn fn;
	void *arg;
	bool done;
	bool interrupted;	/* a dump part had NLM_F_DUMP_INTR */
	int err;
};

/* libnl's NLE_* codes to errno, for what libnl itself reports. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return -EINTR;
	case NLE_BAD_SOCK:		return -EBADF;
	case NLE_AGAIN:			return -EAGAIN;
	case NLE_NOMEM:			return -ENOMEM;
	case NLE_EXIST:			return -EEXIST;
	case NLE_INVAL:			return -EINVAL;
	case NLE_RANGE:			return -ERANGE;
	case NLE_MSGSIZE:		return -EMSGSIZE;
	case NLE_OPNOTSUPP:		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return -ENOENT;
	case NLE_NOADDR:		return -EADDRNOTAVAIL;
	case NLE_BUSY:			return -EBUSY;
	case NLE_NOACCESS:		return -EACCES;
	case NLE_PERM:			return -EPERM;
	case NLE_NODEV:			return -ENODEV;
	case NLE_DUMP_INTR:		return -EINTR;
	default:			return -EPROTO;
	}
}

int tvm_nl_open(struct tvm_nl **nlp)
{
	struct tvm_nl *nl;
	int one = 1, ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	ret = -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		goto err_free;
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		goto err_sock;
	}
	/*
	 * Peek at each message's size before reading it, so that dump
	 * parts larger than a page are not truncated.
	 */
	nl_socket_enable_msg_peek(nl->sk);
	nl_socket_set_buffer_size(nl->sk, TVM_NL_SOCK_BUF, TVM_NL_SOCK_BUF);
	/* Old kernels lack these; errors are then plain errnos. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	ret = genl_ctrl_resolve(nl->sk, TVM_GENL_NAME);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		goto err_sock;
	}
	nl->family = ret;
	*nlp = nl;
	return 0;

err_sock:
	nl_socket_free(nl->sk);
err_free:
	free(nl);
	return ret;
}

void tvm_nl_close(struct tvm_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

const char *tvm_nl_extack(const struct tvm_nl *nl)
{
	return nl->extack[0] ? nl->extack : NULL;
}

int tvm_nl_cookie_u32(const struct tvm_nl *nl, uint32_t *val)
{
	if (!nl || nl->cookie_len != sizeof(*val))
		return -ENOENT;
	memcpy(val, nl->cookie, sizeof(*val));
	return 0;
}

int tvm_nl_new(struct tvm_nl *nl, uint8_t cmd, bool dump,
	       struct nl_msg **msgp)
{
	return tvm_nl_new_size(nl, cmd, dump, TVM_NL_MSG_SIZE, msgp);
}

int tvm_nl_new_size(struct tvm_nl *nl, uint8_t cmd, bool dump, size_t size,
		    struct nl_msg **msgp)
{
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
					      size);

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, cmd, TVM_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

int tvm_nl_put(struct nl_msg *msg, int type, const void *data, size_t len)
{
	if (len > TVM_NL_MSG_SIZE)
		return -EMSGSIZE;
	return nla_put(msg, type, (int)len, data) ? -EMSGSIZE : 0;
}

int tvm_nl_put_u32(struct nl_msg *msg, int type, uint32_t val)
{
	return tvm_nl_put(msg, type, &val, sizeof(val));
}

int tvm_nl_put_u64(struct nl_msg *msg, int type, uint64_t val)
{
	return tvm_nl_put(msg, type, &val, sizeof(val));
}

int tvm_nl_put_str(struct nl_msg *msg, int type, const char *str)
{
	return tvm_nl_put(msg, type, str, strlen(str) + 1);
}

int tvm_nl_put_vm(struct nl_msg *msg, const struct vm_sel *sel)
{
	switch (sel->type) {
	case VM_SEL_ID:
		return tvm_nl_put_u32(msg, TVM_A_VM_ID, sel->id);
	case VM_SEL_NAME:
		return tvm_nl_put_str(msg, TVM_A_VM_NAME, sel->name);
	case VM_SEL_UUID:
		return tvm_nl_put(msg, TVM_A_VM_UUID, sel->uuid,
				  sizeof(sel->uuid));
	}
	return -EINVAL;
}

int tvm_nl_put_attr(struct nl_msg *msg, const void *attr, size_t len)
{
	if (len > UINT16_MAX + 1)
		return -EMSGSIZE;
	return nlmsg_append(msg, (void *)attr, len, NLA_ALIGNTO) ? -EMSGSIZE : 0;
}

int tvm_nl_nest_start(struct nl_msg *msg, int type, struct nlattr **nest)
{
	*nest = nla_nest_start(msg, type);
	return *nest ? 0 : -EMSGSIZE;
}

int tvm_nl_nest_end(struct nl_msg *msg, struct nlattr *nest)
{
	return nla_nest_end(msg, nest) ? -EMSGSIZE : 0;
}

/*
 * Keep the NLMSGERR_ATTR_MSG of an error or DONE message @hdr whose fixed
 * payload (struct nlmsgerr, possibly with the request after it, or the
 * DONE's int) is @payload bytes.
 */
static void save_extack(struct tvm_nl *nl, const struct nlmsghdr *hdr,
			size_t payload)
{
	const struct nlattr *nla;
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
	int rem;

	nl->extack[0] = '\0';
	nl->cookie_len = 0;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS) || hdr->nlmsg_len <= off)
		return;
	nla = (const struct nlattr *)((const char *)hdr + off);
	rem = (int)(hdr->nlmsg_len - off);
	for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		const char *s = nla_data(nla);
		int len = nla_len(nla);

		if (nla_type(nla) == NLMSGERR_ATTR_COOKIE && len > 0 &&
		    len <= NETLINK_COOKIE_MAX) {
			memcpy(nl->cookie, s, (size_t)len);
			nl->cookie_len = (size_t)len;
			continue;
		}
		if (nla_type(nla) != NLMSGERR_ATTR_MSG || len < 1)
			continue;
		/* A string, but do not trust its NUL. */
		if (len > TVM_NL_EXTACK_MAX - 1)
			len = TVM_NL_EXTACK_MAX - 1;
		memcpy(nl->extack, s, (size_t)len);
		nl->extack[len] = '\0';
		/* Kernel messages have no trailing newline; be sure. */
		len = (int)strlen(nl->extack);
		while (len > 0 && nl->extack[len - 1] == '\n')
			nl->extack[--len] = '\0';
	}
}

/* Drop messages that answer an earlier request (e.g. an abandoned dump). */
static int on_seq_check(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == x->seq ? NL_OK : NL_SKIP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *hdr =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct exchange *x = arg;
	size_t payload = sizeof(*e);

	(void)nla;
	if (x->done)
		return NL_STOP;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
	save_extack(x->nl, hdr, payload);
	/* e->error is a negative errno; libnl only calls us when non-zero. */
	x->err = e->error < 0 ? e->error : -e->error;
	x->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

/* The end of a dump: its int is 0 or the -errno the dump failed with. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct exchange *x = arg;
	int err = 0;

	if (hdr->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
		memcpy(&err, NLMSG_DATA(hdr), sizeof(err));
	if (err && !x->err) {
		save_extack(x->nl, hdr, sizeof(err));
		x->err = err < 0 ? err : -err;
	}
	x->done = true;
	return NL_STOP;
}

static const struct nla_policy tvm_policy[TVM_A_MAX + 1] = {
	[TVM_A_VM_ID]		= { .type = NLA_U32 },
	[TVM_A_VM_NAME]		= { .type = NLA_STRING,
				    .maxlen = TVM_NAME_MAX + 1 },
	[TVM_A_VM_UUID]		= { .minlen = TVM_UUID_SIZE,
				    .maxlen = TVM_UUID_SIZE },
	[TVM_A_VM_BANKS]	= { .type = NLA_U32 },
	[TVM_A_VM_STATE]	= { .type = NLA_U32 },
	[TVM_A_VM_LOG_MAX]	= { .type = NLA_U32 },
	[TVM_A_VM_LOG_COUNT]	= { .type = NLA_U64 },
	[TVM_A_VM_LOG_BYTES]	= { .type = NLA_U64 },
	[TVM_A_VM_LOG_REFUSED]	= { .type = NLA_U64 },
	[TVM_A_PCR_INDEX]	= { .type = NLA_U32 },
	[TVM_A_PCR_BANK]	= { .type = NLA_U32 },
	[TVM_A_PCR_MASK]	= { .type = NLA_U32 },
	[TVM_A_PCR_VALUES]	= { .type = NLA_NESTED },
	[TVM_A_EVENT_SEQ]	= { .type = NLA_U64 },
	[TVM_A_EVENT_TYPE]	= { .type = NLA_U32 },
	[TVM_A_EVENT_DATA]	= { .maxlen = TVM_EVENT_DATA_MAX },
	[TVM_A_EVENT_DIGESTS]	= { .type = NLA_NESTED },
	[TVM_A_LOG_FROM]	= { .type = NLA_U64 },
	[TVM_A_VM_TRUST]	= { .type = NLA_U32 },
	[TVM_A_VM_REASONS]	= { .type = NLA_NESTED },
	[TVM_A_VM_POLICY_GEN]	= { .type = NLA_U64 },
	[TVM_A_POLICY]		= { .type = NLA_NESTED },
	[TVM_A_TRUST_OLD]	= { .type = NLA_U32 },
	[TVM_A_REASON]		= { .type = NLA_STRING,
				    .maxlen = TVM_REASON_MAX + 1 },
	[TVM_A_VM_PID]		= { .type = NLA_U32 },
	[TVM_A_VM_KVM]		= { .type = NLA_FLAG },
	[TVM_A_VM_CIDS]		= { .type = NLA_NESTED },
	[TVM_A_FLOW]		= { .type = NLA_NESTED },
	[TVM_A_MIG_ID]		= { .minlen = TVM_MIG_ID_SIZE,
				    .maxlen = TVM_MIG_ID_SIZE },
	[TVM_A_MIG_BLOB]	= { .maxlen = TVM_MIG_BLOB_MAX },
	[TVM_A_MIG_SIZE]	= { .type = NLA_U64 },
	[TVM_A_MIG_ROLE]	= { .type = NLA_U32 },
	[TVM_A_MIG_STATE]	= { .type = NLA_U32 },
	[TVM_A_MIG_PEER]	= { .minlen = TVM_MIG_HOST_ID_SIZE,
				    .maxlen = TVM_MIG_HOST_ID_SIZE },
	[TVM_A_MIG_EXPIRES]	= { .type = NLA_U32 },
	[TVM_A_VM_MIGRATION]	= { .type = NLA_U32 },
	[TVM_A_BATCH]		= { .type = NLA_NESTED },
	[TVM_A_BATCH_DONE]	= { .type = NLA_U32 },
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[TVM_A_MAX + 1];
	struct exchange *x = arg;
	int ret;

	if (hdr->nlmsg_flags & NLM_F_DUMP_INTR)
		x->interrupted = true;
	if (!x->fn)
		return NL_OK;
	if (genlmsg_parse(hdr, 0, tb, TVM_A_MAX, tvm_policy) < 0) {
		ret = -EPROTO;
	} else {
		ret = x->fn(tb, x->arg);
		if (ret >= 0)
			return NL_OK;
	}
	x->err = ret;
	x->done = true;
	return NL_STOP;
}

int tvm_nl_send(struct tvm_nl *nl, struct nl_msg *msg, tvm_nl_reply_fn fn,
		void *arg)
{
	struct exchange x = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->extack[0] = '\0';
	nl->cookie_len = 0;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &x);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &x);

	/* Adds NLM_F_REQUEST and NLM_F_ACK, and the sequence number. */
	ret = nl_send_auto(nl->sk, msg);
	x.seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		goto out;
	}

	/*
	 * A doit's reply and its ACK may come in separate reads, and a
	 * dump in many parts: read until the ACK, the error or the DONE.
	 */
	while (!x.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (x.done)
			break;
		if (ret < 0) {
			x.err = nle_to_errno(ret);
			break;
		}
	}
	ret = x.err;
	if (!ret && x.interrupted)
		ret = -EINTR;
out:
	nl_cb_put(cb);
	return ret;
}

int tvm_nl_for_each_entry(struct nlattr *list, int entry_type, int max,
			  const struct nla_policy *policy,
			  int (*fn)(struct nlattr **tb, void *arg), void *arg)
{
	struct nlattr *tb[TVM_NL_ENTRY_MAX + 1];
	struct nlattr *entry;
	int rem, ret;

	if (max < 0 || max > TVM_NL_ENTRY_MAX)
		return -EINVAL;
	nla_for_each_nested(entry, list, rem) {
		if (nla_type(entry) != entry_type)
			continue;
		if (nla_parse_nested(tb, max, entry, policy) < 0)
			return -EPROTO;
		ret = fn(tb, arg);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int tvm_nl_subscribe(struct tvm_nl *nl, const char *group)
{
	int ret = genl_ctrl_resolve_grp(nl->sk, TVM_GENL_NAME, group);

	if (ret < 0)
		return ret == -NLE_OBJ_NOTFOUND ? -ENOENT : nle_to_errno(ret);
	ret = nl_socket_add_membership(nl->sk, ret);
	if (ret < 0)
		return nle_to_errno(ret);
	/* Notifications have sequence number 0, answering no request. */
	nl_socket_disable_seq_check(nl->sk);
	ret = nl_socket_set_nonblocking(nl->sk);
	return ret < 0 ? nle_to_errno(ret) : 0;
}

int tvm_nl_fd(const struct tvm_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

/* State of tvm_nl_recv_events(). */
struct events {
	tvm_nl_event_fn fn;
	void *arg;
	int err;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[TVM_A_MAX + 1];
	struct events *ev = arg;
	int ret;

	/* Only what the kernel sent. */
	if (nlmsg_get_src(msg)->nl_pid != 0)
		return NL_SKIP;
	if (genlmsg_parse(hdr, 0, tb, TVM_A_MAX, tvm_policy) < 0)
		return NL_SKIP;
	ret = ev->fn(genlmsg_hdr(hdr)->cmd, tb, ev->arg);
	if (ret >= 0)
		return NL_OK;
	ev->err = ret;
	return NL_STOP;
}

int tvm_nl_recv_events(struct tvm_nl *nl, tvm_nl_event_fn fn, void *arg)
{
	struct events ev = { .fn = fn, .arg = arg };
	int ret;

	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &ev);
	for (;;) {
		ret = nl_recvmsgs_default(nl->sk);
		if (ev.err)
			return ev.err;
		if (ret == -NLE_AGAIN)
			return 0;
		/* recvmsg()'s ENOBUFS: the kernel dropped notifications. */
		if (ret == -NLE_NOMEM)
			return -ENOBUFS;
		if (ret < 0)
			return nle_to_errno(ret);
	}
}
