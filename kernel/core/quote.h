/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attestation: the host's attestation key (AK) and signed quotes of a VM's
 * PCRs in the TPM 2.0 TPMS_ATTEST format (include/uapi/linux/tvm.h).
 */
#ifndef _TVM_QUOTE_H
#define _TVM_QUOTE_H

#include <linux/types.h>
#include <linux/tvm.h>

struct netlink_ext_ack;
struct tvm_vm;

#define TVM_AK_MAX_BYTES	512	/* RSA-4096 */

/*
 * An ECDSA quote's TPMT_SIGNATURE: sigAlg, hash, then r and s, each a
 * u16 size and %TVM_AK_EC_BYTES bytes.
 */
#define TVM_AK_ECDSA_SIG_BYTES	(2 + 2 + 2 * (2 + TVM_AK_EC_BYTES))

/**
 * struct tvm_ak_info - the public side of the attestation key
 * @desc: its description
 * @alg: its signature scheme, %TVM_AK_ALG_RSASSA or %TVM_AK_ALG_ECDSA
 * @bits: its size in bits
 * @n: RSA: modulus, big-endian, @n_len bytes
 * @n_len: bytes of @n; 0 for ECDSA
 * @e: RSA: public exponent, big-endian, @e_len bytes
 * @e_len: bytes of @e; 0 for ECDSA
 * @x: ECDSA: the P-256 public point's x, big-endian
 * @y: ECDSA: its y
 */
struct tvm_ak_info {
	char desc[TVM_KEY_DESC_MAX + 1];
	u32 alg;
	u32 bits;
	u8 n[TVM_AK_MAX_BYTES];
	u32 n_len;
	u8 e[8];
	u32 e_len;
	u8 x[TVM_AK_EC_BYTES];
	u8 y[TVM_AK_EC_BYTES];
};

/**
 * struct tvm_quote - a signed quote and what it covers
 * @log_count: the quoted PCRs are the replay of events 0 .. @log_count - 1
 * @attest: the TPMS_ATTEST, @attest_len bytes
 * @attest_len: bytes of @attest
 * @sig_alg: the scheme that signed, %TVM_AK_ALG_RSASSA or %TVM_AK_ALG_ECDSA
 * @sig: its signature, @sig_len bytes (as %TVM_A_QUOTE_SIGNATURE)
 * @sig_len: bytes of @sig
 * @pcrs: the PCR values the quote was taken from, as &tvm_vm.pcrs
 */
struct tvm_quote {
	u64 log_count;
	u8 attest[256];
	u32 attest_len;
	u32 sig_alg;
	u8 sig[TVM_AK_MAX_BYTES];
	u32 sig_len;
	u8 pcrs[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
};

void tvm_quote_uninit(void);

int tvm_ak_set(const char *desc, u32 alg, struct tvm_ak_info *info,
	       struct netlink_ext_ack *extack);
int tvm_ak_get(struct tvm_ak_info *info, struct netlink_ext_ack *extack);

/**
 * tvm_ak_sign - sign a SHA-256 digest with the attestation key
 * @digest: the digest
 * @want: %TVM_AK_ALG_RSASSA or %TVM_AK_ALG_ECDSA to sign only with an AK
 *	of that scheme, 0 for either
 * @alg: the scheme that signed
 * @sig: the signature, %TVM_AK_MAX_BYTES of room: RSA, the bare
 *	RSASSA-PKCS1-v1_5 signature; ECDSA, the TPMT_SIGNATURE
 *	(%TVM_AK_ECDSA_SIG_BYTES)
 * @sig_len: its length
 * @extack: for the reason, or NULL
 *
 * Return: 0, -ENOKEY when no attestation key is set, the key's error when
 * it was revoked or has expired, -EOPNOTSUPP when it is not of scheme
 * @want, or another negative errno.
 */
int tvm_ak_sign(const u8 digest[32], u32 want, u32 *alg, u8 *sig,
		u32 *sig_len, struct netlink_ext_ack *extack);

int tvm_quote(struct tvm_vm *vm, const u8 *nonce, u32 nonce_len,
	      unsigned int bank, u32 mask, struct tvm_quote *q,
	      struct netlink_ext_ack *extack);

#endif /* _TVM_QUOTE_H */
