// SPDX-License-Identifier: MIT
/*
 * Unit tests for the buddy allocator (kernel/mm/buddy.c), built on the host.
 *
 * Each case runs in its own child process (unit.h) and prints "ok <name>" or
 * "FAIL <name>: <why>"; the suite ends with "N passed, N failed" and exits
 * non-zero on any failure.  Random cases replay a fixed seed, printed in
 * every failure, against a model that keeps one state byte per frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * <sys/wait.h>, <sys/mman.h> and <signal.h> bring names the LWK's ABI
 * header defines itself; these are all this test needs of them.
 */
pid_t waitpid(pid_t pid, int *status, int options);
int kill(pid_t pid, int sig);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void *addr, size_t len);

/* libc's string functions stand in for the LWK's (see test_trace.c). */
#define TANDEM_KERNEL_LIB_H
#include "../../kernel/mm/buddy.c"
#include "../../kernel/mm/shlock.c"

long plat_linux_call(long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);

	return r == -1 ? -errno : r;
}

#include "unit.h"

static struct buddy *new_buddy(u64 npages)
{
	struct buddy *b = malloc(buddy_meta_size(npages));

	CHECK(b, "out of host memory for %llu pages",
	      (unsigned long long)npages);
	CHECK(buddy_init(b, npages) == 0, "buddy_init(%llu) failed",
	      (unsigned long long)npages);
	return b;
}

/* Blocks per order of a fresh pool, computed independently of buddy.c. */
static void fresh_layout(u64 npages, u64 *blocks)
{
	u64 pfn = 0;
	int o;

	memset(blocks, 0, sizeof(u64) * BUDDY_NR_ORDERS);
	while (pfn < npages) {
		for (o = BUDDY_MAX_ORDER; o > 0; o--) {
			u64 size = 1ULL << o;

			if (pfn % size == 0 && pfn + size <= npages)
				break;
		}
		blocks[o]++;
		pfn += 1ULL << o;
	}
}

static void expect_fresh(struct buddy *b, u64 npages, const char *when)
{
	struct buddy_stats st;
	u64 want[BUDDY_NR_ORDERS];
	int o;

	CHECK(buddy_check(b), "%s: buddy_check failed", when);
	buddy_stats(b, &st);
	CHECK(st.total == npages && st.free_clean == npages && !st.dirty &&
	      !st.zeroing && !st.allocated,
	      "%s: counters clean=%llu dirty=%llu zeroing=%llu alloc=%llu",
	      when, (unsigned long long)st.free_clean,
	      (unsigned long long)st.dirty, (unsigned long long)st.zeroing,
	      (unsigned long long)st.allocated);
	fresh_layout(npages, want);
	for (o = 0; o <= BUDDY_MAX_ORDER; o++) {
		CHECK(st.clean_blocks[o] == want[o] && !st.dirty_blocks[o],
		      "%s: order %d has %llu clean/%llu dirty blocks, want %llu",
		      when, o, (unsigned long long)st.clean_blocks[o],
		      (unsigned long long)st.dirty_blocks[o],
		      (unsigned long long)want[o]);
	}
	CHECK(st.frag_permille == 0, "%s: fragmentation %u, want 0", when,
	      st.frag_permille);
}

/* Zero every dirty block, as the zeroing thread would. */
static void zero_all(struct buddy *b)
{
	unsigned int o;
	long pfn;

	while ((pfn = buddy_take_dirty(b, 0, &o)) >= 0)
		CHECK(buddy_put_clean(b, (u64)pfn, o) == 0,
		      "put_clean(%ld, %u) refused", pfn, o);
	CHECK(pfn == -ENOENT, "take_dirty returned %ld", pfn);
}

static void case_init_layout(void)
{
	static const u64 sizes[] = {
		1, 2, 3, 7, 1000, 4096, (1 << 18) - 1, 1 << 18,
		(1 << 19) + 3, 3 * (1 << 18) + 4097,
	};
	size_t i;

	CHECK(buddy_meta_size(0) == 0, "meta_size(0) != 0");
	CHECK(buddy_meta_size(BUDDY_MAX_PAGES + 1) == 0,
	      "meta_size above the limit != 0");
	CHECK(buddy_meta_size(10) >= sizeof(struct buddy) + 10,
	      "meta_size(10) too small");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct buddy *b = new_buddy(sizes[i]);
		char when[64];

		snprintf(when, sizeof(when), "npages %llu",
			 (unsigned long long)sizes[i]);
		expect_fresh(b, sizes[i], when);
		free(b);
	}
}

static void case_init_rejects(void)
{
	struct buddy *b = malloc(buddy_meta_size(16));

	CHECK(b, "no host memory");
	CHECK(buddy_init(b, 0) == -EINVAL, "init(0) accepted");
	CHECK(buddy_init(b, BUDDY_MAX_PAGES + 1) == -EINVAL,
	      "init above BUDDY_MAX_PAGES accepted");
	free(b);
}

/*
 * Every page at order 0, freed in random order: the dirty pages must
 * coalesce back into the fresh layout, the zeroing thread must see the
 * largest blocks first, and zeroing must restore the fresh clean layout.
 */
