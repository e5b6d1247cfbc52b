// SPDX-License-Identifier: MIT
/*
 * The instance daemon.  It runs on Linux cores, outside the reservation.
 * It owns the pool and the state: it pre-zeroes the pool in a thread, lets
 * programs join over its control socket (moving them into the instance's
 * cpuset and handing them the instance and pool descriptors: every
 * program of the instance allocates from the same pool files, with the
 * LWK's allocator state in the instance descriptor), watches every
 * process of the instance with a pidfd, finds their children, tells the
 * LWK processes when one died so that its frames come back, zeroes the
 * pool again once the instance is empty, logs to the kmsg ring, and on
 * shutdown ends what runs and removes everything it made.  It never
 * touches the reservation itself.  It never frees frames itself: the
 * allocator's layout is the LWK's (kernel/mm/buddy.h), not uapi.
 */
#include "daemon.h"
#include "cpuset.h"
#include "reserve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Pre-zeroing step of the zeroing thread (at least one page). */
#define ZERO_CHUNK	(32ULL << 20)
/* Discovery of new processes and comm refresh. */
#define TICK_MS		250
/* How long shutdown --force waits after SIGTERM, then after SIGKILL. */
#define END_WAIT_MS	3000
/* Ended processes whose reaping the daemon waits for (reap_seq). */
#define REAP_PENDING	64

/*
 * The daemon's state.  Two threads: the event loop, which owns everything
 * here, and the zeroing thread, which writes only pool_ready and
 * pool_error of the process table.  tab_lock serialises the two writers of
 * the table; its seq tells readers in other processes when it is being
 * written.  zero_stop is set by the loop and read by the zeroing thread.
 */
static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t zero_thread;
static bool zero_started;
static volatile sig_atomic_t zero_stop;

/*
 * How the zeroing thread zeroes [pool_ready, pool_bytes): fallocate makes
 * pages exist zeroed and leaves existing ones alone (boot, and a memfd
 * pool after its holes were punched), so programs may use the pool
 * meanwhile; writing zeroes over a hugetlbfs pool a program used is done
 * only while no program runs, and a join stops it.
 */
enum zero_how { ZERO_FALLOCATE, ZERO_WRITE };

/*
 * pool4k_fd: the 4 KiB pool every program gets (the pool itself on a
 * pinning-only instance; a sparse memfd beside the huge-page pool on a
 * reserved one).  pool_map: the huge-page pool, mapped for ZERO_WRITE.
 * reap_pending: ended processes that were zombies when seen ending;
 * reaper_fd: a pidfd of the reaper running (-1: none), reap_again: run
 * it once more when it ends.
 */
static struct daemon {
	struct plan p;
	struct tandem_instance *inst;
	struct tandem_proctab *tab;
	int inst_fd, listen_fd, timer_fd, sig_fd, pool4k_fd;
	int pidfd[TANDEM_MAX_PROCS];
	pid_t reap_pending[REAP_PENDING];
	int reaper_fd;
	bool reap_again;
	enum zero_how zero_how;
	void *pool_map;
	uid_t owner;
	bool ready;
} D;

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int fd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

/* ---- kmsg and messages ------------------------------------------------ */

static const char *level_name(int level)
{
	return level <= TDM_LEVEL_ERR ? "err" :
	       level == TDM_LEVEL_WARN ? "warn" : "info";
}

/*
 * Append a line to the kmsg ring the way the LWK does (kernel/kmsg.c):
 * reserve bytes with an atomic add on the head, then copy them.
 */
static void dlog_line(int level, const char *msg)
{
	char line[1200];
	int n;
	u64 head, i;

	if (!D.inst)
		return;
	n = snprintf(line, sizeof(line), "<%s> %d tandemd: %s\n",
		     level_name(level), (int)getpid(), msg);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	head = __atomic_fetch_add(&D.inst->kmsg_head, (u64)n, __ATOMIC_RELAXED);
	for (i = 0; i < (u64)n; i++)
		D.inst->kmsg[(head + i) % TANDEM_KMSG_SIZE] = line[i];
}

static void __attribute__((format(printf, 2, 3)))
dlog(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dlog_line(level, msg);
}

/* Before the daemon is ready its first error goes back to `tandem boot`. */
static void daemon_msg(int level, const char *msg)
{
	static bool told;
	char line[1100];
	int n;

	if (!D.ready && level <= TDM_LEVEL_ERR && D.p.ready_fd >= 0) {
		n = snprintf(line, sizeof(line), "err 1 %s", msg);
		if (!told && write(D.p.ready_fd, line, n) == n)
			told = true;
		return;
	}
	dlog_line(level, msg);
}

/* ---- the process table ------------------------------------------------ */

