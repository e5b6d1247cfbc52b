// SPDX-License-Identifier: MIT
/*
 * The LWK's descriptors are not the program's.  The LWK keeps the
 * instance page, its log and its pool files open in the program's own
 * file table (above the soft RLIMIT_NOFILE, platform/hosted plat_hide_fd),
 * so a program that named one could read or write every user's pool
 * memory.  Every call that takes a descriptor is checked before it is
 * served or offloaded: one that names an LWK descriptor gets EBADF, as
 * for one that is not open.  Where a call takes its descriptors is the
 * table fdguard_args[]; a few need more than an argument compared:
 * mmap (only without MAP_ANONYMOUS), select (the fd sets), sendmsg
 * (descriptors passed with SCM_RIGHTS), and the calls that reach a file
 * through a path, which /proc/self/fd/N would turn into an LWK file:
 * those that open are checked on the descriptor they return, those that
 * change a file by path on the file the path names.  poll and ppoll
 * answer per descriptor: their answer is corrected after the call, an
 * LWK descriptor's entry made POLLNVAL.  Since Linux would wait on such
 * an entry (a regular file reports no POLLPRI, and nothing for events 0),
 * a call that may wait first looks without waiting (fdguard_poll_nowait).
 *
 * The fast entry (platform/hosted/fastentry.S) makes calls that take a
 * descriptor in their first argument only without the dispatcher; it
 * tests that argument against fdguard_map.  Calls with descriptors
 * elsewhere always come through the dispatcher (syscall_passthrough).
 */
#include "fdguard.h"
#include "errno.h"
#include "kmsg.h"
#include "lib/lib.h"
#include "arch/x86_64/unistd.h"

/* Calls past the installed UAPI header (arch/x86_64/unistd.h). */
#define NR_cachestat		451
#define NR_fchmodat2		452
#define NR_setxattrat		463
#define NR_getxattrat		464
#define NR_listxattrat		465
#define NR_removexattrat	466
#define NR_open_tree_attr	467
#define NR_file_getattr		468
#define NR_file_setattr		469

#define A0	FDG_A0
#define A1	FDG_A1
#define A2	FDG_A2
#define A3	FDG_A3
#define SPECIAL	FDG_SPECIAL
#define OPEN	FDG_OPEN

