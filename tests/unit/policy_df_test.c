// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/lib/policy_df.c, the one dataflow judge of tvm.ko (per packet,
 * tvm_vm_dataflow()) and tvmctl: sections read from policy files as
 * tvmctl reads them, and senders, each judged for a port; what the table
 * says must come out: the action, whether a rule lists the sender, which
 * rule, and why.  Then the integrity level a matching launch gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy_df.h"
#include "policy_json.h"

#define SEL	"\"version\": 1, \"selector\": {\"name\": \"rx\"}"
#define UUID_B	"0b1e8f6e-3c2a-4d5b-9e7f-1a2b3c4d5e6f"

static const uint8_t uuid_b[TVM_UUID_SIZE] = {
	0x0b, 0x1e, 0x8f, 0x6e, 0x3c, 0x2a, 0x4d, 0x5b,
	0x9e, 0x7f, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f,
};
static const uint8_t uuid_x[TVM_UUID_SIZE] = { 0x77 };

/* The senders of the table. */
static const struct tvm_df_sender host = { .host = true };
#define VM(n, u, t, l) \
	((const struct tvm_df_sender){ .name = (n), .uuid = (u), \
				       .trust = (t), .level = (l) })
#define T	TVM_TRUST_TRUSTED
#define U	TVM_TRUST_UNTRUSTED
#define P	TVM_TRUST_PENDING
#define K	TVM_TRUST_UNKNOWN

#define M	TVM_DF_MEASURE
#define X	TVM_DF_TAINT
#define B	TVM_DF_BLOCK

struct judge_case {
	const char *what;
	struct tvm_df_sender s;
	uint32_t port;
	uint32_t action;
	bool listed;
	int rule;
	enum tvm_df_why why;
};

/*
 * web-1 may send anything on port 22 and 1000-2000 if trusted at level 2,
 * else it taints; web-2 (by UUID) on any port if at least unknown, else
 * measured only; the host on 80 only; anyone on 9999 if trusted, else
 * blocked; the rest gets the default, measure.
 */
static const char section[] =
	"{" SEL ", \"dataflow\": {\"default\": \"measure\", \"rules\": ["
	" {\"from\": \"web-1\", \"ports\": [22, \"1000-2000\"],"
	"  \"min_trust\": \"trusted\", \"min_level\": 2, \"action\": \"taint\"},"
	" {\"from\": \"" UUID_B "\", \"min_trust\": \"unknown\", \"action\": \"measure\"},"
	" {\"from\": \"host\", \"ports\": [80]},"
	" {\"from\": \"web-1\", \"ports\": [\"3000-3000\"], \"action\": \"block\"},"
	" {\"from\": \"any\", \"ports\": [9999], \"min_trust\": \"trusted\"}]}}";

static const struct judge_case cases[] = {
	{ "web-1 trusted at 2 on 22", VM("web-1", uuid_x, T, 2), 22,
	  M, true, 0, TVM_DF_WHY_MET },
	{ "web-1 trusted at 4 on 2000", VM("web-1", uuid_x, T, 4), 2000,
	  M, true, 0, TVM_DF_WHY_MET },
	{ "web-1 trusted at 1: level", VM("web-1", uuid_x, T, 1), 1000,
	  X, true, 0, TVM_DF_WHY_LEVEL },
	{ "web-1 untrusted: trust first", VM("web-1", uuid_x, U, 4), 22,
	  X, true, 0, TVM_DF_WHY_TRUST },
	{ "web-1 unknown", VM("web-1", uuid_x, K, 0), 22,
	  X, true, 0, TVM_DF_WHY_TRUST },
	/* The level counts only while trusted (the core passes 0 else). */
	{ "web-1 on 2001: no rule", VM("web-1", uuid_x, T, 4), 2001,
	  M, false, -1, TVM_DF_WHY_NO_RULE },
	{ "web-1 on 999: no rule", VM("web-1", uuid_x, T, 4), 999,
	  M, false, -1, TVM_DF_WHY_NO_RULE },
	/* Rule 3 has no minimums: met whatever the trust. */
	{ "web-1 untrusted on 3000", VM("web-1", uuid_x, U, 0), 3000,
	  M, true, 3, TVM_DF_WHY_MET },
	/* By UUID, on every port; the name is not what matches. */
	{ "web-2 unknown", VM("web-2", uuid_b, K, 0), 7,
	  M, true, 1, TVM_DF_WHY_MET },
	{ "web-2 trusted", VM("web-2", uuid_b, T, 0), 4294967295u,
	  M, true, 1, TVM_DF_WHY_MET },
	{ "web-2 pending", VM("web-2", uuid_b, P, 0), 7,
	  M, true, 1, TVM_DF_WHY_TRUST },
	{ "web-1 named, with web-2's UUID", VM("web-1", uuid_b, U, 0), 22,
	  X, true, 0, TVM_DF_WHY_TRUST },
	/* The host: on 80 by its rule, meeting everything; on 9999 by any. */
	{ "host on 80", host, 80, M, true, 2, TVM_DF_WHY_MET },
	{ "host on 9999", host, 9999, M, true, 4, TVM_DF_WHY_MET },
	{ "host on 22", host, 22, M, false, -1, TVM_DF_WHY_NO_RULE },
	{ "a VM named host is not the host", VM("host", uuid_x, T, 4), 80,
	  M, false, -1, TVM_DF_WHY_NO_RULE },
	/* any: every sender, judged by its minimums. */
	{ "other trusted on 9999", VM("db", uuid_x, T, 0), 9999,
	  M, true, 4, TVM_DF_WHY_MET },
	{ "other unknown on 9999", VM("db", uuid_x, K, 0), 9999,
	  B, true, 4, TVM_DF_WHY_TRUST },
	{ "other on 9998", VM("db", uuid_x, T, 4), 9998,
	  M, false, -1, TVM_DF_WHY_NO_RULE },
	/*
	 * A guest whose CID no VM holds: no name, UUID or trust.  Only "any"
	 * names it, and it meets only a rule that asks for nothing.
	 */
	{ "unbound on 9999", VM(NULL, NULL, 0, 0), 9999,
	  B, true, 4, TVM_DF_WHY_TRUST },
	{ "unbound on 22", VM(NULL, NULL, 0, 0), 22,
	  M, false, -1, TVM_DF_WHY_NO_RULE },
	{ "unbound on 80", VM(NULL, NULL, 0, 0), 80,
	  M, false, -1, TVM_DF_WHY_NO_RULE },
};