static void tab_begin(void)
{
	pthread_mutex_lock(&tab_lock);
	__atomic_fetch_add(&D.tab->seq, 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void tab_end(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_fetch_add(&D.tab->seq, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&tab_lock);
}

static int slot_of(pid_t pid)
{
	int i;

	for (i = 0; i < TANDEM_MAX_PROCS; i++)
		if (D.tab->proc[i].state == TANDEM_PROC_RUNNING &&
		    D.tab->proc[i].pid == pid)
			return i;
	return -1;
}

/*
 * Start watching PID: a pidfd first (so that a pid that ends at once is
 * not recorded at all), then its slot.  Returns the slot, or -errno.
 */
static int proc_add(pid_t pid, unsigned flags, uid_t uid)
{
	struct tandem_proc *p;
	struct proc_stat st;
	int i, fd;

	if (slot_of(pid) >= 0)
		return slot_of(pid);
	for (i = 0; i < TANDEM_MAX_PROCS; i++)
		if (D.tab->proc[i].state == TANDEM_PROC_FREE)
			break;
	if (i == TANDEM_MAX_PROCS)
		return -ENOSPC;
	fd = pidfd_open(pid);
	if (fd < 0)
		return -errno;
	if (proc_stat_read(pid, 0, &st)) {
		close(fd);
		return -ESRCH;
	}
	D.pidfd[i] = fd;
	p = &D.tab->proc[i];
	tab_begin();
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = st.ppid;
	p->flags = flags;
	p->uid = uid;
	p->start_ticks = st.start_ticks;
	p->joined_ns = mono_ns();
	snprintf(p->comm, sizeof(p->comm), "%.15s", st.comm);
	p->state = TANDEM_PROC_RUNNING;
	D.tab->nr_running++;
	D.tab->nr_started++;
	tab_end();
	return i;
}

/* Is any process of the instance left (watched, or in its cpuset)? */
static bool instance_busy(void)
{
	pid_t pids[1];

	return D.tab->nr_running ||
	       (D.p.cgroup[0] && cg_procs(D.p.cgroup, pids, 1) > 0);
}

static void zero_start(enum zero_how how);
static void zero_end(void);

/* The pool id of the instance's own pool (the one pre-zeroed at boot). */
static int main_pool(void)
{
	return D.p.page_size >= (1ULL << 30) ? TANDEM_POOL_1G :
	       D.p.page_size >= (2ULL << 20) ? TANDEM_POOL_2M : TANDEM_POOL_4K;
}

/*
 * Take back the frames of the instance's processes that are gone: the
 * allocator is the LWK's, so the LWK image does it (tandem-lwk
 * --lwk-reap, kernel/mm/pool.c pool_reap_gone), in a process of its own
 * on the daemon's cores, which then zeroes the free frames.  One at a
 * time; the event loop notices its end through reaper_fd.
 */
static void reap_run(void)
{
	char image[PATH_MAX], opt[4][48], *slash;
	int fds[3] = { D.inst_fd, D.pool4k_fd, D.p.pool_fd };
	static const char *const pool_opt[TANDEM_NR_POOLS] = {
		"--lwk-pool-fd", "--lwk-pool2m-fd", "--lwk-pool1g-fd",
	};
	ssize_t n;
	pid_t c;
	int i;

	if (!__atomic_load_n(&D.inst->pool_size, __ATOMIC_ACQUIRE))
		return;
	if (D.reaper_fd >= 0) {
		D.reap_again = true;
		return;
	}
	D.reap_again = false;
	n = readlink("/proc/self/exe", image, sizeof(image) - 1);
	if (n <= 0)
		return;
	image[n] = '\0';
	slash = strrchr(image, '/');
	if (!slash || slash - image + 1 + strlen(TANDEM_LWK_IMAGE) >= sizeof(image))
		return;
	strcpy(slash + 1, TANDEM_LWK_IMAGE);
	c = fork();
	if (c == 0) {
		for (i = 0; i < 3; i++)
			fds[i] = dup(fds[i]);
		snprintf(opt[0], sizeof(opt[0]), "--lwk-inst-fd=%d", fds[0]);
		snprintf(opt[1], sizeof(opt[1]), "%s=%d",
			 pool_opt[TANDEM_POOL_4K], fds[1]);
		snprintf(opt[2], sizeof(opt[2]), "%s=%d",
			 pool_opt[main_pool()], fds[2]);
		execl(image, TANDEM_LWK_IMAGE, TANDEM_LWK_MAGIC_ARG,
		      "--lwk-reap", opt[0], opt[1],
		      main_pool() == TANDEM_POOL_4K ? "--" : opt[2], "--",
		      (char *)NULL);
		_exit(127);
	}
	if (c > 0)
		D.reaper_fd = pidfd_open(c);
	if (c < 0 || D.reaper_fd < 0)
		dlog(TDM_LEVEL_WARN, "cannot start the reaper %s: %s; what ended processes held comes back when the instance is empty",
		     image, strerror(errno));
}

/* The reaper ended (or must end now, @kill: the state goes away). */
static void reap_done(bool kill)
{
	siginfo_t si = { 0 };

	if (D.reaper_fd < 0)
		return;
	if (kill)
		pidfd_signal(D.reaper_fd, SIGKILL);
	if (!waitid(P_PIDFD, (id_t)D.reaper_fd, &si, WEXITED) &&
	    !kill && (si.si_code != CLD_EXITED || si.si_status))
		dlog(TDM_LEVEL_WARN, "the reaper (pid %d) failed (status %d): what ended processes held comes back when the instance is empty",
		     (int)si.si_pid, si.si_status);
	close(D.reaper_fd);
	D.reaper_fd = -1;
	if (D.reap_again && !kill)
		reap_run();
}

/*
 * A process of the instance ended: take back what it held, unless an
 * LWK parent reaps it (then the parent's wait does).  Until its parent
 * reaps it, it is a zombie, which still counts: it waits in reap_pending
 * and the tick runs the reaper once it is gone.
 */
static void reap_tell(pid_t ended)
{
	int i;

	if (!kill(ended, 0)) {
		for (i = 0; i < REAP_PENDING; i++) {
			if (!D.reap_pending[i]) {
				D.reap_pending[i] = ended;
				return;
			}
		}
	}
	reap_run();
}

static void reap_tick(void)
{
	bool gone = false;
	int i;

	for (i = 0; i < REAP_PENDING; i++) {
		if (D.reap_pending[i] && kill(D.reap_pending[i], 0)) {
			D.reap_pending[i] = 0;
			gone = true;
		}
	}
	if (gone)
		reap_run();
}

/*
 * With no process left, no LWK thread holds a core and no LWK process maps
 * the pool state the programs made in the instance descriptor: placement
 * counts a killed process never gave back are reset, and so is that pool
 * state, so that the next program starts on a whole pool.  What the
 * programs used is zeroed again: the 4 KiB memfd's pages are given back
 * to Linux (its holes read as zero); a hugetlbfs pool is written over in
 * the zeroing thread (its pages must stay the instance's).
 */
static void idle_reset(void)
{
	bool dirty = false;
	int cpu, id = main_pool();

	if (instance_busy())
		return;
	for (cpu = 0; cpu < TANDEM_MAX_CPUS; cpu++) {
		if (__atomic_load_n(&D.inst->core_threads[cpu],
				    __ATOMIC_RELAXED)) {
			__atomic_store_n(&D.inst->core_threads[cpu], 0,
					 __ATOMIC_RELAXED);
			dirty = true;
		}
	}
	__atomic_store_n(&D.inst->oversub_warned, 0, __ATOMIC_RELAXED);
	if (dirty)
		dlog(TDM_LEVEL_INFO,
		     "no process left: thread counts of killed processes given back to placement");

	if (!D.inst->pool_off && !D.inst->pool_size)
		return;
	reap_done(true);
	if (D.inst->mem_used)
		dlog(TDM_LEVEL_INFO,
		     "no process left: %llu bytes its programs still counted as in use given back",
		     D.inst->mem_used);
	D.inst->pool_off = 0;
	D.inst->pool_size = 0;
	D.inst->mem_used = 0;
	D.inst->mem_limit = D.p.pool_bytes;
	memset(D.inst->pool_fig, 0, sizeof(D.inst->pool_fig));
	memset(D.reap_pending, 0, sizeof(D.reap_pending));
	if (ftruncate(D.inst_fd, sizeof(struct tandem_instance)))
		dlog(TDM_LEVEL_WARN, "cannot shrink the instance descriptor: %s",
		     strerror(errno));

	zero_end();
	if (fallocate(D.pool4k_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      0, (off_t)D.p.pool_bytes)) {
		dlog(TDM_LEVEL_WARN, "cannot give the 4 KiB pool's pages back: %s; programs zero them as they use them",
		     strerror(errno));
		D.inst->pool_clean = 0;
	} else {
		D.inst->pool_clean = 1U << TANDEM_POOL_4K;
	}
	tab_begin();
	D.tab->pool_ready = 0;
	D.tab->pool_error = 0;
	tab_end();
	/* A memfd pool is made to exist again; a huge-page pool rewritten. */
	zero_start(id == TANDEM_POOL_4K ? ZERO_FALLOCATE : ZERO_WRITE);
}

static void proc_ended(int i)
{
	struct tandem_proc *p = &D.tab->proc[i];
	pid_t pid = p->pid;

	dlog(TDM_LEVEL_INFO, "process %d (%s) ended", p->pid, p->comm);
	close(D.pidfd[i]);
	D.pidfd[i] = -1;
	tab_begin();
	p->state = TANDEM_PROC_FREE;
	D.tab->nr_running--;
	D.tab->nr_ended++;
	tab_end();
	idle_reset();
	if (instance_busy())
		reap_tell(pid);
}

/* Register the children of PID that are not yet known. */
static void find_children(pid_t pid)
{
	char path[64], buf[4096], *tok, *save;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", pid,
			 d->d_name);
		if (file_read(path, buf, sizeof(buf)) <= 0)
			continue;
		for (tok = strtok_r(buf, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			pid_t c = atoi(tok);
			struct proc_stat st;

			/* A zombie has ended already: its parent has yet to reap it. */
			if (c <= 0 || slot_of(c) >= 0 ||
			    proc_stat_read(c, 0, &st) || st.state == 'Z')
				continue;
			if (proc_add(c, TANDEM_PROC_F_CHILD, D.owner) >= 0)
				dlog(TDM_LEVEL_INFO, "process %d (child of %d) found",
				     c, pid);
		}
	}
	if (dir)
		closedir(dir);
}

/* The tick: new processes (cpuset members, children), fresh names. */
static void discover(void)
{
	pid_t pids[TANDEM_MAX_PROCS];
	int i, n;

	if (D.p.cgroup[0]) {
		n = cg_procs(D.p.cgroup, pids, TANDEM_MAX_PROCS);
		for (i = 0; i < n; i++)
			if (slot_of(pids[i]) < 0 &&
			    proc_add(pids[i], TANDEM_PROC_F_CHILD, D.owner) >= 0)
				dlog(TDM_LEVEL_INFO, "process %d found in %s",
				     pids[i], D.p.cgroup);
	}
	if (!D.tab->nr_running)
		idle_reset();
	reap_tick();
	for (i = 0; i < TANDEM_MAX_PROCS; i++) {
		struct tandem_proc *p = &D.tab->proc[i];
		struct proc_stat st;

		if (p->state != TANDEM_PROC_RUNNING)
			continue;
		find_children(p->pid);
		if (!proc_stat_read(p->pid, 0, &st) && strcmp(st.comm, p->comm)) {
			tab_begin();
			snprintf(p->comm, sizeof(p->comm), "%.15s", st.comm);
			tab_end();
		}
	}
}

/* ---- requests --------------------------------------------------------- */

static void reply(int c, const char *msg, const int *fds, int nfds)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = strlen(msg) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds) {
		struct cmsghdr *h;

		memset(&cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf.buf;
		m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(h), fds, nfds * sizeof(int));
	}
	if (sendmsg(c, &m, MSG_NOSIGNAL) < 0)
		dlog(TDM_LEVEL_WARN, "cannot answer a request: %s",
		     strerror(errno));
}

