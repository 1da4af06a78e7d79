/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_queue.c - submission and completion queues: doorbells, command fetch
 * and dispatch, completion posting with phase tags, full-CQ back-pressure,
 * held (deferred) completions, the CQE fault hook, asynchronous events and
 * the error log.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "nvme_model_dbbuf.h"

struct model_sq *model_sq_get(struct nvme_model *m, uint32_t qid)
{
	return qid < m->nsq_slots ? m->sq[qid] : NULL;
}

struct model_cq *model_cq_get(struct nvme_model *m, uint32_t qid)
{
	return qid < m->ncq_slots ? m->cq[qid] : NULL;
}

/* Bus address of byte off of a queue (contiguous or described by pages). */
static uint64_t q_addr(const struct nvme_model *m, bool pc, uint64_t base, const uint64_t *pages,
		       uint64_t off)
{
	if (pc)
		return base + off;
	return pages[off / m->page_size] + off % m->page_size;
}

static uint64_t *copy_pages(const uint64_t *pages, uint32_t n)
{
	if (!n)
		return NULL;
	uint64_t *p = malloc(n * sizeof(*p));
	if (!p)
		abort();
	memcpy(p, pages, n * sizeof(*p));
	return p;
}

struct model_cq *model_cq_new(struct nvme_model *m, uint16_t qid, uint32_t size,
			      bool pc, uint64_t base, const uint64_t *pages, uint32_t npages)
{
	struct model_cq *cq = calloc(1, sizeof(*cq));
	if (!cq)
		abort();
	cq->qid = qid;
	cq->size = size;
	cq->phase = 1;
	cq->pc = pc;
	cq->base = base;
	cq->pages = copy_pages(pages, npages);
	cq->npages = npages;
	m->cq[qid] = cq;
	return cq;
}

struct model_sq *model_sq_new(struct nvme_model *m, uint16_t qid, uint32_t size, uint16_t cqid,
			      bool pc, uint64_t base, const uint64_t *pages, uint32_t npages)
{
	struct model_sq *sq = calloc(1, sizeof(*sq));
	if (!sq)
		abort();
	sq->qid = qid;
	sq->size = size;
	sq->cqid = cqid;
	sq->pc = pc;
	sq->base = base;
	sq->pages = copy_pages(pages, npages);
	sq->npages = npages;
	m->sq[qid] = sq;
	m->cq[cqid]->nsq++;
	return sq;
}

static void free_backlog(struct model_cq *cq)
{
	while (cq->backlog) {
		struct model_cqe_node *n = cq->backlog;
		cq->backlog = n->next;
		free(n);
	}
	cq->backlog_tail = NULL;
	cq->backlog_len = 0;
}

static struct model_held *unlink_held(struct nvme_model *m, struct model_held *prev, struct model_held *h)
{
	struct model_held *next = h->next;
	if (prev)
		prev->next = next;
	else
		m->held = next;
	if (m->held_tail == h)
		m->held_tail = prev;
	m->held_count--;
	return next;
}

void model_sq_delete(struct nvme_model *m, uint16_t qid)
{
	struct model_sq *sq = m->sq[qid];
	/* commands still held complete as "aborted due to SQ deletion" first */
	struct model_held *prev = NULL, *h = m->held;
	while (h) {
		if (h->sqid == qid) {
			struct model_held *dead = h;
			struct nvme_cqe cqe = h->cqe;
			uint16_t cqid = h->cqid;
			h = unlink_held(m, prev, h);
			free(dead);
			cqe.sqhd = (uint16_t)sq->head;
			cqe.status = (uint16_t)(MODEL_GEN(NVME_SC_ABORTED_SQ_DELETION) << 1);
			model_post(m, cqid, &cqe);
			continue;
		}
		prev = h;
		h = h->next;
	}
	struct model_cq *cq = m->cq[sq->cqid];
	if (cq) {
		cq->nsq--;
		if (sq->stalled)
			cq->stalled_sqs--;
	}
	free(sq->pages);
	free(sq);
	m->sq[qid] = NULL;
}

