/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_zns.c - I/O command sets and zoned namespaces of the software
 * controller (nvme_model_zns.h).
 *
 * Installed last (after model_drives_install): wraps Identify (CNS 03h, 05h,
 * 06h, 1Ch; CNS 00h of a namespace of a foreign command set), Set/Get
 * Features (19h), Read, Write and Write Zeroes, and adds Zone Management
 * Send (79h), Zone Management Receive (7Ah) and Zone Append (7Dh). Rules
 * follow the ZNS Command Set Specification 1.0: a write starts at its zone's
 * write pointer and stays inside the zone's capacity; opening a zone takes
 * an open and an active resource; Full, Read Only and Offline zones refuse
 * writes; the transitions of Zone Management Send are listed in zms_one().
 * A refused command changes nothing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "nvme_model_zns.h"

#define ZNS_MAX_NS   16u
#define ZNS_CSI_NONE 0xFFu

struct zone {
	uint8_t  st;              /* NVME_ZS_* */
	uint8_t  za;
	uint64_t wp;
	uint64_t zcap;
};

struct zns_ns {
	uint32_t nsid;            /* 0 = unused */
	uint8_t  csi;             /* claimed command set */
	bool     zoned;
	struct nvme_model_zns_config cfg;
	uint64_t nzones;
	struct zone *z;
	uint8_t *ext;             /* nzones * zdes * 64 */
};

struct model_zns {
	struct zns_ns ns[ZNS_MAX_NS];
	uint32_t profile;
	uint32_t iocs_reads;
	model_cmd_fn prev_identify, prev_set_features, prev_get_features;
	model_cmd_fn prev_read, prev_write, prev_write_zeroes;
};

static struct model_zns *ZNS(struct nvme_model *m)
{
	if (!m->zns) {
		m->zns = calloc(1, sizeof(*m->zns));
		if (!m->zns)
			abort();
	}
	return m->zns;
}

static struct zns_ns *zns_ns_get(struct nvme_model *m, uint32_t nsid, bool create)
{
	struct model_zns *z = ZNS(m);
	for (unsigned i = 0; i < ZNS_MAX_NS; i++)
		if (z->ns[i].nsid == nsid && nsid != 0)
			return &z->ns[i];
	if (!create)
		return NULL;
	for (unsigned i = 0; i < ZNS_MAX_NS; i++)
		if (z->ns[i].nsid == 0) {
			memset(&z->ns[i], 0, sizeof(z->ns[i]));
			z->ns[i].nsid = nsid;
			z->ns[i].csi = ZNS_CSI_NONE;
			return &z->ns[i];
		}
	return NULL;
}

static struct zns_ns *zoned_ns(struct nvme_model *m, uint32_t nsid)
{
	struct zns_ns *zn = m->zns ? zns_ns_get(m, nsid, false) : NULL;
	return zn && zn->zoned && model_ns_find(m, nsid) ? zn : NULL;
}

static uint8_t ns_csi(struct nvme_model *m, uint32_t nsid)
{
	struct zns_ns *zn = m->zns ? zns_ns_get(m, nsid, false) : NULL;
	if (!zn)
		return NVME_CSI_NVM;
	if (zn->csi != ZNS_CSI_NONE)
		return zn->csi;
	return zn->zoned ? NVME_CSI_ZNS : NVME_CSI_NVM;
}

/* ------------------------------------------------------------------------ */
/* knobs                                                                    */
/* ------------------------------------------------------------------------ */

int nvme_model_ns_zoned(struct nvme_model *m, uint32_t nsid, const struct nvme_model_zns_config *cfg)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns || !cfg || cfg->zone_size == 0 || ns->blocks % cfg->zone_size != 0 ||
	    cfg->zone_cap > cfg->zone_size)
		return -1;
	struct zns_ns *zn = zns_ns_get(m, nsid, true);
	if (!zn)
		return -1;
	free(zn->z);
	free(zn->ext);
	zn->zoned = true;
	zn->cfg = *cfg;
	if (zn->cfg.zone_cap == 0)
		zn->cfg.zone_cap = cfg->zone_size;
	zn->nzones = ns->blocks / cfg->zone_size;
	zn->z = calloc((size_t)zn->nzones, sizeof(*zn->z));
	zn->ext = cfg->zdes ? calloc((size_t)zn->nzones, (size_t)cfg->zdes * 64u) : NULL;
	if (!zn->z || (cfg->zdes && !zn->ext))
		abort();
	for (uint64_t i = 0; i < zn->nzones; i++) {
		zn->z[i].st = NVME_ZS_EMPTY;
		zn->z[i].wp = i * cfg->zone_size;
		zn->z[i].zcap = zn->cfg.zone_cap;
	}
	return 0;
}

