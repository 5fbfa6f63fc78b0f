// SPDX-License-Identifier: GPL-2.0
/*
 * PLACEHOLDER, NOT CRYPTOGRAPHY: stands in for mig_crypto.c (branch
 * mig-crypto) so that migrate.c builds and its protocol logic can be
 * tested before the real primitives land.  It is deleted by the merge of
 * mig-crypto.  Host id: SHA-256 of a fixed string; "signatures" are
 * SHA-256 digests; "ECDH" is XOR; "GCM" is XOR with a SHA-256 tag.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/netlink.h>

#include "bank.h"
#include "migrate.h"

struct tvm_mig_key {
	u8 k[32];
};

int tvm_mig_crypto_init(void)
{
	return 0;
}

void tvm_mig_crypto_exit(void)
{
}

int tvm_mig_key_new(struct tvm_mig_key **key, u8 pub[TVM_MIG_PUB_SIZE])
{
	*key = kzalloc(sizeof(**key), GFP_KERNEL);
	if (!*key)
		return -ENOMEM;
	get_random_bytes((*key)->k, 32);
	memcpy(pub, (*key)->k, 32);
	memcpy(pub + 32, (*key)->k, 32);
	return 0;
}

int tvm_mig_key_secret(struct tvm_mig_key *key,
		       const u8 peer[TVM_MIG_PUB_SIZE],
		       u8 secret[TVM_MIG_SECRET_SIZE])
{
	unsigned int i;

	if (memcmp(peer, peer + 32, 32))
		return -EBADMSG;
	for (i = 0; i < 32; i++)
		secret[i] = key->k[i] ^ peer[i];
	return 0;
}

void tvm_mig_key_free(struct tvm_mig_key *key)
{
	kfree_sensitive(key);
}

int tvm_mig_kdf(const u8 secret[TVM_MIG_SECRET_SIZE],
		const u8 id[TVM_MIG_ID_SIZE],
		const u8 source[TVM_MIG_HOST_ID_SIZE],
		const u8 dest[TVM_MIG_HOST_ID_SIZE],
		u8 key[TVM_MIG_KEY_SIZE])
{
	u8 buf[32 + 16 + 32 + 32];

	memcpy(buf, secret, 32);
	memcpy(buf + 32, id, 16);
	memcpy(buf + 48, source, 32);
	memcpy(buf + 80, dest, 32);
	return tvm_bank_hash(TVM_BANK_SHA256, buf, sizeof(buf), key);
}

static int tag(const u8 *key, const u8 *aad, size_t aad_len, const u8 *ct,
	       size_t len, u8 out[32])
{
	u8 *buf = kvmalloc(32 + aad_len + len, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, key, 32);
	memcpy(buf + 32, aad, aad_len);
	memcpy(buf + 32 + aad_len, ct, len);
	ret = tvm_bank_hash(TVM_BANK_SHA256, buf, 32 + aad_len + len, out);
	kvfree(buf);
	return ret;
}

int tvm_mig_seal(const u8 key[TVM_MIG_KEY_SIZE],
		 const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad, size_t aad_len,
		 u8 *buf, size_t len)
{
	u8 t[32];
	size_t i;
	int ret;

	for (i = 0; i < len; i++)
		buf[i] ^= key[i % 32] ^ iv[i % 12];
	ret = tag(key, aad, aad_len, buf, len, t);
	if (!ret)
		memcpy(buf + len, t, TVM_MIG_TAG_SIZE);
	return ret;
}

int tvm_mig_open(const u8 key[TVM_MIG_KEY_SIZE],
		 const u8 iv[TVM_MIG_IV_SIZE], const u8 *aad, size_t aad_len,
		 u8 *buf, size_t len)
{
	u8 t[32];
	size_t i;
	int ret;

	if (len < TVM_MIG_TAG_SIZE)
		return -EBADMSG;
	len -= TVM_MIG_TAG_SIZE;
	ret = tag(key, aad, aad_len, buf, len, t);
	if (ret)
		return ret;
	if (memcmp(t, buf + len, TVM_MIG_TAG_SIZE))
		return -EBADMSG;
	for (i = 0; i < len; i++)
		buf[i] ^= key[i % 32] ^ iv[i % 12];
	return 0;
}

int tvm_mig_host_id(u8 id[TVM_MIG_HOST_ID_SIZE])
{
	return tvm_bank_hash(TVM_BANK_SHA256, "stub host", 9, id);
}

int tvm_mig_sign(const void *data, size_t len, u8 *sig, u16 *sig_len)
{
	*sig_len = 32;
	return tvm_bank_hash(TVM_BANK_SHA256, data, len, sig);
}

int tvm_mig_verify(const u8 host[TVM_MIG_HOST_ID_SIZE], const void *data,
		   size_t len, const u8 *sig, size_t sig_len,
		   struct netlink_ext_ack *extack)
{
	u8 want[32], self[32];

	tvm_mig_host_id(self);
	if (memcmp(host, self, 32)) {
		NL_SET_ERR_MSG(extack, "signer not in .tvm_migration");
		return -ENOKEY;
	}
	if (tvm_bank_hash(TVM_BANK_SHA256, data, len, want) || sig_len != 32 ||
	    memcmp(want, sig, 32)) {
		NL_SET_ERR_MSG(extack, "signature does not verify");
		return -EKEYREJECTED;
	}
	return 0;
}
