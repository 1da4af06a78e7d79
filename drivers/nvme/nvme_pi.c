/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_pi.c - metadata and end-to-end protection information (nvme_pi.h).
 *
 * What the driver learns of a namespace's metadata (nvme_pi_ns_setup, at
 * every scan): DPS type and PI location from Identify Namespace; the PI
 * format (PIF: 16b or 64b guard) from the extended LBA format of the NVM
 * command set specific Identify Namespace (CNS 05h CSI 00h) when Identify
 * Controller CTRATT says extended LBA formats are supported (ELBAS), else
 * the 16b guard. Every command here is built as an SQE and sent through the
 * general submit path (nvme_q_exec / nvme_q_submit). The separate metadata
 * buffer is never bounced. A dword-aligned, physically contiguous one is
 * given by address in MPTR (PSDT 00b or 01b). Any other (scattered over host
 * pages, or the caller asked with NVME_PI_META_SGL) goes by SGL when the
 * controller takes it (nvme_pi_meta_sgl(): Identify SGLS bits 1:0 01b/10b
 * and bit 19, and the driver sends I/O data by SGL): MPTR points at one
 * qword-aligned descriptor in the command slot's list space, after the
 * data's own descriptors: a Data Block for one piece, else a Last Segment
 * descriptor pointing at the Data Block descriptors that follow it (PSDT
 * 10b). Otherwise such a buffer is NVME_ERR_DMA, nothing sent. References:
 * NVMe 1.4 sections 4.4 (SGL), 4.2 (PSDT), 5.15.2.1 (SGLS), 8.3; NVM
 * Command Set 1.0 section 5.2 (REFERENCES.md).
 */
#include "nvme_internal.h"

#if NVME_CFG_PI

/* ------------------------------------------------------------------------ */
/* CRCs                                                                     */
/* ------------------------------------------------------------------------ */

uint16_t nvme_crc16_t10dif(uint16_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		crc = (uint16_t)(crc ^ ((uint16_t)b[i] << 8));
		for (int k = 0; k < 8; k++)
			crc = (uint16_t)((crc & 0x8000u) ? ((unsigned)crc << 1) ^ 0x8BB7u : (unsigned)crc << 1);
	}
	return crc;
}

/* Reflected form of the Rocksoft polynomial AD93D23594C93659h. */
#define CRC64_NVME_POLY_REFLECTED 0x9A6C9329AC4BC9B5ull

uint64_t nvme_crc64_nvme(uint64_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++)
			crc = (crc & 1u) ? (crc >> 1) ^ CRC64_NVME_POLY_REFLECTED : crc >> 1;
	}
	return ~crc;
}

/* ------------------------------------------------------------------------ */
/* Namespace setup                                                          */
/* ------------------------------------------------------------------------ */

NVME_COLD unsigned nvme_ns_pi_type(const struct nvme_ns *ns)
{
	return ns != NULL ? (unsigned)NVME_GET(ns->dps, NVME_DPS_PIT) : 0u;
}

NVME_COLD bool nvme_ns_pi_first(const struct nvme_ns *ns)
{
	return ns != NULL && NVME_GET(ns->dps, NVME_DPS_PIP) != 0;
}

/* The PIF of ns's current format (CNS 05h), 16b guard when not reported. */
NVME_COLD static unsigned read_pif(struct nvme_ctrl *c, const struct nvme_ns *ns)
{
	if (!NVME_GET(c->id.ctratt, NVME_CTRATT_ELBAS))
		return NVME_PIF_16B_GUARD;
	struct nvme_sqe sqe;
	nvme_identify_sqe(&sqe, NVME_CNS_CS_NS, ns->nsid, 0, NVME_CSI_NVM);
	int rc = nvme_q_exec(&c->admin, &sqe, c->idbuf, NVME_IDENTIFY_DATA_SIZE, c->admin_timeout_ms, NULL);
	if (rc != 0) {
		nvme_dbg(c, "ns %u: NVM Identify Namespace (CNS 05h) failed (%s): 16b guard assumed",
			 (unsigned)ns->nsid, nvme_strerror(rc));
		return NVME_PIF_16B_GUARD;
	}
	const struct nvme_id_ns_nvm *d = c->idbuf;
	return (unsigned)NVME_GET(d->elbaf[ns->format_index], NVME_ELBAF_PIF);
}

