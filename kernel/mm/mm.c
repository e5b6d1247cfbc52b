// SPDX-License-Identifier: MIT
/*
 * The memory manager's edges: its LWK options and how they cross execve,
 * its descriptors (which the program may not close), the exit hook and
 * the --stats lines.  The work is in pool.c, space.c, mmap.c and fork.c.
 */
#include "mm.h"
#include "pool.h"
#include "../lib/lib.h"
#include "../arch/x86_64/unistd.h"

static const char *const fd_option[TANDEM_NR_POOLS] = {
	"--lwk-pool-fd=", "--lwk-pool2m-fd=", "--lwk-pool1g-fd=",
};

/* The program's RLIMIT_AS and RLIMIT_DATA came with the options. */
static bool rlim_as_given, rlim_data_given;

/* "CUR:MAX" in decimal; false if @s is not that. */
static bool parse_rlimit(const char *s, struct k_rlimit *out)
{
	char num[24];
	const char *colon = strchr(s, ':');
	size_t n;

	if (!colon || (n = (size_t)(colon - s)) >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	return !parse_u64(num, &out->cur) && !parse_u64(colon + 1, &out->max) &&
	       out->cur <= out->max;
}

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
	if (str_starts(arg, "--lwk-rlimit-as=") &&
	    parse_rlimit(arg + 16, &lwk_proc.rlim_as)) {
		rlim_as_given = true;
		return true;
	}
	if (str_starts(arg, "--lwk-rlimit-data=") &&
	    parse_rlimit(arg + 18, &lwk_proc.rlim_data)) {
		rlim_data_given = true;
		return true;
	}
	return false;
}

/* @rl as the option @name, when it is not unlimited. */
static int rlimit_option(char *buf, size_t size, const char *name,
			 const struct k_rlimit *rl)
{
	if (rl->cur == RLIM_INFINITY && rl->max == RLIM_INFINITY)
		return 0;
	snprintf(buf, size, "%s%llu:%llu", name, (unsigned long long)rl->cur,
		 (unsigned long long)rl->max);
	return 1;
}

int mm_exec_options(const char **out, char (*buf)[64])
{
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
	if (rlimit_option(buf[n], sizeof(buf[n]), "--lwk-rlimit-as=",
			  &lwk_proc.rlim_as)) {
		out[n] = buf[n];
		n++;
	}
	if (rlimit_option(buf[n], sizeof(buf[n]), "--lwk-rlimit-data=",
			  &lwk_proc.rlim_data)) {
		out[n] = buf[n];
		n++;
	}
	return n;
}

/*
 * The program's limit @res is @rl (Linux's at the run's start); Linux's
 * soft limit goes up to its hard one, so that the LWK's own mappings (the
 * pool windows, the areas) have the room the program's limit leaves them.
 */
static void boot_limit(int res, struct k_rlimit *rl, bool given)
{
	struct k_rlimit linux_rl;

	if (linux_call4(NR_prlimit64, 0, res, NULL, &linux_rl)) {
		if (!given)
			*rl = (struct k_rlimit){ RLIM_INFINITY, RLIM_INFINITY };
		return;
	}
	if (!given)
		*rl = linux_rl;
	if (linux_rl.cur != linux_rl.max) {
		linux_rl.cur = linux_rl.max;
		linux_call4(NR_prlimit64, 0, res, &linux_rl, NULL);
	}
}

void mm_boot_limits(void)
{
	boot_limit(RLIMIT_AS, &lwk_proc.rlim_as, rlim_as_given);
	boot_limit(RLIMIT_DATA, &lwk_proc.rlim_data, rlim_data_given);
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
