// SPDX-License-Identifier: GPL-2.0
/*
 * tvm's PCR banks against independent oracles: every bank's extend against
 * OpenSSL, SM3 against the GB/T 32905 vectors, the guest's TPM (swtpm)
 * against the same sequence of extends, and the creation-time seeding of
 * PCRs 0-8 against the host TPM's sysfs view.  Then resets, and every way
 * an extend can be wrong, each with its exact errno and nothing changed,
 * among them the extends only the kernel may make (PCRs 0-8, tvm's types).
 */

#include <sys/stat.h>

#include "tvm_crypto.h"
#include "../kselftest_harness.h"

/* --- independent computations ------------------------------------------ */

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* --- requests tvm_test.h has no helper for ----------------------------- */

/* One TVM_A_DIGEST entry: @bank's value of @len bytes; @flat: no NLA_F_NESTED. */
static void put_digest(struct tmsg *m, uint32_t bank, size_t len, bool flat)
{
	static const uint8_t value[TVM_DIGEST_MAX + 16];

	if (flat)
		m->nest[m->depth++] = tmsg_put(m, TVM_A_DIGEST, NULL, 0);
	else
		tmsg_nest_start(m, TVM_A_DIGEST);
	tmsg_put_u32(m, TVM_A_DIGEST_BANK, bank);
	tmsg_put(m, TVM_A_DIGEST_VALUE, value, len);
	tmsg_nest_end(m);
}

/* An extend of VM @id's PCR 16 up to TVM_A_EVENT_DIGESTS, left open. */
static void extend_start(struct tmsg *m, struct tnl *nl, uint32_t id)
{
	tvm_extend_init(m, nl, id, TVM_PCR_DEBUG);
	tmsg_nest_start(m, TVM_A_EVENT_DIGESTS);
}

/* Correct digests for every bank in @banks. */
static void put_digests(struct tmsg *m, uint32_t banks)
{
	unsigned int b;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (banks & (1u << b))
			put_digest(m, b, tvm_test_bank_size[b], false);
}

/* --- the fixture ---------------------------------------------------------- */

FIXTURE(pcr) {
	struct tnl nl;
	struct tmsg m;
	struct tvm_vms vms;
	bool no_tvm;
	char buf[65536];
};

FIXTURE_SETUP(pcr)
{
	TVM_SETUP_NL();
}

FIXTURE_TEARDOWN(pcr)
{
	if (self->no_tvm)
		return;
	/* Whatever a test left behind; ENOENT for those it deleted itself. */
	tvm_vms_delete(&self->nl, &self->vms);
	tnl_close(&self->nl);
}

/* Create a VM that teardown deletes. */
static int vm_new(FIXTURE_DATA(pcr) *self, const char *name, uint32_t banks,
		  uint32_t log_max, uint32_t *id)
{
	return tvm_vm_new(&self->nl, &self->vms, name, banks, log_max, id);
}

/*
 * Debian 6.1's harness runs the test even after its setup SKIPs; every
 * test starts with this.
 */

#define CALL(cb, arg) tnl_call(&self->nl, &self->m, (cb), (arg))

#define SEED 0x7476d0c0ffee1234ULL

/* Data lengths around SHA/SM3 block and padding boundaries. */
static const size_t edge_len[] = {
	0, 1, 3, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128,
	129, 1000, TVM_EVENT_DATA_MAX - 1, TVM_EVENT_DATA_MAX,
};

/*
 * A random sequence of extends of PCRs 9-23, half with data every bank
 * hashes in the kernel, half with explicit digests, against the same
 * computed with OpenSSL.
 */
