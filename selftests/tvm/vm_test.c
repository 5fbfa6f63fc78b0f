// SPDX-License-Identifier: GPL-2.0
/*
 * tvm instances over generic netlink, sent raw: creation, lookup by id,
 * name and UUID, dumps, deletion, and every way a request can be wrong,
 * each with its exact errno.  ABI 5: the VMM attributes, MEASURE_FILE
 * checked against OpenSSL, and VM_MEASURE of a VM that is not a KVM VM.
 */

#include <linux/capability.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>

#include "tvm_crypto.h"
#include "../kselftest_harness.h"

struct vm_info {
	uint32_t id, banks, state, log_max;
	uint64_t log_count;
	char name[TVM_NAME_MAX + 1];
	uint8_t uuid[TVM_UUID_SIZE];
	int n;
	bool has_pid, kvm;
	uint32_t pid;
};

static int info_cb(const struct nlmsghdr *h, void *arg)
{
	struct vm_info *v = arg;
	const struct nlattr *a;

	v->n++;
	if ((a = tmsg_attr(h, TVM_A_VM_ID)))
		v->id = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_BANKS)))
		v->banks = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_STATE)))
		v->state = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_MAX)))
		v->log_max = tattr_u32(a);
	if ((a = tmsg_attr(h, TVM_A_VM_LOG_COUNT)))
		v->log_count = tattr_u64(a);
	if ((a = tmsg_attr(h, TVM_A_VM_NAME)))
		snprintf(v->name, sizeof(v->name), "%s",
			 (const char *)tattr_data(a));
	if ((a = tmsg_attr(h, TVM_A_VM_UUID)) && tattr_len(a) == TVM_UUID_SIZE)
		memcpy(v->uuid, tattr_data(a), TVM_UUID_SIZE);
	if ((a = tmsg_attr(h, TVM_A_VM_PID))) {
		v->has_pid = true;
		v->pid = tattr_u32(a);
	}
	v->kvm = tmsg_attr(h, TVM_A_VM_KVM);
	return 0;
}

TVM_NL_FIXTURE(vm)

/* Send self->m; return the kernel's answer. */
#define CALL(cb, arg) tnl_call(&self->nl, &self->m, (cb), (arg))
#define INIT(cmd) tmsg_init(&self->m, &self->nl, (cmd), 0)

TEST_F(vm, create_get_delete)
{
	struct vm_info c = {}, g = {};
	struct stat st;
	char path[128];

	NEED_TVM();
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-basic");
	ASSERT_EQ(0, CALL(info_cb, &c)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(1, c.n);
	EXPECT_LT(0u, c.id);
	EXPECT_STREQ("vm-basic", c.name);
	EXPECT_EQ((unsigned int)TVM_BANKS_DEFAULT, c.banks);
	EXPECT_EQ((unsigned int)TVM_VM_ACTIVE, c.state);
	/* Host PCRs 0-7 and tvm's own PCR 8 are logged at creation. */
	EXPECT_EQ(CREATION_EVENTS, c.log_count);

	snprintf(path, sizeof(path), "/sys/kernel/security/tvm/vms/%u", c.id);
	EXPECT_EQ(0, stat(path, &st));

	/* The same VM by id, by name and by UUID. */
	INIT(TVM_CMD_VM_GET);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, c.id);
	ASSERT_EQ(0, CALL(info_cb, &g));
	EXPECT_STREQ("vm-basic", g.name);
	memset(&g, 0, sizeof(g));
	INIT(TVM_CMD_VM_GET);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-basic");
	ASSERT_EQ(0, CALL(info_cb, &g));
	EXPECT_EQ(c.id, g.id);
	memset(&g, 0, sizeof(g));
	INIT(TVM_CMD_VM_GET);
	tmsg_put(&self->m, TVM_A_VM_UUID, c.uuid, TVM_UUID_SIZE);
	ASSERT_EQ(0, CALL(info_cb, &g));
	EXPECT_EQ(c.id, g.id);

	ASSERT_EQ(0, tvm_vm_delete(&self->nl, c.id));
	INIT(TVM_CMD_VM_GET);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, c.id);
	EXPECT_EQ(-ENOENT, CALL(NULL, NULL));
	EXPECT_EXTACK("no such VM");
	EXPECT_EQ(-ENOENT, tvm_vm_delete(&self->nl, c.id));
	EXPECT_EQ(-1, stat(path, &st));
}

