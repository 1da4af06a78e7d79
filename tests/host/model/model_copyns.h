/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_copyns.h - private state of model_copy.c and model_nsmgmt.c.
 */
#ifndef MODEL_COPYNS_H
#define MODEL_COPYNS_H

#include "model_ext.h"
#include "nvme_model_copyns.h"

#define NSM_MAX_CTRLS 16u

/* One allocated namespace. While it is attached to this controller it lives
 * in m->ns (here); otherwise its store is kept in ns. */
struct nsm_rec {
	uint32_t nsid;
	uint32_t mask;            /* bit i: attached to ctrls[i] */
	bool     nmic;            /* shared */
	bool     here;
	struct model_ns ns;       /* valid when !here */
};

struct model_copyns {
	/* Copy */
	bool     copy_on;
	struct nvme_model_copy_config copy;
	uint64_t copy_cmds, copy_blocks;
	uint8_t  pif[8];          /* PIF answered in CNS 05h for NSIDs 1..8 (0: 16-bit) */
	bool     pif_on;
	model_cmd_fn prev_identify_copy;
	/* namespace management */
	bool     nsm_on;
	uint64_t capacity;
	uint16_t ctrls[NSM_MAX_CTRLS];
	uint32_t nctrls;
	uint32_t self;            /* index of the model's CNTLID in ctrls */
	struct nsm_rec *recs;     /* increasing NSID */
	uint32_t nrecs;
	model_cmd_fn prev_identify;
};

/* The state, created on first use (aborts on out of memory). */
struct model_copyns *model_copyns_get(struct nvme_model *m);

#endif /* MODEL_COPYNS_H */
