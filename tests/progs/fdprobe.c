// SPDX-License-Identifier: MIT
/*
 * fdprobe: a descriptor /proc/self/fd does not list is not open, whatever
 * call names it.  Under tandem the LWK keeps its own descriptors in the
 * program's file table (instance page, pool files: above the soft
 * RLIMIT_NOFILE, or just below 1024), unlisted; each must answer every
 * call as not open (EBADF; ENOENT through /proc/self/fd/N).  Probes from
 * 3 to 256 past the soft limit, prints each descriptor and call that got
 * anything else, then whether the program still works after
 * close_range(3, ~0U).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "report.h"

static int bad;
static int sv[2];
static rlim_t soft;

static void expect(int fd, const char *call, long ret, int want)
{
	if (ret == -1 && errno == want)
		return;
	printf("fd %d: %s gave %ld (%s)\n", fd, call, ret,
	       ret == -1 ? strerror(errno) : "no error");
	bad++;
}

/* Pass fd over a socket pair with SCM_RIGHTS. */
static long pass_fd(int fd)
{
	char c = 'x', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sv[0], &m, 0);
}

static void probe(int fd)
{
	char buf[64], path[64];
	struct stat st;
	struct iovec iov = { buf, sizeof(buf) };
	fd_set set;
	struct timeval tv = { 0, 0 };

	expect(fd, "fcntl", fcntl(fd, F_GETFD), EBADF);
	expect(fd, "read", read(fd, buf, sizeof(buf)), EBADF);
	expect(fd, "pread", pread(fd, buf, sizeof(buf), 0), EBADF);
	expect(fd, "pwrite", pwrite(fd, "Z", 1, 0), EBADF);
	expect(fd, "readv", readv(fd, &iov, 1), EBADF);
	expect(fd, "lseek", lseek(fd, 0, SEEK_END), EBADF);
	expect(fd, "fstat", fstat(fd, &st), EBADF);
	expect(fd, "fstatat", fstatat(fd, "", &st, AT_EMPTY_PATH), EBADF);
	expect(fd, "ftruncate", ftruncate(fd, 0), EBADF);
	expect(fd, "dup", dup(fd), EBADF);
	expect(fd, "dup2", dup2(fd, 100), EBADF);
	/* Over it: Linux refuses a target at or above the soft limit. */
	if ((rlim_t)fd >= soft)
		expect(fd, "dup2 over", dup2(0, fd), EBADF);
	else if (dup2(0, fd) != fd || close(fd))
		expect(fd, "dup2 over, close", -1, 0);
	expect(fd, "mmap", (long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0)
	       == (long)MAP_FAILED ? -1 : 0, EBADF);
	expect(fd, "sendmsg SCM_RIGHTS", pass_fd(fd), EBADF);
	if (fd < FD_SETSIZE) {
		FD_ZERO(&set);
		FD_SET(fd, &set);
		expect(fd, "select", select(fd + 1, &set, NULL, NULL, &tv),
		       EBADF);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	expect(fd, "open /proc/self/fd", open(path, O_RDWR), ENOENT);
	expect(fd, "truncate /proc/self/fd", truncate(path, 0), ENOENT);
	expect(fd, "close", close(fd), EBADF);
}

int main(void)
{
	static char listed[1 << 16];
	struct rlimit rl;
	int fd, top;
	size_t i, len = 8 << 20;
	char *p;

	getrlimit(RLIMIT_NOFILE, &rl);
	soft = rl.rlim_cur;
	top = soft + 256 < sizeof(listed) ? soft + 256 : sizeof(listed);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	if (listed_fds(listed, top))
		return 1;
	for (fd = 3; fd < top; fd++)
		if (!listed[fd])
			probe(fd);
	/* A close_range that covers them must leave the program working. */
	if (syscall(SYS_close_range, 3, ~0U, 0))
		perror("close_range");
	p = malloc(len);
	for (i = 0; p && i < len; i += 4096)
		p[i] = (char)i;
	printf("probed the unlisted descriptors up to the soft limit + 256: %d open\n",
	       bad);
	printf("after close_range: %s\n", p && p[4096] == 0 ? "works" : "broken");
	return 0;
}
