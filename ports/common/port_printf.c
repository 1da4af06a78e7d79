/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * port_printf.c - a small printf for the ports' console and for building
 * strings. No floating point: the ports print rates as fixed-point integers.
 */
#include "port.h"

struct sink {
	char *buf;      /* NULL: the console */
	size_t len;     /* buffer size */
	size_t pos;     /* characters produced so far */
};

static void put(struct sink *s, char c)
{
	if (s->buf == NULL) {
		if (c == '\n')
			arch_putc('\r');
		arch_putc(c);
	} else if (s->pos + 1 < s->len) {
		s->buf[s->pos] = c;
	}
	s->pos++;
}

static void put_num(struct sink *s, uint64_t v, unsigned base, bool upper, bool neg,
		    int width, bool zero, bool left)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	int total = n + (neg ? 1 : 0);
	if (!left && !zero)
		for (; width > total; width--)
			put(s, ' ');
	if (neg)
		put(s, '-');
	if (!left && zero)
		for (; width > total; width--)
			put(s, '0');
	while (n > 0)
		put(s, tmp[--n]);
	if (left)
		for (; width > total; width--)
			put(s, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(s, *fmt);
			continue;
		}
		fmt++;
		bool zero = false, left = false;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		int width = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		int lng = 0;
		while (*fmt == 'l' || *fmt == 'z') {
			lng = *fmt == 'z' ? 2 : lng + 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			put_num(s, m, 10, false, v < 0, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			put_num(s, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
			break;
		}
		case 'p':
			put(s, '0');
			put(s, 'x');
			put_num(s, (uintptr_t)va_arg(ap, void *), 16, false, false, width, zero, left);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (str == NULL)
				str = "(null)";
			int n = (int)strlen(str);
			if (!left)
				for (; width > n; width--)
					put(s, ' ');
			while (*str)
				put(s, *str++);
			if (left)
				for (; width > n; width--)
					put(s, ' ');
			break;
		}
		case 'c':
			put(s, (char)va_arg(ap, int));
			break;
		case '%':
			put(s, '%');
			break;
		case '\0':
			return;
		default:
			put(s, '%');
			put(s, *fmt);
			break;
		}
	}
}

void port_vprintf(const char *fmt, va_list ap)
{
	struct sink s = { NULL, 0, 0 };
	format(&s, fmt, ap);
}

void port_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	port_vprintf(fmt, ap);
	va_end(ap);
}

int port_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct sink s = { buf, len, 0 };
	format(&s, fmt, ap);
	if (len > 0)
		buf[s.pos < len ? s.pos : len - 1] = '\0';
	return (int)s.pos;
}

int port_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = port_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

void port_fatal(const char *fmt, ...)
{
	va_list ap;
	port_printf("FATAL: ");
	va_start(ap, fmt);
	port_vprintf(fmt, ap);
	va_end(ap);
	port_printf("\n");
	arch_exit(3);
}
