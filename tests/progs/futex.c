// SPDX-License-Identifier: MIT
/*
 * The futex system call, raw (syscall(SYS_futex, ...)), one group of
 * operations per run:
 *
 *   futex GROUP private|shared     (with or without FUTEX_PRIVATE_FLAG)
 *   futex across-fork              (a shared futex between two processes)
 *
 * GROUP is timeout, bitset, errors, wake-count, requeue, cmp-requeue,
 * wake-op or eintr. Every result is printed as the value or the errno name,
 * and times only as "at least so long: yes", so the output is fixed. Before
 * waking anyone the program waits until every waiter is asleep in the
 * kernel (/proc/self/task/TID/stat), so the counts are too.
 */
#include "report.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

static int priv;		/* FUTEX_PRIVATE_FLAG or 0 */

static long fx(uint32_t *uaddr, int op, uint32_t val,
	       const struct timespec *ts, uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op | priv, val, ts, uaddr2, val3);
}

/* For REQUEUE, CMP_REQUEUE, WAKE_OP: the fourth argument is a count. */
static long fx2(uint32_t *uaddr, int op, uint32_t val, unsigned long val2,
		uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op | priv, val, val2, uaddr2, val3);
}

static struct timespec ts_of(double s)
{
	struct timespec ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	return ts;
}

/* --- waiter threads ------------------------------------------------------- */

struct waiter {
	pthread_t thread;
	pid_t tid;
	uint32_t *addr;
	uint32_t bitset;	/* 0: FUTEX_WAIT, else FUTEX_WAIT_BITSET */
	long ret;
	int err;
	int started;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->tid = gettid();
	__atomic_store_n(&w->started, 1, __ATOMIC_RELEASE);
	if (w->bitset)
		w->ret = fx(w->addr, FUTEX_WAIT_BITSET, *w->addr, NULL, NULL,
			    w->bitset);
	else
		w->ret = fx(w->addr, FUTEX_WAIT, *w->addr, NULL, NULL, 0);
	w->err = errno;
	return NULL;
}

/* start_waiters W N ADDR BITSET: N threads waiting on ADDR, all asleep. */
static void start_waiters(struct waiter *w, int n, uint32_t *addr,
			  uint32_t bitset)
{
	pid_t tids[16];
	int i;

	for (i = 0; i < n; i++) {
		w[i].addr = addr;
		w[i].bitset = bitset;
		w[i].started = 0;
		errno = pthread_create(&w[i].thread, NULL, waiter_main, &w[i]);
		if (errno)
			die("pthread_create");
	}
	for (i = 0; i < n; i++) {
		while (!__atomic_load_n(&w[i].started, __ATOMIC_ACQUIRE))
			usleep(1000);
		tids[i] = w[i].tid;
	}
	wait_asleep(0, tids, n);
}

/* join_waiters W N WHAT: join them; check each wait returned 0. */
static void join_waiters(struct waiter *w, int n, const char *what)
{
	int i, ok = 1;

	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].ret != 0) {
			printf("  waiter %d: -1 %s\n", i, errname(w[i].err));
			ok = 0;
		}
	}
	check(ok, what);
}

/* --- groups --------------------------------------------------------------- */

static void timeout_group(void)
{
	static uint32_t word;
	struct timespec ts;
	double t0, waited;
	long r;

	ts = ts_of(0.2);
	t0 = now_on(CLOCK_MONOTONIC);
	r = fx(&word, FUTEX_WAIT, 0, &ts, NULL, 0);
	waited = now_on(CLOCK_MONOTONIC) - t0;
	show_ret("FUTEX_WAIT, relative 200 ms", r);
	check(waited >= 0.19, "  waited at least 190 ms");

	/* Refused by Linux (ENOSYS): only WAIT_BITSET takes that flag. */
	ts = ts_of(0.15);
	show_ret("FUTEX_WAIT|FUTEX_CLOCK_REALTIME, relative 150 ms",
		 fx(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &ts, NULL, 0));

	ts = ts_of(0);
	show_ret("FUTEX_WAIT, zero timeout", fx(&word, FUTEX_WAIT, 0, &ts,
						 NULL, 0));

	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000;
	show_ret("FUTEX_WAIT, tv_nsec = 1e9",
		 fx(&word, FUTEX_WAIT, 0, &ts, NULL, 0));

	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	show_ret("FUTEX_WAIT, tv_sec = -1",
		 fx(&word, FUTEX_WAIT, 0, &ts, NULL, 0));
}

