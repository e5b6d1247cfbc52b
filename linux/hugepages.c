// SPDX-License-Identifier: MIT
/*
 * Huge pages for reservations (see hugepages.h).  Writes nr_hugepages and
 * mounts hugetlbfs; nothing else.
 */
#include "hugepages.h"

#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

void hp_path(u64 page_size, int node, const char *file, char *buf,
	     size_t size)
{
	if (node < 0)
		snprintf(buf, size, "/sys/kernel/mm/hugepages/hugepages-%llukB/%s",
			 page_size >> 10, file);
	else
		snprintf(buf, size,
			 "/sys/devices/system/node/node%d/hugepages/hugepages-%llukB/%s",
			 node, page_size >> 10, file);
}

bool hp_size_supported(u64 page_size)
{
	char path[PATH_MAX];

	hp_path(page_size, -1, "nr_hugepages", path, sizeof(path));
	return access(path, F_OK) == 0;
}

u64 hp_free(u64 page_size, int node)
{
	char path[PATH_MAX];
	u64 v = 0;

	hp_path(page_size, node, "free_hugepages", path, sizeof(path));
	file_read_u64(path, &v);
	return v;
}

/*
 * nr_hugepages counts surplus pages (overcommitted, or left over from a
 * shrink while in use) too; those are not Linux's pool and go when freed.
 * The persistent count is what reserve adds to and release restores.
 */
static int persistent(const char *nr_path, u64 *out)
{
	char path[PATH_MAX], *slash;
	u64 surplus = 0;
	int err = file_read_u64(nr_path, out);

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s", nr_path);
	slash = strrchr(path, '/');
	snprintf(slash + 1, sizeof(path) - (slash + 1 - path), "surplus_hugepages");
	file_read_u64(path, &surplus);
	*out = *out > surplus ? *out - surplus : 0;
	return 0;
}

static int set_nr(const char *path, u64 nr, u64 *got)
{
	int err = file_writef(path, "%llu", nr);

	if (persistent(path, got))
		*got = 0;
	return err;
}

int hp_reserve(u64 page_size, int node, u64 pages, struct kv *rec)
{
	char path[PATH_MAX], sz[32], have[32];
	u64 before, got;
	int err;

	hp_path(page_size, node, "nr_hugepages", path, sizeof(path));
	if (persistent(path, &before)) {
		tdm_err("cannot read %s: this kernel has no huge pages of %s%s",
			path, size_format(page_size, sz, sizeof(sz)),
			node >= 0 ? " on that node" : "");
		return TDM_EFAIL;
	}
	kv_set(rec, "hp.path", "%s", path);
	kv_set(rec, "hp.before", "%llu", before);
	kv_set(rec, "hp.page_size", "%llu", page_size);

	err = set_nr(path, before + pages, &got);
	if (got < before + pages) {
		/* Fragmented memory: compaction often frees enough blocks. */
		file_write("/proc/sys/vm/compact_memory", "1");
		err = set_nr(path, before + pages, &got);
	}
	kv_set(rec, "hp.after", "%llu", got);
	if (got < before + pages) {
		u64 gave = got > before ? got - before : 0;

		set_nr(path, before, &got);
		kv_set(rec, "hp.after", "%llu", got);
		tdm_err("the kernel gave only %llu of the %llu huge pages of %s asked for (%s%s); nothing is reserved: try a smaller --mem, or reserve soon after boot when memory is not yet fragmented",
			gave, pages, size_format(page_size, sz, sizeof(sz)),
			err ? strerror(-err) : "memory in use or fragmented",
			node >= 0 ? ", on that node" : "");
		return TDM_EFAIL;
	}
	size_format(pages * page_size, have, sizeof(have));
	tdm_info("memory:  %s as %llu huge pages of %s (%s: %llu -> %llu)",
		 have, pages, size_format(page_size, sz, sizeof(sz)), path,
		 before, got);
	return TDM_OK;
}

