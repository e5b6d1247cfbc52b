// SPDX-License-Identifier: MIT
/*
 * The pool: the page frames behind every program's anonymous memory, and
 * who holds them.  The state (include/uapi/tandem.h struct
 * tandem_pool_state, one buddy allocator per page size) lives in the run's
 * instance descriptor and is mapped by every process of the run; the
 * frames themselves are the platform's (plat_pool_*).
 *
 * Rules kept here (docs/memory.md):
 * - a frame handed out is zero and exists (a populated mapping of it takes
 *   no fault): an allocator only has frames that were made to exist (it
 *   grows as the run needs more, ahead of demand in the helper thread, else
 *   on the program's path), so freed frames are used again before new ones
 *   are made; freed frames are dirty until zeroed, by the helper or, when
 *   nothing clean is left, on the allocating program's path;
 * - every frame has an owner slot, so what a process held is taken back
 *   when it is reaped or when its pid boots a new image;
 * - the run's --mem caps the bytes in use over all pools (ENOMEM, never a
 *   fault later);
 * - on a booted instance, programs started separately share one state
 *   (the first to boot makes it, under a record lock on the instance
 *   file); the frames of a process that died with no LWK parent to reap
 *   it are taken back by a short-lived LWK image the daemon starts
 *   (pool_reap_gone).
 *
 * Lock order: the owner table's lock, then an allocator's lock.  Neither
 * is held across anything that blocks.
 */
#include "pool.h"
#include "buddy.h"
#include "shlock.h"
#include "../errno.h"
#include "../kmsg.h"
#include "../region.h"
#include "../lib/lib.h"
#include "../arch/x86_64/abi.h"
#include "../arch/x86_64/unistd.h"

_Static_assert(BUDDY_MAX_OWNERS == TANDEM_POOL_OWNERS,
	       "the buddy's owners are the pool's owner slots");

#define MIB			(1ULL << 20)
#define HELPER_START_USED	(32 * MIB)	/* start the helper above this */
#define HELPER_START_DIRTY	(8 * MIB)	/* ... or with this much to zero */
/* Pre-faulted ahead of use: a quarter of the pool in use, within these. */
#define MARGIN_MIN		(16 * MIB)
#define MARGIN_MAX		(1024 * MIB)
#define ZERO_STEP_ORDER		11	/* the helper zeroes 8 MiB at a time */
#define GROW_STEP		(8 * MIB)	/* and makes 8 MiB exist at a time */
#define SYNC_ZERO_MIN_ORDER	4	/* a program path zeroes >= 64 KiB */
/* Waiting for frames another thread zeroes: yield, then sleep, then stop. */
#define ZEROING_YIELDS		16
#define ZEROING_WAITS		2000
#define ZEROING_SLEEP_NS	(1000 * 1000)

const unsigned int pool_shift[TANDEM_NR_POOLS] = { 12, 21, 30 };

/*
 * This process's view of the pool.  Set at boot; in_pool and dying are
 * atomics.
 */
static struct {
	struct tandem_pool_state *st;
	struct buddy *b[TANDEM_NR_POOLS];	/* NULL: absent here */
	int slot;				/* this process's owner slot */
	int pid;				/* the process that owns it */
	u32 fork_gen;		/* gen of the fork child's slot (mm lock) */
	u32 in_pool;		/* threads inside an allocator call */
	u32 dying;		/* exit or execve coming: park newcomers */
} pool = { .slot = -1 };

static struct tandem_instance *inst(void)
{
	return lwk_proc.inst;
}

/*
 * Bracket every allocator call: a process about to exit or exec waits for
 * the calls in flight and parks any new one (until a failed execve lets
 * them go), so Linux never kills a thread holding a lock other processes
 * of the run need.
 */
static void enter(void)
{
	for (;;) {
		__atomic_add_fetch(&pool.in_pool, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&pool.dying, __ATOMIC_SEQ_CST))
			return;
		__atomic_sub_fetch(&pool.in_pool, 1, __ATOMIC_SEQ_CST);
		linux_call4(NR_futex, &pool.dying, FUTEX_WAIT_PRIVATE, 1, NULL);
	}
}

/* Park new allocator calls and wait for those in flight. */
static void quiesce(void)
{
	__atomic_store_n(&pool.dying, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&pool.in_pool, __ATOMIC_SEQ_CST))
		linux_call0(NR_sched_yield);
}

static void leave(void)
{
	__atomic_sub_fetch(&pool.in_pool, 1, __ATOMIC_SEQ_CST);
}

bool pool_usable(int id)
{
	return pool.b[id] && !READ_ONCE(pool.st->pool[id].broken);
}

int pool_self(void)
{
	return pool.slot;
}

/* ---- accounting --------------------------------------------------------- */

