// SPDX-License-Identifier: MIT
/*
 * The system-call table and dispatcher.  A number listed in systab[] is
 * local: the LWK serves it.  Everything else is offloaded to Linux by the
 * route --offload gives it (kernel/offload.c): direct, the calling thread
 * makes the call from LWK text; or proxy, its proxy thread makes it.  The
 * dispatcher also counts calls per route for --stats and writes the
 * --trace line.
 */
#include "sys.h"
#include "offload.h"
#include "fdguard.h"
#include "errno.h"
#include "../include/uapi/ikc.h"
#include "kmsg.h"
#include "trace.h"
#include "lib/lib.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/unistd.h"

typedef long (*sys_fn)(struct lwk_thread *, struct plat_regs *, const long *);

#define LOCAL(name)	[NR_##name] = sys_##name

static const sys_fn systab[TANDEM_NR_SYSCALLS] = {
	LOCAL(getpid),
	LOCAL(gettid),
	LOCAL(exit),
	LOCAL(exit_group),
	LOCAL(set_tid_address),
	LOCAL(arch_prctl),
	LOCAL(rseq),
	LOCAL(io_uring_setup),
	LOCAL(prlimit64),
	LOCAL(getrlimit),
	LOCAL(setrlimit),
	LOCAL(prctl),
	LOCAL(execve),
	LOCAL(execveat),
	LOCAL(close),
	LOCAL(close_range),
	LOCAL(dup2),
	LOCAL(dup3),
	LOCAL(getdents64),
	LOCAL(ptrace),
	LOCAL(readlink),
	LOCAL(readlinkat),
	LOCAL(open),
	LOCAL(openat),
	LOCAL(stat),
	LOCAL(newfstatat),
	LOCAL(statx),
	LOCAL(access),
	LOCAL(faccessat),
	LOCAL(faccessat2),
	LOCAL(rt_sigaction),
	LOCAL(rt_sigprocmask),
	LOCAL(rt_sigreturn),
	LOCAL(rt_sigsuspend),
	LOCAL(sigaltstack),
	LOCAL(ppoll),
	LOCAL(pselect6),
	LOCAL(epoll_pwait),
	LOCAL(kill),
	LOCAL(tkill),
	LOCAL(tgkill),
	LOCAL(futex),
	LOCAL(set_robust_list),
	LOCAL(sched_getaffinity),
	LOCAL(sched_setaffinity),
	LOCAL(brk),
	LOCAL(mmap),
	LOCAL(munmap),
	LOCAL(mprotect),
	LOCAL(mremap),
	LOCAL(pkey_mprotect),
	LOCAL(madvise),
	LOCAL(mlock),
	LOCAL(mlock2),
	LOCAL(munlock),
	LOCAL(mlockall),
	LOCAL(munlockall),
	LOCAL(mincore),
	LOCAL(msync),
	LOCAL(shmat),
	LOCAL(shmdt),
	LOCAL(wait4),
	LOCAL(waitid),
	LOCAL(clone),
	LOCAL(clone3),
	LOCAL(fork),
	LOCAL(vfork),
};

static const char *const route_names[ROUTE_COUNT] = {
	[ROUTE_LOCAL] = "local",
	[ROUTE_DIRECT] = "direct",
	[ROUTE_PROXY] = "proxy",
};

const char *route_name(int route)
{
	return route_names[route];
}

static void trace_emit(struct lwk_thread *t, long nr, const long *a, long ret,
		       int route, bool noreturn)
{
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "[%d] ", t->tid);
	n += trace_format(line + n, sizeof(line) - n, nr, a, ret, noreturn);
	if (n > (int)sizeof(line) - 16)
		n = sizeof(line) - 16;
	n += snprintf(line + n, sizeof(line) - n, " <%s>\n",
		      route_names[route]);
	plat_log_write(line, n);
}

void syscall_trace_noreturn(struct lwk_thread *t, long nr, const long *a)
{
	if (lwk_proc.cfg.trace)
		trace_emit(t, nr, a, 0, ROUTE_LOCAL, true);
}

/*
 * With --stats, t0 is the TSC at entry: the call's time goes to its route,
 * and the time since the thread's previous call returned to the program
 * (ret_tsc; 0 in a new thread or inside a call a signal handler
 * interrupted, whose time the outer call counts).
 */
