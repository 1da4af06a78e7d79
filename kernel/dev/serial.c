/* SPDX-License-Identifier: BSD-2-Clause */
/* serial.c - polled 16550 UART on COM1 at 115200 baud, 8 data bits, no parity, 1 stop. */
#include "serial.h"
#include "cpu.h"

#define COM1 0x3F8
enum { RBR = 0, THR = 0, IER = 1, DLL = 0, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
#define LSR_DR 0x01
#define LSR_THRE 0x20

static bool present;

bool serial_init(void)
{
	/* The scratch register holds what we write if a UART is there. */
	outb(COM1 + SCR, 0x5A);
	if (inb(COM1 + SCR) != 0x5A)
		return present = false;
	outb(COM1 + IER, 0x00);
	outb(COM1 + LCR, 0x80);   /* DLAB on */
	outb(COM1 + DLL, 1);      /* 115200 / 1 */
	outb(COM1 + DLM, 0);
	outb(COM1 + LCR, 0x03);   /* 8N1, DLAB off */
	outb(COM1 + FCR, 0xC7);   /* FIFOs on, cleared, 14-byte threshold */
	outb(COM1 + MCR, 0x03);   /* DTR, RTS; OUT2 off: no interrupts */
	return present = true;
}

bool serial_present(void) { return present; }

void serial_putc(char c)
{
	if (!present)
		return;
	/* Bounded wait: a stuck UART must not hang the kernel. */
	for (unsigned i = 0; i < 1000000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
		cpu_pause();
	outb(COM1 + THR, (uint8_t)c);
}

int serial_trygetc(void)
{
	if (!present)
		return -1;
	uint8_t lsr = inb(COM1 + LSR);
	if (lsr == 0xFF || !(lsr & LSR_DR))
		return -1;
	return inb(COM1 + RBR);
}