static bool charge(u64 bytes)
{
	struct tandem_instance *in = inst();
	unsigned long long cur, peak;

	cur = __atomic_load_n(&in->mem_used, __ATOMIC_RELAXED);

	do {
		if (cur + bytes > in->mem_limit)
			return false;
	} while (!__atomic_compare_exchange_n(&in->mem_used, &cur, cur + bytes,
					      true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	cur += bytes;
	peak = __atomic_load_n(&in->mem_peak, __ATOMIC_RELAXED);
	while (cur > peak &&
	       !__atomic_compare_exchange_n(&in->mem_peak, &peak, cur, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return true;
}

bool pool_may_fit(u64 bytes)
{
	const struct tandem_instance *in = inst();

	return bytes <= in->mem_limit - MIN(READ_ONCE(in->mem_used),
					     in->mem_limit);
}

static void uncharge(u64 bytes)
{
	__atomic_fetch_sub(&inst()->mem_used, bytes, __ATOMIC_RELAXED);
}

/* Note @delta bytes more (or fewer) charged for an allocation under way. */
static void inflight(u64 delta)
{
	if (pool.slot > 0)
		__atomic_fetch_add(&pool.st->owner[pool.slot].inflight, delta,
				   __ATOMIC_SEQ_CST);
}

/* ---- figures for tandem status ----------------------------------------- */

/* Publish what this process holds in every pool, in its owner slot. */
static void publish_mine(void)
{
	u64 bytes = 0;
	int id;

	if (pool.slot <= 0)
		return;
	enter();
	for (id = 0; id < TANDEM_NR_POOLS; id++)
		if (pool.b[id])
			bytes += buddy_owner_pages(pool.b[id],
						   (unsigned int)pool.slot)
				 << pool_shift[id];
	leave();
	WRITE_ONCE(pool.st->owner[pool.slot].bytes, bytes);
}

/* Publish pool @id's figures in the instance page (a snapshot). */
static void publish(int id)
{
	struct tandem_pool_figures *f = &inst()->pool_fig[id];
	struct buddy_stats bs;

	if (!pool.b[id])
		return;
	enter();
	buddy_stats(pool.b[id], &bs);
	leave();
	WRITE_ONCE(f->frames, bs.total);
	WRITE_ONCE(f->grown, bs.grown);
	WRITE_ONCE(f->free_clean, bs.free_clean);
	WRITE_ONCE(f->free_dirty, bs.dirty + bs.zeroing);
	WRITE_ONCE(f->allocated, bs.allocated);
	WRITE_ONCE(f->frag_permille, bs.frag_permille);
	WRITE_ONCE(f->largest_free_order, bs.largest_free_order);
	publish_mine();
}

/* ---- frames: zeroing and making them exist ------------------------------ */

static void zero_frames(int id, u64 pfn, u64 n, bool background)
{
	plat_pool_zero(id, pfn, n, background);
}

void pool_zero(int id, u64 pfn, u64 n)
{
	zero_frames(id, pfn, n, false);
}

void pool_copy(int dst_id, u64 dst_pfn, int src_id, u64 src_pfn, u64 bytes)
{
	memcpy(plat_pool_frame(dst_id, dst_pfn),
	       plat_pool_frame(src_id, src_pfn), bytes);
}

/* Frames of pool @id the allocator has, free (clean, dirty or zeroing). */
static u64 free_frames(int id)
{
	struct buddy *b = pool.b[id];

	return READ_ONCE(b->nr_clean) + READ_ONCE(b->nr_dirty) +
	       READ_ONCE(b->nr_zeroing);
}

/*
 * The helper holds a pool lock only at normal priority.  Once its process
 * is about to exit or exec, which raised it and waits for it, it stays
 * raised.
 */
static void helper_locked(bool on)
{
	if (!on && __atomic_load_n(&pool.dying, __ATOMIC_SEQ_CST))
		return;
	plat_helper_boost(0, on);
}

/* Take grow lock @w; a holder that died holding it is said once. */
static void grow_lock(u32 *w)
{
	int dead = shlock_lock(w);

	if (dead)
		pr_warn("pool", "thread %d died holding the grow lock: taken over",
			dead);
}

/*
 * Make at least @n more frames of pool @id exist and give them to its
 * allocator (in whole chunks, up to its room).  Growers take turns
 * (grow_lock, a shlock, which the helper holds only at normal priority):
 * what lies beyond the allocator's end is no one's, so it may be written
 * to; a handed-in pool file may hold an earlier program's bytes there, so
 * growing it also zeroes.  Returns 0, or -ENOMEM when the room is used up
 * or the machine cannot supply the frames.
 */
static int grow(int id, u64 n, bool background)
{
	struct tandem_pool_desc *d = &pool.st->pool[id];
	struct buddy *b = pool.b[id];
	u64 from, to;
	int err = 0;

	if (background)
		helper_locked(true);
	/* In the pool while holding the lock: an exit or exec waits for it. */
	enter();
	grow_lock(&d->grow_lock);
	from = READ_ONCE(b->grown);
	to = MIN(ALIGN_UP(from + n, d->chunk_frames), b->npages);
	if (to <= from)
		err = -ENOMEM;
	if (!err)
		err = plat_pool_prefault(id, from, to - from, background);
	if (!err && READ_ONCE(d->zero_on_grow))
		zero_frames(id, from, to - from, background);
	if (!err) {
		buddy_grow(b, to);
		__atomic_fetch_add(background ? &inst()->prefault_helper :
				   &inst()->prefault_sync,
				   (to - from) << pool_shift[id],
				   __ATOMIC_RELAXED);
		if (!background)
			__atomic_fetch_add(&pool.st->grow_demand, 1,
					   __ATOMIC_RELAXED);
	}
	shlock_unlock(&d->grow_lock);
	leave();
	if (background)
		helper_locked(false);
	publish(id);
	if (err && to > from && id != TANDEM_POOL_4K &&
	    !READ_ONCE(d->broken)) {
		WRITE_ONCE(d->broken, 1);
		pr_warn("pool", "no more %u KiB pages from Linux: using smaller pages",
			1U << (pool_shift[id] - 10));
	}
	return err ? -ENOMEM : 0;
}

/*
 * Who zeroes: this process's slot, so a process killed while it zeroes
 * gives the block back dirty when it is reaped; the daemon taking back
 * what ended processes held (pool_reap_gone) has none: slot 0.
 */
static unsigned int zero_owner(void)
{
	return pool.slot > 0 ? (unsigned int)pool.slot : 0;
}

/*
 * Zero one dirty block for an allocation of 2^@want frames, at least
 * 2^SYNC_ZERO_MIN_ORDER of them.  Returns false if nothing is dirty.
 */
static bool zero_for(int id, unsigned int want)
{
	struct buddy *b = pool.b[id];
	unsigned int o, part;
	long pfn;

	pfn = buddy_take_dirty_fit(b, zero_owner(), want, &o);
	if (pfn < 0)
		return false;
	part = MIN(o, MAX(want, (unsigned int)SYNC_ZERO_MIN_ORDER));
	zero_frames(id, (u64)pfn, 1ULL << part, false);
	buddy_put_clean_part(b, (u64)pfn, o, part);
	__atomic_fetch_add(&inst()->zeroed_sync,
			   (1ULL << part) << pool_shift[id], __ATOMIC_RELAXED);
	return true;
}

/*
 * Wait a little for frames another thread is zeroing (round @round of the
 * wait): yield at first, then sleep, so the zeroer (the helper runs at
 * SCHED_IDLE) gets the CPU.  False once waited long enough: the zeroer may
 * have been killed mid-step, and its frames stay taken.
 */
static bool wait_zeroing(unsigned int round)
{
	struct k_timespec ts = { 0, ZEROING_SLEEP_NS };

	if (round >= ZEROING_WAITS)
		return false;
	if (round < ZEROING_YIELDS)
		linux_call0(NR_sched_yield);
	else
		linux_call2(NR_nanosleep, &ts, NULL);
	return true;
}

long pool_alloc(int id, unsigned int order, unsigned int owner)
{
	struct buddy *b = pool.b[id];
	u64 frames = 1ULL << order, bytes = frames << pool_shift[id];
	unsigned int waits = 0;
	bool grew = false, zeroed;
	long pfn;

	if (!pool_usable(id) || order > BUDDY_MAX_ORDER)
		return -ENOMEM;

	/*
	 * Charged only around the attempt itself, and the charge is noted in
	 * this process's slot meanwhile: a process killed there leaves it
	 * for its reaper to give back, and one killed while it zeroes or
	 * waits for frames holds none.
	 */
	for (;;) {
		if (!charge(bytes))
			return -ENOMEM;
		inflight(bytes);
		enter();
		pfn = buddy_alloc_owned(b, order, owner);
		inflight(-bytes);
		if (pfn < 0)
			uncharge(bytes);
		/* Only dirty frames would do: zero some here. */
		zeroed = pfn == -EAGAIN && zero_for(id, order);
		leave();
		if (pfn != -EAGAIN && pfn != -ENOMEM)
			break;
		if (zeroed)
			continue;
		/*
		 * Only frames being zeroed would do: wait for them a while,
		 * then make new ones instead (or give up).
		 */
		if (pfn == -EAGAIN && wait_zeroing(waits++))
			continue;
		if (pfn == -EAGAIN) {
			if (grow(id, frames, false))
				break;
			grew = true;
			waits = 0;
			continue;
		}
		/*
		 * Not enough free frames: make more exist, unless enough are
		 * free but not in one piece (the caller then asks for less).
		 */
		if (free_frames(id) >= frames ||
		    grow(id, frames - free_frames(id), false))
			break;
		grew = true;
	}
	if (grew)
		pool_kick();
	if (pfn < 0)
		return -ENOMEM;
	__atomic_fetch_or(&inst()->page_sizes_used, 1ULL << pool_shift[id],
			  __ATOMIC_RELAXED);
	publish(id);
	return pfn;
}

void pool_free(int id, u64 pfn, u64 n)
{
	int err;

	enter();
	err = buddy_free_range(pool.b[id], pfn, n);
	leave();
	if (err) {
		pr_err("pool", "freeing frames %llu+%llu of pool %d: not allocated",
		       (unsigned long long)pfn, (unsigned long long)n, id);
		return;
	}
	uncharge(n << pool_shift[id]);
	publish(id);
	pool_kick();
}

/* ---- owner slots ---------------------------------------------------------- */

/* Free everything @slot holds in every pool; owner table locked. */
static void free_owned(int slot)
{
	int id;
	u64 n;

	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (!pool.b[id])
			continue;
		n = buddy_free_owner(pool.b[id], (unsigned int)slot);
		uncharge(n << pool_shift[id]);
		if (n)
			publish(id);
	}
}

/* One user less for shared owner @obj; owner table locked. */
static void __shared_drop(int obj)
{
	struct tandem_pool_owner *o = &pool.st->owner[obj];

	if (o->kind != TANDEM_OWNER_SHARED || !o->users)
		return;
	if (--o->users)
		return;
	free_owned(obj);
	o->kind = TANDEM_OWNER_FREE;
}

/* Take back all a process slot held; owner table locked. */
static void __reclaim(int slot)
{
	struct tandem_pool_owner *o = &pool.st->owner[slot];
	int w, bit;

	free_owned(slot);
	/* It died with a charge for an allocation under way: give it back. */
	uncharge(__atomic_exchange_n(&o->inflight, 0, __ATOMIC_SEQ_CST));
	for (w = 0; w < TANDEM_POOL_OWNERS / 64; w++) {
		while (o->shared[w]) {
			bit = __builtin_ctzll(o->shared[w]);
			o->shared[w] &= o->shared[w] - 1;
			__shared_drop(w * 64 + bit);
		}
	}
	o->kind = TANDEM_OWNER_FREE;
	o->pid = 0;
}

static int __slot_get(unsigned int kind)
{
	struct tandem_pool_owner *o;
	unsigned int gen;
	int i;

	/* Slot 0 stays unused: it is the buddy's anonymous owner. */
	for (i = 1; i < TANDEM_POOL_OWNERS; i++) {
		o = &pool.st->owner[i];
		if (o->kind != TANDEM_OWNER_FREE)
			continue;
		gen = o->gen + 1;
		memset(o, 0, sizeof(*o));
		o->kind = kind;
		o->gen = gen;
		return i;
	}
	return -ENOMEM;
}

/* Reclaim every process slot of @pid other than @keep; locked. */
static void __reclaim_pid(int pid, int keep)
{
	int i;

	for (i = 1; i < TANDEM_POOL_OWNERS; i++) {
		struct tandem_pool_owner *o = &pool.st->owner[i];

		if (i != keep && o->kind == TANDEM_OWNER_PROCESS &&
		    o->pid == pid)
			__reclaim(i);
	}
}

/*
 * The owner table's lock is a shlock: a process killed while it holds it
 * (a fork child SIGKILLed as it claims its slot, a joined program killed
 * with kill -9) must not stop the run's other processes for good.  What
 * it guards is redone by the next holder: a claim by the parent after the
 * clone, a reclaim by the reaper.
 */
static void owners_lock(irqflags_t *irq)
{
	int dead;

	*irq = plat_irq_save();
	enter();
	dead = shlock_lock(&pool.st->lock);
	if (dead)
		pr_warn("pool", "thread %d died holding the owner table: taken over",
			dead);
}

static void owners_unlock(irqflags_t irq)
{
	shlock_unlock(&pool.st->lock);
	leave();
	plat_irq_restore(irq);
}

int pool_shared_new(void)
{
	irqflags_t irq;
	int obj;

	owners_lock(&irq);
	obj = __slot_get(TANDEM_OWNER_SHARED);
	if (obj > 0) {
		pool.st->owner[obj].users = 1;
		pool.st->owner[pool.slot].shared[obj / 64] |= 1ULL << (obj % 64);
	}
	owners_unlock(irq);
	return obj;
}

void pool_shared_put(int obj)
{
	struct tandem_pool_owner *me;
	irqflags_t irq;

	owners_lock(&irq);
	me = &pool.st->owner[pool.slot];
	if (me->shared[obj / 64] & (1ULL << (obj % 64))) {
		me->shared[obj / 64] &= ~(1ULL << (obj % 64));
		__shared_drop(obj);
	}
	owners_unlock(irq);
	pool_kick();
}

int pool_fork_slot(void)
{
	struct tandem_pool_owner *child;
	irqflags_t irq;
	int slot, w, bit;
	u64 bits;

	owners_lock(&irq);
	slot = __slot_get(TANDEM_OWNER_PROCESS);
	if (slot > 0) {
		child = &pool.st->owner[slot];
		pool.fork_gen = child->gen;
		memcpy(child->shared, pool.st->owner[pool.slot].shared,
		       sizeof(child->shared));
		for (w = 0; w < TANDEM_POOL_OWNERS / 64; w++) {
			for (bits = child->shared[w]; bits; bits &= bits - 1) {
				bit = __builtin_ctzll(bits);
				pool.st->owner[w * 64 + bit].users++;
			}
		}
	}
	owners_unlock(irq);
	return slot;
}

/*
 * The fork child @pid's slot gets its pid, from the parent after the clone
 * or from the child first thing, whichever comes first; locked.  The child
 * may have run ahead and execve'd: its new image then freed this slot
 * (which another process may have taken since, as its gen tells) and took
 * one of its own, which must be left alone.
 */
static void __fork_claim(int slot, int pid)
{
	struct tandem_pool_owner *o = &pool.st->owner[slot];

	if (o->kind != TANDEM_OWNER_PROCESS || o->gen != pool.fork_gen)
		return;
	/* A stale slot of a process that died unreaped had this pid. */
	__reclaim_pid(pid, slot);
	o->pid = pid;
}

void pool_fork_done(int slot, long pid)
{
	irqflags_t irq;

	owners_lock(&irq);
	if (pid < 0)
		__reclaim(slot);
	else
		__fork_claim(slot, (int)pid);
	owners_unlock(irq);
	pool_kick();
}

void pool_fork_child(int slot)
{
	irqflags_t irq;

	pool.slot = slot;
	pool.pid = lwk_proc.pid;
	pool.in_pool = 0;
	/* Most often the parent has claimed it already: no lock to hold. */
	if (__atomic_load_n(&pool.st->owner[slot].pid, __ATOMIC_ACQUIRE) ==
	    lwk_proc.pid)
		return;
	owners_lock(&irq);
	__fork_claim(slot, lwk_proc.pid);
	owners_unlock(irq);
}

void pool_reap(int pid)
{
	irqflags_t irq;

	if (!pool.st || pid <= 0)
		return;
	owners_lock(&irq);
	__reclaim_pid(pid, -1);
	if (pool.st->helper_pid == pid)
		pool.st->helper_pid = pool.st->helper_tid = 0;
	owners_unlock(irq);
	pool_kick();
}

/* ---- the helper thread ------------------------------------------------- */

static void futex_wake_helper(void)
{
	struct tandem_pool_state *st = pool.st;

	if (!__atomic_load_n(&st->helper_sleeping, __ATOMIC_SEQ_CST))
		return;
	__atomic_add_fetch(&st->helper_seq, 1, __ATOMIC_SEQ_CST);
	linux_call6(NR_futex, &st->helper_seq, FUTEX_WAKE, 1, 0, 0, 0);
}

/*
 * Zero one step of dirty frames; false if there were none.  The whole
 * step is one allocator call (enter to leave): an exit or exec waits for
 * it, so no frame is left taken for zeroing by a thread that is gone.
 */
static bool helper_zero(void)
{
	unsigned int o, part;
	long pfn;
	int id;

	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (!pool.b[id] || !READ_ONCE(pool.b[id]->nr_dirty))
			continue;
		enter();
		helper_locked(true);
		pfn = buddy_take_dirty(pool.b[id], zero_owner(), &o);
		helper_locked(false);
		if (pfn < 0) {
			leave();
			continue;
		}
		part = id == TANDEM_POOL_4K ? MIN(o, (unsigned int)ZERO_STEP_ORDER) : 0;
		zero_frames(id, (u64)pfn, 1ULL << part, true);
		helper_locked(true);
		buddy_put_clean_part(pool.b[id], (u64)pfn, o, part);
		helper_locked(false);
		leave();
		__atomic_fetch_add(&inst()->zeroed_helper,
				   (1ULL << part) << pool_shift[id],
				   __ATOMIC_RELAXED);
		publish(id);
		return true;
	}
	return false;
}

/*
 * Make frames ahead of demand, a step at a time; false if none are
 * needed.  Only after a program path had to make frames itself (an
 * allocation burst): then up to a quarter of the pool in use (within
 * MARGIN_MIN..MARGIN_MAX) is kept ready, once.  In a compute phase the
 * helper stays idle and takes no memory bandwidth.
 */
static bool helper_grow(void)
{
	static u32 seen_demand;
	u32 demand = READ_ONCE(pool.st->grow_demand);
	u64 margin = READ_ONCE(inst()->mem_used) / 4;
	struct buddy *b;
	int id;

	if (demand == seen_demand)
		return false;
	margin = MIN(MAX(margin, MARGIN_MIN), MARGIN_MAX);
	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (!pool_usable(id))
			continue;
		b = pool.b[id];
		/* A huge-page pool grows ahead only once it is in use. */
		if (id != TANDEM_POOL_4K && !READ_ONCE(b->nr_alloc))
			continue;
		if (READ_ONCE(b->grown) >= b->npages ||
		    free_frames(id) >= MAX(margin >> pool_shift[id], 1ULL))
			continue;
		if (!grow(id, MAX(GROW_STEP >> pool_shift[id], 1ULL), true))
			return true;
	}
	seen_demand = demand;
	return false;
}

static void helper_main(void *arg)
{
	struct tandem_pool_state *st = pool.st;
	struct k_timespec ts = { 1, 0 };
	u32 seq;

	(void)arg;
	for (;;) {
		if (helper_zero() || helper_grow())
			continue;
		seq = __atomic_load_n(&st->helper_seq, __ATOMIC_SEQ_CST);
		__atomic_store_n(&st->helper_sleeping, 1, __ATOMIC_SEQ_CST);
		/* Recheck after announcing the sleep: a waker may have missed it. */
		if (helper_zero() || helper_grow()) {
			__atomic_store_n(&st->helper_sleeping, 0,
					 __ATOMIC_SEQ_CST);
			continue;
		}
		linux_call4(NR_futex, &st->helper_seq, FUTEX_WAIT, seq, &ts);
		__atomic_store_n(&st->helper_sleeping, 0, __ATOMIC_SEQ_CST);
	}
}

/* Is there enough work for a helper, should this process start one? */
static bool helper_wanted(void)
{
	u64 dirty = 0;
	int id;

	if (READ_ONCE(inst()->mem_used) > HELPER_START_USED)
		return true;
	for (id = 0; id < TANDEM_NR_POOLS; id++)
		if (pool.b[id])
			dirty += READ_ONCE(pool.b[id]->nr_dirty) << pool_shift[id];
	return dirty > HELPER_START_DIRTY;
}

void pool_kick(void)
{
	struct tandem_pool_state *st = pool.st;
	int none = 0;
	long tid;

	if (!st || READ_ONCE(pool.dying))
		return;
	if (READ_ONCE(st->helper_pid)) {
		futex_wake_helper();
		return;
	}
	if (!helper_wanted())
		return;
	/* Not from a vfork child: the thread would be the child's. */
	if (linux_call0(NR_getpid) != pool.pid)
		return;
	/* One helper per run: the process that claims the slot starts it. */
	if (!__atomic_compare_exchange_n(&st->helper_pid, &none, lwk_proc.pid,
					 false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return;
	tid = plat_helper_start(helper_main, NULL);
	if (tid < 0) {
		pr_warn("pool", "no helper thread (error %ld): freed memory is zeroed on the program's path",
			-tid);
		return;
	}
	WRITE_ONCE(st->helper_tid, (int)tid);
}

/* Our helper, if this process runs the run's helper; else 0. */
static int own_helper(void)
{
	struct tandem_pool_state *st = pool.st;

	if (!st || READ_ONCE(st->helper_pid) != lwk_proc.pid)
		return 0;
	return READ_ONCE(st->helper_tid);
}

void pool_exit(void)
{
	struct tandem_pool_state *st = pool.st;
	int tid = own_helper();

	/*
	 * A vfork or CLONE_VM child shares this memory (and lwk_proc): its
	 * exit must not stop the parent's pool calls.
	 */
	if (!st || linux_call0(NR_getpid) != pool.pid)
		return;
	/* Exit waits for the helper to die, which takes CPU time. */
	if (tid)
		plat_helper_boost(tid, true);
	quiesce();
	if (tid) {
		WRITE_ONCE(st->helper_tid, 0);
		WRITE_ONCE(st->helper_pid, 0);
	}
}

void pool_exec(bool before)
{
	int tid = own_helper();

	/* As for exit; a vfork child's execve leaves the parent alone. */
	if (!pool.st || linux_call0(NR_getpid) != pool.pid)
		return;
	if (tid)
		plat_helper_boost(tid, before);
	if (before) {
		quiesce();
		return;
	}
	__atomic_store_n(&pool.dying, 0, __ATOMIC_SEQ_CST);
	linux_call3(NR_futex, &pool.dying, FUTEX_WAKE_PRIVATE, 0x7fffffff);
}

/* ---- boot ---------------------------------------------------------------- */

/* MemAvailable from /proc/meminfo, in bytes; 0 if unknown. */
static u64 mem_available(void)
{
	return linux_file_number("/proc/meminfo", "MemAvailable:") << 10;
}

/*
 * The default size of a private pool (no --mem): three quarters of what
 * Linux says is available.  Nothing is taken until used.  Under a limit
 * on the address space (ulimit -v, as batch systems set), a quarter of
 * it: when Linux's hard limit is that low too, the LWK's window over the
 * pool and the program's mappings of its frames both count against it.
 */
static u64 default_pool_bytes(void)
{
	u64 avail = mem_available(), bytes = avail ? avail / 4 * 3 : 1ULL << 30;
	u64 as = lwk_proc.rlim_as.cur;

	if (as != RLIM_INFINITY)
		bytes = MIN(bytes, MAX(as / 4, 16ULL << 20));
	return ALIGN_DOWN(bytes, 2ULL << 20);
}

static u64 map_state(u64 off, u64 size)
{
	u64 p = linux_call6(NR_mmap, 0, size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, lwk_proc.cfg.inst_fd, off);

	if (IS_ERR_VALUE(p))
		return p;
	/* The allocator's state, sized by the pool: no part of a core. */
	linux_call3(NR_madvise, p, size, MADV_DONTDUMP);
	if (lwk_region_add(p, p + ALIGN_UP(size, PAGE_SIZE))) {
		linux_call2(NR_munmap, p, size);
		return (u64)-ENOSPC;
	}
	return p;
}

/* Lay out and initialise the state of a fresh run's pools. */
static int state_create(u64 *frames)
{
	struct tandem_instance *in = inst();
	u64 off, size, bytes, p;
	u32 used;
	struct tandem_pool_state *st;
	struct tandem_pool_desc *d;
	int id, err;

	bytes = lwk_proc.cfg.mem_limit;
	if (!bytes)
		bytes = default_pool_bytes();
	/* Whole chunks, so a fresh pool's small blocks fill one chunk. */
	bytes = MAX(ALIGN_DOWN(bytes, 1ULL << TANDEM_POOL_CHUNK_SHIFT),
		    1ULL << TANDEM_POOL_CHUNK_SHIFT);
	err = plat_pool_setup(true, bytes, lwk_proc.cfg.page_shift_max ?
			      lwk_proc.cfg.page_shift_max : 30, frames, &used);
	if (err)
		return err;

	off = ALIGN_UP(sizeof(*st), PAGE_SIZE);
	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (!frames[id])
			continue;
		off += ALIGN_UP(buddy_meta_size(frames[id]), PAGE_SIZE);
	}
	size = off;
	in->pool_off = ALIGN_UP(sizeof(*in), PAGE_SIZE);
	if (linux_call2(NR_ftruncate, lwk_proc.cfg.inst_fd,
			in->pool_off + size) < 0)
		return -ENOMEM;
	p = map_state(in->pool_off, size);
	if (IS_ERR_VALUE(p))
		return (int)p;

	st = (struct tandem_pool_state *)p;
	st->abi = TANDEM_ABI_VERSION;
	st->size = size;
	off = ALIGN_UP(sizeof(*st), PAGE_SIZE);
	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (!frames[id])
			continue;
		d = &st->pool[id];
		d->page_shift = pool_shift[id];
		d->frames = frames[id];
		d->buddy_off = off;
		off += ALIGN_UP(buddy_meta_size(frames[id]), PAGE_SIZE);
		/* 4 KiB pool: whole chunks, and whole folios of its file. */
		d->chunk_frames = id == TANDEM_POOL_4K ?
			1ULL << (MAX(TANDEM_POOL_CHUNK_SHIFT,
				     plat_pool_folio_shift(id)) - 12) : 1;
		/* A booted instance's daemon may know its file is zero. */
		d->zero_on_grow = (used & (1U << id)) &&
				  !(READ_ONCE(in->pool_clean) & (1U << id));
		/* Empty: frames are made to exist as they are needed. */
		buddy_init_zeroed((struct buddy *)(p + d->buddy_off),
				  frames[id], 0);
	}
	in->mem_limit = bytes;
	pool.st = st;
	/* Last: a process that sees the size finds the state whole. */
	__atomic_store_n(&in->pool_size, size, __ATOMIC_RELEASE);
	return 0;
}

/* Map the run's pool state, made by another process, as pool.st. */
static int state_map(struct tandem_instance *in)
{
	u64 p = map_state(in->pool_off, in->pool_size);

	if (IS_ERR_VALUE(p))
		return (int)p;
	pool.st = (struct tandem_pool_state *)p;
	return pool.st->abi == TANDEM_ABI_VERSION ? 0 : -EINVAL;
}

static int state_attach(u64 *frames)
{
	struct tandem_instance *in = inst();
	u32 used;
	int err;

	if (!in->pool_off || !in->pool_size)
		return -EINVAL;
	err = plat_pool_setup(false, 0, 0, frames, &used);
	if (err)
		return err;
	return state_map(in);
}

/*
 * Hold (@on) or let go of the record lock that makes one process of a
 * booted instance, of those starting at once, the maker of the pool
 * state.  A POSIX lock: per process (every program of the instance got
 * the same open file from the daemon), and let go by Linux if its holder
 * dies.
 */
static void state_lock(bool on)
{
	struct {
		short type, whence;
		s64 start, len;
		int pid, pad;
	} fl = { on ? 1 /* F_WRLCK */ : 2 /* F_UNLCK */, 0, 0, 1, 0, 0 };

	while (linux_call3(NR_fcntl, lwk_proc.cfg.inst_fd,
			   on ? 7 /* F_SETLKW */ : 6 /* F_SETLK */,
			   &fl) == -EINTR)
		;
}

/*
 * pool_boot - give this process the run's pool and an owner slot.
 *
 * The first process of a run creates the pools; any other (a fork child's
 * execve, any image started by execve, another program of a booted
 * instance) attaches to them and, if its pid already holds a slot (the
 * image execve replaced), takes that slot's frames back first.  Returns 0
 * or -errno.
 */
int pool_boot(void)
{
	u64 frames[TANDEM_NR_POOLS];
	bool locked = false, fresh;
	irqflags_t irq;
	int err, id;

	if (!__atomic_load_n(&inst()->pool_size, __ATOMIC_ACQUIRE)) {
		state_lock(true);
		locked = true;
	}
	fresh = !inst()->pool_off;
	err = fresh ? state_create(frames) : state_attach(frames);
	if (locked)
		state_lock(false);
	if (err)
		return err;
	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		struct tandem_pool_desc *d = &pool.st->pool[id];

		/* A pool whose file this process lacks stays unused here. */
		if (!d->page_shift || frames[id] != d->frames)
			continue;
		pool.b[id] = (struct buddy *)((u8 *)pool.st + d->buddy_off);
	}

	owners_lock(&irq);
	__reclaim_pid(lwk_proc.pid, -1);
	if (pool.st->helper_pid == lwk_proc.pid)
		pool.st->helper_pid = pool.st->helper_tid = 0;
	pool.slot = __slot_get(TANDEM_OWNER_PROCESS);
	if (pool.slot > 0)
		pool.st->owner[pool.slot].pid = lwk_proc.pid;
	pool.pid = lwk_proc.pid;
	owners_unlock(irq);
	for (id = 0; id < TANDEM_NR_POOLS; id++)
		publish(id);
	return pool.slot > 0 ? 0 : -ENOMEM;
}

