// SPDX-License-Identifier: GPL-2.0
/*
 * The deep quote of a PREPARE blob over raw netlink (Documentation/
 * migration.rst, "The deep quote"): this host is both ends of the
 * migration, and its hardware TPM (swtpm in the emulated host, through
 * tpm2-tools) quotes its platform PCRs for the PREPARE blob.  EXPORT takes
 * a valid deep quote; it refuses, each with its errno and nothing frozen,
 * a changed signature, a quote of another PREPARE blob, of other PCRs, of
 * other values (a PREPARE whose platform values the destination's root
 * forged and signed with its attestation key), a truncated or extended
 * one, one by a TPM key the policy does not list, and none when the
 * policy lists TPM keys.
 */

#include <fcntl.h>
#include <linux/keyctl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "tvm_crypto.h"
#include "tvm_kvm.h"
#include "../kselftest_harness.h"

#define WORK "/tmp/tvm-migdeep-test"
#define BLOB_HEAD	16
#define PREPARE_BODY	(16 + 32 + 64 + 4 + 4 + 8 * 32)
#define MASK_AT		(BLOB_HEAD + 116)
#define VALUES_AT	(BLOB_HEAD + 120)
#define DEEP_MAX	TVM_MIG_DEEP_MAX

/* The deep quote key's template, as tvmctl's (userspace/tvmctl/tpm.c). */
#define TPM_PRIMARY "tpm2_createprimary -Q -C e -G rsa2048:rsassa-sha256:null " \
	"-g sha256 -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|" \
	"restricted|sign|noda' -c " WORK "/tk.ctx -f pem -o " WORK "/tk.pem"

struct blob {
	uint8_t b[TVM_MIG_BLOB_MAX];
	int len;
};

struct deep {
	uint8_t b[DEEP_MAX + 16];
	int len;
	uint8_t key_id[32];
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

static int blob_cb(const struct nlmsghdr *h, void *arg)
{
	struct blob *b = arg;

	tattr_copy(tmsg_attr(h, TVM_A_MIG_BLOB), b->b, sizeof(b->b), &b->len);
	return 0;
}

static int mig_prepare(struct tnl *nl, struct blob *b)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_PREPARE, 0);
	return tnl_call(nl, &m, blob_cb, b);
}

/* EXPORT VM @vm for @prep, with deep quote @d (NULL: none). */
static int mig_export(struct tnl *nl, uint32_t vm, const struct blob *prep,
		      const uint8_t *d, int dlen)
{
	struct tmsg m;
	int fd = memfd_create("tvm-mig", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	tmsg_put(&m, TVM_A_MIG_BLOB, prep->b, prep->len);
	if (d)
		tmsg_put(&m, TVM_A_MIG_DEEP, d, dlen);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	ret = tnl_call(nl, &m, NULL, NULL);
	close(fd);
	return ret;
}

static int migration_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_MIGRATION);

	*(int *)arg = a ? (int)tattr_u32(a) : -1;
	return 0;
}

/* VM @id's TVM_A_VM_MIGRATION, -1 when it is in none, -2 on error. */
static int vm_migration(struct tnl *nl, uint32_t id)
{
	int st = -2;

	if (tvm_vm_call(nl, TVM_CMD_VM_GET, id, migration_cb, &st))
		return -2;
	return st;
}

/*
 * A policy for VM @name (audit) whose migration section lists @nkeys TPM
 * keys @keys and, when @pcr0 is not NULL, accepts only that value of the
 * destination's platform PCR 0.
 */
