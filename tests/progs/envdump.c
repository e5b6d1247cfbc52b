// SPDX-License-Identifier: MIT
/*
 * Prints the environment: the count, then every entry with its length,
 * escaped, in the order the program received it, so a lost, added,
 * reordered or truncated variable shows.
 */
#include <stdio.h>

#include "escape.h"

extern char **environ;

int main(void)
{
	size_t n = 0;

	while (environ[n])
		n++;
	printf("entries=%zu\n", n);
	put_strings("env", environ, n);
	return 0;
}
