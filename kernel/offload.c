// SPDX-License-Identifier: MIT
/*
 * Offloaded system calls (docs/offload.md).  A call the LWK does not
 * implement goes to Linux by one of two routes.  Direct: the calling
 * thread makes it itself, from LWK text.  Proxy: the call is posted in
 * the thread's IKC slot (include/uapi/ikc.h) and the thread's proxy, a
 * Linux-side thread with the process's files, fs and memory, makes it
 * while the thread waits, interruptible by signals as the call would be.
 *
 * This file keeps the route of every number (--offload with its per-call
 * overrides, and the calls that are never proxied because they act on the
 * calling thread itself), is the IKC client, and turns a signal handler
 * that runs while a thread waits into the interrupt Linux would have
 * given the call.  The platform runs the servers (plat_proxy_start).
 *
 * One slot and one proxy per LWK thread, made at the thread's first
 * proxied call: a blocked call holds up its own thread only, a proxy
 * never queues calls of several threads, and it inherits the credentials
 * and namespaces of the thread it serves.
 *
 * Nothing here takes a lock: a slot is written by its thread (and that
 * thread's signal handlers) on one side and by its proxy on the other,
 * with the state word ordering the two.
 */
#include "offload.h"
#include "sys.h"
#include "errno.h"
#include "kmsg.h"
#include "region.h"
#include "trace.h"
#include "lib/lib.h"
#include "arch/x86_64/abi.h"
#include "arch/x86_64/unistd.h"
#include "../include/uapi/ikc.h"

#define IKC_SLOTS		1024
#define CPU_WORDS		(TANDEM_MAX_CPUS / 64)

#define WAKE_ALL		0x7fffffff

#define PROXY_NEEDS		(CLONE_VM | CLONE_THREAD)
#define WNOTHREAD		0x20000000
#define RUSAGE_THREAD		1
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#define PERSONALITY_QUERY	0xffffffffL

_Static_assert(sizeof(struct ikc_slot) == 128, "ikc.h: slot size");
_Static_assert(sizeof(struct ikc_channel) == 64, "ikc.h: header size");

/*
 * Calls a proxy must never make: they act on the calling thread itself
 * (its signal mask and pending signals, its scheduling, sleeping, CPU
 * clocks, credentials, namespaces, TLS), or bind something to it.  Some
 * are local anyway; they are listed so an override naming them is
 * refused with the right reason.  docs/offload.md explains each group.
 */
static const u16 never_proxied[] = {
	/* the thread's signal state */
	NR_rt_sigprocmask, NR_rt_sigpending, NR_rt_sigtimedwait,
	NR_rt_sigsuspend, NR_pause, NR_rt_sigreturn, NR_sigaltstack,
	NR_restart_syscall,
	/* its identity, TLS and CPU state */
	NR_gettid, NR_set_tid_address, NR_arch_prctl, NR_set_thread_area,
	NR_get_thread_area, NR_modify_ldt, NR_iopl, NR_ioperm, NR_prctl,
	NR_rseq, NR_set_robust_list, NR_get_robust_list, NR_getcpu,
	/* its scheduling, placement, memory policy and sleeping */
	NR_sched_yield, NR_sched_setaffinity, NR_sched_getaffinity,
	NR_sched_setscheduler, NR_sched_getscheduler, NR_sched_setparam,
	NR_sched_getparam, NR_sched_setattr, NR_sched_getattr,
	NR_sched_rr_get_interval, NR_setpriority, NR_getpriority,
	NR_ioprio_set, NR_ioprio_get, NR_set_mempolicy, NR_get_mempolicy,
	NR_nanosleep, NR_clock_nanosleep,
	/* its clocks (the CPU-time clocks are per thread) */
	NR_clock_gettime, NR_clock_getres, NR_timer_create,
	/* futexes; making, ending and replacing threads and processes */
	NR_futex, NR_futex_waitv, NR_clone, NR_clone3, NR_fork, NR_vfork,
	NR_execve, NR_execveat, NR_exit, NR_exit_group,
	/* its credentials, capabilities, namespaces and sandboxing */
	NR_setuid, NR_setgid, NR_setreuid, NR_setregid, NR_setresuid,
	NR_setresgid, NR_setfsuid, NR_setfsgid, NR_setgroups, NR_capget,
	NR_capset, NR_unshare, NR_setns, NR_seccomp, NR_personality,
	NR_landlock_restrict_self,
	/* tracing and io_uring, which bind to the calling task */
	NR_ptrace, NR_perf_event_open, NR_io_uring_setup, NR_io_uring_enter,
	NR_io_uring_register,
	/* signals a thread sends, which the LWK serves */
	NR_kill, NR_tkill, NR_tgkill,
};