NVME_COLD void nvme_pi_ns_setup(struct nvme_ctrl *c, struct nvme_ns *ns)
{
	unsigned pit = (unsigned)NVME_GET(ns->dps, NVME_DPS_PIT);
	ns->cmdset.pi_size = 0;
	ns->cmdset.pif = 0;
	if (pit == NVME_PI_TYPE_NONE) {
		ns->cmdset.md_plain = ns->meta_size != 0 ? NVME_MD_PLAIN_REFUSED : NVME_MD_PLAIN_NONE;
		return;
	}
	unsigned pif = pit <= NVME_PI_TYPE3 ? read_pif(c, ns) : 0u;
	ns->cmdset.pif = (uint8_t)pif;
	ns->cmdset.pi_size = (uint8_t)(pif == NVME_PIF_64B_GUARD ? NVME_PI16_SIZE : NVME_PI8_SIZE);
	if (pit > NVME_PI_TYPE3 || (pif != NVME_PIF_16B_GUARD && pif != NVME_PIF_64B_GUARD) ||
	    ns->meta_size < ns->cmdset.pi_size) {
		/* a type, format or size the driver does not know how to check */
		ns->unusable = NVME_ERR_UNSUPPORTED;
		ns->unusable_reason = NVME_NS_PROTECTION;
		ns->cmdset.md_plain = NVME_MD_PLAIN_REFUSED;
		return;
	}
	ns->cmdset.md_plain = ns->meta_size == ns->cmdset.pi_size ? NVME_MD_PLAIN_PRACT : NVME_MD_PLAIN_REFUSED;
}

/* Plain commands on a PI-only namespace: PRACT=1, the LBA as reference tag
 * (types 1 and 2 check it against the LBA; type 3 stores it). Verify gets
 * nothing: PRACT is invalid for it and it moves no data. */
