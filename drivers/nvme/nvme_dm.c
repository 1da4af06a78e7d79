/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_dm.c - data management I/O commands: Dataset Management (deallocate,
 * context attributes), Write Zeroes, Compare, Verify.
 *
 * Each is optional (ONCS; see nvme_support.c) and gated before anything is
 * sent. Arguments are checked first (a bad range is the caller's bug whatever
 * the controller supports), then support. Block counts are 1-based in the API
 * and 0-based on the wire (NLB), so the largest command is 65536 blocks.
 * Compare moves data and is split at the namespace's max_blocks (MDTS).
 * Write Zeroes and Verify move no data; NVMe 2.0 bounds them with the Write
 * Zeroes and Verify Size Limits of the NVM command set's Identify
 * Controller (CNS 06h, CSI 00h), read here at init and reset
 * (nvme_nvm_limits_read): 2^n pages of CAP.MPSMIN, 0 = no limit (then
 * NLB's 65536 blocks). A controller that does not answer CNS 06h (NVMe 1.x)
 * reports no limit, but many treat these commands like a read or write
 * bounded by MDTS (QEMU 7.2's Verify: Invalid Field above 512 KiB), so the
 * driver then splits at the max transfer, as Linux does for Write Zeroes.
 * The same structure gives the Dataset Management processing limits for
 * deallocation (DMRL ranges, DMRSL blocks per range, DMSL blocks per
 * command): nvme_dsm refuses a deallocating request beyond them and
 * nvme_trim sizes its ranges to fit. Each field is taken on its own (QEMU
 * 7.2 reports DMRSL but not DMRL or DMSL, although the spec wants all three
 * or none). A DSM range's length is 1-based on the wire (NVMe 1.4 figure
 * "Dataset Management - Range Definition"), only the range count NR is
 * 0-based.
 */
#include "nvme_internal.h"

#if NVME_CFG_DM   /* optional (nvme.h): the file is empty without it */

/* Largest NLB+1 of one command. */
#define DM_MAX_BLOCKS  NVME_RW_MAX_BLOCKS

/* ------------------------------------------------------------------------ */
/* NVM command set limits (Identify CNS 06h)                                 */
/* ------------------------------------------------------------------------ */

NVME_COLD void nvme_nvm_limits_read(struct nvme_ctrl *c)
{
	__builtin_memset(&c->nvm, 0, sizeof(c->nvm));
	if (!c->io_capable || c->idbuf == NULL || !nvme_ctrl_cns_exists(c, NVME_CNS_CS_CTRL)) {
		/* no NVM command set, or CNS 06h does not exist before NVMe 2.0
		 * (unless CAP.CSS bit 6) and older drives log an error for it,
		 * or quirk no-cns-06 */
		c->nvm.status = NVME_ERR_UNSUPPORTED;
		return;
	}
	/* CSI 00h (NVM) is cdw11 = 0, what nvme_identify sends */
	__builtin_memset(c->idbuf, 0, sizeof(struct nvme_id_ctrl_nvm));
	int rc = nvme_identify(c, NVME_CNS_CS_CTRL, 0, 0, c->idbuf);
	if (rc == 0 && __builtin_memcmp(c->idbuf, &c->id, 16) == 0)
		rc = NVME_ERR_BAD_ID;   /* Identify Controller again: the CNS was not understood */
	if (rc != 0) {
		c->nvm.status = rc;
		nvme_dbg(c, "NVM command set limits (Identify CNS 06h) not reported: %s", nvme_strerror(rc));
		return;
	}
	const struct nvme_id_ctrl_nvm *d = c->idbuf;
	c->nvm.vsl = d->vsl;
	c->nvm.wzsl = d->wzsl;
	c->nvm.wusl = d->wusl;
	c->nvm.dmrl = d->dmrl;
	c->nvm.dmrsl = d->dmrsl;
	c->nvm.dmsl = d->dmsl;
	nvme_dbg(c, "NVM command set limits: VSL %u WZSL %u WUSL %u DMRL %u DMRSL %u DMSL %llu",
		 (unsigned)d->vsl, (unsigned)d->wzsl, (unsigned)d->wusl, (unsigned)d->dmrl, (unsigned)d->dmrsl,
		 (unsigned long long)d->dmsl);
}

NVME_COLD const struct nvme_nvm_limits *nvme_ctrl_nvm_limits(const struct nvme_ctrl *c)
{
	return c != NULL ? &c->nvm : NULL;
}

/*
 * Blocks of ns one command may cover under a size limit of 2^exp pages of
 * CAP.MPSMIN: exp 0 = no limit (NLB's 65536 blocks); not reported = the max
 * transfer; 0 when even one block is above the limit. The shift is compared
 * before it is used, so no exponent the device sends can overflow it.
 */
NVME_COLD static uint32_t size_limit_blocks(const struct nvme_ns *ns, uint8_t exp)
{
	const struct nvme_ctrl *c = ns->ctrl;
	if (c->nvm.status != 0)
		return ns->max_blocks;
	if (exp == 0)
		return DM_MAX_BLOCKS;
	unsigned shift = (unsigned)exp + 12u + (unsigned)NVME_GET(c->cap, NVME_CAP_MPSMIN);   /* bytes: 2^shift */
	if (shift < ns->lba_shift)
		return 0;
	shift -= ns->lba_shift;                                                 /* blocks: 2^shift */
	if (shift >= 16u)
		return DM_MAX_BLOCKS;
	return (uint32_t)1u << shift;
}

NVME_COLD uint32_t nvme_ns_verify_max_blocks(const struct nvme_ns *ns)
{
	if (ns == NULL || ns->ctrl == NULL || ns->unusable != 0)
		return 0;
	return size_limit_blocks(ns, ns->ctrl->nvm.vsl);
}

NVME_COLD uint32_t nvme_ns_write_zeroes_max_blocks(const struct nvme_ns *ns)
{
	if (ns == NULL || ns->ctrl == NULL || ns->unusable != 0)
		return 0;
	return size_limit_blocks(ns, ns->ctrl->nvm.wzsl);
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                 */
/* ------------------------------------------------------------------------ */

NVME_COLD static void lba_sqe(struct nvme_sqe *sqe, uint8_t opc, uint32_t nsid, uint64_t lba, uint32_t n,
		    unsigned flags)
{
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = opc;
	sqe->nsid = nsid;
	sqe->cdw10 = (uint32_t)lba;
	sqe->cdw11 = (uint32_t)(lba >> 32);
	sqe->cdw12 = (uint32_t)(NVME_SET(NVME_RW_CDW12_NLB, n - 1u) |
				NVME_SET(NVME_RW_CDW12_FUA, (flags & NVME_IO_FUA) ? 1 : 0) |
				NVME_SET(NVME_RW_CDW12_LR, (flags & NVME_IO_LIMITED_RETRY) ? 1 : 0));
}

/* Validate ns/q/range, then the support bit. */
NVME_COLD static int dm_prep(struct nvme_ns *ns, struct nvme_qpair **q, uint64_t lba, uint64_t count,
		   enum nvme_opt opt, unsigned flags, const char *what)
{
	int rc = nvme_ns_io_prep(ns, q);
	if (rc == 0 && opt != NVME_OPT_DSM)
		rc = nvme_ns_plain_ok(ns);   /* DSM moves no block data */
	if (rc != 0)
		return rc;
	rc = nvme_ns_range_ok(ns, lba, count);
	if (rc != 0)
		return rc;
	return nvme_require(ns->ctrl, opt, flags, what);
}

NVME_COLD int nvme_dsm(struct nvme_ns *ns, struct nvme_qpair *q, const struct nvme_dsm_range *ranges,
	     uint32_t nr, uint32_t attrs, unsigned flags)
{
	int rc = nvme_ns_io_prep(ns, &q);
	if (rc != 0)
		return rc;
	if (ranges == NULL || nr == 0 || nr > NVME_DSM_MAX_RANGES ||
	    (attrs & ~(uint32_t)(NVME_DSM_ATTR_IDR | NVME_DSM_ATTR_IDW | NVME_DSM_ATTR_DEALLOCATE)) != 0)
		return NVME_ERR_INVAL;
	for (uint32_t i = 0; i < nr; i++) {
		rc = nvme_ns_range_ok(ns, ranges[i].slba, ranges[i].nlb);
		if (rc != 0)
			return rc;   /* nlb 0 is NVME_ERR_INVAL */
	}
	rc = nvme_require(ns->ctrl, NVME_OPT_DSM, flags, "Dataset Management");
	if (rc != 0)
		return rc;
	const struct nvme_nvm_limits *l = &ns->ctrl->nvm;
	if ((attrs & NVME_DSM_ATTR_DEALLOCATE) && !(flags & NVME_CMD_FORCE) && l->status == 0) {
		/* the processing limits for deallocation (CNS 06h) */
		uint64_t total = 0;
		if (l->dmrl != 0 && nr > l->dmrl) {
			nvme_dbg(ns->ctrl, "Dataset Management: %u ranges, the controller takes %u (DMRL)", (unsigned)nr,
				 (unsigned)l->dmrl);
			return NVME_ERR_TOO_LARGE;
		}
		for (uint32_t i = 0; i < nr; i++) {
			if (l->dmrsl != 0 && ranges[i].nlb > l->dmrsl) {
				nvme_dbg(ns->ctrl, "Dataset Management: range %u has %u blocks, the controller takes %u (DMRSL)",
					 (unsigned)i, (unsigned)ranges[i].nlb, (unsigned)l->dmrsl);
				return NVME_ERR_TOO_LARGE;
			}
			total += ranges[i].nlb;
		}
		if (l->dmsl != 0 && total > l->dmsl) {
			nvme_dbg(ns->ctrl, "Dataset Management: %llu blocks, the controller takes %llu (DMSL)",
				 (unsigned long long)total, (unsigned long long)l->dmsl);
			return NVME_ERR_TOO_LARGE;
		}
	}
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_CMD_DSM;
	sqe.nsid = ns->nsid;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_DSM_CDW10_NR, nr - 1u);
	sqe.cdw11 = attrs;
	/* host to controller: the array is only read (bounced if unreachable) */
	return nvme_q_exec(q, &sqe, (void *)(uintptr_t)ranges, (size_t)nr * sizeof(*ranges),
			   ns->ctrl->io_timeout_ms, NULL);
}

NVME_COLD int nvme_trim(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint64_t count, unsigned flags)
{
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_DSM, flags, "Dataset Management");
	if (rc != 0)
		return rc;
	/* One range per command; a range holds up to FFFFFFFFh blocks, and no
	 * more than the controller's DMRSL (per range) and DMSL (per command). */
	const struct nvme_nvm_limits *l = &ns->ctrl->nvm;
	uint64_t per = 0xFFFFFFFFu;
	if (l->status == 0 && l->dmrsl != 0)
		per = nvme_min_u64(per, l->dmrsl);
	if (l->status == 0 && l->dmsl != 0)
		per = nvme_min_u64(per, l->dmsl);
	while (count != 0) {
		struct nvme_dsm_range r;
		uint32_t n = (uint32_t)nvme_min_u64(count, per);
		r.cattr = 0;
		r.nlb = n;
		r.slba = lba;
		rc = nvme_dsm(ns, q, &r, 1, NVME_DSM_ATTR_DEALLOCATE, flags | NVME_CMD_FORCE);
		if (rc != 0)
			return rc;
		lba += n;
		count -= n;
	}
	return 0;
}

