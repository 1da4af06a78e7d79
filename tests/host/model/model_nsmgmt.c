/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_nsmgmt.c - namespace management and attachment of the software
 * controller (NVMe 1.4 sections 5.19, 5.20; Identify CNS 10h-13h).
 *
 * The NVM subsystem is this controller plus controller identifiers that
 * exist only as attachment targets. Every allocated namespace has a record
 * with the set of controllers it is attached to; while it is attached to
 * this controller it lives in m->ns (the active list, I/O), otherwise its
 * block store waits in the record. Checks follow the spec's statuses:
 *  - create (SEL 0): NSZE 0 or DPS != 0 or a format index beyond the table
 *    -> Invalid Field / Invalid Format; NCAP != NSZE -> Thin Provisioning
 *    Not Supported; no room -> Namespace Insufficient Capacity; no free
 *    NSID up to NN -> Namespace Identifier Unavailable; dword 0 = NSID.
 *  - delete (SEL 1): NSID not allocated -> Invalid Namespace or Format;
 *    FFFFFFFFh deletes every namespace.
 *  - attach/detach: NSID not allocated -> Invalid Namespace or Format; an
 *    empty list, more than 2047 entries or an unknown controller ->
 *    Controller List Invalid; attach to a controller it is attached to ->
 *    Namespace Already Attached; a private namespace (NMIC 0) to a second
 *    controller -> Namespace Is Private; detach from one it is not
 *    attached to -> Namespace Not Attached.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_copyns.h"

/* The model's create formats (index: FLBAS), as model_ns.c builds them. */
static const struct { uint32_t size; uint16_t ms; } create_fmt[] = {
	{ 512, 0 }, { 4096, 0 }, { 512, 8 }, { 4096, 8 },
};

static struct nsm_rec *rec_find(struct model_copyns *s, uint32_t nsid)
{
	for (uint32_t i = 0; i < s->nrecs; i++)
		if (s->recs[i].nsid == nsid)
			return &s->recs[i];
	return NULL;
}

static struct nsm_rec *rec_add(struct model_copyns *s, uint32_t nsid)
{
	struct nsm_rec *a = realloc(s->recs, (s->nrecs + 1) * sizeof(*a));
	if (!a)
		abort();
	s->recs = a;
	uint32_t i = 0;
	while (i < s->nrecs && s->recs[i].nsid < nsid)
		i++;
	memmove(&s->recs[i + 1], &s->recs[i], (s->nrecs - i) * sizeof(*a));
	memset(&s->recs[i], 0, sizeof(*a));
	s->recs[i].nsid = nsid;
	s->nrecs++;
	return &s->recs[i];
}

static void rec_remove(struct model_copyns *s, struct nsm_rec *r)
{
	uint32_t i = (uint32_t)(r - s->recs);
	memmove(&s->recs[i], &s->recs[i + 1], (s->nrecs - i - 1) * sizeof(*r));
	s->nrecs--;
}

/* Move the record's namespace into the active list (attach here). */
static void move_in(struct nvme_model *m, struct nsm_rec *r)
{
	struct model_ns *a = realloc(m->ns, (m->ns_count + 1) * sizeof(*a));
	if (!a)
		abort();
	m->ns = a;
	uint32_t i = 0;
	while (i < m->ns_count && m->ns[i].nsid < r->nsid)
		i++;
	memmove(&m->ns[i + 1], &m->ns[i], (m->ns_count - i) * sizeof(*a));
	m->ns[i] = r->ns;
	m->ns_count++;
	memset(&r->ns, 0, sizeof(r->ns));
	r->here = true;
	model_ext_ns_changed(m, r->nsid);
}

/* Move it out of the active list (detach from here), keeping its data. */
static void move_out(struct nvme_model *m, struct nsm_rec *r)
{
	struct model_ns *ns = model_ns_find(m, r->nsid);
	if (!ns)
		return;
	ext_drop_undo(m, r->nsid);
	r->ns = *ns;
	uint32_t i = (uint32_t)(ns - m->ns);
	memmove(&m->ns[i], &m->ns[i + 1], (m->ns_count - i - 1) * sizeof(*ns));
	m->ns_count--;
	r->here = false;
	model_ext_ns_changed(m, r->nsid);
}

