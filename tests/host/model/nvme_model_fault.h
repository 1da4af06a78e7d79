/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_fault.h - fault injection in the software controller: rules
 * that pick commands (by queue, opcode, the n-th match, or a seeded
 * probability) and make the model misbehave on them the way broken
 * hardware does.
 *
 * A rule is checked when the model fetches a command. Kinds:
 *
 *   STATUS      complete with status field `sf` (SCT/SC, CRD, DNR as given:
 *               use NVME_MODEL_SF()/NVME_MODEL_SF_DNR), without executing.
 *   DROP        execute, never post the completion (an Abort finds
 *               nothing: "not aborted").
 *   LATE        execute, post the completion delay_us later (0: only when
 *               released, aborted or reset). Held like
 *               nvme_model_set_defer(): an Abort aborts it.
 *   DUPLICATE   execute, post the completion twice.
 *   WRONG_CID   execute, post the completion with cid ^ arg (arg 0: 8000h,
 *               the top generation bit of the driver's CIDs).
 *   BAD_SQHD    execute, post with SQ head = queue size + arg.
 *   BAD_SQID    execute, post with SQ identifier ^ (arg ? arg : 1).
 *   CFS         set CSTS.CFS when the command is fetched (not executed).
 *   GONE        every register reads FFFFFFFFh from this command on.
 *   ABORT_REFUSE  for Abort commands: answer "not aborted" (dword 0 bit 0)
 *               even when the command could have been aborted.
 *   AER_FLOOD   for Asynchronous Event Requests: complete the request at
 *               once with event dword 0 = arg (default: SMART temperature),
 *               ignoring the masking a real controller applies until the
 *               log page is read. count bounds the flood.
 *
 * Matching: qid (NVME_MODEL_FAULT_ANY_QUEUE, NVME_MODEL_FAULT_IO_QUEUES or a
 * qid), opc (-1 any), and (cdw10 & cdw10_mask) == cdw10 (mask 0: any; for
 * Read/Write cdw10 is the low half of the starting LBA, which picks one
 * request and its retries). A matching command from the nth on (1-based;
 * 0 = the first) is a candidate; it fires with probability prob_ppm (parts
 * per million; 0 = always), drawn from the model's seeded PRNG
 * (deterministic); count bounds how often the rule fires (0 = no bound).
 * So nth 3, count 1 is "the third matching command"; nth 3, count 2 "the
 * third and the next one" (at queue depth 1 that is the third's retry).
 * Rules are checked in the order added; the first that fires decides.
 */
#ifndef NVME_MODEL_FAULT_H
#define NVME_MODEL_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "nvme_model.h"

enum nvme_model_fault_kind {
	NVME_MODEL_FAULT_STATUS = 1,
	NVME_MODEL_FAULT_DROP,
	NVME_MODEL_FAULT_LATE,
	NVME_MODEL_FAULT_DUPLICATE,
	NVME_MODEL_FAULT_WRONG_CID,
	NVME_MODEL_FAULT_BAD_SQHD,
	NVME_MODEL_FAULT_BAD_SQID,
	NVME_MODEL_FAULT_CFS,
	NVME_MODEL_FAULT_GONE,
	NVME_MODEL_FAULT_ABORT_REFUSE,
	NVME_MODEL_FAULT_AER_FLOOD
};

#define NVME_MODEL_FAULT_ANY_QUEUE  (-1)
#define NVME_MODEL_FAULT_IO_QUEUES  (-2)

/* Status field (15 bits, no phase): SCT/SC, with DNR, with CRD (1..3). */
#define NVME_MODEL_SF(sct, sc)      ((uint16_t)(((unsigned)(sct) << 8) | (unsigned)(sc)))
#define NVME_MODEL_SF_DNR           ((uint16_t)0x4000u)
#define NVME_MODEL_SF_CRD(n)        ((uint16_t)(((unsigned)(n) & 3u) << 11))

struct nvme_model_fault {
	enum nvme_model_fault_kind kind;
	int      qid;        /* NVME_MODEL_FAULT_ANY_QUEUE, _IO_QUEUES, or a qid */
	int      opc;        /* -1: any opcode */
	uint32_t cdw10, cdw10_mask; /* match (sqe.cdw10 & mask) == cdw10 */
	uint32_t nth;        /* first matching command that may fire (1-based; 0 = 1) */
	uint32_t prob_ppm;   /* chance per candidate in ppm; 0 = always */
	uint32_t count;      /* times the rule may fire; 0 = unlimited */
	uint16_t sf;         /* STATUS */
	uint64_t delay_us;   /* LATE */
	uint32_t arg;        /* WRONG_CID, BAD_SQHD, BAD_SQID, AER_FLOOD */
};

/* Add a rule; returns its id (0, 1, ...) or -1 when the table is full. */
int      nvme_model_fault_add(struct nvme_model *m, const struct nvme_model_fault *f);
/* Remove every rule (what they did stays done: a held completion stays held). */
void     nvme_model_fault_clear(struct nvme_model *m);
/* Seed of the probability draws (default 1). */
void     nvme_model_fault_seed(struct nvme_model *m, uint64_t seed);
/* Times rule id fired; all rules together. */
uint32_t nvme_model_fault_fired(const struct nvme_model *m, int id);
uint32_t nvme_model_fault_fired_total(const struct nvme_model *m);

#endif /* NVME_MODEL_FAULT_H */