int nvme_model_ns_set_csi(struct nvme_model *m, uint32_t nsid, uint8_t csi)
{
	if (!model_ns_find(m, nsid))
		return -1;
	struct zns_ns *zn = zns_ns_get(m, nsid, true);
	if (!zn)
		return -1;
	zn->csi = csi;
	return 0;
}

int nvme_model_zone_force(struct nvme_model *m, uint32_t nsid, uint64_t zi, uint8_t state)
{
	struct zns_ns *zn = zoned_ns(m, nsid);
	if (!zn || zi >= zn->nzones)
		return -1;
	zn->z[zi].st = state;
	return 0;
}

int nvme_model_zone_get(struct nvme_model *m, uint32_t nsid, uint64_t zi, uint8_t *state, uint64_t *wp)
{
	struct zns_ns *zn = zoned_ns(m, nsid);
	if (!zn || zi >= zn->nzones)
		return -1;
	if (state)
		*state = zn->z[zi].st;
	if (wp)
		*wp = zn->z[zi].wp;
	return 0;
}

uint32_t nvme_model_iocs_profile(struct nvme_model *m) { return ZNS(m)->profile; }
uint32_t nvme_model_iocs_reads(struct nvme_model *m) { return ZNS(m)->iocs_reads; }

/* ------------------------------------------------------------------------ */
/* zone resources                                                           */
/* ------------------------------------------------------------------------ */

static bool is_open(uint8_t st) { return st == NVME_ZS_IMP_OPEN || st == NVME_ZS_EXP_OPEN; }
static bool is_active(uint8_t st) { return is_open(st) || st == NVME_ZS_CLOSED; }

static void count_res(const struct zns_ns *zn, uint32_t *active, uint32_t *open)
{
	*active = *open = 0;
	for (uint64_t i = 0; i < zn->nzones; i++) {
		*active += is_active(zn->z[i].st);
		*open += is_open(zn->z[i].st);
	}
}

/* 0 if zone z may become open (explicitly or implicitly), else the status. */
static uint16_t may_open(const struct zns_ns *zn, const struct zone *z)
{
	uint32_t act, open;
	count_res(zn, &act, &open);
	if (z->st == NVME_ZS_EMPTY && zn->cfg.max_active && act >= zn->cfg.max_active)
		return MODEL_CMDSPEC(NVME_SC_ZONE_TOO_MANY_ACTIVE);
	if (!is_open(z->st) && zn->cfg.max_open && open >= zn->cfg.max_open)
		return MODEL_CMDSPEC(NVME_SC_ZONE_TOO_MANY_OPEN);
	return 0;
}

static void zone_reset(struct nvme_model *m, struct zns_ns *zn, uint64_t zi)
{
	struct zone *z = &zn->z[zi];
	uint64_t zslba = zi * zn->cfg.zone_size;
	model_ns_deallocate(model_ns_find(m, zn->nsid), zslba, zn->cfg.zone_size);
	z->st = NVME_ZS_EMPTY;
	z->wp = zslba;
	z->zcap = zn->cfg.zone_cap;
	z->za = 0;
}

/* The state a closed-by-host (or reset) open zone lands in: Closed, also
 * with nothing written (it stays active), as QEMU 7.2 does. */
static uint8_t closed_state(const struct zns_ns *zn, uint64_t zi)
{
	(void)zn;
	(void)zi;
	return NVME_ZS_CLOSED;
}

/* ------------------------------------------------------------------------ */
/* writes                                                                   */
/* ------------------------------------------------------------------------ */

/* Checks of a write of nlb blocks at slba (append: at the write pointer of
 * the zone starting at slba): 0 with *zi set, or the status. */
