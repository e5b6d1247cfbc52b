// SPDX-License-Identifier: MIT
/*
 * /proc/self/maps and smaps in the LWK's view, and what that view changes
 * in Linux's totals (for status, statm and smaps_rollup).
 *
 * Each Linux mapping is cut into pieces: LWK-owned ranges (region.h)
 * disappear; program memory is described by the LWK's own records
 * (mm_region_next): pool-backed memory reads as anonymous private memory
 * (or shared anonymous memory when the program shares it), [heap] and
 * [stack] go where the LWK says; file and special mappings stay Linux's.
 * Where the LWK made several Linux mappings of what would natively be
 * one (pool runs, the main stack's two parts, code the rewriter patched),
 * the pieces are joined again.  Every other byte is Linux's.
 *
 * Runs in the calling thread, on its LWK stack; nothing here is kept
 * between calls but the start_stack cache.
 */
#include "procfs_int.h"
#include "lwk.h"
#include "region.h"
#include "mm/mm.h"
#include "lib/lib.h"
#include "arch/x86_64/unistd.h"

#define PF_FIELD_TEXT	3072		/* an smaps block's field lines */
#define PF_FIELDS	48
#define PF_PIECES	32

/* Linux puts a maps name at this column at the earliest. */
#define PF_NAME_COLUMN	73

/* ---- header lines ------------------------------------------------------ */

/* One maps/smaps header line, parsed; strings point into the line. */
struct pf_vma {
	u64 start, end, off, ino;
	char perms[4];
	const char *dev;
	size_t devlen;
	const char *name;		/* "" for none */
	size_t namelen;
};

static bool parse_vma(const char *line, struct pf_vma *v)
{
	const char *p = line;
	int i;

	if (!(p = pf_parse_num(p, 16, &v->start)) || *p++ != '-' ||
	    !(p = pf_parse_num(p, 16, &v->end)) || *p++ != ' ')
		return false;
	for (i = 0; i < 4; i++) {
		if (!*p)
			return false;
		v->perms[i] = *p++;
	}
	if (*p++ != ' ' || !(p = pf_parse_num(p, 16, &v->off)) || *p++ != ' ')
		return false;
	v->dev = p;
	while (*p && *p != ' ')
		p++;
	v->devlen = p - v->dev;
	if (*p++ != ' ' || !(p = pf_parse_num(p, 10, &v->ino)))
		return false;
	while (*p == ' ')
		p++;
	v->name = p;
	v->namelen = strlen(p);
	return v->start < v->end;
}

/* A header line as Linux formats it (show_vma_header_prefix, seq_pad). */
static void out_vma(struct pf_out *o, u64 start, u64 end, const char *perms,
		    u64 off, const char *dev, size_t devlen, u64 ino,
		    const char *name, size_t namelen)
{
	char h[160];
	int n;

	n = snprintf(h, sizeof(h), "%08lx-%08lx %.4s %08lx %.*s %lu ",
		     (unsigned long)start, (unsigned long)end, perms,
		     (unsigned long)off, (int)devlen, dev, (unsigned long)ino);
	n = MIN(n, (int)sizeof(h) - 1);
	pf_out_put(o, h, n);
	if (namelen) {
		if (n < PF_NAME_COLUMN - 1)
			pf_out_spaces(o, PF_NAME_COLUMN - 1 - n);
		pf_out_put(o, " ", 1);
		pf_out_put(o, name, namelen);
	}
	pf_out_put(o, "\n", 1);
}

/* ---- what each part of a Linux mapping is, in the LWK's view ----------- */

enum pf_kind {
	PK_LWK,			/* LWK-owned: hidden */
	PK_KEEP,		/* file-backed or special: as Linux shows it */
	PK_ANON,		/* anonymous memory Linux backs */
	PK_POOL,		/* program memory backed by the pool */
};

/* A part of one Linux mapping that the LWK's view shows as one thing. */
struct pf_piece {
	u64 start, end;
	u8 kind;
	bool shared;			/* pool memory the program shares */
	bool locked;			/* pool memory the program mlock()ed */
	const char *name;
	size_t namelen;
};

/*
 * The last answer of mm_region_next(): Linux's lines come in address
 * order, so one answer usually serves several of them.
 */
struct pf_regions {
	bool have;
	int err;
	u64 from;
	struct mm_region r;
};

static int region_at(struct pf_regions *c, u64 addr, struct mm_region *r)
{
	if (!c->have || addr < c->from || (!c->err && c->r.end <= addr)) {
		c->err = mm_region_next(addr, &c->r);
		c->from = addr;
		c->have = true;
	}
	*r = c->r;
	return c->err;
}

static bool name_is(const struct pf_vma *v, const char *s)
{
	return pf_comp_is(v->name, v->namelen, s);
}

