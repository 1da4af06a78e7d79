/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_admin.c - admin passthrough, queue creation and deletion, Identify,
 * Get/Set Features (Number of Queues), Get Log Page.
 *
 * Later admin features (firmware, sanitize, format, self-test, logs...) are
 * built on nvme_admin_passthru() in files of their own.
 */
#include "nvme_internal.h"

/* Admin commands are accepted while the controller is ready, and during
 * (re)initialisation, when the state is still OFF but the admin queue is up. */
NVME_COLD static int admin_ok(const struct nvme_ctrl *c)
{
	if (c->state == NVME_CTRL_GONE)
		return NVME_ERR_DEVICE_GONE;
	if (c->state == NVME_CTRL_FAILED && !c->ctrl_busy)
		return NVME_ERR_CTRL_FATAL;
	if (!c->admin.live)
		return NVME_ERR_NOT_READY;
	if (c->state == NVME_CTRL_READY || c->state == NVME_CTRL_OFF)
		return 0;
	return c->state == NVME_CTRL_FAILED ? NVME_ERR_CTRL_FATAL : NVME_ERR_NOT_READY;
}

NVME_COLD static int admin_exec_flags(struct nvme_ctrl *c, struct nvme_sqe *sqe, void *buf, size_t len,
			    unsigned flags, struct nvme_cqe *cqe_out)
{
	int rc = admin_ok(c);
	if (rc != 0)
		return rc;
	nvme_dbg(c, "admin opcode %02x nsid %x cdw10 %x", (unsigned)sqe->opc, (unsigned)sqe->nsid,
		 (unsigned)sqe->cdw10);
	rc = nvme_q_exec_flags(&c->admin, sqe, buf, len, c->admin_timeout_ms, flags, cqe_out);
	if (rc != 0)
		nvme_dbg(c, "admin opcode %02x: %s", (unsigned)sqe->opc, nvme_strerror(rc));
	return rc;
}

NVME_COLD int nvme_admin_exec(struct nvme_ctrl *c, struct nvme_sqe *sqe, void *buf, size_t len,
		    struct nvme_cqe *cqe_out)
{
	return admin_exec_flags(c, sqe, buf, len, 0, cqe_out);
}

NVME_COLD int nvme_admin_passthru(struct nvme_ctrl *c, const struct nvme_sqe *sqe, void *buf, size_t len,
			struct nvme_cqe *cqe_out)
{
	if (c == NULL || sqe == NULL)
		return NVME_ERR_INVAL;
	unsigned dir = (unsigned)NVME_GET(sqe->opc, NVME_OPC_XFER);
	if ((dir == NVME_XFER_NONE && (buf != NULL || len != 0)) || (len != 0 && buf == NULL))
		return NVME_ERR_INVAL;
	struct nvme_sqe s = *sqe;
	/* the caller's command: never resubmitted */
	return admin_exec_flags(c, &s, buf, len, NVME_QF_NORETRY, cqe_out);
}

/* ------------------------------------------------------------------------ */
/* Identify, features, logs                                                 */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_identify_idbuf(struct nvme_ctrl *c, uint8_t cns, uint32_t nsid)
{
	struct nvme_sqe sqe;
	nvme_identify_sqe(&sqe, cns, nsid, 0, 0);
	return nvme_q_exec(&c->admin, &sqe, c->idbuf, NVME_IDENTIFY_DATA_SIZE, c->admin_timeout_ms, NULL);
}

NVME_COLD int nvme_identify(struct nvme_ctrl *c, uint8_t cns, uint32_t nsid, uint16_t cntid, void *buf)
{
	struct nvme_sqe sqe;
	if (c == NULL || buf == NULL)
		return NVME_ERR_INVAL;
	nvme_identify_sqe(&sqe, cns, nsid, cntid, 0);
	return nvme_admin_exec(c, &sqe, buf, NVME_IDENTIFY_DATA_SIZE, NULL);
}

/* Features whose value is data, not dword 0/11. */
NVME_COLD static bool feat_is_data(uint8_t fid)
{
	return fid == NVME_FEAT_TIMESTAMP || fid == NVME_FEAT_HOST_ID || fid == NVME_FEAT_LBA_RANGE_TYPE ||
	       fid == NVME_FEAT_AUTO_PST || fid == NVME_FEAT_HOST_MEM_BUFFER;
}

