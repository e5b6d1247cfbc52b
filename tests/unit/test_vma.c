// SPDX-License-Identifier: MIT
/*
 * Unit tests for the VMA tree (kernel/mm/vma.c), built on the host.
 *
 * Each case runs in its own child process (unit.h) and prints "ok <name>" or
 * "FAIL <name>: <why>"; the suite ends with "N passed, N failed" and exits
 * non-zero on any failure.  Random cases replay a fixed seed, printed in
 * every failure, against a sorted array of regions, and every answer of
 * vma_find_gap() is compared with a brute-force scan of that array.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../kernel/mm/vma.c"

#define KB(x)	((u64)(x) << 10)
#define MB(x)	((u64)(x) << 20)
#define GB(x)	((u64)(x) << 30)

#include "unit.h"

/* Brute-force vma_find_gap over the in-order walk of the tree itself. */
static int ref_gap_walk(struct vma_tree *t, u64 len, u64 align, u64 lo,
			u64 hi, u64 *out)
{
	u64 gs = 0, ge, cs, ce, a, best = 0;
	bool found = false;
	struct vma *v = vma_first(t);

	for (;;) {
		ge = v ? v->start : ~0ULL;
		cs = MAX(gs, lo);
		ce = MIN(ge, hi);
		if (ce > cs && ce - cs >= len) {
			a = (ce - len) & ~(align - 1);
			if (a >= cs) {
				best = a;
				found = true;
			}
		}
		if (!v)
			break;
		gs = v->end;
		v = vma_next(t, v);
	}
	if (!found)
		return -ENOMEM;
	*out = best;
	return 0;
}

static void expect_gap(struct vma_tree *t, u64 len, u64 align, u64 lo, u64 hi,
		       int want_ret, u64 want)
{
	u64 got = 0xdead;
	int r = vma_find_gap(t, len, align, lo, hi, &got);

	CHECK(r == want_ret && (r || got == want),
	      "find_gap(len %#llx, align %#llx, [%#llx, %#llx)) = %d/%#llx, want %d/%#llx",
	      (unsigned long long)len, (unsigned long long)align,
	      (unsigned long long)lo, (unsigned long long)hi, r,
	      (unsigned long long)got, want_ret, (unsigned long long)want);
}

static void case_empty(void)
{
	struct vma nodes[4];
	struct vma_tree t;

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	CHECK(vma_check(&t), "check failed on an empty tree");
	CHECK(vma_count(&t) == 0 && vma_nr_free(&t) == 4, "bad counts");
	CHECK(!vma_first(&t) && !vma_find(&t, 0) && !vma_lookup(&t, 123),
	      "lookups in an empty tree found something");
	expect_gap(&t, KB(4), KB(4), 0, ~0ULL, 0, ~0ULL - KB(8) + 1);
	expect_gap(&t, KB(4), KB(4), KB(4), KB(8), 0, KB(4));
	expect_gap(&t, KB(8), KB(4), KB(4), KB(8), -ENOMEM, 0);
	expect_gap(&t, KB(4), KB(4), KB(8), KB(8), -ENOMEM, 0);
	expect_gap(&t, 0, KB(4), 0, GB(1), -EINVAL, 0);
	expect_gap(&t, KB(4), KB(3), 0, GB(1), -EINVAL, 0);
	expect_gap(&t, KB(4), KB(2), 0, GB(1), -EINVAL, 0);
	expect_gap(&t, MB(2), MB(2), KB(4), MB(4) - KB(4), -ENOMEM, 0);
	expect_gap(&t, MB(2), MB(2), KB(4), MB(4), 0, MB(2));
}

