// SPDX-License-Identifier: MIT
/*
 * The C half of the hosted platform's fast system-call entry: choosing the
 * entry at boot (--entry=auto|rewrite|signal), the table that maps a
 * thread id to its LWK area for fastentry.S, and hosted_fast_dispatch(),
 * which runs a call that came in through a rewritten site the way
 * hosted_sigsys() runs a trapped one.  Finding and patching the sites is
 * rewrite.c's.
 *
 * The program's stack is not the LWK's and FS is the program's, so the
 * entry finds the thread through GS: x86-64 Linux programs do not use it,
 * and where the CPU lets user code read the GS base (FSGSBASE) the LWK
 * sets each thread's GS base to its area as it arms the thread.  The
 * entry trusts a base only if the area table holds it (a program that sets
 * GS itself just misses), and a program's ARCH_SET_GS turns the scheme off
 * for the whole process.  Otherwise the thread is found by its Linux tid,
 * asked from LWK text: the tid table holds one 64-bit word per thread, tid
 * and area together, so a lock-free reader never pairs a tid with another
 * thread's area; a miss only costs the signal path.
 */
#include "fastentry.h"
#include "../../kernel/errno.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/fdguard.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/lib/lock.h"
#include "../../kernel/arch/x86_64/unistd.h"

_Static_assert(__builtin_offsetof(struct fast_frame, uc.uc_mcontext) == FF_MC,
	       "fastentry.h: uc_mcontext");
_Static_assert(__builtin_offsetof(struct fast_frame, uc.uc_mcontext.rip) ==
	       FF_RIP, "fastentry.h: rip");
_Static_assert(__builtin_offsetof(struct fast_frame, uc.uc_mcontext.fpstate) ==
	       FF_FPSTATE, "fastentry.h: fpstate");
_Static_assert(__builtin_offsetof(struct fast_frame, uc.uc_sigmask) ==
	       FF_SIGMASK, "fastentry.h: uc_sigmask");
_Static_assert(__builtin_offsetof(struct fast_frame, slow) == FF_SLOW,
	       "fastentry.h: slow");
_Static_assert(__builtin_offsetof(struct fast_frame, fallback) == FF_FALLBACK,
	       "fastentry.h: fallback");
_Static_assert(__builtin_offsetof(struct fast_frame, mask_state) ==
	       FF_MASK_STATE, "fastentry.h: mask_state");
_Static_assert(sizeof(struct fast_frame) == FF_SIZE, "fastentry.h: size");
_Static_assert(FAST_FDG_MAP_BITS == FDG_MAP_BITS, "fastentry.h: fdguard map");
_Static_assert(AREA_SIZE == 1UL << TID_AREA_SHIFT, "fastentry.h: area");
_Static_assert(sizeof(struct hosted_thread) <= AREA_FAST_TOP &&
	       AREA_FAST_TOP + 8 == AREA_HDR, "fastentry.h: AREA_FAST_TOP");
_Static_assert(AREA_STACK == 3 * 4096 && AREA_SIZE == 256 * 1024,
	       "fastentry.S: area layout");

int hosted_entry_mode = TANDEM_ENTRY_SIGNAL;

/* Bit n: call n goes to Linux as it is; made once at boot. */
u64 hosted_fast_direct[TANDEM_NR_SYSCALLS / 64];
/* Bit n: call n takes a descriptor in its first argument only (fdguard). */
u64 hosted_fast_fd0[TANDEM_NR_SYSCALLS / 64];

/*
 * The thread table, open addressing by tid.  Readers (fastentry.S) take
 * no lock; writers hold tid_lock with program signals blocked.  A slot is
 * 0 (empty: ends a probe), tid | area >> 18 << 32, or TID_TOMB as its tid
 * (removed: probing goes on).
 */
u64 hosted_tid_table[TID_SLOTS];
static spinlock_t tid_lock = SPINLOCK_INIT;
static u32 tid_used;			/* slots not empty; under tid_lock */

/*
 * Where the thread's GS base is its area: written under tid_lock, read
 * without.  hosted_fast_gs: 1 while the entry may look there (FSGSBASE,
 * rewrite mode, and no program has set GS itself).
 */
u64 hosted_gs_table[GS_SLOTS];
u32 hosted_fast_gs;
static bool cpu_fsgsbase;

