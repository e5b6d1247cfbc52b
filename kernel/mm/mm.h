/* SPDX-License-Identifier: MIT */
/*
 * The LWK memory manager as the rest of the core sees it: the program's
 * address space (a VMA tree per process, see vma.h) and the pool of page
 * frames behind its anonymous memory (see buddy.h and docs/memory.md).
 *
 * Everything here takes the process's mm lock itself (with program signals
 * blocked); none of it may be called with that lock held.
 */
#ifndef TANDEM_KERNEL_MM_MM_H
#define TANDEM_KERNEL_MM_MM_H

#include "../types.h"

/* ---- The program's view of its memory (for /proc/self/maps, smaps...) -- */

#define MM_REGION_ANON		(1U << 0)	/* anonymous memory */
#define MM_REGION_SHARED	(1U << 1)	/* MAP_SHARED semantics */
#define MM_REGION_HEAP		(1U << 2)	/* the brk heap: "[heap]" */
#define MM_REGION_STACK		(1U << 3)	/* main thread's stack: "[stack]" */
#define MM_REGION_FILE		(1U << 4)	/* a Linux mapping of a file */
#define MM_REGION_POOL		(1U << 5)	/* backed by LWK pool frames */
#define MM_REGION_LOCKED	(1U << 6)	/* mlock()ed */
/*
 * A mapping Linux made and still backs that is neither a file the program
 * mapped nor pool memory: [vdso], [vvar], Linux anonymous memory (see
 * docs/memory.md: MAP_NORESERVE, PROT_NONE reservations).  Its name, and
 * its resident size, are Linux's: take them from Linux's /proc/self/maps
 * and smaps line with the same start.
 */
#define MM_REGION_LINUX		(1U << 7)

/*
 * One region of the program's address space.  Neighbouring regions may
 * have equal attributes (the LWK keeps one region per contiguous run of
 * pool frames); a maps view may print them as they come.
 */
struct mm_region {
	u64 start;		/* first byte */
	u64 end;		/* one past the last byte */
	u64 offset;		/* file offset of start (MM_REGION_FILE), else 0 */
	u32 prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
	u32 flags;		/* MM_REGION_* */
	u64 page_size;		/* bytes per page backing it: 4 KiB, 2 MiB, 1 GiB */
	u64 resident;		/* bytes resident; 0 when unknown (FILE, LINUX) */
};

/*
 * mm_region_next - the program's first region that ends above @addr
 * @addr: 0 to start a walk, then the previous region's end
 * @out: filled in
 *
 * Returns 0, or -ENOENT when no region ends above @addr.  LWK memory (its
 * image, thread areas, pool windows) is never reported.  O(log n); takes
 * and drops the mm lock, so a walk is not atomic against the program's
 * own concurrent mmap calls (nor is Linux's).
 */
int mm_region_next(u64 addr, struct mm_region *out);

/*
 * Totals in bytes, as /proc/self/status and statm need them.  Linux's
 * definitions: data = private writable non-stack mappings, stack = the
 * main stack, exec = executable non-writable mappings.  rss_anon and
 * rss_shmem count pool memory (always resident); resident file pages are
 * Linux's to report (RssFile in Linux's status).
 */
struct mm_usage {
	u64 size;		/* VmSize: every mapping */
	u64 size_peak;		/* VmPeak */
	u64 rss_anon;		/* RssAnon: private pool memory */
	u64 rss_shmem;		/* RssShmem: shared anonymous pool memory */
	u64 rss_peak;		/* VmHWM minus file pages: high-water of the two */
	u64 data;		/* VmData */
	u64 stack;		/* VmStk */
	u64 exec;		/* VmExe (all executable mappings, libraries too) */
	u64 locked;		/* VmLck */
};

void mm_usage(struct mm_usage *u);

/* ---- Life cycle (kernel/mm/mm.c and the files it names) -------------- */

/*
 * mm_options_init, mm_parse_option - the LWK options of the memory
 * manager: --lwk-pool-fd=N, --lwk-pool2m-fd=N, --lwk-pool1g-fd=N (the pool
 * files), --lwk-page-size=SHIFT (12, 21, 30: largest page), and
 * --lwk-heap-step=BYTES, and the program's RLIMIT_AS and RLIMIT_DATA
 * (--lwk-rlimit-as=CUR:MAX, --lwk-rlimit-data=CUR:MAX, given when not
 * unlimited).  mm_parse_option returns true if it took @arg.
 * mm_exec_options appends the options that carry them across execve to
 * @out (at most MM_EXEC_OPTIONS strings it owns) and returns how many.
 */
#define MM_EXEC_OPTIONS	7
void mm_options_init(void);
bool mm_parse_option(const char *arg);
int mm_exec_options(const char **out, char (*buf)[64]);

/*
 * mm_boot_limits - the program's RLIMIT_AS and RLIMIT_DATA
 * (lwk_proc.rlim_as, rlim_data): from the options of an execve, else
 * Linux's; then Linux's soft limits go up to their hard ones, so that the
 * LWK's own mappings do not count against the program's limits, which the
 * LWK enforces itself (may_expand in space.h).  Called once, after the
 * options are parsed and before mm_boot_pool.
 */
void mm_boot_limits(void);

/*
 * Boot, in this order: mm_boot_pool after the instance page is mapped
 * (create or join the run's pool; a new image of a pid takes back what the
 * old one held); mm_boot_space after the program is loaded (record the
 * address space, move its bss to the pool, make the main stack whose top
 * @args_bytes hold the initial stack); mm_boot_done once that is built.
 * The first returns 0 or -errno, the second the stack's top or 0.
 */
int mm_boot_pool(void);

/*
 * The daemon's reaper (tandem-lwk --lwk-reap --lwk-inst-fd=N): free what
 * the instance's processes that are gone held.  Returns how many, or
 * -errno.
 */
int mm_reap_gone(void);
u64 mm_boot_space(u64 args_bytes);
void mm_boot_done(void);

/*
 * Fork (kernel/mm/fork.c): mm_fork_prepare before a clone without CLONE_VM
 * by a thread whose stack pointer is @sp (0 or -ENOMEM; on 0 the mm lock
 * stays held), then mm_fork_parent with the child's pid or the error in
 * the parent, mm_fork_child first thing in the child.
 */
int mm_fork_prepare(u64 sp);
void mm_fork_parent(long pid);
void mm_fork_child(void);

/*
 * mm_exit - the process is about to end (exit_group): let allocator calls
 * in flight finish and park any new one, so no thread dies holding a lock
 * the run's other processes need.
 */
void mm_exit(void);

/*
 * mm_exec - around the execve of a new image: @before it, and (false)
 * after it failed.  The LWK's helper thread must die quickly at execve.
 */
void mm_exec(bool before);

/* The memory lines of --stats (JSON members when @json); bytes written. */
int mm_stats_format(char *buf, size_t size, bool json);

#endif
