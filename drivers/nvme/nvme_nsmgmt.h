/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_nsmgmt.h - namespace management and attachment (nvme_nsmgmt.c): the
 * controllers of the NVM subsystem and of a namespace (Identify CNS 13h,
 * 12h), the allocated namespaces (CNS 10h, 11h), Namespace Management
 * create/delete (opcode 0Dh) and Namespace Attachment attach/detach (15h);
 * OACS bit 3.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_NSMGMT_H
#define NVME_NSMGMT_H

#include "nvme_support.h"

#if NVME_CFG_NSMGMT

/* This controller's identifier (Identify Controller CNTLID). */
uint16_t nvme_ctrl_cntlid(const struct nvme_ctrl *c);

/*
 * Controller identifiers from first on (Identify CNTID field), increasing,
 * into ids (up to max; *n receives how many were stored, *total how many
 * the list held, up to 2047): nsid 0 lists the controllers of the NVM
 * subsystem (CNS 13h), any other nsid the controllers that namespace is
 * attached to (CNS 12h). The list is checked: a count above 2047 or IDs
 * not increasing from first is NVME_ERR_BAD_ID. NVME_ERR_UNSUPPORTED
 * before NVMe 1.2 (no such CNS).
 */
int nvme_ctrl_list(struct nvme_ctrl *c, uint32_t nsid, uint16_t first, uint16_t *ids, uint32_t max,
		   uint32_t *n, uint32_t *total);
/*
 * One Identify CNS 10h: up to max (<= 1024) allocated NSIDs greater than
 * after_nsid (attached to a controller or not), as nvme_ns_list_active()
 * does for the active ones (nvme_ns.h): validated, *n the count, 0 at the
 * end.
 */
int nvme_ns_list_allocated(struct nvme_ctrl *c, uint32_t after_nsid, uint32_t *out, uint32_t max, uint32_t *n);
/* Identify Namespace of an allocated namespace, attached here or not (CNS
 * 11h), into out (4096 bytes, any address). */
int nvme_ns_identify_allocated(struct nvme_ctrl *c, uint32_t nsid, struct nvme_id_ns *out);

/*
 * Attach (detach) namespace nsid to (from) the n controllers in ids (n 0:
 * this controller alone; n up to 2047, else NVME_ERR_INVAL). Needs OACS bit
 * 3 (NVME_ERR_NOT_ADVERTISED otherwise; NVME_CMD_FORCE sends it). The
 * driver's namespace table is rescanned afterwards unless the device
 * refused the command (nvme_ns pointers taken before must be taken again);
 * the command's status is returned, or the rescan's when only that failed. Device answers worth
 * knowing: Namespace Already Attached (SCT 1h SC 18h), Namespace Not
 * Attached (1Ah), Namespace Is Private (19h), Controller List Invalid (1Ch).
 */
int nvme_ns_attach(struct nvme_ctrl *c, uint32_t nsid, const uint16_t *ids, uint32_t n, unsigned flags);
int nvme_ns_detach(struct nvme_ctrl *c, uint32_t nsid, const uint16_t *ids, uint32_t n, unsigned flags);

/* What Namespace Management create sends (Host Software Specified Fields). */
struct nvme_ns_create_args {
	uint64_t nsze;           /* size, blocks of the format (> 0) */
	uint64_t ncap;           /* capacity, blocks (0: nsze; at most nsze) */
	uint8_t  flbas;          /* LBA format index 0..63 (and FLBAS bit 4: extended metadata) */
	uint8_t  dps;            /* end-to-end protection type settings (0: none) */
	bool     shared;         /* NMIC bit 0: may be attached to several controllers */
	uint8_t  csi;            /* command set (NVMe 2.0 dword 11; 0 = NVM) */
};
/*
 * Create a namespace (not attached to any controller yet); *nsid receives
 * its NSID from the completion (checked: 1..NN, else NVME_ERR_BAD_ID).
 * NVME_ERR_INVAL for nsze 0, ncap > nsze or a format index above 63.
 * Device answers worth knowing: Namespace Insufficient Capacity (SCT 1h SC
 * 15h), Namespace Identifier Unavailable (16h), Invalid Format (0Ah).
 */
int nvme_ns_create(struct nvme_ctrl *c, const struct nvme_ns_create_args *a, unsigned flags, uint32_t *nsid);
/*
 * Delete namespace nsid (NVME_NSID_ALL: every namespace, only with
 * NVME_NSMGMT_ALL in flags, else NVME_ERR_INVAL): its data is gone and it
 * is detached from every controller. The table is rescanned afterwards.
 */
#define NVME_NSMGMT_ALL 0x0010u
int nvme_ns_delete(struct nvme_ctrl *c, uint32_t nsid, unsigned flags);

#endif /* NVME_CFG_NSMGMT */

#endif /* NVME_NSMGMT_H */