void model_cq_delete(struct nvme_model *m, uint16_t qid)
{
	struct model_cq *cq = m->cq[qid];
	free_backlog(cq);
	free(cq->pages);
	free(cq);
	m->cq[qid] = NULL;
}

void model_queues_reset(struct nvme_model *m)
{
	model_dbbuf_reset(m);
	while (m->held) {
		struct model_held *h = m->held;
		m->held = h->next;
		free(h);
	}
	m->held_tail = NULL;
	m->held_count = 0;
	for (uint32_t i = 0; i < m->nsq_slots; i++)
		if (m->sq[i]) {
			free(m->sq[i]->pages);
			free(m->sq[i]);
			m->sq[i] = NULL;
		}
	for (uint32_t i = 0; i < m->ncq_slots; i++)
		if (m->cq[i]) {
			free_backlog(m->cq[i]);
			free(m->cq[i]->pages);
			free(m->cq[i]);
			m->cq[i] = NULL;
		}
}

/* ------------------------------------------------------------------------ */
/* Completion posting                                                        */
/* ------------------------------------------------------------------------ */

static bool cq_full(const struct model_cq *cq)
{
	return (cq->tail + 1) % cq->size == cq->head;
}

static bool cq_has_room(const struct model_cq *cq)
{
	return cq->backlog_len == 0 && !cq_full(cq);
}

static void cq_write(struct nvme_model *m, struct model_cq *cq, const struct nvme_cqe *in)
{
	struct nvme_cqe cqe = *in;
	cqe.status = (uint16_t)((cqe.status & ~1u) | cq->phase);
	uint64_t addr = q_addr(m, cq->pc, cq->base, cq->pages, (uint64_t)cq->tail * NVME_CQE_SIZE);
	if (!model_dma_write(m, addr, &cqe, sizeof(cqe))) {
		model_error(m, "CQ %u entry %u at bus address %#llx not writable", cq->qid, cq->tail,
			    (unsigned long long)addr);
		model_fatal(m, "CQ memory not reachable");
		return;
	}
	model_trace(m, "CQE cq %u slot %u: cid %u sqid %u sqhd %u sf %04x p %u dw0 %08x", cq->qid, cq->tail,
		    cqe.cid, cqe.sqid, cqe.sqhd, cqe.status >> 1, cq->phase, cqe.dw0);
	m->stats.cqes_posted++;
	if (++cq->tail == cq->size) {
		cq->tail = 0;
		cq->phase ^= 1u;
	}
}

static void cq_flush_backlog(struct nvme_model *m, struct model_cq *cq)
{
	while (cq->backlog && !cq_full(cq) && !(m->csts & NVME_MASK(NVME_CSTS_CFS))) {
		struct model_cqe_node *n = cq->backlog;
		cq->backlog = n->next;
		if (!cq->backlog)
			cq->backlog_tail = NULL;
		cq->backlog_len--;
		cq_write(m, cq, &n->cqe);
		free(n);
	}
}

static void cq_enqueue(struct nvme_model *m, struct model_cq *cq, const struct nvme_cqe *cqe)
{
	model_dbbuf_cq_refresh(m, cq);   /* shadow head (no-op without shadow doorbells) */
	if (cq_has_room(cq)) {
		cq_write(m, cq, cqe);
		return;
	}
	struct model_cqe_node *n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	n->cqe = *cqe;
	if (cq->backlog_tail)
		cq->backlog_tail->next = n;
	else
		cq->backlog = n;
	cq->backlog_tail = n;
	cq->backlog_len++;
}

