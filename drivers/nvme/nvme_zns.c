/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_zns.c - Zoned Namespace command set (NVMe ZNS Command Set
 * Specification 1.0): Zoned Identify Namespace/Controller, Zone Management
 * Receive (report zones, extended, partial, by state), Zone Management Send
 * (close, finish, open, reset, offline, select all), Zone Append, and the
 * explanation of a refused write in terms of its zone.
 *
 * Every command is built here and sent through the general submit path
 * (nvme_q_exec). Nothing the device returns is trusted: the zone size must
 * lie inside the namespace, a report's zone count is cut to the caller's
 * buffer, each descriptor is checked (start on a zone boundary inside the
 * namespace, capacity at most the zone size, write pointer inside the zone),
 * and the LBA a Zone Append reports must lie inside the zone appended to.
 */
#include "nvme_internal.h"

#if NVME_CFG_ZNS   /* optional (nvme_config.h): the file is empty without it */

#define ZNS_HDR         64u     /* report header */
#define ZNS_DESC        64u     /* zone descriptor */
#define ZNS_ONE_ZONE    (ZNS_HDR + ZNS_DESC)
#define ZNS_LBAFE_COUNT 16u     /* LBA format extensions in the ZNS 1.0 layout */

NVME_COLD void nvme_zns_ns_fill(struct nvme_ctrl *c, struct nvme_ns *ns)
{
	int rc = nvme_identify_csi_idbuf(c, NVME_CNS_CS_CTRL, NVME_CSI_ZNS, 0);
	c->zns_ctrl_status = rc;
	c->zasl = rc == 0 ? ((const struct nvme_id_ctrl_zns *)c->idbuf)->zasl : 0;
	if (rc != 0)
		nvme_warn(c, "Zoned Identify Controller failed: %s; appends limited by MDTS", nvme_strerror(rc));

	rc = nvme_identify_csi_idbuf(c, NVME_CNS_CS_NS, NVME_CSI_ZNS, ns->nsid);
	if (rc == 0 && ns->format_index >= ZNS_LBAFE_COUNT)
		rc = NVME_ERR_BAD_LBAF;
	const struct nvme_id_ns_zns *z = c->idbuf;
	uint64_t zsze = rc == 0 ? z->lbafe[ns->format_index].zsze : 0;
	if (rc == 0 && (zsze == 0 || zsze > ns->size))
		rc = NVME_ERR_BAD_ID;
	if (rc != 0) {
		if (rc == NVME_ERR_BAD_ID)
			nvme_warn(c, "ns %u: zone size %llu blocks (format %u) outside 1..NSZE %llu",
				  (unsigned)ns->nsid, (unsigned long long)zsze, (unsigned)ns->format_index,
				  (unsigned long long)ns->size);
		ns->unusable = rc;
		ns->unusable_reason = NVME_NS_ZONED_ID;
		return;
	}
	ns->cmdset.zone_size = zsze;
	ns->cmdset.zone_count = ns->size / zsze;
	if (ns->size % zsze != 0)
		nvme_warn(c, "ns %u: NSZE %llu is not a multiple of the zone size %llu; last %llu blocks unused",
			  (unsigned)ns->nsid, (unsigned long long)ns->size, (unsigned long long)zsze,
			  (unsigned long long)(ns->size % zsze));
	ns->cmdset.zone_max_active = z->mar == NVME_ZNS_NO_LIMIT ? 0u : z->mar + 1u;
	ns->cmdset.zone_max_open = z->mor == NVME_ZNS_NO_LIMIT ? 0u : z->mor + 1u;
	ns->cmdset.zoc = z->zoc;
	ns->cmdset.ozcs = z->ozcs;
	ns->cmdset.zdes = z->lbafe[ns->format_index].zdes;
	nvme_info(c, "ns %u: zoned, %llu zones of %llu blocks, max active %u, max open %u (0 = no limit)",
		  (unsigned)ns->nsid, (unsigned long long)ns->cmdset.zone_count, (unsigned long long)zsze,
		  (unsigned)ns->cmdset.zone_max_active, (unsigned)ns->cmdset.zone_max_open);
}

