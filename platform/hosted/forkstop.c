// SPDX-License-Identifier: MIT
/*
 * Stopping the program's other threads across a fork.
 *
 * Fork copies the parent's private pool memory before the clone
 * (kernel/mm/fork.c); Linux copies the rest at the clone.  So that both
 * copies show the program at one instant, the forking thread first stops
 * every other thread that may run program code.  Each thread says, in
 * in_prog, whether it may: it clears the word as it enters the LWK and
 * sets it as it leaves, and `running` counts the set words.  The forker
 * raises `stop_word`, sends each thread that may run program code the
 * park signal (HOSTED_PARK_SIG, SI_QUEUE with a cookie), and waits until
 * `running` is zero.  A thread leaving the LWK sets in_prog, then looks
 * at stop_word: raised, it waits on it (a futex, no lock held) before
 * any program code; the signal catches those already in program code and
 * parks them in its handler, which is such a leaving.  Threads in the
 * LWK (a blocking call, a lock) are not waited for: they park on their
 * way out.  stop_word also makes forks from several threads take turns.
 *
 * The forker keeps program signals blocked from the stop to the release,
 * so it runs no program code meanwhile (a handler would wait for its own
 * release).  The park signal is a real-time one: SIGSYS, the entry's
 * signal, would be merged with a Syscall User Dispatch SIGSYS pending at
 * the same time, and that call would be lost.  The program cannot block
 * it (hosted.c, signal.c).  A thread that cannot take the signal for
 * STOP_WAIT_NS (stopped by a tracer) is given up on: the fork goes on
 * without it.
 */
#include "hosted.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/lib/lock.h"
#include "../../kernel/arch/x86_64/unistd.h"

#define STOP_SLICE_NS	1000000LL	/* a wait for `running`, at most */
#define STOP_WAIT_NS	2000000000ULL	/* then the fork goes on regardless */

static spinlock_t list_lock;
static struct hosted_thread *threads;	/* under list_lock */
static u32 stop_word;			/* 1 while a fork stops the others */
static s32 running;			/* threads whose in_prog is set */
static u32 stop_gen;			/* stops so far: under stop_word */

/* Cookie in the park signal's sigval: no program sends this one. */
static const u64 park_cookie = 0x74616e64666b7370ULL;

/* hosted_fs_add - thread @ht is live.  Context: program signals blocked. */
void hosted_fs_add(struct hosted_thread *ht)
{
	ht->in_prog = 0;
	ht->fs_on = true;
	spin_lock(&list_lock);
	ht->fs_prev = NULL;
	ht->fs_next = threads;
	if (threads)
		threads->fs_prev = ht;
	threads = ht;
	spin_unlock(&list_lock);
}

/* hosted_fs_del - thread @ht is going away.  Context: signals blocked. */
void hosted_fs_del(struct hosted_thread *ht)
{
	if (!ht->fs_on)
		return;
	hosted_fs_lwk_in(ht);
	ht->fs_on = false;
	spin_lock(&list_lock);
	if (ht->fs_prev)
		ht->fs_prev->fs_next = ht->fs_next;
	else if (threads == ht)
		threads = ht->fs_next;
	if (ht->fs_next)
		ht->fs_next->fs_prev = ht->fs_prev;
	ht->fs_next = ht->fs_prev = NULL;
	spin_unlock(&list_lock);
}

/* hosted_fs_lwk_in - @ht runs LWK code, not program code, from here on. */
void hosted_fs_lwk_in(struct hosted_thread *ht)
{
	if (!ht->fs_on || !__atomic_exchange_n(&ht->in_prog, 0, __ATOMIC_SEQ_CST))
		return;
	/* The last one a fork waits for wakes it. */
	if (!__atomic_sub_fetch(&running, 1, __ATOMIC_SEQ_CST) &&
	    __atomic_load_n(&stop_word, __ATOMIC_SEQ_CST))
		linux_call3(NR_futex, &running, FUTEX_WAKE_PRIVATE, 1);
}

/*
 * hosted_fs_lwk_out - @ht is about to run program code: wait first while
 * a fork stops the threads.  Context: no LWK lock held.
 */
void hosted_fs_lwk_out(struct hosted_thread *ht)
{
	if (!ht->fs_on)
		return;
	for (;;) {
		if (!__atomic_exchange_n(&ht->in_prog, 1, __ATOMIC_SEQ_CST))
			__atomic_add_fetch(&running, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&stop_word, __ATOMIC_SEQ_CST))
			return;
		hosted_fs_lwk_in(ht);
		linux_call4(NR_futex, &stop_word, FUTEX_WAIT_PRIVATE, 1, NULL);
	}
}

/*
 * hosted_fs_resume - @ht returns to the context @uc: program code (leave
 * the LWK as above) or LWK code it interrupted (stay in).
 */
void hosted_fs_resume(struct hosted_thread *ht, const struct k_ucontext *uc)
{
	if (hosted_in_lwk_text(uc->uc_mcontext.rip))
		hosted_fs_lwk_in(ht);
	else
		hosted_fs_lwk_out(ht);
}

