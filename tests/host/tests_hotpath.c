/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_hotpath.c - the Read/Write fast path of nvme_read_async /
 * nvme_write_async and the completion fast path of nvme_qpair_poll
 * (drivers/nvme/nvme_io.c, nvme_queue.c): the SQE it writes, the short copy
 * a retry rebuilds, the fallbacks to the general path, and that every
 * refusal is the documented error in the documented order with nothing
 * sent.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "model/nvme_model_fault.h"
#include "test_util.h"

/* Poll q until rec has been called (bounded). */
static void wait_rec(struct nvme_qpair *q, const struct cb_rec *rec)
{
	for (unsigned i = 0; i < 100000 && rec->calls == 0; i++)
		if (nvme_qpair_poll(q, 0) < 0)
			break;
	CHECK_EQ(rec->calls, 1);
}

/* The SQE the fast path writes, and the one a retry sends: every field but
 * the CID is the same, and the fields the slot does not keep are zero even
 * when the slot last held a command that had them set. */
static void hotpath_retry_sqe(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	REQUIRE(q);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);

	/* Poison the slot the read will take (free slots are a stack: the one
	 * just freed is taken next): a passthrough Flush with every field the
	 * Read leaves zero set. */
	struct nvme_sqe p;
	memset(&p, 0, sizeof(p));
	p.opc = NVME_CMD_FLUSH;
	p.nsid = 1;
	p.cdw2 = 0x22222222u;
	p.cdw3 = 0x33333333u;
	p.mptr = 0x4444444444444440ull;
	p.dptr.prp.prp2 = 0x5555555555555000ull;
	p.cdw13 = 0xDDu;
	p.cdw14 = 0xEEEEEEEEu;
	p.cdw15 = 0xFFFFFFFFu;
	struct cb_rec r0 = { 0 };
	CHECK_OK(nvme_io_passthru_async(q, &p, NULL, 0, cb_record, &r0));
	wait_rec(q, &r0);
	CHECK_EQ(r0.status, 0);

	/* The read fails once with a retryable status (DNR clear, no CRD) */
	struct nvme_model_fault fr = { 0 };
	fr.kind = NVME_MODEL_FAULT_STATUS;
	fr.qid = 1;
	fr.opc = NVME_CMD_READ;
	fr.count = 1;
	fr.sf = NVME_MODEL_SF(NVME_SCT_GENERIC, NVME_SC_INTERNAL_ERROR);
	REQUIRE(nvme_model_fault_add(f.m, &fr) >= 0);

	uint32_t t0 = q->sq_tail;
	struct nvme_qpair_stats s0, s1;
	nvme_qpair_stats_get(q, &s0);
	struct cb_rec r1 = { 0 };
	CHECK_OK(nvme_read_async(fx_ns1(&f), q, 0x1234u, 8, b, cb_record, &r1));
	wait_rec(q, &r1);
	CHECK_EQ(r1.status, 0);
	CHECK_EQ(nvme_model_fault_fired(f.m, 0), 1);
	nvme_qpair_stats_get(q, &s1);
	CHECK_EQ(s1.retries - s0.retries, 1);
	CHECK_EQ(s1.submitted - s0.submitted, 2);
	CHECK_EQ(s1.bounced - s0.bounced, 0);

	/* both attempts, as they are still in the ring */
	const struct nvme_sqe *a = &q->sq[t0];
	const struct nvme_sqe *c = &q->sq[(t0 + 1u) % q->depth];
	uint64_t phys = host_env_bus_addr(f.env, b);
	REQUIRE(phys != 0);
	for (int i = 0; i < 2; i++) {
		const struct nvme_sqe *e = i == 0 ? a : c;
		CHECK_EQ(e->opc, NVME_CMD_READ);
		CHECK_EQ(e->flags, 0);
		CHECK_EQ(e->nsid, 1);
		CHECK_EQ(e->cdw2, 0);
		CHECK_EQ(e->cdw3, 0);
		CHECK_EQ(e->mptr, 0);
		CHECK_EQ(e->dptr.prp.prp1, phys);
		CHECK_EQ(e->dptr.prp.prp2, 0);
		CHECK_EQ(e->cdw10, 0x1234u);
		CHECK_EQ(e->cdw11, 0);
		CHECK_EQ(e->cdw12, 7);
		CHECK_EQ(e->cdw13, 0);
		CHECK_EQ(e->cdw14, 0);
		CHECK_EQ(e->cdw15, 0);
	}
	/* same slot (index bits), a new generation */
	CHECK(a->cid != c->cid);
	CHECK_EQ(a->cid & q->cid_mask, c->cid & q->cid_mask);
	struct nvme_sqe x = *a, y = *c;
	x.cid = y.cid = 0;
	CHECK_EQ(mem_diff(&x, &y, sizeof(x)), -1);
	fx_buf_free(&f, b);
}

/* Buffers the fast path does not take go the general way and still move
 * the right data: not dword aligned (bounce), crossing a page (PRP2),
 * untranslatable (bounce), beyond dma_limit (bounce); a write then a read
 * of each, compared. */
