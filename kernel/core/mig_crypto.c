// SPDX-License-Identifier: GPL-2.0
/*
 * The cryptography of trusted migration (Documentation/migration.rst):
 * ephemeral ECDH P-256 keys (kpp "ecdh-nist-p256"), HKDF-SHA256 (RFC 5869,
 * on "hmac(sha256)"), AES-256-GCM (aead "gcm(aes)") over kvmalloc'ed
 * buffers, signatures by this host's attestation key (quote.c) and their
 * verification against the peers' keys in %TVM_MIGRATION_KEYRING.
 *
 * Each operation allocates its own transform: a kpp transform holds its
 * private key, and the hash and AEAD keys are set per call, so no
 * transform is shared and no lock is needed.  Module init checks HKDF,
 * AES-GCM and host ids against known answers and an ECDH agreement, and
 * refuses to load when one fails.
 */

#include <crypto/aead.h>
#include <crypto/ecdh.h>
#include <crypto/hash.h>
#include <crypto/kpp.h>
#include <crypto/public_key.h>
#include <keys/asymmetric-type.h>
#include <linux/key.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/netlink.h>

#include "bank.h"
#include "migrate.h"
#include "policy.h"
#include "quote.h"

#define SHA256_LEN	32

/* The peers' keyring, TVM_MIGRATION_KEYRING; set at init, never changes. */
static struct key *mig_keyring;

/**
 * struct tvm_mig_key - an ephemeral ECDH key pair
 * @tfm: the kpp transform, which holds the private key
 */
struct tvm_mig_key {
	struct crypto_kpp *tfm;
};

/* --- ECDH P-256 ------------------------------------------------------------ */

/*
 * Run @tfm: the public key when @in is NULL, else the shared secret with
 * the public key @in.  @in and @out are kmalloc'ed: they go through
 * scatterlists.
 */
static int kpp_run(struct crypto_kpp *tfm, const u8 *in, u8 *out,
		   unsigned int out_len)
{
	struct scatterlist src, dst;
	struct kpp_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	req = kpp_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (in) {
		sg_init_one(&src, in, TVM_MIG_PUB_SIZE);
		kpp_request_set_input(req, &src, TVM_MIG_PUB_SIZE);
	} else {
		kpp_request_set_input(req, NULL, 0);
	}
	sg_init_one(&dst, out, out_len);
	kpp_request_set_output(req, &dst, out_len);
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				 CRYPTO_TFM_REQ_MAY_SLEEP,
				 crypto_req_done, &wait);
	ret = crypto_wait_req(in ? crypto_kpp_compute_shared_secret(req) :
				   crypto_kpp_generate_public_key(req), &wait);
	kpp_request_free(req);
	return ret;
}

int tvm_mig_key_new(struct tvm_mig_key **keyp, u8 pub[TVM_MIG_PUB_SIZE])
{
	/* No private key: the kpp makes a random one. */
	struct ecdh params = {};
	unsigned int len = crypto_ecdh_key_len(&params);
	struct tvm_mig_key *key;
	u8 *buf;
	int ret;

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	buf = kzalloc(max_t(unsigned int, len, TVM_MIG_PUB_SIZE), GFP_KERNEL);
	ret = -ENOMEM;
	if (!key || !buf)
		goto err;
	key->tfm = crypto_alloc_kpp("ecdh-nist-p256", 0, 0);
	if (IS_ERR(key->tfm)) {
		ret = PTR_ERR(key->tfm);
		key->tfm = NULL;
		goto err;
	}
	ret = crypto_ecdh_encode_key(buf, len, &params);
	if (!ret)
		ret = crypto_kpp_set_secret(key->tfm, buf, len);
	if (!ret)
		ret = kpp_run(key->tfm, NULL, buf, TVM_MIG_PUB_SIZE);
	if (ret)
		goto err;
	memcpy(pub, buf, TVM_MIG_PUB_SIZE);
	kfree(buf);
	*keyp = key;
	return 0;
err:
	kfree(buf);
	tvm_mig_key_free(key);
	return ret;
}

