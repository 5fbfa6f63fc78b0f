// SPDX-License-Identifier: GPL-2.0
/*
 * The golden migration blobs of version 1 (tests/golden/mig/v1, their
 * README; Documentation/migration.rst, "Versions and golden blobs") against
 * this tvm.ko, over raw netlink.  The host's attestation key is the fixed
 * test key that signed them, and its own peer, as when they were made:
 *
 * - the golden PREPARE blob is taken by EXPORT: it freezes a fresh VM and
 *   gives an EXPORT blob whose fields sit at the documented offsets;
 * - the golden EXPORT blob and receipts pass the format, version and
 *   signature checks, and are refused only as migration.rst's "Errors"
 *   and table say for a blob of no migration here (ENOENT) or of another
 *   migration (EXDEV), changing nothing;
 * - each of them at version 0 and 2, signed again by the test key so that
 *   only the version is wrong, is refused with EPROTONOSUPPORT and a
 *   message naming both versions; at an unknown kind, with EBADMSG;
 * - tvmctl says so, and exits 1.
 *
 * The golden PREPARE blob's id can be exported once per boot of tvm.ko:
 * the source record it leaves refuses it again (ESTALE, "this PREPARE
 * was used").  A second run in one boot skips what needs a fresh record.
 */

#include <fcntl.h>
#include <libgen.h>
#include <linux/keyctl.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "tvm_crypto.h"
#include "tvm_kvm.h"
#include "../kselftest_harness.h"

#define WORK	"/tmp/tvm-mig-golden-test"
#define AK_DESC	"tvm-mig-golden-test:ak"
#define AK_FILE	"TEST-ONLY-ak.pk8"

/* The blobs (migration.rst, "Blobs"). */
#define HEAD		16
#define PREPARE_BODY	376
#define EXPORT_FIXED	196
#define RECEIPT_BODY	128
#define SIG_LEN		256

/* The host id of the test key (tests/golden/mig/README). */
static const char golden_host[] =
	"7d7f9ea3a5022d31dc0f12f41c4d35cbfada723b9104c1c4813bef18a39e4b22";

struct gblob {
	uint8_t b[16384];
	int len;
};

enum { G_PREPARE, G_EXPORT, G_COMMIT, G_ABORT, G_N };

static const char *const gfile[G_N] = {
	"prepare.bin", "export.bin", "commit.bin", "abort.bin",
};

/* A golden blob's file name; GCC cannot see that i < G_N in messages. */
static const char *gname(int i)
{
	return i >= 0 && i < G_N ? gfile[i] : "?";
}

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/*
 * Where the golden files are: $TVM_GOLDEN_DIR, else mig_golden/ beside
 * this program (the selftests' Makefile installs them there).
 */
static const char *golden_dir(void)
{
	static char dir[4096];
	char exe[4096];
	ssize_t n;

	if (getenv("TVM_GOLDEN_DIR"))
		return getenv("TVM_GOLDEN_DIR");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return "mig_golden";
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/mig_golden", dirname(exe));
	return dir;
}

/* tvmctl: $TVMCTL, else the one built beside the selftests. */
static const char *tvmctl_path(void)
{
	static char path[4096];
	char exe[4096];
	ssize_t n;

	if (getenv("TVMCTL"))
		return getenv("TVMCTL");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return "tvmctl";
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/../tvmctl", dirname(exe));
	return access(path, X_OK) ? "tvmctl" : path;
}

static int file_load(const char *dir, const char *name, struct gblob *g)
{
	char path[4200];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	n = fread(g->b, 1, sizeof(g->b), f);
	fclose(f);
	if (n == sizeof(g->b))
		return -EFBIG;
	g->len = (int)n;
	return 0;
}

static EVP_PKEY *test_key(void)
{
	char path[4200];
	EVP_PKEY *pkey = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" AK_FILE, golden_dir());
	f = fopen(path, "rb");
	if (f) {
		pkey = d2i_PrivateKey_fp(f, NULL);
		fclose(f);
	}
	return pkey;
}

