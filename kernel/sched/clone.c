// SPDX-License-Identifier: MIT
/*
 * Thread and process creation.  Every child a program makes, thread or
 * process, starts with the LWK installed before it runs a single program
 * instruction: Linux does not carry Syscall User Dispatch over clone or
 * fork, so the platform arms it in the child (see plat_clone).
 */
#include "../sys.h"
#include "../errno.h"
#include "../lib/lib.h"
#include "../arch/x86_64/abi.h"

#define CLONE_ARGS_SIZE_VER0	64

/* A new process (not a thread) counts in the run's processes (--stats). */
static long counted(u64 flags, long ret)
{
	if (ret > 0 && !(flags & CLONE_THREAD))
		__atomic_fetch_add(&lwk_proc.inst->nr_processes, 1,
				   __ATOMIC_RELAXED);
	return ret;
}

SYSCALL(clone)
{
	/* x86-64 argument order: flags, stack, parent_tid, child_tid, tls. */
	return counted(a[0], plat_clone(regs, a[0], a[1], a[2], a[3], a[4]));
}

SYSCALL(clone3)
{
	struct k_clone_args args;
	size_t size = a[1];

	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > sizeof(args))
		size = sizeof(args);
	memset(&args, 0, sizeof(args));
	if (plat_copy_from_user(&args, (void *)a[0], size))
		return -EFAULT;
	return counted(args.flags, plat_clone3(regs, &args, size));
}

SYSCALL(fork)
{
	return counted(0, plat_clone(regs, SIGCHLD, 0, 0, 0, 0));
}

SYSCALL(vfork)
{
	return counted(0, plat_clone(regs, CLONE_VM | CLONE_VFORK | SIGCHLD,
				     0, 0, 0, 0));
}
