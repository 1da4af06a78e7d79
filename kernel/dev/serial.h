/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial.h - polled 16550 UARTs (115200 8N1): COM1 and PCI serial ports.
 *
 * serial_init() (first thing at boot) takes COM1 at 0x3F8 when a UART
 * answers there. serial_pci_init() (after pci_init) adds every function of
 * class 07:00 (serial controller, prog-if 00..06: 8250 to 16950, all
 * register-compatible with the 16550 subset used here) whose first usable
 * BAR holds a UART: an I/O BAR (QEMU's pci-serial, most cards) or a memory
 * BAR (registers one byte apart). A BAR is used only when it is present,
 * has an address, is at least 8 bytes and at most 256 (I/O, below 64 KiB) or
 * 1 MiB (memory) (serial_bar.h); the UART must then pass a scratch-register
 * test. I/O or
 * memory decoding is switched on. Only the first port of a multi-port card is
 * used, with divisor 1 (115200 baud with the standard 1.8432 MHz clock; a
 * card with another crystal runs at another rate). At most SERIAL_MAX_PORTS
 * ports in all.
 *
 * Every port is a console and an input: output goes to all of them (with
 * console.c's "\r\n"), and serial_trygetc() takes a byte from the first
 * port that has one. A port found at PCI time first gets the boot log
 * printed so far (console_replay_early). Each byte waits for the
 * transmitter a bounded time (SERIAL_THRE_POLLS); a port that stays busy for
 * SERIAL_STUCK_LIMIT bytes in a row is written to no more.
 */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

#define SERIAL_MAX_PORTS 4

/* Programs COM1; returns false if no 16550 answers at the port. */
bool serial_init(void);
/* Adds the PCI serial ports (see above), printing a line for each. */
void serial_pci_init(void);
/* Any port at all / COM1 in particular. */
bool serial_present(void);
bool serial_com1_present(void);
/* Ports in use, and one's description ("COM1 0x3f8", "PCI 00:05.0 I/O
 * 0xc000"), NULL for a bad index. */
int serial_port_count(void);
const char *serial_port_desc(int i);
/* One byte to every port (no newline translation). */
void serial_putc(char c);
/* Bytes to port i only, "\n" sent as "\r\n". */
void serial_port_write(int i, const char *s, size_t n);
/* Returns a received byte, or -1 if none is waiting on any port. */
int serial_trygetc(void);

#endif
