/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_shutdown.c - shutdown (normal and abrupt, bounded by RTD3E or
 * CAP.TO, fallback to abrupt), resume, reset and re-initialisation:
 * commands in flight, data kept, memory reused, Number of Queues set again,
 * repeated cycles without leaks; queue pairs while shut down.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

static void write_block(struct fx *f, uint64_t lba, uint64_t seed)
{
	uint8_t *b = fx_buf(f, 512, 0, 0);
	fill_pattern(b, 512, seed);
	CHECK_OK(nvme_write(nvme_ns_get(f->c, 1), NULL, lba, 1, b));
	fx_buf_free(f, b);
}

static void check_block(struct fx *f, uint64_t lba, uint64_t seed)
{
	uint8_t *b = fx_buf(f, 512, 0, 0), want[512];
	fill_pattern(want, 512, seed);
	CHECK_OK(nvme_read(nvme_ns_get(f->c, 1), NULL, lba, 1, b));
	CHECK_EQ(mem_diff(b, want, 512), -1);
	fx_buf_free(f, b);
}

/* SHN transitions as the model saw them, from the CC value it holds. */
static void shutdown_normal_and_resume(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 3;
	f.mcfg.shst_delay_polls = 5;
	fx_up(&f);
	write_block(&f, 7, 70);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	struct nvme_qpair *q2 = nvme_ctrl_io_qpair(f.c, 1);
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_SHUTDOWN);
	uint32_t cc = nvme_model_cc(f.m);
	CHECK_EQ(NVME_GET(cc, NVME_CC_SHN), NVME_CC_SHN_NORMAL);
	CHECK_EQ(NVME_GET(cc, NVME_CC_EN), 1);            /* EN stays 1 (QEMU requires it) */
	CHECK_EQ(NVME_GET(nvme_model_csts(f.m), NVME_CSTS_SHST), NVME_CSTS_SHST_COMPLETE);
	CHECK_EQ(nvme_model_io_sq_count(f.m), 0);          /* I/O queues deleted first */
	CHECK_EQ(nvme_model_io_cq_count(f.m), 0);
	CHECK_EQ(nvme_model_dirty_blocks(f.m, 1), 0);      /* the device flushed its cache */
	/* nothing is submitted to a shut-down controller */
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	uint64_t cmds = nvme_model_stats(f.m)->io_cmds + nvme_model_stats(f.m)->admin_cmds;
	CHECK_RC(nvme_read(ns, NULL, 0, 1, b), NVME_ERR_NOT_READY);
	uint32_t n;
	CHECK(nvme_get_num_queues(f.c, &n, &n) != 0);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds + nvme_model_stats(f.m)->admin_cmds, cmds);
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));          /* again: no-op */
	/* resume: same queue pairs, same namespace structs, data kept */
	unsigned long allocs = f.env->dma_allocs;
	unsigned nq0 = nvme_model_stats(f.m)->nq_set_count;
	CHECK_OK(nvme_ctrl_resume(f.c));
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_READY);
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 3);
	CHECK(nvme_ctrl_io_qpair(f.c, 1) == q2);
	CHECK(nvme_ns_get(f.c, 1) == ns);
	CHECK_EQ(f.env->dma_allocs, allocs);               /* queue memory reused */
	CHECK_EQ(nvme_model_stats(f.m)->nq_set_count, nq0 + 1);
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_SHN), 0);
	check_block(&f, 7, 70);
	CHECK_OK(nvme_read(ns, q2, 0, 1, b));
	fx_buf_free(&f, b);
}

static void shutdown_abrupt(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	write_block(&f, 1, 1);
	CHECK_OK(nvme_ctrl_shutdown(f.c, true));
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_SHN), NVME_CC_SHN_ABRUPT);
	CHECK_EQ(NVME_GET(nvme_model_csts(f.m), NVME_CSTS_SHST), NVME_CSTS_SHST_COMPLETE);
	CHECK_OK(nvme_ctrl_resume(f.c));
	check_block(&f, 1, 1);
}

