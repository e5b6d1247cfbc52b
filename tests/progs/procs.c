// SPDX-License-Identifier: MIT
/*
 * Processes, one group per run (usage: procs GROUP; see main):
 *
 *   chain N          fork + exec of itself N levels deep, each level waits
 *   wait             waitpid and waitid: WNOHANG, exit codes, signals,
 *                    WNOWAIT, stopped and continued children, ECHILD
 *   zombies          children left as zombies, then reaped; SIGCHLD
 *                    ignored; a subreaper adopting an orphan
 *   spawn            posix_spawn (file actions, attributes), system, popen
 *   fds              descriptors across fork and exec: inherited, O_CLOEXEC
 *                    and FD_CLOEXEC closed, a pipe between two execs
 *   vfork            vfork + exec, vfork + _exit, the shared memory
 *   fork-threads     fork from a threaded program (from main and from a
 *                    thread), the child runs threads of its own
 *   fork-race        threads fork while others are being created, rounds
 *                    of it; every child must exit with its own status
 *   fork-tid         after a fork, the parent's thread still has its own tid
 *                    (its CPU clock works once the child is reaped)
 *   fork-calls       threads make system calls while another forks (and
 *                    one spins with every signal blocked); every call must
 *                    give its own result
 *   fork-mixed       forks while the other threads sit in a read, run
 *                    signal handlers (one of which forks), vfork, spawn,
 *                    and create and join threads; none may hang
 *   fork-kill        children SIGKILLed at once after the fork, each a
 *                    little later than the one before, in the child's
 *                    first steps; every one must be reaped
 *   kill-mapping     children that map, touch and unmap 1 MiB without
 *                    pause, SIGKILLed at a random moment (inside the
 *                    LWK's allocator, often); every one must be reaped,
 *                    and a fresh child must still get its 1 MiB
 *
 * No pid is printed, only whether it is the expected one. Exits 1 when a
 * check fails.
 */
#include "report.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static const char *self;	/* argv[0]: how to exec this program */

static pid_t fork_or_die(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	return pid;
}

/* The status as words: "exited N", "killed by SIGX", "stopped by SIGX". */
static const char *status_str(int status)
{
	static char buf[64];

	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by SIG%s%s",
			 sigabbrev_np(WTERMSIG(status)),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WIFSTOPPED(status))
		snprintf(buf, sizeof(buf), "stopped by SIG%s",
			 sigabbrev_np(WSTOPSIG(status)));
	else if (WIFCONTINUED(status))
		snprintf(buf, sizeof(buf), "continued");
	else
		snprintf(buf, sizeof(buf), "status %#x", status);
	return buf;
}

static void show_wait(const char *what, pid_t want, pid_t got, int status)
{
	if (got < 0)
		printf("%s: -1 %s\n", what, errname(errno));
	else if (got == 0)
		printf("%s: = 0 (nothing to report)\n", what);
	else
		printf("%s: %s pid, %s\n", what,
		       got == want ? "the child's" : "ANOTHER",
		       status_str(status));
	if (got > 0 && got != want)
		report_failed = 1;
}

static const char *cld_code(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	}
	return "?";
}

static void show_waitid(const char *what, pid_t want, int ret,
			const siginfo_t *si)
{
	if (ret < 0) {
		printf("%s: -1 %s\n", what, errname(errno));
		return;
	}
	if (si->si_pid == 0) {
		printf("%s: = 0, si_pid 0 (nothing to report)\n", what);
		return;
	}
	printf("%s: = 0, si_pid %s, %s, si_status %d\n", what,
	       si->si_pid == want ? "the child's" : "ANOTHER",
	       cld_code(si->si_code), si->si_status);
	if (si->si_pid != want)
		report_failed = 1;
}

/* --- chain ---------------------------------------------------------------- */

