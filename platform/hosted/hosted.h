/* SPDX-License-Identifier: MIT */
/*
 * Private to the hosted platform: how a trapped context and a thread's
 * LWK area look when the LWK runs inside a Linux process.
 */
#ifndef TANDEM_HOSTED_H
#define TANDEM_HOSTED_H

#include "../../kernel/lwk.h"
#include "../../kernel/arch/x86_64/abi.h"

/* A trapped context is the ucontext Linux gave the SIGSYS handler. */
struct plat_regs {
	struct k_ucontext uc;
};

/*
 * Each thread owns one naturally aligned area:
 *   [0, AREA_HDR)             struct hosted_thread
 *   [AREA_HDR, +PAGE_SIZE)    guard page
 *   [AREA_STACK, AREA_SIZE)   the signal stack the LWK runs on
 * so the LWK finds its thread state from any stack pointer in the area,
 * whatever the program did to FS, GS or its own stack.
 */
#define AREA_SIZE	(256UL * 1024)
#define AREA_HDR	(2 * PAGE_SIZE)
#define AREA_STACK	(AREA_HDR + PAGE_SIZE)

/*
 * A program handler that interrupted an LWK call runs on the program's
 * stack below its frame at frame_sp, or on its sigaltstack when frame_sp
 * is 0, while the LWK stack both entries use ends at top, below the
 * call's frames.
 */
struct hosted_cut {
	u64 top;
	u64 frame_sp;
	struct plat_regs *regs;		/* the call it interrupted */
};

#define HOSTED_CUTS	16		/* handlers nested so, at most */

struct hosted_thread {
	struct lwk_thread lt;
	struct k_ucontext start_uc;	/* where a new thread begins */
	bool place_self;		/* the new thread picks its own core */
	bool born_blocked;		/* cloned with program signals blocked */
	u32 placed;			/* else: nonzero once its parent pinned it */
	u32 tid_slot;			/* its fastentry.c table slot, or TID_SLOTS */
	/*
	 * An exited thread's area waits in the cache until Linux clears
	 * exit_word (that thread's clear_child_tid): it is then no longer
	 * in use and may serve another thread.
	 */
	u32 exit_word;
	bool kept;			/* exiting, and its area is in the cache */
	/* forkstop.c: a thread of the process, on its list */
	bool fs_on;
	u32 in_prog;			/* may run program code */
	u32 fs_sent;			/* the stop it was last signalled for */
	struct hosted_thread *fs_next, *fs_prev;
	u64 set_tid;			/* a new process: its CLONE_CHILD_SETTID word */
	/*
	 * Linux's signal mask for this thread as the fast entry last read
	 * or set it (without SIGKILL and SIGSTOP), trusted while mask_known:
	 * every way Linux changes the mask behind the fast entry (a handler
	 * the LWK delivers, anything through SIGSYS) bumps sig_gen and clears
	 * mask_known first.  Touched by the thread only, and its handlers.
	 */
	u64 linux_mask;
	bool mask_known;
	u32 sig_gen;
	/*
	 * The mask Linux has in force while the thread runs LWK code, as the
	 * innermost entry (SIGSYS, the fast entry) found it: a copy of
	 * program memory may fault into the LWK's handler (hosted_copy) only
	 * if it lets SIGSEGV and SIGBUS through.  Each entry sets it and puts
	 * the outer one back; a delivery makes it LIVE_UNKNOWN for its
	 * duration.  The LWK's own sections with signals off (plat_irq_save)
	 * let those two through and change nothing here.
	 */
	u64 live_mask;
	/*
	 * Of FAULT_SIGS, those the program blocks that Linux lets through
	 * for the current entry's copies (copy_direct); open_restore is the
	 * mask to give back.  A signal that interrupts LWK code meanwhile
	 * finds them the program's to block: hosted_deliver defers it and
	 * blocks them again in that context.  An entry starts with none, and
	 * closes them with the mask it returns with; until that is in force
	 * the ones it blocks stay.  Outside LWK code the field is stale and
	 * nobody reads it.
	 */
	u64 opened;
	u64 open_restore;
	/*
	 * signal.c: the program handlers that run off the LWK stack while
	 * LWK frames of the calls they interrupted live there, innermost
	 * last (lwk_stack_cut).  Changed by the thread only, with its
	 * signals off, or by its handler's return (hosted_frame_return).
	 */
	u32 ncuts;
	struct hosted_cut cuts[HOSTED_CUTS];
};

/*
 * live_mask when not known; and, in a fast entry whose thread has no
 * note of its mask, "read it when a copy needs it".  Neither is a mask
 * Linux would report: both hold SIGKILL.
 */
