// SPDX-License-Identifier: MIT
/*
 * Buddy allocator for the page frames of the LWK pool (see buddy.h).
 *
 * Free blocks sit on doubly linked lists of frame numbers, one list per
 * (clean or dirty, order); allocated blocks sit on their owner's list,
 * through the same links.  Only a block's first frame carries its order,
 * state and owner; every other frame is TAIL, so the buddy of a block is
 * free and mergeable exactly when its first frame says so.  This keeps
 * alloc and free at O(MAX_ORDER) list operations.  TAIL is 0, so zeroed
 * memory is a valid frame array with no blocks in it (buddy_init_zeroed).
 *
 * Every change to the state under the lock goes through SET(), which logs
 * the word's old value first (buddy.h: the undo log).  A call is one step,
 * or several (freeing an owner's blocks one by one, growing by one block
 * at a time), each of which leaves the allocator whole and ends with
 * commit(); a lock taken from a dead holder first undoes its last step.
 * The log entry and its count are stored before the word they cover, in
 * that order (x86 keeps stores in order; the compiler is told to), so a
 * holder killed between any two stores leaves a log that undoes exactly
 * what it changed.
 *
 * Freestanding: no libc, no allocation, no pointers inside struct buddy.
 * Nothing here touches the frames themselves; zeroing is the caller's job.
 */
#include "buddy.h"
#include "shlock.h"
#include "../errno.h"
#include "../plat.h"
#include "../arch/x86_64/unistd.h"

#define BUDDY_NIL	0xffffffffU

enum {
	BUDDY_F_TAIL,		/* inside a block, or never a head; must be 0 */
	BUDDY_F_CLEAN,		/* head of a clean free block */
	BUDDY_F_DIRTY,		/* head of a dirty free block */
	BUDDY_F_ZEROING,	/* head of a block taken for zeroing */
	BUDDY_F_ALLOC,		/* head of an allocated block */
};

/* ---- the undo log and the lock ---------------------------------------- */

#define SET(b, lval, v)	set_logged(b, &(lval), sizeof(lval), (u64)(v))

static u64 load_sized(const void *p, u32 size)
{
	switch (size) {
	case 1: return *(const volatile u8 *)p;
	case 2: return *(const volatile u16 *)p;
	case 4: return *(const volatile u32 *)p;
	default: return *(const volatile u64 *)p;
	}
}

static void store_sized(void *p, u32 size, u64 v)
{
	switch (size) {
	case 1: *(volatile u8 *)p = (u8)v; break;
	case 2: *(volatile u16 *)p = (u16)v; break;
	case 4: *(volatile u32 *)p = (u32)v; break;
	default: *(volatile u64 *)p = v; break;
	}
}

/*
 * Write @v to the @size-byte word at @p in @b, logging its old value.  No
 * step comes near BUDDY_UNDO_MAX words (the unit tests check the peak);
 * past it a write would go unlogged, robust no more.
 */
static void set_logged(struct buddy *b, void *p, u32 size, u64 v)
{
	u32 n = b->undo_n;

	if (n < BUDDY_UNDO_MAX) {
		b->undo[n].off = (u64)((u8 *)p - (u8 *)b);
		b->undo[n].size = size;
		b->undo[n].old = load_sized(p, size);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		*(volatile u32 *)&b->undo_n = n + 1;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (n + 1 > b->undo_peak)
			b->undo_peak = n + 1;
	}
	store_sized(p, size, v);
}

/* The allocator is whole again: forget the step's log. */
static void commit(struct buddy *b)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	*(volatile u32 *)&b->undo_n = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static void lock(struct buddy *b)
{
	u32 n;

	if (!rspin_lock(&b->lock, (u32)linux_call0(NR_gettid)))
		return;
	/* Its holder died: undo the step it was in, newest change first. */
	for (n = b->undo_n; n-- > 0;)
		store_sized((u8 *)b + b->undo[n].off, b->undo[n].size,
			    b->undo[n].old);
	commit(b);
	b->takeovers++;
}

static void unlock(struct buddy *b)
{
	commit(b);
	rspin_unlock(&b->lock);
}

/* ---- lists and blocks --------------------------------------------------- */

