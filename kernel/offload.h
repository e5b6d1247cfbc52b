/* SPDX-License-Identifier: MIT */
/*
 * Offloaded system calls (kernel/offload.c, docs/offload.md): the route of
 * every call the LWK hands to Linux, direct or proxy, and the IKC client
 * that ships a proxied call to the calling thread's proxy.
 */
#ifndef TANDEM_KERNEL_OFFLOAD_H
#define TANDEM_KERNEL_OFFLOAD_H

#include "lwk.h"

/* Default busy-wait of either side of an IKC slot before it sleeps, ns. */
#define PROXY_SPIN_NS_DEFAULT	20000

/*
 * offload_boot - build the route table from --offload (lwk_proc.cfg),
 * choose the proxies' cores and, if any call may go to a proxy, set up
 * the channel.  Returns 0, or -EINVAL with *why saying what is wrong with
 * the option (the run then ends with status 2).  Called once per image,
 * after the partition is known and before the program starts.
 */
int offload_boot(const char **why);

/* Proxy threads alive in this process (they run LWK code only). */
int offload_proxy_threads(void);

/* Does any call of this run go to a proxy? */
bool offload_proxy_on(void);

/*
 * offload_route - the route Linux's part of call nr takes: ROUTE_PROXY
 * or ROUTE_DIRECT, as --offload and the never-proxied list say.  The
 * dispatcher calls local numbers itself; this is for the rest.
 */
int offload_route(long nr);

/*
 * offload_watched - must call nr pass through the dispatcher even when
 * its route is direct?  True for calls that can leave the calling thread
 * with another file table, fs, credentials or namespaces than its proxy
 * (unshare, setuid, ...), while proxies are in use.
 */
bool offload_watched(long nr);

/*
 * offload_syscall - perform a call the LWK does not implement, by its
 * route; *route says which one it took (a call that cannot go to the
 * proxy goes direct).  Returns the result or -errno.  Context: the
 * calling thread's system call entry.
 */
long offload_syscall(struct lwk_thread *t, long nr, const long *a,
		     int *route);

/*
 * offload_linux - Linux's part of a local call (openat after the LWK
 * looked at its path, say), by the route of nr.  Sets t->offload_proxied
 * when it went to the proxy, so the call is counted there.
 */
long offload_linux(struct lwk_thread *t, long nr, long a0, long a1, long a2,
		   long a3, long a4, long a5);

#define offload_linux1(t, n, a) \
	offload_linux(t, n, (long)(a), 0, 0, 0, 0, 0)
#define offload_linux2(t, n, a, b) \
	offload_linux(t, n, (long)(a), (long)(b), 0, 0, 0, 0)
#define offload_linux3(t, n, a, b, c) \
	offload_linux(t, n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define offload_linux4(t, n, a, b, c, d) \
	offload_linux(t, n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define offload_linux6(t, n, a, b, c, d, e, f) \
	offload_linux(t, n, (long)(a), (long)(b), (long)(c), (long)(d), \
		      (long)(e), (long)(f))

/*
 * offload_after_call - the dispatcher's last word on a call: a thread
 * that changed its own files, fs, credentials or namespaces gets a new
 * proxy, made in its new context, at its next proxied call.
 */
void offload_after_call(struct lwk_thread *t, long nr, const long *a,
			long ret);

/*
 * offload_interrupt - a handler of the program's is about to run on t
 * (the platform has built its frame).  If t waits for a proxied call,
 * have that call end as Linux ends a call a handler interrupts: restarted
 * if `restart` (SA_RESTART) and the call is restartable, else -EINTR.
 * Context: t's signal delivery, on t.
 */
void offload_interrupt(struct lwk_thread *t, bool restart);

/*
 * offload_thread_init - a new thread or process `child` is being made by
 * `parent` with clone flags `flags`: it may use proxies if it is a thread
 * of this process (CLONE_VM and CLONE_THREAD); its proxy, made by the
 * child itself, shares the child's files and fs.  A vfork child runs
 * direct.  Context: the parent, before the child runs.
 */
void offload_thread_init(struct lwk_thread *child,
			 const struct lwk_thread *parent, u64 flags);

/* offload_thread_exit - t ends: its proxy ends too.  Context: t. */
void offload_thread_exit(struct lwk_thread *t);

/*
 * offload_after_fork - in a new process: the parent's proxies are not
 * here.  Forget them; this thread gets a proxy of its own when it needs
 * one.  Context: the child's only thread, before it runs the program.
 */
void offload_after_fork(struct lwk_thread *t);

/* offload_roundtrip - the IKC_SYS_ROUNDTRIP benchmark call. */
long offload_roundtrip(struct lwk_thread *t, const long *a);

#endif
