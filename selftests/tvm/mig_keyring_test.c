// SPDX-License-Identifier: GPL-2.0
/*
 * The .tvm_migration keyring as tvm's signature checks read it
 * (tvm_mig_verify(), Documentation/migration.rst): a peer's key counts
 * only when it is filed under that peer's own host id.  On one host that
 * is its own peer, EXPORT checks the PREPARE blob this host signed:
 * with another RSA key's certificate filed under this host's id it fails
 * with EKEYREJECTED ("another key") and nothing is frozen; with nothing
 * filed, ENOKEY; with the AK's own certificate, it goes through.  Needs
 * the migration commands: skips without them.
 */

#include <linux/keyctl.h>
#include <openssl/pem.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "tvm_crypto.h"
#include "tvm_kvm.h"
#include "../kselftest_harness.h"

#define WORK "/tmp/tvm-mig-keyring-test"
#define VM_NAME "mig-kr"

struct blob {
	uint8_t b[TVM_MIG_BLOB_MAX];
	int len;
};

static int blob_cb(const struct nlmsghdr *h, void *arg)
{
	struct blob *b = arg;

	tattr_copy(tmsg_attr(h, TVM_A_MIG_BLOB), b->b, sizeof(b->b), &b->len);
	return 0;
}

/* Unlink every key described @desc from @ring. */
static void unfile(long ring, const char *desc)
{
	int32_t keys[256];
	char d[512], *p;
	long n, i;
	int f;

	n = syscall(SYS_keyctl, KEYCTL_READ, ring, keys, sizeof(keys));
	if (n < 0)
		return;
	if (n > (long)sizeof(keys))
		n = sizeof(keys);
	for (i = 0; i < n / (long)sizeof(keys[0]); i++) {
		if (syscall(SYS_keyctl, KEYCTL_DESCRIBE, keys[i], d,
			    sizeof(d)) < 0)
			continue;
		d[sizeof(d) - 1] = '\0';
		for (p = d, f = 0; f < 4 && p; f++)
			if ((p = strchr(p, ';')))
				p++;
		if (p && !strcmp(p, desc))
			syscall(SYS_keyctl, KEYCTL_UNLINK, keys[i], ring);
	}
}