void nvme_pi_plain_sqe(const struct nvme_ns *ns, struct nvme_sqe *sqe, uint64_t lba)
{
	if (ns->cmdset.md_plain != NVME_MD_PLAIN_PRACT || sqe->opc == NVME_CMD_VERIFY)
		return;
	sqe->cdw12 |= (uint32_t)NVME_SET(NVME_RW_CDW12_PRINFO, NVME_PRINFO_PRACT);
	sqe->cdw14 = (uint32_t)lba;
	if (ns->cmdset.pif == NVME_PIF_64B_GUARD)
		sqe->cdw3 = (uint32_t)(lba >> 32) & 0xFFFFu;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

/* Metadata goes in the data buffer (extended) or MPTR, unless PRACT strips
 * a PI-only tuple. */
static bool pi_strips(const struct nvme_ns *ns, unsigned prinfo)
{
	return (prinfo & NVME_PRINFO_PRACT) && ns->cmdset.pi_size != 0 && ns->meta_size == ns->cmdset.pi_size;
}

/* Bytes per block in the data buffer. */
static uint32_t data_stride(const struct nvme_ns *ns, unsigned prinfo)
{
	return ns->lba_size + ((ns->meta_extended && !pi_strips(ns, prinfo)) ? ns->meta_size : 0u);
}

static bool meta_needed(const struct nvme_ns *ns, unsigned prinfo)
{
	return ns->meta_size != 0 && !ns->meta_extended && !pi_strips(ns, prinfo);
}

NVME_COLD uint32_t nvme_pi_max_blocks(const struct nvme_ns *ns)
{
	if (ns == NULL || ns->ctrl == NULL || ns->unusable != 0)
		return 0;
	if (!ns->meta_extended)
		return ns->max_blocks;
	uint32_t n = ns->ctrl->max_xfer / (ns->lba_size + ns->meta_size);
	return nvme_min_u32(n, ns->max_blocks);
}

/* The request's fields against ns (not the buffers' addresses). */
static int req_ok(const struct nvme_ns *ns, const struct nvme_pi_req *r, bool data)
{
	if (r == NULL || (r->prinfo & ~0xFu) != 0)
		return NVME_ERR_INVAL;
	if (ns->cmdset.pi_size == 0 && r->prinfo != 0)
		return NVME_ERR_INVAL;   /* no PI to act on or check */
	uint64_t ref_max = ns->cmdset.pif == NVME_PIF_64B_GUARD ? NVME_PI_REF48_ESCAPE : NVME_PI_REF32_ESCAPE;
	if (r->ref_tag > ref_max)
		return NVME_ERR_INVAL;
	if (!data)
		return 0;
	if (r->data == NULL)
		return NVME_ERR_INVAL;
	if (meta_needed(ns, r->prinfo) != (r->meta != NULL))
		return NVME_ERR_INVAL;
	return 0;
}

/* The bus address of meta (len bytes): dword aligned, physically
 * contiguous, below dma_limit; else NVME_ERR_DMA. */
static int meta_phys(struct nvme_ctrl *c, const void *meta, size_t len, uint64_t *out)
{
	const struct nvme_host *h = c->host;
	uintptr_t v = (uintptr_t)meta;
	uint64_t first;
	if ((v & 3u) != 0 || h->virt_to_phys(h->ctx, meta, &first) != 0 || (first & 3u) != 0)
		return NVME_ERR_DMA;
	/* every following host page must continue the run */
	size_t pg = h->page_size;
	size_t done = pg - (v & (pg - 1u));
	while (done < len) {
		uint64_t p;
		if (h->virt_to_phys(h->ctx, (const uint8_t *)meta + done, &p) != 0 || p != first + done)
			return NVME_ERR_DMA;
		done += pg;
	}
	/* the whole run must end inside the host's dma_limit (no wrap) */
	uint64_t end = first + len;
	if (end < first || (h->dma_limit != 0 && end > h->dma_limit))
		return NVME_ERR_DMA;
	*out = first;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Metadata by SGL (PSDT 10b)                                               */
/* ------------------------------------------------------------------------ */

NVME_COLD bool nvme_pi_meta_sgl(const struct nvme_ctrl *c)
{
	if (!NVME_CFG_SGL || c == NULL || !c->sgl_io)
		return false;
	unsigned sup = (unsigned)NVME_GET(c->id.sgls, NVME_SGLS_SUPPORT);
	/* bit 19 only means something with SGLs supported (01b or 10b) */
	return (sup == NVME_SGLS_SUPPORT_ANY_ALIGN || sup == NVME_SGLS_SUPPORT_DWORD_ALIGN) &&
	       NVME_GET(c->id.sgls, NVME_SGLS_MPTR_SGL) != 0;
}

#if NVME_CFG_SGL
static void md_desc(struct nvme_sgl_desc *d, uint64_t addr, uint32_t len, unsigned type)
{
	d->addr = addr;
	d->length = len;
	d->rsvd[0] = d->rsvd[1] = d->rsvd[2] = 0;
	d->id = (uint8_t)(NVME_SET(NVME_SGL_ID_TYPE, type) | NVME_SET(NVME_SGL_ID_SUBTYPE, NVME_SGL_SUBTYPE_ADDRESS));
}

/* The next physically contiguous run of the metadata (host page by host
 * page, runs merged): 0, or NVME_ERR_DMA (untranslatable, wraps, beyond
 * dma_limit). */
static int md_piece(const struct nvme_host *h, uintptr_t *v, size_t *left, uint64_t *p, size_t *n)
{
	size_t hp = h->page_size;
	size_t len = 0;
	uint64_t start = 0;
	while (*left != 0) {
		size_t room = hp - (*v & (hp - 1u));
		size_t k = *left < room ? *left : room;
		uint64_t phys;
		if (h->virt_to_phys(h->ctx, (const void *)*v, &phys) != 0 || phys + k < phys ||
		    (h->dma_limit != 0 && phys + k > h->dma_limit))
			return NVME_ERR_DMA;
		if (len != 0 && (phys != start + len || len + k > 0xFFFFFFFFu))
			break;   /* a new run starts here */
		if (len == 0)
			start = phys;
		len += k;
		*v += k;
		*left -= k;
	}
	*p = start;
	*n = len;
	return 0;
}

/* Describe x->meta in slot idx's list space from descriptor `base` on:
 * MPTR at list[base]. */
static int md_sgl_build(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe, const struct nvme_pi_xfer *x,
			uint32_t base)
{
	const struct nvme_ctrl *c = q->ctrl;
	if (q->lists == NULL)
		return NVME_ERR_DMA;
	struct nvme_sgl_desc *list = (struct nvme_sgl_desc *)((uint8_t *)q->lists + (size_t)idx * q->list_stride);
	uint64_t list_phys = q->lists_phys + (uint64_t)idx * q->list_stride;
	uint32_t cap = q->list_stride >> 4;
	uintptr_t v = (uintptr_t)x->meta;
	size_t left = x->meta_len;
	uint32_t n = 0;   /* Data Block descriptors written after list[base] */
	uint64_t cur = 0;
	size_t cur_len = 0;
	if (base >= cap)
		return NVME_ERR_DMA;
	while (left != 0) {
		uint64_t p;
		size_t k;
		int rc = md_piece(c->host, &v, &left, &p, &k);
		if (rc != 0)
			return rc;
		if (c->sgl_dword && ((p | k) & 3u))
			return NVME_ERR_DMA;   /* SGLS 10b: data blocks dword aligned and sized */
		if (cur_len != 0) {
			if (base + 1u + n >= cap)
				return NVME_ERR_DMA;
			md_desc(&list[base + 1u + n++], cur, (uint32_t)cur_len, NVME_SGL_TYPE_DATA_BLOCK);
		}
		cur = p;
		cur_len = k;
	}
	if (n == 0) {
		md_desc(&list[base], cur, (uint32_t)cur_len, NVME_SGL_TYPE_DATA_BLOCK);
	} else {
		if (base + 1u + n >= cap)
			return NVME_ERR_DMA;
		md_desc(&list[base + 1u + n++], cur, (uint32_t)cur_len, NVME_SGL_TYPE_DATA_BLOCK);
		md_desc(&list[base], list_phys + (uint64_t)(base + 1u) * sizeof(struct nvme_sgl_desc),
			n * (uint32_t)sizeof(struct nvme_sgl_desc), NVME_SGL_TYPE_LAST_SEGMENT);
	}
	sqe->mptr = list_phys + (uint64_t)base * sizeof(struct nvme_sgl_desc);
	sqe->flags = (uint8_t)((sqe->flags & ~NVME_MASK(NVME_SQE_FLAGS_PSDT)) |
			       NVME_SET(NVME_SQE_FLAGS_PSDT, NVME_PSDT_SGL_MPTR_SGL));
	return 0;
}
#endif /* NVME_CFG_SGL */

int nvme_pi_map_meta_sgl(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe, const struct nvme_pi_xfer *x)
{
#if NVME_CFG_SGL
	int rc = nvme_xfer_map(q, idx, sqe, x->data, x->len, (unsigned)NVME_GET(sqe->opc, NVME_OPC_XFER));
	if (rc != 0)
		return rc;
	/* PSDT 10b needs the data by SGL too; a data SGL that did not fit the
	 * slot went by PRP */
	uint32_t base = 0;
	bool data_sgl = NVME_GET(sqe->flags, NVME_SQE_FLAGS_PSDT) == NVME_PSDT_SGL_MPTR_CONTIG;
	if (data_sgl) {
		if (NVME_GET(sqe->dptr.sgl1.id, NVME_SGL_ID_TYPE) == NVME_SGL_TYPE_LAST_SEGMENT)
			base = sqe->dptr.sgl1.length >> 4;   /* the data's descriptors come first */
		rc = md_sgl_build(q, idx, sqe, x, base);
	}
	if (!data_sgl || rc != 0) {
		nvme_dbg(q->ctrl, "queue %u: metadata not describable by SGL (%s; %u descriptors of list space per command, "
			 "%u taken by the data)", (unsigned)q->qid,
			 !data_sgl ? "the data went by PRP" : "a piece unreachable, misaligned or too many pieces",
			 (unsigned)(q->list_stride >> 4), (unsigned)base);
		nvme_xfer_unmap(q, idx, false);
		return NVME_ERR_DMA;
	}
	return 0;
#else
	(void)q; (void)idx; (void)sqe; (void)x;
	return NVME_ERR_DMA;
#endif
}

static void pi_sqe(const struct nvme_ns *ns, struct nvme_sqe *sqe, uint8_t opc, uint64_t lba, uint32_t n,
		   const struct nvme_pi_req *r, uint64_t ref)
{
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = opc;
	sqe->nsid = ns->nsid;
	sqe->cdw10 = (uint32_t)lba;
	sqe->cdw11 = (uint32_t)(lba >> 32);
	sqe->cdw12 = (uint32_t)(NVME_SET(NVME_RW_CDW12_NLB, n - 1u) |
				NVME_SET(NVME_RW_CDW12_PRINFO, r->prinfo) |
				NVME_SET(NVME_RW_CDW12_FUA, (r->flags & NVME_IO_FUA) ? 1 : 0) |
				NVME_SET(NVME_RW_CDW12_LR, (r->flags & NVME_IO_LIMITED_RETRY) ? 1 : 0));
	sqe->cdw14 = (uint32_t)ref;
	if (ns->cmdset.pif == NVME_PIF_64B_GUARD)
		sqe->cdw3 = (uint32_t)(ref >> 32) & 0xFFFFu;
	sqe->cdw15 = (uint32_t)(NVME_SET(NVME_RW_CDW15_LBAT, r->app_tag) | NVME_SET(NVME_RW_CDW15_LBATM, r->app_mask));
}

/* The reference tag of the block i blocks after the first. */
static uint64_t ref_at(const struct nvme_ns *ns, uint64_t ref, uint64_t i)
{
	if (nvme_ns_pi_type(ns) == NVME_PI_TYPE3)
		return ref;
	uint64_t mask = ns->cmdset.pif == NVME_PIF_64B_GUARD ? NVME_PI_REF48_ESCAPE : NVME_PI_REF32_ESCAPE;
	return (ref + i) & mask;
}

/* One command with data (and metadata); sync (cb NULL) or async. */
static int data_cmd(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba, uint32_t n,
		    const struct nvme_pi_req *r, uint8_t *data, uint8_t *meta, uint64_t ref,
		    nvme_cmd_cb cb, void *arg)
{
	struct nvme_ctrl *c = ns->ctrl;
	struct nvme_sqe sqe;
	pi_sqe(ns, &sqe, opc, lba, n, r, ref);
	size_t bytes = (size_t)n * data_stride(ns, r->prinfo);
	size_t mlen = (size_t)n * ns->meta_size;
	bool by_sgl = (r->flags & NVME_PI_META_SGL) != 0;
	if (meta != NULL && !by_sgl && meta_phys(c, meta, mlen, &sqe.mptr) != 0) {
		if (!nvme_pi_meta_sgl(c)) {
			nvme_dbg(c, "ns %u: metadata buffer not dword aligned, physically contiguous and below dma_limit, "
				 "and no metadata SGL (SGLS %08Xh bit 19, I/O data by %s)", (unsigned)ns->nsid,
				 (unsigned)c->id.sgls, c->sgl_io ? "SGL" : "PRP");
			return NVME_ERR_DMA;
		}
		by_sgl = true;
	}
	if (meta == NULL || !by_sgl) {
		if (cb == NULL)
			return nvme_q_exec(q, &sqe, data, bytes, c->io_timeout_ms, NULL);
		return nvme_q_submit(q, &sqe, data, bytes, cb, arg, NULL);
	}
	if (!nvme_pi_meta_sgl(c))
		return NVME_ERR_UNSUPPORTED;   /* asked for with NVME_PI_META_SGL */
	/* read during the submission only (the slot keeps the descriptors) */
	struct nvme_pi_xfer x = { data, bytes, meta, mlen };
	if (cb == NULL)
		return nvme_q_exec_flags(q, &sqe, &x, bytes, c->io_timeout_ms, NVME_QF_META_SGL, NULL);
	return nvme_q_submit_flags(q, &sqe, &x, bytes, cb, arg, NVME_QF_META_SGL, NULL);
}

/* The checks every metadata command starts with: the queue (NULL: the
 * default one), the LBA range, and the request (data: it moves blocks). */
static int pi_prep(struct nvme_ns *ns, struct nvme_qpair **q, uint64_t lba, uint32_t count,
		   const struct nvme_pi_req *r, bool data)
{
	int rc = nvme_ns_io_prep(ns, q);
	if (rc == 0)
		rc = nvme_ns_range_ok(ns, lba, count);
	if (rc == 0)
		rc = req_ok(ns, r, data);
	return rc;
}

static int data_sync(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba, uint32_t count,
		     const struct nvme_pi_req *r)
{
	int rc = pi_prep(ns, &q, lba, count, r, true);
	if (rc != 0)
		return rc;
	if (opc == NVME_CMD_COMPARE && (rc = nvme_require(ns->ctrl, NVME_OPT_COMPARE, r->flags, "Compare")) != 0)
		return rc;
	uint32_t max = nvme_pi_max_blocks(ns);
	if (max == 0)
		return NVME_ERR_UNSUPPORTED;
	uint8_t *d = r->data, *m = r->meta;
	uint64_t done = 0;
	bool md_sgl = m != NULL && nvme_pi_meta_sgl(ns->ctrl);
	while (count != 0) {
		uint32_t n = nvme_min_u32(count, max);
		rc = data_cmd(ns, q, opc, lba, n, r, d, m, ref_at(ns, r->ref_tag, done), NULL, NULL);
		if (rc == NVME_ERR_DMA && md_sgl && n > 1) {
			/* nothing was sent: data and metadata pieces may not fit
			 * the slot's list space together; fewer blocks per command */
			max = n / 2u;
			continue;
		}
		if (rc != 0)
			return rc;
		d += (size_t)n * data_stride(ns, r->prinfo);
		if (m != NULL)
			m += (size_t)n * ns->meta_size;
		lba += n;
		done += n;
		count -= n;
	}
	return 0;
}

static int data_async(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba, uint32_t count,
		      const struct nvme_pi_req *r, nvme_cmd_cb cb, void *arg)
{
	int rc = pi_prep(ns, &q, lba, count, r, true);
	if (rc != 0)
		return rc;
	if (cb == NULL)
		return NVME_ERR_INVAL;
	if (count > nvme_pi_max_blocks(ns))
		return NVME_ERR_TOO_LARGE;
	return data_cmd(ns, q, opc, lba, count, r, r->data, r->meta, r->ref_tag, cb, arg);
}

int nvme_pi_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		 const struct nvme_pi_req *r)
{
	return data_sync(ns, q, NVME_CMD_READ, lba, count, r);
}

int nvme_pi_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		  const struct nvme_pi_req *r)
{
	return data_sync(ns, q, NVME_CMD_WRITE, lba, count, r);
}

