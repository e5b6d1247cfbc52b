// SPDX-License-Identifier: MIT
/*
 * A thread sends itself signals (raise, kill, tgkill) with a handler
 * installed, and checks that each handler runs before the call returns,
 * on the stack it was set up for, and that the mask is the same after.
 * The output is fixed.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static char altstack[64 * 1024];
static volatile int on_alt;

static void handler(int sig)
{
	char here;

	got++;
	on_alt = &here >= altstack && &here < altstack + sizeof(altstack);
	(void)sig;
}

static void show_mask(const char *when)
{
	sigset_t m;

	sigprocmask(SIG_BLOCK, NULL, &m);
	printf("%s: SIGUSR1 blocked %d, SIGSYS blocked %d\n", when,
	       sigismember(&m, SIGUSR1), sigismember(&m, SIGSYS));
}

int main(void)
{
	struct sigaction sa;
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	int i;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	show_mask("before");
	for (i = 0; i < 3; i++) {
		raise(SIGUSR1);
		printf("raise %d: handler ran %d times\n", i, (int)got);
	}
	kill(getpid(), SIGUSR1);
	printf("kill: handler ran %d times\n", (int)got);
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR1);
	printf("tgkill: handler ran %d times\n", (int)got);

	sigaltstack(&ss, NULL);
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK: handler ran %d times, on the sigaltstack %d\n",
	       (int)got, on_alt);
	show_mask("after");
	return got == 6 ? 0 : 1;
}