const u8 fdguard_args[TANDEM_NR_SYSCALLS] = {
	/* The first argument. */
	[NR_read] = A0, [NR_write] = A0, [NR_close] = A0, [NR_fstat] = A0,
	[NR_lseek] = A0, [NR_pread64] = A0,
	[NR_pwrite64] = A0, [NR_readv] = A0, [NR_writev] = A0, [NR_dup] = A0,
	[NR_dup2] = A0, [NR_dup3] = A0, [NR_connect] = A0, [NR_accept] = A0,
	[NR_sendto] = A0, [NR_recvfrom] = A0, [NR_recvmsg] = A0,
	[NR_shutdown] = A0, [NR_bind] = A0, [NR_listen] = A0,
	[NR_getsockname] = A0, [NR_getpeername] = A0, [NR_setsockopt] = A0,
	[NR_getsockopt] = A0, [NR_fcntl] = A0, [NR_flock] = A0,
	[NR_fsync] = A0, [NR_fdatasync] = A0, [NR_ftruncate] = A0,
	[NR_getdents] = A0, [NR_getdents64] = A0, [NR_fchdir] = A0,
	[NR_fchmod] = A0, [NR_fchown] = A0, [NR_fstatfs] = A0,
	[NR_readahead] = A0, [NR_fsetxattr] = A0, [NR_fgetxattr] = A0,
	[NR_flistxattr] = A0, [NR_fremovexattr] = A0, [NR_fadvise64] = A0,
	[NR_epoll_wait] = A0, [NR_epoll_pwait] = A0, [NR_epoll_pwait2] = A0,
	[NR_inotify_rm_watch] = A0,
	[NR_mkdirat] = A0, [NR_mknodat] = A0, [NR_unlinkat] = A0,
	[NR_readlinkat] = A0, [NR_newfstatat] = A0, [NR_statx] = A0,
	[NR_faccessat] = A0, [NR_faccessat2] = A0, [NR_execveat] = A0,
	[NR_sync_file_range] = A0, [NR_vmsplice] = A0, [NR_signalfd] = A0,
	[NR_signalfd4] = A0, [NR_timerfd_settime] = A0,
	[NR_timerfd_gettime] = A0, [NR_accept4] = A0, [NR_fallocate] = A0,
	[NR_preadv] = A0, [NR_pwritev] = A0, [NR_preadv2] = A0,
	[NR_pwritev2] = A0, [NR_recvmmsg] = A0, [NR_name_to_handle_at] = A0,
	[NR_syncfs] = A0, [NR_setns] = A0, [NR_finit_module] = A0,
	[NR_pidfd_send_signal] = A0,
	[NR_fsmount] = A0, [NR_fspick] = A0, [NR_process_madvise] = A0,
	[NR_quotactl_fd] = A0,
	[NR_mq_timedsend] = A0, [NR_mq_timedreceive] = A0,
	[NR_mq_getsetattr] = A0, [NR_landlock_restrict_self] = A0,
	[NR_process_mrelease] = A0, [NR_cachestat] = A0,
	[NR_getxattrat] = A0, [NR_listxattrat] = A0, [NR_file_getattr] = A0,
	[NR_file_setattr] = A0,
	/* Two descriptors, or one not first. */
	[NR_sendfile] = A0 | A1, [NR_tee] = A0 | A1, [NR_epoll_ctl] = A0 | A2,
	[NR_renameat] = A0 | A2, [NR_renameat2] = A0 | A2,
	[NR_linkat] = A0 | A2, [NR_symlinkat] = A1, [NR_splice] = A0 | A2,
	[NR_copy_file_range] = A0 | A2, [NR_move_mount] = A0 | A2,
	[NR_pidfd_getfd] = A0 | A1, [NR_perf_event_open] = A3 | SPECIAL,
	/* More than an argument to look at. */
	[NR_mmap] = SPECIAL, [NR_select] = SPECIAL, [NR_pselect6] = SPECIAL,
	[NR_sendmsg] = A0 | SPECIAL, [NR_sendmmsg] = A0 | SPECIAL,
	[NR_truncate] = SPECIAL, [NR_chmod] = SPECIAL, [NR_chown] = SPECIAL,
	[NR_setxattr] = SPECIAL, [NR_removexattr] = SPECIAL,
	[NR_utime] = SPECIAL, [NR_utimes] = SPECIAL,
	[NR_fchmodat] = A0 | SPECIAL, [NR_fchownat] = A0 | SPECIAL,
	[NR_futimesat] = A0 | SPECIAL, [NR_utimensat] = A0 | SPECIAL,
	[NR_fchmodat2] = A0 | SPECIAL, [NR_setxattrat] = A0 | SPECIAL,
	[NR_removexattrat] = A0 | SPECIAL,
	[NR_inotify_add_watch] = A0 | SPECIAL,
	[NR_fanotify_mark] = A0 | A3 | SPECIAL,
	[NR_ioctl] = A0 | SPECIAL, [NR_io_submit] = SPECIAL,
	[NR_waitid] = SPECIAL, [NR_kcmp] = SPECIAL, [NR_bpf] = SPECIAL,
	[NR_mq_notify] = A0 | SPECIAL, [NR_kexec_file_load] = A0 | SPECIAL,
	[NR_fsconfig] = A0 | SPECIAL, [NR_landlock_add_rule] = A0 | SPECIAL,
	[NR_mount_setattr] = A0 | SPECIAL,
	/* They answer per descriptor: an LWK one gets POLLNVAL. */
	[NR_poll] = FDG_POLL, [NR_ppoll] = FDG_POLL,
	/* They open a file: the one they opened is checked. */
	[NR_open] = OPEN, [NR_creat] = OPEN, [NR_openat] = A0 | OPEN,
	[NR_openat2] = A0 | OPEN, [NR_open_by_handle_at] = A0 | OPEN,
	[NR_open_tree] = A0 | OPEN, [NR_open_tree_attr] = A0 | OPEN,
};

u64 fdguard_map[FDG_MAP_BITS / 64];
u32 fdguard_ceil;

#define FDG_MAX		(2 + TANDEM_NR_POOLS)

