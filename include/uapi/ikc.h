/* SPDX-License-Identifier: MIT */
/*
 * IKC, the inter-kernel channel: how an LWK thread hands a system call to
 * a proxy on the Linux side and gets the result back.  This is the only
 * layout the two sides share; the LWK is the client, the proxy the server.
 *
 * A channel is one block of memory both sides map: a header, then one slot
 * per LWK thread.  A slot is a ring of one entry: the client writes a call
 * and posts it, the server runs it and writes the result, the client reads
 * the result and the slot is free for the client's next call.  Both sides
 * wait on the slot's state word: they spin for spin_ns, then sleep on it
 * with futex(2) after setting their *_sleeping word, and the side that
 * changes the state wakes the other only if that word says it sleeps.
 *
 * Arguments are passed as the program made them: pointers point into the
 * program's memory, which the server shares (a private run's proxies are
 * threads of the program's own process; a booted instance's daemon maps
 * the program's memory).  Bump IKC_VERSION on any change.
 */
#ifndef TANDEM_UAPI_IKC_H
#define TANDEM_UAPI_IKC_H

#define IKC_MAGIC		0x434b4954U	/* "TIKC" */
#define IKC_VERSION		1

/*
 * Slot states, in the order a call goes through them.  Only the client
 * moves a slot out of FREE (it takes it), out of DONE (it read the
 * result) and back to FREE; only the server moves it to RUNNING and DONE.
 */
enum ikc_state {
	IKC_FREE = 0,		/* no LWK thread owns the slot */
	IKC_IDLE = 1,		/* owned; no call in it */
	IKC_POSTED = 2,		/* a call is written: the server may take it */
	IKC_RUNNING = 3,	/* the server is executing it */
	IKC_DONE = 4,		/* the result is written: the client may read it */
};

/* Requests that are not system calls (negative numbers in `nr`). */
#define IKC_OP_NOP		(-1LL)	/* answer 0 at once (round-trip benchmark) */
#define IKC_OP_EXIT		(-2LL)	/* the client thread ends: serve no more,
					   set server_tid to 0 once the slot is
					   not touched any more (no DONE); the
					   client then frees the slot */

/* Channel flags. */
#define IKC_CHAN_PRIVATE	0x1U	/* both sides are one process: futex
					   operations use FUTEX_PRIVATE_FLAG */

/*
 * One LWK thread's slot, 128 bytes, 64-byte aligned.  "client:" fields
 * are written by the LWK thread only, "server:" fields by its proxy only,
 * and each side publishes them with its release store of `state`.
 *
 * Interrupting a call (a signal reached the waiting LWK thread, whose
 * handler ran): the client writes cancel_restart, then cancel_seq = seq,
 * then increments cancels, then tells the server (a private run's proxy
 * gets a signal).  The server makes the call end as Linux ends a call
 * interrupted by a handler: with SA_RESTART semantics when
 * cancel_restart is 1 (a restartable call goes on, others give EINTR),
 * with EINTR when it is 0.  A cancel for a call the server has finished
 * is ignored; `cancels` lets the server tell such a late notice from a
 * notice for the call it is running.
 */
struct ikc_slot {
	unsigned int state;		/* enum ikc_state: the futex word */
	unsigned int client_sleeping;	/* client: 1 while it sleeps on state */
	unsigned int server_sleeping;	/* server: 1 while it sleeps on state */
	unsigned int spin_ns;		/* client, at take: spin before sleeping */
	int client_tid;			/* client: the LWK thread */
	int server_tid;			/* server: its proxy thread; 0 when it
					   has ended (futex word) */
	unsigned long long seq;		/* client: number of the posted call, 1... */
	long long nr;			/* client: system call number or IKC_OP_* */
	long long args[6];		/* client: its arguments */
	unsigned long long cancel_seq;	/* client: the call to interrupt */
	unsigned int cancel_restart;	/* client: 1 if the handler had SA_RESTART */
	unsigned int cancels;		/* client: interrupt requests made */
	long long ret;			/* server: the result, or -errno */
	unsigned long long sigs;	/* server: bit n-1 set for signal n that
					   the call raised on the server thread
					   but belongs to the caller (SIGPIPE,
					   SIGXFSZ): the client raises it */
	unsigned long long pad;
} __attribute__((aligned(64)));

/* The channel: this header, then nslots slots. */
struct ikc_channel {
	unsigned int magic;		/* IKC_MAGIC */
	unsigned int version;		/* IKC_VERSION */
	unsigned int nslots;
	unsigned int slot_size;		/* sizeof(struct ikc_slot) */
	unsigned int flags;		/* IKC_CHAN_* */
	int owner_pid;			/* the LWK process the slots serve */
	unsigned long long pad[5];
	struct ikc_slot slots[];
} __attribute__((aligned(64)));

/*
 * The round-trip benchmark, for bench/progs/proxy.c: a program under
 * `tandem run --offload=proxy` calls
 *	syscall(IKC_SYS_ROUNDTRIP, rounds, struct ikc_roundtrip *out, gap_ns)
 * and the LWK posts `rounds` IKC_OP_NOP requests to the calling thread's
 * proxy, one after the other, timing each from post to result; with a
 * gap_ns (at most 1 s), it sleeps that long before each one, so both
 * sides may have stopped spinning.  Returns 0; -EOPNOTSUPP when no call
 * of the run goes to a proxy; -ENOSYS without tandem (Linux has no such
 * number).
 */
#define IKC_SYS_ROUNDTRIP	0x7d00

struct ikc_roundtrip {
	unsigned long long rounds;
	unsigned long long min_ns;
	unsigned long long median_ns;
	unsigned long long p90_ns;
	unsigned long long p99_ns;
	unsigned long long max_ns;
	int client_cpu;			/* where the LWK thread ran */
	int server_cpu;			/* the first core of its proxy's set */
};

#endif
