// SPDX-License-Identifier: GPL-2.0
/*
 * Policies: parsing and strict validation of TVM_A_POLICY, its digest
 * (the SHA-256 of the canonical encoding kernel/lib/policy_enc.c writes,
 * the same code tvmctl signs with), owner signatures and the owner
 * keyring, the pins that bind a selector to its owner's key
 * (anti-rollback), the store, and judging a VM's events and PCR values by
 * its policy (through kernel/lib/policy_eval.c).  Documentation/policy.rst
 * describes the semantics.
 */

#include <crypto/public_key.h>
#include <keys/asymmetric-subtype.h>
#include <keys/asymmetric-type.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/key.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <asm/unaligned.h>

#include "bank.h"
#include "ima.h"
#include "netlink.h"
#include "migrate.h"
#include "policy.h"
#include "trust.h"
#include "tvm_log.h"
#include "vm.h"

unsigned int tvm_max_policies = 1024;
module_param_named(max_policies, tvm_max_policies, uint, 0444);
MODULE_PARM_DESC(max_policies, "Most policies loaded at once (default 1024)");

/**
 * struct tvm_policy_pin - a selector bound to its owner's key
 * @node: in pins
 * @sel: the selector
 * @key_id: the key of the first signed policy loaded for @sel
 * @revision: the highest revision loaded or deleted for @sel: the
 *	high-water mark, kept after the policy is deleted
 */
struct tvm_policy_pin {
	struct list_head node;
	struct tvm_selector sel;
	u8 key_id[TVM_KEY_ID_SIZE];
	u32 revision;
};

/*
 * tvm_policy_lock protects changes to policies, by_uuid, by_name,
 * default_policy, policy_count, policy_gen and list_gen, and pins and
 * pin_count (only loads and deletes read those); readers of the policies
 * use RCU, or hold a reference (@ref in struct tvm_policy), which keeps
 * one policy whole but not in the list.  The list is for dumps; lookups
 * for a VM go through the hash tables and default_policy, in O(1).  Pins
 * are never removed while the module is loaded; there are at most
 * max_policies of them.
 */
static DEFINE_MUTEX(tvm_policy_lock);
static LIST_HEAD(pins);
static unsigned int pin_count;
/* The owner keyring, TVM_OWNER_KEYRING; set at init, never changes. */
static struct key *owner_keyring;
static LIST_HEAD(policies);
static DEFINE_HASHTABLE(by_uuid, 8);
static DEFINE_HASHTABLE(by_name, 8);
static struct tvm_policy __rcu *default_policy;
static unsigned int policy_count;
static u64 policy_gen;		/* last generation handed out */
static unsigned int list_gen;	/* changes with the list, for dumps */

/* --- validation ---------------------------------------------------------- */

static const struct nla_policy pevent_policy[TVM_A_PEVENT_MAX + 1] = {
	[TVM_A_PEVENT_NAME] = { .type = NLA_NUL_STRING,
				.len = TVM_EVENT_NAME_MAX },
	[TVM_A_PEVENT_DIGESTS] = NLA_POLICY_NESTED(tvm_digest_list_policy),
};

static const struct nla_policy level_policy[TVM_A_LEVEL_MAX + 1] = {
	[TVM_A_LEVEL_NUM] = NLA_POLICY_RANGE(NLA_U32, TVM_POLICY_LEVEL_VMM,
					     TVM_POLICY_LEVELS),
	[TVM_A_LEVEL_EVENT] = NLA_POLICY_NESTED(pevent_policy),
	[TVM_A_LEVEL_PCR] = NLA_POLICY_NESTED(tvm_digest_list_policy),
};

/* Not const: 6.1's struct nla_policy points at a mutable one. */
static struct netlink_range_validation len_limits = {
	.min = 1,
	.max = TVM_RANGE_LEN_MAX,
};

static struct netlink_range_validation interval_limits = {
	.min = 0,
	.max = TVM_RANGE_INTERVAL_MAX,
};

static const struct nla_policy range_policy[TVM_A_RANGE_MAX + 1] = {
	[TVM_A_RANGE_GPA] = { .type = NLA_U64 },
	[TVM_A_RANGE_LEN] = NLA_POLICY_FULL_RANGE(NLA_U64, &len_limits),
	[TVM_A_RANGE_SHA256] = NLA_POLICY_EXACT_LEN(32),
	[TVM_A_RANGE_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &interval_limits),
};

static const struct nla_policy df_ports_policy[TVM_A_DFP_MAX + 1] = {
	[TVM_A_DFP_FIRST] = { .type = NLA_U32 },
	[TVM_A_DFP_LAST] = { .type = NLA_U32 },
};

static const struct nla_policy df_rule_policy[TVM_A_DFR_MAX + 1] = {
	[TVM_A_DFR_FROM_ANY] = { .type = NLA_FLAG },
	[TVM_A_DFR_FROM_HOST] = { .type = NLA_FLAG },
	[TVM_A_DFR_FROM_NAME] = { .type = NLA_NUL_STRING, .len = TVM_NAME_MAX },
	[TVM_A_DFR_FROM_UUID] = NLA_POLICY_EXACT_LEN(TVM_UUID_SIZE),
	[TVM_A_DFR_PORTS] = NLA_POLICY_NESTED(df_ports_policy),
	[TVM_A_DFR_MIN_TRUST] = NLA_POLICY_RANGE(NLA_U32, TVM_TRUST_PENDING,
						 TVM_TRUST_UNKNOWN),
	[TVM_A_DFR_MIN_LEVEL] = NLA_POLICY_MAX(NLA_U32, TVM_POLICY_LEVELS),
	[TVM_A_DFR_ACTION] = NLA_POLICY_MAX(NLA_U32, TVM_DF_ACTION_MAX),
};

static struct netlink_range_validation checkpoint_ms_limits = {
	.min = 0,
	.max = TVM_DF_CHECKPOINT_MS_MAX,
};

static const struct nla_policy df_policy[TVM_A_DF_MAX + 1] = {
	[TVM_A_DF_DEFAULT] = NLA_POLICY_MAX(NLA_U32, TVM_DF_ACTION_MAX),
	[TVM_A_DF_CHECKPOINT_BYTES] = { .type = NLA_U64 },
	[TVM_A_DF_CHECKPOINT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &checkpoint_ms_limits),
	[TVM_A_DF_PER_MESSAGE] = { .type = NLA_FLAG },
	[TVM_A_DF_RULE] = NLA_POLICY_NESTED(df_rule_policy),
};

static const struct nla_policy migp_pcr_policy[TVM_A_MIGPP_MAX + 1] = {
	[TVM_A_MIGPP_INDEX] = NLA_POLICY_MAX(NLA_U32, TVM_MIGP_PCRS - 1),
	[TVM_A_MIGPP_SHA256] = NLA_POLICY_EXACT_LEN(32),
};

static const struct nla_policy migp_policy[TVM_A_MIGP_MAX + 1] = {
	[TVM_A_MIGP_PEER] = NLA_POLICY_EXACT_LEN(TVM_MIG_HOST_ID_SIZE),
	[TVM_A_MIGP_PLATFORM] = NLA_POLICY_NESTED(migp_pcr_policy),
	[TVM_A_MIGP_TPM_KEY] = NLA_POLICY_EXACT_LEN(32),
};

