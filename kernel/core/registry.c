// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of tvm instances (registry.h): which VMs exist, and finding
 * them by id, name and UUID; the limits on how many there are, in all and
 * per user; and the bindings that name a KVM VM before its process
 * creates it (bind.c keeps them, this file orders them with the VMs).
 *
 * Lookups by id, name and UUID are O(1): an xarray by id, and two hash
 * tables, all read under RCU.  Creation and deletion serialise on
 * tvm_registry_lock.  Each VM's own state is under its own mutex (vm.c),
 * so VMs never wait for one another once looked up.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include "api.h"
#include "bind.h"
#include "ima.h"
#include "registry.h"
#include "securityfs.h"
#include "vm.h"

unsigned int tvm_max_vms = 1024;
module_param_named(max_vms, tvm_max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "Most VMs tvm tracks at once (default 1024)");

unsigned int tvm_max_vms_per_user = 256;
module_param_named(max_vms_per_user, tvm_max_vms_per_user, uint, 0444);
MODULE_PARM_DESC(max_vms_per_user,
		 "Most VMs one user without CAP_SYS_ADMIN may have tracked (default 256)");

#define REGISTRY_HASH_BITS 10

/*
 * tvm_registry_lock protects insertion into and removal from vms_by_id,
 * vms_by_name and vms_by_uuid, vm_count, vm_owners, vm_generation,
 * next_id, kvm_seq and every VM's securityfs entries, and orders the
 * bindings (bind.h) with the VMs: it is held around every call into
 * bind.c.  Readers of the three indexes use RCU.  tvm_vm_count() and
 * tvm_vm_generation() read their counter without it: a stale value
 * only makes the stats file or a dump's check one change late.
 *
 * vm_count counts the VMs that hold a slot: created, or being created
 * (vm_reserve() to tvm_vm_delete()).
 */
static DEFINE_MUTEX(tvm_registry_lock);
static DEFINE_XARRAY_ALLOC1(vms_by_id);
static DEFINE_HASHTABLE(vms_by_name, REGISTRY_HASH_BITS);
static DEFINE_HASHTABLE(vms_by_uuid, REGISTRY_HASH_BITS);
static unsigned int vm_count;
static DEFINE_HASHTABLE(vm_owners, 6);
static unsigned int vm_generation;
static u32 next_id;			/* cursor of xa_alloc_cyclic() */
static unsigned int kvm_seq;		/* <n> of "kvm-<tgid>-<n>" */

unsigned int tvm_vm_count(void)
{
	return READ_ONCE(vm_count);
}

unsigned int tvm_vm_generation(void)
{
	return READ_ONCE(vm_generation);
}

static u32 name_hash(const char *name)
{
	return jhash(name, strlen(name), 0);
}

static u32 uuid_hash(const u8 *uuid)
{
	return jhash(uuid, TVM_UUID_SIZE, 0);
}

static struct tvm_vm *get_rcu(struct tvm_vm *vm)
{
	return vm && kref_get_unless_zero(&vm->ref) ? vm : NULL;
}

/*
 * The VM of @name, or of @uuid, or NULL: under RCU, or under
 * tvm_registry_lock, which holds every change of the tables off.
 */
static struct tvm_vm *find_name(const char *name)
{
	struct tvm_vm *vm;

	hash_for_each_possible_rcu(vms_by_name, vm, name_node, name_hash(name),
				   lockdep_is_held(&tvm_registry_lock))
		if (!strcmp(vm->name, name))
			return vm;
	return NULL;
}

static struct tvm_vm *find_uuid(const u8 *uuid)
{
	struct tvm_vm *vm;

	hash_for_each_possible_rcu(vms_by_uuid, vm, uuid_node, uuid_hash(uuid),
				   lockdep_is_held(&tvm_registry_lock))
		if (!memcmp(vm->uuid, uuid, TVM_UUID_SIZE))
			return vm;
	return NULL;
}

/* The VM that @find, run under RCU, gives, with a reference, or NULL. */
#define get_found(find) ({						\
	struct tvm_vm *__vm;						\
									\
	rcu_read_lock();						\
	__vm = get_rcu(find);						\
	rcu_read_unlock();						\
	__vm;								\
})

struct tvm_vm *tvm_vm_get_by_id(u32 id)
{
	return get_found(xa_load(&vms_by_id, id));
}

