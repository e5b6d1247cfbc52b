// SPDX-License-Identifier: MIT
/*
 * One thread blocks in read() on an empty pipe while the main thread
 * goes on computing and printing; only then does the main thread write
 * the bytes the reader waits for.  Under --offload=proxy the read and
 * every printf are proxied calls: a proxy busy with the blocked read must
 * not hold up the other thread's calls.  The main thread waits until the
 * reader is really asleep (its /proc state) before it starts.  An alarm
 * ends a hung run.  The output is fixed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static int fds[2];
static atomic_int reader_tid;

static void *reader(void *arg)
{
	char buf[64];
	ssize_t n;

	(void)arg;
	atomic_store(&reader_tid, (int)syscall(SYS_gettid));
	n = read(fds[0], buf, sizeof(buf));
	if (n < 0) {
		perror("read");
		exit(1);
	}
	printf("reader got %zd bytes: %.*s\n", n, (int)n, buf);
	return NULL;
}

int main(void)
{
	struct timespec ms = { 0, 1000000 };
	volatile double x = 1.0;
	pthread_t t;
	int i, k, tid;

	alarm(20);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(fds)) {
		perror("pipe");
		return 1;
	}
	pthread_create(&t, NULL, reader, NULL);
	while (!(tid = atomic_load(&reader_tid)))
		nanosleep(&ms, NULL);
	for (i = 0; i < 5000 && task_state(0, tid) != 'S'; i++)
		nanosleep(&ms, NULL);
	printf("reader is blocked: %s\n", i < 5000 ? "yes" : "no");

	for (i = 0; i < 5; i++) {
		for (k = 0; k < 2000000; k++)
			x = x * 1.0000001 + 1e-9;
		printf("main thread computes, step %d\n", i);
	}
	if (write(fds[1], "hello", 5) != 5) {
		perror("write");
		return 1;
	}
	pthread_join(t, NULL);
	printf("done\n");
	return x > 0 ? 0 : 1;
}
