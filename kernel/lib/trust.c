// SPDX-License-Identifier: GPL-2.0
/*
 * The trust-state machine of a VM: one table, one lookup.
 */

#include "trust.h"

const char *const tvm_trust_names[__TVM_TRUST_MAX] = {
	[TVM_TRUST_UNSPEC] = "unspec",
	[TVM_TRUST_PENDING] = "pending",
	[TVM_TRUST_TRUSTED] = "trusted",
	[TVM_TRUST_UNTRUSTED] = "untrusted",
	[TVM_TRUST_UNKNOWN] = "unknown",
};

const char *const tvm_trust_event_names[__TVM_TE_MAX] = {
	[TVM_TE_LAUNCH_MATCH] = "launch, all matched",
	[TVM_TE_LAUNCH_MISMATCH] = "launch, mismatch",
	[TVM_TE_LAUNCH_NOREF] = "launch, no reference",
	[TVM_TE_MISMATCH] = "mismatch",
	[TVM_TE_LOG_FULL] = "log full",
};

#define P TVM_TRUST_PENDING
#define T TVM_TRUST_TRUSTED
#define U TVM_TRUST_UNTRUSTED
#define K TVM_TRUST_UNKNOWN
#define A (-EALREADY)

/* next[state][event]; row 0 (UNSPEC) is not a state a VM can be in. */
static const int next[__TVM_TRUST_MAX][__TVM_TE_MAX] = {
	/*             match mismatch noref  mismatch log-full */
	[TVM_TRUST_PENDING]   = { T, U, K, P, P },
	[TVM_TRUST_TRUSTED]   = { A, A, A, U, U },
	[TVM_TRUST_UNTRUSTED] = { A, A, A, U, U },
	[TVM_TRUST_UNKNOWN]   = { A, A, A, U, U },
};

#undef P
#undef T
#undef U
#undef K
#undef A

int tvm_trust_next(enum tvm_trust cur, enum tvm_trust_event ev)
{
	if (cur <= TVM_TRUST_UNSPEC || cur >= __TVM_TRUST_MAX ||
	    ev >= __TVM_TE_MAX)
		return -EINVAL;
	return next[cur][ev];
}
