// SPDX-License-Identifier: MIT
/*
 * The program's address space: a VMA tree per process that records every
 * mapping the program has, pool-backed anonymous memory with its frames
 * and Linux mappings (files, the vdso) with what Linux needs to know, and
 * the few operations everything else is built from: back a range with
 * pool frames (fill), cut regions at an address (demoting a huge page if
 * it must), and forget a range after Linux stopped mapping it (drop),
 * freeing frames only once no mapping can reach them.
 *
 * Also here: the boot-time survey of what Linux mapped before the program
 * starts (the LWK's memory, the program's segments, its bss, which moves
 * to the pool), the main stack, and the region walk for /proc views.
 *
 * Nothing here is a system call; mmap.c and fork.c are.
 */
#include "mm.h"
#include "space.h"
#include "buddy.h"
#include "../errno.h"
#include "../kmsg.h"
#include "../region.h"
#include "../lib/lib.h"
#include "../arch/x86_64/abi.h"
#include "../arch/x86_64/unistd.h"

#define MIB			(1ULL << 20)
#define STACK_POOL_MAX		(128 * 1024)	/* main stack top on pool frames */
#define STACK_TOTAL_MAX		(64ULL << 30)	/* with Linux memory below */
#define STACK_UNLIMITED		(1024 * MIB)	/* for RLIMIT_STACK unlimited */
#define STACK_GUARD		MIB		/* kept free below stacks */
#define MMAP_MIN		0x10000ULL	/* vm.mmap_min_addr's default */
#define DEFAULT_HEAP_STEP	(256 * 1024)

struct mm_state mm;
static struct vma mm_nodes[MM_NODES];

/* ---- the lock --------------------------------------------------------- */

/*
 * A futex mutex (0 free, 1 held, 2 held with waiters): populating a large
 * mapping can take long enough that spinning waiters would waste a core.
 */
