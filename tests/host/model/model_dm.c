/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_dm.c - Dataset Management, Write Zeroes, Compare, Verify (NVM
 * command set, NVMe 1.4 sections 6.7, 6.16, 6.2, 6.14).
 *
 * Each answers Invalid Command Opcode unless ONCS advertises it (or the test
 * hid it: nvme_model_set_hidden_cmd). Then, in order: NSID (Invalid
 * Namespace or Format), sanitize (Sanitize In Progress / Failed), the LBA
 * range (LBA Out of Range: SLBA + NLB, NLB 0's based), reservations
 * (Reservation Conflict), the data pointer.
 *  - DSM: NR (0's based, so 1..256 ranges) ranges of 16 bytes; every range's
 *    SLBA + NLB (1's based) is checked before any is applied; AD deallocates
 *    (reads return zeros, DLFEAT 001b). IDR/IDW and context attributes are
 *    recorded in the statistics only.
 *  - Write Zeroes: DEAC deallocates, otherwise zeros are written.
 *  - Compare: Compare Failure (SCT 2h SC 85h) when any byte differs; counts
 *    as a host read command and its data units as read (SMART).
 *  - Verify: Unrecovered Read Error on a bad block; no data transfer.
 *
 * Size limits (nvme_model_set_nvm_limits; NVM Command Set 1.0, the I/O
 * Command Set specific Identify Controller, CNS 06h): a Verify or Write
 * Zeroes of more than 2^VSL / 2^WZSL pages of CAP.MPSMIN (the check QEMU 7.2
 * makes for VSL), and a DSM with AD of more than DMRL ranges, a range above
 * DMRSL blocks or more than DMSL blocks in all, answer Invalid Field in
 * Command (after the LBA range check). A limit of 0 is no limit.
 *
 * This file also wraps Identify (registered after the core): CNS 06h with
 * CSI 00h returns the limits (Invalid Field for another CSI, below NVMe 1.1
 * or when the test refuses it), and CNS 00h gets the Format Progress
 * Indicator of model_sanitize.c when the test enabled it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_ext.h"

/* Common checks; the namespace or NULL (status set). */
static struct model_ns *dm_prep(struct model_cmd *c, bool write, uint64_t *slba, uint64_t *nlb)
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
	if (slba) {
		c->status = ext_lba_range(c, ns, slba, nlb);
		if (c->status)
			return NULL;
		EXT(m)->stats.last_slba = *slba;
		EXT(m)->stats.last_nlb = (uint32_t)*nlb;
	}
	c->status = ext_resv_gate(m, ns->nsid, write);
	if (c->status)
		return NULL;
	return ns;
}

/* Bytes a limit of 2^exp minimum pages allows (0: none; capped). */
static uint64_t limit_bytes(struct nvme_model *m, uint8_t exp)
{
	if (exp == 0)
		return 0;
	unsigned shift = 12u + (unsigned)m->cfg.mpsmin + exp;
	return shift >= 63 ? UINT64_MAX : (uint64_t)1 << shift;
}

/* Above the NVM command set limit exp (CNS 06h, unless refused): counted,
 * Invalid Field in c, true. */
static bool refuse_over_limit(struct model_cmd *c, const struct model_ns *ns, uint64_t nlb, uint8_t exp)
{
	struct nvme_model *m = c->m;
	uint64_t lim = limit_bytes(m, exp);
	if (EXT(m)->nvm_refused || lim == 0 || nlb * ns->lba_size <= lim)
		return false;
	EXT(m)->stats.limit_refusals++;
	c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
	return true;
}

static void dm_dsm(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	struct model_ns *ns = dm_prep(c, true, NULL, NULL);
	if (!ns)
		return;
	uint32_t nr = (uint32_t)NVME_GET(c->sqe.cdw10, NVME_DSM_CDW10_NR) + 1u;
	struct nvme_dsm_range r[NVME_DSM_MAX_RANGES];
	c->status = model_from_host(c, r, (uint64_t)nr * sizeof(r[0]));
	if (c->status)
		return;
	for (uint32_t i = 0; i < nr; i++)
		if (r[i].slba >= ns->blocks || r[i].nlb > ns->blocks - r[i].slba) {
			c->status = MODEL_GEN(NVME_SC_LBA_OUT_OF_RANGE);
			return;
		}
	if (NVME_GET(c->sqe.cdw11, NVME_DSM_CDW11_AD) && !x->nvm_refused) {
		uint64_t total = 0;
		bool over = x->nvm.dmrl != 0 && nr > x->nvm.dmrl;
		for (uint32_t i = 0; i < nr; i++) {
			over |= x->nvm.dmrsl != 0 && r[i].nlb > x->nvm.dmrsl;
			total += r[i].nlb;
		}
		over |= x->nvm.dmsl != 0 && total > x->nvm.dmsl;
		if (over) {
			x->stats.limit_refusals++;
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
	}
	x->stats.dsm_cmds++;
	x->stats.dsm_ranges += nr;
	x->stats.dsm_last_nr = nr;
	x->stats.dsm_last_attrs = c->sqe.cdw11 & 7u;
	x->stats.dsm_last_cattr = r[0].cattr;
	if (!NVME_GET(c->sqe.cdw11, NVME_DSM_CDW11_AD))
		return;
	for (uint32_t i = 0; i < nr; i++) {
		ext_before_write(m, ns, r[i].slba, r[i].nlb, false);
		model_ns_deallocate(ns, r[i].slba, r[i].nlb);
		x->stats.dsm_blocks_deallocated += r[i].nlb;
	}
}

static void dm_write_zeroes(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	uint64_t slba, nlb;
	struct model_ns *ns = dm_prep(c, true, &slba, &nlb);
	if (!ns)
		return;
	if (refuse_over_limit(c, ns, nlb, x->nvm.wzsl))
		return;
	bool fua = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_FUA) != 0;
	ext_before_write(m, ns, slba, nlb, fua);
	if (model_pi_active(ns) && !NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_DEAC)) {
		c->status = model_pi_write_zeroes(c, ns, slba, nlb);   /* metadata zeroed, PI by PRACT */
		if (c->status)
			return;
		if ((m->feat.cur[NVME_FEAT_VOLATILE_WC] & 1u) && !fua)
			ns->dirty += nlb;
	} else if (NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_DEAC)) {
		model_ns_deallocate(ns, slba, nlb);
		x->stats.wz_dealloc_cmds++;
	} else {
		uint8_t *zero = calloc(1, ns->lba_size);
		if (!zero)
			abort();
		for (uint64_t i = 0; i < nlb; i++)
			model_ns_write(ns, slba + i, 1, zero, NULL);
		free(zero);
		if ((m->feat.cur[NVME_FEAT_VOLATILE_WC] & 1u) && !fua)
			ns->dirty += nlb;
	}
	x->stats.wz_cmds++;
	x->stats.wz_blocks += nlb;
}

