// SPDX-License-Identifier: MIT
/*
 * Signal behaviour, one group per run (usage: sigs GROUP; see main for the
 * list): siginfo of kill, raise and sigqueue and of faults, masks and
 * pending signals, sigsuspend, SA_RESTART, SA_RESETHAND, SA_NODEFER,
 * handlers that make system calls, alternate signal stacks, sigqueue
 * values, sigtimedwait, signalfd and siglongjmp out of SIGSEGV; bad
 * pointers under each mask, SIGSEGV and SIGBUS sent while blocked, and
 * the dispositions a program inherits.
 *
 * Handlers only record (in globals, or with write(2)); main prints. No pid
 * or address is printed, only whether it is the expected one, so two runs
 * compare as text. Exits 1 when a check fails.
 */
#include "report.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>

#define ALT_SIZE (64 * 1024)

static volatile uintptr_t low_addr = 8;	/* NULL + 8, hidden from gcc */

static const char *sig_name(int sig)
{
	static char buf[16];
	const char *s = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "RTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	if (!s) {
		snprintf(buf, sizeof(buf), "%d", sig);
		return buf;
	}
	return s;
}

static const char *code_name(int sig, int code)
{
	static char buf[32];

	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_TKILL: return "SI_TKILL";
	case SI_MESGQ: return "SI_MESGQ";
	case SI_ASYNCIO: return "SI_ASYNCIO";
	}
	if (sig == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRALN) return "BUS_ADRALN";
	if (sig == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
	if (sig == SIGBUS && code == BUS_OBJERR) return "BUS_OBJERR";
	if (sig == SIGFPE && code == FPE_INTDIV) return "FPE_INTDIV";
	if (sig == SIGILL && code == ILL_ILLOPN) return "ILL_ILLOPN";
	if (sig == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
	if (sig == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
	snprintf(buf, sizeof(buf), "code %d", code);
	return buf;
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *),
			int flags, const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		die("sigaction");
}

static void set_plain(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		die("sigaction");
}

static void block(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	if (sigprocmask(how, &s, NULL))
		die("sigprocmask");
}

static int is_blocked(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, sig);
}

static int is_pending(int sig)
{
	sigset_t p;

	sigpending(&p);
	return sigismember(&p, sig);
}

static void put(const char *s)
{
	ssize_t r = write(1, s, strlen(s));

	(void)r;
}

/* --- a recording handler -------------------------------------------------- */

#define LOG_MAX 16
static volatile int nlog;
static siginfo_t log_info[LOG_MAX];
static int log_blocked_self[LOG_MAX];	/* own signal blocked inside? */
static volatile int depth, max_depth;

static void record(int sig, siginfo_t *si, void *uc)
{
	int n = nlog;
	sigset_t cur;

	(void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (n < LOG_MAX) {
		log_info[n] = *si;
		sigprocmask(SIG_BLOCK, NULL, &cur);
		log_blocked_self[n] = sigismember(&cur, sig);
	}
	nlog = n + 1;
	depth--;
}

static void log_reset(void)
{
	nlog = 0;
	max_depth = 0;
	memset(log_info, 0, sizeof(log_info));
}

static void show_info(const char *what, int i, int want_pid)
{
	siginfo_t *si = &log_info[i];

	printf("%s: signal %s, %s", what, sig_name(si->si_signo),
	       code_name(si->si_signo, si->si_code));
	if (want_pid)
		printf(", si_pid is %s, si_uid is %s",
		       si->si_pid == want_pid ? "the sender's" : "WRONG",
		       si->si_uid == getuid() ? "ours" : "WRONG");
	if (si->si_code == SI_QUEUE)
		printf(", value %d", si->si_value.sival_int);
	printf("\n");
	if (want_pid && (si->si_pid != want_pid || si->si_uid != getuid()))
		report_failed = 1;
}

/* --- siginfo of kill, raise, sigqueue ------------------------------------- */

static void g_siginfo_kill(void)
{
	union sigval v = { .sival_int = 42 };
	pid_t me = getpid(), child;
	sigset_t none;
	int status;

	set_handler(SIGUSR1, record, 0, NULL);

	log_reset();
	kill(me, SIGUSR1);
	check(nlog == 1,
	      "kill(getpid(), SIGUSR1) ran the handler before kill returned");
	show_info("  kill", 0, me);

	log_reset();
	raise(SIGUSR1);
	check(nlog == 1, "raise(SIGUSR1) ran the handler");
	show_info("  raise", 0, me);

	log_reset();
	syscall(SYS_tgkill, me, gettid(), SIGUSR1);
	check(nlog == 1, "tgkill(self) ran the handler");
	show_info("  tgkill", 0, me);

	log_reset();
	sigqueue(me, SIGUSR1, v);
	check(nlog == 1, "sigqueue(self, SIGUSR1, 42) ran the handler");
	show_info("  sigqueue", 0, me);

	/* From another process: si_pid names it. */
	log_reset();
	block(SIG_BLOCK, SIGUSR1);
	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0)
		_exit(kill(getppid(), SIGUSR1) ? 1 : 0);
	sigemptyset(&none);
	while (nlog == 0)
		sigsuspend(&none);
	waitpid(child, &status, 0);
	block(SIG_UNBLOCK, SIGUSR1);
	show_info("kill from a child", 0, child);

	log_reset();
	show_ret("kill(getpid(), 0)", kill(me, 0));
	check(nlog == 0, "  no handler ran");
	show_ret("kill(getpid(), 65)", kill(me, 65));
	show_ret("sigaction(SIGKILL)", sigaction(SIGKILL, &(struct sigaction){
		.sa_handler = SIG_IGN }, NULL));
	show_ret("sigaction(SIGSTOP)", sigaction(SIGSTOP, &(struct sigaction){
		.sa_handler = SIG_IGN }, NULL));
}

/* --- siginfo of faults ---------------------------------------------------- */

static sigjmp_buf fault_env;
static siginfo_t fault_info;
static greg_t fault_rip, fault_err;
static volatile int faults;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	fault_info = *si;
	fault_rip = uc->uc_mcontext.gregs[REG_RIP];
	fault_err = uc->uc_mcontext.gregs[REG_ERR];
	faults++;
	siglongjmp(fault_env, 1);
}

