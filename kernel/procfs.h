/* SPDX-License-Identifier: MIT */
/*
 * The program's view of itself in /proc.  Linux would describe the
 * process as it is (the LWK image, its thread areas, the instance page,
 * pool-file mappings); these entry points give the program the view it
 * would have without tandem: its executable, and its memory as the LWK
 * manages it.
 */
#ifndef TANDEM_KERNEL_PROCFS_H
#define TANDEM_KERNEL_PROCFS_H

#include "types.h"

/*
 * procfs_open - open(2)/openat(2) of one of the process's own entries
 * that the LWK describes: exe, maps, smaps, smaps_rollup, status and
 * statm under /proc/self, /proc/thread-self, /proc/<own pid> and their
 * task/<tid> directories, by absolute path or relative to `dirfd` (a
 * descriptor or AT_FDCWD).  Returns false when the path is not one of
 * those or the flags ask for something only Linux can give (writing,
 * O_PATH, O_DIRECTORY, O_CREAT, O_TRUNC); the caller then passes the call
 * to Linux.  Otherwise stores the new descriptor or -errno in *ret and
 * returns true.
 *
 * The memory entries come back as a sealed, read-only memfd holding the
 * LWK's view, at offset 0, with the caller's O_CLOEXEC and O_NONBLOCK.
 * Context: a system call of the calling thread; takes no lock.
 */
bool procfs_open(long dirfd, const char *upath, long flags, long mode,
		 long *ret);

/*
 * procfs_is_exe - does this path (absolute, or relative to `dirfd`) name
 * the process's own exe link, which the program must find leading to
 * itself (stat, access)?  Takes no lock.
 */
bool procfs_is_exe(long dirfd, const char *upath);

/*
 * procfs_readlink - readlink(2)/readlinkat(2) of the process's own exe
 * link: stores the program's path length or -errno in *ret and returns
 * true; false when the path is anything else.
 */
bool procfs_readlink(long dirfd, const char *upath, char *ubuf, long size,
		     long *ret);

#endif