static void dm_compare(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	uint64_t slba, nlb;
	struct model_ns *ns = dm_prep(c, false, &slba, &nlb);
	if (!ns)
		return;
	c->status = ext_media_check(m, ns->nsid, slba, nlb);
	if (c->status)
		return;
	if (model_pi_active(ns)) {   /* metadata layouts, PI: model_pi.c */
		x->stats.compare_cmds++;
		model_pi_compare(c, ns, slba, nlb);
		if (c->status == MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE))
			x->stats.compare_mismatches++;
		return;
	}
	uint64_t len = nlb * ns->lba_size;
	uint8_t *host = malloc((size_t)len), *media = malloc((size_t)len);
	if (!host || !media)
		abort();
	c->status = model_from_host(c, host, len);
	if (!c->status) {
		model_ns_read(ns, slba, nlb, media, NULL);
		x->stats.compare_cmds++;
		x->extra_reads++;
		x->extra_read_512 += len / 512u;
		if (memcmp(host, media, (size_t)len) != 0) {
			x->stats.compare_mismatches++;
			c->status = MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE);
		}
	}
	free(host);
	free(media);
}

static void dm_verify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	uint64_t slba, nlb;
	struct model_ns *ns = dm_prep(c, false, &slba, &nlb);
	if (!ns)
		return;
	if (refuse_over_limit(c, ns, nlb, x->nvm.vsl))
		return;
	c->status = ext_media_check(m, ns->nsid, slba, nlb);
	if (c->status)
		return;
	c->status = model_pi_verify(c, ns, slba, nlb);
	if (c->status)
		return;
	x->stats.verify_cmds++;
	x->stats.verify_blocks += nlb;
}

