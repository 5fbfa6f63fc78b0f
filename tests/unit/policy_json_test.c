// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/lib/policy_json.c: the canonical encoding of a policy, byte
 * for byte (what `tvmctl policy sign` signs and `policy load` sends), the
 * round trip through the kernel's form and back to JSON, and every kind of
 * rejection with its exact message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <linux/netlink.h>

#include "policy_json.h"

#define FNAME	"policy.json"
#define HEX20(c)	c c c c c c c c c c c c c c c c c c c c
#define HEX32(c)	HEX20(c) c c c c c c c c c c c c
#define HEX48(c)	HEX32(c) c c c c c c c c c c c c c c c c

static struct policy pol;
static char err[POLICY_ERR_MAX];
static uint8_t buf[POLICY_ATTR_MAX + 1];

static int parse(const char *json)
{
	return policy_parse(FNAME, json, strlen(json), &pol, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	policy_free(&pol);
	return 0;
}

/* Little-endian u16 and u32, as the tests' hosts (x86, arm64) use. */
#define U16(v)		(v) & 0xff, ((v) >> 8) & 0xff
#define U32(v)		U16((v) & 0xffff), U16((v) >> 16)
#define NLA(len, type)	U16(len), U16(type)
#define NEST(len, type)	NLA(len, (type) | NLA_F_NESTED)
#define SHA1_22		0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, \
			0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, \
			0x22, 0x22, 0x22, 0x22
#define HEXB8(b)	b, b, b, b, b, b, b, b
#define HEXB32(b)	HEXB8(b), HEXB8(b), HEXB8(b), HEXB8(b)
#define SHA1_11		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, \
			0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, \
			0x11, 0x11, 0x11, 0x11

/*
 * The order is fixed whatever the file's: version, selector, mode, owner
 * key id, revision, then the levels by number; events and digests in file
 * order.  On a little-endian host this is also the canonical encoding
 * (Documentation/policy.rst), whose SHA-256 tests/unit/attest_test.c and
 * selftests/tvm/policy_test.c fix.
 */
static const char small_json[] =
	"{\"levels\": {\"config\": {\"pcr\": [\"sha1:" HEX20("11") "\"]},\n"
	"             \"os\": {\"events\": {\"e\": [\"sha1:" HEX20("22") "\"]}}},\n"
	" \"owner_key\": \"" HEX32("A5") "\", \"mode\": \"enforce\",\n"
	" \"revision\": 258, \"selector\": {\"name\": \"vm\"}, \"version\": 1}\n";

static const uint8_t small_attr[] = {
	NEST(188, TVM_A_POLICY),
	NLA(8, TVM_A_POLICY_VERSION), U32(1),
	NLA(7, TVM_A_POLICY_NAME), 'v', 'm', 0, 0,
	NLA(8, TVM_A_POLICY_MODE), U32(TVM_POLICY_ENFORCE),
	NLA(36, TVM_A_POLICY_KEY_ID), HEXB32(0xa5),
	NLA(8, TVM_A_POLICY_REVISION), U32(258),
	NEST(64, TVM_A_POLICY_LEVEL),
		NLA(8, TVM_A_LEVEL_NUM), U32(1),
		NEST(52, TVM_A_LEVEL_EVENT),
			NLA(6, TVM_A_PEVENT_NAME), 'e', 0, 0, 0,
			NEST(40, TVM_A_PEVENT_DIGESTS),
				NEST(36, TVM_A_DIGEST),
					NLA(8, TVM_A_DIGEST_BANK),
					U32(TVM_BANK_SHA1),
					NLA(24, TVM_A_DIGEST_VALUE), SHA1_22,
	NEST(52, TVM_A_POLICY_LEVEL),
		NLA(8, TVM_A_LEVEL_NUM), U32(4),
		NEST(40, TVM_A_LEVEL_PCR),
			NEST(36, TVM_A_DIGEST),
				NLA(8, TVM_A_DIGEST_BANK), U32(TVM_BANK_SHA1),
				NLA(24, TVM_A_DIGEST_VALUE), SHA1_11,
};

static bool little_endian(void)
{
	uint16_t one = 1;

	return *(uint8_t *)&one == 1;
}

static void test_encode_layout(void **state)
{
	size_t len = 0;

	(void)state;
	if (!little_endian())
		skip();
	assert_int_equal(parse(small_json), 0);
	assert_string_equal(err, "");
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(small_attr));
	assert_memory_equal(buf, small_attr, sizeof(small_attr));

	/* Too small a buffer: how much is needed. */
	len = 0;
	assert_int_equal(policy_encode(&pol, buf, 100, &len), -ENOSPC);
	assert_int_equal(len, sizeof(small_attr));
	assert_int_equal(policy_encode(&pol, NULL, 0, &len), -ENOSPC);
	assert_int_equal(len, sizeof(small_attr));
}

/*
 * The canonical encoding is the same bytes on every host: the payload of
 * small_attr, little-endian whatever the host's order (no skip here).
 */
