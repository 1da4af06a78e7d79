/* SPDX-License-Identifier: BSD-2-Clause */
/* serial.h - polled 16550 UART (COM1, 115200 8N1). */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdbool.h>

/* Programs the UART; returns false if no 16550 answers at the port. */
bool serial_init(void);
bool serial_present(void);
void serial_putc(char c);
/* Returns a received byte, or -1 if none is waiting. */
int serial_trygetc(void);

#endif