/* Is @si the park signal hosted_fs_stop sends? */
static bool is_park(const struct k_siginfo *si)
{
	u64 v;

	if (si->si_code != SI_QUEUE)
		return false;
	memcpy(&v, &si->raw[8], sizeof(v));
	return v == park_cookie &&
	       *(const s32 *)(const void *)si->raw == lwk_proc.pid;
}

/*
 * The park signal's handler: a thread in program code waits here while a
 * fork stops the process (one already back in the LWK goes on: it parks
 * on its way out).  The program's own signal of that number goes by the
 * program's view of it (kernel/signal.c keeps it).
 */
static void park_signal(int sig, struct k_siginfo *si, struct k_ucontext *uc)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();

	if (is_park(si)) {
		if (READ_ONCE(ht->in_prog)) {
			hosted_fs_lwk_in(ht);
			hosted_fs_lwk_out(ht);
		}
		return;
	}
	hosted_deliver(sig, si, uc);
}

/*
 * hosted_fs_init - take the park signal for this image; the program's
 * view of it is what it inherited (SIG_DFL or SIG_IGN).  SA_RESTART: a
 * late park signal that meets a thread in a Linux call restarts the call
 * where Linux can.  Context: boot, before the program runs.
 */
void hosted_fs_init(void)
{
	struct k_sigaction old, sa = {
		.handler = (void *)park_signal,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_RESTART,
		.restorer = (void *)hosted_restorer,
		.mask = ~sigbit(SIGSYS),
	};

	if (linux_call4(NR_rt_sigaction, HOSTED_PARK_SIG, &sa, &old, 8))
		return;
	if (old.handler != SIG_IGN)
		old.handler = SIG_DFL;
	lwk_proc.sigact[HOSTED_PARK_SIG] = old;
}

/*
 * Signal, once per stop, each other thread that may run program code:
 * the signal queues, so one is enough.  Any such thread left?
 */
static bool nudge(struct hosted_thread *self, u32 gen)
{
	struct k_siginfo si;
	struct hosted_thread *t;
	bool any = false;

	memset(&si, 0, sizeof(si));
	si.si_signo = HOSTED_PARK_SIG;
	si.si_code = SI_QUEUE;
	memcpy(&si.raw[0], &lwk_proc.pid, sizeof(s32));
	memcpy(&si.raw[8], &park_cookie, sizeof(park_cookie));
	spin_lock(&list_lock);
	for (t = threads; t; t = t->fs_next) {
		if (t == self || !__atomic_load_n(&t->in_prog, __ATOMIC_SEQ_CST))
			continue;
		any = true;
		if (t->fs_sent != gen &&
		    !linux_call4(NR_rt_tgsigqueueinfo, lwk_proc.pid, t->lt.tid,
				 HOSTED_PARK_SIG, &si))
			t->fs_sent = gen;
	}
	spin_unlock(&list_lock);
	return any;
}

/*
 * hosted_fs_stop - before a fork: return once no other thread of the
 * process runs program code, and none will until hosted_fs_release.
 * Program signals stay blocked in the caller until then: a handler run
 * inside the fork would write memory after the copy, and its program
 * code would wait on the very stop this thread holds.  Returns the mask
 * to give back to hosted_fs_release.  Context: the forking thread, in
 * the LWK, no LWK lock held.
 */
irqflags_t hosted_fs_stop(void)
{
	struct hosted_thread *self = (struct hosted_thread *)plat_current();
	static u32 warned;
	irqflags_t irq;
	u64 start;
	u32 gen;
	s32 n;

	irq = plat_irq_save();
	/* One fork at a time: another forker's release must not free ours. */
	for (;;) {
		u32 free = 0;

		if (__atomic_compare_exchange_n(&stop_word, &free, 1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			break;
		linux_call4(NR_futex, &stop_word, FUTEX_WAIT_PRIVATE, 1, NULL);
	}
	gen = ++stop_gen;
	start = plat_now_ns();
	while ((n = __atomic_load_n(&running, __ATOMIC_SEQ_CST)) > 0 &&
	       nudge(self, gen)) {
		struct k_timespec slice = { 0, STOP_SLICE_NS };

		if (plat_now_ns() - start >= STOP_WAIT_NS) {
			if (!warned++)
				pr_warn("hosted", "fork: a thread did not stop within 2 s (stopped by a tracer?); the child may see its memory as it was a moment later");
			break;
		}
		linux_call4(NR_futex, &running, FUTEX_WAIT_PRIVATE, n, &slice);
	}
	return irq;
}

/*
 * hosted_fs_release - after the clone in the parent, or a fork that
 * failed: let the others go and give this thread back the mask @irq
 * hosted_fs_stop returned.
 */
void hosted_fs_release(irqflags_t irq)
{
	__atomic_store_n(&stop_word, 0, __ATOMIC_SEQ_CST);
	linux_call3(NR_futex, &stop_word, FUTEX_WAKE_PRIVATE, 0x7fffffff);
	plat_irq_restore(irq);
}

/* hosted_fs_fork_child - in a fork child, @ht is the one thread. */
void hosted_fs_fork_child(struct hosted_thread *ht)
{
	spin_init(&list_lock);
	stop_word = 0;
	running = 0;
	threads = NULL;
	hosted_fs_add(ht);
}
