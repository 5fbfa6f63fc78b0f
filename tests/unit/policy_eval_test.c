// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/lib/policy_eval.c, the one policy evaluator of tvm.ko and
 * `tvmctl verify`: a table of policies (parsed from JSON, as tvmctl reads
 * them) and event logs, each event judged twice, as the kernel sees it
 * (a struct tvm_event, its digests through tvm_event_digest(), as
 * kernel/core/policy.c passes them) and as `tvmctl verify` sees it (the
 * same event through the binary log the kernel exports, parsed back by
 * qf_log_parse()).  Both must find what the table says, and walk a log to
 * the same verdict: the kernel stops trusting a VM at its first
 * mismatching event, verify at any, so the first mismatch must agree.
 * Then the final PCR values of levels 1-4 against a policy's "pcr" lists,
 * on PCRs replayed from the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "policy_eval.h"
#include "policy_json.h"
#include "quote_fmt.h"
#include "tvm_log.h"

#define SHA256	TVM_BANK_SHA256
#define SM3	TVM_BANK_SM3_256
#define B(b)	(1U << (b))
#define OK	TVM_POLICY_OK
#define UNL	TVM_POLICY_UNLISTED
#define NOB	TVM_POLICY_NO_BANK
#define BAD	TVM_POLICY_BAD_DIGEST

/*
 * One event: its digest in bank b is the byte fill[b] repeated (a test's
 * policy lists digests the same way: "$sha256:11" is sha256 with 0x11 in
 * every byte).  What the evaluator must find: @miss, and with
 * TVM_POLICY_BAD_DIGEST the bank, with a match by name the event's name.
 */
struct ev_case {
	u32 pcr;
	u32 type;
	const char *data;
	u8 fill[__TVM_BANK_MAX];
	enum tvm_policy_miss miss;
	unsigned int bank;
};

#define EXT	TVM_EV_EXTEND
#define F(s256, sm3)	{ [SHA256] = (s256), [SM3] = (sm3) }

static const char policy_a[] =
	"{\"version\": 1, \"selector\": {\"default\": true}, \"mode\": \"audit\","
	" \"levels\": {"
	"  \"vmm\": {\"events\": {\"qemu\": [\"$sha256:01\"]}},"
	"  \"os\": {\"events\": {"
	"    \"kernel\": [\"$sha256:11\", \"$sm3_256:12\"],"
	"    \"initrd\": [\"$sha256:21\", \"$sha256:22\"],"
	"    \"sm3only\": [\"$sm3_256:31\"]}},"
	"  \"software\": {\"events\": {\"app\": [\"$sha256:41\"]}}}}";

/* policy_a with a VM of sha256 and sm3_256. */
static const struct ev_case log_a[] = {
	{ 9, EXT, "kernel", F(0x11, 0x12), OK, 0 },
	{ 9, EXT, "initrd", F(0x22, 0x00), OK, 0 },
	{ 9, EXT, "initrd", F(0x21, 0x77), OK, 0 },
	{ 8, EXT, "qemu", F(0x01, 0x00), OK, 0 },
	/* tvm's own PCR 8 records are not the VMM's */
	{ TVM_PCR_VMM, TVM_EV_POLICY, "TVMP-not-a-vmm-event", F(0x99, 0x99), OK,
	  0 },
	{ TVM_PCR_VMM, TVM_EV_TVM_VERSION, "tvm", F(0x99, 0x99), OK, 0 },
	/* tvm_kvm's launch measurement of guest memory, in PCR 9 only */
	{ TVM_PCR_OS, TVM_EV_SLOT, "slot 0 of a KVM VM", F(0x99, 0x99), OK, 0 },
	/* levels without an allow-list, and PCRs no level has */
	{ 10, EXT, "anything", F(0x99, 0x99), OK, 0 },
	{ 12, EXT, "anything", F(0x99, 0x99), OK, 0 },
	{ 7, EXT, "rootkit", F(0x99, 0x99), OK, 0 },
	{ 13, EXT, "rootkit", F(0x99, 0x99), OK, 0 },
	{ 16, EXT, "rootkit", F(0x99, 0x99), OK, 0 },
	/* EV_NO_ACTION extends nothing */
	{ TVM_PCR_OS, TVM_EV_NO_ACTION, "rootkit", F(0x99, 0x99), OK, 0 },
	{ 11, EXT, "app", F(0x41, 0x41), OK, 0 },
};

