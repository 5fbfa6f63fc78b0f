// SPDX-License-Identifier: GPL-2.0
/*
 * A struct policy as netlink (policy_json.h): the TVM_A_POLICY attribute
 * tvmctl sends, its canonical encoding (what an owner signs), and the
 * TVM_A_POLICY payload of the kernel's replies back into a struct policy.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "policy_json.h"
#include "tvm_log.h"

/*
 * The encoder: netlink attributes as the kernel lays them out (host byte
 * order, each padded to 4 bytes, a nest's length covering its padded
 * contents).  It counts past the end of the buffer, to say how much is
 * needed.
 */

struct wbuf {
	uint8_t *buf;
	size_t size;
	size_t len;
	bool too_big;
	bool le;	/* the canonical encoding: little-endian */
};

static void w_hdr(struct wbuf *w, size_t at, size_t len, uint16_t type)
{
	uint16_t l = w->le ? htole16((uint16_t)len) : (uint16_t)len;

	if (w->le)
		type = htole16(type);
	if (len > POLICY_ATTR_MAX)
		w->too_big = true;
	if (at + NLA_HDRLEN <= w->size) {
		memcpy(w->buf + at, &l, sizeof(l));
		memcpy(w->buf + at + sizeof(l), &type, sizeof(type));
	}
}

static void w_put(struct wbuf *w, uint16_t type, const void *data, size_t n)
{
	size_t at = w->len, total = NLA_HDRLEN + n, padded = NLA_ALIGN(total);

	w_hdr(w, at, total, type);
	if (at + padded <= w->size) {
		if (n)
			memcpy(w->buf + at + NLA_HDRLEN, data, n);
		memset(w->buf + at + total, 0, padded - total);
	}
	w->len += padded;
}

static void w_u32(struct wbuf *w, uint16_t type, uint32_t v)
{
	if (w->le)
		v = htole32(v);
	w_put(w, type, &v, sizeof(v));
}

static void w_u64(struct wbuf *w, uint16_t type, uint64_t v)
{
	if (w->le)
		v = htole64(v);
	w_put(w, type, &v, sizeof(v));
}

static void w_str(struct wbuf *w, uint16_t type, const char *s)
{
	w_put(w, type, s, strlen(s) + 1);
}

static size_t w_nest(struct wbuf *w)
{
	size_t at = w->len;

	w->len += NLA_HDRLEN;
	return at;
}

static void w_nest_end(struct wbuf *w, size_t at, uint16_t type)
{
	w_hdr(w, at, w->len - at, type | NLA_F_NESTED);
}

static void w_digests(struct wbuf *w, uint16_t type,
		      const struct tvm_policy_digest *d, unsigned int n)
{
	size_t list = w_nest(w), entry;

	for (unsigned int i = 0; i < n; i++) {
		entry = w_nest(w);
		w_u32(w, TVM_A_DIGEST_BANK, d[i].bank);
		w_put(w, TVM_A_DIGEST_VALUE, d[i].value,
		      tvm_banks[d[i].bank].size);
		w_nest_end(w, entry, TVM_A_DIGEST);
	}
	w_nest_end(w, list, type);
}

