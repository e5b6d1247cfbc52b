// SPDX-License-Identifier: MIT
/*
 * Signal delivery for the program's handlers.
 *
 * Linux delivers every signal the program handles to hosted_deliver(), on
 * the thread's LWK stack.  It builds the frame Linux would have built for
 * the program's handler — on the program's stack below its red zone, or on
 * the program's own sigaltstack for SA_ONSTACK — and returns into the
 * handler through rt_sigreturn.  When the handler returns through its
 * restorer, the program's rt_sigreturn traps and plat_sigreturn() hands
 * that frame to Linux.  So the LWK keeps its own signal stack (the entry
 * path needs it) while the program sees its own.
 *
 * A signal that interrupts the LWK itself (a blocking call in progress)
 * runs its handler where Linux would: on the program's stack below the
 * call's stack pointer, or on the program's sigaltstack for SA_ONSTACK.
 * Its frame returns into the interrupted LWK code; until then the LWK
 * stack both entries use (Linux's sigaltstack for SIGSYS, AREA_FAST_TOP
 * for the fast entry) is cut below the live frames, so the handler's own
 * system calls do not reuse the stack those frames are on.  Only when
 * that cannot be done does the handler run below the live frames on the
 * LWK stack.
 */
#include "hosted.h"
#include "fastentry.h"
#include "../../kernel/offload.h"
#include "../../kernel/errno.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/arch/x86_64/unistd.h"

#define REDZONE		128
#define NESTED_GAP	(16 * 1024)
#define LWK_STACK_MIN	(32 * 1024)	/* least LWK stack left to a handler */
#define FP_XSTATE_MAGIC1	0x46505853U
#define FXSAVE_SIZE	512
#define EFLAGS_TF	0x100
#define EFLAGS_DF	0x400

/*
 * The frame a handler finds at its stack pointer, as Linux lays it out,
 * then a word of the LWK's: the handler's place in ht->cuts plus 1, or 0
 * (see lwk_stack_cut).
 */
struct rt_sigframe {
	u64 pretcode;
	struct k_ucontext uc;
	struct k_siginfo info;
	u64 lwk_cut;
};

static bool in_area(struct hosted_thread *ht, u64 sp)
{
	return sp >= (u64)ht && sp < (u64)ht + AREA_SIZE;
}

static u64 *fast_top(struct hosted_thread *ht)
{
	return (u64 *)((u8 *)ht + AREA_FAST_TOP);
}

/* The fast entry's stack top for the first n cuts (0: the area's top). */
static void cuts_apply(struct hosted_thread *ht, u32 n)
{
	WRITE_ONCE(ht->ncuts, n);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	WRITE_ONCE(*fast_top(ht), n ? ht->cuts[n - 1].top : 0);
	WRITE_ONCE(ht->lt.handler_over_lwk, n != 0);
}

/*
 * Give Linux the LWK stack ss for SIGSYS and the LWK's handlers.  The
 * call is made from the area's header, off that stack, where a signal
 * would get its frame at the old stack's top, over live LWK frames: so
 * even SIGSEGV and SIGBUS, which plat_irq_save lets through, wait (only
 * one sent can come; the call touches no memory of the program's).
 * Context: with the LWK's interrupts off.
 */
static long lwk_altstack_set(struct hosted_thread *ht, const struct k_stack *ss)
{
	u64 all = ~0ULL, old;
	long err;

	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
	err = hosted_sigaltstack_at(ss, (u64)ht);
	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
	return err;
}

/*
 * A handler is about to run off the LWK stack, on the program's stack
 * below its frame at frame_sp or on its sigaltstack (frame_sp 0), while
 * the LWK frames of an interrupted call live on it from isp up: make both
 * entries start below them, and note it in ht->cuts.  Linux's sigaltstack
 * comes back with the handler's rt_sigreturn (the frame's uc_stack is the
 * one in force now), the rest with hosted_frame_return.  *cut gets what
 * to put in the frame's lwk_cut; false (nothing changed) if too little
 * stack would be left, or too many such handlers are nested.
 */
