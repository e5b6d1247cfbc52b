// SPDX-License-Identifier: MIT
/*
 * fastentry_selfpatch: a program that changes its own (file-backed) code,
 * as hot-patchers and self-modifying programs do: it calls a
 * `mov $39, %eax; syscall` site until it has surely been rewritten, makes
 * the page writable, reads the instruction bytes (they must be its own),
 * changes the call number to getppid, makes the page executable again and
 * calls the site once more.  Then it unmaps nothing but reprotects the
 * page read-only and back, and calls again.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

long fe_site(void);

/* Alone in its page, so the page can lose PROT_EXEC for a moment. */
__asm__(".text\n"
	".p2align 12\n"
	".globl fe_site\n"
	".type fe_site, @function\n"
	"fe_site:\n"
	"	nop\n"
	"fe_site_mov:\n"
	"	mov $39, %eax\n"
	"	syscall\n"
	"	ret\n"
	".size fe_site, . - fe_site\n"
	".p2align 12\n");

extern unsigned char fe_site_mov[];

static const char *what(long v)
{
	return v == getpid() ? "pid" : v == getppid() ? "ppid" : "WRONG";
}

static long calls(int n)
{
	long first = fe_site();

	while (--n > 0)
		if (fe_site() != first)
			return -1;
	return first;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)fe_site_mov & ~(uintptr_t)(page - 1);
	size_t len = page;
	unsigned char bytes[7];
	int nr = 110, i;

	printf("before: %s\n", what(calls(100)));

	if (mprotect((void *)start, len, PROT_READ | PROT_WRITE | PROT_EXEC)) {
		perror("mprotect");
		return 1;
	}
	memcpy(bytes, fe_site_mov, sizeof(bytes));
	printf("code:");
	for (i = 0; i < 7; i++)
		printf(" %02x", bytes[i]);
	printf("\n");
	memcpy(fe_site_mov + 1, &nr, 4);
	if (mprotect((void *)start, len, PROT_READ | PROT_EXEC)) {
		perror("mprotect");
		return 1;
	}
	printf("patched: %s\n", what(calls(100)));

	mprotect((void *)start, len, PROT_READ);
	mprotect((void *)start, len, PROT_READ | PROT_EXEC);
	printf("reprotected: %s\n", what(calls(100)));
	return 0;
}