/* The checked family's argument checks and support gate (nvme_admin.h). */
NVME_COLD static int feat_check(struct nvme_ctrl *c, bool set, const struct nvme_feat_args *a, unsigned flags)
{
	bool caps = !set && a->sel == NVME_FEAT_SEL_SUPPORTED_CAPS;
	if (set && a->fid == NVME_FEAT_NUM_QUEUES)
		return NVME_ERR_INVAL;
	if (!set && a->sel > NVME_FEAT_SEL_SUPPORTED_CAPS)
		return NVME_ERR_INVAL;
	if (feat_is_data(a->fid) && a->len == 0 && !caps && (set || a->fid != NVME_FEAT_AUTO_PST))
		return NVME_ERR_INVAL;
#if NVME_CFG_SUPPORT
	int rc = 0;
	if (a->fid == NVME_FEAT_VOLATILE_WC)
		rc = nvme_require(c, NVME_OPT_VWC, flags, "Volatile Write Cache feature");
	else if (a->fid == NVME_FEAT_TIMESTAMP)
		rc = nvme_require(c, NVME_OPT_TIMESTAMP, flags, "Timestamp feature");
	if (rc == 0 && set && a->save)
		rc = nvme_require(c, NVME_OPT_SAVE_SELECT, flags, "Set Features with Save");
	if (rc == 0 && !set && a->sel != NVME_FEAT_SEL_CURRENT)
		rc = nvme_require(c, NVME_OPT_SAVE_SELECT, flags, "Get Features with Select");
	return rc;
#else
	(void)c;
	(void)flags;
	return 0;
#endif
}

NVME_COLD static int feat_exec(struct nvme_ctrl *c, bool set, const struct nvme_feat_args *a, unsigned flags,
			       uint32_t *dw0)
{
	struct nvme_sqe sqe;
	struct nvme_cqe cqe = { 0, 0, 0, 0, 0, 0 };
	if (dw0 != NULL)
		*dw0 = 0;
	if (c == NULL || a == NULL || (a->len != 0 && a->buf == NULL) || !NVME_FITS(NVME_FEAT_CDW14_UUID, a->uuid_index) ||
	    (!set && !NVME_FITS(NVME_FEAT_CDW10_SEL, a->sel)))
		return NVME_ERR_INVAL;
	void *buf = a->buf;
	size_t len = a->len;
	if ((flags & NVME_FEAT_RAW) == 0) {
		int rc = feat_check(c, set, a, flags);
		if (rc != 0)
			return rc;
		/* APST returns its table too; 256 bytes fit the Identify buffer */
		if (!set && a->fid == NVME_FEAT_AUTO_PST && len == 0 && a->sel != NVME_FEAT_SEL_SUPPORTED_CAPS) {
			if (c->idbuf == NULL)
				return NVME_ERR_NOT_READY;
			buf = c->idbuf;
			len = NVME_APST_TABLE_BYTES;
		}
	}
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = set ? NVME_ADMIN_SET_FEATURES : NVME_ADMIN_GET_FEATURES;
	sqe.nsid = a->nsid;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_FEAT_CDW10_FID, a->fid);
	if (set)
		sqe.cdw10 |= (uint32_t)NVME_SET(NVME_FEAT_CDW10_SV, a->save ? 1 : 0);
	else
		sqe.cdw10 |= (uint32_t)NVME_SET(NVME_FEAT_CDW10_SEL, a->sel);
	sqe.cdw11 = a->cdw11;
	sqe.cdw12 = a->cdw12;
	sqe.cdw13 = a->cdw13;
	sqe.cdw14 = (a->cdw14 & ~(uint32_t)NVME_MASK(NVME_FEAT_CDW14_UUID)) |
		    (uint32_t)NVME_SET(NVME_FEAT_CDW14_UUID, a->uuid_index);
	sqe.cdw15 = a->cdw15;
	int rc = nvme_admin_exec(c, &sqe, buf, len, &cqe);
	if (dw0 != NULL)
		*dw0 = cqe.dw0;
	return rc;
}

