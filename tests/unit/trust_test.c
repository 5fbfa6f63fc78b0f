// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/lib/trust.c: every (state, event) pair of the trust-state
 * machine, one case each, against the table in Documentation/policy.rst
 * written out again here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "trust.h"

struct trust_case {
	enum tvm_trust from;
	enum tvm_trust_event ev;
	int to;			/* a state, or -EALREADY */
};

#define P TVM_TRUST_PENDING
#define T TVM_TRUST_TRUSTED
#define U TVM_TRUST_UNTRUSTED
#define K TVM_TRUST_UNKNOWN

static const struct trust_case cases[] = {
	{ P, TVM_TE_LAUNCH_MATCH, T },
	{ P, TVM_TE_LAUNCH_MISMATCH, U },
	{ P, TVM_TE_LAUNCH_NOREF, K },
	{ P, TVM_TE_MISMATCH, P },
	{ P, TVM_TE_LOG_FULL, P },

	{ T, TVM_TE_LAUNCH_MATCH, -EALREADY },
	{ T, TVM_TE_LAUNCH_MISMATCH, -EALREADY },
	{ T, TVM_TE_LAUNCH_NOREF, -EALREADY },
	{ T, TVM_TE_MISMATCH, U },
	{ T, TVM_TE_LOG_FULL, U },

	{ U, TVM_TE_LAUNCH_MATCH, -EALREADY },
	{ U, TVM_TE_LAUNCH_MISMATCH, -EALREADY },
	{ U, TVM_TE_LAUNCH_NOREF, -EALREADY },
	{ U, TVM_TE_MISMATCH, U },
	{ U, TVM_TE_LOG_FULL, U },

	{ K, TVM_TE_LAUNCH_MATCH, -EALREADY },
	{ K, TVM_TE_LAUNCH_MISMATCH, -EALREADY },
	{ K, TVM_TE_LAUNCH_NOREF, -EALREADY },
	{ K, TVM_TE_MISMATCH, U },
	{ K, TVM_TE_LOG_FULL, U },
};

static void test_every_pair(void **state)
{
	unsigned int seen[__TVM_TRUST_MAX][__TVM_TE_MAX] = { { 0 } };
	size_t i;
	int s, e;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct trust_case *c = &cases[i];

		print_message("%s + %s -> %s\n", tvm_trust_names[c->from],
			      tvm_trust_event_names[c->ev],
			      c->to < 0 ? "EALREADY" : tvm_trust_names[c->to]);
		assert_int_equal(tvm_trust_next(c->from, c->ev), c->to);
		seen[c->from][c->ev]++;
	}
	/* The cases above are every pair, each exactly once. */
	for (s = TVM_TRUST_PENDING; s < __TVM_TRUST_MAX; s++)
		for (e = 0; e < __TVM_TE_MAX; e++)
			assert_int_equal(seen[s][e], 1);
}

static void test_untrusted_is_final(void **state)
{
	int e;

	(void)state;
	for (e = 0; e < __TVM_TE_MAX; e++) {
		int to = tvm_trust_next(U, e);

		assert_true(to == U || to == -EALREADY);
	}
}

static void test_invalid_input(void **state)
{
	(void)state;
	assert_int_equal(tvm_trust_next(TVM_TRUST_UNSPEC, TVM_TE_MISMATCH),
			 -EINVAL);
	assert_int_equal(tvm_trust_next(__TVM_TRUST_MAX, TVM_TE_MISMATCH),
			 -EINVAL);
	assert_int_equal(tvm_trust_next(P, __TVM_TE_MAX), -EINVAL);
	assert_int_equal(tvm_trust_next((enum tvm_trust)-1, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_untrusted_is_final),
		cmocka_unit_test(test_invalid_input),
	};

	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
