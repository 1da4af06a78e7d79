/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * console.h - kernel output to every present console and input from serial
 * and PS/2.
 *
 * Output goes to the 16550 serial ports (COM1 and PCI serial ports, see
 * serial.h), the VGA text screen (BIOS boot) and the framebuffer console
 * (UEFI boot). On serial every "\n" is sent as "\r\n".
 *
 * Input is polled: serial bytes (ANSI escape sequences for arrows, Home, End,
 * Delete are decoded into KEY_* codes), PS/2 keys and USB keyboard keys
 * (kernel/dev/usb, usb_poll()) are queued in one buffer in arrival order.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Keys beyond ASCII returned by console_getc()/console_trygetc(). */
#include "keys.h"

/* Serial first (so early messages get out), then screens once memory is up. */
void console_init_early(void);
/* Screen consoles are started by kernel/main.c via textcon.h; this then
 * replays what was printed before (the first 8 KiB) onto them. */
void console_screens_started(void);
/* Writes the first 8 KiB printed since boot (and a note if more was
 * printed) with write(idx, ...): for consoles found late (PCI serial). */
void console_replay_early(void (*write)(int idx, const char *s, size_t n), int idx);

/* printf to all consoles; formats as in lib/kformat.h
 * (%d %i %u %x %X %lx %llu %lld %zu %s %c %p %%, width, '0', '-', %.*s). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
/* Writes raw bytes (no newline added). */
void console_write(const char *s, size_t n);
void console_putc(char c);
/* fn runs once, just before the next output (then the hook is cleared; fn
 * may print). The shell uses it to clear the line being edited before
 * output that arrives while it waits for input (see shell_set_idle_hook).
 * NULL removes a hook that has not run. */
void console_set_output_hook(void (*fn)(void));

/* Blocking read of one key (ASCII, control character or KEY_*). */
int console_getc(void);
/* Non-blocking: a key, or -1 if none is waiting. */
int console_trygetc(void);
/* True if Ctrl-C was typed since the last call. Polls the inputs; the Ctrl-C
 * is consumed, every other key stays queued for console_getc(). Cheap enough
 * to call in benchmark loops (a few port reads and one memory read per USB
 * controller). */
bool console_check_interrupt(void);
/* fn runs on every console_check_interrupt() (so inside long commands, and
 * possibly inside driver callbacks: it must not call the NVMe driver); true
 * from it interrupts the running command as a Ctrl-C would. The PCIe
 * hot-plug code uses it to stop a command when a removal is requested. */
void console_set_busy_hook(bool (*fn)(void));

/*
 * One-line progress bar updated in place with "\r":
 *   label [##########..........]  50% (done/total)
 * Redraws only when the whole-percent value changes (or the label changes),
 * so a serial log gets at most ~101 updates per bar; prints the final newline
 * when done >= total. total == 0 is treated as complete.
 */
void console_progress(const char *label, uint64_t done, uint64_t total);

#endif