static void test_canonical_fixed(void **state)
{
	size_t len = 0;

	(void)state;
	assert_int_equal(parse(small_json), 0);
	assert_int_equal(policy_canonical(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(small_attr) - NLA_HDRLEN);
	assert_memory_equal(buf, small_attr + NLA_HDRLEN, len);
	/* Whatever the order of the file's keys. */
	policy_free(&pol);
	assert_int_equal(parse("{\"version\": 1, \"revision\": 258, \"selector\": {\"name\": \"vm\"},"
			       " \"mode\": \"enforce\", \"levels\": {\"os\": {\"events\": {\"e\": [\"sha1:" HEX20("22") "\"]}},"
			       " \"config\": {\"pcr\": [\"sha1:" HEX20("11") "\"]}},"
			       " \"owner_key\": \"" HEX32("a5") "\"}"), 0);
	assert_int_equal(policy_canonical(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(small_attr) - NLA_HDRLEN);
	assert_memory_equal(buf, small_attr + NLA_HDRLEN, len);
}

/* A signed delete: selector, key id, revision, TOMBSTONE; no mode. */
static void test_tombstone(void **state)
{
	static const uint8_t want[] = {
		NLA(8, TVM_A_POLICY_VERSION), U32(1),
		NLA(7, TVM_A_POLICY_NAME), 'v', 'm', 0, 0,
		NLA(36, TVM_A_POLICY_KEY_ID), HEXB32(0xa5),
		NLA(8, TVM_A_POLICY_REVISION), U32(9),
		NLA(4, TVM_A_POLICY_TOMBSTONE),
	};
	size_t len = 0;

	(void)state;
	assert_int_equal(parse("{\"version\": 1, \"selector\": {\"name\": \"vm\"}, \"delete\": true,"
			       " \"owner_key\": \"" HEX32("a5") "\", \"revision\": 9}"), 0);
	assert_true(pol.tombstone);
	assert_int_equal(policy_canonical(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	policy_free(&pol);
	assert_int_equal(parse("{\"version\": 1, \"selector\": {\"name\": \"vm\"}, \"delete\": true}"),
			 -EINVAL);
	assert_string_equal(err, FNAME ": delete: a delete is signed: it needs owner_key");
	assert_int_equal(parse("{\"version\": 1, \"selector\": {\"name\": \"vm\"}, \"delete\": true,"
			       " \"mode\": \"audit\", \"owner_key\": \"" HEX32("a5") "\"}"), -EINVAL);
	assert_string_equal(err, FNAME ": delete: a delete holds selector, owner_key and revision only, not mode");
}

/* Each selector, and mode's default. */
static void test_encode_selectors(void **state)
{
	static const uint8_t dflt[] = {
		NEST(32, TVM_A_POLICY),
		NLA(8, TVM_A_POLICY_VERSION), U32(1),
		NLA(4, TVM_A_POLICY_DEFAULT),
		NLA(8, TVM_A_POLICY_MODE), U32(TVM_POLICY_AUDIT),
		NLA(8, TVM_A_POLICY_REVISION), U32(0),
	};
	static const uint8_t uuid[] = {
		NEST(48, TVM_A_POLICY),
		NLA(8, TVM_A_POLICY_VERSION), U32(1),
		NLA(20, TVM_A_POLICY_UUID),
		0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
		0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
		NLA(8, TVM_A_POLICY_MODE), U32(TVM_POLICY_AUDIT),
		NLA(8, TVM_A_POLICY_REVISION), U32(0),
	};
	size_t len;

	(void)state;
	if (!little_endian())
		skip();
	assert_int_equal(parse("{\"version\": 1, \"selector\": {\"default\": true}}"), 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(dflt));
	assert_memory_equal(buf, dflt, sizeof(dflt));
	policy_free(&pol);

	assert_int_equal(parse("{\"version\": 1, \"mode\": \"audit\", \"selector\": "
			       "{\"uuid\": \"0F1E2D3C-4b5a-6978-8796-a5b4c3d2e1f0\"}}"), 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(uuid));
	assert_memory_equal(buf, uuid, sizeof(uuid));
}

/* @p encodes to the @len bytes at @want. */
static void assert_encodes(const struct policy *p, const uint8_t *want,
			   size_t len)
{
	static uint8_t again[POLICY_ATTR_MAX + 1];
	size_t len2;

	assert_int_equal(policy_encode(p, again, sizeof(again), &len2), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, want, len);
}

/*
 * @p to JSON and back encodes to the @len bytes at @want again; the JSON
 * has @has in it and not @lacks (either NULL: no such check).
 */
static void assert_json_round_trip(const struct policy *p,
				   const uint8_t *want, size_t len,
				   const char *has, const char *lacks)
{
	struct policy back;
	json_object *obj;
	const char *text;

	obj = policy_to_json(p);
	assert_non_null(obj);
	text = json_object_to_json_string(obj);
	if (has)
		assert_non_null(strstr(text, has));
	if (lacks)
		assert_null(strstr(text, lacks));
	assert_int_equal(policy_parse("back", text, strlen(text), &back, err,
				      sizeof(err)), 0);
	assert_encodes(&back, want, len);
	json_object_put(obj);
	policy_free(&back);
}

/*
 * What the kernel sends back decodes to the same policy: the same bytes
 * again, and JSON that parses to them too.  A reply repeats the selector
 * after the payload, with the generation, digest and signed flag.
 */
static void test_round_trip(void **state)
{
	static const char json[] =
		"{\"version\": 1, \"selector\": {\"name\": \"web-1\"},"
		" \"mode\": \"enforce\", \"banks\": [\"sha256\", \"sm3_256\"],"
		" \"owner_key\": \"" HEX32("7e") "\", \"revision\": 3, \"levels\": {"
		"  \"vmm\": {\"events\": {\"/usr/bin/qemu\": [\"sha256:" HEX32("05") "\"]}},"
		"  \"software\": {\"events\": {"
		"    \"zeta\": [\"sha256:" HEX32("ab") "\", \"sm3_256:" HEX32("cd") "\"],"
		"    \"alpha\": [\"sha256:" HEX32("01") "\"]},"
		"   \"pcr\": [\"sm3_256:" HEX32("02") "\", \"sha256:" HEX32("03") "\"]},"
		"  \"os\": {\"events\": {\"kernel\": [\"sha256:" HEX32("04") "\"]}}}}";
	static uint8_t reply[POLICY_ATTR_MAX + 64];
	struct policy back, third;
	uint64_t gen = 42;
	size_t len, off;

	(void)state;
	assert_int_equal(parse(json), 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);

	/* The payload, then NAME, GEN, DIGEST, SIGNED as a GET reply has. */
	off = len - NLA_HDRLEN;
	memcpy(reply, buf + NLA_HDRLEN, off);
	memcpy(reply + off, (const uint8_t[]){ NLA(10, TVM_A_POLICY_NAME),
		'w', 'e', 'b', '-', '1', 0, 0, 0 }, 12);
	off += 12;
	memcpy(reply + off, (const uint8_t[]){ NLA(12, TVM_A_POLICY_GEN) }, 4);
	memcpy(reply + off + 4, &gen, 8);
	off += 12;
	memcpy(reply + off, (const uint8_t[]){ NLA(36, TVM_A_POLICY_DIGEST) }, 4);
	memset(reply + off + 4, 0x5a, 32);
	off += 36;
	memcpy(reply + off, (const uint8_t[]){ NLA(4, TVM_A_POLICY_SIGNED) }, 4);
	off += 4;

	assert_int_equal(policy_decode(reply, off, &back), 0);
	assert_true(back.has_gen);
	assert_int_equal(back.gen, 42);
	assert_true(back.has_digest);
	assert_int_equal(back.digest[31], 0x5a);
	assert_true(back.is_signed);
	assert_int_equal(back.levels[3].nevents, 2);
	assert_string_equal(back.levels[3].events[0].name, "zeta");
	assert_int_equal(back.levels[0].nevents, 1);
	assert_true(back.has_key);
	assert_int_equal(back.key_id[0], 0x7e);
	assert_int_equal(back.revision, 3);
	assert_encodes(&back, buf, len);

	/* To JSON and back; "banks" is never sent, so it is not there. */
	assert_json_round_trip(&back, buf, len, NULL, "banks");

	/* The selector twice, disagreeing; a truncated attribute. */
	reply[len - NLA_HDRLEN + 4] = 'x';
	assert_int_equal(policy_decode(reply, off, &third), -EPROTO);
	assert_int_equal(policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN - 3,
				       &third), -EPROTO);
	policy_free(&back);
}

/* A policy file, and what policy_parse() must say about it. */
struct reject {
	const char *json;
	const char *msg;
};

#define SEL	"\"version\": 1, \"selector\": {\"name\": \"web-1\"}"
#define D256(c)	"\"sha256:" HEX32(c) "\""
#define LEVEL_OS(x)	"{" SEL ", \"levels\": {\"os\": " x "}}"
#define EVENTS(x)	LEVEL_OS("{\"events\": " x "}")
/* The one digest @d of event "kernel" in "os", and why it is bad. */
#define BAD_DIGEST(d, why) \
	{ EVENTS("{\"kernel\": [\"" d "\"]}"), \
	  FNAME ": levels.os.events.kernel[0]: bad digest '" d "' (" why ")" }
#define RT(x)		"{" SEL ", \"runtime\": " x "}"
#define H256		"\"" HEX32("ab") "\""
/* One range: gpa, length and more keys (", \"interval_ms\": 100"). */
#define RANGE(g, l, more) \
	RT("[{\"gpa\": " g ", \"length\": " l ", \"sha256\": " H256 more "}]")
/* A range whose gpa @g, or length @l, is bad, and why. */
#define BAD_GPA(g, why) \
	{ RANGE(g, "1", ""), FNAME ": runtime[0].gpa: " why }
#define BAD_LEN(l, why) \
	{ RANGE("0", l, ""), FNAME ": runtime[0].length: " why }

#define DF(x)		"{" SEL ", \"dataflow\": " x "}"
#define MIG(x)		"{" SEL ", \"migration\": " x "}"
#define ID_A		HEX32("a1")
#define ID_B		HEX32("b2")
#define RULE(x)		DF("{\"rules\": [{" x "}]}")

static const struct reject rejects[] = {
	/* Not JSON, or not strictly. */
	{ "", FNAME ": empty, not a policy" },
	{ "[1]", FNAME ": line 1, column 1: a policy is a JSON object ({...})" },
	{ "{\"version\": 1,}", FNAME ": line 1, column 15: expected a key in double quotes" },
	{ "{'version': 1}", FNAME ": line 1, column 2: expected a key in double quotes" },
	{ "{\"version\": 'x'}", FNAME ": line 1, column 13: strings need double quotes" },
	{ "{\"version\": NaN}", FNAME ": line 1, column 13: unexpected 'N'" },
	{ "{\"version\": 01}", FNAME ": line 1, column 14: expected ',' or '}'" },
	{ "{/* c */ \"version\": 1}", FNAME ": line 1, column 2: expected a key in double quotes" },
	{ "{\"version\": 1}\n{}", FNAME ": line 2, column 1: more after the policy's closing '}'" },
	{ "{\"version\": 1", FNAME ": line 1, column 14: expected ',' or '}'" },
	{ "{\"a\": \"x\ty\"}", FNAME ": line 1, column 9: control character in a string (write it as \\u0009)" },
	{ "{\"a\": \"\\x\"}", FNAME ": line 1, column 8: bad escape in a string" },
	{ "{\"a\": \"\\udc00\"}", FNAME ": line 1, column 8: bad escape in a string" },
	{ "{\"a\": \"\xc0\x80\"}", FNAME ": line 1, column 8: invalid UTF-8" },
	{ "{\"a\":\n \"\xed\xa0\x80\"}", FNAME ": line 2, column 3: invalid UTF-8" },
	/* Duplicate keys, however spelt, anywhere. */
	{ "{" SEL ", \"version\": 1}", FNAME ": duplicate key 'version'" },
	{ "{" SEL ", \"vers\\u0069on\": 2}", FNAME ": duplicate key 'version'" },
	{ "{\"version\": 1, \"selector\": {\"name\": \"a\", \"name\": \"b\"}}",
	  FNAME ": selector: duplicate key 'name'" },
	{ EVENTS("{\"k\": [" D256("00") "], \"k\": [" D256("01") "]}"),
	  FNAME ": levels.os.events: duplicate key 'k'" },
	{ LEVEL_OS("{\"pcr\": [" D256("00") "], \"pcr\": [" D256("00") "]}"),
	  FNAME ": levels.os: duplicate key 'pcr'" },
	{ "{\"x\": {\"y\": [{\"z\": 1, \"z\": 2}]}}", FNAME ": x.y[0]: duplicate key 'z'" },
	{ "{" SEL ", \"levels\": {\"os\": {\"events\": {}}, \"os\": {}}}",
	  FNAME ": levels: duplicate key 'os'" },
	/* Unknown keys, anywhere. */
	{ "{" SEL ", \"foo\": 1}",
	  FNAME ": unknown key 'foo' (version, selector, mode, banks, owner_key, revision, delete, levels, runtime, dataflow or migration)" },
	{ "{\"version\": 1, \"selector\": {\"id\": 3}}", FNAME ": selector: unknown key 'id' (uuid, name or default)" },
	{ "{" SEL ", \"levels\": {\"firmware\": {}}}", FNAME ": levels: unknown key 'firmware' (vmm, os, drivers, software or config)" },
	{ LEVEL_OS("{\"values\": []}"), FNAME ": levels.os: unknown key 'values' (events or pcr)" },
	/* Missing keys, wrong types, values out of range. */
	{ "{\"selector\": {\"default\": true}}", FNAME ": missing key 'version' (1)" },
	{ "{\"version\": 1}", FNAME ": missing key 'selector' ({\"uuid\": ...}, {\"name\": ...} or {\"default\": true})" },
	{ "{\"version\": \"1\", \"selector\": {\"default\": true}}", FNAME ": version: must be an integer, not a string" },
	{ "{\"version\": 1.0, \"selector\": {\"default\": true}}", FNAME ": version: must be an integer, not a number with a fraction or exponent" },
	{ "{\"version\": 2, \"selector\": {\"default\": true}}", FNAME ": version: unsupported version 2 (this tvmctl reads version 1)" },
	{ "{\"version\": 0, \"selector\": {\"default\": true}}", FNAME ": version: unsupported version 0 (this tvmctl reads version 1)" },
	{ "{\"version\": -1, \"selector\": {\"default\": true}}", FNAME ": version: unsupported version -1 (this tvmctl reads version 1)" },
	{ "{\"version\": 18446744073709551617, \"selector\": {\"default\": true}}",
	  FNAME ": version: unsupported version 18446744073709551615 (this tvmctl reads version 1)" },
	{ "{\"version\": 1, \"selector\": []}", FNAME ": selector: must be an object, not an array" },
	{ "{\"version\": 1, \"selector\": {}}", FNAME ": selector: empty (needs one of uuid, name or default)" },
	{ "{" SEL ", \"levels\": {}}", FNAME ": levels: empty (leave it out, or give a level)" },
	{ "{\"version\": 1, \"selector\": {\"name\": \"a\", \"default\": true}}",
	  FNAME ": selector: more than one of uuid, name and default" },
	{ "{\"version\": 1, \"selector\": {\"default\": false}}", FNAME ": selector.default: must be true (select a VM with uuid or name)" },
	{ "{\"version\": 1, \"selector\": {\"default\": 1}}", FNAME ": selector.default: must be true or false, not an integer" },
	{ "{\"version\": 1, \"selector\": {\"uuid\": \"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"}}",
	  FNAME ": selector.uuid: bad UUID '0f1e2d3c4b5a69788796a5b4c3d2e1f0' (8-4-4-4-12 hex digits)" },
	{ "{\"version\": 1, \"selector\": {\"name\": \"42\"}}",
	  FNAME ": selector.name: bad VM name '42' (1-63 of A-Z a-z 0-9 . _ -, not all digits, not a UUID)" },
	{ "{\"version\": 1, \"selector\": {\"name\": \"web 1\"}}",
	  FNAME ": selector.name: bad VM name 'web 1' (1-63 of A-Z a-z 0-9 . _ -, not all digits, not a UUID)" },
	{ "{\"version\": 1, \"selector\": {\"name\": \"a\\u0000b\"}}", FNAME ": selector.name: has a NUL character" },
	{ "{\"version\": 1, \"selector\": {\"name\": null}}", FNAME ": selector.name: must be a string, not null" },
	{ "{" SEL ", \"mode\": \"Enforce\"}", FNAME ": mode: unknown mode 'Enforce' (audit or enforce)" },
	{ "{" SEL ", \"mode\": 2}", FNAME ": mode: must be a string, not an integer" },
	{ "{" SEL ", \"banks\": \"sha256\"}", FNAME ": banks: must be an array, not a string" },
	{ "{" SEL ", \"banks\": []}", FNAME ": banks: empty (leave it out, or list banks)" },
	{ "{" SEL ", \"banks\": [\"sha256\", \"sha512\"]}", FNAME ": banks[1]: unknown bank 'sha512' (sha1, sha256, sha384 or sm3_256)" },
	{ "{" SEL ", \"banks\": [\"sm3_256\", \"sm3_256\"]}", FNAME ": banks[1]: sm3_256 is listed twice" },
	{ "{" SEL ", \"banks\": [\"sha1\", \"sha256\", \"sha384\", \"sm3_256\", \"sha1\"]}",
	  FNAME ": banks: 5 banks, more than 4" },
	{ "{" SEL ", \"owner_key\": \"\"}", FNAME ": owner_key: empty (leave it out for an unsigned policy)" },
	{ "{" SEL ", \"owner_key\": \"tvm-owner:acme\"}", FNAME ": owner_key: 'tvm-owner:acme' is not a key id (64 hex digits: 'tvmctl policy keyid CERT'; key descriptions are not taken since tvm ABI 6)" },
	{ "{" SEL ", \"levels\": {\"vmm\": {\"pcr\": [\"sha256:" HEX32("00") "\"]}}}", FNAME ": levels.vmm: unknown key 'pcr' (events (vmm takes no pcr))" },
	{ "{" SEL ", \"owner_key\": true}", FNAME ": owner_key: must be a string, not true or false" },
	{ "{" SEL ", \"levels\": []}", FNAME ": levels: must be an object, not an array" },
	{ LEVEL_OS("{}"), FNAME ": levels.os: no events and no pcr (leave the level out)" },
	{ LEVEL_OS("[]"), FNAME ": levels.os: must be an object, not an array" },
	{ EVENTS("{}"), FNAME ": levels.os.events: empty (leave it out, or list events)" },
	{ EVENTS("[]"), FNAME ": levels.os.events: must be an object, not an array" },
	{ EVENTS("{\"\": [" D256("00") "]}"), FNAME ": levels.os.events: an event with an empty name" },
	{ EVENTS("{\"k\\u0000\": [" D256("00") "]}"), FNAME ": levels.os.events: key 'k\\x00' has a NUL character" },
	{ EVENTS("{\"k\": []}"), FNAME ": levels.os.events.k: empty (leave it out, or list digests)" },
	{ EVENTS("{\"k\": " D256("00") "}"), FNAME ": levels.os.events.k: must be an array, not a string" },
	{ EVENTS("{\"k\": [1]}"), FNAME ": levels.os.events.k[0]: must be a string, not an integer" },
	{ EVENTS("{\"k\": [" D256("00") ", " D256("00") "]}"), FNAME ": levels.os.events.k[1]: the same digest as [0]" },
	{ LEVEL_OS("{\"pcr\": []}"), FNAME ": levels.os.pcr: empty (leave it out, or list digests)" },
	{ LEVEL_OS("{\"pcr\": {}}"), FNAME ": levels.os.pcr: must be an array, not an object" },
	/* Digests. */
	{ EVENTS("{\"kernel\": [" D256("00") ", \"sha256:zz\"]}"),
	  FNAME ": levels.os.events.kernel[1]: bad digest 'sha256:zz' (64 hex digits for sha256)" },
	BAD_DIGEST("sha1:" HEX32("00"), "40 hex digits for sha1"),
	BAD_DIGEST("sha384:" HEX32("00"), "96 hex digits for sha384"),
	BAD_DIGEST("sm3_256:" HEX20("00"), "64 hex digits for sm3_256"),
	BAD_DIGEST("sha256:" HEX32("0g"), "64 hex digits for sha256"),
	BAD_DIGEST("sha256=" HEX32("00"),
		   "BANK:HEX, as sha256:<64 hex digits>"),
	BAD_DIGEST("md5:" HEX20("00"),
		   "unknown bank; sha1, sha256, sha384 or sm3_256"),
	BAD_DIGEST("SHA256:" HEX32("00"),
		   "unknown bank; sha1, sha256, sha384 or sm3_256"),
	{ EVENTS("{\"initrd img\": [\"sha256:" HEX32("00") "0\"]}"),
	  FNAME ": levels.os.events[\"initrd img\"][0]: bad digest 'sha256:" HEX32("00") "0' (64 hex digits for sha256)" },
	{ "{" SEL ", \"banks\": [\"sha256\"], \"levels\": {\"config\": {\"pcr\": [\"sha384:" HEX48("00") "\"]}}}",
	  FNAME ": levels.config.pcr[0]: digest 'sha384:" HEX48("00") "': \"banks\" does not list sha384 (sha256)" },
	/* "banks" is read first, wherever it is. */
	{ "{\"levels\": {\"drivers\": {\"events\": {\"e\": [\"sm3_256:" HEX32("00") "\"]}}}, "
	  SEL ", \"banks\": [\"sha1\", \"sha256\"]}",
	  FNAME ": levels.drivers.events.e[0]: digest 'sm3_256:" HEX32("00") "': \"banks\" does not list sm3_256 (sha1,sha256)" },
	/* Runtime ranges: each kind of mistake, with its key path. */
	{ RT("{}"), FNAME ": runtime: must be an array, not an object" },
	{ RT("[]"), FNAME ": runtime: empty (leave it out, or list ranges)" },
	{ RT("[1]"), FNAME ": runtime[0]: must be an object, not an integer" },
	{ RT("[{\"gpa\": 0, \"length\": 1, \"sha256\": " H256 ", \"size\": 1}]"),
	  FNAME ": runtime[0]: unknown key 'size' (gpa, length, sha256 or interval_ms)" },
	{ RT("[{\"gpa\": 0, \"length\": 1, \"gpa\": 1, \"sha256\": " H256 "}]"),
	  FNAME ": runtime[0]: duplicate key 'gpa'" },
	{ RT("[{\"length\": 1, \"sha256\": " H256 "}]"), FNAME ": runtime[0]: missing key 'gpa'" },
	{ RT("[{\"gpa\": 0, \"sha256\": " H256 "}]"), FNAME ": runtime[0]: missing key 'length'" },
	{ RT("[{\"gpa\": 0, \"length\": 1}]"), FNAME ": runtime[0]: missing key 'sha256'" },
	BAD_GPA("-1", "-1 is negative"),
	BAD_GPA("1.5",
		"must be an integer or a \"0x...\" string, not a number with a fraction or exponent"),
	BAD_GPA("true",
		"must be an integer or a \"0x...\" string, not true or false"),
	BAD_GPA("\"0x\"",
		"bad number '0x' (decimal, or hex after 0x, at most 64 bits)"),
	BAD_GPA("\"-0x10\"",
		"bad number '-0x10' (decimal, or hex after 0x, at most 64 bits)"),
	BAD_GPA("\"0x10000000000000000\"",
		"bad number '0x10000000000000000' (decimal, or hex after 0x, at most 64 bits)"),
	BAD_GPA("18446744073709551616",
		"too large for a JSON integer (write it as a \"0x...\" string)"),
	BAD_LEN("0", "0 bytes; a range is 1 to 16777216 bytes"),
	BAD_LEN("16777217", "16777217 bytes; a range is 1 to 16777216 bytes"),
	BAD_LEN("\"0x1000001\"",
		"16777217 bytes; a range is 1 to 16777216 bytes"),
	{ RANGE("\"0xffffffffffffffff\"", "1", ""),
	  FNAME ": runtime[0].length: the range from 0xffffffffffffffff wraps past the end of the address space" },
	{ RANGE("\"0xfffffffffffff000\"", "4096", ""),
	  FNAME ": runtime[0].length: the range from 0xfffffffffffff000 wraps past the end of the address space" },
	{ RANGE("\"0xffffffffff000000\"", "16777216", ""),
	  FNAME ": runtime[0].length: the range from 0xffffffffff000000 wraps past the end of the address space" },
	{ RT("[{\"gpa\": 0, \"length\": 1, \"sha256\": \"sha256:" HEX32("00") "\"}]"),
	  FNAME ": runtime[0].sha256: bad digest 'sha256:" HEX32("00") "' (64 hex digits)" },
	{ RT("[{\"gpa\": 0, \"length\": 1, \"sha256\": \"" HEX20("00") "\"}]"),
	  FNAME ": runtime[0].sha256: bad digest '" HEX20("00") "' (64 hex digits)" },
	{ RT("[{\"gpa\": 0, \"length\": 1, \"sha256\": 7}]"),
	  FNAME ": runtime[0].sha256: must be a string, not an integer" },
	{ RANGE("0", "1", ", \"interval_ms\": 99"), FNAME ": runtime[0].interval_ms: 99 ms; 0 (only on demand) or 100 to 86400000" },
	{ RANGE("0", "1", ", \"interval_ms\": 86400001"), FNAME ": runtime[0].interval_ms: 86400001 ms; 0 (only on demand) or 100 to 86400000" },
	{ RANGE("0", "1", ", \"interval_ms\": -100"), FNAME ": runtime[0].interval_ms: -100 is negative" },
	{ RANGE("0", "1", ", \"interval_ms\": \"100\""), FNAME ": runtime[0].interval_ms: must be an integer, not a string" },
	{ RT("[{\"gpa\": 4096, \"length\": 8, \"sha256\": " H256 "}, "
	     "{\"gpa\": \"0x1000\", \"length\": 8, \"sha256\": \"" HEX32("11") "\"}]"),
	  FNAME ": runtime[1]: the same range as [0]" },
	/* The dataflow section: each kind of mistake, with its key path. */
	{ DF("[]"), FNAME ": dataflow: must be an object, not an array" },
	{ DF("{\"rule\": []}"),
	  FNAME ": dataflow: unknown key 'rule' (default, checkpoint_bytes, checkpoint_ms, per_message or rules)" },
	{ DF("{\"default\": \"drop\"}"),
	  FNAME ": dataflow.default: unknown action 'drop' (block, taint or measure)" },
	{ DF("{\"default\": 2}"), FNAME ": dataflow.default: must be a string, not an integer" },
	{ DF("{\"checkpoint_bytes\": 4095}"),
	  FNAME ": dataflow.checkpoint_bytes: 4095 bytes; 0 (the module's default) or 4096 to 9223372036854775807" },
	{ DF("{\"checkpoint_bytes\": -1}"), FNAME ": dataflow.checkpoint_bytes: -1 is negative" },
	{ DF("{\"checkpoint_ms\": 99}"),
	  FNAME ": dataflow.checkpoint_ms: 99 ms; 0 (the module's default) or 100 to 86400000" },
	{ DF("{\"checkpoint_ms\": 86400001}"),
	  FNAME ": dataflow.checkpoint_ms: 86400001 ms; 0 (the module's default) or 100 to 86400000" },
	{ DF("{\"per_message\": 1}"), FNAME ": dataflow.per_message: must be true or false, not an integer" },
	{ DF("{\"rules\": []}"), FNAME ": dataflow.rules: empty (leave it out, or list rules)" },
	{ DF("{\"rules\": {}}"), FNAME ": dataflow.rules: must be an array, not an object" },
	{ RULE("\"to\": \"web-2\""),
	  FNAME ": dataflow.rules[0]: unknown key 'to' (from, ports, min_trust, min_level or action)" },
	{ RULE("\"action\": \"block\""),
	  FNAME ": dataflow.rules[0]: missing key 'from' (any, host, a VM name or a VM UUID)" },
	{ RULE("\"from\": \"42\""),
	  FNAME ": dataflow.rules[0].from: bad sender '42' (any, host, a VM UUID, or a VM name: 1-63 of A-Z a-z 0-9 . _ -, not all digits)" },
	{ RULE("\"from\": \"name=web 2\""),
	  FNAME ": dataflow.rules[0].from: bad sender 'name=web 2' (any, host, a VM UUID, or a VM name: 1-63 of A-Z a-z 0-9 . _ -, not all digits)" },
	{ RULE("\"from\": \"uuid=0b1e8f6e\""),
	  FNAME ": dataflow.rules[0].from: bad UUID 'uuid=0b1e8f6e' (8-4-4-4-12 hex digits)" },
	{ RULE("\"from\": [\"host\"]"), FNAME ": dataflow.rules[0].from: must be a string, not an array" },
	{ RULE("\"from\": \"host\", \"action\": \"reset\""),
	  FNAME ": dataflow.rules[0].action: unknown action 'reset' (block, taint or measure)" },
	{ RULE("\"from\": \"host\", \"min_trust\": \"Trusted\""),
	  FNAME ": dataflow.rules[0].min_trust: unknown trust state 'Trusted' (trusted, unknown, pending or untrusted)" },
	{ RULE("\"from\": \"host\", \"min_level\": 5"),
	  FNAME ": dataflow.rules[0].min_level: level 5 is out of range (0 to 4)" },
	{ RULE("\"from\": \"host\", \"min_level\": -1"),
	  FNAME ": dataflow.rules[0].min_level: level -1 is out of range (0 to 4)" },
	{ RULE("\"from\": \"host\", \"ports\": []"),
	  FNAME ": dataflow.rules[0].ports: empty (leave it out, or list ports or port ranges)" },
	{ RULE("\"from\": \"host\", \"ports\": 22"),
	  FNAME ": dataflow.rules[0].ports: must be an array, not an integer" },
	{ RULE("\"from\": \"host\", \"ports\": [22, 4294967296]"),
	  FNAME ": dataflow.rules[0].ports[1]: port 4294967296 is out of range (0 to 4294967295)" },
	{ RULE("\"from\": \"host\", \"ports\": [-1]"),
	  FNAME ": dataflow.rules[0].ports[0]: port -1 is out of range (0 to 4294967295)" },
	{ RULE("\"from\": \"host\", \"ports\": [\"30-20\"]"),
	  FNAME ": dataflow.rules[0].ports[0]: bad port range '30-20': it ends below its first port" },
	{ RULE("\"from\": \"host\", \"ports\": [\"20\"]"),
	  FNAME ": dataflow.rules[0].ports[0]: bad port range '20' (FIRST-LAST, ports 0 to 4294967295 in decimal)" },
	{ RULE("\"from\": \"host\", \"ports\": [\"0x10-0x20\"]"),
	  FNAME ": dataflow.rules[0].ports[0]: bad port range '0x10-0x20' (FIRST-LAST, ports 0 to 4294967295 in decimal)" },
	{ RULE("\"from\": \"host\", \"ports\": [\"1-4294967296\"]"),
	  FNAME ": dataflow.rules[0].ports[0]: bad port range '1-4294967296' (FIRST-LAST, ports 0 to 4294967295 in decimal)" },
	{ RULE("\"from\": \"host\", \"ports\": [1.5]"),
	  FNAME ": dataflow.rules[0].ports[0]: must be a port (an integer) or a range (\"FIRST-LAST\"), not a number with a fraction or exponent" },
	{ RULE("\"from\": \"host\", \"ports\": [22, \"22-22\"]"),
	  FNAME ": dataflow.rules[0].ports[1]: the same port range as [0]" },
	{ DF("{\"rules\": [{\"from\": \"any\"}, {\"from\": \"host\",\n \"from\": \"any\"}]}"),
	  FNAME ": dataflow.rules[1]: duplicate key 'from'" },
	{ DF("{\"rules\": [{\"from\": \"any\"}, {\"from\": \"host\",]}"),
	  FNAME ": line 1, column 103: expected a key in double quotes" },
	{ "{" SEL ", \"owner_key\": \"" HEX32("11") "\", \"delete\": true, \"dataflow\": {}}",
	  FNAME ": delete: a delete holds selector, owner_key and revision only, not dataflow" },
	/* The migration section. */
	{ MIG("[]"), FNAME ": migration: must be an object, not an array" },
	{ MIG("{\"hosts\": []}"),
	  FNAME ": migration: unknown key 'hosts' (peers, platform or tpm_keys)" },
	{ MIG("{\"tpm_keys\": []}"),
	  FNAME ": migration.tpm_keys: empty (leave it out, or list TPM keys)" },
	{ MIG("{\"tpm_keys\": \"" ID_A "\"}"),
	  FNAME ": migration.tpm_keys: must be an array, not a string" },
	{ MIG("{\"tpm_keys\": [\"" HEX20("ab") "\"]}"),
	  FNAME ": migration.tpm_keys[0]: bad TPM key id ('tvmctl migrate tpm-key' prints it) '" HEX20("ab") "' (64 hex digits)" },
	{ MIG("{\"tpm_keys\": [\"" ID_B "\", \"" ID_B "\"]}"),
	  FNAME ": migration.tpm_keys[1]: the same TPM key as [0]" },
	{ MIG("{\"peers\": []}"),
	  FNAME ": migration.peers: empty (leave it out, or list peers)" },
	{ MIG("{\"peers\": [\"" HEX20("ab") "\"]}"),
	  FNAME ": migration.peers[0]: bad host id ('tvmctl ak' prints a host's id) '" HEX20("ab") "' (64 hex digits)" },
	{ MIG("{\"peers\": [\"" ID_A "\", \"" ID_A "\"]}"),
	  FNAME ": migration.peers[1]: the same peer as [0]" },
	{ MIG("{\"platform\": [{\"sha256\": [\"" ID_A "\"]}]}"),
	  FNAME ": migration.platform[0]: missing key 'pcr' (0 to 7)" },
	{ MIG("{\"platform\": [{\"pcr\": 8, \"sha256\": [\"" ID_A "\"]}]}"),
	  FNAME ": migration.platform[0].pcr: PCR 8 is not a platform PCR (0 to 7)" },
	{ MIG("{\"platform\": [{\"pcr\": \"0\", \"sha256\": [\"" ID_A "\"]}]}"),
	  FNAME ": migration.platform[0].pcr: must be an integer, not a string" },
	{ MIG("{\"platform\": [{\"pcr\": 1, \"sha256\": [\"" ID_A "\"]}, {\"pcr\": 1, \"sha256\": [\"" ID_B "\"]}]}"),
	  FNAME ": migration.platform[1].pcr: PCR 1 is listed twice" },
	{ MIG("{\"platform\": [{\"pcr\": 1}]}"),
	  FNAME ": migration.platform[0]: missing key 'sha256' (a list of accepted values)" },
	{ MIG("{\"platform\": [{\"pcr\": 1, \"sha256\": []}]}"),
	  FNAME ": migration.platform[0].sha256: empty (leave it out, or list values)" },
	{ MIG("{\"platform\": [{\"pcr\": 1, \"sha256\": [\"" ID_A "\", \"" ID_A "\"]}]}"),
	  FNAME ": migration.platform[0].sha256[1]: the same value as [0]" },
	{ MIG("{\"platform\": [{\"pcr\": 1, \"sha256\": [\"sha256:" ID_A "\"]}]}"),
	  FNAME ": migration.platform[0].sha256[0]: bad SHA-256 value 'sha256:" ID_A "' (64 hex digits)" },
	{ "{" SEL ", \"owner_key\": \"" HEX32("11") "\", \"delete\": true, \"migration\": {}}",
	  FNAME ": delete: a delete holds selector, owner_key and revision only, not migration" },
};

static void test_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		memset(err, 0, sizeof(err));
		if (parse(rejects[i].json) != -EINVAL ||
		    strcmp(err, rejects[i].msg))
			fail_msg("case %zu: %s\n  got:  %s\n  want: %s", i,
				 rejects[i].json, err, rejects[i].msg);
		/* Nothing is left behind in the policy. */
		assert_int_equal(pol.sel.type, 0);
		assert_null(pol.levels[1].events);
	}
}

