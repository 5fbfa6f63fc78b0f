// SPDX-License-Identifier: GPL-2.0
/*
 * Policies and trust (ABI 3), over generic netlink, sent raw: load, get,
 * dump and delete; launch and the trust states it gives (allow-list hits
 * and misses at every level, final PCR values, audit against enforce);
 * changes after launch; owner signatures made with OpenSSL against a key
 * in the caller's keyring; every way a policy can be malformed, each with
 * its exact errno; the "events" multicast group; IMA records; privilege;
 * runtime ranges (ABI 5), echoed, bounded, and each malformed one refused.
 */

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
	uint32_t id, trust, state;
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
 * or the default when NULL), @mode (none when 0).
 */
static void policy_begin(struct tmsg *m, struct tnl *nl, const char *name,
			 uint32_t mode)
{
	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	put_selector(m, name);
	if (mode)
		tmsg_put_u32(m, TVM_A_POLICY_MODE, mode);
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

/*
 * Give this process a session keyring of its own and add KEYDIR/@k.der to
 * it as the asymmetric key @desc; the key's serial, or -errno.
 */
static long add_owner_key(const char *k, const char *desc)
{
	char path[128], buf[8192];
	long ret;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), KEYDIR "/%s.der", k);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ret = syscall(SYS_add_key, "asymmetric", desc, buf, n,
		      KEY_SPEC_SESSION_KEYRING);
	return ret < 0 ? -errno : ret;
}

/* Whether request_key() finds the asymmetric key @desc for this process. */
static bool key_findable(const char *desc)
{
	return syscall(SYS_request_key, "asymmetric", desc, NULL, 0) >= 0;
}

/* RSASSA-PKCS1-v1_5 SHA-256 of @data with KEYDIR/@k.pem; its length or -1. */
static int sign(const char *k, const void *data, size_t len, uint8_t *sig,
		size_t max)
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	char path[128];
	size_t n = max;
	int ok = 0;
	FILE *f;

	snprintf(path, sizeof(path), KEYDIR "/%s.pem", k);
	f = fopen(path, "r");
	if (f) {
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
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

FIXTURE_TEARDOWN(policy)
{
	int i;

	if (self->no_tvm)
		return;
	tvm_vms_delete(&self->nl, &self->vms);
	for (i = 0; i < ntracked; i++)
		policy_delete(&self->nl, tracked[i]);
	if (track_default)
		policy_delete(&self->nl, NULL);
	tnl_close(&self->nl);
}

#define CALL(cb, arg) tnl_call(&self->nl, &self->m, (cb), (arg))

/* Create VM @name for this test. */
#define NEW_VM(name, log_max, id)					\
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, (name), 0,	\
				(log_max), (id)))			\
		TH_LOG("create %s: %s", (name), self->nl.extack)

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
	struct pol_info *pi = malloc(sizeof(*pi));
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(-ENOENT, policy_get(&self->nl, NULL, pi))
		TH_LOG("a default policy is loaded: this test needs none");
	free(pi);
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
		ASSERT_EQ(0, extend_str(&self->nl, id, 8 + l, ev));
		/* PCRs outside levels 1-4 are not checked. */
		ASSERT_EQ(0, extend_str(&self->nl, id, 16, "other"));
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
		ASSERT_EQ(0, extend_str(&self->nl, id, 8 + l, ev));
		ASSERT_EQ(0, extend_str(&self->nl, id, 8 + l, "other"));
		/* Noted, still pending. */
		ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
		EXPECT_TRUST(TVM_TRUST_PENDING, v);
		EXPECT_EQ(0, vm_launch(&self->nl, id, &v))
			TH_LOG("level %u: %s", l, self->nl.extack);
		EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
		snprintf(want, sizeof(want), "pcr %u event \"other\" not in policy",
			 8 + l);
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
	ASSERT_EQ(0, tvm_extend_digests(&self->nl, id, 9, TVM_EV_EXTEND,
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "k"));
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "k"));
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "pcr 9 sha256 value");
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "other"));
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "other"));
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "launch: mismatch noted before launch");
}