static unsigned int state_list(unsigned int state)
{
	return state == BUDDY_F_CLEAN ? BUDDY_LIST_CLEAN : BUDDY_LIST_DIRTY;
}

/* Link @pfn at the front of the list starting at *@head. */
static void link_front(struct buddy *b, u32 *head, u64 pfn)
{
	struct buddy_frame *f = &b->frames[pfn];

	SET(b, f->prev, BUDDY_NIL);
	SET(b, f->next, *head);
	if (*head != BUDDY_NIL)
		SET(b, b->frames[*head].prev, pfn);
	SET(b, *head, pfn);
}

static void link_del(struct buddy *b, u32 *head, u64 pfn)
{
	struct buddy_frame *f = &b->frames[pfn];

	if (f->prev != BUDDY_NIL)
		SET(b, b->frames[f->prev].next, f->next);
	else
		SET(b, *head, f->next);
	if (f->next != BUDDY_NIL)
		SET(b, b->frames[f->next].prev, f->prev);
}

static void list_push(struct buddy *b, unsigned int list, unsigned int order,
		      u64 pfn)
{
	link_front(b, &b->head[list][order], pfn);
	SET(b, b->nr_blocks[list][order], b->nr_blocks[list][order] + 1);
}

static void list_del(struct buddy *b, unsigned int list, unsigned int order,
		     u64 pfn)
{
	link_del(b, &b->head[list][order], pfn);
	SET(b, b->nr_blocks[list][order], b->nr_blocks[list][order] - 1);
}

static void set_head(struct buddy *b, u64 pfn, unsigned int order,
		     unsigned int state)
{
	SET(b, b->frames[pfn].order, order);
	SET(b, b->frames[pfn].state, state);
}

/*
 * Make [pfn, 2^order) a block of @owner in @state, on its list: ALLOC
 * (its pages count as the owner's) or ZEROING (they do not).
 */
static void set_owned(struct buddy *b, u64 pfn, unsigned int order,
		      unsigned int state, unsigned int owner)
{
	set_head(b, pfn, order, state);
	SET(b, b->frames[pfn].owner, owner);
	link_front(b, &b->owner_head[owner], pfn);
	if (state == BUDDY_F_ALLOC)
		SET(b, b->owner_pages[owner],
		    b->owner_pages[owner] + (1ULL << order));
}

/* Take the ALLOC or ZEROING block at @pfn off its owner's list. */
static void clear_owned(struct buddy *b, u64 pfn)
{
	unsigned int owner = b->frames[pfn].owner;

	link_del(b, &b->owner_head[owner], pfn);
	if (b->frames[pfn].state == BUDDY_F_ALLOC)
		SET(b, b->owner_pages[owner],
		    b->owner_pages[owner] - (1ULL << b->frames[pfn].order));
	SET(b, b->frames[pfn].owner, 0);
}

/*
 * Put the block [pfn, pfn + 2^order) on the free list of @state (CLEAN or
 * DIRTY), merging it with free buddies of the same state first.
 */
static void __buddy_insert(struct buddy *b, u64 pfn, unsigned int order,
			   unsigned int state)
{
	unsigned int list = state_list(state);

	while (order < BUDDY_MAX_ORDER) {
		u64 size = 1ULL << order;
		u64 buddy = pfn ^ size;
		struct buddy_frame *bf;

		if (buddy + size > b->npages)
			break;
		bf = &b->frames[buddy];
		if (bf->state != state || bf->order != order)
			break;

		list_del(b, list, order, buddy);
		SET(b, bf->state, BUDDY_F_TAIL);
		SET(b, b->frames[pfn].state, BUDDY_F_TAIL);
		pfn &= ~size;
		order++;
	}
	set_head(b, pfn, order, state);
	list_push(b, list, order, pfn);
}

/* Is [pfn, pfn + 2^order) the head of a block in @state with that order? */
static bool is_block(struct buddy *b, u64 pfn, unsigned int order,
		     unsigned int state)
{
	if (order > BUDDY_MAX_ORDER || pfn >= b->grown)
		return false;
	if (pfn & ((1ULL << order) - 1))
		return false;
	return b->frames[pfn].state == state && b->frames[pfn].order == order;
}