static void replyf(int c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void replyf(int c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	reply(c, buf, NULL, 0);
}

/* "pid comm, ..." of the running processes (the first few) into BUF. */
static char *running_names(char *buf, size_t size)
{
	int i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < TANDEM_MAX_PROCS; i++) {
		if (D.tab->proc[i].state != TANDEM_PROC_RUNNING)
			continue;
		if (n < 8)
			snprintf(buf + strlen(buf), size - strlen(buf),
				 "%s%d %s", n ? ", " : "", D.tab->proc[i].pid,
				 D.tab->proc[i].comm);
		n++;
	}
	if (n > 8)
		snprintf(buf + strlen(buf), size - strlen(buf), ", ...");
	return buf;
}

/*
 * A program joins: it gets the instance descriptor and the pool files
 * (4 KiB, then the huge-page pool if there is one), the same for every
 * program, so that all of them allocate from one pool.
 */
static void do_join(int c, const struct ucred *cr)
{
	static const char *const kind[TANDEM_NR_POOLS] = { "", "2m", "1g" };
	char list[256], err[512];
	int fds[3] = { D.inst_fd, D.pool4k_fd, D.p.pool_fd };
	int slot, rc, nfds = main_pool() == TANDEM_POOL_4K ? 2 : 3;

	if (!D.p.reserved && cr->uid != D.owner && cr->uid != 0) {
		replyf(c, "err %d instance %s belongs to uid %u: only its owner may run programs on it",
		       TDM_EPERM, D.p.name, (unsigned)D.owner);
		return;
	}
	idle_reset();
	/*
	 * Rewriting a huge-page pool with zeroes must stop before a program
	 * may use it: what is left, the program's LWK zeroes as it grows.
	 */
	if (D.zero_how == ZERO_WRITE && D.tab->pool_ready < D.p.pool_bytes) {
		zero_end();
		tab_begin();
		D.tab->pool_ready = D.p.pool_bytes;
		tab_end();
	}
	rc = D.p.cgroup[0] ? cg_attach(D.p.cgroup, cr->pid) : 0;
	if (rc) {
		replyf(c, "err %d cannot move pid %d into the instance's cpuset %s: %s",
		       TDM_EFAIL, (int)cr->pid, D.p.cgroup, strerror(-rc));
		return;
	}
	slot = proc_add(cr->pid, TANDEM_PROC_F_JOINED, cr->uid);
	if (slot == -ENOSPC) {
		replyf(c, "err %d instance %s runs %d processes, its most: wait for some to end",
		       TDM_ECONFLICT, D.p.name, TANDEM_MAX_PROCS);
		return;
	}
	if (slot < 0) {
		replyf(c, "err %d cannot watch pid %d: %s", TDM_EFAIL,
		       (int)cr->pid, strerror(-slot));
		return;
	}
	dlog(TDM_LEVEL_INFO, "process %d (uid %u) joined", (int)cr->pid,
	     (unsigned)cr->uid);
	snprintf(err, sizeof(err), "ok cpus=%s mem=%llu pools=4k%s%s",
		 cpus_format(&D.p.cpus, list, sizeof(list)), D.p.pool_bytes,
		 nfds > 2 ? "," : "", kind[main_pool()]);
	reply(c, err, fds, nfds);
}