static const struct ev_case bad_a[] = {
	{ 9, EXT, "kernel", F(0x11, 0x13), BAD, SM3 },
	{ 9, EXT, "kernel", F(0x10, 0x13), BAD, SHA256 },
	{ 9, EXT, "kernel", F(0x10, 0x12), BAD, SHA256 },
	{ 9, EXT, "initrd", F(0x23, 0x00), BAD, SHA256 },
	{ 9, EXT, "rootkit", F(0x11, 0x12), UNL, 0 },
	/* by name, all of it */
	{ 9, EXT, "kerne", F(0x11, 0x12), UNL, 0 },
	{ 9, EXT, "kernel2", F(0x11, 0x12), UNL, 0 },
	{ 9, EXT, "", F(0x11, 0x12), UNL, 0 },
	/* an event of another level does not count */
	{ 11, EXT, "kernel", F(0x11, 0x12), UNL, 0 },
	{ 9, EXT, "app", F(0x41, 0x41), UNL, 0 },
	{ 8, EXT, "seabios", F(0x01, 0x00), UNL, 0 },
	{ 8, EXT, "qemu", F(0x02, 0x00), BAD, SHA256 },
	{ 9, EXT, "sm3only", F(0x00, 0x32), BAD, SM3 },
	/* SLOT is exempt in PCR 9 only; in any other level it is judged */
	{ 11, TVM_EV_SLOT, "slot 0 of a KVM VM", F(0x41, 0x41), UNL, 0 },
	{ 8, TVM_EV_SLOT, "seabios", F(0x01, 0x00), UNL, 0 },
	/* and an event of another type in PCR 9 is not exempt */
	{ 9, TVM_EV_FILE, "slot 0 of a KVM VM", F(0x11, 0x12), UNL, 0 },
};

/* policy_a with a VM of sha256 only: the sm3_256 entries check nothing. */
static const struct ev_case log_a256[] = {
	{ 9, EXT, "kernel", F(0x11, 0x00), OK, 0 },
	{ 9, EXT, "sm3only", F(0x00, 0x31), NOB, 0 },
	{ 9, EXT, "kernel", F(0x12, 0x00), BAD, SHA256 },
};

/* "$<bank>:<byte>" in @tmpl becomes "<bank>:" and the byte's hex, repeated. */
static char *expand(const char *tmpl)
{
	size_t cap = strlen(tmpl) * 64 + 1, o = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	while (*tmpl) {
		const char *colon;
		unsigned int b, i;

		if (*tmpl != '$') {
			out[o++] = *tmpl++;
			continue;
		}
		colon = strchr(++tmpl, ':');
		assert_non_null(colon);
		for (b = 0; b < __TVM_BANK_MAX; b++)
			if (strlen(tvm_banks[b].name) == (size_t)(colon - tmpl) &&
			    !memcmp(tvm_banks[b].name, tmpl, colon - tmpl))
				break;
		assert_true(b < __TVM_BANK_MAX);
		o += sprintf(out + o, "%s:", tvm_banks[b].name);
		for (i = 0; i < tvm_banks[b].size; i++)
			o += sprintf(out + o, "%.2s", colon + 1);
		tmpl = colon + 3;
	}
	out[o] = '\0';
	return out;
}

static void parse_policy(const char *tmpl, struct policy *p)
{
	char err[POLICY_ERR_MAX], *json = expand(tmpl);

	if (policy_parse("policy.json", json, strlen(json), p, err,
			 sizeof(err)))
		fail_msg("%s", err);
	free(json);
}

/* @c as tvm.ko holds it (kernel/lib/tvm_log.h); free() it. */
static struct tvm_event *kernel_event(const struct ev_case *c, u32 banks)
{
	size_t dlen = strlen(c->data), off = 0;
	struct tvm_event *ev;
	unsigned int b;

