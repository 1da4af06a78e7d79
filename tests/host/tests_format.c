/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_format.c - Format NVM: a new LBA size re-read into the namespace,
 * the format index checked against NLBAF before sending, secure erase
 * settings (cryptographic erase needs FNA bit 2), all namespaces (NSID
 * FFFFFFFFh and FNA bit 0), metadata formats, the refusal without OACS bit
 * 1, and the configurable timeout.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

static uint64_t fmt_cmds(struct fx *f) { return nvme_model_ext_stats(f->m)->format_cmds; }

static void fmt_changes_lba_size(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	CHECK_EQ(ns->lba_size, 512);
	CHECK_EQ(ns->size, 65536);
	CHECK_EQ(ns->format_count, 4);   /* model formats: 512, 4096, 512+8, 4096+8 */
	uint8_t *b = fx_buf(&f, 8192, 0, 0);
	fill_pattern(b, 8192, 1);
	CHECK_OK(nvme_write(ns, NULL, 0, 16, b));
	struct nvme_format_opts o = { .lbaf = 1, .ses = NVME_FORMAT_SES_USER_DATA };
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	ns = nvme_ns_get(f.c, 1);
	REQUIRE(ns != NULL);
	CHECK_EQ(ns->format_index, 1);
	CHECK_EQ(ns->lba_size, 4096);
	CHECK_EQ(ns->size, 8192);          /* same bytes, bigger blocks */
	CHECK_EQ(ns->max_blocks, 32);      /* 128 KiB / 4 KiB */
	CHECK_EQ(ns->unusable, 0);
	/* erased; I/O in the new size works up to the new last LBA */
	memset(b, 0xEE, 8192);
	CHECK_OK(nvme_read(ns, NULL, 0, 2, b));
	CHECK_EQ(mem_diff(b, (uint8_t[8192]){ 0 }, 8192), -1);
	fill_pattern(b, 4096, 2);
	CHECK_OK(nvme_write(ns, NULL, ns->size - 1, 1, b));
	CHECK_RC(nvme_write(ns, NULL, ns->size, 1, b), NVME_ERR_LBA_RANGE);
	/* the other namespace is untouched (FNA bit 0 clear) */
	CHECK_EQ(nvme_ns_get(f.c, 2)->lba_size, 4096);
	CHECK_EQ(nvme_ns_get(f.c, 2)->size, 8192);
	/* and back */
	o.lbaf = 0;
	o.ses = NVME_FORMAT_SES_NONE;
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	ns = nvme_ns_get(f.c, 1);
	CHECK_EQ(ns->lba_size, 512);
	CHECK_EQ(ns->size, 65536);
	/* a metadata format (no PI): usable through nvme_pi.h; plain reads,
	 * which would drop the metadata, are refused */
	o.lbaf = 2;
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	ns = nvme_ns_get(f.c, 1);
	CHECK_EQ(ns->meta_size, 8);
	CHECK_EQ(ns->unusable, 0);
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_REFUSED);
	CHECK_RC(nvme_read(ns, NULL, 0, 1, b), NVME_ERR_UNSUPPORTED);
	fx_buf_free(&f, b);
}

static void fmt_checks_before_sending(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);   /* FNA 04h: cryptographic erase */
	uint64_t n = fmt_cmds(&f);
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	struct nvme_format_opts o = { .lbaf = 4 };   /* NLBAF is 3 */
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_INVAL);
	o.lbaf = 64;
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_INVAL);
	o.lbaf = 0;
	o.ses = 3;
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_INVAL);
	o.ses = 0;
	o.pi = 4;
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_INVAL);
	o.pi = 0;
	CHECK_RC(nvme_format_nvm(f.c, 9, &o), NVME_ERR_NO_NAMESPACE);
	CHECK_RC(nvme_format_nvm(f.c, 1, NULL), NVME_ERR_INVAL);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);
	/* protection information the device does not have: its answer */
	o.pi = 1;
	CHECK_DEV(nvme_format_nvm(f.c, 1, &o), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FORMAT);
	o.pi = 0;
	o.ses = NVME_FORMAT_SES_CRYPTO;
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	CHECK_EQ(fmt_cmds(&f), n + 1);
	fx_finish(&f);

	/* no FNA bit 2: a cryptographic erase is refused, forced the device says no */
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_opt_start(&f, 0, 0, 0);
	fx_up(&f);
	o = (struct nvme_format_opts){ .lbaf = 0, .ses = NVME_FORMAT_SES_CRYPTO };
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Format NVM (cryptographic erase): not supported by this controller: "
					  "FNA bit 2 (cryptographic erase) is clear (FNA=00h)");
	o.flags = NVME_CMD_FORCE;
	CHECK_DEV(nvme_format_nvm(f.c, 1, &o), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	fx_finish(&f);

	/* no OACS bit 1 */
	fx_defaults(&f);
	f.mcfg.oacs = QEMU_OACS & ~0x0102u;
	fx_up(&f);
	o = (struct nvme_format_opts){ .lbaf = 1 };
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Format NVM: not supported by this controller: OACS bit 1 (Format NVM) is "
					  "clear (OACS=0008h)");
	o.flags = NVME_CMD_FORCE;
	CHECK_DEV(nvme_format_nvm(f.c, 1, &o), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
}

