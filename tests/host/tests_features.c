/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_features.c - Get/Set Features: decoders and one-line text for every
 * feature the driver knows, round trips (arbitration, power management,
 * temperature threshold, volatile write cache, interrupt coalescing,
 * asynchronous event configuration, number of queues, timestamp), Save and
 * Select gated by ONCS bit 4, the write cache gated by VWC and its
 * behaviour across a power loss; every command dword through the _ext calls.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

static const char *describe(uint8_t fid, uint32_t v)
{
	static char b[4][200];
	static unsigned k;
	char *p = b[k++ & 3];
	nvme_feat_describe(fid, v, p, sizeof(b[0]));
	return p;
}

static void feat_decoders(void)
{
	CHECK_STR(describe(NVME_FEAT_ARBITRATION, nvme_feat_arbitration(7, 1, 2, 3)),
		  "Arbitration: AB 7 (no limit), LPW 1 (0's based), MPW 2 (0's based), HPW 3 (0's based)");
	CHECK_STR(describe(NVME_FEAT_TEMP_THRESHOLD, nvme_feat_temp_threshold(343, 0, false)),
		  "Temperature Threshold: TMPTH 343 K (70 C), TMPSEL 0 (sensor (0 composite)), THSEL 0 (0 over, 1 under)");
	CHECK_STR(describe(NVME_FEAT_VOLATILE_WC, 1), "Volatile Write Cache: WCE 1 (enabled)");
	CHECK_STR(describe(NVME_FEAT_VOLATILE_WC, 0), "Volatile Write Cache: WCE 0 (disabled)");
	CHECK_STR(describe(NVME_FEAT_NUM_QUEUES, 0x003F003Fu), "Number of Queues: NSQ 63 (64 queues), NCQ 63 (64 queues)");
	CHECK_HAS(describe(NVME_FEAT_ASYNC_EVENT_CONFIG, nvme_feat_async_event(0x1F, true, true)),
		  "SMART 31 (critical warning bits), NAN 1 (namespace attribute), FAN 1 (firmware activation)");
	CHECK_HAS(describe(NVME_FEAT_IRQ_COALESCING, nvme_feat_irq_coalescing(9, 10)), "THR 9 (0's based), TIME 10 (x 100 us)");
	CHECK_HAS(describe(NVME_FEAT_POWER_MGMT, nvme_feat_power_mgmt(2, 1)), "PS 2 (power state), WH 1");
	CHECK_HAS(describe(NVME_FEAT_KEEP_ALIVE, 120000), "KATO 1D4C0h (ms)");
	CHECK_HAS(describe(0xC5, 0x1234), "Unknown: value 4660");
	struct nvme_feat_decoded d;
	CHECK_RC(nvme_feat_decode(0xC5, 1, &d), NVME_ERR_UNSUPPORTED);
	CHECK_EQ(d.nfields, 1);
	CHECK_OK(nvme_feat_decode(NVME_FEAT_ARBITRATION, nvme_feat_arbitration(3, 4, 5, 6), &d));
	CHECK_EQ(d.nfields, 4);
	CHECK_EQ(d.field[0].value, 3);
	CHECK_EQ(d.field[3].value, 6);
	CHECK_STR(d.field[3].name, "HPW");
	CHECK_STR(nvme_feat_name(NVME_FEAT_TIMESTAMP), "Timestamp");
	CHECK_STR(nvme_feat_name(NVME_FEAT_HOST_ID), "Host Identifier");
}

/* The checked family with a dword value, as most tests use it. */
static int fget(struct nvme_ctrl *c, uint8_t fid, uint8_t sel, uint32_t cdw11, uint32_t *v, unsigned flags)
{
	struct nvme_feat_args a = { .fid = fid, .sel = sel, .cdw11 = cdw11 };
	return nvme_feat_get(c, &a, flags, v);
}

static int fset(struct nvme_ctrl *c, uint8_t fid, uint32_t value, bool save, unsigned flags, uint32_t *dw0)
{
	struct nvme_feat_args a = { .fid = fid, .save = save, .cdw11 = value };
	return nvme_feat_set(c, &a, flags, dw0);
}

