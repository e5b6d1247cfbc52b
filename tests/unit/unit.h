/* SPDX-License-Identifier: MIT */
/*
 * The case harness of the unit tests that build LWK sources for the host:
 * each case runs in a child process of its own, so that a crash or a hang
 * fails that case and not the others.  Every case prints "ok NAME" or
 * "FAIL NAME: why" (details indented below it), and unit_summary() ends
 * the suite with "N passed, N failed": the lines tests/run-tests.sh reads.
 * Include it after a declaration of waitpid (the tests cannot take
 * <sys/wait.h>, whose names clash with the LWK's ABI header).
 */
#ifndef TANDEM_TESTS_UNIT_H
#define TANDEM_TESTS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define UNIT_FN		static __attribute__((unused))

/* One row of a case table (run_cases). */
struct unit_case {
	const char *name;
	void (*fn)(void);
};

static const char *current;	/* the case running in this child */
static int current_errors;	/* its failed checks so far (unit_error) */
static int failures, passed;	/* the cases run so far, in the parent */

/* Fail the current case with a printf-style reason, and end it. */
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
 * Fail the current case but let it go on, to show every wrong result: the
 * first call prints the case's FAIL line with reason @what, each call then
 * prints its printf-style detail (one line, or lines joined by "\n    ")
 * indented below it.  The case fails when it returns.
 */
UNIT_FN __attribute__((format(printf, 2, 3)))
void unit_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (!current_errors++)
		printf("FAIL %s: %s\n", current, what);
	printf("    ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * The random cases' numbers (xorshift64*): set rng_state to the case's
 * seed, then rnd() gives the next number and rnd_below(@n) one below @n,
 * the same sequence on every run.
 */
static unsigned long long rng_state;

UNIT_FN unsigned long long rnd(void)
{
	unsigned long long x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

UNIT_FN unsigned long long rnd_below(unsigned long long n)
{
	return rnd() % n;
}

/*
 * Run case @fn as @name in a child, which gets @timeout_s seconds (SIGALRM
 * ends a case that hangs); count it as passed or failed.  A child that
 * dies, or exits with other than 0 or CHECK's 1, gets its FAIL line here.
 */
UNIT_FN void run_case(const char *name, void (*fn)(void),
		      unsigned int timeout_s)
{
	pid_t pid;
	int st, sig, code;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("FAIL %s: cannot fork\n", name);
		failures++;
		return;
	}
	if (pid == 0) {
		current = name;
		alarm(timeout_s);
		fn();
		if (current_errors)
			exit(1);
		printf("ok %s\n", name);
		exit(0);
	}
	if (waitpid(pid, &st, 0) != pid) {
		printf("FAIL %s: cannot wait for the case's process\n", name);
		failures++;
		return;
	}
	if (!st) {
		passed++;
		return;
	}

	failures++;
	sig = st & 0x7f;
	code = (st >> 8) & 0xff;
	if (sig)
		printf("FAIL %s: killed by signal %d%s\n", name, sig,
		       sig == 14 ? " (hung)" : "");
	else if (code != 1)
		printf("FAIL %s: exit status %d\n", name, code);
}

/* End the suite: print "N passed, N failed"; return its exit status. */
UNIT_FN int unit_summary(void)
{
	printf("%d passed, %d failed\n", passed, failures);
	return failures ? 1 : 0;
}

/*
 * Run the @n cases of table @cases in order, each in its own child with
 * @timeout_s seconds, and end the suite; return its exit status.
 */
UNIT_FN int run_cases(const struct unit_case *cases, size_t n,
		      unsigned int timeout_s)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_case(cases[i].name, cases[i].fn, timeout_s);
	return unit_summary();
}

#endif
