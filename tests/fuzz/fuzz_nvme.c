/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_nvme.c - device-side fuzzer of drivers/nvme.
 *
 * The fuzz input is the device. A small fake NVMe controller sits behind the
 * driver's NVME_MMIO_HOOK build; it behaves like a plausible controller
 * ("the sane choice") except where the input says otherwise, and the input
 * can say otherwise everywhere:
 *
 *  - every register read (CAP, VS, CC, CSTS, ...): sane, one bit flipped,
 *    any 32-bit value, or all ones;
 *  - every Identify (controller, namespace, namespace list), log page and
 *    feature answer: the sane payload, the sane one with patched bytes, or
 *    raw input bytes (the sane controller asks for a host memory buffer,
 *    has Device Self-test, telemetry and three power states; its
 *    self-test and telemetry logs are plausible);
 *  - every completion: posted at once, later (after N device ticks),
 *    never, twice, with another status / CID / SQ head / SQ identifier /
 *    dword 0, with the CID of another command in flight, or replaced by
 *    CSTS.CFS or by the device vanishing (all ones);
 *  - the controller's configuration (queue limits, MDTS, NN, block size,
 *    SGL support, the Number of Queues grant) and the driver's (queue count
 *    and depths, max transfer, data pointer mode, AERs, recovery on/off).
 *
 * The harness then drives the driver through bring-up, synchronous and
 * asynchronous I/O, admin commands, events, timeouts, resets, shutdown and
 * detach (the operations are chosen by the input too). Checks, any of which
 * aborts (a crash for libFuzzer):
 *  - ASan/UBSan: no memory error, no undefined behaviour, no leak;
 *  - the device is only ever given addresses of memory the driver owns or
 *    was given (every DMA of a command's data pointer, queue base, PRP list
 *    entry, host memory buffer descriptor list and chunk is checked against
 *    the live allocations; the device writes into the buffer);
 *  - every asynchronous request completes exactly once (never twice; once
 *    by detach at the latest);
 *  - detach returns every DMA allocation;
 *  - per input, bounded work: a virtual clock (every now_us call advances
 *    it) and a register-access budget; when either runs out the device
 *    reads all ones, which every driver path must turn into a fast failure.
 *
 * When the input runs out, every decision takes the sane choice, so short
 * inputs still run a full session.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvme_all.h"

/* ------------------------------------------------------------------------ */
/* Input                                                                     */
/* ------------------------------------------------------------------------ */

static const uint8_t *in_p;
static size_t in_n, in_pos;

static uint8_t in8(void) { return in_pos < in_n ? in_p[in_pos++] : 0; }
static uint16_t in16(void) { uint16_t v = in8(); return (uint16_t)(v | (in8() << 8)); }
static uint32_t in32(void) { uint32_t v = in16(); return v | ((uint32_t)in16() << 16); }

static void dump_regions(void);

static bool echo_log(void)
{
	static int echo = -1;
	if (echo < 0)
		echo = getenv("FUZZ_LOG") != NULL;
	return echo != 0;
}

static void fz_fail(const char *why)
{
	fprintf(stderr, "fuzz_nvme: invariant violated: %s\n", why);
	dump_regions();
	abort();
}

/* ------------------------------------------------------------------------ */
/* Host memory: every buffer the device may reach is registered              */
/* ------------------------------------------------------------------------ */

#define MAX_REGIONS 512
struct region {
	uint8_t *p;
	size_t len;
	bool dma;            /* from dma_alloc (the driver's), else a harness buffer */
};
static struct region regions[MAX_REGIONS];
static unsigned nregions;

static void region_add(void *p, size_t len, bool dma)
{
	if (nregions == MAX_REGIONS)
		fz_fail("too many regions");
	regions[nregions++] = (struct region){ p, len, dma };
}

static bool region_del(void *p, bool dma)
{
	for (unsigned i = 0; i < nregions; i++)
		if (regions[i].p == p && regions[i].dma == dma) {
			regions[i] = regions[--nregions];
			return true;
		}
	return false;
}

static void dump_regions(void)
{
	if (!getenv("FUZZ_LOG"))
		return;
	for (unsigned i = 0; i < nregions; i++)
		fprintf(stderr, "  region %p + %zu (%s)\n", (void *)regions[i].p, regions[i].len,
			regions[i].dma ? "dma" : "buffer");
}

/* Host pointer of [phys, phys+len) if it lies in one live region. */
static uint8_t *dma_ptr(uint64_t phys, uint64_t len)
{
	for (unsigned i = 0; i < nregions; i++) {
		uint64_t b = (uint64_t)(uintptr_t)regions[i].p;
		if (phys >= b && len <= regions[i].len && phys - b <= regions[i].len - len)
			return (uint8_t *)(uintptr_t)phys;
	}
	return NULL;
}

static void *harness_buf(size_t len)
{
	uint8_t *p = aligned_alloc(4096, (len + 4095) & ~(size_t)4095);
	if (!p)
		abort();
	memset(p, 0xA5, len);
	region_add(p, len, false);
	if (echo_log())
		fprintf(stderr, "harness: buffer %p + %zu\n", (void *)p, len);
	return p;
}

static void harness_buf_free(void *p)
{
	if (!region_del(p, false))
		fz_fail("harness buffer not registered");
	if (echo_log())
		fprintf(stderr, "harness: free %p\n", p);
	free(p);
}

/* ------------------------------------------------------------------------ */
/* Time and budget                                                           */
/* ------------------------------------------------------------------------ */

#define TIME_BUDGET_US  (300ull * 1000000ull)   /* 5 virtual minutes */
#define REG_BUDGET      60000u
#define BAR_PHYS        0xFE000000ull
#define BAR_MAX         (1u << 20)

static uint64_t now;
static unsigned reg_ops;
static uint8_t bar_mem[16];   /* the driver only forms addresses from it */

/* ------------------------------------------------------------------------ */
/* The fake device                                                           */
/* ------------------------------------------------------------------------ */

#define DQ 8            /* queues the device has (admin + 7) */
#define MAX_PEND 256

struct dq {
	bool live;
	uint64_t base;
	uint32_t size;
	uint32_t head, tail;     /* SQ: head = next to fetch; CQ: head from doorbell, tail = next to write */
	uint8_t phase;
	uint16_t cqid;
};

struct pend {
	uint16_t cqid;
	uint32_t due;            /* tick */
	struct nvme_cqe cqe;     /* phase bit 0 */
	bool held;               /* only an Abort or a reset posts it */
};

static struct dev {
	/* configuration (from the input) */
	uint64_t cap;
	uint64_t cap_seen;       /* CAP as the driver last read it (doorbell stride) */
	uint32_t vs;
	uint8_t mdts, nn, lbads, sgls, grant, vwc;
	uint64_t nsze;
	/* registers */
	uint32_t cc, csts, aqa;
	uint64_t asq, acq;
	bool enabled, gone, cfs;
	uint32_t page;
	/* queues */
	struct dq sq[DQ], cq[DQ];
	struct pend pend[MAX_PEND];
	unsigned npend;
	uint16_t aer_cid[16];
	unsigned naer;
	uint32_t tick;
	/* the smallest block size (LBADS) the device ever reported for each
	 * namespace, and its real one: it never moves more than (NLB+1) blocks
	 * of that, whatever Identify data the driver did or did not receive
	 * (a device moving more than it announced corrupts memory whatever the
	 * driver does; that is not what this fuzzer looks for) */
	uint8_t ns_lbads[8];
} D;