static int encode(const struct policy *p, uint8_t *buf, size_t size,
		  size_t *len, bool le)
{
	struct wbuf w = { .buf = buf, .size = buf ? size : 0, .le = le };
	size_t top, level, event, range;

	top = w_nest(&w);
	w_u32(&w, TVM_A_POLICY_VERSION, p->version);
	switch (p->sel.type) {
	case POLICY_SEL_UUID:
		w_put(&w, TVM_A_POLICY_UUID, p->sel.uuid, TVM_UUID_SIZE);
		break;
	case POLICY_SEL_NAME:
		w_str(&w, TVM_A_POLICY_NAME, p->sel.name);
		break;
	case POLICY_SEL_DEFAULT:
		w_put(&w, TVM_A_POLICY_DEFAULT, NULL, 0);
		break;
	}
	if (!p->tombstone)
		w_u32(&w, TVM_A_POLICY_MODE, p->mode);
	if (p->has_key)
		w_put(&w, TVM_A_POLICY_KEY_ID, p->key_id, TVM_KEY_ID_SIZE);
	w_u32(&w, TVM_A_POLICY_REVISION, p->revision);
	if (p->tombstone)
		w_put(&w, TVM_A_POLICY_TOMBSTONE, NULL, 0);
	for (unsigned int l = 0; l <= TVM_POLICY_LEVELS; l++) {
		const struct tvm_policy_level *lv = &p->levels[l];

		if (!lv->present)
			continue;
		level = w_nest(&w);
		w_u32(&w, TVM_A_LEVEL_NUM, l);
		for (unsigned int e = 0; e < lv->nevents; e++) {
			event = w_nest(&w);
			w_str(&w, TVM_A_PEVENT_NAME, lv->events[e].name);
			w_digests(&w, TVM_A_PEVENT_DIGESTS,
				  lv->events[e].digests,
				  lv->events[e].ndigests);
			w_nest_end(&w, event, TVM_A_LEVEL_EVENT);
		}
		if (lv->npcr)
			w_digests(&w, TVM_A_LEVEL_PCR, lv->pcr, lv->npcr);
		w_nest_end(&w, level, TVM_A_POLICY_LEVEL);
	}
	/* Every field of a range, always, in this order: one encoding. */
	for (unsigned int i = 0; i < p->nranges; i++) {
		const struct policy_range *r = &p->ranges[i];

		range = w_nest(&w);
		w_u64(&w, TVM_A_RANGE_GPA, r->gpa);
		w_u64(&w, TVM_A_RANGE_LEN, r->len);
		w_put(&w, TVM_A_RANGE_SHA256, r->sha256, sizeof(r->sha256));
		w_u32(&w, TVM_A_RANGE_INTERVAL, r->interval_ms);
		w_nest_end(&w, range, TVM_A_POLICY_RUNTIME);
	}
	w_nest_end(&w, top, TVM_A_POLICY);
	*len = w.len;
	if (w.too_big)
		return -E2BIG;
	if (w.len > w.size)
		return -ENOSPC;
	return 0;
}

int policy_encode(const struct policy *p, uint8_t *buf, size_t size,
		  size_t *len)
{
	return encode(p, buf, size, len, false);
}

int policy_canonical(const struct policy *p, uint8_t *buf, size_t size,
		     size_t *len)
{
	int ret = encode(p, buf, size, len, true);

	/* The payload: the attribute without its header. */
	if (!ret)
		memmove(buf, buf + NLA_HDRLEN, *len - NLA_HDRLEN);
	*len -= NLA_HDRLEN;
	return ret;
}

/* The decoder, for what the kernel sends back. */

struct nla_iter {
	const uint8_t *p;
	size_t rem;
	bool bad;
};

static bool nla_iter_next(struct nla_iter *it, uint16_t *type,
			  const uint8_t **data, size_t *len)
{
	uint16_t l, t;
	size_t adv;

	if (it->rem < NLA_HDRLEN)
		return false;
	memcpy(&l, it->p, sizeof(l));
	memcpy(&t, it->p + sizeof(l), sizeof(t));
	if (l < NLA_HDRLEN || l > it->rem) {
		it->bad = true;
		return false;
	}
	*type = t & NLA_TYPE_MASK;
	*data = it->p + NLA_HDRLEN;
	*len = l - NLA_HDRLEN;
	adv = NLA_ALIGN((size_t)l);
	if (adv > it->rem)
		adv = it->rem;
	it->p += adv;
	it->rem -= adv;
	return true;
}

static int get_u32(const uint8_t *data, size_t len, uint32_t *v)
{
	if (len != sizeof(*v))
		return -EPROTO;
	memcpy(v, data, sizeof(*v));
	return 0;
}

/* A string attribute, with or without its NUL, of at most @max bytes. */
static int get_str(const uint8_t *data, size_t len, char *out, size_t max)
{
	if (len && !data[len - 1])
		len--;
	if (len > max || memchr(data, '\0', len))
		return -EPROTO;
	memcpy(out, data, len);
	out[len] = '\0';
	return 0;
}

static int decode_digests(const uint8_t *data, size_t len,
			  struct tvm_policy_digest *d, unsigned int *count)
{
	struct nla_iter it = { .p = data, .rem = len }, in;
	const uint8_t *v, *value;
	size_t n, value_len;
	uint16_t type, t;
	uint32_t bank = 0;
	bool has_bank;