TEST_F_TIMEOUT(pcr, extend_matches_userspace_hash, 120)
{
	static uint8_t data[TVM_EVENT_DATA_MAX];
	static uint8_t want[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
	static const uint32_t admin_types[] = TVM_EV_ADMIN_TYPES;
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	struct tvm_pcrs before, after;
	uint64_t s = SEED, seq = 0;
	unsigned int i, b, pcr, n = 200;
	uint32_t id, type;
	size_t len;
	int ret;

	NEED_TVM();

	for (b = 0; b < __TVM_BANK_MAX; b++)
		ASSERT_EQ(0, md(b, "", 0, d[b]))
			TH_LOG("OpenSSL has no %s", bname(b));

	ASSERT_VM_NEW("pcr-hash", TVM_BANKS_ALL, 0, &id);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));
	ASSERT_EQ(CREATION_EVENTS, before.log_count);

	for (i = 0; i < n; i++) {
		pcr = TVM_FIRST_ADMIN_PCR + rnd(&s) % ADMIN_PCRS;
		if (i % 2 == 0) {
			len = rnd(&s) % 2 ? edge_len[rnd(&s) % ARRAY_SIZE(edge_len)]
					  : rnd(&s) % (TVM_EVENT_DATA_MAX + 1);
			rnd_bytes(&s, data, len);
			for (b = 0; b < __TVM_BANK_MAX; b++)
				ASSERT_EQ(0, md(b, data, len, d[b]));
			ret = tvm_extend_data(&self->nl, id, pcr, data, len,
					      &seq);
		} else {
			rnd_bytes(&s, d, sizeof(d));
			type = admin_types[rnd(&s) % ARRAY_SIZE(admin_types)];
			len = rnd(&s) % 64;
			rnd_bytes(&s, data, len);
			ret = tvm_extend_digests(&self->nl, id, pcr, type,
						 TVM_BANKS_ALL, d, data, len,
						 &seq);
		}
		ASSERT_EQ(0, ret) TH_LOG("extend %u: %s", i, self->nl.extack);
		EXPECT_EQ(CREATION_EVENTS + i, seq);
		for (b = 0; b < __TVM_BANK_MAX; b++)
			ASSERT_EQ(0, extend(b, want[b][pcr], d[b]));
	}

	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
	EXPECT_EQ(CREATION_EVENTS + n, after.log_count);
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		EXPECT_EQ(TVM_PCR_MASK_ALL, after.have[b]);
		for (pcr = 0; pcr < TVM_FIRST_ADMIN_PCR; pcr++)
			EXPECT_PCR(before.v[b][pcr], after.v[b][pcr], b, pcr);
		for (pcr = TVM_FIRST_ADMIN_PCR; pcr < TVM_NUM_PCRS; pcr++)
			EXPECT_PCR(want[b][pcr], after.v[b][pcr], b, pcr);
	}
}

/* GB/T 32905-2016, appendix A: SM3("abc") and SM3("abcd" x 16). */
static const uint8_t sm3_abc[32] = {
	0x66, 0xc7, 0xf0, 0xf4, 0x62, 0xee, 0xed, 0xd9,
	0xd1, 0xf2, 0xd4, 0x6b, 0xdc, 0x10, 0xe4, 0xe2,
	0x41, 0x67, 0xc4, 0x87, 0x5c, 0xf2, 0xf7, 0xa2,
	0x29, 0x7d, 0xa0, 0x2b, 0x8f, 0x4b, 0xa8, 0xe0,
};
static const uint8_t sm3_abcd16[32] = {
	0xde, 0xbe, 0x9f, 0xf9, 0x22, 0x75, 0xb8, 0xa1,
	0x38, 0x60, 0x48, 0x89, 0xc1, 0x8e, 0x5a, 0x4d,
	0x6f, 0xdb, 0x70, 0xe5, 0x38, 0x7e, 0x57, 0x65,
	0x29, 0x3d, 0xcb, 0xa3, 0x9c, 0x0c, 0x57, 0x32,
};

TEST_F(pcr, sm3_bank_matches_gbt32905_vectors)
{
	const unsigned int sm3 = TVM_BANK_SM3_256;
	uint8_t want[TVM_DIGEST_MAX] = {}, d[TVM_DIGEST_MAX];
	struct tvm_log log = {};
	struct tvm_pcrs p;
	char abcd16[65] = "";
	uint64_t s1, s2;
	uint32_t id;
	int i;

	NEED_TVM();

	for (i = 0; i < 16; i++)
		strcat(abcd16, "abcd");

	/* The user-space oracle the other tests use agrees with the standard. */
	ASSERT_EQ(0, md(sm3, "abc", 3, d)) TH_LOG("OpenSSL has no SM3");
	ASSERT_EQ(0, memcmp(sm3_abc, d, 32));
	ASSERT_EQ(0, md(sm3, abcd16, 64, d));
	ASSERT_EQ(0, memcmp(sm3_abcd16, d, 32));

	ASSERT_VM_NEW("pcr-sm3", 1u << sm3, 0, &id);
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_DEBUG, "abc", 3,
				     &s1));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_DEBUG, abcd16, 64,
				     &s2));
	EXPECT_EQ(s1 + 1, s2);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, s1, &log));
	ASSERT_EQ(2u, log.n);
	EXPECT_EQ(s1, log.ev[0].seq);
	EXPECT_EQ(s2, log.ev[1].seq);
	ASSERT_NE(0u, log.ev[0].banks & (1u << sm3));
	ASSERT_NE(0u, log.ev[1].banks & (1u << sm3));
	EXPECT_PCR(sm3_abc, log.ev[0].digest[sm3], sm3, TVM_PCR_DEBUG);
	EXPECT_PCR(sm3_abcd16, log.ev[1].digest[sm3], sm3, TVM_PCR_DEBUG);

	/* And the bank extends with them: SM3(SM3(0^32 || v1) || v2). */
	ASSERT_EQ(0, extend(sm3, want, sm3_abc));
	ASSERT_EQ(0, extend(sm3, want, sm3_abcd16));
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &p));
	EXPECT_PCR(want, p.v[sm3][TVM_PCR_DEBUG], sm3, TVM_PCR_DEBUG);
	tvm_log_free(&log);
}