int nvme_pi_compare(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    const struct nvme_pi_req *r)
{
	int rc = data_sync(ns, q, NVME_CMD_COMPARE, lba, count, r);
	return nvme_status_is(rc, NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE) ? NVME_ERR_COMPARE_MISMATCH : rc;
}

int nvme_pi_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		       const struct nvme_pi_req *r, nvme_cmd_cb cb, void *arg)
{
	return data_async(ns, q, NVME_CMD_READ, lba, count, r, cb, arg);
}

int nvme_pi_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			const struct nvme_pi_req *r, nvme_cmd_cb cb, void *arg)
{
	return data_async(ns, q, NVME_CMD_WRITE, lba, count, r, cb, arg);
}

/* Verify and Write Zeroes: no data, PRINFO and tags only. */
static int nodata(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t opc, uint64_t lba, uint32_t count,
		  const struct nvme_pi_req *r)
{
	int rc = pi_prep(ns, &q, lba, count, r, false);
	if (rc != 0)
		return rc;
	bool wz = opc == NVME_CMD_WRITE_ZEROES;
	if (wz ? (r->prinfo & 0x7u) != 0 : (r->prinfo & NVME_PRINFO_PRACT) != 0)
		return NVME_ERR_INVAL;
	rc = nvme_require(ns->ctrl, wz ? NVME_OPT_WRITE_ZEROES : NVME_OPT_VERIFY, r->flags,
			  wz ? "Write Zeroes" : "Verify");
	if (rc != 0)
		return rc;
#if NVME_CFG_DM
	uint32_t max = wz ? nvme_ns_write_zeroes_max_blocks(ns) : nvme_ns_verify_max_blocks(ns);
#else
	uint32_t max = ns->max_blocks;
#endif
	if (max == 0)
		return NVME_ERR_UNSUPPORTED;
	uint64_t done = 0;
	while (count != 0) {
		uint32_t n = nvme_min_u32(count, max);
		struct nvme_sqe sqe;
		pi_sqe(ns, &sqe, opc, lba, n, r, ref_at(ns, r->ref_tag, done));
		rc = nvme_q_exec(q, &sqe, NULL, 0, ns->ctrl->io_timeout_ms, NULL);
		if (rc != 0)
			return rc;
		lba += n;
		done += n;
		count -= n;
	}
	return 0;
}

