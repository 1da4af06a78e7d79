/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_fault.c - fault injection rules (nvme_model_fault.h).
 *
 * Two hooks in the core (model_queue.c, execute()): model_fault_fetch() when
 * a command is fetched, which may decide its outcome without executing it
 * (status, CFS, gone, Abort refused, AER flood), and model_fault_post() for
 * commands that executed but whose completion a rule changes (dropped, late,
 * duplicated, wrong CID / SQ head / SQ identifier).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "nvme_model_fault.h"

#define FAULT_MAX_RULES 32

struct fault_rule {
	struct nvme_model_fault f;
	uint32_t matched;         /* commands that matched qid/opc */
	uint32_t fired;
};

struct model_fault {
	struct fault_rule rule[FAULT_MAX_RULES];
	unsigned nrules;
	uint64_t rng;
	uint32_t fired_total;
};

static struct model_fault *state(struct nvme_model *m)
{
	if (!m->fault) {
		m->fault = calloc(1, sizeof(*m->fault));
		if (!m->fault)
			abort();
		m->fault->rng = 1;
	}
	return m->fault;
}

void model_fault_destroy(struct nvme_model *m)
{
	free(m->fault);
	m->fault = NULL;
}

int nvme_model_fault_add(struct nvme_model *m, const struct nvme_model_fault *f)
{
	struct model_fault *s = state(m);
	if (s->nrules >= FAULT_MAX_RULES)
		return -1;
	struct fault_rule *r = &s->rule[s->nrules];
	memset(r, 0, sizeof(*r));
	r->f = *f;
	return (int)s->nrules++;
}

void nvme_model_fault_clear(struct nvme_model *m)
{
	if (m->fault) {
		m->fault->nrules = 0;
		m->fault->fired_total = 0;
	}
}

void nvme_model_fault_seed(struct nvme_model *m, uint64_t seed)
{
	state(m)->rng = seed ? seed : 1;
}

uint32_t nvme_model_fault_fired(const struct nvme_model *m, int id)
{
	if (!m->fault || id < 0 || (unsigned)id >= m->fault->nrules)
		return 0;
	return m->fault->rule[id].fired;
}

uint32_t nvme_model_fault_fired_total(const struct nvme_model *m)
{
	return m->fault ? m->fault->fired_total : 0;
}

/* splitmix64: deterministic per seed */
static uint64_t rng_next(struct model_fault *s)
{
	uint64_t z = (s->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static bool queue_matches(int want, uint16_t qid)
{
	if (want == NVME_MODEL_FAULT_ANY_QUEUE)
		return true;
	if (want == NVME_MODEL_FAULT_IO_QUEUES)
		return qid != 0;
	return want == (int)qid;
}

/* The first rule that fires for this command, or NULL. */
static struct fault_rule *pick(struct nvme_model *m, const struct model_cmd *c)
{
	struct model_fault *s = m->fault;
	for (unsigned i = 0; i < s->nrules; i++) {
		struct fault_rule *r = &s->rule[i];
		if (!queue_matches(r->f.qid, c->sq->qid))
			continue;
		if (r->f.opc >= 0 && r->f.opc != c->sqe.opc)
			continue;
		if ((c->sqe.cdw10 & r->f.cdw10_mask) != r->f.cdw10)
			continue;
		if (r->f.count && r->fired >= r->f.count)
			continue;
		r->matched++;
		bool fire = r->matched >= r->f.nth;
		if (fire && r->f.prob_ppm)
			fire = rng_next(s) % 1000000u < r->f.prob_ppm;
		if (!fire)
			continue;
		r->fired++;
		s->fired_total++;
		model_trace(m, "fault rule %u (kind %d) fires on sq %u cid %u opc %02x", i, (int)r->f.kind,
			    c->sq->qid, c->sqe.cid, c->sqe.opc);
		return r;
	}
	return NULL;
}

bool model_fault_fetch(struct nvme_model *m, struct model_cmd *c)
{
	struct fault_rule *r = pick(m, c);
	if (!r)
		return false;
	switch (r->f.kind) {
	case NVME_MODEL_FAULT_STATUS:
		c->status = (uint16_t)(r->f.sf & 0x7FFFu);
		return true;
	case NVME_MODEL_FAULT_CFS:
		model_fatal(m, "injected (fault rule)");
		c->no_cqe = true;
		return true;
	case NVME_MODEL_FAULT_GONE:
		m->gone = true;
		model_fatal(m, "device gone (fault rule)");   /* and it processes nothing more */
		c->no_cqe = true;
		return true;
	case NVME_MODEL_FAULT_ABORT_REFUSE:
		c->dw0 = 1;   /* not aborted */
		c->post_now = true;
		return true;
	case NVME_MODEL_FAULT_AER_FLOOD:
		if (c->sq->qid != 0 || c->sqe.opc != NVME_ADMIN_ASYNC_EVENT)
			return false;
		c->dw0 = r->f.arg ? r->f.arg
				  : (uint32_t)(NVME_SET(NVME_AER_DW0_TYPE, NVME_AER_TYPE_SMART) |
					       NVME_SET(NVME_AER_DW0_INFO, 1) | NVME_SET(NVME_AER_DW0_LID, NVME_LID_SMART));
		c->post_now = true;
		m->stats.aer_completed++;
		return true;
	default:
		/* executes; the completion is changed when posted */
		c->fault_rule = (unsigned)(r - m->fault->rule) + 1u;
		return false;
	}
}

void model_fault_post(struct nvme_model *m, struct model_cmd *c, uint16_t cqid, struct nvme_cqe *cqe)
{
	const struct fault_rule *r = &m->fault->rule[c->fault_rule - 1u];
	uint16_t sqid = c->sq->qid;
	switch (r->f.kind) {
	case NVME_MODEL_FAULT_DROP:
		model_trace(m, "fault: completion of sq %u cid %u dropped", sqid, cqe->cid);
		return;
	case NVME_MODEL_FAULT_LATE:
		model_hold_until(m, sqid, cqid, cqe, r->f.delay_us ? model_now(m) + r->f.delay_us : 0);
		return;
	case NVME_MODEL_FAULT_DUPLICATE:
		model_post(m, cqid, cqe);
		model_post(m, cqid, cqe);
		return;
	case NVME_MODEL_FAULT_WRONG_CID:
		cqe->cid ^= (uint16_t)(r->f.arg ? r->f.arg : 0x8000u);
		break;
	case NVME_MODEL_FAULT_BAD_SQHD: {
		struct model_sq *sq = model_sq_get(m, sqid);
		cqe->sqhd = (uint16_t)((sq ? sq->size : 0u) + r->f.arg);
		break;
	}
	case NVME_MODEL_FAULT_BAD_SQID:
		cqe->sqid ^= (uint16_t)(r->f.arg ? r->f.arg : 1u);
		break;
	default:
		break;
	}
	model_post(m, cqid, cqe);
}
