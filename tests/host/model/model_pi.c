/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_pi.c - metadata layouts and end-to-end protection information of the
 * software controller.
 *
 * A block is stored as lba_size data bytes followed by ms metadata bytes
 * (model_ns.c). On the wire the metadata is either interleaved after each
 * block in the data buffer (FLBAS bit 4, extended LBA) or in the separate
 * buffer of MPTR (model_map_mptr: by address with PSDT 00b/01b, by an SGL
 * descriptor at MPTR with PSDT 10b when SGLS bit 19 is set). With PI (DPS type
 * 1..3) the tuple sits at the start (DPS bit 3) or end of the metadata:
 * 8 bytes (CRC-16 T10-DIF guard, 16-bit application tag, 32-bit reference
 * tag) or, with the 64b guard format, 16 bytes (CRC-64/NVME guard, 16-bit
 * application tag, 48-bit reference tag), all big-endian. The guard covers
 * the data and, PI at the end, the metadata bytes before the tuple.
 *
 * PRACT=1: writes get a generated tuple, reads are checked (PRCHK) and, when
 * the metadata is only the tuple, neither direction moves metadata.
 * PRACT=0: writes are checked as PRCHK says before anything is stored (a
 * failed check writes nothing), reads are checked before data is returned.
 * Type 1 with PRCHK ref needs the reference tag to be the SLBA's low bits
 * (else Invalid Protection Information, SCT 1h SC 81h, as QEMU). A block
 * never written reads with an all-ones tuple: its checks are disabled.
 * The CRCs here are table-driven, independent of the driver's bitwise ones.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

#define PRACT       0x8u
#define PRCHK_GUARD 0x4u
#define PRCHK_APP   0x2u
#define PRCHK_REF   0x1u

/* ------------------------------------------------------------------------ */
/* CRCs (tables built on first use)                                          */
/* ------------------------------------------------------------------------ */

static uint16_t crc16_tab[256];
static uint64_t crc64_tab[256];
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static void build_tabs_once(void)
{
	for (unsigned i = 0; i < 256; i++) {
		uint16_t c = (uint16_t)(i << 8);
		for (int k = 0; k < 8; k++)
			c = (uint16_t)((c & 0x8000u) ? (unsigned)(c << 1) ^ 0x8BB7u : (unsigned)(c << 1));
		crc16_tab[i] = c;
		uint64_t d = i;
		for (int k = 0; k < 8; k++)
			d = (d & 1u) ? (d >> 1) ^ 0x9A6C9329AC4BC9B5ull : d >> 1;
		crc64_tab[i] = d;
	}
}

static void build_tabs(void)
{
	pthread_once(&tabs_once, build_tabs_once);
}

static uint16_t crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	build_tabs();
	while (n--)
		crc = (uint16_t)((unsigned)(crc << 8) ^ crc16_tab[((crc >> 8) ^ *p++) & 0xFFu]);
	return crc;
}

/* raw register (no inversion) */
static uint64_t crc64_raw(uint64_t crc, const uint8_t *p, size_t n)
{
	build_tabs();
	while (n--)
		crc = (crc >> 8) ^ crc64_tab[(crc ^ *p++) & 0xFFu];
	return crc;
}

/* ------------------------------------------------------------------------ */
/* Namespace                                                                 */
/* ------------------------------------------------------------------------ */

static unsigned pi_type(const struct model_ns *ns) { return ns->dps & 7u; }
static bool ext(const struct model_ns *ns) { return (ns->flbas & 0x10u) != 0; }
static unsigned fmt_of(const struct model_ns *ns) { return ns->flbas & 0xFu; }
/* 64b guard for this format? */
static bool g64_fmt(const struct model_ns *ns, unsigned f) { return ns->pif_cfg == 2 && ns->lbaf[f].ms >= 16; }
static bool g64(const struct model_ns *ns) { return g64_fmt(ns, fmt_of(ns)); }
static unsigned tuple(const struct model_ns *ns) { return g64(ns) ? 16u : 8u; }
static unsigned pi_off(const struct model_ns *ns) { return (ns->dps & 8u) ? 0u : ns->ms - tuple(ns); }

