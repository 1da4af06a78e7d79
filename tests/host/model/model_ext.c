/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_ext.c - the model's optional-command state: creation, resets, knobs,
 * and the wrappers around core handlers.
 *
 * Wrappers (this file's provider tables are registered after the core ones):
 *  - Read / Write / Flush: Sanitize In Progress / Sanitize Failed while a
 *    sanitize runs or failed; Reservation Conflict for hosts the reservation
 *    excludes; Unrecovered Read Error on bad blocks (media errors count);
 *    write-cache tracking and Global Data Erased before writes; a Flush drops
 *    the tracked blocks. Then the core handler runs.
 *  - Set/Get Features: Host Identifier (81h, 8 or 16 bytes); a new
 *    temperature threshold re-evaluates the temperature warning.
 *  - Get Log Page: SMART (all counters), Firmware Slot (real slots), Changed
 *    Namespace List (04h, cleared when read without RAE), Commands Supported
 *    and Effects (05h), Sanitize Status (81h); the rest goes to the core.
 *    Offsets, lengths and RAE follow the core's rules.
 * The other commands live in model_dm.c, model_fw.c, model_sanitize.c and
 * model_resv.c and are installed into the dispatch tables at creation.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_ext.h"

static void *xcalloc(size_t n, size_t s)
{
	void *p = calloc(n ? n : 1, s ? s : 1);
	if (!p)
		abort();
	return p;
}

static model_cmd_fn core_op(const struct model_opcode *t, uint8_t opc)
{
	for (const struct model_opcode *o = t; o->fn; o++)
		if (o->opc == opc)
			return o->fn;
	abort();   /* the core always has the ones we wrap */
}

/* ------------------------------------------------------------------------ */
/* Helpers shared with the other ext files                                   */
/* ------------------------------------------------------------------------ */

struct model_ns *ext_io_ns(struct model_cmd *c)
{
	struct model_ns *ns = NULL;
	uint32_t nsid = c->sqe.nsid;
	if (nsid != 0 && nsid != NVME_NSID_ALL)
		ns = model_ns_find(c->m, nsid);
	if (!ns)
		c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
	return ns;
}

uint16_t ext_sanitize_gate(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	ext_san_poll(m);
	if (x->san_running) {
		x->stats.blocked_by_sanitize++;
		return MODEL_SF(NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);   /* transient: no DNR */
	}
	if (x->san_failed_mode) {
		x->stats.blocked_by_sanitize++;
		return MODEL_GEN(NVME_SC_SANITIZE_FAILED);
	}
	return 0;
}

uint16_t ext_lba_range(struct model_cmd *c, const struct model_ns *ns, uint64_t *slba, uint64_t *nlb)
{
	*slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	*nlb = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_NLB) + 1u;
	if (*slba >= ns->blocks || *nlb > ns->blocks - *slba)
		return MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
	return 0;
}

bool ext_io_supported(struct nvme_model *m, uint8_t opc)
{
	int bit;
	switch (opc) {
	case NVME_CMD_COMPARE:             bit = 0; break;
	case NVME_CMD_WRITE_UNCORRECTABLE: bit = 1; break;
	case NVME_CMD_DSM:                 bit = 2; break;
	case NVME_CMD_WRITE_ZEROES:        bit = 3; break;
	case NVME_CMD_RESV_REGISTER:
	case NVME_CMD_RESV_REPORT:
	case NVME_CMD_RESV_ACQUIRE:
	case NVME_CMD_RESV_RELEASE:        bit = 5; break;
	case NVME_CMD_VERIFY:              bit = 7; break;
	case NVME_CMD_COPY:                bit = 8; break;
	default:                           return true;
	}
	return ((m->id_ctrl.oncs >> bit) & 1u) || EXT(m)->hidden_io[opc];
}

bool ext_admin_supported(struct nvme_model *m, uint8_t opc)
{
	switch (opc) {
	case NVME_ADMIN_FW_COMMIT:
	case NVME_ADMIN_FW_DOWNLOAD:
		return NVME_GET(m->id_ctrl.oacs, NVME_OACS_FIRMWARE) || EXT(m)->hidden_admin[opc];
	case NVME_ADMIN_FORMAT_NVM:
		return NVME_GET(m->id_ctrl.oacs, NVME_OACS_FORMAT) || EXT(m)->hidden_admin[opc];
	case NVME_ADMIN_SANITIZE:
		return (m->id_ctrl.sanicap & 7u) != 0 || EXT(m)->hidden_admin[opc];
	default:
		return true;
	}
}