	*count = 0;
	while (nla_iter_next(&it, &type, &v, &n)) {
		if (type != TVM_A_DIGEST)
			continue;
		if (*count == TVM_POLICY_DIGESTS_MAX)
			return -EPROTO;
		in = (struct nla_iter){ .p = v, .rem = n };
		has_bank = false;
		value = NULL;
		value_len = 0;
		while (nla_iter_next(&in, &t, &v, &n)) {
			if (t == TVM_A_DIGEST_BANK) {
				if (get_u32(v, n, &bank))
					return -EPROTO;
				has_bank = true;
			} else if (t == TVM_A_DIGEST_VALUE) {
				value = v;
				value_len = n;
			}
		}
		if (in.bad || !has_bank || !value || bank >= __TVM_BANK_MAX ||
		    value_len != tvm_banks[bank].size)
			return -EPROTO;
		d[*count].bank = (uint8_t)bank;
		memcpy(d[*count].value, value, value_len);
		(*count)++;
	}
	return it.bad ? -EPROTO : 0;
}

static int decode_event(const uint8_t *data, size_t len,
			struct tvm_policy_event *ev)
{
	struct nla_iter it = { .p = data, .rem = len };
	bool has_name = false, has_digests = false;
	const uint8_t *v;
	uint16_t type;
	size_t n;

	while (nla_iter_next(&it, &type, &v, &n)) {
		if (type == TVM_A_PEVENT_NAME) {
			if (get_str(v, n, ev->name, TVM_EVENT_NAME_MAX))
				return -EPROTO;
			has_name = true;
		} else if (type == TVM_A_PEVENT_DIGESTS) {
			if (decode_digests(v, n, ev->digests, &ev->ndigests))
				return -EPROTO;
			has_digests = true;
		}
	}
	return it.bad || !has_name || !has_digests || !ev->name[0] ? -EPROTO : 0;
}

