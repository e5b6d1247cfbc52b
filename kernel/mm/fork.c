// SPDX-License-Identifier: MIT
/*
 * Memory across fork and process death.
 *
 * Fork copies at fork time: pool memory is a shared mapping as far as
 * Linux knows, so before the clone the parent gives the child new frames
 * for each private pool region and copies the bytes into them; right after
 * it, the child maps those frames over the same addresses.  Shared
 * anonymous regions stay shared (the child becomes one more user of each).
 * Linux's own mappings are copied by Linux as usual.  vfork and CLONE_VM
 * children share the parent's memory and need none of this.
 *
 * What a process held is taken back when its parent reaps it (wait4 and
 * waitid are local for that) and when its pid boots a new image (pool.c).
 *
 * The copy is made before the clone; the platform stops the process's
 * other threads around both (platform/hosted/forkstop.c), so the program
 * sees one instant.  Limits (docs/memory.md): bytes written for a thread
 * still inside a system call between the two are not in the child; the
 * main stack is copied only from the forking thread's stack pointer up.
 */
#include "mm.h"
#include "space.h"
#include "buddy.h"
#include "../sys.h"
#include "../errno.h"
#include "../kmsg.h"
#include "../lib/lib.h"
#include "../arch/x86_64/abi.h"
#include "../arch/x86_64/unistd.h"

#define WNOWAIT		0x01000000
#define CLD_EXITED	1
#define CLD_TRAPPED	4
#define CLD_DUMPED	3
#define STACK_SLACK	4096	/* below the stack pointer: the red zone */

/* Between mm_fork_prepare and mm_fork_parent/child; under the mm lock. */
static struct {
	irqflags_t irq;
	int slot;
	bool active;
} fk;

/*
 * Give the child new frames for private pool region @v, copying the bytes
 * at or above @nocopy_below; @v may be cut where the frames change.
 */
static int copy_region(struct vma *v, u64 nocopy_below)
{
	int id = vma_pool(v);
	u32 shift = v->page_shift;
	u64 n = vma_frames(v), cnt, bs, be, from;
	unsigned int order;
	struct vma *rest;
	long pfn;
	int err;

	while (n) {
		order = MIN(63U - (unsigned int)__builtin_clzll(n),
			    (unsigned int)BUDDY_MAX_ORDER);
		for (;;) {
			pfn = pool_alloc(id, order, (unsigned int)fk.slot);
			if (pfn != -ENOMEM || !order)
				break;
			order--;
		}
		if (pfn < 0)
			return -ENOMEM;
		cnt = 1ULL << order;
		rest = NULL;
		if (cnt < n) {
			err = vma_split(&mm.tree, v, v->start + (cnt << shift),
					&rest);
			if (err) {
				pool_free(id, (u64)pfn, cnt);
				return err;
			}
		}
		bs = v->start;
		be = v->end;
		from = MAX(bs, MIN(nocopy_below, be));
		if (!(v->flags & VF_WIPEONFORK) && from < be) {
			pool_copy(id, (u64)pfn + ((from - bs) >> shift), id,
				  vma_pfn(v, from), be - from);
			__atomic_fetch_add(&lwk_proc.inst->fork_copied, be - from,
					   __ATOMIC_RELAXED);
		}
		v->aux = v->backing;
		v->backing = (u64)pfn << (shift - PAGE_SHIFT);
		v->flags |= VF_FORK;
		n -= cnt;
		v = rest;
	}
	return 0;
}

/* Put the parent's own frames back into every region fork touched. */
static void restore_parent(void)
{
	struct vma *v;

	for (v = vma_first(&mm.tree); v; v = vma_next(&mm.tree, v)) {
		if (!(v->flags & VF_FORK))
			continue;
		v->backing = v->aux;
		v->flags &= ~VF_FORK;
	}
	merge_range(0, TASK_TOP);
}

/*
 * mm_fork_prepare - before a fork (a clone without CLONE_VM) by the thread
 * whose stack pointer is @sp.  Returns 0 with the mm lock held until
 * mm_fork_parent() (and, in the child, mm_fork_child()), or -ENOMEM.
 */
