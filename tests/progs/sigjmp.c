// SPDX-License-Identifier: MIT
/*
 * A handler that leaves a blocked read with siglongjmp: the main thread
 * blocks in read() on an empty pipe, another thread sends it SIGUSR1
 * (installed with signal(), so SA_RESTART) once it is asleep, and the
 * handler jumps out.  Three times; then a read of bytes that are there
 * must return them.  Under --offload=proxy the abandoned calls must not
 * leave the proxy blocked.  An alarm ends a hung run.  The output is
 * fixed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static sigjmp_buf jump;
static int fds[2];
static int main_tid;
static pthread_t main_thread;
static atomic_int rounds_to_send;

static void on_usr1(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

/* Signal the main thread whenever it is asleep and a round is due. */
static void *sender(void *arg)
{
	(void)arg;
	while (atomic_load(&rounds_to_send) > 0) {
		if (task_state(0, main_tid) == 'S') {
			sleep_ms(10);
			if (task_state(0, main_tid) == 'S') {
				atomic_fetch_sub(&rounds_to_send, 1);
				pthread_kill(main_thread, SIGUSR1);
			}
		}
		sleep_ms(5);
	}
	return NULL;
}

int main(void)
{
	volatile int jumps = 0;
	pthread_t t;
	char buf[16];
	ssize_t n;

	alarm(20);
	setvbuf(stdout, NULL, _IONBF, 0);
	main_tid = (int)syscall(SYS_gettid);
	main_thread = pthread_self();
	if (pipe(fds)) {
		perror("pipe");
		return 1;
	}
	signal(SIGUSR1, on_usr1);
	atomic_store(&rounds_to_send, 3);
	pthread_create(&t, NULL, sender, NULL);

	sigsetjmp(jump, 1);
	if (jumps > 0)
		printf("jumped out of read %d\n", jumps);
	if (jumps < 3) {
		jumps++;
		n = read(fds[0], buf, sizeof(buf));
		printf("read returned %zd: wrong\n", n);
		return 1;
	}
	pthread_join(t, NULL);
	if (write(fds[1], "abc", 3) != 3)
		return 1;
	n = read(fds[0], buf, sizeof(buf));
	printf("read afterwards: %zd (%.*s)\n", n, n > 0 ? (int)n : 0, buf);
	return 0;
}
