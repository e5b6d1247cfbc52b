/* SPDX-License-Identifier: MIT */
/*
 * What the tandem tools and the LWK agree on: the version, the system-call
 * routes, how the LWK image is started, and the layout of the shared
 * instance page (statistics and the kmsg ring) and of the pool state that
 * every process of one run maps.  Nothing else belongs here.  Bump
 * TANDEM_ABI_VERSION on any layout change.
 */
#ifndef TANDEM_UAPI_H
#define TANDEM_UAPI_H

#define TANDEM_ABI_VERSION	4
#define TANDEM_VERSION		"0.1"

/* Where a system call number is served. */
enum tandem_route {
	ROUTE_LOCAL = 0,	/* the LWK implements it */
	ROUTE_DIRECT = 1,	/* the calling thread performs it in Linux */
	ROUTE_PROXY = 2,	/* shipped over IKC to a Linux-side proxy */
	ROUTE_COUNT
};

/*
 * The LWK image is started as
 *   tandem-lwk [--lwk-OPTION=VALUE ...] -- PROGRAM-PATH ARGV0 ARGV1 ...
 * The options are listed in docs/internals.md; the tool builds them and a
 * program's execve builds them again from the running configuration.
 */
#define TANDEM_LWK_IMAGE	"tandem-lwk"
#define TANDEM_LWK_MAGIC_ARG	"--lwk-abi=3"

/*
 * How a program's system calls reach the LWK (tandem run --entry): by the
 * SIGSYS that Syscall User Dispatch raises, or through call sites the LWK
 * rewrote after their first trap (docs/fast-entry.md).  AUTO rewrites when
 * the machine allows it.
 */
enum tandem_entry {
	TANDEM_ENTRY_AUTO = 0,
	TANDEM_ENTRY_SIGNAL = 1,
	TANDEM_ENTRY_REWRITE = 2,
};

/* Number of system-call numbers the tables cover (x86-64). */
#define TANDEM_NR_SYSCALLS	512

/* Cores the placement tables cover. */
#define TANDEM_MAX_CPUS		1024

/* Size of the kmsg ring in the instance page, in bytes (power of two). */
#define TANDEM_KMSG_SIZE	(64 * 1024)

/*
 * The pool: the page frames behind every program's anonymous memory, one
 * pool per page size (a file: a memfd, or a hugetlbfs file for huge pages),
 * each handed out by a buddy allocator.  Frames are owned by an owner slot:
 * a process (by pid) or a shared anonymous mapping (by its users).
 */
enum tandem_pool_id {
	TANDEM_POOL_4K,
	TANDEM_POOL_2M,
	TANDEM_POOL_1G,
	TANDEM_NR_POOLS
};

#define TANDEM_POOL_OWNERS	1024
/*
 * A pool's frames are made to exist (pre-faulted, zeroed) and handed to its
 * allocator as the run needs them: the 4 KiB pool in 256 KiB chunks.
 */
#define TANDEM_POOL_CHUNK_SHIFT	18

enum tandem_owner_kind {
	TANDEM_OWNER_FREE = 0,
	TANDEM_OWNER_PROCESS,		/* pid: a process of the run */
	TANDEM_OWNER_SHARED,		/* users: processes mapping it */
};

struct tandem_pool_owner {
	unsigned int kind;		/* enum tandem_owner_kind */
	int pid;			/* PROCESS: its pid (0 before fork returns) */
	unsigned int users;		/* SHARED: processes mapping it */
	unsigned int gen;		/* times the slot was taken */
	/*
	 * PROCESS: pool bytes it holds (not counting SHARED owners), as of
	 * its last allocator call; for `tandem ps`.
	 */
	unsigned long long bytes;
	/*
	 * PROCESS: bytes it has charged for an allocation it is making; if
	 * it dies meanwhile, its reaper gives them back.
	 */
	unsigned long long inflight;
	/* PROCESS: the SHARED owners it maps, one bit per slot. */
	unsigned long long shared[TANDEM_POOL_OWNERS / 64];
};

struct tandem_pool_desc {
	unsigned int page_shift;	/* 12, 21, 30; 0: this pool is absent */
	unsigned int broken;		/* no more frames can be made to exist */
	unsigned int zero_on_grow;	/* a handed-in file: frames not known zero */
	unsigned int grow_lock;		/* futex: growers take turns */
	unsigned long long frames;	/* frames of 1 << page_shift bytes */
	unsigned long long buddy_off;	/* its allocator (kernel/mm/buddy.h) */
	unsigned long long chunk_frames;	/* it grows by multiples of this */
};