static void test_judge(void **state)
{
	char err[POLICY_ERR_MAX];
	struct tvm_df_finding f;
	struct policy p;

	(void)state;
	assert_int_equal(policy_parse("df.json", section, strlen(section), &p,
				      err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct judge_case *c = &cases[i];

		tvm_df_judge(&p.df, &c->s, c->port, &f);
		if (f.action != c->action || f.listed != c->listed ||
		    f.rule != c->rule || f.why != c->why)
			fail_msg("%s: action %u listed %d rule %d why %d; want %u %d %d %d",
				 c->what, f.action, f.listed, f.rule, f.why,
				 c->action, c->listed, c->rule, c->why);
	}
	policy_free(&p);
}

/* The section's default, block unless it says otherwise; no section. */
static void test_defaults(void **state)
{
	static const char block[] = "{" SEL ", \"dataflow\": {}}";
	static const char taint[] =
		"{" SEL ", \"dataflow\": {\"default\": \"taint\", \"rules\": "
		"[{\"from\": \"a\"}]}}";
	static const char none[] = "{" SEL "}";
	const struct tvm_df_sender s = VM("b", uuid_x, T, 4);
	char err[POLICY_ERR_MAX];
	struct tvm_df_finding f;
	struct policy p;

	(void)state;
	assert_int_equal(policy_parse("df.json", block, strlen(block), &p, err,
				      sizeof(err)), 0);
	tvm_df_judge(&p.df, &host, 1, &f);
	assert_int_equal(f.action, B);
	assert_false(f.listed);
	assert_int_equal(f.why, TVM_DF_WHY_NO_RULE);
	policy_free(&p);

	assert_int_equal(policy_parse("df.json", taint, strlen(taint), &p, err,
				      sizeof(err)), 0);
	tvm_df_judge(&p.df, &s, 1, &f);
	assert_int_equal(f.action, X);
	assert_false(f.listed);
	/* A rule without minimums or ports lists its sender on every port. */
	tvm_df_judge(&p.df, &VM("a", uuid_x, U, 0), 0, &f);
	assert_int_equal(f.action, M);
	assert_true(f.listed);
	assert_int_equal(f.rule, 0);
	policy_free(&p);

	/* No section, or none given: measure, nothing listed. */
	assert_int_equal(policy_parse("df.json", none, strlen(none), &p, err,
				      sizeof(err)), 0);
	assert_false(p.df.present);
	tvm_df_judge(&p.df, &s, 1, &f);
	assert_int_equal(f.action, M);
	assert_false(f.listed);
	assert_int_equal(f.why, TVM_DF_WHY_NO_SECTION);
	tvm_df_judge(NULL, &host, 1, &f);
	assert_int_equal(f.action, M);
	assert_int_equal(f.why, TVM_DF_WHY_NO_SECTION);
	policy_free(&p);
}

/* untrusted < pending < unknown < trusted; anything else lowest. */
static void test_trust_order(void **state)
{
	(void)state;
	assert_true(tvm_df_trust_rank(U) < tvm_df_trust_rank(P));
	assert_true(tvm_df_trust_rank(P) < tvm_df_trust_rank(K));
	assert_true(tvm_df_trust_rank(K) < tvm_df_trust_rank(T));
	assert_int_equal(tvm_df_trust_rank(TVM_TRUST_UNSPEC), 0);
	assert_int_equal(tvm_df_trust_rank(99), 0);
}

/*
 * The integrity level of a matching launch: consecutive levels from os
 * up with events or PCR values; vmm (level 0) does not count, and a gap
 * stops the count.
 */
static void test_level(void **state)
{
	static const struct {
		const char *levels;
		unsigned int level;
	} t[] = {
		{ "\"vmm\": {\"events\": {\"q\": [\"sha256:" "1111111111111111111111111111111111111111111111111111111111111111\"]}}", 0 },
		{ "\"os\": {\"events\": {\"k\": [\"sha256:" "1111111111111111111111111111111111111111111111111111111111111111\"]}}", 1 },
		{ "\"os\": {\"pcr\": [\"sha256:" "1111111111111111111111111111111111111111111111111111111111111111\"]},"
		  " \"drivers\": {\"pcr\": [\"sha256:" "2222222222222222222222222222222222222222222222222222222222222222\"]}", 2 },
		{ "\"os\": {\"pcr\": [\"sha256:" "1111111111111111111111111111111111111111111111111111111111111111\"]},"
		  " \"software\": {\"pcr\": [\"sha256:" "2222222222222222222222222222222222222222222222222222222222222222\"]}", 1 },
		{ "\"os\": {\"pcr\": [\"sha256:" "1111111111111111111111111111111111111111111111111111111111111111\"]},"
		  " \"drivers\": {\"pcr\": [\"sha256:" "2222222222222222222222222222222222222222222222222222222222222222\"]},"
		  " \"software\": {\"pcr\": [\"sha256:" "3333333333333333333333333333333333333333333333333333333333333333\"]},"
		  " \"config\": {\"pcr\": [\"sha256:" "4444444444444444444444444444444444444444444444444444444444444444\"]}", 4 },
	};
	char json[1024], err[POLICY_ERR_MAX];
	struct policy p;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(json, sizeof(json), "{" SEL ", \"levels\": {%s}}",
			 t[i].levels);
		assert_int_equal(policy_parse("l.json", json, strlen(json), &p,
					      err, sizeof(err)), 0);
		assert_int_equal(tvm_df_level(p.levels), t[i].level);
		policy_free(&p);
	}
}

