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
 *
 * Then attest_check_kernel_events(), what verify checks of the events
 * only the kernel logs whatever the policy: PCRs 0-8 hold the creation
 * events (and a KVM VM's VMM_EXE) and nothing else, tvm's types sit in
 * their PCRs with their sizes, and the digests tvm computes from an
 * event's data are that data's hash in every bank; and attest_launch(),
 * what a quote's firmwareVersion and log say of the VM's launch.
 *
 * And attest_policy_digest() on a fixed vector (the canonical encoding's
 * SHA-256, computed independently), and attest_check_policy_id(), what
 * `tvmctl verify --policy` does with the policy identity events of PCR 8,
 * and attest_check_flows(), what it does with the flows of PCR 14.
 *
 * And attest_verify_tpmt(), how verify checks quote.sig: an ECDSA P-256
 * TPMT_SIGNATURE made here with OpenSSL verifies with the key rebuilt by
 * attest_ec_pub() from its point; a flipped bit, the other scheme's key,
 * and a malformed TPMT do not; RSASSA still does.
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

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

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
	uint8_t evbuf[sizeof(struct tvm_event) + 64 + 128];
	struct tvm_event *ev = (void *)evbuf;
	size_t len = tvm_log_specid_encode(BANKS, buf);

	for (size_t i = 0; i < n; i++) {
		const void *h = evs[i].lie ? evs[i].lie : evs[i].data;

		assert_true(evs[i].len <= 128);
		ev->seq = i;
		ev->pcr = evs[i].pcr;
		ev->type = evs[i].type;
		ev->banks = BANKS;
		ev->data_len = (uint32_t)evs[i].len;
		assert_int_equal(qf_hash(TVM_BANK_SHA256, h, evs[i].len,
					 ev->payload), 0);
		assert_int_equal(qf_hash(TVM_BANK_SM3_256, h, evs[i].len,
					 ev->payload + 32), 0);
		if (evs[i].type == TVM_EV_HOST_PCR &&
		    evs[i].len == sizeof(struct tvm_ev_host_pcr)) {
			/* As seed_host_pcrs(): SHA-256 extends the value. */
			const struct tvm_ev_host_pcr *hp = h;

			memcpy(ev->payload, hp->value, 32);
			assert_int_equal(qf_hash(TVM_BANK_SM3_256, hp->value,
						 32, ev->payload + 32), 0);
		}
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
static const struct tvm_range ranges[] = {
	{ .gpa = 0x1000, .len = 4096, .sha256 = { [0 ... 31] = 0xaa } },
	{ .gpa = 0x200000, .len = 64, .sha256 = { [0 ... 31] = 0xbb } },
};

/*
 * A check of a parsed log's events 0 .. @count - 1, reporting to @sink,
 * with @arg: the number of events it checked.
 */
typedef unsigned int check_fn(const struct qf_log *log, size_t count,
			      const void *arg,
			      const struct attest_sink *sink);

/*
 * The log of @evs[0 .. @n) built and parsed, with the digests of events
 * @zero_from on zeroed (as tvm logs its reset markers; @n for none), and
 * @fn run on its first @count events, its findings into @f.
 */
static unsigned int run_check(check_fn *fn, const void *arg,
			      const struct test_ev *evs, size_t n,
			      size_t count, size_t zero_from, struct found *f)
{
	const struct attest_sink sink = { put_fail, put_note, f };
	static uint8_t buf[16384];
	struct qf_log log;
	unsigned int ret;

	memset(f, 0, sizeof(*f));
	assert_int_equal(qf_log_parse(buf, build_log(buf, evs, n), &log), 0);
	assert_int_equal(log.n, n);
	for (size_t i = zero_from; i < n; i++)
		for (unsigned int b = 0; b < __TVM_BANK_MAX; b++)
			if (log.ev[i].digest[b])	/* points into buf */
				memset(buf + (log.ev[i].digest[b] - buf), 0,
				       tvm_banks[b].size);
	ret = fn(&log, count, arg, &sink);
	qf_log_free(&log);
	return ret;
}

static unsigned int runtime_fn(const struct qf_log *log, size_t count,
			       const void *arg,
			       const struct attest_sink *sink)
{
	(void)arg;
	return attest_check_runtime(log, count, ranges, 2, sink);
}

/* Check events 0 .. @count - 1 of @evs; the number of events checked. */
static unsigned int check(const struct test_ev *evs, size_t n, size_t count,
			  struct found *f)
{
	return run_check(runtime_fn, NULL, evs, n, count, n, f);
}

static void test_matching_passes(void **state)
{
	struct tvm_ev_runtime a = rt(0x1000, 4096, 0xaa);
	struct tvm_ev_runtime b = rt(0x200000, 64, 0xbb);
	const struct test_ev evs[] = {
		{ TVM_PCR_OS, TVM_EV_EXTEND, "kernel", 6, NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
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
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
		{ TVM_PCR_OS, TVM_EV_EXTEND, "kernel", 6, NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &bad, sizeof(bad), NULL },
		/* back to the good digest: the mismatch at 3 still counts */
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
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
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &bad, sizeof(bad), NULL },
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
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), &real },
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
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &b, sizeof(b), NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a) - 8, NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, "", 0, NULL },
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
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &other, sizeof(other),
		  NULL },
		{ TVM_PCR_RUNTIME, TVM_EV_RUNTIME, &a, sizeof(a), NULL },
		{ TVM_PCR_OS, TVM_EV_RUNTIME, &bad, sizeof(bad), NULL },
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

