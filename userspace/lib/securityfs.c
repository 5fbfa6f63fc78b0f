// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <linux/tvm.h>

#include "securityfs.h"

const char *tvm_securityfs_dir(void)
{
	const char *dir = getenv("TVM_SECURITYFS");

	return dir && *dir ? dir : "/sys/kernel/security/" TVM_SECURITYFS_DIR;
}

int tvm_kernel_abi(int *abi)
{
	char path[PATH_MAX], buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	snprintf(path, sizeof(path), "%s/version", tvm_securityfs_dir());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v < 0 ||
	    v > INT_MAX)
		return -EPROTO;
	*abi = (int)v;
	return 0;
}
