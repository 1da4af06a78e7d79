/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_dm.h - data management (nvme_dm.c): Dataset Management, Write Zeroes,
 * Compare, Verify, and the NVM command set limits they follow (CNS 06h).
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_DM_H
#define NVME_DM_H

#include "nvme_support.h"

#if NVME_CFG_DM

/*
 * The NVM command set's size limits as the controller reports them in the
 * I/O Command Set specific Identify Controller data structure (CNS 06h, CSI
 * 00h; NVMe 2.0, which QEMU 7.2 answers although it reports NVMe 1.4). Read
 * at init and after every reset; nvme_ctrl_nvm_limits().
 */
struct nvme_nvm_limits {
	/* 0: read. Otherwise not reported and every field below is 0: the
	 * device's status (e.g. Invalid Field from an NVMe 1.x controller),
	 * NVME_ERR_UNSUPPORTED (not asked: no NVM command set) or
	 * NVME_ERR_BAD_ID (the data repeated Identify Controller's first
	 * bytes, a known firmware bug for CNS values it does not know). */
	int      status;
	uint8_t  vsl;            /* Verify Size Limit: 2^vsl pages of CAP.MPSMIN; 0 = none */
	uint8_t  wzsl;           /* Write Zeroes Size Limit, the same units */
	uint8_t  wusl;           /* Write Uncorrectable Size Limit (not used by the driver) */
	uint8_t  dmrl;           /* DSM with Deallocate: ranges per command; 0 = none */
	uint32_t dmrsl;          /* ... blocks per range; 0 = none */
	uint64_t dmsl;           /* ... blocks per command; 0 = none */
};


/*
 * The I/O commands below validate like nvme_read(): ns usable, q NULL = the
 * first I/O queue pair, count > 0, lba + count inside the namespace (else
 * NVME_ERR_LBA_RANGE, nothing sent). Block counts are 1-based here (the
 * driver writes count - 1 on the wire). Synchronous; larger requests are
 * split: Verify and Write Zeroes (no data transfer) into commands of at
 * most nvme_ns_verify_max_blocks() / nvme_ns_write_zeroes_max_blocks(),
 * Compare into commands of ns->max_blocks (the max transfer).
 */

/* The controller's NVM command set limits (Identify CNS 06h); never NULL
 * for an initialised controller. */
const struct nvme_nvm_limits *nvme_ctrl_nvm_limits(const struct nvme_ctrl *c);
/*
 * Most blocks of ns one Verify / Write Zeroes command covers, where the
 * driver splits larger requests: the Verify (Write Zeroes) Size Limit of
 * CNS 06h in blocks, at most 65536 (NLB's 16 bits); 65536 when the limit is
 * 0 (none); the max transfer (ns->max_blocks) when CNS 06h was not answered
 * (NVMe 1.x devices often treat these commands like a read or write bound by
 * MDTS, and QEMU 7.2 refuses a Verify above MDTS: the safe default). 0 when
 * ns is NULL or unusable, or one block is above the limit (the call is then
 * NVME_ERR_UNSUPPORTED, nothing sent).
 */
uint32_t nvme_ns_verify_max_blocks(const struct nvme_ns *ns);
uint32_t nvme_ns_write_zeroes_max_blocks(const struct nvme_ns *ns);

/* Dataset Management attributes (command dword 11). */
#define NVME_DSM_ATTR_IDR        0x1u  /* integral dataset for read */
#define NVME_DSM_ATTR_IDW        0x2u  /* integral dataset for write */
#define NVME_DSM_ATTR_DEALLOCATE 0x4u  /* deallocate (trim) the ranges */

/*
 * Dataset Management with nr ranges (1..256; else NVME_ERR_INVAL). Each
 * range's nlb must be > 0 and slba + nlb inside the namespace (else
 * NVME_ERR_INVAL / NVME_ERR_LBA_RANGE, nothing sent). cattr (context
 * attributes, NVME_DSM_CA_* fields) is sent as given. attrs is
 * NVME_DSM_ATTR_*. The ranges array may live anywhere (it is bounced when
 * the device cannot reach it). Needs ONCS bit 2. With the Deallocate
 * attribute the controller's processing limits (CNS 06h) are checked too:
 * more than DMRL ranges, a range above DMRSL blocks or a total above DMSL
 * blocks is NVME_ERR_TOO_LARGE, nothing sent (NVME_CMD_FORCE sends it).
 */
int nvme_dsm(struct nvme_ns *ns, struct nvme_qpair *q, const struct nvme_dsm_range *ranges,
	     uint32_t nr, uint32_t attrs, unsigned flags);
/* Deallocate count blocks from lba: one single-range DSM command per
 * FFFFFFFFh blocks (a range's length is 32 bits), or per DMRSL / DMSL blocks
 * when the controller reports smaller limits (CNS 06h). Needs ONCS bit 2. */
int nvme_trim(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint64_t count, unsigned flags);
/* Write Zeroes (ONCS bit 3) in commands of nvme_ns_write_zeroes_max_blocks();
 * flags NVME_WZ_DEALLOCATE (DEAC: the device may deallocate; DLFEAT bit 3
 * says whether it honours it), NVME_IO_FUA. */
int nvme_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags);
/* Where nvme_compare() stopped (res argument, optional). */
struct nvme_compare_result {
	uint64_t lba;            /* first LBA of the command that failed (mismatch or
	                          * error); after success lba + count of the call */
	uint32_t count;          /* blocks of that command; 0 when nothing failed after
	                          * sending (success, or refused before sending) */
	uint64_t matched;        /* blocks compared equal before it */
	uint32_t commands;       /* Compare commands sent */
	int      device_status;  /* that command's completion status as received, all
	                          * of SCT/SC/CRD/More/DNR (nvme_status_field());
	                          * 0 when it had none (success, timeout, ...) */
};
/*
 * Compare count blocks at lba with buf (ONCS bit 0), in commands of at most
 * ns->max_blocks. 0 when they are equal; NVME_ERR_COMPARE_MISMATCH when the
 * device reports Compare Failure (SCT 2h SC 85h) for one of the commands
 * (the later ones are not sent). Any other failure is returned as usual.
 * res (may be NULL) says which command failed (its LBA range) and keeps its
 * raw device status, which the named result drops.
 */
int nvme_compare(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		 const void *buf, unsigned flags, struct nvme_compare_result *res);
/* Verify count blocks (ONCS bit 7, or the effects log: see above) in
 * commands of nvme_ns_verify_max_blocks(): the device reads and checks them
 * without transferring data. */
int nvme_verify(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags);

#endif /* NVME_CFG_DM */

#endif /* NVME_DM_H */
