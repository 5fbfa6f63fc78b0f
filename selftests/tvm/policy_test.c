// SPDX-License-Identifier: GPL-2.0
/*
 * Policies and trust (ABI 3), over generic netlink, sent raw: load, get,
 * dump and delete; launch and the trust states it gives (allow-list hits
 * and misses at every level, final PCR values, audit against enforce);
 * changes after launch; owner signatures made with OpenSSL against a key
 * in tvm's owner keyring, the pin of a selector to its owner's key, the
 * revision that must grow (loads and signed deletes), the canonical
 * encoding (a fixed vector, in any attribute order), the policy identity
 * event of PCR 8 and the vmm level (ABI 6); gets and deletes that take a
 * selector only; the "events" multicast group; IMA records; privilege;
 * runtime ranges (ABI 5), echoed and bounded.  policy_rules_test refuses
 * a policy that breaks each rule of Documentation/policy.rst.
 */

#include <pthread.h>
#include <sched.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "tvm_crypto.h"
#include "../kselftest_harness.h"

/* --- replies ------------------------------------------------------------ */

/* A VM's trust, from VM_GET or VM_LAUNCH. */
struct vm_trust {
	int n;
	uint32_t id, trust, state, level;
	bool has_level;
	uint64_t policy_gen;
	int nreasons;
	char reasons[TVM_REASONS_MAX][TVM_REASON_MAX + 1];
};

static int trust_cb(const struct nlmsghdr *h, void *arg)
{
	struct vm_trust *v = arg;
	const struct nlattr *a, *r;

	v->n++;
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		v->id = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_TRUST)))
		v->trust = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_STATE)))
		v->state = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_POLICY_GEN)))
		v->policy_gen = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LEVEL))) {
		v->has_level = true;
		v->level = tattr_u32(a);
	}
	if ((a = tmsg_attr(h, TVM_A_VM_REASONS))) {
		tattr_for_each(r, tattr_data(a), tattr_len(a)) {
			if (tattr_type(r) != TVM_A_REASON ||
			    v->nreasons == TVM_REASONS_MAX)
				continue;
			snprintf(v->reasons[v->nreasons++],
				 sizeof(v->reasons[0]), "%.*s", tattr_len(r),
				 (const char *)tattr_data(r));
		}
	}
	return 0;
}

static bool has_reason(const struct vm_trust *v, const char *s)
{
	int i;

	for (i = 0; i < v->nreasons; i++)
		if (strstr(v->reasons[i], s))
			return true;
	return false;
}

#define EXPECT_REASON(v, s)						\
	EXPECT_TRUE(has_reason(&(v), (s)))				\
		TH_LOG("no reason contains '%s'; reasons: %s", (s),	\
		       tvm_reasons((v).reasons, (v).nreasons))

/* A policy, from POLICY_LOAD, POLICY_GET or a dump entry. */
struct pol_info {
	int n;
	uint64_t gen;
	bool has_digest, is_signed, is_default;
	uint8_t digest[32];
	char name[TVM_NAME_MAX + 1];
	int len;			/* of the TVM_A_POLICY payload */
	uint8_t payload[8192];
};

static void pol_parse(const struct nlattr *p, struct pol_info *pi)
{
	const struct nlattr *a;

	pi->len = tattr_len(p);
	if (pi->len <= (int)sizeof(pi->payload))
		memcpy(pi->payload, tattr_data(p), pi->len);
	if ((a = tattr_find(tattr_data(p), tattr_len(p), TVM_A_POLICY_GEN)))
		pi->gen = tattr_u64(a);
	if ((a = tattr_find(tattr_data(p), tattr_len(p), TVM_A_POLICY_DIGEST)) &&
	    tattr_len(a) == 32) {
		pi->has_digest = true;
		memcpy(pi->digest, tattr_data(a), 32);
	}
	pi->is_signed = tattr_find(tattr_data(p), tattr_len(p),
				   TVM_A_POLICY_SIGNED);
	pi->is_default = tattr_find(tattr_data(p), tattr_len(p),
				    TVM_A_POLICY_DEFAULT);
	if ((a = tattr_find(tattr_data(p), tattr_len(p), TVM_A_POLICY_NAME)))
		snprintf(pi->name, sizeof(pi->name), "%.*s", tattr_len(a),
			 (const char *)tattr_data(a));
}

static int pol_cb(const struct nlmsghdr *h, void *arg)
{
	struct pol_info *pi = arg;
	const struct nlattr *p = tmsg_attr(h, TVM_A_POLICY);

	pi->n++;
	if (p)
		pol_parse(p, pi);
	return 0;
}

/* A dump: how many entries, and the one named want (its fields). */
struct pol_dump {
	const char *want;
	int n, found;
	struct pol_info pi;
};

static int pol_dump_cb(const struct nlmsghdr *h, void *arg)
{
	struct pol_dump *d = arg;
	const struct nlattr *p = tmsg_attr(h, TVM_A_POLICY);
	static struct pol_info pi;

	d->n++;
	if (!p)
		return 0;
	memset(&pi, 0, sizeof(pi));
	pol_parse(p, &pi);
	if (!strcmp(pi.name, d->want)) {
		d->found++;
		d->pi = pi;
	}
	return 0;
}

/* --- requests ----------------------------------------------------------- */

/* Policies this test loaded (NULL: the default), for the teardown. */
static char tracked[16][TVM_NAME_MAX + 1];
static int ntracked;
static bool track_default;

static void track(const char *name)
{
	int i;

	if (!name) {
		track_default = true;
		return;
	}
	for (i = 0; i < ntracked; i++)
		if (!strcmp(tracked[i], name))
			return;
	if (ntracked < 16)
		snprintf(tracked[ntracked++], sizeof(tracked[0]), "%s", name);
}

static void put_selector(struct tmsg *m, const char *name)
{
	if (name)
		tmsg_put_str(m, TVM_A_POLICY_NAME, name);
	else
		tmsg_put(m, TVM_A_POLICY_DEFAULT, NULL, 0);
}

static void put_digest(struct tmsg *m, uint32_t bank, const void *value,
		       size_t len)
{
	tmsg_nest_start(m, TVM_A_DIGEST);
	tmsg_put_u32(m, TVM_A_DIGEST_BANK, bank);
	tmsg_put(m, TVM_A_DIGEST_VALUE, value, len);
	tmsg_nest_end(m);
}

/* A LEVEL_EVENT accepting @name with one digest. */
static void put_pevent(struct tmsg *m, const char *name, uint32_t bank,
		       const void *value, size_t len)
{
	tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
	tmsg_put_str(m, TVM_A_PEVENT_NAME, name);
	tmsg_nest_start(m, TVM_A_PEVENT_DIGESTS);
	put_digest(m, bank, value, len);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/* A level accepting the event @ev with its SHA-256 digest. */
static void put_level_event(struct tmsg *m, uint32_t level, const char *ev)
{
	uint8_t d[32];

	md(TVM_BANK_SHA256, ev, strlen(ev), d);
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, level);
	put_pevent(m, ev, TVM_BANK_SHA256, d, sizeof(d));
	tmsg_nest_end(m);
}

/* A level whose PCR must end with the SHA-256 value @v. */
static void put_level_pcr(struct tmsg *m, uint32_t level, const uint8_t *v)
{
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, level);
	tmsg_nest_start(m, TVM_A_LEVEL_PCR);
	put_digest(m, TVM_BANK_SHA256, v, 32);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/*
 * A POLICY_LOAD up to the open TVM_A_POLICY: version, the selector (@name,
 * or the default when NULL), @mode (none when 0), then with a mode the
 * owner key id @key_id (none when NULL) and the revision @rev: the
 * canonical order, so that the payload is the canonical encoding on a
 * little-endian host.
 */
static void policy_begin_rev(struct tmsg *m, struct tnl *nl, const char *name,
			     uint32_t mode, const uint8_t *key_id, uint32_t rev)
{
	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	put_selector(m, name);
	if (!mode)
		return;
	tmsg_put_u32(m, TVM_A_POLICY_MODE, mode);
	if (key_id)
		tmsg_put(m, TVM_A_POLICY_KEY_ID, key_id, TVM_KEY_ID_SIZE);
	tmsg_put_u32(m, TVM_A_POLICY_REVISION, rev);
}

static void policy_begin(struct tmsg *m, struct tnl *nl, const char *name,
			 uint32_t mode)
{
	policy_begin_rev(m, nl, name, mode, NULL, 0);
}

/* The TVM_A_POLICY attribute of a request (the first attribute). */
static struct nlattr *policy_attr(struct tmsg *m)
{
	return (struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN);
}

/* Send a load built for @name; its generation in @gen. */
static int policy_send(struct tnl *nl, struct tmsg *m, const char *name,
		       uint64_t *gen)
{
	static struct pol_info pi;
	int ret;

	memset(&pi, 0, sizeof(pi));
	ret = tnl_call(nl, m, pol_cb, &pi);
	if (!ret) {
		track(name);
		if (gen)
			*gen = pi.gen;
	}
	return ret;
}

/* Load a policy for @name: with @ev, level @level accepts only @ev. */
static int load_event_policy(struct tnl *nl, struct tmsg *m, const char *name,
			     uint32_t mode, uint32_t level, const char *ev,
			     uint64_t *gen)
{
	policy_begin(m, nl, name, mode);
	if (ev)
		put_level_event(m, level, ev);
	tmsg_nest_end(m);
	return policy_send(nl, m, name, gen);
}

static int policy_get(struct tnl *nl, const char *name, struct pol_info *pi)
{
	struct tmsg *m = malloc(sizeof(*m));
	int ret;

	memset(pi, 0, sizeof(*pi));
	tmsg_init(m, nl, TVM_CMD_POLICY_GET, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	put_selector(m, name);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, pol_cb, pi);
	free(m);
	return ret;
}