NVME_COLD int nvme_feat_get(struct nvme_ctrl *c, const struct nvme_feat_args *a, unsigned flags, uint32_t *dw0)
{
	return feat_exec(c, false, a, flags, dw0);
}

NVME_COLD int nvme_feat_set(struct nvme_ctrl *c, const struct nvme_feat_args *a, unsigned flags, uint32_t *dw0)
{
	return feat_exec(c, true, a, flags, dw0);
}

/* Decode a Number of Queues answer (0's based, FFFFh invalid). */

NVME_COLD static int nq_decode(struct nvme_ctrl *c, uint32_t dw0, uint32_t *nsq, uint32_t *ncq)
{
	uint32_t sq = (uint32_t)NVME_GET(dw0, NVME_FEAT_NQ_NSQ);
	uint32_t cq = (uint32_t)NVME_GET(dw0, NVME_FEAT_NQ_NCQ);
	if (sq == 0xFFFFu || cq == 0xFFFFu) {
		nvme_err(c, "Number of Queues answer %08x is invalid (FFFFh)", (unsigned)dw0);
		return NVME_ERR_BAD_QUEUE_GRANT;
	}
	if (nsq != NULL)
		*nsq = sq + 1u;
	if (ncq != NULL)
		*ncq = cq + 1u;
	return 0;
}

NVME_COLD int nvme_set_num_queues(struct nvme_ctrl *c, uint32_t nsq, uint32_t ncq,
			uint32_t *nsq_granted, uint32_t *ncq_granted)
{
	uint32_t dw0 = 0;
	if (c == NULL || nsq == 0 || ncq == 0 || nsq > 65535u || ncq > 65535u)
		return NVME_ERR_INVAL;
	uint32_t cdw11 = (uint32_t)(NVME_SET(NVME_FEAT_NQ_NSQ, nsq - 1u) | NVME_SET(NVME_FEAT_NQ_NCQ, ncq - 1u));
	struct nvme_feat_args a = { .fid = NVME_FEAT_NUM_QUEUES, .cdw11 = cdw11 };
	int rc = nvme_feat_set(c, &a, NVME_FEAT_RAW, &dw0);
	if (rc != 0)
		return rc;
	return nq_decode(c, dw0, nsq_granted, ncq_granted);
}

NVME_COLD int nvme_get_num_queues(struct nvme_ctrl *c, uint32_t *nsq, uint32_t *ncq)
{
	uint32_t dw0 = 0;
	if (c == NULL)
		return NVME_ERR_INVAL;
	struct nvme_feat_args a = { .fid = NVME_FEAT_NUM_QUEUES };
	int rc = nvme_feat_get(c, &a, NVME_FEAT_RAW, &dw0);
	if (rc != 0)
		return rc;
	return nq_decode(c, dw0, nsq, ncq);
}

#if NVME_CFG_LOGS || NVME_CFG_SUPPORT   /* no log page is read by the core */
/* One Get Log Page command of len bytes (<= the max transfer) at off. */
NVME_COLD static int log_page_one(struct nvme_ctrl *c, uint8_t lid, uint8_t lsp, uint32_t nsid,
			uint64_t off, void *buf, size_t len, bool rae)
{
	struct nvme_sqe sqe;
	uint64_t numd = (uint64_t)(len >> 2) - 1u;   /* 0's based dwords */
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_GET_LOG_PAGE;
	sqe.nsid = nsid;
	sqe.cdw10 = (uint32_t)(NVME_SET(NVME_GET_LOG_CDW10_LID, lid) | NVME_SET(NVME_GET_LOG_CDW10_LSP, lsp) |
			       NVME_SET(NVME_GET_LOG_CDW10_RAE, rae ? 1 : 0) |
			       NVME_SET(NVME_GET_LOG_CDW10_NUMDL, numd & 0xFFFFu));
	sqe.cdw11 = (uint32_t)NVME_SET(NVME_GET_LOG_CDW11_NUMDU, numd >> 16);
	sqe.cdw12 = (uint32_t)off;
	sqe.cdw13 = (uint32_t)(off >> 32);
	return nvme_admin_exec(c, &sqe, buf, len, NULL);
}

