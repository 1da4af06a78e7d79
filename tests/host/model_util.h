/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_util.h - a minimal hand-rolled "host" for driving the model directly
 * with SQEs, used by the model's self-tests (tests_model.c). It is not the
 * driver: just enough queue handling to submit a command and read its CQE.
 */
#ifndef MODEL_UTIL_H
#define MODEL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "host_env.h"
#include "model/nvme_model.h"

/* A queue pair as the test host sees it. */
struct tq {
	uint16_t qid;
	struct nvme_sqe *sq;
	uint64_t sq_phys;
	uint32_t sqn, tail;
	volatile struct nvme_cqe *cq;
	uint64_t cq_phys;
	uint32_t cqn, head;
	uint8_t  phase;
	uint16_t next_cid;
	size_t   sq_bytes, cq_bytes;
};

struct mt {
	struct host_env *env;
	struct nvme_model *m;
	struct nvme_model_config cfg;
	struct nvme_model_ns_config ns[4];
	uint32_t page;           /* CC.MPS page */
	uint32_t dstrd;
	struct tq admin;
	struct tq io;            /* qid 1 when created by mt_create_io */
};

/* Defaults: NS 1 = 512 B x 4096 blocks, NS 2 = 4 KiB x 1024 blocks, MDTS 5. */
void mt_default_config(struct mt *t);
/* Create env + model from t->cfg (call mt_default_config first, then tweak). */
void mt_create(struct mt *t, const struct host_env_config *ecfg);
/* Program admin queues and CC (EN=1, MPS mps, IOSQES 6, IOCQES 4); wait RDY. */
bool mt_enable(struct mt *t, uint32_t asqn, uint32_t acqn, unsigned mps);
void mt_disable(struct mt *t);

void tq_alloc(struct mt *t, struct tq *q, uint16_t qid, uint32_t sqn, uint32_t cqn);
void tq_free(struct mt *t, struct tq *q);
/* Copy sqe to the SQ (cid assigned unless keep_cid) and optionally ring. */
uint16_t tq_push(struct mt *t, struct tq *q, struct nvme_sqe *sqe, bool keep_cid);
void tq_ring(struct mt *t, struct tq *q);
/* Take the next CQE if its phase is current; advances head, optionally rings. */
bool tq_pop(struct mt *t, struct tq *q, struct nvme_cqe *out, bool ring);
/* Submit one command and return its CQE's status field (15 bits), or
 * 0xFFFF if no completion was posted. */
uint16_t mt_cmd(struct mt *t, struct tq *q, struct nvme_sqe *sqe, struct nvme_cqe *cqe);
uint16_t mt_admin(struct mt *t, struct nvme_sqe *sqe, struct nvme_cqe *cqe);
/* Create I/O CQ+SQ qid 1 of n entries; returns the first failing status. */
uint16_t mt_create_io(struct mt *t, uint32_t n);

/* Register access shortcuts */
uint32_t mt_rd(struct mt *t, uint32_t off);
void mt_wr(struct mt *t, uint32_t off, uint32_t v);

/* Build a Read/Write with PRP1/PRP2 as given. */
void mt_rw_sqe(struct nvme_sqe *s, uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb, uint64_t prp1,
	       uint64_t prp2);

/* SCT/SC of a 15-bit status field */
#define SF_SCT(sf) (((sf) >> 8) & 7u)
#define SF_SC(sf)  ((sf) & 0xFFu)
/* a function, not a macro: sf is often a command call, evaluated once */
static inline bool SF_IS(uint16_t sf, unsigned sct, unsigned sc)
{
	return SF_SCT(sf) == sct && SF_SC(sf) == sc;
}

#endif /* MODEL_UTIL_H */
