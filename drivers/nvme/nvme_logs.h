/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_logs.h - log pages decoded (nvme_logs.c): SMART, Error, Firmware Slot,
 * Effects, Sanitize Status. nvme_get_log_page() is in nvme_admin.h.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_LOGS_H
#define NVME_LOGS_H

#include "nvme_support.h"
#include "nvme_admin.h"

#if NVME_CFG_LOGS

/* A 128-bit counter of the SMART log as two halves. */
struct nvme_u128 {
	uint64_t lo, hi;
};
/* Decimal text of v into buf (NUL-terminated when len > 0); returns the
 * length of the full text (at most 39 digits). */
size_t nvme_u128_to_dec(struct nvme_u128 v, char *buf, size_t len);

/* SMART / Health Information log (02h), decoded. */
struct nvme_smart_info {
	uint8_t  critical_warning;     /* raw byte: NVME_SMART_CW_* bits */
	bool     warn_spare;           /* bit 0: available spare below threshold */
	bool     warn_temperature;     /* bit 1: temperature outside a threshold */
	bool     warn_reliability;     /* bit 2: reliability degraded */
	bool     warn_read_only;       /* bit 3: media placed in read-only mode */
	bool     warn_volatile_backup; /* bit 4: volatile memory backup failed */
	bool     warn_pmr_read_only;   /* bit 5: persistent memory region read only */
	uint16_t temperature_k;        /* composite temperature, kelvin (0: not reported) */
	int16_t  temperature_c;        /* the same in degrees Celsius (K - 273) */
	uint8_t  avail_spare;          /* percent */
	uint8_t  spare_thresh;         /* percent */
	uint8_t  percent_used;         /* may exceed 100 */
	uint8_t  endgrp_crit_warning;
	struct nvme_u128 data_units_read;    /* thousands of 512-byte units */
	struct nvme_u128 data_units_written;
	struct nvme_u128 host_reads;         /* commands */
	struct nvme_u128 host_writes;
	struct nvme_u128 ctrl_busy_time;     /* minutes */
	struct nvme_u128 power_cycles;
	struct nvme_u128 power_on_hours;
	struct nvme_u128 unsafe_shutdowns;
	struct nvme_u128 media_errors;
	struct nvme_u128 num_err_log_entries;
	uint32_t warning_temp_time;    /* minutes */
	uint32_t critical_temp_time;   /* minutes */
	uint16_t temp_sensor_k[8];     /* 0 = sensor not implemented */
	uint32_t thm_temp1_trans_count, thm_temp2_trans_count;
	uint32_t thm_temp1_total_time, thm_temp2_total_time; /* seconds */
};
void nvme_smart_decode(const struct nvme_smart_log *raw, struct nvme_smart_info *out);
/* Read and decode the SMART log. nsid 0 or FFFFFFFFh: controller wide;
 * another NSID needs LPA bit 0 (flags NVME_CMD_FORCE: asked anyway, the
 * device's answer comes back). raw (may be NULL) receives the 512 bytes. */
int nvme_smart_read(struct nvme_ctrl *c, uint32_t nsid, struct nvme_smart_info *out,
		    struct nvme_smart_log *raw, unsigned flags);
/* "none" or the critical warning bits as words ("spare below threshold,
 * temperature"); returns the full length. */
size_t nvme_smart_warning_text(uint8_t critical_warning, char *buf, size_t len);

/*
 * Error Information log (01h): the newest min(max, ELPE+1) entries into out
 * (wire format, 64 bytes each; entry 0 is the newest). *n receives how many
 * were read. Entries whose error_count is 0 are unused.
 */
int nvme_error_log_read(struct nvme_ctrl *c, struct nvme_error_log_entry *out, uint32_t max, uint32_t *n);
/* One line for an entry: "error 5: SQ 1 CID 3 NSID 1 LBA 0: Invalid Field in
 * Command (SCT 0h SC 02h, DNR)" ("unused" for error_count 0). */
size_t nvme_error_entry_describe(const struct nvme_error_log_entry *e, char *buf, size_t len);

/* Firmware Slot Information log (03h), decoded and validated. */
struct nvme_fw_slot_info {
	uint8_t  afi;                  /* raw Active Firmware Info */
	uint8_t  active_slot;          /* 1..nslots */
	uint8_t  next_slot;            /* activated at the next reset, 0 = none */
	uint8_t  nslots;               /* FRMW: slots the controller has (1..7) */
	bool     slot1_read_only;      /* FRMW bit 0 */
	bool     activate_without_reset; /* FRMW bit 4 */
	char     rev[NVME_FW_MAX_SLOTS][9]; /* revision per slot ("" = empty), trimmed */
};
/* NVME_ERR_BAD_LOG_DATA when AFI names a slot the controller does not have. */
int nvme_fw_slot_read(struct nvme_ctrl *c, struct nvme_fw_slot_info *out);

/* Commands Supported and Effects log (05h; LPA bit 1, or flags
 * NVME_CMD_FORCE) into out (4096 bytes, wire format). */
int nvme_effects_log_read(struct nvme_ctrl *c, struct nvme_cmd_effects_log *out, unsigned flags);
/* One entry as words: "supported, LBCC, NCC" or "not supported". */
size_t nvme_effects_describe(uint32_t entry, char *buf, size_t len);

/* Sanitize Status log (81h), decoded and validated. */
struct nvme_sanitize_status {
	uint16_t sprog;        /* progress, numerator of n/65536 (FFFFh when done) */
	uint8_t  status;       /* SSTAT bits 2:0: NVME_SSTAT_* */
	uint8_t  passes;       /* overwrite passes completed */
	bool     global_erased;/* no user data written since the last sanitize */
	uint16_t sstat;        /* raw */
	uint32_t scdw10;       /* cdw10 of the Sanitize that started the last operation */
	uint32_t eto, etbe, etce;        /* estimates, s (NVME_SANITIZE_NO_ESTIMATE) */
	uint32_t etond, etbend, etcend;  /* the same with No-Deallocate */
	uint32_t percent;      /* sprog as 0..100 */
};
/* NVME_ERR_BAD_LOG_DATA for a reserved SSTAT status. */
int nvme_sanitize_status_read(struct nvme_ctrl *c, struct nvme_sanitize_status *out);
/* "never sanitized", "completed", "in progress", "failed",
 * "completed without deallocation", "reserved". */
const char *nvme_sstat_name(unsigned status);

#endif /* NVME_CFG_LOGS */

#endif /* NVME_LOGS_H */
