// SPDX-License-Identifier: MIT
/*
 * tandem status, ps and kmsg: what a booted instance and the reservation
 * look like, read from the state files under /run/tandem (never from the
 * daemon, so they work while it is busy); and the tool side of
 * `tandem run --instance`.  The JSON forms are documented in
 * docs/partitions.md and keep their fields: add, never rename.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "../linux/instance.h"
#include "../linux/reserve.h"

#define JSON_VERSION	1

struct view_opts {
	bool json;
	const char *name;
};

static void parse_view(int argc, char **argv, struct view_opts *o,
		       const char *cmd)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o->json = true;
		else if (argv[i][0] == '-')
			die_usage("%s: unknown option '%s'", cmd, argv[i]);
		else if (!o->name)
			o->name = argv[i];
		else
			die_usage("%s takes one instance name, not also '%s'",
				  cmd, argv[i]);
	}
}

/* The instances to show: NAME alone, or every live one. */
static int gather(const char *name, struct inst *out, int max, int *n)
{
	char names[TDM_MAX_INSTANCES][TDM_NAME_MAX + 1];
	int i, k = 0, rc;

	*n = 0;
	if (name) {
		rc = inst_open(name, &out[0], false);
		if (!rc)
			*n = 1;
		return rc;
	}
	k = inst_list(names, TDM_MAX_INSTANCES);
	for (i = 0; i < k && *n < max; i++)
		if (!inst_open(names[i], &out[*n], true))
			(*n)++;
	return TDM_OK;
}

/* ---- status ----------------------------------------------------------- */

struct inst_figures {
	struct tandem_proctab tab;
	bool tab_ok;
	int running;
	u64 placed;			/* LWK threads placement counts */
	u64 used, free, zeroing;
	u64 dirty;			/* freed, waiting to be zeroed */
	unsigned frag;			/* of the instance's own pool */
	double uptime;
};

static const unsigned pool_shift[TANDEM_NR_POOLS] = { 12, 21, 30 };

/* The instance's own pool: the one of its page size. */
static int main_pool(const struct inst *in)
{
	return in->page_size >= (1ULL << 30) ? TANDEM_POOL_1G :
	       in->page_size >= (2ULL << 20) ? TANDEM_POOL_2M : TANDEM_POOL_4K;
}

static void figures(const struct inst *in, struct inst_figures *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->tab_ok = inst_procs_snapshot(in, &f->tab);
	for (i = 0; f->tab_ok && i < TANDEM_MAX_PROCS; i++)
		if (inst_proc_alive(&f->tab.proc[i]))
			f->running++;
	f->used = in->page ? in->page->mem_used : 0;
	if (f->used > in->pool_bytes)
		f->used = in->pool_bytes;
	f->free = in->pool_bytes - f->used;
	if (f->tab_ok && !f->tab.pool_error && f->tab.pool_ready < in->pool_bytes)
		f->zeroing = in->pool_bytes - f->tab.pool_ready;
	if (in->page) {
		for (i = 0; i < TANDEM_NR_POOLS; i++)
			f->dirty += in->page->pool_fig[i].free_dirty <<
				    pool_shift[i];
		f->zeroing += f->dirty;
		f->frag = in->page->pool_fig[main_pool(in)].frag_permille;
		f->uptime = (double)(mono_ns() - in->page->start_ns) / 1e9;
		for (i = 0; i < TANDEM_MAX_CPUS; i++)
			if (CPU_ISSET(i, &in->cpus))
				f->placed += in->page->core_threads[i];
	}
}

static void fmt_uptime(double s, char *buf, size_t size)
{
	unsigned long t = (unsigned long)s;

	if (t < 60)
		snprintf(buf, size, "%.1fs", s);
	else if (t < 3600)
		snprintf(buf, size, "%lum%02lus", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, size, "%luh%02lum", t / 3600, t / 60 % 60);
	else
		snprintf(buf, size, "%lud%02luh", t / 86400, t / 3600 % 24);
}

/* The entry paths the instance's processes used, e.g. "signal,rewrite". */
static const char *entry_modes(const struct tandem_instance *page, char *buf,
			       size_t size)
{
	static const char *const names[] = { "auto", "signal", "rewrite" };
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (page && (page->entry_modes & (1U << i)))
			n += snprintf(buf + n, size - n, "%s%s", n ? "," : "",
				      names[i]);
	return n ? buf : "none yet";
}