bool model_pi_active(const struct model_ns *ns)
{
	return ns->ms != 0 || pi_type(ns) != 0;
}

int model_pi_ns_setup(struct nvme_model *m, struct model_ns *ns, const struct nvme_model_ns_config *cfg)
{
	(void)m;
	unsigned need = cfg->pif == 2 ? 16u : 8u;
	if (cfg->pi > 3 || (cfg->pif != 0 && cfg->pif != 2) || (cfg->pi && cfg->ms < need) ||
	    (cfg->mset && cfg->ms == 0)) {
		fprintf(stderr, "nvme-model: bad PI config (nsid %u: pi %u, pif %u, ms %u)\n", cfg->nsid,
			(unsigned)cfg->pi, (unsigned)cfg->pif, (unsigned)cfg->ms);
		return -1;
	}
	ns->pif_cfg = cfg->pif;
	ns->dps = (uint8_t)(cfg->pi | (cfg->pil_first ? 8u : 0u));
	if (cfg->mset)
		ns->flbas |= 0x10u;
	return 0;
}

void model_pi_id_ctrl(struct nvme_model *m)
{
	for (uint32_t i = 0; i < m->ns_count; i++)
		if (m->ns[i].pif_cfg != 0)
			m->id_ctrl.ctratt |= 1u << 15;   /* ELBAS: CNS 05h has PIF */
}

void model_pi_fill_id(const struct model_ns *ns, struct nvme_id_ns *id)
{
	id->dps = ns->dps;
	id->mc = 3;        /* extended and separate metadata */
	id->dpc = 0x1F;    /* types 1, 2, 3; first or last bytes */
}

void model_pi_id_ns_nvm(const struct model_ns *ns, uint8_t *buf)
{
	for (unsigned i = 0; i <= ns->nlbaf; i++) {
		uint32_t e = g64_fmt(ns, i) ? (uint32_t)NVME_SET(NVME_ELBAF_PIF, NVME_PIF_64B_GUARD) : 0u;
		memcpy(buf + 12 + 4 * i, &e, 4);
	}
}

uint16_t model_pi_format_check(const struct model_ns *ns, unsigned lbaf, unsigned pi)
{
	if (pi == 0)
		return 0;
	unsigned need = g64_fmt(ns, lbaf) ? 16u : 8u;
	if (pi > 3 || ns->lbaf[lbaf].ms < need)
		return MODEL_CMDSPEC(NVME_SC_INVALID_FORMAT);
	return 0;
}

void model_pi_format_apply(struct model_ns *ns, unsigned pi, bool pil_first)
{
	ns->dps = (uint8_t)(pi | (pil_first ? 8u : 0u));
}

/* ------------------------------------------------------------------------ */
/* Tuples                                                                    */
/* ------------------------------------------------------------------------ */

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

/* blk: lba_size data + ms metadata */
static uint64_t guard(const struct model_ns *ns, const uint8_t *blk)
{
	size_t n = (size_t)ns->lba_size + pi_off(ns);
	if (g64(ns))
		return ~crc64_raw(~0ull, blk, n);
	return crc16(0, blk, n);
}

struct pi_args {
	unsigned prinfo;
	uint64_t ref;      /* initial reference tag */
	uint16_t app, appm;
};

static struct pi_args args_of(const struct model_ns *ns, const struct nvme_sqe *sqe)
{
	struct pi_args a;
	a.prinfo = (unsigned)NVME_GET(sqe->cdw12, NVME_RW_CDW12_PRINFO);
	a.ref = sqe->cdw14;
	if (g64(ns))
		a.ref |= (uint64_t)(sqe->cdw3 & 0xFFFFu) << 32;
	a.app = (uint16_t)sqe->cdw15;
	a.appm = (uint16_t)(sqe->cdw15 >> 16);
	return a;
}

static uint64_t ref_mask(const struct model_ns *ns) { return g64(ns) ? 0xFFFFFFFFFFFFull : 0xFFFFFFFFull; }