__attribute__((noinline, noclone)) static int divide(int a, int b)
{
	int q;

	__asm__ volatile("cltd\n\t"
			 ".globl sigs_fpe_insn\n"
			 "sigs_fpe_insn:\n\t"
			 "idivl %2"
			 : "=a"(q) : "a"(a), "r"(b) : "edx", "cc");
	return q;
}

__attribute__((noinline, noclone)) static void illegal(void)
{
	__asm__ volatile(".globl sigs_ill_insn\nsigs_ill_insn:\n\tud2");
}

__attribute__((noinline, noclone)) static void breakpoint(void)
{
	__asm__ volatile(".globl sigs_trap_insn\nsigs_trap_insn:\n\tint3");
}

extern char sigs_fpe_insn[], sigs_ill_insn[], sigs_trap_insn[];

/* Where si_addr points, in words. */
static const char *addr_is(const void *addr, const volatile void *data,
			   const void *insn)
{
	if (data && addr == data)
		return "the faulting address";
	if (insn && addr == insn)
		return "the faulting instruction";
	if (!addr)
		return "NULL";
	return "elsewhere";
}

static void show_fault(const char *what, const volatile void *data,
		       const void *insn)
{
	printf("%s: signal %s, %s, si_addr %s", what,
	       sig_name(fault_info.si_signo),
	       code_name(fault_info.si_signo, fault_info.si_code),
	       addr_is(fault_info.si_addr, data, insn));
	if (insn)
		printf(", rip %s%+ld", "at the instruction",
		       (long)(fault_rip - (greg_t)insn));
	printf("\n");
}

static void g_siginfo_faults(void)
{
	volatile char *none, *ro, *gone, *bus;
	volatile int sink = 0;
	int fd, divisor = 0;
	sigset_t mask;

	/* The handler for one fault blocks the others: siglongjmp restores. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGSEGV);
	sigaddset(&mask, SIGBUS);
	set_handler(SIGSEGV, on_fault, 0, &mask);
	set_handler(SIGBUS, on_fault, 0, &mask);
	set_handler(SIGFPE, on_fault, 0, NULL);
	set_handler(SIGILL, on_fault, 0, NULL);
	set_handler(SIGTRAP, on_fault, 0, NULL);

	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none == MAP_FAILED || ro == MAP_FAILED || gone == MAP_FAILED)
		die("mmap");
	munmap((void *)gone, 4096);

	if (!sigsetjmp(fault_env, 1))
		sink += none[0x123];
	show_fault("read of a PROT_NONE page", none + 0x123, NULL);

	if (!sigsetjmp(fault_env, 1))
		ro[0x456] = 1;
	show_fault("write to a read-only page", ro + 0x456, NULL);
	check(fault_err & 2, "  the error code says write");

	if (!sigsetjmp(fault_env, 1))
		sink += gone[8];
	show_fault("read of an unmapped page", gone + 8, NULL);
	check(!(fault_err & 2), "  the error code says read");

	if (!sigsetjmp(fault_env, 1))
		sink += *(volatile char *)(low_addr + 8);
	show_fault("read of address 16", (void *)16, NULL);

	if (!sigsetjmp(fault_env, 1))
		sink += *(volatile char *)0x8000000000000000UL;
	show_fault("read of a non-canonical address", NULL, NULL);

	fd = memfd_create("sigs-bus", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4096))
		die("memfd_create");
	bus = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bus == MAP_FAILED)
		die("mmap memfd");
	bus[0] = 1;
	if (!sigsetjmp(fault_env, 1))
		sink += bus[4096 + 64];
	show_fault("read past the end of a mapped file", bus + 4096 + 64,
		   NULL);
	close(fd);

	if (!sigsetjmp(fault_env, 1))
		sink += divide(7, divisor);
	show_fault("integer division by zero", NULL, sigs_fpe_insn);

	if (!sigsetjmp(fault_env, 1))
		illegal();
	show_fault("ud2", NULL, sigs_ill_insn);

	if (!sigsetjmp(fault_env, 1))
		breakpoint();
	show_fault("int3", NULL, sigs_trap_insn);

	printf("faults handled: %d\n", faults);
	check(!is_blocked(SIGSEGV) && !is_blocked(SIGBUS),
	      "SIGSEGV and SIGBUS unblocked again after siglongjmp");
}

/* --- a SIGSEGV handler that repairs and returns --------------------------- */

static char *repair_page;
static int repairs;

static void on_segv_repair(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if ((char *)si->si_addr >= repair_page &&
	    (char *)si->si_addr < repair_page + 4096) {
		mprotect(repair_page, 4096, PROT_READ | PROT_WRITE);
		repairs++;
		return;
	}
	signal(SIGSEGV, SIG_DFL);
}

/* --- siglongjmp out of SIGSEGV -------------------------------------------- */

static sigjmp_buf jmp_env;
static volatile int jumps;


static void on_segv_jump(int sig)
{
	(void)sig;
	jumps++;
	siglongjmp(jmp_env, 1);
}

static void g_siglongjmp(void)
{
	volatile int *bad = (volatile int *)low_addr;
	pid_t pid;
	int i, status;

	set_plain(SIGSEGV, on_segv_jump, 0);
	for (i = 0; i < 3; i++) {
		if (!sigsetjmp(jmp_env, 1))
			*bad = i;
	}
	printf("SIGSEGV handled by siglongjmp: %d times\n", jumps);
	check(!is_blocked(SIGSEGV),
	      "SIGSEGV not blocked after sigsetjmp(env, 1)");

	if (!sigsetjmp(jmp_env, 0))
		*bad = 3;
	check(is_blocked(SIGSEGV),
	      "SIGSEGV still blocked after sigsetjmp(env, 0)");

	/* A fault with SIGSEGV blocked kills, handler or not. */
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		*bad = 4;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("child faulting with SIGSEGV blocked: %s\n",
	       WIFSIGNALED(status) ? sig_name(WTERMSIG(status)) : "exited");
	block(SIG_UNBLOCK, SIGSEGV);

	/* A handler that makes the page writable and returns: retried. */
	repair_page = mmap(NULL, 4096, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (repair_page == MAP_FAILED)
		die("mmap");
	set_handler(SIGSEGV, on_segv_repair, 0, NULL);
	((volatile char *)repair_page)[100] = 'r';
	printf("handler repaired the page %d time(s), byte now '%c'\n",
	       repairs, repair_page[100]);
}

/* --- masks and pending signals -------------------------------------------- */

static int order[8], norder;

static void on_order(int sig)
{
	if (norder < 8)
		order[norder++] = sig;
}

static void *thread_blocks_usr1(void *arg)
{
	int *res = arg;

	block(SIG_BLOCK, SIGUSR1);
	pthread_kill(pthread_self(), SIGUSR1);
	res[0] = is_pending(SIGUSR1);
	res[1] = is_blocked(SIGUSR1);
	block(SIG_UNBLOCK, SIGUSR1);
	res[2] = nlog;
	return NULL;
}

static void g_mask(void)
{
	union sigval v;
	sigset_t s, cur;
	pthread_t t;
	int i, res[3];

	set_handler(SIGUSR1, record, 0, NULL);
	log_reset();
	block(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	check(nlog == 0, "SIGUSR1 blocked: raised twice, no handler ran");
	check(is_pending(SIGUSR1), "  sigpending shows SIGUSR1");
	block(SIG_UNBLOCK, SIGUSR1);
	printf("  unblocked: handler ran %d time(s) before sigprocmask returned\n",
	       nlog);
	check(!is_pending(SIGUSR1), "  no longer pending");

	/* Real-time signals queue, in order, with their values. */
	set_handler(SIGRTMIN, record, 0, NULL);
	log_reset();
	block(SIG_BLOCK, SIGRTMIN);
	for (i = 1; i <= 3; i++) {
		v.sival_int = i * 11;
		sigqueue(getpid(), SIGRTMIN, v);
	}
	check(nlog == 0, "SIGRTMIN blocked: queued 3, no handler ran");
	block(SIG_UNBLOCK, SIGRTMIN);
	printf("  unblocked: handler ran %d time(s), values", nlog);
	for (i = 0; i < nlog && i < LOG_MAX; i++)
		printf(" %d", log_info[i].si_value.sival_int);
	printf("\n");

	/* Several pending at once: the order the handlers run in. */
	set_plain(SIGUSR1, on_order, 0);
	set_plain(SIGUSR2, on_order, 0);
	set_plain(SIGHUP, on_order, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR2);
	raise(SIGHUP);
	raise(SIGUSR1);
	norder = 0;
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	printf("USR2, HUP, USR1 pending, unblocked at once: handlers ran");
	for (i = 0; i < norder; i++)
		printf(" %s", sig_name(order[i]));
	printf("\n");

	/* SIGKILL and SIGSTOP cannot be blocked; a bad 'how' is refused. */
	sigfillset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);
	sigprocmask(SIG_SETMASK, NULL, &cur);
	check(!sigismember(&cur, SIGKILL) && !sigismember(&cur, SIGSTOP),
	      "SIG_SETMASK of all signals leaves SIGKILL and SIGSTOP out");
	check(sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGRTMAX),
	      "  and blocks the rest");
	sigemptyset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);
	show_ret("sigprocmask(99, ...)", sigprocmask(99, &s, NULL));

	/* The handler's mask: its own signal and sa_mask, then restored. */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	set_handler(SIGUSR1, record, 0, &s);
	log_reset();
	raise(SIGUSR1);
	check(log_blocked_self[0],
	      "in the SIGUSR1 handler, SIGUSR1 is blocked");
	check(!is_blocked(SIGUSR1) && !is_blocked(SIGUSR2),
	      "after it, neither SIGUSR1 nor SIGUSR2 is blocked");

	/* A blocked signal that gets ignored is discarded. */
	set_handler(SIGUSR2, record, 0, NULL);
	block(SIG_BLOCK, SIGUSR2);
	raise(SIGUSR2);
	check(is_pending(SIGUSR2), "SIGUSR2 blocked and raised: pending");
	set_plain(SIGUSR2, SIG_IGN, 0);
	check(!is_pending(SIGUSR2), "  set to SIG_IGN: no longer pending");
	block(SIG_UNBLOCK, SIGUSR2);

	/* Masks are per thread. */
	set_handler(SIGUSR1, record, 0, NULL);
	log_reset();
	pthread_create(&t, NULL, thread_blocks_usr1, res);
	pthread_join(t, NULL);
	check(res[0] && res[1], "a thread that blocks SIGUSR1 sees it pending");
	printf("  when it unblocks, the handler has run %d time(s)\n", res[2]);
	check(!is_blocked(SIGUSR1), "  the main thread's mask is untouched");
}

