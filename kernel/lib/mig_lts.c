// SPDX-License-Identifier: GPL-2.0
/*
 * The migration's transition system: the generated table, one lookup.
 */

#include "mig_lts.h"
#include "mig_table.h"

const char *const tvm_mig_state_names[__TVM_MIG_STATE_MAX] = {
	[TVM_MIG_S_NONE] = "none",
	[TVM_MIG_S_FROZEN] = "frozen",
	[TVM_MIG_S_GONE] = "gone",
	[TVM_MIG_S_RESUMED] = "resumed",
	[TVM_MIG_D_NONE] = "none",
	[TVM_MIG_D_PREPARED] = "prepared",
	[TVM_MIG_D_IMPORTED] = "imported",
	[TVM_MIG_D_ACTIVE] = "active",
	[TVM_MIG_D_ABORTED] = "aborted",
};

const char *const tvm_mig_action_names[__TVM_MA_MAX] = {
	[TVM_MA_EXPORT] = "export",
	[TVM_MA_COMMIT_RCPT] = "commit receipt",
	[TVM_MA_ABORT_RCPT] = "abort receipt",
	[TVM_MA_OVERRIDE] = "override",
	[TVM_MA_PREPARE] = "prepare",
	[TVM_MA_IMPORT] = "import",
	[TVM_MA_BIND] = "bind",
	[TVM_MA_COMMIT] = "commit",
	[TVM_MA_ABORT] = "abort",
	[TVM_MA_EXPIRE] = "expire",
	[TVM_MA_RUN] = "run",
	[TVM_MA_EXTEND] = "extend",
};

int tvm_mig_step(enum tvm_mig_state cur, enum tvm_mig_action act,
		 enum tvm_mig_state *next)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tvm_mig_table); i++) {
		const struct tvm_mig_rule *r = &tvm_mig_table[i];

		if (r->state != cur || r->action != act)
			continue;
		if (!r->result)
			*next = r->next;
		return r->result;
	}
	return TVM_MIG_NA;
}
