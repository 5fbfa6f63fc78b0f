// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the binary seed files of corpus/ (`make seeds`) with the same
 * encoders the kernel and tvmctl use, so each seed is a valid input.
 *	gen-seeds DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote_fmt.h"
#include "tvm_log.h"

static const char *dir;

static void put(const char *target, const char *name, const void *b, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* An event of @banks with digests of byte @fill and @data. */
static struct tvm_event *event(u64 seq, u32 pcr, u32 type, u32 banks,
			       u8 fill, const void *data, size_t len)
{
	size_t ds = tvm_banks_digest_size(banks);
	struct tvm_event *ev = calloc(1, sizeof(*ev) + ds + len);

	if (!ev)
		exit(1);
	ev->seq = seq;
	ev->pcr = pcr;
	ev->type = type;
	ev->banks = banks;
	ev->data_len = len;
	memset(ev->payload, fill, ds);
	memcpy(ev->payload + ds, data, len);
	return ev;
}

static void log_seed(const char *name, u32 banks)
{
	static const struct tvm_ev_reset reset = { "TVMR", TVM_PCR_OS, { 0 } };
	static uint8_t buf[4096];
	struct tvm_event *ev[4];
	size_t n, i;

	ev[0] = event(0, 0, TVM_EV_TVM_VERSION, banks, 0x11, "tvm 1.0", 7);
	ev[1] = event(1, 9, TVM_EV_EXTEND, banks, 0x22, "kernel", 6);
	ev[2] = event(2, TVM_PCR_OS, TVM_EV_NO_ACTION, banks, 0, &reset,
		      sizeof(reset));
	ev[3] = event(3, 9, TVM_EV_EXTEND, banks, 0x33, "\x01\x02\xff", 3);
	n = tvm_log_specid_encode(banks, buf);
	for (i = 0; i < 4; i++) {
		n += tvm_log_event_encode(ev[i], buf + n);
		free(ev[i]);
	}
	put("fuzz_qf_log", name, buf, n);
}

/* The input layout fuzz_tvm_log_ascii.c reads. */
static void ascii_seed(const char *name, u32 banks, uint16_t outlen,
		       const char *data, size_t len)
{
	uint8_t buf[256] = { 0 };
	size_t ds = tvm_banks_digest_size(banks);
	uint64_t seq = 7;
	uint32_t pcr = TVM_PCR_OS, type = TVM_EV_EXTEND;

	memcpy(buf, &seq, 8);
	memcpy(buf + 8, &pcr, 4);
	memcpy(buf + 12, &type, 4);
	buf[16] = (uint8_t)banks;
	memcpy(buf + 17, &outlen, 2);
	memset(buf + 19, 0xab, ds);
	memcpy(buf + 19 + ds, data, len);
	put("fuzz_tvm_log_ascii", name, buf, 19 + ds + len);
}

int main(int argc, char **argv)
{
	uint8_t b[QF_ATTEST_MAX], sig[256];
	static uint8_t pbuf[4096];
	struct qf_pcrs p;
	size_t n = 0;
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	/* A TPMS_ATTEST as kernel/core/quote.c writes it (SHA-256, PCRs 0,1,9-12). */
	memcpy(b + n, "\xff\x54\x43\x47\x80\x18\x00\x22\x00\x0b", 10);
	n += 10;
	memset(b + n, 0xaa, 32);
	n += 32;
	memcpy(b + n, "\x00\x08" "12345678", 10);
	n += 10;
	memset(b + n, 0, 16);
	b[n + 7] = 42;
	b[n + 15] = 3;
	n += 16;
	b[n++] = 1;
	memset(b + n, 0, 8);
	b[n + 7] = 4;
	n += 8;
	memcpy(b + n, "\x00\x00\x00\x01\x00\x0b\x03\x03\x1e\x00", 10);
	n += 10;
	b[n++] = 0;
	b[n++] = 32;
	memset(b + n, 0x5c, 32);
	n += 32;
	put("fuzz_qf_attest", "quote-sha256", b, n);

	for (i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)i;
	n = qf_sig_encode(sig, sizeof(sig), b);
	put("fuzz_qf_sig", "rsassa-2048", b, n);
	n = qf_sig_encode(sig, 1, b);
	put("fuzz_qf_sig", "rsassa-1", b, n);
	put("fuzz_qf_tpmt", "rsassa-1", b, n);
	/* ECDSA P-256 as tvm and a TPM make it; and with a short r. */
	memcpy(b, "\x00\x18\x00\x0b\x00\x20", 6);
	memcpy(b + 6, sig, 32);
	memcpy(b + 38, "\x00\x20", 2);
	memcpy(b + 40, sig + 32, 32);
	put("fuzz_qf_tpmt", "ecdsa-p256", b, 72);
	memcpy(b, "\x00\x18\x00\x0b\x00\x01\x07\x00\x20", 9);
	memcpy(b + 9, sig, 32);
	put("fuzz_qf_tpmt", "ecdsa-short-r", b, 41);

	memset(&p, 0, sizeof(p));
	p.alg = QF_ALG_SHA256;
	p.size = 32;
	p.mask = 0x1e03;
	for (i = 0; i < TVM_NUM_PCRS; i++)
		memset(p.value[i], (int)i, 32);
	put("fuzz_qf_pcrs", "sha256-6", pbuf, qf_pcrs_encode(&p, pbuf));
	p.alg = TVM_TPM_ALG_SHA384;
	p.size = 48;
	p.mask = TVM_PCR_MASK_ALL;
	put("fuzz_qf_pcrs", "sha384-all", pbuf, qf_pcrs_encode(&p, pbuf));

	log_seed("default-banks", TVM_BANKS_DEFAULT);
	log_seed("all-banks", TVM_BANKS_ALL);
	log_seed("sha256", 1U << TVM_BANK_SHA256);

	ascii_seed("text", TVM_BANKS_DEFAULT, 0xffff, "kernel", 6);
	ascii_seed("binary-short", 1U << TVM_BANK_SHA256, 20, "\x00\x5c\n", 3);
	ascii_seed("empty", 1U << TVM_BANK_SHA1, 0, "", 0);
	return 0;
}
