/* SPDX-License-Identifier: MIT */
/*
 * Private to kernel/mm: the pool of page frames (pool.c), as the address
 * space code (mmap.c, fork.c) uses it.  A frame number is counted in the
 * pool's own page size; frames are owned by owner slots (the process's own
 * slot, or a shared anonymous mapping's).
 */
#ifndef TANDEM_KERNEL_MM_POOL_H
#define TANDEM_KERNEL_MM_POOL_H

#include "../lwk.h"

extern const unsigned int pool_shift[TANDEM_NR_POOLS];

/* Pool id of a page shift (12, 21, 30). */
static inline int pool_id(unsigned int shift)
{
	return shift == 12 ? TANDEM_POOL_4K :
	       shift == 21 ? TANDEM_POOL_2M : TANDEM_POOL_1G;
}

int pool_boot(void);

/* Threads of this process that run LWK code only (the zeroing helper). */
int pool_helper_threads(void);
bool pool_usable(int id);
int pool_self(void);

/*
 * pool_alloc - a clean block of 2^@order frames of pool @id for @owner,
 * charged against the run's --mem.  Its frames exist: a mapping of them is
 * populated at no further cost.  Returns the first frame, or -ENOMEM (also
 * when enough frames are free but not in one piece: ask for less).  May
 * zero or pre-fault on the caller's path.
 */
long pool_alloc(int id, unsigned int order, unsigned int owner);

/*
 * Could @bytes more be charged now?  A quick no before a large request
 * that would fail after taking (and dirtying) all there is.
 */
bool pool_may_fit(u64 bytes);

/* Give back frames no mapping uses any more (they are zeroed later). */
void pool_free(int id, u64 pfn, u64 n);

/* Zero frames that stay in use, through the LWK's window. */
void pool_zero(int id, u64 pfn, u64 n);

/* Copy frames, through the LWK's windows. */
void pool_copy(int dst_id, u64 dst_pfn, int src_id, u64 src_pfn, u64 bytes);

/* A new shared owner with this process as its one user, or -ENOMEM. */
int pool_shared_new(void);
/* This process stops using shared owner @obj (the last user frees it). */
void pool_shared_put(int obj);

/* Fork: a slot for the child, then its pid or the error; in the child. */
int pool_fork_slot(void);
void pool_fork_done(int slot, long pid);
void pool_fork_child(int slot);

/* A child was reaped: free what it held. */
void pool_reap(int pid);

/* An instance's processes that are gone: free what they held. */
int pool_reap_gone(void);

/* The process is ending: no pool call may be left half done. */
void pool_exit(void);
/* Around an execve (@before: about to; else it failed). */
void pool_exec(bool before);

/* Wake or start the helper thread if there is background work. */
void pool_kick(void);

/* The --stats lines (text or JSON members) about the pool. */
int pool_stats_format(char *buf, size_t size, bool json);

#endif