uint16_t ext_admin_gate(struct model_cmd *c)
{
	if (!ext_admin_supported(c->m, c->sqe.opc))
		return MODEL_GEN(NVME_SC_INVALID_OPCODE);
	return ext_sanitize_gate(c->m);
}

static struct ext_undo *undo_find(struct model_ext *x, uint32_t nsid, uint64_t lba)
{
	for (size_t i = 0; i < x->nundo; i++)
		if (x->undo[i].nsid == nsid && x->undo[i].lba == lba)
			return &x->undo[i];
	return NULL;
}

void ext_drop_undo(struct nvme_model *m, uint32_t nsid)
{
	struct model_ext *x = EXT(m);
	size_t k = 0;
	for (size_t i = 0; i < x->nundo; i++) {
		if (nsid == 0 || x->undo[i].nsid == nsid)
			free(x->undo[i].old);
		else
			x->undo[k++] = x->undo[i];
	}
	x->nundo = k;
}

void ext_before_write(struct nvme_model *m, struct model_ns *ns, uint64_t lba, uint64_t n, bool fua)
{
	struct model_ext *x = EXT(m);
	x->global_erased = false;
	if (!x->vwc_track || !(m->feat.cur[NVME_FEAT_VOLATILE_WC] & 1u) || fua)
		return;
	if (ns->dirty == 0)
		ext_drop_undo(m, ns->nsid);   /* flushed by some other path (shutdown, WCE 0) */
	uint8_t *blk = xcalloc(1, ns->lba_size);
	for (uint64_t i = 0; i < n; i++) {
		if (undo_find(x, ns->nsid, lba + i))
			continue;
		if (x->nundo == x->cap_undo) {
			x->cap_undo = x->cap_undo ? 2 * x->cap_undo : 64;
			x->undo = realloc(x->undo, x->cap_undo * sizeof(*x->undo));
			if (!x->undo)
				abort();
		}
		model_ns_read(ns, lba + i, 1, blk, NULL);
		bool zero = true;
		for (uint32_t k = 0; k < ns->lba_size && zero; k++)
			zero = blk[k] == 0;
		struct ext_undo *u = &x->undo[x->nundo++];
		u->nsid = ns->nsid;
		u->lba = lba + i;
		u->old = NULL;
		if (!zero) {
			u->old = xcalloc(1, ns->lba_size);
			memcpy(u->old, blk, ns->lba_size);
		}
	}
	free(blk);
}

uint16_t ext_media_check(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n)
{
	struct model_ext *x = EXT(m);
	for (unsigned i = 0; i < x->nbad; i++)
		if (x->bad[i].nsid == nsid && x->bad[i].lba >= lba && x->bad[i].lba - lba < n) {
			x->media_errors++;
			return MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
		}
	return 0;
}

void ext_ns_erase(struct model_ns *ns)
{
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slots[i].data);
	free(ns->slots);
	ns->slots = NULL;
	ns->cap = ns->used = 0;
	ns->dirty = 0;
}

void ext_event(struct nvme_model *m, uint8_t type, uint8_t info, uint8_t lid)
{
	/* Like a drive: an event the host has not cleared yet (its log page is
	 * unread) or that is still queued is not reported twice; the log page
	 * will show the newer state when it is read. */
	if ((m->aen_masked & (1u << type)) && m->aen_lid[type] == lid)
		return;
	for (unsigned i = 0; i < m->event_count; i++)
		if (m->events[i].type == type && m->events[i].info == info && m->events[i].lid == lid)
			return;
	EXT(m)->stats.events_raised++;
	model_event(m, type, info, lid);
}

void ext_smart_event(struct nvme_model *m, uint8_t info)
{
	uint32_t aec = (uint32_t)NVME_GET(m->feat.cur[NVME_FEAT_ASYNC_EVENT_CONFIG], NVME_FEAT_AEC_SMART);
	uint32_t need;
	switch (info) {
	case NVME_AER_SMART_SPARE:       need = 1u << 0; break;
	case NVME_AER_SMART_TEMPERATURE: need = 1u << 1; break;
	default:                         need = (1u << 2) | (1u << 3) | (1u << 4); break;
	}
	if (!(aec & need))
		return;
	ext_event(m, NVME_AER_TYPE_SMART, info, NVME_LID_SMART);
}