static void case_insert_lookup(void)
{
	struct vma nodes[8];
	struct vma_tree t;
	struct vma *a, *b, *c, *v;

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	a = vma_insert(&t, KB(16), KB(32), 3, 0, 7, 12);
	b = vma_insert(&t, KB(64), KB(68), 1, 0, 0, 12);
	c = vma_insert(&t, MB(2), MB(6), 1, 0, 0, 21);
	CHECK(a && b && c, "inserts failed");
	CHECK(a->prot == 3 && a->backing == 7 && a->page_shift == 12 &&
	      a->kind == 0, "fields not stored");

	CHECK(!vma_insert(&t, KB(28), KB(36), 0, 0, 0, 12), "overlap at end");
	CHECK(!vma_insert(&t, KB(12), KB(20), 0, 0, 0, 12), "overlap at start");
	CHECK(!vma_insert(&t, KB(8), KB(40), 0, 0, 0, 12), "overlap around");
	CHECK(!vma_insert(&t, KB(20), KB(24), 0, 0, 0, 12), "overlap inside");
	CHECK(!vma_insert(&t, KB(8), KB(8), 0, 0, 0, 12), "empty range");
	CHECK(!vma_insert(&t, KB(9), KB(12), 0, 0, 0, 12), "unaligned start");
	CHECK(!vma_insert(&t, MB(8), MB(9), 0, 0, 0, 21), "unaligned end");
	CHECK(!vma_insert(&t, KB(0), KB(4), 0, 0, 0, 11), "page_shift 11");
	CHECK(!vma_insert(&t, KB(0), KB(4), 0, 0, 0, 64), "page_shift 64");
	v = vma_insert(&t, KB(32), KB(64), 0, 0, 0, 12);
	CHECK(v, "exactly fitting insert failed");
	CHECK(vma_check(&t) && vma_count(&t) == 4, "check/count");

	CHECK(vma_lookup(&t, KB(16)) == a && vma_lookup(&t, KB(32) - 1) == a,
	      "lookup at a's bounds");
	CHECK(vma_lookup(&t, KB(32)) == v && vma_lookup(&t, KB(68)) == NULL,
	      "lookup at v / past b");
	CHECK(vma_lookup(&t, KB(15)) == NULL, "lookup below a");
	CHECK(vma_find(&t, 0) == a && vma_find(&t, KB(68)) == c &&
	      vma_find(&t, MB(6)) == NULL && vma_find(&t, MB(6) - 1) == c,
	      "vma_find");
	CHECK(vma_first(&t) == a && vma_next(&t, a) == v &&
	      vma_next(&t, v) == b && vma_next(&t, b) == c &&
	      vma_next(&t, c) == NULL && vma_prev(&t, c) == b &&
	      vma_prev(&t, a) == NULL, "iteration order");
}

static void case_split(void)
{
	struct vma nodes[3];
	struct vma_tree t;
	struct vma *a, *b, *hi, *hi2;

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	a = vma_insert(&t, MB(2), MB(10), 3, VMA_BACKING_LINEAR | 5, 1000,
		       21);
	b = vma_insert(&t, MB(20), MB(21), 1, 5, 77, 12);
	CHECK(a && b, "inserts failed");
	a->kind = 9;

	CHECK(vma_split(&t, a, MB(2), &hi) == -EINVAL, "split at start");
	CHECK(vma_split(&t, a, MB(10), &hi) == -EINVAL, "split at end");
	CHECK(vma_split(&t, a, MB(11), &hi) == -EINVAL, "split outside");
	CHECK(vma_split(&t, a, MB(4) + KB(4), &hi) == -EINVAL,
	      "split off a huge-page boundary");
	CHECK(vma_split(&t, a, MB(4), &hi) == 0, "split failed");
	CHECK(a->start == MB(2) && a->end == MB(4) && a->backing == 1000,
	      "low half wrong");
	CHECK(hi->start == MB(4) && hi->end == MB(10) &&
	      hi->backing == 1000 + (MB(2) >> 12) && hi->prot == 3 &&
	      hi->flags == (VMA_BACKING_LINEAR | 5) && hi->page_shift == 21 &&
	      hi->kind == 9, "high half wrong");
	CHECK(vma_check(&t) && vma_count(&t) == 3, "check after split");
	CHECK(vma_lookup(&t, MB(4) - 1) == a && vma_lookup(&t, MB(4)) == hi,
	      "lookup around the cut");

	CHECK(vma_split(&t, b, MB(20) + KB(4), &hi2) == -ENOMEM,
	      "split with an empty pool");
	CHECK(b->start == MB(20) && b->end == MB(21), "failed split changed b");
	CHECK(vma_check(&t), "check after failed split");

	vma_remove(&t, a);
	CHECK(vma_split(&t, b, MB(20) + KB(4), &hi2) == 0, "split b failed");
	CHECK(hi2->backing == 77, "non-linear backing moved");
	CHECK(vma_check(&t) && vma_count(&t) == 3, "check after split b");
}