/**
 * buddy_meta_size - bytes of state needed to manage @npages frames
 * @npages: number of 4 KiB frames, 1..BUDDY_MAX_PAGES
 *
 * Returns the size of the block to pass to buddy_init() (8-byte aligned
 * memory), or 0 if @npages is out of range.
 */
size_t buddy_meta_size(u64 npages)
{
	if (npages == 0 || npages > BUDDY_MAX_PAGES)
		return 0;
	return sizeof(struct buddy) + npages * sizeof(struct buddy_frame);
}

/* The header of an allocator for @npages frames, @grown of them clean. */
static void init_header(struct buddy *b, u64 npages, u64 grown)
{
	unsigned int l, o;

	b->lock = 0;
	b->undo_n = 0;
	b->undo_peak = 0;
	b->takeovers = 0;
	b->npages = npages;
	b->grown = grown;
	b->nr_clean = grown;
	b->nr_dirty = 0;
	b->nr_zeroing = 0;
	b->nr_alloc = 0;
	for (l = 0; l < BUDDY_NR_LISTS; l++) {
		for (o = 0; o < BUDDY_NR_ORDERS; o++) {
			b->head[l][o] = BUDDY_NIL;
			b->nr_blocks[l][o] = 0;
		}
	}
	for (o = 0; o < BUDDY_MAX_OWNERS; o++) {
		b->owner_head[o] = BUDDY_NIL;
		b->owner_pages[o] = 0;
	}
}

/*
 * Cut [0, npages) into the largest aligned blocks that fit, all clean.
 * They are pushed highest first, so each list starts with its lowest
 * block and a fresh pool is handed out from frame 0 upwards.
 */
static void init_blocks(struct buddy *b, u64 npages)
{
	u64 full = npages >> BUDDY_MAX_ORDER << BUDDY_MAX_ORDER;
	u64 end = npages;
	unsigned int o;

	for (o = 0; o < BUDDY_MAX_ORDER; o++) {
		if (!((npages - full) & (1ULL << o)))
			continue;
		end -= 1ULL << o;
		set_head(b, end, o, BUDDY_F_CLEAN);
		list_push(b, BUDDY_LIST_CLEAN, o, end);
	}
	while (end > 0) {
		end -= 1ULL << BUDDY_MAX_ORDER;
		set_head(b, end, BUDDY_MAX_ORDER, BUDDY_F_CLEAN);
		list_push(b, BUDDY_LIST_CLEAN, BUDDY_MAX_ORDER, end);
		commit(b);
	}
	commit(b);
	b->undo_peak = 0;
}

/**
 * buddy_init - set up an allocator with every frame free and clean
 * @b: buddy_meta_size(@npages) bytes, 8-byte aligned, contents ignored
 * @npages: number of frames; need not be a power of two
 *
 * The frames are cut into the largest aligned blocks that fit.  Must run
 * before anyone else can see @b.  O(@npages).  Returns 0, or -EINVAL if
 * @npages is 0 or above BUDDY_MAX_PAGES.
 */
int buddy_init(struct buddy *b, u64 npages)
{
	u64 pfn;

	if (npages == 0 || npages > BUDDY_MAX_PAGES)
		return -EINVAL;

	init_header(b, npages, npages);
	for (pfn = 0; pfn < npages; pfn++) {
		b->frames[pfn].next = BUDDY_NIL;
		b->frames[pfn].prev = BUDDY_NIL;
		b->frames[pfn].order = 0;
		b->frames[pfn].state = BUDDY_F_TAIL;
		b->frames[pfn].owner = 0;
	}
	init_blocks(b, npages);
	return 0;
}

/**
 * buddy_init_zeroed - buddy_init() for memory known to be all zero
 * @b: buddy_meta_size(@npages) bytes of zeroes, 8-byte aligned
 * @npages: number of frames there is room for
 * @grown: how many of them, from frame 0, the allocator has now (<= @npages)
 *
 * For @grown == @npages the same result as buddy_init(), but touching only
 * the header and the first frame of each block: O(@npages /
 * 2^BUDDY_MAX_ORDER + MAX_ORDER), so a large pool's state in fresh shared
 * memory costs nothing until its frames are used.  Returns 0, or -EINVAL
 * as buddy_init() or if @grown > @npages.
 */
