// SPDX-License-Identifier: GPL-2.0
/*
 * Event-log records and their two exported forms: the TCG PC Client
 * crypto-agile binary log and tvm's one-line-per-event ASCII log.  The
 * formats are specified in tvm_log.h.
 *
 * Shared between the kernel and the userspace unit tests (see tvm_lib.h).
 * Nothing here allocates; symbols are not exported here, the module that
 * links this file decides.
 */

#include "tvm_log.h"

#ifndef __KERNEL__
#include <stdio.h>
#endif

/* Digest sizes in bytes (TPM 2.0 Part 2, TPMU_HA). */
#define TVM_SHA1_SIZE		20
#define TVM_SHA256_SIZE		32
#define TVM_SHA384_SIZE		48
#define TVM_SM3_256_SIZE	32

const struct tvm_bank_info tvm_banks[__TVM_BANK_MAX] = {
	[TVM_BANK_SHA1] = {
		.name = "sha1",
		.tpm_alg = TVM_TPM_ALG_SHA1,
		.size = TVM_SHA1_SIZE,
	},
	[TVM_BANK_SHA256] = {
		.name = "sha256",
		.tpm_alg = TVM_TPM_ALG_SHA256,
		.size = TVM_SHA256_SIZE,
	},
	[TVM_BANK_SHA384] = {
		.name = "sha384",
		.tpm_alg = TVM_TPM_ALG_SHA384,
		.size = TVM_SHA384_SIZE,
	},
	[TVM_BANK_SM3_256] = {
		.name = "sm3_256",
		.tpm_alg = TVM_TPM_ALG_SM3_256,
		.size = TVM_SM3_256_SIZE,
	},
};

/*
 * TCG_EfiSpecIDEvent constants (TCG PC Client Platform Firmware Profile,
 * section 10.4.5.1).  The signature is 16 bytes including its NUL.
 */
#define TVM_SPECID_SIG			"Spec ID Event03"
#define TVM_SPECID_SIG_SIZE		16
#define TVM_SPECID_PLATFORM_CLIENT	0
#define TVM_SPECID_VERSION_MINOR	0
#define TVM_SPECID_VERSION_MAJOR	2
#define TVM_SPECID_ERRATA		2
#define TVM_SPECID_UINTN_SIZE		2	/* UINT64 */
#define TVM_SPECID_VENDOR		"tvm"
#define TVM_SPECID_VENDOR_SIZE		(sizeof(TVM_SPECID_VENDOR) - 1)

/* The SHA-1 digest field of the TCG_PCR_EVENT that carries the Spec ID. */
#define TVM_SPECID_DIGEST_SIZE		TVM_SHA1_SIZE

/*
 * Writers for the binary form.  Each takes the offset to write at, writes
 * only when @buf is not NULL (so a NULL @buf just measures) and returns
 * the offset after the field.
 */
static size_t tvm_put_u8(u8 *buf, size_t off, u8 val)
{
	if (buf)
		buf[off] = val;
	return off + 1;
}

static size_t tvm_put_le16(u8 *buf, size_t off, u16 val)
{
	if (buf)
		put_unaligned_le16(val, buf + off);
	return off + 2;
}

static size_t tvm_put_le32(u8 *buf, size_t off, u32 val)
{
	if (buf)
		put_unaligned_le32(val, buf + off);
	return off + 4;
}

static size_t tvm_put_bytes(u8 *buf, size_t off, const void *src, size_t n)
{
	if (buf && n)
		memcpy(buf + off, src, n);
	return off + n;
}

static size_t tvm_put_zeros(u8 *buf, size_t off, size_t n)
{
	if (buf)
		memset(buf + off, 0, n);
	return off + n;
}

/**
 * tvm_banks_digest_size - bytes of digests an event of a bank mask carries
 * @banks: mask of (1 << enum tvm_bank); unknown bits are ignored
 *
 * Return: the sum of the digest sizes of the banks in @banks, which is
 * also the offset of the event data in &struct tvm_event.payload.
 */
