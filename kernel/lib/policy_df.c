// SPDX-License-Identifier: GPL-2.0
/*
 * A policy's dataflow section against a sender: the one judge of tvm.ko
 * and tvmctl (policy_df.h).  Never sleeps, allocates nothing: tvm.ko runs
 * it per packet under RCU.
 */

#include "policy_df.h"

unsigned int tvm_df_trust_rank(u32 trust)
{
	switch (trust) {
	case TVM_TRUST_TRUSTED:
		return 3;
	case TVM_TRUST_UNKNOWN:
		return 2;
	case TVM_TRUST_PENDING:
		return 1;
	default:
		return 0;
	}
}

unsigned int tvm_df_level(const struct tvm_policy_level *levels)
{
	unsigned int l;

	for (l = 1; l <= TVM_POLICY_LEVELS; l++)
		if (!levels[l].nevents && !levels[l].npcr)
			break;
	return l - 1;
}

bool tvm_df_rule_matches(const struct tvm_df_rule *rule,
			 const struct tvm_df_sender *s, u32 port)
{
	unsigned int i;

	switch (rule->from) {
	case TVM_DF_FROM_ANY:
		break;
	case TVM_DF_FROM_HOST:
		if (!s->host)
			return false;
		break;
	case TVM_DF_FROM_NAME:
		if (s->host || !s->name || strcmp(rule->name, s->name))
			return false;
		break;
	case TVM_DF_FROM_UUID:
		if (s->host || !s->uuid ||
		    memcmp(rule->uuid, s->uuid, TVM_UUID_SIZE))
			return false;
		break;
	default:
		return false;
	}
	if (!rule->nports)
		return true;
	for (i = 0; i < rule->nports; i++)
		if (port >= rule->ports[i].first && port <= rule->ports[i].last)
			return true;
	return false;
}

void tvm_df_judge(const struct tvm_df_section *df,
		  const struct tvm_df_sender *s, u32 port,
		  struct tvm_df_finding *f)
{
	const struct tvm_df_rule *r;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->rule = -1;
	f->action = TVM_DF_MEASURE;
	if (!df || !df->present) {
		f->why = TVM_DF_WHY_NO_SECTION;
		return;
	}
	for (i = 0; i < df->nrules; i++) {
		r = &df->rules[i];
		if (!tvm_df_rule_matches(r, s, port))
			continue;
		f->rule = (int)i;
		f->listed = true;
		/* The host's trust is the platform's: it meets every minimum. */
		if (s->host) {
			f->why = TVM_DF_WHY_MET;
		} else if (tvm_df_trust_rank(s->trust) <
			   tvm_df_trust_rank(r->min_trust)) {
			f->why = TVM_DF_WHY_TRUST;
			f->action = r->action;
		} else if ((s->trust == TVM_TRUST_TRUSTED ? s->level : 0) <
			   r->min_level) {
			f->why = TVM_DF_WHY_LEVEL;
			f->action = r->action;
		} else {
			f->why = TVM_DF_WHY_MET;
		}
		return;
	}
	f->why = TVM_DF_WHY_NO_RULE;
	f->action = df->default_action;
}

/* Whether @r asks nothing of a sender: any sender meets it. */
static bool asks_nothing(const struct tvm_df_rule *r)
{
	return !tvm_df_trust_rank(r->min_trust) && !r->min_level;
}

u32 tvm_df_possible(const struct tvm_df_section *df,
		    const struct tvm_df_sender *s, u32 port)
{
	struct tvm_df_sender named = *s;
	const struct tvm_df_rule *r;
	u32 mask = 0;
	unsigned int i;
	bool sure;

	if (!df || !df->present)
		return BIT(TVM_DF_MEASURE);
	for (i = 0; i < df->nrules; i++) {
		r = &df->rules[i];
		sure = true;
		if (r->from == TVM_DF_FROM_NAME && !s->host && s->uuid &&
		    !s->name) {
			/* Perhaps this VM: judge it as if it were. */
			named.name = r->name;
			sure = false;
		} else {
			named.name = s->name;
		}
		if (!tvm_df_rule_matches(r, &named, port))
			continue;
		if (s->host || asks_nothing(r))
			mask |= BIT(TVM_DF_MEASURE);
		else if (!s->uuid)
			mask |= BIT(r->action);
		else
			mask |= BIT(TVM_DF_MEASURE) | BIT(r->action);
		if (sure)
			return mask;
	}
	return mask | BIT(df->default_action);
}
