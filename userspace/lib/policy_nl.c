// SPDX-License-Identifier: GPL-2.0
/*
 * A struct policy as netlink (policy_json.h): the TVM_A_POLICY attribute
 * tvmctl sends, its canonical encoding (what an owner signs), and the
 * TVM_A_POLICY payload of the kernel's replies back into a struct policy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

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
		.df = &p->df,
		.mig = &p->mig,
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

/*
 * The decoder, for what the kernel sends back: libnl's parsers, with
 * policies for the lengths.  Every attribute is checked, repeated ones
 * too, so that a malformed reply is refused rather than half read.
 */

#define EXACT(n)	{ .minlen = (n), .maxlen = (n) }

static const struct nla_policy digest_policy[TVM_A_DIGEST_ENTRY_MAX + 1] = {
	[TVM_A_DIGEST_BANK]	= EXACT(sizeof(uint32_t)),
	[TVM_A_DIGEST_VALUE]	= { .minlen = 1, .maxlen = TVM_DIGEST_MAX },
};

static const struct nla_policy level_policy[TVM_A_LEVEL_MAX + 1] = {
	[TVM_A_LEVEL_NUM]	= EXACT(sizeof(uint32_t)),
};

static const struct nla_policy pevent_policy[TVM_A_PEVENT_MAX + 1] = {
	[TVM_A_PEVENT_NAME]	= { .maxlen = TVM_EVENT_NAME_MAX + 1 },
};

static const struct nla_policy range_policy[TVM_A_RANGE_MAX + 1] = {
	[TVM_A_RANGE_GPA]	= EXACT(sizeof(uint64_t)),
	[TVM_A_RANGE_LEN]	= EXACT(sizeof(uint64_t)),
	[TVM_A_RANGE_SHA256]	= EXACT(POLICY_DIGEST_SIZE),
	[TVM_A_RANGE_INTERVAL]	= EXACT(sizeof(uint32_t)),
};

static const struct nla_policy df_policy[TVM_A_DF_MAX + 1] = {
	[TVM_A_DF_DEFAULT]		= EXACT(sizeof(uint32_t)),
	[TVM_A_DF_CHECKPOINT_BYTES]	= EXACT(sizeof(uint64_t)),
	[TVM_A_DF_CHECKPOINT_MS]	= EXACT(sizeof(uint32_t)),
	[TVM_A_DF_PER_MESSAGE]		= EXACT(0),
};

static const struct nla_policy df_rule_policy[TVM_A_DFR_MAX + 1] = {
	[TVM_A_DFR_FROM_ANY]	= EXACT(0),
	[TVM_A_DFR_FROM_HOST]	= EXACT(0),
	[TVM_A_DFR_FROM_NAME]	= { .maxlen = TVM_NAME_MAX + 1 },
	[TVM_A_DFR_FROM_UUID]	= EXACT(TVM_UUID_SIZE),
	[TVM_A_DFR_MIN_TRUST]	= EXACT(sizeof(uint32_t)),
	[TVM_A_DFR_MIN_LEVEL]	= EXACT(sizeof(uint32_t)),
	[TVM_A_DFR_ACTION]	= EXACT(sizeof(uint32_t)),
};

static const struct nla_policy df_ports_policy[TVM_A_DFP_MAX + 1] = {
	[TVM_A_DFP_FIRST]	= EXACT(sizeof(uint32_t)),
	[TVM_A_DFP_LAST]	= EXACT(sizeof(uint32_t)),
};

static const struct nla_policy migp_policy[TVM_A_MIGP_MAX + 1] = {
	[TVM_A_MIGP_PEER]	= EXACT(TVM_MIG_HOST_ID_SIZE),
	[TVM_A_MIGP_TPM_KEY]	= EXACT(32),
};

static const struct nla_policy migp_pcr_policy[TVM_A_MIGPP_MAX + 1] = {
	[TVM_A_MIGPP_INDEX]	= EXACT(sizeof(uint32_t)),
	[TVM_A_MIGPP_SHA256]	= EXACT(POLICY_DIGEST_SIZE),
};

