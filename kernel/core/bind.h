/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bindings (TVM_CMD_VM_BIND): a name and UUID waiting for the next KVM VM
 * that a process creates.  At most TVM_BINDINGS_MAX wait at once; a
 * binding is used once, and one whose process has gone is dropped the
 * next time bindings are added or looked up.
 *
 * Every call is made under tvm_registry_lock (registry.c), so that a name or
 * UUID is never both a VM's and a binding's; tvm_bind_lock nests inside.
 */
#ifndef _TVM_BIND_H
#define _TVM_BIND_H

#include <linux/types.h>
#include <linux/tvm.h>

struct netlink_ext_ack;
struct pid;
struct tvm_vm;

/**
 * struct tvm_bind_file - a file a binding measured (TVM_A_VM_BIND_FILES)
 * @name: the event's name, NUL-terminated
 * @digests: the file's digest in each bank of %TVM_BANKS_DEFAULT
 */
struct tvm_bind_file {
	char name[TVM_EVENT_NAME_MAX + 1];
	u8 digests[__TVM_BANK_MAX][TVM_DIGEST_MAX];
};

/**
 * struct tvm_bind_files - the files of one binding, logged into PCR 9 of
 *	its VM when the VM is created, in order
 * @n: how many, 1-%TVM_BIND_FILES_MAX
 * @f: the files
 */
struct tvm_bind_files {
	unsigned int n;
	struct tvm_bind_file f[TVM_BIND_FILES_MAX];
};

/*
 * Add a binding of @pid (a thread group; the call takes its own
 * reference), with @files (NULL for none; the binding takes them, and
 * frees them on failure too).  -EEXIST if @pid is bound or @name or @uuid
 * is a binding's, -ENOSPC at TVM_BINDINGS_MAX, with @extack set.
 */
int tvm_bind_add(struct pid *pid, const char *name, const u8 *uuid,
		 struct tvm_bind_files *files, struct netlink_ext_ack *extack);

/*
 * A binding of @pid to the imported VM @vm (its name and UUID), which
 * the process's next KVM VM takes whole; the binding holds a reference.
 */
int tvm_bind_add_vm(struct pid *pid, struct tvm_vm *vm,
		    struct netlink_ext_ack *extack);
/*
 * The imported VM thread group @tgid is bound to, with the binding's
 * reference, and the binding dropped; NULL when it has none.
 */
struct tvm_vm *tvm_bind_take_vm(pid_t tgid);
/* Whether a binding waits to give @vm to a process's KVM VM. */
bool tvm_bind_holds(const struct tvm_vm *vm);

/*
 * The binding of thread group @tgid (init namespace): copy its name to
 * @name (TVM_NAME_MAX + 1 bytes) and its UUID to @uuid, and return true.
 * It stays until tvm_bind_remove().
 */
bool tvm_bind_find(pid_t tgid, char *name, u8 *uuid);
/*
 * Drop the binding of @tgid; its files, if it had any, are the caller's
 * to log and kfree().
 */
struct tvm_bind_files *tvm_bind_remove(pid_t tgid);

/* Whether a binding has @name or @uuid; either may be NULL. */
bool tvm_bind_taken(const char *name, const u8 *uuid);

/* Drop every binding; for module exit. */
void tvm_bind_uninit(void);

#endif /* _TVM_BIND_H */
