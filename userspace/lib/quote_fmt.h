/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files of a quote (Documentation/attestation.rst): the TPMS_ATTEST
 * the kernel signs, the TPMT_SIGNATURE and PCR files in the forms
 * tpm2_checkquote reads, and the TCG crypto-agile binary log replayed
 * into PCR values.  Pure: no I/O; the only allocation is a parsed log's
 * event array (qf_log_free()).  Hashing goes through libcrypto's EVP.
 *
 * Every parser takes the whole buffer: a structure that does not fill it
 * exactly, or runs past it, is -EBADMSG.
 */
#ifndef _TVM_QUOTE_FMT_H
#define _TVM_QUOTE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tvm.h>

#define QF_TPM_GENERATED	0xff544347	/* TPM_GENERATED_VALUE */
#define QF_ST_ATTEST_QUOTE	0x8018		/* TPM_ST_ATTEST_QUOTE */
#define QF_ALG_RSASSA		0x0014
#define QF_ALG_ECDSA		0x0018
#define QF_ALG_SHA256		0x000b

/* A TPMS_ATTEST is at most this long (TPM 2.0 Part 2 bounds). */
#define QF_ATTEST_MAX		1024
/* The longest RSA signature tvm or a TPM AK makes (RSA-4096). */
#define QF_SIG_MAX		512
/* Most PCR selections (banks) in a TPML_PCR_SELECTION (TPM2_NUM_PCR_BANKS). */
#define QF_SEL_MAX		16

/**
 * struct qf_attest - a parsed TPMS_ATTEST of type quote, host order
 * @sel_count: banks selected; @sel_alg, @sel_mask (bit i: PCR i) of each
 */
struct qf_attest {
	uint32_t magic;
	uint16_t type;
	uint16_t signer_len;
	uint8_t signer[2 + 64];
	uint16_t extra_len;
	uint8_t extra[64];
	uint64_t clock;
	uint32_t reset_count;
	uint32_t restart_count;
	uint8_t safe;
	uint64_t firmware;
	uint32_t sel_count;
	uint16_t sel_alg[QF_SEL_MAX];
	uint32_t sel_mask[QF_SEL_MAX];
	uint16_t digest_len;
	uint8_t digest[64];
};

/*
 * Parse the big-endian TPMS_ATTEST @buf of @len bytes.  Any magic and
 * type are accepted here (the caller judges them); a selection of more
 * than 24 PCRs is -EBADMSG.
 */
int qf_attest_parse(const uint8_t *buf, size_t len, struct qf_attest *a);

/* Bytes of a tvm quote's qualifiedSigner: TPM_ALG_SHA256, then the hash. */
#define QF_SIGNER_SIZE		34

/*
 * The qualifiedSigner tvm signs for the VM @uuid named @name: 0x000b then
 * SHA-256(@uuid || @name), as kernel/core/quote.c makes it.  -EINVAL for
 * a name over TVM_NAME_MAX bytes, -EIO.
 */
int qf_signer_name(const uint8_t uuid[TVM_UUID_SIZE], const char *name,
		   uint8_t out[QF_SIGNER_SIZE]);

/*
 * TPMT_SIGNATURE, big-endian, as tpm2_quote -s writes and tpm2_checkquote
 * -s reads: u16 sigAlg (RSASSA), u16 hash (SHA-256), u16 size, the
 * signature.  Encode writes 6 + @len bytes to @buf (NULL: only the size).
 */
size_t qf_sig_encode(const uint8_t *sig, size_t len, uint8_t *buf);
/* The signature bytes in @buf, or -EBADMSG (-EOPNOTSUPP: not RSASSA-SHA256). */
int qf_sig_parse(const uint8_t *buf, size_t len, const uint8_t **sig,
		 size_t *sig_len);

/* Bytes of a P-256 scalar, the most of an ECDSA TPM2B_ECC_PARAMETER. */
#define QF_EC_BYTES		32
/* An ECDSA P-256 TPMT_SIGNATURE with r and s at full size, as tvm makes. */
#define QF_ECDSA_SIG_SIZE	(6 + QF_EC_BYTES + 2 + QF_EC_BYTES)

/**
 * struct qf_sig - a parsed TPMT_SIGNATURE; pointers into the buffer
 * @alg: %QF_ALG_RSASSA or %QF_ALG_ECDSA (the hash is always SHA-256)
 * @sig: RSASSA: the signature, @sig_len bytes (1 to %QF_SIG_MAX)
 * @r: ECDSA: r, big-endian, @r_len bytes (1 to %QF_EC_BYTES)
 * @s: ECDSA: s, big-endian, @s_len bytes (1 to %QF_EC_BYTES)
 */
struct qf_sig {
	uint16_t alg;
	const uint8_t *sig, *r, *s;
	size_t sig_len, r_len, s_len;
};