/* The host id of the test key: SHA-256 of its DER RSAPublicKey; 0 or -1. */
static int test_host_id(uint8_t id[TVM_MIG_HOST_ID_SIZE])
{
	EVP_PKEY *pkey = test_key();
	unsigned char *der = NULL;
	int len = -1;

	if (pkey)
		len = i2d_PublicKey(pkey, &der);
	EVP_PKEY_free(pkey);
	if (len <= 0)
		return -1;
	len = md(TVM_BANK_SHA256, der, (size_t)len, id) < 0 ? -1 : 0;
	OPENSSL_free(der);
	return len;
}

/*
 * Sign blob @g again with the test key, over its header and body as they
 * are now (its body length is the header's): only what the caller
 * changed differs from a blob the kernel made.  0 or -1.
 */
static int resign(struct gblob *g)
{
	EVP_PKEY *pkey = test_key();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t at = HEAD + be32(g->b + 8), sig_len = SIG_LEN;
	int ok;

	ok = pkey && ctx && at + 2 + SIG_LEN <= sizeof(g->b) &&
	     EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) > 0 &&
	     EVP_DigestSign(ctx, g->b + at + 2, &sig_len, g->b, at) > 0 &&
	     sig_len == SIG_LEN;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	if (!ok)
		return -1;
	g->b[at] = SIG_LEN >> 8;
	g->b[at + 1] = SIG_LEN & 0xff;
	g->len = (int)(at + 2 + SIG_LEN);
	return 0;
}

/* Whether the signature at the end of blob @b verifies with the test key. */
static bool signed_by_test_key(const uint8_t *b, size_t len)
{
	EVP_PKEY *pkey = test_key();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t at = HEAD + be32(b + 8);
	bool ok;

	ok = pkey && ctx && at + 2 <= len &&
	     at + 2 + be16(b + at) == len &&
	     EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) > 0 &&
	     EVP_DigestVerify(ctx, b + at + 2, be16(b + at), b, at) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}

/* --- the migration commands ------------------------------------------------ */

static int mig_cmd(struct tnl *nl, uint8_t cmd, const struct gblob *g)
{
	struct tmsg m;

	tmsg_init(&m, nl, cmd, 0);
	tmsg_put(&m, TVM_A_MIG_BLOB, g->b, g->len);
	return tnl_call(nl, &m, NULL, NULL);
}

static int size_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_MIG_SIZE);

	if (a)
		*(uint64_t *)arg = tattr_u64(a);
	return 0;
}

/* EXPORT VM @vm for PREPARE blob @g into the file @fd; its size in *@size. */
static int mig_export(struct tnl *nl, uint32_t vm, const struct gblob *g,
		      int fd, uint64_t *size)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	tmsg_put(&m, TVM_A_MIG_BLOB, g->b, g->len);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	return tnl_call(nl, &m, size_cb, size);
}

/* IMPORT the EXPORT blob @g (through a memfd, as tvmctl does). */
static int mig_import(struct tnl *nl, const struct gblob *g)
{
	struct tmsg m;
	int fd = memfd_create("tvm-golden", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	if (pwrite(fd, g->b, g->len, 0) != g->len) {
		close(fd);
		return -EIO;
	}
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_IMPORT, 0);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	ret = tnl_call(nl, &m, NULL, NULL);
	close(fd);
	return ret;
}

static int mig_override(struct tnl *nl, uint32_t vm)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_ABORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	tmsg_put(&m, TVM_A_MIG_FORCE, NULL, 0);
	return tnl_call(nl, &m, NULL, NULL);
}