static uint16_t write_check(struct model_cmd *c, struct zns_ns *zn, uint64_t slba, uint64_t nlb,
			    bool append, uint64_t *zi_out)
{
	struct model_ns *ns = model_ns_find(c->m, zn->nsid);
	if (slba >= ns->blocks || nlb > ns->blocks - slba)
		return MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
	uint64_t zsz = zn->cfg.zone_size;
	uint64_t zi = slba / zsz;
	struct zone *z = &zn->z[zi];
	if (append && slba % zsz != 0)
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	if (!append && (slba + nlb - 1u) / zsz != zi)
		return MODEL_CMDSPEC(NVME_SC_ZONE_BOUNDARY_ERROR);
	switch (z->st) {
	case NVME_ZS_FULL:      return MODEL_CMDSPEC(NVME_SC_ZONE_FULL);
	case NVME_ZS_READ_ONLY: return MODEL_CMDSPEC(NVME_SC_ZONE_READ_ONLY);
	case NVME_ZS_OFFLINE:   return MODEL_CMDSPEC(NVME_SC_ZONE_OFFLINE);
	default: break;
	}
	uint64_t at = append ? z->wp : slba;
	if (at != z->wp)
		return MODEL_CMDSPEC(NVME_SC_ZONE_INVALID_WRITE);
	if (at + nlb > zi * zsz + z->zcap)
		return MODEL_CMDSPEC(NVME_SC_ZONE_BOUNDARY_ERROR);
	uint16_t st = may_open(zn, z);
	if (st)
		return st;
	*zi_out = zi;
	return 0;
}

static void write_commit(struct zns_ns *zn, uint64_t zi, uint64_t nlb)
{
	struct zone *z = &zn->z[zi];
	z->wp += nlb;
	if (z->wp == zi * zn->cfg.zone_size + z->zcap)
		z->st = NVME_ZS_FULL;
	else if (z->st == NVME_ZS_EMPTY || z->st == NVME_ZS_CLOSED)
		z->st = NVME_ZS_IMP_OPEN;
}

static void zoned_write(struct model_cmd *c, model_cmd_fn prev)
{
	struct zns_ns *zn = zoned_ns(c->m, c->sqe.nsid);
	if (!zn) {
		prev(c);
		return;
	}
	uint64_t slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	uint64_t nlb = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_NLB) + 1u;
	uint64_t zi = 0;
	c->status = write_check(c, zn, slba, nlb, false, &zi);
	if (c->status)
		return;
	prev(c);
	if (c->status == 0)
		write_commit(zn, zi, nlb);
}

static void zns_write(struct model_cmd *c) { zoned_write(c, ZNS(c->m)->prev_write); }
static void zns_write_zeroes(struct model_cmd *c) { zoned_write(c, ZNS(c->m)->prev_write_zeroes); }

static bool zone_cmds_enabled(struct model_cmd *c)
{
	if (NVME_GET(c->m->cc, NVME_CC_CSS) != NVME_CC_CSS_IOCS || !zoned_ns(c->m, c->sqe.nsid)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return false;
	}
	return true;
}

static void zns_append(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!zone_cmds_enabled(c))
		return;
	struct zns_ns *zn = zoned_ns(m, c->sqe.nsid);
	struct model_ns *ns = model_ns_find(m, zn->nsid);
	uint64_t zslba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	uint64_t nlb = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_NLB) + 1u;
	if (zn->cfg.zasl && nlb * ns->lba_size > ((uint64_t)m->page_size << zn->cfg.zasl)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint64_t zi = 0;
	c->status = write_check(c, zn, zslba, nlb, true, &zi);
	if (c->status)
		return;
	/* a Write at the write pointer, then the LBA written in dwords 0-1 */
	uint64_t at = zn->z[zi].wp;
	c->sqe.opc = NVME_CMD_WRITE;
	c->sqe.cdw10 = (uint32_t)at;
	c->sqe.cdw11 = (uint32_t)(at >> 32);
	ZNS(m)->prev_write(c);
	if (c->status)
		return;
	write_commit(zn, zi, nlb);
	c->dw0 = (uint32_t)at;
	c->dw1 = (uint32_t)(at >> 32);
}

static void zns_read(struct model_cmd *c)
{
	struct zns_ns *zn = zoned_ns(c->m, c->sqe.nsid);
	if (zn) {
		struct model_ns *ns = model_ns_find(c->m, zn->nsid);
		uint64_t slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
		uint64_t nlb = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_NLB) + 1u;
		if (slba < ns->blocks && nlb <= ns->blocks - slba) {
			uint64_t zsz = zn->cfg.zone_size;
			if (!zn->cfg.read_across && slba / zsz != (slba + nlb - 1u) / zsz) {
				c->status = MODEL_CMDSPEC(NVME_SC_ZONE_BOUNDARY_ERROR);
				return;
			}
			for (uint64_t zi = slba / zsz; zi <= (slba + nlb - 1u) / zsz; zi++)
				if (zn->z[zi].st == NVME_ZS_OFFLINE) {
					c->status = MODEL_CMDSPEC(NVME_SC_ZONE_OFFLINE);
					return;
				}
		}
	}
	ZNS(c->m)->prev_read(c);
}