NVME_COLD int nvme_get_log_page(struct nvme_ctrl *c, uint8_t lid, uint8_t lsp, uint32_t nsid,
		      uint64_t off, void *buf, size_t len, bool rae)
{
	if (c == NULL || buf == NULL || len == 0 || (len & 3u) != 0 || (off & 3u) != 0 ||
	    !NVME_FITS(NVME_GET_LOG_CDW10_LSP, lsp))
		return NVME_ERR_INVAL;
	uint64_t numd = (uint64_t)(len >> 2) - 1u;   /* 0's based dwords */
	if (numd > 0xFFFFFFFFu || off + (uint64_t)len < off)
		return NVME_ERR_BAD_LOG_LENGTH;
	int rc = admin_ok(c);   /* also: max_xfer is known */
	if (rc != 0)
		return rc;
	/* NUMDU and the offset exist only with LPA "extended data" (1.2+);
	 * splitting needs the offset too. */
	bool ext = NVME_GET(c->id.lpa, NVME_LPA_EXTENDED_DATA) != 0;
	size_t chunk = c->max_xfer;
	if (!ext && (numd > 0xFFFFu || off != 0 || len > chunk)) {
		nvme_err(c, "log %02x: offset %llu / %llu bytes need LPA extended data", (unsigned)lid,
			 (unsigned long long)off, (unsigned long long)len);
		return NVME_ERR_BAD_LOG_LENGTH;
	}
	uint8_t *p = buf;
	while (len != 0) {
		/* chunk is a power of two >= 4096, so every piece is whole dwords */
		size_t n = len < chunk ? len : chunk;
		bool last = n == len;
		rc = log_page_one(c, lid, lsp, nsid, off, p, n, rae || !last);
		if (rc != 0)
			return rc;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}
#endif

/* ------------------------------------------------------------------------ */
/* I/O queue pairs                                                          */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_qpair_create_hw(struct nvme_ctrl *c, struct nvme_qpair *q)
{
	struct nvme_sqe sqe;
	int rc;

	nvme_dbbuf_queue_init(c, q);   /* shadow slots at the starting values, if in use */

	/* Create I/O Completion Queue (5.3): PRP1 = the contiguous ring. */
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_CREATE_CQ;
	sqe.dptr.prp.prp1 = q->cq_phys;
	sqe.cdw10 = (uint32_t)(NVME_SET(NVME_CREATE_CQ_CDW10_QID, q->qid) |
			       NVME_SET(NVME_CREATE_CQ_CDW10_QSIZE, q->depth - 1u));
	sqe.cdw11 = (uint32_t)(NVME_SET(NVME_CREATE_CQ_CDW11_PC, 1) |
			       NVME_SET(NVME_CREATE_CQ_CDW11_IEN, q->irq ? 1 : 0) |
			       NVME_SET(NVME_CREATE_CQ_CDW11_IV, q->irq ? q->vector : 0));
	rc = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	if (rc != 0) {
		nvme_err(c, "Create I/O CQ %u (depth %u) failed: %s", (unsigned)q->qid,
			 (unsigned)q->depth, nvme_strerror(rc));
		return rc;
	}

	/* Create I/O Submission Queue (5.4), bound to the CQ of the same qid. */
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_CREATE_SQ;
	sqe.dptr.prp.prp1 = q->sq_phys;
	sqe.cdw10 = (uint32_t)(NVME_SET(NVME_CREATE_SQ_CDW10_QID, q->qid) |
			       NVME_SET(NVME_CREATE_SQ_CDW10_QSIZE, q->depth - 1u));
	sqe.cdw11 = (uint32_t)(NVME_SET(NVME_CREATE_SQ_CDW11_PC, 1) |
			       NVME_SET(NVME_CREATE_SQ_CDW11_QPRIO, q->prio) |
			       NVME_SET(NVME_CREATE_SQ_CDW11_CQID, q->qid));
	rc = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	if (rc != 0) {
		nvme_err(c, "Create I/O SQ %u (depth %u) failed: %s", (unsigned)q->qid,
			 (unsigned)q->depth, nvme_strerror(rc));
		__builtin_memset(&sqe, 0, sizeof(sqe));
		sqe.opc = NVME_ADMIN_DELETE_CQ;
		sqe.cdw10 = (uint32_t)NVME_SET(NVME_DELETE_Q_CDW10_QID, q->qid);
		(void)nvme_admin_exec(c, &sqe, NULL, 0, NULL);
		return rc;
	}
	q->live = true;
	return 0;
}

NVME_COLD int nvme_qpair_delete_hw(struct nvme_ctrl *c, struct nvme_qpair *q)
{
	struct nvme_sqe sqe;
	int rc, rc2;

	q->live = false;   /* nothing new from here on */
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_DELETE_SQ;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_DELETE_Q_CDW10_QID, q->qid);
	rc = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	if (rc != 0)
		nvme_warn(c, "Delete I/O SQ %u: %s", (unsigned)q->qid, nvme_strerror(rc));
	/* Commands the deletion aborted have posted their CQEs: reap them. */
	if (q->in_flight != 0)
		(void)nvme_q_reap(q);   /* callbacks cannot submit: q is not live */

	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_DELETE_CQ;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_DELETE_Q_CDW10_QID, q->qid);
	rc2 = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	if (rc2 != 0)
		nvme_warn(c, "Delete I/O CQ %u: %s", (unsigned)q->qid, nvme_strerror(rc2));
	nvme_q_abort_all(q);
	return rc != 0 ? rc : rc2;
}

