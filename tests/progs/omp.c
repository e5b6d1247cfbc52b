// SPDX-License-Identifier: MIT
/*
 * An OpenMP program (built with -fopenmp): a parallel for, reductions (sum,
 * max, a floating-point integral checked against a tolerance), explicit
 * barriers between phases, and a few hundred parallel regions in a row, so
 * the team is woken and put to sleep again and again. Run it with
 * OMP_NUM_THREADS set: what it prints depends only on that number.
 * Exits 1 when a check fails.
 */
#define _GNU_SOURCE
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "report.h"

#define N 2000000L
#define PHASES 50
#define REGIONS 300
#define MAX_THREADS 64

/* Integer results: the same whatever the order of the partial sums. */
static void parallel_for(void)
{
	static int a[N];
	long i, sum = 0;
	int max = -1;

#pragma omp parallel for schedule(static)
	for (i = 0; i < N; i++)
		a[i] = (int)((i * 7919) % 1000003);

#pragma omp parallel for reduction(+:sum) reduction(max:max) \
	schedule(dynamic, 4096)
	for (i = 0; i < N; i++) {
		sum += a[i];
		if (a[i] > max)
			max = a[i];
	}
	printf("parallel for: sum %ld, max %d\n", sum, max);

	/* The same sums serially. */
	{
		long s = 0;
		int m = -1;

		for (i = 0; i < N; i++) {
			s += a[i];
			if (a[i] > m)
				m = a[i];
		}
		check(s == sum && m == max,
		      "reduction equals the serial result");
	}
}

/* pi = integral of 4/(1+x^2) on [0,1]; rounding differs with the order. */
static void integral(void)
{
	const long steps = 10000000;
	double step = 1.0 / (double)steps, total = 0.0;
	long i;

#pragma omp parallel for reduction(+:total)
	for (i = 0; i < steps; i++) {
		double x = ((double)i + 0.5) * step;

		total += 4.0 / (1.0 + x * x);
	}
	total *= step;
	printf("pi to 8 places: %.8f\n", total);
	check(fabs(total - M_PI) < 1e-9, "pi within 1e-9");
}

/*
 * Each thread writes phase p into its slot, waits at a barrier, then
 * checks that every slot holds p; a second barrier keeps the next write
 * from racing the check.
 */
static void barriers(int team)
{
	static volatile int slot[MAX_THREADS];
	int bad = 0, seen_team = 0;

#pragma omp parallel reduction(|:bad)
	{
		int me = omp_get_thread_num(), n = omp_get_num_threads();
		int p, i;

#pragma omp single
		seen_team = n;
		for (p = 1; p <= PHASES; p++) {
			slot[me] = p;
#pragma omp barrier
			for (i = 0; i < n; i++)
				if (slot[i] != p)
					bad = 1;
#pragma omp barrier
		}
	}
	printf("barriers: %d phases in a team of %d\n", PHASES, seen_team);
	check(seen_team == team, "the team has OMP_NUM_THREADS threads");
	check(!bad, "no thread passed a barrier early");
}

/* Many short regions: the team sleeps and wakes each time. */
static void many_regions(int team)
{
	long total = 0;
	int r;

	for (r = 0; r < REGIONS; r++) {
		long part = 0;

#pragma omp parallel reduction(+:part)
		part += omp_get_thread_num() + 1;
		total += part;
	}
	printf("%d parallel regions: total %ld\n", REGIONS, total);
	check(total == (long)REGIONS * team * (team + 1) / 2,
	      "every region ran the whole team");
}

int main(void)
{
	const char *env = getenv("OMP_NUM_THREADS");
	int team;

	if (!env) {
		fprintf(stderr, "omp: set OMP_NUM_THREADS\n");
		return 2;
	}
	team = atoi(env);
	if (team < 1 || team > MAX_THREADS) {
		fprintf(stderr, "omp: OMP_NUM_THREADS must be 1..%d\n",
			MAX_THREADS);
		return 2;
	}
	omp_set_dynamic(0);
	printf("OMP_NUM_THREADS=%d, omp_get_max_threads()=%d\n", team,
	       omp_get_max_threads());
	parallel_for();
	integral();
	barriers(team);
	many_regions(team);
	printf("%s\n", report_failed ? "FAILED" : "all checks passed");
	return report_failed;
}
