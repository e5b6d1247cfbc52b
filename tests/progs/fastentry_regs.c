// SPDX-License-Identifier: MIT
/*
 * fastentry_regs: what a program may rely on across `syscall`, checked
 * at a `mov $39, %eax; syscall` site called several times (the first
 * call traps, the later ones go through the rewritten site):
 *   - every register but rax, rcx and r11 keeps its value;
 *   - rcx holds the address after the syscall, r11 the flags;
 *   - the flags themselves (CF and DF set on purpose) are kept;
 *   - the 128-byte red zone below %rsp is not touched.
 * The same at two poll sites, which the fast entry makes in two calls
 * when they may wait (a look without waiting first): one that waits on
 * an empty pipe for 1 ms, one that fails.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct probe {
	uint64_t rbx, rbp, rdi, rsi, rdx, r8, r9, r10, r12, r13, r14, r15;
	uint64_t rcx, r11, flags, label, result;
	uint64_t redzone[16];
};

/*
 * PROBE(name, nr, rdi, rsi, rdx): long name(struct probe *) makes call nr
 * at one site with the given rdi (an instruction that sets it), rsi and
 * rdx (numbers), and known values in every other register.
 */
#define PROBE(name, nr, rdi, rsi, rdx)					\
long name(struct probe *p);						\
__asm__(								\
	".text\n"							\
	".globl " #name "\n"						\
	".type " #name ", @function\n"					\
	#name ":\n"							\
	"	push %rbx\n"						\
	"	push %rbp\n"						\
	"	push %r12\n"						\
	"	push %r13\n"						\
	"	push %r14\n"						\
	"	push %r15\n"						\
	"	push %rdi\n"						\
	"	.set i, 1\n"						\
	"	.rept 16\n"						\
	"	movq $(0x5a5a0000 + i), -8*i(%rsp)\n"			\
	"	.set i, i + 1\n"					\
	"	.endr\n"						\
	"	movabs $0x1b1b1b1b1b1b1b1b, %rbx\n"			\
	"	movabs $0x2b2b2b2b2b2b2b2b, %rbp\n"			\
	"	" rdi "\n"						\
	"	movabs $" #rsi ", %rsi\n"				\
	"	movabs $" #rdx ", %rdx\n"				\
	"	movabs $0x6868686868686868, %r8\n"			\
	"	movabs $0x7979797979797979, %r9\n"			\
	"	movabs $0x8a8a8a8a8a8a8a8a, %r10\n"			\
	"	movabs $0x9c9c9c9c9c9c9c9c, %r12\n"			\
	"	movabs $0xadadadadadadadad, %r13\n"			\
	"	movabs $0xbebebebebebebebe, %r14\n"			\
	"	movabs $0xcfcfcfcfcfcfcfcf, %r15\n"			\
	"	std\n"							\
	"	stc\n"							\
	"	mov $" #nr ", %eax\n"					\
	"	syscall\n"						\
	"1:	xchg %rax, (%rsp)\n"					\
	"	mov %rcx, 96(%rax)\n"					\
	"	mov %r11, 104(%rax)\n"					\
	"	mov %rbx, 0(%rax)\n"					\
	"	mov %rbp, 8(%rax)\n"					\
	"	mov %rdi, 16(%rax)\n"					\
	"	mov %rsi, 24(%rax)\n"					\
	"	mov %rdx, 32(%rax)\n"					\
	"	mov %r8, 40(%rax)\n"					\
	"	mov %r9, 48(%rax)\n"					\
	"	mov %r10, 56(%rax)\n"					\
	"	mov %r12, 64(%rax)\n"					\
	"	mov %r13, 72(%rax)\n"					\
	"	mov %r14, 80(%rax)\n"					\
	"	mov %r15, 88(%rax)\n"					\
	"	.set i, 1\n"						\
	"	.rept 16\n"						\
	"	mov -8*i(%rsp), %rcx\n"					\
	"	mov %rcx, 136+8*(i-1)(%rax)\n"				\
	"	.set i, i + 1\n"					\
	"	.endr\n"						\
	"	pushfq\n"						\
	"	pop %rcx\n"						\
	"	mov %rcx, 112(%rax)\n"					\
	"	cld\n"							\
	"	lea 1b(%rip), %rcx\n"					\
	"	mov %rcx, 120(%rax)\n"					\
	"	pop %rcx\n"						\
	"	mov %rcx, 128(%rax)\n"					\
	"	pop %r15\n"						\
	"	pop %r14\n"						\
	"	pop %r13\n"						\
	"	pop %r12\n"						\
	"	pop %rbp\n"						\
	"	pop %rbx\n"						\
	"	ret\n"							\
	".size " #name ", . - " #name "\n");

PROBE(fe_getpid, 39, "movabs $0x3d3d3d3d3d3d3d3d, %rdi",
      0x4e4e4e4e4e4e4e4e, 0x5d5d5d5d5d5d5d5d)
/* poll on an empty pipe for 1 ms: looked at without waiting, then waited. */
struct pollfd fe_quiet[1];
PROBE(fe_poll, 7, "lea fe_quiet(%rip), %rdi", 1, 1)
/* poll with far too many entries: EINVAL at the first look. */
PROBE(fe_poll_bad, 7, "movabs $0x3d3d3d3d3d3d3d3d, %rdi",
      0x4e4e4e4e4e4e4e4e, 0x5d5d5d5d5d5d5d5d)

#define CF	0x1
#define DF	0x400

/* Did the call at p keep what it must, given its rdi, rsi, rdx, result? */
static int check(const struct probe *p, uint64_t rdi, uint64_t rsi,
		 uint64_t rdx, long result)
{
	const uint64_t want[12] = {
		0x1b1b1b1b1b1b1b1bULL, 0x2b2b2b2b2b2b2b2bULL,
		rdi, rsi, rdx, 0x6868686868686868ULL,
		0x7979797979797979ULL, 0x8a8a8a8a8a8a8a8aULL,
		0x9c9c9c9c9c9c9c9cULL, 0xadadadadadadadadULL,
		0xbebebebebebebebeULL, 0xcfcfcfcfcfcfcfcfULL,
	};
	static const char *const name[12] = {
		"rbx", "rbp", "rdi", "rsi", "rdx", "r8", "r9", "r10",
		"r12", "r13", "r14", "r15",
	};
	const uint64_t *got = &p->rbx;
	int ok = 1, i;

	for (i = 0; i < 12; i++)
		if (got[i] != want[i]) {
			printf("  %s changed\n", name[i]);
			ok = 0;
		}
	for (i = 0; i < 16; i++)
		if (p->redzone[i] != 0x5a5a0000ULL + i + 1) {
			printf("  red zone word %d changed\n", i + 1);
			ok = 0;
		}
	if (p->rcx != p->label) {
		printf("  rcx is not the return address\n");
		ok = 0;
	}
	if ((p->r11 & (CF | DF)) != (CF | DF) || (p->flags & (CF | DF)) != (CF | DF)) {
		printf("  flags lost (CF or DF)\n");
		ok = 0;
	}
	if ((p->r11 & 0xcd5) != (p->flags & 0xcd5)) {
		printf("  r11 does not hold the flags\n");
		ok = 0;
	}
	if ((long)p->result != result) {
		printf("  wrong result\n");
		ok = 0;
	}
	return ok;
}

int main(void)
{
	struct probe p;
	int i, quiet[2];

	if (pipe(quiet))
		return 1;
	fe_quiet[0] = (struct pollfd){ quiet[0], POLLIN, 0 };
	for (i = 1; i <= 5; i++) {
		memset(&p, 0, sizeof(p));
		fe_getpid(&p);
		printf("call %d: %s\n", i, check(&p, 0x3d3d3d3d3d3d3d3dULL,
						 0x4e4e4e4e4e4e4e4eULL,
						 0x5d5d5d5d5d5d5d5dULL,
						 getpid()) ? "ok" : "WRONG");
	}
	for (i = 1; i <= 5; i++) {
		memset(&p, 0, sizeof(p));
		fe_poll(&p);
		printf("poll %d: %s\n", i,
		       check(&p, (uint64_t)fe_quiet, 1, 1, 0) ? "ok" : "WRONG");
		memset(&p, 0, sizeof(p));
		fe_poll_bad(&p);
		printf("poll EINVAL %d: %s\n", i,
		       check(&p, 0x3d3d3d3d3d3d3d3dULL, 0x4e4e4e4e4e4e4e4eULL,
			     0x5d5d5d5d5d5d5d5dULL, -EINVAL) ? "ok" : "WRONG");
	}
	return 0;
}
