// SPDX-License-Identifier: MIT
/*
 * The program's own view of itself in /proc.  Linux sees a process that
 * holds the LWK image, one LWK area per thread, the instance page and
 * (with the pool) program memory as shared mappings of a pool file.  The
 * program must see what it would see without tandem: its executable, and
 * its memory as the LWK manages it, because glibc (pthread_getattr_np) and
 * real programs parse these files.
 *
 * This file recognises the process's own entries among the paths the
 * program opens, hands it the result as a sealed, read-only memfd, and
 * holds the line reading and writing the rewriters share.  The memory
 * entries are Linux's text rewritten: maps and smaps in procfs_maps.c,
 * smaps_rollup, status and statm in procfs_status.c.
 *
 * Runs in the calling thread, on its LWK stack: no static buffers, no
 * lock held across a Linux call, nothing allocated but the memfd.
 */
#include "procfs.h"
#include "procfs_int.h"
#include "lwk.h"
#include "errno.h"
#include "lib/lib.h"
#include "arch/x86_64/abi.h"
#include "arch/x86_64/unistd.h"

/* Linux's values; the few that abi.h does not carry. */
#define PF_O_ACCMODE	03
#define PF_O_CREAT	0100
#define PF_O_TRUNC	01000
#define PF_O_DIRECT	040000
#define PF_O_DIRECTORY	0200000
#define PF_O_NOFOLLOW	0400000
#define PF_MFD_CLOEXEC		0x1U
#define PF_MFD_ALLOW_SEALING	0x2U
#define PF_F_ADD_SEALS	1033
#define PF_F_SEALS	(0x1 | 0x2 | 0x4 | 0x8)	/* seal, shrink, grow, write */
#define PF_MODE		0444			/* as Linux's /proc files */

#define PF_PATH		256		/* longest path we look at */

enum pf_entry {
	PF_NONE = -1,
	PF_EXE,
	PF_MAPS,
	PF_SMAPS,
	PF_ROLLUP,
	PF_STATUS,
	PF_STATM,
	PF_NR
};

static const char *const pf_names[PF_NR] = {
	[PF_EXE] = "exe",
	[PF_MAPS] = "maps",
	[PF_SMAPS] = "smaps",
	[PF_ROLLUP] = "smaps_rollup",
	[PF_STATUS] = "status",
	[PF_STATM] = "statm",
};

/* ---- paths ------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (!n || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool pf_comp_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

static int entry_of(const char *s, size_t n)
{
	int e;

	for (e = 0; e < PF_NR; e++)
		if (pf_comp_is(s, n, pf_names[e]))
			return e;
	return PF_NONE;
}

/*
 * Remove empty and "." components in place.  Returns false for a path
 * with "..", a relative one, and one that ends in "/" or "/." (which asks
 * for a directory): those are Linux's to resolve.
 */
static bool normalise(char *path)
{
	char *r = path, *w = path;

	if (*r != '/')
		return false;
	while (*r) {
		char *c;
		size_t n;

		while (*r == '/')
			r++;
		if (!*r)
			return false;
		for (c = r; *r && *r != '/'; r++)
			;
		n = r - c;
		if (n == 1 && c[0] == '.') {
			if (!*r)
				return false;
			continue;
		}
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return false;
		*w++ = '/';
		memmove(w, c, n);
		w += n;
	}
	*w = '\0';
	return true;
}

/*
 * Which of the process's own entries does this normalised path name?
 * /proc/{self,thread-self,PID}/E and /proc/{self,PID}/task/TID/E.
 */
static int match_path(const char *path)
{
	const char *c[6];
	size_t n[6];
	int k = 0;
	const char *p = path;
	char pid[16];

	while (*p && k < 6) {
		c[k] = ++p;
		while (*p && *p != '/')
			p++;
		n[k] = p - c[k];
		k++;
	}
	if (*p || (k != 3 && k != 5) || !pf_comp_is(c[0], n[0], "proc"))
		return PF_NONE;
	snprintf(pid, sizeof(pid), "%d", lwk_proc.pid);
	if (k == 3 && pf_comp_is(c[1], n[1], "thread-self"))
		return entry_of(c[2], n[2]);
	if (!pf_comp_is(c[1], n[1], "self") && !pf_comp_is(c[1], n[1], pid))
		return PF_NONE;
	if (k == 5 && (!pf_comp_is(c[2], n[2], "task") || !all_digits(c[3], n[3])))
		return PF_NONE;
	return entry_of(c[k - 1], n[k - 1]);
}

/*
 * Read the program's path argument and decide whether it is ours; on
 * success `path` holds the absolute, normalised form.  A relative path is
 * only resolved (one readlink) when its last component is an entry name.
 */
