/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * system.h - ending the run: QEMU isa-debug-exit, ACPI power off, reset.
 *
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04,
 * always added by run-qemu.sh and the test harness) makes QEMU exit with
 * status (N << 1) | 1 when N is written to port 0xf4. So kernel exit code 0
 * gives QEMU status 1, code 3 gives 7, and so on; codes are 0..127.
 */
#ifndef KERNEL_SYSTEM_H
#define KERNEL_SYSTEM_H

#include <stdbool.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define PANIC_EXIT_CODE 125 /* QEMU status 251: exception or panic */

/* Writes code to isa-debug-exit. Returns only if there is no such device. */
void qemu_debug_exit(int code);

/* Devices to be shut down before the machine goes away (the NVMe glue
 * registers its controllers' flush + CC.SHN here). One hook; NULL clears it. */
void system_set_shutdown_hook(void (*fn)(void));
/* Runs the hook once (a second call does nothing). The shell calls it before
 * system_exit/poweroff/reboot unless told --no-shutdown; the panic path does
 * not. */
void system_shutdown_devices(void);

/* exit N: isa-debug-exit with N; without that device, prints a message and
 * halts (on real hardware the screen stays readable). */
__attribute__((noreturn)) void system_exit(int code);

/* Power off: isa-debug-exit with 0 under QEMU, else ACPI S5, else halt. */
__attribute__((noreturn)) void system_poweroff(void);

/* Reset: the ACPI FADT reset register, then a keyboard controller pulse, then
 * port 0xCF9, then a triple fault. */
__attribute__((noreturn)) void system_reboot(void);

/* ACPI S5 soft-off (acpi.h): the hardware-reduced sleep control register when
 * the FADT says HW_REDUCED_ACPI, else PM1a/PM1b control with the DSDT's \_S5
 * sleep types. Returns only on failure, after printing why. */
void acpi_poweroff(void);

#endif
