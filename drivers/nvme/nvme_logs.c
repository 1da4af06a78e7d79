/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_logs.c - log pages read and decoded: SMART / Health Information,
 * Error Information, Firmware Slot Information, Commands Supported and
 * Effects, Sanitize Status; decimal text of 128-bit counters.
 *
 * Small logs are read into the controller's Identify buffer (one page of
 * DMA memory allocated at init) and decoded from there, so callers pass
 * ordinary structs. Every value that later code relies on is validated:
 * AFI slot numbers against FRMW, SSTAT against the defined values.
 * nvme_get_log_page() (nvme_admin.c) is the generic reader; it splits reads
 * larger than the max transfer.
 */
#include "nvme_internal.h"

#if NVME_CFG_LOGS   /* optional (nvme.h): the file is empty without it */

/* Read len (<= 4096) bytes of log lid into the Identify buffer. */
NVME_COLD static int log_to_idbuf(struct nvme_ctrl *c, uint8_t lid, uint32_t nsid, size_t len)
{
	if (c == NULL)
		return NVME_ERR_INVAL;
	if (c->idbuf == NULL)
		return NVME_ERR_NOT_READY;
	__builtin_memset(c->idbuf, 0, len);
	return nvme_get_log_page(c, lid, 0, nsid, 0, c->idbuf, len, false);
}

/* ------------------------------------------------------------------------ */
/* 128-bit counters                                                         */
/* ------------------------------------------------------------------------ */

NVME_COLD static struct nvme_u128 u128_le(const uint8_t b[16])
{
	struct nvme_u128 v = { 0, 0 };
	for (int i = 7; i >= 0; i--) {
		v.lo = (v.lo << 8) | b[i];
		v.hi = (v.hi << 8) | b[i + 8];
	}
	return v;
}

NVME_COLD size_t nvme_u128_to_dec(struct nvme_u128 v, char *buf, size_t len)
{
	/* Long division by 10 on 32-bit limbs: no 128-bit arithmetic, so no
	 * compiler runtime helper is needed on any target. */
	uint32_t limb[4] = { (uint32_t)(v.hi >> 32), (uint32_t)v.hi, (uint32_t)(v.lo >> 32), (uint32_t)v.lo };
	char tmp[40];
	size_t n = 0;
	do {
		uint64_t rem = 0;
		bool nonzero = false;
		for (int i = 0; i < 4; i++) {
			uint64_t cur = (rem << 32) | limb[i];
			limb[i] = (uint32_t)(cur / 10u);
			rem = cur % 10u;
			nonzero |= limb[i] != 0;
		}
		tmp[n++] = (char)('0' + (int)rem);
		if (!nonzero)
			break;
	} while (n < sizeof(tmp));
	for (size_t i = 0; i < n; i++)
		if (i + 1 < len)
			buf[i] = tmp[n - 1 - i];
	if (len != 0)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

/* ------------------------------------------------------------------------ */
/* SMART / Health Information (02h)                                          */
/* ------------------------------------------------------------------------ */

NVME_COLD void nvme_smart_decode(const struct nvme_smart_log *raw, struct nvme_smart_info *o)
{
	__builtin_memset(o, 0, sizeof(*o));
	uint8_t cw = raw->critical_warning;
	o->critical_warning = cw;
	o->warn_spare = NVME_GET(cw, NVME_SMART_CW_SPARE) != 0;
	o->warn_temperature = NVME_GET(cw, NVME_SMART_CW_TEMPERATURE) != 0;
	o->warn_reliability = NVME_GET(cw, NVME_SMART_CW_RELIABILITY) != 0;
	o->warn_read_only = NVME_GET(cw, NVME_SMART_CW_READ_ONLY) != 0;
	o->warn_volatile_backup = NVME_GET(cw, NVME_SMART_CW_VOLATILE_BACKUP) != 0;
	o->warn_pmr_read_only = NVME_GET(cw, NVME_SMART_CW_PMR_READ_ONLY) != 0;
	o->temperature_k = (uint16_t)(raw->temperature[0] | (raw->temperature[1] << 8));
	o->temperature_c = (int16_t)(o->temperature_k != 0 ? NVME_KELVIN_TO_CELSIUS(o->temperature_k) : 0);
	o->avail_spare = raw->avail_spare;
	o->spare_thresh = raw->spare_thresh;
	o->percent_used = raw->percent_used;
	o->endgrp_crit_warning = raw->endgrp_crit_warning;
	o->data_units_read = u128_le(raw->data_units_read);
	o->data_units_written = u128_le(raw->data_units_written);
	o->host_reads = u128_le(raw->host_reads);
	o->host_writes = u128_le(raw->host_writes);
	o->ctrl_busy_time = u128_le(raw->ctrl_busy_time);
	o->power_cycles = u128_le(raw->power_cycles);
	o->power_on_hours = u128_le(raw->power_on_hours);
	o->unsafe_shutdowns = u128_le(raw->unsafe_shutdowns);
	o->media_errors = u128_le(raw->media_errors);
	o->num_err_log_entries = u128_le(raw->num_err_log_entries);
	o->warning_temp_time = raw->warning_temp_time;
	o->critical_temp_time = raw->critical_temp_time;
	for (unsigned i = 0; i < 8; i++)
		o->temp_sensor_k[i] = raw->temp_sensor[i];
	o->thm_temp1_trans_count = raw->thm_temp1_trans_count;
	o->thm_temp2_trans_count = raw->thm_temp2_trans_count;
	o->thm_temp1_total_time = raw->thm_temp1_total_time;
	o->thm_temp2_total_time = raw->thm_temp2_total_time;
}

NVME_COLD int nvme_smart_read(struct nvme_ctrl *c, uint32_t nsid, struct nvme_smart_info *out,
		    struct nvme_smart_log *raw, unsigned flags)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	if (nsid != 0 && nsid != NVME_NSID_ALL) {
		int rc = nvme_require(c, NVME_OPT_SMART_PER_NS, flags, "SMART log of one namespace");
		if (rc != 0)
			return rc;
	}
	int rc = log_to_idbuf(c, NVME_LID_SMART, nsid == 0 ? NVME_NSID_ALL : nsid, sizeof(struct nvme_smart_log));
	if (rc != 0)
		return rc;
	nvme_smart_decode(c->idbuf, out);
	if (raw != NULL)
		__builtin_memcpy(raw, c->idbuf, sizeof(*raw));
	return 0;
}

