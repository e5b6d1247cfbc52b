/* SPDX-License-Identifier: MIT */
/*
 * kmsg: the LWK's leveled log.  Every line goes into the instance's ring
 * (read by --trace output and `tandem kmsg`); errors also go to the log
 * descriptor.  Use the pr_* macros with a subsystem prefix:
 *	pr_warn("mm", "pool exhausted: %lu pages asked", n);
 */
#ifndef TANDEM_KERNEL_KMSG_H
#define TANDEM_KERNEL_KMSG_H

#include "types.h"

enum kmsg_level {
	KMSG_ERR = 3,
	KMSG_WARN = 4,
	KMSG_INFO = 6,
	KMSG_DEBUG = 7,
};

void kmsg_log(int level, const char *subsys, const char *fmt, ...)
	__printf(3, 4);

/* Append one already formatted line to the ring (no level prefix). */
void kmsg_append(const char *line, size_t len);

#define pr_err(sub, ...)	kmsg_log(KMSG_ERR, sub, __VA_ARGS__)
#define pr_warn(sub, ...)	kmsg_log(KMSG_WARN, sub, __VA_ARGS__)
#define pr_info(sub, ...)	kmsg_log(KMSG_INFO, sub, __VA_ARGS__)
#define pr_debug(sub, ...)	kmsg_log(KMSG_DEBUG, sub, __VA_ARGS__)

#endif
