// SPDX-License-Identifier: GPL-2.0
/*
 * Conformance of the kernel to the migration's transition table
 * (Documentation/migration.rst), driven from the generated table itself
 * (kernel/lib/mig_table.h): for every row that can happen (result not
 * "-"), a fresh record is brought to the row's state along the table's
 * own successful transitions, the row's action is performed, and the
 * errno and the record's state after (TVM_CMD_MIGRATE_GET, and
 * TVM_A_VM_MIGRATION of the VM) must be the row's.  A row added to the
 * document is covered without a change here; a row whose action this
 * test cannot perform fails.
 *
 * One host migrates to itself: its attestation key signs every blob, and
 * its own public key is in its own .tvm_migration keyring, filed under
 * its host id.  The VM's policy has a migration section naming that
 * host.  Blobs the protocol cannot produce for a row (a COMMIT receipt
 * for an id the source never exported, an ABORT receipt after a commit,
 * an EXPORT blob for an id never prepared) are made here and signed with
 * the same key, so that only the table decides the result.  RUN is a
 * real KVM_RUN of a KVM VM that holds the record's instance.
 */

#include <linux/keyctl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "tvm_test.h"
#include "tvm_crypto.h"
#include "tvm_kvm.h"
#include "mig_lts.h"
#include "mig_table.h"
#include "../kselftest_harness.h"

#define WORK	"/tmp/tvm-migrate-lts-test"
#define AK_DESC	"tvm-migrate-lts-test:ak"
#define VM_NAME	"mig-lts"

/* Blob kinds and sizes (Documentation/migration.rst, "Blobs"). */
#define BLOB_HDR	16
#define KIND_EXPORT	2
#define KIND_COMMIT	3
#define KIND_ABORT	4
#define RCPT_BODY	(16 + 32 + 32 + 32 + 16)

struct blob {
	uint8_t b[TVM_MIG_BLOB_MAX];
	size_t len;
};

/* The world of one row: a source VM, a migration id, its blobs. */
struct ctx {
	enum tvm_mig_action act;	/* the row's action */
	uint32_t vm;			/* the source VM */
	uint8_t uuid[TVM_UUID_SIZE];	/* its UUID */
	bool vm_up;
	bool on_way;			/* bringing the record to the row's state */
	bool kvm;			/* the source VM is a KVM VM */
	struct kvm_vm skvm, dkvm;	/* the source's, the destination's */
	bool skvm_up, dkvm_up;
	uint8_t id[TVM_MIG_ID_SIZE];	/* prepared, or random */
	bool prepared, exported, imported, committed, aborted;
	uint32_t ttl;
	struct blob prep, commit_rcpt, abort_rcpt;
	int efd;			/* the EXPORT blob */
	uint32_t dvm;			/* the imported instance */
};

/* --- the host's key, its id, the keyrings -------------------------------- */

static uint8_t host_id[TVM_MIG_HOST_ID_SIZE];