static enum nvme_model_cqe_action apply_mangle(struct nvme_model *m, uint16_t cqid, struct nvme_cqe *cqe)
{
	struct nvme_model_mangle *r = &m->mangle;
	if (!m->mangle_on || (r->cqid != 0xFFFF && r->cqid != cqid))
		return NVME_MODEL_CQE_POST;
	if (r->skip) {
		r->skip--;
		return NVME_MODEL_CQE_POST;
	}
	if (!r->count) {
		m->mangle_on = false;
		return NVME_MODEL_CQE_POST;
	}
	if (--r->count == 0)
		m->mangle_on = false;
	if (r->what & NVME_MODEL_MANGLE_CID)
		cqe->cid = r->cid;
	if (r->what & NVME_MODEL_MANGLE_SQHD)
		cqe->sqhd = r->sqhd;
	if (r->what & NVME_MODEL_MANGLE_SQID)
		cqe->sqid = r->sqid;
	if (r->what & NVME_MODEL_MANGLE_STATUS)
		cqe->status = (uint16_t)((r->sf & 0x7FFFu) << 1);
	if (r->what & NVME_MODEL_MANGLE_DW0)
		cqe->dw0 = r->dw0;
	if (r->what & NVME_MODEL_MANGLE_DROP)
		return NVME_MODEL_CQE_DROP;
	if (r->what & NVME_MODEL_MANGLE_DUPLICATE)
		return NVME_MODEL_CQE_POST_TWICE;
	return NVME_MODEL_CQE_POST;
}

void model_post(struct nvme_model *m, uint16_t cqid, const struct nvme_cqe *in)
{
	struct model_cq *cq = model_cq_get(m, cqid);
	if (!cq) {
		model_trace(m, "completion for deleted CQ %u dropped", cqid);
		return;
	}
	struct nvme_cqe cqe = *in;
	enum nvme_model_cqe_action act = m->cqe_hook ? m->cqe_hook(m->cqe_hook_ctx, m, cqid, &cqe)
						     : apply_mangle(m, cqid, &cqe);
	if (act == NVME_MODEL_CQE_DROP)
		return;
	cq_enqueue(m, cq, &cqe);
	if (act == NVME_MODEL_CQE_POST_TWICE)
		cq_enqueue(m, cq, &cqe);
}

void nvme_model_set_cqe_hook(struct nvme_model *m, nvme_model_cqe_hook_fn fn, void *ctx)
{
	m->cqe_hook = fn;
	m->cqe_hook_ctx = ctx;
}

void nvme_model_mangle(struct nvme_model *m, const struct nvme_model_mangle *rule)
{
	m->mangle = *rule;
	m->mangle_on = rule->count != 0;
}

unsigned nvme_model_mangle_pending(const struct nvme_model *m)
{
	return m->mangle_on ? m->mangle.count : 0;
}