/* A growing JSON text. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)n + 1;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	t->len += (size_t)n;
}

/*
 * A policy with @levels levels of @events events named "e<n>" (names of
 * @name_len bytes when not 0), each with @digests sha384 digests.
 */
static char *big(unsigned int levels, unsigned int events,
		 unsigned int digests, size_t name_len)
{
	static const char *const names[] = { "os", "drivers", "software",
					     "config" };
	struct text t = { 0 };

	add(&t, "{" SEL ", \"levels\": {");
	for (unsigned int l = 0; l < levels; l++) {
		add(&t, "%s\"%s\": {\"events\": {", l ? ", " : "", names[l]);
		for (unsigned int e = 0; e < events; e++) {
			add(&t, "%s\"e%05u", e ? ", " : "", e);
			for (size_t i = 6; i < name_len; i++)
				add(&t, "x");
			add(&t, "\": [");
			for (unsigned int d = 0; d < digests; d++)
				add(&t, "%s\"sha384:%032x" HEX32("0")
				    HEX32("0") "\"",
				    d ? ", " : "", d);
			add(&t, "]");
		}
		add(&t, "}}");
	}
	add(&t, "}}");
	return t.s;
}

static void test_limits(void **state)
{
	char *json, name[TVM_KEY_DESC_MAX + 2];
	size_t len;

	(void)state;
	/* At the limits: accepted. */
	json = big(1, TVM_POLICY_EVENTS_MAX, 1, 0);
	assert_int_equal(parse(json), 0);
	assert_int_equal(pol.levels[1].nevents, TVM_POLICY_EVENTS_MAX);
	free(json);
	policy_free(&pol);
	json = big(1, 2, TVM_POLICY_DIGESTS_MAX, TVM_EVENT_NAME_MAX);
	assert_int_equal(parse(json), 0);
	assert_int_equal(strlen(pol.levels[1].events[1].name),
			 TVM_EVENT_NAME_MAX);
	assert_int_equal(pol.levels[1].events[1].ndigests,
			 TVM_POLICY_DIGESTS_MAX);
	free(json);
	policy_free(&pol);

	/* One over. */
	json = big(1, TVM_POLICY_EVENTS_MAX + 1, 1, 0);
	assert_int_equal(parse(json), -EINVAL);
	assert_string_equal(err, FNAME ": levels.os.events: 257 events, more than 256");
	free(json);
	json = big(1, 1, TVM_POLICY_DIGESTS_MAX + 1, 0);
	assert_int_equal(parse(json), -EINVAL);
	assert_string_equal(err, FNAME ": levels.os.events.e00000: 17 digests, more than 16");
	free(json);
	json = big(1, 1, 1, TVM_EVENT_NAME_MAX + 1);
	assert_int_equal(parse(json), -EINVAL);
	assert_non_null(strstr(err, "is 256 bytes, more than 255"));
	assert_int_equal(strncmp(err, FNAME ": levels.os.events: event name 'e00000xxx", 46), 0);
	free(json);

	(void)name;
	assert_int_equal(parse("{" SEL ", \"revision\": 4294967295}"), 0);
	assert_int_equal(pol.revision, UINT32_MAX);
	policy_free(&pol);
	assert_int_equal(parse("{" SEL ", \"revision\": 4294967296}"), -EINVAL);
	assert_string_equal(err, FNAME ": revision: 4294967296 is out of range (0 to 4294967295)");
	assert_int_equal(parse("{" SEL ", \"revision\": -1}"), -EINVAL);
	assert_string_equal(err, FNAME ": revision: -1 is out of range (0 to 4294967295)");

	/*
	 * Within every limit, but more than one attribute holds.  An event
	 * "e00000" with 16 SHA-384 digests takes 4 + 12 + 4 + 16 * 64 = 1044
	 * bytes; its level 12 more; the policy 40 more.
	 */
	json = big(2, 64, 16, 0);
	assert_int_equal(parse(json), -EINVAL);
	assert_string_equal(err, FNAME ": 133696 bytes encoded, more than the 65535 a netlink attribute holds (list fewer events or digests)");
	free(json);
	json = big(1, 63, 16, 0);
	assert_int_equal(parse(json), -EINVAL);
	assert_string_equal(err, FNAME ": 65824 bytes encoded, more than the 65535 a netlink attribute holds (list fewer events or digests)");
	free(json);
	/* The largest of these that fits is accepted and encodes. */
	json = big(1, 62, 16, 0);
	assert_int_equal(parse(json), 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 64780);
	free(json);
	policy_free(&pol);

	/* Nested past the scanner's depth. */
	json = calloc(1, 200);
	assert_non_null(json);
	memset(json, '[', 40);
	memcpy(json, "{\"a\": ", 6);
	assert_int_equal(parse(json), -EINVAL);
	assert_string_equal(err, FNAME ": line 1, column 39: nested more than 32 deep");
	free(json);
}