static int g_chain(int depth, pid_t want_parent)
{
	char arg[16], me[16];
	pid_t pid;
	int status;

	if (want_parent)
		printf("level %d: the parent is the process that forked: %s\n",
		       depth, getppid() == want_parent ? "yes" : "NO");
	if (depth == 0)
		return 0;

	pid = fork_or_die();
	if (pid == 0) {
		snprintf(arg, sizeof(arg), "%d", depth - 1);
		snprintf(me, sizeof(me), "%d", (int)getppid());
		execl(self, self, "chain", arg, me, (char *)NULL);
		printf("execl %s: %s\n", self, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	printf("level %d: child %s\n", depth, status_str(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) + 1 : 100;
}

/* --- wait ----------------------------------------------------------------- */

/* A child that sleeps until the returned pipe end is closed. */
static pid_t sleeper(int *hold)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		die("pipe2");
	pid = fork_or_die();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	*hold = p[1];
	return pid;
}

static void wait_until(pid_t pid, char state)
{
	int i;

	for (i = 0; i < 2000 && task_state(pid, pid) != state; i++)
		usleep(5000);
}

static void g_wait(void)
{
	static const int codes[] = { 0, 1, 42, 255 };
	siginfo_t si;
	pid_t pid, got, kids[3];
	int status, hold, i, r, seen[3];
	unsigned int k;

	got = waitpid(-1, &status, WNOHANG);
	show_wait("waitpid(-1, WNOHANG), no children", 0, got, status);
	got = wait(&status);
	show_wait("wait(), no children", 0, got, status);

	pid = sleeper(&hold);
	got = waitpid(pid, &status, WNOHANG);
	show_wait("waitpid(WNOHANG), child running", pid, got, status);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WEXITED | WNOHANG);
	show_waitid("waitid(WEXITED|WNOHANG), child running", pid, r, &si);
	close(hold);
	got = waitpid(pid, &status, 0);
	show_wait("waitpid after it ends", pid, got, status);

	for (k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
		char what[64];

		pid = fork_or_die();
		if (pid == 0)
			_exit(codes[k]);
		got = waitpid(pid, &status, 0);
		snprintf(what, sizeof(what), "child _exit(%d)", codes[k]);
		show_wait(what, pid, got, status);
	}

	pid = sleeper(&hold);
	kill(pid, SIGKILL);
	got = waitpid(pid, &status, 0);
	show_wait("child sent SIGKILL", pid, got, status);
	close(hold);

	pid = sleeper(&hold);
	kill(pid, SIGTERM);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WEXITED);
	show_waitid("waitid, child sent SIGTERM", pid, r, &si);
	close(hold);

	pid = fork_or_die();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		abort();
	}
	got = waitpid(pid, &status, 0);
	show_wait("child abort(), RLIMIT_CORE 0", pid, got, status);

	pid = fork_or_die();
	if (pid == 0)
		_exit(42);
	wait_until(pid, 'Z');
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	show_waitid("waitid(WNOWAIT), child _exit(42)", pid, r, &si);
	check(task_state(pid, pid) == 'Z', "  the child is still a zombie");
	got = waitpid(pid, &status, 0);
	show_wait("  then waitpid", pid, got, status);
	got = waitpid(pid, &status, WNOHANG);
	show_wait("  waitpid again", pid, got, status);

	pid = sleeper(&hold);
	kill(pid, SIGSTOP);
	got = waitpid(pid, &status, WUNTRACED);
	show_wait("waitpid(WUNTRACED), child sent SIGSTOP", pid, got, status);
	kill(pid, SIGCONT);
	got = waitpid(pid, &status, WCONTINUED);
	show_wait("waitpid(WCONTINUED), then SIGCONT", pid, got, status);
	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WSTOPPED);
	show_waitid("waitid(WSTOPPED), SIGSTOP again", pid, r, &si);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, pid, &si, WCONTINUED);
	show_waitid("waitid(WCONTINUED), SIGCONT", pid, r, &si);
	close(hold);
	got = waitpid(pid, &status, 0);
	show_wait("  and it ends", pid, got, status);

	/* Three children, reaped in whatever order they end. */
	for (i = 0; i < 3; i++) {
		kids[i] = fork_or_die();
		if (kids[i] == 0) {
			usleep((3 - i) * 20000);
			_exit(10 + i);
		}
		seen[i] = 0;
	}
	for (i = 0; i < 3; i++) {
		int j;

		got = waitpid(-1, &status, 0);
		for (j = 0; j < 3; j++)
			if (got == kids[j] && WIFEXITED(status) &&
			    WEXITSTATUS(status) == 10 + j)
				seen[j]++;
	}
	check(seen[0] == 1 && seen[1] == 1 && seen[2] == 1,
	      "waitpid(-1) reaped each of 3 children once, with its status");
	got = waitpid(-1, &status, 0);
	show_wait("  then waitpid(-1)", 0, got, status);

	got = waitpid(-1, &status, 0x40000000 | 0x1000);
	show_wait("waitpid with unknown option bits", 0, got, status);
}