/* Signal every process of the instance; returns how many were signalled. */
static int signal_all(int sig)
{
	pid_t pids[TANDEM_MAX_PROCS];
	int i, n = 0, k;

	for (i = 0; i < TANDEM_MAX_PROCS; i++)
		if (D.tab->proc[i].state == TANDEM_PROC_RUNNING &&
		    !pidfd_signal(D.pidfd[i], sig))
			n++;

	/* Members of the cpuset the tick has not found yet. */
	if (D.p.cgroup[0]) {
		k = cg_procs(D.p.cgroup, pids, TANDEM_MAX_PROCS);
		for (i = 0; i < k; i++)
			if (slot_of(pids[i]) < 0 && !kill(pids[i], sig))
				n++;
	}
	return n;
}

/* Wait up to MS for the watched processes to end. */
static void wait_ended(int ms)
{
	u64 end = mono_ns() + (u64)ms * 1000000;

	while (D.tab->nr_running && mono_ns() < end) {
		struct pollfd pf[TANDEM_MAX_PROCS];
		int idx[TANDEM_MAX_PROCS], n = 0, i;

		for (i = 0; i < TANDEM_MAX_PROCS; i++) {
			if (D.tab->proc[i].state != TANDEM_PROC_RUNNING)
				continue;
			pf[n].fd = D.pidfd[i];
			pf[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pf, n, 50) <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (pf[i].revents)
				proc_ended(idx[i]);
	}
}

/* End every program: SIGTERM, then SIGKILL; returns how many there were. */
static int end_all(void)
{
	int n = signal_all(SIGTERM);

	if (!n)
		return 0;
	dlog(TDM_LEVEL_INFO, "ending %d processes: SIGTERM", n);
	wait_ended(END_WAIT_MS);
	if (signal_all(SIGKILL)) {
		dlog(TDM_LEVEL_WARN, "processes still running after %d ms: SIGKILL",
		     END_WAIT_MS);
		wait_ended(END_WAIT_MS);
	}
	return n;
}

/* One step of pre-zeroing the pool; false when there is nothing left. */
static bool zero_step(void)
{
	u64 off = D.tab->pool_ready, len;

	if (off >= D.p.pool_bytes || D.tab->pool_error)
		return false;
	len = D.p.pool_bytes - off;
	if (len > ZERO_CHUNK && len > D.p.page_size)
		len = ZERO_CHUNK > D.p.page_size ? ZERO_CHUNK : D.p.page_size;
	if (D.zero_how == ZERO_WRITE) {
		memset((char *)D.pool_map + off, 0, len);
		if (off + len == D.p.pool_bytes) {
			__atomic_fetch_or(&D.inst->pool_clean,
					  1U << main_pool(), __ATOMIC_RELEASE);
			dlog(TDM_LEVEL_INFO, "pool zeroed again");
		}
	} else if (fallocate(D.p.pool_fd, 0, (off_t)off, (off_t)len)) {
		char sz[32];

		if (zero_stop)
			return false;
		tab_begin();
		D.tab->pool_error = (u64)errno;
		tab_end();
		dlog(TDM_LEVEL_ERR,
		     "pre-zeroing the pool stopped at %s: %s; the rest is zeroed when first used",
		     size_format(off, sz, sizeof(sz)), strerror(errno));
		return false;
	}
	/* Said before it shows: whoever sees the pool ready sees the line. */
	if (off + len == D.p.pool_bytes && D.zero_how == ZERO_FALLOCATE)
		dlog(TDM_LEVEL_INFO, "pool pre-zeroed");
	tab_begin();
	D.tab->pool_ready = off + len;
	tab_end();
	return true;
}

/* No-op: its delivery interrupts the zeroing thread's fallocate. */
static void on_zero_stop(int sig)
{
}

/*
 * The zeroing thread.  fallocate makes every page of the pool exist and be
 * zero; a page of 1 GiB can take seconds, which the event loop must not
 * wait for.  Signals are blocked here but SIGUSR1, which stops it between
 * pages.
 */
static void *zero_main(void *arg)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	while (!zero_stop && zero_step())
		;
	return NULL;
}

