// SPDX-License-Identifier: MIT
/*
 * mm_ops: the memory system calls' behaviour, one case per child process.
 * Natively and under tandem the output must be the same, which proves the
 * cases themselves right: "ok NAME" or "FAIL NAME: why" per case, then
 * "N passed, N failed"; the exit status is 1 if a case failed.
 *
 *   mm_ops [--no-faults] [CASE...]   run the cases (all, or those named)
 *   mm_ops --list                    print the case names
 *   mm_ops enomem MIB                allocate 1 MiB blocks until ENOMEM (at
 *                                    most MIB of them), free one, allocate
 *                                    again: for a run with a small --mem
 *   mm_ops dirty MIB                 fill MIB of fresh memory with 0xa5
 *   mm_ops zero MIB                  check that MIB of fresh memory is zero
 *   mm_ops hold MIB PROG [ARGS...]   fill MIB of memory, then execvp PROG:
 *                                    what the old image held must come back
 *   mm_ops as-limit BYTES            RLIMIT_AS is BYTES (inherited across
 *                                    execve) and holds: exit status 0 if so
 *   mm_ops stack-touch MIB           write a byte MIB below the stack
 *                                    pointer: the main stack grows there
 *   mm_ops huge-full MAX             map 2 MiB MAP_HUGETLB pages until
 *                                    ENOMEM (at most MAX), then DONTNEED
 *                                    each with none left: for a run with
 *                                    huge pages and a small --mem
 *   mm_ops mapfaults MIB             map MIB of memory, check it is zero,
 *                                    write it: say whether its address is
 *                                    2 MiB-aligned and how many page faults
 *                                    mmap and the writes took together
 *
 * --no-faults adds what only an LWK promises: touching fresh anonymous
 * memory (mmap without MAP_POPULATE, brk, mremap growth) takes no page
 * fault (the touching thread's: RUSAGE_THREAD, as an LWK helper thread
 * may take faults of its own meanwhile).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define KB		1024UL
#define MB		(1024 * KB)
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB		(21 << 26)
#endif

static const char *cur;
static long page;
static int no_faults;

static void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", cur);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

#define CHECK(cond, ...)			\
	do {					\
		if (!(cond))			\
			fail(__VA_ARGS__);	\
	} while (0)

static char *map(size_t len, int prot, int flags)
{
	char *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED, "mmap(%zu) failed: %s", len, strerror(errno));
	return p;
}

static char *map_rw(size_t len)
{
	return map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* First non-zero byte's offset, or -1. */
static long nonzero(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return (long)i;
	return -1;
}

static void fill(char *p, size_t len, int c)
{
	memset(p, c, len);
}

static int all(const char *p, size_t len, int c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] != (unsigned char)c)
			return 0;
	return 1;
}

/* Is the page at p mapped (mincore answers, not ENOMEM)? */
static int mapped(void *p)
{
	unsigned char v;

	return mincore(p, page, &v) == 0;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt;
}

/* Touch one byte per page; the page faults it took. */
static long touch_faults(char *p, size_t len)
{
	long before = minflt();
	size_t i;

	for (i = 0; i < len; i += page)
		((volatile char *)p)[i] = 1;
	return minflt() - before;
}

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

/* Does writing to p fault (SIGSEGV)? */
static int write_faults(char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int faulted;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(jb, 1)) {
		faulted = 1;
	} else {
		*(volatile char *)p = 1;
		faulted = 0;
	}
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

/* ---- mmap, munmap ------------------------------------------------------ */

static void case_anon_zero(void)
{
	size_t len = 8 * MB + 3 * page;
	char *p = map_rw(len);

	CHECK(nonzero(p, len) < 0, "fresh memory not zero at %ld",
	      nonzero(p, len));
	fill(p, len, 0x5a);
	CHECK(all(p, len, 0x5a), "written bytes did not stay");
	if (no_faults) {
		char *q = map_rw(len);

		CHECK(touch_faults(q, len) == 0, "touching fresh memory faulted");
	}
}

static void case_reuse_zero(void)
{
	size_t len = 64 * MB;
	char *p = map_rw(len);
	int i;

	for (i = 0; i < 3; i++) {
		fill(p, len, 0xa5);
		CHECK(munmap(p, len) == 0, "munmap");
		p = map_rw(len);
		CHECK(nonzero(p, len) < 0, "round %d: reused memory not zero at %ld",
		      i, nonzero(p, len));
	}
}

