/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ns.c - namespace discovery (Identify CNS 02h and 00h), validation of
 * Identify Namespace data, namespace accessors, and the controller accessors.
 *
 * Split out of nvme_ctrl.c to keep files short. NN is never used as a loop
 * bound: the active namespace list is walked (stopping at a zero entry, a
 * non-increasing NSID, an NSID above NN, or after NVME_NS_WALK_MAX_LISTS
 * lists).
 */
#include "nvme_internal.h"

/* Validate Identify Namespace data and fill ns (section 5.15.2.1). Why a
 * namespace is not usable is logged by nvme_ns_scan (nvme_ns_unusable_text). */
NVME_COLD static void ns_fill(struct nvme_ctrl *c, struct nvme_ns *ns, const struct nvme_id_ns *id)
{
	uint32_t nsid = ns->nsid;

	__builtin_memset(ns, 0, sizeof(*ns));
	ns->ctrl = c;
	ns->nsid = nsid;
	ns->size = id->nsze;
	ns->capacity = id->ncap;
	ns->utilization = id->nuse;
	ns->nsfeat = id->nsfeat;
	ns->dps = id->dps;
	ns->nmic = id->nmic;
	ns->dlfeat = id->dlfeat;
	ns->cmdset.copy_mssrl = id->mssrl;   /* Copy limits (nvme_copy.c) */
	ns->cmdset.copy_mcl = id->mcl;
	ns->cmdset.copy_ranges = (uint16_t)(id->msrc + 1u);

	if (id->nlbaf >= NVME_ID_NS_MAX_LBAF) {
		ns->unusable = NVME_ERR_BAD_LBAF;
		ns->unusable_reason = NVME_NS_BAD_LBAF;
		return;
	}
	ns->format_count = (uint8_t)(id->nlbaf + 1u);
	for (unsigned i = 0; i < ns->format_count; i++) {
		const struct nvme_lbaf *f = &id->lbaf[i];
		ns->formats[i].lbads = f->lbads;
		ns->formats[i].meta_size = f->ms;
		ns->formats[i].rel_perf = (uint8_t)NVME_GET(f->rp, NVME_LBAF_RP);
		ns->formats[i].data_size = (f->lbads >= NVME_LBADS_MIN && f->lbads <= NVME_LBADS_MAX)
						   ? (uint32_t)1u << f->lbads : 0u;
	}

	unsigned fi = (unsigned)(NVME_GET(id->flbas, NVME_FLBAS_INDEX_LO) |
				 (NVME_GET(id->flbas, NVME_FLBAS_INDEX_HI) << 4));
	if (fi > id->nlbaf) {
		ns->unusable = NVME_ERR_BAD_LBAF;
		ns->unusable_reason = NVME_NS_BAD_LBAF;
		ns->format_index = (uint8_t)fi;   /* for the text only */
		return;
	}
	ns->format_index = (uint8_t)fi;
	ns->meta_extended = NVME_GET(id->flbas, NVME_FLBAS_EXTENDED) != 0;
	ns->meta_size = id->lbaf[fi].ms;

	unsigned lbads = id->lbaf[fi].lbads;
	if (lbads < NVME_LBADS_MIN || lbads > NVME_LBADS_MAX) {
		ns->unusable = NVME_ERR_BAD_LBADS;
		ns->unusable_reason = NVME_NS_BAD_LBADS;
		return;
	}
	if (ns->size == 0) {
		/* an active namespace has blocks; an inactive one reads as zeros */
		ns->unusable = NVME_ERR_BAD_ID;
		ns->unusable_reason = NVME_NS_NO_BLOCKS;
		return;
	}
	ns->lba_shift = (uint8_t)lbads;
	ns->lba_size = (uint32_t)1u << lbads;
	if (!NVME_CFG_PI && NVME_GET(ns->dps, NVME_DPS_PIT) != 0) {
		ns->unusable = NVME_ERR_UNSUPPORTED;
		ns->unusable_reason = NVME_NS_PROTECTION;
	} else if (!NVME_CFG_PI && ns->meta_size != 0) {
		ns->unusable = NVME_ERR_UNSUPPORTED;
		ns->unusable_reason = NVME_NS_METADATA;
	} else if (ns->lba_size > c->max_xfer) {
		ns->unusable = NVME_ERR_UNSUPPORTED;
		ns->unusable_reason = NVME_NS_BLOCK_TOO_LARGE;
	}
	ns->max_blocks = nvme_min_u32(c->max_xfer >> ns->lba_shift, NVME_RW_MAX_BLOCKS);
	if (ns->size < ns->capacity || ns->capacity < ns->utilization)
		nvme_warn(c, "ns %u: NSZE %llu, NCAP %llu, NUSE %llu inconsistent", (unsigned)nsid,
			  (unsigned long long)ns->size, (unsigned long long)ns->capacity,
			  (unsigned long long)ns->utilization);
}

