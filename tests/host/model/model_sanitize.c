/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_sanitize.c - Sanitize (NVMe 1.4 5.24, 8.15), the Sanitize Status log
 * (81h), and Format NVM (5.23).
 *
 * Sanitize needs a SANICAP action bit (else Invalid Command Opcode) and NSID
 * 0 (else Invalid Field: the model enforces what some drives do). Checks:
 * a sanitize in progress -> Sanitize In Progress; SANACT 0, above 4 or not in
 * SANICAP, or NDAS with SANICAP.NDI -> Invalid Field. Exit failure mode:
 * success without effect when not in failure mode, Sanitize Failed after a
 * failure in restricted mode (AUSE 0), else leaves failure mode. After a
 * restricted failure a new sanitize with AUSE 1 -> Sanitize Failed.
 * A started operation erases at once (block and crypto erase deallocate
 * every block; overwrite writes the pattern, inverted between passes with
 * OIPBP) and then runs: each Sanitize Status log read (and, with step_us,
 * test time) advances one step, SPROG = step/steps x 65536, until the
 * configured step count (completed: SSTAT 1, or 4 when No-Deallocate was
 * asked, since the model always deallocates; Global Data Erased set until
 * the next write; Sanitize Operation Completed event, LID 81h) or the
 * failure step (SSTAT 3, failure mode restricted unless AUSE). While it runs,
 * I/O, Format NVM and firmware commands answer Sanitize In Progress; in
 * failure mode, Sanitize Failed. The state survives controller resets.
 *
 * Format NVM needs OACS bit 1. NSID FFFFFFFFh (or FNA bit 0) formats every
 * namespace; another unknown NSID -> Invalid Namespace or Format. LBAF
 * (with NVMe 2.0's upper bits) beyond NLBAF, or PI != 0 -> Invalid Format;
 * SES > 2, or 2 without FNA bit 2 -> Invalid Field. The namespace keeps its
 * size in bytes: NSZE becomes bytes / new block size; all data is erased.
 * With nvme_model_format_duration the completion is posted that much test
 * time later (model_ext_tick).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_ext.h"

#define FORMAT_CDW10_LBAFU 12, 2

enum { EST_ETO, EST_ETBE, EST_ETCE, EST_ETOND, EST_ETBEND, EST_ETCEND };

void ext_san_init(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	x->san_steps = 4;
	x->est[EST_ETO] = 60;
	x->est[EST_ETBE] = 10;
	x->est[EST_ETCE] = 5;
	x->est[EST_ETOND] = 70;
	x->est[EST_ETBEND] = 12;
	x->est[EST_ETCEND] = 6;
}

static void san_complete(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	x->san_running = false;
	x->sprog = 0xFFFF;
	x->global_erased = true;
	x->sstat = x->san_ndas ? NVME_SSTAT_COMPLETED_NO_DEALLOC : NVME_SSTAT_COMPLETED;
	ext_event(m, NVME_AER_TYPE_IO_SPECIFIC,
		  x->san_ndas ? NVME_AER_IO_SANITIZE_COMPLETED_WITH_NDA : NVME_AER_IO_SANITIZE_COMPLETED,
		  NVME_LID_SANITIZE_STATUS);
}

static void san_fail(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	x->san_running = false;
	x->san_failed_mode = true;
	x->san_restricted = !NVME_GET(x->scdw10, NVME_SANITIZE_CDW10_AUSE);
	x->sstat = NVME_SSTAT_FAILED;
}

static void san_advance(struct nvme_model *m, bool read)
{
	struct model_ext *x = EXT(m);
	if (!x->san_running)
		return;
	unsigned step = x->san_step + (read ? 1u : 0u);
	if (x->san_step_us) {
		uint64_t t = (model_now(m) - x->san_start_us) / x->san_step_us;
		if (t > step)
			step = (unsigned)t;
	}
	x->san_step = step;
	if (x->san_fail_at && step >= x->san_fail_at)
		san_fail(m);
	else if (step >= x->san_steps)
		san_complete(m);
	else
		x->sprog = (uint16_t)(((uint64_t)step << 16) / x->san_steps);
}

void ext_san_poll(struct nvme_model *m)
{
	san_advance(m, false);
}

void ext_san_log(struct nvme_model *m, struct nvme_sanitize_log *log)
{
	struct model_ext *x = EXT(m);
	x->san_log_reads++;
	san_advance(m, true);
	memset(log, 0, sizeof(*log));
	log->sprog = x->sstat == NVME_SSTAT_NEVER_SANITIZED ? 0 : (x->san_running ? x->sprog : 0xFFFF);
	log->sstat = (uint16_t)(NVME_SET(NVME_SSTAT_STATUS, x->sstat) |
				NVME_SET(NVME_SSTAT_OVERWRITE_PASSES, x->san_running ? 0u : x->san_passes) |
				NVME_SET(NVME_SSTAT_GLOBAL_ERASED, x->global_erased ? 1 : 0));
	log->scdw10 = x->scdw10;
	log->eto = x->est[EST_ETO];
	log->etbe = x->est[EST_ETBE];
	log->etce = x->est[EST_ETCE];
	log->etond = x->est[EST_ETOND];
	log->etbend = x->est[EST_ETBEND];
	log->etcend = x->est[EST_ETCEND];
}

/* Erase every namespace for the action. */
static void san_erase(struct nvme_model *m, unsigned act, unsigned passes, bool invert, uint32_t pattern)
{
	ext_drop_undo(m, 0);
	for (uint32_t i = 0; i < m->ns_count; i++) {
		struct model_ns *ns = &m->ns[i];
		ext_ns_erase(ns);
		if (act != NVME_SANACT_OVERWRITE)
			continue;
		uint32_t last = (invert && passes % 2 == 0) ? ~pattern : pattern;
		uint8_t *blk = malloc(ns->lba_size);
		if (!blk)
			abort();
		for (uint32_t k = 0; k < ns->lba_size; k += 4)
			memcpy(blk + k, &last, 4);
		for (uint64_t lba = 0; lba < ns->blocks; lba++)
			model_ns_write(ns, lba, 1, blk, NULL);
		free(blk);
	}
}

static void sanitize(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	if (!ext_admin_supported(m, c->sqe.opc)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_OPCODE);
		return;
	}
	x->stats.sanitize_cmds++;
	uint32_t cdw10 = c->sqe.cdw10;
	unsigned act = (unsigned)NVME_GET(cdw10, NVME_SANITIZE_CDW10_SANACT);
	bool ause = NVME_GET(cdw10, NVME_SANITIZE_CDW10_AUSE) != 0;
	bool ndas = NVME_GET(cdw10, NVME_SANITIZE_CDW10_NDAS) != 0;
	if (c->sqe.nsid != 0) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	san_advance(m, false);
	if (x->san_running) {
		c->status = MODEL_SF(NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS);
		return;
	}
	if (act == NVME_SANACT_EXIT_FAILURE) {
		if (x->san_failed_mode && x->san_restricted)
			c->status = MODEL_GEN(NVME_SC_SANITIZE_FAILED);
		else
			x->san_failed_mode = false;
		return;
	}
	uint32_t cap = m->id_ctrl.sanicap;
	bool supported = (act == NVME_SANACT_BLOCK_ERASE && NVME_GET(cap, NVME_SANICAP_BES)) ||
			 (act == NVME_SANACT_CRYPTO_ERASE && NVME_GET(cap, NVME_SANICAP_CES)) ||
			 (act == NVME_SANACT_OVERWRITE && NVME_GET(cap, NVME_SANICAP_OWS)) ||
			 (act >= NVME_SANACT_BLOCK_ERASE && act <= NVME_SANACT_CRYPTO_ERASE &&
			  x->hidden_admin[NVME_ADMIN_SANITIZE]);
	if (!supported || (ndas && NVME_GET(cap, NVME_SANICAP_NDI))) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (x->san_failed_mode && x->san_restricted && ause) {
		c->status = MODEL_GEN(NVME_SC_SANITIZE_FAILED);
		return;
	}
	unsigned passes = act == NVME_SANACT_OVERWRITE ? (unsigned)NVME_GET(cdw10, NVME_SANITIZE_CDW10_OWPASS) : 0;
	if (act == NVME_SANACT_OVERWRITE && passes == 0)
		passes = 16;
	x->san_failed_mode = false;
	x->san_running = true;
	x->sstat = NVME_SSTAT_IN_PROGRESS;
	x->sprog = 0;
	x->scdw10 = cdw10;
	x->san_action = (uint8_t)act;
	x->san_ndas = ndas;
	x->san_passes = (uint8_t)passes;   /* reported once done (5-bit field) */
	x->san_step = 0;
	x->san_start_us = model_now(m);
	x->global_erased = false;
	san_erase(m, act, passes, NVME_GET(cdw10, NVME_SANITIZE_CDW10_OIPBP) != 0,
		  act == NVME_SANACT_OVERWRITE ? c->sqe.cdw11 : 0);
	if (x->san_steps == 0)
		san_complete(m);
}