/* ------------------------------------------------------------------------ */
/* Zone Management Send                                                     */
/* ------------------------------------------------------------------------ */

/* One zone, one action (ZNS 1.0 section 3.4.2). */
static uint16_t zms_one(struct nvme_model *m, struct zns_ns *zn, uint64_t zi, uint8_t zsa)
{
	struct zone *z = &zn->z[zi];
	const uint16_t bad = MODEL_CMDSPEC(NVME_SC_ZONE_INVALID_TRANSITION);
	switch (zsa) {
	case NVME_ZSA_OPEN:
		if (z->st == NVME_ZS_EXP_OPEN)
			return 0;
		if (z->st != NVME_ZS_EMPTY && z->st != NVME_ZS_IMP_OPEN && z->st != NVME_ZS_CLOSED)
			return bad;
		{
			uint16_t st = may_open(zn, z);
			if (st)
				return st;
		}
		z->st = NVME_ZS_EXP_OPEN;
		return 0;
	case NVME_ZSA_CLOSE:
		if (z->st == NVME_ZS_CLOSED)
			return 0;
		if (!is_open(z->st))
			return bad;
		z->st = closed_state(zn, zi);
		return 0;
	case NVME_ZSA_FINISH:
		if (z->st == NVME_ZS_FULL)
			return 0;
		if (z->st != NVME_ZS_EMPTY && !is_active(z->st))
			return bad;
		z->st = NVME_ZS_FULL;
		z->wp = zi * zn->cfg.zone_size + z->zcap;
		return 0;
	case NVME_ZSA_RESET:
		if (z->st == NVME_ZS_READ_ONLY || z->st == NVME_ZS_OFFLINE)
			return bad;
		zone_reset(m, zn, zi);
		return 0;
	case NVME_ZSA_OFFLINE:
		if (z->st == NVME_ZS_OFFLINE)
			return 0;
		if (z->st != NVME_ZS_READ_ONLY)
			return bad;
		z->st = NVME_ZS_OFFLINE;
		return 0;
	default:
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	}
}

/* Which zones Select All applies an action to (ZNS 1.0 figure 43). */
static bool select_all_applies(uint8_t zsa, uint8_t st)
{
	switch (zsa) {
	case NVME_ZSA_OPEN:    return st == NVME_ZS_CLOSED;
	case NVME_ZSA_CLOSE:   return is_open(st);
	case NVME_ZSA_FINISH:  return is_active(st);
	case NVME_ZSA_RESET:   return is_active(st) || st == NVME_ZS_FULL;
	case NVME_ZSA_OFFLINE: return st == NVME_ZS_READ_ONLY;
	default:               return false;
	}
}

static void zns_zms(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!zone_cmds_enabled(c))
		return;
	struct zns_ns *zn = zoned_ns(m, c->sqe.nsid);
	uint64_t slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	uint8_t zsa = (uint8_t)NVME_GET(c->sqe.cdw13, NVME_ZMS_CDW13_ZSA);
	bool all = NVME_GET(c->sqe.cdw13, NVME_ZMS_CDW13_SELECT_ALL) != 0;
	if (zsa < NVME_ZSA_CLOSE || zsa > NVME_ZSA_OFFLINE) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (all) {
		if (zsa == NVME_ZSA_OPEN && zn->cfg.max_open) {
			uint32_t act, open, n = 0;
			count_res(zn, &act, &open);
			for (uint64_t i = 0; i < zn->nzones; i++)
				n += zn->z[i].st == NVME_ZS_CLOSED;
			if (open + n > zn->cfg.max_open) {
				c->status = MODEL_CMDSPEC(NVME_SC_ZONE_TOO_MANY_OPEN);
				return;
			}
		}
		for (uint64_t i = 0; i < zn->nzones; i++)
			if (select_all_applies(zsa, zn->z[i].st))
				(void)zms_one(m, zn, i, zsa);
		return;
	}
	struct model_ns *ns = model_ns_find(m, zn->nsid);
	if (slba >= ns->blocks) {
		c->status = MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
		return;
	}
	if (slba % zn->cfg.zone_size != 0) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	c->status = zms_one(m, zn, slba / zn->cfg.zone_size, zsa);
}

