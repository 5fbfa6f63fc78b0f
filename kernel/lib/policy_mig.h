/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A policy's migration section (TVM_A_POLICY_MIGRATION;
 * Documentation/policy.rst, "Migration"): where the VM it selects may go.
 * Pure: shared by tvm.ko, which judges an EXPORT with it, and tvmctl.
 */
#ifndef _TVM_POLICY_MIG_H
#define _TVM_POLICY_MIG_H

#include "tvm_lib.h"
#include <linux/tvm.h>

/* The destination's platform PCRs a policy may judge: 0-7. */
#define TVM_MIGP_PCRS		8

/**
 * struct tvm_migp_pcr - the accepted values of one platform PCR
 * @nvalues: entries of @values; 0: the PCR is not judged
 * @values: accepted SHA-256 values, in the order given, none twice
 */
struct tvm_migp_pcr {
	unsigned int nvalues;
	u8 values[TVM_POLICY_DIGESTS_MAX][32];
};

/**
 * struct tvm_mig_section - the migration section
 * @present: the policy has one; without, the VM does not migrate
 * @npeers: entries of @peers; 0: any host in %TVM_MIGRATION_KEYRING
 * @peers: host ids, in the order given, none twice
 * @pcrs: indexed by platform PCR
 * @ntpm_keys: entries of @tpm_keys; 0: a deep quote is not required
 * @tpm_keys: ids of the TPM keys that may vouch for a destination's
 *	platform (SHA-256 of the DER RSAPublicKey), in the order given, none
 *	twice
 */
struct tvm_mig_section {
	bool present;
	unsigned int npeers;
	u8 peers[TVM_MIGP_PEERS_MAX][TVM_MIG_HOST_ID_SIZE];
	struct tvm_migp_pcr pcrs[TVM_MIGP_PCRS];
	unsigned int ntpm_keys;
	u8 tpm_keys[TVM_MIGP_TPM_KEYS_MAX][32];
};

/**
 * tvm_migp_judge - may a VM under @m go to host @dest?
 * @m: the section (NULL: none)
 * @dest: the destination's host id
 * @mask: the platform PCRs the destination gave, bit i for PCR i
 * @platform: their SHA-256 values, indexed by PCR
 * @tpm_key: the id of the TPM key whose deep quote vouched for @mask and
 *	@platform (checked already: it quotes exactly these values for this
 *	PREPARE blob), or NULL when no deep quote came
 *
 * A judged PCR the destination did not give (it has no TPM) does not
 * match.  A section that lists TPM keys wants @tpm_key to be one of them:
 * then @platform holds values the destination's hardware TPM signed, not
 * only values its kernel says it read.
 *
 * Return: NULL when it may, else why not (a static string).
 */
const char *tvm_migp_judge(const struct tvm_mig_section *m,
			   const u8 dest[TVM_MIG_HOST_ID_SIZE], u32 mask,
			   const u8 platform[TVM_MIGP_PCRS][32],
			   const u8 *tpm_key);

#endif /* _TVM_POLICY_MIG_H */
