// SPDX-License-Identifier: MIT
/*
 * The cpusets of a reservation (see cpuset.h), cgroup v1 and v2.  Only
 * writes under the cpuset hierarchy; every change is recorded before the
 * next one so that cg_release can undo a half-made reservation.
 */
#include "cpuset.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_LWK		"tandem-lwk"
#define CG_LINUX	"tandem-linux"

/* Passes over a task list when moving tasks: new ones may fork meanwhile. */
#define MOVE_PASSES	5
/* Removing a set whose last tasks are still exiting: up to 100 x 100 ms. */
#define RMDIR_TRIES	100
#define RMDIR_WAIT_US	100000

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ',' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

void cg_detect(struct cg_info *cg)
{
	const char *force = getenv("TANDEM_CGROUP");
	char v1[256] = "", v2[256] = "", path[300], ctl[512];
	struct mntent *m;
	FILE *f;

	memset(cg, 0, sizeof(*cg));
	f = setmntent("/proc/self/mounts", "r");
	while (f && (m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup") && !v1[0] &&
		    hasmntopt(m, "cpuset"))
			snprintf(v1, sizeof(v1), "%s", m->mnt_dir);
		else if (!strcmp(m->mnt_type, "cgroup2") && !v2[0])
			snprintf(v2, sizeof(v2), "%s", m->mnt_dir);
	}
	if (f)
		endmntent(f);

	ctl[0] = '\0';
	if (v2[0]) {
		snprintf(path, sizeof(path), "%s/cgroup.controllers", v2);
		file_read_line(path, ctl, sizeof(ctl));
	}

	/* v1 first: a controller bound to v1 cannot be used in v2. */
	if (v1[0] && !(force && !strcmp(force, "v2"))) {
		cg->mode = CG_V1;
		snprintf(cg->root, sizeof(cg->root), "%s", v1);
	} else if (v2[0] && has_word(ctl, "cpuset") &&
		   !(force && !strcmp(force, "v1"))) {
		cg->mode = CG_V2;
		snprintf(cg->root, sizeof(cg->root), "%s", v2);
	} else if (force && !strcmp(force, "v1")) {
		snprintf(cg->why, sizeof(cg->why),
			 "no cgroup v1 hierarchy with the cpuset controller is mounted (TANDEM_CGROUP=v1)");
	} else if (v2[0]) {
		snprintf(cg->why, sizeof(cg->why),
			 "the cgroup v2 hierarchy at %s has no cpuset controller (its cgroup.controllers: %s)%s",
			 v2, ctl[0] ? ctl : "empty",
			 v1[0] ? "" : " and no v1 cpuset hierarchy is mounted");
	} else {
		snprintf(cg->why, sizeof(cg->why),
			 "neither a cgroup v1 cpuset hierarchy nor cgroup v2 is mounted (mount -t cgroup2 none /sys/fs/cgroup)");
	}
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	err = file_write(path, val);
	if (err)
		tdm_err("cannot write '%s' to %s: %s", val, path, strerror(-err));
	return err;
}

/* Other cpusets under ROOT that use any of CPUS; says which. */
static int check_siblings(const char *root, const cpu_set_t *cpus)
{
	char path[PATH_MAX], list[256];
	struct dirent *d;
	int bad = 0;
	DIR *dir = opendir(root);

	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		cpu_set_t set, both;

		if (d->d_type != DT_DIR || d->d_name[0] == '.' ||
		    !strcmp(d->d_name, CG_LWK) || !strcmp(d->d_name, CG_LINUX))
			continue;
		snprintf(path, sizeof(path), "%s/%s/cpuset.cpus", root,
			 d->d_name);
		if (cpus_read(path, &set))
			continue;
		CPU_AND(&both, &set, cpus);
		if (!CPU_COUNT(&both))
			continue;
		tdm_err("the cpuset %s/%s already uses CPUs %s: move its tasks and remove it, or reserve other CPUs",
			root, d->d_name, cpus_format(&both, list, sizeof(list)));
		bad = 1;
	}
	closedir(dir);
	return bad;
}

/*
 * Move every task listed in FROM/FILE into TO/FILE.  Tasks the kernel will
 * not move (threads bound to one CPU) are counted in *kept, with a few of
 * their names in KEPT_NAMES.  Returns how many moved.
 */
