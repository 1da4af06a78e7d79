/* SPDX-License-Identifier: BSD-2-Clause */
/* vmm.c - 4-level x86_64 page tables, identity mapping (see vmm.h). */
#include "vmm.h"
#include "pmm.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "kstring.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define PTE_ADDR_2M 0x000FFFFFFFE00000ull

#define SZ_2M (2ull << 20)
#define IDENTITY_LIMIT (1ull << 47) /* canonical lower half */

static uint64_t *pml4;
static uint64_t ram_mapped_end;
static bool active; /* our tables are loaded */

static uint64_t *table_alloc(void)
{
	/* Before our tables are live, only memory below 4 GiB is mapped. */
	uint64_t p = pmm_alloc_pages(1, PAGE_SIZE, active ? 0 : (1ull << 32));
	return (uint64_t *)(uintptr_t)p;
}

/* Returns the next-level table for entry e, creating it if needed. If e is a
 * 2 MiB page (level 2), it is split into 512 4 KiB pages with the same
 * attributes. Returns NULL if memory runs out. */
static uint64_t *next_table(uint64_t *e, bool split_large)
{
	if (*e & PTE_P) {
		if (!(*e & PTE_PS))
			return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
		if (!split_large)
			return NULL;
		uint64_t *pt = table_alloc();
		if (!pt)
			return NULL;
		uint64_t base = *e & PTE_ADDR_2M;
		uint64_t flags = *e & (PTE_P | PTE_W | PTE_PWT | PTE_PCD);
		for (int i = 0; i < 512; i++)
			pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
		*e = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
		return pt;
	}
	uint64_t *t = table_alloc();
	if (!t)
		return NULL;
	*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
	return t;
}

/* Level-2 entry (page directory entry) for va, creating tables as needed. */
static uint64_t *pde_for(uint64_t va)
{
	uint64_t *pdpt = next_table(&pml4[(va >> 39) & 511], false);
	if (!pdpt)
		return NULL;
	uint64_t *pd = next_table(&pdpt[(va >> 30) & 511], false);
	if (!pd)
		return NULL;
	return &pd[(va >> 21) & 511];
}

/* Level-1 entry for va, splitting a 2 MiB page if there is one. */
static uint64_t *pte_for(uint64_t va)
{
	uint64_t *pde = pde_for(va);
	if (!pde)
		return NULL;
	uint64_t *pt = next_table(pde, true);
	if (!pt)
		return NULL;
	return &pt[(va >> 12) & 511];
}

static bool is_ram_type(uint32_t t)
{
	return t == MEM_AVAILABLE || t == MEM_ACPI_RECLAIM || t == MEM_ACPI_NVS;
}

static bool page_is_ram(uint64_t pa)
{
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (is_ram_type(m->type) && pa >= m->base && pa < m->base + m->length)
			return true;
	}
	return false;
}

static void map_2m(uint64_t pa)
{
	uint64_t *pde = pde_for(pa);
	if (pde && !(*pde & PTE_P))
		*pde = pa | PTE_P | PTE_W | PTE_PS;
}

