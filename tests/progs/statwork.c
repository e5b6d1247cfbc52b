// SPDX-License-Identifier: MIT
/*
 * Work whose --stats are known in advance (tests/integration/cases.sh,
 * stats/*): "spin MS" busy-loops MS milliseconds in user space, making no
 * system call (the clock is the vDSO's); "calls N" makes N getppid calls;
 * "map KIB" maps KIB KiB of anonymous memory, writes a byte per 4 KiB and
 * unmaps it; "filemap KIB" does the same with a private mapping of a
 * sparse temporary file, which stays Linux's under tandem, so each page
 * costs a fault on both sides.  Prints one line saying what it did.  "rusage FILE CMD..."
 * runs CMD and writes to FILE the minor page faults Linux counted for it
 * (with its children), taking none of its own in the child before exec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <spawn.h>

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned long n, i, sum = 0;
	double until;
	char *p;

	if (argc >= 4 && !strcmp(argv[1], "rusage")) {
		struct rusage ru;
		FILE *f;
		pid_t pid;
		int st;

		if (posix_spawnp(&pid, argv[3], NULL, NULL, argv + 3, environ) ||
		    wait4(pid, &st, 0, &ru) != pid) {
			perror("statwork: rusage");
			return 1;
		}
		f = fopen(argv[2], "w");
		if (!f || fprintf(f, "%ld\n", ru.ru_minflt) < 0 || fclose(f)) {
			perror(argv[2]);
			return 1;
		}
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	if (argc != 3) {
		fprintf(stderr, "usage: statwork spin MS | calls N | map KIB | filemap KIB | rusage FILE CMD...\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	if (!strcmp(argv[1], "spin")) {
		until = now_ms() + n;
		while (now_ms() < until)
			sum++;
		printf("spun %lu ms\n", n);
	} else if (!strcmp(argv[1], "calls")) {
		for (i = 0; i < n; i++)
			sum += syscall(SYS_getppid);
		printf("made %lu calls\n", n);
	} else if (!strcmp(argv[1], "map") || !strcmp(argv[1], "filemap")) {
		FILE *f = NULL;

		if (argv[1][0] == 'f') {
			f = tmpfile();
			if (!f || ftruncate(fileno(f), (off_t)(n << 10))) {
				perror("statwork: tmpfile");
				return 1;
			}
		}
		p = mmap(NULL, n << 10, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | (f ? 0 : MAP_ANONYMOUS), f ? fileno(f) : -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (i = 0; i < n << 10; i += 4096)
			p[i] = 1;
		munmap(p, n << 10);
		if (f)
			fclose(f);
		printf("mapped %lu KiB\n", n);
	} else {
		fprintf(stderr, "statwork: unknown work '%s'\n", argv[1]);
		return 2;
	}
	return sum == 0 && n > 0 && argv[1][0] == 'x';
}
