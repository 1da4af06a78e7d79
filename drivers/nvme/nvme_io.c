/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_io.c - namespace I/O: read, write, flush (synchronous and
 * asynchronous), I/O passthrough, and the byte-granular helpers.
 *
 * The synchronous calls split a request into commands of at most
 * ns->max_blocks (MDTS, the configured cap and the 16-bit NLB field); the
 * asynchronous calls submit exactly one command and refuse larger requests.
 */
#include "nvme_internal.h"

/* Check the namespace and pick the queue pair (NULL = default). */
static int io_prep(struct nvme_ns *ns, struct nvme_qpair **qp)
{
	if (ns == NULL || ns->ctrl == NULL || ns->nsid == 0)
		return NVME_ERR_INVAL;
	struct nvme_ctrl *c = ns->ctrl;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (ns->unusable != 0)
		return NVME_ERR_UNSUPPORTED;
	struct nvme_qpair *q = *qp != NULL ? *qp : nvme_default_qpair(c);
	if (q == NULL || q->ctrl != c || q->qid == 0 || !q->created)
		return NVME_ERR_BAD_QUEUE;
	*qp = q;
	return 0;
}

/* lba..lba+count-1 inside the namespace, without wrapping. */
static int range_ok(const struct nvme_ns *ns, uint64_t lba, uint64_t count)
{
	if (count == 0)
		return NVME_ERR_INVAL;
	if (lba >= ns->size || count > ns->size - lba)
		return NVME_ERR_LBA_RANGE;
	return 0;
}

/* Plain (data only) I/O refused: metadata that only nvme_pi.h moves. */
static int plain_ok(const struct nvme_ns *ns)
{
	return ns->cmdset.md_plain == NVME_MD_PLAIN_REFUSED ? NVME_ERR_UNSUPPORTED : 0;
}

/* io_prep, then range_ok: the checks every block I/O starts with. */
static int rw_prep(struct nvme_ns *ns, struct nvme_qpair **qp, uint64_t lba, uint64_t count)
{
	int rc = io_prep(ns, qp);
	if (rc == 0)
		rc = plain_ok(ns);
	return rc != 0 ? rc : range_ok(ns, lba, count);
}

int nvme_ns_plain_ok(const struct nvme_ns *ns)
{
	return plain_ok(ns);
}

int nvme_ns_io_prep(struct nvme_ns *ns, struct nvme_qpair **qp)
{
	return io_prep(ns, qp);
}

int nvme_ns_range_ok(const struct nvme_ns *ns, uint64_t lba, uint64_t count)
{
	return range_ok(ns, lba, count);
}

static void rw_sqe(struct nvme_sqe *sqe, uint8_t opc, uint32_t nsid, uint64_t lba, uint32_t n)
{
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = opc;
	sqe->nsid = nsid;
	sqe->cdw10 = (uint32_t)lba;
	sqe->cdw11 = (uint32_t)(lba >> 32);
	sqe->cdw12 = (uint32_t)NVME_SET(NVME_RW_CDW12_NLB, n - 1u);
}

static int rw_sync(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba,
		   uint32_t count, void *buf)
{
	int rc = rw_prep(ns, &q, lba, count);
	if (rc != 0)
		return rc;
	if (buf == NULL)
		return NVME_ERR_INVAL;

	uint8_t *p = buf;
	while (count != 0) {
		uint32_t n = nvme_min_u32(count, ns->max_blocks);
		size_t bytes = (size_t)n << ns->lba_shift;
		struct nvme_sqe sqe;
		rw_sqe(&sqe, opc, ns->nsid, lba, n);
		if (ns->cmdset.md_plain != NVME_MD_PLAIN_NONE)
			nvme_pi_plain_sqe(ns, &sqe, lba);
		rc = nvme_q_exec(q, &sqe, p, bytes, ns->ctrl->io_timeout_ms, NULL);
		if (rc != 0)
			return rc;
		p += bytes;
		lba += n;
		count -= n;
	}
	return 0;
}

int nvme_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, void *buf)
{
	return rw_sync(ns, q, NVME_CMD_READ, lba, count, buf);
}

int nvme_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, const void *buf)
{
	/* the buffer is only read (host to controller) */
	return rw_sync(ns, q, NVME_CMD_WRITE, lba, count, (void *)(uintptr_t)buf);
}

/* Flush of ns on q (NULL: the default queue): waited for (wait), or
 * submitted with cb (nvme_flush_async). */