/* Counters in the instance page, for fastentry.S. */
unsigned long long *hosted_fast_route_ctr;
unsigned long long *hosted_fast_calls_ctr;
unsigned long long *hosted_fast_entry_ctr;

/*
 * Calls that need the context only a signal gives: the full register
 * state for a new process or for rt_sigreturn's frame, the thread's area
 * itself (exit frees it), or a signal frame whose return delivers a
 * signal the thread sent itself on the program's stack.  A stub sends
 * them back to its `syscall`, which traps.  clone and clone3 are decided
 * call by call (call_needs_signal).
 */
bool hosted_fast_needs_signal(long nr)
{
	switch (nr) {
	case NR_rt_sigreturn:
	case NR_fork:
	case NR_vfork:
	case NR_execve:
	case NR_execveat:
	case NR_exit:
	/* A signal sent to oneself is delivered on the way back to the program. */
	case NR_kill:
	case NR_tkill:
	case NR_tgkill:
		return true;
	}
	return false;
}

static u32 tid_hash(s32 tid)
{
	return (u32)tid & (TID_SLOTS - 1);
}

static u64 tid_word(s32 tid, u64 area)
{
	return (u32)tid | (area >> TID_AREA_SHIFT) << 32;
}

/* Rebuild without tombstones; a reader meanwhile may miss, never err. */
static void __tid_rehash(void)
{
	static u64 live[TID_SLOTS];
	u32 n = 0, i, j;

	for (i = 0; i < TID_SLOTS; i++) {
		u64 w = hosted_tid_table[i];

		if (w && (u32)w != TID_TOMB)
			live[n++] = w;
	}
	for (i = 0; i < TID_SLOTS; i++)
		WRITE_ONCE(hosted_tid_table[i], 0);
	for (i = 0; i < n; i++) {
		for (j = tid_hash((s32)live[i]); hosted_tid_table[j];
		     j = (j + 1) & (TID_SLOTS - 1))
			;
		WRITE_ONCE(hosted_tid_table[j], live[i]);
		((struct hosted_thread *)(live[i] >> 32 << TID_AREA_SHIFT))->
			tid_slot = j;
	}
	tid_used = n;
}

static u32 gs_hash(u64 area)
{
	return (area >> TID_AREA_SHIFT) & (GS_SLOTS - 1);
}

/* Forget the area's slot (the area records it), if it still holds it. */
static void __tid_remove_area(struct hosted_thread *ht)
{
	u32 i = ht->tid_slot;
	u64 w;

	if (hosted_gs_table[gs_hash((u64)ht)] == (u64)ht)
		WRITE_ONCE(hosted_gs_table[gs_hash((u64)ht)], 0);
	if (i >= TID_SLOTS)
		return;
	w = hosted_tid_table[i];
	if (w && (u32)w != TID_TOMB && w >> 32 == (u64)ht >> TID_AREA_SHIFT)
		WRITE_ONCE(hosted_tid_table[i],
			   (w & ~0xffffffffULL) | TID_TOMB);
	ht->tid_slot = TID_SLOTS;
}

/*
 * __hosted_fast_thread_add - make the calling thread (tid already in its
 * area) findable by fastentry.S.  A full table leaves it on the signal
 * path.  Context: program signals blocked.
 */
void __hosted_fast_thread_add(struct hosted_thread *ht)
{
	u64 area = (u64)ht, w = tid_word(ht->lt.tid, area);
	u32 i, free = TID_SLOTS;

	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	spin_lock(&tid_lock);
	__tid_remove_area(ht);
	if (tid_used >= TID_SLOTS / 2)
		__tid_rehash();
	for (i = tid_hash(ht->lt.tid); hosted_tid_table[i];
	     i = (i + 1) & (TID_SLOTS - 1)) {
		if ((u32)hosted_tid_table[i] == (u32)ht->lt.tid)
			break;
		if ((u32)hosted_tid_table[i] == TID_TOMB && free == TID_SLOTS)
			free = i;
	}
	if (!hosted_tid_table[i] && free != TID_SLOTS)
		i = free;
	if (!hosted_tid_table[i])
		tid_used++;
	if (tid_used < TID_SLOTS - 1) {
		__atomic_store_n(&hosted_tid_table[i], w, __ATOMIC_RELEASE);
		ht->tid_slot = i;
	}
	/*
	 * The base is set even when another live area holds the slot (this
	 * thread then takes the tid path): the parent's area, inherited,
	 * would otherwise be found.
	 */
	if (READ_ONCE(hosted_fast_gs)) {
		__asm__ volatile("wrgsbase %0" : : "r"(area) : "memory");
		if (!hosted_gs_table[gs_hash(area)])
			__atomic_store_n(&hosted_gs_table[gs_hash(area)], area,
					 __ATOMIC_RELEASE);
	}
	spin_unlock(&tid_lock);
}

