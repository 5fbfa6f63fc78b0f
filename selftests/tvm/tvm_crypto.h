/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tvm selftests' independent oracle: each bank's hash and a PCR
 * extend computed with OpenSSL (link with -lcrypto).
 */
#ifndef _TVM_SELFTEST_CRYPTO_H
#define _TVM_SELFTEST_CRYPTO_H

#include <openssl/evp.h>

#include "tvm_test.h"

static const char *const tvm_test_evp_name[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = "SHA1",
	[TVM_BANK_SHA256] = "SHA256",
	[TVM_BANK_SHA384] = "SHA384",
	[TVM_BANK_SM3_256] = "SM3",
};

/* H_bank(@a || @b) with OpenSSL; 0 or -1. */
static inline int md2(unsigned int bank, const void *a, size_t alen,
		      const void *b, size_t blen, uint8_t *out)
{
	EVP_MD *md = EVP_MD_fetch(NULL, tvm_test_evp_name[bank], NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	ok = md && ctx && EVP_DigestInit_ex(ctx, md, NULL) &&
	     EVP_DigestUpdate(ctx, a, alen) && EVP_DigestUpdate(ctx, b, blen) &&
	     EVP_DigestFinal_ex(ctx, out, &n) && n == tvm_test_bank_size[bank];
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return ok ? 0 : -1;
}

/* H_bank(@data) with OpenSSL; 0 or -1. */
static inline int md(unsigned int bank, const void *data, size_t len,
		     uint8_t *out)
{
	return md2(bank, data, len, NULL, 0, out);
}

/* @pcr = H_bank(@pcr || @digest), as TPM2_PCR_Extend defines it; 0 or -1. */
static inline int extend(unsigned int bank, uint8_t *pcr,
			 const uint8_t *digest)
{
	uint8_t old[TVM_DIGEST_MAX];
	unsigned int n = tvm_test_bank_size[bank];

	memcpy(old, pcr, n);
	return md2(bank, old, n, digest, n, pcr);
}

/*
 * Replay @log for @banks: EV_NO_ACTION "TVMR" markers zero their PCR,
 * other EV_NO_ACTION events are skipped, everything else extends.
 * 0, or -1 on an event that makes no sense.
 */
static inline int replay(const struct tvm_log *log, uint32_t banks,
		  struct tvm_pcrs *out)
{
	const struct tvm_ev *ev;
	unsigned int b;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->log_count = log->n;
	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (banks & (1u << b))
			out->have[b] = TVM_PCR_MASK_ALL;
	for (i = 0; i < log->n; i++) {
		ev = &log->ev[i];
		if (ev->pcr >= TVM_NUM_PCRS || ev->banks != banks)
			return -1;
		if (ev->type == TVM_EV_NO_ACTION) {
			if (ev->data_len == sizeof(struct tvm_ev_reset) &&
			    !memcmp(ev->data, "TVMR", 4)) {
				if (ev->data[4] != ev->pcr)
					return -1;
				for (b = 0; b < __TVM_BANK_MAX; b++)
					memset(out->v[b][ev->pcr], 0,
					       TVM_DIGEST_MAX);
			}
			continue;
		}
		for (b = 0; b < __TVM_BANK_MAX; b++)
			if ((banks & (1u << b)) &&
			    extend(b, out->v[b][ev->pcr], ev->digest[b]))
				return -1;
	}
	return 0;
}

#endif /* _TVM_SELFTEST_CRYPTO_H */
