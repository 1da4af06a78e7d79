/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_xfer.c - data pointers: PRP (NVMe 1.4 section 4.3) and SGL (4.4),
 * checked the way a controller checks them, and DMA through the host's
 * translation callback.
 *
 * PRP rules enforced (page = CC.MPS):
 *  - PRP1 offset dword aligned                     else PRP Offset Invalid
 *  - PRP2 as a data pointer page aligned           else PRP Offset Invalid
 *  - PRP2 as a list pointer dword aligned (it may have an offset)
 *  - every list entry page aligned, including the chain entry
 *                                                  else PRP Offset Invalid
 *  - the last slot of a list page chains to the next list page when more
 *    than one entry is still needed
 *  - zero entries                                  Invalid Field in Command
 *  - unreachable memory (list or data)             Data Transfer Error
 * SGL rules: Data Block (address subtype), Bit Bucket (only if SGLS bit 16),
 * Segment / Last Segment only as the last descriptor of a segment (else
 * Invalid Number of SGL Descriptors), none after a Last Segment and no zero
 * or non-multiple-of-16 segment length (Invalid SGL Segment Descriptor),
 * other types SGL Descriptor Type Invalid, dword granularity when SGLS=10b
 * (SGL Data Block Granularity Invalid), total length exactly the transfer
 * (Data SGL Length Invalid; longer only with SGLS bit 18).
 * Any data pointer: length above MDTS is Invalid Field in Command.
 * Separate metadata (model_map_mptr): PSDT 00b/01b, MPTR is the address of
 * a contiguous buffer (zero or not dword aligned: Invalid Field); PSDT 10b,
 * MPTR is the address of one SGL descriptor (a segment of exactly one,
 * NVMe 1.4 section 4.2), accepted only when SGLS bit 19 is advertised (else
 * Invalid Field), qword aligned (else Invalid Field), then walked with the
 * rules above, a wrong total length being Metadata SGL Length Invalid.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

#define BIT_BUCKET_ADDR UINT64_MAX

/* Copy len bytes between buf and bus address phys, translated 4 KiB at a
 * time (the host may map pages individually). */
static bool model_dma(struct nvme_model *m, uint64_t phys, uint8_t *buf, uint64_t len, bool to_host)
{
	if (phys + len < phys)
		return false;
	while (len) {
		uint64_t chunk = 4096u - (phys & 4095u);
		if (chunk > len)
			chunk = len;
		void *p = m->cfg.translate(m->cfg.translate_ctx, phys, (size_t)chunk, to_host);
		if (!p)
			return false;
		if (to_host)
			memcpy(p, buf, (size_t)chunk);
		else
			memcpy(buf, p, (size_t)chunk);
		buf += chunk;
		phys += chunk;
		len -= chunk;
	}
	return true;
}

bool model_dma_read(struct nvme_model *m, uint64_t phys, void *buf, uint64_t len)
{
	return model_dma(m, phys, buf, len, false);
}

bool model_dma_write(struct nvme_model *m, uint64_t phys, const void *buf, uint64_t len)
{
	return model_dma(m, phys, (uint8_t *)(uintptr_t)buf, len, true);
}

static void sg_add(struct model_sg *sg, uint64_t addr, uint64_t len)
{
	if (sg->n && sg->seg[sg->n - 1].addr != BIT_BUCKET_ADDR && addr != BIT_BUCKET_ADDR &&
	    sg->seg[sg->n - 1].addr + sg->seg[sg->n - 1].len == addr) {
		sg->seg[sg->n - 1].len += len;
	} else {
		if (sg->n == sg->cap) {
			sg->cap = sg->cap ? sg->cap * 2 : 16;
			sg->seg = realloc(sg->seg, sg->cap * sizeof(*sg->seg));
			if (!sg->seg)
				abort();
		}
		sg->seg[sg->n].addr = addr;
		sg->seg[sg->n].len = len;
		sg->n++;
	}
	sg->total += len;
}

void model_sg_free(struct model_sg *sg)
{
	free(sg->seg);
	memset(sg, 0, sizeof(*sg));
}

/* ------------------------------------------------------------------------ */
/* PRP                                                                       */
/* ------------------------------------------------------------------------ */

