// SPDX-License-Identifier: MIT
/*
 * Dies of SIGABRT through abort(3), after flushing a line on each stream:
 * the shell must report 134 natively and under tandem.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	fprintf(stderr, "stderr before abort\n");
	abort();
}
