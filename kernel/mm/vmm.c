/* SPDX-License-Identifier: BSD-2-Clause */
/* vmm.c - 4-level x86_64 page tables, identity mapping (see vmm.h). */
#include "vmm.h"
#include "vmm_plan.h"
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
#define PTE_PAT_4K (1ull << 7)   /* in a 4 KiB entry bit 7 is the PAT bit */
#define PTE_PAT_LARGE (1ull << 12)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define PTE_ADDR_2M 0x000FFFFFFFE00000ull

#define SZ_2M (2ull << 20)
#define IDENTITY_LIMIT (1ull << 47) /* canonical lower half */

static uint64_t *pml4;
static uint64_t ram_mapped_end;
static bool active; /* our tables are loaded */
static uint64_t ident_2m, ident_4k; /* identity pages of RAM mapped by vmm_init */

/* ------------------------------------------------------------ PAT */

#define MSR_PAT 0x277
/*
 * PAT entries (index = PAT << 2 | PCD << 1 | PWT). 0-3 are the power-on
 * values every mapping here relies on: 0 WB (no bits), 3 UC (PCD|PWT). 4,
 * unused before (no entry here set the PAT bit), becomes write-combining;
 * 5-7 keep their power-on values.
 */
#define PAT_VALUE ((uint64_t)VMM_MT_WB | (uint64_t)VMM_MT_WT << 8 | (uint64_t)VMM_MT_UC_MINUS << 16 | \
		   (uint64_t)VMM_MT_UC << 24 | (uint64_t)VMM_MT_WC << 32 | (uint64_t)VMM_MT_WT << 40 | \
		   (uint64_t)VMM_MT_UC_MINUS << 48 | (uint64_t)VMM_MT_UC << 56)
#define PAT_WC_INDEX 4
static bool pat_present, pat_wc;
static uint64_t pat_firmware;

static void pat_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, 0, &a, &b, &c, &d);
	pat_present = (d >> 16) & 1;
	if (!pat_present)
		return;
	pat_firmware = rdmsr(MSR_PAT);
	/* No mapping uses entries 4-7 yet and 0-3 keep (or get back) their
	 * power-on types, so no cached line changes type: write the MSR, then
	 * drop cached lines and TLB entries made under the old value anyway
	 * (SDM vol. 3 "Programming the PAT"). */
	__asm__ volatile("wbinvd" ::: "memory");
	wrmsr(MSR_PAT, PAT_VALUE);
	__asm__ volatile("wbinvd" ::: "memory");
	write_cr3(read_cr3());
	pat_wc = rdmsr(MSR_PAT) == PAT_VALUE;
}

bool vmm_pat_wc(void) { return pat_wc; }

void vmm_pat_info(bool *present, uint64_t *firmware, uint64_t *now)
{
	*present = pat_present;
	*firmware = pat_firmware;
	*now = pat_present ? rdmsr(MSR_PAT) : 0;
}

const char *vmm_mem_type_name(int t)
{
	switch (t) {
	case VMM_MT_UC: return "uncached (UC)";
	case VMM_MT_WC: return "write-combining (WC)";
	case VMM_MT_WT: return "write-through (WT)";
	case VMM_MT_WP: return "write-protected (WP)";
	case VMM_MT_WB: return "write-back (WB)";
	case VMM_MT_UC_MINUS: return "uncached, MTRR may override (UC-)";
	default: return "not mapped or reserved type";
	}
}

/*
 * vmm_virt_to_phys remembers the leaves it walked to, so that a driver
 * translating the same buffers on every I/O does not walk four levels each
 * time (93 guest instructions per I/O: bench/README.md, "The port's address
 * translation"). Slot (va >> 12) % XLAT_SLOTS holds the base of a present
 * leaf that maps its range to itself (4 KiB, 2 MiB or 1 GiB) | level << 1
 * | 1, or 0. One word per slot, read and written whole, so an interrupt
 * handler translating in between cannot tear one. Every write to a
 * page-table entry clears them all afterwards (xlat_forget).
 */
#define XLAT_SLOTS 256u
static uint64_t xlat[XLAT_SLOTS];
static bool xlat_used;   /* a slot may be set: xlat_forget has work */

