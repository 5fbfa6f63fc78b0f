// SPDX-License-Identifier: GPL-2.0
/*
 * event_line() and event_fields() (userspace/lib/event_fmt.c) on event
 * data from the input: u32 type (the low 4 bits pick one of tvm's types,
 * most of the time, so the decoders are reached), u16 buffer size, then
 * up to TVM_EVENT_DATA_MAX bytes of data, with a SHA-256 digest.  The
 * line must keep snprintf()'s contract: the same length whatever the
 * buffer, a NUL where it is cut, no NUL or newline inside; every field
 * decoded must lie inside the data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event_fmt.h"
#include "fuzz.h"

#define HDR	(4 + 2)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_field f[EVENT_FIELDS_MAX];
	size_t data_len, full_len, r;
	struct tvm_event *ev;
	char *full, *out;
	unsigned int n;
	uint16_t outlen;
	uint32_t type;

	if (size < HDR)
		return 0;
	memcpy(&type, data, 4);
	if (!(type & 0x80000000))
		type = TVM_EV_BASE + (type & 0xf);
	memcpy(&outlen, data + 4, 2);
	data_len = size - HDR;
	if (data_len > TVM_EVENT_DATA_MAX)
		data_len = TVM_EVENT_DATA_MAX;

	ev = calloc(1, sizeof(*ev) + 32 + data_len);
	FUZZ_CHECK(ev);
	ev->type = type;
	ev->banks = 1U << TVM_BANK_SHA256;
	ev->data_len = (uint32_t)data_len;
	memcpy(ev->payload + 32, data + HDR, data_len);

	n = event_fields(type, ev->payload + 32, data_len, f);
	FUZZ_CHECK(n <= EVENT_FIELDS_MAX);
	for (unsigned int i = 0; i < n; i++)
		if (f[i].kind == EVF_HEX || f[i].kind == EVF_TEXT)
			FUZZ_CHECK(f[i].bytes >= ev->payload + 32 &&
				   f[i].bytes + f[i].len <=
				   ev->payload + 32 + data_len);

	full_len = event_line(ev, NULL, 0);
	full = malloc(full_len + 1);
	out = malloc((size_t)outlen + 1);
	FUZZ_CHECK(full && out);
	FUZZ_CHECK(event_line(ev, full, full_len + 1) == full_len);
	FUZZ_CHECK(strlen(full) == full_len && !strchr(full, '\n'));
	r = event_line(ev, out, outlen);
	FUZZ_CHECK(r == full_len);
	if (outlen) {
		FUZZ_CHECK(strlen(out) == (full_len < outlen ? full_len :
					    (size_t)outlen - 1));
		FUZZ_CHECK(!memcmp(out, full, strlen(out)));
	}
	free(out);
	free(full);
	free(ev);
	return 0;
}
