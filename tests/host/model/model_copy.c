/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_copy.c - the Copy command (NVM Command Set 1.0 section 3.2.2) of
 * the software controller, and the state shared with model_nsmgmt.c.
 *
 * Checks, in order: ONCS bit 8 (Invalid Command Opcode), the namespace
 * (Invalid Namespace or Format), sanitize, the descriptor format (not in
 * OCFS: Invalid Field), MSRC (Command Size Limit Exceeded), the list read
 * from the host, then every range: MSSRL, the running total against MCL
 * (Command Size Limit Exceeded), source inside the namespace (LBA Out of
 * Range); then the destination; then reservations. Only after all of them
 * are the sources read (all of them first, so overlapping ranges copy the
 * old data) and the destination written. Format 0h entries are 32 bytes,
 * 1h 40 bytes (the model has no protection information: the tags are
 * read and ignored).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_copyns.h"

struct model_copyns *model_copyns_get(struct nvme_model *m)
{
	if (!m->copyns) {
		m->copyns = calloc(1, sizeof(*m->copyns));
		if (!m->copyns)
			abort();
	}
	return m->copyns;
}

void model_copyns_destroy(struct nvme_model *m)
{
	struct model_copyns *s = m->copyns;
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nrecs; i++)
		if (!s->recs[i].here)
			ext_ns_erase(&s->recs[i].ns);
	free(s->recs);
	free(s);
	m->copyns = NULL;
}

#define CMD_SIZE_LIMIT MODEL_CMDSPEC(NVME_SC_COMMAND_SIZE_LIMIT_EXCEEDED)

static void copy_cmd(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_copyns *s = m->copyns;
	if (!s || !s->copy_on || !ext_io_supported(m, NVME_CMD_COPY)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return;
	}
	struct model_ns *ns = ext_io_ns(c);
	if (!ns)
		return;
	c->status = ext_sanitize_gate(m);
	if (c->status)
		return;
	unsigned fmt = (unsigned)NVME_GET(c->sqe.cdw12, NVME_COPY_CDW12_DESFMT);
	uint32_t nr = (uint32_t)NVME_GET(c->sqe.cdw12, NVME_COPY_CDW12_NR) + 1u;
	if (fmt > 1 || !((s->copy.ocfs >> fmt) & 1u)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (nr > (uint32_t)s->copy.msrc + 1u) {
		c->status = CMD_SIZE_LIMIT;
		return;
	}
	size_t esz = fmt == 0 ? sizeof(struct nvme_copy_range_f0) : sizeof(struct nvme_copy_range_f1);
	uint8_t *list = calloc(nr, esz);
	uint64_t *slba = calloc(nr, sizeof(*slba));
	uint32_t *nlb = calloc(nr, sizeof(*nlb));
	uint8_t *data = NULL, *md = NULL;
	if (!list || !slba || !nlb)
		abort();
	c->status = model_from_host(c, list, (uint64_t)nr * esz);
	if (c->status)
		goto out;
	uint64_t total = 0;
	for (uint32_t i = 0; i < nr; i++) {
		if (fmt == 0) {
			struct nvme_copy_range_f0 e;
			memcpy(&e, list + i * esz, sizeof(e));
			slba[i] = e.slba;
			nlb[i] = (uint32_t)e.nlb + 1u;
		} else {
			struct nvme_copy_range_f1 e;
			memcpy(&e, list + i * esz, sizeof(e));
			slba[i] = e.slba;
			nlb[i] = (uint32_t)e.nlb + 1u;
		}
		total += nlb[i];
		if (nlb[i] > s->copy.mssrl || total > s->copy.mcl) {
			c->status = CMD_SIZE_LIMIT;
			goto out;
		}
		if (slba[i] >= ns->blocks || nlb[i] > ns->blocks - slba[i]) {
			c->status = MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
			goto out;
		}
	}
	uint64_t sdlba = (uint64_t)c->sqe.cdw10 | (uint64_t)c->sqe.cdw11 << 32;
	if (sdlba >= ns->blocks || total > ns->blocks - sdlba) {
		c->status = MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
		goto out;
	}
	c->status = ext_resv_gate(m, ns->nsid, true);
	if (c->status)
		goto out;
	data = malloc((size_t)total * ns->lba_size);
	md = ns->ms ? malloc((size_t)total * ns->ms) : NULL;
	if (!data || (ns->ms && !md))
		abort();
	uint64_t off = 0;
	for (uint32_t i = 0; i < nr; i++) {
		model_ns_read(ns, slba[i], nlb[i], data + off * ns->lba_size, md ? md + off * ns->ms : NULL);
		off += nlb[i];
	}
	ext_before_write(m, ns, sdlba, total, NVME_GET(c->sqe.cdw12, NVME_COPY_CDW12_FUA) != 0);
	model_ns_write(ns, sdlba, total, data, md);
	s->copy_cmds++;
	s->copy_blocks += total;
out:
	free(list);
	free(slba);
	free(nlb);
	free(data);
	free(md);
}

/* CNS 05h with CSI 0 when a test set a PIF; everything else as before. */
static void copy_identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_copyns *s = m->copyns;
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	uint32_t nsid = c->sqe.nsid;
	if (!s->pif_on || cns != NVME_CNS_CS_NS || (c->sqe.cdw11 >> 24) != 0 || !model_ns_find(m, nsid)) {
		s->prev_identify_copy(c);
		return;
	}
	uint8_t *buf = calloc(1, NVME_IDENTIFY_DATA_SIZE);
	if (!buf)
		abort();
	uint32_t elbaf = nsid <= 8 ? (uint32_t)s->pif[nsid - 1] << 7 : 0;
	for (unsigned i = 0; i < 64; i++)
		memcpy(buf + NVME_ID_NS_NVM_ELBAF_OFF + 4u * i, &elbaf, 4);
	c->status = model_to_host(c, buf, NVME_IDENTIFY_DATA_SIZE);
	free(buf);
}