int tvm_mig_key_secret(struct tvm_mig_key *key,
		       const u8 peer[TVM_MIG_PUB_SIZE],
		       u8 secret[TVM_MIG_SECRET_SIZE])
{
	u8 *buf;
	int ret;

	buf = kmalloc(TVM_MIG_PUB_SIZE + TVM_MIG_SECRET_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, peer, TVM_MIG_PUB_SIZE);
	ret = kpp_run(key->tfm, buf, buf + TVM_MIG_PUB_SIZE,
		      TVM_MIG_SECRET_SIZE);
	/*
	 * The kpp checks the point (SP 800-56A partial validation): -EINVAL
	 * for one not on the curve, -EFAULT for a product at infinity.
	 */
	if (ret == -EINVAL || ret == -EFAULT)
		ret = -EBADMSG;
	if (!ret)
		memcpy(secret, buf + TVM_MIG_PUB_SIZE, TVM_MIG_SECRET_SIZE);
	kfree_sensitive(buf);
	return ret;
}

void tvm_mig_key_free(struct tvm_mig_key *key)
{
	if (!key)
		return;
	/* crypto_free_kpp() frees the context, the private key, sensitively. */
	if (key->tfm)
		crypto_free_kpp(key->tfm);
	kfree(key);
}

/* --- HKDF-SHA256 ----------------------------------------------------------- */

/* HMAC-SHA256, keyed already in @desc's transform, of @a || @b || @c. */
static int hmac3(struct shash_desc *desc, const u8 *a, size_t alen,
		 const u8 *b, size_t blen, const u8 *c, size_t clen, u8 *out)
{
	int ret;

	ret = crypto_shash_init(desc);
	if (!ret && alen)
		ret = crypto_shash_update(desc, a, alen);
	if (!ret && blen)
		ret = crypto_shash_update(desc, b, blen);
	if (!ret && clen)
		ret = crypto_shash_update(desc, c, clen);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	return ret;
}

static int hkdf_with(struct crypto_shash *tfm, const u8 *ikm, size_t ikm_len,
		     const u8 *salt, size_t salt_len, const u8 *info,
		     size_t info_len, u8 *okm, size_t okm_len)
{
	static const u8 zero_salt[SHA256_LEN];
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 prk[SHA256_LEN], t[SHA256_LEN];
	size_t done = 0, n;
	u8 i;
	int ret;

	desc->tfm = tfm;
	/* Extract: PRK = HMAC(salt, IKM), a missing salt being HashLen zeros. */
	if (!salt_len) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	ret = crypto_shash_setkey(tfm, salt, salt_len);
	if (!ret)
		ret = hmac3(desc, ikm, ikm_len, NULL, 0, NULL, 0, prk);
	if (!ret)
		ret = crypto_shash_setkey(tfm, prk, sizeof(prk));
	/* Expand: T(i) = HMAC(PRK, T(i - 1) || info || i), T(0) empty. */
	for (i = 1; !ret && done < okm_len; i++) {
		ret = hmac3(desc, t, i == 1 ? 0 : sizeof(t), info, info_len,
			    &i, 1, t);
		n = min_t(size_t, okm_len - done, sizeof(t));
		if (!ret)
			memcpy(okm + done, t, n);
		done += n;
	}
	shash_desc_zero(desc);
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(t, sizeof(t));
	return ret;
}

/* RFC 5869 with SHA-256: @okm_len (at most 255 * 32) bytes into @okm. */
static int hkdf_sha256(const u8 *ikm, size_t ikm_len, const u8 *salt,
		       size_t salt_len, const u8 *info, size_t info_len,
		       u8 *okm, size_t okm_len)
{
	struct crypto_shash *tfm;
	int ret;

	if (okm_len > 255 * SHA256_LEN)
		return -EINVAL;
	tfm = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = hkdf_with(tfm, ikm, ikm_len, salt, salt_len, info, info_len,
			okm, okm_len);
	crypto_free_shash(tfm);
	return ret;
}

#define KDF_LABEL	"tvm migration v1"

int tvm_mig_kdf(const u8 secret[TVM_MIG_SECRET_SIZE],
		const u8 id[TVM_MIG_ID_SIZE],
		const u8 source[TVM_MIG_HOST_ID_SIZE],
		const u8 dest[TVM_MIG_HOST_ID_SIZE],
		u8 key[TVM_MIG_KEY_SIZE])
{
	u8 info[sizeof(KDF_LABEL) - 1 + 2 * TVM_MIG_HOST_ID_SIZE];

	memcpy(info, KDF_LABEL, sizeof(KDF_LABEL) - 1);
	memcpy(info + sizeof(KDF_LABEL) - 1, source, TVM_MIG_HOST_ID_SIZE);
	memcpy(info + sizeof(KDF_LABEL) - 1 + TVM_MIG_HOST_ID_SIZE, dest,
	       TVM_MIG_HOST_ID_SIZE);
	return hkdf_sha256(secret, TVM_MIG_SECRET_SIZE, id, TVM_MIG_ID_SIZE,
			   info, sizeof(info), key, TVM_MIG_KEY_SIZE);
}