static uint32_t pick32(uint32_t sane)
{
	uint8_t c = in8();
	if (c < 200)
		return sane;
	if (c < 220)
		return sane ^ (1u << (in8() & 31));
	if (c < 240)
		return in32();
	return 0xFFFFFFFFu;
}

static void dev_reset_queues(void)
{
	memset(D.sq, 0, sizeof(D.sq));
	memset(D.cq, 0, sizeof(D.cq));
	D.npend = 0;
	D.naer = 0;
}

static bool over_budget(void)
{
	return now > TIME_BUDGET_US || reg_ops > REG_BUDGET;
}

/* Write a CQE into CQ cqid; false if the CQ is full or gone. */
static bool cq_write(uint16_t cqid, const struct nvme_cqe *in)
{
	if (cqid >= DQ || !D.cq[cqid].live)
		return true;   /* nowhere to go: dropped */
	struct dq *q = &D.cq[cqid];
	if ((q->tail + 1) % q->size == q->head)
		return false;
	uint8_t *slot = dma_ptr(q->base + (uint64_t)q->tail * 16u, 16);
	if (!slot)
		return true;   /* the driver freed it (after a failed delete): the device drops it */
	struct nvme_cqe e = *in;
	e.status = (uint16_t)((e.status & ~1u) | q->phase);
	memcpy(slot, &e, sizeof(e));
	if (++q->tail == q->size) {
		q->tail = 0;
		q->phase ^= 1u;
	}
	return true;
}

static void pend_add(uint16_t cqid, const struct nvme_cqe *cqe, uint32_t delay, bool held)
{
	if (D.npend == MAX_PEND)
		return;   /* dropped */
	D.pend[D.npend++] = (struct pend){ cqid, D.tick + delay, *cqe, held };
}

/* Post what is due (in order), keeping what does not fit. */
static void pend_flush(void)
{
	unsigned k = 0;
	for (unsigned i = 0; i < D.npend; i++) {
		struct pend *p = &D.pend[i];
		if (!D.cfs && !p->held && p->due <= D.tick && cq_write(p->cqid, &p->cqe))
			continue;
		D.pend[k++] = *p;
	}
	D.npend = k;
}

/* One completion, as the input wants it. */
static void complete(uint16_t sqid, uint16_t cid, uint16_t sf, uint32_t dw0)
{
	struct nvme_cqe e;
	memset(&e, 0, sizeof(e));
	e.dw0 = dw0;
	e.sqid = sqid;
	e.cid = cid;
	e.sqhd = (uint16_t)D.sq[sqid].head;
	e.status = (uint16_t)(sf << 1);
	uint16_t cqid = D.sq[sqid].cqid;
	uint8_t c = in8();
	uint32_t delay = 0;
	bool held = false;
	if (c < 150) {
		/* sane */
	} else if (c < 166) {
		delay = in8();
	} else if (c < 172) {
		held = true;                      /* until aborted or reset */
	} else if (c < 178) {
		return;                           /* dropped */
	} else if (c < 186) {
		pend_add(cqid, &e, 0, false);     /* duplicate */
	} else if (c < 194) {
		e.status = (uint16_t)(in16() << 1);
	} else if (c < 200) {
		e.cid = in16();
	} else if (c < 206) {
		e.sqhd = in16();
	} else if (c < 212) {
		e.sqid = in16();
	} else if (c < 222) {
		e.dw0 = in32();
	} else if (c < 230) {
		if (D.npend)                      /* another command's CID */
			e.cid = D.pend[in8() % D.npend].cqe.cid;
	} else if (c < 236) {
		D.cfs = true;
		return;
	} else if (c < 240) {
		D.gone = true;
		return;
	} else if (c < 248) {
		e.status = (uint16_t)((sf | ((uint16_t)(in8() & 3) << 11)) << 1);   /* CRD */
	} else {
		delay = (uint32_t)in8() << 4;
	}
	pend_add(cqid, &e, delay, held);
}

/* Copy a payload to the command's PRPs (PRP1, PRP2 as data or list). */
static bool prp_xfer(const struct nvme_sqe *s, uint8_t *buf, uint64_t len, bool to_host)
{
	uint64_t page = D.page ? D.page : 4096;
	uint64_t prp1 = s->dptr.prp.prp1, prp2 = s->dptr.prp.prp2;
	if (len == 0)
		return true;
	if (NVME_GET(s->flags, NVME_SQE_FLAGS_PSDT) != NVME_PSDT_PRP) {
		/* SGL: one data block descriptor in the SQE, or a last segment list */
		const struct nvme_sgl_desc *d = &s->dptr.sgl1;
		unsigned type = (unsigned)NVME_GET(d->id, NVME_SGL_ID_TYPE);
		if (type == NVME_SGL_TYPE_DATA_BLOCK) {
			uint8_t *p = dma_ptr(d->addr, d->length);
			if (!p || d->length < len) {
				if (echo_log())
					fprintf(stderr, "SGL data block %llx + %u, transfer %llu\n",
						(unsigned long long)d->addr, (unsigned)d->length, (unsigned long long)len);
				fz_fail("SGL data block outside the driver's memory");
			}
			if (to_host)
				memcpy(p, buf, len);
			else
				memcpy(buf, p, len);
			return true;
		}
		if (type != NVME_SGL_TYPE_LAST_SEGMENT || (d->length % 16) != 0)
			fz_fail("SGL descriptor the driver does not build");
		const uint8_t *lp = dma_ptr(d->addr, d->length);
		if (!lp)
			fz_fail("SGL segment outside the driver's memory");
		uint64_t off = 0;
		for (uint32_t i = 0; i < d->length / 16 && off < len; i++) {
			struct nvme_sgl_desc e;
			memcpy(&e, lp + 16u * i, 16);
			uint64_t n = e.length < len - off ? e.length : len - off;
			uint8_t *p = dma_ptr(e.addr, n);
			if (!p)
				fz_fail("SGL data block outside the driver's memory");
			if (to_host)
				memcpy(p, buf + off, n);
			else
				memcpy(buf + off, p, n);
			off += n;
		}
		return off == len;
	}
	uint64_t off = 0;
	uint64_t first = page - (prp1 & (page - 1));
	uint64_t n = first < len ? first : len;
	uint8_t *p = dma_ptr(prp1, n);
	if (!p)
		fz_fail("PRP1 outside the driver's memory");
	if (to_host)
		memcpy(p, buf, n);
	else
		memcpy(buf, p, n);
	off = n;
	if (off == len)
		return true;
	if (len - off <= page) {
		p = dma_ptr(prp2, len - off);
		if (!p)
			fz_fail("PRP2 outside the driver's memory");
		if (to_host)
			memcpy(p, buf + off, len - off);
		else
			memcpy(buf + off, p, len - off);
		return true;
	}
	/* PRP list, chained through the last entry of every full page */
	uint64_t list = prp2;
	unsigned per = (unsigned)(page / 8);
	unsigned i = (unsigned)((list & (page - 1)) / 8);
	while (off < len) {
		const uint8_t *lp = dma_ptr(list, 8);
		if (!lp)
			fz_fail("PRP list outside the driver's memory");
		uint64_t e;
		memcpy(&e, lp, 8);
		if (i == per - 1 && len - off > page) {
			list = e;   /* chain */
			i = 0;
			continue;
		}
		n = len - off < page ? len - off : page;
		p = dma_ptr(e, n);
		if (!p)
			fz_fail("PRP list entry outside the driver's memory");
		if (to_host)
			memcpy(p, buf + off, n);
		else
			memcpy(buf + off, p, n);
		off += n;
		list += 8;
		i++;
	}
	return true;
}