/* One line per pool the LWK made: what its allocator holds. */
static void pools_text(const struct tandem_instance *page)
{
	char a[32], b[32], c[32], d[32];
	int id;

	for (id = 0; page && id < TANDEM_NR_POOLS; id++) {
		const struct tandem_pool_figures *f = &page->pool_fig[id];
		unsigned sh = pool_shift[id];

		if (!f->frames)
			continue;
		printf("  pool %-5s %s made, %s in use, %s free and zeroed, %s to zero; fragmentation %u/1000\n",
		       size_format(1ULL << sh, a, sizeof(a)),
		       size_format(f->grown << sh, b, sizeof(b)),
		       size_format(f->allocated << sh, c, sizeof(c)),
		       size_format(f->free_clean << sh, d, sizeof(d)),
		       size_format(f->free_dirty << sh, a, sizeof(a)),
		       f->frag_permille);
	}
}

/* The pools the LWK made, as a JSON array. */
static void pools_json(const struct tandem_instance *page)
{
	int id, n = 0;

	printf(",\"pools\":[");
	for (id = 0; page && id < TANDEM_NR_POOLS; id++) {
		const struct tandem_pool_figures *f = &page->pool_fig[id];
		unsigned sh = pool_shift[id];

		if (!f->frames)
			continue;
		printf("%s{\"page_size\":%llu,\"total_bytes\":%llu,\"made_bytes\":%llu,\"used_bytes\":%llu,\"clean_bytes\":%llu,\"dirty_bytes\":%llu,\"largest_free_bytes\":%llu,\"fragmentation_permille\":%u}",
		       n++ ? "," : "", 1ULL << sh, f->frames << sh,
		       f->grown << sh, f->allocated << sh,
		       f->free_clean << sh, f->free_dirty << sh,
		       f->largest_free_order < 0 ? 0ULL :
		       1ULL << (f->largest_free_order + sh),
		       f->frag_permille);
	}
	printf("]");
}

static void status_text(const struct kv *rec, bool have_rec,
			struct inst *in, int n)
{
	char a[256], b[256], sz[32], sz2[32], sz3[32], up[32];
	int i;

	if (have_rec) {
		cpu_set_t c;

		part_cpus(rec, &c);
		printf("reservation: CPUs %s (%d), %s as %llu pages of %s%s%s; Linux keeps CPUs %s; cgroup %s\n",
		       kv_get(rec, "cpus"), CPU_COUNT(&c),
		       size_format(part_bytes(rec), sz, sizeof(sz)),
		       kv_get_u64(rec, "pages", 0),
		       size_format(kv_get_u64(rec, "page_size", 0), sz2,
				   sizeof(sz2)),
		       strcmp(kv_get(rec, "node") ?: "-1", "-1") ? " on node " : "",
		       strcmp(kv_get(rec, "node") ?: "-1", "-1") ?
		       kv_get(rec, "node") : "",
		       kv_get(rec, "linux_cpus"), kv_get(rec, "cg.mode"));
	} else {
		printf("reservation: none (`tandem reserve` takes cores and huge pages from Linux)\n");
	}
	if (!n)
		printf("instances:   none booted (`tandem boot` starts one)\n");

