// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kernel/lib/sm3.c, built in userspace against cmocka.
 *
 * Known-answer vectors: "abc" and "abcd" x 16 are the two examples of
 * GB/T 32905-2016 appendix A; the empty string and 1,000,000 x 'a' were
 * confirmed with `openssl dgst -sm3` (OpenSSL 3.0).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "parse.h"
#include "sm3.h"
#include "unit_rng.h"

#define MILLION		1000000

static void check_digest(const u8 digest[TVM_SM3_DIGEST_SIZE],
			 const char *expect)
{
	char hex[2 * TVM_SM3_DIGEST_SIZE + 1];

	format_hex(digest, TVM_SM3_DIGEST_SIZE, hex);
	assert_string_equal(hex, expect);
}

static void check_oneshot(const void *msg, size_t len, const char *expect)
{
	u8 digest[TVM_SM3_DIGEST_SIZE];

	tvm_sm3_digest(msg, len, digest);
	check_digest(digest, expect);
}


static void test_spec_abc(void **state)
{
	(void)state;
	check_oneshot("abc", 3,
		      "66c7f0f462eeedd9d1f2d46bdc10e4e2"
		      "4167c4875cf2f7a2297da02b8f4ba8e0");
}

static void test_spec_abcd16(void **state)
{
	char msg[64];
	int i;

	(void)state;
	for (i = 0; i < 16; i++)
		memcpy(msg + 4 * i, "abcd", 4);
	check_oneshot(msg, sizeof(msg),
		      "debe9ff92275b8a138604889c18e5a4d"
		      "6fdb70e5387e5765293dcba39c0c5732");
}

static void test_empty(void **state)
{
	struct tvm_sm3_ctx ctx;
	u8 digest[TVM_SM3_DIGEST_SIZE];
	const char *expect = "1ab21d8355cfa17f8e61194831e81a8f"
			     "22bec8c728fefb747ed035eb5082aa2b";

	(void)state;
	check_oneshot(NULL, 0, expect);
	check_oneshot("", 0, expect);

	/* Zero-length updates must not change anything. */
	tvm_sm3_init(&ctx);
	tvm_sm3_update(&ctx, NULL, 0);
	tvm_sm3_update(&ctx, (const u8 *)"x", 0);
	tvm_sm3_final(&ctx, digest);
	check_digest(digest, expect);
}

static void test_million_a(void **state)
{
	const char *expect = "c8aaf89429554029e231941a2acc0ad6"
			     "1ff2a5acd8fadd25847a3a732b3b02c3";
	struct tvm_sm3_ctx ctx;
	u8 digest[TVM_SM3_DIGEST_SIZE];
	u8 *msg;
	size_t off, n;

	(void)state;
	msg = malloc(MILLION);
	assert_non_null(msg);
	memset(msg, 'a', MILLION);

	check_oneshot(msg, MILLION, expect);

	/* Again in odd-sized chunks, so most updates straddle blocks. */
	tvm_sm3_init(&ctx);
	for (off = 0; off < MILLION; off += n) {
		n = MILLION - off < 997 ? MILLION - off : 997;
		tvm_sm3_update(&ctx, msg + off, n);
	}
	tvm_sm3_final(&ctx, digest);
	check_digest(digest, expect);

	free(msg);
}

static void test_splits(void **state)
{
	u8 msg[131], ref[TVM_SM3_DIGEST_SIZE], digest[TVM_SM3_DIGEST_SIZE];
	struct tvm_sm3_ctx ctx;
	size_t i, j;

	(void)state;
	rng_fill(msg, sizeof(msg));
	tvm_sm3_digest(msg, sizeof(msg), ref);

	/* One byte at a time. */
	tvm_sm3_init(&ctx);
	for (i = 0; i < sizeof(msg); i++)
		tvm_sm3_update(&ctx, msg + i, 1);
	tvm_sm3_final(&ctx, digest);
	assert_memory_equal(digest, ref, sizeof(ref));

	/* Two pieces, cut at every offset (empty pieces included). */
	for (i = 0; i <= sizeof(msg); i++) {
		tvm_sm3_init(&ctx);
		tvm_sm3_update(&ctx, msg, i);
		tvm_sm3_update(&ctx, msg + i, sizeof(msg) - i);
		tvm_sm3_final(&ctx, digest);
		assert_memory_equal(digest, ref, sizeof(ref));
	}

	/* Three pieces, cut at every pair of offsets i <= j. */
	for (i = 0; i <= sizeof(msg); i++) {
		for (j = i; j <= sizeof(msg); j++) {
			tvm_sm3_init(&ctx);
			tvm_sm3_update(&ctx, msg, i);
			tvm_sm3_update(&ctx, msg + i, j - i);
			tvm_sm3_update(&ctx, msg + j, sizeof(msg) - j);
			tvm_sm3_final(&ctx, digest);
			assert_memory_equal(digest, ref, sizeof(ref));
		}
	}
}

static void test_final_wipes_ctx(void **state)
{
	static const u8 zero[sizeof(struct tvm_sm3_ctx)];
	struct tvm_sm3_ctx ctx;
	u8 digest[TVM_SM3_DIGEST_SIZE];

	(void)state;
	tvm_sm3_init(&ctx);
	tvm_sm3_update(&ctx, (const u8 *)"abcdefg", 7);
	tvm_sm3_final(&ctx, digest);
	assert_memory_equal(&ctx, zero, sizeof(ctx));
}

/* Every length 0..300 with random content, against OpenSSL's EVP SM3. */
static void test_openssl_oracle(void **state)
{
	u8 msg[300], ref[EVP_MAX_MD_SIZE], digest[TVM_SM3_DIGEST_SIZE];
	struct tvm_sm3_ctx ctx;
	unsigned int ref_len;
	EVP_MD *md;
	size_t len, cut;

	(void)state;
	md = EVP_MD_fetch(NULL, "SM3", NULL);
	if (!md) {
		print_message("OpenSSL has no SM3; oracle test skipped\n");
		skip();
	}
	assert_int_equal(EVP_MD_get_size(md), TVM_SM3_DIGEST_SIZE);

	for (len = 0; len <= sizeof(msg); len++) {
		rng_fill(msg, len);
		assert_int_equal(EVP_Digest(msg, len, ref, &ref_len, md, NULL),
				 1);
		assert_int_equal(ref_len, TVM_SM3_DIGEST_SIZE);

		tvm_sm3_digest(msg, len, digest);
		assert_memory_equal(digest, ref, TVM_SM3_DIGEST_SIZE);

		cut = len ? rng_next() % (len + 1) : 0;
		tvm_sm3_init(&ctx);
		tvm_sm3_update(&ctx, msg, cut);
		tvm_sm3_update(&ctx, msg + cut, len - cut);
		tvm_sm3_final(&ctx, digest);
		assert_memory_equal(digest, ref, TVM_SM3_DIGEST_SIZE);
	}

	EVP_MD_free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_abc),
		cmocka_unit_test(test_spec_abcd16),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_splits),
		cmocka_unit_test(test_final_wipes_ctx),
		cmocka_unit_test(test_openssl_oracle),
	};

	return cmocka_run_group_tests_name("sm3", tests, NULL, NULL);
}
