/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_resv.c - reservations (NVMe 1.4 sections 6.10-6.13 and 8.8):
 * Register, Acquire, Release, Report, and the conflicts they cause.
 *
 * Needs ONCS bit 5 (else Invalid Command Opcode). The state (registrants,
 * reservation type, holder, generation) is per namespace in a "domain" that
 * several models can share (nvme_model_share_reservations): each model is
 * one controller of another host. A host is identified by the Host
 * Identifier feature (81h), or by its CNTLID until the host sets one.
 *  - Register: a new registrant with NRKEY; registering again with the same
 *    key succeeds, with another key is a conflict. Unregister/Replace need
 *    CRKEY (unless IEKEY); the holder unregistering releases the
 *    reservation. CPTPL 1 -> Invalid Field, 3 (persist) -> Invalid Field
 *    (RESCAP has no PTPL).
 *  - Acquire: registered host with the right CRKEY; granted when there is no
 *    reservation, kept when the holder asks for the same type, otherwise a
 *    conflict. Preempt (and Preempt and Abort): PRKEY names the registrants
 *    to remove; preempting the holder (or, for all-registrants types, PRKEY
 *    0) makes the caller the holder with the new type; a PRKEY nobody has is
 *    a conflict.
 *  - Release: not holder or no reservation: success without effect; wrong
 *    RTYPE -> Invalid Field. Clear: every registrant and the reservation go.
 *  - Report: generation, type, REGCTL, entries with CNTLID, holder bit,
 *    host identifier and key; 64-byte entries with EDS (else, when the host
 *    set a 128-bit identifier: Host Identifier Inconsistent Format).
 *  - Conflicts on I/O (Read, Compare, Verify = read; Write, Write Zeroes,
 *    DSM = write) for a host that does not hold the reservation: Write
 *    Exclusive blocks writes, Exclusive Access everything; the
 *    registrants-only / all-registrants variants let registrants through.
 * Errors for the wrong key, an unregistered host or a busy reservation are
 * Reservation Conflict (SCT 0 SC 83h), like real drives.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_ext.h"

#define RESV_CONFLICT MODEL_GEN(NVME_SC_RESERVATION_CONFLICT)

void ext_resv_init(struct nvme_model *m)
{
	struct ext_resv_domain *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->refs = 1;
	EXT(m)->resv = d;
}

void ext_resv_free(struct nvme_model *m)
{
	struct ext_resv_domain *d = EXT(m)->resv;
	if (d && --d->refs == 0)
		free(d);
	EXT(m)->resv = NULL;
}

void nvme_model_share_reservations(struct nvme_model *a, struct nvme_model *b)
{
	ext_resv_free(b);
	EXT(b)->resv = EXT(a)->resv;
	EXT(b)->resv->refs++;
}

static void host_id(struct nvme_model *m, uint8_t id[16])
{
	struct model_ext *x = EXT(m);
	if (x->hostid_set) {
		memcpy(id, x->hostid, 16);
		return;
	}
	memset(id, 0, 16);
	id[0] = (uint8_t)m->cfg.cntlid;
	id[1] = (uint8_t)(m->cfg.cntlid >> 8);
	id[15] = 0x4D;   /* never equal to a host-set identifier of zeros */
}

static struct ext_resv_ns *rns(struct nvme_model *m, uint32_t nsid, bool create)
{
	struct ext_resv_domain *d = EXT(m)->resv;
	for (unsigned i = 0; i < EXT_RESV_MAX_NS; i++)
		if (d->ns[i].nsid == nsid)
			return &d->ns[i];
	if (!create)
		return NULL;
	for (unsigned i = 0; i < EXT_RESV_MAX_NS; i++)
		if (d->ns[i].nsid == 0) {
			memset(&d->ns[i], 0, sizeof(d->ns[i]));
			d->ns[i].nsid = nsid;
			d->ns[i].holder = -1;
			return &d->ns[i];
		}
	return NULL;
}

void ext_resv_ns_removed(struct nvme_model *m, uint32_t nsid)
{
	struct ext_resv_ns *r = nsid ? rns(m, nsid, false) : NULL;
	if (r)
		memset(r, 0, sizeof(*r));
}

static int reg_find(struct ext_resv_ns *r, const uint8_t id[16])
{
	for (int i = 0; i < (int)EXT_RESV_MAX_REG; i++)
		if (r->reg[i].used && memcmp(r->reg[i].hostid, id, 16) == 0)
			return i;
	return -1;
}

static bool all_registrants(uint8_t t)
{
	return t == NVME_RTYPE_WE_ALL_REGISTRANTS || t == NVME_RTYPE_EA_ALL_REGISTRANTS;
}

static bool is_holder(const struct ext_resv_ns *r, int idx)
{
	if (idx < 0 || r->rtype == 0)
		return false;
	return all_registrants(r->rtype) || r->holder == idx;
}

static unsigned reg_count(const struct ext_resv_ns *r)
{
	unsigned n = 0;
	for (unsigned i = 0; i < EXT_RESV_MAX_REG; i++)
		n += r->reg[i].used;
	return n;
}