NVME_COLD size_t nvme_smart_warning_text(uint8_t cw, char *buf, size_t len)
{
	static const char *const names[8] = {
		"spare below threshold", "temperature", "reliability degraded", "read only",
		"volatile memory backup failed", "persistent memory region read only", "bit 6", "bit 7",
	};
	size_t pos = 0;
	if (len != 0)
		buf[0] = '\0';
	if (cw == 0)
		return nvme_cat(buf, len, 0, "none");
	for (unsigned i = 0; i < 8; i++)
		if (cw & (1u << i))
			pos = nvme_cat(buf, len, pos, "%s%s", pos != 0 ? ", " : "", names[i]);
	return pos;
}

/* ------------------------------------------------------------------------ */
/* Error Information (01h)                                                   */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_error_log_read(struct nvme_ctrl *c, struct nvme_error_log_entry *out, uint32_t max, uint32_t *n)
{
	if (n != NULL)
		*n = 0;
	if (c == NULL || out == NULL || n == NULL || max == 0)
		return NVME_ERR_INVAL;
	uint32_t entries = nvme_min_u32(max, (uint32_t)c->id.elpe + 1u);
	int rc = nvme_get_log_page(c, NVME_LID_ERROR, 0, 0, 0, out, (size_t)entries * sizeof(*out), false);
	if (rc != 0)
		return rc;
	*n = entries;
	return 0;
}

NVME_COLD size_t nvme_error_entry_describe(const struct nvme_error_log_entry *e, char *buf, size_t len)
{
	if (e->error_count == 0)
		return nvme_format(buf, len, "unused");
	char st[96];
	unsigned sf = (unsigned)(e->status >> 1) & 0x7FFFu;
	int status = (sf & 0x7FFu) != 0 ? -(int)(NVME_STATUS_DEVICE_FLAG | sf) : 0;
	(void)nvme_status_describe(status, st, sizeof(st));
	size_t pos = nvme_cat(buf, len, 0, "error %llu:", (unsigned long long)e->error_count);
	if (e->sqid != 0xFFFFu)
		pos = nvme_cat(buf, len, pos, " SQ %u", (unsigned)e->sqid);
	if (e->cid != 0xFFFFu)
		pos = nvme_cat(buf, len, pos, " CID %u", (unsigned)e->cid);
	if (e->nsid != 0 && e->nsid != NVME_NSID_ALL)
		pos = nvme_cat(buf, len, pos, " NSID %u LBA %llu", (unsigned)e->nsid, (unsigned long long)e->lba);
	if (e->pel != 0xFFFFu && e->pel != 0)
		pos = nvme_cat(buf, len, pos, " (parameter byte %u bit %u)", (unsigned)NVME_GET(e->pel, NVME_ERROR_LOG_PEL_BYTE),
			       (unsigned)NVME_GET(e->pel, NVME_ERROR_LOG_PEL_BIT));
	return nvme_cat(buf, len, pos, ": %s", st);
}