static int lookup(long dirfd, const char *upath, char *path)
{
	char rel[PF_PATH], link[32];
	const char *last;
	long len, n;

	len = plat_strncpy_from_user(rel, upath, sizeof(rel));
	if (len <= 0)
		return PF_NONE;
	if (rel[0] == '/') {
		memcpy(path, rel, len + 1);
	} else {
		last = strrchr(rel, '/');
		last = last ? last + 1 : rel;
		if (entry_of(last, strlen(last)) == PF_NONE)
			return PF_NONE;
		if ((int)dirfd == AT_FDCWD)
			strlcpy(link, "/proc/self/cwd", sizeof(link));
		else
			snprintf(link, sizeof(link), "/proc/self/fd/%d",
				 (int)dirfd);
		n = linux_call3(NR_readlink, link, path, PF_PATH - 1);
		if (n <= 0 || n + 1 + len >= PF_PATH)
			return PF_NONE;
		path[n] = '/';
		memcpy(path + n + 1, rel, len + 1);
	}
	if (!normalise(path) || !str_starts(path, "/proc/"))
		return PF_NONE;
	return match_path(path);
}

/* ---- reading Linux's text line by line --------------------------------- */

/*
 * The next line, NUL-terminated, without its newline; NULL at the end.
 * A line longer than the buffer comes in pieces, *partial set on all but
 * the last.  The line stays valid until the next call.
 */
char *pf_next_line(struct pf_in *in, size_t *len, bool *partial)
{
	for (;;) {
		char *start = in->buf + in->pos;
		size_t i, avail = in->len - in->pos;
		long n;

		for (i = 0; i < avail; i++) {
			if (start[i] == '\n') {
				start[i] = '\0';
				in->pos += i + 1;
				*len = i;
				*partial = false;
				return start;
			}
		}
		if (in->eof) {
			if (!avail)
				return NULL;
			start[avail] = '\0';
			in->pos = in->len;
			*len = avail;
			*partial = false;
			return start;
		}
		if (in->pos) {
			memmove(in->buf, start, avail);
			in->pos = 0;
			in->len = avail;
		}
		if (in->len == PF_LINE) {
			in->buf[PF_LINE] = '\0';
			in->len = 0;
			*len = PF_LINE;
			*partial = true;
			return in->buf;
		}
		n = linux_call3(NR_read, in->fd, in->buf + in->len,
				PF_LINE - in->len);
		if (n == -EINTR)
			continue;
		if (n < 0)
			in->err = n;
		if (n <= 0)
			in->eof = true;
		else
			in->len += n;
	}
}

long pf_open_linux(const char *path)
{
	return linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
}

void pf_in_init(struct pf_in *in, long fd)
{
	in->fd = fd;
	in->err = 0;
	in->eof = false;
	in->pos = in->len = 0;
}

/* ---- writing the result ------------------------------------------------ */

static void out_flush(struct pf_out *o)
{
	size_t done = 0;

	while (done < o->len && !o->err) {
		long n = linux_call3(NR_write, o->fd, o->buf + done,
				     o->len - done);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			o->err = n ? n : -EIO;
		else
			done += n;
	}
	o->len = 0;
}

void pf_out_put(struct pf_out *o, const char *s, size_t n)
{
	while (n) {
		size_t chunk = MIN(n, sizeof(o->buf) - o->len);

		memcpy(o->buf + o->len, s, chunk);
		o->len += chunk;
		s += chunk;
		n -= chunk;
		if (o->len == sizeof(o->buf))
			out_flush(o);
	}
}

void pf_out_line(struct pf_out *o, const char *s, size_t n)
{
	pf_out_put(o, s, n);
	pf_out_put(o, "\n", 1);
}

void pf_out_spaces(struct pf_out *o, size_t n)
{
	while (n--)
		pf_out_put(o, " ", 1);
}

void pf_out_fmt(struct pf_out *o, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	pf_out_put(o, tmp, MIN((size_t)n, sizeof(tmp) - 1));
}

/* An smaps field line as Linux formats it (SEQ_PUT_DEC in task_mmu.c). */
void pf_out_kb(struct pf_out *o, const char *name, size_t namelen, u64 kb)
{
	size_t label = MAX((size_t)16, namelen + 2);

	pf_out_put(o, name, namelen);
	pf_out_put(o, ":", 1);
	pf_out_spaces(o, label - namelen - 1);
	pf_out_fmt(o, "%*llu kB\n", (int)(24 - label), (unsigned long long)kb);
}

/* ---- parsing ----------------------------------------------------------- */