/* Name beats default, UUID beats name. */
TEST_F(policy, selection_order)
{
	struct pol_info *pi = malloc(sizeof(*pi));
	struct vm_trust v;
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(-ENOENT, policy_get(&self->nl, NULL, pi))
		TH_LOG("a default policy is loaded: this test needs none");
	free(pi);
	NEW_VM("pol-sel", 0, &id);
	/* Default: allows only "ev-d"; name: allows only "ev-n". */
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, NULL,
				       TVM_POLICY_AUDIT, 1, "ev-d", NULL));
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-sel",
				       TVM_POLICY_AUDIT, 1, "ev-n", NULL));
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-n"));
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-u"));
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	/* A listed event later keeps it trusted; another does not. */
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "late"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
	EXPECT_REASON(v, "pcr 9 event \"late\" not in policy");
	/* Final: a matching event does not bring it back. */
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
	ASSERT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_TRUSTED, v);

	for (i = 0; i < 32 && !ret; i++)
		ret = extend_str(&self->nl, id, 16, "fill");
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
	for (i = 0; i < 32 && !ret; i++)
		ret = extend_str(&self->nl, id, 16, "fill");
	EXPECT_EQ(-ENOSPC, ret);
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_PENDING, v);
	EXPECT_EQ(0, vm_launch(&self->nl, id, &v)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUST(TVM_TRUST_UNTRUSTED, v);
}

/* --- owner signatures ----------------------------------------------------- */

#define OWNER "tvm-test:owner"

/* A signed policy for "pol-sig" naming @key_desc; the digest listed in @d. */
static void build_signed(struct tmsg *m, struct tnl *nl, const char *key_desc,
			 uint8_t *d)
{
	policy_begin(m, nl, "pol-sig", TVM_POLICY_AUDIT);
	if (key_desc)
		tmsg_put_str(m, TVM_A_POLICY_OWNER_KEY, key_desc);
	md(TVM_BANK_SHA256, "ev-1", 4, d);
	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(m, TVM_A_LEVEL_NUM, 1);
	put_pevent(m, "ev-1", TVM_BANK_SHA256, d, 32);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
}

/* Sign the request's policy with KEYDIR/@k.pem; the signature's length. */
static int sign_policy(struct tmsg *m, const char *k, uint8_t *sig)
{
	struct nlattr *p = policy_attr(m);

	return sign(k, tattr_data(p), tattr_len(p), sig, TVM_SIGNATURE_MAX);
}

/* Owner key "a" as OWNER in a session keyring of this test's own. */
#define OWNER_SETUP() do {						\
	ASSERT_EQ(0, make_key("a"));					\
	ASSERT_EQ(0, make_key("b"));					\
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING,	\
			     NULL)) TH_LOG("join: %s", strerror(errno)); \
	ASSERT_LT(0, add_owner_key("a", OWNER))				\
		TH_LOG("add_key: %s", strerror(errno));			\
	ASSERT_TRUE(key_findable(OWNER));				\
} while (0)

/* The signed policy is what GET says, still with generation @gen. */
#define EXPECT_SIGNED_UNCHANGED(gen) do {				\
	static struct pol_info _pi;					\
									\
	EXPECT_EQ(0, policy_get(&self->nl, "pol-sig", &_pi));		\
	EXPECT_EQ((gen), _pi.gen);					\
	EXPECT_TRUE(_pi.is_signed);					\
} while (0)

/* Build the "pol-sig" policy naming @owner and sign it with key @signer. */
#define BUILD_AND_SIGN(owner, signer, d, sig, n) do {			\
	build_signed(&self->m, &self->nl, (owner), (d));		\
	(n) = sign_policy(&self->m, (signer), (sig));			\
	ASSERT_EQ(256, (n));						\
} while (0)

/* The load is refused with @err and @msg, and the old policy stays. */
#define EXPECT_REFUSED(err, msg, gen) do {				\
	EXPECT_EQ((err), CALL(NULL, NULL));				\
	EXPECT_EXTACK(msg);						\
	EXPECT_SIGNED_UNCHANGED(gen);					\
} while (0)

