// SPDX-License-Identifier: MIT
/*
 * Appends lines to an instance's kmsg ring the way the LWK does (an atomic
 * add on kmsg_head reserves the bytes, then they are copied), so that the
 * partition suite can test `tandem kmsg` on a ring that wrapped.
 *
 * usage: kmsgfill INSTANCE-FILE COUNT TAG
 * writes COUNT lines "<info> 0 kmsgfill: TAG line N of COUNT" (N from 1).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../include/uapi/tandem.h"

int main(int argc, char **argv)
{
	struct tandem_instance *inst;
	char line[256];
	long i, count;
	int fd, n, k;

	if (argc != 4) {
		fprintf(stderr, "usage: kmsgfill INSTANCE-FILE COUNT TAG\n");
		return 2;
	}
	count = atol(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	inst = mmap(NULL, sizeof(*inst), PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (inst == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 1; i <= count; i++) {
		unsigned long long head;

		n = snprintf(line, sizeof(line),
			     "<info> 0 kmsgfill: %s line %ld of %ld\n", argv[3],
			     i, count);
		head = __atomic_fetch_add(&inst->kmsg_head, n, __ATOMIC_RELAXED);
		for (k = 0; k < n; k++)
			inst->kmsg[(head + k) % TANDEM_KMSG_SIZE] = line[k];
	}
	return 0;
}
