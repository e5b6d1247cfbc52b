/* SPDX-License-Identifier: MIT */
/*
 * The instance daemon, as boot starts it: the plan boot made (cores,
 * pool, cpuset, state directory) and the entry of the daemon process.
 * Private to linux/; the tools reach a daemon only through its control
 * socket (instance.h: inst_request).
 */
#ifndef TANDEM_LINUX_DAEMON_H
#define TANDEM_LINUX_DAEMON_H

#include "instance.h"

/* Everything boot decided; the daemon starts from it. */
struct plan {
	char name[TDM_NAME_MAX + 1];
	char dir[PATH_MAX];
	bool reserved;
	cpu_set_t cpus, proxy;
	u64 pool_bytes, page_size;
	char pool_path[PATH_MAX];	/* hugetlbfs file, "" for memfd */
	char cgroup[PATH_MAX];		/* instance cpuset, "" without */
	char cg_mode[8];
	int pool_fd;
	int lock_fd;
	int ready_fd;			/* daemon: write end of boot's pipe */
};

/*
 * daemon_run - become the daemon of plan P (in the grandchild boot forked):
 * set up the state, say "ok" (or "err STATUS why") on P->ready_fd, serve
 * until shutdown.  Never returns.
 */
void __attribute__((noreturn)) daemon_run(const struct plan *p);

/*
 * Requests the daemon answers on its control socket, one per connection:
 *	join		register the caller (SO_PEERCRED) as a process of
 *			the instance; answer "ok cpus=LIST mem=BYTES
 *			pools=4k[,2m|,1g]" with the instance descriptor and
 *			the pool files named there (SCM_RIGHTS), in that order
 *	shutdown [force]	end the instance (force: its programs first)
 *	kmsg-clear	start kmsg readers from the current head
 *	ping		"ok"
 * Errors are "err STATUS message" with a tdm_status.
 */

#endif
