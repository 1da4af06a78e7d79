/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_power.c - power state descriptors, Power Management (02h) and
 * Autonomous Power State Transition (0Ch) features (nvme_power.h).
 */
#include "nvme_internal.h"
#include "nvme_power.h"

#if NVME_CFG_POWER   /* optional (nvme_power.h): the file is empty without it */

NVME_COLD uint32_t nvme_power_state_count(const struct nvme_ctrl *c)
{
	if (c == NULL || c->idbuf == NULL)
		return 0;
	return (uint32_t)(c->id.npss > 31u ? 31u : c->id.npss) + 1u;
}

/* 0.0001 W (scale 1) or 0.01 W (scale 2) units to microwatts; 0 otherwise. */
NVME_COLD static uint32_t scaled_uw(uint16_t v, unsigned scale)
{
	if (scale == 1)
		return (uint32_t)v * 100u;
	if (scale == 2)
		return (uint32_t)v * 10000u;
	return 0;
}

NVME_COLD int nvme_power_state_info(const struct nvme_ctrl *c, uint8_t ps, struct nvme_power_state_info *out)
{
	if (c == NULL || out == NULL || ps >= nvme_power_state_count(c))
		return NVME_ERR_INVAL;
	const struct nvme_power_state *d = &c->id.psd[ps];
	__builtin_memset(out, 0, sizeof(*out));
	out->ps = ps;
	out->non_operational = NVME_GET(d->flags, NVME_PSD_FLAGS_NOPS) != 0;
	out->max_power_uw = NVME_GET(d->flags, NVME_PSD_FLAGS_MXPS) ? (uint32_t)d->mp * 100u
								     : (uint32_t)d->mp * 10000u;
	out->entry_lat_us = d->enlat;
	out->exit_lat_us = d->exlat;
	out->rrt = d->rrt & 0x1Fu;
	out->rrl = d->rrl & 0x1Fu;
	out->rwt = d->rwt & 0x1Fu;
	out->rwl = d->rwl & 0x1Fu;
	out->idle_power_uw = scaled_uw(d->idlp, (unsigned)(d->ips >> 6) & 3u);
	out->active_power_uw = scaled_uw(d->actp, (unsigned)(d->apws >> 6) & 3u);
	return 0;
}

NVME_COLD int nvme_power_get(struct nvme_ctrl *c, uint8_t *ps, uint8_t *workload)
{
	uint32_t dw0 = 0;
	if (c == NULL || ps == NULL)
		return NVME_ERR_INVAL;
	struct nvme_feat_args a = { .fid = NVME_FEAT_POWER_MGMT };
	int rc = nvme_feat_get(c, &a, NVME_FEAT_RAW, &dw0);
	if (rc != 0)
		return rc;
	*ps = (uint8_t)NVME_GET(dw0, NVME_FEAT_PM_PS);
	if (workload != NULL)
		*workload = (uint8_t)NVME_GET(dw0, NVME_FEAT_PM_WH);
	if (*ps >= nvme_power_state_count(c))
		nvme_warn(c, "Power Management: current state %u beyond NPSS %u", (unsigned)*ps,
			  (unsigned)c->id.npss);
	return 0;
}

NVME_COLD static int power_refuse(struct nvme_ctrl *c, const char *why)
{
#if NVME_CFG_SUPPORT
	return nvme_refuse(c, "Set Features (Power Management)", why);
#else
	nvme_warn(c, "Set Features (Power Management) not sent: %s", why);
	return NVME_ERR_NOT_ADVERTISED;
#endif
}

NVME_COLD int nvme_power_set(struct nvme_ctrl *c, uint8_t ps, bool force)
{
	struct nvme_power_state_info info;
	if (c == NULL)
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (nvme_power_state_info(c, ps, &info) != 0)
		return NVME_ERR_INVAL;
	if (ps == c->id.npss && ps != 0 && (c->quirks & NVME_QUIRK_NO_DEEPEST_PS))
		return power_refuse(c, "the deepest power state is broken on this controller (quirk no-deepest-ps)");
	if (info.non_operational && !force)
		return power_refuse(c, "non-operational power state (I/O would stall); needs force");
	struct nvme_feat_args a = { .fid = NVME_FEAT_POWER_MGMT, .cdw11 = (uint32_t)NVME_SET(NVME_FEAT_PM_PS, ps) };
	rc = nvme_feat_set(c, &a, NVME_FEAT_RAW, NULL);
	if (rc == 0)
		nvme_info(c, "power state %u", (unsigned)ps);
	return rc;
}

NVME_COLD int nvme_apst_read(struct nvme_ctrl *c, struct nvme_apst *out)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	out->supported = (c->id.apsta & 1u) != 0;
	if (!out->supported)
		return 0;
	if (c->idbuf == NULL || c->idbuf_bytes < NVME_APST_TABLE_BYTES)
		return NVME_ERR_NOT_READY;
	uint32_t dw0 = 0;
	__builtin_memset(c->idbuf, 0, NVME_APST_TABLE_BYTES);
	struct nvme_feat_args a = { .fid = NVME_FEAT_AUTO_PST, .buf = c->idbuf, .len = NVME_APST_TABLE_BYTES };
	rc = nvme_feat_get(c, &a, NVME_FEAT_RAW, &dw0);
	if (rc != 0)
		return rc;
	out->enabled = NVME_GET(dw0, NVME_FEAT_APST_APSTE) != 0;
	const uint8_t *e = c->idbuf;
	for (unsigned i = 0; i < NVME_APST_ENTRIES; i++) {
		uint32_t v = (uint32_t)e[8 * i] | (uint32_t)e[8 * i + 1] << 8 | (uint32_t)e[8 * i + 2] << 16 |
			     (uint32_t)e[8 * i + 3] << 24;
		out->entry[i].itps = (uint8_t)NVME_GET(v, NVME_APST_ENTRY_ITPS);
		out->entry[i].itpt_ms = (uint32_t)NVME_GET(v, NVME_APST_ENTRY_ITPT);
	}
	return 0;
}

#else
typedef int nvme_power_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_POWER */