	ev = calloc(1, sizeof(*ev) + tvm_banks_digest_size(banks) + dlen);
	assert_non_null(ev);
	ev->pcr = c->pcr;
	ev->type = c->type;
	ev->banks = banks;
	ev->data_len = (u32)dlen;
	for (b = 0; b < __TVM_BANK_MAX; b++) {
		if (!(banks & B(b)))
			continue;
		memset(ev->payload + off, c->fill[b], tvm_banks[b].size);
		off += tvm_banks[b].size;
	}
	memcpy(ev->payload + off, c->data, dlen);
	return ev;
}

/* What kernel/core/policy.c's tvm_policy_check_event() asks. */
static int kernel_judge(const struct policy *p, const struct tvm_event *ev,
			u32 banks, struct tvm_policy_finding *f)
{
	const u8 *digest[__TVM_BANK_MAX] = { NULL };
	unsigned int b;

	for (b = 0; b < __TVM_BANK_MAX; b++)
		if (banks & B(b))
			digest[b] = tvm_event_digest(ev, b);
	return tvm_policy_eval_event(p->levels, ev->pcr, ev->type,
				     tvm_event_data(ev), ev->data_len, banks,
				     digest, f);
}

/* What userspace/tvmctl/verify.c's check_policy() asks. */
static int verify_judge(const struct policy *p, const struct qf_log *log,
			size_t i, struct tvm_policy_finding *f)
{
	const struct qf_event *ev = &log->ev[i];

	return tvm_policy_eval_event(p->levels, ev->pcr, ev->type, ev->data,
				     ev->data_len, log->banks, ev->digest, f);
}

/* The binary log tvm.ko exports of @evs, as tvmctl verify parses it. */
static u8 *export_log(struct tvm_event **evs, size_t n, u32 banks,
		      struct qf_log *log)
{
	size_t len = tvm_log_specid_encode(banks, NULL), off;
	u8 *buf;

	for (size_t i = 0; i < n; i++)
		len += tvm_log_event_encode(evs[i], NULL);
	buf = malloc(len);
	assert_non_null(buf);
	off = tvm_log_specid_encode(banks, buf);
	for (size_t i = 0; i < n; i++)
		off += tvm_log_event_encode(evs[i], buf + off);
	assert_int_equal(off, len);
	memset(log, 0, sizeof(*log));
	assert_int_equal(qf_log_parse(buf, len, log), 0);
	assert_int_equal(log->n, n);
	assert_int_equal(log->banks, banks);
	return buf;
}

static void expect_finding(const struct ev_case *c, int ret,
			   const struct tvm_policy_finding *f, const char *who,
			   size_t i)
{
	if ((ret != 0) != (c->miss != OK) || f->miss != c->miss ||
	    (c->miss == BAD && f->bank != c->bank))
		fail_msg("%s, event %zu (pcr %u \"%s\"): ret %d miss %d bank %u,"
			 " want miss %d bank %u", who, i, c->pcr, c->data, ret,
			 f->miss, f->bank, c->miss, c->bank);
	if (c->miss == BAD || c->miss == NOB || (c->miss == OK && f->event))
		assert_non_null(f->event);
	if (f->event)
		assert_string_equal(f->event->name, c->data);
	if (c->miss == UNL)
		assert_null(f->event);
}

/*
 * Judge @cases (@n of them) as one log, both ways; return the index of
 * the first mismatch (@n: none), which both must agree on.  With
 * @all_pass, every event must pass whatever its case says.
 */
static size_t run_log_as(const char *tmpl, const struct ev_case *cases,
			 size_t n, u32 banks, bool all_pass)
{
	struct tvm_event **evs = calloc(n, sizeof(*evs));
	struct tvm_policy_finding kf, vf;
	size_t kernel_first = n, verify_first = n;
	struct qf_log log;
	struct policy p;
	u8 *buf;
	int kr, vr;

	assert_non_null(evs);
	parse_policy(tmpl, &p);
	for (size_t i = 0; i < n; i++)
		evs[i] = kernel_event(&cases[i], banks);
	buf = export_log(evs, n, banks, &log);
	for (size_t i = 0; i < n; i++) {
		struct ev_case want = cases[i];

		if (all_pass)
			want.miss = OK;
		kr = kernel_judge(&p, evs[i], banks, &kf);
		vr = verify_judge(&p, &log, i, &vf);
		expect_finding(&want, kr, &kf, "kernel", i);
		expect_finding(&want, vr, &vf, "verify", i);
		assert_int_equal(kf.miss, vf.miss);
		assert_int_equal(kf.bank, vf.bank);
		if (kr && kernel_first == n)
			kernel_first = i;
		if (vr && verify_first == n)
			verify_first = i;
	}
	assert_int_equal(kernel_first, verify_first);
	qf_log_free(&log);
	free(buf);
	for (size_t i = 0; i < n; i++)
		free(evs[i]);
	free(evs);
	policy_free(&p);
	return kernel_first;
}

