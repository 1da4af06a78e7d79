/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_copy.c - the Copy command (NVM Command Set 1.0 section 3.2.2,
 * opcode 19h; ONCS bit 8; descriptor formats in OCFS, Identify Controller
 * byte 534).
 *
 * The caller builds the source range list with nvme_copy_encode() into
 * memory of its own (up to 256 ranges of 32 or 40 bytes: too large for the
 * stack of a small kernel, and the asynchronous call needs it until the
 * completion anyway); nvme_copy() reads the list back and checks every range
 * before the command is sent, as nvme_dsm() does with its ranges, so a list
 * the caller changed after encoding cannot slip past the checks.
 *
 * Limits (Identify Namespace bytes 74-80, kept in struct nvme_ns by the
 * scan): MSSRL blocks per range, MCL blocks per command, MSRC+1 ranges per
 * command. A controller reporting Copy in ONCS with MSSRL or MCL 0 cannot
 * copy anything on that namespace (QEMU 7.2 with a namespace from
 * `-device nvme,drive=`): refused before sending.
 *
 * Format: 0h carries 32-bit reference tags (16-bit guard PI or no PI), 1h
 * 48-bit ones (32/64-bit guard). The namespace's guard is the PIF of its
 * Extended LBA Format (CNS 05h, read at scan time for namespaces with PI).
 * QEMU 7.2 sizes the list it reads by the namespace's guard, not by DESFMT:
 * the wrong format would make it parse 40-byte entries out of a 32-byte
 * list, so the driver refuses a format that does not match the namespace.
 */
#include "nvme_internal.h"

#if NVME_CFG_COPY   /* optional (nvme.h): the file is empty without it */

NVME_COLD void nvme_copy_ns_pif(struct nvme_ctrl *c, struct nvme_ns *ns)
{
	ns->cmdset.copy_pif = NVME_COPY_PIF_16;
	if (NVME_GET(ns->dps, NVME_DPS_PIT) == 0 || ns->format_index >= NVME_ID_NS_MAX_LBAF ||
	    !nvme_ctrl_cns_exists(c, NVME_CNS_CS_NS))
		return;   /* no PI, or no Extended LBA Formats before NVMe 2.0: 16-bit guard */
	/* CSI 00h (NVM) is cdw11 = 0, what nvme_identify_idbuf sends */
	int rc = nvme_identify_idbuf(c, NVME_CNS_CS_NS, ns->nsid);
	if (rc != 0) {
		nvme_dbg(c, "ns %u: NVM Identify Namespace (CNS 05h): %s; 16-bit guard assumed", (unsigned)ns->nsid,
			 nvme_strerror(rc));
		return;
	}
	const uint8_t *p = (const uint8_t *)c->idbuf + NVME_ID_NS_NVM_ELBAF_OFF + 4u * ns->format_index;
	uint32_t elbaf = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	unsigned pif = (unsigned)NVME_GET(elbaf, NVME_ELBAF_PIF);
	if (pif > NVME_COPY_PIF_64) {
		nvme_warn(c, "ns %u: reserved protection information format %u; 16-bit guard assumed",
			  (unsigned)ns->nsid, pif);
		return;
	}
	ns->cmdset.copy_pif = (uint8_t)pif;
}

