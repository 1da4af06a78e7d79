/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_features.h - checked Get/Set Features, decoders, encoders, Timestamp
 * (nvme_features.c), and Get/Set Features with every dword (nvme_admin.c).
 * The unchecked nvme_get_features()/nvme_set_features() are in nvme_admin.h.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_FEATURES_H
#define NVME_FEATURES_H

#include "nvme_support.h"
#include "nvme_admin.h"

#if NVME_CFG_FEATURES

/*
 * Set/Get Features with every command dword (nvme-cli's --cdw12, UUID
 * index): cdw10 is built from fid and save (Set) or sel (Get); cdw11..cdw15
 * are sent as given, except that the UUID index (dword 14 bits 6:0) is
 * taken from uuid_index. Unchecked like nvme_set_features(): no support
 * gate, Number of Queues not refused. buf/len, dw0 as above; cqe (may be
 * NULL) receives the whole completion.
 */
struct nvme_features_args {
	uint8_t  fid;
	uint8_t  sel;            /* Get: NVME_FEAT_SEL_* */
	bool     save;           /* Set: SV */
	uint8_t  uuid_index;     /* 0..127 (0: none) */
	uint32_t nsid;
	uint32_t cdw11, cdw12, cdw13, cdw14, cdw15;
};
int nvme_set_features_ext(struct nvme_ctrl *c, const struct nvme_features_args *a, void *buf, size_t len,
			  uint32_t *dw0, struct nvme_cqe *cqe);
int nvme_get_features_ext(struct nvme_ctrl *c, const struct nvme_features_args *a, void *buf, size_t len,
			  uint32_t *dw0, struct nvme_cqe *cqe);

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
 * Checked Get/Set Features. Get with sel other than NVME_FEAT_SEL_CURRENT
 * and Set with save need ONCS bit 4; Volatile Write Cache needs VWC bit 0;
 * Timestamp needs ONCS bit 6 (use nvme_timestamp_get/set: it has data).
 * Set Number of Queues is refused (NVME_ERR_INVAL: use
 * nvme_ctrl_set_io_queue_count). cdw11 selects the instance for Get
 * (Temperature Threshold: TMPSEL/THSEL; 0 otherwise).
 */
int nvme_feat_get(struct nvme_ctrl *c, uint8_t fid, uint8_t sel, uint32_t cdw11,
		  uint32_t *value, unsigned flags);
int nvme_feat_set(struct nvme_ctrl *c, uint8_t fid, uint32_t value, bool save,
		  unsigned flags, uint32_t *dw0);

struct nvme_timestamp {
	uint64_t ms;             /* milliseconds since 1970-01-01 UTC (48 bits) */
	bool     synch;          /* the clock may have stopped (attribute bit 0) */
	uint8_t  origin;         /* 0 reset, 1 set by a host (attribute bits 3:1) */
};
int nvme_timestamp_get(struct nvme_ctrl *c, uint8_t sel, struct nvme_timestamp *ts, unsigned flags);
int nvme_timestamp_set(struct nvme_ctrl *c, uint64_t ms, unsigned flags);

#endif /* NVME_CFG_FEATURES */

#endif /* NVME_FEATURES_H */
