// SPDX-License-Identifier: MIT
/*
 * Which parts of the program's address space the LWK owns.  Three sources
 * answer: the platform (plat_lwk_region_next), the instance page every LWK
 * process maps, and a small table of mappings the core registers for
 * itself.  Lookups take no lock, so the memory code may ask on every call
 * that could touch LWK memory.
 *
 * This file only keeps the record; it never maps or unmaps anything.
 */
#include "region.h"
#include "lwk.h"
#include "errno.h"
#include "lib/seqlock.h"

/* The core's own mappings, unsorted; `lock` serialises writers. */
static struct {
	seqlock_t lock;
	u32 count;
	struct {
		u64 start, end;
	} r[LWK_REGIONS_MAX];
} core = { .lock = SEQLOCK_INIT };

/* Keep the better of two candidates: the one that starts lower. */
static void consider(u64 s, u64 e, u64 addr, bool *found, u64 *start,
		     u64 *end)
{
	if (e <= addr || s >= e)
		return;
	if (!*found || s < *start) {
		*start = s;
		*end = e;
		*found = true;
	}
}

static void core_next(u64 addr, bool *found, u64 *start, u64 *end)
{
	u64 best_s = 0, best_e = 0;
	bool best;
	u32 seq, n, i;

	do {
		seq = seq_read_begin(&core.lock);
		best = false;
		n = MIN(READ_ONCE(core.count), (u32)LWK_REGIONS_MAX);
		for (i = 0; i < n; i++)
			consider(READ_ONCE(core.r[i].start),
				 READ_ONCE(core.r[i].end), addr, &best,
				 &best_s, &best_e);
	} while (seq_read_retry(&core.lock, seq));
	if (best)
		consider(best_s, best_e, addr, found, start, end);
}

bool lwk_region_next(u64 addr, u64 *start, u64 *end)
{
	u64 s, e;
	bool found = false;

	if (plat_lwk_region_next(addr, &s, &e))
		consider(s, e, addr, &found, start, end);
	if (lwk_proc.inst) {
		s = (u64)lwk_proc.inst;
		e = s + ALIGN_UP(sizeof(*lwk_proc.inst), PAGE_SIZE);
		consider(s, e, addr, &found, start, end);
	}
	core_next(addr, &found, start, end);
	return found;
}

bool lwk_owns_range(u64 start, u64 end)
{
	u64 s, e;

	return start < end && lwk_region_next(start, &s, &e) && s < end;
}

int lwk_region_add(u64 start, u64 end)
{
	irqflags_t irq;
	int err = 0;

	if (start >= end || !IS_ALIGNED(start | end, PAGE_SIZE))
		return -EINVAL;
	irq = plat_irq_save();
	seq_write_begin(&core.lock);
	if (core.count == LWK_REGIONS_MAX) {
		err = -ENOSPC;
	} else {
		core.r[core.count].start = start;
		core.r[core.count].end = end;
		core.count++;
	}
	seq_write_end(&core.lock);
	plat_irq_restore(irq);
	return err;
}

void lwk_region_del(u64 start, u64 end)
{
	irqflags_t irq = plat_irq_save();
	u32 i;

	seq_write_begin(&core.lock);
	for (i = 0; i < core.count; i++) {
		if (core.r[i].start == start && core.r[i].end == end) {
			core.r[i] = core.r[--core.count];
			break;
		}
	}
	seq_write_end(&core.lock);
	plat_irq_restore(irq);
}
