/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_feat.c - Set Features, Get Features (NVMe 1.4 5.21, 5.9) and Get Log
 * Page (5.14).
 *
 * Features: Arbitration, Power Management, Temperature Threshold (composite
 * sensor), Error Recovery, Volatile Write Cache, Number of Queues, Interrupt
 * Coalescing, Interrupt Vector Configuration, Write Atomicity, Asynchronous
 * Event Configuration, Timestamp. Anything else: Invalid Field in Command.
 * Number of Queues: FFFFh in either half -> Invalid Field; after an I/O queue
 * was created since the reset (or a second time with nq_set_once) ->
 * Command Sequence Error; the answer is the configured grant.
 * Logs: Error Information, SMART / Health (controller wide), Firmware Slot.
 * Unknown LID -> Invalid Log Page; offset not dword aligned or beyond the log
 * -> Invalid Field; NUMDU/offset without LPA bit 2 -> Invalid Field.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static bool feat_supported(uint8_t fid)
{
	switch (fid) {
	case NVME_FEAT_ARBITRATION:
	case NVME_FEAT_POWER_MGMT:
	case NVME_FEAT_TEMP_THRESHOLD:
	case NVME_FEAT_ERROR_RECOVERY:
	case NVME_FEAT_VOLATILE_WC:
	case NVME_FEAT_NUM_QUEUES:
	case NVME_FEAT_IRQ_COALESCING:
	case NVME_FEAT_IRQ_CONFIG:
	case NVME_FEAT_WRITE_ATOMICITY:
	case NVME_FEAT_ASYNC_EVENT_CONFIG:
	case NVME_FEAT_TIMESTAMP:
		return true;
	default:
		return false;
	}
}

static bool feat_saveable(uint8_t fid)
{
	return fid != NVME_FEAT_NUM_QUEUES && fid != NVME_FEAT_TIMESTAMP;
}

static uint32_t nq_answer(const struct nvme_model *m)
{
	if (m->cfg.nq_answer_set)
		return m->cfg.nq_answer;
	return (uint32_t)NVME_SET(NVME_FEAT_NQ_NSQ, m->cfg.max_io_sq - 1u) |
	       (uint32_t)NVME_SET(NVME_FEAT_NQ_NCQ, m->cfg.max_io_cq - 1u);
}

void model_features_init(struct nvme_model *m)
{
	struct model_features *f = &m->feat;
	memset(f, 0, sizeof(*f));
	f->def[NVME_FEAT_VOLATILE_WC] = (m->cfg.vwc & 1u) ? 1u : 0u;
	f->def[NVME_FEAT_NUM_QUEUES] = nq_answer(m);
	f->def[NVME_FEAT_TEMP_THRESHOLD] = m->id_ctrl.wctemp;
	f->def[NVME_FEAT_ARBITRATION] = 7u;   /* burst: no limit */
	model_features_reset(m);
}

void model_features_reset(struct nvme_model *m)
{
	struct model_features *f = &m->feat;
	for (unsigned i = 0; i < 256; i++)
		f->cur[i] = f->saved_valid[i] ? f->saved[i] : f->def[i];
	memset(f->tmpth, 0, sizeof(f->tmpth));
	f->tmpth[0][NVME_FEAT_TT_THSEL_OVER] = m->id_ctrl.wctemp;
	f->timestamp_set = false;
	f->timestamp_ms = 0;
}

static uint64_t timestamp_now_ms(struct nvme_model *m)
{
	struct model_features *f = &m->feat;
	uint64_t now = model_now(m);
	if (!f->timestamp_set)
		return now / 1000u;
	return f->timestamp_ms + (now - f->timestamp_set_at_us) / 1000u;
}