int nvme_pi_verify(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		   const struct nvme_pi_req *r)
{
	return nodata(ns, q, NVME_CMD_VERIFY, lba, count, r);
}

int nvme_pi_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			 const struct nvme_pi_req *r)
{
	return nodata(ns, q, NVME_CMD_WRITE_ZEROES, lba, count, r);
}

/* ------------------------------------------------------------------------ */
/* Driver-side generate and check                                           */
/* ------------------------------------------------------------------------ */

/* Block i's data and its metadata (PRACT=0 layout). */
static void block_at(const struct nvme_ns *ns, const uint8_t *data, const uint8_t *meta, uint32_t i,
		     const uint8_t **d, const uint8_t **m)
{
	if (ns->meta_extended) {
		*d = data + (size_t)i * (ns->lba_size + ns->meta_size);
		*m = *d + ns->lba_size;
	} else {
		*d = data + (size_t)i * ns->lba_size;
		*m = meta + (size_t)i * ns->meta_size;
	}
}

/* Offset of the PI tuple in a block's metadata. */
static uint32_t pi_off(const struct nvme_ns *ns)
{
	return nvme_ns_pi_first(ns) ? 0u : (uint32_t)(ns->meta_size - ns->cmdset.pi_size);
}

/* The guard of a block: its data, then the metadata before the tuple. */
static uint64_t guard_of(const struct nvme_ns *ns, const uint8_t *d, const uint8_t *m)
{
	uint32_t pre = pi_off(ns);
	if (ns->cmdset.pif == NVME_PIF_64B_GUARD)
		return nvme_crc64_nvme(nvme_crc64_nvme(0, d, ns->lba_size), m, pre);
	return nvme_crc16_t10dif(nvme_crc16_t10dif(0, d, ns->lba_size), m, pre);
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = n; i-- > 0;) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* The tuple's fields: guard, app tag, ref tag (offset, width) by format. */
struct tuple_layout {
	unsigned g_off, g_len, a_off, r_off, r_len;
};

