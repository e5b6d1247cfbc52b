// SPDX-License-Identifier: MIT
/*
 * The --stats summary, printed by the process `tandem run` started when it
 * ends: how it ended, the time its threads spent in the program and in
 * system calls (by route), CPU time and page faults as Linux counted them,
 * the largest page used, system calls by route with the busiest ones, the
 * entry path and memory, as text or as JSON (docs/usage.md).
 *
 * A process killed by a signal runs no code of ours, so the first process
 * starts a watcher at boot: a process outside the run that waits for it
 * to end and prints the summary from the instance page if nobody did.
 * The watcher takes no lock: a killed process may have held one.
 */
#include "lwk.h"
#include "mm/mm.h"
#include "trace.h"
#include "kmsg.h"
#include "errno.h"
#include "lib/lib.h"
#include "arch/x86_64/abi.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/unistd.h"

#define TOP_CALLS	8

/* Peak resident memory of this process in KiB, from Linux's VmHWM. */
static u64 peak_rss_kib(void)
{
	return linux_file_number("/proc/self/status", "VmHWM:");
}

/* The TOP_CALLS most frequent system-call numbers, most frequent first. */
static int top_calls(const struct tandem_instance *inst, int *out)
{
	int n = 0, i, j;

	for (i = 0; i < TANDEM_NR_SYSCALLS; i++) {
		if (!inst->calls[i])
			continue;
		for (j = n < TOP_CALLS ? n++ : TOP_CALLS; j > 0; j--) {
			if (j < TOP_CALLS && inst->calls[out[j - 1]] >= inst->calls[i])
				break;
			if (j < TOP_CALLS)
				out[j] = out[j - 1];
			else if (inst->calls[out[j - 1]] >= inst->calls[i])
				break;
		}
		if (j < TOP_CALLS)
			out[j] = i;
	}
	return n;
}

/* The entries the run's processes used (docs/fast-entry.md). */
static const char *entry_name(unsigned int modes)
{
	bool sig = modes & (1U << TANDEM_ENTRY_SIGNAL);
	bool rw = modes & (1U << TANDEM_ENTRY_REWRITE);

	return sig && rw ? "rewrite+signal" : rw ? "rewrite" : "signal";
}

#define USER_HZ		100	/* the unit of times in /proc/PID/stat */
#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define POLLIN		1

struct k_rusage {
	struct { long sec, usec; } utime, stime;
	long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock;
	long oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

/* Linux 6.15's PIDFD_GET_INFO: how a reaped process ended, by its pidfd. */
struct k_pidfd_info {
	u64 mask;
	u64 cgroupid;
	u32 pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	s32 exit_code;
};

#define PIDFD_INFO_EXIT	8
#define PIDFD_GET_INFO	((3UL << 30) | (sizeof(struct k_pidfd_info) << 16) | \
			 (0xffUL << 8) | 11)

struct k_pollfd {
	int fd;
	short events, revents;
};

/* How the run ended and what Linux counted for it. */
struct stats_end {
	int status;		/* exit status, or -1 if killed */
	int signal;		/* the killing signal; 0: exited or unknown */
	bool core;		/* it dumped core */
	bool usage;		/* the next four are known */
	u64 user_ns, sys_ns;	/* CPU time: the program and the LWK */
	u64 minflt, majflt;	/* page faults */
};

/* What the watcher's start cost the first process (its reaped fork). */
static struct k_rusage watch_cost;

static void emit(char *buf, int *len, int size, const char *fmt, ...)
	__printf(4, 5);
static void emit(char *buf, int *len, int size, const char *fmt, ...)
{
	va_list ap;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	*len += vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (*len > size)
		*len = size;
}

/* TSC cycles in ns, at the rate the TSC kept since the run started. */
static u64 cycles_ns(const struct tandem_instance *inst, u64 cycles,
		     u64 now_ns, u64 now_tsc)
{
	u64 el_tsc = now_tsc - inst->start_tsc;

	if (!el_tsc || now_tsc < inst->start_tsc)
		return 0;
	return (u64)((unsigned __int128)cycles * (now_ns - inst->start_ns) /
		     el_tsc);
}

static u64 tv_ns(long sec, long usec)
{
	return (u64)sec * 1000000000ULL + (u64)usec * 1000;
}