static int flush_cmd(struct nvme_ns *ns, struct nvme_qpair *q, bool wait, nvme_cmd_cb cb, void *arg)
{
	int rc = io_prep(ns, &q);
	if (rc != 0)
		return rc;
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_CMD_FLUSH;
	sqe.nsid = ns->nsid;
	if (wait)
		return nvme_q_exec(q, &sqe, NULL, 0, ns->ctrl->io_timeout_ms, NULL);
	return nvme_q_submit(q, &sqe, NULL, 0, cb, arg, NULL);
}

int nvme_flush(struct nvme_ns *ns, struct nvme_qpair *q)
{
	return flush_cmd(ns, q, true, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Asynchronous                                                             */
/* ------------------------------------------------------------------------ */

/* The general asynchronous Read/Write: every check in its documented
 * order, then nvme_q_submit (PRP lists, SGL, bounce buffer). */
static __attribute__((noinline)) int rw_async_general(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc,
						      uint64_t lba, uint32_t count, void *buf, nvme_cmd_cb cb,
						      void *arg)
{
	int rc = rw_prep(ns, &q, lba, count);
	if (rc != 0)
		return rc;
	if (buf == NULL)
		return NVME_ERR_INVAL;
	if (count > ns->max_blocks)
		return NVME_ERR_TOO_LARGE;
	/* NLB is 0's based; max_blocks <= 65536 keeps it in its 16 bits */
	struct nvme_sqe sqe;
	rw_sqe(&sqe, opc, ns->nsid, lba, count);
	if (ns->cmdset.md_plain != NVME_MD_PLAIN_NONE)
		nvme_pi_plain_sqe(ns, &sqe, lba);
	return nvme_q_submit(q, &sqe, buf, (size_t)count << ns->lba_shift, cb, arg, NULL);
}

/*
 * The Read/Write fast path: an I/O queue pair (NULL: the default one) of a
 * READY controller, a usable namespace, a range inside it, a count within the max
 * transfer, PRP allowed (cfg.dptr_mode not NVME_DPTR_SGL), and a dword-aligned buffer
 * inside one host page - the common 4 KiB block. Such a buffer never
 * crosses a driver page (driver page = max(host page, 2^(12+MPSMIN)), both
 * powers of two) and is at most one page, which every I/O queue's max
 * transfer holds: one virt_to_phys, PRP1 only, no list, no bounce.
 *
 * Every check of rw_async_general is made (combined, in a different
 * order; the namespace's own ones - NSID, usable, no metadata to handle -
 * were made at scan into ns->cmdset.fast_blocks, and the queue's SQE size
 * and PRP mode into q->fast_rw); when one fails, or the queue is full, or
 * the translation is unusable (fails, not dword aligned, wraps, at or
 * beyond dma_limit), rw_async_general runs from the start and returns the
 * documented error in the documented order, or takes the general data path.
 *
 * The slot is taken (nvme_slot_take_at after the test nvme_slot_take
 * makes; the default queue and a CQ head to publish first are dealt with
 * out of line, rw_async_again) and the SQE written straight into the ring
 * before the translation, so only q and the slot are live across that
 * call; if the translation is unusable (not dword aligned, or beyond
 * q->prp1_last: nvme_prp1_ok, the test nvme_xfer_map makes, for a buffer
 * of at most a host page, stricter only in the last host page below
 * dma_limit) the slot goes back (nvme_slot_release) and
 * nothing was published (the tail has not moved). The slot keeps only the
 * SQE's non-zero fields for a retry (NVME_SLOTF_SQE_SHORT).
 */
typedef uint64_t nvme_u64_alias __attribute__((may_alias));

/* The fast path's translation was unusable: give the slot back and send the
 * command the general way (nvme_q_submit: bounce buffer, or the error).
 * The checks before it all passed; the command is rebuilt from the slot. */
NVME_COLD static __attribute__((noinline)) int rw_fast_fallback(struct nvme_qpair *q, struct nvme_slot *s)
{
	struct nvme_sqe sqe;
	rw_sqe(&sqe, s->sqe.opc, s->sqe.nsid, (uint64_t)s->sqe.cdw10 | (uint64_t)s->sqe.cdw11 << 32,
	       s->sqe.cdw12 + 1u);
	void *buf = s->user_buf;
	size_t len = s->user_len;
	nvme_cmd_cb cb = s->cb;
	void *arg = s->arg;

	s->user_buf = NULL;
	s->user_len = 0;
	s->cb = NULL;
	s->arg = NULL;
	nvme_slot_release(q, (uint32_t)(s - q->slots));
	return nvme_q_submit(q, &sqe, buf, len, cb, arg, NULL);
}

/* The fast path's two calls that would keep its arguments live across them,
 * out of its body (so that only q and the slot live across the one call it
 * makes, virt_to_phys): q NULL, take the default queue; no slot below
 * slot_limit, publish the CQ head (nvme_slot_take) or find the queue full.
 * Then the request starts again, or goes the general way. */
NVME_COLD static __attribute__((noinline)) int rw_async_again(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc,
							      uint64_t lba, uint32_t count, void *buf,
							      nvme_cmd_cb cb, void *arg)
{
	if (q == NULL) {
		/* (given the default queue, the general path checks the same) */
		if (ns->ctrl == NULL || (q = nvme_default_qpair(ns->ctrl)) == NULL)
			return rw_async_general(ns, q, opc, lba, count, buf, cb, arg);
	} else if (q->in_flight < q->nslots) {
		nvme_q_cq_publish(q);   /* slot_limit back to nslots */
	} else {
		return rw_async_general(ns, q, opc, lba, count, buf, cb, arg);   /* NVME_ERR_QUEUE_FULL */
	}
	return opc == NVME_CMD_READ ? nvme_read_async(ns, q, lba, count, buf, cb, arg)
				    : nvme_write_async(ns, q, lba, count, buf, cb, arg);
}

/* The fast path's doorbell with shadow doorbells on; returns 0 (a tail call
 * from it, so that its frame needs no slot for the result across the call). */
static __attribute__((noinline)) int rw_ring_shadow(struct nvme_qpair *q)
{
	nvme_q_ring_sq(q);
	return 0;
}

NVME_HOT_INLINE int rw_async(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc,
							  uint64_t lba, uint32_t count, void *buf,
							  nvme_cmd_cb cb, void *arg)
{
	if (!NVME_CFG_FAST_PATH || NVME_UNLIKELY(ns == NULL))
		goto general;
	struct nvme_ctrl *c = ns->ctrl;
	if (NVME_UNLIKELY(q == NULL))
		return rw_async_again(ns, q, opc, lba, count, buf, cb, arg);
	/* live and fast_rw (an I/O queue of 64-byte SQEs, PRP allowed)
	 * in one test; q live implies q->ctrl set: ns->ctrl equal to it is not
	 * NULL */
	if (NVME_UNLIKELY(!nvme_q_fast_live(q) || q->ctrl != c))
		goto general;
	const struct nvme_host *h = c->host;
	/* ns->cmdset.fast_max: ns->max_blocks when the namespace's own checks
	 * (NSID, usable, no metadata to handle) all pass and the namespace
	 * holds max_blocks, else 0, which no count fits; fast_blocks is then
	 * ns->size >= count, so size - count does not wrap (both computed at
	 * namespace scan, nvme_ns.c) */
	uint64_t size = ns->cmdset.fast_blocks;
	/* count << lba_shift as a multiply (fast_max != 0: lba_size is
	 * 1 << lba_shift), which leaves the shift-count register free */
	size_t len = (size_t)count * ns->lba_size;
	uintptr_t v = (uintptr_t)buf;
	if (NVME_UNLIKELY(c->state != NVME_CTRL_READY || count - 1u >= ns->cmdset.fast_max ||
			  lba > size - count || v == 0 || !nvme_one_page(h, v, len)))
		goto general;
	/* Read and Write may be sent twice; the slot keeps a short SQE */
	if (NVME_UNLIKELY(q->in_flight >= q->slot_limit))
		return rw_async_again(ns, q, opc, lba, count, buf, cb, arg);
	/* The slot: the caller's values stored first, so that they stop
	 * taking registers (nvme_slot_take_free's work, in this order: fewer
	 * values live at once, no callee-saved registers for them) */
	struct nvme_slot *s = &q->slots[q->free_head];
	s->cb = cb;
	s->arg = arg;
	s->user_buf = buf;   /* for rw_fast_fallback (no bounce: bounce_dir 0) and below */
	s->user_len = len;
	/* the epoch: written by the next tick that starts one (NVME_SLOTF_STAMP) */
	s = nvme_slot_take_at(q, s, NVME_SLOTF_RETRY | NVME_SLOTF_SQE_SHORT | NVME_SLOTF_STAMP);
	uint16_t cid = s->cid;   /* read once (the stores below may alias it) */

	/* The SQE, built once in the ring entry at the tail (the tail has not
	 * moved, so the device cannot read it yet): dword 0 (opc, flags 0 =
	 * PRP; the CID stored apart, no shift to merge it) and NSID, SLBA,
	 * NLB; PRP1 after the translation. The slot keeps the non-zero fields
	 * but the CID (a retry gets a new one) for a retry. */
	uint64_t dw0 = (uint64_t)opc | ns->cmdset.fast_nsid_hi;   /* CID 0 */
	uint64_t nlb = count - 1u;   /* cdw12: NLB, 0's based; cdw13 0 */
	nvme_u64_alias *d = (nvme_u64_alias *)(void *)&q->sq[q->sq_tail];   /* 64-byte SQEs: fast_rw */
	d[0] = dw0;
	((struct nvme_sqe *)(void *)d)->cid = cid;
	d[1] = 0;      /* cdw2, cdw3 */
	d[2] = 0;      /* MPTR */
	d[4] = 0;      /* PRP2 */
	d[5] = lba;    /* cdw10, cdw11 */
	d[6] = nlb;
	d[7] = 0;      /* cdw14, cdw15 */
	nvme_u64_alias *k = (nvme_u64_alias *)(void *)&s->sqe;
	k[0] = dw0;
	k[5] = lba;
	k[6] = nlb;

	/* Only q and s live across the host's call: everything after it is
	 * read back from them (fewer registers to save and restore). */
	if (NVME_UNLIKELY(h->virt_to_phys(h->ctx, buf, &s->sqe.dptr.prp.prp1) != 0))
		return rw_fast_fallback(q, s);
	/* nvme_prp1_ok for a buffer of at most a host page (q->prp1_last,
	 * nvme_q_set_fast_rw): dword aligned, no wrap, below dma_limit */
	uint64_t phys = s->sqe.dptr.prp.prp1;
	if (NVME_UNLIKELY((phys & 3u) != 0 || phys > q->prp1_last))
		return rw_fast_fallback(q, s);
	uint32_t tail = q->sq_tail;
	struct nvme_sqe *e = &q->sq[tail];
	e->dptr.prp.prp1 = phys;
	nvme_trace_sqe(q, e);
	if (++tail == q->depth) {
		tail = 0;
		q->sq_laps++;   /* stats.submitted: nvme_q_submitted */
	}
	q->sq_tail = tail;
	if (q->batch == 0) {
		/* nvme_q_ring_sq_now without its test for a tail that did not
		 * move: this one did, and outside a batch every earlier one was
		 * rung (the entries not rung never reach depth) */
		if (NVME_UNLIKELY(q->sdb_sq != NULL)) {
			return rw_ring_shadow(q);   /* a tail call: no frame for it here */
		} else {
			nvme_dma_wmb();   /* the SQE before the doorbell */
			q->sq_tail_rung = tail;
			nvme_q_sq_db_write(q, tail);
		}
	}
	return 0;

general:
	return rw_async_general(ns, q, opc, lba, count, buf, cb, arg);
}

int nvme_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    void *buf, nvme_cmd_cb cb, void *arg)
{
	return rw_async(ns, q, NVME_CMD_READ, lba, count, buf, cb, arg);
}

int nvme_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		     const void *buf, nvme_cmd_cb cb, void *arg)
{
	return rw_async(ns, q, NVME_CMD_WRITE, lba, count, (void *)(uintptr_t)buf, cb, arg);
}