/* --- attest_check_kernel_events() -------------------------------------- */

static struct tvm_ev_host_pcr host[TVM_PCR_HOST_LAST + 1];
/* The digests' source of events whose digests are not of their data. */
static const uint8_t other[64] = { [0 ... 63] = 0x5a };
static const char version[] = "tvm 0.1 abi 6";

/* Events 0-8 as tvm_vm_create() logs them, into @evs; returns 9. */
static size_t creation(struct test_ev *evs)
{
	for (unsigned int i = 0; i <= TVM_PCR_HOST_LAST; i++) {
		memcpy(host[i].magic, "TVMH", 4);
		host[i].pcr = (uint8_t)i;
		host[i].has_tpm = 1;
		memset(host[i].value, 0x40 + i, 32);
		evs[i] = (struct test_ev){ i, TVM_EV_HOST_PCR, &host[i],
					   sizeof(host[i]), NULL };
	}
	evs[8] = (struct test_ev){ TVM_PCR_VMM, TVM_EV_TVM_VERSION, version,
				   sizeof(version) - 1, NULL };
	return 9;
}

static unsigned int kernel_fn(const struct qf_log *log, size_t count,
			      const void *kvm,
			      const struct attest_sink *sink)
{
	return attest_check_kernel_events(log, count, *(const bool *)kvm,
					  sink);
}

/* attest_check_kernel_events() on events 0 .. @count - 1 of @evs. */
static unsigned int kcheck(const struct test_ev *evs, size_t n, size_t count,
			   bool kvm, struct found *f)
{
	return run_check(kernel_fn, &kvm, evs, n, count, n, f);
}

static struct tvm_ev_memslot memslot = { .size = 65536 };
static struct tvm_ev_slot slot = { .size = 65536, .pages = 1 };

/* A KVM VM's log as tvm and tvm_kvm make it passes, every digest checked. */
static void test_kernel_events_pass(void **state)
{
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	evs[n++] = (struct test_ev){ TVM_PCR_VMM, TVM_EV_VMM_EXE,
				     "/usr/bin/vmm", 12,
				     other };
	evs[n++] = (struct test_ev){ TVM_PCR_CONFIG, TVM_EV_MEMSLOT, &memslot,
				     sizeof(memslot), NULL };
	evs[n++] = (struct test_ev){ TVM_PCR_OS, TVM_EV_SLOT, &slot,
				     sizeof(slot),
				     NULL };
	evs[n++] = (struct test_ev){ TVM_PCR_OS, TVM_EV_FILE, "kernel", 6,
				     other };
	evs[n++] = (struct test_ev){ TVM_PCR_DRIVERS, TVM_EV_EXTEND, "admin", 5,
				     other };
	evs[n++] = (struct test_ev){ TVM_PCR_APP, TVM_EV_IPL, "x", 1, NULL };
	/* 8 HOST_PCR, TVM_VERSION, MEMSLOT, SLOT */
	assert_int_equal(kcheck(evs, n, n, true, &f), 11);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 0);
}

/*
 * `tvmctl pcr extend VM 0 --data x` before ABI 6, and an extend of PCR 8:
 * foreign events, whatever their type; the prefix alone is judged.
 */
static void test_foreign_event_in_pcr_0_8_fails(void **state)
{
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	evs[n++] = (struct test_ev){ TVM_PCR_OS, TVM_EV_EXTEND, "kernel", 6,
				     NULL };
	evs[n++] = (struct test_ev){ 0, TVM_EV_EXTEND, "x", 1, NULL };
	evs[n++] = (struct test_ev){ TVM_PCR_VMM, TVM_EV_IPL, "x", 1, NULL };
	evs[n++] = (struct test_ev){ 3, TVM_EV_HOST_PCR, &host[3],
				     sizeof(host[3]), NULL };
	evs[n++] = (struct test_ev){ 7, TVM_EV_EXTEND, "later", 5, NULL };
	kcheck(evs, n, n - 1, true, &f);
	assert_int_equal(f.nfail, 3);
	assert_string_equal(f.fail[0], "foreign event: event 10, EXTEND in "
			    "PCR 0, is not the kernel's (PCRs 0-8 hold only "
			    "what tvm measured at creation)");
	assert_non_null(strstr(f.fail[1], "event 11, 0x0000000d in PCR 8,"));
	assert_non_null(strstr(f.fail[2], "event 12, HOST_PCR in PCR 3,"));
	kcheck(evs, n, 10, true, &f);
	assert_int_equal(f.nfail, 0);
}

