// SPDX-License-Identifier: MIT
/*
 * Prints the environment: the count, then every entry with its length,
 * escaped, in the order the program received it, so a lost, added,
 * reordered or truncated variable shows.
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"

extern char **environ;

int main(void)
{
	size_t n = 0, i;

	while (environ[n])
		n++;
	printf("entries=%zu\n", n);
	for (i = 0; i < n; i++) {
		size_t len = strlen(environ[i]);

		printf("env[%zu] len=%zu \"", i, len);
		put_escaped(environ[i], len);
		printf("\"\n");
	}
	return 0;
}
