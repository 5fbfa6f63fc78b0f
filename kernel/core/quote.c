// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation: the attestation key (AK) and quotes.
 *
 * The AK is a private key the administrator loads into a keyring: an RSA
 * key (PKCS#8 through pkcs8_key_parser, an ``asymmetric`` key), or a NIST
 * P-256 key, whose private scalar is the payload of a ``logon`` key (6.1's
 * PKCS#8 parser takes RSA alone; a logon key cannot be read back by
 * userspace).  tvm holds a reference to it from TVM_CMD_AK_SET on, so it
 * keeps working whatever keyrings later callers have, and checks it at
 * each signature, so a revoked or expired key signs nothing more.  Of a
 * P-256 key tvm keeps a copy of the scalar taken at AK_SET, checked then
 * to be one: a later update of the logon key changes nothing.
 *
 * A quote is a TPM 2.0 TPMS_ATTEST of type quote over a selection of one
 * bank of a VM's PCRs, signed over its SHA-256: RSASSA-PKCS1-v1_5 with
 * create_signature(), or ECDSA with tvm's P-256 (kernel/lib/p256.c), in a
 * TPMT_SIGNATURE as TPM2_Quote makes it, so tpm2_checkquote verifies both.
 */

#include <crypto/internal/rsa.h>
#include <crypto/public_key.h>
#include <keys/asymmetric-type.h>
#include <keys/user-type.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <asm/unaligned.h>

#include "bank.h"
#include "p256.h"
#include "quote.h"
#include "tvm_log.h"
#include "vm.h"

/*
 * tvm_ak_lock protects ak, ak_info, ak_sig_size and ak_ec_priv: the key,
 * its public part, an RSA key's signature size and a P-256 key's private
 * scalar (zero unless ak_info.alg is TVM_AK_ALG_ECDSA), which change
 * together at AK_SET; tvm_quote_uninit() runs at module exit, when no
 * caller is left.
 */
static DEFINE_MUTEX(tvm_ak_lock);
static struct key *ak;
static struct tvm_ak_info ak_info;
static u16 ak_sig_size;
static u8 ak_ec_priv[TVM_AK_EC_BYTES];

/* An unsigned INTEGER's value, without its sign byte, into @out. */
static int copy_uint(const u8 *val, size_t len, u8 *out, u32 size, u32 *out_len)
{
	while (len > 1 && !*val) {
		val++;
		len--;
	}
	if (!len || len > size)
		return -EBADMSG;
	memcpy(out, val, len);
	*out_len = len;
	return 0;
}

/*
 * The modulus and public exponent from the private key's RSAPrivateKey
 * (RFC 8017 A.1.2), parsed by the kernel's RSA, which has read the same
 * bytes once already to answer query_asymmetric_key().
 */
static int rsa_public_part(const struct public_key *pub,
			   struct tvm_ak_info *info)
{
	struct rsa_key rsa = {};
	int ret;

	ret = rsa_parse_priv_key(&rsa, pub->key, pub->keylen);
	if (!ret)
		ret = copy_uint(rsa.n, rsa.n_sz, info->n, sizeof(info->n),
				&info->n_len);
	if (!ret)
		ret = copy_uint(rsa.e, rsa.e_sz, info->e, sizeof(info->e),
				&info->e_len);
	return ret;
}

/* The key @desc of @type in the caller's keyrings, or why not. */
static struct key *find_key(struct key_type *type, const char *desc,
			    struct netlink_ext_ack *extack)
{
	struct key *key;
	int ret;

	key = request_key(type, desc, NULL);
	if (IS_ERR(key)) {
		ret = PTR_ERR(key);
		if (ret == -ENOKEY || ret == -ENOENT) {
			NL_SET_ERR_MSG(extack,
				       "no such key in the caller's keyrings");
			return ERR_PTR(-ENOKEY);
		}
		NL_SET_ERR_MSG(extack,
			       "the key cannot be used (revoked, expired or not permitted)");
		return ERR_PTR(ret);
	}
	return key;
}

/* Make @key, with public part @info, the AK; an ECDSA one's @priv. */
static void ak_replace(struct key *key, const struct tvm_ak_info *info,
		       u16 sig_size, const u8 priv[TVM_AK_EC_BYTES])
{
	struct key *old;

	mutex_lock(&tvm_ak_lock);
	old = ak;
	ak = key;
	ak_info = *info;
	ak_sig_size = sig_size;
	if (priv)
		memcpy(ak_ec_priv, priv, TVM_AK_EC_BYTES);
	else
		memzero_explicit(ak_ec_priv, sizeof(ak_ec_priv));
	mutex_unlock(&tvm_ak_lock);
	key_put(old);
}

/*
 * A P-256 AK: the logon key @desc, whose payload must be the private
 * scalar, big-endian, 1 to n - 1.
 */
static int ak_set_ecdsa(const char *desc, struct tvm_ak_info *info,
			struct netlink_ext_ack *extack)
{
	const struct user_key_payload *up;
	u8 priv[TVM_AK_EC_BYTES];
	struct key *key;
	int ret;

	key = find_key(&key_type_logon, desc, extack);
	if (IS_ERR(key))
		return PTR_ERR(key);

	/* The payload is read under the key's semaphore (user-type.h). */
	down_read(&key->sem);
	up = user_key_payload_locked(key);
	ret = -EKEYREVOKED;		/* user_revoke() drops the payload */
	if (up) {
		ret = -EINVAL;
		if (up->datalen == TVM_AK_EC_BYTES) {
			memcpy(priv, up->data, TVM_AK_EC_BYTES);
			ret = 0;
		}
	}
	up_read(&key->sem);
	if (ret == -EKEYREVOKED) {
		NL_SET_ERR_MSG(extack, "the key was revoked");
		goto out;
	}
	if (!ret)
		ret = tvm_p256_public(priv, info->x, info->y);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "the logon key's payload is not a P-256 private key (32 bytes, big-endian, 1 to n - 1)");
		ret = -EINVAL;
		goto out;
	}
	info->alg = TVM_AK_ALG_ECDSA;
	info->bits = 256;
	ak_replace(key, info, TVM_AK_ECDSA_SIG_BYTES, priv);
	key = NULL;