/* Local calls whose Linux part follows the route of their number. */
static const u16 local_with_linux_part[] = {
	NR_open, NR_openat, NR_close, NR_close_range, NR_dup2, NR_dup3,
	NR_readlink, NR_readlinkat, NR_stat, NR_newfstatat, NR_statx,
	NR_access, NR_faccessat, NR_faccessat2, NR_prlimit64, NR_ppoll,
	NR_pselect6, NR_epoll_pwait,
};

/*
 * Calls after which the calling thread may have other files, fs,
 * credentials or namespaces than its proxy: the proxy is ended, and the
 * thread's next proxied call starts one with the new context.
 */
static const u16 context_changers[] = {
	NR_unshare, NR_setns, NR_setuid, NR_setgid, NR_setreuid, NR_setregid,
	NR_setresuid, NR_setresgid, NR_setfsuid, NR_setfsgid, NR_setgroups,
	NR_capset, NR_seccomp, NR_personality, NR_landlock_restrict_self,
	NR_prctl, NR_close_range,
};

/* Built by offload_boot(), read-only afterwards. */
static u8 routes[TANDEM_NR_SYSCALLS];	/* ROUTE_DIRECT or ROUTE_PROXY */
static u64 watched[TANDEM_NR_SYSCALLS / 64];
static bool proxy_on;
static u64 proxy_cpus[CPU_WORDS];	/* --proxy-cpus, if given */

/*
 * The channel (private to this process: a fork child resets its copy) and
 * the platform's handle of each slot's server.  A slot is taken by the
 * compare-and-swap of its state out of IKC_FREE; proxy_handle[i] is
 * written by slot i's client only.
 */
static struct ikc_channel *chan;
static void *proxy_handle[IKC_SLOTS];
static u32 warned_no_slot, warned_no_proxy, warned_interrupt, told_renew;

static bool in_list(const u16 *list, size_t n, long nr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == nr)
			return true;
	return false;
}

static bool never(long nr)
{
	return in_list(never_proxied, ARRAY_SIZE(never_proxied), nr);
}

bool offload_proxy_on(void)
{
	return proxy_on;
}

int offload_route(long nr)
{
	if ((ulong)nr >= TANDEM_NR_SYSCALLS)
		return ROUTE_DIRECT;
	return routes[nr];
}

bool offload_watched(long nr)
{
	return (ulong)nr < TANDEM_NR_SYSCALLS &&
	       (watched[nr / 64] & (1ULL << (nr % 64)));
}

/* ---- --offload -------------------------------------------------------- */

static char why_buf[512];

static int parse_route(const char *s, size_t n)
{
	if (n == 6 && !strncmp(s, "direct", 6))
		return ROUTE_DIRECT;
	if (n == 5 && !strncmp(s, "proxy", 5))
		return ROUTE_PROXY;
	return -1;
}

static long name_to_nr(const char *s, size_t n)
{
	long nr;

	for (nr = 0; nr < TANDEM_NR_SYSCALLS; nr++) {
		const char *name = syscall_name(nr);

		if (name && strlen(name) == n && !strncmp(name, s, n))
			return nr;
	}
	return -1;
}

