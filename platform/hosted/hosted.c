// SPDX-License-Identifier: MIT
/*
 * The hosted platform: the LWK core running inside the program's own Linux
 * process.  System calls reach the LWK through Syscall User Dispatch: every
 * syscall instruction outside the LWK's text raises SIGSYS, whose handler
 * runs on a per-thread LWK stack, dispatches the call and returns the result
 * in the trapped context.  The LWK's own calls come from its text and pass.
 *
 * This file may use Linux directly; it may not call into libc (there is
 * none) nor assume anything about the program's FS, GS or stack.
 */
#include "hosted.h"
#include "../../kernel/sched/sched.h"
#include "../../kernel/offload.h"
#include "fastentry.h"
#include "../../kernel/errno.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/mm/mm.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/arch/x86_64/unistd.h"

#define SYS_USER_DISPATCH	2	/* si_code of an intercepted call */
#define USER_CS			0x33	/* Linux's 64-bit user segments */
#define USER_DS			0x2b

long plat_linux_call(long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

long regs_nr(const struct plat_regs *r)
{
	return (long)r->uc.uc_mcontext.rax;
}

long regs_arg(const struct plat_regs *r, int i)
{
	const struct k_sigcontext *c = &r->uc.uc_mcontext;

	switch (i) {
	case 0:
		return c->rdi;
	case 1:
		return c->rsi;
	case 2:
		return c->rdx;
	case 3:
		return c->r10;
	case 4:
		return c->r8;
	default:
		return c->r9;
	}
}

void regs_set_arg(struct plat_regs *r, int i, long v)
{
	struct k_sigcontext *c = &r->uc.uc_mcontext;
	u64 *slot[6] = { &c->rdi, &c->rsi, &c->rdx, &c->r10, &c->r8, &c->r9 };

	*slot[i] = v;
}

u64 regs_ip(const struct plat_regs *r)
{
	return r->uc.uc_mcontext.rip;
}

u64 regs_sp(const struct plat_regs *r)
{
	return r->uc.uc_mcontext.rsp;
}

u64 plat_regs_sigmask(struct plat_regs *r)
{
	if (hosted_regs_fast(r))
		return hosted_fast_sigmask(r);
	return r->uc.uc_sigmask;
}

/* The park signal stays deliverable, as glibc keeps its own 32 and 33. */
void plat_regs_set_sigmask(struct plat_regs *r, u64 mask)
{
	mask &= ~sigbit(HOSTED_PARK_SIG);
	if (hosted_regs_fast(r))
		hosted_fast_set_sigmask(r, mask);
	else
		r->uc.uc_sigmask = mask & ~sigbit(SIGSYS);
}

struct lwk_thread *plat_current(void)
{
	u64 sp = (u64)__builtin_frame_address(0);

	return (struct lwk_thread *)ALIGN_DOWN(sp, AREA_SIZE);
}

/*
 * The LWK's interrupts off: every signal blocked but a fault's, which a
 * copy of program memory may raise (hosted_copy).  One that somebody
 * sends meanwhile waits (hosted_deliver).
 */
irqflags_t plat_irq_save(void)
{
	u64 off = ~FAULT_SIGS, old = 0;

	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &off, &old, 8);
	return old;
}

/* Also before a thread's area goes away, and around a helper's clone. */
irqflags_t plat_signals_off(void)
{
	u64 all = ~0ULL, old = 0;

	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
	return old;
}

void plat_irq_restore(irqflags_t flags)
{
	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &flags, NULL, 8);
}

/*
 * Program memory is copied directly (hosted_copy) where the LWK's handler
 * can take a fault back: the calling thread's mask lets SIGSEGV and
 * SIGBUS through (live_mask), and they are the LWK's (a vfork child sets
 * its own dispositions in Linux).  Elsewhere, through process_vm_readv/
 * writev on our own pid.  Either way a bad pointer gives EFAULT instead
 * of a fault in the LWK.
 */
