/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * minimal.c - the smallest working port of drivers/nvme, in one file.
 *
 * For a kernel (or boot loader) that runs with memory identity-mapped
 * (virtual address == bus address), polls, and has a microsecond clock.
 * Copy it, adapt the four places marked YOUR KERNEL, and call
 * minimal_nvme_example() with BAR0 of an NVMe controller your PCI code found
 * (class 01h/08h/02h; Memory Space and Bus Master enabled in its command
 * register). It brings the controller up and reads block 0 of the first
 * namespace.
 *
 * Build: every .c file of drivers/nvme and this file with -I drivers/nvme, the same
 * -D switches for all (nvme_config.h), and memcpy/memset/memmove/memcmp from
 * your kernel. tests/build/run.sh builds it freestanding for x86_64, aarch64
 * and riscv64; tests/host/tests_example.c runs it against the software
 * controller.
 */
#include "nvme.h"

/* YOUR KERNEL: a monotonic clock in microseconds that advances while the
 * driver polls (every wait of the driver is bounded by it). */
uint64_t kernel_time_us(void);

/* YOUR KERNEL: memory for queues and lists. Identity-mapped, so its address
 * is its bus address; it must be coherent with the device (x86: any RAM;
 * elsewhere map it uncached or use a coherent interconnect). 256 KiB fits the
 * configuration below (one I/O queue pair of 16 entries, 64 KiB transfers). */
#define ARENA_SIZE (256u * 1024u)
static unsigned char arena[ARENA_SIZE] __attribute__((aligned(4096)));
static size_t arena_used;

/* 1: zeroed, aligned, physically contiguous DMA memory. A bump allocator:
 * the .bss is zero, and nothing is ever handed out twice. */
static void *dma_alloc(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	(void)ctx;
	uintptr_t base = (uintptr_t)arena;
	uintptr_t p = (base + arena_used + align - 1) & ~(uintptr_t)(align - 1);
	if (p + size > base + ARENA_SIZE)
		return NULL;   /* the driver fails the call with NVME_ERR_NOMEM */
	arena_used = p + size - base;
	*phys = p;
	return (void *)p;
}

/* 2: the driver returns memory at detach; a bump allocator keeps it (a
 * kernel that detaches and attaches again needs a real allocator). */
static void dma_free(void *ctx, void *virt, uint64_t phys, size_t size)
{
	(void)ctx; (void)virt; (void)phys; (void)size;
}

/* 3: BAR0 is reachable at its bus address (YOUR KERNEL: map it uncached
 * if your page tables do not already). */
static volatile void *mmio_map(void *ctx, uint64_t phys, size_t size)
{
	(void)ctx; (void)size;
	return (volatile void *)(uintptr_t)phys;
}

/* 4: identity: a buffer's address is its bus address. */
static int virt_to_phys(void *ctx, const void *virt, uint64_t *phys)
{
	(void)ctx;
	*phys = (uintptr_t)virt;
	return 0;
}

/* 5: the clock. */
static uint64_t now_us(void *ctx)
{
	(void)ctx;
	return kernel_time_us();
}

static const struct nvme_host host = {
	.dma_alloc = dma_alloc,
	.dma_free = dma_free,
	.mmio_map = mmio_map,
	.virt_to_phys = virt_to_phys,
	.now_us = now_us,
	.page_size = 4096,   /* YOUR KERNEL: its MMU page size */
	/* optional: .log (see nvme_host.h), .delay_us, .mmio_unmap, .dma_limit */
};

static struct nvme_ctrl ctrl;   /* about 50 KiB: not on a small stack */

/*
 * Bring the controller at BAR0 (bus address bar_phys, bar_size bytes) up and
 * read block 0 of its first namespace into block (room for block_len bytes).
 * Returns 0 or a negative NVME_ERR_* / device status (nvme_strerror()).
 */
int minimal_nvme_example(uint64_t bar_phys, size_t bar_size, void *block, size_t block_len)
{
	struct nvme_ctrl_config cfg;
	nvme_config_defaults(&cfg);
	cfg.io_queue_depth = 16;
	cfg.max_transfer = 64u * 1024u;

	int rc = nvme_ctrl_init(&ctrl, &host, bar_phys, bar_size, &cfg);
	if (rc != 0)
		return rc;
	struct nvme_ns *ns = nvme_ns_at(&ctrl, 0);
	if (ns == NULL)
		return NVME_ERR_NO_NAMESPACE;
	if (ns->unusable != 0)
		return ns->unusable;
	if (ns->lba_size > block_len)
		return NVME_ERR_INVAL;
	return nvme_read(ns, NULL, 0, 1, block);   /* NULL: the first I/O queue pair */
}
