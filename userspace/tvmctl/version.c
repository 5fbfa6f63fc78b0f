// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl version: the versions of tvmctl, of the ABI it was built for and
 * of the running kernel's tvm, and whether the two ABIs agree.
 */
#include <errno.h>
#include <string.h>

#include <linux/tvm.h>

#include "securityfs.h"
#include "tvmctl.h"

int version_main(struct tvmctl *ctl, int argc, char **argv)
{
	int abi, ret;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return tvmctl_help(ctl);
	if (argc > 1)
		return tvmctl_err(TVMCTL_USAGE, "version: unexpected argument '%s'",
				  argv[1]);

	ret = tvm_kernel_abi(&abi);
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "tvmctl", NULL, TVMCTL_VERSION);
	out_int(ctl->out, "abi", "tvmctl abi", TVM_ABI_VERSION);
	if (ret == 0)
		out_int(ctl->out, "kernel_abi", "kernel abi", abi);
	else
		out_null(ctl->out, "kernel_abi", "kernel abi",
			 ret == -ENOENT ? "none (tvm.ko not loaded)" :
					  strerror(-ret));
	out_object_end(ctl->out);

	if (ret && ret != -ENOENT)
		return tvmctl_err(TVMCTL_ERR, "reading %s/version: %s",
				  tvm_securityfs_dir(), strerror(-ret));
	/* A newer kernel serves an older tvmctl; the reverse lacks features. */
	if (ret == 0 && abi < TVM_ABI_VERSION)
		return tvmctl_err(TVMCTL_ERR,
				  "kernel tvm ABI %d is older than tvmctl's %d",
				  abi, TVM_ABI_VERSION);
	return TVMCTL_OK;
}