const struct nla_policy tvm_policy_attr_policy[TVM_A_POLICY_MAX + 1] = {
	[TVM_A_POLICY_VERSION] = NLA_POLICY_RANGE(NLA_U32, TVM_POLICY_VERSION,
						  TVM_POLICY_VERSION),
	[TVM_A_POLICY_UUID] = NLA_POLICY_EXACT_LEN(TVM_UUID_SIZE),
	[TVM_A_POLICY_NAME] = { .type = NLA_NUL_STRING, .len = TVM_NAME_MAX },
	[TVM_A_POLICY_DEFAULT] = { .type = NLA_FLAG },
	[TVM_A_POLICY_MODE] = NLA_POLICY_RANGE(NLA_U32, TVM_POLICY_AUDIT,
					       TVM_POLICY_ENFORCE),
	[TVM_A_POLICY_OWNER_KEY] = {
		.type = NLA_REJECT,
		.reject_message = "owner keys are named by KEY_ID since ABI 6",
	},
	[TVM_A_POLICY_LEVEL] = NLA_POLICY_NESTED(level_policy),
	[TVM_A_POLICY_RUNTIME] = NLA_POLICY_NESTED(range_policy),
	[TVM_A_POLICY_KEY_ID] = NLA_POLICY_EXACT_LEN(TVM_KEY_ID_SIZE),
	[TVM_A_POLICY_REVISION] = { .type = NLA_U32 },
	[TVM_A_POLICY_TOMBSTONE] = { .type = NLA_FLAG },
	[TVM_A_POLICY_DATAFLOW] = NLA_POLICY_NESTED(df_policy),
	[TVM_A_POLICY_MIGRATION] = NLA_POLICY_NESTED(migp_policy),
};

/* Each attribute type in @once may appear at most once in @nest. */
static int check_once(const struct nlattr *nest, unsigned long once,
		      struct netlink_ext_ack *extack)
{
	unsigned long seen = 0;
	const struct nlattr *a;
	int rem, type;

	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type >= BITS_PER_LONG || !(once & BIT(type)))
			continue;
		if (seen & BIT(type)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "attribute given twice");
			return -EINVAL;
		}
		seen |= BIT(type);
	}
	return 0;
}

/*
 * A string is its text and one NUL: bytes after the NUL would be echoed
 * and hashed as part of the payload but never read, so the policy would
 * say more than the kernel checks.
 */
static int check_string(const struct nlattr *a, struct netlink_ext_ack *extack)
{
	if (strnlen(nla_data(a), nla_len(a)) + 1 != nla_len(a)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a string has bytes after its NUL");
		return -EINVAL;
	}
	return 0;
}

static int parse_digests(const struct nlattr *list,
			 struct tvm_policy_digest *out, unsigned int *n,
			 struct netlink_ext_ack *extack)
{
	const struct nlattr *e;
	unsigned int bank, i;
	const u8 *value;
	int rem, ret;

	nla_for_each_nested(e, list, rem) {
		if (*n == TVM_POLICY_DIGESTS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, e, "too many digests");
			return -E2BIG;
		}
		ret = check_once(e, BIT(TVM_A_DIGEST_BANK) |
				 BIT(TVM_A_DIGEST_VALUE), extack);
		if (ret)
			return ret;
		/* Any bank: a policy is not for one VM's banks. */
		value = tvm_digest_parse(e, TVM_BANKS_ALL, NULL, &bank, extack);
		if (IS_ERR(value))
			return PTR_ERR(value);
		for (i = 0; i < *n; i++) {
			if (out[i].bank == bank &&
			    !memcmp(out[i].value, value,
				    tvm_banks[bank].size)) {
				NL_SET_ERR_MSG_ATTR(extack, e,
						    "digest listed twice");
				return -EINVAL;
			}
		}
		out[*n].bank = bank;
		memcpy(out[*n].value, value, tvm_banks[bank].size);
		++*n;
	}
	if (!*n) {
		NL_SET_ERR_MSG_ATTR(extack, list, "empty list of digests");
		return -EINVAL;
	}
	return 0;
}

static int parse_event(const struct nlattr *attr, struct tvm_policy_event *ev,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_PEVENT_MAX + 1];
	int ret;

	ret = check_once(attr, BIT(TVM_A_PEVENT_NAME) |
			 BIT(TVM_A_PEVENT_DIGESTS), extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_PEVENT_MAX, attr, pevent_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[TVM_A_PEVENT_NAME] || !tb[TVM_A_PEVENT_DIGESTS]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "an event needs a name and digests");
		return -EINVAL;
	}
	ret = check_string(tb[TVM_A_PEVENT_NAME], extack);
	if (ret)
		return ret;
	nla_strscpy(ev->name, tb[TVM_A_PEVENT_NAME], sizeof(ev->name));
	if (!ev->name[0]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_PEVENT_NAME],
				    "empty event name");
		return -EINVAL;
	}
	return parse_digests(tb[TVM_A_PEVENT_DIGESTS], ev->digests,
			     &ev->ndigests, extack);
}

static int parse_level(const struct nlattr *attr, struct tvm_policy *p,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_LEVEL_MAX + 1];
	struct tvm_policy_level *l;
	const struct nlattr *a;
	unsigned int n = 0, i;
	int rem, ret;

	ret = check_once(attr, BIT(TVM_A_LEVEL_NUM) | BIT(TVM_A_LEVEL_PCR),
			 extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_LEVEL_MAX, attr, level_policy, extack);
	if (ret)
		return ret;
	if (!tb[TVM_A_LEVEL_NUM]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a level needs its number");
		return -EINVAL;
	}
	l = &p->levels[nla_get_u32(tb[TVM_A_LEVEL_NUM])];
	if (l == &p->levels[TVM_POLICY_LEVEL_VMM] && tb[TVM_A_LEVEL_PCR]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_LEVEL_PCR],
				    "level 0 (vmm) takes events only, no PCR values");
		return -EINVAL;
	}
	if (l->present) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_LEVEL_NUM],
				    "level given twice");
		return -EINVAL;
	}
	l->present = true;

	nla_for_each_nested(a, attr, rem)
		if (nla_type(a) == TVM_A_LEVEL_EVENT)
			n++;
	if (n > TVM_POLICY_EVENTS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "too many events in a level");
		return -E2BIG;
	}
	/* policy.rst: an empty level is left out, not sent. */
	if (!n && !tb[TVM_A_LEVEL_PCR]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a level needs events or PCR values");
		return -EINVAL;
	}
	if (n) {
		l->events = kvcalloc(n, sizeof(*l->events), GFP_KERNEL_ACCOUNT);
		if (!l->events)
			return -ENOMEM;
	}
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_LEVEL_EVENT)
			continue;
		ret = parse_event(a, &l->events[l->nevents], extack);
		if (ret)
			return ret;
		for (i = 0; i < l->nevents; i++) {
			if (!strcmp(l->events[i].name,
				    l->events[l->nevents].name)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "event listed twice in a level");
				return -EINVAL;
			}
		}
		l->nevents++;
	}
	if (tb[TVM_A_LEVEL_PCR]) {
		ret = parse_digests(tb[TVM_A_LEVEL_PCR], l->pcr, &l->npcr,
				    extack);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_range(const struct nlattr *attr, struct tvm_policy *p,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_RANGE_MAX + 1];
	struct tvm_range *r;
	unsigned int i;
	u64 end;
	int ret;

	if (p->nranges == TVM_POLICY_RANGES_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "too many runtime ranges (TVM_POLICY_RANGES_MAX)");
		return -E2BIG;
	}
	ret = check_once(attr, BIT(TVM_A_RANGE_GPA) | BIT(TVM_A_RANGE_LEN) |
			 BIT(TVM_A_RANGE_SHA256) | BIT(TVM_A_RANGE_INTERVAL),
			 extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_RANGE_MAX, attr, range_policy, extack);
	if (ret)
		return ret;
	if (!tb[TVM_A_RANGE_GPA] || !tb[TVM_A_RANGE_LEN] ||
	    !tb[TVM_A_RANGE_SHA256]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a runtime range needs a GPA, a length and a SHA-256");
		return -EINVAL;
	}
	r = &p->ranges[p->nranges];
	r->gpa = nla_get_u64(tb[TVM_A_RANGE_GPA]);
	r->len = nla_get_u64(tb[TVM_A_RANGE_LEN]);
	if (check_add_overflow(r->gpa, r->len, &end)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_RANGE_LEN],
				    "runtime range wraps around the address space");
		return -EINVAL;
	}
	/* Twice, it is measured twice, and with two digests one mismatches. */
	for (i = 0; i < p->nranges; i++) {
		if (p->ranges[i].gpa == r->gpa && p->ranges[i].len == r->len) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "runtime range listed twice");
			return -EINVAL;
		}
	}
	memcpy(r->sha256, nla_data(tb[TVM_A_RANGE_SHA256]), sizeof(r->sha256));
	r->interval_ms = tb[TVM_A_RANGE_INTERVAL] ?
			 nla_get_u32(tb[TVM_A_RANGE_INTERVAL]) : 0;
	if (r->interval_ms && r->interval_ms < TVM_RANGE_INTERVAL_MIN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_RANGE_INTERVAL],
				    "interval is 0 or at least TVM_RANGE_INTERVAL_MIN ms");
		return -ERANGE;
	}
	p->nranges++;
	return 0;
}