static int policy_delete(struct tnl *nl, const char *name)
{
	struct tmsg *m = malloc(sizeof(*m));
	int ret;

	tmsg_init(m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	put_selector(m, name);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

static int vm_launch(struct tnl *nl, uint32_t id, struct vm_trust *v)
{
	memset(v, 0, sizeof(*v));
	return tvm_vm_call(nl, TVM_CMD_VM_LAUNCH, id, trust_cb, v);
}

static int vm_trust_get(struct tnl *nl, uint32_t id, struct vm_trust *v)
{
	memset(v, 0, sizeof(*v));
	return tvm_vm_call(nl, TVM_CMD_VM_GET, id, trust_cb, v);
}

static int extend_str(struct tnl *nl, uint32_t id, uint32_t pcr, const char *s)
{
	return tvm_extend_data(nl, id, pcr, s, strlen(s), NULL);
}

/* --- owner keys ---------------------------------------------------------- */

#define KEYDIR "/tmp/tvm-policy-test"

/* A key pair and self-signed certificate KEYDIR/@k.{pem,der}; 0 or -1. */
static int make_key(const char *k)
{
	char pem[160], der[160], out[4096];

	snprintf(pem, sizeof(pem), KEYDIR "/%s.pem", k);
	snprintf(der, sizeof(der), KEYDIR "/%s.der", k);
	if (!access(pem, R_OK) && !access(der, R_OK))
		return 0;
	mkdir(KEYDIR, 0700);
	/* The host's initramfs has no openssl.cnf: bring a minimal one. */
	if (run(out, sizeof(out),
		"printf '[req]\\ndistinguished_name = dn\\n"
		"x509_extensions = v3\\n[dn]\\n[v3]\\n"
		"subjectKeyIdentifier = hash\\n' > "
		KEYDIR "/req.cnf && "
		"openssl req -config " KEYDIR "/req.cnf -x509 -newkey rsa:2048 "
		"-nodes -keyout %s.tmp -out %s.tmp -outform DER "
		"-subj /CN=tvm-test-%s -days 1",
		pem, der, k)) {
		fprintf(stderr, "# openssl: %s\n", out);
		return -1;
	}
	strcat(pem, ".tmp");
	strcat(der, ".tmp");
	if (rename(pem, strndup(pem, strlen(pem) - 4)) ||
	    rename(der, strndup(der, strlen(der) - 4)))
		return -1;
	return 0;
}

/* The serial of tvm's owner keyring, from /proc/keys; -1 if none. */
static long owner_keyring(void)
{
	return tvm_keyring_serial(TVM_OWNER_KEYRING);
}

/* Add KEYDIR/@k.der to keyring @ring as the asymmetric key @desc. */
static long add_key_to(const char *k, const char *desc, long ring)
{
	char path[128];

	snprintf(path, sizeof(path), KEYDIR "/%s.der", k);
	return tvm_add_key_file(desc, path, ring);
}

/* The private key KEYDIR/@k.pem, or NULL. */
static EVP_PKEY *private_key(const char *k)
{
	EVP_PKEY *pkey = NULL;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), KEYDIR "/%s.pem", k);
	f = fopen(path, "r");
	if (f) {
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return pkey;
}

/* The owner key id of KEYDIR/@k.pem: SHA-256 of its RSAPublicKey; 0/-1. */
static int key_id(const char *k, uint8_t id[TVM_KEY_ID_SIZE])
{
	EVP_PKEY *pkey = private_key(k);
	unsigned char *der = NULL;
	int len = -1;

	if (pkey)
		len = i2d_PublicKey(pkey, &der);
	EVP_PKEY_free(pkey);
	if (len <= 0)
		return -1;
	len = md(TVM_BANK_SHA256, der, (size_t)len, id);
	OPENSSL_free(der);
	return len;
}

/* Add KEYDIR/@k.der to the owner keyring under its key id, in hex. */
static long add_owner_key(const char *k)
{
	uint8_t id[TVM_KEY_ID_SIZE];
	char desc[2 * TVM_KEY_ID_SIZE + 1];

	if (key_id(k, id))
		return -EINVAL;
	return add_key_to(k, hex(id, sizeof(id), desc), owner_keyring());
}

/* RSASSA-PKCS1-v1_5 SHA-256 of @data with KEYDIR/@k.pem; its length or -1. */
static int sign(const char *k, const void *data, size_t len, uint8_t *sig,
		size_t max)
{
	EVP_PKEY *pkey = private_key(k);
	EVP_MD_CTX *ctx = NULL;
	size_t n = max;
	int ok = 0;

	ctx = EVP_MD_CTX_new();
	ok = pkey && ctx &&
	     EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	     EVP_DigestSign(ctx, sig, &n, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok ? (int)n : -1;
}

/* --- the fixture ---------------------------------------------------------- */

FIXTURE(policy) {
	struct tnl nl;
	struct tmsg m;
	struct tvm_vms vms;
	bool no_tvm;
};

FIXTURE_SETUP(policy)
{
	TVM_SETUP_NL();
}

/* Delete the test's VMs and the policies it loaded, and close @nl. */
static void policy_cleanup(struct tnl *nl, struct tvm_vms *vms)
{
	int i;

	tvm_vms_delete(nl, vms);
	for (i = 0; i < ntracked; i++)
		policy_delete(nl, tracked[i]);
	if (track_default)
		policy_delete(nl, NULL);
	tnl_close(nl);
}

FIXTURE_TEARDOWN(policy)
{
	if (!self->no_tvm)
		policy_cleanup(&self->nl, &self->vms);
}

#define CALL(cb, arg) tnl_call(&self->nl, &self->m, (cb), (arg))

/* Create VM @name for this test. */
#define NEW_VM(name, log_max, id)					\
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, (name), 0,	\
				(log_max), (id)))			\
		TH_LOG("create %s: %s", (name), self->nl.extack)

/*
 * Extend PCR 9 of VM @id by the event @ev and VM_LAUNCH it: the launch
 * goes on (audit), with the VM UNTRUSTED for @reason; its trust in *@v.
 */
#define EXTEND_LAUNCH_UNTRUSTED(id, ev, v, reason) do {			\
	ASSERT_EQ(0, extend_str(&self->nl, (id), TVM_PCR_OS, (ev)));	\
	EXPECT_EQ(0, vm_launch(&self->nl, (id), (v)))			\
		TH_LOG("%s", self->nl.extack);				\
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, *(v));			\
	EXPECT_REASON(*(v), (reason));					\
} while (0)

/*
 * A precondition of a test that counts on no policy selecting its VM:
 * no default policy is loaded.
 */
#define ASSERT_NO_POLICY() do {						\
	struct pol_info *pi_ = malloc(sizeof(*pi_));			\
									\
	ASSERT_EQ(-ENOENT, policy_get(&self->nl, NULL, pi_))		\
		TH_LOG("a default policy is loaded: this test needs none"); \
	free(pi_);							\
} while (0)

/* --- load, get, dump, delete -------------------------------------------- */

TEST_F(policy, load_get_dump_delete)
{
	uint8_t sent[8192], want[32];
	struct pol_info *pi = malloc(sizeof(*pi));
	struct pol_dump *d = malloc(sizeof(*d));
	uint64_t gen1 = 0, gen2 = 0;
	int sent_len;

	NEED_TVM();
	ASSERT_NE(NULL, pi);
	ASSERT_NE(NULL, d);

	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-basic",
				       TVM_POLICY_AUDIT, 1, "ev-1", &gen1))
		TH_LOG("%s", self->nl.extack);
	EXPECT_LT(0ull, (unsigned long long)gen1);
	sent_len = tattr_len(policy_attr(&self->m));
	memcpy(sent, tattr_data(policy_attr(&self->m)), sent_len);
	ASSERT_EQ(0, md(TVM_BANK_SHA256, sent, sent_len, want));

	/* GET: the payload as sent, then its generation and digest. */
	ASSERT_EQ(0, policy_get(&self->nl, "pol-basic", pi))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(1, pi->n);
	EXPECT_EQ(gen1, pi->gen);
	ASSERT_LE(sent_len, pi->len);
	EXPECT_EQ(0, memcmp(sent, pi->payload, sent_len));
	EXPECT_TRUE(pi->has_digest);
	EXPECT_EQ(0, memcmp(want, pi->digest, 32));
	EXPECT_FALSE(pi->is_signed);
	EXPECT_STREQ("pol-basic", pi->name);

	/* A dump lists it, with the same generation and digest. */
	memset(d, 0, sizeof(*d));
	d->want = "pol-basic";
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, NLM_F_DUMP);
	ASSERT_EQ(0, CALL(pol_dump_cb, d)) TH_LOG("%s", self->nl.extack);
	EXPECT_LE(1, d->n);
	EXPECT_EQ(1, d->found);
	EXPECT_EQ(gen1, d->pi.gen);
	EXPECT_EQ(0, memcmp(want, d->pi.digest, 32));

	/* A reload replaces it with a newer generation. */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-basic",
				       TVM_POLICY_ENFORCE, 2, "ev-2", &gen2))
		TH_LOG("%s", self->nl.extack);
	EXPECT_LT(gen1, gen2);
	sent_len = tattr_len(policy_attr(&self->m));
	memcpy(sent, tattr_data(policy_attr(&self->m)), sent_len);
	ASSERT_EQ(0, md(TVM_BANK_SHA256, sent, sent_len, want));
	ASSERT_EQ(0, policy_get(&self->nl, "pol-basic", pi));
	EXPECT_EQ(gen2, pi->gen);
	EXPECT_EQ(0, memcmp(sent, pi->payload, sent_len));
	EXPECT_EQ(0, memcmp(want, pi->digest, 32));
	memset(d, 0, sizeof(*d));
	d->want = "pol-basic";
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, NLM_F_DUMP);
	ASSERT_EQ(0, CALL(pol_dump_cb, d));
	EXPECT_EQ(1, d->found);

	EXPECT_EQ(0, policy_delete(&self->nl, "pol-basic"));
	EXPECT_EQ(-ENOENT, policy_get(&self->nl, "pol-basic", pi));
	EXPECT_EXTACK("no such policy");
	EXPECT_EQ(-ENOENT, policy_delete(&self->nl, "pol-basic"));
	EXPECT_EXTACK("no such policy");
	free(pi);
	free(d);
}

/*
 * A name selector obeys the rules of VM names, in the kernel itself: a
 * name no VM can have would select nothing, and tvmctl could not name
 * its policy to delete it.  Loads, gets and deletes all refuse it; each
 * name its own result.
 */
FIXTURE(bad_selector) {
	struct tnl nl;
	struct tmsg m;
	struct tvm_vms vms;
	bool no_tvm;
};

FIXTURE_VARIANT(bad_selector) {
	const char *name, *why;
};

FIXTURE_SETUP(bad_selector)
{
	TVM_SETUP_NL();
}

FIXTURE_TEARDOWN(bad_selector)
{
	if (!self->no_tvm)
		policy_cleanup(&self->nl, &self->vms);
}

FIXTURE_VARIANT_ADD(bad_selector, slash) {
	.name = "a/b", .why = "may only hold",
};

FIXTURE_VARIANT_ADD(bad_selector, space) {
	.name = "a b", .why = "may only hold",
};

FIXTURE_VARIANT_ADD(bad_selector, empty) {
	.name = "", .why = "empty",
};

FIXTURE_VARIANT_ADD(bad_selector, all_digits) {
	.name = "12345", .why = "all digits",
};

FIXTURE_VARIANT_ADD(bad_selector, uuid) {
	.name = "0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f", .why = "UUID",
};

TEST_F(bad_selector, load_get_and_delete_refuse_it)
{
	struct pol_info pi;

	NEED_TVM();
	policy_begin(&self->m, &self->nl, variant->name, TVM_POLICY_AUDIT);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL))
		TH_LOG("load of '%s'", variant->name);
	EXPECT_EXTACK(variant->why);
	EXPECT_EQ(-EINVAL, policy_get(&self->nl, variant->name, &pi))
		TH_LOG("get of '%s'", variant->name);
	EXPECT_EQ(-EINVAL, policy_delete(&self->nl, variant->name))
		TH_LOG("delete of '%s'", variant->name);
}

/*
 * Reloads the policy of @name until told to stop; with @vary, every other
 * load has an event more, so that the payload changes size.
 */
