// SPDX-License-Identifier: MIT
/*
 * Interrupt steering for reservations and the report of what a run-time
 * partition cannot isolate (see irq.h).  Writes only
 * /proc/irq/N/smp_affinity and /proc/irq/default_smp_affinity, and puts
 * back what it changed.
 */
#include "irq.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The name /proc/interrupts gives IRQ N (its last column), or "". */
static void irq_name(int irq, char *buf, size_t size)
{
	char line[1024], *p;
	FILE *f = fopen("/proc/interrupts", "re");

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		if (atoi(line) != irq || !strchr(line, ':'))
			continue;
		line[strcspn(line, "\n")] = '\0';
		p = strrchr(line, ' ');
		snprintf(buf, size, "%s", p ? p + 1 : "");
		break;
	}
	if (f)
		fclose(f);
}

void irq_isolate(const cpu_set_t *linux_cpus, struct kv *rec)
{
	char path[PATH_MAX], old[256], mask[256], key[32], list[256];
	char refused[256] = "";
	int moved = 0, already = 0, nrefused = 0;
	struct dirent *d;
	DIR *dir;

	cpus_format_mask(linux_cpus, mask, sizeof(mask));
	cpus_format(linux_cpus, list, sizeof(list));
	if (file_read_line("/proc/irq/default_smp_affinity", old,
			   sizeof(old)) > 0 &&
	    !file_write("/proc/irq/default_smp_affinity", mask))
		kv_set(rec, "irq.default", "%s", old);

	dir = opendir("/proc/irq");
	while (dir && (d = readdir(dir))) {
		cpu_set_t cur;
		int irq;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		irq = atoi(d->d_name);
		snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity", irq);
		if (file_read_line(path, old, sizeof(old)) <= 0 ||
		    cpus_parse_mask(old, &cur))
			continue;
		if (cpus_subset(&cur, linux_cpus)) {
			already++;
			continue;
		}
		if (file_write(path, mask)) {
			char name[64];

			irq_name(irq, name, sizeof(name));
			if (nrefused < 4)
				snprintf(refused + strlen(refused),
					 sizeof(refused) - strlen(refused),
					 "%s%d%s%s", nrefused ? ", " : "", irq,
					 name[0] ? " " : "", name);
			nrefused++;
			continue;
		}
		snprintf(key, sizeof(key), "irq.%d", irq);
		kv_set(rec, key, "%s", old);
		moved++;
	}
	if (dir)
		closedir(dir);

	tdm_info("irqs:    %d device interrupts steered to CPUs %s (%d were there already)",
		 moved, list, already);
	if (nrefused)
		tdm_info("         %d interrupts stay where they are, the kernel manages them (%s%s): they fire on reserved cores only for work those cores asked for",
			 nrefused, refused, nrefused > 4 ? ", ..." : "");
}

int irq_restore(struct kv *rec)
{
	char path[PATH_MAX];
	int i, restored = 0, gone = 0;
	const char *dflt = kv_get(rec, "irq.default");

	for (i = 0; i < rec->n; i++) {
		const char *k = rec->key[i];

		if (strncmp(k, "irq.", 4) || !strcmp(k, "irq.default"))
			continue;
		snprintf(path, sizeof(path), "/proc/irq/%s/smp_affinity", k + 4);
		if (file_write(path, rec->val[i]))
			gone++;
		else
			restored++;
	}
	if (dflt)
		file_write("/proc/irq/default_smp_affinity", dflt);
	if (restored || gone)
		tdm_info("irqs:    %d interrupt masks put back%s", restored,
			 gone ? " (some interrupts are gone: their devices went away)" : "");
	kv_del_prefix(rec, "irq.");
	return TDM_OK;
}

/* Is WORD=... on the kernel command line?  Its value goes to VAL. */
static bool cmdline_has(const char *word, char *val, size_t size)
{
	char buf[4096], *p;
	size_t n = strlen(word);

	if (file_read_line("/proc/cmdline", buf, sizeof(buf)) < 0)
		return false;
	for (p = buf; (p = strstr(p, word)); p += n) {
		if ((p != buf && p[-1] != ' ') || p[n] != '=')
			continue;
		snprintf(val, size, "%.*s", (int)strcspn(p + n + 1, " "),
			 p + n + 1);
		return true;
	}
	return false;
}

void iso_report(const cpu_set_t *lwk)
{
	char list[256], val[256], wq[256];
	cpu_set_t set, both;

	cpus_format(lwk, list, sizeof(list));
	if (cpus_read("/sys/devices/system/cpu/nohz_full", &set) == 0 &&
	    (CPU_AND(&both, &set, lwk), CPU_EQUAL(&both, lwk)))
		tdm_info("ticks:   CPUs %s are nohz_full (boot parameter): the timer tick stops while one thread runs there",
			 list);
	else
		tdm_info("ticks:   not isolated: the scheduler tick still interrupts CPUs %s; stopping it needs the boot parameter nohz_full=%s",
			 list, list);
	if (cmdline_has("rcu_nocbs", val, sizeof(val)))
		tdm_info("rcu:     callbacks are offloaded from CPUs %s (rcu_nocbs=%s)",
			 val, val);
	else
		tdm_info("rcu:     not isolated: RCU callbacks may run on CPUs %s; moving them needs the boot parameter rcu_nocbs=%s",
			 list, list);
	if (file_read_line("/sys/devices/virtual/workqueue/cpumask", wq,
			   sizeof(wq)) > 0 && !cpus_parse_mask(wq, &set) &&
	    (CPU_AND(&both, &set, lwk), CPU_COUNT(&both)))
		tdm_info("kwork:   unbound kernel work may run on CPUs %s (/sys/devices/virtual/workqueue/cpumask is %s; tandem leaves it alone); per-CPU kernel threads stay on every CPU",
			 list, wq);
	else
		tdm_info("kwork:   per-CPU kernel threads (kworker, ksoftirqd) stay on every CPU and run when their CPU needs them");
}
