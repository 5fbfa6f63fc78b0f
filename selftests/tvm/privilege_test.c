// SPDX-License-Identifier: GPL-2.0
/*
 * Who may see and do what (ABI 7), as a real unprivileged user: uid and
 * gid 65534, no groups, no capabilities (as_unprivileged_user()).  Every
 * netlink command, read or change, doit or dump, is refused with EPERM and
 * an extack naming CAP_SYS_ADMIN, since reads give what the root-only
 * securityfs files give; joining the "events" group is refused too; the
 * securityfs ABI version is anyone's, stats are not.  A child that cannot
 * become that user fails the test: it never passes as root.
 */

#include <fcntl.h>

#include "tvm_test.h"
#include "../kselftest_harness.h"

FIXTURE(priv) {
	struct tnl nl;
	struct tmsg m;
	struct tvm_vms vms;
	bool no_tvm;
};

FIXTURE_SETUP(priv)
{
	TVM_SETUP_NL();
}

FIXTURE_TEARDOWN(priv)
{
	if (!self->no_tvm) {
		tvm_vms_delete(&self->nl, &self->vms);
		tnl_close(&self->nl);
	}
}

/*
 * Each command, sent with no attributes by an unprivileged user, is
 * refused before it is parsed: EPERM, the extack naming CAP_SYS_ADMIN.
 * One result a command, with the priv fixture's state.
 */
FIXTURE(command) {
	FIXTURE_DATA(priv) s;
};

FIXTURE_VARIANT(command) {
	uint8_t cmd;
	bool dump;
};

FIXTURE_SETUP(command)
{
	priv_setup(_metadata, &self->s, NULL);
}

FIXTURE_TEARDOWN(command)
{
	priv_teardown(_metadata, &self->s, NULL);
}

/* One case a command: @dump_ sends it as a dump. */
#define COMMAND(name, cmd_, dump_)					\
	FIXTURE_VARIANT_ADD(command, name) {				\
		.cmd = (cmd_), .dump = (dump_),				\
	}

COMMAND(vm_create, TVM_CMD_VM_CREATE, false);
COMMAND(vm_delete, TVM_CMD_VM_DELETE, false);
COMMAND(vm_get, TVM_CMD_VM_GET, false);
COMMAND(vm_get_dump, TVM_CMD_VM_GET, true);
COMMAND(pcr_read, TVM_CMD_PCR_READ, false);
COMMAND(pcr_extend, TVM_CMD_PCR_EXTEND, false);
COMMAND(pcr_extend_batch, TVM_CMD_PCR_EXTEND_BATCH, false);
COMMAND(pcr_reset, TVM_CMD_PCR_RESET, false);
COMMAND(log_dump, TVM_CMD_LOG_DUMP, true);
COMMAND(policy_load, TVM_CMD_POLICY_LOAD, false);
COMMAND(policy_get, TVM_CMD_POLICY_GET, false);
COMMAND(policy_get_dump, TVM_CMD_POLICY_GET, true);
COMMAND(policy_delete, TVM_CMD_POLICY_DELETE, false);
COMMAND(vm_launch, TVM_CMD_VM_LAUNCH, false);
COMMAND(ak_set, TVM_CMD_AK_SET, false);
COMMAND(ak_get, TVM_CMD_AK_GET, false);
COMMAND(quote, TVM_CMD_QUOTE, false);
COMMAND(vm_bind, TVM_CMD_VM_BIND, false);
COMMAND(vm_measure, TVM_CMD_VM_MEASURE, false);
COMMAND(measure_file, TVM_CMD_MEASURE_FILE, false);
COMMAND(flow_get_dump, TVM_CMD_FLOW_GET, true);
COMMAND(migrate_prepare, TVM_CMD_MIGRATE_PREPARE, false);
COMMAND(migrate_export, TVM_CMD_MIGRATE_EXPORT, false);
COMMAND(migrate_import, TVM_CMD_MIGRATE_IMPORT, false);
COMMAND(migrate_commit, TVM_CMD_MIGRATE_COMMIT, false);
COMMAND(migrate_abort, TVM_CMD_MIGRATE_ABORT, false);
COMMAND(migrate_get_dump, TVM_CMD_MIGRATE_GET, true);

/* The command the unprivileged child sends (fork copies it). */
static const FIXTURE_VARIANT(command) *the_command;

/*
 * In the unprivileged child: 0 if the_command fails with EPERM and the
 * extack names CAP_SYS_ADMIN; else 1, after saying why on stderr.
 */
static int one_command(uint32_t id)
{
	static struct tmsg m;
	struct tnl nl;
	int ret;

	if (tnl_open(&nl))
		return 99;
	tmsg_init(&m, &nl, the_command->cmd,
		  the_command->dump ? NLM_F_DUMP : 0);
	ret = tnl_call(&nl, &m, NULL, NULL);
	if (!tvm_refused_cap(&nl, ret)) {
		fprintf(stderr, "# as uid %d: %d (%s), extack \"%s\"\n",
			TVM_TEST_UID, ret, strerror(-ret), nl.extack);
		return 1;
	}
	tnl_close(&nl);
	return 0;
}

