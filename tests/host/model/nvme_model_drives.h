/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_drives.h - the model behaving like real drives (issue 13):
 * the misbehaviours the driver's quirks work around, Identify CNS values
 * by the version the model claims, and broken power states. model_drives.c.
 */
#ifndef NVME_MODEL_DRIVES_H
#define NVME_MODEL_DRIVES_H

#include <stdbool.h>
#include <stdint.h>

#include "nvme_model.h"

/* CSTS reads FFFFFFFFh for us microseconds (test time) after CC.EN 1->0
 * (quirk delay-before-rdy; 0: off). */
void nvme_model_set_csts_ones_after_disable(struct nvme_model *m, uint64_t us);
/* I/O SQ entries are fetched bytes (64 or 128) apart whatever CC.IOSQES
 * says (quirk sqe-128). */
void nvme_model_set_io_sqe_bytes(struct nvme_model *m, uint32_t bytes);
/* A CID at or above limit is a protocol error (0: no limit); with shared,
 * so is a CID in flight on another queue (held completion or outstanding
 * AER) (quirk shared-cids). */
void nvme_model_set_cid_rules(struct nvme_model *m, uint32_t limit, bool shared);
/* More than n commands in flight on one I/O SQ is a protocol error (0:
 * off) (quirk qdepth-one). */
void nvme_model_set_io_outstanding_max(struct nvme_model *m, uint32_t n);
/* Write Zeroes completes successfully without writing (quirk
 * no-write-zeroes). */
void nvme_model_set_write_zeroes_broken(struct nvme_model *m, bool broken);
/* Identify with this CNS fails Invalid Field (an error log entry), e.g. an
 * Apple T2 without CNS 02h (quirk no-ns-list) or a drive without 06h. */
void nvme_model_set_cns_refused(struct nvme_model *m, uint8_t cns, bool refused);
/* Identify commands received with this CNS. */
uint32_t nvme_model_cns_count(const struct nvme_model *m, uint8_t cns);
/* The power state descriptors (npss+1 of them, npss <= 31) of Identify
 * Controller; with deepest_broken, entering state npss sets CSTS.CFS
 * (quirk no-deepest-ps). */
void nvme_model_set_power_states(struct nvme_model *m, uint8_t npss, const struct nvme_power_state *psd,
				 bool deepest_broken);

#endif /* NVME_MODEL_DRIVES_H */
