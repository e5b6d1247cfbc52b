// SPDX-License-Identifier: MIT
/*
 * fdcalls: every call that takes a descriptor answers for a descriptor
 * number /proc/self/fd does not list as it answers for one that is
 * closed.  Under tandem the LWK keeps its own descriptors (instance page,
 * pool files) unlisted below 1024 or just above the soft RLIMIT_NOFILE;
 * natively those numbers are closed.  Runs each call on a closed number,
 * then on every unlisted number where the LWK may put its descriptors,
 * and prints each answer that differs; then checks that close_range and
 * closefrom over them leave the program working.  The calls are chosen
 * to be harmless even on a file that is open.  poll and ppoll are also
 * made with no timeout and events a regular file never reports: a closed
 * number answers them at once; a call still waiting after a second is
 * interrupted and differs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/aio_abi.h>
#include <linux/bpf.h>
#include <linux/fs.h>
#include <linux/kcmp.h>
#include <linux/perf_event.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define NCALLS	64

static const char *names[NCALLS];
static long want[NCALLS];
static int ep, ino, sv[2], pfd[2], quiet[2], tmp, pidfd;
static aio_context_t aio;
static char path[64];
static int select_below;		/* select sees numbers below this */

/* A call's answer: its result, or -errno; poll's with its revents. */
static long answer(long ret)
{
	return ret < 0 ? -errno : ret;
}

static long do_poll(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	long r = poll(&p, 1, 0);

	return r < 0 ? -errno : r * 0x10000 + p.revents;
}

