// SPDX-License-Identifier: MIT
/*
 * Finding booted instances, telling live ones from stale ones, cleaning up
 * stale ones, and talking to a daemon over its control socket (see
 * instance.h).  Used by every command; changes nothing but the state of
 * instances found dead.
 */
#include "instance.h"
#include "cpuset.h"
#include "reserve.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const state_files[] = {
	"info", "instance", "procs", "control", "lock",
};

const char *inst_base(void)
{
	static char buf[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (geteuid() == 0)
		return TDM_RUN_DIR;
	if (buf[0])
		return buf;
	if (xdg && xdg[0] == '/' && !stat(xdg, &st) && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid())
		snprintf(buf, sizeof(buf), "%s/tandem", xdg);
	else
		snprintf(buf, sizeof(buf), "/tmp/tandem-%u", (unsigned)geteuid());
	return buf;
}

int inst_base_ensure(void)
{
	const char *base = inst_base();
	struct stat st;

	if (geteuid() == 0) {
		if (mkdir_p(base, 0755)) {
			tdm_err("cannot make %s: %s", base, strerror(errno));
			return TDM_EFAIL;
		}
		return TDM_OK;
	}
	if (mkdir(base, 0700) && errno != EEXIST) {
		tdm_err("cannot make %s: %s", base, strerror(errno));
		return TDM_EFAIL;
	}
	if (lstat(base, &st) || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077)) {
		tdm_err("refusing to keep instance state in %s: it is not a private directory of yours (remove it, or set XDG_RUNTIME_DIR)",
			base);
		return TDM_EPERM;
	}
	return TDM_OK;
}

bool inst_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > TDM_NAME_MAX || name[0] == '.' || name[0] == '-')
		goto bad;
	for (i = 0; i < n; i++)
		if (!(name[i] >= 'a' && name[i] <= 'z') &&
		    !(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9') &&
		    name[i] != '_' && name[i] != '-' && name[i] != '.')
			goto bad;
	return true;
bad:
	tdm_err("instance name '%s': use 1 to %d letters, digits, '_', '-' or '.', not starting with '.' or '-'",
		name, TDM_NAME_MAX);
	return false;
}

bool inst_daemon_alive(const struct kv *info)
{
	struct proc_stat st;
	char id[64];
	const char *was = kv_get(info, "boot_id");
	pid_t pid = (pid_t)kv_get_u64(info, "daemon_pid", 0);

	boot_id(id, sizeof(id));
	if (!was || strcmp(was, id) || pid <= 0)
		return false;
	if (proc_stat_read(pid, 0, &st))
		return false;
	return st.start_ticks == kv_get_u64(info, "daemon_start", 0) &&
	       !strcmp(st.comm, TDM_DAEMON_COMM) && st.state != 'Z';
}

int inst_cleanup(const char *dir, const struct kv *info, const char *why)
{
	const char *pool = kv_get(info, "pool_path");
	const char *cg = kv_get(info, "cgroup");
	uid_t owner = (uid_t)kv_get_u64(info, "uid", 0);
	char path[PATH_MAX];
	unsigned i;

	if (geteuid() != 0 && geteuid() != owner) {
		tdm_err("%s; only its owner (uid %u) or root can clean it up",
			why, (unsigned)owner);
		return TDM_EPERM;
	}
	tdm_warn("%s: removing its stale state %s", why, dir);
	if (pool && pool[0] && unlink(pool) && errno != ENOENT)
		tdm_warn("cannot remove the pool file %s: %s", pool,
			 strerror(errno));
	if (cg && cg[0]) {
		pid_t pids[16];
		int n = cg_procs(cg, pids, 16);

		if (n > 0)
			tdm_warn("%d processes of the dead instance still run in %s (first pid %d): they keep its cores until they end; end them with kill",
				 n, cg, pids[0]);
		else
			cg_instance_remove(cg);
	}
	for (i = 0; i < sizeof(state_files) / sizeof(state_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, state_files[i]);
		unlink(path);
	}
	if (rmdir(dir) && errno != ENOENT)
		tdm_warn("cannot remove %s: %s", dir, strerror(errno));

	/* The dead pool's pages go back to the reservation's holder. */
	if (kv_get_u64(info, "reserved", 0) && geteuid() == 0) {
		struct kv rec;

		if (part_load(&rec) == TDM_OK) {
			part_hold(&rec, 0, NULL);
			kv_free(&rec);
		}
	}
	return TDM_OK;
}