/* ------------------------------------------------------------------------ */
/* Identify: CNS 06h, and FPI in CNS 00h                                     */
/* ------------------------------------------------------------------------ */

static void core_identify(struct model_cmd *c)
{
	for (const struct model_opcode *o = model_admin_core_ops; o->fn; o++)
		if (o->opc == NVME_ADMIN_IDENTIFY) {
			o->fn(c);
			return;
		}
	abort();
}

static void dm_identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	struct model_ext *x = EXT(m);
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	struct model_ns *pns;
	if (cns == NVME_CNS_CS_NS && (m->id_ctrl.ctratt & (1u << 15)) &&
	    NVME_GET(c->sqe.cdw11, NVME_IDENTIFY_CDW11_CSI) == NVME_CSI_NVM &&
	    (pns = model_ns_find(m, c->sqe.nsid)) != NULL) {
		/* the NVM command set's namespace data: the PI formats (model_pi.c) */
		uint8_t *d = calloc(1, NVME_IDENTIFY_DATA_SIZE);
		if (!d)
			abort();
		model_pi_id_ns_nvm(pns, d);
		c->status = model_to_host(c, d, NVME_IDENTIFY_DATA_SIZE);
		free(d);
		return;
	}
	if (cns == NVME_CNS_CS_CTRL) {
		unsigned csi = (unsigned)NVME_GET(c->sqe.cdw11, NVME_IDENTIFY_CDW11_CSI);
		if (x->nvm_refused || csi != NVME_CSI_NVM || m->cfg.vs < NVME_VS(1, 1, 0)) {
			c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
			return;
		}
		struct nvme_id_ctrl_nvm *d = calloc(1, sizeof(*d));
		if (!d)
			abort();
		d->vsl = x->nvm.vsl;
		d->wzsl = x->nvm.wzsl;
		d->wusl = x->nvm.wusl;
		d->dmrl = x->nvm.dmrl;
		d->dmrsl = x->nvm.dmrsl;
		d->dmsl = x->nvm.dmsl;
		if (x->nvm_raw_on)
			memcpy(d, x->nvm_raw, sizeof(x->nvm_raw));
		x->stats.id_nvm_reads++;
		c->status = model_to_host(c, d, sizeof(*d));
		free(d);
		return;
	}
	uint32_t nsid = c->sqe.nsid;
	struct model_ns *ns;
	if (cns != NVME_CNS_NS || !x->format_fpi || nsid == 0 || nsid == NVME_NSID_ALL || nsid > m->nn ||
	    (ns = model_ns_find(m, nsid)) == NULL) {
		core_identify(c);
		return;
	}
	/* the core's Identify Namespace, with FPI */
	struct nvme_id_ns *id = calloc(1, sizeof(*id));
	if (!id)
		abort();
	model_ns_fill_id(m, ns, id);
	id->fpi = ext_format_fpi(m);
	model_id_apply_patches(m, false, nsid, id);
	c->status = model_to_host(c, id, sizeof(*id));
	free(id);
}

void nvme_model_set_nvm_limits(struct nvme_model *m, bool answered, const struct nvme_model_nvm_limits *l)
{
	struct model_ext *x = EXT(m);
	x->nvm_refused = !answered;
	memset(&x->nvm, 0, sizeof(x->nvm));
	if (l)
		x->nvm = *l;
}

void nvme_model_set_nvm_limits_raw(struct nvme_model *m, const uint8_t *bytes16)
{
	struct model_ext *x = EXT(m);
	x->nvm_raw_on = bytes16 != NULL;
	if (bytes16)
		memcpy(x->nvm_raw, bytes16, sizeof(x->nvm_raw));
}

const struct model_opcode ext_dm_admin_ops[] = {
	{ NVME_ADMIN_IDENTIFY, dm_identify, "Identify" },
	{ 0, NULL, NULL }
};

const struct model_opcode ext_dm_ops[] = {
	{ NVME_CMD_COMPARE,      dm_compare,      "Compare" },
	{ NVME_CMD_WRITE_ZEROES, dm_write_zeroes, "Write Zeroes" },
	{ NVME_CMD_DSM,          dm_dsm,          "Dataset Management" },
	{ NVME_CMD_VERIFY,       dm_verify,       "Verify" },
	{ 0, NULL, NULL }
};
