// SPDX-License-Identifier: MIT
/*
 * Signal handlers that interrupt a blocked call and need a deep stack, as
 * Linux runs them: on the thread's own stack below the call's, or on its
 * sigaltstack for SA_ONSTACK (usage: deephandler GROUP; see main).
 *
 *   read[-restart]          the main thread blocked in read on a pipe
 *   futex[-restart]         another thread blocked in sem_wait
 *   read-onstack[-restart]  SA_ONSTACK on a 64 KiB sigaltstack
 *   futex-onstack           the same in the sem_wait thread
 *   longjmp[-nomask]        300 rounds left with siglongjmp (nomask:
 *                           no call between the jump and the next read)
 *   nested                  a deep handler's own blocked read interrupted
 *                           by one that siglongjmps back into it
 *
 * A deep handler uses DEEP bytes of stack and makes system calls.  Only
 * results and yes/no are printed, so two runs compare as text.  Exits 1
 * when a check fails.
 */
#include "report.h"

#include <alloca.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

#define DEEP		(1024 * 1024)
#define ALT_SIZE	(64 * 1024)
#define STACK_SPAN	(8UL * 1024 * 1024)	/* the stack rlimit's usual 8 MiB */

static int pipe_fds[2], pipe2_fds[2];
static pid_t main_tid, waiter_tid;
static sem_t sem;
static char *alt_base;

/* What the handler saw: filled by it, checked by main. */
static volatile uintptr_t stack_top;	/* a local of the interrupted thread */
static volatile int hits, on_stack, on_alt, calls_ok;
static volatile int waiter_done;
static volatile long waiter_ret;
static volatile int waiter_errno;

static int in_stack(uintptr_t a)
{
	return a < stack_top && stack_top - a < STACK_SPAN;
}

static int in_alt(uintptr_t a)
{
	return a >= (uintptr_t)alt_base && a < (uintptr_t)alt_base + ALT_SIZE;
}

/* Use n bytes of stack and the LWK; true if the calls answered right. */
__attribute__((noinline)) static int use_stack(size_t n)
{
	char *p = alloca(n);
	struct timespec ts = { 0, 0 };

	memset(p, 1, n);
	__asm__ volatile("" : : "r"(p) : "memory");
	return p[n / 2] == 1 && syscall(SYS_getpid) == getpid() &&
	       syscall(SYS_gettid) == gettid() && nanosleep(&ts, NULL) == 0;
}

static void on_deep(int sig)
{
	volatile int local = sig;

	on_stack = in_stack((uintptr_t)&local);
	calls_ok = use_stack(DEEP);
	hits++;
}

static void on_small(int sig)
{
	volatile int local = sig;

	on_alt = in_alt((uintptr_t)&local);
	calls_ok = use_stack(1024);
	hits++;
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	if (sigaction(sig, &sa, NULL))
		die("sigaction");
}

static void setup_alt(void)
{
	stack_t ss = { .ss_size = ALT_SIZE };

	alt_base = malloc(ALT_SIZE);
	if (!alt_base)
		die("malloc");
	ss.ss_sp = alt_base;
	if (sigaltstack(&ss, NULL))
		die("sigaltstack");
}

/* Wait (at most 5 s) until the handler ran. */
static void wait_hits(int n)
{
	int i;

	for (i = 0; i < 5000 && hits < n; i++)
		sleep_ms(1);
}

/*
 * The main thread's helper: SIGUSR1 to main once it sleeps in its read,
 * then, once the handler ran and main sleeps again (the read restarted)
 * or at once (it did not), a byte for the read.
 */
struct kick {
	pthread_t main;
	int restart;
};

static void *kick_main(void *arg)
{
	const struct kick *k = arg;

	wait_asleep(0, &main_tid, 1);
	pthread_kill(k->main, SIGUSR1);
	wait_hits(1);
	if (k->restart)
		wait_asleep(0, &main_tid, 1);
	if (write(pipe_fds[1], "x", 1) != 1)
		die("write");
	return NULL;
}

