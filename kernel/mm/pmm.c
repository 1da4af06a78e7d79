/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmm.c - bitmap page allocator (one bit per 4 KiB page, 1 = in use).
 *
 * A first-fit scan that skips fully used 64-bit words; candidates are
 * aligned, and a used page inside a candidate run moves the search past it.
 * With 8 GiB of RAM the bitmap is 256 KiB and a scan takes well under a
 * millisecond.
 */
#include "pmm.h"
#include "bootinfo.h"
#include "console.h"
#include "kstring.h"

extern char _kernel_start[], _kernel_end[];

#define MAX_RESERVED 32
/* Physical memory beyond this is ignored (and reported): 1 TiB. */
#define PMM_PHYS_LIMIT (1ull << 40)

static uint64_t *bitmap;
static uint64_t nframes;     /* frames covered by the bitmap */
static uint64_t total_pages, free_pages;
static uint64_t mapped_limit = 1ull << 32;
static uint64_t highest_ram;
static uint64_t bitmap_phys, bitmap_bytes;

static struct {
	uint64_t start, end;
	const char *what;
} reserved[MAX_RESERVED];
static int nreserved;

static inline bool frame_used(uint64_t f) { return bitmap[f >> 6] & (1ull << (f & 63)); }
static inline void frame_set(uint64_t f) { bitmap[f >> 6] |= 1ull << (f & 63); }
static inline void frame_clear(uint64_t f) { bitmap[f >> 6] &= ~(1ull << (f & 63)); }

static void add_reserved(uint64_t start, uint64_t end, const char *what)
{
	if (end <= start)
		return;
	if (nreserved < MAX_RESERVED) {
		reserved[nreserved].start = start;
		reserved[nreserved].end = end;
		reserved[nreserved].what = what;
		nreserved++;
	}
}

static bool overlaps_reserved(uint64_t start, uint64_t end)
{
	for (int i = 0; i < nreserved; i++)
		if (start < reserved[i].end && reserved[i].start < end)
			return true;
	return false;
}

static void mark_range(uint64_t start, uint64_t end, bool used)
{
	uint64_t f0 = start >> PAGE_SHIFT, f1 = (end + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (!used) { /* only whole pages become free */
		f0 = (start + PAGE_SIZE - 1) >> PAGE_SHIFT;
		f1 = end >> PAGE_SHIFT;
	}
	if (f1 > nframes)
		f1 = nframes;
	for (uint64_t f = f0; f < f1; f++) {
		if (used && !frame_used(f)) {
			frame_set(f);
			free_pages--;
		} else if (!used && frame_used(f)) {
			frame_clear(f);
			free_pages++;
		}
	}
}

/* Finds room for the bitmap: available RAM below 4 GiB, above 1 MiB, not
 * overlapping anything reserved. */
static uint64_t place_bitmap(uint64_t bytes)
{
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type != MEM_AVAILABLE)
			continue;
		uint64_t s = (m->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t e = (m->base + m->length) & ~(PAGE_SIZE - 1);
		if (s < 0x100000)
			s = 0x100000;
		if (e > (1ull << 32))
			e = 1ull << 32;
		for (uint64_t p = s; p + bytes <= e; p += PAGE_SIZE) {
			bool clash = false;
			for (int r = 0; r < nreserved; r++) {
				if (p < reserved[r].end && reserved[r].start < p + bytes) {
					/* jump past this reservation */
					p = ((reserved[r].end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - PAGE_SIZE;
					clash = true;
					break;
				}
			}
			if (!clash)
				return p;
		}
	}
	return 0;
}

void pmm_init(void)
{
	add_reserved(0, 0x100000, "low 1 MiB (BIOS, real-mode data)");
	add_reserved((uint64_t)(uintptr_t)_kernel_start, (uint64_t)(uintptr_t)_kernel_end,
		     "kernel image");
	if (boot_info.valid)
		add_reserved(boot_info.mbi_phys, boot_info.mbi_phys + boot_info.mbi_size,
			     "Multiboot2 information");
	/* Boot modules (e.g. the firmware test image, fw-download --module)
	 * stay where the loader put them for the whole run. */
	for (int i = 0; i < boot_info.module_count; i++)
		add_reserved(boot_info.modules[i].start, boot_info.modules[i].end,
			     boot_info.modules[i].name[0] ? boot_info.modules[i].name : "boot module");

	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type != MEM_AVAILABLE)
			continue;
		uint64_t end = m->base + m->length;
		if (end > PMM_PHYS_LIMIT) {
			kprintf("pmm: ignoring RAM above %llu GiB\n",
				(unsigned long long)(PMM_PHYS_LIMIT >> 30));
			end = PMM_PHYS_LIMIT;
		}
		if (end > highest_ram)
			highest_ram = end;
	}
	if (highest_ram == 0) {
		kprintf("pmm: no memory map from the loader: the page allocator is empty\n");
		return;
	}

	nframes = (highest_ram + PAGE_SIZE - 1) >> PAGE_SHIFT;
	bitmap_bytes = ((nframes + 63) / 64) * 8;
	bitmap_bytes = (bitmap_bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	bitmap_phys = place_bitmap(bitmap_bytes);
	if (!bitmap_phys) {
		kprintf("pmm: no room below 4 GiB for a %llu byte bitmap: the page allocator is empty\n",
			(unsigned long long)bitmap_bytes);
		nframes = 0;
		return;
	}
	add_reserved(bitmap_phys, bitmap_phys + bitmap_bytes, "page allocator bitmap");
	bitmap = (uint64_t *)(uintptr_t)bitmap_phys;
	memset(bitmap, 0xff, bitmap_bytes);

	/* Free all whole pages of available RAM, then take back what is reserved. */
	free_pages = 0;
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type == MEM_AVAILABLE)
			mark_range(m->base, m->base + m->length, false);
	}
	/* Overlapping map entries of other types win over "available". */
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type != MEM_AVAILABLE)
			mark_range(m->base, m->base + m->length, true);
	}
	for (int i = 0; i < nreserved; i++)
		mark_range(reserved[i].start, reserved[i].end, true);
	total_pages = free_pages;
}