static int parse_df_ports(const struct nlattr *attr, struct tvm_df_rule *r,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_DFP_MAX + 1];
	struct tvm_df_ports *pr;
	unsigned int i;
	int ret;

	if (r->nports == TVM_DF_PORT_RANGES_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "too many port ranges in a dataflow rule (TVM_DF_PORT_RANGES_MAX)");
		return -E2BIG;
	}
	ret = check_once(attr, BIT(TVM_A_DFP_FIRST) | BIT(TVM_A_DFP_LAST),
			 extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_DFP_MAX, attr, df_ports_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[TVM_A_DFP_FIRST] || !tb[TVM_A_DFP_LAST]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a port range needs its first and last port");
		return -EINVAL;
	}
	pr = &r->ports[r->nports];
	pr->first = nla_get_u32(tb[TVM_A_DFP_FIRST]);
	pr->last = nla_get_u32(tb[TVM_A_DFP_LAST]);
	if (pr->last < pr->first) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_DFP_LAST],
				    "a port range ends below its first port");
		return -EINVAL;
	}
	/* As tvmctl refuses it: a rule lists each range once. */
	for (i = 0; i < r->nports; i++)
		if (r->ports[i].first == pr->first &&
		    r->ports[i].last == pr->last) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "a port range is listed twice in one dataflow rule");
			return -EINVAL;
		}
	r->nports++;
	return 0;
}

static int parse_df_rule(const struct nlattr *attr, struct tvm_df_section *df,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_DFR_MAX + 1];
	struct tvm_df_rule *r = &df->rules[df->nrules];
	const struct nlattr *a;
	int rem, ret, n;

	ret = check_once(attr, BIT(TVM_A_DFR_FROM_ANY) |
			 BIT(TVM_A_DFR_FROM_HOST) | BIT(TVM_A_DFR_FROM_NAME) |
			 BIT(TVM_A_DFR_FROM_UUID) | BIT(TVM_A_DFR_MIN_TRUST) |
			 BIT(TVM_A_DFR_MIN_LEVEL) | BIT(TVM_A_DFR_ACTION),
			 extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_DFR_MAX, attr, df_rule_policy,
			       extack);
	if (ret)
		return ret;
	n = !!tb[TVM_A_DFR_FROM_ANY] + !!tb[TVM_A_DFR_FROM_HOST] +
	    !!tb[TVM_A_DFR_FROM_NAME] + !!tb[TVM_A_DFR_FROM_UUID];
	if (n != 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a dataflow rule is from exactly one of any, the host, a VM name or a VM UUID");
		return -EINVAL;
	}
	if (tb[TVM_A_DFR_FROM_HOST]) {
		r->from = TVM_DF_FROM_HOST;
	} else if (tb[TVM_A_DFR_FROM_NAME]) {
		r->from = TVM_DF_FROM_NAME;
		ret = check_string(tb[TVM_A_DFR_FROM_NAME], extack);
		if (ret)
			return ret;
		nla_strscpy(r->name, tb[TVM_A_DFR_FROM_NAME], sizeof(r->name));
		/* A name no VM can have would match none. */
		if (!tvm_vm_name_valid(r->name, extack)) {
			NL_SET_BAD_ATTR(extack, tb[TVM_A_DFR_FROM_NAME]);
			return -EINVAL;
		}
	} else if (tb[TVM_A_DFR_FROM_UUID]) {
		r->from = TVM_DF_FROM_UUID;
		memcpy(r->uuid, nla_data(tb[TVM_A_DFR_FROM_UUID]),
		       TVM_UUID_SIZE);
	} else {
		r->from = TVM_DF_FROM_ANY;
	}
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_DFR_PORTS)
			continue;
		ret = parse_df_ports(a, r, extack);
		if (ret)
			return ret;
	}
	r->min_trust = tb[TVM_A_DFR_MIN_TRUST] ?
		       nla_get_u32(tb[TVM_A_DFR_MIN_TRUST]) :
		       TVM_TRUST_UNTRUSTED;
	r->min_level = tb[TVM_A_DFR_MIN_LEVEL] ?
		       nla_get_u32(tb[TVM_A_DFR_MIN_LEVEL]) : 0;
	r->action = tb[TVM_A_DFR_ACTION] ? nla_get_u32(tb[TVM_A_DFR_ACTION]) :
					   TVM_DF_BLOCK;
	df->nrules++;
	return 0;
}

static int parse_dataflow(const struct nlattr *attr, struct tvm_policy *p,
			  struct netlink_ext_ack *extack)
{
	struct tvm_df_section *df = &p->df;
	struct nlattr *tb[TVM_A_DF_MAX + 1];
	const struct nlattr *a;
	unsigned int n = 0;
	int rem, ret;

	if (df->present) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "dataflow section given twice");
		return -EINVAL;
	}
	ret = check_once(attr, BIT(TVM_A_DF_DEFAULT) |
			 BIT(TVM_A_DF_CHECKPOINT_BYTES) |
			 BIT(TVM_A_DF_CHECKPOINT_MS) |
			 BIT(TVM_A_DF_PER_MESSAGE), extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_DF_MAX, attr, df_policy, extack);
	if (ret)
		return ret;
	df->present = true;
	df->default_action = tb[TVM_A_DF_DEFAULT] ?
			     nla_get_u32(tb[TVM_A_DF_DEFAULT]) : TVM_DF_BLOCK;
	if (tb[TVM_A_DF_CHECKPOINT_BYTES]) {
		df->checkpoint_bytes =
			nla_get_u64(tb[TVM_A_DF_CHECKPOINT_BYTES]);
		if (df->checkpoint_bytes &&
		    df->checkpoint_bytes < TVM_DF_CHECKPOINT_BYTES_MIN) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[TVM_A_DF_CHECKPOINT_BYTES],
					    "checkpoint bytes are 0 or at least TVM_DF_CHECKPOINT_BYTES_MIN");
			return -ERANGE;
		}
	}
	if (tb[TVM_A_DF_CHECKPOINT_MS]) {
		df->checkpoint_ms = nla_get_u32(tb[TVM_A_DF_CHECKPOINT_MS]);
		if (df->checkpoint_ms &&
		    df->checkpoint_ms < TVM_DF_CHECKPOINT_MS_MIN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_DF_CHECKPOINT_MS],
					    "checkpoint interval is 0 or at least TVM_DF_CHECKPOINT_MS_MIN ms");
			return -ERANGE;
		}
	}
	df->per_message = tb[TVM_A_DF_PER_MESSAGE];

	nla_for_each_nested(a, attr, rem)
		if (nla_type(a) == TVM_A_DF_RULE)
			n++;
	if (n > TVM_DF_RULES_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "too many dataflow rules (TVM_DF_RULES_MAX)");
		return -E2BIG;
	}
	if (n) {
		df->rules = kvcalloc(n, sizeof(*df->rules), GFP_KERNEL_ACCOUNT);
		if (!df->rules)
			return -ENOMEM;
	}
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_DF_RULE)
			continue;
		ret = parse_df_rule(a, df, extack);
		if (ret)
			return ret;
	}
	return 0;
}