NVME_COLD int nvme_qpair_create(struct nvme_ctrl *c, uint16_t qid, uint32_t depth,
		      const struct nvme_qpair_opts *opts)
{
	int rc;

	if (c == NULL)
		return NVME_ERR_INVAL;
	rc = admin_ok(c);
	if (rc != 0)
		return rc;
	if (!c->io_capable)
		return NVME_ERR_UNSUPPORTED;
	if (qid == 0 || qid > c->io_granted || qid > NVME_CFG_MAX_IO_QUEUES)
		return NVME_ERR_BAD_QUEUE;
	struct nvme_qpair *q = &c->io[qid - 1];
	if (q->created)
		return NVME_ERR_BAD_QUEUE;

	if (depth == 0)
		depth = c->cfg.io_queue_depth;
	depth = nvme_min_u32(depth, c->mqes + 1u);
	depth = nvme_min_u32(depth, NVME_MAX_IO_QUEUE_ENTRIES);
	depth = nvme_max_u32(depth, NVME_MIN_QUEUE_ENTRIES);
	depth = nvme_quirk_depth(c, qid, depth);

	rc = nvme_q_alloc(c, q, qid, depth);
	if (rc != 0)
		return rc;
	if (opts != NULL) {
		q->irq = opts->interrupts;
		q->intx = opts->interrupts && opts->intx;
		if (q->intx) {
			q->cq_defer = 0;   /* the head deasserts the pin: every pass */
			q->slot_floor = q->nslots;
		}
		/* NVME_QUIRK_SINGLE_VECTOR: every CQ on vector 0 */
		q->vector = (c->quirks & NVME_QUIRK_SINGLE_VECTOR) ? 0 : opts->vector;
		q->prio = (uint8_t)(opts->priority & 3u);
	} else {
		q->prio = NVME_QPRIO_MEDIUM;
	}
	/* sized for the first max transfer, like the admin queue, so a reset
	 * that changes MDTS never leaves a queue with too little list space */
	rc = nvme_xfer_alloc(c, q, c->max_xfer_alloc != 0 ? c->max_xfer_alloc : c->max_xfer);
	if (rc != 0)
		goto free_queue;
	rc = nvme_qpair_create_hw(c, q);
	if (rc != 0)
		goto free_queue;
	nvme_dbg(c, "I/O queue pair %u created, depth %u", (unsigned)qid, (unsigned)depth);
	return 0;

free_queue:
	nvme_q_free(c, q);
	return rc;
}

NVME_COLD int nvme_qpair_delete(struct nvme_ctrl *c, uint16_t qid)
{
	if (c == NULL)
		return NVME_ERR_INVAL;
	if (qid == 0 || qid > NVME_CFG_MAX_IO_QUEUES || !c->io[qid - 1].created)
		return NVME_ERR_BAD_QUEUE;
	struct nvme_qpair *q = &c->io[qid - 1];
	int rc = 0;
	if (q->live && admin_ok(c) == 0)
		rc = nvme_qpair_delete_hw(c, q);
	q->live = false;
	nvme_q_abort_all(q);
	nvme_q_free(c, q);
	return rc;
}