/* The sane payload, patched or replaced as the input says. */
static void payload_mutate(uint8_t *buf, size_t len)
{
	uint8_t c = in8();
	if (c < 190)
		return;
	if (c < 240) {
		unsigned k = 1u + (in8() & 15u);
		for (unsigned i = 0; i < k; i++) {
			uint16_t off = (uint16_t)(in16() % len);
			buf[off] = in8();
		}
		return;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = in8();
}

static void id_ctrl(uint8_t *b)
{
	struct nvme_id_ctrl *id = (struct nvme_id_ctrl *)b;
	id->vid = 0x1b36;
	memcpy(id->sn, "FUZZ0001            ", 20);
	memcpy(id->mn, "fuzz device                             ", 40);
	memcpy(id->fr, "1.0     ", 8);
	id->mdts = D.mdts;
	id->sqes = 0x66;
	id->cqes = 0x44;
	id->nn = D.nn;
	id->oncs = 0x5F;
	id->oacs = 0x0006;
	id->lpa = 0x07;
	id->aerl = 3;
	id->acl = 3;
	id->elpe = 3;
	id->frmw = 0x03;
	id->vwc = D.vwc;
	id->sgls = D.sgls;
	id->crdt1 = 1;
	id->oaes = 0x300;
	/* real drives: a host memory buffer asked for, Device Self-test (OACS
	 * bit 4), telemetry (LPA bit 3), three power states */
	id->oacs |= 0x0010;
	id->lpa |= 0x08;
	id->hmpre = 16;      /* 64 KiB */
	id->hmmin = 8;
	id->hmmaxd = 4;
	id->edstt = 1;
	id->npss = 2;
	id->psd[0].mp = 800;
	id->psd[1].mp = 300;
	id->psd[2].mp = 5;
	id->psd[2].flags = 2;   /* non-operational */
}


static struct nvme_ctrl ctrl;

/* Set Features 0Dh enabling the host memory buffer: the descriptor list
 * and every chunk must be memory the driver owns (then the device uses
 * it: it writes input bytes there). */
static uint16_t hmb_enable(const struct nvme_sqe *s)
{
	uint64_t page = D.page ? D.page : 4096;
	uint64_t list = (uint64_t)s->cdw14 << 32 | s->cdw13;
	uint32_t n = s->cdw15;
	/* passthrough and the features operations send any dwords: only the
	 * driver's own enable (its list, its count) is held to the rules */
	struct nvme_hmb_info hi;
	if (nvme_hmb_info(&ctrl, &hi) != 0 || hi.bytes == 0 || list != ctrl.hmb_list_phys || n != hi.chunks)
		return 0x4002;   /* Invalid Field, as a controller would */
	if (n == 0 || n > 256 || (list & 15u))
		fz_fail("HMB descriptor list the driver should not build");
	const uint8_t *lp = dma_ptr(list, (uint64_t)n * 16u);
	if (!lp)
		fz_fail("HMB descriptor list outside the driver's memory");
	uint64_t total = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t badd;
		uint32_t bsize;
		memcpy(&badd, lp + 16u * i, 8);
		memcpy(&bsize, lp + 16u * i + 8, 4);
		if (bsize == 0 || (badd & (page - 1)))
			fz_fail("HMB descriptor not page aligned or empty");
		uint8_t *p = dma_ptr(badd, (uint64_t)bsize * page);
		if (!p)
			fz_fail("HMB chunk outside the driver's memory");
		for (unsigned k = 0; k < 64; k++)
			p[k] = in8();   /* the controller's own use of its buffer */
		total += (uint64_t)bsize * page;
	}
	if (total != (uint64_t)s->cdw12 * page)
		fz_fail("HMB size not the sum of its descriptors");
	return 0;
}

/* Sane Device Self-test (06h) and Telemetry Host-Initiated (07h) logs. */
static void log_sane(uint8_t lid, uint8_t *buf, size_t len)
{
	if (lid == NVME_LID_DEVICE_SELF_TEST && len >= 564) {
		buf[0] = 0;
		for (unsigned i = 0; i < 20; i++)
			buf[4 + 28 * i] = i == 0 ? 0x10 : 0x0F;   /* one short test passed, then unused */
	} else if (lid == NVME_LID_TELEMETRY_HOST && len >= 512) {
		buf[0] = NVME_LID_TELEMETRY_HOST;
		buf[8] = 1;    /* data areas end at blocks 1, 2, 3 */
		buf[10] = 2;
		buf[12] = 3;
		buf[381] = 1;  /* generation */
	}
}

static void id_ns(uint8_t *b)
{
	struct nvme_id_ns *id = (struct nvme_id_ns *)b;
	id->nsze = id->ncap = id->nuse = D.nsze;
	id->nlbaf = 1;
	id->flbas = 0;
	id->lbaf[0].lbads = D.lbads;
	id->lbaf[1].lbads = 12;
}

