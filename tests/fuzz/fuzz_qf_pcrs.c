// SPDX-License-Identifier: GPL-2.0
/*
 * qf_pcrs_parse() on arbitrary bytes; what it accepts must encode and
 * parse back to the same bank, selection and values.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "quote_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_pcrs p, back;
	uint8_t digest[32];
	uint8_t *buf;
	size_t n;
	unsigned int i;
	int ret;

	ret = qf_pcrs_parse(data, size, &p);
	if (ret) {
		FUZZ_CHECK(ret == -EBADMSG || ret == -EOPNOTSUPP);
		return 0;
	}
	FUZZ_CHECK(!(p.mask & ~TVM_PCR_MASK_ALL));
	FUZZ_CHECK(p.size <= sizeof(p.value[0]));
	FUZZ_CHECK(qf_pcrs_digest(&p, digest) == 0);

	n = qf_pcrs_size(p.mask);
	buf = malloc(n);
	FUZZ_CHECK(buf);
	FUZZ_CHECK(qf_pcrs_encode(&p, buf) == n);
	FUZZ_CHECK(qf_pcrs_parse(buf, n, &back) == 0);
	FUZZ_CHECK(back.alg == p.alg && back.mask == p.mask &&
		   back.size == p.size);
	for (i = 0; i < TVM_NUM_PCRS; i++)
		if (p.mask & (1U << i))
			FUZZ_CHECK(!memcmp(back.value[i], p.value[i], p.size));
	free(buf);
	return 0;
}