/*
 * Is this a mapping of one of the LWK's pool files?  Only asked where the
 * LWK's own records (mm_region_next) say nothing: before the memory
 * manager is up, and for a mapping it does not know.
 */
static bool is_pool(const struct pf_vma *v)
{
	const char *base = v->name, *p;

	if (!v->namelen || v->name[0] != '/')
		return false;
	for (p = v->name; *p; p++)
		if (*p == '/')
			base = p + 1;
	if (str_starts(base, "memfd:"))
		base += 6;
	return str_starts(base, "tandem-pool");
}

static bool is_shmem_name(const char *name)
{
	return str_starts(name, "/memfd:") || str_starts(name, "/dev/zero") ||
	       str_starts(name, "/SYSV") || str_starts(name, "/dev/shm/");
}

static int classify(const struct pf_vma *v)
{
	if (is_pool(v))
		return PK_POOL;
	if (v->ino == 0 && (!v->namelen || name_is(v, "[heap]") ||
			    name_is(v, "[stack]") ||
			    str_starts(v->name, "[anon:")))
		return PK_ANON;
	return PK_KEEP;
}

/* mm->start_stack, which Linux's [stack] label goes by; 0 if unknown. */
static u64 start_stack(void)
{
	static u64 cached;
	char buf[1024], *p, *close = NULL;
	long fd, n;
	int field;
	u64 v = 0;

	if (READ_ONCE(cached))
		return cached;
	fd = pf_open_linux("/proc/self/stat");
	if (fd < 0)
		return 0;
	n = linux_call3(NR_read, fd, buf, sizeof(buf) - 1);
	linux_call1(NR_close, fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (p = buf; *p; p++)
		if (*p == ')')
			close = p;
	if (!close)
		return 0;
	/* Field 2 ends at the last ')'; startstack is field 28. */
	for (p = close + 1, field = 2; *p && field < 28; p++)
		if (*p == ' ')
			field++;
	if (field == 28 && pf_parse_num(p, 10, &v))
		WRITE_ONCE(cached, v);
	return v;
}

struct pf_split {
	struct pf_piece *p;
	int n;
	const struct pf_vma *v;
	struct pf_regions *regions;
	u64 heap_start, heap_end;
};

/*
 * The name the LWK's view gives a piece of anonymous or pool memory: by
 * the LWK's record `r` when there is one, else by the LWK's heap and
 * Linux's start_stack.
 */
static const char *anon_name(const struct pf_split *s, u64 start, u64 end,
			     int kind, const struct mm_region *r)
{
	const struct pf_vma *v = s->v;
	u64 ss;

	if (r) {
		if (r->flags & MM_REGION_HEAP)
			return "[heap]";
		if (r->flags & MM_REGION_STACK)
			return "[stack]";
		if (kind == PK_POOL)
			return r->flags & MM_REGION_SHARED ?
			       "/dev/zero (deleted)" : "";
	} else if (start >= s->heap_start && end <= s->heap_end) {
		return "[heap]";
	} else if (kind == PK_POOL) {
		ss = start_stack();
		return ss && start <= ss && ss <= end ? "[stack]" : "";
	}
	return name_is(v, "[heap]") ? "" : v->name;
}

static void add_piece(struct pf_split *s, u64 start, u64 end, int kind,
		      const struct mm_region *r)
{
	const struct pf_vma *v = s->v;
	struct pf_piece *p;

	if (start >= end)
		return;
	p = s->n ? &s->p[s->n - 1] : NULL;
	if (p && p->kind == PK_LWK && kind == PK_LWK && p->end == start) {
		p->end = end;
		return;
	}
	if (s->n == PF_PIECES) {
		/* Cannot happen with sane regions; keep the rest in the last. */
		p->end = end;
		return;
	}
	p = &s->p[s->n++];
	p->start = start;
	p->end = end;
	p->kind = kind;
	p->shared = kind == PK_POOL && r && (r->flags & MM_REGION_SHARED);
	p->locked = kind == PK_POOL && r && (r->flags & MM_REGION_LOCKED);
	p->name = v->name;
	if (kind == PK_ANON || kind == PK_POOL)
		p->name = anon_name(s, start, end, kind, r);
	p->namelen = p->name == v->name ? v->namelen : strlen(p->name);
}

/*
 * Program memory with no record of the LWK's behind it: its heap is
 * where lwk_proc says, so anonymous memory splits there.
 */
static void add_unrecorded(struct pf_split *s, u64 start, u64 end, int kind)
{
	u64 hs = s->heap_start, he = s->heap_end;

	if (kind == PK_KEEP || hs >= he || end <= hs || start >= he) {
		add_piece(s, start, end, kind, NULL);
		return;
	}
	add_piece(s, start, MAX(start, hs), kind, NULL);
	add_piece(s, MAX(start, hs), MIN(end, he), kind, NULL);
	add_piece(s, MIN(end, he), end, kind, NULL);
}

/*
 * The program's part [start, end) of a Linux mapping, by the LWK's
 * records.  A file or special mapping is Linux's to describe, unless the
 * file is the pool.
 */
static void add_program(struct pf_split *s, u64 start, u64 end, int kind)
{
	struct mm_region r;

	if (kind == PK_KEEP) {
		if (region_at(s->regions, start, &r) || r.start >= end ||
		    !(r.flags & MM_REGION_POOL)) {
			add_piece(s, start, end, kind, NULL);
			return;
		}
		kind = PK_POOL;
	}
	while (start < end) {
		if (region_at(s->regions, start, &r) || r.start >= end) {
			add_unrecorded(s, start, end, kind);
			return;
		}
		if (r.start > start) {
			add_unrecorded(s, start, r.start, kind);
			start = r.start;
		}
		add_piece(s, start, MIN(r.end, end),
			  r.flags & MM_REGION_POOL ? PK_POOL : kind, &r);
		start = MIN(r.end, end);
	}
}

/* Cut one Linux mapping into the parts the LWK's view tells apart. */
static int split_vma(const struct pf_vma *v, struct pf_piece *pieces,
		     struct pf_regions *regions)
{
	struct pf_split s = {
		.p = pieces,
		.v = v,
		.regions = regions,
		.heap_start = READ_ONCE(lwk_proc.brk_start),
		.heap_end = READ_ONCE(lwk_proc.brk_mapped),
	};
	int kind = classify(v);
	u64 cur = v->start, rs, re;

	while (cur < v->end) {
		if (!lwk_region_next(cur, &rs, &re) || rs >= v->end) {
			add_program(&s, cur, v->end, kind);
			break;
		}
		add_program(&s, cur, MAX(cur, rs), kind);
		add_piece(&s, MAX(cur, rs), MIN(re, v->end), PK_LWK, NULL);
		cur = MIN(re, v->end);
	}
	return s.n;
}

/* Does this piece read exactly as Linux's line did? */
static bool piece_unchanged(const struct pf_vma *v, const struct pf_piece *p)
{
	return p->kind != PK_POOL && p->start == v->start && p->end == v->end &&
	       p->name == v->name;
}

/* ---- smaps blocks ------------------------------------------------------ */

struct pf_field {
	u16 off, len;			/* the raw line in blk->text */
	u8 namelen;			/* bytes before the ':' */
	bool kb;			/* "Name:   N kB" */
	u64 val;
};

/*
 * One Linux mapping: its header line and, from smaps, the field lines
 * after it.
 */
struct pf_block {
	struct pf_vma v;
	struct pf_piece piece[PF_PIECES];
	int npieces;
	u32 nfields;
	u32 used;
	struct pf_field f[PF_FIELDS];
	char text[PF_LINE + 1 + PF_FIELD_TEXT];
};

static bool field_is(const struct pf_block *b, const struct pf_field *f,
		     const char *name)
{
	return pf_comp_is(b->text + f->off, f->namelen, name);
}

static u64 field_val(const struct pf_block *b, const u64 *vals,
		     const char *name)
{
	u32 i;

	for (i = 0; i < b->nfields; i++)
		if (b->f[i].kb && field_is(b, &b->f[i], name))
			return vals[i];
	return 0;
}

static void block_add(struct pf_block *b, const char *line, size_t len)
{
	struct pf_field *f;
	const char *p, *colon;
	u64 v;

	if (b->nfields == PF_FIELDS || b->used + len + 1 > sizeof(b->text))
		return;
	f = &b->f[b->nfields++];
	f->off = b->used;
	f->len = len;
	memcpy(b->text + b->used, line, len);
	b->text[b->used + len] = '\0';
	b->used += len + 1;

	colon = strchr(line, ':');
	f->namelen = colon && colon - line < 64 ? colon - line : 0;
	f->kb = false;
	f->val = 0;
	if (!colon)
		return;
	for (p = colon + 1; *p == ' '; p++)
		;
	p = pf_parse_num(p, 10, &v);
	if (p && !strcmp(p, " kB")) {
		f->kb = true;
		f->val = v;
	}
}

/* Start a block at this header; false if the header does not parse. */
static bool block_start(struct pf_block *b, const char *line, size_t len,
			struct pf_regions *regions)
{
	memcpy(b->text, line, len + 1);
	b->used = len + 1;
	b->nfields = 0;
	if (!parse_vma(b->text, &b->v))
		return false;
	b->npieces = split_vma(&b->v, b->piece, regions);
	return true;
}

/* Does Linux's VmFlags line of the block carry this two-letter flag? */
static bool block_flag(const struct pf_block *b, const char *flag)
{
	u32 i;

	for (i = 0; i < b->nfields; i++) {
		const struct pf_field *f = &b->f[i];
		const char *p = b->text + f->off + f->namelen + 1;

		if (f->kb || !field_is(b, f, "VmFlags"))
			continue;
		for (; *p; p++)
			if (p[0] == flag[0] && p[1] == flag[1] &&
			    p[-1] == ' ' && (p[2] == ' ' || !p[2]))
				return true;
	}
	return false;
}

/* Resident KiB of [start, end), as mincore reports it. */
static u64 resident_kb(u64 start, u64 end)
{
	u8 vec[4096];
	u64 pages = 0, a, len, i;

	for (a = start; a < end; a += len) {
		len = MIN(end - a, sizeof(vec) * PAGE_SIZE);
		if (linux_call3(NR_mincore, a, len, vec) < 0)
			break;
		for (i = 0; i < len / PAGE_SIZE; i++)
			pages += vec[i] & 1;
	}
	return pages * (PAGE_SIZE >> 10);
}

static u64 scale(u64 v, u64 num, u64 den)
{
	if (!den)
		return 0;
	return (u64)((unsigned __int128)v * num / den);
}

/*
 * Linux's numbers for one piece of the block's mapping: the whole
 * mapping's when the piece is all of it, else the resident-based ones
 * scaled by the piece's share of the resident pages (mincore), the swap
 * ones by its share of the size.
 */
static void piece_values(const struct pf_block *b, const struct pf_piece *p,
			 u64 *vals)
{
	u64 size = b->v.end - b->v.start, psize = p->end - p->start;
	u64 rss = 0, prss;
	u32 i;

	for (i = 0; i < b->nfields; i++)
		vals[i] = b->f[i].val;
	if (psize == size)
		return;

	rss = field_val(b, vals, "Rss") + field_val(b, vals, "Shared_Hugetlb") +
	      field_val(b, vals, "Private_Hugetlb");
	prss = MIN(resident_kb(p->start, p->end), rss);
	for (i = 0; i < b->nfields; i++) {
		const struct pf_field *f = &b->f[i];

		if (!f->kb || field_is(b, f, "KernelPageSize") ||
		    field_is(b, f, "MMUPageSize"))
			continue;
		if (field_is(b, f, "Size"))
			vals[i] = psize >> 10;
		else if (field_is(b, f, "Swap") || field_is(b, f, "SwapPss"))
			vals[i] = scale(f->val, psize, size);
		else
			vals[i] = scale(f->val, prss, rss);
	}
}

static bool name_in(const char *const *list, size_t n, const char *name,
		    size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pf_comp_is(name, len, list[i]))
			return true;
	return false;
}