static void case_pool_exhaustion(void)
{
	struct vma nodes[16];
	struct vma_tree t;
	struct vma *v[16];
	int i;

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	for (i = 0; i < 16; i++) {
		v[i] = vma_insert(&t, KB(8) * (u64)i, KB(8) * (u64)i + KB(4),
				  0, 0, 0, 12);
		CHECK(v[i], "insert %d failed", i);
	}
	CHECK(vma_nr_free(&t) == 0, "pool not empty");
	CHECK(!vma_insert(&t, MB(1), MB(2), 0, 0, 0, 12),
	      "insert with an empty pool");
	CHECK(vma_check(&t) && vma_count(&t) == 16, "check when full");

	vma_remove(&t, v[7]);
	CHECK(vma_nr_free(&t) == 1 && vma_lookup(&t, KB(56)) == NULL,
	      "remove did not free");
	CHECK(vma_insert(&t, MB(1), MB(2), 0, 0, 0, 12), "reinsert failed");
	for (i = 0; i < 16; i++) {
		if (i != 7)
			vma_remove(&t, v[i]);
	}
	CHECK(vma_check(&t) && vma_count(&t) == 1 && vma_nr_free(&t) == 15,
	      "counts after removing all but one");
}

static void case_adjust_merge(void)
{
	struct vma nodes[8];
	struct vma_tree t;
	struct vma *a, *b, *c, *m;
	const u32 lin = VMA_BACKING_LINEAR;

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	a = vma_insert(&t, KB(40), KB(48), 3, lin, 10, 12);
	b = vma_insert(&t, KB(64), KB(80), 3, lin, 20, 12);
	CHECK(a && b, "inserts failed");

	CHECK(vma_adjust(&t, a, KB(40), KB(68)) == -EEXIST, "overlap up");
	CHECK(vma_adjust(&t, b, KB(44), KB(80)) == -EEXIST, "overlap down");
	CHECK(vma_adjust(&t, a, KB(40), KB(40)) == -EINVAL, "empty adjust");
	CHECK(vma_adjust(&t, a, KB(41), KB(48)) == -EINVAL, "unaligned adjust");
	CHECK(a->start == KB(40) && a->end == KB(48) && a->backing == 10,
	      "failed adjust changed a");

	CHECK(vma_adjust(&t, a, KB(32), KB(64)) == 0, "grow a");
	CHECK(a->backing == 8, "linear backing did not follow start: %llu",
	      (unsigned long long)a->backing);
	CHECK(vma_check(&t), "check after adjust");
	expect_gap(&t, KB(4), KB(4), 0, KB(80), 0, KB(28));

	/* a: [32K,64K) backing 8 covers pfns 8..15; b must start at 16. */
	CHECK(vma_try_merge(&t, a) == a && vma_count(&t) == 2,
	      "merged non-contiguous backing");
	b->backing = 16;
	m = vma_try_merge(&t, b);
	CHECK(m == a && vma_count(&t) == 1 && a->end == KB(80) &&
	      a->backing == 8, "merge into predecessor failed");
	CHECK(vma_check(&t), "check after merge");

	c = vma_insert(&t, KB(80), KB(96), 3, 0, 0, 12);
	CHECK(c, "insert c failed");
	CHECK(vma_try_merge(&t, a) == a && vma_count(&t) == 2,
	      "merged different flags");
	c->flags = lin;
	c->backing = 8 + 12;
	c->kind = 1;
	CHECK(vma_try_merge(&t, c) == c && vma_count(&t) == 2,
	      "merged different kind");
	c->kind = 0;
	b = vma_insert(&t, KB(96), KB(100), 3, lin, 24, 12);
	CHECK(b, "insert b failed");
	m = vma_try_merge(&t, c);
	CHECK(m == a && vma_count(&t) == 1 && a->start == KB(32) &&
	      a->end == KB(100), "three-way merge failed");
	CHECK(vma_check(&t) && vma_nr_free(&t) == 7, "check after 3-way merge");
}