static void xlat_forget(void)
{
	/* the entry write before this is not moved after it by the compiler
	 * (an interrupt between the two could refill a slot from the old entry) */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&xlat_used, __ATOMIC_RELAXED))
		return;
	__atomic_store_n(&xlat_used, false, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < XLAT_SLOTS; i++)
		__atomic_store_n(&xlat[i], 0, __ATOMIC_RELAXED);
}

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
		xlat_forget();
		/* only map_2m() makes large pages: one identity 2 MiB page of RAM
		 * is now 512 pages of 4 KiB (e.g. an ACPI table mapped uncached
		 * inside it), and `mem` counts what the tables hold */
		if (ident_2m) {
			ident_2m--;
			ident_4k += 512;
		}
		return pt;
	}
	uint64_t *t = table_alloc();
	if (!t)
		return NULL;
	*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
	xlat_forget();
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

/* RAM block [pa, pa + 2 MiB), write-back. If 4 KiB pages are there already
 * (an edge of an overlapping range), they are filled instead. */
static bool map_2m(uint64_t pa)
{
	uint64_t *pde = pde_for(pa);
	if (!pde)
		return false;
	if (!(*pde & PTE_P)) {
		*pde = pa | PTE_P | PTE_W | PTE_PS;
		xlat_forget();
		ident_2m++;
	} else if (!(*pde & PTE_PS)) {
		uint64_t *pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
		for (int i = 0; i < 512; i++)
			pt[i] = (pa + (uint64_t)i * PAGE_SIZE) | PTE_P | PTE_W;
		xlat_forget();
	}
	return true;
}

/* RAM page pa, write-back (a 2 MiB page in the way is split). */
static bool map_4k(uint64_t pa)
{
	uint64_t *pte = pte_for(pa);
	if (!pte)
		return false;
	if (!(*pte & PTE_P))
		ident_4k++;
	*pte = pa | PTE_P | PTE_W;
	xlat_forget();
	return true;
}

/* One RAM range, with the page sizes vmm_plan_range() chooses. */
static bool map_ram(uint64_t base, uint64_t end)
{
	struct vmm_plan p;
	vmm_plan_range(base, end, &p);
	for (uint64_t pa = p.head_start; pa < p.head_end; pa += PAGE_SIZE)
		if (!map_4k(pa))
			return false;
	for (uint64_t pa = p.mid_start; pa < p.mid_end; pa += SZ_2M)
		if (!map_2m(pa))
			return false;
	for (uint64_t pa = p.tail_start; pa < p.tail_end; pa += PAGE_SIZE)
		if (!map_4k(pa))
			return false;
	return true;
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
	xlat_forget();

	/* Everything else: RAM from the memory map, 2 MiB pages where a whole
	 * block is RAM, 4 KiB pages at the edges (vmm_plan.h), so no page
	 * reaches into a hole of another memory type. The kernel image, boot
	 * information and bitmap all lie in such RAM. */
	uint64_t kend = 0;
	extern char _kernel_end[];
	kend = (uint64_t)(uintptr_t)_kernel_end;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (!is_ram_type(m->type) || m->length == 0)
			continue;
		uint64_t b = m->base < SZ_2M ? SZ_2M : m->base;
		uint64_t e = m->base + m->length < m->base ? ~0ull : m->base + m->length;
		if (e > (1ull << 40))
			e = 1ull << 40;
		if (b < e && !map_ram(b, e))
			goto fail;
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
	xlat_forget();
	active = true;
	pmm_set_mapped_limit(~0ull);
	pat_init();
	return;
fail:
	kprintf("vmm: out of memory building page tables; staying on the boot tables\n");
}

uint64_t vmm_ram_mapped_end(void) { return ram_mapped_end; }

void vmm_identity_pages(uint64_t *pages_2m, uint64_t *pages_4k)
{
	*pages_2m = ident_2m;
	*pages_4k = ident_4k;
}

/* True if [pa, pa + len) is RAM of the memory map throughout (the ranges
 * may be split over several entries). */
static bool range_is_ram(uint64_t pa, uint64_t len)
{
	uint64_t cur = pa, end = pa + len;
	while (cur < end) {
		bool advanced = false;
		for (int i = 0; i < boot_info.mmap_count; i++) {
			const struct boot_mmap_entry *m = &boot_info.mmap[i];
			if (is_ram_type(m->type) && cur >= m->base && cur < m->base + m->length) {
				cur = m->base + m->length;
				advanced = true;
				break;
			}
		}
		if (!advanced)
			return false;
	}
	return true;
}

