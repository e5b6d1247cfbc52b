/* SPDX-License-Identifier: MIT */
/*
 * The platform hooks: everything the portable LWK core needs from the
 * machine it runs on.  platform/hosted/ implements them inside a Linux
 * process; a ring-0 platform would implement the same set.
 *
 * The core calls nothing else outside kernel/: no libc, no Linux headers.
 */
#ifndef TANDEM_KERNEL_PLAT_H
#define TANDEM_KERNEL_PLAT_H

#include "types.h"
#include "../include/uapi/tandem.h"

struct lwk_thread;
struct k_sigaction;

/*
 * The register state of a program thread at a system call, as the platform
 * captured it.  The core reads arguments and writes the result through
 * these accessors only.
 */
struct plat_regs;

long regs_nr(const struct plat_regs *r);
long regs_arg(const struct plat_regs *r, int i);
void regs_set_arg(struct plat_regs *r, int i, long v);
u64 regs_ip(const struct plat_regs *r);
u64 regs_sp(const struct plat_regs *r);

/*
 * plat_linux_call - perform a Linux system call with these arguments,
 * from LWK text, in the calling thread.  Returns the raw result
 * (-errno on failure).  Used by the direct route and by the core itself.
 */
long plat_linux_call(long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5);

#define linux_call0(n)			plat_linux_call(n, 0, 0, 0, 0, 0, 0)
#define linux_call1(n, a)		plat_linux_call(n, (long)(a), 0, 0, 0, 0, 0)
#define linux_call2(n, a, b)		plat_linux_call(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define linux_call3(n, a, b, c) \
	plat_linux_call(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define linux_call4(n, a, b, c, d) \
	plat_linux_call(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define linux_call6(n, a, b, c, d, e, f) \
	plat_linux_call(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/*
 * Copy between LWK buffers and program memory without faulting the LWK:
 * a bad program pointer gives -EFAULT.  strncpy_from_user returns the
 * string length (excluding the NUL) or -EFAULT / -ENAMETOOLONG.
 */
int plat_copy_from_user(void *dst, const void *usrc, size_t n);
int plat_copy_to_user(void *udst, const void *src, size_t n);
long plat_strncpy_from_user(char *dst, const char *usrc, size_t n);

/* Monotonic time in nanoseconds. */
u64 plat_now_ns(void);

/* The calling thread's LWK state. */
struct lwk_thread *plat_current(void);

/*
 * plat_prog_sets_gs - the program sets a GS base of its own (arch_prctl),
 * which the platform may have used for itself until now.  plat_prog_gs -
 * the program's view of GS base @gs as Linux reports it: a value the
 * platform put there reads as 0.
 */
void plat_prog_sets_gs(void);
u64 plat_prog_gs(u64 gs);

/*
 * Block or restore program signals around a short LWK critical section
 * (the analogue of local_irq_save): a handler that re-enters the LWK must
 * not find a lock held by the code it interrupted.
 */
typedef u64 irqflags_t;
irqflags_t plat_irq_save(void);
void plat_irq_restore(irqflags_t flags);

/*
 * plat_lwk_region_next - the platform's own memory in the program's
 * address space (the hosted LWK image, its per-thread areas): the region
 * with the lowest start among those ending above `addr`, stored in
 * [*start, *end).  Returns false when there is none.  Takes no lock and
 * may be called from any context; a region added or removed meanwhile may
 * or may not be seen.
 */
bool plat_lwk_region_next(u64 addr, u64 *start, u64 *end);

/*
 * Move the LWK's descriptor fd out of the program's way and close the
 * original: just above the soft RLIMIT_NOFILE when the hard limit leaves
 * room (the program keeps every descriptor it would have natively), else
 * high below it.  Returns the new descriptor, or fd if it cannot move.
 */
int plat_hide_fd(int fd);

/* Write to the LWK's log descriptor (stderr of tandem); best effort. */
void plat_log_write(const char *buf, size_t len);

/* End the whole process now with this status; used for fatal LWK errors. */
__noreturn void plat_exit_group(int status);

/*
 * Threads and processes.  plat_clone performs clone(2) for the program:
 * with CLONE_VM the child gets fresh LWK thread state and resumes the
 * program at `regs` with a zero result on `newsp` (or the same stack when
 * newsp is 0); without it, the child is a copy that continues here and
 * plat_clone returns 0 in it, interception already re-armed.  Returns the
 * child's tid in the parent or -errno.  plat_clone3 is the same for
 * clone3(2), with the arguments already copied into LWK memory.
 */
long plat_clone(struct plat_regs *regs, u64 flags, u64 newsp, u64 ptid,
		u64 ctid, u64 tls);
struct k_clone_args;
long plat_clone3(struct plat_regs *regs, struct k_clone_args *args,
		 size_t size);

/*
 * The calling thread is about to exit: called before the program can
 * see it gone (its clear_child_tid cleared), so that plat_threads_exiting
 * can wait for it to leave.  plat_thread_exit then ends it, releasing its
 * LWK state.
 */
void plat_thread_leaving(void);
__noreturn void plat_thread_exit(int code);

/*
 * Wait (a few milliseconds at most) until the threads the program has seen
 * exit (their clear_child_tid word cleared, a join returned) have left
 * Linux too, so that Linux's count of the process's threads is the
 * program's view of them.
 */
void plat_threads_settle(void);

/*
 * Complete the program's rt_sigreturn: the signal frame the program's
 * handler returned through is restored as Linux would restore it.
 */
__noreturn void plat_sigreturn(struct plat_regs *regs);

/*
 * Install the LWK in the calling thread (signal entry, its stack, system
 * call interception) and start the program at `entry` with the initial
 * stack pointer `sp`.
 */
__noreturn void plat_enter_program(u64 entry, u64 sp);

/*
 * Make Linux deliver signal `sig` through the LWK, which then runs the
 * program's handler in lwk_proc.sigact[sig] as Linux would (on the
 * program's stack or its sigaltstack, with its mask and flags).  Returns
 * 0 or -errno; the previous Linux disposition is not reported.
 */
int plat_signal_install(int sig, const struct k_sigaction *prog);

/*
 * plat_block_on - sleep in Linux while *word == val: futex(word, op, val,
 * abs_timeout, NULL, FUTEX_BITSET_MATCH_ANY) with op a FUTEX_WAIT_BITSET
 * form.  Returns its result; a program signal whose handler runs meanwhile
 * ends the sleep with -EINTR whatever the handler's flags, and sets
 * t->block_restart when the handler asked for SA_RESTART, so the caller
 * can restart the way Linux would restart its own call.
 */
long plat_block_on(struct lwk_thread *t, u32 *word, long op, u32 val,
		   const void *abs_timeout);

/* Is `sp` on the program's own sigaltstack (its view, not Linux's)? */
bool plat_on_prog_altstack(struct lwk_thread *t, u64 sp);

/*
 * Proxies (docs/offload.md).  The core is the IKC client; the platform
 * gives each slot its server.
 *
 * plat_proxy_init - prepare the platform's side once per image, before
 * the first plat_proxy_start (a hosted platform reserves the signals
 * that interrupt its proxies).  Returns 0 or -errno.
 *
 * plat_proxy_start - give `slot` of channel `ch` a server: a Linux-side
 * thread, on the cores of `cpus` (TANDEM_MAX_CPUS bits), that executes the
 * calls posted in the slot with this process's files, fs and memory and
 * the calling thread's credentials and namespaces, and never runs program
 * code, until it takes IKC_OP_EXIT; it then frees the slot.  Writes
 * slot->server_tid.  Returns 0 and a handle for plat_proxy_forget, or
 * -errno.  Context: a system call of the slot's client.
 *
 * plat_proxy_interrupt - tell the server `handle` of `slot` that the
 * client asked for an interrupt (slot->cancel_seq, cancel_restart,
 * cancels already written).  Returns 0 or -errno.  Context: the client,
 * its signal delivery included; may wait for the server to take an
 * earlier interrupt.
 *
 * plat_proxy_forget - in a fork child: the parent's server `handle` does
 * not exist here; free what is left of it.
 */
struct ikc_channel;
struct ikc_slot;
int plat_proxy_init(void);
int plat_proxy_start(struct ikc_channel *ch, struct ikc_slot *slot,
		     const u64 *cpus, void **handle);
int plat_proxy_interrupt(struct ikc_slot *slot, void *handle);
void plat_proxy_forget(void *handle);

/*
 * Is `sig` the platform's own?  Linux's disposition of such a signal is
 * kept; rt_sigaction only records the program's view of it, and the
 * platform delivers it to program threads by that view.
 */
bool plat_signal_reserved(int sig);

/*
 * Does the platform keep its own handler for `sig` in Linux whatever the
 * program's disposition?  rt_sigaction then records SIG_DFL and SIG_IGN
 * as the program's view only, which the platform's delivery carries out.
 * plat_exec_signals - around the Linux execve of a new image: before it
 * (before), give Linux what of that view the image must inherit; after
 * a failed one (!before), take it back.
 */
bool plat_signal_caught(int sig);
void plat_exec_signals(bool before);

/* The signal mask to restore when the current LWK entry returns. */
u64 plat_regs_sigmask(struct plat_regs *r);
void plat_regs_set_sigmask(struct plat_regs *r, u64 mask);

/*
 * ---- The pool (kernel/mm): the memory behind the program's anonymous
 * memory.  One pool per page size (enum tandem_pool_id); a frame is one
 * page of that size, numbered from 0.  Everything here may block in Linux;
 * callers hold no spinlock.
 */

/*
 * plat_pool_setup - give this process its pools.  With @create, the pools
 * of a new pool state: each pool whose file was handed in
 * (lwk_proc.cfg.pool_fd, e.g. an instance's) is used as it is, and bit id
 * of *@used says so (its frames may hold an earlier program's bytes); the
 * others are made: @bytes of 4 KiB frames, and for each huge page size up
 * to 1 << @max_shift whose pages the machine has free, up to @bytes of
 * them.  Without @create, the pools this process inherited.  Sets
 * @frames[id] to each pool's frame count (0 for an absent pool) and maps
 * the LWK's own view of each (a window, LWK memory).  Returns 0 or -errno.
 */
int plat_pool_setup(bool create, u64 bytes, unsigned int max_shift,
		    u64 frames[TANDEM_NR_POOLS], u32 *used);

/*
 * plat_pool_folio_shift - the size (log2) of the pages Linux backs pool
 * @id's file with: 12, or 21 for a 4 KiB pool in 2 MiB folios (naturally
 * aligned in the file; a run of them mapped at an address aligned alike
 * costs one page-table entry and one fault per folio), or the huge pool's
 * page size.  Valid once plat_pool_setup has returned.
 */
unsigned int plat_pool_folio_shift(int id);

/* The LWK's pointer to frame @pfn of pool @id (through its window). */
void *plat_pool_frame(int id, u64 pfn);

/*
 * plat_pool_map - map frames [@pfn, @pfn + @n) of pool @id at @addr for
 * the program, with @prot, replacing whatever was mapped there; with
 * @populate its page tables are filled now (no fault when touched).
 * Returns 0 or -errno.
 */
int plat_pool_map(int id, u64 pfn, u64 n, u64 addr, u32 prot, bool populate);

/*
 * plat_pool_prefault - make frames [@pfn, @pfn + @n) of pool @id exist and
 * read as zero, so mapping them later costs no allocation and cannot fail
 * (their zeroing may be left to the populating map).  They must be frames
 * no one uses yet (callers take turns).  @background: from the
 * helper thread, which must neither hold locks the program's own memory
 * calls need nor take page faults (getrusage counts them as the
 * program's).  Returns 0, or -ENOMEM when the machine cannot supply them.
 */
int plat_pool_prefault(int id, u64 pfn, u64 n, bool background);

/*
 * plat_pool_zero - zero frames [@pfn, @pfn + @n) of pool @id, which no
 * mapping of the program uses; @background as for plat_pool_prefault.
 */
void plat_pool_zero(int id, u64 pfn, u64 n, bool background);

/*
 * plat_pool_discard - give frames [@pfn, @pfn + @n) of pool @id back to
 * the machine: every mapping of them reads zero from now on, and the next
 * touch of each page takes a fault that makes it again (as Linux's
 * MADV_DONTNEED on anonymous memory).  Zeroing them later makes them
 * exist again.  Returns 0, or -errno when the pool cannot do this (then
 * the caller zeroes them).
 */
int plat_pool_discard(int id, u64 pfn, u64 n);

/*
 * plat_helper_start - run @fn(@arg) in a new thread of this process that
 * runs LWK code only: idle priority, every signal blocked, no system call
 * interception.  It never returns from @fn; it ends with the process (exit
 * and execve end it, fork does not copy it).  Returns its tid or -errno.
 */
long plat_helper_start(void (*fn)(void *), void *arg);

/*
 * plat_helper_boost - run helper thread @tid (0: the caller) at normal
 * priority (@on) or back at idle priority.  The helper holds the pool's
 * spinlocks only boosted, so a preempted helper never keeps the program
 * spinning; and it is boosted before the process exits or execs, which
 * wait for it to die (and may leave it the pool's teardown).
 */
void plat_helper_boost(long tid, bool on);

#endif
