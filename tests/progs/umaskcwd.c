// SPDX-License-Identifier: MIT
/*
 * Prints the umask and working directory the program started with, so the
 * harness can check that both reach a program run under tandem.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	char cwd[PATH_MAX];
	mode_t mask = umask(0);

	umask(mask);
	printf("umask %04o\n", (unsigned)mask);
	if (!getcwd(cwd, sizeof(cwd))) {
		printf("getcwd: %s\n", strerror(errno));
		return 1;
	}
	printf("cwd %s\n", cwd);
	return 0;
}
