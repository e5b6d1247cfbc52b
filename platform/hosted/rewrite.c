// SPDX-License-Identifier: MIT
/*
 * Rewriting the program's system-call sites (docs/fast-entry.md).
 *
 * When a `syscall` traps, the instruction just before it is looked at.  If
 * it is one we can decode and check against the trapped registers (above
 * all `mov $NR, %eax`) and is at least 5 bytes long, its first 5 bytes
 * become a `jmp rel32` to a stub in a trampoline page within 2 GiB.  The
 * stub runs the displaced instruction, then enters the LWK through
 * hosted_fast_entry; its own `syscall` is the way back to the signal
 * path.  The `syscall` at the site itself is left as it was, so code that
 * jumps straight to it still traps, and no other instruction boundary is
 * covered: the rewrite needs no knowledge of the program's control flow.
 *
 * Only code in private, read-only, file-backed executable mappings is
 * rewritten; a JIT's anonymous or writable code keeps the signal path.
 * Every mapping this file relies on is recorded in a region table, and
 * the program's munmap, mprotect, mremap, MAP_FIXED mmap and SHM_REMAP
 * shmat pass through rewrite_call_begin(), which undoes or forgets what
 * they touch before Linux sees them; every call that can map anything
 * (plain mmap, brk, shmat too) is counted while it runs, so a new
 * trampoline page and the LWK's choice of an address never race.
 *
 * The patch itself: the page is made writable for the moment (keeping
 * PROT_EXEC, so other threads run on), the first two bytes become a jump
 * to self, the other three are written, then the first two; every step
 * is a single store that no fetch can tear and is followed by a
 * membarrier(SYNC_CORE), so any thread sees the old instruction, the spin
 * or the new jump, never a mix.  The original protection is then put
 * back.  The LWK's own calls come from its text, which Syscall User
 * Dispatch lets through.
 *
 * Locking: code_lock (a futex lock, taken with program signals blocked)
 * serialises everything that changes sites, stubs or the region table,
 * and the program's own mapping changes that touch a recorded region.
 * The others run unlocked, counted in `inflight`; the rewriter announces
 * a change it is about to make (`busy`) and waits for them to drain.
 */
#include "fastentry.h"
#include "../../kernel/errno.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/lib/seqlock.h"
#include "../../kernel/arch/x86_64/unistd.h"

#define MEMBARRIER_CMD_QUERY				0
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE	(1 << 5)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0

#define IPC_STAT		2
#define SHM_REMAP		040000

#define JMP_LEN			5	/* e9 rel32 */
#define P_MAX			12	/* longest displaced instruction */
#define REACH			((1LL << 31) - 2 * (s64)PAGE_SIZE)
#define TRAMP_SEARCH		256	/* places tried below a mapping */
#define TRAMP_STEP		(64 * 1024)
#define STUBS_PER_PAGE		(PAGE_SIZE / STUB_SIZE)

/* ---- locking --------------------------------------------------------- */

/* 0 free, 1 held, 2 held with waiters (the usual three-state futex lock). */
static u32 code_lock;
/* The program's mapping changes in progress without code_lock. */
static u32 inflight;
/* The rewriter is about to map or read the mappings: everyone locks. */
static u32 busy;

