// SPDX-License-Identifier: MIT
/*
 * proxy: what the proxy route costs (issue 5).
 *
 *   proxy [CALLS]      (default 200000)
 *
 * ikc_roundtrip: the median time of an empty IKC round trip between the
 * calling LWK thread and its proxy thread (post, serve an empty call,
 * return), CALLS of them back to back, as the LWK times them
 * (IKC_SYS_ROUNDTRIP in include/uapi/ikc.h); ikc_roundtrip_p99 its 99th
 * percentile; ikc_roundtrip_cold the median when each round trip follows
 * a 1 ms pause, so both sides have stopped spinning and sleep.  These
 * appear only under `tandem run --offload=proxy`.
 *
 * getppid, a call the LWK hands to Linux, so its route (direct or proxy)
 * is what is timed, through syscall(2): getppid_median is the median of
 * CALLS calls timed one by one (the clock's own cost, some 20-30 ns, is
 * in every variant); getppid the mean of the median batch of 5, as in
 * bench/progs/syscall.c.  On a shared machine the mean also shows how
 * often the proxy thread waited for its core.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"
#include "calls.h"
#include "../../include/uapi/ikc.h"

#define COLD_ROUNDS	200
#define COLD_GAP_NS	1000000

/* The median of `calls` calls of nr, each timed on its own. */
static double median_per_call(long nr, long calls)
{
	double *t = malloc(calls * sizeof(*t)), m;
	long i;

	if (!t)
		fail("out of memory for %ld samples", calls);
	for (i = 0; i < calls; i++) {
		double t0 = now_ns();

		syscall(nr);
		t[i] = now_ns() - t0;
	}
	m = median_of(t, calls);
	free(t);
	return m;
}

/* The LWK's round-trip figures, or 0 when this is not a proxied run. */
static int roundtrip(long rounds, long gap_ns, struct ikc_roundtrip *out)
{
	if (syscall(IKC_SYS_ROUNDTRIP, rounds, out, gap_ns) == 0)
		return 1;
	if (errno != ENOSYS && errno != EOPNOTSUPP)
		fail("IKC_SYS_ROUNDTRIP: %s", strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? arg_long("CALLS", argv[1]) : 200000;
	struct ikc_roundtrip rt;

	if (calls < BATCHES)
		fail("CALLS must be at least %d", BATCHES);
	if (roundtrip(calls, 0, &rt)) {
		metric("ikc_roundtrip", rt.median_ns, "ns");
		metric("ikc_roundtrip_p99", rt.p99_ns, "ns");
		fprintf(stderr, "proxy: LWK thread on CPU %d, proxy on CPU %d; min %llu ns, p90 %llu ns, max %llu ns\n",
			rt.client_cpu, rt.server_cpu, rt.min_ns, rt.p90_ns,
			rt.max_ns);
		if (roundtrip(COLD_ROUNDS, COLD_GAP_NS, &rt))
			metric("ikc_roundtrip_cold", rt.median_ns, "ns");
	}
	metric("getppid_median", median_per_call(SYS_getppid, calls), "ns");
	metric("getppid", ns_per_call(SYS_getppid, calls), "ns/call");
	return 0;
}
