/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_fw.c - firmware slots: Firmware Image Download (5.12), Firmware
 * Commit (5.11), the Firmware Slot Information log (03h) and activation at
 * reset.
 *
 * Slots: FRMW bits 3:1 (1..7), slot 1 read only with FRMW bit 0; slot 1 holds
 * the configured revision at creation and is active.
 * Download (needs OACS bit 2, else Invalid Command Opcode): NUMD and OFST in
 * dwords. The granularity is FWUG x 4 KiB (FWUG 0 or FFh: none). An offset
 * that is not a multiple of it -> Invalid Field; OFST 0 starts a new image;
 * a piece starting before the end of what was received -> Overlapping
 * Range; after a gap, or after a short (not granularity-sized) piece, which
 * must be the last -> Invalid Field; images above 4 MiB -> Invalid Field.
 * Commit: CA 0 replace, 1 replace and activate at the next reset, 2 activate
 * the image in the slot at the next reset, 3 replace and activate now (FRMW
 * bit 4, else Invalid Field); CA 6/7 (boot partitions) Invalid Field. FS 0
 * lets the model choose (the lowest writable slot that is not active). A
 * slot above FRMW's count, slot 1 when read only (replacing), or an empty
 * slot (CA 2) -> Invalid Firmware Slot. The downloaded image is validated
 * when it is committed (layout of nvme_model_fw_image_build: "NVFW", an
 * 8-byte revision, the length, dwords summing to 0) -> Invalid Firmware
 * Image. Activation: CA 1/2 at the next controller level reset, unless the
 * configured requirement (nvme_model_fw_set_reset_required) is an NVM
 * subsystem or conventional reset: then the commit answers that status
 * (SC 10h / 0Bh) and only such a reset activates. CA 3 activates at once
 * (raising Firmware Activation Starting when enabled) when the requirement
 * is NONE, else answers SC 11h / 10h / 0Bh and waits for that reset. The
 * active slot's revision becomes Identify's FR.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_ext.h"

#define FW_MAGIC "NVFW"
#define FW_MIN_IMAGE 32u

static void set_fr(struct nvme_model *m, const char *rev)
{
	snprintf(m->fr, sizeof(m->fr), "%s", rev);
	memset(m->id_ctrl.fr, ' ', sizeof(m->id_ctrl.fr));
	memcpy(m->id_ctrl.fr, rev, strnlen(rev, sizeof(m->id_ctrl.fr)));
}

void ext_fw_init(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	unsigned n = (unsigned)NVME_GET(m->id_ctrl.frmw, NVME_FRMW_NUM_SLOTS);
	x->nslots = (uint8_t)(n ? n : 1);
	x->slot1_ro = NVME_GET(m->id_ctrl.frmw, NVME_FRMW_SLOT1_RO) != 0;
	snprintf(x->slot_rev[0], sizeof(x->slot_rev[0]), "%s", m->fr);
	x->active_slot = 1;
	x->next_slot = 0;
	x->reset_required = NVME_MODEL_FW_RESET_NONE;
}

void ext_fw_free(struct nvme_model *m)
{
	free(EXT(m)->image);
	EXT(m)->image = NULL;
}

static void activate(struct nvme_model *m, uint8_t slot)
{
	struct model_ext *x = EXT(m);
	x->active_slot = slot;
	x->next_slot = 0;
	set_fr(m, x->slot_rev[slot - 1]);
	x->stats.fw_activations++;
}

void ext_fw_reset(struct nvme_model *m, enum nvme_model_fw_reset kind)
{
	struct model_ext *x = EXT(m);
	if (x->next_slot && kind >= x->next_kind)
		activate(m, x->next_slot);
}

void ext_fw_slot_log(struct nvme_model *m, struct nvme_fw_slot_log *log)
{
	struct model_ext *x = EXT(m);
	memset(log, 0, sizeof(*log));
	log->afi = (uint8_t)(NVME_SET(NVME_FW_AFI_ACTIVE, x->active_slot) | NVME_SET(NVME_FW_AFI_NEXT_RESET, x->next_slot));
	for (unsigned s = 0; s < x->nslots; s++) {
		if (!x->slot_rev[s][0])
			continue;
		memset(log->frs[s], ' ', 8);
		memcpy(log->frs[s], x->slot_rev[s], strnlen(x->slot_rev[s], 8));
	}
}

