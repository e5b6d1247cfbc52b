// SPDX-License-Identifier: MIT
/*
 * fastentry_gs: the fast entry finds each thread's LWK state through its
 * GS base; the program must not see that, and must still be served by
 * the right thread state once it sets GS itself.
 *
 * Threads compare gettid through a site that is always rewritten (`mov
 * $186, %eax; syscall`) with gettid through one that never is (`mov %edi,
 * %eax; syscall`: it traps every time), many times, while other threads
 * come and go.  arch_prctl(ARCH_GET_GS) must read 0 in every thread until
 * the main thread sets GS to a buffer of its own; then it reads that
 * buffer there and in threads made afterwards (Linux copies GS to a new
 * thread), and the comparison is made again.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS	3
#define CALLS	2000

static char own_gs[64];
static unsigned long want_gs;

static long tid_fast(void)
{
	long ret;

	__asm__ volatile("mov $186, %%eax\n\tsyscall"
			 : "=a"(ret) : : "rcx", "r11", "memory");
	return ret;
}

static long tid_trapped(void)
{
	long ret;

	__asm__ volatile("mov %1, %%eax\n\tsyscall"
			 : "=a"(ret) : "D"(186) : "rcx", "r11", "memory");
	return ret;
}

static void check_gs(const char *who)
{
	unsigned long gs = 1;

	if (syscall(SYS_arch_prctl, ARCH_GET_GS, &gs)) {
		perror("arch_prctl(ARCH_GET_GS)");
		exit(1);
	}
	if (gs != want_gs) {
		printf("%s: GS base %#lx, expected %#lx\n", who, gs, want_gs);
		exit(1);
	}
}

static void *worker(void *arg)
{
	long ref = tid_trapped(), i;

	(void)arg;
	check_gs("thread");
	for (i = 0; i < CALLS; i++) {
		long got = tid_fast();

		if (got != ref) {
			printf("thread %ld: gettid gave %ld\n", ref, got);
			exit(1);
		}
	}
	return NULL;
}

static void round_of_threads(const char *what)
{
	pthread_t t[THREADS];
	int i, round;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < THREADS; i++)
			if (pthread_create(&t[i], NULL, worker, NULL)) {
				printf("pthread_create failed\n");
				exit(1);
			}
		worker(NULL);
		for (i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
	}
	printf("%s: %d threads agree\n", what, 20 * (THREADS + 1));
}

int main(void)
{
	check_gs("main");
	round_of_threads("GS untouched");
	want_gs = (unsigned long)own_gs;
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, own_gs)) {
		perror("arch_prctl(ARCH_SET_GS)");
		return 1;
	}
	check_gs("main");
	round_of_threads("GS set by the program");
	return 0;
}