	for (i = 0; i < n; i++) {
		struct inst_figures f;

		figures(&in[i], &f);
		fmt_uptime(f.uptime, up, sizeof(up));
		printf("\ninstance %s: running, up %s, daemon pid %d, owner uid %u\n",
		       in[i].name, up, in[i].daemon_pid, (unsigned)in[i].uid);
		if (in[i].reserved)
			printf("  mode       reserved: cores in cpuset %s (cgroup %s), huge-page pool\n",
			       in[i].cgroup,
			       kv_get(&in[i].info, "cgroup_mode") ?: "?");
		else
			printf("  mode       pinning only: threads pinned to the cores, which Linux still schedules on; memfd pool (no reservation%s)\n",
			       in[i].uid ? ", booted without root" : "");
		printf("  cores      %s (%d LWK), daemon and proxy on %s\n",
		       cpus_format(&in[i].cpus, a, sizeof(a)),
		       CPU_COUNT(&in[i].cpus),
		       cpus_format(&in[i].proxy_cpus, b, sizeof(b)));
		printf("  memory     %s total, %s free, %s in use, %s zeroing\n",
		       size_format(in[i].pool_bytes, sz, sizeof(sz)),
		       size_format(f.free, sz2, sizeof(sz2)),
		       size_format(f.used, sz3, sizeof(sz3)),
		       size_format(f.zeroing, a, sizeof(a)));
		printf("  pool       %s, %llu pages of %s%s%s; fragmentation %u/1000\n",
		       in[i].pool_path[0] ? in[i].pool_path : "memfd",
		       in[i].pool_bytes / in[i].page_size,
		       size_format(in[i].page_size, sz, sizeof(sz)),
		       f.tab_ok && f.tab.pool_error ? ", pre-zeroing failed: " : "",
		       f.tab_ok && f.tab.pool_error ?
		       strerror((int)f.tab.pool_error) : "", f.frag);
		pools_text(in[i].page);
		printf("  processes  %d running, %llu started, %llu ended; %llu LWK threads placed on the cores\n",
		       f.running, f.tab_ok ? f.tab.nr_started : 0,
		       f.tab_ok ? f.tab.nr_ended : 0, f.placed);
		if (in[i].page)
			printf("  entry      %s: %llu call sites rewritten, %llu kept on SIGSYS; %llu calls fast, %llu by SIGSYS\n",
			       entry_modes(in[i].page, a, sizeof(a)),
			       in[i].page->entry_sites,
			       in[i].page->entry_sites_kept,
			       in[i].page->entry_fast_calls,
			       in[i].page->entry_signal_calls);
	}
}

static void json_cpus(FILE *o, const char *key, const cpu_set_t *set)
{
	char buf[256];

	fprintf(o, "\"%s\":", key);
	json_str(o, cpus_format(set, buf, sizeof(buf)));
}

static void status_json(const struct kv *rec, bool have_rec,
			struct inst *in, int n)
{
	char modes[64];
	int i;

	printf("{\"version\":%d,\"reservation\":", JSON_VERSION);
	if (have_rec) {
		cpu_set_t c, l;
		const char *node = kv_get(rec, "node") ?: "-1";

		part_cpus(rec, &c);
		if (cpus_parse(kv_get(rec, "linux_cpus") ?: "", &l))
			CPU_ZERO(&l);
		printf("{");
		json_cpus(stdout, "cpus", &c);
		printf(",\"nr_cpus\":%d,", CPU_COUNT(&c));
		json_cpus(stdout, "linux_cpus", &l);
		printf(",\"mem_bytes\":%llu,\"page_size\":%llu,\"pages\":%llu,\"node\":",
		       part_bytes(rec), kv_get_u64(rec, "page_size", 0),
		       kv_get_u64(rec, "pages", 0));
		if (strcmp(node, "-1"))
			printf("%d", atoi(node));
		else
			printf("null");
		printf(",\"cgroup\":");
		json_str(stdout, kv_get(rec, "cg.mode") ?: "");
		printf(",\"cgroup_path\":");
		json_str(stdout, kv_get(rec, "cg.lwk") ?: "");
		printf("}");
	} else {
		printf("null");
	}
	printf(",\"instances\":[");
	for (i = 0; i < n; i++) {
		struct inst_figures f;

		figures(&in[i], &f);
		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, in[i].name);
		printf(",\"state\":\"running\",\"mode\":\"%s\",\"daemon_pid\":%d,\"owner_uid\":%u,\"uptime_s\":%.3f,\"booted_at\":%llu,",
		       in[i].reserved ? "reserved" : "pinning-only",
		       in[i].daemon_pid, (unsigned)in[i].uid, f.uptime,
		       kv_get_u64(&in[i].info, "booted", 0));
		json_cpus(stdout, "cpus", &in[i].cpus);
		printf(",\"nr_cpus\":%d,", CPU_COUNT(&in[i].cpus));
		json_cpus(stdout, "proxy_cpus", &in[i].proxy_cpus);
		printf(",\"cgroup_path\":");
		json_str(stdout, in[i].cgroup);
		printf(",\"memory\":{\"pool\":\"%s\",\"pool_path\":",
		       in[i].pool_kind);
		json_str(stdout, in[i].pool_path);
		printf(",\"page_size\":%llu,\"total_bytes\":%llu,\"free_bytes\":%llu,\"used_bytes\":%llu,\"zeroing_bytes\":%llu,\"prezeroed_bytes\":%llu,\"prezero_error\":",
		       in[i].page_size, in[i].pool_bytes, f.free, f.used,
		       f.zeroing, f.tab_ok ? f.tab.pool_ready : 0);
		if (f.tab_ok && f.tab.pool_error)
			json_str(stdout, strerror((int)f.tab.pool_error));
		else
			printf("null");
		printf(",\"dirty_bytes\":%llu,\"fragmentation_permille\":%u",
		       f.dirty, f.frag);
		pools_json(in[i].page);
		printf("}");
		printf(",\"processes\":{\"running\":%d,\"started\":%llu,\"ended\":%llu,\"lwk_images\":%u,\"placed_threads\":%llu}",
		       f.running, f.tab_ok ? f.tab.nr_started : 0,
		       f.tab_ok ? f.tab.nr_ended : 0,
		       in[i].page ? in[i].page->nr_processes : 0, f.placed);
		printf(",\"entry\":{\"modes\":");
		json_str(stdout, entry_modes(in[i].page, modes, sizeof(modes)));
		printf(",\"sites_rewritten\":%llu,\"sites_kept\":%llu,\"fast_calls\":%llu,\"signal_calls\":%llu}",
		       in[i].page ? in[i].page->entry_sites : 0,
		       in[i].page ? in[i].page->entry_sites_kept : 0,
		       in[i].page ? in[i].page->entry_fast_calls : 0,
		       in[i].page ? in[i].page->entry_signal_calls : 0);
		printf(",\"kmsg_bytes\":%llu}",
		       in[i].page ? in[i].page->kmsg_head : 0);
	}
	printf("]}\n");
}

