// SPDX-License-Identifier: MIT
/*
 * Process and identity calls served by the LWK: ids, exit, execve (which
 * restarts the LWK image on the new program, so every image a run starts
 * stays on the LWK), the process's own /proc entries where Linux would
 * describe tandem instead of the program, and the guards that keep a
 * program from switching the LWK off or closing its descriptors.
 */
#include "sys.h"
#include "offload.h"
#include "fdguard.h"
#include "exec.h"
#include "sched/sched.h"
#include "errno.h"
#include "kmsg.h"
#include "procfs.h"
#include "mm/mm.h"
#include "lib/lib.h"
#include "arch/x86_64/abi.h"
#include "arch/x86_64/unistd.h"

#define CLOSE_RANGE_UNSHARE	(1U << 1)

u64 linux_file_number(const char *path, const char *key)
{
	size_t klen = strlen(key);
	char buf[4096], *p;
	long fd, n;
	u64 v = 0;

	fd = linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	n = linux_call3(NR_read, fd, buf, sizeof(buf) - 1);
	linux_call1(NR_close, fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen))
			continue;
		for (p += klen; *p == ' ' || *p == '\t'; p++)
			;
		while (*p >= '0' && *p <= '9')
			v = v * 10 + (*p++ - '0');
		break;
	}
	return v;
}

SYSCALL(getpid)
{
	return t->pid;
}

SYSCALL(gettid)
{
	return t->tid;
}

SYSCALL(exit)
{
	syscall_trace_noreturn(t, NR_exit, a);
	offload_thread_exit(t);
	plat_thread_leaving();
	futex_thread_exit(t);
	sched_thread_exit(t);
	plat_thread_exit((int)a[0]);
}

SYSCALL(exit_group)
{
	syscall_trace_noreturn(t, NR_exit_group, a);
	sched_process_exit();
	mm_exit();
	if (lwk_proc.inst->top_pid == t->pid)
		stats_print((int)a[0] & 0xff);
	plat_exit_group((int)a[0]);
}

/*
 * Linux keeps the word for the deaths the LWK does not see (exit_group,
 * execve); a thread's own exit clears and wakes it in futex_thread_exit.
 */
SYSCALL(set_tid_address)
{
	linux_call1(NR_set_tid_address, a[0]);
	t->clear_tid = a[0];
	return t->tid;
}

SYSCALL(arch_prctl)
{
	u64 gs;
	long err;

	switch (a[0]) {
	case ARCH_SET_GS:
		plat_prog_sets_gs();
		return linux_call2(NR_arch_prctl, a[0], a[1]);
	case ARCH_GET_GS:
		err = linux_call2(NR_arch_prctl, ARCH_GET_GS, &gs);
		if (err)
			return err;
		gs = plat_prog_gs(gs);
		return plat_copy_to_user((void *)a[1], &gs, sizeof(gs));
	case ARCH_SET_FS:
	case ARCH_GET_FS:
	case 0x1011:	/* ARCH_GET_CPUID */
	case 0x1012:	/* ARCH_SET_CPUID */
	case 0x1021:	/* ARCH_GET_XCOMP_SUPP */
	case 0x1022:	/* ARCH_GET_XCOMP_PERM */
	case 0x1023:	/* ARCH_REQ_XCOMP_PERM */
		return linux_call2(NR_arch_prctl, a[0], a[1]);
	}
	return -EINVAL;
}

/* Like a kernel without rseq: glibc then manages without it. */
SYSCALL(rseq)
{
	return -ENOSYS;
}

/*
 * Like a kernel without io_uring: its requests reach Linux without a
 * system call, so none of them could be the LWK's (its memory, its
 * descriptors, its futexes); programs fall back to plain calls.
 */
SYSCALL(io_uring_setup)
{
	return -ENOSYS;
}

static bool is_self(long pid)
{
	return pid == 0 || pid == lwk_proc.pid;
}

/* CAP_SYS_RESOURCE in the effective set: a hard limit may be raised. */
static bool capable_sys_resource(void)
{
	struct { u32 version; s32 pid; } hdr = { 0x20080522, 0 };
	struct { u32 effective, permitted, inheritable; } data[2];

	return !linux_call2(NR_capget, &hdr, data) &&
	       (data[0].effective & (1U << 24));
}

/*
 * Set the program's RLIMIT_AS or RLIMIT_DATA (@res, now @lim) to @new with
 * Linux's checks.  The LWK enforces it (kernel/mm); Linux's own limit is
 * only ever raised, and only when the program's hard limit passes it.
 */
