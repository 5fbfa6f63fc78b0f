// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl measure|measure-file: measure a KVM VM now.  measure re-hashes
 * the runtime ranges of the VM's policy (PCR 13), as tvm's timer does;
 * measure-file hands tvm an open file to hash into PCR 9 with a name
 * (a kernel, an initrd the VMM loads), so that the hash is tvm's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tvmctl.h"

int measure_main(struct tvmctl *ctl, int argc, char **argv)
{
	return vm_one(ctl, argc, argv, tvm_client_vm_measure, "measuring");
}

int measure_file_main(struct tvmctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *arg, *file, *name = NULL;
	struct vm_sel sel;
	struct tvm_nl *nl;
	uint64_t seq;
	uint32_t id;
	size_t len;
	int c, fd, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		default:
			return tvmctl_opt_default(ctl, c, argv);
		}
	}
	ret = tvmctl_vm_args(ctl, argc, argv, 2, &sel, &arg);
	if (ret)
		return ret;
	file = argv[optind + 1];
	if (!name)
		name = file;
	len = strlen(name);
	if (len < 1 || len > TVM_EVENT_NAME_MAX)
		return tvmctl_err(TVMCTL_USAGE,
				  "%s: bad name '%.*s%s' (1-%d bytes)", ctl->name,
				  64, name, len > 64 ? "..." : "",
				  TVM_EVENT_NAME_MAX);

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tvmctl_err(TVMCTL_ERR, "%s: opening '%s': %s", ctl->name,
				  file, strerror(errno));
	ret = tvmctl_nl_open(ctl, &nl);
	if (ret) {
		close(fd);
		return ret;
	}
	ret = tvm_client_measure_file(nl, &sel, fd, name, &id, &seq);
	close(fd);
	if (ret) {
		ret = tvmctl_nl_err(ctl, nl, ret, "measuring '%s' into VM '%s'",
				    file, arg);
		tvm_nl_close(nl);
		return ret;
	}
	tvm_nl_close(nl);
	out_object_begin(ctl->out, NULL);
	out_str(ctl->out, "vm", NULL, arg);
	out_int(ctl->out, "id", NULL, id);
	out_str(ctl->out, "name", NULL, name);
	out_int(ctl->out, "seq", NULL, (int64_t)seq);
	out_object_end(ctl->out);
	return TVMCTL_OK;
}