/* Gaps at the edges of the address space and of [lo, hi). */
static void case_gap_edges(void)
{
	struct vma nodes[8];
	struct vma_tree t;
	const u64 top = ~0ULL - KB(4) + 1;	/* highest page */

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	CHECK(vma_insert(&t, top - GB(1), top, 0, 0, 0, 12), "top insert");
	CHECK(vma_insert(&t, 0, KB(4), 0, 0, 0, 12), "bottom insert");
	CHECK(vma_insert(&t, GB(2), GB(3), 0, 0, 0, 30), "1G insert");
	CHECK(vma_check(&t), "check");

	/* The free top page [top, 2^64) is never usable: hi is exclusive. */
	expect_gap(&t, KB(4), KB(4), top, ~0ULL, -ENOMEM, 0);
	expect_gap(&t, KB(4), KB(4), 0, ~0ULL, 0, top - GB(1) - KB(4));
	expect_gap(&t, GB(1), GB(1), 0, ~0ULL, 0,
		   ALIGN_DOWN(top - GB(1), GB(1)) - GB(1));
	/* Below 3G: the hole [4K, 2G) takes a 1G-aligned 1G at 1G. */
	expect_gap(&t, GB(1), GB(1), 0, GB(3), 0, GB(1));
	expect_gap(&t, GB(1), GB(1), 0, GB(2) - 1, -ENOMEM, 0);
	expect_gap(&t, GB(1) - KB(4), KB(4), 0, GB(1), 0, KB(4));
	expect_gap(&t, GB(1), KB(4), 0, GB(1), -ENOMEM, 0);
	/* lo inside a region, hi inside another. */
	expect_gap(&t, KB(4), KB(4), KB(2), GB(2) + 5, 0, GB(2) - KB(4));
	expect_gap(&t, MB(2), MB(2), KB(2), GB(2) + 5, 0, GB(2) - MB(2));
	expect_gap(&t, KB(8), KB(4), GB(2), GB(3), -ENOMEM, 0);
	/* An odd alignment, pruned with the 2M class. */
	expect_gap(&t, KB(4), MB(8), 0, GB(3), 0, GB(2) - MB(8));
	expect_gap(&t, KB(4), GB(4), 0, ~0ULL, 0, ~0ULL - GB(4) + 1);
}

struct mvma {
	u64 start, end, backing;
	u32 prot, flags, shift;
	struct vma *node;
};

struct model {
	struct mvma *v;
	size_t n;
};

