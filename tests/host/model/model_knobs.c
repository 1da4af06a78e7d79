/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_knobs.c - queries of the model's state for tests, and the knobs
 * that feed bad values (Identify patches, CAP override, register-level
 * faults). Split from model_core.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

/* ------------------------------------------------------------------------ */
/* Queries                                                                   */
/* ------------------------------------------------------------------------ */

const struct nvme_model_stats *nvme_model_stats(const struct nvme_model *m) { return &m->stats; }
uint32_t nvme_model_cc(const struct nvme_model *m) { return m->cc; }
uint32_t nvme_model_csts(const struct nvme_model *m) { return m->csts; }
uint32_t nvme_model_aqa(const struct nvme_model *m) { return m->aqa; }
uint32_t nvme_model_page_size(const struct nvme_model *m) { return m->page_size; }

bool nvme_model_sq_exists(const struct nvme_model *m, uint16_t qid)
{
	return qid < m->nsq_slots && m->sq[qid];
}

bool nvme_model_cq_exists(const struct nvme_model *m, uint16_t qid)
{
	return qid < m->ncq_slots && m->cq[qid];
}

uint32_t nvme_model_sq_size(const struct nvme_model *m, uint16_t qid)
{
	return nvme_model_sq_exists(m, qid) ? m->sq[qid]->size : 0;
}

uint32_t nvme_model_cq_size(const struct nvme_model *m, uint16_t qid)
{
	return nvme_model_cq_exists(m, qid) ? m->cq[qid]->size : 0;
}

uint16_t nvme_model_sq_cqid(const struct nvme_model *m, uint16_t qid)
{
	return nvme_model_sq_exists(m, qid) ? m->sq[qid]->cqid : 0xFFFF;
}

uint32_t nvme_model_cq_irq(const struct nvme_model *m, uint16_t qid)
{
	if (!nvme_model_cq_exists(m, qid))
		return 0;
	return ((uint32_t)m->cq[qid]->ien << 16) | m->cq[qid]->iv;
}

uint8_t nvme_model_sq_prio(const struct nvme_model *m, uint16_t qid)
{
	return nvme_model_sq_exists(m, qid) ? m->sq[qid]->qprio : 0;
}

unsigned nvme_model_io_sq_count(const struct nvme_model *m)
{
	unsigned n = 0;
	for (uint32_t i = 1; i < m->nsq_slots; i++)
		n += m->sq[i] != NULL;
	return n;
}

unsigned nvme_model_io_cq_count(const struct nvme_model *m)
{
	unsigned n = 0;
	for (uint32_t i = 1; i < m->ncq_slots; i++)
		n += m->cq[i] != NULL;
	return n;
}

uint32_t nvme_model_feature(const struct nvme_model *m, uint8_t fid) { return m->feat.cur[fid]; }

uint64_t nvme_model_dirty_blocks(const struct nvme_model *m, uint32_t nsid)
{
	struct model_ns *ns = model_ns_find((struct nvme_model *)m, nsid);
	return ns ? ns->dirty : 0;
}

int nvme_model_ns_read(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n, void *buf)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns || lba > ns->blocks || n > ns->blocks - lba)
		return -1;
	model_ns_read(ns, lba, n, buf, NULL);
	return 0;
}

int nvme_model_ns_info(struct nvme_model *m, uint32_t nsid, uint32_t *lba_size, uint16_t *ms, uint64_t *blocks)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns)
		return -1;
	*lba_size = ns->lba_size;
	*ms = ns->ms;
	*blocks = ns->blocks;
	return 0;
}

int nvme_model_ns_write(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n, const void *buf)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns || lba > ns->blocks || n > ns->blocks - lba)
		return -1;
	model_ns_write(ns, lba, n, buf, NULL);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Knobs                                                                     */
/* ------------------------------------------------------------------------ */

