// SPDX-License-Identifier: GPL-2.0
/*
 * Bindings of processes to the name and UUID of the KVM VM they will
 * create (bind.h).  The table is small (TVM_BINDINGS_MAX) and rarely
 * used, so it is a list searched in full.
 */

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "api.h"
#include "bind.h"
#include "vm.h"

/**
 * struct tvm_binding - one waiting binding
 * @node: in bindings, under tvm_bind_lock
 * @pid: the thread group's pid, with a reference
 * @name: the VM's name
 * @uuid: the VM's UUID
 * @vm: an imported VM the process's next KVM VM takes, with a reference;
 *	NULL for a binding of a name and UUID only
 * @files: the files measured for the VM's PCR 9 (TVM_A_VM_BIND_FILES), or
 *	NULL; owned by the binding until tvm_bind_remove() hands them over
 */
struct tvm_binding {
	struct list_head node;
	struct pid *pid;
	char name[TVM_NAME_MAX + 1];
	u8 uuid[TVM_UUID_SIZE];
	struct tvm_vm *vm;
	struct tvm_bind_files *files;
};

/*
 * tvm_bind_lock protects bindings and nbindings; taken after
 * tvm_registry_lock.
 */
static DEFINE_MUTEX(tvm_bind_lock);
static LIST_HEAD(bindings);
static unsigned int nbindings;

static void binding_free(struct tvm_binding *b)
{
	lockdep_assert_held(&tvm_bind_lock);
	list_del(&b->node);
	nbindings--;
	put_pid(b->pid);
	tvm_vm_put(b->vm);
	kfree(b->files);
	kfree(b);
}

static bool binding_alive(const struct tvm_binding *b)
{
	bool alive;

	rcu_read_lock();
	alive = pid_task(b->pid, PIDTYPE_TGID);
	rcu_read_unlock();
	return alive;
}

/* Drop the bindings of processes that have exited. */
static void prune(void)
{
	struct tvm_binding *b, *tmp;

	lockdep_assert_held(&tvm_bind_lock);
	list_for_each_entry_safe(b, tmp, &bindings, node)
		if (!binding_alive(b))
			binding_free(b);
}

static struct tvm_binding *find_name(const char *name)
{
	struct tvm_binding *b;

	lockdep_assert_held(&tvm_bind_lock);
	list_for_each_entry(b, &bindings, node)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

static struct tvm_binding *find_uuid(const u8 *uuid)
{
	struct tvm_binding *b;

	lockdep_assert_held(&tvm_bind_lock);
	list_for_each_entry(b, &bindings, node)
		if (!memcmp(b->uuid, uuid, TVM_UUID_SIZE))
			return b;
	return NULL;
}

static struct tvm_binding *find_tgid(pid_t tgid)
{
	struct tvm_binding *b;

	lockdep_assert_held(&tvm_bind_lock);
	list_for_each_entry(b, &bindings, node)
		if (pid_nr(b->pid) == tgid)
			return b;
	return NULL;
}

static int bind_add(struct pid *pid, const char *name, const u8 *uuid,
		    struct tvm_vm *vm, struct tvm_bind_files *files,
		    struct netlink_ext_ack *extack)
{
	struct tvm_binding *b, *new;
	int ret;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new) {
		kfree(files);
		return -ENOMEM;
	}
	new->files = files;	/* freed with @new if it is not added */

	mutex_lock(&tvm_bind_lock);
	prune();
	ret = -EEXIST;
	list_for_each_entry(b, &bindings, node) {
		if (b->pid == pid) {
			NL_SET_ERR_MSG(extack, "the process is bound already");
			goto out;
		}
	}
	if (find_name(name)) {
		NL_SET_ERR_MSG(extack, "another binding has this name");
		goto out;
	}
	if (find_uuid(uuid)) {
		NL_SET_ERR_MSG(extack, "another binding has this UUID");
		goto out;
	}
	ret = -ENOSPC;
	if (nbindings >= TVM_BINDINGS_MAX) {
		NL_SET_ERR_MSG(extack,
			       "TVM_BINDINGS_MAX bindings wait for their VMs already");
		goto out;
	}

	new->pid = get_pid(pid);
	new->vm = vm ? tvm_vm_get(vm) : NULL;
	strscpy(new->name, name, sizeof(new->name));
	memcpy(new->uuid, uuid, TVM_UUID_SIZE);
	list_add_tail(&new->node, &bindings);
	nbindings++;
	new = NULL;
	ret = 0;
out:
	mutex_unlock(&tvm_bind_lock);
	if (new)
		kfree(new->files);
	kfree(new);
	return ret;
}

int tvm_bind_add(struct pid *pid, const char *name, const u8 *uuid,
		 struct tvm_bind_files *files, struct netlink_ext_ack *extack)
{
	return bind_add(pid, name, uuid, NULL, files, extack);
}

int tvm_bind_add_vm(struct pid *pid, struct tvm_vm *vm,
		    struct netlink_ext_ack *extack)
{
	return bind_add(pid, vm->name, vm->uuid, vm, NULL, extack);
}

struct tvm_vm *tvm_bind_take_vm(pid_t tgid)
{
	struct tvm_binding *b;
	struct tvm_vm *vm = NULL;

	mutex_lock(&tvm_bind_lock);
	prune();
	b = find_tgid(tgid);
	if (b && b->vm) {
		vm = b->vm;	/* the binding's reference becomes the caller's */
		b->vm = NULL;
		binding_free(b);
	}
	mutex_unlock(&tvm_bind_lock);
	return vm;
}

bool tvm_bind_holds(const struct tvm_vm *vm)
{
	struct tvm_binding *b;
	bool found = false;

	mutex_lock(&tvm_bind_lock);
	prune();
	list_for_each_entry(b, &bindings, node)
		if (b->vm == vm)
			found = true;
	mutex_unlock(&tvm_bind_lock);
	return found;
}

bool tvm_bind_find(pid_t tgid, char *name, u8 *uuid)
{
	struct tvm_binding *b;

	mutex_lock(&tvm_bind_lock);
	prune();
	b = find_tgid(tgid);
	if (b && b->vm)
		b = NULL;	/* tvm_bind_take_vm()'s */
	if (b) {
		strscpy(name, b->name, TVM_NAME_MAX + 1);
		memcpy(uuid, b->uuid, TVM_UUID_SIZE);
	}
	mutex_unlock(&tvm_bind_lock);
	return b;
}

struct tvm_bind_files *tvm_bind_remove(pid_t tgid)
{
	struct tvm_bind_files *files = NULL;
	struct tvm_binding *b;

	mutex_lock(&tvm_bind_lock);
	b = find_tgid(tgid);
	if (b) {
		files = b->files;
		b->files = NULL;
		binding_free(b);
	}
	mutex_unlock(&tvm_bind_lock);
	return files;
}

bool tvm_bind_taken(const char *name, const u8 *uuid)
{
	bool taken;

	mutex_lock(&tvm_bind_lock);
	prune();
	taken = (name && find_name(name)) || (uuid && find_uuid(uuid));
	mutex_unlock(&tvm_bind_lock);
	return taken;
}

void tvm_bind_uninit(void)
{
	struct tvm_binding *b, *tmp;

	mutex_lock(&tvm_bind_lock);
	list_for_each_entry_safe(b, tmp, &bindings, node)
		binding_free(b);
	mutex_unlock(&tvm_bind_lock);
}