/* Blob @i of the golden set to the command that takes it. */
static int golden_send(struct tnl *nl, int i, const struct gblob *g,
		       uint32_t vm, int fd)
{
	uint64_t size;

	switch (i) {
	case G_PREPARE:
		return mig_export(nl, vm, g, fd, &size);
	case G_EXPORT:
		return mig_import(nl, g);
	case G_COMMIT:
		return mig_cmd(nl, TVM_CMD_MIGRATE_COMMIT, g);
	default:
		return mig_cmd(nl, TVM_CMD_MIGRATE_ABORT, g);
	}
}

/* The records: "id role state" per record, sorted; what nothing changes. */
struct records {
	char text[(TVM_MIG_MAX + 8) * 48];
	size_t len;
};

static int records_cb(const struct nlmsghdr *h, void *arg)
{
	struct records *r = arg;
	const struct nlattr *id = tmsg_attr(h, TVM_A_MIG_ID);
	const struct nlattr *role = tmsg_attr(h, TVM_A_MIG_ROLE);
	const struct nlattr *state = tmsg_attr(h, TVM_A_MIG_STATE);
	char hexid[2 * TVM_MIG_ID_SIZE + 1];

	if (!id || !role || !state || r->len + 48 > sizeof(r->text))
		return 0;
	r->len += snprintf(r->text + r->len, sizeof(r->text) - r->len,
			   "%s %u %u\n", hex(tattr_data(id), 16, hexid),
			   tattr_u32(role), tattr_u32(state));
	return 0;
}

static int records(struct tnl *nl, struct records *r)
{
	struct tmsg m;

	r->len = 0;
	r->text[0] = '\0';
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_GET, NLM_F_DUMP);
	return tnl_call(nl, &m, records_cb, r);
}

/* The state of record (@id, @role): "-1" when there is none. */
static int mig_state(struct tnl *nl, const uint8_t *id, uint32_t role)
{
	static struct records r;
	char want[2 * TVM_MIG_ID_SIZE + 16], *line;
	unsigned int state;

	if (records(nl, &r))
		return -2;
	hex(id, 16, want);
	snprintf(want + 32, sizeof(want) - 32, " %u ", role);
	line = strstr(r.text, want);
	if (!line || sscanf(line + strlen(want), "%u", &state) != 1)
		return -1;
	return (int)state;
}

/* What a VM shows that a refused blob must not change. */
struct vm_view {
	int migration;		/* -1: none */
	uint64_t log_count;
};

static int vm_view_cb(const struct nlmsghdr *h, void *arg)
{
	struct vm_view *v = arg;
	const struct nlattr *a;

	v->migration = -1;
	if ((a = tmsg_attr(h, TVM_A_VM_MIGRATION)))
		v->migration = (int)tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_COUNT)))
		v->log_count = tattr_u64(a);
	return 0;
}

static int vm_view(struct tnl *nl, uint32_t id, struct vm_view *v)
{
	return tvm_vm_call(nl, TVM_CMD_VM_GET, id, vm_view_cb, v);
}

