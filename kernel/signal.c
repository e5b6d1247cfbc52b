// SPDX-License-Identifier: MIT
/*
 * Signals, as far as the LWK must own them for its entry path to hold.
 *
 * The LWK's entry is a SIGSYS handler on a per-thread LWK stack.  So SIGSYS
 * must never be blocked in Linux's mask (a blocked SIGSYS from Syscall User
 * Dispatch kills the process), the program's SIGSYS disposition and its
 * sigaltstack are kept by the LWK as the program's view, and the mask a
 * program sets is the mask its trapped context returns with.  Signals the
 * program handles are delivered by the LWK, which builds the handler's
 * frame where Linux would have (platform: plat_signal_install); SIG_DFL
 * and SIG_IGN stay with Linux.
 */
#include "sys.h"
#include "offload.h"
#include "errno.h"
#include "lib/lib.h"
#include "arch/x86_64/abi.h"
#include "arch/x86_64/unistd.h"

#define MINSIGSTKSZ	2048
#define UNBLOCKABLE	(sigbit(SIGKILL) | sigbit(SIGSTOP))

static bool is_handler(const void *h)
{
	return h != SIG_DFL && h != SIG_IGN;
}

/*
 * Dispositions with a handler are the LWK's to deliver (see
 * plat_signal_install); SIG_DFL and SIG_IGN stay with Linux, which also
 * stays the truth for them (an ignored signal survives execve there),
 * but for the signals the platform catches whatever the program's
 * disposition (plat_signal_caught): their view is the LWK's only.
 */