/* Escapes, surrogate pairs and UTF-8 in keys: decoded before comparing. */
static void test_keys_decoded(void **state)
{
	(void)state;
	assert_int_equal(parse(EVENTS("{\"\\u00e9v\": [" D256("00") "], "
				      "\"\xc3\xa9v\": [" D256("01") "]}")), -EINVAL);
	assert_string_equal(err, FNAME ": levels.os.events: duplicate key '\xc3\xa9v'");
	assert_int_equal(parse(EVENTS("{\"\\ud83d\\ude00\": [" D256("00") "], "
				      "\"\xf0\x9f\x98\x80\": [" D256("01") "]}")), -EINVAL);
	assert_string_equal(err, FNAME ": levels.os.events: duplicate key '\xf0\x9f\x98\x80'");
	/* Different keys are fine, in file order. */
	assert_int_equal(parse(EVENTS("{\"b\\\"q\": [" D256("00") "], "
				      "\"a/b\": [" D256("01") "], "
				      "\"a\\/c\": [" D256("02") "]}")), 0);
	assert_string_equal(pol.levels[1].events[0].name, "b\"q");
	assert_string_equal(pol.levels[1].events[1].name, "a/b");
	assert_string_equal(pol.levels[1].events[2].name, "a/c");
}

static void test_selectors(void **state)
{
	struct policy_sel sel;
	char text[128];

	(void)state;
	assert_int_equal(policy_parse_sel("default", &sel), 0);
	assert_int_equal(sel.type, POLICY_SEL_DEFAULT);
	assert_int_equal(policy_parse_sel("web-1", &sel), 0);
	assert_int_equal(sel.type, POLICY_SEL_NAME);
	assert_string_equal(sel.name, "web-1");
	assert_int_equal(policy_parse_sel("name=default", &sel), 0);
	assert_int_equal(sel.type, POLICY_SEL_NAME);
	assert_string_equal(sel.name, "default");
	policy_format_sel(&sel, text, sizeof(text));
	assert_string_equal(text, "name=default");
	assert_int_equal(policy_parse_sel("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0", &sel), 0);
	assert_int_equal(sel.type, POLICY_SEL_UUID);
	policy_format_sel(&sel, text, sizeof(text));
	assert_string_equal(text, "uuid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_int_equal(policy_parse_sel("uuid=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", &sel), 0);
	assert_int_equal(sel.type, POLICY_SEL_UUID);

	assert_int_equal(policy_parse_sel("", &sel), -EINVAL);
	assert_int_equal(policy_parse_sel("7", &sel), -EINVAL);
	assert_int_equal(policy_parse_sel("uuid=web-1", &sel), -EINVAL);
	assert_int_equal(policy_parse_sel("name=", &sel), -EINVAL);
	assert_int_equal(policy_parse_sel("web 1", &sel), -EINVAL);
}

/*
 * Runtime ranges: every field, always, in one order, whatever the file
 * says or leaves out; numbers as integers or strings; back from the
 * kernel's form and through JSON to the same bytes.
 */
static void test_runtime(void **state)
{
	static const char json[] =
		"{\"runtime\": [{\"sha256\": \"" HEX32("ab") "\", \"length\": 4096,"
		"                \"gpa\": \"0x100000\", \"interval_ms\": 250},"
		"               {\"gpa\": 0, \"length\": \"0x1000000\","
		"                \"sha256\": \"" HEX32("CD") "\"}],"
		" \"selector\": {\"default\": true}, \"version\": 1}";
	static const uint8_t want[] = {
		NEST(176, TVM_A_POLICY),
		NLA(8, TVM_A_POLICY_VERSION), U32(1),
		NLA(4, TVM_A_POLICY_DEFAULT),
		NLA(8, TVM_A_POLICY_MODE), U32(TVM_POLICY_AUDIT),
		NLA(8, TVM_A_POLICY_REVISION), U32(0),
		NEST(72, TVM_A_POLICY_RUNTIME),
			NLA(12, TVM_A_RANGE_GPA), U32(0x100000), U32(0),
			NLA(12, TVM_A_RANGE_LEN), U32(4096), U32(0),
			NLA(36, TVM_A_RANGE_SHA256), HEXB32(0xab),
			NLA(8, TVM_A_RANGE_INTERVAL), U32(250),
		NEST(72, TVM_A_POLICY_RUNTIME),
			NLA(12, TVM_A_RANGE_GPA), U32(0), U32(0),
			NLA(12, TVM_A_RANGE_LEN), U32(0x1000000), U32(0),
			NLA(36, TVM_A_RANGE_SHA256), HEXB32(0xcd),
			NLA(8, TVM_A_RANGE_INTERVAL), U32(0),
	};
	char text[POLICY_RANGE_STR_LEN];
	struct policy back;
	size_t len;

	(void)state;
	if (!little_endian())
		skip();
	assert_int_equal(parse(json), 0);
	assert_int_equal(pol.nranges, 2);
	assert_int_equal(pol.ranges[0].gpa, 0x100000);
	assert_int_equal(pol.ranges[0].interval_ms, 250);
	assert_int_equal(pol.ranges[1].len, TVM_RANGE_LEN_MAX);
	assert_int_equal(pol.ranges[1].interval_ms, 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	policy_format_range(&pol.ranges[0], text);
	assert_string_equal(text, "gpa 0x100000 length 4096 interval 250 ms sha256 " HEX32("ab"));

	/* From the kernel's form, and through JSON, to the same bytes. */
	assert_int_equal(policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN,
				       &back), 0);
	assert_int_equal(back.nranges, 2);
	assert_encodes(&back, buf, len);
	assert_json_round_trip(&back, buf, len, "\"gpa\": \"0x100000\"", NULL);
	policy_free(&back);

	/* A range without its digest, from the kernel: not a policy. */
	assert_int_equal(policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN - 44,
				       &back), -EPROTO);
}

