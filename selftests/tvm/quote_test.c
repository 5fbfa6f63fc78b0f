// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation over raw netlink: the attestation key, quotes checked
 * field by field and against OpenSSL with the key's public part as the
 * kernel reports it, quotes taken while other threads extend (each must
 * match an exact prefix of the log), and every rejection's errno; with an
 * RSA AK and with an ECDSA P-256 one (a logon key, ABI 13).
 */

#include <linux/keyctl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <pthread.h>
#include <sys/stat.h>

#include "tvm_crypto.h"
#include "tvm_kvm.h"
#include "../kselftest_harness.h"

#define WORK "/tmp/tvm-quote-test"

struct ak {
	uint8_t n[512], e[8], x[64], y[64];
	int n_len, e_len, x_len, y_len;
	uint32_t bits, alg;
};

struct quote {
	uint64_t log_count;
	uint8_t attest[512], sig[512];
	int attest_len, sig_len;
	uint32_t sig_alg;
	struct tvm_pcrs pcrs;
};

static int ak_cb(const struct nlmsghdr *h, void *arg)
{
	struct ak *k = arg;
	const struct nlattr *a;

	if (!k)
		return 0;
	if ((a = tmsg_attr(h, TVM_A_AK_BITS)))
		k->bits = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_AK_ALG)))
		k->alg = tattr_u32(a);
	tattr_copy(tmsg_attr(h, TVM_A_AK_EC_X), k->x, sizeof(k->x), &k->x_len);
	tattr_copy(tmsg_attr(h, TVM_A_AK_EC_Y), k->y, sizeof(k->y), &k->y_len);
	tattr_copy(tmsg_attr(h, TVM_A_AK_MODULUS), k->n, sizeof(k->n),
		   &k->n_len);
	tattr_copy(tmsg_attr(h, TVM_A_AK_EXPONENT), k->e, sizeof(k->e),
		   &k->e_len);
	return 0;
}

static int quote_cb(const struct nlmsghdr *h, void *arg)
{
	struct quote *q = arg;
	const struct nlattr *a;

	tvm_pcrs_cb(h, &q->pcrs);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_COUNT)))
		q->log_count = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_AK_ALG)))
		q->sig_alg = tattr_u32(a);
	tattr_copy(tmsg_attr(h, TVM_A_QUOTE_ATTEST), q->attest,
		   sizeof(q->attest), &q->attest_len);
	tattr_copy(tmsg_attr(h, TVM_A_QUOTE_SIGNATURE), q->sig,
		   sizeof(q->sig), &q->sig_len);
	return 0;
}

/* AK_SET of @desc, with TVM_A_AK_ALG @alg unless 0. */
static int ak_set_alg(struct tnl *nl, const char *desc, uint32_t alg,
		      struct ak *k)
{
	struct tmsg m;

	if (k)
		memset(k, 0, sizeof(*k));
	tmsg_init(&m, nl, TVM_CMD_AK_SET, 0);
	tmsg_put_str(&m, TVM_A_AK_DESC, desc);
	if (alg)
		tmsg_put_u32(&m, TVM_A_AK_ALG, alg);
	return tnl_call(nl, &m, ak_cb, k);
}

static int ak_set(struct tnl *nl, const char *desc, struct ak *k)
{
	return ak_set_alg(nl, desc, 0, k);
}