static void case_bad_args(void)
{
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	      MAP_FAILED && errno == EINVAL, "len 0: %s", strerror(errno));
	errno = 0;
	CHECK(mmap(NULL, page, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL, "no MAP_PRIVATE/SHARED: %s", strerror(errno));
	errno = 0;
	CHECK(mmap((void *)(page + 1), page, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
	      errno == EINVAL, "unaligned MAP_FIXED: %s", strerror(errno));
	errno = 0;
	CHECK(munmap((void *)(page + 1), page) == -1 && errno == EINVAL,
	      "unaligned munmap: %s", strerror(errno));
	errno = 0;
	CHECK(munmap((void *)page, 0) == -1 && errno == EINVAL,
	      "munmap of 0 bytes: %s", strerror(errno));
}

/* mmap(len, flags, fd) fails with @err. */
static void map_err(void *addr, size_t len, int flags, int fd, int err,
		    const char *what)
{
	errno = 0;
	CHECK(mmap(addr, len, PROT_READ, flags, fd, 0) == MAP_FAILED &&
	      errno == err, "%s: %s, not %s", what, strerror(errno),
	      strerror(err));
}

/*
 * A bad mapping type, and what Linux checks before it: the descriptor
 * (when not anonymous), the length, the address.
 */
static void case_bad_type(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	char *m = map(page, PROT_READ, MAP_PRIVATE);

	CHECK(fd >= 0, "open: %s", strerror(errno));
	map_err(NULL, page, 0, -1, EBADF, "no type, fd -1");
	map_err(NULL, 0, 0, -1, EBADF, "no type, length 0, fd -1");
	map_err(NULL, 0, MAP_PRIVATE, -1, EBADF, "length 0, fd -1");
	map_err(NULL, page, 0, fd, EINVAL, "no type, a file");
	map_err(NULL, page, MAP_ANONYMOUS, -1, EINVAL, "no type, anonymous");
	map_err(NULL, page, 4 | MAP_ANONYMOUS, -1, EINVAL, "type 4");
	map_err(NULL, page, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, EINVAL,
		"MAP_SHARED_VALIDATE, anonymous");
	map_err(NULL, page, MAP_SHARED | MAP_GROWSDOWN | MAP_ANONYMOUS, -1,
		EINVAL, "MAP_SHARED | MAP_GROWSDOWN");
	map_err(NULL, 1UL << 62, MAP_ANONYMOUS, -1, ENOMEM,
		"no type, 4 EiB");
	map_err(NULL, 0, MAP_ANONYMOUS, -1, EINVAL, "no type, length 0");
	map_err(m, page, MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, EEXIST,
		"no type, MAP_FIXED_NOREPLACE over a mapping");
	map_err(m + 1, page, MAP_ANONYMOUS | MAP_FIXED, -1, EINVAL,
		"no type, unaligned MAP_FIXED");
	close(fd);
}

static void case_fixed_replace(void)
{
	char *p = map_rw(4 * page), *q;

	fill(p, 4 * page, 0x11);
	q = mmap(p + page, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + page, "MAP_FIXED moved: %p for %p", (void *)q,
	      (void *)(p + page));
	CHECK(nonzero(q, 2 * page) < 0, "replaced pages not zero");
	CHECK(all(p, page, 0x11) && all(p + 3 * page, page, 0x11),
	      "pages around the replaced ones changed");
}

/*
 * MAP_FIXED and MAP_FIXED_NOREPLACE of 4 MiB at an address 4 KiB past a
 * 2 MiB boundary: only MAP_HUGETLB asks for an aligned address.
 */
static void case_fixed_large_unaligned(void)
{
	char *r = map(8 * MB, PROT_NONE, MAP_PRIVATE), *s, *q;

	s = (char *)(((unsigned long)r + 2 * MB - 1) & ~(2 * MB - 1)) + page;
	q = mmap(s, 4 * MB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == s, "MAP_FIXED: %p for %p (%s)", (void *)q, (void *)s,
	      q == MAP_FAILED ? strerror(errno) : "moved");
	CHECK(nonzero(q, 4 * MB) < 0, "not zero");
	fill(q, 4 * MB, 0x5a);
	CHECK(munmap(q, 4 * MB) == 0, "munmap");
	q = mmap(s, 4 * MB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == s, "MAP_FIXED_NOREPLACE: %p for %p (%s)", (void *)q,
	      (void *)s, q == MAP_FAILED ? strerror(errno) : "moved");
	CHECK(nonzero(q, 4 * MB) < 0, "not zero after reuse");
}

static void case_fixed_noreplace(void)
{
	char *p = map_rw(4 * page), *q;

	errno = 0;
	q = mmap(p + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == MAP_FAILED && errno == EEXIST, "over a mapping: %p %s",
	      (void *)q, strerror(errno));
	CHECK(munmap(p + page, 2 * page) == 0, "munmap");
	q = mmap(p + page, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + page, "into the hole: %p", (void *)q);
	CHECK(nonzero(q, 2 * page) < 0, "not zero");
}

static void case_hint(void)
{
	char *p = map_rw(16 * page), *q;

	CHECK(munmap(p, 16 * page) == 0, "munmap");
	q = mmap(p + 4 * page, 4 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q == p + 4 * page, "a free hint was not taken: %p for %p",
	      (void *)q, (void *)(p + 4 * page));
}

static void case_munmap_middle(void)
{
	char *p = map_rw(8 * page);

	fill(p, 8 * page, 0x22);
	CHECK(munmap(p + 2 * page, 3 * page) == 0, "munmap");
	CHECK(mapped(p + page) && !mapped(p + 2 * page) &&
	      !mapped(p + 4 * page) && mapped(p + 5 * page),
	      "wrong pages mapped after munmap");
	CHECK(all(p, 2 * page, 0x22) && all(p + 5 * page, 3 * page, 0x22),
	      "remaining pages changed");
	CHECK(munmap(p, 8 * page) == 0, "munmap over a hole");
	CHECK(!mapped(p) && !mapped(p + 7 * page), "still mapped");
}

static void case_large_partial(void)
{
	size_t len = 16 * MB;
	char *p = map_rw(len);

	fill(p, len, 0x33);
	/* Cut inside what may be a 2 MiB page. */
	CHECK(munmap(p + 3 * MB + page, 5 * page) == 0, "munmap");
	CHECK(all(p, 3 * MB + page, 0x33) &&
	      all(p + 3 * MB + 6 * page, len - 3 * MB - 6 * page, 0x33),
	      "bytes around the hole changed");
	CHECK(!mapped(p + 3 * MB + page) && mapped(p + 3 * MB + 6 * page),
	      "hole wrong");
}

/* ---- mprotect -------------------------------------------------------- */

static void case_mprotect_split(void)
{
	char *p = map_rw(4 * page);

	fill(p, 4 * page, 0x44);
	CHECK(mprotect(p + page, page, PROT_READ) == 0, "mprotect");
	CHECK(write_faults(p + page), "write to a read-only page passed");
	CHECK(!write_faults(p) && !write_faults(p + 2 * page) &&
	      !write_faults(p + 3 * page), "neighbours became read-only");
	CHECK(all(p + page, page, 0x44), "read-only page changed");
	CHECK(mprotect(p, 4 * page, PROT_READ | PROT_WRITE) == 0, "back");
	CHECK(!write_faults(p + page), "still read-only");
}

static void case_mprotect_none(void)
{
	size_t len = 4 * MB;
	char *p = map(len, PROT_NONE, MAP_PRIVATE | MAP_NORESERVE);

	CHECK(mprotect(p + MB, 2 * MB, PROT_READ | PROT_WRITE) == 0,
	      "mprotect: %s", strerror(errno));
	CHECK(nonzero(p + MB, 2 * MB) < 0, "not zero");
	fill(p + MB, 2 * MB, 0x55);
	CHECK(write_faults(p) && write_faults(p + 3 * MB),
	      "PROT_NONE parts became writable");
	if (no_faults) {
		CHECK(mprotect(p + 3 * MB, MB, PROT_READ | PROT_WRITE) == 0,
		      "mprotect");
		CHECK(touch_faults(p + 3 * MB, MB) == 0,
		      "memory made accessible faulted");
	}
}

static void case_mprotect_errors(void)
{
	char *p = map_rw(4 * page);

	CHECK(munmap(p + 2 * page, page) == 0, "munmap");
	errno = 0;
	CHECK(mprotect(p, 4 * page, PROT_READ) == -1 && errno == ENOMEM,
	      "over a hole: %s", strerror(errno));
	errno = 0;
	CHECK(mprotect(p + 1, page, PROT_READ) == -1 && errno == EINVAL,
	      "unaligned: %s", strerror(errno));
	errno = 0;
	CHECK(mprotect(p, page, 0x100) == -1 && errno == EINVAL,
	      "bad prot: %s", strerror(errno));
}

/* ---- mremap ----------------------------------------------------------- */

static void case_mremap_grow(void)
{
	size_t len = 3 * MB;
	char *p = map_rw(len), *q;

	fill(p, len, 0x66);
	q = mremap(p, len, 4 * len, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED, "mremap: %s", strerror(errno));
	CHECK(all(q, len, 0x66), "data moved wrongly");
	CHECK(nonzero(q + len, 3 * len) < 0, "grown part not zero");
	if (no_faults)
		CHECK(touch_faults(q + len, 3 * len) == 0, "grown part faulted");
	fill(q, 4 * len, 0x67);
	CHECK(munmap(q, 4 * len) == 0, "munmap");
}

static void case_mremap_shrink(void)
{
	char *p = map_rw(8 * page), *q;

	fill(p, 8 * page, 0x77);
	q = mremap(p, 8 * page, 3 * page, 0);
	CHECK(q == p, "shrink moved: %p", (void *)q);
	CHECK(all(p, 3 * page, 0x77), "data changed");
	CHECK(!mapped(p + 3 * page) && !mapped(p + 7 * page), "tail mapped");
}

static void case_mremap_inplace(void)
{
	char *p = map_rw(8 * page), *q;

	fill(p, 8 * page, 0x12);
	CHECK(munmap(p + 4 * page, 4 * page) == 0, "munmap");
	q = mremap(p, 4 * page, 8 * page, 0);
	CHECK(q == p, "in-place growth: %p %s", (void *)q, strerror(errno));
	CHECK(all(p, 4 * page, 0x12) && nonzero(p + 4 * page, 4 * page) < 0,
	      "contents wrong");
	q = map(page, PROT_READ, MAP_PRIVATE);
	errno = 0;
	if (q == p + 8 * page) {
		CHECK(mremap(p, 8 * page, 16 * page, 0) == MAP_FAILED &&
		      errno == ENOMEM, "blocked growth: %s", strerror(errno));
	}
}

static void case_mremap_fixed(void)
{
	char *p = map_rw(4 * page), *t = map_rw(16 * page), *q;

	fill(p, 4 * page, 0x13);
	q = mremap(p, 4 * page, 6 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   t + 8 * page);
	CHECK(q == t + 8 * page, "FIXED went to %p: %s", (void *)q,
	      strerror(errno));
	CHECK(all(q, 4 * page, 0x13) && nonzero(q + 4 * page, 2 * page) < 0,
	      "contents wrong");
	CHECK(!mapped(p), "old range still mapped");
	CHECK(mapped(t) && mapped(t + 15 * page), "target neighbours gone");
}

static void case_mremap_dontunmap(void)
{
	char *p = map_rw(4 * page), *q;

	fill(p, 4 * page, 0x14);
	q = mremap(p, 4 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
		   NULL);
	if (q == MAP_FAILED && errno == EINVAL)
		return;		/* Linux < 5.7 */
	CHECK(q != MAP_FAILED && q != p, "mremap: %s", strerror(errno));
	CHECK(all(q, 4 * page, 0x14), "moved data wrong");
	CHECK(mapped(p) && nonzero(p, 4 * page) < 0,
	      "old range not mapped empty");
}

static void case_mremap_alias(void)
{
	char *p = map(4 * page, PROT_READ | PROT_WRITE, MAP_SHARED), *q;

	fill(p, 4 * page, 0x23);
	q = mremap(p, 0, 2 * page, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p, "second mapping: %s", strerror(errno));
	CHECK(all(q, 2 * page, 0x23), "the second mapping shows other bytes");
	q[0] = 0x24;
	CHECK(p[0] == 0x24, "a write through one mapping is not in the other");
	CHECK(munmap(p, 4 * page) == 0 && q[page] == 0x23,
	      "the second mapping lost its memory with the first");
	errno = 0;
	p = map_rw(page);
	CHECK(mremap(p, 0, page, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EINVAL, "of private memory: %s", strerror(errno));
}

static void case_mremap_errors(void)
{
	char *p = map_rw(4 * page);

	errno = 0;
	CHECK(mremap(p + 1, page, 2 * page, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EINVAL, "unaligned: %s", strerror(errno));
	errno = 0;
	CHECK(mremap(p, page, 2 * page, MREMAP_FIXED, p + 8 * page) ==
	      MAP_FAILED && errno == EINVAL, "FIXED without MAYMOVE: %s",
	      strerror(errno));
	errno = 0;
	CHECK(mremap(p, page, 0, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EINVAL, "to 0 bytes: %s", strerror(errno));
	CHECK(munmap(p, 4 * page) == 0, "munmap");
	errno = 0;
	CHECK(mremap(p, page, 2 * page, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == EFAULT, "unmapped: %s", strerror(errno));
}

/* ---- brk ------------------------------------------------------------ */

static void case_brk(void)
{
	char *start = sbrk(0), *p;
	size_t len = 3 * MB;

	CHECK(start != (void *)-1, "sbrk(0)");
	p = sbrk(len);
	CHECK(p == start, "sbrk grow: %p", (void *)p);
	CHECK(nonzero(p, len) < 0, "grown heap not zero");
	fill(p, len, 0x15);
	CHECK(sbrk(-(long)len) == start + len, "shrink");
	CHECK(sbrk(0) == start, "break after shrink");
	p = sbrk(len);
	CHECK(p == start && nonzero(p, len) < 0,
	      "heap given back and grown again is not zero at %ld",
	      nonzero(p, len));
	if (no_faults) {
		p = sbrk(len);
		CHECK(touch_faults(p, len) == 0, "heap growth faulted");
	}
	/* Linux answers with the old break; glibc's brk() then says 0. */
	p = sbrk(0);
	brk(start - 16 * MB);
	CHECK(sbrk(0) == p, "brk below the start moved the break");
}

/* ---- madvise ------------------------------------------------------- */

static void case_madv_dontneed(void)
{
	size_t len = 8 * MB;
	char *p = map_rw(len);

	fill(p, len, 0x16);
	CHECK(madvise(p + page, page, MADV_DONTNEED) == 0, "small");
	CHECK(nonzero(p + page, page) < 0 && all(p, page, 0x16) &&
	      all(p + 2 * page, page, 0x16), "small: contents wrong");
	if (no_faults)
		CHECK(touch_faults(p + page, page) == 0,
		      "a page zeroed by DONTNEED faulted");
	CHECK(madvise(p + 2 * MB, 4 * MB, MADV_DONTNEED) == 0, "large");
	CHECK(nonzero(p + 2 * MB, 4 * MB) < 0 && all(p + 6 * MB, 2 * MB, 0x16),
	      "large: contents wrong");
	/* Given back, as Linux does: it may fault again, and reads zero. */
	fill(p + 2 * MB, 4 * MB, 0x26);
	CHECK(madvise(p + 3 * MB, MB, MADV_DONTNEED) == 0, "again");
	CHECK(all(p + 2 * MB, MB, 0x26) && nonzero(p + 3 * MB, MB) < 0 &&
	      all(p + 4 * MB, 2 * MB, 0x26), "again: contents wrong");
}

/*
 * DONTNEED in a fork child empties the child's memory only; the parent's
 * DONTNEED before the fork gives the child zeroes; memory given back and
 * unmapped reads zero when mapped again.
 */
static void case_madv_dontneed_fork(void)
{
	size_t len = 4 * MB;
	char *p = map_rw(len), *q;
	int status;
	pid_t pid;

	fill(p, len, 0x1a);
	CHECK(madvise(p, MB, MADV_DONTNEED) == 0, "DONTNEED");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (nonzero(p, MB) >= 0 || !all(p + MB, len - MB, 0x1a))
			_exit(2);
		if (madvise(p + MB, 2 * MB, MADV_DONTNEED) ||
		    nonzero(p + MB, 2 * MB) >= 0)
			_exit(3);
		fill(p, len, 0x2a);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child: status %#x", status);
	CHECK(nonzero(p, MB) < 0 && all(p + MB, len - MB, 0x1a),
	      "the child's DONTNEED or writes reached the parent");
	fill(p, len, 0x3a);
	CHECK(madvise(p, len, MADV_DONTNEED) == 0, "DONTNEED all");
	fill(p, MB, 0x4a);
	CHECK(munmap(p, len) == 0, "munmap");
	q = map_rw(len);
	CHECK(nonzero(q, len) < 0, "memory given back and mapped again not zero");
}

static void case_madv_free(void)
{
	size_t len = 4 * MB, i;
	char *p = map_rw(len);

	fill(p, len, 0x17);
	CHECK(madvise(p, len, MADV_FREE) == 0, "MADV_FREE: %s", strerror(errno));
	/* Linux keeps the bytes until it needs the memory: either is right. */
	for (i = 0; i < len; i += page)
		CHECK(all(p + i, page, 0x17) || nonzero(p + i, page) < 0,
		      "page %zu neither old nor zero", i / page);
}

static void case_madv_shared(void)
{
	char *p = map(4 * page, PROT_READ | PROT_WRITE, MAP_SHARED);

	fill(p, 4 * page, 0x18);
	CHECK(madvise(p, 4 * page, MADV_DONTNEED) == 0, "DONTNEED");
	CHECK(all(p, 4 * page, 0x18), "shared memory lost its bytes");
	errno = 0;
	CHECK(madvise(p, page, MADV_FREE) == -1 && errno == EINVAL,
	      "MADV_FREE on shared: %s", strerror(errno));
	CHECK(madvise(p, page, MADV_REMOVE) == 0, "MADV_REMOVE: %s",
	      strerror(errno));
	CHECK(nonzero(p, page) < 0 && all(p + page, page, 0x18),
	      "MADV_REMOVE contents wrong");
}

/* MADV_REMOVE on shared memory empties it for every process mapping it. */
static void case_madv_shared_remove(void)
{
	size_t len = 2 * MB;
	char *p = map(len, PROT_READ | PROT_WRITE, MAP_SHARED);
	int status;
	pid_t pid;

	fill(p, len, 0x1b);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (madvise(p, MB, MADV_REMOVE) || nonzero(p, MB) >= 0)
			_exit(2);
		fill(p + 4 * page, page, 0x2b);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child: status %#x", status);
	CHECK(nonzero(p, 4 * page) < 0 && all(p + 4 * page, page, 0x2b) &&
	      nonzero(p + 5 * page, MB - 5 * page) < 0 &&
	      all(p + MB, MB, 0x1b), "the parent's view is wrong");
	CHECK(munmap(p, len) == 0, "munmap");
}

static void case_madv_misc(void)
{
	static const int ok[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP,
		MADV_DONTFORK, MADV_DOFORK,
	};
	size_t len = 4 * MB, i;
	char *p = map_rw(len);

	fill(p, len, 0x19);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK(madvise(p + MB + page, MB, ok[i]) == 0,
		      "advice %d: %s", ok[i], strerror(errno));
	CHECK(all(p, len, 0x19), "advice changed the bytes");
	errno = 0;
	CHECK(madvise(p, page, 12345) == -1 && errno == EINVAL,
	      "unknown advice: %s", strerror(errno));
	errno = 0;
	CHECK(madvise(p + 1, page, MADV_NORMAL) == -1 && errno == EINVAL,
	      "unaligned: %s", strerror(errno));
	CHECK(munmap(p + MB, page) == 0, "munmap");
	errno = 0;
	CHECK(madvise(p, 2 * MB, MADV_NORMAL) == -1 && errno == ENOMEM,
	      "over a hole: %s", strerror(errno));
}

/* ---- mlock, mincore, msync ----------------------------------------- */

static void case_mlock(void)
{
	char *p = map_rw(MB);

	CHECK(mlock(p, MB) == 0, "mlock: %s", strerror(errno));
	CHECK(munlock(p + page, page) == 0, "munlock: %s", strerror(errno));
	CHECK(mlockall(MCL_CURRENT) == 0, "mlockall: %s", strerror(errno));
	CHECK(munlockall() == 0, "munlockall: %s", strerror(errno));
	errno = 0;
	CHECK(mlockall(0) == -1 && errno == EINVAL, "mlockall(0): %s",
	      strerror(errno));
	CHECK(munmap(p, page) == 0, "munmap");
	errno = 0;
	CHECK(mlock(p, 2 * page) == -1 && errno == ENOMEM, "over a hole: %s",
	      strerror(errno));
}

static void case_mincore(void)
{
	size_t n = 16, i;
	char *p = map_rw(n * page);
	unsigned char vec[16];

	fill(p, n * page, 1);
	CHECK(mincore(p, n * page, vec) == 0, "mincore: %s", strerror(errno));
	for (i = 0; i < n; i++)
		CHECK(vec[i] & 1, "touched page %zu not resident", i);
	errno = 0;
	CHECK(mincore(p + 1, page, vec) == -1 && errno == EINVAL,
	      "unaligned: %s", strerror(errno));
}

static void case_msync(void)
{
	char *p = map_rw(4 * page);

	CHECK(msync(p, 4 * page, MS_SYNC) == 0, "MS_SYNC: %s", strerror(errno));
	errno = 0;
	CHECK(msync(p, page, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL,
	      "SYNC|ASYNC: %s", strerror(errno));
	CHECK(munmap(p + page, page) == 0, "munmap");
	errno = 0;
	CHECK(msync(p, 4 * page, MS_SYNC) == -1 && errno == ENOMEM,
	      "over a hole: %s", strerror(errno));
}

/* ---- flags -------------------------------------------------------- */

static void case_map_flags(void)
{
	static const int flags[] = {
		MAP_PRIVATE | MAP_POPULATE, MAP_PRIVATE | MAP_NORESERVE,
		MAP_PRIVATE | MAP_STACK, MAP_PRIVATE | MAP_GROWSDOWN,
		MAP_SHARED | MAP_POPULATE, MAP_PRIVATE | MAP_LOCKED,
	};
	size_t i, len = 2 * MB + page;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		char *p = map(len, PROT_READ | PROT_WRITE, flags[i]);

		CHECK(nonzero(p, len) < 0, "flags %#x: not zero", flags[i]);
		fill(p, len, 0x20 + (int)i);
		CHECK(all(p, len, 0x20 + (int)i), "flags %#x: bytes lost",
		      flags[i]);
		CHECK(munmap(p, len) == 0, "munmap");
	}
}

static void case_hugetlb(void)
{
	size_t len = 4 * MB;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
		       -1, 0);

	/* Without reserved huge pages Linux says ENOMEM: the same result. */
	if (p == MAP_FAILED) {
		CHECK(errno == ENOMEM, "MAP_HUGETLB: %s", strerror(errno));
		return;
	}
	CHECK(((unsigned long)p & (2 * MB - 1)) == 0, "not 2 MiB aligned");
	CHECK(nonzero(p, len) < 0, "not zero");
	fill(p, len, 0x21);
	errno = 0;
	CHECK(munmap(p + page, page) == -1 && errno == EINVAL,
	      "a cut inside a huge page: %s", strerror(errno));
	CHECK(munmap(p + 2 * MB, 2 * MB) == 0 && all(p, 2 * MB, 0x21),
	      "munmap of a whole huge page");
}

/* ---- RLIMIT_AS, RLIMIT_DATA ----------------------------------------- */

/* A "Vm...:" field of /proc/self/status, in bytes. */
static size_t vm_bytes(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kib = 0, n = strlen(key);

	CHECK(f, "/proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n))
			kib = strtoul(line + n, NULL, 10);
	fclose(f);
	CHECK(kib, "no %s in /proc/self/status", key);
	return kib * KB;
}

static void set_limit(int res, size_t bytes)
{
	struct rlimit rl = { bytes, bytes };

	CHECK(setrlimit(res, &rl) == 0, "setrlimit(%d, %zu): %s", res, bytes,
	      strerror(errno));
	CHECK(getrlimit(res, &rl) == 0 && rl.rlim_cur == bytes &&
	      rl.rlim_max == bytes, "getrlimit(%d) does not say %zu", res,
	      bytes);
}

/* mmap(len, prot, flags) fails with ENOMEM. */
static void map_fails(size_t len, int prot, int flags, const char *what)
{
	errno = 0;
	CHECK(mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0) ==
	      MAP_FAILED && errno == ENOMEM, "%s past the limit: %s", what,
	      errno ? strerror(errno) : "mapped");
}

/*
 * As `ulimit -v` in a job script: 96 MiB above what the process maps now.
 * 64 MiB fit; 64 MiB more, by any call, do not; what is given back can be
 * mapped again; fork and execve keep the limit and work.
 */
static void case_rlimit_as(void)
{
	size_t lim = vm_bytes("VmSize:") + 96 * MB;
	struct rlimit rl = { 2 * lim, lim };
	char *a, *p, self[64];
	int status;
	pid_t pid;

	errno = 0;
	CHECK(setrlimit(RLIMIT_AS, &rl) == -1 && errno == EINVAL,
	      "soft above hard: %s", strerror(errno));
	set_limit(RLIMIT_AS, lim);
	a = map_rw(64 * MB);
	fill(a, 64 * MB, 1);
	map_fails(64 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE, "private");
	map_fails(64 * MB, PROT_READ | PROT_WRITE, MAP_SHARED, "shared");
	map_fails(64 * MB, PROT_NONE, MAP_PRIVATE, "PROT_NONE");
	map_fails(64 * MB, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, "NORESERVE");
	errno = 0;
	CHECK(mremap(a, 64 * MB, 128 * MB, MREMAP_MAYMOVE) == MAP_FAILED &&
	      errno == ENOMEM, "mremap past the limit: %s", strerror(errno));
	errno = 0;
	CHECK(sbrk(64 * MB) == (void *)-1 && errno == ENOMEM,
	      "sbrk past the limit: %s", strerror(errno));
	CHECK(!malloc(64 * MB), "malloc past the limit");
	p = mmap(a, 64 * MB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(p == a && nonzero(a, 64 * MB) < 0,
	      "MAP_FIXED over the same range: %s", strerror(errno));

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork under the limit: %s", strerror(errno));
	if (pid == 0) {
		map_fails(64 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			  "fork child");
		_exit(getrlimit(RLIMIT_AS, &rl) || rl.rlim_cur != lim);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "fork child: status %#x", status);
	CHECK(munmap(a, 64 * MB) == 0, "munmap");
	a = map_rw(64 * MB);

	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		snprintf(self, sizeof(self), "%zu", lim);
		execl("/proc/self/exe", "mm_ops", "as-limit", self, (char *)0);
		_exit(3);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "execve under the limit: status %#x",
	      status);
}

/* The as-limit mode: RLIMIT_AS is @lim and is enforced. */
static int mode_as_limit(size_t lim)
{
	struct rlimit rl;
	size_t room;

	cur = "as-limit";
	CHECK(getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == lim &&
	      rl.rlim_max == lim, "execve lost RLIMIT_AS: %llu, %llu",
	      (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	room = lim - vm_bytes("VmSize:");
	map_fails(room + MB, PROT_READ | PROT_WRITE, MAP_PRIVATE, "new image");
	map_rw(room - 16 * MB);
	return 0;
}

/*
 * RLIMIT_DATA 48 MiB above the data memory now: it bounds private writable
 * memory (mmap, brk, mprotect making it writable), not shared or
 * read-only memory.
 */
static void case_rlimit_data(void)
{
	size_t lim = vm_bytes("VmData:") + 48 * MB;
	char *p;

	set_limit(RLIMIT_DATA, lim);
	fill(map_rw(32 * MB), 32 * MB, 1);
	map_fails(32 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE, "private");
	map(32 * MB, PROT_READ | PROT_WRITE, MAP_SHARED);
	map(32 * MB, PROT_READ, MAP_PRIVATE);
	p = map(32 * MB, PROT_NONE, MAP_PRIVATE);
	errno = 0;
	CHECK(mprotect(p, 32 * MB, PROT_READ | PROT_WRITE) == -1 &&
	      errno == ENOMEM, "mprotect to data past the limit: %s",
	      strerror(errno));
	CHECK(mprotect(p, 8 * MB, PROT_READ | PROT_WRITE) == 0,
	      "mprotect within the limit: %s", strerror(errno));
	errno = 0;
	CHECK(sbrk(32 * MB) == (void *)-1 && errno == ENOMEM,
	      "sbrk past the limit: %s", strerror(errno));
}

/* The stack-touch mode: the main stack reaches @mib MiB down. */
static int mode_stack_touch(size_t mib)
{
	volatile char *p = (char *)__builtin_frame_address(0) - mib * MB;

	*p = 1;
	return *p != 1;
}

/*
 * RLIMIT_STACK of 1.5 GiB, set before an execve: the new image's main
 * stack grows 1.4 GiB down (one page of it touched).
 */
static void case_stack_limit(void)
{
	struct rlimit rl = { 1536 * MB, RLIM_INFINITY };
	int status;
	pid_t pid;

	CHECK(setrlimit(RLIMIT_STACK, &rl) == 0, "setrlimit: %s",
	      strerror(errno));
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		execl("/proc/self/exe", "mm_ops", "stack-touch", "1400",
		      (char *)0);
		_exit(3);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0,
	      "a stack 1.4 GiB deep under a 1.5 GiB limit: status %#x", status);
}

/* ---- fork ------------------------------------------------------------ */

static void case_fork_private(void)
{
	size_t len = 6 * MB;
	char *p = map_rw(len), *h = sbrk(MB);
	int status;
	pid_t pid;

	fill(p, len, 0x31);
	fill(h, MB, 0x32);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (!all(p, len, 0x31) || !all(h, MB, 0x32))
			_exit(2);
		fill(p, len, 0x41);
		fill(h, MB, 0x42);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child saw wrong bytes (status %#x)", status);
	CHECK(all(p, len, 0x31) && all(h, MB, 0x32),
	      "the child's writes reached the parent");
}

static void case_fork_shared(void)
{
	char *p = map(2 * MB, PROT_READ | PROT_WRITE, MAP_SHARED);
	int status;
	pid_t pid;

	fill(p, 2 * MB, 0x33);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fill(p, MB, 0x43);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && status == 0, "child");
	CHECK(all(p, MB, 0x43) && all(p + MB, MB, 0x33),
	      "shared memory not shared with the child");
	CHECK(munmap(p, 2 * MB) == 0, "munmap");
}

static void case_fork_wipe(void)
{
	char *p = map_rw(MB), *q = map_rw(MB);
	int status;
	pid_t pid;

	fill(p, MB, 0x34);
	fill(q, MB, 0x35);
	CHECK(madvise(p, MB, MADV_WIPEONFORK) == 0, "WIPEONFORK: %s",
	      strerror(errno));
	CHECK(madvise(q, MB, MADV_DONTFORK) == 0, "DONTFORK");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(nonzero(p, MB) >= 0 ? 2 : mapped(q) ? 3 : 0);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child: %s", WEXITSTATUS(status) == 2 ? "wiped memory not zero" :
	      "DONTFORK memory mapped");
	CHECK(all(p, MB, 0x34) && all(q, MB, 0x35), "parent's bytes changed");
}

/* A vfork child shares the memory: its exit must leave the parent whole. */
static void case_vfork_exit(void)
{
	size_t len = 8 * MB;
	int status, i;
	char *p;
	pid_t pid;

	for (i = 0; i < 3; i++) {
		pid = vfork();
		CHECK(pid >= 0, "vfork");
		if (pid == 0)
			_exit(7);
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 7, "vfork child");
		p = map_rw(len);
		fill(p, len, 0x36);
		CHECK(munmap(p, len) == 0, "munmap");
	}
}

/*
 * Threads map, write, check, reprotect, advise, remap and unmap at once,
 * each its own regions; one forks now and then.  Any bytes of one region
 * showing up in another, or lost, is a failure.
 */
#define STRESS_THREADS	4
#define STRESS_SLOTS	16
#define STRESS_ROUNDS	400

static void *stress_thread(void *arg)
{
	unsigned long seed = (unsigned long)arg * 2654435761UL + 1;
	struct {
		char *p;
		size_t len;
		int c;
	} slot[STRESS_SLOTS] = { { 0 } };
	int r, i, status;

	for (r = 0; r < STRESS_ROUNDS; r++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		i = (int)((seed >> 33) % STRESS_SLOTS);
		if (slot[i].p) {
			if (!all(slot[i].p, slot[i].len, slot[i].c))
				return "bytes changed under a thread";
			switch ((seed >> 20) % 4) {
			case 0:
				if (mprotect(slot[i].p, slot[i].len, PROT_READ) ||
				    mprotect(slot[i].p, slot[i].len,
					     PROT_READ | PROT_WRITE))
					return "mprotect failed";
				break;
			case 1: {
				char *q = mremap(slot[i].p, slot[i].len,
						 2 * slot[i].len, MREMAP_MAYMOVE);

				if (q == MAP_FAILED)
					return "mremap failed";
				if (nonzero(q + slot[i].len, slot[i].len) >= 0)
					return "mremap growth not zero";
				fill(q + slot[i].len, slot[i].len, slot[i].c);
				slot[i].p = q;
				slot[i].len *= 2;
				break;
			}
			case 2:
				if (madvise(slot[i].p, slot[i].len, MADV_DONTNEED))
					return "madvise failed";
				if (nonzero(slot[i].p, slot[i].len) >= 0)
					return "DONTNEED memory not zero";
				fill(slot[i].p, slot[i].len, slot[i].c);
				break;
			default:
				if (munmap(slot[i].p, slot[i].len))
					return "munmap failed";
				slot[i].p = NULL;
			}
			continue;
		}
		slot[i].len = ((seed >> 40) % 64 + 1) * (size_t)page;
		if ((seed >> 50) % 8 == 0)
			slot[i].len += 2 * MB;
		slot[i].c = (int)(seed >> 56) | 1;
		slot[i].p = mmap(NULL, slot[i].len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (slot[i].p == MAP_FAILED)
			return "mmap failed";
		if (nonzero(slot[i].p, slot[i].len) >= 0)
			return "fresh memory not zero";
		fill(slot[i].p, slot[i].len, slot[i].c);
		if (arg == 0 && r % 100 == 50) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(all(slot[i].p, slot[i].len, slot[i].c) ? 0 : 1);
			if (pid < 0 || waitpid(pid, &status, 0) != pid ||
			    status != 0)
				return "fork child saw wrong bytes";
		}
	}
	for (i = 0; i < STRESS_SLOTS; i++)
		if (slot[i].p && !all(slot[i].p, slot[i].len, slot[i].c))
			return "bytes changed under a thread";
	return NULL;
}

static void case_threads_stress(void)
{
	pthread_t t[STRESS_THREADS];
	void *why;
	long i;

	for (i = 0; i < STRESS_THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, stress_thread, (void *)i) == 0,
		      "pthread_create");
	for (i = 0; i < STRESS_THREADS; i++) {
		CHECK(pthread_join(t[i], &why) == 0, "pthread_join");
		CHECK(!why, "thread %ld: %s", i, (char *)why);
	}
}

/* ---- files ---------------------------------------------------------- */

static void case_file_private(void)
{
	char path[] = "/tmp/mm_ops.XXXXXX", *p;
	char buf[2 * 4096];
	int fd = mkstemp(path);

	CHECK(fd >= 0, "mkstemp");
	unlink(path);
	memset(buf, 'f', sizeof(buf));
	CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "write");
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap of a file: %s", strerror(errno));
	CHECK(all(p, 2 * page, 'f'), "file bytes wrong");
	p[0] = 'x';
	CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 'f',
	      "a private write reached the file");
	CHECK(munmap(p, page) == 0 && all(p + page, page, 'f'), "munmap");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
	CHECK(p != MAP_FAILED, "shared file mapping: %s", strerror(errno));
	p[0] = 's';
	CHECK(msync(p, page, MS_SYNC) == 0, "msync");
	CHECK(pread(fd, buf, 1, page) == 1 && buf[0] == 's',
	      "a shared write did not reach the file");
	close(fd);
}