static uint64_t ref_for(const struct model_ns *ns, const struct pi_args *a, uint64_t i)
{
	return pi_type(ns) == 3 ? a->ref : (a->ref + i) & ref_mask(ns);
}

static void generate(const struct model_ns *ns, uint8_t *blk, const struct pi_args *a, uint64_t i)
{
	uint8_t *t = blk + ns->lba_size + pi_off(ns);
	bool w = g64(ns);
	put_be(t, w ? 8 : 2, guard(ns, blk));
	put_be(t + (w ? 8 : 2), 2, a->app);
	put_be(t + (w ? 10 : 4), w ? 6 : 4, ref_for(ns, a, i));
}

/* 0 or the SCT 2h check error of block i */
static uint16_t check(const struct model_ns *ns, const uint8_t *blk, const struct pi_args *a, uint64_t i)
{
	const uint8_t *t = blk + ns->lba_size + pi_off(ns);
	bool w = g64(ns);
	uint64_t app = get_be(t + (w ? 8 : 2), 2), ref = get_be(t + (w ? 10 : 4), w ? 6 : 4);
	if (app == 0xFFFFu && (pi_type(ns) != 3 || ref == ref_mask(ns)))
		return 0;
	if ((a->prinfo & PRCHK_GUARD) && get_be(t, w ? 8 : 2) != guard(ns, blk))
		return MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_GUARD_CHECK_ERROR);
	if ((a->prinfo & PRCHK_APP) && (app & a->appm) != (uint64_t)(a->app & a->appm))
		return MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_APPLICATION_TAG_CHECK_ERROR);
	if ((a->prinfo & PRCHK_REF) && pi_type(ns) != 3 && ref != ref_for(ns, a, i))
		return MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_REFERENCE_TAG_CHECK_ERROR);
	return 0;
}

/* Type 1: the reference tag checked must be the SLBA's (QEMU's rule). */
static uint16_t prinfo_ok(const struct model_ns *ns, const struct pi_args *a, uint64_t slba)
{
	if (pi_type(ns) == 1 && (a->prinfo & PRCHK_REF) && (slba & ref_mask(ns)) != a->ref)
		return MODEL_CMDSPEC(NVME_SC_INVALID_PROTECTION_INFORMATION);
	return 0;
}

/* The stored blocks (lba_size + ms each), a never-written one with an
 * all-ones tuple. */
static uint8_t *load(struct model_ns *ns, uint64_t slba, uint64_t nlb)
{
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *b = calloc(nlb, bs);
	if (!b)
		abort();
	for (uint64_t i = 0; i < nlb; i++) {
		const uint8_t *s = model_ns_block(ns, slba + i);
		if (s)
			memcpy(b + i * bs, s, bs);
		else if (pi_type(ns))
			memset(b + i * bs + ns->lba_size + pi_off(ns), 0xFF, tuple(ns));
	}
	return b;
}

static void store(struct model_ns *ns, uint64_t slba, uint64_t nlb, const uint8_t *b)
{
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *d = malloc(ns->lba_size), *md = malloc(ns->ms ? ns->ms : 1);
	if (!d || !md)
		abort();
	for (uint64_t i = 0; i < nlb; i++) {
		memcpy(d, b + i * bs, ns->lba_size);
		memcpy(md, b + i * bs + ns->lba_size, ns->ms);
		model_ns_write(ns, slba + i, 1, d, ns->ms ? md : NULL);
	}
	free(d);
	free(md);
}

/* ------------------------------------------------------------------------ */
/* Commands                                                                  */
/* ------------------------------------------------------------------------ */

/* How the command moves data and metadata. */
struct xfer {
	bool strip;        /* PRACT with PI-only metadata: data only */
	size_t stride;     /* bytes per block in the data buffer */
	bool sep;          /* metadata through MPTR */
};

static uint16_t xfer_of(struct model_cmd *c, const struct model_ns *ns, const struct pi_args *a, struct xfer *x)
{
	x->strip = pi_type(ns) && (a->prinfo & PRACT) && ns->ms == tuple(ns);
	x->stride = ns->lba_size + ((ext(ns) && !x->strip) ? ns->ms : 0u);
	x->sep = ns->ms && !ext(ns) && !x->strip;
	(void)c;
	return 0;
}

