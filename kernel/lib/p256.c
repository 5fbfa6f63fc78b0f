// SPDX-License-Identifier: GPL-2.0
/*
 * ECDSA signing on NIST P-256, constant time in the secrets.
 *
 * What: the curve y^2 = x^3 - 3x + b over GF(p), p = 2^256 - 2^224 + 2^192
 * + 2^96 - 1, of prime order n, with base point G (SEC 2 secp256r1, FIPS
 * 186-4 D.1.2.3); the public key d*G (SEC 1 3.2.1); ECDSA signing (SEC 1
 * 4.1.3, FIPS 186-4 6.4) of a SHA-256 digest with the deterministic nonce
 * of RFC 6979 3.2 (HMAC-SHA256, qlen = hlen = 256, so bits2int is the
 * digest read big-endian and bits2octets that integer reduced mod n).
 *
 * How:
 * - Integers mod p and mod n are four 64-bit limbs, least significant
 *   first, kept in Montgomery form (a * 2^256 mod m) and multiplied with
 *   word-by-word Montgomery reduction (CIOS) over unsigned __int128, for
 *   both moduli by one routine (-p^-1 mod 2^64 is 1).  Each operation runs
 *   the same instructions whatever the values: carries and borrows are
 *   computed, never tested, and the final conditional subtraction is a
 *   masked select.
 * - Points are projective (X:Y:Z), x = X/Z, y = Y/Z, and are added and
 *   doubled with the complete formulas of Renes, Costello and Batina,
 *   "Complete addition formulas for prime order elliptic curves" (2016),
 *   algorithms 4 and 6 (a = -3): one formula for every pair of inputs,
 *   the point at infinity (0:1:0) and P + P included, so there is no case
 *   to branch on.
 * - k*G is a fixed window of 4 bits over signed digits in [-7, 8]: the
 *   scalar is recoded into 64 digits and a final carry, then for each
 *   digit from the top, four doublings and one addition of digit*G.  The
 *   table holds 1G..8G; every lookup reads all eight entries and keeps one
 *   with masks, then negates y under a mask, so neither the memory touched
 *   nor the branches taken depend on the scalar.  A zero digit adds the
 *   point at infinity, which the complete formulas handle like any other.
 * - Inverses (Z^-1 mod p to leave projective form, k^-1 mod n) are
 *   Fermat's a^(m-2), square-and-multiply over the public exponent m-2.
 * - The only branches on secret data: the check that 1 <= d < n (its
 *   answer is the return value), and RFC 6979's retry when a candidate k
 *   is not in [1, n-1] or gives r = 0 or s = 0, which happens with
 *   probability about 2^-32 and reveals only that a candidate was dropped.
 * - Secrets on the stack (the key, the nonce and what is derived from
 *   them, HMAC state) are wiped with memzero_explicit() before return.
 *   Registers spilled by the compiler inside the arithmetic are not.
 *
 * Shared between the kernel and the userspace unit tests (see tvm_lib.h);
 * tests/unit/p256_test.c checks it against RFC 6979's vectors and OpenSSL.
 */

#include "p256.h"
#include "tvm_sha256.h"

/*
 * The limb loops below carry "#pragma GCC unroll 4": at -O2 GCC keeps
 * them as loops, and unrolled they run about twice as fast.
 */

#ifndef __SIZEOF_INT128__
#error "p256.c needs unsigned __int128 (64-bit targets)"
#endif

#define LIMBS	4

/**
 * struct p256_mod - a modulus and its Montgomery constants
 * @m: the modulus, odd, 2^255 < m < 2^256
 * @m0: -m^-1 mod 2^64
 * @rr: 2^512 mod m, to enter Montgomery form
 * @one: 2^256 mod m, 1 in Montgomery form
 * @e: m - 2, Fermat's exponent for inverses
 */
struct p256_mod {
	u64 m[LIMBS];
	u64 m0;
	u64 rr[LIMBS];
	u64 one[LIMBS];
	u64 e[LIMBS];
};

