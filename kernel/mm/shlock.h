/* SPDX-License-Identifier: MIT */
/*
 * Robust mutexes between the processes of a run: a 32-bit word in shared
 * memory (the pool state) that records its holder's Linux tid, so a holder
 * that died holding it (killed by a signal, or by its process's exit while
 * it held the lock) is detected and the lock taken over, as Linux's robust
 * futexes do (whose list belongs to the program's libc, so cannot serve).
 *
 * The word: 0 when free, else the holder's tid, with SHLOCK_WAITERS set
 * once someone sleeps on it.  Holders may block in Linux while they hold
 * one; what a shlock guards must be safe to redo from the start, since a
 * new holder may find the work of a dead one half done.
 */
#ifndef TANDEM_KERNEL_MM_SHLOCK_H
#define TANDEM_KERNEL_MM_SHLOCK_H

#include "../types.h"

#define SHLOCK_WAITERS		0x80000000U
/* A waiter checks its holder this often (ns). */
#define SHLOCK_POLL_NS		(50 * 1000 * 1000)

/*
 * shlock_lock - take the lock in word @w, sleeping while another live
 * thread holds it.  Returns 0, or the tid of a dead holder it was taken
 * from (the caller may say so).
 */
int shlock_lock(u32 *w);

/* shlock_unlock - let go of the lock in @w, waking one sleeper. */
void shlock_unlock(u32 *w);

/*
 * The spinning kind, for short sections whose holders never block: the
 * word holds the holder's @id (a pid or tid, never 0), and a waiter that
 * has spun for a while (RSPIN_CHECK pauses, a few ms) asks /proc whether
 * that holder is still there.  What it guards must be made whole again
 * by the taker (the buddy allocator's undo log).
 */
#define RSPIN_CHECK		(1U << 16)

/*
 * rspin_lock - take the lock in word @w for @id.  Returns 0, or the id of
 * a dead holder it was taken from.
 */
int rspin_lock(u32 *w, u32 id);

/* rspin_unlock - let go of the lock in @w. */
static inline void rspin_unlock(u32 *w)
{
	__atomic_store_n(w, 0, __ATOMIC_RELEASE);
}

#endif
