// SPDX-License-Identifier: MIT
/*
 * Unit test of the route table (kernel/offload.c), built as a host
 * program: --offload specs and their errors, the calls that are never
 * proxied, the arguments that keep a call on its thread, and the threads
 * that must go direct.  It compiles offload.c into itself and stands in
 * for the platform (no proxy thread is ever started here; the IKC client
 * is exercised by the integration suite).  Each case runs in its own
 * process.
 *
 *	cc -O2 -g -Wall -Wextra -I. tests/unit/test_offload.c -o /tmp/test_offload
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* libc's string functions serve (see test_trace.c). */
#define TANDEM_KERNEL_LIB_H
#include "../../kernel/offload.c"
#include "../../kernel/sysnames.h"

/* Not <sys/wait.h>: libc's signal constants clash with the LWK's. */
#pragma GCC visibility push(default)
pid_t waitpid(pid_t pid, int *status, int options);
#pragma GCC visibility pop

#include "unit.h"

/* ---- What offload.c needs from the rest of the LWK -------------------- */

struct lwk_process lwk_proc;
static struct tandem_instance inst;
static int proxies_started;

static const char *const names[NR_SYSCALLS] = {
#define NAME(nr, name)	[nr] = #name,
	SYSCALL_LIST(NAME)
#undef NAME
};

const char *syscall_name(long nr)
{
	return nr >= 0 && nr < NR_SYSCALLS ? names[nr] : NULL;
}

/* The dispatcher's local numbers, as far as these cases need them. */
bool syscall_local(long nr)
{
	static const long local[] = { SYS_getpid, SYS_gettid, SYS_mmap,
				      SYS_openat, SYS_close, SYS_prctl,
				      SYS_rt_sigprocmask, SYS_futex,
				      SYS_close_range };
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (local[i] == nr)
			return true;
	return false;
}

long plat_linux_call(long nr, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	long r = syscall(nr, a0, a1, a2, a3, a4, a5);

	return r < 0 ? -errno : r;
}

int plat_proxy_init(void) { return 0; }
irqflags_t plat_irq_save(void) { return 0; }
void plat_irq_restore(irqflags_t flags) { }
int plat_proxy_interrupt(struct ikc_slot *s, void *h) { return -ESRCH; }
void plat_proxy_forget(void *handle) { }
u64 plat_now_ns(void) { return 0; }
int lwk_region_add(u64 start, u64 end) { return 0; }
bool lwk_owns_range(u64 start, u64 end) { return false; }
u64 regs_sp(const struct plat_regs *r) { return 0; }
long signal_send_self(struct lwk_thread *t, int sig) { return 0; }

int plat_proxy_start(struct ikc_channel *ch, struct ikc_slot *slot,
		     const u64 *cpus, void **handle)
{
	proxies_started++;
	return -EAGAIN;
}

int plat_copy_to_user(void *udst, const void *src, size_t n)
{
	memcpy(udst, src, n);
	return 0;
}

void kmsg_log(int level, const char *subsys, const char *fmt, ...)
{
}

/* ---- Checks ----------------------------------------------------------- */

/* A wrong route fails the case, which goes on to show every wrong one. */
#define fail(...)	unit_error("a route is wrong", __VA_ARGS__)

/* Boot with this --offload; the partition is CPUs 0-3. */
static int boot(const char *spec, const char **why)
{
	memset(&lwk_proc, 0, sizeof(lwk_proc));
	memset(&inst, 0, sizeof(inst));
	inst.partition[0] = 0xf;
	lwk_proc.inst = &inst;
	lwk_proc.pid = getpid();
	lwk_proc.cfg.proxy_spin_ns = PROXY_SPIN_NS_DEFAULT;
	snprintf(lwk_proc.cfg.offload, sizeof(lwk_proc.cfg.offload), "%s",
		 spec);
	return offload_boot(why);
}

static void boot_ok(const char *spec)
{
	const char *why = "";

	if (boot(spec, &why))
		fail("--offload=%s refused: %s", spec, why);
}

