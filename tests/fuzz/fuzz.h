/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets here: a check that aborts, so that a
 * broken contract is a crash libFuzzer reports and saves the input of.
 */
#ifndef _TVM_FUZZ_H
#define _TVM_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#endif /* _TVM_FUZZ_H */