void nvme_model_copy_set_pif(struct nvme_model *m, uint32_t nsid, uint8_t pif)
{
	struct model_copyns *s = model_copyns_get(m);
	if (nsid == 0 || nsid > 8)
		return;
	s->pif[nsid - 1] = pif;
	if (!s->pif_on) {
		s->pif_on = true;
		s->prev_identify_copy = m->admin_ops[NVME_ADMIN_IDENTIFY];
		m->admin_ops[NVME_ADMIN_IDENTIFY] = copy_identify;
	}
}

void nvme_model_copy_enable(struct nvme_model *m, const struct nvme_model_copy_config *cfg)
{
	struct model_copyns *s = model_copyns_get(m);
	s->copy_on = true;
	s->copy = *cfg;
	m->cfg.oncs |= (uint16_t)NVME_SET(NVME_ONCS_COPY, 1);
	m->id_ctrl.oncs |= (uint16_t)NVME_SET(NVME_ONCS_COPY, 1);
	m->id_ctrl.ocfs = cfg->ocfs;
	m->io_ops[NVME_CMD_COPY] = copy_cmd;
	m->io_names[NVME_CMD_COPY] = "Copy";
	/* Identify Namespace bytes 74-80: MSSRL, MCL, MSRC (every namespace) */
	uint8_t b[7];
	memcpy(b, &cfg->mssrl, 2);
	memcpy(b + 2, &cfg->mcl, 4);
	b[6] = cfg->msrc;
	nvme_model_patch_id_ns(m, 0, offsetof(struct nvme_id_ns, mssrl), b, sizeof(b));
}

void nvme_model_copy_stats(const struct nvme_model *m, uint64_t *cmds, uint64_t *blocks)
{
	const struct model_copyns *s = m->copyns;
	if (cmds)
		*cmds = s ? s->copy_cmds : 0;
	if (blocks)
		*blocks = s ? s->copy_blocks : 0;
}
