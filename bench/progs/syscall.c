// SPDX-License-Identifier: MIT
/*
 * syscall: the cost of one system call, for a call the LWK serves itself
 * (getpid, local route) and one it hands to Linux (getppid, direct route).
 *
 *   syscall [CALLS]      (default 200000 of each)
 *
 * Each call goes through syscall(2) so that no library caching can skip
 * the kernel.  The calls are made in 5 batches; the figure is the median
 * batch's time per call, which keeps a preempted batch from counting.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"
#include "calls.h"

int main(int argc, char **argv)
{
	long calls = argc > 1 ? arg_long("CALLS", argv[1]) : 200000;

	if (calls < BATCHES)
		fail("CALLS must be at least %d", BATCHES);
	metric("getpid", ns_per_call(SYS_getpid, calls), "ns/call");
	metric("getppid", ns_per_call(SYS_getppid, calls), "ns/call");
	return 0;
}