int nvme_flush_async(struct nvme_ns *ns, struct nvme_qpair *q, nvme_cmd_cb cb, void *arg)
{
	return flush_cmd(ns, q, false, cb, arg);
}

/* ------------------------------------------------------------------------ */
/* Physical segments                                                        */
/* ------------------------------------------------------------------------ */

/* One Read or Write of the caller's physical segments: checked like
 * rw_sync, then submitted (cb NULL: waited for). */
NVME_COLD static int rw_phys(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba,
			     uint32_t count, const struct nvme_phys_seg *segs, uint32_t nseg,
			     nvme_cmd_cb cb, void *arg)
{
	int rc = rw_prep(ns, &q, lba, count);
	if (rc != 0)
		return rc;
	if (count > ns->max_blocks)
		return NVME_ERR_TOO_LARGE;
	if (segs == NULL || nseg == 0)
		return NVME_ERR_INVAL;
	uint64_t len = (uint64_t)count << ns->lba_shift, sum = 0;
	for (uint32_t i = 0; i < nseg && sum <= len; i++)
		sum += segs[i].len;
	if (sum != len)
		return NVME_ERR_INVAL;

	struct nvme_phys_list pl = { segs, nseg };
	struct nvme_sqe sqe;
	rw_sqe(&sqe, opc, ns->nsid, lba, count);
	if (ns->cmdset.md_plain != NVME_MD_PLAIN_NONE)
		nvme_pi_plain_sqe(ns, &sqe, lba);
	if (cb == NULL)
		return nvme_q_exec_flags(q, &sqe, &pl, (size_t)len, ns->ctrl->io_timeout_ms, NVME_QF_PHYS,
					 NULL);
	return nvme_q_submit_flags(q, &sqe, &pl, (size_t)len, cb, arg, NVME_QF_PHYS, NULL);
}