static EVP_PKEY *ak_key(void)
{
	EVP_PKEY *pkey = NULL;
	FILE *f = fopen(WORK "/ak.pem", "r");

	if (f) {
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return pkey;
}

/* SHA-256 of the AK's DER RSAPublicKey: the host id; 0 or -1. */
static int ak_host_id(uint8_t id[TVM_MIG_HOST_ID_SIZE])
{
	EVP_PKEY *pkey = ak_key();
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

/* Append to @b (header and body so far) the AK's signature of it. */
static int ak_sign(struct blob *b)
{
	EVP_PKEY *pkey = ak_key();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sig_len = sizeof(b->b) - b->len - 2;
	int ok;

	ok = pkey && ctx &&
	     EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) > 0 &&
	     EVP_DigestSign(ctx, b->b + b->len + 2, &sig_len, b->b,
			    b->len) > 0;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	if (!ok)
		return -1;
	b->b[b->len] = sig_len >> 8;
	b->b[b->len + 1] = sig_len & 0xff;
	b->len += 2 + sig_len;
	return 0;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static void blob_header(struct blob *b, uint16_t kind, uint32_t body_len)
{
	memcpy(b->b, "TVMG", 4);
	put_be16(b->b + 4, 1);
	put_be16(b->b + 6, kind);
	put_be32(b->b + 8, body_len);
	put_be32(b->b + 12, 0);
}

/* --- netlink ------------------------------------------------------------- */

struct mig_reply {
	uint8_t id[TVM_MIG_ID_SIZE];
	struct blob *blob;
	uint32_t vm;
};

static int mig_cb(const struct nlmsghdr *h, void *arg)
{
	struct mig_reply *r = arg;
	const struct nlattr *a;

	if ((a = tmsg_attr(h, TVM_A_MIG_ID)) &&
	    tattr_len(a) == TVM_MIG_ID_SIZE)
		memcpy(r->id, tattr_data(a), TVM_MIG_ID_SIZE);
	if (r->blob && (a = tmsg_attr(h, TVM_A_MIG_BLOB)) &&
	    tattr_len(a) <= (int)sizeof(r->blob->b)) {
		memcpy(r->blob->b, tattr_data(a), tattr_len(a));
		r->blob->len = tattr_len(a);
	}
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		r->vm = tattr_u32(a);
	return 0;
}

/* What MIGRATE_GET says of (@id, @role): its state, or -1 if absent. */
struct mig_find {
	const uint8_t *id;
	uint32_t role;
	int state;
};

static int mig_find_cb(const struct nlmsghdr *h, void *arg)
{
	struct mig_find *f = arg;
	const struct nlattr *id = tmsg_attr(h, TVM_A_MIG_ID);
	const struct nlattr *role = tmsg_attr(h, TVM_A_MIG_ROLE);
	const struct nlattr *st = tmsg_attr(h, TVM_A_MIG_STATE);

	if (id && role && st && tattr_len(id) == TVM_MIG_ID_SIZE &&
	    !memcmp(tattr_data(id), f->id, TVM_MIG_ID_SIZE) &&
	    tattr_u32(role) == f->role)
		f->state = tattr_u32(st);
	return 0;
}

static int mig_state(struct tnl *nl, const uint8_t *id, uint32_t role,
		     int *state)
{
	struct mig_find f = { .id = id, .role = role, .state = -1 };
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_GET, NLM_F_DUMP);
	ret = tnl_call(nl, &m, mig_find_cb, &f);
	*state = f.state;
	return ret;
}

/* TVM_A_VM_MIGRATION of VM @vm: its value, -1 absent, -2 no such VM. */
static int vm_mig_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_MIGRATION);

	*(int *)arg = a ? (int)tattr_u32(a) : -1;
	return 0;
}

static int vm_migration(struct tnl *nl, uint32_t vm)
{
	int v = -2;

	if (tvm_vm_call(nl, TVM_CMD_VM_GET, vm, vm_mig_cb, &v))
		return -2;
	return v;
}

/* TVM_A_VM_LOG_COUNT of VM @vm (the next sequence number), or -1. */
static int log_count_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_LOG_COUNT);

	if (a)
		*(int64_t *)arg = (int64_t)tattr_u64(a);
	return 0;
}

static int64_t log_count(struct tnl *nl, uint32_t vm)
{
	int64_t n = -1;

	if (tvm_vm_call(nl, TVM_CMD_VM_GET, vm, log_count_cb, &n))
		return -1;
	return n;
}

/* The migration section: the VM may go to this host. */
static int load_policy(struct tnl *nl)
{
	struct tmsg *m = malloc(sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	tmsg_init(m, nl, TVM_CMD_POLICY_LOAD, 0);
	tmsg_nest_start(m, TVM_A_POLICY);
	tmsg_put_u32(m, TVM_A_POLICY_VERSION, TVM_POLICY_VERSION);
	tmsg_put_str(m, TVM_A_POLICY_NAME, VM_NAME);
	tmsg_put_u32(m, TVM_A_POLICY_MODE, TVM_POLICY_AUDIT);
	tmsg_nest_start(m, TVM_A_POLICY_MIGRATION);
	tmsg_put(m, TVM_A_MIGP_PEER, host_id, sizeof(host_id));
	tmsg_nest_end(m);
	tmsg_nest_end(m);
	ret = tnl_call(nl, m, NULL, NULL);
	free(m);
	return ret;
}

static int delete_policy(struct tnl *nl)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_POLICY_DELETE, 0);
	tmsg_nest_start(&m, TVM_A_POLICY);
	tmsg_put_str(&m, TVM_A_POLICY_NAME, VM_NAME);
	tmsg_nest_end(&m);
	return tnl_call(nl, &m, NULL, NULL);
}