static void case_order0_coalesce(void)
{
	const u64 n = (1 << 19) + 5;
	const u64 seed = 0x0bdd1e5;
	struct buddy *b = new_buddy(n);
	struct buddy_stats st;
	u64 want[BUDDY_NR_ORDERS];
	u8 *seen = calloc(n, 1);
	u32 *pfns = malloc(n * sizeof(*pfns));
	unsigned int o;
	long pfn;
	u64 i, j;
	u32 tmp;
	int k;

	CHECK(seen && pfns, "no host memory");
	for (i = 0; i < n; i++) {
		pfn = buddy_alloc(b, 0);
		CHECK(pfn >= 0 && (u64)pfn < n, "alloc %llu returned %ld",
		      (unsigned long long)i, pfn);
		CHECK(!seen[pfn], "pfn %ld handed out twice", pfn);
		seen[pfn] = 1;
		pfns[i] = (u32)pfn;
	}
	CHECK(buddy_alloc(b, 0) == -ENOMEM, "alloc on a full pool: %ld",
	      buddy_alloc(b, 0));
	CHECK(buddy_check(b), "check failed on a full pool");
	buddy_stats(b, &st);
	CHECK(st.allocated == n && st.free_clean == 0 &&
	      st.largest_free_order == -1 && st.frag_permille == 0,
	      "full pool stats: alloc %llu clean %llu largest %d frag %u",
	      (unsigned long long)st.allocated,
	      (unsigned long long)st.free_clean, st.largest_free_order,
	      st.frag_permille);

	rng_state = seed;
	for (i = n - 1; i > 0; i--) {
		j = rnd_below(i + 1);
		tmp = pfns[i];
		pfns[i] = pfns[j];
		pfns[j] = tmp;
	}
	for (i = 0; i < n; i++) {
		CHECK(buddy_free(b, pfns[i], 0) == 0,
		      "seed %llx: free of pfn %u refused",
		      (unsigned long long)seed, pfns[i]);
		if (i % (n / 4) == 0)
			CHECK(buddy_check(b), "seed %llx: check, %llu freed",
			      (unsigned long long)seed, (unsigned long long)i);
	}

	CHECK(buddy_check(b), "check failed after all frees");
	buddy_stats(b, &st);
	fresh_layout(n, want);
	for (k = 0; k <= BUDDY_MAX_ORDER; k++) {
		CHECK(st.dirty_blocks[k] == want[k] && !st.clean_blocks[k],
		      "seed %llx: order %d has %llu dirty blocks, want %llu",
		      (unsigned long long)seed, k,
		      (unsigned long long)st.dirty_blocks[k],
		      (unsigned long long)want[k]);
	}
	CHECK(st.frag_permille == 0, "all-dirty fragmentation %u",
	      st.frag_permille);
	CHECK(buddy_alloc(b, 0) == -EAGAIN, "alloc with only dirty pages: %ld",
	      buddy_alloc(b, 0));

	pfn = buddy_take_dirty(b, 0, &o);
	CHECK(pfn >= 0 && o == BUDDY_MAX_ORDER,
	      "first dirty block %ld has order %u, want %d", pfn, o,
	      BUDDY_MAX_ORDER);
	CHECK(buddy_put_clean(b, (u64)pfn, o) == 0, "put_clean refused");
	zero_all(b);
	expect_fresh(b, n, "after zeroing");
	free(pfns);
	free(seen);
	free(b);
}

/* -EAGAIN versus -ENOMEM, and clean and dirty buddies kept apart. */
static void case_enomem_eagain(void)
{
	struct buddy *b = new_buddy(16);
	struct buddy_stats st;
	unsigned int o;
	long p, q, z;

	CHECK(buddy_alloc(b, BUDDY_MAX_ORDER + 1) == -EINVAL,
	      "order above max accepted");
	CHECK(buddy_alloc(b, 5) == -ENOMEM, "order 5 from 16 pages: %ld",
	      buddy_alloc(b, 5));
	p = buddy_alloc(b, 4);
	CHECK(p == 0, "order 4 from a fresh 16-page pool: %ld", p);
	CHECK(buddy_alloc(b, 0) == -ENOMEM, "alloc from a full pool: %ld",
	      buddy_alloc(b, 0));
	CHECK(buddy_take_dirty(b, 0, &o) == -ENOENT, "dirty block in a new pool");

	CHECK(buddy_free(b, 0, 4) == 0, "free refused");
	CHECK(buddy_alloc(b, 0) == -EAGAIN, "alloc with all dirty: %ld",
	      buddy_alloc(b, 0));
	CHECK(buddy_alloc(b, 5) == -ENOMEM, "order 5 with 16 dirty: %ld",
	      buddy_alloc(b, 5));

	z = buddy_take_dirty(b, 0, &o);
	CHECK(z == 0 && o == 4, "take_dirty gave %ld order %u", z, o);
	CHECK(buddy_alloc(b, 0) == -EAGAIN, "alloc while zeroing: %ld",
	      buddy_alloc(b, 0));
	CHECK(buddy_take_dirty(b, 0, &o) == -ENOENT, "second dirty block");
	buddy_stats(b, &st);
	CHECK(st.zeroing == 16 && st.dirty == 0 && st.free_clean == 0,
	      "zeroing %llu dirty %llu clean %llu",
	      (unsigned long long)st.zeroing, (unsigned long long)st.dirty,
	      (unsigned long long)st.free_clean);
	CHECK(buddy_put_clean(b, 0, 4) == 0, "put_clean refused");
	expect_fresh(b, 16, "after zeroing");

	/* pfn 0 clean, its buddy pfn 1 dirty: they must stay apart. */
	p = buddy_alloc(b, 0);
	q = buddy_alloc(b, 0);
	CHECK(p >= 0 && q == (p ^ 1), "order-0 pair %ld %ld not buddies", p, q);
	CHECK(buddy_free(b, (u64)p, 0) == 0, "free p");
	z = buddy_take_dirty(b, 0, &o);
	CHECK(z == p && o == 0, "take_dirty %ld/%u", z, o);
	CHECK(buddy_put_clean(b, (u64)z, 0) == 0, "put_clean p");
	CHECK(buddy_free(b, (u64)q, 0) == 0, "free q");
	CHECK(buddy_check(b), "check failed with split buddies");
	buddy_stats(b, &st);
	CHECK(st.clean_blocks[0] == 1 && st.dirty_blocks[0] == 1 &&
	      st.clean_blocks[1] == 1 && st.clean_blocks[2] == 1 &&
	      st.clean_blocks[3] == 1,
	      "clean and dirty buddies merged: clean0 %llu dirty0 %llu",
	      (unsigned long long)st.clean_blocks[0],
	      (unsigned long long)st.dirty_blocks[0]);

	/* 15 clean pages but no clean block of order 4: zeroing helps. */
	CHECK(buddy_alloc(b, 4) == -EAGAIN, "order 4 with 1 dirty: %ld",
	      buddy_alloc(b, 4));
	z = buddy_take_dirty_fit(b, 0, 4, &o);
	CHECK(z == q && o == 0, "take_dirty_fit %ld/%u", z, o);
	CHECK(buddy_put_clean(b, (u64)z, o) == 0, "put_clean q");
	CHECK(buddy_alloc(b, 4) == 0, "order 4 after zeroing failed");
	CHECK(buddy_free(b, 0, 4) == 0, "free order 4");
	zero_all(b);
	expect_fresh(b, 16, "at the end");
	free(b);
}

