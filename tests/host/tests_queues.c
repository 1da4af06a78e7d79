/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_queues.c - queue wrap-around and phase flips over many thousands of
 * commands (sync, async, admin), out-of-order completion, full queues,
 * batching, queue pair create/delete, set queue count, timeouts and late
 * completions, per-queue statistics, the queue pairs allowed and granted.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

/* Sync writes then reads through a queue of `depth` entries, n commands. */
static void sync_wrap(uint32_t depth, unsigned n)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_depth = depth;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	REQUIRE(q);
	CHECK_EQ(nvme_qpair_depth(q), depth);
	CHECK_EQ(nvme_model_sq_size(f.m, 1), depth);
	uint8_t *w = fx_buf(&f, 1024, 0, 0), *r = fx_buf(&f, 1024, 0, 0);
	for (unsigned i = 0; i < n; i++) {
		uint64_t lba = (i * 7u) % 65000u;
		fill_pattern(w, 1024, i);
		int rc = nvme_write(fx_ns1(&f), q, lba, 2, w);
		if (rc == 0)
			rc = nvme_read(fx_ns1(&f), q, lba, 2, r);
		if (rc != 0 || memcmp(w, r, 1024) != 0) {
			check_fail(__FILE__, __LINE__, "depth %u command pair %u: %s%s", depth, i, st(rc),
				   rc == 0 ? " (data differs)" : "");
			break;
		}
	}
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.submitted, 2ull * n);
	CHECK_EQ(s.completed, 2ull * n);
	CHECK_EQ(s.errors, 0);
	CHECK_EQ(s.reaped, 2ull * n);
	CHECK_EQ(s.bad_completions, 0);
	CHECK_EQ(s.in_flight, 0);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, 2ull * n);
	CHECK_EQ(nvme_model_stats(f.m)->cq_full_stalls, 0);
	/* the CQ head doorbell is written (or the model would stall) */
	CHECK(s.cq_doorbells >= 2ull * n / depth);
	fx_buf_free(&f, w);
	fx_buf_free(&f, r);
	fx_finish(&f);
}

static void queue_wrap_sync(void)
{
	sync_wrap(2, 5000);     /* one slot: every command flips through both entries */
	sync_wrap(3, 5000);
	sync_wrap(7, 5000);
	sync_wrap(256, 3000);
	sync_wrap(1024, 1200);  /* wraps once */
}

static void queue_wrap_admin(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.admin_queue_depth = 2;
	fx_up(&f);
	CHECK_EQ(NVME_GET(nvme_model_aqa(f.m), NVME_AQA_ASQS), 1);
	for (unsigned i = 0; i < 3000; i++) {
		uint32_t nsq = 0, ncq = 0;
		int rc = nvme_get_num_queues(f.c, &nsq, &ncq);
		if (rc != 0 || nsq != 64 || ncq != 64) {
			check_fail(__FILE__, __LINE__, "admin command %u: %s, %u/%u", i, st(rc), nsq, ncq);
			break;
		}
	}
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(nvme_ctrl_admin_qpair(f.c), &s);
	CHECK(s.completed >= 3000);
	CHECK_EQ(s.bad_completions, 0);
	/* I/O still works after thousands of admin phase flips */
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	CHECK_OK(nvme_read(fx_ns1(&f), NULL, 0, 1, b));
	fx_buf_free(&f, b);
}

struct async_ctx {
	unsigned done, errors, in_flight;
	unsigned *seen;       /* completions per request */
};

struct async_req {
	struct async_ctx *ctx;
	unsigned id;
};

static void async_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct async_req *r = arg;
	(void)cqe;
	r->ctx->done++;
	r->ctx->in_flight--;
	r->ctx->seen[r->id]++;
	if (status != 0)
		r->ctx->errors++;
}

/* n async reads, keeping up to `window` in flight; completions held by the
 * model and released out of order in bursts. */
