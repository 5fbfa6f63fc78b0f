// SPDX-License-Identifier: GPL-2.0
/*
 * Trusted migration over raw netlink (Documentation/migration.rst), on one
 * host that is both ends: its own attestation key is in its own
 * .tvm_migration keyring.  A second key, switched to with AK_SET, plays
 * another host where a test needs one.  The happy path (state, PCRs and
 * log equal after IMPORT, the PCR 15 events, the receipts), every
 * malformed, tampered, truncated, replayed, reordered and cross-migration
 * blob refused with its own errno and nothing changed, the policy's
 * refusal before the freeze, the frozen and the gone VM, the override,
 * expiry, the TVM_MIG_MAX bound, and a KVM VM on both sides.
 */

#include <fcntl.h>
#include <linux/keyctl.h>
#include <openssl/pem.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "tvm_crypto.h"
#include "tvm_kvm.h"
#include "../kselftest_harness.h"

#define WORK "/tmp/tvm-migrate-test"

#define BLOB_HEAD	16
#define PREPARE_BODY	(16 + 32 + 64 + 4 + 4 + 8 * 32)
#define EXPORT_FIXED	(16 + 32 + 32 + 64 + 12 + 32 + 8)
#define RECEIPT_BODY	(16 + 32 + 32 + 32 + 16)

struct blob {
	uint8_t b[TVM_MIG_BLOB_MAX];
	int len;
};

struct mig_rec {
	uint8_t id[TVM_MIG_ID_SIZE];
	uint32_t role, state, vm_id, expires;
	bool has_expires, has_peer;
	uint8_t peer[TVM_MIG_HOST_ID_SIZE];
};

struct mig_list {
	struct mig_rec r[TVM_MIG_MAX + 8];
	int n;
};

struct mig_reply {
	uint8_t id[TVM_MIG_ID_SIZE];
	struct blob *blob;
	uint64_t size;
	uint32_t vm_id;
};

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static int reply_cb(const struct nlmsghdr *h, void *arg)
{
	struct mig_reply *r = arg;
	const struct nlattr *a;

	if ((a = tmsg_attr(h, TVM_A_MIG_ID)) &&
	    tattr_len(a) == TVM_MIG_ID_SIZE)
		memcpy(r->id, tattr_data(a), TVM_MIG_ID_SIZE);
	if (r->blob)
		tattr_copy(tmsg_attr(h, TVM_A_MIG_BLOB), r->blob->b,
			   sizeof(r->blob->b), &r->blob->len);
	if ((a = tmsg_attr(h, TVM_A_MIG_SIZE)))
		r->size = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		r->vm_id = tattr_u32(a);
	return 0;
}

static int mig_prepare(struct tnl *nl, uint32_t ttl, uint8_t *id,
		       struct blob *b)
{
	struct mig_reply r = { .blob = b };
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_PREPARE, 0);
	if (ttl)
		tmsg_put_u32(&m, TVM_A_MIG_TTL, ttl);
	ret = tnl_call(nl, &m, reply_cb, &r);
	if (!ret && id)
		memcpy(id, r.id, TVM_MIG_ID_SIZE);
	return ret;
}

/* A new memfd, or -1. */
static int new_file(void)
{
	return memfd_create("tvm-mig", MFD_CLOEXEC);
}

static int mig_export(struct tnl *nl, uint32_t vm, const void *blob, int len,
		      int fd, uint64_t *size)
{
	struct mig_reply r = {};
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	tmsg_put(&m, TVM_A_MIG_BLOB, blob, len);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	ret = tnl_call(nl, &m, reply_cb, &r);
	if (!ret && size)
		*size = r.size;
	return ret;
}

static int mig_import(struct tnl *nl, int fd, uint32_t *vm)
{
	struct mig_reply r = {};
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_IMPORT, 0);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	ret = tnl_call(nl, &m, reply_cb, &r);
	if (!ret && vm)
		*vm = r.vm_id;
	return ret;
}

/* COMMIT or ABORT: by @id (destination, the receipt into @rcpt), or of @in. */
static int mig_end(struct tnl *nl, uint8_t cmd, const uint8_t *id,
		   const struct blob *in, struct blob *rcpt)
{
	struct mig_reply r = { .blob = rcpt };
	struct tmsg m;

	tmsg_init(&m, nl, cmd, 0);
	if (id)
		tmsg_put(&m, TVM_A_MIG_ID, id, TVM_MIG_ID_SIZE);
	if (in)
		tmsg_put(&m, TVM_A_MIG_BLOB, in->b, in->len);
	return tnl_call(nl, &m, reply_cb, &r);
}

static int mig_override(struct tnl *nl, uint32_t vm)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_ABORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	tmsg_put(&m, TVM_A_MIG_FORCE, NULL, 0);
	return tnl_call(nl, &m, NULL, NULL);
}

static int list_cb(const struct nlmsghdr *h, void *arg)
{
	struct mig_list *l = arg;
	struct mig_rec *r;
	const struct nlattr *a;

	if (l->n == (int)(sizeof(l->r) / sizeof(l->r[0])))
		return 0;
	r = &l->r[l->n++];
	memset(r, 0, sizeof(*r));
	if ((a = tmsg_attr(h, TVM_A_MIG_ID)))
		memcpy(r->id, tattr_data(a), TVM_MIG_ID_SIZE);
	if ((a = tmsg_attr(h, TVM_A_MIG_ROLE)))
		r->role = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_MIG_STATE)))
		r->state = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		r->vm_id = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_MIG_EXPIRES))) {
		r->expires = tattr_u32(a);
		r->has_expires = true;
	}
	if ((a = tmsg_attr(h, TVM_A_MIG_PEER))) {
		memcpy(r->peer, tattr_data(a), TVM_MIG_HOST_ID_SIZE);
		r->has_peer = true;
	}
	return 0;
}

static int mig_list(struct tnl *nl, struct mig_list *l)
{
	struct tmsg m;

	l->n = 0;
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_GET, NLM_F_DUMP);
	return tnl_call(nl, &m, list_cb, l);
}

/* The state of record (@id, @role), or -1 when there is none. */
static int mig_state(struct tnl *nl, const uint8_t *id, uint32_t role)
{
	static struct mig_list l;
	int i;

	if (mig_list(nl, &l))
		return -2;
	for (i = 0; i < l.n; i++)
		if (l.r[i].role == role && !memcmp(l.r[i].id, id, 16))
			return l.r[i].state;
	return -1;
}

struct vm_info {
	uint32_t id, trust, level, state, banks, log_max;
	int migration;
	bool has_migration, kvm;
	uint64_t log_count, refused;
	char name[TVM_NAME_MAX + 1];
	uint8_t uuid[TVM_UUID_SIZE];
	char reasons[TVM_REASONS_MAX][TVM_REASON_MAX + 1];
	int nreasons;
};

