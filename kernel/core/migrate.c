// SPDX-License-Identifier: GPL-2.0
/*
 * Trusted migration (Documentation/migration.rst): the records this host
 * keeps per migration id and role, the blobs (built, signed, checked), and
 * the steps of the protocol.  Every change of a record's state is the
 * transition table's (tvm_mig_step()); the VM-level guards of the table
 * (extend, run) are in vm.c.  mig_crypto.c does the cryptography, vm.c
 * freezes, wipes, serialises and restores the VMs.
 *
 * Locking: tvm_mig_lock serialises every command and the expiry, and
 * protects migs, nmigs and every record; it is taken before
 * tvm_registry_lock and any VM's lock, never inside them.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>

#include "api.h"
#include "bank.h"
#include "ima.h"
#include "mig_deep.h"
#include "mig_lts.h"
#include "migrate.h"
#include "registry.h"
#include "tvm_log.h"
#include "vm.h"

/* The blobs (Documentation/migration.rst, "Blobs"). */
#define BLOB_HEAD		16
#define BLOB_MAGIC		"TVMG"
#define BLOB_VERSION		1
#define BLOB_PREPARE		1
#define BLOB_EXPORT		2
#define BLOB_COMMIT		3
#define BLOB_ABORT		4
/* The most a blob carries besides its header and body. */
#define BLOB_TAIL		(2 + TVM_SIGNATURE_MAX)

#define PREPARE_BODY		(TVM_MIG_ID_SIZE + TVM_MIG_HOST_ID_SIZE + \
				 TVM_MIG_PUB_SIZE + 4 + 4 + \
				 TVM_MIG_PLATFORM_PCRS * 32)
/* An EXPORT body up to and including ct_len. */
#define EXPORT_FIXED		(TVM_MIG_ID_SIZE + 2 * TVM_MIG_HOST_ID_SIZE + \
				 TVM_MIG_PUB_SIZE + TVM_MIG_IV_SIZE + 32 + 8)
#define RECEIPT_BODY		(TVM_MIG_ID_SIZE + 2 * TVM_MIG_HOST_ID_SIZE + \
				 32 + TVM_UUID_SIZE)

/**
 * struct tvm_mig - this host's record of one migration in one role
 * @node: in migs, oldest first
 * @id: the migration id
 * @role: enum tvm_mig_role
 * @state: enum tvm_mig_state; changed only as tvm_mig_step() says
 * @peer_known: @peer is set
 * @self: this host's id when the record was made
 * @peer: the other host's id
 * @platform: the destination's platform digest (TVM_EV_MIGRATION)
 * @prepare_digest: SHA-256 of the PREPARE blob: made (destination) or
 *	answered (source)
 * @export_digest: SHA-256 of the EXPORT blob: written (source) or
 *	imported (destination); zero before
 * @vm: the exported VM (source) or the imported one (destination), with
 *	a reference; NULL before IMPORT and after an ABORT
 * @key: the destination's ECDH key pair, until IMPORT, ABORT or expiry
 * @expires: when a prepared id expires, in jiffies
 * @receipt: the destination's signed receipt, given again on a repeated
 *	COMMIT or ABORT; @receipt_len bytes
 * @receipt_len: bytes of @receipt
 */
struct tvm_mig {
	struct list_head node;
	u8 id[TVM_MIG_ID_SIZE];
	u8 role;
	u8 state;
	bool peer_known;
	u8 self[TVM_MIG_HOST_ID_SIZE];
	u8 peer[TVM_MIG_HOST_ID_SIZE];
	u8 platform[32];
	u8 prepare_digest[32];
	u8 export_digest[32];
	struct tvm_vm *vm;
	struct tvm_mig_key *key;
	unsigned long expires;
	u8 *receipt;
	size_t receipt_len;
};

/* tvm_mig_lock: see the top of the file. */
static DEFINE_MUTEX(tvm_mig_lock);
static LIST_HEAD(migs);
static unsigned int nmigs;
static struct delayed_work expire_work;

/* The id of a record made before its id is drawn. */
static const u8 no_id[TVM_MIG_ID_SIZE];

static int sha256(const void *data, size_t len, u8 out[32])
{
	return tvm_bank_hash(TVM_BANK_SHA256, data, len, out);
}

static struct tvm_mig *mig_find(const u8 *id, enum tvm_mig_role role)
{
	struct tvm_mig *m;

	lockdep_assert_held(&tvm_mig_lock);
	list_for_each_entry(m, &migs, node)
		if (m->role == role && !memcmp(m->id, id, TVM_MIG_ID_SIZE))
			return m;
	return NULL;
}

/* A record whose migration is over: it may make room for a new one. */
static bool mig_ended(const struct tvm_mig *m)
{
	return m->state == TVM_MIG_D_ABORTED || m->state == TVM_MIG_D_ACTIVE ||
	       m->state == TVM_MIG_S_GONE || m->state == TVM_MIG_S_RESUMED;
}

static void mig_free(struct tvm_mig *m)
{
	lockdep_assert_held(&tvm_mig_lock);
	list_del(&m->node);
	WRITE_ONCE(nmigs, nmigs - 1);
	tvm_mig_key_free(m->key);
	tvm_vm_put(m->vm);
	kfree(m->receipt);
	kfree(m);
}

/*
 * Room for one more record: below TVM_MIG_MAX, or once the oldest ended
 * record is dropped (it can no longer give its receipt again).
 */
static int mig_room(struct netlink_ext_ack *extack)
{
	struct tvm_mig *m;

	lockdep_assert_held(&tvm_mig_lock);
	if (nmigs < TVM_MIG_MAX)
		return 0;
	list_for_each_entry(m, &migs, node) {
		if (mig_ended(m)) {
			mig_free(m);
			atomic64_inc(&tvm_stats.mig_evicted);
			return 0;
		}
	}
	atomic64_inc(&tvm_stats.mig_refused);
	NL_SET_ERR_MSG(extack,
		       "TVM_MIG_MAX migrations are under way on this host");
	return -ENOSPC;
}

unsigned int tvm_mig_count(void)
{
	return READ_ONCE(nmigs);
}

static struct tvm_mig *mig_new(const u8 *id, enum tvm_mig_role role,
			       enum tvm_mig_state state)
{
	struct tvm_mig *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	memcpy(m->id, id, TVM_MIG_ID_SIZE);
	m->role = role;
	m->state = state;
	return m;
}