static void async_wrap(uint32_t depth, unsigned n, unsigned window, bool out_of_order)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_depth = depth;
	fx_up(&f);
	if (out_of_order)
		nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	struct async_ctx ctx = { 0, 0, 0, calloc(n, sizeof(unsigned)) };
	struct async_req *reqs = calloc(n, sizeof(*reqs));
	uint8_t *buf = fx_buf(&f, 512 * (size_t)window, 0, 0);
	unsigned next = 0, spins = 0;
	uint64_t rnd = 12345;
	while (ctx.done < n && spins < 10u * n + 1000u) {
		spins++;
		while (next < n && ctx.in_flight < window) {
			reqs[next].ctx = &ctx;
			reqs[next].id = next;
			int rc = nvme_read_async(fx_ns1(&f), q, next % 60000, 1, buf + 512 * (next % window), async_cb,
						 &reqs[next]);
			if (rc == NVME_ERR_QUEUE_FULL)
				break;
			if (rc != 0) {
				check_fail(__FILE__, __LINE__, "submit %u: %s", next, st(rc));
				goto out;
			}
			ctx.in_flight++;
			next++;
		}
		if (out_of_order) {
			/* release a pseudo-random subset in random order */
			unsigned held = nvme_model_held(f.m);
			unsigned k = held ? (unsigned)(rnd % held) + 1 : 0;
			for (unsigned i = 0; i < k; i++) {
				rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
				unsigned h = nvme_model_held(f.m);
				if (!h)
					break;
				nvme_model_release_nth(f.m, (unsigned)(rnd >> 33) % h);
			}
		}
		int got = nvme_qpair_poll(q, 0);
		if (got < 0) {
			check_fail(__FILE__, __LINE__, "poll: %s", st(got));
			goto out;
		}
	}
	CHECK_EQ(ctx.done, n);
	CHECK_EQ(ctx.errors, 0);
	for (unsigned i = 0; i < n; i++)
		if (ctx.seen[i] != 1) {
			check_fail(__FILE__, __LINE__, "request %u completed %u times", i, ctx.seen[i]);
			break;
		}
	CHECK_EQ(nvme_qpair_in_flight(q), 0);
	CHECK_EQ(nvme_qpair_free_slots(q), depth - 1);
	/* the CQ head is published late (nvme_q_cq_consumed) but never so late
	 * that the device finds the CQ full: it never waited for room */
	CHECK_EQ(nvme_model_stats(f.m)->cq_full_stalls, 0);
	if (!out_of_order && window < depth / 2u) {
		/* a doorbell per pass would be about n / window; one per half CQ
		 * is about n / (depth / 2) */
		struct nvme_qpair_stats qs;
		nvme_qpair_stats_get(q, &qs);
		CHECK(qs.cq_doorbells <= n / (depth / 2u) + 1u);
	}
	if (out_of_order)
		CHECK(nvme_model_stats(f.m)->max_in_flight >= (window < depth - 1 ? window : depth - 1) - 1);
out:
	free(ctx.seen);
	free(reqs);
	fx_buf_free(&f, buf);
	fx_finish(&f);
}

static void queue_wrap_async(void)
{
	async_wrap(16, 20000, 15, false);
	async_wrap(16, 20000, 15, true);
	async_wrap(4, 10000, 3, true);
	async_wrap(2, 3000, 1, true);
	async_wrap(64, 20000, 100, true);   /* more requests than slots: QUEUE_FULL handled */
	async_wrap(256, 20000, 32, false);  /* the CQ head once per 128 entries */
}

