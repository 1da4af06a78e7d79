/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_util.c - see model_util.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model_util.h"

static void mt_cleanup(void *arg)
{
	struct mt *t = arg;
	nvme_model_destroy(t->m);
	host_env_destroy(t->env);
	t->m = NULL;
	t->env = NULL;
}

void mt_default_config(struct mt *t)
{
	memset(t, 0, sizeof(*t));
	nvme_model_config_init(&t->cfg);
	t->ns[0] = (struct nvme_model_ns_config){ .nsid = 1, .lba_size = 512, .blocks = 4096 };
	t->ns[1] = (struct nvme_model_ns_config){ .nsid = 2, .lba_size = 4096, .blocks = 1024 };
	t->cfg.ns = t->ns;
	t->cfg.ns_count = 2;
}

void mt_create(struct mt *t, const struct host_env_config *ecfg)
{
	t->env = host_env_create(ecfg);
	t->cfg.translate = host_env_translate;
	t->cfg.translate_ctx = t->env;
	t->cfg.clock = host_env_clock;
	t->cfg.clock_ctx = t->env;
	t->m = nvme_model_create(&t->cfg);
	if (!t->m) {
		host_env_destroy(t->env);
		t->env = NULL;
		check_fail(__FILE__, __LINE__, "nvme_model_create failed");
		check_abort_case();
	}
	t->dstrd = t->cfg.dstrd;
	check_cleanup(mt_cleanup, t);
}

uint32_t mt_rd(struct mt *t, uint32_t off) { return nvme_model_read32(t->m, off); }
void mt_wr(struct mt *t, uint32_t off, uint32_t v) { nvme_model_write32(t->m, off, v); }

static void *dma(struct mt *t, size_t size, uint64_t *phys)
{
	void *p = t->env->host.dma_alloc(t->env, size, t->page ? t->page : 4096, phys);
	if (!p)
		abort();
	return p;
}

void tq_alloc(struct mt *t, struct tq *q, uint16_t qid, uint32_t sqn, uint32_t cqn)
{
	memset(q, 0, sizeof(*q));
	q->qid = qid;
	q->sqn = sqn;
	q->cqn = cqn;
	q->phase = 1;
	q->sq_bytes = (size_t)sqn * 64;
	q->cq_bytes = (size_t)cqn * 16;
	q->sq = dma(t, q->sq_bytes, &q->sq_phys);
	q->cq = dma(t, q->cq_bytes, &q->cq_phys);
}

void tq_free(struct mt *t, struct tq *q)
{
	if (q->sq)
		t->env->host.dma_free(t->env, q->sq, q->sq_phys, q->sq_bytes);
	if (q->cq)
		t->env->host.dma_free(t->env, (void *)q->cq, q->cq_phys, q->cq_bytes);
	memset(q, 0, sizeof(*q));
}

bool mt_enable(struct mt *t, uint32_t asqn, uint32_t acqn, unsigned mps)
{
	t->page = (uint32_t)NVME_MPS_TO_BYTES(mps);
	tq_alloc(t, &t->admin, 0, asqn, acqn);
	mt_wr(t, NVME_REG_AQA, (uint32_t)(NVME_SET(NVME_AQA_ASQS, asqn - 1) | NVME_SET(NVME_AQA_ACQS, acqn - 1)));
	mt_wr(t, NVME_REG_ASQ, (uint32_t)t->admin.sq_phys);
	mt_wr(t, NVME_REG_ASQ + 4, (uint32_t)(t->admin.sq_phys >> 32));
	mt_wr(t, NVME_REG_ACQ, (uint32_t)t->admin.cq_phys);
	mt_wr(t, NVME_REG_ACQ + 4, (uint32_t)(t->admin.cq_phys >> 32));
	mt_wr(t, NVME_REG_CC, (uint32_t)(NVME_SET(NVME_CC_EN, 1) | NVME_SET(NVME_CC_MPS, mps) |
					 NVME_SET(NVME_CC_IOSQES, 6) | NVME_SET(NVME_CC_IOCQES, 4)));
	for (int i = 0; i < 1000; i++) {
		uint32_t csts = mt_rd(t, NVME_REG_CSTS);
		if (csts & 2u)
			return false;
		if (csts & 1u)
			return true;
		t->env->host.delay_us(t->env, 1000);
	}
	return false;
}

