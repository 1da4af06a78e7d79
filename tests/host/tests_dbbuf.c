/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_dbbuf.c - shadow doorbells (Doorbell Buffer Config, OACS bit 8):
 * the EventIdx rule with 16-bit wrap-around, registration when offered and
 * only then, MMIO writes only when EventIdx asks for them, the no-progress
 * MMIO fallback when the device never looks, re-registration after a reset,
 * shadow slots of a queue created again, the switch that turns them off.
 * The model side: model/model_dbbuf.c (nvme_model_dbbuf.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "model/nvme_model_dbbuf.h"
#include "model/nvme_model_fault.h"
#include "nvme_internal.h"
#include "test_util.h"

static void dbbuf_fx(struct fx *f)
{
	fx_defaults(f);
	f->mcfg.oacs = (uint16_t)NVME_SET(NVME_OACS_DBBUF, 1);
}

static unsigned long done_count;
static int done_status;

static void done_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)arg;
	(void)cqe;
	done_count++;
	if (status != 0)
		done_status = status;
}

/* Reads of 8 blocks at depth qd, n in total, polling (and, when
 * device_polls, letting the model look at the shadow slots) until all
 * completed. Returns false if that does not happen within max_polls. */
static bool run_reads(struct fx *f, struct nvme_qpair *q, unsigned n, unsigned qd, bool device_polls,
		      unsigned long max_polls)
{
	struct nvme_ns *ns = nvme_ns_get(f->c, 1);
	uint8_t *buf = fx_buf(f, 4096u * qd, 0, 0);
	unsigned sent = 0;
	done_count = 0;
	done_status = 0;
	unsigned long polls = 0;
	while (done_count < n && polls < max_polls) {
		nvme_qpair_batch_begin(q);
		while (sent < n && sent - done_count < qd) {
			int rc = nvme_read_async(ns, q, (uint64_t)(sent * 8u) % 60000u, 8, buf + (size_t)(sent % qd) * 4096u,
						 done_cb, NULL);
			if (rc != 0) {
				check_fail(__FILE__, __LINE__, "submit %u: %s", sent, st(rc));
				nvme_qpair_batch_end(q);
				fx_buf_free(f, buf);
				return false;
			}
			sent++;
		}
		nvme_qpair_batch_end(q);
		if (device_polls)
			nvme_model_dbbuf_poll(f->m);
		if (nvme_qpair_poll(q, 0) < 0)
			break;
		polls++;
	}
	fx_buf_free(f, buf);
	CHECK_EQ(done_status, 0);
	return done_count == n;
}

/* ------------------------------------------------------------------------ */

static void dbbuf_need_event(void)
{
	/* (eventidx, new, old) -> ring? The device wants a write when the
	 * update moved the doorbell past EventIdx: EventIdx in [old, new). */
	CHECK(nvme_dbbuf_need_event(0, 1, 0));
	CHECK(nvme_dbbuf_need_event(5, 6, 5));
	CHECK(nvme_dbbuf_need_event(5, 10, 3));    /* inside the batch */
	CHECK(nvme_dbbuf_need_event(3, 10, 3));    /* at old */
	CHECK(!nvme_dbbuf_need_event(10, 10, 3));  /* at new: not crossed yet */
	CHECK(!nvme_dbbuf_need_event(2, 10, 3));   /* behind: the device still looks */
	CHECK(!nvme_dbbuf_need_event(20, 10, 3));  /* ahead: the device polls */
	CHECK(!nvme_dbbuf_need_event(4, 4, 4));    /* nothing moved */
	/* 16-bit wrap of the counters */
	CHECK(nvme_dbbuf_need_event(0xFFFF, 2, 0xFFFE));
	CHECK(nvme_dbbuf_need_event(0, 2, 0xFFFE));
	CHECK(nvme_dbbuf_need_event(1, 2, 0xFFFE));
	CHECK(!nvme_dbbuf_need_event(2, 2, 0xFFFE));
	CHECK(!nvme_dbbuf_need_event(0xFFFD, 2, 0xFFFE));
	/* queue-index wrap (indexes wrap at the queue size, not 2^16): old 250,
	 * new 3 in a 256-entry queue; an EventIdx in [250, 256) or [0, 3)
	 * asks for the write, one in [3, 250) does not */
	CHECK(nvme_dbbuf_need_event(250, 3, 250));
	CHECK(nvme_dbbuf_need_event(255, 3, 250));
	CHECK(nvme_dbbuf_need_event(0, 3, 250));
	CHECK(nvme_dbbuf_need_event(2, 3, 250));
	CHECK(!nvme_dbbuf_need_event(3, 3, 250));
	CHECK(!nvme_dbbuf_need_event(100, 3, 250));
	CHECK(!nvme_dbbuf_need_event(249, 3, 250));
	/* exhaustive against the definition for small counters: write iff
	 * eventidx is one of old, old+1, ..., new-1 (mod 2^16) */
	for (unsigned old = 0; old < 40; old++)
		for (unsigned step = 0; step < 40; step++)
			for (unsigned e = 0; e < 90; e++) {
				uint16_t o = (uint16_t)(old + 0xFFF0u), nw = (uint16_t)(o + step), ev = (uint16_t)(e + 0xFFF0u);
				bool in = (uint16_t)(ev - o) < step;
				CHECK_EQ(nvme_dbbuf_need_event(ev, nw, o), in);
			}
}