static void queue_full_and_batch(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_depth = 4;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	uint8_t *b = fx_buf(&f, 4 * 512, 0, 0);
	struct cb_rec rec[4];
	memset(rec, 0, sizeof(rec));
	for (unsigned i = 0; i < 3; i++)
		CHECK_OK(nvme_read_async(fx_ns1(&f), q, i, 1, b + 512 * i, cb_record, &rec[i]));
	CHECK_EQ(nvme_qpair_in_flight(q), 3);
	CHECK_EQ(nvme_qpair_free_slots(q), 0);
	CHECK_RC(nvme_read_async(fx_ns1(&f), q, 3, 1, b + 512 * 3, cb_record, &rec[3]), NVME_ERR_QUEUE_FULL);
	CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	CHECK_EQ(nvme_model_release(f.m, 2), 2);
	CHECK_EQ(nvme_qpair_poll(q, 0), 2);
	CHECK_EQ(rec[0].calls + rec[1].calls, 2);
	CHECK_EQ(rec[2].calls, 0);
	CHECK_EQ(nvme_model_release(f.m, ~0u), 1);
	CHECK_EQ(nvme_qpair_poll(q, 1), 1);
	CHECK_EQ(rec[2].calls, 1);
	CHECK(rec[2].had_cqe && rec[2].status == 0);
	/* poll with max: reap at most max */
	nvme_model_set_defer(f.m, 0, 0);
	memset(rec, 0, sizeof(rec));
	nvme_qpair_batch_begin(q);
	uint64_t dbs = nvme_model_stats(f.m)->sq_doorbells;
	for (unsigned i = 0; i < 3; i++)
		CHECK_OK(nvme_read_async(fx_ns1(&f), q, i, 1, b + 512 * i, cb_record, &rec[i]));
	/* nothing reached the device yet: the doorbell rings once, at the end */
	CHECK_EQ(nvme_model_stats(f.m)->sq_doorbells, dbs);
	nvme_qpair_batch_begin(q);   /* nested */
	nvme_qpair_batch_end(q);
	CHECK_EQ(nvme_model_stats(f.m)->sq_doorbells, dbs);
	nvme_qpair_batch_end(q);
	CHECK_EQ(nvme_model_stats(f.m)->sq_doorbells, dbs + 1);
	CHECK_EQ(nvme_qpair_poll(q, 1), 1);
	CHECK_EQ(nvme_qpair_poll(q, 0), 2);
	CHECK_EQ(rec[0].calls + rec[1].calls + rec[2].calls, 3);
	/* a synchronous call inside a batch still rings (else it would hang) */
	nvme_qpair_batch_begin(q);
	CHECK_OK(nvme_read(fx_ns1(&f), q, 0, 1, b));
	nvme_qpair_batch_end(q);
	fx_buf_free(&f, b);
}

/* With recovery off (cfg.no_recovery): the timed-out command keeps its
 * CID until it completes late or a reset. (Recovery: tests_recovery.c.) */
static void queue_timeout_and_late_completion(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	f.cfg.io_timeout_ms = 20;
	f.cfg.io_queue_depth = 4;
	f.cfg.no_recovery = true;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	uint64_t t0 = f.env->now;
	CHECK_RC(nvme_read(fx_ns1(&f), q, 0, 1, b), NVME_ERR_TIMEOUT);
	CHECK((f.env->now - t0) >= 20000);
	/* the slot stays reserved: the device may still DMA into the buffer */
	CHECK_EQ(nvme_qpair_in_flight(q), 1);
	CHECK_EQ(nvme_qpair_free_slots(q), 2);
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.timeouts, 1);
	/* late completion: reaped, slot freed, nobody called back */
	CHECK_EQ(nvme_model_release(f.m, ~0u), 1);
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	CHECK_EQ(nvme_qpair_in_flight(q), 0);
	CHECK_OK(nvme_read(fx_ns1(&f), q, 0, 1, b));
	/* three timeouts fill the queue; a reset gives the slots back */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	for (int i = 0; i < 3; i++)
		CHECK_RC(nvme_read(fx_ns1(&f), q, 0, 1, b), NVME_ERR_TIMEOUT);
	CHECK_EQ(nvme_qpair_free_slots(q), 0);
	CHECK_RC(nvme_read(fx_ns1(&f), q, 0, 1, b), NVME_ERR_TIMEOUT);
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_OK(nvme_ctrl_reset(f.c));
	q = nvme_ctrl_io_qpair(f.c, 0);
	CHECK_EQ(nvme_qpair_free_slots(q), 3);
	CHECK_OK(nvme_read(fx_ns1(&f), q, 0, 1, b));
	fx_buf_free(&f, b);
}

