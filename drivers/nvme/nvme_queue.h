/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_queue.h - queue pairs beyond nvme.h (nvme_queue.c, nvme_admin.c):
 * create and delete, state, batching, statistics.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_QUEUE_H
#define NVME_QUEUE_H

/* Per queue pair counters (read with nvme_qpair_stats_get). */
struct nvme_qpair_stats {
	uint64_t submitted;        /* commands written to the SQ */
	uint64_t completed;        /* commands completed by a valid CQE */
	uint64_t errors;           /* of those, completed with a non-zero status */
	uint64_t sq_doorbells;     /* SQ tail doorbell MMIO writes */
	uint64_t cq_doorbells;     /* CQ head doorbell MMIO writes */
	uint64_t sq_shadow;        /* SQ tail shadow doorbell updates (an MMIO write
	                            * follows only when EventIdx asks for it) */
	uint64_t cq_shadow;        /* CQ head shadow doorbell updates */
	uint64_t db_kicks;         /* MMIO doorbell writes because the queue made no
	                            * progress for NVME_DBBUF_KICK_US with shadow
	                            * doorbells (counted in sq/cq_doorbells too) */
	uint64_t polls;            /* nvme_qpair_poll passes (incl. internal ones) */
	uint64_t polls_with_completions; /* passes that reaped at least one CQE */
	uint64_t reaped;           /* CQEs consumed (valid and ignored) */
	uint64_t bad_completions;  /* CQEs ignored: bad CID / SQHD / SQID, stale */
	uint64_t stale_completions;/* of those: the CID names a slot not in flight, or
	                            * an earlier use of it (duplicate, late, from
	                            * before a reset) */
	uint64_t timeouts;         /* commands that timed out */
	uint64_t aborts;           /* Abort commands sent for commands of this queue */
	uint64_t retries;          /* commands resubmitted (retryable status, reset) */
	uint64_t bounced;          /* commands whose data went through the bounce buffer */
	uint64_t sgl_commands;     /* commands submitted with an SGL data pointer */
	uint32_t max_per_poll;     /* most CQEs reaped in one pass */
	uint32_t in_flight;        /* snapshot: commands in flight (incl. timed out) */
};

/* Options for nvme_qpair_create (NULL = defaults: polled, medium priority). */
struct nvme_qpair_opts {
	bool     interrupts;     /* create the CQ with IEN=1 */
	uint16_t vector;         /* interrupt vector (MSI-X table index) when interrupts */
	uint8_t  priority;       /* NVME_QPRIO_* (only meaningful with WRR arbitration) */
	bool     intx;           /* with interrupts: the vector is a pin interrupt
	                          * (INTx), which the device deasserts only when it
	                          * sees the CQ head: the head is then written after
	                          * every reaping pass instead of once half the CQ
	                          * is consumed (MSI-X, polled) */
};

struct nvme_qpair *nvme_ctrl_admin_qpair(struct nvme_ctrl *c);
/* The queue pair of qid as nvme_qpair_create(), nvme_qpair_delete() and
 * nvme_qpair_id() number them: 0 the admin queue, 1.. the I/O queue pairs
 * (qid n is nvme_ctrl_io_qpair(c, n - 1), which counts I/O queue pairs
 * from 0 for loops over them). NULL if not created. */
struct nvme_qpair *nvme_ctrl_qpair(struct nvme_ctrl *c, uint16_t qid);
/* The I/O queue pair of qid 1 + index (created by init: index <
 * cfg.io_queue_count); NULL if none. */
struct nvme_qpair *nvme_ctrl_io_qpair(struct nvme_ctrl *c, uint32_t index);

/*
 * Create I/O queue pair qid (1..granted count): allocate its rings, command
 * slots, list space and bounce buffer, then Create I/O CQ and SQ. depth 0
 * means cfg.io_queue_depth; it is clamped to MQES+1. opts NULL = polled.
 * NVME_ERR_BAD_QUEUE if qid is out of range or already created,
 * NVME_ERR_BAD_CAP if its doorbells lie beyond the BAR.
 */
int nvme_qpair_create(struct nvme_ctrl *c, uint16_t qid, uint32_t depth,
		      const struct nvme_qpair_opts *opts);
/*
 * Delete I/O queue pair qid (Delete SQ, reap, Delete CQ) and free its memory.
 * Commands still in flight complete with NVME_ERR_ABORTED: those the device
 * aborts ("Command Aborted due to SQ Deletion", which the callback's CQE
 * still shows) and those the driver drops afterwards (CQE NULL).
 */
int nvme_qpair_delete(struct nvme_ctrl *c, uint16_t qid);

/* Commands holding a slot: in flight, timed out (CID reserved) or waiting
 * to be retried. */
uint32_t nvme_qpair_in_flight(const struct nvme_qpair *q);
/* True if commands can be submitted on q now. */
bool     nvme_qpair_live(const struct nvme_qpair *q);
uint32_t nvme_qpair_free_slots(const struct nvme_qpair *q);
uint16_t nvme_qpair_id(const struct nvme_qpair *q);
uint32_t nvme_qpair_depth(const struct nvme_qpair *q);
/*
 * Batching: between begin and end, submissions write their SQEs but the SQ
 * tail doorbell is written once, by batch_end (nesting allowed; the outermost
 * end rings). Synchronous calls inside a batch ring as needed (they must).
 */
void nvme_qpair_batch_begin(struct nvme_qpair *q);
void nvme_qpair_batch_end(struct nvme_qpair *q);
void nvme_qpair_stats_get(const struct nvme_qpair *q, struct nvme_qpair_stats *out);
void nvme_qpair_stats_reset(struct nvme_qpair *q);

#endif /* NVME_QUEUE_H */
