// SPDX-License-Identifier: GPL-2.0
/*
 * tvm.ko: it is loaded, reports its ABI version in securityfs, and unloads
 * and reloads cleanly.  tvm_kvm.ko uses it: the tests that unload tvm take
 * tvm_kvm out first (no KVM VM exists while they run) and put it back.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/tvm.h>

#include "tvm_test.h"
#include "../kselftest_harness.h"

#define TVM_DIR "/sys/kernel/security/" TVM_SECURITYFS_DIR
#define VERSION_FILE TVM_DIR "/version"

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static bool loaded(const char *mod)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	return stat(path, &st) == 0;
}

FIXTURE(module) {
	bool kvm;	/* tvm_kvm was loaded: put it back */
	bool vsock;	/* tvm_vsock was loaded: put it back */
};

FIXTURE_SETUP(module)
{
	if (!loaded("tvm"))
		SKIP(return, "tvm.ko is not loaded");
	self->kvm = loaded("tvm_kvm");
	self->vsock = loaded("tvm_vsock");
}

FIXTURE_TEARDOWN(module)
{
	if (self->kvm && !loaded("tvm_kvm") && system("modprobe tvm_kvm"))
		TH_LOG("modprobe tvm_kvm failed");
	if (self->vsock && !loaded("tvm_vsock") && system("modprobe tvm_vsock"))
		TH_LOG("modprobe tvm_vsock failed");
}

/* Take out what uses tvm, so that only tvm itself can refuse to go. */
static int unload_users(struct __test_metadata *_metadata)
{
	if (loaded("tvm_vsock") &&
	    syscall(__NR_delete_module, "tvm_vsock", O_NONBLOCK)) {
		TH_LOG("delete_module(tvm_vsock): %s", strerror(errno));
		return -1;
	}
	if (loaded("tvm_kvm") &&
	    syscall(__NR_delete_module, "tvm_kvm", O_NONBLOCK)) {
		TH_LOG("delete_module(tvm_kvm): %s", strerror(errno));
		return -1;
	}
	return 0;
}

TEST_F(module, unload_refused_while_tvm_kvm_uses_it)
{
	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	if (!self->kvm)
		SKIP(return, "tvm_kvm.ko is not loaded");
	EXPECT_EQ(-1, syscall(__NR_delete_module, "tvm", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(loaded("tvm"));
}

TEST_F(module, version_reads_abi_version)
{
	char buf[32], want[32];

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	snprintf(want, sizeof(want), "%d\n", TVM_ABI_VERSION);
	ASSERT_LT(0, read_file(VERSION_FILE, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST_F(module, version_reads_byte_by_byte)
{
	char want[32], got[32] = "";
	size_t len = 0;
	char c;
	int fd;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	snprintf(want, sizeof(want), "%d\n", TVM_ABI_VERSION);
	fd = open(VERSION_FILE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	while (len < sizeof(got) - 1 && read(fd, &c, 1) == 1)
		got[len++] = c;
	got[len] = '\0';
	EXPECT_STREQ(want, got);
	/* At the end, a read returns 0, not the text again. */
	EXPECT_EQ(0, read(fd, &c, 1));
	close(fd);
}

/* Anyone may read the ABI version (ABI 7; privilege_test reads it). */
TEST_F(module, version_is_world_readable_and_read_only)
{
	struct stat st;
	int fd;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, stat(VERSION_FILE, &st));
	EXPECT_EQ(0444u, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);

	/* Root may open it for writing (DAC override), but it takes nothing. */
	fd = open(VERSION_FILE, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		EXPECT_EQ(-1, write(fd, "2\n", 2));
		EXPECT_EQ(EINVAL, errno);
		close(fd);
	} else {
		EXPECT_EQ(EACCES, errno);
	}
}

TEST_F(module, unloads_and_reloads)
{
	char buf[32], want[32];
	struct stat st;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	snprintf(want, sizeof(want), "%d\n", TVM_ABI_VERSION);

	/* With its users gone, unloading must succeed. */
	ASSERT_EQ(0, unload_users(_metadata));
	ASSERT_EQ(0, syscall(__NR_delete_module, "tvm", O_NONBLOCK))
		TH_LOG("delete_module(tvm): %s", strerror(errno));
	EXPECT_EQ(-1, stat(TVM_DIR, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, stat("/sys/module/tvm", &st));

	ASSERT_EQ(0, system("modprobe tvm"));
	ASSERT_LT(0, read_file(VERSION_FILE, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST_F(module, unloads_with_vms_alive)
{
	struct tvm_pcrs pcrs;
	struct tnl nl;
	struct stat st;
	uint32_t id;
	int i;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, tnl_open(&nl));
	for (i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "unload-%d", i);
		ASSERT_EQ(0, tvm_vm_create(&nl, name, TVM_BANKS_ALL, 0, &id));
		ASSERT_EQ(0, tvm_extend_data(&nl, id, TVM_PCR_OS, "x", 1,
					     NULL));
	}
	tnl_close(&nl);

	/* tvm frees every VM on the way out. */
	ASSERT_EQ(0, unload_users(_metadata));
	ASSERT_EQ(0, syscall(__NR_delete_module, "tvm", O_NONBLOCK))
		TH_LOG("delete_module(tvm): %s", strerror(errno));
	EXPECT_EQ(-1, stat("/sys/module/tvm", &st));
	ASSERT_EQ(0, system("modprobe tvm"));

	/* It comes back empty, and works. */
	ASSERT_EQ(0, tnl_open(&nl));
	EXPECT_EQ(0, tvm_vm_count(&nl));
	ASSERT_EQ(0, tvm_vm_create(&nl, "unload-0", 0, 0, &id));
	ASSERT_EQ(0, tvm_pcr_read(&nl, id, &pcrs));
	EXPECT_EQ(CREATION_EVENTS, pcrs.log_count);
	EXPECT_EQ(0, tvm_vm_delete(&nl, id));
	tnl_close(&nl);
}

TEST_F(module, unload_refused_while_a_file_is_open)
{
	struct tnl nl;
	char path[96];
	uint32_t id;
	int fd;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, tnl_open(&nl));
	ASSERT_EQ(0, tvm_vm_create(&nl, "unload-busy", 0, 0, &id));
	snprintf(path, sizeof(path), TVM_DIR "/vms/%u/ascii_measurements", id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);

	/* An open file pins the module: unloading fails, nothing breaks. */
	EXPECT_EQ(-1, syscall(__NR_delete_module, "tvm", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(fd);
	EXPECT_EQ(0, tvm_vm_delete(&nl, id));
	tnl_close(&nl);
}

TEST_HARNESS_MAIN