static void blocked_read(int onstack, int restart)
{
	struct kick kick = { pthread_self(), restart };
	volatile int local = 0;
	pthread_t t;
	char c;
	long r;

	stack_top = (uintptr_t)&local;
	main_tid = gettid();
	if (pipe(pipe_fds))
		die("pipe");
	if (onstack)
		setup_alt();
	set_handler(SIGUSR1, onstack ? on_small : on_deep,
		    (restart ? SA_RESTART : 0) | (onstack ? SA_ONSTACK : 0));
	pthread_create(&t, NULL, kick_main, &kick);
	r = read(pipe_fds[0], &c, 1);
	show_ret("read on an empty pipe, SIGUSR1 from a thread", r);
	if (r < 0 && read(pipe_fds[0], &c, 1) != 1)
		die("read");
	pthread_join(t, NULL);
	check(hits == 1, "  the handler ran once");
	if (onstack)
		check(on_alt, "  on the alternate stack");
	else
		check(on_stack, "  on the thread's stack, below the read's");
	check(calls_ok, "  its system calls answered");
}

static void *sem_waiter(void *arg)
{
	volatile int local = 0;
	long r;

	stack_top = (uintptr_t)&local;
	if (*(int *)arg)
		setup_alt();
	waiter_tid = gettid();
	r = sem_wait(&sem);
	waiter_errno = r ? errno : 0;
	waiter_ret = r;
	waiter_done = 1;
	return NULL;
}

static void blocked_futex(int onstack, int restart)
{
	pthread_t t;
	int i;

	sem_init(&sem, 0, 0);
	set_handler(SIGUSR1, onstack ? on_small : on_deep,
		    (restart ? SA_RESTART : 0) | (onstack ? SA_ONSTACK : 0));
	pthread_create(&t, NULL, sem_waiter, &onstack);
	while (!__atomic_load_n(&waiter_tid, __ATOMIC_ACQUIRE))
		sleep_ms(1);
	wait_asleep(0, (pid_t *)&waiter_tid, 1);
	pthread_kill(t, SIGUSR1);
	wait_hits(1);
	/* Restarted, it sleeps again; else it returns now. */
	for (i = 0; i < 5000 && !restart && !waiter_done; i++)
		sleep_ms(1);
	if (restart)
		wait_asleep(0, (pid_t *)&waiter_tid, 1);
	check(waiter_done == !restart, "sem_wait returned before the post only without SA_RESTART");
	sem_post(&sem);
	pthread_join(t, NULL);
	errno = waiter_errno;
	show_ret("sem_wait in a thread, SIGUSR1 to it", waiter_ret);
	check(hits == 1, "  the handler ran once");
	if (onstack)
		check(on_alt, "  on the thread's alternate stack");
	else
		check(on_stack, "  on the thread's stack, below the wait's");
	check(calls_ok, "  its system calls answered");
}

/* Blocked reads left by siglongjmp from a deep handler, many times over. */
static sigjmp_buf jump_env;

static void on_deep_jump(int sig)
{
	on_deep(sig);
	siglongjmp(jump_env, 1);
}

/*
 * savemask 0: SA_NODEFER and no mask saved, so the blocking read is the
 * first call after each jump.
 */
static void g_longjmp(int savemask)
{
	struct itimerval it = { { 0, 0 }, { 0, 2000 } };
	volatile int local = 0, round, jumped = 0, all_on_stack = 1;
	volatile int all_ok = 1;
	char c;

	stack_top = (uintptr_t)&local;
	if (pipe(pipe_fds))
		die("pipe");
	set_handler(SIGALRM, on_deep_jump, savemask ? 0 : SA_NODEFER);
	for (round = 0; round < 300; round++) {
		on_stack = calls_ok = 0;
		if (sigsetjmp(jump_env, savemask) == 0) {
			setitimer(ITIMER_REAL, &it, NULL);
			if (read(pipe_fds[0], &c, 1) < 0)
				break;
			continue;
		}
		jumped++;
		all_on_stack &= on_stack;
		all_ok &= calls_ok;
	}
	check(jumped == 300, "300 blocked reads left by siglongjmp from a deep handler");
	check(all_on_stack, "  every handler ran on the thread's stack");
	check(all_ok, "  and its system calls answered");
}