/* hosted_fast_thread_add - the same from any context. */
void hosted_fast_thread_add(struct hosted_thread *ht)
{
	irqflags_t irq;

	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	irq = plat_irq_save();
	__hosted_fast_thread_add(ht);
	plat_irq_restore(irq);
}

/*
 * __hosted_fast_thread_del - the thread owning this area is going away.
 * Context: program signals blocked.
 */
void __hosted_fast_thread_del(struct hosted_thread *ht)
{
	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	spin_lock(&tid_lock);
	__tid_remove_area(ht);
	spin_unlock(&tid_lock);
}

/* hosted_fast_thread_del - the same from any context. */
void hosted_fast_thread_del(struct hosted_thread *ht)
{
	irqflags_t irq;

	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	irq = plat_irq_save();
	__hosted_fast_thread_del(ht);
	plat_irq_restore(irq);
}

/* hosted_regs_fast - did r come through a rewritten site (not SIGSYS)? */
bool hosted_regs_fast(const struct plat_regs *r)
{
	return r->uc.uc_flags & FAST_UC_FLAG;
}

/*
 * Remember mask as Linux's for this thread, unless a signal came (gen
 * moved) since it was read or set: its handler may have left another.
 */
static void mask_note(struct hosted_thread *ht, u64 mask, u32 gen)
{
	WRITE_ONCE(ht->linux_mask,
		   mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP)));
	WRITE_ONCE(ht->mask_known, true);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(ht->sig_gen) != gen)
		WRITE_ONCE(ht->mask_known, false);
}

/* hosted_fast_mask_note - Linux's mask for this thread is `mask` now. */
void hosted_fast_mask_note(struct hosted_thread *ht, u64 mask)
{
	u32 gen = READ_ONCE(ht->sig_gen);

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	mask_note(ht, mask, gen);
}

/*
 * The thread's note of Linux's mask, if it holds: true and *mask, else
 * false and *gen the generation to note a freshly read one under.
 */
static bool mask_noted(struct hosted_thread *ht, u64 *mask, u32 *gen)
{
	*gen = READ_ONCE(ht->sig_gen);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	*mask = READ_ONCE(ht->linux_mask);
	if (!READ_ONCE(ht->mask_known))
		return false;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (READ_ONCE(ht->sig_gen) == *gen)
		return true;
	*gen = READ_ONCE(ht->sig_gen);
	return false;
}

/*
 * Through a rewritten site the mask is Linux's live one (no signal frame
 * will restore one): take it from the thread's note of it, or read it,
 * when first asked; hand a new one to Linux on the way out.
 */
u64 hosted_fast_sigmask(struct plat_regs *r)
{
	struct fast_frame *f = (struct fast_frame *)r;
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();
	u32 gen;
	u64 mask;

	if (f->mask_state != FAST_MASK_UNREAD)
		return f->uc.uc_sigmask;
	if (mask_noted(ht, &mask, &gen)) {
		f->uc.uc_sigmask = mask;
		f->mask_state = FAST_MASK_READ;
		return mask;
	}
	linux_call4(NR_rt_sigprocmask, SIG_BLOCK, NULL, &f->uc.uc_sigmask, 8);
	mask_note(ht, f->uc.uc_sigmask, gen);
	f->mask_state = FAST_MASK_READ;
	return f->uc.uc_sigmask;
}

/*
 * hosted_fast_live_mask - resolve the calling thread's LIVE_FAST_UNREAD:
 * the fast entry's frame is t->regs, and Linux's mask is the one it read
 * or reads now, unless the call has set a new one already.
 */
u64 hosted_fast_live_mask(struct hosted_thread *ht)
{
	struct fast_frame *f = (struct fast_frame *)ht->lt.regs;
	u64 live = LIVE_UNKNOWN;

	if (f->mask_state != FAST_MASK_SET)
		live = hosted_fast_sigmask(ht->lt.regs);
	WRITE_ONCE(ht->live_mask, live);
	return live;
}