/*
 * The same random sequence of digests extended into the guest's TPM and
 * into a VM, after resetting PCR 16 and 23 on both: every bank both have
 * must end equal.
 */
TEST_F_TIMEOUT(pcr, extend_matches_swtpm, 300)
{
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	struct tvm_pcrs tpm, vm;
	char spec[512], arg[512], h[2 * TVM_DIGEST_MAX + 1];
	uint32_t id, common = 0;
	uint64_t s = SEED ^ 0x5157, seq;
	unsigned int i, b, pcr;
	int ret;

	NEED_TVM();

	if (access("/dev/tpmrm0", F_OK))
		SKIP(return, "no /dev/tpmrm0: no TPM to compare with");
	if (!getenv("TPM2TOOLS_TCTI"))
		setenv("TPM2TOOLS_TCTI", "device:/dev/tpmrm0", 1);

	/* The banks the TPM has active: those tpm2_pcrread lists. */
	ret = run(self->buf, sizeof(self->buf), "tpm2_pcrread");
	ASSERT_EQ(0, ret) TH_LOG("tpm2_pcrread: %s", self->buf);
	parse_tpm2_pcrs(self->buf, NULL, &tpm);
	spec[0] = '\0';
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if ((tpm.have[b] & (1u << TVM_PCR_DEBUG | 1u << TVM_PCR_APP)) !=
		    (1u << TVM_PCR_DEBUG | 1u << TVM_PCR_APP))
			continue;
		common |= 1u << b;
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			 "%s%s:16,23", *spec ? "+" : "", tvm_test_bank_name[b]);
	}
	ASSERT_NE(0u, common & (1u << TVM_BANK_SHA256))
		TH_LOG("the TPM has no sha256 bank");
	TH_LOG("banks compared: %s", spec);

	ASSERT_VM_NEW("pcr-swtpm", TVM_BANKS_ALL, 0, &id);
	ret = run(self->buf, sizeof(self->buf), "tpm2_pcrreset 16 23");
	ASSERT_EQ(0, ret) TH_LOG("tpm2_pcrreset: %s", self->buf);
	ASSERT_EQ(0, pcr_reset(&self->nl, id, TVM_PCR_DEBUG, &seq));
	ASSERT_EQ(0, pcr_reset(&self->nl, id, TVM_PCR_APP, &seq));

	for (i = 0; i < 30; i++) {
		pcr = rnd(&s) % 2 ? TVM_PCR_DEBUG : TVM_PCR_APP;
		rnd_bytes(&s, d, sizeof(d));
		arg[0] = '\0';
		for (b = 0; b < __TVM_BANK_MAX; b++)
			if (common & (1u << b))
				snprintf(arg + strlen(arg),
					 sizeof(arg) - strlen(arg), "%s%s=%s",
					 *arg ? "," : "", tvm_test_bank_name[b],
					 hex(d[b], tvm_test_bank_size[b], h));
		ret = run(self->buf, sizeof(self->buf), "tpm2_pcrextend %u:%s",
			  pcr, arg);
		ASSERT_EQ(0, ret) TH_LOG("tpm2_pcrextend: %s", self->buf);
		ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, pcr,
						TVM_EV_EXTEND, TVM_BANKS_ALL,
						d, NULL, 0, NULL))
			TH_LOG("%s", self->nl.extack);
	}

	ret = run(self->buf, sizeof(self->buf), "tpm2_pcrread %s", spec);
	ASSERT_EQ(0, ret) TH_LOG("tpm2_pcrread: %s", self->buf);
	parse_tpm2_pcrs(self->buf, NULL, &tpm);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &vm));
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(common & (1u << b)))
			continue;
		EXPECT_EQ(1u << TVM_PCR_DEBUG | 1u << TVM_PCR_APP, tpm.have[b])
			TH_LOG("tpm2_pcrread did not list %s", bname(b));
		EXPECT_FALSE(all_zero(vm.v[b][TVM_PCR_DEBUG],
				      tvm_test_bank_size[b]));
		EXPECT_PCR(tpm.v[b][TVM_PCR_DEBUG], vm.v[b][TVM_PCR_DEBUG], b,
			   TVM_PCR_DEBUG);
		EXPECT_PCR(tpm.v[b][TVM_PCR_APP], vm.v[b][TVM_PCR_APP], b,
			   TVM_PCR_APP);
	}
	run(self->buf, sizeof(self->buf), "tpm2_pcrreset 16 23");
}

/* The host TPM's SHA-256 PCR @i from sysfs: 1, 0 without a TPM, -1. */
static int host_pcr(unsigned int i, uint8_t out[32])
{
	char path[64], text[128] = "";
	FILE *f;
	int ok;

	memset(out, 0, 32);
	if (access("/sys/class/tpm/tpm0", F_OK))
		return 0;
	snprintf(path, sizeof(path), "/sys/class/tpm/tpm0/pcr-sha256/%u", i);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(text, sizeof(text), f) && unhex(text, out, 32) == 32;
	fclose(f);
	return ok ? 1 : -1;
}