static void set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_features *f = &m->feat;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	bool sv = NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_SV) != 0;
	uint32_t v = c->sqe.cdw11;
	uint32_t nsid = c->sqe.nsid;

	if (!feat_supported(fid)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (nsid != 0 && nsid != NVME_NSID_ALL) {
		c->status = MODEL_CMDSPEC(NVME_SC_FEATURE_NOT_NS_SPECIFIC);
		return;
	}
	if (sv && (!NVME_GET(m->cfg.oncs, NVME_ONCS_SAVE_SELECT) || !feat_saveable(fid))) {
		c->status = MODEL_CMDSPEC(NVME_SC_FEATURE_ID_NOT_SAVEABLE);
		return;
	}
	switch (fid) {
	case NVME_FEAT_NUM_QUEUES:
		if (NVME_GET(v, NVME_FEAT_NQ_NSQ) == 0xFFFFu || NVME_GET(v, NVME_FEAT_NQ_NCQ) == 0xFFFFu) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		if (m->io_queue_created || (m->cfg.nq_set_once && m->nq_set)) {
			c->status = MODEL_GEN(NVME_SC_COMMAND_SEQUENCE_ERROR);
			return;
		}
		m->nq_set = true;
		m->stats.nq_set_count++;
		m->stats.last_nq_request = v;
		c->dw0 = nq_answer(m);
		return;
	case NVME_FEAT_VOLATILE_WC:
		if (!(m->cfg.vwc & 1u)) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		v &= 1u;
		if (!v)
			for (uint32_t i = 0; i < m->ns_count; i++)
				m->ns[i].dirty = 0;   /* disabling the cache writes it back */
		break;
	case NVME_FEAT_POWER_MGMT:
		if (NVME_GET(v, NVME_FEAT_PM_PS) > m->cfg.npss) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		v &= 0xFFu;
		break;
	case NVME_FEAT_TEMP_THRESHOLD: {
		unsigned sel = (unsigned)NVME_GET(v, NVME_FEAT_TT_TMPSEL);
		unsigned th = (unsigned)NVME_GET(v, NVME_FEAT_TT_THSEL);
		if (th > NVME_FEAT_TT_THSEL_UNDER || (sel != 0 && sel != 0xF)) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		f->tmpth[0][th] = (uint16_t)NVME_GET(v, NVME_FEAT_TT_TMPTH);
		break;
	}
	case NVME_FEAT_IRQ_CONFIG:
		if (NVME_GET(v, NVME_FEAT_IVC_IV) >= m->cfg.msix_vectors) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		break;
	case NVME_FEAT_TIMESTAMP: {
		uint8_t ts[NVME_TIMESTAMP_DATA_SIZE];
		if (!NVME_GET(m->cfg.oncs, NVME_ONCS_TIMESTAMP)) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		c->status = model_from_host(c, ts, sizeof(ts));
		if (c->status)
			return;
		uint64_t ms = 0;
		for (int i = 5; i >= 0; i--)
			ms = (ms << 8) | ts[i];
		f->timestamp_ms = ms;
		f->timestamp_set_at_us = model_now(m);
		f->timestamp_set = true;
		return;
	}
	default:
		break;
	}
	f->cur[fid] = v;
	if (sv) {
		f->saved[fid] = v;
		f->saved_valid[fid] = true;
	}
}

static void get_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_features *f = &m->feat;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	unsigned sel = (unsigned)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_SEL);
	uint32_t nsid = c->sqe.nsid;
	bool save_select = NVME_GET(m->cfg.oncs, NVME_ONCS_SAVE_SELECT) != 0;

	if (!feat_supported(fid) || sel > NVME_FEAT_SEL_SUPPORTED_CAPS) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (nsid != 0 && nsid != NVME_NSID_ALL) {
		c->status = MODEL_CMDSPEC(NVME_SC_FEATURE_NOT_NS_SPECIFIC);
		return;
	}
	if (!save_select)
		sel = NVME_FEAT_SEL_CURRENT;
	if (sel == NVME_FEAT_SEL_SUPPORTED_CAPS) {
		c->dw0 = (uint32_t)(NVME_SET(NVME_FEAT_CAP_SAVEABLE, feat_saveable(fid)) |
				    NVME_SET(NVME_FEAT_CAP_CHANGEABLE, 1));
		return;
	}
	switch (fid) {
	case NVME_FEAT_NUM_QUEUES:
		c->dw0 = nq_answer(m);
		return;
	case NVME_FEAT_TEMP_THRESHOLD: {
		unsigned tsel = (unsigned)NVME_GET(c->sqe.cdw11, NVME_FEAT_TT_TMPSEL);
		unsigned th = (unsigned)NVME_GET(c->sqe.cdw11, NVME_FEAT_TT_THSEL);
		if (th > NVME_FEAT_TT_THSEL_UNDER || tsel != 0) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		uint16_t t = sel == NVME_FEAT_SEL_CURRENT ? f->tmpth[0][th]
			   : (th == NVME_FEAT_TT_THSEL_OVER ? m->id_ctrl.wctemp : 0);
		c->dw0 = (uint32_t)(NVME_SET(NVME_FEAT_TT_TMPTH, t) | NVME_SET(NVME_FEAT_TT_THSEL, th));
		return;
	}
	case NVME_FEAT_TIMESTAMP: {
		if (!NVME_GET(m->cfg.oncs, NVME_ONCS_TIMESTAMP)) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		uint8_t ts[NVME_TIMESTAMP_DATA_SIZE] = {0};
		uint64_t ms = timestamp_now_ms(m) & NVME_TIMESTAMP_MS_MASK;
		for (int i = 0; i < 6; i++)
			ts[i] = (uint8_t)(ms >> (8 * i));
		ts[6] = (uint8_t)NVME_SET(NVME_TIMESTAMP_ATTR_ORIGIN, f->timestamp_set ? 1u : 0u);
		c->status = model_to_host(c, ts, sizeof(ts));
		return;
	}
	default:
		break;
	}
	if (sel == NVME_FEAT_SEL_CURRENT)
		c->dw0 = f->cur[fid];
	else if (sel == NVME_FEAT_SEL_DEFAULT)
		c->dw0 = f->def[fid];
	else
		c->dw0 = f->saved_valid[fid] ? f->saved[fid] : f->def[fid];
}