static void zero_start(enum zero_how how)
{
	struct sigaction sa = { .sa_handler = on_zero_stop };
	sigset_t all, old;

	if (how == ZERO_WRITE && !D.pool_map) {
		D.pool_map = mmap(NULL, D.p.pool_bytes, PROT_READ | PROT_WRITE,
				  MAP_SHARED, D.p.pool_fd, 0);
		if (D.pool_map == MAP_FAILED) {
			D.pool_map = NULL;
			dlog(TDM_LEVEL_WARN, "cannot map the pool to zero it again (%s): programs zero it as they use it",
			     strerror(errno));
			tab_begin();
			D.tab->pool_ready = D.p.pool_bytes;
			tab_end();
			return;
		}
	}
	D.zero_how = how;
	zero_stop = 0;
	sigaction(SIGUSR1, &sa, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	zero_started = !pthread_create(&zero_thread, NULL, zero_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!zero_started) {
		dlog(TDM_LEVEL_WARN, "no zeroing thread: pre-zeroing the pool before serving");
		while (zero_step())
			;
	}
}

/* Stop the zeroing thread (it finishes the page it is on). */
static void zero_end(void)
{
	if (!zero_started)
		return;
	zero_stop = 1;
	pthread_kill(zero_thread, SIGUSR1);
	pthread_join(zero_thread, NULL);
	zero_started = false;
}

/* Remove everything boot and the daemon made; the reservation stays. */
static void teardown(void)
{
	static const char *const files[] = {
		"control", "info", "procs", "instance",
	};
	char path[PATH_MAX];
	struct kv rec;
	unsigned i;
	int tries;

	zero_end();
	reap_done(true);
	if (D.pool_map)
		munmap(D.pool_map, D.p.pool_bytes);
	if (D.pool4k_fd >= 0 && D.pool4k_fd != D.p.pool_fd)
		close(D.pool4k_fd);
	if (D.p.pool_fd >= 0)
		close(D.p.pool_fd);
	if (D.p.pool_path[0])
		unlink(D.p.pool_path);

	/* The kernel drops ended tasks from a cpuset a moment later. */
	for (tries = 0; D.p.cgroup[0] && tries < 50; tries++) {
		if (!cg_instance_remove(D.p.cgroup))
			break;
		usleep(20000);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", D.p.dir, files[i]);
		unlink(path);
	}
	rmdir(D.p.dir);

	/* The pool's pages go back to the reservation's holder. */
	if (D.p.reserved && part_load(&rec) == TDM_OK) {
		part_hold(&rec, 0, D.p.name);
		kv_free(&rec);
	}
}

static void do_shutdown(int c, const struct ucred *cr, bool force)
{
	char pids[256];
	int n;

	if (cr->uid != D.owner && cr->uid != 0) {
		replyf(c, "err %d instance %s belongs to uid %u: only its owner or root may shut it down",
		       TDM_EPERM, D.p.name, (unsigned)D.owner);
		return;
	}
	discover();
	n = (int)D.tab->nr_running;
	if (n && !force) {
		replyf(c, "err %d %d program%s still run%s on instance %s (%s): wait for them to end, or `tandem shutdown --force %s` ends them",
		       TDM_ECONFLICT, n, n > 1 ? "s" : "", n > 1 ? "" : "s",
		       D.p.name, running_names(pids, sizeof(pids)), D.p.name);
		return;
	}
	dlog(TDM_LEVEL_INFO, "shutdown asked by uid %u%s", (unsigned)cr->uid,
	     force ? " (--force)" : "");
	n = end_all();
	teardown();
	replyf(c, "ok ended=%d", n);
	exit(0);
}

static void serve(void)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct timeval tv = { .tv_sec = 2 };
	char req[256];
	ssize_t n;
	int c;

	c = accept4(D.listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len)) {
		close(c);
		return;
	}
	n = recv(c, req, sizeof(req) - 1, 0);
	if (n <= 0) {
		close(c);
		return;
	}
	req[n] = '\0';
	req[strcspn(req, "\n")] = '\0';

	if (!strcmp(req, "join")) {
		do_join(c, &cr);
	} else if (!strcmp(req, "shutdown") || !strcmp(req, "shutdown force")) {
		do_shutdown(c, &cr, !strcmp(req, "shutdown force"));
	} else if (!strcmp(req, "kmsg-clear")) {
		if (cr.uid != D.owner && cr.uid != 0) {
			replyf(c, "err %d only the owner of instance %s (uid %u) or root may clear its kmsg",
			       TDM_EPERM, D.p.name, (unsigned)D.owner);
		} else {
			tab_begin();
			D.tab->kmsg_cleared = __atomic_load_n(&D.inst->kmsg_head,
							      __ATOMIC_ACQUIRE);
			tab_end();
			reply(c, "ok", NULL, 0);
		}
	} else if (!strcmp(req, "ping")) {
		reply(c, "ok", NULL, 0);
	} else {
		replyf(c, "err %d unknown request '%s' (tandem and its daemon from different builds?)",
		       TDM_EUSAGE, req);
	}
	close(c);
}

