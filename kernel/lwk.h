/* SPDX-License-Identifier: MIT */
/*
 * The LWK core's central state: one lwk_process per program image (a fork
 * child gets its own copy, an execve starts a new one) and one lwk_thread
 * per program thread.  Everything here is portable; the platform keeps its
 * private per-thread state in struct plat_thread, which it embeds.
 */
#ifndef TANDEM_KERNEL_LWK_H
#define TANDEM_KERNEL_LWK_H

#include "types.h"
#include "plat.h"
#include "arch/x86_64/abi.h"
#include "../include/uapi/tandem.h"

#define LWK_PATH_MAX	4096

/*
 * Per-thread state.  Only the owning thread touches it, except `tid`,
 * which is written once before the thread runs program code.
 */
struct lwk_thread {
	u32 magic;			/* LWK_THREAD_MAGIC while alive */
	s32 tid;
	s32 pid;			/* Linux pid of the thread's process */
	struct plat_regs *regs;		/* innermost trapped context */
	bool sigsys_blocked;		/* the program's view of SIGSYS */
	struct {
		u64 sp;
		s32 flags;
		u64 size;
	} prog_altstack;		/* the program's view of sigaltstack */
	int cpu;			/* the core it is pinned to, or -1 */
	bool own_affinity;		/* the program placed it itself */
	u64 robust_list;		/* set_robust_list head */
	u64 clear_tid;			/* zeroed and woken at exit, or 0 */
	bool block_restart;		/* plat_block_on: the handler had SA_RESTART */
	bool handler_over_lwk;		/* a program handler runs off the LWK stack
					   while LWK frames of the call it
					   interrupted live there (platform) */
	/* Offloading (kernel/offload.c); its signal handlers touch these too. */
	struct ikc_slot *ikc;		/* its IKC slot; NULL before its first proxied call */
	u64 ikc_wait_seq;		/* the proxied call it waits for, 0 if none */
	bool direct_only;		/* its offloaded calls go direct (offload.h) */
	bool offload_proxied;		/* the current call went to the proxy */
	bool traceme;			/* vfork child: PTRACE_TRACEME at execve */
	u64 ret_tsc;			/* --stats: TSC when its last call returned */
};

#define LWK_THREAD_MAGIC	0x544e444dU	/* "TNDM" */

/* What the LWK was asked to do for this run (kept across execve). */
struct lwk_config {
	bool trace;
	bool stats;
	bool stats_json;
	u64 mem_limit;			/* bytes; 0 = no limit */
	char cpus[256];			/* --cpus as given, "" = all */
	int log_fd;			/* -1 when neither trace nor stats */
	u64 futex_spin_ns;		/* --futex-spin: busy-wait before blocking */
	bool oversubscribe;		/* --oversubscribe: doubling up is meant */
	int inst_fd;			/* the instance page's memfd */
	int pool_fd[TANDEM_NR_POOLS];	/* the pool files; -1: absent */
	u32 page_shift_max;		/* --page-size: largest page to use */
	u64 heap_step;			/* --heap-step: least brk growth */
	int entry;			/* --entry: enum tandem_entry */
	char offload[512];		/* --offload as given; "" = all direct */
	char proxy_cpus[256];		/* --proxy-cpus as given; "" = default */
	u64 proxy_spin_ns;		/* --proxy-spin: IKC busy-wait before sleeping */
};

/*
 * Per-process state.  Written at boot and by the calls that change it
 * (brk under mm_lock, exe by execve); every thread reads it.
 */
struct lwk_process {
	struct lwk_config cfg;
	struct tandem_instance *inst;	/* shared statistics and kmsg */
	s32 pid;
	char exe[LWK_PATH_MAX];		/* absolute path of the program */
	char image[LWK_PATH_MAX];	/* the LWK image, for execve */
	u64 brk_start;			/* first heap byte */
	u64 brk;			/* the program's break */
	u64 brk_mapped;			/* end of memory mapped for the heap */
	u64 stack_limit;		/* RLIMIT_STACK as the program sees it */
	u64 stack_limit_max;
	/*
	 * RLIMIT_AS and RLIMIT_DATA as the program set them: the LWK enforces
	 * them on the program's mappings (kernel/mm); Linux's stay as high as
	 * they may, for the LWK's own mappings (docs/memory.md).
	 */
	struct k_rlimit rlim_as, rlim_data;
	u16 core_threads[TANDEM_MAX_CPUS];	/* this process's threads per core */
	/*
	 * The program's view of the signal dispositions it installed with a
	 * handler (and of SIGSYS, which the LWK keeps for itself); Linux
	 * holds the LWK's delivery entry for those, and the truth for the
	 * rest.  Written by rt_sigaction, read at delivery.
	 */
	struct k_sigaction sigact[NSIG + 1];
	u64 lwk_start, lwk_end;		/* the LWK image's address range */
};

extern struct lwk_process lwk_proc;

/*
 * linux_file_number - the number after `key` at the start of a line of the
 * Linux text file `path` (its first 4 KiB), e.g. ("/proc/meminfo",
 * "MemAvailable:"); 0 if absent.  kernel/proc.c.
 */
u64 linux_file_number(const char *path, const char *key);

/* kernel/syscall.c */
long syscall_dispatch(struct lwk_thread *t, struct plat_regs *regs);
bool syscall_passthrough(long nr);
bool syscall_local(long nr);

/*
 * stats_print - print the --stats summary once per run (kernel/stats.c),
 * for a run that ends with exit status `status`.
 */
void stats_print(int status);

/*
 * stats_watch - with --stats, start the process that prints the summary
 * if the run's first process dies by a signal.  Called once, at boot of
 * that process, before the program runs.
 */
void stats_watch(void);

/* "local", "direct" or "proxy": the name of an enum tandem_route. */
const char *route_name(int route);

/* Accounting of anonymous memory against the run's --mem limit. */
int mem_charge(u64 bytes);
void mem_uncharge(u64 bytes);

#endif