/* The LWK descriptors and the files they are (st_dev, st_ino). */
static struct {
	int fd;
	u64 dev, ino;
} lwk_fds[FDG_MAX];
static int lwk_nfds;

bool fdguard_lwk_fd(long fd)
{
	u32 f = (u32)fd;
	int i;

	if (f >= fdguard_ceil)
		return false;
	if (f < FDG_MAP_BITS)
		return fdguard_map[f / 64] >> (f % 64) & 1;
	for (i = 0; i < lwk_nfds; i++)
		if ((u32)lwk_fds[i].fd == f)
			return true;
	return false;
}

void fdguard_update(void)
{
	int fds[FDG_MAX], n = 0, i;
	u64 st[18];
	u32 ceil = 0;

	fds[n++] = lwk_proc.cfg.inst_fd;
	fds[n++] = lwk_proc.cfg.log_fd;
	for (i = 0; i < TANDEM_NR_POOLS; i++)
		fds[n++] = lwk_proc.cfg.pool_fd[i];
	memset(fdguard_map, 0, sizeof(fdguard_map));
	lwk_nfds = 0;
	for (i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if ((u32)fds[i] < FDG_MAP_BITS)
			fdguard_map[fds[i] / 64] |= 1ULL << (fds[i] % 64);
		ceil = MAX(ceil, (u32)fds[i] + 1);
		lwk_fds[lwk_nfds].fd = fds[i];
		lwk_fds[lwk_nfds].dev = lwk_fds[lwk_nfds].ino = ~0ULL;
		if (!linux_call2(NR_fstat, fds[i], st)) {
			lwk_fds[lwk_nfds].dev = st[0];
			lwk_fds[lwk_nfds].ino = st[1];
		}
		lwk_nfds++;
	}
	WRITE_ONCE(fdguard_ceil, ceil);
}

/* Is the file with this (st_dev, st_ino) one the LWK holds? */
static bool lwk_file(const u64 *st)
{
	int i;

	for (i = 0; i < lwk_nfds; i++)
		if (lwk_fds[i].dev == st[0] && lwk_fds[i].ino == st[1])
			return true;
	return false;
}

/* Does the path (from dirfd) name an LWK file?  NULL names dirfd itself. */
static bool lwk_path(long dirfd, long upath)
{
	u64 st[18];

	if (!upath)
		return false;
	return !linux_call4(NR_newfstatat, dirfd, upath, st, 0) &&
	       lwk_file(st);
}

/* Does fd_set @uset of nfds bits hold an LWK descriptor? */
static bool set_has_lwk(const u64 *uset, u64 nfds)
{
	u64 w;
	int i;

	if (!uset)
		return false;
	for (i = 0; i < lwk_nfds; i++) {
		u32 fd = lwk_fds[i].fd;

		if (fd >= nfds || plat_copy_from_user(&w, uset + fd / 64, 8))
			continue;
		if (w >> (fd % 64) & 1)
			return true;
	}
	return false;
}

/* Does msghdr @umsg pass an LWK descriptor with SCM_RIGHTS? */
static bool msg_passes_lwk(const u8 *umsg)
{
	struct {
		u64 name, namelen, iov, iovlen, control, controllen;
	} m;
	struct {
		u64 len;
		s32 level, type;
	} c;
	s32 fds[16];
	u64 off = 0, n, i, j, k;

	if (plat_copy_from_user(&m, umsg, sizeof(m)) || !m.control)
		return false;
	while (off + sizeof(c) <= m.controllen) {
		if (plat_copy_from_user(&c, (u8 *)m.control + off, sizeof(c)) ||
		    c.len < sizeof(c) || c.len > m.controllen - off)
			return false;
		n = (c.len - sizeof(c)) / 4;
		for (i = 0; c.level == 1 && c.type == 1 && i < n; i += k) {
			k = MIN(n - i, ARRAY_SIZE(fds));
			if (plat_copy_from_user(fds, (u8 *)m.control + off +
						sizeof(c) + 4 * i, 4 * k))
				return false;
			for (j = 0; j < k; j++)
				if (fdguard_lwk_fd(fds[j]))
					return true;
		}
		off += ALIGN_UP(c.len, 8);
	}
	return false;
}

