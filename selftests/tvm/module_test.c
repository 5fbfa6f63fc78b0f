// SPDX-License-Identifier: GPL-2.0
/*
 * tvm.ko: it is loaded, reports its ABI version in securityfs, and unloads
 * and reloads cleanly.
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

FIXTURE(module) {};

FIXTURE_SETUP(module)
{
	struct stat st;

	if (stat("/sys/module/tvm", &st))
		SKIP(return, "tvm.ko is not loaded");
}

FIXTURE_TEARDOWN(module) {}

TEST_F(module, version_reads_abi_version)
{
	char buf[32], want[32];

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

TEST_F(module, version_is_root_only_and_read_only)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0, stat(VERSION_FILE, &st));
	EXPECT_EQ(0400u, st.st_mode & 07777);
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

	snprintf(want, sizeof(want), "%d\n", TVM_ABI_VERSION);

	/* Nothing else uses tvm yet, so unloading must succeed. */
	ASSERT_EQ(0, syscall(__NR_delete_module, "tvm", O_NONBLOCK))
		TH_LOG("delete_module(tvm): %s", strerror(errno));
	EXPECT_EQ(-1, stat(TVM_DIR, &st));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, stat("/sys/module/tvm", &st));

	ASSERT_EQ(0, system("modprobe tvm"));
	ASSERT_LT(0, read_file(VERSION_FILE, buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
}

TEST_HARNESS_MAIN