/* One platform PCR's accepted values (TVM_A_MIGP_PLATFORM). */
static int parse_migp_pcr(const struct nlattr *attr,
			  struct tvm_mig_section *m,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_MIGPP_MAX + 1];
	struct tvm_migp_pcr *pcr;
	const struct nlattr *a;
	unsigned int i;
	int ret, rem;

	ret = check_once(attr, BIT(TVM_A_MIGPP_INDEX), extack);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, TVM_A_MIGPP_MAX, attr, migp_pcr_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[TVM_A_MIGPP_INDEX]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a platform entry needs its PCR index");
		return -EINVAL;
	}
	pcr = &m->pcrs[nla_get_u32(tb[TVM_A_MIGPP_INDEX])];
	if (pcr->nvalues) {
		NL_SET_ERR_MSG_ATTR(extack, tb[TVM_A_MIGPP_INDEX],
				    "a platform PCR is listed twice in the migration section");
		return -EINVAL;
	}
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) != TVM_A_MIGPP_SHA256)
			continue;
		if (pcr->nvalues == TVM_POLICY_DIGESTS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "too many values for one platform PCR (TVM_POLICY_DIGESTS_MAX)");
			return -E2BIG;
		}
		for (i = 0; i < pcr->nvalues; i++) {
			if (!memcmp(pcr->values[i], nla_data(a), 32)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "a platform PCR value is listed twice");
				return -EINVAL;
			}
		}
		memcpy(pcr->values[pcr->nvalues++], nla_data(a), 32);
	}
	if (!pcr->nvalues) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a platform entry needs at least one SHA-256 value");
		return -EINVAL;
	}
	return 0;
}

/* A TPM key that may vouch for a destination's platform (TVM_A_MIGP_TPM_KEY). */
static int parse_migp_tpm_key(const struct nlattr *a, struct tvm_mig_section *m,
			      struct netlink_ext_ack *extack)
{
	unsigned int i;

	if (m->ntpm_keys == TVM_MIGP_TPM_KEYS_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "too many TPM keys (TVM_MIGP_TPM_KEYS_MAX)");
		return -E2BIG;
	}
	for (i = 0; i < m->ntpm_keys; i++) {
		if (!memcmp(m->tpm_keys[i], nla_data(a), 32)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "a TPM key is listed twice");
			return -EINVAL;
		}
	}
	memcpy(m->tpm_keys[m->ntpm_keys++], nla_data(a), 32);
	return 0;
}

/* The migration section (TVM_A_POLICY_MIGRATION), at most once. */
static int parse_migration(const struct nlattr *attr, struct tvm_policy *p,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_MIGP_MAX + 1];
	struct tvm_mig_section *m = &p->mig;
	const struct nlattr *a;
	unsigned int i;
	int ret, rem;

	if (m->present) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "migration section given twice");
		return -EINVAL;
	}
	/* Types, lengths and nesting; the lists are walked below. */
	ret = nla_parse_nested(tb, TVM_A_MIGP_MAX, attr, migp_policy, extack);
	if (ret)
		return ret;
	m->present = true;
	nla_for_each_nested(a, attr, rem) {
		if (nla_type(a) == TVM_A_MIGP_PLATFORM) {
			ret = parse_migp_pcr(a, m, extack);
			if (ret)
				return ret;
			continue;
		}
		if (nla_type(a) == TVM_A_MIGP_TPM_KEY) {
			ret = parse_migp_tpm_key(a, m, extack);
			if (ret)
				return ret;
			continue;
		}
		if (m->npeers == TVM_MIGP_PEERS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "too many migration peers (TVM_MIGP_PEERS_MAX)");
			return -E2BIG;
		}
		for (i = 0; i < m->npeers; i++) {
			if (!memcmp(m->peers[i], nla_data(a),
				    TVM_MIG_HOST_ID_SIZE)) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "a migration peer is listed twice");
				return -EINVAL;
			}
		}
		memcpy(m->peers[m->npeers++], nla_data(a),
		       TVM_MIG_HOST_ID_SIZE);
	}
	return 0;
}

static void policy_free(struct tvm_policy *p)
{
	unsigned int i;

	if (!p)
		return;
	kvfree(p->df.rules);
	for (i = 0; i <= TVM_POLICY_LEVELS; i++)
		kvfree(p->levels[i].events);
	kfree(p->payload);
	kfree(p);
}

static void policy_free_rcu(struct rcu_head *rcu)
{
	policy_free(container_of(rcu, struct tvm_policy, rcu));
}

/*
 * RCU readers may still be reading @p when its last reference goes, and
 * may still try refcount_inc_not_zero() on it: free it after them.  Its
 * events and payload are separate allocations, hence call_rcu() and not
 * kfree_rcu().
 */
void tvm_policy_put(const struct tvm_policy *p)
{
	struct tvm_policy *mp = (struct tvm_policy *)p;

	if (mp && refcount_dec_and_test(&mp->ref))
		call_rcu(&mp->rcu, policy_free_rcu);
}

static int parse_selector(struct nlattr **tb, const struct nlattr *attr,
			  struct tvm_selector *sel,
			  struct netlink_ext_ack *extack)
{
	int n = !!tb[TVM_A_POLICY_UUID] + !!tb[TVM_A_POLICY_NAME] +
		!!tb[TVM_A_POLICY_DEFAULT];

	if (n != 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a policy is for exactly one of a UUID, a name, or the default");
		return -EINVAL;
	}
	memset(sel, 0, sizeof(*sel));
	if (tb[TVM_A_POLICY_UUID]) {
		sel->kind = TVM_SEL_UUID;
		memcpy(sel->uuid, nla_data(tb[TVM_A_POLICY_UUID]),
		       TVM_UUID_SIZE);
	} else if (tb[TVM_A_POLICY_NAME]) {
		sel->kind = TVM_SEL_NAME;
		if (check_string(tb[TVM_A_POLICY_NAME], extack))
			return -EINVAL;
		nla_strscpy(sel->name, tb[TVM_A_POLICY_NAME], sizeof(sel->name));
		/* A name no VM can have would select none, and linger. */
		if (!tvm_vm_name_valid(sel->name, extack)) {
			NL_SET_BAD_ATTR(extack, tb[TVM_A_POLICY_NAME]);
			return -EINVAL;
		}
	} else {
		sel->kind = TVM_SEL_DEFAULT;
	}
	return 0;
}

int tvm_policy_parse_selector(const struct nlattr *attr,
			      struct tvm_selector *sel,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_POLICY_MAX + 1];
	int ret, i;

	ret = nla_parse_nested(tb, TVM_A_POLICY_MAX, attr,
			       tvm_policy_attr_policy, extack);
	if (ret)
		return ret;
	for (i = 0; i <= TVM_A_POLICY_MAX; i++) {
		if (tb[i] && i != TVM_A_POLICY_UUID && i != TVM_A_POLICY_NAME &&
		    i != TVM_A_POLICY_DEFAULT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "only a selector is expected here");
			return -EINVAL;
		}
	}
	return parse_selector(tb, attr, sel, extack);
}

