// SPDX-License-Identifier: GPL-2.0
/*
 * tvm's client for the migration commands; see mig_client.h.
 */
#include <errno.h>
#include <string.h>

#include "mig_client.h"

unsigned int mig_blob_kind(const uint8_t *buf, size_t len)
{
	unsigned int kind;

	if (len < MIG_BLOB_HDR || memcmp(buf, "TVMG", 4))
		return 0;
	kind = (unsigned int)buf[6] << 8 | buf[7];
	return kind >= MIG_KIND_PREPARE && kind <= MIG_KIND_ABORT ? kind : 0;
}

size_t mig_blob_len(const uint8_t *buf, size_t len)
{
	size_t body, sig;

	if (!mig_blob_kind(buf, len))
		return 0;
	body = (size_t)buf[8] << 24 | (size_t)buf[9] << 16 |
	       (size_t)buf[10] << 8 | buf[11];
	if (body > len - MIG_BLOB_HDR || len - MIG_BLOB_HDR - body < 2)
		return 0;
	sig = (size_t)buf[MIG_BLOB_HDR + body] << 8 | buf[MIG_BLOB_HDR + body + 1];
	if (sig > len - MIG_BLOB_HDR - body - 2)
		return 0;
	return MIG_BLOB_HDR + body + 2 + sig;
}

static uint8_t *put2b(uint8_t *p, const uint8_t *data, size_t len)
{
	p[0] = (uint8_t)(len >> 8);
	p[1] = (uint8_t)len;
	memcpy(p + 2, data, len);
	return p + 2 + len;
}

int mig_deep_encode(const uint8_t *key, size_t key_len,
		    const uint8_t *attest, size_t attest_len,
		    const uint8_t *sig, size_t sig_len, uint8_t *out,
		    size_t *len)
{
	size_t n = MIG_DEEP_HDR + 6 + key_len + attest_len + sig_len;
	uint8_t *p = out;

	if (n > TVM_MIG_DEEP_MAX)
		return -E2BIG;
	memcpy(p, "TVMQ", 4);
	p[4] = 0;
	p[5] = 1;
	p[6] = p[7] = 0;
	p = put2b(p + MIG_DEEP_HDR, key, key_len);
	p = put2b(p, attest, attest_len);
	put2b(p, sig, sig_len);
	*len = n;
	return 0;
}

const char *mig_kind_name(unsigned int kind)
{
	switch (kind) {
	case MIG_KIND_PREPARE:
		return "a PREPARE blob";
	case MIG_KIND_EXPORT:
		return "an EXPORT blob";
	case MIG_KIND_COMMIT:
		return "a COMMIT receipt";
	case MIG_KIND_ABORT:
		return "an ABORT receipt";
	default:
		return "not a tvm migration blob";
	}
}

const char *mig_state_name(uint32_t state)
{
	static const char *const names[] = {
		[TVM_MIG_S_NONE] = "none",
		[TVM_MIG_S_FROZEN] = "frozen",
		[TVM_MIG_S_GONE] = "gone",
		[TVM_MIG_S_RESUMED] = "resumed",
		[TVM_MIG_D_NONE] = "none",
		[TVM_MIG_D_PREPARED] = "prepared",
		[TVM_MIG_D_IMPORTED] = "imported",
		[TVM_MIG_D_ACTIVE] = "active",
		[TVM_MIG_D_ABORTED] = "aborted",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

const char *mig_role_name(uint32_t role)
{
	switch (role) {
	case TVM_MIG_SOURCE:
		return "source";
	case TVM_MIG_DEST:
		return "destination";
	default:
		return "?";
	}
}

/* Send @msg when @ret (building it) is 0, else free it. */
static int send_msg(struct tvm_nl *nl, struct nl_msg *msg, int ret,
		    tvm_nl_reply_fn fn, void *arg)
{
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return tvm_nl_send(nl, msg, fn, arg);
}

/* What the replies of PREPARE, EXPORT, COMMIT and ABORT carry. */
struct mig_reply {
	uint8_t *id;
	uint8_t *blob;		/* NULL: no blob wanted */
	size_t *len;
	uint64_t *size;		/* NULL: no size wanted */
	struct vm_info *vm;	/* NULL: no VM wanted */
	bool blob_required;
};

static int on_mig(struct nlattr **tb, void *arg)
{
	struct mig_reply *r = arg;

	if (!tb[TVM_A_MIG_ID])
		return -EPROTO;
	memcpy(r->id, nla_data(tb[TVM_A_MIG_ID]), TVM_MIG_ID_SIZE);
	if (r->blob) {
		*r->len = 0;
		if (!tb[TVM_A_MIG_BLOB]) {
			if (r->blob_required)
				return -EPROTO;
		} else {
			*r->len = (size_t)nla_len(tb[TVM_A_MIG_BLOB]);
			memcpy(r->blob, nla_data(tb[TVM_A_MIG_BLOB]), *r->len);
		}
	}
	if (r->size) {
		if (!tb[TVM_A_MIG_SIZE])
			return -EPROTO;
		*r->size = nla_get_u64(tb[TVM_A_MIG_SIZE]);
	}
	if (r->vm)
		return tvm_client_vm_decode(tb, r->vm);
	return 0;
}

int tvm_client_mig_prepare(struct tvm_nl *nl, uint32_t ttl,
			   uint8_t id[TVM_MIG_ID_SIZE], uint8_t *blob,
			   size_t *len)
{
	struct mig_reply r = { .id = id, .blob = blob, .len = len,
			       .blob_required = true };
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_MIGRATE_PREPARE, false, &msg);
	if (ret)
		return ret;
	if (ttl)
		ret = tvm_nl_put_u32(msg, TVM_A_MIG_TTL, ttl);
	return send_msg(nl, msg, ret, on_mig, &r);
}

int tvm_client_mig_export(struct tvm_nl *nl, const struct vm_sel *sel,
			  const uint8_t *blob, size_t len, const uint8_t *deep,
			  size_t deep_len, int fd,
			  uint8_t id[TVM_MIG_ID_SIZE], uint64_t *size)
{
	struct mig_reply r = { .id = id, .size = size };
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_MIGRATE_EXPORT, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_vm(msg, sel);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_MIG_BLOB, blob, len);
	if (!ret && deep)
		ret = tvm_nl_put(msg, TVM_A_MIG_DEEP, deep, deep_len);
	if (!ret)
		ret = tvm_nl_put_u32(msg, TVM_A_MIG_FD, (uint32_t)fd);
	return send_msg(nl, msg, ret, on_mig, &r);
}