struct replacer {
	const char *name;
	bool vary;
	int stop;		/* __atomic */
	int loads;		/* __atomic */
	int fails;		/* loads refused; written by the replacer only */
	int err;		/* the last refusal's errno, for the log */
	char extack[sizeof(((struct tnl *)0)->extack)];	/* and its message */
};

static void *replacer_main(void *arg)
{
	struct replacer *r = arg;
	struct tmsg *m = malloc(sizeof(*m));
	struct tnl nl;
	int ret;

	if (!m || tnl_open(&nl)) {
		free(m);
		r->fails = 1;
		r->err = ENOMEM;
		return NULL;
	}
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		policy_begin(m, &nl, r->name, TVM_POLICY_AUDIT);
		if (r->vary && (r->loads & 1))
			put_level_event(m, 1, "ev-vary");
		tmsg_nest_end(m);
		ret = tnl_call(&nl, m, NULL, NULL);
		if (!ret) {
			__atomic_add_fetch(&r->loads, 1, __ATOMIC_RELAXED);
			continue;
		}
		r->fails++;
		r->err = -ret;
		snprintf(r->extack, sizeof(r->extack), "%s", nl.extack);
	}
	tnl_close(&nl);
	free(m);
	return NULL;
}

/*
 * Stop replacer @r (thread @t) and check it replaced the policy at least
 * once and was never refused.
 */
#define REPLACER_STOP(r, t) do {					\
	__atomic_store_n(&(r).stop, 1, __ATOMIC_RELEASE);		\
	pthread_join((t), NULL);					\
	EXPECT_EQ(0, (r).fails) TH_LOG("%d loads refused, the last: %s (%s)", \
				       (r).fails, strerror((r).err),	\
				       (r).extack);			\
	EXPECT_LT(0, (r).loads);					\
} while (0)

/*
 * Replacing a VM's policy swaps it in one step: an extend checked while
 * the policy for its name is replaced over and over is always judged by
 * one of them, never by the default policy in between (the old code
 * unlinked the old one before it linked the new).  A guard more than a
 * proof: the window was a few instructions.
 */
/* Extends that fit a VM's log at the default log_max, with room. */
#define SWAP_EXTENDS_MAX	15000

TEST_F_TIMEOUT(policy, replacement_never_uncovers_the_default, 120)
{
	struct replacer r = { .name = "pol-swap" };
	uint64_t dgen = 0;
	struct vm_trust v;
	time_t end;
	pthread_t t;
	uint32_t id;
	int i, seen = 0;

	NEED_TVM();
	NEW_VM(r.name, 0, &id);
	track_default = true;
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, NULL,
				       TVM_POLICY_AUDIT, 0, NULL, &dgen))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, r.name,
				       TVM_POLICY_AUDIT, 0, NULL, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, replacer_main, &r));
	/*
	 * At least 2000 extends and 100 replacements, or a minute: how the
	 * two threads share the emulated host's CPUs is not ours to assume
	 * (a fixed 2000 extends once ended before the replacer's first load).
	 */
	end = time(NULL) + 60;
	for (i = 0; (i < 2000 || __atomic_load_n(&r.loads, __ATOMIC_RELAXED) < 100) &&
		    time(NULL) < end && i < SWAP_EXTENDS_MAX; i++) {
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_DRIVERS, "x"));
		ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
		if (v.policy_gen == dgen)
			seen++;
		/*
		 * Let the replacer in: a loop of extends that never sleeps
		 * can keep it off the VM's lock for most of a run.
		 */
		if (i % 16 == 15)
			usleep(1000);
	}
	REPLACER_STOP(r, t);
	TH_LOG("%d extends checked during %d replacements", i, r.loads);
	/*
	 * Seen once in CI (2026-12-05): the log filled (ENOSPC) before the
	 * replacer's 100th load, which normally comes by the 2000th extend.
	 * Not yet explained; stop short of the log's bound and say so.
	 */
	EXPECT_LT(i, SWAP_EXTENDS_MAX)
		TH_LOG("%d extends but only %d replacements (%d refused)", i,
		       r.loads, r.fails);
	EXPECT_EQ(0, seen) TH_LOG("%d extends were judged by the default policy",
				  seen);
}

/*
 * A get while the policy is replaced, over and over by one of another
 * size, returns one of them whole: the reply is sized for the policy it
 * holds a reference to.  The old code looked the policy up again after
 * allocating and retried on a size change, failing with EAGAIN after
 * three; a guard more than a proof, as three misses in a row were rare.
 */
TEST_F_TIMEOUT(policy, get_during_replacement_is_whole, 120)
{
	struct replacer r = { .name = "pol-resize", .vary = true };
	static struct pol_info pi;
	bool whole = true;
	time_t end;
	pthread_t t;
	int i, ret = 0;

	NEED_TVM();
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, r.name,
				       TVM_POLICY_AUDIT, 0, NULL, NULL));
	ASSERT_EQ(0, pthread_create(&t, NULL, replacer_main, &r));
	/* Until 200 replacements, or a minute (the emulated host is slow). */
	end = time(NULL) + 60;
	for (i = 0; __atomic_load_n(&r.loads, __ATOMIC_RELAXED) < 200 &&
		    time(NULL) < end; i++) {
		ret = policy_get(&self->nl, r.name, &pi);
		whole = pi.n == 1 && pi.gen && pi.has_digest;
		if (ret || !whole)
			break;
		if (i % 16 == 15)
			sched_yield();
	}
	REPLACER_STOP(r, t);
	TH_LOG("%d gets during %d replacements", i, r.loads);
	EXPECT_EQ(0, ret) TH_LOG("get %d: %s", i, self->nl.extack);
	EXPECT_TRUE(whole) TH_LOG("get %d: %d replies", i, pi.n);
}

TEST_F(policy, load_by_uuid)
{
	static const uint8_t uuid[TVM_UUID_SIZE] = { 0xaa, 1, 2, 3, 4, 5, 6,
		7, 8, 9, 10, 11, 12, 13, 14, 15 };
	const struct nlattr *a;
	uint64_t gen = 0;
	int n = 0;

	NEED_TVM();
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put_u32(&self->m, TVM_A_POLICY_VERSION, 1);
	tmsg_put(&self->m, TVM_A_POLICY_UUID, uuid, sizeof(uuid));
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, CALL(pol_cb, &(struct pol_info){})) TH_LOG("%s", self->nl.extack);

	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put(&self->m, TVM_A_POLICY_UUID, uuid, sizeof(uuid));
	tmsg_nest_end(&self->m);
	{
		static struct pol_info pi;

		EXPECT_EQ(0, CALL(pol_cb, &pi));
		gen = pi.gen;
		a = tattr_find(pi.payload, pi.len, TVM_A_POLICY_UUID);
		EXPECT_NE(NULL, a);
		if (a) {
			EXPECT_EQ(0, memcmp(uuid, tattr_data(a), 16));
		}
		n = pi.n;
	}
	EXPECT_EQ(1, n);
	EXPECT_LT(0ull, (unsigned long long)gen);

	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put(&self->m, TVM_A_POLICY_UUID, uuid, sizeof(uuid));
	tmsg_nest_end(&self->m);
	EXPECT_EQ(0, CALL(NULL, NULL));
	EXPECT_EQ(-ENOENT, CALL(NULL, NULL));
}

/* --- launch --------------------------------------------------------------- */

TEST_F(policy, launch_without_policy_is_unknown)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	ASSERT_NO_POLICY();
	NEW_VM("pol-nopol", 0, &id);
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_PENDING, v);
	EXPECT_EQ(0ull, (unsigned long long)v.policy_gen);

	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(1, v.n);
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
	EXPECT_REASON(v, "no policy selects the VM");

	EXPECT_EQ(-EALREADY, vm_launch(&self->nl, id, &v));
	EXPECT_EXTACK("launched already");
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
}

TEST_F(policy, launch_with_policy_without_references_is_unknown)
{
	struct vm_trust v;
	uint64_t gen;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-noref", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-noref",
				       TVM_POLICY_AUDIT, 0, NULL, &gen))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
	EXPECT_REASON(v, "the policy has no references");
	EXPECT_EQ(gen, v.policy_gen);
}

TEST_F(policy, allow_list_hit_at_each_level)
{
	char name[32], ev[16];
	struct vm_trust v;
	uint64_t gen;
	uint32_t id, l;

	NEED_TVM();
	for (l = 1; l <= TVM_POLICY_LEVELS; l++) {
		snprintf(name, sizeof(name), "pol-hit-%u", l);
		snprintf(ev, sizeof(ev), "ev-%u", l);
		NEW_VM(name, 0, &id);
		ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, name,
					       TVM_POLICY_ENFORCE, l, ev, &gen))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_VMM + l, ev));
		/* PCRs outside levels 1-4 are not checked. */
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_DEBUG, "other"));
		EXPECT_EQ(0, vm_launch(&self->nl, id, &v))
			TH_LOG("level %u: %s", l, self->nl.extack);
		EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
		EXPECT_REASON(v, "all measurements match");
		EXPECT_EQ(gen, v.policy_gen);
	}
}

TEST_F(policy, allow_list_miss_at_each_level)
{
	char name[32], ev[16], want[64];
	struct vm_trust v;
	uint32_t id, l;

	NEED_TVM();
	for (l = 1; l <= TVM_POLICY_LEVELS; l++) {
		snprintf(name, sizeof(name), "pol-miss-%u", l);
		snprintf(ev, sizeof(ev), "ev-%u", l);
		NEW_VM(name, 0, &id);
		ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, name,
					       TVM_POLICY_AUDIT, l, ev, NULL))
			TH_LOG("%s", self->nl.extack);
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_VMM + l, ev));
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_VMM + l,
					"other"));
		/* Noted, still pending. */
		ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
		EXPECT_TRUST(TVM_TRUST_PENDING, v);
		EXPECT_EQ(0, vm_launch(&self->nl, id, &v))
			TH_LOG("level %u: %s", l, self->nl.extack);
		EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
		snprintf(want, sizeof(want), "pcr %u event \"other\" not in policy",
			 TVM_PCR_VMM + l);
		EXPECT_REASON(v, want);
	}
}

TEST_F(policy, allow_list_wrong_digest)
{
	uint8_t dg[__TVM_BANK_MAX][TVM_DIGEST_MAX];
	struct vm_trust v;
	unsigned int b;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-digest", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-digest",
				       TVM_POLICY_AUDIT, 1, "ev-1", NULL));
	/* The right SHA-384 and SM3 digests; only SHA-256 is listed. */
	for (b = 0; b < __TVM_BANK_MAX; b++)
		ASSERT_EQ(0, md(b, "ev-1", 4, dg[b]));
	dg[TVM_BANK_SHA256][0] ^= 1;
	ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, TVM_PCR_OS,
					TVM_EV_EXTEND,
					TVM_BANKS_DEFAULT, dg, "ev-1", 4, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "pcr 9 event \"ev-1\" digest sha256:");
}