/* --- a KVM VM that runs kvm_t_guest -------------------------------------- */

/* Bind this process (to @name, or to migration @id), then make the VM. */
static int kvm_up(struct tnl *nl, struct kvm_vm *vm, const char *name,
		  const uint8_t *id)
{
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, getpid());
	if (name)
		tmsg_put_str(&m, TVM_A_VM_NAME, name);
	else
		tmsg_put(&m, TVM_A_MIG_ID, id, TVM_MIG_ID_SIZE);
	ret = tnl_call(nl, &m, NULL, NULL);
	if (ret)
		return ret;
	ret = kvm_vm_create(vm);
	if (ret)
		return ret;
	ret = kvm_vm_add_slot(vm, 0, 0, 0, 0x10000);
	if (!ret) {
		memcpy(kvm_vm_gpa(vm, KVM_T_ENTRY), kvm_t_guest,
		       sizeof(kvm_t_guest));
		ret = kvm_vm_add_vcpu(vm, 0, KVM_T_ENTRY);
	}
	if (ret)
		kvm_vm_destroy(vm);
	return ret;
}

/* --- the actions ----------------------------------------------------------- */

/*
 * Each action returns its command's result (0 or -errno).  What it needs
 * first (a PREPARE blob, an EXPORT blob, a receipt) it gets from the
 * other side's record, which the row does not judge; a step of that
 * which fails is -EPIPE with a message.
 */
#define NEED(call, what) do {						\
	int _r = (call);						\
									\
	if (_r) {							\
		fprintf(stderr, "#   %s failed: %d (%s)\n", what, _r,	\
			nl->extack);					\
		return -EPIPE;						\
	}								\
} while (0)

static int do_prepare(struct tnl *nl, struct ctx *c)
{
	struct mig_reply r = { .blob = &c->prep };
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_PREPARE, 0);
	if (c->ttl)
		tmsg_put_u32(&m, TVM_A_MIG_TTL, c->ttl);
	ret = tnl_call(nl, &m, mig_cb, &r);
	if (!ret) {
		memcpy(c->id, r.id, TVM_MIG_ID_SIZE);
		c->prepared = true;
	}
	return ret;
}

static int do_export(struct tnl *nl, struct ctx *c)
{
	struct mig_reply r = { 0 };
	struct tmsg m;
	int ret;

	if (!c->prepared)
		NEED(do_prepare(nl, c), "PREPARE");
	if (c->efd < 0)
		c->efd = memfd_create("mig-lts-export", 0);
	if (c->efd < 0)
		return -errno;
	ftruncate(c->efd, 0);
	tmsg_init(&m, nl, TVM_CMD_MIGRATE_EXPORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, c->vm);
	tmsg_put(&m, TVM_A_MIG_BLOB, c->prep.b, c->prep.len);
	tmsg_put_u32(&m, TVM_A_MIG_FD, c->efd);
	ret = tnl_call(nl, &m, mig_cb, &r);
	if (!ret)
		c->exported = true;
	return ret;
}

static int import_fd(struct tnl *nl, int fd, uint32_t *vm)
{
	struct mig_reply r = { 0 };
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_IMPORT, 0);
	tmsg_put_u32(&m, TVM_A_MIG_FD, fd);
	ret = tnl_call(nl, &m, mig_cb, &r);
	if (!ret)
		*vm = r.vm;
	return ret;
}

/* The EXPORT blob of @fd, read whole into a malloc'ed buffer. */
static uint8_t *read_fd(int fd, size_t *len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	uint8_t *p;

	if (size <= 0 || !(p = malloc(size + TVM_SIGNATURE_MAX)))
		return NULL;
	if (pread(fd, p, size, 0) != size) {
		free(p);
		return NULL;
	}
	*len = size;
	return p;
}

/*
 * An EXPORT blob for an id this host never prepared: a real one of
 * another migration (of a VM of its own, which it then unfreezes), its
 * id replaced and signed again.
 */