/* ---- the daemon ------------------------------------------------------- */

static int map_rw(const char *file, size_t size, void **out)
{
	char path[PATH_MAX];
	int fd;
	void *p;

	snprintf(path, sizeof(path), "%s/%s", D.p.dir, file);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	*out = p;
	return fd;
}

static int write_info(void)
{
	char id[64], list[256], plist[256];
	struct proc_stat st;
	struct kv kv = { 0 };
	char path[PATH_MAX];
	int err;

	boot_id(id, sizeof(id));
	proc_stat_read(getpid(), 0, &st);
	kv_set(&kv, "version", "1");
	kv_set(&kv, "name", "%s", D.p.name);
	kv_set(&kv, "boot_id", "%s", id);
	kv_set(&kv, "daemon_pid", "%d", (int)getpid());
	kv_set(&kv, "daemon_start", "%llu", st.start_ticks);
	kv_set(&kv, "uid", "%u", (unsigned)D.owner);
	kv_set(&kv, "booted", "%lld", (long long)time(NULL));
	kv_set(&kv, "reserved", "%d", D.p.reserved);
	kv_set(&kv, "mode", "%s", D.p.reserved ? "reserved" : "pinning-only");
	kv_set(&kv, "cgroup_mode", "%s", D.p.cg_mode);
	kv_set(&kv, "cpus", "%s", cpus_format(&D.p.cpus, list, sizeof(list)));
	kv_set(&kv, "proxy_cpus", "%s",
	       cpus_format(&D.p.proxy, plist, sizeof(plist)));
	kv_set(&kv, "pool", "%s", D.p.pool_path[0] ? "hugetlbfs" : "memfd");
	kv_set(&kv, "pool_path", "%s", D.p.pool_path);
	kv_set(&kv, "pool_bytes", "%llu", D.p.pool_bytes);
	kv_set(&kv, "page_size", "%llu", D.p.page_size);
	kv_set(&kv, "cgroup", "%s", D.p.cgroup);
	snprintf(path, sizeof(path), "%s/info", D.p.dir);
	err = kv_save(&kv, path, D.p.reserved || geteuid() == 0 ? 0644 : 0600);
	kv_free(&kv);
	return err;
}

