// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/lib/quote_fmt.c: the TPMS_ATTEST parser on the
 * layout kernel/core/quote.c builds, the TPMT_SIGNATURE and PCR files on
 * the byte layouts tpm2-tools 5.4 writes (checked against a dump of
 * `tpm2_pcrread -F serialized -o`), and the log's replay and its
 * verdicts: a prefix, truncated, reordered, edited, resets.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "quote_fmt.h"
#include "tvm_log.h"

/* A TPMS_ATTEST as kernel/core/quote.c writes it. */
static size_t build_attest(uint8_t *b, const uint8_t *nonce, size_t nlen,
			   uint32_t mask, const uint8_t digest[32])
{
	size_t n = 0;

	memcpy(b + n, "\xff\x54\x43\x47\x80\x18\x00\x22\x00\x0b", 10);
	n += 10;
	memset(b + n, 0xaa, 32);
	n += 32;
	b[n++] = 0;
	b[n++] = (uint8_t)nlen;
	memcpy(b + n, nonce, nlen);
	n += nlen;
	memset(b + n, 0, 8 + 4 + 4);
	b[n + 7] = 42;				/* clock */
	b[n + 15] = 3;				/* restartCount: VM id */
	n += 16;
	b[n++] = 1;				/* safe */
	memset(b + n, 0, 8);
	b[n + 7] = 4;				/* firmwareVersion */
	n += 8;
	memcpy(b + n, "\x00\x00\x00\x01\x00\x0b\x03", 7);
	n += 7;
	b[n++] = (uint8_t)mask;
	b[n++] = (uint8_t)(mask >> 8);
	b[n++] = (uint8_t)(mask >> 16);
	b[n++] = 0;
	b[n++] = 32;
	memcpy(b + n, digest, 32);
	return n + 32;
}

static void test_attest_parse(void **state)
{
	uint8_t b[256], d[32], nonce[8] = "12345678";
	struct qf_attest a;
	size_t n;

	(void)state;
	memset(d, 0x5c, sizeof(d));
	n = build_attest(b, nonce, sizeof(nonce), 0x001e03, d);
	assert_int_equal(qf_attest_parse(b, n, &a), 0);
	assert_int_equal(a.magic, QF_TPM_GENERATED);
	assert_int_equal(a.type, QF_ST_ATTEST_QUOTE);
	assert_int_equal(a.signer_len, 34);
	assert_int_equal(a.extra_len, 8);
	assert_memory_equal(a.extra, nonce, 8);
	assert_int_equal(a.clock, 42);
	assert_int_equal(a.restart_count, 3);
	assert_int_equal(a.safe, 1);
	assert_int_equal(a.firmware, 4);
	assert_int_equal(a.sel_count, 1);
	assert_int_equal(a.sel_alg[0], QF_ALG_SHA256);
	assert_int_equal(a.sel_mask[0], 0x001e03);
	assert_int_equal(a.digest_len, 32);
	assert_memory_equal(a.digest, d, 32);
	/* Every truncation and one trailing byte are malformed. */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(qf_attest_parse(b, i, &a), -EBADMSG);
	assert_int_equal(qf_attest_parse(b, n + 1, &a), -EBADMSG);
	/* A nonce longer than a TPM2B_DATA may be. */
	b[43] = 65;
	assert_int_equal(qf_attest_parse(b, n, &a), -EBADMSG);
}

static void test_sig_roundtrip(void **state)
{
	uint8_t sig[256], buf[6 + 256];
	const uint8_t *s;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)i;
	assert_int_equal(qf_sig_encode(sig, 256, NULL), 262);
	qf_sig_encode(sig, 256, buf);
	assert_memory_equal(buf, "\x00\x14\x00\x0b\x01\x00", 6);
	assert_int_equal(qf_sig_parse(buf, 262, &s, &len), 0);
	assert_int_equal(len, 256);
	assert_memory_equal(s, sig, 256);
	assert_int_equal(qf_sig_parse(buf, 261, &s, &len), -EBADMSG);
	buf[1] = 0x16;				/* RSAPSS */
	assert_int_equal(qf_sig_parse(buf, 262, &s, &len), -EOPNOTSUPP);
}