static size_t run_log(const char *tmpl, const struct ev_case *cases,
		      size_t n, u32 banks)
{
	return run_log_as(tmpl, cases, n, banks, false);
}

static void test_events_that_match(void **state)
{
	(void)state;
	assert_int_equal(run_log(policy_a, log_a, ARRAY_SIZE(log_a),
				 B(SHA256) | B(SM3)), ARRAY_SIZE(log_a));
}

static void test_events_that_do_not(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_a); i++)
		assert_int_equal(run_log(policy_a, &bad_a[i], 1,
					 B(SHA256) | B(SM3)), 0);
}

/* A mismatch among matching events: the verdict turns where it is. */
static void test_first_mismatch_in_a_log(void **state)
{
	struct ev_case mixed[ARRAY_SIZE(log_a) + 2];

	(void)state;
	memcpy(mixed, log_a, 3 * sizeof(log_a[0]));
	mixed[3] = bad_a[4];
	memcpy(&mixed[4], &log_a[3], (ARRAY_SIZE(log_a) - 3) * sizeof(log_a[0]));
	mixed[ARRAY_SIZE(mixed) - 1] = bad_a[0];
	assert_int_equal(run_log(policy_a, mixed, ARRAY_SIZE(mixed),
				 B(SHA256) | B(SM3)), 3);
}

static void test_banks_the_vm_lacks(void **state)
{
	(void)state;
	assert_int_equal(run_log(policy_a, log_a256, 1, B(SHA256)), 1);
	assert_int_equal(run_log(policy_a, &log_a256[1], 1, B(SHA256)), 0);
	assert_int_equal(run_log(policy_a, &log_a256[2], 1, B(SHA256)), 0);
}

static void test_no_allow_list_no_check(void **state)
{
	static const char none[] =
		"{\"version\": 1, \"selector\": {\"name\": \"vm\"},"
		" \"mode\": \"enforce\"}";
	struct policy p;

	(void)state;
	assert_int_equal(run_log_as(none, bad_a, ARRAY_SIZE(bad_a),
				    B(SHA256) | B(SM3), true), ARRAY_SIZE(bad_a));
	parse_policy(none, &p);
	assert_false(tvm_policy_eval_has_references(p.levels));
	policy_free(&p);
	parse_policy(policy_a, &p);
	assert_true(tvm_policy_eval_has_references(p.levels));
	policy_free(&p);
}

/*
 * Final PCR values: a log replayed (as verify does; the kernel's PCRs are
 * the same extends), against the "pcr" list of a level.
 */
struct pcr_case {
	const char *what;
	u32 banks;
	unsigned int pcr;
	/* the level's list: bank, and the replayed value or a wrong one */
	unsigned int n;
	struct { unsigned int bank; bool right; } v[3];
	enum tvm_policy_miss miss;
	unsigned int bank;
};

