/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * port.h - what the shared code of the virt ports (ports/common) needs from
 * an architecture folder, and what it offers to it.
 *
 * Boot order: the architecture's start code (stack, BSS cleared) calls its
 * arch_entry() with the DTB pointer; arch_entry() finds its UART in the DTB,
 * sets up the CPU (MMU and memory types on aarch64, trap vector on both) and
 * calls port_main(), which never returns: it ends with arch_exit().
 */
#ifndef PORT_H
#define PORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdt.h"

#define PORT_PAGE_SIZE 4096u

/* ---- provided by the architecture folder (arch.c) ---- */

/* "aarch64-virt", "riscv64-virt". */
extern const char arch_name[];
/* One byte to the console UART (bounded wait for room in the FIFO). */
void arch_putc(char c);
/* A free-running counter and its frequency in Hz (generic timer on aarch64,
 * the time CSR with the DTB's timebase-frequency on riscv64). */
uint64_t arch_ticks(void);
uint64_t arch_tick_hz(void);
/* Make phys..phys+size-1 accessible as device memory (Device-nGnRE on
 * aarch64; identity on riscv64 M-mode, where physical memory attributes
 * come from the platform). Returns the virtual address or NULL. */
volatile void *arch_map_mmio(uint64_t phys, uint64_t size);
/* End the run: QEMU exits with status code (0 = success). */
__attribute__((noreturn)) void arch_exit(int code);
/* Where this program lies in memory (linker symbols). */
extern char _image_start[], _image_end[];

/* ---- provided by ports/common ---- */

/* Check and keep the DTB (fatal if malformed); arch_entry() calls it first
 * and then reads its UART, timer and PSCI nodes through port_fdt(). */
void port_fdt_init(const void *dtb);
const struct fdt *port_fdt(void);
/* The shared program: memory, PCIe, NVMe, the test script. */
__attribute__((noreturn)) void port_main(const void *dtb);

/* Console output (port_printf.c): %d %i %u %x %X %p %s %c %%, flags '-' '0',
 * a width, length modifiers l ll z. */
void port_vprintf(const char *fmt, va_list ap);
__attribute__((format(printf, 1, 2))) void port_printf(const char *fmt, ...);
__attribute__((format(printf, 3, 4))) int port_snprintf(char *buf, size_t len, const char *fmt, ...);
int port_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
/* Prints "FATAL: <msg>" and exits with status 3. */
__attribute__((noreturn, format(printf, 1, 2))) void port_fatal(const char *fmt, ...);

/* Microseconds since boot from arch_ticks(). */
uint64_t port_now_us(void);

/* Options from /chosen/bootargs (QEMU -append): "key=value" or "key". */
bool port_opt(const char *key, char *val, size_t len);

/* libc.c */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* PORT_H */