/*
 * What a verifier can say of a logged flow, knowing the sender's UUID (or
 * that it was the host, or neither) but not its name, trust or level.
 */
static void test_possible(void **state)
{
	static const struct {
		const char *what;
		struct tvm_df_sender s;
		uint32_t port;
		uint32_t mask;
	} t[] = {
		/* web-1 by name: perhaps; then on: rule 4 on 9999, default. */
		{ "a VM on 22: perhaps web-1", VM(NULL, uuid_x, T, 0), 22,
		  1u << M | 1u << X },
		{ "a VM on 9999: perhaps any", VM(NULL, uuid_x, T, 0), 9999,
		  1u << M | 1u << B },
		{ "a VM on 3000: perhaps web-1's rule 3, else default", VM(NULL, uuid_x, T, 0),
		  3000, 1u << M },
		{ "a VM on 7: the default", VM(NULL, uuid_x, T, 0), 7, 1u << M },
		/* By UUID, sure: rule 1, measure or its action measure. */
		{ "web-2 by UUID on 22", VM(NULL, uuid_b, T, 0), 22,
		  1u << M | 1u << X },
		{ "web-2 by UUID on 5", VM(NULL, uuid_b, T, 0), 5, 1u << M },
		/* The host meets everything. */
		{ "host on 80", host, 80, 1u << M },
		{ "host on 9999", host, 9999, 1u << M },
		{ "host on 22: default", host, 22, 1u << M },
		/* Unbound: any on 9999 asks trusted: blocked, surely. */
		{ "unbound on 9999", VM(NULL, NULL, 0, 0), 9999, 1u << B },
		{ "unbound on 22", VM(NULL, NULL, 0, 0), 22, 1u << M },
	};
	static const char strict[] =
		"{" SEL ", \"dataflow\": {\"rules\": [{\"from\": \"web-1\", \"ports\": [22],"
		" \"min_level\": 3}]}}";
	char err[POLICY_ERR_MAX];
	struct policy p;
	uint32_t got;

	(void)state;
	assert_int_equal(policy_parse("df.json", section, strlen(section), &p,
				      err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = tvm_df_possible(&p.df, &t[i].s, t[i].port);
		if (got != t[i].mask)
			fail_msg("%s: %#x, want %#x", t[i].what, got, t[i].mask);
	}
	policy_free(&p);

	/* Default block: a VM perhaps web-1, else blocked; the host blocked. */
	assert_int_equal(policy_parse("df.json", strict, strlen(strict), &p,
				      err, sizeof(err)), 0);
	assert_int_equal(tvm_df_possible(&p.df, &VM(NULL, uuid_x, T, 0), 22),
			 1u << M | 1u << B);
	assert_int_equal(tvm_df_possible(&p.df, &host, 22), 1u << B);
	assert_int_equal(tvm_df_possible(&p.df, &VM(NULL, uuid_x, T, 0), 23),
			 1u << B);
	policy_free(&p);
	/* No section: measure only. */
	assert_int_equal(tvm_df_possible(NULL, &host, 22), 1u << M);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_trust_order),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_possible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
