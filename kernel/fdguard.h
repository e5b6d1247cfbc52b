/* SPDX-License-Identifier: MIT */
/*
 * The LWK's own descriptors (instance page, log, pool files) are not open
 * as far as the program is concerned: a call that names one gets EBADF
 * (kernel/fdguard.c).  fdguard_args[nr] says where call nr takes
 * descriptors, so the dispatcher pays one byte load for a call that
 * takes none.
 */
#ifndef TANDEM_KERNEL_FDGUARD_H
#define TANDEM_KERNEL_FDGUARD_H

#include "lwk.h"

#define FDG_A0		(1 << 0)	/* argument n is a descriptor */
#define FDG_A1		(1 << 1)
#define FDG_A2		(1 << 2)
#define FDG_A3		(1 << 3)
#define FDG_POLL	(1 << 5)	/* poll, ppoll: fdguard_polled() */
#define FDG_SPECIAL	(1 << 6)	/* more to check: fdguard_refuse() */
#define FDG_OPEN	(1 << 7)	/* opens a file: fdguard_opened() */

/* Bits of the LWK descriptors below FDG_MAP_BITS, for the fast entry. */
#define FDG_MAP_BITS	65536
extern u64 fdguard_map[FDG_MAP_BITS / 64];
/* One more than the highest LWK descriptor: those at or above it pass. */
extern u32 fdguard_ceil;

extern const u8 fdguard_args[TANDEM_NR_SYSCALLS];

/* fdguard_lwk_fd - is fd (as Linux reads it, 32 bits) an LWK descriptor? */
bool fdguard_lwk_fd(long fd);

/*
 * fdguard_update - take note of the LWK descriptors as they are now;
 * after any of lwk_proc.cfg's descriptors changes.
 */
void fdguard_update(void);

/*
 * fdguard_refuse - does call nr (with fdguard_args[nr] = g, nonzero)
 * name an LWK descriptor?  Returns -EBADF then, -ENOENT if it names an
 * LWK file by path (/proc/self/fd/N), else 0: the call goes on.
 */
long fdguard_refuse(long nr, u8 g, const long *a);

/*
 * fdguard_opened - an FDG_OPEN call returned descriptor fd: if it opened
 * an LWK file (say through /proc/self/fd/N), close it and return -ENOENT,
 * as for a descriptor that is not open; else return fd.
 */
long fdguard_opened(long fd);

/*
 * fdguard_polled - poll or ppoll (args a) returned ret: if ret >= 0 and
 * its pollfd array holds LWK descriptors, give each POLLNVAL, as Linux
 * does for one that is not open, and return the count that makes; else
 * return ret.  Linux has just read and written the array.
 */
long fdguard_polled(const long *a, long ret);

/*
 * fdguard_poll_nowait - may poll or ppoll (args a) wait?  If so, fill b
 * with the same call without a timeout to wait for (ppoll's points at
 * *zero) and return true: Linux cannot know that an LWK descriptor's
 * entry answers at once, so the dispatcher makes that call first, and the
 * real one only when it found nothing.  False when there are no LWK
 * descriptors, the call does not wait, or its timeout is not one Linux
 * takes (the real call answers that).
 */
bool fdguard_poll_nowait(long nr, const long *a, long *b,
			 struct k_timespec *zero);

/* syscall_fd_arg0 - does call nr take a descriptor in its first argument only? */
bool syscall_fd_arg0(long nr);

#endif