/*
 * Pool memory as the program's own memory: every resident page its own
 * and dirty, anonymous unless shared (shared anonymous memory is shmem),
 * huge when the pool maps it with huge pages (a hugetlbfs pool) or Linux
 * maps it with PMDs (a memfd pool); locked when the program locked it.
 */
static void pool_values(const struct pf_block *b, const struct pf_piece *p,
			u64 *vals)
{
	static const char *const as_rss[] = {
		"Rss", "Pss", "Pss_Dirty", "Private_Dirty", "Referenced",
	};
	static const char *const as_zero[] = {
		"Shared_Clean", "Shared_Dirty", "Private_Clean", "KSM",
		"LazyFree", "FilePmdMapped", "Shared_Hugetlb",
		"Private_Hugetlb", "Pss_File",
	};
	u64 rss = field_val(b, vals, "Rss") +
		  field_val(b, vals, "Shared_Hugetlb") +
		  field_val(b, vals, "Private_Hugetlb");
	u64 huge = field_val(b, vals, "KernelPageSize") > (PAGE_SIZE >> 10) ?
		   rss : field_val(b, vals, "ShmemPmdMapped");
	u32 i;

	for (i = 0; i < b->nfields; i++) {
		const struct pf_field *f = &b->f[i];
		const char *name = b->text + f->off;

		if (!f->kb)
			continue;
		if (name_in(as_rss, ARRAY_SIZE(as_rss), name, f->namelen))
			vals[i] = rss;
		else if (name_in(as_zero, ARRAY_SIZE(as_zero), name, f->namelen))
			vals[i] = 0;
		else if (field_is(b, f, "Anonymous") || field_is(b, f, "Pss_Anon"))
			vals[i] = p->shared ? 0 : rss;
		else if (field_is(b, f, "Pss_Shmem"))
			vals[i] = p->shared ? rss : 0;
		else if (field_is(b, f, "AnonHugePages"))
			vals[i] = p->shared ? 0 : huge;
		else if (field_is(b, f, "ShmemPmdMapped"))
			vals[i] = p->shared ? huge : 0;
		else if (field_is(b, f, "Locked") && p->locked)
			vals[i] = rss;
	}
}