/* PCR 8's VMM_EXE: one, and only when the quote says a KVM VM. */
static void test_vmm_exe_only_for_kvm(void **state)
{
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	evs[n++] = (struct test_ev){ TVM_PCR_VMM, TVM_EV_VMM_EXE, "/bin/vmm", 8,
				     other };
	kcheck(evs, n, n, true, &f);
	assert_int_equal(f.nfail, 0);
	kcheck(evs, n, n, false, &f);
	assert_int_equal(f.nfail, 1);
	assert_non_null(strstr(f.fail[0], "event 9, VMM_EXE in PCR 8,"));
	evs[n++] = (struct test_ev){ TVM_PCR_VMM, TVM_EV_VMM_EXE, "/bin/sh", 7,
				     other };
	kcheck(evs, n, n, true, &f);
	assert_int_equal(f.nfail, 1);
	assert_non_null(strstr(f.fail[0], "event 10, VMM_EXE in PCR 8,"));
}

/* Creation events missing, moved or renumbered. */
static void test_creation_events_are_fixed(void **state)
{
	struct tvm_ev_host_pcr other = host[2];
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	other.pcr = 5;
	evs[2].data = &other;
	evs[4] = (struct test_ev){ 4, TVM_EV_EXTEND, "x", 1, NULL };
	evs[8] = (struct test_ev){ TVM_PCR_OS, TVM_EV_EXTEND, "early", 5,
				   NULL };
	kcheck(evs, n, n, false, &f);
	assert_int_equal(f.nfail, 3);
	assert_string_equal(f.fail[0], "log forged: event 2, HOST_PCR: not "
			    "the record of host PCR 2");
	assert_non_null(strstr(f.fail[1], "foreign event: event 4, EXTEND in "
			       "PCR 4,"));
	assert_non_null(strstr(f.fail[2], "foreign event: event 8, EXTEND in "
			       "PCR 9,"));
}

/*
 * An event edited after the fact, its old digests kept: the replay still
 * matches, but its digests are not its data's hash.  Types whose digests
 * are not of their data (VMM_EXE, FILE, EXTEND) are left alone.
 */
static void test_edited_event_with_old_digests_fails(void **state)
{
	static const char old[] = "tvm 0.1 abi 5";
	struct tvm_ev_host_pcr h1;
	struct tvm_ev_memslot big = memslot;
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	h1 = host[1];
	h1.value[0] ^= 1;	/* the digests of another host value */
	evs[1].lie = &h1;
	evs[8].lie = old;
	big.size = 1 << 20;
	evs[n++] = (struct test_ev){ TVM_PCR_CONFIG, TVM_EV_MEMSLOT, &big,
				     sizeof(big),
				     &memslot };
	evs[n++] = (struct test_ev){ TVM_PCR_VMM, TVM_EV_VMM_EXE, "/bin/vmm", 8,
				     other };
	kcheck(evs, n, n, true, &f);
	assert_int_equal(f.nfail, 3);
	assert_string_equal(f.fail[0], "log forged: event 1, HOST_PCR in PCR "
			    "1: its sha256 digest is not the hash of its "
			    "data");
	assert_string_equal(f.fail[1], "log forged: event 8, TVM_VERSION in "
			    "PCR 8: its sha256 digest is not the hash of its "
			    "data");
	assert_string_equal(f.fail[2], "log forged: event 9, MEMSLOT in PCR "
			    "12: its sha256 digest is not the hash of its "
			    "data");
}

/* tvm's types outside their PCRs, or with data of the wrong size. */
static void test_kernel_types_in_place(void **state)
{
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	evs[n++] = (struct test_ev){ TVM_PCR_CONFIG, TVM_EV_SLOT, &slot,
				     sizeof(slot),
				     NULL };
	evs[n++] = (struct test_ev){ TVM_PCR_CONFIG, TVM_EV_MEMSLOT, &memslot,
				     sizeof(memslot) - 1, NULL };
	evs[n++] = (struct test_ev){ TVM_PCR_OS, TVM_EV_BASE + 0x77, "new", 3,
				     NULL };
	kcheck(evs, n, n, false, &f);
	assert_int_equal(f.nfail, 2);
	assert_string_equal(f.fail[0], "foreign event: event 9, SLOT in PCR "
			    "12, where the kernel never logs it");
	assert_string_equal(f.fail[1], "log forged: event 10, MEMSLOT: data "
			    "is 23 bytes, not 24");
	assert_int_equal(f.nnote, 1);
	assert_string_equal(f.note[0], "event 11: tvm event type 0x544d0077 "
			    "is unknown to this tvmctl");
}

/*
 * Check events 0 .. @n - 1 of @evs, as kcheck() does, after zeroing the
 * digests of events @zero_from on, as tvm logs its reset markers.
 */
static void kcheck_zeroed(const struct test_ev *evs, size_t n,
			  size_t zero_from, struct found *f)
{
	const bool kvm = false;

	run_check(kernel_fn, &kvm, evs, n, n, zero_from, f);
}

