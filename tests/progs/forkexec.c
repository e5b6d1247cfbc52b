// SPDX-License-Identifier: MIT
/*
 * Forks four children and waits for each in turn: one execs /bin/echo,
 * one exits with 7, one is killed by SIGTERM, one checks that getppid()
 * names the parent. The parent prints what waitpid reported, so the output
 * is fixed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		printf("%s: waitpid: %s\n", what, strerror(errno));
		return;
	}
	if (WIFEXITED(status))
		printf("%s: exited %d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", what, WTERMSIG(status));
	else
		printf("%s: status %#x\n", what, status);
	fflush(stdout);
}

static pid_t spawn(int kind)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid > 0)
		return pid;

	switch (kind) {
	case 0:
		execl("/bin/echo", "echo", "hello", "from", "the", "child",
		      (char *)NULL);
		perror("execl /bin/echo");
		_exit(127);
	case 1:
		_exit(7);
	case 2:
		_exit(getppid() == parent ? 0 : 1);
	default:
		raise(SIGTERM);
		_exit(1);
	}
}

int main(void)
{
	printf("parent starts\n");
	report("echo child", spawn(0));
	report("exit child", spawn(1));
	report("getppid child", spawn(2));
	report("signal child", spawn(3));
	printf("parent done\n");
	return 0;
}
