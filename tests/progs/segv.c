// SPDX-License-Identifier: MIT
/*
 * Dies of SIGSEGV by writing through a null pointer, after flushing a line
 * on each stream: the shell must report 139 natively and under tandem.
 */
#include <stdio.h>

int main(void)
{
	volatile int *p = NULL;

	printf("about to write through NULL\n");
	fflush(stdout);
	fprintf(stderr, "stderr before the fault\n");
	*p = 1;
	printf("still alive after the fault\n");
	return 0;
}
