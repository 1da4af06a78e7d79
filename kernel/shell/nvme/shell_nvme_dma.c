/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_dma.c - the shell's data buffers (nvsh_buf_alloc) and its block
 * I/O on them by bus address.
 *
 * Every nvsh_buf is one physically contiguous run from the platform's DMA
 * memory service, whose bus address the platform tells us. The live buffers
 * are kept in a small table, so nvsh_read/nvsh_write(_async) can turn a
 * pointer into one of them into a single physical segment and call
 * nvme_read_phys/nvme_write_phys(_async) (nvme_io.h): the driver then needs
 * no virt_to_phys per page. A pointer outside every live buffer (a static
 * scratch buffer, a stack array), or a segment the driver cannot describe
 * (NVME_ERR_DMA: nothing was sent, e.g. above the host's dma_limit), goes
 * through nvme_read/nvme_write as before, which translate and bounce.
 */
#include "shell_nvme.h"
#include "nvme_io.h"
#include "platform.h"
#include "kstring.h"

/* Live buffers at once: the commands hold one to three (iochk: data and
 * generations); a buffer beyond the table still works, through virt_to_phys. */
#define NVSH_DMA_TRACKED 8u

/* Kept by value (a caller may copy its struct nvsh_buf), keyed by p. */
static struct nvsh_buf tracked[NVSH_DMA_TRACKED];
static struct nvsh_dma_stats dma_stats;

static void track(const struct nvsh_buf *b)
{
	for (unsigned i = 0; i < NVSH_DMA_TRACKED; i++)
		if (tracked[i].p == NULL) {
			tracked[i] = *b;
			return;
		}
}

static void untrack(const uint8_t *p)
{
	for (unsigned i = 0; i < NVSH_DMA_TRACKED; i++)
		if (tracked[i].p == p)
			memset(&tracked[i], 0, sizeof(tracked[i]));
}

bool nvsh_buf_alloc(struct nvsh_buf *b, size_t want, size_t min)
{
	uint64_t pages = (want + PLATFORM_PAGE_SIZE - 1) / PLATFORM_PAGE_SIZE;
	uint64_t min_pages = (min + PLATFORM_PAGE_SIZE - 1) / PLATFORM_PAGE_SIZE;
	if (min_pages == 0)
		min_pages = 1;
	if (pages < min_pages)
		pages = min_pages;
	memset(b, 0, sizeof(*b));
	for (;;) {
		uint64_t phys;
		void *p = platform_dma_alloc(pages, true, &phys);
		if (p) {
			b->p = (uint8_t *)p;
			b->phys = phys;
			b->pages = pages;
			b->bytes = (size_t)(pages * PLATFORM_PAGE_SIZE);
			track(b);
			return true;
		}
		if (pages == min_pages)
			return false;
		pages /= 2;
		if (pages < min_pages)
			pages = min_pages;
	}
}

void nvsh_buf_free(struct nvsh_buf *b)
{
	if (b->p)
		untrack(b->p);
	if (b->p)
		platform_dma_free(b->p, b->phys, b->pages);
	memset(b, 0, sizeof(*b));
}

/* The one segment of len bytes at p, if p..p+len lies in a live buffer. */
static bool phys_seg(const void *p, size_t len, struct nvme_phys_seg *seg)
{
	const uint8_t *a = p;
	if (len == 0 || len > UINT32_MAX)
		return false;
	for (unsigned i = 0; i < NVSH_DMA_TRACKED; i++) {
		const struct nvsh_buf *b = &tracked[i];
		if (b->p == NULL || a < b->p || a >= b->p + b->bytes ||
		    len > (size_t)(b->p + b->bytes - a))
			continue;
		seg->addr = b->phys + (uint64_t)(a - b->p);
		seg->len = (uint32_t)len;
		return true;
	}
	return false;
}

/* Blocks of one command at most: the driver's limit, and what fits a 32-bit
 * segment length. */
static uint32_t max_per_cmd(const struct nvme_ns *ns)
{
	uint32_t n = ns->max_blocks;
	uint32_t seg_max = UINT32_MAX >> ns->lba_shift;
	return n < seg_max ? n : seg_max;
}

static int rw_sync(struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba, uint32_t n, uint8_t *buf)
{
	uint32_t per = max_per_cmd(ns);
	struct nvme_phys_seg seg;
	if (ns == NULL || buf == NULL || per == 0 || n == 0 || !phys_seg(buf, (size_t)n << ns->lba_shift, &seg))
		goto by_virt;
	/* split at the command limit as nvme_read/nvme_write do */
	for (uint32_t done = 0; done < n;) {
		uint32_t k = n - done < per ? n - done : per;
		struct nvme_phys_seg s = { seg.addr + ((uint64_t)done << ns->lba_shift), k << ns->lba_shift };
		int rc = write ? nvme_write_phys(ns, q, lba + done, k, &s, 1) : nvme_read_phys(ns, q, lba + done, k, &s, 1);
		if (rc == NVME_ERR_DMA && done == 0)
			goto by_virt;   /* not describable as it is: nothing was sent */
		if (rc != 0)
			return rc;
		dma_stats.phys_cmds++;
		done += k;
	}
	return 0;
by_virt:
	dma_stats.virt_calls++;
	return write ? nvme_write(ns, q, lba, n, buf) : nvme_read(ns, q, lba, n, buf);
}

int nvsh_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, void *buf)
{
	return rw_sync(ns, q, false, lba, n, buf);
}

int nvsh_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, const void *buf)
{
	return rw_sync(ns, q, true, lba, n, (uint8_t *)(uintptr_t)buf);
}

static int rw_async(struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba, uint32_t n, uint8_t *buf,
		    nvme_cmd_cb cb, void *arg)
{
	struct nvme_phys_seg seg;
	if (ns != NULL && buf != NULL && n != 0 && n <= max_per_cmd(ns) &&
	    phys_seg(buf, (size_t)n << ns->lba_shift, &seg)) {
		int rc = write ? nvme_write_phys_async(ns, q, lba, n, &seg, 1, cb, arg)
			       : nvme_read_phys_async(ns, q, lba, n, &seg, 1, cb, arg);
		if (rc != NVME_ERR_DMA) {
			if (rc == 0)
				dma_stats.phys_cmds++;
			return rc;
		}
	}
	dma_stats.virt_calls++;
	return write ? nvme_write_async(ns, q, lba, n, buf, cb, arg) : nvme_read_async(ns, q, lba, n, buf, cb, arg);
}

int nvsh_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, void *buf, nvme_cmd_cb cb,
		    void *arg)
{
	return rw_async(ns, q, false, lba, n, buf, cb, arg);
}

int nvsh_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t n, const void *buf,
		     nvme_cmd_cb cb, void *arg)
{
	return rw_async(ns, q, true, lba, n, (uint8_t *)(uintptr_t)buf, cb, arg);
}

void nvsh_dma_stats(struct nvsh_dma_stats *out)
{
	*out = dma_stats;
}
