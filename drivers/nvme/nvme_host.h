/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_host.h - the porting contract between the NVMe driver and its host.
 *
 * The driver never calls the kernel it runs in. Everything it needs from the
 * host (memory the device can reach, the controller's registers, address
 * translation, time, and an optional log) comes through one struct nvme_host,
 * filled in by the host and passed to nvme_ctrl_init(). The driver keeps a
 * copy of the pointer, so the struct must outlive every controller using it;
 * several controllers may share one.
 *
 * Register accesses and memory barriers are NOT callbacks: they are inline
 * helpers in nvme_arch.h (one per supported architecture).
 *
 * Calling context: the driver calls these members only from the functions the
 * host calls (no threads, no interrupts of its own). None of them is called
 * with a lock held by the driver: the driver takes no locks. A host that uses
 * one controller from several CPUs serialises access itself (see README.md).
 *
 * nvme_ctrl_init() checks the struct first and fails with NVME_ERR_HOST_CONFIG,
 * naming the member in the log, if a required member is missing or a value is
 * out of range.
 */
#ifndef NVME_HOST_H
#define NVME_HOST_H

#include <stdint.h>
#include <stddef.h>

/* Log levels passed to nvme_host.log. */
enum nvme_log_level {
	NVME_LOG_ERROR = 0,  /* an operation failed; the message says why */
	NVME_LOG_WARN  = 1,  /* the device did something odd that was handled */
	NVME_LOG_INFO  = 2,  /* bring-up, shutdown, resets: a few lines per controller */
	NVME_LOG_DEBUG = 3,  /* per admin command */
	NVME_LOG_TRACE = 4   /* every register access, SQE and CQE (needs NVME_CFG_TRACE) */
};

struct nvme_host {
	/* Opaque pointer passed back as every callback's first argument; may be NULL. */
	void *ctx;

	/*
	 * REQUIRED. Allocate memory the device can read and write by DMA.
	 *  - size:  bytes, > 0; the driver asks for whole pages of page_size
	 *           for queues and PRP/SGL lists, and for smaller blocks
	 *           (bounce buffers, bookkeeping) rounded up to 64 bytes.
	 *  - align: power of two, >= 64; the physical address must be a multiple.
	 *  - *phys: receives the bus address the device must use.
	 * The memory must be physically contiguous over the whole size, zeroed,
	 * cache coherent with the device (or mapped uncached), and mapped in the
	 * caller's address space at the returned pointer. Return NULL if it cannot
	 * be satisfied; the driver then fails the operation with NVME_ERR_NOMEM.
	 * Called during nvme_ctrl_init(), queue creation and resume only: never on
	 * the I/O path. For a controller that asks for a Host Memory Buffer
	 * (nvme_hmb.h) init also asks for large sizes (up to
	 * cfg.hmb_max_bytes, 64 MiB by default) and halves them after each
	 * NULL: returning NULL for a size the host cannot give in one piece is
	 * expected.
	 */
	void *(*dma_alloc)(void *ctx, size_t size, size_t align, uint64_t *phys);

	/* REQUIRED. Release memory from dma_alloc; virt, phys and size are the
	 * values of the matching allocation. */
	void (*dma_free)(void *ctx, void *virt, uint64_t phys, size_t size);

	/*
	 * REQUIRED. Map size bytes of device registers at physical address phys
	 * (the controller's BAR0, which may lie above 4 GiB) uncached and return
	 * the virtual address, or NULL. Accesses are 32-bit only.
	 */
	volatile void *(*mmio_map)(void *ctx, uint64_t phys, size_t size);

	/* OPTIONAL (may be NULL). Undo mmio_map, called from nvme_ctrl_detach(). */
	void (*mmio_unmap)(void *ctx, volatile void *virt, size_t size);

	/*
	 * REQUIRED. Translate the virtual address of a caller's data buffer to the
	 * bus address the device must use. Called for the first byte and once
	 * per host page (page_size) of the buffer, so buffers need not be
	 * physically contiguous. Return 0 and set *phys on success; return nonzero if the
	 * address is not mapped or the device cannot reach it (the driver then
	 * uses a bounce buffer, see dma_limit). Called on the I/O path: must not
	 * allocate or sleep.
	 */
	int (*virt_to_phys)(void *ctx, const void *virt, uint64_t *phys);

	/*
	 * REQUIRED. A monotonic clock in microseconds. Every wait in the driver is
	 * bounded by it (CAP.TO, command timeouts, shutdown). It must advance
	 * while the driver polls.
	 */
	uint64_t (*now_us)(void *ctx);

	/*
	 * OPTIONAL (may be NULL). Wait about us microseconds. The driver calls it
	 * between register polls during bring-up, reset and shutdown (with small
	 * values, typically 1000). When NULL the driver spins on now_us().
	 */
	void (*delay_us)(void *ctx, uint32_t us);

	/*
	 * OPTIONAL (may be NULL). Called by a synchronous wait each time a poll
	 * of queue qid (0: admin) found nothing new; waited_us: how long this
	 * attempt of the command has waited. NULL: spin with a CPU pause hint.
	 * It may spin, halt until an interrupt or short timer, or yield to
	 * another thread; it must return within about 1 ms (timeouts are checked
	 * between calls) and must not call the driver. Never called by
	 * nvme_qpair_poll(): an asynchronous host idles in its own loop.
	 */
	void (*idle)(void *ctx, uint16_t qid, uint64_t waited_us);

	/*
	 * OPTIONAL (may be NULL). Receive one formatted log line (no trailing
	 * newline), already filtered by the controller's log level. msg is valid
	 * only during the call.
	 */
	void (*log)(void *ctx, enum nvme_log_level level, const char *msg);

	/*
	 * REQUIRED. The host MMU page size in bytes: a power of two >= 4096. The
	 * driver's memory page size (CC.MPS) is max(page_size, 2^(12+CAP.MPSMIN))
	 * and must not exceed 2^(12+CAP.MPSMAX).
	 */
	size_t page_size;

	/*
	 * OPTIONAL. Exclusive upper bound of bus addresses the device may reach
	 * for data buffers, or 0 for "no limit". A data buffer whose translation
	 * lies at or above it is copied through a bounce buffer. dma_alloc must
	 * honour it on its own. Read when the queues are created (fixed after).
	 */
	uint64_t dma_limit;
};

#endif /* NVME_HOST_H */
