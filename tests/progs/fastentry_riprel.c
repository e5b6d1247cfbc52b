// SPDX-License-Identifier: MIT
/*
 * fastentry_riprel: call sites whose instruction before `syscall` the
 * rewriter displaces into a stub and must keep meaning the same thing:
 *   - a RIP-relative load (`mov nr(%rip), %eax; syscall`, the form
 *     libgomp's futex calls take): its displacement must be adjusted in
 *     the stub, or it reads another number and makes another call;
 *   - `lea disp(%rbx), %rdx; syscall` (glibc's start_thread sets its
 *     signal mask so) and `lea buf(%rip), %rdx; syscall` (so does
 *     pthread_create): rt_sigprocmask must write the old mask there.
 * Each site is called 2000 times (the first few trap, the rest go
 * through the stub once it is rewritten).  Prints "riprel ok", "lea ok" and "lea rip
 * ok", or what went wrong.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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

/* rt_sigprocmask(SIG_BLOCK, NULL, buf + 256, 8) through a lea site
 * (disp32: the lea must be 5 bytes or more). */
long lea_oldmask(void *buf);

__asm__(
	".text\n"
	".globl lea_oldmask\n"
	".type lea_oldmask, @function\n"
	"lea_oldmask:\n"
	"	push %rbx\n"
	"	mov %rdi, %rbx\n"
	"	mov $8, %r10d\n"
	"	xor %esi, %esi\n"
	"	xor %edi, %edi\n"
	"	mov $14, %eax\n"
	"	lea 256(%rbx), %rdx\n"
	"	syscall\n"
	"	pop %rbx\n"
	"	ret\n"
	".size lea_oldmask, . - lea_oldmask\n");

/* The same through lea lea_rip_buf+256(%rip), %rdx. */
uint64_t lea_rip_buf[64];
long lea_rip_oldmask(void);

__asm__(
	".text\n"
	".globl lea_rip_oldmask\n"
	".type lea_rip_oldmask, @function\n"
	"lea_rip_oldmask:\n"
	"	mov $8, %r10d\n"
	"	xor %esi, %esi\n"
	"	xor %edi, %edi\n"
	"	mov $14, %eax\n"
	"	lea lea_rip_buf+256(%rip), %rdx\n"
	"	syscall\n"
	"	ret\n"
	".size lea_rip_oldmask, . - lea_rip_oldmask\n");

static long call_site(int rip, uint64_t *buf)
{
	long got;

	if (!rip)
		return lea_oldmask(buf);
	memcpy(lea_rip_buf, buf, sizeof(lea_rip_buf));
	got = lea_rip_oldmask();
	memcpy(buf, lea_rip_buf, sizeof(lea_rip_buf));
	return got;
}

static int lea_site(int rip)
{
	uint64_t buf[64], want;
	sigset_t cur;
	long got;
	int i;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	memcpy(&want, &cur, sizeof(want));
	for (i = 0; i < CALLS; i++) {
		memset(buf, 0xa5, sizeof(buf));
		got = call_site(rip, buf);
		if (got != 0 || buf[32] != want || buf[31] != buf[33]) {
			printf("call %d: returned %ld, old mask %s\n", i + 1, got,
			       buf[32] == want ? "right" : "not where asked");
			return 1;
		}
	}
	printf(rip ? "lea rip ok\n" : "lea ok\n");
	return 0;
}

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
	return lea_site(0) || lea_site(1);
}
