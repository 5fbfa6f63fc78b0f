/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ECDSA signing on NIST P-256 (secp256r1), constant time in the private
 * key and the nonce; see p256.c for how.
 *
 * Builds both in the kernel and in userspace; see tvm_lib.h.
 */
#ifndef _TVM_P256_H
#define _TVM_P256_H

#include "tvm_lib.h"

/* Bytes in a scalar, a coordinate, and each half of a signature. */
#define TVM_P256_BYTES	32

/**
 * tvm_p256_public - the public key of a private key
 * @priv: the private key d, a big-endian integer
 * @x: where the affine x of d*G goes, big-endian
 * @y: where the affine y of d*G goes, big-endian
 *
 * Return: 0, or -EINVAL unless 1 <= d < n (then @x and @y are zeroed).
 */
int tvm_p256_public(const u8 priv[TVM_P256_BYTES], u8 x[TVM_P256_BYTES],
		    u8 y[TVM_P256_BYTES]);

/**
 * tvm_p256_sign - ECDSA signature of a SHA-256 digest
 * @priv: the private key d, a big-endian integer
 * @digest: the SHA-256 digest of the message
 * @r: where r goes, big-endian
 * @s: where s goes, big-endian
 *
 * Deterministic: the nonce is RFC 6979's (HMAC-SHA256), so the same key
 * and digest always give the same signature.  s is not normalised to the
 * low half of [1, n-1].
 *
 * Return: 0, or -EINVAL unless 1 <= d < n (then @r and @s are zeroed).
 */
int tvm_p256_sign(const u8 priv[TVM_P256_BYTES], const u8 digest[32],
		  u8 r[TVM_P256_BYTES], u8 s[TVM_P256_BYTES]);

#endif /* _TVM_P256_H */
