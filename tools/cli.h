/* SPDX-License-Identifier: MIT */
/*
 * What the files of the `tandem` command share: option parsing helpers
 * and the command entry points.  Each cmd_* takes the arguments after
 * "tandem" (argv[0] is the command's name) and returns the exit status.
 */
#ifndef TANDEM_TOOLS_CLI_H
#define TANDEM_TOOLS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define EXIT_USAGE	2
#define EXIT_CANNOT_RUN	126
#define EXIT_NOT_FOUND	127

void usage(FILE *f);

/* Print "tandem: MSG" and where the usage is on stderr; exit with EXIT_USAGE. */
void __attribute__((noreturn, format(printf, 1, 2))) die_usage(const char *fmt, ...);

/*
 * opt_arg - does argv[*i] name option NAME, as "NAME VALUE" or
 * "NAME=VALUE"?  Then *VAL is the value (i advanced past it) and the
 * result is true; a missing value is a usage error that says HINT.
 */
bool opt_arg(int argc, char **argv, int *i, const char *name,
	     const char **val, const char *hint);

int cmd_run(int argc, char **argv);
int cmd_reserve(int argc, char **argv);
int cmd_release(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_kmsg(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);

/*
 * instance_join - join instance NAME as a process of it: on return the
 * caller is in the instance's cpuset (if it has one), *INST_FD is the
 * instance page's descriptor and POOL_FD[TANDEM_NR_POOLS] those of the
 * instance's pool files, -1 where it has none (close-on-exec cleared,
 * moved high), CPUS (at least 256 bytes) the instance's cores and *MEM its
 * pool's bytes.  A watcher process is started that ends the program if
 * the daemon dies first.  Returns 0, or an exit status after saying why.
 */
int instance_join(const char *name, int *inst_fd, int pool_fd[],
		  char *cpus, size_t size, unsigned long long *mem);

/* Move FD above the program's usual range; returns the new descriptor. */
int fd_hide(int fd);

#endif
