/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_queue.c - submission/completion rings, command slots (CIDs),
 * submit, poll, doorbells, timeouts and the synchronous wait.
 *
 * One SQ and one CQ per queue pair, same qid, same depth. A queue of depth d
 * has d-1 command slots; the slot index is the low part of the CID (the rest
 * is a generation, see slot_new_cid). Because a command occupies an SQ entry
 * only until the device fetches it, and it is fetched before it completes,
 * "at most d-1 commands in flight" also guarantees the SQ never overflows,
 * whatever the device reports as SQ head; a retry is sent only after the
 * device completed the command (or a reset emptied the rings).
 *
 * Every command completes exactly once: the slot is freed before its
 * callback runs, and everything that completes a command (a valid CQE,
 * queue deletion, reset, shutdown, detach, device gone, recovery giving up)
 * goes through slot_finish() on a slot that is not free. Recovery itself is
 * in nvme_recover.c.
 *
 * Nothing here divides or allocates on the I/O path: indices wrap by compare,
 * free slots are a linked stack, and the clock is read only every
 * NVME_POLL_CLOCK_EVERY polls (nvme_q_tick).
 */
#include "nvme_internal.h"

NVME_COLD uint32_t nvme_q_timeout_ms(const struct nvme_qpair *q)
{
	return q->qid == 0 ? q->ctrl->admin_timeout_ms : q->ctrl->io_timeout_ms;
}

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */
/* ------------------------------------------------------------------------ */

NVME_COLD static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* All slots free (generations are kept: a stale CQE stays recognisable). */
NVME_COLD static void q_reset_slots(struct nvme_qpair *q)
{
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct nvme_slot *s = &q->slots[i];
		s->cb = NULL;
		s->arg = NULL;
		s->user_buf = NULL;
		s->user_len = 0;
		s->state = NVME_SLOT_FREE;
		s->flags = 0;
		s->bounce_dir = 0;
		s->next_free = i + 1;
	}
	q->free_head = 0;
	q->in_flight = 0;
	q->expired = 0;
	q->retry_waiting = 0;
	q->bounce_busy = false;
}

NVME_COLD static void q_reset_rings(struct nvme_qpair *q)
{
	/* Phase tags start at 1 on a zeroed CQ (section 4.6). */
	__builtin_memset((void *)q->cq, 0, q->cq_bytes);
	/* the counts derived from the ring positions, kept */
	q->stats.submitted = nvme_q_submitted(q);
	q->stats.reaped = nvme_q_reaped(q);
	q->sq_laps = 0;
	q->cq_laps = 0;
	q->sq_tail = 0;
	q->sq_tail_rung = 0;
	q->sq_head = 0;
	q->cq_next = q->cq;
	q->cq_end = q->cq + q->depth;
	q->cq_head_rung = 0;
	q->slot_limit = q->nslots;
	q->sq_tail_mmio = 0;
	q->cq_head_mmio = 0;
	q->cq_phase = NVME_CQ_PHASE16;
	q->batch = 0;
	q->empty_polls = 0;
}

NVME_COLD int nvme_q_set_doorbells(struct nvme_ctrl *c, struct nvme_qpair *q)
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

/* May the Read/Write fast path use q? An I/O queue of 64-byte SQEs (128-byte
 * ones, NVME_QUIRK_SQE_128, take the general path), unless the caller asked
 * for SGLs only (NVME_DPTR_SGL), and a host dma_limit that leaves room for a
 * host page. With NVME_DPTR_AUTO on a controller that offers SGLs, a Read or
 * Write of one page still goes by PRP1 there: one address either way for
 * the device, and the general SGL path costs the driver about 420 more
 * instructions per I/O (bench/README.md, "The QD32 gap to the floor");
 * every other transfer goes by SGL. Set when the queue is allocated (after
 * q->dma_last) and again whenever c->sgl_io is chosen.
 * q->prp1_last: a buffer of at most a host page whose PRP1 is dword aligned
 * and at most prp1_last neither wraps nor ends beyond dma_limit (the fast
 * path's nvme_prp1_ok; a buffer in the last page below dma_limit takes the
 * general path, which makes the exact test). */
NVME_COLD void nvme_q_set_fast_rw(const struct nvme_ctrl *c, struct nvme_qpair *q)
{
	uint64_t page_last = (uint64_t)c->host->page_size - 1u;
	q->prp1_last = q->dma_last >= page_last ? q->dma_last - page_last : 0;
	q->fast_rw = q->qid != 0 && q->sqe_shift == 6u &&
		     !(NVME_CFG_SGL && c->sgl_io && c->cfg.dptr_mode == NVME_DPTR_SGL) &&
		     q->dma_last >= page_last;
}