int cmd_status(int argc, char **argv)
{
	struct inst in[TDM_MAX_INSTANCES];
	struct view_opts o;
	struct kv rec = { 0 };
	bool have_rec;
	int n, i, rc;

	parse_view(argc, argv, &o, "status");
	have_rec = part_load(&rec) == TDM_OK;
	rc = gather(o.name, in, TDM_MAX_INSTANCES, &n);
	if (rc) {
		kv_free(&rec);
		return rc;
	}
	if (o.json)
		status_json(&rec, have_rec, in, n);
	else
		status_text(&rec, have_rec, in, n);
	for (i = 0; i < n; i++)
		inst_close(&in[i]);
	kv_free(&rec);
	return TDM_OK;
}

/* ---- ps --------------------------------------------------------------- */

struct ps_row {
	const char *instance;
	struct tandem_proc p;
	u64 threads, rss, pool;
	cpu_set_t cores;
	double age;
};

/* Threads, the cores they are pinned to, and RSS of a live process. */
static void ps_fill(struct ps_row *r)
{
	char path[64], line[256];
	struct dirent *d;
	DIR *dir;

	CPU_ZERO(&r->cores);
	r->threads = r->rss = 0;
	proc_status_u64(r->p.pid, "Threads", &r->threads);
	if (!proc_status_u64(r->p.pid, "VmRSS", &r->rss))
		r->rss <<= 10;
	snprintf(path, sizeof(path), "/proc/%d/task", r->p.pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		char file[320];
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "/proc/%d/task/%s/status",
			 r->p.pid, d->d_name);
		f = fopen(file, "re");
		while (f && fgets(line, sizeof(line), f)) {
			cpu_set_t set;

			if (strncmp(line, "Cpus_allowed_list:", 18))
				continue;
			line[strcspn(line, "\n")] = '\0';
			if (!cpus_parse(line + 18 + strspn(line + 18, " \t"), &set))
				CPU_OR(&r->cores, &r->cores, &set);
			break;
		}
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
	r->age = (double)(mono_ns() - r->p.joined_ns) / 1e9;
}

/*
 * The pool bytes each process of @in holds, as its LWK last published them
 * in the pool state's owner table; false if there is no pool state yet.
 */
static bool read_owners(const struct inst *in,
			struct tandem_pool_owner owner[TANDEM_POOL_OWNERS])
{
	size_t len = sizeof(struct tandem_pool_owner) * TANDEM_POOL_OWNERS;
	char path[PATH_MAX + 16];
	off_t off;
	ssize_t got;
	int fd;

