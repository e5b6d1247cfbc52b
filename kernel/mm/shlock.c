// SPDX-License-Identifier: MIT
/*
 * Robust mutexes between the processes of a run (shlock.h): a futex word
 * holding its holder's tid.  A waiter sleeps on the word with a timeout
 * (SHLOCK_POLL_NS); each time it wakes with the lock still held it asks
 * /proc whether the holder is still there, and takes the lock over from
 * one that is gone or a zombie.  A tid Linux has given to a new thread
 * since counts as alive: the waiter then waits for that thread to end
 * (Linux hands tids out in order, so this takes a wrap of the pid space).
 * The spinning kind (rspin) asks the same of its holder as it spins.
 */
#include "shlock.h"
#include "../errno.h"
#include "../plat.h"
#include "../lib/lib.h"
#include "../arch/x86_64/abi.h"
#include "../arch/x86_64/unistd.h"

/*
 * Is thread @tid gone: no such thread, or a zombie (a process that ended
 * and is not reaped yet)?  Anything this cannot tell counts as alive.
 */
static bool tid_gone(int tid)
{
	char path[32], buf[512], *p;
	long fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	fd = linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd == -ENOENT || fd == -ESRCH;
	n = linux_call3(NR_read, fd, buf, sizeof(buf) - 1);
	linux_call1(NR_close, fd);
	if (n <= 0)
		return n == -ESRCH;
	buf[n] = '\0';
	/* "pid (comm) S ...": the name may hold ')' itself. */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool cas(u32 *w, u32 *old, u32 new)
{
	return __atomic_compare_exchange_n(w, old, new, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

int shlock_lock(u32 *w)
{
	struct k_timespec ts = { 0, SHLOCK_POLL_NS };
	u32 me = (u32)linux_call0(NR_gettid), c = 0;
	long ret;

	if (cas(w, &c, me))
		return 0;
	/* Having waited, hold it with the waiters bit: others may sleep. */
	me |= SHLOCK_WAITERS;
	for (;;) {
		if (!c) {
			if (cas(w, &c, me))
				return 0;
			continue;
		}
		if (!(c & SHLOCK_WAITERS)) {
			if (!cas(w, &c, c | SHLOCK_WAITERS))
				continue;
			c |= SHLOCK_WAITERS;
		}
		ret = linux_call4(NR_futex, w, FUTEX_WAIT, c, &ts);
		c = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		if (ret != -ETIMEDOUT || !c ||
		    !tid_gone((int)(c & ~SHLOCK_WAITERS)))
			continue;
		/* Still the dead holder's (else c is reloaded): take it. */
		ret = (long)(c & ~SHLOCK_WAITERS);
		if (cas(w, &c, me))
			return (int)ret;
	}
}

void shlock_unlock(u32 *w)
{
	if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) & SHLOCK_WAITERS)
		linux_call3(NR_futex, w, FUTEX_WAKE, 1);
}

int rspin_lock(u32 *w, u32 id)
{
	u32 c, dead, spins = 0;

	for (;;) {
		c = 0;
		if (cas(w, &c, id))
			return 0;
		do {
			__builtin_ia32_pause();
			if (++spins % RSPIN_CHECK == 0 && tid_gone((int)c)) {
				dead = c;
				if (cas(w, &c, id))
					return (int)dead;
			}
			c = __atomic_load_n(w, __ATOMIC_RELAXED);
		} while (c);
	}
}
