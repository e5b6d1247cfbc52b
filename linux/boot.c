// SPDX-License-Identifier: MIT
/*
 * `tandem boot`: check the request against the reservation (or, without
 * one, against the cores the caller may use), make the pool (a hugetlbfs
 * file whose huge pages are set aside at once, or a memfd), the
 * instance's cpuset and its state files, then double-fork the daemon
 * (daemon.c) and wait for it to say it is ready.  Whatever fails on the
 * way is removed again.
 */
#include "boot.h"
#include "cpuset.h"
#include "daemon.h"
#include "hugepages.h"
#include "instance.h"
#include "reserve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long boot waits for the daemon's word. */
#define READY_WAIT_S	30

/* Cores and pool bytes the other instances on the reservation use. */
static void reserved_in_use(const char *self, cpu_set_t *cpus, u64 *bytes,
			    char *names, size_t size)
{
	char all[TDM_MAX_INSTANCES][TDM_NAME_MAX + 1];
	int n = inst_list(all, TDM_MAX_INSTANCES), i;

	CPU_ZERO(cpus);
	*bytes = 0;
	names[0] = '\0';
	for (i = 0; i < n; i++) {
		struct inst in;

		if (!strcmp(all[i], self) || inst_open(all[i], &in, true))
			continue;
		if (in.reserved) {
			CPU_OR(cpus, cpus, &in.cpus);
			*bytes += in.pool_bytes;
			snprintf(names + strlen(names), size - strlen(names),
				 "%s%s", names[0] ? ", " : "", in.name);
		}
		inst_close(&in);
	}
}

static int plan_reserved(const struct boot_req *r, struct kv *rec,
			 struct plan *p)
{
	char a[256], b[256], c[256], sz[32], sz2[32];
	cpu_set_t resv, used, avail, bad, lnx;
	u64 used_bytes, free_bytes;
	char mnt[PATH_MAX];
	int err;

	p->reserved = true;
	snprintf(p->cg_mode, sizeof(p->cg_mode), "%s",
		 kv_get(rec, "cg.mode") ?: "");
	part_cpus(rec, &resv);
	if (cpus_parse(kv_get(rec, "linux_cpus") ?: "", &lnx))
		CPU_ZERO(&lnx);
	reserved_in_use(p->name, &used, &used_bytes, a, sizeof(a));
	CPU_XOR(&avail, &resv, &used);
	CPU_AND(&avail, &avail, &resv);

	if (r->cpus_set) {
		CPU_XOR(&bad, &r->cpus, &resv);
		CPU_AND(&bad, &bad, &r->cpus);
		if (CPU_COUNT(&bad)) {
			tdm_err("--cpus: CPUs %s are not reserved (reserved: %s); `tandem release` and `tandem reserve` to change the reservation",
				cpus_format(&bad, b, sizeof(b)),
				cpus_format(&resv, c, sizeof(c)));
			return TDM_EUSAGE;
		}
		CPU_AND(&bad, &r->cpus, &used);
		if (CPU_COUNT(&bad)) {
			tdm_err("--cpus: CPUs %s belong to another instance already (booted: %s); free reserved CPUs: %s",
				cpus_format(&bad, b, sizeof(b)), a,
				CPU_COUNT(&avail) ?
				cpus_format(&avail, c, sizeof(c)) : "none");
			return TDM_ECONFLICT;
		}
		p->cpus = r->cpus;
	} else if (!CPU_COUNT(&avail)) {
		tdm_err("every reserved CPU (%s) belongs to an instance already (%s): shut one down, or name other CPUs",
			cpus_format(&resv, b, sizeof(b)), a);
		return TDM_ECONFLICT;
	} else {
		p->cpus = avail;
	}

	if (r->proxy_set) {
		CPU_XOR(&bad, &r->proxy, &lnx);
		CPU_AND(&bad, &bad, &r->proxy);
		if (CPU_COUNT(&bad)) {
			tdm_err("--proxy-cpus: CPUs %s are not Linux cores (Linux keeps %s)",
				cpus_format(&bad, b, sizeof(b)),
				cpus_format(&lnx, c, sizeof(c)));
			return TDM_EUSAGE;
		}
		p->proxy = r->proxy;
	} else {
		p->proxy = lnx;
	}

