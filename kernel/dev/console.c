/* SPDX-License-Identifier: BSD-2-Clause */
/* console.c - output multiplexer, input queue, kprintf and progress bar. */
#include "console.h"
#include "serial.h"
#include "keyboard.h"
#include "usb.h"
#include "textcon.h"
#include "time.h"
#include "kformat.h"
#include "kstring.h"

void console_init_early(void)
{
	serial_init();
}

/* The first EARLY_LOG_SIZE bytes printed, replayed to consoles that start
 * later: the screens, PCI serial ports. */
#define EARLY_LOG_SIZE 8192
static char early_log[EARLY_LOG_SIZE];
static size_t early_len;
static uint64_t early_total; /* bytes printed so far, kept or not */

void console_screens_started(void)
{
	vgacon_write(early_log, early_len);
	fbcon_write(early_log, early_len);
}

void console_replay_early(void (*write)(int idx, const char *s, size_t n), int idx)
{
	write(idx, early_log, early_len);
	if (early_total > early_len) {
		char note[80];
		int k = ksnprintf(note, sizeof(note), "[... %llu bytes of boot output not kept ...]\n",
				  (unsigned long long)(early_total - early_len));
		if (k > 0)
			write(idx, note, (size_t)k < sizeof(note) ? (size_t)k : sizeof(note) - 1);
	}
}

static void (*output_hook)(void);

void console_set_output_hook(void (*fn)(void)) { output_hook = fn; }

void console_write(const char *s, size_t n)
{
	if (output_hook && n) {
		void (*fn)(void) = output_hook;
		output_hook = NULL; /* once; fn may print */
		fn();
	}
	if (early_len < sizeof(early_log)) {
		size_t room = sizeof(early_log) - early_len;
		size_t k = n < room ? n : room;
		memcpy(early_log + early_len, s, k);
		early_len += k;
	}
	early_total += n;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	vgacon_write(s, n);
	fbcon_write(s, n);
}

void console_putc(char c) { console_write(&c, 1); }

/* kprintf buffers a line at a time so screen consoles redraw their cursor
 * once per chunk rather than once per character. */
struct pbuf {
	char buf[128];
	size_t n;
};

static void pbuf_putc(void *ctx, char c)
{
	struct pbuf *p = ctx;
	p->buf[p->n++] = c;
	if (p->n == sizeof(p->buf) || c == '\n') {
		console_write(p->buf, p->n);
		p->n = 0;
	}
}

int kvprintf(const char *fmt, va_list ap)
{
	struct pbuf p;
	p.n = 0;
	int n = kvformat(pbuf_putc, &p, fmt, ap);
	if (p.n)
		console_write(p.buf, p.n);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* ------------------------------------------------------------ input */

#define INQ_SIZE 256
static int inq[INQ_SIZE];
static unsigned inq_head, inq_tail; /* head: next to read */

static void inq_push(int k)
{
	if (inq_tail - inq_head < INQ_SIZE)
		inq[inq_tail++ % INQ_SIZE] = k;
}

/* Serial escape decoder: ESC [ X, ESC O X, ESC [ n ~. A lone ESC is
 * delivered after 50 ms without a follow-up byte. */
static int esc_state; /* 0 idle, 1 got ESC, 2 got ESC[ or ESCO */
static int esc_num;
static uint64_t esc_time_us;

static void serial_feed(int c)
{
	if (esc_state == 0) {
		if (c == 0x1b) {
			esc_state = 1;
			esc_time_us = time_now_us();
			return;
		}
		inq_push(c == '\r' ? '\n' : c);
		return;
	}
	if (esc_state == 1) {
		if (c == '[' || c == 'O') {
			esc_state = 2;
			esc_num = 0;
			return;
		}
		esc_state = 0;
		inq_push(0x1b);
		serial_feed(c);
		return;
	}
	/* esc_state == 2 */
	if (c >= '0' && c <= '9') {
		esc_num = esc_num * 10 + (c - '0');
		if (esc_num > 100)
			esc_num = 100;
		return;
	}
	if (c == ';')
		return;
	esc_state = 0;
	switch (c) {
	case 'A': inq_push(KEY_UP); break;
	case 'B': inq_push(KEY_DOWN); break;
	case 'C': inq_push(KEY_RIGHT); break;
	case 'D': inq_push(KEY_LEFT); break;
	case 'H': inq_push(KEY_HOME); break;
	case 'F': inq_push(KEY_END); break;
	case '~':
		if (esc_num == 1 || esc_num == 7)
			inq_push(KEY_HOME);
		else if (esc_num == 4 || esc_num == 8)
			inq_push(KEY_END);
		else if (esc_num == 3)
			inq_push(KEY_DELETE);
		break;
	default:
		break; /* unknown sequence: dropped */
	}
}

static void console_poll(void)
{
	int c;
	for (int i = 0; i < 64 && (c = serial_trygetc()) >= 0; i++)
		serial_feed(c);
	if (esc_state == 1 && time_now_us() - esc_time_us > 50000) {
		esc_state = 0;
		inq_push(0x1b);
	}
	for (int i = 0; i < 16 && (c = ps2_trygetc()) >= 0; i++)
		inq_push(c);
	usb_poll();
	for (int i = 0; i < 16 && (c = usb_trygetc()) >= 0; i++)
		inq_push(c);
}

int console_trygetc(void)
{
	console_poll();
	if (inq_head == inq_tail)
		return -1;
	return inq[inq_head++ % INQ_SIZE];
}

int console_getc(void)
{
	for (;;) {
		int c = console_trygetc();
		if (c >= 0)
			return c;
		__asm__ volatile("pause");
	}
}

static bool (*busy_hook)(void);

void console_set_busy_hook(bool (*fn)(void)) { busy_hook = fn; }

bool console_check_interrupt(void)
{
	console_poll();
	bool found = busy_hook && busy_hook();
	unsigned w = inq_head;
	for (unsigned r = inq_head; r != inq_tail; r++) {
		int k = inq[r % INQ_SIZE];
		if (k == KEY_CTRL('c')) {
			found = true;
			continue;
		}
		inq[w++ % INQ_SIZE] = k;
	}
	inq_tail = w;
	return found;
}

/* console_progress() is in kernel/shell/shell_progress.c (shared with the sim). */

