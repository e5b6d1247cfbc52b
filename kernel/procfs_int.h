/* SPDX-License-Identifier: MIT */
/*
 * Private to kernel/procfs*.c: reading Linux's /proc text line by line,
 * writing the rewritten text, and the corrections the maps view makes to
 * Linux's memory totals.  Nothing outside these files includes it.
 */
#ifndef TANDEM_KERNEL_PROCFS_INT_H
#define TANDEM_KERNEL_PROCFS_INT_H

#include "types.h"

#define PF_LINE		4352		/* a maps line with a PATH_MAX name */
#define PF_DELTAS	40

/* One of Linux's /proc files, read line by line (pf_next_line). */
struct pf_in {
	long fd;
	long err;			/* a read error ends the input */
	bool eof;
	size_t pos, len;		/* next line, end of valid bytes */
	char buf[PF_LINE + 1];
};

/* The rewritten text, buffered on its way to the memfd. */
struct pf_out {
	long fd;
	long err;			/* the first write error */
	size_t len;
	char buf[4096];
};

/* Open Linux's file at `path` read-only; a descriptor or -errno. */
long pf_open_linux(const char *path);

/* Start reading descriptor `fd` from its current offset. */
void pf_in_init(struct pf_in *in, long fd);

/*
 * pf_next_line - the next line, NUL-terminated, without its newline;
 * NULL at the end (in->err says whether a read failed).  A line longer
 * than the buffer comes in pieces, *partial set on all but the last.  The
 * line stays valid until the next call and may be modified.
 */
char *pf_next_line(struct pf_in *in, size_t *len, bool *partial);

/* Append text to the output; errors are kept in out->err. */
void pf_out_put(struct pf_out *o, const char *s, size_t n);
void pf_out_line(struct pf_out *o, const char *s, size_t n);
void pf_out_spaces(struct pf_out *o, size_t n);
void pf_out_fmt(struct pf_out *o, const char *fmt, ...) __printf(2, 3);

/* An smaps field line, "Name:   N kB", laid out as Linux lays it out. */
void pf_out_kb(struct pf_out *o, const char *name, size_t namelen, u64 kb);

/* Does [s, s + n) spell exactly `word`? */
bool pf_comp_is(const char *s, size_t n, const char *word);

/*
 * Parse an unsigned number in `base` (10 or lowercase 16); returns the
 * first byte after it, or NULL when there is no digit.
 */
const char *pf_parse_num(const char *p, int base, u64 *v);

/* Does this maps/smaps line start a mapping (an address, not a field)? */
bool pf_is_header(const char *line);

/* The status fields whose values the LWK's view changes. */
enum {
	S_VMPEAK, S_VMSIZE, S_VMLCK, S_VMHWM, S_VMRSS, S_RSSANON, S_RSSFILE,
	S_RSSSHMEM, S_VMDATA, S_VMSTK, S_VMLIB, S_HUGETLB, S_NR
};

/*
 * How the LWK's view changes Linux's totals, in KiB: per status field,
 * and per smaps field for smaps_rollup.  lwk_size, lwk_rss and pool_huge
 * feed the estimates of the peaks.  Zero it before pf_account().
 */
struct pf_acct {
	s64 st[S_NR];
	u64 lwk_size, lwk_rss, pool_huge;
	u32 ndeltas;
	struct {
		char name[24];
		s64 d;
	} delta[PF_DELTAS];
};

/* procfs_maps.c: the maps or smaps text read from `in`, in the LWK's view. */
void pf_maps(struct pf_in *in, struct pf_out *out);

/*
 * procfs_maps.c: what the LWK's view changes in Linux's totals, measured
 * on Linux's /proc/self/smaps.  Returns 0 or -errno.
 */
long pf_account(struct pf_acct *a);

/* procfs_status.c: smaps_rollup, status and statm read from `in`. */
void pf_rollup(struct pf_in *in, struct pf_out *out, const struct pf_acct *a);
void pf_status(struct pf_in *in, struct pf_out *out, const struct pf_acct *a);
void pf_statm(struct pf_in *in, struct pf_out *out, const struct pf_acct *a);

#endif
