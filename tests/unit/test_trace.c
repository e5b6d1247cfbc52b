// SPDX-License-Identifier: MIT
/*
 * Unit test of the --trace decoder (kernel/trace.c), built as a host
 * program: it compiles the decoder and the LWK formatter into itself and
 * stands in for the platform's user-copy hooks.  Arguments use the host's
 * own <fcntl.h>, <sys/mman.h>, ... constants, so the decoder's tables are
 * checked against Linux's headers as well as against strace's output.
 *
 * The copy hooks fault (-EFAULT) below 4096 and on a PROT_NONE guard
 * page, so "bad pointer" cases run without touching bad memory; a case
 * that makes the decoder read where it must not crashes its process and
 * fails.  Each case runs in its own process.
 *
 * Where strace decodes a call, the expected line is what strace 6.1
 * printed for the same call on this machine's kernel; expected lines are
 * never split, so a line from a real trace can be grepped for here.
 *
 *	cc -O2 -g -Wall -Wextra -I. tests/unit/test_trace.c -o /tmp/test_trace
 */
#define _GNU_SOURCE

#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * kernel/types.h makes every later declaration hidden, so lib.h would
 * redeclare libc's string functions hidden and break the link; libc's own
 * declarations of the same functions serve instead.
 */
#define TANDEM_KERNEL_LIB_H
#include "../../kernel/trace.c"
#include "../../kernel/lib/format.c"

#include "unit.h"

/* ---- The platform hooks the decoder uses ------------------------------ */

static char *guard;	/* a PROT_NONE page: touching it would crash */

static bool bad_range(uintptr_t a, size_t n)
{
	uintptr_t g = (uintptr_t)guard;

	if (a < 4096 || a + n < a)
		return true;
	return guard && a < g + 4096 && a + n > g;
}

int plat_copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (bad_range((uintptr_t)usrc, n))
		return -EFAULT;
	memcpy(dst, usrc, n);
	return 0;
}

long plat_strncpy_from_user(char *dst, const char *usrc, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (bad_range((uintptr_t)usrc + i, 1))
			return -EFAULT;
		dst[i] = usrc[i];
		if (!dst[i])
			return i;
	}
	/* The contract leaves dst undefined here: make sure nobody uses it. */
	memset(dst, '#', n);
	return -ENAMETOOLONG;
}

/* ---- Checking one line ------------------------------------------------ */

#define ARGV(...)	((const long[6]){ __VA_ARGS__ })
#define P(x)		((long)(uintptr_t)(x))

/* A program address the decoder must never read (the call failed). */
#define UNREAD		0x7f0000001000L

/* A wrong line fails the case, which goes on to show every wrong one. */
#define fail(...)	unit_error("a decoded line is wrong", __VA_ARGS__)

static void expect(const char *want, long nr, const long args[6], long ret,
		   bool entry_only)
{
	char got[8192];
	int n;

	memset(got, 'Z', sizeof(got));
	n = trace_format(got, sizeof(got), nr, args, ret, entry_only);
	if (strcmp(got, want) != 0)
		fail("got:  %s\n    want: %s", got, want);
	else if (n != (int)strlen(want))
		fail("returned %d for a line of %zu", n, strlen(want));
}

/*
 * Call @nr with these arguments, returning @ret, decodes as @want (with
 * TRACE_ENTRY: as it is shown on entry, before it returns).
 */
#define TRACE(want, nr, ret, ...) \
	expect(want, nr, ARGV(__VA_ARGS__), ret, false)
#define TRACE_ENTRY(want, nr, ...) \
	expect(want, nr, ARGV(__VA_ARGS__), 0, true)

/* ---- Cases ------------------------------------------------------------ */

static const char passwd[] = "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";

