// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-vsock works in the emulated host: /dev/vhost-vsock opens and
 * accepts an owner and a guest CID, and the kernel really tracks CIDs
 * (a second device cannot take one in use).  tvm_vsock binds these CIDs
 * to VMs later.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>

#include "../kselftest_harness.h"

static int open_owned(void)
{
	int fd = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (ioctl(fd, VHOST_SET_OWNER, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(vhost) {
	int fd;
};

FIXTURE_SETUP(vhost)
{
	self->fd = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "/dev/vhost-vsock: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, VHOST_SET_OWNER, 0));
}

FIXTURE_TEARDOWN(vhost)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(vhost, set_guest_cid)
{
	uint64_t cid = 1000;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_VSOCK_SET_GUEST_CID, &cid));
}

TEST_F(vhost, cid_in_use_is_refused)
{
	uint64_t cid = 1001;
	int other;

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	ASSERT_EQ(0, ioctl(self->fd, VHOST_VSOCK_SET_GUEST_CID, &cid));
	other = open_owned();
	ASSERT_LE(0, other);
	EXPECT_EQ(-1, ioctl(other, VHOST_VSOCK_SET_GUEST_CID, &cid));
	EXPECT_EQ(EADDRINUSE, errno);
	close(other);
}

TEST_F(vhost, reserved_cid_is_refused)
{
	uint64_t cid = 2;	/* VMADDR_CID_HOST */

	if (_metadata->skip)	/* SKIP() in setup; 6.1 runs the body */
		return;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_VSOCK_SET_GUEST_CID, &cid));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
