// SPDX-License-Identifier: MIT
/*
 * fastentry_riprel: a call site whose instruction before `syscall` is a
 * RIP-relative load (`mov nr(%rip), %eax; syscall`, the form libgomp's
 * futex calls take).  The rewriter moves that load into a stub, where its
 * displacement must be adjusted to read the same word: a wrong one reads
 * another number and makes another call.  The site is called 2000 times
 * (the first traps, the rest go through the stub when rewritten) and each
 * result must be the pid.  Prints "riprel ok" or what went wrong.
 */
#include <stdio.h>
#include <unistd.h>

#define CALLS	2000

long riprel_getpid(void);

/* The call number sits in data, next to a word that is not one. */
long riprel_nr[2] = { 39, 110 };	/* getpid, getppid */

__asm__(
	".text\n"
	".globl riprel_getpid\n"
	".type riprel_getpid, @function\n"
	"riprel_getpid:\n"
	"	mov riprel_nr(%rip), %eax\n"
	"	syscall\n"
	"	ret\n"
	".size riprel_getpid, . - riprel_getpid\n");

int main(void)
{
	long pid = getpid(), got;
	int i;

	for (i = 0; i < CALLS; i++) {
		got = riprel_getpid();
		if (got != pid) {
			printf("call %d: got %ld, want the pid %ld\n", i + 1,
			       got, pid);
			return 1;
		}
	}
	printf("riprel ok\n");
	return 0;
}
