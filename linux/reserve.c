// SPDX-License-Identifier: MIT
/*
 * The partition manager (see reserve.h): checks a request against the
 * machine, takes huge pages, cpusets and interrupts in that order while
 * recording each step in /run/tandem/reservation, and undoes exactly what
 * the record says.  Needs root; touches nothing but those settings.
 */
#include "reserve.h"
#include "cpuset.h"
#include "hugepages.h"
#include "instance.h"
#include "irq.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int save(const struct kv *rec)
{
	int err = kv_save(rec, TDM_RESERVATION, 0644);

	if (err)
		tdm_err("cannot write %s: %s", TDM_RESERVATION, strerror(-err));
	return err;
}

int part_load(struct kv *rec)
{
	char id[64];
	const char *was;
	int err = kv_load(rec, TDM_RESERVATION);

	if (err == -ENOENT)
		return TDM_ENOENT;
	if (err) {
		tdm_err("cannot read %s: %s", TDM_RESERVATION, strerror(-err));
		return TDM_EFAIL;
	}
	boot_id(id, sizeof(id));
	was = kv_get(rec, "boot_id");
	if (!was || strcmp(was, id)) {
		/*
		 * /run is normally a tmpfs; a record that survived a reboot
		 * describes settings the reboot already undid.
		 */
		tdm_warn("%s was written before the machine last booted: its reservation is gone; removing the record",
			 TDM_RESERVATION);
		if (geteuid() == 0)
			unlink(TDM_RESERVATION);
		kv_free(rec);
		return TDM_ENOENT;
	}
	return TDM_OK;
}

void part_cpus(const struct kv *rec, cpu_set_t *cpus)
{
	const char *s = kv_get(rec, "cpus");

	if (!s || cpus_parse(s, cpus))
		CPU_ZERO(cpus);
}

u64 part_bytes(const struct kv *rec)
{
	return kv_get_u64(rec, "pages", 0) * kv_get_u64(rec, "page_size", 0);
}

/*
 * Pool bytes of the live instances on the reservation.  Read from their
 * info files without cleaning up stale ones: this runs inside cleanups.
 */