/* EV_NO_ACTION: tvm logs only its reset markers of 16 and 23, zero digests. */
static void test_no_action_only_resets(void **state)
{
	struct tvm_ev_reset r16 = { .magic = "TVMR", .pcr = TVM_PCR_DEBUG };
	struct tvm_ev_reset r9 = { .magic = "TVMR", .pcr = TVM_PCR_OS };
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct found f;

	(void)state;
	evs[n++] = (struct test_ev){ TVM_PCR_DEBUG, TVM_EV_NO_ACTION, &r16,
				     sizeof(r16),
				     NULL };
	evs[n++] = (struct test_ev){ TVM_PCR_OS, TVM_EV_NO_ACTION, &r9,
				     sizeof(r9),
				     NULL };
	evs[n++] = (struct test_ev){ 0, TVM_EV_NO_ACTION, "x", 1, NULL };
	kcheck_zeroed(evs, n, 9, &f);
	assert_int_equal(f.nfail, 2);
	assert_string_equal(f.fail[0], "foreign event: event 10, EV_NO_ACTION "
			    "in PCR 9, is not a reset marker of tvm's");
	assert_non_null(strstr(f.fail[1], "event 11, EV_NO_ACTION in PCR 0,"));
	/* The marker of 16 with digests that are not zero. */
	kcheck_zeroed(evs, 10, 10, &f);
	assert_int_equal(f.nfail, 1);
	assert_non_null(strstr(f.fail[0], "event 9, EV_NO_ACTION in PCR 16,"));
}

/* --- attest_launch() ------------------------------------------------------ */

static void test_launch_from_firmware_version(void **state)
{
	static uint8_t buf[16384];
	struct test_ev evs[16];
	size_t n = creation(evs);
	struct qf_log log;

	(void)state;
	evs[n++] = (struct test_ev){ TVM_PCR_OS, TVM_EV_SLOT, &slot,
				     sizeof(slot),
				     NULL };
	assert_int_equal(qf_log_parse(buf, build_log(buf, evs, n), &log), 0);
	assert_int_equal(attest_launch(5, &log, n), ATTEST_LAUNCH_UNKNOWN);
	assert_int_equal(attest_launch(5 | TVM_QUOTE_FW_KVM, &log, n),
			 ATTEST_LAUNCH_UNKNOWN);
	assert_int_equal(attest_launch(6, &log, n), ATTEST_LAUNCH_ADMIN);
	assert_int_equal(attest_launch(6 | TVM_QUOTE_FW_KVM, &log, n),
			 ATTEST_LAUNCH_KVM);
	assert_int_equal(attest_launch(6 | TVM_QUOTE_FW_KVM |
				       TVM_QUOTE_FW_ADOPTED, &log, n),
			 ATTEST_LAUNCH_ADOPTED);
	/* The SLOT event after the quoted prefix: not launched yet. */
	assert_int_equal(attest_launch(6 | TVM_QUOTE_FW_KVM, &log, n - 1),
			 ATTEST_LAUNCH_NOT_YET);
	assert_int_equal(attest_launch(6 | TVM_QUOTE_FW_KVM, NULL, 0),
			 ATTEST_LAUNCH_NOT_YET);
	qf_log_free(&log);
}

/* --- policy identity ------------------------------------------------------ */

#define HEX20(c)	c c c c c c c c c c c c c c c c c c c c
#define HEX32(c)	HEX20(c) c c c c c c c c c c c c

/* policy_json_test.c's small_json; its canonical SHA-256 (Python's). */
static const char small_json[] =
	"{\"levels\": {\"config\": {\"pcr\": [\"sha1:" HEX20("11") "\"]},\n"
	"             \"os\": {\"events\": {\"e\": [\"sha1:" HEX20("22") "\"]}}},\n"
	" \"owner_key\": \"" HEX32("A5") "\", \"mode\": \"enforce\",\n"
	" \"revision\": 258, \"selector\": {\"name\": \"vm\"}, \"version\": 1}\n";
static const uint8_t small_digest[32] = {
	0x7c, 0x85, 0x5e, 0xb2, 0x14, 0x79, 0x6a, 0xe2, 0xd6, 0x9b, 0x0f,
	0xc4, 0x85, 0x4a, 0x12, 0x8a, 0x55, 0xa7, 0x06, 0x2e, 0xf9, 0x98,
	0xd3, 0x5b, 0x9b, 0xd8, 0xd6, 0x07, 0x87, 0x8a, 0xba, 0x50,
};

static void parse_small(struct policy *p, struct tvm_ev_policy *id)
{
	char err[POLICY_ERR_MAX];
	uint8_t d[32];

	assert_int_equal(policy_parse("small", small_json, strlen(small_json),
				      p, err, sizeof(err)), 0);
	assert_int_equal(attest_policy_digest(p, d), 0);
	attest_policy_identity(p, d, id);
}

static void test_policy_digest_fixed(void **state)
{
	struct tvm_ev_policy id;
	struct policy p;

	(void)state;
	parse_small(&p, &id);
	assert_memory_equal(id.digest, small_digest, 32);
	assert_memory_equal(id.magic, "TVMP", 4);
	assert_int_equal(le32toh(id.revision), 258);
	assert_int_equal(id.key_id[0], 0xa5);
	policy_free(&p);
}

