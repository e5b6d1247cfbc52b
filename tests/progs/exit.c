// SPDX-License-Identifier: MIT
/*
 * Exits with the status given as the only argument (0..255), after one line
 * on each stream so the harness also sees that output survives the exit.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int code;

	if (argc != 2) {
		fprintf(stderr, "usage: exit CODE\n");
		return 99;
	}
	code = atoi(argv[1]);
	printf("exiting with %d\n", code);
	fprintf(stderr, "stderr before exit %d\n", code);
	exit(code);
}