struct tcase {
	const char *name;
	void (*fn)(void);
};

static const struct tcase cases[] = {
	{ "mmap-anon-zero", case_anon_zero },
	{ "mmap-reuse-zero", case_reuse_zero },
	{ "mmap-bad-args", case_bad_args },
	{ "mmap-bad-type", case_bad_type },
	{ "mmap-fixed-replace", case_fixed_replace },
	{ "mmap-fixed-noreplace", case_fixed_noreplace },
	{ "mmap-fixed-large-unaligned", case_fixed_large_unaligned },
	{ "mmap-hint", case_hint },
	{ "mmap-flags", case_map_flags },
	{ "mmap-hugetlb", case_hugetlb },
	{ "munmap-middle", case_munmap_middle },
	{ "munmap-large-partial", case_large_partial },
	{ "mprotect-split", case_mprotect_split },
	{ "mprotect-none", case_mprotect_none },
	{ "mprotect-errors", case_mprotect_errors },
	{ "mremap-grow", case_mremap_grow },
	{ "mremap-shrink", case_mremap_shrink },
	{ "mremap-inplace", case_mremap_inplace },
	{ "mremap-fixed", case_mremap_fixed },
	{ "mremap-dontunmap", case_mremap_dontunmap },
	{ "mremap-alias", case_mremap_alias },
	{ "mremap-errors", case_mremap_errors },
	{ "brk", case_brk },
	{ "madvise-dontneed", case_madv_dontneed },
	{ "madvise-free", case_madv_free },
	{ "madvise-dontneed-fork", case_madv_dontneed_fork },
	{ "madvise-shared", case_madv_shared },
	{ "madvise-shared-remove", case_madv_shared_remove },
	{ "madvise-misc", case_madv_misc },
	{ "mlock", case_mlock },
	{ "mincore", case_mincore },
	{ "msync", case_msync },
	{ "rlimit-as", case_rlimit_as },
	{ "rlimit-data", case_rlimit_data },
	{ "stack-limit", case_stack_limit },
	{ "fork-private", case_fork_private },
	{ "fork-shared", case_fork_shared },
	{ "fork-wipe", case_fork_wipe },
	{ "vfork-exit", case_vfork_exit },
	{ "threads-stress", case_threads_stress },
	{ "file-private", case_file_private },
};

