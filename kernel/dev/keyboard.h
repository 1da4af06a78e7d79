/* SPDX-License-Identifier: BSD-2-Clause */
/* keyboard.h - polled PS/2 keyboard (scan code set 1, as translated by the i8042). */
#ifndef KERNEL_KEYBOARD_H
#define KERNEL_KEYBOARD_H

#include <stdbool.h>

/* Detects the i8042 controller and flushes its buffer. */
bool ps2_init(void);
bool ps2_present(void);
/* Returns a key (ASCII or a KEY_* code from console.h), or -1. */
int ps2_trygetc(void);

#endif