static long do_ppoll(int fd)
{
	struct pollfd p[2] = { { 0, POLLIN, 0 }, { fd, 0, 0 } };
	struct timespec ts = { 0, 0 };
	long r = ppoll(p, 2, &ts, NULL);

	return r < 0 ? -errno : r * 0x10000 + p[1].revents;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * Wait on fd with events and no timeout, next to a pipe that stays empty:
 * a closed number answers POLLNVAL at once.  A call still waiting after
 * a second is interrupted (-EINTR).  ppoll_mask: ppoll with a signal mask
 * (0: poll; 1: ppoll without one).
 */
static long do_poll_wait(int fd, short events, int ppoll_mask)
{
	struct pollfd p[2] = { { quiet[0], POLLIN, 0 }, { fd, events, 0 } };
	struct itimerval it = { { 0, 0 }, { 1, 0 } }, off = { { 0, 0 },
							      { 0, 0 } };
	sigset_t mask;
	long r;

	sigemptyset(&mask);
	setitimer(ITIMER_REAL, &it, NULL);
	if (!ppoll_mask)
		r = poll(p, 2, -1);
	else
		r = ppoll(p, 2, NULL, ppoll_mask > 1 ? &mask : NULL);
	r = r < 0 ? -errno : r * 0x10000 + p[1].revents;
	setitimer(ITIMER_REAL, &off, NULL);
	return r;
}

static long do_select(int fd, int pselect_too)
{
	struct timeval tv = { 0, 0 };
	struct timespec ts = { 0, 0 };
	fd_set set;

	/* Linux ignores numbers past the file table's size. */
	if (fd >= FD_SETSIZE || fd >= select_below)
		return -EBADF;
	FD_ZERO(&set);
	FD_SET(fd, &set);
	if (pselect_too)
		return answer(pselect(fd + 1, &set, NULL, NULL, &ts, NULL));
	return answer(select(fd + 1, &set, NULL, NULL, &tv));
}

static long pass_fd(int fd)
{
	char c = 'x', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return answer(sendmsg(sv[0], &m, MSG_DONTWAIT));
}

static long do_bpf(int cmd, int fd)
{
	union bpf_attr at;

	memset(&at, 0, sizeof(at));
	at.info.bpf_fd = fd;	/* offset 0: map_fd, prog_fd, bpf_fd */
	return answer(syscall(SYS_bpf, cmd, &at, sizeof(at)));
}

static long do_aio(int fd)
{
	static char buf[16];
	struct iocb cb = { .aio_fildes = fd, .aio_lio_opcode = IOCB_CMD_PREAD,
			   .aio_buf = (unsigned long)buf, .aio_nbytes = 1 };
	struct iocb *cbs[1] = { &cb };

	if (!aio)
		return -ENOSYS;
	return answer(syscall(SYS_io_submit, aio, 1, cbs));
}

static long do_perf(int fd)
{
	struct perf_event_attr pa = { .type = PERF_TYPE_SOFTWARE,
				      .size = sizeof(pa),
				      .config = PERF_COUNT_SW_DUMMY,
				      .disabled = 1 };

	return answer(syscall(SYS_perf_event_open, &pa, 0, -1, fd, 0));
}

/* Run every call on fd; the answers go to got[], their names to names[]. */
static int calls(int fd, long *got)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	struct kcmp_epoll_slot slot = { (unsigned)fd, 0, 0 };
	struct epoll_event ev = { EPOLLIN, { 0 } };
	struct stat st;
	struct statx sx;
	siginfo_t si;
	sigset_t ss;
	char buf[64];
	long range[2] = { 0, 0 }, cs[4];
	int n = 0;

#define C(name, expr) (names[n] = (name), got[n++] = (expr))
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	sigemptyset(&ss);
	C("poll POLLIN", do_poll(fd, POLLIN));
	C("poll no events", do_poll(fd, 0));
	C("ppoll", do_ppoll(fd));
	C("poll no events, waiting", do_poll_wait(fd, 0, 0));
	C("poll POLLPRI, waiting", do_poll_wait(fd, POLLPRI, 0));
	C("ppoll POLLPRI, waiting", do_poll_wait(fd, POLLPRI, 1));
	C("ppoll with a mask, waiting", do_poll_wait(fd, 0, 2));
	C("select", do_select(fd, 0));
	C("pselect6", do_select(fd, 1));
	C("epoll_ctl fd", answer(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)));
	C("epoll_ctl epfd", answer(epoll_ctl(fd, EPOLL_CTL_ADD, 0, &ev)));
	C("epoll_wait", answer(epoll_wait(fd, &ev, 1, 0)));
	C("kcmp KCMP_FILE", answer(syscall(SYS_kcmp, getpid(), getpid(),
					   KCMP_FILE, fd, 0)));
	C("kcmp KCMP_EPOLL_TFD", answer(syscall(SYS_kcmp, getpid(), getpid(),
						KCMP_EPOLL_TFD, 0, &slot)));
	C("bpf OBJ_GET_INFO_BY_FD", do_bpf(BPF_OBJ_GET_INFO_BY_FD, fd));
	C("bpf MAP_LOOKUP_ELEM", do_bpf(BPF_MAP_LOOKUP_ELEM, fd));
	C("inotify_add_watch", answer(inotify_add_watch(fd, ".", IN_OPEN)));
	C("inotify_add_watch /proc/self/fd",
	  answer(inotify_add_watch(ino, path, IN_OPEN)));
	C("splice", answer(splice(fd, NULL, pfd[1], NULL, 1,
				  SPLICE_F_NONBLOCK)));
	C("tee", answer(tee(fd, pfd[1], 1, SPLICE_F_NONBLOCK)));
	C("sendfile", answer(sendfile(pfd[1], fd, NULL, 1)));
	C("copy_file_range in", answer(copy_file_range(fd, NULL, tmp, NULL,
						      1, 0)));
	C("copy_file_range out", answer(copy_file_range(tmp, NULL, fd, NULL,
						       0, 0)));
	C("fstatat", answer(fstatat(fd, "x", &st, 0)));
	C("statx", answer(statx(fd, "x", 0, STATX_BASIC_STATS, &sx)));
	C("openat", answer(openat(fd, "x", O_RDONLY)));
	C("mkdirat", answer(mkdirat(fd, "x", 0700)));
	C("unlinkat", answer(unlinkat(fd, "x", 0)));
	C("readlinkat", answer(readlinkat(fd, "x", buf, sizeof(buf))));
	C("faccessat", answer(faccessat(fd, "x", F_OK, 0)));
	C("fchownat", answer(fchownat(fd, "x", -1, -1, 0)));
	C("fchmodat2", answer(syscall(452, fd, "x", 0600, 0)));
	C("utimensat", answer(utimensat(fd, "x", NULL, 0)));
	C("renameat", answer(renameat(fd, "x", fd, "y")));
	C("linkat", answer(linkat(fd, "x", fd, "y", 0)));
	C("symlinkat", answer(symlinkat("x", fd, "y")));
	C("mknodat", answer(mknodat(fd, "x", S_IFIFO | 0600, 0)));
	C("open_tree", answer(syscall(SYS_open_tree, fd, "x", 0)));
	C("dup3", answer(dup3(fd, fd == 100 ? 101 : 100, 0)));
	C("fcntl F_DUPFD", answer(fcntl(fd, F_DUPFD, 0)));
	C("mmap", (long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == -1 ?
		  -errno : 0);
	C("sendmsg SCM_RIGHTS", pass_fd(fd));
	C("pidfd_getfd", answer(syscall(SYS_pidfd_getfd, pidfd, fd, 0)));
	C("waitid P_PIDFD", answer(waitid(P_PIDFD, fd, &si,
					  WEXITED | WNOHANG)));
	C("timerfd_settime", answer(syscall(SYS_timerfd_settime, fd, 0, &its,
					    NULL)));
	C("timerfd_gettime", answer(syscall(SYS_timerfd_gettime, fd, &its)));
	C("signalfd", answer(signalfd(fd, &ss, 0)));
	C("ioctl FICLONE", answer(ioctl(tmp, FICLONE, fd)));
	C("io_submit", do_aio(fd));
	C("perf_event_open group_fd", do_perf(fd));
	C("cachestat", answer(syscall(451, fd, range, cs, 0)));
	C("open /proc/self/fd", answer(open(path, O_RDONLY)));
	C("close", answer(close(fd)));
#undef C
	return n;
}

