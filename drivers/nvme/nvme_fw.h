/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_fw.h - firmware (nvme_fw.c): Image Download and Commit; OACS bit 2.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_FW_H
#define NVME_FW_H

#include "nvme_support.h"
#include "nvme_logs.h"

#if NVME_CFG_FW

/* Progress callback: done of total bytes. Return nonzero to stop (the
 * operation then returns NVME_ERR_CANCELLED). */
typedef int (*nvme_progress_fn)(void *arg, uint64_t done, uint64_t total);

/*
 * The granularity every Firmware Image Download piece must start on (and,
 * but for the last, be a multiple of): FWUG x 4 KiB; FWUG 0 (no
 * information) is taken as 4 KiB, FFh (no restriction) as 4 bytes.
 */
uint32_t nvme_fw_granularity(const struct nvme_ctrl *c);
/*
 * Bytes per Firmware Image Download command by default: the largest
 * multiple of nvme_fw_granularity() that fits the max transfer (FWUG 0 and
 * FFh give the max transfer). 0 when the granularity exceeds the max
 * transfer.
 */
uint32_t nvme_fw_chunk_bytes(const struct nvme_ctrl *c);
/*
 * Download len bytes of an image (a multiple of 4, > 0) that belong at byte
 * offset `offset` of the controller's image (0 for a whole image; a
 * multiple of 4 and of nvme_fw_granularity(): nvme-cli's --offset), in
 * pieces of xfer bytes (0: nvme_fw_chunk_bytes(); else a multiple of the
 * granularity, at most the max transfer: nvme-cli's --xfer); only the last
 * piece may be shorter. Offsets and lengths are dwords on the wire; offset +
 * len must stay within OFST's 2^32 dwords (NVME_ERR_TOO_LARGE). Checked
 * before anything is sent: NVME_ERR_INVAL for a misaligned offset or xfer,
 * NVME_ERR_TOO_LARGE for xfer above the max transfer, NVME_ERR_UNSUPPORTED
 * when the granularity exceeds the max transfer. cb (may be NULL) is called
 * after every piece with the bytes of this call sent so far (done of len).
 */
int nvme_fw_download(struct nvme_ctrl *c, const void *image, size_t len, uint64_t offset, uint32_t xfer,
		     nvme_progress_fn cb, void *arg, unsigned flags);

/* What nvme_fw_commit() saw. */
struct nvme_fw_commit_result {
	int      status;         /* what nvme_fw_commit returned */
	int      device_status;  /* the completion status as received (0 = success) */
	const char *reset;       /* reset that activates the image: "none",
	                          * "controller level reset" (also for commit
	                          * actions 1 and 2), "NVM subsystem reset",
	                          * "conventional reset" */
	int      slot_status;    /* status of reading the Firmware Slot log afterwards */
	struct nvme_fw_slot_info slots; /* that log (valid when slot_status is 0) */
};
/*
 * Firmware Commit: action NVME_FW_CA_REPLACE (0), ..._REPLACE_ACTIVATE_RESET
 * (1), ..._ACTIVATE_RESET (2), ..._REPLACE_ACTIVATE_NOW (3) to slot 0..7
 * (0 = the controller chooses); boot partition actions are NVME_ERR_INVAL.
 * Action 3 also needs FRMW bit 4. Returns 0, or a named result:
 * NVME_ERR_FW_NEEDS_CONV_RESET / _NEEDS_NSSR / _NEEDS_RESET (committed; the
 * image runs after that reset), NVME_ERR_FW_BAD_SLOT, NVME_ERR_FW_BAD_IMAGE,
 * or another status. After any device answer the Firmware Slot log is read
 * into res (may be NULL). After an activation without reset the firmware
 * revision (nvme_ctrl_firmware) is re-read.
 */
int nvme_fw_commit(struct nvme_ctrl *c, uint8_t slot, uint8_t action, unsigned flags,
		   struct nvme_fw_commit_result *res);
/* True for the three "committed, activation needs a reset" results. */
bool nvme_fw_needs_reset(int status);

#endif /* NVME_CFG_FW */

#endif /* NVME_FW_H */