/* The policy lists no bank of the VM's: the event does not match. */
TEST_F(policy, allow_list_bank_the_vm_lacks)
{
	uint8_t d1[20];
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-nobank", 0, &id);	/* no SHA-1 */
	ASSERT_EQ(0, md(TVM_BANK_SHA1, "ev-1", 4, d1));
	policy_begin(&self->m, &self->nl, "pol-nobank", TVM_POLICY_AUDIT);
	tmsg_nest_start(&self->m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(&self->m, TVM_A_LEVEL_NUM, 1);
	put_pevent(&self->m, "ev-1", TVM_BANK_SHA1, d1, sizeof(d1));
	tmsg_nest_end(&self->m);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-nobank", NULL))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "policy lists no bank the VM has");
}

TEST_F(policy, final_pcr_value)
{
	uint8_t zero[32] = {}, hk[32], want[32], other[32];
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, md(TVM_BANK_SHA256, "k", 1, hk));
	ASSERT_EQ(0, md2(TVM_BANK_SHA256, zero, 32, hk, 32, want));

	NEW_VM("pol-pcr-ok", 0, &id);
	policy_begin(&self->m, &self->nl, "pol-pcr-ok", TVM_POLICY_ENFORCE);
	put_level_pcr(&self->m, 1, want);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-pcr-ok", NULL))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "k"));
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	memcpy(other, want, 32);
	other[31] ^= 0x80;
	NEW_VM("pol-pcr-bad", 0, &id);
	policy_begin(&self->m, &self->nl, "pol-pcr-bad", TVM_POLICY_AUDIT);
	put_level_pcr(&self->m, 1, other);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-pcr-bad", NULL))
		TH_LOG("%s", self->nl.extack);
	EXTEND_LAUNCH_UNTRUSTED(id, "k", &v, "pcr 9 sha256 value");
}

/* --- audit and enforce ---------------------------------------------------- */

TEST_F(policy, enforce_mismatch_fails_launch)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-enforce", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-enforce",
				       TVM_POLICY_ENFORCE, 1, "ev-1", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "other"));
	EXPECT_EQ(-EACCES, vm_launch(&self->nl, id, &v));
	EXPECT_EXTACK("enforce");
	EXPECT_EQ(0, v.n);
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "pcr 9 event \"other\" not in policy");
	EXPECT_EQ(-EALREADY, vm_launch(&self->nl, id, &v));
}

TEST_F(policy, enforce_without_references_fails_launch)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-enforce-noref", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-enforce-noref",
				       TVM_POLICY_ENFORCE, 0, NULL, NULL));
	EXPECT_EQ(-EACCES, vm_launch(&self->nl, id, &v));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
}

TEST_F(policy, audit_mismatch_launches_untrusted)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-audit", 0, &id);
	/* Audit is the default mode. */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-audit", 0, 1,
				       "ev-1", NULL));
	EXTEND_LAUNCH_UNTRUSTED(id, "other", &v, "launch: mismatch noted before launch");
}

/* Name beats default, UUID beats name. */
TEST_F(policy, selection_order)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	ASSERT_NO_POLICY();
	NEW_VM("pol-sel", 0, &id);
	/* Default: allows only "ev-d"; name: allows only "ev-n". */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, NULL,
				       TVM_POLICY_AUDIT, 1, "ev-d", NULL));
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-sel",
				       TVM_POLICY_AUDIT, 1, "ev-n", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-n"));
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	EXPECT_EQ(0, policy_delete(&self->nl, NULL));
}

/* A policy for the VM's UUID beats one for its name. */
TEST_F(policy, uuid_beats_name)
{
	static const uint8_t uuid[TVM_UUID_SIZE] = { 0x5e, 1, 2, 3, 4, 5, 6,
						     7, 8, 9, 10, 11, 12, 13,
						     14, 15 };
	struct vm_trust v;
	uint32_t id = 0;
	int ret;

	NEED_TVM();
	tmsg_init(&self->m, &self->nl, TVM_CMD_VM_CREATE, 0);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "pol-uuid");
	tmsg_put(&self->m, TVM_A_VM_UUID, uuid, sizeof(uuid));
	ASSERT_EQ(0, tnl_call(&self->nl, &self->m, tvm_id_cb, &id));
	self->vms.id[self->vms.n++] = id;

	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-uuid",
				       TVM_POLICY_AUDIT, 1, "ev-n", NULL));
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put_u32(&self->m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	tmsg_put(&self->m, TVM_A_POLICY_UUID, uuid, sizeof(uuid));
	put_level_event(&self->m, 1, "ev-u");
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, tnl_call(&self->nl, &self->m, NULL, NULL))
		TH_LOG("%s", self->nl.extack);

	/* The UUID's policy allows "ev-u"; the name's would not. */
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-u"));
	ret = vm_launch(&self->nl, id, &v);

	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put(&self->m, TVM_A_POLICY_UUID, uuid, sizeof(uuid));
	tmsg_nest_end(&self->m);
	EXPECT_EQ(0, tnl_call(&self->nl, &self->m, NULL, NULL));
	EXPECT_EQ(0, policy_delete(&self->nl, "pol-uuid"));

	EXPECT_EQ(0, ret);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
}

/* --- after launch --------------------------------------------------------- */

TEST_F(policy, trusted_then_mismatch_is_untrusted)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-later", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-later",
				       TVM_POLICY_ENFORCE, 1, "ev-1", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	/* A listed event later keeps it trusted; another does not. */
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "late"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "pcr 9 event \"late\" not in policy");
	/* Final: a matching event does not bring it back. */
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
}

/*
 * A VM's integrity level (TVM_A_VM_LEVEL), what a dataflow rule's
 * min_level asks of a sender: 0 while pending; at a launch that matched,
 * the consecutive levels from os up its policy checked (vmm does not
 * count, and a gap stops the count); 0 again once untrusted.
 */
TEST_F(policy, integrity_level)
{
	static const struct {
		const char *name;
		uint32_t levels;	/* mask of the levels checked */
		uint32_t want;
	} t[] = {
		{ "pol-lvl-0", 1u << 0, 0 },	/* vmm only: trusted, at 0 */
		{ "pol-lvl-1", 1u << 1, 1 },
		{ "pol-lvl-2", 1u << 1 | 1u << 2 | 1u << 4, 2 },
		{ "pol-lvl-4", 0x1f, 4 },
		{ "pol-lvl-gap", 1u << 2 | 1u << 3, 0 },
	};
	char ev[16];
	struct vm_trust v;
	uint32_t id, l;
	unsigned int i;

	NEED_TVM();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		NEW_VM(t[i].name, 0, &id);
		policy_begin(&self->m, &self->nl, t[i].name, TVM_POLICY_AUDIT);
		for (l = 1; l <= TVM_POLICY_LEVELS; l++) {
			if (!(t[i].levels & (1u << l)))
				continue;
			snprintf(ev, sizeof(ev), "ev-%u", l);
			put_level_event(&self->m, l, ev);
		}
		if (t[i].levels & 1) {
			tmsg_nest_start(&self->m, TVM_A_POLICY_LEVEL);
			tmsg_put_u32(&self->m, TVM_A_LEVEL_NUM, 0);
			put_pevent(&self->m, "/usr/bin/vmm", TVM_BANK_SHA256,
				   "01234567890123456789012345678901", 32);
			tmsg_nest_end(&self->m);
		}
		tmsg_nest_end(&self->m);
		ASSERT_EQ(0, policy_send(&self->nl, &self->m, t[i].name, NULL))
			TH_LOG("%s", self->nl.extack);
		for (l = 1; l <= TVM_POLICY_LEVELS; l++) {
			if (!(t[i].levels & (1u << l)))
				continue;
			snprintf(ev, sizeof(ev), "ev-%u", l);
			ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_VMM + l,
						ev));
		}
		ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
		EXPECT_TRUE(v.has_level);
		EXPECT_EQ(0u, v.level) TH_LOG("%s pending", t[i].name);
		ASSERT_EQ(0, vm_launch(&self->nl, id, &v))
			TH_LOG("%s", self->nl.extack);
		EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
		ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
		EXPECT_EQ(t[i].want, v.level) TH_LOG("%s", t[i].name);
		/* Untrusted: level 0, whatever the launch gave. */
		snprintf(ev, sizeof(ev), "late");
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_SOFTWARE, ev));
		ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
		if (t[i].levels & (1u << 3))
			EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
		if (v.trust != TVM_TRUST_TRUSTED)
			EXPECT_EQ(0u, v.level) TH_LOG("%s", t[i].name);
	}
}

/*
 * A dataflow section (Documentation/policy.rst, "Dataflow"): its
 * attributes sent in an order of their own (settings after the rules,
 * each rule's attributes reversed) come back as sent, and the digest is
 * that of the canonical encoding, which this test writes by hand.
 */
static void put_df(struct tmsg *m, bool canonical, uint32_t action)
{
	static const uint8_t uuid[TVM_UUID_SIZE] = { 0x11, 0x22 };

	tmsg_nest_start(m, TVM_A_POLICY_DATAFLOW);
	if (canonical) {
		tmsg_put_u32(m, TVM_A_DF_DEFAULT, TVM_DF_MEASURE);
		tmsg_put_u64(m, TVM_A_DF_CHECKPOINT_BYTES, 0);
		tmsg_put_u32(m, TVM_A_DF_CHECKPOINT_MS, 500);
		/* from "df-peer" on 22 and 1000-2000, trusted at 2, else taint */
		tmsg_nest_start(m, TVM_A_DF_RULE);
		tmsg_put_str(m, TVM_A_DFR_FROM_NAME, "df-peer");
		tmsg_nest_start(m, TVM_A_DFR_PORTS);
		tmsg_put_u32(m, TVM_A_DFP_FIRST, 22);
		tmsg_put_u32(m, TVM_A_DFP_LAST, 22);
		tmsg_nest_end(m);
		tmsg_nest_start(m, TVM_A_DFR_PORTS);
		tmsg_put_u32(m, TVM_A_DFP_FIRST, 1000);
		tmsg_put_u32(m, TVM_A_DFP_LAST, 2000);
		tmsg_nest_end(m);
		tmsg_put_u32(m, TVM_A_DFR_MIN_TRUST, TVM_TRUST_TRUSTED);
		tmsg_put_u32(m, TVM_A_DFR_MIN_LEVEL, 2);
		tmsg_put_u32(m, TVM_A_DFR_ACTION, action);
		tmsg_nest_end(m);
		/* from a UUID, with the defaults: untrusted, 0, block */
		tmsg_nest_start(m, TVM_A_DF_RULE);
		tmsg_put(m, TVM_A_DFR_FROM_UUID, uuid, sizeof(uuid));
		tmsg_put_u32(m, TVM_A_DFR_MIN_TRUST, TVM_TRUST_UNTRUSTED);
		tmsg_put_u32(m, TVM_A_DFR_MIN_LEVEL, 0);
		tmsg_put_u32(m, TVM_A_DFR_ACTION, TVM_DF_BLOCK);
		tmsg_nest_end(m);
	} else {
		tmsg_nest_start(m, TVM_A_DF_RULE);
		tmsg_put_u32(m, TVM_A_DFR_ACTION, action);
		tmsg_put_u32(m, TVM_A_DFR_MIN_LEVEL, 2);
		tmsg_put_u32(m, TVM_A_DFR_MIN_TRUST, TVM_TRUST_TRUSTED);
		tmsg_nest_start(m, TVM_A_DFR_PORTS);
		tmsg_put_u32(m, TVM_A_DFP_LAST, 22);
		tmsg_put_u32(m, TVM_A_DFP_FIRST, 22);
		tmsg_nest_end(m);
		tmsg_nest_start(m, TVM_A_DFR_PORTS);
		tmsg_put_u32(m, TVM_A_DFP_LAST, 2000);
		tmsg_put_u32(m, TVM_A_DFP_FIRST, 1000);
		tmsg_nest_end(m);
		tmsg_put_str(m, TVM_A_DFR_FROM_NAME, "df-peer");
		tmsg_nest_end(m);
		tmsg_nest_start(m, TVM_A_DF_RULE);
		tmsg_put(m, TVM_A_DFR_FROM_UUID, uuid, sizeof(uuid));
		tmsg_nest_end(m);
		tmsg_put_u32(m, TVM_A_DF_CHECKPOINT_MS, 500);
		tmsg_put_u32(m, TVM_A_DF_DEFAULT, TVM_DF_MEASURE);
	}
	tmsg_nest_end(m);
}