/*
 * Parse one active namespace list in idbuf: calls back for each valid entry.
 * Returns the number of entries, 1024 meaning "full, there may be more";
 * *bad is set when the list ended on an invalid entry.
 */
NVME_COLD static uint32_t parse_ns_list(const struct nvme_ctrl *c, uint32_t after, uint32_t *out,
			      uint32_t max, uint32_t *stored, bool *bad)
{
	const uint32_t *list = c->idbuf;
	uint32_t nn = c->id.nn;
	uint32_t n;

	*bad = false;
	*stored = 0;
	for (n = 0; n < NVME_NS_LIST_ENTRIES; n++) {
		uint32_t id = list[n];
		if (id == 0)
			break;
		if (id <= after || id > nn || id == NVME_NSID_ALL) {
			*bad = true;
			break;
		}
		if (out != NULL && *stored < max)
			out[(*stored)++] = id;
		after = id;
	}
	return n;
}

/*
 * One namespace list of CNS cns (active 02h, allocated 10h) after
 * after_nsid, checked as parse_ns_list() says; `what` names it in the
 * warning. Shared by nvme_ns_list_active() and nvme_ns_list_allocated().
 */
NVME_COLD int nvme_ns_list_cns(struct nvme_ctrl *c, uint8_t cns, const char *what, uint32_t after_nsid,
			       uint32_t *out, uint32_t max, uint32_t *n)
{
	if (c == NULL || n == NULL || (out == NULL && max != 0))
		return NVME_ERR_INVAL;
	*n = 0;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (after_nsid >= 0xFFFFFFFEu)
		return NVME_ERR_INVAL;
	if (!nvme_ctrl_cns_exists(c, cns))
		return NVME_ERR_UNSUPPORTED;   /* NVMe 1.0, quirk no-ns-list, or no namespace management */
	rc = nvme_identify_idbuf(c, cns, after_nsid);
	if (rc != 0)
		return rc;
	bool bad;
	uint32_t stored;
	(void)parse_ns_list(c, after_nsid, out, nvme_min_u32(max, NVME_NS_LIST_ENTRIES), &stored, &bad);
	*n = stored;
	if (bad) {
		nvme_warn(c, "%s namespace list after %u is not increasing or exceeds NN %u", what,
			  (unsigned)after_nsid, (unsigned)c->id.nn);
		return stored != 0 ? 0 : NVME_ERR_BAD_NS_LIST;
	}
	return 0;
}

NVME_COLD int nvme_ns_list_active(struct nvme_ctrl *c, uint32_t after_nsid, uint32_t *out, uint32_t max,
			uint32_t *n)
{
	return nvme_ns_list_cns(c, NVME_CNS_ACTIVE_NS_LIST, "active", after_nsid, out, max, n);
}

/* Walk the active list: store the first NVME_CFG_MAX_NS NSIDs, count all. */
NVME_COLD static int walk_active(struct nvme_ctrl *c, uint32_t *ids, uint32_t *count, uint32_t *total)
{
	uint32_t after = 0;
	*count = 0;
	*total = 0;

	for (uint32_t lists = 0; lists < NVME_NS_WALK_MAX_LISTS; lists++) {
		int rc = nvme_identify_idbuf(c, NVME_CNS_ACTIVE_NS_LIST, after);
		if (rc != 0)
			return rc;
		bool bad;
		uint32_t stored;
		uint32_t room = NVME_CFG_MAX_NS - *count;
		uint32_t n = parse_ns_list(c, after, ids + *count, room, &stored, &bad);
		*count += stored;
		*total += n;
		if (n != 0)
			after = ((const uint32_t *)c->idbuf)[n - 1];
		if (bad) {
			nvme_warn(c, "active namespace list: invalid entry after NSID %u; list cut there",
				  (unsigned)after);
			return 0;
		}
		if (n < NVME_NS_LIST_ENTRIES || after >= c->id.nn)
			return 0;
	}
	nvme_warn(c, "more than %u active namespaces: counted the first %u",
		  (unsigned)(NVME_NS_WALK_MAX_LISTS * NVME_NS_LIST_ENTRIES), (unsigned)*total);
	return 0;
}