/* ------------------------------------------------------------------------ */
/* Format NVM                                                                */
/* ------------------------------------------------------------------------ */

static void format_nvm(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	c->status = ext_admin_gate(c);
	if (c->status)
		return;
	uint32_t cdw10 = c->sqe.cdw10;
	unsigned lbaf = (unsigned)(NVME_GET(cdw10, NVME_FORMAT_CDW10_LBAF) | (NVME_GET(cdw10, FORMAT_CDW10_LBAFU) << 4));
	unsigned ses = (unsigned)NVME_GET(cdw10, NVME_FORMAT_CDW10_SES);
	uint32_t nsid = c->sqe.nsid;
	bool all = nsid == NVME_NSID_ALL || NVME_GET(m->id_ctrl.fna, NVME_FNA_FORMAT_ALL_NS);
	if (nsid != NVME_NSID_ALL && !model_ns_find(m, nsid)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
		return;
	}
	if (ses > NVME_FORMAT_SES_CRYPTO || (ses == NVME_FORMAT_SES_CRYPTO && !NVME_GET(m->id_ctrl.fna, NVME_FNA_CRYPTO_ERASE))) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	for (uint32_t i = 0; i < m->ns_count; i++) {
		struct model_ns *ns = &m->ns[i];
		if (!all && ns->nsid != nsid)
			continue;
		if (lbaf > ns->nlbaf) {
			c->status = MODEL_CMDSPEC(NVME_SC_INVALID_FORMAT);
			return;
		}
		c->status = model_pi_format_check(ns, lbaf, (unsigned)NVME_GET(cdw10, NVME_FORMAT_CDW10_PI));
		if (c->status)
			return;
	}
	x->stats.format_cmds++;
	ext_drop_undo(m, 0);
	for (uint32_t i = 0; i < m->ns_count; i++) {
		struct model_ns *ns = &m->ns[i];
		if (!all && ns->nsid != nsid)
			continue;
		uint64_t bytes = ns->blocks * ns->lba_size;
		ext_ns_erase(ns);
		ns->lbads = ns->lbaf[lbaf].lbads;
		ns->lba_size = 1u << ns->lbads;
		ns->ms = ns->lbaf[lbaf].ms;
		ns->flbas = (uint8_t)(lbaf | (NVME_GET(cdw10, NVME_FORMAT_CDW10_MSET) ? 0x10u : 0u));
		model_pi_format_apply(ns, (unsigned)NVME_GET(cdw10, NVME_FORMAT_CDW10_PI),
				      NVME_GET(cdw10, NVME_FORMAT_CDW10_PIL) != 0);
		ns->blocks = bytes >> ns->lbads;
	}
	if (x->format_us && c->sq->qid == 0) {
		/* the namespaces changed at once; the completion comes later */
		c->no_cqe = true;
		x->format_pending = true;
		x->format_start = model_now(m);
		x->format_due = x->format_start + x->format_us;
		memset(&x->format_cqe, 0, sizeof(x->format_cqe));
		x->format_cqe.sqid = 0;
		x->format_cqe.cid = c->sqe.cid;
		x->format_cqid = c->sq->cqid;
	}
}

