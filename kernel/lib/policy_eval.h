/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A policy's launch references and how they judge a VM's measurements
 * (Documentation/policy.rst): the levels of a policy, and the two checks,
 * an event of PCR 8-12 against its level's allow-list and a PCR 9-12
 * value against its level's accepted values.  Pure: shared by tvm.ko,
 * which judges a VM as it is extended and launched, and `tvmctl verify`,
 * which judges a quoted log the same way, so that both decide alike.
 * Each side words its own reasons from the finding.
 */
#ifndef _TVM_POLICY_EVAL_H
#define _TVM_POLICY_EVAL_H

#include "tvm_lib.h"
#include <linux/tvm.h>

/* An accepted digest: a bank and a value of that bank's size. */
struct tvm_policy_digest {
	u8 bank;
	u8 value[TVM_DIGEST_MAX];
};

/* An accepted event: its name (the event data) and accepted digests. */
struct tvm_policy_event {
	char name[TVM_EVENT_NAME_MAX + 1];
	unsigned int ndigests;
	struct tvm_policy_digest digests[TVM_POLICY_DIGESTS_MAX];
};

/**
 * struct tvm_policy_level - references of one level (PCR 8 + level); level
 *	0 (the VMM, PCR 8) has events only
 * @present: the policy has this level
 * @nevents: entries of @events; with any, every event of the level's PCR
 *	must be one of them
 * @events: accepted events
 * @npcr: entries of @pcr
 * @pcr: accepted final values of the level's PCR
 */
struct tvm_policy_level {
	bool present;
	unsigned int nevents;
	struct tvm_policy_event *events;
	unsigned int npcr;
	struct tvm_policy_digest pcr[TVM_POLICY_DIGESTS_MAX];
};

/**
 * enum tvm_policy_miss - why a check failed
 * @TVM_POLICY_OK: it matched, or the policy has nothing to check it with
 * @TVM_POLICY_UNLISTED: the event's name is not in its level's allow-list
 * @TVM_POLICY_NO_BANK: the entry lists no digest in a bank the VM has
 * @TVM_POLICY_BAD_DIGEST: in a bank the entry lists, the VM's digest is
 *	none of the entry's values
 */
enum tvm_policy_miss {
	TVM_POLICY_OK,
	TVM_POLICY_UNLISTED,
	TVM_POLICY_NO_BANK,
	TVM_POLICY_BAD_DIGEST,
};

/**
 * struct tvm_policy_finding - what a check found
 * @miss: the verdict
 * @event: the allow-list entry the event matched by name (NULL for
 *	%TVM_POLICY_UNLISTED and for PCR checks)
 * @bank: with %TVM_POLICY_BAD_DIGEST, the lowest bank that did not match
 */
struct tvm_policy_finding {
	enum tvm_policy_miss miss;
	const struct tvm_policy_event *event;
	unsigned int bank;
};

/*
 * Whether @levels (TVM_POLICY_LEVELS + 1 of them) hold any launch
 * reference (events or PCR values).  Runtime ranges are not: they are
 * checked after launch, on PCR 13.
 */
bool tvm_policy_eval_has_references(const struct tvm_policy_level *levels);

/*
 * Judge an event (PCR @pcr, type @type, data @data of @data_len bytes, its
 * digest of bank b in @digest[b] for each b of @banks) against the
 * allow-list of its level in @levels.  Only events of PCR 8-12 are judged,
 * and of PCR 8 not tvm's own records (TVM_EV_TVM_VERSION, TVM_EV_POLICY),
 * nor an EV_NO_ACTION (which extends nothing), nor one of a level without
 * an allow-list.  Return: 0, or -EPERM with @f saying why.
 */
int tvm_policy_eval_event(const struct tvm_policy_level *levels, u32 pcr,
			  u32 type, const u8 *data, u32 data_len, u32 banks,
			  const u8 *const digest[__TVM_BANK_MAX],
			  struct tvm_policy_finding *f);

/*
 * Judge PCR @pcr's value, @pcrs[b][@pcr] for each bank b of @banks,
 * against its level's accepted values in @levels; a PCR that no level's
 * values cover (outside 9-12, or a level without values) passes.
 * Return: 0, or -EPERM with @f saying why.
 */
int tvm_policy_eval_pcr(const struct tvm_policy_level *levels,
			unsigned int pcr, u32 banks,
			u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX],
			struct tvm_policy_finding *f);

#endif /* _TVM_POLICY_EVAL_H */
