/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_xfer.c - data pointers: PRP entries and lists, SGL descriptors, and
 * the bounce buffer.
 *
 * A caller's buffer is walked host page by host page; each piece is
 * translated with the host's virt_to_phys. PRPs need every piece after the
 * first to start on a driver (CC.MPS) page boundary or continue the previous
 * piece contiguously, and the first to be dword aligned. SGLs take any pieces
 * (merged when contiguous) up to the slot's descriptor space. When the buffer
 * cannot be described (not dword aligned, untranslatable, at or above
 * dma_limit, too fragmented) the data goes through the queue's bounce buffer,
 * which is physically contiguous and owned by one command at a time.
 *
 * List space: every command slot owns list_stride bytes of DMA memory. When
 * one page of PRP entries suffices, the stride is a power of two <= page size
 * so a list never crosses a page; otherwise it is whole pages and the last
 * entry of every full list page points to the next page (section 4.3).
 */
#include "nvme_internal.h"

#define NVME_NEED_BOUNCE   1   /* internal: buffer not describable as is */
#define NVME_NEED_PRP      2   /* internal: too many SGL descriptors, try PRP */

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_xfer_alloc(struct nvme_ctrl *c, struct nvme_qpair *q, uint32_t max_xfer)
{
	uint32_t ps = c->page_size;
	uint32_t per_page = ps >> 3;            /* PRP entries per list page */
	/* A max_xfer-byte buffer at any offset spans max_xfer/ps + 1 pages;
	 * PRP1 covers the first, the list the rest. */
	uint32_t need = max_xfer >> c->page_shift;
	uint32_t stride, cap;

	nvme_xfer_free(c, q);
	if ((uint64_t)need * 8u <= ps) {
		stride = NVME_LIST_MIN_STRIDE;
		while (stride < need * 8u)
			stride <<= 1;
		cap = stride >> 3;
	} else {
		uint32_t k = 1;
		while ((uint64_t)k * per_page - (k - 1) < need)
			k++;
		stride = k * ps;
		cap = k * per_page - (k - 1);
	}

	q->lists_bytes = (size_t)stride * q->nslots;
	q->lists_bytes = (q->lists_bytes + ps - 1) & ~((size_t)ps - 1);
	q->lists = nvme_dma_alloc(c, q->lists_bytes, ps, &q->lists_phys);
	if (q->lists == NULL)
		goto fail;
	q->bounce_bytes = max_xfer;
	q->bounce = nvme_dma_alloc(c, q->bounce_bytes, ps, &q->bounce_phys);
	if (q->bounce == NULL)
		goto free_lists;
	q->list_stride = stride;
	q->list_prp_entries = cap;
	q->max_xfer = max_xfer;
	q->bounce_busy = false;
	return 0;

free_lists:
	nvme_dma_free(c, q->lists, q->lists_phys, q->lists_bytes);
	q->lists = NULL;
fail:
	q->lists_bytes = 0;
	q->bounce_bytes = 0;
	nvme_err(c, "queue %u: out of DMA memory for PRP lists / bounce buffer (%u bytes per command)",
		 (unsigned)q->qid, (unsigned)max_xfer);
	return NVME_ERR_NOMEM;
}

NVME_COLD void nvme_xfer_free(struct nvme_ctrl *c, struct nvme_qpair *q)
{
	if (q->bounce != NULL)
		nvme_dma_free(c, q->bounce, q->bounce_phys, q->bounce_bytes);
	if (q->lists != NULL)
		nvme_dma_free(c, q->lists, q->lists_phys, q->lists_bytes);
	q->bounce = NULL;
	q->lists = NULL;
	q->bounce_bytes = 0;
	q->lists_bytes = 0;
	q->list_stride = 0;
	q->list_prp_entries = 0;
	q->max_xfer = 0;
	q->bounce_busy = false;
}

/* ------------------------------------------------------------------------ */
/* Walking a buffer in physically contiguous pieces                         */
/* ------------------------------------------------------------------------ */

struct piece_walk {
	const struct nvme_ctrl *c;
	uintptr_t v;          /* next virtual address, or 0 when contiguous */
	uint64_t  phys;       /* contiguous: next physical address */
	size_t    left;
	bool      contig;     /* the buffer is known contiguous (bounce) */
	const struct nvme_phys_seg *seg;   /* the caller's physical segments, or NULL */
	uint32_t  nseg;       /* segments left */
};

/* The next of the caller's physical segments (never trusted: an empty one,
 * one that wraps or one beyond dma_limit cannot be described). */
