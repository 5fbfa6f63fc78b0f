/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM side of a vhost-vsock device for the vsock selftests: open
 * /dev/vhost-vsock, become its owner and set its guest CID, as QEMU does
 * for a vhost-vsock-pci device (VSOCK.md (b), steps 1, 2 and 8).  The
 * binding of a CID to a VM needs no more: the virtqueues only matter once
 * packets flow.
 */
#ifndef _TVM_SELFTEST_VSOCK_GUEST_H
#define _TVM_SELFTEST_VSOCK_GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>

#define VSOCK_STATS "/sys/module/tvm_vsock/stats/"

/* A device owned by the caller, no CID yet: its fd, or -errno. */
static inline int vg_open(void)
{
	int fd = open("/dev/vhost-vsock", O_RDWR | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VHOST_SET_OWNER, 0)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* VHOST_VSOCK_SET_GUEST_CID; 0 or -errno. */
static inline int vg_set_cid(int fd, uint64_t cid)
{
	return ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid) ? -errno : 0;
}

/* An owned device with guest CID @cid: its fd, or -errno. */
static inline int vg_open_cid(uint64_t cid)
{
	int fd = vg_open(), err;

	if (fd < 0)
		return fd;
	err = vg_set_cid(fd, cid);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* tvm_vsock's counter @name, or -1 when it cannot be read. */
static inline long long vg_stat(const char *name)
{
	char path[128], buf[32];
	long long v = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), VSOCK_STATS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = strtoll(buf, NULL, 10);
	}
	return v;
}

#endif /* _TVM_SELFTEST_VSOCK_GUEST_H */
