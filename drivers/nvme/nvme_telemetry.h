/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_telemetry.h - the Telemetry Host-Initiated log (07h) read in full
 * (NVME_CFG_TELEMETRY, nvme_telemetry.c; needs NVME_CFG_LOGS): the
 * 512-byte header, then data areas 1..N (512-byte blocks) into a caller
 * buffer, with the generation number checked before and after so data
 * that changed while being read are reported, not returned as one capture.
 */
#ifndef NVME_TELEMETRY_H
#define NVME_TELEMETRY_H

#include "nvme.h"

/* NVME_CFG_TELEMETRY: nvme_config.h */
#if NVME_CFG_TELEMETRY && !NVME_CFG_LOGS
#error "NVME_CFG_TELEMETRY needs NVME_CFG_LOGS"
#endif

#define NVME_TELEMETRY_BLOCK 512u

#if NVME_CFG_TELEMETRY

struct nvme_telemetry_info {
	uint8_t  oui[3];        /* IEEE OUI */
	uint16_t da_last[3];    /* last block of data areas 1, 2, 3 (0: area empty) */
	uint8_t  host_gen;      /* Telemetry Host-Initiated Data Generation Number */
	uint8_t  ctrl_avail;    /* Telemetry Controller-Initiated Data Available */
	uint8_t  ctrl_gen;      /* Telemetry Controller-Initiated Data Generation Number */
	uint8_t  reason[128];   /* Reason Identifier */
	size_t   bytes;         /* bytes in buf (header + blocks 1..da_last[area-1]), or
	                         * the size buf needs when it was too small */
};

/*
 * Read the header (with "create" asking the controller to capture new
 * data first: LSP bit 0) and data areas 1..area (1..3) into buf (len
 * bytes; block b at offset b * 512, block 0 the header), in pieces of the
 * max transfer, then the header again. 0 and info filled; NVME_ERR_INVAL
 * when len is below info->bytes (nothing but the header read);
 * NVME_ERR_BAD_LOG_DATA when the header is inconsistent (LID, area ends not
 * increasing) or the generation number changed during the read (read again
 * with create); NVME_ERR_NOT_ADVERTISED when LPA bit 3 is clear.
 */
int nvme_telemetry_host_read(struct nvme_ctrl *c, unsigned area, bool create, void *buf, size_t len,
			     struct nvme_telemetry_info *info);

#endif /* NVME_CFG_TELEMETRY */
#endif /* NVME_TELEMETRY_H */