static const struct nla_policy policy_policy[TVM_A_POLICY_MAX + 1] = {
	[TVM_A_POLICY_VERSION]	= EXACT(sizeof(uint32_t)),
	[TVM_A_POLICY_UUID]	= EXACT(TVM_UUID_SIZE),
	[TVM_A_POLICY_NAME]	= { .maxlen = TVM_NAME_MAX + 1 },
	[TVM_A_POLICY_MODE]	= EXACT(sizeof(uint32_t)),
	[TVM_A_POLICY_GEN]	= EXACT(sizeof(uint64_t)),
	[TVM_A_POLICY_DIGEST]	= EXACT(POLICY_DIGEST_SIZE),
	[TVM_A_POLICY_KEY_ID]	= EXACT(TVM_KEY_ID_SIZE),
	[TVM_A_POLICY_REVISION]	= EXACT(sizeof(uint32_t)),
};

/*
 * nla_parse() of the @len bytes at @data, and what it lets pass: an
 * attribute whose header is cut short or runs past the end.
 */
static int parse(struct nlattr **tb, int max, const void *data, size_t len,
		 const struct nla_policy *policy)
{
	struct nlattr *head = (struct nlattr *)data, *a;
	int rem;

	nla_for_each_attr(a, head, (int)len, rem)
		;
	if (rem >= NLA_HDRLEN || nla_parse(tb, max, head, (int)len, policy))
		return -EPROTO;
	return 0;
}

/* A string attribute, with or without its NUL, of at most @max bytes. */
static int get_str(const struct nlattr *a, char *out, size_t max)
{
	const char *data = nla_data(a);
	size_t len = (size_t)nla_len(a);

	if (len && !data[len - 1])
		len--;
	if (len > max || memchr(data, '\0', len))
		return -EPROTO;
	memcpy(out, data, len);
	out[len] = '\0';
	return 0;
}

static int decode_digests(const struct nlattr *list,
			  struct tvm_policy_digest *d, unsigned int *count)
{
	struct nlattr *tb[TVM_A_DIGEST_ENTRY_MAX + 1], *a;
	uint32_t bank;
	int rem;

	*count = 0;
	if (parse(tb, 0, nla_data(list), (size_t)nla_len(list), NULL))
		return -EPROTO;
	nla_for_each_nested(a, list, rem) {
		if (nla_type(a) != TVM_A_DIGEST)
			continue;
		if (*count == TVM_POLICY_DIGESTS_MAX ||
		    parse(tb, TVM_A_DIGEST_ENTRY_MAX, nla_data(a),
			  (size_t)nla_len(a), digest_policy) ||
		    !tb[TVM_A_DIGEST_BANK] || !tb[TVM_A_DIGEST_VALUE])
			return -EPROTO;
		bank = nla_get_u32(tb[TVM_A_DIGEST_BANK]);
		if (bank >= __TVM_BANK_MAX ||
		    nla_len(tb[TVM_A_DIGEST_VALUE]) != tvm_banks[bank].size)
			return -EPROTO;
		d[*count].bank = (uint8_t)bank;
		memcpy(d[*count].value, nla_data(tb[TVM_A_DIGEST_VALUE]),
		       tvm_banks[bank].size);
		(*count)++;
	}
	return 0;
}

static int decode_event(const struct nlattr *attr,
			struct tvm_policy_event *ev)
{
	struct nlattr *tb[TVM_A_PEVENT_MAX + 1], *a;
	bool has_digests = false;
	int rem;

	if (parse(tb, TVM_A_PEVENT_MAX, nla_data(attr), (size_t)nla_len(attr),
		  pevent_policy) || !tb[TVM_A_PEVENT_NAME])
		return -EPROTO;
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == TVM_A_PEVENT_NAME) {
			if (get_str(a, ev->name, TVM_EVENT_NAME_MAX))
				return -EPROTO;
		} else if (nla_type(a) == TVM_A_PEVENT_DIGESTS) {
			if (decode_digests(a, ev->digests, &ev->ndigests))
				return -EPROTO;
			has_digests = true;
		}
	}
	return !has_digests || !ev->name[0] ? -EPROTO : 0;
}

