/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_phys.c - nvme_read_phys/nvme_write_phys (and _async): I/O on memory
 * given as physical segments. The env scrambles pages (each page of a data
 * buffer at an unrelated bus address), so the segments are the buffer's
 * pages as virt_to_phys gives them; what the device moved is checked
 * against the model's copy and against reads through the virtual API.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

#define PG 4096u

static void phys_setup(struct fx *f)
{
	fx_defaults(f);
	f->ecfg.scramble = true;
	fx_up(f);
}

/* The segments of buffer p (len bytes): one per host page piece. */
static uint32_t segs_of(struct fx *f, const void *p, size_t len, struct nvme_phys_seg *seg, uint32_t max)
{
	const struct nvme_host *h = &f->env->host;
	uintptr_t v = (uintptr_t)p;
	uint32_t n = 0;
	while (len != 0 && n < max) {
		size_t room = PG - (v & (PG - 1));
		size_t piece = len < room ? len : room;
		uint64_t phys;
		REQUIRE_EQ(h->virt_to_phys(h->ctx, (const void *)v, &phys), 0);
		seg[n].addr = phys;
		seg[n].len = (uint32_t)piece;
		n++;
		v += piece;
		len -= piece;
	}
	return n;
}

static void phys_write_read_pages(void)
{
	static struct fx f;
	phys_setup(&f);
	struct nvme_ns *ns = fx_ns1(&f);      /* 512-byte blocks */
	const size_t len = 8 * PG;            /* 64 blocks, a PRP list */
	uint8_t *w = fx_buf(&f, len, 0, 0), *r = fx_buf(&f, len, 0, 0), *v = fx_buf(&f, len, 0, 0);
	fill_pattern(w, len, 11);
	struct nvme_phys_seg ws[16], rs[16];
	uint32_t nw = segs_of(&f, w, len, ws, 16), nr = segs_of(&f, r, len, rs, 16);
	REQUIRE_EQ(nw, 8);
	CHECK_NE(ws[1].addr, ws[0].addr + PG);   /* scrambled: not contiguous */

	CHECK_OK(nvme_write_phys(ns, NULL, 100, 64, ws, nw));
	CHECK_OK(nvme_read(ns, NULL, 100, 64, v));
	CHECK_MEM(v, w, len);
	CHECK_OK(nvme_read_phys(ns, NULL, 100, 64, rs, nr));
	CHECK_MEM(r, w, len);
	CHECK_EQ(nvme_ctrl_io_qpair(f.c, 0)->stats.bounced, 0);
}

static void phys_first_segment_offset(void)
{
	static struct fx f;
	phys_setup(&f);
	struct nvme_ns *ns = fx_ns1(&f);
	/* 2 KiB into a page, then a whole page, then 2 KiB: 16 blocks */
	const size_t len = 2 * PG;
	uint8_t *w = fx_buf(&f, len, PG / 2, 0), *r = fx_buf(&f, len, 0, 0);
	fill_pattern(w, len, 12);
	struct nvme_phys_seg s[8];
	uint32_t n = segs_of(&f, w, len, s, 8);
	REQUIRE_EQ(n, 3);
	CHECK_OK(nvme_write_phys(ns, NULL, 7, 16, s, n));
	CHECK_OK(nvme_read(ns, NULL, 7, 16, r));
	CHECK_MEM(r, w, len);
}

static void phys_refusals(void)
{
	static struct fx f;
	phys_setup(&f);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *b = fx_buf(&f, 4 * PG, 0, 0);
	struct nvme_phys_seg s[8];
	uint32_t n = segs_of(&f, b, 4 * PG, s, 8);
	REQUIRE_EQ(n, 4);
	uint64_t before = nvme_model_stats(f.m)->blocks_written;

	/* lengths must add up to the blocks */
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 31, s, n), NVME_ERR_INVAL);
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 8, NULL, 1), NVME_ERR_INVAL);
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 8, s, 0), NVME_ERR_INVAL);
	/* a middle segment that does not start on a page: not describable */
	struct nvme_phys_seg bad[3] = { { s[0].addr, PG }, { s[1].addr + 512, PG - 512 }, { s[2].addr, 512 } };
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 16, bad, 3), NVME_ERR_DMA);
	/* the first one not dword aligned */
	struct nvme_phys_seg odd = { s[0].addr + 2, 512 };
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 1, &odd, 1), NVME_ERR_DMA);
	/* an empty one, and one that wraps */
	struct nvme_phys_seg empty[2] = { { s[0].addr, 0 }, { s[1].addr, 512 } };
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 1, empty, 2), NVME_ERR_DMA);
	struct nvme_phys_seg wrap = { UINT64_MAX - 255, 512 };
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, 1, &wrap, 1), NVME_ERR_DMA);
	/* beyond the range, and more than one command */
	CHECK_EQ(nvme_write_phys(ns, NULL, ns->size, 1, s, 1), NVME_ERR_LBA_RANGE);
	uint32_t too_many = ns->max_blocks + 1u;
	struct nvme_phys_seg big = { s[0].addr, too_many * 512u };
	CHECK_EQ(nvme_write_phys(ns, NULL, 0, too_many, &big, 1), NVME_ERR_TOO_LARGE);
	CHECK_EQ(nvme_model_stats(f.m)->blocks_written, before);   /* nothing sent */
	CHECK_EQ(nvme_qpair_in_flight(nvme_ctrl_io_qpair(f.c, 0)), 0);
}