static int do_quote(struct tnl *nl, uint32_t id, const void *nonce,
		    size_t len, uint32_t mask, struct quote *q)
{
	struct tmsg m;

	memset(q, 0, sizeof(*q));
	tmsg_init(&m, nl, TVM_CMD_QUOTE, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put(&m, TVM_A_QUOTE_NONCE, nonce, len);
	if (mask)
		tmsg_put_u32(&m, TVM_A_PCR_MASK, mask);
	return tnl_call(nl, &m, quote_cb, q);
}

/* Add the DER file @path as an asymmetric key @desc to the session keyring. */
/* The key in @path as "asymmetric" @desc in the session keyring: its id. */
static long add_key_id(const char *desc, const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return syscall(SYS_add_key, "asymmetric", desc, buf, n,
		       KEY_SPEC_SESSION_KEYRING);
}

static int add_key_file(const char *desc, const char *path)
{
	return add_key_id(desc, path) < 0 ? -1 : 0;
}

/* A logon key @desc holding @len bytes of @data in the session keyring. */
static long add_logon(const char *desc, const void *data, size_t len)
{
	return syscall(SYS_add_key, "logon", desc, data, len,
		       KEY_SPEC_SESSION_KEYRING);
}

/*
 * An ECDSA quote's TPMT_SIGNATURE @sig checked as a TPM's: sigAlg
 * TPM_ALG_ECDSA, hash TPM_ALG_SHA256, r and s of 32 bytes each; then
 * against OpenSSL with the point @k the kernel reports.
 */
static int ec_verify(const struct ak *k, const uint8_t *msg, size_t len,
		     const uint8_t *sig, size_t sig_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = ECDSA_SIG_new();
	OSSL_PARAM *params = NULL;
	unsigned char *der = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *r = NULL, *s = NULL;
	uint8_t point[65];
	int ok, der_len = 0;

	if (sig_len != 72 || sig[0] != 0x00 || sig[1] != 0x18 ||
	    sig[2] != 0x00 || sig[3] != 0x0b || sig[4] != 0 || sig[5] != 32 ||
	    sig[38] != 0 || sig[39] != 32 || k->x_len != 32 || k->y_len != 32)
		ok = 0;
	else
		ok = 1;
	point[0] = 4;
	memcpy(point + 1, k->x, 32);
	memcpy(point + 33, k->y, 32);
	if (ok) {
		r = BN_bin2bn(sig + 6, 32, NULL);
		s = BN_bin2bn(sig + 40, 32, NULL);
		ok = es && r && s && ECDSA_SIG_set0(es, r, s);
		if (ok)
			r = s = NULL;
		if (ok)
			der_len = i2d_ECDSA_SIG(es, &der);
	}
	ok = ok && der_len > 0 && bld && pctx && mctx &&
	     OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     "prime256v1", 0) &&
	     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, sizeof(point)) &&
	     (params = OSSL_PARAM_BLD_to_param(bld)) &&
	     EVP_PKEY_fromdata_init(pctx) > 0 &&
	     EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0 &&
	     EVP_DigestVerifyInit(mctx, NULL, EVP_sha256(), NULL, pkey) > 0 &&
	     EVP_DigestVerify(mctx, der, der_len, msg, len) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return ok ? 0 : -1;
}

/* RSASSA-PKCS1-v1_5 SHA-256 check with the public part @k. */
static int rsa_verify(const struct ak *k, const uint8_t *msg, size_t len,
		      const uint8_t *sig, size_t sig_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_bin2bn(k->n, k->n_len, NULL);
	BIGNUM *e = BN_bin2bn(k->e, k->e_len, NULL);
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;
	int ok;

	ok = bld && n && e && pctx && mctx &&
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
	     (params = OSSL_PARAM_BLD_to_param(bld)) &&
	     EVP_PKEY_fromdata_init(pctx) > 0 &&
	     EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0 &&
	     EVP_DigestVerifyInit(mctx, NULL, EVP_sha256(), NULL, pkey) > 0 &&
	     EVP_DigestVerify(mctx, sig, sig_len, msg, len) == 1;
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return ok ? 0 : -1;
}

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

FIXTURE(quote) {
	struct tnl nl;
	struct tvm_vms vms;
	struct ak ak;
	bool no_tvm;
};