/* --- sigsuspend ----------------------------------------------------------- */

static void *send_usr1_then_usr2(void *arg)
{
	(void)arg;
	usleep(50000);
	kill(getpid(), SIGUSR1);
	usleep(100000);
	kill(getpid(), SIGUSR2);
	return NULL;
}

static void g_sigsuspend(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	sigset_t s, only_usr1;
	pthread_t t;
	long r;

	set_handler(SIGUSR1, record, 0, NULL);
	set_handler(SIGUSR2, record, 0, NULL);
	set_handler(SIGALRM, record, 0, NULL);

	log_reset();
	block(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	sigemptyset(&s);
	r = sigsuspend(&s);
	show_ret("sigsuspend(none) with SIGUSR1 pending", r);
	printf("  handler ran %d time(s) for %s\n", nlog,
	       sig_name(log_info[0].si_signo));
	check(is_blocked(SIGUSR1), "  SIGUSR1 blocked again afterwards");

	log_reset();
	block(SIG_BLOCK, SIGALRM);
	setitimer(ITIMER_REAL, &it, NULL);
	r = sigsuspend(&s);
	show_ret("sigsuspend(none), SIGALRM 100 ms later", r);
	printf("  handler ran %d time(s) for %s\n", nlog,
	       sig_name(log_info[0].si_signo));
	check(is_blocked(SIGALRM), "  SIGALRM blocked again afterwards");

	/* Sleeps through a signal its mask blocks. */
	log_reset();
	block(SIG_BLOCK, SIGUSR2);
	pthread_create(&t, NULL, send_usr1_then_usr2, NULL);
	sigemptyset(&only_usr1);
	sigaddset(&only_usr1, SIGUSR1);
	r = sigsuspend(&only_usr1);
	show_ret("sigsuspend(SIGUSR1 blocked); USR1, then USR2 sent", r);
	printf("  handler ran %d time(s) for %s\n", nlog,
	       sig_name(log_info[0].si_signo));
	check(is_pending(SIGUSR1), "  SIGUSR1 still pending");
	pthread_join(t, NULL);
	log_reset();
	sigemptyset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);
	printf("  unblocked: handler ran %d time(s) for %s\n", nlog,
	       sig_name(log_info[0].si_signo));
}