static int deep_policy(struct tnl *nl, const char *name, const uint8_t *keys,
		       int nkeys, const uint8_t *pcr0)
{
	struct tmsg *m = malloc(sizeof(*m));
	int i, ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, name, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	if (pcr0) {
		tmsg_nest_start(m, TVM_A_MIGP_PLATFORM);
		tmsg_put_u32(m, TVM_A_MIGPP_INDEX, 0);
		tmsg_put(m, TVM_A_MIGPP_SHA256, pcr0, 32);
		tmsg_nest_end(m);
	}
	for (i = 0; i < nkeys; i++)
		tmsg_put(m, TVM_A_MIGP_TPM_KEY, keys + 32 * i, 32);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

static int read_file(const char *path, uint8_t *buf, int max)
{
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, (size_t)max);
	close(fd);
	return n;
}

static uint8_t *put2b(uint8_t *p, const uint8_t *data, int len)
{
	p[0] = (uint8_t)(len >> 8);
	p[1] = (uint8_t)len;
	memcpy(p + 2, data, (size_t)len);
	return p + 2 + len;
}

/*
 * The host TPM's deep quote of PCRs @list ("sha256:0,1,...": NULL, those
 * @prep's mask names) with qualifying data SHA-256(@qual_of) (NULL:
 * @prep), encoded as migration.rst says; 0 or -1 (@log the output).
 */
static int deep_quote(const struct blob *prep, const struct blob *qual_of,
		      const char *list, struct deep *d, char *log, size_t size)
{
	uint8_t digest[32], attest[1024], sig[1024], *p = d->b;
	unsigned char *der = NULL;
	char hexq[65], pcrs[64] = "sha256:";
	uint32_t mask = be32(prep->b + MASK_AT);
	EVP_PKEY *key = NULL;
	int alen, slen, der_len = -1, i;
	FILE *f;

	if (!qual_of)
		qual_of = prep;
	for (i = 0; i < 8; i++)
		if (mask & (1U << i))
			snprintf(pcrs + strlen(pcrs), sizeof(pcrs) - strlen(pcrs),
				 "%s%d", pcrs[7] ? "," : "", i);
	if (md(TVM_BANK_SHA256, qual_of->b, (size_t)qual_of->len, digest))
		return -1;
	hex(digest, 32, hexq);
	if (run(log, size, "cd " WORK " && " TPM_PRIMARY " && "
		"{ tpm2_flushcontext -t; tpm2_quote -Q -c tk.ctx -l %s -q %s "
		"-m q.msg -s q.sig -g sha256; r=$?; tpm2_flushcontext -t; "
		"exit $r; }", list ? list : pcrs, hexq))
		return -1;
	f = fopen(WORK "/tk.pem", "r");
	if (f) {
		key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (key)
		der_len = i2d_PublicKey(key, &der);
	EVP_PKEY_free(key);
	alen = read_file(WORK "/q.msg", attest, sizeof(attest));
	slen = read_file(WORK "/q.sig", sig, sizeof(sig));
	if (der_len <= 0 || alen <= 0 || slen <= 0 ||
	    8 + 6 + der_len + alen + slen > DEEP_MAX) {
		OPENSSL_free(der);
		return -1;
	}
	md(TVM_BANK_SHA256, der, (size_t)der_len, d->key_id);
	memcpy(p, "TVMQ\0\1\0\0", 8);
	p = put2b(p + 8, der, der_len);
	p = put2b(p, attest, alen);
	p = put2b(p, sig, slen);
	d->len = (int)(p - d->b);
	OPENSSL_free(der);
	return 0;
}

/* Sign @b again with WORK/a.pem after its body changed. */
static int resign(struct blob *b)
{
	size_t at = BLOB_HEAD + PREPARE_BODY, n = 512;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY *key = NULL;
	FILE *f = fopen(WORK "/a.pem", "r");
	int ret = -1;

	if (f) {
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (key && ctx &&
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, b->b + at + 2, &n, b->b, at) == 1 &&
	    n == (size_t)(b->b[at] << 8 | b->b[at + 1]))
		ret = 0;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ret;
}

FIXTURE(deep) {
	struct tnl nl;
	struct tvm_vms vms;
	bool no_tvm;
	char log[4096];
};

FIXTURE_SETUP(deep)
{
	uint8_t id[32], der[4096];
	unsigned char *p = NULL;
	char hexid[65];
	EVP_PKEY *key = NULL;
	long ring;
	FILE *f;
	int n;

	TVM_SETUP_NL();
	if (access("/dev/tpmrm0", R_OK | W_OK) && !getenv("TPM2TOOLS_TCTI"))
		SKIP(return, "no TPM (/dev/tpmrm0)");
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	mkdir(WORK, 0700);
	ASSERT_EQ(0, run(self->log, sizeof(self->log),
		"cd " WORK " && printf '[req]\\ndistinguished_name = dn\\n[dn]\\n"
		"[v3]\\nsubjectKeyIdentifier = hash\\n' > req.cnf && "
		"{ [ -s a.pk8 ] || { "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out a.pem && "
		"openssl pkcs8 -topk8 -nocrypt -in a.pem -outform DER -out a.pk8 && "
		"openssl req -x509 -new -key a.pem -subj /CN=a -days 1 "
		"-config req.cnf -extensions v3 -outform DER -out a.der; }; }"))
		TH_LOG("%s", self->log);
	ASSERT_LT(0, tvm_add_key_file("tvm-migdeep-test:a", WORK "/a.pk8",
				      KEY_SPEC_SESSION_KEYRING));
	f = fopen(WORK "/a.pem", "r");
	ASSERT_NE(NULL, f);
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ASSERT_NE(NULL, key);
	n = i2d_PublicKey(key, &p);
	EVP_PKEY_free(key);
	ASSERT_LT(0, n);
	ASSERT_GE((int)sizeof(der), n);
	memcpy(der, p, (size_t)n);
	OPENSSL_free(p);
	ASSERT_EQ(0, md(TVM_BANK_SHA256, der, (size_t)n, id));
	ring = tvm_keyring_serial(TVM_MIGRATION_KEYRING);
	ASSERT_LT(0, ring);
	tvm_add_key_file(hex(id, 32, hexid), WORK "/a.der", ring);
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migdeep-test:a"))
		TH_LOG("%s", self->nl.extack);
}

FIXTURE_TEARDOWN(deep)
{
	if (!self->no_tvm) {
		tvm_vms_delete(&self->nl, &self->vms);
		tnl_close(&self->nl);
	}
}

/* Refused with @err and @msg, and VM @vm neither frozen nor unextendable. */
#define EXPECT_REFUSED(err, msg, call) do {				\
	EXPECT_EQ(-(err), (call)) TH_LOG("%s", self->nl.extack);	\
	EXPECT_EXTACK(msg);						\
	EXPECT_EQ(-1, vm_migration(&self->nl, vm));			\
	EXPECT_EQ(0, tvm_extend_data(&self->nl, vm, TVM_PCR_APP, "x", 1, \
				     NULL));				\
} while (0)