NVME_COLD int nvme_q_alloc(struct nvme_ctrl *c, struct nvme_qpair *q, uint16_t qid, uint32_t depth)
{
	int rc;

	__builtin_memset(q, 0, sizeof(*q));
	q->ctrl = c;
	q->qid = qid;
	q->depth = depth;
	q->nslots = depth - 1;
	/* cid_mask >= nslots (1 << cid_shift > nslots; depth <= 65536): a
	 * CID's index bits name one of the cid_mask + 1 slots, and index
	 * cid_mask is never in use (no CID FFFFh, nvme_cid_next) */
	while ((1u << q->cid_shift) <= q->nslots)
		q->cid_shift++;
	q->cid_mask = (uint16_t)((1u << q->cid_shift) - 1u);
	q->cid_step = 1u << q->cid_shift;
	q->cqe_sqid = (uint32_t)qid << 16;
	/* NVME_QUIRK_SHARED_CIDS: the queue's own CID range qid << region
	 * shift, no generations (cid_step 0 keeps a slot's CID) */
	uint16_t cid_base = 0;
	if (c->quirks & NVME_QUIRK_SHARED_CIDS) {
		if (q->cid_shift > c->cid_region_shift ||
		    ((uint32_t)qid + 1u) << c->cid_region_shift > NVME_QUIRK_CID_LIMIT) {
			nvme_err(c, "queue %u (depth %u): no room below CID %u (quirk shared-cids)", (unsigned)qid,
				 (unsigned)depth, (unsigned)NVME_QUIRK_CID_LIMIT);
			return NVME_ERR_BAD_QUEUE;
		}
		cid_base = (uint16_t)((uint32_t)qid << c->cid_region_shift);
		q->cid_step = 0;
	}
	q->sqe_shift = (qid != 0 && (c->quirks & NVME_QUIRK_SQE_128)) ? 7u : 6u;
	q->dma_last = c->host->dma_limit - 1u;   /* dma_limit 0 (none): the largest address */
	nvme_q_set_fast_rw(c, q);
	/* I/O queues publish the CQ head once half the CQ is consumed
	 * (nvme_q_cq_consumed; a pin interrupt sets 0 at creation); the admin
	 * queue after every pass */
	q->cq_defer = qid != 0 ? depth / 2u : 0u;
	q->slot_floor = q->nslots - q->cq_defer;

	rc = nvme_q_set_doorbells(c, q);
	if (rc != 0)
		return rc;

	q->sq_bytes = round_up((size_t)depth << q->sqe_shift, c->page_size);
	q->sq = nvme_dma_alloc(c, q->sq_bytes, c->page_size, &q->sq_phys);
	if (q->sq == NULL)
		goto fail_nomem;
	q->cq_bytes = round_up((size_t)depth * NVME_CQE_SIZE, c->page_size);
	q->cq = nvme_dma_alloc(c, q->cq_bytes, c->page_size, &q->cq_phys);
	if (q->cq == NULL)
		goto free_sq;
	/* cid_mask + 1 slots: the reap's CID lookup needs no bound but the
	 * mask; those from nslots on stay free, with no CID, for good */
	q->slots_bytes = round_up(((size_t)q->cid_mask + 1u) * sizeof(struct nvme_slot), 64);
	q->slots = nvme_dma_alloc(c, q->slots_bytes, 64, &q->slots_phys);
	if (q->slots == NULL)
		goto free_cq;
	__builtin_memset(q->slots, 0, q->slots_bytes);
	for (uint32_t i = 0; i < q->nslots; i++)
		q->slots[i].cid = (uint16_t)(cid_base | i);   /* generation 0 */

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

NVME_COLD void nvme_q_free(struct nvme_ctrl *c, struct nvme_qpair *q)
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
/* Slots and CIDs                                                           */
/* ------------------------------------------------------------------------ */

/*
 * CID = generation << cid_shift | slot index. cid_shift is the number of bits
 * the slot indices need; the generation (the other 16 - cid_shift bits) is
 * bumped every time a slot is taken and every time a command is resubmitted,
 * so a completion carrying an earlier generation (a duplicate, a late
 * completion of a command given up on, or one from before a reset) is
 * recognised as stale instead of completing the slot's current command. A
 * queue of 65536 entries has no generation bits (such a late completion
 * cannot be told apart); 256 entries leave 8 bits. CID FFFFh (which the
 * Error Information log uses for "no command") is never used.
 */
static void slot_new_cid(struct nvme_qpair *q, uint32_t i)
{
	struct nvme_slot *s = &q->slots[i];
	s->cid = nvme_cid_next(q, s->cid);
}

static inline int slot_get(struct nvme_qpair *q, uint32_t *idx)
{
	struct nvme_slot *s = nvme_slot_take(q, 0);
	if (s == NULL)
		return NVME_ERR_QUEUE_FULL;
	*idx = (uint32_t)(s - q->slots);
	return 0;
}

static inline void slot_put(struct nvme_qpair *q, uint32_t i)
{
	struct nvme_slot *s = &q->slots[i];
	if (s->flags & NVME_SLOTF_EXPIRED)
		q->expired--;
	s->cb = NULL;
	s->arg = NULL;
	nvme_slot_release(q, i);
}

/* Commands the driver builds that may be sent twice without harm: a retry
 * after a retryable status or a reset. Compare is left out (a mismatch is
 * not worth repeating), and so is everything the caller builds. */
static bool opc_retryable(const struct nvme_qpair *q, uint8_t opc)
{
	if (q->qid == 0)
		return opc == NVME_ADMIN_IDENTIFY || opc == NVME_ADMIN_GET_LOG_PAGE ||
		       opc == NVME_ADMIN_GET_FEATURES;
	return opc == NVME_CMD_READ || opc == NVME_CMD_WRITE || opc == NVME_CMD_FLUSH ||
	       opc == NVME_CMD_WRITE_ZEROES || opc == NVME_CMD_VERIFY || opc == NVME_CMD_DSM;
}

/* Callback of slot i with status (cqe may be NULL); the slot is freed first. */
static void slot_finish(struct nvme_qpair *q, uint32_t i, int status, const struct nvme_cqe *cqe)
{
	struct nvme_slot *s = &q->slots[i];
	struct nvme_ctrl *c = q->ctrl;
	bool timed_out = s->state == NVME_SLOT_TIMED_OUT;
	nvme_cmd_cb cb = s->cb;
	void *arg = s->arg;

	if (s->state == NVME_SLOT_RETRY_WAIT)
		q->retry_waiting--;
	if (s->bounce_dir != 0)
		nvme_xfer_unmap(q, i, !timed_out && status == 0);
	slot_put(q, i);
	if (timed_out || cb == NULL)
		return;
	c->cb_depth++;
	cb(arg, status, cqe);
	c->cb_depth--;
}

NVME_COLD void nvme_q_give_up(struct nvme_qpair *q, uint32_t idx)
{
	struct nvme_slot *s = &q->slots[idx];
	struct nvme_ctrl *c = q->ctrl;
	nvme_cmd_cb cb = s->cb;
	void *arg = s->arg;

	if (s->state == NVME_SLOT_FREE || s->state == NVME_SLOT_TIMED_OUT)
		return;
	if (s->state == NVME_SLOT_RETRY_WAIT) {
		/* not on the device: nothing can complete it any more */
		slot_finish(q, idx, NVME_ERR_TIMEOUT, NULL);
		return;
	}
	if (s->flags & NVME_SLOTF_EXPIRED) {
		s->flags &= (uint8_t)~NVME_SLOTF_EXPIRED;
		q->expired--;
	}
	/* The device may still complete it (and DMA into the buffer): keep the
	 * CID reserved, forget the callback. */
	s->state = NVME_SLOT_TIMED_OUT;
	s->cb = NULL;
	s->arg = NULL;
	if (cb != NULL) {
		c->cb_depth++;
		cb(arg, NVME_ERR_TIMEOUT, NULL);
		c->cb_depth--;
	}
}

/* Rebuild the free list from the free slots (kept ones stay out of it). */
NVME_COLD static void q_relink_free(struct nvme_qpair *q)
{
	uint32_t head = q->nslots, n = 0;
	bool bounce = false;
	for (uint32_t i = q->nslots; i-- > 0;) {
		struct nvme_slot *s = &q->slots[i];
		if (s->state == NVME_SLOT_FREE) {
			s->flags = 0;
			s->next_free = head;
			head = i;
		} else {
			n++;
			if (s->bounce_dir != 0)
				bounce = true;
		}
	}
	q->free_head = head;
	q->in_flight = n;
	/* a kept command still owns the bounce buffer; dropped ones released
	 * it (nvme_xfer_unmap); a byte helper that borrowed it keeps it */
	if (bounce)
		q->bounce_busy = true;
	q->expired = 0;
	q->retry_waiting = 0;
}

NVME_COLD void nvme_q_drop_all(struct nvme_qpair *q, int status, bool keep)
{
	if (!q->created)
		return;
	keep = keep && q->qid != 0;
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct nvme_slot *s = &q->slots[i];
		if (s->state == NVME_SLOT_FREE || s->state == NVME_SLOT_RESUBMIT)
			continue;
		if (s->state == NVME_SLOT_TIMED_OUT) {
			/* its waiter was told already */
			if (s->bounce_dir != 0)
				nvme_xfer_unmap(q, i, false);
			slot_put(q, i);
			continue;
		}
		if (keep && (s->flags & NVME_SLOTF_RETRY) && s->tries < NVME_MAX_RETRIES) {
			if (s->state == NVME_SLOT_RETRY_WAIT)
				q->retry_waiting--;
			if (s->flags & NVME_SLOTF_EXPIRED)
				q->expired--;
			s->flags &= (uint8_t)~(NVME_SLOTF_EXPIRED | NVME_SLOTF_ABORT_SENT);
			s->state = NVME_SLOT_RESUBMIT;
			continue;
		}
		int st = status;
		if (status == NVME_ERR_ABORTED && (s->flags & NVME_SLOTF_EXPIRED))
			st = NVME_ERR_TIMEOUT;
		if (status == NVME_ERR_DEVICE_GONE)
			q->ctrl->rstats.failed_gone++;
		slot_finish(q, i, st, NULL);
	}
	if (!keep) {
		/* slots a reset kept but that will not be resubmitted */
		for (uint32_t i = 0; i < q->nslots; i++) {
			if (q->slots[i].state != NVME_SLOT_RESUBMIT)
				continue;
			if (status == NVME_ERR_DEVICE_GONE)
				q->ctrl->rstats.failed_gone++;
			slot_finish(q, i, status, NULL);
		}
	}
	/* A callback above may not submit (q is not live), so only kept slots
	 * are left. */
	q_relink_free(q);
	q_reset_rings(q);
}

