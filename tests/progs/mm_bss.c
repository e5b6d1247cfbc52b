// SPDX-License-Identifier: MIT
/*
 * mm_bss: a program whose bss is 1 GiB.  It checks that all of it reads
 * zero, writes every page, reads it back and prints a checksum; with
 * --no-faults it also checks that touching it took no page fault (the
 * LWK moves the bss to its pool at load time, populated).  Faults are
 * this thread's (RUSAGE_THREAD): a helper thread of the LWK's may take
 * some of its own meanwhile.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#define BIG	(1UL << 30)
#define PAGE	4096UL

static unsigned char big[BIG];

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt;
}

int main(int argc, char **argv)
{
	unsigned long i, nonzero = 0, sum = 0;
	long before = minflt(), faults;

	for (i = 0; i < BIG; i += PAGE) {
		nonzero += big[i] != 0 || big[i + PAGE - 1] != 0;
		big[i] = (unsigned char)(i / PAGE);
	}
	faults = minflt() - before;
	for (i = 0; i < BIG; i += PAGE)
		sum += big[i];
	printf("bss of %lu MiB: %lu pages not zero, checksum %lu\n", BIG >> 20,
	       nonzero, sum);
	if (argc > 1 && !strcmp(argv[1], "--no-faults")) {
		printf("touching it took %s\n", faults ? "page faults" :
		       "no page fault");
		return faults != 0;
	}
	return nonzero != 0;
}