/*
 * Linux prints VmFlags in this order (show_smap_vma_flags); flags the
 * LWK's view adds go where Linux would have put them.
 */
static const char vmflag_order[] =
	"rd wr ex sh mr mw me ms gd pf dw lo io sr rr dc de lf ac nr ht sf "
	"ar wf dd sd mm hg nh mg um uw ui ss sl bt";

static int vmflag_rank(const char *tok)
{
	const char *p;

	for (p = vmflag_order; *p; p += p[2] ? 3 : 2)
		if (p[0] == tok[0] && p[1] == tok[1])
			return (p - vmflag_order) / 3;
	return -1;
}

/* Is the two-letter flag `tok` in the space-separated `list`? */
static bool flag_in(const char *list, const char *tok)
{
	for (; *list; list += list[2] ? 3 : 2)
		if (list[0] == tok[0] && list[1] == tok[1])
			return true;
	return false;
}

/*
 * Linux's VmFlags line with the flags in `drop` removed and those in
 * `add` (space-separated lists) put where Linux would print them; written
 * to `out`, returns its length.
 */
static size_t vmflags_edit(const char *line, const char *drop,
			   const char *add, char *out, size_t size)
{
	char tok[48][3];
	int n = 0, i, j, rank;
	const char *a;
	size_t len;

	for (line += 8; n < 48; line += 2) {
		while (*line == ' ')
			line++;
		if (!line[0] || !line[1])
			break;
		tok[n][0] = line[0];
		tok[n][1] = line[1];
		tok[n][2] = '\0';
		if (!flag_in(drop, tok[n]))
			n++;
	}
	for (a = add; *a && n < 48; a += a[2] ? 3 : 2) {
		char t[3] = { a[0], a[1], '\0' };

		for (i = 0; i < n && strcmp(tok[i], t); i++)
			;
		if (i < n)
			continue;
		rank = vmflag_rank(t);
		for (i = 0; i < n && vmflag_rank(tok[i]) <= rank; i++)
			;
		for (j = n; j > i; j--)
			memcpy(tok[j], tok[j - 1], 3);
		memcpy(tok[i], t, 3);
		n++;
	}
	len = strlcpy(out, "VmFlags:", size);
	for (i = 0; i < n && len + 4 < size; i++)
		len += snprintf(out + len, size - len, " %s", tok[i]);
	if (len + 2 <= size) {
		out[len++] = ' ';
		out[len] = '\0';
	}
	return len;
}