static int piece_next_seg(struct piece_walk *w, uint64_t *p, size_t *n)
{
	const struct nvme_host *h = w->c->host;
	if (w->nseg == 0)
		return NVME_NEED_BOUNCE;
	uint64_t phys = w->seg->addr;
	size_t len = w->seg->len < w->left ? w->seg->len : w->left;
	w->seg++;
	w->nseg--;
	if (len == 0 || phys + len < phys || (h->dma_limit != 0 && phys + len > h->dma_limit))
		return NVME_NEED_BOUNCE;
	w->left -= len;
	*p = phys;
	*n = len;
	return 0;
}

/* Next piece: 0 with *p and *n set, or NVME_NEED_BOUNCE. Must not be called with left 0. */
static int piece_next(struct piece_walk *w, uint64_t *p, size_t *n)
{
	if (w->seg != NULL)
		return piece_next_seg(w, p, n);
	if (w->contig) {
		*p = w->phys;
		*n = w->left;
		w->left = 0;
		return 0;
	}
	const struct nvme_host *h = w->c->host;
	size_t hp = h->page_size;
	size_t room = hp - (w->v & (hp - 1));
	size_t len = w->left < room ? w->left : room;
	uint64_t phys;

	if (h->virt_to_phys(h->ctx, (const void *)w->v, &phys) != 0)
		return NVME_NEED_BOUNCE;
	if (phys + len < phys)
		return NVME_NEED_BOUNCE;
	if (h->dma_limit != 0 && phys + len > h->dma_limit)
		return NVME_NEED_BOUNCE;
	w->v += len;
	w->left -= len;
	*p = phys;
	*n = len;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* PRP                                                                      */
/* ------------------------------------------------------------------------ */

struct prp_build {
	uint64_t *list;       /* slot's list space */
	uint64_t  list_phys;
	uint32_t  cap;        /* entries the space holds, including chain slots */
	uint32_t  per_page;   /* entries per list page */
	uint32_t  pos;        /* next position in list */
	uint32_t  count;      /* data entries written */
};

/* Append one page address; chain to the next list page when a full page is
 * followed by more entries. */
static int prp_emit(struct prp_build *b, uint64_t addr)
{
	if (b->pos != 0 && (b->pos & (b->per_page - 1)) == 0) {
		/* previous list page is full: its last entry becomes the chain
		 * pointer and the data it held moves to the new page */
		if (b->pos + 1 >= b->cap)
			return NVME_NEED_BOUNCE;
		uint64_t moved = b->list[b->pos - 1];
		b->list[b->pos - 1] = b->list_phys + (uint64_t)b->pos * 8u;
		b->list[b->pos++] = moved;
	}
	if (b->pos >= b->cap)
		return NVME_NEED_BOUNCE;
	b->list[b->pos++] = addr;
	b->count++;
	return 0;
}

static int build_prp(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe,
		     struct piece_walk *w)
{
	const struct nvme_ctrl *c = q->ctrl;
	uint64_t pmask = (uint64_t)c->page_size - 1;
	struct prp_build b;
	uint64_t prp1 = 0, end = 0;
	bool first = true;
	int rc;

	/* no list space yet (the admin queue during Identify Controller):
	 * never form an address from the NULL pointer */
	b.list = NULL;
	b.list_phys = 0;
	b.cap = 0;
	if (q->lists != NULL) {
		b.list = (uint64_t *)((uint8_t *)q->lists + (size_t)idx * q->list_stride);
		b.list_phys = q->lists_phys + (uint64_t)idx * q->list_stride;
		b.cap = q->list_stride >> 3;
	}
	b.per_page = c->page_size >> 3;
	b.pos = 0;
	b.count = 0;

	while (w->left != 0) {
		uint64_t p;
		size_t n;
		rc = piece_next(w, &p, &n);
		if (rc != 0)
			return rc;
		if (first) {
			if (p & 3u)
				return NVME_NEED_BOUNCE;   /* PRP1 must be dword aligned */
			prp1 = p;
			first = false;
		} else if (end & pmask) {
			if (p != end)
				return NVME_NEED_BOUNCE;   /* a page would have a hole */
		} else {
			if (p & pmask)
				return NVME_NEED_BOUNCE;   /* entry not page aligned */
			rc = prp_emit(&b, p);
			if (rc != 0)
				return rc;
		}
		/* further page boundaries inside this piece */
		uint64_t bnd = (p | pmask) + 1u;
		end = p + n;
		for (; bnd < end; bnd += pmask + 1u) {
			rc = prp_emit(&b, bnd);
			if (rc != 0)
				return rc;
		}
	}

	sqe->dptr.prp.prp1 = prp1;
	if (b.count == 0)
		sqe->dptr.prp.prp2 = 0;
	else if (b.count == 1)
		sqe->dptr.prp.prp2 = b.list[0];
	else
		sqe->dptr.prp.prp2 = b.list_phys;
	return 0;
}

#if NVME_CFG_SGL
/* ------------------------------------------------------------------------ */
/* SGL                                                                      */
/* ------------------------------------------------------------------------ */

static void sgl_set(struct nvme_sgl_desc *d, uint64_t addr, uint32_t len, unsigned type)
{
	d->addr = addr;
	d->length = len;
	d->rsvd[0] = d->rsvd[1] = d->rsvd[2] = 0;
	d->id = (uint8_t)(NVME_SET(NVME_SGL_ID_TYPE, type) |
			  NVME_SET(NVME_SGL_ID_SUBTYPE, NVME_SGL_SUBTYPE_ADDRESS));
}

static int build_sgl(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe,
		     struct piece_walk *w)
{
	const struct nvme_ctrl *c = q->ctrl;
	struct nvme_sgl_desc *list;
	uint64_t list_phys;
	uint32_t cap, n = 0;
	uint64_t cur_addr = 0, cur_len = 0;
	int rc;

	if (q->lists == NULL) {
		list = NULL;
		list_phys = 0;
		cap = 0;
	} else {
		list = (struct nvme_sgl_desc *)((uint8_t *)q->lists + (size_t)idx * q->list_stride);
		list_phys = q->lists_phys + (uint64_t)idx * q->list_stride;
		cap = q->list_stride >> 4;
	}

	/* Descriptor 0 is kept in cur_* until a second one appears, so a
	 * single-piece buffer needs no list at all. */
	while (w->left != 0) {
		uint64_t p;
		size_t len;
		rc = piece_next(w, &p, &len);
		if (rc != 0)
			return rc;
		if (cur_len != 0 && p == cur_addr + cur_len && cur_len + len <= 0xFFFFFFFFu) {
			cur_len += len;
			continue;
		}
		if (cur_len != 0) {
			if (n >= cap)
				return NVME_NEED_PRP;
			sgl_set(&list[n++], cur_addr, (uint32_t)cur_len, NVME_SGL_TYPE_DATA_BLOCK);
		}
		cur_addr = p;
		cur_len = len;
	}
	if (c->sgl_dword) {
		/* SGLS 10b: data blocks must be dword aligned and sized */
		if ((cur_addr | cur_len) & 3u)
			return NVME_NEED_BOUNCE;
		for (uint32_t i = 0; i < n; i++)
			if ((list[i].addr | list[i].length) & 3u)
				return NVME_NEED_BOUNCE;
	}
	if (n == 0) {
		sgl_set(&sqe->dptr.sgl1, cur_addr, (uint32_t)cur_len, NVME_SGL_TYPE_DATA_BLOCK);
	} else {
		if (n >= cap)
			return NVME_NEED_PRP;
		sgl_set(&list[n++], cur_addr, (uint32_t)cur_len, NVME_SGL_TYPE_DATA_BLOCK);
		sgl_set(&sqe->dptr.sgl1, list_phys, n * (uint32_t)sizeof(struct nvme_sgl_desc),
			NVME_SGL_TYPE_LAST_SEGMENT);
	}
	sqe->flags = (uint8_t)((sqe->flags & ~NVME_MASK(NVME_SQE_FLAGS_PSDT)) |
			       NVME_SET(NVME_SQE_FLAGS_PSDT, NVME_PSDT_SGL_MPTR_CONTIG));
	return 0;
}

#endif /* NVME_CFG_SGL */

/* ------------------------------------------------------------------------ */
/* Map / unmap                                                              */
/* ------------------------------------------------------------------------ */

/* Describe the walk's data in sqe: SGL when asked for (PRP when the SGL
 * needs more descriptors than the slot holds), else PRP. > 0: it cannot be. */
static int build_walk(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe,
		      const struct piece_walk *start, bool sgl)
{
	struct piece_walk w = *start;
#if NVME_CFG_SGL
	if (sgl) {
		int rc = build_sgl(q, idx, sqe, &w);
		if (rc != NVME_NEED_PRP)
			return rc;
		w = *start;
	}
#else
	(void)sgl;
#endif
	sqe->flags = (uint8_t)(sqe->flags & ~NVME_MASK(NVME_SQE_FLAGS_PSDT));
	return build_prp(q, idx, sqe, &w);
}

static int build(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe, const void *buf,
		 uint64_t contig_phys, bool contig, size_t len, bool sgl)
{
	struct piece_walk w = { q->ctrl, (uintptr_t)buf, contig_phys, len, contig, NULL, 0 };
	return build_walk(q, idx, sqe, &w, sgl);
}

int nvme_xfer_map(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe,
		  void *buf, size_t len, unsigned dir)
{
	const struct nvme_ctrl *c = q->ctrl;
	/* Admin commands use PRPs on PCIe; I/O commands SGL when enabled. */
	bool sgl = NVME_CFG_SGL && q->qid != 0 && c->sgl_io;
	int rc;

	/* No data: the data pointer is sent as the caller built it (commands
	 * such as Create I/O SQ/CQ carry a physical address there). */
	if (len == 0 || dir == NVME_XFER_NONE)
		return 0;
	sqe->flags = (uint8_t)(sqe->flags & ~NVME_MASK(NVME_SQE_FLAGS_PSDT));
	sqe->dptr.prp.prp1 = 0;
	sqe->dptr.prp.prp2 = 0;
	if (buf == NULL)
		return NVME_ERR_INVAL;
	if (len > q->max_xfer && !(q->max_xfer == 0 && len <= c->page_size))
		return NVME_ERR_TOO_LARGE;

	/* Fast path (the common 4 KiB block in a page-aligned buffer): PRP and
	 * the buffer inside one host page, which never crosses a driver page
	 * (driver page = max(host page, 2^(12+MPSMIN)), both powers of two):
	 * one translation, PRP1 only. Anything else takes the general walk. */
	if (!sgl) {
		const struct nvme_host *h = c->host;
		uint64_t phys;
		if (nvme_one_page(h, (uintptr_t)buf, len) && h->virt_to_phys(h->ctx, buf, &phys) == 0 &&
		    nvme_prp1_ok(q, phys, len)) {
			sqe->dptr.prp.prp1 = phys;
			return 0;
		}
	}

	rc = build(q, idx, sqe, buf, 0, false, len, sgl);
	if (rc <= 0)
		return rc;

	/* Not describable as is: go through the bounce buffer. */
	if (q->bounce == NULL || len > q->bounce_bytes)
		return NVME_ERR_DMA;
	if (q->bounce_busy)
		return NVME_ERR_BOUNCE_BUSY;
	if (NVME_DIR_TO_DEV(dir))
		__builtin_memcpy(q->bounce, buf, len);
	rc = build(q, idx, sqe, NULL, q->bounce_phys, true, len, sgl);
	if (rc != 0)
		return rc > 0 ? NVME_ERR_DMA : rc;
	q->bounce_busy = true;
	q->slots[idx].bounce_dir = (uint8_t)dir;
	q->slots[idx].user_buf = buf;
	q->slots[idx].user_len = len;
	q->stats.bounced++;
	return 0;
}

int nvme_xfer_map_phys(struct nvme_qpair *q, struct nvme_sqe *sqe, uint32_t idx,
		       const struct nvme_phys_list *pl, size_t len)
{
	const struct nvme_ctrl *c = q->ctrl;
	bool sgl = NVME_CFG_SGL && q->qid != 0 && c->sgl_io;

	sqe->flags = (uint8_t)(sqe->flags & ~NVME_MASK(NVME_SQE_FLAGS_PSDT));
	sqe->dptr.prp.prp1 = 0;
	sqe->dptr.prp.prp2 = 0;
	if (pl == NULL || pl->seg == NULL || pl->n == 0 || len == 0)
		return NVME_ERR_INVAL;
	if (len > q->max_xfer && !(q->max_xfer == 0 && len <= c->page_size))
		return NVME_ERR_TOO_LARGE;
	struct piece_walk w = { c, 0, 0, len, false, pl->seg, pl->n };
	int rc = build_walk(q, idx, sqe, &w, sgl);
	return rc > 0 ? NVME_ERR_DMA : rc;
}

void nvme_xfer_unmap(struct nvme_qpair *q, uint32_t idx, bool copy_back)
{
	struct nvme_slot *s = &q->slots[idx];

	if (s->bounce_dir == 0)
		return;
	if (copy_back && NVME_DIR_FROM_DEV(s->bounce_dir) && s->user_buf != NULL)
		__builtin_memcpy(s->user_buf, q->bounce, s->user_len);
	s->bounce_dir = 0;
	s->user_buf = NULL;
	s->user_len = 0;
	q->bounce_busy = false;
}
