// SPDX-License-Identifier: MIT
/*
 * The hosted platform's pool: the memory behind the program's anonymous
 * memory is a set of files, one per page size, that the LWK maps into the
 * program at fixed addresses (MAP_SHARED, populated).  A private run makes
 * a file for 4 KiB frames (on a tmpfs of its own mounted huge=always, so
 * Linux backs it with 2 MiB folios, or else a memfd) and, where the
 * machine has free huge pages, a hugetlb memfd per huge page size; a
 * booted instance hands its pool files in (--lwk-pool-fd, --lwk-pool2m-fd,
 * --lwk-pool1g-fd: a memfd or tmpfs file, or a hugetlbfs file of that page
 * size; then it makes none of its own, since a program started separately
 * could not share it).  A process inherits them by descriptor number
 * across fork and execve (lwk_proc.cfg.pool_fd).  The LWK reads and writes
 * frames through its own mapping of each file, its window.
 *
 * Also here: the helper thread, which runs LWK code only (kernel/mm/pool.c
 * zeroes freed frames and pre-faults the pool in it).
 *
 * This file decides nothing about which frames go where; kernel/mm does.
 */
#include "hosted.h"
#include "../../kernel/errno.h"
#include "../../kernel/kmsg.h"
#include "../../kernel/region.h"
#include "../../kernel/lib/lib.h"
#include "../../kernel/arch/x86_64/unistd.h"

#define MFD_HUGETLB		4U
#define MFD_EXEC		0x10U
#define MFD_HUGE_SHIFT		26
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define SEEK_DATA		3
#define SCHED_OTHER		0
#define SCHED_IDLE		5
#define HELPER_STACK		(64 * 1024)
#define FSOPEN_CLOEXEC		1U
#define FSCONFIG_SET_STRING	1U
#define FSCONFIG_CMD_CREATE	6U
#define FSMOUNT_CLOEXEC		1U
#define O_TMPFILE		(020000000 | 0200000)	/* with O_DIRECTORY */
#define THP_SHIFT		21

static const unsigned int pool_shift[TANDEM_NR_POOLS] = { 12, 21, 30 };
static const char *const pool_name[TANDEM_NR_POOLS] = {
	"tandem-pool", "tandem-pool-2m", "tandem-pool-1g",
};
static const char *const free_huge_path[TANDEM_NR_POOLS] = {
	NULL,
	"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
	"/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages",
};

/* Written once by plat_pool_setup, before the program runs. */
static struct {
	u8 *window[TANDEM_NR_POOLS];
	u64 frames[TANDEM_NR_POOLS];
	unsigned int folio_shift[TANDEM_NR_POOLS];	/* Linux's page size */
} hp;