/* ---- the view: what the LWK split, joined again ------------------------ */

#define PF_VIEW_NAME	512
#define PF_VIEW_TEXT	2048

/*
 * One line (maps) or block (smaps) of the LWK's view, held back while the
 * next may continue it.  The LWK makes several Linux mappings where Linux
 * would have one: pool runs and the main stack's two parts (neighbours
 * with the same attributes merge when pool memory is among them), and
 * code it rewrote (private executable file mappings merge where the file
 * offsets run on).
 */
struct pf_view {
	bool valid;
	bool pool;			/* pool memory is part of it */
	bool code;			/* a private executable file mapping */
	u64 start, end, off, ino;
	char perms[4];
	u8 devlen;
	char dev[16];
	u32 namelen;
	char name[PF_VIEW_NAME];
	u32 nfields;
	struct {
		u16 off, len;		/* the name (kB field) or the line */
		bool kb;
		u64 val;
	} f[PF_FIELDS];
	u32 used;
	char text[PF_VIEW_TEXT];
};


static void view_flush(struct pf_out *o, struct pf_view *w)
{
	u32 i;

	if (!w->valid)
		return;
	out_vma(o, w->start, w->end, w->perms, w->off, w->dev, w->devlen,
		w->ino, w->name, w->namelen);
	for (i = 0; i < w->nfields; i++) {
		if (w->f[i].kb)
			pf_out_kb(o, w->text + w->f[i].off, w->f[i].len,
			       w->f[i].val);
		else
			pf_out_line(o, w->text + w->f[i].off, w->f[i].len);
	}
	w->valid = false;
}

static bool view_text(struct pf_view *w, u32 i, const char *s, size_t n)
{
	if (w->used + n > sizeof(w->text))
		return false;
	memcpy(w->text + w->used, s, n);
	w->f[i].off = w->used;
	w->f[i].len = n;
	w->used += n;
	return true;
}

/*
 * Describe this piece of the block as a view in `w`; false when it does
 * not fit one (a long name), and the caller writes it directly.
 */