static uint16_t map_prp(struct nvme_model *m, uint64_t prp1, uint64_t prp2, uint64_t len, struct model_sg *sg)
{
	uint64_t P = m->page_size;
	if (prp1 & 3u) {
		model_trace(m, "PRP1 %llx not dword aligned", (unsigned long long)prp1);
		return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
	}
	if (prp1 == 0) {
		model_trace(m, "PRP1 is zero");
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	}
	uint64_t first = P - (prp1 & (P - 1));
	if (first > len)
		first = len;
	sg_add(sg, prp1, first);
	uint64_t rem = len - first;
	if (!rem)
		return 0;
	if (rem <= P) {
		if (prp2 & (P - 1)) {
			model_trace(m, "PRP2 %llx (data pointer) not page aligned", (unsigned long long)prp2);
			return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
		}
		if (prp2 == 0) {
			model_trace(m, "PRP2 is zero");
			return MODEL_GEN(NVME_SC_INVALID_FIELD);
		}
		sg_add(sg, prp2, rem);
		return 0;
	}
	if (prp2 & 3u) {
		model_trace(m, "PRP2 %llx (list pointer) not dword aligned", (unsigned long long)prp2);
		return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
	}
	if (prp2 == 0) {
		model_trace(m, "PRP2 list pointer is zero");
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	}
	uint64_t list = prp2;
	while (rem) {
		uint64_t slots = (P - (list & (P - 1))) / 8u;
		if (slots == 0) {
			model_trace(m, "PRP list pointer %llx leaves no room for an entry", (unsigned long long)list);
			return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
		}
		uint64_t next = 0;
		for (uint64_t i = 0; i < slots && rem; i++) {
			uint64_t e;
			if (!model_dma_read(m, list + i * 8u, &e, sizeof(e))) {
				model_trace(m, "PRP list at %llx not readable", (unsigned long long)(list + i * 8u));
				return MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
			}
			if (e & (P - 1)) {
				model_trace(m, "PRP list entry %llu = %llx not page aligned", (unsigned long long)i,
					    (unsigned long long)e);
				return MODEL_GEN(NVME_SC_PRP_OFFSET_INVALID);
			}
			if (e == 0) {
				model_trace(m, "PRP list entry %llu is zero", (unsigned long long)i);
				return MODEL_GEN(NVME_SC_INVALID_FIELD);
			}
			if (i == slots - 1 && rem > P) {
				next = e;       /* chain to the next list page */
				m->stats.prp_lists_chained++;
				break;
			}
			uint64_t n = rem < P ? rem : P;
			sg_add(sg, e, n);
			m->stats.prp_list_entries++;
			rem -= n;
		}
		list = next;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* SGL                                                                       */
/* ------------------------------------------------------------------------ */

static unsigned desc_type(const struct nvme_sgl_desc *d)
{
	return (unsigned)NVME_GET(d->id, NVME_SGL_ID_TYPE);
}

static uint16_t sgl_data(struct nvme_model *m, const struct nvme_sgl_desc *d, uint64_t *rem,
			 struct model_sg *sg, bool to_ctrl)
{
	uint32_t sgls = m->cfg.sgls;
	unsigned type = desc_type(d);
	unsigned sub = (unsigned)NVME_GET(d->id, NVME_SGL_ID_SUBTYPE);
	bool oversize = NVME_GET(sgls, NVME_SGLS_OVERSIZE) != 0;

	if (type == NVME_SGL_TYPE_DATA_BLOCK) {
		if (sub != NVME_SGL_SUBTYPE_ADDRESS)
			return MODEL_GEN(NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID);
		if (NVME_GET(sgls, NVME_SGLS_SUPPORT) == NVME_SGLS_SUPPORT_DWORD_ALIGN && ((d->addr | d->length) & 3u)) {
			model_trace(m, "SGL data block %llx+%u not dword granular", (unsigned long long)d->addr, d->length);
			return MODEL_GEN(NVME_SC_SGL_DATA_BLOCK_GRANULARITY_INVALID);
		}
	} else if (type == NVME_SGL_TYPE_BIT_BUCKET) {
		if (!NVME_GET(sgls, NVME_SGLS_BIT_BUCKET) || to_ctrl)
			return MODEL_GEN(NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID);
	} else {
		return MODEL_GEN(NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID);
	}
	if (d->length == 0)
		return 0;
	if (*rem == 0 || d->length > *rem) {
		if (!oversize) {
			model_trace(m, "SGL describes more than the %llu bytes left", (unsigned long long)*rem);
			return MODEL_GEN(NVME_SC_DATA_SGL_LENGTH_INVALID);
		}
	}
	uint64_t n = d->length < *rem ? d->length : *rem;
	if (n) {
		if (type == NVME_SGL_TYPE_DATA_BLOCK && d->addr == 0)
			return MODEL_GEN(NVME_SC_INVALID_FIELD);
		sg_add(sg, type == NVME_SGL_TYPE_BIT_BUCKET ? BIT_BUCKET_ADDR : d->addr, n);
	}
	*rem -= n;
	return 0;
}

static uint16_t map_sgl(struct nvme_model *m, const struct nvme_sgl_desc *first, uint64_t len,
			struct model_sg *sg, bool to_ctrl)
{
	uint64_t rem = len;
	struct nvme_sgl_desc d = *first;
	unsigned t = desc_type(&d);
	uint16_t st;

	if (t == NVME_SGL_TYPE_DATA_BLOCK || t == NVME_SGL_TYPE_BIT_BUCKET) {
		st = sgl_data(m, &d, &rem, sg, to_ctrl);
		if (st)
			return st;
		goto out;
	}
	if (t != NVME_SGL_TYPE_SEGMENT && t != NVME_SGL_TYPE_LAST_SEGMENT)
		return MODEL_GEN(NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID);

	for (unsigned hops = 0;; hops++) {
		bool last = desc_type(&d) == NVME_SGL_TYPE_LAST_SEGMENT;
		if (d.length == 0 || (d.length % 16u) || hops > 65536) {
			model_trace(m, "SGL segment length %u invalid", d.length);
			return MODEL_GEN(NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR);
		}
		if (NVME_GET(d.id, NVME_SGL_ID_SUBTYPE) != NVME_SGL_SUBTYPE_ADDRESS)
			return MODEL_GEN(NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID);
		uint32_t n = d.length / 16u;
		struct nvme_sgl_desc *seg = malloc((size_t)n * sizeof(*seg));
		if (!seg)
			abort();
		if (!model_dma_read(m, d.addr, seg, (uint64_t)n * sizeof(*seg))) {
			free(seg);
			model_trace(m, "SGL segment at %llx not readable", (unsigned long long)d.addr);
			return MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
		}
		bool more = false;
		struct nvme_sgl_desc next = {0};
		for (uint32_t i = 0; i < n; i++) {
			unsigned ti = desc_type(&seg[i]);
			if (ti == NVME_SGL_TYPE_SEGMENT || ti == NVME_SGL_TYPE_LAST_SEGMENT) {
				if (i != n - 1) {
					free(seg);
					return MODEL_GEN(NVME_SC_INVALID_NUMBER_OF_SGL_DESCRIPTORS);
				}
				if (last) {
					free(seg);
					return MODEL_GEN(NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR);
				}
				next = seg[i];
				more = true;
				break;
			}
			st = sgl_data(m, &seg[i], &rem, sg, to_ctrl);
			if (st) {
				free(seg);
				return st;
			}
		}
		free(seg);
		if (!more)
			break;
		d = next;
	}
out:
	if (rem) {
		model_trace(m, "SGL short by %llu bytes", (unsigned long long)rem);
		return MODEL_GEN(NVME_SC_DATA_SGL_LENGTH_INVALID);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

uint16_t model_map_dptr(struct model_cmd *c, uint64_t len, struct model_sg *sg)
{
	struct nvme_model *m = c->m;
	memset(sg, 0, sizeof(*sg));
	if (len == 0)
		return 0;
	if (m->mdts_bytes && len > m->mdts_bytes) {
		model_trace(m, "transfer of %llu bytes above MDTS (%llu)", (unsigned long long)len,
			    (unsigned long long)m->mdts_bytes);
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	}
	bool to_ctrl = (NVME_GET(c->sqe.opc, NVME_OPC_XFER) & NVME_XFER_HOST_TO_CTRL) != 0;
	unsigned psdt = (unsigned)NVME_GET(c->sqe.flags, NVME_SQE_FLAGS_PSDT);
	uint16_t st;
	if (psdt == NVME_PSDT_PRP) {
		st = map_prp(m, c->sqe.dptr.prp.prp1, c->sqe.dptr.prp.prp2, len, sg);
	} else if (psdt == 3 || NVME_GET(m->cfg.sgls, NVME_SGLS_SUPPORT) == NVME_SGLS_SUPPORT_NONE) {
		model_trace(m, "PSDT %u not supported", psdt);
		st = MODEL_GEN(NVME_SC_INVALID_FIELD);
	} else {
		m->stats.sgl_cmds++;
		st = map_sgl(m, &c->sqe.dptr.sgl1, len, sg, to_ctrl);
	}
	if (st)
		model_sg_free(sg);
	return st;
}

uint16_t model_map_mptr(struct model_cmd *c, uint64_t len, struct model_sg *sg)
{
	struct nvme_model *m = c->m;
	memset(sg, 0, sizeof(*sg));
	unsigned psdt = (unsigned)NVME_GET(c->sqe.flags, NVME_SQE_FLAGS_PSDT);
	m->stats.md_last_psdt = psdt;
	if (len == 0)
		return 0;
	if (psdt != NVME_PSDT_SGL_MPTR_SGL) {
		if (c->sqe.mptr == 0 || (c->sqe.mptr & 3u)) {
			model_trace(m, "MPTR %llx zero or not dword aligned", (unsigned long long)c->sqe.mptr);
			return MODEL_GEN(NVME_SC_INVALID_FIELD);
		}
		m->stats.md_mptr_cmds++;
		sg_add(sg, c->sqe.mptr, len);
		return 0;
	}
	uint32_t sgls = m->cfg.sgls;
	if (NVME_GET(sgls, NVME_SGLS_SUPPORT) == NVME_SGLS_SUPPORT_NONE || !NVME_GET(sgls, NVME_SGLS_MPTR_SGL)) {
		model_trace(m, "PSDT 10b but SGLS %08x does not offer metadata SGLs (bit 19)", sgls);
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	}
	if (c->sqe.mptr & 7u) {
		model_trace(m, "metadata SGL descriptor at %llx not qword aligned", (unsigned long long)c->sqe.mptr);
		return MODEL_GEN(NVME_SC_INVALID_FIELD);
	}
	struct nvme_sgl_desc d;
	if (!model_dma_read(m, c->sqe.mptr, &d, sizeof(d))) {
		model_trace(m, "metadata SGL descriptor at %llx not readable", (unsigned long long)c->sqe.mptr);
		return MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
	}
	bool to_ctrl = (NVME_GET(c->sqe.opc, NVME_OPC_XFER) & NVME_XFER_HOST_TO_CTRL) != 0;
	m->stats.md_sgl_cmds++;
	uint16_t st = map_sgl(m, &d, len, sg, to_ctrl);
	if (st == MODEL_GEN(NVME_SC_DATA_SGL_LENGTH_INVALID))
		st = MODEL_GEN(NVME_SC_METADATA_SGL_LENGTH_INVALID);
	if (st)
		model_sg_free(sg);
	return st;
}

uint16_t model_sg_copy(struct nvme_model *m, const struct model_sg *sg, uint64_t off, void *buf, uint64_t n,
		       bool to_host)
{
	uint8_t *b = buf;
	for (size_t i = 0; i < sg->n && n; i++) {
		uint64_t slen = sg->seg[i].len;
		if (off >= slen) {
			off -= slen;
			continue;
		}
		uint64_t k = slen - off < n ? slen - off : n;
		if (sg->seg[i].addr != BIT_BUCKET_ADDR) {
			bool ok = to_host ? model_dma_write(m, sg->seg[i].addr + off, b, k)
					  : model_dma_read(m, sg->seg[i].addr + off, b, k);
			if (!ok) {
				model_trace(m, "data buffer %llx+%llu not reachable",
					    (unsigned long long)(sg->seg[i].addr + off), (unsigned long long)k);
				return MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR);
			}
		} else if (!to_host) {
			memset(b, 0, (size_t)k);
		}
		b += k;
		n -= k;
		off = 0;
	}
	return n ? MODEL_GEN(NVME_SC_DATA_TRANSFER_ERROR) : 0;
}

uint16_t model_to_host(struct model_cmd *c, const void *buf, uint64_t len)
{
	struct model_sg sg;
	uint16_t st = model_map_dptr(c, len, &sg);
	if (!st)
		st = model_sg_copy(c->m, &sg, 0, (void *)buf, len, true);
	model_sg_free(&sg);
	return st;
}

uint16_t model_from_host(struct model_cmd *c, void *buf, uint64_t len)
{
	struct model_sg sg;
	uint16_t st = model_map_dptr(c, len, &sg);
	if (!st)
		st = model_sg_copy(c->m, &sg, 0, buf, len, false);
	model_sg_free(&sg);
	return st;
}