static void exec_admin(const struct nvme_sqe *s)
{
	static uint8_t buf[4096];
	uint16_t sf = 0;
	uint32_t dw0 = 0;
	memset(buf, 0, sizeof(buf));
	switch (s->opc) {
	case NVME_ADMIN_IDENTIFY: {
		unsigned cns = (unsigned)NVME_GET(s->cdw10, NVME_IDENTIFY_CDW10_CNS);
		if (cns == NVME_CNS_CTRL)
			id_ctrl(buf);
		else if (cns == NVME_CNS_NS && s->nsid >= 1 && s->nsid <= D.nn)
			id_ns(buf);
		else if (cns == NVME_CNS_ACTIVE_NS_LIST)
			for (uint32_t i = 0, id = s->nsid + 1; id <= D.nn && i < 1024; id++)
				((uint32_t *)buf)[i++] = id;
		payload_mutate(buf, sizeof(buf));
		if (cns == NVME_CNS_NS && s->nsid >= 1 && s->nsid < 8) {
			const struct nvme_id_ns *id = (const struct nvme_id_ns *)buf;
			/* the format index as the driver reads it (bits 3:0 and 6:5) */
			unsigned fi = (id->flbas & 0xFu) | (((id->flbas >> 5) & 3u) << 4);
			uint8_t l = id->lbaf[fi].lbads;
			if (l >= 9 && l <= 16 && (D.ns_lbads[s->nsid] == 0 || l < D.ns_lbads[s->nsid]))
				D.ns_lbads[s->nsid] = l;
		}
		if (!prp_xfer(s, buf, 4096, true))
			sf = 0x4004;
		break;
	}
	case NVME_ADMIN_GET_LOG_PAGE: {
		uint64_t numd = ((uint64_t)NVME_GET(s->cdw11, NVME_GET_LOG_CDW11_NUMDU) << 16 |
				 NVME_GET(s->cdw10, NVME_GET_LOG_CDW10_NUMDL)) + 1;
		uint64_t len = numd * 4;
		if (len > sizeof(buf)) {
			sf = 0x4002;
			break;
		}
		uint64_t off = (uint64_t)s->cdw13 << 32 | s->cdw12;
		if (off == 0)
			log_sane((uint8_t)NVME_GET(s->cdw10, NVME_GET_LOG_CDW10_LID), buf, (size_t)len);
		payload_mutate(buf, (size_t)len);
		if (!prp_xfer(s, buf, len, true))
			sf = 0x4004;
		break;
	}
	case NVME_ADMIN_SET_FEATURES:
	case NVME_ADMIN_GET_FEATURES:
		if (s->opc == NVME_ADMIN_SET_FEATURES && NVME_GET(s->cdw10, NVME_FEAT_CDW10_FID) == NVME_FEAT_HOST_MEM_BUFFER &&
		    (s->cdw11 & 1u))
			sf = hmb_enable(s);
		if (NVME_GET(s->cdw10, NVME_FEAT_CDW10_FID) == NVME_FEAT_NUM_QUEUES)
			dw0 = (uint32_t)(D.grant - 1u) | ((uint32_t)(D.grant - 1u) << 16);
		dw0 = pick32(dw0);
		break;
	case NVME_ADMIN_CREATE_CQ: {
		uint16_t qid = (uint16_t)NVME_GET(s->cdw10, NVME_CREATE_CQ_CDW10_QID);
		uint32_t size = (uint32_t)NVME_GET(s->cdw10, NVME_CREATE_CQ_CDW10_QSIZE) + 1u;
		if (qid == 0 || qid >= DQ || D.cq[qid].live) {
			sf = 0x4101;
			break;
		}
		if (!dma_ptr(s->dptr.prp.prp1, (uint64_t)size * 16u))
			fz_fail("Create I/O CQ outside the driver's memory");
		D.cq[qid] = (struct dq){ true, s->dptr.prp.prp1, size, 0, 0, 1, 0 };
		break;
	}
	case NVME_ADMIN_CREATE_SQ: {
		uint16_t qid = (uint16_t)NVME_GET(s->cdw10, NVME_CREATE_SQ_CDW10_QID);
		uint32_t size = (uint32_t)NVME_GET(s->cdw10, NVME_CREATE_SQ_CDW10_QSIZE) + 1u;
		uint16_t cqid = (uint16_t)NVME_GET(s->cdw11, NVME_CREATE_SQ_CDW11_CQID);
		if (qid == 0 || qid >= DQ || D.sq[qid].live || cqid >= DQ || !D.cq[cqid].live) {
			sf = 0x4101;
			break;
		}
		if (!dma_ptr(s->dptr.prp.prp1, (uint64_t)size * 64u))
			fz_fail("Create I/O SQ outside the driver's memory");
		D.sq[qid] = (struct dq){ true, s->dptr.prp.prp1, size, 0, 0, 0, cqid };
		break;
	}
	case NVME_ADMIN_DELETE_SQ: {
		uint16_t qid = (uint16_t)NVME_GET(s->cdw10, NVME_DELETE_Q_CDW10_QID);
		if (qid == 0 || qid >= DQ || !D.sq[qid].live) {
			sf = 0x4101;
			break;
		}
		/* its commands still held complete as aborted (SQ deletion) */
		for (unsigned i = 0; i < D.npend; i++)
			if (D.pend[i].cqe.sqid == qid && D.pend[i].held) {
				D.pend[i].held = false;
				D.pend[i].cqe.status = (uint16_t)(0x0008u << 1);
			}
		D.sq[qid].live = false;
		break;
	}
	case NVME_ADMIN_DELETE_CQ: {
		uint16_t qid = (uint16_t)NVME_GET(s->cdw10, NVME_DELETE_Q_CDW10_QID);
		if (qid == 0 || qid >= DQ || !D.cq[qid].live) {
			sf = 0x4101;
			break;
		}
		pend_flush();
		D.cq[qid].live = false;
		break;
	}
	case NVME_ADMIN_ABORT: {
		uint16_t sqid = (uint16_t)NVME_GET(s->cdw10, NVME_ABORT_CDW10_SQID);
		uint16_t cid = (uint16_t)NVME_GET(s->cdw10, NVME_ABORT_CDW10_CID);
		dw0 = 1;
		for (unsigned i = 0; i < D.npend; i++)
			if (D.pend[i].cqe.sqid == sqid && D.pend[i].cqe.cid == cid) {
				D.pend[i].held = false;
				D.pend[i].due = D.tick;
				D.pend[i].cqe.status = (uint16_t)((0x4007u) << 1);
				dw0 = 0;
				break;
			}
		dw0 = pick32(dw0);
		break;
	}
	case NVME_ADMIN_ASYNC_EVENT:
		if (D.naer < 16) {
			D.aer_cid[D.naer++] = s->cid;
			return;   /* completed by an event later */
		}
		sf = 0x4105;
		break;
	default:
		/* firmware, format, sanitize, ...: accepted, data (if any) moved */
		if (NVME_GET(s->opc, NVME_OPC_XFER) != NVME_XFER_NONE && s->dptr.prp.prp1 == 0)
			sf = 0x4004;
		break;
	}
	complete(0, s->cid, sf, dw0);
}

static void exec_io(uint16_t sqid, const struct nvme_sqe *s)
{
	static uint8_t buf[1u << 20];
	uint16_t sf = 0;
	unsigned nsid = s->nsid;
	unsigned lbads = 9;
	if (nsid < 8 && D.ns_lbads[nsid] >= 9)
		lbads = D.ns_lbads[nsid] < D.lbads ? D.ns_lbads[nsid] : D.lbads;
	uint64_t len = ((uint64_t)NVME_GET(s->cdw12, NVME_RW_CDW12_NLB) + 1u) << lbads;
	switch (s->opc) {
	case NVME_CMD_READ:
	case NVME_CMD_WRITE:
	case NVME_CMD_COMPARE:
		if (len > sizeof(buf)) {
			sf = 0x4002;
			break;
		}
		if (s->opc == NVME_CMD_READ) {
			memset(buf, (int)(s->cdw10 & 0xFF), (size_t)len);
			if (in8() >= 250)
				for (uint64_t i = 0; i < len && i < 64; i++)
					buf[i] = in8();
		}
		if (!prp_xfer(s, buf, len, s->opc == NVME_CMD_READ))
			sf = 0x4004;
		break;
	case NVME_CMD_DSM: {
		uint64_t n = ((uint64_t)(s->cdw10 & 0xFF) + 1u) * 16u;
		if (!prp_xfer(s, buf, n, false))
			sf = 0x4004;
		break;
	}
	default:
		break;   /* flush, write zeroes, verify, reservations: accepted */
	}
	complete(sqid, s->cid, sf, 0);
}

