/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw generic netlink client for the tvm selftests: no libnl, so the
 * tests see exactly what the kernel sends and can send what no library
 * would (wrong types, bad lengths, unknown attributes).
 *
 *	struct tnl nl;
 *	struct tmsg m;
 *
 *	tnl_open(&nl);
 *	tmsg_init(&m, &nl, TVM_CMD_VM_CREATE, 0);
 *	tmsg_put_str(&m, TVM_A_VM_NAME, "a");
 *	ret = tnl_call(&nl, &m, cb, arg);	// 0 or -errno; nl.extack
 */
#ifndef _TVM_SELFTEST_NL_H
#define _TVM_SELFTEST_NL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tvm.h>

#define TNL_BUF 65536

struct tnl {
	int fd;
	uint16_t family;
	uint32_t seq;
	char extack[256];	/* the last error's message, or "" */
	uint32_t extack_offs;	/* its NLMSGERR_ATTR_OFFS, or 0 */
	uint32_t cookie;	/* its NLMSGERR_ATTR_COOKIE as a u32 ... */
	int cookie_len;		/* ... of this many bytes, 0 for none */
};

struct tmsg {
	union {
		struct nlmsghdr nlh;
		char buf[TNL_BUF];
	};
	struct nlattr *nest[8];
	int depth;
};

/* A reply message; return non-zero to stop. */
typedef int (*tnl_cb)(const struct nlmsghdr *nlh, void *arg);

static inline struct genlmsghdr *tmsg_genl(struct tmsg *m)
{
	return NLMSG_DATA(&m->nlh);
}

static inline void tmsg_init_raw(struct tmsg *m, uint16_t type, uint8_t cmd,
				 uint16_t flags)
{
	memset(&m->nlh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	tmsg_genl(m)->cmd = cmd;
	tmsg_genl(m)->version = 1;
	m->depth = 0;
}

static inline void tmsg_init(struct tmsg *m, struct tnl *nl, uint8_t cmd,
			     uint16_t flags)
{
	tmsg_init_raw(m, nl->family, cmd, flags);
}

static inline struct nlattr *tmsg_put(struct tmsg *m, uint16_t type,
				      const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len));

	if (NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > TNL_BUF)
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_HDRLEN +
			   NLA_ALIGN(len);
	return a;
}

static inline void tmsg_put_u32(struct tmsg *m, uint16_t type, uint32_t v)
{
	tmsg_put(m, type, &v, sizeof(v));
}

static inline void tmsg_put_u64(struct tmsg *m, uint16_t type, uint64_t v)
{
	tmsg_put(m, type, &v, sizeof(v));
}

static inline void tmsg_put_str(struct tmsg *m, uint16_t type, const char *s)
{
	tmsg_put(m, type, s, strlen(s) + 1);
}

static inline void tmsg_nest_start(struct tmsg *m, uint16_t type)
{
	m->nest[m->depth++] = tmsg_put(m, type | NLA_F_NESTED, NULL, 0);
}

static inline void tmsg_nest_end(struct tmsg *m)
{
	struct nlattr *a = m->nest[--m->depth];

	a->nla_len = (char *)m->buf + m->nlh.nlmsg_len - (char *)a;
}

/* Attributes: iterate a payload, find one, read one. */
#define tattr_for_each(a, head, len)					\
	for (a = (struct nlattr *)(head);				\
	     (char *)(a) + NLA_HDRLEN <= (char *)(head) + (len) &&	\
	     (a)->nla_len >= NLA_HDRLEN &&				\
	     (char *)(a) + (a)->nla_len <= (char *)(head) + (len);	\
	     a = (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

static inline void *tattr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int tattr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline uint16_t tattr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline const struct nlattr *tattr_find(const void *head, int len,
					      uint16_t type)
{
	const struct nlattr *a;

	tattr_for_each(a, head, len)
		if (tattr_type(a) == type)
			return a;
	return NULL;
}

/* The top-level attribute @type of a genetlink reply. */
static inline const struct nlattr *tmsg_attr(const struct nlmsghdr *nlh,
					     uint16_t type)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;

	return tattr_find(p, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, type);
}

static inline uint32_t tattr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, tattr_data(a), sizeof(v));
	return v;
}

