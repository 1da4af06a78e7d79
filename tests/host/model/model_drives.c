/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_drives.c - the model behaving like real drives (nvme_model_drives.h):
 * CSTS all ones after a disable, 128-byte I/O SQEs, CIDs shared across
 * queues and below a limit, a per-queue outstanding limit, a broken Write
 * Zeroes, refused Identify CNS values (by knob and by the version the
 * model claims), power states with a broken deepest one.
 *
 * Identify CNS by version (NVMe base specifications): 1.0 has CNS 00h and
 * 01h; 1.1 adds 02h (active namespace list); 1.2 adds 10h-13h (namespace
 * management); 1.3 adds 03h (namespace identification descriptors), 14h,
 * 15h; 1.4 adds 04h, 16h, 17h; 2.0 adds 05h-08h, 1Ah-1Fh. CNS 05h/06h are
 * also answered by a controller whose CAP.CSS bit 6 (I/O command sets)
 * is set, as QEMU 7.2 does while reporting 1.4.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "nvme_model_drives.h"

#define CSS_IOCS NVME_CAP_CSS_IOCS

void nvme_model_set_csts_ones_after_disable(struct nvme_model *m, uint64_t us) { m->drv.csts_ones_us = us; }
void nvme_model_set_io_sqe_bytes(struct nvme_model *m, uint32_t bytes) { m->drv.io_sqe_bytes = bytes; }
void nvme_model_set_cid_rules(struct nvme_model *m, uint32_t limit, bool shared)
{
	m->drv.cid_limit = limit;
	m->drv.cid_shared = shared;
}
void nvme_model_set_io_outstanding_max(struct nvme_model *m, uint32_t n) { m->drv.io_outstanding_max = n; }
void nvme_model_set_write_zeroes_broken(struct nvme_model *m, bool broken) { m->drv.wz_broken = broken; }
void nvme_model_set_cns_refused(struct nvme_model *m, uint8_t cns, bool refused)
{
	if (refused)
		m->drv.cns_refused[cns / 8] |= (uint8_t)(1u << (cns % 8));
	else
		m->drv.cns_refused[cns / 8] &= (uint8_t)~(1u << (cns % 8));
}
uint32_t nvme_model_cns_count(const struct nvme_model *m, uint8_t cns) { return m->drv.cns_count[cns]; }

void nvme_model_set_power_states(struct nvme_model *m, uint8_t npss, const struct nvme_power_state *psd,
				 bool deepest_broken)
{
	if (npss > 31)
		npss = 31;
	m->cfg.npss = npss;
	m->id_ctrl.npss = npss;
	memset(m->id_ctrl.psd, 0, sizeof(m->id_ctrl.psd));
	memcpy(m->id_ctrl.psd, psd, ((size_t)npss + 1) * sizeof(*psd));
	m->drv.ps_deepest_broken = deepest_broken;
}

void model_drives_fetch_check(struct nvme_model *m, uint16_t sqid, uint16_t cid)
{
	if (m->drv.cid_limit != 0 && cid >= m->drv.cid_limit)
		model_error(m, "CID %u on SQ %u: this controller takes CIDs below %u", cid, sqid, m->drv.cid_limit);
	if (!m->drv.cid_shared)
		return;
	for (struct model_held *h = m->held; h; h = h->next)
		if (h->sqid != sqid && h->cqe.cid == cid)
			model_error(m, "CID %u on SQ %u while SQ %u has it in flight (CIDs shared by all queues)", cid,
				    sqid, h->sqid);
	if (sqid != 0)
		for (unsigned i = 0; i < m->aer_count; i++)
			if (m->aer[i].cid == cid)
				model_error(m, "CID %u on SQ %u while an admin AER has it (CIDs shared by all queues)",
					    cid, sqid);
}

/* Does a controller of this version (and CAP.CSS) know CNS cns? */
static bool cns_in_version(const struct nvme_model *m, unsigned cns)
{
	uint32_t vs = m->cfg.vs;
	bool iocs = (m->cfg.css & CSS_IOCS) != 0;
	if (cns <= NVME_CNS_CTRL)
		return true;
	if (cns == NVME_CNS_ACTIVE_NS_LIST)
		return vs >= NVME_VS(1, 1, 0);
	if (cns >= 0x10 && cns <= 0x13)
		return vs >= NVME_VS(1, 2, 0);
	if (cns == NVME_CNS_NS_ID_DESCRIPTORS || cns == 0x14 || cns == 0x15)
		return vs >= NVME_VS(1, 3, 0);
	if (cns == 0x04 || cns == 0x16 || cns == 0x17)
		return vs >= NVME_VS(1, 4, 0);
	if (cns == NVME_CNS_CS_NS || cns == NVME_CNS_CS_CTRL)
		return vs >= NVME_VS(2, 0, 0) || iocs;
	return vs >= NVME_VS(2, 0, 0);
}

static void drives_identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	m->drv.cns_count[cns]++;
	if ((m->drv.cns_refused[cns / 8] >> (cns % 8)) & 1u || !cns_in_version(m, cns)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	m->drv.prev_identify(c);
}

static void drives_set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	m->drv.prev_set_features(c);
	if (c->status == 0 && fid == NVME_FEAT_POWER_MGMT && m->drv.ps_deepest_broken &&
	    NVME_GET(c->sqe.cdw11, NVME_FEAT_PM_PS) == m->cfg.npss)
		model_fatal(m, "entered the deepest power state, which is broken on this drive");
}

static void drives_write_zeroes(struct model_cmd *c)
{
	if (c->m->drv.wz_broken)
		return;   /* success, nothing written */
	c->m->drv.prev_write_zeroes(c);
}

void model_drives_install(struct nvme_model *m)
{
	m->drv.prev_identify = m->admin_ops[NVME_ADMIN_IDENTIFY];
	m->drv.prev_set_features = m->admin_ops[NVME_ADMIN_SET_FEATURES];
	m->drv.prev_write_zeroes = m->io_ops[NVME_CMD_WRITE_ZEROES];
	if (!m->drv.prev_identify || !m->drv.prev_set_features || !m->drv.prev_write_zeroes)
		abort();
	m->admin_ops[NVME_ADMIN_IDENTIFY] = drives_identify;
	m->admin_ops[NVME_ADMIN_SET_FEATURES] = drives_set_features;
	m->io_ops[NVME_CMD_WRITE_ZEROES] = drives_write_zeroes;
}
