/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_msg.c - a tiny formatter for log lines (no libc) and the trace helpers.
 *
 * The host receives finished lines through nvme_host.log; the driver never
 * formats a message whose level is above the controller's log level.
 */
#include "nvme_internal.h"

struct nvme_out {
	char  *buf;
	size_t len;   /* capacity */
	size_t pos;   /* characters produced (may exceed len) */
};

NVME_COLD static void out_c(struct nvme_out *o, char ch)
{
	if (o->len != 0 && o->pos < o->len - 1)
		o->buf[o->pos] = ch;
	o->pos++;
}

NVME_COLD static void out_pad(struct nvme_out *o, char ch, int n)
{
	while (n-- > 0)
		out_c(o, ch);
}

NVME_COLD static void out_str(struct nvme_out *o, const char *s, int width, bool left)
{
	int n = 0;
	if (s == NULL)
		s = "(null)";
	while (s[n] != '\0')
		n++;
	if (!left)
		out_pad(o, ' ', width - n);
	for (int i = 0; i < n; i++)
		out_c(o, s[i]);
	if (left)
		out_pad(o, ' ', width - n);
}

NVME_COLD static void out_num(struct nvme_out *o, unsigned long long v, bool neg, unsigned base,
		    bool upper, int width, bool zero, bool left)
{
	char tmp[24];
	int n = 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		/* base is 10 or 16: the shift keeps hex free of division */
		if (base == 16) {
			tmp[n++] = digits[v & 15u];
			v >>= 4;
		} else {
			tmp[n++] = digits[v % 10u];
			v /= 10u;
		}
	} while (v != 0 && n < (int)sizeof(tmp));

	int total = n + (neg ? 1 : 0);
	if (!left && !zero)
		out_pad(o, ' ', width - total);
	if (neg)
		out_c(o, '-');
	if (!left && zero)
		out_pad(o, '0', width - total);
	while (n > 0)
		out_c(o, tmp[--n]);
	if (left)
		out_pad(o, ' ', width - total);
}

NVME_COLD size_t nvme_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct nvme_out o = { buf, len, 0 };

	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			out_c(&o, *p);
			continue;
		}
		p++;
		bool zero = false, left = false;
		int width = 0, lng = 0;
		for (;; p++) {
			if (*p == '0')
				zero = true;
			else if (*p == '-')
				left = true;
			else
				break;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		for (;; p++) {
			if (*p == 'l')
				lng++;
			else if (*p == 'z')
				lng = 3;
			else if (*p != 'h')
				break;
		}
		switch (*p) {
		case '\0':
			p--;
			break;
		case '%':
			out_c(&o, '%');
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's':
			out_str(&o, va_arg(ap, const char *), width, left);
			break;
		case 'd':
		case 'i': {
			long long v;
			if (lng >= 3)
				v = (long long)va_arg(ap, ptrdiff_t);
			else if (lng == 2)
				v = va_arg(ap, long long);
			else if (lng == 1)
				v = va_arg(ap, long);
			else
				v = va_arg(ap, int);
			bool neg = v < 0;
			unsigned long long u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
			out_num(&o, u, neg, 10, false, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v;
			if (lng >= 3)
				v = va_arg(ap, size_t);
			else if (lng == 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			out_num(&o, v, false, *p == 'u' ? 10u : 16u, *p == 'X', width, zero, left);
			break;
		}
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *), false, 16, false,
				width, zero, left);
			break;
		default:
			out_c(&o, '%');
			out_c(&o, *p);
			break;
		}
	}
	if (len != 0)
		buf[o.pos < len ? o.pos : len - 1] = '\0';
	return o.pos;
}

NVME_COLD size_t nvme_format(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = nvme_vformat(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

NVME_COLD size_t nvme_cat(char *buf, size_t len, size_t pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n;
	if (pos < len) {
		n = nvme_vformat(buf + pos, len - pos, fmt, ap);
	} else {
		char dummy[1];
		n = nvme_vformat(dummy, 0, fmt, ap);
	}
	va_end(ap);
	return pos + n;
}

NVME_COLD void nvme_logf(const struct nvme_ctrl *c, const char *fmt, ...)
{
	char line[256];
	size_t n;
	va_list ap;
	enum nvme_log_level level = (enum nvme_log_level)(*fmt++ - '0');

	if (c == NULL || c->host == NULL || c->host->log == NULL || level > c->log_level)
		return;
	/* prefix with BAR0's address so lines of several controllers differ */
	n = nvme_format(line, sizeof(line), "nvme@%llx: ", (unsigned long long)c->bar_phys);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	va_start(ap, fmt);
	nvme_vformat(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	c->host->log(c->host->ctx, level, line);
}

#if NVME_CFG_TRACE
NVME_COLD void nvme_trace_sqe(const struct nvme_qpair *q, const struct nvme_sqe *s)
{
	if (!NVME_TRACING(q->ctrl))
		return;
	nvme_logf(q->ctrl,
		  "4sq%u sqe opc %02x fl %02x cid %u nsid %x prp1 %llx prp2 %llx cdw10 %x 11 %x 12 %x 13 %x 14 %x 15 %x",
		  (unsigned)q->qid, (unsigned)s->opc, (unsigned)s->flags, (unsigned)s->cid,
		  (unsigned)s->nsid, (unsigned long long)s->dptr.prp.prp1,
		  (unsigned long long)s->dptr.prp.prp2, (unsigned)s->cdw10, (unsigned)s->cdw11,
		  (unsigned)s->cdw12, (unsigned)s->cdw13, (unsigned)s->cdw14, (unsigned)s->cdw15);
}

NVME_COLD void nvme_trace_cqe(const struct nvme_qpair *q, const struct nvme_cqe *e)
{
	if (!NVME_TRACING(q->ctrl))
		return;
	nvme_logf(q->ctrl, "4cq%u cqe dw0 %x dw1 %x sqhd %u sqid %u cid %u status %04x",
		  (unsigned)q->qid, (unsigned)e->dw0, (unsigned)e->dw1, (unsigned)e->sqhd,
		  (unsigned)e->sqid, (unsigned)e->cid, (unsigned)e->status);
}
#endif