struct tvm_vm *tvm_vm_get_by_name(const char *name)
{
	return get_found(find_name(name));
}

struct tvm_vm *tvm_vm_get_by_uuid(const u8 *uuid)
{
	return get_found(find_uuid(uuid));
}

struct tvm_vm *tvm_vm_get_next(u32 *id)
{
	unsigned long index = *id;
	struct tvm_vm *vm = NULL, *entry;

	rcu_read_lock();
	while (index) {
		entry = xa_find(&vms_by_id, &index, U32_MAX, XA_PRESENT);
		if (!entry) {
			index = 0;
			break;
		}
		vm = get_rcu(entry);	/* NULL: being deleted, skip it */
		/* Past it; past U32_MAX, the last id, is 0: the end. */
		index = index < U32_MAX ? index + 1 : 0;
		if (vm)
			break;
	}
	rcu_read_unlock();
	*id = index;
	return vm;
}

/*
 * A KVM VM's name and UUID: its process's binding if there is one (true),
 * else "kvm-<tgid>-<n>" with the first <n> that no VM or binding has, and
 * a random UUID.
 */
static int kvm_name(struct tvm_vm *vm, bool *bound)
{
	unsigned int tries;

	lockdep_assert_held(&tvm_registry_lock);
	*bound = tvm_bind_find(vm->pid, vm->name, vm->uuid);
	if (*bound)
		return 0;
	generate_random_uuid(vm->uuid);
	for (tries = 0; tries < 1000; tries++) {
		snprintf(vm->name, sizeof(vm->name), "kvm-%d-%u", vm->pid,
			 ++kvm_seq);
		if (!find_name(vm->name) && !tvm_bind_taken(vm->name, NULL))
			return 0;
	}
	return -EEXIST;
}

/*
 * A user that holds VMs, and how many: an entry of vm_owners, freed with
 * the user's last VM.  At most max_vms of them.
 */
struct vm_owner {
	struct hlist_node node;
	kuid_t uid;
	unsigned int vms;
};

static struct vm_owner *owner_find(kuid_t uid)
{
	struct vm_owner *o;

	lockdep_assert_held(&tvm_registry_lock);
	hash_for_each_possible(vm_owners, o, node, __kuid_val(uid))
		if (uid_eq(o->uid, uid))
			return o;
	return NULL;
}

/*
 * A slot for @vm, charged to the current user, before any work that costs
 * the host (the TPM reads of tvm_vm_seed()): -ENOSPC at max_vms,
 * -EDQUOT when the user, without CAP_SYS_ADMIN, already holds
 * max_vms_per_user VMs.  Given back by vm_unreserve().
 */
static int vm_reserve(struct tvm_vm *vm, struct netlink_ext_ack *extack)
{
	struct vm_owner *o, *new = NULL;
	int ret;

	vm->owner = current_uid();
	mutex_lock(&tvm_registry_lock);
	ret = -ENOSPC;
	if (vm_count >= tvm_max_vms) {
		NL_SET_ERR_MSG(extack,
			       "host already tracks max_vms VMs (module parameter)");
		goto refused;
	}
	o = owner_find(vm->owner);
	ret = -EDQUOT;
	if (o && o->vms >= tvm_max_vms_per_user &&
	    !ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "this user already has max_vms_per_user VMs (module parameter)");
		goto refused;
	}
	if (!o) {
		ret = -ENOMEM;
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			goto out;
		new->uid = vm->owner;
		hash_add(vm_owners, &new->node, __kuid_val(new->uid));
		o = new;
	}
	o->vms++;
	vm_count++;
	ret = 0;
	goto out;
refused:
	atomic64_inc(&tvm_stats.vms_refused);
out:
	mutex_unlock(&tvm_registry_lock);
	return ret;
}

/* Give back the slot of vm_reserve(), under tvm_registry_lock. */
static void vm_unreserve_locked(struct tvm_vm *vm)
{
	struct vm_owner *o = owner_find(vm->owner);

	vm_count--;
	if (o && !--o->vms) {
		hash_del(&o->node);
		kfree(o);
	}
}

/*
 * Make @vm visible; a KVM VM takes its process's binding, and *@files
 * gets the binding's files (NULL for none), the caller's to log and free.
 */
static int registry_add(struct tvm_vm *vm, struct tvm_bind_files **files,
			struct netlink_ext_ack *extack)
{
	struct xa_limit limit = XA_LIMIT(1, U32_MAX);
	bool bound = false;
	int ret;