static void dbbuf_registered(void)
{
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	fx_up(&f);
	CHECK(nvme_ctrl_shadow_doorbells(f.c));
	uint64_t dbs, eis;
	REQUIRE(nvme_model_dbbuf_on(f.m, &dbs, &eis));
	CHECK_EQ(dbs & 4095u, 0);
	CHECK_EQ(eis & 4095u, 0);
	CHECK(dbs != eis);
	CHECK_EQ(nvme_model_dbbuf_configs(f.m), 1);
	CHECK(fx_roundtrip(&f, 1, 100, 8192, 0, 0, 0, 7, "with shadow doorbells"));
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	/* the CQ head is published once more than half the CQ is consumed
	 * (nvme_q_cq_consumed): enough reads for a few of those */
	CHECK(run_reads(&f, q, 600, 4, false, 100000));
	/* the shadow slots hold the driver's values (the CQ head as published) */
	CHECK_EQ(nvme_model_dbbuf_shadow(f.m, 1, false), q->sq_tail);
	CHECK_EQ(nvme_model_dbbuf_shadow(f.m, 1, true), q->cq_head_rung);
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK(s.sq_shadow >= 2);
	CHECK(s.cq_shadow >= 2);
	fx_finish(&f);
}

static void dbbuf_exact_eventidx_rings(void)
{
	/* EventIdx = the value just consumed (QEMU 7.2): every update of an
	 * idle device crosses it, so every one is also an MMIO write */
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	nvme_qpair_stats_reset(q);
	CHECK(run_reads(&f, q, 300, 1, false, 100000));
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.sq_shadow, 300);
	CHECK_EQ(s.sq_doorbells, 300);
	CHECK_EQ(s.cq_doorbells, s.cq_shadow);
	CHECK_EQ(s.db_kicks, 0);
	fx_finish(&f);
}

static void dbbuf_polling_device_no_mmio(void)
{
	/* A device that polls the shadow page (EventIdx kept behind): no MMIO
	 * write at all, through several wraps of the 256-entry rings. */
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	fx_up(&f);
	nvme_model_dbbuf_set_mode(f.m, NVME_MODEL_EVENTIDX_POLL);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	/* one round so the EventIdx slots hold "behind" values */
	CHECK(run_reads(&f, q, 4, 4, true, 1000));
	nvme_qpair_stats_reset(q);
	uint64_t model_sq_db = nvme_model_stats(f.m)->sq_doorbells;
	CHECK(run_reads(&f, q, 2000, 16, true, 100000));
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK(s.sq_shadow > 0);
	/* at a 16-bit wrap the rule may ask for a write; the 256-entry index
	 * never gets there, so: none */
	CHECK_EQ(s.sq_doorbells, 0);
	CHECK_EQ(s.cq_doorbells, 0);
	CHECK_EQ(nvme_model_stats(f.m)->sq_doorbells, model_sq_db);
	fx_finish(&f);
}

static void dbbuf_fallback_kick(void)
{
	/* The device never looks at the shadow page and EventIdx says "no
	 * MMIO needed" (the missed doorbell of QEMU 7.2 + Linux): the poll loop
	 * sees no progress and writes the MMIO doorbell itself. */
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	f.ecfg.clock_step_us = 20;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	nvme_model_dbbuf_set_mode(f.m, NVME_MODEL_EVENTIDX_POLL);
	CHECK(run_reads(&f, q, 2, 1, true, 1000));   /* EventIdx now "behind" */
	nvme_qpair_stats_reset(q);
	CHECK(run_reads(&f, q, 20, 4, false, 1000000));
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK(s.db_kicks >= 1);
	CHECK(s.sq_doorbells >= 1);
	CHECK_LE(s.sq_doorbells, s.db_kicks);   /* only the kicks wrote MMIO */
	CHECK_EQ(s.timeouts, 0);
	fx_finish(&f);
}