/* --- the canonical encoding ------------------------------------------------ */

/*
 * What an owner signs, recomputed from the parsed policy so that it does
 * not depend on the host nor on the order attributes were sent in:
 * kernel/lib/policy_enc.c's little-endian encoding, the one tvmctl signs.
 * Documentation/policy.rst defines it.
 */
static void policy_content(const struct tvm_policy *p,
			   struct tvm_policy_content *c)
{
	*c = (struct tvm_policy_content){
		.version = TVM_POLICY_VERSION,
		.sel = p->sel.kind,
		.uuid = p->sel.uuid,
		.name = p->sel.name,
		.mode = p->mode,
		.key_id = p->is_signed ? p->key_id : NULL,
		.revision = p->revision,
		.tombstone = p->tombstone,
		.levels = p->levels,
		.nranges = p->nranges,
		.ranges = p->ranges,
		.df = &p->df,
		.mig = &p->mig,
	};
}

/* @p->digest: SHA-256 of @p's canonical encoding. */
static int canonical_digest(struct tvm_policy *p,
			    struct netlink_ext_ack *extack)
{
	struct tvm_policy_content c;
	size_t len;
	u8 *buf;
	int ret;

	policy_content(p, &c);
	if (tvm_policy_encode(&c, true, NULL, 0, &len) == -E2BIG) {
		NL_SET_ERR_MSG(extack, "the canonical encoding is too long");
		return -E2BIG;
	}
	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = tvm_policy_encode(&c, true, buf, len, &len);
	if (!ret)
		ret = tvm_bank_hash(TVM_BANK_SHA256, buf, len, p->digest);
	kvfree(buf);
	return ret;
}

/* --- owner keys ------------------------------------------------------------ */

/* An asymmetric key's RSA public key, or NULL for any other key. */
const struct public_key *tvm_rsa_public(const struct key_type *type,
					const union key_payload *payload)
{
	const struct public_key *pk;

	if (type != &key_type_asymmetric ||
	    payload->data[asym_subtype] != &public_key_subtype)
		return NULL;
	pk = payload->data[asym_crypto];
	if (!pk || pk->key_is_private || !pk->pkey_algo ||
	    strcmp(pk->pkey_algo, "rsa"))
		return NULL;
	return pk;
}

/*
 * The owner keyring, and the migration keyring (mig_crypto.c), take RSA
 * public keys only (no keyrings, no private keys): a key's id is the
 * SHA-256 of its public key, which tvm recomputes at each lookup, so
 * whatever root links here cannot pass for a key it is not.
 */
int tvm_restrict_rsa_public(struct key *keyring, const struct key_type *type,
			    const union key_payload *payload,
			    struct key *restriction_key)
{
	return tvm_rsa_public(type, payload) ? 0 : -EPERM;
}

struct key *tvm_rsa_keyring_alloc(const char *name)
{
	struct key_restriction *restrict_link;
	struct key *keyring;

	restrict_link = kzalloc(sizeof(*restrict_link), GFP_KERNEL);
	if (!restrict_link)
		return ERR_PTR(-ENOMEM);
	restrict_link->check = tvm_restrict_rsa_public;
	/* Root adds and removes keys; tvm searches it as possessor. */
	keyring = keyring_alloc(name, GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
				current_cred(),
				(KEY_POS_ALL & ~KEY_POS_SETATTR) |
				KEY_USR_VIEW | KEY_USR_READ | KEY_USR_WRITE |
				KEY_USR_SEARCH,
				KEY_ALLOC_NOT_IN_QUOTA, restrict_link, NULL);
	if (IS_ERR(keyring))
		kfree(restrict_link);
	return keyring;
}

struct key *tvm_rsa_key_by_id(struct key *keyring,
			      const u8 id[TVM_KEY_ID_SIZE])
{
	char desc[2 * TVM_KEY_ID_SIZE + 1];
	const struct public_key *pk;
	u8 actual[TVM_KEY_ID_SIZE];
	key_ref_t ref;
	struct key *key;

	bin2hex(desc, id, TVM_KEY_ID_SIZE);
	desc[2 * TVM_KEY_ID_SIZE] = '\0';
	ref = keyring_search(make_key_ref(keyring, true), &key_type_asymmetric,
			     desc, false);
	if (IS_ERR(ref))
		return ERR_PTR(-ENOKEY);
	key = key_ref_to_ptr(ref);
	pk = tvm_rsa_public(key->type, &key->payload);
	if (!pk || tvm_bank_hash(TVM_BANK_SHA256, pk->key, pk->keylen, actual) ||
	    memcmp(actual, id, TVM_KEY_ID_SIZE)) {
		key_put(key);
		return ERR_PTR(-EKEYREJECTED);
	}
	return key;
}

int tvm_policy_init(void)
{
	struct key *keyring = tvm_rsa_keyring_alloc(TVM_OWNER_KEYRING);

	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	owner_keyring = keyring;
	return 0;
}

/* The owner key @id from the owner keyring, checked to be that key. */
static struct key *owner_key(const u8 *id, struct netlink_ext_ack *extack)
{
	struct key *key = tvm_rsa_key_by_id(owner_keyring, id);

	if (key == ERR_PTR(-ENOKEY))
		NL_SET_ERR_MSG(extack,
			       "owner key not found in the .tvm_owner keyring");
	else if (IS_ERR(key))
		NL_SET_ERR_MSG(extack,
			       "the key filed under the owner key id is another key");
	return key;
}

/* Check @sig, by the owner key @p->key_id, over @p's canonical digest. */
static int verify_owner(const struct tvm_policy *p, const struct nlattr *sig,
			struct netlink_ext_ack *extack)
{
	struct public_key_signature pks = {
		.pkey_algo = "rsa",
		.hash_algo = "sha256",
		.encoding = "pkcs1",
		.digest_size = sizeof(p->digest),
	};
	struct key *key;
	int ret;

	key = owner_key(p->key_id, extack);
	if (IS_ERR(key))
		return PTR_ERR(key);
	ret = -ENOMEM;
	pks.s = kmemdup(nla_data(sig), nla_len(sig), GFP_KERNEL);
	pks.s_size = nla_len(sig);
	pks.digest = kmemdup(p->digest, sizeof(p->digest), GFP_KERNEL);
	if (pks.s && pks.digest) {
		ret = verify_signature(key, &pks);
		if (ret && ret != -ENOMEM) {
			NL_SET_ERR_MSG(extack,
				       "signature does not verify with the owner key");
			ret = -EKEYREJECTED;
		}
	}
	kfree(pks.s);
	kfree(pks.digest);
	key_put(key);
	return ret;
}

/* --- parsing --------------------------------------------------------------- */