static int move_tasks(const char *from, const char *to, const char *file,
		      int *kept, char *kept_names, size_t names_size)
{
	char src[PATH_MAX], dst[PATH_MAX], num[32];
	int moved = 0, pass, names = 0;
	pid_t *failed = NULL;
	int nfailed = 0;

	snprintf(src, sizeof(src), "%s/%s", from, file);
	snprintf(dst, sizeof(dst), "%s/%s", to, file);
	if (kept_names && names_size)
		kept_names[0] = '\0';
	for (pass = 0; pass < MOVE_PASSES; pass++) {
		int this_pass = 0, i;
		char *line = NULL;
		size_t cap = 0;
		FILE *f = fopen(src, "re");

		if (!f)
			break;
		while (getline(&line, &cap, f) > 0) {
			pid_t tid = atoi(line);
			struct proc_stat st;
			bool seen = false;
			int err;

			for (i = 0; i < nfailed; i++)
				seen |= failed[i] == tid;
			if (seen)
				continue;
			snprintf(num, sizeof(num), "%d", tid);
			err = file_write(dst, num);
			if (!err) {
				this_pass++;
				continue;
			}
			if (err == -ESRCH)
				continue;
			failed = realloc(failed, (nfailed + 1) * sizeof(pid_t));
			failed[nfailed++] = tid;
			if (kept_names && names < 4 &&
			    !proc_stat_read(tid, 0, &st)) {
				size_t l = strlen(kept_names);

				snprintf(kept_names + l, names_size - l, "%s%s",
					 names ? ", " : "", st.comm);
				names++;
			}
		}
		free(line);
		fclose(f);
		moved += this_pass;
		if (!this_pass)
			break;
	}
	if (kept)
		*kept = nfailed;
	if (kept_names && nfailed > names && names)
		snprintf(kept_names + strlen(kept_names),
			 names_size - strlen(kept_names), ", ...");
	free(failed);
	return moved;
}

static int v1_reserve(const struct cg_info *cg, const cpu_set_t *lwk,
		      const cpu_set_t *linux_cpus, const char *mems,
		      struct kv *rec)
{
	char lwk_dir[PATH_MAX], lnx_dir[PATH_MAX], path[PATH_MAX];
	char list[256], llist[256], names[256], slb[16];
	int moved, kept;

	snprintf(lwk_dir, sizeof(lwk_dir), "%s/%s", cg->root, CG_LWK);
	snprintf(lnx_dir, sizeof(lnx_dir), "%s/%s", cg->root, CG_LINUX);
	cpus_format(lwk, list, sizeof(list));
	cpus_format(linux_cpus, llist, sizeof(llist));
	if (check_siblings(cg->root, lwk))
		return TDM_ECONFLICT;

	/*
	 * A leftover of a crashed tandem, or a set a release had to leave
	 * (zombies): empty ones go, a busy one is ours and is set up anew,
	 * the Linux set first so that it no longer overlaps the LWK set.
	 */
	rmdir(lwk_dir);
	rmdir(lnx_dir);
	if (mkdir(lnx_dir, 0755) && errno != EEXIST) {
		tdm_err("cannot make the cpuset %s: %s", lnx_dir,
			strerror(errno));
		return TDM_EFAIL;
	}
	kv_set(rec, "cg.linux", "%s", lnx_dir);
	if (cg_write(lnx_dir, "cpuset.mems", mems) ||
	    cg_write(lnx_dir, "cpuset.cpus", llist))
		return TDM_EFAIL;

	if (mkdir(lwk_dir, 0755) && errno != EEXIST) {
		tdm_err("cannot make the cpuset %s: %s", lwk_dir,
			strerror(errno));
		return TDM_EFAIL;
	}
	kv_set(rec, "cg.lwk", "%s", lwk_dir);
	if (cg_write(lwk_dir, "cpuset.mems", mems) ||
	    cg_write(lwk_dir, "cpuset.cpus", list) ||
	    cg_write(lwk_dir, "cpuset.cpu_exclusive", "1") ||
	    cg_write(lwk_dir, "cpuset.sched_load_balance", "0"))
		return TDM_EFAIL;

	/* Separate scheduling domains: no balancing across the two sets. */
	snprintf(path, sizeof(path), "%s/cpuset.sched_load_balance", cg->root);
	if (file_read_line(path, slb, sizeof(slb)) > 0) {
		kv_set(rec, "cg.root_load_balance", "%s", slb);
		if (cg_write(cg->root, "cpuset.sched_load_balance", "0"))
			return TDM_EFAIL;
	}

	moved = move_tasks(cg->root, lnx_dir, "tasks", &kept, names,
			   sizeof(names));
	kv_set(rec, "cg.moved", "%d", moved);
	tdm_info("cpus:    %s taken from Linux: cgroup v1 cpuset %s (exclusive, no load balancing)",
		 list, lwk_dir);
	tdm_info("         %d tasks moved to CPUs %s (%s)", moved, llist,
		 lnx_dir);
	if (kept)
		tdm_info("         %d kernel threads bound to one CPU stay where they are (%s): the kernel runs them only when that CPU needs them",
			 kept, names);
	return TDM_OK;
}

