/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vmm.h - page tables: identity-mapped RAM and uncached MMIO mappings.
 *
 * After vmm_init(), every page that holds RAM reported by the memory map
 * (available, ACPI reclaimable, ACPI NVS), including RAM above 4 GiB (up to
 * 1 TiB), is identity-mapped write-back: for RAM, virtual address ==
 * physical address. 2 MiB pages are used only for 2 MiB blocks that are RAM
 * throughout; the edges of each RAM range use 4 KiB pages (vmm_plan.h), so
 * no write-back page reaches into an MMIO or reserved hole. The first 2 MiB
 * use 4 KiB pages: page 0 is left unmapped so NULL pointer accesses fault,
 * and 0xA0000-0xFFFFF (legacy video/ROM) is uncached.
 * Page size is 4096 bytes (PAGE_SIZE in pmm.h).
 *
 * PAT: when CPUID says the CPU has one, vmm_init() programs IA32_PAT with the
 * power-on entries 0-3 (0 WB, 1 WT, 2 UC-, 3 UC: PWT/PCD keep their usual
 * meaning) and entry 4 (PAT bit set, PCD and PWT clear) write-combining;
 * vmm_map_wc() maps with it.
 */
#ifndef KERNEL_VMM_H
#define KERNEL_VMM_H

#include <stdint.h>
#include <stdbool.h>

/*
 * Maps [phys, phys + size) uncached (PCD|PWT) with 4 KiB pages and returns a
 * pointer to phys. The mapping is an identity mapping (the pointer's value is
 * phys), so it works for any physical address the CPU can reach, including
 * 64-bit BARs above 4 GiB; 2 MiB pages in the way are split. Mapping the same
 * range twice is harmless and returns the same pointer.
 * Returns NULL if size is 0, the range wraps, lies beyond the 47-bit
 * identity-mappable space, or a page table cannot be allocated.
 */
volatile void *vmm_map_mmio(uint64_t phys, uint64_t size);

/* Same as vmm_map_mmio() but write-combining (PAT entry 4) when the PAT
 * could be programmed, else uncached. For framebuffers: writes are combined
 * into bursts and may be reordered or delayed until an sfence. */
volatile void *vmm_map_wc(uint64_t phys, uint64_t size);

/* Memory types (the PAT and MTRR encodings). */
enum {
	VMM_MT_UC = 0,
	VMM_MT_WC = 1,
	VMM_MT_WT = 4,
	VMM_MT_WP = 5,
	VMM_MT_WB = 6,
	VMM_MT_UC_MINUS = 7
};
/* The page-level memory type of the page holding virt, read back from its
 * page-table entry (PAT, PCD, PWT bits) and the IA32_PAT MSR; -1 if not
 * mapped. The effective type also depends on the MTRRs (WC from the PAT
 * wins over an MTRR UC range). */
int vmm_mem_type(const volatile void *virt);
const char *vmm_mem_type_name(int type);
/* True once IA32_PAT holds entry 4 = WC. */
bool vmm_pat_wc(void);
/* CPUID PAT flag, IA32_PAT as the firmware left it and as it is now. */
void vmm_pat_info(bool *present, uint64_t *firmware, uint64_t *now);
/* Identity-mapped RAM pages made by vmm_init(): 2 MiB and 4 KiB (edges). */
void vmm_identity_pages(uint64_t *pages_2m, uint64_t *pages_4k);
/* Walks the live page tables: every large page (2 MiB, or 1 GiB) must be an
 * identity page over memory-map RAM throughout. Returns how many are not
 * (the first one's address in *first_bad); *checked = large pages seen. */
uint64_t vmm_check_large_pages(uint64_t *checked, uint64_t *first_bad);

/* Removes an MMIO mapping made by vmm_map_mmio(): pages that are RAM go back
 * to their normal write-back identity mapping, others become unmapped.
 * Mappings are not reference-counted: unmapping a range unmaps it for every
 * user of those pages. */
void vmm_unmap_mmio(volatile void *virt, uint64_t size);

/* Translates a virtual address. Returns 0 and sets *phys if mapped, -1 if
 * not mapped. */
int vmm_virt_to_phys(const volatile void *virt, uint64_t *phys);

/* True if the 4 KiB page containing virt is mapped. */
bool vmm_is_mapped(const volatile void *virt);

/* Makes one 4 KiB page not present (used for the stack guard page). */
void vmm_unmap_page(uint64_t virt);

/* Builds the kernel page tables and switches to them (after pmm_init()). */
void vmm_init(void);

/* Highest physical address identity-mapped as RAM, for `mem`. */
uint64_t vmm_ram_mapped_end(void);

#endif
