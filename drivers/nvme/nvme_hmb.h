/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_hmb.h - Host Memory Buffer (NVME_CFG_HMB, nvme_hmb.c).
 *
 * DRAM-less SSDs ask the host for memory (Identify HMPRE preferred, HMMIN
 * minimum, in 4 KiB units) and are much slower without it. At init the
 * driver takes up to min(HMPRE, cfg.hmb_max_bytes) from the host's
 * dma_alloc in as few physically contiguous chunks as it gives (halving the
 * chunk size when an allocation fails; each chunk at least HMMINDS, at most
 * HMMAXD of them), builds the descriptor list and enables the buffer (Set
 * Features 0Dh). A reset or resume enables the same memory again with
 * Memory Return; shutdown and detach disable it before the controller is
 * stopped, and detach frees it once the controller is disabled. When the
 * host cannot give HMMIN, or the controller refuses, the driver runs
 * without HMB (logged; nvme_hmb_info() says why).
 */
#ifndef NVME_HMB_H
#define NVME_HMB_H

#include "nvme.h"

/* Optional family switch (drivers/nvme/README.md "Configuration"). */
/* NVME_CFG_HMB: nvme_config.h */

/* Descriptors the driver gives at most (one 4 KiB page of 16-byte entries). */
#define NVME_HMB_MAX_DESCRIPTORS 256u

#if NVME_CFG_HMB

struct nvme_hmb_info {
	uint64_t preferred;      /* HMPRE, bytes (0: the controller wants none) */
	uint64_t minimum;        /* HMMIN, bytes */
	uint64_t min_chunk;      /* HMMINDS, bytes (0: no minimum) */
	uint32_t max_chunks;     /* HMMAXD (0: no limit) */
	uint64_t bytes;          /* given to the controller (0: none) */
	uint32_t chunks;         /* descriptors */
	uint64_t largest_chunk;  /* bytes */
	bool     enabled;        /* Set Features 0Dh EHM=1 succeeded and not disabled since */
	uint32_t enables;        /* successful enables (init, each reset/resume) */
	int      status;         /* 0, or why there is none: NVME_ERR_UNSUPPORTED (not asked
	                          * for / host cap below HMMIN / cfg.no_hmb), NVME_ERR_NOMEM,
	                          * or the controller's status for Set Features */
};

/* State of the host memory buffer; NVME_ERR_INVAL on NULL. */
int nvme_hmb_info(const struct nvme_ctrl *c, struct nvme_hmb_info *out);
/* Bus address and size of chunk i (for tests and diagnostics). */
int nvme_hmb_chunk(const struct nvme_ctrl *c, uint32_t i, uint64_t *phys, void **virt, uint64_t *bytes);

#endif /* NVME_CFG_HMB */
#endif /* NVME_HMB_H */
