// SPDX-License-Identifier: MIT
/*
 * Local futexes.  Private futex operations (FUTEX_PRIVATE_FLAG: what glibc
 * uses for mutexes, condition variables, barriers and semaphores of one
 * process, and what libgomp uses) are served here: the waiter queues in an
 * LWK hash table, spins for a while (--futex-spin), then blocks in Linux
 * on a word of its own.  A wake that finds the waiter still spinning costs
 * no Linux call at all.
 *
 * Shared futexes (they may link processes, and Linux's own thread-exit
 * wake of CLONE_CHILD_CLEARTID is one) and the priority-inheritance
 * operations stay with Linux, which serves them correctly across processes.
 */
#include "sched.h"
#include "../sys.h"
#include "../errno.h"
#include "../kmsg.h"
#include "../lib/lib.h"
#include "../lib/lock.h"
#include "../arch/x86_64/unistd.h"

#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY	0xffffffffU

#define FUTEX_WAITERS		0x80000000U
#define FUTEX_OWNER_DIED	0x40000000U
#define FUTEX_TID_MASK		0x3fffffffU

#define CLOCK_REALTIME		0
#define NR_BUCKETS		256
#define SPIN_CLOCK_ROUNDS	16	/* pause rounds between clock reads */
#define LOCK_SPINS		1000	/* pause rounds before a bucket lock yields */
#define ROBUST_LIST_LIMIT	2048

/*
 * A waiter's state: WAITING (queued, spinning), SLEEPING (blocked or about
 * to block in Linux on this word), WOKEN (dequeued by a waker).  One word,
 * changed atomically, so a waker that makes it WOKEN learns in the same
 * step whether the waiter sleeps and needs a Linux wake.
 */
enum { W_WAITING, W_SLEEPING, W_WOKEN };

/* A thread waiting on a futex; lives on the waiter's LWK stack. */
struct futex_waiter {
	struct futex_waiter *next;
	u64 key;			/* the futex address */
	u32 bitset;
	u32 state;			/* W_*: WOKEN once a waker dequeues it */
	struct futex_bucket *bucket;	/* where it is queued (requeue moves it) */
};

/* One hash chain; `lock` protects `head` and every waiter on it. */
struct futex_bucket {
	spinlock_t lock;
	struct futex_waiter *head;
};

static struct futex_bucket buckets[NR_BUCKETS];

static struct futex_bucket *bucket_of(u64 key)
{
	return &buckets[(key >> 2) * 0x9e3779b97f4a7c15ULL >> 56];
}

/*
 * Take a bucket lock.  Its holder makes Linux calls (reading the word,
 * waking a sleeper) and may be preempted there; on a core it shares with
 * the holder a waiter would spin out its whole time slice, so after a
 * short spin it yields the core.
 */
static void bucket_lock(struct futex_bucket *b)
{
	u32 n = 0;

	while (!spin_trylock(&b->lock)) {
		if (++n < LOCK_SPINS)
			__builtin_ia32_pause();
		else
			linux_call0(NR_sched_yield);
	}
}

/* Lock two buckets in address order (the same one once). */
static void lock_pair(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a > b) {
		struct futex_bucket *tmp = a;

		a = b;
		b = tmp;
	}
	bucket_lock(a);
	if (b != a)
		bucket_lock(b);
}

static void unlock_pair(struct futex_bucket *a, struct futex_bucket *b)
{
	spin_unlock(&a->lock);
	if (b != a)
		spin_unlock(&b->lock);
}