/* An absolute deadline on CLOCK, DELTA seconds from now. */
static void abs_wait(const char *what, clockid_t clock, int flag, double delta)
{
	static uint32_t word;
	struct timespec ts;
	double deadline;
	long r;

	deadline = now_on(clock) + delta;
	ts = ts_of(deadline);
	r = fx(&word, FUTEX_WAIT_BITSET | flag, 0, &ts, NULL,
	       FUTEX_BITSET_MATCH_ANY);
	show_ret(what, r);
	if (delta > 0)
		check(now_on(clock) >= deadline,
		      "  returned at or after the deadline");
}

static void bitset_group(void)
{
	static uint32_t word;
	struct waiter w[2];
	struct timespec ts;

	abs_wait("FUTEX_WAIT_BITSET, CLOCK_MONOTONIC deadline in 150 ms",
		 CLOCK_MONOTONIC, 0, 0.15);
	abs_wait("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, deadline in 150 ms",
		 CLOCK_REALTIME, FUTEX_CLOCK_REALTIME, 0.15);
	abs_wait("FUTEX_WAIT_BITSET, CLOCK_MONOTONIC deadline 1 s ago",
		 CLOCK_MONOTONIC, 0, -1.0);
	abs_wait("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, deadline 1 s ago",
		 CLOCK_REALTIME, FUTEX_CLOCK_REALTIME, -1.0);

	ts = ts_of(0.01);
	show_ret("FUTEX_WAIT_BITSET, bitset 0",
		 fx(&word, FUTEX_WAIT_BITSET, 0, &ts, NULL, 0));
	show_ret("FUTEX_WAKE_BITSET, bitset 0",
		 fx(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));

	/* Two waiters on one word with bitsets 0x1 and 0x2. */
	start_waiters(&w[0], 1, &word, 0x1);
	start_waiters(&w[1], 1, &word, 0x2);
	show_ret("FUTEX_WAKE_BITSET 0x4 (no waiter matches)",
		 fx(&word, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x4));
	show_ret("FUTEX_WAKE_BITSET 0x2",
		 fx(&word, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x2));
	join_waiters(&w[1], 1, "  the 0x2 waiter woke with 0");
	show_ret("FUTEX_WAKE_BITSET 0x3",
		 fx(&word, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 0x3));
	join_waiters(&w[0], 1, "  the 0x1 waiter woke with 0");

	/* A plain FUTEX_WAKE matches any bitset. */
	start_waiters(&w[0], 1, &word, 0x80);
	show_ret("FUTEX_WAKE of a bitset 0x80 waiter",
		 fx(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	join_waiters(&w[0], 1, "  its wait returned 0");
}

static void errors_group(void)
{
	static uint32_t words[2] = { 5, 0 };
	struct timespec ts = ts_of(0.01);
	void *page;

	show_ret("FUTEX_WAIT, value 4 but word is 5",
		 fx(&words[0], FUTEX_WAIT, 4, NULL, NULL, 0));
	show_ret("FUTEX_WAIT_BITSET, value 4 but word is 5",
		 fx(&words[0], FUTEX_WAIT_BITSET, 4, NULL, NULL,
		    FUTEX_BITSET_MATCH_ANY));
	show_ret("FUTEX_WAIT, misaligned address",
		 fx((uint32_t *)((char *)&words[0] + 1), FUTEX_WAIT, 0, &ts,
		    NULL, 0));
	show_ret("FUTEX_WAKE, misaligned address",
		 fx((uint32_t *)((char *)&words[0] + 2), FUTEX_WAKE, 1, NULL,
		    NULL, 0));
	show_ret("FUTEX_WAIT, NULL address",
		 fx(NULL, FUTEX_WAIT, 0, &ts, NULL, 0));

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		die("mmap");
	munmap(page, 4096);
	show_ret("FUTEX_WAIT, unmapped address",
		 fx(page, FUTEX_WAIT, 0, &ts, NULL, 0));

	show_ret("FUTEX_CMP_REQUEUE, val3 6 but word is 5",
		 fx2(&words[0], FUTEX_CMP_REQUEUE, 1, 1, &words[1], 6));
	show_ret("futex op 99", fx(&words[0], 99, 0, NULL, NULL, 0));
	show_ret("FUTEX_WAKE, no waiters",
		 fx(&words[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
}

static void wake_count_group(void)
{
	static uint32_t words[2];
	struct waiter w[5];

	start_waiters(w, 5, &words[0], 0);
	show_ret("FUTEX_WAKE of the next word (5 waiters on this one)",
		 fx(&words[1], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	show_ret("FUTEX_WAKE 2 of 5",
		 fx(&words[0], FUTEX_WAKE, 2, NULL, NULL, 0));
	show_ret("FUTEX_WAKE 1 of 3",
		 fx(&words[0], FUTEX_WAKE, 1, NULL, NULL, 0));
	show_ret("FUTEX_WAKE 0 of 2",
		 fx(&words[0], FUTEX_WAKE, 0, NULL, NULL, 0));
	show_ret("FUTEX_WAKE INT_MAX of the rest",
		 fx(&words[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	join_waiters(w, 5, "every wait returned 0");
	show_ret("FUTEX_WAKE after all left",
		 fx(&words[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
}

static void requeue_group(void)
{
	static uint32_t f1, f2;
	struct waiter w[4];

	start_waiters(w, 4, &f1, 0);
	show_ret("FUTEX_REQUEUE f1->f2, wake 1, requeue 2 (4 waiters)",
		 fx2(&f1, FUTEX_REQUEUE, 1, 2, &f2, 0));
	show_ret("FUTEX_WAKE f1", fx(&f1, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	show_ret("FUTEX_WAKE f2", fx(&f2, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	join_waiters(w, 4, "every wait returned 0");

	start_waiters(w, 2, &f1, 0);
	show_ret("FUTEX_REQUEUE f1->f2, wake 0, requeue INT_MAX (2 waiters)",
		 fx2(&f1, FUTEX_REQUEUE, 0, INT_MAX, &f2, 0));
	show_ret("FUTEX_WAKE f1", fx(&f1, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	show_ret("FUTEX_WAKE f2 1", fx(&f2, FUTEX_WAKE, 1, NULL, NULL, 0));
	show_ret("FUTEX_WAKE f2 1", fx(&f2, FUTEX_WAKE, 1, NULL, NULL, 0));
	join_waiters(w, 2, "every wait returned 0");
}

static void cmp_requeue_group(void)
{
	static uint32_t f1 = 7, f2;
	struct waiter w[3];

	start_waiters(w, 3, &f1, 0);
	show_ret("FUTEX_CMP_REQUEUE, val3 8 but f1 is 7",
		 fx2(&f1, FUTEX_CMP_REQUEUE, 1, 1, &f2, 8));
	show_ret("FUTEX_CMP_REQUEUE wake 0, requeue 1 (3 waiters)",
		 fx2(&f1, FUTEX_CMP_REQUEUE, 0, 1, &f2, 7));
	show_ret("FUTEX_CMP_REQUEUE wake 1, requeue INT_MAX (2 left)",
		 fx2(&f1, FUTEX_CMP_REQUEUE, 1, INT_MAX, &f2, 7));
	show_ret("FUTEX_WAKE f1", fx(&f1, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	show_ret("FUTEX_WAKE f2", fx(&f2, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	join_waiters(w, 3, "every wait returned 0");
}

static void wake_op_on(uint32_t *f3, const char *what, uint32_t start,
		       int op, int oparg, int cmp, int cmparg)
{
	static uint32_t idle;
	char line[160];
	long r;

	*f3 = start;
	r = fx2(&idle, FUTEX_WAKE_OP, 1, 1, f3,
		FUTEX_OP(op, oparg, cmp, cmparg));
	snprintf(line, sizeof(line), "FUTEX_WAKE_OP %s on %#x", what,
		 (unsigned)start);
	show_ret(line, r);
	printf("  word is now %#x\n", (unsigned)*f3);
}

static void wake_op_group(void)
{
	static uint32_t f1, f2, f3;
	struct waiter w1[2], w2[2];

	start_waiters(w1, 2, &f1, 0);
	start_waiters(w2, 2, &f2, 0);
	show_ret("FUTEX_WAKE_OP f1 1, f2 1 if (f2 += 5) was == 0",
		 fx2(&f1, FUTEX_WAKE_OP, 1, 1, &f2,
		     FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0)));
	printf("  f2 is now %u\n", (unsigned)f2);
	show_ret("FUTEX_WAKE_OP f1 1, f2 1 if (f2 = 9) was > 100",
		 fx2(&f1, FUTEX_WAKE_OP, 1, 1, &f2,
		     FUTEX_OP(FUTEX_OP_SET, 9, FUTEX_OP_CMP_GT, 100)));
	printf("  f2 is now %u\n", (unsigned)f2);
	show_ret("FUTEX_WAKE f1", fx(&f1, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	show_ret("FUTEX_WAKE f2", fx(&f2, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	join_waiters(w1, 2, "every f1 wait returned 0");
	join_waiters(w2, 2, "every f2 wait returned 0");

	/* The operations and comparisons, on a word nobody waits on. */
	wake_op_on(&f3, "SET 0x12, NE 0", 1, FUTEX_OP_SET, 0x12,
		   FUTEX_OP_CMP_NE, 0);
	wake_op_on(&f3, "ADD 3, LT 2", 1, FUTEX_OP_ADD, 3, FUTEX_OP_CMP_LT, 2);
	wake_op_on(&f3, "OR 0x30, LE 1", 0x101, FUTEX_OP_OR, 0x30,
		   FUTEX_OP_CMP_LE, 1);
	wake_op_on(&f3, "ANDN 0x1, GE 0xff", 0xff, FUTEX_OP_ANDN, 0x1,
		   FUTEX_OP_CMP_GE, 0xff);
	wake_op_on(&f3, "XOR 0xff, GT 0", 0x0f, FUTEX_OP_XOR, 0xff,
		   FUTEX_OP_CMP_GT, 0);
	wake_op_on(&f3, "SET 1<<4 (OPARG_SHIFT), EQ 3", 3,
		   FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_EQ, 3);
	wake_op_on(&f3, "ADD 1<<2 (OPARG_SHIFT), EQ 0", 0x10,
		   FUTEX_OP_ADD | FUTEX_OP_OPARG_SHIFT, 2, FUTEX_OP_CMP_EQ, 0);
	wake_op_on(&f3, "op 6 (none such), EQ 0", 1, 6, 1, FUTEX_OP_CMP_EQ, 0);
	wake_op_on(&f3, "ADD 1, cmp 6 (none such)", 1, FUTEX_OP_ADD, 1, 6, 0);
	show_ret("FUTEX_WAKE_OP, NULL second address",
		 fx2(&f1, FUTEX_WAKE_OP, 1, 1, NULL,
		     FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)));
}

static uint32_t eintr_word;
static int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
	eintr_word = 1;
}

/* One FUTEX_WAIT on eintr_word == 0 with SIGALRM due in 100 ms. */
static void wait_alarmed(const char *what, int sa_flags, void (*handler)(int),
			 int op, double timeout)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct sigaction sa;
	struct timespec ts;
	long r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = sa_flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	eintr_word = 0;
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	if (op == FUTEX_WAIT_BITSET) {
		ts = ts_of(now_on(CLOCK_MONOTONIC) + timeout);
		r = fx(&eintr_word, op, 0, &ts, NULL, FUTEX_BITSET_MATCH_ANY);
	} else if (timeout > 0) {
		ts = ts_of(timeout);
		r = fx(&eintr_word, op, 0, &ts, NULL, 0);
	} else {
		r = fx(&eintr_word, op, 0, NULL, NULL, 0);
	}
	show_ret(what, r);
	printf("  handler ran %d time(s)\n", alarms);
}

static void eintr_group(void)
{
	wait_alarmed("FUTEX_WAIT, no timeout, handler without SA_RESTART",
		     0, on_alarm, FUTEX_WAIT, 0);
	wait_alarmed("FUTEX_WAIT, no timeout, SA_RESTART handler changes word",
		     SA_RESTART, on_alarm, FUTEX_WAIT, 0);
	wait_alarmed("FUTEX_WAIT, 10 s timeout, SA_RESTART handler",
		     SA_RESTART, on_alarm, FUTEX_WAIT, 10);
	wait_alarmed("FUTEX_WAIT_BITSET, deadline in 10 s, SA_RESTART handler",
		     SA_RESTART, on_alarm, FUTEX_WAIT_BITSET, 10);
	wait_alarmed("FUTEX_WAIT, 300 ms timeout, SIGALRM ignored",
		     0, SIG_IGN, FUTEX_WAIT, 0.3);
}

/*
 * A futex word in a MAP_SHARED page links parent and child: a shared
 * wait in one is woken by a shared wake in the other, each way; a private
 * wake in the parent does not reach a private wait in the child.
 */
static void across_fork(void)
{
	uint32_t *word;
	pid_t pid;
	int status;
	struct timespec ts = ts_of(0.5);

	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED)
		die("mmap");

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0)
		      == 0 && *word == 1 ? 0 : 1);
	wait_asleep(pid, &pid, 1);
	*word = 1;
	show_ret("parent: shared FUTEX_WAKE of the waiting child",
		 syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0));
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "  the child woke and saw the parent's store");

	*word = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pid_t parent = getppid();

		/* Wait until the parent sleeps, then store and wake. */
		wait_asleep(parent, &parent, 1);
		*word = 2;
		_exit(syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL,
			      NULL, 0) == 1 ? 0 : 1);
	}
	show_ret("parent: shared FUTEX_WAIT, the child wakes it",
		 syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0));
	printf("  word is now %u\n", (unsigned)*word);
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "  the child's wake woke exactly one");

	*word = 0;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		long r = syscall(SYS_futex, word,
				 FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts,
				 NULL, 0);

		_exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
	}
	wait_asleep(pid, &pid, 1);
	show_ret("parent: private FUTEX_WAKE, child in a private wait",
		 syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
			 INT_MAX, NULL, NULL, 0));
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "  the child's private wait timed out instead");
}

/*
 * spin-bounded: a wait with a short timeout ends near it, however long the
 * LWK may busy-wait (the case runs tandem with a --futex-spin of seconds).
 */
static void spin_bounded_group(void)
{
	struct timespec tmo = { 0, 1000 }, abs;
	uint32_t word = 0;
	double t0, t;

	t0 = now_on(CLOCK_MONOTONIC);
	show_ret("FUTEX_WAIT, 1 us timeout", fx(&word, FUTEX_WAIT, 0, &tmo,
						NULL, 0));
	t = now_on(CLOCK_MONOTONIC) - t0;
	check(t < 0.2, "  it ended within 200 ms");

	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	t0 = now_on(CLOCK_MONOTONIC);
	show_ret("FUTEX_WAIT_BITSET, deadline 1 ms ahead",
		 fx(&word, FUTEX_WAIT_BITSET, 0, &abs, NULL,
		    FUTEX_BITSET_MATCH_ANY));
	t = now_on(CLOCK_MONOTONIC) - t0;
	check(t < 0.2, "  it ended within 200 ms");
}

/*
 * oversub: RING threads on one core pass a token round a ring through
 * futexes, LAPS times.  A waiter that busy-waits while the thread that
 * will wake it needs its core makes this hundreds of times slower than on
 * Linux; the group says whether it took under two seconds (Linux: tens of
 * ms).  The process pins itself to its first CPU; the case gives tandem a
 * partition of that one core.
 */
#define RING	4
#define LAPS	1000

static uint32_t ring_turn[RING];

static void *ring_thread(void *arg)
{
	long me = (long)arg, next = (me + 1) % RING, lap;

	for (lap = 0; lap < LAPS; lap++) {
		while (!__atomic_load_n(&ring_turn[me], __ATOMIC_ACQUIRE))
			fx(&ring_turn[me], FUTEX_WAIT, 0, NULL, NULL, 0);
		__atomic_store_n(&ring_turn[me], 0, __ATOMIC_RELEASE);
		__atomic_store_n(&ring_turn[next], 1, __ATOMIC_RELEASE);
		fx(&ring_turn[next], FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	return NULL;
}

static void oversub_group(void)
{
	pthread_t th[RING];
	cpu_set_t set;
	double t0, t;
	long i;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity");
	for (c = 0; !CPU_ISSET(c, &set); c++)
		;
	CPU_ZERO(&set);
	CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	t0 = now_on(CLOCK_MONOTONIC);
	for (i = 0; i < RING; i++)
		if (pthread_create(&th[i], NULL, ring_thread, (void *)i))
			die("pthread_create");
	__atomic_store_n(&ring_turn[0], 1, __ATOMIC_RELEASE);
	fx(&ring_turn[0], FUTEX_WAKE, 1, NULL, NULL, 0);
	for (i = 0; i < RING; i++)
		pthread_join(th[i], NULL);
	t = now_on(CLOCK_MONOTONIC) - t0;
	printf("%d threads on one core, %d laps of the ring: done\n", RING,
	       LAPS);
	check(t < 2.0, "  within two seconds");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} groups[] = {
		{ "timeout", timeout_group },
		{ "bitset", bitset_group },
		{ "errors", errors_group },
		{ "wake-count", wake_count_group },
		{ "requeue", requeue_group },
		{ "cmp-requeue", cmp_requeue_group },
		{ "wake-op", wake_op_group },
		{ "eintr", eintr_group },
		{ "spin-bounded", spin_bounded_group },
		{ "oversub", oversub_group },
	};
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "across-fork") == 0) {
		across_fork();
		return report_failed;
	}
	if (argc != 3 || (strcmp(argv[2], "private") != 0 &&
			  strcmp(argv[2], "shared") != 0)) {
		fprintf(stderr, "usage: futex GROUP private|shared | futex across-fork\n");
		return 2;
	}
	priv = strcmp(argv[2], "private") == 0 ? FUTEX_PRIVATE_FLAG : 0;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (strcmp(argv[1], groups[i].name) == 0) {
			printf("futex %s, %s\n", argv[1], argv[2]);
			groups[i].run();
			return report_failed;
		}
	}
	fprintf(stderr, "futex: no group %s\n", argv[1]);
	return 2;
}
