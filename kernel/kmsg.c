// SPDX-License-Identifier: MIT
/*
 * The kmsg ring: a byte ring in the shared instance page.  Writers reserve
 * space with an atomic add on the head, so no lock is held and a signal
 * handler that logs cannot deadlock; a reader that falls a full ring behind
 * loses the oldest lines, never the newest.
 */
#include "kmsg.h"
#include "lwk.h"
#include "lib/lib.h"

static const char *level_name(int level)
{
	switch (level) {
	case KMSG_ERR:
		return "err";
	case KMSG_WARN:
		return "warn";
	case KMSG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void kmsg_append(const char *line, size_t len)
{
	struct tandem_instance *inst = lwk_proc.inst;
	u64 head;
	size_t i;

	if (!inst)
		return;
	head = __atomic_fetch_add(&inst->kmsg_head, len, __ATOMIC_RELAXED);
	for (i = 0; i < len; i++)
		inst->kmsg[(head + i) % TANDEM_KMSG_SIZE] = line[i];
}

void kmsg_log(int level, const char *subsys, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n, pre;

	pre = snprintf(line, sizeof(line), "<%s> %d ", level_name(level),
		       lwk_proc.pid);
	n = pre + snprintf(line + pre, sizeof(line) - pre, "%s: ", subsys);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	kmsg_append(line, n);
	if (level <= KMSG_ERR) {
		plat_log_write("tandem: ", 8);
		plat_log_write(line + pre, n - pre);
	}
}