int buddy_init_zeroed(struct buddy *b, u64 npages, u64 grown)
{
	if (npages == 0 || npages > BUDDY_MAX_PAGES || grown > npages)
		return -EINVAL;

	init_header(b, npages, grown);
	if (grown)
		init_blocks(b, grown);
	return 0;
}

/**
 * buddy_grow - give the allocator frames [grown, @to) as clean free blocks
 * @b: the allocator
 * @to: the new end, <= npages; nothing happens if it is not above grown
 *
 * The frames are cut into the largest aligned blocks that fit and merge
 * with clean buddies.  Returns 0, or -EINVAL if @to > npages.  O((log of
 * the frames added) * MAX_ORDER); takes b->lock.
 */
int buddy_grow(struct buddy *b, u64 to)
{
	unsigned int o;
	u64 p;

	if (to > b->npages)
		return -EINVAL;
	lock(b);
	/* One block a step: grown covers exactly the blocks inserted. */
	for (p = b->grown; p < to; p += 1ULL << o) {
		o = BUDDY_MAX_ORDER;
		while (o > 0 && ((p & ((1ULL << o) - 1)) || p + (1ULL << o) > to))
			o--;
		SET(b, b->nr_clean, b->nr_clean + (1ULL << o));
		SET(b, b->grown, p + (1ULL << o));
		__buddy_insert(b, p, o, BUDDY_F_CLEAN);
		commit(b);
	}
	unlock(b);
	return 0;
}

/**
 * buddy_alloc_owned - take a clean (zeroed) block of 2^@order frames
 * @b: the allocator
 * @order: 0..BUDDY_MAX_ORDER
 * @owner: below BUDDY_MAX_OWNERS; the block goes on its list
 *
 * Returns the first frame number of the block, aligned to 2^@order, or:
 * -EAGAIN if no clean block is big enough but dirty or zeroing pages exist
 *  and might form one once clean: the caller may zero synchronously with
 *  buddy_take_dirty_fit() + buddy_put_clean() and retry (or wait for the
 *  zeroing thread if only zeroing pages remain).  Each such round turns dirty
 *  pages clean, so a retry loop ends: once no dirty or zeroing page is left
 *  the answer is a block or -ENOMEM;
 * -ENOMEM if the free pages cannot satisfy the request even after zeroing;
 * -EINVAL if @order is above BUDDY_MAX_ORDER or @owner out of range.
 * Takes b->lock; any context that may spin.
 */
long buddy_alloc_owned(struct buddy *b, unsigned int order,
		       unsigned int owner)
{
	unsigned int o;
	u64 pfn, size, others;
	long ret;

	if (order > BUDDY_MAX_ORDER || owner >= BUDDY_MAX_OWNERS)
		return -EINVAL;
	size = 1ULL << order;

	lock(b);
	for (o = order; o <= BUDDY_MAX_ORDER; o++) {
		if (b->head[BUDDY_LIST_CLEAN][o] != BUDDY_NIL)
			break;
	}
	if (o > BUDDY_MAX_ORDER) {
		others = b->nr_dirty + b->nr_zeroing;
		if (others && others + b->nr_clean >= size)
			ret = -EAGAIN;
		else
			ret = -ENOMEM;
		goto out_unlock;
	}

	pfn = b->head[BUDDY_LIST_CLEAN][o];
	list_del(b, BUDDY_LIST_CLEAN, o, pfn);
	while (o > order) {
		o--;
		set_head(b, pfn + (1ULL << o), o, BUDDY_F_CLEAN);
		list_push(b, BUDDY_LIST_CLEAN, o, pfn + (1ULL << o));
	}
	set_owned(b, pfn, order, BUDDY_F_ALLOC, owner);
	SET(b, b->nr_clean, b->nr_clean - size);
	SET(b, b->nr_alloc, b->nr_alloc + size);
	ret = (long)pfn;

out_unlock:
	unlock(b);
	return ret;
}

/**
 * buddy_alloc - buddy_alloc_owned() for owner 0
 * @b: the allocator
 * @order: 0..BUDDY_MAX_ORDER
 */
long buddy_alloc(struct buddy *b, unsigned int order)
{
	return buddy_alloc_owned(b, order, 0);
}

/*
 * Free the ALLOC block at @pfn, or give back the ZEROING one, as dirty;
 * lock held.
 */
