// SPDX-License-Identifier: MIT
/*
 * fastentry_jit: a tiny code generator that writes `syscall` into
 * executable memory and runs it, the way a JIT does:
 *   - W^X: map RW, emit, mprotect RX, run; then RW again, change the call
 *     number in place, RX, run;
 *   - unmap and map new code at the same address;
 *   - an RWX buffer patched while executable;
 *   - a memfd seen twice: written through a shared RW view, run through a
 *     private RX view (a rewrite there would hide later code changes).
 * Every generated function is `mov $NR, %eax; syscall; ret`, the very
 * pattern tandem rewrites in file-backed code.  Prints what each call
 * returned, as "pid"/"ppid" rather than numbers, so the output is the
 * same natively and under tandem.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS	50

typedef long (*fn_t)(void);

static long pid, ppid;

static const char *what(long v)
{
	if (v == pid)
		return "pid";
	if (v == ppid)
		return "ppid";
	return "WRONG";
}

/* mov $nr, %eax; syscall; ret */
static void emit(unsigned char *p, int nr)
{
	static const unsigned char tmpl[] = {
		0xb8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3,
	};

	memcpy(p, tmpl, sizeof(tmpl));
	memcpy(p + 1, &nr, 4);
}

static void *xmmap(void *addr, size_t len, int prot, int flags, int fd)
{
	void *p = mmap(addr, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void xprotect(void *p, size_t len, int prot)
{
	if (mprotect(p, len, prot)) {
		perror("mprotect");
		exit(1);
	}
}

/* Run fn ROUNDS times; all results must agree. */
static const char *run(fn_t fn)
{
	long first = fn();
	int i;

	for (i = 1; i < ROUNDS; i++)
		if (fn() != first)
			return "UNSTABLE";
	return what(first);
}

static void wx_cycle(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *code;
	void *again;

	code = xmmap(NULL, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1);
	emit(code, SYS_getpid);
	xprotect(code, page, PROT_READ | PROT_EXEC);
	printf("w^x first:     %s\n", run((fn_t)code));

	xprotect(code, page, PROT_READ | PROT_WRITE);
	emit(code, SYS_getppid);
	xprotect(code, page, PROT_READ | PROT_EXEC);
	printf("w^x repatched: %s\n", run((fn_t)code));

	munmap(code, page);
	again = xmmap(code, page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1);
	emit(again, SYS_getpid);
	xprotect(again, page, PROT_READ | PROT_EXEC);
	printf("w^x remapped:  %s\n", run((fn_t)again));
	munmap(again, page);
}

static void rwx_cycle(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *code;
	int i;

	code = xmmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (i = 0; i < 4; i++) {
		int nr = i % 2 ? SYS_getppid : SYS_getpid;

		emit(code + 64 * i, nr);
		printf("rwx %d:         %s\n", i, run((fn_t)(code + 64 * i)));
		emit(code + 64 * i, i % 2 ? SYS_getpid : SYS_getppid);
		printf("rwx %d flipped: %s\n", i, run((fn_t)(code + 64 * i)));
	}
	munmap(code, page);
}

static void memfd_views(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *rw, *rx;
	int fd = memfd_create("fastentry-jit", 0);

	if (fd < 0 || ftruncate(fd, page)) {
		perror("memfd");
		exit(1);
	}
	rw = xmmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	rx = xmmap(NULL, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd);
	/* Not at the page's start: the byte before the mov is readable. */
	emit(rw + 64, SYS_getpid);
	printf("memfd first:   %s\n", run((fn_t)(rx + 64)));
	emit(rw + 64, SYS_getppid);
	printf("memfd changed: %s\n", run((fn_t)(rx + 64)));
	munmap(rx, page);
	munmap(rw, page);
	close(fd);
}

int main(void)
{
	pid = getpid();
	ppid = getppid();
	wx_cycle();
	rwx_cycle();
	memfd_views();
	return 0;
}
