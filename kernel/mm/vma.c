// SPDX-License-Identifier: MIT
/*
 * Address-space map of an LWK process (see vma.h): an AVL tree of
 * non-overlapping regions keyed by start, with parent links.
 *
 * Augmentation: a node's subtree spans [sub_start, sub_end) and sub_gap[k]
 * is the largest "usable length" of the free gaps between consecutive
 * regions inside it, where a gap [gs, ge) is worth ge - ALIGN_UP(gs, 2^s)
 * for s = 12, 21, 30.  A gap holds an aligned range of len exactly when
 * that value is >= len, so vma_find_gap() never descends into a subtree in
 * vain except along the two paths that straddle lo and hi.  Every change
 * re-derives the fields from the changed node up to the root, which also
 * rebalances, so each update is O(log n).
 *
 * Freestanding: no libc, no allocation; nodes come from the caller's pool.
 * Recursion is bounded by the tree height (< 1.45 * log2(n) + 2).
 */
#include "vma.h"
#include "../errno.h"

static const u32 gap_shift[VMA_NR_GAPS] = { 12, 21, 30 };

static int height(const struct vma *n)
{
	return n ? n->height : 0;
}

/* Largest len an aligned range in the gap [gs, ge) can have. */
static u64 gap_usable(u64 gs, u64 ge, u32 shift)
{
	u64 mask = (1ULL << shift) - 1;
	u64 up = (gs + mask) & ~mask;

	if (up < gs || up >= ge)
		return 0;
	return ge - up;
}

/* Re-derive height and augmentation of @n from its children. */
static void update(struct vma *n)
{
	struct vma *l = n->left, *r = n->right;
	unsigned int k;
	u64 g;

	n->height = (u8)(1 + MAX(height(l), height(r)));
	n->sub_start = l ? l->sub_start : n->start;
	n->sub_end = r ? r->sub_end : n->end;
	for (k = 0; k < VMA_NR_GAPS; k++) {
		g = 0;
		if (l) {
			g = MAX(l->sub_gap[k],
				gap_usable(l->sub_end, n->start, gap_shift[k]));
		}
		if (r) {
			g = MAX(g, r->sub_gap[k]);
			g = MAX(g, gap_usable(n->end, r->sub_start,
					      gap_shift[k]));
		}
		n->sub_gap[k] = g;
	}
}