FIXTURE_SETUP(quote)
{
	char out[4096];

	TVM_SETUP_NL();
	/* A fresh session keyring, so only this test's keys are seen. */
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	mkdir(WORK, 0700);
	ASSERT_EQ(0, run(out, sizeof(out),
		"cd " WORK " && [ -s ak.pk8 ] || { "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak.pem && "
		"openssl pkcs8 -topk8 -nocrypt -in ak.pem -outform DER -out ak.pk8 && "
		"printf '[req]\\ndistinguished_name = dn\\n[dn]\\n[v3]\\n"
		"subjectKeyIdentifier = hash\\n' > req.cnf && "
		"openssl req -x509 -new -key ak.pem -subj /CN=ak -days 1 "
		"-config req.cnf -extensions v3 -outform DER -out ak.der; }"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, add_key_file("tvm-quote-test:ak", WORK "/ak.pk8"));
}

FIXTURE_TEARDOWN(quote)
{
	if (!self->no_tvm) {
		tvm_vms_delete(&self->nl, &self->vms);
		tnl_close(&self->nl);
	}
}

TEST_F(quote, fields_and_signature_check_out)
{
	static const uint8_t nonce[] = "fresh-nonce-0001";
	struct tvm_pcrs now;
	uint8_t want[32], concat[24 * 32];
	struct quote q;
	const uint8_t *p;
	uint32_t id, mask = (1u << 0) | (1u << TVM_PCR_VMM) |
		(1u << TVM_PCR_OS) | (1u << TVM_PCR_DEBUG);
	unsigned int i, n = 0;

	NEED_TVM();
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(2048u, self->ak.bits);
	EXPECT_EQ(256, self->ak.n_len);

	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-a", 0, 0, &id));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_OS, "kernel", 6,
				     NULL));
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 16, mask, &q))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &now));
	EXPECT_EQ(now.log_count, q.log_count);

	/* The signature verifies with the public part the kernel reports. */
	ASSERT_EQ(256, q.sig_len);
	EXPECT_EQ(0, rsa_verify(&self->ak, q.attest, q.attest_len, q.sig,
				q.sig_len));

	/* TPMS_ATTEST, field by field. */
	p = q.attest;
	EXPECT_EQ(0xff544347u, be32(p));
	EXPECT_EQ(0x8018, be16(p + 4));
	EXPECT_EQ(34, be16(p + 6));
	EXPECT_EQ(0x000b, be16(p + 8));
	p += 10 + 32;
	EXPECT_EQ(16, be16(p));
	EXPECT_EQ(0, memcmp(p + 2, nonce, 16));
	p += 2 + 16;
	/* clockInfo.clock is the log count, so the signature covers it. */
	EXPECT_EQ(q.log_count, (uint64_t)be32(p) << 32 | be32(p + 4));
	EXPECT_EQ(id, be32(p + 12));	/* restartCount: the VM's id */
	p += 17;
	/* firmwareVersion: the ABI; no flag: an administrator's VM. */
	EXPECT_EQ((uint64_t)TVM_ABI_VERSION, (uint64_t)be32(p + 4));
	EXPECT_EQ(0u, be32(p));
	p += 8;
	EXPECT_EQ(1u, be32(p));
	EXPECT_EQ(0x000b, be16(p + 4));
	EXPECT_EQ(3, p[6]);
	EXPECT_EQ(mask, (uint32_t)(p[7] | p[8] << 8 | p[9] << 16));
	p += 10;
	EXPECT_EQ(32, be16(p));
	for (i = 0; i < 24; i++)
		if (mask & (1u << i))
			memcpy(concat + 32 * n++, now.v[TVM_BANK_SHA256][i], 32);
	ASSERT_EQ(0, md(TVM_BANK_SHA256, concat, 32 * n, want));
	EXPECT_EQ(0, memcmp(p + 2, want, 32));
	EXPECT_EQ(q.attest_len, (int)(p + 2 + 32 - q.attest));

	/* A flipped bit anywhere breaks the signature. */
	q.attest[20] ^= 1;
	EXPECT_NE(0, rsa_verify(&self->ak, q.attest, q.attest_len, q.sig,
				q.sig_len));
}

/* A quote's firmwareVersion, after a nonce of @nonce_len bytes. */
static uint64_t quote_fw(const struct quote *q, size_t nonce_len)
{
	const uint8_t *p = q->attest + 10 + 32 + 2 + nonce_len + 17;

	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * ABI 6: a quote's firmwareVersion says whether the VM's launch was
 * measured by the kernel: TVM_QUOTE_FW_KVM for a KVM VM (this process's,
 * made here), not for one an administrator made and extends; never
 * TVM_QUOTE_FW_ADOPTED for a VM created while tvm_kvm was loaded.
 */
TEST_F(quote, firmware_version_says_whether_kvm_measured_the_vm)
{
	static const uint8_t nonce[] = "nonce-kvm-0001";
	struct kvm_vm kvm;
	struct tk_vm v;
	struct quote q;
	uint32_t id;
	uint64_t fw;

	NEED_TVM();
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak))
		TH_LOG("%s", self->nl.extack);

	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-fw", 0, 0, &id));
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 14, 0, &q))
		TH_LOG("%s", self->nl.extack);
	fw = quote_fw(&q, 14);
	EXPECT_EQ((uint64_t)TVM_ABI_VERSION, fw & TVM_QUOTE_FW_ABI);
	EXPECT_EQ(0u, fw & (TVM_QUOTE_FW_KVM | TVM_QUOTE_FW_ADOPTED));

	if (access("/sys/module/tvm_kvm", F_OK) ||
	    access("/dev/kvm", R_OK | W_OK))
		SKIP(return, "no tvm_kvm or /dev/kvm: the KVM half not run");
	ASSERT_EQ(0, kvm_vm_create(&kvm));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &v));
	EXPECT_TRUE(v.kvm);
	EXPECT_EQ(0, do_quote(&self->nl, v.id, nonce, 14, 0, &q))
		TH_LOG("%s", self->nl.extack);
	kvm_vm_destroy(&kvm);
	fw = quote_fw(&q, 14);
	EXPECT_EQ((uint64_t)TVM_ABI_VERSION, fw & TVM_QUOTE_FW_ABI);
	EXPECT_EQ(TVM_QUOTE_FW_KVM,
		  fw & (TVM_QUOTE_FW_KVM | TVM_QUOTE_FW_ADOPTED));
}

