/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_recover.c - what happens when a command times out, the controller
 * reports a fatal status, or the device disappears.
 *
 * A command has timed out when the synchronous wait's deadline passed, or
 * when nvme_q_tick() found it older than its queue's timeout (asynchronous
 * commands; nvme_queue.c). Then, one step after the other, stopping as soon
 * as the command is resolved:
 *
 *  1. CSTS: all ones means the device is gone: every command of every queue
 *     completes with NVME_ERR_DEVICE_GONE and the controller is GONE. CFS
 *     set goes straight to step 4.
 *  2. Poll the command's queue once, in case its completion was missed.
 *  3. Send one Abort for it (admin queue, admin timeout; never for an Abort,
 *     one Abort outstanding at a time, which any ACL allows). "Aborted"
 *     (completion dword 0 bit 0 clear): the device now completes the command
 *     (Command Abort Requested), which ends it with NVME_ERR_TIMEOUT (the
 *     CQE shows the device status) unless that status allows a retry. "Not
 *     aborted", an Abort that fails or times out, or no completion within
 *     the admin timeout after "aborted": step 4.
 *  4. Controller reset (nvme_recover_reset): disable, complete or keep
 *     every command, re-initialise (admin queue, Identify, shadow doorbell
 *     hook, Number of Queues, the same I/O queues, namespaces), resubmit the
 *     commands kept, re-arm the AERs. The timed-out command is kept like the
 *     others when it may be retried.
 *
 * Kept across a reset and resubmitted once: I/O commands the driver built
 * that may be repeated (Read, Write, Flush, Write Zeroes, Verify, Dataset
 * Management) with no retry used yet. Everything else in flight completes
 * once, with NVME_ERR_TIMEOUT (the command that timed out) or
 * NVME_ERR_ABORTED (the others; admin commands and passthrough commands are
 * never resubmitted). A device status with DNR clear on a retryable command
 * also earns its one retry (nvme_queue.c), after the Command Retry Delay the
 * status names (CRDT1..3, 100 ms units, at most the timeout).
 *
 * Automatic resets are bounded: NVME_MAX_AUTO_RESETS in a row without an I/O
 * command succeeding in between, then recovery gives up: every command
 * completes with NVME_ERR_CTRL_FATAL and the controller stays FAILED until
 * the host calls nvme_ctrl_reset(). A failed re-initialisation leaves it
 * FAILED too.
 *
 * Recovery is a controller-level action (admin commands, reset), so it runs
 * only where the host may expect one: from nvme_qpair_poll(), a synchronous
 * call's wait, nvme_ctrl_poll_admin() or nvme_ctrl_check_timeouts(), never
 * inside a completion callback (c->cb_depth) or inside another recovery or
 * re-initialisation (c->ctrl_busy), where a timeout simply fails the
 * command. cfg.no_recovery turns steps 2-4 and retries off: a timed-out
 * command then completes with NVME_ERR_TIMEOUT and keeps its CID reserved.
 */
#include "nvme_internal.h"

NVME_COLD bool nvme_recover_allowed(const struct nvme_ctrl *c)
{
	return c->cb_depth == 0 && !c->ctrl_busy;
}

NVME_COLD bool nvme_recover_can_reset(const struct nvme_ctrl *c)
{
	return nvme_recover_allowed(c) && !c->cfg.no_recovery && c->bar != NULL &&
	       (c->state == NVME_CTRL_READY || c->state == NVME_CTRL_FAILED);
}

/* Every queue pair of c: the admin queue, then the I/O queues. */
NVME_COLD static struct nvme_qpair *queue_at(struct nvme_ctrl *c, uint32_t i)
{
	return i == 0 ? &c->admin : &c->io[i - 1];
}

NVME_COLD void nvme_fail_all(struct nvme_ctrl *c, int status)
{
	for (uint32_t i = 0; i <= NVME_CFG_MAX_IO_QUEUES; i++)
		queue_at(c, i)->live = false;
	for (uint32_t i = NVME_CFG_MAX_IO_QUEUES + 1; i-- > 0;) {
		struct nvme_qpair *q = queue_at(c, i);
		if (q->created && q->in_flight != 0)
			nvme_q_drop_all(q, status, false);
	}
}

NVME_COLD int nvme_csts_event(struct nvme_ctrl *c)
{
	int rc = nvme_ctrl_check_csts(c);
	if (rc == NVME_ERR_DEVICE_GONE && c->cb_depth == 0)
		nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
	return rc;
}

/* Give up: the controller is stopped (so nothing it still holds can be
 * moved by DMA into a buffer we hand back), FAILED, and every command
 * completes with NVME_ERR_CTRL_FATAL. */
