/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TVMCTL_H
#define _TVMCTL_H

#include <stdbool.h>

#include "out.h"

#define TVMCTL_VERSION "0.1"

/* Exit statuses of every command. */
enum {
	TVMCTL_OK = 0,
	TVMCTL_ERR = 1,		/* the operation failed */
	TVMCTL_USAGE = 2,	/* bad command line */
};

/* What every command gets besides its own arguments. */
struct tvmctl {
	const char *prog;
	bool json;
	struct out *out;
};

/*
 * A command: @argv[0] is the command's name; returns an exit status.
 * Each lives in its own file as <name>_main().
 */
struct tvmctl_cmd {
	const char *name;
	int (*fn)(struct tvmctl *ctl, int argc, char **argv);
	const char *args;
	const char *help;
};

int version_main(struct tvmctl *ctl, int argc, char **argv);

/* Print "tvmctl: <msg>" to stderr; returns @status for `return err(...)`. */
int tvmctl_err(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* _TVMCTL_H */