static const struct p256_mod mod_p = {
	.m = { 0xffffffffffffffff, 0x00000000ffffffff,
	       0x0000000000000000, 0xffffffff00000001 },
	.m0 = 1,
	.rr = { 0x0000000000000003, 0xfffffffbffffffff,
		0xfffffffffffffffe, 0x00000004fffffffd },
	.one = { 0x0000000000000001, 0xffffffff00000000,
		 0xffffffffffffffff, 0x00000000fffffffe },
	.e = { 0xfffffffffffffffd, 0x00000000ffffffff,
	       0x0000000000000000, 0xffffffff00000001 },
};

static const struct p256_mod mod_n = {
	.m = { 0xf3b9cac2fc632551, 0xbce6faada7179e84,
	       0xffffffffffffffff, 0xffffffff00000000 },
	.m0 = 0xccd1c8aaee00bc4f,
	.rr = { 0x83244c95be79eea2, 0x4699799c49bd6fa6,
		0x2845b2392b6bec59, 0x66e12d94f3d95620 },
	.one = { 0x0c46353d039cdaaf, 0x4319055258e8617b,
		 0x0000000000000000, 0x00000000ffffffff },
	.e = { 0xf3b9cac2fc63254f, 0xbce6faada7179e84,
	       0xffffffffffffffff, 0xffffffff00000000 },
};

/* The curve's b, in Montgomery form mod p. */
static const u64 curve_b[LIMBS] = {
	0xd89cdf6229c4bddf, 0xacf005cd78843090,
	0xe5a220abf7212ed6, 0xdc30061d04874834,
};

/*
 * jG for j = 1..8, affine (x, y), in Montgomery form mod p: the table of
 * the fixed window.  Computed from G with affine arithmetic outside this
 * file; the unit test checks each entry (the public key of d = j is jG).
 */
static const u64 g_table[8][2][LIMBS] = {
	{ { 0x79e730d418a9143c, 0x75ba95fc5fedb601,
	    0x79fb732b77622510, 0x18905f76a53755c6 },
	  { 0xddf25357ce95560a, 0x8b4ab8e4ba19e45c,
	    0xd2e88688dd21f325, 0x8571ff1825885d85 } },
	{ { 0x850046d410ddd64d, 0xaa6ae3c1a433827d,
	    0x732205038d1490d9, 0xf6bb32e43dcf3a3b },
	  { 0x2f3648d361bee1a5, 0x152cd7cbeb236ff8,
	    0x19a8fb0e92042dbe, 0x78c577510a5b8a3b } },
	{ { 0xffac3f904eebc127, 0xb027f84a087d81fb,
	    0x66ad77dd87cbbc98, 0x26936a3fb6ff747e },
	  { 0xb04c5c1fc983a7eb, 0x583e47ad0861fe1a,
	    0x788208311a2ee98e, 0xd5f06a29e587cc07 } },
	{ { 0x74b0b50d46918dcc, 0x4650a6edc623c173,
	    0x0cdaacace8100af2, 0x577362f541b0176b },
	  { 0x2d96f24ce4cbaba6, 0x17628471fad6f447,
	    0x6b6c36dee5ddd22e, 0x84b14c394c5ab863 } },
	{ { 0xbe1b8aaec45c61f5, 0x90ec649a94b9537d,
	    0x941cb5aad076c20c, 0xc9079605890523c8 },
	  { 0xeb309b4ae7ba4f10, 0x73c568efe5eb882b,
	    0x3540a9877e7a1f68, 0x73a076bb2dd1e916 } },
	{ { 0x403947373e77664a, 0x55ae744f346cee3e,
	    0xd50a961a5b17a3ad, 0x13074b5954213673 },
	  { 0x93d36220d377e44b, 0x299c2b53adff14b5,
	    0xf424d44cef639f11, 0xa4c9916d4a07f75f } },
	{ { 0x0746354ea0173b4f, 0x2bd20213d23c00f7,
	    0xf43eaab50c23bb08, 0x13ba5119c3123e03 },
	  { 0x2847d0303f5b9d4d, 0x6742f2f25da67bdd,
	    0xef933bdc77c94195, 0xeaedd9156e240867 } },
	{ { 0x27f14cd19499a78f, 0x462ab5c56f9b3455,
	    0x8f90f02af02cfc6b, 0xb763891eb265230d },
	  { 0xf59da3a9532d4977, 0x21e3327dcf9eba15,
	    0x123c7b84be60bbf0, 0x56ec12f27706df76 } },
};

