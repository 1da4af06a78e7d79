/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * page_alloc.h - a physical page allocator for DMA memory and the test
 * buffers: one bitmap over one contiguous free RAM range (the largest one
 * left after taking out this program, the DTB and the DTB's reservations).
 * First fit, any power-of-two alignment, runs are zeroed on allocation.
 * Physical = virtual (RAM is identity-mapped on both ports).
 */
#ifndef PAGE_ALLOC_H
#define PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most pages one bitmap manages (2 GiB of 4 KiB pages, a 64 KiB bitmap). */
#define PAGE_ALLOC_MAX_PAGES (512u * 1024u)

/* Set the managed range: [base, base + pages * 4096). base page-aligned. */
void page_alloc_init(uint64_t base, uint64_t pages);
/* pages contiguous pages aligned to align bytes (a power of two; <= 4096
 * means page-aligned), zeroed; NULL if no run fits. */
void *page_alloc(uint64_t pages, uint64_t align);
/* Give back a run from page_alloc; false (and nothing done) if it is not
 * one, wholly allocated, inside the range. */
bool page_free(void *p, uint64_t pages);
uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_base(void);
uint64_t page_alloc_pages(void);

#endif /* PAGE_ALLOC_H */