/* ------------------------------------------------------------------------ */
/* Firmware Slot Information (03h)                                           */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_fw_slot_read(struct nvme_ctrl *c, struct nvme_fw_slot_info *out)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	int rc = log_to_idbuf(c, NVME_LID_FW_SLOT, 0, sizeof(struct nvme_fw_slot_log));
	if (rc != 0)
		return rc;
	const struct nvme_fw_slot_log *log = c->idbuf;
	unsigned nslots = (unsigned)NVME_GET(c->id.frmw, NVME_FRMW_NUM_SLOTS);
	if (nslots == 0)
		nslots = 1;   /* reserved value; a controller has at least one slot */
	out->afi = log->afi;
	out->nslots = (uint8_t)nslots;
	out->slot1_read_only = NVME_GET(c->id.frmw, NVME_FRMW_SLOT1_RO) != 0;
	out->activate_without_reset = NVME_GET(c->id.frmw, NVME_FRMW_ACTIVATE_NO_RESET) != 0;
	out->active_slot = (uint8_t)NVME_GET(log->afi, NVME_FW_AFI_ACTIVE);
	out->next_slot = (uint8_t)NVME_GET(log->afi, NVME_FW_AFI_NEXT_RESET);
	for (unsigned s = 0; s < NVME_FW_MAX_SLOTS; s++) {
		size_t l = 8;
		while (l > 0 && (log->frs[s][l - 1] == ' ' || log->frs[s][l - 1] == '\0'))
			l--;
		for (size_t i = 0; i < l; i++) {
			char ch = log->frs[s][i];
			out->rev[s][i] = (ch >= 0x20 && ch < 0x7F) ? ch : '?';
		}
		out->rev[s][l] = '\0';
	}
	if (out->active_slot == 0 || out->active_slot > nslots || out->next_slot > nslots) {
		nvme_warn(c, "Firmware Slot log: AFI %02x names a slot beyond FRMW's %u", (unsigned)log->afi, nslots);
		return NVME_ERR_BAD_LOG_DATA;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Commands Supported and Effects (05h)                                      */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_effects_log_read(struct nvme_ctrl *c, struct nvme_cmd_effects_log *out, unsigned flags)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	int rc = nvme_require(c, NVME_OPT_EFFECTS_LOG, flags, "Commands Supported and Effects log");
	if (rc != 0)
		return rc;
	rc = log_to_idbuf(c, NVME_LID_CMD_EFFECTS, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	__builtin_memcpy(out, c->idbuf, sizeof(*out));
	return 0;
}

NVME_COLD size_t nvme_effects_describe(uint32_t e, char *buf, size_t len)
{
	static const char *const cse[8] = {
		"", ", one command per namespace", ", one command per controller", ", CSE 3",
		", CSE 4", ", CSE 5", ", CSE 6", ", CSE 7",
	};
	if (!NVME_GET(e, NVME_CMD_EFFECTS_CSUPP))
		return nvme_format(buf, len, "not supported");
	return nvme_format(buf, len, "supported%s%s%s%s%s", NVME_GET(e, NVME_CMD_EFFECTS_LBCC) ? ", LBCC" : "",
			   NVME_GET(e, NVME_CMD_EFFECTS_NCC) ? ", NCC" : "",
			   NVME_GET(e, NVME_CMD_EFFECTS_NIC) ? ", NIC" : "",
			   NVME_GET(e, NVME_CMD_EFFECTS_CCC) ? ", CCC" : "",
			   cse[NVME_GET(e, NVME_CMD_EFFECTS_CSE)]);
}

/* ------------------------------------------------------------------------ */
/* Sanitize Status (81h)                                                     */
/* ------------------------------------------------------------------------ */

NVME_COLD const char *nvme_sstat_name(unsigned status)
{
	switch (status) {
	case NVME_SSTAT_NEVER_SANITIZED:      return "never sanitized";
	case NVME_SSTAT_COMPLETED:            return "completed";
	case NVME_SSTAT_IN_PROGRESS:          return "in progress";
	case NVME_SSTAT_FAILED:               return "failed";
	case NVME_SSTAT_COMPLETED_NO_DEALLOC: return "completed without deallocation";
	default:                              return "reserved";
	}
}

NVME_COLD int nvme_sanitize_status_read(struct nvme_ctrl *c, struct nvme_sanitize_status *out)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	int rc = log_to_idbuf(c, NVME_LID_SANITIZE_STATUS, 0, sizeof(struct nvme_sanitize_log));
	if (rc != 0)
		return rc;
	const struct nvme_sanitize_log *log = c->idbuf;
	out->sprog = log->sprog;
	out->sstat = log->sstat;
	out->status = (uint8_t)NVME_GET(log->sstat, NVME_SSTAT_STATUS);
	out->passes = (uint8_t)NVME_GET(log->sstat, NVME_SSTAT_OVERWRITE_PASSES);
	out->global_erased = NVME_GET(log->sstat, NVME_SSTAT_GLOBAL_ERASED) != 0;
	out->scdw10 = log->scdw10;
	out->eto = log->eto;
	out->etbe = log->etbe;
	out->etce = log->etce;
	out->etond = log->etond;
	out->etbend = log->etbend;
	out->etcend = log->etcend;
	/* SPROG counts n/65536; a finished operation reports FFFFh */
	if (out->status == NVME_SSTAT_IN_PROGRESS)
		out->percent = ((uint32_t)log->sprog * 100u) >> 16;
	else if (out->status == NVME_SSTAT_COMPLETED || out->status == NVME_SSTAT_COMPLETED_NO_DEALLOC)
		out->percent = 100;
	if (out->status > NVME_SSTAT_COMPLETED_NO_DEALLOC) {
		nvme_warn(c, "Sanitize Status log: SSTAT %04x has a reserved status %u", (unsigned)log->sstat,
			  (unsigned)out->status);
		return NVME_ERR_BAD_LOG_DATA;
	}
	return 0;
}

#else
typedef int nvme_logs_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_LOGS */
