// SPDX-License-Identifier: MIT
/*
 * Proxy threads: the Linux side of IKC (include/uapi/ikc.h) for a run on
 * the hosted platform.  A proxy is a thread of the program's own process,
 * made with a raw clone that shares memory, files, fs, signal handlers
 * and SysV undo with it, so a call the proxy makes acts on exactly what
 * the program's own call would.  It runs LWK text only, on an LWK area of
 * its own: no Syscall User Dispatch armed, never a program instruction,
 * every signal blocked but the two the LWK reserves to interrupt it, and
 * it is pinned to the proxy cores.
 *
 * An interrupt request of the client arrives as one of those signals,
 * queued with rt_tgsigqueueinfo and a cookie; its handler only counts it,
 * so the call the proxy is in ends as Linux ends a call interrupted by a
 * handler without SA_RESTART (PROXY_SIG_INTR) or with it
 * (PROXY_SIG_RESTART).  Before each call the proxy waits until every
 * interrupt requested so far has arrived, so a late one meant for an
 * earlier call never hits the next.  Linux takes pending signals lowest
 * number first and decides a restart on the first, so an EINTR request
 * is sent only once every restart request before it has arrived: else a
 * pending PROXY_SIG_RESTART would restart the call the later
 * PROXY_SIG_INTR was meant to end.
 *
 * On a program thread the reserved signals are delivered by the program's
 * view of them (kernel/signal.c keeps it), like any signal it handles.
 *
 * Not plat_helper_start(): its helper runs at idle priority with every
 * signal blocked and no LWK area; a proxy needs its area (its handler
 * finds its state by the stack), the interrupt signals, normal priority,
 * and a tid word Linux clears when it ends.
 */
#include "hosted.h"
#include "../../kernel/offload.h"
#include "../../kernel/errno.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/arch/x86_64/unistd.h"
#include "../../include/uapi/ikc.h"

#define PROXY_SIG_INTR		64	/* SIGRTMAX: the call gives EINTR */
#define PROXY_SIG_RESTART	63	/* SIGRTMAX-1: it restarts if it can */
#define PROXY_MAGIC		0x59585250U	/* "PRXY" */
#define PROXY_CLONE		(CLONE_VM | CLONE_FS | CLONE_FILES | \
				 CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
				 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define WAKE_ALL		0x7fffffff
#define DRAIN_YIELD		1024	/* pauses before a drain yields */

/*
 * A proxy's area header, in place of struct hosted_thread.  Once it runs,
 * the proxy (its handler included) is the only writer, but for
 * sent_restart, which its client adds to atomically as well.
 */
struct hosted_proxy {
	struct lwk_thread lt;		/* magic PROXY_MAGIC: not a program thread */
	struct ikc_slot *slot;		/* the slot it serves */
	u64 cpus[TANDEM_MAX_CPUS / 64];	/* where it runs */
	u32 seen;			/* our interrupt signals its handler took */
	u32 seen_restart;		/* ... of them PROXY_SIG_RESTART */
	u32 raised;			/* interrupt signals it sent itself */
	u32 sent_restart;		/* PROXY_SIG_RESTART sent to it, by anyone */
};

_Static_assert(sizeof(struct hosted_proxy) <= AREA_HDR, "proxy header");

static bool reserved;			/* the two signals are ours (boot) */
static u32 warned_pin;

bool plat_signal_reserved(int sig)
{
	return sig == HOSTED_PARK_SIG ||
	       (reserved && (sig == PROXY_SIG_INTR || sig == PROXY_SIG_RESTART));
}

/* The interrupt signal for slot s's server, or its own for itself. */
static int queue_interrupt(int tid, bool restart, const struct ikc_slot *s)
{
	struct k_siginfo si;
	s32 pid = lwk_proc.pid;
	u64 cookie = (u64)s;
	int sig = restart ? PROXY_SIG_RESTART : PROXY_SIG_INTR;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	memcpy(&si.raw[0], &pid, sizeof(pid));		/* si_pid */
	memcpy(&si.raw[8], &cookie, sizeof(cookie));	/* si_value */
	return linux_call4(NR_rt_tgsigqueueinfo, lwk_proc.pid, tid, sig, &si);
}

static bool ours(const struct hosted_proxy *p, const struct k_siginfo *si)
{
	s32 pid;
	u64 cookie;

	memcpy(&pid, &si->raw[0], sizeof(pid));
	memcpy(&cookie, &si->raw[8], sizeof(cookie));
	return si->si_code == SI_QUEUE && pid == lwk_proc.pid &&
	       cookie == (u64)p->slot;
}