	p->page_size = kv_get_u64(rec, "page_size", 2ULL << 20);
	free_bytes = part_bytes(rec) > used_bytes ? part_bytes(rec) - used_bytes : 0;
	if (r->mem) {
		p->pool_bytes = (r->mem + p->page_size - 1) / p->page_size *
				p->page_size;
		if (p->pool_bytes > free_bytes) {
			if (a[0])
				snprintf(c, sizeof(c), " (instances %s use the rest)",
					 a);
			else
				c[0] = '\0';
			tdm_err("--mem %s: only %s of the reservation's %s is free%s; ask for less, or reserve more",
				size_format(p->pool_bytes, sz, sizeof(sz)),
				size_format(free_bytes, sz2, sizeof(sz2)),
				size_format(part_bytes(rec), b, sizeof(b)), c);
			return TDM_EUSAGE;
		}
	} else {
		p->pool_bytes = free_bytes;
	}
	if (!p->pool_bytes) {
		tdm_err("the reservation's memory is used by instances already (%s): shut one down first",
			a);
		return TDM_ECONFLICT;
	}

	err = hp_mount(p->page_size, rec, mnt, sizeof(mnt));
	if (err) {
		tdm_err("cannot mount hugetlbfs for the pool: %s", strerror(-err));
		return TDM_EFAIL;
	}
	kv_save(rec, TDM_RESERVATION, 0644);
	snprintf(p->pool_path, sizeof(p->pool_path), "%s/tandem-%s.pool", mnt,
		 p->name);
	return TDM_OK;
}

static int plan_pinning(const struct boot_req *r, struct plan *p)
{
	char b[256], c[256], d[256], sz[32], sz2[32];
	cpu_set_t allowed, bad, rest;
	u64 avail = 0;

	p->reserved = false;
	p->page_size = 4096;
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		tdm_err("cannot read the CPUs this process may use: %s",
			strerror(errno));
		return TDM_EFAIL;
	}
	if (r->cpus_set) {
		CPU_XOR(&bad, &r->cpus, &allowed);
		CPU_AND(&bad, &bad, &r->cpus);
		if (CPU_COUNT(&bad)) {
			tdm_err("--cpus: CPUs %s are not available to you (you may use %s; see `taskset -p $$`)",
				cpus_format(&bad, b, sizeof(b)),
				cpus_format(&allowed, c, sizeof(c)));
			return TDM_EUSAGE;
		}
		p->cpus = r->cpus;
	} else {
		/* Keep the first allowed core for Linux and the daemon. */
		p->cpus = allowed;
		if (CPU_COUNT(&allowed) > 1)
			CPU_CLR(cpus_first(&allowed), &p->cpus);
		if (r->proxy_set) {
			CPU_XOR(&rest, &p->cpus, &r->proxy);
			CPU_AND(&rest, &rest, &p->cpus);
			if (CPU_COUNT(&rest))
				p->cpus = rest;
		}
	}
	CPU_XOR(&rest, &allowed, &p->cpus);
	CPU_AND(&rest, &rest, &allowed);
	if (r->proxy_set) {
		CPU_XOR(&bad, &r->proxy, &allowed);
		CPU_AND(&bad, &bad, &r->proxy);
		CPU_AND(&rest, &r->proxy, &p->cpus);
		if (CPU_COUNT(&bad) || CPU_COUNT(&rest)) {
			tdm_err("--proxy-cpus %s: name CPUs you may use (%s) that are not the instance's (%s)",
				cpus_format(&r->proxy, b, sizeof(b)),
				cpus_format(&allowed, c, sizeof(c)),
				cpus_format(&p->cpus, d, sizeof(d)));
			return TDM_EUSAGE;
		}
		p->proxy = r->proxy;
	} else {
		p->proxy = CPU_COUNT(&rest) ? rest : allowed;
	}

	meminfo_kib("/proc/meminfo", "MemAvailable", &avail);
	avail <<= 10;
	if (r->mem) {
		p->pool_bytes = (r->mem + 4095) & ~4095ULL;
		if (p->pool_bytes > avail) {
			tdm_err("--mem %s: only %s of memory is available now (MemAvailable); ask for less",
				size_format(p->pool_bytes, sz, sizeof(sz)),
				size_format(avail, sz2, sizeof(sz2)));
			return TDM_EUSAGE;
		}
	} else {
		p->pool_bytes = avail / 4 < (1ULL << 30) ? avail / 4 : 1ULL << 30;
		p->pool_bytes &= ~((2ULL << 20) - 1);
		if (!p->pool_bytes)
			p->pool_bytes = 2ULL << 20;
	}
	return TDM_OK;
}

