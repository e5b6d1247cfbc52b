// SPDX-License-Identifier: MIT
/*
 * fork: time to fork a child that exits at once and wait for it, one
 * pair after another, optionally with idle threads in the parent.
 *
 *   fork PAIRS [THREADS]
 *
 * The threads (pthread defaults: 8 MiB stacks) sleep in pause() the
 * whole time; under tandem every fork copies their stacks (the LWK copies
 * private memory at fork, docs/memory.md), where Linux shares the pages.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static void *idle(void *arg)
{
	for (;;)
		pause();
	return arg;
}

int main(int argc, char **argv)
{
	long pairs, threads = 0, i;
	double t0 = 0;
	pthread_t t;
	int status, err;
	pid_t pid;

	if (argc < 2)
		fail("usage: fork PAIRS [THREADS]");
	pairs = arg_long("PAIRS", argv[1]);
	if (argc > 2 && strcmp(argv[2], "0"))
		threads = arg_long("THREADS", argv[2]);
	for (i = 0; i < threads; i++) {
		err = pthread_create(&t, NULL, idle, NULL);
		if (err)
			fail("pthread_create #%ld: %s", i + 1, strerror(err));
	}
	/* One pair first: the LWK's fork path warms up. */
	for (i = -1; i < pairs; i++) {
		if (i == 0)
			t0 = now_ns();
		pid = fork();
		if (pid < 0)
			fail("fork #%ld: %s", i + 1, strerror(errno));
		if (pid == 0)
			_exit(7);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 7)
			fail("child #%ld: wrong wait status %#x", i + 1, status);
	}
	metric("fork_wait", (now_ns() - t0) / pairs / 1e3, "us/pair");
	return 0;
}
