// SPDX-License-Identifier: MIT
/*
 * tandem: the command line.  main() picks the command; `tandem run` is
 * here: it checks what the user asked for, finds the program the way
 * execvp would, and replaces itself with the LWK image, which loads the
 * program and runs it on the LWK in this same process: the pid, the exit
 * status and the signals are the program's.  The partition and instance
 * commands are in cmd_partition.c and cmd_instance.c.
 *
 * This is ordinary Linux user space (libc, errno, stdio).  It shares only
 * include/uapi with the LWK; the work of the partition commands is done by
 * linux/.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../include/uapi/tandem.h"
#include "../linux/util.h"
#include "cli.h"

/* The least --mem: a program's stacks, heap and libraries' data. */
#define MEM_MIN		(16ULL << 20)

struct run_opts {
	bool stats, stats_json, trace, oversubscribe, futex_spin_set;
	unsigned long long futex_spin;
	unsigned long long mem, heap_step;
	int page_shift;
	const char *cpus;
	const char *entry;
	char offload[512];		/* --offload and --offload-call, joined */
	const char *proxy_cpus;
	bool proxy_spin_set;
	unsigned long long proxy_spin;
	const char *instance;
};

void usage(FILE *f)
{
	fprintf(f,
		"usage: tandem run [options] [--] PROG [ARGS...]\n"
		"       tandem reserve --cpus LIST --mem SIZE[@NODE] [--page-size 2m|1g]   (root)\n"
		"       tandem release                                                    (root)\n"
		"       tandem boot [--name N] [--cpus LIST] [--mem SIZE] [--proxy-cpus LIST]\n"
		"       tandem status [--json] [N]    tandem ps [--json] [N]\n"
		"       tandem kmsg [-f] [--clear] [N]    tandem shutdown [--force] [N]\n"
		"       tandem version\n"
		"\n"
		"tandem run options:\n"
		"  --instance N     run on booted instance N (see docs/partitions.md)\n"
		"  --stats[=json]   print system calls by route, memory and time when PROG ends\n"
		"  --trace          print one line per system call (thread, call, result, route)\n"
		"  --mem SIZE       memory of the run's private LWK partition (e.g. 512M, 4G);\n"
		"                   default: 3/4 of what Linux has available, taken as used\n"
		"  --page-size SIZE largest page for anonymous memory: 4k, 2m or 1g (default:\n"
		"                   the largest the partition has; 2m/1g need huge pages;\n"
		"                   4k also keeps 4 KiB frames out of 2 MiB folios)\n"
		"  --heap-step SIZE least growth of the brk heap at a time (default 256K)\n"
		"  --cpus LIST      cores of the partition (e.g. 0-3,6); default: all allowed\n"
		"  --oversubscribe  more threads than cores is meant: no warning in kmsg\n"
		"  --futex-spin NS  busy-wait of a futex waiter before it blocks (default 20000)\n"
		"  --entry HOW      how system calls enter the LWK: auto (default), rewrite\n"
		"                   (patch call sites after their first trap) or signal\n"
		"                   (SIGSYS for every call); see docs/fast-entry.md\n"
		"  --offload SPEC   how calls the LWK hands to Linux get there: direct (the\n"
		"                   default: the calling thread makes them) or proxy (a\n"
		"                   proxy thread on a Linux core makes them), then per-call\n"
		"                   overrides, e.g. --offload=proxy,read=direct\n"
		"  --offload-call NAME=ROUTE  one call's route, e.g. write=direct\n"
		"  --proxy-cpus LIST  cores of the proxy threads (default: the last core\n"
		"                   that is not the LWK thread's own)\n"
		"  --proxy-spin NS  busy-wait on either side of a proxied call before\n"
		"                   sleeping (default 20000); see docs/offload.md\n"
		"\n"
		"See docs/usage.md and docs/partitions.md.\n");
}

