// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/lib/mig_lts.c: tvm_mig_step() over every row of the generated
 * table (kernel/lib/mig_table.h, from Documentation/migration.rst), the
 * table's shape (every (state, action) pair of a side exactly once, no
 * pair of the other side), and the rules the protocol's safety rests on,
 * written out again here so that a table that drops one fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mig_lts.h"
#include "mig_table.h"

static bool source_state(int s)
{
	return s >= TVM_MIG_S_NONE && s <= TVM_MIG_S_RESUMED;
}

static bool dest_state(int s)
{
	return s >= TVM_MIG_D_NONE && s <= TVM_MIG_D_ABORTED;
}

static bool source_action(int a)
{
	switch (a) {
	case TVM_MA_EXPORT:
	case TVM_MA_COMMIT_RCPT:
	case TVM_MA_ABORT_RCPT:
	case TVM_MA_OVERRIDE:
	case TVM_MA_RUN:
	case TVM_MA_EXTEND:
		return true;
	}
	return false;
}

static bool dest_action(int a)
{
	switch (a) {
	case TVM_MA_PREPARE:
	case TVM_MA_IMPORT:
	case TVM_MA_BIND:
	case TVM_MA_COMMIT:
	case TVM_MA_ABORT:
	case TVM_MA_EXPIRE:
	case TVM_MA_RUN:
	case TVM_MA_EXTEND:
		return true;
	}
	return false;
}

/* The results the document allows: 0, "-", and the table's errnos. */
static bool known_result(int r)
{
	switch (r) {
	case 0:
	case TVM_MIG_NA:
	case -ENOENT:
	case -ESTALE:
	case -EALREADY:
	case -EBUSY:
	case -EACCES:
		return true;
	}
	return false;
}

/* Every row, looked up: its result, and its next state only on success. */
static void test_every_row(void **state)
{
	size_t i;

	(void)state;
	assert_true(ARRAY_SIZE(tvm_mig_table) > 0);
	for (i = 0; i < ARRAY_SIZE(tvm_mig_table); i++) {
		const struct tvm_mig_rule *r = &tvm_mig_table[i];
		enum tvm_mig_state next = __TVM_MIG_STATE_MAX;
		int ret;

		ret = tvm_mig_step(r->state, r->action, &next);
		print_message("# %s %s: %d\n", tvm_mig_state_names[r->state],
			      tvm_mig_action_names[r->action], ret);
		assert_int_equal(ret, r->result);
		assert_true(known_result(ret));
		if (ret == 0)
			assert_int_equal(next, r->next);
		else
			assert_int_equal(next, __TVM_MIG_STATE_MAX);
		/* A failed or impossible action changes nothing. */
		if (ret != 0)
			assert_int_equal(r->next, r->state);
		/* A record stays on its side. */
		assert_int_equal(source_state(r->state),
				 source_state(r->next));
	}
}

/*
 * Each side's states meet each of that side's actions exactly once, and
 * never another side's action.
 */
static void test_every_pair_once(void **state)
{
	unsigned int seen[__TVM_MIG_STATE_MAX][__TVM_MA_MAX] = { { 0 } };
	size_t i;
	int s, a;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(tvm_mig_table); i++) {
		const struct tvm_mig_rule *r = &tvm_mig_table[i];

		assert_in_range(r->state, 0, __TVM_MIG_STATE_MAX - 1);
		assert_in_range(r->action, 0, __TVM_MA_MAX - 1);
		seen[r->state][r->action]++;
	}
	for (s = 0; s < __TVM_MIG_STATE_MAX; s++) {
		for (a = 0; a < __TVM_MA_MAX; a++) {
			unsigned int want;

			if (source_state(s))
				want = source_action(a);
			else
				want = dest_state(s) && dest_action(a);
			if (seen[s][a] != want)
				print_error("(%s, %s): %u rows, want %u\n",
					    tvm_mig_state_names[s],
					    tvm_mig_action_names[a],
					    seen[s][a], want);
			assert_int_equal(seen[s][a], want);
		}
	}
	/* 4 source states x 6 actions, 5 destination states x 8. */
	assert_int_equal(ARRAY_SIZE(tvm_mig_table), 4 * 6 + 5 * 8);
}

struct rule {
	enum tvm_mig_state from;
	enum tvm_mig_action act;
	enum tvm_mig_state to;
	int result;
};

/*
 * What one live copy, no replay and the exclusive receipts rest on,
 * written out again: the model (tests/model/) proves them sufficient.
 */
