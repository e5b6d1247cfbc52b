// SPDX-License-Identifier: MIT
/*
 * fwq: fixed work quantum, the classic OS-noise benchmark.  One thread per
 * core, each pinned, repeats the same amount of pure computation SAMPLES
 * times and records how long each repetition took.  Without noise every
 * quantum takes the same time; interrupts, other tasks, timer ticks and
 * the kernel's own work make some take longer.
 *
 *   fwq SAMPLES [WORK [DATAFILE]]      (WORK default 32768 iterations)
 *
 * Prints, per core N: coreN_min, coreN_median, coreN_p999 (99.9th
 * percentile), coreN_max in us, and coreN_noise = (max - min) / min in
 * percent.  DATAFILE, if given, receives every quantum: one line per
 * sample, "index q0 q1 ..." in us, for plotting.  The work is a chain of
 * dependent multiply-adds the compiler cannot shorten; it touches no
 * memory, so only the CPU's time is measured.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "bench.h"

#define MAX_CORES	64

struct worker {
	pthread_t thread;
	int cpu;
	double *q;	/* quanta, in ns */
};

static long samples, work;
static pthread_barrier_t start;

static unsigned long long quantum(unsigned long long x)
{
	long i;

	for (i = 0; i < work; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	unsigned long long x = w->cpu;
	cpu_set_t set;
	long i;
	int err;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err)
		fail("cannot pin a thread on CPU %d: %s", w->cpu, strerror(err));
	x = quantum(x);				/* warm up */
	pthread_barrier_wait(&start);
	for (i = 0; i < samples; i++) {
		double t0 = now_ns();

		x = quantum(x);
		w->q[i] = now_ns() - t0;
	}
	return (void *)(unsigned long)(x & 1);
}

int main(int argc, char **argv)
{
	struct worker w[MAX_CORES];
	const char *datafile = argc > 3 ? argv[3] : NULL;
	cpu_set_t allowed;
	int n = 0, c, err;
	char name[64];
	long i;

	if (argc < 2 || argc > 4)
		fail("usage: fwq SAMPLES [WORK [DATAFILE]]");
	samples = arg_long("SAMPLES", argv[1]);
	work = argc > 2 ? arg_long("WORK", argv[2]) : 32768;
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		fail("sched_getaffinity: %s", strerror(errno));
	for (c = 0; c < CPU_SETSIZE && n < MAX_CORES; c++) {
		if (!CPU_ISSET(c, &allowed))
			continue;
		w[n].cpu = c;
		w[n].q = malloc(samples * sizeof(double));
		if (!w[n].q)
			fail("out of memory for %ld samples", samples);
		/* Touch the samples now, not while measuring. */
		memset(w[n].q, 0, samples * sizeof(double));
		n++;
	}

	pthread_barrier_init(&start, NULL, n);
	for (c = 0; c < n; c++) {
		err = pthread_create(&w[c].thread, NULL, run, &w[c]);
		if (err)
			fail("pthread_create: %s", strerror(err));
	}
	for (c = 0; c < n; c++)
		pthread_join(w[c].thread, NULL);

	if (datafile) {
		FILE *f = fopen(datafile, "w");

		if (!f)
			fail("%s: %s", datafile, strerror(errno));
		for (i = 0; i < samples; i++) {
			fprintf(f, "%ld", i);
			for (c = 0; c < n; c++)
				fprintf(f, " %.3f", w[c].q[i] / 1e3);
			fputc('\n', f);
		}
		if (fclose(f))
			fail("%s: %s", datafile, strerror(errno));
	}

	printf("cores %d\n", n);
	for (c = 0; c < n; c++) {
		double *q = w[c].q, min, max;

		qsort(q, samples, sizeof(*q), cmp_double);
		min = q[0] / 1e3;
		max = q[samples - 1] / 1e3;
		snprintf(name, sizeof(name), "core%d_min", c);
		metric(name, min, "us");
		snprintf(name, sizeof(name), "core%d_median", c);
		metric(name, quantile(q, samples, 0.5) / 1e3, "us");
		snprintf(name, sizeof(name), "core%d_p999", c);
		metric(name, quantile(q, samples, 0.999) / 1e3, "us");
		snprintf(name, sizeof(name), "core%d_max", c);
		metric(name, max, "us");
		snprintf(name, sizeof(name), "core%d_noise", c);
		metric(name, (max - min) / min * 100, "%");
	}
	return 0;
}