NVME_COLD void nvme_q_abort_all(struct nvme_qpair *q)
{
	nvme_q_drop_all(q, NVME_ERR_ABORTED, false);
}

/* ------------------------------------------------------------------------ */
/* Doorbells                                                                */
/* ------------------------------------------------------------------------ */

/*
 * The only places that write doorbells (besides the no-progress kick in
 * nvme_q_tick). With shadow doorbells (nvme_dbbuf.c) the new value goes to
 * the shadow slot first; a full barrier orders that store before the load
 * of the EventIdx the device published (a store then a load: x86 reorders
 * those without mfence), and MMIO is written only when the update crossed
 * it. The admin queue has no EventIdx slot: always MMIO too.
 */
void nvme_q_ring_sq(struct nvme_qpair *q)
{
	uint32_t old = q->sq_tail_rung, tail = q->sq_tail;
	if (tail == old)
		return;
	/* SQEs (and PRP/SGL lists) are in DMA memory: make them visible to the
	 * device before it can see the new tail (shadow or MMIO). */
	nvme_dma_wmb();
	q->sq_tail_rung = tail;
	if (q->sdb_sq != NULL) {
		*q->sdb_sq = tail;
		q->stats.sq_shadow++;
		if (q->ei_sq != NULL) {
			nvme_mb();
			if (!nvme_dbbuf_need_event((uint16_t)*q->ei_sq, (uint16_t)tail, (uint16_t)old))
				return;
		}
	}
	nvme_q_sq_db_write(q, tail);
	if (q->sdb_sq != NULL)
		q->sq_tail_mmio = tail;
}

void nvme_q_cq_publish(struct nvme_qpair *q)
{
	uint32_t old = q->cq_head_rung, head = nvme_q_cq_head(q);
	q->cq_head_rung = head;
	q->slot_limit = q->nslots;
	/* CQE reads are finished (they were program-ordered before this store;
	 * the MMIO write helpers are compiler barriers). */
	if (q->sdb_cq != NULL) {
		nvme_compiler_barrier();
		*q->sdb_cq = head;
		q->stats.cq_shadow++;
		if (q->ei_cq != NULL) {
			nvme_mb();
			if (!nvme_dbbuf_need_event((uint16_t)*q->ei_cq, (uint16_t)head, (uint16_t)old))
				return;
		}
	}
	nvme_q_cq_db_write(q, head);
	if (q->sdb_cq != NULL)
		q->cq_head_mmio = head;
}

/* Shadow doorbells: after NVME_DBBUF_KICK_US without progress while
 * commands are in flight, the doorbells the device has not caught up with
 * are written to MMIO (see nvme_dbbuf.c). */