static int vm_info_cb(const struct nlmsghdr *h, void *arg)
{
	struct vm_info *v = arg;
	const struct nlattr *a, *r;

	memset(v, 0, sizeof(*v));
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		v->id = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_TRUST)))
		v->trust = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LEVEL)))
		v->level = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_STATE)))
		v->state = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_BANKS)))
		v->banks = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_MAX)))
		v->log_max = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_COUNT)))
		v->log_count = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_REFUSED)))
		v->refused = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_VM_MIGRATION))) {
		v->migration = tattr_u32(a);
		v->has_migration = true;
	}
	v->kvm = tmsg_attr(h, TVM_A_VM_KVM);
	if ((a = tmsg_attr(h, TVM_A_VM_NAME)))
		snprintf(v->name, sizeof(v->name), "%s",
			 (const char *)tattr_data(a));
	if ((a = tmsg_attr(h, TVM_A_VM_UUID)) && tattr_len(a) == TVM_UUID_SIZE)
		memcpy(v->uuid, tattr_data(a), TVM_UUID_SIZE);
	if ((a = tmsg_attr(h, TVM_A_VM_REASONS)))
		tattr_for_each(r, tattr_data(a), tattr_len(a))
			if (v->nreasons < TVM_REASONS_MAX)
				snprintf(v->reasons[v->nreasons++],
					 TVM_REASON_MAX + 1, "%.*s",
					 tattr_len(r), (const char *)tattr_data(r));
	return 0;
}

static int vm_info(struct tnl *nl, uint32_t id, struct vm_info *v)
{
	return tvm_vm_call(nl, TVM_CMD_VM_GET, id, vm_info_cb, v);
}

/*
 * A policy for VM @name (audit) with a migration section: @npeers host
 * ids @peers (none: any host in .tvm_migration).
 */
static int mig_policy(struct tnl *nl, const char *name, const uint8_t *peers,
		      int npeers)
{
	struct tmsg *m = malloc(sizeof(*m));
	int i, ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, name, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	for (i = 0; i < npeers; i++)
		tmsg_put(m, TVM_A_MIGP_PEER, peers + 32 * i, 32);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

/*
 * A policy for VM @name with a migration section that accepts SHA-256
 * @value (32 bytes) only for the destination's platform PCR @pcr.
 */
static int mig_policy_platform(struct tnl *nl, const char *name, uint32_t pcr,
			       const uint8_t *value)
{
	struct tmsg *m = malloc(sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, name, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	tmsg_nest_start(m, TVM_A_MIGP_PLATFORM);
	tmsg_put_u32(m, TVM_A_MIGPP_INDEX, pcr);
	tmsg_put(m, TVM_A_MIGPP_SHA256, value, 32);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

/*
 * Whether the host's IMA log holds a tvm-migration record (ima-buf: its
 * text in hex) containing @text.
 */
static bool ima_has(const char *text)
{
	static char line[4096];
	char want[512];
	bool found = false;
	size_t i;
	FILE *f;

	for (i = 0; text[i] && 2 * i + 2 < sizeof(want); i++)
		sprintf(want + 2 * i, "%02x", (unsigned char)text[i]);
	f = fopen("/sys/kernel/security/ima/ascii_runtime_measurements", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " tvm-migration ") && strstr(line, want))
			found = true;
	fclose(f);
	return found;
}

/* --- keys ------------------------------------------------------------------ */

/* The host id of WORK/@k.pem: SHA-256 of its DER RSAPublicKey; 0 or -1. */
static int host_id(const char *k, uint8_t id[32])
{
	char path[128];
	EVP_PKEY *pkey = NULL;
	unsigned char *der = NULL;
	int len = -1;
	FILE *f;

	snprintf(path, sizeof(path), WORK "/%s.pem", k);
	f = fopen(path, "r");
	if (f) {
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (pkey)
		len = i2d_PublicKey(pkey, &der);
	EVP_PKEY_free(pkey);
	if (len <= 0)
		return -1;
	len = md(TVM_BANK_SHA256, der, (size_t)len, id);
	OPENSSL_free(der);
	return len;
}

FIXTURE(mig) {
	struct tnl nl;
	struct tvm_vms vms;
	uint8_t host_a[32], host_b[32];
	bool no_tvm;
};

/* Keys "a" (this host) and "b" (another host): AK pk8, cert, public DER. */
#define KEYGEN(k)							\
	"[ -s " k ".pk8 ] || { "					\
	"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " k ".pem && " \
	"openssl pkcs8 -topk8 -nocrypt -in " k ".pem -outform DER -out " k ".pk8 && " \
	"openssl req -x509 -new -key " k ".pem -subj /CN=" k " -days 1 " \
	"-config req.cnf -extensions v3 -outform DER -out " k ".der; } && "

FIXTURE_SETUP(mig)
{
	char out[4096], hexid[65];
	long ring;

	TVM_SETUP_NL();
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	mkdir(WORK, 0700);
	ASSERT_EQ(0, run(out, sizeof(out),
		"(cd " WORK " && printf '[req]\\ndistinguished_name = dn\\n[dn]\\n"
		"[v3]\\nsubjectKeyIdentifier = hash\\n' > req.cnf && "
		KEYGEN("a") KEYGEN("b") "true)"))
		TH_LOG("%s", out);
	ASSERT_LT(0, tvm_add_key_file("tvm-migrate-test:a", WORK "/a.pk8",
				  KEY_SPEC_SESSION_KEYRING));
	ASSERT_LT(0, tvm_add_key_file("tvm-migrate-test:b", WORK "/b.pk8",
				  KEY_SPEC_SESSION_KEYRING));
	ASSERT_EQ(0, host_id("a", self->host_a));
	ASSERT_EQ(0, host_id("b", self->host_b));
	/* Both hosts are peers; filed under their ids, as tvmctl does. */
	ring = tvm_keyring_serial(TVM_MIGRATION_KEYRING);
	ASSERT_LT(0, ring) TH_LOG("no %s keyring", TVM_MIGRATION_KEYRING);
	tvm_add_key_file(hex(self->host_a, 32, hexid), WORK "/a.der", ring);
	tvm_add_key_file(hex(self->host_b, 32, hexid), WORK "/b.der", ring);
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:a"))
		TH_LOG("%s", self->nl.extack);
}

FIXTURE_TEARDOWN(mig)
{
	if (!self->no_tvm) {
		tvm_ak_set(&self->nl, "tvm-migrate-test:a");
		tvm_vms_delete(&self->nl, &self->vms);
		tnl_close(&self->nl);
	}
}

/* A VM @name with a policy that lets it migrate, and a few events. */
#define MIG_VM(name, id) do {						\
	ASSERT_EQ(0, mig_policy(&self->nl, (name), NULL, 0))		\
		TH_LOG("%s", self->nl.extack);				\
	ASSERT_VM_NEW((name), 0, 0, (id));				\
	ASSERT_EQ(0, tvm_extend_data(&self->nl, *(id), TVM_PCR_OS,	\
				     "kernel", 6, NULL));		\
	ASSERT_EQ(0, tvm_extend_data(&self->nl, *(id), TVM_PCR_APP,	\
				     "app", 3, NULL));			\
} while (0)

/* Read the whole of @fd into @buf (@size bytes); its length or -1. */
static ssize_t file_read(int fd, uint8_t *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size, 0);

	return n;
}

/* A new memfd holding @len bytes of @buf, or -1. */
static int file_with(const uint8_t *buf, size_t len)
{
	int fd = new_file();

	if (fd >= 0 && pwrite(fd, buf, len, 0) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * How many of VM @id's SHA-256 PCRs securityfs shows as all zeros (its
 * pcrs_sha256 file, "PCR-nn: hex" lines); -1 when it cannot be read.
 */
static int zero_pcrs(uint32_t id)
{
	char path[128], line[128], *hexv;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/security/%s/vms/%u/pcrs_sha256",
		 TVM_SECURITYFS_DIR, id);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		hexv = strchr(line, ':');
		if (hexv && strspn(hexv + 2, "0") == 64)
			n++;
	}
	fclose(f);
	return n;
}