static void queue_create_delete(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.max_io_sq = 6;
	f.mcfg.max_io_cq = 6;
	f.mcfg.mqes = 63;
	f.mcfg.msix_vectors = 8;
	f.cfg.io_queue_count = 6;
	f.cfg.io_queue_depth = 8;
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 6);
	CHECK_OK(nvme_qpair_delete(f.c, 3));
	CHECK(nvme_ctrl_io_qpair(f.c, 2) == NULL);
	CHECK(!nvme_model_sq_exists(f.m, 3) && !nvme_model_cq_exists(f.m, 3));
	CHECK_RC(nvme_qpair_delete(f.c, 3), NVME_ERR_BAD_QUEUE);
	CHECK_RC(nvme_qpair_delete(f.c, 0), NVME_ERR_BAD_QUEUE);
	CHECK_RC(nvme_qpair_create(f.c, 2, 8, NULL), NVME_ERR_BAD_QUEUE);     /* exists */
	CHECK_RC(nvme_qpair_create(f.c, 7, 8, NULL), NVME_ERR_BAD_QUEUE);     /* not granted */
	CHECK_RC(nvme_qpair_create(f.c, 0, 8, NULL), NVME_ERR_BAD_QUEUE);
	struct nvme_qpair_opts o = { .interrupts = true, .vector = 5, .priority = NVME_QPRIO_HIGH };
	CHECK_OK(nvme_qpair_create(f.c, 3, 5000, &o));
	CHECK_EQ(nvme_model_sq_size(f.m, 3), 64);   /* clamped to MQES + 1 */
	CHECK_EQX(nvme_model_cq_irq(f.m, 3), 0x10005u);            /* IEN=1, IV=5 */
	CHECK_EQ(nvme_model_sq_prio(f.m, 3), NVME_QPRIO_HIGH);
	CHECK_EQX(nvme_model_cq_irq(f.m, 2), 0);                   /* polled: IEN=0, IV=0 */
	/* a vector the device does not have: its refusal comes back, nothing leaks */
	o.vector = 8;
	CHECK_OK(nvme_qpair_delete(f.c, 5));
	CHECK_DEV(nvme_qpair_create(f.c, 5, 8, &o), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_INTERRUPT_VECTOR);
	CHECK(nvme_ctrl_io_qpair(f.c, 4) == NULL);
	o.vector = 7;
	CHECK_OK(nvme_qpair_create(f.c, 5, 8, &o));
	CHECK_EQ(nvme_qpair_depth(nvme_ctrl_io_qpair(f.c, 2)), 64);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	for (uint32_t i = 0; i < 6; i++) {
		struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, i);
		REQUIRE(q);
		CHECK_EQ(nvme_qpair_id(q), i + 1);
		CHECK_OK(nvme_write(fx_ns1(&f), q, i, 8, b));
	}
	/* deleting a queue with commands in flight completes them as aborted */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec rec[2];
	memset(rec, 0, sizeof(rec));
	struct nvme_qpair *q4 = nvme_ctrl_io_qpair(f.c, 3);
	CHECK_OK(nvme_read_async(fx_ns1(&f), q4, 0, 1, b, cb_record, &rec[0]));
	CHECK_OK(nvme_read_async(fx_ns1(&f), q4, 1, 1, b + 512, cb_record, &rec[1]));
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_OK(nvme_qpair_delete(f.c, 4));
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_MSG(rec[i].status == NVME_ERR_ABORTED, "callback status %s, documented NVME_ERR_ABORTED",
			  st(rec[i].status));
	}
	CHECK_EQ(nvme_model_io_sq_count(f.m), 5);
	fx_buf_free(&f, b);
}

static void queue_set_count(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.max_io_sq = 5;
	f.mcfg.max_io_cq = 3;
	fx_up(&f);
	CHECK_OK(nvme_ctrl_set_io_queue_count(f.c, 2));
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 2);
	CHECK_EQ(nvme_model_io_sq_count(f.m), 2);
	CHECK_EQX(nvme_model_stats(f.m)->last_nq_request, 0x00010001u);
	/* asked 8, granted min(5 SQs, 3 CQs) = 3 pairs */
	CHECK_OK(nvme_ctrl_set_io_queue_count(f.c, 8));
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 3);
	CHECK_EQ(nvme_model_io_sq_count(f.m), 3);
	CHECK_EQX(nvme_model_stats(f.m)->last_nq_request, 0x00070007u);
	uint32_t nsq = 0, ncq = 0;
	CHECK_OK(nvme_get_num_queues(f.c, &nsq, &ncq));
	CHECK_EQ(nsq, 5);
	CHECK_EQ(ncq, 3);
	CHECK_OK(nvme_ctrl_set_io_queue_count(f.c, 0));
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 0);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	CHECK_RC(nvme_read(fx_ns1(&f), NULL, 0, 1, b), NVME_ERR_BAD_QUEUE);
	CHECK_RC(nvme_ctrl_set_io_queue_count(f.c, NVME_CFG_MAX_IO_QUEUES + 1), NVME_ERR_INVAL);
	CHECK_OK(nvme_ctrl_set_io_queue_count(f.c, 1));
	CHECK_OK(nvme_read(fx_ns1(&f), NULL, 0, 1, b));
	/* Set Features Number of Queues is accepted once per reset: a second
	 * one from the caller fails cleanly */
	CHECK_DEV(nvme_set_num_queues(f.c, 1, 1, NULL, NULL), NVME_SCT_GENERIC, NVME_SC_COMMAND_SEQUENCE_ERROR);
	CHECK_RC(nvme_set_num_queues(f.c, 0, 1, NULL, NULL), NVME_ERR_INVAL);
	CHECK_RC(nvme_set_num_queues(f.c, 65536, 1, NULL, NULL), NVME_ERR_INVAL);
	fx_buf_free(&f, b);
}