NVME_COLD bool nvme_ns_is_zoned(const struct nvme_ns *ns)
{
	return ns != NULL && ns->cmdset.csi == NVME_CSI_ZNS && ns->cmdset.zone_size != 0 && ns->unusable == 0;
}

NVME_COLD static uint32_t append_max(const struct nvme_ns *ns)
{
	const struct nvme_ctrl *c = ns->ctrl;
	uint32_t bytes = c->max_xfer;
	if (c->zasl != 0) {
		unsigned shift = 12u + (unsigned)NVME_GET(c->cap, NVME_CAP_MPSMIN) + c->zasl;
		if (shift < 31u && ((uint32_t)1u << shift) < bytes)
			bytes = (uint32_t)1u << shift;
	}
	return nvme_min_u32(bytes >> ns->lba_shift, NVME_RW_MAX_BLOCKS);
}

NVME_COLD int nvme_zns_info(const struct nvme_ns *ns, struct nvme_zns_info *out)
{
	if (out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	if (ns == NULL || ns->ctrl == NULL)
		return NVME_ERR_INVAL;
	if (!nvme_ns_is_zoned(ns))
		return NVME_ERR_UNSUPPORTED;
	out->zone_size = ns->cmdset.zone_size;
	out->zone_count = ns->cmdset.zone_count;
	out->max_active = ns->cmdset.zone_max_active;
	out->max_open = ns->cmdset.zone_max_open;
	out->variable_capacity = NVME_GET(ns->cmdset.zoc, NVME_ZOC_VZCAP) != 0;
	out->active_excursions = NVME_GET(ns->cmdset.zoc, NVME_ZOC_ZAE) != 0;
	out->read_across = NVME_GET(ns->cmdset.ozcs, NVME_OZCS_RAZB) != 0;
	out->zdes_bytes = (uint32_t)ns->cmdset.zdes * 64u;
	out->append_max_blocks = append_max(ns);
	out->zasl = ns->ctrl->zasl;
	return 0;
}

/* nvme_ns_io_prep, and the namespace is zoned. */
NVME_COLD static int zns_prep(struct nvme_ns *ns, struct nvme_qpair **q)
{
	int rc = nvme_ns_io_prep(ns, q);
	if (rc != 0)
		return rc;
	return nvme_ns_is_zoned(ns) ? 0 : NVME_ERR_UNSUPPORTED;
}

NVME_COLD static void zns_sqe(struct nvme_sqe *sqe, uint8_t opc, uint32_t nsid, uint64_t slba)
{
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = opc;
	sqe->nsid = nsid;
	sqe->cdw10 = (uint32_t)slba;
	sqe->cdw11 = (uint32_t)(slba >> 32);
}

NVME_COLD int nvme_zns_report(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t slba, uint8_t zrasf,
			      bool partial, bool extended, void *buf, size_t len, struct nvme_zone_report *rep)
{
	if (rep != NULL)
		__builtin_memset(rep, 0, sizeof(*rep));
	if (buf == NULL || rep == NULL || len < ZNS_HDR || (len & 3u) != 0 || zrasf > NVME_ZRASF_OFFLINE)
		return NVME_ERR_INVAL;
	int rc = zns_prep(ns, &q);
	if (rc != 0)
		return rc;
	if (slba >= ns->size)
		return NVME_ERR_LBA_RANGE;
	if (extended && ns->cmdset.zdes == 0)
		return NVME_ERR_UNSUPPORTED;   /* no descriptor extensions: no extended report */
	if (len > ns->ctrl->max_xfer)
		return NVME_ERR_TOO_LARGE;
	__builtin_memset(buf, 0, len);
	struct nvme_sqe sqe;
	zns_sqe(&sqe, NVME_CMD_ZONE_MGMT_RECV, ns->nsid, slba);
	sqe.cdw12 = (uint32_t)(len / 4u - 1u);
	sqe.cdw13 = (uint32_t)(NVME_SET(NVME_ZMR_CDW13_ZRA, extended ? NVME_ZRA_EXT_REPORT : NVME_ZRA_REPORT) |
			       NVME_SET(NVME_ZMR_CDW13_ZRASF, zrasf) |
			       NVME_SET(NVME_ZMR_CDW13_PARTIAL, partial ? 1u : 0u));
	rc = nvme_q_exec(q, &sqe, buf, len, ns->ctrl->io_timeout_ms, NULL);
	if (rc != 0)
		return rc;
	struct nvme_zone_report_hdr h;   /* copied: buf need not be aligned */
	__builtin_memcpy(&h, buf, sizeof(h));
	rep->nr_zones = h.nr_zones;
	rep->extended = extended;
	rep->desc_bytes = ZNS_DESC + (extended ? (uint32_t)ns->cmdset.zdes * 64u : 0u);
	uint64_t fit = (len - ZNS_HDR) / rep->desc_bytes;
	rep->count = (uint32_t)(h.nr_zones < fit ? h.nr_zones : fit);
	if (h.nr_zones > ns->cmdset.zone_count)
		nvme_warn(ns->ctrl, "ns %u: report zones says %llu zones, the namespace has %llu",
			  (unsigned)ns->nsid, (unsigned long long)h.nr_zones, (unsigned long long)ns->cmdset.zone_count);
	return 0;
}

NVME_COLD int nvme_zns_report_entry(const struct nvme_ns *ns, const void *buf, size_t len,
				    const struct nvme_zone_report *rep, uint32_t i, struct nvme_zone *z,
				    const uint8_t **ext)
{
	if (ext != NULL)
		*ext = NULL;
	if (ns == NULL || buf == NULL || rep == NULL || z == NULL || i >= rep->count ||
	    rep->desc_bytes < ZNS_DESC)
		return NVME_ERR_INVAL;
	if (!nvme_ns_is_zoned(ns))
		return NVME_ERR_UNSUPPORTED;
	size_t off = ZNS_HDR + (size_t)i * rep->desc_bytes;
	if (off + rep->desc_bytes > len)
		return NVME_ERR_INVAL;
	struct nvme_zone_desc d;
	__builtin_memcpy(&d, (const uint8_t *)buf + off, sizeof(d));
	__builtin_memset(z, 0, sizeof(*z));
	z->zslba = d.zslba;
	z->zcap = d.zcap;
	z->wp = d.wp;
	z->type = (uint8_t)NVME_GET(d.zt, NVME_ZONE_DESC_ZT);
	z->state = (uint8_t)NVME_GET(d.zs, NVME_ZONE_DESC_ZS);
	z->attrs = d.za;
	z->zai = d.zai;
	if (d.zslba >= ns->size || d.zslba % ns->cmdset.zone_size != 0 || d.zcap > ns->cmdset.zone_size) {
		nvme_warn(ns->ctrl, "ns %u: zone descriptor %u: ZSLBA %llu, ZCAP %llu do not fit zones of %llu blocks",
			  (unsigned)ns->nsid, (unsigned)i, (unsigned long long)d.zslba,
			  (unsigned long long)d.zcap, (unsigned long long)ns->cmdset.zone_size);
		return NVME_ERR_BAD_ZONE_DATA;
	}
	bool wp_valid = z->state == NVME_ZS_EMPTY || z->state == NVME_ZS_IMP_OPEN ||
			z->state == NVME_ZS_EXP_OPEN || z->state == NVME_ZS_CLOSED;
	if (wp_valid && (d.wp < d.zslba || d.wp - d.zslba > d.zcap)) {
		nvme_warn(ns->ctrl, "ns %u: zone at LBA %llu: write pointer %llu outside the zone",
			  (unsigned)ns->nsid, (unsigned long long)d.zslba, (unsigned long long)d.wp);
		return NVME_ERR_BAD_ZONE_DATA;
	}
	if (ext != NULL && rep->extended && rep->desc_bytes > ZNS_DESC)
		*ext = (const uint8_t *)buf + off + ZNS_DESC;
	return 0;
}

NVME_COLD int nvme_zns_zone(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, struct nvme_zone *z)
{
	uint64_t raw[ZNS_ONE_ZONE / 8u];
	struct nvme_zone_report rep;
	if (z == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(z, 0, sizeof(*z));
	if (!nvme_ns_is_zoned(ns))
		return ns == NULL ? NVME_ERR_INVAL : NVME_ERR_UNSUPPORTED;
	uint64_t zslba = lba - lba % ns->cmdset.zone_size;
	int rc = nvme_zns_report(ns, q, zslba, NVME_ZRASF_ALL, true, false, raw, sizeof(raw), &rep);
	if (rc != 0)
		return rc;
	if (rep.count == 0)
		return NVME_ERR_BAD_ZONE_DATA;
	rc = nvme_zns_report_entry(ns, raw, sizeof(raw), &rep, 0, z, NULL);
	if (rc == 0 && z->zslba != zslba)
		rc = NVME_ERR_BAD_ZONE_DATA;   /* asked for this zone, got another */
	return rc;
}

NVME_COLD int nvme_zns_mgmt(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t slba, uint8_t zsa, bool select_all)
{
	if (zsa < NVME_ZSA_CLOSE || zsa > NVME_ZSA_OFFLINE)
		return NVME_ERR_INVAL;
	int rc = zns_prep(ns, &q);
	if (rc != 0)
		return rc;
	if (select_all) {
		slba = 0;
	} else {
		if (slba >= ns->size)
			return NVME_ERR_LBA_RANGE;
		if (slba % ns->cmdset.zone_size != 0)
			return NVME_ERR_INVAL;   /* not a zone start */
	}
	struct nvme_sqe sqe;
	zns_sqe(&sqe, NVME_CMD_ZONE_MGMT_SEND, ns->nsid, slba);
	sqe.cdw13 = (uint32_t)(NVME_SET(NVME_ZMS_CDW13_ZSA, zsa) |
			       NVME_SET(NVME_ZMS_CDW13_SELECT_ALL, select_all ? 1u : 0u));
	return nvme_q_exec(q, &sqe, NULL, 0, ns->ctrl->io_timeout_ms, NULL);
}

NVME_COLD int nvme_zns_append(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t zslba, uint32_t count,
			      const void *buf, uint64_t *lba_out)
{
	if (lba_out != NULL)
		*lba_out = 0;
	if (buf == NULL || count == 0)
		return NVME_ERR_INVAL;
	int rc = zns_prep(ns, &q);
	if (rc != 0)
		return rc;
	rc = nvme_ns_range_ok(ns, zslba, count);
	if (rc == 0)
		rc = nvme_ns_plain_ok(ns);   /* metadata a data-only append would lose, as nvme_write */
	if (rc != 0)
		return rc;
	if (zslba % ns->cmdset.zone_size != 0 || count > ns->cmdset.zone_size)
		return NVME_ERR_INVAL;   /* Zone Append names the zone by its start; a zone holds it */
	if (count > append_max(ns))
		return NVME_ERR_TOO_LARGE;
	struct nvme_sqe sqe;
	struct nvme_cqe cqe = { 0, 0, 0, 0, 0, 0 };
	zns_sqe(&sqe, NVME_CMD_ZONE_APPEND, ns->nsid, zslba);
	sqe.cdw12 = (uint32_t)NVME_SET(NVME_RW_CDW12_NLB, count - 1u);
	if (ns->cmdset.md_plain != NVME_MD_PLAIN_NONE)
		nvme_pi_plain_sqe(ns, &sqe, zslba);   /* PI-only metadata: PRACT, as nvme_write */
	rc = nvme_q_exec(q, &sqe, (void *)(uintptr_t)buf, (size_t)count << ns->lba_shift,
			 ns->ctrl->io_timeout_ms, &cqe);
	if (rc != 0)
		return rc;
	uint64_t lba = (uint64_t)cqe.dw0 | ((uint64_t)cqe.dw1 << 32);
	if (lba < zslba || lba - zslba > ns->cmdset.zone_size - count) {
		nvme_warn(ns->ctrl, "ns %u: Zone Append to zone at LBA %llu reports LBA %llu, outside the zone",
			  (unsigned)ns->nsid, (unsigned long long)zslba, (unsigned long long)lba);
		return NVME_ERR_BAD_ZONE_DATA;
	}
	if (lba_out != NULL)
		*lba_out = lba;
	return 0;
}

NVME_COLD const char *nvme_zone_state_name(uint8_t state)
{
	switch (state) {
	case NVME_ZS_EMPTY:     return "empty";
	case NVME_ZS_IMP_OPEN:  return "implicitly open";
	case NVME_ZS_EXP_OPEN:  return "explicitly open";
	case NVME_ZS_CLOSED:    return "closed";
	case NVME_ZS_READ_ONLY: return "read-only";
	case NVME_ZS_FULL:      return "full";
	case NVME_ZS_OFFLINE:   return "offline";
	default:                return "reserved";
	}
}

NVME_COLD const char *nvme_zsa_name(uint8_t zsa)
{
	switch (zsa) {
	case NVME_ZSA_CLOSE:   return "close";
	case NVME_ZSA_FINISH:  return "finish";
	case NVME_ZSA_OPEN:    return "open";
	case NVME_ZSA_RESET:   return "reset";
	case NVME_ZSA_OFFLINE: return "offline";
	default:               return "?";
	}
}

NVME_COLD size_t nvme_zns_explain(struct nvme_ns *ns, struct nvme_qpair *q, int status, uint64_t slba,
				  uint32_t nlb, bool append, char *buf, size_t len)
{
	unsigned sc = nvme_status_sc(status);
	if (!nvme_ns_is_zoned(ns) || nvme_status_sct(status) != NVME_SCT_COMMAND_SPECIFIC ||
	    sc < NVME_SC_ZONE_BOUNDARY_ERROR || sc > NVME_SC_ZONE_INVALID_TRANSITION)
		return nvme_status_describe(status, buf, len);
	const char *what = append ? "zone append" : "write";
	unsigned long long zi = (unsigned long long)(slba / ns->cmdset.zone_size);
	unsigned long long zslba = zi * ns->cmdset.zone_size;
	struct nvme_zone z;
	int rc = nvme_zns_zone(ns, q, slba, &z);
	size_t n;
	if (rc != 0) {
		n = nvme_cat(buf, len, 0, "%s at LBA %llu in zone %llu: %s (zone state not readable: %s)", what,
			     (unsigned long long)slba, zi, nvme_strerror(status), nvme_strerror(rc));
		return n;
	}
	const char *st = nvme_zone_state_name(z.state);
	switch (sc) {
	case NVME_SC_ZONE_INVALID_WRITE:
		n = nvme_cat(buf, len, 0, "%s at LBA %llu is not at zone %llu's write pointer (LBA %llu; zone %s)",
			     what, (unsigned long long)slba, zi, (unsigned long long)z.wp, st);
		break;
	case NVME_SC_ZONE_BOUNDARY_ERROR:
		n = nvme_cat(buf, len, 0, "%s of %u blocks at LBA %llu crosses the end of zone %llu (LBA %llu..%llu, capacity %llu blocks)",
			     what, (unsigned)nlb, (unsigned long long)slba, zi, zslba,
			     zslba + (unsigned long long)ns->cmdset.zone_size - 1u, (unsigned long long)z.zcap);
		break;
	case NVME_SC_ZONE_FULL:
	case NVME_SC_ZONE_READ_ONLY:
	case NVME_SC_ZONE_OFFLINE:
		n = nvme_cat(buf, len, 0, "%s at LBA %llu: zone %llu (LBA %llu) is %s", what,
			     (unsigned long long)slba, zi, zslba, st);
		break;
	case NVME_SC_ZONE_TOO_MANY_ACTIVE:
		n = nvme_cat(buf, len, 0, "%s at LBA %llu would make zone %llu (%s) active: the namespace allows %u active zones",
			     what, (unsigned long long)slba, zi, st, (unsigned)ns->cmdset.zone_max_active);
		break;
	case NVME_SC_ZONE_TOO_MANY_OPEN:
		n = nvme_cat(buf, len, 0, "%s at LBA %llu would open zone %llu (%s): the namespace allows %u open zones",
			     what, (unsigned long long)slba, zi, st, (unsigned)ns->cmdset.zone_max_open);
		break;
	default:   /* NVME_SC_ZONE_INVALID_TRANSITION */
		n = nvme_cat(buf, len, 0, "zone %llu (LBA %llu) is %s: the action is not allowed from that state",
			     zi, zslba, st);
		break;
	}
	return nvme_cat(buf, len, n, " (%s)", nvme_strerror(status));
}

#else
typedef int nvme_zns_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_ZNS */