SYSCALL(rt_sigaction)
{
	struct k_sigaction act, old;
	long sig = a[0], err;
	bool kept, caught;

	if (a[3] != 8)
		return -EINVAL;
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a[1] && plat_copy_from_user(&act, (void *)a[1], sizeof(act)))
		return -EFAULT;

	kept = sig == SIGSYS || plat_signal_reserved(sig);
	caught = plat_signal_caught(sig);
	/*
	 * A vfork or posix_spawn child shares the parent's memory, so the
	 * LWK's view, but has its own dispositions in Linux: its changes
	 * (resets to SIG_DFL or SIG_IGN before its exec) go to Linux only.
	 */
	if (t->pid != lwk_proc.pid) {
		if (kept)
			return a[1] ? 0 : -EINVAL;
		if (a[1]) {
			/* Its handlers Linux runs itself, off the LWK's stack. */
			act.flags &= ~SA_ONSTACK;
			act.mask &= ~(sigbit(SIGSYS) | UNBLOCKABLE);
		}
		return linux_call4(NR_rt_sigaction, sig, a[1] ? &act : NULL,
				   a[2], 8);
	}
	old = lwk_proc.sigact[sig];
	if (!kept && !caught && !is_handler(old.handler)) {
		err = linux_call4(NR_rt_sigaction, sig, NULL, &old, 8);
		if (err)
			return err;
	}
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		if (kept) {
			err = 0;
		} else if (is_handler(act.handler) || caught) {
			err = plat_signal_install(sig, &act);
		} else {
			struct k_sigaction lin = act;

			lin.mask &= ~sigbit(SIGSYS);
			err = linux_call4(NR_rt_sigaction, sig, &lin, NULL, 8);
		}
		if (err)
			return err;
		lwk_proc.sigact[sig] = act;
	}
	if (a[2] && plat_copy_to_user((void *)a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/*
 * SIG_SETMASK without an old set does not need the current mask: through
 * the fast entry, reading it costs a Linux call.
 */
SYSCALL(rt_sigprocmask)
{
	bool need_cur = a[2] || (a[1] && a[0] != SIG_SETMASK);
	u64 cur = need_cur ? plat_regs_sigmask(regs) : 0, set, new = 0;

	if (a[3] != 8)
		return -EINVAL;
	if (t->sigsys_blocked)
		cur |= sigbit(SIGSYS);
	if (a[1]) {
		if (plat_copy_from_user(&set, (void *)a[1], sizeof(set)))
			return -EFAULT;
		switch (a[0]) {
		case SIG_BLOCK:
			new = cur | set;
			break;
		case SIG_UNBLOCK:
			new = cur & ~set;
			break;
		case SIG_SETMASK:
			new = set;
			break;
		default:
			return -EINVAL;
		}
	}
	if (a[2] && plat_copy_to_user((void *)a[2], &cur, sizeof(cur)))
		return -EFAULT;
	if (a[1]) {
		new &= ~UNBLOCKABLE;
		t->sigsys_blocked = new & sigbit(SIGSYS);
		plat_regs_set_sigmask(regs, new);
	}
	return 0;
}

SYSCALL(rt_sigreturn)
{
	syscall_trace_noreturn(t, NR_rt_sigreturn, a);
	plat_sigreturn(regs);
}

/* Copy a program's signal mask with SIGSYS taken out. */
static int mask_without_sigsys(const void *umask, u64 *out)
{
	if (plat_copy_from_user(out, umask, sizeof(*out)))
		return -EFAULT;
	*out &= ~sigbit(SIGSYS);
	return 0;
}

SYSCALL(rt_sigsuspend)
{
	u64 mask;

	if (a[1] != 8)
		return -EINVAL;
	if (mask_without_sigsys((void *)a[0], &mask))
		return -EFAULT;
	return linux_call2(NR_rt_sigsuspend, &mask, 8);
}

/*
 * A wait with a signal mask sets the calling thread's mask for its
 * duration: it runs direct.  Without one it is a plain wait, offloaded
 * by the route of its number.
 */
SYSCALL(ppoll)
{
	u64 mask;

	if (!a[3])
		return offload_linux4(t, NR_ppoll, a[0], a[1], a[2], 0);
	if (mask_without_sigsys((void *)a[3], &mask))
		return -EFAULT;
	return linux_call6(NR_ppoll, a[0], a[1], a[2], &mask, a[4], 0);
}

SYSCALL(pselect6)
{
	struct {
		const u64 *ss;
		u64 len;
	} arg6;
	u64 mask;

	if (!a[5])
		return offload_linux6(t, NR_pselect6, a[0], a[1], a[2], a[3],
				      a[4], 0);
	if (plat_copy_from_user(&arg6, (void *)a[5], sizeof(arg6)))
		return -EFAULT;
	if (!arg6.ss)
		return offload_linux6(t, NR_pselect6, a[0], a[1], a[2], a[3],
				      a[4], &arg6);
	if (mask_without_sigsys(arg6.ss, &mask))
		return -EFAULT;
	arg6.ss = &mask;
	return linux_call6(NR_pselect6, a[0], a[1], a[2], a[3], a[4], &arg6);
}

SYSCALL(epoll_pwait)
{
	u64 mask;

	if (!a[4])
		return offload_linux6(t, NR_epoll_pwait, a[0], a[1], a[2], a[3],
				      0, a[5]);
	if (mask_without_sigsys((void *)a[4], &mask))
		return -EFAULT;
	return linux_call6(NR_epoll_pwait, a[0], a[1], a[2], a[3], &mask, a[5]);
}

/*
 * The program's alternate signal stack is recorded, reported back and
 * validated as Linux would; Linux itself keeps the LWK's, and the LWK's
 * delivery puts SA_ONSTACK handlers on the program's.
 */
SYSCALL(sigaltstack)
{
	struct k_stack ss, old = {
		.ss_sp = (void *)t->prog_altstack.sp,
		.ss_flags = t->prog_altstack.flags,
		.ss_size = t->prog_altstack.size,
	};

	if (plat_on_prog_altstack(t, regs_sp(t->regs)))
		old.ss_flags = SS_ONSTACK;
	if (a[0]) {
		if (plat_copy_from_user(&ss, (void *)a[0], sizeof(ss)))
			return -EFAULT;
		if (old.ss_flags == SS_ONSTACK)
			return -EPERM;
		if (ss.ss_flags & ~(SS_DISABLE | (1 << 31)))
			return -EINVAL;
		if (!(ss.ss_flags & SS_DISABLE) && ss.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (a[1] && plat_copy_to_user((void *)a[1], &old, sizeof(old)))
		return -EFAULT;
	if (a[0]) {
		t->prog_altstack.sp = (u64)ss.ss_sp;
		t->prog_altstack.flags = ss.ss_flags & SS_DISABLE;
		t->prog_altstack.size = ss.ss_size;
		if (ss.ss_flags & SS_DISABLE)
			t->prog_altstack.sp = t->prog_altstack.size = 0;
	}
	return 0;
}

/*
 * A signal a thread sends itself is delivered, as on Linux, when the call
 * returns to the program: all signals stay blocked from the send until
 * the trapped context's own mask comes back, so the handler runs on the
 * program's stack (or sigaltstack), not nested inside the LWK.
 */
static long send_to_self(struct plat_regs *regs, long nr, long a0, long a1,
			 long a2)
{
	u64 mask = plat_regs_sigmask(regs);

	plat_irq_save();
	/*
	 * Whatever the entry, its way out must give Linux the program's mask
	 * back: an entry without a signal frame restores none by itself, and
	 * a thread left with SIGSYS blocked dies at its next trapped call.
	 */
	plat_regs_set_sigmask(regs, mask);
	return linux_call3(nr, a0, a1, a2);
}

long signal_send_self(struct lwk_thread *t, int sig)
{
	return send_to_self(t->regs, NR_tgkill, t->pid, t->tid, sig);
}

SYSCALL(kill)
{
	if (a[0] == t->pid || a[0] == 0)
		return send_to_self(regs, NR_kill, a[0], a[1], 0);
	return linux_call2(NR_kill, a[0], a[1]);
}

SYSCALL(tkill)
{
	if (a[0] == t->tid)
		return send_to_self(regs, NR_tkill, a[0], a[1], 0);
	return linux_call2(NR_tkill, a[0], a[1]);
}

SYSCALL(tgkill)
{
	if (a[1] == t->tid)
		return send_to_self(regs, NR_tgkill, a[0], a[1], a[2]);
	return linux_call3(NR_tgkill, a[0], a[1], a[2]);
}
