/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_admin.c - admin commands: Identify, Create/Delete I/O SQ and CQ,
 * Abort, Asynchronous Event Request; and the Identify Controller data.
 *
 * Queue creation checks (NVMe 1.4 5.4, 5.5), in this order:
 *   Create CQ: QID 0, above the controller's I/O CQ count or in use
 *              -> Invalid Queue Identifier; QSIZE 0 or above MQES
 *              -> Invalid Queue Size; PC=0 with CAP.CQR -> Invalid Field;
 *              IV beyond the vectors (when IEN or IV != 0)
 *              -> Invalid Interrupt Vector; base not page aligned
 *              -> PRP Offset Invalid; zero/unreachable base -> Invalid Field.
 *   Create SQ: CQID 0 or no such CQ -> Completion Queue Invalid; then as
 *              above with the I/O SQ count.
 *   Delete SQ/CQ: QID 0 or no such queue -> Invalid Queue Identifier;
 *              CQ with SQs still bound -> Invalid Queue Deletion. Held
 *              commands of a deleted SQ complete with Aborted - SQ Deletion.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static void pad_copy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	memset(dst, ' ', n);
	memcpy(dst, src, l < n ? l : n);
}

void model_build_id_ctrl(struct nvme_model *m)
{
	const struct nvme_model_config *c = &m->cfg;
	struct nvme_id_ctrl *id = &m->id_ctrl;
	memset(id, 0, sizeof(*id));
	id->vid = c->vid;
	id->ssvid = c->ssvid;
	pad_copy(id->sn, sizeof(id->sn), m->sn);
	pad_copy(id->mn, sizeof(id->mn), m->mn);
	pad_copy(id->fr, sizeof(id->fr), m->fr);
	id->rab = 6;
	id->ieee[0] = 0x00;
	id->ieee[1] = 0x54;
	id->ieee[2] = 0x52;
	id->mdts = c->mdts;
	id->cntlid = c->cntlid;
	id->ver = c->vs;
	id->rtd3r = c->rtd3r;
	id->rtd3e = c->rtd3e;
	id->oacs = c->oacs;
	id->acl = c->acl;
	id->aerl = c->aerl;
	id->frmw = c->frmw;
	id->lpa = c->lpa;
	id->elpe = c->elpe;
	id->npss = c->npss;
	id->wctemp = 0x157;
	id->cctemp = 0x175;
	id->sqes = c->sqes;
	id->cqes = c->cqes;
	id->nn = m->nn;
	id->oncs = c->oncs;
	id->vwc = c->vwc;
	id->sgls = c->sgls;
	snprintf(id->subnqn, sizeof(id->subnqn), "nqn.2024-01.test.nvme-model:%s", m->sn);
	id->psd[0].mp = 2500;
	model_pi_id_ctrl(m);
}

/* ------------------------------------------------------------------------ */
/* Identify                                                                  */
/* ------------------------------------------------------------------------ */

static void identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	uint32_t nsid = c->sqe.nsid;
	uint8_t *buf = calloc(1, NVME_IDENTIFY_DATA_SIZE);
	if (!buf)
		abort();

	/* NVMe 1.0 knows only CNS 00h and 01h */
	if (m->cfg.vs < NVME_VS(1, 1, 0) && cns > NVME_CNS_CTRL) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		goto out;
	}
	switch (cns) {
	case NVME_CNS_CTRL:
		if (m->cfg.strict_id_ctrl_nsid && nsid != 0) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			goto out;
		}
		memcpy(buf, &m->id_ctrl, sizeof(m->id_ctrl));
		model_id_apply_patches(m, true, 0, buf);
		break;
	case NVME_CNS_NS: {
		if (nsid == 0 || nsid == NVME_NSID_ALL || nsid > m->nn) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		struct model_ns *ns = model_ns_find(m, nsid);
		if (ns) {   /* an inactive NSID returns zeros */
			model_ns_fill_id(m, ns, (struct nvme_id_ns *)buf);
			model_id_apply_patches(m, false, nsid, buf);
		}
		break;
	}
	case NVME_CNS_ACTIVE_NS_LIST: {
		if (nsid >= 0xFFFFFFFEu) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		uint32_t *list = (uint32_t *)buf;
		if (m->ns_list_patch) {
			memcpy(list, m->ns_list_patch, NVME_NS_LIST_ENTRIES * sizeof(uint32_t));
			break;
		}
		uint32_t n = 0, cur = nsid;
		while (n < NVME_NS_LIST_ENTRIES && (cur = model_ns_next(m, cur)) != 0)
			list[n++] = cur;
		break;
	}
	case NVME_CNS_NS_ID_DESCRIPTORS: {
		struct model_ns *ns = model_ns_find(m, nsid);
		if (!ns) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		struct nvme_id_ns idns;
		model_ns_fill_id(m, ns, &idns);
		uint8_t *p = buf;
		p[0] = NVME_NIDT_EUI64;
		p[1] = 8;
		memcpy(p + 4, idns.eui64, 8);
		p += 12;
		p[0] = NVME_NIDT_NGUID;
		p[1] = 16;
		memcpy(p + 4, idns.nguid, 16);
		break;
	}
	default:
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		goto out;
	}
	c->status = model_to_host(c, buf, NVME_IDENTIFY_DATA_SIZE);
