// SPDX-License-Identifier: GPL-2.0
/*
 * IMA anchoring.  The records are text, measured as is (IMA's ima-buf
 * template keeps the buffer), one per change, never per extend:
 *
 *   tvm-trust  "vm=<uuid> name=<name> trust=<old>-><new> policy_gen=<n>
 *               reason=<reason>"
 *   tvm-policy "policy=<selector> gen=<n> sha256=<digest> action=<load|delete>"
 *   tvm-migration "vm=<uuid> name=<name> migration=<id> action=override"
 *   tvm-bind   "vm=<uuid> name=<name> id=<id> pid=<vmm> was=<old uuid>
 *               was_name=<old name>"  (a late bind, TVM_A_VM_BIND_CREATED)
 *
 * Without IMA, or without a rule that measures critical data labelled
 * "tvm", nothing is recorded and tvm says so once in the kernel log.
 */

#include <linux/ima.h>
#include <linux/slab.h>

#include "ima.h"
#include "policy.h"
#include "trust.h"
#include "vm.h"

static void record(const char *event, char *buf)
{
	int ret;

	if (!buf)
		return;
	ret = ima_measure_critical_data("tvm", event, buf, strlen(buf), false,
					NULL, 0);
	if (ret)
		pr_info_once("IMA anchoring is off (%d): no IMA rule measures critical data labelled tvm\n",
			     ret);
	kfree(buf);
}

void tvm_ima_trust(const struct tvm_vm *vm, int old, int new,
		   const char *reason, u64 policy_gen)
{
	record("tvm-trust",
	       kasprintf(GFP_KERNEL,
			 "vm=%pUb name=%s trust=%s->%s policy_gen=%llu reason=%s",
			 vm->uuid, vm->name, tvm_trust_names[old],
			 tvm_trust_names[new], policy_gen, reason));
}

void tvm_ima_policy(const struct tvm_selector *sel, u64 gen,
		    const u8 digest[32], const char *action)
{
	char who[TVM_NAME_MAX + 16];

	switch (sel->kind) {
	case TVM_SEL_UUID:
		snprintf(who, sizeof(who), "uuid:%pUb", sel->uuid);
		break;
	case TVM_SEL_NAME:
		snprintf(who, sizeof(who), "name:%s", sel->name);
		break;
	default:
		snprintf(who, sizeof(who), "default");
		break;
	}
	record("tvm-policy",
	       kasprintf(GFP_KERNEL, "policy=%s gen=%llu sha256=%32phN action=%s",
			 who, gen, digest, action));
}

void tvm_ima_migration(const struct tvm_vm *vm, const u8 *id,
		       const char *action)
{
	record("tvm-migration",
	       kasprintf(GFP_KERNEL, "vm=%pUb name=%s migration=%16phN action=%s",
			 vm->uuid, vm->name, id, action));
}

void tvm_ima_bind(const struct tvm_vm *vm, const char *old_name,
		  const u8 *old_uuid)
{
	char name[TVM_NAME_MAX + 1];
	u8 uuid[TVM_UUID_SIZE];

	tvm_vm_ident(vm, name, uuid);
	record("tvm-bind",
	       kasprintf(GFP_KERNEL,
			 "vm=%pUb name=%s id=%u pid=%d was=%pUb was_name=%s",
			 uuid, name, vm->id, READ_ONCE(vm->pid), old_uuid,
			 old_name));
}
