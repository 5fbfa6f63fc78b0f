// SPDX-License-Identifier: GPL-2.0
/*
 * qf_sig_parse() on arbitrary bytes; what it accepts must be exactly
 * what qf_sig_encode() writes for the signature it found.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "quote_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[6 + 65536];
	const uint8_t *sig;
	size_t sig_len;
	int ret;

	ret = qf_sig_parse(data, size, &sig, &sig_len);
	if (ret) {
		FUZZ_CHECK(ret == -EBADMSG || ret == -EOPNOTSUPP);
		return 0;
	}
	FUZZ_CHECK(sig >= data && sig_len <= size);
	FUZZ_CHECK(sig + sig_len <= data + size);
	FUZZ_CHECK(qf_sig_encode(sig, sig_len, NULL) == size);
	FUZZ_CHECK(qf_sig_encode(sig, sig_len, again) == size);
	FUZZ_CHECK(!memcmp(again, data, size));
	return 0;
}
