/* SPDX-License-Identifier: MIT */
/*
 * Booted instances as every command sees them: a state directory
 * BASE/NAME holding
 *	info		key=value: daemon pid and start time, owner, cores,
 *			pool, cgroup (written once by the daemon)
 *	instance	struct tandem_instance (include/uapi/tandem.h): LWK
 *			statistics, placement, the kmsg ring
 *	procs		struct tandem_proctab (include/uapi/tandem_procs.h)
 *	control		the daemon's socket (join, shutdown, kmsg-clear)
 * BASE is /run/tandem for root; an unprivileged user's instances live in
 * $XDG_RUNTIME_DIR/tandem or /tmp/tandem-UID (docs/partitions.md).
 *
 * An instance whose daemon is gone (pid dead or reused, machine rebooted)
 * is stale: it is cleaned up with a message and never used.
 */
#ifndef TANDEM_LINUX_INSTANCE_H
#define TANDEM_LINUX_INSTANCE_H

#include "util.h"

#include <limits.h>

#include "../include/uapi/tandem.h"
#include "../include/uapi/tandem_procs.h"

#define TDM_NAME_MAX	32
#define TDM_MAX_INSTANCES 64
#define TDM_DAEMON_COMM	"tandemd"

struct inst {
	char name[TDM_NAME_MAX + 1];
	char dir[PATH_MAX];		/* the state directory */
	struct kv info;			/* its info file */
	pid_t daemon_pid;
	uid_t uid;			/* owner */
	bool reserved;			/* cores in a cpuset, hugetlbfs pool */
	cpu_set_t cpus;			/* LWK cores */
	cpu_set_t proxy_cpus;		/* Linux cores of the daemon/proxy */
	u64 pool_bytes;
	u64 page_size;
	const char *pool_kind;		/* "hugetlbfs" or "memfd" */
	const char *pool_path;		/* hugetlbfs file, or "" */
	const char *cgroup;		/* instance cpuset, or "" */
	struct tandem_instance *page;	/* read-only map, or NULL */
	struct tandem_proctab *procs;	/* read-only map, or NULL */
};

/* The caller's own state base directory (see above). */
const char *inst_base(void);

/* Make the base directory, refusing one that is not safely ours. */
int inst_base_ensure(void);

/* Is NAME a valid instance name?  Says why not. */
bool inst_name_ok(const char *name);

/*
 * inst_open - find instance NAME (the caller's base first, then root's)
 * and map its state read-only.  TDM_OK, or TDM_ENOENT after saying it is
 * unknown or was stale (and cleaned up).  QUIET: say nothing when it is
 * simply not there.
 */
int inst_open(const char *name, struct inst *in, bool quiet);
void inst_close(struct inst *in);

/*
 * inst_pick - inst_open NAME, or with NAME NULL the only instance there
 * is; says what to do when there is none or several.
 */
int inst_pick(const char *name, struct inst *in);

/*
 * inst_list - names of the live instances the caller can see (own base,
 * then root's), stale ones cleaned up on the way.  Returns how many.
 */
int inst_list(char names[][TDM_NAME_MAX + 1], int max);

/*
 * inst_reserved_names - live instances on the reservation (root's base),
 * comma-separated into BUF; returns how many.
 */
int inst_reserved_names(char *buf, size_t size);

/* Is the daemon that INFO names still the one that wrote it? */
bool inst_daemon_alive(const struct kv *info);

/*
 * inst_cleanup - remove the state of a dead instance: pool file, cpuset
 * (if empty), directory.  WHY is said first.  TDM_OK or TDM_EPERM.
 */
int inst_cleanup(const char *dir, const struct kv *info, const char *why);

/*
 * inst_request - send REQ to the daemon of IN and wait up to TIMEOUT_S
 * for its one-line answer ("ok ..." or "err STATUS message"), receiving
 * up to *NFDS descriptors with it.  0, or -errno when the daemon cannot
 * be reached.
 */
int inst_request(const struct inst *in, const char *req, char *reply,
		 size_t size, int *fds, int *nfds, int timeout_s);

/*
 * inst_reply_status - the tdm_status of a daemon's REPLY; prints the
 * message of an error reply.
 */
int inst_reply_status(const char *reply);

/* A consistent copy of the process table; false if it never settled. */
bool inst_procs_snapshot(const struct inst *in, struct tandem_proctab *out);

/* Is slot P (from a snapshot) still that process, not a reused pid? */
bool inst_proc_alive(const struct tandem_proc *p);

#endif