/* The host id of WORK/@k.pem: SHA-256 of its DER RSAPublicKey; 0 or -1. */
static int host_id(const char *k, uint8_t id[32])
{
	unsigned char *der = NULL;
	EVP_PKEY *pkey = NULL;
	char path[128];
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

static int export(struct tnl *nl, uint32_t vm, const struct blob *b)
{
	struct tmsg m;
	int fd, ret;

	fd = memfd_create("tvm-mig", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, vm);
	tmsg_put(&m, TVM_A_MIG_BLOB, b->b, b->len);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	ret = tnl_call(nl, &m, NULL, NULL);
	close(fd);
	return ret;
}

FIXTURE(mig_keyring) {
	struct tnl nl;
	struct tvm_vms vms;
	uint8_t host[32];
	char host_hex[65];
	long ring;
	uint32_t vm;
	struct blob prepare;
	bool no_tvm, exported;
};

#define KEYGEN(k)							\
	"[ -s " k ".pk8 ] || { "					\
	"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " k ".pem && " \
	"openssl pkcs8 -topk8 -nocrypt -in " k ".pem -outform DER -out " k ".pk8 && " \
	"openssl req -x509 -new -key " k ".pem -subj /CN=" k " -days 1 " \
	"-config req.cnf -outform DER -out " k ".der; } && "

FIXTURE_SETUP(mig_keyring)
{
	struct tmsg *m;
	char out[4096];
	int ret;

	TVM_SETUP_NL();
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	mkdir(WORK, 0700);
	ASSERT_EQ(0, run(out, sizeof(out),
		"(cd " WORK " && printf '[req]\\ndistinguished_name = dn\\n[dn]\\n'"
		" > req.cnf && " KEYGEN("ak") KEYGEN("other") "true)"))
		TH_LOG("%s", out);
	ASSERT_LT(0, tvm_add_key_file("tvm-mig-keyring-test:ak", WORK "/ak.pk8",
				  KEY_SPEC_SESSION_KEYRING));
	ASSERT_EQ(0, host_id("ak", self->host));
	hex(self->host, 32, self->host_hex);
	self->ring = tvm_keyring_serial(TVM_MIGRATION_KEYRING);
	ASSERT_LT(0, self->ring) TH_LOG("no %s keyring", TVM_MIGRATION_KEYRING);
	unfile(self->ring, self->host_hex);

	m = malloc(sizeof(*m));
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, tvm_ak_set(&self->nl, "tvm-mig-keyring-test:ak"))
		TH_LOG("%s", self->nl.extack);

	/* This host prepares; the blob is signed by its AK. */
	tmsg_init(m, &self->nl, TVM_CMD_MIGRATE_PREPARE, 0);
	ret = tnl_call(&self->nl, m, blob_cb, &self->prepare);
	if (ret == -EOPNOTSUPP) {
		free(m);
		self->no_tvm = true;
		tnl_close(&self->nl);
		SKIP(return, "tvm.ko has no migration commands");
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", self->nl.extack);
	ASSERT_LT(16, self->prepare.len);

	/* A VM whose policy lets it go to any host in the keyring. */
	tk_policy_begin(m, &self->nl, VM_NAME, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(&self->nl, m, NULL, NULL);
	free(m);
	ASSERT_EQ(0, ret) TH_LOG("%s", self->nl.extack);
	ASSERT_VM_NEW(VM_NAME, 0, 0, &self->vm);
}

FIXTURE_TEARDOWN(mig_keyring)
{
	struct tmsg m;

	if (self->no_tvm)
		return;
	if (self->exported) {
		tmsg_init(&m, &self->nl, TVM_CMD_MIGRATE_ABORT, 0);
		tmsg_put_u32(&m, TVM_A_VM_ID, self->vm);
		tmsg_put(&m, TVM_A_MIG_FORCE, NULL, 0);
		tnl_call(&self->nl, &m, NULL, NULL);
	}
	tvm_vms_delete(&self->nl, &self->vms);
	tk_policy_delete(&self->nl, VM_NAME);
	unfile(self->ring, self->host_hex);
	tnl_close(&self->nl);
}

TEST_F(mig_keyring, verify_needs_the_key_filed_under_its_own_id)
{
	NEED_TVM();

	/* Another RSA key under this host's id: the keyring takes it ... */
	ASSERT_LT(0, tvm_add_key_file(self->host_hex, WORK "/other.der",
				      self->ring));
	/* ... and the check refuses it, freezing nothing. */
	EXPECT_EQ(-EKEYREJECTED, export(&self->nl, self->vm, &self->prepare));
	EXPECT_EXTACK("another key");
	EXPECT_EQ(0, tvm_extend_data(&self->nl, self->vm, TVM_PCR_APP, "a", 1,
				     NULL)) TH_LOG("%s", self->nl.extack);

	/* Nothing filed under the id: ENOKEY. */
	unfile(self->ring, self->host_hex);
	EXPECT_EQ(-ENOKEY, export(&self->nl, self->vm, &self->prepare));
	EXPECT_EQ(0, tvm_extend_data(&self->nl, self->vm, TVM_PCR_APP, "b", 1,
				     NULL)) TH_LOG("%s", self->nl.extack);

	/* The AK's own certificate: the same blob goes through. */
	ASSERT_LT(0, tvm_add_key_file(self->host_hex, WORK "/ak.der", self->ring));
	EXPECT_EQ(0, export(&self->nl, self->vm, &self->prepare))
		TH_LOG("%s", self->nl.extack);
	self->exported = true;
}

TEST_HARNESS_MAIN
