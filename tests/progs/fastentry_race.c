// SPDX-License-Identifier: MIT
/*
 * fastentry_race: several threads reach the same never-seen call site at
 * the same moment, 64 times over (one fresh site per round, released by a
 * spinning barrier), so the traps, the rewrite (at a site's 16th trap)
 * and the other threads' traps and spins overlap.  Each site is `mov $NR, %eax; syscall` for
 * getpid, getppid or gettid, and every result is checked.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sites.h"

#define THREADS	4
#define CALLS	200

#define SITE12(n)	SITE3(n##0) SITE3(n##1) SITE3(n##2) SITE3(n##3)

SITE12(0) SITE12(1) SITE12(2) SITE12(3) SITE12(4)
SITE3(50) SITE3(51) SITE3(52) SITE3(53)
SITE(540, 39) SITE(541, 110) SITE(542, 186) SITE(543, 39)

#define REF12(n)	REF3(n##0), REF3(n##1), REF3(n##2), REF3(n##3)

static long (*const sites[])(void) = {
	REF12(0), REF12(1), REF12(2), REF12(3), REF12(4),
	REF3(50), REF3(51), REF3(52), REF3(53),
	site540, site541, site542, site543,
};
#define NSITES	(int)(sizeof(sites) / sizeof(sites[0]))

static long pid, ppid;
static atomic_int arrived, round_no;
static atomic_long bad;

static void barrier(int r)
{
	if (atomic_fetch_add(&arrived, 1) == (r + 1) * THREADS - 1)
		atomic_store(&round_no, r + 1);
	while (atomic_load(&round_no) != r + 1)
		;
}

static void *worker(void *arg)
{
	long tid = syscall(SYS_gettid), want[3] = { pid, ppid, tid };
	int r, i;

	(void)arg;
	for (r = 0; r < NSITES; r++) {
		barrier(r);
		for (i = 0; i < CALLS; i++)
			if (sites[r]() != want[r % 3])
				atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];
	int i;

	pid = getpid();
	ppid = getppid();
	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	printf("sites: %d, threads: %d\n", NSITES, THREADS);
	printf("wrong results: %ld\n", atomic_load(&bad));
	return atomic_load(&bad) != 0;
}