static __attribute__((noreturn, format(printf, 2, 3)))
void die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("tandem: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("tandem: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(`tandem --help` shows the usage)\n", stderr);
	exit(EXIT_USAGE);
}

bool opt_arg(int argc, char **argv, int *i, const char *name,
	     const char **val, const char *hint)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, n) || (a[n] != '\0' && a[n] != '='))
		return false;
	if (a[n] == '=') {
		*val = a + n + 1;
	} else {
		if (*i + 1 >= argc)
			die_usage("%s needs %s", name, hint);
		*val = argv[++*i];
	}
	return true;
}

/* MemTotal in bytes, from /proc/meminfo; 0 if unknown. */
static unsigned long long mem_total(void)
{
	unsigned long long kib = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib << 10;
}

/* Is @s a size of zero ("0", "0M"), which size_parse takes for no size? */
static bool zero_size(const char *s)
{
	size_t n = strspn(s, "0");
	char one[64];
	u64 v;

	if (!n || isdigit((unsigned char)s[n]))
		return false;
	snprintf(one, sizeof(one), "1%s", s + n);
	return !size_parse(one, &v);
}

/*
 * Validate a CPU list (option `opt`) against the CPUs we may use; a bad
 * one ends the command with a message that says what is wrong in it.
 */
static void check_cpus(const char *opt, const char *list)
{
	cpu_set_t allowed;
	const char *p = list;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		die(1, "cannot read the allowed CPUs: %s", strerror(errno));
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p || a < 0 || !isdigit((unsigned char)*p))
			die_usage("%s '%s': a CPU number is missing at '%s'; use e.g. 0-3,6",
				  opt, list, p);
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || !isdigit((unsigned char)p[1]))
				die_usage("%s '%s': the range from %ld has no end; use e.g. %ld-%ld",
					  opt, list, a, a, a + 1);
			if (b < a)
				die_usage("%s '%s': the range %ld-%ld runs backwards; write %ld-%ld",
					  opt, list, a, b, b, a);
			p = end;
		}
		for (; a <= b; a++)
			if (a >= CPU_SETSIZE || !CPU_ISSET(a, &allowed))
				die(EXIT_USAGE, "%s %s: CPU %ld is not available here (see `nproc` and `taskset -p $$`)",
				    opt, list, a);
		if (*p == ',' && p[1])
			p++;
		else if (*p == ',')
			die_usage("%s '%s' ends with a comma; remove it", opt,
				  list);
		else if (*p)
			die_usage("%s '%s': '%s' is not a CPU number or range; use e.g. 0-3,6",
				  opt, list, p);
	}
}

/*
 * Find PROG as execvp does: a name with a slash is used as is; otherwise
 * each PATH directory is tried (an empty one is the working directory),
 * and a found-but-not-executable file is remembered in case nothing
 * better turns up.
 */
static char *find_program(const char *prog, int *err)
{
	const char *path = getenv("PATH"), *dir, *end;
	char *buf, *denied = NULL;

	*err = 0;
	if (strchr(prog, '/'))
		return strdup(prog);
	if (!*prog) {
		*err = ENOENT;
		return NULL;
	}
	if (!path)
		path = "/bin:/usr/bin";		/* glibc's default */
	for (dir = path;; dir = end + 1) {
		struct stat st;
		int n;

		end = strchrnul(dir, ':');
		n = (int)(end - dir);
		/* glibc tries an empty entry as the bare name. */
		if (asprintf(&buf, "%.*s%s%s", n, dir, n ? "/" : "", prog) < 0)
			break;
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0) {
				free(denied);
				return buf;
			}
			if (!denied) {
				denied = buf;
				buf = NULL;
			}
		}
		free(buf);
		if (!*end)
			break;
	}
	if (denied) {
		*err = EACCES;
		return denied;
	}
	*err = ENOENT;
	return NULL;
}