void hosted_fast_set_sigmask(struct plat_regs *r, u64 mask)
{
	struct fast_frame *f = (struct fast_frame *)r;

	f->uc.uc_sigmask = mask & ~sigbit(SIGSYS);
	f->mask_state = FAST_MASK_SET;
}

/*
 * A new thread sharing our memory starts from the general registers alone
 * (its FPU state starts afresh either way): the fast entry serves it.  A
 * new process or a vfork child goes through the signal path, whose way
 * back the fork child's copy of the handler takes.
 */
static bool call_needs_signal(const struct fast_frame *f)
{
	long nr = f->uc.uc_mcontext.rax;
	u64 flags;

	if (nr == NR_clone)
		flags = f->uc.uc_mcontext.rdi;
	else if (nr != NR_clone3)
		return hosted_fast_needs_signal(nr);
	else if (plat_copy_from_user(&flags, (void *)f->uc.uc_mcontext.rdi,
				     sizeof(flags)))
		return true;
	return (flags & (CLONE_VM | CLONE_THREAD | CLONE_VFORK)) !=
	       (CLONE_VM | CLONE_THREAD);
}

/*
 * hosted_fast_dispatch - run the call fastentry.S framed, on the thread's
 * LWK stack, and return its result; or set f->fallback so the stub makes
 * it trap instead.
 */
long hosted_fast_dispatch(struct fast_frame *f)
{
	struct lwk_thread *t = plat_current();
	struct hosted_thread *ht = (struct hosted_thread *)t;
	struct plat_regs *regs = (struct plat_regs *)&f->uc, *saved;
	u64 live = ht->live_mask, mask;
	struct rewrite_call rc;
	bool entered = false;
	u32 noted_gen;
	long ret;

	if (t->magic != LWK_THREAD_MAGIC) {
		f->fallback = 1;
		return 0;
	}
	saved = t->regs;
	t->regs = regs;
	/* The entry left Linux's mask as the program had it. */
	WRITE_ONCE(ht->live_mask, mask_noted(ht, &mask, &noted_gen) ?
				  mask : LIVE_FAST_UNREAD);
	WRITE_ONCE(ht->opened, 0);
	if (call_needs_signal(f)) {
		f->fallback = 1;
		ret = 0;
		goto out;
	}
	__atomic_fetch_add(hosted_fast_entry_ctr, 1, __ATOMIC_RELAXED);
	entered = true;
	hosted_fs_lwk_in(ht);
	if (hosted_lwk_stack_check(ht, f->uc.uc_mcontext.rsp, &saved)) {
		/* Made again through SIGSYS, onto the stack given back. */
		f->fallback = 1;
		ret = 0;
		goto out;
	}
	rewrite_call_begin(&rc, &f->uc.uc_mcontext);
	ret = syscall_dispatch(t, regs);
	rewrite_call_end(&rc);
	if (f->mask_state == FAST_MASK_SET) {
		u32 gen = READ_ONCE(ht->sig_gen);

		/*
		 * What copies opened closes with the new mask; until it is
		 * in force, what both masks block is deferred.
		 */
		WRITE_ONCE(ht->opened, ht->opened & f->uc.uc_sigmask);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &f->uc.uc_sigmask,
			    NULL, 8);
		mask_note(ht, f->uc.uc_sigmask, gen);
		WRITE_ONCE(ht->opened, 0);
	}
out:
	/* What copies let through goes back to the program's mask. */
	if (READ_ONCE(ht->opened))
		linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &ht->open_restore,
			    NULL, 8);
	WRITE_ONCE(ht->opened, 0);
	WRITE_ONCE(ht->live_mask, live);
	t->regs = saved;
	/* Back to program code: wait first while a fork stops the threads. */
	if (entered)
		hosted_fs_lwk_out(ht);
	return ret;
}

/*
 * hosted_fast_cpu_caps - what the auxv says the CPU and Linux allow, given
 * at boot before hosted_fast_init: AT_HWCAP2 (bit 1: user code may read
 * and write the FS and GS bases, FSGSBASE).
 */
void hosted_fast_cpu_caps(u64 hwcap2)
{
	cpu_fsgsbase = hwcap2 & (1ULL << 1);
}

