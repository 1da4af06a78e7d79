/* SPDX-License-Identifier: BSD-2-Clause */
/* format.c - the formatting engine behind kprintf and ksnprintf (see kformat.h). */
#include <stdint.h>
#include <stdbool.h>
#include "kformat.h"
#include "kstring.h"

struct out {
	kformat_putc_fn putc;
	void *ctx;
	int count;
};

static void emit(struct out *o, char c)
{
	o->putc(o->ctx, c);
	o->count++;
}

static void emit_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void emit_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
			int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	if (v == 0 && prec != 0)
		tmp[n++] = '0';
	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}

	char sign = 0;
	if (neg)
		sign = '-';
	else if (flags & F_PLUS)
		sign = '+';
	else if (flags & F_SPACE)
		sign = ' ';
	const char *prefix = "";
	if ((flags & F_ALT) && base == 16)
		prefix = upper ? "0X" : "0x";
	else if ((flags & F_ALT) && base == 8)
		prefix = "0";

	int ndigits = n > prec ? n : prec;
	int len = ndigits + (sign ? 1 : 0) + (int)strlen(prefix);
	int pad = width > len ? width - len : 0;

	/* '0' is ignored with '-' or with an explicit precision, as in C. */
	bool zero = (flags & F_ZERO) && !(flags & F_LEFT) && prec < 0;
	if (!(flags & F_LEFT) && !zero)
		emit_pad(o, ' ', pad);
	if (sign)
		emit(o, sign);
	for (const char *p = prefix; *p; p++)
		emit(o, *p);
	if (zero)
		emit_pad(o, '0', pad);
	emit_pad(o, '0', ndigits - n);
	while (n)
		emit(o, tmp[--n]);
	if (flags & F_LEFT)
		emit_pad(o, ' ', pad);
}

int kvformat(kformat_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { putc, ctx, 0 };

	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		const char *start = fmt++;
		int flags = 0;
		for (;; fmt++) {
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}
		int width = 0;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (k_isdigit(*fmt))
				width = width * 10 + (*fmt++ - '0');
		}
		int prec = -1;
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
				fmt++;
			} else {
				while (k_isdigit(*fmt))
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		/* Length: 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t. */
		int len = 0;
		if (*fmt == 'h') {
			len = -1;
			if (*++fmt == 'h') {
				len = -2;
				fmt++;
			}
		} else if (*fmt == 'l') {
			len = 1;
			if (*++fmt == 'l') {
				len = 2;
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't') {
			len = 3;
			fmt++;
		}

		char conv = *fmt;
		if (conv)
			fmt++;
		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v;
			if (len == 1)
				v = va_arg(ap, long);
			else if (len == 2)
				v = va_arg(ap, long long);
			else if (len == 3)
				v = va_arg(ap, int64_t);
			else if (len == -1)
				v = (short)va_arg(ap, int);
			else if (len == -2)
				v = (signed char)va_arg(ap, int);
			else
				v = va_arg(ap, int);
			bool neg = v < 0;
			uint64_t mag = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			emit_number(&o, mag, neg, 10, false, flags, width, prec);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v;
			if (len == 1)
				v = va_arg(ap, unsigned long);
			else if (len == 2)
				v = va_arg(ap, unsigned long long);
			else if (len == 3)
				v = va_arg(ap, uint64_t);
			else if (len == -1)
				v = (unsigned short)va_arg(ap, unsigned int);
			else if (len == -2)
				v = (unsigned char)va_arg(ap, unsigned int);
			else
				v = va_arg(ap, unsigned int);
			unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
			emit_number(&o, v, false, base, conv == 'X', flags, width, prec);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			emit_number(&o, v, false, 16, false, (flags & F_LEFT) | F_ALT | F_ZERO,
				    width ? width : 18, -1);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!(flags & F_LEFT))
				emit_pad(&o, ' ', width - 1);
			emit(&o, c);
			if (flags & F_LEFT)
				emit_pad(&o, ' ', width - 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
			if (!(flags & F_LEFT))
				emit_pad(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				emit(&o, s[i]);
			if (flags & F_LEFT)
				emit_pad(&o, ' ', width - n);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown or truncated conversion: print it as written. */
			for (const char *p = start; p < fmt; p++)
				emit(&o, *p);
			break;
		}
	}
	return o.count;
}

struct bufctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_putc(void *ctx, char c)
{
	struct bufctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufctx b = { buf, size, 0 };
	int n = kvformat(buf_putc, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = 0;
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