/* --- SA_RESTART: blocking calls interrupted by a handler ------------------ */

static int pipe_fds[2];

static void on_alarm_feed(int sig)
{
	ssize_t r;

	(void)sig;
	put("  handler: SIGALRM, writes 'x' into the pipe\n");
	r = write(pipe_fds[1], "x", 1);
	(void)r;
}

static void arm_alarm(int flags)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };

	set_plain(SIGALRM, on_alarm_feed, flags);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void show_read(const char *what)
{
	char c = '?';
	ssize_t r = read(pipe_fds[0], &c, 1);

	if (r == 1)
		printf("%s: = 1, '%c'\n", what, c);
	else
		show_ret(what, r);
}

static void g_restart(void)
{
	struct pollfd pfd;
	struct timespec ts = { 10, 0 };

	if (pipe(pipe_fds))
		die("pipe");

	arm_alarm(0);
	show_read("read on an empty pipe, SIGALRM handler without SA_RESTART");
	show_read("  read again");

	arm_alarm(SA_RESTART);
	show_read("read on an empty pipe, SIGALRM handler with SA_RESTART");

	arm_alarm(SA_RESTART);
	show_ret("nanosleep 10 s, SA_RESTART handler", nanosleep(&ts, NULL));
	show_read("  read");

	pfd.fd = pipe_fds[0];
	pfd.events = POLLIN;
	arm_alarm(SA_RESTART);
	show_ret("poll 10 s on an empty pipe, SA_RESTART handler",
		 poll(&pfd, 1, 10000));
	show_read("  read");

	arm_alarm(SA_RESTART);
	show_ret("ppoll 10 s on an empty pipe, SA_RESTART handler",
		 ppoll(&pfd, 1, &ts, NULL));
	show_read("  read");

	arm_alarm(0);
	show_ret("pause()", pause());
	show_read("  read");

}

/* --- a handler that makes system calls ------------------------------------ */

static pid_t main_pid;
static int nested_ran;

static void on_nested(int sig)
{
	(void)sig;
	nested_ran++;
	put("  nested handler: SIGUSR2\n");
}

static void on_busy(int sig)
{
	struct timespec ts;
	char line[128];
	int fd, blocked;

	(void)sig;
	put("  handler: SIGUSR1 starts\n");
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	blocked = is_blocked(SIGUSR1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(line, sizeof(line),
		 "  handler: getpid %s, open /dev/null %s, SIGUSR1 %s\n",
		 getpid() == main_pid ? "same" : "WRONG",
		 fd >= 0 ? "ok" : "failed",
		 blocked ? "blocked" : "NOT blocked");
	put(line);
	if (fd >= 0)
		close(fd);
	raise(SIGUSR2);
	put("  handler: SIGUSR1 ends\n");
}

static void g_handler_syscalls(void)
{
	main_pid = getpid();
	set_plain(SIGUSR1, on_busy, 0);
	set_plain(SIGUSR2, on_nested, 0);
	printf("raise(SIGUSR1)\n");
	fflush(stdout);
	raise(SIGUSR1);
	printf("back in main: nested handler ran %d time(s)\n", nested_ran);
}

/* --- SA_RESETHAND and SA_NODEFER ------------------------------------------ */

static void g_resethand(void)
{
	struct sigaction now;
	pid_t pid;
	int status;

	set_handler(SIGWINCH, record, SA_RESETHAND, NULL);
	log_reset();
	raise(SIGWINCH);
	check(nlog == 1, "SA_RESETHAND: the first SIGWINCH ran the handler");
	printf("  inside it, SIGWINCH was %s\n",
	       log_blocked_self[0] ? "blocked" : "not blocked");
	sigaction(SIGWINCH, NULL, &now);
	check(now.sa_handler == SIG_DFL, "  then the disposition is SIG_DFL");
	printf("  SA_SIGINFO flag still set: %s\n",
	       now.sa_flags & SA_SIGINFO ? "yes" : "no");
	raise(SIGWINCH);
	check(nlog == 1, "  the second SIGWINCH was ignored (default)");

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		set_handler(SIGUSR1, record, SA_RESETHAND, NULL);
		raise(SIGUSR1);
		raise(SIGUSR1);
		_exit(nlog == 1 ? 3 : 4);
	}
	waitpid(pid, &status, 0);
	printf("child raising SIGUSR1 twice with SA_RESETHAND: %s %d\n",
	       WIFSIGNALED(status) ? "killed by signal" : "exited",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

static volatile int nodefer_calls;

static void on_reraise(int sig, siginfo_t *si, void *uc)
{
	record(sig, si, uc);
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (++nodefer_calls == 1)
		raise(sig);
	depth--;
}

static void g_nodefer(void)
{
	sigset_t s;

	set_handler(SIGUSR1, on_reraise, 0, NULL);
	log_reset();
	nodefer_calls = 0;
	raise(SIGUSR1);
	printf("without SA_NODEFER, a handler raising its own signal: %d calls, depth %d\n",
	       nodefer_calls, max_depth);
	printf("  own signal blocked inside: %s\n",
	       log_blocked_self[0] ? "yes" : "no");

	set_handler(SIGUSR1, on_reraise, SA_NODEFER, NULL);
	log_reset();
	nodefer_calls = 0;
	raise(SIGUSR1);
	printf("with SA_NODEFER: %d calls, depth %d\n", nodefer_calls,
	       max_depth);
	printf("  own signal blocked inside: %s\n",
	       log_blocked_self[0] ? "yes" : "no");

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	set_handler(SIGUSR1, on_reraise, SA_NODEFER, &s);
	log_reset();
	nodefer_calls = 0;
	raise(SIGUSR1);
	printf("with SA_NODEFER and SIGUSR1 in sa_mask: %d calls, depth %d\n",
	       nodefer_calls, max_depth);
	printf("  own signal blocked inside: %s\n",
	       log_blocked_self[0] ? "yes" : "no");
	check(!is_blocked(SIGUSR1), "SIGUSR1 unblocked afterwards");
}

/* --- alternate signal stacks ---------------------------------------------- */

static char *alt_base;
static volatile int alt_hits, alt_in[4], alt_onstack_flag[4], alt_eperm[4];
static volatile uintptr_t alt_local[4];

static int in_alt(uintptr_t p)
{
	return p >= (uintptr_t)alt_base && p < (uintptr_t)alt_base + ALT_SIZE;
}

static void on_alt(int sig, siginfo_t *si, void *uc)
{
	volatile int local = sig;
	int n = alt_hits;
	stack_t cur, other;

	(void)si;
	(void)uc;
	if (n >= 4)
		return;
	alt_hits = n + 1;
	alt_local[n] = (uintptr_t)&local;
	alt_in[n] = in_alt((uintptr_t)&local);
	sigaltstack(NULL, &cur);
	alt_onstack_flag[n] = (cur.ss_flags & SS_ONSTACK) != 0;
	other.ss_sp = malloc(ALT_SIZE);
	other.ss_size = ALT_SIZE;
	other.ss_flags = 0;
	alt_eperm[n] = sigaltstack(&other, NULL) == -1 && errno == EPERM;
	free(other.ss_sp);
	/* The first SIGUSR2 raises another: a nested frame. */
	if (sig == SIGUSR2 && n == 0)
		raise(SIGUSR2);
}

static void setup_alt(void)
{
	stack_t ss;

	alt_base = malloc(ALT_SIZE);
	if (!alt_base)
		die("malloc");
	ss.ss_sp = alt_base;
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL))
		die("sigaltstack");
}