int nvme_read_phys(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		   const struct nvme_phys_seg *segs, uint32_t nseg)
{
	return rw_phys(ns, q, NVME_CMD_READ, lba, count, segs, nseg, NULL, NULL);
}

int nvme_write_phys(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    const struct nvme_phys_seg *segs, uint32_t nseg)
{
	return rw_phys(ns, q, NVME_CMD_WRITE, lba, count, segs, nseg, NULL, NULL);
}

int nvme_read_phys_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			 const struct nvme_phys_seg *segs, uint32_t nseg, nvme_cmd_cb cb, void *arg)
{
	if (cb == NULL)
		return NVME_ERR_INVAL;
	return rw_phys(ns, q, NVME_CMD_READ, lba, count, segs, nseg, cb, arg);
}

int nvme_write_phys_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			  const struct nvme_phys_seg *segs, uint32_t nseg, nvme_cmd_cb cb, void *arg)
{
	if (cb == NULL)
		return NVME_ERR_INVAL;
	return rw_phys(ns, q, NVME_CMD_WRITE, lba, count, segs, nseg, cb, arg);
}

/* ------------------------------------------------------------------------ */
/* Passthrough                                                              */
/* ------------------------------------------------------------------------ */

static int passthru_prep(struct nvme_qpair *q, const struct nvme_sqe *sqe, const void *buf, size_t len)
{
	if (q == NULL || sqe == NULL)
		return NVME_ERR_INVAL;
	if (!q->created || q->qid == 0)
		return NVME_ERR_BAD_QUEUE;   /* admin commands: nvme_admin_passthru */
	unsigned dir = (unsigned)NVME_GET(sqe->opc, NVME_OPC_XFER);
	if ((dir == NVME_XFER_NONE && (buf != NULL || len != 0)) || (len != 0 && buf == NULL))
		return NVME_ERR_INVAL;
	return nvme_ctrl_usable(q->ctrl);
}