static void check_program(const char *prog, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		die(errno == ENOENT || errno == ENOTDIR ? EXIT_NOT_FOUND :
		    EXIT_CANNOT_RUN, "%s: %s", prog, strerror(errno));
	if (S_ISDIR(st.st_mode))
		die(EXIT_CANNOT_RUN, "%s: Is a directory", prog);
	if (!S_ISREG(st.st_mode))
		die(EXIT_CANNOT_RUN, "%s: not a regular file", prog);
	if (access(path, X_OK))
		die(EXIT_CANNOT_RUN, "%s: Permission denied (not executable: chmod +x?)",
		    prog);
	if (access(path, R_OK) && errno == EACCES)
		die(EXIT_CANNOT_RUN, "%s: execute-only file: the LWK loads programs itself and must read them; make it readable (chmod u+r) or run tandem as root",
		    prog);
}

/*
 * A file that is neither ELF nor #! goes to /bin/sh, as execvp does; one
 * whose first line holds a NUL is binary, as a shell judges, and is left
 * to the LWK's loader to refuse with a reason.
 */
static bool shell_script(const char *path)
{
	char head[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n <= 0)
		return n == 0;
	if ((n >= 4 && !memcmp(head, "\177ELF", 4)) ||
	    (n >= 2 && !memcmp(head, "#!", 2)))
		return false;
	for (ssize_t i = 0; i < n && head[i] != '\n'; i++)
		if (!head[i])
			return false;
	return true;
}

