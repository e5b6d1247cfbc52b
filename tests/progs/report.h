/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the test programs of threads, futexes, signals and
 * processes: one line per check, errno by name (never by message, never a
 * raw address or pid, so two runs compare as text), and a wait until given
 * threads are asleep in the kernel.
 */
#ifndef TANDEM_TESTS_REPORT_H
#define TANDEM_TESTS_REPORT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static int report_failed;

/* check OK WHAT: print "WHAT: yes" or "WHAT: NO" and remember a NO. */
static inline void check(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "yes" : "NO");
	if (!ok)
		report_failed = 1;
}

/* errname ERR: "EAGAIN" for EAGAIN; "0" for no error. */
static inline const char *errname(int err)
{
	const char *s;

	if (err == 0)
		return "0";
	s = strerrorname_np(err);
	return s ? s : "E?";
}

/*
 * show_ret WHAT RET: print a system call's result as "WHAT: = RET" or
 * "WHAT: -1 ENAME" (errno must still be the call's).
 */
static inline void show_ret(const char *what, long ret)
{
	if (ret == -1)
		printf("%s: -1 %s\n", what, errname(errno));
	else
		printf("%s: = %ld\n", what, ret);
}

/* die WHAT: a setup step failed: say which and why, exit 1. */
static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * listed_fds LISTED TOP: set LISTED[fd] for each descriptor below TOP that
 * /proc/self/fd lists (under tandem: not the LWK's own).  -1 if it cannot
 * be read.
 */
static inline int listed_fds(char *listed, int top)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (atoi(e->d_name) < top)
			listed[atoi(e->d_name)] = 1;
	closedir(d);
	return 0;
}

/* sleep_ms N: sleep N milliseconds. */
static inline void sleep_ms(int n)
{
	struct timespec ts = { n / 1000, (n % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static inline double now_on(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * task_state PID TID: the state letter of a thread from /proc (R, S, D,
 * Z, T...), or '?' when it cannot be read (the thread is gone). PID 0
 * means this process.
 */
static inline char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat",
			 (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
			 (int)tid);
	f = fopen(path, "re");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/*
 * wait_asleep PID TIDS N: wait until each of the N threads is asleep (S)
 * in two looks 20 ms apart, so each has really blocked in its wait and is
 * not just on its way. Gives up after 20 s: prints why and exits 1.
 */
static inline void wait_asleep(pid_t pid, const pid_t *tids, int n)
{
	int tries, i, asleep_twice = 0;

	for (tries = 0; tries < 2000; tries++) {
		int all = 1;

		for (i = 0; i < n; i++)
			if (task_state(pid, tids[i]) != 'S')
				all = 0;
		asleep_twice = all ? asleep_twice + 1 : 0;
		if (asleep_twice == 2)
			return;
		usleep(all ? 20000 : 10000);
	}
	printf("waiters never all went to sleep (20 s)\n");
	exit(1);
}

#endif