NVME_COLD static int give_up(struct nvme_ctrl *c, const char *why)
{
	nvme_err(c, "recovery gave up: %s; the controller stays failed until nvme_ctrl_reset()", why);
	c->rstats.gave_up++;
	(void)nvme_ctrl_stop(c);
	if (c->state != NVME_CTRL_GONE)
		c->state = NVME_CTRL_FAILED;
	nvme_fail_all(c, c->state == NVME_CTRL_GONE ? NVME_ERR_DEVICE_GONE : NVME_ERR_CTRL_FATAL);
	return c->state == NVME_CTRL_GONE ? NVME_ERR_DEVICE_GONE : NVME_ERR_CTRL_FATAL;
}

NVME_COLD int nvme_recover_reset(struct nvme_ctrl *c, const char *why)
{
	if (c->state == NVME_CTRL_GONE) {
		nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
		return NVME_ERR_DEVICE_GONE;
	}
	if (!nvme_recover_can_reset(c))
		return NVME_ERR_NOT_READY;
	if (c->auto_resets_in_row >= NVME_MAX_AUTO_RESETS)
		return give_up(c, "too many resets in a row");
	c->auto_resets_in_row++;
	c->rstats.resets_auto++;
	nvme_warn(c, "controller reset (recovery): %s", why);
	int rc = nvme_ctrl_reinit(c);
	if (rc != 0) {
		/* nvme_ctrl_reinit completed everything it could not resubmit */
		if (c->state == NVME_CTRL_GONE)
			nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
		else
			nvme_fail_all(c, NVME_ERR_CTRL_FATAL);
	}
	return rc;
}

/* Is the attempt with CID cid of slot idx over (completed, resubmitted, or
 * waiting to be retried)? */
NVME_COLD static bool resolved(const struct nvme_qpair *q, uint32_t idx, uint16_t cid)
{
	if (!q->created)
		return true;   /* a reset freed the queue (its commands completed) */
	const struct nvme_slot *s = &q->slots[idx];
	return s->state != NVME_SLOT_BUSY || s->cid != cid;
}

/* Abort the command (sqid, cid); *aborted tells whether the device says it
 * aborted it. 0 or the Abort's error. */
NVME_COLD static int send_abort(struct nvme_ctrl *c, uint16_t sqid, uint16_t cid, bool *aborted)
{
	struct nvme_sqe sqe;
	struct nvme_cqe cqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_ABORT;
	sqe.cdw10 = (uint32_t)(NVME_SET(NVME_ABORT_CDW10_SQID, sqid) | NVME_SET(NVME_ABORT_CDW10_CID, cid));
	c->rstats.aborts_sent++;
	int rc = nvme_q_exec_flags(&c->admin, &sqe, NULL, 0, c->admin_timeout_ms, NVME_QF_NORETRY, &cqe);
	*aborted = rc == 0 && NVME_GET(cqe.dw0, NVME_ABORT_DW0_NOT_ABORTED) == 0;
	return rc;
}

NVME_COLD int nvme_recover_slot(struct nvme_ctrl *c, struct nvme_qpair *q, uint32_t idx)
{
	struct nvme_slot *s = &q->slots[idx];
	uint16_t cid = nvme_slot_cid(q, idx);
	uint8_t opc = s->sqe.opc;
	int rc = 0;

	if (!nvme_recover_allowed(c) || s->state != NVME_SLOT_BUSY)
		return 0;
	if (!nvme_recover_can_reset(c)) {
		nvme_warn(c, "queue %u: opcode %02x cid %04x timed out", (unsigned)q->qid, (unsigned)opc,
			  (unsigned)cid);
		nvme_q_give_up(q, idx);
		return 0;
	}
	c->ctrl_busy = true;
	nvme_warn(c, "queue %u: opcode %02x cid %04x timed out after %u ms: recovering", (unsigned)q->qid,
		  (unsigned)opc, (unsigned)cid, (unsigned)nvme_q_timeout_ms(q));

	/* 1. CSTS */
	rc = nvme_ctrl_check_csts(c);
	if (rc == NVME_ERR_DEVICE_GONE) {
		nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
		goto out;
	}
	if (rc == NVME_ERR_CTRL_FATAL)
		goto reset;

	/* 2. a completion we missed? */
	(void)nvme_q_poll(q, 0);
	if (resolved(q, idx, cid)) {
		nvme_warn(c, "queue %u: cid %04x: its completion was there after all", (unsigned)q->qid,
			  (unsigned)cid);
		goto out;
	}

	/* 3. Abort, once per attempt (not for an Abort) */
	if (!(q->qid == 0 && opc == NVME_ADMIN_ABORT) && !(s->flags & NVME_SLOTF_ABORT_SENT) && c->admin.live) {
		bool aborted = false;
		s->flags |= NVME_SLOTF_ABORT_SENT;
		q->stats.aborts++;
		rc = send_abort(c, q->qid, cid, &aborted);
		if (c->state == NVME_CTRL_GONE) {
			nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
			rc = NVME_ERR_DEVICE_GONE;
			goto out;
		}
		if (resolved(q, idx, cid)) {
			if (aborted)
				c->rstats.aborts_done++;
			rc = 0;
			goto out;
		}
		if (aborted) {
			/* the device owes us the aborted command's completion */
			c->rstats.aborts_done++;
			uint64_t t0 = nvme_now_us(c);
			uint64_t limit = (uint64_t)c->admin_timeout_ms * 1000u;
			while (!resolved(q, idx, cid) && nvme_now_us(c) - t0 < limit) {
				if (nvme_q_poll(q, 0) == 0)
					nvme_cpu_relax();
			}
			if (resolved(q, idx, cid)) {
				rc = 0;
				goto out;
			}
			nvme_warn(c, "queue %u: cid %04x: Abort succeeded but no completion followed", (unsigned)q->qid,
				  (unsigned)cid);
		} else if (rc == 0) {
			nvme_warn(c, "queue %u: cid %04x: the controller did not abort it", (unsigned)q->qid,
				  (unsigned)cid);
		} else {
			nvme_warn(c, "queue %u: cid %04x: Abort failed: %s", (unsigned)q->qid, (unsigned)cid,
				  nvme_strerror(rc));
		}
	}

reset:
	c->ctrl_busy = false;
	rc = nvme_recover_reset(c, "command timeout");
	return rc;
out:
	c->ctrl_busy = false;
	return rc == NVME_ERR_DEVICE_GONE ? rc : 0;
}

