// SPDX-License-Identifier: GPL-2.0
/*
 * securityfs interface of tvm: the read-only files under
 * /sys/kernel/security/tvm/.  Documentation/securityfs.rst is the ABI.
 */

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/security.h>

#include <linux/tvm.h>

#include "securityfs.h"

/*
 * The dentries are created once at module init and removed at exit; nothing
 * else writes these pointers, so they need no lock.
 */
static struct dentry *tvm_dir;
static struct dentry *version_file;

static ssize_t version_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	char tmp[16];
	int len;

	len = scnprintf(tmp, sizeof(tmp), "%d\n", TVM_ABI_VERSION);
	return simple_read_from_buffer(buf, count, ppos, tmp, len);
}

static const struct file_operations version_fops = {
	.owner = THIS_MODULE,
	.read = version_read,
	.llseek = generic_file_llseek,
};

int tvm_securityfs_init(void)
{
	int ret;

	tvm_dir = securityfs_create_dir(TVM_SECURITYFS_DIR, NULL);
	if (IS_ERR(tvm_dir)) {
		ret = PTR_ERR(tvm_dir);
		goto err;
	}

	/* Root only: later files carry per-VM measurements. */
	version_file = securityfs_create_file("version", 0400, tvm_dir, NULL,
					      &version_fops);
	if (IS_ERR(version_file)) {
		ret = PTR_ERR(version_file);
		goto err_dir;
	}
	return 0;

err_dir:
	securityfs_remove(tvm_dir);
err:
	tvm_dir = NULL;
	version_file = NULL;
	return ret;
}

void tvm_securityfs_uninit(void)
{
	securityfs_remove(version_file);
	securityfs_remove(tvm_dir);
}