struct racer {
	uint32_t id;
	volatile bool stop;
};

static void *extender(void *arg)
{
	struct racer *r = arg;
	struct tnl nl;
	int i = 0;

	if (tnl_open(&nl))
		return NULL;
	while (!r->stop) {
		char d[16];

		snprintf(d, sizeof(d), "ev-%d", i++);
		tvm_extend_data(&nl, r->id, TVM_PCR_OS + i % TVM_POLICY_LEVELS,
				d, strlen(d), NULL);
	}
	tnl_close(&nl);
	return NULL;
}

TEST_F(quote, each_quote_matches_a_log_prefix_under_extends)
{
	struct racer r = {};
	struct tvm_log log = {};
	struct tvm_pcrs replayed;
	struct tvm_log prefix;
	struct quote q[20];
	pthread_t t[2];
	uint8_t nonce[8] = "racing!";
	int i, ok = 0;

	NEED_TVM();
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak));
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-race",
				1u << TVM_BANK_SHA256, 0, &r.id));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, extender, &r));
	for (i = 0; i < 20; i++) {
		nonce[7] = i;
		ASSERT_EQ(0, do_quote(&self->nl, r.id, nonce, 8, 0, &q[i]));
	}
	r.stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, r.id, 0, &log));
	for (i = 0; i < 20; i++) {
		ASSERT_LE(q[i].log_count, log.n);
		prefix = log;
		prefix.n = q[i].log_count;
		ASSERT_EQ(0, replay(&prefix, 1u << TVM_BANK_SHA256, &replayed));
		EXPECT_EQ(0, memcmp(replayed.v[TVM_BANK_SHA256],
				    q[i].pcrs.v[TVM_BANK_SHA256],
				    sizeof(replayed.v[0])))
			TH_LOG("quote %d (log_count %llu) is no replay of its prefix",
			       i, (unsigned long long)q[i].log_count);
		EXPECT_EQ(0, rsa_verify(&self->ak, q[i].attest, q[i].attest_len,
					q[i].sig, q[i].sig_len));
		ok += i && q[i].log_count > q[i - 1].log_count;
	}
	/* The extenders really ran between quotes. */
	EXPECT_LT(0, ok);
	tvm_log_free(&log);
}