static void fmt_all_namespaces(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	struct nvme_format_opts o = { .lbaf = 1 };
	CHECK_OK(nvme_format_nvm(f.c, NVME_NSID_ALL, &o));
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 4096);
	CHECK_EQ(nvme_ns_get(f.c, 2)->lba_size, 4096);
	fx_finish(&f);

	/* FNA bit 0: formatting one formats all; the driver re-reads all */
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_opt_start(&f, 0, 0, 0x01);
	fx_up(&f);
	o.lbaf = 0;
	CHECK_OK(nvme_format_nvm(f.c, 2, &o));
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 512);
	CHECK_EQ(nvme_ns_get(f.c, 2)->lba_size, 512);
	CHECK_EQ(nvme_ns_get(f.c, 2)->size, 65536);
}

static void fmt_timeout(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 1000;   /* the wait spins on the clock: move it faster */
	f.cfg.format_timeout_ms = 30000;
	fx_opt_up(&f);
	/* the format takes 20 s: longer than the admin timeout, within the format one */
	nvme_model_format_duration(f.m, 20000000u);
	struct nvme_format_opts o = { .lbaf = 1 };
	uint64_t t0 = f.env->now;
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	CHECK(f.env->now - t0 >= 20000000u);
	REQUIRE(nvme_ns_get(f.c, 1) != NULL);
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 4096);
	fx_finish(&f);

	fx_defaults(&f);
	f.ecfg.clock_step_us = 1000;
	f.cfg.format_timeout_ms = 8000;
	f.cfg.admin_timeout_ms = 5000;   /* the format bound is at least the admin one */
	fx_opt_up(&f);
	nvme_model_format_duration(f.m, 20000000u);
	t0 = f.env->now;
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_TIMEOUT);
	uint64_t waited = f.env->now - t0;
	CHECK_MSG(waited >= 8000000u && waited < 9000000u, "waited %llu us", (unsigned long long)waited);
	/* recovery: the model does not abort a format, so the controller was
	 * reset; the format command ended with the timeout, nothing else is
	 * left on the admin queue but the event requests */
	struct nvme_qpair_stats qs;
	nvme_qpair_stats_get(nvme_ctrl_admin_qpair(f.c), &qs);
	CHECK_EQ(qs.timeouts, 1);
	CHECK_EQ(qs.aborts, 1);
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(f.c, &rs);
	CHECK_EQ(rs.resets_auto, 1);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_READY);
	CHECK_EQ(nvme_qpair_in_flight(nvme_ctrl_admin_qpair(f.c)), nvme_aer_outstanding(f.c));
	f.env->now += 20000000u;
	nvme_model_tick_all();
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 0);
	/* a rescan shows the format the device finished */
	CHECK_OK(nvme_ns_rescan(f.c));
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 4096);
}

struct fprog {
	unsigned calls, stop_at;
	struct nvme_format_progress last, first;
	uint8_t prev_percent;
	uint64_t prev_elapsed;
	bool monotonic;
};

static int on_progress(void *arg, const struct nvme_format_progress *p)
{
	struct fprog *g = arg;
	if (g->calls == 0)
		g->first = *p;
	else if (p->percent < g->prev_percent || p->elapsed_ms < g->prev_elapsed)
		g->monotonic = false;
	g->prev_percent = p->percent;
	g->prev_elapsed = p->elapsed_ms;
	g->last = *p;
	g->calls++;
	return g->stop_at != 0 && g->calls >= g->stop_at;
}

/* Progress while Format NVM runs: the device's FPI when the namespace
 * reports it, else the time; cancel stops waiting, the format goes on. */
