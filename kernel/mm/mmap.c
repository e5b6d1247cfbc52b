// SPDX-License-Identifier: MIT
/*
 * The program's anonymous memory, first form: the LWK decides and
 * populates every anonymous mapping at map time (no page faults when the
 * program touches it), keeps the heap itself, and refuses any call that
 * would unmap, remap or overwrite the LWK image.
 *
 * XXX: backing still comes from Linux's page allocator; the pool allocator
 * and VMA tree in kernel/mm/ replace it in the memory-management issue.
 */
#include "mm.h"
#include "../sys.h"
#include "../errno.h"
#include "../lib/lib.h"
#include "../lib/lock.h"
#include "../arch/x86_64/abi.h"
#include "../arch/x86_64/unistd.h"

/* Serialises the heap: brk, brk_mapped. */
static spinlock_t mm_lock = SPINLOCK_INIT;

static bool hits_lwk(u64 addr, u64 len)
{
	u64 end = addr + ALIGN_UP(len, PAGE_SIZE);

	return end < addr || (end > lwk_proc.lwk_start && addr < lwk_proc.lwk_end);
}

static bool want_populate(long prot, long flags)
{
	return prot != PROT_NONE && !(flags & MAP_NORESERVE);
}

SYSCALL(brk)
{
	u64 want = a[0], end, cur;
	irqflags_t irq;
	long m;

	irq = plat_irq_save();
	spin_lock(&mm_lock);
	cur = lwk_proc.brk;
	if (want < lwk_proc.brk_start)
		goto out;
	end = ALIGN_UP(want, PAGE_SIZE);
	if (end > lwk_proc.brk_mapped) {
		if (hits_lwk(lwk_proc.brk_mapped, end - lwk_proc.brk_mapped))
			goto out;
		m = linux_call6(NR_mmap, lwk_proc.brk_mapped,
				end - lwk_proc.brk_mapped,
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS |
				MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
		if (IS_ERR_VALUE(m))
			goto out;
	} else if (end < lwk_proc.brk_mapped) {
		/* Linux frees what the heap gives back: it reads zero later. */
		linux_call2(NR_munmap, end, lwk_proc.brk_mapped - end);
	}
	lwk_proc.brk_mapped = end;
	lwk_proc.brk = cur = want;
out:
	spin_unlock(&mm_lock);
	plat_irq_restore(irq);
	return cur;
}

SYSCALL(mmap)
{
	long addr = a[0], len = a[1], prot = a[2], flags = a[3];

	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && hits_lwk(addr, len))
		return flags & MAP_FIXED_NOREPLACE ? -EEXIST : -EPERM;
	if ((flags & MAP_ANONYMOUS) && want_populate(prot, flags))
		flags |= MAP_POPULATE;
	return linux_call6(NR_mmap, addr, len, prot, flags, a[4], a[5]);
}

SYSCALL(munmap)
{
	if (hits_lwk(a[0], a[1]))
		return -EPERM;
	return linux_call2(NR_munmap, a[0], a[1]);
}

SYSCALL(mprotect)
{
	if (hits_lwk(a[0], a[1]))
		return -EPERM;
	return linux_call3(NR_mprotect, a[0], a[1], a[2]);
}

SYSCALL(mremap)
{
	if (hits_lwk(a[0], a[1]) ||
	    ((a[3] & MREMAP_FIXED) && hits_lwk(a[4], a[2])))
		return -EPERM;
	return linux_call6(NR_mremap, a[0], a[1], a[2], a[3], a[4], 0);
}

/* XXX: no VMA tree yet: the views stay empty until the pool lands. */
int mm_region_next(u64 addr, struct mm_region *out)
{
	return -ENOENT;
}

void mm_usage(struct mm_usage *u)
{
	memset(u, 0, sizeof(*u));
}