TEST_F(vm, create_with_uuid_banks_and_log_max)
{
	uint8_t uuid[TVM_UUID_SIZE] = { 0x12, 0x34, 0x56, 0x78, 9, 8, 7, 6,
					5, 4, 3, 2, 1, 0, 0xff, 0xee };
	struct vm_info c = {};

	NEED_TVM();
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-opts");
	tmsg_put(&self->m, TVM_A_VM_UUID, uuid, sizeof(uuid));
	/* SHA-256 is always there, even when not asked for. */
	tmsg_put_u32(&self->m, TVM_A_VM_BANKS, 1u << TVM_BANK_SHA1);
	tmsg_put_u32(&self->m, TVM_A_VM_LOG_MAX, 100);
	ASSERT_EQ(0, CALL(info_cb, &c)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(0, memcmp(uuid, c.uuid, sizeof(uuid)));
	EXPECT_EQ((1u << TVM_BANK_SHA1) | (1u << TVM_BANK_SHA256), c.banks);
	EXPECT_EQ(100u, c.log_max);

	/* The UUID is taken now, under any name. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-opts-2");
	tmsg_put(&self->m, TVM_A_VM_UUID, uuid, sizeof(uuid));
	EXPECT_EQ(-EEXIST, CALL(NULL, NULL));
	EXPECT_EXTACK("a VM with this UUID exists");

	ASSERT_EQ(0, tvm_vm_delete(&self->nl, c.id));
}

TEST_F(vm, create_rejects_taken_name)
{
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-dup", 0, 0, &id));
	EXPECT_EQ(-EEXIST, tvm_vm_create(&self->nl, "vm-dup", 0, 0, NULL));
	EXPECT_EXTACK("a VM with this name exists");
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
	/* Free again once deleted. */
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-dup", 0, 0, &id));
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

/* Each name VM_CREATE refuses (EINVAL, with a message): one result each. */
TVM_NL_FIXTURE(bad_name)

FIXTURE_VARIANT(bad_name) {
	const char *name;
};

#define BAD_NAME(variant_, name_)					\
	FIXTURE_VARIANT_ADD(bad_name, variant_) { .name = (name_) }

BAD_NAME(empty, "");
BAD_NAME(all_digits, "1234");
BAD_NAME(space, "a b");
BAD_NAME(slash, "a/b");
BAD_NAME(tab, "tab\there");
BAD_NAME(utf8, "caf\xc3\xa9");
BAD_NAME(uuid, "12345678-1234-1234-1234-123456789abc");

/* 64 bytes, one more than TVM_NAME_MAX: it breaks the policy. */
#define NAME_64 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" \
		"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
_Static_assert(sizeof(NAME_64) == TVM_NAME_MAX + 2, "a 64-byte name");

BAD_NAME(name_64_bytes, NAME_64);

TEST_F(bad_name, create_refuses)
{
	NEED_TVM();
	EXPECT_EQ(-EINVAL, tvm_vm_create(&self->nl, variant->name, 0, 0, NULL))
		TH_LOG("name '%s' accepted", variant->name);
	EXPECT_NE('\0', self->nl.extack[0]);
}

/* 63 bytes is the longest name. */
TEST_F(vm, create_takes_a_63_byte_name)
{
	char longname[TVM_NAME_MAX + 1];

	NEED_TVM();
	memset(longname, 'n', TVM_NAME_MAX);
	longname[TVM_NAME_MAX] = '\0';
	EXPECT_EQ(0, tvm_vm_create(&self->nl, longname, 0, 0, NULL));
	INIT(TVM_CMD_VM_DELETE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, longname);
	EXPECT_EQ(0, CALL(NULL, NULL));
}

TEST_F(vm, create_rejects_bad_attributes)
{
	uint16_t small = 1;

	NEED_TVM();
	/* No name. */
	INIT(TVM_CMD_VM_CREATE);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("a new VM needs a name");

	/* A bank that does not exist. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	tmsg_put_u32(&self->m, TVM_A_VM_BANKS, 1u << __TVM_BANK_MAX);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("reserved bit set");

	/* log_max below the minimum, and above the module's bound. */
	EXPECT_EQ(-ERANGE, tvm_vm_create(&self->nl, "vm-bad", 0, 15, NULL));
	EXPECT_EQ(-E2BIG, tvm_vm_create(&self->nl, "vm-bad", 0, 0xffffffff,
					NULL));
	EXPECT_EXTACK("log_max is above the module parameter log_max");

	/* A UUID of the wrong size. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	tmsg_put(&self->m, TVM_A_VM_UUID, "short", 5);
	EXPECT_EQ(-ERANGE, CALL(NULL, NULL));

	/* A u32 sent as 16 bits. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	tmsg_put(&self->m, TVM_A_VM_BANKS, &small, sizeof(small));
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("invalid attribute length");

	/* The name without its NUL. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put(&self->m, TVM_A_VM_NAME, "vm-bad", 6);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));

	/* An attribute create does not take (an id), and an unknown one. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	tmsg_put_u32(&self->m, TVM_A_VM_ID, 5);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("Unsupported attribute");
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	tmsg_put_u32(&self->m, TVM_A_MAX + 1, 5);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));

	/* A reply-only attribute. */
	INIT(TVM_CMD_VM_CREATE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	tmsg_put_u32(&self->m, TVM_A_VM_STATE, TVM_VM_ACTIVE);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));

	/* Nothing of the above was created. */
	INIT(TVM_CMD_VM_GET);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-bad");
	EXPECT_EQ(-ENOENT, CALL(NULL, NULL));
}

TEST_F(vm, selector_must_name_one_vm)
{
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-sel", 0, 0, &id));

	INIT(TVM_CMD_VM_GET);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("name the VM by id, name or UUID");

	INIT(TVM_CMD_VM_GET);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-sel");
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("name the VM by only one of id, name and UUID");

	INIT(TVM_CMD_VM_GET);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, 0);
	EXPECT_EQ(-ERANGE, CALL(NULL, NULL));

	INIT(TVM_CMD_VM_GET);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-none");
	EXPECT_EQ(-ENOENT, CALL(NULL, NULL));

	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

/*
 * What is wrong with a request itself is reported before its VM is looked
 * up: a request that also names no VM, or one that does not exist, gets
 * the same answer as with a VM (the kernel's pre_doit finds the VM).
 */
TEST_F(vm, request_is_checked_before_its_vm)
{
	const uint32_t none = 0x7ffffff0;

	NEED_TVM();

	INIT(TVM_CMD_PCR_EXTEND);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, none);
	tmsg_put(&self->m, TVM_A_EVENT_DATA, "x", 1);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("which PCR to extend?");

	INIT(TVM_CMD_PCR_EXTEND);
	tmsg_put_u32(&self->m, TVM_A_PCR_INDEX, 0);
	EXPECT_EQ(-EPERM, CALL(NULL, NULL));
	EXPECT_EXTACK("PCRs 0-8 are measured by the kernel only");

	INIT(TVM_CMD_PCR_EXTEND);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, none);
	tmsg_put_u32(&self->m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
	tmsg_put_u32(&self->m, TVM_A_EVENT_TYPE, TVM_EV_NO_ACTION);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("EV_NO_ACTION events are never extended");

	INIT(TVM_CMD_PCR_RESET);
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("which PCR to reset?");

	INIT(TVM_CMD_QUOTE);
	tmsg_put_str(&self->m, TVM_A_VM_NAME, "vm-none");
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("a quote needs a nonce");

	INIT(TVM_CMD_MEASURE_FILE);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, none);
	tmsg_put_str(&self->m, TVM_A_FILE_NAME, "f");
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("which file to measure?");

	INIT(TVM_CMD_MEASURE_FILE);
	tmsg_put_u32(&self->m, TVM_A_FILE_FD, 0);
	tmsg_put_str(&self->m, TVM_A_FILE_NAME, "");
	EXPECT_EQ(-EINVAL, CALL(NULL, NULL));
	EXPECT_EXTACK("empty file name");

	/* With nothing else wrong, the VM is what is refused. */
	INIT(TVM_CMD_PCR_RESET);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, none);
	tmsg_put_u32(&self->m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
	EXPECT_EQ(-ENOENT, CALL(NULL, NULL));
	EXPECT_EXTACK("no such VM");
}

