/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anchoring in IMA: every trust-state change and every policy change is
 * also recorded with ima_measure_critical_data() (label "tvm"), so the
 * host's IMA log and its TPM PCR 10 hold them.
 */
#ifndef _TVM_IMA_H
#define _TVM_IMA_H

#include <linux/types.h>

struct tvm_selector;
struct tvm_vm;

void tvm_ima_trust(const struct tvm_vm *vm, int old, int new,
		   const char *reason, u64 policy_gen);
void tvm_ima_policy(const struct tvm_selector *sel, u64 gen,
		    const u8 digest[32], const char *action);

/* A migration's @action on @vm (the administrator's override). */
/* A late bind renamed @vm, which was @old_name, @old_uuid. */
void tvm_ima_bind(const struct tvm_vm *vm, const char *old_name,
		  const u8 *old_uuid);

void tvm_ima_migration(const struct tvm_vm *vm, const u8 *id,
		       const char *action);

#endif /* _TVM_IMA_H */
