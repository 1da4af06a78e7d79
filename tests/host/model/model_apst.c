/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_apst.c - Autonomous Power State Transition (Feature 0Ch, NVMe 1.4
 * 5.21.1.12 and 8.4.2) for the software controller.
 *
 * Offered when nvme_model_set_apst(m, true) set Identify APSTA bit 0.
 * Set Features 0Ch: CDW11 bit 0 APSTE and 256 bytes of data, 32 entries of
 * 8 bytes, entry i for power state i: ITPS (bits 7:3) the state to move to,
 * ITPT (bits 31:8) after how many ms idle (0: no transition from state i).
 * An entry of a state the controller has (0..NPSS) with ITPT != 0 must name
 * a non-operational state that exists, else Invalid Field in Command and
 * nothing changes. Get Features 0Ch returns APSTE and the table. The
 * feature is not saveable; a controller reset disables it and clears the
 * table (the Power Management value reverts with the other features).
 *
 * Transitions: the controller is idle between two command fetches (the
 * model completes commands at once). At each fetch the idle time since the
 * previous one is played forward: from the current state, after its ITPT
 * the state becomes its ITPS, and so on down the table while the time
 * lasts. Then an I/O command arriving in a non-operational state (whether
 * APST or a host's Set Features 02h put it there) returns the controller to
 * the most recent operational state first; admin commands do not.
 */
#include <string.h>

#include "model_int.h"
#include "nvme_model_drives.h"

void nvme_model_set_apst(struct nvme_model *m, bool supported)
{
	m->id_ctrl.apsta = supported ? 1u : 0u;
	m->drv.apst_on = supported;
}

void nvme_model_apst_state(const struct nvme_model *m, struct nvme_model_apst_state *out)
{
	memset(out, 0, sizeof(*out));
	out->enabled = m->drv.apst_enabled;
	out->transitions = m->drv.apst_transitions;
	out->wakeups = m->drv.apst_wakeups;
	out->ps = (uint8_t)NVME_GET(m->feat.cur[NVME_FEAT_POWER_MGMT], NVME_FEAT_PM_PS);
	out->last_operational_ps = m->drv.apst_op_ps;
}

static bool nonop(const struct nvme_model *m, unsigned ps)
{
	return ps <= m->id_ctrl.npss && NVME_GET(m->id_ctrl.psd[ps].flags, NVME_PSD_FLAGS_NOPS) != 0;
}

static void set_ps(struct nvme_model *m, unsigned ps)
{
	uint32_t *v = &m->feat.cur[NVME_FEAT_POWER_MGMT];
	*v = (*v & ~(uint32_t)NVME_MASK(NVME_FEAT_PM_PS)) | (uint32_t)NVME_SET(NVME_FEAT_PM_PS, ps);
}

void model_apst_reset(struct nvme_model *m)
{
	m->drv.apst_enabled = false;
	memset(m->drv.apst_table, 0, sizeof(m->drv.apst_table));
	m->drv.apst_op_ps = 0;
	m->drv.apst_last_us = model_now(m);
}

void model_apst_fetch(struct nvme_model *m, bool io)
{
	uint64_t now = model_now(m);
	struct model_drives *d = &m->drv;
	if (d->apst_enabled) {
		uint64_t t = d->apst_last_us;
		for (unsigned hop = 0; hop < NVME_APST_ENTRIES; hop++) {
			unsigned ps = (unsigned)NVME_GET(m->feat.cur[NVME_FEAT_POWER_MGMT], NVME_FEAT_PM_PS);
			if (ps >= NVME_APST_ENTRIES)
				break;
			uint64_t e = d->apst_table[ps];
			uint64_t itpt_us = (uint64_t)NVME_GET(e, NVME_APST_ENTRY_ITPT) * 1000u;
			if (itpt_us == 0 || now - t < itpt_us)
				break;
			t += itpt_us;
			set_ps(m, (unsigned)NVME_GET(e, NVME_APST_ENTRY_ITPS));
			d->apst_transitions++;
		}
	}
	unsigned cur = (unsigned)NVME_GET(m->feat.cur[NVME_FEAT_POWER_MGMT], NVME_FEAT_PM_PS);
	if (io && nonop(m, cur)) {
		set_ps(m, d->apst_op_ps);
		d->apst_wakeups++;
	}
	d->apst_last_us = now;
}

void model_apst_power_set(struct nvme_model *m)
{
	unsigned ps = (unsigned)NVME_GET(m->feat.cur[NVME_FEAT_POWER_MGMT], NVME_FEAT_PM_PS);
	if (!nonop(m, ps))
		m->drv.apst_op_ps = (uint8_t)ps;
}

void model_apst_set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!m->drv.apst_on) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_SV)) {
		c->status = MODEL_CMDSPEC(NVME_SC_FEATURE_ID_NOT_SAVEABLE);
		return;
	}
	uint8_t data[NVME_APST_TABLE_BYTES];
	c->status = model_from_host(c, data, sizeof(data));
	if (c->status)
		return;
	uint64_t table[NVME_APST_ENTRIES];
	for (unsigned i = 0; i < NVME_APST_ENTRIES; i++) {
		uint64_t e = 0;
		for (unsigned k = 0; k < 8; k++)
			e |= (uint64_t)data[8 * i + k] << (8 * k);
		table[i] = e;
		unsigned itps = (unsigned)NVME_GET(e, NVME_APST_ENTRY_ITPS);
		if (i <= m->id_ctrl.npss && NVME_GET(e, NVME_APST_ENTRY_ITPT) != 0 &&
		    (itps > m->id_ctrl.npss || !nonop(m, itps))) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
	}
	memcpy(m->drv.apst_table, table, sizeof(table));
	m->drv.apst_enabled = NVME_GET(c->sqe.cdw11, NVME_FEAT_APST_APSTE) != 0;
	m->drv.apst_last_us = model_now(m);
}

void model_apst_get_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!m->drv.apst_on) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	unsigned sel = (unsigned)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_SEL);
	if (!NVME_GET(m->cfg.oncs, NVME_ONCS_SAVE_SELECT))
		sel = NVME_FEAT_SEL_CURRENT;
	if (sel == NVME_FEAT_SEL_SUPPORTED_CAPS) {
		c->dw0 = (uint32_t)NVME_SET(NVME_FEAT_CAP_CHANGEABLE, 1);
		return;
	}
	if (sel > NVME_FEAT_SEL_SUPPORTED_CAPS) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	bool current = sel == NVME_FEAT_SEL_CURRENT;   /* default and saved: disabled, no entries */
	uint8_t data[NVME_APST_TABLE_BYTES];
	memset(data, 0, sizeof(data));
	for (unsigned i = 0; current && i < NVME_APST_ENTRIES; i++)
		for (unsigned k = 0; k < 8; k++)
			data[8 * i + k] = (uint8_t)(m->drv.apst_table[i] >> (8 * k));
	c->dw0 = current && m->drv.apst_enabled ? 1u : 0u;
	c->status = model_to_host(c, data, sizeof(data));
}