TEST_F(quote, rejects_bad_requests)
{
	uint8_t nonce[TVM_NONCE_MAX + 1] = { 1 };
	struct quote q;
	struct tmsg m;
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak));
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-bad",
				1u << TVM_BANK_SHA256, 0, &id));

	EXPECT_EQ(-ERANGE, do_quote(&self->nl, id, nonce, TVM_NONCE_MIN - 1,
				    0, &q));
	EXPECT_EQ(-ERANGE, do_quote(&self->nl, id, nonce, TVM_NONCE_MAX + 1,
				    0, &q));
	EXPECT_EQ(0, do_quote(&self->nl, id, nonce, TVM_NONCE_MIN, 0, &q));
	EXPECT_EQ(0, do_quote(&self->nl, id, nonce, TVM_NONCE_MAX, 0, &q));

	/* No nonce; a bank the VM lacks; no PCR; no such VM. */
	tmsg_init(&m, &self->nl, TVM_CMD_QUOTE, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EXTACK("nonce");
	tmsg_init(&m, &self->nl, TVM_CMD_QUOTE, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put(&m, TVM_A_QUOTE_NONCE, nonce, 8);
	tmsg_put_u32(&m, TVM_A_PCR_BANK, TVM_BANK_SM3_256);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EXTACK("no such bank");
	tmsg_init(&m, &self->nl, TVM_CMD_QUOTE, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put(&m, TVM_A_QUOTE_NONCE, nonce, 8);
	tmsg_put_u32(&m, TVM_A_PCR_MASK, 0);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EQ(-ENOENT, do_quote(&self->nl, 0xfffffff0, nonce, 8, 0, &q));

	/*
	 * AK_SET: no description, an unknown key, and a key that cannot
	 * sign: the AK's own certificate, public only.
	 */
	tmsg_init(&m, &self->nl, TVM_CMD_AK_SET, 0);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EQ(-ENOKEY, ak_set(&self->nl, "tvm-quote-test:nobody", NULL));
	ASSERT_EQ(0, add_key_file("tvm-quote-test:cert", WORK "/ak.der"));
	EXPECT_EQ(-EOPNOTSUPP, ak_set(&self->nl, "tvm-quote-test:cert", NULL));
	EXPECT_EXTACK("RSA private key");

	/* AK_GET takes no attributes. */
	tmsg_init(&m, &self->nl, TVM_CMD_AK_GET, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
}

/* P-256's order n, its base point G, and p - Gy: -G's y (FIPS 186-5). */
static const uint8_t p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const uint8_t p256_gx[32] = {
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47,
	0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
	0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0,
	0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
};
static const uint8_t p256_gy[32] = {
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b,
	0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
	0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce,
	0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};
static const uint8_t p256_neg_gy[32] = {
	0xb0, 0x1c, 0xbd, 0x1c, 0x01, 0xe5, 0x80, 0x65,
	0x71, 0x18, 0x14, 0xb5, 0x83, 0xf0, 0x61, 0xe9,
	0xd4, 0x31, 0xcc, 0xa9, 0x94, 0xce, 0xa1, 0x31,
	0x34, 0x49, 0xbf, 0x97, 0xc8, 0x40, 0xae, 0x0a,
};

/*
 * ABI 13: an ECDSA AK is a logon key holding the P-256 scalar.  Its
 * public point is the scalar times G (1: G; n - 1: -G); its quotes are
 * TPM-shaped TPMT_SIGNATUREs that OpenSSL verifies; RFC 6979 makes them
 * deterministic; an update of the logon key after AK_SET changes nothing.
 */
TEST_F(quote, ecdsa_ak_signs_tpm_shaped_quotes)
{
	static const uint8_t nonce[] = "ecdsa-nonce-0001";
	uint8_t d[32] = { 0 }, sig1[72];
	struct quote q;
	uint32_t id;
	long k;

	NEED_TVM();
	d[31] = 1;
	ASSERT_LT(0, add_logon("tvm-quote-test:ec-one", d, 32));
	ASSERT_EQ(0, ak_set_alg(&self->nl, "tvm-quote-test:ec-one",
				TVM_AK_ALG_ECDSA, &self->ak))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ((uint32_t)TVM_AK_ALG_ECDSA, self->ak.alg);
	EXPECT_EQ(256u, self->ak.bits);
	EXPECT_EQ(0, self->ak.n_len);
	ASSERT_EQ(32, self->ak.x_len);
	ASSERT_EQ(32, self->ak.y_len);
	EXPECT_EQ(0, memcmp(self->ak.x, p256_gx, 32));
	EXPECT_EQ(0, memcmp(self->ak.y, p256_gy, 32));

	memcpy(d, p256_n, 32);
	d[31]--;
	k = add_logon("tvm-quote-test:ec-last", d, 32);
	ASSERT_LT(0, k);
	ASSERT_EQ(0, ak_set_alg(&self->nl, "tvm-quote-test:ec-last",
				TVM_AK_ALG_ECDSA, &self->ak))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, memcmp(self->ak.x, p256_gx, 32));
	EXPECT_EQ(0, memcmp(self->ak.y, p256_neg_gy, 32));

	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-ec", 0, 0, &id));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, id, TVM_PCR_OS, "kernel", 6,
				     NULL));
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 16, 0, &q))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ((uint32_t)TVM_AK_ALG_ECDSA, q.sig_alg);
	EXPECT_EQ(0, ec_verify(&self->ak, q.attest, q.attest_len, q.sig,
			       q.sig_len));
	memcpy(sig1, q.sig, sizeof(sig1));

	/* The logon key changes; the AK, copied at AK_SET, does not. */
	d[31] = 7;
	ASSERT_EQ(0, syscall(SYS_keyctl, KEYCTL_UPDATE, k, d, 32));
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 16, 0, &q));
	EXPECT_EQ(0, ec_verify(&self->ak, q.attest, q.attest_len, q.sig,
			       q.sig_len));
	/* Same key, same TPMS_ATTEST: the same signature (RFC 6979). */
	EXPECT_EQ(0, memcmp(sig1, q.sig, sizeof(sig1)));

	/* A flipped bit of the message or of s breaks it. */
	q.attest[20] ^= 1;
	EXPECT_NE(0, ec_verify(&self->ak, q.attest, q.attest_len, q.sig,
			       q.sig_len));
	q.attest[20] ^= 1;
	q.sig[71] ^= 1;
	EXPECT_NE(0, ec_verify(&self->ak, q.attest, q.attest_len, q.sig,
			       q.sig_len));

	/* Revoked: it signs nothing more. */
	ASSERT_EQ(0, syscall(SYS_keyctl, KEYCTL_REVOKE, k));
	EXPECT_EQ(-EKEYREVOKED, do_quote(&self->nl, id, nonce, 16, 0, &q));
	EXPECT_EXTACK("revoked");

	/* Back to RSA: quotes say so, and carry the bare signature. */
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak));
	EXPECT_EQ((uint32_t)TVM_AK_ALG_RSASSA, self->ak.alg);
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 16, 0, &q));
	EXPECT_EQ((uint32_t)TVM_AK_ALG_RSASSA, q.sig_alg);
	EXPECT_EQ(256, q.sig_len);
	EXPECT_EQ(0, rsa_verify(&self->ak, q.attest, q.attest_len, q.sig,
				q.sig_len));
}

