// SPDX-License-Identifier: MIT
/*
 * Signals that keep interrupting futex waits and a blocked read: four
 * threads pass a token round with a mutex and a condition variable, a
 * fifth blocks reading a pipe the main thread writes a byte at a time
 * into, and a sixth sends SIGUSR1 (handled, SA_RESTART) to each of them
 * in turn every 200 us until they are done.  Every wake must still reach
 * its waiter and every read its byte: a lost wake hangs the run (the
 * harness's timeout ends it).  The output is fixed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "report.h"

#define WORKERS	4
#define ROUNDS	4000	/* token passes per worker */
#define BYTES	200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;
static long steps;
static int fds[2];
static atomic_long hits;
static atomic_int done;
static atomic_int tids[WORKERS + 2];	/* workers, reader, main */

static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&hits, 1);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	int i;

	atomic_store(&tids[id], (int)syscall(SYS_gettid));
	for (i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		while (turn != id)
			pthread_cond_wait(&cond, &lock);
		steps++;
		turn = (turn + 1) % WORKERS;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *reader(void *arg)
{
	long n = 0;
	ssize_t r;
	char c;

	(void)arg;
	atomic_store(&tids[WORKERS], (int)syscall(SYS_gettid));
	while ((r = read(fds[0], &c, 1)) == 1)
		n++;
	if (r < 0)
		printf("read: -1 %s: wrong (SA_RESTART)\n", errname(errno));
	return (void *)n;
}

/* SIGUSR1 to each thread in turn until they are done. */
static void *storm(void *arg)
{
	pid_t pid = getpid();
	int i = 0, tid;

	(void)arg;
	while (!atomic_load(&done)) {
		tid = atomic_load(&tids[i++ % (WORKERS + 2)]);
		if (tid)
			syscall(SYS_tgkill, pid, tid, SIGUSR1);
		usleep(200);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	pthread_t w[WORKERS], r, s;
	void *got;
	long i;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	if (pipe(fds))
		die("pipe");
	atomic_store(&tids[WORKERS + 1], (int)syscall(SYS_gettid));
	pthread_create(&s, NULL, storm, NULL);
	pthread_create(&r, NULL, reader, NULL);
	for (i = 0; i < WORKERS; i++)
		pthread_create(&w[i], NULL, worker, (void *)i);
	for (i = 0; i < BYTES; i++) {
		if (write(fds[1], "x", 1) != 1)
			die("write");
		usleep(100);
	}
	close(fds[1]);
	for (i = 0; i < WORKERS; i++)
		pthread_join(w[i], NULL);
	pthread_join(r, &got);
	atomic_store(&done, 1);
	pthread_join(s, NULL);

	printf("token passes: %ld\n", steps);
	printf("bytes read: %ld\n", (long)got);
	check(atomic_load(&hits) > 0, "handler ran");
	return steps != WORKERS * ROUNDS || (long)got != BYTES || report_failed;
}