	if (!in->page || !in->page->pool_off)
		return false;
	off = (off_t)in->page->pool_off +
	      (off_t)offsetof(struct tandem_pool_state, owner);
	snprintf(path, sizeof(path), "%s/instance", in->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	got = pread(fd, owner, len, off);
	close(fd);
	return got == (ssize_t)len;
}

/* What process @pid holds, from @owner (read_owners). */
static u64 owner_bytes(const struct tandem_pool_owner *owner, int pid)
{
	int i;

	for (i = 1; i < TANDEM_POOL_OWNERS; i++)
		if (owner[i].kind == TANDEM_OWNER_PROCESS && owner[i].pid == pid)
			return owner[i].bytes;
	return 0;
}

int cmd_ps(int argc, char **argv)
{
	static struct inst in[TDM_MAX_INSTANCES];
	static struct tandem_proctab tab;
	static struct tandem_pool_owner owner[TANDEM_POOL_OWNERS];
	bool have_owners;
	struct ps_row *rows = NULL;
	struct view_opts o;
	int n, i, k, nrows = 0, rc;

	parse_view(argc, argv, &o, "ps");
	rc = gather(o.name, in, TDM_MAX_INSTANCES, &n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (!inst_procs_snapshot(&in[i], &tab))
			continue;
		have_owners = read_owners(&in[i], owner);
		for (k = 0; k < TANDEM_MAX_PROCS; k++) {
			if (!inst_proc_alive(&tab.proc[k]))
				continue;
			rows = realloc(rows, (nrows + 1) * sizeof(*rows));
			if (!rows)
				abort();
			rows[nrows].instance = in[i].name;
			rows[nrows].p = tab.proc[k];
			ps_fill(&rows[nrows]);
			rows[nrows].pool = have_owners ?
				owner_bytes(owner, tab.proc[k].pid) : 0;
			nrows++;
		}
	}

	if (o.json) {
		printf("{\"version\":%d,\"processes\":[", JSON_VERSION);
		for (i = 0; i < nrows; i++) {
			struct ps_row *r = &rows[i];

			printf("%s{\"instance\":", i ? "," : "");
			json_str(stdout, r->instance);
			printf(",\"pid\":%d,\"ppid\":%d,\"uid\":%u,\"comm\":",
			       r->p.pid, r->p.ppid, r->p.uid);
			json_str(stdout, r->p.comm);
			printf(",\"how\":\"%s\",\"threads\":%llu,",
			       r->p.flags & TANDEM_PROC_F_JOINED ? "joined" : "child",
			       r->threads);
			json_cpus(stdout, "cores", &r->cores);
			printf(",\"rss_bytes\":%llu,\"pool_bytes\":%llu,\"age_s\":%.3f}",
			       r->rss, r->pool, r->age);
		}
		printf("]}\n");
	} else {
		printf("%-12s %7s %7s %7s %-10s %10s %10s %8s %s\n",
		       "INSTANCE", "PID", "PPID", "THREADS", "CORES", "RSS",
		       "POOL", "AGE", "COMMAND");
		for (i = 0; i < nrows; i++) {
			struct ps_row *r = &rows[i];
			char c[64], sz[32], sz2[32], age[32];

			fmt_uptime(r->age, age, sizeof(age));
			printf("%-12s %7d %7d %7llu %-10s %10s %10s %8s %s\n",
			       r->instance, r->p.pid, r->p.ppid, r->threads,
			       cpus_format(&r->cores, c, sizeof(c)),
			       size_format(r->rss, sz, sizeof(sz)),
			       size_format(r->pool, sz2, sizeof(sz2)),
			       age, r->p.comm);
		}
	}
	free(rows);
	for (i = 0; i < n; i++)
		inst_close(&in[i]);
	return TDM_OK;
}

/* ---- kmsg ------------------------------------------------------------- */

/*
 * Where the first whole line at or after FROM starts, in a ring that has
 * wrapped: the byte before FROM is gone (the newest byte took its place),
 * so the line FROM is in may have lost its start and is skipped.
 */
static u64 first_line(const struct tandem_instance *page, u64 from, u64 head)
{
	while (from < head && page->kmsg[from % TANDEM_KMSG_SIZE] != '\n')
		from++;
	return from < head ? from + 1 : head;
}

/*
 * Print the ring from *POS up to HEAD, whole lines only when PARTIAL is
 * false; *POS moves past what was printed.  Bytes the ring has already
 * overwritten are reported, never printed.
 */
static void kmsg_print(const struct tandem_instance *page, u64 *pos, u64 head,
		       bool partial)
{
	static char buf[TANDEM_KMSG_SIZE];
	u64 from = *pos, i, n, last;

	if (head - from > TANDEM_KMSG_SIZE) {
		fprintf(stderr, "tandem: %llu bytes of kmsg were overwritten before they could be read\n",
			head - TANDEM_KMSG_SIZE - from);
		from = first_line(page, head - TANDEM_KMSG_SIZE, head);
	}
	n = head - from;
	for (i = 0; i < n; i++)
		buf[i] = page->kmsg[(from + i) % TANDEM_KMSG_SIZE];
	last = n;
	if (!partial)
		while (last && buf[last - 1] != '\n')
			last--;
	fwrite(buf, 1, last, stdout);
	fflush(stdout);
	*pos = from + last;
}

int cmd_kmsg(int argc, char **argv)
{
	const char *name = NULL;
	bool follow = false, clear = false;
	struct tandem_proctab tab;
	char reply[512];
	struct inst in;
	u64 pos, head;
	int i, rc, tick = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow"))
			follow = true;
		else if (!strcmp(argv[i], "--clear") || !strcmp(argv[i], "-C"))
			clear = true;
		else if (argv[i][0] == '-')
			die_usage("kmsg: unknown option '%s'", argv[i]);
		else if (!name)
			name = argv[i];
		else
			die_usage("kmsg takes one instance name, not also '%s'",
				  argv[i]);
	}
	rc = inst_pick(name, &in);
	if (rc)
		return rc;
	if (!in.page) {
		tdm_err("cannot read %s/instance", in.dir);
		inst_close(&in);
		return TDM_EFAIL;
	}
	if (clear) {
		rc = inst_request(&in, "kmsg-clear", reply, sizeof(reply),
				  NULL, NULL, 10);
		rc = rc ? (tdm_err("cannot reach the daemon of %s: %s", in.name,
				   strerror(-rc)), TDM_EFAIL) :
			  inst_reply_status(reply);
		if (rc || !follow) {
			inst_close(&in);
			return rc;
		}
	}