static void __free_block(struct buddy *b, u64 pfn)
{
	unsigned int order = b->frames[pfn].order;
	u64 size = 1ULL << order;

	if (b->frames[pfn].state == BUDDY_F_ALLOC)
		SET(b, b->nr_alloc, b->nr_alloc - size);
	else
		SET(b, b->nr_zeroing, b->nr_zeroing - size);
	clear_owned(b, pfn);
	SET(b, b->nr_dirty, b->nr_dirty + size);
	__buddy_insert(b, pfn, order, BUDDY_F_DIRTY);
}

/**
 * buddy_free - give back a block obtained from buddy_alloc()
 * @b: the allocator
 * @pfn: the value buddy_alloc() returned
 * @order: the order it was called with
 *
 * The block becomes dirty and merges with dirty buddies.  Returns 0, or
 * -EINVAL (and changes nothing) if [@pfn, @order] is not an allocated
 * block, e.g. on a double free.  Takes b->lock.
 */
int buddy_free(struct buddy *b, u64 pfn, unsigned int order)
{
	int ret = 0;

	lock(b);
	if (!is_block(b, pfn, order, BUDDY_F_ALLOC)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	__free_block(b, pfn);

out_unlock:
	unlock(b);
	return ret;
}

/* First frame of the block containing @pfn (< npages); lock held. */
static u64 block_head(struct buddy *b, u64 pfn)
{
	unsigned int o;
	u64 h;

	/*
	 * The head is the block's first frame, aligned to its size; every
	 * aligned candidate between it and @pfn is a TAIL of the same block.
	 */
	for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
		h = pfn & ~((1ULL << o) - 1);
		if (b->frames[h].state != BUDDY_F_TAIL)
			return h;
	}
	return pfn & ~((1ULL << BUDDY_MAX_ORDER) - 1);
}

/**
 * buddy_free_range - give back any range of allocated frames
 * @b: the allocator
 * @pfn: first frame
 * @npages: number of frames, > 0
 *
 * Every frame of [@pfn, @pfn + @npages) must be allocated (to any owners);
 * blocks the range cuts are split, their parts outside the range stay
 * allocated to the same owner.  The freed frames become dirty.  Returns 0,
 * or -EINVAL (changing nothing) if some frame is out of range or not
 * allocated.  O((blocks + 1) * MAX_ORDER); takes b->lock.
 */
int buddy_free_range(struct buddy *b, u64 pfn, u64 npages)
{
	u64 end = pfn + npages, p, h, half;
	unsigned int o, owner;
	int ret = 0;

	if (npages == 0 || end < pfn || end > READ_ONCE(b->grown))
		return -EINVAL;

	lock(b);
	for (p = pfn; p < end; p = h + (1ULL << b->frames[h].order)) {
		h = block_head(b, p);
		if (b->frames[h].state != BUDDY_F_ALLOC) {
			ret = -EINVAL;
			goto out_unlock;
		}
	}

	p = pfn;
	while (p < end) {
		h = block_head(b, p);
		o = b->frames[h].order;
		if (h == p && p + (1ULL << o) <= end) {
			__free_block(b, p);
			commit(b);
			p += 1ULL << o;
			continue;
		}
		/* Cut the block in two allocated halves and look again. */
		owner = b->frames[h].owner;
		half = 1ULL << (o - 1);
		clear_owned(b, h);
		set_owned(b, h, o - 1, BUDDY_F_ALLOC, owner);
		set_owned(b, h + half, o - 1, BUDDY_F_ALLOC, owner);
		commit(b);
	}

out_unlock:
	unlock(b);
	return ret;
}

/**
 * buddy_free_owner - free every block @owner holds
 * @b: the allocator
 * @owner: below BUDDY_MAX_OWNERS
 *
 * The blocks become dirty, and so do blocks @owner had taken for zeroing.
 * Returns the number of allocated pages freed.  O(blocks * MAX_ORDER);
 * takes b->lock.
 */
u64 buddy_free_owner(struct buddy *b, unsigned int owner)
{
	u64 freed;

	if (owner >= BUDDY_MAX_OWNERS)
		return 0;
	lock(b);
	freed = b->owner_pages[owner];
	while (b->owner_head[owner] != BUDDY_NIL) {
		__free_block(b, b->owner_head[owner]);
		commit(b);
	}
	unlock(b);
	return freed;
}

