// SPDX-License-Identifier: GPL-2.0
/*
 * A policy's launch references against a VM's measurements: the one
 * evaluator of tvm.ko and `tvmctl verify` (policy_eval.h).
 */

#include "policy_eval.h"
#include "tvm_log.h"

bool tvm_policy_eval_has_references(const struct tvm_policy_level *levels)
{
	unsigned int i;

	for (i = 0; i <= TVM_POLICY_LEVELS; i++)
		if (levels[i].nevents || levels[i].npcr)
			return true;
	return false;
}

/*
 * Compare values with the accepted digests @d: in every bank of @banks
 * that @d lists, @value[bank] must be one of @d's values for that bank.
 */
static int digests_match(const struct tvm_policy_digest *d, unsigned int n,
			 u32 banks, const u8 *const value[__TVM_BANK_MAX],
			 struct tvm_policy_finding *f)
{
	u32 checked = 0, matched = 0;
	unsigned int i, b;

	for (i = 0; i < n; i++) {
		b = d[i].bank;
		if (b >= __TVM_BANK_MAX || !(banks & BIT(b)))
			continue;
		checked |= BIT(b);
		if (!memcmp(value[b], d[i].value, tvm_banks[b].size))
			matched |= BIT(b);
	}
	if (!checked) {
		f->miss = TVM_POLICY_NO_BANK;
		return -EPERM;
	}
	if (checked == matched)
		return 0;
	f->miss = TVM_POLICY_BAD_DIGEST;
	f->bank = __ffs(checked & ~matched);
	return -EPERM;
}

int tvm_policy_eval_event(const struct tvm_policy_level *levels, u32 pcr,
			  u32 type, const u8 *data, u32 data_len, u32 banks,
			  const u8 *const digest[__TVM_BANK_MAX],
			  struct tvm_policy_finding *f)
{
	const struct tvm_policy_level *l;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	if (pcr < TVM_PCR_VMM || pcr > TVM_PCR_VMM + TVM_POLICY_LEVELS ||
	    type == TVM_EV_NO_ACTION)
		return 0;
	/* tvm's own records are not the VMM's. */
	if (pcr == TVM_PCR_VMM &&
	    (type == TVM_EV_TVM_VERSION || type == TVM_EV_POLICY))
		return 0;
	/*
	 * Nor is tvm_kvm's measurement of a KVM VM's memory at launch: its
	 * SLOT events are named by no one (their data is binary), only
	 * tvm_kvm logs them (an extend of that type is EPERM), and the
	 * level's PCR values judge what they measured.
	 */
	if (pcr == TVM_PCR_OS && type == TVM_EV_SLOT)
		return 0;
	l = &levels[pcr - TVM_PCR_VMM];
	if (!l->nevents)
		return 0;

	for (i = 0; i < l->nevents; i++) {
		if (strlen(l->events[i].name) == data_len &&
		    !memcmp(l->events[i].name, data, data_len)) {
			f->event = &l->events[i];
			break;
		}
	}
	if (!f->event) {
		f->miss = TVM_POLICY_UNLISTED;
		return -EPERM;
	}
	return digests_match(f->event->digests, f->event->ndigests, banks,
			     digest, f);
}

int tvm_policy_eval_pcr(const struct tvm_policy_level *levels,
			unsigned int pcr, u32 banks,
			u8 pcrs[][TVM_NUM_PCRS][TVM_DIGEST_MAX],
			struct tvm_policy_finding *f)
{
	const u8 *value[__TVM_BANK_MAX] = { NULL };
	const struct tvm_policy_level *l;
	unsigned int b;

	memset(f, 0, sizeof(*f));
	if (pcr < TVM_PCR_OS || pcr > TVM_PCR_VMM + TVM_POLICY_LEVELS)
		return 0;
	l = &levels[pcr - TVM_PCR_VMM];
	if (!l->npcr)
		return 0;
	for (b = 0; b < __TVM_BANK_MAX; b++)
		value[b] = pcrs[b][pcr];
	return digests_match(l->pcr, l->npcr, banks, value, f);
}