/* The first process's own usage and its reaped children's, Linux's count. */
static void usage_self(struct stats_end *end)
{
	struct k_rusage self, kids;

	if (linux_call2(NR_getrusage, RUSAGE_SELF, &self) ||
	    linux_call2(NR_getrusage, RUSAGE_CHILDREN, &kids))
		return;
	end->usage = true;
	end->user_ns = tv_ns(self.utime.sec + kids.utime.sec -
			     watch_cost.utime.sec,
			     self.utime.usec + kids.utime.usec -
			     watch_cost.utime.usec);
	end->sys_ns = tv_ns(self.stime.sec + kids.stime.sec -
			    watch_cost.stime.sec,
			    self.stime.usec + kids.stime.usec -
			    watch_cost.stime.usec);
	end->minflt = self.minflt + kids.minflt - watch_cost.minflt;
	end->majflt = self.majflt + kids.majflt - watch_cost.majflt;
}

/* Field n (1-based, as proc(5) numbers them) of a /proc/PID/stat line. */
static bool stat_field(const char *line, int n, u64 *out)
{
	const char *p = strrchr(line, ')');
	int field = 2;

	if (!p)
		return false;
	p++;
	while (*p && field < n) {
		while (*p == ' ')
			p++;
		if (++field == n)
			break;
		while (*p && *p != ' ')
			p++;
	}
	if (field != n)
		return false;
	*out = 0;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		*out = *out * 10 + (u64)(*p++ - '0');
	return true;
}

/* Linux's wait status `code` into end. */
static void set_end(struct stats_end *end, u64 code)
{
	end->core = code & 0x80;
	if (code & 0x7f)
		end->signal = code & 0x7f;
	else
		end->status = (code >> 8) & 0xff;
}

/*
 * How a dead process ended: from its /proc/PID/stat while it is a zombie,
 * with CPU time and faults; once reaped, only its status, and only from
 * Linux 6.15 on.
 */
static void usage_dead(int pidfd, int statfd, struct stats_end *end)
{
	struct k_pidfd_info info = { .mask = PIDFD_INFO_EXIT };
	u64 v[8], code;
	char line[1024];
	long n;
	int i;

	n = linux_call4(NR_pread64, statfd, line, sizeof(line) - 1, 0);
	line[n > 0 ? n : 0] = '\0';
	for (i = 0; i < 8; i++)
		if (!stat_field(line, 10 + i, &v[i]))
			break;
	if (i < 8 || !stat_field(line, 52, &code)) {
		if (!linux_call3(NR_ioctl, pidfd, PIDFD_GET_INFO, &info) &&
		    (info.mask & PIDFD_INFO_EXIT))
			set_end(end, (u32)info.exit_code);
		return;
	}
	end->usage = true;
	end->minflt = v[0] + v[1];
	end->majflt = v[2] + v[3];
	end->user_ns = (v[4] + v[6]) * (1000000000ULL / USER_HZ);
	end->sys_ns = (v[5] + v[7]) * (1000000000ULL / USER_HZ);
	set_end(end, code);
}

static void ms(char *buf, int *len, int size, u64 ns)
{
	emit(buf, len, size, "%llu.%03llu ms", (unsigned long long)(ns / 1000000),
	     (unsigned long long)(ns / 1000 % 1000));
}