static void reg_remove(struct ext_resv_ns *r, int idx)
{
	r->reg[idx].used = false;
	if (r->holder == idx)
		r->holder = -1;
	if (r->rtype && ((!all_registrants(r->rtype) && r->holder < 0) || reg_count(r) == 0)) {
		r->rtype = 0;
		r->holder = -1;
	}
}

uint16_t ext_resv_gate(struct nvme_model *m, uint32_t nsid, bool write)
{
	struct ext_resv_ns *r = rns(m, nsid, false);
	if (!r || r->rtype == 0)
		return 0;
	uint8_t id[16];
	host_id(m, id);
	int idx = reg_find(r, id);
	if (is_holder(r, idx))
		return 0;
	bool registered = idx >= 0, conflict;
	switch (r->rtype) {
	case NVME_RTYPE_WRITE_EXCLUSIVE:     conflict = write; break;
	case NVME_RTYPE_EXCLUSIVE_ACCESS:    conflict = true; break;
	case NVME_RTYPE_WE_REGISTRANTS_ONLY:
	case NVME_RTYPE_WE_ALL_REGISTRANTS:  conflict = write && !registered; break;
	default:                             conflict = !registered; break;
	}
	if (!conflict)
		return 0;
	EXT(m)->stats.resv_conflicts++;
	return RESV_CONFLICT;
}

/* Common checks; the namespace's state (created) or NULL with status set. */
static struct ext_resv_ns *resv_prep(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	if (!ext_io_supported(m, c->sqe.opc)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return NULL;
	}
	struct model_ns *ns = ext_io_ns(c);
	if (!ns)
		return NULL;
	c->status = ext_sanitize_gate(m);
	if (c->status)
		return NULL;
	EXT(m)->stats.resv_cmds++;
	struct ext_resv_ns *r = rns(m, ns->nsid, true);
	if (!r)
		c->status = MODEL_GEN(NVME_SC_INTERNAL_ERROR);
	return r;
}

static uint16_t conflict(struct nvme_model *m)
{
	EXT(m)->stats.resv_conflicts++;
	return RESV_CONFLICT;
}

static void resv_register(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct ext_resv_ns *r = resv_prep(c);
	if (!r)
		return;
	struct nvme_resv_register_data d;
	c->status = model_from_host(c, &d, sizeof(d));
	if (c->status)
		return;
	unsigned act = (unsigned)NVME_GET(c->sqe.cdw10, NVME_RESV_REG_CDW10_RREGA);
	bool iekey = NVME_GET(c->sqe.cdw10, NVME_RESV_REG_CDW10_IEKEY) != 0;
	unsigned cptpl = (unsigned)NVME_GET(c->sqe.cdw10, NVME_RESV_REG_CDW10_CPTPL);
	if (cptpl == 1 || cptpl == NVME_CPTPL_PERSIST || act > NVME_RREGA_REPLACE) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint8_t id[16];
	host_id(m, id);
	int idx = reg_find(r, id);
	switch (act) {
	case NVME_RREGA_REGISTER:
		if (idx >= 0) {
			if (r->reg[idx].key != d.nrkey)
				c->status = conflict(m);
			return;
		}
		for (idx = 0; idx < (int)EXT_RESV_MAX_REG && r->reg[idx].used; idx++)
			;
		if (idx == (int)EXT_RESV_MAX_REG) {
			c->status = conflict(m);
			return;
		}
		r->reg[idx].used = true;
		memcpy(r->reg[idx].hostid, id, 16);
		r->reg[idx].cntlid = m->cfg.cntlid;
		r->reg[idx].key = d.nrkey;
		break;
	case NVME_RREGA_UNREGISTER:
		if (idx < 0 || (!iekey && r->reg[idx].key != d.crkey)) {
			c->status = conflict(m);
			return;
		}
		reg_remove(r, idx);
		break;
	default:   /* replace */
		if (idx < 0 || (!iekey && r->reg[idx].key != d.crkey)) {
			c->status = conflict(m);
			return;
		}
		r->reg[idx].key = d.nrkey;
		break;
	}
	r->gen++;
}

