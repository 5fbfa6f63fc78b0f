// SPDX-License-Identifier: GPL-2.0
/*
 * Judging a destination against a policy's migration section.
 */

#include "policy_mig.h"

static bool listed_peer(const struct tvm_mig_section *m, const u8 *dest)
{
	unsigned int i;

	if (!m->npeers)
		return true;
	for (i = 0; i < m->npeers; i++)
		if (!memcmp(m->peers[i], dest, TVM_MIG_HOST_ID_SIZE))
			return true;
	return false;
}

static bool accepted_value(const struct tvm_migp_pcr *p, const u8 *value)
{
	unsigned int i;

	for (i = 0; i < p->nvalues; i++)
		if (!memcmp(p->values[i], value, 32))
			return true;
	return false;
}

static bool listed_tpm_key(const struct tvm_mig_section *m, const u8 *key)
{
	unsigned int i;

	for (i = 0; i < m->ntpm_keys; i++)
		if (!memcmp(m->tpm_keys[i], key, 32))
			return true;
	return false;
}

const char *tvm_migp_judge(const struct tvm_mig_section *m,
			   const u8 dest[TVM_MIG_HOST_ID_SIZE], u32 mask,
			   const u8 platform[TVM_MIGP_PCRS][32],
			   const u8 *tpm_key)
{
	unsigned int i;

	if (!m || !m->present)
		return "the VM's policy has no migration section: it does not migrate";
	if (!listed_peer(m, dest))
		return "the VM's policy does not list the destination host";
	if (m->ntpm_keys && !tpm_key)
		return "the policy requires a deep quote of the destination's TPM (prepare --deep)";
	if (m->ntpm_keys && !listed_tpm_key(m, tpm_key))
		return "the deep quote is signed by a TPM key the VM's policy does not list";
	for (i = 0; i < TVM_MIGP_PCRS; i++) {
		if (!m->pcrs[i].nvalues)
			continue;
		if (!(mask & BIT(i)))
			return "the destination lacks a platform PCR the VM's policy judges";
		if (!accepted_value(&m->pcrs[i], platform[i]))
			return "a destination platform PCR has a value the policy does not accept";
	}
	return NULL;
}