TEST_F(vm, dump_lists_every_vm_once)
{
	struct vm_info d = {};
	uint32_t ids[5];
	int before, i;

	NEED_TVM();
	before = tvm_vm_count(&self->nl);
	ASSERT_LE(0, before);
	for (i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "vm-dump-%d", i);
		ASSERT_EQ(0, tvm_vm_create(&self->nl, name, 0, 0, &ids[i]));
	}
	EXPECT_EQ(before + 5, tvm_vm_count(&self->nl));

	/* A dump takes no attributes. */
	tmsg_init(&self->m, &self->nl, TVM_CMD_VM_GET, NLM_F_DUMP);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, ids[0]);
	EXPECT_EQ(-EINVAL, CALL(info_cb, &d));
	EXPECT_EQ(0, d.n);

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, tvm_vm_delete(&self->nl, ids[i]));
	EXPECT_EQ(before, tvm_vm_count(&self->nl));
}

/* 0 if changes and reads alike fail with EPERM. */
static int unprivileged_calls(uint32_t id)
{
	struct tnl nl;
	struct tmsg m;
	uint8_t d[__TVM_BANK_MAX][TVM_DIGEST_MAX] = {};

	if (tnl_open(&nl))
		return 1;
	if (tvm_vm_create(&nl, "vm-unpriv-2", 0, 0, NULL) != -EPERM)
		return 2;
	if (tvm_vm_delete(&nl, id) != -EPERM)
		return 3;
	if (tvm_extend_data(&nl, id, TVM_PCR_DEBUG, "x", 1, NULL) != -EPERM)
		return 4;
	if (tvm_extend_digests(&nl, id, TVM_PCR_DEBUG, TVM_EV_EXTEND,
			       TVM_BANKS_DEFAULT,
			       d, NULL, 0, NULL) != -EPERM)
		return 5;
	tmsg_init(&m, &nl, TVM_CMD_PCR_RESET, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	tmsg_put_u32(&m, TVM_A_PCR_INDEX, TVM_PCR_DEBUG);
	if (tnl_call(&nl, &m, NULL, NULL) != -EPERM)
		return 6;
	if (tvm_measure_file(&nl, id, 0, "f", NULL) != -EPERM)
		return 8;
	if (tvm_vm_measure(&nl, id) != -EPERM)
		return 9;
	/* Reads give what root-only securityfs files give: refused too. */
	tmsg_init(&m, &nl, TVM_CMD_VM_GET, 0);
	tmsg_put_u32(&m, TVM_A_VM_ID, id);
	if (!tvm_refused_cap(&nl, tnl_call(&nl, &m, NULL, NULL)))
		return 7;
	return 0;
}

TEST_F(vm, changes_and_reads_need_cap_sys_admin)
{
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-unpriv", 0, 0, &id));
	EXPECT_EQ(0, as_unprivileged_user(unprivileged_calls, id));
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

/* --- ABI 5: KVM VMs ------------------------------------------------------ */

TEST_F(vm, created_vm_has_no_vmm)
{
	struct vm_info g = {};
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-no-vmm", 0, 0, &id));
	INIT(TVM_CMD_VM_GET);
	tmsg_put_u32(&self->m, TVM_A_VM_ID, id);
	ASSERT_EQ(0, CALL(info_cb, &g)) TH_LOG("%s", self->nl.extack);
	EXPECT_TRUE(g.has_pid);
	EXPECT_EQ(0u, g.pid);
	EXPECT_FALSE(g.kvm);
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

TEST_F(vm, measure_needs_a_kvm_vm)
{
	uint32_t id;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-measure", 0, 0, &id));
	EXPECT_EQ(-EOPNOTSUPP, tvm_vm_measure(&self->nl, id));
	EXPECT_EXTACK("not a KVM VM");
	EXPECT_EQ(-ENOENT, tvm_vm_measure(&self->nl, 0x7ffffff0));
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

#define MF_PATH "/tmp/tvm-vm-test-measure-file"

/* A file of @len fixed pseudo-random bytes at MF_PATH; its bytes. */
static uint8_t *make_file(size_t len)
{
	uint64_t seed = 0x5eed0f11e;
	uint8_t *buf = malloc(len ? len : 1);
	int fd;

	if (!buf)
		return NULL;
	rnd_bytes(&seed, buf, len);
	fd = open(MF_PATH, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Sizes around the kernel's 64 KiB reads, and an empty file. */
static const size_t mf_sizes[] = { 0, 1, 65536, 65536 * 3 + 17 };

TEST_F(vm, measure_file_matches_openssl)
{
	struct tvm_log log = {};
	struct tvm_pcrs got;
	uint8_t want[__TVM_BANK_MAX][TVM_DIGEST_MAX] = {}, h[TVM_DIGEST_MAX];
	char name[32];
	uint64_t seq;
	unsigned int b, i;
	uint32_t id;
	uint8_t *data;
	int fd;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-mfile", TVM_BANKS_ALL, 0,
				   &id));
	for (i = 0; i < sizeof(mf_sizes) / sizeof(mf_sizes[0]); i++) {
		data = make_file(mf_sizes[i]);
		ASSERT_NE(NULL, data);
		fd = open(MF_PATH, O_RDONLY);
		ASSERT_LE(0, fd);
		snprintf(name, sizeof(name), "file-%zu", mf_sizes[i]);
		ASSERT_EQ(0, tvm_measure_file(&self->nl, id, fd, name, &seq))
			TH_LOG("%s: %s", name, self->nl.extack);
		close(fd);

		tvm_log_free(&log);
		ASSERT_EQ(0, tvm_log_dump(&self->nl, id, seq, &log));
		ASSERT_EQ(1u, log.n);
		EXPECT_EQ(seq, log.ev[0].seq);
		EXPECT_EQ((uint32_t)TVM_PCR_OS, log.ev[0].pcr);
		EXPECT_EQ((uint32_t)TVM_EV_FILE, log.ev[0].type);
		ASSERT_EQ(strlen(name), log.ev[0].data_len);
		EXPECT_EQ(0, memcmp(name, log.ev[0].data, strlen(name)));
		for (b = 0; b < __TVM_BANK_MAX; b++) {
			ASSERT_EQ(0, md(b, data, mf_sizes[i], h));
			EXPECT_PCR(h, log.ev[0].digest[b], b, TVM_PCR_OS);
			ASSERT_EQ(0, extend(b, want[b], h));
		}
		free(data);
	}

	/* Nothing else extends PCR 9 of a created VM. */
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &got));
	for (b = 0; b < __TVM_BANK_MAX; b++)
		EXPECT_PCR(want[b], got.v[b][TVM_PCR_OS], b, TVM_PCR_OS);
	tvm_log_free(&log);
	unlink(MF_PATH);
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

TEST_F(vm, measure_file_rejects_bad_files)
{
	char long_name[TVM_EVENT_NAME_MAX + 2];
	struct tvm_pcrs before, after;
	uint8_t *data;
	uint32_t id;
	int fd, dfd, wfd, pfd, closed;

	NEED_TVM();
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "vm-mfile-bad", 0, 0, &id));
	data = make_file(100);
	ASSERT_NE(NULL, data);
	free(data);
	fd = open(MF_PATH, O_RDONLY);
	dfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	wfd = open(MF_PATH, O_WRONLY);
	pfd = open(MF_PATH, O_PATH);
	closed = open(MF_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, dfd);
	ASSERT_LE(0, wfd);
	ASSERT_LE(0, pfd);
	ASSERT_LE(0, closed);
	ASSERT_EQ(0, close(closed));
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &before));

	EXPECT_EQ(-EBADF, tvm_measure_file(&self->nl, id, -1, "f", NULL));
	EXPECT_EXTACK("not an open file descriptor");
	EXPECT_EQ(-EBADF, tvm_measure_file(&self->nl, id, closed, "f", NULL));
	EXPECT_EXTACK("not an open file descriptor");
	EXPECT_EQ(-EBADF, tvm_measure_file(&self->nl, id, pfd, "f", NULL));
	EXPECT_EQ(-EINVAL, tvm_measure_file(&self->nl, id, dfd, "f", NULL));
	EXPECT_EXTACK("not a regular file open for reading");
	EXPECT_EQ(-EINVAL, tvm_measure_file(&self->nl, id, wfd, "f", NULL));
	EXPECT_EXTACK("not a regular file open for reading");

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	EXPECT_EQ(-EINVAL, tvm_measure_file(&self->nl, id, fd, long_name,
					    NULL));
	EXPECT_NE('\0', self->nl.extack[0]);
	long_name[TVM_EVENT_NAME_MAX] = '\0';	/* the longest is fine */
	EXPECT_EQ(0, tvm_measure_file(&self->nl, id, fd, long_name, NULL))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-EINVAL, tvm_measure_file(&self->nl, id, fd, "", NULL));
	EXPECT_EXTACK("empty file name");
	EXPECT_EQ(-EINVAL, tvm_measure_file(&self->nl, id, fd, NULL, NULL));
	EXPECT_EXTACK("needs a name");
	EXPECT_EQ(-ENOENT, tvm_measure_file(&self->nl, 0x7ffffff0, fd, "f",
					    NULL));

	/* Only the good one was logged. */
	ASSERT_EQ(0, tvm_pcr_read(&self->nl, id, &after));
	EXPECT_EQ(before.log_count + 1, after.log_count);

	close(fd);
	close(dfd);
	close(wfd);
	close(pfd);
	unlink(MF_PATH);
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
}

