/* SPDX-License-Identifier: MIT */
/*
 * The time-stamp counter: a clock cheap enough to read twice per system
 * call.  Its rate is calibrated against CLOCK_MONOTONIC by whoever turns
 * cycles into time (kernel/stats.c).
 */
#ifndef TANDEM_ARCH_TSC_H
#define TANDEM_ARCH_TSC_H

#include "../../types.h"

static inline u64 arch_tsc(void)
{
	return __builtin_ia32_rdtsc();
}

#endif