void ext_log_reply(struct model_cmd *c, const void *log, size_t size)
{
	struct nvme_model *m = c->m;
	uint8_t lid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_LID);
	bool rae = NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_RAE) != 0;
	uint32_t numdu = (uint32_t)NVME_GET(c->sqe.cdw11, NVME_GET_LOG_CDW11_NUMDU);
	uint64_t numd = (((uint64_t)numdu << 16) | NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_NUMDL)) + 1u;
	uint64_t len = numd * 4u;
	uint64_t off = ((uint64_t)c->sqe.cdw13 << 32) | c->sqe.cdw12;
	bool ext = NVME_GET(m->id_ctrl.lpa, NVME_LPA_EXTENDED_DATA) != 0;

	if ((off & 3u) || (!ext && (numdu || off)) || off > size) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	const uint8_t *src = log;
	uint8_t *patched = NULL;
	if (EXT(m)->log_patch[lid].on && EXT(m)->log_patch[lid].off + EXT(m)->log_patch[lid].len <= size) {
		patched = malloc(size);
		if (!patched)
			abort();
		memcpy(patched, log, size);
		memcpy(patched + EXT(m)->log_patch[lid].off, EXT(m)->log_patch[lid].bytes, EXT(m)->log_patch[lid].len);
		src = patched;
	}
	model_log_send(c, src, size, off, len, lid, rae);
	free(patched);
}

/* ------------------------------------------------------------------------ */
/* Read, Write, Flush wrappers                                               */
/* ------------------------------------------------------------------------ */

/* The checks before a core Read/Write; false if the command is answered. */
static bool io_gate(struct model_cmd *c, bool write)
{
	struct nvme_model *m = c->m;
	uint16_t st = ext_sanitize_gate(m);
	if (st) {
		c->status = st;
		return false;
	}
	struct model_ns *ns = c->sqe.nsid && c->sqe.nsid != NVME_NSID_ALL ? model_ns_find(m, c->sqe.nsid) : NULL;
	uint64_t slba, nlb;
	if (!ns || ext_lba_range(c, ns, &slba, &nlb))
		return true;   /* the core answers these */
	st = ext_resv_gate(m, ns->nsid, write);
	if (!st && !write)
		st = ext_media_check(m, ns->nsid, slba, nlb);
	if (st) {
		c->status = st;
		return false;
	}
	if (write)
		ext_before_write(m, ns, slba, nlb, NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_FUA) != 0);
	return true;
}

static void ext_read(struct model_cmd *c)
{
	if (io_gate(c, false))
		core_op(model_io_core_ops, NVME_CMD_READ)(c);
}

static void ext_write(struct model_cmd *c)
{
	if (io_gate(c, true))
		core_op(model_io_core_ops, NVME_CMD_WRITE)(c);
}

static void ext_flush(struct model_cmd *c)
{
	uint16_t st = ext_sanitize_gate(c->m);
	if (st) {
		c->status = st;
		return;
	}
	core_op(model_io_core_ops, NVME_CMD_FLUSH)(c);
	if (!c->status)
		ext_drop_undo(c->m, c->sqe.nsid == NVME_NSID_ALL ? 0 : c->sqe.nsid);
}

/* ------------------------------------------------------------------------ */
/* Features                                                                  */
/* ------------------------------------------------------------------------ */

static void temp_check(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	uint16_t over = m->feat.tmpth[0][NVME_FEAT_TT_THSEL_OVER];
	uint16_t under = m->feat.tmpth[0][NVME_FEAT_TT_THSEL_UNDER];
	bool warn = (over && x->temp_k > over) || (under && x->temp_k < under);
	bool was = (x->cw & 2u) != 0;
	if (warn)
		x->cw |= 2u;
	else
		x->cw &= (uint8_t)~2u;
	if (warn && !was)
		ext_smart_event(m, NVME_AER_SMART_TEMPERATURE);
}

static void ext_set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	if (fid != NVME_FEAT_HOST_ID) {
		core_op(model_feat_ops, NVME_ADMIN_SET_FEATURES)(c);
		if (!c->status && fid == NVME_FEAT_TEMP_THRESHOLD)
			temp_check(m);
		return;
	}
	if (NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_SV)) {
		c->status = MODEL_CMDSPEC(NVME_SC_FEATURE_ID_NOT_SAVEABLE);
		return;
	}
	bool exhid = (c->sqe.cdw11 & 1u) != 0;
	uint8_t id[16] = { 0 };
	c->status = model_from_host(c, id, exhid ? 16 : 8);
	if (c->status)
		return;
	memcpy(x->hostid, id, sizeof(id));
	x->hostid_set = true;
	x->hostid_ext = exhid;
}