/*
 * A TPMT_SIGNATURE of either scheme tvm signs with: RSASSA as above, or
 * ECDSA: u16 sigAlg (0x0018), u16 hash (SHA-256), then r and s, each a
 * TPM2B_ECC_PARAMETER (u16 size, the bytes), as TPM2_Quote returns it.
 * -EBADMSG, -EOPNOTSUPP another scheme or hash.
 */
int qf_tpmt_parse(const uint8_t *buf, size_t len, struct qf_sig *sig);

/*
 * The PCR values file, as tpm2_quote -o and tpm2_pcrread -o -F serialized
 * write it and tpm2_checkquote -f reads it without -l: the tss2 C structs
 * in the host's byte order and layout, padding included:
 *	TPML_PCR_SELECTION (132 bytes: u32 count, 16 x { u16 hash,
 *	    u8 sizeofSelect, u8 pcrSelect[4], 1 pad byte }),
 *	u32 number of TPML_DIGESTs that follow,
 *	TPML_DIGEST (532 bytes: u32 count, 8 x { u16 size, u8 buffer[64] })...
 * The values run in selection order, PCR index order, 8 to a TPML_DIGEST.
 * One bank only here.
 */
#define QF_PCRS_SEL_SIZE	132
#define QF_PCRS_LIST_SIZE	532

struct qf_pcrs {
	uint16_t alg;			/* TPM_ALG_ID of the bank */
	uint32_t mask;			/* bit i: PCR i */
	uint16_t size;			/* digest size */
	uint8_t value[TVM_NUM_PCRS][64];
};

/* Bytes qf_pcrs_encode() writes for @mask. */
size_t qf_pcrs_size(uint32_t mask);
size_t qf_pcrs_encode(const struct qf_pcrs *p, uint8_t *buf);
/* -EBADMSG; -EOPNOTSUPP for a file of more than one bank. */
int qf_pcrs_parse(const uint8_t *buf, size_t len, struct qf_pcrs *p);

/* SHA-256 of the selected values concatenated in index order (pcrDigest). */
int qf_pcrs_digest(const struct qf_pcrs *p, uint8_t out[32]);

/* enum tvm_bank of a TPM_ALG_ID, or -1. */
int qf_bank_of_alg(uint16_t alg);
/* H_bank(@data); 0 or -EIO. */
int qf_hash(unsigned int bank, const void *data, size_t len, uint8_t *out);

/**
 * struct qf_event - one TCG_PCR_EVENT2 of a parsed log; pointers into it
 * @digest: per enum tvm_bank, NULL for banks the log does not carry
 */
struct qf_event {
	uint32_t pcr;
	uint32_t type;
	const uint8_t *digest[__TVM_BANK_MAX];
	const uint8_t *data;
	uint32_t data_len;
};

/**
 * struct qf_log - a parsed binary log (kernel/lib/tvm_log.h)
 * @banks: mask of (1 << enum tvm_bank) the Spec ID event lists
 * @ev: @n events; @ev[i] is the event of sequence number i
 */
struct qf_log {
	uint32_t banks;
	size_t n;
	struct qf_event *ev;
};

/*
 * Parse @buf (which must stay valid while @log is used): the Spec ID
 * event, then events up to the end.  -EBADMSG for anything malformed,
 * -EOPNOTSUPP for an algorithm tvm has no bank for, -ENOMEM.
 */
int qf_log_parse(const uint8_t *buf, size_t len, struct qf_log *log);
void qf_log_free(struct qf_log *log);

/* True for tvm's reset marker (EV_NO_ACTION, "TVMR"); *@pcr the PCR. */
bool qf_event_is_reset(const struct qf_event *ev, uint32_t *pcr);

/*
 * Replay events 0 .. @count - 1 of @log into @pcrs for @bank: every PCR
 * starts at zero, each event extends pcr = H(pcr || digest), tvm's reset
 * markers zero the PCR, other EV_NO_ACTION events are skipped.  -EINVAL:
 * @count exceeds the log or the log lacks @bank.
 */
int qf_log_replay(const struct qf_log *log, size_t count, unsigned int bank,
		  uint8_t pcrs[TVM_NUM_PCRS][TVM_DIGEST_MAX]);

/* What qf_log_check() found. */
enum qf_log_verdict {
	QF_LOG_OK,		/* the prefix replays to the quoted values */
	QF_LOG_TRUNCATED,	/* fewer events than the quote covers */
	QF_LOG_REORDERED,	/* a swap of two events of a PCR would match */
	QF_LOG_EDITED,		/* the replay differs otherwise */
	QF_LOG_ERROR,		/* the log lacks the quoted bank */
};

/*
 * Check that events 0 .. @count - 1 of @log replay, in @q's bank, to the
 * quoted values of @q; a log with more events is fine (the quote covers a
 * prefix).  On a mismatch *@bad_pcr is the first PCR that differs.
 */
enum qf_log_verdict qf_log_check(const struct qf_log *log, uint64_t count,
				 const struct qf_pcrs *q,
				 unsigned int *bad_pcr);

#endif /* _TVM_QUOTE_FMT_H */
