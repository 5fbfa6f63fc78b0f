// SPDX-License-Identifier: GPL-2.0
/*
 * The deep quote of a PREPARE blob: parsing and matching
 * (Documentation/migration.rst, "The deep quote").
 */

#include "mig_deep.h"

/* A cursor over a buffer; @bad once a read ran past its end. */
struct cur {
	const u8 *p;
	size_t left;
	bool bad;
};

static const u8 *take(struct cur *c, size_t n)
{
	const u8 *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static u16 take16(struct cur *c)
{
	const u8 *p = take(c, 2);

	return p ? (u16)(p[0] << 8 | p[1]) : 0;
}

static u32 take32(struct cur *c)
{
	const u8 *p = take(c, 4);

	return p ? get_unaligned_be32(p) : 0;
}

/* A u16 length and that many bytes (a TPM2B, or a part of the trailer). */
static const u8 *take2b(struct cur *c, u16 *len)
{
	*len = take16(c);
	return take(c, *len);
}

/* The TPMS_ATTEST of a quote (TPM 2.0 Part 2, 10.12.12). */
static const char *parse_attest(const u8 *buf, size_t len,
				struct tvm_mig_deep *d)
{
	struct cur c = { .p = buf, .left = len };
	u16 n;
	u32 i;

	if (take32(&c) != TVM_TPM_GENERATED_VALUE)
		return "deep quote: the TPMS_ATTEST is not TPM-generated (magic)";
	if (take16(&c) != TVM_TPM_ST_ATTEST_QUOTE)
		return "deep quote: the TPMS_ATTEST is not a quote";
	take2b(&c, &n);				/* qualifiedSigner */
	d->extra = take2b(&c, &d->extra_len);	/* extraData */
	take(&c, 8 + 4 + 4 + 1);		/* clockInfo */
	take(&c, 8);				/* firmwareVersion */
	d->nsel = take32(&c);			/* pcrSelect */
	if (c.bad)
		return "deep quote: the TPMS_ATTEST is truncated";
	if (d->nsel > TVM_MIG_DEEP_SELS)
		return "deep quote: the TPMS_ATTEST has too many PCR selections";
	for (i = 0; i < d->nsel; i++) {
		u16 hash = take16(&c);
		const u8 *size = take(&c, 1);
		const u8 *sel = take(&c, size ? *size : 0);

		if (i || c.bad)
			continue;
		d->sel_hash = hash;
		d->sel_size = *size;
		d->sel = sel;
	}
	d->pcr_digest = take2b(&c, &d->pcr_digest_len);
	if (c.bad)
		return "deep quote: the TPMS_ATTEST is truncated";
	if (c.left)
		return "deep quote: bytes follow the TPMS_ATTEST's pcrDigest";
	return NULL;
}

/* The TPMT_SIGNATURE: RSASSA with SHA-256 only. */
static const char *parse_sig(const u8 *buf, size_t len,
			     struct tvm_mig_deep *d)
{
	struct cur c = { .p = buf, .left = len };
	u16 alg = take16(&c), hash = take16(&c);

	if (c.bad)
		return "deep quote: the TPMT_SIGNATURE is truncated";
	if (alg != TVM_TPM_ALG_RSASSA || hash != TVM_TPM_ALG_SHA256)
		return "deep quote: the signature is not RSASSA with SHA-256";
	d->sig = take2b(&c, &d->sig_len);
	if (c.bad)
		return "deep quote: the TPMT_SIGNATURE is truncated";
	if (c.left || !d->sig_len)
		return "deep quote: the TPMT_SIGNATURE's lengths do not add up";
	return NULL;
}

const char *tvm_mig_deep_parse(const u8 *buf, size_t len,
			       struct tvm_mig_deep *d)
{
	struct cur c = { .p = buf, .left = len };
	const u8 *head = take(&c, TVM_MIG_DEEP_HEAD);
	const u8 *sig;
	const char *why;
	u16 sig_len;

	memset(d, 0, sizeof(*d));
	if (!head)
		return "deep quote: truncated";
	if (memcmp(head, TVM_MIG_DEEP_MAGIC, 4))
		return "deep quote: bad magic (not TVMQ)";
	if (head[4] != 0 || head[5] != TVM_MIG_DEEP_VERSION)
		return "deep quote: version not supported (1 is)";
	if (head[6] || head[7])
		return "deep quote: reserved bytes set";
	d->key = take2b(&c, &d->key_len);
	d->attest = take2b(&c, &d->attest_len);
	sig = take2b(&c, &sig_len);
	if (c.bad)
		return "deep quote: truncated";
	if (c.left)
		return "deep quote: bytes follow its signature";
	if (!d->key_len || !d->attest_len)
		return "deep quote: an empty part";
	why = parse_attest(d->attest, d->attest_len, d);
	if (!why)
		why = parse_sig(sig, sig_len, d);
	return why;
}

const char *tvm_mig_deep_match(const struct tvm_mig_deep *d,
			       const u8 prepare_digest[32], u32 mask,
			       const u8 values_digest[32])
{
	unsigned int i;

	if (d->extra_len != 32 || memcmp(d->extra, prepare_digest, 32))
		return "deep quote: its qualifying data is another PREPARE blob's";
	if (d->nsel != 1 || d->sel_hash != TVM_TPM_ALG_SHA256 ||
	    !d->sel_size)
		return "deep quote: its PCR selection is not one SHA-256 selection";
	for (i = 0; i < d->sel_size; i++)
		if (d->sel[i] != (i < 4 ? (u8)(mask >> (8 * i)) : 0))
			return "deep quote: its PCR selection is not the PREPARE's platform mask";
	if (d->sel_size < 4 && mask >> (8 * d->sel_size))
		return "deep quote: its PCR selection is not the PREPARE's platform mask";
	if (d->pcr_digest_len != 32 ||
	    memcmp(d->pcr_digest, values_digest, 32))
		return "deep quote: its PCR digest is not of the PREPARE's platform values";
	return NULL;
}