TEST_F(policy, dataflow_round_trip_and_canonical_digest)
{
	static struct pol_info pi;
	static struct tmsg canon;
	struct nlattr *a;
	uint8_t want[32];
	uint64_t gen;

	NEED_TVM();
	policy_begin(&canon, &self->nl, "pol-df", TVM_POLICY_AUDIT);
	put_df(&canon, true, TVM_DF_TAINT);
	tmsg_nest_end(&canon);
	a = policy_attr(&canon);
	md(TVM_BANK_SHA256, tattr_data(a), tattr_len(a), want);

	policy_begin(&self->m, &self->nl, "pol-df", TVM_POLICY_AUDIT);
	put_df(&self->m, false, TVM_DF_TAINT);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-df", &gen))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, policy_get(&self->nl, "pol-df", &pi));
	EXPECT_EQ(gen, pi.gen);
	/* Echoed as sent; hashed as the canonical encoding. */
	a = policy_attr(&self->m);
	ASSERT_LE(tattr_len(a), pi.len);
	EXPECT_EQ(0, memcmp(tattr_data(a), pi.payload, tattr_len(a)));
	EXPECT_EQ(0, memcmp(want, pi.digest, 32));

	/* Another action is another policy: another digest. */
	policy_begin(&self->m, &self->nl, "pol-df", TVM_POLICY_AUDIT);
	put_df(&self->m, false, TVM_DF_BLOCK);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-df", &gen))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, policy_get(&self->nl, "pol-df", &pi));
	EXPECT_NE(0, memcmp(want, pi.digest, 32));
}

TEST_F(policy, trusted_then_log_full_is_untrusted)
{
	struct vm_trust v;
	uint32_t id;
	int i, ret = 0;

	NEED_TVM();
	NEW_VM("pol-full", 16, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-full",
				       TVM_POLICY_ENFORCE, 1, "ev-1", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	for (i = 0; i < 32 && !ret; i++)
		ret = extend_str(&self->nl, id, TVM_PCR_DEBUG, "fill");
	EXPECT_EQ(-ENOSPC, ret);
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_EQ((uint32_t)TVM_VM_LOG_FULL, v.state);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "event log is full");
}

TEST_F(policy, log_full_before_launch_is_untrusted)
{
	struct vm_trust v;
	uint32_t id;
	int i, ret = 0;

	NEED_TVM();
	NEW_VM("pol-full-pending", 16, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-full-pending",
				       TVM_POLICY_AUDIT, 1, "ev-1", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	for (i = 0; i < 32 && !ret; i++)
		ret = extend_str(&self->nl, id, TVM_PCR_DEBUG, "fill");
	EXPECT_EQ(-ENOSPC, ret);
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_PENDING, v);
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
}

/* --- owner signatures ----------------------------------------------------- */

/*
 * Owner keys (ABI 6) live in tvm's keyring TVM_OWNER_KEYRING, filed under
 * their key id; a policy names the key by id.  The signed bytes are the
 * canonical encoding, which on the little-endian hosts these tests run on
 * is the payload built in canonical order (policy_begin_rev()).
 */
static uint8_t ida[TVM_KEY_ID_SIZE], idb[TVM_KEY_ID_SIZE];

/* Keys "a" and "b"; "a", the owner's, in the owner keyring. */
#define OWNER_SETUP() do {						\
	ASSERT_EQ(0, make_key("a"));					\
	ASSERT_EQ(0, make_key("b"));					\
	ASSERT_EQ(0, key_id("a", ida));					\
	ASSERT_EQ(0, key_id("b", idb));					\
	ASSERT_LT(0, owner_keyring())					\
		TH_LOG("no " TVM_OWNER_KEYRING " keyring in /proc/keys"); \
	ASSERT_LT(0, add_owner_key("a"))				\
		TH_LOG("add_key: %s", strerror(errno));			\
} while (0)

/* A name for this test's selector: pins outlive the test. */
static const char *sel_name(const char *tag)
{
	static char name[TVM_NAME_MAX + 1];

	snprintf(name, sizeof(name), "pol-%s-%d", tag, getpid());
	return name;
}

/*
 * A policy for @name naming @id (unsigned when NULL), revision @rev, in
 * @mode, accepting "ev-1" at level 1; the digest listed in @d.
 */
static void build_signed(struct tmsg *m, struct tnl *nl, const char *name,
			 const uint8_t *id, uint32_t rev, uint32_t mode,
			 uint8_t *d)
{
	policy_begin_rev(m, nl, name, mode, id, rev);
	md(TVM_BANK_SHA256, "ev-1", 4, d);
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, 1);
	put_pevent(m, "ev-1", TVM_BANK_SHA256, d, 32);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/* Sign the request's TVM_A_POLICY payload with KEYDIR/@k.pem. */
static int sign_policy(struct tmsg *m, const char *k, uint8_t *sig)
{
	struct nlattr *p = policy_attr(m);

	return sign(k, tattr_data(p), tattr_len(p), sig, TVM_SIGNATURE_MAX);
}

/* Build and sign; the signature attached. */
#define BUILD_AND_SIGN(nm, id, rev, signer) do {			\
	uint8_t _d[32], _sig[TVM_SIGNATURE_MAX];			\
	int _n;								\
									\
	build_signed(&self->m, &self->nl, (nm), (id), (rev),		\
		     TVM_POLICY_AUDIT, _d);				\
	_n = sign_policy(&self->m, (signer), _sig);			\
	ASSERT_EQ(256, _n);						\
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, _sig, _n);		\
} while (0)

/* A signed delete (tombstone) of @name: @id, @rev, signed by @signer. */
#define TOMBSTONE(nm, id, rev, signer) do {				\
	uint8_t _sig[TVM_SIGNATURE_MAX];				\
	int _n;								\
									\
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_DELETE, 0);	\
	tmsg_nest_start(&self->m, TVM_A_POLICY);			\
	tmsg_put_u32(&self->m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION); \
	put_selector(&self->m, (nm));					\
	tmsg_put(&self->m, TVM_A_POLICY_KEY_ID, (id), TVM_KEY_ID_SIZE);	\
	tmsg_put_u32(&self->m, TVM_A_POLICY_REVISION, (rev));		\
	tmsg_put(&self->m, TVM_A_POLICY_TOMBSTONE, NULL, 0);		\
	tmsg_nest_end(&self->m);					\
	_n = sign_policy(&self->m, (signer), _sig);			\
	ASSERT_EQ(256, _n);						\
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, _sig, _n);		\
} while (0)

/* The policy of @name is signed, with generation @gen. */
#define EXPECT_SIGNED_UNCHANGED(nm, g) do {				\
	static struct pol_info _pi;					\
									\
	EXPECT_EQ(0, policy_get(&self->nl, (nm), &_pi));		\
	EXPECT_EQ((g), _pi.gen);					\
	EXPECT_TRUE(_pi.is_signed);					\
} while (0)

/* The request is refused with @err and @msg, and @name's policy stays. */
#define EXPECT_REFUSED(err, msg, nm, g) do {				\
	EXPECT_EQ((err), CALL(NULL, NULL));				\
	EXPECT_EXTACK(msg);						\
	EXPECT_SIGNED_UNCHANGED((nm), (g));				\
} while (0)

/* Load a policy of @name signed by @signer naming @id, revision @rev. */
#define LOAD_SIGNED(nm, id, rev, signer, gen) do {			\
	BUILD_AND_SIGN((nm), (id), (rev), (signer));			\
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, (nm), (gen)))	\
		TH_LOG("%s", self->nl.extack);				\
} while (0)

TEST_F(policy, signed_load_accepted)
{
	static struct pol_info pi;
	const char *name = sel_name("sig");
	uint8_t want[32];
	uint64_t gen = 0;

	NEED_TVM();
	OWNER_SETUP();
	LOAD_SIGNED(name, ida, 1, "a", &gen);
	ASSERT_EQ(0, policy_get(&self->nl, name, &pi));
	EXPECT_EQ(gen, pi.gen);
	EXPECT_TRUE(pi.is_signed);
	/* The payload returned is what was sent; the digest its SHA-256. */
	ASSERT_LE(tattr_len(policy_attr(&self->m)), pi.len);
	EXPECT_EQ(0, memcmp(tattr_data(policy_attr(&self->m)), pi.payload,
			    tattr_len(policy_attr(&self->m))));
	md(TVM_BANK_SHA256, tattr_data(policy_attr(&self->m)),
	   tattr_len(policy_attr(&self->m)), want);
	EXPECT_EQ(0, memcmp(want, pi.digest, 32));
}