static void mig_add(struct tvm_mig *m)
{
	lockdep_assert_held(&tvm_mig_lock);
	list_add_tail(&m->node, &migs);
	WRITE_ONCE(nmigs, nmigs + 1);
}

/*
 * The table's word on @act for a record in @cur: 0 with *@next, or the
 * row's errno with a message saying why.
 */
static int mig_step(enum tvm_mig_state cur, enum tvm_mig_action act,
		    enum tvm_mig_state *next, struct netlink_ext_ack *extack)
{
	int ret = tvm_mig_step(cur, act, next);

	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		if (act == TVM_MA_OVERRIDE)
			NL_SET_ERR_MSG(extack,
				       "the VM is not frozen");
		else
			NL_SET_ERR_MSG(extack,
				       "no such migration here, or not at that step yet");
		break;
	case -ESTALE:
		NL_SET_ERR_MSG(extack,
			       "the migration ended, or this id or blob was used already");
		break;
	case -EALREADY:
		NL_SET_ERR_MSG(extack, "this receipt was taken already");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG(extack,
			       "the migration is committed: it cannot be aborted");
		break;
	case TVM_MIG_NA:
		NL_SET_ERR_MSG(extack, "no such step for this migration");
		ret = -EINVAL;
		break;
	default:
		NL_SET_ERR_MSG(extack, "refused in this migration's state");
		break;
	}
	return ret;
}

static int host_id(u8 id[TVM_MIG_HOST_ID_SIZE], struct netlink_ext_ack *extack)
{
	int ret = tvm_mig_host_id(id);

	if (ret == -EOPNOTSUPP)
		NL_SET_ERR_MSG(extack,
			       "migration needs an RSA attestation key on this host");
	else if (ret)
		NL_SET_ERR_MSG(extack,
			       "no attestation key is set on this host (AK_SET)");
	return ret;
}

/* Arm the expiry for the first prepared id to expire, if any. */
static void expire_arm(void)
{
	unsigned long now = jiffies, first = 0;
	struct tvm_mig *m;
	bool any = false;

	lockdep_assert_held(&tvm_mig_lock);
	list_for_each_entry(m, &migs, node) {
		if (m->state != TVM_MIG_D_PREPARED)
			continue;
		if (!any || time_before(m->expires, first))
			first = m->expires;
		any = true;
	}
	if (any)
		mod_delayed_work(system_wq, &expire_work,
				 time_after(first, now) ? first - now : 0);
}

static void expire_fn(struct work_struct *work)
{
	enum tvm_mig_state next;
	struct tvm_mig *m;

	mutex_lock(&tvm_mig_lock);
	list_for_each_entry(m, &migs, node) {
		if (m->state != TVM_MIG_D_PREPARED ||
		    time_before(jiffies, m->expires))
			continue;
		if (tvm_mig_step(m->state, TVM_MA_EXPIRE, &next))
			continue;
		m->state = next;
		tvm_mig_key_free(m->key);
		m->key = NULL;
	}
	expire_arm();
	mutex_unlock(&tvm_mig_lock);
}

/* --- blobs --------------------------------------------------------------- */

/* A blob's parts, pointing into its buffer. */
struct blob {
	const u8 *body;
	u32 body_len;
	size_t signed_len;
	const u8 *sig;
	u16 sig_len;
};

/*
 * A blob of version @v, not BLOB_VERSION: a message that names the
 * version found and the one taken.  6.1's extack takes a string literal
 * only, hence a case per version up to 3, and one for the rest.
 */
#define BLOB_VERSION_MSG(v) "migration blob version " v \
	" not supported: this tvm.ko takes version " __stringify(BLOB_VERSION)

static void blob_version_err(u16 v, struct netlink_ext_ack *extack)
{
	switch (v) {
	case 0:
		NL_SET_ERR_MSG(extack, BLOB_VERSION_MSG("0"));
		break;
	case 1:
		NL_SET_ERR_MSG(extack, BLOB_VERSION_MSG("1"));
		break;
	case 2:
		NL_SET_ERR_MSG(extack, BLOB_VERSION_MSG("2"));
		break;
	case 3:
		NL_SET_ERR_MSG(extack, BLOB_VERSION_MSG("3"));
		break;
	default:
		NL_SET_ERR_MSG(extack, BLOB_VERSION_MSG("4 or above"));
	}
}

/*
 * Check the frame of blob @buf (@len bytes) of @kind: header, lengths,
 * signature length.  -EBADMSG malformed, truncated or of another kind,
 * -EPROTONOSUPPORT another version; @extack says which.
 */
static int blob_parse(const u8 *buf, size_t len, u16 kind, struct blob *b,
		      struct netlink_ext_ack *extack)
{
	size_t body_len;

	if (len < BLOB_HEAD + 2) {
		NL_SET_ERR_MSG(extack, "migration blob is truncated");
		return -EBADMSG;
	}
	if (memcmp(buf, BLOB_MAGIC, 4)) {
		NL_SET_ERR_MSG(extack, "not a migration blob (bad magic)");
		return -EBADMSG;
	}
	if (get_unaligned_be16(buf + 4) != BLOB_VERSION) {
		blob_version_err(get_unaligned_be16(buf + 4), extack);
		return -EPROTONOSUPPORT;
	}
	if (get_unaligned_be16(buf + 6) != kind) {
		NL_SET_ERR_MSG(extack,
			       "migration blob of a kind this command does not take");
		return -EBADMSG;
	}
	body_len = get_unaligned_be32(buf + 8);
	if (get_unaligned_be32(buf + 12)) {
		NL_SET_ERR_MSG(extack, "migration blob header: reserved bytes set");
		return -EBADMSG;
	}
	if (body_len > len - BLOB_HEAD - 2) {
		NL_SET_ERR_MSG(extack, "migration blob is truncated");
		return -EBADMSG;
	}
	b->body = buf + BLOB_HEAD;
	b->body_len = body_len;
	b->signed_len = BLOB_HEAD + body_len;
	b->sig_len = get_unaligned_be16(buf + b->signed_len);
	b->sig = buf + b->signed_len + 2;
	if (!b->sig_len || b->sig_len > TVM_SIGNATURE_MAX ||
	    b->signed_len + 2 + b->sig_len != len) {
		NL_SET_ERR_MSG(extack,
			       "migration blob lengths do not add up (truncated or extended)");
		return -EBADMSG;
	}
	return 0;
}

