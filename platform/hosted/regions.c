// SPDX-License-Identifier: MIT
/*
 * The hosted platform's own memory in the program's address space: the
 * LWK image, one area per thread (hosted.h) and the trampoline pages of
 * rewritten call sites (rewrite.c).  The core asks about it
 * through plat_lwk_region_next() to keep it out of the program's view of
 * itself (/proc/self/maps) and out of the program's reach.
 *
 * The areas are kept in a sorted table under a sequence lock, so lookups
 * take no lock and cost a binary search.  Nothing here maps or unmaps.
 */
#include "hosted.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/lib/seqlock.h"

#define AREAS_MAX	4096

/*
 * The live areas, sorted by address.  `lock` serialises writers, who keep
 * signals blocked; readers go by its sequence.
 */
static struct {
	seqlock_t lock;
	u32 count;			/* entries in start[] */
	u64 start[AREAS_MAX];		/* each area is [start, start + AREA_SIZE) */
	bool warned;			/* atomic: the table was found full */
} areas = { .lock = SEQLOCK_INIT };

/* The first entry whose area ends above addr; count when there is none. */
static u32 area_search(u64 addr, u32 count)
{
	u32 lo = 0, hi = count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (READ_ONCE(areas.start[mid]) + AREA_SIZE > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * hosted_area_add - record a freshly mapped thread area.  A full table
 * only costs the program's view: the area then shows as program memory.
 */
void hosted_area_add(struct hosted_thread *ht)
{
	u64 start = (u64)ht;
	irqflags_t irq = plat_irq_save();
	bool full;
	u32 i;

	seq_write_begin(&areas.lock);
	full = areas.count == AREAS_MAX;
	if (!full) {
		i = area_search(start, areas.count);
		memmove(&areas.start[i + 1], &areas.start[i],
			(areas.count - i) * sizeof(areas.start[0]));
		areas.start[i] = start;
		areas.count++;
	}
	seq_write_end(&areas.lock);
	plat_irq_restore(irq);
	/* Once: a program with that many threads would flood the log. */
	if (full && !__atomic_exchange_n(&areas.warned, true, __ATOMIC_RELAXED))
		pr_warn("hosted", "more than %d thread areas: /proc/self/maps will show the rest",
			AREAS_MAX);
}

/* hosted_area_del - forget an area about to be unmapped. */
void hosted_area_del(struct hosted_thread *ht)
{
	u64 start = (u64)ht;
	irqflags_t irq = plat_irq_save();
	u32 i;

	seq_write_begin(&areas.lock);
	i = area_search(start, areas.count);
	if (i < areas.count && areas.start[i] == start) {
		memmove(&areas.start[i], &areas.start[i + 1],
			(areas.count - i - 1) * sizeof(areas.start[0]));
		areas.count--;
	}
	seq_write_end(&areas.lock);
	plat_irq_restore(irq);
}

/*
 * hosted_areas_fork - in a fork child: the parent's areas are all still
 * mapped here, but a writer in another parent thread may have held the
 * lock at the fork.  The child has one thread; reset the lock.
 */
void hosted_areas_fork(void)
{
	spin_init(&areas.lock.lock);
	areas.lock.seq &= ~1U;
}

bool plat_lwk_region_next(u64 addr, u64 *start, u64 *end)
{
	u64 img_start = (u64)__lwk_start, img_end = (u64)__lwk_end;
	u64 a = 0, ts, te;
	bool found;
	u32 seq, count, i;

	do {
		seq = seq_read_begin(&areas.lock);
		count = MIN(READ_ONCE(areas.count), (u32)AREAS_MAX);
		i = area_search(addr, count);
		found = i < count;
		if (found)
			a = READ_ONCE(areas.start[i]);
	} while (seq_read_retry(&areas.lock, seq));

	if (img_end > addr && (!found || img_start <= a)) {
		*start = img_start;
		*end = img_end;
	} else if (found) {
		*start = a;
		*end = a + AREA_SIZE;
	}
	found |= img_end > addr;

	/* The rewriter's trampoline pages are the platform's too. */
	if (hosted_tramp_next(addr, &ts, &te) && (!found || ts < *start)) {
		*start = ts;
		*end = te;
		found = true;
	}
	return found;
}
