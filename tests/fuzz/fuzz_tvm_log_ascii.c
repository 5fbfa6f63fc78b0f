// SPDX-License-Identifier: GPL-2.0
/*
 * tvm_log_event_ascii() on a struct tvm_event made of the input:
 *	u64 seq, u32 pcr, u32 type, u8 banks, u16 buffer size,
 *	then the digests (zero-padded if short) and up to
 *	TVM_EVENT_DATA_MAX bytes of data,
 * checked against its snprintf()-like contract: the same return for any
 * buffer size, the line (ending in '\n', no NUL in it) when it fits, else
 * its first @len - 1 characters and a NUL, and a 0-byte buffer untouched.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tvm_log.h"

#define HDR	(8 + 4 + 4 + 1 + 2)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tvm_event *ev;
	size_t dsize, rest, data_len, full_len, r, len;
	char *full, *out, canary = 0x5a;
	uint16_t outlen;

	if (size < HDR)
		return 0;
	rest = size - HDR;
	dsize = tvm_banks_digest_size(data[16]);
	data_len = rest > dsize ? rest - dsize : 0;
	if (data_len > TVM_EVENT_DATA_MAX)
		data_len = TVM_EVENT_DATA_MAX;

	ev = calloc(1, sizeof(*ev) + dsize + data_len);
	FUZZ_CHECK(ev);
	memcpy(&ev->seq, data, 8);
	memcpy(&ev->pcr, data + 8, 4);
	memcpy(&ev->type, data + 12, 4);
	ev->banks = data[16];
	memcpy(&outlen, data + 17, 2);
	memcpy(ev->payload, data + HDR,
	       rest < dsize + data_len ? rest : dsize + data_len);
	ev->data_len = data_len;

	/* Room for any line: head, " bank:hex" each, " hex:" + hex, "\n". */
	full_len = 48 + 4 * (1 + 8 + 1) + 2 * dsize + 5 + 2 * data_len + 2;
	full = malloc(full_len);
	FUZZ_CHECK(full);
	r = tvm_log_event_ascii(ev, full, full_len);
	FUZZ_CHECK(r > 0 && r < full_len);
	FUZZ_CHECK(strlen(full) == r);
	FUZZ_CHECK(full[r - 1] == '\n' && !memchr(full, '\n', r - 1));

	/* A buffer of exactly @len bytes, so ASan sees any overrun. */
	len = outlen % (r + 8);
	out = malloc(len ? len : 1);
	FUZZ_CHECK(out);
	memset(out, 0x5a, len ? len : 1);
	FUZZ_CHECK(tvm_log_event_ascii(ev, len ? out : &canary, len) == r);
	if (len) {
		size_t n = r < len ? r : len - 1;

		FUZZ_CHECK(out[n] == '\0' && !memcmp(out, full, n));
	} else {
		FUZZ_CHECK(canary == 0x5a);
	}
	FUZZ_CHECK(tvm_log_event_ascii(ev, NULL, 0) == r);

	free(out);
	free(full);
	free(ev);
	return 0;
}
