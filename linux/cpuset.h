/* SPDX-License-Identifier: MIT */
/*
 * Exclusive cpusets for the reservation and its instances, with the two
 * code paths Linux has: cgroup v1 (a cpuset hierarchy of its own; the
 * LWK cores get an exclusive set, every movable task moves to a set of the
 * Linux cores) and cgroup v2 (the cpuset controller of the unified
 * hierarchy; the LWK cores become a partition, cpuset.cpus.partition =
 * isolated or root, which takes them from every other cgroup).
 *
 * Everything done is written into the caller's reservation record (keys
 * cg.*), so that cg_release undoes exactly that, even after a failure half
 * way through.
 */
#ifndef TANDEM_LINUX_CPUSET_H
#define TANDEM_LINUX_CPUSET_H

#include "util.h"

enum cg_mode {
	CG_NONE = 0,
	CG_V1 = 1,
	CG_V2 = 2,
};

struct cg_info {
	enum cg_mode mode;
	char root[256];		/* mount point of the cpuset hierarchy */
	char why[256];		/* CG_NONE: why neither path is usable */
};

/*
 * cg_detect - find the cpuset controller: a v1 hierarchy with cpuset, or
 * the v2 hierarchy when its root lists cpuset in cgroup.controllers.  The
 * environment variable TANDEM_CGROUP=v1|v2 forces one (for tests); the
 * result is CG_NONE with a reason when it is not usable.
 */
void cg_detect(struct cg_info *cg);

/*
 * cg_reserve - make the cpusets of a reservation: LWK is given to no
 * Linux task, LINUX keeps the rest.  MEMS is the memory node list for the
 * sets.  Records what it did in REC (saved by the caller after every step
 * it reports).  Returns a tdm_status after printing why.
 */
int cg_reserve(const struct cg_info *cg, const cpu_set_t *lwk,
	       const cpu_set_t *linux_cpus, const char *mems, struct kv *rec);

/* cg_release - undo what REC says cg_reserve did; 0 or TDM_EFAIL. */
int cg_release(struct kv *rec);

/*
 * Instance sets, children of the reservation's LWK set.  cg_instance_make
 * writes the path into PATH; cg_attach moves a whole process there;
 * cg_procs fills PIDS (up to MAX) and returns how many; cg_instance_remove
 * fails with -EBUSY while processes remain.
 */
int cg_instance_make(const struct kv *rec, const char *name,
		     const cpu_set_t *cpus, char *path, size_t size);
int cg_instance_remove(const char *path);
int cg_attach(const char *path, pid_t pid);
int cg_procs(const char *path, pid_t *pids, int max);

#endif
