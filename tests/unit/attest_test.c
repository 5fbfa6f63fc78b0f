// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for attest_check_runtime() (userspace/lib/attest.c), what
 * `tvmctl verify --policy` does with a policy's runtime ranges: on binary
 * logs built here with tvm_log.c's encoding (banks sha256 and sm3_256) and
 * parsed by quote_fmt.c, as verify reads log.bin.  A RUNTIME event of a
 * policy range with the range's digest passes; another digest, a digest
 * that is not the hash of the event's data, or data of the wrong size
 * fails, naming the range and the event's sequence number; a range the
 * policy lacks, and a range never measured, are notes.
 */

#include <endian.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "attest.h"
#include "policy_json.h"
#include "quote_fmt.h"
#include "tvm_log.h"

#define BANKS	((1U << TVM_BANK_SHA256) | (1U << TVM_BANK_SM3_256))
#define MSGS	8

/* What the check reported. */
struct found {
	unsigned int nfail, nnote;
	char fail[MSGS][ATTEST_MSG_MAX];
	char note[MSGS][ATTEST_MSG_MAX];
};

static void put_fail(void *arg, const char *msg)
{
	struct found *f = arg;

	assert_true(f->nfail < MSGS);
	snprintf(f->fail[f->nfail++], ATTEST_MSG_MAX, "%s", msg);
}

static void put_note(void *arg, const char *msg)
{
	struct found *f = arg;

	assert_true(f->nnote < MSGS);
	snprintf(f->note[f->nnote++], ATTEST_MSG_MAX, "%s", msg);
}

/*
 * One event: @data of @len bytes, hashed into its digests unless @lie,
 * then the digests are of @lie (same length) instead.
 */
struct test_ev {
	uint32_t pcr, type;
	const void *data;
	size_t len;
	const void *lie;
};

static size_t build_log(uint8_t *buf, const struct test_ev *evs, size_t n)
{
	uint8_t evbuf[sizeof(struct tvm_event) + 64 + 64];
	struct tvm_event *ev = (void *)evbuf;
	size_t len = tvm_log_specid_encode(BANKS, buf);

	for (size_t i = 0; i < n; i++) {
		const void *h = evs[i].lie ? evs[i].lie : evs[i].data;

		assert_true(evs[i].len <= 64);
		ev->seq = i;
		ev->pcr = evs[i].pcr;
		ev->type = evs[i].type;
		ev->banks = BANKS;
		ev->data_len = (uint32_t)evs[i].len;
		assert_int_equal(qf_hash(TVM_BANK_SHA256, h, evs[i].len,
					 ev->payload), 0);
		assert_int_equal(qf_hash(TVM_BANK_SM3_256, h, evs[i].len,
					 ev->payload + 32), 0);
		memcpy(ev->payload + 64, evs[i].data, evs[i].len);
		len += tvm_log_event_encode(ev, buf + len);
	}
	return len;
}

static struct tvm_ev_runtime rt(uint64_t gpa, uint64_t len, uint8_t fill)
{
	struct tvm_ev_runtime r = {
		.gpa = htole64(gpa),
		.len = htole64(len),
	};

	memset(r.sha256, fill, sizeof(r.sha256));
	return r;
}

/* The policy of every test: two ranges, digests all 0xaa and all 0xbb. */
static const struct policy_range ranges[] = {
	{ .gpa = 0x1000, .len = 4096, .sha256 = { [0 ... 31] = 0xaa } },
	{ .gpa = 0x200000, .len = 64, .sha256 = { [0 ... 31] = 0xbb } },
};

/* Check events 0 .. @count - 1 of @evs; the number of events checked. */
static unsigned int check(const struct test_ev *evs, size_t n, size_t count,
			  struct found *f)
{
	const struct attest_sink sink = { put_fail, put_note, f };
	static uint8_t buf[8192];
	struct qf_log log;
	unsigned int ret;

	memset(f, 0, sizeof(*f));
	assert_int_equal(qf_log_parse(buf, build_log(buf, evs, n), &log), 0);
	assert_int_equal(log.n, n);
	ret = attest_check_runtime(&log, count, ranges, 2, &sink);
	qf_log_free(&log);
	return ret;
}