/* Write the header of a blob of @kind with a body of @body_len bytes. */
static void blob_head(u8 *buf, u16 kind, u32 body_len)
{
	memcpy(buf, BLOB_MAGIC, 4);
	put_unaligned_be16(BLOB_VERSION, buf + 4);
	put_unaligned_be16(kind, buf + 6);
	put_unaligned_be32(body_len, buf + 8);
	put_unaligned_be32(0, buf + 12);
}

/*
 * Sign the header and the @body_len bytes of body at @buf with this
 * host's attestation key, and append the signature (BLOB_TAIL bytes of
 * room); *@len gets the blob's length.
 */
static int blob_sign(u8 *buf, u32 body_len, size_t *len,
		     struct netlink_ext_ack *extack)
{
	size_t at = BLOB_HEAD + body_len;
	u16 sig_len;
	int ret;

	ret = tvm_mig_sign(buf, at, buf + at + 2, &sig_len);
	if (ret) {
		if (ret == -ENOKEY)
			NL_SET_ERR_MSG(extack,
				       "no attestation key is set on this host (AK_SET)");
		else if (ret == -EOPNOTSUPP)
			NL_SET_ERR_MSG(extack,
				       "migration needs an RSA attestation key on this host");
		else
			NL_SET_ERR_MSG(extack,
				       "cannot sign with the attestation key");
		return ret;
	}
	put_unaligned_be16(sig_len, buf + at);
	*len = at + 2 + sig_len;
	return 0;
}

/* SHA-256 over the mask and the platform PCRs it names, in order. */
static int platform_digest(u32 mask,
			   const u8 values[TVM_MIG_PLATFORM_PCRS][32],
			   u8 out[32])
{
	u8 buf[4 + TVM_MIG_PLATFORM_PCRS * 32];
	size_t len = 4;
	unsigned int i;

	put_unaligned_be32(mask, buf);
	for (i = 0; i < TVM_MIG_PLATFORM_PCRS; i++) {
		if (!(mask & BIT(i)))
			continue;
		memcpy(buf + len, values[i], 32);
		len += 32;
	}
	return sha256(buf, len, out);
}

static void mig_event(struct tvm_ev_migration *ev, u32 flags,
		      const struct tvm_mig *m, const u8 *source,
		      const u8 *dest)
{
	memset(ev, 0, sizeof(*ev));
	memcpy(ev->magic, BLOB_MAGIC, 4);
	ev->flags = cpu_to_le32(flags);
	memcpy(ev->id, m->id, TVM_MIG_ID_SIZE);
	memcpy(ev->source, source, TVM_MIG_HOST_ID_SIZE);
	memcpy(ev->dest, dest, TVM_MIG_HOST_ID_SIZE);
	memcpy(ev->platform, m->platform, 32);
}

/* --- PREPARE (destination) ---------------------------------------------- */

int tvm_mig_prepare(u32 ttl, u8 id[TVM_MIG_ID_SIZE], u8 **blob, size_t *len,
		    struct netlink_ext_ack *extack)
{
	u8 values[TVM_MIG_PLATFORM_PCRS][32];
	enum tvm_mig_state next;
	struct tvm_mig *m = NULL;
	u8 *buf = NULL, *p;
	u32 mask;
	int ret;

	mutex_lock(&tvm_mig_lock);
	ret = mig_step(TVM_MIG_D_NONE, TVM_MA_PREPARE, &next, extack);
	if (ret)
		goto out;
	ret = -ENOMEM;
	m = mig_new(no_id, TVM_MIG_DEST, next);
	buf = kmalloc(BLOB_HEAD + PREPARE_BODY + BLOB_TAIL, GFP_KERNEL);
	if (!m || !buf)
		goto out;
	ret = host_id(m->self, extack);
	if (ret)
		goto out;
	ret = mig_room(extack);
	if (ret)
		goto out;
	ret = tvm_host_pcrs_read(values, &mask);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot read the host TPM's PCRs");
		goto out;
	}

	get_random_bytes(m->id, sizeof(m->id));
	blob_head(buf, BLOB_PREPARE, PREPARE_BODY);
	p = buf + BLOB_HEAD;
	memcpy(p, m->id, TVM_MIG_ID_SIZE);
	p += TVM_MIG_ID_SIZE;
	memcpy(p, m->self, TVM_MIG_HOST_ID_SIZE);
	p += TVM_MIG_HOST_ID_SIZE;
	ret = tvm_mig_key_new(&m->key, p);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot make an ECDH key");
		goto out;
	}
	p += TVM_MIG_PUB_SIZE;
	put_unaligned_be32(ttl, p);
	p += 4;
	put_unaligned_be32(mask, p);
	p += 4;
	memcpy(p, values, sizeof(values));
	ret = blob_sign(buf, PREPARE_BODY, len, extack);
	if (!ret)
		ret = sha256(buf, *len, m->prepare_digest);
	if (!ret)
		ret = platform_digest(mask, values, m->platform);
	if (ret)
		goto out;

	m->expires = jiffies + (unsigned long)ttl * HZ;
	mig_add(m);
	expire_arm();
	memcpy(id, m->id, TVM_MIG_ID_SIZE);
	*blob = buf;
	buf = NULL;
	m = NULL;
out:
	mutex_unlock(&tvm_mig_lock);
	if (m) {
		tvm_mig_key_free(m->key);
		kfree(m);
	}
	kfree(buf);
	return ret;
}

/* --- EXPORT (source) ----------------------------------------------------- */

/* The PREPARE blob's body, parsed. */
struct prepare {
	const u8 *id;
	const u8 *dest;
	const u8 *pub;
	u32 ttl;
	u32 mask;
	u8 platform[TVM_MIG_PLATFORM_PCRS][32];
};

static int prepare_parse(const u8 *buf, size_t len, struct prepare *pp,
			 struct netlink_ext_ack *extack)
{
	struct blob b;
	const u8 *p;
	int ret;