/* take_dirty_fit takes the smallest dirty block big enough. */
static void case_take_dirty_fit(void)
{
	struct buddy *b = new_buddy(64);
	unsigned int o;
	long a, c, d, z;

	a = buddy_alloc(b, 3);
	c = buddy_alloc(b, 1);
	d = buddy_alloc(b, 4);
	CHECK(a >= 0 && c >= 0 && d >= 0, "allocs failed");
	CHECK(!buddy_free(b, (u64)a, 3) && !buddy_free(b, (u64)c, 1) &&
	      !buddy_free(b, (u64)d, 4), "frees refused");
	CHECK(buddy_check(b), "check failed");

	z = buddy_take_dirty_fit(b, 0, 2, &o);
	CHECK(z == a && o == 3, "fit(2) took %ld order %u, want %ld order 3",
	      z, o, a);
	CHECK(!buddy_put_clean(b, (u64)z, o), "put_clean");
	z = buddy_take_dirty_fit(b, 0, 6, &o);
	CHECK(z == d && o == 4, "fit(6) took %ld order %u, want %ld order 4",
	      z, o, d);
	CHECK(!buddy_put_clean(b, (u64)z, o), "put_clean");
	z = buddy_take_dirty_fit(b, 0, 40, &o);
	CHECK(z == c && o == 1, "fit(40) took %ld order %u, want %ld order 1",
	      z, o, c);
	CHECK(!buddy_put_clean(b, (u64)z, o), "put_clean");
	CHECK(buddy_take_dirty_fit(b, 0, 0, &o) == -ENOENT, "still dirty blocks");
	expect_fresh(b, 64, "after zeroing");
	free(b);
}

/* Bad frees and puts are refused and change nothing. */
static void case_bad_calls(void)
{
	struct buddy *b = new_buddy(100);
	struct buddy_stats before, after;
	unsigned int o;
	long p, z;

	p = buddy_alloc(b, 2);
	CHECK(p >= 0, "alloc failed");
	buddy_stats(b, &before);
	CHECK(buddy_free(b, (u64)p, 1) == -EINVAL, "free with wrong order");
	CHECK(buddy_free(b, (u64)p + 1, 0) == -EINVAL, "free of a tail");
	CHECK(buddy_free(b, 100, 0) == -EINVAL, "free out of range");
	CHECK(buddy_free(b, 1ULL << 40, 0) == -EINVAL, "free far out");
	CHECK(buddy_free(b, (u64)p, BUDDY_MAX_ORDER + 1) == -EINVAL,
	      "free with huge order");
	CHECK(buddy_put_clean(b, (u64)p, 2) == -EINVAL,
	      "put_clean of an allocated block");
	buddy_stats(b, &after);
	CHECK(!memcmp(&before, &after, sizeof(before)), "stats changed");
	CHECK(buddy_check(b), "check failed after bad calls");

	CHECK(buddy_free(b, (u64)p, 2) == 0, "good free refused");
	CHECK(buddy_free(b, (u64)p, 2) == -EINVAL, "double free accepted");
	CHECK(buddy_put_clean(b, (u64)p, 2) == -EINVAL,
	      "put_clean of a dirty block");
	z = buddy_take_dirty(b, 0, &o);
	CHECK(z == p && o == 2, "take_dirty %ld/%u", z, o);
	CHECK(buddy_free(b, (u64)z, 2) == -EINVAL, "free of a zeroing block");
	CHECK(buddy_put_clean(b, (u64)z, 1) == -EINVAL,
	      "put_clean with wrong order");
	CHECK(buddy_put_clean(b, (u64)z, 2) == 0, "put_clean refused");
	CHECK(buddy_put_clean(b, (u64)z, 2) == -EINVAL, "double put_clean");
	expect_fresh(b, 100, "at the end");
	free(b);
}

static void case_fragmentation(void)
{
	struct buddy *b = new_buddy(1024);
	struct buddy_stats st;
	long p;
	u64 i;

	buddy_stats(b, &st);
	CHECK(st.frag_permille == 0 && st.largest_clean_order == 10,
	      "fresh: frag %u largest %d", st.frag_permille,
	      st.largest_clean_order);

	for (i = 0; i < 1024; i++) {
		p = buddy_alloc(b, 0);
		CHECK(p >= 0, "alloc %llu failed", (unsigned long long)i);
	}
	for (i = 0; i < 1024; i += 2)
		CHECK(!buddy_free(b, i, 0), "free %llu", (unsigned long long)i);
	buddy_stats(b, &st);
	/* 512 single free pages could at best have formed one 512 block. */
	CHECK(st.largest_free_order == 0 && st.dirty == 512 &&
	      st.frag_permille == 999,
	      "checkerboard: largest %d dirty %llu frag %u, want 0 512 999",
	      st.largest_free_order, (unsigned long long)st.dirty,
	      st.frag_permille);

	/* Pages 0..255 now form a 256 block; 640 free could have made 512. */
	for (i = 1; i < 256; i += 2)
		CHECK(!buddy_free(b, i, 0), "free %llu", (unsigned long long)i);
	buddy_stats(b, &st);
	CHECK(st.largest_free_order == 8 && st.frag_permille == 500,
	      "quarter: largest %d frag %u, want 8 500",
	      st.largest_free_order, st.frag_permille);

	for (i = 257; i < 1024; i += 2)
		CHECK(!buddy_free(b, i, 0), "free %llu", (unsigned long long)i);
	buddy_stats(b, &st);
	CHECK(st.frag_permille == 0 && st.dirty_blocks[10] == 1,
	      "all freed: frag %u", st.frag_permille);
	zero_all(b);
	expect_fresh(b, 1024, "at the end");
	free(b);
}

