// SPDX-License-Identifier: MIT
/*
 * A handler that leaves offloaded calls with siglongjmp, many times: a
 * 1 ms ITIMER_REAL sends SIGALRM while the program calls getppid() in a
 * loop, and the handler jumps back to the sigsetjmp before the loop.
 * Under --offload=proxy each jump abandons a proxied call at a random
 * point of its life (before it is posted, while it runs, after it is
 * done), and the next call must go on from there.  The jump buffer is
 * set before the timer starts, so no signal can find it empty.  The
 * harness's timeout ends a hung run.  The output is fixed.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

#include "report.h"

#define JUMPS	2000

static sigjmp_buf jump;
static volatile int jumps;

static void on_alrm(int sig)
{
	(void)sig;
	jumps++;
	siglongjmp(jump, 1);
}

int main(void)
{
	struct itimerval on = { { 0, 1000 }, { 0, 1000 } }, off = { 0 };
	struct sigaction sa = { .sa_handler = on_alrm };
	volatile long calls = 0;
	pid_t parent = getppid();
	sigset_t mask;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (sigaction(SIGALRM, &sa, NULL))
		die("sigaction");
	if (sigsetjmp(jump, 1) == 0 && setitimer(ITIMER_REAL, &on, NULL))
		die("setitimer");
	while (jumps < JUMPS) {
		calls++;
		if (getppid() != parent) {
			printf("getppid changed: wrong\n");
			return 1;
		}
	}
	if (setitimer(ITIMER_REAL, &off, NULL))
		die("setitimer");
	sigprocmask(SIG_BLOCK, NULL, &mask);
	printf("left %d calls with siglongjmp: yes\n", JUMPS);
	check(calls > JUMPS, "calls made between the jumps");
	check(!sigismember(&mask, SIGALRM), "SIGALRM unblocked after the jumps");
	check(getppid() == parent, "a call after the timer stopped works");
	return report_failed;
}