static struct tvm_policy *policy_parse(const struct nlattr *attr,
				       const struct nlattr *sig,
				       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TVM_A_POLICY_MAX + 1];
	const struct nlattr *a;
	struct tvm_policy *p;
	int rem, ret;

	ret = check_once(attr, BIT(TVM_A_POLICY_VERSION) |
			 BIT(TVM_A_POLICY_UUID) | BIT(TVM_A_POLICY_NAME) |
			 BIT(TVM_A_POLICY_DEFAULT) | BIT(TVM_A_POLICY_MODE) |
			 BIT(TVM_A_POLICY_KEY_ID) | BIT(TVM_A_POLICY_REVISION) |
			 BIT(TVM_A_POLICY_TOMBSTONE), extack);
	if (ret)
		return ERR_PTR(ret);
	ret = nla_parse_nested(tb, TVM_A_POLICY_MAX, attr,
			       tvm_policy_attr_policy, extack);
	if (ret)
		return ERR_PTR(ret);
	if (!tb[TVM_A_POLICY_VERSION]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a policy needs its version");
		return ERR_PTR(-EINVAL);
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	ret = parse_selector(tb, attr, &p->sel, extack);
	if (ret)
		goto err;
	p->mode = tb[TVM_A_POLICY_MODE] ? nla_get_u32(tb[TVM_A_POLICY_MODE]) :
					  TVM_POLICY_AUDIT;
	p->revision = tb[TVM_A_POLICY_REVISION] ?
		      nla_get_u32(tb[TVM_A_POLICY_REVISION]) : 0;
	p->tombstone = tb[TVM_A_POLICY_TOMBSTONE];
	nla_for_each_nested(a, attr, rem) {
		if (p->tombstone && (nla_type(a) == TVM_A_POLICY_MODE ||
				     nla_type(a) == TVM_A_POLICY_LEVEL ||
				     nla_type(a) == TVM_A_POLICY_RUNTIME ||
				     nla_type(a) == TVM_A_POLICY_DATAFLOW ||
				     nla_type(a) == TVM_A_POLICY_MIGRATION)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "a tombstone is a selector, a key id and a revision only");
			ret = -EINVAL;
			goto err;
		}
		if (nla_type(a) == TVM_A_POLICY_LEVEL)
			ret = parse_level(a, p, extack);
		else if (nla_type(a) == TVM_A_POLICY_RUNTIME)
			ret = parse_range(a, p, extack);
		else if (nla_type(a) == TVM_A_POLICY_DATAFLOW)
			ret = parse_dataflow(a, p, extack);
		else if (nla_type(a) == TVM_A_POLICY_MIGRATION)
			ret = parse_migration(a, p, extack);
		else
			continue;
		if (ret)
			goto err;
	}

	ret = -ENOMEM;
	p->payload_len = nla_len(attr);
	p->payload = kmemdup(nla_data(attr), p->payload_len,
			     GFP_KERNEL_ACCOUNT);
	if (!p->payload)
		goto err;

	if (tb[TVM_A_POLICY_KEY_ID]) {
		memcpy(p->key_id, nla_data(tb[TVM_A_POLICY_KEY_ID]),
		       TVM_KEY_ID_SIZE);
		/* The signed bytes name the key: set before encoding. */
		p->is_signed = true;
	}
	ret = canonical_digest(p, extack);
	if (ret)
		goto err;

	if (p->is_signed) {
		ret = -EBADMSG;
		if (!sig) {
			NL_SET_ERR_MSG(extack,
				       "the policy names an owner key but is not signed");
			goto err;
		}
		ret = verify_owner(p, sig, extack);
		if (ret)
			goto err;
	} else if (sig) {
		NL_SET_ERR_MSG_ATTR(extack, sig,
				    "a signature needs an owner key in the policy");
		ret = -EINVAL;
		goto err;
	}
	return p;

err:
	policy_free(p);
	return ERR_PTR(ret);
}

/* --- the store ----------------------------------------------------------- */

static bool selector_equal(const struct tvm_selector *a,
			   const struct tvm_selector *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TVM_SEL_UUID:
		return !memcmp(a->uuid, b->uuid, TVM_UUID_SIZE);
	case TVM_SEL_NAME:
		return !strcmp(a->name, b->name);
	default:
		return true;
	}
}

const struct tvm_policy *tvm_policy_find(const struct tvm_selector *sel)
{
	struct tvm_policy *p;

	list_for_each_entry_rcu(p, &policies, node,
				lockdep_is_held(&tvm_policy_lock))
		if (selector_equal(&p->sel, sel))
			return p;
	return NULL;
}

const struct tvm_policy *tvm_policy_get(const struct tvm_selector *sel)
{
	struct tvm_policy *p;

	rcu_read_lock();
	p = (struct tvm_policy *)tvm_policy_find(sel);
	/* Zero: unpublished already, being freed after this grace period. */
	if (p && !refcount_inc_not_zero(&p->ref))
		p = NULL;
	rcu_read_unlock();
	return p;
}

static u32 sel_hash(const struct tvm_selector *sel)
{
	if (sel->kind == TVM_SEL_UUID)
		return jhash(sel->uuid, TVM_UUID_SIZE, 0);
	return jhash(sel->name, strlen(sel->name), 0);
}

const struct tvm_policy *tvm_policy_for(const struct tvm_vm *vm)
{
	struct tvm_selector sel = { .kind = TVM_SEL_UUID };
	struct tvm_policy *p;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "a policy lookup needs RCU");
	/* A late bind may rename the VM: look up one consistent copy. */
	tvm_vm_ident(vm, sel.name, sel.uuid);
	hash_for_each_possible_rcu(by_uuid, p, hnode, sel_hash(&sel))
		if (!memcmp(p->sel.uuid, sel.uuid, TVM_UUID_SIZE))
			return p;
	sel.kind = TVM_SEL_NAME;
	hash_for_each_possible_rcu(by_name, p, hnode, sel_hash(&sel))
		if (!strcmp(p->sel.name, sel.name))
			return p;
	return rcu_dereference(default_policy);
}

/* Put @p where lookups find it, instead of @old if any. */
static void policy_publish(struct tvm_policy *p, struct tvm_policy *old)
{
	lockdep_assert_held(&tvm_policy_lock);
	if (old) {
		/*
		 * The same selector: swapped in one step, so that a lookup
		 * finds the old policy or the new one, never neither (and
		 * so never the default policy in between).
		 */
		list_replace_rcu(&old->node, &p->node);
		if (old->sel.kind == TVM_SEL_DEFAULT)
			rcu_assign_pointer(default_policy, p);
		else
			hlist_replace_rcu(&old->hnode, &p->hnode);
		return;
	}
	list_add_tail_rcu(&p->node, &policies);
	switch (p->sel.kind) {
	case TVM_SEL_UUID:
		hash_add_rcu(by_uuid, &p->hnode, sel_hash(&p->sel));
		break;
	case TVM_SEL_NAME:
		hash_add_rcu(by_name, &p->hnode, sel_hash(&p->sel));
		break;
	default:
		rcu_assign_pointer(default_policy, p);
		break;
	}
}

/* Take @p out of every lookup. */
static void policy_unpublish(struct tvm_policy *p)
{
	lockdep_assert_held(&tvm_policy_lock);
	list_del_rcu(&p->node);
	if (p->sel.kind == TVM_SEL_DEFAULT)
		RCU_INIT_POINTER(default_policy, NULL);
	else
		hash_del_rcu(&p->hnode);
}

const struct tvm_policy *tvm_policy_nth(unsigned long index)
{
	struct tvm_policy *p;

	list_for_each_entry_rcu(p, &policies, node)
		if (!index--)
			return p;
	return NULL;
}

unsigned int tvm_policy_generation(void)
{
	return READ_ONCE(list_gen);
}

static struct tvm_policy_pin *pin_find(const struct tvm_selector *sel)
{
	struct tvm_policy_pin *pin;

	lockdep_assert_held(&tvm_policy_lock);
	list_for_each_entry(pin, &pins, node)
		if (selector_equal(&pin->sel, sel))
			return pin;
	return NULL;
}

/*
 * Whether @p (a policy or a tombstone) may change its selector: once a
 * signed policy was loaded for a selector, the selector is pinned to that
 * key, and only a change signed with it, of a higher revision, is taken.
 * On success the pin is raised to @p's revision, or made from *@spare
 * (which is then used up).
 */
static int pin_check(const struct tvm_policy *p, struct tvm_policy_pin **spare,
		     struct netlink_ext_ack *extack)
{
	struct tvm_policy_pin *pin = pin_find(&p->sel);