out:
	free(buf);
}

/* ------------------------------------------------------------------------ */
/* Queues                                                                    */
/* ------------------------------------------------------------------------ */

/* Base (PC=1) or page list (PC=0) of a queue of `bytes`; 0 or a status. */
static uint16_t queue_memory(struct model_cmd *c, bool pc, uint64_t bytes, uint64_t *base,
			     uint64_t **pages, uint32_t *npages)
{
	struct nvme_model *m = c->m;
	uint64_t prp1 = c->sqe.dptr.prp.prp1;
	uint64_t P = m->page_size;
	*pages = NULL;
	*npages = 0;
	*base = prp1;
	if (prp1 & (P - 1))
		return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
	if (prp1 == 0)
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	uint32_t n = (uint32_t)((bytes + P - 1) / P);
	if (pc) {
		for (uint64_t off = 0; off < bytes; off += 4096) {
			uint64_t k = bytes - off < 4096 ? bytes - off : 4096;
			if (!m->cfg.translate(m->cfg.translate_ctx, prp1 + off, (size_t)k, true)) {
				model_error(m, "queue memory %#llx+%llu not reachable",
					    (unsigned long long)prp1, (unsigned long long)bytes);
				return MODEL_GEN(NVME_SC_INVALID_FIELD);
			}
		}
		return 0;
	}
	uint64_t *p = calloc(n, sizeof(*p));
	if (!p)
		abort();
	if (!model_dma_read(m, prp1, p, (uint64_t)n * 8u)) {
		free(p);
		return MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
	}
	for (uint32_t i = 0; i < n; i++) {
		if ((p[i] & (P - 1)) || p[i] == 0) {
			free(p);
			return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
		}
	}
	*pages = p;
	*npages = n;
	return 0;
}

static void create_cq(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint32_t qid = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_CREATE_CQ_CDW10_QID);
	uint32_t qsize = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_CREATE_CQ_CDW10_QSIZE);
	bool pc = NVME_GET(c->sqe.cdw11, NVME_CREATE_CQ_CDW11_PC) != 0;
	bool ien = NVME_GET(c->sqe.cdw11, NVME_CREATE_CQ_CDW11_IEN) != 0;
	uint32_t iv = (uint32_t)NVME_GET(c->sqe.cdw11, NVME_CREATE_CQ_CDW11_IV);

	if (qid == 0 || qid > m->cfg.max_io_cq || m->cq[qid]) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_IDENTIFIER);
		return;
	}
	if (qsize == 0 || qsize > m->cfg.mqes) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_SIZE);
		return;
	}
	if (!pc && m->cfg.cqr) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if ((ien || iv) && iv >= m->cfg.msix_vectors) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_INTERRUPT_VECTOR);
		return;
	}
	uint64_t base, *pages;
	uint32_t npages;
	c->status = queue_memory(c, pc, (uint64_t)(qsize + 1) * NVME_CQE_SIZE, &base, &pages, &npages);
	if (c->status)
		return;
	struct model_cq *cq = model_cq_new(m, (uint16_t)qid, qsize + 1, pc, base, pages, npages);
	free(pages);
	cq->ien = ien;
	cq->iv = (uint16_t)iv;
	m->io_queue_created = true;
	m->stats.io_cq_created++;
}

