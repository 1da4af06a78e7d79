/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_removal.c - what the test kernel's PCIe hot-plug removal relies on
 * (kernel/nvme/nvme_port.h, "Removal"), with many commands in flight on two
 * queue pairs:
 *   - the card gone (registers all-ones) mid-I/O: the poll notices, every
 *     command on every queue pair completes exactly once with
 *     NVME_ERR_DEVICE_GONE, and detach calls nothing again;
 *   - a removal request: a drain in which the device completes some (they
 *     complete normally), then the normal shutdown, whose queue deletions
 *     end the rest: each exactly once with an error, none twice, nothing
 *     sent to the shut-down controller, and detach calls nothing again.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define NCMD 8

static void submit_all(struct fx *f, uint8_t *b, struct cb_rec *rec)
{
	struct nvme_ns *ns = nvme_ns_get(f->c, 1);
	memset(rec, 0, sizeof(*rec) * NCMD);
	for (int i = 0; i < NCMD; i++) {
		struct nvme_qpair *q = nvme_ctrl_io_qpair(f->c, (uint32_t)(i & 1));
		if (i & 2)
			CHECK_OK(nvme_write_async(ns, q, (uint64_t)i, 1, b + 512 * i, cb_record, &rec[i]));
		else
			CHECK_OK(nvme_read_async(ns, q, (uint64_t)i, 1, b + 512 * i, cb_record, &rec[i]));
	}
	CHECK_EQ(nvme_qpair_in_flight(nvme_ctrl_io_qpair(f->c, 0)) + nvme_qpair_in_flight(nvme_ctrl_io_qpair(f->c, 1)),
		 NCMD);
}

static void removal_card_gone_many_in_flight(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	f.cfg.io_timeout_ms = 50;
	f.cfg.io_queue_count = 2;
	fx_up(&f);
	uint8_t *b = fx_buf(&f, 512 * NCMD, 0, 0);
	struct cb_rec rec[NCMD];
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	submit_all(&f, b, rec);
	nvme_model_set_gone(f.m, true);
	/* polling one queue pair notices; the driver fails every queue pair */
	int rc = 0;
	for (int k = 0; k < 200 && rc >= 0; k++)
		rc = nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0);
	CHECK_RC(rc, NVME_ERR_DEVICE_GONE);
	for (int i = 0; i < NCMD; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_RC(rec[i].status, NVME_ERR_DEVICE_GONE);
		CHECK(!rec[i].had_cqe);
	}
	CHECK_EQ(nvme_qpair_in_flight(nvme_ctrl_io_qpair(f.c, 1)), 0);
	CHECK_RC(nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 1), 0), NVME_ERR_DEVICE_GONE);
	nvme_ctrl_detach(f.c);
	for (int i = 0; i < NCMD; i++)
		CHECK_EQ(rec[i].calls, 1);
	fx_buf_free(&f, b);
	fx_finish(&f);
}

static void removal_drain_then_shutdown(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 2;
	fx_up(&f);
	uint8_t *b = fx_buf(&f, 512 * NCMD, 0, 0);
	struct cb_rec rec[NCMD];
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	submit_all(&f, b, rec);
	/* the drain: the device completes three, the host reaps them */
	CHECK_EQ(nvme_model_release(f.m, 3), 3);
	int reaped = 0;
	for (uint32_t q = 0; q < 2; q++) {
		int n = nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, q), 0);
		CHECK(n >= 0);
		reaped += n;
	}
	CHECK_EQ(reaped, 3);
	/* the shutdown ends the other five */
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	unsigned ok = 0, failed = 0;
	for (int i = 0; i < NCMD; i++) {
		CHECK_EQ(rec[i].calls, 1);
		if (rec[i].status == 0)
			ok++;
		else
			failed++;
	}
	CHECK_EQ(ok, 3);
	CHECK_EQ(failed, NCMD - 3);
	CHECK_EQ(nvme_qpair_in_flight(nvme_ctrl_io_qpair(f.c, 0)) + nvme_qpair_in_flight(nvme_ctrl_io_qpair(f.c, 1)),
		 0);
	/* a late completion from the device is not delivered twice, and a
	 * new submission is refused at once */
	nvme_model_set_defer(f.m, 0, 0);
	(void)nvme_model_release(f.m, ~0u);
	struct cb_rec late = { 0 };
	CHECK_RC(nvme_read_async(nvme_ns_get(f.c, 1), NULL, 0, 1, b, cb_record, &late), NVME_ERR_NOT_READY);
	CHECK_EQ(late.calls, 0);
	nvme_ctrl_detach(f.c);
	for (int i = 0; i < NCMD; i++)
		CHECK_EQ(rec[i].calls, 1);
	fx_buf_free(&f, b);
	fx_finish(&f);
}

static const struct check_test tests[] = {
	CHECK_TEST(removal_card_gone_many_in_flight),
	CHECK_TEST(removal_drain_then_shutdown),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
