/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_copyns.h - the software controller's Copy command
 * (model_copy.c) and namespace management and attachment (model_nsmgmt.c).
 * Both are off until a test (or nvmetk-sim) enables them.
 */
#ifndef NVME_MODEL_COPYNS_H
#define NVME_MODEL_COPYNS_H

#include <stdbool.h>
#include <stdint.h>

#include "nvme_model.h"

/*
 * Copy (opcode 19h): sets ONCS bit 8 and OCFS, and reports the limits in
 * every Identify Namespace (an Identify patch of bytes 74-80, so
 * nvme_model_clear_patches() removes them). Enforced by the model as QEMU
 * 7.2 does: more than MSRC+1 ranges, a range above MSSRL blocks or more
 * than MCL blocks in all answer Command Size Limit Exceeded (SCT 1h SC
 * 83h) and nothing is written; a format OCFS does not offer answers
 * Invalid Field; a source or destination outside the namespace LBA Out of
 * Range. The sources are read in full before the destination is written,
 * so overlapping ranges copy the old data.
 */
struct nvme_model_copy_config {
	uint16_t mssrl;          /* blocks per source range */
	uint32_t mcl;            /* blocks per command */
	uint8_t  msrc;           /* source ranges per command, 0's based */
	uint16_t ocfs;           /* descriptor formats: bit 0 format 0h, bit 1 format 1h */
};
void nvme_model_copy_enable(struct nvme_model *m, const struct nvme_model_copy_config *cfg);
/* The NVM command set Identify Namespace (CNS 05h, CSI 0) answers PIF pif
 * (0 16-bit, 1 32-bit, 2 64-bit guard) in every Extended LBA Format of
 * namespace nsid (1..8); other namespaces answer 0. The model has no
 * protection information: this only lets a test check what the driver
 * reads. Needs nvme_model_copy_enable() first. */
void nvme_model_copy_set_pif(struct nvme_model *m, uint32_t nsid, uint8_t pif);
/* Copy commands that wrote data, and blocks they wrote. */
void nvme_model_copy_stats(const struct nvme_model *m, uint64_t *cmds, uint64_t *blocks);

/*
 * Namespace management and attachment: sets OACS bit 3 and implements
 * Namespace Management (0Dh: create, delete), Namespace Attachment (15h:
 * attach, detach) and Identify CNS 10h-13h for an NVM subsystem of the
 * controllers in ctrls (the model's own CNTLID among them; the others are
 * only identifiers namespaces can be attached to). Namespaces configured
 * at creation are allocated and attached to this controller. A namespace
 * detached from this controller leaves the active list (its data is kept);
 * every attach or detach of this controller records the NSID in the
 * Changed Namespace List (log 04h) and raises the Namespace Attribute
 * Changed event when it is enabled. Create takes the LBA format index of
 * the model's format table (0: 512 B, 1: 4096 B, 2: 512+8, 3: 4096+8),
 * NCAP equal to NSZE (else Thin Provisioning Not Supported), DPS 0 (else
 * Invalid Field), the lowest free NSID up to NN (else Namespace Identifier
 * Unavailable) and room in capacity_bytes (else Namespace Insufficient
 * Capacity). Returns 0, or -1 for a bad configuration.
 */
struct nvme_model_nsmgmt_config {
	uint64_t capacity_bytes; /* total NVM capacity for all namespaces */
	const uint16_t *ctrls;   /* controller IDs of the subsystem, increasing, <= 16 */
	uint32_t nctrls;         /* 0: this controller alone */
	uint32_t nn;             /* NN to report (0: keep); at least the highest NSID */
	bool     shared;         /* configured namespaces are shared (NMIC bit 0) */
};
int nvme_model_nsmgmt_enable(struct nvme_model *m, const struct nvme_model_nsmgmt_config *cfg);
/* Detach (attach) nsid from (to) this controller as a command would, and
 * with the same event (e.g. QEMU's detached=true at start). 0 or -1. */
int nvme_model_nsmgmt_set_attached(struct nvme_model *m, uint32_t nsid, bool attached);
/* Bit i: nsid is attached to ctrls[i]; 0 when it is not allocated. */
uint32_t nvme_model_nsmgmt_attached_mask(const struct nvme_model *m, uint32_t nsid);
/* Whether nsid is allocated (attached anywhere or not). */
bool nvme_model_nsmgmt_allocated(const struct nvme_model *m, uint32_t nsid);

#endif /* NVME_MODEL_COPYNS_H */