void mt_disable(struct mt *t)
{
	mt_wr(t, NVME_REG_CC, 0);
	for (int i = 0; i < 1000 && (mt_rd(t, NVME_REG_CSTS) & 1u); i++)
		t->env->host.delay_us(t->env, 1000);
	t->admin.tail = t->admin.head = 0;
	t->admin.phase = 1;
}

uint16_t tq_push(struct mt *t, struct tq *q, struct nvme_sqe *sqe, bool keep_cid)
{
	(void)t;
	if (!keep_cid)
		sqe->cid = q->next_cid++;
	q->sq[q->tail] = *sqe;
	q->tail = (q->tail + 1) % q->sqn;
	return sqe->cid;
}

void tq_ring(struct mt *t, struct tq *q)
{
	mt_wr(t, NVME_SQ_TAIL_DB(q->qid, t->dstrd), q->tail);
}

bool tq_pop(struct mt *t, struct tq *q, struct nvme_cqe *out, bool ring)
{
	struct nvme_cqe c = *(const struct nvme_cqe *)&q->cq[q->head];
	if ((c.status & 1u) != q->phase)
		return false;
	if (out)
		*out = c;
	if (++q->head == q->cqn) {
		q->head = 0;
		q->phase ^= 1u;
	}
	if (ring)
		mt_wr(t, NVME_CQ_HEAD_DB(q->qid, t->dstrd), q->head);
	return true;
}

uint16_t mt_cmd(struct mt *t, struct tq *q, struct nvme_sqe *sqe, struct nvme_cqe *cqe)
{
	struct nvme_cqe c;
	tq_push(t, q, sqe, false);
	tq_ring(t, q);
	if (!tq_pop(t, q, &c, true))
		return 0xFFFF;
	if (cqe)
		*cqe = c;
	return (uint16_t)(c.status >> 1);
}

uint16_t mt_admin(struct mt *t, struct nvme_sqe *sqe, struct nvme_cqe *cqe)
{
	return mt_cmd(t, &t->admin, sqe, cqe);
}

uint16_t mt_create_io(struct mt *t, uint32_t n)
{
	struct nvme_sqe s;
	tq_alloc(t, &t->io, 1, n, n);
	memset(&s, 0, sizeof(s));
	s.opc = NVME_ADMIN_CREATE_CQ;
	s.dptr.prp.prp1 = t->io.cq_phys;
	s.cdw10 = (uint32_t)(NVME_SET(NVME_CREATE_CQ_CDW10_QID, 1) | NVME_SET(NVME_CREATE_CQ_CDW10_QSIZE, n - 1));
	s.cdw11 = (uint32_t)NVME_SET(NVME_CREATE_CQ_CDW11_PC, 1);
	uint16_t st = mt_admin(t, &s, NULL);
	if (st)
		return st;
	memset(&s, 0, sizeof(s));
	s.opc = NVME_ADMIN_CREATE_SQ;
	s.dptr.prp.prp1 = t->io.sq_phys;
	s.cdw10 = (uint32_t)(NVME_SET(NVME_CREATE_SQ_CDW10_QID, 1) | NVME_SET(NVME_CREATE_SQ_CDW10_QSIZE, n - 1));
	s.cdw11 = (uint32_t)(NVME_SET(NVME_CREATE_SQ_CDW11_PC, 1) | NVME_SET(NVME_CREATE_SQ_CDW11_CQID, 1));
	return mt_admin(t, &s, NULL);
}

void mt_rw_sqe(struct nvme_sqe *s, uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb, uint64_t prp1,
	       uint64_t prp2)
{
	memset(s, 0, sizeof(*s));
	s->opc = opc;
	s->nsid = nsid;
	s->cdw10 = (uint32_t)slba;
	s->cdw11 = (uint32_t)(slba >> 32);
	s->cdw12 = (uint32_t)NVME_SET(NVME_RW_CDW12_NLB, nlb - 1);
	s->dptr.prp.prp1 = prp1;
	s->dptr.prp.prp2 = prp2;
}