static unsigned int policy_id_fn(const struct qf_log *log, size_t count,
				 const void *want,
				 const struct attest_sink *sink)
{
	return attest_check_policy_id(log, count, want, sink);
}

static unsigned int check_id(const struct test_ev *evs, size_t n,
			     const struct tvm_ev_policy *want, struct found *f)
{
	return run_check(policy_id_fn, want, evs, n, n, n, f);
}

static void test_policy_id(void **state)
{
	struct tvm_ev_policy want, other, older, none;
	struct policy p;
	struct found f;

	(void)state;
	parse_small(&p, &want);
	policy_free(&p);
	other = want;
	other.digest[0] ^= 1;			/* another policy, same key */
	other.revision = htole32(259);
	older = want;
	older.digest[0] ^= 2;			/* the owner's revision 257 */
	older.revision = htole32(257);
	memset(&none, 0, sizeof(none));
	memcpy(none.magic, "TVMP", 4);

	/* Launched under it. */
	{
		const struct test_ev evs[] = {
			{ TVM_PCR_VMM, TVM_EV_TVM_VERSION, "tvm", 3, NULL },
			{ TVM_PCR_VMM, TVM_EV_POLICY, &want, sizeof(want),
			  NULL },
		};

		assert_int_equal(check_id(evs, 2, &want, &f), 1);
		assert_int_equal(f.nfail, 0);
	}
	/* Under another policy: fails, twice (that event, and the last). */
	{
		const struct test_ev evs[] = {
			{ TVM_PCR_VMM, TVM_EV_POLICY, &other, sizeof(other),
			  NULL },
		};

		check_id(evs, 1, &want, &f);
		assert_int_equal(f.nfail, 2);
		assert_non_null(strstr(f.fail[0], "the VM ran under digest"));
	}
	/* Under it, then another, then it again: the interval shows. */
	{
		const struct test_ev evs[] = {
			{ TVM_PCR_VMM, TVM_EV_POLICY, &want, sizeof(want),
			  NULL },
			{ TVM_PCR_VMM, TVM_EV_POLICY, &none, sizeof(none),
			  NULL },
			{ TVM_PCR_VMM, TVM_EV_POLICY, &want, sizeof(want),
			  NULL },
		};

		assert_int_equal(check_id(evs, 3, &want, &f), 3);
		assert_int_equal(f.nfail, 1);
		assert_non_null(strstr(f.fail[0], "event 1: the VM ran under no policy"));
	}
	/* An earlier revision of the owner's own, then it: a note. */
	{
		const struct test_ev evs[] = {
			{ TVM_PCR_VMM, TVM_EV_POLICY, &older, sizeof(older),
			  NULL },
			{ TVM_PCR_VMM, TVM_EV_POLICY, &want, sizeof(want),
			  NULL },
		};

		check_id(evs, 2, &want, &f);
		assert_int_equal(f.nfail, 0);
		assert_int_equal(f.nnote, 1);
	}
	/* No policy event at all; one whose digests are not of its data. */
	{
		const struct test_ev evs[] = {
			{ TVM_PCR_OS, TVM_EV_EXTEND, "kernel", 6, NULL },
			{ TVM_PCR_VMM, TVM_EV_POLICY, &want, sizeof(want),
			  &other },
		};

		check_id(evs, 1, &want, &f);
		assert_int_equal(f.nfail, 1);
		assert_non_null(strstr(f.fail[0], "records no policy"));
		check_id(evs, 2, &want, &f);
		assert_int_equal(f.nfail, 2);
		assert_non_null(strstr(f.fail[0], "not the hash of its data"));
	}
}

/*
 * attest_check_flows(): the flows a VM received (PCR 14) against its
 * dataflow section.  web-2 (by UUID) may send on 22 if trusted, else it
 * taints; the host on 80; the rest is blocked.
 */
static const char flows_json[] =
	"{\"version\": 1, \"selector\": {\"name\": \"db\"}, \"dataflow\": {\"rules\": ["
	" {\"from\": \"0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f\", \"ports\": [22],"
	"  \"min_trust\": \"trusted\", \"action\": \"taint\"},"
	" {\"from\": \"host\", \"ports\": [80]}]}}";

static const uint8_t web2[TVM_UUID_SIZE] = {
	0x0b, 0x1e, 0x8f, 0x6e, 0x3c, 0x2a, 0x4d, 0x5b,
	0x9e, 0x7f, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f,
};

static struct tvm_ev_flow flow(const uint8_t *sender, bool host,
			       uint32_t port, uint32_t action)
{
	struct tvm_ev_flow d = {
		.magic = "TVMF",
		.flags = htole32(TVM_EV_FLOW_CLOSE |
				 (host ? TVM_EV_FLOW_HOST : 0)),
		.src_cid = htole64(host ? 2 : 9),
		.dst_cid = htole64(3),
		.src_port = htole32(1234),
		.dst_port = htole32(port),
		.action = htole32(action),
		.bytes = htole64(5),
	};

	if (sender)
		memcpy(d.sender, sender, TVM_UUID_SIZE);
	return d;
}