static void ext_get_features(struct model_cmd *c)
{
	struct model_ext *x = EXT(c->m);
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	if (fid != NVME_FEAT_HOST_ID) {
		core_op(model_feat_ops, NVME_ADMIN_GET_FEATURES)(c);
		return;
	}
	bool exhid = (c->sqe.cdw11 & 1u) != 0;
	c->status = model_to_host(c, x->hostid, exhid ? 16 : 8);
}

/* ------------------------------------------------------------------------ */
/* Log pages                                                                 */
/* ------------------------------------------------------------------------ */

static void put128(uint8_t *dst, uint64_t v)
{
	memset(dst, 0, 16);
	for (int i = 0; i < 8; i++)
		dst[i] = (uint8_t)(v >> (8 * i));
}

static void build_smart(struct nvme_model *m, struct nvme_smart_log *s)
{
	struct model_ext *x = EXT(m);
	memset(s, 0, sizeof(*s));
	uint8_t cw = x->cw;
	if (x->avail_spare < x->spare_thresh)
		cw |= 1u;
	s->critical_warning = cw;
	s->temperature[0] = (uint8_t)x->temp_k;
	s->temperature[1] = (uint8_t)(x->temp_k >> 8);
	s->avail_spare = x->avail_spare;
	s->spare_thresh = x->spare_thresh;
	s->percent_used = x->percent_used;
	put128(s->data_units_read, (m->data_units_read_512 + x->extra_read_512 + 999u) / 1000u);
	put128(s->data_units_written, (m->data_units_written_512 + 999u) / 1000u);
	put128(s->host_reads, m->stats.reads + x->extra_reads);
	put128(s->host_writes, m->stats.writes);
	put128(s->power_cycles, m->power_cycles);
	put128(s->power_on_hours, x->poh_base + model_now(m) / 3600000000ull);
	put128(s->unsafe_shutdowns, m->unsafe_shutdowns);
	put128(s->media_errors, x->media_errors);
	put128(s->num_err_log_entries, m->error_count);
	s->temp_sensor[0] = x->temp_k;
}

static void build_effects(struct nvme_model *m, struct nvme_cmd_effects_log *e)
{
	memset(e, 0, sizeof(*e));
	for (unsigned i = 0; i < 256; i++) {
		if (m->admin_ops[i] && ext_admin_supported(m, (uint8_t)i)) {
			e->acs[i] = (uint32_t)NVME_SET(NVME_CMD_EFFECTS_CSUPP, 1);
			if (i == NVME_ADMIN_FORMAT_NVM || i == NVME_ADMIN_SANITIZE)
				e->acs[i] |= (uint32_t)(NVME_SET(NVME_CMD_EFFECTS_LBCC, 1) | NVME_SET(NVME_CMD_EFFECTS_NCC, 1));
			if (i == NVME_ADMIN_FW_COMMIT)
				e->acs[i] |= (uint32_t)NVME_SET(NVME_CMD_EFFECTS_CCC, 1);
		}
		if (m->io_ops[i] && ext_io_supported(m, (uint8_t)i)) {
			e->iocs[i] = (uint32_t)NVME_SET(NVME_CMD_EFFECTS_CSUPP, 1);
			if (i == NVME_CMD_WRITE || i == NVME_CMD_WRITE_ZEROES || i == NVME_CMD_DSM)
				e->iocs[i] |= (uint32_t)NVME_SET(NVME_CMD_EFFECTS_LBCC, 1);
		}
	}
}