/* --- zombies -------------------------------------------------------------- */

#define NZOMBIES 50

static void g_zombies(void)
{
	pid_t kids[NZOMBIES], got, mid, orphan, reaper;
	int i, status, sum = 0, want = 0, zombies = 0, gone = 0, p[2];
	struct sigaction sa;

	for (i = 0; i < NZOMBIES; i++) {
		kids[i] = fork_or_die();
		if (kids[i] == 0)
			_exit(i);
		want += i;
	}
	for (i = 0; i < NZOMBIES; i++) {
		wait_until(kids[i], 'Z');
		zombies += task_state(kids[i], kids[i]) == 'Z';
	}
	printf("%d children exited; zombies until reaped: %d\n", NZOMBIES,
	       zombies);
	for (i = 0; i < NZOMBIES; i++) {
		got = waitpid(-1, &status, 0);
		if (got > 0 && WIFEXITED(status))
			sum += WEXITSTATUS(status);
	}
	for (i = 0; i < NZOMBIES; i++)
		gone += task_state(kids[i], kids[i]) == '?';
	check(sum == want, "reaped them all, with their exit codes");
	printf("  gone from /proc after reaping: %d\n", gone);
	got = waitpid(-1, &status, WNOHANG);
	show_wait("  waitpid(-1, WNOHANG) then", 0, got, status);

	/* SIGCHLD ignored: children are reaped by the kernel. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGCHLD, &sa, NULL);
	for (i = 0; i < 10; i++) {
		kids[i] = fork_or_die();
		if (kids[i] == 0)
			_exit(0);
	}
	got = wait(&status);
	show_wait("SIGCHLD ignored, 10 children: wait()", 0, got, status);
	for (gone = 0, i = 0; i < 10; i++)
		gone += task_state(kids[i], kids[i]) == '?';
	printf("  gone from /proc without waiting: %d\n", gone);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	/* An orphan goes to the subreaper, which reaps it. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	reaper = getpid();
	if (pipe(p))
		die("pipe");
	mid = fork_or_die();
	if (mid == 0) {
		pid_t first = getpid(), gc = fork();

		if (gc == 0) {
			/* Wait until the middle process is gone. */
			for (i = 0; i < 2000 && getppid() == first; i++)
				usleep(5000);
			_exit(getppid() == reaper ? 0 : 3);
		}
		if (write(p[1], &gc, sizeof(gc)) != sizeof(gc))
			_exit(1);
		_exit(5);
	}
	close(p[1]);
	if (read(p[0], &orphan, sizeof(orphan)) != sizeof(orphan))
		die("read");
	got = waitpid(mid, &status, 0);
	show_wait("middle child", mid, got, status);
	close(p[0]);
	got = waitpid(-1, &status, 0);
	printf("the orphaned grandchild, reaped by the subreaper: %s pid, %s\n",
	       got == orphan ? "its" : "ANOTHER", status_str(status));
}

/* --- spawn ---------------------------------------------------------------- */

