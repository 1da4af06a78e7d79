/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_idle.c - nvme_host.idle, the host's wait strategy for polled waits:
 * a synchronous command's wait calls it between empty polls, with the
 * queue's ID and the time waited so far (never decreasing within an
 * attempt, reaching the timeout when the device never answers); a
 * completion that appears while the host idles is reaped by the next poll;
 * with idle NULL the driver spins as before.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

struct idle_rec {
	struct fx *f;
	unsigned calls;
	uint16_t qid;
	bool qid_mixed;
	uint64_t first_us, last_us;
	bool went_back;
	unsigned release_after;    /* release the deferred command on this call (0: never) */
};

static struct idle_rec rec;

static void idle_cb(void *ctx, uint16_t qid, uint64_t waited_us)
{
	(void)ctx;
	if (rec.calls == 0) {
		rec.qid = qid;
		rec.first_us = waited_us;
	} else {
		if (qid != rec.qid)
			rec.qid_mixed = true;
		if (waited_us < rec.last_us)
			rec.went_back = true;
	}
	rec.last_us = waited_us;
	rec.calls++;
	if (rec.release_after != 0 && rec.calls == rec.release_after)
		nvme_model_release(rec.f->m, ~0u);   /* the device answers while the host idles */
}

/* A device that never answers: idle is called all the way to the timeout. */
static void idle_until_timeout(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	f.cfg.io_timeout_ms = 20;
	f.cfg.no_recovery = true;
	fx_up(&f);
	memset(&rec, 0, sizeof(rec));
	rec.f = &f;
	f.env->host.idle = idle_cb;
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	CHECK_RC(nvme_read(fx_ns1(&f), q, 0, 1, b), NVME_ERR_TIMEOUT);
	CHECK(rec.calls > 10);
	CHECK_EQ(rec.qid, 1);
	CHECK(!rec.qid_mixed);
	CHECK(!rec.went_back);
	CHECK(rec.first_us < 20000);
	/* the last call came within one clock read of the deadline */
	CHECK(rec.last_us + 2u * 50u >= 20000);
	CHECK(rec.last_us < 20000);
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_EQ(nvme_model_release(f.m, ~0u), 1);
	CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	f.env->host.idle = NULL;
	fx_buf_free(&f, b);
}

/* The completion appears during the 5th idle call: the next poll reaps
 * it, the command succeeds, idle is not called again. */
static void idle_then_completion(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	memset(&rec, 0, sizeof(rec));
	rec.f = &f;
	rec.release_after = 5;
	f.env->host.idle = idle_cb;
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *w = fx_buf(&f, 512, 0, 0), *r = fx_buf(&f, 512, 0, 0);
	fill_pattern(w, 512, 7);
	CHECK_OK(nvme_write(fx_ns1(&f), q, 3, 1, w));
	unsigned before = rec.calls;   /* the model answers at once: no idle needed */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	rec.calls = 0;
	CHECK_OK(nvme_read(fx_ns1(&f), q, 3, 1, r));
	CHECK_EQ(rec.calls, 5);
	CHECK(memcmp(w, r, 512) == 0);
	CHECK_EQ(before, 0);
	nvme_model_set_defer(f.m, 0, 0);
	f.env->host.idle = NULL;
	CHECK_OK(nvme_read(fx_ns1(&f), q, 3, 1, r));
	fx_buf_free(&f, w);
	fx_buf_free(&f, r);
}

static const struct check_test tests[] = {
	CHECK_TEST(idle_until_timeout),
	CHECK_TEST(idle_then_completion),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