static void create_sq(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint32_t qid = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_CREATE_SQ_CDW10_QID);
	uint32_t qsize = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_CREATE_SQ_CDW10_QSIZE);
	bool pc = NVME_GET(c->sqe.cdw11, NVME_CREATE_SQ_CDW11_PC) != 0;
	uint32_t cqid = (uint32_t)NVME_GET(c->sqe.cdw11, NVME_CREATE_SQ_CDW11_CQID);

	if (cqid == 0 || !model_cq_get(m, cqid)) {
		c->status = MODEL_CMDSPEC(NVME_SC_COMPLETION_QUEUE_INVALID);
		return;
	}
	if (qid == 0 || qid > m->cfg.max_io_sq || m->sq[qid]) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_IDENTIFIER);
		return;
	}
	if (qsize == 0 || qsize > m->cfg.mqes) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_SIZE);
		return;
	}
	if (!pc && m->cfg.cqr) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint64_t base, *pages;
	uint32_t npages;
	c->status = queue_memory(c, pc, (uint64_t)(qsize + 1) * NVME_SQE_SIZE, &base, &pages, &npages);
	if (c->status)
		return;
	struct model_sq *sq = model_sq_new(m, (uint16_t)qid, qsize + 1, (uint16_t)cqid, pc, base, pages, npages);
	free(pages);
	sq->qprio = (uint8_t)NVME_GET(c->sqe.cdw11, NVME_CREATE_SQ_CDW11_QPRIO);
	m->io_queue_created = true;
	m->stats.io_sq_created++;
}

static void delete_sq(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint32_t qid = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_DELETE_Q_CDW10_QID);
	if (qid == 0 || !model_sq_get(m, qid)) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_IDENTIFIER);
		return;
	}
	model_sq_delete(m, (uint16_t)qid);
}

static void delete_cq(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint32_t qid = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_DELETE_Q_CDW10_QID);
	struct model_cq *cq = qid ? model_cq_get(m, qid) : NULL;
	if (!cq) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_IDENTIFIER);
		return;
	}
	if (cq->nsq) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_QUEUE_DELETION);
		return;
	}
	model_cq_delete(m, (uint16_t)qid);
}

/* ------------------------------------------------------------------------ */
/* Abort and AER                                                             */
/* ------------------------------------------------------------------------ */

static void abort_cmd(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint16_t sqid = (uint16_t)NVME_GET(c->sqe.cdw10, NVME_ABORT_CDW10_SQID);
	uint16_t cid = (uint16_t)NVME_GET(c->sqe.cdw10, NVME_ABORT_CDW10_CID);
	c->post_now = true;
	c->dw0 = 1;   /* not aborted */
	if (model_abort_held(m, sqid, cid)) {
		c->dw0 = 0;
		return;
	}
	if (sqid == 0) {
		for (unsigned i = 0; i < m->aer_count; i++) {
			if (m->aer[i].cid != cid)
				continue;
			memmove(&m->aer[i], &m->aer[i + 1], (m->aer_count - i - 1) * sizeof(m->aer[0]));
			m->aer_count--;
			struct nvme_cqe cqe = {0};
			cqe.sqhd = (uint16_t)c->sq->head;
			cqe.cid = cid;
			cqe.status = (uint16_t)(MODEL_GEN(NVME_SC_ABORT_REQUESTED) << 1);
			model_post(m, 0, &cqe);
			c->dw0 = 0;
			return;
		}
	}
}

static void async_event(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (m->aer_count >= (unsigned)m->cfg.aerl + 1u) {
		c->status = MODEL_CMDSPEC(NVME_SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED);
		c->post_now = true;
		return;
	}
	c->no_cqe = true;
	model_aer_add(m, c->sqe.cid);
}

const struct model_opcode model_admin_core_ops[] = {
	{ NVME_ADMIN_DELETE_SQ,   delete_sq,   "Delete I/O SQ" },
	{ NVME_ADMIN_CREATE_SQ,   create_sq,   "Create I/O SQ" },
	{ NVME_ADMIN_DELETE_CQ,   delete_cq,   "Delete I/O CQ" },
	{ NVME_ADMIN_CREATE_CQ,   create_cq,   "Create I/O CQ" },
	{ NVME_ADMIN_IDENTIFY,    identify,    "Identify" },
	{ NVME_ADMIN_ABORT,       abort_cmd,   "Abort" },
	{ NVME_ADMIN_ASYNC_EVENT, async_event, "Asynchronous Event Request" },
	{ 0, NULL, NULL }
};
