/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_resv.c - reservations for namespaces shared between hosts (ONCS bit
 * 5): Register, Acquire, Release, Report, and a safe parser of the report.
 *
 * The report's registrant count (REGCTL) comes from the device; the parser
 * never trusts it beyond the buffer the caller gave: entries that do not fit
 * are not counted (info->truncated says a bigger buffer shows more).
 * Layouts: NVMe 1.4 sections 6.10 to 6.13 (Reservation Status Data Structure:
 * a 24-byte header and 24-byte entries with 64-bit host identifiers, or with
 * EDS a 64-byte header and 64-byte entries with 128-bit host identifiers).
 */
#include "nvme_internal.h"

#if NVME_CFG_RESV   /* optional (nvme.h): the file is empty without it */

#define RESV_HDR        24u
#define RESV_HDR_EXT    64u
#define RESV_ENTRY      24u
#define RESV_ENTRY_EXT  64u

NVME_COLD static int resv_prep(struct nvme_ns *ns, struct nvme_qpair **q, uint8_t opc, unsigned flags, const char *what)
{
	int rc = nvme_ns_io_prep(ns, q);
	if (rc != 0)
		return rc;
	return nvme_require_cmd(ns->ctrl, NVME_OPT_RESERVATIONS, opc, flags, what);
}

NVME_COLD static void resv_sqe(struct nvme_sqe *sqe, uint8_t opc, uint32_t nsid, uint32_t cdw10)
{
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = opc;
	sqe->nsid = nsid;
	sqe->cdw10 = cdw10;
}

NVME_COLD int nvme_resv_register(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t rrega, uint64_t crkey,
		       uint64_t nrkey, uint8_t cptpl, unsigned flags)
{
	if (rrega > NVME_RREGA_REPLACE || cptpl == 1 || cptpl > NVME_CPTPL_PERSIST)
		return NVME_ERR_INVAL;
	int rc = resv_prep(ns, &q, NVME_CMD_RESV_REGISTER, flags, "Reservation Register");
	if (rc != 0)
		return rc;
	struct nvme_resv_register_data d = { crkey, nrkey };
	struct nvme_sqe sqe;
	resv_sqe(&sqe, NVME_CMD_RESV_REGISTER, ns->nsid,
		 (uint32_t)(NVME_SET(NVME_RESV_REG_CDW10_RREGA, rrega) |
			    NVME_SET(NVME_RESV_REG_CDW10_IEKEY, (flags & NVME_RESV_IEKEY) ? 1 : 0) |
			    NVME_SET(NVME_RESV_REG_CDW10_CPTPL, cptpl)));
	return nvme_q_exec(q, &sqe, &d, sizeof(d), ns->ctrl->io_timeout_ms, NULL);
}

NVME_COLD int nvme_resv_acquire(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t racqa, uint8_t rtype,
		      uint64_t crkey, uint64_t prkey, unsigned flags)
{
	if (racqa > NVME_RACQA_PREEMPT_ABORT || rtype == NVME_RTYPE_NONE || rtype > NVME_RTYPE_EA_ALL_REGISTRANTS)
		return NVME_ERR_INVAL;
	int rc = resv_prep(ns, &q, NVME_CMD_RESV_ACQUIRE, flags, "Reservation Acquire");
	if (rc != 0)
		return rc;
	struct nvme_resv_acquire_data d = { crkey, prkey };
	struct nvme_sqe sqe;
	resv_sqe(&sqe, NVME_CMD_RESV_ACQUIRE, ns->nsid,
		 (uint32_t)(NVME_SET(NVME_RESV_ACQ_CDW10_RACQA, racqa) |
			    NVME_SET(NVME_RESV_ACQ_CDW10_IEKEY, (flags & NVME_RESV_IEKEY) ? 1 : 0) |
			    NVME_SET(NVME_RESV_ACQ_CDW10_RTYPE, rtype)));
	return nvme_q_exec(q, &sqe, &d, sizeof(d), ns->ctrl->io_timeout_ms, NULL);
}

NVME_COLD int nvme_resv_release(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t rrela, uint8_t rtype,
		      uint64_t crkey, unsigned flags)
{
	if (rrela > NVME_RRELA_CLEAR || rtype > NVME_RTYPE_EA_ALL_REGISTRANTS)
		return NVME_ERR_INVAL;
	int rc = resv_prep(ns, &q, NVME_CMD_RESV_RELEASE, flags, "Reservation Release");
	if (rc != 0)
		return rc;
	uint64_t d = crkey;
	struct nvme_sqe sqe;
	resv_sqe(&sqe, NVME_CMD_RESV_RELEASE, ns->nsid,
		 (uint32_t)(NVME_SET(NVME_RESV_REL_CDW10_RRELA, rrela) |
			    NVME_SET(NVME_RESV_REL_CDW10_IEKEY, (flags & NVME_RESV_IEKEY) ? 1 : 0) |
			    NVME_SET(NVME_RESV_REL_CDW10_RTYPE, rtype)));
	return nvme_q_exec(q, &sqe, &d, sizeof(d), ns->ctrl->io_timeout_ms, NULL);
}