	*files = NULL;
	mutex_lock(&tvm_registry_lock);
	if (vm->kvm) {
		ret = kvm_name(vm, &bound);
		if (ret)
			goto out;
	} else if (tvm_bind_taken(vm->name, NULL)) {
		NL_SET_ERR_MSG(extack, "a binding (VM_BIND) has this name");
		ret = -EEXIST;
		goto out;
	} else if (tvm_bind_taken(NULL, vm->uuid)) {
		NL_SET_ERR_MSG(extack, "a binding (VM_BIND) has this UUID");
		ret = -EEXIST;
		goto out;
	}
	if (find_name(vm->name)) {
		NL_SET_ERR_MSG(extack, "a VM with this name exists");
		ret = -EEXIST;
		goto out;
	}
	if (find_uuid(vm->uuid)) {
		NL_SET_ERR_MSG(extack, "a VM with this UUID exists");
		ret = -EEXIST;
		goto out;
	}
	ret = xa_alloc_cyclic(&vms_by_id, &vm->id, vm, limit, &next_id,
			      GFP_KERNEL);
	if (ret < 0)
		goto out;

	ret = tvm_securityfs_add_vm(vm);
	if (ret) {
		xa_erase(&vms_by_id, vm->id);
		NL_SET_ERR_MSG(extack, "cannot create securityfs entries");
		goto out;
	}
	hash_add_rcu(vms_by_name, &vm->name_node, name_hash(vm->name));
	hash_add_rcu(vms_by_uuid, &vm->uuid_node, uuid_hash(vm->uuid));
	if (bound) {
		*files = tvm_bind_remove(vm->pid);	/* used once */
		vm->bound = true;
	}
	vm_generation++;
	ret = 0;
out:
	mutex_unlock(&tvm_registry_lock);
	return ret;
}

/*
 * A new KVM VM's PCR 9 gets its binding's files, before its VMM has the
 * VM and so before anything it runs: the first events of PCR 9.  One
 * that cannot be logged leaves the launch unknown: a mismatch.
 */
static void log_bind_files(struct tvm_vm *vm, const struct tvm_bind_files *files)
{
	char reason[TVM_REASON_MAX + 1];
	const struct tvm_bind_file *f;
	unsigned int i;
	int ret;

	for (i = 0; i < files->n; i++) {
		f = &files->f[i];
		ret = -EINVAL;
		/* The binding hashed TVM_BANKS_DEFAULT, a KVM VM's banks. */
		if (!(vm->banks & ~TVM_BANKS_DEFAULT))
			ret = tvm_vm_log_file(vm, TVM_PCR_OS, TVM_EV_FILE,
					      f->name, strlen(f->name),
					      f->digests, NULL);
		if (ret) {
			snprintf(reason, sizeof(reason),
				 "file '%.64s' of the binding could not be measured (%d)",
				 f->name, ret);
			tvm_vm_mismatch(vm, reason);
		}
	}
}

struct tvm_vm *tvm_vm_create(const struct tvm_vm_params *p,
			     struct netlink_ext_ack *extack)
{
	struct tvm_bind_files *files = NULL;
	struct tvm_vm *vm;
	int ret;

	vm = tvm_vm_alloc(p, extack);
	if (IS_ERR(vm))
		return vm;
	ret = vm_reserve(vm, extack);
	if (ret) {
		tvm_vm_put(vm);
		return ERR_PTR(ret);
	}
	ret = tvm_vm_seed(vm, extack);
	if (!ret) {
		/*
		 * The caller's reference, before registry_add() makes the
		 * VM visible: a VM_DELETE of its id right after could
		 * otherwise drop the only reference first.
		 */
		kref_get(&vm->ref);
		ret = registry_add(vm, &files, extack);
		if (ret)
			tvm_vm_put(vm);
	}
	if (ret) {
		mutex_lock(&tvm_registry_lock);
		vm_unreserve_locked(vm);
		mutex_unlock(&tvm_registry_lock);
		tvm_vm_put(vm);
		return ERR_PTR(ret);
	}

	if (files) {
		log_bind_files(vm, files);
		kfree(files);
	}
	atomic64_inc(&tvm_stats.vms_created);
	return vm;
}