/* --- AES-256-GCM ----------------------------------------------------------- */

/*
 * Encrypt (@len bytes of plaintext, the tag appended) or decrypt (@len
 * bytes of ciphertext and tag) @buf in place.  @buf may be vmalloc'ed, so
 * it is described page by page; the AAD and IV are copied, wherever the
 * caller keeps them.
 */
static int gcm_crypt(bool enc, const u8 key[TVM_MIG_KEY_SIZE],
		     const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad,
		     size_t aad_len, u8 *buf, size_t len)
{
	size_t total = enc ? len + TVM_MIG_TAG_SIZE : len, off, n;
	struct scatterlist *sg;
	struct crypto_aead *tfm;
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	struct sg_table sgt;
	unsigned int nents;
	u8 *extra, *p;
	int ret;

	if (!enc && len < TVM_MIG_TAG_SIZE)
		return -EBADMSG;
	/* The crypto API counts in unsigned int. */
	if (len > INT_MAX - TVM_MIG_TAG_SIZE || aad_len > INT_MAX - total)
		return -EMSGSIZE;

	/* The IV, then the AAD. */
	extra = kmalloc(TVM_MIG_IV_SIZE + aad_len, GFP_KERNEL);
	if (!extra)
		return -ENOMEM;
	memcpy(extra, iv, TVM_MIG_IV_SIZE);
	if (aad_len)
		memcpy(extra + TVM_MIG_IV_SIZE, aad, aad_len);

	tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(tfm)) {
		ret = PTR_ERR(tfm);
		goto out_extra;
	}
	ret = crypto_aead_setkey(tfm, key, TVM_MIG_KEY_SIZE);
	if (!ret)
		ret = crypto_aead_setauthsize(tfm, TVM_MIG_TAG_SIZE);
	if (ret)
		goto out_tfm;

	nents = (aad_len ? 1 : 0) +
		DIV_ROUND_UP(offset_in_page(buf) + total, PAGE_SIZE);
	ret = sg_alloc_table(&sgt, nents, GFP_KERNEL);
	if (ret)
		goto out_tfm;
	sg = sgt.sgl;
	if (aad_len) {
		sg_set_buf(sg, extra + TVM_MIG_IV_SIZE, aad_len);
		sg = sg_next(sg);
	}
	for (off = 0; off < total; off += n) {
		p = buf + off;
		n = min_t(size_t, total - off, PAGE_SIZE - offset_in_page(p));
		sg_set_page(sg, is_vmalloc_addr(p) ? vmalloc_to_page(p) :
						     virt_to_page(p),
			    n, offset_in_page(p));
		sg = sg_next(sg);
	}

	ret = -ENOMEM;
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		goto out_sgt;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_crypt(req, sgt.sgl, sgt.sgl, len, extra);
	aead_request_set_ad(req, aad_len);
	ret = crypto_wait_req(enc ? crypto_aead_encrypt(req) :
				    crypto_aead_decrypt(req), &wait);
	aead_request_free(req);
out_sgt:
	sg_free_table(&sgt);
out_tfm:
	/* The transform's context, with the key schedule, is freed wiped. */
	crypto_free_aead(tfm);
out_extra:
	kfree(extra);
	return ret;
}

int tvm_mig_seal(const u8 key[TVM_MIG_KEY_SIZE],
		 const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad, size_t aad_len,
		 u8 *buf, size_t len)
{
	return gcm_crypt(true, key, iv, aad, aad_len, buf, len);
}

int tvm_mig_open(const u8 key[TVM_MIG_KEY_SIZE],
		 const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad, size_t aad_len,
		 u8 *buf, size_t len)
{
	/* gcm(aes) says -EBADMSG for a tag that does not match. */
	return gcm_crypt(false, key, iv, aad, aad_len, buf, len);
}

/* --- host ids and signatures ---------------------------------------------- */

