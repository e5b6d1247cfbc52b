// SPDX-License-Identifier: MIT
/*
 * A signal interrupting a blocked call, as Linux defines it: the main
 * thread blocks on an empty pipe and another thread sends it SIGUSR1.
 *
 *   read, handler without SA_RESTART: the handler runs, read gives EINTR
 *   read, handler with SA_RESTART: the handler runs, read goes on and
 *     returns the bytes written after the signals
 *   poll, handler with SA_RESTART: poll is never restarted: EINTR
 *   read afterwards: an earlier interrupt does not leak into it
 *
 * The sender waits until the main thread is asleep (its /proc state)
 * before each signal, and repeats a signal that may have come too early.
 * An alarm ends a hung run.  The output is fixed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static int fds[2];
static int main_tid;
static pthread_t main_thread;
static atomic_int phase;		/* what the sender should do next */
static atomic_int call_done;		/* the main thread's call returned */
static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void set_handler(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
}

static void wait_main_asleep(void)
{
	int i;

	for (i = 0; i < 5000 && task_state(0, main_tid) != 'S'; i++)
		sleep_ms(1);
	sleep_ms(20);
}

/* Phase 1 and 3: signal until the call returns. Phase 2: signal, write. */
static void *sender(void *arg)
{
	int p, i;

	(void)arg;
	for (;;) {
		while (!(p = atomic_load(&phase)))
			sleep_ms(1);
		if (p < 0)
			return NULL;
		if (p == 1 || p == 3) {
			while (!atomic_load(&call_done)) {
				wait_main_asleep();
				if (!atomic_load(&call_done))
					pthread_kill(main_thread, SIGUSR1);
				sleep_ms(100);
			}
		} else if (p == 2) {
			for (i = 0; i < 3; i++) {
				wait_main_asleep();
				pthread_kill(main_thread, SIGUSR1);
			}
			wait_main_asleep();
			if (write(fds[1], "data", 4) != 4)
				exit(1);
		}
		atomic_store(&phase, 0);
	}
}

static void start(int p)
{
	handled = 0;
	atomic_store(&call_done, 0);
	atomic_store(&phase, p);
}

static void finish(void)
{
	atomic_store(&call_done, 1);
	while (atomic_load(&phase) > 0)
		sleep_ms(1);
}

int main(void)
{
	struct pollfd pfd;
	pthread_t t;
	char buf[16];
	ssize_t n;
	int r, e;

	alarm(30);
	setvbuf(stdout, NULL, _IONBF, 0);
	main_tid = (int)syscall(SYS_gettid);
	main_thread = pthread_self();
	if (pipe(fds)) {
		perror("pipe");
		return 1;
	}
	pthread_create(&t, NULL, sender, NULL);

	set_handler(0);
	start(1);
	n = read(fds[0], buf, sizeof(buf));
	e = errno;
	finish();
	printf("read, no SA_RESTART: returned %zd (%s), handler ran: %s\n", n,
	       n < 0 ? strerrorname_np(e) : "data", handled ? "yes" : "no");

	set_handler(SA_RESTART);
	start(2);
	n = read(fds[0], buf, sizeof(buf));
	e = errno;
	finish();
	printf("read, SA_RESTART: returned %zd (%.*s), handler ran: %s\n", n,
	       n > 0 ? (int)n : 0, buf, handled >= 1 ? "yes" : "no");
	if (n < 0)
		printf("  errno %s\n", strerrorname_np(e));

	start(3);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	r = poll(&pfd, 1, -1);
	e = errno;
	finish();
	printf("poll, SA_RESTART: returned %d (%s), handler ran: %s\n", r,
	       r < 0 ? strerrorname_np(e) : "ready", handled ? "yes" : "no");

	if (write(fds[1], "more", 4) != 4)
		return 1;
	n = read(fds[0], buf, sizeof(buf));
	printf("read afterwards: returned %zd (%.*s)\n", n, n > 0 ? (int)n : 0,
	       buf);

	atomic_store(&phase, -1);
	pthread_join(t, NULL);
	return 0;
}
