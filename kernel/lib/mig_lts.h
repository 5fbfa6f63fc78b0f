/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migration's labelled transition system: the table of
 * Documentation/migration.rst, which scripts/mig-table turns into
 * mig_table.h.  Pure: shared by tvm.ko, the unit test and the conformance
 * selftest.
 */
#ifndef _TVM_MIG_LTS_H
#define _TVM_MIG_LTS_H

#include "tvm_lib.h"
#include <linux/tvm.h>

/**
 * enum tvm_mig_action - the labels of the transition system
 * @TVM_MA_EXPORT: source: a valid PREPARE blob and a VM
 * @TVM_MA_COMMIT_RCPT: source: a valid COMMIT receipt
 * @TVM_MA_ABORT_RCPT: source: a valid ABORT receipt
 * @TVM_MA_OVERRIDE: source: the administrator's override
 * @TVM_MA_PREPARE: destination: a new id
 * @TVM_MA_IMPORT: destination: a valid EXPORT blob
 * @TVM_MA_BIND: destination: an incoming VMM binds
 * @TVM_MA_COMMIT: destination: commit
 * @TVM_MA_ABORT: destination: abort
 * @TVM_MA_EXPIRE: destination: the id's lifetime ends
 * @TVM_MA_RUN: either: the VM's KVM_RUN
 * @TVM_MA_EXTEND: either: an extend of the VM's PCRs
 * @__TVM_MA_MAX: internal
 */
enum tvm_mig_action {
	TVM_MA_EXPORT,
	TVM_MA_COMMIT_RCPT,
	TVM_MA_ABORT_RCPT,
	TVM_MA_OVERRIDE,
	TVM_MA_PREPARE,
	TVM_MA_IMPORT,
	TVM_MA_BIND,
	TVM_MA_COMMIT,
	TVM_MA_ABORT,
	TVM_MA_EXPIRE,
	TVM_MA_RUN,
	TVM_MA_EXTEND,
	__TVM_MA_MAX
};

/**
 * struct tvm_mig_rule - one row of the table
 * @state: the record's state
 * @action: what happens
 * @next: the state after
 * @result: 0, a negative errno (the command fails, nothing changes), or
 *	TVM_MIG_NA: the pair cannot happen
 */
struct tvm_mig_rule {
	u8 state;
	u8 action;
	u8 next;
	s16 result;
};

/* A pair that cannot happen ("-" in the table). */
#define TVM_MIG_NA	(-1000)

extern const char *const tvm_mig_state_names[__TVM_MIG_STATE_MAX];
extern const char *const tvm_mig_action_names[__TVM_MA_MAX];

/**
 * tvm_mig_step - look an action up in the table
 * @cur: the record's state
 * @act: the action
 * @next: the state after, set when the result is 0
 *
 * Return: 0, the row's negative errno, or TVM_MIG_NA for a pair that
 * cannot happen or a state or action that does not exist.
 */
int tvm_mig_step(enum tvm_mig_state cur, enum tvm_mig_action act,
		 enum tvm_mig_state *next);

#endif /* _TVM_MIG_LTS_H */