static void copy_item(char *dst, size_t size, const char *s, size_t n)
{
	n = MIN(n, size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * Apply one --offload item: "direct" or "proxy" (every offloaded call),
 * or NAME=direct|proxy (one call).  Returns 0 or -EINVAL with why_buf set.
 */
static int apply_item(const char *item, size_t n)
{
	const char *eq = NULL;
	char name[64], route[64];
	long nr;
	size_t i;
	int r;

	for (i = 0; i < n && !eq; i++)
		if (item[i] == '=')
			eq = item + i;
	if (!eq) {
		r = parse_route(item, n);
		copy_item(route, sizeof(route), item, n);
		if (r < 0) {
			snprintf(why_buf, sizeof(why_buf),
				 "'%s' is not a route: use direct or proxy, or NAME=direct|proxy for one call",
				 route);
			return -EINVAL;
		}
		for (nr = 0; nr < TANDEM_NR_SYSCALLS; nr++)
			routes[nr] = r;
		return 0;
	}

	copy_item(name, sizeof(name), item, eq - item);
	copy_item(route, sizeof(route), eq + 1, item + n - eq - 1);
	nr = name_to_nr(item, eq - item);
	r = parse_route(eq + 1, item + n - eq - 1);
	if (r < 0) {
		snprintf(why_buf, sizeof(why_buf),
			 "%s=%s: '%s' is not a route; use %s=direct or %s=proxy",
			 name, route, route, name, name);
		return -EINVAL;
	}
	if (nr < 0) {
		snprintf(why_buf, sizeof(why_buf),
			 "%s=%s: there is no system call named '%s' (names as in `man 2 syscalls`, e.g. read)",
			 name, route, name);
		return -EINVAL;
	}
	if (never(nr) && r == ROUTE_PROXY) {
		snprintf(why_buf, sizeof(why_buf),
			 "%s=proxy: %s acts on the calling thread itself and always runs direct (docs/offload.md)",
			 name, name);
		return -EINVAL;
	}
	if (syscall_local(nr) && !never(nr) &&
	    !in_list(local_with_linux_part, ARRAY_SIZE(local_with_linux_part),
		     nr)) {
		snprintf(why_buf, sizeof(why_buf),
			 "%s=%s: %s is served by the LWK itself; only calls it hands to Linux have a route",
			 name, route, name);
		return -EINVAL;
	}
	routes[nr] = r;
	return 0;
}

static int parse_spec(const char *spec)
{
	const char *p = spec;

	while (*p) {
		const char *item = p;
		int err;

		while (*p && *p != ',')
			p++;
		if (p > item) {
			err = apply_item(item, p - item);
			if (err)
				return err;
		}
		if (*p == ',')
			p++;
	}
	return 0;
}

/* "0-3,6" into a mask; false on junk or cores beyond TANDEM_MAX_CPUS. */
static bool parse_cpus(const char *s, u64 *mask)
{
	memset(mask, 0, CPU_WORDS * sizeof(u64));
	while (*s) {
		u64 a = 0, b;
		const char *start = s;

		while (*s >= '0' && *s <= '9')
			a = a * 10 + (*s++ - '0');
		if (s == start)
			return false;
		b = a;
		if (*s == '-') {
			start = ++s;
			b = 0;
			while (*s >= '0' && *s <= '9')
				b = b * 10 + (*s++ - '0');
			if (s == start || b < a)
				return false;
		}
		if (b >= TANDEM_MAX_CPUS)
			return false;
		for (; a <= b; a++)
			mask[a / 64] |= 1ULL << (a % 64);
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

/* --proxy-cpus, checked at boot; none given leaves proxy_cpus empty. */
static int parse_proxy_cpus(void)
{
	if (lwk_proc.cfg.proxy_cpus[0] &&
	    !parse_cpus(lwk_proc.cfg.proxy_cpus, proxy_cpus)) {
		snprintf(why_buf, sizeof(why_buf),
			 "--proxy-cpus '%s' is not a CPU list; use e.g. 3 or 2-3",
			 lwk_proc.cfg.proxy_cpus);
		return -EINVAL;
	}
	return 0;
}

/*
 * The cores of t's proxy: --proxy-cpus, or else the last core of the
 * partition that is not t's own (t's own when it is the only one).  A
 * private run's partition is every core it may use, so that core may
 * run LWK threads too (docs/offload.md).
 */
static void proxy_cpus_for(const struct lwk_thread *t, u64 *mask)
{
	const unsigned long long *part = lwk_proc.inst->partition;
	int cpu, only = -1;

	memset(mask, 0, CPU_WORDS * sizeof(u64));
	if (lwk_proc.cfg.proxy_cpus[0]) {
		memcpy(mask, proxy_cpus, CPU_WORDS * sizeof(u64));
		return;
	}
	for (cpu = TANDEM_MAX_CPUS - 1; cpu >= 0; cpu--) {
		if (!(part[cpu / 64] & (1ULL << (cpu % 64))))
			continue;
		if (cpu != t->cpu) {
			mask[cpu / 64] = 1ULL << (cpu % 64);
			return;
		}
		only = cpu;
	}
	if (only >= 0)
		mask[only / 64] = 1ULL << (only % 64);
	else
		memset(mask, 0xff, CPU_WORDS * sizeof(u64));
}

int offload_boot(const char **why)
{
	size_t size = sizeof(struct ikc_channel) +
		      IKC_SLOTS * sizeof(struct ikc_slot);
	long nr, p;
	int err;

	*why = why_buf;
	for (nr = 0; nr < TANDEM_NR_SYSCALLS; nr++)
		routes[nr] = ROUTE_DIRECT;
	err = parse_spec(lwk_proc.cfg.offload);
	if (err)
		return err;
	proxy_on = false;
	for (nr = 0; nr < TANDEM_NR_SYSCALLS; nr++) {
		if (never(nr))
			routes[nr] = ROUTE_DIRECT;
		proxy_on |= routes[nr] == ROUTE_PROXY;
	}
	if (!proxy_on)
		return 0;

	for (nr = 0; nr < (long)ARRAY_SIZE(context_changers); nr++)
		watched[context_changers[nr] / 64] |=
			1ULL << (context_changers[nr] % 64);
	err = parse_proxy_cpus();
	if (err)
		return err;
	p = linux_call6(NR_mmap, 0, ALIGN_UP(size, PAGE_SIZE),
			PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			0);
	if (IS_ERR_VALUE(p)) {
		snprintf(why_buf, sizeof(why_buf),
			 "cannot map the IKC channel (%ld); use --offload=direct",
			 p);
		return -ENOMEM;
	}
	chan = (struct ikc_channel *)p;
	/* LWK memory: out of the program's view and reach. */
	if (lwk_region_add(p, p + ALIGN_UP(size, PAGE_SIZE)))
		pr_warn("offload", "the IKC channel at %#lx is not in the LWK's region table",
			p);
	chan->magic = IKC_MAGIC;
	chan->version = IKC_VERSION;
	chan->nslots = IKC_SLOTS;
	chan->slot_size = sizeof(struct ikc_slot);
	chan->flags = IKC_CHAN_PRIVATE;
	chan->owner_pid = lwk_proc.pid;
	err = plat_proxy_init();
	if (err) {
		snprintf(why_buf, sizeof(why_buf),
			 "cannot prepare proxy threads (%d); use --offload=direct",
			 err);
		return err;
	}
	return 0;
}

/* ---- the client ------------------------------------------------------- */

static void ikc_futex_wait(u32 *word, u32 val)
{
	linux_call4(NR_futex, word, FUTEX_WAIT_PRIVATE, val, NULL);
}

static void ikc_futex_wake(u32 *word)
{
	linux_call3(NR_futex, word, FUTEX_WAKE_PRIVATE, WAKE_ALL);
}

static u32 slot_state(struct ikc_slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

static bool cpus_are_only(const u64 *mask, int cpu)
{
	int i;

	if (cpu < 0)
		return false;
	for (i = 0; i < CPU_WORDS; i++)
		if (mask[i] != (i == cpu / 64 ? 1ULL << (cpu % 64) : 0))
			return false;
	return true;
}

/*
 * Take a free slot for t and start its proxy.  NULL when there is none
 * or the proxy cannot start: t then goes direct (said once in kmsg).
 */
static struct ikc_slot *slot_attach(struct lwk_thread *t)
{
	u64 cpus[CPU_WORDS];
	struct ikc_slot *s = NULL;
	u32 i, expect;
	int err;

	for (i = 0; i < chan->nslots; i++) {
		expect = IKC_FREE;
		if (__atomic_compare_exchange_n(&chan->slots[i].state, &expect,
						IKC_IDLE, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			s = &chan->slots[i];
			break;
		}
	}
	if (!s) {
		if (!__atomic_exchange_n(&warned_no_slot, 1, __ATOMIC_RELAXED))
			pr_warn("offload", "more than %d threads use proxies: thread %d and later ones go direct",
				IKC_SLOTS, t->tid);
		t->direct_only = true;
		return NULL;
	}

	s->client_tid = t->tid;
	s->server_tid = 0;
	s->client_sleeping = s->server_sleeping = 0;
	s->seq = s->cancel_seq = 0;
	s->cancel_restart = s->cancels = 0;
	/* Spinning for a peer that needs our core only delays it. */
	proxy_cpus_for(t, cpus);
	s->spin_ns = cpus_are_only(cpus, t->cpu) ? 0 :
		     (u32)MIN(lwk_proc.cfg.proxy_spin_ns, 1000000000ULL);
	err = plat_proxy_start(chan, s, cpus, &proxy_handle[i]);
	if (err) {
		__atomic_store_n(&s->state, IKC_FREE, __ATOMIC_RELEASE);
		if (!__atomic_exchange_n(&warned_no_proxy, 1, __ATOMIC_RELAXED))
			pr_warn("offload", "cannot start a proxy thread (%d): thread %d goes direct",
				err, t->tid);
		t->direct_only = true;
		return NULL;
	}
	t->ikc = s;
	return s;
}

static void post(struct ikc_slot *s, long nr, const long *a, u64 seq)
{
	int i;

	s->nr = nr;
	for (i = 0; i < 6; i++)
		s->args[i] = a ? a[i] : 0;
	s->seq = seq;
	__atomic_store_n(&s->state, IKC_POSTED, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->server_sleeping, __ATOMIC_SEQ_CST))
		ikc_futex_wake(&s->state);
}

/*
 * Wait for the call in s to be done: spin for s->spin_ns, then sleep on
 * the state word.  Signal handlers run meanwhile (offload_interrupt).
 * False if the slot was taken from t meanwhile (a handler forked and
 * this is the child, whose proxies are gone).
 */
static bool wait_done(struct lwk_thread *t, struct ikc_slot *s)
{
	u64 until = 0;
	u32 st, n = 0;

	if (s->spin_ns)
		until = plat_now_ns() + s->spin_ns;
	while ((st = slot_state(s)) != IKC_DONE) {
		if (READ_ONCE(t->ikc) != s)
			return false;
		if (until && (++n & 63 || plat_now_ns() < until)) {
			__builtin_ia32_pause();
			continue;
		}
		until = 0;
		__atomic_store_n(&s->client_sleeping, 1, __ATOMIC_SEQ_CST);
		st = __atomic_load_n(&s->state, __ATOMIC_SEQ_CST);
		if (st != IKC_DONE)
			ikc_futex_wait(&s->state, st);
		__atomic_store_n(&s->client_sleeping, 0, __ATOMIC_RELAXED);
	}
	return true;
}

/*
 * Ask s's server to interrupt call seq; see struct ikc_slot.  Once one
 * request for seq wants EINTR, the call ends with EINTR.  Signals stay
 * blocked meanwhile: a handler's own request must not come between.
 */
static void request_interrupt(struct ikc_slot *s, u64 seq, bool restart)
{
	irqflags_t irq = plat_irq_save();

	if (READ_ONCE(s->cancel_seq) == seq && !s->cancel_restart)
		restart = false;
	WRITE_ONCE(s->cancel_restart, restart);
	__atomic_store_n(&s->cancel_seq, seq, __ATOMIC_RELEASE);
	__atomic_fetch_add(&s->cancels, 1, __ATOMIC_SEQ_CST);
	if (plat_proxy_interrupt(s, proxy_handle[s - chan->slots])) {
		__atomic_fetch_sub(&s->cancels, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_exchange_n(&warned_interrupt, 1, __ATOMIC_RELAXED))
			pr_warn("offload", "cannot interrupt proxy %d: the call runs to its end",
				s->server_tid);
	}
	plat_irq_restore(irq);
}

/*
 * A handler left an earlier wait with longjmp: that call is of no use
 * any more.  Interrupt it (no restart) and wait until the slot is free.
 * A handler that came before the post (the slot still idle) left no call
 * to wait for.
 */
static void abandon(struct lwk_thread *t, struct ikc_slot *s)
{
	u64 seq = t->ikc_wait_seq;
	u32 st = slot_state(s);

	if (st != IKC_IDLE) {
		if (st != IKC_DONE)
			request_interrupt(s, seq, false);
		wait_done(t, s);
	}
	WRITE_ONCE(t->ikc_wait_seq, 0);
	__atomic_store_n(&s->state, IKC_IDLE, __ATOMIC_RELEASE);
}

/* Signals the server caught for the caller (SIGPIPE...) go to t. */
static void raise_caught(struct lwk_thread *t, u64 sigs)
{
	int sig;

	for (sig = 1; sig <= NSIG; sig++)
		if (sigs & sigbit(sig))
			signal_send_self(t, sig);
}

/*
 * Is t's current call made by a program handler that interrupted the LWK
 * (t waiting for its proxy)?  Such a handler runs on the program's stack
 * or sigaltstack while the LWK's frames stay live (the platform says so),
 * or on the LWK's stack; after a handler left a wait with longjmp, calls
 * come from the program's own stack again.
 */
static bool from_nested_handler(struct lwk_thread *t)
{
	u64 sp = t->regs ? regs_sp(t->regs) : 0;

	return t->handler_over_lwk || (sp && lwk_owns_range(sp - 1, sp));
}

/*
 * proxy_call - make call nr through t's proxy.  False when it cannot (no
 * slot or proxy, or a handler's call while t waits for its proxy: that
 * proxy is busy with the call the handler interrupted) and the caller
 * must go direct.  Otherwise the result is in *ret.
 */
static bool proxy_call(struct lwk_thread *t, long nr, const long *a,
		       long *ret)
{
	struct ikc_slot *s = t->ikc;
	u64 seq, sigs;

	if (!s && !(s = slot_attach(t)))
		return false;
	if (t->ikc_wait_seq) {
		if (from_nested_handler(t))
			return false;
		abandon(t, s);
	}

	seq = s->seq + 1;
	WRITE_ONCE(t->ikc_wait_seq, seq);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	post(s, nr, a, seq);
	if (!wait_done(t, s)) {
		*ret = -EINTR;
		return true;
	}
	*ret = s->ret;
	sigs = s->sigs;
	WRITE_ONCE(t->ikc_wait_seq, 0);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&s->state, IKC_IDLE, __ATOMIC_RELEASE);
	if (sigs)
		raise_caught(t, sigs);
	return true;
}

/* Arguments that make a proxiable call act on the calling thread. */
/*
 * A signalfd reads the signals of the thread that reads it, so its reads
 * must stay on the caller.  Once the process has made one, each read
 * checks what its descriptor is (one readlink; none before).
 */
static bool seen_signalfd;

static bool is_signalfd(long fd)
{
	char link[40], target[32];
	long n;

	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	n = linux_call3(NR_readlink, link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:[signalfd]");
}

static bool needs_caller(long nr, const long *a)
{
	switch (nr) {
	case NR_signalfd:
	case NR_signalfd4:
		WRITE_ONCE(seen_signalfd, true);
		return true;
	case NR_read:
	case NR_readv:
	case NR_pread64:
	case NR_preadv:
	case NR_preadv2:
		return READ_ONCE(seen_signalfd) && is_signalfd(a[0]);
	case NR_poll:
	case NR_select:
	case NR_epoll_wait:
		/* It may wait on a signalfd among its descriptors. */
		return READ_ONCE(seen_signalfd);
	case NR_wait4:
		return a[2] & WNOTHREAD;
	case NR_waitid:
		return a[3] & WNOTHREAD;
	case NR_getrusage:
		return a[0] == RUSAGE_THREAD;
	case NR_epoll_pwait2:
		return a[4] != 0;		/* with a signal mask */
	case NR_io_pgetevents:
		return a[5] != 0;
	}
	return false;
}

static bool may_proxy(struct lwk_thread *t, long nr, const long *a)
{
	return offload_route(nr) == ROUTE_PROXY && !t->direct_only &&
	       t->pid == lwk_proc.pid && !needs_caller(nr, a);
}

long offload_syscall(struct lwk_thread *t, long nr, const long *a,
		     int *route)
{
	long ret;

	if (may_proxy(t, nr, a) && proxy_call(t, nr, a, &ret)) {
		*route = ROUTE_PROXY;
		return ret;
	}
	*route = ROUTE_DIRECT;
	return plat_linux_call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

long offload_linux(struct lwk_thread *t, long nr, long a0, long a1, long a2,
		   long a3, long a4, long a5)
{
	const long a[6] = { a0, a1, a2, a3, a4, a5 };
	long ret;

	if (may_proxy(t, nr, a) && proxy_call(t, nr, a, &ret)) {
		t->offload_proxied = true;
		return ret;
	}
	return plat_linux_call(nr, a0, a1, a2, a3, a4, a5);
}

/*
 * End t's proxy and free its slot; its next proxied call starts another.
 * The proxy is gone when this returns.
 */
static void retire(struct lwk_thread *t)
{
	struct ikc_slot *s = t->ikc;

	if (!s)
		return;
	if (t->ikc_wait_seq)
		abandon(t, s);
	proxy_handle[s - chan->slots] = NULL;
	t->ikc = NULL;
	post(s, IKC_OP_EXIT, NULL, s->seq + 1);
	for (;;) {
		int tid = __atomic_load_n(&s->server_tid, __ATOMIC_ACQUIRE);

		if (!tid)
			break;
		linux_call4(NR_futex, &s->server_tid, FUTEX_WAIT, tid, NULL);
	}
	__atomic_store_n(&s->state, IKC_FREE, __ATOMIC_RELEASE);
}

void offload_after_call(struct lwk_thread *t, long nr, const long *a,
			long ret)
{
	if (!proxy_on || !offload_watched(nr) || !t->ikc)
		return;
	switch (nr) {
	case NR_prctl:
		/* The options that change credentials or sandboxing. */
		if (a[0] != 8 && a[0] != 22 && a[0] != 24 && a[0] != 28 &&
		    a[0] != 38 && a[0] != 47)
			return;
		break;
	case NR_close_range:
		if (!(a[2] & CLOSE_RANGE_UNSHARE))
			return;
		break;
	case NR_personality:
		if (a[0] == PERSONALITY_QUERY)
			return;
		break;
	case NR_setfsuid:
	case NR_setfsgid:
		/* They report the old id, never an error. */
		ret = 0;
		break;
	}
	if (ret < 0)
		return;
	if (!__atomic_exchange_n(&told_renew, 1, __ATOMIC_RELAXED))
		pr_info("offload", "thread %d changed its own %s: it gets a new proxy (said once)",
			t->tid, syscall_name(nr));
	/*
	 * A handler's call while the thread waits for its proxy: that call
	 * goes on with the old proxy, and the thread direct from now on.
	 */
	if (t->ikc_wait_seq && from_nested_handler(t)) {
		t->direct_only = true;
		return;
	}
	retire(t);
}

void offload_interrupt(struct lwk_thread *t, bool restart)
{
	u64 seq = READ_ONCE(t->ikc_wait_seq);
	struct ikc_slot *s = t->ikc;
	u32 st;

	if (!seq || !s)
		return;
	st = slot_state(s);
	if (st != IKC_POSTED && st != IKC_RUNNING)
		return;
	request_interrupt(s, seq, restart);
}

void offload_thread_init(struct lwk_thread *child,
			 const struct lwk_thread *parent, u64 flags)
{
	child->ikc = NULL;
	child->ikc_wait_seq = 0;
	child->direct_only = (flags & PROXY_NEEDS) != PROXY_NEEDS;
}

/*
 * The thread outlives its proxy: Linux reports the exit code of a
 * process's last thread, which must be a thread of the program.
 */
void offload_thread_exit(struct lwk_thread *t)
{
	retire(t);
}

void offload_after_fork(struct lwk_thread *t)
{
	u32 i;

	t->ikc = NULL;
	t->ikc_wait_seq = 0;
	t->direct_only = false;
	if (!chan)
		return;
	for (i = 0; i < chan->nslots; i++) {
		if (proxy_handle[i])
			plat_proxy_forget(proxy_handle[i]);
		proxy_handle[i] = NULL;
	}
	memset(chan->slots, 0, chan->nslots * sizeof(struct ikc_slot));
	chan->owner_pid = lwk_proc.pid;
	warned_no_slot = warned_no_proxy = warned_interrupt = 0;
}

/* ---- the round-trip benchmark ----------------------------------------- */

static u64 cycles(void)
{
	unsigned int aux;

	return __builtin_ia32_rdtscp(&aux);
}

/* TSC cycles per microsecond, measured once against the monotonic clock. */
static u64 cycles_per_us(void)
{
	static u64 cached;
	u64 c0, n0, c1, n1;

	if (cached)
		return cached;
	n0 = plat_now_ns();
	c0 = cycles();
	do
		n1 = plat_now_ns();
	while (n1 - n0 < 5000000);
	c1 = cycles();
	cached = MAX((c1 - c0) * 1000 / (n1 - n0), 1ULL);
	return cached;
}

static void sift_down(u64 *v, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		u64 tmp;

		if (l < n && v[l] > v[big])
			big = l;
		if (r < n && v[r] > v[big])
			big = r;
		if (big == i)
			return;
		tmp = v[i];
		v[i] = v[big];
		v[big] = tmp;
		i = big;
	}
}

static void sort_u64(u64 *v, size_t n)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (i = n; i-- > 1;) {
		u64 tmp = v[0];

		v[0] = v[i];
		v[i] = tmp;
		sift_down(v, 0, i);
	}
}

static int first_cpu(const u64 *mask)
{
	int cpu;

	for (cpu = 0; cpu < TANDEM_MAX_CPUS; cpu++)
		if (mask[cpu / 64] & (1ULL << (cpu % 64)))
			return cpu;
	return -1;
}

long offload_roundtrip(struct lwk_thread *t, const long *a)
{
	u64 rounds = a[0], gap = a[2], size, i, per_us, cpus[CPU_WORDS];
	struct k_timespec pause = { gap / 1000000000, gap % 1000000000 };
	struct ikc_roundtrip out;
	u64 *v;
	long ret = 0, r;

	if (!proxy_on)
		return -EOPNOTSUPP;
	if (rounds == 0 || rounds > 10000000 || gap > 1000000000)
		return -EINVAL;
	if (t->pid != lwk_proc.pid || t->direct_only ||
	    (!t->ikc && !slot_attach(t)))
		return -EAGAIN;
	size = ALIGN_UP(rounds * sizeof(u64), PAGE_SIZE);
	v = (u64 *)linux_call6(NR_mmap, 0, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(v))
		return -ENOMEM;
	per_us = cycles_per_us();
	proxy_cpus_for(t, cpus);

	for (i = 0; i < rounds; i++) {
		u64 c0;

		if (gap)
			linux_call2(NR_nanosleep, &pause, NULL);
		c0 = cycles();
		if (!proxy_call(t, IKC_OP_NOP, NULL, &r)) {
			ret = -EAGAIN;
			goto out;
		}
		v[i] = (cycles() - c0) * 1000 / per_us;
	}
	sort_u64(v, rounds);
	out = (struct ikc_roundtrip) {
		.rounds = rounds,
		.min_ns = v[0],
		.median_ns = v[rounds / 2],
		.p90_ns = v[rounds * 9 / 10],
		.p99_ns = v[rounds * 99 / 100],
		.max_ns = v[rounds - 1],
		.client_cpu = t->cpu,
		.server_cpu = first_cpu(cpus),
	};
	if (plat_copy_to_user((void *)a[1], &out, sizeof(out)))
		ret = -EFAULT;
out:
	linux_call2(NR_munmap, v, size);
	return ret;
}

int offload_proxy_threads(void)
{
	int i, n = 0;

	for (i = 0; i < IKC_SLOTS; i++)
		if (READ_ONCE(proxy_handle[i]))
			n++;
	return n;
}