int mm_fork_prepare(u64 sp)
{
	u64 a, end, nocopy;
	struct vma *v;
	int err = 0;

	if (!mm.ready)
		return 0;
	fk.irq = mm_lock();
	fk.slot = pool_fork_slot();
	if (fk.slot < 0) {
		mm_unlock(fk.irq);
		return -ENOMEM;
	}
	for (a = 0; (v = vma_find(&mm.tree, a)); a = end) {
		end = v->end;
		if (v->kind != K_POOL || (v->flags & (VF_SHARED | VF_DONTFORK)))
			continue;
		nocopy = 0;
		if ((v->flags & VF_STACK) && sp >= mm.stack_start &&
		    sp < mm.stack_end)
			nocopy = ALIGN_DOWN(sp - STACK_SLACK, PAGE_SIZE);
		err = copy_region(v, nocopy);
		if (err)
			break;
	}
	if (err) {
		restore_parent();
		pool_fork_done(fk.slot, err);
		mm_unlock(fk.irq);
		return err;
	}
	fk.active = true;
	return 0;
}

/* mm_fork_parent - after the clone in the parent: @pid or the error. */
void mm_fork_parent(long pid)
{
	if (!fk.active)
		return;
	fk.active = false;
	restore_parent();
	pool_fork_done(fk.slot, pid);
	mm_unlock(fk.irq);
}

/*
 * mm_fork_child - first thing in the fork child: map its own frames over
 * every private pool region, drop MADV_DONTFORK regions, release the lock.
 */
void mm_fork_child(void)
{
	struct vma *v, *next;
	int err;

	if (!fk.active)
		return;
	fk.active = false;
	mm_lock_reinit();
	pool_fork_child(fk.slot);
	for (v = vma_first(&mm.tree); v; v = next) {
		next = vma_next(&mm.tree, v);
		if (v->kind != K_POOL)
			continue;
		if (v->flags & VF_DONTFORK) {
			linux_call2(NR_munmap, v->start, v->end - v->start);
			node_del(v);
			continue;
		}
		if (!(v->flags & VF_FORK))
			continue;
		v->flags &= ~VF_FORK;
		err = plat_pool_map(vma_pool(v), vma_pfn(v, v->start),
				    vma_frames(v), v->start, v->prot, true);
		if (err) {
			pr_err("mm", "fork child cannot map its memory (error %d)",
			       -err);
			plat_exit_group(127);
		}
	}
	merge_range(0, TASK_TOP);
	plat_irq_restore(fk.irq);
}

/* ---- reaping ------------------------------------------------------------ */

/* Did this wait status report an end (not a stop or a continue)? */
static bool ended(int status)
{
	return (status & 0xff) != 0x7f && status != 0xffff;
}

SYSCALL(wait4)
{
	int status = 0;
	long pid;

	do
		pid = linux_call4(NR_wait4, a[0], &status, a[2], a[3]);
	while (pid > 0 && ptrace_resume_dispatch_stop(pid, status));
	if (pid <= 0)
		return pid;
	if (ended(status))
		pool_reap((int)pid);
	if (a[1] && plat_copy_to_user((void *)a[1], &status, sizeof(status)))
		return -EFAULT;
	return pid;
}

SYSCALL(waitid)
{
	struct {
		s32 signo, err, code, pad;
		s32 pid, uid, status;
		u8 rest[100];
	} si;
	long ret;

	do {
		memset(&si, 0, sizeof(si));
		ret = linux_call6(NR_waitid, a[0], a[1], &si, a[3], a[4], 0);
	} while (ret == 0 && si.code == CLD_TRAPPED && !(a[3] & WNOWAIT) &&
		 ptrace_resume_dispatch_stop(si.pid, si.status << 8 | 0x7f));
	if (ret < 0)
		return ret;
	if (!(a[3] & WNOWAIT) && si.pid > 0 && si.code >= CLD_EXITED &&
	    si.code <= CLD_DUMPED)
		pool_reap(si.pid);
	if (a[2] && plat_copy_to_user((void *)a[2], &si, sizeof(si)))
		return -EFAULT;
	return ret;
}
