// SPDX-License-Identifier: GPL-2.0
/*
 * tvm_vsock.ko: vhost-vsock guest CIDs bound to the tvm VMs of their
 * VMMs (Documentation/vsock.rst).  Each test is the VMM: it creates real
 * KVM VMs through /dev/kvm and owns /dev/vhost-vsock devices, and checks
 * what VM_GET's TVM_A_VM_CIDS and tvm_vsock's counters say:
 *
 *  - a CID set by a process with one KVM VM is that VM's, and only
 *    while the device is open; a CID set again moves with it;
 *  - a CID released and reused by another VM is the new VM's only;
 *  - a process with no KVM VM, or several, leaves its CID unbound and
 *    counted;
 *  - the attribute is a reply's only: a request carrying it is refused.
 */

#include <signal.h>
#include <sys/wait.h>

#include "tvm_kvm.h"
#include "vsock_guest.h"
#include "../kselftest_harness.h"

#define CID_A	0x7e57a1U
#define CID_B	0x7e57a2U

FIXTURE(vsock) {
	struct tnl nl;
	bool have_nl;
	struct kvm_vm vm;
	int dev;
};

FIXTURE_SETUP(vsock)
{
	const char *why;
	int ret;

	self->vm.kvm = self->vm.fd = -1;
	self->dev = -1;
	ret = tnl_open(&self->nl);
	if (ret == -ENOENT)
		SKIP(return, "tvm.ko is not loaded");
	ASSERT_EQ(0, ret);
	self->have_nl = true;
	why = vg_unavailable();
	if (why)
		SKIP(return, "%s", why);
}

FIXTURE_TEARDOWN(vsock)
{
	if (self->dev >= 0)
		close(self->dev);
	if (self->vm.kvm >= 0)
		kvm_vm_destroy(&self->vm);
	if (self->have_nl)
		tnl_close(&self->nl);
}

/* The CIDs tvm lists for VM @id: the count, or -errno. */
static int cids_of(struct tnl *nl, uint32_t id, struct tk_vm *v)
{
	int ret = tk_vm_get(nl, id, v);

	if (ret)
		return ret;
	return v->has_cids ? v->ncids : -EPROTO;
}

static bool has_cid(const struct tk_vm *v, uint32_t cid)
{
	int i;

	for (i = 0; i < v->ncids; i++)
		if (v->cids[i] == cid)
			return true;
	return false;
}

struct cid_scan {
	uint32_t cid;
	int vms;		/* VMs listing @cid */
};

static int cid_scan_cb(const struct nlmsghdr *h, void *arg)
{
	struct cid_scan *s = arg;
	struct tk_vm v;

	tk_vm_parse(h, &v);
	if (has_cid(&v, s->cid))
		s->vms++;
	return 0;
}

/* Whether any VM tvm has lists @cid (a dump of every VM). */
static bool any_vm_has(struct tnl *nl, uint32_t cid)
{
	struct cid_scan s = { .cid = cid };
	struct tmsg m;

	tmsg_init(&m, nl, TVM_CMD_VM_GET, NLM_F_DUMP);
	return tnl_call(nl, &m, cid_scan_cb, &s) || s.vms;
}

/* This process's KVM VM, made now, and its tvm instance's id in *@id. */
static int make_vm(struct tnl *nl, struct kvm_vm *vm, uint32_t *id)
{
	struct tk_vm v;
	int ret = kvm_vm_create(vm);

	if (ret)
		return ret;
	ret = tk_vm_of(nl, getpid(), &v);
	if (!ret)
		*id = v.id;
	return ret;
}

TEST_F(vsock, cid_set_by_a_vmm_is_its_vm_s)
{
	long long bound = vg_stat("bound");
	struct tk_vm v;
	uint32_t id;

	ASSERT_LE(0, bound);
	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	ASSERT_EQ(0, cids_of(&self->nl, id, &v));
	self->dev = vg_open_cid(CID_A);
	ASSERT_LE(0, self->dev);
	EXPECT_EQ(1, cids_of(&self->nl, id, &v));
	EXPECT_EQ((uint32_t)CID_A, v.cids[0]);
	EXPECT_EQ(bound + 1, vg_stat("bound"));
}

TEST_F(vsock, release_unbinds)
{
	long long bound = vg_stat("bound");
	struct tk_vm v;
	uint32_t id;

	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	self->dev = vg_open_cid(CID_A);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(1, cids_of(&self->nl, id, &v));
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(0, cids_of(&self->nl, id, &v));
	EXPECT_EQ(bound, vg_stat("bound"));
	EXPECT_FALSE(any_vm_has(&self->nl, CID_A));
}

/* A device whose CID is set again: the VM lists the new CID only. */
TEST_F(vsock, cid_set_again_moves)
{
	struct tk_vm v;
	uint32_t id;

	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	self->dev = vg_open_cid(CID_A);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, vg_set_cid(self->dev, CID_B));
	EXPECT_EQ(1, cids_of(&self->nl, id, &v));
	EXPECT_EQ(CID_B, v.cids[0]);
	/* A refused set (the host's CID) changes nothing. */
	EXPECT_EQ(-EINVAL, vg_set_cid(self->dev, 2));
	EXPECT_EQ(1, cids_of(&self->nl, id, &v));
	EXPECT_EQ(CID_B, v.cids[0]);
}