/* The separate metadata of nlb blocks to or from md (model_map_mptr). */
static uint16_t meta_xfer(struct model_cmd *c, const struct model_ns *ns, uint8_t *md, uint64_t nlb, bool to)
{
	struct model_sg msg;
	uint16_t st = model_map_mptr(c, nlb * ns->ms, &msg);
	if (!st)
		st = model_sg_copy(c->m, &msg, 0, md, nlb * ns->ms, to);
	model_sg_free(&msg);
	return st;
}

/* Host buffers -> blocks (b: nlb * (lba_size + ms)). */
static uint16_t from_host(struct model_cmd *c, const struct model_ns *ns, const struct xfer *x,
			  const struct model_sg *sg, uint8_t *b, uint64_t nlb)
{
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *wire = malloc(nlb * x->stride), *md = NULL;
	if (!wire)
		abort();
	uint16_t st = model_sg_copy(c->m, sg, 0, wire, nlb * x->stride, false);
	if (!st && x->sep) {
		md = malloc(nlb * ns->ms);
		if (!md)
			abort();
		st = meta_xfer(c, ns, md, nlb, false);
	}
	for (uint64_t i = 0; !st && i < nlb; i++) {
		memcpy(b + i * bs, wire + i * x->stride, x->stride);   /* data (+ interleaved metadata) */
		if (md)
			memcpy(b + i * bs + ns->lba_size, md + i * ns->ms, ns->ms);
	}
	free(wire);
	free(md);
	return st;
}

static uint16_t to_host(struct model_cmd *c, const struct model_ns *ns, const struct xfer *x,
			const struct model_sg *sg, const uint8_t *b, uint64_t nlb)
{
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *wire = malloc(nlb * x->stride), *md = x->sep ? malloc(nlb * ns->ms) : NULL;
	if (!wire || (x->sep && !md))
		abort();
	for (uint64_t i = 0; i < nlb; i++) {
		memcpy(wire + i * x->stride, b + i * bs, x->stride);
		if (md)
			memcpy(md + i * ns->ms, b + i * bs + ns->lba_size, ns->ms);
	}
	uint16_t st = model_sg_copy(c->m, sg, 0, wire, nlb * x->stride, true);
	if (!st && md)
		st = meta_xfer(c, ns, md, nlb, true);
	free(wire);
	free(md);
	return st;
}

static uint16_t check_all(const struct model_ns *ns, const uint8_t *b, const struct pi_args *a, uint64_t nlb)
{
	size_t bs = (size_t)ns->lba_size + ns->ms;
	for (uint64_t i = 0; pi_type(ns) && i < nlb; i++) {
		uint16_t st = check(ns, b + i * bs, a, i);
		if (st)
			return st;
	}
	return 0;
}

/* The opening of a PI-aware Read, Write or Compare: its PRINFO checked,
 * the metadata layout found and the data pointer mapped; false (with
 * c->status set) when the command ends there. */
static bool pi_begin(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb,
		     struct pi_args *a, struct xfer *x, struct model_sg *sg)
{
	*a = args_of(ns, &c->sqe);
	if (pi_type(ns) && (c->status = prinfo_ok(ns, a, slba)) != 0)
		return false;
	if ((c->status = xfer_of(c, ns, a, x)) != 0)
		return false;
	c->status = model_map_dptr(c, nlb * x->stride, sg);
	return c->status == 0;
}