static int decode_level(const struct nlattr *attr, struct policy *p)
{
	struct nlattr *tb[TVM_A_LEVEL_MAX + 1], *a;
	struct tvm_policy_event *grown;
	struct tvm_policy_level *lv;
	uint32_t num;
	int rem, ret;

	if (parse(tb, TVM_A_LEVEL_MAX, nla_data(attr), (size_t)nla_len(attr),
		  level_policy))
		return -EPROTO;
	num = tb[TVM_A_LEVEL_NUM] ? nla_get_u32(tb[TVM_A_LEVEL_NUM]) : 0;
	if (num > TVM_POLICY_LEVELS || p->levels[num].present)
		return -EPROTO;
	lv = &p->levels[num];
	lv->present = true;
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == TVM_A_LEVEL_EVENT) {
			if (lv->nevents == TVM_POLICY_EVENTS_MAX)
				return -EPROTO;
			grown = realloc(lv->events, (lv->nevents + 1) *
						    sizeof(*lv->events));
			if (!grown)
				return -ENOMEM;
			lv->events = grown;
			memset(&lv->events[lv->nevents], 0,
			       sizeof(*lv->events));
			ret = decode_event(a, &lv->events[lv->nevents]);
			if (ret)
				return ret;
			lv->nevents++;
		} else if (nla_type(a) == TVM_A_LEVEL_PCR) {
			ret = decode_digests(a, lv->pcr, &lv->npcr);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int decode_range(const struct nlattr *attr, struct policy *p)
{
	struct nlattr *tb[TVM_A_RANGE_MAX + 1];
	struct tvm_range *r;

	if (p->nranges == TVM_POLICY_RANGES_MAX ||
	    parse(tb, TVM_A_RANGE_MAX, nla_data(attr), (size_t)nla_len(attr),
		  range_policy) ||
	    !tb[TVM_A_RANGE_GPA] || !tb[TVM_A_RANGE_LEN] ||
	    !tb[TVM_A_RANGE_SHA256])
		return -EPROTO;
	r = &p->ranges[p->nranges++];
	memset(r, 0, sizeof(*r));
	r->gpa = nla_get_u64(tb[TVM_A_RANGE_GPA]);
	r->len = nla_get_u64(tb[TVM_A_RANGE_LEN]);
	memcpy(r->sha256, nla_data(tb[TVM_A_RANGE_SHA256]), sizeof(r->sha256));
	if (tb[TVM_A_RANGE_INTERVAL])
		r->interval_ms = nla_get_u32(tb[TVM_A_RANGE_INTERVAL]);
	return 0;
}

static int decode_df_rule(const struct nlattr *attr, struct tvm_df_rule *r)
{
	struct nlattr *tb[TVM_A_DFR_MAX + 1], *pt[TVM_A_DFP_MAX + 1], *a;
	int rem, n;

	if (parse(tb, TVM_A_DFR_MAX, nla_data(attr), (size_t)nla_len(attr),
		  df_rule_policy))
		return -EPROTO;
	n = !!tb[TVM_A_DFR_FROM_ANY] + !!tb[TVM_A_DFR_FROM_HOST] +
	    !!tb[TVM_A_DFR_FROM_NAME] + !!tb[TVM_A_DFR_FROM_UUID];
	if (n != 1)
		return -EPROTO;
	r->from = TVM_DF_FROM_ANY;
	if (tb[TVM_A_DFR_FROM_HOST]) {
		r->from = TVM_DF_FROM_HOST;
	} else if (tb[TVM_A_DFR_FROM_NAME]) {
		r->from = TVM_DF_FROM_NAME;
		if (get_str(tb[TVM_A_DFR_FROM_NAME], r->name, TVM_NAME_MAX) ||
		    !r->name[0])
			return -EPROTO;
	} else if (tb[TVM_A_DFR_FROM_UUID]) {
		r->from = TVM_DF_FROM_UUID;
		memcpy(r->uuid, nla_data(tb[TVM_A_DFR_FROM_UUID]),
		       TVM_UUID_SIZE);
	}
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_DFR_PORTS)
			continue;
		if (r->nports == TVM_DF_PORT_RANGES_MAX ||
		    parse(pt, TVM_A_DFP_MAX, nla_data(a), (size_t)nla_len(a),
			  df_ports_policy) ||
		    !pt[TVM_A_DFP_FIRST] || !pt[TVM_A_DFP_LAST])
			return -EPROTO;
		r->ports[r->nports].first = nla_get_u32(pt[TVM_A_DFP_FIRST]);
		r->ports[r->nports].last = nla_get_u32(pt[TVM_A_DFP_LAST]);
		if (r->ports[r->nports].last < r->ports[r->nports].first)
			return -EPROTO;
		r->nports++;
	}
	r->min_trust = tb[TVM_A_DFR_MIN_TRUST] ?
		       nla_get_u32(tb[TVM_A_DFR_MIN_TRUST]) :
		       TVM_TRUST_UNTRUSTED;
	r->min_level = tb[TVM_A_DFR_MIN_LEVEL] ?
		       nla_get_u32(tb[TVM_A_DFR_MIN_LEVEL]) : 0;
	r->action = tb[TVM_A_DFR_ACTION] ? nla_get_u32(tb[TVM_A_DFR_ACTION]) :
					   TVM_DF_BLOCK;
	if (!policy_trust_name(r->min_trust) ||
	    r->min_level > TVM_POLICY_LEVELS ||
	    !policy_df_action_name(r->action))
		return -EPROTO;
	return 0;
}