	ret = blob_parse(buf, len, BLOB_PREPARE, &b, extack);
	if (ret)
		return ret;
	if (b.body_len != PREPARE_BODY) {
		NL_SET_ERR_MSG(extack, "PREPARE blob body has the wrong length");
		return -EBADMSG;
	}
	p = b.body;
	pp->id = p;
	p += TVM_MIG_ID_SIZE;
	pp->dest = p;
	p += TVM_MIG_HOST_ID_SIZE;
	pp->pub = p;
	p += TVM_MIG_PUB_SIZE;
	pp->ttl = get_unaligned_be32(p);
	p += 4;
	pp->mask = get_unaligned_be32(p);
	p += 4;
	memcpy(pp->platform, p, sizeof(pp->platform));
	if (pp->mask & ~(BIT(TVM_MIG_PLATFORM_PCRS) - 1)) {
		NL_SET_ERR_MSG(extack, "PREPARE blob names platform PCRs above 7");
		return -EBADMSG;
	}
	return tvm_mig_verify(pp->dest, buf, b.signed_len, b.sig, b.sig_len,
			      extack);
}

/* @file must be a regular file open for writing (or reading). */
static int mig_file_ok(struct file *file, bool write,
		       struct netlink_ext_ack *extack)
{
	if (!S_ISREG(file_inode(file)->i_mode) ||
	    !(file->f_mode & (write ? FMODE_WRITE : FMODE_READ))) {
		if (write)
			NL_SET_ERR_MSG(extack,
				       "TVM_A_MIG_FD: not a regular file open for writing");
		else
			NL_SET_ERR_MSG(extack,
				       "TVM_A_MIG_FD: not a regular file open for reading");
		return -EBADF;
	}
	return 0;
}

/* Write the whole of @buf to @file from offset 0, and end the file there. */
static int mig_file_write(struct file *file, const u8 *buf, size_t len)
{
	loff_t pos = 0;
	ssize_t n;

	while (pos < len) {
		n = kernel_write(file, buf + pos, len - pos, &pos);
		if (n < 0)
			return n;
		if (!n)
			return -EIO;
	}
	if (i_size_read(file_inode(file)) > len)
		return vfs_truncate(&file->f_path, len);
	return 0;
}

/*
 * Check deep quote @deep (@dlen bytes) of PREPARE blob @pblob (@plen bytes,
 * parsed into @pp and verified) as the source: malformed (-EBADMSG), its
 * signature by the key it carries (-EKEYREJECTED), then whether it quotes
 * this blob's platform for this blob (-EXDEV); the key's id into @key_id.
 * Documentation/migration.rst, "The deep quote".
 */
static int deep_check(const u8 *deep, size_t dlen, const u8 *pblob,
		      size_t plen, const struct prepare *pp,
		      u8 key_id[32], struct netlink_ext_ack *extack)
{
	u8 pdigest[32], vdigest[32], values[TVM_MIG_PLATFORM_PCRS * 32];
	struct tvm_mig_deep d;
	const char *why;
	size_t n = 0;
	unsigned int i;
	int ret;

	why = tvm_mig_deep_parse(deep, dlen, &d);
	if (why) {
		/* NL_SET_ERR_MSG() wants a literal; @why is a static string. */
		if (extack)
			extack->_msg = why;
		return -EBADMSG;
	}
	ret = tvm_mig_tpm_key_check(d.key, d.key_len, key_id);
	if (ret) {
		if (ret == -EBADMSG)
			NL_SET_ERR_MSG(extack,
				       "deep quote: the TPM key is not a DER RSAPublicKey of 2048 to 4096 bits");
		return ret;
	}
	ret = tvm_mig_tpm_verify(d.key, d.key_len, d.attest, d.attest_len,
				 d.sig, d.sig_len);
	if (ret) {
		if (ret == -EKEYREJECTED)
			NL_SET_ERR_MSG(extack,
				       "the deep quote's signature does not verify with its TPM key");
		return ret;
	}
	for (i = 0; i < TVM_MIG_PLATFORM_PCRS; i++) {
		if (!(pp->mask & BIT(i)))
			continue;
		memcpy(values + n, pp->platform[i], 32);
		n += 32;
	}
	ret = sha256(pblob, plen, pdigest);
	if (!ret)
		ret = sha256(values, n, vdigest);
	if (ret)
		return ret;
	why = tvm_mig_deep_match(&d, pdigest, pp->mask, vdigest);
	if (why) {
		if (extack)
			extack->_msg = why;
		return -EXDEV;
	}
	return 0;
}

int tvm_mig_export(struct tvm_vm *vm, const u8 *pblob, size_t plen,
		   const u8 *deep, size_t dlen, struct file *out,
		   u8 id[TVM_MIG_ID_SIZE], u64 *size,
		   struct netlink_ext_ack *extack)
{
	u8 tpm_key[32];
	u8 secret[TVM_MIG_SECRET_SIZE], key[TVM_MIG_KEY_SIZE];
	struct tvm_mig_key *ekey = NULL;
	struct tvm_ev_migration ev;
	enum tvm_mig_state next;
	enum tvm_mig_state before;
	struct tvm_mig *m = NULL;
	struct prepare pp;
	u8 *state = NULL, *buf = NULL, *p, *iv;
	size_t pt_len = 0, ct_len, len;
	int ret;

	ret = mig_file_ok(out, true, extack);
	if (ret)
		return ret;
	ret = prepare_parse(pblob, plen, &pp, extack);
	if (ret)
		return ret;
	if (deep) {
		ret = deep_check(deep, dlen, pblob, plen, &pp, tpm_key, extack);
		if (ret)
			return ret;
	}

	mutex_lock(&tvm_mig_lock);
	/*
	 * Where the VM may go, right after the blob's own checks (the
	 * order of "Errors" in Documentation/migration.rst), and before
	 * anything changes.
	 */
	ret = tvm_policy_migration_allows(vm, pp.dest, pp.mask, pp.platform,
					  deep ? tpm_key : NULL, extack);
	if (ret)
		goto out;
	m = mig_find(pp.id, TVM_MIG_SOURCE);
	ret = mig_step(m ? m->state : TVM_MIG_S_NONE, TVM_MA_EXPORT, &next,
		       extack);
	if (ret) {
		m = NULL;
		goto out;
	}
	ret = -ENOMEM;
	m = mig_new(pp.id, TVM_MIG_SOURCE, next);
	if (!m)
		goto out;
	ret = host_id(m->self, extack);
	if (ret)
		goto out;
	ret = tvm_vm_mig_exportable(vm, extack);
	if (ret)
		goto out;
	ret = mig_room(extack);
	if (ret)
		goto out;
	memcpy(m->peer, pp.dest, TVM_MIG_HOST_ID_SIZE);
	m->peer_known = true;
	ret = platform_digest(pp.mask, pp.platform, m->platform);
	if (!ret)
		ret = sha256(pblob, plen, m->prepare_digest);
	if (ret)
		goto out;