size_t tvm_banks_digest_size(u32 banks)
{
	unsigned int b;
	size_t size = 0;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (banks & (1U << b))
			size += tvm_banks[b].size;
	return size;
}

/**
 * tvm_event_digest - the digest of one bank in an event
 * @ev: the event
 * @bank: an enum tvm_bank
 *
 * Return: a pointer to the tvm_banks[@bank].size bytes of @bank's digest
 * inside @ev->payload, or NULL if @bank is unknown or not in @ev->banks.
 */
const u8 *tvm_event_digest(const struct tvm_event *ev, unsigned int bank)
{
	u32 below;

	if (bank >= __TVM_BANK_MAX || !(ev->banks & (1U << bank)))
		return NULL;
	below = ev->banks & ((1U << bank) - 1);
	return ev->payload + tvm_banks_digest_size(below);
}

/**
 * tvm_event_data - the data of an event
 * @ev: the event
 *
 * Return: a pointer to the @ev->data_len bytes of event data, which follow
 * the digests in @ev->payload.
 */
const u8 *tvm_event_data(const struct tvm_event *ev)
{
	return ev->payload + tvm_banks_digest_size(ev->banks);
}

/**
 * tvm_log_specid_encode - encode the first record of a binary log
 * @banks: the VM's banks, a mask of (1 << enum tvm_bank); unknown bits
 *	are ignored
 * @buf: where to write, or NULL to only compute the size
 *
 * Writes the SHA-1 format TCG_PCR_EVENT (PCR 0, EV_NO_ACTION, zero digest)
 * whose data is the TCG_EfiSpecIDEvent listing @banks in enum tvm_bank
 * order, as described in tvm_log.h.
 *
 * Return: the number of bytes written (or that would be written).
 */
size_t tvm_log_specid_encode(u32 banks, u8 *buf)
{
	u32 nalg = hweight32(banks & TVM_BANKS_ALL);
	u32 data_size;
	unsigned int b;
	size_t off = 0;

	/* signature, platformClass, 4 u8 fields, numberOfAlgorithms */
	data_size = TVM_SPECID_SIG_SIZE + 4 + 4 + 4;
	/* { algorithmId, digestSize } each, vendorInfoSize, vendorInfo */
	data_size += nalg * 4 + 1 + TVM_SPECID_VENDOR_SIZE;

	off = tvm_put_le32(buf, off, 0);
	off = tvm_put_le32(buf, off, TVM_EV_NO_ACTION);
	off = tvm_put_zeros(buf, off, TVM_SPECID_DIGEST_SIZE);
	off = tvm_put_le32(buf, off, data_size);

	off = tvm_put_bytes(buf, off, TVM_SPECID_SIG, TVM_SPECID_SIG_SIZE);
	off = tvm_put_le32(buf, off, TVM_SPECID_PLATFORM_CLIENT);
	off = tvm_put_u8(buf, off, TVM_SPECID_VERSION_MINOR);
	off = tvm_put_u8(buf, off, TVM_SPECID_VERSION_MAJOR);
	off = tvm_put_u8(buf, off, TVM_SPECID_ERRATA);
	off = tvm_put_u8(buf, off, TVM_SPECID_UINTN_SIZE);
	off = tvm_put_le32(buf, off, nalg);
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(banks & (1U << b)))
			continue;
		off = tvm_put_le16(buf, off, tvm_banks[b].tpm_alg);
		off = tvm_put_le16(buf, off, tvm_banks[b].size);
	}
	off = tvm_put_u8(buf, off, TVM_SPECID_VENDOR_SIZE);
	off = tvm_put_bytes(buf, off, TVM_SPECID_VENDOR,
			    TVM_SPECID_VENDOR_SIZE);
	return off;
}

/**
 * tvm_log_event_encode - encode an event as a TCG_PCR_EVENT2
 * @ev: the event
 * @buf: where to write, or NULL to only compute the size
 *
 * Writes @ev's PCR, type, one { hashAlg, digest } per bank of @ev in enum
 * tvm_bank order, then the size and bytes of its data.
 *
 * Return: the number of bytes written (or that would be written).
 */
