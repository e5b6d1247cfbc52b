// SPDX-License-Identifier: MIT
/*
 * tandem reserve, release, boot and shutdown: the command lines of the
 * partition manager and of instance start and stop.  Parses and checks
 * the options, then calls linux/ to do the work; prints nothing of its
 * own beyond usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "../linux/boot.h"
#include "../linux/instance.h"
#include "../linux/reserve.h"

static void parse_cpus(const char *opt, const char *val, cpu_set_t *set)
{
	if (cpus_parse(val, set))
		die_usage("%s '%s' is not a CPU list; use e.g. 1-3,6", opt, val);
}

static void parse_mem(const char *val, u64 *bytes, int *node)
{
	const char *at = strchr(val, '@');
	char size[64];

	if (node)
		*node = -1;
	if (at && node) {
		char *end;
		long n;

		n = strtol(at + 1, &end, 10);
		if (end == at + 1 || *end || n < 0)
			die_usage("--mem '%s': the node after @ must be a number, e.g. 4G@0",
				  val);
		*node = (int)n;
	} else if (at) {
		die_usage("--mem '%s': only reserve takes SIZE@NODE", val);
	}
	snprintf(size, sizeof(size), "%.*s", at ? (int)(at - val) : 63, val);
	if (size_parse(size, bytes))
		die_usage("--mem '%s' is not a size; use e.g. 512M or 4G%s", val,
			  node ? " (or 4G@0 for NUMA node 0)" : "");
}

int cmd_reserve(int argc, char **argv)
{
	struct reserve_req r = { .node = -1, .page_size = 2ULL << 20 };
	bool have_cpus = false, have_mem = false;
	const char *val;
	int i;

	for (i = 1; i < argc; i++) {
		if (opt_arg(argc, argv, &i, "--cpus", &val, "a CPU list, e.g. --cpus 1-3")) {
			parse_cpus("--cpus", val, &r.cpus);
			have_cpus = true;
		} else if (opt_arg(argc, argv, &i, "--mem", &val, "a size, e.g. --mem 4G")) {
			parse_mem(val, &r.mem, &r.node);
			have_mem = true;
		} else if (opt_arg(argc, argv, &i, "--page-size", &val, "2m or 1g")) {
			if (!strcasecmp(val, "2m"))
				r.page_size = 2ULL << 20;
			else if (!strcasecmp(val, "1g"))
				r.page_size = 1ULL << 30;
			else
				die_usage("--page-size '%s': use 2m or 1g (a run without reservation uses 4 KiB pages)",
					  val);
		} else {
			die_usage("reserve: unknown option '%s'", argv[i]);
		}
	}
	if (!have_cpus || !have_mem)
		die_usage("reserve needs --cpus and --mem, e.g. tandem reserve --cpus 1 --mem 64M");
	return part_reserve(&r);
}

int cmd_release(int argc, char **argv)
{
	if (argc > 1)
		die_usage("release takes no arguments, not '%s'", argv[1]);
	return part_release();
}

int cmd_boot(int argc, char **argv)
{
	struct boot_req r = { 0 };
	const char *val;
	int i;

	for (i = 1; i < argc; i++) {
		if (opt_arg(argc, argv, &i, "--name", &val, "a name, e.g. --name job1")) {
			r.name = val;
		} else if (opt_arg(argc, argv, &i, "--cpus", &val, "a CPU list, e.g. --cpus 1-3")) {
			parse_cpus("--cpus", val, &r.cpus);
			r.cpus_set = true;
		} else if (opt_arg(argc, argv, &i, "--mem", &val, "a size, e.g. --mem 4G")) {
			parse_mem(val, &r.mem, NULL);
		} else if (opt_arg(argc, argv, &i, "--proxy-cpus", &val, "a CPU list, e.g. --proxy-cpus 0")) {
			parse_cpus("--proxy-cpus", val, &r.proxy);
			r.proxy_set = true;
		} else {
			die_usage("boot: unknown option '%s'", argv[i]);
		}
	}
	return inst_boot(&r);
}

/* Wait up to MS for PID to end; true if it did. */
static bool wait_gone(pid_t pid, int ms)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	bool gone;

	if (fd < 0)
		return true;
	gone = poll(&pf, 1, ms) > 0;
	close(fd);
	return gone;
}

int cmd_shutdown(int argc, char **argv)
{
	const char *name = NULL;
	bool force = false;
	char reply[1024];
	struct inst in;
	int i, rc, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			force = true;
		else if (argv[i][0] == '-')
			die_usage("shutdown: unknown option '%s'", argv[i]);
		else if (!name)
			name = argv[i];
		else
			die_usage("shutdown takes one instance name, not also '%s'",
				  argv[i]);
	}
	rc = inst_pick(name, &in);
	if (rc)
		return rc;
	err = inst_request(&in, force ? "shutdown force" : "shutdown", reply,
			   sizeof(reply), NULL, NULL, 30);
	if (err && force && geteuid() == 0) {
		/* A daemon that does not answer is ended the hard way. */
		tdm_warn("the daemon of %s (pid %d) does not answer (%s): killing it",
			 in.name, in.daemon_pid, strerror(-err));
		kill(in.daemon_pid, SIGKILL);
		wait_gone(in.daemon_pid, 5000);
		inst_cleanup(in.dir, &in.info, "its daemon was killed");
		inst_close(&in);
		return TDM_OK;
	}
	if (err) {
		tdm_err("cannot reach the daemon of instance %s (pid %d) at %s/control: %s; `tandem shutdown --force %s` as root kills it",
			in.name, in.daemon_pid, in.dir, strerror(-err), in.name);
		inst_close(&in);
		return TDM_EFAIL;
	}
	rc = inst_reply_status(reply);
	if (!rc) {
		int ended = 0;

		sscanf(reply, "ok ended=%d", &ended);
		if (!wait_gone(in.daemon_pid, 10000))
			tdm_warn("the daemon (pid %d) said it ended but still runs",
				 in.daemon_pid);
		if (ended)
			tdm_info("instance %s shut down; %d program%s ended first",
				 in.name, ended, ended > 1 ? "s were" : " was");
		else
			tdm_info("instance %s shut down", in.name);
	}
	inst_close(&in);
	return rc;
}