	pos = inst_procs_snapshot(&in, &tab) ? tab.kmsg_cleared : 0;
	head = __atomic_load_n(&in.page->kmsg_head, __ATOMIC_ACQUIRE);
	if (head - pos > TANDEM_KMSG_SIZE) {
		pos = head - TANDEM_KMSG_SIZE;
		pos = first_line(in.page, pos, head);
	}
	kmsg_print(in.page, &pos, head, !follow);

	/* Writers reserve, then copy: print a line once it is a moment old. */
	while (follow) {
		usleep(100000);
		head = __atomic_load_n(&in.page->kmsg_head, __ATOMIC_ACQUIRE);
		if (head != pos) {
			usleep(20000);
			kmsg_print(in.page, &pos, head, false);
		}
		if (++tick % 10 == 0 && !inst_daemon_alive(&in.info)) {
			kmsg_print(in.page, &pos,
				   __atomic_load_n(&in.page->kmsg_head,
						   __ATOMIC_ACQUIRE), true);
			fprintf(stderr, "tandem: instance %s ended\n", in.name);
			break;
		}
	}
	inst_close(&in);
	return TDM_OK;
}

/* ---- joining an instance (tandem run --instance) ---------------------- */

int fd_hide(int fd)
{
	struct rlimit rl;
	long high = 32;
	int nfd;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur > 64)
		high = (long)(rl.rlim_cur < 1024 ? rl.rlim_cur : 1024) - 16;
	nfd = fcntl(fd, F_DUPFD, high);
	if (nfd < 0)
		return fd;
	close(fd);
	return nfd;
}

/*
 * The watcher: a process of its own (not the program's child, not in the
 * instance's cpuset, so neither the program nor the daemon sees it) that
 * waits for the program or the daemon to end.  If the daemon ends first,
 * the program's memory and cores are no longer looked after: it says so
 * and ends the program (SIGTERM, SIGKILL 3 s later).
 */