static long set_mm_limit(long res, const struct k_rlimit *lim,
			 const struct k_rlimit *new)
{
	struct k_rlimit linux_rl;
	long err;

	if (new->cur > new->max)
		return -EINVAL;
	if (new->max > lim->max && !capable_sys_resource())
		return -EPERM;
	err = linux_call4(NR_prlimit64, 0, res, NULL, &linux_rl);
	if (err || new->max <= linux_rl.max)
		return err;
	linux_rl = (struct k_rlimit){ new->max, new->max };
	return linux_call4(NR_prlimit64, 0, res, &linux_rl, NULL);
}

/*
 * The limits the LWK keeps for the program: the stack limit (the LWK laid
 * the stack out; Linux's stack growth follows it, so Linux gets it too),
 * RLIMIT_AS and RLIMIT_DATA (the LWK enforces them on the program's own
 * mappings; Linux's stay high enough for the LWK's: docs/memory.md).  As
 * Linux, the old value is copied out after the new one is set.
 */
SYSCALL(prlimit64)
{
	struct k_rlimit stack = { lwk_proc.stack_limit,
				  lwk_proc.stack_limit_max };
	struct k_rlimit *lim, old, new;
	long err;

	if (!is_self(a[0]))
		return offload_linux4(t, NR_prlimit64, a[0], a[1], a[2], a[3]);
	if (a[1] == RLIMIT_STACK)
		lim = &stack;
	else if (a[1] == RLIMIT_AS)
		lim = &lwk_proc.rlim_as;
	else if (a[1] == RLIMIT_DATA)
		lim = &lwk_proc.rlim_data;
	else
		return offload_linux4(t, NR_prlimit64, a[0], a[1], a[2], a[3]);
	if (a[2] && plat_copy_from_user(&new, (void *)a[2], sizeof(new)))
		return -EFAULT;
	old = *lim;
	if (a[2]) {
		err = a[1] == RLIMIT_STACK ?
		      linux_call4(NR_prlimit64, 0, RLIMIT_STACK, &new, NULL) :
		      set_mm_limit(a[1], lim, &new);
		if (err)
			return err;
		*lim = new;
		lwk_proc.stack_limit = stack.cur;
		lwk_proc.stack_limit_max = stack.max;
	}
	if (a[3] && plat_copy_to_user((void *)a[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL(getrlimit)
{
	const long args[6] = { 0, a[0], 0, a[1] };

	return sys_prlimit64(t, regs, args);
}

SYSCALL(setrlimit)
{
	const long args[6] = { 0, a[0], a[1], 0 };

	return sys_prlimit64(t, regs, args);
}

SYSCALL(prctl)
{
	if (a[0] == PR_SET_SYSCALL_USER_DISPATCH || a[0] == PR_SET_MM) {
		pr_warn("proc", "refused prctl(%ld): it would take the program off the LWK",
			a[0]);
		return -EPERM;
	}
	return linux_call6(NR_prctl, a[0], a[1], a[2], a[3], a[4], 0);
}

/* ---- LWK descriptors -------------------------------------------------- */

static bool lwk_fd(long fd)
{
	return fd >= 0 && fdguard_lwk_fd(fd);
}

/* Every LWK descriptor's slot in the configuration; returns how many. */
static int lwk_fd_slots(int **slot)
{
	int n = 0, i;

	slot[n++] = &lwk_proc.cfg.inst_fd;
	slot[n++] = &lwk_proc.cfg.log_fd;
	for (i = 0; i < TANDEM_NR_POOLS; i++)
		slot[n++] = &lwk_proc.cfg.pool_fd[i];
	return n;
}

/* An LWK descriptor never gets here: the dispatcher refuses it (fdguard.c). */
SYSCALL(close)
{
	return offload_linux1(t, NR_close, a[0]);
}

/*
 * One close_range for the program.  CLOSE_RANGE_UNSHARE gives the calling
 * thread a file table of its own: that one runs direct.
 */
static long close_range_part(struct lwk_thread *t, u64 lo, u64 hi, long flags)
{
	if (flags & CLOSE_RANGE_UNSHARE)
		return linux_call3(NR_close_range, lo, hi, flags);
	return offload_linux3(t, NR_close_range, lo, hi, flags);
}

/* close_range over the program's descriptors only, skipping the LWK's. */
SYSCALL(close_range)
{
	u64 first = (u32)a[0], last = (u32)a[1];
	int *slot[2 + TANDEM_NR_POOLS], mine[2 + TANDEM_NR_POOLS], n, i, j, tmp;
	u64 lo = first;
	long err;

	if (first > last)
		return -EINVAL;
	/* Sort the LWK descriptors so the range splits in order. */
	n = lwk_fd_slots(slot);
	for (i = 0; i < n; i++) {
		mine[i] = *slot[i];
		for (j = i; j > 0 && mine[j - 1] > mine[j]; j--) {
			tmp = mine[j];
			mine[j] = mine[j - 1];
			mine[j - 1] = tmp;
		}
	}
	for (i = 0; i < n; i++) {
		if (mine[i] < 0 || (u64)mine[i] < lo || (u64)mine[i] > last)
			continue;
		if ((u64)mine[i] > lo) {
			err = close_range_part(t, lo, mine[i] - 1, a[2]);
			if (err)
				return err;
		}
		lo = mine[i] + 1;
	}
	if (lo > last)
		return 0;
	return close_range_part(t, lo, last, a[2]);
}

/* Move an LWK descriptor the program wants to use as a dup target. */
static void lwk_fd_evict(long fd)
{
	int *slot[2 + TANDEM_NR_POOLS], n = lwk_fd_slots(slot), i;
	int nfd = plat_hide_fd((int)fd);

	for (i = 0; i < n; i++)
		if (*slot[i] == fd)
			*slot[i] = nfd;
	fdguard_update();
}

SYSCALL(dup2)
{
	if (lwk_fd(a[1]))
		lwk_fd_evict(a[1]);
	return offload_linux2(t, NR_dup2, a[0], a[1]);
}

SYSCALL(dup3)
{
	if (lwk_fd(a[1]))
		lwk_fd_evict(a[1]);
	return offload_linux3(t, NR_dup3, a[0], a[1], a[2]);
}

/*
 * Does descriptor fd read a /proc fd directory of this process
 * (/proc/PID/fd or /proc/PID/task/TID/fd, however the program named it)?
 */
static bool own_fd_dir(long fd)
{
	char link[32], path[64], own[24];
	const char *tail;
	long n;

	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	n = linux_call3(NR_readlink, link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	path[n] = '\0';
	snprintf(own, sizeof(own), "/proc/%d/", lwk_proc.pid);
	if (!str_starts(path, own))
		return false;
	tail = path + strlen(own);
	n = strlen(tail);
	return !strcmp(tail, "fd") ||
	       (str_starts(tail, "task/") && n > 3 && !strcmp(tail + n - 3, "/fd"));
}

/* Drop the record at off (reclen bytes) from a getdents64 buffer of n. */
static void dirent_drop(u8 *ubuf, long off, long reclen, long n)
{
	u8 chunk[256];
	long from = off + reclen, len;

	for (; from < n; from += len, off += len) {
		len = MIN(n - from, (long)sizeof(chunk));
		if (plat_copy_from_user(chunk, ubuf + from, len) ||
		    plat_copy_to_user(ubuf + off, chunk, len))
			return;
	}
}

/*
 * getdents64: a listing of the process's own /proc fd directory leaves
 * out the LWK's descriptors, as if they were not open.  Only a batch that
 * holds one of their numbers costs the readlink that checks the directory.
 */
SYSCALL(getdents64)
{
	u8 *ubuf = (u8 *)a[1];
	struct {
		u64 ino;
		s64 off;
		u16 reclen;
		u8 type;
		char name[13];
	} d;
	long n, got, off, checked = 0;
	u64 v;

	do {
		n = got = offload_linux3(t, NR_getdents64, a[0], a[1], a[2]);
		for (off = 0; off < n && checked >= 0;) {
			memset(&d, 0, sizeof(d));
			if (plat_copy_from_user(&d, ubuf + off,
						MIN(n - off, (long)sizeof(d))) ||
			    d.reclen == 0)
				break;
			d.name[sizeof(d.name) - 1] = '\0';
			if (parse_u64(d.name, &v) || v > 1 << 30 ||
			    !lwk_fd((long)v)) {
				off += d.reclen;
				continue;
			}
			if (!checked)
				checked = own_fd_dir(a[0]) ? 1 : -1;
			if (checked < 0)
				break;
			dirent_drop(ubuf, off, d.reclen, n);
			n -= d.reclen;
		}
		/* A batch of nothing but LWK descriptors is not the end. */
	} while (n == 0 && got > 0);
	return n;
}

/* ---- paths: the process's own /proc entries (procfs.c) ---------------- */

/*
 * Does this path lie under /proc/thread-self, which names the calling
 * thread?  Then the call runs direct, whatever its route.  Only looked
 * at while proxies are in use.
 */
static bool names_caller(const char *upath)
{
	char path[18];
	long n;

	if (!offload_proxy_on())
		return false;
	n = plat_strncpy_from_user(path, upath, sizeof(path));
	if (n == -ENAMETOOLONG)
		n = sizeof(path);
	return n >= 17 && !memcmp(path, "/proc/thread-self", 17) &&
	       (n == 17 || path[17] == '/');
}

/* Linux's part of a path call: by its route, or direct (names_caller). */
static long path_call(struct lwk_thread *t, const char *upath, long nr,
		      long a0, long a1, long a2, long a3, long a4)
{
	if (names_caller(upath))
		return plat_linux_call(nr, a0, a1, a2, a3, a4, 0);
	return offload_linux(t, nr, a0, a1, a2, a3, a4, 0);
}

SYSCALL(readlink)
{
	long ret;

	if (procfs_readlink(AT_FDCWD, (const char *)a[0], (char *)a[1], a[2],
			    &ret))
		return ret;
	return path_call(t, (const char *)a[0], NR_readlink, a[0], a[1], a[2],
			 0, 0);
}

SYSCALL(readlinkat)
{
	long ret;

	if (procfs_readlink(a[0], (const char *)a[1], (char *)a[2], a[3], &ret))
		return ret;
	return path_call(t, (const char *)a[1], NR_readlinkat, a[0], a[1],
			 a[2], a[3], 0);
}

SYSCALL(open)
{
	long ret;

	if (procfs_open(AT_FDCWD, (const char *)a[0], a[1], a[2], &ret))
		return ret;
	return path_call(t, (const char *)a[0], NR_open, a[0], a[1], a[2], 0,
			 0);
}

SYSCALL(openat)
{
	long ret;

	if (procfs_open(a[0], (const char *)a[1], a[2], a[3], &ret))
		return ret;
	return path_call(t, (const char *)a[1], NR_openat, a[0], a[1], a[2],
			 a[3], 0);
}

/* stat and access of the link itself follow it to the program, too. */
SYSCALL(stat)
{
	if (procfs_is_exe(AT_FDCWD, (const char *)a[0]))
		return offload_linux2(t, NR_stat, lwk_proc.exe, a[1]);
	return path_call(t, (const char *)a[0], NR_stat, a[0], a[1], 0, 0, 0);
}

SYSCALL(newfstatat)
{
	if (!(a[3] & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) &&
	    procfs_is_exe(a[0], (const char *)a[1]))
		return offload_linux4(t, NR_newfstatat, AT_FDCWD, lwk_proc.exe,
				      a[2], a[3]);
	return path_call(t, (const char *)a[1], NR_newfstatat, a[0], a[1],
			 a[2], a[3], 0);
}

SYSCALL(statx)
{
	if (!(a[2] & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) &&
	    procfs_is_exe(a[0], (const char *)a[1]))
		return offload_linux6(t, NR_statx, AT_FDCWD, lwk_proc.exe, a[2],
				      a[3], a[4], 0);
	return path_call(t, (const char *)a[1], NR_statx, a[0], a[1], a[2],
			 a[3], a[4]);
}

SYSCALL(access)
{
	if (procfs_is_exe(AT_FDCWD, (const char *)a[0]))
		return offload_linux2(t, NR_access, lwk_proc.exe, a[1]);
	return path_call(t, (const char *)a[0], NR_access, a[0], a[1], 0, 0,
			 0);
}

SYSCALL(faccessat)
{
	if (procfs_is_exe(a[0], (const char *)a[1]))
		return offload_linux3(t, NR_faccessat, AT_FDCWD, lwk_proc.exe,
				      a[2]);
	return path_call(t, (const char *)a[1], NR_faccessat, a[0], a[1], a[2],
			 0, 0);
}

SYSCALL(faccessat2)
{
	if (!(a[3] & AT_SYMLINK_NOFOLLOW) &&
	    procfs_is_exe(a[0], (const char *)a[1]))
		return offload_linux4(t, NR_faccessat2, AT_FDCWD, lwk_proc.exe,
				      a[2], a[3]);
	return path_call(t, (const char *)a[1], NR_faccessat2, a[0], a[1],
			 a[2], a[3], 0);
}

/* ---- ptrace ----------------------------------------------------------- */

#define PTRACE_TRACEME		0
#define PTRACE_CONT		7
#define PTRACE_GETSIGINFO	0x4202
#define SYS_USER_DISPATCH	2

/*
 * ptrace: a vfork child's PTRACE_TRACEME takes effect at its execve.
 * Traced at once, it would stop at its next trapped call (a SIGSYS of the
 * LWK's dispatch) for a tracer that is blocked until that child execs.
 */
SYSCALL(ptrace)
{
	if (a[0] == PTRACE_TRACEME && t->pid != lwk_proc.pid) {
		t->traceme = true;
		return 0;
	}
	return offload_linux4(t, NR_ptrace, a[0], a[1], a[2], a[3]);
}

bool ptrace_resume_dispatch_stop(long pid, int status)
{
	struct {
		s32 signo, err, code;
		u8 rest[116];
	} si;			/* Linux writes a whole siginfo */

	if ((status & 0xffff) != (SIGSYS << 8 | 0x7f))
		return false;
	if (linux_call4(NR_ptrace, PTRACE_GETSIGINFO, pid, 0, &si) ||
	    si.code != SYS_USER_DISPATCH)
		return false;
	return linux_call4(NR_ptrace, PTRACE_CONT, pid, 0, SIGSYS) == 0;
}

/* ---- execve ----------------------------------------------------------- */

#define EXEC_LWK_ARGS	(16 + MM_EXEC_OPTIONS)
#define EXEC_LEAD	(EXEC_LWK_ARGS + 2 * EXEC_MAX_SCRIPTS + 3)
/*
 * What one execve builds for the new image's argv, on the calling
 * thread's LWK stack: vfork children share the LWK's memory, and several
 * may exec at once (posix_spawn from several threads).
 */
struct exec_scratch {
	char path[LWK_PATH_MAX];
	char opts[5][64];
	char mm_opts[MM_EXEC_OPTIONS][64];
	char offload[sizeof(lwk_proc.cfg.offload) + 16];
	char proxy_cpus[sizeof(lwk_proc.cfg.proxy_cpus) + 20];
	struct exec_chain chain;
};

/* The LWK options that carry this run's configuration to the new image. */
static int lwk_options(const char **out, struct exec_scratch *x)
{
	const struct lwk_config *c = &lwk_proc.cfg;
	int n = 0;

	out[n++] = TANDEM_LWK_MAGIC_ARG;
	out[n++] = "--lwk-exec";
	if (c->trace)
		out[n++] = "--lwk-trace";
	if (c->stats)
		out[n++] = c->stats_json ? "--lwk-stats=json" : "--lwk-stats";
	if (c->oversubscribe)
		out[n++] = "--lwk-oversubscribe";
	snprintf(x->opts[3], sizeof(x->opts[3]), "--lwk-futex-spin=%llu",
		 (unsigned long long)c->futex_spin_ns);
	out[n++] = x->opts[3];
	snprintf(x->opts[0], sizeof(x->opts[0]), "--lwk-inst-fd=%d",
		 c->inst_fd);
	out[n++] = x->opts[0];
	if (c->log_fd >= 0) {
		snprintf(x->opts[1], sizeof(x->opts[1]), "--lwk-log-fd=%d",
			 c->log_fd);
		out[n++] = x->opts[1];
	}
	if (c->mem_limit) {
		snprintf(x->opts[2], sizeof(x->opts[2]), "--lwk-mem=%llu",
			 (unsigned long long)c->mem_limit);
		out[n++] = x->opts[2];
	}
	if (c->entry == TANDEM_ENTRY_SIGNAL)
		out[n++] = "--lwk-entry=signal";
	else if (c->entry == TANDEM_ENTRY_REWRITE)
		out[n++] = "--lwk-entry=rewrite";
	n += mm_exec_options(out + n, x->mm_opts);
	if (c->offload[0]) {
		snprintf(x->offload, sizeof(x->offload), "--lwk-offload=%s",
			 c->offload);
		out[n++] = x->offload;
	}
	if (c->proxy_cpus[0]) {
		snprintf(x->proxy_cpus, sizeof(x->proxy_cpus),
			 "--lwk-proxy-cpus=%s", c->proxy_cpus);
		out[n++] = x->proxy_cpus;
	}
	snprintf(x->opts[4], sizeof(x->opts[4]), "--lwk-proxy-spin=%llu",
		 (unsigned long long)c->proxy_spin_ns);
	out[n++] = x->opts[4];
	return n;
}

/* Count the program's argv, reading it in chunks where it can. */
static long count_args(const u64 *uargv)
{
	u64 chunk[64];
	long n = 0;
	int i, got;

	if (!uargv)
		return 0;
	for (;;) {
		got = 64;
		if (plat_copy_from_user(chunk, uargv + n, sizeof(chunk))) {
			got = 1;
			if (plat_copy_from_user(chunk, uargv + n, sizeof(u64)))
				return -EFAULT;
		}
		for (i = 0; i < got; i++, n++) {
			if (!chunk[i])
				return n;
			if (n > (1 << 21))
				return -E2BIG;
		}
	}
}

static long do_execve(struct lwk_thread *t, long dirfd, const char *upath,
		      const u64 *uargv, const u64 *uenvp, long flags)
{
	const char *lead[EXEC_LEAD];
	const char *why;
	long len, argc, nlead, size, err, i;
	const char **argv;
	char upath_copy[LWK_PATH_MAX];
	struct exec_scratch x;
	char *exec_path = x.path;
	struct exec_chain *chain = &x.chain;

	len = plat_strncpy_from_user(upath_copy, upath, sizeof(upath_copy));
	if (len < 0)
		return len;
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (len == 0 && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	if (len && procfs_is_exe(dirfd, upath))
		strlcpy(exec_path, lwk_proc.exe, sizeof(x.path));
	else if (upath_copy[0] == '/' || dirfd == AT_FDCWD)
		strlcpy(exec_path, upath_copy, sizeof(x.path));
	else if (len == 0)
		snprintf(exec_path, sizeof(x.path), "/proc/self/fd/%ld", dirfd);
	else
		snprintf(exec_path, sizeof(x.path), "/proc/self/fd/%ld/%s",
			 dirfd, upath_copy);

	err = linux_call4(NR_faccessat, AT_FDCWD, exec_path, 1 /* X_OK */, 0);
	if (err)
		return err;
	argc = count_args(uargv);
	if (argc < 0)
		return argc;

	nlead = lwk_options(lead, &x);
	lead[nlead++] = "--";
	err = exec_resolve(exec_path, chain);
	if (err)
		return err;
	err = exec_check(chain->elf, &why);
	if (err)
		return err;
	lead[nlead++] = chain->elf;
	for (i = 0; i < chain->nlead; i++)
		lead[nlead++] = chain->lead[i];
	if (chain->depth && argc) {
		argc--;
		uargv++;
	} else if (!argc) {
		/* Linux (5.18 on) runs an empty argv as { "" }. */
		lead[nlead++] = "";
	}

	size = ALIGN_UP((nlead + argc + 2) * sizeof(char *), PAGE_SIZE);
	argv = (const char **)linux_call6(NR_mmap, 0, size,
					  PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(argv))
		return -ENOMEM;
	argv[0] = lwk_proc.image;
	for (i = 0; i < nlead; i++)
		argv[1 + i] = lead[i];
	if (argc && plat_copy_from_user(argv + 1 + nlead, uargv,
					argc * sizeof(char *))) {
		err = -EFAULT;
		goto unmap;
	}
	argv[1 + nlead + argc] = NULL;

	syscall_trace_noreturn(t, NR_execve, (long[6]){ (long)upath,
						       (long)uargv,
						       (long)uenvp });
	sched_process_exit();
	mm_exec(true);
	if (t->traceme)
		linux_call4(NR_ptrace, PTRACE_TRACEME, 0, 0, 0);
	plat_exec_signals(true);
	err = linux_call3(NR_execve, lwk_proc.image, argv, uenvp);
	plat_exec_signals(false);
	mm_exec(false);
	sched_thread_start(t);
unmap:
	linux_call2(NR_munmap, argv, size);
	return err;
}

SYSCALL(execve)
{
	return do_execve(t, AT_FDCWD, (const char *)a[0], (const u64 *)a[1],
			 (const u64 *)a[2], 0);
}

SYSCALL(execveat)
{
	return do_execve(t, a[0], (const char *)a[1], (const u64 *)a[2],
			 (const u64 *)a[3], a[4]);
}