static bool lwk_stack_cut(struct hosted_thread *ht, struct k_ucontext *uc,
			  u64 isp, u64 frame_sp, u64 *cut)
{
	u64 base = (u64)ht + AREA_STACK, top = ALIGN_DOWN(isp - REDZONE, 16);
	struct k_stack ss = { .ss_sp = (void *)base, .ss_size = top - base };
	irqflags_t irq;
	u32 n;
	long err;

	if (top < base + LWK_STACK_MIN)
		return false;
	irq = plat_irq_save();
	n = ht->ncuts;
	err = n < HOSTED_CUTS ? lwk_altstack_set(ht, &ss) : -ENOMEM;
	if (!err) {
		ht->cuts[n].top = top;
		ht->cuts[n].frame_sp = frame_sp;
		ht->cuts[n].regs = ht->lt.regs;
		cuts_apply(ht, n + 1);
		*cut = n + 1;
		uc->uc_stack = ss;
	}
	plat_irq_restore(irq);
	return !err;
}

/*
 * Does a handler that cut the LWK stack (c) still run, when the program
 * enters the LWK at sp?  On the program's stack it runs below its frame
 * (its rt_sigreturn enters just above the return address it popped), and
 * so does all it calls, but for a handler it nests on the sigaltstack; on
 * the sigaltstack, it runs there.  Left with longjmp, the program runs
 * above the frame (and the sigaltstack), until it calls deeper again.
 */
static bool cut_live(struct lwk_thread *t, const struct hosted_cut *c, u64 sp)
{
	bool alt = plat_on_prog_altstack(t, sp), below = sp <= c->frame_sp + 8;

	if (!c->frame_sp)
		return alt;
	if (plat_on_prog_altstack(t, c->frame_sp))
		return alt && below;
	return alt || below;
}

/*
 * hosted_lwk_stack_check - at an entry from the program at sp: a handler
 * that cut the LWK stack (lwk_stack_cut) but no longer runs there left
 * with longjmp, and the frames it was cut for are dead: give their stack
 * back, and set *regs, the trapped context the entry puts back when it
 * returns, to the one of the call the innermost live handler interrupted
 * (NULL if none).  True if it did: the entry itself began below those
 * frames and must be made again, else a call that blocks now would keep
 * that stack from the next handler too, round after round.
 * Context: the entry, on the LWK stack, before it dispatches the call.
 */
bool hosted_lwk_stack_check(struct hosted_thread *ht, u64 sp,
			    struct plat_regs **regs)
{
	u32 n = READ_ONCE(ht->ncuts), live = n;
	struct k_stack ss = { .ss_sp = (char *)ht + AREA_STACK };
	irqflags_t irq;

	if (!n || in_area(ht, sp))
		return false;
	while (live && !cut_live(&ht->lt, &ht->cuts[live - 1], sp))
		live--;
	if (live == n)
		return false;
	ss.ss_size = (live ? ht->cuts[live - 1].top : (u64)ht + AREA_SIZE) -
		     (u64)ss.ss_sp;
	irq = plat_irq_save();
	lwk_altstack_set(ht, &ss);
	cuts_apply(ht, live);
	plat_irq_restore(irq);
	*regs = live ? ht->cuts[live - 1].regs : NULL;
	return true;
}

/*
 * hosted_frame_return - a program handler returns through the frame at
 * `frame` (its rt_sigreturn): if it ran off a cut LWK stack, the cut and
 * those of handlers nested in it end.  A frame of the LWK's own making
 * only; Linux's sigaltstack comes back with the frame.
 */
