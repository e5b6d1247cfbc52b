/* SPDX-License-Identifier: MIT */
/*
 * The LWK's own memory inside the program's address space: what the
 * platform occupies (the image, per-thread areas), the instance page, and
 * whatever the core maps for itself (the pool's internal mappings).  The
 * program must neither see it in its view of itself (/proc/self/maps) nor
 * unmap, remap or overwrite it.
 */
#ifndef TANDEM_KERNEL_REGION_H
#define TANDEM_KERNEL_REGION_H

#include "types.h"

/*
 * lwk_region_next - the LWK-owned region with the lowest start among
 * those ending above `addr`, in [*start, *end).  Returns false when none
 * is left.  Regions may touch or overlap.  Takes no lock; callable from
 * any context.
 */
bool lwk_region_next(u64 addr, u64 *start, u64 *end);

/* lwk_owns_range - does any byte of [start, end) belong to the LWK? */
bool lwk_owns_range(u64 start, u64 end);

/*
 * lwk_region_add - record a mapping the core made for itself, such as the
 * pool's internal view, so it stays out of the program's sight and reach.
 * Returns 0, -EINVAL for an empty or unaligned range, or -ENOSPC when the
 * table (LWK_REGIONS_MAX entries) is full.  lwk_region_del forgets the
 * entry with exactly this range.  Both block signals while they write.
 */
#define LWK_REGIONS_MAX	32
int lwk_region_add(u64 start, u64 end);
void lwk_region_del(u64 start, u64 end);

#endif