static void t_open(void)
{
	TRACE("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3",
	      SYS_openat, 3, AT_FDCWD, P("/etc/passwd"), O_RDONLY | O_CLOEXEC);
	TRACE("openat(AT_FDCWD, \"/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)",
	      SYS_openat, -ENOENT, AT_FDCWD, P("/nope"), O_RDONLY, 0777);
	TRACE("openat(3, \"sub\", O_RDONLY|O_NONBLOCK|O_DIRECTORY) = 4",
	      SYS_openat, 4, 3, P("sub"), O_DIRECTORY | O_NONBLOCK);
	TRACE("open(\"/tmp/x\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4",
	      SYS_open, 4, P("/tmp/x"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	TRACE("creat(\"/tmp/y\", 000) = 5", SYS_creat, 5, P("/tmp/y"), 0);
}

static void t_open_odd_flags(void)
{
	TRACE("open(\"/tmp/x\", O_WRONLY|O_CREAT|O_TRUNC|0x40000000, 0644) = 4",
	      SYS_open, 4, P("/tmp/x"),
	      O_WRONLY | O_CREAT | O_TRUNC | 0x40000000, 0644);
	TRACE("open(\"/tmp\", O_RDWR|O_EXCL|O_TMPFILE, 0600) = 3",
	      SYS_open, 3, P("/tmp"), O_RDWR | O_EXCL | O_TMPFILE, 0600);
	TRACE("openat(AT_FDCWD, \"f\", O_WRONLY|O_SYNC|O_PATH) = 3",
	      SYS_openat, 3, AT_FDCWD, P("f"), O_WRONLY | O_SYNC | O_PATH);
}

static void t_open_bad_path(void)
{
	TRACE("open(0x10, O_RDONLY) = -1 EFAULT (Bad address)",
	      SYS_open, -EFAULT, 0x10, O_RDONLY);
	TRACE("openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)",
	      SYS_openat, -EFAULT, AT_FDCWD, 0, O_RDONLY);
}

static void t_read(void)
{
	TRACE("read(3, \"root:x:0:0:root:/root:/bin/bash\\n\"..., 4096) = 1234",
	      SYS_read, 1234, 3, P(passwd), 4096);
	TRACE("read(3, \"root:\", 4096) = 5", SYS_read, 5, 3, P(passwd), 4096);
	TRACE("read(3, \"\", 4096) = 0", SYS_read, 0, 3, P(passwd), 4096);
	TRACE("read(3, 0x7f0000001000, 10) = -1 EAGAIN (Resource temporarily unavailable)",
	      SYS_read, -EAGAIN, 3, UNREAD, 10);
	TRACE("pread64(3, \"x:0:0:root\", 10, 5) = 10",
	      SYS_pread64, 10, 3, P(passwd + 5), 10, 5);
}

static void t_write_escapes(void)
{
	static const char data[] = "\0\1\0012a\177\tb\"\\\n";

	TRACE("write(1, \"\\0\\1\\0012a\\177\\tb\\\"\\\\\\n\\0\", 12) = 12",
	      SYS_write, 12, 1, P(data), 12);
	TRACE("write(1, \"abcdefghijklmnopqrstuvwxyz012345\"..., 42) = 42",
	      SYS_write, 42, 1,
	      P("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"), 42);
	TRACE("pwrite64(4, \"\\377\\0\", 2, 8192) = 2",
	      SYS_pwrite64, 2, 4, P("\377"), 2, 8192);
}

static void t_write_bad_buffer(void)
{
	TRACE("write(1, 0x10, 5) = -1 EFAULT (Bad address)",
	      SYS_write, -EFAULT, 1, 0x10, 5);
	TRACE("write(1, NULL, 5) = -1 EFAULT (Bad address)",
	      SYS_write, -EFAULT, 1, 0, 5);
}

/* A buffer that runs into the guard page is not read at all. */
static void t_buffer_into_guard(void)
{
	char want[128], *p = guard - 8;

	memcpy(p, "abcdefgh", 8);
	snprintf(want, sizeof(want), "write(1, %p, 16) = 16", (void *)p);
	TRACE(want, SYS_write, 16, 1, P(p), 16);
	TRACE("write(1, \"abcdefgh\", 8) = 8", SYS_write, 8, 1, P(p), 8);
	snprintf(want, sizeof(want),
		 "chdir(%p) = -1 EFAULT (Bad address)", (void *)p);
	TRACE(want, SYS_chdir, -EFAULT, P(p));
}

static void t_long_strings(void)
{
	size_t len = PATH_SHOWN + 100;
	char *path = malloc(len + 1), *want = malloc(len + 64);

	memset(path, 'a', len);
	path[len] = '\0';
	strcpy(want, "chdir(\"");
	strncat(want, path, PATH_SHOWN);
	strcat(want, "\"...) = -1 ENAMETOOLONG (File name too long)");
	TRACE(want, SYS_chdir, -ENAMETOOLONG, P(path));

	/* exactly the limit: no "..." */
	path[PATH_SHOWN] = '\0';
	strcpy(want, "chdir(\"");
	strcat(want, path);
	strcat(want, "\") = 0");
	TRACE(want, SYS_chdir, 0, P(path));

	TRACE("prctl(PR_SET_NAME, \"0123456789abcdef0123456789abcdef\"...) = 0",
	      SYS_prctl, 0, PR_SET_NAME,
	      P("0123456789abcdef0123456789abcdef0123"));
	TRACE("prctl(PR_SET_NAME, \"0123456789abcdef0123456789abcdef\") = 0",
	      SYS_prctl, 0, PR_SET_NAME,
	      P("0123456789abcdef0123456789abcdef"));
	free(path);
	free(want);
}

static void t_mmap(void)
{
	TRACE("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1234000000",
	      SYS_mmap, 0x7f1234000000, 0, 8192, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TRACE("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_POPULATE|MAP_STACK, -1, 0) = 0x7fa37ab11000",
	      SYS_mmap, 0x7fa37ab11000, 0, 8192, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE |
	      MAP_POPULATE, -1, 0);
	TRACE("mmap(0x7f18635e0000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7f18635e0000",
	      SYS_mmap, 0x7f18635e0000, 0x7f18635e0000, 1400832,
	      PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE,
	      3, 0x26000);
	TRACE("mmap(0x10000000, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_FIXED_NOREPLACE|21<<MAP_HUGE_SHIFT, -1, 0x1000) = -1 EINVAL (Invalid argument)",
	      SYS_mmap, -EINVAL, 0x10000000, 4096, PROT_NONE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
	      MAP_HUGETLB | 21 << MAP_HUGE_SHIFT, -1, 0x1000);
	TRACE("mmap(NULL, 4096, 0x10 /* PROT_??? */, MAP_PRIVATE|0x80, -1, 0) = -1 EBADF (Bad file descriptor)",
	      SYS_mmap, -EBADF, 0, 4096, 0x10, MAP_PRIVATE | 0x80, -1, 0);
	TRACE("mmap(NULL, 4096, PROT_READ, MAP_SHARED|MAP_GROWSDOWN|MAP_LOCKED, 3, 0) = -1 ENOMEM (Cannot allocate memory)",
	      SYS_mmap, -ENOMEM, 0, 4096, PROT_READ,
	      MAP_SHARED | MAP_GROWSDOWN | MAP_LOCKED, 3, 0);
}

static void t_memory_calls(void)
{
	TRACE("mprotect(0x1000, 4096, PROT_READ|0x100) = -1 EINVAL (Invalid argument)",
	      SYS_mprotect, -EINVAL, 0x1000, 4096, PROT_READ | 0x100);
	TRACE("munmap(0x7f186379c000, 41491) = 0",
	      SYS_munmap, 0, 0x7f186379c000, 41491);
	TRACE("brk(NULL) = 0x55f656a2b000", SYS_brk, 0x55f656a2b000, 0);
	TRACE("madvise(0x10000000, 4096, MADV_DONTNEED) = 0",
	      SYS_madvise, 0, 0x10000000, 4096, MADV_DONTNEED);
	TRACE("madvise(0x1000, 4096, 0x63 /* MADV_??? */) = -1 EINVAL (Invalid argument)",
	      SYS_madvise, -EINVAL, 0x1000, 4096, 99);
	TRACE("mremap(0x10000000, 4096, 8192, MREMAP_MAYMOVE) = 0x7f0000000000",
	      SYS_mremap, 0x7f0000000000, 0x10000000, 4096, 8192,
	      MREMAP_MAYMOVE, 0x20000000);
	TRACE("mremap(0x10000000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x20000000) = 0x20000000",
	      SYS_mremap, 0x20000000, 0x10000000, 4096, 8192,
	      MREMAP_MAYMOVE | MREMAP_FIXED, 0x20000000);
}

static void t_signals(void)
{
	/* the kernel's struct sigaction; 0x04000000 is SA_RESTORER */
	static const long act[4] = {
		1, 0x04000000 | SA_RESTART | SA_SIGINFO, 0x7fa37a962050,
		(1L << (SIGINT - 1)) | (1L << (34 - 1)),
	};
	static const long dfl[4] = { 0, 0, 0, 0 };

	TRACE("rt_sigaction(SIGUSR1, {sa_handler=SIG_IGN, sa_mask=[INT RT_2], sa_flags=SA_RESTORER|SA_RESTART|SA_SIGINFO, sa_restorer=0x7fa37a962050}, NULL, 8) = 0",
	      SYS_rt_sigaction, 0, SIGUSR1, P(act), 0, 8);
	TRACE("rt_sigaction(SIGINT, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0",
	      SYS_rt_sigaction, 0, SIGINT, 0, P(dfl), 8);
	TRACE("rt_sigaction(SIGRT_32, NULL, 0x7f0000001000, 8) = -1 EINVAL (Invalid argument)",
	      SYS_rt_sigaction, -EINVAL, 64, 0, UNREAD, 8);
}

static void t_sigprocmask(void)
{
	static const unsigned long most = ~((1UL << (SIGTERM - 1)) |
					    (3UL << 31));
	static const unsigned long none;

	TRACE("rt_sigprocmask(SIG_BLOCK, ~[TERM RTMIN RT_1], NULL, 8) = 0",
	      SYS_rt_sigprocmask, 0, SIG_BLOCK, P(&most), 0, 8);
	TRACE("rt_sigprocmask(SIG_SETMASK, [], ~[TERM RTMIN RT_1], 8) = 0",
	      SYS_rt_sigprocmask, 0, SIG_SETMASK, P(&none), P(&most), 8);
	TRACE("rt_sigprocmask(0x7 /* SIG_??? */, 0x10, 0x7f0000001000, 8) = -1 EINVAL (Invalid argument)",
	      SYS_rt_sigprocmask, -EINVAL, 7, 0x10, UNREAD, 8);
}

static void t_kill(void)
{
	TRACE("kill(-1, 0) = 0", SYS_kill, 0, -1, 0);
	TRACE("kill(1234, SIGKILL) = -1 ESRCH (No such process)",
	      SYS_kill, -ESRCH, 1234, SIGKILL);
	TRACE("tgkill(4248, 4248, SIGABRT) = 0", SYS_tgkill, 0, 4248, 4248,
	      SIGABRT);
	TRACE("tkill(4371, SIGCONT) = 0", SYS_tkill, 0, 4371, SIGCONT);
	TRACE("kill(1, 99) = -1 EINVAL (Invalid argument)", SYS_kill, -EINVAL,
	      1, 99);
}

static void t_ioctl(void)
{
	TRACE("ioctl(1, TCGETS, 0x7ffd0c7a7540) = -1 ENOTTY (Inappropriate ioctl for device)",
	      SYS_ioctl, -ENOTTY, 1, TCGETS, 0x7ffd0c7a7540);
	TRACE("ioctl(1, TIOCGWINSZ, 0x7ffd0c7a7540) = 0",
	      SYS_ioctl, 0, 1, TIOCGWINSZ, 0x7ffd0c7a7540);
	TRACE("ioctl(0, FIONREAD, 0x7ffd0c7a7540) = 0",
	      SYS_ioctl, 0, 0, FIONREAD, 0x7ffd0c7a7540);
	TRACE("ioctl(0, 0x1234, 0x55) = -1 ENOTTY (Inappropriate ioctl for device)",
	      SYS_ioctl, -ENOTTY, 0, 0x1234, 0x55);
}

static void t_fcntl(void)
{
	TRACE("fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)",
	      SYS_fcntl, 1, 3, F_GETFD);
	TRACE("fcntl(3, F_GETFD) = 0", SYS_fcntl, 0, 3, F_GETFD);
	TRACE("fcntl(3, F_SETFD, FD_CLOEXEC) = 0",
	      SYS_fcntl, 0, 3, F_SETFD, FD_CLOEXEC);
	TRACE("fcntl(3, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE)",
	      SYS_fcntl, 0x8000, 3, F_GETFL);
	TRACE("fcntl(3, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0",
	      SYS_fcntl, 0, 3, F_SETFL, O_NONBLOCK | O_APPEND);
	TRACE("fcntl(3, F_DUPFD_CLOEXEC, 10) = 11",
	      SYS_fcntl, 11, 3, F_DUPFD_CLOEXEC, 10);
	TRACE("fcntl(3, 0x3e8 /* F_??? */, 0x5) = -1 EINVAL (Invalid argument)",
	      SYS_fcntl, -EINVAL, 3, 1000, 5);
}

static void t_fds(void)
{
	static const int fds[2] = { 5, 6 };

	TRACE("lseek(3, 10, SEEK_CUR) = 50", SYS_lseek, 50, 3, 10, SEEK_CUR);
	TRACE("lseek(0, -1, 0x9 /* SEEK_??? */) = -1 EINVAL (Invalid argument)",
	      SYS_lseek, -EINVAL, 0, -1, 9);
	TRACE("pipe2([5, 6], O_CLOEXEC) = 0", SYS_pipe2, 0, P(fds), O_CLOEXEC);
	TRACE("pipe2(0x7f0000001000, O_NONBLOCK|0x1) = -1 EINVAL (Invalid argument)",
	      SYS_pipe2, -EINVAL, UNREAD, O_NONBLOCK | 1);
	TRACE("pipe([5, 6]) = 0", SYS_pipe, 0, P(fds));
	TRACE("dup3(5, 20, O_CLOEXEC) = 20", SYS_dup3, 20, 5, 20, O_CLOEXEC);
	TRACE("dup2(20, 21) = 21", SYS_dup2, 21, 20, 21);
	TRACE("dup(1) = 3", SYS_dup, 3, 1);
	TRACE("close(3) = 0", SYS_close, 0, 3);
	TRACE("close(99) = -1 EBADF (Bad file descriptor)", SYS_close, -EBADF,
	      99);
	TRACE("close_range(3, 4294967295, CLOSE_RANGE_CLOEXEC) = 0",
	      SYS_close_range, 0, 3, ~0U, 4);
}

static void t_futex(void)
{
	static const long ts[2] = { 0, 1000 };

	TRACE("futex(0x7ffd0c7a720c, FUTEX_WAKE_PRIVATE, 1) = 0",
	      SYS_futex, 0, 0x7ffd0c7a720c, FUTEX_WAKE_PRIVATE, 1);
	TRACE("futex(0x7ffd0c7a720c, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, {tv_sec=0, tv_nsec=1000}, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)",
	      SYS_futex, -EAGAIN, 0x7ffd0c7a720c,
	      FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, P(ts), 0,
	      FUTEX_BITSET_MATCH_ANY);
	TRACE("futex(0x7ffd0c7a720c, FUTEX_WAKE_BITSET, 1, FUTEX_BITSET_MATCH_ANY) = 0",
	      SYS_futex, 0, 0x7ffd0c7a720c, FUTEX_WAKE_BITSET, 1, 0, 0,
	      FUTEX_BITSET_MATCH_ANY);
	TRACE("futex(0x7ffd0c7a720c, FUTEX_WAIT, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)",
	      SYS_futex, -EAGAIN, 0x7ffd0c7a720c, FUTEX_WAIT, 1, 0);
	TRACE("futex(0x1000, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2147483647, 0x2000, 0) = 1",
	      SYS_futex, 1, 0x1000, FUTEX_CMP_REQUEUE_PRIVATE, 1, 0x7fffffff,
	      0x2000, 0);
	TRACE("futex(0x1000, FUTEX_UNLOCK_PI) = 0",
	      SYS_futex, 0, 0x1000, FUTEX_UNLOCK_PI);
	TRACE("futex(0x1000, 0x8f /* FUTEX_??? */, 0x1, 0x2, 0x3, 0x4) = -1 ENOSYS (Function not implemented)",
	      SYS_futex, -ENOSYS, 0x1000, 0x8f, 1, 2, 3, 4);
}

static void t_clone(void)
{
	/*
	 * struct clone_args: flags, pidfd, child_tid, parent_tid,
	 * exit_signal, stack, stack_size, tls, then the newer fields.
	 */
	uint64_t args[11] = { 0 };
	char want[256];

	TRACE("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7fa37a923a10) = 4250",
	      SYS_clone, 4250,
	      CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0,
	      0x7fa37a923a10);
	TRACE("clone(child_stack=0x7f0000010000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=0x7f0000020000, child_tidptr=0x7f0000020000, tls=0x7f0000030000) = 4251",
	      SYS_clone, 4251,
	      CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
	      CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
	      CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
	      0x7f0000010000, 0x7f0000020000, 0x7f0000020000,
	      0x7f0000030000);
	TRACE("clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_INTO_CGROUP|SIGCHLD) = 4249",
	      SYS_clone, 4249, CLONE_VM | CLONE_FS | 0x200000000L | SIGCHLD);
	TRACE("clone(child_stack=NULL, flags=CLONE_VM|0x400000000|SIGCHLD) = 4249",
	      SYS_clone, 4249, CLONE_VM | 0x400000000L | SIGCHLD);

	args[0] = CLONE_VM | CLONE_VFORK;
	args[4] = SIGCHLD;
	TRACE("clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 4372",
	      SYS_clone3, 4372, P(args), 88);
	args[0] = CLONE_VM | CLONE_SETTLS | CLONE_NEWTIME;
	args[4] = 0;
	args[5] = 0x7f0000000000;
	args[6] = 0x7fff00;
	args[7] = 0x7f0000800000;
	TRACE("clone3({flags=CLONE_NEWTIME|CLONE_VM|CLONE_SETTLS, exit_signal=0, stack=0x7f0000000000, stack_size=0x7fff00, tls=0x7f0000800000}, 88) = 7",
	      SYS_clone3, 7, P(args), 88);
	snprintf(want, sizeof(want),
		 "clone3(%p, 32) = -1 EINVAL (Invalid argument)", (void *)args);
	TRACE(want, SYS_clone3, -EINVAL, P(args), 32);
}

static void t_execve(void)
{
	const char *argv[40], *envp[] = { "A=1", NULL };
	const char *many = "[\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			   "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			   "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			   "\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", "
			   "\"x\", \"x\", \"x\", \"x\", ...]";
	char want[512];
	int i;

	argv[0] = "/bin/true";
	argv[1] = "a\nb";
	argv[2] = (const char *)0x10;
	argv[3] = NULL;
	snprintf(want, sizeof(want),
		 "execve(\"/bin/true\", [\"/bin/true\", \"a\\nb\", 0x10], %p /* 1 var */) = ?",
		 (void *)envp);
	TRACE_ENTRY(want, SYS_execve, P("/bin/true"), P(argv), P(envp));

	for (i = 0; i < 36; i++)
		argv[i] = "x";
	argv[36] = NULL;
	snprintf(want, sizeof(want), "execve(\"/bin/true\", %s, NULL) = ?",
		 many);
	TRACE_ENTRY(want, SYS_execve, P("/bin/true"), P(argv), 0);

	TRACE("execve(\"/nope\", 0x20, 0x30) = -1 ENOENT (No such file or directory)",
	      SYS_execve, -ENOENT, P("/nope"), 0x20, 0x30);
}

static void t_exit_and_wait(void)
{
	static const int exited = 1 << 8, killed = SIGKILL;
	static const int cored = SIGSEGV | 0x80;

	TRACE_ENTRY("exit_group(0) = ?", SYS_exit_group, 0);
	TRACE_ENTRY("exit(3) = ?", SYS_exit, 3);
	TRACE("wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 1}], 0, NULL) = 4372",
	      SYS_wait4, 4372, -1, P(&exited), 0, 0);
	TRACE("wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 4373",
	      SYS_wait4, 4373, -1, P(&killed), 0, 0);
	TRACE("wait4(12, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], __WALL, NULL) = 12",
	      SYS_wait4, 12, 12, P(&cored), __WALL, 0);
	TRACE("wait4(-1, NULL, WNOHANG|WCONTINUED|__WALL, NULL) = -1 ECHILD (No child processes)",
	      SYS_wait4, -ECHILD, -1, 0, WNOHANG | WCONTINUED | __WALL, 0);
	TRACE("wait4(-1, 0x7f0000001000, WNOHANG, NULL) = 0",
	      SYS_wait4, 0, -1, UNREAD, WNOHANG, 0);
}

static void t_process_setup(void)
{
	static const unsigned long fs = 0x7f18635b7740;

	TRACE("arch_prctl(ARCH_SET_FS, 0x7f18635b7740) = 0",
	      SYS_arch_prctl, 0, ARCH_SET_FS, 0x7f18635b7740);
	TRACE("arch_prctl(ARCH_GET_FS, [0x7f18635b7740]) = 0",
	      SYS_arch_prctl, 0, ARCH_GET_FS, P(&fs));
	TRACE("arch_prctl(0x3001 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)",
	      SYS_arch_prctl, -EINVAL, 0x3001, 0);
	TRACE("set_tid_address(0x7f18635b7a10) = 4372",
	      SYS_set_tid_address, 4372, 0x7f18635b7a10);
	TRACE("set_robust_list(0x7f18635b7a20, 24) = 0",
	      SYS_set_robust_list, 0, 0x7f18635b7a20, 24);
	TRACE("rseq(0x7f18635b8060, 0x20, 0, 0x53053053) = 0",
	      SYS_rseq, 0, 0x7f18635b8060, 32, 0, 0x53053053);
	TRACE("prctl(PR_SET_PDEATHSIG, SIGKILL) = 0",
	      SYS_prctl, 0, PR_SET_PDEATHSIG, SIGKILL);
	TRACE("prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0",
	      SYS_prctl, 0, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	TRACE("prctl(PR_GET_DUMPABLE) = 1", SYS_prctl, 1, PR_GET_DUMPABLE);
	TRACE("prctl(0x63 /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)",
	      SYS_prctl, -EINVAL, 99, 1, 2, 3, 4);
}

static void t_limits_and_info(void)
{
	static const unsigned long stack[2] = { 8192 * 1024, ~0UL };
	static const unsigned long odd[2] = { 0, 1000 };
	static char uts[6 * 65];

	strcpy(uts, "Linux");
	strcpy(uts + 65, "vm");
	TRACE("prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0",
	      SYS_prlimit64, 0, 0, RLIMIT_STACK, 0, P(stack));
	TRACE("prlimit64(0, RLIMIT_NOFILE, {rlim_cur=0, rlim_max=1000}, NULL) = -1 EPERM (Operation not permitted)",
	      SYS_prlimit64, -EPERM, 0, RLIMIT_NOFILE, P(odd), 0);
	TRACE("getrlimit(0x63 /* RLIMIT_??? */, 0x7f0000001000) = -1 EINVAL (Invalid argument)",
	      SYS_getrlimit, -EINVAL, 99, UNREAD);
	TRACE("uname({sysname=\"Linux\", nodename=\"vm\", ...}) = 0",
	      SYS_uname, 0, P(uts));
	TRACE("getcwd(\"/tmp/st\", 64) = 8", SYS_getcwd, 8, P("/tmp/st"), 64);
	TRACE("getcwd(0x7f0000001000, 2) = -1 ERANGE (Numerical result out of range)",
	      SYS_getcwd, -ERANGE, UNREAD, 2);
	TRACE("getrandom(\"\\xe8\\xde\\x1f\\xc0\\x96\\x8c\\xbc\\x3c\", 8, GRND_NONBLOCK) = 8",
	      SYS_getrandom, 8, P("\xe8\xde\x1f\xc0\x96\x8c\xbc\x3c"), 8,
	      GRND_NONBLOCK);
	TRACE("getrandom(0x7f0000001000, 0, GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE) = -1 EINVAL (Invalid argument)",
	      SYS_getrandom, -EINVAL, UNREAD, 0, 7);
}

static void t_files(void)
{
	TRACE("newfstatat(AT_FDCWD, \"/etc\", 0x7ffe0000, AT_SYMLINK_NOFOLLOW) = 0",
	      SYS_newfstatat, 0, AT_FDCWD, P("/etc"), 0x7ffe0000,
	      AT_SYMLINK_NOFOLLOW);
	TRACE("newfstatat(3, \"\", 0x7ffe0000, AT_EMPTY_PATH) = 0",
	      SYS_newfstatat, 0, 3, P(""), 0x7ffe0000, AT_EMPTY_PATH);
	TRACE("fstat(3, 0x7ffe0000) = 0", SYS_fstat, 0, 3, 0x7ffe0000);
	TRACE("statx(AT_FDCWD, \"/etc\", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_ALL, NULL) = -1 EFAULT (Bad address)",
	      SYS_statx, -EFAULT, AT_FDCWD, P("/etc"), AT_SYMLINK_NOFOLLOW,
	      STATX_ALL, 0);
	TRACE("statx(AT_FDCWD, \"/etc\", AT_STATX_DONT_SYNC, STATX_ALL|STATX_MNT_ID, 0x7ffe0000) = 0",
	      SYS_statx, 0, AT_FDCWD, P("/etc"), AT_STATX_DONT_SYNC,
	      STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID, 0x7ffe0000);
	TRACE("statx(3, \"\", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_TYPE|STATX_SIZE, 0x7ffe0000) = 0",
	      SYS_statx, 0, 3, P(""), AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE,
	      0x7ffe0000);
	TRACE("access(\"/etc\", R_OK|X_OK) = 0", SYS_access, 0, P("/etc"),
	      R_OK | X_OK);
	TRACE("access(\"/etc/ld.so.preload\", R_OK) = -1 ENOENT (No such file or directory)",
	      SYS_access, -ENOENT, P("/etc/ld.so.preload"), R_OK);
	TRACE("faccessat2(AT_FDCWD, \"/etc\", F_OK, AT_EACCESS) = 0",
	      SYS_faccessat2, 0, AT_FDCWD, P("/etc"), F_OK, AT_EACCESS);
	TRACE("readlink(\"/proc/self/exe\", \"/tmp/st/p\", 64) = 9",
	      SYS_readlink, 9, P("/proc/self/exe"), P("/tmp/st/pXXXX"), 64);
	TRACE("readlinkat(AT_FDCWD, \"/x\", 0x7f0000001000, 64) = -1 EINVAL (Invalid argument)",
	      SYS_readlinkat, -EINVAL, AT_FDCWD, P("/x"), UNREAD, 64);
	TRACE("mkdir(\"/tmp/st/d\", 0755) = 0", SYS_mkdir, 0, P("/tmp/st/d"),
	      0755);
	TRACE("unlinkat(AT_FDCWD, \"/tmp/st/d\", AT_REMOVEDIR) = 0",
	      SYS_unlinkat, 0, AT_FDCWD, P("/tmp/st/d"), AT_REMOVEDIR);
	TRACE("unlink(\"/tmp/x\") = 0", SYS_unlink, 0, P("/tmp/x"));
	TRACE("renameat2(AT_FDCWD, \"a\", 5, \"b\", RENAME_NOREPLACE) = 0",
	      SYS_renameat2, 0, AT_FDCWD, P("a"), 5, P("b"), 1);
	TRACE("umask(077) = 022", SYS_umask, 022, 077);
	TRACE("chdir(\"/\") = 0", SYS_chdir, 0, P("/"));
}

/* Two getdents64 records: d_ino, d_off, d_reclen, d_type, d_name. */
static void t_getdents(void)
{
	static unsigned char buf[64];
	unsigned short reclen = 24;
	char want[128];

	memcpy(buf + 16, &reclen, 2);
	memcpy(buf + 24 + 16, &reclen, 2);
	snprintf(want, sizeof(want),
		 "getdents64(3, %p /* 2 entries */, 4096) = 48", (void *)buf);
	TRACE(want, SYS_getdents64, 48, 3, P(buf), 4096);
	TRACE("getdents64(3, 0x7f0000001000, 4096) = -1 EBADF (Bad file descriptor)",
	      SYS_getdents64, -EBADF, 3, UNREAD, 4096);
}

static void t_iovecs(void)
{
	struct iovec iov[2] = {
		{ (void *)"hello", 5 }, { (void *)"world", 5 },
	};

	TRACE("writev(1, [{iov_base=\"hello\", iov_len=5}, {iov_base=\"world\", iov_len=5}], 2) = 10",
	      SYS_writev, 10, 1, P(iov), 2);
	iov[0].iov_base = (void *)passwd;
	iov[0].iov_len = 3;
	iov[1].iov_base = (void *)(passwd + 3);
	iov[1].iov_len = 40;
	TRACE("readv(3, [{iov_base=\"roo\", iov_len=3}, {iov_base=\"t:x:\", iov_len=40}], 2) = 7",
	      SYS_readv, 7, 3, P(iov), 2);
	TRACE("writev(1, 0x20, 2) = -1 EFAULT (Bad address)",
	      SYS_writev, -EFAULT, 1, 0x20, 2);
}

static void t_sockets(void)
{
	TRACE("socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 7",
	      SYS_socket, 7, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	TRACE("socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_UDP) = 4",
	      SYS_socket, 4, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 17);
	TRACE("socket(AF_INET6, 0x107 /* SOCK_??? */, IPPROTO_IP) = -1 EINVAL (Invalid argument)",
	      SYS_socket, -EINVAL, AF_INET6, 0x107, 0);
	TRACE("connect(3, 0x7ffc1000, 16) = 0", SYS_connect, 0, 3, 0x7ffc1000,
	      16);
	TRACE("bind(3, 0x7ffc1000, 110) = -1 EADDRINUSE (Address already in use)",
	      SYS_bind, -EADDRINUSE, 3, 0x7ffc1000, 110);
	TRACE("sendto(3, \"ping\", 4, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0) = 4",
	      SYS_sendto, 4, 3, P("ping"), 4, MSG_DONTWAIT | MSG_NOSIGNAL, 0,
	      0);
}

static void t_poll_and_epoll(void)
{
	struct pollfd pfd[2] = {
		{ 1, POLLIN | POLLOUT, POLLOUT }, { 0, POLLIN, 0 },
	};
	struct epoll_event ev = { EPOLLIN | EPOLLET, { .u64 = 3 } };

	TRACE("poll([{fd=1, events=POLLIN|POLLOUT}, {fd=0, events=POLLIN}], 2, 0) = 1 ([{fd=1, revents=POLLOUT}])",
	      SYS_poll, 1, P(pfd), 2, 0);
	TRACE("poll([{fd=1, events=POLLIN|POLLOUT}], 1, -1) = -1 EINTR (Interrupted system call)",
	      SYS_poll, -EINTR, P(pfd), 1, -1);
	TRACE("ppoll([{fd=0, events=POLLIN}], 1, NULL, [], 8) = 0",
	      SYS_ppoll, 0, P(pfd + 1), 1, 0, P(&(unsigned long){ 0 }), 8);
	TRACE("select(1, 0x1000, NULL, NULL, 0x2000) = 1",
	      SYS_select, 1, 1, 0x1000, 0, 0, 0x2000);
	TRACE("epoll_create1(EPOLL_CLOEXEC) = 8", SYS_epoll_create1, 8,
	      EPOLL_CLOEXEC);
	TRACE("epoll_ctl(8, EPOLL_CTL_ADD, 0, {events=EPOLLIN|EPOLLET, data={u32=3, u64=3}}) = -1 EPERM (Operation not permitted)",
	      SYS_epoll_ctl, -EPERM, 8, EPOLL_CTL_ADD, 0, P(&ev));
	TRACE("epoll_ctl(8, EPOLL_CTL_DEL, 0, NULL) = 0",
	      SYS_epoll_ctl, 0, 8, EPOLL_CTL_DEL, 0, 0);
	TRACE("epoll_wait(8, 0x7ffe0000, 16, -1) = 2",
	      SYS_epoll_wait, 2, 8, 0x7ffe0000, 16, -1);
}

static void t_time(void)
{
	static const long ts[2] = { 0, 1000 }, now[2] = { 1700000000, 42 };

	TRACE("nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0",
	      SYS_nanosleep, 0, P(ts), 0);
	TRACE("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=0, tv_nsec=1000}, NULL) = 0",
	      SYS_clock_nanosleep, 0, CLOCK_MONOTONIC, TIMER_ABSTIME, P(ts),
	      0);
	TRACE("clock_gettime(CLOCK_REALTIME, {tv_sec=1700000000, tv_nsec=42}) = 0",
	      SYS_clock_gettime, 0, CLOCK_REALTIME, P(now));
	TRACE("clock_gettime(CLOCK_MONOTONIC, NULL) = -1 EFAULT (Bad address)",
	      SYS_clock_gettime, -EFAULT, CLOCK_MONOTONIC, 0);
	TRACE("clock_gettime(0xfffffffa /* CLOCK_??? */, 0x1000) = -1 EFAULT (Bad address)",
	      SYS_clock_gettime, -EFAULT, -6, 0x1000);
}

static void t_scheduling(void)
{
	static unsigned char mask[128] = { 0x03 };
	static const unsigned char some[8] = { 0x21, 0, 0, 0, 0, 0, 0, 0x80 };
	static unsigned char huge[4096] = { 0x80 };

	TRACE("sched_getaffinity(0, 128, [0 1]) = 32",
	      SYS_sched_getaffinity, 32, 0, 128, P(mask));
	TRACE("sched_setaffinity(0, 8, [0 5 63]) = 0",
	      SYS_sched_setaffinity, 0, 0, 8, P(some));
	TRACE("sched_getaffinity(0, 1, 0x7f0000001000) = -1 EINVAL (Invalid argument)",
	      SYS_sched_getaffinity, -EINVAL, 0, 1, UNREAD);
	TRACE("sched_setaffinity(0, 4096, [7 ...]) = 0",
	      SYS_sched_setaffinity, 0, 0, 4096, P(huge));
	TRACE("sched_yield() = 0", SYS_sched_yield, 0);
	TRACE("getpid() = 4248", SYS_getpid, 4248);
	TRACE("gettid() = 4249", SYS_gettid, 4249);
	TRACE("set_mempolicy(MPOL_BIND|MPOL_F_STATIC_NODES, 0x7ffe0000, 65) = 0",
	      SYS_set_mempolicy, 0, 2 | (1 << 15), 0x7ffe0000, 65);
}

static void t_unknown_calls(void)
{
	TRACE("syscall_400(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
	      400, -ENOSYS, 1, 2);
	TRACE("syscall_500(0, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
	      500, -ENOSYS);
	TRACE("syscall_-1(0, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
	      -1, -ENOSYS);
	TRACE("tuxcall(0x1, 0xffffffffffffffff, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
	      SYS_tuxcall, -ENOSYS, 1, -1);
	TRACE("getpid() = -1 (errno 600)", SYS_getpid, -600);
	TRACE("getpid() = -4096", SYS_getpid, -4096);
}

static void t_truncation(void)
{
	const long *args = ARGV(AT_FDCWD, P("/etc/passwd"), O_RDONLY);
	char small[10], want[64];
	int n;

	memset(small, 'Z', sizeof(small));
	n = trace_format(small, sizeof(small), SYS_openat, args, 3, false);
	if (n != 9 || strcmp(small, "openat(AT"))
		fail("size 10 gave %d \"%.10s\"", n, small);
	n = trace_format(small, 0, SYS_openat, args, 3, false);
	if (n != 0 || small[0] != 'o')
		fail("size 0 gave %d and wrote the buffer", n);
	n = trace_format(small, 1, SYS_openat, args, 3, false);
	if (n != 0 || small[0] != '\0')
		fail("size 1 gave %d \"%.10s\"", n, small);

	/* an unreadable path found after the buffer filled up is rewound */
	memcpy(guard - 4, "abcd", 4);
	snprintf(want, sizeof(want), "chdir(%p", (void *)(guard - 4));
	n = trace_format(small, sizeof(small), SYS_chdir, ARGV(P(guard - 4)),
			 -EFAULT, false);
	if (n != 9 || strncmp(small, want, 9))
		fail("size 10, bad path gave %d \"%.10s\"", n, small);
}

static void t_names(void)
{
	static const struct { long nr; const char *name; } calls[] = {
		{ 0, "read" }, { SYS_exit_group, "exit_group" },
		{ SYS_clone3, "clone3" }, { NR_SYSCALLS - 1, NULL },
		{ 400, NULL }, { -1, NULL }, { NR_SYSCALLS, NULL },
	};
	static const struct { long err; const char *name; } errs[] = {
		{ ENOENT, "ENOENT" }, { EAGAIN, "EAGAIN" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EHWPOISON, "EHWPOISON" },
		{ 0, NULL }, { 41, NULL }, { -2, NULL }, { 4096, NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		const char *got = syscall_name(calls[i].nr);

		/* the last number is whatever the generating header had */
		if (calls[i].nr == NR_SYSCALLS - 1 ? !got :
		    got ? !calls[i].name || strcmp(got, calls[i].name) :
		    !!calls[i].name)
			fail("syscall_name(%ld) = %s", calls[i].nr,
			     got ? got : "NULL");
	}
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		const char *got = errno_name(errs[i].err);

		if (got ? !errs[i].name || strcmp(got, errs[i].name)
			: !!errs[i].name)
			fail("errno_name(%ld) = %s", errs[i].err,
			     got ? got : "NULL");
	}
}

/* ---- Runner ----------------------------------------------------------- */

static const struct unit_case cases[] = {
	{ "open", t_open },
	{ "open_odd_flags", t_open_odd_flags },
	{ "open_bad_path", t_open_bad_path },
	{ "read", t_read },
	{ "write_escapes", t_write_escapes },
	{ "write_bad_buffer", t_write_bad_buffer },
	{ "buffer_into_guard", t_buffer_into_guard },
	{ "long_strings", t_long_strings },
	{ "mmap", t_mmap },
	{ "memory_calls", t_memory_calls },
	{ "signals", t_signals },
	{ "sigprocmask", t_sigprocmask },
	{ "kill", t_kill },
	{ "ioctl", t_ioctl },
	{ "fcntl", t_fcntl },
	{ "fds", t_fds },
	{ "futex", t_futex },
	{ "clone", t_clone },
	{ "execve", t_execve },
	{ "exit_and_wait", t_exit_and_wait },
	{ "process_setup", t_process_setup },
	{ "limits_and_info", t_limits_and_info },
	{ "files", t_files },
	{ "getdents", t_getdents },
	{ "iovecs", t_iovecs },
	{ "sockets", t_sockets },
	{ "poll_and_epoll", t_poll_and_epoll },
	{ "time", t_time },
	{ "scheduling", t_scheduling },
	{ "unknown_calls", t_unknown_calls },
	{ "truncation", t_truncation },
	{ "names", t_names },
};

int main(void)
{
	guard = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard == MAP_FAILED) {
		perror("test_trace: mmap of the guard pages");
		return 1;
	}
	guard += 4096;
	if (mprotect(guard, 4096, PROT_NONE)) {
		perror("test_trace: mprotect of the guard page");
		return 1;
	}

	return run_cases(cases, ARRAY_SIZE(cases), 60);
}
