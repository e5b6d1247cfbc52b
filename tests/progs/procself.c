// SPDX-License-Identifier: MIT
/*
 * Reads the program's own /proc entries and prints them, escaped:
 * cmdline, environ, exe (readlink), exe-file (what stat and open of
 * /proc/self/exe reach) or comm, chosen by the first argument.  Under
 * tandem each must describe the program, not tandem, so the output must
 * be identical natively and under tandem. Each mode also checks
 * the entry against what the program holds in memory (argv, environ).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"

extern char **environ;

static char buf[1 << 20];

static ssize_t slurp(const char *path)
{
	size_t got = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (got < sizeof(buf) && (r = read(fd, buf + got,
					      sizeof(buf) - got)) > 0)
		got += (size_t)r;
	close(fd);
	return (ssize_t)got;
}

static int show_block(const char *path, char **vec)
{
	ssize_t n = slurp(path);

	if (n < 0)
		return 1;
	printf("%s: %zd bytes\n", path, n);
	put_escaped(buf, (size_t)n);
	printf("\nmatches memory: %s\n",
	       block_is(buf, (size_t)n, vec) ? "yes" : "no");
	return 0;
}

static int show_exe(void)
{
	char link[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);

	if (n < 0) {
		printf("readlink /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	link[n] = '\0';
	printf("/proc/self/exe -> %s\n", link);
	return 0;
}

/* The link must lead to the program's file, not only name it. */
static int show_exe_file(const char *argv0)
{
	struct stat a, b, c;
	int fd;

	if (stat("/proc/self/exe", &a) || stat(argv0, &b)) {
		printf("stat: %s\n", strerror(errno));
		return 1;
	}
	printf("stat /proc/self/exe is argv[0]: %s\n",
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino ? "yes" : "no");

	fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0 || fstat(fd, &c)) {
		printf("open /proc/self/exe: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	printf("open /proc/self/exe is argv[0]: %s\n",
	       c.st_dev == b.st_dev && c.st_ino == b.st_ino ? "yes" : "no");
	return 0;
}

static int show_comm(void)
{
	char name[32] = "";
	ssize_t n = slurp("/proc/self/comm");

	if (n < 0)
		return 1;
	printf("/proc/self/comm: ");
	put_escaped(buf, (size_t)n);
	prctl(PR_GET_NAME, name, 0, 0, 0);
	printf("\nPR_GET_NAME: %s\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: procself cmdline|environ|exe|exe-file|comm\n");
		return 2;
	}
	if (!strcmp(argv[1], "cmdline"))
		return show_block("/proc/self/cmdline", argv);
	if (!strcmp(argv[1], "environ"))
		return show_block("/proc/self/environ", environ);
	if (!strcmp(argv[1], "exe"))
		return show_exe();
	if (!strcmp(argv[1], "exe-file"))
		return show_exe_file(argv[0]);
	if (!strcmp(argv[1], "comm"))
		return show_comm();
	fprintf(stderr, "procself: unknown mode %s\n", argv[1]);
	return 2;
}
