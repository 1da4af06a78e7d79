/*
 * nvme_queue.c - submission/completion rings, command slots (CIDs),
 * submit, poll and doorbells.
 *
 * One SQ and one CQ per queue pair, same qid, same depth. A queue of depth d
 * has d-1 command slots; the slot index is the CID. Because a command occupies
 * an SQ entry only until the device fetches it, and it is fetched before it
 * completes, "at most d-1 commands in flight" also guarantees the SQ never
 * overflows, whatever the device reports as SQ head.
 *
 * Nothing here divides or allocates on the I/O path: indices wrap by compare,
 * free slots are a linked stack.
 */
#include "nvme_internal.h"

uint32_t nvme_q_timeout_ms(const struct nvme_qpair *q)
{
	return q->qid == 0 ? q->ctrl->admin_timeout_ms : q->ctrl->io_timeout_ms;
}

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */
/* ------------------------------------------------------------------------ */

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void q_reset_slots(struct nvme_qpair *q)
{
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct nvme_slot *s = &q->slots[i];
		s->cb = NULL;
		s->arg = NULL;
		s->user_buf = NULL;
		s->user_len = 0;
		s->state = NVME_SLOT_FREE;
		s->bounce_dir = 0;
		s->next_free = i + 1;
	}
	q->free_head = 0;
	q->in_flight = 0;
	q->bounce_busy = false;
}

static void q_reset_rings(struct nvme_qpair *q)
{
	/* Phase tags start at 1 on a zeroed CQ (section 4.6). */
	__builtin_memset((void *)q->cq, 0, q->cq_bytes);
	q->sq_tail = 0;
	q->sq_tail_rung = 0;
	q->sq_head = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
	q->batch = 0;
	q->empty_polls = 0;
}

int nvme_q_set_doorbells(struct nvme_ctrl *c, struct nvme_qpair *q)
{
	/* 64-bit arithmetic: DSTRD up to 15 and qid up to 65535 overflow 32 bits */
	uint64_t stride = (uint64_t)4u << c->dstrd;
	uint64_t sq = NVME_REG_DBS + (2u * (uint64_t)q->qid) * stride;
	uint64_t cq = sq + stride;

	if (cq + 4u > c->bar_size) {
		nvme_err(c, "queue %u doorbell at %llx lies beyond BAR0 size %llx (CAP.DSTRD %u)",
			 (unsigned)q->qid, (unsigned long long)cq, (unsigned long long)c->bar_size,
			 (unsigned)c->dstrd);
		return NVME_ERR_BAD_CAP;
	}
	q->sq_db = (uint32_t)sq;
	q->cq_db = (uint32_t)cq;
	return 0;
}

int nvme_q_alloc(struct nvme_ctrl *c, struct nvme_qpair *q, uint16_t qid, uint32_t depth)
{
	int rc;

	__builtin_memset(q, 0, sizeof(*q));
	q->ctrl = c;
	q->qid = qid;
	q->depth = depth;
	q->nslots = depth - 1;

	rc = nvme_q_set_doorbells(c, q);
	if (rc != 0)
		return rc;

	q->sq_bytes = round_up((size_t)depth * NVME_SQE_SIZE, c->page_size);
	q->sq = nvme_dma_alloc(c, q->sq_bytes, c->page_size, &q->sq_phys);
	if (q->sq == NULL)
		goto fail_nomem;
	q->cq_bytes = round_up((size_t)depth * NVME_CQE_SIZE, c->page_size);
	q->cq = nvme_dma_alloc(c, q->cq_bytes, c->page_size, &q->cq_phys);
	if (q->cq == NULL)
		goto free_sq;
	q->slots_bytes = round_up((size_t)q->nslots * sizeof(struct nvme_slot), 64);
	q->slots = nvme_dma_alloc(c, q->slots_bytes, 64, &q->slots_phys);
	if (q->slots == NULL)
		goto free_cq;

	q_reset_slots(q);
	q_reset_rings(q);
	q->created = true;
	return 0;

free_cq:
	nvme_dma_free(c, (void *)q->cq, q->cq_phys, q->cq_bytes);
	q->cq = NULL;
free_sq:
	nvme_dma_free(c, q->sq, q->sq_phys, q->sq_bytes);
	q->sq = NULL;
fail_nomem:
	nvme_err(c, "queue %u: out of DMA memory (depth %u)", (unsigned)qid, (unsigned)depth);
	return NVME_ERR_NOMEM;
}