/* The LWK image lives next to this binary. */
static char *lwk_image(void)
{
	char self[PATH_MAX], *slash, *image;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		die(1, "cannot find myself in /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	if (asprintf(&image, "%s/%s", self, TANDEM_LWK_IMAGE) < 0)
		die(1, "out of memory");
	if (access(image, X_OK))
		die(EXIT_CANNOT_RUN, "the LWK image %s is missing (%s); run `make` again",
		    image, strerror(errno));
	return image;
}

/*
 * Check one --offload item: direct, proxy, or NAME=direct|proxy.  The LWK
 * checks that NAME is a system call that has a route.
 */
static void check_offload_item(const char *opt, const char *item, size_t n)
{
	char *copy = strndup(item, n), *eq, *p, *msg;

	if (!copy)
		die(1, "out of memory");
	eq = strchr(copy, '=');
	if (asprintf(&msg, "%s: '%s' is not a route: use direct or proxy, then NAME=direct|proxy for single calls (e.g. --offload=proxy,read=direct)",
		     opt, copy) < 0)
		die(1, "out of memory");
	if (!eq) {
		if (strcmp(copy, "direct") && strcmp(copy, "proxy"))
			die_usage("%s", msg);
		free(msg);
		free(copy);
		return;
	}
	free(msg);
	if (asprintf(&msg, "%s: '%s': an override is NAME=direct or NAME=proxy with NAME a system call, e.g. read=direct",
		     opt, copy) < 0)
		die(1, "out of memory");
	for (p = copy; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			break;
	if (p != eq || p == copy ||
	    (strcmp(eq + 1, "direct") && strcmp(eq + 1, "proxy")))
		die_usage("%s", msg);
	free(msg);
	free(copy);
}

/* Append an --offload value (items separated by commas) to o->offload. */
static void add_offload(struct run_opts *o, const char *opt, const char *val)
{
	const char *p = val;
	size_t len = strlen(o->offload);

	if (!*val)
		die_usage("%s needs a value: direct, proxy or NAME=ROUTE", opt);
	while (*p) {
		const char *end = strchrnul(p, ',');

		if (end > p)
			check_offload_item(opt, p, end - p);
		p = *end ? end + 1 : end;
	}
	if (len + strlen(val) + 2 > sizeof(o->offload))
		die(EXIT_USAGE, "%s: the --offload options are longer than %zu characters together; name fewer calls",
		    opt, sizeof(o->offload) - 1);
	if (len)
		o->offload[len++] = ',';
	strcpy(o->offload + len, val);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	char **lwk_argv, *image, *path, memopt[64], cpuopt[300], spinopt[64], entryopt[32];
	char pageopt[32], stepopt[64];
	char offloadopt[600], pcpuopt[300], pspinopt[64];
	char instopt[64], logopt[64], inst_cpus[256];
	char poolopt[TANDEM_NR_POOLS][48];
	int pool_fd[TANDEM_NR_POOLS];
	unsigned long long total;
	int i, k, n = 0, err, inst_fd = -1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (!strcmp(a, "--stats")) {
			o.stats = true;
		} else if (!strcmp(a, "--stats=json")) {
			o.stats = o.stats_json = true;
		} else if (!strcmp(a, "--trace")) {
			o.trace = true;
		} else if (!strcmp(a, "--oversubscribe")) {
			o.oversubscribe = true;
		} else if (!strcmp(a, "--futex-spin") ||
			   !strncmp(a, "--futex-spin=", 13)) {
			char *end;

			val = a[12] == '=' ? a + 13 : argv[++i];
			if (!val)
				die_usage("%s needs a time in ns, e.g. --futex-spin 20000", a);
			errno = 0;
			o.futex_spin = strtoull(val, &end, 10);
			if (errno || *end || *val < '0' || *val > '9')
				die_usage("--futex-spin '%s' is not a time in ns; use e.g. 20000 (0: block at once)",
					  val);
			o.futex_spin_set = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--mem") || !strncmp(a, "--mem=", 6)) {
			val = a[5] == '=' ? a + 6 : argv[++i];
			if (!val)
				die_usage("%s needs a size, e.g. --mem 4G", a);
			if (zero_size(val))
				o.mem = 0;
			else if (size_parse(val, &o.mem))
				die_usage("--mem '%s' is not a size; use e.g. 512M or 4G", val);
			if (o.mem < MEM_MIN)
				die(EXIT_USAGE, "--mem %s is too small for a program's stack and libraries; give at least %lluM",
				    val, MEM_MIN >> 20);
			total = mem_total();
			if (total && o.mem > total)
				die(EXIT_USAGE, "--mem %s is more than this machine's memory (%llu MiB); give at most that",
				    val, total >> 20);
		} else if (!strcmp(a, "--page-size") ||
			   !strncmp(a, "--page-size=", 12)) {
			val = a[11] == '=' ? a + 12 : argv[++i];
			if (!val)
				die_usage("%s needs 4k, 2m or 1g", a);
			if (!strcasecmp(val, "4k"))
				o.page_shift = 12;
			else if (!strcasecmp(val, "2m"))
				o.page_shift = 21;
			else if (!strcasecmp(val, "1g"))
				o.page_shift = 30;
			else
				die_usage("--page-size '%s': use 4k, 2m or 1g", val);
		} else if (!strcmp(a, "--heap-step") ||
			   !strncmp(a, "--heap-step=", 12)) {
			val = a[11] == '=' ? a + 12 : argv[++i];
			if (!val)
				die_usage("%s needs a size, e.g. --heap-step 2M", a);
			if (size_parse(val, &o.heap_step))
				die_usage("--heap-step '%s' is not a size; use e.g. 256K or 2M", val);
			if (o.heap_step < 4096 || o.heap_step > (1ULL << 30) ||
			    o.heap_step % 4096)
				die(EXIT_USAGE, "--heap-step %s: give a multiple of 4K from 4K to 1G, e.g. 2M",
				    val);
		} else if (!strcmp(a, "--cpus") || !strncmp(a, "--cpus=", 7)) {
			val = a[6] == '=' ? a + 7 : argv[++i];
			if (!val)
				die_usage("%s needs a CPU list, e.g. --cpus 0-1", a);
			check_cpus("--cpus", val);
			o.cpus = val;
		} else if (opt_arg(argc, argv, &i, "--instance", &val,
				   "an instance name, e.g. --instance default")) {
			o.instance = val;
		} else if (!strcmp(a, "--entry") || !strncmp(a, "--entry=", 8)) {
			val = a[7] == '=' ? a + 8 : argv[++i];
			if (!val)
				die_usage("%s needs auto, rewrite or signal", a);
			if (strcmp(val, "auto") && strcmp(val, "rewrite") &&
			    strcmp(val, "signal"))
				die_usage("--entry '%s': use auto, rewrite or signal", val);
			o.entry = val;
		} else if (!strcmp(a, "--offload") || !strncmp(a, "--offload=", 10)) {
			val = a[9] == '=' ? a + 10 : argv[++i];
			if (!val)
				die_usage("%s needs direct or proxy, e.g. --offload=proxy", a);
			add_offload(&o, "--offload", val);
		} else if (!strcmp(a, "--offload-call") ||
			   !strncmp(a, "--offload-call=", 15)) {
			val = a[14] == '=' ? a + 15 : argv[++i];
			if (!val || !strchr(val, '=') || strchr(val, ','))
				die_usage("%s needs one NAME=ROUTE, e.g. --offload-call write=direct",
					  "--offload-call");
			add_offload(&o, "--offload-call", val);
		} else if (!strcmp(a, "--proxy-cpus") ||
			   !strncmp(a, "--proxy-cpus=", 13)) {
			val = a[12] == '=' ? a + 13 : argv[++i];
			if (!val)
				die_usage("%s needs a CPU list, e.g. --proxy-cpus 1", a);
			check_cpus("--proxy-cpus", val);
			o.proxy_cpus = val;
		} else if (!strcmp(a, "--proxy-spin") ||
			   !strncmp(a, "--proxy-spin=", 13)) {
			char *end;

			val = a[12] == '=' ? a + 13 : argv[++i];
			if (!val)
				die_usage("%s needs a time in ns, e.g. --proxy-spin 20000", a);
			errno = 0;
			o.proxy_spin = strtoull(val, &end, 10);
			if (errno || *end || *val < '0' || *val > '9' ||
			    o.proxy_spin > 1000000000ULL)
				die_usage("--proxy-spin '%s' is not a time in ns up to 1 s; use e.g. 20000 (0: sleep at once)",
					  val);
			o.proxy_spin_set = true;
		} else {
			die_usage("unknown option '%s'", a);
		}
	}
	if (i >= argc)
		die_usage("%s", "no program given: tandem run [options] -- PROG [ARGS...]");
	if (o.instance && (o.mem || o.cpus))
		die_usage("--instance %s: the instance's cores and memory are used; `tandem boot --cpus --mem` chooses them",
			  o.instance);
	if (o.instance && o.stats)
		die_usage("--instance %s: --stats is for a private run; `tandem status` and `tandem ps` show an instance",
			  o.instance);

	path = find_program(argv[i], &err);
	if (!path)
		die(EXIT_NOT_FOUND, "%s: %s", argv[i], strerror(err));
	if (err)
		die(EXIT_CANNOT_RUN, "%s: %s", argv[i], strerror(err));
	check_program(argv[i], path);
	image = lwk_image();
	if (o.instance) {
		err = instance_join(o.instance, &inst_fd, pool_fd, inst_cpus,
				    sizeof(inst_cpus), &o.mem);
		if (err)
			return err;
	}

	lwk_argv = calloc(argc + 20 + TANDEM_NR_POOLS, sizeof(char *));
	if (!lwk_argv)
		die(1, "out of memory");
	lwk_argv[n++] = TANDEM_LWK_IMAGE;
	lwk_argv[n++] = TANDEM_LWK_MAGIC_ARG;
	if (o.trace)
		lwk_argv[n++] = "--lwk-trace";
	if (o.stats)
		lwk_argv[n++] = o.stats_json ? "--lwk-stats=json" : "--lwk-stats";
	if (o.oversubscribe)
		lwk_argv[n++] = "--lwk-oversubscribe";
	if (o.futex_spin_set) {
		snprintf(spinopt, sizeof(spinopt), "--lwk-futex-spin=%llu",
			 o.futex_spin);
		lwk_argv[n++] = spinopt;
	}
	if (o.mem) {
		snprintf(memopt, sizeof(memopt), "--lwk-mem=%llu", o.mem);
		lwk_argv[n++] = memopt;
	}
	if (o.cpus || o.instance) {
		snprintf(cpuopt, sizeof(cpuopt), "--lwk-cpus=%s",
			 o.instance ? inst_cpus : o.cpus);
		lwk_argv[n++] = cpuopt;
	}
	if (o.page_shift) {
		snprintf(pageopt, sizeof(pageopt), "--lwk-page-size=%d",
			 o.page_shift);
		lwk_argv[n++] = pageopt;
	}
	if (o.heap_step) {
		snprintf(stepopt, sizeof(stepopt), "--lwk-heap-step=%llu",
			 o.heap_step);
		lwk_argv[n++] = stepopt;
	}
	if (o.instance) {
		/*
		 * The instance page replaces the run's private one; the LWK
		 * then logs to its kmsg ring and places threads on its cores.
		 * Trace lines need a log descriptor of their own.
		 */
		static const char *const pool_opt[TANDEM_NR_POOLS] = {
			"--lwk-pool-fd", "--lwk-pool2m-fd", "--lwk-pool1g-fd",
		};

		snprintf(instopt, sizeof(instopt), "--lwk-inst-fd=%d", inst_fd);
		lwk_argv[n++] = instopt;
		for (k = 0; k < TANDEM_NR_POOLS; k++) {
			if (pool_fd[k] < 0)
				continue;
			snprintf(poolopt[k], sizeof(poolopt[k]), "%s=%d",
				 pool_opt[k], pool_fd[k]);
			lwk_argv[n++] = poolopt[k];
		}
		if (o.trace) {
			snprintf(logopt, sizeof(logopt), "--lwk-log-fd=%d",
				 fd_hide(dup(2)));
			lwk_argv[n++] = logopt;
		}
	}
	if (o.entry) {
		snprintf(entryopt, sizeof(entryopt), "--lwk-entry=%s", o.entry);
		lwk_argv[n++] = entryopt;
	}
	if (o.offload[0]) {
		snprintf(offloadopt, sizeof(offloadopt), "--lwk-offload=%s",
			 o.offload);
		lwk_argv[n++] = offloadopt;
	}
	if (o.proxy_cpus) {
		snprintf(pcpuopt, sizeof(pcpuopt), "--lwk-proxy-cpus=%s",
			 o.proxy_cpus);
		lwk_argv[n++] = pcpuopt;
	}
	if (o.proxy_spin_set) {
		snprintf(pspinopt, sizeof(pspinopt), "--lwk-proxy-spin=%llu",
			 o.proxy_spin);
		lwk_argv[n++] = pspinopt;
	}
	lwk_argv[n++] = "--";
	if (shell_script(path)) {
		lwk_argv[n++] = "/bin/sh";
		lwk_argv[n++] = "/bin/sh";
		argv[i] = path;
	} else {
		lwk_argv[n++] = path;
	}
	for (; i < argc; i++)
		lwk_argv[n++] = argv[i];
	execv(image, lwk_argv);
	die(EXIT_CANNOT_RUN, "cannot start the LWK image %s: %s", image,
	    strerror(errno));
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "reserve", cmd_reserve },
	{ "release", cmd_release },
	{ "boot", cmd_boot },
	{ "status", cmd_status },
	{ "ps", cmd_ps },
	{ "kmsg", cmd_kmsg },
	{ "shutdown", cmd_shutdown },
};

int main(int argc, char **argv)
{
	unsigned i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("tandem %s (LWK ABI %d)\n", TANDEM_VERSION,
		       TANDEM_ABI_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	die_usage("unknown command '%s'", argv[1]);
}