void hosted_frame_return(u64 frame)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();
	struct k_ucontext uc;
	u64 cut;

	/* Back to program code or to the LWK code the handler interrupted. */
	if (!plat_copy_from_user(&uc.uc_mcontext.rip, (void *)(frame +
				 offsetof(struct rt_sigframe, uc.uc_mcontext.rip)),
				 sizeof(uc.uc_mcontext.rip)))
		hosted_fs_resume(ht, &uc);
	if (plat_copy_from_user(&cut, (void *)(frame +
				offsetof(struct rt_sigframe, lwk_cut)),
				sizeof(cut)) || !cut || cut > READ_ONCE(ht->ncuts))
		return;
	cuts_apply(ht, cut - 1);
}

/* Size of the FPU/extended state Linux saved for this delivery. */
static u64 fpstate_size(const void *fp)
{
	const u32 *sw = (const u32 *)((const u8 *)fp + 464);

	if (!fp)
		return 0;
	if (sw[0] == FP_XSTATE_MAGIC1 && sw[1] >= FXSAVE_SIZE && sw[1] < 65536)
		return sw[1];
	return FXSAVE_SIZE;
}

bool plat_on_prog_altstack(struct lwk_thread *t, u64 sp)
{
	return !(t->prog_altstack.flags & SS_DISABLE) &&
	       sp - t->prog_altstack.sp < t->prog_altstack.size;
}

static bool is_fault(int sig, const struct k_siginfo *si)
{
	return si->si_code > 0 && si->si_code < 0x80 &&
	       (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		sig == SIGFPE || sig == SIGTRAP);
}

/*
 * End the process as Linux's default action for `sig` would: restore the
 * default disposition, unblock it and raise it again.  For a fault,
 * returning re-executes the faulting instruction, which now kills.
 */
static void default_action(int sig, const struct k_siginfo *si,
			   struct k_ucontext *uc)
{
	struct k_sigaction dfl = { .handler = SIG_DFL };

	linux_call4(NR_rt_sigaction, sig, &dfl, NULL, 8);
	uc->uc_sigmask &= ~sigbit(sig);
	if (!is_fault(sig, si))
		linux_call3(NR_tgkill, lwk_proc.pid, linux_call0(NR_gettid), sig);
}

/*
 * Where a frame goes below top: its FPU state of fpsize bytes at *fp,
 * then the rt_sigframe, at the returned stack pointer.
 */
static u64 frame_at(u64 top, u64 fpsize, u64 *fp)
{
	*fp = ALIGN_DOWN(top - fpsize, 64);
	return ALIGN_DOWN(*fp - sizeof(struct rt_sigframe), 16) - 8;
}

/*
 * The program's stack pointer at the call whose LWK frames a signal
 * interrupted at isp, or 0 if the LWK cannot tell.  t->regs is that
 * call's trapped context only once its entry has set it and until its
 * return puts back the outer one: before and after, it is absent, or it
 * lies above the innermost cut while isp lies below it (the call of a
 * handler that runs over that cut, whose stack pointer is then unknown).
 */
static u64 interrupted_prog_sp(struct hosted_thread *ht, u64 isp)
{
	struct plat_regs *regs = ht->lt.regs;
	u32 n = READ_ONCE(ht->ncuts);
	u64 top = n ? ht->cuts[n - 1].top : 0;

	if (!regs || !in_area(ht, (u64)regs) || (u64)regs < isp ||
	    (isp < top && (u64)regs >= top))
		return 0;
	return regs_sp(regs);
}

/*
 * Build the program handler's frame and point the context we return
 * through at the handler.  Returns false if the frame cannot be written
 * (the program's stack is bad), as Linux then forces SIGSEGV.
 */