static void feat_round_trips(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.npss = 2;
	fx_opt_up(&f);
	uint32_t v;
	/* arbitration */
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_CURRENT, 0, &v, 0));
	CHECK_EQ(v, 7);
	CHECK_OK(fset(f.c, NVME_FEAT_ARBITRATION, nvme_feat_arbitration(2, 1, 2, 3), false, 0, NULL));
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_CURRENT, 0, &v, 0));
	CHECK_EQX(v, nvme_feat_arbitration(2, 1, 2, 3));
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_DEFAULT, 0, &v, 0));
	CHECK_EQ(v, 7);
	/* power management: PS above NPSS is the device's Invalid Field */
	CHECK_OK(fset(f.c, NVME_FEAT_POWER_MGMT, nvme_feat_power_mgmt(2, 0), false, 0, NULL));
	CHECK_OK(fget(f.c, NVME_FEAT_POWER_MGMT, 0, 0, &v, 0));
	CHECK_EQ(v, 2);
	CHECK_DEV(fset(f.c, NVME_FEAT_POWER_MGMT, nvme_feat_power_mgmt(3, 0), false, 0, NULL),
		  NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	/* temperature threshold */
	CHECK_OK(fset(f.c, NVME_FEAT_TEMP_THRESHOLD, nvme_feat_temp_threshold(350, 0, false), false, 0, NULL));
	CHECK_OK(fget(f.c, NVME_FEAT_TEMP_THRESHOLD, 0, nvme_feat_temp_threshold(0, 0, false), &v, 0));
	CHECK_EQ(NVME_GET(v, NVME_FEAT_TT_TMPTH), 350);
	CHECK_HAS(describe(NVME_FEAT_TEMP_THRESHOLD, v), "TMPTH 350 K (77 C)");
	/* interrupt coalescing */
	CHECK_OK(fset(f.c, NVME_FEAT_IRQ_COALESCING, nvme_feat_irq_coalescing(9, 10), false, 0, NULL));
	CHECK_OK(fget(f.c, NVME_FEAT_IRQ_COALESCING, 0, 0, &v, 0));
	CHECK_EQX(v, 0x0A09u);
	/* asynchronous event configuration: what the driver enabled at init */
	CHECK_OK(fget(f.c, NVME_FEAT_ASYNC_EVENT_CONFIG, 0, 0, &v, 0));
	CHECK_EQX(v, nvme_feat_async_event(0x1F, true, true));
	/* number of queues: read here, set only through nvme_ctrl_set_io_queue_count */
	CHECK_OK(fget(f.c, NVME_FEAT_NUM_QUEUES, 0, 0, &v, 0));
	CHECK_EQX(v, 0x003F003Fu);
	CHECK_RC(fset(f.c, NVME_FEAT_NUM_QUEUES, 0, false, 0, NULL), NVME_ERR_INVAL);
	/* volatile write cache */
	CHECK_OK(fset(f.c, NVME_FEAT_VOLATILE_WC, 0, false, 0, NULL));
	CHECK_OK(fget(f.c, NVME_FEAT_VOLATILE_WC, 0, 0, &v, 0));
	CHECK_EQ(v, 0);
	CHECK_EQ(nvme_model_feature(f.m, NVME_FEAT_VOLATILE_WC), 0);
	CHECK_OK(fset(f.c, NVME_FEAT_VOLATILE_WC, 1, false, 0, NULL));
	/* timestamp: 8 bytes of data */
	struct nvme_timestamp ts;
	CHECK_OK(nvme_timestamp_set(f.c, 1700000000000ull, 0));
	CHECK_OK(nvme_timestamp_get(f.c, NVME_FEAT_SEL_CURRENT, &ts, 0));
	CHECK(ts.ms >= 1700000000000ull && ts.ms < 1700000000000ull + 60000u);
	CHECK_EQ(ts.origin, 1);
	CHECK_RC(nvme_timestamp_set(f.c, 1ull << 48, 0), NVME_ERR_INVAL);
	CHECK_RC(fget(f.c, NVME_FEAT_TIMESTAMP, 0, 0, &v, 0), NVME_ERR_INVAL);
	/* a saved value comes back after a reset, an unsaved one does not */
	CHECK_OK(fset(f.c, NVME_FEAT_ARBITRATION, nvme_feat_arbitration(4, 0, 0, 0), true, 0, NULL));
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_CURRENT, 0, &v, 0));
	CHECK_EQ(v, 4);
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_SAVED, 0, &v, 0));
	CHECK_EQ(v, 4);
	CHECK_OK(fget(f.c, NVME_FEAT_IRQ_COALESCING, 0, 0, &v, 0));
	CHECK_EQ(v, 0);
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_SUPPORTED_CAPS, 0, &v, 0));
	CHECK(NVME_GET(v, NVME_FEAT_CAP_CHANGEABLE));
}