static uint64_t rec_bytes(struct nvme_model *m, const struct nsm_rec *r)
{
	const struct model_ns *ns = r->here ? model_ns_find(m, r->nsid) : &r->ns;
	return ns ? ns->blocks * ns->lba_size : 0;
}

/* ------------------------------------------------------------------------ */
/* Identify CNS 10h-13h                                                      */
/* ------------------------------------------------------------------------ */

static void nsm_identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_copyns *s = m->copyns;
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	uint16_t cntid = (uint16_t)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNTID);
	uint32_t nsid = c->sqe.nsid;
	if (!s->nsm_on || cns < NVME_CNS_ALLOCATED_NS_LIST || cns > NVME_CNS_CTRL_LIST ||
	    m->cfg.vs < NVME_VS(1, 2, 0)) {
		s->prev_identify(c);
		return;
	}
	uint8_t *buf = calloc(1, NVME_IDENTIFY_DATA_SIZE);
	if (!buf)
		abort();
	switch (cns) {
	case NVME_CNS_ALLOCATED_NS_LIST: {
		if (nsid >= 0xFFFFFFFEu) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		uint32_t *list = (uint32_t *)buf, n = 0;
		for (uint32_t i = 0; i < s->nrecs && n < NVME_NS_LIST_ENTRIES; i++)
			if (s->recs[i].nsid > nsid)
				list[n++] = s->recs[i].nsid;
		break;
	}
	case NVME_CNS_ALLOCATED_NS: {
		if (nsid == 0 || nsid == NVME_NSID_ALL || nsid > m->nn) {
			c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
			goto out;
		}
		struct nsm_rec *r = rec_find(s, nsid);
		if (r) {   /* not allocated: zeros */
			const struct model_ns *ns = r->here ? model_ns_find(m, nsid) : &r->ns;
			model_ns_fill_id(m, ns, (struct nvme_id_ns *)buf);
			model_id_apply_patches(m, false, nsid, buf);
			((struct nvme_id_ns *)buf)->nmic = r->nmic ? 1u : 0u;
		}
		break;
	}
	case NVME_CNS_NS_CTRL_LIST:
	case NVME_CNS_CTRL_LIST: {
		struct nvme_ctrl_list *l = (struct nvme_ctrl_list *)buf;
		struct nsm_rec *r = NULL;
		if (cns == NVME_CNS_NS_CTRL_LIST) {
			r = rec_find(s, nsid);
			if (!r) {
				c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
				goto out;
			}
		}
		for (uint32_t i = 0; i < s->nctrls; i++)
			if (s->ctrls[i] >= cntid && (!r || (r->mask >> i) & 1u))
				l->ids[l->num++] = s->ctrls[i];
		break;
	}
	default:
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		goto out;
	}
	c->status = model_to_host(c, buf, NVME_IDENTIFY_DATA_SIZE);
out:
	free(buf);
}

/* ------------------------------------------------------------------------ */
/* Namespace Management, Namespace Attachment                                */
/* ------------------------------------------------------------------------ */

static void ns_create(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_copyns *s = m->copyns;
	struct nvme_id_ns *d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	c->status = model_from_host(c, d, sizeof(*d));
	if (c->status)
		goto out;
	unsigned fi = (unsigned)(NVME_GET(d->flbas, NVME_FLBAS_INDEX_LO) | (NVME_GET(d->flbas, NVME_FLBAS_INDEX_HI) << 4));
	if (d->nsze == 0 || d->dps != 0 || (d->nmic & ~1u) != 0) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		goto out;
	}
	if (fi >= sizeof(create_fmt) / sizeof(create_fmt[0])) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_FORMAT);
		goto out;
	}
	if (d->ncap != d->nsze) {
		c->status = MODEL_CMDSPEC(NVME_SC_THIN_PROVISIONING_NOT_SUPPORTED);
		goto out;
	}
	uint64_t used = 0;
	for (uint32_t i = 0; i < s->nrecs; i++)
		used += rec_bytes(m, &s->recs[i]);
	uint64_t want = d->nsze * create_fmt[fi].size;
	if (d->nsze > UINT64_MAX / create_fmt[fi].size || want > s->capacity || used > s->capacity - want) {
		c->status = MODEL_CMDSPEC(NVME_SC_NS_INSUFFICIENT_CAPACITY);
		goto out;
	}
	uint32_t nsid = 0;
	for (uint32_t id = 1; id <= m->nn && id < 0xFFFFFFFFu; id++)
		if (!rec_find(s, id) && !model_ns_find(m, id)) {
			nsid = id;
			break;
		}
	if (nsid == 0) {
		c->status = MODEL_CMDSPEC(NVME_SC_NS_ID_UNAVAILABLE);
		goto out;
	}
	struct nvme_model_ns_config nc = { .nsid = nsid, .lba_size = create_fmt[fi].size,
					    .blocks = d->nsze, .ms = create_fmt[fi].ms };
	struct nvme_model *tmp = calloc(1, sizeof(*tmp));
	if (!tmp)
		abort();
	if (model_ns_setup(tmp, &nc, 1) != 0) {
		free(tmp->ns);
		free(tmp);
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		goto out;
	}
	struct nsm_rec *r = rec_add(s, nsid);
	r->ns = tmp->ns[0];
	free(tmp->ns);
	free(tmp);
	r->nmic = (d->nmic & 1u) != 0;
	c->dw0 = nsid;
