/* SPDX-License-Identifier: MIT */
/*
 * The system call decoder behind `tandem run --trace`: names for system
 * call and errno numbers, and one strace-style line per completed call.
 * It only formats; the caller decides where the line goes.
 */
#ifndef TANDEM_KERNEL_TRACE_H
#define TANDEM_KERNEL_TRACE_H

#include "types.h"

/*
 * syscall_name - the x86-64 name of system call @nr ("read" for 0), or
 * NULL when Linux has not assigned that number.
 */
const char *syscall_name(long nr);

/*
 * errno_name - the symbolic name of the positive errno value @err
 * (2 gives "ENOENT"), or NULL when it is not a Linux errno.
 */
const char *errno_name(long err);

/*
 * trace_format - write into @buf one trace line (no trailing newline)
 * for system call @nr with raw arguments @args and raw result @ret
 * (-errno on failure), as strace prints it:
 *
 *	openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *	read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234
 *	openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
 *
 * @entry_only says the call does not come back (exit, exit_group, a
 * successful execve): @ret is ignored, the line ends in "= ?", and
 * nothing the call would have written is decoded.
 *
 * Strings, buffers and structures are read from program memory at the
 * time of this call, through plat_copy_from_user() and
 * plat_strncpy_from_user() only, so a bad pointer prints as its address
 * and never faults the LWK.  Since a completed call has already run,
 * arguments it overwrites in place (select's fd sets and timeout, the
 * ppoll and pselect6 timeouts) print as addresses; for execve the
 * caller must format before the old image is gone.
 *
 * Returns the length of the line stored in @buf, which is cut to
 * @size - 1 characters and NUL terminated when @size is nonzero.
 * Safe in any context that may read program memory; takes no locks.
 */
int trace_format(char *buf, size_t size, long nr, const long args[6],
		 long ret, bool entry_only);

#endif
