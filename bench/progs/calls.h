/* SPDX-License-Identifier: MIT */
/*
 * The system-call timing loop that syscall.c and proxy.c share.  Include
 * after bench.h, with _GNU_SOURCE defined (syscall(2)).
 */
#ifndef BENCH_CALLS_H
#define BENCH_CALLS_H

#include <unistd.h>

#include "bench.h"

#define BATCHES	5	/* ns_per_call: CALLS must be at least this */

/*
 * ns_per_call NR CALLS: make system call NR without arguments CALLS times
 * in BATCHES batches, after a warm-up; the median batch's ns per call.
 * Through syscall(2), so no library cache answers it.
 */
static inline double ns_per_call(long nr, long calls)
{
	double t[BATCHES];
	long per = calls / BATCHES, i;
	int b;

	for (i = 0; i < 1000; i++)		/* warm the path */
		syscall(nr);
	for (b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (i = 0; i < per; i++)
			syscall(nr);
		t[b] = (now_ns() - t0) / per;
	}
	return median_of(t, BATCHES);
}


#endif
