// SPDX-License-Identifier: MIT
/*
 * spawntime: run a command once and print its wall time, from just before
 * it is started to just after it has been waited for.
 *
 *   spawntime PROG [ARGS...]
 *
 * Prints "@wall VALUE ms" on stdout (the command's own stdout passes
 * through) and exits with the command's status, or 128+N if a signal N
 * killed it.  The command is started with posix_spawnp, the cheapest way
 * glibc has, so the figure is dominated by the command itself.
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <sys/wait.h>

#include "bench.h"

extern char **environ;

int main(int argc, char **argv)
{
	double t0, t1;
	pid_t pid;
	int err, status;

	if (argc < 2)
		fail("usage: spawntime PROG [ARGS...]");

	t0 = now_ns();
	err = posix_spawnp(&pid, argv[1], NULL, NULL, argv + 1, environ);
	if (err)
		fail("cannot start %s: %s", argv[1], strerror(err));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid: %s", strerror(errno));
	t1 = now_ns();

	/* The command's output comes first: flush nothing of ours before. */
	metric("wall", (t1 - t0) / 1e6, "ms");
	fflush(stdout);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
