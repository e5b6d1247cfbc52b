// SPDX-License-Identifier: MIT
/*
 * A thread changes its own context and its calls must see the change:
 * unshare(CLONE_FILES) then close (the descriptor is gone for it),
 * PR_SET_NO_NEW_PRIVS, a new thread's open, and (as root) setgid and
 * setuid to 1000, after which /etc/shadow cannot be opened.  Under
 * --offload=proxy each change ends the thread's proxy and the next
 * proxied call starts one in the new context.  The output is fixed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void *opener(void *arg)
{
	int fd = open("/etc/hostname", O_RDONLY);

	(void)arg;
	printf("new thread opens /etc/hostname: %s\n",
	       fd >= 0 ? "ok" : strerror(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char b[8];
	ssize_t n;
	int fd, fd2, e;

	setvbuf(stdout, NULL, _IONBF, 0);
	fd = open("/etc/hostname", O_RDONLY);
	printf("open: %s\n", fd >= 0 ? "ok" : strerror(errno));
	if (unshare(CLONE_FILES))
		printf("unshare: %s\n", strerror(errno));
	close(fd);
	n = read(fd, b, 1);
	e = errno;
	printf("read of the closed descriptor: %zd (%s)\n", n,
	       n < 0 ? strerrorname_np(e) : "data");
	fd2 = open("/etc/hostname", O_RDONLY);
	printf("open again: same number %s, read %zd\n",
	       fd2 == fd ? "yes" : "no", read(fd2, b, 1));

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	pthread_create(&t, NULL, opener, NULL);
	pthread_join(t, NULL);

	if (getuid() == 0 && setgid(1000) == 0 && setuid(1000) == 0) {
		fd = open("/etc/shadow", O_RDONLY);
		e = errno;
		printf("as uid %d, open /etc/shadow: %s\n", (int)getuid(),
		       fd >= 0 ? "ok" : strerrorname_np(e));
	}
	return 0;
}