static void *thread_alt(void *arg)
{
	stack_t cur;

	sigaltstack(NULL, &cur);
	*(int *)arg = cur.ss_flags == SS_DISABLE;
	return NULL;
}

/* HOW: raise or kill. */
static void g_altstack(const char *how)
{
	stack_t ss, small;
	pthread_t t;
	pid_t pid;
	int status, thread_disabled = 0;

	setup_alt();
	set_handler(SIGUSR1, on_alt, SA_ONSTACK, NULL);
	set_handler(SIGUSR2, on_alt, SA_ONSTACK | SA_NODEFER, NULL);
	set_handler(SIGHUP, on_alt, 0, NULL);

	if (strcmp(how, "kill") == 0)
		kill(getpid(), SIGUSR1);
	else
		raise(SIGUSR1);
	printf("SA_ONSTACK handler for SIGUSR1 by %s()\n", how);
	check(alt_hits == 1 && alt_in[0],
	      "  its local variable is on the alternate stack");
	check(alt_onstack_flag[0], "  sigaltstack reports SS_ONSTACK inside");
	check(alt_eperm[0], "  changing the stack inside fails with EPERM");
	sigaltstack(NULL, &ss);
	check(ss.ss_flags == 0 && ss.ss_sp == alt_base &&
	      ss.ss_size == ALT_SIZE,
	      "  afterwards: same stack, not on it");

	alt_hits = 0;
	if (strcmp(how, "kill") == 0)
		kill(getpid(), SIGUSR2);
	else
		raise(SIGUSR2);
	printf("SA_ONSTACK|SA_NODEFER handler that raises itself again\n");
	check(alt_hits == 2 && alt_in[0] && alt_in[1],
	      "  both frames are on the alternate stack");
	check(alt_local[1] < alt_local[0], "  the nested frame is below");

	alt_hits = 0;
	if (strcmp(how, "kill") == 0)
		kill(getpid(), SIGHUP);
	else
		raise(SIGHUP);
	check(alt_hits == 1 && !alt_in[0],
	      "a handler without SA_ONSTACK runs on the normal stack");

	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	alt_hits = 0;
	raise(SIGUSR1);
	check(alt_hits == 1 && !alt_in[0],
	      "SS_DISABLE: the SA_ONSTACK handler runs on the normal stack");

	small.ss_sp = alt_base;
	small.ss_size = 512;
	small.ss_flags = 0;
	show_ret("sigaltstack of 512 bytes", sigaltstack(&small, NULL));
	small.ss_size = ALT_SIZE;
	small.ss_flags = 12345;
	show_ret("sigaltstack with bad flags", sigaltstack(&small, NULL));

	setup_alt();
	pthread_create(&t, NULL, thread_alt, &thread_disabled);
	pthread_join(t, NULL);
	check(thread_disabled, "a new thread has no alternate stack");

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		alt_hits = 0;
		raise(SIGUSR1);
		_exit(alt_hits == 1 && alt_in[0] ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a forked child handles SIGUSR1 on the inherited stack");
}

/* A signal that interrupts a blocking read, handled on the alt stack. */
static void g_altstack_blocked(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	char c;

	setup_alt();
	if (pipe(pipe_fds))
		die("pipe");
	set_handler(SIGALRM, on_alt, SA_ONSTACK, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	show_ret("read on an empty pipe, SIGALRM 100 ms later",
		 read(pipe_fds[0], &c, 1));
	check(alt_hits == 1 && alt_in[0],
	      "  the SA_ONSTACK handler's local variable is on the alternate stack");
}

/*
 * The same, left with siglongjmp each time, many times over: every round's
 * handler must still find itself on the alternate stack (the LWK's stack
 * under the interrupted read must not stay cut for rounds that are gone).
 */
static sigjmp_buf blocked_env;
static volatile int blocked_on_alt;

static void on_alt_jump(int sig, siginfo_t *si, void *uc)
{
	volatile int local = sig;

	(void)si;
	(void)uc;
	blocked_on_alt = in_alt((uintptr_t)&local);
	siglongjmp(blocked_env, 1);
}

static void g_altstack_blocked_longjmp(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 2000 } };
	int round, on_alt_all = 1, jumped = 0;
	char c;

	setup_alt();
	if (pipe(pipe_fds))
		die("pipe");
	set_handler(SIGALRM, on_alt_jump, SA_ONSTACK, NULL);
	for (round = 0; round < 300; round++) {
		blocked_on_alt = 0;
		if (sigsetjmp(blocked_env, 1) == 0) {
			setitimer(ITIMER_REAL, &it, NULL);
			if (read(pipe_fds[0], &c, 1) < 0)
				break;
			continue;
		}
		jumped++;
		on_alt_all &= blocked_on_alt;
	}
	check(jumped == 300, "300 blocked reads left by siglongjmp from the handler");
	check(on_alt_all, "  every handler ran on the alternate stack");
}