/* Fetch and execute everything between head and tail of SQ qid. */
static void sq_run(uint16_t qid)
{
	struct dq *q = &D.sq[qid];
	unsigned guard = 0;
	while (q->live && q->head != q->tail && !D.cfs && !D.gone && guard++ < 4096) {
		const uint8_t *p = dma_ptr(q->base + (uint64_t)q->head * 64u, 64);
		if (!p)
			fz_fail("SQ entry outside the driver's memory");
		struct nvme_sqe s;
		memcpy(&s, p, sizeof(s));
		q->head = (q->head + 1u) % q->size;
		if (echo_log())
			fprintf(stderr, "dev: sq %u opc %02x cid %04x nsid %u cdw10 %08x cdw12 %08x psdt %u prp1 %llx prp2 %llx\n",
				qid, s.opc, s.cid, s.nsid, s.cdw10, s.cdw12, (unsigned)NVME_GET(s.flags, NVME_SQE_FLAGS_PSDT),
				(unsigned long long)s.dptr.prp.prp1, (unsigned long long)s.dptr.prp.prp2);
		if (qid == 0)
			exec_admin(&s);
		else
			exec_io(qid, &s);
	}
}

/* An event for an outstanding AER, now and then. */
static void maybe_event(void)
{
	if (D.naer == 0 || in8() < 250)
		return;
	uint16_t cid = D.aer_cid[0];
	memmove(&D.aer_cid[0], &D.aer_cid[1], (D.naer - 1) * sizeof(D.aer_cid[0]));
	D.naer--;
	struct nvme_cqe e;
	memset(&e, 0, sizeof(e));
	e.cid = cid;
	e.sqhd = (uint16_t)D.sq[0].head;
	e.dw0 = pick32(0x00020101u);   /* SMART temperature, log 02h */
	pend_add(0, &e, 0, false);
}

static void dev_tick(void)
{
	D.tick++;
	if (over_budget())
		D.gone = true;
	if (!D.gone && !D.cfs) {
		maybe_event();
		pend_flush();
	}
}

static void dev_enable(void)
{
	uint32_t asqs = (D.aqa & 0xFFFu) + 1u, acqs = ((D.aqa >> 16) & 0xFFFu) + 1u;
	D.page = 4096u << NVME_GET(D.cc, NVME_CC_MPS);
	if (!dma_ptr(D.asq, (uint64_t)asqs * 64u) || !dma_ptr(D.acq, (uint64_t)acqs * 16u))
		fz_fail("admin queues outside the driver's memory");
	dev_reset_queues();
	D.sq[0] = (struct dq){ true, D.asq, asqs, 0, 0, 0, 0 };
	D.cq[0] = (struct dq){ true, D.acq, acqs, 0, 0, 1, 0 };
	D.enabled = true;
}

uint32_t nvme_mmio_hook_read32(const volatile void *addr);
void nvme_mmio_hook_write32(volatile void *addr, uint32_t value);

uint32_t nvme_mmio_hook_read32(const volatile void *addr)
{
	uint32_t off = (uint32_t)((uintptr_t)addr - (uintptr_t)bar_mem);
	reg_ops++;
	dev_tick();
	if (D.gone)
		return 0xFFFFFFFFu;
	uint32_t v = 0;
	switch (off) {
	case NVME_REG_CAP:     v = (uint32_t)D.cap; break;
	case NVME_REG_CAP + 4: v = (uint32_t)(D.cap >> 32); break;
	case NVME_REG_VS:      v = D.vs; break;
	case NVME_REG_CC:      v = D.cc; break;
	case NVME_REG_CSTS:
		v = (uint32_t)(NVME_SET(NVME_CSTS_RDY, D.enabled && NVME_GET(D.cc, NVME_CC_EN)) |
			       NVME_SET(NVME_CSTS_CFS, D.cfs) |
			       NVME_SET(NVME_CSTS_SHST, NVME_GET(D.cc, NVME_CC_SHN) ? NVME_CSTS_SHST_COMPLETE : 0));
		break;
	case NVME_REG_AQA:     v = D.aqa; break;
	default:               v = 0; break;
	}
	v = pick32(v);
	/* the doorbell stride is what the driver was told */
	if (off == NVME_REG_CAP)
		D.cap_seen = (D.cap_seen & ~0xFFFFFFFFull) | v;
	else if (off == NVME_REG_CAP + 4)
		D.cap_seen = (D.cap_seen & 0xFFFFFFFFull) | ((uint64_t)v << 32);
	return v;
}

void nvme_mmio_hook_write32(volatile void *addr, uint32_t v)
{
	uint32_t off = (uint32_t)((uintptr_t)addr - (uintptr_t)bar_mem);
	reg_ops++;
	dev_tick();
	if (D.gone)
		return;
	if (off >= NVME_REG_DBS) {
		uint32_t stride = 4u << NVME_GET(D.cap_seen, NVME_CAP_DSTRD);
		uint32_t idx = (off - NVME_REG_DBS) / stride;
		uint16_t qid = (uint16_t)(idx / 2);
		if (qid >= DQ || D.cfs || !D.enabled)
			return;
		if (idx & 1u) {
			if (D.cq[qid].live && v < D.cq[qid].size)
				D.cq[qid].head = v;
			pend_flush();
		} else if (D.sq[qid].live && v < D.sq[qid].size) {
			D.sq[qid].tail = v;
			sq_run(qid);
			pend_flush();
		}
		return;
	}
	switch (off) {
	case NVME_REG_CC: {
		bool en_old = NVME_GET(D.cc, NVME_CC_EN) != 0, en_new = NVME_GET(v, NVME_CC_EN) != 0;
		D.cc = v;
		if (en_new && !en_old && !D.cfs)
			dev_enable();
		if (!en_new && en_old) {
			/* controller reset: queues, held commands and CFS cleared */
			dev_reset_queues();
			D.enabled = false;
			D.cfs = false;
			D.cc = 0;
		}
		break;
	}
	case NVME_REG_AQA:     D.aqa = v; break;
	case NVME_REG_ASQ:     D.asq = (D.asq & ~0xFFFFFFFFull) | v; break;
	case NVME_REG_ASQ + 4: D.asq = (D.asq & 0xFFFFFFFFull) | ((uint64_t)v << 32); break;
	case NVME_REG_ACQ:     D.acq = (D.acq & ~0xFFFFFFFFull) | v; break;
	case NVME_REG_ACQ + 4: D.acq = (D.acq & 0xFFFFFFFFull) | ((uint64_t)v << 32); break;
	default: break;
	}
}