static int daemon_setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct itimerspec its = {
		.it_interval = { .tv_nsec = TICK_MS * 1000000L },
		.it_value = { .tv_nsec = TICK_MS * 1000000L },
	};
	struct proc_stat st;
	sigset_t sigs;
	int fd, i;

	fd = map_rw("instance", sizeof(struct tandem_instance),
		    (void **)&D.inst);
	if (fd < 0) {
		tdm_err("cannot map %s/instance: %s", D.p.dir, strerror(-fd));
		return -1;
	}
	D.inst_fd = fd;
	fd = map_rw("procs", sizeof(struct tandem_proctab), (void **)&D.tab);
	if (fd < 0) {
		tdm_err("cannot map %s/procs: %s", D.p.dir, strerror(-fd));
		return -1;
	}
	close(fd);

	/*
	 * The instance page as an LWK process expects to find it when it is
	 * handed one (--lwk-inst-fd): the partition already set, so that
	 * every process places its threads on the instance's cores; no top
	 * process (top_pid -1), so no process prints the --stats summary.
	 */
	memset(D.inst, 0, sizeof(*D.inst));
	D.inst->abi = TANDEM_ABI_VERSION;
	D.inst->start_ns = mono_ns();
	D.inst->top_pid = -1;
	D.inst->mem_limit = D.p.pool_bytes;
	for (i = 0; i < TANDEM_MAX_CPUS; i++)
		if (CPU_ISSET(i, &D.p.cpus))
			D.inst->partition[i / 64] |= 1ULL << (i % 64);
	D.inst->partition_set = 1;

	/*
	 * Every program's LWK needs a 4 KiB pool: on a reserved instance a
	 * sparse memfd beside the huge pages (nothing is taken until used;
	 * mem_limit caps both together).  Fresh files hold zeroes only.
	 */
	D.pool4k_fd = D.p.pool_fd;
	if (main_pool() != TANDEM_POOL_4K) {
		char name[64];

		snprintf(name, sizeof(name), "tandem-pool-4k-%s", D.p.name);
		D.pool4k_fd = memfd_create(name, MFD_CLOEXEC);
		if (D.pool4k_fd < 0 ||
		    ftruncate(D.pool4k_fd, (off_t)D.p.pool_bytes)) {
			tdm_err("cannot make the 4 KiB pool of %llu bytes: %s",
				D.p.pool_bytes, strerror(errno));
			return -1;
		}
	}
	D.inst->pool_clean = 1U << TANDEM_POOL_4K | 1U << main_pool();

	proc_stat_read(getpid(), 0, &st);
	memset(D.tab, 0, sizeof(*D.tab));
	D.tab->magic = TANDEM_PROCTAB_MAGIC;
	D.tab->version = TANDEM_PROCTAB_VERSION;
	D.tab->max_procs = TANDEM_MAX_PROCS;
	D.tab->daemon_pid = getpid();
	D.tab->daemon_start_ticks = st.start_ticks;
	D.tab->boot_ns = D.inst->start_ns;
	D.tab->pool_bytes = D.p.pool_bytes;
	for (i = 0; i < TANDEM_MAX_PROCS; i++)
		D.pidfd[i] = -1;
	D.reaper_fd = -1;

	D.listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
			     SOCK_NONBLOCK, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", D.p.dir);
	unlink(sa.sun_path);
	if (D.listen_fd < 0 ||
	    bind(D.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(sa.sun_path, D.p.reserved ? 0666 : 0600) ||
	    listen(D.listen_fd, 32)) {
		tdm_err("cannot listen on %s: %s", sa.sun_path, strerror(errno));
		return -1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	D.sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	D.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (D.sig_fd < 0 || D.timer_fd < 0 ||
	    timerfd_settime(D.timer_fd, 0, &its, NULL)) {
		tdm_err("cannot make the daemon's signal or timer descriptor: %s",
			strerror(errno));
		return -1;
	}
	if (write_info()) {
		tdm_err("cannot write %s/info: %s", D.p.dir, strerror(errno));
		return -1;
	}
	return 0;
}

static __attribute__((noreturn)) void daemon_loop(void)
{
	for (;;) {
		struct pollfd pf[4 + TANDEM_MAX_PROCS];
		int idx[TANDEM_MAX_PROCS], n = 4, i;

		pf[0] = (struct pollfd){ .fd = D.listen_fd, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = D.timer_fd, .events = POLLIN };
		pf[2] = (struct pollfd){ .fd = D.sig_fd, .events = POLLIN };
		pf[3] = (struct pollfd){ .fd = D.reaper_fd, .events = POLLIN };
		for (i = 0; i < TANDEM_MAX_PROCS; i++) {
			if (D.tab->proc[i].state != TANDEM_PROC_RUNNING)
				continue;
			idx[n - 4] = i;
			pf[n++] = (struct pollfd){ .fd = D.pidfd[i],
						   .events = POLLIN };
		}
		if (poll(pf, n, -1) < 0 && errno != EINTR)
			dlog(TDM_LEVEL_ERR, "poll: %s", strerror(errno));
		for (i = 4; i < n; i++)
			if (pf[i].revents)
				proc_ended(idx[i - 4]);
		if (pf[3].revents)
			reap_done(false);
		if (pf[0].revents & POLLIN)
			serve();
		if (pf[1].revents & POLLIN) {
			u64 ticks;

			if (read(D.timer_fd, &ticks, sizeof(ticks)) > 0)
				discover();
		}
		if (pf[2].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(D.sig_fd, &si, sizeof(si)) == sizeof(si)) {
				dlog(TDM_LEVEL_INFO,
				     "signal %u from pid %u: ending the instance",
				     si.ssi_signo, si.ssi_pid);
				end_all();
				teardown();
				exit(0);
			}
		}
	}
}