/**
 * buddy_owner_pages - pages @owner holds now
 * @b: the allocator
 * @owner: below BUDDY_MAX_OWNERS
 */
u64 buddy_owner_pages(struct buddy *b, unsigned int owner)
{
	u64 n;

	if (owner >= BUDDY_MAX_OWNERS)
		return 0;
	lock(b);
	n = b->owner_pages[owner];
	unlock(b);
	return n;
}

/*
 * Move the dirty block at the head of list @o to ZEROING, on @owner's
 * list; lock held.
 */
static long __take_dirty(struct buddy *b, unsigned int owner, unsigned int o,
			 unsigned int *order)
{
	u64 pfn = b->head[BUDDY_LIST_DIRTY][o];

	list_del(b, BUDDY_LIST_DIRTY, o, pfn);
	set_owned(b, pfn, o, BUDDY_F_ZEROING, owner);
	SET(b, b->nr_dirty, b->nr_dirty - (1ULL << o));
	SET(b, b->nr_zeroing, b->nr_zeroing + (1ULL << o));
	*order = o;
	return (long)pfn;
}

/**
 * buddy_take_dirty - take the largest dirty block for zeroing
 * @b: the allocator
 * @owner: the taker, below BUDDY_MAX_OWNERS: the block waits on its list
 * @order: set to the block's order on success
 *
 * The block is neither allocatable nor dirty until the caller zeroes its
 * 2^*@order frames and hands it back with buddy_put_clean(), or @owner's
 * blocks are freed (it is dirty again).  Returns the first frame number,
 * or -ENOENT if no block is dirty, or -EINVAL for a bad @owner.  Takes
 * b->lock.
 */
long buddy_take_dirty(struct buddy *b, unsigned int owner,
		      unsigned int *order)
{
	long ret = -ENOENT;
	int o;

	if (owner >= BUDDY_MAX_OWNERS)
		return -EINVAL;
	lock(b);
	for (o = BUDDY_MAX_ORDER; o >= 0; o--) {
		if (b->head[BUDDY_LIST_DIRTY][o] != BUDDY_NIL) {
			ret = __take_dirty(b, owner, (unsigned int)o, order);
			break;
		}
	}
	unlock(b);
	return ret;
}

/**
 * buddy_take_dirty_fit - take a dirty block to zero for a @want-order need
 * @b: the allocator
 * @owner: the taker, as for buddy_take_dirty()
 * @want: order the caller is about to allocate
 * @order: set to the block's order on success
 *
 * Like buddy_take_dirty(), but picks the smallest dirty block of order
 * >= @want, so an allocation that got -EAGAIN zeroes no more than needed;
 * if none is that big, the largest dirty block.  Returns the first frame
 * number or -ENOENT.  Takes b->lock.
 */
long buddy_take_dirty_fit(struct buddy *b, unsigned int owner,
			  unsigned int want, unsigned int *order)
{
	long ret = -ENOENT;
	int o;

	if (owner >= BUDDY_MAX_OWNERS)
		return -EINVAL;
	if (want > BUDDY_MAX_ORDER)
		want = BUDDY_MAX_ORDER;

	lock(b);
	for (o = (int)want; o <= BUDDY_MAX_ORDER; o++) {
		if (b->head[BUDDY_LIST_DIRTY][o] != BUDDY_NIL) {
			ret = __take_dirty(b, owner, (unsigned int)o, order);
			goto out_unlock;
		}
	}
	for (o = (int)want - 1; o >= 0; o--) {
		if (b->head[BUDDY_LIST_DIRTY][o] != BUDDY_NIL) {
			ret = __take_dirty(b, owner, (unsigned int)o, order);
			break;
		}
	}

out_unlock:
	unlock(b);
	return ret;
}

/**
 * buddy_put_clean - return a zeroed block taken by buddy_take_dirty*()
 * @b: the allocator
 * @pfn: the frame number returned by the take
 * @order: the order it reported
 *
 * The block becomes clean and merges with clean buddies.  Returns 0, or
 * -EINVAL (changing nothing) if [@pfn, @order] is not a block being zeroed.
 * Takes b->lock.
 */