static int import_unknown(struct tnl *nl, struct ctx *c)
{
	struct ctx o = { .efd = -1 };
	struct blob *b = NULL;
	uint8_t *p = NULL;
	size_t len, body;
	uint32_t vm;
	int fd = -1, ret = -EPIPE;

	o.vm = c->vm;
	NEED(do_export(nl, &o), "EXPORT of another migration");
	p = read_fd(o.efd, &len);
	if (!p || len < BLOB_HDR + 2)
		goto out;
	body = (size_t)p[8] << 24 | p[9] << 16 | p[10] << 8 | p[11];
	if (BLOB_HDR + body > len)
		goto out;
	memcpy(p + BLOB_HDR, c->id, TVM_MIG_ID_SIZE);
	/* Sign header || body again, in place. */
	b = malloc(sizeof(*b) + BLOB_HDR + body);
	if (!b)
		goto out;
	{
		EVP_PKEY *pkey = ak_key();
		EVP_MD_CTX *mctx = EVP_MD_CTX_new();
		size_t sig_len = TVM_SIGNATURE_MAX;
		int ok = pkey && mctx &&
			EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL,
					   pkey) > 0 &&
			EVP_DigestSign(mctx, p + BLOB_HDR + body + 2, &sig_len,
				       p, BLOB_HDR + body) > 0;

		EVP_MD_CTX_free(mctx);
		EVP_PKEY_free(pkey);
		if (!ok)
			goto out;
		put_be16(p + BLOB_HDR + body, sig_len);
		len = BLOB_HDR + body + 2 + sig_len;
	}
	fd = memfd_create("mig-lts-unknown", 0);
	if (fd < 0 || write(fd, p, len) != (ssize_t)len)
		goto out;
	ret = import_fd(nl, fd, &vm);
out:
	/* The other migration's source: unfrozen again. */
	{
		struct tmsg m;

		tmsg_init(&m, nl, TVM_CMD_MIGRATE_ABORT, 0);
		tmsg_put_u32(&m, TVM_A_VM_ID, o.vm);
		tmsg_put(&m, TVM_A_MIG_FORCE, NULL, 0);
		tnl_call(nl, &m, NULL, NULL);
		tmsg_init(&m, nl, TVM_CMD_MIGRATE_ABORT, 0);
		tmsg_put(&m, TVM_A_MIG_ID, o.id, TVM_MIG_ID_SIZE);
		tnl_call(nl, &m, NULL, NULL);
	}
	if (fd >= 0)
		close(fd);
	if (o.efd >= 0)
		close(o.efd);
	free(b);
	free(p);
	return ret;
}

static int do_import(struct tnl *nl, struct ctx *c)
{
	int ret;

	if (!c->prepared)
		return import_unknown(nl, c);
	if (!c->exported)
		NEED(do_export(nl, c), "EXPORT");
	ret = import_fd(nl, c->efd, &c->dvm);
	if (!ret)
		c->imported = true;
	return ret;
}

/* COMMIT or ABORT on the destination, by id; the receipt kept. */
static int dest_end(struct tnl *nl, struct ctx *c, uint8_t cmd)
{
	struct blob b;
	struct mig_reply r = { .blob = &b };
	struct tmsg m;
	int ret;

	tmsg_init(&m, nl, cmd, 0);
	tmsg_put(&m, TVM_A_MIG_ID, c->id, TVM_MIG_ID_SIZE);
	ret = tnl_call(nl, &m, mig_cb, &r);
	if (ret)
		return ret;
	if (cmd == TVM_CMD_MIGRATE_COMMIT) {
		c->commit_rcpt = b;
		c->committed = true;
	} else {
		c->abort_rcpt = b;
		c->aborted = true;
	}
	return 0;
}

/* A receipt the destination cannot give: made and signed here. */
static int make_receipt(struct tnl *nl, struct ctx *c, uint16_t kind,
			struct blob *b)
{
	uint8_t *p = b->b + BLOB_HDR, *e = NULL;
	size_t elen;

	(void)nl;
	blob_header(b, kind, RCPT_BODY);
	memset(p, 0, RCPT_BODY);
	memcpy(p, c->id, TVM_MIG_ID_SIZE);
	memcpy(p + 16, host_id, 32);
	memcpy(p + 48, host_id, 32);
	if (c->exported && (e = read_fd(c->efd, &elen))) {
		md(TVM_BANK_SHA256, e, elen, p + 80);
		memcpy(p + 112, c->uuid, TVM_UUID_SIZE);
		free(e);
	}
	b->len = BLOB_HDR + RCPT_BODY;
	return ak_sign(b);
}

