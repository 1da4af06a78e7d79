/* SPDX-License-Identifier: BSD-2-Clause */
/* pci_window.c - a memory window for a bridge without one (pci_window.h). */
#include "pci_window.h"
#include "acpi.h"
#include "bootinfo.h"
#include "kformat.h"

#define MAX_USED (BOOT_MAX_MMAP + ACPI_MAX_MCFG + ACPI_MAX_IOAPICS + 2 + PCI_MAX_DEVICES * 3)

struct span {
	uint64_t start, end;   /* end exclusive */
};

static struct span used[MAX_USED];
static int nused;

static void use(uint64_t start, uint64_t size)
{
	if (size == 0 || start + size < start || nused == MAX_USED)
		return;
	used[nused].start = start;
	used[nused].end = start + size;
	nused++;
}

static uint64_t ram_top_below_4g(void)
{
	uint64_t top = 0;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];
		if (e->type != MEM_AVAILABLE && e->type != MEM_ACPI_RECLAIM && e->type != MEM_ACPI_NVS)
			continue;
		if (e->base >= (1ull << 32))
			continue;
		uint64_t end = e->base + e->length;
		if (end < e->base || end > (1ull << 32))
			end = 1ull << 32;
		if (end > top)
			top = end;
	}
	return top;
}

/* Everything known to occupy physical address space. */
static void collect(void)
{
	nused = 0;
	for (int i = 0; i < boot_info.mmap_count; i++)
		use(boot_info.mmap[i].base, boot_info.mmap[i].length);
	const struct acpi_info *a = acpi_get();
	if (a) {
		for (int i = 0; i < a->nmcfg && i < ACPI_MAX_MCFG; i++) {
			const struct acpi_mcfg_entry *m = &a->mcfg[i];
			if (m->bus_end >= m->bus_start)
				use(m->base + ((uint64_t)m->bus_start << 20),
				    ((uint64_t)(m->bus_end - m->bus_start) + 1) << 20);
		}
		if (a->lapic_address)
			use(a->lapic_address, 4096);
		for (int i = 0; i < a->nioapics && i < ACPI_MAX_IOAPICS; i++)
			use(a->ioapics[i].address, 4096);
		if (a->have_hpet && a->hpet_base)
			use(a->hpet_base, 4096);
	}
	for (int i = 0; i < pci_device_count(); i++) {
		const struct pci_dev *d = pci_device(i);
		if (d->removed)
			continue;
		for (int k = 0; k < 6; k++) {
			const struct pci_bar *b = &d->bar[k];
			if (b->present && !b->is_io && b->base != 0)
				use(b->base, b->size < 4096 ? 4096 : b->size);
		}
		uint64_t wb, wl;
		if (d->header_type == 1 && pci_bridge_mem_window(d, &wb, &wl))
			use(wb, wl - wb + 1);
		if (d->header_type == 1 && pci_bridge_pref_window(d, &wb, &wl))
			use(wb, wl - wb + 1);
	}
}

/* The lowest start of a used span overlapping [a, a+size), or 0 if none. */
static bool overlap(uint64_t a, uint64_t size, uint64_t *start)
{
	bool hit = false;
	for (int i = 0; i < nused; i++) {
		if (a < used[i].end && used[i].start < a + size) {
			if (!hit || used[i].start < *start)
				*start = used[i].start;
			hit = true;
		}
	}
	return hit;
}

int pci_window_open(const struct pci_dev *b, uint64_t need, uint64_t align, uint64_t *base, uint64_t *limit,
		    char *why, size_t len)
{
	uint64_t size = PCI_WINDOW_GRANULE;
	while (size < need && size < (1ull << 31))
		size <<= 1;
	if (size < need) {
		ksnprintf(why, len, "%llu bytes of BARs do not fit below 4 GiB", (unsigned long long)need);
		return -1;
	}
	if (align < PCI_WINDOW_GRANULE)
		align = PCI_WINDOW_GRANULE;
	uint64_t lo = (ram_top_below_4g() + PCI_WINDOW_GRANULE - 1) & ~(PCI_WINDOW_GRANULE - 1);
	uint64_t hi = PCI_WINDOW_HOLE_END;
	const struct acpi_info *a = acpi_get();
	if (a) {
		/* a platform device lower than usual ends the hole there */
		if (a->lapic_address > lo && a->lapic_address < hi)
			hi = a->lapic_address;
		for (int i = 0; i < a->nioapics && i < ACPI_MAX_IOAPICS; i++)
			if (a->ioapics[i].address > lo && a->ioapics[i].address < hi)
				hi = a->ioapics[i].address;
		if (a->have_hpet && a->hpet_base > lo && a->hpet_base < hi)
			hi = a->hpet_base;
	}
	if (lo == 0 || lo >= hi || hi - lo < size) {
		ksnprintf(why, len, "no 32-bit PCI hole (RAM ends at 0x%llx)", (unsigned long long)lo);
		return -1;
	}
	collect();
	/* top-down: each overlap moves the candidate below the span hit */
	uint64_t cand = (hi - size) & ~(align - 1);
	bool found = false;
	for (int tries = 0; tries <= nused + 1 && cand >= lo; tries++) {
		uint64_t s = 0;
		if (!overlap(cand, size, &s)) {
			found = true;
			break;
		}
		if (s < lo + size)
			break;
		cand = (s - size) & ~(align - 1);
	}
	if (!found || cand < lo) {
		ksnprintf(why, len, "no free %llu MiB in the 32-bit PCI hole 0x%llx-0x%llx",
			  (unsigned long long)(size >> 20), (unsigned long long)lo, (unsigned long long)(hi - 1));
		return -1;
	}
	uint64_t last = cand + size - 1;
	pci_write16(b, 0x20, (uint16_t)((cand >> 16) & 0xFFF0));
	pci_write16(b, 0x22, (uint16_t)((last >> 16) & 0xFFF0));
	uint64_t rb = 0, rl = 0;
	if (!pci_bridge_mem_window(b, &rb, &rl) || rb != cand || rl != last) {
		ksnprintf(why, len, "the bridge did not take window 0x%llx-0x%llx", (unsigned long long)cand,
			  (unsigned long long)last);
		pci_write16(b, 0x20, 0xFFF0);   /* closed again: base above limit */
		pci_write16(b, 0x22, 0x0000);
		return -1;
	}
	*base = cand;
	*limit = last;
	ksnprintf(why, len, "free in the 32-bit PCI hole 0x%llx-0x%llx", (unsigned long long)lo,
		  (unsigned long long)(hi - 1));
	return 0;
}