static inline uint64_t tattr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, tattr_data(a), sizeof(v));
	return v;
}

/*
 * Copy the payload of @a, if there is one and it fits @size bytes, into
 * @buf, and its length into @len; else leave both as they are.
 */
static inline void tattr_copy(const struct nlattr *a, void *buf, int size,
			      int *len)
{
	if (a && tattr_len(a) <= size) {
		*len = tattr_len(a);
		memcpy(buf, tattr_data(a), *len);
	}
}

/*
 * Copy the extack message of an NLMSG_ERROR, or of the NLMSG_DONE that
 * ends a failed dump (its payload is only the errno before the TLVs),
 * into nl->extack.
 */
static inline void tnl_extack(struct tnl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const char *tlvs;
	int len;
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		tlvs = (const char *)NLMSG_DATA(nlh) + sizeof(int);
	} else {
		tlvs = (const char *)e + sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			tlvs += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	len = (const char *)nlh + nlh->nlmsg_len - tlvs;
	a = tattr_find(tlvs, len, NLMSGERR_ATTR_MSG);
	if (a)
		snprintf(nl->extack, sizeof(nl->extack), "%.*s",
			 tattr_len(a), (const char *)tattr_data(a));
	a = tattr_find(tlvs, len, NLMSGERR_ATTR_OFFS);
	if (a && tattr_len(a) == sizeof(uint32_t))
		nl->extack_offs = tattr_u32(a);
	a = tattr_find(tlvs, len, NLMSGERR_ATTR_COOKIE);
	if (a) {
		nl->cookie_len = tattr_len(a);
		if (nl->cookie_len == sizeof(uint32_t))
			nl->cookie = tattr_u32(a);
	}
}

/*
 * Send @m and read until its ack (or the end of a dump).  Replies go to
 * @cb.  Returns 0, or -errno from the kernel with its message in
 * nl->extack.
 */
static inline int tnl_call(struct tnl *nl, struct tmsg *m, tnl_cb cb, void *arg)
{
	static __thread char buf[TNL_BUF];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint32_t seq = ++nl->seq;
	bool stop = false;
	ssize_t n;

	nl->extack[0] = '\0';
	nl->extack_offs = 0;
	nl->cookie = 0;
	nl->cookie_len = 0;
	m->nlh.nlmsg_seq = seq;
	if (sendto(nl->fd, m->buf, m->nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;

	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				tnl_extack(nl, h);
				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(h), sizeof(err));
				/* A dump ends here; the kernel sends no ack. */
				if (err)
					tnl_extack(nl, h);
				return err;
			}
			if (cb && !stop && cb(h, arg))
				stop = true;
		}
	}
}

static inline int tnl_getid_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *id = tmsg_attr(h, CTRL_ATTR_FAMILY_ID);

	if (id)
		memcpy(arg, tattr_data(id), sizeof(uint16_t));
	return 0;
}

/* Resolve the "tvm" family; -ENOENT when tvm.ko is not loaded. */
static inline int tnl_open(struct tnl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, ret;
	struct tmsg *m;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		ret = -errno;
		close(nl->fd);
		return ret;
	}

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	tmsg_init_raw(m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	tmsg_put_str(m, CTRL_ATTR_FAMILY_NAME, TVM_GENL_NAME);
	ret = tnl_call(nl, m, tnl_getid_cb, &nl->family);
	free(m);
	if (ret) {
		close(nl->fd);
		return ret;
	}
	return nl->family ? 0 : -ENOENT;
}

static inline void tnl_close(struct tnl *nl)
{
	close(nl->fd);
}

#endif /* _TVM_SELFTEST_NL_H */