/* At the limits of a range and of their number: accepted; one over: not. */
static void test_runtime_limits(void **state)
{
	struct text t = { 0 };

	(void)state;
	assert_int_equal(parse(RANGE("\"0xfffffffffeffffff\"", "16777216",
				     ", \"interval_ms\": 86400000")), 0);
	assert_int_equal(pol.ranges[0].gpa, 0xfffffffffeffffffULL);
	policy_free(&pol);
	assert_int_equal(parse(RANGE("9007199254740993", "1",
				     ", \"interval_ms\": 100")), 0);
	assert_int_equal(pol.ranges[0].gpa, 9007199254740993ULL);
	policy_free(&pol);
	assert_int_equal(parse(RANGE("\"18446744073709551614\"", "1",
				     ", \"interval_ms\": 0")), 0);
	policy_free(&pol);

	add(&t, "{" SEL ", \"runtime\": [");
	for (unsigned int i = 0; i < TVM_POLICY_RANGES_MAX; i++)
		add(&t, "%s{\"gpa\": %u, \"length\": 4096, \"sha256\": " H256 "}",
		    i ? ", " : "", i * 4096);
	add(&t, "]}");
	assert_int_equal(parse(t.s), 0);
	assert_int_equal(pol.nranges, TVM_POLICY_RANGES_MAX);
	policy_free(&pol);
	t.len -= 2;
	add(&t, ", {\"gpa\": 1, \"length\": 1, \"sha256\": " H256 "}]}");
	assert_int_equal(parse(t.s), -EINVAL);
	assert_string_equal(err, FNAME ": runtime: 17 ranges, more than 16");
	assert_int_equal(pol.nranges, 0);
	free(t.s);
}