/* The dataflow section, once; defaults as the kernel takes them. */
static int decode_df(const struct nlattr *attr, struct policy *p)
{
	struct tvm_df_section *df = &p->df;
	struct nlattr *tb[TVM_A_DF_MAX + 1], *a;
	struct tvm_df_rule *grown;
	int rem, ret;

	if (df->present ||
	    parse(tb, TVM_A_DF_MAX, nla_data(attr), (size_t)nla_len(attr),
		  df_policy))
		return -EPROTO;
	df->present = true;
	df->default_action = tb[TVM_A_DF_DEFAULT] ?
			     nla_get_u32(tb[TVM_A_DF_DEFAULT]) : TVM_DF_BLOCK;
	if (!policy_df_action_name(df->default_action))
		return -EPROTO;
	if (tb[TVM_A_DF_CHECKPOINT_BYTES])
		df->checkpoint_bytes =
			nla_get_u64(tb[TVM_A_DF_CHECKPOINT_BYTES]);
	if (tb[TVM_A_DF_CHECKPOINT_MS])
		df->checkpoint_ms = nla_get_u32(tb[TVM_A_DF_CHECKPOINT_MS]);
	df->per_message = tb[TVM_A_DF_PER_MESSAGE];
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_DF_RULE)
			continue;
		if (df->nrules == TVM_DF_RULES_MAX)
			return -EPROTO;
		grown = realloc(df->rules, (df->nrules + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		df->rules = grown;
		memset(&df->rules[df->nrules], 0, sizeof(*grown));
		ret = decode_df_rule(a, &df->rules[df->nrules]);
		if (ret)
			return ret;
		df->nrules++;
	}
	return 0;
}

/* One platform PCR of the migration section, once per PCR. */
static int decode_migp_pcr(const struct nlattr *attr,
			   struct tvm_mig_section *m)
{
	struct nlattr *tb[TVM_A_MIGPP_MAX + 1], *a;
	struct tvm_migp_pcr *pcr;
	uint32_t index;
	int rem;

	if (parse(tb, TVM_A_MIGPP_MAX, nla_data(attr), (size_t)nla_len(attr),
		  migp_pcr_policy) || !tb[TVM_A_MIGPP_INDEX])
		return -EPROTO;
	index = nla_get_u32(tb[TVM_A_MIGPP_INDEX]);
	if (index >= TVM_MIGP_PCRS || m->pcrs[index].nvalues)
		return -EPROTO;
	pcr = &m->pcrs[index];
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_MIGPP_SHA256)
			continue;
		if (pcr->nvalues == TVM_POLICY_DIGESTS_MAX)
			return -EPROTO;
		memcpy(pcr->values[pcr->nvalues++], nla_data(a),
		       POLICY_DIGEST_SIZE);
	}
	return pcr->nvalues ? 0 : -EPROTO;
}

