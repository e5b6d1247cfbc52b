// SPDX-License-Identifier: MIT
/*
 * fastentry_dlopen LIB39 LIB110 [ROUNDS]: load and unload two builds of
 * fastentry_dso (getpid and getppid at the same offset) in turn, calling
 * into each while three other threads make system calls of their own,
 * through libc and through inline `mov $NR, %eax; syscall` sites.  Every
 * result is checked; prints a summary that does not depend on the
 * machine.  Exits 1 on a wrong result.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sites.h"

#define THREADS	3

static long pid, ppid;
static atomic_int stop;
static atomic_long bad;

static void *caller(void *arg)
{
	long tid = syscall(SYS_gettid);
	long n = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		if (inline_getpid() != pid || inline_getppid() != ppid ||
		    getppid() != ppid || syscall(SYS_gettid) != tid)
			atomic_fetch_add(&bad, 1);
		n++;
	}
	return (void *)n;
}

int main(int argc, char **argv)
{
	pthread_t th[THREADS];
	long rounds, wrong = 0, i;
	void *ret;

	if (argc < 3) {
		fprintf(stderr, "usage: %s LIB39 LIB110 [ROUNDS]\n", argv[0]);
		return 2;
	}
	rounds = argc > 3 ? atol(argv[3]) : 200;
	pid = getpid();
	ppid = getppid();
	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, caller, NULL);

	for (i = 0; i < rounds; i++) {
		const char *lib = argv[1 + i % 2];
		long (*call)(void), (*nr)(void), want;
		void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

		if (!h) {
			fprintf(stderr, "dlopen %s: %s\n", lib, dlerror());
			return 1;
		}
		call = (long (*)(void))dlsym(h, "fe_dso_call");
		nr = (long (*)(void))dlsym(h, "fe_dso_nr");
		want = nr() == SYS_getpid ? pid : ppid;
		if (call() != want || call() != want || call() != want)
			wrong++;
		dlclose(h);
	}

	atomic_store(&stop, 1);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], &ret);
	printf("rounds: %ld\n", rounds);
	printf("wrong results in the library: %ld\n", wrong);
	printf("wrong results in other threads: %ld\n", atomic_load(&bad));
	return wrong || atomic_load(&bad);
}