static void shutdown_timeouts(void)
{
	static const struct { uint32_t rtd3e; uint8_t to; uint64_t normal_ms; } cases[] = {
		{ 2000000, 10, 2000 },   /* RTD3E 2 s bounds the normal shutdown */
		{ 0, 4, 2000 },          /* no RTD3E: CAP.TO (2 s) */
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		f.mcfg.rtd3e = cases[i].rtd3e;
		f.mcfg.to = cases[i].to;
		fx_up(&f);
		nvme_model_set_shst_never(f.m, true);
		uint64_t t0 = f.env->now;
		CHECK_RC(nvme_ctrl_shutdown(f.c, false), NVME_ERR_TIMEOUT);
		uint64_t ms = (f.env->now - t0) / 1000;
		uint64_t to_ms = cases[i].to * 500ull;
		/* normal attempt, then abrupt bounded by CAP.TO */
		CHECK_MSG(ms >= cases[i].normal_ms + to_ms && ms <= cases[i].normal_ms + to_ms + 200,
			  "case %u: shutdown gave up after %llu ms (normal %llu + CAP.TO %llu)", i,
			  (unsigned long long)ms, (unsigned long long)cases[i].normal_ms, (unsigned long long)to_ms);
		CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_SHN), NVME_CC_SHN_ABRUPT);
		CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_SHUTDOWN);
		/* power comes back: resume works */
		nvme_model_set_shst_never(f.m, false);
		CHECK_OK(nvme_ctrl_resume(f.c));
		fx_finish(&f);
	}
	/* the normal one times out, the abrupt fallback completes: success */
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.rtd3e = 1000000;
	fx_up(&f);
	nvme_model_set_shst_never_normal(f.m, true);
	uint64_t t0 = f.env->now;
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	CHECK((f.env->now - t0) / 1000 >= 1000);
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_SHN), NVME_CC_SHN_ABRUPT);
	CHECK_EQ(NVME_GET(nvme_model_csts(f.m), NVME_CSTS_SHST), NVME_CSTS_SHST_COMPLETE);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_SHUTDOWN);
	CHECK_OK(nvme_ctrl_resume(f.c));
}

static void shutdown_with_commands_in_flight(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 2;
	fx_up(&f);
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	struct cb_rec rec[4];
	memset(rec, 0, sizeof(rec));
	for (int i = 0; i < 4; i++)
		CHECK_OK(nvme_read_async(ns, nvme_ctrl_io_qpair(f.c, i & 1), (uint64_t)i, 1, b + 512 * i, cb_record,
					 &rec[i]));
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_OK(nvme_ctrl_shutdown(f.c, true));
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_RC(rec[i].status, NVME_ERR_ABORTED);
		CHECK(!rec[i].had_cqe);
	}
	CHECK_OK(nvme_ctrl_resume(f.c));
	/* reset with commands in flight */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	memset(rec, 0, sizeof(rec));
	for (int i = 0; i < 4; i++)
		CHECK_OK(nvme_read_async(ns, nvme_ctrl_io_qpair(f.c, i & 1), (uint64_t)i, 1, b + 512 * i, cb_record,
					 &rec[i]));
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_OK(nvme_ctrl_reset(f.c));
	/* reads may be repeated: the reset resubmitted them, they complete once */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(rec[i].calls, 0);
	for (uint32_t i = 0; i < 2; i++)
		CHECK_EQ(nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, i), 0), 2);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_RC(rec[i].status, 0);
	}
	for (uint32_t i = 0; i < 2; i++)
		CHECK_EQ(nvme_qpair_in_flight(nvme_ctrl_io_qpair(f.c, i)), 0);
	/* set_io_queue_count with commands in flight */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	memset(rec, 0, sizeof(rec));
	CHECK_OK(nvme_read_async(ns, nvme_ctrl_io_qpair(f.c, 1), 0, 1, b, cb_record, &rec[0]));
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_OK(nvme_ctrl_set_io_queue_count(f.c, 1));
	CHECK_EQ(rec[0].calls, 1);
	CHECK(rec[0].status != 0);
	/* normal shutdown with commands in flight: the callbacks run once */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	memset(rec, 0, sizeof(rec));
	CHECK_OK(nvme_read_async(ns, NULL, 0, 1, b, cb_record, &rec[0]));
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	CHECK_EQ(rec[0].calls, 1);
	CHECK(rec[0].status != 0);
	fx_buf_free(&f, b);
}

