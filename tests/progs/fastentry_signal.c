// SPDX-License-Identifier: MIT
/*
 * fastentry_signal: signal handlers that make system calls, while the
 * code they interrupt is making system calls through the same kind of
 * (rewritten) sites:
 *   - a 100 us interval timer whose handler calls getpid, getppid and
 *     write-to-a-pipe through inline sites while main loops over them;
 *   - the same handler on a sigaltstack (SA_ONSTACK);
 *   - a handler interrupting a blocking read, which then fails with EINTR;
 *   - a handler that blocks and unblocks signals with sigprocmask.
 * Prints yes/no answers, the same natively and under tandem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "sites.h"

static long pid, ppid;
static int pipefd[2];
static volatile sig_atomic_t handled, handler_bad;

static long inline_write(int fd, const void *buf, long n)
{
	long ret;

	__asm__ volatile("mov $1, %%eax\n\tsyscall"
			 : "=a"(ret) : "D"(fd), "S"(buf), "d"(n)
			 : "rcx", "r11", "memory");
	return ret;
}

static void on_alarm(int sig)
{
	char c = 'x';
	int saved = errno;

	(void)sig;
	if (inline_getpid() != pid || inline_getppid() != ppid ||
	    inline_write(pipefd[1], &c, 1) != 1)
		handler_bad = 1;
	handled++;
	errno = saved;
}

static void on_alarm_masking(int sig)
{
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, &old) ||
	    sigprocmask(SIG_SETMASK, &old, NULL))
		handler_bad = 1;
	on_alarm(sig);
}

static void drain(void)
{
	char buf[4096];

	while (read(pipefd[0], buf, sizeof(buf)) > 0)
		;
}

static void timer(long usec)
{
	struct itimerval it = {
		.it_interval = { 0, usec },
		.it_value = { 0, usec },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

/* Loop over calls until the handler ran `want` times. */
static int busy_calls(int want)
{
	long loops = 0;
	int bad = 0;

	handled = 0;
	timer(100);
	while (handled < want && loops < 50000000) {
		if (inline_getpid() != pid || inline_getppid() != ppid)
			bad = 1;
		if ((loops++ & 255) == 0)
			drain();
	}
	timer(0);
	drain();
	return !bad && handled >= want;
}

static void install(void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(SIGALRM, &sa, NULL);
}

int main(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	char buf[16];
	long n;

	pid = getpid();
	ppid = getppid();
	if (pipe(pipefd))
		return 1;
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);

	install(on_alarm, SA_RESTART);
	printf("handler calls during calls: %s\n",
	       busy_calls(200) ? "yes" : "no");

	sigaltstack(&ss, NULL);
	install(on_alarm, SA_RESTART | SA_ONSTACK);
	printf("same on a sigaltstack: %s\n", busy_calls(200) ? "yes" : "no");

	install(on_alarm_masking, SA_RESTART);
	printf("handler using sigprocmask: %s\n",
	       busy_calls(200) ? "yes" : "no");

	/* A blocking read, interrupted: no SA_RESTART, so EINTR. */
	install(on_alarm, 0);
	fcntl(pipefd[0], F_SETFL, 0);
	{
		int p2[2];

		if (pipe(p2))
			return 1;
		handled = 0;
		alarm(1);
		n = read(p2[0], buf, sizeof(buf));
		printf("blocking read interrupted: %s\n",
		       n < 0 && errno == EINTR && handled == 1 ? "yes" : "no");
	}
	printf("handler saw right results: %s\n", handler_bad ? "no" : "yes");
	return 0;
}