void nvme_q_free(struct nvme_ctrl *c, struct nvme_qpair *q)
{
	if (!q->created)
		return;
	nvme_xfer_free(c, q);
	if (q->slots != NULL)
		nvme_dma_free(c, q->slots, q->slots_phys, q->slots_bytes);
	if (q->cq != NULL)
		nvme_dma_free(c, (void *)q->cq, q->cq_phys, q->cq_bytes);
	if (q->sq != NULL)
		nvme_dma_free(c, q->sq, q->sq_phys, q->sq_bytes);
	__builtin_memset(q, 0, sizeof(*q));
}

/* ------------------------------------------------------------------------ */
/* Slots                                                                    */
/* ------------------------------------------------------------------------ */

static inline int slot_get(struct nvme_qpair *q, uint32_t *idx)
{
	uint32_t i = q->free_head;
	if (i >= q->nslots)
		return NVME_ERR_QUEUE_FULL;
	q->free_head = q->slots[i].next_free;
	q->slots[i].state = NVME_SLOT_BUSY;
	q->in_flight++;
	*idx = i;
	return 0;
}

static inline void slot_put(struct nvme_qpair *q, uint32_t i)
{
	struct nvme_slot *s = &q->slots[i];
	s->state = NVME_SLOT_FREE;
	s->cb = NULL;
	s->arg = NULL;
	s->next_free = q->free_head;
	q->free_head = i;
	q->in_flight--;
}

void nvme_q_abort_all(struct nvme_qpair *q)
{
	if (!q->created)
		return;
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct nvme_slot *s = &q->slots[i];
		if (s->state == NVME_SLOT_FREE)
			continue;
		bool timed_out = s->state == NVME_SLOT_TIMED_OUT;
		nvme_cmd_cb cb = s->cb;
		void *arg = s->arg;
		if (s->bounce_dir != 0)
			nvme_xfer_unmap(q, i, false);
		slot_put(q, i);
		if (!timed_out && cb != NULL)
			cb(arg, NVME_ERR_ABORTED, NULL);
	}
	/* A callback above may not submit (q is not live), so the queue is idle. */
	q_reset_slots(q);
	q_reset_rings(q);
}

/* ------------------------------------------------------------------------ */
/* Doorbells                                                                */
/* ------------------------------------------------------------------------ */

/*
 * The only places that write doorbells. A later Doorbell Buffer Config
 * (shadow doorbell) implementation hooks in here: write the shadow value,
 * nvme_mb(), read the EventIdx, and write MMIO only when it was crossed.
 */
void nvme_q_ring_sq(struct nvme_qpair *q)
{
	if (q->sq_tail == q->sq_tail_rung)
		return;
	/* SQEs (and PRP/SGL lists) are in DMA memory: make them visible to the
	 * device before it can see the new tail. */
	nvme_dma_wmb();
	nvme_wr32(q->ctrl, q->sq_db, q->sq_tail);
	q->sq_tail_rung = q->sq_tail;
	q->stats.sq_doorbells++;
}