static bool log_equal(const struct tvm_log *a, const struct tvm_log *b,
		      size_t n)
{
	size_t i;

	if (a->n < n || b->n < n)
		return false;
	for (i = 0; i < n; i++) {
		const struct tvm_ev *x = &a->ev[i], *y = &b->ev[i];

		if (x->seq != y->seq || x->pcr != y->pcr || x->type != y->type ||
		    x->banks != y->banks || x->data_len != y->data_len ||
		    memcmp(x->data, y->data, x->data_len) ||
		    memcmp(x->digest, y->digest, sizeof(x->digest)))
			return false;
	}
	return true;
}

/* Event @ev is a TVM_EV_MIGRATION of @flags for migration @id. */
static bool is_mig_event(const struct tvm_ev *ev, uint32_t flags,
			 const uint8_t *id, const uint8_t *src,
			 const uint8_t *dst)
{
	const struct tvm_ev_migration *d = (const void *)ev->data;

	return ev->pcr == TVM_PCR_MIGRATION && ev->type == TVM_EV_MIGRATION &&
	       ev->data_len == sizeof(*d) && !memcmp(d->magic, "TVMG", 4) &&
	       d->flags == flags && !memcmp(d->id, id, 16) &&
	       !memcmp(d->source, src, 32) && !memcmp(d->dest, dst, 32);
}

TEST_F(mig, happy_path_state_pcrs_and_log_move_whole)
{
	struct tvm_log before = {}, after = {}, src_after = {};
	struct tvm_pcrs pb, pa, replayed;
	struct vm_info vb, va;
	struct blob prep, rcpt, rcpt2;
	uint8_t id[16], *file;
	uint32_t src, dst;
	uint64_t size, seq;
	int fd, i;
	ssize_t n;

	NEED_TVM();
	MIG_VM("mig-happy", &src);
	ASSERT_EQ(0, pcr_reset(&self->nl, src, TVM_PCR_DEBUG, &seq));
	/* Launched: its trust state and reason travel too. */
	tvm_vm_call(&self->nl, TVM_CMD_VM_LAUNCH, src, NULL, NULL);

	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(BLOB_HEAD + PREPARE_BODY + 2 + 256, prep.len);
	EXPECT_EQ(0, memcmp(prep.b, "TVMG", 4));
	EXPECT_EQ(1, be16(prep.b + 4));
	EXPECT_EQ(1, be16(prep.b + 6));
	EXPECT_EQ((uint32_t)PREPARE_BODY, be32(prep.b + 8));
	EXPECT_EQ(0, memcmp(prep.b + BLOB_HEAD, id, 16));
	EXPECT_EQ(0, memcmp(prep.b + BLOB_HEAD + 16, self->host_a, 32));
	EXPECT_EQ((uint32_t)TVM_MIG_TTL_DEFAULT,
		  be32(prep.b + BLOB_HEAD + 16 + 32 + 64));
	EXPECT_EQ(TVM_MIG_D_PREPARED, mig_state(&self->nl, id, TVM_MIG_DEST));

	fd = new_file();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, &size))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_FROZEN, mig_state(&self->nl, id, TVM_MIG_SOURCE));
	ASSERT_EQ(0, vm_info(&self->nl, src, &vb));
	EXPECT_TRUE(vb.has_migration);
	EXPECT_EQ(TVM_MIG_S_FROZEN, vb.migration);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, src, &pb));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, src, 0, &before));
	ASSERT_EQ(pb.log_count, before.n);
	ASSERT_LT(0u, before.n);
	/* The OUT event is the source's last. */
	EXPECT_TRUE(is_mig_event(&before.ev[before.n - 1], TVM_EV_MIG_OUT, id,
				 self->host_a, self->host_a));

	/* The EXPORT blob: its frame, as the file holds it. */
	file = malloc(size);
	ASSERT_NE(NULL, file);
	n = file_read(fd, file, size + 1);
	ASSERT_EQ((ssize_t)size, n);
	EXPECT_EQ(0, memcmp(file, "TVMG", 4));
	EXPECT_EQ(2, be16(file + 6));
	EXPECT_EQ(0, memcmp(file + BLOB_HEAD, id, 16));
	free(file);

	ASSERT_EQ(0, mig_import(&self->nl, fd, &dst)) TH_LOG("%s", self->nl.extack);
	self->vms.id[self->vms.n++] = dst;
	close(fd);
	EXPECT_NE(src, dst);
	EXPECT_EQ(TVM_MIG_D_IMPORTED, mig_state(&self->nl, id, TVM_MIG_DEST));
	ASSERT_EQ(0, vm_info(&self->nl, dst, &va));
	EXPECT_STREQ("mig-happy", va.name);
	EXPECT_EQ(0, memcmp(vb.uuid, va.uuid, 16));
	EXPECT_TRUE(va.has_migration);
	EXPECT_EQ(TVM_MIG_D_IMPORTED, va.migration);
	EXPECT_EQ(vb.trust, va.trust);
	EXPECT_EQ(vb.level, va.level);
	EXPECT_EQ(vb.banks, va.banks);
	EXPECT_EQ(vb.log_max, va.log_max);
	EXPECT_EQ(vb.refused, va.refused);
	ASSERT_EQ(vb.nreasons, va.nreasons);
	for (i = 0; i < vb.nreasons; i++)
		EXPECT_STREQ(vb.reasons[i], va.reasons[i]);

	/* The log continues the source's: same events, then IN. */
	ASSERT_EQ(0, tvm_log_dump(&self->nl, dst, 0, &after));
	ASSERT_EQ(before.n + 1, after.n);
	EXPECT_TRUE(log_equal(&before, &after, before.n));
	EXPECT_EQ(before.n, after.ev[before.n].seq);
	EXPECT_TRUE(is_mig_event(&after.ev[before.n], TVM_EV_MIG_IN, id,
				 self->host_a, self->host_a));
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, dst, &pa));
	for (i = 0; i < TVM_NUM_PCRS; i++)
		if (i != TVM_PCR_MIGRATION)
			EXPECT_EQ(0, memcmp(pb.v[TVM_BANK_SHA256][i],
					    pa.v[TVM_BANK_SHA256][i], 32))
				TH_LOG("PCR %d differs", i);
	ASSERT_EQ(0, replay(&after, va.banks, &replayed));
	EXPECT_EQ(0, memcmp(replayed.v, pa.v, sizeof(pa.v)));

	/* Imported: extended (the incoming VMM's configuration). */
	EXPECT_EQ(0, tvm_extend_data(&self->nl, dst, TVM_PCR_CONFIG, "cfg", 3,
				     NULL)) TH_LOG("%s", self->nl.extack);

	/* COMMIT: a receipt, again the same one; the source is wiped. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id, NULL, &rcpt))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(BLOB_HEAD + RECEIPT_BODY + 2 + 256, rcpt.len);
	EXPECT_EQ(3, be16(rcpt.b + 6));
	EXPECT_EQ(0, memcmp(rcpt.b + BLOB_HEAD + 16 + 64 + 32, vb.uuid, 16));
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id, NULL,
			     &rcpt2));
	EXPECT_EQ(rcpt.len, rcpt2.len);
	EXPECT_EQ(0, memcmp(rcpt.b, rcpt2.b, rcpt.len));
	EXPECT_EQ(TVM_MIG_D_ACTIVE, mig_state(&self->nl, id, TVM_MIG_DEST));
	ASSERT_EQ(0, vm_info(&self->nl, dst, &va));
	EXPECT_FALSE(va.has_migration);
	tvm_log_free(&after);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, dst, 0, &after));
	ASSERT_LT(0u, after.n);
	EXPECT_TRUE(is_mig_event(&after.ev[after.n - 1], TVM_EV_MIG_COMMIT, id,
				 self->host_a, self->host_a));

	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL, &rcpt,
			     NULL)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_GONE, mig_state(&self->nl, id, TVM_MIG_SOURCE));
	ASSERT_EQ(0, vm_info(&self->nl, src, &vb));
	EXPECT_EQ(TVM_MIG_S_GONE, vb.migration);
	EXPECT_EQ(0u, vb.log_count);
	EXPECT_EQ(TVM_NUM_PCRS, zero_pcrs(src));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, src, 0, &src_after));
	EXPECT_EQ(0u, src_after.n);
	/* Gone: it neither extends nor reads nor quotes. */
	EXPECT_EQ(-ESTALE, tvm_extend_data(&self->nl, src, TVM_PCR_OS, "x", 1,
					   NULL));
	EXPECT_EQ(-ESTALE, tvm_pcr_read(&self->nl, src, &pb));
	/* The receipt once more: taken already. */
	EXPECT_EQ(-EALREADY, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL,
				     &rcpt, NULL));
	EXPECT_EXTACK("taken already");
	/* Live here: ABORT can no longer discard it. */
	EXPECT_EQ(-EBUSY, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL,
				  &rcpt2));
	tvm_log_free(&before);
	tvm_log_free(&after);
	tvm_log_free(&src_after);
}