/* The source takes a receipt. */
static int source_receipt(struct tnl *nl, struct ctx *c, uint8_t cmd)
{
	bool commit = cmd == TVM_CMD_MIGRATE_COMMIT;
	struct blob *b = commit ? &c->commit_rcpt : &c->abort_rcpt;
	struct blob made;
	struct tmsg m;

	if (!b->len) {
		if (commit && c->exported && !c->aborted) {
			if (!c->imported)
				NEED(do_import(nl, c), "IMPORT");
			NEED(dest_end(nl, c, cmd), "COMMIT");
		} else if (!commit && !c->committed) {
			/*
			 * The row's own receipt is the destination's for an
			 * id it never imported when it did not (it names no
			 * source); on the way to a state, one it imported.
			 */
			if (!c->prepared)
				NEED(do_prepare(nl, c), "PREPARE");
			if (c->on_way && c->exported && !c->imported)
				NEED(do_import(nl, c), "IMPORT");
			NEED(dest_end(nl, c, cmd), "ABORT");
		} else {
			NEED(make_receipt(nl, c, commit ? KIND_COMMIT :
					  KIND_ABORT, &made), "a receipt");
			b = &made;
		}
	}
	tmsg_init(&m, nl, cmd, 0);
	tmsg_put(&m, TVM_A_MIG_BLOB, b->b, b->len);
	return tnl_call(nl, &m, NULL, NULL);
}

static int do_override(struct tnl *nl, struct ctx *c)
{
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_MIGRATE_ABORT, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, c->vm);
	tmsg_put(&m, TVM_A_MIG_FORCE, NULL, 0);
	return tnl_call(nl, &m, NULL, NULL);
}

