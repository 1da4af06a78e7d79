/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_features.h - feature decoders, encoders and the Timestamp helpers
 * (nvme_features.c). The Get/Set Features commands themselves are one family
 * in the core: nvme_feat_get()/nvme_feat_set() (nvme_admin.h).
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_FEATURES_H
#define NVME_FEATURES_H

#include "nvme_support.h"
#include "nvme_admin.h"

#if NVME_CFG_FEATURES

/* A feature value split into named fields. */
struct nvme_feat_field {
	const char *name;        /* "AB", "TMPTH", ... */
	uint32_t    value;
	const char *meaning;     /* unit or decoded meaning ("no limit", "K"), may be "" */
};
struct nvme_feat_decoded {
	uint8_t     fid;
	const char *name;        /* "Arbitration", ... ("Unknown" for others) */
	uint32_t    nfields;
	struct nvme_feat_field field[6];
};
/* Name of a feature identifier. */
const char *nvme_feat_name(uint8_t fid);
/* Decode dword 0 of Get Features (or dword 11 of Set Features) for fid.
 * 0, or NVME_ERR_UNSUPPORTED for a FID without a decoder (one raw field). */
int nvme_feat_decode(uint8_t fid, uint32_t value, struct nvme_feat_decoded *out);
/* One line: "Volatile Write Cache: WCE 1 (enabled)". Returns the full length. */
size_t nvme_feat_describe(uint8_t fid, uint32_t value, char *buf, size_t len);

/* Encoders for Set Features values. */
uint32_t nvme_feat_arbitration(uint8_t ab, uint8_t lpw, uint8_t mpw, uint8_t hpw);
uint32_t nvme_feat_power_mgmt(uint8_t ps, uint8_t wh);
uint32_t nvme_feat_temp_threshold(uint16_t kelvin, uint8_t tmpsel, bool under);
uint32_t nvme_feat_irq_coalescing(uint8_t thr, uint8_t time_100us);
uint32_t nvme_feat_async_event(uint8_t smart_warnings, bool ns_attr, bool fw_activation);

/*
 * Timestamp (FID 0Eh, 8 bytes of data), through the checked nvme_feat_get/
 * nvme_feat_set (needs ONCS bit 6; a Get sel other than current needs ONCS
 * bit 4; flags NVME_CMD_FORCE sends anyway).
 */
struct nvme_timestamp {
	uint64_t ms;             /* milliseconds since 1970-01-01 UTC (48 bits) */
	bool     synch;          /* the clock may have stopped (attribute bit 0) */
	uint8_t  origin;         /* 0 reset, 1 set by a host (attribute bits 3:1) */
};
int nvme_timestamp_get(struct nvme_ctrl *c, uint8_t sel, struct nvme_timestamp *ts, unsigned flags);
int nvme_timestamp_set(struct nvme_ctrl *c, uint64_t ms, unsigned flags);

#endif /* NVME_CFG_FEATURES */

#endif /* NVME_FEATURES_H */
