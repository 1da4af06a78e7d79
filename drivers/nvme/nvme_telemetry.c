/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_telemetry.c - Telemetry Host-Initiated log (nvme_telemetry.h).
 * NVMe 1.4 section 5.14.1.8: header block 0 (LID, IEEE OUI bytes 7:5, data
 * area 1/2/3 last block at bytes 9:8, 11:10, 13:12, host-initiated
 * generation number byte 381, controller-initiated data available and
 * generation bytes 382/383, reason identifier 511:384), then 512-byte data
 * blocks; LSP bit 0 creates new host-initiated data; LPA bit 3.
 */
#include "nvme_internal.h"
#include "nvme_telemetry.h"

#if NVME_CFG_TELEMETRY   /* optional (nvme_telemetry.h): the file is empty without it */

#define TEL_LSP_CREATE 0x1u

NVME_COLD static int header_read(struct nvme_ctrl *c, bool create, struct nvme_telemetry_info *info)
{
	int rc = nvme_get_log_page(c, NVME_LID_TELEMETRY_HOST, create ? TEL_LSP_CREATE : 0, 0, 0, c->idbuf,
				   NVME_TELEMETRY_BLOCK, false);
	if (rc != 0)
		return rc;
	const uint8_t *h = c->idbuf;
	info->oui[0] = h[5];
	info->oui[1] = h[6];
	info->oui[2] = h[7];
	for (unsigned i = 0; i < 3; i++)
		info->da_last[i] = (uint16_t)(h[8 + 2 * i] | h[9 + 2 * i] << 8);
	info->host_gen = h[381];
	info->ctrl_avail = h[382];
	info->ctrl_gen = h[383];
	__builtin_memcpy(info->reason, h + 384, sizeof(info->reason));
	if (h[0] != NVME_LID_TELEMETRY_HOST || info->da_last[0] > info->da_last[1] ||
	    info->da_last[1] > info->da_last[2]) {
		nvme_warn(c, "telemetry header: LID %02x, data area ends %u/%u/%u", (unsigned)h[0],
			  (unsigned)info->da_last[0], (unsigned)info->da_last[1], (unsigned)info->da_last[2]);
		return NVME_ERR_BAD_LOG_DATA;
	}
	return 0;
}

NVME_COLD int nvme_telemetry_host_read(struct nvme_ctrl *c, unsigned area, bool create, void *buf, size_t len,
				       struct nvme_telemetry_info *info)
{
	if (c == NULL || info == NULL || buf == NULL || area < 1 || area > 3)
		return NVME_ERR_INVAL;
	__builtin_memset(info, 0, sizeof(*info));
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (c->idbuf == NULL || c->idbuf_bytes < NVME_TELEMETRY_BLOCK)
		return NVME_ERR_NOT_READY;
	if (!NVME_GET(c->id.lpa, NVME_LPA_TELEMETRY))
		return nvme_refuse(c, "Telemetry Host-Initiated log", "LPA bit 3 (telemetry) is clear");
	rc = header_read(c, create, info);
	if (rc != 0)
		return rc;
	uint64_t need = ((uint64_t)info->da_last[area - 1] + 1u) * NVME_TELEMETRY_BLOCK;
	info->bytes = (size_t)need;
	if (len < need)
		return NVME_ERR_INVAL;
	uint8_t gen = info->host_gen;
	__builtin_memcpy(buf, c->idbuf, NVME_TELEMETRY_BLOCK);
	uint32_t chunk = nvme_ctrl_max_transfer(c) & ~(NVME_TELEMETRY_BLOCK - 1u);
	if (chunk == 0)
		chunk = NVME_TELEMETRY_BLOCK;
	for (uint64_t off = NVME_TELEMETRY_BLOCK; off < need;) {
		uint64_t n = nvme_min_u64(chunk, need - off);
		rc = nvme_get_log_page(c, NVME_LID_TELEMETRY_HOST, 0, 0, off, (uint8_t *)buf + off, (size_t)n, false);
		if (rc != 0)
			return rc;
		off += n;
	}
	struct nvme_telemetry_info again;
	__builtin_memset(&again, 0, sizeof(again));
	rc = header_read(c, false, &again);
	if (rc != 0)
		return rc;
	if (again.host_gen != gen) {
		nvme_warn(c, "telemetry: data changed while being read (generation %u -> %u)", (unsigned)gen,
			  (unsigned)again.host_gen);
		return NVME_ERR_BAD_LOG_DATA;
	}
	return 0;
}

#else
typedef int nvme_telemetry_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_TELEMETRY */
