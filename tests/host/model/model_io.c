/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_io.c - NVM command set I/O commands: Read, Write, Flush.
 *
 * Checks, in order: NSID (0, FFFFFFFFh or inactive -> Invalid Namespace or
 * Format; Flush accepts FFFFFFFFh when VWC advertises broadcast flush),
 * SLBA + NLB (0's based) beyond NSZE -> LBA Out of Range, then the data
 * pointer (MDTS, PRP/SGL rules in model_xfer.c). Metadata (ms > 0, separate
 * buffer) goes through MPTR with PSDT 00b/01b; PSDT 10b is Invalid Field.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static struct model_ns *io_ns(struct model_cmd *c)
{
	struct model_ns *ns = NULL;
	uint32_t nsid = c->sqe.nsid;
	if (nsid != 0 && nsid != NVME_NSID_ALL)
		ns = model_ns_find(c->m, nsid);
	if (!ns)
		c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
	return ns;
}

static void io_rw(struct model_cmd *c, bool write)
{
	struct nvme_model *m = c->m;
	struct model_ns *ns = io_ns(c);
	if (!ns)
		return;
	uint64_t slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	uint64_t nlb = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_NLB) + 1u;
	if (slba >= ns->blocks || nlb > ns->blocks - slba) {
		c->status = MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
		return;
	}
	if (model_pi_active(ns)) {   /* metadata layouts, PI: model_pi.c */
		model_pi_rw(c, ns, write, slba, nlb);
		return;
	}
	uint64_t len = nlb * ns->lba_size;
	struct model_sg sg;
	c->status = model_map_dptr(c, len, &sg);
	if (c->status)
		return;
	uint8_t *data = malloc((size_t)len);
	uint8_t *md = NULL;
	uint64_t mlen = nlb * ns->ms;
	if (!data)
		abort();
	if (mlen) {
		if (NVME_GET(c->sqe.flags, NVME_SQE_FLAGS_PSDT) == NVME_PSDT_SGL_MPTR_SGL) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			goto out;
		}
		if (c->sqe.mptr == 0 || (c->sqe.mptr & 3u)) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			goto out;
		}
		md = malloc((size_t)mlen);
		if (!md)
			abort();
	}
	if (write) {
		c->status = model_sg_copy(m, &sg, 0, data, len, false);
		if (!c->status && md && !model_dma_read(m, c->sqe.mptr, md, mlen))
			c->status = MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
		if (c->status)
			goto out;
		model_ns_write(ns, slba, nlb, data, md);
		if ((m->feat.cur[NVME_FEAT_VOLATILE_WC] & 1u) && !NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_FUA))
			ns->dirty += nlb;
		m->stats.writes++;
		m->stats.blocks_written += nlb;
		m->stats.bytes_written += len;
		m->data_units_written_512 += len / 512u;
	} else {
		model_ns_read(ns, slba, nlb, data, md);
		c->status = model_sg_copy(m, &sg, 0, data, len, true);
		if (!c->status && md && !model_dma_write(m, c->sqe.mptr, md, mlen))
			c->status = MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
		if (c->status)
			goto out;
		m->stats.reads++;
		m->stats.blocks_read += nlb;
		m->stats.bytes_read += len;
		m->data_units_read_512 += len / 512u;
	}
out:
	free(md);
	free(data);
	model_sg_free(&sg);
}

static void io_read(struct model_cmd *c) { io_rw(c, false); }
static void io_write(struct model_cmd *c) { io_rw(c, true); }

static void io_flush(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (c->sqe.nsid == NVME_NSID_ALL) {
		if (NVME_GET(m->cfg.vwc, NVME_VWC_FLUSH_BROADCAST) != 3u) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			return;
		}
		for (uint32_t i = 0; i < m->ns_count; i++)
			m->ns[i].dirty = 0;
	} else {
		struct model_ns *ns = io_ns(c);
		if (!ns)
			return;
		ns->dirty = 0;
	}
	m->stats.flushes++;
}

const struct model_opcode model_io_core_ops[] = {
	{ NVME_CMD_FLUSH, io_flush, "Flush" },
	{ NVME_CMD_WRITE, io_write, "Write" },
	{ NVME_CMD_READ,  io_read,  "Read" },
	{ 0, NULL, NULL }
};
