/* SPDX-License-Identifier: MIT */
/*
 * Private to kernel/mm: the program's address space as space.c keeps it
 * (one VMA tree per process) and the operations the system calls in
 * mmap.c and fork.c are built from.  Every function here expects the mm
 * lock held (mm_lock) unless it says otherwise.
 */
#ifndef TANDEM_KERNEL_MM_SPACE_H
#define TANDEM_KERNEL_MM_SPACE_H

#include "vma.h"
#include "pool.h"

#define MM_NODES	65536		/* regions per process, as Linux's map count */
#define TASK_TOP	0x7ffffffff000ULL

/* What a region is (vma->kind). */
enum vma_kind {
	K_POOL = 1,	/* anonymous memory on pool frames */
	K_NONE,		/* private anonymous PROT_NONE: frames come on mprotect */
	K_LINUX,	/* backed by Linux: files, MAP_NORESERVE, vdso, SysV shm */
	K_LWK,		/* the LWK's own memory (region.h): never the program's */
};

/* vma->flags; VMA_BACKING_LINEAR (bit 31) belongs to vma.c. */
#define VF_SHARED	(1U << 0)	/* MAP_SHARED semantics */
#define VF_ANON		(1U << 1)	/* anonymous from the program's view */
#define VF_HEAP		(1U << 2)	/* brk heap */
#define VF_STACK	(1U << 3)	/* main stack, MAP_GROWSDOWN */
#define VF_LOCKED	(1U << 4)	/* mlock */
#define VF_DONTFORK	(1U << 5)	/* MADV_DONTFORK */
#define VF_WIPEONFORK	(1U << 6)	/* MADV_WIPEONFORK */
#define VF_NOHUGE	(1U << 7)	/* 4 KiB frames only */
#define VF_HUGETLB	(1U << 8)	/* MAP_HUGETLB: hugetlb rules apply */
#define VF_FILE		(1U << 9)	/* a file mapping; backing = offset */
#define VF_FORK		(1U << 10)	/* fork.c: backing is the child's */
#define VF_SHM		(1U << 11)	/* SysV shared memory (shmat) */
#define VF_OWNER_SHIFT	16		/* shared K_POOL: its owner slot */
#define VF_OWNER_MASK	(0x3ffU << VF_OWNER_SHIFT)

/*
 * Per-process memory state.  Lock legend: `lock` (a futex word) guards
 * everything else; it is taken with program signals blocked.
 */
struct mm_state {
	u32 lock;
	struct vma_tree tree;
	u64 mmap_min, mmap_top;		/* where non-fixed mappings go */
	u64 stack_start, stack_end;	/* the main stack */
	u64 rss_anon, rss_shmem;	/* pool bytes mapped, private/shared */
	u64 rss_peak, size, size_peak;
	u64 shm_pages[TANDEM_POOL_OWNERS];	/* 4 KiB pages per shared owner */
	bool lock_future;		/* mlockall(MCL_FUTURE) */
	bool ready;			/* the tree describes the process */
};

extern struct mm_state mm;

/* The mm lock, with program signals blocked while it is held. */
irqflags_t mm_lock(void);
void mm_unlock(irqflags_t irq);
/* In a fork child, which alone runs on with its parent's lock held. */
void mm_lock_reinit(void);

static inline int vma_pool(const struct vma *v)
{
	return pool_id(v->page_shift);
}

/* First frame (in the pool's page size) backing @addr of K_POOL @v. */
static inline u64 vma_pfn(const struct vma *v, u64 addr)
{
	return (v->backing + ((addr - v->start) >> PAGE_SHIFT)) >>
	       (v->page_shift - PAGE_SHIFT);
}

static inline u64 vma_frames(const struct vma *v)
{
	return (v->end - v->start) >> v->page_shift;
}

static inline int vma_owner(const struct vma *v)
{
	return v->flags & VF_SHARED ? (int)((v->flags & VF_OWNER_MASK) >>
					    VF_OWNER_SHIFT) : pool_self();
}

/* Record a region (and account for it) / forget one / fold neighbours. */
struct vma *node_add(u64 start, u64 end, u8 kind, u32 prot, u32 flags,
		     u64 backing, u32 shift);
void node_del(struct vma *v);
void merge_range(u64 start, u64 end);

/*
 * lwk_hit: any LWK memory (or beyond the user range) in [start, end)?
 * range_free: nothing at all mapped there; range_mapped: all of it the
 * program's.  find_free: an address for @len bytes aligned to @align,
 * @hint if free, else top-down below the mmap area's top; 0 or -ENOMEM.
 */
bool lwk_hit(u64 start, u64 end);
bool range_free(u64 start, u64 end);
bool range_mapped(u64 start, u64 end);
int find_free(u64 len, u64 align, u64 hint, u64 *out);

/*
 * cut_at/cut_range: region boundaries at these addresses (demoting a huge
 * frame cut inside; -EINVAL in a MAP_HUGETLB page, -ENOMEM).  drop_range:
 * forget the regions of [start, end) after Linux stopped mapping them,
 * freeing their private frames.  unmap_range: munmap, all three steps.
 */
int cut_at(u64 addr);
int cut_range(u64 start, u64 end);
void drop_range(u64 start, u64 end);
int unmap_range(u64 start, u64 end);

/* How fill() backs a range (see there). */
struct fill_req {
	u32 prot;
	u32 flags;		/* VF_*; the shared owner in VF_OWNER_MASK */
	unsigned int owner;	/* owner slot of the frames */
	u32 shift;		/* nonzero: the only page shift to use */
	bool copy;		/* keep the resident bytes mapped there now */
};

/*
 * fill: back a range with pool frames (see space.c).  anon_req: the
 * request for this process's anonymous memory with @prot and VF_* @flags.
 */
int fill(u64 start, u64 end, const struct fill_req *r, u64 *done);
struct fill_req anon_req(u32 prot, u32 flags);

/*
 * may_expand - would @bytes more mapped memory with @prot and VF_* @flags,
 * replacing @replaced bytes mapped now, stay within the program's RLIMIT_AS
 * and RLIMIT_DATA (lwk_proc.rlim_as, rlim_data)?  As Linux's may_expand_vm:
 * whole pages; data is private writable memory that is not the stack.
 */
bool may_expand(u64 bytes, u64 replaced, u32 prot, u32 flags);
/* Bytes of the program's mappings in [start, end). */
u64 mapped_bytes(u64 start, u64 end);

/* Largest page shift (12, 21, 30) anonymous memory may use here. */
u32 mm_max_shift(void);
/* Least brk growth in bytes (--heap-step, page-aligned). */
u64 mm_heap_step(void);

#endif
