// SPDX-License-Identifier: MIT
/*
 * mm_args: the memory calls' argument checks, a table of calls whose
 * answers (0 or the errno's name) must be the same natively and under
 * tandem: bad flags and advice, unaligned addresses, lengths that wrap,
 * ranges over holes, and MADV_COLLAPSE on mappings of every kind, made
 * so that Linux could collapse them (written first: Linux refuses memory
 * never touched, which the LWK's always is).  Each
 * case maps what it needs afresh: A is 8 MiB of private anonymous memory
 * at a 2 MiB boundary, written, with a hole at A + 6 MiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "report.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif
#define MB			(1UL << 20)
#define HP			(2 * MB)
#define RW			(PROT_READ | PROT_WRITE)

static char *A;

/* len bytes of anonymous memory (flags) at a 2 MiB boundary + mis, written. */
static char *amap(size_t len, size_t mis, int flags, int touch)
{
	char *p = mmap(NULL, len + 2 * HP, RW, flags | MAP_ANONYMOUS, -1, 0);
	char *q;

	if (p == MAP_FAILED)
		die("mmap");
	q = (char *)(((uintptr_t)p + HP - 1) & ~(HP - 1)) + mis;
	munmap(p, q - p);
	munmap(q + len, p + len + 2 * HP - (q + len));
	if (touch)
		memset(q, 1, len);
	return q;
}

static void show(const char *what, long r)
{
	show_ret(what, r);
}

#define MADV(what, addr, len, adv) show(what, madvise(addr, len, adv))
#define MPROT(what, addr, len, prot) show(what, mprotect(addr, len, prot))