/* ------------------------------------------------------------------------ */
/* Zone Management Receive                                                  */
/* ------------------------------------------------------------------------ */

static bool zrasf_match(uint8_t zrasf, uint8_t st)
{
	switch (zrasf) {
	case NVME_ZRASF_ALL:       return true;
	case NVME_ZRASF_EMPTY:     return st == NVME_ZS_EMPTY;
	case NVME_ZRASF_IMP_OPEN:  return st == NVME_ZS_IMP_OPEN;
	case NVME_ZRASF_EXP_OPEN:  return st == NVME_ZS_EXP_OPEN;
	case NVME_ZRASF_CLOSED:    return st == NVME_ZS_CLOSED;
	case NVME_ZRASF_FULL:      return st == NVME_ZS_FULL;
	case NVME_ZRASF_READ_ONLY: return st == NVME_ZS_READ_ONLY;
	case NVME_ZRASF_OFFLINE:   return st == NVME_ZS_OFFLINE;
	default:                   return false;
	}
}

static void zns_zmr(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!zone_cmds_enabled(c))
		return;
	struct zns_ns *zn = zoned_ns(m, c->sqe.nsid);
	struct model_ns *ns = model_ns_find(m, zn->nsid);
	uint64_t slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	uint64_t len = ((uint64_t)c->sqe.cdw12 + 1u) * 4u;
	uint8_t zra = (uint8_t)NVME_GET(c->sqe.cdw13, NVME_ZMR_CDW13_ZRA);
	uint8_t zrasf = (uint8_t)NVME_GET(c->sqe.cdw13, NVME_ZMR_CDW13_ZRASF);
	bool partial = NVME_GET(c->sqe.cdw13, NVME_ZMR_CDW13_PARTIAL) != 0;
	if (zra > NVME_ZRA_EXT_REPORT || (zra == NVME_ZRA_EXT_REPORT && zn->cfg.zdes == 0) ||
	    zrasf > NVME_ZRASF_OFFLINE || len > (16u << 20)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (slba >= ns->blocks) {
		c->status = MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
		return;
	}
	uint64_t ext = zra == NVME_ZRA_EXT_REPORT ? (uint64_t)zn->cfg.zdes * 64u : 0;
	uint64_t dsz = 64u + ext;
	uint8_t *buf = calloc(1, (size_t)len);
	if (!buf)
		abort();
	uint64_t nr = 0, put = 0;
	for (uint64_t i = slba / zn->cfg.zone_size; i < zn->nzones; i++) {
		const struct zone *z = &zn->z[i];
		if (!zrasf_match(zrasf, z->st))
			continue;
		nr++;
		uint64_t off = 64u + put * dsz;
		if (off + dsz > len)
			continue;
		struct nvme_zone_desc d;
		memset(&d, 0, sizeof(d));
		d.zt = NVME_ZT_SEQ_WRITE_REQUIRED;
		d.zs = (uint8_t)NVME_SET(NVME_ZONE_DESC_ZS, z->st);
		d.za = z->za;
		d.zcap = z->zcap;
		d.zslba = i * zn->cfg.zone_size;
		d.wp = (z->st == NVME_ZS_FULL || z->st == NVME_ZS_READ_ONLY || z->st == NVME_ZS_OFFLINE)
			       ? ~0ull : z->wp;
		memcpy(buf + off, &d, sizeof(d));
		if (ext)
			memcpy(buf + off + 64u, zn->ext + i * ext, (size_t)ext);
		put++;
	}
	uint64_t hdr = partial ? put : nr;
	if (len >= 8)
		memcpy(buf, &hdr, sizeof(hdr));
	c->status = model_to_host(c, buf, len);
	free(buf);
}

/* ------------------------------------------------------------------------ */
/* Identify and features                                                    */
/* ------------------------------------------------------------------------ */

static bool cns_ok(struct model_cmd *c, unsigned cns)
{
	struct nvme_model *m = c->m;
	bool iocs = (m->cfg.css & NVME_CAP_CSS_IOCS) != 0;
	bool exists = cns == NVME_CNS_NS_ID_DESCRIPTORS ? m->cfg.vs >= NVME_VS(1, 3, 0)
							: (m->cfg.vs >= NVME_VS(2, 0, 0) || iocs);
	m->drv.cns_count[cns]++;
	if (((m->drv.cns_refused[cns / 8] >> (cns % 8)) & 1u) || !exists) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return false;
	}
	return true;
}