/* BIND: a process that waits binds to the id; it exits, unbound. */
static int do_bind(struct tnl *nl, struct ctx *c)
{
	pid_t parent = getpid(), pid = fork();
	struct tmsg m;
	int ret;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	tmsg_init(&m, nl, TVM_CMD_VM_BIND, 0);
	tmsg_put_u32(&m, TVM_A_VM_PID, pid);
	tmsg_put(&m, TVM_A_MIG_ID, c->id, TVM_MIG_ID_SIZE);
	ret = tnl_call(nl, &m, NULL, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return ret;
}

/* EXPIRE: the id's lifetime (c->ttl) ends; 0 once its state moved. */
static int do_expire(struct tnl *nl, struct ctx *c)
{
	int before, now, i;

	if (mig_state(nl, c->id, TVM_MIG_DEST, &before))
		return -EPIPE;
	for (i = 0; i < 50; i++) {
		usleep(100000);
		if (mig_state(nl, c->id, TVM_MIG_DEST, &now))
			return -EPIPE;
		if (now != before)
			return 0;
	}
	return -ETIME;
}

static int do_run(struct tnl *nl, struct ctx *c, bool source)
{
	if (source) {
		if (!c->skvm_up)
			return -EPIPE;	/* made by new_vm() for RUN rows */
		return kvm_vm_run(&c->skvm, 0);
	}
	if (!c->dkvm_up)
		return -EPIPE;	/* made by drive_row() for RUN rows */
	return kvm_vm_run(&c->dkvm, 0);
}

static int do_extend(struct tnl *nl, struct ctx *c, bool source)
{
	static const char data[] = "migrate-lts";

	return tvm_extend_data(nl, source ? c->vm : c->dvm,
			       TVM_FIRST_ADMIN_PCR, data, sizeof(data), NULL);
}

static bool source_state(int s)
{
	return s >= TVM_MIG_S_NONE && s <= TVM_MIG_S_RESUMED;
}

/* Perform @act on the record of @side's role; NA when it cannot. */
static int act(struct tnl *nl, struct ctx *c, bool source,
	       enum tvm_mig_action a)
{
	switch (a) {
	case TVM_MA_EXPORT:
		return do_export(nl, c);
	case TVM_MA_COMMIT_RCPT:
		return source_receipt(nl, c, TVM_CMD_MIGRATE_COMMIT);
	case TVM_MA_ABORT_RCPT:
		return source_receipt(nl, c, TVM_CMD_MIGRATE_ABORT);
	case TVM_MA_OVERRIDE:
		return do_override(nl, c);
	case TVM_MA_PREPARE:
		return do_prepare(nl, c);
	case TVM_MA_IMPORT:
		return do_import(nl, c);
	case TVM_MA_BIND:
		return do_bind(nl, c);
	case TVM_MA_COMMIT:
		return dest_end(nl, c, TVM_CMD_MIGRATE_COMMIT);
	case TVM_MA_ABORT:
		return dest_end(nl, c, TVM_CMD_MIGRATE_ABORT);
	case TVM_MA_EXPIRE:
		return do_expire(nl, c);
	case TVM_MA_RUN:
		return do_run(nl, c, source);
	case TVM_MA_EXTEND:
		return do_extend(nl, c, source);
	default:
		return TVM_MIG_NA;
	}
}

/* --- the record's state ---------------------------------------------------- */

/*
 * The state of the row's record: MIGRATE_GET's (none when it lists no
 * such record), checked against the VM's TVM_A_VM_MIGRATION, which shows
 * S_FROZEN and S_GONE on the source and D_IMPORTED on the destination.
 */
static int record_state(struct tnl *nl, struct ctx *c, bool source)
{
	int st, vm_st, want_vm;

	if (mig_state(nl, c->id, source ? TVM_MIG_SOURCE : TVM_MIG_DEST, &st))
		return -1;
	if (st < 0)
		st = source ? TVM_MIG_S_NONE : TVM_MIG_D_NONE;
	if (source) {
		vm_st = vm_migration(nl, c->vm);
		want_vm = st == TVM_MIG_S_FROZEN || st == TVM_MIG_S_GONE ?
			  st : -1;
	} else if (c->imported && st == TVM_MIG_D_IMPORTED) {
		vm_st = vm_migration(nl, c->dvm);
		want_vm = TVM_MIG_D_IMPORTED;
	} else {
		return st;
	}
	if (vm_st != want_vm) {
		fprintf(stderr, "#   the record is %s but its VM's "
			"TVM_A_VM_MIGRATION is %d\n",
			tvm_mig_state_names[st], vm_st);
		return -1;
	}
	return st;
}

/* --- a row ----------------------------------------------------------------- */

static void cleanup(struct tnl *nl, struct ctx *c)
{
	int st;

	if (c->prepared && !mig_state(nl, c->id, TVM_MIG_DEST, &st) &&
	    (st == TVM_MIG_D_PREPARED || st == TVM_MIG_D_IMPORTED))
		dest_end(nl, c, TVM_CMD_MIGRATE_ABORT);
	if (c->vm_up && vm_migration(nl, c->vm) == TVM_MIG_S_FROZEN)
		do_override(nl, c);
	if (c->dkvm_up)
		kvm_vm_destroy(&c->dkvm);
	if (c->skvm_up)
		kvm_vm_destroy(&c->skvm);
	if (c->imported)
		tvm_vm_delete(nl, c->dvm);
	if (c->vm_up && !c->kvm)
		tvm_vm_delete(nl, c->vm);
	if (c->efd >= 0)
		close(c->efd);
}

static int uuid_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_UUID);

	if (a && tattr_len(a) == TVM_UUID_SIZE)
		memcpy(arg, tattr_data(a), TVM_UUID_SIZE);
	return 0;
}

/* The source VM: a KVM VM when the row runs it, else a plain one. */
static int new_vm(struct tnl *nl, struct ctx *c)
{
	struct tk_vm v;
	int ret;

	if (!c->kvm) {
		ret = tvm_vm_create(nl, VM_NAME, 0, 0, &c->vm);
	} else {
		ret = kvm_up(nl, &c->skvm, VM_NAME, NULL);
		if (ret)
			return ret;
		c->skvm_up = true;
		ret = tk_vm_of(nl, getpid(), &v);
		if (!ret)
			c->vm = v.id;
	}
	if (!ret)
		ret = tvm_vm_call(nl, TVM_CMD_VM_GET, c->vm, uuid_cb, c->uuid);
	return ret;
}

/*
 * The shortest path of successful transitions from the side's first
 * state to @to, from the table: the actions in @path; their number, or
 * -1 when @to cannot be reached.
 */
