/* SPDX-License-Identifier: MIT */
/*
 * `tandem boot`: check the request, make the pool and the state files,
 * and start the instance daemon (double-forked, on a Linux core), which
 * owns them until `tandem shutdown`.
 */
#ifndef TANDEM_LINUX_BOOT_H
#define TANDEM_LINUX_BOOT_H

#include "util.h"

struct boot_req {
	const char *name;		/* NULL: "default" */
	bool cpus_set;
	cpu_set_t cpus;			/* LWK cores */
	u64 mem;			/* pool bytes; 0: the default */
	bool proxy_set;
	cpu_set_t proxy;		/* Linux cores of daemon and proxy */
};

#define TDM_DEFAULT_NAME	"default"

/*
 * inst_boot - boot an instance: on the reservation when the caller is
 * root and one exists (exclusive cpuset, hugetlbfs pool), otherwise with
 * pinning only on a memfd pool.  Returns when the daemon is ready, with a
 * tdm_status after saying why it is not.
 */
int inst_boot(const struct boot_req *req);

#endif
