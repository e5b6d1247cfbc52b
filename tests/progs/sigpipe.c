// SPDX-License-Identifier: MIT
/*
 * Writing to a pipe nobody reads raises SIGPIPE in the writing thread:
 * with a handler, the handler runs and write gives EPIPE; ignored, write
 * gives EPIPE; by default the process dies of SIGPIPE.  Under
 * --offload=proxy the write is the proxy's, the signal still the
 * caller's.  The output is fixed; the exit is death by SIGPIPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_pipe(int sig)
{
	(void)sig;
	handled++;
}

static void try_write(const char *how)
{
	int fds[2];
	ssize_t n;
	int e;

	if (pipe(fds))
		return;
	close(fds[0]);
	handled = 0;
	n = write(fds[1], "x", 1);
	e = errno;
	printf("%s: write returned %zd (%s), handler ran %d times\n", how, n,
	       n < 0 ? strerrorname_np(e) : "ok", (int)handled);
	close(fds[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, on_pipe);
	try_write("handler");
	signal(SIGPIPE, SIG_IGN);
	try_write("ignored");
	signal(SIGPIPE, SIG_DFL);
	try_write("default");
	printf("still alive: wrong\n");
	return 1;
}
