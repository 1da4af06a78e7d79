/* SPDX-License-Identifier: BSD-2-Clause */
/* system.c - exit, power off and reboot (see system.h). */
#include "system.h"
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "time.h"
#include "vmm.h"
#include "kstring.h"

static void acpi_reset(void);

void qemu_debug_exit(int code)
{
	outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code);
	/* QEMU exits during the write; if we get here there was no device. */
}

static void (*shutdown_hook)(void);

void system_set_shutdown_hook(void (*fn)(void)) { shutdown_hook = fn; }

void system_shutdown_devices(void)
{
	void (*fn)(void) = shutdown_hook;
	shutdown_hook = NULL;
	if (fn)
		fn();
}

void system_exit(int code)
{
	qemu_debug_exit(code);
	kprintf("exit %d: no isa-debug-exit device (not QEMU?); system halted\n", code);
	cpu_halt_forever();
}

void system_poweroff(void)
{
	qemu_debug_exit(0);
	acpi_poweroff();
	kprintf("poweroff: no way to power off found; system halted\n");
	cpu_halt_forever();
}

void system_reboot(void)
{
	cpu_cli();
	/* 0. The FADT reset register (the way on machines without an i8042). */
	acpi_reset();
	/* 1. i8042 pulse reset line (wait for its input buffer to drain). */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_pause();
	outb(0x64, 0xFE);
	time_delay_us(100000);
	/* 2. PCI reset control register: full reset. */
	outb(0xCF9, 0x02);
	time_delay_us(10);
	outb(0xCF9, 0x06);
	time_delay_us(100000);
	/* 3. Triple fault: empty IDT, then any interrupt. */
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	cpu_halt_forever();
}

/* ------------------------------------------------------------ ACPI */

/* How long to wait for SCI_EN after asking the firmware for ACPI mode, and
 * for the machine to go away after an S5 request. */
#define ACPI_ENABLE_TIMEOUT_MS 3000
#define ACPI_S5_WAIT_MS 500
#define ACPI_RESET_WAIT_MS 100

void acpi_poweroff(void)
{
	const struct acpi_info *ai = acpi_get();
	if (!ai) {
		kprintf("acpi: no usable ACPI tables from the loader\n");
		return;
	}
	struct acpi_poweroff_plan plan;
	acpi_poweroff_plan(ai, &plan);
	if (plan.kind == ACPI_POWEROFF_NONE) {
		kprintf("acpi: cannot power off: %s\n", plan.why_not);
		return;
	}
	if (plan.kind == ACPI_POWEROFF_PM1) {
		/* Switch to ACPI mode if the firmware left SCI_EN clear. */
		uint32_t v = 0;
		if (acpi_gas_read(&plan.reg_a, &v) == 0 && !(v & 1) && ai->smi_cmd &&
		    ai->smi_cmd <= 0xFFFF && ai->acpi_enable) {
			outb((uint16_t)ai->smi_cmd, ai->acpi_enable);
			for (int i = 0; i < ACPI_ENABLE_TIMEOUT_MS / 10; i++) {
				if (acpi_gas_read(&plan.reg_a, &v) != 0 || (v & 1))
					break;
				time_delay_us(10000);
			}
		}
	}
	if (acpi_gas_write(&plan.reg_a, plan.value_a) != 0) {
		kprintf("acpi: cannot write the %s register\n",
			plan.kind == ACPI_POWEROFF_PM1 ? "PM1a control" : "sleep control");
		return;
	}
	if (plan.reg_b.address)
		acpi_gas_write(&plan.reg_b, plan.value_b);
	time_delay_us(ACPI_S5_WAIT_MS * 1000ull);
	kprintf("acpi: S5 request (%s) did not power off\n",
		plan.kind == ACPI_POWEROFF_PM1 ? "PM1 control" : "hardware-reduced sleep control");
}

/* Reset through the FADT reset register (ACPI 6.5 section 4.8.3.6). Returns
 * if it is not usable or did not reset. */
static void acpi_reset(void)
{
	const struct acpi_info *ai = acpi_get();
	const char *why = "no usable ACPI tables";
	if (!ai || !acpi_reset_usable(ai, &why)) {
		kprintf("reboot: no ACPI reset register (%s)\n", why);
		return;
	}
	struct acpi_gas g = ai->reset_reg;
	kprintf("reboot: ACPI reset register (%s 0x%llx, value 0x%02x)\n",
		g.space == ACPI_GAS_IO ? "I/O" : "memory", (unsigned long long)g.address, ai->reset_value);
	g.bit_width = 8;
	g.access_size = 1;
	acpi_gas_write(&g, ai->reset_value);
	time_delay_us(ACPI_RESET_WAIT_MS * 1000ull);
	kprintf("reboot: ACPI reset register did not reset\n");
}