void vmm_init(void)
{
	pml4 = table_alloc();
	if (!pml4) {
		kprintf("vmm: cannot allocate page tables; staying on the boot tables\n");
		return;
	}

	/* First 2 MiB with 4 KiB pages. */
	for (uint64_t pa = PAGE_SIZE; pa < SZ_2M; pa += PAGE_SIZE) {
		uint64_t *pte = pte_for(pa);
		if (!pte)
			goto fail;
		uint64_t flags = PTE_P | PTE_W;
		if (pa >= 0xA0000 && pa < 0x100000)
			flags |= PTE_PCD | PTE_PWT;
		*pte = pa | flags;
	}

	/* Everything else: RAM from the memory map, 2 MiB at a time. The
	 * kernel image, boot information and bitmap all lie in such RAM. */
	uint64_t kend = 0;
	extern char _kernel_end[];
	kend = (uint64_t)(uintptr_t)_kernel_end;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (!is_ram_type(m->type) || m->length == 0)
			continue;
		uint64_t s = m->base & ~(SZ_2M - 1);
		uint64_t e = m->base + m->length;
		if (e > (1ull << 40))
			e = 1ull << 40;
		for (uint64_t pa = s < SZ_2M ? SZ_2M : s; pa < e; pa += SZ_2M)
			map_2m(pa);
		if (e > ram_mapped_end)
			ram_mapped_end = e;
	}
	/* Without a memory map, keep at least the kernel reachable. */
	for (uint64_t pa = SZ_2M; pa < kend; pa += SZ_2M)
		map_2m(pa);
	if (!boot_info.valid) {
		/* No memory map: keep the boot loader's first 4 GiB mapping. */
		for (uint64_t pa = SZ_2M; pa < (1ull << 32); pa += SZ_2M)
			map_2m(pa);
	}

	write_cr3((uint64_t)(uintptr_t)pml4);
	active = true;
	pmm_set_mapped_limit(~0ull);
	return;
fail:
	kprintf("vmm: out of memory building page tables; staying on the boot tables\n");
}

uint64_t vmm_ram_mapped_end(void) { return ram_mapped_end; }

volatile void *vmm_map_mmio(uint64_t phys, uint64_t size)
{
	if (size == 0 || phys + size < phys || phys + size > IDENTITY_LIMIT)
		return NULL;
	if (!active) /* boot tables: the first 4 GiB, cached */
		return phys + size <= (1ull << 32) ? (volatile void *)(uintptr_t)phys : NULL;
	uint64_t s = phys & ~(PAGE_SIZE - 1);
	uint64_t e = (phys + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	for (uint64_t pa = s; pa < e; pa += PAGE_SIZE) {
		uint64_t *pte = pte_for(pa);
		if (!pte)
			return NULL;
		*pte = pa | PTE_P | PTE_W | PTE_PCD | PTE_PWT;
		invlpg(pa);
	}
	return (volatile void *)(uintptr_t)phys;
}

void vmm_unmap_mmio(volatile void *virt, uint64_t size)
{
	uint64_t va = (uint64_t)(uintptr_t)virt;
	if (!active || size == 0 || va + size < va || va + size > IDENTITY_LIMIT)
		return;
	uint64_t s = va & ~(PAGE_SIZE - 1);
	uint64_t e = (va + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	for (uint64_t pa = s; pa < e; pa += PAGE_SIZE) {
		uint64_t *pde = pde_for(pa);
		if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS))
			continue;
		uint64_t *pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
		uint64_t *pte = &pt[(pa >> 12) & 511];
		if (pa == 0)
			*pte = 0;
		else if (page_is_ram(pa))
			*pte = pa | PTE_P | PTE_W;
		else
			*pte = 0;
		invlpg(pa);
	}
}

int vmm_virt_to_phys(const volatile void *virt, uint64_t *phys)
{
	uint64_t va = (uint64_t)(uintptr_t)virt;
	if (va >= IDENTITY_LIMIT)
		return -1;
	uint64_t *t = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	for (int level = 3; level >= 0; level--) {
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P))
			return -1;
		if (level == 0 || (level <= 2 && (e & PTE_PS))) {
			uint64_t page = 1ull << (12 + 9 * level);
			if (phys)
				*phys = (e & PTE_ADDR & ~(page - 1)) | (va & (page - 1));
			return 0;
		}
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return -1;
}

bool vmm_is_mapped(const volatile void *virt)
{
	return vmm_virt_to_phys(virt, NULL) == 0;
}

void vmm_unmap_page(uint64_t va)
{
	if (!active)
		return;
	uint64_t *pte = pte_for(va & ~(PAGE_SIZE - 1));
	if (pte) {
		*pte = 0;
		invlpg(va);
	}
}
