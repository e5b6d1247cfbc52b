/* SPDX-License-Identifier: MIT */
/*
 * Byte-exact printing for the test programs: every byte that is not a
 * printable ASCII character comes out as \xNN, so two runs can be compared
 * as text and a difference in an invisible byte still shows.
 */
#ifndef TANDEM_TESTS_ESCAPE_H
#define TANDEM_TESTS_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

static inline void put_escaped(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

#endif
