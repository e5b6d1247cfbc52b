// SPDX-License-Identifier: MIT
/*
 * churn: allocate, touch and free blocks of random size, 4 KiB to 64 MiB,
 * the way a program with a changing working set does.
 *
 *   churn malloc|mmap [--thp] STEPS
 *
 * 16 slots; each step picks a slot at random, frees its block if it has
 * one, allocates a new block and writes one byte per 4 KiB page of it.
 * Sizes are log-uniform (as many 4-8 KiB blocks as 32-64 MiB ones), the
 * seed is fixed, so every run does the same work.  "malloc" uses
 * malloc/free (glibc decides between heap and mmap); "mmap" calls
 * mmap/munmap itself.  --thp (mmap only) asks MADV_HUGEPAGE for blocks of
 * 2 MiB and more; for malloc, a tuned Linux sets
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1 instead.
 */
#define _GNU_SOURCE
#include <math.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "bench.h"

#define SLOTS		16
#define MIN_SHIFT	12	/* 4 KiB */
#define MAX_SHIFT	26	/* 64 MiB */

struct block {
	char *p;
	size_t len;
};

static int use_mmap, thp;

static char *get(size_t len)
{
	char *p;

	if (!use_mmap) {
		p = malloc(len);
		if (!p)
			fail("malloc(%zu) failed", len);
		return p;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fail("mmap(%zu): %s", len, strerror(errno));
	if (thp && len >= (2 << 20) && madvise(p, len, MADV_HUGEPAGE))
		fail("madvise(MADV_HUGEPAGE): %s", strerror(errno));
	return p;
}

static void put(struct block *b)
{
	if (!b->p)
		return;
	if (!use_mmap)
		free(b->p);
	else if (munmap(b->p, b->len))
		fail("munmap: %s", strerror(errno));
	b->p = NULL;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 0x5eed2026, touched = 0;
	struct block slot[SLOTS] = { { 0 } };
	struct rusage r0, r1;
	long steps, s;
	double t0, t1;
	int i = 2;

	if (argc < 3 || (strcmp(argv[1], "malloc") && strcmp(argv[1], "mmap")))
		fail("usage: churn malloc|mmap [--thp] STEPS");
	use_mmap = !strcmp(argv[1], "mmap");
	if (!strcmp(argv[i], "--thp")) {
		if (!use_mmap)
			fail("--thp is for the mmap variant; use GLIBC_TUNABLES=glibc.malloc.hugetlb=1 with malloc");
		thp = 1;
		i++;
	}
	if (i != argc - 1)
		fail("usage: churn malloc|mmap [--thp] STEPS");
	steps = arg_long("STEPS", argv[i]);

	getrusage(RUSAGE_SELF, &r0);
	t0 = now_ns();
	for (s = 0; s < steps; s++) {
		struct block *b = &slot[rand64(&seed) % SLOTS];
		double u = (rand64(&seed) >> 11) * 0x1.0p-53;
		size_t len = (size_t)ldexp(1.0, MIN_SHIFT +
					   u * (MAX_SHIFT - MIN_SHIFT));
		volatile char *q;
		size_t off;

		len &= ~(size_t)4095;
		put(b);
		b->p = get(len);
		b->len = len;
		q = b->p;
		for (off = 0; off < len; off += 4096)
			q[off] = (char)s;
		touched += len;
	}
	for (i = 0; i < SLOTS; i++)
		put(&slot[i]);
	t1 = now_ns();
	getrusage(RUSAGE_SELF, &r1);

	/* The same seed must give the same work natively and under tandem. */
	printf("touched %llu MiB\n", touched >> 20);
	metric("time", (t1 - t0) / 1e6, "ms");
	metric("faults", r1.ru_minflt - r0.ru_minflt, "faults");
	return 0;
}
