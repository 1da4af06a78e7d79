/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmm.h - physical page allocator.
 *
 * Built from the Multiboot2 memory map: only "available" RAM is handed out,
 * never the first 1 MiB, the kernel image, the Multiboot2 information, boot
 * modules or the allocator's own bitmap. Runs are physically contiguous and
 * zeroed, so they can be used directly for DMA (queues, PRP lists).
 * All RAM is identity-mapped (see vmm.h), so the returned physical address is
 * also a usable pointer: (void *)(uintptr_t)phys.
 *
 * Not thread- or interrupt-safe: call from normal kernel context only.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <stdint.h>
#include <stdbool.h>

#define PAGE_SIZE 4096ull
#define PAGE_SHIFT 12

/*
 * Allocates npages (>= 1) contiguous, zeroed 4 KiB pages.
 *   align_bytes: alignment of the start address; 0 or anything <= 4096 means
 *                4096; otherwise must be a power of two (e.g. 64 KiB).
 *   max_phys_exclusive: the whole run must lie below this address (e.g.
 *                1ull << 32 for a device limited to 32-bit DMA); 0 = no limit.
 * Returns the physical address, or 0 if no such run exists (or on bad
 * arguments). Never returns address 0 as a valid run.
 */
uint64_t pmm_alloc_pages(uint64_t npages, uint64_t align_bytes, uint64_t max_phys_exclusive);

/* Same, with a lower bound too: the run starts at or above min_phys. */
uint64_t pmm_alloc_pages_range(uint64_t npages, uint64_t align_bytes, uint64_t min_phys,
			       uint64_t max_phys_exclusive);

/* Returns a run to the allocator. Freeing pages that are not allocated, or
 * that belong to the kernel or boot data, prints a warning and changes
 * nothing (returns false). */
bool pmm_free_pages(uint64_t phys, uint64_t npages);

struct pmm_stats {
	uint64_t total_pages;   /* usable RAM pages the allocator manages */
	uint64_t free_pages;
	uint64_t largest_free_run; /* pages */
	uint64_t highest_phys;  /* end of the highest available RAM */
	uint64_t bitmap_phys, bitmap_bytes;
};
void pmm_get_stats(struct pmm_stats *st);

/* Reserved ranges (kernel, boot info, modules, ...), for `mem`. */
int pmm_reserved_count(void);
bool pmm_reserved_get(int i, uint64_t *start, uint64_t *end, const char **what);

/* Called once by kernel_main after mb2_parse(). */
void pmm_init(void);
/* vmm_init() calls this once all RAM is identity-mapped; before that only
 * memory below 4 GiB (the boot page tables' reach) is handed out. */
void pmm_set_mapped_limit(uint64_t limit);

#endif