void nvme_model_format_duration(struct nvme_model *m, uint64_t us) { EXT(m)->format_us = us; }

void nvme_model_format_fpi(struct nvme_model *m, bool supported, uint8_t raw_remaining)
{
	EXT(m)->format_fpi = supported;
	EXT(m)->format_fpi_raw = raw_remaining;
}

uint8_t ext_format_fpi(struct nvme_model *m)
{
	struct model_ext *x = EXT(m);
	if (!x->format_fpi)
		return 0;
	uint8_t fpi = (uint8_t)NVME_SET(NVME_FPI_SUPPORTED, 1);
	if (!x->format_pending || x->format_us == 0)
		return fpi;   /* nothing to do: 0% remaining */
	if (x->format_fpi_raw != 0xFF)
		return (uint8_t)(fpi | (x->format_fpi_raw & 0x7Fu));
	uint64_t now = model_now(m);
	uint64_t left = now >= x->format_due ? 0 : x->format_due - now;
	unsigned pct = (unsigned)((left * 100u + x->format_us - 1u) / x->format_us);   /* rounded up */
	return (uint8_t)(fpi | (pct > 100u ? 100u : pct));
}

const struct model_opcode ext_san_ops[] = {
	{ NVME_ADMIN_SANITIZE,   sanitize,   "Sanitize" },
	{ NVME_ADMIN_FORMAT_NVM, format_nvm, "Format NVM" },
	{ 0, NULL, NULL }
};

/* ------------------------------------------------------------------------ */
/* Knobs                                                                     */
/* ------------------------------------------------------------------------ */

void nvme_model_sanitize_config(struct nvme_model *m, unsigned steps, unsigned fail_at, uint64_t step_us)
{
	struct model_ext *x = EXT(m);
	x->san_steps = steps;
	x->san_fail_at = fail_at;
	x->san_step_us = step_us;
}

void nvme_model_sanitize_estimates(struct nvme_model *m, uint32_t eto, uint32_t etbe, uint32_t etce,
				   uint32_t etond, uint32_t etbend, uint32_t etcend)
{
	struct model_ext *x = EXT(m);
	x->est[EST_ETO] = eto;
	x->est[EST_ETBE] = etbe;
	x->est[EST_ETCE] = etce;
	x->est[EST_ETOND] = etond;
	x->est[EST_ETBEND] = etbend;
	x->est[EST_ETCEND] = etcend;
}

bool nvme_model_sanitize_running(const struct nvme_model *m) { return m->ext->san_running; }