/* Two devices of one VMM: both CIDs are its VM's. */
TEST_F(vsock, two_devices_two_cids)
{
	struct tk_vm v;
	uint32_t id;
	int dev2;

	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	self->dev = vg_open_cid(CID_A);
	ASSERT_LE(0, self->dev);
	dev2 = vg_open_cid(CID_B);
	ASSERT_LE(0, dev2);
	EXPECT_EQ(2, cids_of(&self->nl, id, &v));
	EXPECT_TRUE(has_cid(&v, CID_A));
	EXPECT_TRUE(has_cid(&v, CID_B));
	close(dev2);
	EXPECT_EQ(1, cids_of(&self->nl, id, &v));
	EXPECT_EQ((uint32_t)CID_A, v.cids[0]);
}

/*
 * A child VMM with its own VM binds CID_A, shows it, and releases it;
 * this process, another VM, then takes CID_A: the CID is the new VM's,
 * and the child's VM, still there, lists nothing.
 */
/*
 * A VM holds at most TVM_VM_CIDS_MAX CIDs: one more is left unbound and
 * counted, and the VM keeps the ones it had.
 */
TEST_F(vsock, a_cid_past_the_bound_is_unbound_and_counted)
{
	long long full = vg_stat("unbound_full");
	int dev[TVM_VM_CIDS_MAX + 1];
	struct tk_vm v;
	uint32_t id;
	int i;

	ASSERT_LE(0, full);
	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	for (i = 0; i <= TVM_VM_CIDS_MAX; i++) {
		dev[i] = vg_open_cid(CID_A + i);
		ASSERT_LE(0, dev[i]) TH_LOG("device %d", i);
	}
	EXPECT_EQ(TVM_VM_CIDS_MAX, cids_of(&self->nl, id, &v));
	EXPECT_FALSE(has_cid(&v, CID_A + TVM_VM_CIDS_MAX));
	EXPECT_TRUE(has_cid(&v, CID_A));
	EXPECT_FALSE(any_vm_has(&self->nl, CID_A + TVM_VM_CIDS_MAX));
	EXPECT_EQ(full + 1, vg_stat("unbound_full"));
	for (i = 0; i <= TVM_VM_CIDS_MAX; i++)
		close(dev[i]);
	EXPECT_EQ(0, cids_of(&self->nl, id, &v));
}

TEST_F(vsock, reused_cid_is_the_new_vm_s_only)
{
	int go[2], done[2], status;
	uint32_t id, child_id;
	struct tk_vm v;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct kvm_vm vm;
		int fd;

		close(go[1]);
		close(done[0]);
		if (kvm_vm_create(&vm))
			_exit(1);
		fd = vg_open_cid(CID_A);
		if (fd < 0)
			_exit(2);
		c = 1;
		if (write(done[1], &c, 1) != 1)	/* bound */
			_exit(3);
		if (read(go[0], &c, 1) != 1)	/* release it */
			_exit(4);
		close(fd);
		if (write(done[1], &c, 1) != 1)	/* released */
			_exit(5);
		if (read(go[0], &c, 1) != 0)	/* hold the VM till EOF */
			_exit(6);
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, tk_vm_of(&self->nl, pid, &v));
	child_id = v.id;
	ASSERT_EQ(1, cids_of(&self->nl, child_id, &v));
	ASSERT_EQ((uint32_t)CID_A, v.cids[0]);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(1, read(done[0], &c, 1));

	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	self->dev = vg_open_cid(CID_A);
	ASSERT_LE(0, self->dev);
	EXPECT_EQ(1, cids_of(&self->nl, id, &v));
	EXPECT_EQ((uint32_t)CID_A, v.cids[0]);
	EXPECT_EQ(0, cids_of(&self->nl, child_id, &v));

	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

/* No KVM VM in the process: the CID is no VM's, and counted. */
TEST_F(vsock, no_kvm_vm_leaves_it_unbound)
{
	long long novm = vg_stat("unbound_no_vm");
	long long bound = vg_stat("bound");

	ASSERT_LE(0, novm);
	self->dev = vg_open_cid(CID_A);
	ASSERT_LE(0, self->dev);
	EXPECT_EQ(novm + 1, vg_stat("unbound_no_vm"));
	EXPECT_EQ(bound, vg_stat("bound"));
	EXPECT_FALSE(any_vm_has(&self->nl, CID_A));
}

/* Two KVM VMs in the process: no way to tell which, so neither. */
TEST_F(vsock, several_kvm_vms_leave_it_unbound)
{
	long long several = vg_stat("unbound_several_vms");
	struct kvm_vm vm2;
	struct tk_scan s;

	ASSERT_LE(0, several);
	ASSERT_EQ(0, kvm_vm_create(&self->vm));
	ASSERT_EQ(0, kvm_vm_create(&vm2));
	ASSERT_EQ(0, tk_scan(&self->nl, getpid(), &s));
	ASSERT_EQ(2, s.of_pid);
	self->dev = vg_open_cid(CID_A);
	EXPECT_LE(0, self->dev);
	EXPECT_EQ(several + 1, vg_stat("unbound_several_vms"));
	EXPECT_FALSE(any_vm_has(&self->nl, CID_A));
	kvm_vm_destroy(&vm2);
}

/* TVM_A_VM_CIDS is in replies only: a VM_GET carrying it is refused. */
TEST_F(vsock, cids_attribute_refused_in_requests)
{
	struct tmsg m;
	uint32_t id;

	ASSERT_EQ(0, make_vm(&self->nl, &self->vm, &id));
	tmsg_init(&m, &self->nl, TVM_CMD_VM_GET, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_nest_start(&m, TVM_A_VM_CIDS);
	tmsg_put_u32(&m, TVM_A_VM_CID, CID_A);
	tmsg_nest_end(&m);
	EXPECT_EQ(-EINVAL, tnl_call(&self->nl, &m, NULL, NULL));
	EXPECT_NE(0, self->nl.extack[0]);
}

TEST_HARNESS_MAIN
