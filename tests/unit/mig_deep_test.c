// SPDX-License-Identifier: GPL-2.0
/*
 * The deep quote's parser and matcher (kernel/lib/mig_deep.c): what
 * tvm.ko reads of a destination TPM's quote before it verifies its
 * signature and judges the platform it vouches for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mig_deep.h"

static uint8_t buf[1024];
static size_t len;
/* Offsets of the parts the tests change. */
static size_t at_extra, at_sel, at_digest, at_sigalg, at_attest_len;

static uint8_t *put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

/*
 * A well-formed deep quote: key bytes "K" x 10, a quote of PCRs 0 and 7
 * (SHA-256) with extraData 0x11 x 32 and pcrDigest 0x22 x 32, signature
 * 0x33 x 256.
 */
static unsigned int attest_extra;

static void build(void)
{
	uint8_t attest[256], *a = attest, *p = buf;
	size_t alen;

	memcpy(a, "\xff\x54\x43\x47\x80\x18", 6);
	a += 6;
	a = put16(a, 4);		/* qualifiedSigner */
	memset(a, 0x44, 4);
	a += 4;
	a = put16(a, 32);		/* extraData */
	at_extra = (size_t)(a - attest);
	memset(a, 0x11, 32);
	a += 32;
	memset(a, 0x55, 17 + 8);	/* clockInfo, firmwareVersion */
	a += 17 + 8;
	memcpy(a, "\x00\x00\x00\x01\x00\x0b\x03", 7);
	a += 7;
	at_sel = (size_t)(a - attest);
	memcpy(a, "\x81\x00\x00", 3);
	a += 3;
	a = put16(a, 32);
	at_digest = (size_t)(a - attest);
	memset(a, 0x22, 32);
	a += 32;
	memset(a, 0x66, attest_extra);	/* what may not follow */
	a += attest_extra;
	alen = (size_t)(a - attest);

	memcpy(p, "TVMQ\x00\x01\x00\x00", 8);
	p += 8;
	p = put16(p, 10);
	memset(p, 'K', 10);
	p += 10;
	at_attest_len = (size_t)(p - buf);
	p = put16(p, (unsigned int)alen);
	at_extra += (size_t)(p - buf);
	at_sel += (size_t)(p - buf);
	at_digest += (size_t)(p - buf);
	memcpy(p, attest, alen);
	p += alen;
	p = put16(p, 4 + 2 + 256);
	at_sigalg = (size_t)(p - buf);
	p = put16(p, 0x14);
	p = put16(p, 0x0b);
	p = put16(p, 256);
	memset(p, 0x33, 256);
	p += 256;
	len = (size_t)(p - buf);
}

static const uint8_t pdig[32] = {
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
};
static const uint8_t vdig[32] = {
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
};

static const char *parse_err(void)
{
	struct tvm_mig_deep d;

	return tvm_mig_deep_parse(buf, len, &d);
}

static void test_parses(void **state)
{
	struct tvm_mig_deep d;

	(void)state;
	build();
	assert_null(tvm_mig_deep_parse(buf, len, &d));
	assert_int_equal(d.key_len, 10);
	assert_int_equal(d.key[0], 'K');
	assert_int_equal(d.extra_len, 32);
	assert_int_equal(d.nsel, 1);
	assert_int_equal(d.sel_hash, 0x0b);
	assert_int_equal(d.sel_size, 3);
	assert_int_equal(d.sel[0], 0x81);
	assert_int_equal(d.pcr_digest_len, 32);
	assert_int_equal(d.sig_len, 256);
	assert_int_equal(d.sig[0], 0x33);
	assert_null(tvm_mig_deep_match(&d, pdig, 0x81, vdig));
}

/* Every truncation, and a byte more, is malformed. */
static void test_lengths(void **state)
{
	size_t full, n;

	(void)state;
	build();
	full = len;
	for (n = 0; n < full; n++) {
		len = n;
		assert_non_null(parse_err());
	}
	len = full + 1;
	assert_non_null(strstr(parse_err(), "bytes follow its signature"));
	/* The TPMS_ATTEST one byte longer than its parts. */
	build();
	buf[at_attest_len + 1]++;
	assert_non_null(parse_err());
	/* A byte after its pcrDigest, every length adding up. */
	attest_extra = 1;
	build();
	attest_extra = 0;
	assert_non_null(strstr(parse_err(), "bytes follow the TPMS_ATTEST"));
	/* A byte after the TPMT_SIGNATURE's signature, inside its part. */
	build();
	buf[len++] = 0x77;
	buf[at_sigalg - 1]++;
	assert_non_null(strstr(parse_err(), "TPMT_SIGNATURE's lengths"));
}

static void test_fields(void **state)
{
	(void)state;
	build();
	buf[0] = 'X';
	assert_non_null(strstr(parse_err(), "bad magic"));
	build();
	buf[5] = 2;
	assert_non_null(strstr(parse_err(), "version"));
	build();
	buf[7] = 1;
	assert_non_null(strstr(parse_err(), "reserved"));
	build();
	buf[at_attest_len + 2] = 0xfe;	/* TPM_GENERATED_VALUE */
	assert_non_null(strstr(parse_err(), "not TPM-generated"));
	build();
	buf[at_attest_len + 2 + 5] = 0x17;	/* TPM_ST_ATTEST_CERTIFY */
	assert_non_null(strstr(parse_err(), "not a quote"));
	build();
	buf[at_sigalg + 1] = 0x16;	/* RSAPSS */
	assert_non_null(strstr(parse_err(), "not RSASSA"));
	build();
	buf[at_sigalg + 3] = 0x0c;	/* SHA-384 */
	assert_non_null(strstr(parse_err(), "not RSASSA"));
}

static void test_match(void **state)
{
	struct tvm_mig_deep d;
	uint8_t other[32];

	(void)state;
	build();
	assert_null(tvm_mig_deep_parse(buf, len, &d));
	memcpy(other, pdig, 32);
	other[31] ^= 1;
	assert_non_null(strstr(tvm_mig_deep_match(&d, other, 0x81, vdig),
			       "qualifying data"));
	assert_non_null(strstr(tvm_mig_deep_match(&d, pdig, 0x80, vdig),
			       "platform mask"));
	assert_non_null(strstr(tvm_mig_deep_match(&d, pdig, 0xff, vdig),
			       "platform mask"));
	memcpy(other, vdig, 32);
	other[0] ^= 1;
	assert_non_null(strstr(tvm_mig_deep_match(&d, pdig, 0x81, other),
			       "PCR digest"));
	/* Another bank. */
	buf[at_sel - 2] = 0x04;		/* SHA-1 */
	assert_null(tvm_mig_deep_parse(buf, len, &d));
	assert_non_null(strstr(tvm_mig_deep_match(&d, pdig, 0x81, vdig),
			       "one SHA-256 selection"));
	/* A PCR above 7 selected too. */
	build();
	buf[at_sel + 1] = 0x01;
	assert_null(tvm_mig_deep_parse(buf, len, &d));
	assert_non_null(strstr(tvm_mig_deep_match(&d, pdig, 0x81, vdig),
			       "platform mask"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests_name("mig_deep", tests, NULL, NULL);
}
