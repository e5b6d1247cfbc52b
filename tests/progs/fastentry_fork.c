// SPDX-License-Identifier: MIT
/*
 * fastentry_fork: fork right after call sites were rewritten, and fork
 * while another thread is busy reaching new sites (so a rewrite may be
 * under way at the fork).  The children use the parent's sites and new
 * ones, and must get their own pid, ppid and tid back from every one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sites.h"

SITE3(0) SITE3(1) SITE3(2) SITE3(3) SITE3(4) SITE3(5) SITE3(6) SITE3(7)
SITE3(8) SITE3(9)

static long (*const sites[])(void) = {
	REF3(0), REF3(1), REF3(2), REF3(3), REF3(4), REF3(5), REF3(6),
	REF3(7), REF3(8), REF3(9),
};
#define NSITES	(int)(sizeof(sites) / sizeof(sites[0]))

static atomic_int stop;

/* Every site gives this process's own answers. */
static int check_all(void)
{
	long want[3] = { getpid(), getppid(), syscall(SYS_gettid) };
	int i, j;

	for (i = 0; i < NSITES; i++)
		for (j = 0; j < 3; j++)
			if (sites[i]() != want[i % 3])
				return 0;
	return 1;
}

static void *churn(void *arg)
{
	long pid = getpid(), n = 0;
	int i;

	(void)arg;
	while (!atomic_load(&stop))
		for (i = 0; i < NSITES; i += 3, n++)
			if (sites[i]() != pid)
				return (void *)1;
	return NULL;
}

static int fork_and_check(void)
{
	int status;
	pid_t c = fork();

	if (c < 0)
		return 0;
	if (c == 0)
		_exit(check_all() ? 0 : 1);
	if (waitpid(c, &status, 0) != c)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	pthread_t th;
	void *ret;
	int ok = 1, i;

	/* Rewrite the first sites, then fork straight away. */
	for (i = 0; i < 3; i++)
		sites[i]();
	printf("child after rewrite: %s\n", fork_and_check() ? "ok" : "WRONG");
	printf("parent after fork: %s\n", check_all() ? "ok" : "WRONG");

	pthread_create(&th, NULL, churn, NULL);
	for (i = 0; i < 20; i++)
		ok &= fork_and_check();
	atomic_store(&stop, 1);
	pthread_join(th, &ret);
	printf("20 forks beside a busy thread: %s\n", ok ? "ok" : "WRONG");
	printf("busy thread: %s\n", ret ? "WRONG" : "ok");
	return 0;
}