static bool view_set(struct pf_view *w, const struct pf_block *b,
		     const struct pf_piece *p, const u64 *vals)
{
	const struct pf_vma *v = &b->v;
	const char *drop = "", *add = "";
	char flags[160];
	size_t n;
	u32 i;

	if (p->namelen >= sizeof(w->name) || b->nfields > PF_FIELDS)
		return false;
	w->pool = p->kind == PK_POOL;
	w->code = p->kind == PK_KEEP;
	w->start = p->start;
	w->end = p->end;
	memcpy(w->perms, v->perms, 4);
	w->off = v->off + (w->code ? p->start - v->start : 0);
	w->ino = v->ino;
	memcpy(w->dev, v->dev, MIN(v->devlen, sizeof(w->dev)));
	w->devlen = MIN(v->devlen, sizeof(w->dev));
	if (w->pool) {
		w->perms[3] = p->shared ? 's' : 'p';
		w->off = 0;
		if (!p->shared) {
			memcpy(w->dev, "00:00", 5);
			w->devlen = 5;
			w->ino = 0;
		}
	}
	memcpy(w->name, p->name, p->namelen);
	w->namelen = p->namelen;

	/*
	 * Pool memory shows the flags of anonymous memory: private memory is
	 * neither shared nor hugetlb and is accountable when writable; locked
	 * memory is locked.  Code the LWK patched lost the accounting flag
	 * its write access gave it.
	 */
	if (w->pool) {
		drop = p->shared ? "ht" : "ht sh ms";
		add = !p->shared && v->perms[1] == 'w' ?
		      (p->locked ? "lo ac" : "ac") : (p->locked ? "lo" : "");
	} else if (w->code && v->perms[1] != 'w') {
		drop = "ac";
	}

	w->used = 0;
	w->nfields = b->nfields;
	for (i = 0; i < b->nfields; i++) {
		const struct pf_field *f = &b->f[i];
		const char *line = b->text + f->off;

		w->f[i].kb = f->kb;
		w->f[i].val = vals[i];
		if (f->kb) {
			if (!view_text(w, i, line, f->namelen))
				return false;
		} else if (field_is(b, f, "VmFlags") && (w->pool || w->code)) {
			n = vmflags_edit(line, drop, add, flags, sizeof(flags));
			if (!view_text(w, i, flags, n))
				return false;
		} else if (!view_text(w, i, line, f->len)) {
			return false;
		}
	}
	w->valid = true;
	return true;
}

/*
 * Can `next` continue `w`, as one Linux mapping would?  The same fields
 * in the same order, and the same text for the ones that are not sizes
 * (VmFlags) where code is concerned.
 */
static bool view_continues(const struct pf_view *w, const struct pf_view *next)
{
	u32 i;

	if (!w->valid || w->end != next->start ||
	    memcmp(w->perms, next->perms, 4) || w->perms[3] != 'p' ||
	    w->ino != next->ino || w->devlen != next->devlen ||
	    memcmp(w->dev, next->dev, w->devlen) ||
	    w->namelen != next->namelen ||
	    memcmp(w->name, next->name, w->namelen) ||
	    w->nfields != next->nfields)
		return false;
	if (w->code != next->code ||
	    (w->code && next->off != w->off + (w->end - w->start)) ||
	    (!w->code && (w->ino || !(w->pool || next->pool))))
		return false;
	for (i = 0; i < w->nfields; i++) {
		bool same = w->f[i].len == next->f[i].len &&
			    !memcmp(w->text + w->f[i].off,
				    next->text + next->f[i].off, w->f[i].len);

		if (w->f[i].kb != next->f[i].kb ||
		    ((w->f[i].kb || w->code) && !same))
			return false;
	}
	return true;
}

/* Add the numbers of `next` to `w`, which it continues. */
static void view_extend(struct pf_view *w, const struct pf_view *next)
{
	u32 i;

	w->end = next->end;
	w->pool |= next->pool;
	for (i = 0; i < w->nfields; i++) {
		const char *name = w->text + w->f[i].off;

		if (w->f[i].kb &&
		    !pf_comp_is(name, w->f[i].len, "KernelPageSize") &&
		    !pf_comp_is(name, w->f[i].len, "MMUPageSize"))
			w->f[i].val += next->f[i].val;
	}
}

/* ---- maps and smaps ---------------------------------------------------- */


/* One pass over Linux's maps or smaps, on the calling thread's LWK stack. */
struct pf_scan {
	struct pf_in *in;
	struct pf_out *out;		/* write the view here, or */
	struct pf_acct *acct;		/* account for it here */
	struct pf_block blk;
	struct pf_regions regions;
	struct pf_view held, next;
};

/*
 * Code the LWK may have rewritten (a private executable file mapping,
 * which Linux splits where the LWK patched a page): its pieces go through
 * the view to be joined again.
 */
static bool is_code(const struct pf_vma *v)
{
	return v->perms[2] == 'x' && v->perms[3] == 'p' && v->ino;
}