static void boot_refused(const char *spec, const char *text)
{
	const char *why = "";

	if (!boot(spec, &why))
		fail("--offload=%s accepted, expected an error with '%s'", spec,
		     text);
	else if (!strstr(why, text))
		fail("--offload=%s: got '%s', expected '%s' in it", spec, why,
		     text);
}

static const char *route_str(int r)
{
	return r == ROUTE_PROXY ? "proxy" : r == ROUTE_DIRECT ? "direct" :
	       "local";
}

static void route_is(long nr, int want)
{
	if (offload_route(nr) != want)
		fail("%s: route %s, expected %s", syscall_name(nr),
		     route_str(offload_route(nr)), route_str(want));
}

/* Would thread t send call nr with these arguments to its proxy? */
static bool proxies(struct lwk_thread *t, long nr, const long *a)
{
	return may_proxy(t, nr, a);
}

static struct lwk_thread *thread(void)
{
	static struct lwk_thread t;

	memset(&t, 0, sizeof(t));
	t.pid = t.tid = getpid();
	t.cpu = 0;
	return &t;
}

/* ---- Cases ------------------------------------------------------------ */

static void t_default_direct(void)
{
	boot_ok("");
	route_is(SYS_read, ROUTE_DIRECT);
	route_is(SYS_openat, ROUTE_DIRECT);
	if (offload_proxy_on())
		fail("no --offload: some call goes to a proxy");
	if (offload_watched(SYS_setuid))
		fail("no proxies, yet setuid is watched");
}

static void t_proxy_all(void)
{
	boot_ok("proxy");
	route_is(SYS_read, ROUTE_PROXY);
	route_is(SYS_getppid, ROUTE_PROXY);
	route_is(SYS_openat, ROUTE_PROXY);
	route_is(SYS_wait4, ROUTE_PROXY);
	if (!offload_proxy_on())
		fail("--offload=proxy: no call goes to a proxy");
	if (!chan || chan->magic != IKC_MAGIC || chan->nslots != IKC_SLOTS)
		fail("--offload=proxy: no IKC channel set up");
}

static void t_proxy_cores(void)
{
	struct lwk_thread *t = thread();
	u64 mask[CPU_WORDS];

	boot_ok("proxy");
	t->cpu = 0;
	proxy_cpus_for(t, mask);
	if (mask[0] != 1ULL << 3)
		fail("thread on CPU 0: proxy cores %#llx, expected the last (3)",
		     (unsigned long long)mask[0]);
	t->cpu = 3;
	proxy_cpus_for(t, mask);
	if (mask[0] != 1ULL << 2)
		fail("thread on CPU 3: proxy cores %#llx, expected CPU 2",
		     (unsigned long long)mask[0]);
	inst.partition[0] = 1ULL << 3;
	proxy_cpus_for(t, mask);
	if (mask[0] != 1ULL << 3)
		fail("one-core partition: proxy cores %#llx, expected CPU 3",
		     (unsigned long long)mask[0]);

	snprintf(lwk_proc.cfg.proxy_cpus, sizeof(lwk_proc.cfg.proxy_cpus),
		 "1,5-6");
	if (parse_proxy_cpus())
		fail("--proxy-cpus 1,5-6 refused");
	proxy_cpus_for(t, mask);
	if (mask[0] != 0x62)
		fail("--proxy-cpus 1,5-6: cores %#llx, expected 0x62",
		     (unsigned long long)mask[0]);
	snprintf(lwk_proc.cfg.proxy_cpus, sizeof(lwk_proc.cfg.proxy_cpus),
		 "3-1");
	if (!parse_proxy_cpus())
		fail("--proxy-cpus 3-1 accepted");
}