/*
 * PCRs 0-7 of a new VM extend the host's SHA-256 PCRs (itself in the
 * SHA-256 bank, its hash in the others), PCR 8 the tvm version text, and
 * PCRs 9-23 start at zero.
 */
TEST_F(pcr, create_seeds_host_pcrs_and_version)
{
	uint8_t host[TVM_PCR_HOST_LAST + 1][32], again[32];
	uint8_t d[TVM_DIGEST_MAX], w[TVM_DIGEST_MAX];
	const struct tvm_ev_host_pcr *hp;
	struct tvm_log log = {};
	struct tvm_pcrs p;
	char text[TVM_EVENT_DATA_MAX + 1], tail[32];
	unsigned int i, b, size;
	int has_tpm = 0, r;
	uint32_t id;

	NEED_TVM();

	for (i = 0; i <= TVM_PCR_HOST_LAST; i++) {
		r = host_pcr(i, host[i]);
		if (r < 0)
			SKIP(return, "the host TPM has no readable pcr-sha256/%u", i);
		has_tpm = r;
	}
	TH_LOG("host TPM: %s", has_tpm ? "yes" : "none, PCRs 0-7 seed zeros");

	ASSERT_VM_NEW("pcr-seed", TVM_BANKS_ALL, 0, &id);
	for (i = 0; i <= TVM_PCR_HOST_LAST; i++) {
		ASSERT_EQ(has_tpm, host_pcr(i, again));
		ASSERT_EQ(0, memcmp(host[i], again, 32))
			TH_LOG("host PCR %u changed meanwhile", i);
	}
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &p));
	ASSERT_EQ(CREATION_EVENTS, p.log_count);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	ASSERT_EQ(CREATION_EVENTS, log.n);

	for (i = 0; i <= TVM_PCR_HOST_LAST; i++) {
		const struct tvm_ev *ev = &log.ev[i];

		EXPECT_EQ(i, ev->pcr);
		EXPECT_EQ((uint32_t)TVM_EV_HOST_PCR, ev->type);
		EXPECT_EQ((uint32_t)TVM_BANKS_ALL, ev->banks);
		ASSERT_EQ(sizeof(*hp), ev->data_len);
		hp = (const void *)ev->data;
		EXPECT_EQ(0, memcmp("TVMH", hp->magic, 4));
		EXPECT_EQ(i, (unsigned int)hp->pcr);
		EXPECT_EQ(has_tpm, hp->has_tpm);
		EXPECT_EQ(0, hp->reserved[0] | hp->reserved[1]);
		EXPECT_PCR(host[i], hp->value, TVM_BANK_SHA256, i);

		for (b = 0; b < __TVM_BANK_MAX; b++) {
			size = tvm_test_bank_size[b];
			/* SHA-256 extends the host value; the others its hash. */
			if (b == TVM_BANK_SHA256)
				memcpy(d, host[i], 32);
			else
				ASSERT_EQ(0, md(b, host[i], 32, d));
			EXPECT_PCR(d, ev->digest[b], b, i);
			memset(w, 0, sizeof(w));
			ASSERT_EQ(0, md2(b, w, size, d, size, w));
			EXPECT_PCR(w, p.v[b][i], b, i);
		}
	}

	/* PCR 8: "tvm <version> abi <TVM_ABI_VERSION>", hashed by each bank. */
	EXPECT_EQ((uint32_t)TVM_PCR_VMM, log.ev[8].pcr);
	EXPECT_EQ((uint32_t)TVM_EV_TVM_VERSION, log.ev[8].type);
	snprintf(text, sizeof(text), "%.*s", (int)log.ev[8].data_len,
		 (const char *)log.ev[8].data);
	snprintf(tail, sizeof(tail), " abi %d", TVM_ABI_VERSION);
	TH_LOG("PCR 8 event: '%s'", text);
	EXPECT_EQ(0, strncmp(text, "tvm ", 4));
	EXPECT_EQ(strlen(text), log.ev[8].data_len);
	ASSERT_LT(strlen(tail) + 4, strlen(text));
	EXPECT_STREQ(tail, text + strlen(text) - strlen(tail));
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		size = tvm_test_bank_size[b];
		ASSERT_EQ(0, md(b, text, strlen(text), d));
		EXPECT_PCR(d, log.ev[8].digest[b], b, TVM_PCR_VMM);
		memset(w, 0, sizeof(w));
		ASSERT_EQ(0, md2(b, w, size, d, size, w));
		EXPECT_PCR(w, p.v[b][TVM_PCR_VMM], b, TVM_PCR_VMM);
	}

	/* PCRs 9-23 are untouched. */
	for (b = 0; b < __TVM_BANK_MAX; b++)
		for (i = TVM_FIRST_ADMIN_PCR; i < TVM_NUM_PCRS; i++)
			EXPECT_TRUE(all_zero(p.v[b][i], tvm_test_bank_size[b]))
				TH_LOG("%s PCR %u is not zero", bname(b), i);
	tvm_log_free(&log);
}