static bool copy_direct(void)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();
	u64 live, open;

	if (ht->lt.magic != LWK_THREAD_MAGIC || ht->lt.pid != lwk_proc.pid)
		return false;
	live = READ_ONCE(ht->live_mask);
	if (live == LIVE_FAST_UNREAD)
		live = hosted_fast_live_mask(ht);
	if (live == LIVE_UNKNOWN)
		return false;
	if (!(live & FAULT_SIGS))
		return true;
	/*
	 * The program blocks them (glibc blocks every signal around a clone
	 * and a thread's exit): one call lets them through for the rest of
	 * this entry, cheaper than a process_vm_readv per copy.  Noted
	 * first: a pending one arrives as the call returns.
	 */
	open = live & FAULT_SIGS;
	ht->open_restore = live;
	WRITE_ONCE(ht->opened, open);
	WRITE_ONCE(ht->live_mask, live & ~open);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (linux_call4(NR_rt_sigprocmask, SIG_UNBLOCK, &open, NULL, 8)) {
		WRITE_ONCE(ht->opened, 0);
		WRITE_ONCE(ht->live_mask, live);
		return false;
	}
	/* A delivery meanwhile blocked them again, and said so in live_mask. */
	return !(READ_ONCE(ht->live_mask) & FAULT_SIGS);
}

struct k_iovec {
	const void *base;
	size_t len;
};

static long vm_copy(int nr, void *local, const void *remote, size_t n)
{
	struct k_iovec l = { local, n }, r = { remote, n };

	if (!n)
		return 0;
	return linux_call6(nr, lwk_proc.pid, &l, 1, &r, 1, 0);
}

int plat_copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (copy_direct())
		return hosted_copy(dst, usrc, n) ? -EFAULT : 0;
	return vm_copy(NR_process_vm_readv, dst, usrc, n) == (long)n ?
	       0 : -EFAULT;
}

int plat_copy_to_user(void *udst, const void *src, size_t n)
{
	if (copy_direct())
		return hosted_copy(udst, src, n) ? -EFAULT : 0;
	return vm_copy(NR_process_vm_writev, (void *)src, udst, n) ==
	       (long)n ? 0 : -EFAULT;
}

long plat_strncpy_from_user(char *dst, const char *usrc, size_t n)
{
	bool direct = copy_direct();
	size_t done = 0;

	while (done < n) {
		u64 at = (u64)usrc + done;
		size_t chunk = MIN(PAGE_SIZE - (at & ~PAGE_MASK), n - done);
		long got;
		size_t len;

		if (direct)
			got = hosted_copy(dst + done, (const void *)at, chunk) ?
			      -EFAULT : (long)chunk;
		else
			got = vm_copy(NR_process_vm_readv, dst + done,
				      (const void *)at, chunk);
		if (got <= 0)
			return -EFAULT;
		len = strnlen(dst + done, got);
		if (len < (size_t)got)
			return done + len;
		done += got;
	}
	return -ENAMETOOLONG;
}