/* ------------------------------------------------------------------------ */
/* The host                                                                  */
/* ------------------------------------------------------------------------ */

static unsigned long dma_live;

static void *h_dma_alloc(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	(void)ctx;
	if (in8() >= 253 || size > (32u << 20))
		return NULL;   /* the host is out of memory */
	size_t a = align < 64 ? 64 : align;
	size_t n = (size + a - 1) & ~(a - 1);
	uint8_t *p = aligned_alloc(a, n);
	if (!p)
		abort();
	memset(p, 0, n);
	region_add(p, size, true);
	if (echo_log())
		fprintf(stderr, "host: dma_alloc %p + %zu\n", (void *)p, size);
	*phys = (uint64_t)(uintptr_t)p;
	dma_live++;
	return p;
}

static void h_dma_free(void *ctx, void *virt, uint64_t phys, size_t size)
{
	(void)ctx;
	(void)size;
	if (phys != (uint64_t)(uintptr_t)virt || !region_del(virt, true))
		fz_fail("dma_free of memory dma_alloc did not return");
	dma_live--;
	if (echo_log())
		fprintf(stderr, "host: dma_free %p\n", virt);
	free(virt);
}

static volatile void *h_mmio_map(void *ctx, uint64_t phys, size_t size)
{
	(void)ctx;
	(void)size;
	return phys == BAR_PHYS ? bar_mem : NULL;
}

/* Only registered memory is reachable (stack buffers of the driver's own
 * helpers, e.g. DSM ranges, are bounced). */
static int h_v2p(void *ctx, const void *virt, uint64_t *phys)
{
	(void)ctx;
	if (!dma_ptr((uint64_t)(uintptr_t)virt, 1))
		return -1;
	*phys = (uint64_t)(uintptr_t)virt;
	return 0;
}

static uint64_t h_now(void *ctx)
{
	(void)ctx;
	now += 500;
	return now;
}

static void h_delay(void *ctx, uint32_t us)
{
	(void)ctx;
	now += us;
}

static void h_log(void *ctx, enum nvme_log_level level, const char *msg)
{
	(void)ctx;
	if (echo_log())
		fprintf(stderr, "%d %s\n", (int)level, msg);
}

static const struct nvme_host host = {
	.ctx = NULL,
	.dma_alloc = h_dma_alloc,
	.dma_free = h_dma_free,
	.mmio_map = h_mmio_map,
	.mmio_unmap = NULL,
	.virt_to_phys = h_v2p,
	.now_us = h_now,
	.delay_us = h_delay,
	.log = h_log,
	.page_size = 4096,
	.dma_limit = 0,
};

/* ------------------------------------------------------------------------ */
/* Asynchronous requests: exactly once                                       */
/* ------------------------------------------------------------------------ */

#define MAX_ASYNC 256
struct areq {
	unsigned calls;
	bool used;
	uint8_t *buf;
};
static struct areq areqs[MAX_ASYNC];
static unsigned nareq;

static void areq_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)status;
	(void)cqe;
	struct areq *r = arg;
	if (++r->calls > 1)
		fz_fail("an asynchronous request completed twice");
}

static struct areq *areq_new(size_t len)
{
	if (nareq == MAX_ASYNC)
		return NULL;
	struct areq *r = &areqs[nareq++];
	r->calls = 0;
	r->used = true;
	r->buf = harness_buf(len);
	return r;
}

/* ------------------------------------------------------------------------ */
/* The session                                                               */
/* ------------------------------------------------------------------------ */

static bool no_recovery;

/*
 * Buffers of synchronous calls. With recovery on, a call that returned has
 * nothing left on the device, so its buffer is freed at once (a later DMA
 * into it is a driver bug the harness catches). With cfg.no_recovery a
 * timed-out command keeps its CID and the device may still move its data
 * (documented in nvme.h), so a failed call's buffer is kept until detach.
 */
#define MAX_QUAR 64
static void *quarantine[MAX_QUAR];
static unsigned nquar;

static void sync_buf_done(void *b, int rc)
{
	if (rc != 0 && no_recovery && nquar < MAX_QUAR) {
		quarantine[nquar++] = b;
		return;
	}
	harness_buf_free(b);
}

static struct nvme_ns *pick_ns(void)
{
	uint32_t n = nvme_ns_count(&ctrl);
	return n ? nvme_ns_at(&ctrl, in8() % n) : NULL;
}

static struct nvme_qpair *pick_q(void)
{
	uint8_t c = in8();
	return c < 128 ? NULL : nvme_ctrl_io_qpair(&ctrl, c % 4u);
}

static void poll_all(unsigned iters)
{
	for (unsigned it = 0; it < iters; it++) {
		bool any = false;
		for (uint32_t i = 0; i < 4; i++) {
			struct nvme_qpair *q = nvme_ctrl_io_qpair(&ctrl, i);
			if (q && nvme_qpair_in_flight(q)) {
				any = true;
				(void)nvme_qpair_poll(q, 0);
			}
		}
		now += 200;
		if ((it & 15u) == 0)
			(void)nvme_ctrl_poll_admin(&ctrl);
		if (!any)
			break;
	}
}