	ret = -ENOMEM;
	buf = kvmalloc(BLOB_HEAD + EXPORT_FIXED, GFP_KERNEL);
	if (!buf)
		goto out;
	p = buf + BLOB_HEAD;
	memcpy(p, m->id, TVM_MIG_ID_SIZE);
	p += TVM_MIG_ID_SIZE;
	memcpy(p, m->self, TVM_MIG_HOST_ID_SIZE);
	p += TVM_MIG_HOST_ID_SIZE;
	memcpy(p, pp.dest, TVM_MIG_HOST_ID_SIZE);
	p += TVM_MIG_HOST_ID_SIZE;
	/* The sealing key: a key pair of our own and the PREPARE's key. */
	ret = tvm_mig_key_new(&ekey, p);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot make an ECDH key");
		goto out;
	}
	p += TVM_MIG_PUB_SIZE;
	ret = tvm_mig_key_secret(ekey, pp.pub, secret);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "the PREPARE blob's key is not a P-256 point");
		goto out;
	}
	ret = tvm_mig_kdf(secret, m->id, m->self, pp.dest, key);
	memzero_explicit(secret, sizeof(secret));
	if (ret)
		goto out;
	iv = p;
	get_random_bytes(p, TVM_MIG_IV_SIZE);
	p += TVM_MIG_IV_SIZE;
	memcpy(p, m->prepare_digest, 32);
	p += 32;

	/* Freeze: the OUT event, then nothing changes the VM. */
	mig_event(&ev, TVM_EV_MIG_OUT, m, m->self, pp.dest);
	before = READ_ONCE(vm->mig_state);
	ret = tvm_vm_mig_freeze(vm, &ev, &state, &pt_len, TVM_MIG_TAG_SIZE,
				extack);
	if (ret)
		goto out;

	ct_len = pt_len + TVM_MIG_TAG_SIZE;
	put_unaligned_be64(ct_len, p);
	blob_head(buf, BLOB_EXPORT, EXPORT_FIXED + ct_len);
	ret = tvm_mig_seal(key, iv, buf, BLOB_HEAD + EXPORT_FIXED, state,
			   pt_len);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot seal the VM's state");
		goto thaw;
	}
	/* The whole blob: the frame, the sealed state, the signature. */
	p = kvmalloc(BLOB_HEAD + EXPORT_FIXED + ct_len + BLOB_TAIL, GFP_KERNEL);
	ret = -ENOMEM;
	if (!p)
		goto thaw;
	memcpy(p, buf, BLOB_HEAD + EXPORT_FIXED);
	memcpy(p + BLOB_HEAD + EXPORT_FIXED, state, ct_len);
	kvfree(buf);
	buf = p;
	ret = blob_sign(buf, EXPORT_FIXED + ct_len, &len, extack);
	if (!ret)
		ret = sha256(buf, len, m->export_digest);
	if (ret)
		goto thaw;
	ret = mig_file_write(out, buf, len);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot write the EXPORT blob");
		goto thaw;
	}

	m->vm = tvm_vm_get(vm);
	mig_add(m);
	memcpy(id, m->id, TVM_MIG_ID_SIZE);
	*size = len;
	m = NULL;
	goto out;

thaw:
	/*
	 * The OUT event is in the log for good: say in it too that this
	 * export did not happen, and let the VM go on.
	 */
	mig_event(&ev, TVM_EV_MIG_ABORT, m, m->self, pp.dest);
	tvm_vm_mig_set(vm, before, &ev);
out:
	mutex_unlock(&tvm_mig_lock);
	memzero_explicit(key, sizeof(key));
	tvm_mig_key_free(ekey);
	if (state) {
		memzero_explicit(state, pt_len);
		kvfree(state);
	}
	kvfree(buf);
	kfree(m);
	return ret;
}

/* --- IMPORT (destination) ------------------------------------------------ */

/* Read the whole of regular file @file into a new kvmalloc'ed buffer. */
static u8 *mig_file_read(struct file *file, size_t *len,
			 struct netlink_ext_ack *extack)
{
	loff_t size = i_size_read(file_inode(file)), pos = 0;
	ssize_t n;
	u8 *buf;

	if (size > TVM_MIG_EXPORT_MAX) {
		NL_SET_ERR_MSG(extack, "EXPORT blob above TVM_MIG_EXPORT_MAX");
		return ERR_PTR(-EFBIG);
	}
	buf = kvmalloc(size ?: 1, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	while (pos < size) {
		n = kernel_read(file, buf + pos, size - pos, &pos);
		if (n <= 0) {
			kvfree(buf);
			NL_SET_ERR_MSG(extack, "cannot read the EXPORT blob");
			return ERR_PTR(n ?: -EIO);
		}
	}
	*len = size;
	return buf;
}

/*
 * On a host that is both ends of one migration, the VM it exported under
 * @id holds the name and UUID the import needs: give them up (the VM is
 * frozen, findable by id).  The VM, or NULL.
 */
static struct tvm_vm *loopback_unname(const u8 *id, struct tvm_vm *vm)
{
	struct tvm_mig *src = mig_find(id, TVM_MIG_SOURCE);
	struct tvm_vm *old;

	if (!src || !src->vm || src->state != TVM_MIG_S_FROZEN)
		return NULL;
	old = src->vm;
	if (strcmp(old->name, vm->name) ||
	    memcmp(old->uuid, vm->uuid, TVM_UUID_SIZE))
		return NULL;
	tvm_vm_unname(old);
	return old;
}

/* And back: the exported VM @id got its name and UUID back if free. */
static void loopback_rename(const u8 *id)
{
	struct tvm_mig *src = mig_find(id, TVM_MIG_SOURCE);

	if (src && src->vm)
		tvm_vm_rename(src->vm);
}

struct tvm_vm *tvm_mig_import(struct file *in, u8 id[TVM_MIG_ID_SIZE],
			      struct netlink_ext_ack *extack)
{
	u8 secret[TVM_MIG_SECRET_SIZE], key[TVM_MIG_KEY_SIZE];
	u8 self[TVM_MIG_HOST_ID_SIZE];
	const u8 *mid, *src, *dst, *spub, *iv, *pdig, *ct;
	struct tvm_vm *vm = NULL, *inst = NULL, *old;
	struct tvm_ev_migration ev;
	enum tvm_mig_state next;
	struct tvm_mig *m;
	u8 *buf, *pt = NULL;
	size_t len;
	struct blob b;
	u64 ct_len;
	int ret;