static void hotpath_fallbacks(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.fake_phys = true;
	f.ecfg.dma_limit = 1ull << 40;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	REQUIRE(q);
	static const struct {
		size_t off;
		unsigned flags;
		uint32_t blocks;
		unsigned bounced;
		const char *what;
	} cases[] = {
		{ 0, 0, 8, 0, "page aligned 4 KiB (fast path)" },
		{ 512, 0, 2, 0, "inside a page (fast path)" },
		{ 2, 0, 1, 2, "not dword aligned" },
		{ 2048, 0, 8, 0, "crossing a page" },
		{ 0, HOST_BUF_UNMAPPED, 8, 2, "untranslatable" },
		{ 0, HOST_BUF_HIGH, 8, 2, "beyond dma_limit" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = (size_t)cases[i].blocks * 512u;
		uint8_t *w = fx_buf(&f, len, cases[i].off, cases[i].flags);
		uint8_t *r = fx_buf(&f, len, cases[i].off, cases[i].flags);
		REQUIRE(w && r);
		fill_pattern(w, len, 100 + i);
		memset(r, 0, len);
		struct nvme_qpair_stats s0, s1;
		nvme_qpair_stats_get(q, &s0);
		struct cb_rec rw = { 0 }, rr = { 0 };
		uint64_t lba = 1000 + 16 * i;
		CHECK_OK(nvme_write_async(fx_ns1(&f), q, lba, cases[i].blocks, w, cb_record, &rw));
		wait_rec(q, &rw);
		CHECK_OK(nvme_read_async(fx_ns1(&f), q, lba, cases[i].blocks, r, cb_record, &rr));
		wait_rec(q, &rr);
		nvme_qpair_stats_get(q, &s1);
		if (rw.status != 0 || rr.status != 0 || mem_diff(w, r, len) != -1)
			check_fail(__FILE__, __LINE__, "%s: write %s, read %s, data %s", cases[i].what, st(rw.status),
				   st(rr.status), mem_diff(w, r, len) == -1 ? "same" : "differs");
		CHECK_EQ(s1.bounced - s0.bounced, cases[i].bounced);
		CHECK_EQ(s1.submitted - s0.submitted, 2);
		CHECK_EQ(s1.in_flight, 0);
		fx_buf_free(&f, w);
		fx_buf_free(&f, r);
	}
}

/* Every refusal: the error the general path documents, in its order, and
 * nothing submitted. */
static void hotpath_refusals(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_depth = 4;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	struct nvme_qpair *aq = nvme_ctrl_admin_qpair(f.c);
	REQUIRE(q && aq);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *b = fx_buf(&f, 8192, 0, 0);
	struct cb_rec r = { 0 };
	struct nvme_qpair_stats s0, s1;
	nvme_qpair_stats_get(q, &s0);

	CHECK_RC(nvme_read_async(NULL, q, 0, 1, b, cb_record, &r), NVME_ERR_INVAL);
	CHECK_RC(nvme_read_async(ns, aq, 0, 1, b, cb_record, &r), NVME_ERR_BAD_QUEUE);
	CHECK_RC(nvme_read_async(ns, q, 0, 0, b, cb_record, &r), NVME_ERR_INVAL);
	CHECK_RC(nvme_read_async(ns, q, ns->size, 1, b, cb_record, &r), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_read_async(ns, q, ns->size - 1, 2, b, cb_record, &r), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_read_async(ns, q, UINT64_MAX, 2, b, cb_record, &r), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_read_async(ns, q, 0, 1, NULL, cb_record, &r), NVME_ERR_INVAL);
	CHECK_RC(nvme_read_async(ns, q, 0, ns->max_blocks + 1, b, cb_record, &r), NVME_ERR_TOO_LARGE);
	/* range before buffer before size, as documented */
	CHECK_RC(nvme_read_async(ns, q, ns->size, 0, NULL, cb_record, &r), NVME_ERR_INVAL);
	CHECK_RC(nvme_read_async(ns, q, ns->size, 1, NULL, cb_record, &r), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_read_async(ns, q, 0, ns->max_blocks + 1, NULL, cb_record, &r), NVME_ERR_INVAL);
	/* a namespace struct that is not (or no longer) the driver's: NSID 0
	 * or unusable, as the driver's scan would leave it (no fast path:
	 * cmdset.fast_blocks and fast_max 0, which is how the fast path checks
	 * both), and
	 * one of another controller */
	struct nvme_ns copy = *ns;
	copy.nsid = 0;
	copy.cmdset.fast_blocks = 0;
	copy.cmdset.fast_max = 0;
	CHECK_RC(nvme_read_async(&copy, q, 0, 1, b, cb_record, &r), NVME_ERR_INVAL);
	copy = *ns;
	copy.ctrl = NULL;
	CHECK_RC(nvme_read_async(&copy, q, 0, 1, b, cb_record, &r), NVME_ERR_INVAL);
	copy = *ns;
	copy.unusable = NVME_ERR_UNSUPPORTED;
	copy.cmdset.fast_blocks = 0;
	copy.cmdset.fast_max = 0;
	CHECK_RC(nvme_read_async(&copy, q, 0, 1, b, cb_record, &r), NVME_ERR_UNSUPPORTED);
	/* the scan's value: the namespace's size, no fast path for an unusable one */
	CHECK_EQ(ns->cmdset.fast_blocks, ns->size);
	CHECK_EQ(ns->cmdset.fast_max, ns->max_blocks);
	nvme_qpair_stats_get(q, &s1);
	CHECK_EQ(s1.submitted, s0.submitted);
	CHECK_EQ(s1.in_flight, 0);
	CHECK_EQ(r.calls, 0);

	/* NULL queue: the default one (general path) */
	CHECK_OK(nvme_read_async(ns, NULL, 0, 1, b, cb_record, &r));
	wait_rec(q, &r);

	/* full queue: three slots held by the device */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec h[3];
	memset(h, 0, sizeof(h));
	for (unsigned i = 0; i < 3; i++)
		CHECK_OK(nvme_read_async(ns, q, i, 1, b + 512 * i, cb_record, &h[i]));
	CHECK_RC(nvme_read_async(ns, q, 3, 1, b, cb_record, &r), NVME_ERR_QUEUE_FULL);
	CHECK_RC(nvme_write_async(ns, q, 3, 1, b, cb_record, &r), NVME_ERR_QUEUE_FULL);
	CHECK_EQ(nvme_model_release(f.m, ~0u), 3);
	nvme_model_set_defer(f.m, 0, 0);
	for (unsigned i = 0; i < 100 && h[0].calls + h[1].calls + h[2].calls < 3; i++)
		(void)nvme_qpair_poll(q, 0);
	CHECK_EQ(h[0].calls + h[1].calls + h[2].calls, 3);

	/* a controller that is not ready: its state's error, nothing sent */
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	nvme_qpair_stats_get(q, &s0);
	CHECK_RC(nvme_read_async(ns, q, 0, 1, b, cb_record, &r), NVME_ERR_NOT_READY);
	CHECK_RC(nvme_qpair_poll(q, 0), NVME_ERR_NOT_READY);
	nvme_qpair_stats_get(q, &s1);
	CHECK_EQ(s1.submitted, s0.submitted);
	fx_buf_free(&f, b);
}

/* Completions the fast path must not take: they are counted, ignored or
 * completed the general way, and a late duplicate of a fast completion is
 * stale. */
static void hotpath_cqe_checks(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	REQUIRE(q);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	struct cb_rec r = { 0 };
	CHECK_OK(nvme_read_async(fx_ns1(&f), q, 0, 8, b, cb_record, &r));
	wait_rec(q, &r);
	uint16_t cid = r.cqe.cid;
	struct nvme_qpair_stats s0, s1;
	nvme_qpair_stats_get(q, &s0);
	/* the same CQE again (a duplicate), a CID beyond the slots, a foreign
	 * SQID: each ignored and counted, no callback */
	CHECK_EQ(nvme_model_inject_cqe(f.m, 1, 1, cid, 0, 0), 0);
	CHECK_EQ(nvme_model_inject_cqe(f.m, 1, 1, (uint16_t)(q->nslots | (cid & ~q->cid_mask)), 0, 0), 0);
	CHECK_EQ(nvme_model_inject_cqe(f.m, 1, 2, cid, 0, 0), 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	nvme_qpair_stats_get(q, &s1);
	CHECK_EQ(s1.bad_completions - s0.bad_completions, 3);
	CHECK_EQ(s1.stale_completions - s0.stale_completions, 1);
	CHECK_EQ(r.calls, 1);
	/* an error status goes the general way: the callback gets it */
	struct nvme_model_fault fr = { 0 };
	fr.kind = NVME_MODEL_FAULT_STATUS;
	fr.qid = 1;
	fr.opc = NVME_CMD_READ;
	fr.count = 1;
	fr.sf = (uint16_t)(NVME_MODEL_SF(NVME_SCT_GENERIC, NVME_SC_INTERNAL_ERROR) | NVME_MODEL_SF_DNR);
	REQUIRE(nvme_model_fault_add(f.m, &fr) >= 0);
	struct cb_rec r2 = { 0 };
	CHECK_OK(nvme_read_async(fx_ns1(&f), q, 0, 8, b, cb_record, &r2));
	wait_rec(q, &r2);
	CHECK(nvme_status_is(r2.status, NVME_SCT_GENERIC, NVME_SC_INTERNAL_ERROR));
	CHECK(nvme_status_dnr(r2.status));
	fx_buf_free(&f, b);
	f.check_model_errors = false;   /* the injected CQEs are not the model's own */
}

static const struct check_test tests[] = {
	CHECK_TEST(hotpath_retry_sqe),
	CHECK_TEST(hotpath_fallbacks),
	CHECK_TEST(hotpath_refusals),
	CHECK_TEST(hotpath_cqe_checks),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
