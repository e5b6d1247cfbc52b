// SPDX-License-Identifier: MIT
/*
 * The memory system calls: mmap, munmap, mprotect, mremap, brk, madvise,
 * mlock and friends, mincore, msync, and SysV shmat/shmdt, with Linux's
 * semantics and error codes, on the address space of space.c.
 *
 * Anonymous memory (private and shared mappings, the heap) is pool memory:
 * zeroed, populated frames mapped at map time, so the program takes no
 * page fault on it; running out of pool is ENOMEM here, never a fault
 * later.  File mappings stay Linux's (the page cache is shared) and are
 * recorded all the same.  The LWK's own memory is refused: EPERM for calls
 * that would destroy it, ENOMEM (as for unmapped memory) for the rest.
 */
#include "mm.h"
#include "space.h"
#include "../sys.h"
#include "../errno.h"
#include "../kmsg.h"
#include "../lib/lib.h"
#include "../arch/x86_64/abi.h"
#include "../arch/x86_64/unistd.h"

#define MAP_LOCKED		0x2000
#define MAP_SYNC		0x80000
#define MAP_HUGE_SHIFT		26
#define MAP_HUGE_MASK		0x3f
#define PROT_SEM		0x8
#define PROT_GROWSDOWN		0x01000000
#define PROT_GROWSUP		0x02000000
#define MCL_CURRENT		1
#define MCL_FUTURE		2
#define MCL_ONFAULT		4
#define MLOCK_ONFAULT		1
#define SHM_REMAP		040000
#define PR_GET_THP_DISABLE	42
#define IPC_STAT		2

/* madvise advice values (Linux's). */
enum {
	ADV_NORMAL = 0, ADV_RANDOM, ADV_SEQUENTIAL, ADV_WILLNEED, ADV_DONTNEED,
	ADV_FREE = 8, ADV_REMOVE, ADV_DONTFORK, ADV_DOFORK, ADV_MERGEABLE,
	ADV_UNMERGEABLE, ADV_HUGEPAGE, ADV_NOHUGEPAGE, ADV_DONTDUMP,
	ADV_DODUMP, ADV_WIPEONFORK, ADV_KEEPONFORK, ADV_COLD, ADV_PAGEOUT,
	ADV_POPULATE_READ, ADV_POPULATE_WRITE, ADV_DONTNEED_LOCKED,
	ADV_COLLAPSE, ADV_HWPOISON = 100, ADV_SOFT_OFFLINE = 101,
};

/* A heap this large grows in whole 2 MiB pages where the pool has them. */
#define HEAP_HUGE_FROM	(4ULL << 20)

/*
 * DONTNEED on 4 KiB frames: zeroed in place below DISCARD_MIN, given back
 * to the machine above (drop_bytes).  On huge frames: zeroed in place
 * below FRESH_MIN, fresh frames swapped in above.
 */
#define DISCARD_MIN	(64ULL << 10)
#define FRESH_MIN	(2ULL << 20)

/* Page-align a length; false if it wraps. */
static bool page_len(u64 len, u64 *out)
{
	*out = ALIGN_UP(len, PAGE_SIZE);
	return *out >= len;
}

/* Zero [start, end) of pool region @v through the LWK's window. */
static void zero_bytes(const struct vma *v, u64 start, u64 end)
{
	u8 *base = plat_pool_frame(vma_pool(v), 0);

	memset(base + (v->backing << PAGE_SHIFT) + (start - v->start), 0,
	       end - start);
}

/*
 * Make [start, end) of 4 KiB pool region @v read zero: a small range is
 * zeroed in place; a larger one is given back to the machine (the next
 * touch of each page faults and finds a zero page, as Linux's DONTNEED;
 * glibc gives back every exiting thread's stack this way, most of it
 * never touched).  Its frames stay the region's.
 */
static void drop_bytes(const struct vma *v, u64 start, u64 end);

/*
 * One madvise call's discards, gathered (under the mm lock) so that frames
 * adjacent in the pool go back in one piece: the regions of a thread's
 * stack lie in the pool in another order than in memory, so glibc's
 * DONTNEED of an exiting thread's stack otherwise costs one Linux call
 * per region.
 */
#define DROP_BATCH	16

static struct {
	bool on;
	u32 n;
	struct { int pool; u64 pfn, n; } r[DROP_BATCH];
} drops;

static void drop_frames(int pool, u64 pfn, u64 n)
{
	if (plat_pool_discard(pool, pfn, n))
		pool_zero(pool, pfn, n);
}

/* Give back the gathered frames, sorted, adjacent ones in one piece. */
static void drops_flush(void)
{
	u32 i, j;

	for (i = 1; i < drops.n; i++)
		for (j = i; j && (drops.r[j - 1].pool > drops.r[j].pool ||
				  (drops.r[j - 1].pool == drops.r[j].pool &&
				   drops.r[j - 1].pfn > drops.r[j].pfn)); j--) {
			__typeof__(drops.r[0]) t = drops.r[j];

			drops.r[j] = drops.r[j - 1];
			drops.r[j - 1] = t;
		}
	for (i = 0; i < drops.n; i = j) {
		u64 end = drops.r[i].pfn + drops.r[i].n;

		for (j = i + 1; j < drops.n && drops.r[j].pool ==
		     drops.r[i].pool && drops.r[j].pfn == end; j++)
			end += drops.r[j].n;
		drop_frames(drops.r[i].pool, drops.r[i].pfn,
			    end - drops.r[i].pfn);
	}
	drops.n = 0;
}

static void drop_bytes(const struct vma *v, u64 start, u64 end)
{
	u64 pfn = vma_pfn(v, start), n = (end - start) >> PAGE_SHIFT;

	if (end - start < DISCARD_MIN) {
		pool_zero(vma_pool(v), pfn, n);
		return;
	}
	if (!drops.on) {
		drop_frames(vma_pool(v), pfn, n);
		return;
	}
	if (drops.n == DROP_BATCH)
		drops_flush();
	drops.r[drops.n].pool = vma_pool(v);
	drops.r[drops.n].pfn = pfn;
	drops.r[drops.n].n = n;
	drops.n++;
}

