/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_io.h - I/O beyond nvme.h (nvme_io.c): byte-granular read/write and
 * I/O passthrough.
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

#endif /* NVME_IO_H */