static void test_matching_passes(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime b = rt(0x200000, 64, 0xbb);
	const struct test_ev evs[] = {
		{ 9, TVM_EV_EXTEND, "kernel", 6, NULL },
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ 13, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
	};
	struct found f;

	(void)state;
	assert_int_equal(check(evs, 3, 3, &f), 2);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 0);
}

static void test_mismatch_fails(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime bad = rt(0x1000, 4096, 0xcc);
	struct tvm_ev_runtime b = rt(0x200000, 64, 0xbb);
	const struct test_ev evs[] = {
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ 13, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
		{ 9, TVM_EV_EXTEND, "kernel", 6, NULL },
		{ 13, TVM_EV_RUNTIME, &bad, sizeof(bad), NULL },
		/* back to the good digest: the mismatch at 3 still counts */
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
	};
	struct found f;

	(void)state;
	assert_int_equal(check(evs, 5, 5, &f), 4);
	assert_int_equal(f.nfail, 1);
	assert_string_equal(f.fail[0],
			    "runtime mismatch: range 0x1000+4096, event 3: "
			    "sha256 cccccccccccccccc..., the policy's is "
			    "aaaaaaaaaaaaaaaa...");
	assert_int_equal(f.nnote, 0);
}

/* Only the quoted prefix counts: a bad event after it is not judged. */
static void test_prefix_only(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime bad = rt(0x200000, 64, 0x00);
	const struct test_ev evs[] = {
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ 13, TVM_EV_RUNTIME, &bad, sizeof(bad), NULL },
	};
	struct found f;

	(void)state;
	assert_int_equal(check(evs, 2, 1, &f), 1);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 1);
	assert_string_equal(f.note[0], "runtime: range 0x200000+64 was not "
			    "measured in the quoted events");
	assert_int_equal(check(evs, 2, 2, &f), 2);
	assert_int_equal(f.nfail, 1);
	assert_non_null(strstr(f.fail[0], "range 0x200000+64, event 1:"));
}

/* The policy's digest in the data, another's hash in the digests. */
static void test_digest_not_of_data_fails(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime real = rt(0x1000, 4096, 0x11);
	struct tvm_ev_runtime b = rt(0x200000, 64, 0xbb);
	const struct test_ev evs[] = {
		{ 13, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), &real },
	};
	struct found f;

	(void)state;
	assert_int_equal(check(evs, 2, 2, &f), 2);
	assert_int_equal(f.nfail, 1);
	assert_string_equal(f.fail[0],
			    "runtime mismatch: range 0x1000+4096, event 1: "
			    "its sha256 digest is not the hash of its data");
}

static void test_wrong_size_fails(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime b = rt(0x200000, 64, 0xbb);
	const struct test_ev evs[] = {
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ 13, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a) - 8, NULL },
		{ 13, TVM_EV_RUNTIME, "", 0, NULL },
	};
	struct found f;

	(void)state;
	assert_int_equal(check(evs, 4, 4, &f), 2);
	assert_int_equal(f.nfail, 2);
	assert_string_equal(f.fail[0], "runtime mismatch: event 2: RUNTIME "
			    "data is 40 bytes, not 48");
	assert_string_equal(f.fail[1], "runtime mismatch: event 3: RUNTIME "
			    "data is 0 bytes, not 48");
}

/*
 * A range the policy does not list is a note; so is a listed range with
 * no event.  A RUNTIME event outside PCR 13 is not tvm's measurement.
 */
static void test_unknown_range_is_note(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime other = rt(0x1000, 8192, 0x99);
	struct tvm_ev_runtime bad = rt(0x200000, 64, 0x00);
	const struct test_ev evs[] = {
		{ 13, TVM_EV_RUNTIME, &other, sizeof(other), NULL },
		{ 13, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ 9, TVM_EV_RUNTIME, &bad, sizeof(bad), NULL },
	};
	struct found f;

	(void)state;
	assert_int_equal(check(evs, 3, 3, &f), 1);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 2);
	assert_string_equal(f.note[0], "runtime: event 0 measured range "
			    "0x1000+8192, which the policy does not list");
	assert_string_equal(f.note[1], "runtime: range 0x200000+64 was not "
			    "measured in the quoted events");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matching_passes),
		cmocka_unit_test(test_mismatch_fails),
		cmocka_unit_test(test_prefix_only),
		cmocka_unit_test(test_digest_not_of_data_fails),
		cmocka_unit_test(test_wrong_size_fails),
		cmocka_unit_test(test_unknown_range_is_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
