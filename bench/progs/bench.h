/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark program shares: a clock, the way results are
 * printed, and argument parsing that fails loudly.
 *
 * A benchmark program prints each result on stdout as one line
 *   @NAME VALUE UNIT
 * which bench/run.sh collects.  Any other stdout line is output that must
 * be the same natively and under tandem (run.sh compares it); diagnostics
 * go to stderr.  A program exits non-zero when its own result check fails.
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline void metric(const char *name, double value, const char *unit)
{
	printf("@%s %.6g %s\n", name, value, unit);
}

static __attribute__((noreturn, format(printf, 1, 2)))
void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A positive integer argument, or a message naming it. */
static inline long arg_long(const char *what, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0)
		fail("%s '%s' is not a positive integer", what, s);
	return v;
}

/* xorshift64*: a fixed seed gives the same sequence everywhere. */
static inline unsigned long long rand64(unsigned long long *state)
{
	unsigned long long x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 2685821657736338717ULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static inline double quantile(const double *sorted, size_t n, double q)
{
	size_t i = (size_t)(q * (n - 1) + 0.5);

	return sorted[i < n ? i : n - 1];
}

static inline double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return quantile(v, n, 0.5);
}

#endif