	ret = mig_file_ok(in, false, extack);
	if (ret)
		return ERR_PTR(ret);
	buf = mig_file_read(in, &len, extack);
	if (IS_ERR(buf))
		return ERR_CAST(buf);

	ret = blob_parse(buf, len, BLOB_EXPORT, &b, extack);
	if (ret)
		goto free;
	ret = -EBADMSG;
	if (b.body_len < EXPORT_FIXED + TVM_MIG_TAG_SIZE) {
		NL_SET_ERR_MSG(extack, "EXPORT blob body is too short");
		goto free;
	}
	mid = b.body;
	src = mid + TVM_MIG_ID_SIZE;
	dst = src + TVM_MIG_HOST_ID_SIZE;
	spub = dst + TVM_MIG_HOST_ID_SIZE;
	iv = spub + TVM_MIG_PUB_SIZE;
	pdig = iv + TVM_MIG_IV_SIZE;
	ct_len = get_unaligned_be64(pdig + 32);
	ct = b.body + EXPORT_FIXED;
	if (ct_len != b.body_len - EXPORT_FIXED) {
		NL_SET_ERR_MSG(extack, "EXPORT blob: ct_len does not match its body");
		goto free;
	}
	ret = tvm_mig_verify(src, buf, b.signed_len, b.sig, b.sig_len, extack);
	if (ret)
		goto free;

	mutex_lock(&tvm_mig_lock);
	ret = host_id(self, extack);
	if (ret)
		goto unlock;
	if (memcmp(dst, self, TVM_MIG_HOST_ID_SIZE)) {
		NL_SET_ERR_MSG(extack, "the EXPORT blob was made for another host");
		ret = -EXDEV;
		goto unlock;
	}
	m = mig_find(mid, TVM_MIG_DEST);
	ret = mig_step(m ? m->state : TVM_MIG_D_NONE, TVM_MA_IMPORT, &next,
		       extack);
	if (ret)
		goto unlock;
	if (memcmp(pdig, m->prepare_digest, 32)) {
		NL_SET_ERR_MSG(extack,
			       "the EXPORT blob answers another PREPARE blob (another migration)");
		ret = -EXDEV;
		goto unlock;
	}

	ret = tvm_mig_key_secret(m->key, spub, secret);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the EXPORT blob's key is not a P-256 point");
		ret = -EBADMSG;
		goto unlock;
	}
	ret = tvm_mig_kdf(secret, m->id, src, self, key);
	memzero_explicit(secret, sizeof(secret));
	if (ret)
		goto unlock;
	ret = -ENOMEM;
	pt = kvmalloc(ct_len, GFP_KERNEL);
	if (!pt)
		goto unlock;
	memcpy(pt, ct, ct_len);
	ret = tvm_mig_open(key, iv, buf, BLOB_HEAD + EXPORT_FIXED, pt, ct_len);
	memzero_explicit(key, sizeof(key));
	if (ret) {
		NL_SET_ERR_MSG(extack, "the sealed state does not open");
		ret = -EBADMSG;
		goto unlock;
	}
	vm = tvm_vm_mig_restore(pt, ct_len - TVM_MIG_TAG_SIZE, extack);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		vm = NULL;
		goto unlock;
	}
	if (vm->state == TVM_VM_LOG_FULL || vm->log_count >= vm->log_max ||
	    vm->log_bytes + sizeof(struct tvm_event) +
	    tvm_banks_digest_size(vm->banks) + sizeof(ev) > vm->log_max_bytes) {
		NL_SET_ERR_MSG(extack,
			       "the VM's log has no room for the PCR 15 IN event");
		ret = -ENOSPC;
		goto unlock;
	}

	/* The IN event first, before anything else can reach the VM. */
	mig_event(&ev, TVM_EV_MIG_IN, m, src, self);
	ret = tvm_vm_mig_set(vm, TVM_MIG_D_IMPORTED, &ev);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot log the PCR 15 IN event");
		goto unlock;
	}
	old = loopback_unname(m->id, vm);
	inst = tvm_vm_create_restored(vm, extack);	/* takes @vm */
	vm = NULL;
	if (IS_ERR(inst)) {
		ret = PTR_ERR(inst);
		inst = NULL;
		if (old)
			tvm_vm_rename(old);
		goto unlock;
	}

	ret = sha256(buf, len, m->export_digest);
	if (ret) {
		tvm_vm_delete(inst);
		if (old)
			tvm_vm_rename(old);
		tvm_vm_put(inst);
		inst = NULL;
		goto unlock;
	}
	m->state = next;
	tvm_mig_key_free(m->key);
	m->key = NULL;
	memcpy(m->peer, src, TVM_MIG_HOST_ID_SIZE);
	m->peer_known = true;
	m->vm = tvm_vm_get(inst);
	memcpy(id, m->id, TVM_MIG_ID_SIZE);
	expire_arm();
	/*
	 * This host's policy for the VM judges it from here on: its identity
	 * follows the IN event unless it is the one the source logged last.
	 */
	tvm_vm_policy_sync(inst);
unlock:
	mutex_unlock(&tvm_mig_lock);
	tvm_vm_put(vm);
	if (pt) {
		memzero_explicit(pt, ct_len);
		kvfree(pt);
	}
free:
	kvfree(buf);
	return ret ? ERR_PTR(ret) : inst;
}

/* --- receipts ------------------------------------------------------------ */

/*
 * The destination's receipt of @kind for @m, kept in @m for repeats:
 * id | source | destination | export digest | the VM's UUID.
 */
static int receipt_make(struct tvm_mig *m, u16 kind,
			struct netlink_ext_ack *extack)
{
	u8 self[TVM_MIG_HOST_ID_SIZE];
	u8 *buf, *p;
	size_t len;
	int ret;