static int v2_reserve(const struct cg_info *cg, const cpu_set_t *lwk,
		      const char *mems, struct kv *rec)
{
	char lwk_dir[PATH_MAX], path[PATH_MAX], list[256], ctl[512];
	char got[256];
	static const char *const kinds[] = { "isolated", "root" };
	int i;

	snprintf(lwk_dir, sizeof(lwk_dir), "%s/%s", cg->root, CG_LWK);
	cpus_format(lwk, list, sizeof(list));

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cg->root);
	file_read_line(path, ctl, sizeof(ctl));
	if (!has_word(ctl, "cpuset")) {
		if (cg_write(cg->root, "cgroup.subtree_control", "+cpuset"))
			return TDM_EFAIL;
		kv_set(rec, "cg.v2_enabled", "1");
	}

	rmdir(lwk_dir);
	if (mkdir(lwk_dir, 0755)) {
		tdm_err("cannot make the cgroup %s: %s", lwk_dir,
			strerror(errno));
		return TDM_EFAIL;
	}
	kv_set(rec, "cg.lwk", "%s", lwk_dir);
	if (cg_write(lwk_dir, "cpuset.mems", mems) ||
	    cg_write(lwk_dir, "cpuset.cpus", list))
		return TDM_EFAIL;

	/*
	 * An isolated partition has no load balancing; older kernels know
	 * only "root".  The kernel accepts the write and says in the file
	 * whether the partition is valid, and if not, why.
	 */
	snprintf(path, sizeof(path), "%s/cpuset.cpus.partition", lwk_dir);
	for (i = 0; i < 2; i++) {
		if (file_write(path, kinds[i]))
			continue;
		file_read_line(path, got, sizeof(got));
		if (!strcmp(got, kinds[i]))
			break;
	}
	if (i == 2) {
		file_read_line(path, got, sizeof(got));
		file_write(path, "member");
		tdm_err("the kernel refused CPUs %s as a cpuset partition: %s reads '%s'",
			list, path, got);
		return TDM_EFAIL;
	}
	kv_set(rec, "cg.partition", "%s", kinds[i]);
	if (cg_write(lwk_dir, "cgroup.subtree_control", "+cpuset"))
		return TDM_EFAIL;
	tdm_info("cpus:    %s taken from Linux: cgroup v2 partition %s (cpuset.cpus.partition=%s); no other cgroup's tasks run there",
		 list, lwk_dir, kinds[i]);
	return TDM_OK;
}

int cg_reserve(const struct cg_info *cg, const cpu_set_t *lwk,
	       const cpu_set_t *linux_cpus, const char *mems, struct kv *rec)
{
	kv_set(rec, "cg.mode", "%s", cg->mode == CG_V1 ? "v1" : "v2");
	kv_set(rec, "cg.root", "%s", cg->root);
	if (cg->mode == CG_V1)
		return v1_reserve(cg, lwk, linux_cpus, mems, rec);
	return v2_reserve(cg, lwk, mems, rec);
}

/* "tid comm state, ..." of the first tasks in DIR, for messages. */
static char *members(const char *dir, char *buf, size_t size)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/tasks", dir);
	f = fopen(path, "re");
	while (f && getline(&line, &cap, f) > 0) {
		struct proc_stat st;
		pid_t tid = atoi(line);

		if (n++ == 4) {
			snprintf(buf + strlen(buf), size - strlen(buf), ", ...");
			break;
		}
		if (proc_stat_read(tid, 0, &st))
			snprintf(buf + strlen(buf), size - strlen(buf),
				 "%s%d", n > 1 ? ", " : "", tid);
		else
			snprintf(buf + strlen(buf), size - strlen(buf),
				 "%s%d %s %c", n > 1 ? ", " : "", tid, st.comm,
				 st.state);
	}
	free(line);
	if (f)
		fclose(f);
	return buf;
}

/*
 * Move what is left in DIR to the hierarchy's root and remove DIR.  A task
 * that is exiting cannot be moved but still counts as a member until its
 * parent reaps it, so removal is retried for a while; a set that stays
 * busy (a zombie nobody reaps) is widened to every CPU of ROOT and made
 * non-exclusive, which gives its cores back all the same.
 */