static void watch(const char *name, pid_t prog, int prog_fd, pid_t daemon,
		  int daemon_fd)
{
	struct pollfd pf[2] = {
		{ .fd = prog_fd, .events = POLLIN },
		{ .fd = daemon_fd, .events = POLLIN },
	};
	int fd, i;

	setsid();
	prctl(PR_SET_NAME, "tandem-watch");
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(fd, 0);
	dup2(fd, 1);
	for (fd = 3; fd < 1024; fd++)
		if (fd != prog_fd && fd != daemon_fd)
			close(fd);
	while (poll(pf, 2, -1) < 0 && errno == EINTR)
		;
	if (pf[0].revents || !pf[1].revents)
		_exit(0);
	fprintf(stderr, "tandem: the daemon of instance %s (pid %d) ended while the program (pid %d) ran on it: ending the program; boot the instance again and rerun it\n",
		name, (int)daemon, (int)prog);
	syscall(SYS_pidfd_send_signal, prog_fd, SIGTERM, NULL, 0);
	for (i = 0; i < 30 && poll(pf, 1, 100) == 0; i++)
		;
	if (!pf[0].revents)
		syscall(SYS_pidfd_send_signal, prog_fd, SIGKILL, NULL, 0);
	_exit(0);
}

/* Start the watcher; false (and nothing started) if it cannot be. */
static bool watcher_start(const char *name, pid_t daemon)
{
	pid_t self = getpid(), c;
	int prog_fd, daemon_fd, st;

	prog_fd = (int)syscall(SYS_pidfd_open, self, 0);
	daemon_fd = (int)syscall(SYS_pidfd_open, daemon, 0);
	if (prog_fd < 0 || daemon_fd < 0) {
		if (prog_fd >= 0)
			close(prog_fd);
		if (daemon_fd >= 0)
			close(daemon_fd);
		return false;
	}
	/* Twice forked: the program must never wait for it. */
	c = fork();
	if (c == 0) {
		if (fork() == 0)
			watch(name, self, prog_fd, daemon, daemon_fd);
		_exit(0);
	}
	close(prog_fd);
	close(daemon_fd);
	return c > 0 && waitpid(c, &st, 0) == c;
}

int instance_join(const char *name, int *inst_fd, int pool_fd[], char *cpus,
		  size_t size, unsigned long long *mem)
{
	char reply[512], pools[32] = "";
	struct inst in;
	int fds[3], nfds = 3, rc, i, id, flags;

	rc = inst_open(name, &in, false);
	if (rc)
		return EXIT_USAGE;
	if (!watcher_start(name, in.daemon_pid)) {
		tdm_err("cannot watch the daemon of instance %s (pid %d): %s",
			name, in.daemon_pid, strerror(errno));
		inst_close(&in);
		return EXIT_CANNOT_RUN;
	}
	rc = inst_request(&in, "join", reply, sizeof(reply), fds, &nfds, 10);
	if (rc) {
		tdm_err("cannot join instance %s: its daemon (pid %d) does not answer at %s/control: %s",
			name, in.daemon_pid, in.dir, strerror(-rc));
		inst_close(&in);
		return EXIT_CANNOT_RUN;
	}
	inst_close(&in);
	if (inst_reply_status(reply)) {
		while (nfds)
			close(fds[--nfds]);
		return EXIT_CANNOT_RUN;
	}
	if (sscanf(reply, "ok cpus=%255s mem=%llu pools=%31s", cpus, mem,
		   pools) != 3 || nfds < 2 || strncmp(pools, "4k", 2) ||
	    nfds != (strchr(pools, ',') ? 3 : 2)) {
		tdm_err("instance %s's daemon answered '%s' with %d descriptors (tandem and its daemon from different builds?)",
			name, reply, nfds);
		while (nfds)
			close(fds[--nfds]);
		return EXIT_CANNOT_RUN;
	}

	/*
	 * The instance page and the pool files: every program of the
	 * instance allocates from these same files.
	 */
	for (i = 0; i < nfds; i++) {
		fds[i] = fd_hide(fds[i]);
		flags = fcntl(fds[i], F_GETFD);
		fcntl(fds[i], F_SETFD, flags & ~FD_CLOEXEC);
	}
	*inst_fd = fds[0];
	for (id = 0; id < TANDEM_NR_POOLS; id++)
		pool_fd[id] = -1;
	pool_fd[TANDEM_POOL_4K] = fds[1];
	if (nfds > 2)
		pool_fd[strstr(pools, ",1g") ? TANDEM_POOL_1G :
			TANDEM_POOL_2M] = fds[2];
	return 0;
}
