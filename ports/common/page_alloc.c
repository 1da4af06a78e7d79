/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * page_alloc.c - the bitmap page allocator (see page_alloc.h).
 */
#include "page_alloc.h"
#include "port.h"

static uint64_t bitmap[PAGE_ALLOC_MAX_PAGES / 64];
static uint64_t pa_base, pa_pages, pa_free;

static bool used(uint64_t i)
{
	return (bitmap[i / 64] >> (i % 64)) & 1u;
}

static void mark(uint64_t i, uint64_t n, bool on)
{
	for (uint64_t k = i; k < i + n; k++) {
		if (on)
			bitmap[k / 64] |= 1ull << (k % 64);
		else
			bitmap[k / 64] &= ~(1ull << (k % 64));
	}
}

void page_alloc_init(uint64_t base, uint64_t pages)
{
	if (pages > PAGE_ALLOC_MAX_PAGES)
		pages = PAGE_ALLOC_MAX_PAGES;
	pa_base = base;
	pa_pages = pages;
	pa_free = pages;
	memset(bitmap, 0, sizeof(bitmap));
}

void *page_alloc(uint64_t pages, uint64_t align)
{
	if (pages == 0 || pages > pa_free || (align & (align - 1)) != 0)
		return NULL;
	uint64_t step = align > PORT_PAGE_SIZE ? align / PORT_PAGE_SIZE : 1;
	/* first page index whose address is aligned */
	uint64_t first = 0;
	uint64_t mis = (pa_base / PORT_PAGE_SIZE) % step;
	if (mis != 0)
		first = step - mis;
	uint64_t i = first;
	while (i + pages <= pa_pages) {
		uint64_t k = 0;
		while (k < pages && !used(i + k))
			k++;
		if (k == pages) {
			mark(i, pages, true);
			pa_free -= pages;
			void *p = (void *)(uintptr_t)(pa_base + i * PORT_PAGE_SIZE);
			memset(p, 0, pages * PORT_PAGE_SIZE);
			return p;
		}
		/* the next aligned index past the used page i + k */
		uint64_t next = i + k + 1;
		i = first + (next - first + step - 1) / step * step;
	}
	return NULL;
}

bool page_free(void *p, uint64_t pages)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	if (a < pa_base || (a - pa_base) % PORT_PAGE_SIZE != 0 || pages == 0)
		return false;
	uint64_t i = (a - pa_base) / PORT_PAGE_SIZE;
	if (i + pages > pa_pages || i + pages < i)
		return false;
	for (uint64_t k = 0; k < pages; k++)
		if (!used(i + k))
			return false;
	mark(i, pages, false);
	pa_free += pages;
	return true;
}

uint64_t page_alloc_free_pages(void) { return pa_free; }
uint64_t page_alloc_base(void) { return pa_base; }
uint64_t page_alloc_pages(void) { return pa_pages; }
