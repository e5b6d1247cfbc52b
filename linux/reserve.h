/* SPDX-License-Identifier: MIT */
/*
 * The partition manager: `tandem reserve` takes cores (an exclusive
 * cpuset) and memory (huge pages) from Linux's general use, `tandem
 * release` gives them back.  The record of what was done is
 * /run/tandem/reservation, a key=value file: release undoes what it says.
 */
#ifndef TANDEM_LINUX_RESERVE_H
#define TANDEM_LINUX_RESERVE_H

#include "util.h"

#define TDM_RESERVATION		TDM_RUN_DIR "/reservation"
#define TDM_RESERVATION_VERSION	1

struct reserve_req {
	cpu_set_t cpus;			/* cores to take */
	u64 mem;			/* bytes, rounded up to pages */
	int node;			/* NUMA node, -1 for any */
	u64 page_size;			/* 2 MiB or 1 GiB */
};

/* part_reserve - make a reservation; a tdm_status, after saying why. */
int part_reserve(const struct reserve_req *req);

/*
 * part_release - undo the reservation; refuses while instances are booted
 * on it.  A tdm_status, after saying why.
 */
int part_release(void);

/*
 * part_load - read the reservation record into REC (kv_free it).  A record
 * of an earlier boot of the machine is removed with a message.  TDM_OK, or
 * TDM_ENOENT when nothing is reserved.
 */
int part_load(struct kv *rec);

/*
 * part_hold - make the reservation's holder file hold the reserved huge
 * pages that no live instance's pool holds, less EXTRA bytes (a pool about
 * to be made), leaving out instance SKIP (NULL: none).  Says so when the
 * pages are no longer there.  0 or -errno.
 */
int part_hold(struct kv *rec, u64 extra, const char *skip);

/* The reserved CPUs and huge-page bytes of a loaded record. */
void part_cpus(const struct kv *rec, cpu_set_t *cpus);
u64 part_bytes(const struct kv *rec);

#endif