NVME_COLD static void q_dbbuf_kick(struct nvme_qpair *q, uint64_t now)
{
	uint64_t progress = nvme_q_submitted(q) + nvme_q_reaped(q);
	if (progress != q->kick_progress || q->in_flight == 0) {
		q->kick_progress = progress;
		q->kick_us = now;
		return;
	}
	if (now - q->kick_us < NVME_DBBUF_KICK_US)
		return;
	q->kick_us = now;
	/* Only a doorbell whose latest value went to the shadow slot alone and
	 * whose EventIdx shows that the device has not looked at it: a device
	 * that was told by MMIO, or fetched everything and is merely slow,
	 * gets nothing (it would not help). */
	bool sq = q->sq_tail_mmio != q->sq_tail_rung && (uint16_t)*q->ei_sq != (uint16_t)q->sq_tail_rung;
	/* The CQ head only matters to a device that may see the CQ full: the
	 * entries it has posted that it does not know we consumed (head - its
	 * EventIdx) plus those still to come (in flight) leave no room. */
	uint32_t ei = (uint16_t)*q->ei_cq, head = q->cq_head_rung;
	bool cq = q->cq_head_mmio != head &&
		  (ei >= q->depth || (head >= ei ? head - ei : head + q->depth - ei) + q->in_flight >= q->depth - 1u);
	if (!sq && !cq)
		return;
	q->stats.db_kicks++;
	if (sq) {
		nvme_q_sq_db_write(q, q->sq_tail_rung);
		q->sq_tail_mmio = q->sq_tail_rung;
	}
	if (cq) {
		nvme_q_cq_db_write(q, q->cq_head_rung);
		q->cq_head_mmio = q->cq_head_rung;
	}
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                   */
/* ------------------------------------------------------------------------ */

/* Copy slot idx's SQE into the ring (its CID already set). */
static void q_push(struct nvme_qpair *q, uint32_t idx)
{
	struct nvme_slot *s = &q->slots[idx];
	if (s->flags & NVME_SLOTF_SQE_SHORT) {
		/* kept by the Read/Write fast path: the fields it leaves zero */
		s->sqe.cdw2 = 0;
		s->sqe.cdw3 = 0;
		s->sqe.mptr = 0;
		s->sqe.dptr.prp.prp2 = 0;
		s->sqe.cdw13 = 0;
		s->sqe.cdw14 = 0;
		s->sqe.cdw15 = 0;
		s->flags &= (uint8_t)~NVME_SLOTF_SQE_SHORT;
	}
	nvme_trace_sqe(q, &s->sqe);
	__builtin_memcpy(nvme_q_sqe(q, q->sq_tail), &s->sqe, sizeof(s->sqe));
	if (++q->sq_tail == q->depth) {
		q->sq_tail = 0;
		q->sq_laps++;   /* stats.submitted: nvme_q_submitted */
	}
	s->epoch = q->epoch;
	s->flags &= (uint8_t)~NVME_SLOTF_STAMP;
	if (NVME_GET(s->sqe.flags, NVME_SQE_FLAGS_PSDT) != NVME_PSDT_PRP)
		q->stats.sgl_commands++;
}

/* Why q takes no command: the controller's state, or (controller ready,
 * queue not) NVME_ERR_NOT_READY. */
NVME_COLD static int q_not_live(const struct nvme_qpair *q)
{
	int rc = nvme_ctrl_usable(q->ctrl);
	return rc != 0 ? rc : NVME_ERR_NOT_READY;
}

int nvme_q_submit_flags(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
			nvme_cmd_cb cb, void *arg, unsigned flags, uint32_t *slot_out)
{
	uint32_t idx;
	int rc;

	if (!q->live)
		return q_not_live(q);
	rc = slot_get(q, &idx);
	if (rc != 0)
		return rc;

	struct nvme_slot *s = &q->slots[idx];
	s->cb = cb;
	s->arg = arg;
	if (!(flags & NVME_QF_NORETRY) && opc_retryable(q, sqe->opc))
		s->flags |= NVME_SLOTF_RETRY;
	if (flags & NVME_QF_NOTIMEOUT)
		s->flags |= NVME_SLOTF_NOTIMEOUT;
	/* The SQE is completed once, in the slot (CID, data pointer), where it
	 * stays for a retry; q_push copies it into the ring. The caller's copy
	 * is not changed. */
	__builtin_memcpy(&s->sqe, sqe, sizeof(*sqe));
	s->sqe.cid = s->cid;
	if (NVME_UNLIKELY(flags & NVME_QF_PHYS))
		rc = nvme_xfer_map_phys(q, &s->sqe, idx, buf, len);
#if NVME_CFG_PI
	else if (NVME_UNLIKELY(flags & NVME_QF_META_SGL))
		rc = nvme_pi_map_meta_sgl(q, idx, &s->sqe, buf);
#endif
	else
		rc = nvme_xfer_map(q, idx, &s->sqe, buf, len, (unsigned)NVME_GET(sqe->opc, NVME_OPC_XFER));
	if (rc != 0) {
		slot_put(q, idx);
		return rc;
	}
	q_push(q, idx);
	if (q->batch == 0)
		nvme_q_ring_sq_now(q);
	if (slot_out != NULL)
		*slot_out = idx;
	return 0;
}

int nvme_q_submit(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		  nvme_cmd_cb cb, void *arg, uint32_t *slot_out)
{
	return nvme_q_submit_flags(q, sqe, buf, len, cb, arg, 0, slot_out);
}

/* Send slot idx again with a new CID (the SQE and its data pointer are
 * unchanged). */
NVME_COLD static void q_resubmit(struct nvme_qpair *q, uint32_t idx)
{
	struct nvme_slot *s = &q->slots[idx];
	if (s->state == NVME_SLOT_RETRY_WAIT)
		q->retry_waiting--;
	if (s->flags & NVME_SLOTF_EXPIRED)
		q->expired--;
	s->flags &= (uint8_t)~(NVME_SLOTF_EXPIRED | NVME_SLOTF_ABORT_SENT);
	s->state = NVME_SLOT_BUSY;
	s->tries++;
	slot_new_cid(q, idx);
	s->sqe.cid = nvme_slot_cid(q, idx);
	q->stats.retries++;
	nvme_dbg(q->ctrl, "queue %u: opcode %02x resubmitted as cid %04x (try %u)", (unsigned)q->qid,
		 (unsigned)s->sqe.opc, (unsigned)s->sqe.cid, (unsigned)s->tries + 1u);
	q_push(q, idx);
	nvme_q_ring_sq(q);
}

NVME_COLD void nvme_q_resubmit_kept(struct nvme_qpair *q)
{
	if (!q->created)
		return;
	for (uint32_t i = 0; i < q->nslots; i++) {
		if (q->slots[i].state != NVME_SLOT_RESUBMIT)
			continue;
		if (!q->live) {
			slot_finish(q, i, NVME_ERR_ABORTED, NULL);
			continue;
		}
		q->ctrl->rstats.retried++;
		q_resubmit(q, i);
	}
}

NVME_COLD void nvme_q_check_kept(struct nvme_qpair *q, const struct nvme_ns_geom *before, uint32_t n)
{
	struct nvme_ctrl *c = q->ctrl;
	if (!q->created)
		return;
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct nvme_slot *s = &q->slots[i];
		if (s->state != NVME_SLOT_RESUBMIT || s->sqe.nsid == NVME_NSID_ALL)
			continue;
		const struct nvme_ns_geom *old = NULL;
		for (uint32_t k = 0; k < n; k++)
			if (before[k].nsid == s->sqe.nsid)
				old = &before[k];
		const struct nvme_ns *now = nvme_ns_get(c, s->sqe.nsid);
		/* the same data and metadata bytes per block: the kept data
		 * pointers still describe what the command moves */
		if (old != NULL && now != NULL && now->unusable == 0 && now->lba_shift == old->lba_shift &&
		    now->meta_size == old->meta_size && now->meta_extended == old->meta_extended)
			continue;
		nvme_warn(c, "queue %u: opcode %02x for namespace %u not resubmitted: the namespace changed across the reset",
			  (unsigned)q->qid, (unsigned)s->sqe.opc, (unsigned)s->sqe.nsid);
		slot_finish(q, i, NVME_ERR_ABORTED, NULL);
	}
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

/* Validate one CQE; returns 0 or the named error (the CQE is then ignored).
 * *stale is set when the CID's slot index is valid but the command it names
 * is not in flight (free slot, earlier generation, waiting to be retried). */
static int cqe_check(const struct nvme_qpair *q, const struct nvme_cqe *e, bool *stale)
{
	*stale = false;
	if (e->sqid != q->qid)
		return NVME_ERR_BAD_SQID;
	if (e->sqhd >= q->depth)
		return NVME_ERR_BAD_SQHD;
	uint32_t idx = e->cid & q->cid_mask;
	if (idx >= q->nslots)
		return NVME_ERR_BAD_CID;
	const struct nvme_slot *s = &q->slots[idx];
	if ((s->state != NVME_SLOT_BUSY && s->state != NVME_SLOT_TIMED_OUT) ||
	    nvme_slot_cid(q, idx) != e->cid) {
		*stale = true;
		return NVME_ERR_BAD_CID;
	}
	return 0;
}

/* Delay before a retry: the Command Retry Delay the status names (CRDT1..3
 * of Identify, 100 ms units), at most the queue's timeout. */
NVME_COLD static uint64_t crd_delay_us(const struct nvme_qpair *q, int status)
{
	const struct nvme_ctrl *c = q->ctrl;
	unsigned crd = nvme_status_crd(status);
	uint64_t t = crd == 1 ? c->id.crdt1 : crd == 2 ? c->id.crdt2 : crd == 3 ? c->id.crdt3 : 0;
	uint64_t us = t * 100000u;
	uint64_t cap = (uint64_t)nvme_q_timeout_ms(q) * 1000u;
	return us < cap ? us : cap;
}

/* May the command of slot s be sent again after completing with status? */
static bool may_retry(const struct nvme_qpair *q, const struct nvme_slot *s, int status)
{
	const struct nvme_ctrl *c = q->ctrl;
	return nvme_status_is_device(status) && !nvme_status_dnr(status) && (s->flags & NVME_SLOTF_RETRY) &&
	       s->tries < NVME_MAX_RETRIES && s->state == NVME_SLOT_BUSY && q->live &&
	       c->state == NVME_CTRL_READY && !c->cfg.no_recovery;
}

/* A valid CQE for slot idx. Returns 1 if a command completed (callback run). */
static int q_handle_cqe(struct nvme_qpair *q, uint32_t idx, const struct nvme_cqe *e)
{
	struct nvme_ctrl *c = q->ctrl;
	struct nvme_slot *s = &q->slots[idx];
	int status = nvme_status_from_cqe(e);

	if (status != 0)
		q->stats.errors++;
	if (s->state == NVME_SLOT_TIMED_OUT) {
		nvme_warn(c, "queue %u: late completion of timed-out cid %04x (status %04x)", (unsigned)q->qid,
			  (unsigned)e->cid, (unsigned)e->status);
		slot_finish(q, idx, status, e);
		return 0;
	}
	/* Only the driver deletes SQs, so this is its own abort: report it like
	 * every other one (the CQE keeps the device status). */
	if (nvme_status_is(status, NVME_SCT_GENERIC, NVME_SC_ABORTED_SQ_DELETION))
		status = NVME_ERR_ABORTED;
	if (status != 0 && may_retry(q, s, status)) {
		uint64_t delay = nvme_status_crd(status) != 0 ? crd_delay_us(q, status) : 0;
		nvme_warn(c, "queue %u: opcode %02x cid %04x: %s; retrying%s", (unsigned)q->qid,
			  (unsigned)s->sqe.opc, (unsigned)e->cid, nvme_strerror(status),
			  delay != 0 ? " after the Command Retry Delay" : "");
		if (delay == 0) {
			q_resubmit(q, idx);
		} else {
			if (s->flags & NVME_SLOTF_EXPIRED) {
				s->flags &= (uint8_t)~NVME_SLOTF_EXPIRED;
				q->expired--;
			}
			s->state = NVME_SLOT_RETRY_WAIT;
			s->retry_at_us = nvme_now_us(c) + delay;
			q->retry_waiting++;
		}
		return 0;
	}
	/* The device answered our Abort: the command timed out. */
	if ((s->flags & NVME_SLOTF_EXPIRED) && nvme_status_is(status, NVME_SCT_GENERIC, NVME_SC_ABORT_REQUESTED))
		status = NVME_ERR_TIMEOUT;
	if (status == 0 && q->qid != 0)
		c->auto_resets_in_row = 0;
	slot_finish(q, idx, status, e);
	return 1;
}

/* A CQE the fast path of q_reap did not take: validate it and complete,
 * retry or ignore it. Returns 1 if a command completed. */
static __attribute__((noinline)) int q_cqe_slow(struct nvme_qpair *q, const struct nvme_cqe *e)
{
	bool stale;
	int bad = cqe_check(q, e, &stale);
	if (bad != 0) {
		q->stats.bad_completions++;
		if (stale)
			q->stats.stale_completions++;
		nvme_warn(q->ctrl, "queue %u: ignoring %sCQE (%s): cid %04x sqhd %u sqid %u status %04x",
			  (unsigned)q->qid, stale ? "stale " : "", nvme_strerror(bad), (unsigned)e->cid,
			  (unsigned)e->sqhd, (unsigned)e->sqid, (unsigned)e->status);
		return 0;
	}
	q->sq_head = e->sqhd;
	return q_handle_cqe(q, e->cid & q->cid_mask, e);
}

/* After a pass that consumed CQ entries: the CQ head (at most one
 * doorbell per pass, see nvme_q_cq_consumed) and the counters. */
static inline void q_reaped(struct nvme_qpair *q, uint32_t consumed)
{
	nvme_q_cq_consumed(q, consumed);
	q->stats.polls_with_completions++;   /* (reaped: nvme_q_reaped) */
	if (consumed > q->stats.max_per_poll)
		q->stats.max_per_poll = consumed;
}

/* A busy slot holding no bounce buffer and not marked expired, whose
 * current CID is cid and the CQE's status field 0: the completions the reap
 * fast path takes. tl is CQE dword 3 (cid | status << 16) with the phase
 * tag cleared. flags, tries, bounce_dir, state, the CID and the zero
 * half-word after it are one aligned 64-bit word (NVME_SLOT_WORD, static
 * asserts at struct nvme_slot; little-endian hosts only, nvme_arch.h): one
 * load, one mask, one compare, which holds exactly when state is BUSY,
 * bounce_dir is 0, EXPIRED is clear, the CID equals tl's and tl's status
 * half is 0. The mask's upper 33 bits are all ones (state and the CID
 * half compared whole): a sign-extended 32-bit immediate on x86_64. */
static inline bool slot_plain_busy(const struct nvme_slot *s, uint32_t tl)
{
	static const uint8_t mask_b[8] = { NVME_SLOTF_EXPIRED, 0u, 0xFFu, 0xFFu, 0xFFu, 0xFFu, 0xFFu, 0xFFu };
	static const uint8_t want_b[8] = { 0u, 0u, 0u, NVME_SLOT_BUSY, 0u, 0u, 0u, 0u };
	uint64_t w, mask, want;
	__builtin_memcpy(&w, (const unsigned char *)s + NVME_SLOT_WORD, 8);
	__builtin_memcpy(&mask, mask_b, 8);
	__builtin_memcpy(&want, want_b, 8);
	return (w & mask) == (want | (uint64_t)tl << 32);
}

/*
 * Reap up to max completions (0: a lap), and no more valid ones than there
 * are commands in flight at the start (one entry at least is looked at;
 * entries that complete nothing do not count). Every
 * CQE is read after its phase tag, copied, and then validated against the
 * copy. The fast path takes a success (status field 0) whose CID is the
 * current one of a busy slot that holds no bounce buffer and is not marked
 * expired, with a valid SQ head and this queue's SQID - exactly what
 * cqe_check and q_handle_cqe would accept and do for it; everything else
 * goes through them (q_cqe_slow). State lives in q, not in locals, across
 * callbacks: a callback may poll this queue itself (a synchronous call).
 * c->cb_depth is raised for the whole loop rather than per callback: nothing
 * else in the loop reads it.
 */
/* The accounting of a reaping pass that only the slow path changes; in
 * memory (q_reap_slow gets its address), so that only q and the count of
 * entries left live in registers across the callbacks. */
struct reap_acct {
	uint32_t max;    /* entries this pass may consume */
	uint32_t lap;    /* ... at most: the caller's max, 0 or beyond the
	                  * depth meaning a lap (q_reap_slow bounds it) */
	uint32_t cqes;   /* entries the slow path consumed */
	uint32_t lost;   /* of those, the ones that completed no command: the
	                  * pass completed consumed - lost */
};

/* A CQE the fast path of q_reap did not take (q_cqe_slow), accounted: an
 * entry that completed nothing (ignored, retried, late) does not use up
 * the in-flight budget, so a stream of stray entries is still drained a
 * lap (or the caller's max) per call. Returns the entries left. */
static __attribute__((noinline)) uint32_t q_reap_slow(struct nvme_qpair *q, const struct nvme_cqe *e,
						     struct reap_acct *a, uint32_t left)
{
	a->cqes++;
	int done = q_cqe_slow(q, e);
	a->lost += (uint32_t)(1 - done);
	uint32_t lap = a->lap - 1u < q->depth ? a->lap : q->depth;
	if (done == 0 && a->max < lap) {
		a->max++;
		left++;
	}
	return left;
}

/* The end of a pass whose cb_word did not come back to 0: fast of its
 * completions were successes the fast path took; one on an I/O queue lets
 * recovery reset again if it has to. (A success of the slow path does the
 * same in q_handle_cqe.) */
NVME_COLD static __attribute__((noinline)) void q_reap_nested_or_reset(struct nvme_qpair *q, struct nvme_ctrl *c,
							     uint32_t fast)
{
	if (c->auto_resets_in_row != 0 && fast != 0 && q->qid != 0)
		c->auto_resets_in_row = 0;
}

NVME_HOT_INLINE int q_reap(struct nvme_qpair *q, uint32_t max)
{
	struct reap_acct slow = { 0, 0, 0, 0 };

	/* At most the commands in flight (at least one entry is looked at, so
	 * a stray one is consumed even when nothing is in flight): the pass
	 * ends without reading the phase of an entry that cannot be valid yet.
	 * Commands a callback submits during the pass are reaped by the next
	 * one. in_flight < depth: never more than a lap. */
	uint32_t lim = q->in_flight + (q->in_flight == 0);
	slow.lap = max;   /* 0, or beyond the depth: a lap (at most one per call) */
	if (NVME_LIKELY(max == 0)) {
		max = lim;   /* a lap is more than lim */
	} else {
		if (max > q->depth)
			max = q->depth;
		if (max > lim)
			max = lim;
	}
	uint32_t left = max;
	slow.max = max;
	q->ctrl->cb_depth++;   /* (stats.polls: counted below, by outcome) */

	do {   /* max >= 1 */
		/* the CQ cursor: the entry, and its phase tag where it sits in
		 * dword 3 (NVME_CQ_PHASE16) */
		volatile struct nvme_cqe *slot = q->cq_next;
		uint32_t phase = q->cq_phase;
		if (((((const volatile uint32_t *)slot)[3] ^ phase) & NVME_CQ_PHASE16) != 0)
			break;
		/* The phase tag says the entry is new; its other fields must be
		 * read after the tag (weakly ordered CPUs). */
		nvme_dma_rmb();
		uint64_t w[2];
		w[0] = ((const volatile uint64_t *)slot)[0];   /* dw0, dw1 */
		w[1] = ((const volatile uint64_t *)slot)[1];   /* sqhd, sqid, cid, status */
		struct nvme_cqe e;
		__builtin_memcpy(&e, w, sizeof(e));
		if (NVME_UNLIKELY(++slot == q->cq_end)) {
			slot = q->cq;
			q->cq_phase = phase ^ NVME_CQ_PHASE16;
			q->cq_laps++;   /* stats.reaped: nvme_q_reaped */
		}
		q->cq_next = slot;
		nvme_trace_cqe(q, &e);

		uint32_t hd = (uint32_t)w[1];           /* sqhd | sqid << 16 */
		uint32_t tl = (uint32_t)(w[1] >> 32);   /* cid | status << 16 */
		/* sqid == qid and sqhd < depth in one compare (depth <= 65536);
		 * the CID's index bits name one of the cid_mask + 1 slots (those
		 * from nslots on are never busy) */
		if (NVME_CFG_FAST_PATH && NVME_LIKELY(hd - q->cqe_sqid < q->depth)) {
			uint32_t idx = tl & q->cid_mask;
			struct nvme_slot *s = &q->slots[idx];
			/* this CID, status field 0 with the phase just seen */
			if (NVME_LIKELY(slot_plain_busy(s, tl ^ phase))) {
				nvme_cmd_cb cb = s->cb;
				q->sq_head = (uint16_t)hd;
				nvme_slot_release(q, idx);
				if (cb != NULL)
					cb(s->arg, 0, &e);   /* arg: release leaves it */
				continue;
			}
		}
		left = q_reap_slow(q, &e, &slow, left);
	} while (--left != 0);

	struct nvme_ctrl *c = q->ctrl;
	uint32_t consumed = slow.max - left;
	/* cb_depth back down; the word nonzero: this pass was nested in a
	 * callback, or recovery reset the controller since the last I/O
	 * success (auto_resets_in_row) */
	if (NVME_UNLIKELY(--c->cb_word != 0))
		q_reap_nested_or_reset(q, c, consumed - slow.cqes);
	if (consumed != 0)
		q_reaped(q, consumed);
	else
		q->polls_empty++;
	return (int)(consumed - slow.lost);
}

int nvme_q_poll(struct nvme_qpair *q, uint32_t max)
{
	if (q->depth == 0)
		return 0;   /* no rings (not created) */
	return q_reap(q, max);
}

int nvme_q_reap(struct nvme_qpair *q)
{
	return q->created ? nvme_q_poll(q, 0) : 0;
}

/* ------------------------------------------------------------------------ */
/* Timeouts                                                                 */
/* ------------------------------------------------------------------------ */

/*
 * No clock read on submit or completion: each slot records the queue's epoch
 * when it is (re)submitted (the Read/Write fast path sets NVME_SLOTF_STAMP
 * instead, and the tick that ends that epoch writes it), and a tick (a poll every NVME_POLL_CLOCK_EVERY
 * polls, a synchronous wait, nvme_ctrl_check_timeouts) starts a new epoch
 * when at least timeout/NVME_TIMEOUT_EPOCHS has passed since the last one.
 * A command is expired once more than NVME_TIMEOUT_EPOCHS epochs have begun
 * after its submission: never before its timeout, and at most one epoch
 * (1/16 of the timeout) after it when the host polls at least that often.
 * A host that polls rarely makes epochs longer, never shorter.
 */
NVME_COLD uint32_t nvme_q_tick(struct nvme_qpair *q, uint64_t now)
{
	if (!q->created)
		return 0;
	if (q->retry_waiting != 0) {
		for (uint32_t i = 0; i < q->nslots && q->retry_waiting != 0; i++) {
			struct nvme_slot *s = &q->slots[i];
			if (s->state != NVME_SLOT_RETRY_WAIT || (int64_t)(now - s->retry_at_us) < 0)
				continue;
			if (q->live)
				q_resubmit(q, i);
		}
	}
	if (q->ei_sq != NULL)
		q_dbbuf_kick(q, now);
	if (q->in_flight == 0) {
		q->tick_us = now;   /* idle: the next command starts a fresh epoch */
		return 0;
	}
	uint64_t epoch_us = ((uint64_t)nvme_q_timeout_ms(q) * 1000u + NVME_TIMEOUT_EPOCHS - 1u) / NVME_TIMEOUT_EPOCHS;
	if (now - q->tick_us < epoch_us)
		return q->expired;
	q->tick_us = now;
	uint32_t ended = q->epoch++;
	for (uint32_t i = 0; i < q->nslots; i++) {
		struct nvme_slot *s = &q->slots[i];
		if (s->flags & NVME_SLOTF_STAMP) {
			/* submitted since the last epoch began: in the one ending */
			s->epoch = ended;
			s->flags &= (uint8_t)~NVME_SLOTF_STAMP;
		}
		if (s->state != NVME_SLOT_BUSY ||
		    (s->flags & (NVME_SLOTF_NOTIMEOUT | NVME_SLOTF_SYNC | NVME_SLOTF_EXPIRED)))
			continue;
		if (q->epoch - s->epoch > NVME_TIMEOUT_EPOCHS) {
			s->flags |= NVME_SLOTF_EXPIRED;
			q->expired++;
			q->stats.timeouts++;
			q->ctrl->rstats.timeouts++;
		}
	}
	return q->expired;
}

/* nvme_qpair_poll when the queue is not live or q is not valid (NULL, not
 * created, the device gone). */
NVME_COLD static __attribute__((noinline)) int qpair_poll_bad(struct nvme_qpair *q, uint32_t max)
{
	if (q == NULL || !q->created)
		return NVME_ERR_BAD_QUEUE;
	struct nvme_ctrl *c = q->ctrl;
	if (c->state == NVME_CTRL_GONE) {
		if (q->in_flight != 0 && c->cb_depth == 0)
			nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
		return NVME_ERR_DEVICE_GONE;
	}
	if (!q->live)
		return q_not_live(q);
	return nvme_qpair_poll(q, max);   /* not reached: live and not gone */
}

/* The timer tick (every NVME_POLL_CLOCK_EVERY polls), the CSTS check (every
 * NVME_POLL_CSTS_EVERY empty polls) and recovery of expired commands, after
 * a poll that left n >= 0 completed and commands still in flight. */
NVME_COLD static __attribute__((noinline)) int qpair_poll_timers(struct nvme_qpair *q, int n, bool tick, bool csts)
{
	struct nvme_ctrl *c = q->ctrl;
	if (tick)
		(void)nvme_q_tick(q, nvme_now_us(c));
	if (csts) {
		int rc = nvme_csts_event(c);
		if (rc == NVME_ERR_CTRL_FATAL && nvme_recover_can_reset(c))
			rc = nvme_recover_reset(c, "controller fatal status (CSTS.CFS)");
		if (rc != 0)
			return rc;
	}
	if (q->expired != 0 && nvme_recover_allowed(c)) {
		int rc = nvme_recover_expired(c);
		if (rc != 0)
			return rc;
	}
	return n;
}

int nvme_qpair_poll(struct nvme_qpair *q, uint32_t max)
{
	/* live implies created; GONE is the one state with live queues that
	 * must not be polled */
	if (NVME_UNLIKELY(q == NULL || !q->live || q->ctrl->state == NVME_CTRL_GONE))
		return qpair_poll_bad(q, max);
	int n = q_reap(q, max);
	if (NVME_LIKELY(q->in_flight == 0))
		return n;
	bool tick = (++q->tick_polls & (NVME_POLL_CLOCK_EVERY - 1u)) == 0;
	bool csts = n == 0 && (++q->empty_polls & (NVME_POLL_CSTS_EVERY - 1u)) == 0;
	if (NVME_UNLIKELY(tick || csts || q->expired != 0))
		return qpair_poll_timers(q, n, tick, csts);
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

/* The synchronous wait gives up on its command (no recovery possible). */
NVME_COLD static int exec_give_up(struct nvme_qpair *q, uint32_t idx, int err, const struct nvme_sqe *sqe,
			uint64_t waited_us)
{
	struct nvme_ctrl *c = q->ctrl;
	struct nvme_slot *s = &q->slots[idx];
	/* forget the waiter on our stack before the callback could run */
	s->cb = NULL;
	s->arg = NULL;
	nvme_q_give_up(q, idx);
	if (err == NVME_ERR_TIMEOUT) {
		q->stats.timeouts++;
		c->rstats.timeouts++;
	}
	if (err == NVME_ERR_CANCELLED) {
		/* the caller's progress hook said stop: not an error of the device */
		nvme_dbg(c, "queue %u: opcode %02x cid %04x: no longer waiting after %u ms; the device goes on",
			 (unsigned)q->qid, (unsigned)sqe->opc, (unsigned)nvme_slot_cid(q, idx),
			 (unsigned)(waited_us / 1000u));
		return err;
	}
	nvme_err(c, "queue %u: opcode %02x cid %04x %s after %u ms", (unsigned)q->qid, (unsigned)sqe->opc,
		 (unsigned)nvme_slot_cid(q, idx), err == NVME_ERR_TIMEOUT ? "timed out" : nvme_strerror(err),
		 (unsigned)(waited_us / 1000u));
	return err;
}

int nvme_q_exec_flags(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		      uint32_t timeout_ms, unsigned flags, struct nvme_cqe *cqe_out)
{
	return nvme_q_exec_hook(q, sqe, buf, len, timeout_ms, flags, cqe_out, NULL);
}

int nvme_q_exec_hook(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		     uint32_t timeout_ms, unsigned flags, struct nvme_cqe *cqe_out,
		     const struct nvme_wait_hook *hook)
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
		rc = nvme_q_submit_flags(q, sqe, buf, len, waiter_cb, &w, flags, &idx);
		if (rc != NVME_ERR_QUEUE_FULL && rc != NVME_ERR_BOUNCE_BUSY)
			break;
		if (q->batch != 0)
			nvme_q_ring_sq(q);
		int n = nvme_q_poll(q, 0);
		uint64_t now = nvme_now_us(c);
		(void)nvme_q_tick(q, now);
		if (q->expired != 0 && nvme_recover_allowed(c))
			(void)nvme_recover_expired(c);
		if (now - start >= limit)
			return NVME_ERR_TIMEOUT;
		if (n == 0 && now - last_csts >= NVME_SYNC_CSTS_US) {
			last_csts = now;
			int err = nvme_csts_event(c);
			if (err != 0)
				return err;
		}
	}
	if (rc != 0)
		return rc;
	struct nvme_slot *s = &q->slots[idx];
	s->flags |= NVME_SLOTF_SYNC;
	/* A synchronous command is never held back by a batch. */
	nvme_q_ring_sq(q);

	uint16_t cid = s->cid;
	uint64_t attempt = start;
	uint64_t next_hook = hook != NULL ? nvme_now_us(c) + hook->every_us : UINT64_MAX;
	uint64_t last_progress = start;
	for (;;) {
		int n = nvme_q_poll(q, 0);
		if (w.done)
			break;
		uint64_t now = nvme_now_us(c);
		(void)nvme_q_tick(q, now);
		if (w.done)
			break;
		if (NVME_UNLIKELY(now - last_progress >= (uint64_t)NVME_PROGRESS_INTERVAL_MS * 1000u)) {
			last_progress = now;
			nvme_wait_progress_cmd(c, q, &s->sqe, now - start);
		}
		if (s->cid != cid) {   /* resubmitted: a new attempt, a new deadline */
			cid = s->cid;
			attempt = now;
		}
		int err = 0;
		if (s->state == NVME_SLOT_RETRY_WAIT) {
			/* waiting out a Command Retry Delay: no deadline */
		} else if (now - attempt >= limit) {
			err = NVME_ERR_TIMEOUT;
		} else if (n == 0 && now - last_csts >= NVME_SYNC_CSTS_US) {
			last_csts = now;
			err = nvme_csts_event(c);
			if (w.done)
				break;
		}
		if (err != 0) {
			if (!nvme_recover_can_reset(c) || (err != NVME_ERR_TIMEOUT && err != NVME_ERR_CTRL_FATAL))
				return exec_give_up(q, idx, err, sqe, now - start);
			if (err == NVME_ERR_TIMEOUT) {
				if (!(s->flags & NVME_SLOTF_EXPIRED)) {
					s->flags |= NVME_SLOTF_EXPIRED;
					q->expired++;
					q->stats.timeouts++;
					c->rstats.timeouts++;
				}
				(void)nvme_recover_slot(c, q, idx);
			} else {
				(void)nvme_recover_reset(c, "controller fatal status");
			}
			if (w.done)
				break;
			if (s->cid == cid || s->state == NVME_SLOT_FREE)
				return exec_give_up(q, idx, err, sqe, nvme_now_us(c) - start);
			continue;
		}
		if (q->expired != 0 && nvme_recover_allowed(c)) {
			(void)nvme_recover_expired(c);
			if (w.done)
				break;
		}
		if (NVME_UNLIKELY(now >= next_hook)) {
			int stop = hook->fn(hook->arg, now - start, &w.done);
			next_hook = nvme_now_us(c) + hook->every_us;
			if (w.done)
				break;   /* done meanwhile: that wins over a stop */
			if (stop != 0)
				return exec_give_up(q, idx, NVME_ERR_CANCELLED, sqe, nvme_now_us(c) - start);
		}
		if (n == 0)
			nvme_idle(c, q->qid, now - attempt);
	}
	if (cqe_out != NULL)
		*cqe_out = w.cqe;
	return w.status;
}

