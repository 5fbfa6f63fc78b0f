// SPDX-License-Identifier: GPL-2.0
/*
 * The golden migration blobs of version 1 (tests/golden/mig/v1) read
 * field by field at the offsets of Documentation/migration.rst's "Blobs"
 * tables: the header, each body, the signature (by the test key,
 * tests/golden/mig/TEST-ONLY-ak.pk8), and how the blobs of one migration
 * name each other (ids, host ids, digests, the VM's UUID).  The header's
 * kind is read by tvmctl's own parser, mig_blob_kind() (mig_client.c):
 * tvmctl reads no more of a blob, the kernel checks the rest.  And the
 * files are the ones first made: their digests are written out here, so
 * a set made again fails (the golden README: never for version 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include "mig_client.h"

#ifndef GOLDEN_DIR
#error "GOLDEN_DIR: the directory of the golden blobs and the test key"
#endif

/* migration.rst, "Blobs". */
#define HEAD		16
#define PREPARE_N	376
#define EXPORT_FIXED	196
#define RECEIPT_N	128
#define SIG_LEN		256

struct golden {
	const char *file;
	unsigned int kind;
	const char *sha256;	/* as first made: never made again */
	uint8_t b[16384];
	size_t len;
};

static struct golden g[] = {
	{ .file = "v1/prepare.bin", .kind = MIG_KIND_PREPARE,
	  .sha256 = "896984eded17e80b02bc8471eebaf3cd851b07d300eec8458bfda471cd52eaea" },
	{ .file = "v1/export.bin", .kind = MIG_KIND_EXPORT,
	  .sha256 = "37b39cf476642ea01acdd1cd1e9e0f673d1b2fb8f4ec8a24c798f7a4c1cdf68a" },
	{ .file = "v1/commit.bin", .kind = MIG_KIND_COMMIT,
	  .sha256 = "01071012cd78aceb656ba68560271a54241ef35b88a307d61c58ce1bd6c8974f" },
	{ .file = "v1/abort.bin", .kind = MIG_KIND_ABORT,
	  .sha256 = "7d7b2f1f4ba36cbca789fc9ebfb7aa4b0c016ac54564fab1cb504bb94be68b80" },
};

enum { PREPARE, EXPORT, COMMIT, ABORT, N };

/* What the README says they hold. */
static const char host_hex[] =
	"7d7f9ea3a5022d31dc0f12f41c4d35cbfada723b9104c1c4813bef18a39e4b22";
static const char id_hex[] = "2ca8ec34e54e1786d3a4db087f8a6490";
static const char id2_hex[] = "a32455707dd188ccf0ca860ecb6d61a5";
static const char uuid_hex[] = "74766d676f6c64656e2d766d00000001";
static const uint8_t zero[32];

static uint8_t host[32];	/* the test key's host id, computed */
static EVP_PKEY *key;

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned int v;

	assert_int_equal(strlen(s), 2 * n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	assert_int_equal(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL), 1);
}

/* Field @bytes bytes at @off of blob @b equal the hex @want. */
static void field_hex(const uint8_t *b, size_t off, size_t bytes,
		      const char *want)
{
	uint8_t w[64];

	assert_true(bytes <= sizeof(w));
	unhex(want, w, bytes);
	assert_memory_equal(b + off, w, bytes);
}

/* Whether the 64 bytes at @p are X then Y of a point on P-256. */
static bool p256_point(const uint8_t *p)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *pt = grp ? EC_POINT_new(grp) : NULL;
	uint8_t oct[65];
	bool ok;

	oct[0] = 0x04;
	memcpy(oct + 1, p, 64);
	ok = pt && EC_POINT_oct2point(grp, pt, oct, sizeof(oct), NULL) == 1 &&
	     EC_POINT_is_on_curve(grp, pt, NULL) == 1;
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	return ok;
}

