/* SPDX-License-Identifier: MIT */
/*
 * Sequence locks for small tables that are read often and changed rarely:
 * readers take no lock and retry when a writer ran meanwhile; writers
 * serialise on a spinlock.
 *
 * A writer must keep program signals blocked (plat_irq_save) while it
 * holds the lock: a handler on the same thread that read the table would
 * otherwise spin forever on the odd sequence.  Readers need no such care.
 */
#ifndef TANDEM_KERNEL_SEQLOCK_H
#define TANDEM_KERNEL_SEQLOCK_H

#include "lock.h"

typedef struct {
	spinlock_t lock;		/* serialises writers */
	u32 seq;			/* odd while a writer changes the data */
} seqlock_t;

#define SEQLOCK_INIT	{ SPINLOCK_INIT, 0 }

static inline void seq_write_begin(seqlock_t *s)
{
	spin_lock(&s->lock);
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void seq_write_end(seqlock_t *s)
{
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
	spin_unlock(&s->lock);
}

/* Start a read: returns the sequence to hand to seq_read_retry(). */
static inline u32 seq_read_begin(const seqlock_t *s)
{
	u32 seq;

	while ((seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE)) & 1)
		__builtin_ia32_pause();
	return seq;
}

/* Did a writer change the data since seq_read_begin()?  Then read again. */
static inline bool seq_read_retry(const seqlock_t *s, u32 seq)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->seq, __ATOMIC_RELAXED) != seq;
}

#endif