/*
 * pool_reap_gone - take back what the processes of a booted instance that
 * are gone held: run by an LWK image the daemon starts when a process of
 * the instance ended with no LWK parent to reap it (kill -9 of a joined
 * program).  It maps the state, frees every process slot whose pid no
 * longer exists, and takes no slot of its own.  A zombie still counts
 * (the daemon asks again once it is reaped), and so does a pid Linux gave
 * to an unrelated process since: that slot waits until the instance is
 * empty.  Then, given the pool files, it zeroes what is free and dirty,
 * as the helper thread would (on the daemon's Linux core, at idle
 * priority).  Returns the number of slots freed, or -errno.
 */
int pool_reap_gone(void)
{
	struct tandem_instance *in = inst();
	u64 frames[TANDEM_NR_POOLS];
	struct tandem_pool_owner *o;
	irqflags_t irq;
	int i, id, pid, err, n = 0;
	u32 used;

	if (!__atomic_load_n(&in->pool_size, __ATOMIC_ACQUIRE))
		return 0;
	err = state_map(in);
	if (err)
		return err;
	/* Freeing touches the allocators' state only, never a frame. */
	for (id = 0; id < TANDEM_NR_POOLS; id++)
		if (pool.st->pool[id].page_shift)
			pool.b[id] = (struct buddy *)((u64)pool.st +
						      pool.st->pool[id].buddy_off);
	pool.pid = (int)linux_call0(NR_getpid);

	owners_lock(&irq);
	for (i = 1; i < TANDEM_POOL_OWNERS; i++) {
		o = &pool.st->owner[i];
		pid = o->pid;
		if (o->kind != TANDEM_OWNER_PROCESS || pid <= 0 ||
		    linux_call2(NR_kill, pid, 0) != -ESRCH)
			continue;
		__reclaim(i);
		if (pool.st->helper_pid == pid)
			pool.st->helper_pid = pool.st->helper_tid = 0;
		n++;
	}
	owners_unlock(irq);
	if (n)
		pr_info("pool", "took back the memory of %d ended process%s",
			n, n > 1 ? "es" : "");

	if (plat_pool_setup(false, 0, 0, frames, &used))
		return n;
	for (id = 0; id < TANDEM_NR_POOLS; id++)
		if (frames[id] != pool.st->pool[id].frames)
			pool.b[id] = NULL;
	while (helper_zero())
		;
	return n;
}