static int path_to(int to, enum tvm_mig_action *path)
{
	int from = source_state(to) ? TVM_MIG_S_NONE : TVM_MIG_D_NONE;
	int prev[__TVM_MIG_STATE_MAX], pact[__TVM_MIG_STATE_MAX];
	int queue[__TVM_MIG_STATE_MAX], head = 0, tail = 0, n = 0, s;
	size_t i;

	for (s = 0; s < __TVM_MIG_STATE_MAX; s++)
		prev[s] = -2;
	prev[from] = -1;
	queue[tail++] = from;
	while (head < tail) {
		s = queue[head++];
		for (i = 0; i < ARRAY_SIZE(tvm_mig_table); i++) {
			const struct tvm_mig_rule *r = &tvm_mig_table[i];

			if (r->state != s || r->result || prev[r->next] != -2)
				continue;
			/* Time passing is no step to take on the way. */
			if (r->action == TVM_MA_EXPIRE)
				continue;
			prev[r->next] = s;
			pact[r->next] = r->action;
			queue[tail++] = r->next;
		}
	}
	if (prev[to] == -2)
		return -1;
	for (s = to; prev[s] != -1; s = prev[s])
		n++;
	for (s = to, i = n; prev[s] != -1; s = prev[s])
		path[--i] = pact[s];
	return n;
}

static const char *errname(int ret)
{
	static char buf[32];

	switch (ret) {
	case 0: return "0";
	case TVM_MIG_NA: return "-";
	case -ENOENT: return "ENOENT";
	case -ESTALE: return "ESTALE";
	case -EALREADY: return "EALREADY";
	case -EBUSY: return "EBUSY";
	case -EACCES: return "EACCES";
	case -EPERM: return "EPERM";
	case -EXDEV: return "EXDEV";
	case -EEXIST: return "EEXIST";
	case -ETIME: return "ETIME";
	case -EPIPE: return "(a step before failed)";
	}
	snprintf(buf, sizeof(buf), "%d", ret);
	return buf;
}

/* Drive one row; true when the kernel did what it says. */
static bool drive_row(struct tnl *nl, const struct tvm_mig_rule *r)
{
	enum tvm_mig_action path[__TVM_MIG_STATE_MAX];
	bool source = source_state(r->state);
	struct ctx c = { .efd = -1 };
	char extack[sizeof(nl->extack)];
	int n, i, ret, st, want;
	int64_t before;
	uint32_t vm;
	bool ok = false;

	c.act = r->action;
	c.kvm = source && r->action == TVM_MA_RUN;
	if (r->action == TVM_MA_EXPIRE)
		c.ttl = TVM_MIG_TTL_MIN;
	RAND_bytes(c.id, sizeof(c.id));

	n = path_to(r->state, path);
	if (n < 0) {
		fprintf(stderr, "#   no path to %s in the table\n",
			tvm_mig_state_names[r->state]);
		return false;
	}
	ret = new_vm(nl, &c);
	if (ret) {
		fprintf(stderr, "#   the source VM: %s (%s)\n", errname(ret),
			nl->extack);
		goto out;
	}
	c.vm_up = true;
	c.on_way = true;
	for (i = 0; i < n; i++) {
		ret = act(nl, &c, source, path[i]);
		if (ret) {
			fprintf(stderr, "#   on the way, %s: %s (%s)\n",
				tvm_mig_action_names[path[i]], errname(ret),
				nl->extack);
			goto out;
		}
	}
	st = record_state(nl, &c, source);
	if (st != (int)r->state) {
		fprintf(stderr, "#   on the way: state %d, not %s\n", st,
			tvm_mig_state_names[r->state]);
		goto out;
	}

	c.on_way = false;
	/*
	 * A destination's RUN: a KVM VM takes the instance first (its
	 * memory and vCPU are measured into it: extends, not the row).
	 */
	if (!source && r->action == TVM_MA_RUN) {
		ret = kvm_up(nl, &c.dkvm, NULL, c.id);
		if (ret) {
			fprintf(stderr, "#   a KVM VM bound to the migration: "
				"%s (%s)\n", errname(ret), nl->extack);
			goto out;
		}
		c.dkvm_up = true;
	}
	/* The row's VM: the source's, or the instance D imported. */
	vm = source ? c.vm : c.imported ? c.dvm : 0;
	before = vm ? log_count(nl, vm) : -1;
	ret = act(nl, &c, source, r->action);
	snprintf(extack, sizeof(extack), "%s", nl->extack);
	st = record_state(nl, &c, source);
	want = r->result ? r->state : r->next;
	ok = ret == r->result && st == want;
	/* A refused action changes nothing: not even the VM's log. */
	if (ok && ret && vm && log_count(nl, vm) != before) {
		fprintf(stderr, "#   refused, yet the VM's log went from %lld "
			"to %lld events\n", (long long)before,
			(long long)log_count(nl, vm));
		ok = false;
	}
	fprintf(stderr, "#   %s: %s (%s), state %s%s\n",
		tvm_mig_action_names[r->action], errname(ret), extack,
		st >= 0 && st < __TVM_MIG_STATE_MAX ?
		tvm_mig_state_names[st] : "?",
		ok ? "" : ": NOT what the table says");
	if (!ok)
		fprintf(stderr, "#   the table: %s, state %s\n",
			errname(r->result), tvm_mig_state_names[want]);
out:
	cleanup(nl, &c);
	return ok;
}

