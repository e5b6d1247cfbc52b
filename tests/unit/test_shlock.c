// SPDX-License-Identifier: MIT
/*
 * Unit tests for the robust lock between processes (kernel/mm/shlock.c),
 * built on the host: a word in a shared mapping, taken by forked
 * processes.  A live holder keeps the lock however long it holds it; a
 * holder that ends holding it (a zombie, or reaped) loses it to the next
 * waiter within a few polls.  Each case runs in its own child process and
 * prints "ok <name>" or "FAIL <name>: <why>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <errno.h>

/* <sys/wait.h>, <sys/mman.h> and <signal.h> bring names the LWK's ABI
 * header defines itself; these are all this test needs of them. */
pid_t waitpid(pid_t pid, int *status, int options);

/* libc's string functions stand in for the LWK's (see test_trace.c). */
#define TANDEM_KERNEL_LIB_H
#include "../../kernel/mm/shlock.c"

long plat_linux_call(long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);

	return r == -1 ? -errno : r;
}

#include "unit.h"

static u32 *word;		/* the lock, in a shared mapping */

/* A lock never taken over fails its case, and does not hang the suite. */
static void run(const char *name, void (*fn)(void))
{
	*word = 0;
	run_case(name, fn, 10);
}

static long now_ms(void)
{
	struct k_timespec ts;

	syscall(SYS_clock_gettime, 1 /* CLOCK_MONOTONIC */, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static u32 tid(void)
{
	return (u32)syscall(SYS_gettid);
}

/* Fork a child that takes the lock, holds it @ms, then lets go (or not). */
static pid_t holder(int ms, bool unlock)
{
	pid_t pid = fork();

	if (pid == 0) {
		shlock_lock(word);
		usleep((useconds_t)ms * 1000);
		if (unlock)
			shlock_unlock(word);
		_exit(0);
	}
	CHECK(pid > 0, "fork failed");
	while (!__atomic_load_n(word, __ATOMIC_ACQUIRE))
		usleep(1000);
	return pid;
}

static void case_uncontended(void)
{
	CHECK(shlock_lock(word) == 0, "a free lock was taken over");
	CHECK(*word == tid(), "word %#x, wanted the holder's tid %#x", *word,
	      tid());
	shlock_unlock(word);
	CHECK(*word == 0, "word %#x after unlock", *word);
}

/* A live holder keeps the lock across many polls; the waiter sleeps. */
static void case_live_holder_kept(void)
{
	pid_t pid = holder(400, true);
	long t0 = now_ms(), waited;
	int st;

	CHECK(shlock_lock(word) == 0, "taken over from a live holder");
	waited = now_ms() - t0;
	CHECK(waited >= 300, "had the lock after %ld ms of a 400 ms hold",
	      waited);
	CHECK(*word == (tid() | SHLOCK_WAITERS), "word %#x", *word);
	shlock_unlock(word);
	waitpid(pid, &st, 0);
}

/* A holder that ended holding it, not reaped yet (a zombie). */
static void case_zombie_holder(void)
{
	pid_t pid = holder(0, false);
	long t0 = now_ms();
	int dead, st;

	usleep(50 * 1000);
	dead = shlock_lock(word);
	CHECK(dead == pid, "took over from %d, wanted the dead %d", dead, pid);
	CHECK(now_ms() - t0 < 2000, "took %ld ms", now_ms() - t0);
	shlock_unlock(word);
	waitpid(pid, &st, 0);
}

/* A holder that ended holding it and is reaped: its tid is gone. */
static void case_reaped_holder(void)
{
	pid_t pid = holder(0, false);
	int st;

	waitpid(pid, &st, 0);
	CHECK(shlock_lock(word) == pid, "not taken over from reaped %d", pid);
	CHECK(*word == (tid() | SHLOCK_WAITERS), "word %#x", *word);
	shlock_unlock(word);
}

/* Several waiters, one holder that dies: each gets the lock in turn. */
static void case_waiters_after_death(void)
{
	pid_t pid = holder(100, false), w[3];
	int i, st, ok = 0;

	for (i = 0; i < 3; i++) {
		w[i] = fork();
		if (w[i] == 0) {
			shlock_lock(word);
			usleep(10 * 1000);
			shlock_unlock(word);
			_exit(0);
		}
	}
	for (i = 0; i < 3; i++)
		if (waitpid(w[i], &st, 0) == w[i] && st == 0)
			ok++;
	waitpid(pid, &st, 0);
	CHECK(ok == 3, "%d of 3 waiters got the lock", ok);
	CHECK(*word == 0, "word %#x at the end", *word);
}

int main(void)
{
	word = (u32 *)syscall(SYS_mmap, 0, 4096, 3 /* PROT_READ|WRITE */,
			      0x21 /* MAP_SHARED|MAP_ANONYMOUS */, -1, 0);
	if ((long)word < 0) {
		printf("FAIL mmap\n");
		return 1;
	}
	run("shlock/uncontended", case_uncontended);
	run("shlock/live-holder-kept", case_live_holder_kept);
	run("shlock/zombie-holder-taken-over", case_zombie_holder);
	run("shlock/reaped-holder-taken-over", case_reaped_holder);
	run("shlock/waiters-after-death", case_waiters_after_death);
	return unit_summary();
}