static u64 pools_in_use(const char *skip)
{
	DIR *dir = opendir(TDM_RUN_DIR);
	struct dirent *d;
	u64 sum = 0;

	while (dir && (d = readdir(dir))) {
		char path[PATH_MAX];
		struct kv info;

		if (d->d_name[0] == '.' || (skip && !strcmp(d->d_name, skip)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/info", TDM_RUN_DIR,
			 d->d_name);
		if (kv_load(&info, path))
			continue;
		if (kv_get_u64(&info, "reserved", 0) && inst_daemon_alive(&info))
			sum += kv_get_u64(&info, "pool_bytes", 0);
		kv_free(&info);
	}
	if (dir)
		closedir(dir);
	return sum;
}

int part_hold(struct kv *rec, u64 extra, const char *skip)
{
	u64 total = part_bytes(rec), used = pools_in_use(skip) + extra;
	char sz[32];
	int err;

	if (!kv_get(rec, "hp.mount"))
		return 0;
	err = hp_hold(rec, total > used ? total - used : 0);
	if (err == -ENOMEM || err == -ENOSPC)
		tdm_warn("%s of the reservation's huge pages are no longer free: another program took them (see HugePages_Free in /proc/meminfo)",
			 size_format(total > used ? total - used : 0, sz,
				     sizeof(sz)));
	else if (err)
		tdm_warn("cannot hold the reserved huge pages in %s: %s",
			 kv_get(rec, "hp.holder"), strerror(-err));
	return err;
}

/* Do the CPUs exist, are they online, and is one left for Linux? */
static int check_cpus(const cpu_set_t *want, cpu_set_t *linux_cpus)
{
	cpu_set_t possible, online, bad;
	char a[256], b[256], c[256];

	if (cpus_read("/sys/devices/system/cpu/possible", &possible))
		CPU_ZERO(&possible);
	if (cpus_read("/sys/devices/system/cpu/online", &online)) {
		tdm_err("cannot read /sys/devices/system/cpu/online");
		return TDM_EFAIL;
	}
	CPU_XOR(&bad, want, &possible);
	CPU_AND(&bad, &bad, want);
	if (CPU_COUNT(&bad)) {
		tdm_err("--cpus %s: CPUs %s do not exist: this machine has CPUs %s (%d online: %s); one of them stays with Linux",
			cpus_format(want, a, sizeof(a)),
			cpus_format(&bad, b, sizeof(b)),
			cpus_format(&possible, c, sizeof(c)),
			CPU_COUNT(&online), cpus_format(&online, c, sizeof(c)));
		return TDM_EUSAGE;
	}
	CPU_XOR(&bad, want, &online);
	CPU_AND(&bad, &bad, want);
	if (CPU_COUNT(&bad)) {
		tdm_err("--cpus: CPUs %s are offline (online: %s); bring them online first (echo 1 > /sys/devices/system/cpu/cpuN/online)",
			cpus_format(&bad, a, sizeof(a)),
			cpus_format(&online, b, sizeof(b)));
		return TDM_EUSAGE;
	}
	CPU_XOR(linux_cpus, &online, want);
	CPU_AND(linux_cpus, linux_cpus, &online);
	if (!CPU_COUNT(linux_cpus)) {
		tdm_err("--cpus %s: refusing to take every online CPU, Linux needs at least one; reserve at most %d of CPUs %s",
			cpus_format(want, a, sizeof(a)), CPU_COUNT(&online) - 1,
			cpus_format(&online, b, sizeof(b)));
		return TDM_EUSAGE;
	}
	return TDM_OK;
}

/* Does the memory exist, and can Linux give it as huge pages now? */
static int check_mem(const struct reserve_req *r, u64 pages, char *mems,
		     size_t mems_size)
{
	char path[PATH_MAX], a[32], b[32], c[32];
	u64 total = 0, avail = 0, bytes = pages * r->page_size, hpfree;

	if (!hp_size_supported(r->page_size)) {
		tdm_err("--page-size %s: this kernel offers no huge pages of that size (see /sys/kernel/mm/hugepages)",
			size_format(r->page_size, a, sizeof(a)));
		return TDM_EUSAGE;
	}
	if (r->node >= 0) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%d/meminfo", r->node);
		if (access(path, F_OK)) {
			file_read_line("/sys/devices/system/node/has_memory",
				       b, sizeof(b));
			tdm_err("--mem ...@%d: NUMA node %d does not exist; nodes with memory: %s",
				r->node, r->node, b);
			return TDM_EUSAGE;
		}
		meminfo_kib(path, "MemTotal", &total);
		meminfo_kib(path, "MemFree", &avail);
		snprintf(mems, mems_size, "%d", r->node);
	} else {
		meminfo_kib("/proc/meminfo", "MemTotal", &total);
		meminfo_kib("/proc/meminfo", "MemAvailable", &avail);
		if (file_read_line("/sys/devices/system/node/has_memory", mems,
				   mems_size) <= 0)
			snprintf(mems, mems_size, "0");
	}
	total <<= 10;
	avail <<= 10;

	/* Free huge pages already there count as available too. */
	hpfree = hp_free(r->page_size, r->node) * r->page_size;
	if (bytes > total) {
		tdm_err("--mem %s: the %s has only %s of memory; at most about %s can be reserved now",
			size_format(bytes, a, sizeof(a)),
			r->node >= 0 ? "node" : "machine",
			size_format(total, b, sizeof(b)),
			size_format(avail, c, sizeof(c)));
		return TDM_EUSAGE;
	}
	if (bytes > avail + hpfree) {
		tdm_err("--mem %s: only %s of memory is available now (MemAvailable%s); reserve less, or free memory first",
			size_format(bytes, a, sizeof(a)),
			size_format(avail + hpfree, b, sizeof(b)),
			r->node >= 0 ? " of the node" : "");
		return TDM_EUSAGE;
	}
	return TDM_OK;
}

/* Undo a half-made reservation; the record goes. */
static void undo(struct kv *rec)
{
	irq_restore(rec);
	cg_release(rec);
	hp_release(rec);
	unlink(TDM_RESERVATION);
}