u64 plat_now_ns(void)
{
	struct k_timespec ts;

	linux_call2(NR_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Above a soft limit this high, the descriptors stay below 1024 instead:
 * a file table sized past a large limit would cost every fork.
 */
#define HIDE_ABOVE_MAX	4096
#define HIDE_ROOM	64

int plat_hide_fd(int fd)
{
	struct k_rlimit rl, raised;
	long nfd;

	if (fd < 0 || linux_call4(NR_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl))
		return fd;
	if (rl.cur <= HIDE_ABOVE_MAX && rl.max >= rl.cur + HIDE_ROOM) {
		/* Descriptors above the soft limit stay valid once it is back. */
		raised = (struct k_rlimit){ rl.cur + HIDE_ROOM, rl.max };
		if (linux_call4(NR_prlimit64, 0, RLIMIT_NOFILE, &raised, NULL))
			return fd;
		nfd = linux_call3(NR_fcntl, fd, F_DUPFD, rl.cur);
		linux_call4(NR_prlimit64, 0, RLIMIT_NOFILE, &rl, NULL);
	} else {
		nfd = linux_call3(NR_fcntl, fd, F_DUPFD,
				  rl.cur > HIDE_ROOM ?
				  (long)MIN(rl.cur, 1024ULL) - 24 : 24);
	}
	if (nfd < 0)
		return fd;
	linux_call1(NR_close, fd);
	return (int)nfd;
}

void plat_log_write(const char *buf, size_t len)
{
	int fd = lwk_proc.cfg.log_fd >= 0 ? lwk_proc.cfg.log_fd : 2;

	while (len) {
		long n = linux_call3(NR_write, fd, buf, len);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

__noreturn void plat_exit_group(int status)
{
	for (;;)
		linux_call1(NR_exit_group, status);
}

/*
 * Areas of exited threads, kept for the next threads: mapping an area,
 * guarding it, faulting its pages in and unmapping it again cost more
 * than the rest of a thread's creation.  A slot is NULL or an area whose
 * thread has exited or is exiting (its exit_word is still nonzero until
 * Linux is done with it).  Slots change only by compare-and-swap, so a
 * signal handler's clone or exit on the same thread is safe.
 */
#define AREA_CACHE_SLOTS	16

static struct hosted_thread *area_cache[AREA_CACHE_SLOTS];

/* Take a cached area no thread uses any more; NULL if there is none. */
static struct hosted_thread *area_reuse(void)
{
	struct hosted_thread *ht;
	int i;

	for (i = 0; i < AREA_CACHE_SLOTS; i++) {
		ht = __atomic_load_n(&area_cache[i], __ATOMIC_ACQUIRE);
		if (!ht || __atomic_load_n(&ht->exit_word, __ATOMIC_ACQUIRE))
			continue;
		if (__atomic_compare_exchange_n(&area_cache[i], &ht, NULL,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			/*
			 * As fresh: every field, since a proxy may have used
			 * the area (proxy.c; a proxy clears its own header).
			 */
			memset(ht, 0, sizeof(*ht));
			ht->tid_slot = TID_SLOTS;
			ht->live_mask = LIVE_UNKNOWN;
			*(u64 *)((u8 *)ht + AREA_FAST_TOP) = 0;
			return ht;
		}
	}
	return NULL;
}

/* Give the exiting caller's area to the cache; false when it is full. */
static bool area_keep(struct hosted_thread *ht)
{
	int i;

	WRITE_ONCE(ht->exit_word, 1);
	for (i = 0; i < AREA_CACHE_SLOTS; i++) {
		struct hosted_thread *none = NULL;

		if (__atomic_compare_exchange_n(&area_cache[i], &none, ht,
						false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			return true;
	}
	return false;
}

void plat_threads_settle(void)
{
	struct k_timespec ms = { .tv_sec = 0, .tv_nsec = 1000000 };
	struct hosted_thread *ht;
	int i, tries;

	for (i = 0; i < AREA_CACHE_SLOTS; i++) {
		ht = __atomic_load_n(&area_cache[i], __ATOMIC_ACQUIRE);
		/* Linux clears exit_word and wakes it as the thread leaves. */
		for (tries = 0; ht && tries < 5 &&
		     __atomic_load_n(&ht->exit_word, __ATOMIC_ACQUIRE); tries++)
			linux_call4(NR_futex, &ht->exit_word, FUTEX_WAIT, 1, &ms);
	}
}

/*
 * In a fork child only its own thread runs: every cached area is free,
 * whatever the parent's exiting threads were doing.
 */
static void area_cache_fork(void)
{
	int i;

	for (i = 0; i < AREA_CACHE_SLOTS; i++)
		if (area_cache[i])
			area_cache[i]->exit_word = 0;
}

/*
 * hosted_area_alloc - a naturally aligned thread area with its guard
 * page, recorded as LWK memory: a cached one, or freshly mapped.  NULL
 * when Linux has no memory.  Its struct hosted_thread and fast-entry word
 * are zeroed but for tid_slot (TID_SLOTS: no fast-entry slot yet) and
 * live_mask (LIVE_UNKNOWN: copies go through Linux until an entry knows).
 */
struct hosted_thread *hosted_area_alloc(void)
{
	struct hosted_thread *ht = area_reuse();
	u64 p, start;

	if (ht)
		return ht;

	p = linux_call6(NR_mmap, 0, 2 * AREA_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(p))
		return NULL;
	start = ALIGN_UP(p, AREA_SIZE);
	if (start > p)
		linux_call2(NR_munmap, p, start - p);
	if (start + AREA_SIZE < p + 2 * AREA_SIZE)
		linux_call2(NR_munmap, start + AREA_SIZE,
			    p + 2 * AREA_SIZE - start - AREA_SIZE);
	linux_call3(NR_mprotect, start + AREA_HDR, PAGE_SIZE, PROT_NONE);
	ht = (struct hosted_thread *)start;
	ht->tid_slot = TID_SLOTS;
	ht->live_mask = LIVE_UNKNOWN;
	hosted_area_add(ht);
	return ht;
}

/* hosted_area_free - give back an area no thread runs on. */
void hosted_area_free(struct hosted_thread *ht)
{
	hosted_fast_thread_del(ht);
	if (area_keep(ht)) {
		WRITE_ONCE(ht->exit_word, 0);
		return;
	}
	hosted_area_del(ht);
	linux_call2(NR_munmap, ht, AREA_SIZE);
}

/* hosted_area_stack_top - where the area's LWK stack begins. */
u64 hosted_area_stack_top(struct hosted_thread *ht)
{
	return (u64)ht + AREA_SIZE;
}

/*
 * Make this thread's area its signal stack and intercept its calls.  A
 * new thread passes !altstack: the rt_sigreturn that enters the program
 * installs the area's stack (start_uc's uc_stack), and nothing traps
 * before.  Context: program signals blocked.
 */
static void arm_thread(struct hosted_thread *ht, bool altstack)
{
	struct k_stack ss = {
		.ss_sp = (char *)ht + AREA_STACK,
		.ss_flags = 0,
		.ss_size = AREA_SIZE - AREA_STACK,
	};
	long err;

	if (altstack)
		linux_call2(NR_sigaltstack, &ss, NULL);
	err = linux_call6(NR_prctl, PR_SET_SYSCALL_USER_DISPATCH,
			  PR_SYS_DISPATCH_ON, (u64)__lwk_text_start,
			  __lwk_text_end - __lwk_text_start, 0, 0);
	if (err) {
		pr_err("hosted", "cannot intercept system calls (Syscall User Dispatch, Linux >= 5.11): error %ld",
		       -err);
		plat_exit_group(126);
	}
}

/*
 * The armed thread becomes an LWK thread the fast entry finds; pid is
 * its process's and tid its own, or 0 to ask Linux.  Context: program
 * signals blocked.
 */
static void thread_known(struct hosted_thread *ht, s32 pid, s32 tid)
{
	ht->lt.magic = LWK_THREAD_MAGIC;
	ht->lt.tid = tid ? tid : linux_call0(NR_gettid);
	ht->lt.pid = pid ? pid : linux_call0(NR_getpid);
	__hosted_fast_thread_add(ht);
}

static void install_sigsys(void)
{
	struct k_sigaction sa = {
		.handler = (void *)hosted_sigsys,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTORER,
		.restorer = (void *)hosted_restorer,
		.mask = 0,
	};

	linux_call4(NR_rt_sigaction, SIGSYS, &sa, NULL, 8);
}

void hosted_sigsys(int sig __unused, struct k_siginfo *si,
		   struct k_ucontext *uc)
{
	struct lwk_thread *t = plat_current();
	struct hosted_thread *ht = (struct hosted_thread *)t;
	struct plat_regs *saved = t->regs;
	struct plat_regs *regs = (struct plat_regs *)uc;
	u64 live = ht->live_mask;
	struct rewrite_call rc;

	/* kill -SYS from outside, or a seccomp filter: the program's. */
	if (si->si_code != SYS_USER_DISPATCH) {
		hosted_deliver(SIGSYS, si, uc);
		return;
	}
	hosted_fs_lwk_in(ht);
	/* Its way back gives Linux uc_sigmask, which the call may change. */
	hosted_mask_forget(ht);
	hosted_fast_count_trap();
	if (hosted_lwk_stack_check(ht, uc->uc_mcontext.rsp, &saved)) {
		/* Trap again, onto the stack given back: rerun the syscall. */
		t->regs = saved;
		uc->uc_mcontext.rip -= 2;
		hosted_fs_resume(ht, uc);
		return;
	}
	rewrite_trap(uc);
	/*
	 * rt_sigreturn does not come back here to put t->regs back: it
	 * keeps the handler's (signal.c reads it when a signal interrupts
	 * the LWK).
	 */
	t->regs = uc->uc_mcontext.rax == NR_rt_sigreturn ? saved : regs;
	/* This handler runs with the trapped mask (SA_NODEFER, no sa_mask). */
	WRITE_ONCE(ht->live_mask, uc->uc_sigmask);
	WRITE_ONCE(ht->opened, 0);
	rewrite_call_begin(&rc, &uc->uc_mcontext);
	uc->uc_mcontext.rax = syscall_dispatch(t, regs);
	rewrite_call_end(&rc);
	/*
	 * Its return gives Linux the program's mask, which closes what the
	 * copies opened; until then, what that mask blocks is deferred.
	 */
	WRITE_ONCE(ht->opened, ht->opened & uc->uc_sigmask);
	WRITE_ONCE(ht->live_mask, live);
	t->regs = saved;
	hosted_fs_resume(ht, uc);
}

/*
 * CLONE_CHILD_SETTID of a new process: Linux would write the child's tid
 * in the pool frames the parent still shares at the clone (the child
 * maps its copies after), so the parent's word got the child's tid (a
 * pthread_join on it never ended) and the child's kept the parent's.
 * The child writes it into its own copy instead.
 */
static void set_child_tid(u64 ctid)
{
	s32 tid = linux_call0(NR_gettid);

	if (ctid)
		plat_copy_to_user((void *)ctid, &tid, sizeof(tid));
}

/*
 * A new thread or process begins here, on its area's stack, and enters
 * the program in the context its parent's clone described.  Its
 * signals stay blocked until then: start_uc gives the program's mask.
 */
__noreturn void hosted_thread_start(struct hosted_thread *ht)
{
	struct k_ucontext *uc = &ht->start_uc;
	bool new_process = ht->lt.pid == -1;

	if (!ht->born_blocked)
		plat_irq_save();
	ht->lt.prog_altstack.flags = SS_DISABLE;
	/* A clone without CLONE_VM onto its own stack made a new process. */
	if (new_process) {
		lwk_proc.pid = linux_call0(NR_getpid);
		hosted_fast_fork_child();
		mm_fork_child();
		set_child_tid(ht->set_tid);
		hosted_fs_fork_child(ht);
	} else if (ht->lt.pid > 0) {
		hosted_fs_add(ht);	/* a thread of this process */
	}
	arm_thread(ht, false);
	if (new_process) {
		thread_known(ht, 0, 0);
		area_cache_fork();
		futex_after_fork();
		offload_after_fork(&ht->lt);
		sched_after_fork(&ht->lt);
	} else if (ht->place_self) {
		thread_known(ht, ht->lt.pid, 0);
		sched_thread_start(&ht->lt);
	} else {
		/*
		 * Run no program code before the parent has pinned us: its
		 * pin would undo one the program made here.  Usually done
		 * already; else the parent waits for this core.  It also
		 * gave us our tid.
		 */
		while (!__atomic_load_n(&ht->placed, __ATOMIC_ACQUIRE))
			linux_call0(NR_sched_yield);
		thread_known(ht, ht->lt.pid, ht->lt.tid);
	}
	uc->uc_stack.ss_sp = (char *)ht + AREA_STACK;
	uc->uc_stack.ss_flags = 0;
	uc->uc_stack.ss_size = AREA_SIZE - AREA_STACK;
	/* From here Linux's mask is the program's, known to the fast entry. */
	hosted_fast_mask_note(ht, uc->uc_sigmask);
	hosted_fs_lwk_out(ht);
	hosted_sigreturn_to((u64)uc);
}

/*
 * Describe the child's first instant: the parent's context, result 0;
 * ctid is its clear_child_tid word.  A thread is placed on its core by
 * its parent (sched_child_place), except a vfork child, whose parent
 * waits, and a new process, which has cores of its own.
 */
static void prepare_child(struct hosted_thread *child, struct plat_regs *regs,
			  u64 newsp, u64 flags, u64 ctid)
{
	struct lwk_thread *parent = plat_current();

	offload_thread_init(&child->lt, parent, flags);
	child->fs_on = false;	/* hosted_thread_start adds a thread */
	child->lt.clear_tid = flags & CLONE_CHILD_CLEARTID ? ctid : 0;
	/* 0: a process sharing our memory (vfork), which asks Linux. */
	child->lt.pid = flags & CLONE_THREAD ? parent->pid : 0;
	child->lt.cpu = -1;
	child->place_self = (flags & CLONE_VFORK) || !(flags & CLONE_VM);
	child->placed = 0;
	if (!child->place_self)
		sched_child_place(parent, &child->lt);
	child->start_uc = regs->uc;
	/*
	 * Through the fast entry only the general registers are there: the
	 * segments are the ones every 64-bit program runs with, the mask
	 * the live one.
	 */
	if (hosted_regs_fast(regs)) {
		struct k_sigcontext *mc = &child->start_uc.uc_mcontext;

		child->start_uc.uc_flags = 0;
		mc->cs = USER_CS;
		mc->ss = USER_DS;
		mc->gs = mc->fs = 0;
		mc->err = mc->trapno = mc->oldmask = mc->cr2 = 0;
		child->start_uc.uc_sigmask = plat_regs_sigmask(regs) &
					     ~sigbit(SIGSYS);
	}
	/* Until its start, the child's mask is ours: what we opened too. */
	child->opened = ((struct hosted_thread *)parent)->opened;
	/*
	 * The child starts with the mask live in this thread now: the
	 * program's (the signal path's handler blocks nothing more).  If
	 * that blocks every signal but SIGSYS and the park signal (which the
	 * LWK never lets the program block; glibc blocks all around its
	 * clone), the child need not block them itself: a park signal before
	 * it is on the fork stop's list finds it in the LWK, and returns.
	 */
	child->born_blocked = (plat_regs_sigmask(regs) | sigbit(SIGSYS) |
			       sigbit(HOSTED_PARK_SIG) | sigbit(SIGKILL) |
			       sigbit(SIGSTOP)) == ~0ULL;
	child->start_uc.uc_mcontext.rax = 0;
	child->start_uc.uc_mcontext.fpstate = NULL;
	child->start_uc.uc_link = NULL;
	if (newsp)
		child->start_uc.uc_mcontext.rsp = newsp;
}

/*
 * After clone returned ret in the parent: give the new thread its tid
 * and pin it, or give back its core and area if there is none.
 */
static void child_made(struct hosted_thread *child, u64 flags, long ret)
{
	if (ret >= 0 && !child->place_self) {
		child->lt.tid = ret;
		sched_child_pin(plat_current(), &child->lt, ret);
		__atomic_store_n(&child->placed, 1, __ATOMIC_RELEASE);
	}
	if (ret < 0 && !child->place_self)
		sched_thread_exit(&child->lt);
	/* A vfork child has left our memory by now: its area is ours again. */
	if (ret < 0 || (flags & CLONE_VFORK))
		hosted_area_free(child);
}

/*
 * The fork child continues here, in its copy of the parent's handler;
 * its clear_child_tid is ctid or none, as Linux sets it.
 */
static void fork_child(u64 flags, u64 ctid)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();

	/* Signals stay blocked until the handler returns to the program. */
	plat_irq_save();
	lwk_proc.pid = linux_call0(NR_getpid);
	ht->lt.clear_tid = flags & CLONE_CHILD_CLEARTID ? ctid : 0;
	hosted_areas_fork();
	area_cache_fork();
	hosted_fast_fork_child();
	mm_fork_child();
	if (flags & CLONE_CHILD_SETTID)
		set_child_tid(ctid);
	hosted_fs_fork_child(ht);
	arm_thread(ht, true);
	thread_known(ht, lwk_proc.pid, 0);
	futex_after_fork();
	offload_after_fork(&ht->lt);
	sched_after_fork(&ht->lt);
}

/*
 * Before a clone without CLONE_VM (a new address space): stop the other
 * threads and copy the pool memory for the child.  0, or the error the
 * clone is to return; on 0 fork_end follows the clone.  The rewrite lock
 * comes before the mm lock: a munmap of rewritten code takes them in
 * that order.
 */
static long fork_begin(struct plat_regs *regs, irqflags_t *irq, u64 *fk)
{
	long ret;

	*irq = hosted_fs_stop();
	*fk = hosted_fast_fork_begin();
	ret = mm_fork_prepare(regs_sp(regs));
	if (ret) {
		hosted_fast_fork_end(*fk, false);
		hosted_fs_release(*irq);
		return ret;
	}
	return 0;
}

/* After that clone gave @ret: in the parent, or in the child (0). */
static void fork_end(irqflags_t irq, u64 fk, long ret)
{
	hosted_fast_fork_end(fk, ret == 0);
	mm_fork_parent(ret);
	if (ret)	/* the parent: the child (0) starts afresh */
		hosted_fs_release(irq);
}

long plat_clone(struct plat_regs *regs, u64 flags, u64 newsp, u64 ptid,
		u64 ctid, u64 tls)
{
	struct hosted_thread *child;
	irqflags_t irq = 0;
	u64 fk = 0;
	long ret;

	if (!(flags & CLONE_VM)) {
		ret = fork_begin(regs, &irq, &fk);
		if (ret)
			return ret;
	}
	if (!(flags & CLONE_VM) && !newsp) {
		ret = linux_call6(NR_clone, flags & ~CLONE_CHILD_SETTID, 0,
				  ptid, ctid, tls, 0);
		if (ret == 0)
			fork_child(flags, ctid);
		goto out;
	}

	child = hosted_area_alloc();
	if (!child) {
		ret = -ENOMEM;
		goto out;
	}
	prepare_child(child, regs, newsp, flags, ctid);
	if (!(flags & CLONE_VM)) {
		child->lt.pid = -1;
		child->set_tid = flags & CLONE_CHILD_SETTID ? ctid : 0;
		flags &= ~CLONE_CHILD_SETTID;
	}
	ret = hosted_clone_vm(flags, hosted_area_stack_top(child) - 16, ptid, ctid,
			      tls, child);
	child_made(child, flags, ret);
out:
	if (!(flags & CLONE_VM))
		fork_end(irq, fk, ret);
	return ret;
}

long plat_clone3(struct plat_regs *regs, struct k_clone_args *args,
		 size_t size)
{
	struct hosted_thread *child;
	u64 newsp = args->stack ? args->stack + args->stack_size : 0;
	bool copy = !(args->flags & CLONE_VM);
	irqflags_t irq = 0;
	u64 fk = 0;
	long ret;

	if (copy) {
		ret = fork_begin(regs, &irq, &fk);
		if (ret)
			return ret;
	}

	if (copy && !newsp) {
		u64 flags = args->flags;

		args->flags &= ~CLONE_CHILD_SETTID;
		ret = linux_call2(NR_clone3, args, size);
		if (ret == 0)
			fork_child(flags, args->child_tid);
		goto out;
	}

	child = hosted_area_alloc();
	if (!child) {
		ret = -ENOMEM;
		goto out;
	}
	prepare_child(child, regs, newsp, args->flags, args->child_tid);
	if (copy) {
		child->lt.pid = -1;
		child->set_tid = args->flags & CLONE_CHILD_SETTID ?
				 args->child_tid : 0;
		args->flags &= ~CLONE_CHILD_SETTID;
	}
	args->stack = (u64)child + AREA_STACK;
	args->stack_size = AREA_SIZE - AREA_STACK - 16;
	ret = hosted_clone3_vm(args, size, child);
	child_made(child, args->flags, ret);
out:
	if (copy)
		fork_end(irq, fk, ret);
	return ret;
}

/*
 * The area goes to the cache when there is room, with its exit_word set,
 * so no other thread takes it yet and plat_threads_settle waits for it.
 */
void plat_thread_leaving(void)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();

	ht->kept = area_keep(ht);
}

/*
 * Linux clears a kept area's exit_word (our clear_child_tid from here on;
 * the program's was cleared by futex_thread_exit) once the thread is past
 * its last use of it.
 */
__noreturn void plat_thread_exit(int code)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();

	plat_signals_off();
	ht->lt.magic = 0;
	hosted_fs_del(ht);
	__hosted_fast_thread_del(ht);
	if (ht->kept) {
		linux_call1(NR_set_tid_address, &ht->exit_word);
		for (;;)
			linux_call1(NR_exit, code);
	}
	/*
	 * Not Linux's clear of the program's word too: futex_thread_exit
	 * cleared it and woke the joiner, whose glibc may have given this
	 * thread's stack to a new thread since, tid word and all.
	 */
	linux_call1(NR_set_tid_address, 0);
	hosted_area_del(ht);
	hosted_unmap_and_exit(ht, AREA_SIZE, code);
}

__noreturn void plat_sigreturn(struct plat_regs *regs)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();
	u64 all = ~0ULL;

	/*
	 * Into the program, or into an LWK call a handler interrupted, with
	 * whatever mask the frame now holds: unknown to copies from here.
	 */
	WRITE_ONCE(ht->live_mask, LIVE_UNKNOWN);
	/*
	 * Once the frame's cut is given back, a signal would put its frame
	 * where Linux is yet to read this one (signal.c): none comes until
	 * rt_sigreturn puts the frame's mask in force.
	 */
	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	/* The handler's `ret` popped the frame's return address. */
	hosted_frame_return(regs->uc.uc_mcontext.rsp - 8);
	hosted_sigreturn_to(regs->uc.uc_mcontext.rsp);
}

__noreturn void plat_enter_program(u64 entry, u64 sp)
{
	struct hosted_thread *ht = (struct hosted_thread *)plat_current();
	irqflags_t irq;

	hosted_fast_init();
	hosted_fault_signals_boot();
	hosted_fs_init();
	irq = plat_irq_save();
	hosted_fs_add(ht);
	arm_thread(ht, true);
	thread_known(ht, 0, 0);
	/* A mask inherited across exec may block it: the program cannot. */
	plat_irq_restore(irq & ~sigbit(HOSTED_PARK_SIG));
	hosted_fs_lwk_out(ht);
	hosted_jump(entry, sp);
}

static void boot_on_area(void *sp)
{
	lwk_boot(sp);
}

/*
 * First C code of the image, on the static boot stack: give the main thread
 * its area, take over SIGSYS, and continue the portable boot on the area's
 * stack so plat_current() works from here on.
 */
__noreturn void hosted_boot(u64 *sp);
__noreturn void hosted_boot(u64 *sp)
{
	struct hosted_thread *ht;
	u64 *p = sp + 1 + sp[0] + 1;	/* argc, argv, NULL: then envp */

	while (*p++)
		;
	for (; p[0] != AT_NULL; p += 2)
		if (p[0] == AT_HWCAP2)
			hosted_fast_cpu_caps(p[1]);
	lwk_proc.pid = linux_call0(NR_getpid);
	lwk_proc.cfg.log_fd = -1;
	lwk_proc.lwk_start = (u64)__lwk_start;
	lwk_proc.lwk_end = (u64)__lwk_end;
	ht = hosted_area_alloc();
	if (!ht) {
		plat_log_write("tandem: out of memory starting the LWK\n", 39);
		plat_exit_group(126);
	}
	ht->lt.magic = LWK_THREAD_MAGIC;
	ht->lt.tid = ht->lt.pid = lwk_proc.pid;
	ht->lt.prog_altstack.flags = SS_DISABLE;
	install_sigsys();
	hosted_call_on(hosted_area_stack_top(ht) - 16, boot_on_area, sp);
}
