/* SPDX-License-Identifier: BSD-2-Clause */
/* acpi.c - kernel side of the ACPI tables (see acpi.h; the parser is acpi_parse.c). */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "vmm.h"

static struct acpi_info info;
static bool parsed_ok;

#define PAGE 4096ull
#define PHYS_LIMIT (1ull << 47) /* identity-mappable space (vmm.h) */

/* Table memory is RAM (identity-mapped already) or firmware-reserved memory
 * (mapped on demand, uncached, by vmm_map_mmio). */
static const uint8_t *map_phys(void *ctx, uint64_t phys, uint32_t len)
{
	(void)ctx;
	if (len == 0 || phys + len < phys || phys + len > PHYS_LIMIT || phys < PAGE)
		return NULL;
	bool mapped = true;
	for (uint64_t p = phys & ~(PAGE - 1); p < phys + len; p += PAGE)
		if (!vmm_is_mapped((const volatile void *)(uintptr_t)p)) {
			mapped = false;
			break;
		}
	if (mapped)
		return (const uint8_t *)(uintptr_t)phys;
	return (const uint8_t *)vmm_map_mmio(phys, len);
}

void acpi_init(void)
{
	if (!boot_info.has_rsdp) {
		kprintf("acpi: the loader gave no RSDP (no ACPI tables)\n");
		acpi_parse(NULL, 0, map_phys, NULL, &info);
		return;
	}
	if (acpi_parse(boot_info.rsdp, sizeof(boot_info.rsdp), map_phys, NULL, &info) != 0) {
		kprintf("acpi: %s; ACPI tables ignored\n", info.rsdp_problem);
		return;
	}
	parsed_ok = true;
	for (int i = 0; i < info.ntables; i++) {
		const struct acpi_table *t = &info.tables[i];
		if (t->status != ACPI_TABLE_OK)
			kprintf("acpi: table \"%s\" at 0x%llx (length %u): %s, ignored\n", t->sig,
				(unsigned long long)t->phys, t->length, acpi_status_name(t->status));
	}
	if (info.xsdt_fell_back)
		kprintf("acpi: XSDT unusable, using the RSDT\n");
	if (info.ndropped)
		kprintf("acpi: %d more tables not read (limit %d)\n", info.ndropped, ACPI_MAX_TABLES);
	if (info.mcfg_rejected)
		kprintf("acpi: %d MCFG allocation%s rejected (zero or unaligned base, bad bus range)\n",
			info.mcfg_rejected, info.mcfg_rejected == 1 ? "" : "s");
	kprintf("acpi: %s %s, %d tables (%d bad)%s%s%s%s\n", info.root_is_xsdt ? "XSDT" : "RSDT",
		info.rsdp_oem, info.ntables, info.nbad, info.have_mcfg ? ", MCFG" : "",
		info.have_hpet ? ", HPET" : "", info.hw_reduced ? ", hardware-reduced" : "",
		info.have_s5 ? ", S5" : "");
}

const struct acpi_info *acpi_get(void) { return parsed_ok ? &info : NULL; }

static int gas_width(const struct acpi_gas *g)
{
	/* access_size 1..3 = 8/16/32 bits; else the register width. */
	if (g->access_size >= 1 && g->access_size <= 3)
		return 8 << (g->access_size - 1);
	if (g->bit_width == 8 || g->bit_width == 16 || g->bit_width == 32)
		return g->bit_width;
	if (g->bit_width == 0)
		return 8;
	return -1;
}

/* One access of the register g describes: its width and address checked
 * once, then a port or a memory access of that width (write: *value is
 * written; read: *value receives it). -1 for a register we cannot reach. */
static int gas_access(const struct acpi_gas *g, bool write, uint32_t *value)
{
	int w = gas_width(g);
	if (!g->address || w < 0)
		return -1;
	if (g->space == ACPI_GAS_IO) {
		if (g->address > 0xFFFF)
			return -1;
		uint16_t port = (uint16_t)g->address;
		if (write && w == 8)
			outb(port, (uint8_t)*value);
		else if (write && w == 16)
			outw(port, (uint16_t)*value);
		else if (write)
			outl(port, *value);
		else
			*value = w == 8 ? inb(port) : w == 16 ? inw(port) : inl(port);
		return 0;
	}
	if (g->space == ACPI_GAS_MEMORY) {
		volatile void *p = vmm_map_mmio(g->address, (uint64_t)w / 8);
		if (!p)
			return -1;
		if (write && w == 8)
			*(volatile uint8_t *)p = (uint8_t)*value;
		else if (write && w == 16)
			*(volatile uint16_t *)p = (uint16_t)*value;
		else if (write)
			*(volatile uint32_t *)p = *value;
		else
			*value = w == 8 ? *(volatile uint8_t *)p : w == 16 ? *(volatile uint16_t *)p
									 : *(volatile uint32_t *)p;
		return 0;
	}
	return -1;
}

int acpi_gas_write(const struct acpi_gas *g, uint32_t value)
{
	return gas_access(g, true, &value);
}

int acpi_gas_read(const struct acpi_gas *g, uint32_t *value)
{
	return gas_access(g, false, value);
}
