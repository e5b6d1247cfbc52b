// SPDX-License-Identifier: MIT
/*
 * Prints argc and every argument with its length, escaped, one a line, so
 * empty strings, very long lists and odd bytes all show in the output.
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"

int main(int argc, char **argv)
{
	int i;

	printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);

		printf("argv[%d] len=%zu \"", i, len);
		put_escaped(argv[i], len);
		printf("\"\n");
	}
	printf("argv[%d] is %s\n", argc, argv[argc] ? "not NULL" : "NULL");
	return 0;
}