NVME_COLD int nvme_ns_scan(struct nvme_ctrl *c)
{
	uint32_t ids[NVME_CFG_MAX_NS];
	uint32_t count = 0, total = 0;
	int rc;

	c->ns_count = 0;
	c->ns_active = 0;
	/* no Read/Write fast path to any entry until it is filled again */
	for (uint32_t i = 0; i < NVME_CFG_MAX_NS; i++) {
		c->ns[i].cmdset.fast_blocks = 0;
		c->ns[i].cmdset.fast_max = 0;
		c->ns[i].cmdset.fast_nsid_hi = 0;
	}
	if (!c->io_capable || c->id.nn == 0)
		return 0;

	/* NVMe 1.0 has no CNS 02h, and NVME_QUIRK_NO_NS_LIST controllers do
	 * not implement it: probe NSIDs 1..min(NN, MAX_NS) instead. */
	bool probe = !nvme_ctrl_cns_exists(c, NVME_CNS_ACTIVE_NS_LIST);
	rc = probe ? 0 : walk_active(c, ids, &count, &total);
	if (probe) {
		nvme_dbg(c, "no active namespace list (%s): probing NSIDs 1..%u",
			 c->vs < NVME_VS(1, 1, 0) ? "NVMe 1.0" : "quirk no-ns-list",
			 (unsigned)nvme_min_u32(c->id.nn, NVME_CFG_MAX_NS));
		count = 0;
		for (uint32_t id = 1; id <= c->id.nn && id <= NVME_CFG_MAX_NS; id++) {
			rc = nvme_identify_idbuf(c, NVME_CNS_NS, id);
			if (nvme_status_is_device(rc))
				continue;   /* e.g. Invalid Namespace: not active */
			if (rc != 0)
				return rc;
			if (((const struct nvme_id_ns *)c->idbuf)->nsze != 0)
				ids[count++] = id;
		}
		total = count;
		rc = 0;
	}
	if (rc != 0) {
		nvme_err(c, "namespace list failed: %s", nvme_strerror(rc));
		return rc;
	}

	for (uint32_t i = 0; i < count; i++) {
		struct nvme_ns *ns = &c->ns[i];
		ns->nsid = ids[i];
		uint8_t csi = nvme_iocs_ns_csi(c, ids[i]);   /* CNS 03h (nvme_iocs.c) */
		bool csi_refused = csi >= 64 || !((nvme_iocs_implemented() >> csi) & 1u);
		if (csi_refused) {
			/* listed with its CSI, refused: no Identify of a layout we do not know */
			__builtin_memset(ns, 0, sizeof(*ns));
			ns->ctrl = c;
			ns->nsid = ids[i];
			ns->unusable = NVME_ERR_UNSUPPORTED;
			ns->unusable_reason = NVME_NS_CSI;
			rc = 0;
		} else {
			rc = nvme_identify_idbuf(c, NVME_CNS_NS, ids[i]);
		}
		if (csi_refused) {
			/* nothing more to read */
		} else if (nvme_status_is_device(rc)) {
			/* this namespace only */
			__builtin_memset(ns, 0, sizeof(*ns));
			ns->ctrl = c;
			ns->nsid = ids[i];
			ns->unusable = rc;
			ns->unusable_reason = NVME_NS_IDENTIFY_FAILED;
		} else if (rc != 0) {
			return rc;
		} else {
			ns_fill(c, ns, c->idbuf);
#if NVME_CFG_ZNS
			if (csi == NVME_CSI_ZNS && ns->unusable == 0)
				nvme_zns_ns_fill(c, ns);   /* Zoned Identify Namespace */
#endif
#if NVME_CFG_PI
			if (ns->unusable == 0 && (ns->meta_size != 0 || NVME_GET(ns->dps, NVME_DPS_PIT) != 0))
				nvme_pi_ns_setup(c, ns);   /* reads CNS 05h into idbuf */
#endif
			nvme_copy_ns_pif(c, ns);   /* the guard size Copy's format follows */
		}
		ns->cmdset.csi = csi;
		/* the namespace's checks of the Read/Write fast path (nvme_io.c) */
		bool fast = ns->nsid != 0 && ns->unusable == 0 && ns->cmdset.md_plain == NVME_MD_PLAIN_NONE &&
			    ns->size >= ns->max_blocks;
		ns->cmdset.fast_blocks = fast ? ns->size : 0;
		ns->cmdset.fast_max = fast ? ns->max_blocks : 0;
		ns->cmdset.fast_nsid_hi = (uint64_t)ns->nsid << 32;
		if (ns->unusable == 0) {
			nvme_info(c, "ns %u: %llu blocks of %u bytes%s", (unsigned)ns->nsid,
				  (unsigned long long)ns->size, (unsigned)ns->lba_size,
				  ns->meta_size != 0 ? " with metadata" : "");
		} else {
			char why[96];
			nvme_ns_unusable_text(ns, why, sizeof(why));
			nvme_warn(c, "ns %u: not usable for I/O: %s", (unsigned)ns->nsid, why);
		}
	}
	c->ns_count = count;
	c->ns_active = total;
	return 0;
}

