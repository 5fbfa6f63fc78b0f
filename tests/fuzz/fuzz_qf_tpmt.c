// SPDX-License-Identifier: GPL-2.0
/*
 * qf_tpmt_parse() on arbitrary bytes: what it accepts must be exactly the
 * TPMT_SIGNATURE its fields make again, RSASSA through qf_sig_encode(),
 * ECDSA as sigAlg, hash, then r and s each after its u16 size.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "quote_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[6 + 65536];
	struct qf_sig qs;
	size_t n;
	int ret;

	ret = qf_tpmt_parse(data, size, &qs);
	if (ret) {
		FUZZ_CHECK(ret == -EBADMSG || ret == -EOPNOTSUPP);
		return 0;
	}
	if (qs.alg == QF_ALG_RSASSA) {
		FUZZ_CHECK(qs.sig >= data && qs.sig + qs.sig_len <= data + size);
		FUZZ_CHECK(qf_sig_encode(qs.sig, qs.sig_len, again) == size);
		FUZZ_CHECK(!memcmp(again, data, size));
		return 0;
	}
	FUZZ_CHECK(qs.alg == QF_ALG_ECDSA);
	FUZZ_CHECK(qs.r_len >= 1 && qs.r_len <= QF_EC_BYTES);
	FUZZ_CHECK(qs.s_len >= 1 && qs.s_len <= QF_EC_BYTES);
	memcpy(again, "\x00\x18\x00\x0b", 4);
	n = 4;
	again[n++] = 0;
	again[n++] = (uint8_t)qs.r_len;
	memcpy(again + n, qs.r, qs.r_len);
	n += qs.r_len;
	again[n++] = 0;
	again[n++] = (uint8_t)qs.s_len;
	memcpy(again + n, qs.s, qs.s_len);
	n += qs.s_len;
	FUZZ_CHECK(n == size && !memcmp(again, data, size));
	return 0;
}
