/*
 * nvme_dm.c - data management I/O commands: Dataset Management (deallocate,
 * context attributes), Write Zeroes, Compare, Verify.
 *
 * Each is optional (ONCS; see nvme_support.c) and gated before anything is
 * sent. Arguments are checked first (a bad range is the caller's bug whatever
 * the controller supports), then support. Block counts are 1-based in the API
 * and 0-based on the wire (NLB), so the largest command is 65536 blocks;
 * Write Zeroes and Verify move no data and are split at that, Compare moves
 * data and is split at the namespace's max_blocks (MDTS). A DSM range's
 * length is 1-based on the wire (NVMe 1.4 figure "Dataset Management - Range
 * Definition"), only the range count NR is 0-based.
 */
#include "nvme_internal.h"

/* Largest NLB+1 of one command. */
#define DM_MAX_BLOCKS  NVME_RW_MAX_BLOCKS

static void lba_sqe(struct nvme_sqe *sqe, uint8_t opc, uint32_t nsid, uint64_t lba, uint32_t n,
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
static int dm_prep(struct nvme_ns *ns, struct nvme_qpair **q, uint64_t lba, uint64_t count,
		   enum nvme_opt opt, unsigned flags, const char *what)
{
	int rc = nvme_ns_io_prep(ns, q);
	if (rc != 0)
		return rc;
	rc = nvme_ns_range_ok(ns, lba, count);
	if (rc != 0)
		return rc;
	return nvme_require(ns->ctrl, opt, flags, what);
}

int nvme_dsm(struct nvme_ns *ns, struct nvme_qpair *q, const struct nvme_dsm_range *ranges,
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

int nvme_trim(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint64_t count, unsigned flags)
{
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_DSM, flags, "Dataset Management");
	if (rc != 0)
		return rc;
	/* One range per command; a range holds up to FFFFFFFFh blocks. */
	while (count != 0) {
		struct nvme_dsm_range r;
		uint32_t n = (uint32_t)nvme_min_u64(count, 0xFFFFFFFFu);
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

/* Write Zeroes / Verify: no data, split at 65536 blocks. */
static int nodata_blocks(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba, uint32_t count,
			 unsigned flags)
{
	while (count != 0) {
		uint32_t n = nvme_min_u32(count, DM_MAX_BLOCKS);
		struct nvme_sqe sqe;
		lba_sqe(&sqe, opc, ns->nsid, lba, n, flags);
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

int nvme_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags)
{
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_WRITE_ZEROES, flags, "Write Zeroes");
	if (rc != 0)
		return rc;
	return nodata_blocks(ns, q, NVME_CMD_WRITE_ZEROES, lba, count, flags);
}

int nvme_verify(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags)
{
	int rc = dm_prep(ns, &q, lba, count, NVME_OPT_VERIFY, flags, "Verify");
	if (rc != 0)
		return rc;
	return nodata_blocks(ns, q, NVME_CMD_VERIFY, lba, count, flags & ~(unsigned)NVME_WZ_DEALLOCATE);
}

int nvme_compare(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
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