TEST_F(policy, signed_load_accepted)
{
	static struct pol_info pi;
	uint8_t sig[TVM_SIGNATURE_MAX], d[32];
	uint64_t gen = 0;
	int n;

	NEED_TVM();
	OWNER_SETUP();
	BUILD_AND_SIGN(OWNER, "a", d, sig, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-sig", &gen))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, policy_get(&self->nl, "pol-sig", &pi));
	EXPECT_EQ(gen, pi.gen);
	EXPECT_TRUE(pi.is_signed);
	/* The payload returned is what was signed. */
	ASSERT_LE(tattr_len(policy_attr(&self->m)), pi.len);
	EXPECT_EQ(0, memcmp(tattr_data(policy_attr(&self->m)), pi.payload,
			    tattr_len(policy_attr(&self->m))));
}

TEST_F(policy, signed_load_rejections_keep_the_old_policy)
{
	uint8_t sig[TVM_SIGNATURE_MAX], d[32], *v;
	char absent[64];
	uint64_t gen = 0;
	int n;

	NEED_TVM();
	OWNER_SETUP();
	BUILD_AND_SIGN(OWNER, "a", d, sig, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	ASSERT_EQ(0, policy_send(&self->nl, &self->m, "pol-sig", &gen))
		TH_LOG("%s", self->nl.extack);

	/* An owner key, no signature. */
	build_signed(&self->m, &self->nl, OWNER, d);
	EXPECT_REFUSED(-EBADMSG, "not signed", gen);

	/* The payload changed after signing: one byte of a digest. */
	BUILD_AND_SIGN(OWNER, "a", d, sig, n);
	v = memmem(tattr_data(policy_attr(&self->m)),
		   tattr_len(policy_attr(&self->m)), d, 32);
	ASSERT_NE(NULL, v);
	v[5] ^= 0x01;
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", gen);

	/* The signature changed. */
	BUILD_AND_SIGN(OWNER, "a", d, sig, n);
	sig[100] ^= 0x40;
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", gen);

	/* Signed with another key than the one named. */
	BUILD_AND_SIGN(OWNER, "b", d, sig, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EKEYREJECTED, "does not verify", gen);

	/* A key nobody added. */
	snprintf(absent, sizeof(absent), "tvm-test:absent-%d", getpid());
	ASSERT_FALSE(key_findable(absent));
	BUILD_AND_SIGN(absent, "a", d, sig, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-ENOKEY, "owner key not found", gen);

	/* A signature, no owner key. */
	BUILD_AND_SIGN(NULL, "a", d, sig, n);
	tmsg_put(&self->m, TVM_A_POLICY_SIGNATURE, sig, n);
	EXPECT_REFUSED(-EINVAL, "a signature needs an owner key", gen);

	/* And an unsigned replacement is accepted: no longer signed. */
	build_signed(&self->m, &self->nl, NULL, d);
	EXPECT_EQ(0, CALL(NULL, NULL)) TH_LOG("%s", self->nl.extack);
}

/* --- malformed policies --------------------------------------------------- */

enum bad {
	BAD_VERSION2, BAD_NO_VERSION, BAD_TWO_SELECTORS, BAD_NO_SELECTOR,
	BAD_LEVEL5, BAD_LEVEL_TWICE, BAD_LEVEL_NO_NUM, BAD_MODE_TWICE,
	BAD_VERSION_TWICE, BAD_17_DIGESTS, BAD_DIGEST_SIZE, BAD_BANK4,
	BAD_EVENT_NO_DIGESTS, BAD_EVENT_NO_NAME, BAD_EMPTY_DIGESTS,
	BAD_EVENT_TWICE, BAD_MODE3, BAD_257_EVENTS, BAD_GEN, BAD_DIGEST_ATTR,
	BAD_LONG_SIGNATURE, BAD_UNKNOWN_TOP, BAD_17_PCR_VALUES, NBAD
};

static const struct {
	const char *what;
	int err;
	const char *extack;	/* NULL: the netlink core's */
} bad[NBAD] = {
	[BAD_VERSION2] = { "version 2", -ERANGE, NULL },
	[BAD_NO_VERSION] = { "no version", -EINVAL, "needs its version" },
	[BAD_TWO_SELECTORS] = { "name and default", -EINVAL, "exactly one" },
	[BAD_NO_SELECTOR] = { "no selector", -EINVAL, "exactly one" },
	[BAD_LEVEL5] = { "level 5", -ERANGE, NULL },
	[BAD_LEVEL_TWICE] = { "level 1 twice", -EINVAL, "level given twice" },
	[BAD_LEVEL_NO_NUM] = { "level without number", -EINVAL,
			       "needs its number" },
	[BAD_MODE_TWICE] = { "two modes", -EINVAL, "attribute given twice" },
	[BAD_VERSION_TWICE] = { "two versions", -EINVAL,
				"attribute given twice" },
	[BAD_17_DIGESTS] = { "17 digests", -E2BIG, "too many digests" },
	[BAD_DIGEST_SIZE] = { "20-byte sha256", -EINVAL,
			      "digest size does not match" },
	[BAD_BANK4] = { "bank 4", -ERANGE, NULL },
	[BAD_EVENT_NO_DIGESTS] = { "event without digests", -EINVAL,
				   "needs a name and digests" },
	[BAD_EVENT_NO_NAME] = { "event without name", -EINVAL,
				"needs a name and digests" },
	[BAD_EMPTY_DIGESTS] = { "empty digest list", -EINVAL,
				"empty list of digests" },
	[BAD_EVENT_TWICE] = { "event listed twice", -EINVAL,
			      "event listed twice" },
	[BAD_MODE3] = { "mode 3", -ERANGE, NULL },
	[BAD_257_EVENTS] = { "257 events", -E2BIG, "too many events" },
	[BAD_GEN] = { "GEN in a load", -EINVAL, NULL },
	[BAD_DIGEST_ATTR] = { "DIGEST in a load", -EINVAL, NULL },
	[BAD_LONG_SIGNATURE] = { "513-byte signature", -ERANGE, NULL },
	[BAD_UNKNOWN_TOP] = { "VM_ID next to the policy", -EINVAL, NULL },
	[BAD_17_PCR_VALUES] = { "17 PCR values", -E2BIG, "too many digests" },
};

static void put_bad(struct tmsg *m, struct tnl *nl, enum bad which)
{
	static const uint8_t sig[TVM_SIGNATURE_MAX + 1];
	uint8_t d[32] = { 1 };
	char name[16];
	int i;

	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	if (which == BAD_UNKNOWN_TOP)
		tmsg_put_u32(m, TVM_A_VM_ID, 1);
	tmsg_nest_start(m, TVM_A_POLICY);
	if (which != BAD_NO_VERSION)
		tmsg_put_u32(m, TVM_A_POLICY_VERSION,
			     which == BAD_VERSION2 ? 2 : 1);
	if (which == BAD_VERSION_TWICE)
		tmsg_put_u32(m, TVM_A_POLICY_VERSION, 1);
	if (which != BAD_NO_SELECTOR)
		tmsg_put_str(m, TVM_A_POLICY_NAME, "pol-bad");
	if (which == BAD_TWO_SELECTORS)
		tmsg_put(m, TVM_A_POLICY_DEFAULT, NULL, 0);
	tmsg_put_u32(m, TVM_A_POLICY_MODE, which == BAD_MODE3 ? 3 : 1);
	if (which == BAD_MODE_TWICE)
		tmsg_put_u32(m, TVM_A_POLICY_MODE, 2);
	if (which == BAD_GEN)
		tmsg_put_u64(m, TVM_A_POLICY_GEN, 1);
	if (which == BAD_DIGEST_ATTR)
		tmsg_put(m, TVM_A_POLICY_DIGEST, d, 32);

	tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
	if (which != BAD_LEVEL_NO_NUM)
		tmsg_put_u32(m, TVM_A_LEVEL_NUM, which == BAD_LEVEL5 ? 5 : 1);
	tmsg_nest_start(m, TVM_A_LEVEL_EVENT);
	if (which != BAD_EVENT_NO_NAME)
		tmsg_put_str(m, TVM_A_PEVENT_NAME, "ev-1");
	if (which != BAD_EVENT_NO_DIGESTS) {
		tmsg_nest_start(m, TVM_A_PEVENT_DIGESTS);
		if (which == BAD_17_DIGESTS)
			for (i = 0; i < 16; i++)
				put_digest(m, TVM_BANK_SHA256, d, 32);
		if (which == BAD_DIGEST_SIZE)
			put_digest(m, TVM_BANK_SHA256, d, 20);
		else if (which == BAD_BANK4)
			put_digest(m, 4, d, 32);
		else if (which != BAD_EMPTY_DIGESTS)
			put_digest(m, TVM_BANK_SHA256, d, 32);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	if (which == BAD_EVENT_TWICE)
		put_pevent(m, "ev-1", TVM_BANK_SHA256, d, 32);
	if (which == BAD_257_EVENTS) {
		for (i = 0; i < TVM_POLICY_EVENTS_MAX; i++) {
			snprintf(name, sizeof(name), "e%d", i);
			put_pevent(m, name, TVM_BANK_SHA256, d, 32);
		}
	}
	if (which == BAD_17_PCR_VALUES) {
		tmsg_nest_start(m, TVM_A_LEVEL_PCR);
		for (i = 0; i < 17; i++)
			put_digest(m, TVM_BANK_SHA256, d, 32);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	if (which == BAD_LEVEL_TWICE) {
		tmsg_nest_start(m, TVM_A_POLICY_LEVEL);
		tmsg_put_u32(m, TVM_A_LEVEL_NUM, 1);
		tmsg_nest_end(m);
	}
	tmsg_nest_end(m);
	if (which == BAD_LONG_SIGNATURE)
		tmsg_put(m, TVM_A_POLICY_SIGNATURE, sig, sizeof(sig));
}

TEST_F(policy, load_rejects_malformed)
{
	struct pol_info *pi = malloc(sizeof(*pi));
	int i, ret;

	NEED_TVM();
	ASSERT_NE(NULL, pi);
	for (i = 0; i < NBAD; i++) {
		put_bad(&self->m, &self->nl, i);
		ret = CALL(NULL, NULL);
		if (!ret)
			track("pol-bad");
		EXPECT_EQ(bad[i].err, ret)
			TH_LOG("%s: %d (%s), expected %d", bad[i].what, ret,
			       self->nl.extack, bad[i].err);
		if (bad[i].extack) {
			EXPECT_NE(NULL, strstr(self->nl.extack, bad[i].extack))
				TH_LOG("%s: extack '%s', expected '%s'",
				       bad[i].what, self->nl.extack,
				       bad[i].extack);
		} else {
			EXPECT_NE('\0', self->nl.extack[0])
				TH_LOG("%s: no extack", bad[i].what);
		}
		EXPECT_EQ(-ENOENT, policy_get(&self->nl, "pol-bad", pi))
			TH_LOG("%s: a policy was loaded", bad[i].what);
	}
	free(pi);
}

/* The same message is fine without its flaw: the cases test one thing. */
TEST_F(policy, load_accepts_the_malformed_base)
{
	NEED_TVM();
	put_bad(&self->m, &self->nl, NBAD);
	EXPECT_EQ(0, CALL(NULL, NULL)) TH_LOG("%s", self->nl.extack);
	track("pol-bad");
}

TEST_F(policy, load_accepts_limits)
{
	uint8_t d[32] = { 2 };
	char name[16];
	int i;

	NEED_TVM();
	policy_begin(&self->m, &self->nl, "pol-limits", TVM_POLICY_AUDIT);
	tmsg_nest_start(&self->m, TVM_A_POLICY_LEVEL);
	tmsg_put_u32(&self->m, TVM_A_LEVEL_NUM, 4);
	for (i = 0; i < TVM_POLICY_EVENTS_MAX; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		put_pevent(&self->m, name, TVM_BANK_SHA256, d, 32);
	}
	tmsg_nest_start(&self->m, TVM_A_LEVEL_PCR);
	for (i = 0; i < TVM_POLICY_DIGESTS_MAX; i++)
		put_digest(&self->m, TVM_BANK_SHA256, d, 32);
	tmsg_nest_end(&self->m);
	tmsg_nest_end(&self->m);
	tmsg_nest_end(&self->m);
	EXPECT_EQ(0, policy_send(&self->nl, &self->m, "pol-limits", NULL))
		TH_LOG("%s", self->nl.extack);
}

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
	ASSERT_EQ(0, extend_str(&self->nl, id, 10, "ev-2"));
	ASSERT_EQ(0, vm_trust_get(&self->nl, id, &v));
	EXPECT_TRUST(TVM_TRUST_UNKNOWN, v);
	ASSERT_EQ(0, extend_str(&self->nl, id, 10, "nope"));
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
		ASSERT_EQ(0, extend_str(&self->nl, id, 9, ev));
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

static int mcgrp_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *groups = tmsg_attr(h, CTRL_ATTR_MCAST_GROUPS);
	const struct nlattr *g, *name, *id;

	if (!groups)
		return 0;
	tattr_for_each(g, tattr_data(groups), tattr_len(groups)) {
		name = tattr_find(tattr_data(g), tattr_len(g),
				  CTRL_ATTR_MCAST_GRP_NAME);
		id = tattr_find(tattr_data(g), tattr_len(g),
				CTRL_ATTR_MCAST_GRP_ID);
		if (name && id &&
		    !strncmp(tattr_data(name), TVM_MCGRP_EVENTS,
			     tattr_len(name)))
			*(uint32_t *)arg = tattr_u32(id);
	}
	return 0;
}

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
	tmsg_init_raw(&self->m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	tmsg_put_str(&self->m, CTRL_ATTR_FAMILY_NAME, TVM_GENL_NAME);
	ASSERT_EQ(0, CALL(mcgrp_cb, &grp));
	ASSERT_NE(0u, grp) TH_LOG("no \"%s\" multicast group", TVM_MCGRP_EVENTS);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	ASSERT_EQ(0, setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
				sizeof(grp)));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	NEW_VM("pol-events", 0, &id);
	ASSERT_EQ(0, load_event_policy(&self->nl, &self->m, "pol-events",
				       TVM_POLICY_AUDIT, 1, "ev-1", &gen));
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "other"));
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
	ASSERT_EQ(0, extend_str(&self->nl, id, 9, "ev-1"));
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
	if (policy_get(&nl, "pol-unpriv", &pi) || pi.n != 1)
		return 6;
	tmsg_init(&m, &nl, TVM_CMD_POLICY_GET, NLM_F_DUMP);
	if (tnl_call(&nl, &m, NULL, NULL))
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
	EXPECT_EQ(0, without_cap_sys_admin(unprivileged_policy_calls, id));
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

enum bad_range {
	BR_NO_GPA, BR_NO_LEN, BR_NO_SHA, BR_LEN0, BR_LEN_BIG, BR_WRAP,
	BR_INTERVAL_SHORT, BR_INTERVAL_LONG, BR_SHA31, BR_GPA_TWICE, BR_PAD,
	BR_TOO_MANY, NBR
};

static const struct {
	const char *what;
	int err;
	const char *extack;	/* NULL: the netlink core's */
} bad_range[NBR] = {
	[BR_NO_GPA] = { "no GPA", -EINVAL, "needs a GPA, a length" },
	[BR_NO_LEN] = { "no length", -EINVAL, "needs a GPA, a length" },
	[BR_NO_SHA] = { "no SHA-256", -EINVAL, "needs a GPA, a length" },
	[BR_LEN0] = { "length 0", -ERANGE, NULL },
	[BR_LEN_BIG] = { "length above the bound", -ERANGE, NULL },
	[BR_WRAP] = { "range that wraps", -EINVAL, "wraps" },
	[BR_INTERVAL_SHORT] = { "interval 99 ms", -ERANGE,
				"TVM_RANGE_INTERVAL_MIN" },
	[BR_INTERVAL_LONG] = { "interval above a day", -ERANGE, NULL },
	[BR_SHA31] = { "31-byte SHA-256", -ERANGE, NULL },
	[BR_GPA_TWICE] = { "GPA twice", -EINVAL, "attribute given twice" },
	[BR_PAD] = { "PAD attribute", -EINVAL, NULL },
	[BR_TOO_MANY] = { "17 ranges", -E2BIG, "too many runtime ranges" },
};

/* A policy with one flawed runtime range (or, with NBR, a good one). */
static void put_bad_range(struct tmsg *m, struct tnl *nl, enum bad_range which)
{
	uint8_t d[32] = { 4 };
	int i;

	policy_begin(m, nl, "pol-bad-range", TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_RUNTIME);
	if (which != BR_NO_GPA)
		tmsg_put_u64(m, TVM_A_RANGE_GPA,
			     which == BR_WRAP ? UINT64_MAX - 4095 : 0x100000);
	if (which == BR_GPA_TWICE)
		tmsg_put_u64(m, TVM_A_RANGE_GPA, 0);
	if (which != BR_NO_LEN)
		tmsg_put_u64(m, TVM_A_RANGE_LEN,
			     which == BR_LEN0 ? 0 :
			     which == BR_LEN_BIG ? TVM_RANGE_LEN_MAX + 1ull :
			     4096);
	if (which != BR_NO_SHA)
		tmsg_put(m, TVM_A_RANGE_SHA256, d, which == BR_SHA31 ? 31 : 32);
	if (which == BR_INTERVAL_SHORT)
		tmsg_put_u32(m, TVM_A_RANGE_INTERVAL,
			     TVM_RANGE_INTERVAL_MIN - 1);
	if (which == BR_INTERVAL_LONG)
		tmsg_put_u32(m, TVM_A_RANGE_INTERVAL,
			     TVM_RANGE_INTERVAL_MAX + 1);
	if (which == BR_PAD)
		tmsg_put_u64(m, TVM_A_RANGE_PAD, 0);
	tmsg_nest_end(m);
	if (which == BR_TOO_MANY)
		for (i = 0; i < TVM_POLICY_RANGES_MAX; i++)
			put_range(m, i * 4096ull, 4096, d, UINT32_MAX);
	tmsg_nest_end(m);
}

TEST_F(policy, runtime_ranges_reject_malformed)
{
	struct pol_info *pi = malloc(sizeof(*pi));
	int i, ret;

	NEED_TVM();
	ASSERT_NE(NULL, pi);
	for (i = 0; i < NBR; i++) {
		put_bad_range(&self->m, &self->nl, i);
		ret = CALL(NULL, NULL);
		if (!ret)
			track("pol-bad-range");
		EXPECT_EQ(bad_range[i].err, ret)
			TH_LOG("%s: %d (%s), expected %d", bad_range[i].what,
			       ret, self->nl.extack, bad_range[i].err);
		if (bad_range[i].extack) {
			EXPECT_NE(NULL, strstr(self->nl.extack,
					       bad_range[i].extack))
				TH_LOG("%s: extack '%s', expected '%s'",
				       bad_range[i].what, self->nl.extack,
				       bad_range[i].extack);
		} else {
			EXPECT_NE('\0', self->nl.extack[0])
				TH_LOG("%s: no extack", bad_range[i].what);
		}
		EXPECT_EQ(-ENOENT, policy_get(&self->nl, "pol-bad-range", pi))
			TH_LOG("%s: a policy was loaded", bad_range[i].what);
	}
	/* Without its flaw, the same message loads: each case tests one. */
	put_bad_range(&self->m, &self->nl, NBR);
	EXPECT_EQ(0, CALL(NULL, NULL)) TH_LOG("%s", self->nl.extack);
	track("pol-bad-range");
	free(pi);
}

TEST_HARNESS_MAIN
