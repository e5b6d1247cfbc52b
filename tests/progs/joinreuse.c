// SPDX-License-Identifier: MIT
/*
 * pthread_join returns only once its thread has ended, even when the
 * joined thread's stack goes straight to a new thread.  glibc keeps the
 * stacks of joined threads and gives the most recent one to the next
 * pthread_create, tid word included (the word the kernel clears and wakes
 * at the thread's exit, which pthread_join waits on).  A second clear of
 * the old thread's word, after its joiner went on, would zero the new
 * thread's and end its join early.
 *
 * Each round starts more threads than an LWK keeps areas of exited
 * threads for (16 in the hosted platform), lets all but the last end, then
 * the last; its stack goes to a thread that works a while, whose work must
 * be done when its join returns.  The output is fixed; the exit status is
 * 1 when a check fails.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "report.h"

#define NTHREADS	17
#define ROUNDS		300
#define WORK_US		300

static volatile int released;

/* Thread @arg ends once `released` is past it. */
static void *waiter(void *arg)
{
	long me = (long)arg;

	while (__atomic_load_n(&released, __ATOMIC_ACQUIRE) <= me)
		__builtin_ia32_pause();
	return NULL;
}

static long since_us(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000L +
	       (b.tv_nsec - a->tv_nsec) / 1000;
}

/* Busy for WORK_US, then say so in *arg. */
static void *worker(void *arg)
{
	struct timespec a;

	clock_gettime(CLOCK_MONOTONIC, &a);
	while (since_us(&a) < WORK_US)
		;
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void must(int err, const char *what)
{
	if (err) {
		printf("%s: %s\n", what, errname(err));
		exit(1);
	}
}

int main(void)
{
	pthread_t t[NTHREADS], u;
	pthread_attr_t attr;
	int round, i, early = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Small stacks: glibc keeps them all, 40 MiB of them at most. */
	must(pthread_attr_init(&attr), "pthread_attr_init");
	must(pthread_attr_setstacksize(&attr, 64 * 1024), "setstacksize");
	for (round = 0; round < ROUNDS; round++) {
		int done = 0;

		__atomic_store_n(&released, 0, __ATOMIC_RELEASE);
		for (i = 0; i < NTHREADS; i++)
			must(pthread_create(&t[i], &attr, waiter,
					    (void *)(long)i), "pthread_create");
		__atomic_store_n(&released, NTHREADS - 1, __ATOMIC_RELEASE);
		for (i = 0; i < NTHREADS - 1; i++)
			must(pthread_join(t[i], NULL), "pthread_join");
		__atomic_store_n(&released, NTHREADS, __ATOMIC_RELEASE);
		must(pthread_join(t[NTHREADS - 1], NULL), "pthread_join");
		/* Its stack, just given back, is this thread's. */
		must(pthread_create(&u, &attr, worker, &done), "pthread_create");
		must(pthread_join(u, NULL), "pthread_join");
		if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
			early++;
	}
	printf("%d rounds of %d threads, then one on the last one's stack\n",
	       ROUNDS, NTHREADS);
	check(early == 0, "every join returned after its thread's work");
	return report_failed;
}