/*
 * For `tvmctl launch`: "selector" may be left out, and only then; what
 * is there is still checked.
 */
static void test_selector_optional(void **state)
{
	static const char nosel[] = "{\"version\": 1, \"mode\": \"enforce\"}";

	(void)state;
	assert_int_equal(policy_parse_flags(FNAME, nosel, strlen(nosel),
					    POLICY_PARSE_SEL_OPTIONAL, &pol,
					    err, sizeof(err)), 0);
	assert_false(pol.has_sel);
	assert_int_equal(pol.mode, TVM_POLICY_ENFORCE);
	policy_free(&pol);
	assert_int_equal(parse(nosel), -EINVAL);
	assert_string_equal(err, FNAME ": missing key 'selector' ({\"uuid\": ...}, {\"name\": ...} or {\"default\": true})");
	assert_int_equal(policy_parse_flags(FNAME, "{" SEL "}", strlen("{" SEL "}"),
					    POLICY_PARSE_SEL_OPTIONAL, &pol,
					    err, sizeof(err)), 0);
	assert_true(pol.has_sel);
	assert_string_equal(pol.sel.name, "web-1");
	policy_free(&pol);
	assert_int_equal(policy_parse_flags(FNAME, "{\"version\": 1, \"selector\": {}}",
					    30, POLICY_PARSE_SEL_OPTIONAL,
					    &pol, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, FNAME ": selector: empty (needs one of uuid, name or default)");
}

/* The example in configs/ is a valid policy. */
static void test_example(void **state)
{
	/* From the top of the tree, tests/unit/, build/unit/ or its san/. */
	static const char *const paths[] = {
		"configs/policy-example.json",
		"../../configs/policy-example.json",
		"../../../configs/policy-example.json",
	};
	FILE *fp = NULL;
	char *text;
	long n;

	(void)state;
	for (size_t i = 0; !fp && i < sizeof(paths) / sizeof(paths[0]); i++)
		fp = fopen(paths[i], "r");
	if (!fp)
		skip();
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	text = malloc((size_t)n);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_int_equal(policy_parse("policy-example.json", text, (size_t)n,
				      &pol, err, sizeof(err)), 0);
	assert_int_equal(pol.sel.type, POLICY_SEL_NAME);
	assert_true(pol.has_key);
	free(text);
}

/*
 * The dataflow section, byte for byte: after the runtime ranges; its
 * settings always (defaults included), PER_MESSAGE when set, then its
 * rules in file order, each its sender, its port ranges in order (a
 * single port is a range of one), then MIN_TRUST, MIN_LEVEL and ACTION,
 * always.  The file's keys in any order give the same bytes.
 */
static const char df_json[] =
	"{\"dataflow\": {\"rules\": [{\"ports\": [22, \"1000-2000\"], \"from\": \"host\"},\n"
	"  {\"action\": \"measure\", \"min_level\": 2, \"from\": \"web-1\", \"min_trust\": \"trusted\"},\n"
	"  {\"from\": \"00112233-4455-6677-8899-aabbccddeeff\"}, {\"from\": \"name=any\"}],\n"
	"  \"per_message\": true, \"checkpoint_ms\": 1000, \"checkpoint_bytes\": 65536,\n"
	"  \"default\": \"taint\"}, \"selector\": {\"name\": \"vm\"}, \"version\": 1}";

static const uint8_t df_attr[] = {
	NEST(268, TVM_A_POLICY),
	NLA(8, TVM_A_POLICY_VERSION), U32(1),
	NLA(7, TVM_A_POLICY_NAME), 'v', 'm', 0, 0,
	NLA(8, TVM_A_POLICY_MODE), U32(TVM_POLICY_AUDIT),
	NLA(8, TVM_A_POLICY_REVISION), U32(0),
	NEST(232, TVM_A_POLICY_DATAFLOW),
		NLA(8, TVM_A_DF_DEFAULT), U32(TVM_DF_TAINT),
		NLA(12, TVM_A_DF_CHECKPOINT_BYTES), U32(65536), U32(0),
		NLA(8, TVM_A_DF_CHECKPOINT_MS), U32(1000),
		NLA(4, TVM_A_DF_PER_MESSAGE),
		NEST(72, TVM_A_DF_RULE),
			NLA(4, TVM_A_DFR_FROM_HOST),
			NEST(20, TVM_A_DFR_PORTS),
				NLA(8, TVM_A_DFP_FIRST), U32(22),
				NLA(8, TVM_A_DFP_LAST), U32(22),
			NEST(20, TVM_A_DFR_PORTS),
				NLA(8, TVM_A_DFP_FIRST), U32(1000),
				NLA(8, TVM_A_DFP_LAST), U32(2000),
			NLA(8, TVM_A_DFR_MIN_TRUST), U32(TVM_TRUST_UNTRUSTED),
			NLA(8, TVM_A_DFR_MIN_LEVEL), U32(0),
			NLA(8, TVM_A_DFR_ACTION), U32(TVM_DF_BLOCK),
		NEST(40, TVM_A_DF_RULE),
			NLA(10, TVM_A_DFR_FROM_NAME), 'w', 'e', 'b', '-', '1', 0, 0, 0,
			NLA(8, TVM_A_DFR_MIN_TRUST), U32(TVM_TRUST_TRUSTED),
			NLA(8, TVM_A_DFR_MIN_LEVEL), U32(2),
			NLA(8, TVM_A_DFR_ACTION), U32(TVM_DF_MEASURE),
		NEST(48, TVM_A_DF_RULE),
			NLA(20, TVM_A_DFR_FROM_UUID), 0x00, 0x11, 0x22, 0x33,
			0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
			0xdd, 0xee, 0xff,
			NLA(8, TVM_A_DFR_MIN_TRUST), U32(TVM_TRUST_UNTRUSTED),
			NLA(8, TVM_A_DFR_MIN_LEVEL), U32(0),
			NLA(8, TVM_A_DFR_ACTION), U32(TVM_DF_BLOCK),
		NEST(36, TVM_A_DF_RULE),
			NLA(8, TVM_A_DFR_FROM_NAME), 'a', 'n', 'y', 0,
			NLA(8, TVM_A_DFR_MIN_TRUST), U32(TVM_TRUST_UNTRUSTED),
			NLA(8, TVM_A_DFR_MIN_LEVEL), U32(0),
			NLA(8, TVM_A_DFR_ACTION), U32(TVM_DF_BLOCK),
};

static void test_dataflow(void **state)
{
	static uint8_t canon[POLICY_ATTR_MAX];
	struct policy back;
	size_t len, clen;

	(void)state;
	if (!little_endian())
		skip();
	assert_int_equal(parse(df_json), 0);
	assert_true(pol.df.present);
	assert_int_equal(pol.df.nrules, 4);
	assert_int_equal(pol.df.rules[3].from, TVM_DF_FROM_NAME);
	assert_string_equal(pol.df.rules[3].name, "any");
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(df_attr));
	assert_memory_equal(buf, df_attr, sizeof(df_attr));
	/* The canonical encoding is the payload, on this host. */
	assert_int_equal(policy_canonical(&pol, canon, sizeof(canon), &clen),
			 0);
	assert_int_equal(clen, sizeof(df_attr) - NLA_HDRLEN);
	assert_memory_equal(canon, df_attr + NLA_HDRLEN, clen);

	/*
	 * Back from the kernel's form, and through JSON: the same bytes; a
	 * VM called "any" stays a name, written name=any.
	 */
	assert_int_equal(policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN,
				       &back), 0);
	assert_encodes(&back, df_attr, sizeof(df_attr));
	assert_json_round_trip(&back, df_attr, sizeof(df_attr),
			       "\"name=any\"", NULL);
	policy_free(&back);

	/* Defaults are filled in, and encode as if given. */
	policy_free(&pol);
	assert_int_equal(parse("{\"version\": 1, \"selector\": {\"name\": \"vm\"},"
			       " \"dataflow\": {\"rules\": [{\"from\": \"host\"}]}}"), 0);
	assert_int_equal(pol.df.default_action, TVM_DF_BLOCK);
	assert_int_equal(pol.df.rules[0].min_trust, TVM_TRUST_UNTRUSTED);
	assert_int_equal(pol.df.rules[0].action, TVM_DF_BLOCK);
	assert_int_equal(pol.df.rules[0].nports, 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_json_round_trip(&pol, buf, len, "\"default\": \"block\"", "ports");

	/* A malformed section from the kernel is refused, not half read. */
	memcpy(buf, df_attr, sizeof(df_attr));
	buf[NLA_HDRLEN + 32 + 4 + 4] = 7;	/* DEFAULT: no such action */
	assert_int_equal(policy_decode(buf + NLA_HDRLEN,
				       sizeof(df_attr) - NLA_HDRLEN, &back),
			 -EPROTO);
}