irqflags_t mm_lock(void)
{
	irqflags_t irq = plat_irq_save();
	u32 c = 0;

	if (__atomic_compare_exchange_n(&mm.lock, &c, 1, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return irq;
	if (c != 2)
		c = __atomic_exchange_n(&mm.lock, 2, __ATOMIC_ACQUIRE);
	while (c) {
		linux_call4(NR_futex, &mm.lock, FUTEX_WAIT_PRIVATE, 2, NULL);
		c = __atomic_exchange_n(&mm.lock, 2, __ATOMIC_ACQUIRE);
	}
	return irq;
}

void mm_unlock(irqflags_t irq)
{
	if (__atomic_exchange_n(&mm.lock, 0, __ATOMIC_RELEASE) == 2)
		linux_call3(NR_futex, &mm.lock, FUTEX_WAKE_PRIVATE, 1);
	plat_irq_restore(irq);
}

/* A fork child runs alone with the lock its parent held. */
void mm_lock_reinit(void)
{
	mm.lock = 0;
}

u32 mm_max_shift(void)
{
	return lwk_proc.cfg.page_shift_max ? lwk_proc.cfg.page_shift_max : 30;
}

u64 mm_heap_step(void)
{
	u64 s = lwk_proc.cfg.heap_step;

	return s ? ALIGN_UP(s, PAGE_SIZE) : DEFAULT_HEAP_STEP;
}

/* ---- nodes and accounting --------------------------------------------- */

static void account(const struct vma *v, bool add)
{
	u64 len = v->end - v->start;

	if (v->kind == K_LWK)
		return;
	if (add) {
		mm.size += len;
		mm.size_peak = MAX(mm.size_peak, mm.size);
	} else {
		mm.size -= len;
	}
	if (v->kind != K_POOL)
		return;
	if (v->flags & VF_SHARED) {
		int obj = vma_owner(v);

		if (add) {
			mm.rss_shmem += len;
			mm.shm_pages[obj] += len >> PAGE_SHIFT;
		} else {
			mm.rss_shmem -= len;
			mm.shm_pages[obj] -= len >> PAGE_SHIFT;
			/* The last page of it this process maps is gone. */
			if (!mm.shm_pages[obj])
				pool_shared_put(obj);
		}
	} else if (add) {
		mm.rss_anon += len;
	} else {
		mm.rss_anon -= len;
	}
	mm.rss_peak = MAX(mm.rss_peak, mm.rss_anon + mm.rss_shmem);
}

static bool is_data(u32 prot, u32 flags)
{
	return (prot & PROT_WRITE) && !(flags & (VF_SHARED | VF_STACK));
}

/* The program's data memory (Linux's data_vm), in bytes. */
static u64 data_bytes(void)
{
	struct vma *v;
	u64 n = 0;

	for (v = vma_first(&mm.tree); v; v = vma_next(&mm.tree, v))
		if (v->kind != K_LWK && is_data(v->prot, v->flags))
			n += v->end - v->start;
	return n;
}

u64 mapped_bytes(u64 start, u64 end)
{
	struct vma *v;
	u64 n = 0;

	for (v = vma_find(&mm.tree, start); v && v->start < end;
	     v = vma_next(&mm.tree, v))
		if (v->kind != K_LWK)
			n += MIN(end, v->end) - MAX(start, v->start);
	return n;
}

bool may_expand(u64 bytes, u64 replaced, u32 prot, u32 flags)
{
	const struct k_rlimit *as = &lwk_proc.rlim_as;
	const struct k_rlimit *data = &lwk_proc.rlim_data;
	u64 have, size = mm.size + bytes;

	if ((size - MIN(replaced, size)) >> PAGE_SHIFT > as->cur >> PAGE_SHIFT)
		return false;
	if (data->cur == RLIM_INFINITY || !is_data(prot, flags))
		return true;
	have = data_bytes() + bytes;
	have = (have - MIN(replaced, have)) >> PAGE_SHIFT;
	if (have <= data->cur >> PAGE_SHIFT)
		return true;
	/* Linux's allowance for Valgrind: a soft limit of 0 means the hard. */
	return !data->cur && have <= data->max >> PAGE_SHIFT;
}

/*
 * node_add - record a region and try to fold it into its neighbours.
 * Returns the node now covering it, or NULL when the tree is full.
 */
struct vma *node_add(u64 start, u64 end, u8 kind, u32 prot, u32 flags,
		     u64 backing, u32 shift)
{
	struct vma *v;

	if (kind == K_POOL || (flags & VF_FILE))
		flags |= VMA_BACKING_LINEAR;
	if (mm.lock_future && kind != K_LWK)
		flags |= VF_LOCKED;
	v = vma_insert(&mm.tree, start, end, prot, flags, backing, shift);
	if (!v)
		return NULL;
	v->kind = kind;
	account(v, true);
	return vma_try_merge(&mm.tree, v);
}

/* Forget a region; its frames must already be dealt with. */
void node_del(struct vma *v)
{
	account(v, false);
	vma_remove(&mm.tree, v);
}

/* Fold every region touching [start, end) together where they allow. */
void merge_range(u64 start, u64 end)
{
	struct vma *v = vma_find(&mm.tree, start ? start - 1 : 0);

	while (v && v->start <= end) {
		v = vma_try_merge(&mm.tree, v);
		v = vma_next(&mm.tree, v);
	}
}

/* ---- what is where -------------------------------------------------------- */

/*
 * Record the LWK's regions inside [start, end) that the tree does not
 * know yet (a thread area mapped since), so searches step around them.
 */
static void learn_lwk(u64 start, u64 end)
{
	u64 rs, re, a, b, e2;
	struct vma *v, *w;

	for (a = start; a < end && lwk_region_next(a, &rs, &re) && rs < end;
	     a = re) {
		rs = ALIGN_DOWN(MAX(rs, start), PAGE_SIZE);
		re = ALIGN_UP(MIN(re, end), PAGE_SIZE);
		for (b = rs; b < re;) {
			v = vma_find(&mm.tree, b);
			if (v && v->start <= b) {
				b = v->end;
				continue;
			}
			e2 = v ? MIN(v->start, re) : re;
			w = vma_insert(&mm.tree, b, e2, 0, 0, 0, PAGE_SHIFT);
			if (!w)
				return;
			w->kind = K_LWK;
			b = e2;
		}
	}
}

/*
 * Drop K_LWK records in [start, end) whose memory the LWK has given back
 * (an exited thread's area); returns true if live LWK memory remains.
 */
static bool lwk_live(u64 start, u64 end)
{
	struct vma *v, *next;

	if (lwk_owns_range(start, end))
		return true;
	for (v = vma_find(&mm.tree, start); v && v->start < end; v = next) {
		next = vma_next(&mm.tree, v);
		if (v->kind == K_LWK)
			vma_remove(&mm.tree, v);
	}
	return false;
}

/* Does [start, end) touch LWK memory (or leave the user range)? */
bool lwk_hit(u64 start, u64 end)
{
	if (end < start || end > TASK_TOP)
		return true;
	return lwk_live(start, end);
}

/* Nothing mapped in [start, end), neither the program's nor the LWK's. */
bool range_free(u64 start, u64 end)
{
	struct vma *v;

	if (lwk_hit(start, end))
		return false;
	v = vma_find(&mm.tree, start);
	return !v || v->start >= end;
}

/* Every byte of [start, end) mapped by the program (not the LWK). */
bool range_mapped(u64 start, u64 end)
{
	struct vma *v = vma_find(&mm.tree, start);
	u64 a = start;

	if (lwk_hit(start, end))
		return false;
	for (; v && a < end; v = vma_next(&mm.tree, v)) {
		if (v->start > a || v->kind == K_LWK)
			return false;
		a = v->end;
	}
	return a >= end;
}

/*
 * find_free - an address for a new mapping of @len bytes, aligned to
 * @align: @hint if that range is free, else the highest free range below
 * the mmap area's top, as Linux's top-down layout would give.
 */
int find_free(u64 len, u64 align, u64 hint, u64 *out)
{
	u64 a;
	int tries, err;

	if (hint && hint >= mm.mmap_min && IS_ALIGNED(hint, align) &&
	    hint + len > hint && range_free(hint, hint + len)) {
		*out = hint;
		return 0;
	}
	for (tries = 0; tries < 64; tries++) {
		err = vma_find_gap(&mm.tree, len, align, mm.mmap_min,
				   mm.mmap_top, &a);
		if (err)
			return -ENOMEM;
		if (!lwk_owns_range(a, a + len)) {
			*out = a;
			return 0;
		}
		learn_lwk(a, a + len);
	}
	return -ENOMEM;
}

/* ---- filling a range with pool frames --------------------------------- */

struct fill_req anon_req(u32 prot, u32 flags)
{
	return (struct fill_req){
		.prot = prot,
		.flags = flags | VF_ANON,
		.owner = (unsigned int)pool_self(),
	};
}

/*
 * Copy what is resident in [addr, addr + len) (the mapping about to be
 * replaced) into frames starting at @pfn of pool @id.
 */
static void copy_resident(u64 addr, u64 len, int id, u64 pfn)
{
	static u8 vec[4096];
	u64 done, n, i;

	for (done = 0; done < len; done += n << PAGE_SHIFT) {
		n = MIN((len - done) >> PAGE_SHIFT, (u64)sizeof(vec));
		if (linux_call3(NR_mincore, addr + done, n << PAGE_SHIFT, vec))
			memset(vec, 1, n);
		for (i = 0; i < n; i++) {
			u64 off = done + (i << PAGE_SHIFT);

			if (!(vec[i] & 1))
				continue;
			memcpy((u8 *)plat_pool_frame(id, pfn) + off,
			       (const void *)(addr + off), PAGE_SIZE);
		}
	}
}

/* Map one run of frames at @addr and record it. */
static int map_run(u64 addr, int id, u64 pfn, u64 n, const struct fill_req *r)
{
	u32 shift = pool_shift[id];
	u64 len = n << shift;
	int err;

	err = plat_pool_map(id, pfn, n, addr, r->prot, true);
	if (!err && !node_add(addr, addr + len, K_POOL, r->prot,
			      r->flags & ~VMA_BACKING_LINEAR,
			      pfn << (shift - PAGE_SHIFT), shift)) {
		linux_call2(NR_munmap, addr, len);
		err = -ENOMEM;
	}
	if (err)
		pool_free(id, pfn, n);
	return err;
}

/* Back [start, end) with frames of one pool; *done advances as it maps. */
static int fill_shift(u64 start, u64 end, u32 shift, const struct fill_req *r,
		      u64 *done)
{
	int id = pool_id(shift);
	u64 n = (end - start) >> shift, addr = start, run_pfn = 0, run_n = 0;
	unsigned int order;
	long pfn;
	int err;

	while (n) {
		order = MIN(63U - (unsigned int)__builtin_clzll(n),
			    (unsigned int)BUDDY_MAX_ORDER);
		for (;;) {
			pfn = pool_alloc(id, order, r->owner);
			if (pfn != -ENOMEM || !order)
				break;
			order--;
		}
		if (pfn < 0)
			goto fail;
		if (r->copy)
			copy_resident(addr + (run_n << shift),
				      (1ULL << order) << shift, id, (u64)pfn);
		/* Frames that continue the run go into the same mapping. */
		if (run_n && (u64)pfn != run_pfn + run_n) {
			err = map_run(addr, id, run_pfn, run_n, r);
			if (err) {
				pool_free(id, (u64)pfn, 1ULL << order);
				return err;
			}
			addr += run_n << shift;
			*done = addr;
			run_n = 0;
		}
		if (!run_n)
			run_pfn = (u64)pfn;
		run_n += 1ULL << order;
		n -= 1ULL << order;
	}
	if (run_n) {
		err = map_run(addr, id, run_pfn, run_n, r);
		if (err)
			return err;
		*done = addr + (run_n << shift);
	}
	return 0;

fail:
	if (run_n && !map_run(addr, id, run_pfn, run_n, r))
		*done = addr + (run_n << shift);
	return -ENOMEM;
}

static bool huge_ok(u32 shift, const struct fill_req *r)
{
	return !(r->flags & (VF_NOHUGE | VF_SHARED)) &&
	       shift <= mm_max_shift() && pool_usable(pool_id(shift));
}

static int fill_level(u64 start, u64 end, int level, const struct fill_req *r,
		      u64 *done)
{
	static const u32 shifts[] = { 30, 21, 12 };
	u32 shift = shifts[level];
	u64 hs, he;
	int err;

	if (start >= end)
		return 0;
	if (shift == PAGE_SHIFT)
		return fill_shift(start, end, shift, r, done);
	hs = ALIGN_UP(start, 1ULL << shift);
	he = ALIGN_DOWN(end, 1ULL << shift);
	if (!huge_ok(shift, r) || hs >= he || hs < start)
		return fill_level(start, end, level + 1, r, done);

	err = fill_level(start, hs, level + 1, r, done);
	if (err)
		return err;
	err = fill_shift(hs, he, shift, r, done);
	/* Out of huge frames: the rest of the aligned part in smaller ones. */
	if (err == -ENOMEM)
		err = fill_level(*done, he, level + 1, r, done);
	if (err)
		return err;
	return fill_level(he, end, level + 1, r, done);
}

/*
 * fill - back [start, end) with zeroed, populated pool frames for the
 * program: 1 GiB and 2 MiB frames where the range is aligned for them and
 * the request allows (not shared, not VF_NOHUGE, within --page-size), 4 KiB
 * frames elsewhere.  What was mapped there before is replaced (after
 * r->copy, keeping its resident bytes); the tree must hold nothing there.
 * With r->shift, frames of that size only (MAP_HUGETLB; keeping a region's
 * page size).  Returns 0, or -ENOMEM with [start, *done) backed and
 * recorded and the rest untouched.
 */
int fill(u64 start, u64 end, const struct fill_req *r, u64 *done)
{
	*done = start;
	if (!pool_may_fit(end - start))
		return -ENOMEM;
	if (r->shift)
		return fill_shift(start, end, r->shift, r, done);
	return fill_level(start, end, 0, r, done);
}

/* ---- cutting and dropping ------------------------------------------------ */

/*
 * Replace the huge frame of @v around @addr by 4 KiB frames holding the
 * same bytes, so the region can be cut at @addr.
 */
static int demote(struct vma *v, u64 addr)
{
	u64 size = 1ULL << v->page_shift, hs = ALIGN_DOWN(addr, size);
	int id = vma_pool(v), err;
	struct fill_req r;
	struct vma *w = v;
	u64 old_pfn;
	u32 prot;
	long p;

	if (hs > w->start && (err = vma_split(&mm.tree, w, hs, &w)))
		return err;
	if (hs + size < w->end && (err = vma_split(&mm.tree, w, hs + size, NULL)))
		return err;
	old_pfn = vma_pfn(w, hs);
	prot = w->prot;
	r = (struct fill_req){
		.prot = prot,
		.flags = (w->flags | VF_NOHUGE) & ~VMA_BACKING_LINEAR,
		.owner = (unsigned int)vma_owner(w),
	};

	/* One 4 KiB run replaces the huge mapping in one Linux call. */
	p = pool_alloc(TANDEM_POOL_4K, v->page_shift - PAGE_SHIFT, r.owner);
	if (p < 0)
		return -ENOMEM;
	pool_copy(TANDEM_POOL_4K, (u64)p, id, old_pfn, size);
	err = plat_pool_map(TANDEM_POOL_4K, (u64)p, size >> PAGE_SHIFT, hs,
			    prot, true);
	if (err) {
		pool_free(TANDEM_POOL_4K, (u64)p, size >> PAGE_SHIFT);
		return err;
	}
	node_del(w);
	if (!node_add(hs, hs + size, K_POOL, prot, r.flags,
		      (u64)p, PAGE_SHIFT)) {
		/* Out of nodes: the bytes are safe in the new frames, mapped. */
		pr_err("mm", "out of VMA nodes while splitting a huge page");
	}
	pool_free(id, old_pfn, 1);
	return 0;
}

/*
 * cut_at - make @addr a region boundary: split the region across it,
 * first moving a huge frame it falls inside of to 4 KiB frames.  Returns
 * 0, -EINVAL inside a MAP_HUGETLB page (Linux's rule), or -ENOMEM.
 */
int cut_at(u64 addr)
{
	struct vma *v = vma_lookup(&mm.tree, addr);
	int err;

	if (!v || v->start == addr)
		return 0;
	if (!IS_ALIGNED(addr, 1ULL << v->page_shift)) {
		if (v->flags & VF_HUGETLB)
			return -EINVAL;
		err = demote(v, addr);
		if (err)
			return err;
		v = vma_lookup(&mm.tree, addr);
		if (!v || v->start == addr)
			return 0;
	}
	return vma_split(&mm.tree, v, addr, NULL);
}

int cut_range(u64 start, u64 end)
{
	int err = cut_at(start);

	return err ? err : cut_at(end);
}

/*
 * drop_range - forget [start, end), cut at both ends, after Linux stopped
 * mapping it (or mapped something else there): private frames go back to
 * the pool, which is safe only now that nothing maps them.
 */
void drop_range(u64 start, u64 end)
{
	struct vma *v, *next;

	for (v = vma_find(&mm.tree, start); v && v->start < end; v = next) {
		next = vma_next(&mm.tree, v);
		if (v->kind == K_POOL && !(v->flags & VF_SHARED))
			pool_free(vma_pool(v), vma_pfn(v, v->start),
				  vma_frames(v));
		node_del(v);
	}
}

/* munmap: the Linux mapping first, then the frames. */
int unmap_range(u64 start, u64 end)
{
	int err = cut_range(start, end);

	if (err)
		return err;
	linux_call2(NR_munmap, start, end - start);
	drop_range(start, end);
	return 0;
}

/* ---- the region walk (/proc views) ------------------------------------ */

static void describe(const struct vma *v, struct mm_region *r)
{
	r->start = v->start;
	r->end = v->end;
	r->prot = v->prot;
	r->offset = v->flags & VF_FILE ? v->backing << PAGE_SHIFT : 0;
	r->page_size = 1ULL << v->page_shift;
	r->flags = 0;
	if (v->flags & VF_ANON)
		r->flags |= MM_REGION_ANON;
	if (v->flags & VF_SHARED)
		r->flags |= MM_REGION_SHARED;
	if (v->flags & VF_HEAP)
		r->flags |= MM_REGION_HEAP;
	if (v->flags & VF_STACK)
		r->flags |= MM_REGION_STACK;
	if (v->flags & VF_FILE)
		r->flags |= MM_REGION_FILE;
	if (v->flags & VF_LOCKED)
		r->flags |= MM_REGION_LOCKED;
	if (v->kind == K_POOL)
		r->flags |= MM_REGION_POOL;
	else if (!(v->flags & VF_FILE))
		r->flags |= MM_REGION_LINUX;
	r->resident = v->kind == K_POOL ? v->end - v->start : 0;
}

int mm_region_next(u64 addr, struct mm_region *out)
{
	irqflags_t irq;
	struct vma *v;
	int err = -ENOENT;

	if (!mm.ready)
		return -ENOENT;
	irq = mm_lock();
	for (v = vma_find(&mm.tree, addr); v; v = vma_next(&mm.tree, v)) {
		if (v->kind == K_LWK)
			continue;
		describe(v, out);
		err = 0;
		break;
	}
	mm_unlock(irq);
	return err;
}

void mm_usage(struct mm_usage *u)
{
	irqflags_t irq;
	struct vma *v;

	memset(u, 0, sizeof(*u));
	if (!mm.ready)
		return;
	irq = mm_lock();
	u->size = mm.size;
	u->size_peak = mm.size_peak;
	u->rss_anon = mm.rss_anon;
	u->rss_shmem = mm.rss_shmem;
	u->rss_peak = mm.rss_peak;
	for (v = vma_first(&mm.tree); v; v = vma_next(&mm.tree, v)) {
		u64 len = v->end - v->start;

		if (v->kind == K_LWK)
			continue;
		if (v->flags & VF_STACK)
			u->stack += len;
		else if ((v->prot & PROT_WRITE) && !(v->flags & VF_SHARED))
			u->data += len;
		else if ((v->prot & PROT_EXEC) && !(v->prot & PROT_WRITE))
			u->exec += len;
		if (v->flags & VF_LOCKED)
			u->locked += len;
	}
	mm_unlock(irq);
}

/* ---- boot ------------------------------------------------------------------ */

int mm_boot_pool(void)
{
	vma_tree_init(&mm.tree, mm_nodes, MM_NODES);
	return pool_boot();
}

/* One line of /proc/self/maps. */
struct maps_line {
	u64 start, end, offset;
	u32 prot;
	bool shared;
	const char *path;
};

static u64 parse_hex(const char **p)
{
	u64 v = 0;
	char c;

	for (;; (*p)++) {
		c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			return v;
	}
}

static bool parse_line(const char *p, struct maps_line *l)
{
	l->start = parse_hex(&p);
	if (*p++ != '-')
		return false;
	l->end = parse_hex(&p);
	if (*p++ != ' ' || !p[0] || !p[1] || !p[2] || !p[3])
		return false;
	l->prot = (p[0] == 'r' ? PROT_READ : 0) | (p[1] == 'w' ? PROT_WRITE : 0) |
		  (p[2] == 'x' ? PROT_EXEC : 0);
	l->shared = p[3] == 's';
	p += 4;
	if (*p++ != ' ')
		return false;
	l->offset = parse_hex(&p);
	/* Skip the device and the inode to the path, if any. */
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	l->path = p;
	return l->start < l->end;
}

#define ADOPT_MAX	64

static struct {
	u64 start, end;
	u32 prot;
} adopt[ADOPT_MAX];
static int nr_adopt;
static u64 linux_stack_start, linux_stack_end;

/* Record the part [s, e) of a maps line that is not the LWK's. */
static void seed_piece(const struct maps_line *l, u64 s, u64 e)
{
	const char *path = l->path;
	u32 flags = 0;
	u8 kind = K_LINUX;
	u64 backing = 0;

	if (!strcmp(path, "[stack]")) {
		linux_stack_start = MIN(linux_stack_start, s);
		linux_stack_end = MAX(linux_stack_end, e);
		kind = K_LWK;
	} else if (path[0] == '[') {
		flags = 0;
	} else if (path[0]) {
		flags = VF_FILE | (l->shared ? VF_SHARED : 0);
		backing = (l->offset + (s - l->start)) >> PAGE_SHIFT;
	} else if (l->shared) {
		flags = VF_ANON | VF_SHARED;
	} else if (!l->prot) {
		kind = K_NONE;
		flags = VF_ANON;
	} else if ((l->prot & PROT_READ) && nr_adopt < ADOPT_MAX) {
		/* The program's bss and the like: to the pool, below. */
		adopt[nr_adopt].start = s;
		adopt[nr_adopt].end = e;
		adopt[nr_adopt].prot = l->prot;
		nr_adopt++;
		return;
	} else {
		flags = VF_ANON;
	}
	if (!node_add(s, e, kind, l->prot, flags, backing, PAGE_SHIFT))
		pr_warn("mm", "boot: cannot record %llx-%llx",
			(unsigned long long)s, (unsigned long long)e);
}

static void seed_line(const struct maps_line *l)
{
	u64 a = l->start, rs, re;

	/* Split the line into the LWK's parts and the rest. */
	while (a < l->end) {
		if (!lwk_region_next(a, &rs, &re) || rs >= l->end) {
			seed_piece(l, a, l->end);
			return;
		}
		rs = ALIGN_DOWN(MAX(rs, a), PAGE_SIZE);
		re = ALIGN_UP(MIN(re, l->end), PAGE_SIZE);
		if (rs > a)
			seed_piece(l, a, rs);
		node_add(rs, re, K_LWK, 0, 0, 0, PAGE_SHIFT);
		a = re;
	}
}

/* Read /proc/self/maps and record every line. */
static int seed_from_maps(void)
{
	static char buf[16384];
	struct maps_line l;
	long fd, n, have = 0;
	char *line, *nl;

	fd = linux_call4(NR_openat, AT_FDCWD, "/proc/self/maps",
			 O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return (int)fd;
	for (;;) {
		n = linux_call3(NR_read, fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (parse_line(line, &l))
				seed_line(&l);
			line = nl + 1;
		}
		have -= line - buf;
		memmove(buf, line, have);
	}
	linux_call1(NR_close, fd);
	return 0;
}

/*
 * Linux anonymous memory for the main stack at [s, e), or as much of its
 * top as Linux allows (a hard RLIMIT_AS set before the run counts it);
 * returns where it starts, @e if nothing could be mapped.
 */
static u64 stack_linux(u64 s, u64 e)
{
	u64 m, len = e - s;

	for (; len >= PAGE_SIZE; len = ALIGN_DOWN(len / 2, PAGE_SIZE)) {
		m = linux_call6(NR_mmap, e - len, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				MAP_NORESERVE, -1, 0);
		if (IS_ERR_VALUE(m))
			continue;
		node_add(e - len, e, K_LINUX, PROT_READ | PROT_WRITE,
			 VF_ANON | VF_STACK, 0, PAGE_SHIFT);
		return e - len;
	}
	return e;
}

/*
 * The main stack, under a guard gap below Linux's own stack (which the
 * LWK keeps), top down:
 * - @args_bytes for the strings, pointers and auxv the ELF loader puts
 *   there, in Linux anonymous memory: Linux shows /proc/self/cmdline and
 *   environ only from anonymous memory, and writes there are few;
 * - up to STACK_POOL_MAX of pool frames, populated, where calls nest;
 * - when RLIMIT_STACK allows more, Linux memory that faults in as used:
 *   as much as the limit (up to STACK_TOTAL_MAX; STACK_UNLIMITED when it
 *   is unlimited).
 */
static u64 make_stack(u64 args_bytes)
{
	u64 limit = lwk_proc.stack_limit, total, args, pool_part, top, lo, done;
	const struct k_rlimit *as = &lwk_proc.rlim_as;
	struct fill_req r = anon_req(PROT_READ | PROT_WRITE,
				     VF_STACK | VF_NOHUGE);
	u64 ps, pe, low;

	args = ALIGN_UP(args_bytes, PAGE_SIZE);
	if (limit == RLIM_INFINITY)
		limit = STACK_UNLIMITED;
	total = MIN(MAX(limit, 128 * 1024ULL), STACK_TOTAL_MAX);
	/*
	 * Linux counts only the stack's used part against RLIMIT_AS, the LWK
	 * its whole reservation: leave the program half the room at least.
	 */
	if (as->cur != RLIM_INFINITY && as->cur > mm.size)
		total = MIN(total, (as->cur - mm.size) / 2);
	total = MAX(ALIGN_DOWN(total, PAGE_SIZE), args + PAGE_SIZE);
	pool_part = MIN(total - args, STACK_POOL_MAX);
	if (vma_find_gap(&mm.tree, total, PAGE_SIZE, MMAP_MIN,
			 linux_stack_start - STACK_GUARD, &lo))
		return 0;
	top = lo + total;
	pe = top - args;
	ps = pe - pool_part;
	if (fill(ps, pe, &r, &done)) {
		if (done > ps)
			unmap_range(ps, done);
		return 0;
	}
	stack_linux(pe, top);
	low = stack_linux(lo, ps);
	mm.stack_start = low;
	mm.stack_end = top;
	mm.mmap_top = lo > STACK_GUARD ? lo - STACK_GUARD : lo;
	return top;
}

/*
 * mm_boot_space - take over the address space Linux and the ELF loader
 * made: record it, move anonymous private memory (bss) to the pool, and
 * make the main stack, whose top @args_bytes will hold the initial stack
 * (stack_size()).  Returns the stack's top, or 0 on failure.
 */
u64 mm_boot_space(u64 args_bytes)
{
	struct fill_req r;
	u64 top, done;
	int i;

	linux_stack_start = TASK_TOP;
	mm.mmap_min = MMAP_MIN;
	mm.mmap_top = TASK_TOP;
	if (seed_from_maps())
		return 0;
	for (i = 0; i < nr_adopt; i++) {
		r = anon_req(adopt[i].prot, 0);
		r.copy = true;
		if (!fill(adopt[i].start, adopt[i].end, &r, &done))
			continue;
		/* Out of pool: what is left stays Linux memory. */
		node_add(done, adopt[i].end, K_LINUX, adopt[i].prot, VF_ANON,
			 0, PAGE_SHIFT);
	}
	top = make_stack(args_bytes);
	mm.ready = top != 0;
	return top;
}

/*
 * mm_boot_done - the initial stack is built: the stack Linux gave the LWK
 * image (its argv, environment and auxv, now copied) is no longer needed.
 * Called on the LWK's own stack, never on that one.
 */
void mm_boot_done(void)
{
	struct vma *v;

	if (!mm.ready || linux_stack_end <= linux_stack_start)
		return;
	linux_call2(NR_munmap, linux_stack_start,
		    linux_stack_end - linux_stack_start);
	while ((v = vma_lookup(&mm.tree, linux_stack_start)) &&
	       v->kind == K_LWK && v->start < linux_stack_end)
		vma_remove(&mm.tree, v);
}
