// SPDX-License-Identifier: MIT
/*
 * The harness's launcher: runs a command with a time limit and its stderr
 * sent to a file, and records how it ended: "exit N", "signal N" (so a
 * program that calls exit(139) is not taken for one killed by SIGSEGV; a
 * shell reports 139 for both) or "timeout N".
 *
 * usage: waitrun SECONDS STATUS-FILE STDERR-FILE CMD [ARGS...]
 *
 * The command is found on PATH as a shell would and inherits stdin, stdout,
 * environment, cwd and umask; it starts with every signal at its default
 * action and none blocked, whatever the harness had (a shell ignores SIGINT
 * in what it runs in the background). It runs in a process group of its own: at the time limit the whole group gets
 * SIGTERM, then SIGKILL 5 seconds later. SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * sent to the launcher are passed on to that group, after which the launcher
 * dies of the same signal, so ^C stops the suite.
 *
 * Exits as a shell would report the command (N, or 128+N for signal N), 124
 * after a timeout, 125 when it could not run the command at all. Its own
 * messages go to its own stderr, never to STDERR-FILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const int passed_on[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t timed_out;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	if (sig == SIGALRM) {
		kill(-child_pid, timed_out ? SIGKILL : SIGTERM);
		if (!timed_out)
			alarm(5);
		timed_out = 1;
		return;
	}
	got_signal = sig;
	kill(-child_pid, sig);
}

static void run_child(char **argv)
{
	sigset_t none;
	int fd, sig;

	setpgid(0, 0);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, 2) < 0) {
		fprintf(stderr, "waitrun: %s: %s\n", argv[3], strerror(errno));
		_exit(125);
	}
	execvp(argv[4], argv + 4);
	dprintf(2, "waitrun: %s: %s\n", argv[4], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	unsigned int i, limit;
	FILE *out;
	pid_t pid;
	int status;

	if (argc < 5 || (limit = (unsigned int)atoi(argv[1])) == 0) {
		fprintf(stderr, "usage: waitrun SECONDS STATUS-FILE STDERR-FILE CMD [ARGS...]\n");
		return 125;
	}

	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "waitrun: fork: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0)
		run_child(argv);

	/* Both sides set the group, so neither can signal a stale one. */
	setpgid(pid, pid);
	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	for (i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		sigaction(passed_on[i], &sa, NULL);
	alarm(limit);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "waitrun: waitpid: %s\n",
				strerror(errno));
			return 125;
		}
	}
	alarm(0);

	out = fopen(argv[2], "w");
	if (!out) {
		fprintf(stderr, "waitrun: %s: %s\n", argv[2], strerror(errno));
		return 125;
	}
	if (timed_out)
		fprintf(out, "timeout %u\n", limit);
	else if (WIFSIGNALED(status))
		fprintf(out, "signal %d\n", WTERMSIG(status));
	else
		fprintf(out, "exit %d\n", WEXITSTATUS(status));
	if (fclose(out)) {
		fprintf(stderr, "waitrun: %s: %s\n", argv[2], strerror(errno));
		return 125;
	}

	if (got_signal) {
		signal(got_signal, SIG_DFL);
		raise(got_signal);
	}
	if (timed_out) {
		fprintf(stderr, "waitrun: %s: killed after %u seconds\n",
			argv[4], limit);
		return 124;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
				     WEXITSTATUS(status);
}