int nvme_io_passthru(struct nvme_qpair *q, const struct nvme_sqe *sqe, void *buf, size_t len,
		     struct nvme_cqe *cqe_out)
{
	int rc = passthru_prep(q, sqe, buf, len);
	if (rc != 0)
		return rc;
	struct nvme_sqe s = *sqe;
	/* the caller's command: never resubmitted */
	return nvme_q_exec_flags(q, &s, buf, len, q->ctrl->io_timeout_ms, NVME_QF_NORETRY, cqe_out);
}

int nvme_io_passthru_async(struct nvme_qpair *q, const struct nvme_sqe *sqe, void *buf, size_t len,
			   nvme_cmd_cb cb, void *arg)
{
	int rc = passthru_prep(q, sqe, buf, len);
	if (rc != 0)
		return rc;
	struct nvme_sqe s = *sqe;
	return nvme_q_submit_flags(q, &s, buf, len, cb, arg, NVME_QF_NORETRY, NULL);
}

/* ------------------------------------------------------------------------ */
/* Byte-granular helpers                                                    */
/* ------------------------------------------------------------------------ */

/* Blocks per whole-block call of the byte helpers (nvme_read takes 32 bits). */
#define NVME_BYTES_CHUNK_BLOCKS 0x100000u

/* Check off/len against the namespace; 0 or an error. */
static int bytes_prep(struct nvme_ns *ns, struct nvme_qpair **q, uint64_t off, size_t len,
		      const void *buf)
{
	int rc = io_prep(ns, q);
	if (rc == 0)
		rc = plain_ok(ns);
	if (rc != 0)
		return rc;
	if (buf == NULL)
		return NVME_ERR_INVAL;
	uint64_t end = off + (uint64_t)len;
	if (end < off)
		return NVME_ERR_LBA_RANGE;
	/* last byte's block must be inside the namespace */
	if (((end - 1u) >> ns->lba_shift) >= ns->size)
		return NVME_ERR_LBA_RANGE;
	return 0;
}

