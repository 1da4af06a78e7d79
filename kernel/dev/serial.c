/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial.c - polled 16550 UARTs at 115200 baud (divisor 1), 8 data bits, no
 * parity, 1 stop: COM1 and 16550-compatible PCI serial functions (see
 * serial.h).
 */
#include "serial.h"
#include "serial_bar.h"
#include "console.h"
#include "cpu.h"
#include "kformat.h"
#include "pci.h"
#include "vmm.h"

#define COM1 0x3F8
enum { RBR = 0, THR = 0, IER = 1, DLL = 0, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
#define LSR_DR 0x01
#define LSR_THRE 0x20
/* Polls of LSR.THRE before a byte is sent anyway (a stuck UART must not
 * hang the kernel; at 115200 baud one byte takes ~87 us). */
#define SERIAL_THRE_POLLS 1000000u
/* A port whose transmitter stayed busy for this many bytes in a row is
 * no longer written to (it would slow every console line down). */
#define SERIAL_STUCK_LIMIT 3u

struct uart {
	bool mmio;
	uint16_t port;            /* I/O base */
	volatile uint8_t *regs;   /* MMIO base (register stride 1 byte) */
	char desc[64];
	unsigned stuck;           /* consecutive bytes sent without THRE */
};

static struct uart uarts[SERIAL_MAX_PORTS];
static int nuarts;
static bool com1;

static uint8_t rd(const struct uart *u, unsigned reg)
{
	return u->mmio ? u->regs[reg] : inb((uint16_t)(u->port + reg));
}

static void wr(const struct uart *u, unsigned reg, uint8_t v)
{
	if (u->mmio)
		u->regs[reg] = v;
	else
		outb((uint16_t)(u->port + reg), v);
}

/* Probes (scratch register) and programs one UART; true if it answered. */
static bool uart_setup(const struct uart *u)
{
	/* The scratch register holds what we write if a UART is there. */
	wr(u, SCR, 0x5A);
	if (rd(u, SCR) != 0x5A)
		return false;
	wr(u, SCR, 0xA5);
	if (rd(u, SCR) != 0xA5)
		return false;
	wr(u, IER, 0x00);
	wr(u, LCR, 0x80);   /* DLAB on */
	wr(u, DLL, 1);      /* 115200 / 1 with the standard 1.8432 MHz clock */
	wr(u, DLM, 0);
	wr(u, LCR, 0x03);   /* 8N1, DLAB off */
	wr(u, FCR, 0xC7);   /* FIFOs on, cleared, 14-byte threshold */
	wr(u, MCR, 0x03);   /* DTR, RTS; OUT2 off: no interrupts */
	return true;
}

static void uart_putc(struct uart *u, char c)
{
	if (u->stuck >= SERIAL_STUCK_LIMIT)
		return;
	unsigned i = 0;
	while (!(rd(u, LSR) & LSR_THRE)) {
		if (++i == SERIAL_THRE_POLLS) {
			u->stuck++;
			break;
		}
		cpu_pause();
	}
	if (i < SERIAL_THRE_POLLS)
		u->stuck = 0;
	wr(u, THR, (uint8_t)c);
}

bool serial_init(void)
{
	if (com1)
		return true;
	struct uart u = { .mmio = false, .port = COM1, .regs = 0, .desc = "COM1 0x3f8" };
	if (nuarts == SERIAL_MAX_PORTS || !uart_setup(&u))
		return false;
	uarts[nuarts++] = u;
	return com1 = true;
}

bool serial_present(void) { return nuarts > 0; }
bool serial_com1_present(void) { return com1; }
int serial_port_count(void) { return nuarts; }

const char *serial_port_desc(int i)
{
	return (i >= 0 && i < nuarts) ? uarts[i].desc : NULL;
}

void serial_putc(char c)
{
	for (int i = 0; i < nuarts; i++)
		uart_putc(&uarts[i], c);
}

void serial_port_write(int i, const char *s, size_t n)
{
	if (i < 0 || i >= nuarts)
		return;
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\n')
			uart_putc(&uarts[i], '\r');
		uart_putc(&uarts[i], s[k]);
	}
}