/* --- a stack overflow handled on the alternate stack ---------------------- */

static sigjmp_buf overflow_env;
static volatile int overflow_in_alt, overflow_code, overflow_hits;

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
	volatile int local = sig;

	(void)uc;
	overflow_hits++;
	overflow_in_alt = in_alt((uintptr_t)&local);
	overflow_code = si->si_code;
	siglongjmp(overflow_env, 1);
}

__attribute__((noinline)) static int recurse(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	pad[511] = (char)n;
	if (n < 0)		/* never: it recurses until the stack ends */
		return 0;
	return recurse(n + 1) + pad[0] + pad[511];
}

static void overflow_twice(const char *who)
{
	int round;

	set_handler(SIGSEGV, on_overflow, SA_ONSTACK, NULL);
	for (round = 1; round <= 2; round++) {
		overflow_in_alt = 0;
		if (!sigsetjmp(overflow_env, 1))
			recurse(0);
		printf("%s stack overflow %d: SIGSEGV %s\n", who, round,
		       code_name(SIGSEGV, overflow_code));
		printf("  handled on the alternate stack: %s\n",
		       overflow_in_alt ? "yes" : "NO");
		if (!overflow_in_alt)
			report_failed = 1;
	}
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	setup_alt();
	overflow_twice("thread");
	return NULL;
}