int hp_release(struct kv *rec)
{
	const char *path = kv_get(rec, "hp.path");
	const char *mnt = kv_get(rec, "hp.mounted");
	const char *holder = kv_get(rec, "hp.holder");
	u64 before = kv_get_u64(rec, "hp.before", 0);
	u64 after = kv_get_u64(rec, "hp.after", 0);
	u64 now, target, got;

	if (holder && unlink(holder) && errno != ENOENT) {
		tdm_err("cannot remove %s: %s", holder, strerror(errno));
		return TDM_EFAIL;
	}
	if (mnt) {
		if (umount2(mnt, 0) && errno != EINVAL && errno != ENOENT) {
			tdm_err("cannot unmount %s: %s (pool files still open: is an instance's daemon alive?)",
				mnt, strerror(errno));
			return TDM_EFAIL;
		}
		rmdir(mnt);
		kv_del_prefix(rec, "hp.mounted");
		kv_del_prefix(rec, "hp.mount");
	}
	if (!path)
		return TDM_OK;
	if (persistent(path, &now)) {
		tdm_err("cannot read %s", path);
		return TDM_EFAIL;
	}

	/*
	 * Someone else may have changed the pool meanwhile: give back what
	 * the reservation added, not more.
	 */
	target = now == after ? before :
		 now > after - before ? now - (after - before) : 0;
	set_nr(path, target, &got);
	if (got != target)
		tdm_warn("%s is %llu, not %llu: pages still in use become surplus pages and return to Linux when freed",
			 path, got, target);
	if (now == after)
		tdm_info("memory:  %s back to %llu", path, got);
	else
		tdm_info("memory:  %s now %llu: it was %llu before reserve and someone else changed it meanwhile, so only the reservation's %llu pages were given back",
			 path, got, before, after - before);
	kv_del_prefix(rec, "hp.");
	return TDM_OK;
}

/* A mounted hugetlbfs with PAGE_SIZE pages, if any. */
static bool find_mount(u64 page_size, char *dir, size_t size)
{
	struct mntent *m;
	bool found = false;
	FILE *f = setmntent("/proc/self/mounts", "r");
	u64 dflt = 0;

	meminfo_kib("/proc/meminfo", "Hugepagesize", &dflt);
	while (f && !found && (m = getmntent(f))) {
		char *ps;
		u64 v;

		if (strcmp(m->mnt_type, "hugetlbfs"))
			continue;
		ps = hasmntopt(m, "pagesize");
		if (ps) {
			char unit;

			if (sscanf(ps, "pagesize=%llu%c", &v, &unit) != 2)
				continue;
			v <<= unit == 'G' ? 30 : unit == 'M' ? 20 :
			      unit == 'K' ? 10 : 0;
		} else {
			v = dflt << 10;
		}
		if (v == page_size && access(m->mnt_dir, W_OK) == 0) {
			snprintf(dir, size, "%s", m->mnt_dir);
			found = true;
		}
	}
	if (f)
		endmntent(f);
	return found;
}

int hp_mount(u64 page_size, struct kv *rec, char *dir, size_t size)
{
	char opts[64];

	if (find_mount(page_size, dir, size)) {
		kv_set(rec, "hp.mount", "%s", dir);
		return 0;
	}
	snprintf(dir, size, "%s/hugepages%s", TDM_RUN_DIR,
		 page_size == 1ULL << 30 ? "-1g" : "");
	if (mkdir_p(dir, 0755))
		return -errno;
	snprintf(opts, sizeof(opts), "pagesize=%lluK,mode=0755",
		 page_size >> 10);
	if (mount("tandem", dir, "hugetlbfs", MS_NOSUID | MS_NODEV, opts))
		return -errno;
	kv_set(rec, "hp.mounted", "%s", dir);
	kv_set(rec, "hp.mount", "%s", dir);
	return 0;
}

int hp_hold(struct kv *rec, u64 bytes)
{
	const char *dir = kv_get(rec, "hp.mount");
	char path[PATH_MAX];
	struct stat st;
	int fd, err = 0;
	void *m;

	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/tandem-reserved.pool", dir);
	kv_set(rec, "hp.holder", "%s", path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	flock(fd, LOCK_EX);
	if (fstat(fd, &st) || ftruncate(fd, (off_t)bytes)) {
		err = -errno;
		goto out;
	}

	/*
	 * Shrinking gives up the reservation of the tail; growing needs a
	 * shared mapping, which reserves what is not reserved yet, or fails
	 * when the free pages are not there any more.
	 */
	if (bytes > (u64)st.st_size) {
		m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			err = -errno;
			if (ftruncate(fd, st.st_size))
				err = -errno;
		} else {
			munmap(m, bytes);
		}
	}
out:
	close(fd);
	return err;
}