static void resv_acquire(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct ext_resv_ns *r = resv_prep(c);
	if (!r)
		return;
	struct nvme_resv_acquire_data d;
	c->status = model_from_host(c, &d, sizeof(d));
	if (c->status)
		return;
	unsigned act = (unsigned)NVME_GET(c->sqe.cdw10, NVME_RESV_ACQ_CDW10_RACQA);
	bool iekey = NVME_GET(c->sqe.cdw10, NVME_RESV_ACQ_CDW10_IEKEY) != 0;
	uint8_t type = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_RESV_ACQ_CDW10_RTYPE);
	if (act > NVME_RACQA_PREEMPT_ABORT || type == 0 || type > NVME_RTYPE_EA_ALL_REGISTRANTS) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint8_t id[16];
	host_id(m, id);
	int idx = reg_find(r, id);
	if (idx < 0 || (!iekey && r->reg[idx].key != d.crkey)) {
		c->status = conflict(m);
		return;
	}
	if (act == NVME_RACQA_ACQUIRE) {
		if (r->rtype == 0) {
			r->rtype = type;
			r->holder = idx;
		} else if (!(is_holder(r, idx) && r->rtype == type)) {
			c->status = conflict(m);
		}
		return;
	}
	/* preempt (and abort: nothing is in flight in the model) */
	bool take = r->rtype == 0 || (all_registrants(r->rtype) && d.prkey == 0) ||
		    (!all_registrants(r->rtype) && r->holder >= 0 && r->reg[r->holder].key == d.prkey);
	unsigned removed = 0;
	for (int i = 0; i < (int)EXT_RESV_MAX_REG; i++) {
		if (!r->reg[i].used || i == idx)
			continue;
		if (r->reg[i].key == d.prkey || (all_registrants(r->rtype) && d.prkey == 0)) {
			r->reg[i].used = false;
			removed++;
		}
	}
	if (!removed && !take) {
		c->status = conflict(m);
		return;
	}
	if (take) {
		r->rtype = type;
		r->holder = idx;
	}
	r->gen++;
}

static void resv_release(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct ext_resv_ns *r = resv_prep(c);
	if (!r)
		return;
	uint64_t crkey;
	c->status = model_from_host(c, &crkey, sizeof(crkey));
	if (c->status)
		return;
	unsigned act = (unsigned)NVME_GET(c->sqe.cdw10, NVME_RESV_REL_CDW10_RRELA);
	bool iekey = NVME_GET(c->sqe.cdw10, NVME_RESV_REL_CDW10_IEKEY) != 0;
	uint8_t type = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_RESV_REL_CDW10_RTYPE);
	if (act > NVME_RRELA_CLEAR) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint8_t id[16];
	host_id(m, id);
	int idx = reg_find(r, id);
	if (idx < 0 || (!iekey && r->reg[idx].key != crkey)) {
		c->status = conflict(m);
		return;
	}
	if (act == NVME_RRELA_CLEAR) {
		memset(r->reg, 0, sizeof(r->reg));
		r->rtype = 0;
		r->holder = -1;
		r->gen++;
		return;
	}
	if (!is_holder(r, idx))
		return;
	if (type != r->rtype) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	r->rtype = 0;
	r->holder = -1;
}

static void resv_report(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct ext_resv_ns *r = resv_prep(c);
	if (!r)
		return;
	bool eds = (c->sqe.cdw11 & 1u) != 0;
	uint64_t len = ((uint64_t)c->sqe.cdw10 + 1u) * 4u;
	if (!eds && EXT(m)->hostid_set && EXT(m)->hostid_ext) {
		c->status = MODEL_GEN(NVME_SC_HOST_ID_INCONSISTENT_FORMAT);
		return;
	}
	size_t hdr = eds ? 64 : 24, ent = eds ? 64 : 24;
	size_t full = hdr + EXT_RESV_MAX_REG * ent;
	size_t size = len > full ? (size_t)len : full;
	uint8_t *b = calloc(1, size);
	if (!b)
		abort();
	struct nvme_resv_status h;
	memset(&h, 0, sizeof(h));
	h.gen = r->gen;
	h.rtype = r->rtype;
	unsigned n = EXT(m)->fake_regctl != ~0u ? EXT(m)->fake_regctl : reg_count(r);
	h.regctl[0] = (uint8_t)n;
	h.regctl[1] = (uint8_t)(n >> 8);
	memcpy(b, &h, sizeof(h));
	uint8_t *p = b + hdr;
	for (int i = 0; i < (int)EXT_RESV_MAX_REG; i++) {
		if (!r->reg[i].used)
			continue;
		if (eds) {
			struct nvme_resv_registrant_ext e;
			memset(&e, 0, sizeof(e));
			e.cntlid = r->reg[i].cntlid;
			e.rcsts = is_holder(r, i) ? 1 : 0;
			e.rkey = r->reg[i].key;
			memcpy(e.hostid, r->reg[i].hostid, 16);
			memcpy(p, &e, sizeof(e));
		} else {
			struct nvme_resv_registrant e;
			memset(&e, 0, sizeof(e));
			e.cntlid = r->reg[i].cntlid;
			e.rcsts = is_holder(r, i) ? 1 : 0;
			e.rkey = r->reg[i].key;
			memcpy(&e.hostid, r->reg[i].hostid, 8);
			memcpy(p, &e, sizeof(e));
		}
		p += ent;
	}
	c->status = model_to_host(c, b, len);
	free(b);
}

const struct model_opcode ext_resv_ops[] = {
	{ NVME_CMD_RESV_REGISTER, resv_register, "Reservation Register" },
	{ NVME_CMD_RESV_REPORT,   resv_report,   "Reservation Report" },
	{ NVME_CMD_RESV_ACQUIRE,  resv_acquire,  "Reservation Acquire" },
	{ NVME_CMD_RESV_RELEASE,  resv_release,  "Reservation Release" },
	{ 0, NULL, NULL }
};
