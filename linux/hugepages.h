/* SPDX-License-Identifier: MIT */
/*
 * Huge pages of a reservation: taken from Linux by raising nr_hugepages
 * (machine-wide, or of one NUMA node), checked against what the kernel
 * really gave, and given back by lowering it again.  Also the hugetlbfs
 * mount the instance pools are files of.
 */
#ifndef TANDEM_LINUX_HUGEPAGES_H
#define TANDEM_LINUX_HUGEPAGES_H

#include "util.h"

/* The nr_hugepages file for PAGE_SIZE bytes on NODE (-1: every node). */
void hp_path(u64 page_size, int node, const char *file, char *buf,
	     size_t size);

/* Does the kernel offer pages of PAGE_SIZE bytes? */
bool hp_size_supported(u64 page_size);

/*
 * hp_reserve - add PAGES huge pages of PAGE_SIZE on NODE to Linux's pool
 * and record the change in REC (keys hp.*).  If the kernel gives fewer,
 * it asks for compaction once, then gives back what it got and fails
 * with the numbers.  Returns a tdm_status after printing why.
 */
int hp_reserve(u64 page_size, int node, u64 pages, struct kv *rec);

/* hp_release - lower nr_hugepages by what REC says was added. */
int hp_release(struct kv *rec);

/* Free huge pages of PAGE_SIZE on NODE (-1: machine-wide) now. */
u64 hp_free(u64 page_size, int node);

/*
 * hp_mount - the directory of a hugetlbfs mount with PAGE_SIZE pages:
 * an existing one, or a new one at /run/tandem/hugepages[-1g] (recorded
 * in REC as hp.mounted, which hp_release unmounts).  REC's hp.mount names
 * it either way.  0 or -errno.
 */
int hp_mount(u64 page_size, struct kv *rec, char *dir, size_t size);

/*
 * hp_hold - make the reservation's holder file (hp.mount/
 * tandem-reserved.pool, recorded as hp.holder) hold BYTES of huge pages:
 * the reserved pages no instance pool holds, so that no other program
 * takes them.  Serialised by a lock on the file.  0, or -errno (-ENOMEM:
 * the pages are gone; the holder then keeps what it had).
 */
int hp_hold(struct kv *rec, u64 bytes);

#endif