TEST_F(policy, signed_load_rejections_keep_the_old_policy)
{
	const char *name = sel_name("rej");
	uint8_t sig[TVM_SIGNATURE_MAX], d[32], *v;
	uint64_t gen = 0;
	int n;

	NEED_TVM();
	OWNER_SETUP();
	LOAD_SIGNED(name, ida, 1, "a", &gen);

	/* An owner key, no signature. */
	build_signed(&self->m, &self->nl, name, ida, 2, TVM_POLICY_AUDIT, d);
	EXPECT_REFUSED(-EBADMSG, "not signed", name, gen);

	/* The payload changed after signing: one byte of a digest. */
	build_signed(&self->m, &self->nl, name, ida, 2, TVM_POLICY_AUDIT, d);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	v = memmem(tattr_data(policy_attr(&self->m)),
		   tattr_len(policy_attr(&self->m)), d, 32);
	ASSERT_NE(NULL, v);
	v[5] ^= 0x01;
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", name, gen);

	/* The signature changed. */
	build_signed(&self->m, &self->nl, name, ida, 2, TVM_POLICY_AUDIT, d);
	n = sign_policy(&self->m, "a", sig);
	sig[100] ^= 0x40;
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", name, gen);

	/* Signed with another key than the one named. */
	BUILD_AND_SIGN(name, ida, 2, "b");
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", name, gen);

	/* A key id nobody added ("b" is not in the keyring). */
	BUILD_AND_SIGN(name, idb, 2, "b");
	EXPECT_REFUSED(-ENOKEY, "owner key not found", name, gen);

	/* A signature, no owner key. */
	BUILD_AND_SIGN(name, NULL, 2, "a");
	EXPECT_REFUSED(-EINVAL, "a signature needs an owner key", name, gen);

	/* ABI 5's key description is refused. */
	policy_begin(&self->m, &self->nl, name, TVM_POLICY_AUDIT);
	tmsg_put_str(&self->m, TVM_A_POLICY_OWNER_KEY, "tvm-test:owner");
	tmsg_nest_end(&self->m);
	EXPECT_REFUSED(-EINVAL, "named by KEY_ID", name, gen);

	/* And no unsigned replacement: the selector is pinned. */
	build_signed(&self->m, &self->nl, name, NULL, 2, TVM_POLICY_AUDIT, d);
	EXPECT_REFUSED(-EPERM, "pinned", name, gen);
}

TEST_F(policy, pinned_selector_refuses_another_key)
{
	const char *name = sel_name("pin");
	uint64_t gen = 0;

	NEED_TVM();
	OWNER_SETUP();
	/* "b" is a good key in the keyring too: the administrator's. */
	ASSERT_LT(0, add_owner_key("b"));
	LOAD_SIGNED(name, ida, 1, "a", &gen);
	BUILD_AND_SIGN(name, idb, 2, "b");
	EXPECT_REFUSED(-EKEYREJECTED, "another key than the one the selector is pinned to",
		       name, gen);
	/* "b" pins a selector of its own, which "a" cannot take either. */
	LOAD_SIGNED(sel_name("pin-b"), idb, 1, "b", NULL);
	BUILD_AND_SIGN(sel_name("pin-b"), ida, 2, "a");
	EXPECT_EQ(-EKEYREJECTED, CALL(NULL, NULL));
}

TEST_F(policy, revision_must_grow)
{
	const char *name = sel_name("rev");
	uint64_t gen = 0, gen2 = 0;

	NEED_TVM();
	OWNER_SETUP();
	LOAD_SIGNED(name, ida, 5, "a", &gen);
	BUILD_AND_SIGN(name, ida, 5, "a");
	EXPECT_REFUSED(-ESTALE, "anti-rollback", name, gen);
	BUILD_AND_SIGN(name, ida, 4, "a");
	EXPECT_REFUSED(-ESTALE, "anti-rollback", name, gen);
	BUILD_AND_SIGN(name, ida, 0, "a");
	EXPECT_REFUSED(-ESTALE, "anti-rollback", name, gen);
	LOAD_SIGNED(name, ida, 6, "a", &gen2);
	EXPECT_LT(gen, gen2);
}

TEST_F(policy, signed_delete)
{
	const char *name = sel_name("del");
	static struct pol_info pi;
	uint8_t d[32];
	uint64_t gen = 0;

	NEED_TVM();
	OWNER_SETUP();
	ASSERT_LT(0, add_owner_key("b"));
	LOAD_SIGNED(name, ida, 3, "a", &gen);

	/* Unsigned: refused. */
	EXPECT_EQ(-EPERM, policy_delete(&self->nl, name));
	EXPECT_EXTACK("pinned");
	EXPECT_SIGNED_UNCHANGED(name, gen);
	/* Signed by another key; not above the revision. */
	TOMBSTONE(name, idb, 4, "b");
	EXPECT_REFUSED(-EKEYREJECTED, "pinned to", name, gen);
	TOMBSTONE(name, ida, 3, "a");
	EXPECT_REFUSED(-ESTALE, "anti-rollback", name, gen);
	/* A tombstone is no policy, and a policy no tombstone. */
	TOMBSTONE(name, ida, 4, "a");
	tmsg_genl(&self->m)->cmd = TVM_CMD_POLICY_LOAD;
	EXPECT_REFUSED(-EINVAL, "goes to POLICY_DELETE", name, gen);
	BUILD_AND_SIGN(name, ida, 4, "a");
	tmsg_genl(&self->m)->cmd = TVM_CMD_POLICY_DELETE;
	EXPECT_REFUSED(-EINVAL, "tombstone", name, gen);

	/* The owner's delete. */
	TOMBSTONE(name, ida, 4, "a");
	EXPECT_EQ(0, CALL(NULL, NULL)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-ENOENT, policy_get(&self->nl, name, &pi));

	/* The high-water mark stays: no reload of revision 3, no unsigned. */
	BUILD_AND_SIGN(name, ida, 3, "a");
	EXPECT_EQ(-ESTALE, CALL(NULL, NULL));
	EXPECT_EQ(-ENOENT, policy_get(&self->nl, name, &pi));
	build_signed(&self->m, &self->nl, name, NULL, 0, TVM_POLICY_AUDIT, d);
	EXPECT_EQ(-EPERM, CALL(NULL, NULL));
	LOAD_SIGNED(name, ida, 5, "a", &gen);
}

TEST_F(policy, admin_key_under_the_owner_id_does_not_help)
{
	const char *name = sel_name("adm");
	char desc[2 * TVM_KEY_ID_SIZE + 1];
	long ring;

	NEED_TVM();
	OWNER_SETUP();
	ring = owner_keyring();
	/* Key "b" filed under a's id: it displaces a's key there. */
	ASSERT_LT(0, add_key_to("b", hex(ida, sizeof(ida), desc), ring));
	BUILD_AND_SIGN(name, ida, 1, "b");
	EXPECT_EQ(-EKEYREJECTED, CALL(NULL, NULL));
	EXPECT_EXTACK("is another key");
	/* Nor in the caller's own keyrings, as ABI 5 looked. */
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	ASSERT_LT(0, add_key_to("b", desc, KEY_SPEC_SESSION_KEYRING));
	BUILD_AND_SIGN(name, ida, 1, "b");
	EXPECT_EQ(-EKEYREJECTED, CALL(NULL, NULL));
	/* The keyring takes RSA public keys only. */
	EXPECT_GT(0, syscall(SYS_add_key, "user", "x", "y", 1, ring));
	EXPECT_EQ(EPERM, errno);
	EXPECT_GT(0, syscall(SYS_add_key, "keyring", "k", NULL, 0, ring));
	EXPECT_EQ(EPERM, errno);
	/* With a's key back, the owner's policy goes in. */
	ASSERT_LT(0, add_owner_key("a"));
	LOAD_SIGNED(name, ida, 1, "a", NULL);
}

/*
 * The owner's signature covers the dataflow section: a signed policy with
 * one loads, and the same signature over the section with one rule's
 * action changed (the byte of the canonical encoding that holds it) is
 * refused, the policy in force staying.
 */
TEST_F(policy, signature_covers_dataflow)
{
	const char *name = sel_name("df");
	uint8_t sig[TVM_SIGNATURE_MAX];
	uint64_t gen = 0;
	int n;

	NEED_TVM();
	OWNER_SETUP();
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_AUDIT, ida, 1);
	put_df(&self->m, true, TVM_DF_TAINT);
	tmsg_nest_end(&self->m);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, name, &gen))
		TH_LOG("%s", self->nl.extack);
	EXPECT_SIGNED_UNCHANGED(name, gen);

	/* Revision 2, signed; then its rule's action changed after signing. */
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_AUDIT, ida, 2);
	put_df(&self->m, true, TVM_DF_TAINT);
	tmsg_nest_end(&self->m);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_AUDIT, ida, 2);
	put_df(&self->m, true, TVM_DF_MEASURE);
	tmsg_nest_end(&self->m);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", name, gen);
}

/* A migration section of one peer, host id @peer bytes of @peer. */
static void put_mig(struct tmsg *m, uint8_t peer)
{
	uint8_t id[TVM_MIG_HOST_ID_SIZE];

	memset(id, peer, sizeof(id));
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	tmsg_put(m, TVM_A_MIGP_PEER, id, sizeof(id));
	tmsg_nest_end(m);
}

/* The owner's signature covers where the VM may migrate to. */
TEST_F(policy, signature_covers_migration)
{
	const char *name = sel_name("mig");
	uint8_t sig[TVM_SIGNATURE_MAX];
	uint64_t gen = 0;
	int n;

	NEED_TVM();
	OWNER_SETUP();
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_AUDIT, ida, 1);
	put_mig(&self->m, 0x11);
	tmsg_nest_end(&self->m);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, name, &gen))
		TH_LOG("%s", self->nl.extack);
	EXPECT_SIGNED_UNCHANGED(name, gen);

	/* Revision 2, signed; then its peer changed after signing. */
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_AUDIT, ida, 2);
	put_mig(&self->m, 0x11);
	tmsg_nest_end(&self->m);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_AUDIT, ida, 2);
	put_mig(&self->m, 0x22);
	tmsg_nest_end(&self->m);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", name, gen);
}

/* Python's SHA-256 of the canonical encoding of the policy below. */
static const uint8_t canon_digest[32] = {
	0x97, 0x57, 0xbe, 0x00, 0xd5, 0xe0, 0x74, 0xbc, 0x50, 0xe6, 0x9c,
	0x06, 0x73, 0x14, 0x71, 0x4c, 0x20, 0xa1, 0xf3, 0xd9, 0x56, 0x90,
	0x6c, 0x0b, 0x4d, 0x08, 0x52, 0x0e, 0xf9, 0xed, 0xa7, 0x30,
};

/*
 * "pol-canon", enforce, revision 7, level 1 accepting "e" with SHA-256
 * 0x22..., its attributes in the reverse of the canonical order.
 */
static void put_scrambled(struct tmsg *m, struct tnl *nl, const char *name,
			  const uint8_t *id, uint32_t rev)
{
	uint8_t v[32];

	memset(v, 0x22, sizeof(v));
	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
	tmsg_nest_start(m, TVM_A_PEVENT_DIGESTS);
	tmsg_nest_start(m, TVM_A_DIGEST);
	tmsg_put(m, TVM_A_DIGEST_VALUE, v, sizeof(v));
	tmsg_put_u32(m, TVM_A_DIGEST_BANK, TVM_BANK_SHA256);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	tmsg_put_str(m, TVM_A_PEVENT_NAME, "e");
	tmsg_nest_end(m);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, 1);
	tmsg_nest_end(m);
	tmsg_put_u32(m, TVM_A_POLICY_REVISION, rev);
	if (id)
		tmsg_put(m, TVM_A_POLICY_KEY_ID, id, TVM_KEY_ID_SIZE);
	tmsg_put_u32(m, TVM_A_POLICY_MODE, TVM_POLICY_ENFORCE);
	put_selector(m, name);
	tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	tmsg_nest_end(m);
}

