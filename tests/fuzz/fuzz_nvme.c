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
#include <sanitizer/asan_interface.h>   /* poisoning of cached blocks (no-ops without ASan) */

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

/*
 * The harness's own bookkeeping (the lists of host memory, the block cache,
 * the address checks) is not instrumented for coverage: none of its
 * branches or comparisons is a decision of the device or the driver, and
 * libFuzzer's comparison tracing in its loops (every DMA address checked
 * against every live region) cost more than the driver's code. Every
 * function that reads the input stays instrumented. (gcc's replay build has
 * no coverage instrumentation anyway.)
 */
#if defined(__clang__)
#define FZ_PLAIN __attribute__((no_sanitize("coverage")))
#else
#define FZ_PLAIN
#endif

#define MAX_REGIONS 512
struct region {
	uint8_t *p;
	size_t len;
	bool dma;            /* from dma_alloc (the driver's), else a harness buffer */
	size_t align, bytes; /* the block as allocated (blk_get: its capacity) */
};
static struct region regions[MAX_REGIONS];
static unsigned nregions;

FZ_PLAIN static void region_add(void *p, size_t len, bool dma, size_t align, size_t bytes)
{
	if (nregions == MAX_REGIONS)
		fz_fail("too many regions");
	regions[nregions++] = (struct region){ p, len, dma, align, bytes };
}

FZ_PLAIN static bool region_del(void *p, bool dma, size_t *align, size_t *bytes)
{
	for (unsigned i = 0; i < nregions; i++)
		if (regions[i].p == p && regions[i].dma == dma) {
			*align = regions[i].align;
			*bytes = regions[i].bytes;
			regions[i] = regions[--nregions];
			return true;
		}
	return false;
}

/*
 * Blocks of DMA memory and harness buffers are kept for reuse, across
 * inputs, instead of going back to the allocator: every input allocates the
 * same queues, PRP lists and bounce buffers (hundreds of KiB), and fresh
 * large blocks cost an mmap, page faults on the first touch and a munmap
 * each time (most of an execution's time before).
 *
 * A block's capacity is a power of two (at least its alignment), and the
 * cache has one LIFO stack per capacity and alignment: a request takes any
 * block of its class, so the many sizes of the many configurations (queue
 * depths, transfer sizes, host pages) share blocks instead of each missing
 * its exact size (the exact-size cache of 512 blocks before still took
 * fresh memory for one block in twenty over the carried corpus, and evicted
 * as much). Only the requested bytes are unpoisoned and cleared: the rest
 * of the block stays poisoned, so an access past the request is reported as
 * one past a fresh block's end would be. A cached block is poisoned whole
 * (ASan reports any access by the driver, as it would a freed block).
 */
#define BLK_CACHE_MAX (512u << 20)  /* bytes kept at most (64 KiB host pages make PRP list pools of MiBs) */
#define MAX_BUCKETS   256
struct bucket {
	size_t cap, align;
	uint8_t **v;
	unsigned n, room;
};
static struct bucket buckets[MAX_BUCKETS];
static unsigned nbuckets;
static size_t blk_cached;

FZ_PLAIN static size_t blk_cap(size_t align, size_t bytes)
{
	size_t c = 64;
	while (c < bytes || c < align)
		c <<= 1;
	return c;
}

FZ_PLAIN static struct bucket *bucket_of(size_t cap, size_t align, bool make)
{
	for (unsigned i = 0; i < nbuckets; i++)
		if (buckets[i].cap == cap && buckets[i].align == align)
			return &buckets[i];
	if (!make || nbuckets == MAX_BUCKETS)
		return NULL;
	buckets[nbuckets] = (struct bucket){ cap, align, NULL, 0, 0 };
	return &buckets[nbuckets++];
}

/* A block of at least bytes (its capacity in *cap), bytes addressable. */
FZ_PLAIN static uint8_t *blk_get(size_t align, size_t bytes, size_t *cap)
{
	*cap = blk_cap(align, bytes);
	struct bucket *b = bucket_of(*cap, align, false);
	uint8_t *p;
	if (b && b->n) {
		p = b->v[--b->n];
		blk_cached -= *cap;
	} else {
		p = aligned_alloc(align, *cap);
		if (!p)
			abort();
		ASAN_POISON_MEMORY_REGION(p, *cap);
	}
	ASAN_UNPOISON_MEMORY_REGION(p, bytes);
	return p;
}

FZ_PLAIN static void blk_drop(void *p, size_t cap)
{
	ASAN_UNPOISON_MEMORY_REGION(p, cap);
	free(p);
}

FZ_PLAIN static void blk_put(void *p, size_t align, size_t cap)
{
	struct bucket *b = cap > BLK_CACHE_MAX / 4 ? NULL : bucket_of(cap, align, true);
	/* full: the largest cached blocks go first (the rare configurations) */
	while (b && blk_cached + cap > BLK_CACHE_MAX) {
		struct bucket *big = NULL;
		for (unsigned i = 0; i < nbuckets; i++)
			if (buckets[i].n && (!big || buckets[i].cap > big->cap))
				big = &buckets[i];
		if (!big)
			break;
		blk_drop(big->v[--big->n], big->cap);
		blk_cached -= big->cap;
	}
	if (b && b->n == b->room) {
		unsigned room = b->room ? 2 * b->room : 16;
		uint8_t **v = realloc(b->v, room * sizeof(*v));
		if (!v)
			abort();
		b->v = v;
		b->room = room;
	}
	if (!b) {
		blk_drop(p, cap);
		return;
	}
	ASAN_POISON_MEMORY_REGION(p, cap);
	b->v[b->n++] = p;
	blk_cached += cap;
}

static void dump_regions(void)
{
	if (!getenv("FUZZ_LOG"))
		return;
	for (unsigned i = 0; i < nregions; i++)
		fprintf(stderr, "  region %p + %zu (%s)\n", (void *)regions[i].p, regions[i].len,
			regions[i].dma ? "dma" : "buffer");
}

/* Host pointer of [phys, phys+len) if it lies in one live region (the
 * region of the last hit first: a queue or buffer is walked entry by entry) */
FZ_PLAIN static uint8_t *dma_ptr(uint64_t phys, uint64_t len)
{
	static unsigned last;
	for (unsigned k = 0; k <= nregions; k++) {
		unsigned i = k == 0 ? last : k - 1;
		if (i >= nregions)
			continue;
		uint64_t b = (uint64_t)(uintptr_t)regions[i].p;
		if (phys >= b && len <= regions[i].len && phys - b <= regions[i].len - len) {
			last = i;
			return (uint8_t *)(uintptr_t)phys;
		}
	}
	return NULL;
}

static void *harness_buf(size_t len)
{
	size_t bytes = (len + 4095) & ~(size_t)4095, cap;
	uint8_t *p = blk_get(4096, bytes, &cap);
	memset(p, 0xA5, len);
	region_add(p, len, false, 4096, cap);
	if (echo_log())
		fprintf(stderr, "harness: buffer %p + %zu\n", (void *)p, len);
	return p;
}

static void harness_buf_free(void *p)
{
	size_t align = 0, bytes = 0;
	if (!region_del(p, false, &align, &bytes))
		fz_fail("harness buffer not registered");
	if (echo_log())
		fprintf(stderr, "harness: free %p\n", p);
	blk_put(p, align, bytes);
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
	/* the families of issue 18 (the last configuration byte, when it
	 * selects no quirk): I/O command sets, metadata/PI, ZNS, namespace
	 * management, Copy, extended LBA formats (64b guard) */
	uint8_t fam;
	uint64_t zsze;           /* zone size of zoned namespaces, blocks */
	uint8_t zdes;            /* zone descriptor extension, 64-byte units */
	/* the smallest metadata size per block the device ever reported for a
	 * namespace (0xFFFF: none reported): MPTR buffers are checked for it */
	uint16_t ns_ms[8];
} D;

#define FAM_IOCS  0x01u
#define FAM_PI    0x02u
#define FAM_ZNS   0x04u
#define FAM_NSM   0x08u
#define FAM_COPY  0x10u
#define FAM_ELBAS 0x20u

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

/*
 * A status field a controller may really return: a code of the type's
 * defined range (so the driver's tables and the commands' status checks
 * see every one of them), with DNR, More and CRD as the input says.
 */
static uint16_t pick_status(void)
{
	uint8_t m = in8();
	unsigned sct = m & 7u, sc;
	switch (sct) {
	case 0: sc = (m & 8u) ? 0x80u + in8() % 8u : in8() % 0x30u; break;
	case 1: sc = (m & 8u) ? 0x80u + in8() % 0x40u : in8() % 0x30u; break;   /* 80h-BFh: Copy, ZNS */
	case 2: sc = 0x80u + in8() % 8u; break;
	case 3: sc = (m & 8u) ? 0x60u + in8() % 0x14u : in8() % 4u; break;
	default: sc = in8(); break;
	}
	return (uint16_t)(sc | sct << 8 | ((m >> 4) & 3u) << 11 | ((m >> 6) & 1u) << 13 | (m >> 7) << 14);
}

/* Ticks the next completion is held back anyway (a long command). */
static uint32_t next_delay;
/* Dword 1 of the next completion (Zone Append's LBA, bits 63:32). */
static uint32_t next_dw1;
/* Dword 0 of the next I/O completion (Zone Append's LBA, bits 31:0). */
static uint32_t complete_dw0;

static struct nvme_ctrl ctrl;   /* the driver under test (tentative: defined below) */

/* The I/O queue a Create I/O CQ/SQ just made (set by admin_cmd, taken by
 * the complete() call of that command): the device's state follows the
 * status it posts. A status the fuzzer turns into an error undoes the
 * creation, and a creation the device refused is never reported as done: a
 * device whose queue state differs from what it told the driver (a queue
 * at memory the driver freed after the error, or a "created" queue still
 * at an older queue's memory) makes any driver's next doorbell unsafe
 * (found as regressions/create-sq-status-lies-about-queue-state). */
static struct {
	bool     cmd;    /* the command being completed is a Create I/O CQ/SQ ... */
	bool     made;   /* ... and the device made its queue: */
	bool     sq;
	uint16_t qid;
} q_create;