/* Write Zeroes / Verify: no data, split at per blocks (their size limit). */
NVME_COLD static int nodata_blocks(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba, uint32_t count,
			 uint32_t per, unsigned flags)
{
	if (per == 0) {
		nvme_err(ns->ctrl, "%s: one %u-byte block of namespace %u is above the controller's size limit "
			 "(%s %u)", opc == NVME_CMD_VERIFY ? "Verify" : "Write Zeroes", (unsigned)ns->lba_size,
			 (unsigned)ns->nsid, opc == NVME_CMD_VERIFY ? "VSL" : "WZSL",
			 (unsigned)(opc == NVME_CMD_VERIFY ? ns->ctrl->nvm.vsl : ns->ctrl->nvm.wzsl));
		return NVME_ERR_UNSUPPORTED;
	}
	while (count != 0) {
		uint32_t n = nvme_min_u32(count, per);
		struct nvme_sqe sqe;
		lba_sqe(&sqe, opc, ns->nsid, lba, n, flags);
		nvme_pi_plain_sqe(ns, &sqe, lba);
		if (opc == NVME_CMD_WRITE_ZEROES && (flags & NVME_WZ_DEALLOCATE))
			sqe.cdw12 |= (uint32_t)NVME_SET(NVME_RW_CDW12_DEAC, 1);
		int rc = nvme_q_exec(q, &sqe, NULL, 0, ns->ctrl->io_timeout_ms, NULL);
		if (rc != 0)
			return rc;
		lba += n;
		count -= n;
	}
	return 0;
}