	if (!pin) {
		if (!p->is_signed)
			return 0;
		if (pin_count >= tvm_max_policies) {
			NL_SET_ERR_MSG(extack,
				       "max_policies selectors are pinned already");
			return -ENOSPC;
		}
		pin = *spare;
		*spare = NULL;
		pin->sel = p->sel;
		memcpy(pin->key_id, p->key_id, TVM_KEY_ID_SIZE);
		pin->revision = p->revision;
		list_add_tail(&pin->node, &pins);
		pin_count++;
		return 0;
	}
	if (!p->is_signed) {
		NL_SET_ERR_MSG(extack,
			       "the selector is pinned to an owner key: only a change signed with it is taken");
		return -EPERM;
	}
	if (memcmp(pin->key_id, p->key_id, TVM_KEY_ID_SIZE)) {
		NL_SET_ERR_MSG(extack,
			       "signed with another key than the one the selector is pinned to");
		return -EKEYREJECTED;
	}
	if (p->revision <= pin->revision) {
		NL_SET_ERR_MSG(extack,
			       "revision not above the selector's highest (anti-rollback)");
		return -ESTALE;
	}
	pin->revision = p->revision;
	return 0;
}

int tvm_policy_load(const struct nlattr *attr, const struct nlattr *sig,
		    u64 *gen, struct tvm_selector *sel,
		    struct netlink_ext_ack *extack)
{
	struct tvm_policy_pin *spare = NULL;
	struct tvm_policy *p, *old;
	int ret;

	p = policy_parse(attr, sig, extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (p->tombstone) {
		NL_SET_ERR_MSG(extack, "a tombstone goes to POLICY_DELETE");
		ret = -EINVAL;
		goto err;
	}
	if (p->is_signed) {
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
		ret = -ENOMEM;
		if (!spare)
			goto err;
	}

	mutex_lock(&tvm_policy_lock);
	old = (struct tvm_policy *)tvm_policy_find(&p->sel);
	if (!old && policy_count >= tvm_max_policies) {
		NL_SET_ERR_MSG(extack, "max_policies policies are loaded already");
		ret = -ENOSPC;
		goto err_unlock;
	}
	ret = pin_check(p, &spare, extack);
	if (ret)
		goto err_unlock;
	p->gen = ++policy_gen;
	refcount_set(&p->ref, 1);	/* the list's */
	policy_publish(p, old);
	if (!old)
		policy_count++;
	list_gen++;
	*gen = p->gen;
	*sel = p->sel;
	tvm_netlink_policy_event(p, "load");
	tvm_ima_policy(&p->sel, p->gen, p->digest, "load");
	mutex_unlock(&tvm_policy_lock);

	kfree(spare);
	tvm_policy_put(old);	/* the list's */
	/* Launched VMs log the policy they now have. */
	tvm_vms_policy_sync();
	/* An enforcing policy now refuses VMs it did not: stop them. */
	tvm_vm_recheck_run_all();
	return 0;

err_unlock:
	mutex_unlock(&tvm_policy_lock);
err:
	kfree(spare);
	policy_free(p);
	return ret;
}

int tvm_policy_delete(const struct nlattr *attr, const struct nlattr *sig,
		      struct netlink_ext_ack *extack)
{
	struct tvm_policy_pin *spare = NULL;
	struct tvm_policy *t, *p;
	int ret;

	if (sig) {
		t = policy_parse(attr, sig, extack);
		if (IS_ERR(t))
			return PTR_ERR(t);
		if (!t->tombstone) {
			NL_SET_ERR_MSG(extack,
				       "a signed delete is a tombstone (TVM_A_POLICY_TOMBSTONE)");
			ret = -EINVAL;
			goto out;
		}
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
		ret = -ENOMEM;
		if (!spare)
			goto out;
	} else {
		t = kzalloc(sizeof(*t), GFP_KERNEL);
		if (!t)
			return -ENOMEM;
		ret = tvm_policy_parse_selector(attr, &t->sel, extack);
		if (ret)
			goto out;
	}

	mutex_lock(&tvm_policy_lock);
	p = (struct tvm_policy *)tvm_policy_find(&t->sel);
	if (!p) {
		mutex_unlock(&tvm_policy_lock);
		NL_SET_ERR_MSG(extack, "no such policy");
		ret = -ENOENT;
		goto out;
	}
	ret = pin_check(t, &spare, extack);
	if (ret) {
		mutex_unlock(&tvm_policy_lock);
		goto out;
	}
	policy_unpublish(p);
	policy_count--;
	list_gen++;
	tvm_netlink_policy_event(p, "delete");
	tvm_ima_policy(&p->sel, p->gen, p->digest, "delete");
	mutex_unlock(&tvm_policy_lock);

	tvm_policy_put(p);	/* the list's */
	tvm_vms_policy_sync();
	/* The default policy may now select VMs, and enforce. */
	tvm_vm_recheck_run_all();
out:
	kfree(spare);
	policy_free(t);
	return ret;
}

void tvm_policy_uninit(void)
{
	struct tvm_policy_pin *pin, *ptmp;
	struct tvm_policy *p, *tmp;

	mutex_lock(&tvm_policy_lock);
	list_for_each_entry_safe(p, tmp, &policies, node) {
		policy_unpublish(p);
		tvm_policy_put(p);	/* the list's */
	}
	policy_count = 0;
	list_for_each_entry_safe(pin, ptmp, &pins, node) {
		list_del(&pin->node);
		kfree(pin);
	}
	pin_count = 0;
	mutex_unlock(&tvm_policy_lock);
	/*
	 * tvm_netlink_uninit() waited for the requests that held a
	 * reference (tvm_policy_get()): the puts above were the last, and
	 * their frees are queued already.
	 */
	rcu_barrier();
	if (owner_keyring) {
		key_revoke(owner_keyring);
		key_put(owner_keyring);
		owner_keyring = NULL;
	}
}

void tvm_policy_identity(const struct tvm_policy *p, struct tvm_ev_policy *id)
{
	memset(id, 0, sizeof(*id));
	memcpy(id->magic, "TVMP", 4);
	if (!p)
		return;
	id->revision = cpu_to_le32(p->revision);
	memcpy(id->digest, p->digest, sizeof(id->digest));
	if (p->is_signed)
		memcpy(id->key_id, p->key_id, sizeof(id->key_id));
}

/* --- checks -------------------------------------------------------------- */

unsigned int tvm_vm_ranges(struct tvm_vm *vm, struct tvm_range *ranges)
{
	const struct tvm_policy *p;
	unsigned int n = 0;

	rcu_read_lock();
	p = tvm_policy_for(vm);
	if (p) {
		n = p->nranges;
		memcpy(ranges, p->ranges, n * sizeof(*ranges));
	}
	rcu_read_unlock();
	return n;
}
EXPORT_SYMBOL_GPL(tvm_vm_ranges);

static const char *const df_action_names[] = {
	[TVM_DF_MEASURE] = "measure",
	[TVM_DF_TAINT] = "taint",
	[TVM_DF_BLOCK] = "block",
};

/*
 * The sender as the judge sees it, now: the host (@host), a VM (@tx), or
 * neither (a guest CID no VM holds), which has no name, UUID or trust.
 * @tx->trust is written under its lock and read here without (it is one
 * word); its level is written once, before the launch makes it TRUSTED
 * (smp_wmb() in vm.c's launch()), so a sender seen TRUSTED is seen with
 * its level.
 */
static void df_sender(const struct tvm_vm *tx, bool host,
		      struct tvm_df_sender *s, char name[TVM_NAME_MAX + 1],
		      u8 uuid[TVM_UUID_SIZE])
{
	memset(s, 0, sizeof(*s));
	s->host = host;
	if (!tx)
		return;
	tvm_vm_ident(tx, name, uuid);	/* a late bind may rename it */
	s->name = name;
	s->uuid = uuid;
	s->trust = READ_ONCE(tx->trust);
	smp_rmb();	/* pairs with smp_wmb() in launch(): trust, then level */
	s->level = s->trust == TVM_TRUST_TRUSTED ? READ_ONCE(tx->level) : 0;
}

static void df_judge(struct tvm_vm *rx, const struct tvm_df_sender *sp,
		     u32 port, struct tvm_df_verdict *v)
{
	const struct tvm_df_sender s = *sp;
	const struct tvm_policy *p;
	const struct tvm_df_rule *r;
	struct tvm_df_finding f;
	char who[TVM_NAME_MAX + 3];

	memset(v, 0, sizeof(*v));
	v->action = TVM_DF_MEASURE;

	rcu_read_lock();
	p = tvm_policy_for(rx);
	if (!p || !p->df.present)
		goto out;
	tvm_df_judge(&p->df, &s, port, &f);
	v->action = f.action;
	v->listed = f.listed;
	v->checkpoint_bytes = p->df.checkpoint_bytes;
	v->checkpoint_ms = p->df.checkpoint_ms;
	v->per_message = p->df.per_message;
	if (f.action == TVM_DF_MEASURE)
		goto out;
	if (s.host)
		strscpy(who, "host", sizeof(who));
	else if (s.name)
		snprintf(who, sizeof(who), "'%s'", s.name);
	else
		strscpy(who, "an unbound CID", sizeof(who));
	r = f.rule >= 0 ? &p->df.rules[f.rule] : NULL;
	switch (f.why) {
	case TVM_DF_WHY_TRUST:
		snprintf(v->reason, sizeof(v->reason),
			 "dataflow: %s is %s, rule %d needs %s", who,
			 s.trust ? tvm_trust_names[s.trust] : "unknown to tvm",
			 f.rule + 1,
			 tvm_trust_names[r->min_trust]);
		break;
	case TVM_DF_WHY_LEVEL:
		snprintf(v->reason, sizeof(v->reason),
			 "dataflow: %s is at level %u, rule %d needs %u", who,
			 s.level, f.rule + 1, r->min_level);
		break;
	default:
		snprintf(v->reason, sizeof(v->reason),
			 "dataflow: no rule for %s on port %u (default %s)",
			 who, port, df_action_names[f.action]);
		break;
	}
out:
	rcu_read_unlock();
}

void tvm_vm_dataflow(struct tvm_vm *rx, struct tvm_vm *tx, u32 port,
		     struct tvm_df_verdict *v)
{
	char name[TVM_NAME_MAX + 1];
	u8 uuid[TVM_UUID_SIZE];
	struct tvm_df_sender s;