int serial_trygetc(void)
{
	for (int i = 0; i < nuarts; i++) {
		uint8_t lsr = rd(&uarts[i], LSR);
		if (lsr == 0xFF || !(lsr & LSR_DR))
			continue;   /* nothing waiting (0xFF: the device is gone) */
		return rd(&uarts[i], RBR);
	}
	return -1;
}

/* ------------------------------------------------------------ PCI */

/* Class 07:00 (serial controller): prog-if 00 8250, 01 16450, 02 16550,
 * 03 16650, 04 16750, 05 16850, 06 16950: all register-compatible with the
 * 16550 subset used here. */
static bool is_uart_class(const struct pci_dev *d)
{
	return d->class_code == 0x07 && d->subclass == 0x00 && d->prog_if <= 0x06;
}

/* A BAR usable as the UART's registers, or why not (NULL = usable). BARs
 * larger than the 8 registers are accepted up to serial_bar.h's limits
 * (multi-port cards, 4 KiB MMIO windows); only the first 8 bytes are used. */
static const char *bar_problem(const struct pci_bar *b)
{
	return serial_bar_problem(b->present, b->is_io, b->base, b->size);
}

static void add_pci_uart(struct pci_dev *d)
{
	/* The first usable BAR holds the (first) port: I/O on most cards and
	 * QEMU's pci-serial, memory on some. */
	const struct pci_bar *b = NULL;
	int bi = -1;
	const char *why = "no BAR";
	for (int i = 0; i < 6 && !b; i++) {
		const char *p = bar_problem(&d->bar[i]);
		if (!p) {
			b = &d->bar[i];
			bi = i;
		} else if (d->bar[i].present) {
			why = p;
		}
	}
	if (!b) {
		kprintf("serial: PCI %02x:%02x.%x %04x:%04x: not used: BAR %s\n", d->bus, d->dev, d->fn,
			d->vendor, d->device, why);
		return;
	}
	if (nuarts == SERIAL_MAX_PORTS) {
		kprintf("serial: PCI %02x:%02x.%x: not used: already %d serial ports\n", d->bus, d->dev,
			d->fn, SERIAL_MAX_PORTS);
		return;
	}
	struct uart u = { 0 };
	u.mmio = !b->is_io;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	if (u.mmio) {
		u.regs = (volatile uint8_t *)vmm_map_mmio(b->base, b->size);
		if (!u.regs) {
			kprintf("serial: PCI %02x:%02x.%x: cannot map BAR%d 0x%llx\n", d->bus, d->dev, d->fn,
				bi, (unsigned long long)b->base);
			return;
		}
		pci_write16(d, PCI_COMMAND, (uint16_t)(cmd | PCI_COMMAND_MEMORY));
	} else {
		u.port = (uint16_t)b->base;
		pci_write16(d, PCI_COMMAND, (uint16_t)(cmd | PCI_COMMAND_IO));
	}
	if (!uart_setup(&u)) {
		kprintf("serial: PCI %02x:%02x.%x %04x:%04x: no 16550 answers at BAR%d %s 0x%llx\n", d->bus,
			d->dev, d->fn, d->vendor, d->device, bi, u.mmio ? "memory" : "I/O",
			(unsigned long long)b->base);
		if (u.mmio)
			vmm_unmap_mmio(u.regs, b->size);
		pci_write16(d, PCI_COMMAND, cmd);
		return;
	}
	ksnprintf(u.desc, sizeof(u.desc), "PCI %02x:%02x.%x %s 0x%llx", d->bus, d->dev, d->fn,
		  u.mmio ? "MMIO" : "I/O", (unsigned long long)b->base);
	int idx = nuarts;
	uarts[nuarts++] = u;
	/* What the other consoles showed so far, then the announcement. */
	console_replay_early(serial_port_write, idx);
	kprintf("serial: PCI %02x:%02x.%x %04x:%04x 16550 at BAR%d %s 0x%llx: console and input\n",
		d->bus, d->dev, d->fn, d->vendor, d->device, bi, u.mmio ? "memory" : "I/O",
		(unsigned long long)b->base);
}

void serial_pci_init(void)
{
	for (struct pci_dev *d = pci_find_class(0x07, 0x00, -1, NULL); d;
	     d = pci_find_class(0x07, 0x00, -1, d))
		if (is_uart_class(d))
			add_pci_uart(d);
}
