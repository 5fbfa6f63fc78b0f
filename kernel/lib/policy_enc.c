// SPDX-License-Identifier: GPL-2.0
/*
 * A policy's attributes: the one encoder of tvm.ko and tvmctl
 * (policy_enc.h).  Netlink attributes as the kernel lays them out, a
 * 4-byte header, each attribute padded to 4 bytes with zeros, a nest's
 * length covering its padded contents, in the one order
 * Documentation/policy.rst gives.  The writer counts past the end of the
 * buffer, to learn the length.
 */

#include "policy_enc.h"
#include "tvm_log.h"
#include <linux/netlink.h>

/* nla_len is 16 bits. */
#define ATTR_LEN_MAX	0xffff

struct enc {
	u8 *buf;
	size_t size;
	size_t len;
	bool le;
	bool too_big;
};

static void enc_u16(const struct enc *w, u16 v, u8 *at)
{
	if (w->le)
		put_unaligned_le16(v, at);
	else
		memcpy(at, &v, sizeof(v));
}

static void enc_hdr(struct enc *w, size_t at, size_t len, u16 type)
{
	if (len > ATTR_LEN_MAX)
		w->too_big = true;
	if (at + NLA_HDRLEN <= w->size) {
		enc_u16(w, len, w->buf + at);
		enc_u16(w, type, w->buf + at + 2);
	}
}

static void enc_put(struct enc *w, u16 type, const void *data, size_t n)
{
	size_t at = w->len, total = NLA_HDRLEN + n, padded = NLA_ALIGN(total);

	enc_hdr(w, at, total, type);
	if (at + padded <= w->size) {
		if (n)
			memcpy(w->buf + at + NLA_HDRLEN, data, n);
		memset(w->buf + at + total, 0, padded - total);
	}
	w->len += padded;
}

/* A u32 or a u64 (@n bytes) attribute. */
static void enc_uint(struct enc *w, u16 type, u64 v, size_t n)
{
	u32 v32 = v;
	u8 b[sizeof(v)];
	size_t i;

	if (w->le)
		for (i = 0; i < n; i++)
			b[i] = v >> (8 * i);
	else if (n == sizeof(v32))
		memcpy(b, &v32, n);
	else
		memcpy(b, &v, n);
	enc_put(w, type, b, n);
}

static void enc_u32(struct enc *w, u16 type, u32 v)
{
	enc_uint(w, type, v, sizeof(v));
}

static void enc_str(struct enc *w, u16 type, const char *s)
{
	enc_put(w, type, s, strlen(s) + 1);
}

static size_t enc_nest(struct enc *w)
{
	size_t at = w->len;

	w->len += NLA_HDRLEN;
	return at;
}

static void enc_nest_end(struct enc *w, size_t at, u16 type)
{
	enc_hdr(w, at, w->len - at, type | NLA_F_NESTED);
}

static void enc_digests(struct enc *w, u16 type,
			const struct tvm_policy_digest *d, unsigned int n)
{
	size_t list = enc_nest(w), entry;
	unsigned int i;

	for (i = 0; i < n; i++) {
		entry = enc_nest(w);
		enc_u32(w, TVM_A_DIGEST_BANK, d[i].bank);
		enc_put(w, TVM_A_DIGEST_VALUE, d[i].value,
			tvm_banks[d[i].bank].size);
		enc_nest_end(w, entry, TVM_A_DIGEST);
	}
	enc_nest_end(w, list, type);
}

static void enc_level(struct enc *w, unsigned int num,
		      const struct tvm_policy_level *lv)
{
	size_t level = enc_nest(w), event;
	unsigned int e;

	enc_u32(w, TVM_A_LEVEL_NUM, num);
	for (e = 0; e < lv->nevents; e++) {
		event = enc_nest(w);
		enc_str(w, TVM_A_PEVENT_NAME, lv->events[e].name);
		enc_digests(w, TVM_A_PEVENT_DIGESTS, lv->events[e].digests,
			    lv->events[e].ndigests);
		enc_nest_end(w, event, TVM_A_LEVEL_EVENT);
	}
	if (lv->npcr)
		enc_digests(w, TVM_A_LEVEL_PCR, lv->pcr, lv->npcr);
	enc_nest_end(w, level, TVM_A_POLICY_LEVEL);
}

/* Every field of a range, always, in this order: one encoding. */
static void enc_range(struct enc *w, const struct tvm_range *r)
{
	size_t range = enc_nest(w);

	enc_uint(w, TVM_A_RANGE_GPA, r->gpa, sizeof(r->gpa));
	enc_uint(w, TVM_A_RANGE_LEN, r->len, sizeof(r->len));
	enc_put(w, TVM_A_RANGE_SHA256, r->sha256, sizeof(r->sha256));
	enc_u32(w, TVM_A_RANGE_INTERVAL, r->interval_ms);
	enc_nest_end(w, range, TVM_A_POLICY_RUNTIME);
}

/*
 * A dataflow rule: its sender, its port ranges in the order given, then
 * every minimum and its action, always, defaults included: one encoding.
 */