/* Is the s32 at @off in the program's struct @ustruct an LWK descriptor? */
static bool field_lwk(long ustruct, u64 off)
{
	s32 fd;

	return ustruct && !plat_copy_from_user(&fd, (u8 *)ustruct + off, 4) &&
	       fdguard_lwk_fd(fd);
}

/* Is pid this process (or one of its threads, which share its table)? */
static bool own_pid(long pid)
{
	return (s32)pid == lwk_proc.pid ||
	       (s32)pid == linux_call0(NR_gettid);
}

/* ioctls that take a descriptor in their argument (linux/fs.h, loop.h...). */
#define FICLONE			0x40049409
#define FICLONERANGE		0x4020940d
#define FIDEDUPERANGE		0xc0189436
#define LOOP_SET_FD		0x4c00
#define LOOP_CHANGE_FD		0x4c06
#define LOOP_CONFIGURE		0x4c0a
#define PERF_EVENT_IOC_SET_OUTPUT 0x2405
#define SECCOMP_IOCTL_NOTIF_ADDFD 0x40182103
#define EXT4_IOC_MOVE_EXT	0xc028660f

static bool ioctl_lwk(u32 cmd, long arg)
{
	u16 n, i;

	switch (cmd) {
	case FICLONE:
	case LOOP_SET_FD:
	case LOOP_CHANGE_FD:
	case PERF_EVENT_IOC_SET_OUTPUT:
		return fdguard_lwk_fd(arg);
	case FICLONERANGE:
	case LOOP_CONFIGURE:
		return field_lwk(arg, 0);
	case EXT4_IOC_MOVE_EXT:
		return field_lwk(arg, 4);
	case SECCOMP_IOCTL_NOTIF_ADDFD:
		return field_lwk(arg, 12);
	case FIDEDUPERANGE:
		/* A 24-byte header (dest_count at 16), then 32-byte entries. */
		if (!arg || plat_copy_from_user(&n, (u8 *)arg + 16, 2))
			return false;
		for (i = 0; i < n; i++)
			if (field_lwk(arg, 24 + 32 * (u64)i))
				return true;
		return false;
	}
	return false;
}

/*
 * bpf(cmd, attr): where the commands that always name a descriptor keep
 * it in union bpf_attr (linux/bpf.h): up to two offsets, each plus one
 * (0: none).
 */
#define AT(off)		((off) + 1)
static const u8 bpf_fd_at[][2] = {
	[1] = { AT(0) }, [2] = { AT(0) }, [3] = { AT(0) },
	[4] = { AT(0) },			/* BPF_MAP_*_ELEM, GET_NEXT_KEY */
	[6] = { AT(8) },			/* BPF_OBJ_PIN */
	[8] = { AT(4) },			/* BPF_PROG_ATTACH */
	[10] = { AT(0) },			/* BPF_PROG_TEST_RUN */
	[15] = { AT(0) },			/* BPF_OBJ_GET_INFO_BY_FD */
	[17] = { AT(8) },			/* BPF_RAW_TRACEPOINT_OPEN */
	[21] = { AT(0) }, [22] = { AT(0) },	/* LOOKUP_AND_DELETE, FREEZE */
	[24] = { AT(36) }, [25] = { AT(36) },
	[26] = { AT(36) }, [27] = { AT(36) },	/* BPF_MAP_*_BATCH */
	[28] = { AT(0) },			/* BPF_LINK_CREATE */
	[29] = { AT(0), AT(4) },		/* BPF_LINK_UPDATE */
	[33] = { AT(0) }, [34] = { AT(0) },	/* ITER_CREATE, LINK_DETACH */
	[35] = { AT(0), AT(4) },		/* BPF_PROG_BIND_MAP */
	[36] = { AT(4) },			/* BPF_TOKEN_CREATE */
};

static bool bpf_lwk(u64 cmd, long attr, u64 size)
{
	s32 q[2];
	int i;

	if (cmd < ARRAY_SIZE(bpf_fd_at))
		for (i = 0; i < 2; i++)
			if (bpf_fd_at[cmd][i] &&
			    bpf_fd_at[cmd][i] + 3U <= size &&
			    field_lwk(attr, bpf_fd_at[cmd][i] - 1))
				return true;
	/* BPF_TASK_FD_QUERY: pid at 0, the descriptor at 4. */
	return cmd == 20 && size >= 8 &&
	       !plat_copy_from_user(q, (void *)attr, 8) &&
	       own_pid(q[0]) && fdguard_lwk_fd(q[1]);
}

