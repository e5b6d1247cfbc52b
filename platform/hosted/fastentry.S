/* SPDX-License-Identifier: MIT */
/*
 * hosted_fast_entry: where a rewritten call site enters the LWK.
 *
 * A site's stub (rewrite.c) runs the instruction the rewrite displaced,
 * loads %rcx with the address of its own signal-path label and jumps here
 * with the system-call number in %rax and every other register the
 * program's.  The program must find what a real `syscall` leaves: the
 * result in %rax, the return address in %rcx, its flags in %r11 and in
 * RFLAGS, everything else unchanged, and the 128-byte red zone below its
 * %rsp untouched.  Two paths:
 *
 *  - a call Linux serves as it is (the direct route, no --stats or
 *    --trace) is made right here, from LWK text, on the program's stack
 *    below its red zone;
 *  - anything else finds the thread's area (its GS base, if the area
 *    table holds that; else gettid, then the thread table), builds a
 *    ucontext-shaped frame on the LWK stack and calls
 *    hosted_fast_dispatch(), as the SIGSYS handler would.
 *
 * When the thread is not in the table, or the C half says the call needs
 * the signal context, the program's state is put back and the stub's
 * signal-path label runs the original `syscall`, which traps.
 */
#include "fastentry.h"

#define NR_poll		7
#define NR_gettid	186
#define POLLNVAL	0x20
#define AREA_SIZE	(256 * 1024)
#define AREA_STACK	(3 * 4096)
#define NR_SYSCALLS	512

	.text

	.globl	hosted_fast_entry
	.type	hosted_fast_entry, @function
	.balign	64
hosted_fast_entry:
	lea	-FAST_SKIP(%rsp), %rsp		/* below the red zone */
	pushfq
	mov	%rcx, FS_SLOW(%rsp)
	mov	%rax, FS_NR(%rsp)
	cmp	$NR_SYSCALLS, %rax
	jae	.Lfull
	bt	%rax, hosted_fast_direct(%rip)
	jnc	.Lfull
	/*
	 * A descriptor in the first argument must not be the LWK's
	 * (kernel/fdguard.c): below fdguard_ceil, one in fdguard_map, or past
	 * the map, goes to the dispatcher, which refuses it.
	 */
	bt	%rax, hosted_fast_fd0(%rip)
	jnc	0f
	mov	%edi, %r11d			/* Linux reads an unsigned int */
	cmp	fdguard_ceil(%rip), %r11d
	jae	0f
	cmp	$FAST_FDG_MAP_BITS, %r11d
	jae	.Lfull
	bt	%r11, fdguard_map(%rip)
	jc	.Lfull
0:
	/* poll's fix-up below reads fdguard_map only. */
	cmp	$NR_poll, %eax
	jne	0f
	cmpl	$FAST_FDG_MAP_BITS, fdguard_ceil(%rip)
	ja	.Lfull
0:

	/* The direct route: count as syscall_dispatch() would, then call. */
	mov	hosted_fast_route_ctr(%rip), %r11
	lock incq (%r11)
	mov	hosted_fast_calls_ctr(%rip), %r11
	lock incq (%r11,%rax,8)
	mov	hosted_fast_entry_ctr(%rip), %r11
	lock incq (%r11)
	/*
	 * poll that may wait looks without waiting first (FS_PROBES set):
	 * Linux would wait on an LWK descriptor's entry, which answers
	 * POLLNVAL at once (fdguard_poll_nowait()).
	 */
	cmp	$NR_poll, %eax
	jne	1f
	mov	%rdx, FS_SPARE(%rsp)
	movl	%edx, FS_PROBES(%rsp)
	test	%edx, %edx
	jz	1f
	xor	%edx, %edx
1:	syscall

	/*
	 * poll: an entry that names an LWK descriptor answers POLLNVAL, as
	 * fdguard_polled() makes it.  Linux just read and wrote the array.
	 */
	cmpq	$NR_poll, FS_NR(%rsp)
	jne	.Lback
.Lpolled:
	test	%rax, %rax
	js	7f
	mov	%rdi, %r11
	mov	%esi, %ecx
5:	test	%ecx, %ecx
	jz	7f
	mov	(%r11), %edx
	cmp	fdguard_ceil(%rip), %edx
	jae	6f
	cmp	$FAST_FDG_MAP_BITS, %edx
	jae	6f
	bt	%rdx, fdguard_map(%rip)
	jnc	6f
	cmpw	$0, 6(%r11)
	jne	8f
	inc	%rax
8:	movw	$POLLNVAL, 6(%r11)
6:	add	$8, %r11
	dec	%ecx
	jmp	5b
7:	mov	FS_SPARE(%rsp), %rdx
	/* Nothing ready and no LWK entry: now the call that may wait. */
	cmpl	$0, FS_PROBES(%rsp)
	je	.Lback
	movl	$0, FS_PROBES(%rsp)
	test	%rax, %rax
	jnz	.Lback
	mov	$NR_poll, %eax
	syscall
	jmp	.Lpolled

.Lback:
	mov	FS_SLOW(%rsp), %rcx
	movslq	STUB_JMP_REL(%rcx), %r11
	lea	STUB_JMP_END(%rcx,%r11), %rcx	/* the program's return address */
	mov	FS_FLAGS(%rsp), %r11
	popfq
	lea	FAST_SKIP(%rsp), %rsp
	jmp	*%rcx

	/* Everything else: the thread's area is its GS base, if known. */