static void account(struct lwk_thread *t, long nr, int route, u64 t0)
{
	struct tandem_instance *inst = lwk_proc.inst;
	u64 now;

	__atomic_fetch_add(&inst->route_calls[route], 1, __ATOMIC_RELAXED);
	if ((ulong)nr < TANDEM_NR_SYSCALLS)
		__atomic_fetch_add(&inst->calls[nr], 1, __ATOMIC_RELAXED);
	if (!t0)
		return;
	now = arch_tsc();
	__atomic_fetch_add(&inst->route_tsc[route], now - t0,
			   __ATOMIC_RELAXED);
	t->ret_tsc = now;
}

/*
 * syscall_passthrough - does call nr go to Linux exactly as the program
 * made it (the direct route, nothing for the LWK to do)?  A platform may
 * then make it without entering the dispatcher, as long as it keeps the
 * per-call counters, tests an FDG_A0 descriptor against fdguard_map and
 * makes poll as the dispatcher does (a poll that may wait first without
 * waiting, fdguard_poll_nowait(); fdguard_polled() on its answer); with
 * --stats or --trace it must not.
 */
bool syscall_passthrough(long nr)
{
	return (ulong)nr < TANDEM_NR_SYSCALLS && !systab[nr] &&
	       !(fdguard_args[nr] & ~(FDG_A0 | FDG_POLL)) &&
	       offload_route(nr) == ROUTE_DIRECT && !offload_watched(nr);
}

/* syscall_local - does the LWK serve call nr itself? */
bool syscall_local(long nr)
{
	return (ulong)nr < TANDEM_NR_SYSCALLS && systab[nr];
}

/* Serve call nr with arguments a: locally or by its route. */
static long serve(struct lwk_thread *t, struct plat_regs *regs, long nr,
		  const long *a, int *route)
{
	long ret;

	if ((ulong)nr < TANDEM_NR_SYSCALLS && systab[nr]) {
		ret = systab[nr](t, regs, a);
		/* A local call whose Linux part went to the proxy counts there. */
		*route = t->offload_proxied ? ROUTE_PROXY : ROUTE_LOCAL;
		return ret;
	}
	if (nr == IKC_SYS_ROUNDTRIP) {
		*route = ROUTE_LOCAL;
		return offload_roundtrip(t, a);
	}
	return offload_syscall(t, nr, a, route);
}

long syscall_dispatch(struct lwk_thread *t, struct plat_regs *regs)
{
	long nr = regs_nr(regs), a[6], b[6], ret;
	struct k_timespec zero;
	u64 t0 = 0;
	int i, route;
	u8 fdg = 0;

	if (lwk_proc.cfg.stats) {
		t0 = arch_tsc();
		if (t->ret_tsc)
			__atomic_fetch_add(&lwk_proc.inst->prog_tsc,
					   t0 - t->ret_tsc, __ATOMIC_RELAXED);
		t->ret_tsc = 0;
	}
	for (i = 0; i < 6; i++)
		a[i] = regs_arg(regs, i);

	t->offload_proxied = false;
	if ((ulong)nr < TANDEM_NR_SYSCALLS)
		fdg = fdguard_args[nr];
	if (fdg && (ret = fdguard_refuse(nr, fdg, a))) {
		/* It names an LWK descriptor: not open, for the program. */
		route = ROUTE_LOCAL;
	} else if ((fdg & FDG_POLL) && fdguard_poll_nowait(nr, a, b, &zero)) {
		/*
		 * An LWK descriptor's entry answers POLLNVAL at once, which
		 * Linux cannot know: look without waiting first.
		 */
		ret = serve(t, regs, nr, b, &route);
		if (!ret)
			ret = fdguard_polled(a, 0);
		if (!ret)
			ret = serve(t, regs, nr, a, &route);
	} else {
		ret = serve(t, regs, nr, a, &route);
	}
	if ((fdg & FDG_OPEN) && ret >= 0)
		ret = fdguard_opened(ret);
	else if ((fdg & FDG_POLL) && ret >= 0)
		ret = fdguard_polled(a, ret);
	offload_after_call(t, nr, a, ret);

	account(t, nr, route, t0);
	if (lwk_proc.cfg.trace)
		trace_emit(t, nr, a, ret, route, false);
	return ret;
}