/* Write a piece that no view holds: Linux's text, or its own header. */
static void out_direct(struct pf_out *o, const struct pf_block *b,
		       const struct pf_piece *p, const u64 *vals)
{
	const struct pf_vma *v = &b->v;
	bool same = piece_unchanged(v, p);
	u32 i;

	if (same)
		pf_out_line(o, b->text, strlen(b->text));
	else
		out_vma(o, p->start, p->end, v->perms,
			v->off + (p->start - v->start), v->dev, v->devlen,
			v->ino, p->name, p->namelen);
	for (i = 0; i < b->nfields; i++) {
		const struct pf_field *f = &b->f[i];

		if (f->kb && !same)
			pf_out_kb(o, b->text + f->off, f->namelen, vals[i]);
		else
			pf_out_line(o, b->text + f->off, f->len);
	}
}

static void account_piece(struct pf_acct *a, const struct pf_block *b,
			  const struct pf_piece *p, const u64 *old,
			  const u64 *val);

/*
 * The block is complete: write its pieces in the LWK's view, or (with
 * w->acct) account for what the view changes.
 */
static void block_end(struct pf_scan *w)
{
	struct pf_block *b = &w->blk;
	u64 old[PF_FIELDS], val[PF_FIELDS];
	int k;

	for (k = 0; k < b->npieces; k++) {
		const struct pf_piece *p = &b->piece[k];

		if (p->kind == PK_LWK && !w->acct)
			continue;
		piece_values(b, p, old);
		memcpy(val, old, sizeof(val));
		if (p->kind == PK_POOL)
			pool_values(b, p, val);
		if (w->acct) {
			account_piece(w->acct, b, p, old,
				      p->kind == PK_LWK ? NULL : val);
			continue;
		}

		if ((p->kind == PK_KEEP && !is_code(&b->v)) ||
		    !view_set(&w->next, b, p, val)) {
			view_flush(w->out, &w->held);
			out_direct(w->out, b, p, val);
		} else if (view_continues(&w->held, &w->next)) {
			view_extend(&w->held, &w->next);
		} else {
			view_flush(w->out, &w->held);
			w->held = w->next;
		}
	}
}

enum pf_mode {
	M_STREAM,			/* copy Linux's lines */
	M_DROP,				/* skip them */
	M_COLLECT,			/* keep the block for block_end() */
};

/* How to treat the block this header starts. */
static enum pf_mode block_begin(struct pf_scan *w, const char *line,
				size_t len)
{
	struct pf_block *b = &w->blk;
	bool all_lwk = true, keep = true, count = false;
	int k;

	if (!block_start(b, line, len, &w->regions))
		return w->acct ? M_DROP : M_STREAM;
	for (k = 0; k < b->npieces; k++) {
		const struct pf_piece *p = &b->piece[k];

		if (p->kind != PK_LWK)
			all_lwk = false;
		if (p->kind != PK_KEEP || !piece_unchanged(&b->v, p) ||
		    is_code(&b->v))
			keep = false;
		if (p->kind == PK_LWK || p->kind == PK_POOL ||
		    !strcmp(p->name, "[stack]"))
			count = true;
	}
	if (w->acct)
		return count ? M_COLLECT : M_DROP;
	if (all_lwk)
		return M_DROP;
	return keep && b->npieces == 1 ? M_STREAM : M_COLLECT;
}

/*
 * Read Linux's maps or smaps from w->in: write the LWK's view to w->out,
 * or, with w->acct, only account for it.
 */
static void scan_maps(struct pf_scan *w)
{
	struct pf_out *o = w->acct ? NULL : w->out;
	enum pf_mode mode = M_DROP;
	bool partial, in_long = false;
	char *line;
	size_t len;

	w->held.valid = false;
	w->regions.have = false;
	while ((line = pf_next_line(w->in, &len, &partial))) {
		/* Only a file name makes a line this long: Linux's as it is. */
		if (partial || in_long) {
			if (!in_long && mode == M_COLLECT)
				block_end(w);
			if (!in_long)
				mode = o ? M_STREAM : M_DROP;
			if (o) {
				view_flush(o, &w->held);
				pf_out_put(o, line, len);
				if (!partial)
					pf_out_put(o, "\n", 1);
			}
			in_long = partial;
			continue;
		}
		if (pf_is_header(line)) {
			if (mode == M_COLLECT)
				block_end(w);
			mode = block_begin(w, line, len);
			if (mode == M_STREAM) {
				view_flush(o, &w->held);
				pf_out_line(o, line, len);
			}
			continue;
		}
		if (mode == M_STREAM)
			pf_out_line(o, line, len);
		else if (mode == M_COLLECT)
			block_add(&w->blk, line, len);
	}
	if (mode == M_COLLECT)
		block_end(w);
	if (o)
		view_flush(o, &w->held);
}

/* ---- corrections to Linux's totals ------------------------------------- */

static void delta_add(struct pf_acct *a, const char *name, size_t n, s64 d)
{
	u32 i;

	if (!d || n >= sizeof(a->delta[0].name))
		return;
	for (i = 0; i < a->ndeltas; i++) {
		if (pf_comp_is(name, n, a->delta[i].name)) {
			a->delta[i].d += d;
			return;
		}
	}
	if (a->ndeltas == PF_DELTAS)
		return;
	memcpy(a->delta[i].name, name, n);
	a->delta[i].name[n] = '\0';
	a->delta[i].d = d;
	a->ndeltas++;
}

