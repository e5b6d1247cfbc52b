// SPDX-License-Identifier: MIT
/*
 * The memory manager's edges: its LWK options and how they cross execve,
 * its descriptors (which the program may not close), the exit hook and
 * the --stats lines.  The work is in pool.c, space.c, mmap.c and fork.c.
 */
#include "mm.h"
#include "pool.h"
#include "../lib/lib.h"

static const char *const fd_option[TANDEM_NR_POOLS] = {
	"--lwk-pool-fd=", "--lwk-pool2m-fd=", "--lwk-pool1g-fd=",
};

void mm_options_init(void)
{
	int id;

	for (id = 0; id < TANDEM_NR_POOLS; id++)
		lwk_proc.cfg.pool_fd[id] = -1;
}

bool mm_parse_option(const char *arg)
{
	struct lwk_config *c = &lwk_proc.cfg;
	u64 v;
	int id;

	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		size_t n = strlen(fd_option[id]);

		if (!strncmp(arg, fd_option[id], n) && !parse_u64(arg + n, &v) &&
		    v < (1U << 20)) {
			c->pool_fd[id] = (int)v;
			return true;
		}
	}
	if (str_starts(arg, "--lwk-page-size=") && !parse_u64(arg + 16, &v) &&
	    (v == 12 || v == 21 || v == 30)) {
		c->page_shift_max = (u32)v;
		return true;
	}
	if (str_starts(arg, "--lwk-heap-step=") && !parse_u64(arg + 16, &v)) {
		c->heap_step = v;
		return true;
	}
	return false;
}

int mm_exec_options(const char **out)
{
	static char buf[MM_EXEC_OPTIONS][48];
	const struct lwk_config *c = &lwk_proc.cfg;
	int n = 0, id;

	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		if (c->pool_fd[id] < 0)
			continue;
		snprintf(buf[n], sizeof(buf[n]), "%s%d", fd_option[id],
			 c->pool_fd[id]);
		out[n] = buf[n];
		n++;
	}
	if (c->page_shift_max) {
		snprintf(buf[n], sizeof(buf[n]), "--lwk-page-size=%u",
			 c->page_shift_max);
		out[n] = buf[n];
		n++;
	}
	if (c->heap_step) {
		snprintf(buf[n], sizeof(buf[n]), "--lwk-heap-step=%llu",
			 (unsigned long long)c->heap_step);
		out[n] = buf[n];
		n++;
	}
	return n;
}

int mm_reap_gone(void)
{
	return pool_reap_gone();
}

void mm_exit(void)
{
	pool_exit();
}

void mm_exec(bool before)
{
	pool_exec(before);
}

int mm_stats_format(char *buf, size_t size, bool json)
{
	return pool_stats_format(buf, size, json);
}
