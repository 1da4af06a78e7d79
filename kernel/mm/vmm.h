/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vmm.h - page tables: identity-mapped RAM and uncached MMIO mappings.
 *
 * After vmm_init(), every 2 MiB region that holds RAM reported by the memory
 * map (available, ACPI reclaimable, ACPI NVS), including RAM above 4 GiB, is
 * identity-mapped write-back: for RAM, virtual address == physical address.
 * The first 2 MiB use 4 KiB pages: page 0 is left unmapped so NULL pointer
 * accesses fault, and 0xA0000-0xFFFFF (legacy video/ROM) is uncached.
 * Page size is 4096 bytes (PAGE_SIZE in pmm.h).
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