static void g_overflow(int in_thread)
{
	pthread_attr_t attr;
	pthread_t t;

	if (!in_thread) {
		setup_alt();
		overflow_twice("main thread");
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_create(&t, &attr, overflow_thread, NULL);
	pthread_join(t, NULL);
}

/* --- sigqueue and rt_sigqueueinfo ----------------------------------------- */

static void g_sigqueue(void)
{
	union sigval v;
	siginfo_t si;
	pid_t me = getpid(), gone;
	int status;

	set_handler(SIGRTMIN + 1, record, 0, NULL);
	set_handler(SIGRTMIN + 2, record, 0, NULL);

	log_reset();
	block(SIG_BLOCK, SIGRTMIN + 1);
	v.sival_int = 1234;
	show_ret("sigqueue(self, RTMIN+1, 1234), blocked", sigqueue(me,
		 SIGRTMIN + 1, v));
	v.sival_int = 5678;
	sigqueue(me, SIGRTMIN + 1, v);
	block(SIG_UNBLOCK, SIGRTMIN + 1);
	printf("  unblocked: %d deliveries\n", nlog);
	show_info("  first", 0, me);
	show_info("  second", 1, me);

	log_reset();
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGRTMIN + 2;
	si.si_code = SI_QUEUE;
	si.si_pid = me;
	si.si_uid = getuid();
	si.si_value.sival_int = 77;
	show_ret("rt_sigqueueinfo(self, RTMIN+2, SI_QUEUE, 77)",
		 syscall(SYS_rt_sigqueueinfo, me, SIGRTMIN + 2, &si));
	show_info("  delivered", 0, me);

	log_reset();
	si.si_value.sival_int = 88;
	show_ret("rt_tgsigqueueinfo(self, own tid, RTMIN+2, SI_QUEUE, 88)",
		 syscall(SYS_rt_tgsigqueueinfo, me, gettid(), SIGRTMIN + 2,
			 &si));
	show_info("  delivered", 0, me);

	v.sival_int = 1;
	show_ret("sigqueue(self, 0, ...)", sigqueue(me, 0, v));
	show_ret("sigqueue(self, 65, ...)", sigqueue(me, 65, v));

	fflush(stdout);
	gone = fork();
	if (gone < 0)
		die("fork");
	if (gone == 0)
		_exit(0);
	waitpid(gone, &status, 0);
	show_ret("sigqueue to a reaped child", sigqueue(gone, SIGRTMIN + 1,
		 v));
}

/* --- sigtimedwait --------------------------------------------------------- */

static void *send_usr1_later(void *arg)
{
	(void)arg;
	usleep(100000);
	kill(getpid(), SIGUSR1);
	return NULL;
}

static void show_waited(const char *what, int r, const siginfo_t *si)
{
	if (r < 0) {
		show_ret(what, r);
		return;
	}
	printf("%s: = %s, %s", what, sig_name(r), code_name(r, si->si_code));
	if (si->si_code == SI_QUEUE)
		printf(", value %d", si->si_value.sival_int);
	if (si->si_code == SI_USER || si->si_code == SI_TKILL ||
	    si->si_code == SI_QUEUE)
		printf(", si_pid is %s",
		       si->si_pid == getpid() ? "ours" : "WRONG");
	printf("\n");
}

static void g_sigtimedwait(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct timespec ts;
	union sigval v;
	siginfo_t si;
	sigset_t s;
	pthread_t t;
	double t0;
	int r;

	set_handler(SIGUSR1, record, 0, NULL);
	set_handler(SIGALRM, record, 0, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGRTMIN + 2);
	sigaddset(&s, SIGRTMIN + 3);
	sigprocmask(SIG_BLOCK, &s, NULL);

	log_reset();
	raise(SIGUSR1);
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	r = sigtimedwait(&s, &si, &ts);
	show_waited("sigtimedwait with SIGUSR1 pending", r, &si);
	check(nlog == 0 && !is_pending(SIGUSR1),
	      "  no handler ran, nothing left pending");

	ts.tv_sec = 0;
	ts.tv_nsec = 150000000;
	t0 = now_on(CLOCK_MONOTONIC);
	r = sigtimedwait(&s, &si, &ts);
	show_waited("sigtimedwait 150 ms, nothing pending", r, &si);
	check(now_on(CLOCK_MONOTONIC) - t0 >= 0.14,
	      "  waited at least 140 ms");

	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	show_waited("sigtimedwait, zero timeout", sigtimedwait(&s, &si, &ts),
		    &si);
	ts.tv_nsec = 1000000000;
	show_waited("sigtimedwait, tv_nsec = 1e9", sigtimedwait(&s, &si, &ts),
		    &si);

	v.sival_int = 33;
	sigqueue(getpid(), SIGRTMIN + 3, v);
	v.sival_int = 22;
	sigqueue(getpid(), SIGRTMIN + 2, v);
	show_waited("sigwaitinfo, RTMIN+3 then RTMIN+2 queued",
		    sigwaitinfo(&s, &si), &si);
	show_waited("sigwaitinfo again", sigwaitinfo(&s, &si), &si);

	pthread_create(&t, NULL, send_usr1_later, NULL);
	ts.tv_sec = 10;
	ts.tv_nsec = 0;
	show_waited("sigtimedwait 10 s, a thread sends SIGUSR1 after 100 ms",
		    sigtimedwait(&s, &si, &ts), &si);
	pthread_join(t, NULL);

	log_reset();
	setitimer(ITIMER_REAL, &it, NULL);
	show_waited("sigtimedwait 10 s, a SIGALRM handler runs after 100 ms",
		    sigtimedwait(&s, &si, &ts), &si);
	printf("  the handler ran %d time(s)\n", nlog);
}

/* --- signalfd ------------------------------------------------------------- */

static void show_ssi(const char *what, ssize_t r,
		     const struct signalfd_siginfo *ssi, int n, pid_t pid)
{
	int i;

	if (r < 0) {
		show_ret(what, r);
		return;
	}
	printf("%s: = %zd bytes\n", what, r);
	for (i = 0; i < n && (size_t)i * sizeof(*ssi) < (size_t)r; i++) {
		printf("  %s, %s, ssi_pid is %s", sig_name(ssi[i].ssi_signo),
		       code_name(ssi[i].ssi_signo, ssi[i].ssi_code),
		       ssi[i].ssi_pid == (uint32_t)pid ? "the sender's" :
							 "WRONG");
		if (ssi[i].ssi_code == SI_QUEUE)
			printf(", value %d", ssi[i].ssi_int);
		printf("\n");
	}
}

static void *send_usr2_later(void *arg)
{
	(void)arg;
	usleep(100000);
	kill(getpid(), SIGUSR2);
	return NULL;
}

static void g_signalfd(void)
{
	struct signalfd_siginfo ssi[4];
	struct pollfd pfd;
	union sigval v;
	sigset_t s;
	pthread_t t;
	pid_t child, me = getpid();
	int fd, fd2, status;
	ssize_t r;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &s, NULL);
	fd = signalfd(-1, &s, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		die("signalfd");

	r = read(fd, ssi, sizeof(ssi));
	show_ret("read, nothing pending", r);

	raise(SIGUSR1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	r = poll(&pfd, 1, 1000);
	printf("poll after raise(SIGUSR1): = %zd, revents %s\n", r,
	       pfd.revents == POLLIN ? "POLLIN" : "other");
	r = read(fd, ssi, sizeof(ssi));
	show_ssi("read", r, ssi, 4, me);
	check(!is_pending(SIGUSR1), "  SIGUSR1 no longer pending");

	v.sival_int = 99;
	sigqueue(me, SIGRTMIN, v);
	v.sival_int = 100;
	sigqueue(me, SIGRTMIN, v);
	r = read(fd, ssi, sizeof(ssi));
	show_ssi("read after two sigqueue(RTMIN)", r, ssi, 4, me);

	r = read(fd, ssi, sizeof(ssi[0]) - 1);
	show_ret("read of less than one record", r);

	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0)
		_exit(kill(getppid(), SIGUSR1) ? 1 : 0);
	waitpid(child, &status, 0);
	r = read(fd, ssi, sizeof(ssi));
	show_ssi("read after kill from a child", r, ssi, 4, child);

	/* A blocking signalfd, its mask changed, woken from a thread. */
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	fd2 = signalfd(-1, &s, SFD_CLOEXEC);
	if (fd2 < 0)
		die("signalfd");
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	printf("signalfd(fd, only SIGUSR2) returns the same fd: %s\n",
	       signalfd(fd2, &s, 0) == fd2 ? "yes" : "NO");
	pthread_create(&t, NULL, send_usr2_later, NULL);
	r = read(fd2, ssi, sizeof(ssi));
	show_ssi("blocking read, a thread sends SIGUSR2 after 100 ms", r,
		 ssi, 4, me);
	pthread_join(t, NULL);
	close(fd2);
	close(fd);
}

/*
 * Bad pointers in the calls whose arguments the LWK copies itself, with
 * SIGSEGV and SIGBUS open, blocked by the program, and everything
 * blocked (as glibc has it around a clone): EFAULT each time, never a
 * fault, and the mask the program set is the one it keeps.
 */
static void efault_calls(const char *how)
{
	long page = sysconf(_SC_PAGESIZE);
	char *ro = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char label[96];
	void *bad = (void *)low_addr;
	struct timespec *ts;
	sigset_t *straddle, now;
	long r;

	if (ro == MAP_FAILED)
		die("mmap");
	/* Eight bytes whose last four lie on a page with no access. */
	straddle = (sigset_t *)(ro + page - 4);
	mprotect(ro + page, page, PROT_NONE);
	mprotect(ro, page, PROT_READ);

#define EFAULT_CALL(name, call) do {					\
		errno = 0;						\
		r = call;						\
		snprintf(label, sizeof(label), "%s: %s", how, name);	\
		show_ret(label, r);					\
	} while (0)
	EFAULT_CALL("rt_sigprocmask bad set",
		    syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
	EFAULT_CALL("rt_sigprocmask straddling set",
		    syscall(SYS_rt_sigprocmask, SIG_BLOCK, straddle, NULL, 8));
	EFAULT_CALL("rt_sigprocmask read-only old set",
		    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, ro, 8));
	EFAULT_CALL("rt_sigaction bad act",
		    syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
	EFAULT_CALL("rt_sigaction read-only old",
		    syscall(SYS_rt_sigaction, SIGUSR1, NULL, ro, 8));
	EFAULT_CALL("sigaltstack read-only old",
		    syscall(SYS_sigaltstack, NULL, ro));
	EFAULT_CALL("nanosleep bad request", syscall(SYS_nanosleep, bad, NULL));
	ts = (struct timespec *)(ro + page - 8);
	EFAULT_CALL("futex straddling timeout",
		    syscall(SYS_futex, &nodefer_calls, FUTEX_WAIT_PRIVATE,
			    nodefer_calls, ts, NULL, 0));
	EFAULT_CALL("get_robust_list read-only head",
		    syscall(SYS_get_robust_list, 0, ro, ro));
	EFAULT_CALL("clone3 bad args", syscall(SYS_clone3, bad, 88));
	EFAULT_CALL("open bad path", syscall(SYS_openat, AT_FDCWD, bad,
					     O_RDONLY));
#undef EFAULT_CALL
	sigprocmask(SIG_SETMASK, NULL, &now);
	snprintf(label, sizeof(label), "%s: SIGSEGV still blocked", how);
	printf("%s: %s\n", label, sigismember(&now, SIGSEGV) ? "yes" : "no");
	snprintf(label, sizeof(label), "%s: SIGBUS still blocked", how);
	printf("%s: %s\n", label, sigismember(&now, SIGBUS) ? "yes" : "no");
	munmap(ro, 2 * page);
}

static void g_efault(void)
{
	sigset_t set, old;

	efault_calls("open");
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigaddset(&set, SIGBUS);
	sigprocmask(SIG_BLOCK, &set, &old);
	efault_calls("faults blocked");
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	efault_calls("all blocked");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * A SIGSEGV or SIGBUS sent while the program blocks it stays pending
 * until the program unblocks it, even while the thread makes calls
 * whose copies the LWK does itself; sent from another thread as fast as
 * it can, its handler never finds it was blocked where it interrupted.
 */
static volatile int sent_runs, sent_while_blocked;
static volatile sig_atomic_t sent_stop;

static void on_sent(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)si;
	if (sigismember(&uc->uc_sigmask, sig))
		sent_while_blocked = 1;
	sent_runs++;
}

static void *send_faults(void *arg)
{
	pid_t tid = *(pid_t *)arg;
	int i;

	for (i = 0; !sent_stop; i++)
		syscall(SYS_tgkill, getpid(), tid, i & 1 ? SIGSEGV : SIGBUS);
	return NULL;
}

static void g_sent_while_blocked(void)
{
	sigset_t faults, pend, got;
	struct timespec zero = { 0, 0 };
	pthread_t t;
	pid_t me = gettid();
	int i, runs;

	set_handler(SIGSEGV, on_sent, 0, NULL);
	set_handler(SIGBUS, on_sent, 0, NULL);
	sigemptyset(&faults);
	sigaddset(&faults, SIGSEGV);
	sigaddset(&faults, SIGBUS);

	/* Raised to oneself while blocked: pending, through copying calls. */
	sigprocmask(SIG_BLOCK, &faults, NULL);
	raise(SIGSEGV);
	for (i = 0; i < 100; i++) {
		sigprocmask(SIG_BLOCK, NULL, &got);
		nanosleep(&zero, NULL);
	}
	sigpending(&pend);
	check(sigismember(&pend, SIGSEGV), "raised SIGSEGV pending while blocked");
	check(sent_runs == 0, "its handler did not run while blocked");
	sigprocmask(SIG_UNBLOCK, &faults, NULL);
	check(sent_runs == 1, "its handler ran once unblocked");

	/* Sent by another thread while this one blocks and unblocks them. */
	if (pthread_create(&t, NULL, send_faults, &me))
		die("pthread_create");
	for (i = 0; i < 3000; i++) {
		sigprocmask(SIG_BLOCK, &faults, NULL);
		runs = sent_runs;
		sigprocmask(SIG_BLOCK, NULL, &got);
		nanosleep(&zero, NULL);
		if (sent_runs != runs)
			sent_while_blocked = 1;
		sigprocmask(SIG_UNBLOCK, &faults, NULL);
	}
	sent_stop = 1;
	pthread_join(t, NULL);
	check(!sent_while_blocked, "no handler ran while the thread blocked it");
	check(sent_runs > 1, "the sent signals ran once unblocked");
}

/* The dispositions of SIGSEGV and SIGBUS the program finds (after exec). */
static const char *disp_name(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa))
		return "error";
	if (sa.sa_handler == SIG_IGN)
		return "ignored";
	if (sa.sa_handler == SIG_DFL)
		return "default";
	return "handled";
}