TEST_F(deep, valid_deep_quote_accepted_and_required)
{
	struct blob prep;
	struct deep d;
	uint32_t vm;

	NEED_TVM();
	ASSERT_EQ(0, mig_prepare(&self->nl, &prep)) TH_LOG("%s", self->nl.extack);
	if (!be32(prep.b + MASK_AT))
		SKIP(return, "the host's PREPARE names no platform PCRs");
	ASSERT_EQ(0, deep_quote(&prep, NULL, NULL, &d, self->log,
				sizeof(self->log))) TH_LOG("%s", self->log);

	/* The policy pins the TPM key and PCR 0's value. */
	ASSERT_EQ(0, deep_policy(&self->nl, "deep-ok", d.key_id, 1,
				 prep.b + VALUES_AT)) TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("deep-ok", 0, 0, &vm);
	/* Without the deep quote: refused, not frozen. */
	EXPECT_REFUSED(EPERM, "requires a deep quote",
		       mig_export(&self->nl, vm, &prep, NULL, 0));
	ASSERT_EQ(0, mig_export(&self->nl, vm, &prep, d.b, d.len))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_FROZEN, vm_migration(&self->nl, vm));

	/* A policy without TPM keys takes one too (checked all the same). */
	ASSERT_EQ(0, mig_prepare(&self->nl, &prep));
	ASSERT_EQ(0, deep_quote(&prep, NULL, NULL, &d, self->log,
				sizeof(self->log))) TH_LOG("%s", self->log);
	ASSERT_EQ(0, deep_policy(&self->nl, "deep-ok2", NULL, 0, NULL));
	ASSERT_VM_NEW("deep-ok2", 0, 0, &vm);
	d.b[d.len - 1] ^= 1;
	EXPECT_REFUSED(EKEYREJECTED, "does not verify",
		       mig_export(&self->nl, vm, &prep, d.b, d.len));
	d.b[d.len - 1] ^= 1;
	ASSERT_EQ(0, mig_export(&self->nl, vm, &prep, d.b, d.len))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_FROZEN, vm_migration(&self->nl, vm));
	tk_policy_delete(&self->nl, "deep-ok");
	tk_policy_delete(&self->nl, "deep-ok2");
}