/* DER length octets for @len at @p; their count.  @len < 64 KiB. */
static size_t der_len(u8 *p, size_t len)
{
	if (len < 0x80) {
		p[0] = len;
		return 1;
	}
	if (len < 0x100) {
		p[0] = 0x81;
		p[1] = len;
		return 2;
	}
	p[0] = 0x82;
	p[1] = len >> 8;
	p[2] = len;
	return 3;
}

/* The DER INTEGER of the minimal unsigned big-endian @v at @p; its bytes. */
static size_t der_uint(u8 *p, const u8 *v, size_t n)
{
	bool pad = v[0] & 0x80;
	size_t h;

	p[0] = 0x02;
	h = 1 + der_len(p + 1, n + pad);
	if (pad)
		p[h++] = 0;
	memcpy(p + h, v, n);
	return h + n;
}

/* Room for the DER RSAPublicKey of an @n_len-byte modulus, @e_len exponent. */
#define RSA_DER_MAX(n_len, e_len)	(4 + 2 * 5 + (n_len) + (e_len))

/*
 * The DER RSAPublicKey (RFC 8017 A.1.1) of modulus @n and exponent @e
 * (minimal big-endian, no leading zero) into @der (RSA_DER_MAX bytes of
 * room): what OpenSSL's i2d_PublicKey gives.  Its length.
 */
static size_t rsa_der(const u8 *n, size_t n_len, const u8 *e, size_t e_len,
		      u8 *der)
{
	/* SEQUENCE and two INTEGERs: tag, up to 3 length octets, a pad. */
	u8 *body = der + 4;
	size_t len, h;

	/* The body first, after room for the SEQUENCE header. */
	len = der_uint(body, n, n_len);
	len += der_uint(body + len, e, e_len);
	der[0] = 0x30;
	h = 1 + der_len(der + 1, len);
	memmove(der + h, body, len);
	return h + len;
}

/*
 * The SHA-256 of the DER RSAPublicKey of @info: the id owner keys have
 * too (policy.c).
 */
static int ak_host_id(const struct tvm_ak_info *info, u8 id[SHA256_LEN])
{
	u8 *der;
	size_t len;
	int ret;

	/* Migration blobs are signed RSA (tvm_mig_sign()). */
	if (info->alg != TVM_AK_ALG_RSASSA)
		return -EOPNOTSUPP;
	if (!info->n_len || !info->e_len)
		return -EINVAL;
	der = kmalloc(RSA_DER_MAX(info->n_len, info->e_len), GFP_KERNEL);
	if (!der)
		return -ENOMEM;
	len = rsa_der(info->n, info->n_len, info->e, info->e_len, der);
	ret = tvm_bank_hash(TVM_BANK_SHA256, der, len, id);
	kfree(der);
	return ret;
}

/*
 * A DER element of @tag at *@p (@end its buffer's end): its contents and
 * their length, *@p moved past it.  Lengths of up to two octets; any
 * encoding, rsa_der() judges canonical form.  NULL when it does not fit.
 */
static const u8 *der_take(const u8 **p, const u8 *end, u8 tag, size_t *len)
{
	const u8 *q = *p;
	size_t n;

	if (end - q < 2 || q[0] != tag)
		return NULL;
	n = q[1];
	q += 2;
	if (n == 0x81 || n == 0x82) {
		unsigned int octets = n - 0x80;

		if (end - q < octets)
			return NULL;
		n = octets == 1 ? q[0] : (size_t)q[0] << 8 | q[1];
		q += octets;
	} else if (n & 0x80) {
		return NULL;
	}
	if (end - q < n)
		return NULL;
	*p = q + n;
	*len = n;
	return q;
}