static void enc_df_rule(struct enc *w, const struct tvm_df_rule *r)
{
	size_t rule = enc_nest(w), ports;
	unsigned int i;

	switch (r->from) {
	case TVM_DF_FROM_HOST:
		enc_put(w, TVM_A_DFR_FROM_HOST, NULL, 0);
		break;
	case TVM_DF_FROM_NAME:
		enc_str(w, TVM_A_DFR_FROM_NAME, r->name);
		break;
	case TVM_DF_FROM_UUID:
		enc_put(w, TVM_A_DFR_FROM_UUID, r->uuid, TVM_UUID_SIZE);
		break;
	default:
		enc_put(w, TVM_A_DFR_FROM_ANY, NULL, 0);
		break;
	}
	for (i = 0; i < r->nports; i++) {
		ports = enc_nest(w);
		enc_u32(w, TVM_A_DFP_FIRST, r->ports[i].first);
		enc_u32(w, TVM_A_DFP_LAST, r->ports[i].last);
		enc_nest_end(w, ports, TVM_A_DFR_PORTS);
	}
	enc_u32(w, TVM_A_DFR_MIN_TRUST, r->min_trust);
	enc_u32(w, TVM_A_DFR_MIN_LEVEL, r->min_level);
	enc_u32(w, TVM_A_DFR_ACTION, r->action);
	enc_nest_end(w, rule, TVM_A_DF_RULE);
}

/* The dataflow section: its settings, always, then its rules in order. */
static void enc_df(struct enc *w, const struct tvm_df_section *df)
{
	size_t at = enc_nest(w);
	unsigned int i;

	enc_u32(w, TVM_A_DF_DEFAULT, df->default_action);
	enc_uint(w, TVM_A_DF_CHECKPOINT_BYTES, df->checkpoint_bytes,
		 sizeof(df->checkpoint_bytes));
	enc_u32(w, TVM_A_DF_CHECKPOINT_MS, df->checkpoint_ms);
	if (df->per_message)
		enc_put(w, TVM_A_DF_PER_MESSAGE, NULL, 0);
	for (i = 0; i < df->nrules; i++)
		enc_df_rule(w, &df->rules[i]);
	enc_nest_end(w, at, TVM_A_POLICY_DATAFLOW);
}

/*
 * The migration section: its peers in the order given, then its platform
 * PCRs by index, each with its values in the order given, then its TPM
 * keys in the order given: one encoding.
 */
static void enc_mig(struct enc *w, const struct tvm_mig_section *m)
{
	size_t at = enc_nest(w), pcr;
	unsigned int i, v;

	for (i = 0; i < m->npeers; i++)
		enc_put(w, TVM_A_MIGP_PEER, m->peers[i], TVM_MIG_HOST_ID_SIZE);
	for (i = 0; i < TVM_MIGP_PCRS; i++) {
		if (!m->pcrs[i].nvalues)
			continue;
		pcr = enc_nest(w);
		enc_u32(w, TVM_A_MIGPP_INDEX, i);
		for (v = 0; v < m->pcrs[i].nvalues; v++)
			enc_put(w, TVM_A_MIGPP_SHA256, m->pcrs[i].values[v], 32);
		enc_nest_end(w, pcr, TVM_A_MIGP_PLATFORM);
	}
	for (i = 0; i < m->ntpm_keys; i++)
		enc_put(w, TVM_A_MIGP_TPM_KEY, m->tpm_keys[i], 32);
	enc_nest_end(w, at, TVM_A_POLICY_MIGRATION);
}

int tvm_policy_encode(const struct tvm_policy_content *c, bool le, u8 *buf,
		      size_t size, size_t *len)
{
	struct enc w = { .buf = buf, .size = buf ? size : 0, .le = le };
	unsigned int i;

	enc_u32(&w, TVM_A_POLICY_VERSION, c->version);
	switch (c->sel) {
	case TVM_SEL_UUID:
		enc_put(&w, TVM_A_POLICY_UUID, c->uuid, TVM_UUID_SIZE);
		break;
	case TVM_SEL_NAME:
		enc_str(&w, TVM_A_POLICY_NAME, c->name);
		break;
	default:
		enc_put(&w, TVM_A_POLICY_DEFAULT, NULL, 0);
		break;
	}
	if (!c->tombstone)
		enc_u32(&w, TVM_A_POLICY_MODE, c->mode);
	if (c->key_id)
		enc_put(&w, TVM_A_POLICY_KEY_ID, c->key_id, TVM_KEY_ID_SIZE);
	enc_u32(&w, TVM_A_POLICY_REVISION, c->revision);
	if (c->tombstone)
		enc_put(&w, TVM_A_POLICY_TOMBSTONE, NULL, 0);
	for (i = 0; i <= TVM_POLICY_LEVELS; i++)
		if (c->levels[i].present)
			enc_level(&w, i, &c->levels[i]);
	for (i = 0; i < c->nranges; i++)
		enc_range(&w, &c->ranges[i]);
	if (c->df && c->df->present)
		enc_df(&w, c->df);
	if (c->mig && c->mig->present)
		enc_mig(&w, c->mig);
	*len = w.len;
	if (w.too_big)
		return -E2BIG;
	if (w.len > w.size)
		return -ENOSPC;
	return 0;
}
