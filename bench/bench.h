/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every benchmark needs: a monotonic clock, medians and means of
 * rounds, and a way out on an error that leaves nothing to measure.
 */
#ifndef _TVM_BENCH_H
#define _TVM_BENCH_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Keep this process, and the swtpm it starts (children inherit it), on the
 * CPU it runs on.  A request to swtpm is a round trip between two
 * processes; under single-threaded TCG, when the two sit on different
 * vCPUs each leg waits for QEMU's round-robin to run the other vCPU, and
 * swtpm's extend measured 90 us to 1 ms from run to run by where the
 * scheduler had put it.  On one CPU a leg is a context switch, which
 * varies far less (210-380 us); it is the reproducible case, not the
 * most favourable one for swtpm (that 90 us run was unpinned).  tvm's
 * requests run in the caller's own context either way.
 */
static inline void bench_one_cpu(const char *who)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	if (cpu < 0 || sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "%s: cannot keep to one CPU: %s\n", who,
			strerror(errno));
		exit(1);
	}
	printf("%s: on CPU %d with the swtpm it starts\n", who, cpu);
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of the @n values of @v (sorted in place). */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The mean of the @n values of @v, and their least and greatest. */
static inline double mean(const double *v, int n, double *lo, double *hi)
{
	double sum = 0;
	int i;

	*lo = *hi = v[0];
	for (i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
	return sum / n;
}

/* "<program>: @what: <errno text>" on stderr, and exit 1. */
static inline void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(err));
	exit(1);
}

#endif /* _TVM_BENCH_H */