/* At the limits: 64 rules of 16 port ranges; one more of either is refused. */
static void test_dataflow_limits(void **state)
{
	struct text t = { 0 };
	int r, i;

	(void)state;
	for (int over = 0; over < 3; over++) {
		t.len = 0;
		add(&t, "{" SEL ", \"dataflow\": {\"rules\": [");
		for (r = 0; r < TVM_DF_RULES_MAX + (over == 1); r++) {
			add(&t, "%s{\"from\": \"vm-%d\", \"ports\": [", r ? ", " : "",
			    r);
			for (i = 0; i < TVM_DF_PORT_RANGES_MAX + (over == 2 && r == 5); i++)
				add(&t, "%s\"%d-%d\"", i ? ", " : "", 10 * i,
				    10 * i + 5);
			add(&t, "]}");
		}
		add(&t, "]}}");
		if (!over) {
			assert_int_equal(parse(t.s), 0);
			assert_int_equal(pol.df.nrules, TVM_DF_RULES_MAX);
			assert_int_equal(pol.df.rules[63].nports,
					 TVM_DF_PORT_RANGES_MAX);
			policy_free(&pol);
		} else {
			assert_int_equal(parse(t.s), -EINVAL);
			assert_string_equal(err, over == 1 ?
				FNAME ": dataflow.rules: 65 rules, more than 64" :
				FNAME ": dataflow.rules[5].ports: 17 ports or port ranges, more than 16");
		}
	}
	free(t.s);
}