/*
 * The destination's policy for the VM judges it from the import on: its
 * identity is logged right after the IN event when it is not the one the
 * source logged last, so a verifier there sees which policy it runs under.
 */
TEST_F(mig, import_logs_the_destination_policy_identity)
{
	struct tvm_log before = {}, after = {};
	struct blob prep, rcpt;
	uint8_t id[16];
	uint32_t src, dst;
	uint64_t size;
	size_t i, last = 0;
	int fd, policies = 0;

	NEED_TVM();
	MIG_VM("mig-pol", &src);
	tvm_vm_call(&self->nl, TVM_CMD_VM_LAUNCH, src, NULL, NULL);
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep))
		TH_LOG("%s", self->nl.extack);
	fd = new_file();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, &size))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, src, 0, &before));
	for (i = 0; i < before.n; i++)
		if (before.ev[i].type == TVM_EV_POLICY)
			last = i;
	ASSERT_EQ((uint32_t)TVM_EV_POLICY, before.ev[last].type);

	/* The destination's policy for the name: another one. */
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-pol", self->host_a, 1))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, mig_import(&self->nl, fd, &dst)) TH_LOG("%s", self->nl.extack);
	self->vms.id[self->vms.n++] = dst;
	close(fd);

	ASSERT_EQ(0, tvm_log_dump(&self->nl, dst, 0, &after));
	ASSERT_EQ(before.n + 2, after.n);
	EXPECT_TRUE(is_mig_event(&after.ev[before.n], TVM_EV_MIG_IN, id,
				 self->host_a, self->host_a));
	EXPECT_EQ((uint32_t)TVM_EV_POLICY, after.ev[before.n + 1].type);
	EXPECT_EQ((uint32_t)TVM_PCR_VMM, after.ev[before.n + 1].pcr);
	EXPECT_EQ(before.ev[last].data_len, after.ev[before.n + 1].data_len);
	EXPECT_NE(0, memcmp(before.ev[last].data, after.ev[before.n + 1].data,
			    before.ev[last].data_len));
	for (i = before.n; i < after.n; i++)
		policies += after.ev[i].type == TVM_EV_POLICY;
	EXPECT_EQ(1, policies);

	/* End both records, as a migration does. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id, NULL, &rcpt))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL, &rcpt,
			     NULL)) TH_LOG("%s", self->nl.extack);
	tvm_log_free(&before);
	tvm_log_free(&after);
}

/* A frozen VM changes in no way; the ABORT receipt lets it go on. */
TEST_F(mig, frozen_vm_refuses_every_change_until_abort_receipt)
{
	struct tvm_pcrs p0, p1;
	struct tvm_log log = {};
	struct blob prep, rcpt;
	struct vm_info v;
	uint8_t id[16];
	uint32_t src;
	uint64_t seq;
	int fd;

	NEED_TVM();
	MIG_VM("mig-frozen", &src);
	/* Launched, so that a policy change would log its identity. */
	ASSERT_EQ(0, tvm_vm_call(&self->nl, TVM_CMD_VM_LAUNCH, src, NULL,
				 NULL));
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, NULL))
		TH_LOG("%s", self->nl.extack);
	close(fd);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, src, &p0));

	EXPECT_EQ(-EBUSY, tvm_extend_data(&self->nl, src, TVM_PCR_OS, "x", 1,
					  NULL));
	EXPECT_EXTACK("frozen");
	EXPECT_EQ(-EBUSY, pcr_reset(&self->nl, src, TVM_PCR_APP, &seq));
	EXPECT_EQ(-EBUSY, tvm_vm_call(&self->nl, TVM_CMD_VM_LAUNCH, src, NULL,
				      NULL));
	/* A second export of a frozen VM, in another migration. */
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, NULL, &rcpt));
	fd = new_file();
	EXPECT_EQ(-EBUSY, mig_export(&self->nl, src, rcpt.b, rcpt.len, fd,
				     NULL));
	close(fd);
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, src, &p1));
	EXPECT_EQ(p0.log_count, p1.log_count);
	EXPECT_EQ(0, memcmp(p0.v, p1.v, sizeof(p0.v)));
	/* A new policy for it: not re-evaluated, its identity not logged. */
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-frozen", self->host_b, 1));
	ASSERT_EQ(0, vm_info(&self->nl, src, &v));
	EXPECT_EQ(p0.log_count, v.log_count);
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-frozen", NULL, 0));
	ASSERT_EQ(0, vm_info(&self->nl, src, &v));
	EXPECT_EQ(p0.log_count, v.log_count);

	/* Out of order: an override is not a receipt, no COMMIT before IMPORT. */
	EXPECT_EQ(-ENOENT, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id, NULL,
				   &rcpt));
	EXPECT_EQ(-ENOENT, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT,
				   (uint8_t [16]){ 1 }, NULL, &rcpt));

	/* The destination aborts the unused id; its receipt unfreezes. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &rcpt))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(4, be16(rcpt.b + 6));
	EXPECT_EQ(TVM_MIG_D_ABORTED, mig_state(&self->nl, id, TVM_MIG_DEST));
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL, &rcpt,
			     NULL)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_RESUMED, mig_state(&self->nl, id, TVM_MIG_SOURCE));
	ASSERT_EQ(0, vm_info(&self->nl, src, &v));
	EXPECT_FALSE(v.has_migration);
	EXPECT_EQ(-EALREADY, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL,
				     &rcpt, NULL));
	/* The ABORT receipt's id was used: its PREPARE is stale. */
	fd = new_file();
	EXPECT_EQ(-ESTALE, mig_export(&self->nl, src, prep.b, prep.len, fd,
				      NULL));
	close(fd);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, src, 0, &log));
	ASSERT_EQ(p0.log_count + 1, log.n);
	EXPECT_TRUE(is_mig_event(&log.ev[log.n - 1], TVM_EV_MIG_ABORT, id,
				 self->host_a, self->host_a));
	EXPECT_EQ(0, tvm_extend_data(&self->nl, src, TVM_PCR_OS, "x", 1, NULL));
	tvm_log_free(&log);
}

