/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deep quote of a PREPARE blob (Documentation/migration.rst, "The deep
 * quote"): the destination's hardware TPM quotes its platform PCRs with
 * the SHA-256 of the PREPARE blob as qualifying data, and the source's
 * kernel checks that quote against the blob.  Parsing and matching only,
 * no cryptography: pure, shared by tvm.ko (migrate.c, which hashes and
 * verifies) and its unit tests.
 */
#ifndef _TVM_MIG_DEEP_H
#define _TVM_MIG_DEEP_H

#include "tvm_lib.h"

/* The trailer: magic, version, reserved, then three u16-prefixed parts. */
#define TVM_MIG_DEEP_MAGIC	"TVMQ"
#define TVM_MIG_DEEP_VERSION	1
#define TVM_MIG_DEEP_HEAD	8

/* TPM 2.0 constants (TPM 2.0 Part 2) the quote must carry. */
#define TVM_TPM_GENERATED_VALUE	0xff544347u
#define TVM_TPM_ST_ATTEST_QUOTE	0x8018
#define TVM_TPM_ALG_RSASSA	0x0014
#define TVM_TPM_ALG_SHA256	0x000b

/* The most PCR selections a quote's TPML_PCR_SELECTION may hold. */
#define TVM_MIG_DEEP_SELS	16

/**
 * struct tvm_mig_deep - a deep quote, parsed; the pointers point into the
 *	buffer given to tvm_mig_deep_parse()
 * @key: the TPM key, a DER RSAPublicKey, @key_len bytes
 * @key_len: bytes of @key
 * @attest: the TPMS_ATTEST the TPM signed, @attest_len bytes
 * @attest_len: bytes of @attest
 * @extra: its extraData (the qualifying data), @extra_len bytes
 * @extra_len: bytes of @extra
 * @nsel: how many PCR selections its TPML_PCR_SELECTION holds
 * @sel_hash: the hash algorithm of the first selection (when @nsel)
 * @sel_size: its sizeofSelect
 * @sel: its pcrSelect bitmap, @sel_size bytes
 * @pcr_digest: its pcrDigest, @pcr_digest_len bytes
 * @pcr_digest_len: bytes of @pcr_digest
 * @sig: the RSASSA SHA-256 signature of @attest, @sig_len bytes
 * @sig_len: bytes of @sig
 */
struct tvm_mig_deep {
	const u8 *key;
	u16 key_len;
	const u8 *attest;
	u16 attest_len;
	const u8 *extra;
	u16 extra_len;
	u32 nsel;
	u16 sel_hash;
	u8 sel_size;
	const u8 *sel;
	const u8 *pcr_digest;
	u16 pcr_digest_len;
	const u8 *sig;
	u16 sig_len;
};

/**
 * tvm_mig_deep_parse - parse a deep quote strictly
 * @buf: the deep quote
 * @len: its length
 * @d: the parts
 *
 * Every length is checked and nothing may follow; the TPMS_ATTEST must be
 * a quote (TPM_GENERATED_VALUE, TPM_ST_ATTEST_QUOTE) and the signature
 * RSASSA with SHA-256.
 *
 * Return: NULL, or what is malformed (a static string).
 */
const char *tvm_mig_deep_parse(const u8 *buf, size_t len,
			       struct tvm_mig_deep *d);

/**
 * tvm_mig_deep_match - is @d a quote of this PREPARE blob's platform?
 * @d: the parsed deep quote
 * @prepare_digest: SHA-256 of the whole PREPARE blob
 * @mask: the PREPARE's platform mask (PCRs 0-7)
 * @values_digest: SHA-256 of the PREPARE's platform values that @mask
 *	names, in order (what a TPM's pcrDigest of them is)
 *
 * In this order: the qualifying data is @prepare_digest; the selection
 * is exactly one SHA-256 selection of the PCRs @mask names; its
 * pcrDigest is @values_digest.
 *
 * Return: NULL, or what does not match (a static string).
 */
const char *tvm_mig_deep_match(const struct tvm_mig_deep *d,
			       const u8 prepare_digest[32], u32 mask,
			       const u8 values_digest[32]);

#endif /* _TVM_MIG_DEEP_H */