static void *map_ro(const char *dir, const char *file, size_t size)
{
	char path[PATH_MAX];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || (size_t)st.st_size < size) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* Fill IN from the info file in DIR; TDM_ENOENT if there is none. */
static int load(const char *dir, const char *name, struct inst *in)
{
	char path[PATH_MAX];
	const char *s;

	memset(in, 0, sizeof(*in));
	snprintf(path, sizeof(path), "%s/info", dir);
	if (kv_load(&in->info, path))
		return TDM_ENOENT;
	snprintf(in->name, sizeof(in->name), "%s", name);
	snprintf(in->dir, sizeof(in->dir), "%s", dir);
	in->daemon_pid = (pid_t)kv_get_u64(&in->info, "daemon_pid", 0);
	in->uid = (uid_t)kv_get_u64(&in->info, "uid", 0);
	in->reserved = kv_get_u64(&in->info, "reserved", 0) != 0;
	s = kv_get(&in->info, "cpus");
	if (!s || cpus_parse(s, &in->cpus))
		CPU_ZERO(&in->cpus);
	s = kv_get(&in->info, "proxy_cpus");
	if (!s || cpus_parse(s, &in->proxy_cpus))
		CPU_ZERO(&in->proxy_cpus);
	in->pool_bytes = kv_get_u64(&in->info, "pool_bytes", 0);
	in->page_size = kv_get_u64(&in->info, "page_size", 4096);
	in->pool_kind = kv_get(&in->info, "pool") ?: "memfd";
	in->pool_path = kv_get(&in->info, "pool_path") ?: "";
	in->cgroup = kv_get(&in->info, "cgroup") ?: "";
	return TDM_OK;
}

/* Bases to search: the caller's own, then root's. */
static int bases(const char **out)
{
	int n = 0;

	out[n++] = inst_base();
	if (strcmp(out[0], TDM_RUN_DIR))
		out[n++] = TDM_RUN_DIR;
	return n;
}

static int open_in(const char *base, const char *name, struct inst *in)
{
	char dir[PATH_MAX], why[PATH_MAX + 128];

	snprintf(dir, sizeof(dir), "%s/%s", base, name);
	if (load(dir, name, in))
		return TDM_ENOENT;
	if (!inst_daemon_alive(&in->info)) {
		snprintf(why, sizeof(why),
			 "instance %s is stale: its daemon (pid %d) is gone, or the machine rebooted",
			 name, in->daemon_pid);
		inst_cleanup(dir, &in->info, why);
		kv_free(&in->info);
		return -1;
	}
	in->page = map_ro(dir, "instance", sizeof(struct tandem_instance));
	in->procs = map_ro(dir, "procs", sizeof(struct tandem_proctab));
	if (in->page && in->page->abi != TANDEM_ABI_VERSION) {
		tdm_err("instance %s was booted by a different tandem (LWK ABI %u, this tandem %d): shut it down with that tandem",
			name, in->page->abi, TANDEM_ABI_VERSION);
		inst_close(in);
		return -1;
	}
	if (in->procs && (in->procs->magic != TANDEM_PROCTAB_MAGIC ||
			  in->procs->version != TANDEM_PROCTAB_VERSION)) {
		tdm_err("instance %s has a process table of another version (%u, this tandem %d): shut it down with the tandem that booted it",
			name, in->procs->version, TANDEM_PROCTAB_VERSION);
		inst_close(in);
		return -1;
	}
	return TDM_OK;
}

int inst_open(const char *name, struct inst *in, bool quiet)
{
	char names[TDM_MAX_INSTANCES][TDM_NAME_MAX + 1], list[512] = "";
	const char *b[2];
	int nb = bases(b), i, n, rc;

	if (!inst_name_ok(name))
		return TDM_EUSAGE;
	for (i = 0; i < nb; i++) {
		rc = open_in(b[i], name, in);
		if (rc == TDM_OK)
			return TDM_OK;
		if (rc < 0)
			return TDM_ENOENT;
	}
	if (quiet)
		return TDM_ENOENT;
	n = inst_list(names, TDM_MAX_INSTANCES);
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", names[i]);
	if (n)
		tdm_err("no instance named '%s'; booted: %s", name, list);
	else
		tdm_err("no instance named '%s': none is booted (`tandem boot --name %s` starts one)",
			name, name);
	return TDM_ENOENT;
}