/*
 * io_submit(ctx, nr, iocbpp): each struct iocb names its file (aio_fildes,
 * at 20) and, with IOCB_FLAG_RESFD (aio_flags at 56), an eventfd at 60.
 * Linux submits those before the first bad one: so does this, returning
 * how many it submitted, or -EBADF if the first is bad; 0 if none is.
 */
static long io_submit_refuse(const long *a)
{
	u32 cb[16];
	u64 p;
	long i;

	for (i = 0; i < a[1]; i++) {
		if (plat_copy_from_user(&p, (u64 *)a[2] + i, 8) ||
		    plat_copy_from_user(cb, (void *)p, sizeof(cb)))
			return 0;
		if (fdguard_lwk_fd(cb[5]) || ((cb[14] & 1) &&
					      fdguard_lwk_fd(cb[15])))
			return i ? linux_call3(NR_io_submit, a[0], i, a[2]) :
				   -EBADF;
	}
	return 0;
}

/* kcmp(pid1, pid2, type, idx1, idx2): the descriptors of this process. */
static bool kcmp_lwk(const long *a)
{
	if (a[2] == 0)				/* KCMP_FILE */
		return (own_pid(a[0]) && fdguard_lwk_fd(a[3])) ||
		       (own_pid(a[1]) && fdguard_lwk_fd(a[4]));
	if (a[2] == 7)				/* KCMP_EPOLL_TFD */
		return (own_pid(a[0]) && fdguard_lwk_fd(a[3])) ||
		       (own_pid(a[1]) && field_lwk(a[4], 0));
	return false;
}

/* Which descriptor arguments and what else to look at: true to refuse. */
static bool names_lwk_fd(long nr, u8 g, const long *a)
{
	u64 i;
	u32 v;

	if (((g & A0) && fdguard_lwk_fd(a[0])) ||
	    ((g & A1) && fdguard_lwk_fd(a[1])) ||
	    ((g & A2) && fdguard_lwk_fd(a[2])) ||
	    ((g & A3) && fdguard_lwk_fd(a[3])))
		return true;
	if (!(g & SPECIAL))
		return false;
	switch (nr) {
	case NR_mmap:
		return !(a[3] & MAP_ANONYMOUS) && fdguard_lwk_fd(a[4]);
	case NR_select:
	case NR_pselect6:
		return (s32)a[0] > 0 &&
		       (set_has_lwk((u64 *)a[1], (u32)a[0]) ||
			set_has_lwk((u64 *)a[2], (u32)a[0]) ||
			set_has_lwk((u64 *)a[3], (u32)a[0]));
	case NR_sendmsg:
		return msg_passes_lwk((u8 *)a[1]);
	case NR_ioctl:
		return ioctl_lwk(a[1], a[2]);
	case NR_kcmp:
		return kcmp_lwk(a);
	case NR_waitid:
		return a[0] == 3 && fdguard_lwk_fd(a[1]);	/* P_PIDFD */
	case NR_perf_event_open:
		/* PERF_FLAG_PID_CGROUP: pid is a cgroup directory's. */
		return (a[4] & 4) && fdguard_lwk_fd(a[1]);
	case NR_mq_notify:
		/* SIGEV_THREAD: sigev_signo is a netlink socket. */
		return a[1] && field_lwk(a[1], 8) &&
		       !plat_copy_from_user(&v, (u8 *)a[1] + 12, 4) && v == 2;
	case NR_kexec_file_load:
		/* The initrd, unless KEXEC_FILE_NO_INITRAMFS. */
		return !(a[4] & 4) && fdguard_lwk_fd(a[1]);
	case NR_fsconfig:
		/* FSCONFIG_SET_PATH(_EMPTY): a dirfd; FSCONFIG_SET_FD: an fd. */
		return a[1] >= 3 && a[1] <= 5 && fdguard_lwk_fd(a[4]);
	case NR_landlock_add_rule:
		/* LANDLOCK_RULE_PATH_BENEATH: parent_fd after a u64. */
		return a[1] == 1 && field_lwk(a[2], 8);
	case NR_mount_setattr:
		/* MOUNT_ATTR_IDMAP: userns_fd, the fourth u64. */
		return (u64)a[4] >= 32 && !plat_copy_from_user(&v, (void *)a[3],
							       4) &&
		       (v & 0x00100000) && field_lwk(a[3], 24);
	case NR_sendmmsg:
		/* struct mmsghdr: a msghdr and its length, 64 bytes. */
		for (i = 0; i < MIN((u64)(u32)a[2], 1024ULL); i++)
			if (msg_passes_lwk((u8 *)a[1] + 64 * i))
				return true;
		return false;
	}
	return false;
}