int tvm_mig_tpm_key_check(const u8 *der, size_t len, u8 id[SHA256_LEN])
{
	const u8 *p = der, *end = der + len, *seq, *n, *e;
	size_t seq_len, n_len, e_len;
	u8 *canon;
	int ret;

	seq = der_take(&p, end, 0x30, &seq_len);
	if (!seq || p != end)
		return -EBADMSG;
	p = seq;
	end = seq + seq_len;
	n = der_take(&p, end, 0x02, &n_len);
	e = n ? der_take(&p, end, 0x02, &e_len) : NULL;
	if (!e || p != end || !n_len || !e_len)
		return -EBADMSG;
	/* Positive integers without their sign octet: rsa_der() adds it. */
	if (n[0] & 0x80 || e[0] & 0x80)
		return -EBADMSG;
	if (n_len > 1 && !n[0]) {
		n++;
		n_len--;
	}
	if (e_len > 1 && !e[0]) {
		e++;
		e_len--;
	}
	if (!n[0] || !e[0] || e_len > 8 || n_len < 256 ||
	    n_len > TVM_AK_MAX_BYTES)
		return -EBADMSG;
	canon = kmalloc(RSA_DER_MAX(n_len, e_len), GFP_KERNEL);
	if (!canon)
		return -ENOMEM;
	ret = -EBADMSG;
	if (rsa_der(n, n_len, e, e_len, canon) == len &&
	    !memcmp(canon, der, len))
		ret = tvm_bank_hash(TVM_BANK_SHA256, der, len, id);
	kfree(canon);
	return ret;
}

int tvm_mig_tpm_verify(const u8 *der, size_t der_len, const void *data,
		       size_t len, const u8 *sig, size_t sig_len)
{
	struct public_key pub = {
		.pkey_algo = "rsa",
		.id_type = "X509",
		.key_is_private = false,
	};
	struct public_key_signature pks = {
		.pkey_algo = "rsa",
		.hash_algo = "sha256",
		.encoding = "pkcs1",
		.digest_size = SHA256_LEN,
	};
	int ret = -ENOMEM;

	/* public_key_verify_signature() copies the key, not the signature. */
	pub.key = kmemdup(der, der_len, GFP_KERNEL);
	pub.keylen = der_len;
	pks.s = kmemdup(sig, sig_len, GFP_KERNEL);
	pks.s_size = sig_len;
	pks.digest = kmalloc(SHA256_LEN, GFP_KERNEL);
	if (!pub.key || !pks.s || !pks.digest)
		goto out;
	ret = tvm_bank_hash(TVM_BANK_SHA256, data, len, pks.digest);
	if (ret)
		goto out;
	ret = public_key_verify_signature(&pub, &pks);
	if (ret && ret != -ENOMEM)
		ret = -EKEYREJECTED;
out:
	kfree(pub.key);
	kfree(pks.s);
	kfree(pks.digest);
	return ret;
}

int tvm_mig_host_id(u8 id[TVM_MIG_HOST_ID_SIZE])
{
	struct tvm_ak_info *info;
	int ret;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ret = tvm_ak_get(info, NULL);
	if (!ret)
		ret = ak_host_id(info, id);
	kfree(info);
	return ret;
}

int tvm_mig_sign(const void *data, size_t len, u8 *sig, u16 *sig_len)
{
	u8 digest[SHA256_LEN];
	u32 n, alg;
	int ret;

	ret = tvm_bank_hash(TVM_BANK_SHA256, data, len, digest);
	if (!ret)
		ret = tvm_ak_sign(digest, TVM_AK_ALG_RSASSA, &alg, sig, &n,
				  NULL);
	if (!ret)
		*sig_len = n;
	return ret;
}

/* The key filed under @host in the migration keyring, checked to be it. */
static struct key *peer_key(const u8 host[TVM_MIG_HOST_ID_SIZE],
			    struct netlink_ext_ack *extack)
{
	struct key *key = tvm_rsa_key_by_id(mig_keyring, host);

	if (key == ERR_PTR(-ENOKEY))
		NL_SET_ERR_MSG(extack,
			       "the peer's key is not in the " TVM_MIGRATION_KEYRING " keyring");
	else if (IS_ERR(key))
		NL_SET_ERR_MSG(extack,
			       "the key filed under the peer's host id is another key");
	return key;
}

int tvm_mig_verify(const u8 host[TVM_MIG_HOST_ID_SIZE], const void *data,
		   size_t len, const u8 *sig, size_t sig_len,
		   struct netlink_ext_ack *extack)
{
	struct public_key_signature pks = {
		.pkey_algo = "rsa",
		.hash_algo = "sha256",
		.encoding = "pkcs1",
		.digest_size = SHA256_LEN,
	};
	struct key *key;
	int ret;