/* The summary, text or JSON; pool: add the pool's (it takes locks). */
static int format(char *out, int size, const struct stats_end *end,
		  bool pool)
{
	const struct tandem_instance *inst = lwk_proc.inst;
	u64 now_ns = plat_now_ns(), now_tsc = arch_tsc();
	u64 run_ns = now_ns - inst->start_ns, total = 0, sys_ns = 0;
	u64 route_ns[ROUTE_COUNT], prog_ns, largest = 0;
	int top[TOP_CALLS], ntop, i, len = 0;
	bool json = lwk_proc.cfg.stats_json;

	for (i = 0; i < ROUTE_COUNT; i++) {
		total += inst->route_calls[i];
		route_ns[i] = cycles_ns(inst, inst->route_tsc[i], now_ns,
					now_tsc);
		sys_ns += route_ns[i];
	}
	prog_ns = cycles_ns(inst, inst->prog_tsc, now_ns, now_tsc);
	if (inst->page_sizes_used)
		largest = 1ULL << (63 - __builtin_clzll(inst->page_sizes_used));
	ntop = top_calls(inst, top);

	if (json) {
		emit(out, &len, size, "{\"tandem_stats\":2,");
		if (end->status >= 0)
			emit(out, &len, size, "\"exit_status\":%d,", end->status);
		else
			emit(out, &len, size, "\"signal\":%d,\"core_dumped\":%s,",
			     end->signal, end->core ? "true" : "false");
		emit(out, &len, size,
		     "\"run_ns\":%llu,\"processes\":%u,"
		     "\"time\":{\"program_ns\":%llu,\"syscalls_ns\":%llu",
		     (unsigned long long)run_ns, inst->nr_processes,
		     (unsigned long long)prog_ns, (unsigned long long)sys_ns);
		for (i = 0; i < ROUTE_COUNT; i++)
			emit(out, &len, size, ",\"%s_ns\":%llu", route_name(i),
			     (unsigned long long)route_ns[i]);
		emit(out, &len, size, "},");
		if (end->usage)
			emit(out, &len, size,
			     "\"cpu\":{\"user_ns\":%llu,\"system_ns\":%llu},"
			     "\"page_faults\":{\"minor\":%llu,\"major\":%llu},",
			     (unsigned long long)end->user_ns,
			     (unsigned long long)end->sys_ns,
			     (unsigned long long)end->minflt,
			     (unsigned long long)end->majflt);
		emit(out, &len, size,
		     "\"largest_page\":%llu,\"syscalls\":%llu,\"routes\":{",
		     (unsigned long long)largest, (unsigned long long)total);
		for (i = 0; i < ROUTE_COUNT; i++)
			emit(out, &len, size,
			     "%s\"%s\":{\"calls\":%llu,\"ns\":%llu}",
			     i ? "," : "", route_name(i),
			     (unsigned long long)inst->route_calls[i],
			     (unsigned long long)route_ns[i]);
		emit(out, &len, size, "},\"top\":{");
		for (i = 0; i < ntop; i++)
			emit(out, &len, size, "%s\"%s\":%llu",
			     i ? "," : "", syscall_name(top[i]),
			     (unsigned long long)inst->calls[top[i]]);
		emit(out, &len, size,
		     "},\"entry\":{\"mode\":\"%s\",\"sites\":%llu,"
		     "\"sites_kept\":%llu,\"fast_calls\":%llu,"
		     "\"signal_calls\":%llu}",
		     entry_name(inst->entry_modes),
		     (unsigned long long)inst->entry_sites,
		     (unsigned long long)inst->entry_sites_kept,
		     (unsigned long long)inst->entry_fast_calls,
		     (unsigned long long)inst->entry_signal_calls);
		if (pool) {
			emit(out, &len, size, ",");
			if (len < size)
				len += mm_stats_format(out + len, size - len,
						       true);
			emit(out, &len, size, ",\"peak_rss_kib\":%llu",
			     (unsigned long long)peak_rss_kib());
		}
		emit(out, &len, size, "}\n");
		return len;
	}

	emit(out, &len, size, "tandem: --stats\n  ended         ");
	if (end->status >= 0)
		emit(out, &len, size, "exit status %d", end->status);
	else if (end->signal)
		emit(out, &len, size, "killed by signal %d%s", end->signal,
		     end->core ? " (core dumped)" : "");
	else
		emit(out, &len, size, "killed by a signal");
	emit(out, &len, size, " after ");
	ms(out, &len, size, run_ns);
	emit(out, &len, size, ", %u process%s\n  time          program ",
	     inst->nr_processes, inst->nr_processes == 1 ? "" : "es");
	ms(out, &len, size, prog_ns);
	emit(out, &len, size, ", system calls ");
	ms(out, &len, size, sys_ns);
	emit(out, &len, size, " (%llu%%): LWK ",
	     (unsigned long long)(prog_ns + sys_ns ?
				  sys_ns * 100 / (prog_ns + sys_ns) : 0));
	ms(out, &len, size, route_ns[ROUTE_LOCAL]);
	emit(out, &len, size, ", Linux ");
	ms(out, &len, size, route_ns[ROUTE_DIRECT]);
	emit(out, &len, size, ", proxy ");
	ms(out, &len, size, route_ns[ROUTE_PROXY]);
	emit(out, &len, size, "\n");
	if (end->usage) {
		emit(out, &len, size, "  cpu           user ");
		ms(out, &len, size, end->user_ns);
		emit(out, &len, size, ", system ");
		ms(out, &len, size, end->sys_ns);
		emit(out, &len, size, "\n  page faults   %llu minor, %llu major\n",
		     (unsigned long long)end->minflt,
		     (unsigned long long)end->majflt);
	} else {
		emit(out, &len, size, "  cpu, faults   unknown: the process was reaped before the LWK's watcher could read them\n");
	}
	emit(out, &len, size, "  largest page  %llu KiB\n  system calls  %llu\n",
	     (unsigned long long)(largest >> 10), (unsigned long long)total);
	for (i = 0; i < ROUTE_COUNT; i++)
		emit(out, &len, size, "    %-8s    %llu calls, %llu us\n",
		     route_name(i), (unsigned long long)inst->route_calls[i],
		     (unsigned long long)(route_ns[i] / 1000));
	emit(out, &len, size, "  most called  ");
	for (i = 0; i < ntop; i++)
		emit(out, &len, size, "%s%s %llu", i ? ", " : "",
		     syscall_name(top[i]), (unsigned long long)inst->calls[top[i]]);
	emit(out, &len, size,
	     "\n  entry         %s: %llu sites rewritten, %llu kept trapping; %llu calls fast, %llu by SIGSYS\n",
	     entry_name(inst->entry_modes),
	     (unsigned long long)inst->entry_sites,
	     (unsigned long long)inst->entry_sites_kept,
	     (unsigned long long)inst->entry_fast_calls,
	     (unsigned long long)inst->entry_signal_calls);
	if (pool) {
		emit(out, &len, size,
		     "  memory peak   %llu KiB resident (top process)\n",
		     (unsigned long long)peak_rss_kib());
		if (len < size)
			len += mm_stats_format(out + len, size - len, false);
	}
	return len;
}

