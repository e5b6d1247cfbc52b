/* SPDX-License-Identifier: MIT */
/*
 * The parts of Linux's x86-64 user ABI the LWK core and the hosted platform
 * need: signal frames, sigaction, ELF and auxv constants, mmap/clone/prctl
 * flags.  Values are Linux's; layouts follow the kernel's own (not glibc's)
 * definitions.
 */
#ifndef TANDEM_ARCH_ABI_H
#define TANDEM_ARCH_ABI_H

#include "../../types.h"

/* Signals. */
#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGCHLD		17
#define SIGSTOP		19
#define SIGXFSZ		25
#define SIGSYS		31
#define NSIG		64

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define SA_SIGINFO	0x00000004
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SA_RESTORER	0x04000000

#define SS_ONSTACK	1
#define SS_DISABLE	2

#define SIG_DFL		((void *)0)
#define SIG_IGN		((void *)1)

#define sigbit(sig)	(1ULL << ((sig) - 1))

/* The kernel's struct sigaction for rt_sigaction (8-byte sigset). */
struct k_sigaction {
	void *handler;
	u64 flags;
	void *restorer;
	u64 mask;
};

struct k_stack {
	void *ss_sp;
	s32 ss_flags;
	u64 ss_size;
};

/* struct sigcontext, 64-bit layout. */
struct k_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	u64 eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	void *fpstate;
	u64 reserved1[8];
};

struct k_ucontext {
	u64 uc_flags;
	struct k_ucontext *uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	u64 uc_sigmask;
};

/* siginfo as delivered for SIGSYS by Syscall User Dispatch. */
/* si_code of a signal sent by kill(2), sigqueue(3), tkill(2)/tgkill(2). */
#define SI_USER		0
#define SI_QUEUE	(-1)
#define SI_TKILL	(-6)

struct k_siginfo {
	s32 si_signo;
	s32 si_errno;
	s32 si_code;
	s32 pad0;
	union {
		struct {
			void *call_addr;
			s32 syscall;
			u32 arch;
		} sys;
		u8 raw[112];
	};
};

/* Syscall User Dispatch. */
#define PR_SET_SYSCALL_USER_DISPATCH	59
#define PR_SYS_DISPATCH_OFF		0
#define PR_SYS_DISPATCH_ON		1

/* prctl. */
#define PR_SET_NAME		15
#define PR_GET_NAME		16
#define PR_SET_MM		35
#define PR_SET_MM_MAP		14
#define PR_SET_MM_MAP_SIZE	15

struct prctl_mm_map {
	u64 start_code, end_code, start_data, end_data;
	u64 start_brk, brk, start_stack;
	u64 arg_start, arg_end, env_start, env_end;
	u64 *auxv;
	u32 auxv_size;
	u32 exe_fd;
};

/* arch_prctl. */
#define ARCH_SET_GS		0x1001
#define ARCH_SET_FS		0x1002
#define ARCH_GET_FS		0x1003
#define ARCH_GET_GS		0x1004

/* mmap and friends. */
#define PROT_NONE		0x0
#define PROT_READ		0x1
#define PROT_WRITE		0x2
#define PROT_EXEC		0x4
#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_GROWSDOWN		0x0100
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_STACK		0x20000
#define MAP_HUGETLB		0x40000
#define MAP_FIXED_NOREPLACE	0x100000
#define MAP_FAILED		((u64)-1)
#define MREMAP_MAYMOVE		1
#define MREMAP_FIXED		2
#define MREMAP_DONTUNMAP	4
#define MADV_DONTDUMP		16	/* the LWK's own maps: not in a core */

/* clone. */
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_VFORK		0x00004000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_THREAD		0x00010000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_CHILD_SETTID	0x01000000

/* futex operations (the word's bits are kernel/sched/futex.c's). */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_WAIT_PRIVATE	(FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE	(FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

struct k_clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal;
	u64 stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* Files. */
struct k_stat {				/* fstat's, x86-64 layout */
	u64 dev, ino, nlink;
	u32 mode, uid, gid, pad0;
	u64 rdev;
	s64 size, blksize, blocks;
	u64 times[6];
	s64 unused[3];
};

#define AT_FDCWD		-100
#define AT_EMPTY_PATH		0x1000
#define AT_SYMLINK_NOFOLLOW	0x100
#define O_RDONLY		0
#define O_WRONLY		1
#define O_RDWR			2
#define O_CLOEXEC		02000000
#define O_PATH			010000000
#define F_DUPFD			0
#define F_DUPFD_CLOEXEC		1030
#define F_GETFD			1
#define F_SETFD			2
#define FD_CLOEXEC		1

/* Resource limits. */
#define RLIMIT_DATA		2
#define RLIMIT_STACK		3
#define RLIMIT_NOFILE		7
#define RLIMIT_AS		9
#define RLIM_INFINITY		(~0ULL)

struct k_rlimit {
	u64 cur, max;
};

struct k_timespec {
	s64 tv_sec, tv_nsec;
};

#define CLOCK_MONOTONIC		1

/* ELF. */
#define EI_NIDENT		16
#define ELFCLASS64		2
#define ELFDATA2LSB		1
#define ET_EXEC			2
#define ET_DYN			3
#define EM_X86_64		62
#define PT_LOAD			1
#define PT_INTERP		3
#define PT_PHDR			6
#define PT_GNU_STACK		0x6474e551
#define PF_X			1
#define PF_W			2
#define PF_R			4

struct elf64_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Auxiliary vector. */
#define AT_NULL			0
#define AT_IGNORE		1
#define AT_EXECFD		2
#define AT_PHDR			3
#define AT_PHENT		4
#define AT_PHNUM		5
#define AT_PAGESZ		6
#define AT_BASE			7
#define AT_FLAGS		8
#define AT_ENTRY		9
#define AT_UID			11
#define AT_EUID			12
#define AT_GID			13
#define AT_EGID			14
#define AT_PLATFORM		15
#define AT_HWCAP		16
#define AT_CLKTCK		17
#define AT_SECURE		23
#define AT_RANDOM		25
#define AT_HWCAP2		26
#define AT_EXECFN		31
#define AT_SYSINFO_EHDR		33
#define AT_MINSIGSTKSZ		51

#endif