.Lfull:
	cld
	mov	%rdx, FS_SPARE(%rsp)
	cmpl	$0, hosted_fast_gs(%rip)
	je	.Ltid
	rdgsbase %rdx
	test	%rdx, %rdx
	jz	.Ltid
	mov	%rdx, %rcx
	shr	$TID_AREA_SHIFT, %rcx
	and	$(GS_SLOTS - 1), %ecx
	lea	hosted_gs_table(%rip), %r11
	cmp	(%r11,%rcx,8), %rdx
	je	.Larea

	/* Else from its tid. */
.Ltid:
	movl	$TID_SLOTS, FS_PROBES(%rsp)
	mov	$NR_gettid, %eax
	syscall
	lea	hosted_tid_table(%rip), %r11
	mov	%eax, %ecx
	and	$(TID_SLOTS - 1), %ecx
1:	mov	(%r11,%rcx,8), %rdx		/* one load: tid and area agree */
	cmp	%eax, %edx
	je	2f
	test	%edx, %edx
	jz	.Lmiss				/* an empty slot ends the chain */
	inc	%ecx
	and	$(TID_SLOTS - 1), %ecx
	decl	FS_PROBES(%rsp)
	jnz	1b
	jmp	.Lmiss
2:	shr	$32, %rdx
	shl	$TID_AREA_SHIFT, %rdx		/* the area */
.Larea:

	/*
	 * Already on this area's stack (a handler interrupted the LWK):
	 * continue below what is live there.  Otherwise start at its top.
	 */
	lea	FS_PROG_RSP(%rsp), %rcx
	lea	AREA_STACK(%rdx), %rax
	cmp	%rax, %rcx
	jb	3f
	lea	AREA_SIZE(%rdx), %rax
	cmp	%rax, %rcx
	jae	3f
	mov	%rsp, %rax
	jmp	4f
3:	mov	AREA_FAST_TOP(%rdx), %rax
	test	%rax, %rax
	jnz	4f
	lea	AREA_SIZE(%rdx), %rax
4:	and	$-16, %rax
	mov	%rsp, %rcx			/* the slots on the program's stack */
	mov	%rax, %rsp
	sub	$FF_SIZE, %rsp

	mov	%r8, FF_R8(%rsp)
	mov	%r9, FF_R9(%rsp)
	mov	%r10, FF_R10(%rsp)
	mov	%r12, FF_R12(%rsp)
	mov	%r13, FF_R13(%rsp)
	mov	%r14, FF_R14(%rsp)
	mov	%r15, FF_R15(%rsp)
	mov	%rdi, FF_RDI(%rsp)
	mov	%rsi, FF_RSI(%rsp)
	mov	%rbp, FF_RBP(%rsp)
	mov	%rbx, FF_RBX(%rsp)
	mov	FS_SPARE(%rcx), %rax
	mov	%rax, FF_RDX(%rsp)
	mov	FS_NR(%rcx), %rax
	mov	%rax, FF_RAX(%rsp)
	mov	FS_FLAGS(%rcx), %rax
	mov	%rax, FF_EFLAGS(%rsp)
	mov	%rax, FF_R11(%rsp)
	lea	FS_PROG_RSP(%rcx), %rax
	mov	%rax, FF_RSP(%rsp)
	mov	FS_SLOW(%rcx), %rax
	mov	%rax, FF_SLOW(%rsp)
	movslq	STUB_JMP_REL(%rax), %rdx
	lea	STUB_JMP_END(%rax,%rdx), %rax
	mov	%rax, FF_RIP(%rsp)
	mov	%rax, FF_RCX(%rsp)
	movq	$FAST_UC_FLAG, FF_UC_FLAGS(%rsp)
	movq	$0, FF_UC_FLAGS + 8(%rsp)	/* uc_link */
	movq	$0, FF_FPSTATE(%rsp)
	movq	$0, FF_SIGMASK(%rsp)
	movq	$0, FF_FALLBACK(%rsp)		/* and mask_state */

	mov	%rsp, %rdi
	call	hosted_fast_dispatch

	mov	FF_R8(%rsp), %r8
	mov	FF_R9(%rsp), %r9
	mov	FF_R10(%rsp), %r10
	mov	FF_R12(%rsp), %r12
	mov	FF_R13(%rsp), %r13
	mov	FF_R14(%rsp), %r14
	mov	FF_R15(%rsp), %r15
	mov	FF_RDI(%rsp), %rdi
	mov	FF_RSI(%rsp), %rsi
	mov	FF_RBP(%rsp), %rbp
	mov	FF_RBX(%rsp), %rbx
	mov	FF_RDX(%rsp), %rdx
	cmpl	$0, FF_FALLBACK(%rsp)
	jne	5f
	mov	FF_RIP(%rsp), %rcx
	mov	FF_EFLAGS(%rsp), %r11
	push	%r11
	popfq					/* on the LWK stack, not the program's */
	mov	FF_RSP(%rsp), %rsp
	jmp	*%rcx

	/* The C half wants the signal path: rerun the call as a `syscall`. */
5:	mov	FF_RAX(%rsp), %rax
	mov	FF_SLOW(%rsp), %rcx
	mov	FF_EFLAGS(%rsp), %r11
	push	%r11
	popfq
	mov	FF_RSP(%rsp), %rsp
	jmp	*%rcx

	/* Not in the thread table: the same, from the program's stack. */
.Lmiss:
	mov	FS_SPARE(%rsp), %rdx
	mov	FS_NR(%rsp), %rax
	mov	FS_SLOW(%rsp), %rcx
	popfq
	lea	FAST_SKIP(%rsp), %rsp
	jmp	*%rcx
	.size	hosted_fast_entry, . - hosted_fast_entry

	.section .note.GNU-stack, "", @progbits