out:
	free(d);
}

static void delete_one(struct nvme_model *m, struct nsm_rec *r)
{
	struct model_copyns *s = m->copyns;
	if (r->here)
		(void)nvme_model_ns_remove(m, r->nsid);   /* erases, Changed Namespace List, event */
	else
		ext_ns_erase(&r->ns);
	rec_remove(s, r);
}

static void ns_management(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_copyns *s = m->copyns;
	if (!s || !s->nsm_on || !NVME_GET(m->id_ctrl.oacs, NVME_OACS_NS_MGMT)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return;
	}
	c->status = ext_sanitize_gate(m);
	if (c->status)
		return;
	unsigned sel = (unsigned)NVME_GET(c->sqe.cdw10, NVME_NSMGMT_CDW10_SEL);
	uint32_t nsid = c->sqe.nsid;
	if (sel == NVME_NSMGMT_SEL_CREATE) {
		if (NVME_GET(c->sqe.cdw11, NVME_NSMGMT_CDW11_CSI) != 0) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);   /* NVM command set only */
			return;
		}
		ns_create(c);
		return;
	}
	if (sel != NVME_NSMGMT_SEL_DELETE) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (nsid == NVME_NSID_ALL) {
		while (s->nrecs != 0)
			delete_one(m, &s->recs[s->nrecs - 1]);
		return;
	}
	struct nsm_rec *r = nsid != 0 ? rec_find(s, nsid) : NULL;
	if (!r) {
		c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
		return;
	}
	delete_one(m, r);
}

static void ns_attachment(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_copyns *s = m->copyns;
	if (!s || !s->nsm_on || !NVME_GET(m->id_ctrl.oacs, NVME_OACS_NS_MGMT)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return;
	}
	unsigned sel = (unsigned)NVME_GET(c->sqe.cdw10, NVME_NSATT_CDW10_SEL);
	if (sel > NVME_NSATT_SEL_DETACH) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	struct nsm_rec *r = c->sqe.nsid != 0 && c->sqe.nsid != NVME_NSID_ALL ? rec_find(s, c->sqe.nsid) : NULL;
	if (!r) {
		c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
		return;
	}
	struct nvme_ctrl_list *l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	c->status = model_from_host(c, l, sizeof(*l));
	if (c->status)
		goto out;
	uint32_t mask = 0;
	if (l->num == 0 || l->num > NVME_CTRL_LIST_MAX) {
		c->status = MODEL_CMDSPEC(NVME_SC_CONTROLLER_LIST_INVALID);
		goto out;
	}
	for (uint32_t i = 0; i < l->num; i++) {
		uint32_t k = 0;
		while (k < s->nctrls && s->ctrls[k] != l->ids[i])
			k++;
		if (k == s->nctrls || (mask >> k) & 1u) {
			c->status = MODEL_CMDSPEC(NVME_SC_CONTROLLER_LIST_INVALID);
			goto out;
		}
		mask |= 1u << k;
	}
	if (sel == NVME_NSATT_SEL_ATTACH) {
		if (r->mask & mask) {
			c->status = MODEL_CMDSPEC(NVME_SC_NS_ALREADY_ATTACHED);
			goto out;
		}
		if (!r->nmic && __builtin_popcount(r->mask | mask) > 1) {
			c->status = MODEL_CMDSPEC(NVME_SC_NS_IS_PRIVATE);
			goto out;
		}
		r->mask |= mask;
		if ((mask >> s->self) & 1u)
			move_in(m, r);
	} else {
		if ((r->mask & mask) != mask) {
			c->status = MODEL_CMDSPEC(NVME_SC_NS_NOT_ATTACHED);
			goto out;
		}
		r->mask &= ~mask;
		if ((mask >> s->self) & 1u)
			move_out(m, r);
	}
out:
	free(l);
}