static void q_ring_cq(struct nvme_qpair *q)
{
	/* CQE reads are finished (they were program-ordered before this store;
	 * the MMIO write helpers are compiler barriers). */
	nvme_wr32(q->ctrl, q->cq_db, q->cq_head);
	q->stats.cq_doorbells++;
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                   */
/* ------------------------------------------------------------------------ */

int nvme_q_submit(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		  nvme_cmd_cb cb, void *arg, uint32_t *slot_out)
{
	uint32_t idx;
	int rc;

	if (!q->live) {
		struct nvme_ctrl *c = q->ctrl;
		if (c->state == NVME_CTRL_GONE)
			return NVME_ERR_DEVICE_GONE;
		return NVME_ERR_NOT_READY;
	}
	rc = slot_get(q, &idx);
	if (rc != 0)
		return rc;

	struct nvme_slot *s = &q->slots[idx];
	s->cb = cb;
	s->arg = arg;
	s->opc = sqe->opc;
	sqe->cid = (uint16_t)idx;
	rc = nvme_xfer_map(q, idx, sqe, buf, len, (unsigned)NVME_GET(sqe->opc, NVME_OPC_XFER));
	if (rc != 0) {
		slot_put(q, idx);
		return rc;
	}

	nvme_trace_sqe(q, sqe);
	__builtin_memcpy(&q->sq[q->sq_tail], sqe, sizeof(*sqe));
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
	q->stats.submitted++;
	if (NVME_GET(sqe->flags, NVME_SQE_FLAGS_PSDT) != NVME_PSDT_PRP)
		q->stats.sgl_commands++;
	if (q->batch == 0)
		nvme_q_ring_sq(q);
	if (slot_out != NULL)
		*slot_out = idx;
	return 0;
}

void nvme_qpair_batch_begin(struct nvme_qpair *q)
{
	if (q != NULL)
		q->batch++;
}

void nvme_qpair_batch_end(struct nvme_qpair *q)
{
	if (q == NULL || q->batch == 0)
		return;
	if (--q->batch == 0 && q->live)
		nvme_q_ring_sq(q);
}

/* ------------------------------------------------------------------------ */
/* Complete                                                                 */
/* ------------------------------------------------------------------------ */

/* Validate one CQE; returns 0 or the named error (the CQE is then ignored). */
static int cqe_check(const struct nvme_qpair *q, const struct nvme_cqe *e)
{
	if (e->sqid != q->qid)
		return NVME_ERR_BAD_SQID;
	if (e->sqhd >= q->depth)
		return NVME_ERR_BAD_SQHD;
	if (e->cid >= q->nslots || q->slots[e->cid].state == NVME_SLOT_FREE)
		return NVME_ERR_BAD_CID;
	return 0;
}

static int q_poll(struct nvme_qpair *q, uint32_t max)
{
	struct nvme_ctrl *c = q->ctrl;
	uint32_t consumed = 0;
	int done = 0;

	if (max == 0 || max > q->depth)
		max = q->depth;   /* at most one lap per call */
	q->stats.polls++;

	while (consumed < max) {
		volatile struct nvme_cqe *slot = &q->cq[q->cq_head];
		uint16_t st = slot->status;
		if ((st & 1u) != q->cq_phase)
			break;
		/* The phase tag says the entry is new; its other fields must be
		 * read after the tag (weakly ordered CPUs). */
		nvme_dma_rmb();
		struct nvme_cqe e;
		e.dw0 = slot->dw0;
		e.dw1 = slot->dw1;
		e.sqhd = slot->sqhd;
		e.sqid = slot->sqid;
		e.cid = slot->cid;
		e.status = slot->status;

		if (++q->cq_head == q->depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1u;
		}
		consumed++;
		nvme_trace_cqe(q, &e);

		int bad = cqe_check(q, &e);
		if (bad != 0) {
			q->stats.bad_completions++;
			nvme_warn(c, "queue %u: ignoring CQE (%s): cid %u sqhd %u sqid %u status %04x",
				  (unsigned)q->qid, nvme_strerror(bad), (unsigned)e.cid,
				  (unsigned)e.sqhd, (unsigned)e.sqid, (unsigned)e.status);
			continue;
		}
		q->sq_head = e.sqhd;

		struct nvme_slot *s = &q->slots[e.cid];
		bool timed_out = s->state == NVME_SLOT_TIMED_OUT;
		nvme_cmd_cb cb = s->cb;
		void *arg = s->arg;
		int status = nvme_status_from_cqe(&e);
		/* Only the driver deletes SQs, so this is its own abort: report
		 * it like every other one (the CQE keeps the device status). */
		if (nvme_status_is(status, NVME_SCT_GENERIC, NVME_SC_ABORTED_SQ_DELETION))
			status = NVME_ERR_ABORTED;

		if (s->bounce_dir != 0)
			nvme_xfer_unmap(q, e.cid, !timed_out && status == 0);
		slot_put(q, e.cid);
		q->stats.completed++;
		if (status != 0)
			q->stats.errors++;
		if (timed_out) {
			nvme_warn(c, "queue %u: late completion of timed-out cid %u (status %04x)",
				  (unsigned)q->qid, (unsigned)e.cid, (unsigned)e.status);
			continue;
		}
		done++;
		if (cb != NULL)
			cb(arg, status, &e);
	}

	if (consumed != 0) {
		/* One CQ head doorbell per batch of completions. */
		q_ring_cq(q);
		q->stats.polls_with_completions++;
		q->stats.reaped += consumed;
		if (consumed > q->stats.max_per_poll)
			q->stats.max_per_poll = consumed;
	}
	return done;
}

int nvme_q_reap(struct nvme_qpair *q)
{
	return q->created ? q_poll(q, 0) : 0;
}

int nvme_qpair_poll(struct nvme_qpair *q, uint32_t max)
{
	if (q == NULL || !q->created)
		return NVME_ERR_BAD_QUEUE;
	struct nvme_ctrl *c = q->ctrl;
	if (c->state == NVME_CTRL_GONE)
		return NVME_ERR_DEVICE_GONE;
	if (!q->live)
		return NVME_ERR_NOT_READY;

	int n = q_poll(q, max);
	if (n == 0 && q->in_flight != 0 &&
	    (++q->empty_polls & (NVME_POLL_CSTS_EVERY - 1u)) == 0) {
		int rc = nvme_ctrl_check_csts(c);
		if (rc != 0)
			return rc;
	}
	return n;
}

/* ------------------------------------------------------------------------ */
/* Synchronous execution                                                    */
/* ------------------------------------------------------------------------ */

struct nvme_waiter {
	bool done;
	int status;
	struct nvme_cqe cqe;
};

static void waiter_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct nvme_waiter *w = arg;
	w->done = true;
	w->status = status;
	if (cqe != NULL)
		w->cqe = *cqe;
}

