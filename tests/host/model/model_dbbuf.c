/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_dbbuf.c - Doorbell Buffer Config and the shadow doorbell / EventIdx
 * buffers (see nvme_model_dbbuf.h for the behaviour).
 */
#include <stdlib.h>

#include "model_int.h"
#include "nvme_model_dbbuf.h"

static uint64_t slot(const struct nvme_model *m, uint64_t page, uint16_t qid, bool cq)
{
	return page + (2ull * qid + (cq ? 1u : 0u)) * m->db_stride;
}

static bool rd(struct nvme_model *m, uint64_t addr, uint32_t *v)
{
	m->dbbuf.shadow_reads++;
	return model_dma_read(m, addr, v, sizeof(*v));
}

static void wr(struct nvme_model *m, uint64_t addr, uint32_t v)
{
	if (!model_dma_write(m, addr, &v, sizeof(v)))
		model_error(m, "EventIdx at bus address %#llx not writable", (unsigned long long)addr);
}

/* EventIdx for a queue whose shadow value the device has consumed up to v. */
static uint32_t eventidx(const struct nvme_model *m, uint32_t v)
{
	if (m->dbbuf.mode == NVME_MODEL_EVENTIDX_POLL)
		return (v - 1u) & 0xFFFFu;
	return v;
}

static void dbbuf_config(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!NVME_GET(m->id_ctrl.oacs, NVME_OACS_DBBUF)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return;
	}
	uint64_t dbs = c->sqe.dptr.prp.prp1, eis = c->sqe.dptr.prp.prp2;
	uint64_t pmask = (uint64_t)m->page_size - 1u;
	uint32_t probe;
	if (dbs == 0 || eis == 0 || (dbs & pmask) || (eis & pmask) || dbs == eis ||
	    !model_dma_read(m, dbs, &probe, sizeof(probe)) || !model_dma_read(m, eis, &probe, sizeof(probe))) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	m->dbbuf.on = true;
	m->dbbuf.dbs = dbs;
	m->dbbuf.eis = eis;
	m->dbbuf.configs++;
}

const struct model_opcode model_dbbuf_ops[] = {
	{ NVME_ADMIN_DOORBELL_BUFFER_CONFIG, dbbuf_config, "Doorbell Buffer Config" },
	{ 0, NULL, NULL }
};

void model_dbbuf_reset(struct nvme_model *m)
{
	m->dbbuf.on = false;
	m->dbbuf.dbs = 0;
	m->dbbuf.eis = 0;
}

bool model_dbbuf_active(const struct nvme_model *m, uint16_t qid)
{
	return m->dbbuf.on && qid != 0;
}

void model_dbbuf_sq_refresh(struct nvme_model *m, struct model_sq *sq)
{
	if (!model_dbbuf_active(m, sq->qid))
		return;
	uint32_t v;
	if (!rd(m, slot(m, m->dbbuf.dbs, sq->qid, false), &v)) {
		model_error(m, "shadow SQ %u tail not readable", sq->qid);
		return;
	}
	if (v == sq->tail)
		return;
	if (v >= sq->size) {
		model_error(m, "shadow SQ %u tail %u >= queue size %u", sq->qid, v, sq->size);
		return;
	}
	uint32_t pending = (sq->tail + sq->size - sq->head) % sq->size;
	uint32_t added = (v + sq->size - sq->tail) % sq->size;
	if (pending + added >= sq->size) {
		model_error(m, "shadow SQ %u overrun: tail %u -> %u with head %u", sq->qid, sq->tail, v, sq->head);
		return;
	}
	sq->tail = v;
}

void model_dbbuf_sq_done(struct nvme_model *m, struct model_sq *sq)
{
	if (model_dbbuf_active(m, sq->qid))
		wr(m, slot(m, m->dbbuf.eis, sq->qid, false), eventidx(m, sq->tail));
}

void model_dbbuf_cq_refresh(struct nvme_model *m, struct model_cq *cq)
{
	if (!model_dbbuf_active(m, cq->qid))
		return;
	/* EventIdx first, then the head (the order QEMU settled on: a host
	 * that updates the head after this read sees the new EventIdx) */
	wr(m, slot(m, m->dbbuf.eis, cq->qid, true), eventidx(m, cq->head));
	uint32_t v;
	if (!rd(m, slot(m, m->dbbuf.dbs, cq->qid, true), &v)) {
		model_error(m, "shadow CQ %u head not readable", cq->qid);
		return;
	}
	if (v == cq->head)
		return;
	uint32_t used = (cq->tail + cq->size - cq->head) % cq->size;
	uint32_t adv = (v + cq->size - cq->head) % cq->size;
	if (v >= cq->size || adv > used) {
		model_error(m, "shadow CQ %u head %u invalid (head %u, tail %u, size %u)", cq->qid, v, cq->head,
			    cq->tail, cq->size);
		return;
	}
	cq->head = v;
}

void model_dbbuf_check_mmio(struct nvme_model *m, uint16_t qid, bool cq, uint32_t v)
{
	if (!model_dbbuf_active(m, qid))
		return;
	uint32_t s;
	if (rd(m, slot(m, m->dbbuf.dbs, qid, cq), &s) && s != v)
		model_error(m, "%s %u doorbell written %u but its shadow holds %u", cq ? "CQ" : "SQ", qid, v, s);
}

void nvme_model_dbbuf_set_mode(struct nvme_model *m, enum nvme_model_eventidx_mode mode)
{
	m->dbbuf.mode = (uint8_t)mode;
}

unsigned nvme_model_dbbuf_poll(struct nvme_model *m)
{
	unsigned moved = 0;
	if (!m->dbbuf.on || !m->enabled)
		return 0;
	m->dbbuf.polls++;
	for (uint32_t i = 1; i < m->ncq_slots; i++) {
		struct model_cq *cq = m->cq[i];
		if (!cq)
			continue;
		uint32_t before = cq->head;
		model_dbbuf_cq_refresh(m, cq);
		if (cq->head != before) {
			moved++;
			model_cq_kick(m, cq);
		}
	}
	for (uint32_t i = 1; i < m->nsq_slots; i++) {
		struct model_sq *sq = m->sq[i];
		if (!sq)
			continue;
		uint32_t before = sq->tail;
		model_dbbuf_sq_refresh(m, sq);
		if (sq->tail != before) {
			moved++;
			model_sq_kick(m, sq);
		}
	}
	return moved;
}

bool nvme_model_dbbuf_on(const struct nvme_model *m, uint64_t *dbs, uint64_t *eis)
{
	if (dbs)
		*dbs = m->dbbuf.on ? m->dbbuf.dbs : 0;
	if (eis)
		*eis = m->dbbuf.on ? m->dbbuf.eis : 0;
	return m->dbbuf.on;
}

uint64_t nvme_model_dbbuf_configs(const struct nvme_model *m)
{
	return m->dbbuf.configs;
}

uint32_t nvme_model_dbbuf_shadow(struct nvme_model *m, uint16_t qid, bool cq)
{
	uint32_t v;
	if (!m->dbbuf.on || !rd(m, slot(m, m->dbbuf.dbs, qid, cq), &v))
		return UINT32_MAX;
	return v;
}