/* A policy for VM @name that lets it migrate to any peer. */
static int mig_policy(struct tnl *nl, const char *name)
{
	struct tmsg *m = malloc(sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	tk_policy_begin(m, nl, name, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

/* --- the fixture ------------------------------------------------------------- */

FIXTURE(golden) {
	struct tnl nl;
	struct tvm_vms vms;
	uint8_t host[TVM_MIG_HOST_ID_SIZE];
	struct gblob g[G_N];
	long ring, peer;	/* the test key in .tvm_migration */
	bool no_tvm;
};

FIXTURE_SETUP(golden)
{
	char out[4096], hexid[65], path[4200];
	const char *dir = golden_dir();
	int i;

	TVM_SETUP_NL();
	for (i = 0; i < G_N; i++)
		ASSERT_EQ(0, file_load(dir, gfile[i], &self->g[i]))
			TH_LOG("golden blob %s/%s", dir, gname(i));
	ASSERT_EQ(0, test_host_id(self->host));
	ASSERT_STREQ(golden_host, hex(self->host, 32, hexid));

	/* The test key: this host's AK, and its own peer. */
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	snprintf(path, sizeof(path), "%s/" AK_FILE, dir);
	ASSERT_LT(0, tvm_add_key_file(AK_DESC, path, KEY_SPEC_SESSION_KEYRING));
	mkdir(WORK, 0700);
	ASSERT_EQ(0, run(out, sizeof(out),
		"cd " WORK " && printf '[req]\\ndistinguished_name = dn\\n[dn]\\n"
		"[v3]\\nsubjectKeyIdentifier = hash\\n' > req.cnf && "
		"openssl pkey -inform DER -in '%s' -out ak.pem && "
		"openssl req -x509 -new -key ak.pem -subj /CN=tvm-golden-test "
		"-days 1 -config req.cnf -extensions v3 -outform DER -out ak.der",
		path)) TH_LOG("%s", out);
	self->ring = tvm_keyring_serial(TVM_MIGRATION_KEYRING);
	ASSERT_LT(0, self->ring) TH_LOG("no %s keyring", TVM_MIGRATION_KEYRING);
	self->peer = tvm_add_key_file(hexid, WORK "/ak.der", self->ring);
	ASSERT_LT(0, self->peer);
	ASSERT_EQ(0, tvm_ak_set(&self->nl, AK_DESC)) TH_LOG("%s", self->nl.extack);
}

FIXTURE_TEARDOWN(golden)
{
	if (!self->no_tvm) {
		tvm_vms_delete(&self->nl, &self->vms);
		/* The test key is no peer of this host once the test is over. */
		if (self->peer > 0)
			syscall(SYS_keyctl, KEYCTL_UNLINK, self->peer, self->ring);
		tnl_close(&self->nl);
	}
}

/* The golden id (all four blobs but the ABORT receipt's) and the second. */
#define GOLDEN_ID(self)	((self)->g[G_PREPARE].b + HEAD)
#define SECOND_ID(self)	((self)->g[G_ABORT].b + HEAD)

/* No record of the golden id yet in this boot: else skip the test. */
#define NEED_FRESH_GOLDEN_ID() do {					\
	if (mig_state(&self->nl, GOLDEN_ID(self), TVM_MIG_SOURCE) != -1) \
		SKIP(return, "the golden id was exported in this boot of tvm.ko already"); \
} while (0)

/*
 * Before anything took the golden PREPARE blob: its EXPORT blob and
 * receipts pass the format, version and signature checks and meet no
 * record here: ENOENT, the table's "no such migration" (an EXPORT blob
 * of a host that prepared nothing: "no such prepared id"); nothing
 * changes.
 */
TEST_F(golden, blobs_of_no_migration_here_are_enoent_and_change_nothing)
{
	struct records before, after;
	int i;

	NEED_TVM();
	NEED_FRESH_GOLDEN_ID();
	for (i = G_EXPORT; i < G_N; i++)
		ASSERT_TRUE(signed_by_test_key(self->g[i].b, self->g[i].len))
			TH_LOG("%s", gname(i));
	ASSERT_EQ(0, records(&self->nl, &before));
	for (i = G_EXPORT; i < G_N; i++) {
		EXPECT_EQ(-ENOENT, golden_send(&self->nl, i, &self->g[i], 0, -1))
			TH_LOG("%s: %s", gname(i), self->nl.extack);
		ASSERT_EQ(0, records(&self->nl, &after));
		EXPECT_STREQ(before.text, after.text) TH_LOG("%s", gname(i));
	}
	EXPECT_EQ(-1, mig_state(&self->nl, GOLDEN_ID(self), TVM_MIG_DEST));
	EXPECT_EQ(-1, mig_state(&self->nl, SECOND_ID(self), TVM_MIG_SOURCE));
}

/*
 * The golden PREPARE blob freezes a fresh VM and gives an EXPORT blob as
 * migration.rst lays it out.  Then the golden COMMIT receipt, of another
 * EXPORT blob of that id, is EXDEV; the golden ABORT receipt, of an id
 * this host never exported, and the golden EXPORT blob, of an id it never
 * prepared, ENOENT: the VM stays frozen, its log as it was.
 */
TEST_F(golden, prepare_is_taken_by_export_at_the_documented_offsets)
{
	const struct gblob *prep = &self->g[G_PREPARE];
	struct records before, after;
	struct vm_view v0, v1;
	uint8_t pdig[32], *e;
	uint64_t size = 0, ct_len;
	uint32_t vm, n;
	ssize_t got;
	int fd;

	NEED_TVM();
	NEED_FRESH_GOLDEN_ID();
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-golden")) TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("mig-golden", 0, 0, &vm);
	ASSERT_EQ(0, tvm_extend_data(&self->nl, vm, TVM_PCR_OS, "kernel", 6,
				     NULL));
	ASSERT_EQ(0, tvm_extend_data(&self->nl, vm, TVM_PCR_APP, "app", 3,
				     NULL));
	fd = memfd_create("tvm-golden", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mig_export(&self->nl, vm, prep, fd, &size))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(TVM_MIG_S_FROZEN,
		  mig_state(&self->nl, GOLDEN_ID(self), TVM_MIG_SOURCE));

	ASSERT_LT((uint64_t)HEAD + EXPORT_FIXED + 16 + 2 + SIG_LEN, size);
	e = malloc(size);
	ASSERT_NE(NULL, e);
	got = pread(fd, e, size, 0);
	close(fd);
	ASSERT_EQ((ssize_t)size, got);
	/* The header. */
	EXPECT_EQ(0, memcmp(e, "TVMG", 4));
	EXPECT_EQ(1, be16(e + 4));
	EXPECT_EQ(2, be16(e + 6));
	n = be32(e + 8);
	EXPECT_EQ(size, (uint64_t)HEAD + n + 2 + SIG_LEN);
	EXPECT_EQ(0u, be32(e + 12));
	/* The body: id, source, destination, key, nonce, digest, C. */
	EXPECT_EQ(0, memcmp(e + HEAD, prep->b + HEAD, 16));
	EXPECT_EQ(0, memcmp(e + HEAD + 16, self->host, 32));
	EXPECT_EQ(0, memcmp(e + HEAD + 48, prep->b + HEAD + 16, 32));
	EXPECT_EQ(0, memcmp(e + HEAD + 48, self->host, 32));
	ASSERT_EQ(0, md(TVM_BANK_SHA256, prep->b, prep->len, pdig));
	EXPECT_EQ(0, memcmp(e + HEAD + 156, pdig, 32));
	ct_len = be64(e + HEAD + 188);
	EXPECT_EQ((uint64_t)n - EXPORT_FIXED, ct_len);
	EXPECT_LT(16u, ct_len);
	/* The signature: L, then this host's (the test key's). */
	EXPECT_EQ(SIG_LEN, be16(e + HEAD + n));
	EXPECT_TRUE(signed_by_test_key(e, size));
	free(e);

	ASSERT_EQ(0, vm_view(&self->nl, vm, &v0));
	EXPECT_EQ(TVM_MIG_S_FROZEN, v0.migration);
	ASSERT_EQ(0, records(&self->nl, &before));
	EXPECT_EQ(-EXDEV, golden_send(&self->nl, G_COMMIT,
				      &self->g[G_COMMIT], 0, -1))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EXTACK("another EXPORT blob");
	EXPECT_EQ(-ENOENT, golden_send(&self->nl, G_ABORT, &self->g[G_ABORT],
				       0, -1)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-ENOENT, golden_send(&self->nl, G_EXPORT,
				       &self->g[G_EXPORT], 0, -1))
		TH_LOG("%s", self->nl.extack);
	/* The PREPARE blob again: used (the table's S_FROZEN EXPORT). */
	fd = memfd_create("tvm-golden", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ESTALE, mig_export(&self->nl, vm, prep, fd, &size))
		TH_LOG("%s", self->nl.extack);
	close(fd);
	ASSERT_EQ(0, records(&self->nl, &after));
	EXPECT_STREQ(before.text, after.text);
	ASSERT_EQ(0, vm_view(&self->nl, vm, &v1));
	EXPECT_EQ(TVM_MIG_S_FROZEN, v1.migration);
	EXPECT_EQ(v0.log_count, v1.log_count);

	/* Unfreeze it (the VM goes at teardown). */
	EXPECT_EQ(0, mig_override(&self->nl, vm)) TH_LOG("%s", self->nl.extack);
}

/* Blob @g at @version, signed again: only its version is wrong. */
static int at_version(struct gblob *g, uint16_t version)
{
	g->b[4] = version >> 8;
	g->b[5] = version & 0xff;
	return resign(g);
}

/*
 * Each golden blob at version 0 and 2, signed again by the test key, to
 * the command that takes it: EPROTONOSUPPORT, with a message naming the
 * version found and the one taken, and nothing changes (the VM given to
 * EXPORT is not frozen).  The same blob at version 1 signed again passes
 * the signature check: the version alone was refused.
 */
TEST_F(golden, other_versions_are_eprotonosupport_naming_both)
{
	static const uint16_t versions[] = { 0, 2 };
	struct records before, after;
	struct vm_view v0, v1;
	char want[128];
	struct gblob *g = malloc(sizeof(*g));
	uint32_t vm;
	int i, j, fd, ret;

	NEED_TVM();
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-golden-v")) TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("mig-golden-v", 0, 0, &vm);
	ASSERT_EQ(0, vm_view(&self->nl, vm, &v0));
	fd = memfd_create("tvm-golden", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, records(&self->nl, &before));
	for (i = 0; i < G_N; i++) {
		for (j = 0; j < 2; j++) {
			*g = self->g[i];
			ASSERT_EQ(0, at_version(g, versions[j]));
			ASSERT_TRUE(signed_by_test_key(g->b, g->len));
			ret = golden_send(&self->nl, i, g, vm, fd);
			EXPECT_EQ(-EPROTONOSUPPORT, ret)
				TH_LOG("%s at version %u: %s", gname(i),
				       versions[j], self->nl.extack);
			snprintf(want, sizeof(want),
				 "migration blob version %u not supported: this tvm.ko takes version 1",
				 versions[j]);
			EXPECT_STREQ(want, self->nl.extack);
		}
		/* The control: version 1, signed again, is not refused so. */
		if (i == G_PREPARE)
			continue;	/* it would freeze the VM */
		*g = self->g[i];
		ASSERT_EQ(0, at_version(g, 1));
		ret = golden_send(&self->nl, i, g, vm, fd);
		EXPECT_NE(-EPROTONOSUPPORT, ret) TH_LOG("%s", gname(i));
		EXPECT_NE(-EKEYREJECTED, ret) TH_LOG("%s: %s", gname(i),
						     self->nl.extack);
	}
	/* Later versions: named up to 3, then "4 or above". */
	*g = self->g[G_ABORT];
	ASSERT_EQ(0, at_version(g, 3));
	EXPECT_EQ(-EPROTONOSUPPORT, golden_send(&self->nl, G_ABORT, g, vm, fd));
	EXPECT_EXTACK("version 3 not supported: this tvm.ko takes version 1");
	ASSERT_EQ(0, at_version(g, 0x0100));
	EXPECT_EQ(-EPROTONOSUPPORT, golden_send(&self->nl, G_ABORT, g, vm, fd));
	EXPECT_EXTACK("version 4 or above not supported: this tvm.ko takes version 1");
	close(fd);
	ASSERT_EQ(0, records(&self->nl, &after));
	EXPECT_STREQ(before.text, after.text);
	ASSERT_EQ(0, vm_view(&self->nl, vm, &v1));
	EXPECT_EQ(-1, v1.migration);
	EXPECT_EQ(v0.log_count, v1.log_count);
	free(g);
}

/*
 * An unknown kind (0, 5), signed again, or a golden blob given to a
 * command that takes another kind: EBADMSG, nothing changes.
 */
TEST_F(golden, unknown_or_other_kind_is_ebadmsg)
{
	static const uint16_t kinds[] = { 0, 5, 0xffff };
	struct records before, after;
	struct gblob *g = malloc(sizeof(*g));
	uint32_t vm;
	int i, j, fd;

	NEED_TVM();
	ASSERT_NE(NULL, g);
	ASSERT_EQ(0, mig_policy(&self->nl, "mig-golden-k")) TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW("mig-golden-k", 0, 0, &vm);
	fd = memfd_create("tvm-golden", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, records(&self->nl, &before));
	for (i = 0; i < G_N; i++) {
		for (j = 0; j < 3; j++) {
			*g = self->g[i];
			g->b[6] = kinds[j] >> 8;
			g->b[7] = kinds[j] & 0xff;
			ASSERT_EQ(0, resign(g));
			EXPECT_EQ(-EBADMSG, golden_send(&self->nl, i, g, vm, fd))
				TH_LOG("%s as kind %u: %s", gname(i), kinds[j],
				       self->nl.extack);
			EXPECT_EXTACK("of a kind this command does not take");
		}
		/* The next golden blob, as it is, to this one's command. */
		EXPECT_EQ(-EBADMSG, golden_send(&self->nl, i,
						&self->g[(i + 1) % G_N], vm, fd))
			TH_LOG("%s to %s's command: %s", gname((i + 1) % G_N),
			       gname(i), self->nl.extack);
	}
	close(fd);
	ASSERT_EQ(0, records(&self->nl, &after));
	EXPECT_STREQ(before.text, after.text);
	free(g);
}

/* Write @g to WORK/@name; 0 or -1. */
static int file_save(const char *name, const struct gblob *g)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), WORK "/%s", name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(g->b, 1, g->len, f) == (size_t)g->len;
	return fclose(f) || !ok ? -1 : 0;
}