TEST_F(policy, canonical_digest_whatever_the_order)
{
	static struct pol_info pi;
	const char *name = sel_name("ord");
	uint8_t sig[TVM_SIGNATURE_MAX], v[32];
	int n;

	NEED_TVM();
	/* The documented encoding, recomputed by the kernel: a fixed vector. */
	put_scrambled(&self->m, &self->nl, "pol-canon", NULL, 7);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-canon", NULL))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, policy_get(&self->nl, "pol-canon", &pi));
	EXPECT_EQ(0, memcmp(canon_digest, pi.digest, 32));

	/* A signature over the canonical bytes verifies, whatever the order. */
	OWNER_SETUP();
	memset(v, 0x22, sizeof(v));
	policy_begin_rev(&self->m, &self->nl, name, TVM_POLICY_ENFORCE, ida, 7);
	tmsg_nest_start(&self->m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(&self->m, TVM_A_LEVEL_NUM, 1);
	put_pevent(&self->m, "e", TVM_BANK_SHA256, v, 32);
	tmsg_nest_end(&self->m);
	tmsg_nest_end(&self->m);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	put_scrambled(&self->m, &self->nl, name, ida, 7);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_EQ(0, policy_send(&self->nl, &self->m, name, NULL))
		TH_LOG("%s", self->nl.extack);
}

/* VM @id's TVM_EV_POLICY events, in order, into @ids; how many. */
static int policy_events(struct tnl *nl, uint32_t id,
			 struct tvm_ev_policy *ids, int max)
{
	struct tvm_log log = { 0 };
	uint8_t h[32];
	int n = 0;
	size_t i;

	if (tvm_log_dump(nl, id, 0, &log))
		return -1;
	for (i = 0; i < log.n; i++) {
		const struct tvm_ev *ev = &log.ev[i];

		if (ev->type != TVM_EV_POLICY)
			continue;
		if (ev->pcr != TVM_PCR_VMM || ev->data_len != sizeof(*ids) ||
		    md(TVM_BANK_SHA256, ev->data, ev->data_len, h) ||
		    memcmp(h, ev->digest[TVM_BANK_SHA256], 32) || n == max) {
			n = -1;
			break;
		}
		memcpy(&ids[n++], ev->data, sizeof(*ids));
	}
	tvm_log_free(&log);
	return n;
}

/* @e says the policy @name is in force, with @key (or none) and @rev. */
#define EXPECT_IDENTITY(e, nm, key, rev) do {				\
	static struct pol_info _pi;					\
	static const uint8_t _zero[32];					\
	const uint8_t *_k = (key);					\
									\
	ASSERT_EQ(0, policy_get(&self->nl, (nm), &_pi));		\
	EXPECT_EQ(0, memcmp((e).magic, "TVMP", 4));			\
	EXPECT_EQ(0, memcmp((e).digest, _pi.digest, 32));		\
	EXPECT_EQ(0, memcmp((e).key_id, _k ? _k : _zero, 32));		\
	EXPECT_EQ((uint32_t)(rev), le32toh((e).revision));		\
} while (0)

TEST_F(policy, identity_logged_at_launch_and_change)
{
	const char *name = sel_name("ident");
	struct tvm_ev_policy ids[8];
	static const uint8_t zero[32];
	char vm[TVM_NAME_MAX + 1];
	struct vm_trust v;
	uint8_t d[32], sig[TVM_SIGNATURE_MAX];
	uint32_t id;
	int n;

	NEED_TVM();
	OWNER_SETUP();
	snprintf(vm, sizeof(vm), "%s", name);
	NEW_VM(vm, 0, &id);
	LOAD_SIGNED(vm, ida, 1, "a", NULL);
	/* Nothing before launch. */
	EXPECT_EQ(0, policy_events(&self->nl, id, ids, 8));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	ASSERT_EQ(1, policy_events(&self->nl, id, ids, 8));
	EXPECT_IDENTITY(ids[0], vm, ida, 1);

	/* The owner's revision 2 replaces it: logged. */
	build_signed(&self->m, &self->nl, vm, ida, 2, TVM_POLICY_ENFORCE, d);
	n = sign_policy(&self->m, "a", sig);
	ASSERT_EQ(256, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	ASSERT_EQ(0, CALL(NULL, NULL)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(2, policy_events(&self->nl, id, ids, 8));
	EXPECT_IDENTITY(ids[1], vm, ida, 2);
	EXPECT_NE(0, memcmp(ids[0].digest, ids[1].digest, 32));

	/* A policy for another VM changes nothing here. */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-ident-other",
				       TVM_POLICY_AUDIT, 1, "x", NULL));
	EXPECT_EQ(2, policy_events(&self->nl, id, ids, 8));

	/* The owner's delete: the VM is under no policy now, and says so. */
	TOMBSTONE(vm, ida, 3, "a");
	ASSERT_EQ(0, CALL(NULL, NULL)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(3, policy_events(&self->nl, id, ids, 8));
	EXPECT_EQ(0, memcmp(ids[2].digest, zero, 32));
	EXPECT_EQ(0, memcmp(ids[2].key_id, zero, 32));

	/* A default policy then selects it: logged, unsigned. */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, NULL,
				       TVM_POLICY_AUDIT, 1, "ev-1", NULL));
	ASSERT_EQ(4, policy_events(&self->nl, id, ids, 8));
	EXPECT_IDENTITY(ids[3], NULL, NULL, 0);
	EXPECT_EQ(0, policy_delete(&self->nl, NULL));
	EXPECT_EQ(5, policy_events(&self->nl, id, ids, 8));
}

TEST_F(policy, vmm_level_judges_pcr8_but_tvm_events)
{
	const char *name = sel_name("vmm");
	struct tvm_log log = { 0 };
	struct vm_trust v;
	uint32_t id, id2;
	char vm2[TVM_NAME_MAX + 8];
	bool version = false;
	size_t i;

	NEED_TVM();
	snprintf(vm2, sizeof(vm2), "%s-2", name);
	NEW_VM(name, 0, &id);
	NEW_VM(vm2, 0, &id2);
	/* Level 0 takes events only. */
	policy_begin(&self->m, &self->nl, name, TVM_POLICY_ENFORCE);
	put_level_pcr(&self->m, 0, (const uint8_t *)"0123456789abcdef0123456789abcdef");
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("level 0 (vmm) takes events only");

	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, name,
				       TVM_POLICY_ENFORCE, 0, "/usr/bin/vmm",
				       NULL)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, vm2,
				       TVM_POLICY_ENFORCE, 0, "/usr/bin/vmm",
				       NULL)) TH_LOG("%s", self->nl.extack);
	/* The VM's PCR 8 holds tvm's version event: not the VMM's. */
	ASSERT_EQ(0, tvm_log_dump(&self->nl, id, 0, &log));
	for (i = 0; i < log.n; i++)
		if (log.ev[i].pcr == TVM_PCR_VMM &&
		    log.ev[i].type == TVM_EV_TVM_VERSION)
			version = true;
	tvm_log_free(&log);
	EXPECT_TRUE(version);

	/*
	 * Only the kernel logs in PCR 8 (a KVM VM's VMM_EXE):
	 * kvm_hooks_test's vmm_level_judges_the_vmm_executable has the
	 * level judge a real VMM.
	 */
	EXPECT_EQ(-EPERM, extend_str(&self->nl, id, TVM_PCR_VMM,
				     "/usr/bin/vmm"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	ASSERT_EQ(0, vm_launch(&self->nl, id2, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
}

/* --- malformed requests --------------------------------------------------- */

/* policy_rules_test has a case for every rule a policy must obey. */
TEST_F(policy, get_and_dump_reject_extra_attributes)
{
	static struct pol_info pi;

	NEED_TVM();
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-get",
				       TVM_POLICY_AUDIT, 1, "ev-1", NULL));
	/* A get takes a selector only. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put_str(&self->m, TVM_A_POLICY_NAME, "pol-get");
	tmsg_put_u32(&self->m, TVM_A_POLICY_MODE, TVM_POLICY_AUDIT);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(pol_cb, &pi));
	EXPECT_EXTACK("only a selector");
	/* So does a delete, which then leaves the policy alone. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put_str(&self->m, TVM_A_POLICY_NAME, "pol-get");
	tmsg_put_u32(&self->m, TVM_A_POLICY_VERSION, 1);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EQ(0, policy_get(&self->nl, "pol-get", &pi));
	/* Without TVM_A_POLICY. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, 0);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("which policy?");
	/* A dump takes nothing. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_POLICY_GET, NLM_F_DUMP);
	tmsg_nest_start(&self->m, TVM_A_POLICY);
	tmsg_put_str(&self->m, TVM_A_POLICY_NAME, "pol-get");
	tmsg_nest_end(&self->m);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
}

TEST_F(policy, unknown_then_mismatch_is_untrusted)
{
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-unknown", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-unknown",
				       TVM_POLICY_AUDIT, 0, NULL, NULL));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
	/* A policy with references arrives; an event it does not list. */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-unknown",
				       TVM_POLICY_AUDIT, 2, "ev-2", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_DRIVERS, "ev-2"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_DRIVERS, "nope"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
}

TEST_F(policy, reasons_keep_the_newest)
{
	char ev[16], want[64];
	struct vm_trust v;
	uint32_t id;
	int i;

	NEED_TVM();
	NEW_VM("pol-reasons", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-reasons",
				       TVM_POLICY_AUDIT, 1, "ev-1", NULL));
	for (i = 0; i < TVM_REASONS_MAX + 2; i++) {
		snprintf(ev, sizeof(ev), "bad-%d", i);
		ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, ev));
	}
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	ASSERT_EQ(TVM_REASONS_MAX, v.nreasons)
		TH_LOG("%s", tvm_reasons(v.reasons, v.nreasons));
	EXPECT_NE(NULL, strstr(v.reasons[TVM_REASONS_MAX - 1], "launch"));
	snprintf(want, sizeof(want), "\"bad-%d\"", TVM_REASONS_MAX + 1);
	EXPECT_NE(NULL, strstr(v.reasons[TVM_REASONS_MAX - 2], want))
		TH_LOG("%s", tvm_reasons(v.reasons, v.nreasons));
	EXPECT_FALSE(has_reason(&v, "\"bad-0\""));
}

/* --- the events group ----------------------------------------------------- */

/* Up to @max tvm messages from @fd into @buf; how many. */
struct mc_msg {
	uint8_t cmd;
	char reason[TVM_REASON_MAX + 1];
	uint32_t id, trust_old, trust;
	uint64_t gen;
	char name[TVM_NAME_MAX + 1];
};