static void feat_gating(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = 0;    /* no Save/Select, no Timestamp */
	f.mcfg.vwc = 0;     /* no volatile write cache */
	fx_up(&f);
	uint32_t v;
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_RC(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_SAVED, 0, &v, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "ONCS bit 4 (Save and Select in Set/Get Features) is clear (ONCS=0000h)");
	CHECK_RC(fset(f.c, NVME_FEAT_ARBITRATION, 7, true, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_RC(fget(f.c, NVME_FEAT_VOLATILE_WC, 0, 0, &v, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "VWC bit 0 (volatile write cache present) is clear (VWC=00h)");
	CHECK_RC(fset(f.c, NVME_FEAT_VOLATILE_WC, 1, false, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	struct nvme_timestamp ts;
	CHECK_RC(nvme_timestamp_get(f.c, 0, &ts, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Timestamp feature: not supported by this controller: ONCS bit 6");
	CHECK_RC(nvme_timestamp_set(f.c, 5, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);
	/* forced: the device answers */
	CHECK_DEV(fset(f.c, NVME_FEAT_VOLATILE_WC, 1, false, NVME_CMD_FORCE, NULL), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
	CHECK_DEV(fset(f.c, NVME_FEAT_ARBITRATION, 7, true, NVME_CMD_FORCE, NULL), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_FEATURE_ID_NOT_SAVEABLE);
	CHECK_DEV(nvme_timestamp_get(f.c, 0, &ts, NVME_CMD_FORCE), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	/* without Select the device answers the current value anyway */
	CHECK_OK(fget(f.c, NVME_FEAT_ARBITRATION, NVME_FEAT_SEL_DEFAULT, 0, &v, NVME_CMD_FORCE));
}

/* The volatile write cache keeps writes only after a flush. */
static void feat_write_cache_power_loss(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	nvme_model_vwc_track(f.m, true);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *a = fx_buf(&f, 512, 0, 0), *b = fx_buf(&f, 512, 0, 0), *r = fx_buf(&f, 512, 0, 0);
	fill_pattern(a, 512, 1);
	fill_pattern(b, 512, 2);
	CHECK_OK(nvme_write(ns, NULL, 10, 1, a));
	CHECK_OK(nvme_flush(ns, NULL));
	CHECK_OK(nvme_write(ns, NULL, 10, 1, b));      /* cached only */
	CHECK_OK(nvme_write(ns, NULL, 11, 1, b));      /* was never written */
	CHECK_OK(nvme_write_zeroes(ns, NULL, 12, 1, 0));
	CHECK_EQ(nvme_model_dirty_blocks(f.m, 1), 3);
	nvme_model_power_cycle(f.m, true);
	CHECK_OK(nvme_ctrl_reset(f.c));
	ns = nvme_ns_get(f.c, 1);
	CHECK_OK(nvme_read(ns, NULL, 10, 1, r));
	CHECK_EQ(mem_diff(r, a, 512), -1);               /* the flushed data, not the later write */
	CHECK_OK(nvme_read(ns, NULL, 11, 1, r));
	CHECK_EQ(mem_diff(r, (uint8_t[512]){ 0 }, 512), -1);
	/* flushed writes survive */
	CHECK_OK(nvme_write(ns, NULL, 10, 1, b));
	CHECK_OK(nvme_flush(ns, NULL));
	nvme_model_power_cycle(f.m, true);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(nvme_read(ns, NULL, 10, 1, r));
	CHECK_EQ(mem_diff(r, b, 512), -1);
	/* with the cache disabled, writes are durable at once */
	CHECK_OK(fset(f.c, NVME_FEAT_VOLATILE_WC, 0, false, 0, NULL));
	CHECK_OK(nvme_write(ns, NULL, 10, 1, a));
	nvme_model_power_cycle(f.m, true);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(nvme_read(ns, NULL, 10, 1, r));
	CHECK_EQ(mem_diff(r, a, 512), -1);
	/* a clean shutdown writes the cache back */
	CHECK_EQ(nvme_model_feature(f.m, NVME_FEAT_VOLATILE_WC), 1);   /* the default is back after the power cycle */
	CHECK_OK(nvme_write(ns, NULL, 10, 1, b));
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	nvme_model_power_cycle(f.m, true);
	CHECK_OK(nvme_ctrl_resume(f.c));
	CHECK_OK(nvme_read(ns, NULL, 10, 1, r));
	CHECK_EQ(mem_diff(r, b, 512), -1);
	fx_buf_free(&f, a);
	fx_buf_free(&f, b);
	fx_buf_free(&f, r);
}

/* Set/Get Features with every dword (cdw11..15, UUID index), raw and
 * checked, and the refusals of a UUID index over 127 and a SEL over 7 (raw)
 * or 3 (checked). */
static void feat_every_dword(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_feat_args a = { .fid = NVME_FEAT_TEMP_THRESHOLD, .cdw11 = 330, .cdw12 = 0x12345678,
				    .cdw13 = 0x9abcdef0, .cdw14 = 0x100, .cdw15 = 7, .uuid_index = 3 };
	uint32_t dw0 = 0;
	CHECK_OK(nvme_feat_set(f.c, &a, NVME_FEAT_RAW, &dw0));
	a.sel = NVME_FEAT_SEL_CURRENT;
	a.cdw11 = 0;
	CHECK_OK(nvme_feat_get(f.c, &a, NVME_FEAT_RAW, &dw0));
	CHECK_EQ(dw0 & 0xFFFF, 330);
	CHECK_OK(nvme_feat_get(f.c, &a, 0, &dw0));
	CHECK_EQ(dw0 & 0xFFFF, 330);
	a.uuid_index = 128;
	CHECK_RC(nvme_feat_get(f.c, &a, NVME_FEAT_RAW, &dw0), NVME_ERR_INVAL);
	CHECK_EQ(dw0, 0);
	a.uuid_index = 0;
	a.sel = 8;
	CHECK_RC(nvme_feat_get(f.c, &a, NVME_FEAT_RAW, &dw0), NVME_ERR_INVAL);
	a.sel = 4;   /* reserved: refused when checked, the device's answer when raw */
	CHECK_RC(nvme_feat_get(f.c, &a, 0, &dw0), NVME_ERR_INVAL);
	CHECK_DEV(nvme_feat_get(f.c, &a, NVME_FEAT_RAW, &dw0), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	CHECK_RC(nvme_feat_get(f.c, NULL, 0, &dw0), NVME_ERR_INVAL);
	struct nvme_feat_args nobuf = { .fid = NVME_FEAT_TIMESTAMP, .len = 8 };
	CHECK_RC(nvme_feat_set(f.c, &nobuf, NVME_FEAT_RAW, NULL), NVME_ERR_INVAL);
}

/* Raw (NVME_FEAT_RAW) sends what the checked family refuses: Set Number of
 * Queues, a data feature without data, Save on a controller without ONCS
 * bit 4; the device answers. */
static void feat_raw_vs_checked(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = 0;
	fx_up(&f);
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	struct nvme_feat_args nq = { .fid = NVME_FEAT_NUM_QUEUES, .cdw11 = 0x00010001u };
	CHECK_RC(nvme_feat_set(f.c, &nq, 0, NULL), NVME_ERR_INVAL);
	struct nvme_feat_args ts = { .fid = NVME_FEAT_TIMESTAMP };
	CHECK_RC(nvme_feat_get(f.c, &ts, 0, NULL), NVME_ERR_INVAL);
	struct nvme_feat_args arb = { .fid = NVME_FEAT_ARBITRATION, .cdw11 = 7, .save = true };
	CHECK_RC(nvme_feat_set(f.c, &arb, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);   /* nothing was sent */
	/* raw: every one reaches the device */
	CHECK_DEV(nvme_feat_set(f.c, &nq, NVME_FEAT_RAW, NULL), NVME_SCT_GENERIC, NVME_SC_COMMAND_SEQUENCE_ERROR);
	CHECK_DEV(nvme_feat_set(f.c, &arb, NVME_FEAT_RAW, NULL), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_FEATURE_ID_NOT_SAVEABLE);
	CHECK_DEV(nvme_feat_get(f.c, &ts, NVME_FEAT_RAW, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin + 3);
}

static const struct check_test tests[] = {
	CHECK_TEST(feat_decoders),
	CHECK_TEST(feat_round_trips),
	CHECK_TEST(feat_gating),
	CHECK_TEST(feat_write_cache_power_loss),
	CHECK_TEST(feat_every_dword),
	CHECK_TEST(feat_raw_vs_checked),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