/* ---- mmap ------------------------------------------------------------- */

static bool huge_fits(u32 shift, u64 len)
{
	return len >= (1ULL << shift) && shift <= mm_max_shift() &&
	       pool_usable(pool_id(shift));
}

/* Make [s, e) empty for a MAP_FIXED mapping; Linux keeps a placeholder. */
static int clear_for_fixed(u64 s, u64 e)
{
	struct vma *v = vma_find(&mm.tree, s);
	int err;

	if (!v || v->start >= e)
		return 0;
	err = cut_range(s, e);
	if (err)
		return err;
	/* Atomically away from the program, then the old frames are free. */
	linux_call6(NR_mmap, s, e - s, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		    -1, 0);
	drop_range(s, e);
	return 0;
}

static long map_anon(u64 addr, u64 len, u32 prot, u64 mflags)
{
	bool shared = (mflags & MAP_TYPE) != MAP_PRIVATE;
	bool fixed = mflags & MAP_FIXED;
	u32 vf = VF_ANON, shift = PAGE_SHIFT;
	u64 align = PAGE_SIZE, s, done;
	struct fill_req r;
	u8 kind = K_POOL;
	int err, obj = -1;
	long m;

	if (mflags & MAP_HUGETLB) {
		shift = (mflags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
		if (!shift)
			shift = 21;
		if (shift != 21 && shift != 30)
			return -EINVAL;
		if (shift > mm_max_shift() || !pool_usable(pool_id(shift)))
			return -ENOMEM;
		vf |= VF_HUGETLB;
		align = 1ULL << shift;
		len = ALIGN_UP(len, align);
		if (!len)
			return -ENOMEM;
	} else if (!shared && prot == PROT_NONE) {
		kind = K_NONE;
	} else if (!shared && (mflags & MAP_NORESERVE)) {
		kind = K_LINUX;		/* sparse by request: Linux pages it */
	} else if (!shared) {
		if (huge_fits(30, len))
			align = 1ULL << 30;
		else if (huge_fits(21, len))
			align = 1ULL << 21;
	}
	/* 4 KiB frames in 2 MiB folios: Linux maps a folio with one entry. */
	if (kind == K_POOL && align < (1ULL << 21) && len >= (1ULL << 21) &&
	    plat_pool_folio_shift(TANDEM_POOL_4K) >= 21)
		align = 1ULL << 21;
	if (shared)
		vf |= VF_SHARED;
	if (mflags & MAP_GROWSDOWN)
		vf |= VF_STACK;
	if (mflags & MAP_LOCKED)
		vf |= VF_LOCKED;

	if (mflags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		s = addr;
		/* Only MAP_HUGETLB asks the program for an aligned address. */
		if (!IS_ALIGNED(s, shift == PAGE_SHIFT ? PAGE_SIZE : align) ||
		    s + len < s)
			return -EINVAL;
		if (lwk_hit(s, s + len))
			return fixed ? -EPERM : -EEXIST;
		if (!fixed && !range_free(s, s + len))
			return -EEXIST;
	} else if (find_free(len, align, ALIGN_DOWN(addr, PAGE_SIZE), &s) &&
		   find_free(len, PAGE_SIZE, 0, &s)) {
		return -ENOMEM;
	}
	if (!may_expand(len, fixed ? mapped_bytes(s, s + len) : 0, prot, vf))
		return -ENOMEM;
	if (fixed && (err = clear_for_fixed(s, s + len)))
		return err;

	if (kind != K_POOL) {
		m = linux_call6(NR_mmap, s, len, prot,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				MAP_NORESERVE, -1, 0);
		if (IS_ERR_VALUE(m))
			return m;
		if (!node_add(s, s + len, kind, prot, vf, 0, PAGE_SHIFT)) {
			linux_call2(NR_munmap, s, len);
			return -ENOMEM;
		}
		return (long)s;
	}

	r = anon_req(prot, vf);
	if (vf & VF_HUGETLB)
		r.shift = shift;
	if (shared) {
		obj = pool_shared_new();
		if (obj < 0)
			goto fail_placeholder;
		r.owner = (unsigned int)obj;
		r.flags |= (u32)obj << VF_OWNER_SHIFT;
	}
	err = fill(s, s + len, &r, &done);
	if (!err)
		return (long)s;
	if (done > s)
		unmap_range(s, done);
	else if (obj > 0)
		pool_shared_put(obj);
fail_placeholder:
	if (fixed)
		linux_call2(NR_munmap, s, len);
	return -ENOMEM;
}

static long map_file(u64 addr, u64 len, u32 prot, u64 mflags, long fd,
		     u64 off)
{
	u32 vf = VF_FILE | ((mflags & MAP_TYPE) != MAP_PRIVATE ? VF_SHARED : 0);
	u64 s = addr;
	long m;
	int err;

	if (mflags & MAP_FIXED) {
		if (!IS_ALIGNED(s, PAGE_SIZE) || s + len < s)
			return -EINVAL;
		if (lwk_hit(s, s + len))
			return -EPERM;
		if (!may_expand(len, mapped_bytes(s, s + len), prot, vf))
			return -ENOMEM;
		err = cut_range(s, s + len);
		if (err)
			return err;
		m = linux_call6(NR_mmap, s, len, prot, mflags, fd, off);
		if (IS_ERR_VALUE(m))
			return m;
		drop_range(s, s + len);
	} else {
		if (mflags & MAP_FIXED_NOREPLACE) {
			if (!IS_ALIGNED(s, PAGE_SIZE) || s + len < s)
				return -EINVAL;
			if (!range_free(s, s + len))
				return -EEXIST;
		} else if (find_free(len, PAGE_SIZE, ALIGN_DOWN(addr, PAGE_SIZE),
				     &s)) {
			return -ENOMEM;
		}
		if (!may_expand(len, 0, prot, vf))
			return -ENOMEM;
		m = linux_call6(NR_mmap, s, len, prot,
				mflags | MAP_FIXED_NOREPLACE, fd, off);
		if (m == -EEXIST && !(mflags & MAP_FIXED_NOREPLACE)) {
			/* Something the tree does not know: let Linux choose. */
			m = linux_call6(NR_mmap, 0, len, prot, mflags, fd, off);
		}
		if (IS_ERR_VALUE(m))
			return m;
		s = (u64)m;
	}
	if (!node_add(s, s + len, K_LINUX, prot, vf, off >> PAGE_SHIFT,
		      PAGE_SHIFT))
		pr_warn("mm", "out of VMA nodes: %llx-%llx is not recorded",
			(unsigned long long)s, (unsigned long long)(s + len));
	return (long)s;
}

/* Is the mapping type in @mflags one Linux takes for this mapping? */
static bool type_ok(u64 mflags)
{
	u64 type = mflags & MAP_TYPE;

	if (!(mflags & MAP_ANONYMOUS))
		return type == MAP_SHARED || type == MAP_PRIVATE ||
		       type == MAP_SHARED_VALIDATE;
	return type == MAP_PRIVATE ||
	       (type == MAP_SHARED && !(mflags & MAP_GROWSDOWN));
}

/*
 * The argument checks Linux makes before it maps anything, in its order
 * (ksys_mmap_pgoff, do_mmap, __get_unmapped_area), but for the file's:
 * the length, the offset's overflow, a fixed address, the mapping type.
 */
static long mmap_args(u64 addr, u64 raw_len, u64 off, u64 mflags, u64 *len)
{
	bool fixed = mflags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	irqflags_t irq;
	bool busy;

	if (!raw_len)
		return -EINVAL;
	if (!page_len(raw_len, len))
		return -ENOMEM;
	if ((off >> PAGE_SHIFT) + (*len >> PAGE_SHIFT) < (off >> PAGE_SHIFT))
		return -EOVERFLOW;
	if (type_ok(mflags))
		return 0;
	if (*len > TASK_TOP || (fixed && addr > TASK_TOP - *len))
		return -ENOMEM;
	if (fixed && (addr & ~PAGE_MASK))
		return -EINVAL;
	if ((mflags & MAP_FIXED_NOREPLACE) && !(mflags & MAP_FIXED) &&
	    mm.ready) {
		irq = mm_lock();
		busy = !range_free(addr, addr + *len);
		mm_unlock(irq);
		if (busy)
			return -EEXIST;
	}
	return -EINVAL;
}

SYSCALL(mmap)
{
	u64 addr = a[0], len, off = a[5], mflags = (u64)a[3];
	u32 prot = (u32)a[2];
	irqflags_t irq;
	long ret;

	if (off & ~PAGE_MASK)
		return -EINVAL;
	ret = mmap_args(addr, a[1], off, mflags, &len);
	/* Linux looks the descriptor up first. */
	if (ret && !(mflags & MAP_ANONYMOUS) &&
	    linux_call2(NR_fcntl, a[4], F_GETFD) < 0)
		return -EBADF;
	if (ret)
		return ret;
	if ((mflags & MAP_TYPE) == MAP_SHARED_VALIDATE && (mflags & MAP_SYNC))
		return -EOPNOTSUPP;
	if (!mm.ready)
		return linux_call6(NR_mmap, addr, len, prot, mflags, a[4], off);

	irq = mm_lock();
	if (mflags & MAP_ANONYMOUS)
		ret = map_anon(addr, len, prot, mflags);
	else
		ret = map_file(addr, len, prot, mflags, a[4], off);
	mm_unlock(irq);
	return ret;
}

/* ---- munmap, mprotect --------------------------------------------------- */

SYSCALL(munmap)
{
	u64 s = a[0], len;
	irqflags_t irq;
	long ret;

	if ((s & ~PAGE_MASK) || !a[1] || !page_len(a[1], &len) ||
	    s + len < s || s + len > TASK_TOP)
		return -EINVAL;
	irq = mm_lock();
	ret = lwk_hit(s, s + len) ? -EPERM : unmap_range(s, s + len);
	mm_unlock(irq);
	return ret;
}

/*
 * A PROT_NONE reservation becomes accessible: it gets its frames now.
 * @v is the whole K_NONE region [cs, ce).
 */
static int populate_none(struct vma *v, u32 prot)
{
	u64 cs = v->start, ce = v->end, done;
	u32 flags = v->flags & ~VMA_BACKING_LINEAR;
	struct fill_req r = anon_req(prot, flags);
	int err;

	node_del(v);
	err = fill(cs, ce, &r, &done);
	if (err && !node_add(done, ce, K_NONE, PROT_NONE, flags, 0, PAGE_SHIFT))
		pr_warn("mm", "out of VMA nodes in mprotect");
	return err;
}

static long do_mprotect(u64 s, u64 len, u32 prot, long pkey)
{
	u64 e = s + len, a, ce;
	struct vma *v;
	long err;

	if (!range_mapped(s, e))
		return -ENOMEM;
	err = cut_range(s, e);
	if (err)
		return err;
	for (a = s; a < e; a = ce) {
		v = vma_lookup(&mm.tree, a);
		ce = v->end;
		/* As Linux: ENOMEM if this makes data past RLIMIT_DATA. */
		if (!may_expand(ce - a, 0, prot, v->flags) &&
		    may_expand(ce - a, 0, v->prot, v->flags)) {
			err = -ENOMEM;
			break;
		}
		if (v->kind == K_NONE && prot != PROT_NONE) {
			err = populate_none(v, prot);
		} else {
			err = pkey < 0 ?
			      linux_call3(NR_mprotect, a, ce - a, prot) :
			      linux_call4(NR_pkey_mprotect, a, ce - a, prot, pkey);
			if (!err)
				v->prot = prot;
		}
		if (err)
			break;
	}
	merge_range(s, e);
	return err;
}

static long mprotect_common(const long *a, long pkey)
{
	u64 s = a[0], len;
	u32 prot = (u32)a[2], grows;
	irqflags_t irq;
	struct vma *v;
	long ret;

	if (s & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM |
		     PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
		return -EINVAL;
	grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM;
	if (!page_len(a[1], &len) || s + len < s)
		return -ENOMEM;
	if (!len)
		return 0;
	irq = mm_lock();
	/*
	 * As Linux: PROT_GROWSDOWN reaches down to the start of a
	 * MAP_GROWSDOWN mapping (EINVAL on any other); nothing grows up.
	 */
	v = grows ? vma_find(&mm.tree, s) : NULL;
	if (grows && (!v || v->start >= s + len ||
		      ((grows & PROT_GROWSUP) && v->start > s)))
		ret = -ENOMEM;
	else if ((grows & PROT_GROWSUP) ||
		 (grows && !(v->flags & VF_STACK)))
		ret = -EINVAL;
	else if (grows)
		ret = do_mprotect(v->start, s + len - v->start, prot, pkey);
	else
		ret = do_mprotect(s, len, prot, pkey);
	mm_unlock(irq);
	return ret;
}

SYSCALL(mprotect)
{
	return mprotect_common(a, -1);
}

SYSCALL(pkey_mprotect)
{
	return mprotect_common(a, a[3]);
}

/* ---- mremap ----------------------------------------------------------- */

/* The mapping [s, e) as one: same kind and attributes throughout. */
static struct vma *one_mapping(u64 s, u64 e)
{
	const u32 ignore = VMA_BACKING_LINEAR | VF_FORK;
	struct vma *first = vma_lookup(&mm.tree, s), *v;
	u64 a;

	if (!first || first->kind == K_LWK || lwk_hit(s, e))
		return NULL;
	for (v = first, a = s; v && a < e; v = vma_next(&mm.tree, v)) {
		if (v->start != a && v != first)
			return NULL;
		if (v->kind != first->kind || v->prot != first->prot ||
		    (v->flags & ~ignore) != (first->flags & ~ignore))
			return NULL;
		a = v->end;
	}
	return a >= e ? first : NULL;
}

/* Linux keeps a non-pool mapping: let it move it, and follow. */
static long mremap_linux(struct vma *t, u64 old, u64 ol, u64 nl, u64 fl,
			 u64 dest)
{
	u8 kind = t->kind;
	u32 prot = t->prot, flags = t->flags & ~VMA_BACKING_LINEAR;
	u64 backing = t->backing + ((old - t->start) >> PAGE_SHIFT);
	long r;
	int err;

	if (!(t->flags & VMA_BACKING_LINEAR))
		backing = t->backing;
	if (!(fl & MREMAP_FIXED)) {
		if (nl <= ol) {
			r = linux_call4(NR_mremap, old, ol, nl, 0);
			if (IS_ERR_VALUE(r))
				return r;
			if (nl < ol && !cut_range(old + nl, old + ol))
				drop_range(old + nl, old + ol);
			return (long)old;
		}
		if (range_free(old + ol, old + nl)) {
			r = linux_call4(NR_mremap, old, ol, nl, 0);
			if (!IS_ERR_VALUE(r)) {
				node_add(old + ol, old + nl, kind, prot, flags,
					 backing + (flags & VF_FILE ?
						    ol >> PAGE_SHIFT : 0),
					 PAGE_SHIFT);
				return (long)old;
			}
		}
		if (!(fl & MREMAP_MAYMOVE))
			return -ENOMEM;
		if (find_free(nl, PAGE_SIZE, 0, &dest))
			return -ENOMEM;
	}
	err = cut_range(old, old + ol);
	if (err)
		return err;
	r = linux_call6(NR_mremap, old, ol, nl,
			MREMAP_MAYMOVE | MREMAP_FIXED | (fl & MREMAP_DONTUNMAP),
			dest, 0);
	if (IS_ERR_VALUE(r))
		return r;
	if (!(fl & MREMAP_DONTUNMAP))
		drop_range(old, old + ol);
	node_add(dest, dest + nl, kind, prot, flags & ~(VF_HEAP | VF_STACK),
		 backing, PAGE_SHIFT);
	return (long)dest;
}

/* Largest page size among the pool regions of [s, e). */
static u64 largest_page(u64 s, u64 e)
{
	struct vma *v;
	u64 p = PAGE_SIZE;

	for (v = vma_find(&mm.tree, s); v && v->start < e;
	     v = vma_next(&mm.tree, v))
		p = MAX(p, 1ULL << v->page_shift);
	return p;
}

/* Make every huge frame of [s, e) 4 KiB frames (to move by any offset). */
static int demote_all(u64 s, u64 e)
{
	struct vma *v;
	u64 a;
	int err;

	for (a = s; a < e;) {
		v = vma_lookup(&mm.tree, a);
		if (!v)
			return 0;
		if (v->page_shift == PAGE_SHIFT) {
			a = v->end;
			continue;
		}
		/* Cutting one page above the start demotes that frame. */
		err = cut_at(a + PAGE_SIZE);
		if (err)
			return err;
		a = vma_lookup(&mm.tree, a)->end;
	}
	return 0;
}

/*
 * Move the pool regions of [old, old + len) to @dest: the same frames, so
 * nothing is copied; Linux moves the page tables where it can.  With
 * @keep (DONTUNMAP), the old range stays mapped: fresh zeroed frames for
 * private memory, the same frames for shared.
 */
static int move_pool(u64 old, u64 len, u64 dest, bool keep)
{
	struct vma *v, *next;
	u64 a, d, vs, ve, done;
	struct fill_req r;
	long m;
	int err;

	for (a = old; a < old + len; a = ve) {
		v = vma_lookup(&mm.tree, a);
		vs = v->start;
		ve = v->end;
		d = dest + (vs - old);
		m = -1;
		if (!keep)
			m = linux_call6(NR_mremap, vs, ve - vs, ve - vs,
					MREMAP_MAYMOVE | MREMAP_FIXED, d, 0);
		if (IS_ERR_VALUE(m)) {
			err = plat_pool_map(vma_pool(v), vma_pfn(v, vs),
					    vma_frames(v), d, v->prot, true);
			if (err)
				return err;
		}
		if (!node_add(d, d + (ve - vs), K_POOL, v->prot,
			      v->flags & ~(VMA_BACKING_LINEAR | VF_HEAP |
					   VF_STACK),
			      v->backing, v->page_shift))
			return -ENOMEM;
	}

	/* The frames now belong to the new regions: forget the old ones. */
	r = anon_req(0, 0);
	for (v = vma_find(&mm.tree, old); v && v->start < old + len; v = next) {
		next = vma_next(&mm.tree, v);
		r.prot = v->prot;
		r.flags = v->flags & ~VMA_BACKING_LINEAR;
		r.owner = (unsigned int)vma_owner(v);
		if (keep && (v->flags & VF_SHARED))
			continue;
		vs = v->start;
		ve = v->end;
		node_del(v);
		if (!keep)
			continue;
		r.flags |= VF_NOHUGE;
		if (fill(vs, ve, &r, &done))
			return -ENOMEM;
	}
	if (!keep)
		linux_call2(NR_munmap, old, len);	/* unmoved leftovers */
	return 0;
}

static long mremap_pool(struct vma *t, u64 old, u64 ol, u64 nl, u64 fl,
			u64 dest)
{
	struct fill_req r = anon_req(t->prot, t->flags & ~VMA_BACKING_LINEAR);
	bool keep = fl & MREMAP_DONTUNMAP;
	u64 huge = largest_page(old, old + ol), done, g;
	int err;

	r.owner = (unsigned int)vma_owner(t);
	if (t->flags & VF_HUGETLB)
		r.shift = t->page_shift;
	if ((t->flags & VF_HUGETLB) &&
	    (!IS_ALIGNED(old | ol | nl | dest, 1ULL << t->page_shift)))
		return -EINVAL;

	if (nl < ol) {
		err = unmap_range(old + nl, old + ol);
		if (err)
			return err;
		ol = nl;
		if (!(fl & MREMAP_FIXED))
			return (long)old;
	} else if (!(fl & MREMAP_FIXED) && !keep) {
		if (nl == ol)
			return (long)old;
		if (range_free(old + ol, old + nl)) {
			r.flags &= ~VF_STACK;
			err = fill(old + ol, old + nl, &r, &done);
			if (!err)
				return (long)old;
			if (done > old + ol)
				unmap_range(old + ol, done);
			return -ENOMEM;
		}
		if (!(fl & MREMAP_MAYMOVE))
			return -ENOMEM;
	}

	if (fl & MREMAP_FIXED) {
		if (!IS_ALIGNED(dest - old, huge) && (t->flags & VF_HUGETLB))
			return -EINVAL;
		if (!IS_ALIGNED(dest - old, huge)) {
			err = demote_all(old, old + ol);
			if (err)
				return err;
		}
		err = unmap_range(dest, dest + nl);
		if (err)
			return err;
	} else {
		if (find_free(nl + huge, huge, 0, &g))
			return -ENOMEM;
		dest = g + (old & (huge - 1));
	}

	/* Grow first: if that fails, nothing has moved. */
	if (nl > ol) {
		r.flags &= ~(VF_HEAP | VF_STACK);
		err = fill(dest + ol, dest + nl, &r, &done);
		if (err) {
			if (done > dest + ol)
				unmap_range(dest + ol, done);
			return -ENOMEM;
		}
	}
	err = cut_range(old, old + ol);
	if (!err)
		err = move_pool(old, ol, dest, keep);
	if (err) {
		pr_warn("mm", "mremap: out of memory while moving %llx: the mapping may be partly moved",
			(unsigned long long)old);
		return err;
	}
	return (long)dest;
}

/* mremap(old, 0, nl, MAYMOVE): a second mapping of shared pool memory. */
static long mremap_alias(u64 old, u64 nl, u64 fl, u64 dest)
{
	int err;

	if (!one_mapping(old, old + nl))
		return -EFAULT;
	if (fl & MREMAP_FIXED)
		err = unmap_range(dest, dest + nl);
	else
		err = find_free(nl, PAGE_SIZE, 0, &dest);
	if (!err)
		err = cut_range(old, old + nl);
	if (!err)
		err = move_pool(old, nl, dest, true);
	return err ? err : (long)dest;
}

SYSCALL(mremap)
{
	u64 old = a[0], ol, nl, fl = a[3], dest = a[4], grow;
	irqflags_t irq;
	struct vma *tv;
	long ret;

	if ((old & ~PAGE_MASK) ||
	    (fl & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((fl & MREMAP_FIXED) && !(fl & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((fl & MREMAP_DONTUNMAP) &&
	    (!(fl & MREMAP_MAYMOVE) || a[1] != a[2]))
		return -EINVAL;
	if (!page_len(a[1], &ol) || !page_len(a[2], &nl) || !nl ||
	    nl > TASK_TOP)
		return -EINVAL;
	if ((fl & MREMAP_FIXED) &&
	    ((dest & ~PAGE_MASK) || dest > TASK_TOP - nl))
		return -EINVAL;
	if ((fl & MREMAP_FIXED) && dest < old + ol && old < dest + nl)
		return -EINVAL;
	if (old + ol < old || old + ol > TASK_TOP)
		return -EINVAL;

	irq = mm_lock();
	if ((fl & MREMAP_FIXED) && lwk_hit(dest, dest + nl)) {
		ret = -EPERM;
		goto out;
	}
	/*
	 * As Linux: a call that neither grows nor moves needs a mapping at
	 * old only; a shrink unmaps the tail, whatever it spans.
	 */
	tv = vma_lookup(&mm.tree, old);
	if (ol && nl <= ol && !(fl & (MREMAP_FIXED | MREMAP_DONTUNMAP)) &&
	    (!tv || !(tv->flags & VF_HUGETLB))) {
		if (!tv || tv->kind == K_LWK)
			ret = -EFAULT;
		else if (nl == ol)
			ret = (long)old;
		else if (lwk_hit(old + nl, old + ol))
			ret = -EPERM;
		else if (!(ret = unmap_range(old + nl, old + ol)))
			ret = (long)old;
		goto out;
	}
	tv = one_mapping(old, old + (ol ? ol : PAGE_SIZE));
	if (!tv) {
		ret = -EFAULT;
		goto out;
	}
	grow = !ol ? nl : nl > ol ? nl - ol : 0;
	if (fl & MREMAP_DONTUNMAP)
		grow += ol;
	if (!may_expand(grow, 0, tv->prot, tv->flags)) {
		ret = -ENOMEM;
		goto out;
	}
	if (!ol) {
		/* A second mapping of the same shared memory. */
		if (!(tv->flags & VF_SHARED) || !(fl & MREMAP_MAYMOVE)) {
			ret = -EINVAL;
			goto out;
		}
		ret = tv->kind == K_POOL ? mremap_alias(old, nl, fl, dest) :
		      mremap_linux(tv, old, ol, nl, fl, dest);
		goto out;
	}
	if (tv->kind == K_POOL)
		ret = mremap_pool(tv, old, ol, nl, fl, dest);
	else
		ret = mremap_linux(tv, old, ol, nl, fl, dest);
out:
	mm_unlock(irq);
	return ret;
}

/* ---- brk -------------------------------------------------------------- */

/* Zero the pool memory of [s, e) that the program may have written. */
static void zero_range(u64 s, u64 e)
{
	struct vma *v;

	for (v = vma_find(&mm.tree, s); v && v->start < e;
	     v = vma_next(&mm.tree, v))
		if (v->kind == K_POOL)
			zero_bytes(v, MAX(s, v->start), MIN(e, v->end));
}

/*
 * Linux's limits on a heap that grows from @top to @end: RLIMIT_DATA on
 * the heap's size, then RLIMIT_AS and RLIMIT_DATA on the memory mapped.
 * What the LWK mapped ahead of the break, up to @mapped, is not yet the
 * program's.
 */
static bool brk_fits(u64 end, u64 top, u64 mapped)
{
	u64 data = lwk_proc.rlim_data.cur;

	if (data != RLIM_INFINITY && end - lwk_proc.brk_start > data)
		return false;
	return may_expand(end - top, mapped > top ? mapped - top : 0,
			  PROT_READ | PROT_WRITE, VF_HEAP);
}

/*
 * The heap is [brk_start, brk_mapped) of pool memory, grown by at least
 * the heap step at a time.  Everything above the break's page is zero, so
 * growing inside it costs nothing: shrinking zeroes what the program gave
 * back, or frees it when that is more than two steps.
 */
SYSCALL(brk)
{
	u64 want = a[0], cur, end, top, mapped, target, step = mm_heap_step();
	struct fill_req r = anon_req(PROT_READ | PROT_WRITE, VF_HEAP);
	irqflags_t irq;
	u64 done, cut;

	irq = mm_lock();
	cur = lwk_proc.brk;
	if (want < lwk_proc.brk_start || !mm.ready)
		goto out;
	end = ALIGN_UP(want, PAGE_SIZE);
	top = ALIGN_UP(cur, PAGE_SIZE);
	mapped = lwk_proc.brk_mapped;
	if (end < want)
		goto out;

	if (end > top && !brk_fits(end, top, mapped))
		goto out;
	if (end > mapped) {
		target = ALIGN_UP(MAX(end, mapped + step), PAGE_SIZE);
		/* A large heap grows to 2 MiB boundaries: its pages can be. */
		if (mapped - lwk_proc.brk_start >= HEAP_HUGE_FROM &&
		    huge_fits(21, 1ULL << 21))
			target = ALIGN_UP(target, 1ULL << 21);
		if (!range_free(mapped, target)) {
			target = end;
			if (!range_free(mapped, target))
				goto out;
		}
		if (fill(mapped, target, &r, &done)) {
			if (done < end) {
				if (done > mapped)
					unmap_range(mapped, done);
				goto out;
			}
			target = done;
		}
		lwk_proc.brk_mapped = target;
	} else if (end < top) {
		if (top - end <= 2 * step) {
			zero_range(end, top);
		} else {
			cut = ALIGN_UP(end + step, PAGE_SIZE);
			if (cut < mapped && !unmap_range(cut, mapped))
				lwk_proc.brk_mapped = cut;
			zero_range(end, MIN(top, lwk_proc.brk_mapped));
		}
	}
	lwk_proc.brk = cur = want;
out:
	mm_unlock(irq);
	return cur;
}

/* ---- madvise ---------------------------------------------------------- */

static bool known_advice(long adv)
{
	switch (adv) {
	case ADV_NORMAL: case ADV_RANDOM: case ADV_SEQUENTIAL:
	case ADV_WILLNEED: case ADV_DONTNEED: case ADV_FREE: case ADV_REMOVE:
	case ADV_DONTFORK: case ADV_DOFORK: case ADV_MERGEABLE:
	case ADV_UNMERGEABLE: case ADV_HUGEPAGE: case ADV_NOHUGEPAGE:
	case ADV_DONTDUMP: case ADV_DODUMP: case ADV_WIPEONFORK:
	case ADV_KEEPONFORK: case ADV_COLD: case ADV_PAGEOUT:
	case ADV_POPULATE_READ: case ADV_POPULATE_WRITE:
	case ADV_DONTNEED_LOCKED: case ADV_COLLAPSE: case ADV_HWPOISON:
	case ADV_SOFT_OFFLINE:
		return true;
	}
	return false;
}

/* Swap fresh zeroed frames in for [s, e), a whole private pool region. */
static int fresh_frames(struct vma *v)
{
	u64 s = v->start, e = v->end, pfn = vma_pfn(v, s), n = vma_frames(v);
	u32 flags = v->flags & ~VMA_BACKING_LINEAR, shift = v->page_shift;
	struct fill_req r = anon_req(v->prot, flags);
	int id = vma_pool(v), err;
	u64 done;

	r.owner = (unsigned int)vma_owner(v);
	r.shift = shift;	/* so the failure case below stays in whole frames */
	node_del(v);
	err = fill(s, e, &r, &done);
	if (err) {
		/*
		 * The part not replaced keeps its old frames, zeroed; the old
		 * frames of the part replaced, if any, go back.
		 */
		memset((u8 *)plat_pool_frame(id, pfn) + (done - s), 0, e - done);
		node_add(done, e, K_POOL, r.prot, flags,
			 (pfn << (shift - PAGE_SHIFT)) +
			 ((done - s) >> PAGE_SHIFT), shift);
		if (done > s)
			pool_free(id, pfn, (done - s) >> shift);
		return 0;
	}
	pool_free(id, pfn, n);
	return 0;
}

/* Set or clear flag bits on [s, e) (cut there first). */
static int set_flags(u64 s, u64 e, u32 set, u32 clear)
{
	struct vma *v;
	int err = cut_range(s, e);

	if (err)
		return err;
	for (v = vma_find(&mm.tree, s); v && v->start < e;
	     v = vma_next(&mm.tree, v))
		v->flags = (v->flags | set) & ~clear;
	merge_range(s, e);
	return 0;
}

/*
 * MADV_COLLAPSE on the pool region part [s, e) of @v, as Linux answers
 * for memory it has (madvise_collapse): EINVAL unless the mapping may
 * have huge pages (not MADV_NOHUGEPAGE, not hugetlb) and holds a whole
 * aligned 2 MiB page, and unless [s, e) covers the whole pages it
 * touches or none (a part of one page not at its start is refused).
 * Pool memory is resident, so every such page counts as collapsed.
 */
static long collapse_pool(struct vma *v, u64 s, u64 e)
{
	const u32 same = VF_SHARED | VF_STACK | VF_LOCKED | VF_NOHUGE |
			 VF_HUGETLB | VF_HEAP;
	const u64 hp = 2ULL << 20;
	u64 vs = v->start, ve = v->end;
	struct vma *n;

	if (v->flags & (VF_NOHUGE | VF_HUGETLB))
		return -EINVAL;
	/* Linux's VMA: the neighbours it would have merged with. */
	for (n = vma_prev(&mm.tree, v); n && n->end == vs && n->kind == K_POOL &&
	     n->prot == v->prot && !((n->flags ^ v->flags) & same);
	     n = vma_prev(&mm.tree, n))
		vs = n->start;
	for (n = vma_next(&mm.tree, v); n && n->start == ve &&
	     n->kind == K_POOL && n->prot == v->prot &&
	     !((n->flags ^ v->flags) & same); n = vma_next(&mm.tree, n))
		ve = n->end;
	if (ve - vs < hp || ALIGN_DOWN(ve - hp, hp) < vs)
		return -EINVAL;
	if (ALIGN_UP(s, hp) > ALIGN_DOWN(e, hp))
		return -EINVAL;
	return 0;
}

/* One advice on the pool region part [s, e) of @v. */
static long advise_pool(struct vma *v, u64 s, u64 e, long adv)
{
	bool shared = v->flags & VF_SHARED;

	switch (adv) {
	case ADV_DONTNEED:
	case ADV_DONTNEED_LOCKED:
	case ADV_FREE:
		if (shared)
			return adv == ADV_FREE ? -EINVAL : 0;
		if ((v->flags & VF_LOCKED) && adv != ADV_DONTNEED_LOCKED)
			return -EINVAL;
		if (v->page_shift == PAGE_SHIFT) {
			drop_bytes(v, s, e);
			return 0;
		}
		if (e - s < FRESH_MIN || !IS_ALIGNED(s | e, 1ULL << v->page_shift)) {
			zero_bytes(v, s, e);
			return 0;
		}
		if (cut_range(s, e))
			zero_bytes(v, s, e);
		else
			fresh_frames(vma_lookup(&mm.tree, s));
		return 0;
	case ADV_REMOVE:
		if (!shared)
			return -EINVAL;
		if (v->page_shift == PAGE_SHIFT)
			drop_bytes(v, s, e);
		else
			zero_bytes(v, s, e);
		return 0;
	case ADV_DONTFORK:
		return set_flags(s, e, VF_DONTFORK, 0);
	case ADV_DOFORK:
		return set_flags(s, e, 0, VF_DONTFORK);
	case ADV_WIPEONFORK:
		return shared ? -EINVAL : set_flags(s, e, VF_WIPEONFORK, 0);
	case ADV_KEEPONFORK:
		return shared ? -EINVAL : set_flags(s, e, 0, VF_WIPEONFORK);
	case ADV_HUGEPAGE:
		return set_flags(s, e, 0, VF_NOHUGE);
	case ADV_NOHUGEPAGE:
		return set_flags(s, e, VF_NOHUGE, 0);
	case ADV_HWPOISON:
	case ADV_SOFT_OFFLINE:
		return -EPERM;
	case ADV_DONTDUMP:
	case ADV_DODUMP:
		/* Whether a core holds it is Linux's to know. */
		return linux_call3(NR_madvise, s, e - s, adv);
	case ADV_COLD:
	case ADV_PAGEOUT:
		return v->flags & (VF_LOCKED | VF_HUGETLB) ? -EINVAL : 0;
	case ADV_POPULATE_READ:
		return v->prot & PROT_READ ? 0 : -EINVAL;
	case ADV_POPULATE_WRITE:
		return v->prot & PROT_WRITE ? 0 : -EINVAL;
	case ADV_COLLAPSE:
		return collapse_pool(v, s, e);
	default:
		/* Pool memory is resident, populated and never paged. */
		return 0;
	}
}

SYSCALL(madvise)
{
	u64 s = a[0], len, e, ce;
	long adv = a[2], err = 0, hole = 0;
	irqflags_t irq;
	struct vma *v;

	if ((s & ~PAGE_MASK) || !known_advice(adv))
		return -EINVAL;
	if (!page_len(a[1], &len) || s + len < s)
		return -EINVAL;
	if (!len)
		return 0;
	e = s + len;

	irq = mm_lock();
	if (lwk_hit(s, e)) {
		err = -ENOMEM;
		goto out;
	}
	/* Linux's PR_SET_THP_DISABLE refuses a collapse anywhere. */
	if (adv == ADV_COLLAPSE &&
	    linux_call1(NR_prctl, PR_GET_THP_DISABLE) == 1) {
		err = -EINVAL;
		goto out;
	}
	/*
	 * As Linux: region by region; the first error ends the call, a hole
	 * gives ENOMEM at the end if nothing else failed.
	 */
	drops.on = true;
	while (s < e && !err) {
		v = vma_find(&mm.tree, s);
		if (!v || v->start >= e) {
			hole = -ENOMEM;
			break;
		}
		if (v->start > s) {
			hole = -ENOMEM;
			s = v->start;
		}
		ce = MIN(e, v->end);
		if (v->kind == K_POOL)
			err = advise_pool(v, s, ce, adv);
		else if (v->kind == K_NONE && adv == ADV_DONTNEED &&
			 !(v->flags & VF_LOCKED))
			err = 0;	/* a reservation has no pages to drop */
		else
			err = linux_call3(NR_madvise, s, ce - s, adv);
		s = ce;
	}
	drops_flush();
	drops.on = false;
out:
	mm_unlock(irq);
	return err ? err : hole;
}

/* ---- mlock, mincore, msync -------------------------------------------- */

/* Pool memory is resident: locking only records the wish. */
static long lock_range(u64 s, u64 len, bool on)
{
	irqflags_t irq;
	long err;

	/* As Linux: the page-aligned length may wrap to 0; the end not. */
	len = ALIGN_UP(len + (s & ~PAGE_MASK), PAGE_SIZE);
	s &= PAGE_MASK;
	if (s + len < s)
		return -EINVAL;
	if (!len)
		return 0;
	irq = mm_lock();
	err = range_mapped(s, s + len) ? 0 : -ENOMEM;
	if (!err)
		err = on ? set_flags(s, s + len, VF_LOCKED, 0) :
			   set_flags(s, s + len, 0, VF_LOCKED);
	mm_unlock(irq);
	return err;
}

SYSCALL(mlock)
{
	return lock_range(a[0], a[1], true);
}

SYSCALL(mlock2)
{
	if (a[2] & ~MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range(a[0], a[1], true);
}

SYSCALL(munlock)
{
	return lock_range(a[0], a[1], false);
}

static void lock_all(bool on)
{
	struct vma *v;

	for (v = vma_first(&mm.tree); v; v = vma_next(&mm.tree, v))
		if (v->kind != K_LWK)
			v->flags = on ? v->flags | VF_LOCKED :
					v->flags & ~VF_LOCKED;
	merge_range(0, TASK_TOP);
}

SYSCALL(mlockall)
{
	long fl = a[0];
	irqflags_t irq;

	if (!fl || (fl & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    fl == MCL_ONFAULT)
		return -EINVAL;
	irq = mm_lock();
	if (fl & MCL_CURRENT)
		lock_all(true);
	mm.lock_future = fl & MCL_FUTURE;
	mm_unlock(irq);
	return 0;
}

SYSCALL(munlockall)
{
	irqflags_t irq = mm_lock();

	lock_all(false);
	mm.lock_future = false;
	mm_unlock(irq);
	return 0;
}

/* Calls Linux answers once the range is known to be the program's. */
static long if_mapped(long nr, const long *a)
{
	u64 s = a[0], len;
	irqflags_t irq;
	bool ok;

	if (s & ~PAGE_MASK)
		return -EINVAL;
	if (!page_len(a[1], &len) || s + len < s)
		return -ENOMEM;
	irq = mm_lock();
	ok = !len || range_mapped(s, s + len);
	mm_unlock(irq);
	if (!ok)
		return -ENOMEM;
	return linux_call3(nr, a[0], a[1], a[2]);
}

SYSCALL(mincore)
{
	return if_mapped(NR_mincore, a);
}

SYSCALL(msync)
{
	if (a[2] & ~7L || (a[2] & 5) == 5)	/* MS_ASYNC|INVALIDATE|SYNC */
		return -EINVAL;
	return if_mapped(NR_msync, a);
}

/* ---- SysV shared memory: Linux maps it, the tree learns where --------- */

SYSCALL(shmat)
{
	struct {
		u8 perm[48];
		u64 segsz;
		u8 rest[64];
	} ds;
	irqflags_t irq;
	long addr;
	u64 len;

	if (a[1] && (a[1] & ~PAGE_MASK) && !(a[2] & 020000 /* SHM_RND */))
		return -EINVAL;
	if (linux_call3(NR_shmctl, a[0], IPC_STAT, &ds) < 0)
		return linux_call3(NR_shmat, a[0], a[1], a[2]);
	len = ALIGN_UP(ds.segsz, PAGE_SIZE);

	irq = mm_lock();
	if (a[1] && lwk_hit(ALIGN_DOWN(a[1], PAGE_SIZE),
			    ALIGN_DOWN(a[1], PAGE_SIZE) + len)) {
		addr = -EINVAL;
		goto out;
	}
	if (!may_expand(len, a[1] && (a[2] & SHM_REMAP) ?
			mapped_bytes(ALIGN_DOWN(a[1], PAGE_SIZE),
				     ALIGN_DOWN(a[1], PAGE_SIZE) + len) : 0,
			PROT_READ, VF_SHARED)) {
		addr = -ENOMEM;
		goto out;
	}
	addr = linux_call3(NR_shmat, a[0], a[1], a[2]);
	if (IS_ERR_VALUE(addr))
		goto out;
	if (a[2] & SHM_REMAP && !cut_range(addr, addr + len))
		drop_range(addr, addr + len);
	node_add(addr, addr + len, K_LINUX,
		 PROT_READ | (a[2] & 010000 /* SHM_RDONLY */ ? 0 : PROT_WRITE) |
		 (a[2] & 0100000 /* SHM_EXEC */ ? PROT_EXEC : 0),
		 VF_SHARED | VF_SHM, 0, PAGE_SHIFT);
out:
	mm_unlock(irq);
	return addr;
}

SYSCALL(shmdt)
{
	irqflags_t irq;
	struct vma *v, *next;
	long err;

	irq = mm_lock();
	err = linux_call1(NR_shmdt, a[0]);
	if (!err) {
		for (v = vma_lookup(&mm.tree, a[0]);
		     v && (v->flags & VF_SHM); v = next) {
			next = vma_next(&mm.tree, v);
			if (next && next->start != v->end)
				next = NULL;
			node_del(v);
		}
	}
	mm_unlock(irq);
	return err;
}