int buddy_put_clean(struct buddy *b, u64 pfn, unsigned int order)
{
	return buddy_put_clean_part(b, pfn, order, order);
}

/**
 * buddy_put_clean_part - return a block taken for zeroing, partly zeroed
 * @b: the allocator
 * @pfn: @order: the block as buddy_take_dirty*() reported it
 * @clean_order: <= @order; frames [@pfn, @pfn + 2^@clean_order) were zeroed
 *
 * The zeroed first part becomes clean, the rest dirty again (as blocks of
 * order @clean_order..@order-1), so a zeroer can work through a large
 * block in bounded steps.  Returns 0, or -EINVAL (changing nothing) if
 * [@pfn, @order] is not a block being zeroed or @clean_order > @order.
 * Takes b->lock.
 */
int buddy_put_clean_part(struct buddy *b, u64 pfn, unsigned int order,
			 unsigned int clean_order)
{
	unsigned int o;
	u64 half;
	int ret = 0;

	lock(b);
	if (clean_order > order || !is_block(b, pfn, order, BUDDY_F_ZEROING)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	/* A step per upper half given back dirty; the block shrinks. */
	for (o = order; o > clean_order; o--) {
		half = 1ULL << (o - 1);
		SET(b, b->frames[pfn].order, o - 1);
		SET(b, b->nr_zeroing, b->nr_zeroing - half);
		SET(b, b->nr_dirty, b->nr_dirty + half);
		__buddy_insert(b, pfn + half, o - 1, BUDDY_F_DIRTY);
		commit(b);
	}
	clear_owned(b, pfn);
	SET(b, b->nr_zeroing, b->nr_zeroing - (1ULL << clean_order));
	SET(b, b->nr_clean, b->nr_clean + (1ULL << clean_order));
	__buddy_insert(b, pfn, clean_order, BUDDY_F_CLEAN);

out_unlock:
	unlock(b);
	return ret;
}

static unsigned int ilog2_u64(u64 x)
{
	return 63U - (unsigned int)__builtin_clzll(x);
}

/**
 * buddy_stats - snapshot of the allocator's counters
 * @b: the allocator
 * @st: filled in (see struct buddy_stats for the fields)
 *
 * O(MAX_ORDER); takes b->lock.
 */
void buddy_stats(struct buddy *b, struct buddy_stats *st)
{
	unsigned int ideal;
	u64 free;
	int o;

	__builtin_memset(st, 0, sizeof(*st));
	lock(b);
	st->total = b->npages;
	st->grown = b->grown;
	st->free_clean = b->nr_clean;
	st->dirty = b->nr_dirty;
	st->zeroing = b->nr_zeroing;
	st->allocated = b->nr_alloc;
	st->largest_clean_order = -1;
	st->largest_free_order = -1;
	for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
		st->clean_blocks[o] = b->nr_blocks[BUDDY_LIST_CLEAN][o];
		st->dirty_blocks[o] = b->nr_blocks[BUDDY_LIST_DIRTY][o];
		if (st->clean_blocks[o])
			st->largest_clean_order = o;
		if (st->clean_blocks[o] || st->dirty_blocks[o])
			st->largest_free_order = o;
	}
	unlock(b);

	free = st->free_clean + st->dirty;
	st->frag_permille = 0;
	if (free) {
		ideal = MIN(ilog2_u64(free), (unsigned int)BUDDY_MAX_ORDER);
		ideal -= (unsigned int)st->largest_free_order;
		st->frag_permille = 1000U - (1000U >> ideal);
	}
}

/* Walk one free list; true if it holds exactly the @expect right blocks. */
static bool check_list(struct buddy *b, unsigned int list, unsigned int order,
		       u64 expect)
{
	unsigned int state = list == BUDDY_LIST_CLEAN ? BUDDY_F_CLEAN :
							BUDDY_F_DIRTY;
	u32 prev = BUDDY_NIL;
	u32 pfn = b->head[list][order];
	u64 n = 0;

	while (pfn != BUDDY_NIL) {
		if (n == expect || !is_block(b, pfn, order, state))
			return false;
		if (b->frames[pfn].prev != prev)
			return false;
		prev = pfn;
		pfn = b->frames[pfn].next;
		n++;
	}
	return n == expect && b->nr_blocks[list][order] == expect;
}

