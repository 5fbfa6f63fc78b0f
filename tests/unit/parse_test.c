// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/parse.c: every parser tvmctl uses on its command line,
 * with good input and with each kind of bad input (empty, trailing junk,
 * overflow, out of range, unknown names).  A failed parse must return
 * -EINVAL and leave its output untouched.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"
#include "tvm_log.h"

#define UUID_TEXT	"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

static const uint8_t uuid_bin[TVM_UUID_SIZE] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};

/* A good argument and what it parses to. */
struct good {
	const char *in;
	uint64_t want;
};

#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))

static void test_u64_good(void **state)
{
	static const struct good good[] = {
		{ "0", 0 },
		{ "42", 42 },
		/* Leading zeros are decimal, not octal. */
		{ "010", 10 },
		{ "0x1F", 31 },
		{ "0X1f", 31 },
		{ "18446744073709551615", UINT64_MAX },
		{ "0xffffffffffffffff", UINT64_MAX },
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < NCASES(good); i++) {
		assert_int_equal(parse_u64(good[i].in, &v), 0);
		assert_int_equal(v, good[i].want);
	}
}

static void test_u64_bad(void **state)
{
	static const char *const bad[] = {
		"", "0x", "x1", "-1", "+1", " 1", "1 ", "12a", "1.0", "0b1",
		"0x1g", "18446744073709551616", "99999999999999999999",
		"0x10000000000000000",
	};
	uint64_t v = 7;

	(void)state;
	for (size_t i = 0; i < NCASES(bad); i++) {
		assert_int_equal(parse_u64(bad[i], &v), -EINVAL);
		assert_int_equal(v, 7);
	}
}

