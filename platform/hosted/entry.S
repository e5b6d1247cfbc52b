/* SPDX-License-Identifier: MIT */
/*
 * Hosted platform entry points that cannot be written in C: the image's
 * first instruction, the signal restorer, and the few places that set the
 * stack pointer or make a system call whose child returns on another
 * stack.  All of this is LWK text, inside the region Syscall User Dispatch
 * lets through.
 */
	.text

/* The kernel starts the LWK image here with argc at (%rsp). */
	.globl	_start
	.type	_start, @function
_start:
	xor	%ebp, %ebp
	mov	%rsp, %rdi
	lea	hosted_boot_stack_top(%rip), %rsp
	call	hosted_boot
	ud2
	.size	_start, . - _start

/* Return path of every LWK signal handler. */
	.globl	hosted_restorer
	.type	hosted_restorer, @function
hosted_restorer:
	mov	$15, %eax		/* rt_sigreturn */
	syscall
	ud2
	.size	hosted_restorer, . - hosted_restorer

/* hosted_sigreturn_to(sp): rt_sigreturn with the frame just below sp. */
	.globl	hosted_sigreturn_to
	.type	hosted_sigreturn_to, @function
hosted_sigreturn_to:
	mov	%rdi, %rsp
	mov	$15, %eax
	syscall
	ud2
	.size	hosted_sigreturn_to, . - hosted_sigreturn_to

/*
 * hosted_block_raw(word, op, val, timeout): futex(word, op, val, timeout,
 * NULL, ~0).  Its syscall instruction is hosted_block_site, which signal
 * delivery recognises (see plat_block_on).
 */
	.globl	hosted_block_raw
	.type	hosted_block_raw, @function
hosted_block_raw:
	mov	%rcx, %r10
	xor	%r8d, %r8d
	mov	$0xffffffff, %r9d
	mov	$202, %eax		/* futex */
	.globl	hosted_block_site
hosted_block_site:
	syscall
	ret
	.size	hosted_block_raw, . - hosted_block_raw

/*
 * hosted_sigaltstack_at(ss, sp): sigaltstack(ss, NULL) made with %rsp
 * set to sp, which nothing is pushed on.  Linux refuses to change the
 * alternate stack of a thread running on it; the LWK, running on it,
 * changes it from an sp outside it.  The caller blocks all signals.
 */
	.globl	hosted_sigaltstack_at
	.type	hosted_sigaltstack_at, @function
hosted_sigaltstack_at:
	mov	%rsp, %r8
	mov	%rsi, %rsp
	xor	%esi, %esi
	mov	$131, %eax		/* sigaltstack */
	syscall
	mov	%r8, %rsp
	ret
	.size	hosted_sigaltstack_at, . - hosted_sigaltstack_at

/* hosted_jump(entry, sp): start a program image as the kernel would. */
	.globl	hosted_jump
	.type	hosted_jump, @function
hosted_jump:
	mov	%rsi, %rsp
	mov	%rdi, %rax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx		/* no rtld_fini */
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	cld
	jmp	*%rax
	.size	hosted_jump, . - hosted_jump

/* hosted_call_on(sp, fn, arg): call fn(arg) on another stack; no return. */
	.globl	hosted_call_on
	.type	hosted_call_on, @function
hosted_call_on:
	mov	%rdi, %rsp
	mov	%rdx, %rdi
	xor	%ebp, %ebp
	call	*%rsi
	ud2
	.size	hosted_call_on, . - hosted_call_on

/*
 * hosted_clone_vm(flags, stack, ptid, ctid, tls, child): clone(2) whose
 * child starts on `stack` (16-byte aligned) in hosted_thread_start(child).
 * The child inherits every register but rax, so r9 still names it.
 */
	.globl	hosted_clone_vm
	.type	hosted_clone_vm, @function
hosted_clone_vm:
	mov	%rcx, %r10
	mov	$56, %eax		/* clone */
	syscall
	test	%rax, %rax
	jnz	1f
	xor	%ebp, %ebp
	mov	%r9, %rdi
	call	hosted_thread_start
	ud2
1:	ret
	.size	hosted_clone_vm, . - hosted_clone_vm

/* hosted_clone3_vm(args, size, child): the same for clone3(2). */
	.globl	hosted_clone3_vm
	.type	hosted_clone3_vm, @function
hosted_clone3_vm:
	mov	$435, %eax		/* clone3 */
	syscall
	test	%rax, %rax
	jnz	1f
	xor	%ebp, %ebp
	mov	%rdx, %rdi
	call	hosted_thread_start
	ud2
1:	ret
	.size	hosted_clone3_vm, . - hosted_clone3_vm

/*
 * hosted_clone_fn(flags, stack, tidp, fn, arg): clone(2) whose child
 * calls fn(arg) on `stack` and never returns; tidp is both the parent
 * and the child tid word.  fn and arg ride in r9 and r8, which the child
 * inherits; without CLONE_SETTLS the kernel ignores r8.
 */
	.globl	hosted_clone_fn
	.type	hosted_clone_fn, @function
hosted_clone_fn:
	mov	%rdx, %r10		/* child tid word */
	mov	%rcx, %r9
	mov	$56, %eax		/* clone */
	syscall
	test	%rax, %rax
	jnz	1f
	xor	%ebp, %ebp
	mov	%r8, %rdi
	call	*%r9
	ud2
1:	ret
	.size	hosted_clone_fn, . - hosted_clone_fn

/*
 * hosted_copy(dst, src, n): copy n bytes between the LWK and program
 * memory; returns 0, or the bytes left when a fault stopped it.  The
 * fault's handler (hosted_deliver) resumes a fault at hosted_copy_insn
 * at hosted_copy_fault, with rcx what rep movsb had left to copy.  Use
 * it only where SIGSEGV and SIGBUS reach that handler (hosted.c).
 */
	.globl	hosted_copy
	.type	hosted_copy, @function
hosted_copy:
	cld
	mov	%rdx, %rcx
	.globl	hosted_copy_insn
hosted_copy_insn:
	rep movsb
	.globl	hosted_copy_fault
hosted_copy_fault:
	mov	%rcx, %rax
	ret
	.size	hosted_copy, . - hosted_copy

/*
 * hosted_unmap_and_exit(area, size, code): free the calling thread's own
 * LWK area and end the thread.  Nothing touches memory after the munmap;
 * the caller has blocked all signals so none can be delivered onto it.
 */
	.globl	hosted_unmap_and_exit
	.type	hosted_unmap_and_exit, @function
hosted_unmap_and_exit:
	mov	%edx, %ebx
	mov	$11, %eax		/* munmap */
	syscall
	mov	%ebx, %edi
	mov	$60, %eax		/* exit */
	syscall
	ud2
	.size	hosted_unmap_and_exit, . - hosted_unmap_and_exit

	.bss
	.balign	16
	.space	16384
hosted_boot_stack_top:

	.section .note.GNU-stack, "", @progbits
