// SPDX-License-Identifier: GPL-2.0
/*
 * tvmctl: administer tvm, the per-VM virtual PCR banks of a KVM host.
 * See tvmctl(8).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvmctl.h"

static const struct tvmctl_cmd commands[] = {
	{ "version", version_main, "",
	  "show the versions of tvmctl and of the kernel's tvm" },
};

int tvmctl_err(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tvmctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: tvmctl [-j|--json] COMMAND [ARGS...]\n\n"
		    "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-10s %-24s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(fp, "  %-10s %-24s %s\n", "help", "", "this text");
	fprintf(fp, "\nOptions:\n"
		    "  -j, --json   print JSON instead of text\n"
		    "  -h, --help   this text\n"
		    "\nSee tvmctl(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tvmctl ctl = { .prog = "tvmctl" };
	const char *name;
	int c, ret;

	/* Options end at the command: its own options follow it. */
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case 'h':
			usage(stdout);
			return TVMCTL_OK;
		default:
			usage(stderr);
			return TVMCTL_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return TVMCTL_USAGE;
	}
	name = argv[optind];
	if (!strcmp(name, "help")) {
		usage(stdout);
		return TVMCTL_OK;
	}

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(name, commands[i].name))
			continue;
		ctl.out = out_new(stdout, ctl.json);
		if (!ctl.out)
			return tvmctl_err(TVMCTL_ERR, "out of memory");
		ret = commands[i].fn(&ctl, argc - optind, argv + optind);
		out_free(ctl.out);
		return ret;
	}
	tvmctl_err(TVMCTL_USAGE, "unknown command '%s'", name);
	usage(stderr);
	return TVMCTL_USAGE;
}