/* buddy_check itself must notice a corrupted state. */
static void case_check_catches(void)
{
	struct buddy *b = new_buddy(64);
	long p, q;

	p = buddy_alloc(b, 0);
	q = buddy_alloc(b, 0);
	CHECK(p >= 0 && q >= 0 && !buddy_free(b, (u64)p, 0) &&
	      !buddy_free(b, (u64)q, 0), "setup failed");
	CHECK(buddy_check(b), "check failed on a good state");

	b->nr_dirty++;
	CHECK(!buddy_check(b), "wrong page counter not caught");
	b->nr_dirty--;

	b->frames[5].state = BUDDY_F_ALLOC;
	CHECK(!buddy_check(b), "head inside a block not caught");
	b->frames[5].state = BUDDY_F_TAIL;

	b->nr_blocks[BUDDY_LIST_CLEAN][1]++;
	CHECK(!buddy_check(b), "wrong block count not caught");
	b->nr_blocks[BUDDY_LIST_CLEAN][1]--;

	/* Split the dirty order-1 block into two unmerged dirty halves. */
	CHECK(b->nr_blocks[BUDDY_LIST_DIRTY][1] == 1, "expected a dirty pair");
	p = b->head[BUDDY_LIST_DIRTY][1];
	list_del(b, BUDDY_LIST_DIRTY, 1, (u64)p);
	set_head(b, (u64)p, 0, BUDDY_F_DIRTY);
	list_push(b, BUDDY_LIST_DIRTY, 0, (u64)p);
	set_head(b, (u64)p + 1, 0, BUDDY_F_DIRTY);
	list_push(b, BUDDY_LIST_DIRTY, 0, (u64)p + 1);
	CHECK(!buddy_check(b), "unmerged dirty buddies not caught");
	free(b);

	b = new_buddy(64);
	b->frames[b->head[BUDDY_LIST_CLEAN][6]].next = 3;
	CHECK(!buddy_check(b), "bad list link not caught");
	free(b);
}

enum { M_CLEAN, M_DIRTY, M_ZEROING, M_ALLOC };

struct blk {
	u64 pfn;
	unsigned int order;
};

struct model {
	u64 n;
	u8 *page;			/* M_* per frame */
	u64 count[4];			/* pages per M_* */
	struct blk *held, *zeroing;
	size_t nr_held, nr_zeroing;
};

static void model_set(struct model *m, u64 pfn, unsigned int order, u8 to)
{
	u64 i;

	for (i = pfn; i < pfn + (1ULL << order); i++) {
		m->count[m->page[i]]--;
		m->page[i] = to;
		m->count[to]++;
	}
}

static bool model_all(struct model *m, u64 pfn, unsigned int order, u8 s)
{
	u64 i;

	for (i = pfn; i < pfn + (1ULL << order); i++) {
		if (m->page[i] != s)
			return false;
	}
	return true;
}

/* Is there an aligned 2^order run whose frames are all in set @mask? */
static bool model_has_run(struct model *m, unsigned int order, unsigned mask)
{
	u64 pfn, i, size = 1ULL << order;

	for (pfn = 0; pfn + size <= m->n; pfn += size) {
		for (i = 0; i < size; i++) {
			if (!(mask & (1U << m->page[pfn + i])))
				break;
		}
		if (i == size)
			return true;
	}
	return false;
}

static unsigned int rnd_order(unsigned int max)
{
	unsigned int o = 0;

	/* Mostly small orders, like page faults; sometimes large. */
	while (o < max && rnd_below(3) == 0)
		o++;
	if (rnd_below(50) == 0)
		o = (unsigned int)rnd_below(max + 1);
	return o;
}

static void model_compare(struct buddy *b, struct model *m, u64 seed,
			  long op)
{
	struct buddy_stats st;

	buddy_stats(b, &st);
	CHECK(st.free_clean == m->count[M_CLEAN] &&
	      st.dirty == m->count[M_DIRTY] &&
	      st.zeroing == m->count[M_ZEROING] &&
	      st.allocated == m->count[M_ALLOC],
	      "seed %llx op %ld: stats %llu/%llu/%llu/%llu, model %llu/%llu/%llu/%llu",
	      (unsigned long long)seed, op,
	      (unsigned long long)st.free_clean, (unsigned long long)st.dirty,
	      (unsigned long long)st.zeroing, (unsigned long long)st.allocated,
	      (unsigned long long)m->count[M_CLEAN],
	      (unsigned long long)m->count[M_DIRTY],
	      (unsigned long long)m->count[M_ZEROING],
	      (unsigned long long)m->count[M_ALLOC]);
}

/*
 * @ops random calls on an @n-frame pool against the model.  A failed
 * alloc is checked against an exhaustive scan of the model every
 * @scan_every failures (the scan is O(n)).
 */