int nvme_model_inject_cqe(struct nvme_model *m, uint16_t cqid, uint16_t sqid, uint16_t cid,
			  uint16_t sf, uint32_t dw0)
{
	struct model_cq *cq = model_cq_get(m, cqid);
	if (!cq)
		return -1;
	struct nvme_cqe cqe = {0};
	struct model_sq *sq = model_sq_get(m, sqid);
	cqe.dw0 = dw0;
	cqe.sqhd = sq ? (uint16_t)sq->head : 0;
	cqe.sqid = sqid;
	cqe.cid = cid;
	cqe.status = (uint16_t)((sf & 0x7FFFu) << 1);
	cq_enqueue(m, cq, &cqe);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Held completions                                                          */
/* ------------------------------------------------------------------------ */

void model_hold_until(struct nvme_model *m, uint16_t sqid, uint16_t cqid, const struct nvme_cqe *cqe,
		      uint64_t release_at)
{
	struct model_held *h = calloc(1, sizeof(*h));
	if (!h)
		abort();
	h->sqid = sqid;
	h->cqid = cqid;
	h->cqe = *cqe;
	h->release_at = release_at;
	if (m->held_tail)
		m->held_tail->next = h;
	else
		m->held = h;
	m->held_tail = h;
	if (++m->held_count > m->stats.max_in_flight)
		m->stats.max_in_flight = m->held_count;
}

static void hold(struct nvme_model *m, uint16_t sqid, uint16_t cqid, const struct nvme_cqe *cqe)
{
	model_hold_until(m, sqid, cqid, cqe, m->cfg.defer_us ? model_now(m) + m->cfg.defer_us : 0);
}

static void post_held(struct nvme_model *m, struct model_held *h)
{
	struct model_sq *sq = model_sq_get(m, h->sqid);
	if (sq)
		h->cqe.sqhd = (uint16_t)sq->head;
	model_post(m, h->cqid, &h->cqe);
	free(h);
}

unsigned nvme_model_held(const struct nvme_model *m) { return m->held_count; }

unsigned nvme_model_release(struct nvme_model *m, unsigned n)
{
	unsigned done = 0;
	while (done < n && m->held) {
		struct model_held *h = m->held;
		unlink_held(m, NULL, h);
		post_held(m, h);
		done++;
	}
	return done;
}

bool nvme_model_release_nth(struct nvme_model *m, unsigned idx)
{
	struct model_held *prev = NULL, *h = m->held;
	for (unsigned i = 0; h && i < idx; i++) {
		prev = h;
		h = h->next;
	}
	if (!h)
		return false;
	unlink_held(m, prev, h);
	post_held(m, h);
	return true;
}

bool nvme_model_release_cid(struct nvme_model *m, uint16_t sqid, uint16_t cid)
{
	struct model_held *prev = NULL;
	for (struct model_held *h = m->held; h; prev = h, h = h->next)
		if (h->sqid == sqid && h->cqe.cid == cid) {
			unlink_held(m, prev, h);
			post_held(m, h);
			return true;
		}
	return false;
}

void model_release_due(struct nvme_model *m)
{
	if (!m->held)
		return;
	uint64_t now = model_now(m);
	struct model_held *prev = NULL, *h = m->held;
	while (h) {
		if (h->release_at && h->release_at <= now) {
			struct model_held *due = h;
			h = unlink_held(m, prev, h);
			post_held(m, due);
			continue;
		}
		prev = h;
		h = h->next;
	}
}

bool model_abort_held(struct nvme_model *m, uint16_t sqid, uint16_t cid)
{
	struct model_held *prev = NULL;
	for (struct model_held *h = m->held; h; prev = h, h = h->next)
		if (h->sqid == sqid && h->cqe.cid == cid) {
			unlink_held(m, prev, h);
			h->cqe.status = (uint16_t)(MODEL_GEN(NVME_SC_ABORT_REQUESTED) << 1);
			h->cqe.dw0 = 0;
			post_held(m, h);
			return true;
		}
	return false;
}

bool model_cid_in_flight(struct nvme_model *m, uint16_t sqid, uint16_t cid)
{
	for (struct model_held *h = m->held; h; h = h->next)
		if (h->sqid == sqid && h->cqe.cid == cid)
			return true;
	if (sqid == 0)
		for (unsigned i = 0; i < m->aer_count; i++)
			if (m->aer[i].cid == cid)
				return true;
	return false;
}

void nvme_model_set_defer(struct nvme_model *m, unsigned mask, uint64_t us)
{
	m->cfg.defer = mask;
	m->cfg.defer_us = us;
}

/* ------------------------------------------------------------------------ */
/* Asynchronous events and the error log                                     */
/* ------------------------------------------------------------------------ */

void model_aer_add(struct nvme_model *m, uint16_t cid)
{
	m->aer[m->aer_count++].cid = cid;
	model_aer_deliver(m);
}

void model_aer_deliver(struct nvme_model *m)
{
	while (m->aer_count) {
		unsigned e;
		for (e = 0; e < m->event_count; e++)
			if (!(m->aen_masked & (1u << m->events[e].type)))
				break;
		if (e == m->event_count)
			return;
		struct model_event ev = m->events[e];
		memmove(&m->events[e], &m->events[e + 1], (m->event_count - e - 1) * sizeof(ev));
		m->event_count--;
		uint16_t cid = m->aer[0].cid;
		memmove(&m->aer[0], &m->aer[1], (m->aer_count - 1) * sizeof(m->aer[0]));
		m->aer_count--;
		struct nvme_cqe cqe = {0};
		cqe.dw0 = (uint32_t)(NVME_SET(NVME_AER_DW0_TYPE, ev.type) | NVME_SET(NVME_AER_DW0_INFO, ev.info) |
				     NVME_SET(NVME_AER_DW0_LID, ev.lid));
		struct model_sq *asq = model_sq_get(m, 0);
		cqe.sqhd = asq ? (uint16_t)asq->head : 0;
		cqe.sqid = 0;
		cqe.cid = cid;
		m->aen_masked |= (uint8_t)(1u << ev.type);
		m->aen_lid[ev.type] = ev.lid;
		m->stats.aer_completed++;
		model_post(m, 0, &cqe);
	}
}

void model_event(struct nvme_model *m, uint8_t type, uint8_t info, uint8_t lid)
{
	type &= 7u;
	if (m->event_count == MODEL_MAX_EVENTS) {
		memmove(&m->events[0], &m->events[1], (MODEL_MAX_EVENTS - 1) * sizeof(m->events[0]));
		m->event_count--;
	}
	m->events[m->event_count].type = type;
	m->events[m->event_count].info = info;
	m->events[m->event_count].lid = lid;
	m->event_count++;
	if (m->enabled)
		model_aer_deliver(m);
}

void nvme_model_raise_event(struct nvme_model *m, uint8_t type, uint8_t info, uint8_t lid)
{
	model_event(m, type, info, lid);
}

unsigned nvme_model_aer_outstanding(const struct nvme_model *m) { return m->aer_count; }

void model_log_error(struct nvme_model *m, uint16_t sqid, uint16_t cid, uint16_t sf, uint32_t nsid)
{
	unsigned n = (unsigned)m->cfg.elpe + 1;
	memmove(&m->errlog[1], &m->errlog[0], (n - 1) * sizeof(m->errlog[0]));
	struct nvme_error_log_entry *e = &m->errlog[0];
	memset(e, 0, sizeof(*e));
	e->error_count = ++m->error_count;
	e->sqid = sqid;
	e->cid = cid;
	e->status = (uint16_t)(sf << 1);
	e->pel = 0xFFFF;
	e->nsid = nsid;
}

/* ------------------------------------------------------------------------ */
/* Fetch and execute                                                         */
/* ------------------------------------------------------------------------ */

static bool deferred(const struct nvme_model *m, const struct model_sq *sq)
{
	return (m->cfg.defer & (sq->qid == 0 ? NVME_MODEL_DEFER_ADMIN : NVME_MODEL_DEFER_IO)) != 0;
}

static void execute(struct nvme_model *m, struct model_sq *sq, const struct nvme_sqe *sqe)
{
	struct model_cmd c;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.sq = sq;
	c.sqe = *sqe;
	bool admin = sq->qid == 0;
	uint16_t sqid = sq->qid, cqid = sq->cqid;
	const char *name = admin ? m->admin_names[sqe->opc] : m->io_names[sqe->opc];

	if (admin)
		m->stats.admin_cmds++;
	else
		m->stats.io_cmds++;
	model_trace(m, "SQE sq %u cid %u opc %02x (%s) nsid %u cdw10 %08x cdw11 %08x cdw12 %08x prp1 %llx prp2 %llx",
		    sqid, sqe->cid, sqe->opc, name ? name : "?", sqe->nsid, sqe->cdw10, sqe->cdw11, sqe->cdw12,
		    (unsigned long long)sqe->dptr.prp.prp1, (unsigned long long)sqe->dptr.prp.prp2);

	model_drives_fetch_check(m, sqid, sqe->cid);
	if (model_cid_in_flight(m, sqid, sqe->cid)) {
		model_error(m, "CID %u submitted on SQ %u while a command with that CID is in flight", sqe->cid, sqid);
		c.status = MODEL_GEN(NVME_SC_CID_CONFLICT);
		c.post_now = true;
	} else if (NVME_GET(sqe->flags, NVME_SQE_FLAGS_FUSE) != NVME_FUSE_NONE) {
		c.status = MODEL_GEN(NVME_SC_INVALID_FIELD);
	} else if (admin && NVME_GET(sqe->flags, NVME_SQE_FLAGS_PSDT) != NVME_PSDT_PRP) {
		/* admin commands use PRPs on PCIe */
		c.status = MODEL_GEN(NVME_SC_INVALID_FIELD);
	} else if (m->fault && model_fault_fetch(m, &c)) {
		/* a fault rule decided the outcome (model_fault.c) */
	} else {
		model_cmd_fn fn = admin ? m->admin_ops[sqe->opc] : m->io_ops[sqe->opc];
		if (fn)
			fn(&c);
		else
			c.status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
	}
	if (c.no_cqe)
		return;
	if (c.status & 0x7FFu) {
		m->stats.cmd_errors++;
		model_log_error(m, sqid, sqe->cid, c.status, sqe->nsid);
	}
	struct nvme_cqe cqe = {0};
	cqe.dw0 = c.dw0;
	cqe.dw1 = c.dw1;
	/* the SQ may be gone if the command deleted its own queue (it cannot:
	 * admin SQ 0 is never deleted), so sq is still valid here */
	cqe.sqhd = (uint16_t)sq->head;
	cqe.sqid = sqid;
	cqe.cid = sqe->cid;
	cqe.status = (uint16_t)(c.status << 1);
	uint64_t slow = model_drives_hold_until(m, sqid, sqe->opc);
	if (c.fault_rule)
		model_fault_post(m, &c, cqid, &cqe);
	else if (slow != 0 && !c.post_now)
		model_hold_until(m, sqid, cqid, &cqe, slow);
	else if (!c.post_now && deferred(m, sq))
		hold(m, sqid, cqid, &cqe);
	else
		model_post(m, cqid, &cqe);
}

static void process_sq(struct nvme_model *m, struct model_sq *sq)
{
	/* With shadow doorbells the tail is re-read before every fetch and
	 * the EventIdx written once nothing is left (QEMU 7.2's order). */
	model_dbbuf_sq_refresh(m, sq);
	while (sq->head != sq->tail) {
		if (m->csts & NVME_MASK(NVME_CSTS_CFS))
			return;
		struct model_cq *cq = model_cq_get(m, sq->cqid);
		if (!deferred(m, sq))
			model_dbbuf_cq_refresh(m, cq);
		if (!deferred(m, sq) && !cq_has_room(cq)) {
			if (!sq->stalled) {
				sq->stalled = true;
				cq->stalled_sqs++;
				m->stats.cq_full_stalls++;
			}
			return;
		}
		if (sq->stalled) {
			sq->stalled = false;
			cq->stalled_sqs--;
		}
		struct nvme_sqe sqe;
		uint64_t stride = sq->qid != 0 ? m->drv.io_sqe_bytes : NVME_SQE_SIZE;
		uint64_t addr = q_addr(m, sq->pc, sq->base, sq->pages, (uint64_t)sq->head * stride);
		if (!model_dma_read(m, addr, &sqe, sizeof(sqe))) {
			model_error(m, "SQ %u entry %u at bus address %#llx not readable", sq->qid, sq->head,
				    (unsigned long long)addr);
			model_fatal(m, "SQ memory not reachable");
			return;
		}
		sq->head = (sq->head + 1) % sq->size;
		if (m->cfs_after_cmds && --m->cfs_after_cmds == 0) {
			model_fatal(m, "injected (command count)");
			return;
		}
		execute(m, sq, &sqe);
		model_dbbuf_sq_refresh(m, sq);
	}
	model_dbbuf_sq_done(m, sq);
}

void model_sq_kick(struct nvme_model *m, struct model_sq *sq)
{
	process_sq(m, sq);
}

void model_sq_doorbell(struct nvme_model *m, uint16_t qid, uint32_t v)
{
	m->stats.sq_doorbells++;
	struct model_sq *sq = model_sq_get(m, qid);
	if (!sq) {
		model_error(m, "SQ %u tail doorbell written (%u) but SQ %u does not exist", qid, v, qid);
		model_event(m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_INVALID_DOORBELL_WRITE, NVME_LID_ERROR);
		return;
	}
	if (v >= sq->size) {
		model_error(m, "SQ %u tail doorbell value %u >= queue size %u", qid, v, sq->size);
		model_event(m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_INVALID_DOORBELL_VALUE, NVME_LID_ERROR);
		return;
	}
	uint32_t pending = (sq->tail + sq->size - sq->head) % sq->size;
	uint32_t added = (v + sq->size - sq->tail) % sq->size;
	if (pending + added >= sq->size) {
		model_error(m, "SQ %u overrun: tail %u -> %u with head %u (more than %u entries)", qid, sq->tail, v,
			    sq->head, sq->size - 1);
		model_event(m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_INVALID_DOORBELL_VALUE, NVME_LID_ERROR);
		return;
	}
	model_dbbuf_check_mmio(m, qid, false, v);
	if (qid != 0 && m->drv.io_outstanding_max != 0) {
		unsigned held = 0;
		for (struct model_held *h = m->held; h; h = h->next)
			held += h->sqid == qid;
		if (pending + added + held > m->drv.io_outstanding_max)
			model_error(m, "SQ %u: %u commands outstanding, the controller handles %u (nvme_model_drives.h)",
				    qid, pending + added + held, m->drv.io_outstanding_max);
	}
	sq->tail = v;
	process_sq(m, sq);
}

void model_cq_doorbell(struct nvme_model *m, uint16_t qid, uint32_t v)
{
	m->stats.cq_doorbells++;
	struct model_cq *cq = model_cq_get(m, qid);
	if (!cq) {
		model_error(m, "CQ %u head doorbell written (%u) but CQ %u does not exist", qid, v, qid);
		model_event(m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_INVALID_DOORBELL_WRITE, NVME_LID_ERROR);
		return;
	}
	if (v >= cq->size) {
		model_error(m, "CQ %u head doorbell value %u >= queue size %u", qid, v, cq->size);
		model_event(m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_INVALID_DOORBELL_VALUE, NVME_LID_ERROR);
		return;
	}
	uint32_t used = (cq->tail + cq->size - cq->head) % cq->size;
	uint32_t adv = (v + cq->size - cq->head) % cq->size;
	if (adv > used) {
		model_error(m, "CQ %u head doorbell %u passes the tail (head %u, %u entries posted)", qid, v,
			    cq->head, used);
		model_event(m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_INVALID_DOORBELL_VALUE, NVME_LID_ERROR);
		return;
	}
	model_dbbuf_check_mmio(m, qid, true, v);
	cq->head = v;
	model_cq_kick(m, cq);
}

void model_cq_kick(struct nvme_model *m, struct model_cq *cq)
{
	cq_flush_backlog(m, cq);
	if (!cq->stalled_sqs)
		return;
	for (uint32_t i = 0; i < m->nsq_slots && cq->stalled_sqs; i++) {
		struct model_sq *sq = m->sq[i];
		if (sq && sq->cqid == cq->qid && sq->stalled)
			process_sq(m, sq);
	}
}
