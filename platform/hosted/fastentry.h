/* SPDX-License-Identifier: MIT */
/*
 * The hosted platform's fast system-call entry (docs/fast-entry.md):
 * call sites the program has trapped at once are rewritten to jump to a
 * per-site stub, which enters the LWK at hosted_fast_entry without a
 * signal.  Shared by fastentry.S (the entry), fastentry.c (the entry's C
 * half, the thread table) and rewrite.c (finding, patching and forgetting
 * call sites).  Everything below __ASSEMBLER__ is for C only.
 */
#ifndef TANDEM_HOSTED_FASTENTRY_H
#define TANDEM_HOSTED_FASTENTRY_H

/*
 * The frame the entry builds on the thread's LWK stack: a struct
 * k_ucontext whose uc_flags carry FAST_UC_FLAG, then the fields below.
 * Offsets are checked against the C layout in fastentry.c.
 */
#define FAST_UC_FLAG		(1 << 30)
#define FF_UC_FLAGS		0
#define FF_MC			40		/* uc_mcontext */
#define FF_R8			(FF_MC + 0)
#define FF_R9			(FF_MC + 8)
#define FF_R10			(FF_MC + 16)
#define FF_R11			(FF_MC + 24)
#define FF_R12			(FF_MC + 32)
#define FF_R13			(FF_MC + 40)
#define FF_R14			(FF_MC + 48)
#define FF_R15			(FF_MC + 56)
#define FF_RDI			(FF_MC + 64)
#define FF_RSI			(FF_MC + 72)
#define FF_RBP			(FF_MC + 80)
#define FF_RBX			(FF_MC + 88)
#define FF_RDX			(FF_MC + 96)
#define FF_RAX			(FF_MC + 104)
#define FF_RCX			(FF_MC + 112)
#define FF_RSP			(FF_MC + 120)
#define FF_RIP			(FF_MC + 128)
#define FF_EFLAGS		(FF_MC + 136)
#define FF_FPSTATE		(FF_MC + 184)
#define FF_SIGMASK		296
#define FF_SLOW			304		/* the stub's signal-path label */
#define FF_FALLBACK		312		/* nonzero: take the signal path */
#define FF_MASK_STATE		316
#define FF_SIZE			320		/* a multiple of 16 */

/*
 * What the entry keeps on the program's stack, below its red zone, before
 * it knows the thread: FAST_SKIP bytes below the program's %rsp, then a
 * pushfq.  Offsets from %rsp after the pushfq.
 */
#define FAST_REDZONE		128
#define FAST_SKIP		(FAST_REDZONE + 32)
#define FS_FLAGS		0
#define FS_SLOW			8
#define FS_NR			16
#define FS_SPARE		24
#define FS_PROBES		32
#define FS_PROG_RSP		(FAST_SKIP + 8)

/*
 * A word at the end of an area's header: where the fast entry starts its
 * frame on the area's stack when the program is not on it, 0 for the top.
 * Lowered while a program handler runs above live LWK frames (signal.c).
 */
#define AREA_FAST_TOP		(2 * 4096 - 8)

/* The thread table: one 64-bit word per slot, tid | (area >> 18) << 32. */
#define TID_SLOTS		4096
#define TID_AREA_SHIFT		18
#define TID_TOMB		0xffffffff

/*
 * The area table: slot (area >> TID_AREA_SHIFT) & (TID_SLOTS - 1) holds
 * the area of a live thread whose GS base the LWK set to that area, or 0.
 * The entry trusts a GS base only if it finds it there.
 */
#define GS_SLOTS		TID_SLOTS

/* kernel/fdguard.h FDG_MAP_BITS: the LWK descriptors fdguard_map covers. */
#define FAST_FDG_MAP_BITS	65536

/* A stub in a trampoline page; slot 0 holds the page header. */
#define STUB_SIZE		32
#define STUB_JMP_REL		3	/* slow label + 3: rel32 of the jump back */
#define STUB_JMP_END		7	/* slow label + 7: after that jump */

#ifndef __ASSEMBLER__

#include "hosted.h"

enum fast_mask_state {
	FAST_MASK_UNREAD = 0,	/* uc_sigmask not read from Linux yet */
	FAST_MASK_READ,		/* uc_sigmask is Linux's current mask */
	FAST_MASK_SET,		/* uc_sigmask must be given to Linux on return */
};

/* The entry's frame; plat_regs points at its uc. */
struct fast_frame {
	struct k_ucontext uc;
	u64 slow;
	u32 fallback;
	u32 mask_state;
};

/* How this process enters the LWK (lwk_proc.cfg.entry asks for one). */
extern int hosted_entry_mode;		/* TANDEM_ENTRY_SIGNAL or _REWRITE */

/* fastentry.S */
void hosted_fast_entry(void);

/* fastentry.S reads these. */
extern u64 hosted_fast_direct[TANDEM_NR_SYSCALLS / 64];
extern u64 hosted_fast_fd0[TANDEM_NR_SYSCALLS / 64];
extern u64 hosted_tid_table[TID_SLOTS];
extern u64 hosted_gs_table[GS_SLOTS];
extern u32 hosted_fast_gs;
extern unsigned long long *hosted_fast_route_ctr;
extern unsigned long long *hosted_fast_calls_ctr;
extern unsigned long long *hosted_fast_entry_ctr;

/* fastentry.c */
void hosted_fast_init(void);
void hosted_fast_thread_add(struct hosted_thread *ht);
void __hosted_fast_thread_add(struct hosted_thread *ht);
void hosted_fast_thread_del(struct hosted_thread *ht);
void __hosted_fast_thread_del(struct hosted_thread *ht);
long hosted_fast_dispatch(struct fast_frame *f);
bool hosted_regs_fast(const struct plat_regs *r);
u64 hosted_fast_sigmask(struct plat_regs *r);
u64 hosted_fast_live_mask(struct hosted_thread *ht);
void hosted_fast_mask_note(struct hosted_thread *ht, u64 mask);
void hosted_fast_set_sigmask(struct plat_regs *r, u64 mask);
void hosted_fast_count_trap(void);
void hosted_fast_cpu_caps(u64 hwcap2);

bool hosted_fast_needs_signal(long nr);
u64 hosted_fast_fork_begin(void);
void hosted_fast_fork_child(void);
void hosted_fast_fork_end(u64 cookie, bool child);

/* rewrite.c */
struct rewrite_call {
	int state;
	u64 irq;
};

bool rewrite_init(const char **why);
void rewrite_call_begin(struct rewrite_call *c, const struct k_sigcontext *mc);
void rewrite_call_end(struct rewrite_call *c);
void rewrite_trap(const struct k_ucontext *uc);
u64 rewrite_lock_for_fork(void);
void rewrite_fork_child(void);
void rewrite_unlock_after_fork(u64 cookie, bool child);

#endif /* __ASSEMBLER__ */
#endif