static void run_random(u64 n, u64 seed, long ops, unsigned int max_order,
		       long check_every, unsigned int scan_every)
{
	struct buddy *b = new_buddy(n);
	struct model m = { .n = n };
	unsigned long fails = 0;
	unsigned int o;
	long op, r;
	size_t i;

	m.page = calloc(n, 1);
	m.held = malloc(n * sizeof(*m.held));
	m.zeroing = malloc(n * sizeof(*m.zeroing));
	CHECK(m.page && m.held && m.zeroing, "no host memory");
	m.count[M_CLEAN] = n;
	rng_state = seed;

	for (op = 0; op < ops; op++) {
		u64 dice = rnd_below(100);

		if (dice < 45) {
			o = rnd_order(max_order);
			r = buddy_alloc(b, o);
			if (r >= 0) {
				CHECK((u64)r < n && !(r & ((1L << o) - 1)),
				      "seed %llx op %ld: alloc(%u) gave bad pfn %ld",
				      (unsigned long long)seed, op, o, r);
				CHECK(model_all(&m, (u64)r, o, M_CLEAN),
				      "seed %llx op %ld: alloc(%u) gave %ld, not all clean",
				      (unsigned long long)seed, op, o, r);
				model_set(&m, (u64)r, o, M_ALLOC);
				m.held[m.nr_held++] = (struct blk){ (u64)r, o };
				continue;
			}
			CHECK(r == -ENOMEM || r == -EAGAIN,
			      "seed %llx op %ld: alloc(%u) returned %ld",
			      (unsigned long long)seed, op, o, r);
			if (r == -EAGAIN)
				CHECK(m.count[M_DIRTY] + m.count[M_ZEROING],
				      "seed %llx op %ld: -EAGAIN with nothing to zero",
				      (unsigned long long)seed, op);
			if (fails++ % scan_every)
				continue;
			CHECK(!model_has_run(&m, o, 1U << M_CLEAN),
			      "seed %llx op %ld: alloc(%u) = %ld but a clean run exists",
			      (unsigned long long)seed, op, o, r);
			if (r == -ENOMEM)
				CHECK(!model_has_run(&m, o, ~(1U << M_ALLOC)),
				      "seed %llx op %ld: -ENOMEM for order %u, zeroing would do",
				      (unsigned long long)seed, op, o);
		} else if (dice < 85) {
			if (!m.nr_held)
				continue;
			i = rnd_below(m.nr_held);
			r = buddy_free(b, m.held[i].pfn, m.held[i].order);
			CHECK(r == 0, "seed %llx op %ld: free(%llu, %u) = %ld",
			      (unsigned long long)seed, op,
			      (unsigned long long)m.held[i].pfn,
			      m.held[i].order, r);
			model_set(&m, m.held[i].pfn, m.held[i].order, M_DIRTY);
			m.held[i] = m.held[--m.nr_held];
		} else if (dice < 93) {
			if (dice & 1)
				r = buddy_take_dirty(b, 0, &o);
			else
				r = buddy_take_dirty_fit(b, 0,
							 rnd_order(max_order),
							 &o);
			if (r == -ENOENT) {
				CHECK(!m.count[M_DIRTY],
				      "seed %llx op %ld: -ENOENT with %llu dirty",
				      (unsigned long long)seed, op,
				      (unsigned long long)m.count[M_DIRTY]);
				continue;
			}
			CHECK(r >= 0 && (u64)r < n && o <= BUDDY_MAX_ORDER &&
			      !(r & ((1L << o) - 1)) &&
			      model_all(&m, (u64)r, o, M_DIRTY),
			      "seed %llx op %ld: take_dirty gave %ld/%u, not a dirty block",
			      (unsigned long long)seed, op, r, o);
			model_set(&m, (u64)r, o, M_ZEROING);
			m.zeroing[m.nr_zeroing++] = (struct blk){ (u64)r, o };
		} else {
			if (!m.nr_zeroing)
				continue;
			i = rnd_below(m.nr_zeroing);
			r = buddy_put_clean(b, m.zeroing[i].pfn,
					    m.zeroing[i].order);
			CHECK(r == 0, "seed %llx op %ld: put_clean = %ld",
			      (unsigned long long)seed, op, r);
			model_set(&m, m.zeroing[i].pfn, m.zeroing[i].order,
				  M_CLEAN);
			m.zeroing[i] = m.zeroing[--m.nr_zeroing];
		}

		if (op % 997 == 0)
			model_compare(b, &m, seed, op);
		if (op % check_every == 0)
			CHECK(buddy_check(b),
			      "seed %llx op %ld: buddy_check failed",
			      (unsigned long long)seed, op);
	}

	/* Give everything back: the pool must be whole again. */
	for (i = 0; i < m.nr_held; i++)
		CHECK(!buddy_free(b, m.held[i].pfn, m.held[i].order),
		      "seed %llx: final free refused",
		      (unsigned long long)seed);
	for (i = 0; i < m.nr_zeroing; i++)
		CHECK(!buddy_put_clean(b, m.zeroing[i].pfn, m.zeroing[i].order),
		      "seed %llx: final put_clean refused",
		      (unsigned long long)seed);
	zero_all(b);
	expect_fresh(b, n, "after the random run");
	free(m.zeroing);
	free(m.held);
	free(m.page);
	free(b);
}

static void case_random_small(void)
{
	run_random(777, 0x5eed0001, 200000, 9, 501, 1);
}

static void case_random_tiny(void)
{
	run_random(5, 0x5eed0002, 50000, 3, 1, 1);
}

static void case_random_large(void)
{
	run_random((1 << 19) + 12345, 0x5eed0003, 200000, BUDDY_MAX_ORDER,
		   40000, 997);
}

/* buddy_init_zeroed on zeroed memory equals buddy_init, block for block. */
static void case_init_zeroed(void)
{
	static const u64 sizes[] = { 1, 3, 1000, (1 << 18) + 7, 3 << 18 };
	struct buddy_stats sa, sz;
	size_t i;
	long a, z;
	int k;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct buddy *b = new_buddy(sizes[i]);
		struct buddy *c = calloc(1, buddy_meta_size(sizes[i]));

		CHECK(c, "no host memory");
		CHECK(buddy_init_zeroed(c, sizes[i], sizes[i]) == 0,
		      "init_zeroed failed");
		CHECK(buddy_check(c), "npages %llu: check failed",
		      (unsigned long long)sizes[i]);
		buddy_stats(b, &sa);
		buddy_stats(c, &sz);
		CHECK(!memcmp(&sa, &sz, sizeof(sa)), "npages %llu: stats differ",
		      (unsigned long long)sizes[i]);
		for (k = 0; k < 64; k++) {
			a = buddy_alloc(b, k % 4);
			z = buddy_alloc(c, k % 4);
			CHECK(a == z, "alloc %d: %ld from init, %ld from zeroed",
			      k, a, z);
		}
		CHECK(buddy_check(c), "check failed after allocs");
		free(b);
		free(c);
	}
	CHECK(buddy_init_zeroed(malloc(64), 0, 0) == -EINVAL, "init_zeroed(0)");
}