/*
 * SIGUSR1's deep handler blocks in a read of its own; SIGUSR2's deep
 * handler interrupts it and siglongjmps back into the first, which then
 * blocks and is interrupted once more (SIGUSR2 returning this time), and
 * returns: main's read ends with EINTR.
 */
static sigjmp_buf inner_env;
static volatile int inner_jumped, second_eintr, outer_ok, jump_back = 1;

static void on_inner(int sig)
{
	on_deep(sig);
	if (jump_back)
		siglongjmp(inner_env, 1);
}

static void on_outer(int sig)
{
	volatile int local = sig;
	char c;

	on_stack = in_stack((uintptr_t)&local);
	if (sigsetjmp(inner_env, 1) == 0) {
		read(pipe2_fds[0], &c, 1);
		return;
	}
	inner_jumped = 1;
	outer_ok = on_stack && use_stack(DEEP);
	jump_back = 0;
	second_eintr = read(pipe2_fds[0], &c, 1) < 0 && errno == EINTR;
	outer_ok = outer_ok && use_stack(DEEP);
}

static void *kick_nested(void *arg)
{
	pthread_t main = *(pthread_t *)arg;

	wait_asleep(0, &main_tid, 1);
	pthread_kill(main, SIGUSR1);
	wait_asleep(0, &main_tid, 1);
	pthread_kill(main, SIGUSR2);
	while (!inner_jumped)
		sleep_ms(1);
	wait_asleep(0, &main_tid, 1);
	pthread_kill(main, SIGUSR2);
	return NULL;
}

static void g_nested(void)
{
	pthread_t self = pthread_self(), t;
	volatile int local = 0;
	char c;

	stack_top = (uintptr_t)&local;
	main_tid = gettid();
	if (pipe(pipe_fds) || pipe(pipe2_fds))
		die("pipe");
	set_handler(SIGUSR1, on_outer, SA_NODEFER);
	set_handler(SIGUSR2, on_inner, SA_NODEFER);
	pthread_create(&t, NULL, kick_nested, &self);
	show_ret("read on an empty pipe, two nested deep handlers",
		 read(pipe_fds[0], &c, 1));
	pthread_join(t, NULL);
	check(inner_jumped, "  the inner handler jumped back into the outer one");
	check(second_eintr, "  whose next read ended with EINTR");
	check(outer_ok && hits == 2 && calls_ok,
	      "  both ran deep on the thread's stack, their calls answered");
}

int main(int argc, char **argv)
{
	const char *g = argc == 2 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(g, "read"))
		blocked_read(0, 0);
	else if (!strcmp(g, "read-restart"))
		blocked_read(0, 1);
	else if (!strcmp(g, "read-onstack"))
		blocked_read(1, 0);
	else if (!strcmp(g, "read-onstack-restart"))
		blocked_read(1, 1);
	else if (!strcmp(g, "futex"))
		blocked_futex(0, 0);
	else if (!strcmp(g, "futex-restart"))
		blocked_futex(0, 1);
	else if (!strcmp(g, "futex-onstack"))
		blocked_futex(1, 0);
	else if (!strcmp(g, "longjmp"))
		g_longjmp(1);
	else if (!strcmp(g, "longjmp-nomask"))
		g_longjmp(0);
	else if (!strcmp(g, "nested"))
		g_nested();
	else {
		fprintf(stderr, "usage: deephandler GROUP (see tests/progs/deephandler.c)\n");
		return 2;
	}
	return report_failed;
}
