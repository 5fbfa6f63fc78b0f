/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event-log records and their two exported forms, shared by tvm.ko (which
 * keeps the log) and user space (tvmctl, unit tests), so both encode and
 * read exactly the same bytes.
 *
 * Binary form: the TCG PC Client crypto-agile event log (TCG PC Client
 * Platform Firmware Profile, section 10), all integers little-endian:
 *
 *   first, a TCG_PCR_EVENT (SHA-1 format) carrying the Spec ID event:
 *	u32 pcrIndex = 0, u32 eventType = EV_NO_ACTION (3), u8 digest[20] = 0,
 *	u32 eventDataSize, then TCG_EfiSpecIDEvent:
 *	    u8  signature[16] = "Spec ID Event03\0"
 *	    u32 platformClass = 0 (client)
 *	    u8  specVersionMinor = 0, specVersionMajor = 2, specErrata = 2
 *	    u8  uintnSize = 2 (UINT64)
 *	    u32 numberOfAlgorithms
 *	    { u16 algorithmId; u16 digestSize; } [numberOfAlgorithms]
 *	    u8  vendorInfoSize, u8 vendorInfo[vendorInfoSize] = "tvm"
 *   then, per event, a TCG_PCR_EVENT2:
 *	u32 pcrIndex, u32 eventType,
 *	TPML_DIGEST_VALUES: u32 count, { u16 hashAlg; u8 digest[size]; }[count]
 *	u32 eventSize, u8 event[eventSize]
 *
 * The algorithms are the VM's banks in enum tvm_bank order, every event
 * carries one digest per bank in that order, and the n-th TCG_PCR_EVENT2
 * is the event with sequence number n.
 *
 * ASCII form, one line per event:
 *   <seq> <pcr> <type as 0x%08x> <bank>:<hex digest> ... <data>
 * with one <bank>:<digest> per bank in enum tvm_bank order, and <data> the
 * event data as text when it is all printable ASCII other than '\' and
 * not empty, else "hex:" and its hex ("hex:" alone when empty).
 */
#ifndef _TVM_LOG_H
#define _TVM_LOG_H

#include "tvm_lib.h"
#include <linux/tvm.h>

/* TPM 2.0 algorithm identifiers (TPM 2.0 Part 2, TPM_ALG_ID). */
#define TVM_TPM_ALG_SHA1	0x0004
#define TVM_TPM_ALG_SHA256	0x000b
#define TVM_TPM_ALG_SHA384	0x000c
#define TVM_TPM_ALG_SM3_256	0x0012

/**
 * struct tvm_bank_info - fixed facts about a bank
 * @name: the name tvmctl and the ASCII log use ("sha256", "sm3_256", ...)
 * @tpm_alg: its TPM_ALG_ID
 * @size: its digest size in bytes
 */
struct tvm_bank_info {
	const char *name;
	u16 tpm_alg;
	u16 size;
};

extern const struct tvm_bank_info tvm_banks[__TVM_BANK_MAX];

/**
 * struct tvm_event - one logged event, as tvm.ko stores it
 * @seq: sequence number, from 0, gap-free
 * @pcr: PCR index
 * @type: event type
 * @banks: mask of the banks @payload has digests for (the VM's banks)
 * @data_len: bytes of event data after the digests
 * @payload: the digests of each bank in @banks, in enum tvm_bank order,
 *	each tvm_banks[b].size bytes, then @data_len bytes of data
 */
struct tvm_event {
	u64 seq;
	u32 pcr;
	u32 type;
	u32 banks;
	u32 data_len;
	u8 payload[];
};

/* Bytes of digests for a bank mask; the offset of the data in @payload. */
size_t tvm_banks_digest_size(u32 banks);

/* The digest of @bank in @ev, or NULL if @ev has none for it. */
const u8 *tvm_event_digest(const struct tvm_event *ev, unsigned int bank);
const u8 *tvm_event_data(const struct tvm_event *ev);

/*
 * Binary form.  Each _encode writes at most the matching _size bytes into
 * @buf and returns the number written; @buf may be NULL to learn the size.
 */
size_t tvm_log_specid_encode(u32 banks, u8 *buf);
size_t tvm_log_event_encode(const struct tvm_event *ev, u8 *buf);

/*
 * ASCII form: writes the line for @ev, with its '\n' and a terminating NUL,
 * into @buf of @len bytes; returns the length of the line without the NUL,
 * as snprintf() does (a return >= @len means it did not fit).
 */
size_t tvm_log_event_ascii(const struct tvm_event *ev, char *buf, size_t len);

#endif /* _TVM_LOG_H */