/*
 * Walk every owner list: allocated and zeroing heads of that owner, the
 * allocated ones' pages counted.
 */
static bool check_owners(struct buddy *b, u64 nr_owned_blocks)
{
	u64 blocks = 0, pages, n;
	unsigned int owner;
	u32 pfn, prev;

	for (owner = 0; owner < BUDDY_MAX_OWNERS; owner++) {
		pages = 0;
		n = 0;
		prev = BUDDY_NIL;
		for (pfn = b->owner_head[owner]; pfn != BUDDY_NIL;
		     pfn = b->frames[pfn].next) {
			if (pfn >= b->npages || ++n > nr_owned_blocks ||
			    (b->frames[pfn].state != BUDDY_F_ALLOC &&
			     b->frames[pfn].state != BUDDY_F_ZEROING) ||
			    b->frames[pfn].owner != owner ||
			    b->frames[pfn].prev != prev)
				return false;
			if (b->frames[pfn].state == BUDDY_F_ALLOC)
				pages += 1ULL << b->frames[pfn].order;
			prev = pfn;
		}
		if (pages != b->owner_pages[owner])
			return false;
		blocks += n;
	}
	return blocks == nr_owned_blocks;
}

/* Validate everything; lock held. */
static bool __buddy_check(struct buddy *b)
{
	u64 pages[BUDDY_F_ALLOC + 1] = { 0 };
	u64 blocks[BUDDY_NR_LISTS][BUDDY_NR_ORDERS] = { { 0 } };
	unsigned int o, l, state;
	u64 pfn, i, size, buddy, owned_blocks = 0;

	if (b->npages == 0 || b->npages > BUDDY_MAX_PAGES)
		return false;

	if (b->grown > b->npages)
		return false;
	for (pfn = b->grown; pfn < b->npages; pfn++) {
		if (b->frames[pfn].state != BUDDY_F_TAIL)
			return false;
	}

	/* Frames must tile into aligned blocks whose tails are all TAIL. */
	for (pfn = 0; pfn < b->grown; pfn += size) {
		state = b->frames[pfn].state;
		o = b->frames[pfn].order;
		if (state == BUDDY_F_TAIL || state > BUDDY_F_ALLOC ||
		    o > BUDDY_MAX_ORDER)
			return false;
		size = 1ULL << o;
		if ((pfn & (size - 1)) || pfn + size > b->grown)
			return false;
		for (i = 1; i < size; i++) {
			if (b->frames[pfn + i].state != BUDDY_F_TAIL)
				return false;
		}
		pages[state] += size;
		if (state == BUDDY_F_ALLOC || state == BUDDY_F_ZEROING)
			owned_blocks++;
		if (state != BUDDY_F_CLEAN && state != BUDDY_F_DIRTY)
			continue;

		/* Free buddies of the same state must have been merged. */
		blocks[state_list(state)][o]++;
		buddy = pfn ^ size;
		if (o < BUDDY_MAX_ORDER && buddy + size <= b->npages &&
		    is_block(b, buddy, o, state))
			return false;
	}
	if (pages[BUDDY_F_CLEAN] != b->nr_clean ||
	    pages[BUDDY_F_DIRTY] != b->nr_dirty ||
	    pages[BUDDY_F_ZEROING] != b->nr_zeroing ||
	    pages[BUDDY_F_ALLOC] != b->nr_alloc)
		return false;

	for (l = 0; l < BUDDY_NR_LISTS; l++) {
		for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
			if (!check_list(b, l, o, blocks[l][o]))
				return false;
		}
	}
	return b->undo_n == 0 && check_owners(b, owned_blocks);
}

/**
 * buddy_check - validate every invariant of the allocator
 * @b: the allocator
 *
 * Checks that the frames tile into aligned blocks, that the page counters
 * and per-order block counts match, that each free list holds exactly the
 * free blocks of its state and order with consistent links, and that no
 * two free buddies of the same state were left unmerged, and that each
 * owner's list holds exactly its allocated blocks.  O(npages) with
 * b->lock held; meant for tests and debug builds.
 */
bool buddy_check(struct buddy *b)
{
	bool ok;

	lock(b);
	ok = __buddy_check(b);
	unlock(b);
	return ok;
}
