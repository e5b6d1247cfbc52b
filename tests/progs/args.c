// SPDX-License-Identifier: MIT
/*
 * Prints argc and every argument with its length, escaped, one a line, so
 * empty strings, very long lists and odd bytes all show in the output.
 */
#include <stdio.h>

#include "escape.h"

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	put_strings("argv", argv, (size_t)argc);
	printf("argv[%d] is %s\n", argc, argv[argc] ? "not NULL" : "NULL");
	return 0;
}
