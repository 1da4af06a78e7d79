/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sim_platform.c - kernel/shell/platform.h on a Linux host (see sim.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "platform.h"
#include "kformat.h"
#include "nvme_port.h"

/* lib/kstring.h helpers glibc 2.36 lacks (lib/string.c also defines memcpy
 * & co., which must stay libc's on the host). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return n;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------ output */

static void (*output_hook)(void);

void console_set_output_hook(void (*fn)(void)) { output_hook = fn; }

void console_write(const char *s, size_t n)
{
	if (output_hook && n) {
		void (*fn)(void) = output_hook;
		output_hook = NULL;
		fn();
	}
	if (n && fwrite(s, 1, n, stdout) != n)
		clearerr(stdout);
	fflush(stdout);
}

void console_putc(char c) { console_write(&c, 1); }

struct outbuf {
	char b[512];
	size_t n;
};

static void out_putc(void *ctx, char c)
{
	struct outbuf *o = ctx;
	if (o->n == sizeof(o->b)) {
		console_write(o->b, o->n);
		o->n = 0;
	}
	o->b[o->n++] = c;
}

int kvprintf(const char *fmt, va_list ap)
{
	struct outbuf o;
	o.n = 0;
	int n = kvformat(out_putc, &o, fmt, ap);
	console_write(o.b, o.n);
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

/* Longest wait for the rest of an escape sequence after ESC. */
#define SIM_ESC_WAIT_MS 30
/* console_trygetc's wait when nothing is queued (keeps the idle prompt off
 * the CPU; the shell's idle hook limits its own rate). */
#define SIM_IDLE_WAIT_MS 10

static struct termios saved_tio;
static bool tio_saved;

static void restore_tty(void)
{
	if (tio_saved)
		tcsetattr(0, TCSANOW, &saved_tio);
}

void sim_console_init(void)
{
	if (!isatty(0) || tcgetattr(0, &saved_tio) != 0)
		return;
	struct termios t = saved_tio;
	/* keys one by one, no echo (the shell's line editor echoes), Ctrl-C
	 * and Ctrl-Z as bytes (console_check_interrupt), output processing kept */
	t.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= (tcflag_t) ~(IXON | ICRNL);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSANOW, &t) == 0) {
		tio_saved = true;
		atexit(restore_tty);
	}
}

static unsigned char raw[256];
static size_t raw_n;
static int keyq[256];
static unsigned kq_head, kq_tail; /* free-running */
static bool in_eof;

static bool kq_full(void) { return kq_tail - kq_head >= sizeof(keyq) / sizeof(keyq[0]); }
static void kq_push(int k)
{
	if (!kq_full())
		keyq[kq_tail++ % (sizeof(keyq) / sizeof(keyq[0]))] = k;
}

/* Reads what stdin has within timeout_ms (-1: block) into raw. */
static void read_raw(int timeout_ms)
{
	if (in_eof || raw_n == sizeof(raw))
		return;
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms);
	if (r <= 0)
		return;
	ssize_t n = read(0, raw + raw_n, sizeof(raw) - raw_n);
	if (n > 0)
		raw_n += (size_t)n;
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		in_eof = true;
}

static void raw_drop(size_t n)
{
	memmove(raw, raw + n, raw_n - n);
	raw_n -= n;
}

/* Decodes raw bytes into keys: ESC [ A/B/C/D/H/F, ESC O H/F, ESC [ n ~
 * (1/7 Home, 4/8 End, 3 Delete), as the kernel's serial decoder does. */
static void decode(void)
{
	while (raw_n && !kq_full()) {
		if (raw[0] != 0x1b) {
			kq_push(raw[0]);
			raw_drop(1);
			continue;
		}
		size_t need = 2;
		for (;;) {
			if (raw_n < need) {
				size_t before = raw_n;
				read_raw(SIM_ESC_WAIT_MS);
				if (raw_n == before)
					break; /* incomplete: drop what came */
				continue;
			}
			if (need == 2 && raw[1] != '[' && raw[1] != 'O')
				break;
			if (need == 2) {
				need = 3;
				continue;
			}
			unsigned char c = raw[need - 1];
			if (c >= '0' && c <= '9' && need < 6) {
				need++;
				continue;
			}
			break;
		}
		size_t have = raw_n < need ? raw_n : need;
		int key = -1;
		if (have >= 3 && raw[1] == '[') {
			unsigned char f = raw[2];
			if (have == 3) {
				key = f == 'A' ? KEY_UP : f == 'B' ? KEY_DOWN : f == 'C' ? KEY_RIGHT : f == 'D' ? KEY_LEFT
				    : f == 'H' ? KEY_HOME : f == 'F' ? KEY_END : -1;
			} else if (raw[have - 1] == '~' && have == 4) {
				key = f == '1' || f == '7' ? KEY_HOME : f == '4' || f == '8' ? KEY_END : f == '3' ? KEY_DELETE : -1;
			}
		} else if (have == 3 && raw[1] == 'O') {
			key = raw[2] == 'H' ? KEY_HOME : raw[2] == 'F' ? KEY_END : -1;
		}
		if (key >= 0)
			kq_push(key);
		raw_drop(have ? have : 1);
	}
}

