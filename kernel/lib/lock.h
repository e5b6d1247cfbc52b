/* SPDX-License-Identifier: MIT */
/*
 * Spin locks for the LWK core.
 *
 * A spinlock_t is a single 32-bit word, so it may live in memory shared by
 * several LWK processes (the pool's state does).  Holders must not block in
 * Linux while they hold one.  Callers that can be interrupted by a program
 * signal whose handler may take the same lock use the _irqsave variants from
 * the platform (plat_irq_save) around it.
 */
#ifndef TANDEM_KERNEL_LOCK_H
#define TANDEM_KERNEL_LOCK_H

#include "../types.h"

typedef struct {
	u32 locked;
} spinlock_t;

#define SPINLOCK_INIT	{ 0 }

static inline void spin_init(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

static inline bool spin_trylock(spinlock_t *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
