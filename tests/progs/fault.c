// SPDX-License-Identifier: MIT
/*
 * Dies of a hardware fault with no handler installed, after one line on
 * each stream:
 *
 *   fault KIND          KIND: segv, bus, fpe, ill or trap; or
 *                       segv-ignored, segv-blocked: with SIGSEGV set to
 *                       SIG_IGN, or blocked (Linux kills all the same)
 *   fault child KIND    forks a child that dies so, and prints what
 *                       waitpid says: the signal and the core-dump bit
 *
 * segv writes through NULL, bus reads past the end of a mapped memfd, fpe
 * divides by zero, ill runs ud2, trap runs int3. Whether a core is dumped
 * depends on RLIMIT_CORE and core_pattern; the harness fixes both, and the
 * comparison is with a native run under the same limits.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile uintptr_t null_addr;	/* 0, hidden from gcc */
static volatile int zero;

static void die_of(const char *kind)
{
	volatile char *p;
	int fd;

	printf("about to die: %s\n", kind);
	fflush(stdout);
	fprintf(stderr, "stderr before the fault\n");

	if (strcmp(kind, "segv-ignored") == 0) {
		signal(SIGSEGV, SIG_IGN);
		*(volatile int *)null_addr = 1;
	} else if (strcmp(kind, "segv-blocked") == 0) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigprocmask(SIG_BLOCK, &set, NULL);
		*(volatile int *)null_addr = 1;
	} else if (strcmp(kind, "segv") == 0) {
		*(volatile int *)null_addr = 1;
	} else if (strcmp(kind, "bus") == 0) {
		fd = memfd_create("fault-bus", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, 4096))
			return;
		p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return;
		printf("%d\n", p[4096]);
	} else if (strcmp(kind, "fpe") == 0) {
		int q;

		__asm__ volatile("cltd\n\tidivl %2"
				 : "=a"(q) : "a"(7), "r"(zero) : "edx", "cc");
		printf("%d\n", q);
	} else if (strcmp(kind, "ill") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(kind, "trap") == 0) {
		__asm__ volatile("int3");
	}
}

int main(int argc, char **argv)
{
	pid_t pid;
	int status;

	if (argc == 2) {
		die_of(argv[1]);
		printf("still alive after %s\n", argv[1]);
		return 1;
	}
	if (argc != 3 || strcmp(argv[1], "child") != 0) {
		fprintf(stderr, "usage: fault segv|bus|fpe|ill|trap | fault child KIND\n");
		return 2;
	}

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		die_of(argv[2]);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(status))
		printf("child killed by SIG%s, core dumped: %s\n",
		       sigabbrev_np(WTERMSIG(status)),
		       WCOREDUMP(status) ? "yes" : "no");
	else
		printf("child status %#x\n", status);
	return 0;
}