/* ---- statistics ------------------------------------------------------- */

static void emitf(char *buf, size_t size, int *len, const char *fmt, ...)
	__printf(4, 5);
static void emitf(char *buf, size_t size, int *len, const char *fmt, ...)
{
	va_list ap;

	if ((size_t)*len >= size)
		return;
	va_start(ap, fmt);
	*len += vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if ((size_t)*len > size)
		*len = (int)size;
}

/*
 * Pages (4 KiB units) held by others than this process: by other process
 * slots, and by shared mappings this process is not the only user of.
 * When the run's top process ends after reaping every child, this is 0;
 * anything else is a leak.
 */
static u64 held_by_others(void)
{
	u64 mine = 0, total = 0;
	struct tandem_pool_owner *o;
	int id, i;

	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (!pool.b[id])
			continue;
		total += READ_ONCE(pool.b[id]->nr_alloc) << (pool_shift[id] - 12);
		mine += pool.b[id]->owner_pages[pool.slot] <<
			(pool_shift[id] - 12);
		for (i = 1; i < TANDEM_POOL_OWNERS; i++) {
			o = &pool.st->owner[i];
			if (o->kind != TANDEM_OWNER_SHARED || o->users != 1 ||
			    !(pool.st->owner[pool.slot].shared[i / 64] &
			      (1ULL << (i % 64))))
				continue;
			mine += pool.b[id]->owner_pages[i] <<
				(pool_shift[id] - 12);
		}
	}
	return total - mine;
}