/* Make the state files the daemon maps. */
static int make_state(struct plan *p)
{
	static const struct {
		const char *file;
		size_t size;
	} f[] = {
		{ "instance", sizeof(struct tandem_instance) },
		{ "procs", sizeof(struct tandem_proctab) },
	};
	char path[PATH_MAX];
	mode_t mode = p->reserved || geteuid() == 0 ? 0644 : 0600;
	unsigned i;

	if (mkdir(p->dir, p->reserved || geteuid() == 0 ? 0755 : 0700)) {
		tdm_err("cannot make %s: %s", p->dir, strerror(errno));
		return TDM_EFAIL;
	}
	for (i = 0; i < 2; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", p->dir, f[i].file);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd < 0 || ftruncate(fd, (off_t)f[i].size)) {
			tdm_err("cannot make %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return TDM_EFAIL;
		}
		close(fd);
	}
	return TDM_OK;
}

static int make_pool(struct plan *p)
{
	char sz[32], name[64];
	void *m;

	if (!p->pool_path[0]) {
		snprintf(name, sizeof(name), "tandem-pool-%s", p->name);
		p->pool_fd = memfd_create(name, MFD_CLOEXEC);
		if (p->pool_fd < 0 || ftruncate(p->pool_fd, (off_t)p->pool_bytes)) {
			tdm_err("cannot make a memfd pool of %s: %s",
				size_format(p->pool_bytes, sz, sizeof(sz)),
				strerror(errno));
			return TDM_EFAIL;
		}
		return TDM_OK;
	}

	p->pool_fd = open(p->pool_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			  0600);
	if (p->pool_fd < 0 && errno == EEXIST) {
		/* Left by a daemon that died; nobody else names pools so. */
		unlink(p->pool_path);
		p->pool_fd = open(p->pool_path, O_RDWR | O_CREAT | O_EXCL |
				  O_CLOEXEC, 0600);
	}
	if (p->pool_fd < 0 || ftruncate(p->pool_fd, (off_t)p->pool_bytes)) {
		tdm_err("cannot make the pool file %s: %s", p->pool_path,
			strerror(errno));
		return TDM_EFAIL;
	}

	/*
	 * A shared mapping of a hugetlbfs file reserves its pages for the
	 * file at once, or fails: the pool is the instance's from here on,
	 * before the daemon zeroes it page by page.
	 */
	m = mmap(NULL, p->pool_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		 p->pool_fd, 0);
	if (m == MAP_FAILED) {
		tdm_err("the kernel would not set aside %s of huge pages for the pool %s (%s): another program uses the reserved pages",
			size_format(p->pool_bytes, sz, sizeof(sz)), p->pool_path,
			strerror(errno));
		return TDM_EFAIL;
	}
	munmap(m, p->pool_bytes);
	return TDM_OK;
}

static void unmake(struct plan *p)
{
	char path[PATH_MAX];
	static const char *const files[] = { "instance", "procs", "info",
					     "control" };
	unsigned i;

	if (p->pool_fd >= 0)
		close(p->pool_fd);
	if (p->pool_path[0])
		unlink(p->pool_path);
	if (p->cgroup[0])
		cg_instance_remove(p->cgroup);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, files[i]);
		unlink(path);
	}
	rmdir(p->dir);
}