int tvm_vm_delete(struct tvm_vm *vm)
{
	mutex_lock(&tvm_registry_lock);
	if (xa_load(&vms_by_id, vm->id) != vm) {
		mutex_unlock(&tvm_registry_lock);
		return -ENOENT;		/* someone else deleted it */
	}
	tvm_securityfs_remove_vm(vm);
	xa_erase(&vms_by_id, vm->id);
	if (!vm->unnamed) {
		hash_del_rcu(&vm->name_node);
		hash_del_rcu(&vm->uuid_node);
	}
	vm_unreserve_locked(vm);
	vm_generation++;
	mutex_unlock(&tvm_registry_lock);

	mutex_lock(&vm->lock);
	vm->dead = true;
	mutex_unlock(&vm->lock);

	atomic64_inc(&tvm_stats.vms_deleted);
	tvm_vm_put(vm);		/* the registry's reference */
	return 0;
}
EXPORT_SYMBOL_GPL(tvm_vm_delete);

int tvm_vm_bind(pid_t nr, const char *name, const u8 *uuid,
		struct tvm_bind_files *files, struct netlink_ext_ack *extack)
{
	struct task_struct *task;
	struct pid *pid = NULL;
	u8 id[TVM_UUID_SIZE];
	int ret;

	if (!tvm_vm_name_valid(name, extack)) {
		kfree(files);
		return -EINVAL;
	}
	if (uuid)
		memcpy(id, uuid, sizeof(id));
	else
		generate_random_uuid(id);

	/* The thread group of task @nr, whichever of its threads @nr is. */
	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		pid = get_task_pid(task, PIDTYPE_TGID);
	rcu_read_unlock();
	if (!pid) {
		kfree(files);
		NL_SET_ERR_MSG(extack, "no such process");
		return -ESRCH;
	}

	mutex_lock(&tvm_registry_lock);
	ret = -EEXIST;
	if (find_name(name)) {
		kfree(files);
		NL_SET_ERR_MSG(extack, "a VM with this name exists");
	} else if (find_uuid(id)) {
		kfree(files);
		NL_SET_ERR_MSG(extack, "a VM with this UUID exists");
	} else {
		ret = tvm_bind_add(pid, name, id, files, extack);
	}
	mutex_unlock(&tvm_registry_lock);
	put_pid(pid);
	return ret;
}

/* The thread group of task @nr (caller's namespace), with a reference. */
static struct pid *tgid_of(pid_t nr)
{
	struct task_struct *task;
	struct pid *pid = NULL;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		pid = get_task_pid(task, PIDTYPE_TGID);
	rcu_read_unlock();
	return pid;
}

struct tvm_vm *tvm_vm_bind_created(pid_t nr, const char *name,
				   const u8 *uuid,
				   struct netlink_ext_ack *extack)
{
	char old_name[TVM_NAME_MAX + 1];
	u8 id[TVM_UUID_SIZE], old_uuid[TVM_UUID_SIZE];
	struct tvm_vm *vm, *other;
	unsigned int nvms;
	struct pid *pid;
	pid_t tgid;
	int ret;

	if (!tvm_vm_name_valid(name, extack))
		return ERR_PTR(-EINVAL);
	if (uuid)
		memcpy(id, uuid, sizeof(id));
	else
		generate_random_uuid(id);

	pid = tgid_of(nr);
	if (!pid) {
		NL_SET_ERR_MSG(extack, "no such process");
		return ERR_PTR(-ESRCH);
	}
	tgid = pid_nr(pid);	/* tvm_vm.pid is in the initial namespace */
	put_pid(pid);

	vm = tvm_vm_get_kvm_of(tgid, &nvms);
	if (!vm) {
		if (nvms) {
			NL_SET_ERR_MSG(extack,
				       "the process has several KVM VMs: which one is meant?");
			return ERR_PTR(-EBUSY);
		}
		NL_SET_ERR_MSG(extack, "the process has no KVM VM (yet)");
		return ERR_PTR(-ENOENT);
	}
	/* Without the lock: saves a rename's grace period on a VM that ran. */
	if (READ_ONCE(vm->trust) != TVM_TRUST_PENDING) {
		NL_SET_ERR_MSG(extack,
			       "the VM ran already (its first KVM_RUN launched it): too late to bind it");
		ret = -EBUSY;
		goto err;
	}