/* Layout of `tpm2_pcrread -F serialized -o f sha256:0,1,9` (668 bytes). */
static void test_pcrs_layout(void **state)
{
	static struct qf_pcrs p, q;
	uint8_t buf[2048];
	size_t n;

	(void)state;
	p.alg = QF_ALG_SHA256;
	p.size = 32;
	p.mask = 0x203;
	memset(p.value[9], 0x90, 32);
	n = qf_pcrs_encode(&p, buf);
	assert_int_equal(n, 668);
	assert_memory_equal(buf, "\x01\x00\x00\x00\x0b\x00\x03\x03\x02\x00\x00", 11);
	assert_memory_equal(buf + 132, "\x01\x00\x00\x00\x03\x00\x00\x00\x20\x00", 10);
	/* the third value: 136 + 4 + 2 * 66 + 2 */
	assert_int_equal(buf[136 + 4 + 2 * 66], 0x20);
	assert_int_equal(buf[136 + 4 + 2 * 66 + 2], 0x90);
	assert_int_equal(qf_pcrs_parse(buf, n, &q), 0);
	assert_int_equal(q.mask, 0x203);
	assert_memory_equal(q.value[9], p.value[9], 32);
	assert_int_equal(qf_pcrs_parse(buf, n - 1, &q), -EBADMSG);

	/* 11 PCRs: two TPML_DIGESTs of 8 and 3, 1200 bytes. */
	p.mask = 0x7ff;
	memset(p.value[10], 0x10, 32);
	n = qf_pcrs_encode(&p, buf);
	assert_int_equal(n, 1200);
	assert_int_equal(buf[132], 2);
	assert_int_equal(buf[136], 8);
	assert_int_equal(buf[136 + 532], 3);
	assert_int_equal(qf_pcrs_parse(buf, n, &q), 0);
	assert_memory_equal(q.value[10], p.value[10], 32);
	buf[136 + 532] = 4;
	assert_int_equal(qf_pcrs_parse(buf, n, &q), -EBADMSG);
}

/* A log of @n events of tvm_log.c's encoding for banks sha256+sm3_256. */
struct test_ev {
	uint32_t pcr, type;
	const char *data;
};

static size_t build_log(uint8_t *buf, const struct test_ev *evs, size_t n)
{
	uint32_t banks = (1U << TVM_BANK_SHA256) | (1U << TVM_BANK_SM3_256);
	uint8_t evbuf[sizeof(struct tvm_event) + 64 + 64];
	struct tvm_event *ev = (void *)evbuf;
	size_t len = tvm_log_specid_encode(banks, buf);

	for (size_t i = 0; i < n; i++) {
		/* tvm's reset marker is a struct tvm_ev_reset: 8 bytes. */
		size_t dl = evs[i].type == TVM_EV_NO_ACTION ?
			    sizeof(struct tvm_ev_reset) : strlen(evs[i].data);

		ev->seq = i;
		ev->pcr = evs[i].pcr;
		ev->type = evs[i].type;
		ev->banks = banks;
		ev->data_len = (uint32_t)dl;
		if (evs[i].type == TVM_EV_NO_ACTION) {
			memset(ev->payload, 0, 64);
			memcpy(ev->payload + 64, evs[i].data, dl);
		} else {
			qf_hash(TVM_BANK_SHA256, evs[i].data, dl, ev->payload);
			qf_hash(TVM_BANK_SM3_256, evs[i].data, dl,
				ev->payload + 32);
			memcpy(ev->payload + 64, evs[i].data, dl);
		}
		len += tvm_log_event_encode(ev, buf + len);
	}
	return len;
}

static const struct test_ev evs[] = {
	{ TVM_PCR_OS, TVM_EV_EXTEND, "kernel" },
	{ TVM_PCR_OS, TVM_EV_EXTEND, "initrd" },
	{ TVM_PCR_DRIVERS, TVM_EV_EXTEND, "driver" },
	{ TVM_PCR_DEBUG, TVM_EV_EXTEND, "debug" },
	{ TVM_PCR_DEBUG, TVM_EV_NO_ACTION, "TVMR\x10\0\0\0" },
	{ TVM_PCR_OS, TVM_EV_EXTEND, "cmdline" },
};

