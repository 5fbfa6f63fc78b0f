// SPDX-License-Identifier: GPL-2.0
/*
 * ECDSA P-256 signing: tvm's constant-time signer (kernel/lib/p256.c,
 * built for userspace as its unit test builds it) vs OpenSSL's
 * ECDSA_do_sign on the same CPU, and the public key d*G vs OpenSSL's
 * EC_POINT_mul.  Runs on the build machine or in the emulated host:
 * build/bench/p256_bench [OPS-PER-ROUND [ROUNDS]].  Measures, never
 * asserts a time.
 */

/* ECDSA_do_sign() takes an EC_KEY, deprecated (not gone) in OpenSSL 3. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>

#include "bench.h"
#include "p256.h"

#define MAX_ROUNDS	64

/* The RFC 6979 A.2.5 key; digests vary per signature. */
static const u8 priv[TVM_P256_BYTES] = {
	0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16,
	0x6b, 0x5c, 0x21, 0x57, 0x67, 0xb1, 0xd6, 0x93,
	0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12,
	0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21,
};

enum op { TVM_SIGN, OSSL_SIGN, TVM_PUBLIC, OSSL_PUBLIC, NR_OPS };

static const char *const op_name[NR_OPS] = {
	[TVM_SIGN] = "sign, tvm_p256_sign",
	[OSSL_SIGN] = "sign, OpenSSL ECDSA_do_sign",
	[TVM_PUBLIC] = "public key, tvm_p256_public",
	[OSSL_PUBLIC] = "public key, OpenSSL EC_POINT_mul",
};

static EC_KEY *key;
static BIGNUM *bn_priv;
static EC_POINT *pt;
static BN_CTX *bn;

/* Seconds of this process's CPU time: the machine may be shared. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds for @count operations @op, wall clock; CPU time in @cpu. */
static double run(enum op op, int count, double *cpu)
{
	u8 digest[32] = { 0 }, r[TVM_P256_BYTES], s[TVM_P256_BYTES];
	double t0 = now(), c0 = cpu_now();
	ECDSA_SIG *sig;
	int i;

	for (i = 0; i < count; i++) {
		memcpy(digest, &i, sizeof(i));
		switch (op) {
		case TVM_SIGN:
			if (tvm_p256_sign(priv, digest, r, s))
				die("tvm_p256_sign", EINVAL);
			break;
		case OSSL_SIGN:
			sig = ECDSA_do_sign(digest, sizeof(digest), key);
			if (!sig)
				die("ECDSA_do_sign", EINVAL);
			ECDSA_SIG_free(sig);
			break;
		case TVM_PUBLIC:
			if (tvm_p256_public(priv, r, s))
				die("tvm_p256_public", EINVAL);
			break;
		case OSSL_PUBLIC:
			if (EC_POINT_mul(EC_KEY_get0_group(key), pt, bn_priv,
					 NULL, NULL, bn) != 1)
				die("EC_POINT_mul", EINVAL);
			break;
		default:
			break;
		}
	}
	*cpu = cpu_now() - c0;
	return now() - t0;
}

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 1000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	double t[NR_OPS][MAX_ROUNDS], c[NR_OPS][MAX_ROUNDS], med[NR_OPS];
	double cmed[NR_OPS], lo, hi;
	int op, i;

	if (count < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: %s [OPS-PER-ROUND [ROUNDS <= %d]]\n",
			argv[0], MAX_ROUNDS);
		return 2;
	}

	key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
	bn_priv = BN_bin2bn(priv, sizeof(priv), NULL);
	bn = BN_CTX_new();
	if (!key || !bn_priv || !bn || EC_KEY_set_private_key(key, bn_priv) != 1)
		die("OpenSSL key", ENOMEM);
	pt = EC_POINT_new(EC_KEY_get0_group(key));
	if (!pt || EC_POINT_mul(EC_KEY_get0_group(key), pt, bn_priv, NULL,
				NULL, bn) != 1 ||
	    EC_KEY_set_public_key(key, pt) != 1)
		die("OpenSSL public key", ENOMEM);

	/* Rounds interleave the contenders, so drift hits both alike. */
	for (op = 0; op < NR_OPS; op++)
		run(op, count / 10 + 1, &lo);	/* warm up */
	for (i = 0; i < rounds; i++) {
		for (op = 0; op < NR_OPS; op++) {
			t[op][i] = run(op, count, &c[op][i]) / count;
			c[op][i] /= count;
		}
	}

	printf("%d rounds of %d operations; microseconds per operation (wall clock; last column CPU time)\n",
	       rounds, count);
	printf("%-36s %10s %10s %10s %10s %10s\n", "", "median", "mean", "min",
	       "max", "CPU median");
	for (op = 0; op < NR_OPS; op++) {
		double m = mean(t[op], rounds, &lo, &hi);

		med[op] = median(t[op], rounds);
		cmed[op] = median(c[op], rounds);
		printf("%-36s %10.1f %10.1f %10.1f %10.1f %10.1f\n",
		       op_name[op], med[op] * 1e6, m * 1e6, lo * 1e6,
		       hi * 1e6, cmed[op] * 1e6);
	}
	printf("ratio tvm/OpenSSL (wall): sign %.2fx, public key %.2fx\n",
	       med[TVM_SIGN] / med[OSSL_SIGN],
	       med[TVM_PUBLIC] / med[OSSL_PUBLIC]);
	printf("ratio tvm/OpenSSL (CPU):  sign %.2fx, public key %.2fx\n",
	       cmed[TVM_SIGN] / cmed[OSSL_SIGN],
	       cmed[TVM_PUBLIC] / cmed[OSSL_PUBLIC]);

	EC_POINT_free(pt);
	EC_KEY_free(key);
	BN_free(bn_priv);
	BN_CTX_free(bn);
	return 0;
}
