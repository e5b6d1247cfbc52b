// SPDX-License-Identifier: MIT
/*
 * smaps_rollup, status and statm in the LWK's view: Linux's text with the
 * memory numbers corrected by what the maps view changes (pf_account:
 * the LWK's own regions out, pool memory counted as the program's
 * anonymous or shared memory), the peaks estimated from Linux's and the
 * memory manager's.  Every other line is Linux's.
 *
 * Runs in the calling thread, on its LWK stack.
 */
#include "procfs_int.h"
#include "lwk.h"
#include "mm/mm.h"
#include "mm/pool.h"
#include "offload.h"
#include "lib/lib.h"

static const char *const st_names[S_NR] = {
	"VmPeak", "VmSize", "VmLck", "VmHWM", "VmRSS", "RssAnon", "RssFile",
	"RssShmem", "VmData", "VmStk", "VmLib", "HugetlbPages",
};

static s64 delta_of(const struct pf_acct *a, const char *name, size_t n)
{
	u32 i;

	for (i = 0; i < a->ndeltas; i++)
		if (pf_comp_is(name, n, a->delta[i].name))
			return a->delta[i].d;
	return 0;
}

static u64 sub(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

static u64 plus(u64 v, s64 d)
{
	return d < 0 ? sub(v, (u64)-d) : v + (u64)d;
}

void pf_rollup(struct pf_in *in, struct pf_out *o,
			   const struct pf_acct *a)
{
	bool partial;
	char *line, *colon;
	const char *p;
	size_t len;
	u64 v;

	while ((line = pf_next_line(in, &len, &partial))) {
		colon = strchr(line, ':');
		if (partial || !colon || pf_is_header(line)) {
			pf_out_put(o, line, len);
			if (!partial)
				pf_out_put(o, "\n", 1);
			continue;
		}
		for (p = colon + 1; *p == ' '; p++)
			;
		p = pf_parse_num(p, 10, &v);
		if (!p || strcmp(p, " kB")) {
			pf_out_line(o, line, len);
			continue;
		}
		pf_out_kb(o, line, colon - line,
		       plus(v, delta_of(a, line, colon - line)));
	}
}

/*
 * The peaks the program has seen, so VmPeak and VmHWM never go down
 * between two reads although they are estimated (see status_values).
 * Racy updates only lose a little; a fork child starts afresh.
 */
static struct {
	s32 pid;
	u64 peak, hwm;
} seen;

struct pf_status {
	u64 lin[S_NR];			/* Linux's values, KiB */
	bool have[S_NR];
	u64 val[S_NR];			/* the LWK view's */
};

/*
 * The view's numbers from Linux's and the corrections.  Linux's peaks
 * held the LWK's regions as they were then: their present size comes
 * off, and the memory manager's own peaks are a floor.
 * XXX: the estimate can be off by the LWK areas of threads that have
 * exited since the peak.
 */
static void status_values(struct pf_status *s, const struct pf_acct *a)
{
	u64 *v = s->val, *l = s->lin;
	struct mm_usage u;
	int i;

	for (i = 0; i < S_NR; i++)
		v[i] = plus(l[i], a->st[i]);
	if (s->have[S_RSSANON] && s->have[S_RSSFILE] && s->have[S_RSSSHMEM])
		v[S_VMRSS] = v[S_RSSANON] + v[S_RSSFILE] + v[S_RSSSHMEM];
	else
		v[S_VMRSS] = sub(l[S_VMRSS], a->lwk_rss) + a->pool_huge;

	if (READ_ONCE(seen.pid) != lwk_proc.pid) {
		seen.peak = seen.hwm = 0;
		WRITE_ONCE(seen.pid, lwk_proc.pid);
	}
	mm_usage(&u);
	v[S_VMPEAK] = MAX(v[S_VMSIZE], sub(l[S_VMPEAK], a->lwk_size));
	v[S_VMHWM] = MAX(v[S_VMRSS], sub(l[S_VMHWM], a->lwk_rss) +
			 a->pool_huge);
	if (u.size) {
		v[S_VMPEAK] = MAX(v[S_VMPEAK], sub(v[S_VMSIZE], u.size >> 10) +
				  (u.size_peak >> 10));
		v[S_VMHWM] = MAX(v[S_VMHWM],
				 sub(v[S_VMRSS], (u.rss_anon + u.rss_shmem) >> 10) +
				 (u.rss_peak >> 10));
	}
	v[S_VMPEAK] = MAX(v[S_VMPEAK], READ_ONCE(seen.peak));
	v[S_VMHWM] = MAX(v[S_VMHWM], READ_ONCE(seen.hwm));
	WRITE_ONCE(seen.peak, v[S_VMPEAK]);
	WRITE_ONCE(seen.hwm, v[S_VMHWM]);
}

/* Which status field is this "Name:\t   N kB" line?  S_NR if none. */
static int status_field(const char *line, u64 *v)
{
	const char *colon = strchr(line, ':'), *p;
	int i;

	if (!colon)
		return S_NR;
	for (i = 0; i < S_NR; i++)
		if (pf_comp_is(line, colon - line, st_names[i]))
			break;
	if (i == S_NR)
		return S_NR;
	for (p = colon + 1; *p == '\t' || *p == ' '; p++)
		;
	p = pf_parse_num(p, 10, v);
	return p && !strcmp(p, " kB") ? i : S_NR;
}

/* Status lines waiting until every number they depend on is known. */
struct pf_held {
	u32 n, used;
	u16 off[24];
	char text[1024];
};

static void status_line(struct pf_out *o, const char *line, size_t len,
			const struct pf_status *s)
{
	u64 v;
	int i = status_field(line, &v);

	/* The LWK's own threads (zeroing helper, proxies) are not the program's. */
	if (i == S_NR && str_starts(line, "Threads:")) {
		const char *p = line + 8;
		u64 n, lwk = pool_helper_threads() + offload_proxy_threads();

		while (*p == ' ' || *p == '\t')
			p++;
		if (pf_parse_num(p, 10, &n) && n > lwk) {
			pf_out_fmt(o, "Threads:\t%llu\n",
				   (unsigned long long)(n - lwk));
			return;
		}
	}
	if (i == S_NR)
		pf_out_line(o, line, len);
	else
		pf_out_fmt(o, "%s:\t%8llu kB\n", st_names[i],
			(unsigned long long)s->val[i]);
}

static void held_flush(struct pf_out *o, struct pf_held *h,
		       struct pf_status *s, const struct pf_acct *a)
{
	u32 i;

	status_values(s, a);
	for (i = 0; i < h->n; i++) {
		const char *l = h->text + h->off[i];

		status_line(o, l, strlen(l), s);
	}
	h->n = h->used = 0;
}

/*
 * Linux's status with the memory lines in the LWK's view.  VmPeak to
 * RssShmem are held back until RssShmem is read, since VmHWM and VmRSS
 * are computed from the lines after them.
 */
void pf_status(struct pf_in *in, struct pf_out *o,
			   const struct pf_acct *a)
{
	struct pf_status s;
	struct pf_held h = { 0 };
	bool partial, holding = false, done = false;
	char *line;
	size_t len;
	u64 v;
	int i;

	memset(&s, 0, sizeof(s));
	while ((line = pf_next_line(in, &len, &partial))) {
		i = partial ? S_NR : status_field(line, &v);
		if (i != S_NR) {
			s.lin[i] = v;
			s.have[i] = true;
		}
		if (!done && i == S_VMPEAK)
			holding = true;
		if (holding && !partial && h.n < ARRAY_SIZE(h.off) &&
		    h.used + len + 1 <= sizeof(h.text)) {
			h.off[h.n++] = h.used;
			memcpy(h.text + h.used, line, len + 1);
			h.used += len + 1;
			if (i == S_RSSSHMEM) {
				held_flush(o, &h, &s, a);
				holding = false;
				done = true;
			}
			continue;
		}
		if (holding) {
			held_flush(o, &h, &s, a);
			holding = false;
			done = true;
		}
		if (partial) {
			pf_out_put(o, line, len);
			continue;
		}
		if (i != S_NR)
			status_values(&s, a);
		status_line(o, line, len, &s);
	}
	if (holding)
		held_flush(o, &h, &s, a);
}

/* statm: size resident shared text lib data dt, in pages. */
void pf_statm(struct pf_in *in, struct pf_out *o,
			  const struct pf_acct *a)
{
	const s64 kpp = PAGE_SIZE >> 10;
	const s64 *st = a->st;
	u64 f[7], anon, shared;
	const char *p;
	bool partial;
	char *line;
	size_t len;
	int i;

	line = pf_next_line(in, &len, &partial);
	if (!line)
		return;
	for (i = 0, p = line; i < 7 && p; i++) {
		p = pf_parse_num(p, 10, &f[i]);
		if (p && *p == ' ')
			p++;
	}
	if (!p || i < 7) {
		pf_out_line(o, line, len);
		return;
	}
	anon = plus(sub(f[1], f[2]), st[S_RSSANON] / kpp);
	shared = plus(f[2], (st[S_RSSFILE] + st[S_RSSSHMEM]) / kpp);
	f[0] = plus(f[0], st[S_VMSIZE] / kpp);
	f[1] = anon + shared;
	f[2] = shared;
	f[5] = plus(f[5], (st[S_VMDATA] + st[S_VMSTK]) / kpp);
	pf_out_fmt(o, "%llu %llu %llu %llu %llu %llu %llu\n",
		(unsigned long long)f[0], (unsigned long long)f[1],
		(unsigned long long)f[2], (unsigned long long)f[3],
		(unsigned long long)f[4], (unsigned long long)f[5],
		(unsigned long long)f[6]);
}
