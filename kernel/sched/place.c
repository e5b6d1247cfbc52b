// SPDX-License-Identifier: MIT
/*
 * Thread placement.  The run's partition is a set of cores (--cpus, or
 * every core tandem run was allowed); each new thread of any process of
 * the run is given the partition core with the fewest LWK threads,
 * lowest number first, so threads spread one per core in order, as an HPC
 * user expects, and pinned there when the cores are the run's own (--cpus,
 * a booted instance); elsewhere Linux places them within the partition.
 * With more threads than cores they double up round-robin: allowed, with
 * a kmsg warning, unless --oversubscribe says it is meant.
 *
 * The per-core counts live in the instance page, shared by the run's
 * processes.  The program sees the whole partition as its affinity.
 */
#include "sched.h"
#include "../sys.h"
#include "../errno.h"
#include "../kmsg.h"
#include "../lib/lib.h"
#include "../arch/x86_64/unistd.h"

#define MASK_WORDS	(TANDEM_MAX_CPUS / 64)

static bool in_partition(int cpu)
{
	return lwk_proc.inst->partition[cpu / 64] & (1ULL << (cpu % 64));
}

/*
 * The least-loaded partition core, lowest number first; but the core the
 * thread already runs on (here, or -1 to ask Linux) when it is as good,
 * since moving a thread to a busy core makes it wait for that core.
 */
static int pick_core(int here)
{
	struct tandem_instance *inst = lwk_proc.inst;
	int w, cpu, best = -1;
	u64 bits;

	/* By the partition's set bits: a thread's creation pays for each. */
	for (w = 0; w < MASK_WORDS; w++) {
		for (bits = inst->partition[w]; bits; bits &= bits - 1) {
			cpu = w * 64 + __builtin_ctzll(bits);
			if (best < 0 || READ_ONCE(inst->core_threads[cpu]) <
					READ_ONCE(inst->core_threads[best]))
				best = cpu;
		}
	}
	if (best >= 0 && here < 0 &&
	    linux_call3(NR_getcpu, (unsigned int *)&here, NULL, NULL))
		return best;
	if (best >= 0 && here >= 0 && here < TANDEM_MAX_CPUS &&
	    in_partition(here) &&
	    READ_ONCE(inst->core_threads[here]) ==
	    READ_ONCE(inst->core_threads[best]))
		best = here;
	return best;
}

/*
 * Are the partition's cores the run's own: named with --cpus, or a booted
 * instance's reserved cores?  Only then are threads pinned.  On cores the
 * run shares with the rest of the machine, a pinned thread cannot leave a
 * core other programs keep busy, and its program waits for it (STREAM's
 * triad pinned at 0.84x of Linux, unpinned at 1.27x, on a loaded
 * machine: docs/usage.md).
 */
static bool cores_owned(void)
{
	return lwk_proc.cfg.cpus[0] != '\0';
}

/* Pin thread tid (0: the caller) to one core, if the cores are ours. */
static void pin(long tid, int cpu)
{
	u64 mask[MASK_WORDS] = { 0 };

	if (!cores_owned())
		return;
	mask[cpu / 64] = 1ULL << (cpu % 64);
	linux_call3(NR_sched_setaffinity, tid, sizeof(mask), mask);
}

/* Count a new thread on the core picked for it; warn on the first double. */
static int take_core(int here)
{
	struct tandem_instance *inst = lwk_proc.inst;
	int cpu = pick_core(here);

	if (cpu < 0)
		return -1;
	if (__atomic_fetch_add(&inst->core_threads[cpu], 1, __ATOMIC_RELAXED) &&
	    !lwk_proc.cfg.oversubscribe &&
	    !__atomic_exchange_n(&inst->oversub_warned, 1, __ATOMIC_RELAXED))
		pr_warn("sched", "more threads than partition cores: sharing core %d (use --oversubscribe to say this is meant)",
			cpu);
	return cpu;
}

/*
 * sched_boot - record the partition (first process of a run) from the
 * affinity Linux gave us, then place the main thread.
 */
