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
	bool fua = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_FUA) != 0;
	ext_before_write(m, ns, slba, nlb, fua);
	if (NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_DEAC)) {
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
	c->status = ext_media_check(m, ns->nsid, slba, nlb);
	if (c->status)
		return;
	x->stats.verify_cmds++;
	x->stats.verify_blocks += nlb;
}

const struct model_opcode ext_dm_ops[] = {
	{ NVME_CMD_COMPARE,      dm_compare,      "Compare" },
	{ NVME_CMD_WRITE_ZEROES, dm_write_zeroes, "Write Zeroes" },
	{ NVME_CMD_DSM,          dm_dsm,          "Dataset Management" },
	{ NVME_CMD_VERIFY,       dm_verify,       "Verify" },
	{ 0, NULL, NULL }
};