static void t_never_proxied(void)
{
	static const long calls[] = {
		SYS_sched_yield, SYS_rt_sigprocmask, SYS_rt_sigtimedwait,
		SYS_pause, SYS_futex, SYS_nanosleep, SYS_clock_nanosleep,
		SYS_clock_gettime, SYS_setuid, SYS_unshare, SYS_setns,
		SYS_prctl, SYS_exit, SYS_execve, SYS_clone, SYS_gettid,
		SYS_sched_setaffinity, SYS_capset, SYS_ptrace,
		SYS_io_uring_enter, SYS_set_mempolicy, SYS_tgkill,
	};
	size_t i;

	boot_ok("proxy");
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		route_is(calls[i], ROUTE_DIRECT);
	boot_refused("sched_yield=proxy",
		     "sched_yield acts on the calling thread itself");
	boot_refused("proxy,futex=proxy", "futex acts on the calling thread");
	boot_ok("proxy,sched_yield=direct");
}

static void t_overrides(void)
{
	boot_ok("proxy,read=direct");
	route_is(SYS_read, ROUTE_DIRECT);
	route_is(SYS_write, ROUTE_PROXY);

	boot_ok("direct,write=proxy,pread64=proxy");
	route_is(SYS_write, ROUTE_PROXY);
	route_is(SYS_pread64, ROUTE_PROXY);
	route_is(SYS_read, ROUTE_DIRECT);
	if (!offload_proxy_on())
		fail("write=proxy: no call goes to a proxy");

	/* Later items win, a bare route included. */
	boot_ok("read=direct,proxy");
	route_is(SYS_read, ROUTE_PROXY);
	boot_ok("proxy,read=direct,read=proxy");
	route_is(SYS_read, ROUTE_PROXY);
	boot_ok("proxy,direct");
	route_is(SYS_read, ROUTE_DIRECT);
	if (offload_proxy_on())
		fail("proxy,direct: a call still goes to a proxy");

	/* Empty items are nothing; local calls with a Linux part may be named. */
	boot_ok(",proxy,,openat=direct,");
	route_is(SYS_openat, ROUTE_DIRECT);
	route_is(SYS_close, ROUTE_PROXY);
}

static void t_bad_specs(void)
{
	boot_refused("sideways", "'sideways' is not a route");
	boot_refused("proxy,read=sideways", "'sideways' is not a route");
	boot_refused("proxy,no_such_call=direct",
		     "no system call named 'no_such_call'");
	boot_refused("getpid=proxy", "getpid is served by the LWK itself");
	boot_refused("mmap=direct", "mmap is served by the LWK itself");
	boot_refused("=proxy", "no system call named ''");
}

static void t_arguments_of_the_caller(void)
{
	struct lwk_thread *t = thread();
	const long wait_any[6] = { -1, 0, 0, 0 };
	const long wait_thread[6] = { -1, 0, WNOTHREAD, 0 };
	const long waitid_thread[6] = { 0, 0, 0, WNOTHREAD };
	const long rusage_self[6] = { 0 };
	const long rusage_thread[6] = { RUSAGE_THREAD };
	const long pwait2_mask[6] = { 3, 0, 1, 0, 0x1000, 8 };

	boot_ok("proxy");
	if (!proxies(t, SYS_wait4, wait_any))
		fail("wait4(-1, ..., 0) does not go to the proxy");
	if (proxies(t, SYS_wait4, wait_thread))
		fail("wait4 with __WNOTHREAD goes to the proxy");
	if (proxies(t, SYS_waitid, waitid_thread))
		fail("waitid with __WNOTHREAD goes to the proxy");
	if (!proxies(t, SYS_getrusage, rusage_self))
		fail("getrusage(RUSAGE_SELF) does not go to the proxy");
	if (proxies(t, SYS_getrusage, rusage_thread))
		fail("getrusage(RUSAGE_THREAD) goes to the proxy");
	if (proxies(t, SYS_epoll_pwait2, pwait2_mask))
		fail("epoll_pwait2 with a signal mask goes to the proxy");
}