const char *pf_parse_num(const char *p, int base, u64 *v)
{
	const char *start = p;
	u64 x = 0;

	for (;; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			break;
		x = x * base + d;
	}
	*v = x;
	return p > start ? p : NULL;
}

bool pf_is_header(const char *line)
{
	return (*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f');
}

/* ---- the descriptor the program gets ----------------------------------- */

/* Write the view of Linux's file, open as `in`, to `out`. */
static void rewrite(int entry, struct pf_in *in, struct pf_out *out,
		    const struct pf_acct *a)
{
	switch (entry) {
	case PF_MAPS:
	case PF_SMAPS:
		pf_maps(in, out);
		break;
	case PF_ROLLUP:
		pf_rollup(in, out, a);
		break;
	case PF_STATUS:
		/* Linux makes the text at the first read, which comes next. */
		plat_threads_settle();
		pf_status(in, out, a);
		break;
	case PF_STATM:
		pf_statm(in, out, a);
		break;
	}
	out_flush(out);
}

/*
 * Build the view in a memfd, seal it, and give the program its own
 * read-only open of it.  Linux's file is opened first and closed before
 * that open, so the program gets the descriptor Linux's open would have
 * given it: the lowest free one.
 */
static long make_view(int entry, const char *path, long flags)
{
	struct pf_in in;
	struct pf_out out;
	struct pf_acct a;
	char fdpath[32];
	long src, mfd, fd, err;

	memset(&a, 0, sizeof(a));
	if (entry == PF_ROLLUP || entry == PF_STATUS || entry == PF_STATM) {
		err = pf_account(&a);
		if (err)
			return err;
	}
	src = pf_open_linux(path);
	if (src < 0)
		return src;
	mfd = linux_call2(NR_memfd_create, pf_names[entry],
			  PF_MFD_CLOEXEC | PF_MFD_ALLOW_SEALING);
	if (mfd < 0) {
		err = mfd;
		goto close_src;
	}
	pf_in_init(&in, src);
	out.fd = mfd;
	out.err = 0;
	out.len = 0;
	rewrite(entry, &in, &out, &a);
	err = in.err ? in.err : out.err;
	if (err)
		goto close_mfd;
	linux_call1(NR_close, src);

	linux_call2(NR_fchmod, mfd, PF_MODE);
	linux_call3(NR_fcntl, mfd, PF_F_ADD_SEALS, PF_F_SEALS);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%ld", mfd);
	flags &= ~(long)(PF_O_ACCMODE | PF_O_NOFOLLOW | PF_O_DIRECT);
	fd = linux_call4(NR_openat, AT_FDCWD, fdpath, flags | O_RDONLY, 0);
	linux_call1(NR_close, mfd);
	return fd;

close_mfd:
	linux_call1(NR_close, mfd);
close_src:
	linux_call1(NR_close, src);
	return err;
}

bool procfs_open(long dirfd, const char *upath, long flags, long mode,
		 long *ret)
{
	char path[PF_PATH];
	int entry;

	/* No view is a directory or written: skip the path read for those. */
	if ((flags & PF_O_ACCMODE) != O_RDONLY ||
	    (flags & (PF_O_CREAT | PF_O_TRUNC | PF_O_DIRECTORY)))
		return false;
	entry = lookup(dirfd, upath, path);
	if (entry == PF_NONE)
		return false;
	if (entry == PF_EXE) {
		/* The link itself is Linux's; following it leads to the program. */
		if (flags & PF_O_NOFOLLOW) {
			if (flags & O_PATH)
				return false;
			*ret = -ELOOP;
			return true;
		}
		*ret = linux_call4(NR_openat, AT_FDCWD, lwk_proc.exe, flags,
				   mode);
		return true;
	}
	if ((flags & PF_O_ACCMODE) != O_RDONLY ||
	    (flags & (PF_O_CREAT | PF_O_TRUNC | PF_O_DIRECTORY | O_PATH)))
		return false;
	*ret = make_view(entry, path, flags);
	return true;
}

bool procfs_is_exe(long dirfd, const char *upath)
{
	char path[PF_PATH];

	return lookup(dirfd, upath, path) == PF_EXE;
}

bool procfs_readlink(long dirfd, const char *upath, char *ubuf, long size,
		     long *ret)
{
	char path[PF_PATH];
	long len;

	if (lookup(dirfd, upath, path) != PF_EXE)
		return false;
	if (size <= 0) {
		*ret = -EINVAL;
		return true;
	}
	len = MIN((long)strlen(lwk_proc.exe), size);
	*ret = plat_copy_to_user(ubuf, lwk_proc.exe, len) ? -EFAULT : len;
	return true;
}
