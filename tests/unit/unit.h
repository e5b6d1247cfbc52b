/* SPDX-License-Identifier: MIT */
/*
 * The case harness of the unit tests that build LWK sources for the host:
 * each case runs in a child process of its own, so that a crash or a hang
 * fails that case and not the others.  Include it after <stdio.h>,
 * <stdlib.h>, <unistd.h> and a declaration of waitpid (the tests cannot
 * take <sys/wait.h>, whose names clash with the LWK's ABI header).
 */
#ifndef TANDEM_TESTS_UNIT_H
#define TANDEM_TESTS_UNIT_H

static const char *current;	/* the case running in this child */
static int failures, passed;

/* Fail the current case with a printf-style reason. */
#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("FAIL %s: ", current);			\
			printf(__VA_ARGS__);				\
			printf("\n");					\
			exit(1);					\
		}							\
	} while (0)

/*
 * Run case @fn as @name in a child, which gets @timeout_s seconds (SIGALRM
 * ends a case that hangs); count it as passed or failed.
 */
static void run_case(const char *name, void (*fn)(void), unsigned int timeout_s)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		current = name;
		alarm(timeout_s);
		fn();
		printf("ok %s\n", name);
		exit(0);
	}
	waitpid(pid, &st, 0);
	if (st) {
		if (st & 0x7f)
			printf("FAIL %s: killed by signal %d%s\n", name,
			       st & 0x7f, (st & 0x7f) == 14 ? " (hung)" : "");
		failures++;
	} else {
		passed++;
	}
}

#endif