NVME_COLD int nvme_resv_report(struct nvme_ns *ns, struct nvme_qpair *q, void *buf, size_t len, bool extended,
		     unsigned flags, struct nvme_resv_info *info)
{
	size_t hdr = extended ? RESV_HDR_EXT : RESV_HDR;
	size_t ent = extended ? RESV_ENTRY_EXT : RESV_ENTRY;
	if (info != NULL)
		__builtin_memset(info, 0, sizeof(*info));
	if (buf == NULL || info == NULL || len < hdr || (len & 3u) != 0)
		return NVME_ERR_INVAL;
	int rc = resv_prep(ns, &q, NVME_CMD_RESV_REPORT, flags, "Reservation Report");
	if (rc != 0)
		return rc;
	if (len > ns->ctrl->max_xfer)
		return NVME_ERR_TOO_LARGE;
	__builtin_memset(buf, 0, len);
	struct nvme_sqe sqe;
	resv_sqe(&sqe, NVME_CMD_RESV_REPORT, ns->nsid, (uint32_t)(len / 4u - 1u));
	sqe.cdw11 = (uint32_t)NVME_SET(NVME_RESV_REPORT_CDW11_EDS, extended ? 1 : 0);
	rc = nvme_q_exec(q, &sqe, buf, len, ns->ctrl->io_timeout_ms, NULL);
	if (rc != 0)
		return rc;
	struct nvme_resv_status h;   /* copied: buf need not be aligned */
	__builtin_memcpy(&h, buf, sizeof(h));
	info->gen = h.gen;
	info->rtype = h.rtype;
	info->ptpls = h.ptpls;
	info->extended = extended;
	info->regctl = (uint16_t)(h.regctl[0] | (h.regctl[1] << 8));
	uint32_t fit = (uint32_t)((len - hdr) / ent);
	info->nentries = info->regctl < fit ? info->regctl : fit;
	info->truncated = info->regctl > fit;
	if (info->rtype > NVME_RTYPE_EA_ALL_REGISTRANTS)
		nvme_warn(ns->ctrl, "Reservation Report: reserved type %u", (unsigned)info->rtype);
	return 0;
}

NVME_COLD int nvme_resv_report_entry(const void *buf, size_t len, const struct nvme_resv_info *info, uint32_t i,
			   struct nvme_resv_entry *out)
{
	if (buf == NULL || info == NULL || out == NULL || i >= info->nentries)
		return NVME_ERR_INVAL;
	size_t hdr = info->extended ? RESV_HDR_EXT : RESV_HDR;
	size_t ent = info->extended ? RESV_ENTRY_EXT : RESV_ENTRY;
	if (hdr + ((size_t)i + 1u) * ent > len)
		return NVME_ERR_INVAL;
	const uint8_t *p = (const uint8_t *)buf + hdr + (size_t)i * ent;
	__builtin_memset(out, 0, sizeof(*out));
	if (info->extended) {
		struct nvme_resv_registrant_ext e;
		__builtin_memcpy(&e, p, sizeof(e));
		out->cntlid = e.cntlid;
		out->holder = (e.rcsts & 1u) != 0;
		out->rkey = e.rkey;
		__builtin_memcpy(out->hostid, e.hostid, 16);
	} else {
		struct nvme_resv_registrant e;
		__builtin_memcpy(&e, p, sizeof(e));
		out->cntlid = e.cntlid;
		out->holder = (e.rcsts & 1u) != 0;
		out->rkey = e.rkey;
		__builtin_memcpy(out->hostid, &e.hostid, 8);
	}
	return 0;
}

NVME_COLD const char *nvme_resv_type_name(uint8_t rtype)
{
	switch (rtype) {
	case NVME_RTYPE_NONE:                return "none";
	case NVME_RTYPE_WRITE_EXCLUSIVE:     return "Write Exclusive";
	case NVME_RTYPE_EXCLUSIVE_ACCESS:    return "Exclusive Access";
	case NVME_RTYPE_WE_REGISTRANTS_ONLY: return "Write Exclusive - Registrants Only";
	case NVME_RTYPE_EA_REGISTRANTS_ONLY: return "Exclusive Access - Registrants Only";
	case NVME_RTYPE_WE_ALL_REGISTRANTS:  return "Write Exclusive - All Registrants";
	case NVME_RTYPE_EA_ALL_REGISTRANTS:  return "Exclusive Access - All Registrants";
	default:                             return "reserved";
	}
}

#else
typedef int nvme_resv_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_RESV */