static bool setup_frame(struct hosted_thread *ht, int sig,
			const struct k_sigaction *act,
			const struct k_siginfo *si, struct k_ucontext *uc)
{
	struct lwk_thread *t = &ht->lt;
	u64 isp = uc->uc_mcontext.rsp, psp, sp, fp, fpsize, cut = 0;
	bool to_alt = (act->flags & SA_ONSTACK) &&
		      !(t->prog_altstack.flags & SS_DISABLE);
	struct k_stack lwk_ss = uc->uc_stack;
	struct rt_sigframe frame;

	fpsize = fpstate_size(uc->uc_mcontext.fpstate);
	if (in_area(ht, isp)) {
		/*
		 * Interrupted inside the LWK: where Linux would put the frame
		 * follows from the stack pointer of the program's call.  A
		 * handler that made that call on the LWK stack itself (see
		 * below) has its call's frames under it.
		 */
		psp = interrupted_prog_sp(ht, isp);
		to_alt = to_alt && psp && !plat_on_prog_altstack(t, psp);
		sp = 0;
		if (psp && (to_alt || !in_area(ht, psp))) {
			sp = frame_at(to_alt ? t->prog_altstack.sp +
					       t->prog_altstack.size :
					       psp - REDZONE, fpsize, &fp);
			if (!lwk_stack_cut(ht, uc, isp, to_alt ? 0 : sp, &cut))
				sp = 0;
		}
		if (!sp)	/* below this delivery's frame and all it calls */
			sp = frame_at((u64)__builtin_frame_address(0) -
				      NESTED_GAP, fpsize, &fp);
	} else if (!to_alt || plat_on_prog_altstack(t, isp)) {
		sp = frame_at(isp - REDZONE, fpsize, &fp);
	} else {
		sp = frame_at(t->prog_altstack.sp + t->prog_altstack.size,
			      fpsize, &fp);
	}

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = (u64)act->restorer;
	frame.uc.uc_flags = uc->uc_flags;
	frame.uc.uc_stack = lwk_ss;	/* the LWK's: what Linux restores */
	frame.lwk_cut = cut;
	frame.uc.uc_mcontext = uc->uc_mcontext;
	frame.uc.uc_mcontext.fpstate = fpsize ? (void *)fp : NULL;
	frame.uc.uc_sigmask = uc->uc_sigmask;
	memcpy(&frame.info, si, sizeof(frame.info));

	if (!(act->flags & SA_RESTORER))
		return false;
	if (plat_copy_to_user((void *)sp, &frame, sizeof(frame)) ||
	    (fpsize && plat_copy_to_user((void *)fp, uc->uc_mcontext.fpstate,
					 fpsize)))
		return false;

	uc->uc_mcontext.rip = (u64)act->handler;
	uc->uc_mcontext.rsp = sp;
	uc->uc_mcontext.rdi = sig;
	uc->uc_mcontext.rsi = sp + offsetof(struct rt_sigframe, info);
	uc->uc_mcontext.rdx = sp + offsetof(struct rt_sigframe, uc);
	uc->uc_mcontext.rax = 0;
	uc->uc_mcontext.eflags &= ~(EFLAGS_TF | EFLAGS_DF);
	uc->uc_sigmask |= act->mask;
	if (!(act->flags & SA_NODEFER))
		uc->uc_sigmask |= sigbit(sig);
	uc->uc_sigmask &= ~(sigbit(SIGSYS) | sigbit(HOSTED_PARK_SIG) |
			    sigbit(SIGKILL) | sigbit(SIGSTOP));
	return true;
}

/*
 * Send again a signal this thread must not take yet: to the thread if it
 * was sent to the thread (tkill, tgkill), else to the process, whose
 * other threads may take it, as on Linux.  Linux lets only the main
 * thread queue a kill()'s siginfo for the process, since it is not the
 * original sender; another thread sends a kill() of its own process's
 * again with kill(), and one from elsewhere to itself.
 */
static void send_again(int sig, struct k_siginfo *si)
{
	s32 pid = linux_call0(NR_getpid), tid = linux_call0(NR_gettid), from;

	memcpy(&from, &si->raw[0], sizeof(from));	/* si_pid */
	if (si->si_code != SI_TKILL &&
	    (!linux_call3(NR_rt_sigqueueinfo, pid, sig, si) ||
	     (si->si_code == SI_USER && from == pid &&
	      !linux_call2(NR_kill, pid, sig))))
		return;
	linux_call4(NR_rt_tgsigqueueinfo, pid, tid, sig, si);
}

