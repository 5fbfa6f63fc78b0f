// SPDX-License-Identifier: GPL-2.0
/*
 * The migration section's judge (kernel/lib/policy_mig.c): what tvm.ko
 * asks before it freezes a VM for EXPORT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy_mig.h"

static uint8_t platform[TVM_MIGP_PCRS][32];

static void set_id(uint8_t *id, uint8_t b)
{
	memset(id, b, TVM_MIG_HOST_ID_SIZE);
}

/* No section, or none in the policy: the VM does not migrate. */
static void test_no_section(void **state)
{
	struct tvm_mig_section m = { 0 };
	uint8_t dest[TVM_MIG_HOST_ID_SIZE];

	(void)state;
	set_id(dest, 1);
	assert_non_null(tvm_migp_judge(NULL, dest, 0, platform, NULL));
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0, platform, NULL),
			       "no migration section"));
	m.present = true;
	assert_null(tvm_migp_judge(&m, dest, 0, platform, NULL));
}

/* Peers: only those listed; none listed: any. */
static void test_peers(void **state)
{
	struct tvm_mig_section m = { .present = true, .npeers = 2 };
	uint8_t dest[TVM_MIG_HOST_ID_SIZE];

	(void)state;
	set_id(m.peers[0], 0xa1);
	set_id(m.peers[1], 0xb2);
	set_id(dest, 0xb2);
	assert_null(tvm_migp_judge(&m, dest, 0, platform, NULL));
	dest[31] = 0xb3;	/* one byte off */
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0, platform, NULL),
			       "does not list the destination"));
}

/* Platform PCRs: each listed one given and accepted; others not judged. */
static void test_platform(void **state)
{
	struct tvm_mig_section m = { .present = true };
	uint8_t dest[TVM_MIG_HOST_ID_SIZE];

	(void)state;
	set_id(dest, 1);
	m.pcrs[7].nvalues = 2;
	memset(m.pcrs[7].values[0], 0x70, 32);
	memset(m.pcrs[7].values[1], 0x71, 32);
	memset(platform[7], 0x71, 32);
	memset(platform[0], 0xee, 32);
	assert_null(tvm_migp_judge(&m, dest, 0xff, platform, NULL));
	/* PCR 7 not given (no TPM there): refused. */
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0x7f, platform, NULL),
			       "lacks a platform PCR"));
	/* Another value: refused. */
	platform[7][5] ^= 1;
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0xff, platform, NULL),
			       "does not accept"));
}

/*
 * TPM keys: a section that lists any wants a deep quote by one of them;
 * one without takes a deep quote or none.
 */
static void test_tpm_keys(void **state)
{
	struct tvm_mig_section m = { .present = true, .ntpm_keys = 2 };
	uint8_t dest[TVM_MIG_HOST_ID_SIZE], key[32];

	(void)state;
	set_id(dest, 1);
	memset(m.tpm_keys[0], 0x51, 32);
	memset(m.tpm_keys[1], 0x52, 32);
	memset(key, 0x52, 32);
	assert_null(tvm_migp_judge(&m, dest, 0, platform, key));
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0, platform, NULL),
			       "requires a deep quote"));
	key[31] ^= 1;
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0, platform, key),
			       "TPM key the VM's policy does not list"));
	/* The peers are judged first. */
	m.npeers = 1;
	set_id(m.peers[0], 2);
	assert_non_null(strstr(tvm_migp_judge(&m, dest, 0, platform, key),
			       "does not list the destination"));
	/* No TPM keys: any deep quote, or none. */
	m.npeers = 0;
	m.ntpm_keys = 0;
	assert_null(tvm_migp_judge(&m, dest, 0, platform, key));
	assert_null(tvm_migp_judge(&m, dest, 0, platform, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_section),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_tpm_keys),
		cmocka_unit_test(test_platform),
	};

	return cmocka_run_group_tests_name("policy_mig", tests, NULL, NULL);
}