/* Grown in random steps, a pool ends as if made whole; nothing beyond. */
static void case_grow(void)
{
	const u64 n = 3 * (1 << 18) + 777;
	struct buddy *b = calloc(1, buddy_meta_size(n)), *f = new_buddy(n);
	struct buddy_stats sb, sf;
	u64 to = 0;
	long p;
	int o;

	CHECK(b, "no host memory");
	rng_state = 0x5eed0005;
	CHECK(buddy_init_zeroed(b, n, 0) == 0, "init_zeroed(n, 0)");
	CHECK(buddy_alloc(b, 0) == -ENOMEM, "alloc from an empty pool");
	CHECK(buddy_grow(b, n + 1) == -EINVAL, "grew past the room");
	p = -1;
	while (to < n) {
		to += 1 + rnd_below(70000);	/* not inside MIN(): once */
		to = MIN(n, to);
		CHECK(buddy_grow(b, to) == 0, "grow to %llu",
		      (unsigned long long)to);
		CHECK(buddy_check(b), "check after growing to %llu",
		      (unsigned long long)to);
		if (p < 0) {
			p = buddy_alloc(b, 0);
			CHECK(p >= 0 && (u64)p < to, "alloc after grow: %ld", p);
			CHECK(buddy_free_range(b, to, 1) == -EINVAL,
			      "free beyond grown accepted");
		}
	}
	CHECK(buddy_grow(b, 5) == 0, "shrinking grow is a no-op");
	CHECK(!buddy_free(b, (u64)p, 0), "free");
	zero_all(b);
	buddy_stats(b, &sb);
	buddy_stats(f, &sf);
	for (o = 0; o <= BUDDY_MAX_ORDER; o++)
		CHECK(sb.clean_blocks[o] == sf.clean_blocks[o],
		      "order %d: %llu blocks grown, %llu made whole", o,
		      (unsigned long long)sb.clean_blocks[o],
		      (unsigned long long)sf.clean_blocks[o]);
	free(b);
	free(f);
}

/* A fresh pool of whole top-order blocks goes out from frame 0 upwards. */
static void case_low_first(void)
{
	struct buddy *b = new_buddy((1 << 18) * 3);
	long p;
	int i;

	for (i = 0; i < 1000; i++) {
		p = buddy_alloc(b, 0);
		CHECK(p == i, "alloc %d gave pfn %ld", i, p);
	}
	free(b);
}

/* Owners: lists, counts, buddy_free_owner, bad owners. */
static void case_owners(void)
{
	struct buddy *b = new_buddy(4096);
	long p;
	int i;

	CHECK(buddy_alloc_owned(b, 0, BUDDY_MAX_OWNERS) == -EINVAL,
	      "owner out of range accepted");
	for (i = 0; i < 300; i++) {
		p = buddy_alloc_owned(b, i % 5, 1 + i % 3);
		CHECK(p >= 0, "alloc %d failed: %ld", i, p);
	}
	CHECK(buddy_check(b), "check failed");
	/* Allocation i has order i % 5 and owner 1 + i % 3. */
	CHECK(buddy_owner_pages(b, 1) == 20 * (1 + 8 + 4 + 2 + 16),
	      "owner 1 holds %llu pages",
	      (unsigned long long)buddy_owner_pages(b, 1));
	CHECK(buddy_owner_pages(b, 1) + buddy_owner_pages(b, 2) +
	      buddy_owner_pages(b, 3) == 60 * (1 + 2 + 4 + 8 + 16),
	      "owner pages do not add up");
	p = (long)buddy_owner_pages(b, 2);
	CHECK(buddy_free_owner(b, 2) == (u64)p, "free_owner count wrong");
	CHECK(buddy_owner_pages(b, 2) == 0, "owner 2 still holds pages");
	CHECK(buddy_check(b), "check failed after free_owner");
	CHECK(buddy_free_owner(b, 2) == 0, "second free_owner freed pages");
	buddy_free_owner(b, 1);
	buddy_free_owner(b, 3);
	CHECK(buddy_free_owner(b, BUDDY_MAX_OWNERS) == 0, "bad owner freed");
	zero_all(b);
	expect_fresh(b, 4096, "after freeing every owner");
	free(b);
}

/* free_range cuts blocks; refuses ranges with a free frame. */
static void case_free_range(void)
{
	struct buddy *b = new_buddy(64);
	struct buddy_stats st;
	long p;

	p = buddy_alloc_owned(b, 4, 7);
	CHECK(p == 0, "order 4 gave %ld", p);
	CHECK(buddy_free_range(b, 3, 5) == 0, "free_range(3, 5) refused");
	CHECK(buddy_check(b), "check failed after a cut");
	CHECK(buddy_owner_pages(b, 7) == 11, "owner keeps %llu pages, want 11",
	      (unsigned long long)buddy_owner_pages(b, 7));
	CHECK(buddy_free_range(b, 2, 2) == -EINVAL, "range over a free frame");
	CHECK(buddy_free_range(b, 16, 1) == -EINVAL, "range over free frames");
	CHECK(buddy_free_range(b, 60, 10) == -EINVAL, "range past the end");
	CHECK(buddy_free_range(b, 0, 0) == -EINVAL, "empty range");
	buddy_stats(b, &st);
	CHECK(st.allocated == 11 && st.dirty == 5, "alloc %llu dirty %llu",
	      (unsigned long long)st.allocated, (unsigned long long)st.dirty);
	CHECK(buddy_free_range(b, 0, 3) == 0 && buddy_free_range(b, 8, 8) == 0,
	      "freeing the rest refused");
	CHECK(buddy_owner_pages(b, 7) == 0, "owner still holds pages");
	zero_all(b);
	expect_fresh(b, 64, "after free_range");
	free(b);
}