void model_pi_rw(struct model_cmd *c, struct model_ns *ns, bool write, uint64_t slba, uint64_t nlb)
{
	struct nvme_model *m = c->m;
	struct pi_args a;
	struct xfer x;
	struct model_sg sg;
	if (!pi_begin(c, ns, slba, nlb, &a, &x, &sg))
		return;
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *b;
	if (write) {
		b = calloc(nlb, bs);
		if (!b)
			abort();
		c->status = from_host(c, ns, &x, &sg, b, nlb);
		if (!c->status && pi_type(ns)) {
			if (a.prinfo & PRACT)
				for (uint64_t i = 0; i < nlb; i++)
					generate(ns, b + i * bs, &a, i);
			else
				c->status = check_all(ns, b, &a, nlb);   /* nothing stored on failure */
		}
		if (!c->status) {
			store(ns, slba, nlb, b);
			if ((m->feat.cur[NVME_FEAT_VOLATILE_WC] & 1u) && !NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_FUA))
				ns->dirty += nlb;
			m->stats.writes++;
			m->stats.blocks_written += nlb;
			m->stats.bytes_written += nlb * ns->lba_size;
			m->data_units_written_512 += nlb * ns->lba_size / 512u;
		}
	} else {
		b = load(ns, slba, nlb);
		c->status = check_all(ns, b, &a, nlb);
		if (!c->status)
			c->status = to_host(c, ns, &x, &sg, b, nlb);
		if (!c->status) {
			m->stats.reads++;
			m->stats.blocks_read += nlb;
			m->stats.bytes_read += nlb * ns->lba_size;
			m->data_units_read_512 += nlb * ns->lba_size / 512u;
		}
	}
	free(b);
	model_sg_free(&sg);
}

void model_pi_compare(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb)
{
	struct pi_args a;
	struct xfer x;
	struct model_sg sg;
	if (!pi_begin(c, ns, slba, nlb, &a, &x, &sg))
		return;
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *host = calloc(nlb, bs), *media = load(ns, slba, nlb);
	if (!host)
		abort();
	c->status = from_host(c, ns, &x, &sg, host, nlb);
	if (!c->status)
		c->status = check_all(ns, media, &a, nlb);
	/* data, and the metadata when it was transferred */
	size_t cmp = x.strip ? ns->lba_size : bs;
	for (uint64_t i = 0; !c->status && i < nlb; i++)
		if (memcmp(host + i * bs, media + i * bs, cmp) != 0)
			c->status = MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE);
	free(host);
	free(media);
	model_sg_free(&sg);
}

uint16_t model_pi_verify(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb)
{
	struct pi_args a = args_of(ns, &c->sqe);
	if (!pi_type(ns))
		return 0;
	if (a.prinfo & PRACT)
		return MODEL_CMDSPEC(NVME_SC_INVALID_PROTECTION_INFORMATION);
	uint16_t st = prinfo_ok(ns, &a, slba);
	if (st)
		return st;
	uint8_t *b = load(ns, slba, nlb);
	st = check_all(ns, b, &a, nlb);
	free(b);
	return st;
}

/* Write Zeroes on a namespace with metadata: zero data and metadata, PI
 * generated when PRACT. 0 or a status (nothing written). */
uint16_t model_pi_write_zeroes(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb)
{
	struct pi_args a = args_of(ns, &c->sqe);
	if (pi_type(ns) && (a.prinfo & 7u))
		return MODEL_CMDSPEC(NVME_SC_INVALID_PROTECTION_INFORMATION);
	size_t bs = (size_t)ns->lba_size + ns->ms;
	uint8_t *b = calloc(nlb, bs);
	if (!b)
		abort();
	if (pi_type(ns) && (a.prinfo & PRACT))
		for (uint64_t i = 0; i < nlb; i++)
			generate(ns, b + i * bs, &a, i);
	store(ns, slba, nlb, b);
	free(b);
	return 0;
}

int nvme_model_ns_read_meta(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n, void *buf)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns || lba > ns->blocks || n > ns->blocks - lba || n == 0)
		return -1;
	uint8_t *data = malloc(n * ns->lba_size);
	if (!data)
		abort();
	model_ns_read(ns, lba, n, data, ns->ms ? buf : NULL);
	free(data);
	return 0;
}

int nvme_model_ns_pi_info(struct nvme_model *m, uint32_t nsid, uint8_t *dps, bool *extended)
{
	struct model_ns *ns = model_ns_find(m, nsid);
	if (!ns)
		return -1;
	*dps = ns->dps;
	*extended = ext(ns);
	return 0;
}