/*
 * The migration section: parsed, encoded with its platform PCRs by index
 * whatever the file's order, decoded back to the same bytes and JSON.
 */
static void test_migration(void **state)
{
	struct policy back;
	size_t len, len2;
	uint8_t again[POLICY_ATTR_MAX];

	(void)state;
	assert_int_equal(parse(MIG("{\"peers\": [\"" ID_B "\", \"" ID_A "\"],"
				   " \"platform\": [{\"pcr\": 7, \"sha256\": [\"" ID_A "\"]},"
				   " {\"pcr\": 0, \"sha256\": [\"" ID_B "\", \"" ID_A "\"]}]}")),
			 0);
	assert_true(pol.mig.present);
	assert_int_equal(pol.mig.npeers, 2);
	assert_int_equal(pol.mig.peers[0][0], 0xb2);
	assert_int_equal(pol.mig.peers[1][31], 0xa1);
	assert_int_equal(pol.mig.pcrs[0].nvalues, 2);
	assert_int_equal(pol.mig.pcrs[0].values[0][0], 0xb2);
	assert_int_equal(pol.mig.pcrs[7].nvalues, 1);
	assert_int_equal(pol.mig.pcrs[3].nvalues, 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);

	assert_int_equal(policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN,
				       &back), 0);
	assert_true(back.mig.present);
	assert_int_equal(policy_encode(&back, again, sizeof(again), &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	/* PCR 0 comes first in JSON too, as the encoding orders it. */
	assert_json_round_trip(&back, buf, len,
			       "\"platform\": [ { \"pcr\": 0", NULL);
	policy_free(&back);

	/* An empty section: present, any peer, no platform judged. */
	policy_free(&pol);
	assert_int_equal(parse(MIG("{}")), 0);
	assert_true(pol.mig.present);
	assert_int_equal(pol.mig.npeers, 0);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	assert_json_round_trip(&pol, buf, len, "\"migration\": { }",
			       "peers");
}

/*
 * The migration section's TPM keys: parsed in the order given, encoded
 * after the platform PCRs (so an owner's signature covers them), decoded
 * back to the same bytes and JSON; at most TVM_MIGP_TPM_KEYS_MAX.
 */
static void test_migration_tpm_keys(void **state)
{
	static const uint8_t key_b[32] = {
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
		0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2,
	};
	uint8_t again[POLICY_ATTR_MAX], without[POLICY_ATTR_MAX];
	const uint8_t *at_key, *at_value;
	struct policy back;
	size_t len, len2, len3;
	struct text t = { 0 };
	int i;

	(void)state;
	assert_int_equal(parse(MIG("{\"tpm_keys\": [\"" ID_B "\", \"" ID_A "\"],"
				   " \"platform\": [{\"pcr\": 7, \"sha256\": [\"" ID_A "\"]}]}")),
			 0);
	assert_int_equal(pol.mig.ntpm_keys, 2);
	assert_int_equal(pol.mig.tpm_keys[0][0], 0xb2);
	assert_int_equal(pol.mig.tpm_keys[1][31], 0xa1);
	assert_int_equal(policy_encode(&pol, buf, sizeof(buf), &len), 0);
	/* After the platform PCR's value, in the migration nest at the end. */
	at_key = memmem(buf, len, key_b, 32);
	assert_non_null(at_key);
	at_value = memmem(buf, len, pol.mig.pcrs[7].values[0], 32);
	assert_non_null(at_value);
	assert_true(at_value < at_key);
	assert_true(at_key + 2 * (32 + NLA_HDRLEN) - NLA_HDRLEN == buf + len);
	/* The keys change the encoding: the owner's signature covers them. */
	pol.mig.ntpm_keys = 0;
	assert_int_equal(policy_encode(&pol, without, sizeof(without), &len3), 0);
	assert_int_equal(len3 + 2 * (32 + NLA_HDRLEN), len);
	pol.mig.ntpm_keys = 2;

	assert_int_equal(policy_decode(buf + NLA_HDRLEN, len - NLA_HDRLEN,
				       &back), 0);
	assert_int_equal(back.mig.ntpm_keys, 2);
	assert_int_equal(policy_encode(&back, again, sizeof(again), &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	assert_json_round_trip(&back, buf, len,
			       "\"tpm_keys\": [ \"" ID_B "\", \"" ID_A "\" ]",
			       NULL);
	policy_free(&back);
	policy_free(&pol);

	for (int over = 0; over < 2; over++) {
		t.len = 0;
		add(&t, "{" SEL ", \"migration\": {\"tpm_keys\": [");
		for (i = 0; i < TVM_MIGP_TPM_KEYS_MAX + over; i++)
			add(&t, "%s\"%064x\"", i ? ", " : "", i);
		add(&t, "]}}");
		if (!over) {
			assert_int_equal(parse(t.s), 0);
			assert_int_equal(pol.mig.ntpm_keys,
					 TVM_MIGP_TPM_KEYS_MAX);
			policy_free(&pol);
		} else {
			assert_int_equal(parse(t.s), -EINVAL);
			assert_string_equal(err,
				FNAME ": migration.tpm_keys: 9 TPM keys, more than 8");
		}
	}
	free(t.s);
}

/* At the limits: 16 peers and 16 values of each of 8 PCRs; one more is not. */
static void test_migration_limits(void **state)
{
	struct text t = { 0 };
	int i, p;

	(void)state;
	for (int over = 0; over < 3; over++) {
		t.len = 0;
		add(&t, "{" SEL ", \"migration\": {\"peers\": [");
		for (i = 0; i < TVM_MIGP_PEERS_MAX + (over == 1); i++)
			add(&t, "%s\"%064x\"", i ? ", " : "", i);
		add(&t, "], \"platform\": [");
		for (p = 0; p < TVM_MIGP_PCRS; p++) {
			add(&t, "%s{\"pcr\": %d, \"sha256\": [", p ? ", " : "", p);
			for (i = 0; i < TVM_POLICY_DIGESTS_MAX + (over == 2 && p == 3); i++)
				add(&t, "%s\"%064x\"", i ? ", " : "", i);
			add(&t, "]}");
		}
		add(&t, "]}}");
		if (!over) {
			assert_int_equal(parse(t.s), 0);
			assert_int_equal(pol.mig.npeers, TVM_MIGP_PEERS_MAX);
			assert_int_equal(pol.mig.pcrs[7].nvalues,
					 TVM_POLICY_DIGESTS_MAX);
			assert_int_equal(policy_encode(&pol, buf, sizeof(buf),
						       &t.len), 0);
			policy_free(&pol);
			t.len = 0;
		} else {
			assert_int_equal(parse(t.s), -EINVAL);
			assert_string_equal(err, over == 1 ?
				FNAME ": migration.peers: 17 peers, more than 16" :
				FNAME ": migration.platform[3].sha256: 17 values, more than 16");
		}
	}
	free(t.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_encode_layout, teardown),
		cmocka_unit_test_teardown(test_canonical_fixed, teardown),
		cmocka_unit_test_teardown(test_tombstone, teardown),
		cmocka_unit_test_teardown(test_encode_selectors, teardown),
		cmocka_unit_test_teardown(test_round_trip, teardown),
		cmocka_unit_test_teardown(test_migration, teardown),
		cmocka_unit_test_teardown(test_migration_limits, teardown),
		cmocka_unit_test_teardown(test_migration_tpm_keys, teardown),
		cmocka_unit_test_teardown(test_rejects, teardown),
		cmocka_unit_test_teardown(test_limits, teardown),
		cmocka_unit_test_teardown(test_keys_decoded, teardown),
		cmocka_unit_test_teardown(test_selectors, teardown),
		cmocka_unit_test_teardown(test_runtime, teardown),
		cmocka_unit_test_teardown(test_runtime_limits, teardown),
		cmocka_unit_test_teardown(test_selector_optional, teardown),
		cmocka_unit_test_teardown(test_example, teardown),
		cmocka_unit_test_teardown(test_dataflow, teardown),
		cmocka_unit_test_teardown(test_dataflow_limits, teardown),
	};

	return cmocka_run_group_tests_name("policy_json", tests, NULL, NULL);
}