static int mc_read(int fd, uint16_t family, struct mc_msg *out, int max)
{
	static char buf[TNL_BUF];
	const struct nlattr *a, *p;
	struct nlmsghdr *h;
	int n = 0;
	ssize_t len;

	while (n < max) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len <= 0)
			break;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len) && n < max;
		     h = NLMSG_NEXT(h, len)) {
			struct mc_msg *o = &out[n];

			if (h->nlmsg_type != family)
				continue;
			memset(o, 0, sizeof(*o));
			o->cmd = ((struct genlmsghdr *)NLMSG_DATA(h))->cmd;
			if ((a = tmsg_attr(h, TVM_A_REASON)))
				snprintf(o->reason, sizeof(o->reason), "%.*s",
					 tattr_len(a), (char *)tattr_data(a));
			if ((a = tmsg_attr(h, TVM_A_VM_ID)))
				o->id = tattr_u32(a);
			if ((a = tmsg_attr(h, TVM_A_TRUST_OLD)))
				o->trust_old = tattr_u32(a);
			if ((a = tmsg_attr(h, TVM_A_VM_TRUST)))
				o->trust = tattr_u32(a);
			if ((a = tmsg_attr(h, TVM_A_VM_POLICY_GEN)))
				o->gen = tattr_u64(a);
			if ((p = tmsg_attr(h, TVM_A_POLICY))) {
				a = tattr_find(tattr_data(p), tattr_len(p),
					       TVM_A_POLICY_GEN);
				if (a)
					o->gen = tattr_u64(a);
				a = tattr_find(tattr_data(p), tattr_len(p),
					       TVM_A_POLICY_NAME);
				if (a)
					snprintf(o->name, sizeof(o->name),
						 "%.*s", tattr_len(a),
						 (char *)tattr_data(a));
			}
			n++;
		}
	}
	return n;
}

TEST_F(policy, events_group_policy_then_trust)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 3 };
	struct mc_msg got[4];
	struct vm_trust v;
	uint32_t grp = 0, id;
	uint64_t gen = 0;
	int fd, n;

	NEED_TVM();
	ASSERT_EQ(0, tvm_events_group(&self->nl, &grp))
		TH_LOG("no \"%s\" multicast group", TVM_MCGRP_EVENTS);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				sizeof(grp)));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	NEW_VM("pol-events", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-events",
				       TVM_POLICY_AUDIT, 1, "ev-1", &gen));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "other"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v));

	n = mc_read(fd, self->nl.family, got, 2);
	close(fd);
	ASSERT_EQ(2, n);
	EXPECT_EQ(TVM_CMD_EVENT_POLICY, got[0].cmd);
	EXPECT_STREQ("load", got[0].reason);
	EXPECT_EQ(gen, got[0].gen);
	EXPECT_STREQ("pol-events", got[0].name);

	EXPECT_EQ(TVM_CMD_EVENT_TRUST, got[1].cmd);
	EXPECT_EQ(id, got[1].id);
	EXPECT_EQ((uint32_t)TVM_TRUST_PENDING, got[1].trust_old);
	EXPECT_EQ((uint32_t)TVM_TRUST_UNTRUSTED, got[1].trust);
	EXPECT_NE('\0', got[1].reason[0]);
	EXPECT_EQ(gen, got[1].gen);
}

/* --- IMA ------------------------------------------------------------------ */

#define IMA_ASCII "/sys/kernel/security/ima/ascii_runtime_measurements"

static char *slurp(const char *path)
{
	size_t len = 0, cap = 1 << 16, n;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "r");

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

TEST_F(policy, ima_records_trust_and_policy)
{
	char text[128], hx[260], *log;
	struct vm_trust v;
	uint64_t gen = 0;
	uint32_t id;

	NEED_TVM();
	if (access(IMA_ASCII, R_OK))
		SKIP(return, "no %s", IMA_ASCII);
	NEW_VM("pol-ima", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-ima",
				       TVM_POLICY_AUDIT, 1, "ev-1", &gen));
	ASSERT_EQ(0, extend_str(&self->nl, id, TVM_PCR_OS, "ev-1"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	log = slurp(IMA_ASCII);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, " tvm-trust "));
	EXPECT_NE(NULL, strstr(log, " tvm-policy "));
	/* ima-buf keeps the buffer, in hex. */
	snprintf(text, sizeof(text), "policy=name:pol-ima gen=%llu ",
		 (unsigned long long)gen);
	hex((uint8_t *)text, strlen(text), hx);
	EXPECT_NE(NULL, strstr(log, hx)) TH_LOG("no record of '%s'", text);
	snprintf(text, sizeof(text), "name=pol-ima trust=pending->trusted");
	hex((uint8_t *)text, strlen(text), hx);
	EXPECT_NE(NULL, strstr(log, hx)) TH_LOG("no record of '%s'", text);
	free(log);
}

/* --- privilege ------------------------------------------------------------ */

static int unprivileged_policy_calls(uint32_t id)
{
	static struct tmsg m;
	static struct pol_info pi;
	struct vm_trust v;
	struct tnl nl;

	if (tnl_open(&nl))
		return 1;
	if (load_event_policy(&nl, &m, "pol-unpriv", TVM_POLICY_AUDIT, 1,
			      "ev-2", NULL) != -EPERM)
		return 2;
	if (!strstr(nl.extack, "CAP_SYS_ADMIN"))
		return 3;
	if (policy_delete(&nl, "pol-unpriv") != -EPERM)
		return 4;
	if (vm_launch(&nl, id, &v) != -EPERM)
		return 5;
	if (policy_get(&nl, "pol-unpriv", &pi) != -EPERM)
		return 6;
	tmsg_init(&m, &nl, TVM_CMD_POLICY_GET, NLM_F_DUMP);
	if (tnl_call(&nl, &m, NULL, NULL) != -EPERM)
		return 7;
	return 0;
}

TEST_F(policy, changes_need_cap_sys_admin)
{
	static struct pol_info pi;
	struct vm_trust v;
	uint64_t gen = 0;
	uint32_t id;

	NEED_TVM();
	NEW_VM("pol-unpriv", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-unpriv",
				       TVM_POLICY_AUDIT, 1, "ev-1", &gen));
	EXPECT_EQ(0, as_unprivileged_user(unprivileged_policy_calls, id));
	ASSERT_EQ(0, policy_get(&self->nl, "pol-unpriv", &pi));
	EXPECT_EQ(gen, pi.gen);
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_PENDING, v);
}

/* --- runtime ranges (ABI 5) ---------------------------------------------- */

/* A TVM_A_POLICY_RUNTIME; @interval is left out when UINT32_MAX. */
static void put_range(struct tmsg *m, uint64_t gpa, uint64_t len,
		      const uint8_t *sha, uint32_t interval)
{
	tmsg_nest_start(m, TVM_A_POLICY_RUNTIME);
	tmsg_put_u64(m, TVM_A_RANGE_GPA, gpa);
	tmsg_put_u64(m, TVM_A_RANGE_LEN, len);
	tmsg_put(m, TVM_A_RANGE_SHA256, sha, 32);
	if (interval != UINT32_MAX)
		tmsg_put_u32(m, TVM_A_RANGE_INTERVAL, interval);
	tmsg_nest_end(m);
}

struct range_info {
	uint64_t gpa, len;
	uint8_t sha[32];
	uint32_t interval;
	bool has_interval;
};

/* The runtime ranges in a policy payload, in order; how many. */
static int ranges_of(const struct pol_info *pi, struct range_info *r, int max)
{
	const struct nlattr *a, *f;
	int n = 0;

	tattr_for_each(a, pi->payload, pi->len) {
		if (tattr_type(a) != TVM_A_POLICY_RUNTIME || n == max)
			continue;
		memset(&r[n], 0, sizeof(r[n]));
		tattr_for_each(f, tattr_data(a), tattr_len(a)) {
			switch (tattr_type(f)) {
			case TVM_A_RANGE_GPA:
				r[n].gpa = tattr_u64(f);
				break;
			case TVM_A_RANGE_LEN:
				r[n].len = tattr_u64(f);
				break;
			case TVM_A_RANGE_SHA256:
				if (tattr_len(f) == 32)
					memcpy(r[n].sha, tattr_data(f), 32);
				break;
			case TVM_A_RANGE_INTERVAL:
				r[n].interval = tattr_u32(f);
				r[n].has_interval = true;
				break;
			}
		}
		n++;
	}
	return n;
}

TEST_F(policy, runtime_ranges_echoed_and_not_launch_references)
{
	struct pol_info *pi = malloc(sizeof(*pi));
	struct range_info r[4];
	uint8_t a[32], b[32];
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	ASSERT_NE(NULL, pi);
	memset(a, 0xa5, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	policy_begin(&self->m, &self->nl, "pol-ranges", TVM_POLICY_ENFORCE);
	put_range(&self->m, 0x1000, 4096, a, UINT32_MAX);
	put_range(&self->m, 0xfee00000ull, TVM_RANGE_LEN_MAX, b,
		  TVM_RANGE_INTERVAL_MIN);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-ranges", NULL))
		TH_LOG("%s", self->nl.extack);

	ASSERT_EQ(0, policy_get(&self->nl, "pol-ranges", pi))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(2, ranges_of(pi, r, 4));
	EXPECT_EQ(0x1000ull, (unsigned long long)r[0].gpa);
	EXPECT_EQ(4096ull, (unsigned long long)r[0].len);
	EXPECT_EQ(0, memcmp(a, r[0].sha, 32));
	EXPECT_FALSE(r[0].has_interval);
	EXPECT_EQ(0xfee00000ull, (unsigned long long)r[1].gpa);
	EXPECT_EQ((unsigned long long)TVM_RANGE_LEN_MAX,
		  (unsigned long long)r[1].len);
	EXPECT_EQ(0, memcmp(b, r[1].sha, 32));
	EXPECT_EQ((uint32_t)TVM_RANGE_INTERVAL_MIN, r[1].interval);

	/* Ranges are checked after launch: alone, they are no reference. */
	NEW_VM("pol-ranges", 0, &id);
	EXPECT_EQ(-EACCES, vm_launch(&self->nl, id, &v));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
	EXPECT_REASON(v, "no references");
	free(pi);
}

TEST_F(policy, runtime_ranges_accept_limits)
{
	struct pol_info *pi = malloc(sizeof(*pi));
	struct range_info r[TVM_POLICY_RANGES_MAX + 1];
	uint8_t d[32] = { 3 };
	int i;

	NEED_TVM();
	ASSERT_NE(NULL, pi);
	policy_begin(&self->m, &self->nl, "pol-ranges-max", TVM_POLICY_AUDIT);
	/* Ends at the last byte of the address space: no wrap. */
	put_range(&self->m, UINT64_MAX - 4095, 4095, d, 0);
	put_range(&self->m, 0, 1, d, TVM_RANGE_INTERVAL_MAX);
	for (i = 2; i < TVM_POLICY_RANGES_MAX; i++)
		put_range(&self->m, i * 4096ull, 4096, d, UINT32_MAX);
	tmsg_nest_end(&self->m);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-ranges-max", NULL))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, policy_get(&self->nl, "pol-ranges-max", pi));
	ASSERT_EQ(TVM_POLICY_RANGES_MAX,
		  ranges_of(pi, r, TVM_POLICY_RANGES_MAX + 1));
	EXPECT_EQ((unsigned long long)UINT64_MAX - 4095,
		  (unsigned long long)r[0].gpa);
	EXPECT_EQ((uint32_t)TVM_RANGE_INTERVAL_MAX, r[1].interval);
	free(pi);
}

TEST_HARNESS_MAIN
