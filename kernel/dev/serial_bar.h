/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial_bar.h - whether a PCI BAR can hold a 16550's registers (a pure
 * function, shared by serial.c and the host unit test
 * tests/host/tests_serial_bar.c). Everything comes from PCI configuration
 * space, so nothing is trusted: the BAR must decode something, have an
 * address, be at least the 8 UART registers, and be plausible for a UART:
 * an I/O BAR at most 256 bytes and wholly below 64 KiB, a memory BAR at most
 * 1 MiB and not wrapping.
 */
#ifndef KERNEL_SERIAL_BAR_H
#define KERNEL_SERIAL_BAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_REGS 8u
#define UART_MAX_IO_BAR 256u
#define UART_MAX_MMIO_BAR (1u << 20)

/* NULL if usable, else why not (a phrase for "BAR ..." messages). */
static inline const char *serial_bar_problem(bool present, bool is_io, uint64_t base, uint64_t size)
{
	if (!present || size == 0)
		return "absent";
	if (base == 0)
		return "not assigned an address by the firmware";
	if (size < UART_REGS)
		return "smaller than the 8 UART registers";
	if (is_io) {
		if (size > UART_MAX_IO_BAR || base > 0xFFFFu || base + size > 0x10000u)
			return "I/O range not plausible for a UART";
	} else if (size > UART_MAX_MMIO_BAR || base + size < base) {
		return "memory range too large for a UART";
	}
	return NULL;
}

#endif