static void phys_above_dma_limit(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.fake_phys = true;   /* DMA memory below the limit */
	f.ecfg.dma_limit = 1ull << 32;
	fx_up(&f);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *hi = fx_buf(&f, PG, 0, HOST_BUF_HIGH);
	struct nvme_phys_seg s;
	REQUIRE_EQ(segs_of(&f, hi, 512, &s, 1), 1);
	REQUIRE(s.addr >= (1ull << 32));
	CHECK_EQ(nvme_read_phys(ns, NULL, 0, 1, &s, 1), NVME_ERR_DMA);   /* no bounce without a virtual address */
}

/* With SGLs any segments go (a middle one off a page boundary too), when
 * the build has them. */
static void phys_sgl_any_segments(void)
{
#if NVME_CFG_SGL
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.sgls = NVME_SGLS_SUPPORT_ANY_ALIGN;
	f.ecfg.scramble = true;
	fx_up(&f);
	REQUIRE(nvme_ctrl_uses_sgl(f.c));
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *w = fx_buf(&f, 4 * PG, 0, 0), *r = fx_buf(&f, 4 * PG, 0, 0);
	fill_pattern(w, 4 * PG, 14);
	struct nvme_phys_seg s[4];
	REQUIRE_EQ(segs_of(&f, w, 4 * PG, s, 4), 4);
	/* 512 B of page 1 at offset 512, 1 KiB of page 2 at offset 1024, page 3 */
	struct nvme_phys_seg odd[3] = { { s[1].addr + 512, 512 }, { s[2].addr + 1024, 1024 }, { s[3].addr, PG } };
	CHECK_OK(nvme_write_phys(ns, NULL, 60, 11, odd, 3));
	CHECK_OK(nvme_read(ns, NULL, 60, 11, r));
	CHECK_MEM(r, w + PG + 512, 512);
	CHECK_MEM(r + 512, w + 2 * PG + 1024, 1024);
	CHECK_MEM(r + 1536, w + 3 * PG, PG);
	CHECK(nvme_ctrl_io_qpair(f.c, 0)->stats.sgl_commands > 0);
#endif
}

static void async_done(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)cqe;
	*(int *)arg = status == 0 ? 1 : status;
}

static void phys_async(void)
{
	static struct fx f;
	phys_setup(&f);
	struct nvme_ns *ns = fx_ns1(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *w = fx_buf(&f, 2 * PG, 0, 0), *r = fx_buf(&f, 2 * PG, 0, 0);
	fill_pattern(w, 2 * PG, 13);
	struct nvme_phys_seg ws[2], rs[2];
	REQUIRE_EQ(segs_of(&f, w, 2 * PG, ws, 2), 2);
	REQUIRE_EQ(segs_of(&f, r, 2 * PG, rs, 2), 2);
	int wd = 0, rd = 0;
	CHECK_EQ(nvme_write_phys_async(ns, q, 40, 16, ws, 2, NULL, NULL), NVME_ERR_INVAL);
	CHECK_OK(nvme_write_phys_async(ns, q, 40, 16, ws, 2, async_done, &wd));
	for (int i = 0; i < 1000 && wd == 0; i++)
		CHECK(nvme_qpair_poll(q, 0) >= 0);
	CHECK_EQ(wd, 1);
	CHECK_OK(nvme_read_phys_async(ns, q, 40, 16, rs, 2, async_done, &rd));
	for (int i = 0; i < 1000 && rd == 0; i++)
		CHECK(nvme_qpair_poll(q, 0) >= 0);
	CHECK_EQ(rd, 1);
	CHECK_MEM(r, w, 2 * PG);
}

static const struct check_test tests[] = {
	CHECK_TEST(phys_write_read_pages),
	CHECK_TEST(phys_first_segment_offset),
	CHECK_TEST(phys_refusals),
	CHECK_TEST(phys_above_dma_limit),
	CHECK_TEST(phys_async),
	CHECK_TEST(phys_sgl_any_segments),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