static void zns_identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_zns *zs = ZNS(m);
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	unsigned csi = (unsigned)NVME_GET(c->sqe.cdw11, NVME_IDENTIFY_CDW11_CSI);
	uint32_t nsid = c->sqe.nsid;
	struct model_ns *ns = (nsid != 0 && nsid != NVME_NSID_ALL) ? model_ns_find(m, nsid) : NULL;
	uint8_t *buf = NULL;

	if (cns == NVME_CNS_NS && ns && ns_csi(m, nsid) != NVME_CSI_NVM && ns_csi(m, nsid) != NVME_CSI_ZNS) {
		c->status = MODEL_GEN(NVME_SC_INVALID_IOCS);
		return;
	}
	bool mine = cns == NVME_CNS_IOCS || cns == NVME_CNS_NS_ID_DESCRIPTORS ||
		    (cns == NVME_CNS_CS_NS) || (cns == NVME_CNS_CS_CTRL && csi == NVME_CSI_ZNS);
	if (!mine || m->cfg.vs < NVME_VS(1, 1, 0)) {
		zs->prev_identify(c);
		return;
	}
	if (!cns_ok(c, cns))
		return;
	buf = calloc(1, NVME_IDENTIFY_DATA_SIZE);
	if (!buf)
		abort();
	switch (cns) {
	case NVME_CNS_IOCS: {
		uint64_t v = (1ull << NVME_CSI_NVM) | (1ull << NVME_CSI_ZNS);
		for (unsigned i = 0; i < ZNS_MAX_NS; i++)
			if (zs->ns[i].nsid && zs->ns[i].csi < 64)
				v |= 1ull << zs->ns[i].csi;
		memcpy(buf, &v, sizeof(v));
		zs->iocs_reads++;
		break;
	}
	case NVME_CNS_NS_ID_DESCRIPTORS: {
		if (!ns) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		struct nvme_id_ns idns;
		model_ns_fill_id(m, ns, &idns);
		uint8_t *p = buf;
		p[0] = NVME_NIDT_EUI64;
		p[1] = 8;
		memcpy(p + 4, idns.eui64, 8);
		p += 12;
		p[0] = NVME_NIDT_NGUID;
		p[1] = 16;
		memcpy(p + 4, idns.nguid, 16);
		p += 20;
		p[0] = NVME_NIDT_CSI;
		p[1] = 1;
		p[4] = ns_csi(m, nsid);
		break;
	}
	case NVME_CNS_CS_NS: {
		if (!ns) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		uint8_t nc = ns_csi(m, nsid);
		if (csi == NVME_CSI_NVM && (nc == NVME_CSI_NVM || nc == NVME_CSI_ZNS)) {
			if (m->id_ctrl.ctratt & (1u << 15)) {
				/* ELBAS: the PI formats' data comes from model_pi.c */
				free(buf);
				zs->prev_identify(c);
				return;
			}
			break;   /* NVM command set specific data: all zeros here */
		}
		struct zns_ns *zn = zoned_ns(m, nsid);
		if (csi != NVME_CSI_ZNS || !zn) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			goto out;
		}
		struct nvme_id_ns_zns *id = (struct nvme_id_ns_zns *)buf;
		id->zoc = (uint16_t)NVME_SET(NVME_ZOC_VZCAP, zn->cfg.variable_cap ? 1u : 0u);
		id->ozcs = (uint16_t)NVME_SET(NVME_OZCS_RAZB, zn->cfg.read_across ? 1u : 0u);
		id->mar = zn->cfg.max_active ? zn->cfg.max_active - 1u : NVME_ZNS_NO_LIMIT;
		id->mor = zn->cfg.max_open ? zn->cfg.max_open - 1u : NVME_ZNS_NO_LIMIT;
		for (unsigned f = 0; f <= ns->nlbaf && f < 16; f++) {
			id->lbafe[f].zsze = zn->cfg.zone_size;
			id->lbafe[f].zdes = zn->cfg.zdes;
		}
		break;
	}
	default: {   /* CNS 06h, CSI 02h */
		uint8_t zasl = 0;
		for (unsigned i = 0; i < ZNS_MAX_NS; i++)
			if (zs->ns[i].zoned && zs->ns[i].cfg.zasl)
				zasl = zs->ns[i].cfg.zasl;
		buf[0] = zasl;
		break;
	}
	}
	c->status = model_to_host(c, buf, NVME_IDENTIFY_DATA_SIZE);
