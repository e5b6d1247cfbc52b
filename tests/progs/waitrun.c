// SPDX-License-Identifier: MIT
/*
 * The harness's launcher: runs a command with a time limit and its stderr
 * sent to a file, and records how it ended: "exit N", "signal N" (so a
 * program that calls exit(139) is not taken for one killed by SIGSEGV; a
 * shell reports 139 for both) or "timeout N".
 *
 * usage: waitrun [--signal-on-output SIG] SECONDS STATUS-FILE STDERR-FILE
 *                CMD [ARGS...]
 *
 * The command is found on PATH as a shell would and inherits stdin, stdout,
 * environment, cwd and umask; it starts with every signal at its default
 * action and none blocked, whatever the harness had (a shell ignores SIGINT
 * in what it runs in the background). It runs in a process group of its
 * own: at the time limit the whole group gets SIGTERM, then SIGKILL 5 seconds later. SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * sent to the launcher are passed on to that group, after which the launcher
 * dies of the same signal, so ^C stops the suite.
 *
 * With --signal-on-output SIG (stdout must be a regular file), the command
 * gets signal SIG (a number) 200 ms after it first wrote to stdout: a test
 * program prints a line once it is ready to be killed from outside.
 *
 * A death by signal is recorded as "signal N core" when a core was dumped.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Poll the command until it has written to stdout, then signal it 200 ms
 * later. Returns 1 with *status filled if it ended first.
 */
static int signal_on_output(pid_t pid, int sig, int *status)
{
	double seen = 0;
	struct stat st;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
		if (!seen && fstat(1, &st) == 0 && st.st_size > 0)
			seen = now();
		if (seen && now() - seen >= 0.2) {
			kill(pid, sig);
			return 0;
		}
		usleep(10000);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	unsigned int i, limit;
	struct stat st;
	int status, send_sig = 0, ended = 0;
	FILE *out;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "--signal-on-output") == 0) {
		send_sig = atoi(argv[2]);
		if (send_sig <= 0 || send_sig >= NSIG) {
			fprintf(stderr, "waitrun: --signal-on-output takes a signal number, not '%s'\n",
				argv[2]);
			return 125;
		}
		if (fstat(1, &st) || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "waitrun: --signal-on-output needs stdout to be a regular file\n");
			return 125;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 5 || (limit = (unsigned int)atoi(argv[1])) == 0) {
		fprintf(stderr, "usage: waitrun [--signal-on-output SIG] SECONDS STATUS-FILE STDERR-FILE CMD [ARGS...]\n");
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

	if (send_sig)
		ended = signal_on_output(pid, send_sig, &status);
	while (!ended && waitpid(pid, &status, 0) < 0) {
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
		fprintf(out, "signal %d%s\n", WTERMSIG(status),
			WCOREDUMP(status) ? " core" : "");
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