/* Fork twice; the grandchild is the daemon.  Wait for its word. */
static int start_daemon(struct plan *p)
{
	char msg[1200];
	struct pollfd pf;
	int pfd[2], status, rc;
	pid_t child;
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC)) {
		tdm_err("pipe: %s", strerror(errno));
		return TDM_EFAIL;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		tdm_err("fork: %s", strerror(errno));
		return TDM_EFAIL;
	}
	if (child == 0) {
		close(pfd[0]);
		setsid();
		if (fork() == 0) {
			p->ready_fd = pfd[1];
			daemon_run(p);
		}
		_exit(0);
	}
	close(pfd[1]);
	waitpid(child, &status, 0);

	pf = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	rc = poll(&pf, 1, READY_WAIT_S * 1000);
	n = rc > 0 ? read(pfd[0], msg, sizeof(msg) - 1) : -1;
	close(pfd[0]);
	if (n <= 0) {
		tdm_err("the instance daemon did not start (%s)",
			rc == 0 ? "no word after 30 s" : "it died at once");
		return TDM_EFAIL;
	}
	msg[n] = '\0';
	return inst_reply_status(msg);
}

int inst_boot(const struct boot_req *r)
{
	const char *name = r->name ? r->name : TDM_DEFAULT_NAME;
	char list[256], plist[256], sz[32], psz[32];
	struct kv rec = { 0 };
	struct plan p;
	struct inst in;
	int lock, rc;

	if (!inst_name_ok(name))
		return TDM_EUSAGE;
	rc = inst_base_ensure();
	if (rc)
		return rc;
	lock = tdm_lock(inst_base());
	if (lock < 0)
		return TDM_EFAIL;

	memset(&p, 0, sizeof(p));
	p.pool_fd = -1;
	p.lock_fd = lock;
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.dir, sizeof(p.dir), "%s/%s", inst_base(), name);

	if (inst_open(name, &in, true) == TDM_OK) {
		if (!strncmp(in.dir, inst_base(), strlen(inst_base()))) {
			tdm_err("instance %s is already booted (daemon pid %d, CPUs %s): `tandem shutdown %s` first, or boot another with --name",
				name, in.daemon_pid,
				cpus_format(&in.cpus, list, sizeof(list)), name);
			inst_close(&in);
			rc = TDM_ECONFLICT;
			goto out;
		}
		inst_close(&in);
	}
	/* A boot that died before its daemon wrote info leaves a bare dir. */
	if (!access(p.dir, F_OK)) {
		struct plan old = p;

		old.pool_fd = -1;
		unmake(&old);
	}

	if (geteuid() == 0 && part_load(&rec) == TDM_OK)
		rc = plan_reserved(r, &rec, &p);
	else
		rc = plan_pinning(r, &p);
	if (rc)
		goto out;

	/* The holder lets go of the pages the pool then takes at once. */
	rc = make_state(&p);
	if (!rc && p.reserved)
		part_hold(&rec, p.pool_bytes, name);
	if (!rc)
		rc = make_pool(&p);
	if (!rc && p.reserved &&
	    cg_instance_make(&rec, name, &p.cpus, p.cgroup, sizeof(p.cgroup)))
		rc = TDM_EFAIL;
	if (!rc)
		rc = start_daemon(&p);
	if (rc) {
		unmake(&p);
		if (p.reserved)
			part_hold(&rec, 0, name);
		goto out;
	}
	close(p.pool_fd);

	tdm_info("instance %s booted: CPUs %s (%s), pool %s of %s pages (%s), daemon on CPUs %s",
		 name, cpus_format(&p.cpus, list, sizeof(list)),
		 p.reserved ? "reserved" : "pinning only: not isolated from Linux",
		 size_format(p.pool_bytes, sz, sizeof(sz)),
		 size_format(p.page_size, psz, sizeof(psz)),
		 p.reserved ? "hugetlbfs" : "memfd",
		 cpus_format(&p.proxy, plist, sizeof(plist)));
	if (!p.reserved && geteuid() == 0)
		tdm_info("note: nothing is reserved, so its cores are not isolated; `tandem reserve` first for isolated cores and huge pages");
	tdm_info("run programs on it with `tandem run --instance %s -- PROG`",
		 name);
out:
	kv_free(&rec);
	close(lock);
	return rc;
}