#define NR_CASES	(sizeof(cases) / sizeof(cases[0]))

static int run_case(const struct tcase *c)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("FAIL %s: fork: %s\n", c->name, strerror(errno));
		return 1;
	}
	if (pid == 0) {
		cur = c->name;
		alarm(60);
		c->fn();
		printf("ok %s\n", c->name);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("FAIL %s: waitpid: %s\n", c->name, strerror(errno));
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		printf("FAIL %s: killed by signal %d\n", c->name,
		       WTERMSIG(status));
	else if (WEXITSTATUS(status) != 1)
		printf("FAIL %s: exit status %d\n", c->name,
		       WEXITSTATUS(status));
	return 1;
}

/* Allocate 1 MiB blocks until ENOMEM, free one, allocate again. */
static int mode_enomem(long max_mib)
{
	char **blocks = calloc(max_mib + 1, sizeof(*blocks));
	long n = 0, i;
	char *p;

	cur = "enomem";
	CHECK(blocks, "calloc");
	for (;;) {
		p = mmap(NULL, MB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		CHECK(n < max_mib, "no ENOMEM after %ld MiB", n);
		p[0] = 1;
		blocks[n++] = p;
	}
	CHECK(errno == ENOMEM, "mmap failed with %s, not ENOMEM",
	      strerror(errno));
	errno = 0;
	CHECK(sbrk(4 * MB) == (void *)-1 && errno == ENOMEM,
	      "brk grew with the pool exhausted");
	CHECK(n > 0 && munmap(blocks[n - 1], MB) == 0, "munmap");
	p = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	CHECK(p != MAP_FAILED, "no memory after freeing 1 MiB: %s",
	      strerror(errno));
	CHECK(nonzero(p, MB) < 0, "memory after ENOMEM not zero");
	for (i = 0; i < n - 1; i++)
		CHECK(blocks[i][0] == 1, "block %ld lost its byte", i);
	printf("ok enomem after %s\n", n > 8 ? "many blocks" : "few blocks");
	return 0;
}

/*
 * Map 2 MiB MAP_HUGETLB pages until ENOMEM (or @max), dirty them, then
 * DONTNEED each one: with no huge page left for fresh ones, each must
 * still read zero afterwards and keep working.  Without huge pages Linux
 * maps none, which proves nothing but gives the same output.
 */
static int mode_huge_full(long max)
{
	char **blocks = calloc(max + 1, sizeof(*blocks));
	long n = 0, i;
	char *p;

	cur = "huge-full";
	CHECK(blocks, "calloc");
	while (n < max) {
		p = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			 MAP_HUGE_2MB, -1, 0);
		if (p == MAP_FAILED) {
			CHECK(errno == ENOMEM, "MAP_HUGETLB: %s",
			      strerror(errno));
			break;
		}
		fill(p, 2 * MB, 0x3c);
		blocks[n++] = p;
	}
	for (i = 0; i < n; i++) {
		p = blocks[i];
		CHECK(madvise(p, 2 * MB, MADV_DONTNEED) == 0,
		      "DONTNEED of huge page %ld: %s", i, strerror(errno));
		CHECK(nonzero(p, 2 * MB) < 0,
		      "huge page %ld not zero after DONTNEED", i);
		fill(p, 2 * MB, 0x4d);
		CHECK(all(p, 2 * MB, 0x4d), "huge page %ld lost bytes", i);
	}
	for (i = 0; i < n; i++)
		CHECK(munmap(blocks[i], 2 * MB) == 0, "munmap");
	printf("ok huge-full\n");
	return 0;
}