void inst_close(struct inst *in)
{
	if (in->page)
		munmap(in->page, sizeof(struct tandem_instance));
	if (in->procs)
		munmap(in->procs, sizeof(struct tandem_proctab));
	in->page = NULL;
	in->procs = NULL;
	kv_free(&in->info);
}

int inst_list(char names[][TDM_NAME_MAX + 1], int max)
{
	const char *b[2];
	int nb = bases(b), i, n = 0, k;

	for (i = 0; i < nb; i++) {
		DIR *dir = opendir(b[i]);
		struct dirent *d;

		while (dir && (d = readdir(dir)) && n < max) {
			struct inst in;
			bool dup = false;

			if (d->d_type != DT_DIR || d->d_name[0] == '.' ||
			    strlen(d->d_name) > TDM_NAME_MAX ||
			    !strncmp(d->d_name, "hugepages", 9))
				continue;
			for (k = 0; k < n; k++)
				dup |= !strcmp(names[k], d->d_name);
			if (dup || open_in(b[i], d->d_name, &in))
				continue;
			inst_close(&in);
			snprintf(names[n++], TDM_NAME_MAX + 1, "%s", d->d_name);
		}
		if (dir)
			closedir(dir);
	}
	return n;
}

int inst_pick(const char *name, struct inst *in)
{
	char names[TDM_MAX_INSTANCES][TDM_NAME_MAX + 1], list[512] = "";
	int n, i;

	if (name)
		return inst_open(name, in, false);
	n = inst_list(names, TDM_MAX_INSTANCES);
	if (n == 1)
		return inst_open(names[0], in, false);
	if (n == 0) {
		tdm_err("no instance is booted: `tandem boot` starts one");
		return TDM_ENOENT;
	}
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", names[i]);
	tdm_err("%d instances are booted (%s): name one", n, list);
	return TDM_EUSAGE;
}

int inst_reserved_names(char *buf, size_t size)
{
	DIR *dir = opendir(TDM_RUN_DIR);
	struct dirent *d;
	int n = 0;

	buf[0] = '\0';
	while (dir && (d = readdir(dir))) {
		struct inst in;

		if (d->d_type != DT_DIR || d->d_name[0] == '.' ||
		    strlen(d->d_name) > TDM_NAME_MAX ||
		    open_in(TDM_RUN_DIR, d->d_name, &in))
			continue;
		if (in.reserved) {
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
				 n ? ", " : "", in.name);
			n++;
		}
		inst_close(&in);
	}
	if (dir)
		closedir(dir);
	return n;
}

int inst_request(const struct inst *in, const char *req, char *reply,
		 size_t size, int *fds, int *nfds, int timeout_s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
	union {
		char buf[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = reply, .iov_len = size - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *c;
	int s, err, want = nfds ? *nfds : 0;
	ssize_t n;

	if (nfds)
		*nfds = 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control", in->dir);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(s, req, strlen(req), MSG_NOSIGNAL) < 0) {
		err = -errno;
		close(s);
		return err;
	}
	do
		n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	err = n < 0 ? -errno : n == 0 ? -ECONNRESET : 0;
	close(s);
	if (err)
		return err;
	reply[n] = '\0';
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		int i, got;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < got; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (nfds && *nfds < want)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	return 0;
}

int inst_reply_status(const char *reply)
{
	int st = 1, off = 0;

	if (!strncmp(reply, "ok", 2))
		return TDM_OK;
	if (sscanf(reply, "err %d %n", &st, &off) >= 1 && off)
		tdm_err("%s", reply + off);
	else
		tdm_err("the daemon answered '%s'", reply);
	return st ? st : TDM_EFAIL;
}

bool inst_procs_snapshot(const struct inst *in, struct tandem_proctab *out)
{
	int tries;

	if (!in->procs)
		return false;
	for (tries = 0; tries < 1000; tries++) {
		unsigned s1 = __atomic_load_n(&in->procs->seq, __ATOMIC_ACQUIRE);

		if (s1 & 1) {
			usleep(100);
			continue;
		}
		memcpy(out, in->procs, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&in->procs->seq, __ATOMIC_RELAXED) == s1)
			return true;
	}
	return false;
}

bool inst_proc_alive(const struct tandem_proc *p)
{
	struct proc_stat st;

	return p->state == TANDEM_PROC_RUNNING && p->pid > 0 &&
	       !proc_stat_read(p->pid, 0, &st) &&
	       st.start_ticks == p->start_ticks && st.state != 'Z';
}