uint64_t vmm_check_large_pages(uint64_t *checked, uint64_t *first_bad)
{
	uint64_t bad = 0, n = 0;
	*first_bad = 0;
	uint64_t *l4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	for (uint64_t i4 = 0; i4 < 256; i4++) {
		if (!(l4[i4] & PTE_P))
			continue;
		uint64_t *l3 = (uint64_t *)(uintptr_t)(l4[i4] & PTE_ADDR);
		for (uint64_t i3 = 0; i3 < 512; i3++) {
			uint64_t va3 = (i4 << 39) | (i3 << 30);
			if (!(l3[i3] & PTE_P))
				continue;
			if (l3[i3] & PTE_PS) { /* 1 GiB page: never made here */
				n++;
				if (!bad++)
					*first_bad = va3;
				continue;
			}
			uint64_t *l2 = (uint64_t *)(uintptr_t)(l3[i3] & PTE_ADDR);
			for (uint64_t i2 = 0; i2 < 512; i2++) {
				if (!(l2[i2] & PTE_P) || !(l2[i2] & PTE_PS))
					continue;
				uint64_t va = va3 | (i2 << 21);
				n++;
				/* identity: the page maps va; it must be RAM throughout
				 * unless there is no memory map at all */
				if ((l2[i2] & PTE_ADDR_2M) != va ||
				    (boot_info.valid && !range_is_ram(va, SZ_2M))) {
					if (!bad++)
						*first_bad = va;
				}
			}
		}
	}
	*checked = n;
	return bad;
}

static volatile void *map_device(uint64_t phys, uint64_t size, uint64_t cache_bits)
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
		*pte = pa | PTE_P | PTE_W | cache_bits;
		xlat_forget();
		invlpg(pa);
	}
	return (volatile void *)(uintptr_t)phys;
}

volatile void *vmm_map_mmio(uint64_t phys, uint64_t size)
{
	return map_device(phys, size, PTE_PCD | PTE_PWT);
}

volatile void *vmm_map_wc(uint64_t phys, uint64_t size)
{
	return map_device(phys, size, pat_wc ? PTE_PAT_4K : (PTE_PCD | PTE_PWT));
}

/* The page-table entry that maps va (a 4 KiB, 2 MiB or 1 GiB page) and its
 * level (0 = 4 KiB); false if va is outside the identity range or unmapped. */
static bool leaf_entry(uint64_t va, uint64_t *entry, int *level_out)
{
	if (va >= IDENTITY_LIMIT)
		return false;
	uint64_t *t = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	for (int level = 3; level >= 0; level--) {
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P))
			return false;
		if (level == 0 || (level <= 2 && (e & PTE_PS))) {
			*entry = e;
			*level_out = level;
			return true;
		}
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return false;
}

int vmm_mem_type(const volatile void *virt)
{
	uint64_t e;
	int level;
	if (!leaf_entry((uint64_t)(uintptr_t)virt, &e, &level))
		return -1;
	bool large = level > 0;
	unsigned idx = (unsigned)(((e & (large ? PTE_PAT_LARGE : PTE_PAT_4K)) ? 4 : 0) |
				  ((e & PTE_PCD) ? 2 : 0) | ((e & PTE_PWT) ? 1 : 0));
	if (pat_present)
		return (int)((rdmsr(MSR_PAT) >> (8 * idx)) & 7);
	/* no PAT: PCD/PWT alone, as in PAT's power-on entries 0-3 */
	static const int legacy[4] = { VMM_MT_WB, VMM_MT_WT, VMM_MT_UC_MINUS, VMM_MT_UC };
	return legacy[idx & 3];
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
		xlat_forget();
		invlpg(pa);
	}
}

int vmm_virt_to_phys(const volatile void *virt, uint64_t *phys)
{
	uint64_t va = (uint64_t)(uintptr_t)virt, e;
	uint64_t *slot = &xlat[(va >> 12) % XLAT_SLOTS];
	uint64_t last = __atomic_load_n(slot, __ATOMIC_RELAXED);
	if (last && va - (last & ~(PAGE_SIZE - 1)) < 1ull << (12 + 9 * ((last >> 1) & 3))) {
		if (phys)
			*phys = va;   /* the leaf maps its range to itself */
		return 0;
	}
	int level;
	if (!leaf_entry(va, &e, &level))
		return -1;
	uint64_t page = 1ull << (12 + 9 * level);
	uint64_t base = e & PTE_ADDR & ~(page - 1);
	if (base == (va & ~(page - 1))) {
		__atomic_store_n(&xlat_used, true, __ATOMIC_RELAXED);
		__atomic_store_n(slot, base | (uint64_t)level << 1 | 1u, __ATOMIC_RELAXED);
	}
	if (phys)
		*phys = base | (va & (page - 1));
	return 0;
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
		xlat_forget();
		invlpg(va);
	}
}