	mutex_lock(&tvm_registry_lock);
	ret = -ENOENT;
	if (xa_load(&vms_by_id, vm->id) != vm || vm->unnamed) {
		NL_SET_ERR_MSG(extack, "the VM is gone");
		goto unlock;
	}
	ret = -EALREADY;
	if (vm->bound) {
		NL_SET_ERR_MSG(extack,
			       "a binding named the VM already; it keeps that name");
		goto unlock;
	}
	ret = -EEXIST;
	other = find_name(name);
	if (other && other != vm) {
		NL_SET_ERR_MSG(extack, "a VM with this name exists");
		goto unlock;
	}
	other = find_uuid(id);
	if (other && other != vm) {
		NL_SET_ERR_MSG(extack, "a VM with this UUID exists");
		goto unlock;
	}
	if (tvm_bind_taken(name, NULL)) {
		NL_SET_ERR_MSG(extack, "a binding (VM_BIND) has this name");
		goto unlock;
	}
	if (tvm_bind_taken(NULL, id)) {
		NL_SET_ERR_MSG(extack, "a binding (VM_BIND) has this UUID");
		goto unlock;
	}

	/*
	 * Out of the tables, and a grace period, before the name changes:
	 * a lookup under RCU compares the old name or does not see the VM,
	 * never a name being written.
	 */
	hash_del_rcu(&vm->name_node);
	hash_del_rcu(&vm->uuid_node);
	synchronize_rcu();
	strscpy(old_name, vm->name, sizeof(old_name));
	memcpy(old_uuid, vm->uuid, sizeof(old_uuid));
	ret = tvm_vm_set_ident(vm, name, id, extack);
	hash_add_rcu(vms_by_name, &vm->name_node, name_hash(vm->name));
	hash_add_rcu(vms_by_uuid, &vm->uuid_node, uuid_hash(vm->uuid));
	if (!ret) {
		/* After the rename: tvm_vm_bound()'s readers launch by it. */
		smp_store_release(&vm->bound, true);
		vm_generation++;
	}
unlock:
	mutex_unlock(&tvm_registry_lock);
	if (ret)
		goto err;
	tvm_ima_bind(vm, old_name, old_uuid);
	return vm;
err:
	tvm_vm_put(vm);
	return ERR_PTR(ret);
}

struct tvm_vm *tvm_vm_create_restored(struct tvm_vm *vm,
				      struct netlink_ext_ack *extack)
{
	struct tvm_bind_files *files;
	int ret;

	ret = vm_reserve(vm, extack);
	if (ret)
		goto err;
	kref_get(&vm->ref);	/* the caller's; see tvm_vm_create() */
	ret = registry_add(vm, &files, extack);
	kfree(files);		/* a restored VM is no KVM VM: none */
	if (ret) {
		tvm_vm_put(vm);
		mutex_lock(&tvm_registry_lock);
		vm_unreserve_locked(vm);
		mutex_unlock(&tvm_registry_lock);
		goto err;
	}
	atomic64_inc(&tvm_stats.vms_created);
	return vm;
err:
	tvm_vm_put(vm);
	return ERR_PTR(ret);
}

void tvm_vm_unname(struct tvm_vm *vm)
{
	mutex_lock(&tvm_registry_lock);
	if (!vm->unnamed && xa_load(&vms_by_id, vm->id) == vm) {
		hash_del_rcu(&vm->name_node);
		hash_del_rcu(&vm->uuid_node);
		vm->unnamed = true;
		vm_generation++;
	}
	mutex_unlock(&tvm_registry_lock);
}

void tvm_vm_rename(struct tvm_vm *vm)
{
	mutex_lock(&tvm_registry_lock);
	if (vm->unnamed && xa_load(&vms_by_id, vm->id) == vm &&
	    !find_name(vm->name) && !find_uuid(vm->uuid) &&
	    !tvm_bind_taken(vm->name, vm->uuid)) {
		hash_add_rcu(vms_by_name, &vm->name_node, name_hash(vm->name));
		hash_add_rcu(vms_by_uuid, &vm->uuid_node, uuid_hash(vm->uuid));
		vm->unnamed = false;
		vm_generation++;
	}
	mutex_unlock(&tvm_registry_lock);
}