/*
 * Each malformed or tampered PREPARE blob is refused with its own errno,
 * and the VM is not frozen: no OUT event, no migration state.
 */
TEST_F(mig, bad_prepare_blobs_refused_and_nothing_changes)
{
	static const struct {
		const char *what;
		int off;	/* byte to change; -1: truncate */
		uint8_t xor;
		int err;
	} cases[] = {
		{ "magic", 0, 0x01, -EBADMSG },
		{ "version", 5, 0x02, -EPROTONOSUPPORT },
		{ "kind", 7, 0x03, -EBADMSG },
		{ "body length", 11, 0x01, -EBADMSG },
		{ "reserved", 15, 0x01, -EBADMSG },
		{ "id", BLOB_HEAD, 0x01, -EKEYREJECTED },
		{ "dest host", BLOB_HEAD + 16, 0x01, -ENOKEY },
		{ "ecdh key", BLOB_HEAD + 48, 0x01, -EKEYREJECTED },
		{ "ttl", BLOB_HEAD + 112, 0x01, -EKEYREJECTED },
		{ "platform", BLOB_HEAD + 120 + 5, 0x80, -EKEYREJECTED },
		{ "signature", BLOB_HEAD + PREPARE_BODY + 2 + 7, 0x01,
		  -EKEYREJECTED },
		{ "signature length", BLOB_HEAD + PREPARE_BODY + 1, 0x01,
		  -EBADMSG },
		{ "truncated", -1, 0, -EBADMSG },
	};
	struct blob prep, bad;
	struct vm_info v0, v1;
	unsigned int i;
	uint8_t id[16];
	uint32_t src;
	int fd;

	NEED_TVM();
	MIG_VM("mig-badprep", &src);
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep));
	ASSERT_EQ(0, vm_info(&self->nl, src, &v0));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = prep;
		if (cases[i].off < 0)
			bad.len -= 10;
		else
			bad.b[cases[i].off] ^= cases[i].xor;
		fd = new_file();
		EXPECT_EQ(cases[i].err, mig_export(&self->nl, src, bad.b,
						   bad.len, fd, NULL))
			TH_LOG("%s: %s", cases[i].what, self->nl.extack);
		EXPECT_NE(0, self->nl.extack[0]) TH_LOG("%s", cases[i].what);
		EXPECT_EQ(0, lseek(fd, 0, SEEK_END));
		close(fd);
	}
	ASSERT_EQ(0, vm_info(&self->nl, src, &v1));
	EXPECT_FALSE(v1.has_migration);
	EXPECT_EQ(v0.log_count, v1.log_count);
	EXPECT_EQ(-1, mig_state(&self->nl, id, TVM_MIG_SOURCE));
	/* A receipt where a PREPARE blob belongs: another kind. */
	fd = new_file();
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &bad));
	EXPECT_EQ(-EBADMSG, mig_export(&self->nl, src, bad.b, bad.len, fd,
				       NULL));
	EXPECT_EXTACK("kind");
	close(fd);
}

/* The same of EXPORT blobs at IMPORT: the id stays PREPARED, no VM. */
TEST_F(mig, bad_export_blobs_refused_and_nothing_changes)
{
	struct {
		const char *what;
		long off;	/* from the start; negative: from the end */
		uint8_t xor;
		long cut;	/* bytes cut off the end */
		int err;
	} cases[] = {
		{ "magic", 0, 0x01, 0, -EBADMSG },
		{ "version", 5, 0x01, 0, -EPROTONOSUPPORT },
		{ "kind", 7, 0x01, 0, -EBADMSG },
		{ "src host", BLOB_HEAD + 16, 0x01, 0, -ENOKEY },
		{ "dest host", BLOB_HEAD + 48, 0x01, 0, -EKEYREJECTED },
		{ "ecdh key", BLOB_HEAD + 80, 0x01, 0, -EKEYREJECTED },
		{ "iv", BLOB_HEAD + 144, 0x01, 0, -EKEYREJECTED },
		{ "prepare digest", BLOB_HEAD + 156, 0x01, 0, -EKEYREJECTED },
		{ "ct_len", BLOB_HEAD + EXPORT_FIXED - 1, 0x01, 0, -EBADMSG },
		{ "sealed state", BLOB_HEAD + EXPORT_FIXED + 40, 0x01, 0,
		  -EKEYREJECTED },
		{ "tag", -(2 + 256 + 1), 0x01, 0, -EKEYREJECTED },
		{ "signature", -1, 0x01, 0, -EKEYREJECTED },
		{ "truncated", 0, 0, 100, -EBADMSG },
		{ "cut to the header", 0, 0, -1, -EBADMSG },
	};
	struct blob prep;
	struct vm_info v;
	uint8_t id[16], *good, *bad;
	uint32_t src, n_before;
	uint64_t size;
	unsigned int i;
	int fd;

	NEED_TVM();
	MIG_VM("mig-badexp", &src);
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, &size))
		TH_LOG("%s", self->nl.extack);
	good = malloc(size);
	bad = malloc(size);
	ASSERT_EQ((ssize_t)size, file_read(fd, good, size));
	close(fd);
	n_before = tvm_vm_count(&self->nl);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = size;

		memcpy(bad, good, size);
		if (cases[i].cut > 0)
			len -= cases[i].cut;
		else if (cases[i].cut < 0)
			len = BLOB_HEAD;
		else
			bad[cases[i].off < 0 ? (long)size + cases[i].off :
			    cases[i].off] ^= cases[i].xor;
		fd = file_with(bad, len);
		ASSERT_LE(0, fd);
		EXPECT_EQ(cases[i].err, mig_import(&self->nl, fd, NULL))
			TH_LOG("%s: %s", cases[i].what, self->nl.extack);
		EXPECT_NE(0, self->nl.extack[0]) TH_LOG("%s", cases[i].what);
		close(fd);
		EXPECT_EQ(TVM_MIG_D_PREPARED,
			  mig_state(&self->nl, id, TVM_MIG_DEST));
	}
	EXPECT_EQ(n_before, (uint32_t)tvm_vm_count(&self->nl));

	/* The good one is taken once; again it is a replay. */
	fd = file_with(good, size);
	ASSERT_EQ(0, mig_import(&self->nl, fd, &v.id)) TH_LOG("%s", self->nl.extack);
	self->vms.id[self->vms.n++] = v.id;
	EXPECT_EQ(-ESTALE, mig_import(&self->nl, fd, NULL));
	EXPECT_EXTACK("used");
	close(fd);
	/* An ABORT of the imported id discards the instance. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &prep));
	EXPECT_EQ(-ENOENT, vm_info(&self->nl, v.id, &v));
	fd = file_with(good, size);
	EXPECT_EQ(-ESTALE, mig_import(&self->nl, fd, NULL));
	close(fd);
	/* Its receipt names the EXPORT blob and the VM: the source resumes. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL, &prep,
			     NULL)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, vm_info(&self->nl, src, &v));
	EXPECT_FALSE(v.has_migration);
	EXPECT_STREQ("mig-badexp", v.name);
	free(good);
	free(bad);
}

/* Receipts: tampered, of another kind, truncated, replayed, reordered. */
TEST_F(mig, bad_receipts_refused_and_nothing_changes)
{
	struct blob prep, rcpt, bad;
	uint8_t id[16];
	uint32_t src;
	int fd;

	NEED_TVM();
	MIG_VM("mig-badrcpt", &src);
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, NULL));
	close(fd);
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &rcpt));

	bad = rcpt;
	bad.b[BLOB_HEAD + 3] ^= 1;	/* the id */
	EXPECT_EQ(-EKEYREJECTED, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT,
					 NULL, &bad, NULL));
	bad = rcpt;
	bad.b[BLOB_HEAD + 16 + 32] ^= 1;	/* the destination host */
	EXPECT_EQ(-ENOKEY, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL,
				   &bad, NULL));
	bad = rcpt;
	bad.len--;
	EXPECT_EQ(-EBADMSG, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL,
				    &bad, NULL));
	/* An ABORT receipt is no COMMIT receipt. */
	EXPECT_EQ(-EBADMSG, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL,
				    &rcpt, NULL));
	EXPECT_EXTACK("kind");
	EXPECT_EQ(TVM_MIG_S_FROZEN, mig_state(&self->nl, id, TVM_MIG_SOURCE));

	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL, &rcpt,
			     NULL));
	EXPECT_EQ(-EALREADY, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL,
				     &rcpt, NULL));
	/* The destination aborted: it cannot commit now. */
	EXPECT_EQ(-ESTALE, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id, NULL,
				   &bad));
	/* The same ABORT receipt, again, for the asking. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &bad));
	EXPECT_EQ(rcpt.len, bad.len);
	EXPECT_EQ(0, memcmp(rcpt.b, bad.b, rcpt.len));
}

/*
 * Blobs of another migration or for another host: EXDEV.  AK_SET to key
 * "b" makes this host another one (host id b) for a while.
 */
