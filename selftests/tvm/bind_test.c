// SPDX-License-Identifier: GPL-2.0
/*
 * TVM_CMD_VM_BIND (ABI 5), sent raw: a process is bound to the name and
 * UUID of the next KVM VM it creates.  Checks every refusal with its
 * errno (no such process, bound twice, name or UUID taken by a VM or
 * another binding, the bound of TVM_BINDINGS_MAX, privilege), that a
 * binding names the VM's name as taken for VM_CREATE, and that the
 * binding of a process that exited goes away.  VMs that use a binding are
 * KVM VMs; kvm_hooks_test covers them.
 */

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

#include "tvm_test.h"
#include "../kselftest_harness.h"

/* A child that waits to be killed (and dies with us); its pid or -1. */
static pid_t sleeper(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

FIXTURE(bind) {
	struct tnl nl;
	struct tvm_vms vms;
	pid_t kids[TVM_BINDINGS_MAX + 1];
	int nkids;
	bool no_tvm;
};

FIXTURE_SETUP(bind)
{
	TVM_SETUP_NL();
}

FIXTURE_TEARDOWN(bind)
{
	int i;

	if (self->no_tvm)
		return;
	for (i = 0; i < self->nkids; i++)
		reap(self->kids[i]);
	tvm_vms_delete(&self->nl, &self->vms);
	tnl_close(&self->nl);
}

/* A sleeping child, reaped by the teardown. */
#define KID() ({							\
	pid_t _p = sleeper();						\
									\
	ASSERT_LT(0, _p);						\
	self->kids[self->nkids++] = _p;					\
	_p;								\
})

/* A pid no process has: above any pid_max. */
#define NO_PID 0x7ffffff0u

TEST_F(bind, rejects_missing_process)
{
	NEED_TVM();
	EXPECT_EQ(-ESRCH, tvm_vm_bind(&self->nl, NO_PID, "bind-nobody", NULL));
	EXPECT_EXTACK("no such process");
	EXPECT_EQ(-ERANGE, tvm_vm_bind(&self->nl, 0, "bind-nobody", NULL));
}

TEST_F(bind, rejects_missing_and_bad_attributes)
{
	pid_t kid;

	NEED_TVM();
	kid = KID();
	EXPECT_EQ(-EINVAL, tvm_vm_bind(&self->nl, kid, NULL, NULL));
	EXPECT_EXTACK("needs a name");
	EXPECT_EQ(-EINVAL, tvm_vm_bind(&self->nl, kid, "12345", NULL));
	EXPECT_EXTACK("all digits");
	EXPECT_EQ(-EINVAL, tvm_vm_bind(&self->nl, kid, "bad name", NULL));
	EXPECT_EXTACK("may only hold");
	EXPECT_EQ(-EINVAL, tvm_vm_bind(&self->nl, kid, "", NULL));
	/* None of them bound it. */
	EXPECT_EQ(0, tvm_vm_bind(&self->nl, kid, "bind-attrs", NULL))
		TH_LOG("%s", self->nl.extack);
}

TEST_F(bind, rejects_duplicates)
{
	uint8_t uuid[TVM_UUID_SIZE] = { 0x7b, 0x1d };
	pid_t a, b;
	uint32_t id;

	NEED_TVM();
	a = KID();
	b = KID();
	ASSERT_EQ(0, tvm_vm_bind(&self->nl, a, "bind-dup", uuid))
		TH_LOG("%s", self->nl.extack);

	EXPECT_EQ(-EEXIST, tvm_vm_bind(&self->nl, a, "bind-dup-2", NULL));
	EXPECT_EXTACK("bound already");
	EXPECT_EQ(-EEXIST, tvm_vm_bind(&self->nl, b, "bind-dup", NULL));
	EXPECT_EXTACK("another binding has this name");
	EXPECT_EQ(-EEXIST, tvm_vm_bind(&self->nl, b, "bind-dup-3", uuid));
	EXPECT_EXTACK("another binding has this UUID");

	/* A VM's name is taken for bindings, and a binding's for VMs. */
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "bind-vm", 0, 0, &id));
	EXPECT_EQ(-EEXIST, tvm_vm_bind(&self->nl, b, "bind-vm", NULL));
	EXPECT_EXTACK("a VM with this name exists");
	EXPECT_EQ(-EEXIST, tvm_vm_create(&self->nl, "bind-dup", 0, 0, NULL));
	EXPECT_EXTACK("a binding");

	/* b is still free. */
	EXPECT_EQ(0, tvm_vm_bind(&self->nl, b, "bind-dup-4", NULL))
		TH_LOG("%s", self->nl.extack);
}