static unsigned int flows_fn(const struct qf_log *log, size_t count,
			     const void *arg, const struct attest_sink *sink)
{
	return attest_check_flows(log, count, arg, sink);
}

static void test_flows(void **state)
{
	const struct tvm_ev_flow ok[] = {
		flow(NULL, true, 80, TVM_DF_MEASURE),
		flow(web2, false, 22, TVM_DF_MEASURE),
		flow(web2, false, 22, TVM_DF_TAINT),
		flow(web2, false, 23, TVM_DF_BLOCK),
		flow(NULL, false, 80, TVM_DF_BLOCK),
	};
	const struct tvm_ev_flow bad[] = {
		flow(NULL, true, 22, TVM_DF_MEASURE),	/* the host on 22 */
		flow(web2, false, 22, TVM_DF_BLOCK),	/* not what 22 does */
		flow(NULL, false, 80, TVM_DF_TAINT),	/* unbound on 80 */
		flow(web2, false, 22, 7),		/* no such action */
	};
	struct test_ev evs[8];
	char err[POLICY_ERR_MAX];
	struct policy p;
	struct found f;
	size_t i;

	(void)state;
	assert_int_equal(sizeof(struct tvm_ev_flow), 104);
	assert_int_equal(policy_parse("db.json", flows_json,
				      strlen(flows_json), &p, err,
				      sizeof(err)), 0);
	for (i = 0; i < 5; i++)
		evs[i] = (struct test_ev){ TVM_PCR_DATAFLOW, TVM_EV_FLOW,
					   &ok[i], sizeof(ok[i]), NULL };
	/* A FLOW type in another PCR is not the kernel's: not judged here. */
	evs[5] = (struct test_ev){ TVM_PCR_DEBUG, TVM_EV_FLOW, &bad[0],
				   sizeof(bad[0]), NULL };
	assert_int_equal(run_check(flows_fn, &p.df, evs, 6, 6, 6, &f), 5);
	assert_int_equal(f.nfail, 0);

	for (i = 0; i < 4; i++)
		evs[i] = (struct test_ev){ TVM_PCR_DATAFLOW, TVM_EV_FLOW,
					   &bad[i], sizeof(bad[i]), NULL };
	evs[4] = (struct test_ev){ TVM_PCR_DATAFLOW, TVM_EV_FLOW, &bad[0],
				   sizeof(bad[0]) - 1, NULL };
	assert_int_equal(run_check(flows_fn, &p.df, evs, 5, 5, 5, &f), 4);
	assert_int_equal(f.nfail, 5);
	assert_string_equal(f.fail[0], "dataflow mismatch: event 0: flow from the host to port 22 was measured; the policy's dataflow section would block it");
	assert_string_equal(f.fail[1], "dataflow mismatch: event 1: flow from 0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f to port 22 was blocked; the policy's dataflow section would measure or taint it");
	assert_string_equal(f.fail[2], "dataflow mismatch: event 2: flow from CID 9 to port 80 was tainting (delivered); the policy's dataflow section would block it");
	assert_string_equal(f.fail[3], "dataflow mismatch: event 3: flow from 0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f to port 22 has action 7, none tvm knows");
	assert_string_equal(f.fail[4], "dataflow mismatch: event 4: FLOW data is 103 bytes, not 104");
	/* Only the quoted prefix counts. */
	assert_int_equal(run_check(flows_fn, &p.df, evs, 5, 1, 5, &f), 1);
	assert_int_equal(f.nfail, 1);

	/* Without a section everything is measured: a block is a mismatch. */
	evs[0] = (struct test_ev){ TVM_PCR_DATAFLOW, TVM_EV_FLOW, &ok[0],
				   sizeof(ok[0]), NULL };
	evs[1] = (struct test_ev){ TVM_PCR_DATAFLOW, TVM_EV_FLOW, &ok[4],
				   sizeof(ok[4]), NULL };
	assert_int_equal(run_check(flows_fn, NULL, evs, 2, 2, 2, &f), 2);
	assert_int_equal(f.nfail, 1);
	assert_non_null(strstr(f.fail[0], "event 1: flow from CID 9 to port 80 was blocked; the policy's dataflow section would measure it"));
	policy_free(&p);
}

static struct tvm_ev_migration mig(uint32_t flags, uint8_t id, uint8_t src,
				   uint8_t dst)
{
	struct tvm_ev_migration m = { .magic = "TVMG",
				      .flags = htole32(flags) };

	memset(m.id, id, sizeof(m.id));
	memset(m.source, src, sizeof(m.source));
	memset(m.dest, dst, sizeof(m.dest));
	return m;
}

static const uint8_t host_a[32] = { [0 ... 31] = 0xaa };
static const uint8_t host_b[32] = { [0 ... 31] = 0xbb };

static unsigned int mig_fn(const struct qf_log *log, size_t count,
			   const void *arg, const struct attest_sink *sink)
{
	static struct attest_mig_step steps[ATTEST_MIG_MAX];

	return attest_check_migrations(log, count, arg, steps, sink);
}

