/* SPDX-License-Identifier: BSD-2-Clause */
/* system.c - exit, power off and reboot (see system.h). */
#include "system.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "time.h"
#include "vmm.h"
#include "kstring.h"

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

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static const struct sdt_header *map_table(uint64_t phys)
{
	if (!phys)
		return NULL;
	const struct sdt_header *h = (const void *)vmm_map_mmio(phys, sizeof(*h));
	if (!h || h->length < sizeof(*h) || h->length > (16u << 20))
		return NULL;
	return (const void *)vmm_map_mmio(phys, h->length);
}

static const struct sdt_header *find_table(const char sig[4])
{
	const uint8_t *rsdp = boot_info.rsdp;
	if (!boot_info.has_rsdp || memcmp(rsdp, "RSD PTR ", 8) != 0)
		return NULL;
	uint8_t rev = rsdp[15];
	uint32_t rsdt;
	uint64_t xsdt = 0;
	memcpy(&rsdt, rsdp + 16, 4);
	if (rev >= 2)
		memcpy(&xsdt, rsdp + 24, 8);
	const struct sdt_header *root = map_table(xsdt ? xsdt : rsdt);
	if (!root)
		return NULL;
	unsigned esize = xsdt ? 8 : 4;
	unsigned n = (root->length - sizeof(*root)) / esize;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t p = 0;
		memcpy(&p, entries + i * esize, esize);
		const struct sdt_header *t = map_table(p);
		if (t && memcmp(t->sig, sig, 4) == 0)
			return t;
	}
	return NULL;
}

/* Parses an AML integer constant at p (ZeroOp, OneOp, BytePrefix, ...). */
static int aml_small_int(const uint8_t *p, const uint8_t *end, unsigned *val)
{
	if (p >= end)
		return -1;
	if (*p == 0x00 || *p == 0x01) { *val = *p; return 1; }
	if (*p == 0xFF) { *val = 0xFF; return 1; }            /* OnesOp */
	if (*p == 0x0A && p + 1 < end) { *val = p[1]; return 2; } /* BytePrefix */
	if (*p == 0x0B && p + 2 < end) { *val = p[1]; return 3; } /* WordPrefix */
	return -1;
}

void acpi_poweroff(void)
{
	const uint8_t *fadt = (const uint8_t *)find_table("FACP");
	if (!fadt) {
		kprintf("acpi: no FADT (no ACPI tables from the loader)\n");
		return;
	}
	const struct sdt_header *fh = (const void *)fadt;
	uint32_t dsdt32, pm1a, pm1b, smi_cmd;
	uint8_t acpi_enable;
	uint64_t dsdt = 0;
	memcpy(&dsdt32, fadt + 40, 4);
	memcpy(&smi_cmd, fadt + 48, 4);
	acpi_enable = fadt[52];
	memcpy(&pm1a, fadt + 64, 4);
	memcpy(&pm1b, fadt + 68, 4);
	if (fh->length >= 148)
		memcpy(&dsdt, fadt + 140, 8);
	if (!dsdt)
		dsdt = dsdt32;
	const struct sdt_header *dh = map_table(dsdt);
	if (!dh || !pm1a) {
		kprintf("acpi: no DSDT or PM1a control block\n");
		return;
	}
	const uint8_t *aml = (const uint8_t *)dh, *end = aml + dh->length;
	unsigned slp_a = 0, slp_b = 0;
	bool found = false;
	for (const uint8_t *p = aml + sizeof(*dh); p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
			continue;
		/* NameOp '_S5_' PackageOp PkgLength NumElements elements... */
		const uint8_t *q = p + 5;
		q += ((*q >> 6) & 3) + 1; /* PkgLength */
		q++;                      /* NumElements */
		int n = aml_small_int(q, end, &slp_a);
		if (n < 0)
			break;
		q += n;
		if (aml_small_int(q, end, &slp_b) < 0)
			slp_b = slp_a;
		found = true;
		break;
	}
	if (!found) {
		kprintf("acpi: no \\_S5 package in the DSDT\n");
		return;
	}
	/* Switch to ACPI mode if the firmware left SCI_EN clear. */
	if (!(inw((uint16_t)pm1a) & 1) && smi_cmd && acpi_enable) {
		outb((uint16_t)smi_cmd, acpi_enable);
		for (int i = 0; i < 300 && !(inw((uint16_t)pm1a) & 1); i++)
			time_delay_us(10000);
	}
	outw((uint16_t)pm1a, (uint16_t)((slp_a << 10) | (1u << 13)));
	if (pm1b)
		outw((uint16_t)pm1b, (uint16_t)((slp_b << 10) | (1u << 13)));
	time_delay_us(500000);
	kprintf("acpi: S5 request did not power off\n");
}