/*
 * A SIGSEGV or SIGBUS somebody sent while Linux let it through only for
 * the LWK's copies: with the LWK's interrupts off (plat_irq_save; the
 * program's own masks never block SIGSYS, that section's does), or with
 * the program blocking it (opened).  Send it again and return with it
 * blocked: it waits, as on Linux, until the section ends or the program
 * unblocks it.
 */
static bool defer_sent(int sig, struct k_siginfo *si, struct k_ucontext *uc,
		       u64 opened)
{
	if (!(sigbit(sig) & FAULT_SIGS) || is_fault(sig, si) ||
	    !((uc->uc_sigmask & sigbit(SIGSYS)) || (opened & sigbit(sig))))
		return false;
	send_again(sig, si);
	uc->uc_sigmask |= sigbit(sig);
	return true;
}

static void deliver(struct hosted_thread *ht, int sig, struct k_siginfo *si,
		    struct k_ucontext *uc)
{
	struct k_sigaction act = lwk_proc.sigact[sig];
	u64 rip = uc->uc_mcontext.rip;

	/* The handler runs, and may return, with a mask of its own. */
	hosted_mask_forget(ht);
	if (is_fault(sig, si) && hosted_in_lwk_text(rip)) {
		pr_err("hosted", "LWK fault: signal %d at %#llx, address %p; please report it",
		       sig, (unsigned long long)rip, si->sys.call_addr);
		default_action(sig, si, uc);
		return;
	}
	/* Linux does not let a fault be ignored: it kills. */
	if (act.handler == SIG_IGN && !is_fault(sig, si))
		return;
	if (act.handler == SIG_DFL || act.handler == SIG_IGN) {
		default_action(sig, si, uc);
		return;
	}
	if (act.flags & SA_RESETHAND)
		lwk_proc.sigact[sig].handler = SIG_DFL;
	/*
	 * An LWK sleep (plat_block_on) ends with EINTR whatever the flags:
	 * the LWK, not Linux, decides how the program's call restarts.
	 */
	if (rip == (u64)hosted_block_site || rip == (u64)hosted_block_site + 2) {
		ht->lt.block_restart = act.flags & SA_RESTART;
		uc->uc_mcontext.rip = (u64)hosted_block_site + 2;
		uc->uc_mcontext.rax = (u64)-EINTR;
	}
	if (!setup_frame(ht, sig, &act, si, uc)) {
		struct k_siginfo segv = { .si_signo = SIGSEGV, .si_code = 0x80 };

		default_action(SIGSEGV, &segv, uc);
		linux_call3(NR_tgkill, lwk_proc.pid, ht->lt.tid, SIGSEGV);
		return;
	}
	/* A call the thread waits for on its proxy meets the handler too. */
	offload_interrupt(&ht->lt, act.flags & SA_RESTART);
}

static void deliver_or_defer(struct hosted_thread *ht, int sig,
			     struct k_siginfo *si, struct k_ucontext *uc)
{
	u64 live, opened;

	/* A copy of program memory that faulted ends there (hosted_copy). */
	if (is_fault(sig, si) &&
	    uc->uc_mcontext.rip == (u64)hosted_copy_insn) {
		uc->uc_mcontext.rip = (u64)hosted_copy_fault;
		return;
	}
	/*
	 * What an LWK call's copies let through against the program's mask
	 * (outside LWK code, `opened` is stale and means nothing) is blocked
	 * again in the interrupted context: its handler and its return see
	 * the program's mask, and that context copies through Linux now.
	 * Left as it is for a delivery that Linux nests on this one.
	 */
	opened = hosted_in_lwk_text(uc->uc_mcontext.rip) ?
		 READ_ONCE(ht->opened) : 0;
	live = ht->live_mask | opened;
	uc->uc_sigmask |= opened;
	if (defer_sent(sig, si, uc, opened)) {
		WRITE_ONCE(ht->live_mask, live | sigbit(sig));
		return;
	}
	WRITE_ONCE(ht->live_mask, LIVE_UNKNOWN);
	deliver(ht, sig, si, uc);
	WRITE_ONCE(ht->live_mask, live);
}

