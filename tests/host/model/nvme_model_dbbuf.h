/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_dbbuf.h - shadow doorbells in the software controller
 * (Doorbell Buffer Config, admin opcode 7Ch; NVMe 1.3 5.7 and 7.13).
 *
 * Enabled when Identify Controller OACS bit 8 is set (cfg.oacs); otherwise
 * the command is Invalid Command Opcode. PRP1 is the Shadow Doorbell page,
 * PRP2 the EventIdx page: page aligned (CC.MPS), non-zero and reachable, or
 * Invalid Field in Command. Each page mirrors the doorbell registers: the
 * value for SQ y at byte (2y) * (4 << DSTRD), for CQ y at (2y + 1) * (4 <<
 * DSTRD). A controller reset (CC.EN 1 -> 0) forgets the registration.
 *
 * While registered, for I/O queues (the admin queue keeps using its MMIO
 * doorbells, as QEMU's device effectively does):
 *  - an MMIO doorbell write must carry the value the shadow holds (a
 *    mismatch is a recorded protocol error); processing then follows the
 *    shadow tail, re-read after every command, as QEMU 7.2 does;
 *  - before posting a completion the model reads the shadow CQ head;
 *  - after fetching, the SQ's EventIdx is written, and before reading the
 *    shadow CQ head, the CQ's EventIdx, according to the mode:
 *      NVME_MODEL_EVENTIDX_EXACT (default, QEMU 7.2's choice): the value
 *        just consumed, so the host's next update crosses it and the host
 *        rings MMIO every time;
 *      NVME_MODEL_EVENTIDX_POLL: one behind that value, so the host's
 *        updates never cross it (except at a 16-bit wrap) and it writes no
 *        MMIO at all: the device is expected to poll the shadow buffer,
 *        which happens only when the test calls nvme_model_dbbuf_poll().
 *        A test that never calls it sees a device that missed a doorbell
 *        (the stall QEMU 7.2 + Linux shows): the host must notice the lack
 *        of progress and write the MMIO doorbell.
 */
#ifndef NVME_MODEL_DBBUF_H
#define NVME_MODEL_DBBUF_H

#include <stdbool.h>
#include <stdint.h>

struct nvme_model;
struct model_sq;
struct model_cq;

enum nvme_model_eventidx_mode {
	NVME_MODEL_EVENTIDX_EXACT = 0,
	NVME_MODEL_EVENTIDX_POLL = 1
};

void nvme_model_dbbuf_set_mode(struct nvme_model *m, enum nvme_model_eventidx_mode mode);
/* The device looks at every shadow doorbell now (as a polling device
 * would): fetches new commands, frees CQ space. Returns the number of
 * queues whose shadow value moved. */
unsigned nvme_model_dbbuf_poll(struct nvme_model *m);
/* Registered now? Bus addresses of the pages (0 when not registered). */
bool nvme_model_dbbuf_on(const struct nvme_model *m, uint64_t *dbs, uint64_t *eis);
/* Doorbell Buffer Config commands accepted since creation. */
uint64_t nvme_model_dbbuf_configs(const struct nvme_model *m);
/* Shadow value of queue qid (cq: CQ head, else SQ tail), UINT32_MAX if not
 * registered or unreadable. */
uint32_t nvme_model_dbbuf_shadow(struct nvme_model *m, uint16_t qid, bool cq);

/* ---- internal hooks (model_queue.c, model_core.c) ---- */
/* Controller reset: forget the registration. */
void model_dbbuf_reset(struct nvme_model *m);
/* Shadow doorbells apply to this I/O queue now. */
bool model_dbbuf_active(const struct nvme_model *m, uint16_t qid);
/* Before fetching: take the shadow SQ tail (validated). */
void model_dbbuf_sq_refresh(struct nvme_model *m, struct model_sq *sq);
/* After fetching: write the SQ's EventIdx. */
void model_dbbuf_sq_done(struct nvme_model *m, struct model_sq *sq);
/* Before posting: write the CQ's EventIdx, take the shadow CQ head. */
void model_dbbuf_cq_refresh(struct nvme_model *m, struct model_cq *cq);
/* An MMIO doorbell write of an I/O queue: the shadow must hold the same. */
void model_dbbuf_check_mmio(struct nvme_model *m, uint16_t qid, bool cq, uint32_t v);

#endif