out:
	free(buf);
}

static void zns_set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	if (fid != NVME_FEAT_IOCS_PROFILE || !(m->cfg.css & NVME_CAP_CSS_IOCS)) {
		ZNS(m)->prev_set_features(c);
		return;
	}
	uint32_t idx = (uint32_t)NVME_GET(c->sqe.cdw11, NVME_FEAT_IOCS_PROFILE_IDX);
	if (NVME_GET(m->cc, NVME_CC_CSS) != NVME_CC_CSS_IOCS) {
		c->status = MODEL_GEN(NVME_SC_COMMAND_SEQUENCE_ERROR);
		return;
	}
	if (idx != 0) {   /* one combination: vector 0 */
		c->status = MODEL_GEN(NVME_SC_IOCS_COMBINATION_REJECTED);
		return;
	}
	ZNS(m)->profile = idx;
}

static void zns_get_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	if (fid != NVME_FEAT_IOCS_PROFILE || !(m->cfg.css & NVME_CAP_CSS_IOCS)) {
		ZNS(m)->prev_get_features(c);
		return;
	}
	c->dw0 = ZNS(m)->profile;
}

/* ------------------------------------------------------------------------ */
/* install, reset, destroy                                                  */
/* ------------------------------------------------------------------------ */

void model_zns_install(struct nvme_model *m)
{
	struct model_zns *z = ZNS(m);
	z->prev_identify = m->admin_ops[NVME_ADMIN_IDENTIFY];
	z->prev_set_features = m->admin_ops[NVME_ADMIN_SET_FEATURES];
	z->prev_get_features = m->admin_ops[NVME_ADMIN_GET_FEATURES];
	z->prev_read = m->io_ops[NVME_CMD_READ];
	z->prev_write = m->io_ops[NVME_CMD_WRITE];
	z->prev_write_zeroes = m->io_ops[NVME_CMD_WRITE_ZEROES];
	if (!z->prev_identify || !z->prev_set_features || !z->prev_get_features || !z->prev_read ||
	    !z->prev_write || !z->prev_write_zeroes)
		abort();
	m->admin_ops[NVME_ADMIN_IDENTIFY] = zns_identify;
	m->admin_ops[NVME_ADMIN_SET_FEATURES] = zns_set_features;
	m->admin_ops[NVME_ADMIN_GET_FEATURES] = zns_get_features;
	m->io_ops[NVME_CMD_READ] = zns_read;
	m->io_ops[NVME_CMD_WRITE] = zns_write;
	m->io_ops[NVME_CMD_WRITE_ZEROES] = zns_write_zeroes;
	m->io_ops[NVME_CMD_ZONE_MGMT_SEND] = zns_zms;
	m->io_names[NVME_CMD_ZONE_MGMT_SEND] = "Zone Management Send";
	m->io_ops[NVME_CMD_ZONE_MGMT_RECV] = zns_zmr;
	m->io_names[NVME_CMD_ZONE_MGMT_RECV] = "Zone Management Receive";
	m->io_ops[NVME_CMD_ZONE_APPEND] = zns_append;
	m->io_names[NVME_CMD_ZONE_APPEND] = "Zone Append";
}

/* Controller reset: the profile returns to 0; open zones are closed. */
void model_zns_reset(struct nvme_model *m)
{
	if (!m->zns)
		return;
	m->zns->profile = 0;
	for (unsigned i = 0; i < ZNS_MAX_NS; i++) {
		struct zns_ns *zn = &m->zns->ns[i];
		if (!zn->zoned)
			continue;
		for (uint64_t zi = 0; zi < zn->nzones; zi++)
			if (is_open(zn->z[zi].st))
				zn->z[zi].st = closed_state(zn, zi);
	}
}

void model_zns_destroy(struct nvme_model *m)
{
	if (!m->zns)
		return;
	for (unsigned i = 0; i < ZNS_MAX_NS; i++) {
		free(m->zns->ns[i].z);
		free(m->zns->ns[i].ext);
	}
	free(m->zns);
	m->zns = NULL;
}