static int kq_pop(void)
{
	if (kq_head == kq_tail)
		return -1;
	return keyq[kq_head++ % (sizeof(keyq) / sizeof(keyq[0]))];
}

/* The input ended (stdin closed): like `exit 0` typed at the prompt. */
static void input_ended(void)
{
	kprintf("\n");
	system_shutdown_devices();
	sim_exit(0);
}

int console_trygetc(void)
{
	if (kq_head == kq_tail) {
		read_raw(SIM_IDLE_WAIT_MS);
		decode();
	}
	int k = kq_pop();
	if (k < 0 && in_eof && raw_n == 0)
		input_ended();
	return k;
}

int console_getc(void)
{
	for (;;) {
		int k = console_trygetc();
		if (k >= 0)
			return k;
	}
}

bool console_check_interrupt(void)
{
	read_raw(0);
	decode();
	unsigned n = kq_tail - kq_head;
	for (unsigned i = 0; i < n; i++) {
		unsigned at = (kq_head + i) % (sizeof(keyq) / sizeof(keyq[0]));
		if (keyq[at] != KEY_CTRL('c'))
			continue;
		/* take it out, keep the order of the rest */
		for (unsigned j = i; j + 1 < n; j++)
			keyq[(kq_head + j) % (sizeof(keyq) / sizeof(keyq[0]))] =
				keyq[(kq_head + j + 1) % (sizeof(keyq) / sizeof(keyq[0]))];
		kq_tail--;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ time */

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t start_ns;

uint64_t time_rdtsc(void)
{
	if (!start_ns)
		start_ns = mono_ns() - 1;
	return mono_ns() - start_ns;
}

uint64_t time_now_us(void) { return time_rdtsc() / 1000; }

void time_delay_us(uint64_t us)
{
	uint64_t end = time_rdtsc() + us * 1000;
	for (;;) {
		uint64_t now = time_rdtsc();
		if (now >= end)
			return;
		uint64_t left = end - now;
		struct timespec ts = { (time_t)(left / 1000000000ull), (long)(left % 1000000000ull) };
		nanosleep(&ts, NULL);
	}
}

uint64_t time_tsc_hz(void) { return 1000000000ull; }
uint64_t time_tsc_to_us(uint64_t ticks) { return ticks / 1000; }
uint64_t time_tsc_to_ns(uint64_t ticks) { return ticks; }
const char *time_source(void) { return "host CLOCK_MONOTONIC (ns)"; }
bool time_tsc_invariant(void) { return true; }

uint64_t sim_clock(void *ctx)
{
	(void)ctx;
	return time_now_us();
}

/* ------------------------------------------------------------ DMA memory */

struct region {
	uint8_t *p;
	size_t len;
};
static struct region *regions;
static size_t nregions, cap_regions;

void *sim_dma_alloc(size_t bytes, size_t align)
{
	if (bytes == 0)
		return NULL;
	if (align < PLATFORM_PAGE_SIZE)
		align = PLATFORM_PAGE_SIZE;
	size_t len = (bytes + align - 1) / align * align;
	if (nregions == cap_regions) {
		size_t nc = cap_regions ? cap_regions * 2 : 64;
		struct region *r = realloc(regions, nc * sizeof(*r));
		if (!r)
			return NULL;
		regions = r;
		cap_regions = nc;
	}
	uint8_t *p = aligned_alloc(align, len);
	if (!p)
		return NULL;
	memset(p, 0, len);
	regions[nregions].p = p;
	regions[nregions].len = len;
	nregions++;
	return p;
}

void sim_dma_free(void *p)
{
	for (size_t i = 0; i < nregions; i++) {
		if (regions[i].p == p) {
			free(p);
			regions[i] = regions[--nregions];
			return;
		}
	}
	fprintf(stderr, "nvmetk-sim: DMA free of %p that is not allocated\n", p);
	abort();
}

void *sim_translate(void *ctx, uint64_t phys, size_t len, bool write)
{
	(void)ctx;
	(void)write;
	for (size_t i = 0; i < nregions; i++) {
		uint64_t a = (uint64_t)(uintptr_t)regions[i].p;
		if (phys >= a && phys - a <= regions[i].len && len <= regions[i].len - (phys - a))
			return (void *)(uintptr_t)phys;
	}
	return NULL;
}

size_t sim_dma_live(size_t *bytes)
{
	size_t b = 0;
	for (size_t i = 0; i < nregions; i++)
		b += regions[i].len;
	*bytes = b;
	return nregions;
}

void *platform_dma_alloc(uint64_t pages, bool low4g, uint64_t *phys)
{
	(void)low4g; /* the model reaches 64-bit addresses */
	if (pages == 0 || pages > SIZE_MAX / PLATFORM_PAGE_SIZE)
		return NULL;
	void *p = sim_dma_alloc((size_t)pages * PLATFORM_PAGE_SIZE, PLATFORM_PAGE_SIZE);
	if (p)
		*phys = (uint64_t)(uintptr_t)p;
	return p;
}

void platform_dma_free(void *virt, uint64_t phys, uint64_t pages)
{
	(void)phys;
	(void)pages;
	sim_dma_free(virt);
}

/* ------------------------------------------------------------ modules */

#define SIM_MAX_MODULES 8
static struct {
	char name[64];
	void *data;
	size_t len;
} modules[SIM_MAX_MODULES];
static int nmodules;

bool sim_module_add(const char *name, const void *data, size_t len)
{
	if (nmodules == SIM_MAX_MODULES)
		return false;
	void *p = sim_dma_alloc(len ? len : 1, PLATFORM_PAGE_SIZE);
	if (!p)
		return false;
	memcpy(p, data, len);
	strlcpy(modules[nmodules].name, name, sizeof(modules[nmodules].name));
	modules[nmodules].data = p;
	modules[nmodules].len = len;
	nmodules++;
	return true;
}

bool platform_module_find(const char *name, struct platform_module *out)
{
	for (int i = 0; i < nmodules; i++) {
		const char *n = modules[i].name;
		const char *base = strrchr(n, '/');
		if (strcmp(n, name) == 0 || (base && strcmp(base + 1, name) == 0)) {
			out->data = modules[i].data;
			out->phys = (uint64_t)(uintptr_t)modules[i].data;
			out->len = modules[i].len;
			out->name = n;
			return true;
		}
	}
	return false;
}

void platform_module_list(char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < nmodules && n < len; i++)
		n += (size_t)ksnprintf(buf + n, len - n, "%s'%s'", i ? ", " : "", modules[i].name);
	if (nmodules == 0)
		strlcpy(buf, "none; the sim's --module NAME=FILE and --fw-image NAME=REV add them", len);
}

static void free_modules(void)
{
	for (int i = 0; i < nmodules; i++)
		sim_dma_free(modules[i].data);
	nmodules = 0;
}

/* ------------------------------------------------------------ exit */

static void (*exit_hook)(int code);
static bool devices_down;

void sim_set_exit_hook(void (*fn)(int code)) { exit_hook = fn; }

void system_shutdown_devices(void)
{
	if (devices_down)
		return;
	devices_down = true;
	if (nvme_port_count())
		nvme_port_shutdown_all();
}

void sim_exit(int code)
{
	fflush(stdout);
	if (exit_hook)
		exit_hook(code);
	free_modules();
	size_t bytes;
	size_t live = sim_dma_live(&bytes);
	if (live)
		fprintf(stderr, "nvmetk-sim: %zu DMA regions (%zu bytes) still allocated at exit\n", live, bytes);
	free(regions);
	regions = NULL;
	restore_tty();
	exit(code);
}

void system_exit(int code) { sim_exit(code & 0x7f); }

void system_poweroff(void)
{
	kprintf("sim: power off\n");
	sim_exit(0);
}

void system_reboot(void)
{
	/* A process cannot reboot a machine: ending with its own status keeps
	 * scripts honest (the kernel's reboot never returns either). */
	kprintf("sim: reboot: the simulator has no machine to reset; it ends (status 0)\n");
	sim_exit(0);
}
