// SPDX-License-Identifier: MIT
/*
 * LWK boot: read the configuration `tandem run` (or a program's execve)
 * passed on the command line, map the shared instance page, load the
 * program and its interpreter, build its initial stack, make Linux's view
 * of the process (/proc/self/cmdline, environ, auxv, comm) describe the
 * program, and start it.
 */
#include "lwk.h"
#include "exec.h"
#include "sched/sched.h"
#include "offload.h"
#include "fdguard.h"
#include "errno.h"
#include "kmsg.h"
#include "mm/mm.h"
#include "lib/lib.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/unistd.h"

struct lwk_process lwk_proc;

#define MFD_CLOEXEC	1U

static __noreturn void boot_fail(const char *path, const char *why, int status)
{
	char msg[LWK_PATH_MAX + 200];
	int n = snprintf(msg, sizeof(msg), "tandem: %s: %s\n", path, why);

	plat_log_write(msg, MIN((size_t)n, sizeof(msg) - 1));
	plat_exit_group(status);
}

/* --lwk-reap: the daemon's reaper, no program (see mm_reap_gone). */
static bool reap_only;
/* --lwk-exec: a new image of a process the run already counted. */
static bool exec_image;

static void instance_setup(int inherited_fd)
{
	int fd = inherited_fd;
	u64 p;

	if (fd < 0) {
		fd = linux_call2(NR_memfd_create, "tandem-instance", 0);
		if (fd < 0 || linux_call2(NR_ftruncate, fd,
					  sizeof(struct tandem_instance)) < 0)
			boot_fail("instance", "cannot create the instance page",
				  126);
		fd = plat_hide_fd(fd);
	}
	p = linux_call6(NR_mmap, 0, sizeof(struct tandem_instance),
			PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (IS_ERR_VALUE(p))
		boot_fail("instance", "cannot map the instance page", 126);
	linux_call3(NR_madvise, p, sizeof(struct tandem_instance),
		    MADV_DONTDUMP);
	lwk_proc.inst = (struct tandem_instance *)p;
	lwk_proc.cfg.inst_fd = fd;
	if (inherited_fd < 0) {
		lwk_proc.inst->abi = TANDEM_ABI_VERSION;
		lwk_proc.inst->start_ns = plat_now_ns();
		lwk_proc.inst->start_tsc = arch_tsc();
		lwk_proc.inst->top_pid = lwk_proc.pid;
		lwk_proc.inst->mem_limit = lwk_proc.cfg.mem_limit;
	}
	/* A fork child was counted by its parent (sched/clone.c). */
	if (!reap_only && !exec_image)
		__atomic_fetch_add(&lwk_proc.inst->nr_processes, 1,
				   __ATOMIC_RELAXED);
}

static int parse_fd(const char *s)
{
	u64 v;

	return parse_u64(s, &v) || v > 1 << 20 ? -1 : (int)v;
}

static void set_affinity(const char *list)
{
	u64 mask[16] = { 0 };
	const char *p = list;

	while (*p) {
		u64 a = 0, b;

		while (*p >= '0' && *p <= '9')
			a = a * 10 + (*p++ - '0');
		b = a;
		if (*p == '-') {
			p++;
			b = 0;
			while (*p >= '0' && *p <= '9')
				b = b * 10 + (*p++ - '0');
		}
		for (; a <= b && a < 1024; a++)
			mask[a / 64] |= 1ULL << (a % 64);
		if (*p == ',')
			p++;
		else if (*p)
			break;
	}
	if (linux_call3(NR_sched_setaffinity, 0, sizeof(mask), mask) < 0)
		boot_fail(list, "cannot run on these CPUs (see `nproc`)", 2);
}

/* Parse the --lwk-* options; returns the index of the program path. */
static int parse_options(int argc, char **argv, int *inst_fd)
{
	int i;

	*inst_fd = -1;
	lwk_proc.cfg.futex_spin_ns = FUTEX_SPIN_NS_DEFAULT;
	mm_options_init();
	lwk_proc.cfg.proxy_spin_ns = PROXY_SPIN_NS_DEFAULT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		u64 v;

		if (!strcmp(a, "--"))
			return i + 1;
		if (!strcmp(a, TANDEM_LWK_MAGIC_ARG))
			continue;
		if (!strcmp(a, "--lwk-trace"))
			lwk_proc.cfg.trace = true;
		else if (!strcmp(a, "--lwk-reap"))
			reap_only = true;
		else if (!strcmp(a, "--lwk-exec"))
			exec_image = true;
		else if (!strcmp(a, "--lwk-stats"))
			lwk_proc.cfg.stats = true;
		else if (!strcmp(a, "--lwk-stats=json"))
			lwk_proc.cfg.stats = lwk_proc.cfg.stats_json = true;
		else if (str_starts(a, "--lwk-mem=") && !parse_u64(a + 10, &v))
			lwk_proc.cfg.mem_limit = v;
		else if (str_starts(a, "--lwk-cpus="))
			strlcpy(lwk_proc.cfg.cpus, a + 11,
				sizeof(lwk_proc.cfg.cpus));
		else if (str_starts(a, "--lwk-futex-spin=") && !parse_u64(a + 17, &v))
			lwk_proc.cfg.futex_spin_ns = v;
		else if (!strcmp(a, "--lwk-oversubscribe"))
			lwk_proc.cfg.oversubscribe = true;
		else if (str_starts(a, "--lwk-log-fd="))
			lwk_proc.cfg.log_fd = parse_fd(a + 13);
		else if (str_starts(a, "--lwk-inst-fd="))
			*inst_fd = parse_fd(a + 14);
		else if (!strcmp(a, "--lwk-entry=signal"))
			lwk_proc.cfg.entry = TANDEM_ENTRY_SIGNAL;
		else if (!strcmp(a, "--lwk-entry=rewrite"))
			lwk_proc.cfg.entry = TANDEM_ENTRY_REWRITE;
		else if (!strcmp(a, "--lwk-entry=auto"))
			lwk_proc.cfg.entry = TANDEM_ENTRY_AUTO;
		else if (mm_parse_option(a))
			continue;
		else if (str_starts(a, "--lwk-offload="))
			strlcpy(lwk_proc.cfg.offload, a + 14,
				sizeof(lwk_proc.cfg.offload));
		else if (str_starts(a, "--lwk-proxy-cpus="))
			strlcpy(lwk_proc.cfg.proxy_cpus, a + 17,
				sizeof(lwk_proc.cfg.proxy_cpus));
		else if (str_starts(a, "--lwk-proxy-spin=") && !parse_u64(a + 17, &v))
			lwk_proc.cfg.proxy_spin_ns = v;
		else
			boot_fail(a, "unknown LWK option (tandem and tandem-lwk from different builds?)",
				  2);
	}
	boot_fail("tandem-lwk", "no program given; start programs with `tandem run`",
		  2);
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Make Linux's own view of the process describe the program. */
static void describe_process(const struct exec_info *info,
			     const struct stack_layout *st, const char *path)
{
	struct prctl_mm_map map = {
		.start_code = info->start_code,
		.end_code = info->end_code,
		.start_data = info->start_data ? info->start_data : info->end_code,
		.end_data = info->end_data ? info->end_data : info->end_code,
		.start_brk = lwk_proc.brk_start,
		.brk = lwk_proc.brk_start,
		.start_stack = st->sp,
		.arg_start = st->arg_start,
		.arg_end = st->arg_end,
		.env_start = st->env_start,
		.env_end = st->env_end,
		.auxv = st->auxv,
		.auxv_size = st->auxv_words * 8,
		.exe_fd = (u32)-1,
	};
	char comm[16];
	long err;

	err = linux_call4(NR_prctl, PR_SET_MM, PR_SET_MM_MAP, &map, sizeof(map));
	if (err)
		pr_warn("exec", "/proc/self views still show tandem: PR_SET_MM_MAP failed (%ld)",
			err);
	strlcpy(comm, basename_of(path), sizeof(comm));
	linux_call2(NR_prctl, PR_SET_NAME, comm);
}

static int exe_realpath(const char *path, char *out)
{
	char link[64];
	long fd, n;

	fd = linux_call4(NR_openat, AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	n = linux_call3(NR_readlink, link, out, LWK_PATH_MAX - 1);
	linux_call1(NR_close, fd);
	if (n < 0)
		return n;
	out[n] = '\0';
	return 0;
}

/*
 * A #! script runs as Linux runs it: the innermost interpreter is the
 * program, with argv = the interpreters and their #! arguments, the
 * script, then the script's own arguments after argv[0].
 */
static const char *script_argv(const struct exec_chain *c, const char *path,
			       int *argc, const char *const **argv)
{
	const char **v;
	const char *why;
	u64 size;
	int n = 0, i;

	if (exec_check(c->elf, &why)) {
		char msg[BINPRM_BUF + 100];

		snprintf(msg, sizeof(msg), "bad interpreter %s: %s", c->elf,
			 why);
		boot_fail(path, msg, 126);
	}
	size = ALIGN_UP((*argc + c->nlead + 1) * sizeof(char *), PAGE_SIZE);
	v = (const char **)linux_call6(NR_mmap, 0, size, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR_VALUE(v))
		boot_fail(path, "out of memory", 126);
	for (i = 0; i < c->nlead; i++)
		v[n++] = c->lead[i];
	for (i = 1; i < *argc; i++)
		v[n++] = (*argv)[i];
	*argc = n;
	*argv = v;
	return c->elf;
}

/* "bad interpreter X: why", for a #! chain that cannot run. */
static const char *bad_interp(const struct exec_chain *c)
{
	static char msg[LWK_PATH_MAX + 100];

	snprintf(msg, sizeof(msg), "bad interpreter %s: %s", c->bad, c->why);
	return msg;
}

__noreturn void lwk_boot(u64 *sp)
{
	int argc = (int)sp[0], envc = 0, first, inst_fd;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1;
	struct stack_layout layout;
	struct stack_spec spec;
	struct exec_info info;
	const char *why = "", *path;
	u64 *auxv, top;
	u8 random[16];
	const char *const *prog_argv;
	static struct exec_chain chain;
	struct k_rlimit rl;
	int err, prog_argc;
	long n;

	while (envp[envc])
		envc++;
	auxv = (u64 *)(envp + envc + 1);
	first = parse_options(argc, argv, &inst_fd);
	if (reap_only) {
		if (inst_fd < 0)
			boot_fail("--lwk-reap", "needs --lwk-inst-fd", 2);
		instance_setup(inst_fd);
		linux_call1(NR_exit_group, mm_reap_gone() < 0 ? 1 : 0);
	}
	if (first + 1 > argc)
		boot_fail("tandem-lwk", "no program given", 2);
	path = argv[first];
	instance_setup(inst_fd);
	if (inst_fd < 0 && (lwk_proc.cfg.trace || lwk_proc.cfg.stats))
		lwk_proc.cfg.log_fd = plat_hide_fd(linux_call1(NR_dup, 2));
	if (inst_fd < 0)
		stats_watch();
	mm_boot_limits();
	err = mm_boot_pool();
	if (err == -EMFILE)
		boot_fail("pool", "no file descriptor left for the LWK's memory: RLIMIT_NOFILE is too low (raise it with ulimit -n)",
			  126);
	if (err)
		boot_fail("pool", "cannot set up the LWK's memory (is --mem larger than the machine, or than ulimit -v allows?)",
			  126);
	if (lwk_proc.cfg.cpus[0])
		set_affinity(lwk_proc.cfg.cpus);
	sched_boot();
	if (offload_boot(&why))
		boot_fail("--offload", why, 2);
	fdguard_update();

	prog_argc = argc - first - 1;
	prog_argv = (const char *const *)argv + first + 1;
	err = exec_resolve(path, &chain);
	if (err == 0 && chain.depth)
		path = script_argv(&chain, path, &prog_argc, &prog_argv);
	else if (err && chain.bad)
		boot_fail(path, bad_interp(&chain), 126);
	else if (err)
		boot_fail(path, chain.why, err == -ENOENT ? 127 : 126);

	err = exec_load(path, &info, &why);
	if (err)
		boot_fail(path, why, err == -ENOENT ? 127 : 126);
	n = linux_call3(NR_readlink, "/proc/self/exe", lwk_proc.image,
			sizeof(lwk_proc.image) - 1);
	if (n < 0)
		boot_fail("/proc/self/exe", "cannot find the LWK image", 126);
	lwk_proc.image[n] = '\0';
	if (exe_realpath(path, lwk_proc.exe) < 0)
		strlcpy(lwk_proc.exe, path, sizeof(lwk_proc.exe));
	lwk_proc.brk_start = lwk_proc.brk = lwk_proc.brk_mapped =
		ALIGN_UP(info.brk, PAGE_SIZE);

	linux_call4(NR_prlimit64, 0, RLIMIT_STACK, NULL, &rl);
	lwk_proc.stack_limit = rl.cur;
	lwk_proc.stack_limit_max = rl.max;

	linux_call3(NR_getrandom, random, sizeof(random), 0);
	spec = (struct stack_spec) {
		.argc = prog_argc,
		.argv = prog_argv,
		.envc = envc,
		.envp = (const char *const *)envp,
		.execfn = path,
		.platform = "x86_64",
		.random = random,
		.auxv_model = auxv,
		.info = &info,
	};
	top = ALIGN_DOWN(mm_boot_space(stack_size(&spec)), 16);
	if (!top)
		boot_fail(path, "out of memory for its stack and data (see --mem)",
			  126);
	stack_build((u8 *)top, &spec, &layout);
	describe_process(&info, &layout, path);
	mm_boot_done();
	plat_enter_program(info.entry, layout.sp);
}