static void queue_stats(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	nvme_qpair_stats_reset(q);
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.submitted + s.completed + s.polls + s.sq_doorbells, 0);
	uint8_t *b = fx_buf(&f, 8192, 0, 0);
	for (int i = 0; i < 10; i++)
		CHECK_OK(nvme_write(fx_ns1(&f), q, 0, 16, b));
	/* a device error counts as completed with an error */
	struct nvme_sqe sqe;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_CMD_READ;
	sqe.nsid = 1;
	sqe.cdw10 = 70000;   /* beyond NSZE */
	CHECK_DEV(nvme_io_passthru(q, &sqe, b, 512, NULL), NVME_SCT_GENERIC, NVME_SC_LBA_OUT_OF_RANGE);
	/* unaligned buffer: bounced */
	CHECK_OK(nvme_read(fx_ns1(&f), q, 0, 1, b + 1));
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.submitted, 12);
	CHECK_EQ(s.completed, 12);
	CHECK_EQ(s.errors, 1);
	CHECK_EQ(s.sq_doorbells, 12);
	/* 12 CQ entries consumed of a 256-entry CQ: the head is published
	 * once more than half of it is (nvme_q_cq_consumed), not yet */
	CHECK_EQ(nvme_qpair_depth(q), 256);
	CHECK_EQ(s.cq_doorbells, 0);
	CHECK_EQ(s.reaped, 12);
	CHECK(s.polls >= s.polls_with_completions && s.polls_with_completions >= 1);
	CHECK_EQ(s.bounced, 1);
	CHECK_EQ(s.sgl_commands, 0);
	CHECK_EQ(s.timeouts, 0);
	CHECK(s.max_per_poll >= 1);
	CHECK_EQ(s.in_flight, 0);
	/* the model agrees */
	CHECK_EQ(nvme_model_stats(f.m)->writes, 10);
	CHECK_EQ(nvme_model_stats(f.m)->blocks_written, 160);
	nvme_qpair_stats_get(NULL, &s);
	CHECK_EQ(s.submitted, 0);
	CHECK_EQ(nvme_qpair_poll(NULL, 0), NVME_ERR_BAD_QUEUE);
	fx_buf_free(&f, b);
}

/* The I/O queue pairs the driver may use (NVME_CFG_MAX_IO_QUEUES) and
 * what the controller granted (the model: 64 SQs, 64 CQs). */
static void queue_max_and_grant(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_io_queue_max(f.c), 16);
	uint32_t nsq = 0, ncq = 0;
	nvme_ctrl_io_queue_grant(f.c, &nsq, &ncq);
	CHECK_EQ(nsq, 64);
	CHECK_EQ(ncq, 64);
}

static const struct check_test tests[] = {
	CHECK_TEST(queue_wrap_sync),
	CHECK_TEST(queue_wrap_admin),
	CHECK_TEST(queue_wrap_async),
	CHECK_TEST(queue_full_and_batch),
	CHECK_TEST(queue_timeout_and_late_completion),
	CHECK_TEST(queue_create_delete),
	CHECK_TEST(queue_set_count),
	CHECK_TEST(queue_stats),
	CHECK_TEST(queue_max_and_grant),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