out:
	memzero_explicit(priv, sizeof(priv));
	key_put(key);
	return ret;
}

int tvm_ak_set(const char *desc, u32 alg, struct tvm_ak_info *info,
	       struct netlink_ext_ack *extack)
{
	struct kernel_pkey_params params = {
		.encoding = "pkcs1",
		.hash_algo = "sha256",
	};
	struct kernel_pkey_query query;
	const struct public_key *pub;
	struct key *key;
	int ret;

	memset(info, 0, sizeof(*info));
	strscpy(info->desc, desc, sizeof(info->desc));
	if (alg == TVM_AK_ALG_ECDSA)
		return ak_set_ecdsa(desc, info, extack);

	key = find_key(&key_type_asymmetric, desc, extack);
	if (IS_ERR(key))
		return PTR_ERR(key);

	params.key = key;
	ret = query_asymmetric_key(&params, &query);
	pub = asymmetric_key_public_key(key);
	if (ret || !(query.supported_ops & KEYCTL_SUPPORTS_SIGN) || !pub ||
	    strcmp(pub->pkey_algo, "rsa") || !pub->key_is_private ||
	    query.key_size < 2048 || query.key_size > 4096 ||
	    query.max_sig_size > TVM_AK_MAX_BYTES ||
	    rsa_public_part(pub, info)) {
		NL_SET_ERR_MSG(extack,
			       "the key is not an RSA private key of 2048-4096 bits that signs");
		key_put(key);
		return -EOPNOTSUPP;
	}
	info->alg = TVM_AK_ALG_RSASSA;
	info->bits = query.key_size;
	ak_replace(key, info, query.max_sig_size, NULL);
	return 0;
}

