/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_acpi.c - `acpi`: the ACPI tables and what the kernel took from them. */
#include "shell.h"
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"

static const char *space_name(uint8_t s)
{
	switch (s) {
	case ACPI_GAS_MEMORY: return "memory";
	case ACPI_GAS_IO: return "I/O";
	case ACPI_GAS_PCI_CONFIG: return "PCI config";
	default: return "other";
	}
}

static void print_gas(const char *what, const struct acpi_gas *g)
{
	if (!g->address) {
		kprintf("  %-16s none\n", what);
		return;
	}
	kprintf("  %-16s %s 0x%llx (%u bits)\n", what, space_name(g->space),
		(unsigned long long)g->address, g->bit_width);
}

static int cmd_acpi(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return shell_usage_error("no arguments expected");
	if (!boot_info.has_rsdp)
		return shell_error("the loader gave no RSDP (no ACPI tables)");
	const struct acpi_info *ai = acpi_get();
	if (!ai)
		return shell_error("the RSDP from the loader is not usable; ACPI tables ignored");
	kprintf("RSDP revision %u, OEM \"%s\", root %s at 0x%llx%s\n", ai->rsdp_revision,
		ai->rsdp_oem, ai->root_is_xsdt ? "XSDT" : "RSDT", (unsigned long long)ai->root_phys,
		ai->xsdt_fell_back ? " (XSDT was bad)" : "");
	kprintf("sig   address              length  OEM     checksum\n");
	for (int i = 0; i < ai->ntables; i++) {
		const struct acpi_table *t = &ai->tables[i];
		kprintf("%-4s  0x%016llx  %7u  %-6s  %s\n", t->sig, (unsigned long long)t->phys,
			t->length, t->oem, t->status == ACPI_TABLE_OK ? "ok" : acpi_status_name(t->status));
	}
	if (ai->ndropped)
		kprintf("(%d more tables not read)\n", ai->ndropped);

	kprintf("facts:\n");
	if (ai->have_mcfg) {
		for (int i = 0; i < ai->nmcfg; i++)
			kprintf("  ECAM             segment %04x buses %02x-%02x at 0x%llx\n",
				ai->mcfg[i].segment, ai->mcfg[i].bus_start, ai->mcfg[i].bus_end,
				(unsigned long long)ai->mcfg[i].base);
		if (ai->nmcfg == 0)
			kprintf("  ECAM             MCFG lists no usable range\n");
		if (ai->mcfg_rejected)
			kprintf("  ECAM             %d MCFG entries rejected\n", ai->mcfg_rejected);
	} else {
		kprintf("  ECAM             none (no MCFG): PCI mechanism #1, 256-byte config space\n");
	}
	if (ai->have_fadt) {
		kprintf("  FADT             revision %u, flags 0x%08x%s\n", ai->fadt_revision,
			ai->fadt_flags, ai->hw_reduced ? ", HW_REDUCED_ACPI" : "");
		if (ai->pm_timer.address)
			kprintf("  PM timer         %s 0x%llx, %s\n", space_name(ai->pm_timer.space),
				(unsigned long long)ai->pm_timer.address, ai->pm_timer_32bit ? "32-bit" : "24-bit");
		else
			kprintf("  PM timer         none\n");
		if (ai->reset_supported)
			kprintf("  reset register   %s 0x%llx value 0x%02x\n", space_name(ai->reset_reg.space),
				(unsigned long long)ai->reset_reg.address, ai->reset_value);
		else
			kprintf("  reset register   not supported\n");
		print_gas("PM1a control", &ai->pm1a_cnt);
		print_gas("PM1b control", &ai->pm1b_cnt);
		if (ai->hw_reduced) {
			print_gas("sleep control", &ai->sleep_control);
			print_gas("sleep status", &ai->sleep_status);
		}
		kprintf("  DSDT             0x%llx\n", (unsigned long long)ai->dsdt_phys);
		if (ai->have_s5)
			kprintf("  S5               SLP_TYPa %u, SLP_TYPb %u\n", ai->s5_typ_a, ai->s5_typ_b);
		else
			kprintf("  S5               no \\_S5 package found\n");
	} else {
		kprintf("  FADT             none\n");
	}
	if (ai->have_madt) {
		kprintf("  CPUs             %d, APIC IDs:", ai->ncpus);
		for (int i = 0; i < ai->ncpus && i < 32; i++)
			kprintf(" %u%s", ai->cpus[i].apic_id, ai->cpus[i].x2apic ? "(x2)" : "");
		kprintf("%s\n", ai->ncpus > 32 ? " ..." : "");
		if (ai->cpus_dropped)
			kprintf("  CPUs             %d more not kept\n", ai->cpus_dropped);
		kprintf("  local APIC       0x%llx, highest APIC ID %u%s\n",
			(unsigned long long)ai->lapic_address, ai->max_apic_id,
			ai->max_apic_id > 255 ? " (MSI cannot target IDs above 255 without interrupt remapping)"
					      : "");
		for (int i = 0; i < ai->nioapics; i++)
			kprintf("  I/O APIC         id %u at 0x%x, GSI base %u\n", ai->ioapics[i].id,
				ai->ioapics[i].address, ai->ioapics[i].gsi_base);
	} else {
		kprintf("  MADT             none\n");
	}
	if (ai->have_hpet)
		kprintf("  HPET             #%u at 0x%llx, minimum tick %u\n", ai->hpet_number,
			(unsigned long long)ai->hpet_base, ai->hpet_min_tick);
	else
		kprintf("  HPET             none\n");
	return SHELL_OK;
}
SHELL_COMMAND_HELP("acpi", "acpi", "list the ACPI tables and the facts taken from them",
		   "Lists every table reached from the RSDP (signature, physical address, length,\n"
		   "OEM ID, checksum ok or the reason it was ignored), then what the kernel uses:\n"
		   "ECAM ranges (MCFG), PM timer, reset register, PM1/sleep control registers,\n"
		   "HW_REDUCED_ACPI and \\_S5 (FADT, DSDT), CPU APIC IDs and I/O APICs (MADT),\n"
		   "and the HPET base. A table with a bad length or checksum is never used.",
		   cmd_acpi);