NVME_COLD int nvme_copy_limits(const struct nvme_ns *ns, struct nvme_copy_limits *out)
{
	if (ns == NULL || ns->ctrl == NULL || out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	const struct nvme_ctrl *c = ns->ctrl;
	out->mssrl = ns->cmdset.copy_mssrl;
	out->mcl = ns->cmdset.copy_mcl;
	out->max_ranges = ns->cmdset.copy_ranges;
	if (c->id.ocfs == 0) {
		out->format0 = true;   /* before NVMe 2.0 OCFS was reserved: format 0 alone */
	} else {
		out->format0 = NVME_GET(c->id.ocfs, NVME_OCFS_FORMAT0) != 0;
		out->format1 = NVME_GET(c->id.ocfs, NVME_OCFS_FORMAT1) != 0;
	}
	out->format = ns->cmdset.copy_pif == NVME_COPY_PIF_16 ? NVME_COPY_FORMAT_0 : NVME_COPY_FORMAT_1;
	return 0;
}

NVME_COLD size_t nvme_copy_desc_size(unsigned format, uint32_t nr)
{
	if (nr == 0 || nr > NVME_COPY_MAX_RANGES)
		return 0;
	if (format == NVME_COPY_FORMAT_0)
		return (size_t)nr * sizeof(struct nvme_copy_range_f0);
	if (format == NVME_COPY_FORMAT_1)
		return (size_t)nr * sizeof(struct nvme_copy_range_f1);
	return 0;
}

NVME_COLD int nvme_copy_encode(void *desc, size_t len, unsigned format, const struct nvme_copy_range *r, uint32_t nr)
{
	size_t need = nvme_copy_desc_size(format, nr);
	if (desc == NULL || r == NULL || need == 0 || len < need)
		return NVME_ERR_INVAL;
	uint64_t tag_max = format == NVME_COPY_FORMAT_0 ? 0xFFFFFFFFull : 0xFFFFFFFFFFFFull;
	for (uint32_t i = 0; i < nr; i++)
		if (r[i].nlb == 0 || r[i].nlb > NVME_COPY_RANGE_MAX_BLOCKS || r[i].eilbrt > tag_max)
			return NVME_ERR_INVAL;
	uint8_t *p = desc;
	for (uint32_t i = 0; i < nr; i++) {
		if (format == NVME_COPY_FORMAT_0) {
			struct nvme_copy_range_f0 e;
			__builtin_memset(&e, 0, sizeof(e));
			e.slba = r[i].slba;
			e.nlb = (uint16_t)(r[i].nlb - 1u);
			e.eilbrt = (uint32_t)r[i].eilbrt;
			e.elbat = r[i].elbat;
			e.elbatm = r[i].elbatm;
			__builtin_memcpy(p, &e, sizeof(e));   /* desc need not be aligned */
			p += sizeof(e);
		} else {
			struct nvme_copy_range_f1 e;
			__builtin_memset(&e, 0, sizeof(e));
			e.slba = r[i].slba;
			e.nlb = (uint16_t)(r[i].nlb - 1u);
			for (unsigned b = 0; b < 6; b++)   /* 48-bit reference tag, most significant byte first */
				e.elbt[4 + b] = (uint8_t)(r[i].eilbrt >> (40 - 8 * b));
			e.elbat = r[i].elbat;
			e.elbatm = r[i].elbatm;
			__builtin_memcpy(p, &e, sizeof(e));
			p += sizeof(e);
		}
	}
	return 0;
}

/* Range i of a descriptor list (copied out: desc need not be aligned). */
NVME_COLD static void desc_range(const void *desc, unsigned format, uint32_t i, uint64_t *slba, uint32_t *nlb)
{
	if (format == NVME_COPY_FORMAT_0) {
		struct nvme_copy_range_f0 e;
		__builtin_memcpy(&e, (const uint8_t *)desc + (size_t)i * sizeof(e), sizeof(e));
		*slba = e.slba;
		*nlb = (uint32_t)e.nlb + 1u;
	} else {
		struct nvme_copy_range_f1 e;
		__builtin_memcpy(&e, (const uint8_t *)desc + (size_t)i * sizeof(e), sizeof(e));
		*slba = e.slba;
		*nlb = (uint32_t)e.nlb + 1u;
	}
}

/* Every check before sending; *sqe built on success. */
NVME_COLD static int copy_prep(struct nvme_ns *ns, struct nvme_qpair **q, uint64_t sdlba, const void *desc,
			       uint32_t nr, unsigned format, const struct nvme_copy_pi *pi, unsigned flags,
			       struct nvme_sqe *sqe, size_t *len)
{
	int rc = nvme_ns_io_prep(ns, q);
	if (rc != 0)
		return rc;
	*len = nvme_copy_desc_size(format, nr);
	if (desc == NULL || *len == 0)
		return NVME_ERR_INVAL;
	uint64_t tag_max = format == NVME_COPY_FORMAT_0 ? 0xFFFFFFFFull : 0xFFFFFFFFFFFFull;
	if (pi != NULL && (pi->prinfor > 15u || pi->prinfow > 15u || pi->ilbrt > tag_max))
		return NVME_ERR_INVAL;
	struct nvme_ctrl *c = ns->ctrl;
	unsigned want = ns->cmdset.copy_pif == NVME_COPY_PIF_16 ? NVME_COPY_FORMAT_0 : NVME_COPY_FORMAT_1;
	if (format != want && !(flags & NVME_CMD_FORCE)) {
		(void)nvme_format(c->refusal, sizeof(c->refusal),
				  "Copy: descriptor format %u does not fit namespace %u (%s guard): use format %u",
				  format, (unsigned)ns->nsid, ns->cmdset.copy_pif == NVME_COPY_PIF_16 ? "16-bit or no" :
				  ns->cmdset.copy_pif == NVME_COPY_PIF_32 ? "32-bit" : "64-bit", want);
		return NVME_ERR_INVAL;
	}
	uint64_t total = 0;
	uint32_t max_nlb = 0, max_i = 0;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t slba;
		uint32_t nlb;
		desc_range(desc, format, i, &slba, &nlb);
		rc = nvme_ns_range_ok(ns, slba, nlb);
		if (rc != 0)
			return rc;
		if (nlb > max_nlb) {
			max_nlb = nlb;
			max_i = i;
		}
		total += nlb;
	}
	rc = nvme_ns_range_ok(ns, sdlba, total);
	if (rc != 0)
		return rc;
	rc = nvme_require_cmd(c, NVME_OPT_COPY, NVME_CMD_COPY, flags, "Copy");
	if (rc != 0)
		return rc;
	if (!(flags & NVME_CMD_FORCE)) {
		struct nvme_copy_limits l;
		(void)nvme_copy_limits(ns, &l);
		if (!(format == NVME_COPY_FORMAT_0 ? l.format0 : l.format1)) {
			(void)nvme_format(c->refusal, sizeof(c->refusal),
					  "Copy: descriptor format %u not offered by this controller (OCFS=%04Xh)", format,
					  (unsigned)c->id.ocfs);
			return NVME_ERR_NOT_ADVERTISED;
		}
		if (l.mssrl == 0 || l.mcl == 0) {
			(void)nvme_format(c->refusal, sizeof(c->refusal),
					  "Copy: namespace %u allows no copy (MSSRL %u, MCL %u)", (unsigned)ns->nsid,
					  (unsigned)l.mssrl, (unsigned)l.mcl);
			return NVME_ERR_UNSUPPORTED;
		}
		if (nr > l.max_ranges) {
			(void)nvme_format(c->refusal, sizeof(c->refusal), "Copy: %u ranges, namespace %u takes %u (MSRC %u)",
					  (unsigned)nr, (unsigned)ns->nsid, (unsigned)l.max_ranges,
					  (unsigned)(l.max_ranges - 1u));
			return NVME_ERR_TOO_LARGE;
		}
		if (max_nlb > l.mssrl) {
			(void)nvme_format(c->refusal, sizeof(c->refusal),
					  "Copy: range %u has %u blocks, namespace %u takes %u per range (MSSRL)",
					  (unsigned)max_i, (unsigned)max_nlb, (unsigned)ns->nsid, (unsigned)l.mssrl);
			return NVME_ERR_TOO_LARGE;
		}
		if (total > l.mcl) {
			(void)nvme_format(c->refusal, sizeof(c->refusal),
					  "Copy: %llu blocks in all, namespace %u takes %u per command (MCL)",
					  (unsigned long long)total, (unsigned)ns->nsid, (unsigned)l.mcl);
			return NVME_ERR_TOO_LARGE;
		}
	}
	if (*len > c->max_xfer)
		return NVME_ERR_TOO_LARGE;
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = NVME_CMD_COPY;
	sqe->nsid = ns->nsid;
	sqe->cdw10 = (uint32_t)sdlba;
	sqe->cdw11 = (uint32_t)(sdlba >> 32);
	sqe->cdw12 = (uint32_t)(NVME_SET(NVME_COPY_CDW12_NR, nr - 1u) | NVME_SET(NVME_COPY_CDW12_DESFMT, format) |
				NVME_SET(NVME_COPY_CDW12_FUA, (flags & NVME_IO_FUA) ? 1 : 0) |
				NVME_SET(NVME_COPY_CDW12_LR, (flags & NVME_IO_LIMITED_RETRY) ? 1 : 0));
	if (pi != NULL) {
		sqe->cdw12 |= (uint32_t)(NVME_SET(NVME_COPY_CDW12_PRINFOR, pi->prinfor) |
					 NVME_SET(NVME_COPY_CDW12_PRINFOW, pi->prinfow));
		sqe->cdw14 = (uint32_t)pi->ilbrt;
		sqe->cdw3 = (uint32_t)(pi->ilbrt >> 32);   /* bits 47:32 with a 32/64-bit guard */
		sqe->cdw15 = (uint32_t)(NVME_SET(NVME_COPY_CDW15_LBAT, pi->lbat) |
					NVME_SET(NVME_COPY_CDW15_LBATM, pi->lbatm));
	}
	return 0;
}

NVME_COLD int nvme_copy(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t sdlba, const void *desc, uint32_t nr,
	      unsigned format, const struct nvme_copy_pi *pi, unsigned flags)
{
	struct nvme_sqe sqe;
	size_t len;
	int rc = copy_prep(ns, &q, sdlba, desc, nr, format, pi, flags, &sqe, &len);
	if (rc != 0)
		return rc;
	/* host to controller (opcode 19h): the list is only read */
	return nvme_q_exec(q, &sqe, (void *)(uintptr_t)desc, len, ns->ctrl->io_timeout_ms, NULL);
}

NVME_COLD int nvme_copy_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t sdlba, const void *desc, uint32_t nr,
		    unsigned format, const struct nvme_copy_pi *pi, unsigned flags, nvme_cmd_cb cb, void *arg)
{
	struct nvme_sqe sqe;
	size_t len;
	if (cb == NULL)
		return NVME_ERR_INVAL;
	int rc = copy_prep(ns, &q, sdlba, desc, nr, format, pi, flags, &sqe, &len);
	if (rc != 0)
		return rc;
	return nvme_q_submit(q, &sqe, (void *)(uintptr_t)desc, len, cb, arg, NULL);
}

#else
typedef int nvme_copy_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_COPY */