/* The migration section, once. */
static int decode_mig(const struct nlattr *attr, struct policy *p)
{
	struct tvm_mig_section *m = &p->mig;
	struct nlattr *tb[TVM_A_MIGP_MAX + 1], *a;
	int rem, ret;

	if (m->present ||
	    parse(tb, TVM_A_MIGP_MAX, nla_data(attr), (size_t)nla_len(attr),
		  migp_policy))
		return -EPROTO;
	m->present = true;
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == TVM_A_MIGP_PLATFORM) {
			ret = decode_migp_pcr(a, m);
			if (ret)
				return ret;
		} else if (nla_type(a) == TVM_A_MIGP_PEER) {
			if (m->npeers == TVM_MIGP_PEERS_MAX)
				return -EPROTO;
			memcpy(m->peers[m->npeers++], nla_data(a),
			       TVM_MIG_HOST_ID_SIZE);
		} else if (nla_type(a) == TVM_A_MIGP_TPM_KEY) {
			if (m->ntpm_keys == TVM_MIGP_TPM_KEYS_MAX)
				return -EPROTO;
			memcpy(m->tpm_keys[m->ntpm_keys++], nla_data(a), 32);
		}
	}
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
static int decode_sel(const struct nlattr *a, struct policy *p,
		      unsigned int *nsel)
{
	struct policy_sel sel = { .type = POLICY_SEL_DEFAULT };

	if (nla_type(a) == TVM_A_POLICY_UUID) {
		sel.type = POLICY_SEL_UUID;
		memcpy(sel.uuid, nla_data(a), TVM_UUID_SIZE);
	} else if (nla_type(a) == TVM_A_POLICY_NAME) {
		sel.type = POLICY_SEL_NAME;
		if (get_str(a, sel.name, TVM_NAME_MAX))
			return -EPROTO;
	}
	if ((*nsel)++ && !same_sel(&p->sel, &sel))
		return -EPROTO;
	p->sel = sel;
	return 0;
}

/*
 * What each repeated attribute must be, in order: selectors that agree,
 * levels, ranges, and modes of enum tvm_policy_mode.
 */
static int decode_repeated(const void *payload, size_t len,
			   struct policy *p)
{
	struct nlattr *a;
	unsigned int nsel = 0;
	int rem, ret = 0;

	nla_for_each_attr(a, (struct nlattr *)payload, (int)len, rem) {
		switch (nla_type(a)) {
		case TVM_A_POLICY_MODE:
			if (!policy_mode_name(nla_get_u32(a)))
				ret = -EPROTO;
			break;
		case TVM_A_POLICY_UUID:
		case TVM_A_POLICY_NAME:
		case TVM_A_POLICY_DEFAULT:
			ret = decode_sel(a, p, &nsel);
			break;
		case TVM_A_POLICY_LEVEL:
			ret = decode_level(a, p);
			break;
		case TVM_A_POLICY_RUNTIME:
			ret = decode_range(a, p);
			break;
		case TVM_A_POLICY_DATAFLOW:
			ret = decode_df(a, p);
			break;
		case TVM_A_POLICY_MIGRATION:
			ret = decode_mig(a, p);
			break;
		}
		if (ret)
			return ret;
	}
	return nsel ? 0 : -EPROTO;
}

int policy_decode(const void *payload, size_t len, struct policy *p)
{
	struct nlattr *tb[TVM_A_POLICY_MAX + 1];
	int ret;

	memset(p, 0, sizeof(*p));
	ret = parse(tb, TVM_A_POLICY_MAX, payload, len, policy_policy);
	if (!ret)
		ret = decode_repeated(payload, len, p);
	if (ret)
		goto out;
	if (tb[TVM_A_POLICY_VERSION])
		p->version = nla_get_u32(tb[TVM_A_POLICY_VERSION]);
	p->mode = tb[TVM_A_POLICY_MODE] ?
		  nla_get_u32(tb[TVM_A_POLICY_MODE]) : TVM_POLICY_AUDIT;
	if (tb[TVM_A_POLICY_KEY_ID]) {
		memcpy(p->key_id, nla_data(tb[TVM_A_POLICY_KEY_ID]),
		       TVM_KEY_ID_SIZE);
		p->has_key = true;
	}
	if (tb[TVM_A_POLICY_REVISION])
		p->revision = nla_get_u32(tb[TVM_A_POLICY_REVISION]);
	p->tombstone = tb[TVM_A_POLICY_TOMBSTONE];
	if (tb[TVM_A_POLICY_GEN]) {
		p->gen = nla_get_u64(tb[TVM_A_POLICY_GEN]);
		p->has_gen = true;
	}
	if (tb[TVM_A_POLICY_DIGEST]) {
		memcpy(p->digest, nla_data(tb[TVM_A_POLICY_DIGEST]),
		       POLICY_DIGEST_SIZE);
		p->has_digest = true;
	}
	p->is_signed = tb[TVM_A_POLICY_SIGNED];
out:
	p->has_sel = !ret;
	if (ret)
		policy_free(p);
	return ret;
}