static void g_dispositions(void)
{
	printf("SIGSEGV: %s\n", disp_name(SIGSEGV));
	printf("SIGBUS: %s\n", disp_name(SIGBUS));
	printf("SIGUSR1: %s\n", disp_name(SIGUSR1));
}

int main(int argc, char **argv)
{
	const char *g = argc == 2 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(g, "siginfo-kill"))
		g_siginfo_kill();
	else if (!strcmp(g, "siginfo-faults"))
		g_siginfo_faults();
	else if (!strcmp(g, "siglongjmp-segv"))
		g_siglongjmp();
	else if (!strcmp(g, "mask"))
		g_mask();
	else if (!strcmp(g, "sigsuspend"))
		g_sigsuspend();
	else if (!strcmp(g, "restart"))
		g_restart();
	else if (!strcmp(g, "handler-syscalls"))
		g_handler_syscalls();
	else if (!strcmp(g, "resethand"))
		g_resethand();
	else if (!strcmp(g, "nodefer"))
		g_nodefer();
	else if (!strcmp(g, "altstack-raise"))
		g_altstack("raise");
	else if (!strcmp(g, "altstack-kill"))
		g_altstack("kill");
	else if (!strcmp(g, "altstack-blocked-read"))
		g_altstack_blocked();
	else if (!strcmp(g, "altstack-blocked-longjmp"))
		g_altstack_blocked_longjmp();
	else if (!strcmp(g, "altstack-overflow"))
		g_overflow(0);
	else if (!strcmp(g, "altstack-overflow-thread"))
		g_overflow(1);
	else if (!strcmp(g, "sigqueue"))
		g_sigqueue();
	else if (!strcmp(g, "sigtimedwait"))
		g_sigtimedwait();
	else if (!strcmp(g, "signalfd"))
		g_signalfd();
	else if (!strcmp(g, "efault"))
		g_efault();
	else if (!strcmp(g, "sent-while-blocked"))
		g_sent_while_blocked();
	else if (!strcmp(g, "dispositions"))
		g_dispositions();
	else {
		fprintf(stderr, "usage: sigs GROUP (see tests/progs/sigs.c)\n");
		return 2;
	}
	return report_failed;
}
