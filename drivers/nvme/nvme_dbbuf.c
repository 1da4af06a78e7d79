/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_dbbuf.c - shadow doorbells: Doorbell Buffer Config (admin 7Ch,
 * OACS bit 8; NVMe 1.3 sections 5.7 and 7.13).
 *
 * The driver gives the controller two memory pages (CC.MPS each, one DMA
 * allocation): the Shadow Doorbell page, where the host stores every new SQ
 * tail and CQ head, and the EventIdx page, where the controller says up to
 * which value it has looked. Both mirror the doorbell registers: SQ y at
 * byte 2y * (4 << DSTRD), CQ y at (2y + 1) * (4 << DSTRD). The host stores
 * the new value in the shadow page, orders that store before the load of
 * EventIdx (full barrier: a store then a load), and writes the MMIO
 * doorbell only when the update crossed EventIdx
 * (nvme_dbbuf_need_event()). The ring functions in nvme_queue.c do that.
 *
 * The admin queue keeps writing MMIO doorbells (and the shadow value, so a
 * controller that reads either sees the same): Linux and SPDK never use the
 * shadow buffer for the admin queue, and QEMU copies admin MMIO values into
 * it for them.
 *
 * The registration does not survive a controller reset (5.7): init and
 * every re-initialisation call nvme_dbbuf_reset(), which detaches every
 * queue from the pages, clears them and registers them again; each I/O
 * queue attaches (nvme_dbbuf_queue_init) just before it is created on the
 * device, after its slots were set to its starting values (a queue created
 * again must not inherit the tail of its predecessor).
 *
 * A device that misses an update (QEMU 7.2 with Linux stalls about once in
 * fifteen 5-second QD32 runs, DESIGN.md section 4) could leave a command
 * unfetched for good; nvme_q_tick() writes both MMIO doorbells of a queue
 * that has commands in flight and made no progress for NVME_DBBUF_KICK_US.
 */
#include "nvme_internal.h"

NVME_COLD static uint32_t db_stride(const struct nvme_ctrl *c)
{
	return 4u << c->dstrd;
}

/* Byte offset of qid's SQ (cq false) or CQ doorbell in either page. */
NVME_COLD static size_t slot_off(const struct nvme_ctrl *c, uint32_t qid, bool cq)
{
	return ((size_t)2u * qid + (cq ? 1u : 0u)) * db_stride(c);
}

NVME_COLD static void queue_detach(struct nvme_qpair *q)
{
	q->sdb_sq = NULL;
	q->sdb_cq = NULL;
	q->ei_sq = NULL;
	q->ei_cq = NULL;
}

NVME_COLD void nvme_dbbuf_queue_init(struct nvme_ctrl *c, struct nvme_qpair *q)
{
	queue_detach(q);
	if (!c->dbbuf_on || c->dbbuf == NULL)
		return;
	uint8_t *db = c->dbbuf;
	uint8_t *ei = db + c->page_size;
	size_t so = slot_off(c, q->qid, false), co = slot_off(c, q->qid, true);
	if (co + 4u > c->page_size)
		return;   /* beyond the page: MMIO only (nvme_dbbuf_reset checked the granted queues) */
	volatile uint32_t *sdb_sq = (volatile uint32_t *)(void *)(db + so);
	volatile uint32_t *sdb_cq = (volatile uint32_t *)(void *)(db + co);
	volatile uint32_t *ei_sq = (volatile uint32_t *)(void *)(ei + so);
	volatile uint32_t *ei_cq = (volatile uint32_t *)(void *)(ei + co);
	*sdb_sq = q->sq_tail;
	*sdb_cq = nvme_q_cq_head(q);
	*ei_sq = q->sq_tail;
	*ei_cq = nvme_q_cq_head(q);
	q->sq_tail_rung = q->sq_tail;
	q->cq_head_rung = nvme_q_cq_head(q);
	q->slot_limit = q->nslots;
	q->sq_tail_mmio = q->sq_tail;
	q->cq_head_mmio = nvme_q_cq_head(q);
	q->sdb_sq = sdb_sq;
	q->sdb_cq = sdb_cq;
	if (q->qid != 0) {
		q->ei_sq = ei_sq;
		q->ei_cq = ei_cq;
	}
	/* the slot values before the Create commands that make the device look */
	nvme_mb();
}

NVME_COLD void nvme_dbbuf_free(struct nvme_ctrl *c)
{
	c->dbbuf_on = false;
	queue_detach(&c->admin);
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		queue_detach(&c->io[i]);
	if (c->dbbuf != NULL)
		nvme_dma_free(c, c->dbbuf, c->dbbuf_phys, c->dbbuf_bytes);
	c->dbbuf = NULL;
	c->dbbuf_bytes = 0;
}

NVME_COLD void nvme_dbbuf_reset(struct nvme_ctrl *c)
{
	/* whatever was registered is gone with the reset */
	c->dbbuf_on = false;
	queue_detach(&c->admin);
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		queue_detach(&c->io[i]);

	if (c->cfg.no_shadow_doorbells || !NVME_GET(c->id.oacs, NVME_OACS_DBBUF))
		return;
	/* every queue the device may let us create must fit in one page */
	uint32_t maxq = NVME_CFG_MAX_IO_QUEUES;
	if (slot_off(c, maxq, true) + 4u > c->page_size) {
		nvme_info(c, "shadow doorbells not used: %u queue pairs with doorbell stride %u do not fit a %u-byte page",
			  (unsigned)(maxq + 1u), (unsigned)db_stride(c), (unsigned)c->page_size);
		return;
	}
	if (c->dbbuf == NULL) {
		c->dbbuf_bytes = 2u * (size_t)c->page_size;
		c->dbbuf = nvme_dma_alloc(c, c->dbbuf_bytes, c->page_size, &c->dbbuf_phys);
		if (c->dbbuf == NULL) {
			c->dbbuf_bytes = 0;
			nvme_warn(c, "shadow doorbells not used: no DMA memory for their pages");
			return;
		}
	}
	__builtin_memset(c->dbbuf, 0, c->dbbuf_bytes);
	/* the admin queue's current values (QEMU stores its own there as well) */
	uint8_t *db = c->dbbuf;
	*(volatile uint32_t *)(void *)(db + slot_off(c, 0, false)) = c->admin.sq_tail;
	*(volatile uint32_t *)(void *)(db + slot_off(c, 0, true)) = nvme_q_cq_head(&c->admin);

	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_DOORBELL_BUFFER_CONFIG;
	sqe.dptr.prp.prp1 = c->dbbuf_phys;                   /* Shadow Doorbell page */
	sqe.dptr.prp.prp2 = c->dbbuf_phys + c->page_size;    /* EventIdx page */
	int rc = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	if (rc != 0) {
		nvme_warn(c, "Doorbell Buffer Config failed (%s): MMIO doorbells only", nvme_strerror(rc));
		return;
	}
	c->dbbuf_on = true;
	c->dbbuf_configs++;
	nvme_dbbuf_queue_init(c, &c->admin);
	nvme_dbg(c, "shadow doorbells registered at %llx (EventIdx %llx)", (unsigned long long)c->dbbuf_phys,
		 (unsigned long long)(c->dbbuf_phys + c->page_size));
}

NVME_COLD bool nvme_ctrl_shadow_doorbells(const struct nvme_ctrl *c)
{
	return c != NULL && c->dbbuf_on;
}
