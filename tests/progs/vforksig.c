// SPDX-License-Identifier: MIT
/*
 * A vfork child and a posix_spawn child change signal dispositions and
 * their mask before they exec; the parent's own must stay as they were
 * (on Linux the child has its own copy of both), and the parent's SIGCHLD
 * handler must still run when later children end.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t chld;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		chld++;
}

static const char *disposition(int sig)
{
	struct sigaction sa;

	sigaction(sig, NULL, &sa);
	return sa.sa_handler == on_signal ? "handler" :
	       sa.sa_handler == SIG_DFL ? "SIG_DFL" : "SIG_IGN";
}

int main(void)
{
	char *argv[] = { "true", NULL };
	struct sigaction sa;
	posix_spawnattr_t attr;
	sigset_t all, now;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);

	pid = vfork();
	if (pid == 0) {
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_IGN);
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("after vfork: USR1 %s, USR2 %s, mask %s\n", disposition(SIGUSR1),
	       disposition(SIGUSR2),
	       sigismember(&now, SIGUSR1) ? "changed" : "unchanged");

	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	sigfillset(&all);
	posix_spawnattr_setsigdefault(&attr, &all);
	if (posix_spawn(&pid, "/bin/true", NULL, &attr, argv, environ))
		return 1;
	waitpid(pid, NULL, 0);
	printf("after posix_spawn: SIGCHLD %s\n", disposition(SIGCHLD));

	sigemptyset(&now);
	sigaddset(&now, SIGCHLD);
	sigprocmask(SIG_BLOCK, &now, &all);
	chld = 0;
	pid = fork();
	if (pid == 0)
		_exit(0);
	while (!chld)
		sigsuspend(&all);
	waitpid(pid, NULL, 0);
	printf("a later child's SIGCHLD ran the handler: yes\n");
	return 0;
}