/*
 * Hide a value from the optimiser, so that it cannot prove a mask is 0 or
 * all ones and turn the masked select back into a branch.
 */
static inline u64 ct_hide(u64 x)
{
	__asm__("" : "+r"(x));
	return x;
}

/* All ones if @bit (0 or 1) is 1, else 0. */
static inline u64 ct_mask(u64 bit)
{
	return ct_hide(0 - bit);
}

/* All ones if @a == @b, else 0; @a and @b below 2^32. */
static inline u64 ct_eq32(u64 a, u64 b)
{
	u64 x = a ^ b;

	return ct_mask(((x | (0 - x)) >> 63) ^ 1);
}

/* 1 if @a is zero, else 0. */
static inline u64 ct_is_zero(const u64 a[LIMBS])
{
	u64 x = a[0] | a[1] | a[2] | a[3];

	return ((x | (0 - x)) >> 63) ^ 1;
}

/* @r = @mask ? @a : @r */
static inline void ct_cmov(u64 r[LIMBS], const u64 a[LIMBS], u64 mask)
{
	int i;

#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++)
		r[i] ^= mask & (r[i] ^ a[i]);
}

/* @r = @a - @b mod 2^256; Return: the borrow out, 0 or 1. */
static inline u64 sub_borrow(u64 r[LIMBS], const u64 a[LIMBS],
			     const u64 b[LIMBS])
{
	u64 borrow = 0;
	int i;

#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++) {
		unsigned __int128 d = (unsigned __int128)a[i] - b[i] - borrow;

		r[i] = (u64)d;
		borrow = (u64)(d >> 64) & 1;
	}
	return borrow;
}

/* 1 if @a < @b, else 0. */
static inline u64 ct_lt(const u64 a[LIMBS], const u64 b[LIMBS])
{
	u64 t[LIMBS];

	return sub_borrow(t, a, b);
}

/* @r = @a + @b mod m, for @a, @b < m. */
static __always_inline void mod_add(u64 r[LIMBS], const u64 a[LIMBS],
				    const u64 b[LIMBS],
				    const struct p256_mod *mod)
{
	u64 sum[LIMBS], red[LIMBS], carry = 0, borrow;
	int i;

#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++) {
		unsigned __int128 s = (unsigned __int128)a[i] + b[i] + carry;

		sum[i] = (u64)s;
		carry = (u64)(s >> 64);
	}
	borrow = sub_borrow(red, sum, mod->m);
	/* The sum is below m exactly when it did not carry but m borrowed. */
	memcpy(r, red, sizeof(red));
	ct_cmov(r, sum, ct_mask(borrow & (carry ^ 1)));
}

/* @r = @a - @b mod m, for @a, @b < m. */
static __always_inline void mod_sub(u64 r[LIMBS], const u64 a[LIMBS],
				    const u64 b[LIMBS],
				    const struct p256_mod *mod)
{
	u64 mask, carry = 0;
	int i;

	mask = ct_mask(sub_borrow(r, a, b));
#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++) {
		unsigned __int128 s = (unsigned __int128)r[i] +
				      (mod->m[i] & mask) + carry;

		r[i] = (u64)s;
		carry = (u64)(s >> 64);
	}
}

/*
 * @r = @a * @b / 2^256 mod m, for @a, @b < m: Montgomery multiplication,
 * the reduction interleaved with the product one word of @b at a time.
 * t stays below 2m, so one masked subtraction finishes.
 */