void pmm_set_mapped_limit(uint64_t limit) { mapped_limit = limit; }

uint64_t pmm_alloc_pages_range(uint64_t npages, uint64_t align_bytes, uint64_t min_phys,
			       uint64_t max_phys)
{
	if (!bitmap || npages == 0 || npages > nframes)
		return 0;
	if (align_bytes < PAGE_SIZE)
		align_bytes = PAGE_SIZE;
	if (align_bytes & (align_bytes - 1))
		return 0;
	uint64_t align = align_bytes >> PAGE_SHIFT;
	uint64_t limit = nframes;
	if (max_phys && (max_phys >> PAGE_SHIFT) < limit)
		limit = max_phys >> PAGE_SHIFT;
	if ((mapped_limit >> PAGE_SHIFT) < limit)
		limit = mapped_limit >> PAGE_SHIFT;
	uint64_t f = min_phys >> PAGE_SHIFT;
	if (f == 0)
		f = 1; /* never hand out page 0 */
	f = (f + align - 1) / align * align;

	while (f + npages <= limit && f + npages > f) {
		/* Skip fully used words quickly. */
		if ((f & 63) == 0 && bitmap[f >> 6] == ~0ull) {
			f += 64;
			f = (f + align - 1) / align * align;
			continue;
		}
		uint64_t i;
		for (i = 0; i < npages; i++)
			if (frame_used(f + i))
				break;
		if (i == npages) {
			for (i = 0; i < npages; i++)
				frame_set(f + i);
			free_pages -= npages;
			uint64_t phys = f << PAGE_SHIFT;
			memset((void *)(uintptr_t)phys, 0, npages << PAGE_SHIFT);
			return phys;
		}
		f = (f + i + 1 + align - 1) / align * align;
	}
	return 0;
}

uint64_t pmm_alloc_pages(uint64_t npages, uint64_t align_bytes, uint64_t max_phys_exclusive)
{
	return pmm_alloc_pages_range(npages, align_bytes, 0, max_phys_exclusive);
}

bool pmm_free_pages(uint64_t phys, uint64_t npages)
{
	if (!bitmap || npages == 0)
		return false;
	if (phys & (PAGE_SIZE - 1)) {
		kprintf("pmm: free of unaligned address 0x%llx ignored\n", (unsigned long long)phys);
		return false;
	}
	uint64_t f0 = phys >> PAGE_SHIFT;
	if (f0 >= nframes || npages > nframes - f0) {
		kprintf("pmm: free of 0x%llx+%llu pages is outside RAM; ignored\n",
			(unsigned long long)phys, (unsigned long long)npages);
		return false;
	}
	if (overlaps_reserved(phys, phys + (npages << PAGE_SHIFT))) {
		kprintf("pmm: free of 0x%llx+%llu pages overlaps reserved memory; ignored\n",
			(unsigned long long)phys, (unsigned long long)npages);
		return false;
	}
	for (uint64_t i = 0; i < npages; i++) {
		if (!frame_used(f0 + i)) {
			kprintf("pmm: double free at 0x%llx (run 0x%llx+%llu pages); ignored\n",
				(unsigned long long)((f0 + i) << PAGE_SHIFT), (unsigned long long)phys,
				(unsigned long long)npages);
			return false;
		}
	}
	/* Pages that are not available RAM (holes) were never free: refuse too. */
	for (int i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];
		if (m->type != MEM_AVAILABLE && phys < m->base + m->length &&
		    m->base < phys + (npages << PAGE_SHIFT)) {
			kprintf("pmm: free of 0x%llx+%llu pages overlaps non-RAM; ignored\n",
				(unsigned long long)phys, (unsigned long long)npages);
			return false;
		}
	}
	for (uint64_t i = 0; i < npages; i++)
		frame_clear(f0 + i);
	free_pages += npages;
	return true;
}

void pmm_get_stats(struct pmm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->total_pages = total_pages;
	st->free_pages = free_pages;
	st->highest_phys = highest_ram;
	st->bitmap_phys = bitmap_phys;
	st->bitmap_bytes = bitmap_bytes;
	uint64_t run = 0;
	for (uint64_t f = 0; f < nframes; f++) {
		if ((f & 63) == 0 && bitmap[f >> 6] == ~0ull) {
			run = 0;
			f += 63;
			continue;
		}
		if (frame_used(f)) {
			run = 0;
		} else if (++run > st->largest_free_run) {
			st->largest_free_run = run;
		}
	}
}

int pmm_reserved_count(void) { return nreserved; }

bool pmm_reserved_get(int i, uint64_t *start, uint64_t *end, const char **what)
{
	if (i < 0 || i >= nreserved)
		return false;
	*start = reserved[i].start;
	*end = reserved[i].end;
	*what = reserved[i].what;
	return true;
}
