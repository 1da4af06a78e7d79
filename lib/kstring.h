/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kstring.h - freestanding subset of <string.h> and <ctype.h> for the kernel.
 *
 * The compiler may emit calls to memcpy/memset/memmove/memcmp on its own, so
 * these four keep their standard names and semantics.
 */
#ifndef LIB_KSTRING_H
#define LIB_KSTRING_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (if size > 0).
 * Returns strlen(src) so truncation can be detected. */
size_t strlcpy(char *dst, const char *src, size_t size);
bool str_starts_with(const char *s, const char *prefix);

static inline bool k_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline bool k_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
static inline bool k_isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline bool k_isxdigit(int c)
{
	return k_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int k_tolower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

#endif