static __always_inline void mont_mul(u64 r[LIMBS], const u64 a[LIMBS],
				     const u64 b[LIMBS],
				     const struct p256_mod *mod)
{
	u64 t[LIMBS + 2] = { 0 }, red[LIMBS], q, c, borrow;
	unsigned __int128 acc;
	int i, j;

#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++) {
		c = 0;
#pragma GCC unroll 4
		for (j = 0; j < LIMBS; j++) {
			acc = (unsigned __int128)a[j] * b[i] + t[j] + c;
			t[j] = (u64)acc;
			c = (u64)(acc >> 64);
		}
		acc = (unsigned __int128)t[LIMBS] + c;
		t[LIMBS] = (u64)acc;
		t[LIMBS + 1] = (u64)(acc >> 64);

		/* Add q*m, with q chosen so the low word becomes 0; shift. */
		q = t[0] * mod->m0;
		acc = (unsigned __int128)q * mod->m[0] + t[0];
		c = (u64)(acc >> 64);
#pragma GCC unroll 4
		for (j = 1; j < LIMBS; j++) {
			acc = (unsigned __int128)q * mod->m[j] + t[j] + c;
			t[j - 1] = (u64)acc;
			c = (u64)(acc >> 64);
		}
		acc = (unsigned __int128)t[LIMBS] + c;
		t[LIMBS - 1] = (u64)acc;
		t[LIMBS] = t[LIMBS + 1] + (u64)(acc >> 64);
	}

	borrow = sub_borrow(red, t, mod->m);
	/* t < m exactly when the subtraction borrowed past t's top word. */
	borrow &= t[LIMBS] ^ 1;
	memcpy(r, red, sizeof(red));
	ct_cmov(r, t, ct_mask(borrow));
}

/*
 * The multiplication, specialised for each modulus (the constants fold
 * in) and kept out of line, so that its spills stay in one small frame.
 */
static noinline void fp_mul(u64 r[LIMBS], const u64 a[LIMBS],
			    const u64 b[LIMBS])
{
	mont_mul(r, a, b, &mod_p);
}

static noinline void fn_mul(u64 r[LIMBS], const u64 a[LIMBS],
			    const u64 b[LIMBS])
{
	mont_mul(r, a, b, &mod_n);
}

/* Either of the above; which modulus is never a secret. */
static void mod_mul(u64 r[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS],
		    const struct p256_mod *mod)
{
	if (mod == &mod_p)
		fp_mul(r, a, b);
	else
		fn_mul(r, a, b);
}

/* @r = @a (Montgomery form) ^ m-2 = @a^-1, in Montgomery form; 0 for 0. */
static void mont_inv(u64 r[LIMBS], const u64 a[LIMBS],
		     const struct p256_mod *mod)
{
	u64 acc[LIMBS];
	int bit;

	memcpy(acc, mod->one, sizeof(acc));
	/* The exponent is public: branching on its bits leaks nothing. */
	for (bit = 255; bit >= 0; bit--) {
		mod_mul(acc, acc, acc, mod);
		if ((mod->e[bit / 64] >> (bit % 64)) & 1)
			mod_mul(acc, acc, a, mod);
	}
	memcpy(r, acc, sizeof(acc));
	memzero_explicit(acc, sizeof(acc));
}

static void to_mont(u64 r[LIMBS], const u64 a[LIMBS],
		    const struct p256_mod *mod)
{
	mod_mul(r, a, mod->rr, mod);
}

static void from_mont(u64 r[LIMBS], const u64 a[LIMBS],
		      const struct p256_mod *mod)
{
	static const u64 one[LIMBS] = { 1 };

	mod_mul(r, a, one, mod);
}

static void load_be(u64 r[LIMBS], const u8 in[TVM_P256_BYTES])
{
	int i;

#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++)
		r[i] = get_unaligned_be64(in + 8 * (LIMBS - 1 - i));
}

static void store_be(u8 out[TVM_P256_BYTES], const u64 a[LIMBS])
{
	int i;

#pragma GCC unroll 4
	for (i = 0; i < LIMBS; i++)
		put_unaligned_be64(a[i], out + 8 * (LIMBS - 1 - i));
}

