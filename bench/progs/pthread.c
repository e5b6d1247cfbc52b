// SPDX-License-Identifier: MIT
/*
 * pthread: time to create a thread and join it, one pair after another.
 *
 *   pthread [PAIRS]      (default 2000)
 *
 * The thread does nothing; the figure is the whole create+join pair
 * (clone, stack setup, the exit and the futex wake that join waits for).
 */
#define _GNU_SOURCE
#include <pthread.h>

#include "bench.h"

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? arg_long("PAIRS", argv[1]) : 2000, i;
	pthread_t t;
	double t0 = 0;
	int err;

	/* One pair first: glibc's stack cache and the LWK warm up. */
	for (i = -1; i < pairs; i++) {
		if (i == 0)
			t0 = now_ns();
		err = pthread_create(&t, NULL, nothing, NULL);
		if (err)
			fail("pthread_create #%ld: %s", i + 1, strerror(err));
		err = pthread_join(t, NULL);
		if (err)
			fail("pthread_join #%ld: %s", i + 1, strerror(err));
	}
	metric("create_join", (now_ns() - t0) / pairs / 1e3, "us/pair");
	return 0;
}
