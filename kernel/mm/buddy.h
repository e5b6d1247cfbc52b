/* SPDX-License-Identifier: MIT */
/*
 * Buddy allocator for the page frames of the LWK pool.
 *
 * Frames are numbered [0, npages) and handed out in blocks of 2^order
 * frames, order 0 (4 KiB) to BUDDY_MAX_ORDER (1 GiB).  The whole state sits
 * in one caller-provided block of buddy_meta_size() bytes and holds indices,
 * never pointers, so the block may be mapped at different addresses in
 * several processes.  Every public function takes the embedded lock itself.
 *
 * Free blocks are either CLEAN (known to be zero) or DIRTY (freed, not yet
 * zeroed).  buddy_alloc() only hands out clean blocks.  A zeroing thread
 * moves blocks from dirty to ZEROING with buddy_take_dirty(), clears them
 * without the lock, and returns them with buddy_put_clean().  Buddies merge
 * only with buddies of the same state, so dirty blocks coalesce into large
 * blocks for the zeroing thread.
 *
 * The allocator may manage fewer frames than it has room for: frames
 * [0, grown) are its own, and buddy_grow() hands it more (the pool makes
 * them exist first, so recycled frames are used before new ones).
 *
 * Every allocated block has an owner, a number below BUDDY_MAX_OWNERS
 * (the pool gives one to each process and to each shared mapping; plain
 * buddy_alloc() uses owner 0).  An owner's blocks are linked through the
 * free-list fields of their first frame, so everything an owner holds can
 * be freed at once (buddy_free_owner), e.g. when a process dies.  Any range
 * of allocated frames can be freed (buddy_free_range), cutting blocks.  A
 * block taken for zeroing sits on its taker's list too, so a taker that
 * dies gives it back dirty.
 *
 * The lock is robust: it holds its holder's Linux tid, and a caller that
 * finds the holder dead takes it over (kernel/mm/shlock.h, rspin).
 * Each call logs the old value of every word it changes before changing
 * it (the undo log, in the state itself) and clears the log when the
 * allocator is whole again; the taker puts back what the log holds, so a
 * process killed inside a call leaves the allocator as it was before.
 */
#ifndef TANDEM_KERNEL_MM_BUDDY_H
#define TANDEM_KERNEL_MM_BUDDY_H

#include "../types.h"

#define BUDDY_MAX_ORDER		18
#define BUDDY_NR_ORDERS		(BUDDY_MAX_ORDER + 1)
/* Frame numbers are stored as u32; 0xffffffff marks the end of a list. */
#define BUDDY_MAX_PAGES		0xffffffffULL
#define BUDDY_MAX_OWNERS	1024

enum buddy_list {
	BUDDY_LIST_CLEAN,
	BUDDY_LIST_DIRTY,
	BUDDY_NR_LISTS
};

/* Per-frame metadata; private to buddy.c, shown here for the layout only. */
struct buddy_frame {
	u32 next;		/* free or owner list link (frame number) */
	u32 prev;
	u8 order;		/* order of the block this frame heads */
	u8 state;		/* BUDDY_F_* in buddy.c; TAIL (0) inside a block */
	u16 owner;		/* allocated block: its owner */
};

/* One word a call changed, and what it held before. */
struct buddy_undo {
	u64 off;		/* byte offset in struct buddy */
	u32 size;		/* 1, 2, 4 or 8 */
	u32 pad;
	u64 old;
};

/* Enough for any one step of a call (about 150 words at most). */
#define BUDDY_UNDO_MAX		512

/*
 * Lock legend: npages is written once by buddy_init() and read freely;
 * every other field, frames[] included, is protected by lock.  grown only
 * grows, so a lock-free read of it is a safe lower bound.
 */
struct buddy {
	u32 lock;		/* 0, or its holder's tid (rspin) */
	u32 undo_n;		/* entries of the step in progress */
	u32 undo_peak;		/* most entries one step needed */
	u32 takeovers;		/* locks taken from dead holders */
	struct buddy_undo undo[BUDDY_UNDO_MAX];
	u64 npages;		/* frames there is room for */
	u64 grown;		/* frames [0, grown) are the allocator's */
	u64 nr_clean;		/* pages in clean free blocks */
	u64 nr_dirty;		/* pages in dirty free blocks */
	u64 nr_zeroing;		/* pages taken by buddy_take_dirty() */
	u64 nr_alloc;		/* pages handed out by buddy_alloc() */
	u32 head[BUDDY_NR_LISTS][BUDDY_NR_ORDERS];
	u64 nr_blocks[BUDDY_NR_LISTS][BUDDY_NR_ORDERS];
	u32 owner_head[BUDDY_MAX_OWNERS];	/* first block of each owner */
	u64 owner_pages[BUDDY_MAX_OWNERS];	/* pages each owner holds */
	struct buddy_frame frames[];
};

struct buddy_stats {
	u64 total;			/* pages there is room for */
	u64 grown;			/* pages managed so far */
	u64 free_clean;			/* pages allocatable right now */
	u64 dirty;			/* free pages waiting to be zeroed */
	u64 zeroing;			/* pages being zeroed */
	u64 allocated;			/* pages handed out */
	u64 clean_blocks[BUDDY_NR_ORDERS];	/* clean free blocks */
	u64 dirty_blocks[BUDDY_NR_ORDERS];	/* dirty free blocks */
	int largest_clean_order;	/* -1 if no clean block */
	int largest_free_order;		/* clean or dirty; -1 if none */
	/*
	 * 0..1000: how far the largest free (clean or dirty) block falls short
	 * of the largest block the free page count could form,
	 * 1000 - 1000 * 2^largest_free_order / 2^min(MAX_ORDER, log2(free)).
	 * 0 for a fresh pool of any size, 500 when the largest block is half
	 * of what it could be, 999 when only single pages are left of many.
	 */
	u32 frag_permille;
};

size_t buddy_meta_size(u64 npages);
int buddy_init(struct buddy *b, u64 npages);
int buddy_init_zeroed(struct buddy *b, u64 npages, u64 grown);
int buddy_grow(struct buddy *b, u64 to);
long buddy_alloc(struct buddy *b, unsigned int order);
long buddy_alloc_owned(struct buddy *b, unsigned int order,
		       unsigned int owner);
int buddy_free(struct buddy *b, u64 pfn, unsigned int order);
int buddy_free_range(struct buddy *b, u64 pfn, u64 npages);
u64 buddy_free_owner(struct buddy *b, unsigned int owner);
u64 buddy_owner_pages(struct buddy *b, unsigned int owner);
long buddy_take_dirty(struct buddy *b, unsigned int owner,
		      unsigned int *order);
long buddy_take_dirty_fit(struct buddy *b, unsigned int owner,
			  unsigned int want, unsigned int *order);
int buddy_put_clean(struct buddy *b, u64 pfn, unsigned int order);
int buddy_put_clean_part(struct buddy *b, u64 pfn, unsigned int order,
			 unsigned int clean_order);
void buddy_stats(struct buddy *b, struct buddy_stats *st);
bool buddy_check(struct buddy *b);

#endif