/*
 * Whatever else the caller of boot had open (a pipe a script reads the
 * output of boot from, say) must not stay open for the daemon's lifetime.
 */
static void close_inherited(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	int fd, self = dir ? dirfd(dir) : -1;

	while (dir && (d = readdir(dir))) {
		fd = atoi(d->d_name);
		if (d->d_name[0] != '.' && fd > 2 && fd != self &&
		    fd != D.p.pool_fd && fd != D.p.ready_fd)
			close(fd);
	}
	if (dir)
		closedir(dir);
}

void daemon_run(const struct plan *p)
{
	char list[256], sz[32], psz[32];
	int fd, i;

	D.p = *p;
	close(D.p.lock_fd);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
	close_inherited();
	if (chdir("/"))
		_exit(1);
	umask(022);
	prctl(PR_SET_NAME, TDM_DAEMON_COMM);
	if (CPU_COUNT(&D.p.proxy))
		sched_setaffinity(0, sizeof(D.p.proxy), &D.p.proxy);
	D.owner = geteuid();
	tdm_msg_hook = daemon_msg;

	if (daemon_setup()) {
		teardown();
		_exit(1);
	}
	dlog(TDM_LEVEL_INFO, "instance %s booted (%s): CPUs %s, pool %s %s of %s pages%s%s",
	     D.p.name, D.p.reserved ? "reserved" : "pinning only",
	     cpus_format(&D.p.cpus, list, sizeof(list)),
	     D.p.pool_path[0] ? "hugetlbfs" : "memfd",
	     size_format(D.p.pool_bytes, sz, sizeof(sz)),
	     size_format(D.p.page_size, psz, sizeof(psz)),
	     D.p.cgroup[0] ? ", cpuset " : "", D.p.cgroup);
	D.ready = true;
	if (write(D.p.ready_fd, "ok", 2) < 0)
		_exit(1);
	close(D.p.ready_fd);
	D.p.ready_fd = -1;
	zero_start(ZERO_FALLOCATE);
	daemon_loop();
}