int pool_stats_format(char *buf, size_t size, bool json)
{
	const struct tandem_instance *in = inst();
	u64 frames[TANDEM_NR_POOLS] = { 0 }, freep[TANDEM_NR_POOLS] = { 0 };
	u64 total = 0, largest = 0, frag = 0;
	unsigned long long folio_4k;
	int len = 0, id;

	if (!pool.st)
		return 0;
	/* The page size Linux backs 4 KiB frames with: 4 KiB, or 2 MiB. */
	folio_4k = 1ULL << plat_pool_folio_shift(TANDEM_POOL_4K);
	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		struct buddy *b = pool.b[id];

		if (!b)
			continue;
		frames[id] = b->npages;
		freep[id] = READ_ONCE(b->nr_clean) + READ_ONCE(b->nr_dirty) +
			    READ_ONCE(b->nr_zeroing);
		total += frames[id] << pool_shift[id];
		if (id == TANDEM_POOL_4K) {
			struct buddy_stats bs;

			buddy_stats(b, &bs);
			frag = bs.frag_permille;
		}
	}
	if (in->page_sizes_used)
		largest = 1ULL << (63 - __builtin_clzll(in->page_sizes_used));

	if (json) {
		emitf(buf, size, &len,
		      "\"pool\":{\"bytes\":%llu,\"limit\":%llu,\"used\":%llu,"
		      "\"peak\":%llu,\"largest_page\":%llu,"
		      "\"frames_4k\":%llu,\"free_4k\":%llu,\"folio_4k\":%llu,"
		      "\"frames_2m\":%llu,\"free_2m\":%llu,"
		      "\"frames_1g\":%llu,\"free_1g\":%llu,"
		      "\"frag_permille\":%llu,\"zeroed_sync\":%llu,"
		      "\"zeroed_helper\":%llu,\"prefault_sync\":%llu,"
		      "\"prefault_helper\":%llu,\"fork_copied\":%llu,"
		      "\"held_by_others\":%llu}",
		      (unsigned long long)total,
		      (unsigned long long)in->mem_limit,
		      (unsigned long long)in->mem_used,
		      (unsigned long long)in->mem_peak,
		      (unsigned long long)largest,
		      (unsigned long long)frames[0], (unsigned long long)freep[0],
		      folio_4k,
		      (unsigned long long)frames[1], (unsigned long long)freep[1],
		      (unsigned long long)frames[2], (unsigned long long)freep[2],
		      (unsigned long long)frag,
		      (unsigned long long)in->zeroed_sync,
		      (unsigned long long)in->zeroed_helper,
		      (unsigned long long)in->prefault_sync,
		      (unsigned long long)in->prefault_helper,
		      (unsigned long long)in->fork_copied,
		      (unsigned long long)held_by_others());
		return len;
	}
	emitf(buf, size, &len,
	      "  pool          %llu MiB in use now, %llu MiB peak, limit %llu MiB; largest page %llu KiB\n"
	      "  pool pages    4K %llu/%llu free (Linux pages of %llu KiB), 2M %llu/%llu free, 1G %llu/%llu free; fragmentation %llu/1000\n"
	      "  pool work     zeroed %llu MiB by the helper, %llu MiB on program paths; pre-faulted %llu MiB ahead, %llu MiB on program paths; fork copied %llu MiB\n",
	      (unsigned long long)(in->mem_used >> 20),
	      (unsigned long long)(in->mem_peak >> 20),
	      (unsigned long long)(in->mem_limit >> 20),
	      (unsigned long long)(largest >> 10),
	      (unsigned long long)freep[0], (unsigned long long)frames[0],
	      folio_4k >> 10,
	      (unsigned long long)freep[1], (unsigned long long)frames[1],
	      (unsigned long long)freep[2], (unsigned long long)frames[2],
	      (unsigned long long)frag,
	      (unsigned long long)(in->zeroed_helper >> 20),
	      (unsigned long long)(in->zeroed_sync >> 20),
	      (unsigned long long)(in->prefault_helper >> 20),
	      (unsigned long long)(in->prefault_sync >> 20),
	      (unsigned long long)(in->fork_copied >> 20));
	return len;
}

int pool_helper_threads(void)
{
	return own_helper() ? 1 : 0;
}
