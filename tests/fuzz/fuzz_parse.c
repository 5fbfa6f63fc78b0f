// SPDX-License-Identifier: GPL-2.0
/*
 * The command-line parsers of parse.h on a NUL-terminated copy of the
 * input.  Each accepts the whole string or nothing: 0 or -EINVAL, and on
 * -EINVAL the output is untouched; and parse_words(), the word splitter
 * of `tvmctl pcr extend-batch` lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"

#define POISON 0xa5
#define WORDS 8

static int poisoned(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++ != POISON)
			return 0;
	return 1;
}

/* Call @call with its output poisoned; on failure check it is untouched. */
#define PARSE(out, call) ({						\
	int __r;							\
	memset(&(out), POISON, sizeof(out));				\
	__r = (call);							\
	FUZZ_CHECK(__r == 0 || __r == -EINVAL);				\
	if (__r)							\
		FUZZ_CHECK(poisoned(&(out), sizeof(out)));		\
	__r;								\
})

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ubuf[PARSE_UUID_STR_LEN];
	struct vm_sel sel;
	uint8_t uuid[TVM_UUID_SIZE], uuid2[TVM_UUID_SIZE];
	uint8_t digest[TVM_DIGEST_MAX];
	unsigned int bank;
	uint32_t mask;
	uint64_t u64;
	size_t max, hlen;
	char *words[WORDS];
	uint8_t *hex;
	int i, n;
	char *s;

	s = malloc(size + 1);
	FUZZ_CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';

	if (!PARSE(sel, parse_vm_sel(s, &sel))) {
		FUZZ_CHECK(sel.type == VM_SEL_ID || sel.type == VM_SEL_NAME ||
			   sel.type == VM_SEL_UUID);
		if (sel.type == VM_SEL_NAME)
			FUZZ_CHECK(memchr(sel.name, '\0', sizeof(sel.name)));
	}

	if (!PARSE(uuid, parse_uuid(s, uuid))) {
		format_uuid(uuid, ubuf);
		FUZZ_CHECK(strlen(ubuf) == PARSE_UUID_STR_LEN - 1);
		FUZZ_CHECK(parse_uuid(ubuf, uuid2) == 0);
		FUZZ_CHECK(!memcmp(uuid, uuid2, sizeof(uuid)));
	}

	/* parse_hex_var into a buffer of exactly @max bytes. */
	max = size % (TVM_DIGEST_MAX + 1);
	hex = malloc(max ? max : 1);
	FUZZ_CHECK(hex);
	hlen = (size_t)-1;
	if (!parse_hex_var(s, hex, max, &hlen))
		FUZZ_CHECK(hlen <= max && 2 * hlen == strlen(s));
	else
		FUZZ_CHECK(hlen == (size_t)-1);
	free(hex);

	if (!PARSE(mask, parse_banks(s, &mask)))
		FUZZ_CHECK(mask && !(mask & ~TVM_BANKS_ALL));

	if (!PARSE(digest, parse_digest(s, &bank, digest)))
		FUZZ_CHECK(bank < __TVM_BANK_MAX);

	if (!PARSE(mask, parse_pcrs(s, &mask)))
		FUZZ_CHECK(!(mask & ~TVM_PCR_MASK_ALL));

	PARSE(u64, parse_u64(s, &u64));

	/*
	 * parse_words() last (it writes to @s): its words lie in @s, in
	 * order and apart, each ending before the next begins.
	 */
	n = parse_words(s, words, WORDS);
	FUZZ_CHECK(n == -EINVAL || (n >= 0 && n <= WORDS));
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(words[i] >= s && words[i] <= s + size);
		FUZZ_CHECK(words[i] + strlen(words[i]) <= s + size);
		if (i)
			FUZZ_CHECK(words[i] > words[i - 1] +
				   strlen(words[i - 1]));
	}

	free(s);
	return 0;
}