/*
 * PCR 16 and 23 reset to zeros in every bank, logged as an EV_NO_ACTION
 * "TVMR" marker with zero digests; other PCRs refuse.
 */
TEST_F(pcr, reset_zeroes_pcr_and_logs_marker)
{
	static const uint32_t pcrs[] = { TVM_PCR_DEBUG, TVM_PCR_APP };
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX], w[TVM_DIGEST_MAX];
	struct tvm_pcrs before, after;
	struct tvm_log log = {};
	const struct tvm_ev_reset *r;
	unsigned int k, b, i;
	uint64_t seq;
	uint32_t id;

	NEED_TVM();

	ASSERT_VM_NEW("pcr-reset", TVM_BANKS_ALL, 0, &id);
	for (i = TVM_FIRST_ADMIN_PCR; i < TVM_NUM_PCRS; i++)
		ASSERT_EQ(0, tvm_extend_data(&self->nl, id, i, "x", 1, NULL));
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));

	for (k = 0; k < ARRAY_SIZE(pcrs); k++) {
		seq = ~0ull;
		ASSERT_EQ(0, pcr_reset(&self->nl, id, pcrs[k], &seq))
			TH_LOG("%s", self->nl.extack);
		EXPECT_EQ(before.log_count, seq);
		ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
		EXPECT_EQ(before.log_count + 1, after.log_count);
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			for (i = 0; i < TVM_NUM_PCRS; i++) {
				if (i == pcrs[k]) {
					memset(w, 0, sizeof(w));
					EXPECT_PCR(w, after.v[b][i], b, i);
				} else {
					EXPECT_PCR(before.v[b][i],
						   after.v[b][i], b, i);
				}
			}
		}

		ASSERT_EQ(0, tvm_log_dump(&self->nl, id, before.log_count, &log));
		ASSERT_EQ(1u, log.n);
		EXPECT_EQ(before.log_count, log.ev[0].seq);
		EXPECT_EQ(pcrs[k], log.ev[0].pcr);
		EXPECT_EQ((uint32_t)TVM_EV_NO_ACTION, log.ev[0].type);
		EXPECT_EQ((uint32_t)TVM_BANKS_ALL, log.ev[0].banks);
		ASSERT_EQ(sizeof(*r), log.ev[0].data_len);
		r = (const void *)log.ev[0].data;
		EXPECT_EQ(0, memcmp("TVMR", r->magic, 4));
		EXPECT_EQ(pcrs[k], (uint32_t)r->pcr);
		EXPECT_TRUE(all_zero(r->reserved, sizeof(r->reserved)));
		for (b = 0; b < __TVM_BANK_MAX; b++)
			EXPECT_TRUE(all_zero(log.ev[0].digest[b],
					     tvm_test_bank_size[b]))
				TH_LOG("%s digest of the reset is not zero",
				       bname(b));
		tvm_log_free(&log);
		before = after;
	}

	/* Extending after the reset starts from zeros. */
	memset(d, 0xa5, sizeof(d));
	ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG,
					TVM_EV_EXTEND,
					TVM_BANKS_ALL, d, NULL, 0, NULL));
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		memset(w, 0, sizeof(w));
		ASSERT_EQ(0, extend(b, w, d[b]));
		EXPECT_PCR(w, before.v[b][TVM_PCR_DEBUG], b, TVM_PCR_DEBUG);
	}

	/* Only 16 and 23 reset; nothing is logged or changed otherwise. */
	EXPECT_EQ(-EPERM, pcr_reset(&self->nl, id, TVM_PCR_OS, &seq));
	EXPECT_EXTACK("not resettable");
	EXPECT_EQ(-EPERM, pcr_reset(&self->nl, id, 0, &seq));
	EXPECT_EXTACK("not resettable");
	EXPECT_EQ(-ERANGE, pcr_reset(&self->nl, id, 24, &seq));
	tmsg_init(&self->m, &self->nl, TVM_CMD_PCR_RESET, 0);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("which PCR to reset?");
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