/* PCR 9 replayed by hand: SHA-256(SHA-256(0 || H(a)) || H(b)) ... */
static void expect_pcr9(uint8_t out[32], size_t upto)
{
	uint8_t buf[64];

	memset(out, 0, 32);
	for (size_t i = 0; i < upto; i++) {
		if (evs[i].pcr != TVM_PCR_OS)
			continue;
		memcpy(buf, out, 32);
		qf_hash(TVM_BANK_SHA256, evs[i].data, strlen(evs[i].data),
			buf + 32);
		qf_hash(TVM_BANK_SHA256, buf, 64, out);
	}
}

static void quoted(const struct qf_log *log, size_t count, struct qf_pcrs *q)
{
	uint8_t pcrs[TVM_NUM_PCRS][TVM_DIGEST_MAX];

	memset(q, 0, sizeof(*q));
	q->alg = QF_ALG_SHA256;
	q->size = 32;
	q->mask = TVM_PCR_MASK_ALL;
	assert_int_equal(qf_log_replay(log, count, TVM_BANK_SHA256, pcrs), 0);
	for (unsigned int i = 0; i < TVM_NUM_PCRS; i++)
		memcpy(q->value[i], pcrs[i], 32);
}

static void test_log_replay(void **state)
{
	static uint8_t buf[4096];
	uint8_t pcrs[TVM_NUM_PCRS][TVM_DIGEST_MAX], want[32];
	struct qf_log log;
	size_t len = build_log(buf, evs, 6);

	(void)state;
	assert_int_equal(qf_log_parse(buf, len, &log), 0);
	assert_int_equal(log.n, 6);
	assert_int_equal(log.banks, (1U << TVM_BANK_SHA256) |
				    (1U << TVM_BANK_SM3_256));
	assert_int_equal(qf_log_replay(&log, 6, TVM_BANK_SHA256, pcrs), 0);
	expect_pcr9(want, 6);
	assert_memory_equal(pcrs[TVM_PCR_OS], want, 32);
	/* The reset marker zeroed PCR 16. */
	memset(want, 0, 32);
	assert_memory_equal(pcrs[TVM_PCR_DEBUG], want, 32);
	assert_int_equal(qf_log_replay(&log, 4, TVM_BANK_SHA256, pcrs), 0);
	assert_memory_not_equal(pcrs[TVM_PCR_DEBUG], want, 32);
	assert_int_equal(qf_log_replay(&log, 7, TVM_BANK_SHA256, pcrs), -EINVAL);
	assert_int_equal(qf_log_replay(&log, 6, TVM_BANK_SHA1, pcrs), -EINVAL);
	qf_log_free(&log);
	/* Cut anywhere inside an event: malformed. */
	assert_int_equal(qf_log_parse(buf, len - 1, &log), -EBADMSG);
}

/*
 * A log that differs from evs in one way: its first @n events, events @a
 * and @b swapped, and event @edit's data @data if there is one.  The
 * check of it against the quote of all 6 gives @want, and, unless it is
 * 0, @bad for the PCR that differs.
 */
struct log_variant {
	size_t n, a, b, edit;
	const char *data;
	int want;
	unsigned int bad;
};

static const struct log_variant variants[] = {
	/* Truncated: fewer events than the quote covers. */
	{ .n = 5, .want = QF_LOG_TRUNCATED },
	/* Reordered: PCR 9's first two events swapped. */
	{ .n = 6, .a = 0, .b = 1, .want = QF_LOG_REORDERED, .bad = 9 },
	/* Events of different PCRs swapped: same PCRs, accepted. */
	{ .n = 6, .a = 1, .b = 2, .want = QF_LOG_OK },
	/* Edited: another event. */
	{ .n = 6, .edit = 1, .data = "initrX", .want = QF_LOG_EDITED,
	  .bad = 9 },
};