static const struct rule rules[] = {
	/* A frozen or gone source neither runs nor extends. */
	{ TVM_MIG_S_FROZEN, TVM_MA_RUN, TVM_MIG_S_FROZEN, -EACCES },
	{ TVM_MIG_S_FROZEN, TVM_MA_EXTEND, TVM_MIG_S_FROZEN, -EBUSY },
	{ TVM_MIG_S_GONE, TVM_MA_RUN, TVM_MIG_S_GONE, -EACCES },
	{ TVM_MIG_S_GONE, TVM_MA_EXTEND, TVM_MIG_S_GONE, -ESTALE },
	/* Only receipts (or the override) end the freeze. */
	{ TVM_MIG_S_FROZEN, TVM_MA_COMMIT_RCPT, TVM_MIG_S_GONE, 0 },
	{ TVM_MIG_S_FROZEN, TVM_MA_ABORT_RCPT, TVM_MIG_S_RESUMED, 0 },
	{ TVM_MIG_S_FROZEN, TVM_MA_OVERRIDE, TVM_MIG_S_RESUMED, 0 },
	/* Gone is for good; the receipts exclude each other. */
	{ TVM_MIG_S_GONE, TVM_MA_ABORT_RCPT, TVM_MIG_S_GONE, -ESTALE },
	{ TVM_MIG_S_GONE, TVM_MA_OVERRIDE, TVM_MIG_S_GONE, -ESTALE },
	{ TVM_MIG_S_RESUMED, TVM_MA_COMMIT_RCPT, TVM_MIG_S_RESUMED, -ESTALE },
	{ TVM_MIG_D_ACTIVE, TVM_MA_ABORT, TVM_MIG_D_ACTIVE, -EBUSY },
	{ TVM_MIG_D_ABORTED, TVM_MA_COMMIT, TVM_MIG_D_ABORTED, -ESTALE },
	/* A blob is taken once. */
	{ TVM_MIG_S_FROZEN, TVM_MA_EXPORT, TVM_MIG_S_FROZEN, -ESTALE },
	{ TVM_MIG_S_RESUMED, TVM_MA_EXPORT, TVM_MIG_S_RESUMED, -ESTALE },
	{ TVM_MIG_D_IMPORTED, TVM_MA_IMPORT, TVM_MIG_D_IMPORTED, -ESTALE },
	{ TVM_MIG_D_ACTIVE, TVM_MA_IMPORT, TVM_MIG_D_ACTIVE, -ESTALE },
	{ TVM_MIG_D_ABORTED, TVM_MA_IMPORT, TVM_MIG_D_ABORTED, -ESTALE },
	{ TVM_MIG_D_NONE, TVM_MA_IMPORT, TVM_MIG_D_NONE, -ENOENT },
	/* An incoming VM is extended but does not run before COMMIT. */
	{ TVM_MIG_D_IMPORTED, TVM_MA_RUN, TVM_MIG_D_IMPORTED, -EACCES },
	{ TVM_MIG_D_IMPORTED, TVM_MA_EXTEND, TVM_MIG_D_IMPORTED, 0 },
	{ TVM_MIG_D_IMPORTED, TVM_MA_COMMIT, TVM_MIG_D_ACTIVE, 0 },
	{ TVM_MIG_D_ACTIVE, TVM_MA_RUN, TVM_MIG_D_ACTIVE, 0 },
	/* Receipts can be had again, so a lost one does not strand S. */
	{ TVM_MIG_D_ACTIVE, TVM_MA_COMMIT, TVM_MIG_D_ACTIVE, 0 },
	{ TVM_MIG_D_ABORTED, TVM_MA_ABORT, TVM_MIG_D_ABORTED, 0 },
	/* Only an unused prepared id expires. */
	{ TVM_MIG_D_PREPARED, TVM_MA_EXPIRE, TVM_MIG_D_ABORTED, 0 },
	{ TVM_MIG_D_IMPORTED, TVM_MA_EXPIRE, TVM_MIG_D_IMPORTED, TVM_MIG_NA },
};

static void test_protocol_rules(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		enum tvm_mig_state next = rules[i].from;

		assert_int_equal(tvm_mig_step(rules[i].from, rules[i].act,
					      &next), rules[i].result);
		assert_int_equal(next, rules[i].to);
	}
}

/* A state or action out of range, or a pair of the other side: NA. */
static void test_out_of_range(void **state)
{
	enum tvm_mig_state next = TVM_MIG_S_NONE;

	(void)state;
	assert_int_equal(tvm_mig_step(__TVM_MIG_STATE_MAX, TVM_MA_RUN, &next),
			 TVM_MIG_NA);
	assert_int_equal(tvm_mig_step(TVM_MIG_S_NONE, __TVM_MA_MAX, &next),
			 TVM_MIG_NA);
	assert_int_equal(tvm_mig_step((enum tvm_mig_state)-1, TVM_MA_RUN,
				      &next), TVM_MIG_NA);
	assert_int_equal(tvm_mig_step(TVM_MIG_S_NONE, TVM_MA_PREPARE, &next),
			 TVM_MIG_NA);
	assert_int_equal(tvm_mig_step(TVM_MIG_D_NONE, TVM_MA_EXPORT, &next),
			 TVM_MIG_NA);
	assert_int_equal(next, TVM_MIG_S_NONE);
}

/* Every state and action has a name (MIGRATE_GET and tvmctl print them). */
static void test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < __TVM_MIG_STATE_MAX; i++)
		assert_non_null(tvm_mig_state_names[i]);
	for (i = 0; i < __TVM_MA_MAX; i++)
		assert_non_null(tvm_mig_action_names[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row),
		cmocka_unit_test(test_every_pair_once),
		cmocka_unit_test(test_protocol_rules),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("mig_lts", tests, NULL, NULL);
}