/* Every bad extend or read is refused with its errno, and changes nothing. */
TEST_F(pcr, extend_rejects_bad_requests)
{
	static uint8_t data[TVM_EVENT_DATA_MAX + 1];
	const uint32_t banks = TVM_BANKS_DEFAULT;	/* no SHA-1 */
	const uint32_t sha256 = 1u << TVM_BANK_SHA256;
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX] = {};
	struct tvm_pcrs before, after;
	struct tvm_log log = {};
	uint32_t id, gone;
	uint64_t seq;

	NEED_TVM();

	ASSERT_VM_NEW("pcr-rej", banks, 0, &id);
	ASSERT_EQ(0, vm_new(self, "pcr-rej-gone", banks, 0, &gone));
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, gone));

	/* TVM_EVENT_DATA_MAX bytes of data are fine, and logged whole. */
	memset(data, 0x5a, sizeof(data));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_DEBUG, data,
				     TVM_EVENT_DATA_MAX, &seq))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, seq, &log));
	ASSERT_EQ(1u, log.n);
	EXPECT_EQ((uint32_t)TVM_EVENT_DATA_MAX, log.ev[0].data_len);
	EXPECT_EQ(0, memcmp(data, log.ev[0].data, TVM_EVENT_DATA_MAX));
	tvm_log_free(&log);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));

	/* PCR 24 does not exist. */
	EXPECT_EQ(-ERANGE, tvm_extend_data(&self->nl, id, 24, "x", 1, NULL));
	EXPECT_EXTACK("out of range");
	EXPECT_EQ(-ERANGE, tvm_extend_digests(&self->nl, id, 24, TVM_EV_EXTEND,
					      banks, d, NULL, 0, NULL));

	/* No PCR index. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_PCR_EXTEND, 0);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	tmsg_put(&self->m, TVM_A_EVENT_DATA, "x", 1);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("which PCR to extend?");

	/* One byte more data than allowed. */
	EXPECT_EQ(-ERANGE, tvm_extend_data(&self->nl, id, TVM_PCR_DEBUG, data,
					   TVM_EVENT_DATA_MAX + 1, NULL));
	EXPECT_NE('\0', self->nl.extack[0]);

	/* EV_NO_ACTION is logged by tvm, never extended by a caller. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_PCR_EXTEND, 0);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	tmsg_put_u32(&self->m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
	tmsg_put_u32(&self->m, TVM_A_EVENT_TYPE, TVM_EV_NO_ACTION);
	tmsg_put(&self->m, TVM_A_EVENT_DATA, "x", 1);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("EV_NO_ACTION events are never extended");
	EXPECT_EQ(-EINVAL, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG,
					      TVM_EV_NO_ACTION, banks, d,
					      NULL, 0, NULL));
	EXPECT_EXTACK("EV_NO_ACTION events are never extended");

	/* Digests missing a bank of the VM (each one in turn), or all. */
	EXPECT_EQ(-EINVAL, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG,
					      TVM_EV_EXTEND,
					      banks & ~(1u << TVM_BANK_SM3_256),
					      d, NULL, 0, NULL));
	EXPECT_EXTACK("a digest is needed for every bank of the VM");
	EXPECT_EQ(-EINVAL, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG,
					      TVM_EV_EXTEND,
					      banks & ~sha256, d, NULL, 0,
					      NULL));
	EXPECT_EXTACK("a digest is needed for every bank of the VM");
	EXPECT_EQ(-EINVAL, tvm_extend_digests(&self->nl, id, TVM_PCR_DEBUG,
					      TVM_EV_EXTEND,
					      0, d, NULL, 0, NULL));
	EXPECT_EXTACK("a digest is needed for every bank of the VM");

	/* A SHA-256 digest of SHA-384's size, and one a byte short. */
	extend_start(&self->m, &self->nl, id);
	put_digests(&self->m, banks & ~sha256);
	put_digest(&self->m, TVM_BANK_SHA256, 48, false);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("digest size does not match its bank");
	extend_start(&self->m, &self->nl, id);
	put_digest(&self->m, TVM_BANK_SHA256, 31, false);
	put_digests(&self->m, banks & ~sha256);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("digest size does not match its bank");

	/* Two digests for one bank, even if all banks have theirs. */
	extend_start(&self->m, &self->nl, id);
	put_digests(&self->m, banks);
	put_digest(&self->m, TVM_BANK_SHA256, 32, false);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("two digests for one bank");

	/* A digest for SHA-1, which this VM has not. */
	extend_start(&self->m, &self->nl, id);
	put_digests(&self->m, banks);
	put_digest(&self->m, TVM_BANK_SHA1, 20, false);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("the VM has no such bank");

	/* Bank 4 does not exist. */
	extend_start(&self->m, &self->nl, id);
	put_digests(&self->m, banks);
	put_digest(&self->m, __TVM_BANK_MAX, 32, false);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-ERANGE, CALL(NULL, NULL));
	EXPECT_EXTACK("out of range");

	/* A digest entry without NLA_F_NESTED. */
	extend_start(&self->m, &self->nl, id);
	put_digests(&self->m, banks & ~sha256);
	put_digest(&self->m, TVM_BANK_SHA256, 32, true);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("NLA_F_NESTED");

	/* A digest entry without its value. */
	extend_start(&self->m, &self->nl, id);
	put_digests(&self->m, banks & ~sha256);
	tmsg_nest_start(&self->m, TVM_A_DIGEST);
	tmsg_put_u32(&self->m, TVM_A_DIGEST_BANK, TVM_BANK_SHA256);
	tmsg_nest_end(&self->m);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("a digest needs a bank and a value");

	/* No such VM, and a deleted one. */
	EXPECT_EQ(-ENOENT, tvm_extend_data(&self->nl, 0x7ffffff0, TVM_PCR_DEBUG,
					   "x", 1,
					   NULL));
	EXPECT_EXTACK("no such VM");
	EXPECT_EQ(-ENOENT, tvm_extend_data(&self->nl, gone, TVM_PCR_DEBUG, "x",
					   1, NULL));
	EXPECT_EXTACK("no such VM");
	EXPECT_EQ(-ENOENT, tvm_extend_digests(&self->nl, gone, TVM_PCR_DEBUG,
					      TVM_EV_EXTEND, banks, d, NULL, 0,
					      NULL));
	EXPECT_EXTACK("no such VM");

	/* Reads: a bank the VM lacks, a PCR beyond 23. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_PCR_READ, 0);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	tmsg_put_u32(&self->m, TVM_A_PCR_BANK, TVM_BANK_SHA1);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("the VM has no such bank");
	tmsg_init(&self->m, &self->nl, TVM_CMD_PCR_READ, 0);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	tmsg_put_u32(&self->m, TVM_A_PCR_MASK, 1u << 24);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("reserved bit set");

	/* Nothing was logged, nothing extended. */
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
	EXPECT_EQ(before.log_count, after.log_count);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	EXPECT_EQ(before.log_count, log.n);
	tvm_log_free(&log);
}

