// SPDX-License-Identifier: GPL-2.0
/*
 * A struct policy as netlink (policy_json.h): the TVM_A_POLICY attribute
 * tvmctl sends, its canonical encoding (what an owner signs), and the
 * TVM_A_POLICY payload of the kernel's replies back into a struct policy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "policy_json.h"
#include "tvm_log.h"

/*
 * The encoder.  The attributes are written by the kernel's own encoder
 * (kernel/lib/policy_enc.c), not assembled with libnl's nla_put(): the
 * canonical encoding an owner signs must be byte for byte what tvm.ko
 * recomputes, so both sides run the one encoder, and what is sent is that
 * encoder's same tree in host byte order (client.c puts it into the
 * request with libnl).
 */

static void content(const struct policy *p, struct tvm_policy_content *c)
{
	*c = (struct tvm_policy_content){
		.version = p->version,
		.sel = (enum tvm_selector_kind)p->sel.type,
		.uuid = p->sel.uuid,
		.name = p->sel.name,
		.mode = p->mode,
		.key_id = p->has_key ? p->key_id : NULL,
		.revision = p->revision,
		.tombstone = p->tombstone,
		.levels = p->levels,
		.nranges = p->nranges,
		.ranges = p->ranges,
	};
}

int policy_encode(const struct policy *p, uint8_t *buf, size_t size,
		  size_t *len)
{
	struct tvm_policy_content c;
	struct nlattr nla;
	size_t n;
	int ret;

	content(p, &c);
	if (!buf || size < NLA_HDRLEN)
		size = 0;
	ret = tvm_policy_encode(&c, false, size ? buf + NLA_HDRLEN : NULL,
				size ? size - NLA_HDRLEN : 0, &n);
	*len = NLA_HDRLEN + n;
	if (*len > POLICY_ATTR_MAX)
		ret = -E2BIG;
	if (ret)
		return ret;
	nla.nla_len = (uint16_t)*len;
	nla.nla_type = TVM_A_POLICY | NLA_F_NESTED;
	memcpy(buf, &nla, sizeof(nla));
	return 0;
}

int policy_canonical(const struct policy *p, uint8_t *buf, size_t size,
		     size_t *len)
{
	struct tvm_policy_content c;
	int ret;

	content(p, &c);
	ret = tvm_policy_encode(&c, true, buf, size, len);
	/* The payload of an attribute no longer than POLICY_ATTR_MAX. */
	if (*len + NLA_HDRLEN > POLICY_ATTR_MAX)
		ret = -E2BIG;
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
	struct tvm_range *r;
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