int tvm_ak_get(struct tvm_ak_info *info, struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&tvm_ak_lock);
	if (ak)
		*info = ak_info;
	else
		ret = -ENOKEY;
	mutex_unlock(&tvm_ak_lock);
	if (ret)
		NL_SET_ERR_MSG(extack, "no attestation key set (tvmctl ak set)");
	return ret;
}

void tvm_quote_uninit(void)
{
	key_put(ak);
	ak = NULL;
	memzero_explicit(ak_ec_priv, sizeof(ak_ec_priv));
}

/* Big-endian writers over a bounded buffer. */
struct wbuf {
	u8 *p;
	u32 len, size;
};

static void put(struct wbuf *w, const void *d, u32 n)
{
	if (w->len + n <= w->size)
		memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void put16(struct wbuf *w, u16 v)
{
	__be16 b = cpu_to_be16(v);

	put(w, &b, sizeof(b));
}

static void put32(struct wbuf *w, u32 v)
{
	__be32 b = cpu_to_be32(v);

	put(w, &b, sizeof(b));
}

static void put64(struct wbuf *w, u64 v)
{
	__be64 b = cpu_to_be64(v);

	put(w, &b, sizeof(b));
}

/* qualifiedSigner: SHA-256 of the VM's UUID and name. */
static int signer_name(const struct tvm_vm *vm, u8 out[32])
{
	u8 buf[TVM_UUID_SIZE + TVM_NAME_MAX];
	char name[TVM_NAME_MAX + 1];
	size_t n;

	tvm_vm_ident(vm, name, buf);
	n = strlen(name);
	memcpy(buf + TVM_UUID_SIZE, name, n);
	return tvm_bank_hash(TVM_BANK_SHA256, buf, TVM_UUID_SIZE + n, out);
}

/*
 * ECDSA P-256 over @digest, as the TPMT_SIGNATURE a TPM makes: sigAlg,
 * hash, then r and s as TPM2B_ECC_PARAMETERs of the curve's size.
 */
static int ecdsa_tpmt(const u8 priv[TVM_AK_EC_BYTES], const u8 digest[32],
		      u8 *sig, u32 *sig_len)
{
	u8 *r = sig + 6, *s = sig + 8 + TVM_AK_EC_BYTES;
	int ret;

	ret = tvm_p256_sign(priv, digest, r, s);
	if (ret)
		return ret;
	put_unaligned_be16(TVM_AK_ALG_ECDSA, sig);
	put_unaligned_be16(TVM_TPM_ALG_SHA256, sig + 2);
	put_unaligned_be16(TVM_AK_EC_BYTES, sig + 4);
	put_unaligned_be16(TVM_AK_EC_BYTES, sig + 6 + TVM_AK_EC_BYTES);
	*sig_len = TVM_AK_ECDSA_SIG_BYTES;
	return 0;
}

int tvm_ak_sign(const u8 digest[32], u32 want, u32 *alg, u8 *sig,
		u32 *sig_len, struct netlink_ext_ack *extack)
{
	struct kernel_pkey_params params = {
		.encoding = "pkcs1",
		.hash_algo = "sha256",
		.in_len = 32,
	};
	u8 priv[TVM_AK_EC_BYTES];
	struct key *key;
	int ret;

	mutex_lock(&tvm_ak_lock);
	key = key_get(ak);
	*alg = ak_info.alg;
	params.out_len = ak_sig_size;
	memcpy(priv, ak_ec_priv, sizeof(priv));
	mutex_unlock(&tvm_ak_lock);
	if (!key) {
		NL_SET_ERR_MSG(extack, "no attestation key set (tvmctl ak set)");
		ret = -ENOKEY;
		goto out;
	}
	if (want && *alg != want) {
		if (want == TVM_AK_ALG_RSASSA)
			NL_SET_ERR_MSG(extack, "this needs an RSA attestation key");
		else
			NL_SET_ERR_MSG(extack, "this needs an ECDSA attestation key");
		ret = -EOPNOTSUPP;
		goto out;
	}
	/* A key revoked or expired since ak set signs nothing more. */
	ret = key_validate(key);
	if (ret) {
		if (ret == -EKEYREVOKED)
			NL_SET_ERR_MSG(extack,
				       "the attestation key was revoked (tvmctl ak set another)");
		else
			NL_SET_ERR_MSG(extack,
				       "the attestation key is expired or invalid (tvmctl ak set another)");
		goto out;
	}
	if (*alg == TVM_AK_ALG_ECDSA) {
		ret = ecdsa_tpmt(priv, digest, sig, sig_len);
	} else {
		params.key = key;
		ret = create_signature(&params, digest, sig);
		if (ret >= 0) {
			*sig_len = ret;
			ret = 0;
		}
	}
	if (ret)
		NL_SET_ERR_MSG(extack, "signing with the attestation key failed");
out:
	memzero_explicit(priv, sizeof(priv));
	key_put(key);
	return ret;
}

int tvm_quote(struct tvm_vm *vm, const u8 *nonce, u32 nonce_len,
	      unsigned int bank, u32 mask, struct tvm_quote *q,
	      struct netlink_ext_ack *extack)
{
	struct tvm_pcr_snapshot *snap;
	struct wbuf w = { .p = q->attest, .size = sizeof(q->attest) };
	u8 name[32], digest[32], *concat;
	unsigned int i, n = 0, size = tvm_banks[bank].size;
	int ret;

	ret = -ENOMEM;
	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	concat = kmalloc(TVM_NUM_PCRS * TVM_DIGEST_MAX, GFP_KERNEL);
	if (!snap || !concat)
		goto out;

	/* The values and the log prefix they replay, taken together. */
	tvm_vm_snapshot(vm, snap);
	q->log_count = snap->log_count;
	memcpy(q->pcrs, snap->pcrs, sizeof(q->pcrs));
	for (i = 0; i < TVM_NUM_PCRS; i++)
		if (mask & BIT(i))
			memcpy(concat + size * n++, snap->pcrs[bank][i], size);

	ret = tvm_bank_hash(TVM_BANK_SHA256, concat, size * n, digest);
	if (!ret)
		ret = signer_name(vm, name);
	if (ret)
		goto out;

	put32(&w, 0xff544347);		/* TPM_GENERATED_VALUE */
	put16(&w, 0x8018);		/* TPM_ST_ATTEST_QUOTE */
	put16(&w, 2 + sizeof(name));	/* qualifiedSigner: TPM2B_NAME */
	put16(&w, TVM_TPM_ALG_SHA256);
	put(&w, name, sizeof(name));
	put16(&w, nonce_len);		/* extraData: TPM2B_DATA */
	put(&w, nonce, nonce_len);
	/*
	 * clockInfo.clock is the VM's event count: it only grows, and so
	 * the signature covers the log prefix the PCRs are the replay of.
	 */
	put64(&w, snap->log_count);
	put32(&w, 0);			/* resetCount */
	put32(&w, vm->id);		/* restartCount */
	put(&w, "\x01", 1);		/* safe */
	/* firmwareVersion: the ABI, and how the VM was measured. */
	put64(&w, TVM_ABI_VERSION | (vm->kvm ? TVM_QUOTE_FW_KVM : 0) |
		  (READ_ONCE(vm->adopted) ? TVM_QUOTE_FW_ADOPTED : 0));
	put32(&w, 1);			/* TPML_PCR_SELECTION.count */
	put16(&w, tvm_banks[bank].tpm_alg);
	put(&w, "\x03", 1);		/* sizeofSelect */
	put(&w, (u8[]){ mask, mask >> 8, mask >> 16 }, 3);
	put16(&w, sizeof(digest));	/* pcrDigest: TPM2B_DIGEST */
	put(&w, digest, sizeof(digest));
	ret = -EOVERFLOW;
	if (w.len > w.size)
		goto out;
	q->attest_len = w.len;

	ret = tvm_bank_hash(TVM_BANK_SHA256, q->attest, q->attest_len, digest);
	if (ret)
		goto out;
	ret = tvm_ak_sign(digest, 0, &q->sig_alg, q->sig, &q->sig_len, extack);
out:
	kfree(concat);
	kfree(snap);
	return ret;
}