static void t_threads_that_go_direct(void)
{
	const long none[6] = { 0 };
	struct lwk_thread *t = thread(), child;
	u64 pthread_flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			    CLONE_THREAD | 0x00040000 /* SYSVSEM */ | CLONE_SETTLS |
			    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

	boot_ok("proxy");
	offload_thread_init(&child, t, pthread_flags);
	if (child.direct_only)
		fail("a pthread_create thread goes direct");
	offload_thread_init(&child, t, CLONE_VM | CLONE_VFORK | SIGCHLD);
	if (!child.direct_only)
		fail("a vfork child may use proxies");
	offload_thread_init(&child, t, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
	if (child.direct_only)
		fail("a thread with files and fs of its own may not use proxies");
	offload_thread_init(&child, t, CLONE_VM | CLONE_FS | CLONE_FILES);
	if (!child.direct_only)
		fail("a process sharing memory (not CLONE_THREAD) may use proxies");

	t->pid = getpid() + 1;
	if (proxies(t, SYS_read, none))
		fail("a thread of another process (vfork child) uses the proxy");
}

/* A thread whose context changed gets a new proxy, made in that context. */
static void t_context_change_renews_proxy(void)
{
	const long none[6] = { 0 };
	const long query[6] = { PERSONALITY_QUERY };
	const long set_name[6] = { 15 /* PR_SET_NAME */ };
	const long no_new_privs[6] = { 38, 1 };
	struct lwk_thread *t = thread();
	struct ikc_slot *s;

	boot_ok("proxy");
	s = &chan->slots[5];
	s->state = IKC_IDLE;		/* as if t had taken it */
	s->server_tid = 0;		/* its proxy already gone */
	t->ikc = s;
	offload_after_call(t, SYS_personality, query, 0);
	offload_after_call(t, SYS_prctl, set_name, 0);
	offload_after_call(t, SYS_setuid, none, -EPERM);
	if (t->ikc != s)
		fail("a query, PR_SET_NAME or a failed setuid ended the proxy");
	offload_after_call(t, SYS_prctl, no_new_privs, 0);
	if (t->ikc || s->state != IKC_FREE)
		fail("PR_SET_NO_NEW_PRIVS kept the old proxy");
	s->state = IKC_IDLE;
	t->ikc = s;
	offload_after_call(t, SYS_setfsuid, none, 1000);
	if (t->ikc || s->state != IKC_FREE || s->nr != IKC_OP_EXIT)
		fail("setfsuid (which returns the old id) kept the old proxy: state %u, nr %lld",
		     s->state, (long long)s->nr);
	if (t->direct_only)
		fail("a context change made the thread direct");
}

static void t_no_proxy_goes_direct(void)
{
	struct lwk_thread *t = thread();
	const long a[6] = { 0 };
	int route;
	long ret;

	boot_ok("proxy");
	ret = offload_syscall(t, SYS_getppid, a, &route);
	if (route != ROUTE_DIRECT || ret != getppid())
		fail("without a proxy getppid went %s and gave %ld",
		     route_str(route), ret);
	if (proxies_started != 1 || !t->direct_only || t->ikc)
		fail("a failed proxy start: %d starts, direct_only %d",
		     proxies_started, t->direct_only);
	if (chan->slots[0].state != IKC_FREE)
		fail("a failed proxy start left its slot taken");
}

static const struct unit_case cases[] = {
	{ "default-direct", t_default_direct },
	{ "proxy-all", t_proxy_all },
	{ "proxy-cores", t_proxy_cores },
	{ "never-proxied", t_never_proxied },
	{ "overrides", t_overrides },
	{ "bad-specs", t_bad_specs },
	{ "arguments-of-the-caller", t_arguments_of_the_caller },
	{ "threads-that-go-direct", t_threads_that_go_direct },
	{ "context-change-renews-proxy", t_context_change_renews_proxy },
	{ "no-proxy-goes-direct", t_no_proxy_goes_direct },
};

int main(void)
{
	return run_cases(cases, ARRAY_SIZE(cases), 60);
}