static const struct pcr_case pcr_cases[] = {
	{ "the value", B(SHA256), 9, 1, { { SHA256, true } }, OK, 0 },
	{ "another value", B(SHA256), 9, 1, { { SHA256, false } }, BAD, SHA256 },
	{ "one of two", B(SHA256), 9, 2,
	  { { SHA256, false }, { SHA256, true } }, OK, 0 },
	{ "both banks", B(SHA256) | B(SM3), 10, 2,
	  { { SHA256, true }, { SM3, true } }, OK, 0 },
	{ "one bank wrong", B(SHA256) | B(SM3), 10, 2,
	  { { SHA256, true }, { SM3, false } }, BAD, SM3 },
	{ "the lowest wrong bank", B(SHA256) | B(SM3), 12, 2,
	  { { SM3, false }, { SHA256, false } }, BAD, SHA256 },
	{ "a bank the VM lacks", B(SHA256), 11, 1, { { SM3, true } }, NOB, 0 },
	{ "only the VM's banks", B(SHA256), 11, 2,
	  { { SM3, false }, { SHA256, true } }, OK, 0 },
	{ "not a level's PCR", B(SHA256), TVM_PCR_RUNTIME, 1, { { SHA256,
								  false } }, OK, 0 },
	{ "not a level's PCR", B(SHA256), TVM_PCR_VMM, 1, { { SHA256, false } },
	  OK, 0 },
};

static void test_pcr_values(void **state)
{
	static const struct ev_case evs[] = {
		{ 9, EXT, "kernel", F(0x11, 0x12), OK, 0 },
		{ 10, EXT, "driver", F(0x51, 0x52), OK, 0 },
		{ 11, EXT, "app", F(0x41, 0x42), OK, 0 },
		{ 12, EXT, "config", F(0x61, 0x62), OK, 0 },
		{ 8, EXT, "qemu", F(0x01, 0x02), OK, 0 },
		{ 13, EXT, "range", F(0x71, 0x72), OK, 0 },
	};
	u8 pcrs[__TVM_BANK_MAX][TVM_NUM_PCRS][TVM_DIGEST_MAX];
	struct tvm_policy_level levels[TVM_POLICY_LEVELS + 1];
	struct tvm_event *kev[ARRAY_SIZE(evs)];
	const struct pcr_case *c;
	struct tvm_policy_finding f;
	struct qf_log log;
	unsigned int b, k, lv;
	u8 *buf;
	int ret;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pcr_cases); i++) {
		c = &pcr_cases[i];
		for (size_t j = 0; j < ARRAY_SIZE(evs); j++)
			kev[j] = kernel_event(&evs[j], c->banks);
		buf = export_log(kev, ARRAY_SIZE(evs), c->banks, &log);
		memset(pcrs, 0, sizeof(pcrs));
		for (b = 0; b < __TVM_BANK_MAX; b++)
			if (c->banks & B(b))
				assert_int_equal(qf_log_replay(&log, log.n, b,
							       pcrs[b]), 0);
		memset(levels, 0, sizeof(levels));
		lv = c->pcr >= TVM_PCR_OS && c->pcr <= TVM_PCR_CONFIG ?
		     c->pcr - TVM_PCR_VMM : 1;
		levels[lv].present = true;
		levels[lv].npcr = c->n;
		for (k = 0; k < c->n; k++) {
			b = c->v[k].bank;
			levels[lv].pcr[k].bank = (u8)b;
			if (c->v[k].right && (c->banks & B(b)))
				memcpy(levels[lv].pcr[k].value,
				       pcrs[b][c->pcr], tvm_banks[b].size);
			else
				memset(levels[lv].pcr[k].value, 0xee,
				       tvm_banks[b].size);
		}
		ret = tvm_policy_eval_pcr(levels, c->pcr, c->banks, pcrs, &f);
		if ((ret != 0) != (c->miss != OK) || f.miss != c->miss ||
		    (c->miss == BAD && f.bank != c->bank))
			fail_msg("%s (pcr %u): ret %d miss %d bank %u", c->what,
				 c->pcr, ret, f.miss, f.bank);
		assert_null(f.event);
		assert_true(tvm_policy_eval_has_references(levels));
		qf_log_free(&log);
		free(buf);
		for (size_t j = 0; j < ARRAY_SIZE(evs); j++)
			free(kev[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_that_match),
		cmocka_unit_test(test_events_that_do_not),
		cmocka_unit_test(test_first_mismatch_in_a_log),
		cmocka_unit_test(test_banks_the_vm_lacks),
		cmocka_unit_test(test_no_allow_list_no_check),
		cmocka_unit_test(test_pcr_values),
	};

	return cmocka_run_group_tests_name("policy_eval", tests, NULL, NULL);
}