TEST_F(mig, cross_host_and_cross_migration_blobs_refused)
{
	struct blob prep_b, prep2, rcpt;
	uint8_t id_b[16], id2[16];
	uint8_t *file;
	uint32_t src, src2, dst;
	uint64_t size;
	int fd, fd2;

	NEED_TVM();
	MIG_VM("mig-cross", &src);
	MIG_VM("mig-cross2", &src2);
	/* Host b prepares; host a exports to it. */
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:b"));
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id_b, &prep_b));
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:a"));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src, prep_b.b, prep_b.len, fd,
				&size)) TH_LOG("%s", self->nl.extack);
	/* Host a is not b: the EXPORT blob is not for it. */
	EXPECT_EQ(-EXDEV, mig_import(&self->nl, fd, NULL));
	EXPECT_EXTACK("another host");
	EXPECT_EQ(TVM_MIG_D_PREPARED, mig_state(&self->nl, id_b, TVM_MIG_DEST));

	/* Host a prepares too; a blob answering b's PREPARE is not its. */
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id2, &prep2));
	fd2 = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src2, prep2.b, prep2.len, fd2,
				NULL));

	/* On b, the blob imports; the COMMIT receipt goes to a only. */
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:b"));
	ASSERT_EQ(0, mig_import(&self->nl, fd, &dst)) TH_LOG("%s", self->nl.extack);
	self->vms.id[self->vms.n++] = dst;
	/* b's receipts are signed by b's key only, never by another. */
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:a"));
	EXPECT_EQ(-ENOKEY, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id_b,
				   NULL, &rcpt));
	EXPECT_EQ(TVM_MIG_D_IMPORTED, mig_state(&self->nl, id_b, TVM_MIG_DEST));
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:b"));
	/* b is not a2's destination: a's EXPORT blob for a. */
	EXPECT_EQ(-EXDEV, mig_import(&self->nl, fd2, NULL));
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id_b, NULL,
			     &rcpt)) TH_LOG("%s", self->nl.extack);
	/* b is not the receipt's source. */
	EXPECT_EQ(-EXDEV, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL,
				  &rcpt, NULL));
	EXPECT_EXTACK("another source host");
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-migrate-test:a"));
	EXPECT_EQ(TVM_MIG_S_FROZEN, mig_state(&self->nl, id_b, TVM_MIG_SOURCE));
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL, &rcpt,
			     NULL)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_GONE, mig_state(&self->nl, id_b, TVM_MIG_SOURCE));

	/* a's second migration: its own receipts only. */
	ASSERT_EQ(0, mig_import(&self->nl, fd2, &dst)) TH_LOG("%s", self->nl.extack);
	self->vms.id[self->vms.n++] = dst;
	file = malloc(size);
	free(file);
	close(fd);
	close(fd2);
}

/* A destination the policy does not allow is refused before the freeze. */
TEST_F(mig, policy_refuses_destination_before_freezing)
{
	struct blob prep;
	struct vm_info v0, v1;
	uint8_t other[32];
	uint32_t id1, id2;
	int fd;

	NEED_TVM();
	/* No policy: no migration section. */
	ASSERT_VM_NEW("mig-nopolicy", 0, 0, &id1);
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, NULL, &prep));
	ASSERT_EQ(0, vm_info(&self->nl, id1, &v0));
	fd = new_file();
	EXPECT_EQ(-EPERM, mig_export(&self->nl, id1, prep.b, prep.len, fd,
				     NULL));
	EXPECT_NE(0, self->nl.extack[0]);
	ASSERT_EQ(0, vm_info(&self->nl, id1, &v1));
	EXPECT_FALSE(v1.has_migration);
	EXPECT_EQ(v0.log_count, v1.log_count);
	EXPECT_EQ(0, lseek(fd, 0, SEEK_END));

	/* A policy that wants another value of the platform's PCR 0. */
	ASSERT_EQ(0, mig_policy_platform(&self->nl, "mig-platform", 0,
					 other)) TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("mig-platform", 0, 0, &id2);
	EXPECT_EQ(-EPERM, mig_export(&self->nl, id2, prep.b, prep.len, fd,
				     NULL));
	ASSERT_EQ(0, vm_info(&self->nl, id2, &v1));
	EXPECT_FALSE(v1.has_migration);
	/* The value the PREPARE blob gives: allowed. */
	ASSERT_EQ(1u, be32(prep.b + BLOB_HEAD + 116) & 1);
	ASSERT_EQ(0, mig_policy_platform(&self->nl, "mig-platform", 0,
					 prep.b + BLOB_HEAD + 120));
	EXPECT_EQ(0, mig_export(&self->nl, id2, prep.b, prep.len, fd, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, mig_override(&self->nl, id2));
	tk_policy_delete(&self->nl, "mig-platform");

	/* A policy that names another host only (a new PREPARE: that one ended). */
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, NULL, &prep));
	memset(other, 0x5a, sizeof(other));
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-otherpeer", other, 1))
		TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("mig-otherpeer", 0, 0, &id2);
	ASSERT_EQ(0, vm_info(&self->nl, id2, &v0));
	EXPECT_EQ(-EPERM, mig_export(&self->nl, id2, prep.b, prep.len, fd,
				     NULL));
	ASSERT_EQ(0, vm_info(&self->nl, id2, &v1));
	EXPECT_FALSE(v1.has_migration);
	EXPECT_EQ(v0.log_count, v1.log_count);
	close(fd);
	tk_policy_delete(&self->nl, "mig-otherpeer");
}