/* One completion, as the input wants it. */
static void complete(uint16_t sqid, uint16_t cid, uint16_t sf, uint32_t dw0)
{
	const bool create = q_create.cmd;
	const bool made = q_create.made;
	const bool made_sq = q_create.sq;
	const uint16_t made_qid = q_create.qid;
	memset(&q_create, 0, sizeof(q_create));
	uint32_t base_delay = next_delay;
	next_delay = 0;
	struct nvme_cqe e;
	memset(&e, 0, sizeof(e));
	e.dw0 = dw0;
	e.dw1 = next_dw1;
	next_dw1 = 0;
	e.sqid = sqid;
	e.cid = cid;
	e.sqhd = (uint16_t)D.sq[sqid].head;
	e.status = (uint16_t)(sf << 1);
	uint16_t cqid = D.sq[sqid].cqid;
	uint8_t c = in8();
	uint32_t delay = 0;
	bool held = false;
	/* With NVME_QUIRK_SHARED_CIDS in force (by the host or the driver's
	 * model-string table) CIDs carry no generation, so a late duplicate or
	 * a made-up CID cannot be told from the completion of a command still
	 * unfetched in the SQ (the quirk's documented limit, nvme_quirks.h): no
	 * driver can keep such a device from DMA to a buffer it already handed
	 * back (found as findings/open-compare-fetched-after-return, now
	 * regressions/shared-cids-duplicate-completes-unfetched-command), so
	 * this device does not send those two there. */
	const bool shared_cids = (ctrl.quirks & NVME_QUIRK_SHARED_CIDS) != 0;
	if (c < 150) {
		/* sane */
	} else if (c < 166) {
		delay = in8();
	} else if (c < 172) {
		held = true;                      /* until aborted or reset */
	} else if (c < 178) {
		return;                           /* dropped */
	} else if (c < 186) {
		if (!shared_cids)
			pend_add(cqid, &e, 0, false);     /* duplicate */
	} else if (c < 189) {
		e.status = (uint16_t)(in16() << 1);
	} else if (c < 194) {
		e.status = (uint16_t)(pick_status() << 1);
	} else if (c < 200) {
		uint16_t made_up = in16();
		if (!shared_cids)
			e.cid = made_up;
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
	if (create && e.cid == cid && e.sqid == sqid) {
		if (sf != 0 && e.status == 0)
			e.status = (uint16_t)(sf << 1);   /* refused: never "created" */
		if (made && e.status != 0) {
			/* reported as failed: not made */
			if (made_sq)
				D.sq[made_qid].live = false;
			else
				D.cq[made_qid].live = false;
		}
	}
	pend_add(cqid, &e, base_delay + delay, held);
}

/* The length the command describes when it is longer than what the device
 * moves (extended-LBA metadata): PRP2 is a list or a data pointer by it. */
static uint64_t prp_desc_len;

/* Copy a payload to the command's PRPs (PRP1, PRP2 as data or list). */
static bool prp_xfer(const struct nvme_sqe *s, uint8_t *buf, uint64_t len, bool to_host)
{
	uint64_t dl = prp_desc_len > len ? prp_desc_len : len;
	prp_desc_len = 0;
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
	if (dl - off <= page) {
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
		if (i == per - 1 && dl - off > page) {
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
	id->sanicap = 0x7;      /* crypto erase, block erase, overwrite */
	id->fna = 0x4;          /* cryptographic erase in Format NVM */
	id->fwug = 1;
	id->apsta = 1;
	id->cntlid = 1;
	if (D.fam & FAM_ELBAS)
		id->ctratt |= 1u << 15;   /* extended LBA formats: CNS 05h gives the PI format */
	if (D.fam & FAM_NSM)
		id->oacs |= 0x0008;       /* namespace management and attachment */
	if (D.fam & FAM_COPY) {
		id->oncs |= 0x0100;       /* Copy */
		id->ocfs = 0x3;           /* descriptor formats 0h and 1h */
	}
	if (in8() < 160)
		return;
	/* structure-aware: every capability field the driver reads, chosen
	 * by the input (gates, limits, the quirk table's model string) */
	static const char *const models[] = { "Samsung Portable SSD X5", "fuzz device", "" };
	uint8_t m = in8();
	if (m & 1) {
		const char *mn = models[(m >> 1) % 3u];
		memset(id->mn, ' ', sizeof(id->mn));
		memcpy(id->mn, mn, strlen(mn));
		id->vid = (m & 8) ? 0x144d : in16();
	}
	if (m & 0x10)
		for (unsigned i = 0; i < 8; i++)
			id->fr[i] = (char)in8();
	id->oacs = in16();
	id->oncs = in16();
	id->lpa = in8();
	id->frmw = in8();
	id->fwug = in8();
	id->sanicap = in32();
	id->fna = in8();
	id->vwc = in8();
	id->elpe = in8();
	id->aerl = in8();
	id->acl = in8();
	id->oaes = in32();
	id->apsta = in8();
	id->hmpre = in16();
	id->hmmin = in16();
	id->hmmaxd = in16();
	id->hmminds = in8();
	id->edstt = in16();
	if (D.fam) {
		id->ctratt = in32();
		id->ocfs = in16();
		id->cntlid = in16();
	}
	id->npss = (uint8_t)(in8() & 31u);
	for (unsigned i = 0; i <= id->npss; i++) {
		id->psd[i].mp = in16();
		id->psd[i].flags = in8();
		id->psd[i].idlp = in8();
		id->psd[i].ips = in8();
		id->psd[i].actp = in8();
		id->psd[i].apws = in8();
		if (in8() >= 128)
			break;   /* the rest as they were */
	}
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

static void ns_list(uint8_t *buf, uint32_t after);
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* Sane logs at offset 0 (Firmware Slot, Sanitize Status, Device Self-test,
 * Telemetry Host-Initiated, Commands Supported and Effects), or, when the
 * input says so, the log built field by field from the input (every field
 * the driver decodes or validates). */
static void log_build(uint8_t lid, uint8_t *buf, size_t len)
{
	bool st = in8() >= 160;
	switch (lid) {
	case NVME_LID_ERROR:
		if (!st)
			break;
		for (size_t at = 0; at + 64 <= len && at < 64u * 8u; at += 64) {
			put32(buf + at, in8());            /* error count */
			put16(buf + at + 8, in16());       /* SQ ID */
			put16(buf + at + 10, in16());      /* CID */
			put16(buf + at + 12, in16());      /* status */
			put16(buf + at + 14, in16());      /* parameter error location */
			put32(buf + at + 16, in32());      /* LBA */
			put32(buf + at + 24, (in8() & 1) ? 0xFFFFFFFFu : in8());   /* NSID */
			if (in8() >= 128)
				break;
		}
		break;
	case NVME_LID_SMART:
		if (st)
			for (size_t i = 0; i < len && i < 240; i++)
				buf[i] = in8();
		break;
	case NVME_LID_FW_SLOT:
		if (len < 64)
			break;
		buf[0] = st ? in8() : 0x01;   /* AFI: slot 1 active */
		memcpy(buf + 8, "1.0     ", 8);
		if (st)
			for (unsigned i = 8; i < 64; i++)
				buf[i] = (in8() & 1) ? (uint8_t)in8() : ' ';
		break;
	case NVME_LID_CHANGED_NS:
		if (!st)
			break;
		if (in8() & 1)
			put32(buf, 0xFFFFFFFFu);   /* more than 1024 changed */
		else
			ns_list(buf, 0);
		break;
	case NVME_LID_CMD_EFFECTS: {
		static const uint8_t admin[] = { 0x10, 0x11, 0x14, 0x80, 0x84, 0x81, 0x82, 0x0D, 0x15, 0x19, 0x1A, 0x7C };
		static const uint8_t io[] = { 0x01, 0x02, 0x04, 0x05, 0x08, 0x09, 0x0C, 0x0D, 0x0E, 0x11, 0x15, 0x19 };
		uint32_t ma = st ? in32() : 0xFFFFFFFFu, mi = st ? in32() : 0xFFFFFFFFu;
		if (len < 2048)
			break;
		for (unsigned i = 0; i < sizeof(admin); i++)
			if ((ma >> i) & 1u)
				put32(buf + 4u * admin[i], 1u | (st ? (uint32_t)in8() << 1 : 0));
		for (unsigned i = 0; i < sizeof(io); i++)
			if ((mi >> i) & 1u)
				put32(buf + 1024 + 4u * io[i], 1u | (st ? (uint32_t)in8() << 1 : 0));
		break;
	}
	case NVME_LID_DEVICE_SELF_TEST:
		if (len < 564)
			break;
		if (!st) {
			for (unsigned i = 0; i < 20; i++)
				buf[4 + 28 * i] = i == 0 ? 0x10 : 0x0F;   /* one short test passed, then unused */
			break;
		}
		buf[0] = in8();   /* current operation */
		buf[1] = in8();   /* current completion */
		for (unsigned i = 0; i < 20; i++) {
			uint8_t *r = buf + 4 + 28 * i;
			r[0] = in8();   /* result, code */
			r[1] = in8();   /* segment */
			r[2] = in8();   /* valid fields */
			put32(r + 4, in32());
			put32(r + 12, in32());
			put32(r + 16, in32());
			r[24] = in8();
			r[25] = in8();
			if (in8() >= 200) {
				for (unsigned k = i + 1; k < 20; k++)
					buf[4 + 28 * k] = 0x0F;
				break;
			}
		}
		break;
	case NVME_LID_TELEMETRY_HOST:
		if (len < 512)
			break;
		buf[0] = NVME_LID_TELEMETRY_HOST;
		put16(buf + 8, 1);    /* data areas end at blocks 1, 2, 3 */
		put16(buf + 10, 2);
		put16(buf + 12, 3);
		buf[381] = 1;         /* generation */
		if (st) {
			buf[0] = (in8() & 1) ? NVME_LID_TELEMETRY_HOST : in8();
			put16(buf + 8, in8());
			put16(buf + 10, (uint16_t)(in8() + buf[8]));
			put16(buf + 12, (uint16_t)(in8() + buf[10]));
			buf[381] = in8();
			buf[382] = in8();
			buf[383] = in8();
		}
		break;
	case NVME_LID_SANITIZE_STATUS:
		if (len < 32)
			break;
		put16(buf, 0xFFFF);
		put16(buf + 2, 1);   /* completed */
		if (st) {
			put16(buf, in16());
			put16(buf + 2, in16());
			put32(buf + 4, in32());
			for (unsigned i = 8; i < 32; i += 4)
				put32(buf + i, (in8() & 1) ? 0xFFFFFFFFu : in8());
		}
		break;
	default:
		break;
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
	id->fpi = 0x80 | 40;   /* progress reported: 40 % remaining */
	if (D.fam & FAM_ZNS)
		id->nsze = id->ncap = id->nuse = D.nsze - D.nsze % D.zsze;
	if (D.fam & FAM_COPY) {
		id->mssrl = 64;
		id->mcl = 256;
		id->msrc = 7;
	}
	if (D.fam & FAM_PI) {
		/* metadata: 8 or 16 bytes (the PI tuple alone) or more, extended
		 * or separate, PI type 0..3, first or last */
		uint8_t m = in8();
		static const uint16_t mss[] = { 8, 16, 8, 16, 24, 32, 0, 64 };
		id->lbaf[0].ms = mss[m & 7u];
		id->lbaf[1].ms = mss[(m >> 3) & 7u];
		id->flbas = (uint8_t)((m & 0x40) ? 0x10 : 0);   /* extended LBA */
		id->dps = (uint8_t)(in8() & 0x0B);   /* type 0..3, first or last (hostile DPS below) */
	}
	if (in8() < 160)
		return;
	/* structure-aware: the fields ns_fill() checks, from the input */
	uint8_t m = in8();
	if (m & 1)
		id->nsze = (m & 2) ? in32() : in8();
	id->ncap = (m & 4) ? in32() : id->nsze;
	id->nuse = (m & 8) ? in32() : id->ncap;
	id->nlbaf = (m & 0x10) ? in8() : (uint8_t)(in8() & 15u);
	id->flbas = in8();
	id->dps = (m & 0x20) ? in8() : 0;
	id->nsfeat = in8();
	id->nmic = in8();
	id->dlfeat = in8();
	id->fpi = in8();
	if (D.fam & FAM_COPY) {
		id->mssrl = (in8() & 1) ? in8() : in16();
		id->mcl = (in8() & 1) ? in16() : in32();
		id->msrc = in8();
	}
	for (unsigned i = 0; i < 64 && i <= id->nlbaf; i++) {
		uint8_t f = in8();
		id->lbaf[i].lbads = (f & 0x80) ? (uint8_t)(f & 0x7F) : (uint8_t)(9u + (f & 7u));
		id->lbaf[i].ms = (f & 0x40) ? in16() : 0;
		id->lbaf[i].rp = in8();
		if (in8() >= 128)
			break;
	}
	/* the device itself still moves blocks of its configured size */
}

/* Active namespace list after nsid: the sane one, or entries the input
 * builds (increasing, repeated, above NN, FFFFFFFFh, a zero in the middle) */
static void ns_list(uint8_t *buf, uint32_t after)
{
	uint32_t *l = (uint32_t *)buf;
	if (in8() < 160) {
		for (uint32_t i = 0, id = after + 1; id <= D.nn && i < 1024; id++)
			l[i++] = id;
		return;
	}
	uint32_t n = in8() % 12u, prev = after;
	if (in8() == 255)
		n = 1024;   /* a full list: the driver asks for the next one */
	for (uint32_t i = 0; i < n; i++) {
		uint8_t k = in8();
		if (k < 200)
			prev += 1u + (k & 3u);
		else if (k < 230)
			prev = in32();
		else if (k < 250)
			prev = 0xFFFFFFFFu;
		l[i] = prev;
	}
}

/* NVM command set Identify Controller (CNS 06h): the limits of Write
 * Zeroes, Verify and Dataset Management */
static void id_ctrl_nvm(uint8_t *buf)
{
	struct nvme_id_ctrl_nvm *n = (struct nvme_id_ctrl_nvm *)buf;
	if (in8() < 128) {
		n->vsl = 3;
		n->wzsl = 4;
		n->dmrl = 8;
		n->dmrsl = 512;
		n->dmsl = 2048;
		return;
	}
	n->vsl = in8();
	n->wzsl = in8();
	n->wusl = in8();
	n->dmrl = in8();
	n->dmrsl = in32();
	n->dmsl = in32();
}

/* ---- the families of issue 18: I/O command sets, ZNS, PI, namespace
 * management (sane answers, or built from the input) ---- */

/* Namespace Identification Descriptors (CNS 03h): an EUI-64, then the
 * command set (zoned for odd NSIDs when ZNS is on), or lists the driver
 * must not trust (no CSI, a CSI it does not implement, a CSI descriptor of
 * another length, a list running past the buffer, a terminator first). */
static void id_descs(uint8_t *buf, uint32_t nsid)
{
	uint8_t csi = ((D.fam & FAM_ZNS) && (nsid & 1u)) ? NVME_CSI_ZNS : NVME_CSI_NVM;
	buf[0] = NVME_NIDT_EUI64;
	buf[1] = 8;
	memset(buf + 4, (int)nsid, 8);
	size_t at = 12;
	uint8_t m = in8() < 160 ? 0xFF : in8();
	switch (m & 7u) {
	case 0:
		return;                                  /* no CSI descriptor: NVM */
	case 1:
		csi = in8();                             /* key value, unknown, ... */
		break;
	case 2:
		buf[at] = NVME_NIDT_CSI;                 /* a CSI of the wrong length */
		buf[at + 1] = (uint8_t)(2u + in8() % 20u);
		buf[at + 4] = NVME_CSI_ZNS;
		return;
	case 3:
		for (; at + 4 + 252 < 4096; at += 4 + 252) {   /* past the buffer */
			buf[at] = NVME_NIDT_NGUID;
			buf[at + 1] = 252;
		}
		buf[at] = NVME_NIDT_CSI;
		buf[at + 1] = (uint8_t)(in8() | 1u);
		return;
	case 4:
		memset(buf, 0, 16);                      /* a terminator first */
		at = 16;
		break;
	default:
		break;
	}
	buf[at] = NVME_NIDT_CSI;
	buf[at + 1] = 1;
	buf[at + 4] = csi;
}

/* I/O Command Set data structure (CNS 1Ch): vector 0 NVM, vector 1 NVM and
 * zoned; or vectors the input writes (none with NVM, any index). */
static void id_iocs(uint8_t *buf)
{
	uint64_t v[2] = { 1u << NVME_CSI_NVM, (D.fam & FAM_ZNS) ? (1u << NVME_CSI_NVM) | (1u << NVME_CSI_ZNS) : 0 };
	memcpy(buf, v, sizeof(v));
	if (in8() < 160)
		return;
	unsigned n = in8() % 6u;
	if (in8() & 1)
		memset(buf, 0, 16);
	for (unsigned i = 0; i < n; i++) {
		uint64_t x = (in8() & 1) ? (uint64_t)in32() << 32 | in32() : in8();
		memcpy(buf + 8u * (in16() % NVME_IOCS_VECTORS), &x, 8);
	}
}

/* I/O command set specific Identify Namespace (CNS 05h): the zoned one
 * (zone size, extension, limits) or the NVM one (extended LBA formats:
 * 16b or 64b guard, or reserved formats and storage tags). */
static void id_ns_cs(uint8_t *buf, uint8_t csi)
{
	if (csi == NVME_CSI_ZNS) {
		struct nvme_id_ns_zns *z = (struct nvme_id_ns_zns *)buf;
		z->ozcs = 1;
		z->mar = 13;
		z->mor = 13;
		for (unsigned i = 0; i < 16; i++) {
			z->lbafe[i].zsze = D.zsze;
			z->lbafe[i].zdes = D.zdes;
		}
		if (in8() < 160)
			return;
		uint8_t m = in8();
		z->zoc = (uint16_t)(m & 3u);
		z->ozcs = (uint16_t)((m >> 2) & 1u);
		z->mar = (m & 0x10) ? NVME_ZNS_NO_LIMIT : in8();
		z->mor = (m & 0x20) ? NVME_ZNS_NO_LIMIT : in8();
		struct nvme_zns_lbafe *f = &z->lbafe[in8() & 15u];
		f->zsze = (m & 0x40) ? 0 : (m & 0x80) ? in32() : f->zsze;   /* none, beyond NSZE */
		f->zdes = in8();
		return;
	}
	if (csi != NVME_CSI_NVM)
		return;
	struct nvme_id_ns_nvm *n = (struct nvme_id_ns_nvm *)buf;
	uint8_t m = in8();
	uint32_t pif = ((D.fam & FAM_ELBAS) && (m & 1)) ? NVME_PIF_64B_GUARD : NVME_PIF_16B_GUARD;
	for (unsigned i = 0; i < NVME_ID_NS_MAX_LBAF; i++)
		n->elbaf[i] = pif << 7;
	if (m >= 200)
		for (unsigned i = 0; i < 4; i++)
			n->elbaf[i] = (uint32_t)(in8() & 3u) << 7 | (uint32_t)(in8() & 0x7Fu);
}

/* Controller list (CNS 12h, 13h): identifiers from first on, or a count
 * above 2047, identifiers not increasing, below first. */
static void ctrl_list(uint8_t *buf, uint16_t first)
{
	uint16_t ids[8] = { 0 };
	uint16_t n = 2;
	ids[0] = first > 1 ? first : 1;
	ids[1] = (uint16_t)(ids[0] + 1u);
	if (in8() >= 160) {
		n = (in8() & 1) ? in16() : (uint16_t)(in8() % 8u);
		uint16_t prev = first;
		for (unsigned i = 0; i < 8; i++) {
			uint8_t k = in8();
			prev = k < 200 ? (uint16_t)(prev + (k & 3u)) : in16();
			ids[i] = prev;
		}
	}
	put16(buf, n);
	for (unsigned i = 0; i < 8; i++)
		put16(buf + 2 + 2 * i, ids[i]);
}

static void exec_admin(const struct nvme_sqe *s)
{
	static _Alignas(16) uint8_t buf[4096];
	uint16_t sf = 0;
	uint32_t dw0 = 0;
	memset(buf, 0, sizeof(buf));
	switch (s->opc) {
	case NVME_ADMIN_IDENTIFY: {
		unsigned cns = (unsigned)NVME_GET(s->cdw10, NVME_IDENTIFY_CDW10_CNS);
		uint8_t csi = (uint8_t)NVME_GET(s->cdw11, NVME_IDENTIFY_CDW11_CSI);
		if (cns == NVME_CNS_CTRL)
			id_ctrl(buf);
		else if ((cns == NVME_CNS_NS || cns == NVME_CNS_ALLOCATED_NS) && s->nsid >= 1 && s->nsid <= D.nn)
			id_ns(buf);
		else if (cns == NVME_CNS_ACTIVE_NS_LIST || cns == NVME_CNS_ALLOCATED_NS_LIST)
			ns_list(buf, s->nsid);
		else if (cns == NVME_CNS_CS_CTRL && csi == NVME_CSI_ZNS)
			buf[0] = in8() < 160 ? 2 : in8();   /* ZASL */
		else if (cns == NVME_CNS_CS_CTRL)
			id_ctrl_nvm(buf);
		else if (cns == NVME_CNS_CS_NS && D.fam)
			id_ns_cs(buf, csi);
		else if (cns == NVME_CNS_NS_ID_DESCRIPTORS && D.fam)
			id_descs(buf, s->nsid);
		else if (cns == NVME_CNS_IOCS && D.fam)
			id_iocs(buf);
		else if ((cns == NVME_CNS_CTRL_LIST || cns == NVME_CNS_NS_CTRL_LIST) && D.fam)
			ctrl_list(buf, (uint16_t)NVME_GET(s->cdw10, NVME_IDENTIFY_CDW10_CNTID));
		payload_mutate(buf, sizeof(buf));
		if (cns == NVME_CNS_NS && s->nsid >= 1 && s->nsid < 8) {
			const struct nvme_id_ns *id = (const struct nvme_id_ns *)buf;
			/* the format index as the driver reads it (bits 3:0 and 6:5) */
			unsigned fi = (id->flbas & 0xFu) | (((id->flbas >> 5) & 3u) << 4);
			uint8_t l = id->lbaf[fi].lbads;
			if (l >= 9 && l <= 16 && (D.ns_lbads[s->nsid] == 0 || l < D.ns_lbads[s->nsid]))
				D.ns_lbads[s->nsid] = l;
			if (id->lbaf[fi].ms < D.ns_ms[s->nsid])
				D.ns_ms[s->nsid] = id->lbaf[fi].ms;
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
			log_build((uint8_t)NVME_GET(s->cdw10, NVME_GET_LOG_CDW10_LID), buf, (size_t)len);
		payload_mutate(buf, (size_t)len);
		if (!prp_xfer(s, buf, len, true))
			sf = 0x4004;
		break;
	}
	case NVME_ADMIN_SET_FEATURES:
	case NVME_ADMIN_GET_FEATURES: {
		/* features with a data buffer: the device moves it */
		uint8_t fid = (uint8_t)NVME_GET(s->cdw10, NVME_FEAT_CDW10_FID);
		size_t dlen = fid == NVME_FEAT_AUTO_PST ? 256 : fid == NVME_FEAT_TIMESTAMP ? 8 :
			      fid == NVME_FEAT_LBA_RANGE_TYPE ? 4096 : fid == NVME_FEAT_HOST_ID ? 16 : 0;
		if (dlen != 0 && s->dptr.prp.prp1 != 0) {
			bool get = s->opc == NVME_ADMIN_GET_FEATURES;
			if (get && fid == NVME_FEAT_AUTO_PST)
				for (unsigned i = 0; i < 3; i++)   /* PS 0, 1 -> PS 2 after 100 ms */
					put32(buf + 8 * i, i < 2 ? (2u << 3) | (100u << 8) : 0);
			if (get)
				payload_mutate(buf, dlen);
			if (!prp_xfer(s, buf, dlen, get))
				sf = 0x4004;
		}
		if (s->opc == NVME_ADMIN_SET_FEATURES && NVME_GET(s->cdw10, NVME_FEAT_CDW10_FID) == NVME_FEAT_HOST_MEM_BUFFER &&
		    (s->cdw11 & 1u))
			sf = hmb_enable(s);
		if (NVME_GET(s->cdw10, NVME_FEAT_CDW10_FID) == NVME_FEAT_NUM_QUEUES)
			dw0 = (uint32_t)(D.grant - 1u) | ((uint32_t)(D.grant - 1u) << 16);
		dw0 = pick32(dw0);
		break;
	}
	case NVME_ADMIN_CREATE_CQ: {
		q_create.cmd = true;
		uint16_t qid = (uint16_t)NVME_GET(s->cdw10, NVME_CREATE_CQ_CDW10_QID);
		uint32_t size = (uint32_t)NVME_GET(s->cdw10, NVME_CREATE_CQ_CDW10_QSIZE) + 1u;
		if (qid == 0 || qid >= DQ || D.cq[qid].live) {
			sf = 0x4101;
			break;
		}
		if (!dma_ptr(s->dptr.prp.prp1, (uint64_t)size * 16u))
			fz_fail("Create I/O CQ outside the driver's memory");
		D.cq[qid] = (struct dq){ true, s->dptr.prp.prp1, size, 0, 0, 1, 0 };
		q_create.made = true;
		q_create.sq = false;
		q_create.qid = qid;
		break;
	}
	case NVME_ADMIN_CREATE_SQ: {
		q_create.cmd = true;
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
		q_create.made = true;
		q_create.sq = true;
		q_create.qid = qid;
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
	case NVME_ADMIN_NS_MANAGEMENT:
		if (NVME_GET(s->cdw10, NVME_NSMGMT_CDW10_SEL) == NVME_NSMGMT_SEL_CREATE) {
			/* the host's fields, then the NSID created (or none, one above
			 * NN, the broadcast value) */
			if (s->dptr.prp.prp1 == 0 || !prp_xfer(s, buf, 64, false))
				sf = 0x4004;
			uint8_t c = in8();
			dw0 = c < 160 ? 1u + c % (D.nn ? D.nn : 1u) : c < 200 ? 0u : c < 230 ? D.nn + 1u : c < 250 ? 0xFFFFFFFFu : in32();
		}
		break;
	case NVME_ADMIN_NS_ATTACHMENT:
		if (s->dptr.prp.prp1 == 0 || !prp_xfer(s, buf, 64, false))   /* the controller list */
			sf = 0x4004;
		break;
	case NVME_ADMIN_FORMAT_NVM:
		/* a format takes a while: its completion comes after input-chosen
		 * device ticks (the driver polls progress meanwhile) */
		next_delay = (uint32_t)(in8() & 63u) * 8u;
		break;
	default:
		/* firmware, sanitize, ...: accepted, data (if any) moved */
		if (NVME_GET(s->opc, NVME_OPC_XFER) != NVME_XFER_NONE && s->dptr.prp.prp1 == 0)
			sf = 0x4004;
		break;
	}
	complete(0, s->cid, sf, dw0);
}

/* Report Zones (Zone Management Receive): the zones from SLBA on, in
 * every state, with the extension in an extended report; or hostile: a zone
 * count beyond what was returned or in the namespace, write pointers
 * outside their zone, capacity 0 or above the zone size, descriptors off a
 * zone boundary or beyond the namespace. */
static void zone_report(const struct nvme_sqe *s, uint8_t *buf, uint64_t len)
{
	static const uint8_t states[] = { NVME_ZS_EMPTY, NVME_ZS_IMP_OPEN, NVME_ZS_EXP_OPEN, NVME_ZS_CLOSED,
					  NVME_ZS_READ_ONLY, NVME_ZS_FULL, NVME_ZS_OFFLINE, 0x5 };
	uint64_t zs = D.zsze ? D.zsze : 16;
	uint64_t slba = (uint64_t)s->cdw11 << 32 | s->cdw10;
	bool ext = NVME_GET(s->cdw13, NVME_ZMR_CDW13_ZRA) == NVME_ZRA_EXT_REPORT;
	bool partial = NVME_GET(s->cdw13, NVME_ZMR_CDW13_PARTIAL) != 0;
	uint64_t dsz = 64u + (ext ? (uint64_t)D.zdes * 64u : 0u);
	uint64_t nz = D.nsze / zs, first = slba / zs;
	uint64_t left = first < nz ? nz - first : 0, fit = len >= 64 ? (len - 64) / dsz : 0;
	uint64_t n = left < fit ? left : fit;
	uint64_t nr = partial ? n : left;
	bool hostile = in8() >= 200;
	for (uint64_t i = 0; i < n; i++) {
		struct nvme_zone_desc d;
		memset(&d, 0, sizeof(d));
		uint8_t k = in8();
		d.zt = NVME_ZT_SEQ_WRITE_REQUIRED;
		d.zs = (uint8_t)(states[k & 7u] << 4);
		d.zslba = (first + i) * zs;
		d.zcap = zs - (k >> 7);
		d.wp = d.zslba + ((k >> 3) & 15u) % (d.zcap + 1u);
		d.za = ext ? 0x80 : (uint8_t)(k & 0x07);
		if (hostile) {
			uint8_t h = in8();
			switch (h & 7u) {
			case 0: d.wp = d.zslba + d.zcap + 1u + in8(); break;     /* past the capacity */
			case 1: d.wp = d.zslba ? d.zslba - 1u : 0; break;        /* before the zone */
			case 2: d.zcap = 0; break;
			case 3: d.zcap = zs + 1u + in8(); break;
			case 4: d.zslba += 1u + in8() % zs; break;               /* off a boundary */
			case 5: d.zslba = (uint64_t)in32() << (in8() & 31u); break;
			case 6: d.zs = in8(); break;
			default: break;
			}
		}
		memcpy(buf + 64 + i * dsz, &d, sizeof(d));
		if (ext && D.zdes)
			buf[64 + i * dsz + 64] = in8();
	}
	if (hostile && (in8() & 1))
		nr = (in8() & 1) ? ~0ull - in8() : nr + 1u + in8();
	put32(buf, (uint32_t)nr);
	put32(buf + 4, (uint32_t)(nr >> 32));
}

static void exec_io(uint16_t sqid, const struct nvme_sqe *s)
{
	static _Alignas(16) uint8_t buf[1u << 20];
	uint16_t sf = 0;
	unsigned nsid = s->nsid;
	unsigned lbads = 9;
	prp_desc_len = 0;
	if (nsid < 8 && D.ns_lbads[nsid] >= 9)
		lbads = D.ns_lbads[nsid] < D.lbads ? D.ns_lbads[nsid] : D.lbads;
	uint64_t len = ((uint64_t)NVME_GET(s->cdw12, NVME_RW_CDW12_NLB) + 1u) << lbads;
	switch (s->opc) {
	case NVME_CMD_READ:
	case NVME_CMD_WRITE:
	case NVME_CMD_COMPARE:
	case NVME_CMD_ZONE_APPEND:
		if (len > sizeof(buf)) {
			sf = 0x4002;
			break;
		}
		/* the command describes NLB+1 blocks of the size the driver was
		 * told (with extended LBAs data and metadata), which may be more
		 * than the device moves: the PRPs are laid out for that length,
		 * as a device consistent with what it told the driver */
		for (uint32_t i = 0; i < nvme_ns_count(&ctrl); i++) {
			const struct nvme_ns *dn = nvme_ns_at(&ctrl, i);
			if (dn->nsid != nsid || dn->lba_size == 0)
				continue;
			bool strips = NVME_GET(s->cdw12, NVME_RW_CDW12_PRINFO) & NVME_PRINFO_PRACT &&
				      dn->meta_size == dn->cmdset.pi_size;
			prp_desc_len = ((uint64_t)NVME_GET(s->cdw12, NVME_RW_CDW12_NLB) + 1u) *
				       (dn->lba_size + (dn->meta_extended && !strips ? dn->meta_size : 0u));
		}
		if (s->mptr != 0 && NVME_GET(s->flags, NVME_SQE_FLAGS_PSDT) != NVME_PSDT_SGL_MPTR_SGL) {
			/* separate metadata: (NLB+1) x the smallest metadata size the
			 * device ever reported for the namespace */
			uint16_t ms = nsid < 8 && D.ns_ms[nsid] != 0xFFFF ? D.ns_ms[nsid] : 0;
			uint64_t ml = ((uint64_t)NVME_GET(s->cdw12, NVME_RW_CDW12_NLB) + 1u) * ms;
			uint8_t *mp = dma_ptr(s->mptr, ml ? ml : 1);
			if (!mp)
				fz_fail("metadata pointer outside the driver's memory");
			if (s->opc == NVME_CMD_READ)
				for (uint64_t i = 0; i < ml && i < 16; i++)
					mp[i] = in8();
		}
		if (s->opc == NVME_CMD_ZONE_APPEND) {
			/* the LBA written: the zone's start, inside it, or anywhere */
			uint64_t zslba = (uint64_t)s->cdw11 << 32 | s->cdw10, lba = zslba;
			uint8_t c = in8();
			if (c >= 160)
				lba = c < 220 ? zslba + in8() % (D.zsze ? D.zsze : 16) : (uint64_t)in32() << 32 | in32();
			next_dw1 = (uint32_t)(lba >> 32);
			complete_dw0 = (uint32_t)lba;
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
	case NVME_CMD_COPY: {   /* the source range list */
		uint64_t n = ((uint64_t)NVME_GET(s->cdw12, NVME_COPY_CDW12_NR) + 1u) *
			     (NVME_GET(s->cdw12, NVME_COPY_CDW12_DESFMT) == 1 ? 40u : 32u);
		if (!prp_xfer(s, buf, n, false))
			sf = 0x4004;
		break;
	}
	case NVME_CMD_ZONE_MGMT_RECV: {
		uint64_t n = ((uint64_t)s->cdw12 + 1u) * 4u;
		if (n > sizeof(buf)) {
			sf = 0x4002;
			break;
		}
		memset(buf, 0, (size_t)n);
		zone_report(s, buf, n);
		if (!prp_xfer(s, buf, n, true))
			sf = 0x4004;
		break;
	}
	default:
		break;   /* flush, write zeroes, verify, reservations, zone send: accepted */
	}
	uint32_t dw0 = complete_dw0;
	complete_dw0 = 0;
	complete(sqid, s->cid, sf, dw0);
}

static unsigned long dev_cmds;   /* commands the device fetched */

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
		dev_cmds++;
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
	if (D.naer == 0 || in8() < 240)
		return;
	uint16_t cid = D.aer_cid[0];
	memmove(&D.aer_cid[0], &D.aer_cid[1], (D.naer - 1) * sizeof(D.aer_cid[0]));
	D.naer--;
	struct nvme_cqe e;
	memset(&e, 0, sizeof(e));
	e.cid = cid;
	e.sqhd = (uint16_t)D.sq[0].head;
	e.dw0 = 0x00020101u;   /* SMART temperature, log 02h */
	uint8_t k = in8();
	if (k >= 128) {
		/* a defined event: type, information and the log it names */
		static const uint32_t ev[] = {
			0x00010000u, 0x00010300u, 0x00020001u, 0x00020101u, 0x00020201u, 0x00040002u,
			0x00030102u, 0x00070202u, 0x00800006u, 0x00810106u, 0x00810206u, 0x00020004u,
			0x00000003u, 0x00C00007u, 0x00090602u, 0x00000402u,
		};
		e.dw0 = ev[k % (sizeof(ev) / sizeof(ev[0]))];
	}
	e.dw0 = pick32(e.dw0);
	if (k >= 120 && k < 128)   /* the request itself fails */
		e.status = (uint16_t)(pick_status() << 1);
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
	/* the doorbell stride is what the driver was told: CAP as read while
	 * the controller is disabled (read_cap); the driver takes only CAP.TO
	 * from its re-read after the CC write that sets EN (recheck_cap_to) */
	bool disabled = NVME_GET(D.cc, NVME_CC_EN) == 0;
	if (off == NVME_REG_CAP && disabled)
		D.cap_seen = (D.cap_seen & ~0xFFFFFFFFull) | v;
	else if (off == NVME_REG_CAP + 4 && disabled)
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
	size_t cap;
	uint8_t *p = blk_get(a, n, &cap);
	memset(p, 0, n);
	region_add(p, size, true, a, cap);
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
	size_t align = 0, bytes = 0;
	if (phys != (uint64_t)(uintptr_t)virt || !region_del(virt, true, &align, &bytes))
		fz_fail("dma_free of memory dma_alloc did not return");
	dma_live--;
	if (echo_log())
		fprintf(stderr, "host: dma_free %p\n", virt);
	blk_put(virt, align, bytes);
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

static void h_mmio_unmap(void *ctx, volatile void *virt, size_t size)
{
	(void)ctx;
	(void)size;
	if (virt != bar_mem)
		fz_fail("mmio_unmap of something mmio_map did not return");
}

static void h_progress(void *arg, struct nvme_ctrl *c, const char *what, uint32_t waited_ms)
{
	if (arg != c || what == NULL || what[0] == '\0')
		fz_fail("progress callback without a controller or a text");
	(void)waited_ms;
}

static struct nvme_host hv;   /* this input's host (host with changes) */

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

/* NVME_CMD_FORCE or not: the capability gates are part of what is fuzzed */
static unsigned pick_flags(void)
{
	uint8_t c = in8();
	return (c & 1u ? NVME_CMD_FORCE : 0u) | (c >> 1 & (NVME_IO_FUA | NVME_IO_LIMITED_RETRY | NVME_WZ_DEALLOCATE |
							  NVME_RESV_IEKEY));
}

/* A value for the decoders: small, a driver error, a device status, any */
static int pick_any_status(void)
{
	uint8_t c = in8();
	if (c < 96)
		return -(int)(c % 48u);                                   /* driver errors and around */
	if (c < 224)
		return -(int)(NVME_STATUS_DEVICE_FLAG | pick_status());    /* device statuses */
	return (int)in32();
}

/* Progress callbacks: stop after the input-chosen call (0: never). */
static unsigned cb_left;
static int fw_cb(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	if (done > total)
		fz_fail("firmware progress beyond the image");
	return cb_left != 0 && --cb_left == 0;
}
static int fmt_cb(void *arg, const struct nvme_format_progress *p)
{
	(void)arg;
	if (p->fpi && p->percent > 100)
		fz_fail("format progress above 100 %");
	return cb_left != 0 && --cb_left == 0;
}
static int san_cb(void *arg, const struct nvme_sanitize_status *st)
{
	(void)arg;
	if (st->percent > 100)
		fz_fail("sanitize progress above 100 %");
	return cb_left != 0 && --cb_left == 0;
}

static char why_buf[200];
/* A text buffer of input-chosen size (NULL, 0, 1, short, long). */
static size_t pick_text(char **out)
{
	static const size_t lens[] = { 0, 1, 2, 7, 24, 64, 200 };
	uint8_t c = in8();
	*out = c == 255 ? NULL : why_buf;
	return *out ? lens[c % 7u] : 0;
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

/* A zone start of ns (the first eight zones), or around it. */
static uint64_t pick_zone_lba(const struct nvme_ns *ns)
{
	uint64_t zs = ns && ns->cmdset.csi == NVME_CSI_ZNS && ns->cmdset.zone_size ? ns->cmdset.zone_size : 16;
	uint8_t c = in8();
	uint64_t lba = (uint64_t)(c & 7u) * zs;
	if (c >= 240)
		return (uint64_t)in32() << (in8() & 31u);
	return c >= 200 ? lba + 1u + in8() % zs : lba;
}

/* A device status of the families' codes: ZNS (SCT 1h B8h-BFh), PI checks
 * (SCT 2h 82h-84h), Copy and namespace management (SCT 1h), or any. */
static int pick_family_status(void)
{
	uint8_t c = in8();
	unsigned sf;
	switch (c & 3u) {
	case 0: sf = 0x100u | (0xB8u + in8() % 8u); break;
	case 1: sf = 0x200u | (0x82u + in8() % 3u); break;
	case 2: sf = 0x100u | (in8() & 1 ? 0x83u : 0x15u + in8() % 8u); break;
	default: return pick_any_status();
	}
	return -(int)(NVME_STATUS_DEVICE_FLAG | sf);
}

/* The zoned namespace calls: info, reports (partial, extended, every
 * state filter, any length), entries, one zone, management actions, Zone
 * Append, the explanation of a failure; invalid arguments never reach the
 * device. */
static void op_zns(struct nvme_ns *ns)
{
	struct nvme_zns_info zi;
	(void)nvme_ns_is_zoned(ns);
	(void)nvme_zns_info(ns, &zi);
	(void)nvme_zns_info(ns, NULL);
	size_t rl = (in8() & 1) ? 64u * (1u + in8() % 16u) + ((in8() & 1) ? 0 : 4u * (in8() & 15u)) : (size_t)in16() % 8192u;
	uint8_t *b = harness_buf(rl ? rl : 4);
	struct nvme_zone_report rep;
	uint8_t zr = in8();
	unsigned long cmds = dev_cmds;
	int rc = nvme_zns_report(ns, pick_q(), pick_zone_lba(ns), (uint8_t)(zr % 9u), (zr >> 4) & 1, (zr >> 5) & 1, b, rl,
				 &rep);
	if ((rl < 64 || (rl & 3u) || zr % 9u > 7u) && dev_cmds != cmds)
		fz_fail("Report Zones with invalid arguments reached the device");
	if (rc == 0) {
		for (uint32_t i = 0; i <= rep.count && i < 40; i++) {
			struct nvme_zone z;
			const uint8_t *ext;
			if (nvme_zns_report_entry(ns, b, rl, &rep, i, &z, (in8() & 1) ? &ext : NULL) == 0)
				(void)nvme_zone_state_name(z.state);
		}
		struct nvme_zone z;
		(void)nvme_zns_report_entry(ns, b, rl / 2u, &rep, 0, &z, NULL);   /* a shorter buffer */
	}
	sync_buf_done(b, rc);
	struct nvme_zone z;
	(void)nvme_zns_zone(ns, pick_q(), pick_zone_lba(ns), &z);
	uint8_t zsa = (uint8_t)(in8() % 7u);   /* 0 and 6: invalid */
	uint64_t slba = pick_zone_lba(ns);
	bool all = in8() & 1;
	cmds = dev_cmds;
	(void)nvme_zns_mgmt(ns, pick_q(), slba, zsa, all);
	if ((zsa == 0 || zsa == 6) && dev_cmds != cmds)
		fz_fail("Zone Management Send with an invalid action reached the device");
	(void)nvme_zsa_name(in8());
	(void)nvme_zone_state_name(in8());
	if (ns && ns->lba_size != 0 && ns->lba_size <= 65536 && ns->unusable == 0) {
		uint32_t cnt = 1u + in8() % 8u;
		b = harness_buf((size_t)cnt * ns->lba_size);
		uint64_t out;
		slba = pick_zone_lba(ns);
		rc = nvme_zns_append(ns, pick_q(), slba, cnt, b, (in8() & 1) ? &out : NULL);
		sync_buf_done(b, rc);
		char *w;
		size_t wl = pick_text(&w);
		int st = (in8() & 1) ? rc : pick_family_status();
		(void)nvme_zns_explain(ns, pick_q(), st, (in8() & 1) ? slba + in8() : pick_zone_lba(ns), cnt, in8() & 1, w,
				       wl);
	}
	/* nothing of this reaches the device */
	uint64_t tmp[16];
	cmds = dev_cmds;
	(void)nvme_zns_report(ns, NULL, 0, 0, false, false, NULL, sizeof(tmp), &rep);
	(void)nvme_zns_report(ns, NULL, 0, 0, false, false, tmp, 60, &rep);
	(void)nvme_zns_report(ns, NULL, 0, 0, false, false, tmp, 66, &rep);
	(void)nvme_zns_report(ns, NULL, 0, 8, false, false, tmp, sizeof(tmp), &rep);
	(void)nvme_zns_report(ns, NULL, 0, 0, false, false, tmp, sizeof(tmp), NULL);
	(void)nvme_zns_report(ns, NULL, ns ? ns->size : 0, 0, false, false, tmp, sizeof(tmp), &rep);
	(void)nvme_zns_report(NULL, NULL, 0, 0, false, false, tmp, sizeof(tmp), &rep);
	(void)nvme_zns_mgmt(ns, NULL, 0, 0, false);
	(void)nvme_zns_mgmt(ns, NULL, 0, NVME_ZSA_OFFLINE + 1u, true);
	(void)nvme_zns_mgmt(ns, NULL, ns ? ns->size : 0, NVME_ZSA_RESET, false);
	(void)nvme_zns_append(ns, NULL, 0, 0, tmp, NULL);
	(void)nvme_zns_append(ns, NULL, 0, 1, NULL, NULL);
	(void)nvme_zns_append(ns, NULL, ns ? ns->size : 0, 1, tmp, NULL);
	(void)nvme_zns_zone(ns, NULL, 0, NULL);
	(void)nvme_zns_zone(NULL, NULL, 0, &z);
	rep.count = 1;
	rep.desc_bytes = 64;
	(void)nvme_zns_report_entry(NULL, tmp, sizeof(tmp), &rep, 0, &z, NULL);
	(void)nvme_zns_report_entry(ns, tmp, sizeof(tmp), &rep, 1, &z, NULL);
	(void)nvme_zns_report_entry(ns, tmp, sizeof(tmp), NULL, 0, &z, NULL);
	(void)nvme_zns_info(NULL, &zi);
	if (dev_cmds != cmds)
		fz_fail("a zoned call with invalid arguments reached the device");
}

static void areq_cb(void *arg, int status, const struct nvme_cqe *cqe);
static struct areq *areq_new(size_t len);

/* Metadata and protection information: the namespace's facts, CRCs,
 * driver-side generate/check/describe, and the metadata I/O calls (sync
 * and async) with input-chosen PRINFO, tags and buffers; invalid requests
 * never reach the device. */
static void op_pi(struct nvme_ns *ns)
{
	uint8_t raw[64];
	for (unsigned i = 0; i < sizeof(raw); i++)
		raw[i] = in8();
	(void)nvme_crc16_t10dif(in16(), raw, in8() % sizeof(raw));
	(void)nvme_crc64_nvme((uint64_t)in32() << 32, raw, in8() % sizeof(raw));
	(void)nvme_ns_pi_type(ns);
	(void)nvme_ns_pi_first(ns);
	(void)nvme_ns_pi_type(NULL);
	(void)nvme_ns_pi_first(NULL);
	(void)nvme_pi_max_blocks(ns);
	char *w;
	size_t wl;
	struct nvme_pi_error pe = { in32(), in32(), in32() };
	wl = pick_text(&w);
	(void)nvme_pi_describe((in8() & 1) ? -(50 + (int)(in8() % 4u)) : pick_family_status(), in32(), in8(),
			       (in8() & 1) ? &pe : NULL, w, wl);
	if (!ns || ns->lba_size == 0 || ns->lba_size > 16384 || ns->unusable)
		return;
	uint32_t count = 1u + in8() % 4u;
	size_t ms = ns->meta_size;
	size_t dlen = (size_t)count * (ns->lba_size + (ns->meta_extended ? ms : 0));
	uint8_t *data = harness_buf(dlen);
	uint8_t *meta = harness_buf(count * ms + 8);
	struct nvme_pi_req r;
	memset(&r, 0, sizeof(r));
	uint8_t c = in8();
	r.data = data;
	r.meta = (ns->meta_extended || (c & 1)) ? NULL : meta + ((c & 2) ? 2 : 0);   /* misaligned sometimes */
	r.prinfo = (uint8_t)((c & 4) ? in8() & 0x1F : in8() & 0xF);
	r.ref_tag = (c & 8) ? in32() | ((uint64_t)in16() << 32) : in8();
	r.app_tag = in16();
	r.app_mask = in16();
	r.flags = pick_flags() & (NVME_IO_FUA | NVME_IO_LIMITED_RETRY | NVME_CMD_FORCE);
	uint64_t lba = (c & 16) ? in16() : (uint64_t)in32() << 16;
	/* driver-side PI, then what the device may return */
	int grc = nvme_pi_generate(ns, data, ns->meta_extended ? NULL : meta, count, r.ref_tag, r.app_tag);
	if ((in8() & 3) == 0)
		data[in16() % dlen] ^= (uint8_t)(1u + in8());   /* a corrupted block */
	struct nvme_pi_error err;
	int crc_rc = nvme_pi_check(ns, data, ns->meta_extended ? NULL : meta, count, lba, r.ref_tag ^ (in8() & 1),
				   r.app_tag, r.app_mask, in8() & 7, (in8() & 1) ? &err : NULL);
	wl = pick_text(&w);
	(void)nvme_pi_describe(crc_rc, lba, count, &err, w, wl);
	(void)grc;
	(void)nvme_pi_generate(ns, NULL, meta, count, 0, 0);
	(void)nvme_pi_check(ns, NULL, meta, count, 0, 0, 0, 0, 7, NULL);
	int rc;
	switch (in8() % 5u) {
	case 0: rc = nvme_pi_read(ns, pick_q(), lba, count, &r); break;
	case 1: rc = nvme_pi_write(ns, pick_q(), lba, count, &r); break;
	case 2: rc = nvme_pi_compare(ns, pick_q(), lba, count, &r); break;
	case 3: rc = nvme_pi_verify(ns, pick_q(), lba, count, &r); break;
	default: rc = nvme_pi_write_zeroes(ns, pick_q(), lba, count, &r); break;
	}
	wl = pick_text(&w);
	(void)nvme_pi_describe(rc, lba, count, NULL, w, wl);
	int sync_rc = rc;
	/* invalid requests: NULL request, data or PRINFO above 15 */
	unsigned long cmds = dev_cmds;
	struct nvme_pi_req bad = r;
	(void)nvme_pi_read(ns, NULL, lba, count, NULL);
	bad.data = NULL;
	(void)nvme_pi_write(ns, NULL, 0, 1, &bad);
	bad = r;
	bad.prinfo = 0x10;
	(void)nvme_pi_read(ns, NULL, 0, 1, &bad);
	(void)nvme_pi_verify(ns, NULL, 0, 1, &bad);
	(void)nvme_pi_read(ns, NULL, ns->size, 1, &r);
	(void)nvme_pi_read_async(ns, NULL, 0, 1, &r, NULL, NULL);
	if (dev_cmds != cmds)
		fz_fail("a metadata call with invalid arguments reached the device");
	/* the asynchronous forms, exactly once (the buffers live until detach),
	 * only while the namespace still has the block size and metadata the
	 * buffers were made for: a rescan during the calls above may change
	 * them, and the API moves count blocks of the current format
	 * (regressions/pi-async-after-rescan-short-buffer) */
	struct areq *a = areq_new(dlen), *m = areq_new(count * ms + 8);
	bool same = ns->meta_size == ms &&
		    (size_t)count * (ns->lba_size + (ns->meta_extended ? ms : 0)) == dlen;
	if (!a || !m || !same) {
		if (a) a->calls = 1;
		if (m) m->calls = 1;
	} else {
		m->calls = 1;   /* only the buffer */
		r.data = a->buf;
		if (r.meta)
			r.meta = m->buf;
		struct nvme_qpair *q = nvme_ctrl_io_qpair(&ctrl, in8() % 4u);
		rc = (in8() & 1) ? nvme_pi_read_async(ns, q, lba, count, &r, areq_cb, a)
				 : nvme_pi_write_async(ns, q, lba, count, &r, areq_cb, a);
		if (rc != 0)
			a->calls = 1;
		poll_all(200u + in8() * 4u);
	}
	sync_buf_done(data, sync_rc);
	sync_buf_done(meta, sync_rc);
}

/* Copy: the namespace's limits, descriptor lists of every format (valid
 * and not), Copy itself sync and async with PI; bad arguments never reach
 * the device. */
static void op_copy(struct nvme_ns *ns)
{
	struct nvme_copy_limits cl;
	(void)nvme_copy_limits(ns, &cl);
	(void)nvme_copy_limits(NULL, &cl);
	(void)nvme_copy_limits(ns, NULL);
	struct nvme_copy_range r[6];
	uint32_t nr = in8() % 7u;
	uint8_t c = in8();
	for (unsigned i = 0; i < 6; i++) {
		r[i].slba = (c & 1) ? in8() : in32();
		r[i].nlb = (c & 2) ? 1u + in8() : in32() % 70000u;
		r[i].eilbrt = (c & 4) ? in8() : (uint64_t)in32() << (in8() & 31u);
		r[i].elbat = in16();
		r[i].elbatm = in16();
	}
	unsigned fmt = (c & 8) ? in8() % 3u : (ns && ns->cmdset.copy_pif != NVME_COPY_PIF_16 ? 1u : 0u);
	(void)nvme_copy_desc_size(in8() % 3u, in16() % 300u);
	size_t dl = nvme_copy_desc_size(fmt, nr ? nr : 1);
	uint8_t *d = harness_buf(dl ? dl + 8 : 8);
	int erc = nvme_copy_encode(d, (c & 16) ? dl / 2u : dl, fmt, r, nr);
	(void)erc;
	struct nvme_copy_pi pi = { (uint8_t)(in8() % 17u), (uint8_t)(in8() % 17u), (c & 32) ? in8() : in32(), in16(),
				   in16() };
	unsigned flags = pick_flags() & (NVME_IO_FUA | NVME_IO_LIMITED_RETRY | NVME_CMD_FORCE);
	uint64_t sdlba = (c & 64) ? in8() : (uint64_t)in32() << (in8() & 31u);
	int rc = nvme_copy(ns, pick_q(), sdlba, d, nr, fmt, (in8() & 1) ? &pi : NULL, flags);
	(void)nvme_ctrl_refusal(&ctrl);
	sync_buf_done(d, rc);
	/* invalid: no list, no ranges, a third format, a short buffer */
	unsigned long cmds = dev_cmds;
	uint8_t tmp[64];
	(void)nvme_copy(ns, NULL, 0, NULL, 1, 0, NULL, NVME_CMD_FORCE);
	(void)nvme_copy(ns, NULL, 0, tmp, 0, 0, NULL, NVME_CMD_FORCE);
	(void)nvme_copy(ns, NULL, 0, tmp, 1, 2, NULL, NVME_CMD_FORCE);
	(void)nvme_copy(ns, NULL, 0, tmp, 300, 0, NULL, NVME_CMD_FORCE);
	(void)nvme_copy_async(ns, NULL, 0, tmp, 1, 0, NULL, 0, NULL, NULL);
	(void)nvme_copy_encode(tmp, sizeof(tmp), 0, r, 0);
	(void)nvme_copy_encode(tmp, 8, 0, r, 1);
	(void)nvme_copy_encode(NULL, sizeof(tmp), 1, r, 1);
	(void)nvme_copy_encode(tmp, sizeof(tmp), 7, r, 1);
	if (dev_cmds != cmds)
		fz_fail("a Copy with invalid arguments reached the device");
	/* asynchronous, exactly once */
	if (nr == 0 || dl == 0)
		return;
	struct areq *a = areq_new(dl);
	if (!a)
		return;
	if (nvme_copy_encode(a->buf, dl, fmt, r, nr) != 0 ||
	    nvme_copy_async(ns, nvme_ctrl_io_qpair(&ctrl, in8() % 4u), sdlba, a->buf, nr, fmt, NULL, flags, areq_cb, a) != 0)
		a->calls = 1;
	poll_all(200u + in8() * 4u);
}

/* Namespace management and attachment, controller lists, allocated
 * namespaces; invalid arguments never reach the device. */
static void op_nsmgmt(void)
{
	uint16_t ids[16];
	uint32_t n, total, list[16];
	(void)nvme_ctrl_cntlid(&ctrl);
	uint8_t c = in8();
	uint32_t nsid = (c & 1) ? in8() % 4u : in32();
	uint16_t first = (c & 2) ? in16() : (uint16_t)(in8() % 4u);
	uint32_t max = (c & 4) ? 0 : in8() % 17u;
	(void)nvme_ctrl_list(&ctrl, nsid, first, max || (c & 8) ? ids : NULL, max, &n, (c & 16) ? &total : NULL);
	max = (c & 32) ? 0 : in8() % 17u;
	(void)nvme_ns_list_allocated(&ctrl, (c & 64) ? in32() : in8() % 4u, max || (c & 128) ? list : NULL, max, &n);
	struct nvme_id_ns *idn = (struct nvme_id_ns *)harness_buf(sizeof(*idn));
	sync_buf_done(idn, nvme_ns_identify_allocated(&ctrl, (in8() & 1) ? 1u + in8() % 4u : in32(), idn));
	uint32_t k = (in8() & 1) ? in8() % 17u : in16();
	for (unsigned i = 0; i < 16; i++)
		ids[i] = in16();
	unsigned fl = pick_flags();
	uint32_t target = (in8() & 1) ? 1u + in8() % 4u : in32();
	switch (in8() % 4u) {
	case 0: (void)nvme_ns_attach(&ctrl, target, k ? ids : NULL, k > 16 ? 16 : k, fl); break;
	case 1: (void)nvme_ns_detach(&ctrl, target, ids, k > 16 && k <= 2047 ? 16 : k % 17u, fl); break;
	case 2: {
		struct nvme_ns_create_args a = { .nsze = (in8() & 1) ? 1u + in16() : in32(), .ncap = in8() & 1 ? 0 : in32(),
						 .flbas = (uint8_t)(in8() % 70u), .dps = (uint8_t)(in8() & 15u),
						 .shared = in8() & 1, .csi = (uint8_t)(in8() % 3u) };
		uint32_t created;
		(void)nvme_ns_create(&ctrl, &a, fl, (in8() & 1) ? &created : NULL);
		break;
	}
	default:
		(void)nvme_ns_delete(&ctrl, (in8() & 1) ? NVME_NSID_ALL : target, fl | ((in8() & 1) ? NVME_NSMGMT_ALL : 0));
		break;
	}
	/* invalid: nothing reaches the device */
	unsigned long cmds = dev_cmds;
	struct nvme_ns_create_args z = { 0 };
	(void)nvme_ns_create(&ctrl, &z, NVME_CMD_FORCE, &n);
	z.nsze = 8;
	z.ncap = 9;
	(void)nvme_ns_create(&ctrl, &z, NVME_CMD_FORCE, &n);
	z.ncap = 0;
	z.flbas = 0x80;   /* FLBAS bit 7: reserved (index bits are 3:0 and 6:5) */
	(void)nvme_ns_create(&ctrl, &z, NVME_CMD_FORCE, &n);
	z.flbas = 0;
	z.dps = 0x10;
	(void)nvme_ns_create(&ctrl, &z, NVME_CMD_FORCE, &n);
	z.dps = 0;
	(void)nvme_ns_create(&ctrl, &z, NVME_CMD_FORCE, NULL);
	(void)nvme_ns_create(&ctrl, NULL, NVME_CMD_FORCE, &n);
	(void)nvme_ns_create(NULL, &z, NVME_CMD_FORCE, &n);
	(void)nvme_ns_attach(&ctrl, 1, ids, 2048, NVME_CMD_FORCE);
	(void)nvme_ns_attach(&ctrl, 1, NULL, 3, NVME_CMD_FORCE);
	(void)nvme_ns_detach(NULL, 1, ids, 1, NVME_CMD_FORCE);
	(void)nvme_ns_delete(&ctrl, NVME_NSID_ALL, NVME_CMD_FORCE);
	(void)nvme_ns_list_allocated(&ctrl, 0xFFFFFFFEu, list, 16, &n);
	(void)nvme_ns_list_allocated(NULL, 0, list, 16, &n);
	(void)nvme_ns_identify_allocated(&ctrl, 0, idn);
	(void)nvme_ns_identify_allocated(&ctrl, 1, NULL);
	(void)nvme_ctrl_list(&ctrl, NVME_NSID_ALL, 0, ids, 16, &n, &total);
	(void)nvme_ctrl_list(NULL, 0, 0, ids, 16, &n, &total);
	(void)nvme_ctrl_cntlid(NULL);
	if (dev_cmds != cmds)
		fz_fail("a namespace management call with invalid arguments reached the device");
}

/* I/O command sets: CNS 05h/06h of any command set, the profile chosen,
 * names; a rescan reads the descriptor lists again. */
static void op_iocs(struct nvme_ns *ns)
{
	uint8_t css;
	uint16_t idx;
	uint64_t vec;
	nvme_ctrl_iocs(&ctrl, &css, &idx, &vec);
	nvme_ctrl_iocs(NULL, &css, &idx, &vec);
	nvme_ctrl_iocs(&ctrl, NULL, NULL, NULL);
	(void)nvme_csi_name(in8() % 4u);
	uint8_t *b = harness_buf(4096);
	uint8_t cns = (in8() & 1) ? (in8() & 1 ? NVME_CNS_CS_NS : NVME_CNS_CS_CTRL) : in8();
	uint8_t csi = (in8() & 1) ? (in8() & 1 ? NVME_CSI_ZNS : NVME_CSI_NVM) : in8();
	unsigned long cmds = dev_cmds;
	int rc = nvme_identify_csi(&ctrl, cns, csi, ns ? ns->nsid : in32(), (in8() & 1) ? b : NULL);
	if ((cns != NVME_CNS_CS_NS && cns != NVME_CNS_CS_CTRL) && dev_cmds != cmds)
		fz_fail("Identify of a command set with an invalid CNS reached the device");
	(void)nvme_identify_csi(NULL, NVME_CNS_CS_NS, 0, 1, b);
	sync_buf_done(b, rc);
	if (in8() & 1)
		(void)nvme_ns_rescan(&ctrl);
}

static void op(uint8_t which)
{
	struct nvme_ns *ns = pick_ns();
	uint8_t *b = NULL;
	/* the families' operations (35-39) with a family configuration only:
	 * the inputs of the harness before them keep their meaning */
	unsigned nops = D.fam ? 40u : 35u;
	if (echo_log())
		fprintf(stderr, "harness: operation %u\n", which % nops);
	switch (which % nops) {
	case 35:
		op_zns(ns);
		break;
	case 36:
		op_pi(ns);
		break;
	case 37:
		op_copy(ns);
		break;
	case 38:
		op_nsmgmt();
		break;
	case 39:
		op_iocs(ns);
		break;
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
		(void)nvme_feat_get(&ctrl, &fa, pick_flags(), &v);
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
		struct nvme_qpair_opts qo = { .interrupts = in8() & 1, .vector = in8(), .priority = in8() };
		(void)nvme_qpair_create(&ctrl, qid, in8() % 70u, (in8() & 1) ? &qo : NULL);
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
		/* (with extended LBAs a block carries its metadata) */
		uint32_t blk = ns ? ns->lba_size + (ns->meta_extended ? ns->meta_size : 0u) : 0;
		if (rc == 0 && q && ns && ns->unusable == 0 && blk <= 4096) {   /* b has 4096 */
			memset(&s, 0, sizeof(s));
			s.opc = NVME_CMD_READ;
			s.nsid = ns->nsid;
			rc = nvme_io_passthru(q, &s, b, blk, &cqe);
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
		int rc = nvme_fw_download(&ctrl, b, len, 0, 0, NULL, NULL, pick_flags());
		struct nvme_fw_commit_result res;
		(void)nvme_fw_commit(&ctrl, (uint8_t)(in8() & 7), (uint8_t)(in8() & 3), pick_flags(), &res);
		sync_buf_done(b, rc);
		break;
	}
	case 18: {   /* sanitize: start, then a bounded wait on the status log */
		struct nvme_sanitize_opts so;
		memset(&so, 0, sizeof(so));
		so.action = (uint8_t)(1u + in8() % 4u);
		so.owpass = (uint8_t)(1u + (in8() & 15));
		so.flags = pick_flags();
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
		fo.flags = pick_flags();
		(void)nvme_format_nvm(&ctrl, ns ? ns->nsid : NVME_NSID_ALL, &fo);
		break;
	}
	case 20: {   /* reservations */
		if (!ns)
			break;
		(void)nvme_resv_register(ns, pick_q(), (uint8_t)(in8() % 4u), in32(), in32(), (uint8_t)(in8() & 3),
					 pick_flags());
		(void)nvme_resv_acquire(ns, pick_q(), (uint8_t)(in8() % 4u), (uint8_t)(in8() % 8u), in32(),
					 in32(), pick_flags());
		b = harness_buf(4096);
		struct nvme_resv_info ri;
		size_t rlen = (in8() & 1) ? 4096 : (size_t)in8() * 4u + (in8() & 3u);
		int rc = nvme_resv_report(ns, pick_q(), b, rlen, in8() & 1, pick_flags(), &ri);
		if (rc == 0)
			for (uint32_t i = 0; i < ri.nentries; i++) {
				struct nvme_resv_entry e;
				(void)nvme_resv_report_entry(b, 4096, &ri, i, &e);
			}
		(void)nvme_resv_release(ns, pick_q(), (uint8_t)(in8() % 3u), (uint8_t)(in8() % 8u), 0,
					 pick_flags());
		sync_buf_done(b, rc);
		break;
	}
	case 21: {   /* checked features and their decoders */
		uint8_t fid = (uint8_t)(1u + in8() % 0x20u);
		uint32_t v = 0;
		struct nvme_feat_args ga = { .fid = fid };
		ga.sel = (uint8_t)(in8() & 3);
		if (nvme_feat_get(&ctrl, &ga, pick_flags(), &v) == 0) {
			char t[160];
			(void)nvme_feat_describe(fid, v, t, sizeof(t));
		}
		struct nvme_feat_args sa = { .fid = fid };
		sa.cdw11 = in32();
		sa.save = (in8() & 1) != 0;
		(void)nvme_feat_set(&ctrl, &sa, pick_flags(), &v);
		struct nvme_timestamp ts;
		(void)nvme_timestamp_get(&ctrl, (uint8_t)(in8() & 3), &ts, pick_flags());
		(void)nvme_timestamp_set(&ctrl, (uint64_t)in32() << (in8() & 15), pick_flags());
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
	case 25: {   /* decoders and texts with input-chosen values */
		char t[160];
		char *w;
		size_t wl;
		unsigned k = 1u + in8() % 8u;
		for (unsigned i = 0; i < k; i++) {
			int st = pick_any_status();
			wl = pick_text(&w);
			(void)nvme_status_describe(st, w, wl);
			(void)nvme_strerror(st);
			(void)nvme_fw_needs_reset(st);
		}
		uint8_t fid = in8();
		uint32_t v = in32();
		struct nvme_feat_decoded fd;
		(void)nvme_feat_decode(fid, v, &fd);
		(void)nvme_feat_decode(fid, v, NULL);
		wl = pick_text(&w);
		(void)nvme_feat_describe(fid, v, w, wl);
		(void)nvme_feat_name(in8());
		(void)nvme_feat_arbitration(in8(), in8(), in8(), in8());
		(void)nvme_feat_power_mgmt(in8(), in8());
		(void)nvme_feat_temp_threshold(in16(), in8(), in8() & 1);
		(void)nvme_feat_irq_coalescing(in8(), in8());
		(void)nvme_feat_async_event(in8(), in8() & 1, in8() & 1);
		wl = pick_text(&w);
		(void)nvme_effects_describe(in32(), w, wl);
		struct nvme_smart_log raw;
		for (size_t i = 0; i < sizeof(raw); i++)
			((uint8_t *)&raw)[i] = i < 200 ? in8() : 0;
		struct nvme_smart_info si;
		nvme_smart_decode(&raw, &si);
		wl = pick_text(&w);
		(void)nvme_smart_warning_text(si.critical_warning, w, wl);
		wl = pick_text(&w);
		(void)nvme_u128_to_dec(si.data_units_read, w, wl);
		(void)nvme_u128_to_dec((struct nvme_u128){ ~0ull, ~0ull }, t, sizeof(t));
		struct nvme_error_log_entry ee;
		memset(&ee, 0, sizeof(ee));
		ee.error_count = in8();
		ee.sqid = in16();
		ee.cid = in16();
		ee.status = in16();
		ee.pel = in16();
		ee.nsid = (in8() & 1) ? NVME_NSID_ALL : in8();
		wl = pick_text(&w);
		(void)nvme_error_entry_describe(&ee, w, wl);
		(void)nvme_sstat_name(in8() & 7);
		(void)nvme_resv_type_name(in8() & 7);
		(void)nvme_self_test_result_name(in8() & 15);
		(void)nvme_event_type_name(in8() & 7);
		(void)nvme_opt_name((enum nvme_opt)(in8() % (NVME_OPT_COUNT + 2u)));
		/* a reservation report the input wrote, parsed at any count */
		uint8_t rep[256];
		for (size_t i = 0; i < sizeof(rep); i++)
			rep[i] = in8();
		struct nvme_resv_info ri = { .regctl = in8(), .extended = in8() & 1 };
		ri.nentries = in8() % 12u;
		size_t rl = in8();
		for (uint32_t i = 0; i <= ri.nentries; i++) {
			struct nvme_resv_entry re;
			(void)nvme_resv_report_entry(rep, rl, &ri, i, &re);
		}
		/* an event as a host may hold it */
		struct nvme_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.type = in8() & 7;
		ev.info = in8();
		ev.lid = in8();
		ev.dw0 = in32();
		/* counts may exceed the NSIDs kept (the driver counts all it saw) */
		ev.nchanged = (in8() & 1) ? NVME_EVENT_CHANGED_ALL : in16() % 1100u;
		ev.nadded = in8() % (NVME_EVENT_NSIDS + 4u);
		ev.nremoved = in8() % (NVME_EVENT_NSIDS + 4u);
		ev.ns_count = in8();
		ev.log_status = pick_any_status();
		ev.rescan_status = pick_any_status();
		ev.smart_warning = in8();
		ev.sstat = in8() & 7;
		wl = pick_text(&w);
		(void)nvme_event_describe(&ev, w, wl);
		/* quirks by ID, by strings, by name */
		(void)nvme_quirks_for(in16(), in16(), in16(), in16());
		static const char *const mns[] = { "Samsung Portable SSD X5 ", "Samsung", "", "x" };
		(void)nvme_quirks_for_strings((in8() & 1) ? 0x144d : in16(), mns[in8() & 3], (in8() & 1) ? "1.0" : NULL);
		uint32_t qb = in32();
		(void)nvme_quirk_name(qb);
		static const char *const qn[] = { "no-write-zeroes", "sqe-128", "none", "", "delay-before-rdy" };
		(void)nvme_quirk_by_name(qn[in8() % 5u]);
		wl = pick_text(&w);
		(void)nvme_quirks_describe(qb, w, wl);
		/* the ABI check of another build */
		struct nvme_abi abi = NVME_ABI_INIT;
		uint8_t a = in8();
		const unsigned nf = (unsigned)(sizeof(abi) / sizeof(uint32_t));
		if (a < nf)
			((uint32_t *)&abi)[a] ^= 1u << (in8() & 31);
		wl = pick_text(&w);
		(void)nvme_abi_diff(a == nf ? NULL : &abi, w, wl);
		break;
	}
	case 26: {   /* capability questions, with and without the effects log */
		char *w;
		size_t wl;
		static const uint8_t opcs[] = { 0x01, 0x04, 0x05, 0x08, 0x09, 0x0C, 0x0D, 0x0E, 0x11, 0x15, 0x19,
						0x10, 0x14, 0x80, 0x81, 0x82, 0x7C, 0x15, 0x19, 0x1A, 0x84, 0x00 };
		unsigned k = 1u + in8() % 6u;
		for (unsigned i = 0; i < k; i++) {
			enum nvme_opt o = (enum nvme_opt)(in8() % (NVME_OPT_COUNT + 1u));
			wl = pick_text(&w);
			(void)nvme_ctrl_supports(&ctrl, o, w, wl);
			wl = pick_text(&w);
			(void)nvme_ctrl_supports_cmd(&ctrl, o, opcs[in8() % sizeof(opcs)], w, wl);
		}
		(void)nvme_ctrl_supports(NULL, NVME_OPT_VERIFY, NULL, 0);
		(void)nvme_ctrl_refusal(&ctrl);
		(void)nvme_ctrl_cns_exists(&ctrl, in8());
		(void)nvme_ctrl_quirks(&ctrl);
		break;
	}
	case 27: {   /* log pages: every helper, and the generic reader at any offset and length */
		unsigned fl = pick_flags();
		struct nvme_cmd_effects_log *el = (struct nvme_cmd_effects_log *)harness_buf(sizeof(*el));
		(void)nvme_effects_log_read(&ctrl, el, fl);
		harness_buf_free(el);
		static const uint32_t nsids[] = { 0, NVME_NSID_ALL, 1, 2, 0xFFFFFFFEu };
		struct nvme_smart_info si;
		struct nvme_smart_log raw;
		(void)nvme_smart_read(&ctrl, nsids[in8() % 5u], &si, (in8() & 1) ? &raw : NULL, pick_flags());
		struct nvme_error_log_entry e[8];
		uint32_t n;
		(void)nvme_error_log_read(&ctrl, e, in8() % 9u, &n);
		struct nvme_fw_slot_info fs;
		(void)nvme_fw_slot_read(&ctrl, &fs);
		struct nvme_sanitize_status ss;
		(void)nvme_sanitize_status_read(&ctrl, &ss);
		size_t len = (in8() & 1) ? 4u * (1u + in8()) : (size_t)in16() % 20000u;
		b = harness_buf(len ? len : 1);
		uint64_t off = (in8() & 1) ? (uint64_t)in8() * 4u : (uint64_t)in32() << (in8() & 31);
		int rc = nvme_get_log_page(&ctrl, in8(), (uint8_t)(in8() & 15), nsids[in8() % 5u], off, b, len,
					   in8() & 1);
		sync_buf_done(b, rc);
		break;
	}
	case 28: {   /* Identify, the active list, accessors */
		static const uint8_t cnss[] = { NVME_CNS_NS, NVME_CNS_CTRL, NVME_CNS_ACTIVE_NS_LIST, NVME_CNS_CS_CTRL,
						0x03, 0x05, 0x10, 0x1F };
		uint8_t cns = (in8() & 1) ? cnss[in8() % 8u] : in8();
		b = harness_buf(4096);
		int rc = nvme_identify(&ctrl, cns, (in8() & 1) ? in8() : in32(), in16(), b);
		sync_buf_done(b, rc);
		uint32_t ids[16], n = 0;
		uint32_t after = (in8() & 1) ? in8() : in32();
		(void)nvme_ns_list_active(&ctrl, after, (in8() & 1) ? ids : NULL, in8() % 17u, &n);
		(void)nvme_ns_list_active(&ctrl, 0, NULL, 0, &n);
		(void)nvme_ns_get(&ctrl, in8() % 10u);
		(void)nvme_ns_active_count(&ctrl);
		(void)nvme_ctrl_id(&ctrl);
		(void)nvme_ctrl_serial(&ctrl);
		(void)nvme_ctrl_model(&ctrl);
		(void)nvme_ctrl_firmware(&ctrl);
		(void)nvme_ctrl_version(&ctrl);
		(void)nvme_ctrl_cap(&ctrl);
		(void)nvme_ctrl_page_size(&ctrl);
		(void)nvme_ctrl_max_transfer(&ctrl);
		(void)nvme_ctrl_io_queue_count(&ctrl);
		(void)nvme_ctrl_io_queue_max(&ctrl);
		uint32_t nsq, ncq;
		nvme_ctrl_io_queue_grant(&ctrl, &nsq, &ncq);
		nvme_ctrl_io_queue_grant(&ctrl, NULL, NULL);
		(void)nvme_ctrl_uses_sgl(&ctrl);
		(void)nvme_ctrl_shadow_doorbells(&ctrl);
		(void)nvme_ctrl_get_state(&ctrl);
		(void)nvme_ctrl_admin_qpair(&ctrl);
		(void)nvme_ctrl_qpair(&ctrl, (uint16_t)(in8() % 6u));
		(void)nvme_aer_outstanding(&ctrl);
		(void)nvme_event_count(&ctrl);
		(void)nvme_event_dropped(&ctrl);
		(void)nvme_fw_granularity(&ctrl);
		(void)nvme_fw_chunk_bytes(&ctrl);
		(void)nvme_ctrl_nvm_limits(&ctrl);
		(void)nvme_ns_verify_max_blocks(ns);
		(void)nvme_ns_write_zeroes_max_blocks(ns);
		uint64_t ph, by;
		void *vi;
		(void)nvme_hmb_chunk(&ctrl, in8() % 6u, &ph, &vi, &by);
		uint8_t lv = in8();   /* consumed with FUZZ_LOG too: the same path replays */
		nvme_ctrl_set_log_level(&ctrl, getenv("FUZZ_LOG") ? NVME_LOG_DEBUG : (enum nvme_log_level)(lv % 6u));
		break;
	}
	case 29: {   /* firmware: offsets, piece sizes, a progress callback that stops, any slot and action */
		size_t len = (in8() & 1) ? 4u * (1u + in16() % 3000u) : (size_t)in16() % 12000u;
		b = harness_buf(len ? len : 4);
		uint64_t off = (in8() & 1) ? (uint64_t)(in8() & 7) * 4096u : (uint64_t)in32() << (in8() & 7);
		uint32_t xfer = (in8() & 1) ? 0 : (uint32_t)in16() << (in8() & 7);
		cb_left = in8() % 4u;
		int rc = nvme_fw_download(&ctrl, len ? b : NULL, len, off, xfer, (in8() & 1) ? fw_cb : NULL, NULL,
					  pick_flags());
		sync_buf_done(b, rc);
		struct nvme_fw_commit_result res;
		(void)nvme_fw_commit(&ctrl, (uint8_t)(in8() % 9u), (uint8_t)(in8() & 7), pick_flags(),
				     (in8() & 1) ? &res : NULL);
		break;
	}
	case 30: {   /* sanitize: start and wait separately, every option */
		struct nvme_sanitize_opts so;
		memset(&so, 0, sizeof(so));
		so.action = (uint8_t)(in8() % 6u);
		so.ause = in8() & 1;
		so.no_dealloc = in8() & 1;
		so.owpass = (uint8_t)(in8() % 18u);
		so.invert = in8() & 1;
		so.pattern = in32();
		so.flags = pick_flags();
		so.poll_ms = in8() % 40u;
		so.max_wait_ms = (in8() & 3) == 0 ? 0 : 10u + in8();
		cb_left = in8() % 4u;
		so.progress = (in8() & 1) ? san_cb : NULL;
		struct nvme_sanitize_status fin;
		(void)nvme_sanitize_start(&ctrl, &so);
		(void)nvme_sanitize_wait(&ctrl, &so, (in8() & 1) ? &fin : NULL);
		break;
	}
	case 31: {   /* Format NVM with every option and a progress callback */
		struct nvme_format_opts fo;
		memset(&fo, 0, sizeof(fo));
		fo.lbaf = (uint8_t)(in8() % 66u);
		fo.ses = (uint8_t)(in8() & 3);
		fo.mset = in8() & 1;
		fo.pi = (uint8_t)(in8() % 5u);
		fo.pil = in8() & 1;
		fo.flags = pick_flags();
		fo.poll_ms = in8() % 50u;
		cb_left = in8() % 4u;
		fo.progress = (in8() & 1) ? fmt_cb : NULL;
		uint32_t nsid = (in8() & 1) ? NVME_NSID_ALL : ns ? ns->nsid : in8();
		(void)nvme_format_nvm(&ctrl, nsid, &fo);
		break;
	}
	case 32: {   /* data management with input ranges and counts; physical segments */
		if (!ns)
			break;
		struct nvme_dsm_range r[6];
		uint32_t nr = in8() % 7u;
		for (uint32_t i = 0; i < 6; i++) {
			r[i].cattr = in32();
			r[i].nlb = (in8() & 1) ? 1u + in8() : in32();
			r[i].slba = (in8() & 1) ? in16() : ((uint64_t)in32() << 16);
		}
		(void)nvme_dsm(ns, pick_q(), r, nr, in8() & 7, pick_flags());
		(void)nvme_trim(ns, pick_q(), in16(), (in8() & 1) ? 1u + in16() : (uint64_t)in32() << 8, pick_flags());
		(void)nvme_write_zeroes(ns, pick_q(), in16(), 1u + in16() % 1024u, pick_flags());
		(void)nvme_verify(ns, pick_q(), in16(), 1u + in16() % 1024u, pick_flags());
		if (ns->lba_size == 0 || ns->lba_size > 65536 || ns->unusable)
			break;
		uint32_t count = 1u + in8() % 4u;
		size_t len = (size_t)count * ns->lba_size;
		b = harness_buf(len);
		struct nvme_compare_result cr;
		sync_buf_done(b, nvme_compare(ns, pick_q(), in16(), count, b, pick_flags(), &cr));
		/* physical segments inside one harness buffer: split at input points */
		/* segments in order inside one harness buffer, split at input
		 * points, with input gaps between them (page or not) */
		size_t blen = 2 * len + 4 * 4096;
		b = harness_buf(blen);
		uint8_t *base = b + ((in8() & 1) ? 0 : (in8() & 0xFCu));
		struct nvme_phys_seg seg[4];
		uint32_t nseg = 1u + in8() % 4u;
		size_t at = 0, skip = 0;
		for (uint32_t i = 0; i < nseg; i++) {
			size_t left = len - at;
			size_t l = i + 1 == nseg ? left : (in8() & 1) ? 4096u - (size_t)((uintptr_t)(base + at + skip) & 4095u)
									: (size_t)in16() % (left + 1);
			if (l > left)
				l = left;
			seg[i].addr = (uint64_t)(uintptr_t)(base + at + skip);
			seg[i].len = (uint32_t)l;
			at += l;
			uint8_t g = in8();
			skip += g < 128 ? 0 : g < 200 ? 4096u - (size_t)((uintptr_t)(base + at + skip) & 4095u) : (g & 0x3Cu);
			if (skip > 3 * 4096)
				skip = 3 * 4096;   /* stays inside the buffer */
		}
		if (in8() & 1)   /* lengths that do not add up (still inside the buffer) */
			seg[nseg - 1].len += in8() & 0xFCu;
		int rc = (in8() & 1) ? nvme_read_phys(ns, pick_q(), in16(), count, seg, nseg)
				     : nvme_write_phys(ns, pick_q(), in16(), count, seg, nseg);
		sync_buf_done(b, rc);
		/* the asynchronous forms, exactly once */
		struct nvme_qpair *q = nvme_ctrl_io_qpair(&ctrl, in8() % 4u);
		/* a passthrough moves what the command says: with extended LBAs
		 * each block carries its metadata */
		size_t len3 = (size_t)count * (ns->lba_size + (ns->meta_extended ? ns->meta_size : 0u));
		if (len3 == 0)
			len3 = len;   /* the namespace changed under the calls above (a rescan) */
		struct areq *r1 = areq_new(len), *r2 = areq_new(16), *r3 = areq_new(len3);
		if (!r1 || !r2 || !r3) {
			if (r1) r1->calls = 1;
			if (r2) r2->calls = 1;
			if (r3) r3->calls = 1;
			break;
		}
		nvme_qpair_batch_begin(q);
		struct nvme_phys_seg s1 = { (uint64_t)(uintptr_t)r1->buf, (uint32_t)len };
		if (((in8() & 1) ? nvme_read_phys_async(ns, q, in8(), count, &s1, 1, areq_cb, r1)
				 : nvme_write_phys_async(ns, q, in8(), count, &s1, 1, areq_cb, r1)) != 0)
			r1->calls = 1;
		if (nvme_flush_async(ns, q, areq_cb, r2) != 0)
			r2->calls = 1;
		struct nvme_sqe sq;
		memset(&sq, 0, sizeof(sq));
		sq.opc = (in8() & 1) ? NVME_CMD_READ : NVME_CMD_WRITE;
		sq.nsid = ns->nsid;
		sq.cdw12 = count - 1u;
		/* only while the namespace still has the block size the buffer
		 * was made for: a passthrough moves what the command says */
		if ((size_t)count * (ns->lba_size + (ns->meta_extended ? ns->meta_size : 0u)) != len3 ||
		    nvme_io_passthru_async(q, &sq, r3->buf, len3, areq_cb, r3) != 0)
			r3->calls = 1;
		nvme_qpair_batch_end(q);
		poll_all(500u + in8() * 10u);
		nvme_qpair_stats_reset(q);
		break;
	}
	case 33: {   /* the API's argument checks: nothing may reach the device */
		struct nvme_sqe sq;
		memset(&sq, 0, sizeof(sq));
		sq.opc = in8();
		uint8_t dummy[16];
		struct nvme_cqe cqe;
		uint32_t v;
		unsigned long cmds = dev_cmds;
		(void)nvme_admin_passthru(NULL, &sq, NULL, 0, NULL);
		if (NVME_GET(sq.opc, NVME_OPC_XFER) == NVME_XFER_NONE)
			(void)nvme_admin_passthru(&ctrl, &sq, dummy, sizeof(dummy), &cqe);
		(void)nvme_admin_passthru(&ctrl, &sq, NULL, 16, &cqe);
		(void)nvme_identify(NULL, 0, 0, 0, dummy);
		(void)nvme_identify(&ctrl, 1, 0, 0, NULL);
		struct nvme_feat_args fa0 = { .fid = 1 };
		(void)nvme_feat_set(NULL, &fa0, NVME_FEAT_RAW, &v);
		struct nvme_feat_args fa16 = { .fid = 1, .len = 16 };   /* len without buf */
		(void)nvme_feat_set(&ctrl, &fa16, NVME_FEAT_RAW, &v);
		struct nvme_feat_args fa = { .fid = 1 };
		fa.sel = (uint8_t)(8u + in8() % 8u);                    /* sel beyond 3 */
		(void)nvme_feat_get(&ctrl, &fa, 0, &v);
		(void)nvme_feat_get(&ctrl, &fa, NVME_FEAT_RAW, &v);
		(void)nvme_feat_get(&ctrl, NULL, 0, &v);
		(void)nvme_set_num_queues(NULL, 1, 1, NULL, NULL);
		(void)nvme_set_num_queues(&ctrl, (in8() & 1) ? 0 : 70000u, 1, NULL, NULL);
		(void)nvme_get_num_queues(NULL, &v, &v);
		(void)nvme_get_log_page(NULL, 2, 0, 0, 0, dummy, 16, false);
		(void)nvme_get_log_page(&ctrl, 2, 0, 0, ~0ull - 3u, dummy, 16, false);
		(void)nvme_get_log_page(&ctrl, 2, 0, 0, 2, dummy, 16, false);
		(void)nvme_qpair_create(NULL, 1, 0, NULL);
		(void)nvme_qpair_create(&ctrl, (uint16_t)(in8() & 1 ? 0 : 9), 0, NULL);
		(void)nvme_qpair_delete(NULL, 1);
		(void)nvme_qpair_delete(&ctrl, (uint16_t)(in8() & 1 ? 0 : 9));
		(void)nvme_io_passthru(NULL, &sq, NULL, 0, &cqe);
		(void)nvme_io_passthru(nvme_ctrl_admin_qpair(&ctrl), &sq, NULL, 0, &cqe);
		(void)nvme_io_passthru_async(nvme_ctrl_io_qpair(&ctrl, 0), &sq, NULL, 16, areq_cb, NULL);
		(void)nvme_read_bytes(ns, NULL, 0, NULL, 16);
		(void)nvme_write_bytes(ns, NULL, ~0ull - 8u, dummy, 16);
		(void)nvme_read_phys(ns, NULL, 0, 1, NULL, 0);
		(void)nvme_read_phys_async(ns, NULL, 0, 1, NULL, 1, NULL, NULL);
		(void)nvme_write_phys_async(ns, NULL, 0, 1, NULL, 1, NULL, NULL);
		(void)nvme_read_phys(ns, NULL, 0, 0xFFFFFu, NULL, 1);
		(void)nvme_compare(ns, NULL, 0, 1, NULL, 0, NULL);
		(void)nvme_dsm(ns, NULL, NULL, 1, 0, 0);
		(void)nvme_power_get(NULL, NULL, NULL);
		(void)nvme_power_set(NULL, 0, false);
		(void)nvme_apst_read(NULL, NULL);
		(void)nvme_power_state_count(NULL);
		struct nvme_telemetry_info ti;
		(void)nvme_telemetry_host_read(&ctrl, (in8() & 1) ? 0 : 4, false, dummy, sizeof(dummy), &ti);
		(void)nvme_fw_download(&ctrl, dummy, 6, 0, 0, NULL, NULL, 0);
		(void)nvme_fw_download(&ctrl, dummy, 8, ~0ull - 7u, 0, NULL, NULL, 0);
		(void)nvme_format_nvm(NULL, 1, NULL);
		(void)nvme_self_test_log_read(NULL, NULL);
		(void)nvme_sanitize_status_read(NULL, NULL);
		(void)nvme_ns_list_active(&ctrl, 0xFFFFFFFEu, NULL, 0, &v);
		(void)nvme_ns_rescan(NULL);
		(void)nvme_ns_unusable_text(NULL, why_buf, sizeof(why_buf));
		(void)nvme_ctrl_set_io_queue_count(&ctrl, 100);
		(void)nvme_resv_report(ns, NULL, dummy, 6, false, 0, NULL);
		(void)nvme_resv_register(ns, NULL, 9, 0, 0, 1, 0);
		(void)nvme_resv_acquire(ns, NULL, 9, 0, 0, 0, 0);
		(void)nvme_resv_release(ns, NULL, 9, 9, 0, 0);
		if (dev_cmds != cmds)
			fz_fail("a call with invalid arguments reached the device");
		uint8_t ps, wl;
		(void)nvme_power_get(&ctrl, &ps, &wl);   /* with the workload hint */
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
		/* any negative int, INT_MIN included (negating it would overflow) */
		uint32_t neg = in32();
		(void)nvme_status_describe(neg == 0x80000000u ? -2147483647 - 1 : -(int)neg, t, sizeof(t));
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
	memset(D.ns_ms, 0xFF, sizeof(D.ns_ms));
	next_dw1 = complete_dw0 = 0;

	/* the device */
	uint8_t c0 = in8(), c1 = in8(), c2 = in8();
	uint16_t mqes = (uint16_t)(1u + (c0 & 0x3Fu));
	D.cap = NVME_SET(NVME_CAP_MQES, mqes) | NVME_SET(NVME_CAP_CQR, 1) | NVME_SET(NVME_CAP_TO, 1 + (c0 >> 6)) |
		NVME_SET(NVME_CAP_CSS, NVME_CAP_CSS_NVM) | NVME_SET(NVME_CAP_MPSMAX, 4) |
		NVME_SET(NVME_CAP_DSTRD, (c1 & 0x80) ? (c1 & 0xF) : 0);
	D.cap_seen = D.cap;
	D.vs = (c1 & 0x40) ? NVME_VS(1, 0, 0) : (c2 & 0x40) ? NVME_VS(2, 0, 0) : NVME_VS(1, 4, 0);
	if (c2 & 0x80)   /* I/O command sets: Identify CNS 06h exists before 2.0 */
		D.cap |= NVME_SET(NVME_CAP_CSS, NVME_CAP_CSS_NVM | NVME_CAP_CSS_IOCS);
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
	uint8_t ab = in8(), rb = in8();
	cfg.no_aer = (ab & 3) == 0;
	cfg.no_recovery = (rb & 7) == 0;
	/* the host: as declared, or with the optional members missing, a
	 * progress callback, another page size, or a required member missing
	 * (init must refuse it); the high bits of the two bytes above */
	hv = host;
	if (ab & 0x04)
		hv.delay_us = NULL;          /* the driver spins on now_us */
	if (ab & 0x08) {
		cfg.progress_cb = h_progress;
		cfg.progress_arg = &ctrl;
	}
	if (ab & 0x10)
		hv.mmio_unmap = h_mmio_unmap;
	static const uint32_t pages[8] = { 4096, 8192, 16384, 65536, 4096, 4096, 4096, 32768 };
	hv.page_size = pages[ab >> 5];
	if (rb & 0x08)   /* zeros: the driver's defaults */
		cfg.admin_queue_depth = cfg.io_queue_depth = cfg.max_transfer = 0;
	if (rb & 0x10)
		cfg.dptr_mode = NVME_DPTR_SGL;
	if (rb >= 0xF8) {   /* rarely: a host init must refuse */
		if (ab & 1)
			hv.now_us = NULL;
		else
			hv.page_size = 2048;
	}
	if ((rb & 0x60) == 0x60 && !getenv("FUZZ_LOG"))
		cfg.log_level = NVME_LOG_TRACE;   /* every trace line formatted */
	no_recovery = cfg.no_recovery;
	nquar = 0;
	if (cfg.log_level != NVME_LOG_TRACE)
		cfg.log_level = getenv("FUZZ_LOG") ? NVME_LOG_DEBUG : NVME_LOG_ERROR;
	uint8_t bb = in8();
	size_t bar_size = (bb & 1) ? 0x4000u : BAR_MAX;
	if (bb & 0x80)   /* a quirk the host's PCI IDs would have chosen */
		cfg.quirks = (1u << ((bb >> 1) % NVME_QUIRK_COUNT)) | ((bb & 0x40) ? NVME_QUIRK_NO_CNS_06 : 0);
	else   /* or the families: command sets, PI, ZNS, namespace management, Copy, ELBAS */
		D.fam = (uint8_t)((bb >> 1) & 0x3Fu);
	if (D.fam & (FAM_IOCS | FAM_ZNS))
		D.cap |= NVME_SET(NVME_CAP_CSS, NVME_CAP_CSS_NVM | NVME_CAP_CSS_IOCS);
	if (D.fam & FAM_ZNS) {
		D.zsze = 16u << (in8() % 3u);   /* NSZE is 64 or more */
		D.zdes = (uint8_t)(in8() & 1u);
	}

	int rc = nvme_ctrl_init(&ctrl, &hv, BAR_PHYS, bar_size, &cfg);
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