static bool code_trylock(void)
{
	u32 free = 0;

	return __atomic_compare_exchange_n(&code_lock, &free, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void code_lock_wait(void)
{
	if (code_trylock())
		return;
	while (__atomic_exchange_n(&code_lock, 2, __ATOMIC_ACQUIRE) != 0)
		linux_call4(NR_futex, &code_lock, FUTEX_WAIT_PRIVATE, 2, NULL);
}

static void code_unlock(void)
{
	if (__atomic_exchange_n(&code_lock, 0, __ATOMIC_RELEASE) == 2)
		linux_call3(NR_futex, &code_lock, FUTEX_WAKE_PRIVATE, 1);
}

/*
 * Announce a change of the address space and wait until the program's
 * unlocked mapping calls have finished; every later one sees `busy` and
 * queues on code_lock.  Gives up (false) rather than wait long: the
 * thread's own interrupted munmap may be one of them, and a handler that
 * jumped out of one leaves it counted for good.  After giving up once,
 * it does not wait again until the count has been seen at zero.
 */
static bool quiesce(void)
{
	static bool stuck;		/* under code_lock */
	int i;

	__atomic_store_n(&busy, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < (stuck ? 1 : 250); i++) {
		if (!__atomic_load_n(&inflight, __ATOMIC_SEQ_CST)) {
			stuck = false;
			return true;
		}
		if (i < 200)
			__builtin_ia32_pause();
		else
			linux_call0(NR_sched_yield);
	}
	stuck = true;
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	return false;
}

static void unquiesce(void)
{
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

/* ---- the region table ------------------------------------------------ */

enum region_kind {
	REGION_OTHER,		/* seen, not rewritable (anonymous, writable...) */
	REGION_CODE,		/* rewritable program code */
	REGION_TRAMP,		/* one of our trampoline pages */
};

struct region {
	u64 start, end;
	u32 kind;
	u32 prot;		/* CODE: its protection, restored after a patch */
	u32 tramp;		/* TRAMP: index in tramps[] */
};

#define REGIONS_MAX	1024

/*
 * Sorted, non-overlapping.  Written under code_lock and the seqlock;
 * read under code_lock, or locklessly by the sequence (mm_overlaps).
 */
static struct {
	seqlock_t seq;
	u32 count;
	struct region r[REGIONS_MAX];
} regions = { .seq = SEQLOCK_INIT };

/* Index of the first region ending above addr (count if none). */
static u32 region_search(u64 addr, u32 count)
{
	u32 lo = 0, hi = count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (READ_ONCE(regions.r[mid].end) > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static struct region *region_find(u64 addr)
{
	u32 i = region_search(addr, regions.count);

	if (i < regions.count && regions.r[i].start <= addr)
		return &regions.r[i];
	return NULL;
}

static struct region *__region_add(u64 start, u64 end, u32 kind, u32 prot)
{
	u32 i = region_search(start, regions.count);
	struct region *r;

	if (regions.count == REGIONS_MAX ||
	    (i < regions.count && regions.r[i].start < end))
		return NULL;
	seq_write_begin(&regions.seq);
	memmove(&regions.r[i + 1], &regions.r[i],
		(regions.count - i) * sizeof(regions.r[0]));
	r = &regions.r[i];
	*r = (struct region){ .start = start, .end = end, .kind = kind,
			      .prot = prot };
	regions.count++;
	seq_write_end(&regions.seq);
	return r;
}

static void __region_del(struct region *r)
{
	u32 i = r - regions.r;

	seq_write_begin(&regions.seq);
	memmove(&regions.r[i], &regions.r[i + 1],
		(regions.count - i - 1) * sizeof(regions.r[0]));
	regions.count--;
	seq_write_end(&regions.seq);
}

/* Does [start, end) touch a recorded region?  No lock; any context. */
static bool regions_overlap(u64 start, u64 end)
{
	bool hit;
	u32 seq, n, i;

	if (start >= end)
		return false;
	do {
		seq = seq_read_begin(&regions.seq);
		n = MIN(READ_ONCE(regions.count), (u32)REGIONS_MAX);
		i = region_search(start, n);
		hit = i < n && READ_ONCE(regions.r[i].start) < end;
	} while (seq_read_retry(&regions.seq, seq));
	return hit;
}

/* Is addr in a recorded region of this kind?  No lock; any context. */
static bool regions_overlap_kind(u64 addr, u32 kind)
{
	bool hit;
	u32 seq, n, i;

	do {
		seq = seq_read_begin(&regions.seq);
		n = MIN(READ_ONCE(regions.count), (u32)REGIONS_MAX);
		i = region_search(addr, n);
		hit = i < n && READ_ONCE(regions.r[i].start) <= addr &&
		      READ_ONCE(regions.r[i].kind) == kind;
	} while (seq_read_retry(&regions.seq, seq));
	return hit;
}

/* ---- learning a mapping from /proc/self/maps ------------------------- */

static u64 parse_hex(const char **p)
{
	u64 v = 0;

	for (;; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			return v;
	}
}

/*
 * Is this a file whose code a program may write through another mapping
 * (a memfd, shared memory, a file already deleted)?  A private mapping of
 * it sees such writes only until we patch a page, so leave it alone.
 */
static bool written_elsewhere(const char *path)
{
	size_t n = strlen(path);

	return str_starts(path, "/memfd:") || str_starts(path, "/dev/shm/") ||
	       (n >= 10 && !strcmp(path + n - 10, " (deleted)"));
}

/*
 * One maps line: "start-end perms offset dev inode [path]".  Fills the
 * range, protection and kind; false if the line is not one.
 */
static bool parse_maps_line(const char *l, struct region *out)
{
	const char *p = l, *perms;
	u64 inode = 0;
	int field;

	out->start = parse_hex(&p);
	if (*p++ != '-')
		return false;
	out->end = parse_hex(&p);
	if (*p++ != ' ')
		return false;
	perms = p;
	if (strnlen(perms, 4) < 4)
		return false;
	out->prot = (perms[0] == 'r' ? PROT_READ : 0) |
		    (perms[1] == 'w' ? PROT_WRITE : 0) |
		    (perms[2] == 'x' ? PROT_EXEC : 0);
	for (field = 0; field < 3 && *p; p++)
		if (*p == ' ')
			field++;
	while (*p >= '0' && *p <= '9')
		inode = inode * 10 + (*p++ - '0');
	while (*p == ' ')
		p++;
	out->kind = out->prot == (PROT_READ | PROT_EXEC) && perms[3] == 'p' &&
		    inode && !written_elsewhere(p) ? REGION_CODE : REGION_OTHER;
	return out->start < out->end;
}

/* Linux's view of the mapping holding addr; false if none or unreadable. */
static bool maps_lookup(u64 addr, struct region *out)
{
	char buf[4096 + 1];
	size_t have = 0;
	long fd, n;
	bool found = false;

	fd = linux_call4(NR_openat, AT_FDCWD, "/proc/self/maps",
			 O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return false;
	for (;;) {
		char *line = buf, *nl;

		n = linux_call3(NR_read, fd, buf + have, sizeof(buf) - 1 - have);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (parse_maps_line(line, out) && out->start <= addr &&
			    addr < out->end) {
				found = true;
				goto done;
			}
			line = nl + 1;
		}
		have = strlen(line);
		memmove(buf, line, have);
		if (have == sizeof(buf) - 1)
			break;
	}
done:
	linux_call1(NR_close, fd);
	return found;
}

/*
 * Record the mapping that holds addr.  Nothing the program does to its
 * mappings may run between reading Linux's view and recording it, or the
 * record could describe a mapping that is no longer there.
 */
static struct region *region_learn(u64 addr)
{
	struct region m, *r = NULL;

	/* Keep room for trampoline pages; and a full table learns nothing. */
	if (regions.count >= REGIONS_MAX - 16 || !quiesce())
		return NULL;
	if (maps_lookup(addr, &m))
		r = __region_add(m.start, m.end, m.kind, m.prot);
	unquiesce();
	return r;
}

/* ---- sites ----------------------------------------------------------- */

enum site_state {
	SITE_FREE = 0,
	SITE_TOMB,		/* forgotten; probing goes on */
	SITE_SEEN,		/* trapped, not yet REWRITE_AFTER times */
	SITE_KEPT,		/* left on the signal path */
	SITE_REWRITTEN,		/* jumps to its stub */
};

struct site {
	u64 ip;			/* after the `syscall`: the return address */
	u64 stub;		/* its stub, or 0 */
	u8 state;
	u8 len;			/* the displaced instruction's length */
	u8 orig[P_MAX];		/* ...and its bytes */
	u16 traps;		/* SEEN: traps so far */
};

/*
 * A site is rewritten at its REWRITE_AFTER-th trap.  A rewrite costs
 * about as much as 20 to 50 traps (two mprotects of the whole text
 * mapping, three membarriers, a stub), so a site a program reaches only
 * a few times (its start-up, exit_group, a fork child's first calls) is
 * cheaper left trapping, and one it reaches often pays this many traps
 * once (docs/fast-entry.md, *When a site is rewritten*).
 */
#define REWRITE_AFTER	16

#define SITES_MAX	8192	/* a power of two */

/* Open addressing by ip, under code_lock. */
static struct site sites[SITES_MAX];
static u32 sites_used;		/* slots not FREE */

static u32 site_hash(u64 ip)
{
	return (u32)((ip * 0x9e3779b97f4a7c15ULL) >> 40) & (SITES_MAX - 1);
}

static struct site *site_find(u64 ip)
{
	u32 i;

	for (i = site_hash(ip); sites[i].state != SITE_FREE;
	     i = (i + 1) & (SITES_MAX - 1))
		if (sites[i].state != SITE_TOMB && sites[i].ip == ip)
			return &sites[i];
	return NULL;
}

/*
 * Is the site at ip one that stays on the signal path?  Reads the table
 * without the lock: a wrong answer only costs a look under the lock, or
 * delays a rewrite to the site's next trap.
 */
static bool site_settled(u64 ip)
{
	u32 i, n;

	for (i = site_hash(ip), n = 0; n < SITES_MAX;
	     i = (i + 1) & (SITES_MAX - 1), n++) {
		u8 state = READ_ONCE(sites[i].state);

		if (state == SITE_FREE)
			return false;
		if (READ_ONCE(sites[i].ip) == ip)
			return state == SITE_KEPT;
	}
	return false;
}

static struct site *site_new(u64 ip)
{
	u32 i;

	if (sites_used >= SITES_MAX / 2)
		return NULL;
	for (i = site_hash(ip); sites[i].state != SITE_FREE &&
	     sites[i].state != SITE_TOMB; i = (i + 1) & (SITES_MAX - 1))
		;
	if (sites[i].state == SITE_FREE)
		sites_used++;
	memset(&sites[i], 0, sizeof(sites[i]));
	sites[i].ip = ip;
	return &sites[i];
}

/* ---- trampoline pages ------------------------------------------------ */

struct tramp {
	u64 page;		/* 0: slot unused */
	u64 used[STUBS_PER_PAGE / 64];	/* bit n: stub n taken (0 is the header) */
};

#define TRAMPS_MAX	256

/* Under code_lock. */
static struct tramp tramps[TRAMPS_MAX];

static bool in_reach(u64 a, u64 b)
{
	s64 d = (s64)(a - b);

	return d < REACH && d > -REACH;
}

/* Make our own page writable for a moment and copy into it. */
static int tramp_write(struct tramp *tp, u64 at, const void *src, size_t n)
{
	long err;

	err = linux_call3(NR_mprotect, tp->page, PAGE_SIZE,
			  PROT_READ | PROT_WRITE | PROT_EXEC);
	if (err)
		return err;
	memcpy((void *)at, src, n);
	return linux_call3(NR_mprotect, tp->page, PAGE_SIZE,
			   PROT_READ | PROT_EXEC);
}

/* Map a fresh trampoline page within reach of addr, near region r. */
static struct tramp *tramp_new(u64 addr, const struct region *r)
{
	u8 header[STUB_SIZE];
	struct region *tr;
	struct tramp *tp = NULL;
	u64 want, got = 0, entry = (u64)hosted_fast_entry;
	int i;

	for (i = 0; i < TRAMPS_MAX && tramps[i].page; i++)
		;
	if (i == TRAMPS_MAX || regions.count == REGIONS_MAX)
		return NULL;
	tp = &tramps[i];
	if (!quiesce())
		return NULL;

	/* Below the mapping first: above an executable lies its heap. */
	for (i = 1; i <= 2 * TRAMP_SEARCH && !got; i++) {
		if (i <= TRAMP_SEARCH)
			want = ALIGN_DOWN(r->start, TRAMP_STEP) - i * TRAMP_STEP;
		else
			want = ALIGN_UP(r->end, TRAMP_STEP) + (1ULL << 30) +
			       (i - TRAMP_SEARCH) * TRAMP_STEP;
		if (want < (1ULL << 20) || !in_reach(want, addr) ||
		    !in_reach(want + PAGE_SIZE, addr))
			continue;
		got = linux_call6(NR_mmap, want, PAGE_SIZE,
				  PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
				  -1, 0);
		if (IS_ERR_VALUE(got))
			got = 0;
		else if (got != want) {
			linux_call2(NR_munmap, got, PAGE_SIZE);
			got = 0;
		}
	}
	if (!got)
		goto fail;

	memset((void *)got, 0xcc, PAGE_SIZE);
	memset(header, 0xcc, sizeof(header));
	memcpy(header, &entry, sizeof(entry));
	memcpy((void *)got, header, sizeof(header));
	if (linux_call3(NR_mprotect, got, PAGE_SIZE, PROT_READ | PROT_EXEC))
		goto unmap;
	linux_call6(NR_prctl, PR_SET_VMA, PR_SET_VMA_ANON_NAME, got, PAGE_SIZE,
		    "tandem-stubs", 0);
	tr = __region_add(got, got + PAGE_SIZE, REGION_TRAMP,
			  PROT_READ | PROT_EXEC);
	if (!tr)
		goto unmap;
	tr->tramp = tp - tramps;
	memset(tp, 0, sizeof(*tp));
	tp->page = got;
	tp->used[0] = 1;
	unquiesce();
	return tp;
unmap:
	linux_call2(NR_munmap, got, PAGE_SIZE);
fail:
	unquiesce();
	return NULL;
}

/*
 * A free stub within reach of [addr, addr + 16), or 0.  May add a region:
 * pointers into the table are stale afterwards.
 */
static u64 stub_alloc(u64 addr, const struct region *r)
{
	struct tramp *tp = NULL;
	u32 i, n;

	for (i = 0; i < TRAMPS_MAX && !tp; i++) {
		if (!tramps[i].page || !in_reach(tramps[i].page, addr))
			continue;
		for (n = 0; n < STUBS_PER_PAGE / 64; n++)
			if (~tramps[i].used[n]) {
				tp = &tramps[i];
				break;
			}
	}
	if (!tp)
		tp = tramp_new(addr, r);
	if (!tp)
		return 0;
	for (n = 0; n < STUBS_PER_PAGE; n++) {
		if (tp->used[n / 64] & (1ULL << (n % 64)))
			continue;
		tp->used[n / 64] |= 1ULL << (n % 64);
		return tp->page + n * STUB_SIZE;
	}
	return 0;
}

static struct tramp *tramp_of(u64 stub)
{
	u32 i;

	for (i = 0; i < TRAMPS_MAX; i++)
		if (tramps[i].page && stub - tramps[i].page < PAGE_SIZE)
			return &tramps[i];
	return NULL;
}

static void stub_free(u64 stub)
{
	struct tramp *tp = tramp_of(stub);
	u32 n;

	if (!tp)
		return;
	n = (stub - tp->page) / STUB_SIZE;
	tp->used[n / 64] &= ~(1ULL << (n % 64));
}

/*
 * Where the disp32 of a RIP-relative mov or lea (mov/lea disp(%rip),
 * reg: [REX] 8b or 8d with ModRM mod 00, r/m 101) sits in p[0..len), or
 * 0 for any other instruction.
 */
static u32 rip_disp_offset(const u8 *p, u32 len)
{
	u32 i = (p[0] & 0xf0) == 0x40;

	if (len == i + 6 && (p[i] == 0x8b || p[i] == 0x8d) &&
	    (p[i + 1] & 0xc7) == 0x05)
		return i + 2;
	return 0;
}

/*
 * The stub for a site whose displaced instruction is p[0..len) at site
 * address s, returning to ip:
 *	<displaced instruction>
 *	lea	slow(%rip), %rcx
 *	jmp	*header(%rip)		-> hosted_fast_entry
 * slow:
 *	syscall				-> SIGSYS, the signal path
 *	jmp	ip
 */
static bool stub_build(u8 *out, u64 stub, const u8 *p, u32 len, u64 ip)
{
	u64 page = ALIGN_DOWN(stub, PAGE_SIZE), at;
	u32 d = rip_disp_offset(p, len);
	s32 rel;

	memset(out, 0xcc, STUB_SIZE);
	memcpy(out, p, len);
	/* A RIP-relative load reads the same address from the stub. */
	if (d) {
		s64 disp;

		memcpy(&rel, p + d, 4);
		disp = (s64)rel + (s64)(ip - 2) - (s64)(stub + len);
		if (disp != (s32)disp)
			return false;
		rel = (s32)disp;
		memcpy(out + d, &rel, 4);
	}
	at = len;
	out[at++] = 0x48;
	out[at++] = 0x8d;
	out[at++] = 0x0d;
	rel = 6;				/* over the jmp below */
	memcpy(out + at, &rel, 4);
	at += 4;
	out[at++] = 0xff;
	out[at++] = 0x25;
	rel = (s32)(page - (stub + at + 4));
	memcpy(out + at, &rel, 4);
	at += 4;
	out[at++] = 0x0f;			/* slow: */
	out[at++] = 0x05;
	out[at++] = 0xe9;
	rel = (s32)(ip - (stub + at + 4));
	memcpy(out + at, &rel, 4);
	return true;
}

/* ---- patching -------------------------------------------------------- */

static void sync_cores(void)
{
	linux_call3(NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE,
		    0, 0);
}

static void store16(u64 at, u16 v)
{
	__asm__ volatile("movw %1, %0" : "=m"(*(volatile u16 *)at) : "r"(v)
			 : "memory");
}

/*
 * Replace the JMP_LEN bytes at `at` (in region r), which must read `old`,
 * with `new`, so that no thread executing there sees a mix.  Returns 0 or
 * -errno with nothing changed.
 *
 * The whole mapping is made writable, not just the page: Linux would
 * otherwise leave the page a mapping of its own (a private mapping once
 * writable stays accounted), and /proc/self/maps would show the seam.
 */
static int patch(const struct region *r, u64 at, const u8 *old, const u8 *new)
{
	u64 first = r->start, len = r->end - r->start;
	u8 now[JMP_LEN];
	long err;
	int i;

	if (plat_copy_from_user(now, (void *)at, JMP_LEN) ||
	    memcmp(now, old, JMP_LEN))
		return -EAGAIN;
	err = linux_call3(NR_mprotect, first, len, r->prot | PROT_WRITE);
	if (err) {
		/* Strict overcommit may refuse to account it all: one page. */
		first = ALIGN_DOWN(at, PAGE_SIZE);
		len = ALIGN_UP(at + JMP_LEN, PAGE_SIZE) - first;
		err = linux_call3(NR_mprotect, first, len, r->prot | PROT_WRITE);
		if (err)
			return err;
	}
	store16(at, 0xfeeb);				/* jmp . */
	sync_cores();
	for (i = 2; i < JMP_LEN; i++)
		*(volatile u8 *)(at + i) = new[i];
	sync_cores();
	store16(at, new[0] | new[1] << 8);
	sync_cores();
	err = linux_call3(NR_mprotect, first, len, r->prot);
	if (err)
		pr_warn("entry", "cannot restore protection %#x at %#llx: %ld",
			r->prot, (unsigned long long)first, err);
	return 0;
}

static void jmp_bytes(u8 *out, u64 at, u64 target)
{
	s32 rel = (s32)(target - (at + JMP_LEN));

	out[0] = 0xe9;
	memcpy(out + 1, &rel, 4);
}

/*
 * Put a rewritten site back as it was.  Its stub stays allocated for good:
 * a thread may be on its way through it.
 */
static void site_revert(const struct region *r, struct site *st)
{
	u64 at = st->ip - 2 - st->len;
	u8 jmp[JMP_LEN];

	if (st->state != SITE_REWRITTEN)
		return;
	jmp_bytes(jmp, at, st->stub);
	patch(r, at, jmp, st->orig);
}

/* ---- decoding the instruction before a syscall ----------------------- */

/* A register's value at the trap, by x86 number; false for rcx, rsp, r11. */
static bool trap_reg(const struct k_sigcontext *c, int reg, u64 *v)
{
	const u64 gpr[16] = {
		c->rax, 0, c->rdx, c->rbx, 0, c->rbp, c->rsi, c->rdi,
		c->r8, c->r9, c->r10, 0, c->r12, c->r13, c->r14, c->r15,
	};

	if (reg == 1 || reg == 4 || reg == 11)
		return false;
	*v = gpr[reg];
	return true;
}

/*
 * Could byte b be a prefix of the instruction that follows it (then that
 * instruction is not the one we decoded)?  The segment overrides that
 * 64-bit mode ignores change nothing, and FS/GS only matter to a memory
 * operand: those are "harmless" for an instruction without one.
 */
enum { PFX_NONE, PFX_HARMLESS, PFX_SEG_FSGS, PFX_OTHER };

static int prefix_kind(u8 b)
{
	if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e)
		return PFX_HARMLESS;
	if (b == 0x64 || b == 0x65)
		return PFX_SEG_FSGS;
	if ((b & 0xf0) == 0x40 || b == 0x66 || b == 0x67 || b == 0xf0 ||
	    b == 0xf2 || b == 0xf3)
		return PFX_OTHER;
	return PFX_NONE;
}

/*
 * Is p[0..len) exactly one instruction we can move into a stub (it must
 * not depend on where it runs) and did it, by the trapped registers, just
 * run?  Accepted: mov $imm, reg (b8+r, REX.W c7 /0), a load from the
 * stack (mov disp(%rsp), reg), a RIP-relative load or lea (mov/lea
 * disp(%rip), reg; stub_build moves the displacement with it) and lea
 * disp(%base), reg with a base other than reg (glibc's pthread_create and
 * start_thread set their signal masks with these leas).  *nr is the call number when the
 * instruction sets %eax to a constant, else -1.
 */
static bool displaced_ok(const u8 *p, u32 len, const struct k_sigcontext *c,
			 long *nr)
{
	u32 i = 0, rex = 0, want_len;
	int reg;
	u64 val, have;
	u8 op, modrm;

	*nr = -1;
	if ((p[0] & 0xf0) == 0x40)
		rex = p[i++];
	op = p[i];
	if (op >= 0xb8 && op <= 0xbf) {
		if (rex & 0x06)
			return false;
		reg = (op & 7) | (rex & 1) << 3;
		if (rex & 8) {
			want_len = i + 9;
			if (len != want_len)
				return false;
			memcpy(&val, p + i + 1, 8);
		} else {
			u32 imm;

			want_len = i + 5;
			if (len != want_len)
				return false;
			memcpy(&imm, p + i + 1, 4);
			val = imm;
		}
	} else if (op == 0xc7) {
		s32 imm;

		modrm = p[i + 1];
		if ((modrm & 0xf8) != 0xc0 || (rex & 0x06) || len != i + 6)
			return false;
		reg = (modrm & 7) | (rex & 1) << 3;
		memcpy(&imm, p + i + 2, 4);
		val = rex & 8 ? (u64)(s64)imm : (u32)imm;
	} else if (op == 0x8d) {
		/*
		 * lea disp(%base), reg: reg holds base + disp, base intact;
		 * lea disp(%rip), reg: reg holds the address after it + disp.
		 */
		int base;
		s32 disp;
		u64 b;

		modrm = p[i + 1];
		base = (modrm & 7) | (rex & 1) << 3;
		reg = ((modrm >> 3) & 7) | (rex & 4) << 1;
		if (rip_disp_offset(p, len)) {
			memcpy(&disp, p + i + 2, 4);
			val = c->rip - 2 + (s64)disp;
			if (!(rex & 8))
				val = (u32)val;
			goto check;
		}
		if ((modrm & 7) == 4 || (rex & 2) || base == reg)
			return false;
		switch (modrm >> 6) {
		case 1:
			want_len = i + 3;
			disp = (s8)p[i + 2];
			break;
		case 2:
			want_len = i + 6;
			memcpy(&disp, p + i + 2, 4);
			break;
		default:
			return false;	/* RIP-relative, or no memory form */
		}
		if (len != want_len || !trap_reg(c, base, &b))
			return false;
		val = b + (s64)disp;
		if (!(rex & 8))
			val = (u32)val;
	} else if (rip_disp_offset(p, len)) {
		s32 disp;
		u64 mem = 0;

		/* Its address: from the end of the instruction, the syscall's. */
		modrm = p[i + 1];
		reg = ((modrm >> 3) & 7) | (rex & 4) << 1;
		memcpy(&disp, p + i + 2, 4);
		if (plat_copy_from_user(&mem, (void *)(c->rip - 2 + disp),
					rex & 8 ? 8 : 4))
			return false;
		val = mem;
	} else if (op == 0x8b) {
		s32 disp = 0;
		u64 mem = 0;

		modrm = p[i + 1];
		if ((modrm & 7) != 4 || p[i + 2] != 0x24 || (rex & 0x03))
			return false;
		switch (modrm >> 6) {
		case 0:
			want_len = i + 3;
			break;
		case 1:
			want_len = i + 4;
			disp = (s8)p[i + 3];
			break;
		case 2:
			want_len = i + 7;
			memcpy(&disp, p + i + 3, 4);
			break;
		default:
			return false;
		}
		if (len != want_len)
			return false;
		reg = ((modrm >> 3) & 7) | (rex & 4) << 1;
		if (plat_copy_from_user(&mem, (void *)(c->rsp + disp),
					rex & 8 ? 8 : 4))
			return false;
		val = mem;
	} else {
		return false;
	}

check:
	if (!trap_reg(c, reg, &have) || have != val)
		return false;
	if (reg == 0 && op != 0x8b && op != 0x8d)
		*nr = (long)val;
	return true;
}

/*
 * Find the instruction that ends where the `syscall` at ip - 2 starts.
 * Returns its length (>= JMP_LEN) with its bytes in p, or 0.
 */
static u32 find_displaced(const struct k_sigcontext *c, u64 ip,
			  const struct region *r, u8 *p, long *nr)
{
	u64 sys = ip - 2;
	u8 b[P_MAX + 1];
	u32 len;
	int pfx;
	u8 op;

	for (len = JMP_LEN; len <= P_MAX; len++) {
		u64 at = sys - len;

		if (at - 1 < r->start ||
		    plat_copy_from_user(b, (void *)(at - 1), len + 1))
			continue;
		/*
		 * A prefix before it would make it another instruction, unless
		 * the prefix means nothing to this one (a `jmp` in its place
		 * would ignore it too).
		 */
		pfx = prefix_kind(b[0]);
		op = b[1 + ((b[1] & 0xf0) == 0x40)];	/* past a REX */
		if (pfx == PFX_OTHER || (pfx == PFX_SEG_FSGS && op == 0x8b))
			continue;
		if (displaced_ok(b + 1, len, c, nr)) {
			memcpy(p, b + 1, len);
			return len;
		}
	}
	return 0;
}

/* ---- the trap -------------------------------------------------------- */

/* Site @st stays on the signal path. */
static void keep(struct site *st)
{
	st->state = SITE_KEPT;
	__atomic_fetch_add(&lwk_proc.inst->entry_sites_kept, 1,
			   __ATOMIC_RELAXED);
}

static void __rewrite(const struct k_sigcontext *c)
{
	u64 ip = c->rip, at, stub;
	u8 p[P_MAX], code[STUB_SIZE], jmp[JMP_LEN];
	struct region *r;
	struct site *st = site_find(ip);
	long nr;
	u32 len;
	int err;

	if (st && st->state == SITE_KEPT)
		return;
	if (!st) {
		st = site_new(ip);
		if (!st)
			return;
		st->state = SITE_SEEN;
	}
	if (st->state == SITE_SEEN && st->traps < REWRITE_AFTER &&
	    ++st->traps < REWRITE_AFTER)
		return;
	r = region_find(ip - 2);
	if (!r)
		r = region_learn(ip - 2);
	if (!r || r->kind != REGION_CODE)
		return;	/* JIT code and the like, or a stub's own `syscall` */

	/*
	 * Rewritten already: another thread won the race, or the program
	 * jumped to the `syscall` itself, or Linux dropped our copy of the
	 * page (MADV_DONTNEED) and the original is back.
	 */
	if (st->state == SITE_REWRITTEN) {
		at = ip - 2 - st->len;
		jmp_bytes(jmp, at, st->stub);
		patch(r, at, st->orig, jmp);
		return;
	}

	len = find_displaced(c, ip, r, p, &nr);
	at = ip - 2 - len;
	if (!len || (nr >= 0 && hosted_fast_needs_signal(nr)) ||
	    (at & 63) == 63) {
		keep(st);
		return;
	}
	stub = stub_alloc(at, r);
	if (!stub)
		goto forget;
	/* A new trampoline page moved the table under r. */
	r = region_find(ip - 2);
	if (!stub_build(code, stub, p, len, ip)) {
		/* Its RIP-relative operand is out of the stub's reach. */
		stub_free(stub);
		keep(st);
		return;
	}
	if (tramp_write(tramp_of(stub), stub, code, STUB_SIZE))
		goto free_stub;
	jmp_bytes(jmp, at, stub);
	err = patch(r, at, p, jmp);
	if (err == -EAGAIN)
		goto free_stub;
	if (err) {
		/* The kernel will not let us write there: it will not later. */
		static bool told;

		if (!told)
			pr_warn("entry", "cannot make code writable (error %d): call sites stay on the signal path",
				-err);
		told = true;
		stub_free(stub);
		keep(st);
		return;
	}

	st->state = SITE_REWRITTEN;
	st->stub = stub;
	st->len = len;
	memcpy(st->orig, p, len);
	__atomic_fetch_add(&lwk_proc.inst->entry_sites, 1, __ATOMIC_RELAXED);
	return;
free_stub:
	stub_free(stub);
forget:
	st->state = SITE_TOMB;
}

/*
 * rewrite_trap - a call trapped at uc's rip: rewrite its site if it can
 * be and nobody else is rewriting right now.  Context: the SIGSYS handler,
 * before the call is dispatched.
 */
void rewrite_trap(const struct k_ucontext *uc)
{
	u64 ip = uc->uc_mcontext.rip;
	irqflags_t irq;

	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE || site_settled(ip) ||
	    regions_overlap_kind(ip - 2, REGION_TRAMP))
		return;
	irq = plat_irq_save();
	if (code_trylock()) {
		__rewrite(&uc->uc_mcontext);
		code_unlock();
	}
	plat_irq_restore(irq);
}

/* ---- the program changes its mappings --------------------------------- */

enum mm_how {
	MM_UNMAP,
	MM_REPLACE,
	MM_PROTECT,
	MM_MOVE,
};


/*
 * Forget the sites in r: those only seen so far, and those recorded.  Of
 * the recorded ones, those in [start, end) are going away with their code
 * (unless `revert`), so their stubs are free again; the others are put
 * back first.
 */
static void __forget_sites(struct region *r, u64 start, u64 end, bool revert)
{
	u32 i;

	for (i = 0; i < SITES_MAX; i++) {
		struct site *st = &sites[i];
		u64 at;

		if (st->state < SITE_SEEN || st->ip - 2 < r->start ||
		    st->ip - 2 >= r->end)
			continue;
		if (st->state == SITE_SEEN) {
			st->state = SITE_TOMB;
			continue;
		}
		at = st->ip - 2 - st->len;
		if (st->state == SITE_REWRITTEN) {
			if (revert || at + JMP_LEN <= start || at >= end)
				site_revert(r, st);
			else
				stub_free(st->stub);
		}
		st->state = SITE_TOMB;
	}
}

/* Every site whose stub lives in tramp page tp goes back to trapping. */
static void __forget_tramp(struct tramp *tp)
{
	u32 i;

	for (i = 0; i < SITES_MAX; i++) {
		struct site *st = &sites[i];
		struct region *r;

		if (st->state != SITE_REWRITTEN || st->stub - tp->page >= PAGE_SIZE)
			continue;
		r = region_find(st->ip - 2);
		if (r && r->kind == REGION_CODE)
			site_revert(r, st);
		st->state = SITE_TOMB;
	}
	tp->page = 0;
}

static void __mm_change(int how, u64 start, u64 end)
{
	struct region *r;
	u32 i;

	for (i = region_search(start, regions.count); i < regions.count &&
	     regions.r[i].start < end;) {
		r = &regions.r[i];
		switch (r->kind) {
		case REGION_TRAMP:
			/* The program reaches into our page: let it go. */
			__forget_tramp(&tramps[r->tramp]);
			break;
		case REGION_CODE:
			__forget_sites(r, start, end,
				       how == MM_PROTECT || how == MM_MOVE);
			break;
		}
		__region_del(r);
	}
}

/*
 * Before a call that changes the program's mappings in [start, start +
 * len) and, for a move with a fixed destination, [start2, start2 + len2):
 * take back or forget what we changed there, and change nothing more
 * until mm_change_end().  Without a recorded region in the way (the usual
 * case) the call is only counted as in flight.
 */
static void mm_change_begin(struct rewrite_call *c, int how, u64 start,
			    u64 len, u64 start2, u64 len2)
{
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	u64 end2 = start2 + ALIGN_UP(len2, PAGE_SIZE);

	__atomic_fetch_add(&inflight, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&busy, __ATOMIC_SEQ_CST) &&
	    !regions_overlap(start, end) && !regions_overlap(start2, end2)) {
		c->state = 1;
		return;
	}
	__atomic_fetch_sub(&inflight, 1, __ATOMIC_SEQ_CST);

	c->irq = plat_irq_save();
	code_lock_wait();
	c->state = 2;
	if (end > start)
		__mm_change(how, start, end);
	if (end2 > start2)
		__mm_change(MM_REPLACE, start2, end2);
}

/* The size of System V segment id, or 0. */
static u64 shm_size(long id)
{
	u64 ds[14];

	if (linux_call3(NR_shmctl, id, IPC_STAT, ds))
		return 0;
	return ds[6];			/* shm_segsz, after struct ipc_perm */
}

/*
 * rewrite_call_begin - the dispatcher is about to run the call in mc; if
 * it can unmap, map over, reprotect or move program memory, make it safe
 * for what was rewritten there.  rewrite_call_end() follows the call.
 * Context: a system call entry (signal or fast), not under code_lock.
 */
void rewrite_call_begin(struct rewrite_call *c, const struct k_sigcontext *mc)
{
	c->state = 0;
	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	switch (mc->rax) {
	case NR_munmap:
		mm_change_begin(c, MM_UNMAP, mc->rdi, mc->rsi, 0, 0);
		break;
	case NR_mmap:
		/*
		 * Even without MAP_FIXED: the LWK may choose the address and
		 * map it fixed, so it must not race a new trampoline page.
		 */
		if (mc->r10 & MAP_FIXED)
			mm_change_begin(c, MM_REPLACE, mc->rdi, mc->rsi, 0, 0);
		else
			mm_change_begin(c, MM_REPLACE, 0, 0, 0, 0);
		break;
	case NR_brk:
		mm_change_begin(c, MM_REPLACE, 0, 0, 0, 0);
		break;
	case NR_mprotect:
	case NR_pkey_mprotect:
		mm_change_begin(c, MM_PROTECT, mc->rdi, mc->rsi, 0, 0);
		break;
	case NR_mremap:
		mm_change_begin(c, MM_MOVE, mc->rdi, mc->rsi,
				mc->r10 & MREMAP_FIXED ? mc->r8 : 0,
				mc->r10 & MREMAP_FIXED ? mc->rdx : 0);
		break;
	case NR_shmdt:
		/* The segment's mapping starts there; its size is its own. */
		mm_change_begin(c, MM_UNMAP, mc->rdi, 1, 0, 0);
		break;
	case NR_shmat:
		if (mc->rdx & SHM_REMAP)
			mm_change_begin(c, MM_REPLACE, mc->rsi, shm_size(mc->rdi),
					0, 0);
		else
			mm_change_begin(c, MM_REPLACE, 0, 0, 0, 0);
		break;
	}
}

/* rewrite_call_end - after the call rewrite_call_begin() saw. */
void rewrite_call_end(struct rewrite_call *c)
{
	if (c->state == 1) {
		__atomic_fetch_sub(&inflight, 1, __ATOMIC_SEQ_CST);
	} else if (c->state == 2) {
		code_unlock();
		plat_irq_restore(c->irq);
	}
}

/* ---- fork and boot ----------------------------------------------------- */

/*
 * rewrite_lock_for_fork - before a fork: take code_lock with program
 * signals blocked, and return the mask to give to
 * rewrite_unlock_after_fork() in both processes.
 */
u64 rewrite_lock_for_fork(void)
{
	irqflags_t irq = plat_irq_save();

	code_lock_wait();
	return irq;
}

static bool register_sync_core(void)
{
	long have = linux_call3(NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	if (have < 0 || !(have & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE))
		return false;
	return linux_call3(NR_membarrier,
			   MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
			   0, 0) == 0;
}

/* In the child: one thread now, so nobody holds or waits for anything. */
void rewrite_fork_child(void)
{
	code_lock = 0;
	inflight = 0;
	busy = 0;
	spin_init(&regions.seq.lock);
	regions.seq.seq &= ~1U;
	register_sync_core();
}

/* rewrite_unlock_after_fork - the parent lets go; both get their mask. */
void rewrite_unlock_after_fork(u64 cookie, bool child)
{
	if (!child)
		code_unlock();
	plat_irq_restore(cookie);
}

/*
 * rewrite_init - can this process rewrite its code?  Needs
 * membarrier(SYNC_CORE) (Linux 4.16), /proc/self/maps, and a kernel that
 * lets a private mapping be writable and executable for a moment.
 */
bool rewrite_init(const char **why)
{
	struct region m;
	u64 page;
	long err;

	if (!register_sync_core()) {
		*why = "membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) is not available (Linux >= 4.16)";
		return false;
	}
	if (!maps_lookup((u64)hosted_fast_entry, &m)) {
		*why = "cannot read /proc/self/maps (is /proc mounted?)";
		return false;
	}
	page = linux_call6(NR_mmap, 0, PAGE_SIZE, PROT_READ | PROT_EXEC,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(page)) {
		*why = "out of memory";
		return false;
	}
	err = linux_call3(NR_mprotect, page, PAGE_SIZE,
			  PROT_READ | PROT_WRITE | PROT_EXEC);
	linux_call2(NR_munmap, page, PAGE_SIZE);
	if (err) {
		*why = "the kernel refuses writable code (SELinux execmem/execmod, PaX MPROTECT)";
		return false;
	}
	return true;
}

/*
 * hosted_tramp_next - the first trampoline page ending above @addr, in
 * [*start, *end); false when there is none.  Trampolines are LWK memory
 * in the program's address space: plat_lwk_region_next reports them.
 * No lock; any context.
 */
bool hosted_tramp_next(u64 addr, u64 *start, u64 *end)
{
	u64 s = 0, e = 0;
	bool found;
	u32 seq, n, i;

	do {
		seq = seq_read_begin(&regions.seq);
		n = MIN(READ_ONCE(regions.count), (u32)REGIONS_MAX);
		found = false;
		for (i = region_search(addr, n); i < n && !found; i++) {
			if (READ_ONCE(regions.r[i].kind) != REGION_TRAMP)
				continue;
			s = READ_ONCE(regions.r[i].start);
			e = READ_ONCE(regions.r[i].end);
			found = true;
		}
	} while (seq_read_retry(&regions.seq, seq));
	*start = s;
	*end = e;
	return found;
}