NVME_COLD int nvme_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags)
{
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_WRITE_ZEROES, flags, "Write Zeroes");
	if (rc != 0)
		return rc;
	return nodata_blocks(ns, q, NVME_CMD_WRITE_ZEROES, lba, count, nvme_ns_write_zeroes_max_blocks(ns), flags);
}

NVME_COLD int nvme_verify(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags)
{
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_VERIFY, flags, "Verify");
	if (rc != 0)
		return rc;
	return nodata_blocks(ns, q, NVME_CMD_VERIFY, lba, count, nvme_ns_verify_max_blocks(ns),
			     flags & ~(unsigned)NVME_WZ_DEALLOCATE);
}

NVME_COLD int nvme_compare(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		 const void *buf, unsigned flags, struct nvme_compare_result *res)
{
	struct nvme_compare_result tmp;
	if (res == NULL)
		res = &tmp;
	__builtin_memset(res, 0, sizeof(*res));
	res->lba = lba;
	if (buf == NULL)
		return NVME_ERR_INVAL;
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_COMPARE, flags, "Compare");
	if (rc != 0)
		return rc;
	const uint8_t *p = buf;
	while (count != 0) {
		uint32_t n = nvme_min_u32(count, ns->max_blocks);
		size_t bytes = (size_t)n << ns->lba_shift;
		struct nvme_sqe sqe;
		lba_sqe(&sqe, NVME_CMD_COMPARE, ns->nsid, lba, n, flags);
		nvme_pi_plain_sqe(ns, &sqe, lba);
		res->lba = lba;
		res->count = n;
		res->commands++;
		/* host to controller (opcode 05h): the buffer is only read */
		rc = nvme_q_exec(q, &sqe, (void *)(uintptr_t)p, bytes, ns->ctrl->io_timeout_ms, NULL);
		if (rc != 0) {
			/* the range of the command that failed stays in res */
			res->device_status = nvme_status_is_device(rc) ? rc : 0;
			if (nvme_status_is(rc, NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE))
				return NVME_ERR_COMPARE_MISMATCH;
			return rc;
		}
		res->matched += n;
		p += bytes;
		lba += n;
		count -= n;
	}
	res->lba = lba;
	res->count = 0;
	return 0;
}

#else
typedef int nvme_dm_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_DM */