int nvme_q_exec(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		uint32_t timeout_ms, struct nvme_cqe *cqe_out)
{
	return nvme_q_exec_flags(q, sqe, buf, len, timeout_ms, 0, cqe_out);
}

/* ------------------------------------------------------------------------ */
/* Accessors                                                                */
/* ------------------------------------------------------------------------ */

NVME_COLD uint32_t nvme_qpair_in_flight(const struct nvme_qpair *q)
{
	return (q != NULL && q->created) ? q->in_flight : 0;
}

NVME_COLD uint32_t nvme_qpair_free_slots(const struct nvme_qpair *q)
{
	return (q != NULL && q->created) ? q->nslots - q->in_flight : 0;
}

NVME_COLD bool nvme_qpair_live(const struct nvme_qpair *q)
{
	return q != NULL && q->created && q->live;
}

NVME_COLD uint16_t nvme_qpair_id(const struct nvme_qpair *q)
{
	return q != NULL ? q->qid : 0;
}

NVME_COLD uint32_t nvme_qpair_depth(const struct nvme_qpair *q)
{
	return (q != NULL && q->created) ? q->depth : 0;
}

NVME_COLD void nvme_qpair_stats_get(const struct nvme_qpair *q, struct nvme_qpair_stats *out)
{
	if (out == NULL)
		return;
	if (q == NULL) {
		__builtin_memset(out, 0, sizeof(*out));
		return;
	}
	*out = q->stats;
	out->submitted = nvme_q_submitted(q);
	out->polls = q->stats.polls_with_completions + q->polls_empty;
	out->reaped = nvme_q_reaped(q);
	/* every consumed CQE is either valid (completed) or ignored (bad): not
	 * counted on the I/O path */
	out->completed = out->reaped - q->stats.bad_completions;
	out->in_flight = q->in_flight;
}

NVME_COLD void nvme_qpair_stats_reset(struct nvme_qpair *q)
{
	if (q == NULL)
		return;
	__builtin_memset(&q->stats, 0, sizeof(q->stats));
	q->polls_empty = 0;
	/* the derived counts start again from 0 here (modulo 2^64) */
	q->stats.submitted = 0u - nvme_q_submitted(q);
	q->stats.reaped = 0u - nvme_q_reaped(q);
}
