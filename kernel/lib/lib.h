/* SPDX-License-Identifier: MIT */
/*
 * The LWK's own small C library: string and memory helpers and a
 * formatter.  The core links no libc; this is all it has.
 */
#ifndef TANDEM_KERNEL_LIB_H
#define TANDEM_KERNEL_LIB_H

#include "../types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
bool str_starts(const char *s, const char *prefix);
size_t strlcpy(char *dst, const char *src, size_t size);

/* Parse an unsigned decimal (or 0x hex) number; -EINVAL on junk. */
int parse_u64(const char *s, u64 *out);

/*
 * snprintf-style formatting: %d %i %u %x %X %o %c %s %p %%, with the l, ll,
 * z and h length modifiers, a width, a precision for %s, and the flags
 * '-', '0' and '#'.  Returns the length the full output would have had
 * (as C99 snprintf does); the buffer is always NUL terminated when size > 0.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