static void ext_get_log_page(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	uint8_t lid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_LID);
	bool rae = NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_RAE) != 0;
	uint32_t nsid = c->sqe.nsid;
	switch (lid) {
	case NVME_LID_SMART: {
		if (nsid != 0 && nsid != NVME_NSID_ALL &&
		    (!NVME_GET(m->id_ctrl.lpa, NVME_LPA_SMART_PER_NS) || !model_ns_find(m, nsid))) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		struct nvme_smart_log s;
		build_smart(m, &s);
		ext_log_reply(c, &s, sizeof(s));
		return;
	}
	case NVME_LID_FW_SLOT: {
		struct nvme_fw_slot_log f;
		ext_fw_slot_log(m, &f);
		ext_log_reply(c, &f, sizeof(f));
		return;
	}
	case NVME_LID_CHANGED_NS: {
		uint32_t *list = xcalloc(NVME_NS_LIST_ENTRIES, sizeof(uint32_t));
		if (x->changed_overflow)
			list[0] = NVME_CHANGED_NS_OVERFLOW;
		else
			memcpy(list, x->changed, x->nchanged * sizeof(uint32_t));
		ext_log_reply(c, list, NVME_NS_LIST_ENTRIES * sizeof(uint32_t));
		free(list);
		if (!c->status && !rae) {
			x->nchanged = 0;
			x->changed_overflow = false;
		}
		return;
	}
	case NVME_LID_CMD_EFFECTS: {
		if (!x->effects_log) {
			c->status = MODEL_CMDSPEC(NVME_SC_INVALID_LOG_PAGE);
			return;
		}
		struct nvme_cmd_effects_log *e = xcalloc(1, sizeof(*e));
		build_effects(m, e);
		ext_log_reply(c, e, sizeof(*e));
		free(e);
		return;
	}
	case NVME_LID_SANITIZE_STATUS: {
		if (!ext_admin_supported(m, NVME_ADMIN_SANITIZE)) {
			c->status = MODEL_CMDSPEC(NVME_SC_INVALID_LOG_PAGE);
			return;
		}
		struct nvme_sanitize_log s;
		ext_san_log(m, &s);
		ext_log_reply(c, &s, sizeof(s));
		return;
	}
	default:
		core_op(model_feat_ops, NVME_ADMIN_GET_LOG_PAGE)(c);
		return;
	}
}

const struct model_opcode model_ext_admin_ops[] = {
	{ NVME_ADMIN_SET_FEATURES, ext_set_features, "Set Features" },
	{ NVME_ADMIN_GET_FEATURES, ext_get_features, "Get Features" },
	{ NVME_ADMIN_GET_LOG_PAGE, ext_get_log_page, "Get Log Page" },
	{ 0, NULL, NULL }
};

const struct model_opcode model_ext_io_ops[] = {
	{ NVME_CMD_FLUSH, ext_flush, "Flush" },
	{ NVME_CMD_WRITE, ext_write, "Write" },
	{ NVME_CMD_READ,  ext_read,  "Read" },
	{ 0, NULL, NULL }
};

/* ------------------------------------------------------------------------ */
/* Creation, reset                                                           */
/* ------------------------------------------------------------------------ */

static void install(struct nvme_model *m, const struct model_opcode *t, bool io)
{
	for (const struct model_opcode *o = t; o->fn; o++) {
		if (io) {
			m->io_ops[o->opc] = o->fn;
			m->io_names[o->opc] = o->name;
		} else {
			m->admin_ops[o->opc] = o->fn;
			m->admin_names[o->opc] = o->name;
		}
	}
}

void model_ext_create(struct nvme_model *m)
{
	struct model_ext *x = xcalloc(1, sizeof(*x));
	m->ext = x;
	x->temp_k = 323;
	x->fake_regctl = ~0u;
	x->avail_spare = 100;
	x->spare_thresh = 10;
	x->effects_log = true;
	m->id_ctrl.lpa |= (uint8_t)NVME_SET(NVME_LPA_CMD_EFFECTS, 1);
	m->cfg.lpa |= (uint8_t)NVME_SET(NVME_LPA_CMD_EFFECTS, 1);
	m->id_ctrl.oaes = (uint32_t)(NVME_SET(NVME_OAES_NS_ATTR_NOTICES, 1) | NVME_SET(NVME_OAES_FW_ACTIVATION_NOTICES, 1));
	install(m, ext_dm_ops, true);
	install(m, ext_dm_admin_ops, false);   /* wraps Identify: CNS 06h, FPI */
	install(m, ext_resv_ops, true);
	install(m, ext_fw_ops, false);
	install(m, ext_san_ops, false);
	ext_fw_init(m);
	ext_san_init(m);
	ext_resv_init(m);
}

void model_ext_destroy(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	if (!x)
		return;
	ext_drop_undo(m, 0);
	free(x->undo);
	ext_fw_free(m);
	ext_resv_free(m);
	free(x);
	m->ext = NULL;
}

