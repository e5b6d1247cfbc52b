// SPDX-License-Identifier: MIT
/*
 * futex: round-trip latency of a futex ping-pong between two threads
 * pinned on two cores (the first two this process may use).
 *
 *   futex [ROUND_TRIPS]      (default 20000)
 *
 * One word carries the turn.  The pinging thread sets it to 1, wakes the
 * other and sleeps until it is 0 again; the other sleeps until it is 1,
 * sets it to 0 and wakes the first.  Every wait really blocks in the
 * kernel (no spinning), so the figure is two wakeups and two sleeps.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

static _Atomic int turn;
static long trips;
static int cpu[2];

static void futex_wait(int val)
{
	syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(void)
{
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void pin(int c)
{
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(c, &set);
	err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err)
		fail("cannot pin a thread on CPU %d: %s", c, strerror(err));
}

static void *pong(void *arg)
{
	long i;

	pin(cpu[1]);
	for (i = 0; i < trips; i++) {
		while (atomic_load(&turn) == 0)
			futex_wait(0);
		atomic_store(&turn, 0);
		futex_wake();
	}
	return arg;
}

int main(int argc, char **argv)
{
	cpu_set_t allowed;
	pthread_t t;
	double t0, t1;
	int c, n = 0, err;
	long i;

	trips = argc > 1 ? arg_long("ROUND_TRIPS", argv[1]) : 20000;
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		fail("sched_getaffinity: %s", strerror(errno));
	for (c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &allowed))
			cpu[n++] = c;
	if (n < 2)
		fail("needs two CPUs, this process may use %d", n);

	pin(cpu[0]);
	err = pthread_create(&t, NULL, pong, NULL);
	if (err)
		fail("pthread_create: %s", strerror(err));

	t0 = now_ns();
	for (i = 0; i < trips; i++) {
		atomic_store(&turn, 1);
		futex_wake();
		while (atomic_load(&turn) == 1)
			futex_wait(1);
	}
	t1 = now_ns();
	pthread_join(t, NULL);

	metric("roundtrip", (t1 - t0) / trips / 1e3, "us");
	return 0;
}