#define MIG_EV(m)	{ TVM_PCR_MIGRATION, TVM_EV_MIGRATION, &(m), sizeof(m), NULL }

/* PCR 15 tells one story, and the VM is where the quoting AK is. */
static void test_migrations(void **state)
{
	struct tvm_ev_migration out = mig(TVM_EV_MIG_OUT, 1, 0xaa, 0xbb);
	struct tvm_ev_migration in = mig(TVM_EV_MIG_IN, 1, 0xaa, 0xbb);
	struct tvm_ev_migration commit = mig(TVM_EV_MIG_COMMIT, 1, 0xaa, 0xbb);
	struct tvm_ev_migration other_in = mig(TVM_EV_MIG_IN, 2, 0xaa, 0xbb);
	struct tvm_ev_migration over = mig(TVM_EV_MIG_OVERRIDE, 1, 0xaa, 0xbb);
	struct tvm_ev_migration two = mig(TVM_EV_MIG_OUT | TVM_EV_MIG_IN, 1,
					  0xaa, 0xbb);
	struct tvm_ev_migration back = mig(TVM_EV_MIG_OUT, 3, 0xaa, 0xcc);
	struct test_ev evs[4] = { MIG_EV(out), MIG_EV(in), MIG_EV(commit) };
	struct found f;

	(void)state;
	assert_int_equal(sizeof(struct tvm_ev_migration), 120);
	/* A to B, quoted on B: all well. */
	assert_int_equal(run_check(mig_fn, host_b, evs, 3, 3, 3, &f), 3);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 0);
	/* Quoted with A's AK: not where the log says. */
	assert_int_equal(run_check(mig_fn, host_a, evs, 3, 3, 3, &f), 3);
	assert_int_equal(f.nfail, 1);
	assert_string_equal(f.fail[0], "migration: the log says the VM moved to host bbbbbbbbbbbbbbbb..., but the quote is signed by host aaaaaaaaaaaaaaaa...");
	/* Imported, not committed yet: a note. */
	assert_int_equal(run_check(mig_fn, host_b, evs, 3, 2, 3, &f), 2);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 1);
	/* An IN of another migration than the OUT before it. */
	evs[1] = (struct test_ev)MIG_EV(other_in);
	run_check(mig_fn, host_b, evs, 3, 3, 3, &f);
	assert_true(f.nfail >= 1);
	assert_string_equal(f.fail[0], "migration: event 1 imports what no OUT event before it exported (another migration's)");
	/* From A again, where the VM no longer is. */
	evs[1] = (struct test_ev)MIG_EV(in);
	evs[3] = (struct test_ev)MIG_EV(back);
	run_check(mig_fn, NULL, evs, 4, 4, 4, &f);
	assert_int_equal(f.nfail, 1);
	assert_string_equal(f.fail[0], "migration: event 3 exports from host aaaaaaaaaaaaaaaa..., but the VM was on host bbbbbbbbbbbbbbbb...");
	/* The source's override: no failure, but a WARNING note. */
	evs[1] = (struct test_ev)MIG_EV(over);
	assert_int_equal(run_check(mig_fn, host_a, evs, 2, 2, 2, &f), 2);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 1);
	assert_string_equal(f.note[0], "WARNING: migration override at event 1: the administrator of host aaaaaaaaaaaaaaaa... resumed the VM without host bbbbbbbbbbbbbbbb...'s receipt; a copy of it may live there");
	/* Exported, nothing after: frozen or gone where quoted. */
	assert_int_equal(run_check(mig_fn, host_a, evs, 1, 1, 1, &f), 1);
	assert_int_equal(f.nfail, 0);
	assert_int_equal(f.nnote, 1);
	/* Two steps in one event, or the wrong size: not tvm's. */
	evs[0] = (struct test_ev)MIG_EV(two);
	run_check(mig_fn, NULL, evs, 1, 1, 1, &f);
	assert_int_equal(f.nfail, 1);
	evs[0] = (struct test_ev){ TVM_PCR_MIGRATION, TVM_EV_MIGRATION, &out,
				   sizeof(out) - 1, NULL };
	assert_int_equal(run_check(mig_fn, NULL, evs, 1, 1, 1, &f), 0);
	assert_int_equal(f.nfail, 1);
}

/* @msg signed with @key (P-256) as a TPM's TPMT_SIGNATURE: 72 bytes. */
static void ecdsa_tpmt(EVP_PKEY *key, const uint8_t *msg, size_t len,
		       uint8_t tpmt[QF_ECDSA_SIG_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const unsigned char *p;
	const BIGNUM *r, *s;
	unsigned char der[80];
	size_t der_len = sizeof(der);
	ECDSA_SIG *es;

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
					    key), 1);
	assert_int_equal(EVP_DigestSign(ctx, der, &der_len, msg, len), 1);
	EVP_MD_CTX_free(ctx);
	p = der;
	es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	assert_non_null(es);
	ECDSA_SIG_get0(es, &r, &s);
	memcpy(tpmt, "\x00\x18\x00\x0b\x00\x20", 6);
	assert_int_equal(BN_bn2binpad(r, tpmt + 6, 32), 32);
	tpmt[38] = 0;
	tpmt[39] = 32;
	assert_int_equal(BN_bn2binpad(s, tpmt + 40, 32), 32);
	ECDSA_SIG_free(es);
}