static void fmt_progress_and_cancel(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 1000;
	f.cfg.format_timeout_ms = 60000;
	fx_opt_up(&f);
	nvme_model_format_duration(f.m, 20000000u);   /* 20 s */
	nvme_model_format_fpi(f.m, true, 0xFF);
	struct fprog g = { .monotonic = true };
	struct nvme_format_opts o = { .lbaf = 1, .progress = on_progress, .arg = &g, .poll_ms = 2000 };
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	CHECK_MSG(g.calls >= 5 && g.calls <= 11, "%u calls", g.calls);
	CHECK(g.monotonic);
	CHECK(g.first.fpi);
	CHECK_EQ(g.first.nsid, 1);
	CHECK_OK(g.first.fpi_status);
	CHECK_MSG(g.first.percent <= 20, "first %u%%", g.first.percent);
	CHECK_MSG(g.last.percent >= 80 && g.last.percent <= 100, "last %u%%", g.last.percent);
	CHECK_EQ(g.last.timeout_ms, 60000);
	CHECK(g.last.elapsed_ms >= 16000);
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 4096);   /* re-read afterwards */

	/* no FPI: the time only */
	nvme_model_format_fpi(f.m, false, 0xFF);
	g = (struct fprog){ .monotonic = true };
	o.lbaf = 0;
	CHECK_OK(nvme_format_nvm(f.c, 1, &o));
	CHECK(g.calls >= 5);
	CHECK(!g.last.fpi);
	CHECK_EQ(g.last.percent, 0);
	CHECK(g.monotonic);
	CHECK(g.last.elapsed_ms >= 16000);
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 512);

	/* FPI values the spec does not allow (127% remaining) are not believed */
	nvme_model_format_fpi(f.m, true, 0x7F);
	g = (struct fprog){ .monotonic = true };
	o.lbaf = 1;
	CHECK_OK(nvme_format_nvm(f.c, NVME_NSID_ALL, &o));
	CHECK(g.last.fpi);
	CHECK_EQ(g.last.percent, 0);
	CHECK_EQ(g.last.nsid, 1);   /* all namespaces: the first one's FPI */

	/* cancel: NVME_ERR_CANCELLED at once, the command stays with the
	 * device, the namespaces are not re-read yet */
	nvme_model_format_fpi(f.m, true, 0xFF);
	g = (struct fprog){ .monotonic = true, .stop_at = 3 };
	o.lbaf = 0;
	uint64_t t0 = f.env->now;
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_CANCELLED);
	CHECK_EQ(g.calls, 3);
	CHECK_MSG(f.env->now - t0 < 10000000u, "waited %llu us", (unsigned long long)(f.env->now - t0));
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 4096);   /* the driver's view: not re-read */
	struct nvme_qpair *aq = nvme_ctrl_admin_qpair(f.c);
	CHECK_EQ(nvme_qpair_in_flight(aq), nvme_aer_outstanding(f.c) + 1);
	/* admin commands work meanwhile */
	uint32_t nq, ncq;
	CHECK_OK(nvme_get_num_queues(f.c, &nq, &ncq));
	/* the device finishes: its completion is consumed quietly, the slot freed */
	struct nvme_qpair_stats before, after;
	nvme_qpair_stats_get(aq, &before);
	f.env->now += 20000000u;
	nvme_model_tick_all();
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 0);
	nvme_qpair_stats_get(aq, &after);
	CHECK_EQ(nvme_qpair_in_flight(aq), nvme_aer_outstanding(f.c));
	CHECK_EQ(after.bad_completions, before.bad_completions);
	CHECK_OK(nvme_ns_rescan(f.c));
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 512);
	fx_finish(&f);

	/* the bound still applies with a callback: recovery as before */
	fx_defaults(&f);
	f.ecfg.clock_step_us = 1000;
	f.cfg.format_timeout_ms = 8000;
	f.cfg.admin_timeout_ms = 5000;   /* the format bound is at least the admin one */
	fx_opt_up(&f);
	nvme_model_format_duration(f.m, 20000000u);
	g = (struct fprog){ .monotonic = true };
	o = (struct nvme_format_opts){ .lbaf = 1, .progress = on_progress, .arg = &g };
	CHECK_RC(nvme_format_nvm(f.c, 1, &o), NVME_ERR_TIMEOUT);
	CHECK_MSG(g.calls >= 6 && g.calls <= 8, "%u calls (default 1 s interval)", g.calls);
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(f.c, &rs);
	CHECK_EQ(rs.resets_auto, 1);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_READY);
}

static const struct check_test tests[] = {
	CHECK_TEST(fmt_changes_lba_size),
	CHECK_TEST(fmt_checks_before_sending),
	CHECK_TEST(fmt_all_namespaces),
	CHECK_TEST(fmt_timeout),
	CHECK_TEST(fmt_progress_and_cancel),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