	/* Signed by another key, the receipt would verify nowhere. */
	ret = host_id(self, extack);
	if (ret)
		return ret;
	if (memcmp(self, m->self, TVM_MIG_HOST_ID_SIZE)) {
		NL_SET_ERR_MSG(extack,
			       "the attestation key is not the one this id was prepared with");
		return -ENOKEY;
	}
	buf = kzalloc(BLOB_HEAD + RECEIPT_BODY + BLOB_TAIL, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	blob_head(buf, kind, RECEIPT_BODY);
	p = buf + BLOB_HEAD;
	memcpy(p, m->id, TVM_MIG_ID_SIZE);
	p += TVM_MIG_ID_SIZE;
	if (m->peer_known)
		memcpy(p, m->peer, TVM_MIG_HOST_ID_SIZE);
	p += TVM_MIG_HOST_ID_SIZE;
	memcpy(p, m->self, TVM_MIG_HOST_ID_SIZE);
	p += TVM_MIG_HOST_ID_SIZE;
	memcpy(p, m->export_digest, 32);	/* zero: never imported */
	p += 32;
	if (m->vm)
		memcpy(p, m->vm->uuid, TVM_UUID_SIZE);
	ret = blob_sign(buf, RECEIPT_BODY, &len, extack);
	if (ret) {
		kfree(buf);
		return ret;
	}
	kfree(m->receipt);
	m->receipt = buf;
	m->receipt_len = len;
	return 0;
}

static int receipt_copy(const struct tvm_mig *m, u8 **blob, size_t *len)
{
	*blob = kmemdup(m->receipt, m->receipt_len, GFP_KERNEL);
	if (!*blob)
		return -ENOMEM;
	*len = m->receipt_len;
	return 0;
}

int tvm_mig_commit_dest(const u8 id[TVM_MIG_ID_SIZE], u8 **blob, size_t *len,
			struct netlink_ext_ack *extack)
{
	struct tvm_ev_migration ev;
	enum tvm_mig_state next;
	struct tvm_mig *m;
	int ret;

	mutex_lock(&tvm_mig_lock);
	m = mig_find(id, TVM_MIG_DEST);
	ret = mig_step(m ? m->state : TVM_MIG_D_NONE, TVM_MA_COMMIT, &next,
		       extack);
	if (ret)
		goto out;
	if (m->state == next && m->receipt)
		goto copy;		/* the same receipt again */

	ret = receipt_make(m, BLOB_COMMIT, extack);
	if (ret)
		goto out;
	mig_event(&ev, TVM_EV_MIG_COMMIT, m, m->peer, m->self);
	ret = tvm_vm_mig_set(m->vm, next, &ev);
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG(extack,
				       "the imported VM was deleted");
		else
			NL_SET_ERR_MSG(extack,
				       "cannot log the PCR 15 COMMIT event");
		kfree(m->receipt);
		m->receipt = NULL;
		goto out;
	}
	m->state = next;
copy:
	ret = receipt_copy(m, blob, len);
out:
	mutex_unlock(&tvm_mig_lock);
	return ret;
}

int tvm_mig_abort_dest(const u8 id[TVM_MIG_ID_SIZE], u8 **blob, size_t *len,
		       struct netlink_ext_ack *extack)
{
	enum tvm_mig_state next;
	struct tvm_vm *vm;
	struct tvm_mig *m;
	int ret;

	mutex_lock(&tvm_mig_lock);
	m = mig_find(id, TVM_MIG_DEST);
	ret = mig_step(m ? m->state : TVM_MIG_D_NONE, TVM_MA_ABORT, &next,
		       extack);
	if (ret)
		goto out;
	if (m->state == next && m->receipt)
		goto copy;		/* the same receipt again */

	ret = receipt_make(m, BLOB_ABORT, extack);
	if (ret)
		goto out;
	tvm_mig_key_free(m->key);
	m->key = NULL;
	vm = m->vm;
	if (vm) {
		/* The instance is discarded: it runs nowhere, ever. */
		tvm_vm_mig_set(vm, TVM_MIG_D_ABORTED, NULL);
		tvm_vm_delete(vm);
		m->vm = NULL;
		tvm_vm_put(vm);
		loopback_rename(m->id);
	}
	m->state = next;
copy:
	ret = receipt_copy(m, blob, len);
out:
	mutex_unlock(&tvm_mig_lock);
	return ret;
}

/* A receipt's body, parsed. */
struct receipt {
	const u8 *id;
	const u8 *source;
	const u8 *dest;
	const u8 *export_digest;
	const u8 *uuid;
};

static int receipt_parse(const u8 *buf, size_t len, u16 kind,
			 struct receipt *r, struct netlink_ext_ack *extack)
{
	struct blob b;
	int ret;

	ret = blob_parse(buf, len, kind, &b, extack);
	if (ret)
		return ret;
	if (b.body_len != RECEIPT_BODY) {
		NL_SET_ERR_MSG(extack, "receipt body has the wrong length");
		return -EBADMSG;
	}
	r->id = b.body;
	r->source = r->id + TVM_MIG_ID_SIZE;
	r->dest = r->source + TVM_MIG_HOST_ID_SIZE;
	r->export_digest = r->dest + TVM_MIG_HOST_ID_SIZE;
	r->uuid = r->export_digest + 32;
	return tvm_mig_verify(r->dest, buf, b.signed_len, b.sig, b.sig_len,
			      extack);
}

/*
 * Whether receipt @r answers source record @m: this host, its
 * destination, its EXPORT blob (or, for an ABORT, none: the destination
 * never imported it) and its VM.  -EXDEV otherwise.
 */
static const u8 zero[32];

/*
 * An ABORT receipt of an id the destination never imported: it never
 * learnt the source, the EXPORT blob or the VM, and says so with zeros.
 */
static bool receipt_unimported(const struct receipt *r, bool abort)
{
	return abort && !memcmp(r->source, zero, TVM_MIG_HOST_ID_SIZE) &&
	       !memcmp(r->export_digest, zero, 32) &&
	       !memcmp(r->uuid, zero, TVM_UUID_SIZE);
}