/* The override unfreezes without a receipt, and says so in PCR 15. */
TEST_F(mig, override_unfreezes_and_is_logged)
{
	struct tvm_log log = {};
	struct blob prep, rcpt;
	struct vm_info v;
	uint8_t id[16];
	char text[128], idhex[33];
	uint32_t src;
	int fd;

	NEED_TVM();
	MIG_VM("mig-override", &src);
	EXPECT_EQ(-ENOENT, mig_override(&self->nl, src));
	EXPECT_EXTACK("not frozen");
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, NULL));
	close(fd);
	ASSERT_EQ(0, mig_override(&self->nl, src)) TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, vm_info(&self->nl, src, &v));
	EXPECT_FALSE(v.has_migration);
	EXPECT_EQ(TVM_MIG_S_RESUMED, mig_state(&self->nl, id, TVM_MIG_SOURCE));
	ASSERT_EQ(0, tvm_log_dump(&self->nl, src, 0, &log));
	EXPECT_TRUE(is_mig_event(&log.ev[log.n - 1], TVM_EV_MIG_OVERRIDE, id,
				 self->host_a, self->host_a));
	EXPECT_TRUE(is_mig_event(&log.ev[log.n - 2], TVM_EV_MIG_OUT, id,
				 self->host_a, self->host_a));
	/* And the host's IMA log says so. */
	snprintf(text, sizeof(text), "migration=%s action=override",
		 hex(id, 16, idhex));
	EXPECT_TRUE(ima_has(text)) TH_LOG("no IMA record '%s'", text);
	EXPECT_EQ(0, tvm_extend_data(&self->nl, src, TVM_PCR_OS, "x", 1, NULL));
	EXPECT_EQ(-ENOENT, mig_override(&self->nl, src));
	/* A receipt after the override: aborted already, no commit. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &rcpt));
	EXPECT_EQ(-EALREADY, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL,
				     &rcpt, NULL));
	tvm_log_free(&log);
}

/* A prepared id expires after its TTL: ABORTED, its EXPORT blob stale. */
TEST_F(mig, prepared_id_expires)
{
	struct mig_list *l = malloc(sizeof(*l));
	struct blob prep, rcpt;
	uint8_t id[16];
	uint32_t src;
	int fd, i;

	NEED_TVM();
	ASSERT_NE(NULL, l);
	MIG_VM("mig-expire", &src);
	ASSERT_EQ(0, mig_prepare(&self->nl, 1, id, &prep));
	EXPECT_EQ(1u, be32(prep.b + BLOB_HEAD + 112));
	ASSERT_EQ(0, mig_list(&self->nl, l));
	for (i = 0; i < l->n; i++)
		if (!memcmp(l->r[i].id, id, 16)) {
			EXPECT_TRUE(l->r[i].has_expires);
			EXPECT_GE(1u, l->r[i].expires);
		}
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, src, prep.b, prep.len, fd, NULL));
	usleep(2500 * 1000);
	EXPECT_EQ(TVM_MIG_D_ABORTED, mig_state(&self->nl, id, TVM_MIG_DEST));
	EXPECT_EQ(-ESTALE, mig_import(&self->nl, fd, NULL));
	close(fd);
	/* Its ABORT receipt lets the source go on. */
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, id, NULL, &rcpt));
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, NULL, &rcpt,
			     NULL)) TH_LOG("%s", self->nl.extack);
	/* TTLs outside 1-3600 s: the policy refuses them. */
	EXPECT_EQ(-ERANGE, mig_prepare(&self->nl, TVM_MIG_TTL_MAX + 1, NULL,
				       &prep));
	free(l);
}

/* At most TVM_MIG_MAX migrations under way; ended ones make room. */
TEST_F(mig, at_most_mig_max_migrations)
{
	struct mig_list *l = malloc(sizeof(*l));
	static uint8_t ids[TVM_MIG_MAX + 1][16];
	long long refused, evicted;
	struct blob prep;
	int n = 0, i, live = 0;

	NEED_TVM();
	ASSERT_NE(NULL, l);
	while (n <= TVM_MIG_MAX && !mig_prepare(&self->nl, 60, ids[n], &prep))
		n++;
	EXPECT_GT(n, 0);
	EXPECT_GE(TVM_MIG_MAX, n);
	/* Hitting the bound is counted in tvm/stats, not only refused. */
	refused = tk_stat("migrations_refused");
	evicted = tk_stat("migrations_evicted");
	ASSERT_LE(0, refused);
	ASSERT_LE(0, evicted);
	EXPECT_EQ(-ENOSPC, mig_prepare(&self->nl, 60, NULL, &prep));
	EXPECT_EXTACK("TVM_MIG_MAX");
	EXPECT_EQ(refused + 1, tk_stat("migrations_refused"));
	EXPECT_EQ(TVM_MIG_MAX, tk_stat("migrations"));
	EXPECT_EQ(TVM_MIG_MAX, tk_stat("max_migrations"));
	ASSERT_EQ(0, mig_list(&self->nl, l));
	EXPECT_EQ(TVM_MIG_MAX, l->n);
	for (i = 0; i < l->n; i++)
		if (l->r[i].state == TVM_MIG_D_PREPARED ||
		    l->r[i].state == TVM_MIG_D_IMPORTED ||
		    l->r[i].state == TVM_MIG_S_FROZEN)
			live++;
	EXPECT_EQ(TVM_MIG_MAX, live);
	/* Ended records make room. */
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, ids[i],
				     NULL, &prep));
	EXPECT_EQ(0, mig_prepare(&self->nl, 60, ids[0], &prep))
		TH_LOG("%s", self->nl.extack);
	/* That made room by dropping the oldest ended record. */
	EXPECT_EQ(evicted + 1, tk_stat("migrations_evicted"));
	EXPECT_EQ(TVM_MIG_MAX, tk_stat("migrations"));
	EXPECT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_ABORT, ids[0], NULL,
			     &prep));
	free(l);
}

/* Malformed requests: the attributes each command takes, strictly. */
TEST_F(mig, requests_checked_strictly)
{
	struct tmsg m;
	uint32_t id;

	NEED_TVM();
	ASSERT_VM_NEW("mig-req", 0, 0, &id);
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put_u32(&m, TVM_A_MIG_FD, 0);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_EXTACK("PREPARE blob");
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_IMPORT, 0);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_IMPORT, 0);
	tmsg_put_u32(&m, TVM_A_MIG_FD, 999);
	EXPECT_EQ(-EBADF, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_COMMIT, 0);
	tmsg_put(&m, TVM_A_MIG_ID, "short", 5);
	EXPECT_EQ(-ERANGE, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_COMMIT, 0);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_ABORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_PREPARE, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	/* A file not open for writing. */
	tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put(&m, TVM_A_MIG_BLOB, "x", 1);
	tmsg_put_u32(&m, TVM_A_MIG_FD, open("/proc/self/status", O_RDONLY));
	EXPECT_EQ(-EBADF, tnl_call(&self->nl, &m, NULL, NULL));
	/* BIND: a migration id with a name is contradictory. */
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put_str(&m, TVM_A_VM_NAME, "x");
	tmsg_put(&m, TVM_A_MIG_ID, "0123456789abcdef", 16);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	tmsg_init(&m, &self->nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put(&m, TVM_A_MIG_ID, "0123456789abcdef", 16);
	EXPECT_EQ(-ENOENT, tnl_call(&self->nl, &m, NULL, NULL));
}