/* The signature of @b (@len bytes) over its header and body verifies. */
static bool sig_ok(const uint8_t *b, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t at = HEAD + be32(b + 8);
	bool ok;

	ok = ctx && at + 2 <= len && at + 2 + be16(b + at) == len &&
	     EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, b + at + 2, be16(b + at), b, at) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static int setup(void **state)
{
	unsigned char *der = NULL;
	char path[512];
	FILE *f;
	int i, len;

	(void)state;
	for (i = 0; i < N; i++) {
		snprintf(path, sizeof(path), GOLDEN_DIR "/%s", g[i].file);
		f = fopen(path, "rb");
		if (!f) {
			fprintf(stderr, "# %s: %m\n", path);
			return -1;
		}
		g[i].len = fread(g[i].b, 1, sizeof(g[i].b), f);
		fclose(f);
		if (!g[i].len || g[i].len == sizeof(g[i].b))
			return -1;
	}
	f = fopen(GOLDEN_DIR "/TEST-ONLY-ak.pk8", "rb");
	if (!f)
		return -1;
	key = d2i_PrivateKey_fp(f, NULL);
	fclose(f);
	if (!key)
		return -1;
	len = i2d_PublicKey(key, &der);
	if (len <= 0)
		return -1;
	sha256(der, (size_t)len, host);
	OPENSSL_free(der);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	return 0;
}

/* The files are the ones first made: their digests, here and in SHA256SUMS. */
static void test_files_are_the_first_made(void **state)
{
	char line[256], sums[1024] = "", want[256];
	uint8_t d[32];
	FILE *f;
	int i, j;

	(void)state;
	f = fopen(GOLDEN_DIR "/v1/SHA256SUMS", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		strncat(sums, line, sizeof(sums) - strlen(sums) - 1);
	fclose(f);
	for (i = 0; i < N; i++) {
		sha256(g[i].b, g[i].len, d);
		field_hex(d, 0, 32, g[i].sha256);
		snprintf(want, sizeof(want), "%s  %s\n", g[i].sha256,
			 g[i].file + 3);
		assert_non_null(strstr(sums, want));
		for (j = 0; j < 64; j++)
			assert_true(strchr("0123456789abcdef", g[i].sha256[j]));
	}
	field_hex(host, 0, 32, host_hex);
}

/* The header: magic, version 1, kind (tvmctl's parser), N, zero; then L. */
static void test_headers(void **state)
{
	static const uint32_t body[N] = { PREPARE_N, 0, RECEIPT_N, RECEIPT_N };
	uint32_t n;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		const uint8_t *b = g[i].b;

		assert_memory_equal(b, "TVMG", 4);
		assert_int_equal(be16(b + 4), 1);
		assert_int_equal(be16(b + 6), g[i].kind);
		assert_int_equal(mig_blob_kind(b, g[i].len), g[i].kind);
		n = be32(b + 8);
		if (body[i])
			assert_int_equal(n, body[i]);
		assert_int_equal(be32(b + 12), 0);
		assert_int_equal(be16(b + HEAD + n), SIG_LEN);
		assert_int_equal(g[i].len, HEAD + n + 2 + SIG_LEN);
	}
	assert_string_equal(mig_kind_name(mig_blob_kind(g[EXPORT].b,
							g[EXPORT].len)),
			    "an EXPORT blob");
}

/* PREPARE: id, destination, ECDH key, lifetime, mask, platform PCRs. */
static void test_prepare_body(void **state)
{
	const uint8_t *p = g[PREPARE].b + HEAD;
	uint32_t mask;
	int i;

	(void)state;
	field_hex(p, 0, 16, id_hex);
	assert_memory_equal(p + 16, host, 32);
	assert_true(p256_point(p + 48));
	assert_int_equal(be32(p + 112), TVM_MIG_TTL_DEFAULT);
	mask = be32(p + 116);
	assert_int_equal(mask & ~0xffu, 0);
	for (i = 0; i < 8; i++)
		if (!(mask & (1u << i)))
			assert_memory_equal(p + 120 + 32 * i, zero, 32);
	/* The emulated host has a TPM: all eight were read. */
	assert_int_equal(mask, 0xff);
}

