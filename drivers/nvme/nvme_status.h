/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_status.h - the rest of the status codes (nvme.h has the core ones) and
 * the decoding of device statuses (nvme_status.c).
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_STATUS_H
#define NVME_STATUS_H

/* Named results of optional commands (drivers/nvme/README.md, "Optional commands"): */
#define NVME_ERR_COMPARE_MISMATCH (-18) /* Compare: the data differ (device Compare Failure, SCT 2h SC 85h) */
#define NVME_ERR_NOT_ADVERTISED  (-19) /* the controller does not advertise the command: not sent
                                        * (nvme_ctrl_refusal() says which bit) */
#define NVME_ERR_CANCELLED       (-20) /* the caller's progress callback asked to stop */
#define NVME_ERR_FW_NEEDS_CONV_RESET (-21) /* firmware committed; activation needs a conventional reset (SCT 1h SC 0Bh) */
#define NVME_ERR_FW_NEEDS_NSSR   (-22) /* firmware committed; activation needs an NVM subsystem reset (SCT 1h SC 10h) */
#define NVME_ERR_FW_NEEDS_RESET  (-23) /* firmware committed; activation needs a controller level reset (SCT 1h SC 11h) */
#define NVME_ERR_FW_BAD_SLOT     (-24) /* Invalid Firmware Slot (SCT 1h SC 06h) */
#define NVME_ERR_FW_BAD_IMAGE    (-25) /* Invalid Firmware Image (SCT 1h SC 07h) */
#define NVME_ERR_SANITIZE_FAILED (-26) /* the Sanitize Status log reports that the sanitize failed */
/* The device returned a value the driver refuses to use (never trusted): */
#define NVME_ERR_BAD_CID         (-32) /* CQE CID out of range or not in flight */
#define NVME_ERR_BAD_SQHD        (-33) /* CQE SQ head pointer beyond the queue */
#define NVME_ERR_BAD_SQID        (-34) /* CQE SQ identifier not the queue's */
#define NVME_ERR_BAD_CAP         (-35) /* CAP invalid: MQES 0, MPSMIN > MPSMAX, doorbells beyond the BAR */
#define NVME_ERR_BAD_QES         (-36) /* Identify SQES/CQES exclude 64/16-byte entries */
#define NVME_ERR_BAD_LBAF        (-37) /* FLBAS index beyond NLBAF, or NLBAF > 63 */
#define NVME_ERR_BAD_LBADS       (-38) /* LBADS < 9 or > NVME_LBADS_MAX */
#define NVME_ERR_BAD_QUEUE_GRANT (-39) /* Number of Queues answer invalid (FFFFh) */
#define NVME_ERR_BAD_LOG_LENGTH  (-40) /* log page length/offset not expressible or beyond limits */
#define NVME_ERR_BAD_MDTS        (-41) /* MDTS gives a max transfer below one page */
#define NVME_ERR_BAD_NS_LIST     (-42) /* namespace list not increasing / above NN */
#define NVME_ERR_BAD_ID          (-43) /* other Identify data the driver refuses (e.g. active namespace with NSZE 0) */
#define NVME_ERR_BAD_LOG_DATA    (-44) /* log page contents the driver refuses (SSTAT, AFI slot, list entries) */
/* NVME_ERR_BAD_ZONE_DATA (-58), a zone report or Zone Append answer the
 * driver refuses, is defined in nvme_zns.h. */


/* Status of a completion queue entry (0 when SCT = SC = 0). */
static inline int nvme_status_from_cqe(const struct nvme_cqe *cqe)
{
	unsigned sf = (unsigned)(cqe->status >> 1) & 0x7FFFu;
	if ((sf & 0x7FFu) == 0)
		return 0;
	return -(int)(NVME_STATUS_DEVICE_FLAG | sf);
}
/* Nonzero if status carries a device completion status. */
static inline bool nvme_status_is_device(int status)
{
	return status <= -NVME_STATUS_DEVICE_FLAG && status >= -(NVME_STATUS_DEVICE_FLAG | 0x7FFF);
}
/* The 15-bit status field of a device status (0 for other statuses). */
static inline unsigned nvme_status_field(int status)
{
	return nvme_status_is_device(status) ? ((unsigned)(-status) & 0x7FFFu) : 0u;
}
static inline unsigned nvme_status_sct(int status)  { return (unsigned)NVME_GET(nvme_status_field(status), NVME_SF_SCT); }
static inline unsigned nvme_status_sc(int status)   { return (unsigned)NVME_GET(nvme_status_field(status), NVME_SF_SC); }
static inline unsigned nvme_status_crd(int status)  { return (unsigned)NVME_GET(nvme_status_field(status), NVME_SF_CRD); }
static inline bool nvme_status_more(int status)     { return NVME_GET(nvme_status_field(status), NVME_SF_M) != 0; }
static inline bool nvme_status_dnr(int status)      { return NVME_GET(nvme_status_field(status), NVME_SF_DNR) != 0; }
/* True if status is a device status with this SCT and SC. */
static inline bool nvme_status_is(int status, unsigned sct, unsigned sc)
{
	return nvme_status_is_device(status) && nvme_status_sct(status) == sct && nvme_status_sc(status) == sc;
}

/*
 * Write a one-line description of status into buf (always NUL-terminated when
 * len > 0), e.g. "Compare Failure (SCT 2h SC 85h, DNR)" or
 * "timeout (NVME_ERR_TIMEOUT)". Returns the length the full text has (like
 * snprintf), so a return >= len means it was truncated.
 */
size_t nvme_status_describe(int status, char *buf, size_t len);

#endif /* NVME_STATUS_H */
