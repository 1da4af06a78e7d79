/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_power.h - power states (NVME_CFG_POWER, nvme_power.c): the power
 * state descriptors of Identify Controller decoded, the current state
 * (Power Management, Feature 02h), Autonomous Power State Transition
 * (Feature 0Ch) decoded, and choosing a state. The quirk no-deepest-ps
 * (nvme_quirks.h) keeps the driver out of the deepest state.
 */
#ifndef NVME_POWER_H
#define NVME_POWER_H

#include "nvme.h"

/* Optional family switch (drivers/nvme/README.md "Configuration"). */
/* NVME_CFG_POWER: nvme_config.h */

#if NVME_CFG_POWER

/* One power state descriptor, decoded. Powers in microwatts (0: not
 * reported). */
struct nvme_power_state_info {
	uint8_t  ps;
	bool     non_operational;   /* NOPS: no I/O in this state */
	uint32_t max_power_uw;      /* MP: centiwatts, or 0.0001 W units with MXPS */
	uint32_t entry_lat_us;      /* ENLAT (0: not reported) */
	uint32_t exit_lat_us;       /* EXLAT */
	uint8_t  rrt, rrl, rwt, rwl;   /* relative read/write throughput and latency */
	uint32_t idle_power_uw;     /* IDLP with IPS */
	uint32_t active_power_uw;   /* ACTP with APWS scale */
};

/* Power states the controller has: NPSS + 1 (1..32). */
uint32_t nvme_power_state_count(const struct nvme_ctrl *c);
/* Descriptor ps decoded; NVME_ERR_INVAL beyond NPSS. */
int nvme_power_state_info(const struct nvme_ctrl *c, uint8_t ps, struct nvme_power_state_info *out);
/* The current state and workload hint (Get Features 02h). */
int nvme_power_get(struct nvme_ctrl *c, uint8_t *ps, uint8_t *workload);
/*
 * Enter state ps (Set Features 02h). NVME_ERR_INVAL beyond NPSS;
 * NVME_ERR_NOT_ADVERTISED (nothing sent) for a non-operational state
 * unless force (I/O would wait for the controller to leave it), and for
 * the deepest state on a controller with the quirk no-deepest-ps even
 * with force; the reason is in nvme_ctrl_refusal() (built with
 * NVME_CFG_SUPPORT) or logged.
 */
int nvme_power_set(struct nvme_ctrl *c, uint8_t ps, bool force);

/* Autonomous Power State Transition (Feature 0Ch). */
struct nvme_apst {
	bool     supported;         /* Identify APSTA bit 0 */
	bool     enabled;           /* APSTE */
	struct {
		uint8_t  itps;          /* idle transition power state */
		uint32_t itpt_ms;       /* idle time before the transition; 0: entry unused */
	} entry[32];                /* one per power state */
};
/* Read it (not sent when unsupported: supported=false, returns 0). */
int nvme_apst_read(struct nvme_ctrl *c, struct nvme_apst *out);

#endif /* NVME_CFG_POWER */
#endif /* NVME_POWER_H */