NVME_COLD int nvme_recover_expired(struct nvme_ctrl *c)
{
	if (!nvme_recover_allowed(c))
		return 0;
	/* Each pass handles one expired command; a reset resolves them all.
	 * Bounded: every pass frees, resubmits or gives up on at least one. */
	for (uint32_t guard = 0; guard < 4096u; guard++) {
		struct nvme_qpair *q = NULL;
		uint32_t idx = 0;
		for (uint32_t i = 0; i <= NVME_CFG_MAX_IO_QUEUES && q == NULL; i++) {
			struct nvme_qpair *qq = queue_at(c, i);
			if (!qq->created || qq->expired == 0)
				continue;
			for (uint32_t k = 0; k < qq->nslots; k++) {
				const struct nvme_slot *s = &qq->slots[k];
				if (s->state == NVME_SLOT_BUSY && (s->flags & NVME_SLOTF_EXPIRED)) {
					q = qq;
					idx = k;
					break;
				}
			}
			if (q == NULL)
				qq->expired = 0;   /* bookkeeping out of step: nothing is expired */
		}
		if (q == NULL)
			return 0;
		if (c->state == NVME_CTRL_GONE) {
			nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
			return NVME_ERR_DEVICE_GONE;
		}
		uint16_t cid = q->slots[idx].cid;
		int rc = nvme_recover_slot(c, q, idx);
		if (rc == NVME_ERR_DEVICE_GONE)
			return rc;
		if (!resolved(q, idx, cid) && q->slots[idx].state == NVME_SLOT_BUSY) {
			/* recovery could not act (e.g. the reset failed): do not spin */
			nvme_q_give_up(q, idx);
		}
		if (c->state != NVME_CTRL_READY)
			return nvme_ctrl_usable(c);
	}
	return 0;
}

NVME_COLD int nvme_ctrl_check_timeouts(struct nvme_ctrl *c)
{
	if (c == NULL || c->bar == NULL)
		return NVME_ERR_INVAL;
	if (c->state == NVME_CTRL_GONE) {
		if (nvme_recover_allowed(c))
			nvme_fail_all(c, NVME_ERR_DEVICE_GONE);
		return NVME_ERR_DEVICE_GONE;
	}
	uint64_t now = nvme_now_us(c);
	uint32_t expired = 0;
	for (uint32_t i = 0; i <= NVME_CFG_MAX_IO_QUEUES; i++) {
		struct nvme_qpair *q = queue_at(c, i);
		if (q->created && q->in_flight != 0)
			expired += nvme_q_tick(q, now);
	}
	if (expired != 0 && nvme_recover_allowed(c))
		return nvme_recover_expired(c);
	if (c->state == NVME_CTRL_FAILED && nvme_recover_can_reset(c) && c->auto_resets_in_row < NVME_MAX_AUTO_RESETS) {
		bool busy = false;
		for (uint32_t i = 1; i <= NVME_CFG_MAX_IO_QUEUES; i++)
			if (queue_at(c, i)->in_flight != 0)
				busy = true;
		if (busy)
			return nvme_recover_reset(c, "controller fatal status (CSTS.CFS)");
	}
	return nvme_ctrl_usable(c);
}

NVME_COLD void nvme_ctrl_recovery_stats(const struct nvme_ctrl *c, struct nvme_recovery_stats *out)
{
	if (out == NULL)
		return;
	if (c == NULL)
		__builtin_memset(out, 0, sizeof(*out));
	else
		*out = c->rstats;
}