void sched_boot(void)
{
	struct tandem_instance *inst = lwk_proc.inst;
	struct lwk_thread *t = plat_current();
	u64 mask[MASK_WORDS] = { 0 };
	int i;

	if (!inst->partition_set) {
		if (linux_call3(NR_sched_getaffinity, 0, sizeof(mask), mask) > 0)
			for (i = 0; i < MASK_WORDS; i++)
				inst->partition[i] = mask[i];
		inst->partition_set = 1;
	}
	sched_thread_start(t);
}

/* sched_thread_start - place the calling (new) thread on its core. */
void sched_thread_start(struct lwk_thread *t)
{
	t->cpu = take_core(-1);
	if (t->cpu >= 0)
		pin(0, t->cpu);
}

/*
 * sched_child_place - choose the core of a thread the caller (parent) is
 * about to create, and count it there; child->cpu says which (-1: none).
 * Placing a thread from its parent lets it start on its core: a thread
 * that moves itself there first starts on its parent's core (it inherits
 * the parent's affinity) and is then migrated by Linux, which costs a
 * context switch on each.  sched_child_pin() finishes the job once the
 * child has a tid; sched_thread_exit() undoes it if the clone fails.
 */
void sched_child_place(struct lwk_thread *parent, struct lwk_thread *child)
{
	child->cpu = take_core(parent->own_affinity ? -1 : parent->cpu);
}

/*
 * sched_child_pin - pin the new thread tid to the core sched_child_place
 * chose.  A child still queued behind its parent moves without running
 * first.  Nothing to do when it inherited that very core.
 */
void sched_child_pin(struct lwk_thread *parent, struct lwk_thread *child,
		     long tid)
{
	if (child->cpu >= 0 &&
	    (child->cpu != parent->cpu || parent->own_affinity))
		pin(tid, child->cpu);
}

void sched_thread_exit(struct lwk_thread *t)
{
	if (t->cpu >= 0)
		__atomic_fetch_sub(&lwk_proc.inst->core_threads[t->cpu], 1,
				   __ATOMIC_RELAXED);
	t->cpu = -1;
}

/* The whole process ends: give back the cores of its threads. */
void sched_process_exit(void)
{
	sched_thread_exit(plat_current());
}

/* The program sees the partition, not the one core its thread is on. */
SYSCALL(sched_getaffinity)
{
	u64 size = a[1], n = sizeof(lwk_proc.inst->partition);

	if (a[0] && a[0] != t->tid && a[0] != t->pid)
		return linux_call3(NR_sched_getaffinity, a[0], a[1], a[2]);
	if (size < 8 || (size & 7))
		return -EINVAL;
	if (t->own_affinity)
		return linux_call3(NR_sched_getaffinity, 0, a[1], a[2]);
	n = MIN(n, size);
	if (plat_copy_to_user((void *)a[2], lwk_proc.inst->partition, n))
		return -EFAULT;
	return n;
}

/*
 * A program that places its own threads (OpenMP's proc_bind, MPI
 * binding) is obeyed within the partition.
 */
SYSCALL(sched_setaffinity)
{
	u64 mask[MASK_WORDS] = { 0 };
	u64 size = MIN((u64)a[1], sizeof(mask));
	bool any = false;
	long err;
	int i;

	if (a[0] && a[0] != t->tid && a[0] != t->pid)
		return linux_call3(NR_sched_setaffinity, a[0], a[1], a[2]);
	if (plat_copy_from_user(mask, (void *)a[2], size))
		return -EFAULT;
	for (i = 0; i < MASK_WORDS; i++) {
		mask[i] &= lwk_proc.inst->partition[i];
		any |= mask[i] != 0;
	}
	if (!any)
		return -EINVAL;
	err = linux_call3(NR_sched_setaffinity, 0, sizeof(mask), mask);
	if (!err)
		t->own_affinity = true;
	return err;
}

/*
 * A fork child is a new process of one thread: it starts with no cores of
 * its own and is placed like any new thread.
 */
void sched_after_fork(struct lwk_thread *t)
{
	memset(lwk_proc.core_threads, 0, sizeof(lwk_proc.core_threads));
	sched_thread_start(t);
}
