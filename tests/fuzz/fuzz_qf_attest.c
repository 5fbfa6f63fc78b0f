// SPDX-License-Identifier: GPL-2.0
/* qf_attest_parse() on arbitrary bytes. */
#include <errno.h>
#include <stdint.h>

#include "fuzz.h"
#include "quote_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_attest a;
	unsigned int i;
	int ret;

	ret = qf_attest_parse(data, size, &a);
	if (ret) {
		FUZZ_CHECK(ret < 0);
		return 0;
	}
	FUZZ_CHECK(size <= QF_ATTEST_MAX);
	FUZZ_CHECK(a.signer_len <= sizeof(a.signer));
	FUZZ_CHECK(a.extra_len <= sizeof(a.extra));
	FUZZ_CHECK(a.digest_len <= sizeof(a.digest));
	FUZZ_CHECK(a.sel_count <= QF_SEL_MAX);
	for (i = 0; i < a.sel_count; i++)
		FUZZ_CHECK(!(a.sel_mask[i] & ~TVM_PCR_MASK_ALL));
	return 0;
}