/* put_clean_part: the zeroed head clean, the rest dirty again. */
static void case_put_clean_part(void)
{
	struct buddy *b = new_buddy(1024);
	struct buddy_stats st;
	unsigned int o;
	long p, z;

	p = buddy_alloc(b, 10);
	CHECK(p == 0 && !buddy_free(b, 0, 10), "setup failed");
	z = buddy_take_dirty(b, 0, &o);
	CHECK(z == 0 && o == 10, "take_dirty %ld/%u", z, o);
	CHECK(buddy_put_clean_part(b, 0, 10, 11) == -EINVAL, "bad order taken");
	CHECK(buddy_put_clean_part(b, 0, 9, 2) == -EINVAL, "wrong block taken");
	CHECK(buddy_put_clean_part(b, 0, 10, 2) == 0, "put_clean_part refused");
	CHECK(buddy_check(b), "check failed");
	buddy_stats(b, &st);
	CHECK(st.free_clean == 4 && st.dirty == 1020 && !st.zeroing,
	      "clean %llu dirty %llu", (unsigned long long)st.free_clean,
	      (unsigned long long)st.dirty);
	CHECK(buddy_alloc(b, 2) == 0, "the clean part is not allocatable");
	CHECK(buddy_alloc(b, 0) == -EAGAIN, "more clean pages than zeroed");
	CHECK(!buddy_free(b, 0, 2), "free");
	zero_all(b);
	expect_fresh(b, 1024, "after zeroing the rest");
	free(b);
}

struct orange {
	u64 pfn, n;
	unsigned int owner;
};

/*
 * Random alloc_owned / free_range / free_owner / zeroing against a model
 * keeping state and owner per frame.
 */
static void run_random_owned(u64 n, u64 seed, long ops, long check_every)
{
	struct buddy *b = new_buddy(n);
	struct orange *held = malloc(n * sizeof(*held));
	struct blk *zeroing = malloc(n * sizeof(*zeroing));
	u8 *state = calloc(n, 1), *owner = calloc(n, 1);
	u64 count[4] = { n, 0, 0, 0 }, opages[8];
	size_t nr_held = 0, nr_zeroing = 0, i, j;
	unsigned int o, w;
	long op, r;
	u64 k, off, len;

	CHECK(held && zeroing && state && owner, "no host memory");
	rng_state = seed;
	for (op = 0; op < ops; op++) {
		u64 dice = rnd_below(100);

		if (dice < 45) {
			o = rnd_order(8);
			w = (unsigned int)rnd_below(8);
			r = buddy_alloc_owned(b, o, w);
			if (r < 0) {
				CHECK(r == -ENOMEM || r == -EAGAIN,
				      "seed %llx op %ld: alloc %ld",
				      (unsigned long long)seed, op, r);
				continue;
			}
			for (k = (u64)r; k < (u64)r + (1ULL << o); k++) {
				CHECK(state[k] == M_CLEAN,
				      "seed %llx op %ld: frame %llu not clean",
				      (unsigned long long)seed, op,
				      (unsigned long long)k);
				count[M_CLEAN]--, count[M_ALLOC]++;
				state[k] = M_ALLOC;
				owner[k] = (u8)w;
			}
			held[nr_held++] = (struct orange){ (u64)r, 1ULL << o, w };
		} else if (dice < 80) {
			if (!nr_held)
				continue;
			i = rnd_below(nr_held);
			off = rnd_below(held[i].n);
			len = 1 + rnd_below(held[i].n - off);
			r = buddy_free_range(b, held[i].pfn + off, len);
			CHECK(r == 0, "seed %llx op %ld: free_range %ld",
			      (unsigned long long)seed, op, r);
			for (k = held[i].pfn + off; k < held[i].pfn + off + len;
			     k++) {
				state[k] = M_DIRTY;
				count[M_ALLOC]--, count[M_DIRTY]++;
			}
			/* Keep the parts before and after the hole. */
			if (off + len < held[i].n)
				held[nr_held++] = (struct orange){
					held[i].pfn + off + len,
					held[i].n - off - len, held[i].owner };
			if (off)
				held[i].n = off;
			else
				held[i] = held[--nr_held];
		} else if (dice < 83) {
			/* Owner 8 zeroes: its blocks go back dirty. */
			w = (unsigned int)rnd_below(9);
			k = buddy_free_owner(b, w);
			for (; w == 8 && nr_zeroing; nr_zeroing--) {
				struct blk *z = &zeroing[nr_zeroing - 1];

				for (j = 0; j < (1ULL << z->order); j++)
					state[z->pfn + j] = M_DIRTY;
				count[M_ZEROING] -= 1ULL << z->order;
				count[M_DIRTY] += 1ULL << z->order;
			}
			len = 0;
			for (i = 0; i < nr_held;) {
				if (held[i].owner != w) {
					i++;
					continue;
				}
				for (j = 0; j < held[i].n; j++)
					state[held[i].pfn + j] = M_DIRTY;
				len += held[i].n;
				held[i] = held[--nr_held];
			}
			count[M_ALLOC] -= len;
			count[M_DIRTY] += len;
			CHECK(k == len, "seed %llx op %ld: free_owner %u freed %llu, want %llu",
			      (unsigned long long)seed, op, w,
			      (unsigned long long)k, (unsigned long long)len);
		} else if (dice < 93) {
			r = buddy_take_dirty(b, 8, &o);
			if (r < 0)
				continue;
			for (k = (u64)r; k < (u64)r + (1ULL << o); k++) {
				CHECK(state[k] == M_DIRTY,
				      "seed %llx op %ld: zeroing a non-dirty frame",
				      (unsigned long long)seed, op);
				state[k] = M_ZEROING;
			}
			count[M_DIRTY] -= 1ULL << o;
			count[M_ZEROING] += 1ULL << o;
			zeroing[nr_zeroing++] = (struct blk){ (u64)r, o };
		} else {
			if (!nr_zeroing)
				continue;
			i = rnd_below(nr_zeroing);
			CHECK(!buddy_put_clean(b, zeroing[i].pfn,
					       zeroing[i].order),
			      "seed %llx op %ld: put_clean refused",
			      (unsigned long long)seed, op);
			for (k = 0; k < (1ULL << zeroing[i].order); k++)
				state[zeroing[i].pfn + k] = M_CLEAN;
			count[M_ZEROING] -= 1ULL << zeroing[i].order;
			count[M_CLEAN] += 1ULL << zeroing[i].order;
			zeroing[i] = zeroing[--nr_zeroing];
		}

		if (op % check_every)
			continue;
		CHECK(buddy_check(b), "seed %llx op %ld: buddy_check failed",
		      (unsigned long long)seed, op);
		memset(opages, 0, sizeof(opages));
		for (k = 0; k < n; k++)
			if (state[k] == M_ALLOC)
				opages[owner[k]]++;
		for (w = 0; w < 8; w++)
			CHECK(buddy_owner_pages(b, w) == opages[w],
			      "seed %llx op %ld: owner %u holds %llu, model %llu",
			      (unsigned long long)seed, op, w,
			      (unsigned long long)buddy_owner_pages(b, w),
			      (unsigned long long)opages[w]);
		{
			struct buddy_stats st;

			buddy_stats(b, &st);
			CHECK(st.free_clean == count[M_CLEAN] &&
			      st.dirty == count[M_DIRTY] &&
			      st.allocated == count[M_ALLOC],
			      "seed %llx op %ld: counters differ from the model",
			      (unsigned long long)seed, op);
		}
	}

	for (w = 0; w < 8; w++)
		buddy_free_owner(b, w);
	for (i = 0; i < nr_zeroing; i++)
		CHECK(!buddy_put_clean(b, zeroing[i].pfn, zeroing[i].order),
		      "final put_clean refused");
	zero_all(b);
	expect_fresh(b, n, "after the owned random run");
	free(owner);
	free(state);
	free(zeroing);
	free(held);
	free(b);
}