int tvm_client_mig_import(struct tvm_nl *nl, int fd,
			  uint8_t id[TVM_MIG_ID_SIZE], struct vm_info *vm)
{
	struct mig_reply r = { .id = id, .vm = vm };
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_MIGRATE_IMPORT, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_u32(msg, TVM_A_MIG_FD, (uint32_t)fd);
	return send_msg(nl, msg, ret, on_mig, &r);
}

int tvm_client_mig_end(struct tvm_nl *nl, uint8_t cmd,
		       uint8_t id[TVM_MIG_ID_SIZE], const uint8_t *blob,
		       size_t len, uint8_t *rcpt, size_t *rcpt_len)
{
	struct mig_reply r = { .id = id, .blob = blob ? NULL : rcpt,
			       .len = rcpt_len, .blob_required = true };
	struct nl_msg *msg;
	int ret;

	if (cmd != TVM_CMD_MIGRATE_COMMIT && cmd != TVM_CMD_MIGRATE_ABORT)
		return -EINVAL;
	ret = tvm_nl_new(nl, cmd, false, &msg);
	if (ret)
		return ret;
	if (blob)
		ret = tvm_nl_put(msg, TVM_A_MIG_BLOB, blob, len);
	else
		ret = tvm_nl_put(msg, TVM_A_MIG_ID, id, TVM_MIG_ID_SIZE);
	return send_msg(nl, msg, ret, on_mig, &r);
}

int tvm_client_mig_override(struct tvm_nl *nl, const struct vm_sel *sel,
			    uint8_t id[TVM_MIG_ID_SIZE])
{
	struct mig_reply r = { .id = id };
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_MIGRATE_ABORT, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_vm(msg, sel);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_MIG_FORCE, NULL, 0);
	return send_msg(nl, msg, ret, on_mig, &r);
}

struct mig_walk {
	int (*fn)(const struct mig_info *m, void *arg);
	void *arg;
};

static int on_mig_walk(struct nlattr **tb, void *arg)
{
	struct mig_walk *w = arg;
	struct mig_info m = { 0 };

	if (!tb[TVM_A_MIG_ID] || !tb[TVM_A_MIG_ROLE] || !tb[TVM_A_MIG_STATE])
		return -EPROTO;
	memcpy(m.id, nla_data(tb[TVM_A_MIG_ID]), TVM_MIG_ID_SIZE);
	m.role = nla_get_u32(tb[TVM_A_MIG_ROLE]);
	m.state = nla_get_u32(tb[TVM_A_MIG_STATE]);
	if (tb[TVM_A_MIG_PEER]) {
		m.has_peer = true;
		memcpy(m.peer, nla_data(tb[TVM_A_MIG_PEER]),
		       TVM_MIG_HOST_ID_SIZE);
	}
	if (tb[TVM_A_VM_ID]) {
		m.has_vm = true;
		m.vm_id = nla_get_u32(tb[TVM_A_VM_ID]);
	}
	if (tb[TVM_A_MIG_EXPIRES]) {
		m.has_expires = true;
		m.expires = nla_get_u32(tb[TVM_A_MIG_EXPIRES]);
	}
	return w->fn(&m, w->arg);
}

int tvm_client_mig_list(struct tvm_nl *nl,
			int (*fn)(const struct mig_info *m, void *arg),
			void *arg)
{
	struct mig_walk w = { .fn = fn, .arg = arg };
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_MIGRATE_GET, true, &msg);
	if (ret)
		return ret;
	return tvm_nl_send(nl, msg, on_mig_walk, &w);
}

int tvm_client_vm_bind_incoming(struct tvm_nl *nl, pid_t pid,
				const uint8_t id[TVM_MIG_ID_SIZE])
{
	struct nl_msg *msg;
	int ret;

	ret = tvm_nl_new(nl, TVM_CMD_VM_BIND, false, &msg);
	if (ret)
		return ret;
	ret = tvm_nl_put_u32(msg, TVM_A_VM_PID, (uint32_t)pid);
	if (!ret)
		ret = tvm_nl_put(msg, TVM_A_MIG_ID, id, TVM_MIG_ID_SIZE);
	return send_msg(nl, msg, ret, NULL, NULL);
}