/*
 * plat_prog_sets_gs - the program is about to set a GS base of its own:
 * from now on no thread is found through GS, and threads made later
 * inherit their parent's GS as under Linux.  The area table stays valid
 * (the entry no longer reads it).
 */
void plat_prog_sets_gs(void)
{
	WRITE_ONCE(hosted_fast_gs, 0);
}

/*
 * plat_prog_gs - the program's view of a GS base read from Linux: an area
 * the LWK put there (the thread's own, or its parent's, inherited after
 * the scheme was turned off) reads as 0.
 */
u64 plat_prog_gs(u64 gs)
{
	if (!cpu_fsgsbase || !gs || gs & (AREA_SIZE - 1))
		return gs;
	return gs == (u64)plat_current() ||
	       READ_ONCE(hosted_gs_table[gs_hash(gs)]) == gs ? 0 : gs;
}

/* hosted_fast_count_trap - one call entered through SIGSYS. */
void hosted_fast_count_trap(void)
{
	__atomic_fetch_add(&lwk_proc.inst->entry_signal_calls, 1,
			   __ATOMIC_RELAXED);
}

/*
 * Around a fork (a clone without CLONE_VM): hold the rewrite lock, so no
 * site is half patched in the child's copy of the code.
 */
u64 hosted_fast_fork_begin(void)
{
	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return 0;
	return rewrite_lock_for_fork();
}

/*
 * hosted_fast_fork_child - first thing in a new process that shares no
 * memory with its parent: its one thread starts an empty thread table
 * (arming itself adds it) and nobody holds or waits for a lock here.
 */
void hosted_fast_fork_child(void)
{
	u32 i;

	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	spin_init(&tid_lock);
	for (i = 0; i < TID_SLOTS; i++)
		hosted_tid_table[i] = 0;
	for (i = 0; i < GS_SLOTS; i++)
		hosted_gs_table[i] = 0;
	tid_used = 0;
	rewrite_fork_child();
}

/* After the fork, in the parent and the child (which returns 0). */
void hosted_fast_fork_end(u64 cookie, bool child)
{
	if (hosted_entry_mode != TANDEM_ENTRY_REWRITE)
		return;
	rewrite_unlock_after_fork(cookie, child);
}

/*
 * hosted_fast_init - choose this process's entry from --entry and what
 * the machine allows, and prepare the fast one.  Called once at boot,
 * before the program's first instruction.  --entry=rewrite on a machine
 * that cannot rewrite is an error that ends the run.
 */
void hosted_fast_init(void)
{
	struct tandem_instance *inst = lwk_proc.inst;
	const char *why = NULL;
	long nr;

	if (lwk_proc.cfg.entry == TANDEM_ENTRY_SIGNAL) {
		hosted_entry_mode = TANDEM_ENTRY_SIGNAL;
		goto out;
	}
	if (!rewrite_init(&why)) {
		if (lwk_proc.cfg.entry == TANDEM_ENTRY_REWRITE) {
			pr_err("entry", "--entry=rewrite: %s; use --entry=signal or see docs/fast-entry.md",
			       why);
			plat_exit_group(126);
		}
		pr_info("entry", "system calls stay on the signal path: %s",
			why);
		hosted_entry_mode = TANDEM_ENTRY_SIGNAL;
		goto out;
	}

	hosted_fast_route_ctr = &inst->route_calls[ROUTE_DIRECT];
	hosted_fast_calls_ctr = &inst->calls[0];
	hosted_fast_entry_ctr = &inst->entry_fast_calls;
	/* With --stats or --trace every call goes through the dispatcher. */
	if (!lwk_proc.cfg.stats && !lwk_proc.cfg.trace)
		for (nr = 0; nr < TANDEM_NR_SYSCALLS; nr++)
			/* fastentry.S fixes up poll's answer, no other's. */
			if (syscall_passthrough(nr) &&
			    (nr == NR_poll || !(fdguard_args[nr] & FDG_POLL))) {
				hosted_fast_direct[nr / 64] |= 1ULL << (nr % 64);
				if (syscall_fd_arg0(nr))
					hosted_fast_fd0[nr / 64] |=
						1ULL << (nr % 64);
			}
	hosted_entry_mode = TANDEM_ENTRY_REWRITE;
	hosted_fast_gs = cpu_fsgsbase;
out:
	__atomic_fetch_or(&inst->entry_modes, 1U << hosted_entry_mode,
			  __ATOMIC_RELAXED);
}
