// SPDX-License-Identifier: MIT
/*
 * stream: the STREAM triad kernel, a[j] = b[j] + s * c[j], with OpenMP.
 *
 *   stream [--thp] TOTAL_MIB [NTIMES]
 *
 * The three arrays together take TOTAL_MIB (each a third of it).  They are
 * mapped 2 MiB-aligned and first touched in parallel with the same static
 * schedule as the kernel, as STREAM does; "init" is that first touch, a
 * page-fault-heavy step.  The kernel runs NTIMES (default 10) times; the
 * figure is STREAM's: bytes moved (3 arrays) over the best time, the first
 * iteration excluded.  --thp asks MADV_HUGEPAGE for the arrays (a tuned
 * Linux).  The result is checked; the thread count is printed as output so
 * that a run with a different count is noticed.
 */
#define _GNU_SOURCE
#include <omp.h>
#include <sys/mman.h>

#include "bench.h"

#define ALIGN	(2UL << 20)

static double *array(size_t bytes, int thp)
{
	size_t len = bytes + ALIGN;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		fail("mmap of %zu MiB: %s", len >> 20, strerror(errno));
	a = (char *)(((unsigned long)p + ALIGN - 1) & ~(ALIGN - 1));
	if (thp && madvise(a, bytes, MADV_HUGEPAGE))
		fail("madvise(MADV_HUGEPAGE): %s", strerror(errno));
	return (double *)a;
}

int main(int argc, char **argv)
{
	double *a, *b, *c, t0, t, best = 1e300, s = 3.0;
	long n, j, ntimes = 10, k, bad = 0;
	int thp = 0, i = 1;

	if (argc > 1 && !strcmp(argv[1], "--thp")) {
		thp = 1;
		i++;
	}
	if (argc - i < 1 || argc - i > 2)
		fail("usage: stream [--thp] TOTAL_MIB [NTIMES]");
	n = (arg_long("TOTAL_MIB", argv[i]) << 20) / 3 / sizeof(double);
	if (argc - i == 2)
		ntimes = arg_long("NTIMES", argv[i + 1]);
	if (ntimes < 2)
		fail("NTIMES must be at least 2 (the first is not counted)");

	a = array(n * sizeof(double), thp);
	b = array(n * sizeof(double), thp);
	c = array(n * sizeof(double), thp);

	t0 = now_ns();
#pragma omp parallel for schedule(static)
	for (j = 0; j < n; j++) {
		a[j] = 1.0;
		b[j] = 2.0;
		c[j] = 0.5;
	}
	metric("init", (now_ns() - t0) / 1e6, "ms");

	for (k = 0; k < ntimes; k++) {
		t0 = now_ns();
#pragma omp parallel for schedule(static)
		for (j = 0; j < n; j++)
			a[j] = b[j] + s * c[j];
		t = now_ns() - t0;
		if (k > 0 && t < best)
			best = t;
	}

	for (j = 0; j < n; j += 4093)
		bad += a[j] != 3.5;
	if (bad)
		fail("triad result wrong in %ld sampled elements", bad);
	printf("threads %d\n", omp_get_max_threads());
	metric("triad", 3.0 * n * sizeof(double) / best * 1e3, "MB/s");
	return 0;
}