	key = peer_key(host, extack);
	if (IS_ERR(key))
		return PTR_ERR(key);
	ret = -ENOMEM;
	pks.s = kmemdup(sig, sig_len, GFP_KERNEL);
	pks.s_size = sig_len;
	pks.digest = kmalloc(SHA256_LEN, GFP_KERNEL);
	if (!pks.s || !pks.digest)
		goto out;
	ret = tvm_bank_hash(TVM_BANK_SHA256, data, len, pks.digest);
	if (ret)
		goto out;
	ret = verify_signature(key, &pks);
	if (ret && ret != -ENOMEM) {
		NL_SET_ERR_MSG(extack,
			       "the signature does not verify with the peer's key");
		ret = -EKEYREJECTED;
	}
out:
	kfree(pks.s);
	kfree(pks.digest);
	key_put(key);
	return ret;
}

/* --- self-test and init ------------------------------------------------------ */

/* RFC 5869 A.1-A.3, the SHA-256 cases: the OKMs. */
static const u8 hkdf_okm1[] = {
	0x3c, 0xb2, 0x5f, 0x25, 0xfa, 0xac, 0xd5, 0x7a,
	0x90, 0x43, 0x4f, 0x64, 0xd0, 0x36, 0x2f, 0x2a,
	0x2d, 0x2d, 0x0a, 0x90, 0xcf, 0x1a, 0x5a, 0x4c,
	0x5d, 0xb0, 0x2d, 0x56, 0xec, 0xc4, 0xc5, 0xbf,
	0x34, 0x00, 0x72, 0x08, 0xd5, 0xb8, 0x87, 0x18,
	0x58, 0x65,
};

static const u8 hkdf_okm2[] = {
	0xb1, 0x1e, 0x39, 0x8d, 0xc8, 0x03, 0x27, 0xa1,
	0xc8, 0xe7, 0xf7, 0x8c, 0x59, 0x6a, 0x49, 0x34,
	0x4f, 0x01, 0x2e, 0xda, 0x2d, 0x4e, 0xfa, 0xd8,
	0xa0, 0x50, 0xcc, 0x4c, 0x19, 0xaf, 0xa9, 0x7c,
	0x59, 0x04, 0x5a, 0x99, 0xca, 0xc7, 0x82, 0x72,
	0x71, 0xcb, 0x41, 0xc6, 0x5e, 0x59, 0x0e, 0x09,
	0xda, 0x32, 0x75, 0x60, 0x0c, 0x2f, 0x09, 0xb8,
	0x36, 0x77, 0x93, 0xa9, 0xac, 0xa3, 0xdb, 0x71,
	0xcc, 0x30, 0xc5, 0x81, 0x79, 0xec, 0x3e, 0x87,
	0xc1, 0x4c, 0x01, 0xd5, 0xc1, 0xf3, 0x43, 0x4f,
	0x1d, 0x87,
};

static const u8 hkdf_okm3[] = {
	0x8d, 0xa4, 0xe7, 0x75, 0xa5, 0x63, 0xc1, 0x8f,
	0x71, 0x5f, 0x80, 0x2a, 0x06, 0x3c, 0x5a, 0x31,
	0xb8, 0xa1, 0x1f, 0x5c, 0x5e, 0xe1, 0x87, 0x9e,
	0xc3, 0x45, 0x4e, 0x5f, 0x3c, 0x73, 0x8d, 0x2d,
	0x9d, 0x20, 0x13, 0x95, 0xfa, 0xa4, 0xb6, 0x1a,
	0x96, 0xc8,
};

static int selftest_hkdf(void)
{
	static const u8 *const want[] = { hkdf_okm1, hkdf_okm2, hkdf_okm3 };
	static const size_t want_len[] = {
		sizeof(hkdf_okm1), sizeof(hkdf_okm2), sizeof(hkdf_okm3),
	};
	u8 ikm[80], salt[80], info[80], okm[82];
	unsigned int c, i;
	size_t l;
	int ret;

	for (c = 0; c < ARRAY_SIZE(want); c++) {
		l = want_len[c];
		if (c == 1) {
			/* A.2: 80 bytes each of 0x00.., 0x60.., 0xb0.. */
			for (i = 0; i < 80; i++) {
				ikm[i] = i;
				salt[i] = 0x60 + i;
				info[i] = 0xb0 + i;
			}
			ret = hkdf_sha256(ikm, 80, salt, 80, info, 80, okm, l);
		} else {
			/* A.1; A.3 without salt and info. */
			memset(ikm, 0x0b, 22);
			for (i = 0; i < 13; i++)
				salt[i] = i;
			for (i = 0; i < 10; i++)
				info[i] = 0xf0 + i;
			ret = hkdf_sha256(ikm, 22, salt, c ? 0 : 13, info,
					  c ? 0 : 10, okm, l);
		}
		if (ret)
			return ret;
		if (memcmp(okm, want[c], l)) {
			pr_err("HKDF-SHA256 self-test: RFC 5869 case %u gives a wrong OKM\n",
			       c + 1);
			return -EBADMSG;
		}
	}
	return 0;
}