	df_sender(tx, !tx, &s, name, uuid);
	df_judge(rx, &s, port, v);
}
EXPORT_SYMBOL_GPL(tvm_vm_dataflow);

void tvm_vm_dataflow_unbound(struct tvm_vm *rx, u32 port,
			     struct tvm_df_verdict *v)
{
	struct tvm_df_sender s;

	df_sender(NULL, false, &s, NULL, NULL);
	df_judge(rx, &s, port, v);
}
EXPORT_SYMBOL_GPL(tvm_vm_dataflow_unbound);

bool tvm_policy_has_references(const struct tvm_policy *p)
{
	return tvm_policy_eval_has_references(p->levels);
}

/*
 * The checks are kernel/lib/policy_eval.c's, which `tvmctl verify` runs
 * too; only the wording of the reasons is the kernel's.
 */
int tvm_policy_check_event(const struct tvm_policy *p,
			   const struct tvm_event *ev, u32 vm_banks,
			   char *reason, size_t len)
{
	const u8 *digest[__TVM_BANK_MAX] = { NULL };
	const u8 *data = tvm_event_data(ev);
	struct tvm_policy_finding f;
	unsigned int i, n;

	for (i = 0; i < __TVM_BANK_MAX; i++)
		if (vm_banks & BIT(i))
			digest[i] = tvm_event_digest(ev, i);
	if (!tvm_policy_eval_event(p->levels, ev->pcr, ev->type, data,
				   ev->data_len, vm_banks, digest, &f))
		return 0;

	switch (f.miss) {
	case TVM_POLICY_UNLISTED:
		n = min_t(u32, ev->data_len, 48);
		for (i = 0; i < n; i++)
			if (data[i] < 0x20 || data[i] > 0x7e || data[i] == '"')
				break;
		if (i == n)
			snprintf(reason, len, "pcr %u event \"%.*s\" not in policy",
				 ev->pcr, (int)n, data);
		else
			snprintf(reason, len, "pcr %u event hex:%*phN not in policy",
				 ev->pcr, (int)min_t(u32, ev->data_len, 32), data);
		break;
	case TVM_POLICY_NO_BANK:
		snprintf(reason, len,
			 "pcr %u event \"%s\": policy lists no bank the VM has",
			 ev->pcr, f.event->name);
		break;
	default:
		snprintf(reason, len,
			 "pcr %u event \"%s\" digest %s:%*phN... not in policy",
			 ev->pcr, f.event->name, tvm_banks[f.bank].name, 8,
			 digest[f.bank]);
		break;
	}
	return -EPERM;
}

int tvm_policy_check_pcr(const struct tvm_policy *p, unsigned int pcr,
			 u32 vm_banks, u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX],
			 char *reason, size_t len)
{
	struct tvm_policy_finding f;

	if (!tvm_policy_eval_pcr(p->levels, pcr, vm_banks, pcrs, &f))
		return 0;
	if (f.miss == TVM_POLICY_NO_BANK)
		snprintf(reason, len, "pcr %u: policy lists no bank the VM has",
			 pcr);
	else
		snprintf(reason, len, "pcr %u %s value %*phN... not in policy",
			 pcr, tvm_banks[f.bank].name, 8, pcrs[f.bank][pcr]);
	return -EPERM;
}

int tvm_policy_check_pcrs(const struct tvm_policy *p, u32 vm_banks,
			  u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX],
			  char *reason, size_t len)
{
	unsigned int i;
	int ret;

	for (i = 1; i <= TVM_POLICY_LEVELS; i++) {
		ret = tvm_policy_check_pcr(p, TVM_PCR_VMM + i, vm_banks, pcrs,
					   reason, len);
		if (ret)
			return ret;
	}
	return 0;
}

int tvm_policy_put_selector(struct sk_buff *skb,
			    const struct tvm_selector *sel)
{
	switch (sel->kind) {
	case TVM_SEL_UUID:
		return nla_put(skb, TVM_A_POLICY_UUID, TVM_UUID_SIZE, sel->uuid);
	case TVM_SEL_NAME:
		return nla_put_string(skb, TVM_A_POLICY_NAME, sel->name);
	default:
		return nla_put_flag(skb, TVM_A_POLICY_DEFAULT);
	}
}

int tvm_policy_migration_allows(struct tvm_vm *vm,
				const u8 dest[TVM_MIG_HOST_ID_SIZE], u32 mask,
				const u8 platform[TVM_MIG_PLATFORM_PCRS][32],
				const u8 *tpm_key,
				struct netlink_ext_ack *extack)
{
	const struct tvm_policy *p;
	const char *why;

	rcu_read_lock();
	p = tvm_policy_for(vm);
	why = tvm_migp_judge(p ? &p->mig : NULL, dest, mask, platform,
			     tpm_key);
	rcu_read_unlock();
	if (!why)
		return 0;
	/* NL_SET_ERR_MSG() wants a literal; @why is a static string too. */
	if (extack)
		extack->_msg = why;
	return -EPERM;
}