void model_ext_reset(struct nvme_model *m, bool subsystem)
{
	EXT(m)->format_pending = false;   /* its queue is gone */
	ext_fw_reset(m, subsystem ? NVME_MODEL_FW_RESET_NSSR : NVME_MODEL_FW_RESET_CONTROLLER);
}

void model_ext_tick(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	if (!x || !x->format_pending || model_now(m) < x->format_due)
		return;
	x->format_pending = false;
	struct model_sq *asq = model_sq_get(m, 0);
	if (!asq)
		return;
	x->format_cqe.sqhd = (uint16_t)asq->head;
	model_post(m, x->format_cqid, &x->format_cqe);
}

/* ------------------------------------------------------------------------ */
/* Knobs                                                                     */
/* ------------------------------------------------------------------------ */

void nvme_model_set_sanicap(struct nvme_model *m, uint32_t v) { m->id_ctrl.sanicap = v; }
void nvme_model_set_fwug(struct nvme_model *m, uint8_t v) { m->id_ctrl.fwug = v; }
void nvme_model_set_fna(struct nvme_model *m, uint8_t v) { m->id_ctrl.fna = v; }
void nvme_model_set_oaes(struct nvme_model *m, uint32_t v) { m->id_ctrl.oaes = v; }

void nvme_model_set_hidden_cmd(struct nvme_model *m, bool io, uint8_t opc, bool hidden)
{
	if (io)
		EXT(m)->hidden_io[opc] = hidden;
	else
		EXT(m)->hidden_admin[opc] = hidden;
}

void nvme_model_set_effects_log(struct nvme_model *m, bool present)
{
	EXT(m)->effects_log = present;
	uint8_t bit = (uint8_t)NVME_SET(NVME_LPA_CMD_EFFECTS, 1);
	if (present) {
		m->id_ctrl.lpa |= bit;
		m->cfg.lpa |= bit;
	} else {
		m->id_ctrl.lpa &= (uint8_t)~bit;
		m->cfg.lpa &= (uint8_t)~bit;
	}
}

void nvme_model_set_temperature(struct nvme_model *m, uint16_t kelvin)
{
	EXT(m)->temp_k = kelvin;
	temp_check(m);
}

void nvme_model_set_critical_warning(struct nvme_model *m, uint8_t bits)
{
	struct model_ext *x = EXT(m);
	uint8_t added = (uint8_t)(bits & ~x->cw);
	x->cw = bits;
	if (added & 1u)
		ext_smart_event(m, NVME_AER_SMART_SPARE);
	if (added & 2u)
		ext_smart_event(m, NVME_AER_SMART_TEMPERATURE);
	if (added & 0x1Cu)
		ext_smart_event(m, NVME_AER_SMART_RELIABILITY);
}

void nvme_model_set_wear(struct nvme_model *m, uint8_t percent_used, uint8_t avail_spare, uint8_t spare_thresh)
{
	struct model_ext *x = EXT(m);
	bool was = x->avail_spare < x->spare_thresh;
	x->percent_used = percent_used;
	x->avail_spare = avail_spare;
	x->spare_thresh = spare_thresh;
	if (!was && avail_spare < spare_thresh)
		ext_smart_event(m, NVME_AER_SMART_SPARE);
}

void nvme_model_set_power_on_hours(struct nvme_model *m, uint64_t hours) { EXT(m)->poh_base = hours; }

void nvme_model_add_bad_block(struct nvme_model *m, uint32_t nsid, uint64_t lba)
{
	struct model_ext *x = EXT(m);
	if (x->nbad < EXT_MAX_BAD_BLOCKS) {
		x->bad[x->nbad].nsid = nsid;
		x->bad[x->nbad].lba = lba;
		x->nbad++;
	}
}

void nvme_model_vwc_track(struct nvme_model *m, bool on)
{
	EXT(m)->vwc_track = on;
	if (!on)
		ext_drop_undo(m, 0);
}

void nvme_model_power_cycle(struct nvme_model *m, bool drop_cache)
{
	struct model_ext *x = EXT(m);
	bool unsafe = !m->shut_down;
	if (drop_cache) {
		for (size_t i = 0; i < x->nundo; i++) {
			struct ext_undo *u = &x->undo[i];
			struct model_ns *ns = model_ns_find(m, u->nsid);
			if (!ns || ns->dirty == 0 || u->lba >= ns->blocks)
				continue;
			if (u->old)
				model_ns_write(ns, u->lba, 1, u->old, NULL);
			else
				model_ns_deallocate(ns, u->lba, 1);
		}
	}
	ext_drop_undo(m, 0);
	x->format_pending = false;
	for (uint32_t i = 0; i < m->ns_count; i++)
		m->ns[i].dirty = 0;
	if (unsafe)
		m->unsafe_shutdowns++;
	m->power_cycles++;
	model_controller_reset(m);
	m->cc = 0;
	m->csts = 0;
	m->rdy_pending = false;
	m->intms = 0;
	x->hostid_set = false;
	memset(x->hostid, 0, sizeof(x->hostid));
	ext_fw_reset(m, NVME_MODEL_FW_RESET_CONVENTIONAL);
}