static void proxy_signal(int sig, struct k_siginfo *si, struct k_ucontext *uc)
{
	struct hosted_proxy *p = (struct hosted_proxy *)plat_current();

	if (p->lt.magic != PROXY_MAGIC) {
		hosted_deliver(sig, si, uc);
		return;
	}
	/* The interrupted call returns by itself; count what was ours. */
	if (!ours(p, si))
		return;
	if (sig == PROXY_SIG_RESTART)
		__atomic_store_n(&p->seen_restart, p->seen_restart + 1,
				 __ATOMIC_RELEASE);
	WRITE_ONCE(p->seen, p->seen + 1);
}

/*
 * Send p the interrupt of the kind slot->cancel_restart asks.  An EINTR
 * one waits until p took every restart one sent before (see the top).
 */
static int interrupt(struct hosted_proxy *p, int tid)
{
	bool restart = READ_ONCE(p->slot->cancel_restart);
	u32 n = 0;
	int err;

	if (restart) {
		__atomic_fetch_add(&p->sent_restart, 1, __ATOMIC_SEQ_CST);
	} else {
		while ((s32)(__atomic_load_n(&p->seen_restart, __ATOMIC_ACQUIRE) -
			     __atomic_load_n(&p->sent_restart,
					     __ATOMIC_ACQUIRE)) < 0) {
			if (++n % DRAIN_YIELD == 0)
				linux_call0(NR_sched_yield);
			else
				__builtin_ia32_pause();
		}
	}
	err = queue_interrupt(tid, restart, p->slot);
	if (err && restart)
		__atomic_fetch_sub(&p->sent_restart, 1, __ATOMIC_SEQ_CST);
	return err;
}

/*
 * XXX: the reserved signals' Linux dispositions are fixed (64 without
 * SA_RESTART, 63 with it), so a direct call that one of them interrupts
 * on a program thread ends by that, not by the program's SA_RESTART.
 * Programs rarely use SIGRTMAX; offload.md lists it as a difference.
 */
int plat_proxy_init(void)
{
	static const int sigs[2] = { PROXY_SIG_INTR, PROXY_SIG_RESTART };
	int i;

	for (i = 0; i < 2; i++) {
		struct k_sigaction old, sa = {
			.handler = (void *)proxy_signal,
			.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER |
				 (sigs[i] == PROXY_SIG_RESTART ? SA_RESTART : 0),
			.restorer = (void *)hosted_restorer,
			.mask = ~sigbit(SIGSYS),
		};
		long err = linux_call4(NR_rt_sigaction, sigs[i], &sa, &old, 8);

		if (err)
			return err;
		/* The program's view: what it inherited (SIG_DFL or SIG_IGN). */
		if (old.handler != SIG_IGN)
			old.handler = SIG_DFL;
		lwk_proc.sigact[sigs[i]] = old;
	}
	reserved = true;
	return 0;
}

static u64 now_ns(void)
{
	return plat_now_ns();
}

/* Wait for a posted call: spin for spin_ns, then sleep on the state. */
static void wait_posted(struct ikc_slot *s)
{
	u64 until = s->spin_ns ? now_ns() + s->spin_ns : 0;
	u32 st, n = 0;

	while ((st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE)) !=
	       IKC_POSTED) {
		if (until && (++n & 63 || now_ns() < until)) {
			__builtin_ia32_pause();
			continue;
		}
		until = 0;
		__atomic_store_n(&s->server_sleeping, 1, __ATOMIC_SEQ_CST);
		st = __atomic_load_n(&s->state, __ATOMIC_SEQ_CST);
		if (st != IKC_POSTED)
			linux_call4(NR_futex, &s->state, FUTEX_WAIT_PRIVATE, st,
				    NULL);
		__atomic_store_n(&s->server_sleeping, 0, __ATOMIC_RELAXED);
	}
}

/*
 * Every interrupt requested so far has been sent (or is being sent right
 * now by the client's handler): wait until all have arrived.
 */
static void drain(struct hosted_proxy *p, struct ikc_slot *s)
{
	u32 n = 0;

	while ((s32)(READ_ONCE(p->seen) - p->raised -
		     __atomic_load_n(&s->cancels, __ATOMIC_ACQUIRE)) < 0) {
		if (++n % DRAIN_YIELD == 0)
			linux_call0(NR_sched_yield);
		else
			__builtin_ia32_pause();
	}
}

/* Make the call; an EINTR that was not asked for this call is retried. */
static long run(struct ikc_slot *s, long nr, const long *a, u64 seq)
{
	long ret;

	if (nr == IKC_OP_NOP)
		return 0;
	for (;;) {
		ret = plat_linux_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (ret != -EINTR ||
		    __atomic_load_n(&s->cancel_seq, __ATOMIC_ACQUIRE) == seq)
			return ret;
	}
}

