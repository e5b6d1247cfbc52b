/* SPDX-License-Identifier: MIT */
/*
 * The process table of a booted instance: the file
 * /run/tandem/NAME/procs (an unprivileged user's instances keep theirs
 * elsewhere, docs/partitions.md), mapped by the instance daemon (its only
 * writer today) and read by `tandem status` and `tandem ps`.  The LWK may
 * read it; the fields marked LWK are the ones a process may update in its
 * own slot.  Versioned on its own: bump TANDEM_PROCTAB_VERSION on any
 * layout change.
 *
 * Readers take a consistent copy with the sequence counter: seq is odd
 * while the daemon writes; read seq, copy, read seq again, retry if it
 * changed or was odd.
 */
#ifndef TANDEM_UAPI_PROCS_H
#define TANDEM_UAPI_PROCS_H

#define TANDEM_PROCTAB_MAGIC	0x43525054U	/* "TPRC" in memory order */
#define TANDEM_PROCTAB_VERSION	2

/* Slots in the table: processes of one instance alive at once. */
#define TANDEM_MAX_PROCS	256

enum tandem_proc_state {
	TANDEM_PROC_FREE = 0,		/* slot unused */
	TANDEM_PROC_RUNNING = 1,	/* the daemon watches it (pidfd) */
};

/* How the daemon learnt of a process (tandem_proc.flags). */
#define TANDEM_PROC_F_JOINED	1U	/* `tandem run --instance` joined */
#define TANDEM_PROC_F_CHILD	2U	/* found as a child of an LWK process */

struct tandem_proc {
	int pid;			/* Linux pid (thread-group id) */
	unsigned int state;		/* enum tandem_proc_state */
	int ppid;			/* parent when found, 0 if unknown */
	unsigned int flags;		/* TANDEM_PROC_F_* */
	unsigned int uid;		/* real uid when it joined */
	unsigned int pad;
	/*
	 * Field 22 of /proc/PID/stat when it joined: a reader compares it
	 * with the live value so that a reused pid is never taken for it.
	 */
	unsigned long long start_ticks;
	unsigned long long joined_ns;	/* CLOCK_MONOTONIC */
	char comm[16];			/* /proc/PID/comm, refreshed */
};

/*
 * The table's header.  pool_* describe the daemon's pre-zeroing of the
 * pool; kmsg_cleared is the kmsg head at the last `tandem kmsg --clear`
 * (readers print from there on).
 */
struct tandem_proctab {
	unsigned int magic;		/* TANDEM_PROCTAB_MAGIC */
	unsigned int version;		/* TANDEM_PROCTAB_VERSION */
	unsigned int max_procs;		/* TANDEM_MAX_PROCS */
	unsigned int seq;		/* odd while the daemon writes */
	int daemon_pid;
	unsigned int nr_running;	/* slots in state RUNNING */
	unsigned long long daemon_start_ticks;	/* /proc/PID/stat field 22 */
	unsigned long long boot_ns;	/* CLOCK_MONOTONIC at boot */
	unsigned long long nr_started;	/* processes ever registered */
	unsigned long long nr_ended;	/* processes seen ending */
	unsigned long long pool_bytes;	/* size of the pool */
	unsigned long long pool_ready;	/* bytes allocated and zeroed */
	unsigned long long pool_error;	/* errno of a failed pre-zeroing */
	unsigned long long kmsg_cleared;
	struct tandem_proc proc[TANDEM_MAX_PROCS];
};

#endif
