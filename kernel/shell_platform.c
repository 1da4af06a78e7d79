/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_platform.c - the test kernel's side of kernel/shell/platform.h.
 *
 * Console, time, exit and command line services are the kernel functions of
 * the same names (console.c, time.c, system.c, cmdline.c); this file includes
 * their headers beside platform.h so that the compiler checks every
 * declaration matches. The rest is implemented here over pmm (DMA memory,
 * identity mapped: bus address == virtual address), vmm (BAR reads) and the
 * Multiboot2 modules.
 */
#include "platform.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "console.h"
#include "kformat.h"
#include "kstring.h"
#include "nvme_port.h"
#include "pmm.h"
#include "system.h"
#include "time.h"
#include "vmm.h"

_Static_assert(PLATFORM_PAGE_SIZE == PAGE_SIZE, "the shell's page is the kernel's page");

void *platform_dma_alloc(uint64_t pages, bool low4g, uint64_t *phys)
{
	uint64_t p = low4g ? pmm_alloc_pages_range(pages, 0, 1ull << 32, 0) : 0;
	if (!p)
		p = pmm_alloc_pages(pages, 0, 0);
	if (!p)
		return NULL;
	*phys = p;
	return (void *)(uintptr_t)p;
}

void platform_dma_free(void *virt, uint64_t phys, uint64_t pages)
{
	(void)virt;
	pmm_free_pages(phys, pages);
}

bool platform_ctrl_read32(struct nvmetk_ctrl *t, uint32_t off, uint32_t *out)
{
	if (off % 4 || off + 4 > t->bar_size)
		return false;
	volatile uint32_t *r = (volatile uint32_t *)vmm_map_mmio(t->bar_phys, off + 4);
	if (!r)
		return false;
	*out = r[off / 4];
	return true;
}

bool platform_module_find(const char *name, struct platform_module *out)
{
	const struct boot_module *m = boot_module_find(name);
	if (!m)
		return false;
	out->data = (const void *)(uintptr_t)m->start;
	out->phys = m->start;
	out->len = (size_t)(m->end - m->start);
	out->name = m->name;
	return true;
}

void platform_module_list(char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < boot_info.module_count && n < len; i++)
		n += (size_t)ksnprintf(buf + n, len - n, "%s'%s'", i ? ", " : "", boot_info.modules[i].name);
	if (boot_info.module_count == 0)
		strlcpy(buf, "none", len);
}