/* --- the test -------------------------------------------------------------- */

FIXTURE(lts) {
	struct tnl nl;
	bool no_tvm;
};

FIXTURE_SETUP(lts)
{
	char out[4096], desc[2 * TVM_MIG_HOST_ID_SIZE + 1];
	long ring;

	TVM_SETUP_NL();
	/* A fresh session keyring, so only this test's keys are seen. */
	ASSERT_LE(0, syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	mkdir(WORK, 0700);
	ASSERT_EQ(0, run(out, sizeof(out),
		"cd " WORK " && [ -s ak.der ] || { "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ak.pem && "
		"openssl pkcs8 -topk8 -nocrypt -in ak.pem -outform DER -out ak.pk8 && "
		"printf '[req]\\ndistinguished_name = dn\\n[dn]\\n[v3]\\n"
		"subjectKeyIdentifier = hash\\n' > req.cnf && "
		"openssl req -x509 -new -key ak.pem -subj /CN=mig-lts -days 1 "
		"-config req.cnf -extensions v3 -outform DER -out ak.der; }"))
		TH_LOG("%s", out);
	ASSERT_LT(0, tvm_add_key_file(AK_DESC, WORK "/ak.pk8",
				      KEY_SPEC_SESSION_KEYRING));
	ASSERT_EQ(0, tvm_ak_set(&self->nl, AK_DESC))
		TH_LOG("AK_SET: %s", self->nl.extack);
	ASSERT_EQ(0, ak_host_id(host_id));
	/* This host is its own peer. */
	ring = tvm_keyring_serial(TVM_MIGRATION_KEYRING);
	ASSERT_LT(0, ring) TH_LOG("no keyring " TVM_MIGRATION_KEYRING);
	tvm_add_key_file(hex(host_id, sizeof(host_id), desc), WORK "/ak.der",
			 ring);
	ASSERT_EQ(0, load_policy(&self->nl))
		TH_LOG("a policy with a migration section: %s",
		       self->nl.extack);
}

FIXTURE_TEARDOWN(lts)
{
	if (self->no_tvm)
		return;
	delete_policy(&self->nl);
	tnl_close(&self->nl);
}

/*
 * Every row that can happen, as the table gives it; the rows marked "-"
 * are counted, not driven.
 */
TEST_F_TIMEOUT(lts, every_row, 600)
{
	unsigned int driven = 0, failed = 0, na = 0;
	size_t i;

	NEED_TVM();
	for (i = 0; i < ARRAY_SIZE(tvm_mig_table); i++) {
		const struct tvm_mig_rule *r = &tvm_mig_table[i];
		bool ok;

		if (r->result == TVM_MIG_NA) {
			na++;
			continue;
		}
		fprintf(stderr, "# row %zu: %s %s %s, expect %s -> %s\n", i,
			source_state(r->state) ? "source" : "dest",
			tvm_mig_state_names[r->state],
			tvm_mig_action_names[r->action], errname(r->result),
			tvm_mig_state_names[r->result ? r->state : r->next]);
		ok = drive_row(&self->nl, r);
		driven++;
		if (!ok)
			failed++;
		EXPECT_TRUE(ok) TH_LOG("row %zu does not conform", i);
	}
	TH_LOG("%u rows driven, %u not conforming, %u cannot happen (-)",
	       driven, failed, na);
	EXPECT_EQ(ARRAY_SIZE(tvm_mig_table), driven + na);
	EXPECT_LT(0u, driven);
}

TEST_HARNESS_MAIN
