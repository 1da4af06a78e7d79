/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * platform.h - every service the shell (kernel/shell/shell*.c) and its NVMe
 * commands (kernel/shell/nvme/shell_nvme*.c) take from the platform under them.
 *
 * The shell builds for two platforms:
 *   - the test kernel: kernel/shell_platform.c implements the services that
 *     are not already kernel functions of the same name (console.c, time.c,
 *     system.c, cmdline.c); it includes this header beside the kernel's own
 *     headers, so the compiler checks that both declare the same thing;
 *   - the host: sim/ (`make sim`, build/nvmetk-sim) implements all of them
 *     over libc and the software controller of tests/host/model.
 * A shell file includes this header and none of the kernel's device or memory
 * headers (console.h, time.h, pmm.h, vmm.h, system.h, bootinfo.h, ...): the
 * host build has no such headers on its include path, so a new dependency
 * fails to compile there instead of slipping in. The shell's own helpers
 * (lib/kformat.h, lib/kstring.h, nvme_pattern.h, nvme_fwimage.h) are portable
 * code built on both platforms.
 *
 * Services, by group:
 *   console output   kprintf, kvprintf, console_write, console_putc,
 *                    console_set_output_hook, console_progress
 *   console input    console_getc, console_trygetc, console_check_interrupt
 *   time             time_now_us, time_delay_us, time_rdtsc, time_tsc_to_ns,
 *                    time_tsc_to_us, time_tsc_hz, time_source, time_tsc_invariant
 *   DMA memory       platform_dma_alloc, platform_dma_free (the virtual and the
 *                    bus address of every byte are given, buffers go straight
 *                    into PRPs)
 *   controllers      the table of nvme_port.h (nvme_port_count/at/find, ...;
 *                    kernel/nvme/nvme_ctrls.c, portable, filled by the
 *                    platform's attach) and platform_ctrl_read32 (a register
 *                    read beside the driver, for `selftest`)
 *   boot modules     platform_module_find, platform_module_list (files given to the platform: GRUB
 *                    modules in the kernel, --module NAME=FILE in the sim)
 *   configuration    cmdline_get, cmdline_raw (kernel command line; the sim's
 *                    --cmdline)
 *   exit             system_shutdown_devices, system_exit, system_poweroff,
 *                    system_reboot
 */
#ifndef KERNEL_SHELL_PLATFORM_H
#define KERNEL_SHELL_PLATFORM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nvmetk_ctrl;

/* ---- console output: every console of the platform ---- */

/* printf (formats of lib/kformat.h: %d %i %u %x %X %lx %llu %lld %zu %s %c
 * %p %%, width, '0', '-', %.*s). "\n" ends a line on every console. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);
void console_putc(char c);
/* fn runs once just before the next output, then is cleared (NULL removes a
 * hook that has not run). The line editor clears its line with it. */
void console_set_output_hook(void (*fn)(void));
/* One-line progress bar redrawn in place ("\r") when the whole percent
 * changes; the final newline when done >= total (total 0: complete). */
void console_progress(const char *label, uint64_t done, uint64_t total);

/* ---- console input ---- */

/* Keys beyond ASCII returned by console_getc()/console_trygetc(). */
#include "keys.h"

/* Blocking read of one key (ASCII, control character or KEY_*). At the end
 * of the input (the sim's stdin closed) it returns KEY_CTRL('d'). */
int console_getc(void);
/* A key, or -1 if none is waiting. May wait briefly (the sim waits up to a
 * few milliseconds so that the prompt's idle loop does not spin a host CPU). */
int console_trygetc(void);
/* True if Ctrl-C was typed since the last call (consumed; other keys stay
 * queued). Cheap: long commands call it in their loops. */
bool console_check_interrupt(void);

/* ---- time ---- */

/* Microseconds since start; monotonic. */
uint64_t time_now_us(void);
/* Waits at least us microseconds. */
void time_delay_us(uint64_t us);
/* Cycle counter for fine timing, its rate, and conversions. */
uint64_t time_rdtsc(void);
uint64_t time_tsc_hz(void);
uint64_t time_tsc_to_us(uint64_t ticks);
uint64_t time_tsc_to_ns(uint64_t ticks);
/* Where the rate comes from ("CPUID 15h", "HPET", ..., "CLOCK_MONOTONIC"). */
const char *time_source(void);
bool time_tsc_invariant(void);

/* ---- DMA memory ---- */

#define PLATFORM_PAGE_SIZE 4096u

/*
 * pages contiguous zeroed pages that a controller can read and write, page
 * aligned; *phys is their bus address (the address of byte k is *phys + k).
 * Below 4 GiB when low4g and such memory is left, else anywhere. NULL when
 * there is not that much contiguous memory.
 */
void *platform_dma_alloc(uint64_t pages, bool low4g, uint64_t *phys);
/* Frees what platform_dma_alloc returned (same pages). */
void platform_dma_free(void *virt, uint64_t phys, uint64_t pages);

/* ---- controllers ---- */

/* Reads the 32-bit register at byte offset off of controller t's BAR0,
 * beside the driver. false if the platform cannot reach it. */
bool platform_ctrl_read32(struct nvmetk_ctrl *t, uint32_t off, uint32_t *out);

/* ---- boot modules ---- */

struct platform_module {
	const void *data;      /* its bytes, readable by a controller (DMA) */
	uint64_t phys;         /* bus address of data[0] */
	size_t len;
	const char *name;      /* its full name string */
};
/* The file the platform was given under name (the kernel: the matching rule
 * of bootinfo.h's boot_module_find). false if none. */
bool platform_module_find(const char *name, struct platform_module *out);
/* Names of every module, "'a', 'b'" (or "none"), into buf. */
void platform_module_list(char *buf, size_t len);

/* ---- configuration ---- */

/* Value of `key` in the command line ("" for a bare key, NULL if absent). */
const char *cmdline_get(const char *key);
const char *cmdline_raw(void);

/* ---- exit ---- */

/* Runs the device shutdown hook once (NVMe flush + CC.SHN of every
 * controller, nvme_port.h); a second call does nothing. */
void system_shutdown_devices(void);
/* Ends the run with status code (0..127): the kernel through QEMU's
 * isa-debug-exit, the sim as its process exit status. */
__attribute__((noreturn)) void system_exit(int code);
__attribute__((noreturn)) void system_poweroff(void);
__attribute__((noreturn)) void system_reboot(void);

#endif