/* @r = @a mod m, for any @a < 2^256 (which is below 2m); @r may be @a. */
static void reduce_once(u64 r[LIMBS], const u64 a[LIMBS],
			const struct p256_mod *mod)
{
	u64 red[LIMBS], borrow;

	borrow = sub_borrow(red, a, mod->m);
	ct_cmov(red, a, ct_mask(borrow));
	memcpy(r, red, sizeof(red));
	memzero_explicit(red, sizeof(red));
}

/* 1 if 1 <= @a < n, else 0: a valid private key or nonce. */
static u64 scalar_ok(const u64 a[LIMBS])
{
	return ct_lt(a, mod_n.m) & (ct_is_zero(a) ^ 1);
}

/**
 * struct p256_point - a point in projective coordinates, mod p
 * @x: X, Montgomery form
 * @y: Y, Montgomery form
 * @z: Z, Montgomery form; 0 for the point at infinity
 */
struct p256_point {
	u64 x[LIMBS];
	u64 y[LIMBS];
	u64 z[LIMBS];
};

static void fp_add(u64 r[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS])
{
	mod_add(r, a, b, &mod_p);
}

static void fp_sub(u64 r[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS])
{
	mod_sub(r, a, b, &mod_p);
}

/*
 * @r = @p + @q: Renes-Costello-Batina 2016, algorithm 4 (complete
 * addition, a = -3), step for step.  @r may be @p or @q.
 */
static void point_add(struct p256_point *r, const struct p256_point *p,
		      const struct p256_point *q)
{
	u64 t0[LIMBS], t1[LIMBS], t2[LIMBS], t3[LIMBS], t4[LIMBS];
	u64 x3[LIMBS], y3[LIMBS], z3[LIMBS];

	fp_mul(t0, p->x, q->x);
	fp_mul(t1, p->y, q->y);
	fp_mul(t2, p->z, q->z);
	fp_add(t3, p->x, p->y);
	fp_add(t4, q->x, q->y);
	fp_mul(t3, t3, t4);
	fp_add(t4, t0, t1);
	fp_sub(t3, t3, t4);
	fp_add(t4, p->y, p->z);
	fp_add(x3, q->y, q->z);
	fp_mul(t4, t4, x3);
	fp_add(x3, t1, t2);
	fp_sub(t4, t4, x3);
	fp_add(x3, p->x, p->z);
	fp_add(y3, q->x, q->z);
	fp_mul(x3, x3, y3);
	fp_add(y3, t0, t2);
	fp_sub(y3, x3, y3);
	fp_mul(z3, curve_b, t2);
	fp_sub(x3, y3, z3);
	fp_add(z3, x3, x3);
	fp_add(x3, x3, z3);
	fp_sub(z3, t1, x3);
	fp_add(x3, t1, x3);
	fp_mul(y3, curve_b, y3);
	fp_add(t1, t2, t2);
	fp_add(t2, t1, t2);
	fp_sub(y3, y3, t2);
	fp_sub(y3, y3, t0);
	fp_add(t1, y3, y3);
	fp_add(y3, t1, y3);
	fp_add(t1, t0, t0);
	fp_add(t0, t1, t0);
	fp_sub(t0, t0, t2);
	fp_mul(t1, t4, y3);
	fp_mul(t2, t0, y3);
	fp_mul(y3, x3, z3);
	fp_add(y3, y3, t2);
	fp_mul(x3, t3, x3);
	fp_sub(x3, x3, t1);
	fp_mul(z3, t4, z3);
	fp_mul(t1, t3, t0);
	fp_add(z3, z3, t1);

	memcpy(r->x, x3, sizeof(x3));
	memcpy(r->y, y3, sizeof(y3));
	memcpy(r->z, z3, sizeof(z3));
	memzero_explicit(t0, sizeof(t0));
	memzero_explicit(t1, sizeof(t1));
	memzero_explicit(t2, sizeof(t2));
	memzero_explicit(t3, sizeof(t3));
	memzero_explicit(t4, sizeof(t4));
	memzero_explicit(x3, sizeof(x3));
	memzero_explicit(y3, sizeof(y3));
	memzero_explicit(z3, sizeof(z3));
}

/*
 * @r = 2 * @p: Renes-Costello-Batina 2016, algorithm 6 (complete
 * doubling, a = -3), step for step.  @r may be @p.
 */
