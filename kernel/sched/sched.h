/* SPDX-License-Identifier: MIT */
/*
 * Threads on the LWK: placement on the partition's cores and the local
 * futexes.
 */
#ifndef TANDEM_KERNEL_SCHED_H
#define TANDEM_KERNEL_SCHED_H

#include "../lwk.h"

/* Default busy-wait before a futex waiter blocks in Linux, in ns. */
#define FUTEX_SPIN_NS_DEFAULT	20000

/* place.c */
void sched_boot(void);
void sched_thread_start(struct lwk_thread *t);
void sched_child_place(struct lwk_thread *parent, struct lwk_thread *child);
void sched_child_pin(struct lwk_thread *parent, struct lwk_thread *child,
		     long tid);
void sched_thread_exit(struct lwk_thread *t);
void sched_process_exit(void);
void sched_after_fork(struct lwk_thread *t);

/* futex.c */
void futex_after_fork(void);
void futex_thread_exit(struct lwk_thread *t);

#endif
