/* SPDX-License-Identifier: MIT */
/*
 * Byte-exact printing for the test programs: every byte that is not a
 * printable ASCII character comes out as \xNN, so two runs can be compared
 * as text and a difference in an invisible byte still shows.  Also the
 * string lists a program is given (argv, environ), printed one a line or
 * compared with a NUL-separated block as /proc shows them.
 */
#ifndef TANDEM_TESTS_ESCAPE_H
#define TANDEM_TESTS_ESCAPE_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* put_escaped S LEN: print the LEN bytes at S, escaped. */
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

/*
 * put_strings NAME V N: print the N strings of V one a line, as
 * NAME[I] len=LEN "ESCAPED".
 */
static inline void put_strings(const char *name, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i]);

		printf("%s[%zu] len=%zu \"", name, i, len);
		put_escaped(v[i], len);
		printf("\"\n");
	}
}

/*
 * block_is P LEN VEC: do the LEN bytes at P hold the strings of the
 * NULL-terminated VEC, in order, each ended by its NUL, and nothing more?
 */
static inline int block_is(const char *p, size_t len, char *const *vec)
{
	size_t off = 0;

	for (; *vec; vec++) {
		size_t l = strlen(*vec) + 1;

		if (off + l > len || memcmp(p + off, *vec, l))
			return 0;
		off += l;
	}
	return off == len;
}

#endif