static int bind_mig(struct tnl *nl, const uint8_t *id)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	tmsg_put(&m, TVM_A_MIG_ID, id, 16);
	return tnl_call(nl, &m, NULL, NULL);
}

/* A guest that counts at KVM_T_COUNTER and writes it to KVM_T_PORT. */
static int kvm_guest(struct kvm_vm *k)
{
	int ret = kvm_vm_add_slot(k, 0, 0, 0, 0x10000);

	if (ret)
		return ret;
	memcpy(kvm_vm_gpa(k, KVM_T_ENTRY), kvm_t_guest_out_loop,
	       sizeof(kvm_t_guest_out_loop));
	return kvm_vm_add_vcpu(k, 0, KVM_T_ENTRY);
}

/*
 * A KVM VM: exported, KVM_RUN is refused (EACCES); an incoming VMM's KVM
 * VM takes the imported instance (not launched again) and runs only
 * after COMMIT.
 */
TEST_F(mig, kvm_vm_frozen_and_incoming)
{
	struct tvm_log log = {};
	struct kvm_vm a, b;
	struct blob prep, rcpt;
	struct vm_info v, vi;
	struct tk_vm t;
	size_t i;
	uint8_t id[16];
	uint32_t dst;
	int fd;

	NEED_TVM();
	if (access("/sys/module/tvm_kvm", F_OK) || access("/dev/kvm", R_OK | W_OK))
		SKIP(return, "no tvm_kvm or /dev/kvm");
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-kvm", NULL, 0));
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), "mig-kvm"));
	ASSERT_EQ(0, kvm_vm_create(&a));
	ASSERT_EQ(0, kvm_guest(&a));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &t));
	EXPECT_EQ(0, kvm_vm_run(&a, 0));	/* launched: audit, runs */
	ASSERT_EQ(0, vm_info(&self->nl, t.id, &v));

	ASSERT_EQ(0, mig_prepare(&self->nl, 0, id, &prep));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, t.id, prep.b, prep.len, fd, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EACCES, kvm_vm_run(&a, 0));
	/* Its VMM's configuration changes are not measured either. */
	EXPECT_EQ(0, kvm_vm_add_slot(&a, 1, 0, 0x100000, 0x1000));
	ASSERT_EQ(0, vm_info(&self->nl, t.id, &vi));
	EXPECT_EQ(v.log_count + 1, vi.log_count);	/* the OUT event only */

	/* The incoming VMM: this process again, binding the migration. */
	ASSERT_EQ(0, mig_import(&self->nl, fd, &dst)) TH_LOG("%s", self->nl.extack);
	close(fd);
	EXPECT_EQ(-ENOENT, bind_mig(&self->nl, (uint8_t [16]){ 7 }));
	ASSERT_EQ(0, bind_mig(&self->nl, id)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EBUSY, bind_mig(&self->nl, id));
	ASSERT_EQ(0, kvm_vm_create(&b));
	ASSERT_EQ(0, vm_info(&self->nl, dst, &vi));
	EXPECT_TRUE(vi.kvm);
	EXPECT_EQ(v.trust, vi.trust);	/* launched on the source, not here */
	ASSERT_EQ(0, kvm_guest(&b));
	EXPECT_EQ(-EACCES, kvm_vm_run(&b, 0));
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, id, NULL, &rcpt))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, kvm_vm_run(&b, 0));
	ASSERT_EQ(0, vm_info(&self->nl, dst, &vi));
	EXPECT_EQ(v.trust, vi.trust);
	/*
	 * Not launched again: after the IN event (source's events, OUT, IN)
	 * only its VMM (PCR 8) and configuration (PCR 12), no memory (PCR 9).
	 */
	ASSERT_EQ(0, tvm_log_dump(&self->nl, dst, v.log_count + 1, &log));
	ASSERT_LT(1u, log.n);
	EXPECT_TRUE(is_mig_event(&log.ev[0], TVM_EV_MIG_IN, id, self->host_a,
				 self->host_a));
	for (i = 1; i < log.n; i++)
		EXPECT_NE((uint32_t)TVM_PCR_OS, log.ev[i].pcr) TH_LOG("event %zu", i);
	tvm_log_free(&log);
	ASSERT_EQ(0, mig_end(&self->nl, TVM_CMD_MIGRATE_COMMIT, NULL, &rcpt,
			     NULL)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EACCES, kvm_vm_run(&a, 0));
	kvm_vm_destroy(&a);
	kvm_vm_destroy(&b);
	tk_policy_delete(&self->nl, "mig-kvm");
}

/*
 * A KVM VM exported before its first KVM_RUN is not launched by the
 * refused run: once the override lets it go on, its first run launches
 * it (memory into PCR 9, trust no longer PENDING).
 */
TEST_F(mig, kvm_vm_exported_before_launch_is_launched_after_resume)
{
	struct tvm_log log = {};
	struct blob prep;
	struct vm_info v;
	struct kvm_vm a;
	struct tk_vm t;
	bool pcr9 = false;
	size_t i;
	int fd;

	NEED_TVM();
	if (access("/sys/module/tvm_kvm", F_OK) || access("/dev/kvm", R_OK | W_OK))
		SKIP(return, "no tvm_kvm or /dev/kvm");
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-kvm-early", NULL, 0));
	ASSERT_EQ(0, tk_vm_bind(&self->nl, getpid(), "mig-kvm-early"));
	ASSERT_EQ(0, kvm_vm_create(&a));
	ASSERT_EQ(0, kvm_guest(&a));
	ASSERT_EQ(0, tk_vm_of(&self->nl, getpid(), &t));
	ASSERT_EQ(0, mig_prepare(&self->nl, 0, NULL, &prep));
	fd = new_file();
	ASSERT_EQ(0, mig_export(&self->nl, t.id, prep.b, prep.len, fd, NULL))
		TH_LOG("%s", self->nl.extack);
	close(fd);
	EXPECT_EQ(-EACCES, kvm_vm_run(&a, 0));
	ASSERT_EQ(0, vm_info(&self->nl, t.id, &v));
	EXPECT_EQ((uint32_t)TVM_TRUST_PENDING, v.trust);
	ASSERT_EQ(0, mig_override(&self->nl, t.id)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, kvm_vm_run(&a, 0));
	ASSERT_EQ(0, vm_info(&self->nl, t.id, &v));
	EXPECT_NE((uint32_t)TVM_TRUST_PENDING, v.trust);
	ASSERT_EQ(0, tvm_log_dump(&self->nl, t.id, 0, &log));
	for (i = 0; i < log.n; i++)
		if (log.ev[i].pcr == TVM_PCR_OS)
			pcr9 = true;
	EXPECT_TRUE(pcr9);
	tvm_log_free(&log);
	kvm_vm_destroy(&a);
	tk_policy_delete(&self->nl, "mig-kvm-early");
}

TEST_HARNESS_MAIN