static void dbbuf_reset_reregisters(void)
{
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	CHECK(run_reads(&f, q, 37, 4, false, 10000));   /* tail away from 0 */
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK(nvme_ctrl_shadow_doorbells(f.c));
	CHECK_EQ(nvme_model_dbbuf_configs(f.m), 2);
	CHECK(nvme_model_dbbuf_on(f.m, NULL, NULL));
	q = nvme_ctrl_io_qpair(f.c, 0);
	/* the queue starts again at 0, in the shadow slot too */
	CHECK_EQ(nvme_model_dbbuf_shadow(f.m, 1, false), q->sq_tail);
	CHECK(run_reads(&f, q, 50, 8, false, 10000));
	CHECK(fx_roundtrip(&f, 1, 4000, 4096, 0, 0, 0, 9, "after reset"));
	/* shutdown and resume: registered again as well */
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	CHECK(!nvme_ctrl_shadow_doorbells(f.c) || nvme_ctrl_get_state(f.c) == NVME_CTRL_SHUTDOWN);
	CHECK_OK(nvme_ctrl_resume(f.c));
	CHECK(nvme_ctrl_shadow_doorbells(f.c));
	CHECK_EQ(nvme_model_dbbuf_configs(f.m), 3);
	CHECK(fx_roundtrip(&f, 1, 5000, 4096, 0, 0, 0, 10, "after resume"));
	fx_finish(&f);
}

static void dbbuf_queue_recreated(void)
{
	/* A queue deleted and created again must not inherit its
	 * predecessor's shadow tail (the device would fetch stale entries). */
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	f.cfg.io_queue_count = 2;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 1);
	CHECK(run_reads(&f, q, 21, 3, false, 10000));
	CHECK_NE(nvme_model_dbbuf_shadow(f.m, 2, false), 0);
	CHECK_OK(nvme_qpair_delete(f.c, 2));
	CHECK_OK(nvme_qpair_create(f.c, 2, 64, NULL));
	CHECK_EQ(nvme_model_dbbuf_shadow(f.m, 2, false), 0);
	q = nvme_ctrl_io_qpair(f.c, 1);
	CHECK(run_reads(&f, q, 100, 8, false, 10000));
	fx_finish(&f);
}

static void dbbuf_not_offered_or_off(void)
{
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	fx_defaults(&f);   /* OACS bit 8 clear */
	fx_up(&f);
	CHECK(!nvme_ctrl_shadow_doorbells(f.c));
	CHECK_EQ(nvme_model_dbbuf_configs(f.m), 0);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	CHECK(run_reads(&f, q, 10, 2, false, 10000));
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.sq_shadow, 0);
	CHECK(s.sq_doorbells > 0);
	fx_finish(&f);

	dbbuf_fx(&f);
	f.cfg.no_shadow_doorbells = true;
	fx_up(&f);
	CHECK(!nvme_ctrl_shadow_doorbells(f.c));
	CHECK_EQ(nvme_model_dbbuf_configs(f.m), 0);
	CHECK(fx_roundtrip(&f, 1, 10, 4096, 0, 0, 0, 3, "shadow doorbells off"));
	fx_finish(&f);
}

static void dbbuf_config_refused(void)
{
	/* The device fails Doorbell Buffer Config: MMIO doorbells, I/O works. */
	static struct fx f;   /* outlives the case: its cleanup runs after return */
	dbbuf_fx(&f);
	fx_start(&f);
	struct nvme_model_fault rule = { .kind = NVME_MODEL_FAULT_STATUS, .qid = 0,
					 .opc = NVME_ADMIN_DOORBELL_BUFFER_CONFIG,
					 .sf = NVME_MODEL_SF(0, NVME_SC_INVALID_FIELD) | NVME_MODEL_SF_DNR };
	REQUIRE(nvme_model_fault_add(f.m, &rule) >= 0);
	fx_up(&f);
	CHECK(!nvme_ctrl_shadow_doorbells(f.c));
	CHECK(host_env_log_contains(f.env, "Doorbell Buffer Config failed"));
	CHECK(fx_roundtrip(&f, 1, 10, 4096, 0, 0, 0, 4, "after a refused Doorbell Buffer Config"));
	fx_finish(&f);
}

static const struct check_test tests[] = {
	CHECK_TEST(dbbuf_need_event),
	CHECK_TEST(dbbuf_registered),
	CHECK_TEST(dbbuf_exact_eventidx_rings),
	CHECK_TEST(dbbuf_polling_device_no_mmio),
	CHECK_TEST(dbbuf_fallback_kick),
	CHECK_TEST(dbbuf_reset_reregisters),
	CHECK_TEST(dbbuf_queue_recreated),
	CHECK_TEST(dbbuf_not_offered_or_off),
	CHECK_TEST(dbbuf_config_refused),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