/* What is not a P-256 private scalar, or not a scheme, is refused. */
TEST_F(quote, ecdsa_ak_set_rejects_bad_scalars)
{
	uint8_t d[33] = { 0 };
	struct tmsg m;

	NEED_TVM();
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak));

	/* 0, n, all ones, 31 and 33 bytes. */
	ASSERT_LT(0, add_logon("tvm-quote-test:ec-zero", d, 32));
	EXPECT_EQ(-EINVAL, ak_set_alg(&self->nl, "tvm-quote-test:ec-zero",
				      TVM_AK_ALG_ECDSA, NULL));
	EXPECT_EXTACK("P-256 private key");
	ASSERT_LT(0, add_logon("tvm-quote-test:ec-n", p256_n, 32));
	EXPECT_EQ(-EINVAL, ak_set_alg(&self->nl, "tvm-quote-test:ec-n",
				      TVM_AK_ALG_ECDSA, NULL));
	EXPECT_EXTACK("P-256 private key");
	memset(d, 0xff, sizeof(d));
	ASSERT_LT(0, add_logon("tvm-quote-test:ec-ones", d, 32));
	EXPECT_EQ(-EINVAL, ak_set_alg(&self->nl, "tvm-quote-test:ec-ones",
				      TVM_AK_ALG_ECDSA, NULL));
	d[0] = 1;
	ASSERT_LT(0, add_logon("tvm-quote-test:ec-short", d, 31));
	EXPECT_EQ(-EINVAL, ak_set_alg(&self->nl, "tvm-quote-test:ec-short",
				      TVM_AK_ALG_ECDSA, NULL));
	EXPECT_EXTACK("32 bytes");
	ASSERT_LT(0, add_logon("tvm-quote-test:ec-long", d, 33));
	EXPECT_EQ(-EINVAL, ak_set_alg(&self->nl, "tvm-quote-test:ec-long",
				      TVM_AK_ALG_ECDSA, NULL));

	/* An asymmetric key is no logon key, and the other way round. */
	EXPECT_EQ(-ENOKEY, ak_set_alg(&self->nl, "tvm-quote-test:ak",
				      TVM_AK_ALG_ECDSA, NULL));
	EXPECT_EQ(-ENOKEY, ak_set(&self->nl, "tvm-quote-test:ec-n", NULL));

	/* A scheme other than RSASSA and ECDSA. */
	EXPECT_EQ(-EINVAL, ak_set_alg(&self->nl, "tvm-quote-test:ec-n",
				      0x0016, NULL));	/* TPM_ALG_RSAPSS */
	EXPECT_EXTACK("TPM_ALG_ECDSA");
	tmsg_init(&m, &self->nl, TVM_CMD_AK_SET, 0);
	tmsg_put_str(&m, TVM_A_AK_DESC, "tvm-quote-test:ec-n");
	tmsg_put_u32(&m, TVM_A_AK_ALG, 0x0023);		/* TPM_ALG_ECC */
	EXPECT_EQ(-ERANGE, tnl_call(&self->nl, &m, NULL, NULL));

	/* Nothing refused replaced the AK. */
	memset(&self->ak, 0, sizeof(self->ak));
	tmsg_init(&m, &self->nl, TVM_CMD_AK_GET, 0);
	EXPECT_EQ(0, tnl_call(&self->nl, &m, ak_cb, &self->ak));
	EXPECT_EQ((uint32_t)TVM_AK_ALG_RSASSA, self->ak.alg);
}

