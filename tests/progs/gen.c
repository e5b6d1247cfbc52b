// SPDX-License-Identifier: MIT
/*
 * Writes exactly BYTES bytes of deterministic text to stdout: lines of
 * pseudo-random lowercase words and numbers from a xorshift generator
 * seeded with SEED. The same arguments give the same bytes on any machine,
 * so the harness can build large inputs without storing them.
 *
 * usage: gen SEED BYTES
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

int main(int argc, char **argv)
{
	static char out[1 << 16];
	unsigned long long left;
	size_t fill = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: gen SEED BYTES\n");
		return 2;
	}
	state = strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
	left = strtoull(argv[2], NULL, 0);

	while (left > 0) {
		char line[128];
		int len = 0, words = 1 + (int)(next() % 8), w;

		for (w = 0; w < words; w++) {
			int wl = 1 + (int)(next() % 10), k;

			if (w)
				line[len++] = ' ';
			if (next() % 5 == 0) {
				len += sprintf(line + len, "%llu",
					       (unsigned long long)(next() % 100000));
				continue;
			}
			for (k = 0; k < wl; k++)
				line[len++] = (char)('a' + next() % 26);
		}
		line[len++] = '\n';
		if ((unsigned long long)len > left) {
			len = (int)left;
			if (len > 0)
				line[len - 1] = '\n';
		}
		if (fill + (size_t)len > sizeof(out)) {
			fwrite(out, 1, fill, stdout);
			fill = 0;
		}
		memcpy(out + fill, line, (size_t)len);
		fill += (size_t)len;
		left -= (unsigned long long)len;
	}
	fwrite(out, 1, fill, stdout);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
