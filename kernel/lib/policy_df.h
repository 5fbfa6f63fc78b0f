/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A policy's dataflow section and how it judges data for the VM it
 * selects (Documentation/policy.rst, "Dataflow"): which senders may send
 * on which of the receiver's ports, the least trust state and integrity
 * level each must have, and what is done otherwise.  Pure: shared by
 * tvm.ko, which judges each packet tvm_vsock asks about
 * (tvm_vm_dataflow()), and tvmctl, which reads, prints and encodes the
 * section and checks logged flows against it (`tvmctl verify --policy`),
 * so that both decide alike.  Each side words its own reasons from the
 * finding.
 */
#ifndef _TVM_POLICY_DF_H
#define _TVM_POLICY_DF_H

#include "tvm_lib.h"
#include <linux/tvm.h>

#include "policy_eval.h"

/* Whom a rule is for: exactly one of these (TVM_A_DFR_FROM_*). */
enum tvm_df_from {
	TVM_DF_FROM_ANY,
	TVM_DF_FROM_HOST,
	TVM_DF_FROM_NAME,
	TVM_DF_FROM_UUID,
};

/* Ports @first to @last of the receiver, both included. */
struct tvm_df_ports {
	u32 first;
	u32 last;
};

/**
 * struct tvm_df_rule - one rule of a dataflow section (TVM_A_DF_RULE)
 * @from: enum tvm_df_from
 * @name: with %TVM_DF_FROM_NAME, the sender's VM name
 * @uuid: with %TVM_DF_FROM_UUID, the sender's VM UUID
 * @nports: entries of @ports; 0: every port
 * @ports: the receiver's ports the rule is for, in the order given
 * @min_trust: enum tvm_trust, the least the sender must be in
 *	(tvm_df_trust_rank() orders them); %TVM_TRUST_UNTRUSTED: any
 * @min_level: the least integrity level, 0 to %TVM_POLICY_LEVELS
 * @action: enum tvm_df_action when the sender falls short
 */
struct tvm_df_rule {
	u32 from;
	char name[TVM_NAME_MAX + 1];
	u8 uuid[TVM_UUID_SIZE];
	unsigned int nports;
	struct tvm_df_ports ports[TVM_DF_PORT_RANGES_MAX];
	u32 min_trust;
	u32 min_level;
	u32 action;
};

/**
 * struct tvm_df_section - a policy's dataflow section (TVM_A_POLICY_DATAFLOW)
 * @present: the policy has one; without, everything is measured and
 *	nothing listed
 * @default_action: enum tvm_df_action for a sender and port no rule matches
 * @checkpoint_bytes: checkpoint a flow every this many bytes; 0: the
 *	module's default
 * @checkpoint_ms: and every this many milliseconds; 0: the default
 * @per_message: an event per message rather than per flow
 * @nrules: entries of @rules
 * @rules: in the order given, the first matching one decides
 */
struct tvm_df_section {
	bool present;
	u32 default_action;
	u64 checkpoint_bytes;
	u32 checkpoint_ms;
	bool per_message;
	unsigned int nrules;
	struct tvm_df_rule *rules;
};

/**
 * struct tvm_df_sender - who sends, as the judge sees it
 * @host: the host; it meets every minimum (its trust is the platform's)
 * @name: else the sending VM's name
 * @uuid: and its UUID, %TVM_UUID_SIZE bytes
 * @trust: enum tvm_trust, as it is now
 * @level: its integrity level (tvm_df_level()), 0 unless @trust is
 *	%TVM_TRUST_TRUSTED
 */
struct tvm_df_sender {
	bool host;
	const char *name;
	const u8 *uuid;
	u32 trust;
	unsigned int level;
};

/**
 * enum tvm_df_why - why a verdict is what it is
 * @TVM_DF_WHY_MET: a rule matched and the sender meets its minimums
 * @TVM_DF_WHY_TRUST: a rule matched; the sender's trust is below its
 *	min_trust
 * @TVM_DF_WHY_LEVEL: a rule matched; the sender's trust is enough but its
 *	level is below min_level
 * @TVM_DF_WHY_NO_RULE: no rule matched: the section's default
 * @TVM_DF_WHY_NO_SECTION: the policy has no dataflow section: measure
 */
enum tvm_df_why {
	TVM_DF_WHY_MET,
	TVM_DF_WHY_TRUST,
	TVM_DF_WHY_LEVEL,
	TVM_DF_WHY_NO_RULE,
	TVM_DF_WHY_NO_SECTION,
};

/**
 * struct tvm_df_finding - what the judge found
 * @action: enum tvm_df_action
 * @listed: a rule names this sender and port (met or not); guest-to-guest
 *	delivery needs one
 * @rule: the index of the rule that matched, or -1
 * @why: enum tvm_df_why
 */
struct tvm_df_finding {
	u32 action;
	bool listed;
	int rule;
	enum tvm_df_why why;
};

/*
 * @trust's place in the order a rule's min_trust compares in: untrusted
 * (and anything unknown to it) 0, pending 1, unknown 2, trusted 3.
 */
unsigned int tvm_df_trust_rank(u32 trust);

/*
 * The integrity level a launch that matched @levels (TVM_POLICY_LEVELS + 1
 * of them) gives: the number of consecutive levels from 1 (os) up that
 * hold a launch reference (events or PCR values), 0 to TVM_POLICY_LEVELS.
 */
unsigned int tvm_df_level(const struct tvm_policy_level *levels);

/* Whether @rule is for sender @s (its from) and port @port (its ports). */
bool tvm_df_rule_matches(const struct tvm_df_rule *rule,
			 const struct tvm_df_sender *s, u32 port);

/*
 * Judge data for the VM whose dataflow section is @df (NULL or not
 * present: none) from @s on the receiver's port @port: the first rule that
 * matches decides, measure when @s meets its minimums, else its action;
 * with no rule, the section's default.
 */
void tvm_df_judge(const struct tvm_df_section *df,
		  const struct tvm_df_sender *s, u32 port,
		  struct tvm_df_finding *f);

/*
 * The actions @df (NULL or not present: none) could have taken for data
 * from @s on port @port when @s's trust and level at the time are not
 * known, as a verifier sees a logged flow: a mask of BIT(enum
 * tvm_df_action).  A VM sender known by its UUID alone (@s->name NULL,
 * @s->uuid set) may or may not be the VM a rule names by name: such a rule
 * adds its actions and the rules after it are tried too.  A sender that is
 * neither the host nor a VM (@s->uuid NULL) has no trust.
 */
u32 tvm_df_possible(const struct tvm_df_section *df,
		    const struct tvm_df_sender *s, u32 port);

#endif /* _TVM_POLICY_DF_H */