static void test_log_check(void **state)
{
	static uint8_t buf[4096], buf2[4096];
	static struct qf_pcrs q;
	struct test_ev alt[6];
	struct qf_log log, log2;
	unsigned int bad = 99;
	size_t len = build_log(buf, evs, 6), len2;

	(void)state;
	assert_int_equal(qf_log_parse(buf, len, &log), 0);
	/* A quote of the first 4 events: the 6-event log is a fine prefix. */
	quoted(&log, 4, &q);
	assert_int_equal(qf_log_check(&log, 4, &q, &bad), QF_LOG_OK);
	/* log_count claimed too high: the replay differs (PCR 9 first). */
	assert_int_equal(qf_log_check(&log, 6, &q, &bad), QF_LOG_EDITED);
	assert_int_equal(bad, 9);

	quoted(&log, 6, &q);
	assert_int_equal(qf_log_check(&log, 6, &q, &bad), QF_LOG_OK);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const struct log_variant *v = &variants[i];

		memcpy(alt, evs, sizeof(evs));
		alt[v->a] = evs[v->b];
		alt[v->b] = evs[v->a];
		if (v->data)
			alt[v->edit].data = v->data;
		len2 = build_log(buf2, alt, v->n);
		assert_int_equal(qf_log_parse(buf2, len2, &log2), 0);
		assert_int_equal(qf_log_check(&log2, 6, &q, &bad), v->want);
		if (v->bad)
			assert_int_equal(bad, v->bad);
		qf_log_free(&log2);
	}
	qf_log_free(&log);
}

static void test_pcrs_digest(void **state)
{
	static struct qf_pcrs p;
	uint8_t d[32], want[32], cat[64];

	(void)state;
	p.size = 32;
	p.mask = (1U << 2) | (1U << 7);
	memset(p.value[2], 2, 32);
	memset(p.value[7], 7, 32);
	memcpy(cat, p.value[2], 32);
	memcpy(cat + 32, p.value[7], 32);
	qf_hash(TVM_BANK_SHA256, cat, 64, want);
	assert_int_equal(qf_pcrs_digest(&p, d), 0);
	assert_memory_equal(d, want, 32);
}

/*
 * qualifiedSigner as kernel/core/quote.c makes it: 0x000b, then SHA-256
 * of the UUID's 16 bytes and the name (the vector from Python's hashlib).
 */
static void test_signer_name(void **state)
{
	static const uint8_t want[QF_SIGNER_SIZE] = {
		0x00, 0x0b,
		0xe3, 0xae, 0x13, 0x29, 0x5b, 0x07, 0xf8, 0xf2,
		0xca, 0xe3, 0x8a, 0x08, 0xd0, 0x4a, 0xe9, 0xaf,
		0x59, 0x7e, 0x81, 0x34, 0x68, 0xe0, 0x04, 0xc9,
		0xbc, 0xb8, 0xd3, 0xe7, 0xef, 0x4d, 0xa3, 0xd1,
	};
	uint8_t uuid[TVM_UUID_SIZE], got[QF_SIGNER_SIZE];
	char long_name[TVM_NAME_MAX + 2];

	(void)state;
	for (unsigned int i = 0; i < TVM_UUID_SIZE; i++)
		uuid[i] = (uint8_t)i;
	assert_int_equal(qf_signer_name(uuid, "web-1", got), 0);
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(qf_signer_name(uuid, "web-2", got), 0);
	assert_memory_not_equal(got, want, sizeof(want));
	uuid[15] ^= 1;
	assert_int_equal(qf_signer_name(uuid, "web-1", got), 0);
	assert_memory_not_equal(got, want, sizeof(want));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(qf_signer_name(uuid, long_name, got), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attest_parse),
		cmocka_unit_test(test_sig_roundtrip),
		cmocka_unit_test(test_pcrs_layout),
		cmocka_unit_test(test_log_replay),
		cmocka_unit_test(test_log_check),
		cmocka_unit_test(test_pcrs_digest),
		cmocka_unit_test(test_signer_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
