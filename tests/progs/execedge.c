// SPDX-License-Identifier: MIT
/*
 * Edges of execve and of the descriptor table that a program sees the same
 * with or without tandem.  One mode per run:
 *   self      execv("/proc/self/exe") runs this program again
 *   argc0     execve with an empty argv: the new image gets { "" }
 *   txtbsy    execve of a file open for writing fails with ETXTBSY
 *   traceme   fork or vfork (argument), PTRACE_TRACEME, exec: the first
 *             stop the parent sees is the exec's SIGTRAP
 *   fdlist    /proc/self/fd lists the program's descriptors only
 *   nofile    with the soft RLIMIT_NOFILE at 8, opens until EMFILE
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static char self[4096];

static int again(int argc, char **argv)
{
	printf("again: argc=%d argv[0]=\"%s\"\n", argc, argc ? argv[0] : "");
	return 0;
}

static int copy_self(const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(self, O_RDONLY), out;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	return out;
}

static int txtbsy(void)
{
	char *args[] = { "copy", "again", NULL };
	int fd = copy_self("copy");

	if (fd < 0) {
		perror("copy");
		return 1;
	}
	execv("./copy", args);
	printf("execve while open for writing: %s\n", strerror(errno));
	close(fd);
	fflush(stdout);
	execv("./copy", args);
	printf("execve after close: %s\n", strerror(errno));
	return 1;
}

static int traceme(int use_vfork)
{
	int status, stops = 0;
	pid_t pid = use_vfork ? vfork() : fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	for (;;) {
		if (waitpid(pid, &status, 0) < 0) {
			perror("waitpid");
			return 1;
		}
		if (!WIFSTOPPED(status))
			break;
		if (stops++ == 0)
			printf("first stop: %s\n", strsignal(WSTOPSIG(status)));
		ptrace(PTRACE_CONT, pid, NULL,
		       WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status));
	}
	printf("child: %s %d\n", WIFEXITED(status) ? "exit" : "signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

static int fdlist(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf("fd %s\n", e->d_name);
	closedir(d);
	return 0;
}

static int nofile(void)
{
	struct rlimit rl;
	int n = 0, fd, first = -1;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 8;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		perror("setrlimit");
	while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		if (first < 0)
			first = fd;
		n++;
	}
	printf("opened %d, the first as %d, then: %s\n", n, first,
	       strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return 2;
	self[n] = '\0';
	if (argc < 2 || !strcmp(argv[1], "again"))
		return again(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(argv[1], "self")) {
		char *args[] = { "execedge", "again", NULL };

		execv("/proc/self/exe", args);
		printf("execv /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "argc0")) {
		char *env[] = { NULL };

		execve(self, (char *[]){ NULL }, env);
		printf("execve with empty argv: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "txtbsy"))
		return txtbsy();
	if (!strcmp(argv[1], "traceme"))
		return traceme(argc > 2 && !strcmp(argv[2], "vfork"));
	if (!strcmp(argv[1], "fdlist"))
		return fdlist();
	if (!strcmp(argv[1], "nofile"))
		return nofile();
	fprintf(stderr, "usage: execedge self|argc0|txtbsy|traceme [vfork]|fdlist|nofile\n");
	return 2;
}