/* The GCM specification's test case 16: AES-256, 60 bytes, AAD. */
static const u8 gcm16_key[] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};

static const u8 gcm16_iv[] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad,
	0xde, 0xca, 0xf8, 0x88,
};

static const u8 gcm16_aad[] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xab, 0xad, 0xda, 0xd2,
};

static const u8 gcm16_pt[] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5,
	0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
	0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
	0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53,
	0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57,
	0xba, 0x63, 0x7b, 0x39,
};

/* Its ciphertext, then its tag. */
static const u8 gcm16_ct[] = {
	0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07,
	0xf4, 0x7f, 0x37, 0xa3, 0x2a, 0x84, 0x42, 0x7d,
	0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9,
	0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa,
	0x8c, 0xb0, 0x8e, 0x48, 0x59, 0x0d, 0xbb, 0x3d,
	0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
	0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a,
	0xbc, 0xc9, 0xf6, 0x62, 0x76, 0xfc, 0x6e, 0xce,
	0x0f, 0x4e, 0x17, 0x68, 0xcd, 0xdf, 0x88, 0x53,
	0xbb, 0x2d, 0x55, 0x1b,
};

/* Test case 14: a zero block under a zero key and IV, no AAD. */
static const u8 gcm14_ct[] = {
	0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60, 0x6b, 0x6e,
	0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18,
	0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99, 0x6b, 0xf0,
	0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19,
};

/*
 * Test case 16 sealed across a page boundary of a vmalloc'ed buffer,
 * opened again, and refused once a bit of it flips; then test case 14 in
 * a kmalloc'ed buffer.
 */