static void add_patch(struct nvme_model *m, bool ctrl, uint32_t nsid, size_t off, const void *bytes, size_t len)
{
	const uint8_t *b = bytes;
	while (len) {
		size_t n = len > sizeof(m->patches[0].bytes) ? sizeof(m->patches[0].bytes) : len;
		if (m->npatches >= MODEL_MAX_PATCHES || off + n > 4096) {
			fprintf(stderr, "nvme-model: identify patch table full or out of range\n");
			abort();
		}
		struct model_patch *p = &m->patches[m->npatches++];
		p->ctrl = ctrl;
		p->nsid = nsid;
		p->off = (uint16_t)off;
		p->len = (uint16_t)n;
		memcpy(p->bytes, b, n);
		b += n;
		off += n;
		len -= n;
	}
}

void nvme_model_patch_id_ctrl(struct nvme_model *m, size_t off, const void *bytes, size_t len)
{
	add_patch(m, true, 0, off, bytes, len);
}

void nvme_model_patch_id_ns(struct nvme_model *m, uint32_t nsid, size_t off, const void *bytes, size_t len)
{
	add_patch(m, false, nsid, off, bytes, len);
}

void nvme_model_patch_byte_id_ctrl(struct nvme_model *m, size_t off, uint8_t v)
{
	add_patch(m, true, 0, off, &v, 1);
}

void nvme_model_patch_byte_id_ns(struct nvme_model *m, uint32_t nsid, size_t off, uint8_t v)
{
	add_patch(m, false, nsid, off, &v, 1);
}

void nvme_model_clear_patches(struct nvme_model *m)
{
	m->npatches = 0;
	nvme_model_patch_ns_list(m, NULL, ~0u);
}

void model_id_apply_patches(struct nvme_model *m, bool ctrl, uint32_t nsid, void *data)
{
	for (unsigned i = 0; i < m->npatches; i++) {
		const struct model_patch *p = &m->patches[i];
		if (p->ctrl != ctrl || (!ctrl && p->nsid && p->nsid != nsid))
			continue;
		memcpy((uint8_t *)data + p->off, p->bytes, p->len);
	}
}

void nvme_model_patch_ns_list(struct nvme_model *m, const uint32_t *list, uint32_t n)
{
	free(m->ns_list_patch);
	m->ns_list_patch = NULL;
	m->ns_list_patch_n = 0;
	if (n == ~0u)
		return;
	if (n > NVME_NS_LIST_ENTRIES)
		n = NVME_NS_LIST_ENTRIES;
	m->ns_list_patch = calloc(NVME_NS_LIST_ENTRIES, sizeof(uint32_t));
	if (!m->ns_list_patch)
		abort();
	if (n)
		memcpy(m->ns_list_patch, list, n * sizeof(uint32_t));
	m->ns_list_patch_n = n;
}

void nvme_model_set_cap(struct nvme_model *m, bool cap_set, uint64_t cap)
{
	m->cap_override = cap_set;
	m->cap_value = cap;
}

void nvme_model_set_nq_answer(struct nvme_model *m, uint32_t dw0)
{
	m->cfg.nq_answer_set = true;
	m->cfg.nq_answer = dw0;
}

void nvme_model_set_gone(struct nvme_model *m, bool gone) { m->gone = gone; }

void nvme_model_set_cfs(struct nvme_model *m, bool cfs)
{
	if (cfs)
		model_fatal(m, "injected");
	else
		m->csts &= ~(uint32_t)NVME_MASK(NVME_CSTS_CFS);
}

void nvme_model_cfs_after_csts_reads(struct nvme_model *m, uint32_t n) { m->cfs_after_reads = n; }
void nvme_model_cfs_after_cmds(struct nvme_model *m, uint32_t n) { m->cfs_after_cmds = n; }
void nvme_model_set_rdy_never(struct nvme_model *m, bool never) { m->rdy_never = never; }
void nvme_model_set_rdy_stuck(struct nvme_model *m, bool stuck) { m->rdy_stuck = stuck; }
void nvme_model_set_shst_never(struct nvme_model *m, bool never) { m->shst_never = never; }
void nvme_model_set_shst_never_normal(struct nvme_model *m, bool never) { m->shst_never_normal = never; }
void nvme_model_set_fail_enable(struct nvme_model *m, bool fail) { m->fail_enable = fail; }