/* A small decimal file such as free_hugepages; 0 if unreadable. */
static u64 read_u64_file(const char *path)
{
	char buf[32];
	long fd, n;
	u64 v = 0;
	int i;

	fd = linux_call4(NR_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	n = linux_call3(NR_read, fd, buf, sizeof(buf) - 1);
	linux_call1(NR_close, fd);
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (buf[i] - '0');
	return v;
}

/*
 * An unlinked file on a tmpfs of its own, mounted huge=always and never
 * attached anywhere (the mount lives as long as the file): Linux backs it
 * with 2 MiB folios where it can, with no huge page reserved and no global
 * setting changed.  Unlimited in size, as a memfd (--mem bounds the pool).
 * Needs CAP_SYS_ADMIN and Linux 5.2; its fd or -errno.
 */
static int thp_file_create(void)
{
	long fs, mnt, fd;

	fs = linux_call2(NR_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return (int)fs;
	fd = linux_call6(NR_fsconfig, fs, FSCONFIG_SET_STRING, "huge",
			 "always", 0, 0);
	if (!fd)
		fd = linux_call6(NR_fsconfig, fs, FSCONFIG_SET_STRING, "size",
				 "0", 0, 0);
	if (!fd)
		fd = linux_call6(NR_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL,
				 NULL, 0, 0);
	mnt = fd ? fd : linux_call3(NR_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	linux_call1(NR_close, fs);
	if (mnt < 0)
		return (int)mnt;
	/* Not O_CLOEXEC: pool files cross execve. */
	fd = linux_call4(NR_openat, mnt, ".", O_TMPFILE | O_RDWR, 0600);
	linux_call1(NR_close, mnt);
	return (int)fd;
}

/* Linux's page size for the pool file @fd of pool @id. */
static unsigned int folio_shift_of(int id, int fd)
{
	struct k_stat st;

	if (id != TANDEM_POOL_4K)
		return pool_shift[id];
	/* A shmem file that may get 2 MiB folios says so in st_blksize. */
	if (!linux_call2(NR_fstat, fd, &st) && st.blksize >= (1L << THP_SHIFT))
		return THP_SHIFT;
	return 12;
}

/*
 * The 4 KiB pool's file, when pages up to 1 << @max_shift are allowed:
 * on a huge=always tmpfs if Linux permits and gives 2 MiB folios there,
 * else -errno (the caller makes a memfd).  Says which in the kmsg ring.
 */
static int thp_pool_create(unsigned int max_shift)
{
	long fd;

	if (max_shift < THP_SHIFT)
		return -EINVAL;
	fd = thp_file_create();
	if (fd >= 0 && folio_shift_of(TANDEM_POOL_4K, (int)fd) < THP_SHIFT) {
		linux_call1(NR_close, fd);
		fd = -EOPNOTSUPP;
	}
	if (fd < 0)
		pr_info("pool", "4 KiB pool: a memfd (no huge=always tmpfs: error %ld)",
			-fd);
	else
		pr_info("pool", "4 KiB pool: a file on a private huge=always tmpfs (2 MiB folios)");
	return (int)fd;
}

/*
 * Make the file of pool @id with @frames frames, the 4 KiB pool's on a
 * huge=always tmpfs when @max_shift allows and Linux permits; its fd or
 * -errno.
 */
static int pool_create(int id, u64 frames, unsigned int max_shift)
{
	u32 flags = 0;
	long fd = -EINVAL;

	if (id != TANDEM_POOL_4K)
		flags = MFD_HUGETLB | (pool_shift[id] << MFD_HUGE_SHIFT);
	else
		fd = thp_pool_create(max_shift);
	/* Programs may map their anonymous memory executable (JITs). */
	if (fd < 0)
		fd = linux_call2(NR_memfd_create, pool_name[id],
				 flags | MFD_EXEC);
	if (fd == -EINVAL)
		fd = linux_call2(NR_memfd_create, pool_name[id], flags);
	if (fd < 0)
		return (int)fd;
	if (linux_call2(NR_ftruncate, fd, frames << pool_shift[id]) < 0) {
		linux_call1(NR_close, fd);
		return -ENOMEM;
	}
	return plat_hide_fd((int)fd);
}

/* Frames in the inherited pool file @fd, or 0 if it is unusable. */
static u64 pool_frames_of(int id, int fd)
{
	struct k_stat st;

	if (fd < 0 || linux_call2(NR_fstat, fd, &st) < 0 || st.size <= 0)
		return 0;
	return (u64)st.size >> pool_shift[id];
}

static int map_window(int id, int fd)
{
	u64 len = hp.frames[id] << pool_shift[id];
	u64 w;

	w = linux_call6(NR_mmap, 0, len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (IS_ERR_VALUE(w))
		return (int)w;
	hp.window[id] = (u8 *)w;
	/* A core dump holds the program's memory, not the whole pool. */
	linux_call3(NR_madvise, w, len, MADV_DONTDUMP);
	return lwk_region_add(w, w + len);
}

int plat_pool_setup(bool create, u64 bytes, unsigned int max_shift,
		    u64 frames[TANDEM_NR_POOLS], u32 *used)
{
	int *fds = lwk_proc.cfg.pool_fd;
	/* A booted instance hands in every pool it has, 4 KiB's at least. */
	bool handed_in = fds[TANDEM_POOL_4K] >= 0;
	int id, err;
	u64 n;

	*used = 0;
	for (id = 0; id < TANDEM_NR_POOLS; id++) {
		frames[id] = 0;
		if (!create || fds[id] >= 0) {
			/* Inherited, or handed in (an instance's pool file). */
			hp.frames[id] = pool_frames_of(id, fds[id]);
			if (!hp.frames[id]) {
				fds[id] = -1;
				continue;
			}
			if (create)
				*used |= 1U << id;
		} else if (handed_in) {
			continue;
		} else {
			n = bytes >> pool_shift[id];
			/* Whole 2 MiB folios, for a file that has them. */
			if (id == TANDEM_POOL_4K && n >= (1U << (THP_SHIFT - 12)))
				n = ALIGN_DOWN(n, 1U << (THP_SHIFT - 12));
			if (id != TANDEM_POOL_4K) {
				if (pool_shift[id] > max_shift)
					continue;
				n = MIN(n, read_u64_file(free_huge_path[id]));
			}
			if (!n)
				continue;
			err = pool_create(id, n, max_shift);
			if (err < 0) {
				if (id == TANDEM_POOL_4K)
					return err;
				pr_info("pool", "no %u KiB page pool: memfd error %d",
					1U << (pool_shift[id] - 10), -err);
				continue;
			}
			fds[id] = err;
			hp.frames[id] = n;
		}
		hp.folio_shift[id] = folio_shift_of(id, fds[id]);
		err = map_window(id, fds[id]);
		if (err)
			return err;
		frames[id] = hp.frames[id];
	}
	return frames[TANDEM_POOL_4K] ? 0 : -ENOMEM;
}

unsigned int plat_pool_folio_shift(int id)
{
	return hp.folio_shift[id];
}

void *plat_pool_frame(int id, u64 pfn)
{
	return hp.window[id] + (pfn << pool_shift[id]);
}

int plat_pool_map(int id, u64 pfn, u64 n, u64 addr, u32 prot, bool populate)
{
	u64 flags = MAP_SHARED | MAP_FIXED;
	long m;

	if (populate)
		flags |= MAP_POPULATE;
	/* Huge frames exist before they are mapped: reserve nothing. */
	if (id != TANDEM_POOL_4K)
		flags |= MAP_NORESERVE;
	m = linux_call6(NR_mmap, addr, n << pool_shift[id], prot, flags,
			lwk_proc.cfg.pool_fd[id], pfn << pool_shift[id]);
	return IS_ERR_VALUE(m) ? (int)m : 0;
}

/* Zeroes to write into the pool file: page faults only for this once. */
static const u8 zeroes[64 * 1024];

/* Write zeroes over [off, off + len) of pool @id's file. */
static int write_zeroes(int id, u64 off, u64 len)
{
	long n;

	while (len) {
		n = linux_call4(NR_pwrite64, lwk_proc.cfg.pool_fd[id], zeroes,
				MIN(len, (u64)sizeof(zeroes)), off);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			return -ENOMEM;
		off += n;
		len -= n;
	}
	return 0;
}

int plat_pool_prefault(int id, u64 pfn, u64 n, bool background)
{
	u64 off = pfn << pool_shift[id], len = n << pool_shift[id];
	long err = -EINVAL;

	/*
	 * 4 KiB frames: write zeroes into the file.  Linux makes each page
	 * and copies into it without a page fault (half the cost of a fault
	 * per page, as MADV_POPULATE_WRITE takes), holds no mmap lock the
	 * program's mmap would wait for, and the helper is not charged with
	 * faults getrusage would count as the program's.  A file in 2 MiB
	 * folios, on either path: fallocate makes them (about 3 ms a GiB)
	 * without zeroing them, and the populating map that hands them out
	 * zeroes each in its one fault, faster than writing; so the helper,
	 * growing ahead, takes no memory bandwidth from a compute phase.
	 *
	 * Huge pages, which write(2) does not take: on the program's path,
	 * write-faulted through the window (its page tables filled for later
	 * zeroing); the helper has fallocate make them, which zeroes them
	 * and, unlike a fault, fails cleanly when there are none.
	 */
	if (id == TANDEM_POOL_4K && hp.folio_shift[id] < THP_SHIFT)
		return write_zeroes(id, off, len);
	if (!background && id != TANDEM_POOL_4K)
		err = linux_call3(NR_madvise, hp.window[id] + off, len,
				  MADV_POPULATE_WRITE);
	/* Background, 2 MiB folios, or Linux < 5.14. */
	if (err == -EINVAL)
		err = linux_call4(NR_fallocate, lwk_proc.cfg.pool_fd[id], 0,
				  off, len);
	return err ? -ENOMEM : 0;
}

void plat_pool_zero(int id, u64 pfn, u64 n, bool background)
{
	u64 off = pfn << pool_shift[id], len = n << pool_shift[id];

	/*
	 * The helper writes zeroes into the file (no fault).  A program path
	 * zeroes through the window, twice as fast as writing once the
	 * window maps the frames, and without the file's lock the helper's
	 * writes take turns on; it maps them first (a read fault per 16
	 * pages where the window lacks them, none after).
	 */
	if (background && id == TANDEM_POOL_4K && !write_zeroes(id, off, len))
		return;
	if (!background && id == TANDEM_POOL_4K)
		linux_call3(NR_madvise, hp.window[id] + off, len,
			    MADV_POPULATE_READ);
	memset(hp.window[id] + off, 0, len);
}

/*
 * A hole reads zero already, so the punch starts at the range's first
 * data, and a range that is all hole (most of an exiting thread's stack,
 * given back once before) costs one lseek: the punch would still walk
 * the page tables of the range in both mappings, the LWK's window and
 * the program's.
 */
int plat_pool_discard(int id, u64 pfn, u64 n)
{
	int fd = lwk_proc.cfg.pool_fd[id];
	long off = pfn << pool_shift[id], len = n << pool_shift[id], data;
	long err;

	if (id != TANDEM_POOL_4K)
		return -EINVAL;
	data = linux_call3(NR_lseek, fd, off, SEEK_DATA);
	if (data == -ENXIO || data >= off + len)
		return 0;
	if (data > off) {
		len -= data - off;
		off = data;
	}
	err = linux_call4(NR_fallocate, fd,
			  FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
	return err ? (int)err : 0;
}

/*
 * hosted_helper_clone(flags, stack_top, fn, arg): clone(2) a thread that
 * starts on stack_top in fn(arg).  fn and arg travel on the new stack.
 */
long hosted_helper_clone(u64 flags, u64 stack_top, void (*fn)(void *),
			 void *arg);
__asm__(
	"	.text\n"
	"	.globl	hosted_helper_clone\n"
	"	.type	hosted_helper_clone, @function\n"
	"hosted_helper_clone:\n"
	"	mov	%rdx, -16(%rsi)\n"
	"	mov	%rcx, -8(%rsi)\n"
	"	sub	$16, %rsi\n"
	"	xor	%edx, %edx\n"
	"	xor	%r10d, %r10d\n"
	"	xor	%r8d, %r8d\n"
	"	mov	$56, %eax\n"		/* clone */
	"	syscall\n"
	"	test	%rax, %rax\n"
	"	jnz	1f\n"
	"	pop	%rax\n"
	"	pop	%rdi\n"
	"	xor	%ebp, %ebp\n"
	"	call	*%rax\n"
	"	ud2\n"
	"1:	ret\n"
	"	.size	hosted_helper_clone, . - hosted_helper_clone\n");

struct helper_start {
	void (*fn)(void *);
	void *arg;
};

static struct helper_start helper_start;

void plat_helper_boost(long tid, bool on)
{
	u64 param = 0;

	linux_call3(NR_sched_setscheduler, tid, on ? SCHED_OTHER : SCHED_IDLE,
		    &param);
}

static void helper_entry(void *p)
{
	struct helper_start *hs = p;

	plat_helper_boost(0, false);
	linux_call2(NR_prctl, PR_SET_NAME, "tandem-helper");
	hs->fn(hs->arg);
	for (;;)
		linux_call1(NR_exit, 0);
}

long plat_helper_start(void (*fn)(void *), void *arg)
{
	u64 flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		    CLONE_THREAD | 0x00040000 /* CLONE_SYSVSEM */;
	irqflags_t irq;
	long stack, tid;

	/*
	 * What the helper touches is touched now, in this call: its stack,
	 * and the LWK image (its code, its buffer of zeroes).  getrusage
	 * counts every thread's page faults as the program's.
	 */
	linux_call3(NR_madvise, __lwk_start, __lwk_end - __lwk_start,
		    MADV_POPULATE_READ);
	stack = linux_call6(NR_mmap, 0, HELPER_STACK, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (IS_ERR_VALUE(stack))
		return stack;
	if (lwk_region_add(stack, stack + HELPER_STACK)) {
		linux_call2(NR_munmap, stack, HELPER_STACK);
		return -ENOSPC;
	}
	helper_start.fn = fn;
	helper_start.arg = arg;

	/* The thread inherits this mask: it must never take a signal. */
	irq = plat_signals_off();
	tid = hosted_helper_clone(flags, stack + HELPER_STACK, helper_entry,
				  &helper_start);
	plat_irq_restore(irq);
	if (tid < 0) {
		lwk_region_del(stack, stack + HELPER_STACK);
		linux_call2(NR_munmap, stack, HELPER_STACK);
	}
	return tid;
}