static int mode_fill(long mib, int check)
{
	size_t len = (size_t)mib * MB;
	char *p = map_rw(len);

	cur = check ? "zero" : "dirty";
	if (check) {
		CHECK(nonzero(p, len) < 0, "fresh memory not zero at %ld",
		      nonzero(p, len));
		printf("ok %ld MiB zero\n", mib);
	} else {
		fill(p, len, 0xa5);
		printf("ok %ld MiB dirtied\n", mib);
	}
	return 0;
}

static int mode_hold(long mib, char **argv)
{
	size_t len = (size_t)mib * MB;
	char *p = map_rw(len);

	cur = "hold";
	fill(p, len, 0x5c);
	execvp(argv[0], argv);
	fail("execvp %s: %s", argv[0], strerror(errno));
}

static int mode_mapfaults(long mib)
{
	size_t len = (size_t)mib * MB;
	long before = minflt();
	char *p = map_rw(len);

	cur = "mapfaults";
	CHECK(nonzero(p, len) < 0, "fresh memory not zero at %ld",
	      nonzero(p, len));
	fill(p, len, 0x3c);
	printf("ok %ld MiB: 2 MiB-aligned %s, %ld faults\n", mib,
	       ((unsigned long)p & (2 * MB - 1)) ? "no" : "yes",
	       minflt() - before);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0, passed = 0, i, any = 0;
	size_t k;

	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "hold"))
		return mode_hold(atol(argv[2]), argv + 3);
	if (argc == 3 && !strcmp(argv[1], "as-limit"))
		return mode_as_limit(strtoul(argv[2], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "stack-touch"))
		return mode_stack_touch(strtoul(argv[2], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "enomem"))
		return mode_enomem(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "huge-full"))
		return mode_huge_full(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "dirty"))
		return mode_fill(atol(argv[2]), 0);
	if (argc == 3 && !strcmp(argv[1], "zero"))
		return mode_fill(atol(argv[2]), 1);
	if (argc == 3 && !strcmp(argv[1], "mapfaults"))
		return mode_mapfaults(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (k = 0; k < NR_CASES; k++)
			printf("%s\n", cases[k].name);
		return 0;
	}
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--no-faults")) {
			no_faults = 1;
		} else {
			fprintf(stderr, "mm_ops: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	for (k = 0; k < NR_CASES; k++) {
		int j, want = i == argc;

		for (j = i; j < argc; j++)
			if (!strcmp(argv[j], cases[k].name))
				want = 1;
		if (!want)
			continue;
		any = 1;
		if (run_case(&cases[k]))
			failed++;
		else
			passed++;
	}
	if (!any) {
		fprintf(stderr, "mm_ops: no such case\n");
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