size_t tvm_log_event_encode(const struct tvm_event *ev, u8 *buf)
{
	u32 banks = ev->banks & TVM_BANKS_ALL;
	unsigned int b;
	size_t off = 0;

	off = tvm_put_le32(buf, off, ev->pcr);
	off = tvm_put_le32(buf, off, ev->type);
	off = tvm_put_le32(buf, off, hweight32(banks));
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(banks & (1U << b)))
			continue;
		off = tvm_put_le16(buf, off, tvm_banks[b].tpm_alg);
		off = tvm_put_bytes(buf, off, tvm_event_digest(ev, b),
				    tvm_banks[b].size);
	}
	off = tvm_put_le32(buf, off, ev->data_len);
	off = tvm_put_bytes(buf, off, tvm_event_data(ev), ev->data_len);
	return off;
}

/*
 * Writer for the ASCII form with snprintf() semantics: @pos counts every
 * character of the line, but only those that fit before the last byte of
 * @buf are stored.
 */
struct tvm_ascii_out {
	char *buf;
	size_t len;
	size_t pos;
};

static void tvm_out_mem(struct tvm_ascii_out *o, const char *s, size_t n)
{
	if (o->pos < o->len) {
		size_t room = o->len - o->pos;

		memcpy(o->buf + o->pos, s, n < room ? n : room);
	}
	o->pos += n;
}

static void tvm_out_str(struct tvm_ascii_out *o, const char *s)
{
	tvm_out_mem(o, s, strlen(s));
}

static void tvm_out_hex(struct tvm_ascii_out *o, const u8 *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char pair[2] = { digits[p[i] >> 4], digits[p[i] & 0xf] };

		tvm_out_mem(o, pair, sizeof(pair));
	}
}

/* Whether @data is shown as text: not empty, printable ASCII, no '\'. */
static bool tvm_data_is_text(const u8 *data, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (data[i] < 0x20 || data[i] > 0x7e || data[i] == '\\')
			return false;
	return true;
}

/**
 * tvm_log_event_ascii - format an event as a line of the ASCII log
 * @ev: the event
 * @buf: where to write the line
 * @len: size of @buf; may be 0, then @buf is not touched
 *
 * Writes "<seq> <pcr> <type> <bank>:<digest>... <data>\n" as described in
 * tvm_log.h, truncated to @len - 1 characters and always NUL-terminated
 * when @len is not 0, as snprintf() does.
 *
 * Return: the length of the whole line without the NUL; a value >= @len
 * means it was truncated.
 */
size_t tvm_log_event_ascii(const struct tvm_event *ev, char *buf, size_t len)
{
	struct tvm_ascii_out o = { .buf = buf, .len = len, .pos = 0 };
	const u8 *data = tvm_event_data(ev);
	char head[48];
	unsigned int b;
	int n;

	n = snprintf(head, sizeof(head), "%llu %u 0x%08x",
		     (unsigned long long)ev->seq, ev->pcr, ev->type);
	if (n < 0)
		n = 0;
	tvm_out_mem(&o, head, (size_t)n < sizeof(head) ? (size_t)n :
		    sizeof(head) - 1);

	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(ev->banks & (1U << b)))
			continue;
		tvm_out_str(&o, " ");
		tvm_out_str(&o, tvm_banks[b].name);
		tvm_out_str(&o, ":");
		tvm_out_hex(&o, tvm_event_digest(ev, b), tvm_banks[b].size);
	}

	tvm_out_str(&o, " ");
	if (tvm_data_is_text(data, ev->data_len)) {
		tvm_out_mem(&o, (const char *)data, ev->data_len);
	} else {
		tvm_out_str(&o, "hex:");
		tvm_out_hex(&o, data, ev->data_len);
	}
	tvm_out_str(&o, "\n");

	if (len)
		buf[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos;
}