/*
 * Signals Linux raised on this thread for the call (a write to a broken
 * pipe, past the file size limit) belong to the caller: take them here.
 */
static u64 caught(void)
{
	u64 set = sigbit(SIGPIPE) | sigbit(SIGXFSZ), sigs = 0;
	struct k_timespec zero = { 0, 0 };
	long sig;

	while ((sig = linux_call4(NR_rt_sigtimedwait, &set, NULL, &zero, 8)) > 0)
		sigs |= sigbit(sig);
	return sigs;
}

static void serve(struct hosted_proxy *p, struct ikc_slot *s)
{
	for (;;) {
		long nr, a[6], ret;
		u64 seq, sigs = 0;
		int i;

		wait_posted(s);
		seq = s->seq;
		nr = s->nr;
		for (i = 0; i < 6; i++)
			a[i] = s->args[i];
		__atomic_store_n(&s->state, IKC_RUNNING, __ATOMIC_RELAXED);
		if (nr == IKC_OP_EXIT)
			return;

		drain(p, s);
		/* Interrupted before it began: the call meets the signal now. */
		if (__atomic_load_n(&s->cancel_seq, __ATOMIC_ACQUIRE) == seq) {
			p->raised++;
			if (interrupt(p, p->lt.tid))
				p->raised--;
		}
		ret = run(s, nr, a, seq);
		if (ret == -EPIPE || ret == -EFBIG)
			sigs = caught();

		s->ret = ret;
		s->sigs = sigs;
		__atomic_store_n(&s->state, IKC_DONE, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->client_sleeping, __ATOMIC_SEQ_CST))
			linux_call3(NR_futex, &s->state, FUTEX_WAKE_PRIVATE,
				    WAKE_ALL);
	}
}

static void proxy_main(void *arg)
{
	struct hosted_proxy *p = arg;
	struct ikc_slot *s = p->slot;
	u64 mask = ~(sigbit(PROXY_SIG_INTR) | sigbit(PROXY_SIG_RESTART));

	p->lt.tid = linux_call0(NR_gettid);
	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8);
	if (linux_call3(NR_sched_setaffinity, 0, sizeof(p->cpus), p->cpus) &&
	    !__atomic_exchange_n(&warned_pin, 1, __ATOMIC_RELAXED))
		pr_warn("offload", "cannot pin proxy threads to the proxy cores (see --proxy-cpus): they run where Linux puts them");
	linux_call2(NR_prctl, PR_SET_NAME, "tandem-proxy");

	serve(p, s);

	/*
	 * IKC_OP_EXIT: Linux clears slot->server_tid when this thread is
	 * gone (CLONE_CHILD_CLEARTID), and the client frees the slot then.
	 */
	plat_signals_off();
	hosted_area_del((struct hosted_thread *)p);
	hosted_unmap_and_exit(p, AREA_SIZE, 0);
}

int plat_proxy_start(struct ikc_channel *ch, struct ikc_slot *slot,
		     const u64 *cpus, void **handle)
{
	struct hosted_proxy *p = (struct hosted_proxy *)hosted_area_alloc();
	irqflags_t irq;
	long tid;

	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	p->lt.magic = PROXY_MAGIC;
	p->lt.pid = lwk_proc.pid;
	p->lt.cpu = -1;
	p->slot = slot;
	memcpy(p->cpus, cpus, sizeof(p->cpus));

	/* The proxy starts with every signal blocked: it inherits this. */
	irq = plat_signals_off();
	tid = hosted_clone_fn(PROXY_CLONE, hosted_area_stack_top(
					  (struct hosted_thread *)p) - 16,
				  &slot->server_tid, proxy_main, p);
	plat_irq_restore(irq);
	if (tid < 0) {
		hosted_area_free((struct hosted_thread *)p);
		return tid;
	}
	*handle = p;
	return 0;
}

int plat_proxy_interrupt(struct ikc_slot *slot, void *handle)
{
	int tid = READ_ONCE(slot->server_tid);
	int err;

	if (tid <= 0 || !handle)
		return -ESRCH;
	err = interrupt(handle, tid);
	/*
	 * The proxy's call must meet the signal before the program's handler
	 * runs, as on Linux: a handler that writes into a pipe the call polls
	 * must not make the call succeed instead of ending with EINTR.
	 */
	if (!err)
		drain(handle, slot);
	return err;
}

void plat_proxy_forget(void *handle)
{
	hosted_area_free(handle);
}
