/* SPDX-License-Identifier: MIT */
/*
 * Address-space map: non-overlapping [start, end) regions of one LWK
 * process, kept in an AVL tree keyed by start.
 *
 * Nodes come from a fixed array handed to vma_tree_init(); nothing is ever
 * allocated.  Each node also keeps, for its subtree, the largest free gap
 * usable at 4 KiB, 2 MiB and 1 GiB alignment, so lookups and the top-down
 * free-range search (vma_find_gap) are O(log n).
 *
 * The tree has no lock of its own: the caller serialises all calls on one
 * tree with its address-space lock.
 */
#ifndef TANDEM_KERNEL_MM_VMA_H
#define TANDEM_KERNEL_MM_VMA_H

#include "../types.h"

/*
 * The one flag bit the tree interprets: backing is a frame number that
 * advances with the address, so vma_split() and vma_adjust() move it and
 * vma_try_merge() requires contiguity.  All other bits belong to the caller.
 */
#define VMA_BACKING_LINEAR	(1U << 31)

enum vma_gap_class {
	VMA_GAP_4K,		/* alignment 1 << 12 */
	VMA_GAP_2M,		/* alignment 1 << 21 */
	VMA_GAP_1G,		/* alignment 1 << 30 */
	VMA_NR_GAPS
};

/*
 * A mapped region.  The caller may change prot, flags, backing and kind in
 * place; start and end only through vma_split() and vma_adjust().
 */
struct vma {
	u64 start;			/* page_shift aligned */
	u64 end;			/* exclusive, page_shift aligned */
	u64 backing;			/* first pool pfn, file offset */
	u32 prot;
	u32 flags;
	u32 page_shift;			/* 12, 21 or 30 */
	u8 kind;			/* caller's name tag; 0 after insert */
	u64 aux;			/* caller's spare word, not interpreted */

	/* Private to vma.c. */
	u8 height;
	struct vma *left;
	struct vma *right;		/* next free node while in the pool */
	struct vma *parent;
	u64 sub_start;			/* lowest start in the subtree */
	u64 sub_end;			/* highest end in the subtree */
	u64 sub_gap[VMA_NR_GAPS];	/* largest aligned usable gap inside */
};

struct vma_pool {
	struct vma *nodes;
	size_t nr_nodes;
	size_t nr_used;			/* nodes[nr_used..] never handed out */
	struct vma *free;		/* given back, linked through ->right */
	size_t nr_free;			/* on the free list */
};

struct vma_tree {
	struct vma *root;
	size_t count;
	struct vma_pool pool;
};

void vma_tree_init(struct vma_tree *t, struct vma *nodes, size_t nr_nodes);
struct vma *vma_find(struct vma_tree *t, u64 addr);
struct vma *vma_lookup(struct vma_tree *t, u64 addr);
struct vma *vma_insert(struct vma_tree *t, u64 start, u64 end, u32 prot,
		       u32 flags, u64 backing, u32 page_shift);
int vma_split(struct vma_tree *t, struct vma *v, u64 addr, struct vma **hi);
int vma_adjust(struct vma_tree *t, struct vma *v, u64 start, u64 end);
struct vma *vma_try_merge(struct vma_tree *t, struct vma *v);
void vma_remove(struct vma_tree *t, struct vma *v);
struct vma *vma_first(struct vma_tree *t);
struct vma *vma_next(struct vma_tree *t, struct vma *v);
struct vma *vma_prev(struct vma_tree *t, struct vma *v);
int vma_find_gap(struct vma_tree *t, u64 len, u64 align, u64 lo, u64 hi,
		 u64 *out);
size_t vma_count(struct vma_tree *t);
size_t vma_nr_free(struct vma_tree *t);
bool vma_check(struct vma_tree *t);

#endif