NVME_COLD int nvme_ns_rescan(struct nvme_ctrl *c)
{
	if (c == NULL)
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	return nvme_ns_scan(c);
}

NVME_COLD uint32_t nvme_ns_count(const struct nvme_ctrl *c)
{
	return c != NULL ? c->ns_count : 0;
}

NVME_COLD uint32_t nvme_ns_active_count(const struct nvme_ctrl *c)
{
	return c != NULL ? c->ns_active : 0;
}

NVME_COLD struct nvme_ns *nvme_ns_get(struct nvme_ctrl *c, uint32_t nsid)
{
	if (c == NULL || nsid == 0)
		return NULL;
	for (uint32_t i = 0; i < c->ns_count; i++)
		if (c->ns[i].nsid == nsid)
			return &c->ns[i];
	return NULL;
}

NVME_COLD struct nvme_ns *nvme_ns_at(struct nvme_ctrl *c, uint32_t index)
{
	if (c == NULL || index >= c->ns_count)
		return NULL;
	return &c->ns[index];
}

/* ------------------------------------------------------------------------ */
/* Controller accessors                                                     */
/* ------------------------------------------------------------------------ */

enum nvme_ctrl_state nvme_ctrl_get_state(const struct nvme_ctrl *c)
{
	return c != NULL ? c->state : NVME_CTRL_OFF;
}

NVME_COLD const struct nvme_id_ctrl *nvme_ctrl_id(const struct nvme_ctrl *c) { return &c->id; }
NVME_COLD const char *nvme_ctrl_serial(const struct nvme_ctrl *c) { return c->serial; }
NVME_COLD const char *nvme_ctrl_model(const struct nvme_ctrl *c) { return c->model; }
NVME_COLD const char *nvme_ctrl_firmware(const struct nvme_ctrl *c) { return c->firmware; }
NVME_COLD uint32_t nvme_ctrl_version(const struct nvme_ctrl *c) { return c->vs; }
NVME_COLD uint64_t nvme_ctrl_cap(const struct nvme_ctrl *c) { return c->cap; }
NVME_COLD uint32_t nvme_ctrl_page_size(const struct nvme_ctrl *c) { return c->page_size; }
NVME_COLD uint32_t nvme_ctrl_max_transfer(const struct nvme_ctrl *c) { return c->max_xfer; }
NVME_COLD bool nvme_ctrl_uses_sgl(const struct nvme_ctrl *c) { return c->sgl_io; }

NVME_COLD uint32_t nvme_ctrl_io_queue_count(const struct nvme_ctrl *c)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		if (c->io[i].live)
			n++;
	return n;
}

NVME_COLD void nvme_ctrl_set_log_level(struct nvme_ctrl *c, enum nvme_log_level level)
{
	if (c != NULL && (unsigned)level <= (unsigned)NVME_LOG_TRACE)
		c->log_level = level;
}

NVME_COLD struct nvme_qpair *nvme_ctrl_admin_qpair(struct nvme_ctrl *c)
{
	return (c != NULL && c->admin.created) ? &c->admin : NULL;
}