static struct tuple_layout layout_of(const struct nvme_ns *ns)
{
	if (ns->cmdset.pif == NVME_PIF_64B_GUARD)
		return (struct tuple_layout){ 0, 8, 8, 10, 6 };
	return (struct tuple_layout){ 0, 2, 2, 4, 4 };
}

NVME_COLD int nvme_pi_generate(const struct nvme_ns *ns, void *data, void *meta, uint32_t count,
			       uint64_t ref_tag, uint16_t app_tag)
{
	if (ns == NULL || data == NULL || ns->cmdset.pi_size == 0 || (ns->meta_extended != (meta == NULL)))
		return NVME_ERR_INVAL;
	struct tuple_layout t = layout_of(ns);
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *d, *m;
		block_at(ns, data, meta, i, &d, &m);
		uint8_t *pi = (uint8_t *)(uintptr_t)m + pi_off(ns);
		put_be(pi + t.g_off, t.g_len, guard_of(ns, d, m));
		put_be(pi + t.a_off, 2, app_tag);
		put_be(pi + t.r_off, t.r_len, ref_at(ns, ref_tag, i));
	}
	return 0;
}

NVME_COLD int nvme_pi_check(const struct nvme_ns *ns, const void *data, const void *meta, uint32_t count,
			    uint64_t lba, uint64_t ref_tag, uint16_t app_tag, uint16_t app_mask, unsigned prchk,
			    struct nvme_pi_error *err)
{
	if (ns == NULL || data == NULL || ns->cmdset.pi_size == 0 || (ns->meta_extended != (meta == NULL)))
		return NVME_ERR_INVAL;
	struct tuple_layout t = layout_of(ns);
	unsigned type = nvme_ns_pi_type(ns);
	uint64_t ref_escape = t.r_len == 6 ? NVME_PI_REF48_ESCAPE : NVME_PI_REF32_ESCAPE;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *d, *m;
		block_at(ns, data, meta, i, &d, &m);
		const uint8_t *pi = m + pi_off(ns);
		uint64_t app = get_be(pi + t.a_off, 2), ref = get_be(pi + t.r_off, t.r_len);
		if (app == NVME_PI_APP_ESCAPE && (type != NVME_PI_TYPE3 || ref == ref_escape))
			continue;   /* checking disabled for this block */
		int rc = 0;
		uint64_t want = 0, got = 0;
		if ((prchk & NVME_PRINFO_PRCHK_GUARD) && (got = get_be(pi + t.g_off, t.g_len)) != (want = guard_of(ns, d, m)))
			rc = NVME_ERR_PI_GUARD;
		else if ((prchk & NVME_PRINFO_PRCHK_APP) && (got = app & app_mask) != (want = (uint64_t)(app_tag & app_mask)))
			rc = NVME_ERR_PI_APP_TAG;
		else if ((prchk & NVME_PRINFO_PRCHK_REF) && type != NVME_PI_TYPE3 &&
			 (got = ref) != (want = ref_at(ns, ref_tag, i)))
			rc = NVME_ERR_PI_REF_TAG;
		if (rc != 0) {
			if (err != NULL) {
				err->lba = lba + i;
				err->expected = want;
				err->found = got;
			}
			return rc;
		}
	}
	return 0;
}

