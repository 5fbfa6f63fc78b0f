// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kernel/lib/p256.c, built in userspace against cmocka.
 *
 * Known answers: RFC 6979 appendix A.2.5 (P-256, SHA-256: the key pair and
 * the signatures of "sample" and "test").  Oracle: OpenSSL's libcrypto
 * derives every public key again (EC_POINT_mul) and verifies every
 * signature (ECDSA_do_verify), over fixed edge scalars and a few hundred
 * pseudo-random ones.  RFC 6979's retry (step h.3), which no known input
 * reaches, through the hook this build compiles in (TVM_P256_TEST_HOOKS):
 * the signature with the first candidates dropped, against the candidate
 * computed apart from p256.c over OpenSSL's HMAC.
 */

/* ECDSA_do_verify() takes an EC_KEY, deprecated (not gone) in OpenSSL 3. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>

#include "p256.h"
/* Built with TVM_P256_TEST_HOOKS (Makefile): candidates to drop. */
extern int tvm_p256_test_drop;
/* The comb table itself, to check every entry against OpenSSL. */
#include "p256_comb.h"
#include "unit_rng.h"

#define RANDOM_CASES	300

/* The group order n, and p, big-endian. */
static const char *const hex_n =
	"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
static const char *const hex_p =
	"ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

static void unhex(u8 out[TVM_P256_BYTES], const char *hex)
{
	int i;

	assert_int_equal(strlen(hex), 2 * TVM_P256_BYTES);
	for (i = 0; i < TVM_P256_BYTES; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}

static void check_hex(const u8 got[TVM_P256_BYTES], const char *expect)
{
	u8 want[TVM_P256_BYTES];

	unhex(want, expect);
	assert_memory_equal(got, want, TVM_P256_BYTES);
}

/* out = a + delta, a big-endian 256-bit integer; delta may be negative. */
static void add_small(u8 out[TVM_P256_BYTES], const u8 a[TVM_P256_BYTES],
		      int delta)
{
	int i, carry = delta;

	for (i = TVM_P256_BYTES - 1; i >= 0; i--) {
		int v = a[i] + carry;

		out[i] = (u8)v;
		carry = (v - (u8)v) / 256;
	}
}


/* OpenSSL's view of P-256, set up once for the oracle tests. */
struct oracle {
	EC_GROUP *grp;
	BN_CTX *bn;
};

static struct oracle ossl;

static int oracle_setup(void **state)
{
	(void)state;
	ossl.grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	ossl.bn = BN_CTX_new();
	return ossl.grp && ossl.bn ? 0 : -1;
}

static int oracle_teardown(void **state)
{
	(void)state;
	EC_GROUP_free(ossl.grp);
	BN_CTX_free(ossl.bn);
	return 0;
}

/* OpenSSL's d*G, as big-endian affine coordinates. */
static void oracle_public(const u8 priv[TVM_P256_BYTES],
			  u8 x[TVM_P256_BYTES], u8 y[TVM_P256_BYTES])
{
	BIGNUM *d = BN_bin2bn(priv, TVM_P256_BYTES, NULL);
	BIGNUM *bx = BN_new(), *by = BN_new();
	EC_POINT *pt = EC_POINT_new(ossl.grp);

	assert_non_null(d);
	assert_non_null(bx);
	assert_non_null(by);
	assert_non_null(pt);
	assert_int_equal(EC_POINT_mul(ossl.grp, pt, d, NULL, NULL, ossl.bn), 1);
	assert_int_equal(EC_POINT_get_affine_coordinates(ossl.grp, pt, bx, by,
							 ossl.bn), 1);
	assert_int_equal(BN_bn2binpad(bx, x, TVM_P256_BYTES), TVM_P256_BYTES);
	assert_int_equal(BN_bn2binpad(by, y, TVM_P256_BYTES), TVM_P256_BYTES);
	EC_POINT_free(pt);
	BN_free(bx);
	BN_free(by);
	BN_free(d);
}

/* Does OpenSSL accept (r, s) on digest under the public key (x, y)? */
static int oracle_verify(const u8 x[TVM_P256_BYTES], const u8 y[TVM_P256_BYTES],
			 const u8 digest[32], const u8 r[TVM_P256_BYTES],
			 const u8 s[TVM_P256_BYTES])
{
	EC_KEY *key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *bx = BN_bin2bn(x, TVM_P256_BYTES, NULL);
	BIGNUM *by = BN_bin2bn(y, TVM_P256_BYTES, NULL);
	BIGNUM *br = BN_bin2bn(r, TVM_P256_BYTES, NULL);
	BIGNUM *bs = BN_bin2bn(s, TVM_P256_BYTES, NULL);
	ECDSA_SIG *sig = ECDSA_SIG_new();
	int ok;

	assert_non_null(key);
	assert_non_null(bx);
	assert_non_null(by);
	assert_non_null(br);
	assert_non_null(bs);
	assert_non_null(sig);
	assert_int_equal(EC_KEY_set_public_key_affine_coordinates(key, bx, by),
			 1);
	assert_int_equal(ECDSA_SIG_set0(sig, br, bs), 1);
	ok = ECDSA_do_verify(digest, 32, sig, key);
	ECDSA_SIG_free(sig);
	EC_KEY_free(key);
	BN_free(bx);
	BN_free(by);
	return ok;
}

/*
 * The whole check for one key and digest: our public key equals
 * OpenSSL's, our signature verifies under it, signing is deterministic,
 * and r and s are in [1, n-1].
 */
static void check_key(const u8 priv[TVM_P256_BYTES], const u8 digest[32])
{
	u8 x[TVM_P256_BYTES], y[TVM_P256_BYTES];
	u8 ox[TVM_P256_BYTES], oy[TVM_P256_BYTES];
	u8 r[TVM_P256_BYTES], s[TVM_P256_BYTES];
	u8 r2[TVM_P256_BYTES], s2[TVM_P256_BYTES], n[TVM_P256_BYTES];
	static const u8 zero[TVM_P256_BYTES];

	assert_int_equal(tvm_p256_public(priv, x, y), 0);
	oracle_public(priv, ox, oy);
	assert_memory_equal(x, ox, TVM_P256_BYTES);
	assert_memory_equal(y, oy, TVM_P256_BYTES);

	assert_int_equal(tvm_p256_sign(priv, digest, r, s), 0);
	assert_int_equal(oracle_verify(x, y, digest, r, s), 1);
	assert_int_equal(tvm_p256_sign(priv, digest, r2, s2), 0);
	assert_memory_equal(r, r2, TVM_P256_BYTES);
	assert_memory_equal(s, s2, TVM_P256_BYTES);

	unhex(n, hex_n);
	assert_memory_not_equal(r, zero, TVM_P256_BYTES);
	assert_memory_not_equal(s, zero, TVM_P256_BYTES);
	assert_true(memcmp(r, n, TVM_P256_BYTES) < 0);
	assert_true(memcmp(s, n, TVM_P256_BYTES) < 0);

	/* A signature of another digest must not verify. */
	memcpy(r2, digest, 32);
	r2[31] ^= 1;
	assert_int_equal(oracle_verify(x, y, r2, r, s), 0);
}

/* RFC 6979 A.2.5: the key pair. */
static const char *const rfc_priv =
	"c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";

static void test_rfc6979_public(void **state)
{
	u8 d[TVM_P256_BYTES], x[TVM_P256_BYTES], y[TVM_P256_BYTES];

	(void)state;
	unhex(d, rfc_priv);
	assert_int_equal(tvm_p256_public(d, x, y), 0);
	check_hex(x, "60fed4ba255a9d31c961eb74c6356d68"
		     "c049b8923b61fa6ce669622e60f29fb6");
	check_hex(y, "7903fe1008b8bc99a41ae9e95628bc64"
		     "f2f1b20c2d7e9f5177a3c294d4462299");
}

/*
 * One RFC 6979 A.2.5 SHA-256 signature.  k is checked through r: the x of
 * k*G, reduced mod n, must be the vector's r (the vectors' kG.x are < n).
 */
static void check_rfc6979(const char *msg, const char *k, const char *r,
			  const char *s)
{
	u8 d[TVM_P256_BYTES], digest[32], kk[TVM_P256_BYTES];
	u8 gr[TVM_P256_BYTES], gs[TVM_P256_BYTES], kx[TVM_P256_BYTES];
	u8 ky[TVM_P256_BYTES];

	unhex(d, rfc_priv);
	SHA256((const unsigned char *)msg, strlen(msg), digest);
	assert_int_equal(tvm_p256_sign(d, digest, gr, gs), 0);
	check_hex(gr, r);
	check_hex(gs, s);

	unhex(kk, k);
	assert_int_equal(tvm_p256_public(kk, kx, ky), 0);
	check_hex(kx, r);
}

static void test_rfc6979_sample(void **state)
{
	(void)state;
	check_rfc6979("sample",
		      "a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60",
		      "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
		      "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
}

static void test_rfc6979_test(void **state)
{
	(void)state;
	check_rfc6979("test",
		      "d16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0",
		      "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
		      "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083");
}

/* out = HMAC-SHA256 keyed with @key of @a || @sep (if >= 0) || @b. */
static void hmac3(u8 out[32], const u8 key[32], const u8 *a, size_t alen,
		  int sep, const u8 *b, size_t blen)
{
	u8 buf[32 + 1 + 64];
	unsigned int len = 0;
	size_t n = alen;

	memcpy(buf, a, alen);
	if (sep >= 0)
		buf[n++] = (u8)sep;
	if (blen)
		memcpy(buf + n, b, blen);
	n += blen;
	assert_non_null(HMAC(EVP_sha256(), key, 32, buf, n, out, &len));
	assert_int_equal(len, 32);
}

/*
 * RFC 6979 3.2's candidate number @j (0 the first) for key @x and h1,
 * written from the RFC's steps b-h apart from kernel/lib/p256.c, over
 * OpenSSL's HMAC: every candidate before @j taken as rejected (h.3).
 */
static void rfc6979_candidate(u8 k[32], const u8 x[32], const u8 h1[32],
			      int j)
{
	u8 v[32], kk[32], xh[64];

	memcpy(xh, x, 32);
	memcpy(xh + 32, h1, 32);
	memset(v, 0x01, sizeof(v));			/* b */
	memset(kk, 0x00, sizeof(kk));			/* c */
	hmac3(kk, kk, v, 32, 0x00, xh, 64);		/* d */
	hmac3(v, kk, v, 32, -1, NULL, 0);		/* e */
	hmac3(kk, kk, v, 32, 0x01, xh, 64);		/* f */
	hmac3(v, kk, v, 32, -1, NULL, 0);		/* g */
	for (;;) {
		hmac3(v, kk, v, 32, -1, NULL, 0);	/* h.2: T = V */
		if (!j--)
			break;
		hmac3(kk, kk, v, 32, 0x00, NULL, 0);	/* h.3 */
		hmac3(v, kk, v, 32, -1, NULL, 0);
	}
	memcpy(k, v, 32);
}

/* OpenSSL's ECDSA signature of @digest by @priv with nonce @k. */
static void oracle_sign_with(const u8 priv[32], const u8 digest[32],
			     const u8 k[32], u8 r[32], u8 s[32])
{
	const BIGNUM *n = EC_GROUP_get0_order(ossl.grp);
	BIGNUM *bk = BN_bin2bn(k, 32, NULL), *bd = BN_bin2bn(priv, 32, NULL);
	BIGNUM *be = BN_bin2bn(digest, 32, NULL), *bx = BN_new();
	BIGNUM *br = BN_new(), *bs = BN_new(), *t = BN_new();
	EC_POINT *pt = EC_POINT_new(ossl.grp);

	assert_true(bk && bd && be && bx && br && bs && t && pt);
	assert_int_equal(EC_POINT_mul(ossl.grp, pt, bk, NULL, NULL, ossl.bn), 1);
	assert_int_equal(EC_POINT_get_affine_coordinates(ossl.grp, pt, bx,
							 NULL, ossl.bn), 1);
	assert_int_equal(BN_nnmod(br, bx, n, ossl.bn), 1);
	assert_int_equal(BN_nnmod(be, be, n, ossl.bn), 1);
	/* s = k^-1 (e + r d) mod n */
	assert_int_equal(BN_mod_mul(t, br, bd, n, ossl.bn), 1);
	assert_int_equal(BN_mod_add(t, t, be, n, ossl.bn), 1);
	assert_non_null(BN_mod_inverse(bk, bk, n, ossl.bn));
	assert_int_equal(BN_mod_mul(bs, t, bk, n, ossl.bn), 1);
	assert_int_equal(BN_bn2binpad(br, r, 32), 32);
	assert_int_equal(BN_bn2binpad(bs, s, 32), 32);
	EC_POINT_free(pt);
	BN_free(bk);
	BN_free(bd);
	BN_free(be);
	BN_free(bx);
	BN_free(br);
	BN_free(bs);
	BN_free(t);
}

/*
 * RFC 6979 step h.3, the retry no real input reaches: with the first
 * @drops candidates dropped (the test hook), the signature is the one
 * with candidate number @drops, computed apart; and the oracle's first
 * candidate is the vector's k, which checks the oracle.
 */
static void check_retry(int drops)
{
	u8 d[32], digest[32], h1[32], k[32], want_k[32];
	u8 r[32], s[32], wr[32], ws[32], x[32], y[32];

	unhex(d, rfc_priv);
	SHA256((const unsigned char *)"sample", 6, digest);
	/* SHA-256("sample") is below n: h1 is the digest itself. */
	memcpy(h1, digest, 32);
	rfc6979_candidate(k, d, h1, 0);
	unhex(want_k, "a6e3c57dd01abe90086538398355dd4c"
		      "3b17aa873382b0f24d6129493d8aad60");
	assert_memory_equal(k, want_k, 32);

	rfc6979_candidate(k, d, h1, drops);
	oracle_sign_with(d, digest, k, wr, ws);
	tvm_p256_test_drop = drops;
	assert_int_equal(tvm_p256_sign(d, digest, r, s), 0);
	assert_int_equal(tvm_p256_test_drop, 0);
	assert_memory_equal(r, wr, 32);
	assert_memory_equal(s, ws, 32);
	assert_int_equal(tvm_p256_public(d, x, y), 0);
	assert_int_equal(oracle_verify(x, y, digest, r, s), 1);
}

static void test_rfc6979_retry(void **state)
{
	(void)state;
	check_retry(1);
	check_retry(2);
}

/* Public keys known without OpenSSL: 1G = G, 2G, (n-1)G = -G. */
static void test_public_known(void **state)
{
	static const char *const gx =
		"6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
	static const char *const gy =
		"4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
	u8 d[TVM_P256_BYTES], x[TVM_P256_BYTES], y[TVM_P256_BYTES];
	u8 n[TVM_P256_BYTES], p[TVM_P256_BYTES], want[TVM_P256_BYTES];
	int i, borrow;

	(void)state;
	memset(d, 0, sizeof(d));
	d[31] = 1;
	assert_int_equal(tvm_p256_public(d, x, y), 0);
	check_hex(x, gx);
	check_hex(y, gy);

	d[31] = 2;
	assert_int_equal(tvm_p256_public(d, x, y), 0);
	check_hex(x, "7cf27b188d034f7e8a52380304b51ac3"
		     "c08969e277f21b35a60b48fc47669978");
	check_hex(y, "07775510db8ed040293d9ac69f7430db"
		     "ba7dade63ce982299e04b79d227873d1");

	/* (n-1)G = (Gx, p - Gy) */
	unhex(n, hex_n);
	add_small(d, n, -1);
	assert_int_equal(tvm_p256_public(d, x, y), 0);
	check_hex(x, gx);
	unhex(p, hex_p);
	unhex(want, gy);
	for (i = TVM_P256_BYTES - 1, borrow = 0; i >= 0; i--) {
		int v = p[i] - want[i] - borrow;

		borrow = v < 0;
		want[i] = (u8)v;
	}
	assert_memory_equal(y, want, TVM_P256_BYTES);
}

/*
 * Keys out of [1, n-1] are refused, with the outputs zeroed: 0, n, n+1,
 * 2^256-1.
 */
static void test_bad_private_keys(void **state)
{
	static const u8 zero[TVM_P256_BYTES];
	u8 bad[4][TVM_P256_BYTES], digest[32];
	u8 a[TVM_P256_BYTES], b[TVM_P256_BYTES];
	size_t i;

	(void)state;
	memset(bad[0], 0, TVM_P256_BYTES);
	unhex(bad[1], hex_n);
	add_small(bad[2], bad[1], 1);
	memset(bad[3], 0xff, TVM_P256_BYTES);
	memset(digest, 0x5a, sizeof(digest));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(a, 0xaa, sizeof(a));
		memset(b, 0xaa, sizeof(b));
		assert_int_equal(tvm_p256_public(bad[i], a, b), -EINVAL);
		assert_memory_equal(a, zero, TVM_P256_BYTES);
		assert_memory_equal(b, zero, TVM_P256_BYTES);

		memset(a, 0xaa, sizeof(a));
		memset(b, 0xaa, sizeof(b));
		assert_int_equal(tvm_p256_sign(bad[i], digest, a, b), -EINVAL);
		assert_memory_equal(a, zero, TVM_P256_BYTES);
		assert_memory_equal(b, zero, TVM_P256_BYTES);
	}
}

/*
 * Keys at and near the ends of the range, and ones whose 4-bit windows
 * hit the recoding's corners: every window 8 (the largest digit kept),
 * 9 (the smallest that borrows), 7 and 15 (a carry through every window).
 */
static void test_edge_keys(void **state)
{
	static const int small[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 255, 256 };
	static const u8 fill[] = { 0x88, 0x99, 0x77, 0x11, 0x80, 0x08 };
	u8 d[TVM_P256_BYTES], n[TVM_P256_BYTES], digest[32];
	size_t i;

	(void)state;
	unhex(n, hex_n);
	rng_fill(digest, sizeof(digest));

	for (i = 0; i < ARRAY_SIZE(small); i++) {
		memset(d, 0, sizeof(d));
		add_small(d, d, small[i]);
		check_key(d, digest);
		add_small(d, n, -small[i]);	/* n - small */
		check_key(d, digest);
	}
	for (i = 0; i < ARRAY_SIZE(fill); i++) {
		memset(d, fill[i], sizeof(d));
		check_key(d, digest);
	}
	/* 2^255 - 1, 2^255, and a lone top bit with all else 0xff below n. */
	memset(d, 0xff, sizeof(d));
	d[0] = 0x7f;
	check_key(d, digest);
	memset(d, 0, sizeof(d));
	d[0] = 0x80;
	check_key(d, digest);
	memset(d, 0xff, sizeof(d));
	d[4] = 0;
	d[5] = 0;
	d[6] = 0;
	d[7] = 0;
	d[8] = 0;
	check_key(d, digest);
}

/* dG for d in 1..32, as keys: row 0 and 1 of the comb, and carries. */
static void test_small_multiples(void **state)
{
	u8 d[TVM_P256_BYTES], x[TVM_P256_BYTES], y[TVM_P256_BYTES];
	u8 ox[TVM_P256_BYTES], oy[TVM_P256_BYTES];
	int j;

	(void)state;
	for (j = 1; j <= 32; j++) {
		memset(d, 0, sizeof(d));
		d[31] = (u8)j;
		assert_int_equal(tvm_p256_public(d, x, y), 0);
		oracle_public(d, ox, oy);
		assert_memory_equal(x, ox, TVM_P256_BYTES);
		assert_memory_equal(y, oy, TVM_P256_BYTES);
	}
}

/*
 * Digests at and above n: ECDSA's e and RFC 6979's h1 both take the
 * digest mod n, so digest and digest - n give one signature, and OpenSSL
 * (which reduces the same way) accepts it.
 */
static void test_digest_above_n(void **state)
{
	u8 d[TVM_P256_BYTES], n[TVM_P256_BYTES], hi[32], lo[32];
	u8 r1[TVM_P256_BYTES], s1[TVM_P256_BYTES];
	u8 r2[TVM_P256_BYTES], s2[TVM_P256_BYTES];
	static const int delta[] = { 0, 1, 5, 0x1000 };
	size_t i;

	(void)state;
	unhex(d, rfc_priv);
	unhex(n, hex_n);
	for (i = 0; i < ARRAY_SIZE(delta); i++) {
		add_small(hi, n, delta[i]);	/* n + delta */
		memset(lo, 0, sizeof(lo));
		add_small(lo, lo, delta[i]);	/* delta */
		assert_int_equal(tvm_p256_sign(d, hi, r1, s1), 0);
		assert_int_equal(tvm_p256_sign(d, lo, r2, s2), 0);
		assert_memory_equal(r1, r2, TVM_P256_BYTES);
		assert_memory_equal(s1, s2, TVM_P256_BYTES);
		check_key(d, hi);
	}

	/* All ones: 2^256 - 1 = (2^256 - 1 - n) + n. */
	memset(hi, 0xff, sizeof(hi));
	check_key(d, hi);
	memset(lo, 0, sizeof(lo));
	check_key(d, lo);
}

/*
 * Every entry of the comb table (kernel/lib/p256_comb.h, generated by
 * scripts/gen_p256_comb.py): p256_comb[i][j - 1] is j * 16^i * G, its
 * coordinates times 2^256 mod p.
 */
static void test_comb_table(void **state)
{
	BIGNUM *p = BN_new(), *rinv = BN_new(), *k = BN_new();
	BIGNUM *cx = BN_new(), *cy = BN_new(), *ox = BN_new(), *oy = BN_new();
	EC_POINT *pt = EC_POINT_new(ossl.grp);
	const BIGNUM *n = EC_GROUP_get0_order(ossl.grp);
	u8 be[TVM_P256_BYTES];
	int i, j, l;

	(void)state;
	assert_non_null(p);
	assert_non_null(rinv);
	assert_non_null(k);
	assert_non_null(cx);
	assert_non_null(cy);
	assert_non_null(ox);
	assert_non_null(oy);
	assert_non_null(pt);
	unhex(be, hex_p);
	assert_non_null(BN_bin2bn(be, sizeof(be), p));
	/* 2^-256 mod p, to leave Montgomery form. */
	assert_int_equal(BN_set_word(rinv, 1), 1);
	assert_int_equal(BN_lshift(rinv, rinv, 256), 1);
	assert_non_null(BN_mod_inverse(rinv, rinv, p, ossl.bn));

	for (i = 0; i < 65; i++) {
		for (j = 1; j <= 8; j++) {
			const u64 (*e)[4] = p256_comb[i][j - 1];

			/* k = j * 16^i mod n */
			assert_int_equal(BN_set_word(k, j), 1);
			assert_int_equal(BN_lshift(k, k, 4 * i), 1);
			assert_int_equal(BN_nnmod(k, k, n, ossl.bn), 1);
			assert_int_equal(EC_POINT_mul(ossl.grp, pt, k, NULL,
						      NULL, ossl.bn), 1);
			assert_int_equal(EC_POINT_get_affine_coordinates(
					ossl.grp, pt, ox, oy, ossl.bn), 1);

			for (l = 0; l < 4; l++)
				put_unaligned_be64(e[0][l], be + 8 * (3 - l));
			assert_non_null(BN_bin2bn(be, sizeof(be), cx));
			for (l = 0; l < 4; l++)
				put_unaligned_be64(e[1][l], be + 8 * (3 - l));
			assert_non_null(BN_bin2bn(be, sizeof(be), cy));
			assert_true(BN_cmp(cx, p) < 0);
			assert_true(BN_cmp(cy, p) < 0);
			assert_int_equal(BN_mod_mul(cx, cx, rinv, p, ossl.bn),
					 1);
			assert_int_equal(BN_mod_mul(cy, cy, rinv, p, ossl.bn),
					 1);
			if (BN_cmp(cx, ox) || BN_cmp(cy, oy))
				fail_msg("comb entry [%d][%d] is not %d * 16^%d G",
					 i, j - 1, j, i);
		}
	}
	EC_POINT_free(pt);
	BN_free(p);
	BN_free(rinv);
	BN_free(k);
	BN_free(cx);
	BN_free(cy);
	BN_free(ox);
	BN_free(oy);
}

/* Set nibble @i (0 = least significant) of big-endian @d to @v. */
static void set_nibble(u8 d[TVM_P256_BYTES], int i, unsigned int v)
{
	u8 *b = &d[TVM_P256_BYTES - 1 - i / 2];

	if (i % 2)
		*b = (u8)((*b & 0x0f) | (v << 4));
	else
		*b = (u8)((*b & 0xf0) | v);
}

/*
 * The comb's every row and digit: for each nibble position i and value
 * v, the scalar v * 16^i (every other digit 0, so each row also sees
 * digit 0, and v >= 9 recodes to a negative digit and a carry into row
 * i + 1, row 64 for i = 63) and a random scalar with nibble i set to v,
 * public keys against OpenSSL; a signature with every 16th.
 */
static void test_comb_digits(void **state)
{
	u8 d[TVM_P256_BYTES], n[TVM_P256_BYTES], digest[32];
	u8 x[TVM_P256_BYTES], y[TVM_P256_BYTES];
	u8 ox[TVM_P256_BYTES], oy[TVM_P256_BYTES];
	int i, pass;
	unsigned int v;

	(void)state;
	unhex(n, hex_n);
	rng_fill(digest, sizeof(digest));
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 64; i++) {
			for (v = 0; v < 16; v++) {
				if (pass)
					rng_fill(d, sizeof(d));
				else
					memset(d, 0, sizeof(d));
				set_nibble(d, i, v);
				if (memcmp(d, n, sizeof(d)) >= 0)
					d[0] &= 0x7f;	/* below n */
				if (!pass && !v)
					continue;	/* 0 is no key */
				assert_int_equal(tvm_p256_public(d, x, y), 0);
				oracle_public(d, ox, oy);
				assert_memory_equal(x, ox, TVM_P256_BYTES);
				assert_memory_equal(y, oy, TVM_P256_BYTES);
				if (v == (unsigned int)(i % 16))
					check_key(d, digest);
			}
		}
	}
}

static void test_openssl_random(void **state)
{
	u8 d[TVM_P256_BYTES], n[TVM_P256_BYTES], digest[32];
	int i;

	(void)state;
	unhex(n, hex_n);
	for (i = 0; i < RANDOM_CASES; i++) {
		rng_fill(d, sizeof(d));
		if (memcmp(d, n, sizeof(d)) >= 0)
			d[0] &= 0x7f;	/* below n */
		rng_fill(digest, sizeof(digest));
		check_key(d, digest);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6979_public),
		cmocka_unit_test(test_rfc6979_sample),
		cmocka_unit_test(test_rfc6979_test),
		cmocka_unit_test(test_rfc6979_retry),
		cmocka_unit_test(test_public_known),
		cmocka_unit_test(test_bad_private_keys),
		cmocka_unit_test(test_small_multiples),
		cmocka_unit_test(test_edge_keys),
		cmocka_unit_test(test_digest_above_n),
		cmocka_unit_test(test_comb_table),
		cmocka_unit_test(test_comb_digits),
		cmocka_unit_test(test_openssl_random),
	};

	return cmocka_run_group_tests_name("p256", tests, oracle_setup,
					   oracle_teardown);
}