static void reset_cycles(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 4;
	fx_up(&f);
	write_block(&f, 3, 33);
	unsigned long allocs = f.env->dma_allocs;
	for (int i = 0; i < 50; i++) {
		int rc;
		switch (i % 3) {
		case 0: rc = nvme_ctrl_reset(f.c); break;
		case 1: rc = nvme_ctrl_shutdown(f.c, i & 1); if (rc == 0) rc = nvme_ctrl_resume(f.c); break;
		default: rc = nvme_ns_rescan(f.c); break;
		}
		if (rc != 0) {
			check_fail(__FILE__, __LINE__, "cycle %d: %s", i, st(rc));
			break;
		}
		check_block(&f, 3, 33);
	}
	CHECK_EQ(f.env->dma_allocs, allocs);   /* no allocation after init */
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 4);
	CHECK_EQ(nvme_model_io_sq_count(f.m), 4);
	/* the model saw exactly one Number of Queues per reset/resume */
	CHECK_EQ(nvme_model_stats(f.m)->nq_set_count, 1 + 17 + 17);
}

static void reset_failures(void)
{
	static struct fx f;
	/* re-enable fails (CFS): FAILED, and a later reset recovers */
	fx_defaults(&f);
	fx_up(&f);
	nvme_model_set_fail_enable(f.m, true);
	CHECK_RC(nvme_ctrl_reset(f.c), NVME_ERR_CTRL_FATAL);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_FAILED);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	CHECK_RC(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 1, b), NVME_ERR_CTRL_FATAL);
	nvme_model_set_fail_enable(f.m, false);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 1, b));
	/* resume where RDY never comes back: TIMEOUT, FAILED */
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	nvme_model_set_rdy_never(f.m, true);
	CHECK_RC(nvme_ctrl_resume(f.c), NVME_ERR_TIMEOUT);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_FAILED);
	nvme_model_set_rdy_never(f.m, false);
	CHECK_OK(nvme_ctrl_reset(f.c));
	/* disable never completes (RDY stuck at 1): bounded */
	nvme_model_set_rdy_stuck(f.m, true);
	CHECK_RC(nvme_ctrl_reset(f.c), NVME_ERR_TIMEOUT);
	nvme_model_set_rdy_stuck(f.m, false);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 1, b));
	fx_buf_free(&f, b);
	/* detach of a failed controller returns everything (checked at cleanup) */
	nvme_model_set_fail_enable(f.m, true);
	CHECK_RC(nvme_ctrl_reset(f.c), NVME_ERR_CTRL_FATAL);
}

/* A shut-down controller's queue pairs stay visible (not live): I/O on one
 * is refused until resume brings it back. */
static void shutdown_queue_pairs_stay_visible(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	REQUIRE(q != NULL);
	CHECK(!nvme_qpair_live(q));
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK(s.submitted == 0);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	CHECK_RC(nvme_read(nvme_ns_get(f.c, 2), q, 0, 1, b), NVME_ERR_NOT_READY);
	CHECK_OK(nvme_ctrl_resume(f.c));
	CHECK(nvme_qpair_live(nvme_ctrl_io_qpair(f.c, 0)));
	fx_buf_free(&f, b);
}

static const struct check_test tests[] = {
	CHECK_TEST(shutdown_normal_and_resume),
	CHECK_TEST(shutdown_abrupt),
	CHECK_TEST(shutdown_timeouts),
	CHECK_TEST(shutdown_with_commands_in_flight),
	CHECK_TEST(reset_cycles),
	CHECK_TEST(reset_failures),
	CHECK_TEST(shutdown_queue_pairs_stay_visible),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
