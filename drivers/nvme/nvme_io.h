/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_io.h - I/O beyond nvme.h (nvme_io.c): byte-granular read/write,
 * read/write of physical segments, I/O passthrough.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_IO_H
#define NVME_IO_H

/*
 * Byte-granular read/write of len bytes at byte offset off. Partial blocks
 * are read (and for writes modified and written back) through the queue
 * pair's bounce buffer; whole blocks go directly. len 0 is a no-op.
 * Not atomic: a failure may leave part of the range written.
 */
int nvme_read_bytes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, void *buf, size_t len);
int nvme_write_bytes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, const void *buf, size_t len);


/* I/O passthrough: as nvme_admin_passthru() (nvme_admin.h) on an I/O queue
 * pair; data pointers follow cfg.dptr_mode. */
int nvme_io_passthru(struct nvme_qpair *q, const struct nvme_sqe *sqe,
		     void *buf, size_t len, struct nvme_cqe *cqe_out);
int nvme_io_passthru_async(struct nvme_qpair *q, const struct nvme_sqe *sqe,
			   void *buf, size_t len, nvme_cmd_cb cb, void *arg);

/*
 * Block I/O on memory the caller gives by bus address, for hosts that know
 * it already (no virt_to_phys per page): count blocks at lba as nvme_read()
 * and nvme_write(), from/into nseg segments in order whose lengths add up to
 * exactly count * ns->lba_size (else NVME_ERR_INVAL). One command: count
 * above ns->max_blocks is NVME_ERR_TOO_LARGE. The segments must be
 * describable as they are, since there is no virtual address to bounce
 * through: with PRPs, the first starts dword aligned, every other starts on
 * a page boundary (nvme_ctrl_page_size()) and every one but the last ends
 * on one; with SGLs (nvme_ctrl_uses_sgl()) any segments the slot's list
 * space holds. Otherwise, or for a segment that is empty, wraps or lies at
 * or above dma_limit: NVME_ERR_DMA, nothing sent. segs is read during the
 * call only.
 */
struct nvme_phys_seg {
	uint64_t addr;           /* bus address */
	uint32_t len;            /* bytes */
};
int nvme_read_phys(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		   const struct nvme_phys_seg *segs, uint32_t nseg);
int nvme_write_phys(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    const struct nvme_phys_seg *segs, uint32_t nseg);
/* The same, asynchronous (as nvme_read_async(); the memory must stay valid
 * until cb runs). */
int nvme_read_phys_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			 const struct nvme_phys_seg *segs, uint32_t nseg, nvme_cmd_cb cb, void *arg);
int nvme_write_phys_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			  const struct nvme_phys_seg *segs, uint32_t nseg, nvme_cmd_cb cb, void *arg);

#endif /* NVME_IO_H */