static int selftest_gcm(void)
{
	u8 zero[TVM_MIG_KEY_SIZE] = {}, *v, *buf;
	int ret;

	BUILD_BUG_ON(sizeof(gcm16_ct) != sizeof(gcm16_pt) + TVM_MIG_TAG_SIZE);
	v = vmalloc(2 * PAGE_SIZE);
	if (!v)
		return -ENOMEM;
	buf = v + PAGE_SIZE - 30;
	memcpy(buf, gcm16_pt, sizeof(gcm16_pt));
	ret = tvm_mig_seal(gcm16_key, gcm16_iv, gcm16_aad, sizeof(gcm16_aad),
			   buf, sizeof(gcm16_pt));
	if (!ret && memcmp(buf, gcm16_ct, sizeof(gcm16_ct)))
		ret = -EBADMSG;
	if (!ret)
		ret = tvm_mig_open(gcm16_key, gcm16_iv, gcm16_aad,
				   sizeof(gcm16_aad), buf, sizeof(gcm16_ct));
	if (!ret && memcmp(buf, gcm16_pt, sizeof(gcm16_pt)))
		ret = -EBADMSG;
	if (!ret) {
		memcpy(buf, gcm16_ct, sizeof(gcm16_ct));
		buf[40] ^= 1;
		ret = tvm_mig_open(gcm16_key, gcm16_iv, gcm16_aad,
				   sizeof(gcm16_aad), buf, sizeof(gcm16_ct));
		ret = ret == -EBADMSG ? 0 : -EBADMSG;
	}
	vfree(v);
	if (ret) {
		pr_err("AES-256-GCM self-test: GCM test case 16 failed: %d\n",
		       ret);
		return ret;
	}

	buf = kzalloc(sizeof(gcm14_ct), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = tvm_mig_seal(zero, zero, NULL, 0, buf, 16);
	if (!ret && memcmp(buf, gcm14_ct, sizeof(gcm14_ct)))
		ret = -EBADMSG;
	kfree(buf);
	if (ret)
		pr_err("AES-256-GCM self-test: GCM test case 14 failed: %d\n",
		       ret);
	return ret;
}

/*
 * Host ids of made-up moduli of 1024 and 2048 bits (both lengths of DER
 * length octets), exponent 65537: SHA-256 of the DER RSAPublicKey
 * OpenSSL's i2d_PublicKey gives.
 */
static const u8 host_id1024[] = {
	0xda, 0xb6, 0x50, 0x34, 0x34, 0x6e, 0xb1, 0x68,
	0x46, 0x1d, 0xcd, 0x15, 0x9d, 0x8b, 0x39, 0x80,
	0xa2, 0x83, 0x00, 0x2f, 0xca, 0x5f, 0x1a, 0xec,
	0xdf, 0xf7, 0x13, 0x55, 0xfd, 0xc1, 0xc4, 0x1c,
};

static const u8 host_id2048[] = {
	0x0a, 0xfd, 0x8d, 0x3d, 0xce, 0xc7, 0xec, 0x19,
	0xfc, 0x84, 0x36, 0xb5, 0x8d, 0xda, 0x61, 0x76,
	0x70, 0x5a, 0xd5, 0x99, 0x75, 0x87, 0xd4, 0x2f,
	0x89, 0xd8, 0x19, 0x4e, 0x44, 0x9b, 0xba, 0x02,
};

static int selftest_host_id(void)
{
	struct tvm_ak_info *info;
	u8 id[SHA256_LEN];
	unsigned int i;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->alg = TVM_AK_ALG_RSASSA;
	info->e[0] = 0x01;
	info->e[1] = 0x00;
	info->e[2] = 0x01;
	info->e_len = 3;
	for (i = 0; i < 128; i++)
		info->n[i] = 0x80 + i % 0x7f;
	info->n[127] = 0x01;
	info->n_len = 128;
	ret = ak_host_id(info, id);
	if (!ret && memcmp(id, host_id1024, sizeof(id)))
		ret = -EBADMSG;
	for (i = 0; i < 256; i++)
		info->n[i] = 0xc0 - i % 0x40;
	info->n[255] = 0x03;
	info->n_len = 256;
	if (!ret)
		ret = ak_host_id(info, id);
	if (!ret && memcmp(id, host_id2048, sizeof(id)))
		ret = -EBADMSG;
	kfree(info);
	if (ret)
		pr_err("host id self-test: the DER RSAPublicKey is wrong: %d\n",
		       ret);
	return ret;
}

/* Two key pairs agree on a secret, and a point off the curve is refused. */
static int selftest_ecdh(void)
{
	u8 pub[2][TVM_MIG_PUB_SIZE], secret[2][TVM_MIG_SECRET_SIZE];
	struct tvm_mig_key *a = NULL, *b = NULL;
	int ret;

	ret = tvm_mig_key_new(&a, pub[0]);
	if (!ret)
		ret = tvm_mig_key_new(&b, pub[1]);
	if (!ret)
		ret = tvm_mig_key_secret(a, pub[1], secret[0]);
	if (!ret)
		ret = tvm_mig_key_secret(b, pub[0], secret[1]);
	if (!ret && memcmp(secret[0], secret[1], TVM_MIG_SECRET_SIZE))
		ret = -EBADMSG;
	if (!ret) {
		pub[0][TVM_MIG_PUB_SIZE - 1] ^= 1;
		ret = tvm_mig_key_secret(b, pub[0], secret[1]);
		ret = ret == -EBADMSG ? 0 : -EBADMSG;
	}
	memzero_explicit(secret, sizeof(secret));
	tvm_mig_key_free(a);
	tvm_mig_key_free(b);
	if (ret)
		pr_err("ECDH P-256 self-test failed: %d (are ecdh_generic and drbg loadable?)\n",
		       ret);
	return ret;
}

int tvm_mig_crypto_init(void)
{
	struct key *keyring;
	int ret;

	ret = selftest_hkdf();
	if (!ret)
		ret = selftest_gcm();
	if (!ret)
		ret = selftest_host_id();
	if (!ret)
		ret = selftest_ecdh();
	if (ret) {
		pr_err("migration crypto self-test failed (%d): not loading\n",
		       ret);
		return ret;
	}

	keyring = tvm_rsa_keyring_alloc(TVM_MIGRATION_KEYRING);
	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	mig_keyring = keyring;
	return 0;
}

void tvm_mig_crypto_exit(void)
{
	if (mig_keyring) {
		key_revoke(mig_keyring);
		key_put(mig_keyring);
		mig_keyring = NULL;
	}
}