static void replace_child(struct vma_tree *t, struct vma *parent,
			  struct vma *old, struct vma *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

static struct vma *rotate_left(struct vma_tree *t, struct vma *x)
{
	struct vma *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

static struct vma *rotate_right(struct vma_tree *t, struct vma *x)
{
	struct vma *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

/*
 * Walk from @n to the root re-deriving every node and restoring the AVL
 * balance.  The walk never stops early because the gap fields of every
 * ancestor may have changed.
 */
static void fixup(struct vma_tree *t, struct vma *n)
{
	int bf;

	while (n) {
		update(n);
		bf = height(n->left) - height(n->right);
		if (bf > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bf < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

static struct vma *leftmost(struct vma *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}

static struct vma *rightmost(struct vma *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

/*
 * Nodes given back are reused first; the array is otherwise handed out in
 * order, so a large array costs nothing (not even a touch) until used.
 */
static struct vma *node_get(struct vma_tree *t)
{
	struct vma *n = t->pool.free;

	if (!n) {
		if (t->pool.nr_used == t->pool.nr_nodes)
			return NULL;
		return &t->pool.nodes[t->pool.nr_used++];
	}
	t->pool.free = n->right;
	t->pool.nr_free--;
	return n;
}

static void node_put(struct vma_tree *t, struct vma *n)
{
	n->left = NULL;
	n->parent = NULL;
	n->right = t->pool.free;
	t->pool.free = n;
	t->pool.nr_free++;
}

/* Is [start, end) a valid, aligned region for a mapping of 2^shift pages? */
static bool range_ok(u64 start, u64 end, u32 shift)
{
	if (shift < PAGE_SHIFT || shift > 63 || start >= end)
		return false;
	return IS_ALIGNED(start, 1ULL << shift) &&
	       IS_ALIGNED(end, 1ULL << shift);
}

/**
 * vma_tree_init - make an empty tree whose nodes come from @nodes
 * @t: the tree
 * @nodes: caller-owned array, used for as long as @t lives
 * @nr_nodes: its length; the tree holds at most this many regions
 *
 * O(1): @nodes is not touched until nodes are needed.
 */
void vma_tree_init(struct vma_tree *t, struct vma *nodes, size_t nr_nodes)
{
	t->root = NULL;
	t->count = 0;
	t->pool.nodes = nodes;
	t->pool.nr_nodes = nr_nodes;
	t->pool.nr_used = 0;
	t->pool.free = NULL;
	t->pool.nr_free = 0;
}

/**
 * vma_find - the first region ending above @addr
 * @t: the tree
 * @addr: any address
 *
 * Returns the region containing @addr or else the next one above it, or
 * NULL if every region ends at or below @addr.  O(log n).
 */
struct vma *vma_find(struct vma_tree *t, u64 addr)
{
	struct vma *n = t->root, *best = NULL;

	while (n) {
		if (n->end > addr) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/**
 * vma_lookup - the region containing @addr, or NULL.  O(log n).
 * @t: the tree
 * @addr: any address
 */
struct vma *vma_lookup(struct vma_tree *t, u64 addr)
{
	struct vma *v = vma_find(t, addr);

	return v && v->start <= addr ? v : NULL;
}

/**
 * vma_insert - map a new region
 * @t: the tree
 * @start: first address, aligned to 2^@page_shift
 * @end: one past the last address, aligned, above @start
 * @prot: @flags: @backing: stored as given
 * @page_shift: PAGE_SHIFT..63, the page size backing the region
 *
 * Returns the new node (kind 0), or NULL if the range is empty or
 * misaligned, overlaps an existing region, or the node pool is empty.
 * O(log n).
 */
struct vma *vma_insert(struct vma_tree *t, u64 start, u64 end, u32 prot,
		       u32 flags, u64 backing, u32 page_shift)
{
	struct vma *v, *p, **link;

	if (!range_ok(start, end, page_shift))
		return NULL;
	v = vma_find(t, start);
	if (v && v->start < end)
		return NULL;
	v = node_get(t);
	if (!v)
		return NULL;

	v->start = start;
	v->end = end;
	v->backing = backing;
	v->prot = prot;
	v->flags = flags;
	v->page_shift = page_shift;
	v->kind = 0;
	v->left = NULL;
	v->right = NULL;

	p = NULL;
	link = &t->root;
	while (*link) {
		p = *link;
		link = start < p->start ? &p->left : &p->right;
	}
	v->parent = p;
	*link = v;
	t->count++;
	fixup(t, v);
	return v;
}

/**
 * vma_split - cut @v in two at @addr
 * @t: the tree
 * @v: a region of @t
 * @addr: strictly inside @v, aligned to 2^@v->page_shift
 * @hi: if not NULL, set to the new upper node
 *
 * @v keeps [start, @addr); a new node gets [@addr, end) with the same
 * prot, flags, page_shift, kind and aux, and backing advanced by
 * (@addr - start) >> PAGE_SHIFT if flags has VMA_BACKING_LINEAR.  Returns
 * 0, -EINVAL for a bad @addr, or -ENOMEM if the node pool is empty (then
 * @v is unchanged).  O(log n).
 */
int vma_split(struct vma_tree *t, struct vma *v, u64 addr, struct vma **hi)
{
	struct vma *n, *p;

	if (addr <= v->start || addr >= v->end ||
	    !IS_ALIGNED(addr, 1ULL << v->page_shift))
		return -EINVAL;
	n = node_get(t);
	if (!n)
		return -ENOMEM;

	n->start = addr;
	n->end = v->end;
	n->backing = v->backing;
	if (v->flags & VMA_BACKING_LINEAR)
		n->backing += (addr - v->start) >> PAGE_SHIFT;
	n->prot = v->prot;
	n->flags = v->flags;
	n->page_shift = v->page_shift;
	n->kind = v->kind;
	n->aux = v->aux;
	n->left = NULL;
	n->right = NULL;
	v->end = addr;

	/* The new node is @v's in-order successor: hang it just after @v. */
	if (!v->right) {
		v->right = n;
		n->parent = v;
	} else {
		p = leftmost(v->right);
		p->left = n;
		n->parent = p;
	}
	t->count++;
	fixup(t, n);
	if (hi)
		*hi = n;
	return 0;
}

/**
 * vma_adjust - move the bounds of @v, e.g. to grow a heap or a stack
 * @t: the tree
 * @v: a region of @t
 * @start: @end: the new bounds, aligned to 2^@v->page_shift, @start < @end
 *
 * With VMA_BACKING_LINEAR, backing moves with @start (by a signed page
 * count; the caller keeps it meaningful).  Returns 0, -EINVAL for a bad
 * range, or -EEXIST if it would overlap a neighbour (then nothing
 * changes).  O(log n).
 */
int vma_adjust(struct vma_tree *t, struct vma *v, u64 start, u64 end)
{
	struct vma *prev, *next;

	if (!range_ok(start, end, v->page_shift))
		return -EINVAL;
	prev = vma_prev(t, v);
	next = vma_next(t, v);
	if ((prev && start < prev->end) || (next && end > next->start))
		return -EEXIST;

	if (v->flags & VMA_BACKING_LINEAR) {
		if (start >= v->start)
			v->backing += (start - v->start) >> PAGE_SHIFT;
		else
			v->backing -= (v->start - start) >> PAGE_SHIFT;
	}
	v->start = start;
	v->end = end;
	fixup(t, v);
	return 0;
}

/* Can @a, directly followed by @b, become one region? */
static bool mergeable(const struct vma *a, const struct vma *b)
{
	u64 want = a->backing;

	if (a->end != b->start || a->prot != b->prot ||
	    a->flags != b->flags || a->page_shift != b->page_shift ||
	    a->kind != b->kind)
		return false;
	if (a->flags & VMA_BACKING_LINEAR)
		want += (a->end - a->start) >> PAGE_SHIFT;
	return b->backing == want;
}

/**
 * vma_try_merge - fold @v together with touching, compatible neighbours
 * @t: the tree
 * @v: a region of @t
 *
 * Neighbours merge when they touch and have equal prot, flags, page_shift
 * and kind, and the backing continues (equal, or contiguous for
 * VMA_BACKING_LINEAR).  Returns the node now covering @v's range: @v or
 * its predecessor; the other nodes go back to the pool and must not be
 * used again.  O(log n).
 */
struct vma *vma_try_merge(struct vma_tree *t, struct vma *v)
{
	struct vma *next = vma_next(t, v);
	struct vma *prev = vma_prev(t, v);
	u64 end;

	if (next && mergeable(v, next)) {
		end = next->end;
		vma_remove(t, next);
		v->end = end;
		fixup(t, v);
	}
	if (prev && mergeable(prev, v)) {
		end = v->end;
		vma_remove(t, v);
		prev->end = end;
		fixup(t, prev);
		v = prev;
	}
	return v;
}

/**
 * vma_remove - unmap @v and return its node to the pool
 * @t: the tree
 * @v: a region of @t; invalid after the call
 *
 * Other nodes keep their addresses.  O(log n).
 */
void vma_remove(struct vma_tree *t, struct vma *v)
{
	struct vma *s, *sp, *c, *p;

	if (v->left && v->right) {
		/* Relink the successor into @v's place; data never moves. */
		s = leftmost(v->right);
		sp = s->parent;
		if (sp != v) {
			sp->left = s->right;
			if (s->right)
				s->right->parent = sp;
			s->right = v->right;
			v->right->parent = s;
		} else {
			sp = s;
		}
		s->left = v->left;
		v->left->parent = s;
		s->parent = v->parent;
		replace_child(t, v->parent, v, s);
		fixup(t, sp);
	} else {
		c = v->left ? v->left : v->right;
		p = v->parent;
		if (c)
			c->parent = p;
		replace_child(t, p, v, c);
		fixup(t, p);
	}
	t->count--;
	node_put(t, v);
}

/**
 * vma_first - the lowest region, or NULL if the tree is empty
 * @t: the tree
 */
struct vma *vma_first(struct vma_tree *t)
{
	return leftmost(t->root);
}

/**
 * vma_next - the region after @v, or NULL
 * @t: the tree
 * @v: a region of @t
 *
 * O(log n) worst case, O(1) amortised over a full walk.
 */
struct vma *vma_next(struct vma_tree *t, struct vma *v)
{
	struct vma *p;

	(void)t;
	if (v->right)
		return leftmost(v->right);
	p = v->parent;
	while (p && v == p->right) {
		v = p;
		p = p->parent;
	}
	return p;
}

/**
 * vma_prev - the region before @v, or NULL
 * @t: the tree
 * @v: a region of @t
 */
struct vma *vma_prev(struct vma_tree *t, struct vma *v)
{
	struct vma *p;

	(void)t;
	if (v->left)
		return rightmost(v->left);
	p = v->parent;
	while (p && v == p->left) {
		v = p;
		p = p->parent;
	}
	return p;
}

struct gap_search {
	u64 len;
	u64 align;
	u64 lo;
	u64 hi;
	unsigned int k;		/* gap class to prune with */
	u64 out;
};

/* Does the free gap [gs, ge), clipped to [lo, hi), take an aligned len? */
static bool gap_fit(struct gap_search *s, u64 gs, u64 ge)
{
	u64 cs = MAX(gs, s->lo), ce = MIN(ge, s->hi), a;

	if (ce <= cs || ce - cs < s->len)
		return false;
	a = ALIGN_DOWN(ce - s->len, s->align);
	if (a < cs)
		return false;
	s->out = a;
	return true;
}

/* Highest fitting gap between the regions of subtree @n. */
static bool gap_search(struct gap_search *s, struct vma *n)
{
	if (!n || n->sub_gap[s->k] < s->len)
		return false;
	if (n->sub_end <= s->lo || n->sub_start >= s->hi)
		return false;

	if (gap_search(s, n->right))
		return true;
	if (n->right && gap_fit(s, n->end, n->right->sub_start))
		return true;
	if (n->left && gap_fit(s, n->left->sub_end, n->start))
		return true;
	return gap_search(s, n->left);
}

/**
 * vma_find_gap - highest free range for a new mapping, top-down like mmap
 * @t: the tree
 * @len: bytes needed, > 0
 * @align: power of two >= PAGE_SIZE; the result is a multiple of it
 * @lo: @hi: the range must lie inside [@lo, @hi)
 * @out: set to the start of the range on success
 *
 * Finds the highest aligned @out with [@out, @out + @len) inside [@lo, @hi)
 * and free of regions.  Returns 0, -EINVAL for bad @len or @align, or
 * -ENOMEM if no such range exists.  The answer is always exact.  O(log n)
 * for @align of 4 KiB, 2 MiB or 1 GiB; for other alignments subtrees are
 * pruned with the next smaller of these, which is exact but may visit
 * gaps that turn out too small once aligned.
 */
int vma_find_gap(struct vma_tree *t, u64 len, u64 align, u64 lo, u64 hi,
		 u64 *out)
{
	struct gap_search s = { .len = len, .align = align, .lo = lo,
				.hi = hi, .k = 0 };
	struct vma *r = t->root;
	unsigned int k;

	if (len == 0 || align < PAGE_SIZE || (align & (align - 1)))
		return -EINVAL;
	if (lo >= hi || hi - lo < len)
		return -ENOMEM;
	for (k = 0; k < VMA_NR_GAPS; k++) {
		if ((1ULL << gap_shift[k]) <= align)
			s.k = k;
	}

	if (!r) {
		if (!gap_fit(&s, 0, ~0ULL))
			return -ENOMEM;
	} else if (!gap_fit(&s, r->sub_end, ~0ULL) && !gap_search(&s, r) &&
		   !gap_fit(&s, 0, r->sub_start)) {
		return -ENOMEM;
	}
	*out = s.out;
	return 0;
}

/**
 * vma_count - number of regions in @t
 * @t: the tree
 */
size_t vma_count(struct vma_tree *t)
{
	return t->count;
}

/**
 * vma_nr_free - nodes left in @t's pool, i.e. how many more regions fit
 * @t: the tree
 */
size_t vma_nr_free(struct vma_tree *t)
{
	return t->pool.nr_free + t->pool.nr_nodes - t->pool.nr_used;
}

struct check_walk {
	struct vma *prev;	/* last node visited in order */
	size_t count;
};

/* Validate subtree @n under @parent; no deeper than @depth. */
static bool check_node(struct vma_tree *t, struct check_walk *w,
		       struct vma *n, struct vma *parent, int depth)
{
	struct vma copy;
	unsigned int k;

	if (!n)
		return true;
	if (depth == 0 || n->parent != parent)
		return false;
	if (n < t->pool.nodes || n >= t->pool.nodes + t->pool.nr_nodes)
		return false;
	if (!check_node(t, w, n->left, n, depth - 1))
		return false;

	if (!range_ok(n->start, n->end, n->page_shift))
		return false;
	if (w->prev && w->prev->end > n->start)
		return false;
	w->prev = n;
	if (++w->count > t->pool.nr_nodes)
		return false;

	if (!check_node(t, w, n->right, n, depth - 1))
		return false;

	copy = *n;
	update(&copy);
	if (copy.height != n->height || copy.sub_start != n->sub_start ||
	    copy.sub_end != n->sub_end)
		return false;
	for (k = 0; k < VMA_NR_GAPS; k++) {
		if (copy.sub_gap[k] != n->sub_gap[k])
			return false;
	}
	return height(n->left) - height(n->right) <= 1 &&
	       height(n->right) - height(n->left) <= 1;
}

/**
 * vma_check - validate every invariant of @t
 * @t: the tree
 *
 * Checks parent links, AVL balance and heights, the subtree fields, that
 * regions are valid, ordered and disjoint, that count is right, and that
 * the pool's free list accounts for every other node.  O(n); for tests.
 */
bool vma_check(struct vma_tree *t)
{
	struct check_walk w = { NULL, 0 };
	struct vma *n;
	size_t nfree = 0;

	if (!check_node(t, &w, t->root, NULL, 128) || w.count != t->count)
		return false;
	if (t->pool.nr_used > t->pool.nr_nodes)
		return false;
	for (n = t->pool.free; n; n = n->right) {
		if (n < t->pool.nodes || n >= t->pool.nodes + t->pool.nr_used)
			return false;
		if (++nfree > t->pool.nr_free)
			return false;
	}
	return nfree == t->pool.nr_free &&
	       nfree + t->count == t->pool.nr_used;
}