/*
 * The partial-block buffer of the byte helpers is the queue pair's bounce
 * buffer: DMA memory of one max transfer, which is at least one block of any
 * usable namespace. Borrowing the queue pair's buffer rather than one of the
 * controller keeps the byte helpers safe when different queue pairs are used
 * from different CPUs (the threading contract in nvme.h). While it is
 * borrowed, a command of this queue pair that needs bouncing waits (sync) or
 * gets NVME_ERR_BOUNCE_BUSY (async). An async command of this queue pair
 * that holds it now is waited for, up to the I/O timeout.
 */
static int blk_borrow(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t **blk)
{
	struct nvme_ctrl *c = ns->ctrl;

	if (q->bounce == NULL || q->bounce_bytes < ns->lba_size)
		return NVME_ERR_NOMEM;
	uint64_t start = nvme_now_us(c);
	while (q->bounce_busy) {
		int n = nvme_qpair_poll(q, 0);
		if (n < 0)
			return n;
		if (nvme_now_us(c) - start >= (uint64_t)c->io_timeout_ms * 1000u)
			return NVME_ERR_BOUNCE_BUSY;
		if (n == 0)
			nvme_cpu_relax();
	}
	q->bounce_busy = true;
	*blk = q->bounce;
	return 0;
}

static void blk_return(struct nvme_qpair *q)
{
	q->bounce_busy = false;
}

/* Whole blocks between two partial ones, in chunks nvme_read/write take. */
static int whole_blocks(struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba,
			uint64_t blocks, uint8_t *p)
{
	while (blocks != 0) {
		uint32_t n = (uint32_t)nvme_min_u64(blocks, NVME_BYTES_CHUNK_BLOCKS);
		int rc = write ? nvme_write(ns, q, lba, n, p) : nvme_read(ns, q, lba, n, p);
		if (rc != 0)
			return rc;
		p += (size_t)n << ns->lba_shift;
		lba += n;
		blocks -= n;
	}
	return 0;
}

/*
 * One partial block: read block lba into the borrowed buffer, then copy n
 * bytes at offset in out of it (read) or into it and write it back (write).
 * The buffer is held only for this block, so whole-block transfers in
 * between can still bounce an unaligned caller buffer.
 */
static int partial_block(struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t lba,
			 size_t in, uint8_t *p, size_t n)
{
	uint8_t *blk;
	int rc = blk_borrow(ns, q, &blk);
	if (rc != 0)
		return rc;
	rc = nvme_read(ns, q, lba, 1, blk);
	if (rc == 0) {
		if (write) {
			__builtin_memcpy(blk + in, p, n);
			rc = nvme_write(ns, q, lba, 1, blk);
		} else {
			__builtin_memcpy(p, blk + in, n);
		}
	}
	blk_return(q);
	return rc;
}

/* Shared by nvme_read_bytes and nvme_write_bytes (p is only read when write). */
static int rw_bytes(struct nvme_ns *ns, struct nvme_qpair *q, bool write, uint64_t off,
		    uint8_t *p, size_t len)
{
	if (len == 0)
		return 0;
	int rc = bytes_prep(ns, &q, off, len, p);
	if (rc != 0)
		return rc;
	uint64_t bmask = (uint64_t)ns->lba_size - 1u;

	if (off & bmask) {   /* leading partial block */
		size_t in = (size_t)(off & bmask);
		size_t n = (size_t)nvme_min_u64(len, ns->lba_size - in);
		rc = partial_block(ns, q, write, off >> ns->lba_shift, in, p, n);
		if (rc != 0)
			return rc;
		p += n;
		off += n;
		len -= n;
	}
	rc = whole_blocks(ns, q, write, off >> ns->lba_shift, len >> ns->lba_shift, p);
	if (rc != 0)
		return rc;
	size_t whole = len & ~(size_t)bmask;
	p += whole;
	off += whole;
	len -= whole;
	if (len != 0)        /* trailing partial block */
		rc = partial_block(ns, q, write, off >> ns->lba_shift, 0, p, len);
	return rc;
}

int nvme_read_bytes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, void *buf, size_t len)
{
	return rw_bytes(ns, q, false, off, buf, len);
}

int nvme_write_bytes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, const void *buf, size_t len)
{
	/* rw_bytes only reads the buffer of a write */
	return rw_bytes(ns, q, true, off, (uint8_t *)(uintptr_t)buf, len);
}
