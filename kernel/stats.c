// SPDX-License-Identifier: MIT
/*
 * The --stats summary, printed by the process `tandem run` started when it
 * ends: system calls by route with counts and time, the busiest calls, the
 * memory high-water mark and the run time, as text or as JSON.
 */
#include "lwk.h"
#include "mm/mm.h"
#include "trace.h"
#include "lib/lib.h"
#include "arch/x86_64/abi.h"
#include "arch/x86_64/unistd.h"

#define TOP_CALLS	8

/* Peak resident memory of this process in KiB, from Linux's VmHWM. */
static u64 peak_rss_kib(void)
{
	return linux_file_number("/proc/self/status", "VmHWM:");
}

/* The TOP_CALLS most frequent system-call numbers, most frequent first. */
static int top_calls(const struct tandem_instance *inst, int *out)
{
	int n = 0, i, j;

	for (i = 0; i < TANDEM_NR_SYSCALLS; i++) {
		if (!inst->calls[i])
			continue;
		for (j = n < TOP_CALLS ? n++ : TOP_CALLS; j > 0; j--) {
			if (j < TOP_CALLS && inst->calls[out[j - 1]] >= inst->calls[i])
				break;
			if (j < TOP_CALLS)
				out[j] = out[j - 1];
			else if (inst->calls[out[j - 1]] >= inst->calls[i])
				break;
		}
		if (j < TOP_CALLS)
			out[j] = i;
	}
	return n;
}

/* The entries the run's processes used (docs/fast-entry.md). */
static const char *entry_name(unsigned int modes)
{
	bool sig = modes & (1U << TANDEM_ENTRY_SIGNAL);
	bool rw = modes & (1U << TANDEM_ENTRY_REWRITE);

	return sig && rw ? "rewrite+signal" : rw ? "rewrite" : "signal";
}

static void emit(char *buf, int *len, int size, const char *fmt, ...)
	__printf(4, 5);
static void emit(char *buf, int *len, int size, const char *fmt, ...)
{
	va_list ap;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	*len += vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (*len > size)
		*len = size;
}

void stats_print(void)
{
	const struct tandem_instance *inst = lwk_proc.inst;
	u64 run_ns = plat_now_ns() - inst->start_ns, total = 0;
	int top[TOP_CALLS], ntop, i, len = 0;
	bool json = lwk_proc.cfg.stats_json;
	char out[4096];

	if (!lwk_proc.cfg.stats)
		return;
	for (i = 0; i < ROUTE_COUNT; i++)
		total += inst->route_calls[i];
	ntop = top_calls(inst, top);

	if (json) {
		emit(out, &len, sizeof(out),
		     "{\"tandem_stats\":1,\"run_ns\":%llu,\"processes\":%u,"
		     "\"syscalls\":%llu,\"routes\":{",
		     (unsigned long long)run_ns, inst->nr_processes,
		     (unsigned long long)total);
		for (i = 0; i < ROUTE_COUNT; i++)
			emit(out, &len, sizeof(out),
			     "%s\"%s\":{\"calls\":%llu,\"ns\":%llu}",
			     i ? "," : "", route_name(i),
			     (unsigned long long)inst->route_calls[i],
			     (unsigned long long)inst->route_ns[i]);
		emit(out, &len, sizeof(out), "},\"top\":{");
		for (i = 0; i < ntop; i++)
			emit(out, &len, sizeof(out), "%s\"%s\":%llu",
			     i ? "," : "", syscall_name(top[i]),
			     (unsigned long long)inst->calls[top[i]]);
		emit(out, &len, sizeof(out),
		     "},\"entry\":{\"mode\":\"%s\",\"sites\":%llu,"
		     "\"sites_kept\":%llu,\"fast_calls\":%llu,"
		     "\"signal_calls\":%llu}",
		     entry_name(inst->entry_modes),
		     (unsigned long long)inst->entry_sites,
		     (unsigned long long)inst->entry_sites_kept,
		     (unsigned long long)inst->entry_fast_calls,
		     (unsigned long long)inst->entry_signal_calls);
		emit(out, &len, sizeof(out), ",");
		if (len < (int)sizeof(out))
			len += mm_stats_format(out + len, sizeof(out) - len, true);
		emit(out, &len, sizeof(out), ",\"peak_rss_kib\":%llu}\n",
		     (unsigned long long)peak_rss_kib());
	} else {
		emit(out, &len, sizeof(out),
		     "tandem: --stats\n"
		     "  run time      %llu.%03llu ms, %u process%s\n"
		     "  system calls  %llu\n",
		     (unsigned long long)(run_ns / 1000000),
		     (unsigned long long)(run_ns / 1000 % 1000),
		     inst->nr_processes, inst->nr_processes == 1 ? "" : "es",
		     (unsigned long long)total);
		for (i = 0; i < ROUTE_COUNT; i++)
			emit(out, &len, sizeof(out),
			     "    %-8s    %llu calls, %llu us\n", route_name(i),
			     (unsigned long long)inst->route_calls[i],
			     (unsigned long long)(inst->route_ns[i] / 1000));
		emit(out, &len, sizeof(out), "  most called  ");
		for (i = 0; i < ntop; i++)
			emit(out, &len, sizeof(out), "%s%s %llu",
			     i ? ", " : "", syscall_name(top[i]),
			     (unsigned long long)inst->calls[top[i]]);
		emit(out, &len, sizeof(out),
		     "\n  entry         %s: %llu sites rewritten, %llu kept trapping; %llu calls fast, %llu by SIGSYS",
		     entry_name(inst->entry_modes),
		     (unsigned long long)inst->entry_sites,
		     (unsigned long long)inst->entry_sites_kept,
		     (unsigned long long)inst->entry_fast_calls,
		     (unsigned long long)inst->entry_signal_calls);
		emit(out, &len, sizeof(out),
		     "\n  memory peak   %llu KiB resident (top process)\n",
		     (unsigned long long)peak_rss_kib());
		if (len < (int)sizeof(out))
			len += mm_stats_format(out + len, sizeof(out) - len,
					       false);
	}
	plat_log_write(out, len);
}
