// SPDX-License-Identifier: MIT
/*
 * mm: map SIZE MiB of anonymous memory, write one byte per 4 KiB page,
 * unmap it; time each step and count the page faults (getrusage minflt).
 *
 *   mm [--thp | --hugetlb] SIZE_MIB
 *
 *   --thp      madvise(MADV_HUGEPAGE) after mmap: Linux tuned by hand
 *   --hugetlb  MAP_HUGETLB (needs reserved huge pages, vm.nr_hugepages)
 *
 * "faults" counts every fault from mmap to munmap, so memory an LWK
 * populates at map time is counted too; "touch_faults" only those taken
 * while the program writes, which an LWK should bring to zero.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>

#include "bench.h"

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

int main(int argc, char **argv)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, thp = 0, i = 1;
	double t0, t1, t2, t3;
	long f0, f1, f2, f3;
	size_t len, off;
	volatile char *p;

	if (argc > 1 && !strcmp(argv[1], "--thp")) {
		thp = 1;
		i++;
	} else if (argc > 1 && !strcmp(argv[1], "--hugetlb")) {
		flags |= MAP_HUGETLB;
		i++;
	}
	if (i != argc - 1)
		fail("usage: mm [--thp | --hugetlb] SIZE_MIB");
	len = (size_t)arg_long("SIZE_MIB", argv[i]) << 20;

	f0 = minflt();
	t0 = now_ns();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		fail("mmap of %zu MiB: %s", len >> 20, strerror(errno));
	if (thp && madvise((void *)p, len, MADV_HUGEPAGE))
		fail("madvise(MADV_HUGEPAGE): %s", strerror(errno));
	t1 = now_ns();
	f1 = minflt();

	for (off = 0; off < len; off += 4096)
		p[off] = 1;
	t2 = now_ns();
	f2 = minflt();

	if (munmap((void *)p, len))
		fail("munmap: %s", strerror(errno));
	t3 = now_ns();
	f3 = minflt();

	metric("total", (t3 - t0) / 1e6, "ms");
	metric("mmap", (t1 - t0) / 1e6, "ms");
	metric("touch", (t2 - t1) / 1e6, "ms");
	metric("munmap", (t3 - t2) / 1e6, "ms");
	metric("faults", f3 - f0, "faults");
	metric("touch_faults", f2 - f1, "faults");
	return 0;
}
