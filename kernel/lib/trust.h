/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trust-state machine of a VM, as one table (Documentation/policy.rst
 * draws it).  Pure: shared by tvm.ko and the unit test that walks every
 * (state, event) pair.
 */
#ifndef _TVM_TRUST_H
#define _TVM_TRUST_H

#include "tvm_lib.h"
#include <linux/tvm.h>

/**
 * enum tvm_trust_event - what can happen to a VM's trust
 * @TVM_TE_LAUNCH_MATCH: launched, and everything matched its policy
 * @TVM_TE_LAUNCH_MISMATCH: launched, and something did not match (or was
 *	noted as not matching before launch)
 * @TVM_TE_LAUNCH_NOREF: launched with nothing to compare against
 * @TVM_TE_MISMATCH: an extend of PCR 9-12 that its policy does not allow
 * @TVM_TE_LOG_FULL: the event log reached its bound
 * @__TVM_TE_MAX: the number of events, for tables
 */
enum tvm_trust_event {
	TVM_TE_LAUNCH_MATCH,
	TVM_TE_LAUNCH_MISMATCH,
	TVM_TE_LAUNCH_NOREF,
	TVM_TE_MISMATCH,
	TVM_TE_LOG_FULL,
	__TVM_TE_MAX
};

/* Human names, for messages and the documentation. */
extern const char *const tvm_trust_names[__TVM_TRUST_MAX];
extern const char *const tvm_trust_event_names[__TVM_TE_MAX];

/**
 * tvm_trust_next - the state after @ev
 * @cur: the state now
 * @ev: what happened
 *
 * Return: the next state (which may equal @cur), -EALREADY for a launch of
 * a launched VM, -EINVAL for a state or event that does not exist.  A
 * mismatch or a full log before launch leaves PENDING: the caller notes it,
 * and reports the launch as TVM_TE_LAUNCH_MISMATCH.
 */
int tvm_trust_next(enum tvm_trust cur, enum tvm_trust_event ev);

#endif /* _TVM_TRUST_H */