static void op(uint8_t which)
{
	struct nvme_ns *ns = pick_ns();
	uint8_t *b = NULL;
	switch (which % 25u) {
	case 0:
	case 1: {   /* synchronous read / write */
		if (!ns || ns->lba_size == 0)
			break;
		uint32_t count = 1u + in8() % 8u;
		uint64_t lba = in16();
		size_t len = (size_t)count * ns->lba_size;
		if (len > (1u << 20))
			break;
		b = harness_buf(len + 1);   /* reads may start one byte in (bounced) */
		int rc;
		if (which % 22u == 0)
			rc = nvme_read(ns, pick_q(), lba, count, b + (in8() & 1));
		else
			rc = nvme_write(ns, pick_q(), lba, count, b);
		sync_buf_done(b, rc);
		break;
	}
	case 2: {   /* asynchronous batch */
		if (!ns || ns->lba_size == 0 || ns->lba_size > 65536)
			break;
		struct nvme_qpair *q = nvme_ctrl_io_qpair(&ctrl, in8() % 4u);
		unsigned k = 1u + in8() % 40u;
		for (unsigned i = 0; i < k; i++) {
			struct areq *r = areq_new(ns->lba_size + 8);
			if (!r)
				break;
			uint8_t c = in8();
			int rc = (c & 1) ? nvme_write_async(ns, q, in8(), 1, r->buf, areq_cb, r)
					 : nvme_read_async(ns, q, in8(), 1, r->buf + ((c >> 1) & 3), areq_cb, r);
			if (rc != 0)
				r->calls = 1;   /* never submitted: counts as ended */
		}
		poll_all(2000u + in8() * 40u);
		break;
	}
	case 3:
		(void)nvme_flush(ns, pick_q());
		break;
	case 4: {
		uint32_t a, c;
		(void)nvme_get_num_queues(&ctrl, &a, &c);
		uint32_t v;
		struct nvme_feat_args fa = { .fid = in8() };
		(void)nvme_feat_get(&ctrl, &fa, NVME_CMD_FORCE, &v);
		break;
	}
	case 5: {
		(void)nvme_ctrl_poll_admin(&ctrl);
		struct nvme_event ev;
		while (nvme_event_pop(&ctrl, &ev)) {
			char line[160];
			(void)nvme_event_describe(&ev, line, sizeof(line));
		}
		break;
	}
	case 6: {
		struct nvme_smart_info si;
		(void)nvme_smart_read(&ctrl, 0, &si, NULL, 0);
		struct nvme_error_log_entry e[4];
		uint32_t n;
		(void)nvme_error_log_read(&ctrl, e, 4, &n);
		struct nvme_fw_slot_info fs;
		(void)nvme_fw_slot_read(&ctrl, &fs);
		struct nvme_sanitize_status ss;
		(void)nvme_sanitize_status_read(&ctrl, &ss);
		break;
	}
	case 7:
		(void)nvme_ns_rescan(&ctrl);
		break;
	case 8:
		(void)nvme_ctrl_reset(&ctrl);
		break;
	case 9:
		(void)nvme_ctrl_shutdown(&ctrl, in8() & 1);
		(void)nvme_ctrl_resume(&ctrl);
		break;
	case 10:
		(void)nvme_ctrl_set_io_queue_count(&ctrl, in8() % 4u);
		break;
	case 11: {
		uint16_t qid = (uint16_t)(1u + in8() % 4u);
		(void)nvme_qpair_delete(&ctrl, qid);
		(void)nvme_qpair_create(&ctrl, qid, in8() % 70u, NULL);
		break;
	}
	case 12: {   /* byte helpers */
		if (!ns || ns->lba_size == 0)
			break;
		size_t len = 1u + in16() % 9000u;
		b = harness_buf(len);
		uint64_t off = in32();
		int rc;
		if (in8() & 1)
			rc = nvme_write_bytes(ns, pick_q(), off, b, len);
		else
			rc = nvme_read_bytes(ns, pick_q(), off, b, len);
		sync_buf_done(b, rc);
		break;
	}
	case 13: {   /* passthrough */
		struct nvme_sqe s;
		memset(&s, 0, sizeof(s));
		s.opc = NVME_ADMIN_IDENTIFY;
		s.cdw10 = in8();
		s.nsid = in8();
		b = harness_buf(4096);
		struct nvme_cqe cqe;
		int rc = nvme_admin_passthru(&ctrl, &s, b, 4096, &cqe);
		struct nvme_qpair *q = nvme_ctrl_io_qpair(&ctrl, 0);
		/* a passthrough Read of one block needs a buffer of one block */
		if (rc == 0 && q && ns && ns->unusable == 0 && ns->lba_size <= 4096) {   /* b has 4096 */
			memset(&s, 0, sizeof(s));
			s.opc = NVME_CMD_READ;
			s.nsid = ns->nsid;
			rc = nvme_io_passthru(q, &s, b, ns->lba_size, &cqe);
		}
		sync_buf_done(b, rc);
		break;
	}
	case 14:   /* time jumps: timeouts of whatever is in flight */
		now += (uint64_t)in16() * 1000u;
		(void)nvme_ctrl_check_timeouts(&ctrl);
		break;
	case 15: {   /* optional I/O commands */
		if (!ns || ns->lba_size == 0)
			break;
		(void)nvme_write_zeroes(ns, pick_q(), in8(), 1u + in8() % 4u, 0);
		(void)nvme_verify(ns, pick_q(), in8(), 1, 0);
		(void)nvme_trim(ns, pick_q(), in8(), 1u + in8(), 0);
		if (ns->lba_size <= 65536) {
			b = harness_buf(ns->lba_size);
			sync_buf_done(b, nvme_compare(ns, pick_q(), in8(), 1, b, 0, NULL));
		}
		break;
	}
	case 16: {   /* features with every dword */
		struct nvme_feat_args a = { .fid = in8(), .sel = (uint8_t)(in8() & 7), .cdw11 = in32(),
					    .cdw12 = in32(), .uuid_index = (uint8_t)(in8() & 0x7F) };
		uint32_t dw0;
		(void)nvme_feat_get(&ctrl, &a, NVME_FEAT_RAW, &dw0);
		(void)nvme_feat_set(&ctrl, &a, NVME_FEAT_RAW, &dw0);
		break;
	}
	case 17: {   /* firmware download and commit (FORCE: sent whatever OACS says) */
		size_t len = 4u * (1u + in16() % 3000u);
		b = harness_buf(len);
		int rc = nvme_fw_download(&ctrl, b, len, 0, 0, NULL, NULL, NVME_CMD_FORCE);
		struct nvme_fw_commit_result res;
		(void)nvme_fw_commit(&ctrl, (uint8_t)(in8() & 7), (uint8_t)(in8() & 3), NVME_CMD_FORCE, &res);
		sync_buf_done(b, rc);
		break;
	}
	case 18: {   /* sanitize: start, then a bounded wait on the status log */
		struct nvme_sanitize_opts so;
		memset(&so, 0, sizeof(so));
		so.action = (uint8_t)(1u + in8() % 4u);
		so.owpass = (uint8_t)(1u + (in8() & 15));
		so.flags = NVME_CMD_FORCE;
		so.poll_ms = 10;
		so.max_wait_ms = 200;
		struct nvme_sanitize_status fin;
		(void)nvme_sanitize(&ctrl, &so, &fin);
		break;
	}
	case 19: {   /* Format NVM (format_timeout_ms is 200) */
		struct nvme_format_opts fo;
		memset(&fo, 0, sizeof(fo));
		fo.lbaf = (uint8_t)(in8() & 3);
		fo.ses = (uint8_t)(in8() % 3u);
		fo.flags = NVME_CMD_FORCE;
		(void)nvme_format_nvm(&ctrl, ns ? ns->nsid : NVME_NSID_ALL, &fo);
		break;
	}
	case 20: {   /* reservations */
		if (!ns)
			break;
		(void)nvme_resv_register(ns, pick_q(), (uint8_t)(in8() % 3u), in32(), in32(), 0, NVME_CMD_FORCE);
		(void)nvme_resv_acquire(ns, pick_q(), (uint8_t)(in8() % 3u), (uint8_t)(1u + in8() % 6u), in32(),
					 0, NVME_CMD_FORCE);
		b = harness_buf(4096);
		struct nvme_resv_info ri;
		int rc = nvme_resv_report(ns, pick_q(), b, 4096, in8() & 1, NVME_CMD_FORCE, &ri);
		if (rc == 0)
			for (uint32_t i = 0; i < ri.nentries; i++) {
				struct nvme_resv_entry e;
				(void)nvme_resv_report_entry(b, 4096, &ri, i, &e);
			}
		(void)nvme_resv_release(ns, pick_q(), (uint8_t)(in8() & 1), (uint8_t)(1u + in8() % 6u), 0,
					 NVME_CMD_FORCE);
		sync_buf_done(b, rc);
		break;
	}
	case 21: {   /* checked features and their decoders */
		uint8_t fid = (uint8_t)(1u + in8() % 0x20u);
		uint32_t v = 0;
		struct nvme_feat_args ga = { .fid = fid, .sel = (uint8_t)(in8() & 3) };
		if (nvme_feat_get(&ctrl, &ga, NVME_CMD_FORCE, &v) == 0) {
			char t[160];
			(void)nvme_feat_describe(fid, v, t, sizeof(t));
		}
		struct nvme_feat_args sa = { .fid = fid, .cdw11 = in32(), .save = (in8() & 1) != 0 };
		(void)nvme_feat_set(&ctrl, &sa, NVME_CMD_FORCE, &v);
		struct nvme_timestamp ts;
		(void)nvme_timestamp_get(&ctrl, 0, &ts, NVME_CMD_FORCE);
		break;
	}
	case 22: {   /* Device Self-test: start, log, abort */
		struct nvme_self_test_log log;
		uint32_t nsid = (in8() & 1) ? NVME_NSID_ALL : in8() % 4u;
		(void)nvme_self_test_start(&ctrl, nsid, (in8() & 1) ? NVME_DST_EXTENDED : NVME_DST_SHORT);
		(void)nvme_self_test_log_read(&ctrl, &log);
		for (uint32_t i = 0; i < log.count && i < NVME_DST_LOG_RESULTS; i++)
			(void)nvme_self_test_result_name(log.result[i].result);
		if (in8() & 1)
			(void)nvme_self_test_abort(&ctrl);
		break;
	}
	case 23: {   /* telemetry into a harness buffer */
		size_t len = 512u * (1u + in8() % 8u);
		struct nvme_telemetry_info ti;
		b = harness_buf(len);
		sync_buf_done(b, nvme_telemetry_host_read(&ctrl, 1u + in8() % 3u, in8() & 1, b, len, &ti));
		break;
	}
	case 24: {   /* host memory buffer state, power states */
		struct nvme_hmb_info hi;
		struct nvme_power_state_info pi;
		struct nvme_apst a;
		uint8_t ps;
		(void)nvme_hmb_info(&ctrl, &hi);
		for (uint32_t i = 0; i < nvme_power_state_count(&ctrl); i++)
			(void)nvme_power_state_info(&ctrl, (uint8_t)i, &pi);
		(void)nvme_power_get(&ctrl, &ps, NULL);
		(void)nvme_power_set(&ctrl, (uint8_t)(in8() % 33u), in8() & 1);
		(void)nvme_apst_read(&ctrl, &a);
		break;
	}
	default: {   /* accessors and texts on whatever state we are in */
		char t[160];
		struct nvme_qpair_stats st;
		struct nvme_recovery_stats rs;
		nvme_ctrl_recovery_stats(&ctrl, &rs);
		for (uint32_t i = 0; i < nvme_ns_count(&ctrl); i++)
			(void)nvme_ns_unusable_text(nvme_ns_at(&ctrl, i), t, sizeof(t));
		for (uint32_t i = 0; i < 4; i++)
			nvme_qpair_stats_get(nvme_ctrl_io_qpair(&ctrl, i), &st);
		(void)nvme_status_describe(-(int)in32(), t, sizeof(t));
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in_p = data;
	in_n = size;
	in_pos = 0;
	now = 0;
	reg_ops = 0;
	nareq = 0;
	memset(&D, 0, sizeof(D));

	/* the device */
	uint8_t c0 = in8(), c1 = in8(), c2 = in8();
	uint16_t mqes = (uint16_t)(1u + (c0 & 0x3Fu));
	D.cap = NVME_SET(NVME_CAP_MQES, mqes) | NVME_SET(NVME_CAP_CQR, 1) | NVME_SET(NVME_CAP_TO, 1 + (c0 >> 6)) |
		NVME_SET(NVME_CAP_CSS, NVME_CAP_CSS_NVM) | NVME_SET(NVME_CAP_MPSMAX, 4) |
		NVME_SET(NVME_CAP_DSTRD, (c1 & 0x80) ? (c1 & 0xF) : 0);
	D.cap_seen = D.cap;
	D.vs = (c1 & 0x40) ? NVME_VS(1, 0, 0) : NVME_VS(1, 4, 0);
	D.mdts = (uint8_t)(c1 & 0x7);
	D.nn = (uint8_t)((c1 >> 3) & 0x3);
	D.lbads = (c2 & 1) ? 12 : 9;
	D.sgls = (uint8_t)((c2 >> 1) & 3);
	D.grant = (uint8_t)(1u + ((c2 >> 3) & 3));
	D.vwc = (uint8_t)((c2 & 0x20) ? 0x07 : 0);
	D.nsze = 64u + in16();

	/* the driver */
	struct nvme_ctrl_config cfg;
	nvme_config_defaults(&cfg);
	uint8_t d0 = in8(), d1 = in8();
	cfg.io_queue_count = d0 & 3u;
	cfg.io_queue_depth = 2u + (d1 & 0x3Fu);
	cfg.admin_queue_depth = 2u + ((d0 >> 2) & 0x1Fu);
	cfg.admin_timeout_ms = 100;
	cfg.io_timeout_ms = 100;
	cfg.format_timeout_ms = 200;
	cfg.hmb_max_bytes = 256u * 1024u;   /* bounded: Identify HMPRE is the input's */
	cfg.max_transfer = 4096u << ((d1 >> 6) * 2u);
	cfg.dptr_mode = (enum nvme_dptr_mode)((d0 >> 7) ? NVME_DPTR_AUTO : NVME_DPTR_PRP);
	cfg.no_aer = (in8() & 3) == 0;
	cfg.no_recovery = (in8() & 7) == 0;
	no_recovery = cfg.no_recovery;
	nquar = 0;
	cfg.log_level = getenv("FUZZ_LOG") ? NVME_LOG_DEBUG : NVME_LOG_ERROR;
	size_t bar_size = (in8() & 1) ? 0x4000u : BAR_MAX;

	int rc = nvme_ctrl_init(&ctrl, &host, BAR_PHYS, bar_size, &cfg);
	if (rc == 0) {
		unsigned nops = 4u + in8() % 24u;
		for (unsigned i = 0; i < nops; i++)
			op(in8());
		poll_all(3000);
	}
	nvme_ctrl_detach(&ctrl);
	for (unsigned i = 0; i < nquar; i++)
		harness_buf_free(quarantine[i]);

	/* exactly once: by detach at the latest */
	for (unsigned i = 0; i < nareq; i++) {
		if (areqs[i].calls != 1)
			fz_fail("an asynchronous request never completed");
		harness_buf_free(areqs[i].buf);
	}
	if (dma_live != 0)
		fz_fail("detach left DMA memory allocated");
	if (nregions != 0)
		fz_fail("harness buffers left");
	return 0;
}