static void spawned(const char *what, int err, pid_t pid)
{
	int status;

	if (err) {
		printf("%s: %s\n", what, errname(err));
		return;
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	printf("%s: %s\n", what, status_str(status));
}

static void g_spawn(void)
{
	char *echo_argv[] = { "echo", "hello from posix_spawn", NULL };
	char *exit3_argv[] = { "sh", "-c", "exit 3", NULL };
	char *none_argv[] = { "no-such-program-for-tandem", NULL };
	char *usr1_argv[] = { "sh", "-c", "kill -USR1 $$; echo survived SIGUSR1",
			      NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char buf[128];
	sigset_t s;
	ssize_t n;
	FILE *f;
	pid_t pid;
	int err, p[2], fd;

	fflush(stdout);
	err = posix_spawn(&pid, "/bin/echo", NULL, NULL, echo_argv, environ);
	spawned("posix_spawn /bin/echo", err, pid);
	err = posix_spawnp(&pid, "sh", NULL, NULL, exit3_argv, environ);
	spawned("posix_spawnp sh -c 'exit 3'", err, pid);
	err = posix_spawnp(&pid, none_argv[0], NULL, NULL, none_argv, environ);
	spawned("posix_spawnp of a missing program", err, pid);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "spawn-out.txt",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	err = posix_spawn(&pid, "/bin/echo", &fa, NULL, echo_argv, environ);
	spawned("posix_spawn, stdout opened to a file", err, pid);
	posix_spawn_file_actions_destroy(&fa);
	fd = open("spawn-out.txt", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	printf("  the file holds: %s", buf);
	if (fd >= 0)
		close(fd);
	unlink("spawn-out.txt");

	if (pipe(p))
		die("pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	err = posix_spawn(&pid, "/bin/echo", &fa, NULL, echo_argv, environ);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	spawned("posix_spawn, stdout to a pipe", err, pid);
	printf("  the pipe carried: %s", buf);
	close(p[0]);
	posix_spawn_file_actions_destroy(&fa);

	/* SIGUSR1 ignored here: inherited, unless SETSIGDEF resets it. */
	signal(SIGUSR1, SIG_IGN);
	fflush(stdout);
	err = posix_spawnp(&pid, "sh", NULL, NULL, usr1_argv, environ);
	spawned("posix_spawnp, SIGUSR1 ignored in the parent", err, pid);
	posix_spawnattr_init(&at);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	posix_spawnattr_setsigdefault(&at, &s);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
	err = posix_spawnp(&pid, "sh", NULL, &at, usr1_argv, environ);
	spawned("  the same with POSIX_SPAWN_SETSIGDEF for SIGUSR1", err, pid);
	posix_spawnattr_destroy(&at);
	signal(SIGUSR1, SIG_DFL);

	printf("system(NULL) says a shell is there: %s\n",
	       system(NULL) ? "yes" : "no");
	fflush(stdout);
	printf("system(\"echo from system; exit 5\"): %s\n",
	       status_str(system("echo from system; exit 5")));
	fflush(stdout);
	printf("system(\"kill -TERM $$\"): %s\n",
	       status_str(system("kill -TERM $$")));

	f = popen("echo from popen; echo second line", "r");
	if (!f)
		die("popen");
	while (fgets(buf, sizeof(buf), f))
		printf("  popen read: %s", buf);
	printf("pclose: %s\n", status_str(pclose(f)));
}

/* --- descriptors across fork and exec ------------------------------------- */

/* procs fds-check FD:WANT...: print which descriptors are open. */
static int g_fds_check(int argc, char **argv)
{
	char buf[64];
	int i, fd, bad = 0;

	for (i = 0; i < argc; i++) {
		int n = atoi(argv[i]);
		int open_now = fcntl(n, F_GETFD) >= 0;
		const char *want = strchr(argv[i], ':');

		printf("  fd %d (expected %s): %s\n", n, want ? want + 1 : "?",
		       open_now ? "open" : "closed");
		if (want && (strcmp(want + 1, "open") == 0) != open_now)
			bad = 1;
	}
	/* The pipe from before exec still carries its data. */
	fd = atoi(argv[0]);
	if (fcntl(fd, F_GETFD) >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		buf[n > 0 ? n : 0] = '\0';
		printf("  read from fd %d: %s\n", fd, buf);
	}
	fd = open("/dev/null", O_RDONLY);
	printf("  lowest free descriptor: %d\n", fd);
	if (bad)
		printf("  a descriptor is not as expected\n");
	return bad;
}

static void g_fds(void)
{
	char a[32][24];
	char *args[40];
	int keep, cloexec, dup_ce, setfd_ce, dup2_keep, pc[2], pk[2], n = 0;
	int i, status, p[2];
	pid_t pid, w, r;

	if (pipe(pk) || pipe2(pc, O_CLOEXEC))
		die("pipe");
	keep = open("/dev/null", O_RDONLY);
	cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup_ce = fcntl(keep, F_DUPFD_CLOEXEC, 30);
	setfd_ce = dup(keep);
	fcntl(setfd_ce, F_SETFD, FD_CLOEXEC);
	dup2_keep = dup2(cloexec, 40);	/* dup2 clears FD_CLOEXEC */
	if (dup3(keep, 41, O_CLOEXEC) != 41)
		die("dup3");
	if (write(pk[1], "through the pipe", 16) != 16)
		die("write");
	close(pk[1]);

	snprintf(a[n++], 24, "%d:open", pk[0]);
	snprintf(a[n++], 24, "%d:closed", pc[0]);
	snprintf(a[n++], 24, "%d:closed", pc[1]);
	snprintf(a[n++], 24, "%d:open", keep);
	snprintf(a[n++], 24, "%d:closed", cloexec);
	snprintf(a[n++], 24, "%d:closed", dup_ce);
	snprintf(a[n++], 24, "%d:closed", setfd_ce);
	snprintf(a[n++], 24, "%d:open", dup2_keep);
	snprintf(a[n++], 24, "41:closed");
	args[0] = (char *)self;
	args[1] = "fds-check";
	for (i = 0; i < n; i++)
		args[i + 2] = a[i];
	args[n + 2] = NULL;

	printf("before exec, all open: %s\n",
	       fcntl(pc[0], F_GETFD) >= 0 && fcntl(cloexec, F_GETFD) >= 0 &&
	       fcntl(dup_ce, F_GETFD) >= 0 && fcntl(41, F_GETFD) >= 0 ?
	       "yes" : "NO");
	printf("a forked child, then exec:\n");
	pid = fork_or_die();
	if (pid == 0) {
		execv(self, args);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("  the child %s\n", status_str(status));

	/* Two execs joined by a pipe: seq 1 1000 | wc -l. */
	if (pipe(p))
		die("pipe");
	w = fork_or_die();
	if (w == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execlp("seq", "seq", "1", "1000", (char *)NULL);
		_exit(127);
	}
	r = fork_or_die();
	if (r == 0) {
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		printf("seq 1 1000 | wc -l through a pipe: ");
		fflush(stdout);
		execlp("wc", "wc", "-l", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	close(p[1]);
	waitpid(w, &status, 0);
	printf("  writer %s, ", status_str(status));
	waitpid(r, &status, 0);
	printf("reader %s\n", status_str(status));

	/* This process itself execs (the pipe's data was read: refill). */
	if (pipe(pk))
		die("pipe");
	if (pk[0] != atoi(a[0])) {
		dup2(pk[0], atoi(a[0]));
		close(pk[0]);
	}
	if (write(pk[1], "through the pipe", 16) != 16)
		die("write");
	close(pk[1]);
	printf("this process, exec without fork:\n");
	fflush(stdout);
	execv(self, args);
	die("execv");
}

/* --- vfork ---------------------------------------------------------------- */

static volatile int vfork_store;

static void g_vfork(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		execl("/bin/echo", "echo", "hello from the vfork child",
		      (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("vfork + exec /bin/echo: %s\n", status_str(status));

	pid = vfork();
	if (pid == 0)
		_exit(7);
	waitpid(pid, &status, 0);
	printf("vfork + _exit(7): %s\n", status_str(status));

	pid = vfork();
	if (pid == 0) {
		execl("/nonexistent/program", "program", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	printf("vfork + exec of a missing program: %s\n", status_str(status));

	/* The parent sleeps until the child is gone, and shares memory. */
	vfork_store = 0;
	pid = vfork();
	if (pid == 0) {
		usleep(100000);
		vfork_store = 1;
		_exit(0);
	}
	check(vfork_store == 1,
	      "the parent resumes after the child and sees its store");
	waitpid(pid, &status, 0);
}

/* --- fork from a threaded program ----------------------------------------- */

static volatile int stop_churn;
static pthread_mutex_t churn_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long churned;
static int prepare_calls, parent_calls, child_calls;
static int marker;

static void *churn(void *arg)
{
	(void)arg;
	while (!stop_churn) {
		void *p = malloc(1000 + (churned % 5000));

		pthread_mutex_lock(&churn_lock);
		churned++;
		pthread_mutex_unlock(&churn_lock);
		free(p);
	}
	return NULL;
}

static void *add_up(void *arg)
{
	long n = (long)arg, i, s = 0;

	for (i = 1; i <= n; i++)
		s += i;
	return (void *)s;
}

/* The Threads: line of /proc/self/status. */
static int count_tasks(void)
{
	char line[256];
	FILE *f;
	int n = -1;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Threads:", 8) == 0)
			n = atoi(line + 8);
	fclose(f);
	return n;
}

/* In a forked child: one thread, a working malloc, a thread of its own. */
static int child_work(void)
{
	pthread_t t;
	void *ret;
	char *p;

	if (count_tasks() != 1)
		return 2;
	p = malloc(100000);
	if (!p)
		return 3;
	memset(p, 1, 100000);
	free(p);
	if (pthread_create(&t, NULL, add_up, (void *)1000L))
		return 5;
	pthread_join(t, &ret);
	if ((long)ret != 500500)
		return 6;
	if (marker != 1 || child_calls != 1)
		return 7;
	return 0;
}

static void *fork_from_thread(void *arg)
{
	pid_t pid;
	int status;

	(void)arg;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_work());
	waitpid(pid, &status, 0);
	return (void *)(long)status;
}

static void on_prepare(void) { prepare_calls++; }
static void on_parent(void) { parent_calls++; }
static void on_child(void) { child_calls++; }

static void g_fork_threads(void)
{
	pthread_t t[4], ft;
	void *st;
	pid_t pid;
	int i, status, good = 0, rounds = 20;

	pthread_atfork(on_prepare, on_parent, on_child);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	printf("threads before fork: %d\n", count_tasks());

	for (i = 0; i < rounds; i++) {
		marker = 1;
		child_calls = 0;
		pid = fork_or_die();
		if (pid == 0)
			_exit(child_work());
		marker = 2;	/* the child keeps its own copy */
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			good++;
		else if (good == i)
			printf("  round %d: child %s\n", i, status_str(status));
	}
	/* Each child: one thread, malloc, a thread of its own, its memory. */
	printf("%d forks from a 5-thread process: %d children passed\n",
	       rounds, good);
	printf("atfork handlers: prepare %d, parent %d\n", prepare_calls,
	       parent_calls);

	marker = 1;
	child_calls = 0;
	pthread_create(&ft, NULL, fork_from_thread, NULL);
	pthread_join(ft, &st);
	printf("fork from a second thread: child %s\n",
	       status_str((int)(long)st));

	stop_churn = 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	check(churned > 0, "the other threads kept working meanwhile");
	printf("threads at the end: %d\n", count_tasks());
}

/* Wait up to 3 s for @pid (a child stuck in libc is killed): its status. */
static int wait_bounded(pid_t pid)
{
	int status, ms;

	for (ms = 0; ms < 3000; ms++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

static void *race_forker(void *arg)
{
	long id = (long)arg, bad = 0;
	char *m;
	int i, status;
	pid_t pid;

	for (i = 0; i < 3; i++) {
		pid = fork();
		if (pid < 0)
			return (void *)1L;
		if (pid == 0) {
			m = malloc(100000);
			memset(m, (int)id, 100000);
			_exit(m[99] + i);
		}
		status = wait_bounded(pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != id + i)
			bad++;
	}
	return (void *)bad;
}

/*
 * Forks from threads while the next threads are still being created.
 * Small stacks: a fork copies every thread's stack, and 8 MiB ones made
 * each fork copy 32 MiB, which is not what is tested here.
 */
static void g_fork_race(void)
{
	pthread_attr_t attr;
	pthread_t t[4];
	void *st;
	long bad = 0;
	int r, i, rounds = 60;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 4; i++)
			pthread_create(&t[i], &attr, race_forker, (void *)(long)i);
		for (i = 0; i < 4; i++) {
			pthread_join(t[i], &st);
			bad += (long)st;
		}
	}
	printf("%d rounds of 4 threads forking 3 children each\n", rounds);
	check(bad == 0, "every child exited with its own status");
}

/*
 * glibc's fork asks Linux to write the child's tid into the thread's tid
 * word (CLONE_CHILD_SETTID): in the child's memory only.
 */
static void g_fork_tid(void)
{
	struct timespec ts;
	clockid_t clock;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	check(pthread_getcpuclockid(pthread_self(), &clock) == 0 &&
	      clock_gettime(clock, &ts) == 0,
	      "the parent's own CPU clock works after the child is reaped");
}

/* SIGKILL child @pid: is it reaped, with that as its end? */
static int kill_and_reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	       WTERMSIG(status) == SIGKILL;
}

/*
 * A child killed in its first steps may die inside the LWK with a lock the
 * run's other processes share: its parent's wait must not hang on it.
 */
static void g_fork_kill(void)
{
	int i, k, rounds = 200, bad = 0;
	volatile int spin;
	pid_t pid;

	for (i = 0; i < rounds; i++) {
		pid = fork_or_die();
		if (pid == 0) {
			for (;;)
				pause();
		}
		for (k = 0, spin = 0; k < i * 50; k++)
			spin++;
		if (!kill_and_reap(pid))
			bad++;
	}
	printf("%d children killed right after their fork\n", rounds);
	check(bad == 0, "every one was reaped, killed by SIGKILL");
}

static void g_kill_mapping(void)
{
	const size_t len = 1 << 20;
	int i, rounds = 300, bad = 0;
	struct timespec ts = { 0, 0 };
	char *p;
	pid_t pid;

	srand(1);
	for (i = 0; i < rounds; i++) {
		pid = fork_or_die();
		if (pid == 0) {
			for (;;) {
				p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (p == MAP_FAILED)
					_exit(3);
				p[0] = 1;
				munmap(p, len);
			}
		}
		ts.tv_nsec = (rand() % 2000) * 1000L;
		nanosleep(&ts, NULL);
		if (!kill_and_reap(pid))
			bad++;
	}
	printf("%d mapping children killed\n", rounds);
	check(bad == 0, "every one was reaped, killed by SIGKILL");
}

static volatile int calls_stop;
static long calls_wrong;

static void *fork_caller(void *arg)
{
	pid_t pp = getppid();
	long wrong = 0;

	(void)arg;
	while (!calls_stop)
		if (syscall(SYS_getppid) != pp)
			wrong++;
	__atomic_add_fetch(&calls_wrong, wrong, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Spins in program code with every signal blocked, making no call. */
static void *fork_spinner(void *arg)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!calls_stop)
		;
	return arg;
}

/*
 * A fork stopping the other threads must not lose one of their calls,
 * nor wait long for a thread that blocks every signal.
 */
static void g_fork_calls(void)
{
	pthread_attr_t attr;
	pthread_t t[3], spinner;
	int i, status;
	pid_t pid;

	/* Small stacks: a fork copies them all (see g_fork_race). */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_create(&spinner, &attr, fork_spinner, NULL);
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], &attr, fork_caller, NULL);
	for (i = 0; i < 300; i++) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
	calls_stop = 1;
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	pthread_join(spinner, NULL);
	printf("300 forks while 3 threads call getppid, 1 spins\n");
	check(calls_wrong == 0, "every call gave the parent's pid");
}

static volatile int mixed_stop;
static long mixed_bad, mixed_handled;

/* Blocks in read until the end. */
static void *mixed_reader(void *arg)
{
	char c;

	if (read(*(int *)arg, &c, 1) != 1)
		__atomic_add_fetch(&mixed_bad, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* SIGUSR1: a call in a handler; SIGUSR2: a fork in a handler. */
static void mixed_handler(int sig)
{
	int status;
	pid_t pid;

	__atomic_add_fetch(&mixed_handled, 1, __ATOMIC_SEQ_CST);
	if (sig == SIGUSR1) {
		if (syscall(SYS_getppid) != getppid())
			__atomic_add_fetch(&mixed_bad, 1, __ATOMIC_SEQ_CST);
		return;
	}
	pid = syscall(SYS_fork);
	if (pid == 0)
		syscall(SYS_exit_group, 7);
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		__atomic_add_fetch(&mixed_bad, 1, __ATOMIC_SEQ_CST);
}

/* The target of the signals: spins in program code. */
static void *mixed_target(void *arg)
{
	while (!mixed_stop)
		;
	return arg;
}

static void *mixed_signaller(void *arg)
{
	pthread_t target = *(pthread_t *)arg;
	int i;

	for (i = 0; !mixed_stop; i++) {
		pthread_kill(target, i % 4 ? SIGUSR1 : SIGUSR2);
		usleep(200);
	}
	return NULL;
}

/* vfork + _exit and posix_spawn of true, in turns. */
static void *mixed_spawner(void *arg)
{
	char *args[] = { "true", NULL };
	volatile int i;		/* kept across the vfork */
	int status;
	pid_t pid;

	for (i = 0; !mixed_stop; i++) {
		if (i % 2)
			pid = vfork();
		else if (posix_spawnp(&pid, "true", NULL, NULL, args, environ))
			pid = -1;
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			__atomic_add_fetch(&mixed_bad, 1, __ATOMIC_SEQ_CST);
	}
	return arg;
}

static void *mixed_nothing(void *arg)
{
	return arg;
}

/* Creates and joins threads, which exit at once. */
static void *mixed_creator(void *arg)
{
	pthread_attr_t attr;
	pthread_t t;

	(void)arg;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	while (!mixed_stop)
		if (pthread_create(&t, &attr, mixed_nothing, NULL) ||
		    pthread_join(t, NULL))
			__atomic_add_fetch(&mixed_bad, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Forks while every other thread is somewhere a fork stop has to deal
 * with: blocked in a Linux call, in a handler (that may fork itself), in
 * a vfork or posix_spawn, being created or exiting.  A stop that waits
 * for a thread that cannot stop hangs here, or warns after 2 s (which
 * the comparison of stderr catches).
 */
static void g_fork_mixed(void)
{
	struct sigaction sa;
	pthread_attr_t attr;
	pthread_t reader, target, signaller, spawner, creator;
	int fds[2], i, status;
	long bad = 0;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mixed_handler;
	sa.sa_flags = SA_RESTART;	/* the waits in the other handler */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	if (pipe(fds))
		return;
	/* Small stacks: a fork copies them all (see g_fork_race). */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_create(&reader, &attr, mixed_reader, &fds[0]);
	pthread_create(&target, &attr, mixed_target, NULL);
	pthread_create(&signaller, &attr, mixed_signaller, &target);
	pthread_create(&spawner, &attr, mixed_spawner, NULL);
	pthread_create(&creator, &attr, mixed_creator, NULL);
	for (i = 0; i < 200; i++) {
		pid = fork();
		if (pid == 0)
			_exit(i % 100);
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != i % 100)
			bad++;
	}
	mixed_stop = 1;
	if (write(fds[1], "x", 1) != 1)
		bad++;
	pthread_join(reader, NULL);
	pthread_join(signaller, NULL);
	pthread_join(target, NULL);
	pthread_join(spawner, NULL);
	pthread_join(creator, NULL);
	printf("200 forks while threads read, handle signals, spawn, create\n");
	check(bad == 0 && mixed_bad == 0, "every child and call gave its own status");
	check(mixed_handled > 0, "the handlers ran");
}

/*
 * posix_spawn from four threads at once: each child is a vfork child
 * sharing the LWK's memory with the others while it execs.
 */
#define SPAWNERS	4
#define SPAWNS		100

static int spawn_bad;

static void *spawn_many(void *arg)
{
	char *const av[] = { "/bin/true", NULL };
	int i, st, bad = 0;
	pid_t pid;

	(void)arg;
	for (i = 0; i < SPAWNS; i++) {
		if (posix_spawn(&pid, av[0], NULL, NULL, av, environ) ||
		    waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad++;
	}
	__atomic_fetch_add(&spawn_bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

static void g_spawn_threads(void)
{
	pthread_t t[SPAWNERS];
	int i;

	for (i = 0; i < SPAWNERS; i++)
		if (pthread_create(&t[i], NULL, spawn_many, NULL))
			die("pthread_create");
	for (i = 0; i < SPAWNERS; i++)
		pthread_join(t[i], NULL);
	printf("%d threads spawned /bin/true %d times each\n", SPAWNERS,
	       SPAWNS);
	check(spawn_bad == 0, "every spawn ran and exited 0");
}

int main(int argc, char **argv)
{
	const char *g = argc >= 2 ? argv[1] : "";

	self = argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(g, "chain") && argc >= 3) {
		int r = g_chain(atoi(argv[2]), argc >= 4 ? atoi(argv[3]) : 0);

		return report_failed ? 100 : r;
	}
	if (!strcmp(g, "fds-check"))
		return g_fds_check(argc - 2, argv + 2);
	if (!strcmp(g, "wait"))
		g_wait();
	else if (!strcmp(g, "zombies"))
		g_zombies();
	else if (!strcmp(g, "spawn"))
		g_spawn();
	else if (!strcmp(g, "fds"))
		g_fds();
	else if (!strcmp(g, "vfork"))
		g_vfork();
	else if (!strcmp(g, "fork-threads"))
		g_fork_threads();
	else if (!strcmp(g, "fork-race"))
		g_fork_race();
	else if (!strcmp(g, "fork-tid"))
		g_fork_tid();
	else if (!strcmp(g, "fork-calls"))
		g_fork_calls();
	else if (!strcmp(g, "fork-mixed"))
		g_fork_mixed();
	else if (!strcmp(g, "fork-kill"))
		g_fork_kill();
	else if (!strcmp(g, "kill-mapping"))
		g_kill_mapping();
	else if (!strcmp(g, "spawn-threads"))
		g_spawn_threads();
	else {
		fprintf(stderr, "usage: procs GROUP (see tests/progs/procs.c)\n");
		return 2;
	}
	return report_failed;
}