/*
 * The thread runs LWK code from here to its return, which is into program
 * code (a handler, or where the signal came) or into the LWK code the
 * signal interrupted: the fork stop must know which (forkstop.c).
 */
void hosted_deliver(int sig, struct k_siginfo *si, struct k_ucontext *uc)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();

	hosted_fs_lwk_in(ht);
	deliver_or_defer(ht, sig, si, uc);
	hosted_fs_resume(ht, uc);
}

int plat_signal_install(int sig, const struct k_sigaction *prog)
{
	struct k_sigaction sa = {
		.handler = (void *)hosted_deliver,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER |
			 (prog->flags & (SA_RESTART | SA_NODEFER | SA_RESETHAND)),
		.restorer = (void *)hosted_restorer,
		.mask = prog->mask & ~sigbit(SIGSYS),
	};

	/* Linux must not take the LWK's handler off a fault (deliver does). */
	if (sigbit(sig) & FAULT_SIGS)
		sa.flags &= ~SA_RESETHAND;
	return linux_call4(NR_rt_sigaction, sig, &sa, NULL, 8);
}

/*
 * SIGSEGV and SIGBUS are always the LWK's in Linux, so that a copy of
 * program memory can take its fault back (hosted_copy); the program's
 * SIG_DFL and SIG_IGN are its view, carried out by deliver().
 */
bool plat_signal_caught(int sig)
{
	return sigbit(sig) & FAULT_SIGS;
}

static const int fault_sigs[2] = { SIGSEGV, SIGBUS };

/*
 * hosted_fault_signals_boot - at boot of an image: take SIGSEGV and SIGBUS,
 * keeping as the program's view what it inherited (an execve keeps
 * SIG_IGN, see plat_exec_signals).
 */
void hosted_fault_signals_boot(void)
{
	struct k_sigaction old;
	int i, sig;

	for (i = 0; i < 2; i++) {
		sig = fault_sigs[i];
		if (linux_call4(NR_rt_sigaction, sig, NULL, &old, 8))
			continue;
		memset(&lwk_proc.sigact[sig], 0, sizeof(old));
		lwk_proc.sigact[sig].handler = old.handler == SIG_IGN ?
					       SIG_IGN : SIG_DFL;
		plat_signal_install(sig, &lwk_proc.sigact[sig]);
	}
}

/*
 * Linux's execve keeps the mask and an ignored signal ignored, and resets
 * a handled one: before it, give Linux the program's mask (copies may
 * have opened it) and the program's SIG_IGN of each signal the LWK
 * handles in its place (a vfork child may have set its own in Linux:
 * then Linux's stands); after a failed one, take them back.
 */
void plat_exec_signals(bool before)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();
	struct k_sigaction cur, ign = { .handler = SIG_IGN };
	int i, sig;

	if (before && READ_ONCE(ht->opened)) {
		linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &ht->open_restore,
			    NULL, 8);
		WRITE_ONCE(ht->opened, 0);
		WRITE_ONCE(ht->live_mask, ht->open_restore);
	}
	for (i = 0; i < 2; i++) {
		sig = fault_sigs[i];
		if (lwk_proc.sigact[sig].handler != SIG_IGN ||
		    linux_call4(NR_rt_sigaction, sig, NULL, &cur, 8))
			continue;
		if (before && cur.handler == (void *)hosted_deliver)
			linux_call4(NR_rt_sigaction, sig, &ign, NULL, 8);
		else if (!before && cur.handler == SIG_IGN)
			plat_signal_install(sig, &lwk_proc.sigact[sig]);
	}
}

long plat_block_on(struct lwk_thread *t, u32 *word, long op, u32 val,
		   const void *abs_timeout)
{
	t->block_restart = false;
	return hosted_block_raw(word, op, val, abs_timeout);
}