static void point_double(struct p256_point *r, const struct p256_point *p)
{
	u64 t0[LIMBS], t1[LIMBS], t2[LIMBS], t3[LIMBS];
	u64 x3[LIMBS], y3[LIMBS], z3[LIMBS];

	fp_mul(t0, p->x, p->x);
	fp_mul(t1, p->y, p->y);
	fp_mul(t2, p->z, p->z);
	fp_mul(t3, p->x, p->y);
	fp_add(t3, t3, t3);
	fp_mul(z3, p->x, p->z);
	fp_add(z3, z3, z3);
	fp_mul(y3, curve_b, t2);
	fp_sub(y3, y3, z3);
	fp_add(x3, y3, y3);
	fp_add(y3, x3, y3);
	fp_sub(x3, t1, y3);
	fp_add(y3, t1, y3);
	fp_mul(y3, x3, y3);
	fp_mul(x3, x3, t3);
	fp_add(t3, t2, t2);
	fp_add(t2, t2, t3);
	fp_mul(z3, curve_b, z3);
	fp_sub(z3, z3, t2);
	fp_sub(z3, z3, t0);
	fp_add(t3, z3, z3);
	fp_add(z3, z3, t3);
	fp_add(t3, t0, t0);
	fp_add(t0, t3, t0);
	fp_sub(t0, t0, t2);
	fp_mul(t0, t0, z3);
	fp_add(y3, y3, t0);
	fp_mul(t0, p->y, p->z);
	fp_add(t0, t0, t0);
	fp_mul(z3, t0, z3);
	fp_sub(x3, x3, z3);
	fp_mul(z3, t0, t1);
	fp_add(z3, z3, z3);
	fp_add(z3, z3, z3);

	memcpy(r->x, x3, sizeof(x3));
	memcpy(r->y, y3, sizeof(y3));
	memcpy(r->z, z3, sizeof(z3));
	memzero_explicit(t0, sizeof(t0));
	memzero_explicit(t1, sizeof(t1));
	memzero_explicit(t2, sizeof(t2));
	memzero_explicit(t3, sizeof(t3));
	memzero_explicit(x3, sizeof(x3));
	memzero_explicit(y3, sizeof(y3));
	memzero_explicit(z3, sizeof(z3));
}

/*
 * @r = @digit * G for a signed digit in [-8, 8], reading every table
 * entry whatever the digit; 0 gives the point at infinity (0:1:0).
 */
static void g_select(struct p256_point *r, int digit)
{
	static const u64 zero[LIMBS];
	u32 neg = (u32)digit >> 31;
	u32 mag = ((u32)digit ^ (0 - neg)) + neg;	/* |digit| */
	u64 negy[LIMBS];
	int j;

	memset(r, 0, sizeof(*r));
	memcpy(r->y, mod_p.one, sizeof(r->y));
	for (j = 0; j < 8; j++) {
		u64 hit = ct_eq32(mag, j + 1);

		ct_cmov(r->x, g_table[j][0], hit);
		ct_cmov(r->y, g_table[j][1], hit);
	}
	ct_cmov(r->z, mod_p.one, ~ct_eq32(mag, 0));

	fp_sub(negy, zero, r->y);
	ct_cmov(r->y, negy, ct_mask(neg));
	memzero_explicit(negy, sizeof(negy));
}

/* @r = @k * G, for any @k < 2^256 (k = 0 gives the point at infinity). */
static void g_mul(struct p256_point *r, const u64 k[LIMBS])
{
	struct p256_point acc, add;
	s8 digits[65];
	u64 carry = 0;
	int i;

	/*
	 * Recode k as sum(digit_i * 16^i), digits in [-7, 8]: a window
	 * above 8 borrows 16 from the next one.  (w + 7) >> 4 is 1 exactly
	 * for w in [9, 16], computed without a comparison.
	 */
	for (i = 0; i < 64; i++) {
		u64 w = ((k[i / 16] >> (4 * (i % 16))) & 15) + carry;

		carry = (w + 7) >> 4;
		digits[i] = (s8)((int)w - (int)(carry << 4));
	}
	digits[64] = (s8)carry;

	g_select(&acc, digits[64]);
	for (i = 63; i >= 0; i--) {
		point_double(&acc, &acc);
		point_double(&acc, &acc);
		point_double(&acc, &acc);
		point_double(&acc, &acc);
		g_select(&add, digits[i]);
		point_add(&acc, &acc, &add);
	}
	*r = acc;
	memzero_explicit(&acc, sizeof(acc));
	memzero_explicit(&add, sizeof(add));
	memzero_explicit(digits, sizeof(digits));
}