int tvm_vm_bind_incoming(pid_t nr, struct tvm_vm *vm,
			 struct netlink_ext_ack *extack)
{
	struct task_struct *task;
	struct pid *pid = NULL;
	int ret;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), PIDTYPE_PID);
	if (task)
		pid = get_task_pid(task, PIDTYPE_TGID);
	rcu_read_unlock();
	if (!pid) {
		NL_SET_ERR_MSG(extack, "no such process");
		return -ESRCH;
	}

	mutex_lock(&tvm_registry_lock);
	ret = -ENOENT;
	if (xa_load(&vms_by_id, vm->id) != vm) {
		NL_SET_ERR_MSG(extack, "the imported VM was deleted");
	} else if (READ_ONCE(vm->kvm) || tvm_bind_holds(vm)) {
		NL_SET_ERR_MSG(extack, "a VMM has the imported VM already");
		ret = -EBUSY;
	} else {
		ret = tvm_bind_add_vm(pid, vm, extack);
	}
	mutex_unlock(&tvm_registry_lock);
	put_pid(pid);
	return ret;
}

/* --- the API of hook modules (api.h) ------------------------------------- */

struct tvm_vm *tvm_vm_create_kvm(pid_t tgid)
{
	struct tvm_vm_params p = {
		.banks = TVM_BANKS_DEFAULT,
		.kvm_tgid = tgid,
		.kvm = true,
	};
	struct tvm_vm *vm;

	/* An incoming VMM (VM_BIND with a migration id) takes its instance. */
	mutex_lock(&tvm_registry_lock);
	vm = tvm_bind_take_vm(tgid);
	if (vm && xa_load(&vms_by_id, vm->id) == vm && !vm->kvm) {
		WRITE_ONCE(vm->pid, tgid);
		WRITE_ONCE(vm->kvm, true);
		mutex_unlock(&tvm_registry_lock);
		return vm;
	}
	mutex_unlock(&tvm_registry_lock);
	if (vm) {
		/* Deleted (an ABORT) since the bind: it runs nowhere. */
		tvm_vm_put(vm);
		return ERR_PTR(-ENOENT);
	}
	return tvm_vm_create(&p, NULL);
}
EXPORT_SYMBOL_GPL(tvm_vm_create_kvm);

struct tvm_vm *tvm_vm_get_kvm_of(pid_t tgid, unsigned int *nr)
{
	struct tvm_vm *vm, *found = NULL;
	unsigned long id;

	*nr = 0;
	rcu_read_lock();
	/*
	 * Under RCU a VM may come or go as the walk passes: the count is
	 * that of some moment during the call, which is all a caller racing
	 * its own process's KVM_CREATE_VM or VM exit can ask for.
	 */
	xa_for_each(&vms_by_id, id, vm) {
		if (!vm->kvm || vm->pid != tgid)
			continue;
		(*nr)++;
		found = vm;
	}
	found = *nr == 1 ? get_rcu(found) : NULL;
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_GPL(tvm_vm_get_kvm_of);

bool tvm_vm_bound(const struct tvm_vm *vm)
{
	/* Pairs with smp_store_release() in tvm_vm_bind_created(). */
	return smp_load_acquire(&vm->bound);
}
EXPORT_SYMBOL_GPL(tvm_vm_bound);

u32 tvm_vm_id(const struct tvm_vm *vm)
{
	return vm->id;
}
EXPORT_SYMBOL_GPL(tvm_vm_id);

bool tvm_vm_incoming(const struct tvm_vm *vm)
{
	u8 s = READ_ONCE(vm->mig_state);

	return (s == TVM_MIG_D_IMPORTED || s == TVM_MIG_D_ACTIVE ||
		s == TVM_MIG_D_ABORTED) &&
	       READ_ONCE(vm->trust) != TVM_TRUST_PENDING;
}
EXPORT_SYMBOL_GPL(tvm_vm_incoming);

struct tvm_vm *tvm_vm_get(struct tvm_vm *vm)
{
	kref_get(&vm->ref);
	return vm;
}
EXPORT_SYMBOL_GPL(tvm_vm_get);

void tvm_vm_uuid(const struct tvm_vm *vm, u8 uuid[TVM_UUID_SIZE])
{
	char name[TVM_NAME_MAX + 1];

	tvm_vm_ident(vm, name, uuid);
}
EXPORT_SYMBOL_GPL(tvm_vm_uuid);

void tvm_registry_uninit(void)
{
	struct tvm_vm *vm;
	u32 id;

	for (id = 1; (vm = tvm_vm_get_next(&id)); tvm_vm_put(vm))
		tvm_vm_delete(vm);
	tvm_bind_uninit();
}