/* ------------------------------------------------------------------------ */
/* Namespaces at run time                                                    */
/* ------------------------------------------------------------------------ */

static void changed_add(struct nvme_model *m, uint32_t nsid)
{
	struct model_ext *x = EXT(m);
	if (x->changed_overflow)
		return;
	uint32_t i = 0;
	while (i < x->nchanged && x->changed[i] < nsid)
		i++;
	if (i < x->nchanged && x->changed[i] == nsid)
		return;
	if (x->nchanged == NVME_NS_LIST_ENTRIES) {
		x->changed_overflow = true;
		return;
	}
	memmove(&x->changed[i + 1], &x->changed[i], (x->nchanged - i) * sizeof(uint32_t));
	x->changed[i] = nsid;
	x->nchanged++;
}

static void ns_changed_event(struct nvme_model *m)
{
	if (!NVME_GET(m->feat.cur[NVME_FEAT_ASYNC_EVENT_CONFIG], NVME_FEAT_AEC_NAN))
		return;
	ext_event(m, NVME_AER_TYPE_NOTICE, NVME_AER_NOTICE_NS_CHANGED, NVME_LID_CHANGED_NS);
}

void model_ext_ns_changed(struct nvme_model *m, uint32_t nsid)
{
	changed_add(m, nsid);
	ns_changed_event(m);
}

int nvme_model_ns_add(struct nvme_model *m, const struct nvme_model_ns_config *cfg)
{
	if (!cfg || cfg->nsid == 0 || cfg->nsid > m->nn || model_ns_find(m, cfg->nsid))
		return -1;
	struct nvme_model *tmp = xcalloc(1, sizeof(*tmp));
	if (model_ns_setup(tmp, cfg, 1) != 0) {
		free(tmp->ns);
		free(tmp);
		return -1;
	}
	struct model_ns *a = realloc(m->ns, (m->ns_count + 1) * sizeof(*a));
	if (!a)
		abort();
	m->ns = a;
	uint32_t i = 0;
	while (i < m->ns_count && m->ns[i].nsid < cfg->nsid)
		i++;
	memmove(&m->ns[i + 1], &m->ns[i], (m->ns_count - i) * sizeof(*a));
	m->ns[i] = tmp->ns[0];
	m->ns_count++;
	free(tmp->ns);
	free(tmp);
	changed_add(m, cfg->nsid);
	ns_changed_event(m);
	return 0;
}

int nvme_model_ns_remove(struct nvme_model *m, uint32_t nsid)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns)
		return -1;
	ext_drop_undo(m, nsid);
	ext_resv_ns_removed(m, nsid);
	ext_ns_erase(ns);
	uint32_t i = (uint32_t)(ns - m->ns);
	memmove(&m->ns[i], &m->ns[i + 1], (m->ns_count - i - 1) * sizeof(*ns));
	m->ns_count--;
	changed_add(m, nsid);
	ns_changed_event(m);
	return 0;
}

void nvme_model_changed_ns_overflow(struct nvme_model *m) { EXT(m)->changed_overflow = true; }

void nvme_model_patch_log(struct nvme_model *m, uint8_t lid, uint32_t off, const void *bytes, size_t len)
{
	struct model_ext *x = EXT(m);
	x->log_patch[lid].on = len != 0 && len <= sizeof(x->log_patch[0].bytes);
	x->log_patch[lid].off = off;
	x->log_patch[lid].len = (uint8_t)len;
	if (x->log_patch[lid].on)
		memcpy(x->log_patch[lid].bytes, bytes, len);
}

void nvme_model_resv_fake_regctl(struct nvme_model *m, uint32_t regctl) { EXT(m)->fake_regctl = regctl; }

const struct nvme_model_ext_stats *nvme_model_ext_stats(const struct nvme_model *m) { return &m->ext->stats; }