static void test_verify_tpmt_ecdsa(void **state)
{
	static const uint8_t msg[] = "a TPMS_ATTEST, say";
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	uint8_t point[65], tpmt[QF_ECDSA_SIG_SIZE], rsig[6 + 256];
	unsigned char *der1 = NULL, *der2 = NULL;
	size_t point_len = 0, rlen = 256;
	EVP_PKEY_CTX *pctx;
	EVP_MD_CTX *ctx;
	EVP_PKEY *pub;
	struct qf_sig qs;

	(void)state;
	assert_non_null(key);
	assert_non_null(rsa);
	assert_int_equal(EVP_PKEY_get_octet_string_param(key,
		OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &point_len), 1);
	assert_int_equal(point_len, 65);
	assert_int_equal(point[0], 4);

	/* The point alone gives back the key: the same DER SPKI. */
	pub = attest_ec_pub(point + 1, point + 33);
	assert_non_null(pub);
	assert_int_equal(i2d_PUBKEY(pub, &der1), i2d_PUBKEY(key, &der2));
	assert_memory_equal(der1, der2, (size_t)i2d_PUBKEY(pub, NULL));

	ecdsa_tpmt(key, msg, sizeof(msg), tpmt);
	assert_int_equal(qf_tpmt_parse(tpmt, sizeof(tpmt), &qs), 0);
	assert_int_equal(qs.alg, QF_ALG_ECDSA);
	assert_int_equal(qs.r_len, 32);
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg), tpmt,
					    sizeof(tpmt)), 1);
	/* The RSASSA-only parser keeps saying no to it. */
	{
		const uint8_t *s;
		size_t n;

		assert_int_equal(qf_sig_parse(tpmt, sizeof(tpmt), &s, &n),
				 -EBADMSG);
	}

	/* A flipped bit of the message, r or s; the RSA key; bad shapes. */
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg) - 1, tpmt,
					    sizeof(tpmt)), 0);
	tpmt[10] ^= 1;
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg), tpmt,
					    sizeof(tpmt)), 0);
	tpmt[10] ^= 1;
	tpmt[70] ^= 1;
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg), tpmt,
					    sizeof(tpmt)), 0);
	tpmt[70] ^= 1;
	assert_int_equal(attest_verify_tpmt(rsa, msg, sizeof(msg), tpmt,
					    sizeof(tpmt)), 0);
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg), tpmt,
					    sizeof(tpmt) - 1), 0);
	assert_int_equal(qf_tpmt_parse(tpmt, sizeof(tpmt) - 1, &qs), -EBADMSG);
	tpmt[3] = 0x04;				/* SHA-1 */
	assert_int_equal(qf_tpmt_parse(tpmt, sizeof(tpmt), &qs), -EOPNOTSUPP);
	tpmt[3] = 0x0b;
	tpmt[5] = 33;				/* r longer than a scalar */
	assert_int_equal(qf_tpmt_parse(tpmt, sizeof(tpmt), &qs), -EBADMSG);
	tpmt[5] = 32;
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg), tpmt,
					    sizeof(tpmt)), 1);

	/* RSASSA still verifies, and not with the EC key. */
	ctx = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL,
					    rsa), 1);
	assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx,
						      RSA_PKCS1_PADDING), 1);
	assert_int_equal(EVP_DigestSign(ctx, rsig + 6, &rlen, msg,
					sizeof(msg)), 1);
	EVP_MD_CTX_free(ctx);
	assert_int_equal(qf_sig_encode(rsig + 6, rlen, rsig), sizeof(rsig));
	assert_int_equal(attest_verify_tpmt(rsa, msg, sizeof(msg), rsig,
					    sizeof(rsig)), 1);
	assert_int_equal(attest_verify_tpmt(pub, msg, sizeof(msg), rsig,
					    sizeof(rsig)), 0);

	OPENSSL_free(der1);
	OPENSSL_free(der2);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_tpmt_ecdsa),
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_matching_passes),
		cmocka_unit_test(test_mismatch_fails),
		cmocka_unit_test(test_prefix_only),
		cmocka_unit_test(test_digest_not_of_data_fails),
		cmocka_unit_test(test_wrong_size_fails),
		cmocka_unit_test(test_unknown_range_is_note),
		cmocka_unit_test(test_kernel_events_pass),
		cmocka_unit_test(test_foreign_event_in_pcr_0_8_fails),
		cmocka_unit_test(test_vmm_exe_only_for_kvm),
		cmocka_unit_test(test_creation_events_are_fixed),
		cmocka_unit_test(test_edited_event_with_old_digests_fails),
		cmocka_unit_test(test_kernel_types_in_place),
		cmocka_unit_test(test_no_action_only_resets),
		cmocka_unit_test(test_launch_from_firmware_version),
		cmocka_unit_test(test_policy_digest_fixed),
		cmocka_unit_test(test_policy_id),
		cmocka_unit_test(test_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
