// SPDX-License-Identifier: MIT
/*
 * The program's view of its own memory in /proc, checked the way programs
 * and glibc use it: /proc/self/maps, smaps, smaps_rollup, status and statm
 * must describe the program's memory (anonymous mappings as anonymous,
 * [heap], [stack], nothing of tandem), agree with each other and move
 * when the program allocates.  /proc/self/cmdline, environ and auxv must
 * describe the program too.
 *
 * usage: procview maps|smaps|status|paths|fd|self
 *
 * Prints one "check: yes|no" line per check, never an address or a size,
 * so the output is identical natively and under tandem; exits 1 when a
 * check failed.  /proc files are read with open/read into static buffers
 * so that reading one does not change what the next one says.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "escape.h"

#define BUF_SIZE	(4 << 20)
#define MAX_LINES	8192
#define KB		1024UL
#define MB		(1024 * KB)

static char buf_a[BUF_SIZE], buf_b[BUF_SIZE], buf_c[BUF_SIZE];
static char out_buf[1 << 16];
static int failures;
static unsigned long page;

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "yes" : "no");
	if (!ok)
		failures++;
}

/* Read a whole file with open/read; -1 (and a message) on error. */
static ssize_t slurp_at(int dirfd, const char *path, char *buf)
{
	size_t got = 0;
	ssize_t r;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		printf("open %s: %s\n", path, strerror(errno));
		failures++;
		return -1;
	}
	while (got < BUF_SIZE - 1 &&
	       (r = read(fd, buf + got, BUF_SIZE - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

static ssize_t slurp(const char *path, char *buf)
{
	return slurp_at(AT_FDCWD, path, buf);
}

/* ---- maps lines ------------------------------------------------------- */

struct vma {
	unsigned long start, end, off, ino;
	char perms[5];
	char dev[16];
	const char *name;		/* "" for none */
	int exact;			/* the line is laid out as Linux lays it out */
};

static struct vma vmas[MAX_LINES];
static int nvmas;

/* Parse maps text (modified in place) into vmas[]; the line count. */
static int parse_maps(char *text)
{
	char *line, *save = NULL;

	nvmas = 0;
	for (line = strtok_r(text, "\n", &save); line && nvmas < MAX_LINES;
	     line = strtok_r(NULL, "\n", &save)) {
		struct vma *v = &vmas[nvmas];
		char expect[512];
		int n = 0, len;

		if (sscanf(line, "%lx-%lx %4s %lx %15s %lu %n", &v->start,
			   &v->end, v->perms, &v->off, v->dev, &v->ino,
			   &n) < 6 || !n) {
			v->name = "";
			v->exact = 0;
			nvmas++;
			continue;
		}
		v->name = line + n;
		len = snprintf(expect, sizeof(expect), "%08lx-%08lx %s %08lx %s %lu ",
			       v->start, v->end, v->perms, v->off, v->dev,
			       v->ino);
		if (*v->name)
			snprintf(expect + len, sizeof(expect) - len, "%*s%s",
				 len < 72 ? 73 - len : 1, "", v->name);
		else
			expect[len] = '\0';
		v->exact = !strcmp(expect, line) ||
			   (!*v->name && !strncmp(expect, line, len - 1) &&
			    (int)strlen(line) == len - 1);
		nvmas++;
	}
	return nvmas;
}

static int read_maps(void)
{
	if (slurp("/proc/self/maps", buf_a) < 0)
		return -1;
	return parse_maps(buf_a);
}

static const struct vma *vma_at(unsigned long addr)
{
	int i;

	for (i = 0; i < nvmas; i++)
		if (vmas[i].start <= addr && addr < vmas[i].end)
			return &vmas[i];
	return NULL;
}

static const struct vma *vma_named(const char *name)
{
	int i;

	for (i = 0; i < nvmas; i++)
		if (!strcmp(vmas[i].name, name))
			return &vmas[i];
	return NULL;
}

static int is_anon(const struct vma *v)
{
	return v && v->off == 0 && !strcmp(v->dev, "00:00") && v->ino == 0;
}

/* A file of tandem's (its LWK image) or a memfd (this program makes none). */
static int is_tandem(const struct vma *v)
{
	const char *base = strrchr(v->name, '/');

	return strstr(v->name, "memfd:") ||
	       (base && !strncmp(base + 1, "tandem", 6));
}

/* Is every page of [addr, addr+len) in anonymous lines with these perms? */
static int anon_with(unsigned long addr, unsigned long len, const char *perms)
{
	unsigned long a;

	for (a = addr; a < addr + len; a += page) {
		const struct vma *v = vma_at(a);

		if (!is_anon(v) || strcmp(v->perms, perms) || *v->name)
			return 0;
	}
	return 1;
}

/* Does [lo, hi) meet any line but `except`? */
static int overlaps_other(unsigned long lo, unsigned long hi,
			  const struct vma *except)
{
	int i;

	for (i = 0; i < nvmas; i++)
		if (&vmas[i] != except && vmas[i].start < hi &&
		    lo < vmas[i].end)
			return 1;
	return 0;
}

/* ---- maps ----------------------------------------------------------- */

static pthread_barrier_t bar;
static void *thread_lo, *thread_hi;
static size_t thread_guard;

static void *thread_main(void *arg)
{
	pthread_attr_t at;
	size_t size;

	(void)arg;
	if (!pthread_getattr_np(pthread_self(), &at)) {
		pthread_attr_getstack(&at, &thread_lo, &size);
		pthread_attr_getguardsize(&at, &thread_guard);
		thread_hi = (char *)thread_lo + size;
		pthread_attr_destroy(&at);
	}
	pthread_barrier_wait(&bar);	/* main reads maps now */
	pthread_barrier_wait(&bar);
	return NULL;
}

static void main_stack_checks(void)
{
	pthread_attr_t at;
	struct rlimit rl;
	const struct vma *st;
	void *addr = NULL;
	size_t size = 0;
	char local;
	int err;

	err = pthread_getattr_np(pthread_self(), &at);
	check("pthread_getattr_np on the main thread works", !err);
	if (err)
		return;
	pthread_attr_getstack(&at, &addr, &size);
	pthread_attr_destroy(&at);
	getrlimit(RLIMIT_STACK, &rl);
	read_maps();
	st = vma_named("[stack]");
	check("main stack from pthread_getattr_np holds our frame",
	      (uintptr_t)addr < (uintptr_t)&local &&
	      (uintptr_t)&local < (uintptr_t)addr + size);
	check("main stack ends inside [stack]",
	      st && st->start < (uintptr_t)addr + size &&
	      (uintptr_t)addr + size <= st->end);
	check("main stack size within RLIMIT_STACK",
	      size > 0 && (rl.rlim_cur == RLIM_INFINITY || size <= rl.rlim_cur));
	check("main stack overlaps no other mapping",
	      !overlaps_other((uintptr_t)addr, (uintptr_t)addr + size, st));
}

extern char end[];		/* the linker's end of data and bss */

static int mode_maps(void)
{
	char *small = malloc(64), local = 0;
	unsigned long brk_end;
	char *rw, *ro, *none, *rwx, *shared;
	const struct vma *v;
	pthread_t th;
	int i, sorted = 1, exact = 1, tandem = 0, guards = 0, code = 0;

	brk_end = ((uintptr_t)sbrk(0) + page - 1) & ~(page - 1);
	rw = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 16 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	none = mmap(NULL, 16 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	rwx = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rw == MAP_FAILED || ro == MAP_FAILED || none == MAP_FAILED ||
	    rwx == MAP_FAILED || shared == MAP_FAILED || !small) {
		printf("mmap: %s\n", strerror(errno));
		return 1;
	}
	memset(rw, 1, 64 * page);
	mprotect(rw + 16 * page, 8 * page, PROT_READ);

	if (read_maps() <= 0)
		return 1;
	for (i = 0; i < nvmas; i++) {
		if (!vmas[i].exact)
			exact = 0;
		if (i && vmas[i].start < vmas[i - 1].end)
			sorted = 0;
		if (is_tandem(&vmas[i]))
			tandem = 1;
	}
	check("maps lines laid out as Linux lays them out", exact);
	check("maps sorted and not overlapping", sorted);
	check("maps shows nothing of tandem or a memfd", !tandem);

	v = vma_named("[heap]");
	check("[heap] present", v != NULL);
	check("[heap] holds a small malloc block",
	      v && v->start <= (uintptr_t)small && (uintptr_t)small < v->end);
	/* The LWK may map its heap ahead of the break, as brk_mapped says. */
	check("[heap] reaches the page-aligned break", v && v->end >= brk_end);
	check("[heap] starts after the program's data and bss",
	      v && v->start >= (((uintptr_t)end + page - 1) & ~(page - 1)));
	check("[heap] is anonymous rw-p", is_anon(v) && !strcmp(v->perms, "rw-p"));
	v = vma_named("[stack]");
	check("[stack] holds a local variable of main",
	      v && v->start <= (uintptr_t)&local && (uintptr_t)&local < v->end);
	check("[stack] is anonymous rw-p", is_anon(v) && !strcmp(v->perms, "rw-p"));

	check("rw mapping shows as anonymous rw-p",
	      anon_with((uintptr_t)rw, 16 * page, "rw-p") &&
	      anon_with((uintptr_t)rw + 24 * page, 40 * page, "rw-p"));
	check("mprotect'ed middle shows as anonymous r--p",
	      anon_with((uintptr_t)rw + 16 * page, 8 * page, "r--p"));
	check("read-only mapping shows as anonymous r--p",
	      anon_with((uintptr_t)ro, 16 * page, "r--p"));
	check("PROT_NONE mapping shows as anonymous ---p",
	      anon_with((uintptr_t)none, 16 * page, "---p"));
	check("rwx mapping shows as anonymous rwxp",
	      anon_with((uintptr_t)rwx, 16 * page, "rwxp"));
	v = vma_at((uintptr_t)shared);
	check("shared anonymous mapping shows as rw-s /dev/zero (deleted)",
	      v && !strcmp(v->perms, "rw-s") &&
	      !strcmp(v->name, "/dev/zero (deleted)"));
	munmap(rw + 32 * page, 8 * page);
	read_maps();
	check("munmap'ed hole is gone from maps",
	      !vma_at((uintptr_t)rw + 32 * page) &&
	      !vma_at((uintptr_t)rw + 39 * page));

	main_stack_checks();

	/* A second thread: its stack is the program's, nothing else new. */
	pthread_barrier_init(&bar, NULL, 2);
	if (pthread_create(&th, NULL, thread_main, NULL)) {
		printf("pthread_create failed\n");
		return 1;
	}
	pthread_barrier_wait(&bar);
	read_maps();
	check("thread stack shows as anonymous rw-p",
	      thread_hi && anon_with((uintptr_t)thread_lo,
				     (uintptr_t)thread_hi - (uintptr_t)thread_lo,
				     "rw-p"));
	check("thread guard page shows as anonymous ---p",
	      thread_guard &&
	      anon_with((uintptr_t)thread_lo - thread_guard, thread_guard,
			"---p"));
	/*
	 * Inaccessible anonymous memory is ours, the thread's guard page or
	 * the reserved tail of a malloc arena (which ends on a 64 MiB
	 * boundary); anything else would be someone else's, like a guard
	 * page of tandem's.
	 */
	for (i = 0, tandem = 0; i < nvmas; i++) {
		const struct vma *g = &vmas[i];

		if (is_anon(g) && !strcmp(g->perms, "---p") &&
		    g->start != (uintptr_t)none &&
		    g->end != (uintptr_t)thread_lo && g->end % (64 * MB))
			guards++;
		if (is_anon(g) && g->perms[2] == 'x' && !*g->name &&
		    g->start != (uintptr_t)rwx)
			code++;
		if (is_tandem(g))
			tandem = 1;
	}
	check("with two threads, maps shows nothing of tandem", !tandem);
	check("with two threads, no unexplained inaccessible mapping",
	      guards == 0);
	check("with two threads, no anonymous code but ours", code == 0);
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	return 0;
}

/* ---- smaps ------------------------------------------------------------ */

struct block {
	struct vma v;
	unsigned long kb[32];		/* by field index, see fields[] */
	int fmt_ok;
};

static const char *const fields[] = {
	"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Shared_Clean",
	"Shared_Dirty", "Private_Clean", "Private_Dirty", "Anonymous",
	"AnonHugePages", "Swap",
};
enum { F_SIZE, F_KPS, F_MMUPS, F_RSS, F_PSS, F_SHCL, F_SHDI, F_PRCL, F_PRDI,
       F_ANON, F_AHP, F_SWAP, F_NR };

static struct block blocks[MAX_LINES];
static int nblocks;

static int field_index(const char *name, size_t n)
{
	int i;

	for (i = 0; i < F_NR; i++)
		if (strlen(fields[i]) == n && !strncmp(fields[i], name, n))
			return i;
	return -1;
}

/* Is this "Name:  N kB" line laid out as Linux's SEQ_PUT_DEC does? */
static int kb_line_exact(const char *line, size_t namelen, unsigned long v)
{
	char expect[128];
	size_t label = namelen + 2 > 16 ? namelen + 2 : 16;

	snprintf(expect, sizeof(expect), "%.*s:%*s%*lu kB", (int)namelen, line,
		 (int)(label - namelen - 1), "", (int)(24 - label), v);
	return !strcmp(expect, line);
}

/* Parse smaps (text modified in place); headers also go into vmas[]. */
static int parse_smaps(char *text)
{
	char *line, *save = NULL;
	struct block *b = NULL;

	nblocks = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		unsigned long v;
		size_t n;
		int f;

		/* Headers start with an address, fields with a capital. */
		if ((*line >= '0' && *line <= '9') ||
		    (*line >= 'a' && *line <= 'f')) {
			if (nblocks == MAX_LINES)
				break;
			b = &blocks[nblocks++];
			memset(b, 0, sizeof(*b));
			b->fmt_ok = 1;
			parse_maps(line);
			b->v = vmas[0];
			if (!b->v.exact)
				b->fmt_ok = 0;
			continue;
		}
		if (!b || !colon)
			return -1;
		n = strlen(line);
		if (n < 3 || strcmp(line + n - 3, " kB") ||
		    sscanf(colon + 1, " %lu", &v) != 1)
			continue;
		if (!kb_line_exact(line, colon - line, v))
			b->fmt_ok = 0;
		f = field_index(line, colon - line);
		if (f >= 0)
			b->kb[f] = v;
	}
	return nblocks;
}

static unsigned long field_sum(int f)
{
	unsigned long s = 0;
	int i;

	for (i = 0; i < nblocks; i++)
		s += blocks[i].kb[f];
	return s;
}

/* Value of "Name: N kB" in text, or -1. */
static long kb_of(const char *text, const char *name)
{
	char key[64];
	const char *p;
	size_t n = (size_t)snprintf(key, sizeof(key), "%s:", name);

	for (p = text; (p = strstr(p, key)); p++)
		if (p == text || p[-1] == '\n')
			return strtol(p + n, NULL, 10);
	return -1;
}

/* a and b within 1% or 256 kB of each other: the slack of Linux's counters. */
static int near(long a, long b)
{
	long d = a > b ? a - b : b - a, big = a > b ? a : b;

	return a >= 0 && b >= 0 && (d <= 256 || d * 100 <= big);
}

static int mode_smaps(void)
{
	size_t len = 64 * MB;
	char *big = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long rss = 0, anon = 0, size = 0, shared = 0, dirty = 0,
		      ahp = 0;
	int i, same = 1, fmt = 1, sizes = 1, sane = 1, pages = 1, n;

	if (big == MAP_FAILED)
		return 1;
	memset(big, 1, len);

	/* maps then smaps, back to back: the same mappings. */
	if (slurp("/proc/self/maps", buf_b) < 0 ||
	    slurp("/proc/self/smaps", buf_c) < 0 ||
	    slurp("/proc/self/smaps_rollup", buf_a) < 0)
		return 1;
	n = parse_maps(buf_b);
	{
		static struct vma maps_copy[MAX_LINES];

		memcpy(maps_copy, vmas, sizeof(vmas[0]) * n);
		if (parse_smaps(buf_c) != n)
			same = 0;
		for (i = 0; same && i < n; i++)
			if (maps_copy[i].start != blocks[i].v.start ||
			    maps_copy[i].end != blocks[i].v.end ||
			    strcmp(maps_copy[i].perms, blocks[i].v.perms))
				same = 0;
	}
	check("smaps has the mappings maps has", same);

	for (i = 0; i < nblocks; i++) {
		const struct block *b = &blocks[i];

		fmt &= b->fmt_ok;
		sizes &= b->kb[F_SIZE] * KB == b->v.end - b->v.start;
		sane &= b->kb[F_RSS] <= b->kb[F_SIZE] &&
			b->kb[F_ANON] <= b->kb[F_RSS] &&
			b->kb[F_PSS] <= b->kb[F_RSS] &&
			b->kb[F_SHCL] + b->kb[F_SHDI] + b->kb[F_PRCL] +
			b->kb[F_PRDI] == b->kb[F_RSS];
		pages &= b->kb[F_KPS] && b->kb[F_KPS] == b->kb[F_MMUPS];
		if (b->v.start < (uintptr_t)big + len &&
		    (uintptr_t)big < b->v.end) {
			size += b->kb[F_SIZE];
			rss += b->kb[F_RSS];
			anon += b->kb[F_ANON];
			shared += b->kb[F_SHCL] + b->kb[F_SHDI];
			dirty += b->kb[F_PRDI];
			ahp += b->kb[F_AHP];
		}
	}
	check("smaps fields laid out as Linux lays them out", fmt);
	check("smaps Size matches each mapping", sizes);
	check("smaps Rss splits into clean and dirty, Anonymous and Pss within Rss",
	      sane);
	check("smaps KernelPageSize equals MMUPageSize", pages);
	check("touched 64 MiB: Size and Rss cover it",
	      size >= len / KB && rss >= len / KB);
	check("touched 64 MiB: all anonymous, private and dirty",
	      anon == rss && dirty == rss && shared == 0);
	check("touched 64 MiB: AnonHugePages within Anonymous", ahp <= anon);

	check("smaps_rollup Rss is the sum of smaps",
	      near(kb_of(buf_a, "Rss"), (long)field_sum(F_RSS)));
	check("smaps_rollup Anonymous is the sum of smaps",
	      near(kb_of(buf_a, "Anonymous"), (long)field_sum(F_ANON)));
	check("smaps_rollup Pss_Anon within Anonymous",
	      kb_of(buf_a, "Pss_Anon") <= kb_of(buf_a, "Anonymous"));
	munmap(big, len);
	return 0;
}

/* ---- status and statm ----------------------------------------------------- */

struct mem {
	long size, rss, hwm, data, stk, anon, file, shmem;
	long sm[7];			/* statm */
};

static int read_mem(struct mem *m)
{
	if (slurp("/proc/self/status", buf_a) < 0 ||
	    slurp("/proc/self/statm", buf_b) < 0)
		return -1;
	m->size = kb_of(buf_a, "VmSize");
	m->rss = kb_of(buf_a, "VmRSS");
	m->hwm = kb_of(buf_a, "VmHWM");
	m->data = kb_of(buf_a, "VmData");
	m->stk = kb_of(buf_a, "VmStk");
	m->anon = kb_of(buf_a, "RssAnon");
	m->file = kb_of(buf_a, "RssFile");
	m->shmem = kb_of(buf_a, "RssShmem");
	if (sscanf(buf_b, "%ld %ld %ld %ld %ld %ld %ld", &m->sm[0], &m->sm[1],
		   &m->sm[2], &m->sm[3], &m->sm[4], &m->sm[5], &m->sm[6]) != 7)
		return -1;
	return 0;
}

static void statm_checks(const char *when, const struct mem *m)
{
	long kpp = (long)(page / KB);
	char what[128];

	snprintf(what, sizeof(what), "%s: statm size is VmSize", when);
	check(what, m->sm[0] * kpp == m->size);
	snprintf(what, sizeof(what), "%s: statm resident is VmRSS", when);
	check(what, near(m->sm[1] * kpp, m->rss));
	snprintf(what, sizeof(what), "%s: statm shared is RssFile + RssShmem",
		 when);
	check(what, near(m->sm[2] * kpp, m->file + m->shmem));
	snprintf(what, sizeof(what), "%s: statm data is VmData + VmStk", when);
	check(what, m->sm[5] * kpp == m->data + m->stk);
	snprintf(what, sizeof(what), "%s: VmRSS is RssAnon + RssFile + RssShmem",
		 when);
	check(what, m->rss == m->anon + m->file + m->shmem);
	snprintf(what, sizeof(what), "%s: VmHWM at least VmRSS", when);
	check(what, m->hwm >= m->rss);
}

/*
 * Sizes from maps: all, private writable but the stack, the stack,
 * executable but not writable (Linux's exec_vm: VmExe + VmLib).
 */
static void maps_sizes(long *all, long *data, long *stk, long *exec)
{
	int i;

	*all = *data = *stk = *exec = 0;
	read_maps();
	for (i = 0; i < nvmas; i++) {
		long kb = (long)((vmas[i].end - vmas[i].start) / KB);

		if (!strcmp(vmas[i].name, "[vsyscall]"))
			continue;
		*all += kb;
		if (!strcmp(vmas[i].name, "[stack]"))
			*stk += kb;
		else if (vmas[i].perms[1] == 'w' && vmas[i].perms[3] == 'p')
			*data += kb;
		if (vmas[i].perms[2] == 'x' && vmas[i].perms[1] != 'w')
			*exec += kb;
	}
}

static int mode_status(void)
{
	size_t len = 64 * MB;
	struct mem m0, m1, m2;
	long all, data, stk, exec;
	char *big, what[64];
	const char *s;

	if (read_mem(&m0))
		return 1;
	maps_sizes(&all, &data, &stk, &exec);
	if (read_mem(&m0))
		return 1;
	check("VmSize is the sum of maps", m0.size == all);
	check("VmData is the private writable maps but the stack",
	      m0.data == data);
	check("VmStk is [stack]", m0.stk == stk);
	check("VmExe + VmLib is the executable maps",
	      kb_of(buf_a, "VmExe") + kb_of(buf_a, "VmLib") == exec);
	statm_checks("at start", &m0);

	s = strstr(buf_a, "Name:\t");
	check("status Name is the program",
	      s && !strncmp(s + 6, "procview\n", 9));
	snprintf(what, sizeof(what), "\nPid:\t%d\n", getpid());
	check("status Pid is getpid()", strstr(buf_a, what) != NULL);

	big = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		return 1;
	memset(big, 1, len);
	if (read_mem(&m1))
		return 1;
	check("64 MiB touched: VmSize grew by 64 MiB",
	      near(m1.size - m0.size, (long)(len / KB)));
	check("64 MiB touched: VmData grew by 64 MiB",
	      near(m1.data - m0.data, (long)(len / KB)));
	check("64 MiB touched: VmRSS grew by 64 MiB",
	      near(m1.rss - m0.rss, (long)(len / KB)));
	check("64 MiB touched: RssAnon grew by 64 MiB",
	      near(m1.anon - m0.anon, (long)(len / KB)));
	check("64 MiB touched: VmHWM followed", m1.hwm >= m1.rss &&
	      m1.hwm >= m0.hwm);
	check("64 MiB touched: VmStk unchanged", m1.stk == m0.stk);
	statm_checks("64 MiB touched", &m1);

	munmap(big, len);
	if (read_mem(&m2))
		return 1;
	check("64 MiB unmapped: VmRSS fell back",
	      near(m1.rss - m2.rss, (long)(len / KB)));
	check("64 MiB unmapped: VmData fell back",
	      near(m1.data - m2.data, (long)(len / KB)));
	check("64 MiB unmapped: VmHWM kept the peak",
	      m2.hwm >= m1.rss || near(m2.hwm, m1.rss));
	statm_checks("64 MiB unmapped", &m2);
	return 0;
}

/* ---- other names for the same files --------------------------------------- */

/*
 * The part of a file two reads must agree on: all of maps; the memory
 * lines of status (the rest counts context switches and the like); the
 * headers, sizes and flags of smaps (Linux ages pages and khugepaged
 * collapses them behind the program's back, so Rss and Referenced move).
 * Filtered in place; returns the length from *from.
 */
static size_t stable_part(const char *e, char *buf, ssize_t n, char **from)
{
	char *s, *t, *w, *line, *save = NULL;

	*from = buf;
	if (n < 0)
		return 0;
	if (!strcmp(e, "status")) {
		s = strstr(buf, "\nVmPeak:");
		t = s ? strstr(s, "\nVmSwap:") : NULL;
		if (!t)
			return 0;
		*from = s;
		return (size_t)(t - s);
	}
	if (strcmp(e, "smaps"))
		return (size_t)n;
	w = buf;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		if ((*line >= 'A' && *line <= 'Z') &&
		    strncmp(line, "Size:", 5) && strncmp(line, "VmFlags:", 8) &&
		    strncmp(line, "KernelPageSize:", 15))
			continue;
		memmove(w, line, len);
		w += len;
		*w++ = '\n';
	}
	return (size_t)(w - buf);
}

/*
 * Does reading `path` (relative to dirfd) give the stable part of
 * /proc/self/`e`?  The process may change in between (the LWK's lazy
 * work, a page of text the fast entry patches), so /proc/self/`e` is
 * read before and after: a change there means try again.
 */
static int same_file(int dirfd, const char *path, const char *e)
{
	char self[64], *ref, *from, *again;
	size_t reflen, len, len2;
	int tries;

	snprintf(self, sizeof(self), "/proc/self/%s", e);
	for (tries = 0; tries < 5; tries++) {
		reflen = stable_part(e, buf_a, slurp(self, buf_a), &ref);
		len = stable_part(e, buf_b, slurp_at(dirfd, path, buf_b), &from);
		len2 = stable_part(e, buf_c, slurp(self, buf_c), &again);
		if (reflen != len2 || memcmp(ref, again, reflen))
			continue;
		return reflen && len == reflen && !memcmp(from, ref, len);
	}
	return 0;
}

static int mode_paths(void)
{
	static const char *const entries[] = { "maps", "smaps", "status" };
	char path[128];
	int i;

	for (i = 0; i < 3; i++) {
		const char *e = entries[i];
		char what[128];
		int dir;

		snprintf(path, sizeof(path), "/proc/%d/%s", getpid(), e);
		snprintf(what, sizeof(what), "/proc/PID/%s is /proc/self/%s", e, e);
		check(what, same_file(AT_FDCWD, path, e));

		snprintf(path, sizeof(path), "/proc/thread-self/%s", e);
		snprintf(what, sizeof(what), "/proc/thread-self/%s is /proc/self/%s",
			 e, e);
		check(what, same_file(AT_FDCWD, path, e));

		snprintf(path, sizeof(path), "/proc/self/task/%ld/%s",
			 (long)syscall(SYS_gettid), e);
		snprintf(what, sizeof(what), "/proc/self/task/TID/%s is /proc/self/%s",
			 e, e);
		check(what, same_file(AT_FDCWD, path, e));

		snprintf(path, sizeof(path), "//proc/./self//%s", e);
		snprintf(what, sizeof(what), "//proc/./self//%s is /proc/self/%s",
			 e, e);
		check(what, same_file(AT_FDCWD, path, e));

		dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(what, sizeof(what), "openat(/proc/self, %s) is /proc/self/%s",
			 e, e);
		check(what, dir >= 0 && same_file(dir, e, e));
		if (dir >= 0)
			close(dir);
	}

	/* A task directory that is not ours is Linux's to refuse. */
	errno = 0;
	i = open("/proc/self/task/999999999/maps", O_RDONLY);
	check("/proc/self/task/999999999/maps is ENOENT",
	      i < 0 && errno == ENOENT);
	return 0;
}

/* ---- the descriptor ---------------------------------------------------------- */

static int mode_fd(void)
{
	struct stat st;
	char head[64];
	ssize_t n;
	int a, b, fd, fl;

	/* open gives the lowest free descriptor. */
	a = open("/dev/null", O_RDONLY);
	b = open("/dev/null", O_RDONLY);
	close(a);
	fd = open("/proc/self/maps", O_RDONLY);
	check("open of maps gives the lowest free descriptor", fd == a);
	check("without O_CLOEXEC the descriptor is inherited",
	      fd >= 0 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	fl = fcntl(fd, F_GETFL);
	check("opened read-only", fl >= 0 && (fl & O_ACCMODE) == O_RDONLY);
	check("starts at offset 0", lseek(fd, 0, SEEK_CUR) == 0);
	check("a regular file readable by all, writable by none",
	      !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	      (st.st_mode & 0777) == 0444);
	errno = 0;
	check("write is refused with EBADF",
	      write(fd, "x", 1) < 0 && errno == EBADF);
	n = read(fd, buf_a, BUF_SIZE);
	check("read gives the maps text", n > 0 && memchr(buf_a, '\n', n));
	check("pread at an offset gives the same bytes",
	      n > 20 && pread(fd, head, 10, 10) == 10 &&
	      !memcmp(head, buf_a + 10, 10));
	close(fd);
	close(b);

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	check("with O_CLOEXEC the descriptor is close-on-exec",
	      fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
	fd = open("/proc/self/statm", O_RDONLY | O_NONBLOCK);
	fl = fcntl(fd, F_GETFL);
	check("O_NONBLOCK is kept", fl >= 0 && (fl & O_NONBLOCK));
	close(fd);

	/* What only Linux can answer stays Linux's answer. */
	errno = 0;
	fd = open("/proc/self/maps", O_RDONLY | O_DIRECTORY);
	check("O_DIRECTORY gives ENOTDIR", fd < 0 && errno == ENOTDIR);
	fd = open("/proc/self/maps", O_PATH | O_CLOEXEC);
	check("O_PATH opens", fd >= 0);
	if (fd >= 0)
		close(fd);
	errno = 0;
	fd = open("/proc/self/maps/", O_RDONLY);
	check("a trailing slash gives ENOTDIR", fd < 0 && errno == ENOTDIR);
	return 0;
}

/* ---- cmdline, environ, auxv ---------------------------------------------------- */

extern char **environ;

static int mode_self(char **argv)
{
	static const unsigned long keys[] = {
		AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_ENTRY,
		AT_UID, AT_EUID, AT_GID, AT_EGID, AT_CLKTCK,
		AT_RANDOM, AT_SECURE, AT_EXECFN, AT_SYSINFO_EHDR,
	};
	/* Not AT_HWCAP: glibc's getauxval gives its own x86 word for it. */
	unsigned long *aux;
	ssize_t n;
	size_t i, k;
	int all = 1;

	n = slurp("/proc/self/cmdline", buf_a);
	check("cmdline is argv", n >= 0 && block_is(buf_a, n, argv));
	n = slurp("/proc/self/environ", buf_a);
	check("environ is the environment", n >= 0 &&
	      block_is(buf_a, n, environ));
	n = slurp("/proc/self/auxv", buf_a);
	aux = (unsigned long *)buf_a;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		int found = 0;

		for (i = 0; n > 0 && i + 1 < (size_t)n / sizeof(long) &&
			    aux[i] != AT_NULL; i += 2) {
			if (aux[i] == keys[k]) {
				found = aux[i + 1] == getauxval(keys[k]);
				break;
			}
		}
		all &= found;
	}
	check("auxv agrees with getauxval", all);
	return 0;
}

int main(int argc, char **argv)
{
	int err = 2;

	/*
	 * Touch every buffer and give stdout its own now, so that neither
	 * reading a file nor printing a result changes what the next read
	 * of /proc says.
	 */
	page = (unsigned long)sysconf(_SC_PAGESIZE);
	setvbuf(stdout, out_buf, _IOLBF, sizeof(out_buf));
	memset(buf_a, 1, BUF_SIZE);
	memset(buf_b, 1, BUF_SIZE);
	memset(buf_c, 1, BUF_SIZE);
	memset(vmas, 1, sizeof(vmas));
	memset(blocks, 1, sizeof(blocks));
	if (argc != 2) {
		fprintf(stderr, "usage: procview maps|smaps|status|paths|fd|self\n");
		return 2;
	}
	if (!strcmp(argv[1], "maps"))
		err = mode_maps();
	else if (!strcmp(argv[1], "smaps"))
		err = mode_smaps();
	else if (!strcmp(argv[1], "status"))
		err = mode_status();
	else if (!strcmp(argv[1], "paths"))
		err = mode_paths();
	else if (!strcmp(argv[1], "fd"))
		err = mode_fd();
	else if (!strcmp(argv[1], "self"))
		err = mode_self(argv);
	else
		fprintf(stderr, "procview: unknown mode %s\n", argv[1]);
	if (err)
		return err;
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