/*
 * The pool state, in the instance descriptor at pool_off.  The owner table
 * is under `lock` (a robust mutex word, kernel/mm/shlock.h); each allocator
 * has its own lock.
 */
struct tandem_pool_state {
	unsigned int abi;		/* TANDEM_ABI_VERSION */
	unsigned int lock;		/* futex: guards owner[] */
	unsigned int helper_seq;	/* futex: bumped to wake the helper */
	unsigned int helper_sleeping;	/* the helper waits on helper_seq */
	int helper_pid, helper_tid;	/* the zeroing helper; 0 if none */
	unsigned int grow_demand;	/* bumped when a program path grew a pool */
	unsigned int pad;
	unsigned long long size;	/* bytes of the state area */
	struct tandem_pool_desc pool[TANDEM_NR_POOLS];
	struct tandem_pool_owner owner[TANDEM_POOL_OWNERS];
};

/*
 * What the LWK publishes about one pool in the instance page, for
 * `tandem status` (a snapshot taken after allocator calls, frames in the
 * pool's page size).
 */
struct tandem_pool_figures {
	unsigned long long frames;	/* room: the pool file's frames */
	unsigned long long grown;	/* frames made to exist so far */
	unsigned long long free_clean;	/* free and zeroed */
	unsigned long long free_dirty;	/* free, waiting to be zeroed */
	unsigned long long allocated;	/* handed out */
	unsigned int frag_permille;	/* kernel/mm/buddy.h buddy_stats */
	int largest_free_order;		/* -1: nothing free */
};

/*
 * The instance page: one per run, shared by every LWK process of it,
 * passed across execve as an inherited descriptor.  Counters are updated
 * with atomic adds; the kmsg ring with an atomic reservation of its head.
 */
struct tandem_instance {
	unsigned int abi;			/* TANDEM_ABI_VERSION */
	unsigned int nr_processes;		/* processes ever started */
	int top_pid;				/* the process tandem run started */
	/*
	 * Set by a booted instance's daemon while no pool state exists:
	 * bit n, the handed-in file of pool n holds zeroes only, so the
	 * state made on it need not zero frames as it grows.
	 */
	unsigned int pool_clean;
	unsigned long long start_ns;		/* CLOCK_MONOTONIC at boot */
	unsigned long long route_calls[ROUTE_COUNT];
	/*
	 * --stats only: TSC cycles threads spent inside system calls, by
	 * route, and in the program between its calls; start_tsc is the TSC
	 * at start_ns, which calibrates them.  stats_done: the summary was
	 * printed (the watcher of a killed run prints it otherwise).
	 */
	unsigned long long route_tsc[ROUTE_COUNT];
	unsigned long long prog_tsc;
	unsigned long long start_tsc;
	unsigned int stats_done;
	unsigned int stats_pad;
	unsigned long long calls[TANDEM_NR_SYSCALLS];
	unsigned long long mem_limit;		/* bytes the run may map */
	unsigned long long mem_used;		/* pool bytes in use now */
	unsigned long long mem_peak;		/* high-water mark of mem_used */
	unsigned long long pool_off;		/* the pool state, in this fd */
	unsigned long long pool_size;		/* its bytes */
	unsigned long long page_sizes_used;	/* bit n: a 1 << n page mapped */
	unsigned long long zeroed_sync;		/* bytes zeroed on a program path */
	unsigned long long zeroed_helper;	/* bytes zeroed by the helper */
	unsigned long long prefault_sync;	/* bytes made to exist on a program path */
	unsigned long long prefault_helper;	/* bytes made to exist by the helper */
	unsigned long long fork_copied;		/* bytes copied for fork children */
	unsigned int entry_modes;		/* bit n: a process used entry n */
	unsigned int entry_pad;
	unsigned long long entry_sites;		/* call sites rewritten */
	unsigned long long entry_sites_kept;	/* sites that could not be */
	unsigned long long entry_fast_calls;	/* calls through rewritten sites */
	unsigned long long entry_signal_calls;	/* calls through SIGSYS */
	/* Placement (kernel/sched/place.c): the partition, threads per core. */
	unsigned long long partition[TANDEM_MAX_CPUS / 64];
	unsigned int partition_set;
	unsigned int oversub_warned;
	unsigned int core_threads[TANDEM_MAX_CPUS];
	struct tandem_pool_figures pool_fig[TANDEM_NR_POOLS];
	unsigned long long kmsg_head;		/* bytes ever written */
	char kmsg[TANDEM_KMSG_SIZE];
};

#endif
