// SPDX-License-Identifier: MIT
/*
 * Puts seven threads to sleep in futex waits of every kind (a condition
 * variable, a mutex held by main, raw private and shared FUTEX_WAIT,
 * FUTEX_WAIT_BITSET with a deadline an hour away, sem_wait, a barrier that
 * never fills), waits until all are asleep, says so on stdout, and joins
 * the first (so main sleeps in a futex wait too). Nothing wakes them: the
 * harness kills the program from outside once that line appears.
 *
 *   futexblock            die of the signal (SIGTERM: status 143)
 *   futexblock handler    a SIGTERM handler writes a line and _exit(42)s
 *
 * Exits 1 if it is ever left to run out (after 60 s).
 */
#include "report.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#define NWAITERS 7

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;
static uint32_t word_private, word_shared, word_bitset;
static sem_t sem;
static pid_t tids[NWAITERS];

static void *waiter(void *arg)
{
	int kind = (int)(long)arg;
	struct timespec ts;

	tids[kind] = gettid();
	switch (kind) {
	case 0:
		pthread_mutex_lock(&cv_lock);
		for (;;)
			pthread_cond_wait(&cv, &cv_lock);
	case 1:
		pthread_mutex_lock(&held);
		break;
	case 2:
		for (;;)
			syscall(SYS_futex, &word_private, FUTEX_WAIT_PRIVATE, 0,
				NULL, NULL, 0);
	case 3:
		for (;;)
			syscall(SYS_futex, &word_shared, FUTEX_WAIT, 0, NULL,
				NULL, 0);
	case 4:
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 3600;
		for (;;)
			syscall(SYS_futex, &word_bitset,
				FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL,
				FUTEX_BITSET_MATCH_ANY);
	case 5:
		for (;;)
			sem_wait(&sem);
	case 6:
		pthread_barrier_wait(&barrier);
		break;
	}
	return NULL;
}

static void on_term(int sig)
{
	static const char msg[] = "SIGTERM handled, exiting with 42\n";
	ssize_t r;

	(void)sig;
	r = write(1, msg, sizeof(msg) - 1);
	(void)r;
	_exit(42);
}

int main(int argc, char **argv)
{
	pthread_t t[NWAITERS];
	struct sigaction sa;
	int i;

	if (argc == 2 && strcmp(argv[1], "handler") == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
	} else if (argc != 1) {
		fprintf(stderr, "usage: futexblock [handler]\n");
		return 2;
	}

	pthread_mutex_lock(&held);
	sem_init(&sem, 0, 0);
	pthread_barrier_init(&barrier, NULL, NWAITERS + 1);
	for (i = 0; i < NWAITERS; i++) {
		errno = pthread_create(&t[i], NULL, waiter, (void *)(long)i);
		if (errno)
			die("pthread_create");
	}
	for (i = 0; i < NWAITERS; i++)
		while (!__atomic_load_n(&tids[i], __ATOMIC_ACQUIRE))
			usleep(1000);
	wait_asleep(0, tids, NWAITERS);

	printf("%d threads asleep in futex waits; main joins the first\n",
	       NWAITERS);
	fflush(stdout);

	/* The harness's signal ends this; a timed join leaves a way out. */
	{
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 60;
		pthread_timedjoin_np(t[0], NULL, &deadline);
	}
	printf("still running after 60 s: nobody killed it\n");
	return 1;
}