/* Index of the first model region with end > addr. */
static size_t model_find(struct model *m, u64 addr)
{
	size_t lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (m->v[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void model_insert_at(struct model *m, size_t i, struct mvma x)
{
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->v[i] = x;
	m->n++;
}

static void model_remove_at(struct model *m, size_t i)
{
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(*m->v));
	m->n--;
}

/* Do @a and the region right after it, @b, qualify for vma_try_merge? */
static bool model_mergeable(const struct mvma *a, const struct mvma *b)
{
	u64 pages = (a->end - a->start) >> 12;

	if (a->end != b->start || a->prot != b->prot ||
	    a->flags != b->flags || a->shift != b->shift)
		return false;
	if (a->flags & VMA_BACKING_LINEAR)
		return b->backing == a->backing + pages;
	return b->backing == a->backing;
}

static int model_gap(struct model *m, u64 len, u64 align, u64 lo, u64 hi,
		     u64 *out)
{
	u64 gs, ge, cs, ce, a;
	size_t i;

	/* Top-down: the first fit found is the answer. */
	for (i = m->n + 1; i > 0; i--) {
		gs = i - 1 > 0 ? m->v[i - 2].end : 0;
		ge = i - 1 < m->n ? m->v[i - 1].start : ~0ULL;
		cs = MAX(gs, lo);
		ce = MIN(ge, hi);
		if (ce <= cs || ce - cs < len)
			continue;
		a = (ce - len) & ~(align - 1);
		if (a >= cs) {
			*out = a;
			return 0;
		}
	}
	return -ENOMEM;
}

static void model_compare(struct vma_tree *t, struct model *m, u64 seed,
			  long op)
{
	struct vma *v = vma_first(t);
	unsigned int k;
	size_t i;

	CHECK(vma_check(t), "seed %llx op %ld: vma_check failed",
	      (unsigned long long)seed, op);
	CHECK(vma_count(t) == m->n, "seed %llx op %ld: count %zu, model %zu",
	      (unsigned long long)seed, op, vma_count(t), m->n);
	for (i = 0; i < m->n; i++, v = vma_next(t, v)) {
		struct mvma *x = &m->v[i];

		CHECK(v == x->node && v->start == x->start &&
		      v->end == x->end && v->backing == x->backing &&
		      v->prot == x->prot && v->flags == x->flags &&
		      v->page_shift == x->shift,
		      "seed %llx op %ld: region %zu differs from the model",
		      (unsigned long long)seed, op, i);
	}
	CHECK(!v, "seed %llx op %ld: tree has extra regions",
	      (unsigned long long)seed, op);

	/* vma_check compares nodes with their children; check the sum too. */
	for (k = 0; t->root && k < VMA_NR_GAPS; k++) {
		u64 unit = 1ULL << gap_shift[k], best = 0, up;

		for (i = 1; i < m->n; i++) {
			up = ALIGN_UP(m->v[i - 1].end, unit);
			if (up < m->v[i].start)
				best = MAX(best, m->v[i].start - up);
		}
		CHECK(t->root->sub_gap[k] == best,
		      "seed %llx op %ld: root gap class %u is %#llx, want %#llx",
		      (unsigned long long)seed, op, k,
		      (unsigned long long)t->root->sub_gap[k],
		      (unsigned long long)best);
	}
}

static const u64 aligns[] = {
	KB(4), KB(4), KB(4), MB(2), MB(2), GB(1), KB(8), KB(64), MB(1),
	MB(4), MB(512),
};

/*
 * Random inserts, removals, splits, adjustments, merges, lookups and gap
 * searches in a @space-byte address space, against the model.
 */
static void run_random(u64 seed, long ops, size_t nr_nodes, u64 space)
{
	struct vma *nodes = malloc(nr_nodes * sizeof(*nodes));
	struct model m = { malloc(nr_nodes * sizeof(struct mvma)), 0 };
	struct vma_tree t;
	long op;

	CHECK(nodes && m.v, "no host memory");
	vma_tree_init(&t, nodes, nr_nodes);
	rng_state = seed;

	for (op = 0; op < ops; op++) {
		u64 dice = rnd_below(100), addr, len, align, lo, hi;
		u64 got = 0, want = 0;
		u32 shift = rnd_below(10) < 7 ? 12 : rnd_below(4) ? 21 : 30;
		u64 unit = 1ULL << shift, ns, ne;
		struct vma *v, *hi_node;
		struct mvma x;
		bool overlap;
		int r, wr;
		size_t i;

		if (dice < 30) {
			/* Insert at a random address, or touching a region. */
			addr = ALIGN_DOWN(rnd_below(space), unit);
			if (m.n && rnd_below(2)) {
				i = rnd_below(m.n);
				addr = ALIGN_UP(m.v[i].end, unit);
			}
			len = unit * (1 + rnd_below(shift == 12 ? 64 : 4));
			if (addr + len > space)
				continue;
			x = (struct mvma){ addr, addr + len, rnd_below(4),
					   (u32)rnd_below(2), 0, shift, NULL };
			if (rnd_below(2))
				x.flags |= VMA_BACKING_LINEAR;
			i = model_find(&m, addr);
			overlap = i < m.n && m.v[i].start < addr + len;
			v = vma_insert(&t, x.start, x.end, x.prot, x.flags,
				       x.backing, shift);
			if (overlap || m.n == nr_nodes) {
				CHECK(!v,
				      "seed %llx op %ld: insert [%#llx, %#llx) should fail",
				      (unsigned long long)seed, op,
				      (unsigned long long)x.start,
				      (unsigned long long)x.end);
				continue;
			}
			CHECK(v, "seed %llx op %ld: insert [%#llx, %#llx) failed",
			      (unsigned long long)seed, op,
			      (unsigned long long)x.start,
			      (unsigned long long)x.end);
			x.node = v;
			model_insert_at(&m, i, x);
		} else if (dice < 45) {
			if (!m.n)
				continue;
			i = rnd_below(m.n);
			vma_remove(&t, m.v[i].node);
			model_remove_at(&m, i);
		} else if (dice < 55) {
			if (!m.n)
				continue;
			i = rnd_below(m.n);
			x = m.v[i];
			len = (x.end - x.start) >> x.shift;
			addr = x.start + (rnd_below(len + 1) << x.shift);
			r = vma_split(&t, x.node, addr, &hi_node);
			if (addr == x.start || addr == x.end)
				wr = -EINVAL;
			else if (m.n == nr_nodes)
				wr = -ENOMEM;
			else
				wr = 0;
			CHECK(r == wr,
			      "seed %llx op %ld: split at %#llx = %d, want %d",
			      (unsigned long long)seed, op,
			      (unsigned long long)addr, r, wr);
			if (r)
				continue;
			m.v[i].end = addr;
			x.start = addr;
			if (x.flags & VMA_BACKING_LINEAR)
				x.backing += (addr - m.v[i].start) >> 12;
			x.node = hi_node;
			model_insert_at(&m, i + 1, x);
		} else if (dice < 62) {
			/* Grow or shrink either end. */
			if (!m.n)
				continue;
			i = rnd_below(m.n);
			x = m.v[i];
			unit = 1ULL << x.shift;
			ns = x.start;
			ne = x.end;
			if (rnd_below(2))
				ns += (rnd_below(9) - 4) * unit;
			else
				ne += (rnd_below(9) - 4) * unit;
			if (ns > space || ne > space)
				continue;
			r = vma_adjust(&t, x.node, ns, ne);
			if (ns >= ne)
				wr = -EINVAL;
			else if ((i > 0 && ns < m.v[i - 1].end) ||
				 (i + 1 < m.n && ne > m.v[i + 1].start))
				wr = -EEXIST;
			else
				wr = 0;
			CHECK(r == wr,
			      "seed %llx op %ld: adjust to [%#llx, %#llx) = %d, want %d",
			      (unsigned long long)seed, op,
			      (unsigned long long)ns,
			      (unsigned long long)ne, r, wr);
			if (r)
				continue;
			if ((x.flags & VMA_BACKING_LINEAR) && ns >= x.start)
				m.v[i].backing += (ns - x.start) >> 12;
			else if (x.flags & VMA_BACKING_LINEAR)
				m.v[i].backing -= (x.start - ns) >> 12;
			m.v[i].start = ns;
			m.v[i].end = ne;
		} else if (dice < 67) {
			if (!m.n)
				continue;
			i = rnd_below(m.n);
			v = vma_try_merge(&t, m.v[i].node);
			/* Model: merge with next, then with previous. */
			if (i + 1 < m.n && model_mergeable(&m.v[i], &m.v[i + 1])) {
				m.v[i].end = m.v[i + 1].end;
				model_remove_at(&m, i + 1);
			}
			if (i > 0 && model_mergeable(&m.v[i - 1], &m.v[i])) {
				m.v[i - 1].end = m.v[i].end;
				model_remove_at(&m, i);
				i--;
			}
			CHECK(v == m.v[i].node,
			      "seed %llx op %ld: merge kept the wrong node",
			      (unsigned long long)seed, op);
		} else if (dice < 80) {
			addr = rnd_below(space + MB(4));
			i = model_find(&m, addr);
			v = vma_find(&t, addr);
			CHECK(v == (i < m.n ? m.v[i].node : NULL),
			      "seed %llx op %ld: vma_find(%#llx) wrong",
			      (unsigned long long)seed, op,
			      (unsigned long long)addr);
			v = vma_lookup(&t, addr);
			CHECK(v == (i < m.n && m.v[i].start <= addr ?
				    m.v[i].node : NULL),
			      "seed %llx op %ld: vma_lookup(%#llx) wrong",
			      (unsigned long long)seed, op,
			      (unsigned long long)addr);
		} else {
			align = aligns[rnd_below(ARRAY_SIZE(aligns))];
			len = KB(4) * (1 + rnd_below(rnd_below(4) ? 16 : 4096));
			lo = rnd_below(4) ? 0 : rnd_below(space);
			hi = space;
			if (!rnd_below(4))
				hi = lo + rnd_below(space - lo + 1);
			wr = model_gap(&m, len, align, lo, hi, &want);
			r = vma_find_gap(&t, len, align, lo, hi, &got);
			CHECK(r == wr && (r || got == want),
			      "seed %llx op %ld: gap(%llx,%llx,%llx,%llx) = %d/%llx, want %d/%llx",
			      (unsigned long long)seed, op,
			      (unsigned long long)len,
			      (unsigned long long)align,
			      (unsigned long long)lo, (unsigned long long)hi,
			      r, (unsigned long long)got, wr,
			      (unsigned long long)want);
		}

		if (op % 1000 == 0)
			model_compare(&t, &m, seed, op);
	}
	model_compare(&t, &m, seed, ops);

	/* Empty the tree: every node must be back in the pool. */
	while (m.n) {
		vma_remove(&t, m.v[m.n - 1].node);
		m.n--;
	}
	CHECK(vma_check(&t) && vma_count(&t) == 0 &&
	      vma_nr_free(&t) == nr_nodes, "seed %llx: nodes leaked",
	      (unsigned long long)seed);
	free(m.v);
	free(nodes);
}

static void case_random_dense(void)
{
	/* Small space, small pool: many overlaps and a full pool. */
	run_random(0x7e5e0001, 200000, 300, GB(4));
}

static void case_random_sparse(void)
{
	run_random(0x7e5e0002, 200000, 2000, GB(64));
}

/* The gap search must agree with a full scan on a large tree. */
static void case_gap_large(void)
{
	const size_t nr = 20000;
	const u64 seed = 0x6a9;
	struct vma *nodes = malloc(nr * sizeof(*nodes));
	struct vma_tree t;
	u64 addr = 0, len, lo, hi, got = 0, want = 0;
	size_t i;
	int r, wr;

	CHECK(nodes, "no host memory");
	vma_tree_init(&t, nodes, nr);
	rng_state = seed;
	for (i = 0; i < nr; i++) {
		addr += KB(4) * rnd_below(600);
		len = KB(4) * (1 + rnd_below(8));
		CHECK(vma_insert(&t, addr, addr + len, 0, 0, 0, 12),
		      "insert %zu failed", i);
		addr += len;
	}
	CHECK(vma_check(&t), "check failed on a large tree");
	for (i = 0; i < 2000; i++) {
		u64 align = aligns[rnd_below(ARRAY_SIZE(aligns))];

		len = KB(4) * (1 + rnd_below(1024));
		lo = rnd_below(addr);
		hi = lo + rnd_below(addr - lo + GB(1));
		wr = ref_gap_walk(&t, len, align, lo, hi, &want);
		r = vma_find_gap(&t, len, align, lo, hi, &got);
		CHECK(r == wr && (r || got == want),
		      "seed %llx query %zu: find_gap = %d/%#llx, scan %d/%#llx",
		      (unsigned long long)seed, i, r,
		      (unsigned long long)got, wr, (unsigned long long)want);
	}
	free(nodes);
}

/*
 * Searches that cannot succeed must be cut short by the subtree gaps: on
 * 64Ki regions separated by 4 KiB holes, a scan of every hole would take
 * seconds where the pruned search takes microseconds.
 */
static void case_gap_scales(void)
{
	const size_t nr = 65536, queries = 10000;
	struct vma *nodes = malloc(nr * sizeof(*nodes));
	struct vma_tree t;
	u64 got, end = KB(8) * nr - KB(4);
	clock_t t0;
	double secs;
	size_t i;

	CHECK(nodes, "no host memory");
	vma_tree_init(&t, nodes, nr);
	for (i = 0; i < nr; i++) {
		CHECK(vma_insert(&t, KB(8) * i, KB(8) * i + KB(4), 0, 0, 0, 12),
		      "insert %zu failed", i);
	}
	CHECK(vma_check(&t), "check failed");
	expect_gap(&t, KB(4), KB(4), 0, end, 0, end - KB(8));
	expect_gap(&t, KB(4), MB(2), 0, end, -ENOMEM, 0);

	t0 = clock();
	for (i = 0; i < queries; i++) {
		CHECK(vma_find_gap(&t, KB(8), KB(4), 0, end, &got) == -ENOMEM,
		      "8K found in 4K holes");
		CHECK(vma_find_gap(&t, KB(4), MB(2), 0, end, &got) == -ENOMEM,
		      "2M-aligned page found in unaligned holes");
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < 0.5, "%zu failing searches took %.2f s: not pruned",
	      2 * queries, secs);
	free(nodes);
}

/* vma_check itself must notice a corrupted tree. */
static void case_check_catches(void)
{
	struct vma nodes[8];
	struct vma_tree t;
	struct vma *v[6];
	int i;

	vma_tree_init(&t, nodes, ARRAY_SIZE(nodes));
	for (i = 0; i < 6; i++)
		v[i] = vma_insert(&t, MB(2) * (u64)i, MB(2) * (u64)i + MB(1),
				  0, 0, 0, 12);
	CHECK(vma_check(&t), "check failed on a good tree");

	v[3]->end += MB(2);
	CHECK(!vma_check(&t), "overlap not caught");
	v[3]->end -= MB(2);

	t.root->sub_gap[VMA_GAP_2M]++;
	CHECK(!vma_check(&t), "stale gap field not caught");
	t.root->sub_gap[VMA_GAP_2M]--;

	t.count++;
	CHECK(!vma_check(&t), "wrong count not caught");
	t.count--;

	t.root->height++;
	CHECK(!vma_check(&t), "wrong height not caught");
	t.root->height--;

	t.pool.nr_free++;
	CHECK(!vma_check(&t), "wrong free count not caught");
	t.pool.nr_free--;
	CHECK(vma_check(&t), "check failed after undoing the damage");
}

static const struct unit_case cases[] = {
	{ "vma_empty", case_empty },
	{ "vma_insert_lookup", case_insert_lookup },
	{ "vma_split", case_split },
	{ "vma_pool_exhaustion", case_pool_exhaustion },
	{ "vma_adjust_merge", case_adjust_merge },
	{ "vma_gap_edges", case_gap_edges },
	{ "vma_gap_large", case_gap_large },
	{ "vma_gap_scales", case_gap_scales },
	{ "vma_check_catches", case_check_catches },
	{ "vma_random_dense", case_random_dense },
	{ "vma_random_sparse", case_random_sparse },
};

int main(void)
{
	return run_cases(cases, ARRAY_SIZE(cases), 60);
}