TEST_F(deep, bad_deep_quotes_refused_and_nothing_frozen)
{
	static struct deep d, other, sel, forged_d;
	static struct blob prep, prep2, forged;
	uint8_t wrong_key[32];
	uint32_t vm;

	NEED_TVM();
	ASSERT_EQ(0, mig_prepare(&self->nl, &prep)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, mig_prepare(&self->nl, &prep2));
	if (be32(prep.b + MASK_AT) != 0xff)
		SKIP(return, "the host's PREPARE does not name PCRs 0-7");
	ASSERT_EQ(0, deep_quote(&prep, NULL, NULL, &d, self->log,
				sizeof(self->log))) TH_LOG("%s", self->log);
	ASSERT_EQ(0, deep_policy(&self->nl, "deep-bad", d.key_id, 1, NULL))
		TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("deep-bad", 0, 0, &vm);

	/* A byte of the TPM's signature changed. */
	d.b[d.len - 7] ^= 0x10;
	EXPECT_REFUSED(EKEYREJECTED, "does not verify with its TPM key",
		       mig_export(&self->nl, vm, &prep, d.b, d.len));
	d.b[d.len - 7] ^= 0x10;
	/* A byte of the TPMS_ATTEST changed (its clock): the same. */
	d.b[8 + 2 + d.b[9] + (d.b[8] << 8) + 2 + 80] ^= 1;
	EXPECT_REFUSED(EKEYREJECTED, "does not verify with its TPM key",
		       mig_export(&self->nl, vm, &prep, d.b, d.len));
	d.b[8 + 2 + d.b[9] + (d.b[8] << 8) + 2 + 80] ^= 1;

	/* A valid quote, of another PREPARE blob. */
	ASSERT_EQ(0, deep_quote(&prep, &prep2, NULL, &other, self->log,
				sizeof(self->log))) TH_LOG("%s", self->log);
	EXPECT_REFUSED(EXDEV, "qualifying data",
		       mig_export(&self->nl, vm, &prep, other.b, other.len));

	/* A valid quote of this blob, of PCRs 0 and 1 only. */
	ASSERT_EQ(0, deep_quote(&prep, NULL, "sha256:0,1", &sel, self->log,
				sizeof(self->log))) TH_LOG("%s", self->log);
	EXPECT_REFUSED(EXDEV, "PCR selection",
		       mig_export(&self->nl, vm, &prep, sel.b, sel.len));
	/* ... of the SHA-1 bank. */
	ASSERT_EQ(0, deep_quote(&prep, NULL, "sha1:0,1,2,3,4,5,6,7", &sel,
				self->log, sizeof(self->log)))
		TH_LOG("%s", self->log);
	EXPECT_REFUSED(EXDEV, "PCR selection",
		       mig_export(&self->nl, vm, &prep, sel.b, sel.len));

	/*
	 * The destination's root forges its platform: PCR 0 changed in the
	 * PREPARE blob, signed again with its attestation key.  The TPM's
	 * quote for that blob vouches for the real values.
	 */
	forged = prep;
	forged.b[VALUES_AT] ^= 0xff;
	ASSERT_EQ(0, resign(&forged));
	ASSERT_EQ(0, deep_quote(&forged, NULL, NULL, &forged_d, self->log,
				sizeof(self->log))) TH_LOG("%s", self->log);
	EXPECT_REFUSED(EXDEV, "PCR digest",
		       mig_export(&self->nl, vm, &forged, forged_d.b,
				  forged_d.len));

	/* Truncated, extended, a bad magic. */
	EXPECT_REFUSED(EBADMSG, "deep quote: truncated",
		       mig_export(&self->nl, vm, &prep, d.b, d.len - 1));
	d.b[d.len] = 0;
	EXPECT_REFUSED(EBADMSG, "bytes follow its signature",
		       mig_export(&self->nl, vm, &prep, d.b, d.len + 1));
	EXPECT_REFUSED(EBADMSG, "deep quote: truncated",
		       mig_export(&self->nl, vm, &prep, d.b, 7));
	d.b[3] = 'X';
	EXPECT_REFUSED(EBADMSG, "bad magic",
		       mig_export(&self->nl, vm, &prep, d.b, d.len));
	d.b[3] = 'Q';
	/* Above TVM_MIG_DEEP_MAX: the attribute's policy. */
	EXPECT_NE(0, mig_export(&self->nl, vm, &prep, d.b, DEEP_MAX + 1));
	EXPECT_EQ(-1, vm_migration(&self->nl, vm));

	/* A valid deep quote, by a TPM key the policy does not list. */
	memcpy(wrong_key, d.key_id, 32);
	wrong_key[0] ^= 1;
	ASSERT_EQ(0, deep_policy(&self->nl, "deep-bad", wrong_key, 1, NULL));
	EXPECT_REFUSED(EPERM, "TPM key the VM's policy does not list",
		       mig_export(&self->nl, vm, &prep, d.b, d.len));
	/* Listed, it goes. */
	ASSERT_EQ(0, deep_policy(&self->nl, "deep-bad", d.key_id, 1, NULL));
	EXPECT_EQ(0, mig_export(&self->nl, vm, &prep, d.b, d.len))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_FROZEN, vm_migration(&self->nl, vm));
	tk_policy_delete(&self->nl, "deep-bad");
}

/*
 * What the deep quote stops: without one, a policy that judges platform
 * PCRs takes the values the destination's kernel signed, forged or not.
 */
TEST_F(deep, forged_platform_passes_without_tpm_keys_only)
{
	static struct blob prep, forged;
	uint8_t want[32];
	uint32_t vm;

	NEED_TVM();
	ASSERT_EQ(0, mig_prepare(&self->nl, &prep)) TH_LOG("%s", self->nl.extack);
	if (!(be32(prep.b + MASK_AT) & 1))
		SKIP(return, "the host's PREPARE does not name PCR 0");
	forged = prep;
	memset(want, 0x5a, 32);
	memcpy(forged.b + VALUES_AT, want, 32);
	ASSERT_EQ(0, resign(&forged));
	ASSERT_EQ(0, deep_policy(&self->nl, "deep-forged", NULL, 0, want));
	ASSERT_VM_NEW("deep-forged", 0, 0, &vm);
	EXPECT_EQ(0, mig_export(&self->nl, vm, &forged, NULL, 0))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_FROZEN, vm_migration(&self->nl, vm));
	tk_policy_delete(&self->nl, "deep-forged");
}

TEST_HARNESS_MAIN