static void madvise_cases(void)
{
	char *p;

	MADV("madvise bad advice 999", A, 4096, 999);
	MADV("madvise bad advice -1", A, 4096, -1);
	MADV("madvise bad advice 26", A, 4096, 26);
	MADV("madvise unaligned", A + 1, 4096, MADV_DONTNEED);
	MADV("madvise len 0", A, 0, MADV_DONTNEED);
	MADV("madvise len 0 unaligned", A + 1, 0, MADV_DONTNEED);
	MADV("madvise len wraps", A, -4096UL, MADV_DONTNEED);
	MADV("madvise len -1", A, -1UL, MADV_NORMAL);
	MADV("madvise len 1", A, 1, MADV_WILLNEED);
	MADV("madvise past the top", (void *)0x7ffffffff000UL, 2 * 4096,
	     MADV_NORMAL);
	MADV("madvise over a hole", A + 5 * MB, 2 * MB, MADV_NORMAL);
	MADV("madvise in a hole", A + 6 * MB, 4096, MADV_NORMAL);
	MADV("madvise hole then bad", A + 6 * MB, 2 * MB, MADV_REMOVE);
	MADV("madvise bad then hole", A + 5 * MB, 2 * MB, MADV_REMOVE);
	MADV("madvise REMOVE private", A, 4096, MADV_REMOVE);
	MADV("madvise WIPEONFORK private", A, 4096, MADV_WIPEONFORK);
	MADV("madvise KEEPONFORK private", A, 4096, MADV_KEEPONFORK);
	MADV("madvise DODUMP", A, 4096, MADV_DODUMP);
	MADV("madvise MERGEABLE", A, 4096, MADV_MERGEABLE);
	MADV("madvise UNMERGEABLE", A, 4096, MADV_UNMERGEABLE);
	MADV("madvise COLD", A, 4096, MADV_COLD);
	MADV("madvise PAGEOUT", A, 4096, MADV_PAGEOUT);
	MADV("madvise POPULATE_READ", A, 4096, MADV_POPULATE_READ);
	MADV("madvise POPULATE_WRITE", A, 4096, MADV_POPULATE_WRITE);
	MADV("madvise POPULATE_WRITE hole", A + 5 * MB, 2 * MB,
	     MADV_POPULATE_WRITE);
	MADV("madvise DONTNEED_LOCKED", A, 4096, MADV_DONTNEED_LOCKED);

	p = amap(HP, 0, MAP_SHARED, 1);
	MADV("madvise FREE shared", p, 4096, MADV_FREE);
	MADV("madvise WIPEONFORK shared", p, 4096, MADV_WIPEONFORK);
	MADV("madvise REMOVE shared", p, 4096, MADV_REMOVE);
	MADV("madvise DONTNEED shared", p, 4096, MADV_DONTNEED);
	MADV("madvise COLD shared", p, 4096, MADV_COLD);
	MADV("madvise POPULATE_WRITE shared", p, 4096, MADV_POPULATE_WRITE);
	munmap(p, HP);

	p = amap(HP, 0, MAP_PRIVATE, 1);
	mlock(p, HP);
	MADV("madvise DONTNEED locked", p, 4096, MADV_DONTNEED);
	MADV("madvise FREE locked", p, 4096, MADV_FREE);
	MADV("madvise COLD locked", p, 4096, MADV_COLD);
	MADV("madvise PAGEOUT locked", p, 4096, MADV_PAGEOUT);
	MADV("madvise DONTNEED_LOCKED locked", p, 4096, MADV_DONTNEED_LOCKED);
	munlock(p, HP);
	mprotect(p, HP, PROT_READ);
	MADV("madvise POPULATE_WRITE read-only", p, 4096, MADV_POPULATE_WRITE);
	MADV("madvise POPULATE_READ read-only", p, 4096, MADV_POPULATE_READ);
	mprotect(p, HP, PROT_NONE);
	MADV("madvise POPULATE_READ prot none", p, 4096, MADV_POPULATE_READ);
	MADV("madvise DONTNEED prot none", p, 4096, MADV_DONTNEED);
	MADV("madvise FREE prot none", p, 4096, MADV_FREE);
	munmap(p, HP);

	p = mmap(NULL, HP, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	MADV("madvise POPULATE_READ reservation", p, 4096, MADV_POPULATE_READ);
	MADV("madvise FREE reservation", p, 4096, MADV_FREE);
	munmap(p, HP);
}

static void collapse_cases(void)
{
	char *p;
	int fd;

	MADV("collapse aligned", A, 4 * MB, MADV_COLLAPSE);
	MADV("collapse from inside a page", A + 4096, 4 * MB, MADV_COLLAPSE);
	MADV("collapse inside one page", A + 4096, 4096, MADV_COLLAPSE);
	MADV("collapse at a boundary, short", A + HP, 4096, MADV_COLLAPSE);
	MADV("collapse end inside a page", A, 3 * MB, MADV_COLLAPSE);
	MADV("collapse over the hole", A + 4 * MB, 4 * MB, MADV_COLLAPSE);

	p = amap(3 * MB, 4096, MAP_PRIVATE, 1);
	MADV("collapse mapping without an aligned page", p, 3 * MB,
	     MADV_COLLAPSE);
	munmap(p, 3 * MB);
	p = amap(4 * MB, 4096, MAP_PRIVATE, 1);
	MADV("collapse misaligned mapping", p, 4 * MB, MADV_COLLAPSE);
	munmap(p, 4 * MB);
	p = amap(8 * MB, 0, MAP_PRIVATE, 1);
	madvise(p, 8 * MB, MADV_NOHUGEPAGE);
	MADV("collapse NOHUGEPAGE", p, 8 * MB, MADV_COLLAPSE);
	madvise(p + 4 * MB, 4 * MB, MADV_HUGEPAGE);
	MADV("collapse HUGEPAGE again", p + 4 * MB, 4 * MB, MADV_COLLAPSE);
	mprotect(p + MB, 2 * MB, PROT_READ);
	MADV("collapse over a 1 MiB piece", p, 4 * MB, MADV_COLLAPSE);
	munmap(p, 8 * MB);
	p = amap(8 * MB, 0, MAP_PRIVATE, 1);
	mprotect(p + HP, HP, PROT_READ);
	MADV("collapse over three pieces", p, 8 * MB, MADV_COLLAPSE);
	mprotect(p, 8 * MB, PROT_NONE);
	MADV("collapse prot none", p, 8 * MB, MADV_COLLAPSE);
	munmap(p, 8 * MB);
	p = amap(4 * MB, 0, MAP_SHARED, 1);
	MADV("collapse shared", p, 4 * MB, MADV_COLLAPSE);
	MADV("collapse shared inside one page", p + 4096, 4096,
	     MADV_COLLAPSE);
	munmap(p, 4 * MB);

	fd = memfd_create("mm_args", 0);
	if (fd < 0 || ftruncate(fd, 4 * MB))
		die("memfd");
	/* Where Linux would place it depends on its settings: both ways. */
	p = amap(4 * MB, 0, MAP_PRIVATE, 0);
	p = mmap(p, 4 * MB, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	memset(p, 1, 4 * MB);
	MADV("collapse memfd aligned", p, 4 * MB, MADV_COLLAPSE);
	munmap(p, 4 * MB);
	p = amap(4 * MB, 4096, MAP_PRIVATE, 0);
	p = mmap(p, 4 * MB, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	MADV("collapse memfd misaligned", p, 4 * MB, MADV_COLLAPSE);
	munmap(p, 4 * MB);
	close(fd);
}

static void mprotect_cases(void)
{
	char *p;

	MPROT("mprotect bad prot 8", A, 4096, 8);
	MPROT("mprotect bad prot 0x10", A, 4096, 0x10);
	MPROT("mprotect GROWSDOWN and GROWSUP", A, 4096,
	      PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP);
	MPROT("mprotect GROWSDOWN plain", A, 4096, PROT_READ | PROT_GROWSDOWN);
	MPROT("mprotect GROWSUP", A, 4096, PROT_READ | PROT_GROWSUP);
	MPROT("mprotect unaligned", A + 1, 4096, RW);
	MPROT("mprotect len 0", A, 0, RW);
	MPROT("mprotect len 0 unaligned", A + 1, 0, RW);
	MPROT("mprotect len wraps", A, -4096UL, RW);
	MPROT("mprotect len -1", A, -1UL, RW);
	MPROT("mprotect past the top", (void *)0x7ffffffff000UL, 2 * 4096,
	      RW);
	MPROT("mprotect over a hole", A + 5 * MB, 2 * MB, PROT_READ);
	printf("before the hole, read-only: %s\n",
	       mprotect(A + 5 * MB, 4096, PROT_READ) == 0 ? "mapped" : "?");
	MPROT("mprotect in a hole", A + 6 * MB, 4096, PROT_READ);
	MPROT("mprotect hole at start", A + 6 * MB - 4096, 2 * MB, RW);
	show("pkey_mprotect bad pkey", syscall(SYS_pkey_mprotect, A, 4096,
					      RW, 99));
	show("pkey_mprotect pkey -1", syscall(SYS_pkey_mprotect, A, 4096,
					     RW, -1));
	p = amap(HP, 0, MAP_PRIVATE, 1);
	MPROT("mprotect PROT_SEM", p, 4096, RW | 0x8);
	MPROT("mprotect exec", p, 4096, RW | PROT_EXEC);
	munmap(p, HP);
}

static void mremap_cases(void)
{
	char *p, *q;

#define MREMAP(what, ...) show(what, (long)mremap(__VA_ARGS__) == -1 ? \
			       -1 : 0)
	p = amap(HP, 0, MAP_PRIVATE, 1);
	q = amap(HP, 0, MAP_PRIVATE, 1);
	MREMAP("mremap bad flags", p, 4096, 4096, 8);
	MREMAP("mremap FIXED without MAYMOVE", p, 4096, 4096, MREMAP_FIXED,
	       q);
	MREMAP("mremap DONTUNMAP without MAYMOVE", p, 4096, 4096,
	       MREMAP_DONTUNMAP);
	MREMAP("mremap DONTUNMAP resize", p, 4096, 8192,
	       MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	MREMAP("mremap unaligned old", p + 1, 4096, 4096, 0);
	MREMAP("mremap new len 0", p, 4096, 0, 0);
	MREMAP("mremap old len wraps", p, -4096UL, 4096, 0);
	MREMAP("mremap new len wraps", p, 4096, -4096UL, MREMAP_MAYMOVE);
	MREMAP("mremap new len huge", p, 4096, 1UL << 47, MREMAP_MAYMOVE);
	MREMAP("mremap FIXED unaligned new", p, 4096, 4096,
	       MREMAP_MAYMOVE | MREMAP_FIXED, q + 1);
	MREMAP("mremap FIXED overlapping", p, 8192, 8192,
	       MREMAP_MAYMOVE | MREMAP_FIXED, p + 4096);
	MREMAP("mremap old in a hole", A + 6 * MB, 4096, 8192,
	       MREMAP_MAYMOVE);
	MREMAP("mremap old over a hole", A + 5 * MB, 2 * MB, 2 * MB,
	       MREMAP_MAYMOVE);
	MREMAP("mremap old over two mappings", p + HP - 4096, 8192, 8192,
	       MREMAP_MAYMOVE);
	MREMAP("mremap old len 0 private", p, 0, 4096, MREMAP_MAYMOVE);
	MREMAP("mremap grow blocked", q - 4096, 4096, 8192, 0);
	MREMAP("mremap FIXED to its own place", p, 4096, 4096,
	       MREMAP_MAYMOVE | MREMAP_FIXED, p);
	MREMAP("mremap old len huge", p, 1UL << 47, 4096, MREMAP_MAYMOVE);
	MREMAP("mremap old past the top", p, 0x800000000000UL - (uintptr_t)p +
	       4096, 4096, MREMAP_MAYMOVE);
	MREMAP("mremap new len TASK_SIZE", p, 4096, 0x7ffffffff000UL,
	       MREMAP_MAYMOVE);
	MREMAP("mremap new len past TASK_SIZE", p, 4096, 0x800000000000UL,
	       MREMAP_MAYMOVE);
	MREMAP("mremap FIXED new past the top", p, 4096, 8192,
	       MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x7ffffffff000UL);
	MREMAP("mremap same len in a hole", A + 6 * MB, 4096, 4096, 0);
	MREMAP("mremap shrink in a hole", A + 6 * MB, 8192, 4096, 0);
	MREMAP("mremap shrink over the end", p + HP - 4096, 8192, 4096, 0);
	MREMAP("mremap shrink", p, 8192, 4096, 0);
	munmap(p, HP);
	munmap(q, HP);
}

static void other_cases(void)
{
	static unsigned char vec[1024];

	show("munmap unaligned", munmap(A + 1, 4096));
	show("munmap len 0", munmap(A, 0));
	show("munmap len wraps", munmap(A, -4096UL));
	show("munmap past the top", munmap((void *)0x7ffffffff000UL, 8192));
	show("mlock over a hole", mlock(A + 5 * MB, 2 * MB));
	show("mlock len wraps", mlock(A, -4096UL));
	show("munlock over a hole", munlock(A + 5 * MB, 2 * MB));
	show("mlock2 bad flags", syscall(SYS_mlock2, A, 4096, 2));
	show("mlockall 0", mlockall(0));
	show("mlockall ONFAULT alone", mlockall(MCL_ONFAULT));
	show("mincore unaligned", mincore(A + 1, 4096, vec));
	show("mincore over a hole", mincore(A + 5 * MB, 2 * MB, vec));
	show("mincore len wraps", mincore(A, -4096UL, vec));
	show("mincore bad vec", mincore(A, 4096, (void *)8));
	show("msync bad flags", msync(A, 4096, 8));
	show("msync ASYNC and SYNC", msync(A, 4096, MS_ASYNC | MS_SYNC));
	show("msync unaligned", msync(A + 1, 4096, MS_SYNC));
	show("msync over a hole", msync(A + 5 * MB, 2 * MB, MS_SYNC));
	show("msync len wraps", msync(A, -4096UL, MS_SYNC));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	A = amap(8 * MB, 0, MAP_PRIVATE, 1);
	munmap(A + 6 * MB, 4096);
	madvise_cases();
	collapse_cases();
	mprotect_cases();
	mremap_cases();
	other_cases();
	/* Last: PR_SET_THP_DISABLE stays for the process. */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	MADV("collapse with THP disabled", A, 4 * MB, MADV_COLLAPSE);
	return 0;
}