static void test_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(parse_u32("4294967295", &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(parse_u32("0x544d0003", &v), 0);
	assert_int_equal(v, TVM_EV_EXTEND);
	v = 7;
	assert_int_equal(parse_u32("4294967296", &v), -EINVAL);
	assert_int_equal(parse_u32("0x100000000", &v), -EINVAL);
	assert_int_equal(parse_u32("", &v), -EINVAL);
	assert_int_equal(parse_u32("3x", &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_pcr(void **state)
{
	static const char *const bad[] = {
		"24", "100", "-1", "", "9x", " 9", "0x9", "4294967296",
		"99999999999999999999999",
	};
	unsigned int pcr = 99;

	(void)state;
	assert_int_equal(parse_pcr("0", &pcr), 0);
	assert_int_equal(pcr, 0);
	assert_int_equal(parse_pcr("23", &pcr), 0);
	assert_int_equal(pcr, 23);
	assert_int_equal(parse_pcr("09", &pcr), 0);
	assert_int_equal(pcr, 9);
	pcr = 99;
	for (size_t i = 0; i < NCASES(bad); i++) {
		assert_int_equal(parse_pcr(bad[i], &pcr), -EINVAL);
		assert_int_equal(pcr, 99);
	}
}

static void test_pcrs_good(void **state)
{
	static const struct good good[] = {
		{ "0,1,9-12", 0x3U | 0x1e00U },
		{ "all", TVM_PCR_MASK_ALL },
		{ "0-23", TVM_PCR_MASK_ALL },
		{ "23", 1U << 23 },
		{ "5-5", 1U << 5 },
		/* Overlaps and repeats are harmless. */
		{ "1,1,0-2", 0x7 },
	};
	uint32_t m;

	(void)state;
	for (size_t i = 0; i < NCASES(good); i++) {
		assert_int_equal(parse_pcrs(good[i].in, &m), 0);
		assert_int_equal(m, good[i].want);
	}
}

static void test_pcrs_bad(void **state)
{
	static const char *const bad[] = {
		"", ",", "1,", ",1", "1,,2", "24", "0,24", "0-24", "12-9",
		"9-", "-9", "1-2-3", "ALL", "all,1", "a", "1;2", "1 ,2",
		"0x1", "4294967297",
	};
	uint32_t m = 0xdead;

	(void)state;
	for (size_t i = 0; i < NCASES(bad); i++) {
		assert_int_equal(parse_pcrs(bad[i], &m), -EINVAL);
		assert_int_equal(m, 0xdead);
	}
}

static void test_hex(void **state)
{
	uint8_t buf[4] = { 0xee, 0xee, 0xee, 0xee };
	char text[9];

	(void)state;
	assert_int_equal(parse_hex("00aBcD7f", buf, 4), 0);
	assert_int_equal(buf[0], 0x00);
	assert_int_equal(buf[1], 0xab);
	assert_int_equal(buf[2], 0xcd);
	assert_int_equal(buf[3], 0x7f);
	format_hex(buf, 4, text);
	assert_string_equal(text, "00abcd7f");
	assert_int_equal(parse_hex("", buf, 0), 0);

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(parse_hex("00abcd7", buf, 4), -EINVAL);	/* odd */
	assert_int_equal(parse_hex("00abcd", buf, 4), -EINVAL);	/* short */
	assert_int_equal(parse_hex("00abcd7f00", buf, 4), -EINVAL); /* long */
	assert_int_equal(parse_hex("00abcd7g", buf, 4), -EINVAL);
	assert_int_equal(parse_hex("0xabcd7f", buf, 4), -EINVAL);
	assert_int_equal(parse_hex("", buf, 4), -EINVAL);
	assert_int_equal(parse_hex("00ab cd7f", buf, 4), -EINVAL);
	/* Nothing written on failure, even when the start was good. */
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
}

static void test_hex_var(void **state)
{
	uint8_t buf[3];
	size_t len = 99;

	(void)state;
	assert_int_equal(parse_hex_var("", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(parse_hex_var("0A0b", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(buf[0], 0x0a);
	assert_int_equal(buf[1], 0x0b);
	assert_int_equal(parse_hex_var("010203", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 3);

	len = 99;
	assert_int_equal(parse_hex_var("abc", buf, sizeof(buf), &len),
			 -EINVAL);
	assert_int_equal(parse_hex_var("01020304", buf, sizeof(buf), &len),
			 -EINVAL);
	assert_int_equal(parse_hex_var("zz", buf, sizeof(buf), &len),
			 -EINVAL);
	assert_int_equal(len, 99);
}

static void test_uuid(void **state)
{
	uint8_t uuid[TVM_UUID_SIZE];
	char text[PARSE_UUID_STR_LEN];

	(void)state;
	assert_int_equal(parse_uuid(UUID_TEXT, uuid), 0);
	assert_memory_equal(uuid, uuid_bin, sizeof(uuid));
	format_uuid(uuid, text);
	assert_string_equal(text, UUID_TEXT);
	assert_int_equal(parse_uuid("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
				    uuid), 0);
	assert_memory_equal(uuid, uuid_bin, sizeof(uuid));
}

static void test_uuid_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"0f1e2d3c4b5a69788796a5b4c3d2e1f0",		/* no hyphens */
		"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f",		/* short */
		"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f00",	/* long */
		"0f1e2d3-c4b5a-6978-8796-a5b4c3d2e1f0",		/* moved */
		"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1g0",		/* not hex */
		"0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0",
		"{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}",
		"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 ",
		"0f1e2d3c--4b5a-6978-8796-a5b4c3d2e1f",
	};
	uint8_t uuid[TVM_UUID_SIZE], zero[TVM_UUID_SIZE] = { 0 };

	(void)state;
	memset(uuid, 0, sizeof(uuid));
	for (size_t i = 0; i < NCASES(bad); i++) {
		assert_int_equal(parse_uuid(bad[i], uuid), -EINVAL);
		assert_memory_equal(uuid, zero, sizeof(uuid));
	}
}

static void test_bank(void **state)
{
	static const char *const bad[] = {
		"", "md5", "SHA256", "sha256 ", "sha", "sha2560", "sm3",
		"sha256,sha1",
	};

	(void)state;
	assert_int_equal(parse_bank("sha1"), TVM_BANK_SHA1);
	assert_int_equal(parse_bank("sha256"), TVM_BANK_SHA256);
	assert_int_equal(parse_bank("sha384"), TVM_BANK_SHA384);
	assert_int_equal(parse_bank("sm3_256"), TVM_BANK_SM3_256);
	for (size_t i = 0; i < NCASES(bad); i++)
		assert_int_equal(parse_bank(bad[i]), -EINVAL);
	assert_string_equal(bank_name(TVM_BANK_SM3_256), "sm3_256");
	assert_null(bank_name(__TVM_BANK_MAX));
	for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
		assert_int_equal(parse_bank(bank_name(b)), (int)b);
}

static void test_banks(void **state)
{
	static const char *const bad[] = {
		"", ",", "sha256,", ",sha256", "sha256,,sha1", "sha256,md5",
		"all", "sha256 sha1",
	};
	uint32_t m = 0xdead;
	char text[64];

	(void)state;
	assert_int_equal(parse_banks("sha256", &m), 0);
	assert_int_equal(m, 1U << TVM_BANK_SHA256);
	assert_int_equal(parse_banks("sm3_256,sha1", &m), 0);
	assert_int_equal(m, (1U << TVM_BANK_SHA1) | (1U << TVM_BANK_SM3_256));
	assert_int_equal(parse_banks("sha1,sha256,sha384,sm3_256", &m), 0);
	assert_int_equal(m, TVM_BANKS_ALL);
	m = 0xdead;
	for (size_t i = 0; i < NCASES(bad); i++) {
		assert_int_equal(parse_banks(bad[i], &m), -EINVAL);
		assert_int_equal(m, 0xdead);
	}

	/* Formatted in enum order, whatever order they were given in. */
	assert_int_equal(format_banks(TVM_BANKS_DEFAULT, text, sizeof(text)),
			 strlen("sha256,sha384,sm3_256"));
	assert_string_equal(text, "sha256,sha384,sm3_256");
	assert_int_equal(format_banks(0, text, sizeof(text)), 0);
	assert_string_equal(text, "");
	/* Truncated like snprintf(), and the full length returned. */
	assert_int_equal(format_banks(TVM_BANKS_ALL, text, 8),
			 strlen("sha1,sha256,sha384,sm3_256"));
	assert_string_equal(text, "sha1,sh");
}

static void test_digest(void **state)
{
	char arg[128];
	uint8_t d[TVM_DIGEST_MAX];
	unsigned int bank = 99;

	(void)state;
	snprintf(arg, sizeof(arg), "sha1=%040x", 0);
	arg[sizeof("sha1=") - 1 + 39] = 'f';
	assert_int_equal(parse_digest(arg, &bank, d), 0);
	assert_int_equal(bank, TVM_BANK_SHA1);
	assert_int_equal(d[19], 0x0f);

	memset(arg, 0, sizeof(arg));
	strcpy(arg, "sha384=");
	memset(arg + strlen(arg), 'A', 96);
	assert_int_equal(parse_digest(arg, &bank, d), 0);
	assert_int_equal(bank, TVM_BANK_SHA384);
	assert_int_equal(d[47], 0xaa);

	bank = 99;
	/* A SHA-384-sized value is too long for SHA-256. */
	memcpy(arg, "sha256=", 7);
	assert_int_equal(parse_digest(arg, &bank, d), -EINVAL);
	arg[7 + 64] = '\0';
	memcpy(arg, "sha512=", 7);
	assert_int_equal(parse_digest(arg, &bank, d), -EINVAL);
	memcpy(arg, "sha256:", 7);
	assert_int_equal(parse_digest(arg, &bank, d), -EINVAL);
	memcpy(arg, "sha256=", 7);
	arg[7 + 63] = '\0';					/* odd */
	assert_int_equal(parse_digest(arg, &bank, d), -EINVAL);
	assert_int_equal(parse_digest("sha256", &bank, d), -EINVAL);
	assert_int_equal(parse_digest("=00", &bank, d), -EINVAL);
	assert_int_equal(parse_digest("", &bank, d), -EINVAL);
	assert_int_equal(bank, 99);
}

static void test_vm_sel(void **state)
{
	char name[TVM_NAME_MAX + 2];
	struct vm_sel sel;

	(void)state;
	assert_int_equal(parse_vm_sel("7", &sel), 0);
	assert_int_equal(sel.type, VM_SEL_ID);
	assert_int_equal(sel.id, 7);
	assert_int_equal(parse_vm_sel("4294967295", &sel), 0);
	assert_int_equal(sel.id, UINT32_MAX);
	assert_int_equal(parse_vm_sel(UUID_TEXT, &sel), 0);
	assert_int_equal(sel.type, VM_SEL_UUID);
	assert_memory_equal(sel.uuid, uuid_bin, sizeof(uuid_bin));
	assert_int_equal(parse_vm_sel("web-1.prod_A", &sel), 0);
	assert_int_equal(sel.type, VM_SEL_NAME);
	assert_string_equal(sel.name, "web-1.prod_A");
	/* Almost a UUID is a name. */
	assert_int_equal(parse_vm_sel("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f",
				      &sel), 0);
	assert_int_equal(sel.type, VM_SEL_NAME);

	memset(name, 'a', TVM_NAME_MAX);
	name[TVM_NAME_MAX] = '\0';
	assert_int_equal(parse_vm_sel(name, &sel), 0);
	assert_string_equal(sel.name, name);
	name[TVM_NAME_MAX] = 'a';
	name[TVM_NAME_MAX + 1] = '\0';
	assert_int_equal(parse_vm_sel(name, &sel), -EINVAL);

	assert_int_equal(parse_vm_sel("0", &sel), -EINVAL);
	assert_int_equal(parse_vm_sel("4294967296", &sel), -EINVAL);
	assert_int_equal(parse_vm_sel("", &sel), -EINVAL);
	assert_int_equal(parse_vm_sel("a b", &sel), -EINVAL);
	assert_int_equal(parse_vm_sel("a/b", &sel), -EINVAL);
	assert_int_equal(parse_vm_sel("caf\xc3\xa9", &sel), -EINVAL);
}

static void test_vm_name(void **state)
{
	char name[TVM_NAME_MAX + 2];

	(void)state;
	assert_int_equal(parse_vm_name("web-1"), 0);
	assert_int_equal(parse_vm_name("1a"), 0);
	assert_int_equal(parse_vm_name("-"), 0);
	memset(name, 'z', TVM_NAME_MAX);
	name[TVM_NAME_MAX] = '\0';
	assert_int_equal(parse_vm_name(name), 0);
	name[TVM_NAME_MAX] = 'z';
	name[TVM_NAME_MAX + 1] = '\0';
	assert_int_equal(parse_vm_name(name), -EINVAL);

	assert_int_equal(parse_vm_name(""), -EINVAL);
	assert_int_equal(parse_vm_name("123"), -EINVAL);	/* an id */
	assert_int_equal(parse_vm_name(UUID_TEXT), -EINVAL);	/* a UUID */
	assert_int_equal(parse_vm_name("web 1"), -EINVAL);
	assert_int_equal(parse_vm_name("web:1"), -EINVAL);
	assert_int_equal(parse_vm_name("web\n"), -EINVAL);
}

/* parse_words() on a copy of @line; its words into @w. */
static int words(const char *line, char *buf, size_t len, char **w, int max)
{
	assert_true(strlen(line) < len);
	strcpy(buf, line);
	return parse_words(buf, w, max);
}

static void test_words(void **state)
{
	char buf[128], *w[8];

	(void)state;
	assert_int_equal(words("", buf, sizeof(buf), w, 8), 0);
	assert_int_equal(words(" \t\r\n", buf, sizeof(buf), w, 8), 0);
	assert_int_equal(words("tvm-1 9 --data kernel\n", buf, sizeof(buf),
			       w, 8), 4);
	assert_string_equal(w[0], "tvm-1");
	assert_string_equal(w[1], "9");
	assert_string_equal(w[2], "--data");
	assert_string_equal(w[3], "kernel");

	/* Quotes: blanks kept, \" and \\ unescaped, other backslashes kept. */
	assert_int_equal(words("a \"b c\" \"q\\\"x\\\\y\\n\" \"\"", buf,
			       sizeof(buf), w, 8), 4);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "b c");
	assert_string_equal(w[2], "q\"x\\y\\n");
	assert_string_equal(w[3], "");

	/* A quote inside an unquoted word is itself. */
	assert_int_equal(words("ab\"c d", buf, sizeof(buf), w, 8), 2);
	assert_string_equal(w[0], "ab\"c");

	/* Exactly @max words, then one more. */
	assert_int_equal(words("1 2 3", buf, sizeof(buf), w, 3), 3);
	assert_int_equal(words("1 2 3 4", buf, sizeof(buf), w, 3), -EINVAL);
	assert_int_equal(words("1 2 3 ", buf, sizeof(buf), w, 3), 3);

	/* Unclosed, a closing quote inside a word, an escape at the end. */
	assert_int_equal(words("a \"b c", buf, sizeof(buf), w, 8), -EINVAL);
	assert_int_equal(words("\"b\"c", buf, sizeof(buf), w, 8), -EINVAL);
	assert_int_equal(words("\"b\\\"", buf, sizeof(buf), w, 8), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_good),
		cmocka_unit_test(test_u64_bad),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_pcr),
		cmocka_unit_test(test_pcrs_good),
		cmocka_unit_test(test_pcrs_bad),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hex_var),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_uuid_bad),
		cmocka_unit_test(test_bank),
		cmocka_unit_test(test_banks),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_vm_sel),
		cmocka_unit_test(test_vm_name),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