/*
 * Fail closed (ABI 6), one result an event type: tvm's reserved types are
 * the kernel's alone (EPERM), with digests or with data only (the kernel
 * would hash it); of the other types, those with a TCG structure or none
 * tvm knows, and the reserved range's neighbours, are not extendable
 * (EINVAL); each refusal with its message, and nothing logged.
 */
FIXTURE(closed_type) {
	FIXTURE_DATA(pcr) s;
};

FIXTURE_VARIANT(closed_type) {
	uint32_t type;
	bool reserved;		/* tvm's: EPERM; else EINVAL */
};

FIXTURE_SETUP(closed_type)
{
	pcr_setup(_metadata, &self->s, NULL);
}

FIXTURE_TEARDOWN(closed_type)
{
	pcr_teardown(_metadata, &self->s, NULL);
}

FIXTURE_VARIANT_ADD(closed_type, reserved_first) {
	.type = TVM_EV_RESERVED_FIRST, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, host_pcr) {
	.type = TVM_EV_HOST_PCR, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, tvm_version) {
	.type = TVM_EV_TVM_VERSION, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, vmm_exe) {
	.type = TVM_EV_VMM_EXE, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, memslot) {
	.type = TVM_EV_MEMSLOT, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, vcpu) {
	.type = TVM_EV_VCPU, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, cpuid) {
	.type = TVM_EV_CPUID, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, slot) {
	.type = TVM_EV_SLOT, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, file) {
	.type = TVM_EV_FILE, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, runtime) {
	.type = TVM_EV_RUNTIME, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, base_plus_11) {
	.type = TVM_EV_BASE + 11, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, base_plus_0x100) {
	.type = TVM_EV_BASE + 0x100, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, reserved_last) {
	.type = TVM_EV_RESERVED_LAST, .reserved = true,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x0) {
	.type = 0x0,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x1) {
	.type = 0x1,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x2) {
	.type = 0x2,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x4) {
	.type = 0x4,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x5) {
	.type = 0x5,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x6) {
	.type = 0x6,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x7) {
	.type = 0x7,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x8) {
	.type = 0x8,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x9) {
	.type = 0x9,
};

FIXTURE_VARIANT_ADD(closed_type, type_0xa) {
	.type = 0xa,
};

FIXTURE_VARIANT_ADD(closed_type, type_0xb) {
	.type = 0xb,
};

FIXTURE_VARIANT_ADD(closed_type, type_0xe) {
	.type = 0xe,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x12) {
	.type = 0x12,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x80000001) {
	.type = 0x80000001,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x80000002) {
	.type = 0x80000002,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x80000003) {
	.type = 0x80000003,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x80000006) {
	.type = 0x80000006,
};

FIXTURE_VARIANT_ADD(closed_type, type_0x800000e0) {
	.type = 0x800000e0,
};

FIXTURE_VARIANT_ADD(closed_type, reserved_first_minus_1) {
	.type = TVM_EV_RESERVED_FIRST - 1,
};

FIXTURE_VARIANT_ADD(closed_type, reserved_last_plus_1) {
	.type = TVM_EV_RESERVED_LAST + 1,
};