/* ------------------------------------------------------------------------ */
/* Test interface                                                            */
/* ------------------------------------------------------------------------ */

int nvme_model_nsmgmt_enable(struct nvme_model *m, const struct nvme_model_nsmgmt_config *cfg)
{
	if (!cfg || cfg->nctrls > NSM_MAX_CTRLS || (cfg->nctrls != 0 && !cfg->ctrls))
		return -1;
	struct model_copyns *s = model_copyns_get(m);
	if (s->nsm_on)
		return -1;
	if (cfg->nctrls == 0) {
		s->ctrls[0] = m->id_ctrl.cntlid;
		s->nctrls = 1;
	} else {
		for (uint32_t i = 0; i < cfg->nctrls; i++)
			if (i != 0 && cfg->ctrls[i] <= cfg->ctrls[i - 1])
				return -1;
		memcpy(s->ctrls, cfg->ctrls, cfg->nctrls * sizeof(uint16_t));
		s->nctrls = cfg->nctrls;
	}
	s->self = s->nctrls;
	for (uint32_t i = 0; i < s->nctrls; i++)
		if (s->ctrls[i] == m->id_ctrl.cntlid)
			s->self = i;
	if (s->self == s->nctrls)
		return -1;
	if (cfg->nn != 0) {
		if (m->ns_count != 0 && cfg->nn < m->ns[m->ns_count - 1].nsid)
			return -1;
		m->nn = cfg->nn;
		m->id_ctrl.nn = cfg->nn;
	}
	s->capacity = cfg->capacity_bytes;
	for (uint32_t i = 0; i < m->ns_count; i++) {
		struct nsm_rec *r = rec_add(s, m->ns[i].nsid);
		r->mask = 1u << s->self;
		r->nmic = cfg->shared;
		r->here = true;
	}
	s->nsm_on = true;
	m->cfg.oacs |= (uint16_t)NVME_SET(NVME_OACS_NS_MGMT, 1);
	m->id_ctrl.oacs |= (uint16_t)NVME_SET(NVME_OACS_NS_MGMT, 1);
	s->prev_identify = m->admin_ops[NVME_ADMIN_IDENTIFY];
	m->admin_ops[NVME_ADMIN_IDENTIFY] = nsm_identify;
	m->admin_ops[NVME_ADMIN_NS_MANAGEMENT] = ns_management;
	m->admin_names[NVME_ADMIN_NS_MANAGEMENT] = "Namespace Management";
	m->admin_ops[NVME_ADMIN_NS_ATTACHMENT] = ns_attachment;
	m->admin_names[NVME_ADMIN_NS_ATTACHMENT] = "Namespace Attachment";
	return 0;
}

int nvme_model_nsmgmt_set_attached(struct nvme_model *m, uint32_t nsid, bool attached)
{
	struct model_copyns *s = m->copyns;
	struct nsm_rec *r = s && s->nsm_on ? rec_find(s, nsid) : NULL;
	if (!r || r->here == attached)
		return -1;
	if (attached) {
		r->mask |= 1u << s->self;
		move_in(m, r);
	} else {
		r->mask &= ~(1u << s->self);
		move_out(m, r);
	}
	return 0;
}

uint32_t nvme_model_nsmgmt_attached_mask(const struct nvme_model *m, uint32_t nsid)
{
	struct model_copyns *s = m->copyns;
	const struct nsm_rec *r = s ? rec_find(s, nsid) : NULL;
	return r ? r->mask : 0;
}

bool nvme_model_nsmgmt_allocated(const struct nvme_model *m, uint32_t nsid)
{
	struct model_copyns *s = m->copyns;
	return s && rec_find(s, nsid) != NULL;
}