int main(void)
{
	static char listed[1 << 16];
	struct sigaction sa = { 0 };
	long got[NCALLS];
	struct rlimit rl;
	int ref, fd, top, n, i, bad = 0, probed = 0;
	char tname[] = "/tmp/fdcalls.XXXXXX";

	getrlimit(RLIMIT_NOFILE, &rl);
	top = rl.rlim_cur + 64 < sizeof(listed) ? rl.rlim_cur + 64 :
						  sizeof(listed);
	ep = epoll_create1(0);
	ino = inotify_init1(0);
	tmp = mkstemp(tname);
	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	if (ep < 0 || ino < 0 || tmp < 0 || pidfd < 0 || pipe(pfd) ||
	    pipe(quiet) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	unlink(tname);
	if (syscall(SYS_io_setup, 4, &aio))
		aio = 0;
	ref = dup(0);
	close(ref);
	/*
	 * A file table that covers the numbers below the soft limit, as
	 * under tandem, so select answers the same for a closed one there.
	 */
	select_below = top - 64 < 1024 ? top - 64 : 1024;
	if (dup2(0, select_below - 1) < 0)
		return 1;

	if (listed_fds(listed, top))
		return 1;

	n = calls(ref, want);
	for (fd = 3; fd < top; fd++) {
		if (listed[fd] || fd == ref ||
		    (fd >= 1024 && (rlim_t)fd < rl.rlim_cur))
			continue;
		probed++;
		calls(fd, got);
		for (i = 0; i < n; i++)
			if (got[i] != want[i]) {
				printf("fd %d: %s gave %ld, a closed one %ld\n",
				       fd, names[i], got[i], want[i]);
				bad++;
			}
	}
	printf("%d calls on the unlisted descriptors: %d differ from a closed one\n",
	       n, bad);
	if (!probed)
		printf("no unlisted descriptor probed\n");

	/* close_range and closefrom over them leave the program working. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) ||
	    syscall(SYS_close_range, 3, ~0U, 0))
		perror("close_range");
	closefrom(3);
	if (fork() == 0) {
		char *p = malloc(8 << 20);

		for (i = 0; p && i < 8 << 20; i += 4096)
			p[i] = 1;
		_exit(p && p[4096] == 1 ? 0 : 1);
	}
	wait(&i);
	printf("after close_range and closefrom: %s\n",
	       WIFEXITED(i) && !WEXITSTATUS(i) ? "works" : "broken");
	return 0;
}
