// SPDX-License-Identifier: GPL-2.0
/*
 * PCR banks.  SHA-1, SHA-256 and SHA-384 come from the crypto API.  SM3
 * comes from the crypto API where the kernel has it ("sm3"); Debian 12's
 * kernel does not, and then tvm's own implementation (kernel/lib/sm3.c,
 * written from GB/T 32905) is used.  Both give the same digests; the
 * selftests check each bank against user-space implementations.
 */

#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "api.h"
#include "bank.h"
#include "sm3.h"
#include "tvm_log.h"

/*
 * One transform per bank, or NULL for SM3 done by kernel/lib/sm3.c.  Set at
 * init, freed at exit; hashing only reads them, so they need no lock.
 */
static struct crypto_shash *tfms[__TVM_BANK_MAX];

static const char *const crypto_names[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = "sha1",
	[TVM_BANK_SHA256] = "sha256",
	[TVM_BANK_SHA384] = "sha384",
	[TVM_BANK_SM3_256] = "sm3",
};

struct crypto_shash *tvm_sha256_tfm(void)
{
	return tfms[TVM_BANK_SHA256];
}
EXPORT_SYMBOL_GPL(tvm_sha256_tfm);

int tvm_bank_init(void)
{
	struct crypto_shash *tfm;
	unsigned int b;
	int ret;

	for (b = 0; b < __TVM_BANK_MAX; b++) {
		tfm = crypto_alloc_shash(crypto_names[b], 0, 0);
		if (IS_ERR(tfm)) {
			ret = PTR_ERR(tfm);
			if (b == TVM_BANK_SM3_256 && ret == -ENOENT) {
				pr_info("no sm3 in the crypto API; using tvm's SM3\n");
				continue;
			}
			pr_err("cannot allocate %s: %d\n", crypto_names[b], ret);
			goto err;
		}
		if (crypto_shash_digestsize(tfm) != tvm_banks[b].size) {
			pr_err("%s: digest size %u, expected %u\n",
			       crypto_names[b], crypto_shash_digestsize(tfm),
			       tvm_banks[b].size);
			crypto_free_shash(tfm);
			ret = -EINVAL;
			goto err;
		}
		tfms[b] = tfm;
	}
	return 0;

err:
	tvm_bank_uninit();
	return ret;
}

void tvm_bank_uninit(void)
{
	unsigned int b;

	for (b = 0; b < __TVM_BANK_MAX; b++) {
		crypto_free_shash(tfms[b]);
		tfms[b] = NULL;
	}
}

/* SM3(@a || @b) by tvm's own SM3, for a kernel without "sm3". */
static void sm3_2(const void *a, size_t alen, const void *b, size_t blen,
		  u8 *out)
{
	struct tvm_sm3_ctx sm3;

	tvm_sm3_init(&sm3);
	tvm_sm3_update(&sm3, a, alen);
	tvm_sm3_update(&sm3, b, blen);
	tvm_sm3_final(&sm3, out);
}

/* H_bank(@a || @b), either part may be empty. */
static int hash2(unsigned int bank, const void *a, size_t alen,
		 const void *b, size_t blen, u8 *out)
{
	int ret;

	if (!tfms[bank]) {
		sm3_2(a, alen, b, blen, out);
		return 0;
	}

	{
		SHASH_DESC_ON_STACK(desc, tfms[bank]);

		desc->tfm = tfms[bank];
		ret = crypto_shash_init(desc);
		if (!ret && alen)
			ret = crypto_shash_update(desc, a, alen);
		if (!ret && blen)
			ret = crypto_shash_update(desc, b, blen);
		if (!ret)
			ret = crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	return ret;
}

int tvm_bank_hash(unsigned int bank, const void *data, size_t len, u8 *out)
{
	return hash2(bank, data, len, NULL, 0, out);
}

/*
 * Unlike hash2(), this leaves its descriptor unwiped: a PCR's value and an
 * event's digest are public (whoever may read the VM's log reads both),
 * and an extend is the hot path of every measurement.
 */
int tvm_bank_extend(unsigned int bank, const u8 *pcr, const u8 *digest,
		    u8 *out)
{
	unsigned int size = tvm_banks[bank].size;

	if (!tfms[bank]) {
		sm3_2(pcr, size, digest, size, out);	/* @out may be @pcr */
		return 0;
	}

	{
		SHASH_DESC_ON_STACK(desc, tfms[bank]);

		desc->tfm = tfms[bank];
		/* @pcr is consumed by the update before @out is written. */
		return crypto_shash_init(desc) ?:
		       crypto_shash_update(desc, pcr, size) ?:
		       crypto_shash_finup(desc, digest, size, out);
	}
}

/**
 * struct tvm_multihash - a hash in progress in several banks
 * @banks: mask of (1 << enum tvm_bank)
 * @desc: per bank of @banks with a crypto API transform, its descriptor
 * @sm3: the state of tvm's own SM3, when SM3 is in @banks without one
 */
struct tvm_multihash {
	u32 banks;
	struct shash_desc *desc[__TVM_BANK_MAX];
	struct tvm_sm3_ctx sm3;
};

struct tvm_multihash *tvm_multihash_alloc(u32 banks)
{
	struct tvm_multihash *h;
	struct shash_desc *d;
	unsigned int b;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	h->banks = banks & TVM_BANKS_ALL;
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(h->banks & BIT(b)))
			continue;
		if (!tfms[b]) {
			tvm_sm3_init(&h->sm3);
			continue;
		}
		d = kzalloc(sizeof(*d) + crypto_shash_descsize(tfms[b]),
			    GFP_KERNEL);
		if (!d)
			goto err;
		h->desc[b] = d;
		d->tfm = tfms[b];
		if (crypto_shash_init(d))
			goto err;
	}
	return h;
err:
	tvm_multihash_free(h);
	return NULL;
}

/*
 * One step of every bank's hash in @h: without @out, feed it @len bytes
 * of @data; with @out, finish it into @out[bank].
 */
static int multihash_step(struct tvm_multihash *h, const void *data,
			  size_t len, u8 out[][TVM_DIGEST_MAX])
{
	unsigned int b;
	int ret = 0;

	for (b = 0; b < __TVM_BANK_MAX && !ret; b++) {
		if (!(h->banks & BIT(b)))
			continue;
		if (!h->desc[b] && out)
			tvm_sm3_final(&h->sm3, out[b]);
		else if (!h->desc[b])
			tvm_sm3_update(&h->sm3, data, len);
		else if (out)
			ret = crypto_shash_final(h->desc[b], out[b]);
		else
			ret = crypto_shash_update(h->desc[b], data, len);
	}
	return ret;
}

int tvm_multihash_update(struct tvm_multihash *h, const void *data,
			 size_t len)
{
	return multihash_step(h, data, len, NULL);
}

int tvm_multihash_final(struct tvm_multihash *h, u8 out[][TVM_DIGEST_MAX])
{
	return multihash_step(h, NULL, 0, out);
}

void tvm_multihash_free(struct tvm_multihash *h)
{
	unsigned int b;

	if (!h)
		return;
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (h->desc[b]) {
			shash_desc_zero(h->desc[b]);
			kfree(h->desc[b]);
		}
	}
	kfree(h);
}
