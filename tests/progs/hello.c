// SPDX-License-Identifier: MIT
/*
 * A plain C program built three ways by the harness (static, PIE, non-PIE).
 *
 * It describes its own image (ELF type, whether it has an interpreter) from
 * the headers the linker placed in memory, so the harness can confirm each
 * build is what its name says, and exercises stdio, malloc (small and
 * mmap-sized) and both output streams. It must print nothing that differs
 * between two runs.
 */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const ElfW(Ehdr) __ehdr_start;

static int has_interp(void)
{
	const ElfW(Phdr) *ph = (const void *)((const char *)&__ehdr_start +
					       __ehdr_start.e_phoff);
	int i;

	for (i = 0; i < __ehdr_start.e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 16, 4096, 200000, 8 << 20 };
	unsigned long sum = 0;
	size_t i, j;
	int a;

	printf("hello from a test program\n");
	printf("type=%s interp=%s\n",
	       __ehdr_start.e_type == ET_DYN ? "ET_DYN" :
	       __ehdr_start.e_type == ET_EXEC ? "ET_EXEC" : "other",
	       has_interp() ? "yes" : "no");
	for (a = 1; a < argc; a++)
		printf("arg %d: %s\n", a, argv[a]);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = malloc(sizes[i]);

		if (!p) {
			perror("malloc");
			return 1;
		}
		/* Blocks this large come straight from mmap: fresh pages. */
		for (j = 0; sizes[i] > 100000 && j < sizes[i]; j++)
			if (p[j] != 0) {
				fprintf(stderr, "fresh memory is not zero\n");
				return 1;
			}
		memset(p, (int)(i + 1), sizes[i]);
		for (j = 0; j < sizes[i]; j += 61)
			sum += p[j];
		free(p);
	}
	printf("malloc checksum %lu\n", sum);
	fprintf(stderr, "a line on stderr\n");
	return 0;
}