static uint32_t granularity(const struct nvme_model *m)
{
	uint8_t g = m->id_ctrl.fwug;
	return (g == 0 || g == 0xFF) ? 4u : (uint32_t)g * 4096u;
}

static void fw_download(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	c->status = ext_admin_gate(c);
	if (c->status)
		return;
	uint64_t len = ((uint64_t)NVME_GET(c->sqe.cdw10, NVME_FW_DL_CDW10_NUMD) + 1u) * 4u;
	uint64_t off = (uint64_t)NVME_GET(c->sqe.cdw11, NVME_FW_DL_CDW11_OFST) * 4u;
	uint32_t g = granularity(m);
	if (off % g || off + len > EXT_FW_MAX_IMAGE) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (off == 0) {
		x->image_len = 0;
		x->image_tail = false;
		x->npieces = 0;
	} else if (off < x->image_len) {
		c->status = MODEL_CMDSPEC(NVME_SC_OVERLAPPING_RANGE);
		return;
	} else if (off > x->image_len || x->image_tail) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (!x->image)
		x->image = calloc(1, EXT_FW_MAX_IMAGE);
	if (!x->image)
		abort();
	c->status = model_from_host(c, x->image + off, len);
	if (c->status)
		return;
	x->image_len = (uint32_t)(off + len);
	if (len % g)
		x->image_tail = true;
	if (x->npieces < EXT_FW_PIECE_LOG) {
		x->piece_off[x->npieces] = (uint32_t)off;
		x->piece_len[x->npieces] = (uint32_t)len;
		x->npieces++;
	}
	x->stats.fw_download_cmds++;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Revision of a valid image into rev (9 bytes), or false. */
static bool image_valid(const struct model_ext *x, char *rev)
{
	if (!x->image || x->image_len < FW_MIN_IMAGE || memcmp(x->image, FW_MAGIC, 4) != 0 ||
	    le32(x->image + 12) != x->image_len)
		return false;
	uint32_t sum = 0;
	for (uint32_t i = 0; i < x->image_len; i += 4)
		sum += le32(x->image + i);
	if (sum != 0)
		return false;
	size_t l = 8;
	while (l && x->image[4 + l - 1] == ' ')
		l--;
	memcpy(rev, x->image + 4, l);
	rev[l] = '\0';
	return l != 0;
}

static uint16_t reset_status(enum nvme_model_fw_reset k)
{
	switch (k) {
	case NVME_MODEL_FW_RESET_CONVENTIONAL: return MODEL_CMDSPEC(NVME_SC_FW_ACTIVATION_REQUIRES_CONVENTIONAL_RESET);
	case NVME_MODEL_FW_RESET_NSSR:         return MODEL_CMDSPEC(NVME_SC_FW_ACTIVATION_REQUIRES_NVM_SUBSYSTEM_RESET);
	case NVME_MODEL_FW_RESET_CONTROLLER:   return MODEL_CMDSPEC(NVME_SC_FW_ACTIVATION_REQUIRES_CONTROLLER_RESET);
	default:                               return 0;
	}
}

static void fw_commit(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	c->status = ext_admin_gate(c);
	if (c->status)
		return;
	unsigned fs = (unsigned)NVME_GET(c->sqe.cdw10, NVME_FW_COMMIT_CDW10_FS);
	unsigned ca = (unsigned)NVME_GET(c->sqe.cdw10, NVME_FW_COMMIT_CDW10_CA);
	x->stats.fw_commit_cmds++;
	if (ca > NVME_FW_CA_REPLACE_ACTIVATE_NOW ||
	    (ca == NVME_FW_CA_REPLACE_ACTIVATE_NOW && !NVME_GET(m->id_ctrl.frmw, NVME_FRMW_ACTIVATE_NO_RESET))) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (fs > x->nslots) {
		c->status = MODEL_CMDSPEC(NVME_SC_INVALID_FIRMWARE_SLOT);
		return;
	}
	bool replace = ca != NVME_FW_CA_ACTIVATE_RESET;
	unsigned slot = fs;
	if (replace) {
		if (slot == 0) {
			for (unsigned s = 1; s <= x->nslots && !slot; s++)
				if (!(s == 1 && x->slot1_ro) && s != x->active_slot)
					slot = s;
			if (!slot && !(x->active_slot == 1 && x->slot1_ro))
				slot = x->active_slot;
		}
		if (slot == 0 || (slot == 1 && x->slot1_ro)) {
			c->status = MODEL_CMDSPEC(NVME_SC_INVALID_FIRMWARE_SLOT);
			return;
		}
		char rev[9];
		if (!image_valid(x, rev)) {
			c->status = MODEL_CMDSPEC(NVME_SC_INVALID_FIRMWARE_IMAGE);
			x->image_len = 0;
			return;
		}
		snprintf(x->slot_rev[slot - 1], sizeof(x->slot_rev[0]), "%s", rev);
		x->image_len = 0;
		x->image_tail = false;
	} else {
		if (slot == 0)
			slot = x->next_slot ? x->next_slot : x->active_slot;
		if (!x->slot_rev[slot - 1][0]) {
			c->status = MODEL_CMDSPEC(NVME_SC_INVALID_FIRMWARE_SLOT);
			return;
		}
	}
	if (ca == NVME_FW_CA_REPLACE)
		return;
	if (ca == NVME_FW_CA_REPLACE_ACTIVATE_NOW && x->reset_required == NVME_MODEL_FW_RESET_NONE) {
		if (NVME_GET(m->feat.cur[NVME_FEAT_ASYNC_EVENT_CONFIG], NVME_FEAT_AEC_FAN)) {
			ext_event(m, NVME_AER_TYPE_NOTICE, NVME_AER_NOTICE_FW_ACTIVATION_STARTING, NVME_LID_FW_SLOT);
		}
		activate(m, (uint8_t)slot);
		return;
	}
	enum nvme_model_fw_reset kind = x->reset_required;
	if (ca != NVME_FW_CA_REPLACE_ACTIVATE_NOW && kind < NVME_MODEL_FW_RESET_NSSR)
		kind = NVME_MODEL_FW_RESET_CONTROLLER;   /* CA 1/2: the next controller reset, success */
	x->next_slot = (uint8_t)slot;
	x->next_kind = kind;
	if (ca == NVME_FW_CA_REPLACE_ACTIVATE_NOW || kind != NVME_MODEL_FW_RESET_CONTROLLER)
		c->status = reset_status(kind);
}

const struct model_opcode ext_fw_ops[] = {
	{ NVME_ADMIN_FW_COMMIT,   fw_commit,   "Firmware Commit" },
	{ NVME_ADMIN_FW_DOWNLOAD, fw_download, "Firmware Image Download" },
	{ 0, NULL, NULL }
};

/* ------------------------------------------------------------------------ */
/* Knobs                                                                     */
/* ------------------------------------------------------------------------ */

void nvme_model_fw_set_reset_required(struct nvme_model *m, enum nvme_model_fw_reset kind)
{
	EXT(m)->reset_required = kind;
}

size_t nvme_model_fw_image_build(void *buf, size_t len, const char *rev)
{
	uint8_t *b = buf;
	size_t rl = strlen(rev);
	if (len < FW_MIN_IMAGE || len % 4 || len > EXT_FW_MAX_IMAGE || rl == 0 || rl > 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7u + 3u);
	memcpy(b, FW_MAGIC, 4);
	memset(b + 4, ' ', 8);
	memcpy(b + 4, rev, rl);
	for (int i = 0; i < 4; i++)
		b[12 + i] = (uint8_t)(len >> (8 * i));
	memset(b + 16, 0, 4);
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i += 4)
		sum += le32(b + i);
	uint32_t fix = 0u - sum;
	for (int i = 0; i < 4; i++)
		b[16 + i] = (uint8_t)(fix >> (8 * i));
	return len;
}

unsigned nvme_model_fw_pieces(const struct nvme_model *m, uint32_t *off, uint32_t *len, unsigned max)
{
	const struct model_ext *x = m->ext;
	for (unsigned i = 0; i < x->npieces && i < max; i++) {
		off[i] = x->piece_off[i];
		len[i] = x->piece_len[i];
	}
	return x->npieces;
}

const char *nvme_model_fw_slot_rev(const struct nvme_model *m, unsigned slot)
{
	return slot >= 1 && slot <= NVME_FW_MAX_SLOTS ? m->ext->slot_rev[slot - 1] : "";
}

unsigned nvme_model_fw_active_slot(const struct nvme_model *m) { return m->ext->active_slot; }
unsigned nvme_model_fw_next_slot(const struct nvme_model *m) { return m->ext->next_slot; }