/* EXPORT: id, source, destination, key, nonce, PREPARE digest, C. */
static void test_export_body(void **state)
{
	const uint8_t *p = g[EXPORT].b + HEAD;
	uint32_t n = be32(g[EXPORT].b + 8);
	uint8_t d[32];

	(void)state;
	field_hex(p, 0, 16, id_hex);
	assert_memory_equal(p + 16, host, 32);
	assert_memory_equal(p + 48, host, 32);
	assert_true(p256_point(p + 80));
	/* Not the destination's key: a fresh pair of the source's. */
	assert_memory_not_equal(p + 80, g[PREPARE].b + HEAD + 48, 64);
	assert_memory_not_equal(p + 144, zero, 12);
	sha256(g[PREPARE].b, g[PREPARE].len, d);
	assert_memory_equal(p + 156, d, 32);
	assert_int_equal(be64(p + 188), (uint64_t)n - EXPORT_FIXED);
	/* The sealed state at least holds its magic, version, ... and tag. */
	assert_true(be64(p + 188) > 196 + 16);
}

/* COMMIT: id, source, destination, EXPORT digest, the VM's UUID. */
static void test_commit_body(void **state)
{
	const uint8_t *p = g[COMMIT].b + HEAD;
	uint8_t d[32];

	(void)state;
	field_hex(p, 0, 16, id_hex);
	assert_memory_equal(p + 16, host, 32);
	assert_memory_equal(p + 48, host, 32);
	sha256(g[EXPORT].b, g[EXPORT].len, d);
	assert_memory_equal(p + 80, d, 32);
	field_hex(p, 112, 16, uuid_hex);
}

/* ABORT of an id never imported: source, digest and UUID zero. */
static void test_abort_body(void **state)
{
	const uint8_t *p = g[ABORT].b + HEAD;

	(void)state;
	field_hex(p, 0, 16, id2_hex);
	assert_memory_not_equal(p, g[PREPARE].b + HEAD, 16);
	assert_memory_equal(p + 16, zero, 32);
	assert_memory_equal(p + 48, host, 32);
	assert_memory_equal(p + 80, zero, 32);
	assert_memory_equal(p + 112, zero, 16);
}

/* Each is signed by the test key over bytes 0 to 16+N-1, and only those. */
static void test_signatures(void **state)
{
	uint8_t c[sizeof(g[0].b)];
	size_t at;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		assert_true(sig_ok(g[i].b, g[i].len));
		at = HEAD + be32(g[i].b + 8);
		memcpy(c, g[i].b, g[i].len);
		c[5] ^= 3;	/* version 2 */
		assert_false(sig_ok(c, g[i].len));
		memcpy(c, g[i].b, g[i].len);
		c[at - 1] ^= 1;
		assert_false(sig_ok(c, g[i].len));
	}
}

/*
 * tvmctl's parser names the kind whatever the version: a blob of another
 * version goes on to the kernel, which refuses it (EPROTONOSUPPORT, its
 * message naming both versions); one of an unknown kind, or not a blob,
 * is none of the four.
 */
static void test_parser_leaves_the_version_to_the_kernel(void **state)
{
	uint8_t c[sizeof(g[0].b)];
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		memcpy(c, g[i].b, g[i].len);
		c[4] = 0;
		c[5] = 2;
		assert_int_equal(mig_blob_kind(c, g[i].len), g[i].kind);
		c[7] = 5;
		assert_int_equal(mig_blob_kind(c, g[i].len), 0);
		assert_int_equal(mig_blob_kind(g[i].b, HEAD - 1), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_are_the_first_made),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_prepare_body),
		cmocka_unit_test(test_export_body),
		cmocka_unit_test(test_commit_body),
		cmocka_unit_test(test_abort_body),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_parser_leaves_the_version_to_the_kernel),
	};

	return cmocka_run_group_tests_name("mig_golden", tests, setup,
					   teardown);
}