static void case_random_owned(void)
{
	run_random_owned(3000, 0x5eed0004, 100000, 97);
}

/* A block taken for zeroing goes back dirty when its taker's are freed. */
static void case_zeroing_owned(void)
{
	struct buddy *b = new_buddy(64);
	struct buddy_stats st;
	unsigned int o;
	long p, z;

	p = buddy_alloc_owned(b, 4, 3);
	CHECK(p >= 0 && buddy_free(b, (u64)p, 4) == 0, "alloc/free of 16");
	z = buddy_take_dirty(b, 5, &o);
	CHECK(z == p && o == 4, "take_dirty gave %ld/%u", z, o);
	CHECK(buddy_check(b), "check with a block being zeroed");
	CHECK(buddy_owner_pages(b, 5) == 0, "zeroing pages counted as held");
	CHECK(buddy_free_owner(b, 5) == 0, "free_owner counted zeroing pages");
	buddy_stats(b, &st);
	CHECK(st.zeroing == 0 && st.dirty == 16,
	      "after free_owner: zeroing %llu dirty %llu",
	      (unsigned long long)st.zeroing, (unsigned long long)st.dirty);
	CHECK(buddy_put_clean(b, (u64)z, 4) == -EINVAL,
	      "put_clean of a block given back");
	CHECK(buddy_check(b), "check after free_owner");
	z = buddy_take_dirty(b, 5, &o);
	CHECK(z == p && buddy_put_clean_part(b, (u64)z, o, 1) == 0,
	      "take and put back part");
	CHECK(buddy_check(b), "check after put_clean_part");
	CHECK(buddy_take_dirty(b, BUDDY_MAX_OWNERS, &o) == -EINVAL,
	      "bad owner taken");
	free(b);
}

/*
 * A child works the allocator in shared memory without pause (every call
 * but the loop is under the lock) and is SIGKILLed at a random moment;
 * the parent then takes the lock, undoing the step the child died in, and
 * the allocator must be whole.
 */
static void case_killed_holder(void)
{
	const u64 n = 4096;
	size_t size = buddy_meta_size(n);
	struct buddy *b = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int round, status, inside = 0;
	unsigned int o;
	pid_t pid;
	long r;

	CHECK(b != (void *)-1 && buddy_init(b, n) == 0, "shared buddy");
	rng_state = 0x6b111ed;
	for (round = 0; round < 100; round++) {
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (pid == 0) {
			for (;;) {
				o = rnd_below(6);
				r = buddy_alloc_owned(b, o, 1 + rnd_below(8));
				if (r == -EAGAIN && (r = buddy_take_dirty(b, 9, &o)) >= 0)
					buddy_put_clean_part(b, (u64)r, o,
							     rnd_below(o + 1));
				if (rnd_below(3) == 0)
					buddy_free_owner(b, 1 + rnd_below(8));
			}
		}
		usleep(200 + rnd_below(3000));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		inside += b->lock != 0;
		CHECK(buddy_check(b), "round %d: not whole after the kill", round);
	}
	CHECK(b->takeovers == (u32)inside && inside > 0,
	      "%u takeovers for %d kills inside a call", b->takeovers, inside);
	CHECK(b->undo_peak < BUDDY_UNDO_MAX / 2, "a step logged %u words",
	      b->undo_peak);
	munmap(b, size);
}

static const struct unit_case cases[] = {
	{ "buddy_init_layout", case_init_layout },
	{ "buddy_init_rejects", case_init_rejects },
	{ "buddy_order0_coalesce", case_order0_coalesce },
	{ "buddy_enomem_eagain", case_enomem_eagain },
	{ "buddy_take_dirty_fit", case_take_dirty_fit },
	{ "buddy_bad_calls", case_bad_calls },
	{ "buddy_fragmentation", case_fragmentation },
	{ "buddy_check_catches", case_check_catches },
	{ "buddy_random_small", case_random_small },
	{ "buddy_random_tiny", case_random_tiny },
	{ "buddy_random_large", case_random_large },
	{ "buddy_init_zeroed", case_init_zeroed },
	{ "buddy_low_first", case_low_first },
	{ "buddy_owners", case_owners },
	{ "buddy_free_range", case_free_range },
	{ "buddy_random_owned", case_random_owned },
	{ "buddy_put_clean_part", case_put_clean_part },
	{ "buddy_grow", case_grow },
	{ "buddy_zeroing_owned", case_zeroing_owned },
	{ "buddy_killed_holder", case_killed_holder },
};

int main(void)
{
	return run_cases(cases, ARRAY_SIZE(cases), 60);
}