int part_reserve(const struct reserve_req *r)
{
	char list[256], llist[256], mems[256], id[64], sz[32], psz[32];
	cpu_set_t linux_cpus;
	struct cg_info cg;
	struct kv rec = { 0 };
	u64 pages;
	int lock, rc;

	if (geteuid() != 0) {
		tdm_err("reserve needs root: it changes cpusets, interrupt masks and huge pages (run it as root, e.g. sudo tandem reserve ...)");
		return TDM_EPERM;
	}
	if (mkdir_p(TDM_RUN_DIR, 0755)) {
		tdm_err("cannot make %s: %s", TDM_RUN_DIR, strerror(errno));
		return TDM_EFAIL;
	}
	lock = tdm_lock(TDM_RUN_DIR);
	if (lock < 0)
		return TDM_EFAIL;

	rc = part_load(&rec);
	if (rc == TDM_OK) {
		tdm_err("CPUs %s and %s of huge pages are already reserved: `tandem release` first (or boot instances on them: `tandem boot`)",
			kv_get(&rec, "cpus"),
			size_format(part_bytes(&rec), sz, sizeof(sz)));
		rc = TDM_ECONFLICT;
		goto out;
	}
	kv_free(&rec);

	pages = (r->mem + r->page_size - 1) / r->page_size;
	rc = check_cpus(&r->cpus, &linux_cpus);
	if (!rc)
		rc = check_mem(r, pages, mems, sizeof(mems));
	if (rc)
		goto out;
	cg_detect(&cg);
	if (cg.mode == CG_NONE) {
		tdm_err("no cpuset controller to reserve cores with: %s", cg.why);
		rc = TDM_EFAIL;
		goto out;
	}
	if (pages * r->page_size != r->mem)
		tdm_info("note:    --mem %s rounded up to %llu pages of %s",
			 size_format(r->mem, sz, sizeof(sz)), pages,
			 size_format(r->page_size, psz, sizeof(psz)));

	cpus_format(&r->cpus, list, sizeof(list));
	cpus_format(&linux_cpus, llist, sizeof(llist));
	boot_id(id, sizeof(id));
	kv_set(&rec, "version", "%d", TDM_RESERVATION_VERSION);
	kv_set(&rec, "boot_id", "%s", id);
	kv_set(&rec, "created", "%lld", (long long)time(NULL));
	kv_set(&rec, "cpus", "%s", list);
	kv_set(&rec, "linux_cpus", "%s", llist);
	kv_set(&rec, "mems", "%s", mems);
	kv_set(&rec, "node", "%d", r->node);
	kv_set(&rec, "page_size", "%llu", r->page_size);
	kv_set(&rec, "pages", "%llu", pages);
	kv_set(&rec, "state", "making");
	if (save(&rec)) {
		rc = TDM_EFAIL;
		goto out;
	}

	/*
	 * Each step is recorded before the next, so a failure can be undone.
	 * The pages are held in a hugetlbfs file at once: free huge pages are
	 * anyone's, and programs that use them would take them.
	 */
	rc = hp_reserve(r->page_size, r->node, pages, &rec);
	save(&rec);
	if (!rc) {
		char mnt[PATH_MAX];
		int err = hp_mount(r->page_size, &rec, mnt, sizeof(mnt));

		if (!err)
			err = hp_hold(&rec, pages * r->page_size);
		save(&rec);
		if (err) {
			tdm_err("the kernel gave the huge pages, but they could not be held in a hugetlbfs file under %s: %s%s",
				mnt, strerror(-err),
				err == -ENOMEM ? " (another program took some first: try again)" : "");
			rc = TDM_EFAIL;
		}
	}
	if (!rc) {
		rc = cg_reserve(&cg, &r->cpus, &linux_cpus, mems, &rec);
		save(&rec);
	}
	if (rc) {
		undo(&rec);
		tdm_err("nothing is reserved: everything done so far was undone");
		goto out;
	}
	irq_isolate(&linux_cpus, &rec);
	iso_report(&r->cpus);
	kv_set(&rec, "state", "ready");
	if (save(&rec)) {
		undo(&rec);
		rc = TDM_EFAIL;
		goto out;
	}
	tdm_info("reserved CPUs %s and %s; `tandem boot` starts an instance on them, `tandem release` gives them back",
		 list, size_format(pages * r->page_size, sz, sizeof(sz)));
out:
	kv_free(&rec);
	close(lock);
	return rc;
}

int part_release(void)
{
	char names[512];
	struct kv rec;
	int lock, rc, n;

	if (geteuid() != 0) {
		tdm_err("release needs root: it changes cpusets, interrupt masks and huge pages (run it as root)");
		return TDM_EPERM;
	}
	if (access(TDM_RUN_DIR, F_OK)) {
		tdm_err("nothing is reserved (no %s): `tandem reserve` makes a reservation",
			TDM_RESERVATION);
		return TDM_ENOENT;
	}
	lock = tdm_lock(TDM_RUN_DIR);
	if (lock < 0)
		return TDM_EFAIL;
	rc = part_load(&rec);
	if (rc == TDM_ENOENT) {
		tdm_err("nothing is reserved (no %s): `tandem reserve` makes a reservation",
			TDM_RESERVATION);
		goto out_lock;
	}
	if (rc)
		goto out_lock;

	n = inst_reserved_names(names, sizeof(names));
	if (n) {
		tdm_err("%d instance%s still booted on the reservation (%s): `tandem shutdown NAME` first",
			n, n > 1 ? "s are" : " is", names);
		rc = TDM_ECONFLICT;
		goto out;
	}

	/* Each step drops its keys once done: a second release resumes. */
	rc = irq_restore(&rec);
	rc |= cg_release(&rec);
	rc |= hp_release(&rec);
	if (rc) {
		kv_save(&rec, TDM_RESERVATION, 0644);
		tdm_err("the reservation is only partly given back; the record %s keeps what is left: fix what is said above and run `tandem release` again",
			TDM_RESERVATION);
		rc = TDM_EFAIL;
		goto out;
	}
	unlink(TDM_RESERVATION);
	tdm_info("released CPUs %s and the huge pages", kv_get(&rec, "cpus"));
out:
	kv_free(&rec);
out_lock:
	close(lock);
	return rc;
}
