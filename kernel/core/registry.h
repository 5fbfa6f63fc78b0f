/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The registry of tvm instances: their ids, names and UUIDs, finding them,
 * the limits on how many there are, and the bindings of processes to the
 * KVM VMs they will create (with bind.h).
 *
 * A VM is in the registry from tvm_vm_create() until tvm_vm_delete(), and
 * the registry holds a reference for that time (vm.h has the lifetime).
 * Every tvm_vm_get_*() takes a reference of its own, for tvm_vm_put().
 */
#ifndef _TVM_REGISTRY_H
#define _TVM_REGISTRY_H

#include <linux/types.h>

struct netlink_ext_ack;
struct tvm_bind_files;
struct tvm_vm;
struct tvm_vm_params;

extern unsigned int tvm_max_vms;
extern unsigned int tvm_max_vms_per_user;

unsigned int tvm_vm_count(void);
/* Changes whenever a VM is created or deleted; for dump consistency. */
unsigned int tvm_vm_generation(void);

struct tvm_vm *tvm_vm_create(const struct tvm_vm_params *p,
			     struct netlink_ext_ack *extack);
int tvm_vm_delete(struct tvm_vm *vm);

/*
 * Bind the next KVM VM that the thread group of process @nr (in the
 * caller's pid namespace) creates to @name and @uuid (NULL: random), and
 * to @files (NULL for none; taken, and freed on failure too), which its
 * PCR 9 gets at its creation.  -ESRCH, -EEXIST, -ENOSPC, -EINVAL (bad
 * name), with @extack set.
 */
int tvm_vm_bind(pid_t nr, const char *name, const u8 *uuid,
		struct tvm_bind_files *files, struct netlink_ext_ack *extack);

/*
 * The late bind (TVM_A_VM_BIND_CREATED): KVM VM that the thread group of
 * process @nr (caller's namespace) created already, its only one, takes
 * @name and @uuid (NULL: random) and the policy they select, as if a
 * binding had named it at its creation (tvm_vm_set_ident()).  It must
 * still be PENDING, never adopted, never named by a binding.  The VM with
 * a reference, or an ERR_PTR with @extack set: -EINVAL bad name, -ESRCH
 * no such process, -ENOENT it has no KVM VM, -EBUSY it has several or
 * the VM ran (launched, adopted, migrating), -EALREADY a binding named it
 * already, -EEXIST a VM or binding has @name or @uuid.  Recorded in IMA.
 */
struct tvm_vm *tvm_vm_bind_created(pid_t nr, const char *name,
				   const u8 *uuid,
				   struct netlink_ext_ack *extack);

/*
 * Migration.  tvm_vm_create_restored(): put the restored VM @vm
 * (tvm_vm_mig_restore(), whose reference it takes) in the registry; the
 * VM with a reference for the caller, or an ERR_PTR (-EEXIST its name or
 * UUID is taken, -ENOSPC max_vms) with @extack set.
 * tvm_vm_unname(): take @vm's name and UUID out of the tables (it stays
 * findable by id), for a host that imports a VM it exported itself;
 * tvm_vm_rename() puts them back when no other VM took them meanwhile.
 * tvm_vm_bind_incoming(): the next KVM VM process @nr creates takes the
 * imported VM @vm (tvm_vm_create_kvm()); -ESRCH, -EBUSY a VMM has it or
 * a binding waits for it, -ENOENT deleted, -EEXIST, -ENOSPC.
 */
struct tvm_vm *tvm_vm_create_restored(struct tvm_vm *vm,
				      struct netlink_ext_ack *extack);
void tvm_vm_unname(struct tvm_vm *vm);
void tvm_vm_rename(struct tvm_vm *vm);
int tvm_vm_bind_incoming(pid_t nr, struct tvm_vm *vm,
			 struct netlink_ext_ack *extack);

struct tvm_vm *tvm_vm_get_by_id(u32 id);
struct tvm_vm *tvm_vm_get_by_name(const char *name);
struct tvm_vm *tvm_vm_get_by_uuid(const u8 *uuid);

/*
 * The VM with the smallest id >= *@id, with a reference, and *@id moved
 * past it; NULL once there is none, with *@id 0, which ends every later
 * call too.  A walk over every VM, in id order, is
 *
 *	for (id = 1; (vm = tvm_vm_get_next(&id)); tvm_vm_put(vm))
 *
 * and may stop and resume anywhere (a dump keeps @id between its calls);
 * a VM created meanwhile is seen or not, as its id falls.
 */
struct tvm_vm *tvm_vm_get_next(u32 *id);

/* Delete every VM and drop every binding; for module exit. */
void tvm_registry_uninit(void);

#endif /* _TVM_REGISTRY_H */