static void unlink_waiter(struct futex_bucket *b, struct futex_waiter *w)
{
	struct futex_waiter **pp;

	for (pp = &b->head; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

/*
 * Mark a dequeued waiter woken; wake it in Linux if it went to sleep.  The
 * waiter may return as soon as it sees WOKEN, so its state is read in the
 * same atomic step: reading it before would miss a waiter that goes to
 * sleep in between, and after, read a stack frame that may be gone.
 */
static void wake_waiter(struct futex_waiter *w)
{
	if (__atomic_exchange_n(&w->state, W_WOKEN, __ATOMIC_ACQ_REL) ==
	    W_SLEEPING)
		linux_call3(NR_futex, &w->state,
			    FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1);
}

/* Read a futex word: -EFAULT for a bad address, never a fault. */
static int get_word(u64 uaddr, u32 *val)
{
	if (uaddr & 3)
		return -EINVAL;
	if (plat_copy_from_user(val, (void *)uaddr, sizeof(*val)))
		return -EFAULT;
	*val = __atomic_load_n((u32 *)uaddr, __ATOMIC_SEQ_CST);
	return 0;
}

static s64 ts_to_ns(const struct k_timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static s64 clock_ns(int clock)
{
	struct k_timespec ts;

	linux_call2(NR_clock_gettime, clock, &ts);
	return ts_to_ns(&ts);
}

/* Lock the bucket a waiter is queued on (requeue may move it). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
	struct futex_bucket *b;

	for (;;) {
		b = READ_ONCE(w->bucket);
		bucket_lock(b);
		if (b == READ_ONCE(w->bucket))
			return b;
		spin_unlock(&b->lock);
	}
}

/*
 * After an interrupted sleep that must restart: 0 if a waker got there
 * first, -EAGAIN (dequeued) if the word changed, -EINTR to sleep again.
 */
static long restart_check(struct futex_waiter *w, u32 val)
{
	irqflags_t irq = plat_irq_save();
	struct futex_bucket *b = lock_waiter_bucket(w);
	long ret = -EINTR;
	u32 cur;

	if (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) == W_WOKEN) {
		ret = 0;
	} else if (get_word(w->key, &cur) || cur != val) {
		unlink_waiter(b, w);
		ret = -EAGAIN;
	}
	spin_unlock(&b->lock);
	plat_irq_restore(irq);
	return ret;
}

/*
 * Whether another LWK thread shares the caller's core: then whoever will
 * wake it may need this very core to run, and busy-waiting would keep it
 * off.
 */
static bool core_shared(const struct lwk_thread *t)
{
	return t->cpu >= 0 && t->cpu < TANDEM_MAX_CPUS &&
	       READ_ONCE(lwk_proc.inst->core_threads[t->cpu]) > 1;
}

/*
 * Busy-wait for a wake up to --futex-spin ns, and never past the wait's
 * own deadline (on clock); true if woken.  On a core shared with other
 * LWK threads the wait yields the core instead of spinning on it, so a
 * waker queued behind it runs at once; sched_yield returns at once when
 * nothing else is runnable there.  The clock is read every few rounds
 * only: it costs a Linux call.
 */
static bool spin_wait(struct lwk_thread *t, struct futex_waiter *w,
		      const struct k_timespec *deadline, int clock)
{
	s64 now, until = lwk_proc.cfg.futex_spin_ns;
	bool yield;
	u32 round;

	if (!until)
		return false;
	now = clock_ns(CLOCK_MONOTONIC);
	until += now;
	if (deadline) {
		s64 left = ts_to_ns(deadline) -
			   (clock == CLOCK_MONOTONIC ? now : clock_ns(clock));

		if (left <= 0)
			return false;
		until = MIN(until, now + left);
	}
	yield = core_shared(t);
	for (round = 1;; round++) {
		if (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) == W_WOKEN)
			return true;
		if (yield)
			linux_call0(NR_sched_yield);
		else
			__builtin_ia32_pause();
		if ((yield || !(round % SPIN_CLOCK_ROUNDS)) &&
		    clock_ns(CLOCK_MONOTONIC) >= until)
			return false;
	}
}

static long futex_wait(struct lwk_thread *t, u64 uaddr, u32 val,
		       const struct k_timespec *utmo, u32 bitset, int op)
{
	int clock = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	struct futex_waiter w = { .key = uaddr, .bitset = bitset };
	struct k_timespec deadline, tmo;
	bool timed = utmo != NULL;
	struct futex_bucket *b;
	irqflags_t irq;
	long ret;
	u32 cur;
	int err;

	if (!bitset)
		return -EINVAL;
	if (timed) {
		if (plat_copy_from_user(&tmo, utmo, sizeof(tmo)))
			return -EFAULT;
		if (tmo.tv_sec < 0 || (u64)tmo.tv_nsec >= 1000000000ULL)
			return -EINVAL;
		/* FUTEX_WAIT's timeout is relative; the others absolute. */
		if ((op & FUTEX_CMD_MASK) == FUTEX_WAIT) {
			s64 end = clock_ns(CLOCK_MONOTONIC) + ts_to_ns(&tmo);

			clock = CLOCK_MONOTONIC;
			deadline.tv_sec = end / 1000000000LL;
			deadline.tv_nsec = end % 1000000000LL;
		} else {
			deadline = tmo;
		}
	}

	/*
	 * Queue first, then read the word: a waker that changed the word
	 * and then found the bucket empty (futex_wake) is then sure this
	 * waiter saw the change.
	 */
	irq = plat_irq_save();
	b = bucket_of(uaddr);
	bucket_lock(b);
	w.bucket = b;
	w.next = b->head;
	WRITE_ONCE(b->head, &w);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	err = get_word(uaddr, &cur);
	if (err || cur != val) {
		unlink_waiter(b, &w);
		spin_unlock(&b->lock);
		plat_irq_restore(irq);
		return err ? err : -EAGAIN;
	}
	spin_unlock(&b->lock);
	plat_irq_restore(irq);

	if (spin_wait(t, &w, timed ? &deadline : NULL, clock))
		return 0;

	cur = W_WAITING;
	if (!__atomic_compare_exchange_n(&w.state, &cur, W_SLEEPING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 0;
	for (;;) {
		if (__atomic_load_n(&w.state, __ATOMIC_ACQUIRE) == W_WOKEN)
			return 0;
		ret = plat_block_on(t, &w.state,
				    FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG |
				    (clock == CLOCK_REALTIME ?
				     FUTEX_CLOCK_REALTIME : 0),
				    W_SLEEPING, timed ? &deadline : NULL);
		if (ret == -ETIMEDOUT)
			break;
		if (ret != -EINTR)
			continue;
		/*
		 * Linux restarts an untimed wait for an SA_RESTART handler,
		 * checking the word again; a timed one ends with EINTR.
		 */
		if (!t->block_restart || timed)
			break;
		ret = restart_check(&w, val);
		if (ret != -EINTR)
			return ret;
	}

	/* Timed out or interrupted, unless a waker got there first. */
	irq = plat_irq_save();
	b = lock_waiter_bucket(&w);
	if (__atomic_load_n(&w.state, __ATOMIC_ACQUIRE) == W_WOKEN)
		ret = 0;
	else
		unlink_waiter(b, &w);
	spin_unlock(&b->lock);
	plat_irq_restore(irq);
	return ret;
}

/* Wake up to nr waiters on key matching bitset; bucket b is locked. */
static int __wake(struct futex_bucket *b, u64 key, int nr, u32 bitset)
{
	struct futex_waiter **pp = &b->head, *w;
	int woken = 0;

	while ((w = *pp) && woken < nr) {
		if (w->key != key || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		wake_waiter(w);
		woken++;
	}
	return woken;
}

/* Like Linux, a wake for zero or fewer waiters still wakes one. */
static long futex_wake(u64 uaddr, int nr, u32 bitset)
{
	struct futex_bucket *b = bucket_of(uaddr);
	irqflags_t irq;
	int woken;

	if (!bitset)
		return -EINVAL;
	if (uaddr & 3)
		return -EINVAL;
	/*
	 * Nobody queued: nothing to wake, and no need to block signals
	 * and lock.  The fence pairs with futex_wait's: the program's change
	 * of the word is visible before the bucket is read, so a waiter
	 * not seen here sees that change and does not sleep.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!READ_ONCE(b->head))
		return 0;
	irq = plat_irq_save();
	bucket_lock(b);
	woken = __wake(b, uaddr, MAX(nr, 1), bitset);
	spin_unlock(&b->lock);
	plat_irq_restore(irq);
	return woken;
}

static long futex_requeue(u64 uaddr, int nr_wake, int nr_requeue, u64 uaddr2,
			  bool cmp, u32 val3)
{
	struct futex_bucket *b1 = bucket_of(uaddr), *b2 = bucket_of(uaddr2);
	struct futex_waiter **pp, *w;
	int woken, moved = 0;
	irqflags_t irq;
	u32 cur;
	int err;

	if (nr_wake < 0 || nr_requeue < 0 || (uaddr2 & 3))
		return -EINVAL;
	irq = plat_irq_save();
	lock_pair(b1, b2);
	if (cmp) {
		err = get_word(uaddr, &cur);
		if (err || cur != val3) {
			unlock_pair(b1, b2);
			plat_irq_restore(irq);
			return err ? err : -EAGAIN;
		}
	}
	woken = __wake(b1, uaddr, nr_wake, FUTEX_BITSET_ANY);
	pp = &b1->head;
	while ((w = *pp) && moved < nr_requeue) {
		if (w->key != uaddr) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->key = uaddr2;
		w->next = b2->head;
		b2->head = w;
		WRITE_ONCE(w->bucket, b2);
		moved++;
	}
	unlock_pair(b1, b2);
	plat_irq_restore(irq);
	return woken + moved;
}

/* FUTEX_WAKE_OP: the atomic operation on uaddr2 and its comparison. */
static int wake_op_apply(u64 uaddr2, u32 encoded, int *result)
{
	u32 op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	u32 oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
	u32 *p = (u32 *)uaddr2, old, dummy;

	if (encoded & (8U << 28))
		oparg = 1U << (oparg & 31);
	if (plat_copy_from_user(&dummy, p, sizeof(dummy)))
		return -EFAULT;
	switch (op) {
	case 0:
		old = __atomic_exchange_n(p, oparg, __ATOMIC_SEQ_CST);
		break;
	case 1:
		old = __atomic_fetch_add(p, oparg, __ATOMIC_SEQ_CST);
		break;
	case 2:
		old = __atomic_fetch_or(p, oparg, __ATOMIC_SEQ_CST);
		break;
	case 3:
		old = __atomic_fetch_and(p, ~oparg, __ATOMIC_SEQ_CST);
		break;
	case 4:
		old = __atomic_fetch_xor(p, oparg, __ATOMIC_SEQ_CST);
		break;
	default:
		return -ENOSYS;
	}
	switch (cmp) {
	case 0:
		*result = old == cmparg;
		break;
	case 1:
		*result = old != cmparg;
		break;
	case 2:
		*result = (s32)old < (s32)cmparg;
		break;
	case 3:
		*result = (s32)old <= (s32)cmparg;
		break;
	case 4:
		*result = (s32)old > (s32)cmparg;
		break;
	case 5:
		*result = (s32)old >= (s32)cmparg;
		break;
	default:
		return -ENOSYS;
	}
	return 0;
}

static long futex_wake_op(u64 uaddr, int nr, u64 uaddr2, int nr2, u32 op)
{
	struct futex_bucket *b1 = bucket_of(uaddr), *b2 = bucket_of(uaddr2);
	irqflags_t irq;
	int woken, cond, err;

	if ((uaddr & 3) || (uaddr2 & 3))
		return -EINVAL;
	irq = plat_irq_save();
	lock_pair(b1, b2);
	err = wake_op_apply(uaddr2, op, &cond);
	if (err) {
		unlock_pair(b1, b2);
		plat_irq_restore(irq);
		return err;
	}
	woken = __wake(b1, uaddr, MAX(nr, 1), FUTEX_BITSET_ANY);
	if (cond)
		woken += __wake(b2, uaddr2, MAX(nr2, 1), FUTEX_BITSET_ANY);
	unlock_pair(b1, b2);
	plat_irq_restore(irq);
	return woken;
}

SYSCALL(futex)
{
	u64 uaddr = a[0];
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
	u32 val = (u32)a[2];

	if (!(op & FUTEX_PRIVATE_FLAG))
		return linux_call6(NR_futex, a[0], a[1], a[2], a[3], a[4], a[5]);
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;

	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(t, uaddr, val, (void *)a[3], FUTEX_BITSET_ANY,
				  op);
	case FUTEX_WAIT_BITSET:
		return futex_wait(t, uaddr, val, (void *)a[3], (u32)a[5], op);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val, FUTEX_BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, (int)val, (u32)a[5]);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, (int)val, (int)a[3], a[4], false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, (int)val, (int)a[3], a[4], true,
				     (u32)a[5]);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, (int)val, a[4], (int)a[3], (u32)a[5]);
	}
	/* The priority-inheritance family: Linux's, with the same tids. */
	return linux_call6(NR_futex, a[0], a[1], a[2], a[3], a[4], a[5]);
}

SYSCALL(set_robust_list)
{
	long err;

	if (a[1] != 24)
		return -EINVAL;
	err = linux_call2(NR_set_robust_list, a[0], a[1]);
	if (!err)
		t->robust_list = a[0];
	return err;
}

/*
 * A dying thread's robust mutexes: mark each one it holds OWNER_DIED and
 * wake a waiter, locally and in Linux (waiters may use either), as Linux
 * does for the futexes it serves.
 */
static void robust_release(struct lwk_thread *t)
{
	struct {
		u64 next;
		s64 futex_offset;
		u64 pending;
	} head;
	u64 entry;
	int n = 0;

	if (!t->robust_list ||
	    plat_copy_from_user(&head, (void *)t->robust_list, sizeof(head)))
		return;
	for (entry = head.next; entry && entry != t->robust_list &&
	     n < ROBUST_LIST_LIMIT; n++) {
		u64 uaddr = entry + head.futex_offset;
		u32 word;

		if (get_word(uaddr, &word) == 0 &&
		    (word & FUTEX_TID_MASK) == (u32)t->tid) {
			u32 nw = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;

			if (__atomic_compare_exchange_n((u32 *)uaddr, &word, nw,
							false, __ATOMIC_SEQ_CST,
							__ATOMIC_SEQ_CST) &&
			    (nw & FUTEX_WAITERS)) {
				futex_wake(uaddr, 1, FUTEX_BITSET_ANY);
				linux_call3(NR_futex, uaddr, FUTEX_WAKE, 1);
			}
		}
		if (plat_copy_from_user(&entry, (void *)entry, sizeof(entry)))
			break;
	}
}

/*
 * futex_thread_exit - what Linux does for a thread's futexes when it
 * exits: release its robust mutexes, then zero its clear_child_tid word
 * (CLONE_CHILD_CLEARTID, set_tid_address) and wake one waiter on it, in
 * the LWK and in Linux, which is what pthread_join waits for.  The LWK
 * does it rather than Linux so that the platform may reuse the thread's
 * LWK memory as soon as Linux is done with the thread.  Context: the
 * exiting thread, which touches no program memory afterwards.
 */
void futex_thread_exit(struct lwk_thread *t)
{
	u32 zero = 0;

	robust_release(t);
	if (t->clear_tid &&
	    !plat_copy_to_user((void *)t->clear_tid, &zero, sizeof(zero))) {
		futex_wake(t->clear_tid, 1, FUTEX_BITSET_ANY);
		linux_call3(NR_futex, t->clear_tid, FUTEX_WAKE, 1);
	}
	t->clear_tid = 0;
}

/* A fork child has one thread: waiters copied from the parent are not. */
void futex_after_fork(void)
{
	int i;

	for (i = 0; i < NR_BUCKETS; i++) {
		spin_init(&buckets[i].lock);
		buckets[i].head = NULL;
	}
}