static int decode_level(const uint8_t *data, size_t len, struct policy *p)
{
	struct nla_iter it = { .p = data, .rem = len };
	struct tvm_policy_level *lv = NULL;
	struct tvm_policy_event *grown;
	uint32_t num = 0;
	const uint8_t *v;
	uint16_t type;
	size_t n;
	int ret;

	/* LEVEL_NUM first, wherever it is. */
	while (nla_iter_next(&it, &type, &v, &n))
		if (type == TVM_A_LEVEL_NUM && get_u32(v, n, &num))
			return -EPROTO;
	if (it.bad || num > TVM_POLICY_LEVELS || p->levels[num].present)
		return -EPROTO;
	lv = &p->levels[num];
	lv->present = true;
	it = (struct nla_iter){ .p = data, .rem = len };
	while (nla_iter_next(&it, &type, &v, &n)) {
		if (type == TVM_A_LEVEL_EVENT) {
			if (lv->nevents == TVM_POLICY_EVENTS_MAX)
				return -EPROTO;
			grown = realloc(lv->events, (lv->nevents + 1) *
						    sizeof(*lv->events));
			if (!grown)
				return -ENOMEM;
			lv->events = grown;
			memset(&lv->events[lv->nevents], 0,
			       sizeof(*lv->events));
			ret = decode_event(v, n, &lv->events[lv->nevents]);
			if (ret)
				return ret;
			lv->nevents++;
		} else if (type == TVM_A_LEVEL_PCR) {
			ret = decode_digests(v, n, lv->pcr, &lv->npcr);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int decode_range(const uint8_t *data, size_t len, struct policy *p)
{
	struct nla_iter it = { .p = data, .rem = len };
	struct policy_range *r;
	unsigned int seen = 0;
	const uint8_t *v;
	uint16_t type;
	size_t n;

	if (p->nranges == TVM_POLICY_RANGES_MAX)
		return -EPROTO;
	r = &p->ranges[p->nranges];
	memset(r, 0, sizeof(*r));
	while (nla_iter_next(&it, &type, &v, &n)) {
		switch (type) {
		case TVM_A_RANGE_GPA:
		case TVM_A_RANGE_LEN:
			if (n != sizeof(uint64_t))
				return -EPROTO;
			memcpy(type == TVM_A_RANGE_GPA ? &r->gpa : &r->len, v, n);
			break;
		case TVM_A_RANGE_SHA256:
			if (n != sizeof(r->sha256))
				return -EPROTO;
			memcpy(r->sha256, v, n);
			break;
		case TVM_A_RANGE_INTERVAL:
			if (get_u32(v, n, &r->interval_ms))
				return -EPROTO;
			break;
		default:
			continue;
		}
		seen |= 1U << type;
	}
	if (it.bad || !(seen & (1U << TVM_A_RANGE_GPA)) ||
	    !(seen & (1U << TVM_A_RANGE_LEN)) ||
	    !(seen & (1U << TVM_A_RANGE_SHA256)))
		return -EPROTO;
	p->nranges++;
	return 0;
}

static bool same_sel(const struct policy_sel *a, const struct policy_sel *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == POLICY_SEL_UUID)
		return !memcmp(a->uuid, b->uuid, TVM_UUID_SIZE);
	if (a->type == POLICY_SEL_NAME)
		return !strcmp(a->name, b->name);
	return true;
}

/*
 * A reply may carry the selector twice, in the payload as loaded and
 * again before the generation; both must agree.
 */
static int decode_sel(uint16_t type, const uint8_t *v, size_t n,
		      struct policy *p, unsigned int *nsel)
{
	struct policy_sel sel = { .type = POLICY_SEL_DEFAULT };

	if (type == TVM_A_POLICY_UUID) {
		if (n != TVM_UUID_SIZE)
			return -EPROTO;
		sel.type = POLICY_SEL_UUID;
		memcpy(sel.uuid, v, n);
	} else if (type == TVM_A_POLICY_NAME) {
		sel.type = POLICY_SEL_NAME;
		if (get_str(v, n, sel.name, TVM_NAME_MAX))
			return -EPROTO;
	}
	if ((*nsel)++ && !same_sel(&p->sel, &sel))
		return -EPROTO;
	p->sel = sel;
	return 0;
}

int policy_decode(const void *payload, size_t len, struct policy *p)
{
	struct nla_iter it = { .p = payload, .rem = len };
	unsigned int nsel = 0;
	const uint8_t *v;
	uint16_t type;
	size_t n;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->mode = TVM_POLICY_AUDIT;
	while (!ret && nla_iter_next(&it, &type, &v, &n)) {
		switch (type) {
		case TVM_A_POLICY_VERSION:
			ret = get_u32(v, n, &p->version);
			break;
		case TVM_A_POLICY_UUID:
		case TVM_A_POLICY_NAME:
		case TVM_A_POLICY_DEFAULT:
			ret = decode_sel(type, v, n, p, &nsel);
			break;
		case TVM_A_POLICY_MODE:
			ret = get_u32(v, n, &p->mode);
			if (!ret && !policy_mode_name(p->mode))
				ret = -EPROTO;
			break;
		case TVM_A_POLICY_KEY_ID:
			if (n != TVM_KEY_ID_SIZE) {
				ret = -EPROTO;
				break;
			}
			memcpy(p->key_id, v, n);
			p->has_key = true;
			break;
		case TVM_A_POLICY_REVISION:
			ret = get_u32(v, n, &p->revision);
			break;
		case TVM_A_POLICY_TOMBSTONE:
			p->tombstone = true;
			break;
		case TVM_A_POLICY_LEVEL:
			ret = decode_level(v, n, p);
			break;
		case TVM_A_POLICY_RUNTIME:
			ret = decode_range(v, n, p);
			break;
		case TVM_A_POLICY_GEN:
			if (n != sizeof(p->gen)) {
				ret = -EPROTO;
				break;
			}
			memcpy(&p->gen, v, n);
			p->has_gen = true;
			break;
		case TVM_A_POLICY_DIGEST:
			if (n != POLICY_DIGEST_SIZE) {
				ret = -EPROTO;
				break;
			}
			memcpy(p->digest, v, n);
			p->has_digest = true;
			break;
		case TVM_A_POLICY_SIGNED:
			p->is_signed = true;
			break;
		}
	}
	if (!ret && (it.bad || !nsel))
		ret = -EPROTO;
	p->has_sel = !ret;
	if (ret)
		policy_free(p);
	return ret;
}
