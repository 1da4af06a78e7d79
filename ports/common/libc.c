/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libc.c - the memory and string functions the ports and the driver need
 * (the compiler may emit calls to memcpy/memset/memmove/memcmp even in a
 * freestanding build). Word-at-a-time when both pointers allow it, bytes
 * otherwise: the aarch64 port runs its early code with the MMU off, where
 * every access must be naturally aligned.
 */
#include "port.h"

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;
	if ((((uintptr_t)dp | (uintptr_t)sp) & 7u) == 0) {
		for (; n >= 8; n -= 8, dp += 8, sp += 8)
			*(uint64_t *)(void *)dp = *(const uint64_t *)(const void *)sp;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;
	uint8_t b = (uint8_t)c;
	while (n > 0 && ((uintptr_t)dp & 7u) != 0) {
		*dp++ = b;
		n--;
	}
	uint64_t w = b * 0x0101010101010101ull;
	for (; n >= 8; n -= 8, dp += 8)
		*(uint64_t *)(void *)dp = w;
	while (n--)
		*dp++ = b;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;
	if (dp == sp || n == 0)
		return d;
	if (dp < sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
		if (a[i] == '\0')
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}