TEST_F(command, needs_cap_sys_admin)
{
	uint32_t id;

	if (self->s.no_tvm)	/* SKIP() in setup; 6.1 runs the body */
		return;
	/* A VM to read, so that a read would have something to return. */
	ASSERT_EQ(0, tvm_vm_new(&self->s.nl, &self->s.vms, "priv-1", 0, 0,
				&id));
	the_command = variant;
	EXPECT_EQ(0, as_unprivileged_user(one_command, id));
}

/*
 * In the unprivileged child: 0 if a well-formed batch of two extends of
 * VM @id is refused with EPERM before any event (no cookie).
 */
static int batch_extend(uint32_t id)
{
	static struct tmsg m;
	struct tnl nl;
	int i, ret;

	if (tnl_open(&nl))
		return 99;
	tmsg_init(&m, &nl, TVM_CMD_PCR_EXTEND_BATCH, 0);
	tmsg_nest_start(&m, TVM_A_BATCH);
	for (i = 0; i < 2; i++) {
		tmsg_nest_start(&m, TVM_A_BATCH_EVENT);
		tmsg_put_u32(&m, TVM_A_VM_ID, id);
		tmsg_put_u32(&m, TVM_A_PCR_INDEX, TVM_PCR_APP);
		tmsg_put(&m, TVM_A_EVENT_DATA, "u", 1);
		tmsg_nest_end(&m);
	}
	tmsg_nest_end(&m);
	ret = tnl_call(&nl, &m, NULL, NULL);
	if (!tvm_refused_cap(&nl, ret) || nl.cookie_len) {
		fprintf(stderr, "# batch as uid %d: %d (%s), extack \"%s\"\n",
			TVM_TEST_UID, ret, strerror(-ret), nl.extack);
		return 1;
	}
	tnl_close(&nl);
	return 0;
}

static int log_count_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = tmsg_attr(h, TVM_A_VM_LOG_COUNT);

	if (a)
		*(uint64_t *)arg = tattr_u64(a);
	return 0;
}

/*
 * A batch is no way around the capability: an unprivileged user's batch
 * naming an existing VM extends nothing (ABI 13).
 */
TEST_F(priv, batch_extend_needs_cap_sys_admin)
{
	uint64_t before = 0, after = 0;
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_new(&self->nl, &self->vms, "priv-batch", 0, 0,
				&id));
	ASSERT_EQ(0, tvm_vm_call(&self->nl, TVM_CMD_VM_GET, id, log_count_cb,
				 &before));
	EXPECT_EQ(0, as_unprivileged_user(batch_extend, id));
	ASSERT_EQ(0, tvm_vm_call(&self->nl, TVM_CMD_VM_GET, id, log_count_cb,
				 &after));
	EXPECT_EQ(before, after);
}

/* 0 if joining group @grp fails with EPERM. */
static int join_events(uint32_t grp)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 1;
	ret = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			 sizeof(grp));
	close(fd);
	if (ret == 0)
		return 2;
	return errno == EPERM ? 0 : 3;
}

TEST_F(priv, events_group_needs_cap_sys_admin)
{
	uint32_t grp = 0;

	NEED_TVM();
	ASSERT_EQ(0, tvm_events_group(&self->nl, &grp));
	EXPECT_EQ(0, as_unprivileged_user(join_events, grp));
}

/* 0 if tvm/version reads @abi and tvm/stats cannot be opened. */
static int securityfs_files(uint32_t abi)
{
	char buf[16] = "";
	int fd;

	fd = open("/sys/kernel/security/tvm/version", O_RDONLY);
	if (fd < 0)
		return 1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		return 2;
	close(fd);
	if ((uint32_t)atoi(buf) != abi)
		return 3;
	fd = open("/sys/kernel/security/tvm/stats", O_RDONLY);
	if (fd >= 0 || errno != EACCES)
		return 4;
	return 0;
}

TEST_F(priv, securityfs_version_is_anyones_stats_are_not)
{
	NEED_TVM();
	EXPECT_EQ(0, as_unprivileged_user(securityfs_files, TVM_ABI_VERSION));
}

/* The child really is the user: the check in as_unprivileged_user(). */
static int who_am_i(uint32_t unused)
{
	return getuid() == TVM_TEST_UID && geteuid() == TVM_TEST_UID &&
	       tvm_no_caps() == 1 ? 0 : 1;
}

TEST_F(priv, tests_run_as_a_real_unprivileged_user)
{
	EXPECT_EQ(0, as_unprivileged_user(who_am_i, 0));
}

TEST_HARNESS_MAIN