static int receipt_match(const struct tvm_mig *m, const struct receipt *r,
			 bool abort, struct netlink_ext_ack *extack)
{
	if (memcmp(r->dest, m->peer, TVM_MIG_HOST_ID_SIZE)) {
		NL_SET_ERR_MSG(extack,
			       "the receipt is for a migration to another host");
		return -EXDEV;
	}
	if (receipt_unimported(r, abort))
		return 0;
	if (memcmp(r->export_digest, m->export_digest, 32)) {
		NL_SET_ERR_MSG(extack,
			       "the receipt is for another EXPORT blob (another migration)");
		return -EXDEV;
	}
	if (memcmp(r->uuid, m->vm->uuid, TVM_UUID_SIZE)) {
		NL_SET_ERR_MSG(extack, "the receipt is for another VM");
		return -EXDEV;
	}
	return 0;
}

/* Source: a COMMIT (@abort false) or ABORT receipt. */
static int receipt_take(const u8 *blob, size_t len, bool abort,
			u8 id[TVM_MIG_ID_SIZE], struct netlink_ext_ack *extack)
{
	u8 self[TVM_MIG_HOST_ID_SIZE];
	struct tvm_ev_migration ev;
	enum tvm_mig_state next;
	struct tvm_mig *m;
	struct receipt r;
	int ret;

	ret = receipt_parse(blob, len, abort ? BLOB_ABORT : BLOB_COMMIT, &r,
			    extack);
	if (ret)
		return ret;

	mutex_lock(&tvm_mig_lock);
	ret = host_id(self, extack);
	if (ret)
		goto out;
	if (memcmp(r.source, self, TVM_MIG_HOST_ID_SIZE) &&
	    !receipt_unimported(&r, abort)) {
		NL_SET_ERR_MSG(extack, "the receipt was made for another source host");
		ret = -EXDEV;
		goto out;
	}
	m = mig_find(r.id, TVM_MIG_SOURCE);
	if (m) {
		ret = receipt_match(m, &r, abort, extack);
		if (ret)
			goto out;
	}
	ret = mig_step(m ? m->state : TVM_MIG_S_NONE,
		       abort ? TVM_MA_ABORT_RCPT : TVM_MA_COMMIT_RCPT, &next,
		       extack);
	if (ret)
		goto out;
	if (abort) {
		mig_event(&ev, TVM_EV_MIG_ABORT, m, m->self, m->peer);
		tvm_vm_mig_set(m->vm, next, &ev);
		tvm_vm_rename(m->vm);
	} else {
		tvm_vm_mig_wipe(m->vm);
	}
	m->state = next;
	memcpy(id, m->id, TVM_MIG_ID_SIZE);
out:
	mutex_unlock(&tvm_mig_lock);
	return ret;
}

int tvm_mig_commit_src(const u8 *blob, size_t len, u8 id[TVM_MIG_ID_SIZE],
		       struct netlink_ext_ack *extack)
{
	return receipt_take(blob, len, false, id, extack);
}

int tvm_mig_abort_src(const u8 *blob, size_t len, u8 id[TVM_MIG_ID_SIZE],
		      struct netlink_ext_ack *extack)
{
	return receipt_take(blob, len, true, id, extack);
}

int tvm_mig_override(struct tvm_vm *vm, u8 id[TVM_MIG_ID_SIZE],
		     struct netlink_ext_ack *extack)
{
	struct tvm_ev_migration ev;
	enum tvm_mig_state next;
	struct tvm_mig *m, *last = NULL;
	int ret;

	mutex_lock(&tvm_mig_lock);
	/* The VM's latest migration as a source. */
	list_for_each_entry(m, &migs, node)
		if (m->role == TVM_MIG_SOURCE && m->vm == vm)
			last = m;
	m = last;
	ret = mig_step(m ? m->state : TVM_MIG_S_NONE, TVM_MA_OVERRIDE, &next,
		       extack);
	if (ret)
		goto out;
	mig_event(&ev, TVM_EV_MIG_OVERRIDE, m, m->self, m->peer);
	tvm_vm_mig_set(vm, next, &ev);
	tvm_ima_migration(vm, m->id, "override");
	tvm_vm_rename(vm);
	m->state = next;
	memcpy(id, m->id, TVM_MIG_ID_SIZE);
out:
	mutex_unlock(&tvm_mig_lock);
	return ret;
}

/* --- BIND, GET ------------------------------------------------------------ */

int tvm_mig_bind(pid_t pid, const u8 id[TVM_MIG_ID_SIZE],
		 struct netlink_ext_ack *extack)
{
	enum tvm_mig_state next;
	struct tvm_mig *m;
	int ret;

	mutex_lock(&tvm_mig_lock);
	m = mig_find(id, TVM_MIG_DEST);
	ret = mig_step(m ? m->state : TVM_MIG_D_NONE, TVM_MA_BIND, &next,
		       extack);
	if (ret)
		goto out;
	ret = -ENOENT;
	if (!m->vm) {
		NL_SET_ERR_MSG(extack, "the imported VM was deleted");
		goto out;
	}
	ret = tvm_vm_bind_incoming(pid, m->vm, extack);
out:
	mutex_unlock(&tvm_mig_lock);
	return ret;
}

int tvm_mig_info(unsigned long n, struct tvm_mig_info *info)
{
	struct tvm_mig *m;
	int ret = -ENOENT;

	mutex_lock(&tvm_mig_lock);
	list_for_each_entry(m, &migs, node) {
		if (n--)
			continue;
		memset(info, 0, sizeof(*info));
		memcpy(info->id, m->id, TVM_MIG_ID_SIZE);
		info->role = m->role;
		info->state = m->state;
		info->peer_known = m->peer_known;
		memcpy(info->peer, m->peer, TVM_MIG_HOST_ID_SIZE);
		info->vm_id = m->vm && !m->vm->dead ? m->vm->id : 0;
		if (m->state == TVM_MIG_D_PREPARED) {
			long left = (long)(m->expires - jiffies);

			info->has_expires = true;
			info->expires = left > 0 ? DIV_ROUND_UP(left, HZ) : 0;
		}
		ret = 0;
		break;
	}
	mutex_unlock(&tvm_mig_lock);
	return ret;
}

int tvm_migrate_init(void)
{
	INIT_DELAYED_WORK(&expire_work, expire_fn);
	return 0;
}

/* After the netlink family is gone: nothing adds records any more. */
void tvm_migrate_exit(void)
{
	struct tvm_mig *m, *tmp;

	cancel_delayed_work_sync(&expire_work);
	mutex_lock(&tvm_mig_lock);
	list_for_each_entry_safe(m, tmp, &migs, node)
		mig_free(m);
	mutex_unlock(&tvm_mig_lock);
}