/* Does a call that changes a file by path name an LWK file? */
static bool names_lwk_file(long nr, const long *a)
{
	switch (nr) {
	case NR_truncate:
	case NR_chmod:
	case NR_chown:
	case NR_setxattr:
	case NR_removexattr:
	case NR_utime:
	case NR_utimes:
		return lwk_path(AT_FDCWD, a[0]);
	case NR_inotify_add_watch:
		return lwk_path(AT_FDCWD, a[1]);
	case NR_fchmodat:
	case NR_fchmodat2:
	case NR_fchownat:
	case NR_futimesat:
	case NR_utimensat:
	case NR_setxattrat:
	case NR_removexattrat:
		return lwk_path(a[0], a[1]);
	case NR_fanotify_mark:
		return lwk_path(a[3], a[4]);
	}
	return false;
}

long fdguard_refuse(long nr, u8 g, const long *a)
{
	if (!fdguard_ceil)
		return 0;
	if (nr == NR_io_submit)
		return io_submit_refuse(a);
	/* BPF_OBJ_GET_INFO_BY_FD answers EBADFD for a closed descriptor. */
	if (nr == NR_bpf && bpf_lwk(a[0], a[1], (u32)a[2]))
		return a[0] == 15 ? -EBADFD : -EBADF;
	if (names_lwk_fd(nr, g, a))
		return -EBADF;
	/* As Linux answers for /proc/self/fd/N when N is not open. */
	if ((g & SPECIAL) && names_lwk_file(nr, a))
		return -ENOENT;
	return 0;
}

long fdguard_opened(long fd)
{
	u64 st[18];

	if (!fdguard_ceil || linux_call2(NR_fstat, fd, st) || !lwk_file(st))
		return fd;
	linux_call1(NR_close, fd);
	return -ENOENT;
}

/* struct pollfd; Linux's answer for a descriptor that is not open. */
struct k_pollfd {
	s32 fd;
	s16 events, revents;
};
#define POLLNVAL	0x20

long fdguard_polled(const long *a, long ret)
{
	struct k_pollfd *p = (struct k_pollfd *)a[0];
	u32 n = (u32)a[1], ceil = READ_ONCE(fdguard_ceil), i;

	/*
	 * Linux read and wrote every entry just now (or it would have
	 * failed), so they are read in place: one test per entry.
	 */
	for (i = 0; i < n; i++) {
		if ((u32)p[i].fd >= ceil || !fdguard_lwk_fd(p[i].fd))
			continue;
		if (!p[i].revents)
			ret++;
		p[i].revents = POLLNVAL;
	}
	return ret;
}

bool fdguard_poll_nowait(long nr, const long *a, long *b,
			 struct k_timespec *zero)
{
	struct k_timespec ts;
	int i;

	if (!READ_ONCE(fdguard_ceil))
		return false;
	if (nr == NR_poll) {
		if (!(int)a[2])
			return false;
	} else if (a[2]) {
		if (plat_copy_from_user(&ts, (void *)a[2], sizeof(ts)) ||
		    ts.tv_sec < 0 || (u64)ts.tv_nsec >= 1000000000ULL ||
		    (!ts.tv_sec && !ts.tv_nsec))
			return false;
	}
	for (i = 0; i < 6; i++)
		b[i] = a[i];
	*zero = (struct k_timespec){ 0, 0 };
	b[2] = nr == NR_poll ? 0 : (long)zero;
	return true;
}

bool syscall_fd_arg0(long nr)
{
	return (ulong)nr < TANDEM_NR_SYSCALLS && fdguard_args[nr] == A0;
}