/* What the deleter of vm.delete_races_creation knows. */
struct race {
	uint32_t last;		/* __atomic: the id the creator got last */
	int stop;		/* __atomic */
	long deletes;
};

/* Delete the id after the creator's last, as fast as it can. */
static void *race_deleter(void *arg)
{
	struct race *r = arg;
	struct tnl nl;

	if (tnl_open(&nl))
		return NULL;
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
		if (!tvm_vm_delete(&nl, __atomic_load_n(&r->last,
							__ATOMIC_ACQUIRE) + 1))
			r->deletes++;
	tnl_close(&nl);
	return NULL;
}

/*
 * VM_CREATE while another thread deletes the id it is about to get: a
 * VM is visible from the moment it is linked, so it must hold the
 * creator's reference by then, or the delete frees it under the
 * creator's feet (refcount_t "addition on 0; use-after-free" in the
 * kernel log, which fails the run).  Every creation succeeds and
 * replies with its VM; nothing is left behind.
 */
TEST_F_TIMEOUT(vm, delete_races_creation, 120)
{
	struct race r = { 0 };
	pthread_t t;
	uint32_t id;
	int i, ret, before;
	char name[32];

	if (self->no_tvm)
		return;
	before = tvm_vm_count(&self->nl);
	ASSERT_EQ(0, tvm_vm_create(&self->nl, "race-first", 0, 0, &id));
	ASSERT_EQ(0, tvm_vm_delete(&self->nl, id));
	__atomic_store_n(&r.last, id, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_create(&t, NULL, race_deleter, &r));
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "race-%d", i);
		ret = tvm_vm_create(&self->nl, name, 0, 0, &id);
		if (ret) {
			EXPECT_EQ(0, ret) TH_LOG("create %s: %s", name,
						 strerror(-ret));
			break;
		}
		EXPECT_NE(0u, id);
		__atomic_store_n(&r.last, id, __ATOMIC_RELEASE);
		tvm_vm_delete(&self->nl, id);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	TH_LOG("%d creations, %ld deleted by the other thread", i, r.deletes);
	EXPECT_EQ(before, tvm_vm_count(&self->nl));
}

TEST_HARNESS_MAIN