/* Affine x and y of @p, out of Montgomery form; @p is not infinity. */
static void point_affine(u64 x[LIMBS], u64 y[LIMBS],
			 const struct p256_point *p)
{
	u64 zinv[LIMBS];

	mont_inv(zinv, p->z, &mod_p);
	fp_mul(x, p->x, zinv);
	from_mont(x, x, &mod_p);
	fp_mul(y, p->y, zinv);
	from_mont(y, y, &mod_p);
	memzero_explicit(zinv, sizeof(zinv));
}

int tvm_p256_public(const u8 priv[TVM_P256_BYTES], u8 x[TVM_P256_BYTES],
		    u8 y[TVM_P256_BYTES])
{
	struct p256_point pub;
	u64 d[LIMBS], ax[LIMBS], ay[LIMBS];
	int ret;

	load_be(d, priv);
	ret = -EINVAL;
	if (!scalar_ok(d)) {
		memset(x, 0, TVM_P256_BYTES);
		memset(y, 0, TVM_P256_BYTES);
		goto out;
	}

	g_mul(&pub, d);
	point_affine(ax, ay, &pub);
	store_be(x, ax);
	store_be(y, ay);
	ret = 0;

	memzero_explicit(&pub, sizeof(pub));
	memzero_explicit(ax, sizeof(ax));
	memzero_explicit(ay, sizeof(ay));
out:
	memzero_explicit(d, sizeof(d));
	return ret;
}

/*
 * HMAC-SHA256 (RFC 2104) with a 32-byte key, as RFC 6979's K always is:
 * hmac_init(), any number of hmac_update(), hmac_final().
 */
#define HMAC_BLOCK	64

struct hmac_sha256 {
	struct tvm_sha256 inner;
	u8 key[32];
};

static void hmac_init(struct hmac_sha256 *h, const u8 key[32])
{
	u8 pad[HMAC_BLOCK];
	int i;

	memcpy(h->key, key, 32);
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < 32; i++)
		pad[i] ^= key[i];
	tvm_sha256_init(&h->inner);
	tvm_sha256_update(&h->inner, pad, sizeof(pad));
	memzero_explicit(pad, sizeof(pad));
}

static void hmac_update(struct hmac_sha256 *h, const u8 *data, size_t len)
{
	tvm_sha256_update(&h->inner, data, len);
}

static void hmac_final(struct hmac_sha256 *h, u8 out[32])
{
	struct tvm_sha256 outer;
	u8 pad[HMAC_BLOCK], ihash[32];
	int i;

	tvm_sha256_final(&h->inner, ihash);
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < 32; i++)
		pad[i] ^= h->key[i];
	tvm_sha256_init(&outer);
	tvm_sha256_update(&outer, pad, sizeof(pad));
	tvm_sha256_update(&outer, ihash, sizeof(ihash));
	tvm_sha256_final(&outer, out);
	memzero_explicit(&outer, sizeof(outer));
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(ihash, sizeof(ihash));
	memzero_explicit(h, sizeof(*h));
}

/**
 * struct rfc6979 - the HMAC_DRBG state of RFC 6979 3.2
 * @k: K
 * @v: V
 * @h: room for one HMAC at a time
 */
struct rfc6979 {
	u8 k[32];
	u8 v[32];
	struct hmac_sha256 h;
};

/* V = HMAC_K(V) */
static void drbg_next_v(struct rfc6979 *g)
{
	hmac_init(&g->h, g->k);
	hmac_update(&g->h, g->v, sizeof(g->v));
	hmac_final(&g->h, g->v);
}

