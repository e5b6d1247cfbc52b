/* SPDX-License-Identifier: MIT */
/*
 * The LWK's local system calls.  Each takes the calling thread, its trapped
 * context and the six raw arguments, and returns the result or -errno.
 */
#ifndef TANDEM_KERNEL_SYS_H
#define TANDEM_KERNEL_SYS_H

#include "lwk.h"

#define SYSCALL(name) \
	long sys_##name(struct lwk_thread *t, struct plat_regs *regs, \
			const long *a)

/* kernel/proc.c */
SYSCALL(getpid);
SYSCALL(gettid);
SYSCALL(exit);
SYSCALL(exit_group);
SYSCALL(set_tid_address);
SYSCALL(arch_prctl);
SYSCALL(rseq);
SYSCALL(io_uring_setup);
SYSCALL(prlimit64);
SYSCALL(getrlimit);
SYSCALL(setrlimit);
SYSCALL(prctl);
SYSCALL(execve);
SYSCALL(execveat);
SYSCALL(close);
SYSCALL(close_range);
SYSCALL(dup2);
SYSCALL(dup3);
SYSCALL(getdents64);
SYSCALL(ptrace);

/*
 * ptrace_resume_dispatch_stop - a wait status of a tracee that stopped at
 * the SIGSYS of the LWK's dispatch (an LWK program traced by this one):
 * resume it with that signal and return true, for the waiter to wait
 * again; false for any other status.  The tracer never sees these stops,
 * as it would not see them without tandem.
 */
bool ptrace_resume_dispatch_stop(long pid, int status);
SYSCALL(readlink);
SYSCALL(readlinkat);
SYSCALL(open);
SYSCALL(openat);
SYSCALL(stat);
SYSCALL(newfstatat);
SYSCALL(statx);
SYSCALL(access);
SYSCALL(faccessat);
SYSCALL(faccessat2);

/* kernel/signal.c */
SYSCALL(rt_sigaction);
SYSCALL(rt_sigprocmask);
SYSCALL(rt_sigreturn);
SYSCALL(rt_sigsuspend);
SYSCALL(sigaltstack);
SYSCALL(ppoll);
SYSCALL(pselect6);
SYSCALL(epoll_pwait);
SYSCALL(kill);
SYSCALL(tkill);
SYSCALL(tgkill);

/*
 * signal_send_self - send t the signal `sig`, delivered when the current
 * call returns to the program, as Linux delivers a signal a call raised.
 */
long signal_send_self(struct lwk_thread *t, int sig);

/* kernel/sched/futex.c, place.c */
SYSCALL(futex);
SYSCALL(set_robust_list);
SYSCALL(sched_getaffinity);
SYSCALL(sched_setaffinity);

/* kernel/mm/mmap.c */
SYSCALL(brk);
SYSCALL(mmap);
SYSCALL(munmap);
SYSCALL(mprotect);
SYSCALL(pkey_mprotect);
SYSCALL(mremap);
SYSCALL(madvise);
SYSCALL(mlock);
SYSCALL(mlock2);
SYSCALL(munlock);
SYSCALL(mlockall);
SYSCALL(munlockall);
SYSCALL(mincore);
SYSCALL(msync);
SYSCALL(shmat);
SYSCALL(shmdt);

/* kernel/mm/fork.c */
SYSCALL(wait4);
SYSCALL(waitid);

/* kernel/sched/clone.c */
SYSCALL(clone);
SYSCALL(clone3);
SYSCALL(fork);
SYSCALL(vfork);

/* kernel/syscall.c: trace a call that will not return to the LWK. */
void syscall_trace_noreturn(struct lwk_thread *t, long nr, const long *a);

#endif