NVME_COLD size_t nvme_pi_describe(int rc, uint64_t lba, uint32_t count, const struct nvme_pi_error *err,
				  char *buf, size_t len)
{
	static const char *const what[] = { "guard", "application tag", "reference tag" };
	if ((rc == NVME_ERR_PI_GUARD || rc == NVME_ERR_PI_APP_TAG || rc == NVME_ERR_PI_REF_TAG) && err != NULL) {
		unsigned k = (unsigned)(NVME_ERR_PI_GUARD - rc);
		return nvme_cat(buf, len, 0, "%s check error at LBA %llu (driver check): expected %llXh, found %llXh",
				what[k], (unsigned long long)err->lba, (unsigned long long)err->expected,
				(unsigned long long)err->found);
	}
	if (nvme_status_is_device(rc) && nvme_status_sct(rc) == NVME_SCT_MEDIA &&
	    nvme_status_sc(rc) >= NVME_SC_GUARD_CHECK_ERROR && nvme_status_sc(rc) <= NVME_SC_REFERENCE_TAG_CHECK_ERROR) {
		unsigned k = nvme_status_sc(rc) - NVME_SC_GUARD_CHECK_ERROR;
		return nvme_cat(buf, len, 0,
				"%s check error reported by the device in LBAs %llu..%llu (it does not say which block; "
				"SCT 2h SC %02Xh)", what[k], (unsigned long long)lba,
				(unsigned long long)(lba + (count != 0 ? count - 1u : 0u)), nvme_status_sc(rc));
	}
	return nvme_status_describe(rc, buf, len);
}

#else
typedef int nvme_pi_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_PI */