/*
 * tvmctl migrate export and import of a blob of another version: exit 1,
 * and standard error says the kernel's message, the errno and what it
 * means; no blob is written.
 */
TEST_F(golden, tvmctl_names_the_wrong_version_and_exits_1)
{
	struct gblob *g = malloc(sizeof(*g));
	char out[8192];
	uint32_t vm;
	int ret;

	NEED_TVM();
	ASSERT_NE(NULL, g);
	ASSERT_VM_NEW("mig-golden-cli", 0, 0, &vm);
	*g = self->g[G_PREPARE];
	ASSERT_EQ(0, at_version(g, 2));
	ASSERT_EQ(0, file_save("prepare-v2.bin", g));
	*g = self->g[G_EXPORT];
	ASSERT_EQ(0, at_version(g, 0));
	ASSERT_EQ(0, file_save("export-v0.bin", g));
	unlink(WORK "/out.bin");

	ret = run(out, sizeof(out),
		  "%s migrate export mig-golden-cli -i " WORK "/prepare-v2.bin -o "
		  WORK "/out.bin", tvmctl_path());
	EXPECT_EQ(1, ret) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "exporting VM 'mig-golden-cli': migration blob version 2 not supported: this tvm.ko takes version 1 (Protocol not supported): the blob's version is not one this tvm.ko takes"))
		TH_LOG("%s", out);
	EXPECT_NE(0, access(WORK "/out.bin", F_OK));

	ret = run(out, sizeof(out), "%s migrate import -i " WORK "/export-v0.bin",
		  tvmctl_path());
	EXPECT_EQ(1, ret) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "importing a VM: migration blob version 0 not supported: this tvm.ko takes version 1 (Protocol not supported)"))
		TH_LOG("%s", out);
	free(g);
}

TEST_HARNESS_MAIN
