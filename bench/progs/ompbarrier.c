// SPDX-License-Identifier: MIT
/*
 * ompbarrier: OpenMP barrier overhead, measured as the EPCC syncbench
 * does.
 *
 *   ompbarrier [OUTER [INNER]]      (default 20 x 10000)
 *
 * A reference loop runs INNER small delays on one thread; the test runs
 * the same delays inside a parallel region with a barrier after each.
 * Overhead per barrier = (test - reference) / INNER.  This is repeated
 * OUTER times and the median printed.  Set OMP_NUM_THREADS (run.sh uses
 * one thread per core); the thread count is printed as output.
 */
#define _GNU_SOURCE
#include <omp.h>

#include "bench.h"

#define DELAY	100	/* iterations of the delay loop, about 0.1 us */

static int delay(int n)
{
	volatile int a = 0;
	int i;

	for (i = 0; i < n; i++)
		a += i;
	return a;
}

int main(int argc, char **argv)
{
	long outer = argc > 1 ? arg_long("OUTER", argv[1]) : 20;
	long inner = argc > 2 ? arg_long("INNER", argv[2]) : 10000;
	double *over = calloc(outer, sizeof(double)), t0, ref, test;
	long k, j;

	if (!over)
		fail("out of memory");

	/* Start the thread team before anything is timed. */
#pragma omp parallel
	delay(DELAY);

	for (k = 0; k < outer; k++) {
		t0 = now_ns();
		for (j = 0; j < inner; j++)
			delay(DELAY);
		ref = now_ns() - t0;

		t0 = now_ns();
#pragma omp parallel private(j)
		for (j = 0; j < inner; j++) {
			delay(DELAY);
#pragma omp barrier
		}
		test = now_ns() - t0;
		over[k] = (test - ref) / inner / 1e3;
	}
	printf("threads %d\n", omp_get_max_threads());
	metric("barrier", median_of(over, outer), "us");
	return 0;
}
