/* SPDX-License-Identifier: MIT */
/*
 * What else disturbs reserved cores, and what of it can be changed at run
 * time: device interrupts can be steered (/proc/irq/N/smp_affinity);
 * timer ticks, per-CPU kernel threads, RCU callbacks and unbound kernel
 * work cannot, without boot parameters or settings tandem does not touch.
 */
#ifndef TANDEM_LINUX_IRQ_H
#define TANDEM_LINUX_IRQ_H

#include "util.h"

/*
 * irq_isolate - steer every device interrupt, and the default for new
 * ones, to LINUX_CPUS.  The old masks go into REC (irq.N, irq.default);
 * prints what moved and what the kernel refused.  Never fails: what
 * cannot move is reported.
 */
void irq_isolate(const cpu_set_t *linux_cpus, struct kv *rec);

/* irq_restore - put back the masks REC holds; 0 or TDM_EFAIL. */
int irq_restore(struct kv *rec);

/* iso_report - say plainly what stays on LWK_CPUS without boot options. */
void iso_report(const cpu_set_t *lwk);

#endif