static int unprivileged_quote(uint32_t id)
{
	uint8_t nonce[8] = "unpriv!";
	struct quote q;
	struct tnl nl;
	struct tmsg m;

	if (tnl_open(&nl))
		return 1;
	if (do_quote(&nl, id, nonce, 8, 0, &q) != -EPERM)
		return 2;
	if (ak_set(&nl, "tvm-quote-test:ak", NULL) != -EPERM)
		return 3;
	tmsg_init(&m, &nl, TVM_CMD_AK_GET, 0);
	if (tnl_call(&nl, &m, NULL, NULL) != -EPERM)
		return 4;
	return 0;
}

/*
 * tvm holds the attestation key by reference, so a key revoked or
 * expired after `ak set` must stop signing: EKEYREVOKED, EKEYEXPIRED.
 */
TEST_F(quote, revoked_or_expired_ak_signs_nothing)
{
	uint8_t nonce[8] = "revoked";
	struct quote q;
	uint32_t id;
	long k;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-revoked", 0, 0,
				&id));
	k = add_key_id("tvm-quote-test:ak-revoked", WORK "/ak.pk8");
	ASSERT_LT(0, k);
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak-revoked", &self->ak))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 8, 0, &q));
	ASSERT_EQ(0, syscall(SYS_keyctl, KEYCTL_REVOKE, k));
	EXPECT_EQ(-EKEYREVOKED, do_quote(&self->nl, id, nonce, 8, 0, &q));
	EXPECT_EXTACK("revoked");

	k = add_key_id("tvm-quote-test:ak-expiring", WORK "/ak.pk8");
	ASSERT_LT(0, k);
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak-expiring", &self->ak))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, k, 1));
	ASSERT_EQ(0, do_quote(&self->nl, id, nonce, 8, 0, &q));
	sleep(2);
	EXPECT_EQ(-EKEYEXPIRED, do_quote(&self->nl, id, nonce, 8, 0, &q));
	EXPECT_EXTACK("expired");
}

TEST_F(quote, quote_and_ak_set_need_cap_sys_admin)
{
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, ak_set(&self->nl, "tvm-quote-test:ak", &self->ak));
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-unpriv", 0, 0,
				&id));
	EXPECT_EQ(0, as_unprivileged_user(unprivileged_quote, id));
}

/* Last: reloads tvm, which forgets the AK, to see a quote without one. */
TEST_F(quote, without_ak_is_enokey)
{
	uint8_t nonce[8] = "no-ak!!";
	struct quote q;
	struct tmsg m;
	char out[256];
	uint32_t id;

	NEED_TVM();
	tnl_close(&self->nl);
	/* tvm_kvm and tvm_vsock, when loaded, use tvm: out first, back after. */
	ASSERT_EQ(0, run(out, sizeof(out),
			 "v=; [ -d /sys/module/tvm_vsock ] && v=1; "
			 "if [ -n \"$v\" ]; then rmmod tvm_vsock || exit 1; fi; "
			 "if [ -d /sys/module/tvm_kvm ]; then "
			 "rmmod tvm_kvm && rmmod tvm && modprobe tvm_kvm; "
			 "else rmmod tvm && modprobe tvm; fi && "
			 "if [ -n \"$v\" ]; then modprobe tvm_vsock; fi"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, tnl_open(&self->nl));
	self->vms.n = 0;

	tmsg_init(&m, &self->nl, TVM_CMD_AK_GET, 0);
	EXPECT_EQ(-ENOKEY, tnl_call(&self->nl, &m, NULL, NULL));
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "quote-noak", 0, 0, &id));
	EXPECT_EQ(-ENOKEY, do_quote(&self->nl, id, nonce, 8, 0, &q));
	EXPECT_EXTACK("no attestation key");
}

TEST_HARNESS_MAIN