#define LIVE_UNKNOWN		(~0ULL)
#define LIVE_FAST_UNREAD	(sigbit(SIGKILL) | FAULT_SIGS)

/* The signals a copy's fault raises; never blocked with the LWK's interrupts. */
#define FAULT_SIGS	(sigbit(SIGSEGV) | sigbit(SIGBUS))

/* entry.S */
long hosted_block_raw(u32 *word, long op, u32 val, const void *timeout);
extern char hosted_block_site[];
void hosted_restorer(void);
__noreturn void hosted_sigreturn_to(u64 sp);
__noreturn void hosted_jump(u64 entry, u64 sp);
long hosted_sigaltstack_at(const struct k_stack *ss, u64 sp);
__noreturn void hosted_call_on(u64 sp, void (*fn)(void *), void *arg);
long hosted_clone_vm(u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls,
		     struct hosted_thread *child);
long hosted_clone3_vm(struct k_clone_args *args, size_t size,
		      struct hosted_thread *child);
__noreturn void hosted_unmap_and_exit(void *area, size_t size, int code);
size_t hosted_copy(void *dst, const void *src, size_t n);
extern char hosted_copy_insn[], hosted_copy_fault[];

/*
 * hosted_clone_fn(flags, stack, tidp, fn, arg): clone(2) whose child
 * calls fn(arg) on `stack` (16-byte aligned) and must not return; no TLS;
 * tidp serves as the parent and the child tid word (CLONE_PARENT_SETTID,
 * CLONE_CHILD_CLEARTID).  Returns the child's tid or -errno.
 */
long hosted_clone_fn(u64 flags, u64 stack, int *tidp, void (*fn)(void *),
			 void *arg);

/* forkstop.c */
#define HOSTED_PARK_SIG		62	/* SIGRTMAX-2: the LWK's, to stop threads */
void hosted_fs_init(void);
void hosted_fs_add(struct hosted_thread *ht);
void hosted_fs_del(struct hosted_thread *ht);
void hosted_fs_lwk_in(struct hosted_thread *ht);
void hosted_fs_lwk_out(struct hosted_thread *ht);
void hosted_fs_resume(struct hosted_thread *ht, const struct k_ucontext *uc);
irqflags_t hosted_fs_stop(void);
void hosted_fs_release(irqflags_t irq);
void hosted_fs_fork_child(struct hosted_thread *ht);

/* hosted.c */
__noreturn void hosted_thread_start(struct hosted_thread *ht);
struct hosted_thread *hosted_area_alloc(void);
void hosted_area_free(struct hosted_thread *ht);
u64 hosted_area_stack_top(struct hosted_thread *ht);
void hosted_sigsys(int sig, struct k_siginfo *si, struct k_ucontext *uc);

/* regions.c: the table of live thread areas behind plat_lwk_region_next. */
void hosted_area_add(struct hosted_thread *ht);
void hosted_area_del(struct hosted_thread *ht);
void hosted_areas_fork(void);

/* rewrite.c: its trampoline pages, LWK memory like the areas. */
bool hosted_tramp_next(u64 addr, u64 *start, u64 *end);

/*
 * hosted_mask_forget - Linux may change this thread's mask behind the
 * fast entry (a signal is being delivered, a call came through SIGSYS):
 * stop trusting linux_mask.  Context: the thread, any signal context.
 */
static inline void hosted_mask_forget(struct hosted_thread *ht)
{
	WRITE_ONCE(ht->mask_known, false);
	WRITE_ONCE(ht->sig_gen, ht->sig_gen + 1);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/*
 * signal.c: run the program's handler for a signal Linux gave the LWK (or
 * carry out its SIG_DFL/SIG_IGN, or defer it); the handler of every
 * signal the program handles, and of the LWK's own for the program's.
 */
void hosted_deliver(int sig, struct k_siginfo *si, struct k_ucontext *uc);
void hosted_fault_signals_boot(void);
void hosted_frame_return(u64 frame);
bool hosted_lwk_stack_check(struct hosted_thread *ht, u64 sp,
			    struct plat_regs **regs);

/* kernel/main.c: the portable boot, on the main thread's LWK stack. */
__noreturn void lwk_boot(u64 *sp);

extern char __lwk_text_start[], __lwk_text_end[];
extern char __lwk_start[], __lwk_end[];

/* Is ip in the LWK's own code (not the program's)? */
static inline bool hosted_in_lwk_text(u64 ip)
{
	return ip >= (u64)__lwk_text_start && ip < (u64)__lwk_text_end;
}

#endif
