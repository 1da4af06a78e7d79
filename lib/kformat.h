/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kformat.h - printf-style formatting for the kernel, output through a callback.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z j t,
 * flags '-' (left justify), '0' (zero pad), '+', ' ', '#' (0x prefix),
 * field width (number or '*') and precision ('.N' or '.*': the maximum number
 * of characters for %s, the minimum number of digits for integers).
 * %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)".
 * Unknown conversions are printed literally so a typo is visible, not fatal.
 */
#ifndef LIB_KFORMAT_H
#define LIB_KFORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*kformat_putc_fn)(void *ctx, char c);

/* Formats to the callback; returns the number of characters produced. */
int kvformat(kformat_putc_fn putc, void *ctx, const char *fmt, va_list ap);

/* Like C vsnprintf/snprintf: always terminates when size > 0, returns the
 * length the full output would have had. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