/* K = HMAC_K(V || @sep || x || h1), then V = HMAC_K(V); steps d-g. */
static void drbg_reseed(struct rfc6979 *g, u8 sep, const u8 x[32],
			const u8 h1[32])
{
	hmac_init(&g->h, g->k);
	hmac_update(&g->h, g->v, sizeof(g->v));
	hmac_update(&g->h, &sep, 1);
	if (x) {
		hmac_update(&g->h, x, 32);
		hmac_update(&g->h, h1, 32);
	}
	hmac_final(&g->h, g->k);
	drbg_next_v(g);
}

/*
 * The signature for nonce @k (1 <= k < n), key @d (1 <= d < n) and digest
 * @e (< n), all plain integers.  Return: 1 if r and s are both nonzero (a
 * signature), 0 if this k must be dropped.
 */
static u64 sign_with(u64 r[LIMBS], u64 s[LIMBS], const u64 k[LIMBS],
		     const u64 d[LIMBS], const u64 e[LIMBS])
{
	struct p256_point kg;
	u64 x[LIMBS], y[LIMBS], km[LIMBS], t[LIMBS], u[LIMBS];

	g_mul(&kg, k);
	point_affine(x, y, &kg);
	reduce_once(r, x, &mod_n);

	/* s = k^-1 (e + r d) mod n, in Montgomery form until the end. */
	to_mont(km, k, &mod_n);
	mont_inv(km, km, &mod_n);
	to_mont(t, r, &mod_n);
	to_mont(u, d, &mod_n);
	fn_mul(t, t, u);
	to_mont(u, e, &mod_n);
	mod_add(t, t, u, &mod_n);
	fn_mul(t, t, km);
	from_mont(s, t, &mod_n);

	memzero_explicit(&kg, sizeof(kg));
	memzero_explicit(x, sizeof(x));
	memzero_explicit(y, sizeof(y));
	memzero_explicit(km, sizeof(km));
	memzero_explicit(t, sizeof(t));
	memzero_explicit(u, sizeof(u));
	return (ct_is_zero(r) | ct_is_zero(s)) ^ 1;
}

int tvm_p256_sign(const u8 priv[TVM_P256_BYTES], const u8 digest[32],
		  u8 r[TVM_P256_BYTES], u8 s[TVM_P256_BYTES])
{
	struct rfc6979 g;
	u64 d[LIMBS], e[LIMBS], k[LIMBS], sr[LIMBS], ss[LIMBS];
	u8 h1[32];
	int ret;

	load_be(d, priv);
	ret = -EINVAL;
	if (!scalar_ok(d)) {
		memset(r, 0, TVM_P256_BYTES);
		memset(s, 0, TVM_P256_BYTES);
		goto out;
	}

	/* bits2int(digest) mod n is both e and, as octets, RFC 6979's h1. */
	load_be(e, digest);
	reduce_once(e, e, &mod_n);
	store_be(h1, e);

	/* RFC 6979 3.2 b-g; step a is the caller's SHA-256. */
	memset(g.v, 0x01, sizeof(g.v));
	memset(g.k, 0x00, sizeof(g.k));
	drbg_reseed(&g, 0x00, priv, h1);
	drbg_reseed(&g, 0x01, priv, h1);

	/* Step h: one V is a whole candidate, as qlen = hlen = 256. */
	for (;;) {
		drbg_next_v(&g);
		load_be(k, g.v);
		if (scalar_ok(k) && sign_with(sr, ss, k, d, e))
			break;
		drbg_reseed(&g, 0x00, NULL, NULL);
	}
	store_be(r, sr);
	store_be(s, ss);
	ret = 0;

	memzero_explicit(&g, sizeof(g));
	memzero_explicit(e, sizeof(e));
	memzero_explicit(k, sizeof(k));
	memzero_explicit(sr, sizeof(sr));
	memzero_explicit(ss, sizeof(ss));
	memzero_explicit(h1, sizeof(h1));
out:
	memzero_explicit(d, sizeof(d));
	return ret;
}