static int drain_and_remove(const char *dir, const char *root, bool v1,
			    int *left)
{
	char path[PATH_MAX], cpus[256];
	int kept = 0, tries, err = 0;

	for (tries = 0; tries < RMDIR_TRIES; tries++) {
		move_tasks(dir, root, v1 ? "tasks" : "cgroup.procs", &kept,
			   NULL, 0);
		if (!rmdir(dir) || errno == ENOENT)
			return 0;
		err = errno;
		if (err != EBUSY)
			break;
		if (tries == 10)
			tdm_info("         waiting for %d exiting tasks to leave %s",
				 kept, dir);
		usleep(RMDIR_WAIT_US);
	}
	if (err == EBUSY && v1) {
		char who[256];

		snprintf(path, sizeof(path), "%s/cpuset.cpus", root);
		if (file_read_line(path, cpus, sizeof(cpus)) > 0 &&
		    !cg_write(dir, "cpuset.cpu_exclusive", "0") &&
		    !cg_write(dir, "cpuset.cpus", cpus)) {
			cg_write(dir, "cpuset.sched_load_balance", "1");
			tdm_warn("the cpuset %s still holds tasks that are exiting (%s): it now spans CPUs %s and stays; the next reserve removes it",
				 dir, members(dir, who, sizeof(who)), cpus);
			return 0;
		}
	}
	*left += kept;
	tdm_err("cannot remove the cpuset %s: %s", dir, strerror(err));
	return -1;
}

int cg_release(struct kv *rec)
{
	const char *mode = kv_get(rec, "cg.mode");
	const char *root = kv_get(rec, "cg.root");
	const char *lwk = kv_get(rec, "cg.lwk");
	const char *lnx = kv_get(rec, "cg.linux");
	const char *slb = kv_get(rec, "cg.root_load_balance");
	bool v1 = mode && !strcmp(mode, "v1");
	char path[PATH_MAX];
	int bad = 0, left = 0, back = 0;

	if (!mode || !root)
		return TDM_OK;

	/* Instance sets a crashed daemon left behind, then the LWK set. */
	if (lwk) {
		DIR *dir = opendir(lwk);
		struct dirent *d;

		while (dir && (d = readdir(dir))) {
			if (d->d_type != DT_DIR || d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", lwk, d->d_name);
			bad |= drain_and_remove(path, root, v1, &left);
		}
		if (dir)
			closedir(dir);
		if (!v1) {
			snprintf(path, sizeof(path), "%s/cpuset.cpus.partition",
				 lwk);
			file_write(path, "member");
		}
		bad |= drain_and_remove(lwk, root, v1, &left);
	}
	if (lnx) {
		back = move_tasks(lnx, root, "tasks", NULL, NULL, 0);
		bad |= drain_and_remove(lnx, root, v1, &left);
	}
	if (slb)
		bad |= cg_write(root, "cpuset.sched_load_balance", slb) != 0;
	if (kv_get(rec, "cg.v2_enabled")) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
		if (file_write(path, "-cpuset"))
			tdm_warn("left the cpuset controller on in %s: other cgroups use it now",
				 path);
	}
	if (v1 && lnx)
		tdm_info("cpus:    %d tasks back on every CPU; cpusets %s and %s removed",
			 back, lwk ? lwk : "-", lnx);
	else if (lwk)
		tdm_info("cpus:    cgroup %s removed; its CPUs are Linux's again",
			 lwk);
	if (left)
		tdm_warn("%d tasks could not be moved out of tandem's cpusets",
			 left);
	if (bad)
		return TDM_EFAIL;
	kv_del_prefix(rec, "cg.");
	return TDM_OK;
}

int cg_instance_make(const struct kv *rec, const char *name,
		     const cpu_set_t *cpus, char *path, size_t size)
{
	const char *lwk = kv_get(rec, "cg.lwk");
	const char *mode = kv_get(rec, "cg.mode");
	char list[256], mems[256], pmems[PATH_MAX];

	if (!lwk || !mode)
		return -ENOENT;
	snprintf(path, size, "%s/%s", lwk, name);
	rmdir(path);
	if (mkdir(path, 0755)) {
		int err = -errno;

		tdm_err("cannot make the cpuset %s: %s", path, strerror(errno));
		return err;
	}
	cpus_format(cpus, list, sizeof(list));
	snprintf(pmems, sizeof(pmems), "%s/cpuset.mems", lwk);
	if (file_read_line(pmems, mems, sizeof(mems)) < 0)
		snprintf(mems, sizeof(mems), "0");
	if (cg_write(path, "cpuset.mems", mems) ||
	    cg_write(path, "cpuset.cpus", list) ||
	    (!strcmp(mode, "v1") &&
	     (cg_write(path, "cpuset.cpu_exclusive", "1") ||
	      cg_write(path, "cpuset.sched_load_balance", "0")))) {
		rmdir(path);
		return -EIO;
	}
	return 0;
}

int cg_instance_remove(const char *path)
{
	if (rmdir(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int cg_attach(const char *path, pid_t pid)
{
	char file[PATH_MAX], num[32];

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	snprintf(num, sizeof(num), "%d", pid);
	return file_write(file, num);
}

int cg_procs(const char *path, pid_t *pids, int max)
{
	char file[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (n < max && getline(&line, &cap, f) > 0)
		pids[n++] = atoi(line);
	free(line);
	fclose(f);
	return n;
}
