// SPDX-License-Identifier: GPL-2.0
/*
 * qf_log_parse() on arbitrary bytes, then qf_log_replay() of the whole
 * log over every bank: those the log carries replay, the others and a
 * count past the end are -EINVAL; and verify's checks of the kernel's
 * events (attest_check_kernel_events(), attest_launch()) on it, which
 * read each event's data by its type and must stay within it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "attest.h"
#include "fuzz.h"
#include "quote_fmt.h"

static void sink_count(void *arg, const char *msg)
{
	FUZZ_CHECK(msg && strlen(msg) < ATTEST_MSG_MAX);
	(*(unsigned int *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pcrs[TVM_NUM_PCRS][TVM_DIGEST_MAX];
	struct qf_log log;
	unsigned int b;
	uint32_t pcr;
	size_t i;
	int ret;

	ret = qf_log_parse(data, size, &log);
	if (ret) {
		FUZZ_CHECK(ret == -EBADMSG || ret == -EOPNOTSUPP ||
			   ret == -ENOMEM);
		return 0;
	}
	FUZZ_CHECK(!(log.banks & ~TVM_BANKS_ALL));
	for (i = 0; i < log.n; i++) {
		const struct qf_event *ev = &log.ev[i];

		FUZZ_CHECK(ev->data_len <= size);
		if (ev->data_len)
			FUZZ_CHECK(ev->data >= data &&
				   ev->data + ev->data_len <= data + size);
		for (b = 0; b < __TVM_BANK_MAX; b++)
			FUZZ_CHECK(!ev->digest[b] == !(log.banks & (1U << b)));
		qf_event_is_reset(ev, &pcr);	/* any PCR: replay skips it */
	}
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		ret = qf_log_replay(&log, log.n, b, pcrs);
		FUZZ_CHECK(ret == ((log.banks & (1U << b)) ? 0 : -EINVAL));
		FUZZ_CHECK(qf_log_replay(&log, log.n + 1, b, pcrs) == -EINVAL);
	}
	{
		unsigned int n = 0;
		const struct attest_sink sink = { sink_count, sink_count, &n };

		FUZZ_CHECK(attest_check_kernel_events(&log, log.n, size & 1,
						      &sink) <= log.n);
		FUZZ_CHECK(attest_check_kernel_events(&log, log.n + 1, true,
						      &sink) <= log.n);
		attest_launch(6 | TVM_QUOTE_FW_KVM, &log, log.n);
	}
	qf_log_free(&log);
	return 0;
}
