/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ns.h - namespaces beyond nvme.h (nvme_ns.c): why one is unusable, rescan,
 * the active namespace list. Discovered with Identify CNS 02h (followed past
 * 1024 entries) and Identify Namespace; nvme_ctrl.ns[] keeps the first
 * NVME_CFG_MAX_NS active NSIDs in increasing order.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_NS_H
#define NVME_NS_H

/* Largest LBA data size the driver accepts: 2^16 = 64 KiB (LBADS 9..16). */
#define NVME_LBADS_MAX           16u

/* Why a namespace is not usable for I/O (nvme_ns.unusable_reason). */
enum nvme_ns_unusable_reason {
	NVME_NS_USABLE = 0,
	NVME_NS_BAD_LBAF,         /* FLBAS names a format beyond NLBAF (or NLBAF > 63) */
	NVME_NS_BAD_LBADS,        /* LBADS outside 9..NVME_LBADS_MAX */
	NVME_NS_NO_BLOCKS,        /* NSZE 0 for an active namespace */
	NVME_NS_METADATA,         /* the format has metadata (only without NVME_CFG_PI) */
	NVME_NS_PROTECTION,       /* PI the driver cannot check: type above 3, 32b guard
	                           * (PIF 1), metadata shorter than the tuple; or any PI
	                           * without NVME_CFG_PI */
	NVME_NS_BLOCK_TOO_LARGE,  /* block larger than the max transfer */
	NVME_NS_IDENTIFY_FAILED,  /* Identify Namespace failed (unusable holds its status) */
	NVME_NS_CSI,              /* a command set (nvme_ns.cmdset.csi) the driver does not implement */
	NVME_NS_ZONED_ID          /* Zoned Identify Namespace failed or invalid (unusable: why) */
};

uint32_t nvme_ns_active_count(const struct nvme_ctrl *c);   /* active found (>= nvme_ns_count) */
/* Re-read the active list and every namespace's Identify data. */
int nvme_ns_rescan(struct nvme_ctrl *c);
/*
 * Why ns is not usable for I/O, as one line into buf (always NUL-terminated
 * when len > 0), e.g. "metadata: 8 bytes per block (format 1)",
 * "protection information type 1 (DPS 01h)", "block size 131072 above the
 * max transfer 65536", "LBADS 7 outside 9..16", "FLBAS format 5 beyond
 * NLBAF 3", "NSZE is 0", "Identify Namespace failed: <status>", or "usable".
 * Returns the full length (like snprintf).
 */
size_t nvme_ns_unusable_text(const struct nvme_ns *ns, char *buf, size_t len);

/*
 * I/O command sets (nvme_iocs.c). ns->cmdset.csi is each namespace's command set
 * (NVME_CSI_NVM, NVME_CSI_ZNS, ...). nvme_csi_name: "NVM", "Key Value",
 * "Zoned Namespace", "unknown". nvme_ctrl_iocs: CC.CSS as written (0 NVM,
 * 6 all I/O command sets, 7 admin only), the I/O Command Set Profile index
 * selected and its vector (bit n = CSI n enabled); each pointer may be NULL.
 * nvme_identify_csi: Identify CNS 05h (namespace nsid) or 06h (controller)
 * for command set csi into buf (4096 bytes; NVME_ERR_UNSUPPORTED when the
 * controller has no such CNS).
 */
const char *nvme_csi_name(uint8_t csi);
void nvme_ctrl_iocs(const struct nvme_ctrl *c, uint8_t *css, uint16_t *index, uint64_t *vector);
int nvme_identify_csi(struct nvme_ctrl *c, uint8_t cns, uint8_t csi, uint32_t nsid, void *buf);
/*
 * One Identify CNS 02h: up to max (<= 1024) active NSIDs greater than
 * after_nsid, increasing, into out; *n receives the count (0 at the end).
 * Walk all namespaces by passing the last NSID returned. Entries are
 * validated (increasing, <= NN); an invalid list returns NVME_ERR_BAD_NS_LIST.
 */
int nvme_ns_list_active(struct nvme_ctrl *c, uint32_t after_nsid,
			uint32_t *out, uint32_t max, uint32_t *n);

#endif /* NVME_NS_H */