/*
 * Account one piece whose view differs from Linux's: `old` holds Linux's
 * numbers for it, `val` the view's (NULL for an LWK piece, which
 * disappears).  Linux's rollup splits Pss by page type; anonymous pages
 * are taken to be the private ones, the rest file or shmem by the
 * mapping's name.
 */
static void account_piece(struct pf_acct *a, const struct pf_block *b,
			  const struct pf_piece *p, const u64 *old,
			  const u64 *val)
{
	const char *perms = b->v.perms;
	s64 *st = a->st;
	u64 psize = (p->end - p->start) >> 10;
	u64 rss = field_val(b, old, "Rss");
	u64 anon = MIN(field_val(b, old, "Anonymous"), rss);
	u64 huge = field_val(b, old, "Shared_Hugetlb") +
		   field_val(b, old, "Private_Hugetlb");
	u64 pss = field_val(b, old, "Pss"), pss_anon = MIN(anon, pss);
	bool shmem = p->kind == PK_POOL || is_shmem_name(b->v.name);
	bool gd = block_flag(b, "gd"), lo = block_flag(b, "lo");
	bool linux_data = perms[1] == 'w' && perms[3] == 'p' && !gd;
	bool view_stack = gd || !strcmp(p->name, "[stack]");
	bool view_data;
	u32 i;

	for (i = 0; i < b->nfields; i++) {
		const struct pf_field *f = &b->f[i];

		if (!f->kb || field_is(b, f, "Size") ||
		    field_is(b, f, "KernelPageSize") ||
		    field_is(b, f, "MMUPageSize"))
			continue;
		delta_add(a, b->text + f->off, f->namelen,
			  (s64)(val ? val[i] : 0) - (s64)old[i]);
	}

	if (p->kind == PK_LWK) {
		delta_add(a, "Pss_Anon", 8, -(s64)pss_anon);
		delta_add(a, shmem ? "Pss_Shmem" : "Pss_File", shmem ? 9 : 8,
			  -(s64)(pss - pss_anon));
		a->lwk_size += psize;
		a->lwk_rss += rss;
		st[S_VMSIZE] -= psize;
		st[S_RSSANON] -= anon;
		st[shmem ? S_RSSSHMEM : S_RSSFILE] -= rss - anon;
		st[S_HUGETLB] -= huge;
		if (linux_data)
			st[S_VMDATA] -= psize;
		if (gd)
			st[S_VMSTK] -= psize;
		if (perms[2] == 'x' && perms[1] != 'w' && !gd)
			st[S_VMLIB] -= psize;
		if (lo)
			st[S_VMLCK] -= psize;
		return;
	}

	/* Pool pages leave shmem (or hugetlb) for the view's kind of memory. */
	if (p->kind == PK_POOL) {
		u64 view_pss = field_val(b, val, "Pss");

		delta_add(a, "Pss_Anon", 8,
			  (s64)(p->shared ? 0 : view_pss) - (s64)pss_anon);
		delta_add(a, "Pss_Shmem", 9,
			  (s64)(p->shared ? view_pss : 0) -
			  (s64)(pss - pss_anon));
		a->pool_huge += huge;
		st[S_HUGETLB] -= huge;
		if (p->shared) {
			st[S_RSSSHMEM] += huge;
		} else {
			st[S_RSSANON] += rss - anon + huge;
			st[S_RSSSHMEM] -= rss - anon;
		}
		if (p->locked && !lo)
			st[S_VMLCK] += psize;
	}

	/* What counts as data and as stack follows the view's names. */
	view_data = perms[1] == 'w' && !view_stack &&
		    (p->kind == PK_POOL ? !p->shared : perms[3] == 'p');
	st[S_VMDATA] += ((s64)view_data - (s64)linux_data) * (s64)psize;
	st[S_VMSTK] += ((s64)view_stack - (s64)gd) * (s64)psize;
}

/*
 * Gather the corrections from Linux's /proc/self/smaps: the view's
 * pieces are accounted, not written.
 */
long pf_account(struct pf_acct *a)
{
	struct pf_in in;
	struct pf_scan w;
	long fd = pf_open_linux("/proc/self/smaps");

	if (fd < 0)
		return fd;
	pf_in_init(&in, fd);
	w.in = &in;
	w.out = NULL;
	w.acct = a;
	scan_maps(&w);
	linux_call1(NR_close, fd);
	return in.err;
}

void pf_maps(struct pf_in *in, struct pf_out *out)
{
	struct pf_scan w;

	w.in = in;
	w.out = out;
	w.acct = NULL;
	scan_maps(&w);
}