FIXTURE_VARIANT_ADD(closed_type, type_0xffffffff) {
	.type = 0xffffffff,
};

/* The kernel's message for the last call on s->nl contains @want. */
#define EXPECT_S_EXTACK(want) \
	EXPECT_NE(NULL, strstr(s->nl.extack, (want))) \
		TH_LOG("extack '%s', expected '%s'", s->nl.extack, (want))

TEST_F(closed_type, refused_and_not_logged)
{
	static const char reserved[] =
		"tvm's event types are logged by the kernel only";
	const uint32_t banks = TVM_BANKS_DEFAULT;
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX] = {};
	FIXTURE_DATA(pcr) *s = &self->s;
	struct tvm_pcrs before, after;
	uint32_t id;

	if (s->no_tvm)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, vm_new(s, "pcr-closed", banks, 0, &id))
		TH_LOG("%s", s->nl.extack);
	ASSERT_EQ(0, tvm_pcr_read(&s->nl, id, &before));

	if (variant->reserved) {
		EXPECT_EQ(-EPERM, tvm_extend_digests(&s->nl, id, TVM_PCR_OS,
						     variant->type, banks, d,
						     "x", 1, NULL));
		EXPECT_S_EXTACK(reserved);
		/* Without digests too: the kernel would hash the data. */
		tvm_extend_init(&s->m, &s->nl, id, TVM_PCR_RUNTIME);
		tmsg_put_u32(&s->m, TVM_A_EVENT_TYPE, variant->type);
		tmsg_put(&s->m, TVM_A_EVENT_DATA, d, 48);
		EXPECT_EQ(-EPERM, tnl_call(&s->nl, &s->m, NULL, NULL));
		EXPECT_S_EXTACK(reserved);
	} else {
		EXPECT_EQ(-EINVAL, tvm_extend_digests(&s->nl, id, TVM_PCR_OS,
						      variant->type, banks, d,
						      "x", 1, NULL));
		EXPECT_S_EXTACK("event type not extendable");
	}

	ASSERT_EQ(0, tvm_pcr_read(&s->nl, id, &after));
	EXPECT_EQ(before.log_count, after.log_count);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

/*
 * Fail closed (ABI 6): PCRs 0-8 are the kernel's alone (EPERM), with data
 * or with digests, each refusal with its message (the event types are
 * the closed_type cases above); the types of TVM_EV_ADMIN_TYPES are
 * extended; nothing refused is logged.
 */
TEST_F(pcr, extend_fails_closed)
{
	static const uint32_t admin[] = TVM_EV_ADMIN_TYPES;
	const uint32_t banks = TVM_BANKS_DEFAULT;
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX] = {};
	struct tvm_pcrs before, after;
	struct tvm_log log = {};
	unsigned int i, pcr;
	uint64_t seq;
	uint32_t id;

	NEED_TVM();

	ASSERT_VM_NEW("pcr-closed", banks, 0, &id);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));

	for (pcr = 0; pcr < TVM_FIRST_ADMIN_PCR; pcr++) {
		EXPECT_EQ(-EPERM, tvm_extend_data(&self->nl, id, pcr, "x", 1,
						  NULL)) TH_LOG("PCR %u", pcr);
		EXPECT_EXTACK("PCRs 0-8 are measured by the kernel only");
		EXPECT_EQ(-EPERM, tvm_extend_digests(&self->nl, id, pcr,
						     TVM_EV_IPL, banks, d,
						     "x", 1, NULL))
			TH_LOG("PCR %u", pcr);
		EXPECT_EXTACK("PCRs 0-8 are measured by the kernel only");
	}
	/* PCR 0 with a reserved type: the PCR is what is refused first. */
	EXPECT_EQ(-EPERM, tvm_extend_digests(&self->nl, id, 0, TVM_EV_HOST_PCR,
					     banks, d, NULL, 0, NULL));
	EXPECT_EXTACK("PCRs 0-8 are measured by the kernel only");

	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
	EXPECT_EQ(before.log_count, after.log_count);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));

	/* The allowed types are extended, into PCR 9 and 23 alike. */
	for (i = 0; i < ARRAY_SIZE(admin); i++) {
		ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, i % 2 ?
						TVM_PCR_APP : TVM_PCR_OS,
						admin[i], banks, d, "ok", 2,
						&seq))
			TH_LOG("type 0x%08x: %s", admin[i], self->nl.extack);
		EXPECT_EQ(before.log_count + i, seq);
	}
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_OS, "x", 1, NULL))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, before.log_count, &log));
	ASSERT_EQ(ARRAY_SIZE(admin) + 1, log.n);
	for (i = 0; i < ARRAY_SIZE(admin); i++)
		EXPECT_EQ(admin[i], log.ev[i].type);
	EXPECT_EQ((uint32_t)TVM_EV_EXTEND, log.ev[i].type);
	tvm_log_free(&log);
}

TEST_HARNESS_MAIN