/* ------------------------------------------------------------------------ */
/* Get Log Page                                                              */
/* ------------------------------------------------------------------------ */

static void put128(uint8_t *dst, uint64_t v)
{
	memset(dst, 0, 16);
	for (int i = 0; i < 8; i++)
		dst[i] = (uint8_t)(v >> (8 * i));
}

static void build_smart(struct nvme_model *m, struct nvme_smart_log *s)
{
	memset(s, 0, sizeof(*s));
	s->temperature[0] = 0x43;    /* 323 K */
	s->temperature[1] = 0x01;
	s->avail_spare = 100;
	s->spare_thresh = 10;
	put128(s->data_units_read, (m->data_units_read_512 + 999u) / 1000u);
	put128(s->data_units_written, (m->data_units_written_512 + 999u) / 1000u);
	put128(s->host_reads, m->stats.reads);
	put128(s->host_writes, m->stats.writes);
	put128(s->power_cycles, m->power_cycles);
	put128(s->unsafe_shutdowns, m->unsafe_shutdowns);
	put128(s->num_err_log_entries, m->error_count);
}

void model_log_send(struct model_cmd *c, const uint8_t *src, uint64_t size, uint64_t off, uint64_t len,
		    uint8_t lid, bool rae)
{
	struct nvme_model *m = c->m;
	struct model_sg sg;
	c->status = model_map_dptr(c, len, &sg);
	if (c->status)
		return;
	uint64_t have = size - off < len ? size - off : len;
	if (have)
		c->status = model_sg_copy(m, &sg, 0, (void *)(uintptr_t)(src + off), have, true);
	static const uint8_t zeros[4096];
	for (uint64_t pos = have; !c->status && pos < len; pos += sizeof(zeros)) {
		uint64_t k = len - pos < sizeof(zeros) ? len - pos : sizeof(zeros);
		c->status = model_sg_copy(m, &sg, pos, (void *)zeros, k, true);
	}
	model_sg_free(&sg);
	if (c->status || rae)
		return;
	/* reading the log re-enables events of the type it reported */
	for (unsigned t = 0; t < 8; t++)
		if ((m->aen_masked & (1u << t)) && m->aen_lid[t] == lid)
			m->aen_masked &= (uint8_t)~(1u << t);
	model_aer_deliver(m);
}

static void get_log_page(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t lid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_LID);
	bool rae = NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_RAE) != 0;
	uint32_t numdu = (uint32_t)NVME_GET(c->sqe.cdw11, NVME_GET_LOG_CDW11_NUMDU);
	uint64_t numd = (((uint64_t)numdu << 16) | NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_NUMDL)) + 1u;
	uint64_t len = numd * 4u;
	uint64_t off = ((uint64_t)c->sqe.cdw13 << 32) | c->sqe.cdw12;
	uint32_t nsid = c->sqe.nsid;
	bool ext = NVME_GET(m->cfg.lpa, NVME_LPA_EXTENDED_DATA) != 0;

	if (off & 3u || (!ext && (numdu || off))) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint8_t logbuf[4096];
	size_t size;
	memset(logbuf, 0, sizeof(logbuf));
	switch (lid) {
	case NVME_LID_ERROR:
		size = ((size_t)m->cfg.elpe + 1) * sizeof(struct nvme_error_log_entry);
		break;
	case NVME_LID_SMART:
		if (nsid != 0 && nsid != NVME_NSID_ALL &&
		    (!NVME_GET(m->cfg.lpa, NVME_LPA_SMART_PER_NS) || !model_ns_find(m, nsid))) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		build_smart(m, (struct nvme_smart_log *)logbuf);
		size = sizeof(struct nvme_smart_log);
		break;
	case NVME_LID_FW_SLOT: {
		struct nvme_fw_slot_log *fw = (struct nvme_fw_slot_log *)logbuf;
		fw->afi = (uint8_t)NVME_SET(NVME_FW_AFI_ACTIVE, 1);
		memset(fw->frs[0], ' ', 8);
		memcpy(fw->frs[0], m->fr, strlen(m->fr));
		size = sizeof(*fw);
		break;
	}
	default:
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_LOG_PAGE);
		return;
	}
	if (off > size) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	const uint8_t *src = lid == NVME_LID_ERROR ? (const uint8_t *)m->errlog : logbuf;
	model_log_send(c, src, size, off, len, lid, rae);
}

const struct model_opcode model_feat_ops[] = {
	{ NVME_ADMIN_SET_FEATURES, set_features, "Set Features" },
	{ NVME_ADMIN_GET_FEATURES, get_features, "Get Features" },
	{ NVME_ADMIN_GET_LOG_PAGE, get_log_page, "Get Log Page" },
	{ 0, NULL, NULL }
};