/* The first one to claim the summary prints it. */
static bool claim(void)
{
	return !__atomic_exchange_n(&lwk_proc.inst->stats_done, 1,
				    __ATOMIC_SEQ_CST);
}

void stats_print(int status)
{
	struct stats_end end = { .status = status };
	char out[4096];

	if (!lwk_proc.cfg.stats || !claim())
		return;
	usage_self(&end);
	plat_log_write(out, format(out, sizeof(out), &end, true));
}

/* The watcher: wait for the first process to end; report if it did not. */
static __noreturn void watch(int pidfd, int statfd)
{
	struct k_pollfd pfd = { .fd = pidfd, .events = POLLIN };
	struct stats_end end = { .status = -1 };
	u64 all = ~0ULL;
	char out[4096];
	long n;

	linux_call4(NR_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	do
		n = linux_call3(NR_poll, &pfd, 1, -1);
	while (n == -EINTR);
	/* Only once the process is gone: a failed poll says nothing. */
	if (n == 1 && claim()) {
		usage_dead(pidfd, statfd, &end);
		plat_log_write(out, format(out, sizeof(out), &end, false));
	}
	linux_call1(NR_exit_group, 0);
	__builtin_unreachable();
}

/* Close every descriptor but the sorted keep[0..n-1]. */
static void close_others(const int *keep, int n)
{
	unsigned int from = 0;
	int i;

	for (i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > from)
			linux_call3(NR_close_range, from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	linux_call3(NR_close_range, from, ~0U, 0);
}

void stats_watch(void)
{
	int pidfd, statfd, keep[3], i, j, status;
	char path[48];
	long pid;

	if (!lwk_proc.cfg.stats)
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", lwk_proc.pid);
	pidfd = linux_call2(NR_pidfd_open, lwk_proc.pid, 0);
	statfd = linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (pidfd < 0 || statfd < 0) {
		pr_warn("stats", "no watcher: a run killed by a signal prints no --stats (pidfd_open: %d)",
			pidfd);
		goto out;
	}
	pid = linux_call0(NR_fork);
	if (pid == 0) {
		/* Out of the run: not its child, not in its session. */
		if (linux_call0(NR_fork) != 0)
			linux_call1(NR_exit_group, 0);
		linux_call0(NR_setsid);
		linux_call1(NR_chdir, "/");
		linux_call2(NR_prctl, PR_SET_NAME, "tandem-stats");
		keep[0] = pidfd;
		keep[1] = statfd;
		keep[2] = lwk_proc.cfg.log_fd;
		for (i = 1; i < 3; i++)
			for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
				int tmp = keep[j];

				keep[j] = keep[j - 1];
				keep[j - 1] = tmp;
			}
		close_others(keep, 3);
		watch(pidfd, statfd);
	}
	if (pid > 0)
		linux_call4(NR_wait4, pid, &status, 0, &watch_cost);
out:
	if (pidfd >= 0)
		linux_call1(NR_close, pidfd);
	if (statfd >= 0)
		linux_call1(NR_close, statfd);
}