NVME_COLD struct nvme_qpair *nvme_ctrl_io_qpair(struct nvme_ctrl *c, uint32_t index)
{
	if (c == NULL || index >= NVME_CFG_MAX_IO_QUEUES || !c->io[index].created)
		return NULL;
	return &c->io[index];
}

NVME_COLD struct nvme_qpair *nvme_ctrl_qpair(struct nvme_ctrl *c, uint16_t qid)
{
	return qid == 0 ? nvme_ctrl_admin_qpair(c) : nvme_ctrl_io_qpair(c, (uint32_t)qid - 1u);
}

NVME_COLD uint32_t nvme_ctrl_io_queue_max(const struct nvme_ctrl *c)
{
	return c != NULL ? c->io_granted : 0;
}

NVME_COLD void nvme_ctrl_io_queue_grant(const struct nvme_ctrl *c, uint32_t *nsq, uint32_t *ncq)
{
	if (nsq != NULL)
		*nsq = c != NULL ? c->io_grant_nsq : 0;
	if (ncq != NULL)
		*ncq = c != NULL ? c->io_grant_ncq : 0;
}

NVME_COLD size_t nvme_ns_unusable_text(const struct nvme_ns *ns, char *buf, size_t len)
{
	if (ns == NULL)
		return nvme_cat(buf, len, 0, "no namespace");
	const struct nvme_ctrl *c = ns->ctrl;
	const struct nvme_ns_format *f = ns->format_index < ns->format_count ? &ns->formats[ns->format_index] : NULL;
	switch (ns->unusable_reason) {
	case NVME_NS_USABLE:
		if (ns->unusable != 0)
			return nvme_cat(buf, len, 0, "not usable: %s", nvme_strerror(ns->unusable));
		return nvme_cat(buf, len, 0, "usable");
	case NVME_NS_BAD_LBAF:
		if (ns->format_count == 0)
			return nvme_cat(buf, len, 0, "NLBAF above 63");
		return nvme_cat(buf, len, 0, "FLBAS format %u beyond NLBAF %u", (unsigned)ns->format_index,
				(unsigned)(ns->format_count - 1u));
	case NVME_NS_BAD_LBADS:
		return nvme_cat(buf, len, 0, "LBADS %u outside %u..%u (format %u)", f ? (unsigned)f->lbads : 0u,
				(unsigned)NVME_LBADS_MIN, (unsigned)NVME_LBADS_MAX, (unsigned)ns->format_index);
	case NVME_NS_NO_BLOCKS:
		return nvme_cat(buf, len, 0, "NSZE is 0");
	case NVME_NS_METADATA:
		return nvme_cat(buf, len, 0, "metadata: %u bytes per block%s (format %u)", (unsigned)ns->meta_size,
				ns->meta_extended ? " (extended LBA)" : "", (unsigned)ns->format_index);
	case NVME_NS_PROTECTION:
		return nvme_cat(buf, len, 0,
				"protection information type %u (DPS %02Xh, PIF %u), %u metadata bytes per block: "
				"not supported", (unsigned)NVME_GET(ns->dps, NVME_DPS_PIT), (unsigned)ns->dps,
				(unsigned)ns->cmdset.pif, (unsigned)ns->meta_size);
	case NVME_NS_BLOCK_TOO_LARGE:
		return nvme_cat(buf, len, 0, "block size %u above the max transfer %u", (unsigned)ns->lba_size,
				c != NULL ? (unsigned)c->max_xfer : 0u);
	case NVME_NS_IDENTIFY_FAILED:
		return nvme_cat(buf, len, 0, "Identify Namespace failed: %s", nvme_strerror(ns->unusable));
	case NVME_NS_CSI:
		return nvme_cat(buf, len, 0, "I/O command set CSI %02Xh (%s) not implemented by the driver",
				(unsigned)ns->cmdset.csi, nvme_csi_name(ns->cmdset.csi));
	case NVME_NS_ZONED_ID:
		return nvme_cat(buf, len, 0, "Zoned Identify Namespace: %s", nvme_strerror(ns->unusable));
	default:
		return nvme_cat(buf, len, 0, "not usable");
	}
}

NVME_COLD struct nvme_qpair *nvme_default_qpair(struct nvme_ctrl *c)
{
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		if (c->io[i].live)
			return &c->io[i];
	return NULL;
}