TEST_F(bind, binding_of_exited_process_goes)
{
	pid_t kid;

	NEED_TVM();
	kid = sleeper();
	ASSERT_LT(0, kid);
	ASSERT_EQ(0, tvm_vm_bind(&self->nl, kid, "bind-gone", NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EEXIST, tvm_vm_create(&self->nl, "bind-gone", 0, 0, NULL));
	reap(kid);

	/* The process is gone: so is its binding, and the name is free. */
	EXPECT_EQ(-ESRCH, tvm_vm_bind(&self->nl, kid, "bind-gone-2", NULL));
	kid = KID();
	EXPECT_EQ(0, tvm_vm_bind(&self->nl, kid, "bind-gone", NULL))
		TH_LOG("%s", self->nl.extack);
}

struct waiter {
	pid_t tid;
	int ready[2], done[2];
};

/* Say our thread id, then wait until told to finish. */
static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	char c;

	w->tid = gettid();
	if (write(w->ready[1], "r", 1) != 1)
		return NULL;
	if (read(w->done[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

TEST_F(bind, thread_binds_its_process)
{
	struct waiter w = {};
	pthread_t t;
	char c;

	NEED_TVM();
	/* Bind ourselves by a thread's id; the harness runs us in a child. */
	ASSERT_EQ(0, pipe(w.ready));
	ASSERT_EQ(0, pipe(w.done));
	ASSERT_EQ(0, pthread_create(&t, NULL, waiter_main, &w));
	ASSERT_EQ(1, read(w.ready[0], &c, 1));
	ASSERT_NE(getpid(), w.tid);
	EXPECT_EQ(0, tvm_vm_bind(&self->nl, w.tid, "bind-thread", NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EEXIST, tvm_vm_bind(&self->nl, getpid(), "bind-thread-2",
				       NULL));
	EXPECT_EXTACK("bound already");
	ASSERT_EQ(1, write(w.done[1], "d", 1));
	ASSERT_EQ(0, pthread_join(t, NULL));

	/* The thread is gone, its process is not: still bound. */
	EXPECT_EQ(-EEXIST, tvm_vm_bind(&self->nl, getpid(), "bind-thread-3",
				       NULL));
	EXPECT_EXTACK("bound already");
}

TEST_F(bind, bounded)
{
	char name[32];
	pid_t kid;
	int i;

	NEED_TVM();
	for (i = 0; i < TVM_BINDINGS_MAX; i++) {
		kid = KID();
		snprintf(name, sizeof(name), "bind-max-%d", i);
		ASSERT_EQ(0, tvm_vm_bind(&self->nl, kid, name, NULL))
			TH_LOG("binding %d: %s", i, self->nl.extack);
	}
	kid = KID();
	EXPECT_EQ(-ENOSPC, tvm_vm_bind(&self->nl, kid, "bind-max-x", NULL));
	EXPECT_EXTACK("TVM_BINDINGS_MAX");

	/* One process exits: its place is free again. */
	reap(self->kids[0]);
	self->kids[0] = 0;
	EXPECT_EQ(0, tvm_vm_bind(&self->nl, kid, "bind-max-x", NULL))
		TH_LOG("%s", self->nl.extack);
}

static int unprivileged_bind(uint32_t pid)
{
	struct tnl nl;

	if (tnl_open(&nl))
		return 1;
	if (!tvm_refused_cap(&nl, tvm_vm_bind(&nl, pid, "bind-unpriv", NULL)))
		return 2;
	return 0;
}

TEST_F(bind, needs_cap_sys_admin)
{
	pid_t kid;

	NEED_TVM();
	kid = KID();
	EXPECT_EQ(0, as_unprivileged_user(unprivileged_bind, kid));
	/* Not bound by the refused call. */
	EXPECT_EQ(0, tvm_vm_bind(&self->nl, kid, "bind-unpriv", NULL))
		TH_LOG("%s", self->nl.extack);
}

TEST_HARNESS_MAIN