int nvme_q_exec(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		uint32_t timeout_ms, struct nvme_cqe *cqe_out)
{
	struct nvme_ctrl *c = q->ctrl;
	struct nvme_waiter w = { false, 0, { 0, 0, 0, 0, 0, 0 } };
	uint64_t start = nvme_now_us(c);
	uint64_t limit = (uint64_t)timeout_ms * 1000u;
	uint64_t last_csts = start;
	uint32_t idx;
	int rc;

	if (cqe_out != NULL)
		__builtin_memset(cqe_out, 0, sizeof(*cqe_out));

	/* Take a slot (and the bounce buffer if needed), polling while busy. */
	for (;;) {
		rc = nvme_q_submit(q, sqe, buf, len, waiter_cb, &w, &idx);
		if (rc != NVME_ERR_QUEUE_FULL && rc != NVME_ERR_BOUNCE_BUSY)
			break;
		if (q->batch != 0)
			nvme_q_ring_sq(q);
		int n = q_poll(q, 0);
		uint64_t now = nvme_now_us(c);
		if (now - start >= limit)
			return NVME_ERR_TIMEOUT;
		if (n == 0 && now - last_csts >= NVME_SYNC_CSTS_US) {
			last_csts = now;
			int err = nvme_ctrl_check_csts(c);
			if (err != 0)
				return err;
		}
	}
	if (rc != 0)
		return rc;
	/* A synchronous command is never held back by a batch. */
	nvme_q_ring_sq(q);

	for (;;) {
		int n = q_poll(q, 0);
		if (w.done)
			break;
		uint64_t now = nvme_now_us(c);
		int err = 0;
		if (now - start >= limit) {
			err = NVME_ERR_TIMEOUT;
		} else if (n == 0 && now - last_csts >= NVME_SYNC_CSTS_US) {
			last_csts = now;
			err = nvme_ctrl_check_csts(c);
		}
		if (err != 0) {
			/* The device may still complete (and DMA into the buffer):
			 * keep the CID reserved, forget the waiter on our stack. */
			struct nvme_slot *s = &q->slots[idx];
			s->state = NVME_SLOT_TIMED_OUT;
			s->cb = NULL;
			s->arg = NULL;
			q->stats.timeouts++;
			nvme_err(c, "queue %u: opcode %02x cid %u %s after %u ms", (unsigned)q->qid,
				 (unsigned)sqe->opc, (unsigned)idx,
				 err == NVME_ERR_TIMEOUT ? "timed out" : nvme_strerror(err),
				 (unsigned)((now - start) / 1000u));
			return err;
		}
		if (n == 0)
			nvme_cpu_relax();
	}
	if (cqe_out != NULL)
		*cqe_out = w.cqe;
	return w.status;
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */
/* ------------------------------------------------------------------------ */

uint32_t nvme_qpair_in_flight(const struct nvme_qpair *q)
{
	return (q != NULL && q->created) ? q->in_flight : 0;
}

uint32_t nvme_qpair_free_slots(const struct nvme_qpair *q)
{
	return (q != NULL && q->created) ? q->nslots - q->in_flight : 0;
}

uint16_t nvme_qpair_id(const struct nvme_qpair *q)
{
	return q != NULL ? q->qid : 0;
}

uint32_t nvme_qpair_depth(const struct nvme_qpair *q)
{
	return (q != NULL && q->created) ? q->depth : 0;
}

void nvme_qpair_stats_get(const struct nvme_qpair *q, struct nvme_qpair_stats *out)
{
	if (out == NULL)
		return;
	if (q == NULL) {
		__builtin_memset(out, 0, sizeof(*out));
		return;
	}
	*out = q->stats;
	out->in_flight = q->in_flight;
}

void nvme_qpair_stats_reset(struct nvme_qpair *q)
{
	if (q != NULL)
		__builtin_memset(&q->stats, 0, sizeof(q->stats));
}
