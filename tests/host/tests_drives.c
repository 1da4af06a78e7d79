/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_drives.c - real drives (issue 13): every quirk against a model
 * that misbehaves the way the quirk's drives do. Each case runs the
 * scenario twice: without the quirk (the misbehaviour must show: the case
 * checks that it does, so a model that stopped misbehaving fails the case)
 * and with it (everything must work). The lookup tables (PCI IDs, model
 * strings, names, host overrides) too.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "model/nvme_model_drives.h"
#include "nvme_quirks.h"
#include "nvme_power.h"
#include "nvme_hmb.h"
#include "nvme_selftest.h"
#include "nvme_telemetry.h"

/* The fixture of a case's "without the quirk" half: model protocol
 * errors are the expected symptom there, not a failure. */
static void fx_without(struct fx *f)
{
	fx_defaults(f);
	f->check_model_errors = false;
	f->cfg.no_recovery = true;
	f->cfg.io_timeout_ms = 200;
	f->cfg.admin_timeout_ms = 200;
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                    */
/* ------------------------------------------------------------------------ */

static void quirks_table(void)
{
	uint32_t t2 = nvme_quirks_for(0x106b, 0x2005, NVME_PCI_ANY, NVME_PCI_ANY);
	CHECK_EQX(t2, NVME_QUIRK_NO_NS_LIST | NVME_QUIRK_NO_CNS_06 | NVME_QUIRK_SQE_128 | NVME_QUIRK_SHARED_CIDS |
			      NVME_QUIRK_SINGLE_VECTOR);
	CHECK_EQX(nvme_quirks_for(0x106b, 0x2001, 0x106b, 0x1234), NVME_QUIRK_QDEPTH_ONE | NVME_QUIRK_SINGLE_VECTOR);
	const uint16_t rdy[][2] = { { 0x1c58, 0x0003 }, { 0x1c58, 0x0023 }, { 0x1c5f, 0x0540 },
				    { 0x144d, 0xa821 }, { 0x144d, 0xa822 }, { 0x1bb1, 0x0100 } };
	for (unsigned i = 0; i < sizeof(rdy) / sizeof(rdy[0]); i++)
		CHECK_MSG(nvme_quirks_for(rdy[i][0], rdy[i][1], 0, 0) & NVME_QUIRK_DELAY_BEFORE_CHK_RDY,
			  "%04x:%04x lacks delay-before-rdy", rdy[i][0], rdy[i][1]);
	CHECK(nvme_quirks_for(0x144d, 0xa821, 0, 0) & NVME_QUIRK_MQES_ZERO);
	CHECK(nvme_quirks_for(0x144d, 0xa822, 0, 0) & NVME_QUIRK_MQES_ZERO);
	CHECK(nvme_quirks_for(0x1987, 0x5019, 0, 0) & NVME_QUIRK_NO_WRITE_ZEROES);
	CHECK(nvme_quirks_for(0x1cc1, 0x8201, 0, 0) & NVME_QUIRK_NO_DEEPEST_PS);
	CHECK_EQ(nvme_quirks_for(0x1b36, 0x0010, 0x1af4, 0x1100), 0);   /* QEMU */
	CHECK_EQ(nvme_quirks_for(0x144d, 0xa808, 0, 0), 0);
	/* the string table */
	CHECK(nvme_quirks_for_strings(0x144d, "Samsung Portable SSD X5", "1B2QEXM7") & NVME_QUIRK_DELAY_BEFORE_CHK_RDY);
	CHECK_EQ(nvme_quirks_for_strings(0x144d, "Samsung SSD 970 EVO", "1B2QEXM7"), 0);
	CHECK_EQ(nvme_quirks_for_strings(0x1b36, "Samsung Portable SSD X5", "1"), 0);   /* other vendor */
	CHECK_EQ(nvme_quirks_for_strings(0x144d, NULL, NULL), 0);
	/* names */
	char buf[256];
	for (uint32_t i = 0; i < NVME_QUIRK_COUNT; i++) {
		const char *n = nvme_quirk_name(1u << i);
		REQUIRE(n != NULL);
		CHECK_EQX(nvme_quirk_by_name(n), 1u << i);
	}
	CHECK(nvme_quirk_name(0) == NULL && nvme_quirk_name(3) == NULL && nvme_quirk_by_name("nope") == 0);
	CHECK_EQ(nvme_quirks_describe(0, buf, sizeof(buf)), 4);
	CHECK(strcmp(buf, "none") == 0);
	nvme_quirks_describe(NVME_QUIRK_SQE_128 | NVME_QUIRK_QDEPTH_ONE, buf, sizeof(buf));
	CHECK(strcmp(buf, "sqe-128,qdepth-one") == 0);
	nvme_quirks_describe(1u << 31, buf, sizeof(buf));
	CHECK(strcmp(buf, "unknown-bits") == 0);
	size_t full = nvme_quirks_describe(NVME_QUIRK_ALL, buf, sizeof(buf));
	char small[8];
	CHECK_EQ(nvme_quirks_describe(NVME_QUIRK_ALL, small, sizeof(small)), full);
	CHECK_EQ(strlen(small), 7);
	CHECK(strncmp(small, buf, 7) == 0);
}

static void quirks_host_override_and_strings(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.vid = 0x144d;
	f.mcfg.mn = "Samsung Portable SSD X5";
	f.cfg.quirks = NVME_QUIRK_SINGLE_VECTOR;
	f.cfg.quirks_add = NVME_QUIRK_NO_WRITE_ZEROES;
	f.cfg.quirks_remove = NVME_QUIRK_SINGLE_VECTOR | NVME_QUIRK_NO_DEEPEST_PS;
	fx_up(&f);
	/* the string table added delay-before-rdy; the removal beat it for
	 * no-deepest-ps and the host's own lookup for single-vector */
	CHECK_EQX(nvme_ctrl_quirks(f.c), NVME_QUIRK_NO_WRITE_ZEROES | NVME_QUIRK_DELAY_BEFORE_CHK_RDY);
	CHECK(host_env_log_contains(f.env, "quirks: no-write-zeroes"));
	CHECK(host_env_log_contains(f.env, "quirks from the model/firmware table: delay-before-rdy"));
	/* no quirk: none applied, nothing printed */
	fx_finish(&f);
	fx_defaults(&f);
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_quirks(f.c), 0);
	CHECK(!host_env_log_contains(f.env, "quirks"));
}

/* ------------------------------------------------------------------------ */
/* One case per quirk                                                        */
/* ------------------------------------------------------------------------ */

/* CSTS reads all ones for 2 s after CC.EN=0 (Linux waits 2300 ms). */
static void quirk_delay_before_rdy(void)
{
	static struct fx f;
	fx_without(&f);
	fx_start(&f);
	nvme_model_set_csts_ones_after_disable(f.m, 2000000);
	REQUIRE_OK(fx_init(&f));
	CHECK_RC(nvme_ctrl_reset(f.c), NVME_ERR_DEVICE_GONE);   /* the symptom */
	fx_finish(&f);

	fx_defaults(&f);
	f.cfg.quirks = nvme_quirks_for(0x1c58, 0x0023, NVME_PCI_ANY, NVME_PCI_ANY);   /* WDC SN200 */
	fx_start(&f);
	nvme_model_set_csts_ones_after_disable(f.m, 2000000);
	REQUIRE_OK(fx_init(&f));
	uint64_t t0 = f.env->now;
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	CHECK(f.env->now - t0 >= (uint64_t)NVME_QUIRK_RDY_DELAY_MS * 1000u);
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 1, "after reset"));
	REQUIRE_OK(nvme_ctrl_shutdown(f.c, false));
	REQUIRE_OK(nvme_ctrl_resume(f.c));
	CHECK(fx_roundtrip(&f, 1, 8, 4096, 0, 0, 0, 2, "after resume"));
}

/* CAP.MQES reads 0 (Samsung PM1725); the queues really take 64 entries. */
static void quirk_mqes_zero(void)
{
	static struct fx f;
	for (int with = 0; with <= 1; with++) {
		if (with) {
			fx_defaults(&f);
			f.cfg.quirks = nvme_quirks_for(0x144d, 0xa822, NVME_PCI_ANY, NVME_PCI_ANY);
		} else {
			fx_without(&f);
		}
		f.mcfg.mqes = 63;
		fx_start(&f);
		uint64_t cap = nvme_model_read32(f.m, NVME_REG_CAP) |
			       (uint64_t)nvme_model_read32(f.m, NVME_REG_CAP + 4) << 32;
		nvme_model_set_cap(f.m, true, cap & ~(uint64_t)0xFFFFu);
		int rc = fx_init(&f);
		if (!with) {
			CHECK_RC(rc, NVME_ERR_BAD_CAP);
			fx_finish(&f);
			continue;
		}
		REQUIRE_OK(rc);
		CHECK_EQ(nvme_model_sq_size(f.m, 1), NVME_QUIRK_MQES_ZERO_DEPTH);
		CHECK_EQ(nvme_qpair_depth(nvme_ctrl_io_qpair(f.c, 0)), NVME_QUIRK_MQES_ZERO_DEPTH);
		CHECK(fx_roundtrip(&f, 1, 0, 8192, 0, 0, 0, 3, "mqes-zero"));
	}
}

/* A controller claiming NVMe 2.0 that does not implement CNS 06h: Invalid
 * Field and an error log entry on every init without the quirk. */
static void quirk_no_cns_06(void)
{
	static struct fx f;
	uint64_t errors_without = 0;
	for (int with = 0; with <= 1; with++) {
		if (with) {
			fx_defaults(&f);
			f.cfg.quirks_add = NVME_QUIRK_NO_CNS_06;
		} else {
			fx_without(&f);
		}
		f.mcfg.vs = NVME_VS(2, 0, 0);
		fx_start(&f);
		nvme_model_set_cns_refused(f.m, NVME_CNS_CS_CTRL, true);
		REQUIRE_OK(fx_init(&f));
		REQUIRE_OK(nvme_ctrl_reset(f.c));
		if (!with) {
			errors_without = nvme_model_stats(f.m)->cmd_errors;
			CHECK_EQ(nvme_model_cns_count(f.m, NVME_CNS_CS_CTRL), 2);   /* init and reset */
			CHECK_DEV(nvme_ctrl_nvm_limits(f.c)->status, NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
		} else {
			CHECK_EQ(nvme_model_cns_count(f.m, NVME_CNS_CS_CTRL), 0);
			CHECK_RC(nvme_ctrl_nvm_limits(f.c)->status, NVME_ERR_UNSUPPORTED);
			/* two command errors fewer than without the quirk */
			CHECK_EQ(nvme_model_stats(f.m)->cmd_errors + 2, errors_without);
		}
		fx_finish(&f);
	}
}

/* Apple T2: no active namespace list (CNS 02h). */
static void quirk_no_ns_list(void)
{
	static struct fx f;
	for (int with = 0; with <= 1; with++) {
		if (with) {
			fx_defaults(&f);
			f.cfg.quirks_add = NVME_QUIRK_NO_NS_LIST;
		} else {
			fx_without(&f);
		}
		f.ns[1].nsid = 3;   /* 1 and 3 active, 2 not */
		fx_start(&f);
		nvme_model_set_cns_refused(f.m, NVME_CNS_ACTIVE_NS_LIST, true);
		int rc = fx_init(&f);
		if (!with) {
			CHECK_DEV(rc, NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
			fx_finish(&f);
			continue;
		}
		REQUIRE_OK(rc);
		CHECK_EQ(nvme_model_cns_count(f.m, NVME_CNS_ACTIVE_NS_LIST), 0);
		CHECK_EQ(nvme_ns_count(f.c), 2);
		CHECK(nvme_ns_get(f.c, 1) != NULL && nvme_ns_get(f.c, 3) != NULL && nvme_ns_get(f.c, 2) == NULL);
		uint32_t ids[4], n;
		CHECK_RC(nvme_ns_list_active(f.c, 0, ids, 4, &n), NVME_ERR_UNSUPPORTED);
		CHECK_OK(nvme_ns_rescan(f.c));
		CHECK_EQ(nvme_ns_count(f.c), 2);
		CHECK(fx_roundtrip(&f, 3, 0, 4096, 0, 0, 0, 4, "ns 3"));
	}
}

/* Apple T2: I/O SQ entries 128 bytes apart whatever CC.IOSQES says. */
static void quirk_sqe_128(void)
{
	static struct fx f;
	fx_without(&f);
	fx_start(&f);
	nvme_model_set_io_sqe_bytes(f.m, 128);
	REQUIRE_OK(fx_init(&f));
	bool ok = true;
	for (unsigned i = 0; i < 4 && ok; i++) {
		uint8_t *w = fx_buf(&f, 4096, 0, 0);
		fill_pattern(w, 4096, i);
		ok = nvme_write(fx_ns1(&f), NULL, 8 * i, 8, w) == 0;
		fx_buf_free(&f, w);
	}
	CHECK_MSG(!ok, "64-byte SQEs worked on a 128-byte controller: the model does not misbehave");
	fx_finish(&f);

	fx_defaults(&f);
	f.cfg.quirks_add = NVME_QUIRK_SQE_128;
	f.cfg.io_queue_count = 2;
	f.cfg.io_timeout_ms = 1000;   /* a lost command fails fast */
	fx_start(&f);
	nvme_model_set_io_sqe_bytes(f.m, 128);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_IOSQES), 6);   /* CC still says 64 */
	for (unsigned i = 0; i < 300; i++)   /* more than one lap of the 256-entry ring */
		if (!fx_roundtrip(&f, 1 + (i & 1u), i, 4096 * (1 + i % 4), 0, 0, 0, 100 + i, "sqe-128"))
			break;
	/* the fast path and the admin queue (64 bytes) too */
	struct nvme_ns *ns = fx_ns1(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 1);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	struct cb_rec r = {0};
	for (unsigned i = 0; i < 40; i++) {
		REQUIRE_OK(nvme_read_async(ns, q, i, 1, b, cb_record, &r));
		while (r.calls != i + 1 && nvme_qpair_poll(q, 0) >= 0 && nvme_qpair_in_flight(q) != 0)
			;
		CHECK_OK(r.status);
	}
	CHECK_EQ(r.calls, 40);
	fx_buf_free(&f, b);
	CHECK_OK(nvme_ns_rescan(f.c));
}

/* Submit reads on the I/O queue until it is full, held by the model, then
 * release them all and poll them in; also with an admin command held. */
static unsigned flood_reads(struct fx *f, struct nvme_qpair *q, unsigned max)
{
	struct nvme_ns *ns = fx_ns1(f);
	static struct cb_rec r[512];
	uint8_t *b = fx_buf(f, 512, 0, 0);
	unsigned n = 0;
	memset(r, 0, sizeof(r));
	nvme_model_set_defer(f->m, NVME_MODEL_DEFER_IO, 0);
	nvme_qpair_batch_begin(q);
	while (n < max && nvme_read_async(ns, q, n, 1, b, cb_record, &r[n]) == 0)
		n++;
	nvme_qpair_batch_end(q);
	nvme_model_set_defer(f->m, 0, 0);
	nvme_model_release(f->m, ~0u);
	for (unsigned spins = 0; nvme_qpair_in_flight(q) != 0 && spins < 100000; spins++)
		(void)nvme_qpair_poll(q, 0);
	for (unsigned i = 0; i < n; i++)
		CHECK_MSG(r[i].calls == 1 && r[i].status == 0, "read %u: calls %u status %s", i, r[i].calls,
			  st(r[i].status));
	fx_buf_free(f, b);
	return n;
}

/* Apple T2: CIDs shared by every queue and below 128. */
static void quirk_shared_cids(void)
{
	static struct fx f;
	fx_without(&f);
	fx_start(&f);
	nvme_model_set_cid_rules(f.m, NVME_QUIRK_CID_LIMIT, true);
	REQUIRE_OK(fx_init(&f));
	(void)flood_reads(&f, nvme_ctrl_io_qpair(f.c, 0), 64);
	CHECK_MSG(nvme_model_error_count(f.m) > 0, "no CID beyond 128 or shared: the model does not misbehave");
	fx_finish(&f);

	for (uint32_t nq = 1; nq <= 3; nq++) {
		fx_defaults(&f);
		f.cfg.quirks_add = NVME_QUIRK_SHARED_CIDS;
		f.cfg.io_queue_count = nq;
		fx_start(&f);
		nvme_model_set_cid_rules(f.m, NVME_QUIRK_CID_LIMIT, true);
		REQUIRE_OK(fx_init(&f));
		/* admin + nq queues in power-of-two ranges below 128 */
		uint32_t region = nq == 1 ? 64 : 32;
		CHECK_EQ(nvme_qpair_depth(nvme_ctrl_admin_qpair(f.c)), 32);
		for (uint32_t i = 0; i < nq; i++) {
			struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, i);
			CHECK_EQ(nvme_qpair_depth(q), region);
			CHECK_EQ(flood_reads(&f, q, 512), region - 1);
		}
		REQUIRE_OK(nvme_ctrl_reset(f.c));
		CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 5, "after reset"));
		/* a queue beyond the ranges is refused, not created with big CIDs */
		if (nq == 3)
			CHECK_RC(nvme_qpair_create(f.c, 4, 0, NULL), NVME_ERR_BAD_QUEUE);
		fx_finish(&f);
	}
}

/* One interrupt vector. */
static void quirk_single_vector(void)
{
	static struct fx f;
	struct nvme_qpair_opts o = { .interrupts = true, .vector = 3 };
	fx_without(&f);
	f.mcfg.msix_vectors = 1;
	fx_up(&f);
	CHECK_DEV(nvme_qpair_create(f.c, 2, 0, &o), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_INTERRUPT_VECTOR);
	fx_finish(&f);

	fx_defaults(&f);
	f.mcfg.msix_vectors = 1;
	f.cfg.quirks = nvme_quirks_for(0x106b, 0x2001, NVME_PCI_ANY, NVME_PCI_ANY);
	fx_up(&f);
	REQUIRE_OK(nvme_qpair_create(f.c, 2, 0, &o));
	CHECK_EQX(nvme_model_cq_irq(f.m, 2), 1u << 16);   /* IEN, vector 0 */
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 6, "single vector"));
}

/* Apple 106b:2001: one command at a time per I/O queue. */
static void quirk_qdepth_one(void)
{
	static struct fx f;
	fx_without(&f);
	fx_start(&f);
	nvme_model_set_io_outstanding_max(f.m, 1);
	REQUIRE_OK(fx_init(&f));
	CHECK(flood_reads(&f, nvme_ctrl_io_qpair(f.c, 0), 8) == 8);
	CHECK_MSG(nvme_model_error_count(f.m) > 0, "8 reads in flight accepted: the model does not misbehave");
	fx_finish(&f);

	fx_defaults(&f);
	f.cfg.quirks = nvme_quirks_for(0x106b, 0x2001, NVME_PCI_ANY, NVME_PCI_ANY);
	fx_start(&f);
	nvme_model_set_io_outstanding_max(f.m, 1);
	REQUIRE_OK(fx_init(&f));
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	CHECK_EQ(nvme_qpair_depth(q), 2);
	CHECK_EQ(nvme_model_sq_size(f.m, 1), 2);
	CHECK_EQ(flood_reads(&f, q, 8), 1);
	for (unsigned i = 0; i < 20; i++)
		CHECK(fx_roundtrip(&f, 1, i * 16, 4096 * (1 + i % 3), 0, 0, 0, 7 + i, "qdepth-one"));
	/* the admin queue keeps its depth */
	CHECK_EQ(nvme_qpair_depth(nvme_ctrl_admin_qpair(f.c)), NVME_DEFAULT_ADMIN_QUEUE_DEPTH);
}

/* Write Zeroes that completes without zeroing. */
static void quirk_no_write_zeroes(void)
{
	static struct fx f;
	for (int with = 0; with <= 1; with++) {
		if (with) {
			fx_defaults(&f);
			f.cfg.quirks = nvme_quirks_for(0x1c5c, 0x1504, NVME_PCI_ANY, NVME_PCI_ANY);
		} else {
			fx_without(&f);
		}
		f.mcfg.oncs |= (uint16_t)NVME_SET(NVME_ONCS_WRITE_ZEROES, 1);
		fx_start(&f);
		nvme_model_set_write_zeroes_broken(f.m, true);
		REQUIRE_OK(fx_init(&f));
		struct nvme_ns *ns = fx_ns1(&f);
		uint8_t *b = fx_buf(&f, 4096, 0, 0);
		memset(b, 0xA5, 4096);
		REQUIRE_OK(nvme_write(ns, NULL, 0, 8, b));
		int rc = nvme_write_zeroes(ns, NULL, 0, 8, 0);
		if (!with) {
			CHECK_OK(rc);
			REQUIRE_OK(nvme_read(ns, NULL, 0, 8, b));
			CHECK_MSG(b[0] == 0xA5, "the data were zeroed: the model does not misbehave");
		} else {
			CHECK_RC(rc, NVME_ERR_NOT_ADVERTISED);
			CHECK(strstr(nvme_ctrl_refusal(f.c), "no-write-zeroes") != NULL);
			char why[200];
			CHECK_RC(nvme_ctrl_supports(f.c, NVME_OPT_WRITE_ZEROES, why, sizeof(why)), NVME_ERR_NOT_ADVERTISED);
			CHECK(strstr(why, "quirk") != NULL);
		}
		fx_buf_free(&f, b);
		fx_finish(&f);
	}
}

static const struct nvme_power_state three_states[3] = {
	{ .mp = 800, .enlat = 0, .exlat = 0 },
	{ .mp = 350, .enlat = 1000, .exlat = 2000 },
	{ .mp = 5, .flags = 2, .enlat = 5000, .exlat = 40000 },   /* NOPS */
};

/* The deepest power state breaks the drive. */
static void quirk_no_deepest_ps(void)
{
	static struct fx f;
	fx_without(&f);
	fx_start(&f);
	nvme_model_set_power_states(f.m, 2, three_states, true);
	REQUIRE_OK(fx_init(&f));
	CHECK_RC(nvme_power_set(f.c, 2, false), NVME_ERR_NOT_ADVERTISED);   /* non-operational */
	(void)nvme_power_set(f.c, 2, true);
	CHECK_MSG(nvme_model_csts(f.m) & NVME_MASK(NVME_CSTS_CFS), "PS 2 entered: the model does not misbehave");
	fx_finish(&f);

	fx_defaults(&f);
	f.cfg.quirks = nvme_quirks_for(0x2646, 0x2263, NVME_PCI_ANY, NVME_PCI_ANY);   /* Kingston A2000 */
	fx_start(&f);
	nvme_model_set_power_states(f.m, 2, three_states, true);
	REQUIRE_OK(fx_init(&f));
	CHECK_RC(nvme_power_set(f.c, 2, true), NVME_ERR_NOT_ADVERTISED);
	CHECK(strstr(nvme_ctrl_refusal(f.c), "no-deepest-ps") != NULL);
	CHECK_OK(nvme_power_set(f.c, 1, false));
	uint8_t ps = 9;
	CHECK_OK(nvme_power_get(f.c, &ps, NULL));
	CHECK_EQ(ps, 1);
	CHECK_OK(nvme_power_set(f.c, 0, false));
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_READY);
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 8, "no-deepest-ps"));
}

/* An Apple T2 misbehaving in every way at once, with the PCI lookup. */
static void quirk_apple_t2(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.quirks = nvme_quirks_for(0x106b, 0x2005, NVME_PCI_ANY, NVME_PCI_ANY);
	f.mcfg.msix_vectors = 1;
	f.mcfg.vs = NVME_VS(2, 0, 0);
	fx_start(&f);
	nvme_model_set_io_sqe_bytes(f.m, 128);
	nvme_model_set_cid_rules(f.m, NVME_QUIRK_CID_LIMIT, true);
	nvme_model_set_cns_refused(f.m, NVME_CNS_ACTIVE_NS_LIST, true);
	nvme_model_set_cns_refused(f.m, NVME_CNS_CS_CTRL, true);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ns_count(f.c), 2);
	CHECK_EQ(flood_reads(&f, nvme_ctrl_io_qpair(f.c, 0), 512), 63);
	for (unsigned i = 0; i < 100; i++)
		if (!fx_roundtrip(&f, 1, i, 4096, 0, 0, 0, 200 + i, "apple t2"))
			break;
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	CHECK(fx_roundtrip(&f, 2, 1, 8192, 0, 0, 0, 9, "apple t2 after reset"));
	CHECK_EQ(nvme_model_cns_count(f.m, NVME_CNS_ACTIVE_NS_LIST), 0);
	CHECK_EQ(nvme_model_cns_count(f.m, NVME_CNS_CS_CTRL), 0);
}

/* ------------------------------------------------------------------------ */
/* Identify CNS by version                                                   */
/* ------------------------------------------------------------------------ */

/* Controllers claiming NVMe 1.0 .. 2.0, with and without CAP.CSS bit 6: the
 * driver sends only the CNS values the version defines (the model refuses
 * the others with Invalid Field, counted as command errors). */
static void cns_by_version(void)
{
	static const struct {
		uint32_t vs;
		bool iocs;
		bool ns_list, cs_ctrl;   /* CNS 02h, 06h expected */
	} v[] = {
		{ NVME_VS(1, 0, 0), false, false, false }, { NVME_VS(1, 1, 0), false, true, false },
		{ NVME_VS(1, 2, 0), false, true, false },  { NVME_VS(1, 3, 0), false, true, false },
		{ NVME_VS(1, 4, 0), false, true, false },  { NVME_VS(1, 4, 0), true, true, true },
		{ NVME_VS(2, 0, 0), false, true, true },   { NVME_VS(2, 1, 0), false, true, true },
	};
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		f.mcfg.vs = v[i].vs;
		f.mcfg.css = (uint8_t)(NVME_CAP_CSS_NVM | (v[i].iocs ? NVME_CAP_CSS_IOCS : 0));
		f.ns[1].nsid = 7;
		fx_start(&f);
		REQUIRE_OK(fx_init(&f));
		REQUIRE_OK(nvme_ctrl_reset(f.c));
		CHECK_OK(nvme_ns_rescan(f.c));
		const char *name = "?";
		char nb[32];
		snprintf(nb, sizeof(nb), "%u.%u%s", (unsigned)(v[i].vs >> 16), (unsigned)((v[i].vs >> 8) & 0xFF),
			 v[i].iocs ? "+CSS6" : "");
		name = nb;
		CHECK_MSG(nvme_model_stats(f.m)->cmd_errors == 0, "NVMe %s: %llu command errors", name,
			  (unsigned long long)nvme_model_stats(f.m)->cmd_errors);
		CHECK_MSG((nvme_model_cns_count(f.m, NVME_CNS_ACTIVE_NS_LIST) != 0) == v[i].ns_list,
			  "NVMe %s: CNS 02h sent %u times", name, nvme_model_cns_count(f.m, NVME_CNS_ACTIVE_NS_LIST));
		CHECK_MSG((nvme_model_cns_count(f.m, NVME_CNS_CS_CTRL) != 0) == v[i].cs_ctrl,
			  "NVMe %s: CNS 06h sent %u times", name, nvme_model_cns_count(f.m, NVME_CNS_CS_CTRL));
		CHECK_EQ(nvme_ctrl_cns_exists(f.c, NVME_CNS_ACTIVE_NS_LIST), v[i].ns_list);
		CHECK_EQ(nvme_ctrl_cns_exists(f.c, NVME_CNS_CS_CTRL), v[i].cs_ctrl);
		CHECK_EQ(nvme_ctrl_cns_exists(f.c, NVME_CNS_NS_ID_DESCRIPTORS), v[i].vs >= NVME_VS(1, 3, 0));
		CHECK_EQ(nvme_ctrl_cns_exists(f.c, NVME_CNS_ALLOCATED_NS_LIST), v[i].vs >= NVME_VS(1, 2, 0));
		CHECK_EQ(nvme_ctrl_cns_exists(f.c, NVME_CNS_UUID_LIST), v[i].vs >= NVME_VS(1, 4, 0));
		CHECK_EQ(nvme_ctrl_cns_exists(f.c, 0x1F), v[i].vs >= NVME_VS(2, 0, 0));
		CHECK(nvme_ctrl_cns_exists(f.c, NVME_CNS_NS) && nvme_ctrl_cns_exists(f.c, NVME_CNS_CTRL));
		/* both namespaces found either way (list or probing) */
		CHECK_MSG(nvme_ns_count(f.c) == 2 && nvme_ns_get(f.c, 1) && nvme_ns_get(f.c, 7), "NVMe %s: %u namespaces",
			  name, nvme_ns_count(f.c));
		CHECK(fx_roundtrip(&f, 7, 3, 8192, 0, 0, 0, i, name));
		if (v[i].cs_ctrl)
			CHECK_OK(nvme_ctrl_nvm_limits(f.c)->status);
		else
			CHECK_RC(nvme_ctrl_nvm_limits(f.c)->status, NVME_ERR_UNSUPPORTED);
		fx_finish(&f);
	}
	CHECK(!nvme_ctrl_cns_exists(NULL, 0));
}

/* ------------------------------------------------------------------------ */
/* Ready timeouts (CAP.CRMS, CRTO, CC.CRIME)                                  */
/* ------------------------------------------------------------------------ */

/* A controller that needs 8 s to become ready while CAP.TO says 500 ms. */
static void ready_crto(void)
{
	static struct fx f;
	/* CRTO not offered (CRMS 0): CAP.TO bounds the wait, init fails */
	fx_defaults(&f);
	f.mcfg.to = 1;
	f.check_model_errors = false;
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, false, false, 20, 0, 1, 8000000, 0);
	CHECK_RC(fx_init(&f), NVME_ERR_TIMEOUT);
	fx_finish(&f);
	/* CRWMS with CRWMT 0: ignored (warning), CAP.TO again */
	fx_defaults(&f);
	f.mcfg.to = 1;
	f.check_model_errors = false;
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, true, false, 0, 0, 1, 8000000, 0);
	CHECK_RC(fx_init(&f), NVME_ERR_TIMEOUT);
	CHECK(host_env_log_contains(f.env, "CRTO.CRWMT is 0"));
	fx_finish(&f);
	/* CRWMT 20 (10 s): ready after 8 s; CC.CRIME stays 0 */
	fx_defaults(&f);
	f.mcfg.to = 1;
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, true, true, 20, 4, 1, 8000000, 1000000);
	uint64_t t0 = f.env->now;
	REQUIRE_OK(fx_init(&f));
	CHECK(f.env->now - t0 >= 8000000);
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_CRIME), 0);
	REQUIRE_OK(nvme_ctrl_reset(f.c));   /* the same bound at every enable */
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 10, "crto"));
	fx_finish(&f);
	/* CRWMT beyond what the controller needs is only a bound: a controller
	 * that never becomes ready fails after CRWMT, not CAP.TO */
	fx_defaults(&f);
	f.mcfg.to = 1;
	f.check_model_errors = false;
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, true, false, 6, 0, 1, 0, 0);
	nvme_model_set_rdy_never(f.m, true);
	t0 = f.env->now;
	CHECK_RC(fx_init(&f), NVME_ERR_TIMEOUT);
	/* 3 s for the enable, up to 3 s more for the disable that undoes it */
	CHECK_MSG(f.env->now - t0 >= 3000000 && f.env->now - t0 < 7000000, "%llu us",
		  (unsigned long long)(f.env->now - t0));
	fx_finish(&f);
}

/* CC.CRIME only when asked and offered; CAP.TO re-read after it. */
static void ready_crime(void)
{
	static struct fx f;
	/* asked, offered: CC.CRIME=1, CRIMT (2 s) bounds a 1.5 s ready */
	fx_defaults(&f);
	f.mcfg.to = 1;
	f.cfg.crime = true;
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, true, true, 20, 4, 3, 8000000, 1500000);
	uint64_t t0 = f.env->now;
	REQUIRE_OK(fx_init(&f));
	CHECK(f.env->now - t0 >= 1500000 && f.env->now - t0 < 8000000);
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_CRIME), 1);
	CHECK_EQ(NVME_GET(nvme_ctrl_cap(f.c), NVME_CAP_TO), 3);   /* re-read after the CC write */
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 11, "crime"));
	fx_finish(&f);
	/* asked, not offered: CC.CRIME=0 (the model calls CRIME without CRIMS a
	 * protocol error) */
	fx_defaults(&f);
	f.cfg.crime = true;
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, true, false, 20, 0, 1, 0, 0);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_CRIME), 0);
	CHECK(host_env_log_contains(f.env, "CC.CRIME asked for but CAP.CRMS.CRIMS is 0"));
	fx_finish(&f);
	/* offered, not asked: 0 */
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_ready_timeouts(f.m, true, true, 20, 4, 3, 0, 0);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(NVME_GET(nvme_model_cc(f.m), NVME_CC_CRIME), 0);
}

/* ------------------------------------------------------------------------ */
/* Slow controllers                                                          */
/* ------------------------------------------------------------------------ */

struct progress_rec {
	unsigned calls;
	uint32_t last_ms;
	bool monotonic;
	char what[80];
};

static void progress_record(void *arg, struct nvme_ctrl *c, const char *what, uint32_t waited_ms)
{
	struct progress_rec *p = arg;
	(void)c;
	if (p->calls != 0 && waited_ms <= p->last_ms)
		p->monotonic = false;
	p->calls++;
	p->last_ms = waited_ms;
	snprintf(p->what, sizeof(p->what), "%s", what);
}

/* Identify Controller takes 12 s: init waits (default admin timeout
 * 60 s) and the progress callback hears of it about every 5 s. */
static void slow_identify(void)
{
	static struct fx f;
	static struct progress_rec p;
	/* the old 5 s admin timeout gives up */
	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	f.cfg.admin_timeout_ms = 5000;
	f.cfg.no_recovery = true;
	f.check_model_errors = false;
	fx_start(&f);
	nvme_model_set_admin_delay(f.m, NVME_ADMIN_IDENTIFY, 12000000);
	CHECK_RC(fx_init(&f), NVME_ERR_TIMEOUT);
	fx_finish(&f);

	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	memset(&p, 0, sizeof(p));
	p.monotonic = true;
	f.cfg.progress_cb = progress_record;
	f.cfg.progress_arg = &p;
	CHECK_EQ(f.cfg.admin_timeout_ms, 60000);   /* the default */
	fx_start(&f);
	nvme_model_set_admin_delay(f.m, NVME_ADMIN_IDENTIFY, 12000000);
	uint64_t t0 = f.env->now;
	REQUIRE_OK(fx_init(&f));
	/* Identify Controller, then one Identify Namespace per namespace... each 12 s */
	uint64_t waited = f.env->now - t0;
	CHECK(waited >= 36000000);
	CHECK_MSG(p.calls >= 6 && p.calls <= waited / 5000000 + 1, "%u progress calls in %llu us", p.calls,
		  (unsigned long long)waited);
	CHECK(strstr(p.what, "Identify") != NULL);
	CHECK(p.last_ms >= 10000 && p.last_ms < 12000);
	CHECK(!p.monotonic || p.calls > 0);
	nvme_model_set_admin_delay(f.m, NVME_ADMIN_IDENTIFY, 0);
	/* a slow log page after init */
	nvme_model_set_admin_delay(f.m, NVME_ADMIN_GET_LOG_PAGE, 7000000);
	struct nvme_smart_info si;
	unsigned before = p.calls;
	CHECK_OK(nvme_smart_read(f.c, NVME_NSID_ALL, &si, NULL, 0));
	CHECK_EQ(p.calls, before + 1);
	CHECK(strstr(p.what, "Get Log Page") != NULL);
	nvme_model_set_admin_delay(f.m, NVME_ADMIN_GET_LOG_PAGE, 0);
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 12, "after slow init"));
}

/* ------------------------------------------------------------------------ */
/* Host Memory Buffer                                                        */
/* ------------------------------------------------------------------------ */

#define KIB4(n) ((uint32_t)((n) / 4096u))   /* bytes -> Identify's 4 KiB units */

/* Write and read back blocks (the model checks its HMB entries on reads). */
static void hmb_io(struct fx *f, unsigned n, uint64_t seed)
{
	for (unsigned i = 0; i < n; i++)
		if (!fx_roundtrip(f, 1 + (i & 1u), (uint64_t)i * 8, 4096, 0, 0, 0, seed + i, "hmb"))
			break;
}

static void hmb_basic(void)
{
	static struct fx f;
	struct nvme_hmb_info hi;
	struct nvme_model_hmb_state ms;
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_hmb(f.m, KIB4(16u << 20), KIB4(4u << 20), 0, 0, false);
	REQUIRE_OK(fx_init(&f));
	REQUIRE_OK(nvme_hmb_info(f.c, &hi));
	CHECK_OK(hi.status);
	CHECK(hi.enabled);
	CHECK_EQ(hi.bytes, 16u << 20);
	CHECK_EQ(hi.chunks, 1);   /* the host gave it in one piece */
	CHECK_EQ(hi.preferred, 16u << 20);
	CHECK_EQ(hi.minimum, 4u << 20);
	nvme_model_hmb_state(f.m, &ms);
	CHECK(ms.enabled && ms.bytes == (16u << 20) && ms.descriptors == 1 && ms.enables == 1 && ms.enables_mr == 0);
	CHECK(host_env_log_contains(f.env, "host memory buffer: 16384 KiB in 1 chunk(s) enabled"));
	/* Get Features 0Dh as the device sees it */
	uint32_t dw0 = 0;
	uint8_t *attr = fx_buf(&f, 4096, 0, 0);
	struct nvme_feat_args hmb = { .fid = NVME_FEAT_HOST_MEM_BUFFER, .buf = attr, .len = 4096 };
	CHECK_OK(nvme_feat_get(f.c, &hmb, 0, &dw0));
	CHECK_EQ(dw0 & 1u, 1);
	CHECK_EQ(((uint32_t *)attr)[0], (16u << 20) / 4096u);   /* HSIZE in pages */
	CHECK_EQ(((uint32_t *)attr)[3], 1);                     /* HMDLEC */
	fx_buf_free(&f, attr);
	hmb_io(&f, 40, 1);
	nvme_model_hmb_state(f.m, &ms);
	/* 20 x 8 blocks of 512 B, 20 blocks of 4 KiB, each written and read */
	CHECK(ms.entries_written >= 180 && ms.entries_checked >= 180 && ms.mismatches == 0);
	/* reset: enabled again with Memory Return, the entries still match */
	uint64_t checked = ms.entries_checked;
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	nvme_model_hmb_state(f.m, &ms);
	CHECK(ms.enabled && ms.enables == 2 && ms.enables_mr == 1);
	for (unsigned i = 0; i < 10; i++) {
		uint8_t *b = fx_buf(&f, 4096, 0, 0);
		CHECK_OK(nvme_read(fx_ns1(&f), NULL, (uint64_t)i * 16, 8, b));
		fx_buf_free(&f, b);
	}
	nvme_model_hmb_state(f.m, &ms);
	CHECK(ms.entries_checked > checked && ms.mismatches == 0);
	/* shutdown disables it first; resume gives the same memory back */
	REQUIRE_OK(nvme_ctrl_shutdown(f.c, false));
	nvme_model_hmb_state(f.m, &ms);
	CHECK(!ms.enabled && ms.disables == 1 && ms.shutdowns_enabled == 0);
	REQUIRE_OK(nvme_ctrl_resume(f.c));
	nvme_model_hmb_state(f.m, &ms);
	CHECK(ms.enabled && ms.enables_mr == 2);
	REQUIRE_OK(nvme_hmb_info(f.c, &hi));
	CHECK(hi.enabled && hi.enables == 3);
	hmb_io(&f, 8, 100);
	/* detach disables it before the controller stops; the fixture then
	 * checks every DMA allocation came back */
	nvme_ctrl_detach(f.c);
	nvme_model_hmb_state(f.m, &ms);
	CHECK(!ms.enabled && ms.disables == 2);
	CHECK_EQ(f.env->dma_live, 0);
}

/* The model keeps its checksums in the buffer: memory changed behind its
 * back (a wrong descriptor, memory handed out twice) corrupts reads. */
static void hmb_model_uses_it(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_hmb(f.m, KIB4(1u << 20), KIB4(1u << 20), 0, 0, false);
	REQUIRE_OK(fx_init(&f));
	hmb_io(&f, 16, 7);
	void *v = NULL;
	uint64_t bytes = 0;
	REQUIRE_OK(nvme_hmb_chunk(f.c, 0, NULL, &v, &bytes));
	CHECK_EQ(bytes, 1u << 20);
	/* flip the checksum half of every entry */
	for (uint64_t off = 4; off < bytes; off += 8)
		((uint8_t *)v)[off] ^= 0x5A;
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	CHECK_DEV(nvme_read(fx_ns1(&f), NULL, 0, 8, b), NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
	fx_buf_free(&f, b);
	struct nvme_model_hmb_state ms;
	nvme_model_hmb_state(f.m, &ms);
	CHECK(ms.mismatches >= 1);
	unsigned taken = 0;
	while (nvme_model_take_error(f.m, "HMB entry"))
		taken++;
	CHECK(taken >= 1);
}

/* Allocation shapes: a fragmented host (largest allocation 1 MiB),
 * HMMINDS, HMMAXD, the host cap, HMMIN above the cap, a refusal. */
static void hmb_shapes(void)
{
	static struct fx f;
	struct nvme_hmb_info hi;
	struct nvme_model_hmb_state ms;
	static const struct {
		size_t max_contig;
		uint64_t cap;
		uint32_t pre, min, minds;   /* bytes */
		uint16_t maxd;
		bool refuse;
		int status;                 /* 0, NVME_ERR_UNSUPPORTED, NVME_ERR_NOMEM, 1 = device refusal */
		uint64_t bytes;
		uint32_t chunks;
	} t[] = {
		{ 1u << 20, 0, 8u << 20, 2u << 20, 0, 0, false, 0, 8u << 20, 8 },            /* 8 x 1 MiB */
		{ 1u << 20, 0, 8u << 20, 2u << 20, 0, 4, false, 0, 4u << 20, 4 },            /* HMMAXD 4: 4 MiB >= HMMIN */
		{ 1u << 20, 0, 8u << 20, 6u << 20, 0, 4, false, NVME_ERR_NOMEM, 0, 0 },      /* 4 MiB < HMMIN */
		{ 1u << 20, 0, 8u << 20, 2u << 20, 2u << 20, 0, false, NVME_ERR_NOMEM, 0, 0 }, /* chunks must be 2 MiB */
		{ 3u << 20, 0, 8u << 20, 2u << 20, 2u << 20, 0, false, 0, 8u << 20, 4 },    /* 2 MiB chunks (halves of 8) */
		{ 0, 2u << 20, 8u << 20, 1u << 20, 0, 0, false, 0, 2u << 20, 1 },            /* host cap 2 MiB */
		{ 0, 2u << 20, 8u << 20, 4u << 20, 0, 0, false, NVME_ERR_UNSUPPORTED, 0, 0 }, /* HMMIN above the cap */
		{ 0, 0, 256u << 20, 1u << 20, 0, 0, false, 0, 64u << 20, 1 },                /* default cap 64 MiB */
		{ 0, 0, 8u << 20, 1u << 20, 0, 0, true, 1, 0, 0 },                           /* controller refuses */
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fx_defaults(&f);
		f.ecfg.dma_max_contig = t[i].max_contig;
		f.cfg.hmb_max_bytes = t[i].cap;
		if (t[i].refuse)
			f.check_model_errors = true;
		fx_start(&f);
		nvme_model_set_hmb(f.m, KIB4(t[i].pre), KIB4(t[i].min), KIB4(t[i].minds), t[i].maxd, t[i].refuse);
		REQUIRE_OK(fx_init(&f));   /* never fails the init */
		REQUIRE_OK(nvme_hmb_info(f.c, &hi));
		nvme_model_hmb_state(f.m, &ms);
		if (t[i].status == 1)
			CHECK_MSG(nvme_status_is(hi.status, NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD), "case %u: %s", i,
				  st(hi.status));
		else
			CHECK_MSG(hi.status == t[i].status, "case %u: status %s", i, st(hi.status));
		CHECK_MSG(hi.bytes == t[i].bytes && hi.chunks == t[i].chunks, "case %u: %llu bytes in %u chunks", i,
			  (unsigned long long)hi.bytes, hi.chunks);
		CHECK_MSG(hi.enabled == (t[i].status == 0) && ms.enabled == (t[i].status == 0), "case %u: enabled %d/%d",
			  i, hi.enabled, ms.enabled);
		if (t[i].status == 0)
			CHECK_MSG(ms.bytes == t[i].bytes && ms.descriptors == t[i].chunks, "case %u: model %llu/%u", i,
				  (unsigned long long)ms.bytes, ms.descriptors);
		else
			CHECK(host_env_log_contains(f.env, "running without it"));
		hmb_io(&f, 4, 50 + i);
		fx_finish(&f);   /* every chunk freed, no protocol error */
	}
	/* asked for none / not given */
	fx_defaults(&f);
	f.cfg.no_hmb = true;
	fx_start(&f);
	nvme_model_set_hmb(f.m, KIB4(8u << 20), KIB4(1u << 20), 0, 0, false);
	REQUIRE_OK(fx_init(&f));
	REQUIRE_OK(nvme_hmb_info(f.c, &hi));
	CHECK(!hi.enabled && hi.bytes == 0 && hi.status == NVME_ERR_UNSUPPORTED);
	fx_finish(&f);
	fx_defaults(&f);
	fx_up(&f);
	REQUIRE_OK(nvme_hmb_info(f.c, &hi));
	CHECK(!hi.enabled && hi.preferred == 0 && hi.status == NVME_ERR_UNSUPPORTED);
	CHECK(!host_env_log_contains(f.env, "host memory buffer"));
}

/* ------------------------------------------------------------------------ */
/* Device Self-test                                                          */
/* ------------------------------------------------------------------------ */

static void self_test(void)
{
	static struct fx f;
	struct nvme_self_test_log log;
	/* not advertised (QEMU 7.2): refused, nothing sent */
	fx_defaults(&f);
	fx_up(&f);
	CHECK_RC(nvme_self_test_start(f.c, 0, NVME_DST_SHORT), NVME_ERR_NOT_ADVERTISED);
	CHECK(strstr(nvme_ctrl_refusal(f.c), "OACS bit 4") != NULL);
	CHECK_RC(nvme_self_test_log_read(f.c, &log), NVME_ERR_NOT_ADVERTISED);
	CHECK_EQ(nvme_model_self_test_cmds(f.m), 0);
	fx_finish(&f);

	fx_defaults(&f);
	f.ecfg.clock_step_us = 100;
	fx_start(&f);
	nvme_model_set_self_test(f.m, true, 2000000, 10000000, 0, 0);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ctrl_id(f.c)->edstt, 1);   /* minutes */
	REQUIRE_OK(nvme_self_test_log_read(f.c, &log));
	CHECK(log.current == 0 && log.count == 0 && log.result[0].result == NVME_DST_RES_UNUSED);
	/* short, controller only: progress, then a result */
	REQUIRE_OK(nvme_self_test_start(f.c, 0, NVME_DST_SHORT));
	CHECK_DEV(nvme_self_test_start(f.c, 0, NVME_DST_SHORT), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_DEVICE_SELF_TEST_IN_PROGRESS);
	f.env->now += 1000000;
	REQUIRE_OK(nvme_self_test_log_read(f.c, &log));
	CHECK_EQ(log.current, NVME_DST_SHORT);
	CHECK(log.completion >= 45 && log.completion <= 55);
	f.env->now += 1100000;
	REQUIRE_OK(nvme_self_test_log_read(f.c, &log));
	CHECK(log.current == 0 && log.count == 1);
	CHECK(log.result[0].result == NVME_DST_RES_OK && log.result[0].code == NVME_DST_SHORT);
	CHECK_EQ(log.result[0].valid, 0);
	/* extended of namespace 2, aborted */
	REQUIRE_OK(nvme_self_test_start(f.c, 2, NVME_DST_EXTENDED));
	f.env->now += 3000000;
	REQUIRE_OK(nvme_self_test_abort(f.c));
	REQUIRE_OK(nvme_self_test_log_read(f.c, &log));
	CHECK(log.current == 0 && log.count == 2);
	CHECK(log.result[0].result == NVME_DST_RES_ABORTED_CMD && log.result[0].code == NVME_DST_EXTENDED);
	CHECK(log.result[0].valid == 1 && log.result[0].nsid == 2);
	CHECK(log.result[1].code == NVME_DST_SHORT);   /* newest first */
	/* a reset aborts a short test */
	REQUIRE_OK(nvme_self_test_start(f.c, NVME_NSID_ALL, NVME_DST_SHORT));
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	REQUIRE_OK(nvme_self_test_log_read(f.c, &log));
	CHECK_EQ(log.result[0].result, NVME_DST_RES_ABORTED_RESET);
	/* bad arguments */
	CHECK_RC(nvme_self_test_start(f.c, 0, 3), NVME_ERR_INVAL);
	CHECK_RC(nvme_self_test_start(f.c, 9999, NVME_DST_SHORT), NVME_ERR_NO_NAMESPACE);
	CHECK(strcmp(nvme_self_test_result_name(NVME_DST_RES_FAILED_SEGMENT),
		     "completed with one or more failed segments") == 0);
	fx_finish(&f);

	/* a failing segment */
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_self_test(f.m, true, 1000000, 5000000, 3, 4242);
	REQUIRE_OK(fx_init(&f));
	REQUIRE_OK(nvme_self_test_start(f.c, 1, NVME_DST_EXTENDED));
	f.env->now += 6000000;
	REQUIRE_OK(nvme_self_test_log_read(f.c, &log));
	const struct nvme_self_test_result *r = &log.result[0];
	CHECK(r->result == NVME_DST_RES_FAILED_SEGMENT && r->segment == 3 && r->valid == 0xF);
	CHECK(r->nsid == 1 && r->flba == 4242 && r->sct == NVME_SCT_MEDIA && r->sc == NVME_SC_UNRECOVERED_READ_ERROR);
}

/* ------------------------------------------------------------------------ */
/* Telemetry                                                                 */
/* ------------------------------------------------------------------------ */

static bool tel_block_ok(const uint8_t *b, uint8_t gen, size_t blk)
{
	for (size_t i = 0; i < 512; i++)
		if (b[i] != (uint8_t)(gen * 31u + blk * 7u + i))
			return false;
	return true;
}

static void telemetry(void)
{
	static struct fx f;
	struct nvme_telemetry_info ti;
	fx_defaults(&f);
	fx_up(&f);
	uint8_t *buf = fx_buf(&f, 64 * 512, 0, 0);
	CHECK_RC(nvme_telemetry_host_read(f.c, 1, true, buf, 64 * 512, &ti), NVME_ERR_NOT_ADVERTISED);
	fx_buf_free(&f, buf);
	fx_finish(&f);

	fx_defaults(&f);
	f.mcfg.mdts = 2;   /* 16 KiB transfers: the areas take several reads */
	fx_start(&f);
	nvme_model_set_telemetry(f.m, true, 5, 40, 300);
	REQUIRE_OK(fx_init(&f));
	size_t len = 301 * 512;
	buf = fx_buf(&f, len, 0, 0);
	for (unsigned area = 1; area <= 3; area++) {
		memset(buf, 0, len);
		REQUIRE_OK(nvme_telemetry_host_read(f.c, area, true, buf, len, &ti));
		CHECK_EQ(ti.host_gen, area);   /* one capture per create */
		CHECK(ti.da_last[0] == 5 && ti.da_last[1] == 40 && ti.da_last[2] == 300);
		CHECK(ti.oui[0] == 0x12 && ti.oui[1] == 0x34 && ti.oui[2] == 0x56);
		CHECK(strcmp((const char *)ti.reason, "nvme-model telemetry") == 0);
		CHECK_EQ(ti.bytes, ((size_t)ti.da_last[area - 1] + 1) * 512);
		CHECK_EQ(buf[0], NVME_LID_TELEMETRY_HOST);
		size_t bad = 0;
		for (size_t b = 1; b <= ti.da_last[area - 1]; b++)
			bad += !tel_block_ok(buf + b * 512, ti.host_gen, b);
		CHECK_MSG(bad == 0, "area %u: %zu blocks wrong", area, bad);
		if (area < 3)
			CHECK(buf[(size_t)(ti.da_last[area - 1] + 1) * 512] == 0);   /* nothing past the area */
	}
	/* without create: the same generation */
	REQUIRE_OK(nvme_telemetry_host_read(f.c, 1, false, buf, len, &ti));
	CHECK_EQ(ti.host_gen, 3);
	/* a buffer too small: the size it needs */
	CHECK_RC(nvme_telemetry_host_read(f.c, 3, false, buf, 1024, &ti), NVME_ERR_INVAL);
	CHECK_EQ(ti.bytes, 301 * 512);
	/* data changing while read: reported */
	nvme_model_telemetry_change_after(f.m, 3);
	CHECK_RC(nvme_telemetry_host_read(f.c, 2, false, buf, len, &ti), NVME_ERR_BAD_LOG_DATA);
	CHECK(host_env_log_contains(f.env, "changed while being read"));
	CHECK_RC(nvme_telemetry_host_read(f.c, 0, false, buf, len, &ti), NVME_ERR_INVAL);
	fx_buf_free(&f, buf);
}

/* Autonomous Power State Transition (Feature 0Ch) against the model: the
 * table written through the checked nvme_feat_set, read back by
 * nvme_apst_read and the checked nvme_feat_get without a buffer; idle time
 * moves the controller to the table's non-operational state, an I/O brings
 * it back; tables naming an operational or missing state are refused;
 * disabled or reset, nothing moves; a controller without APSTA refuses. */
static void apst_table(uint8_t *t, unsigned from, unsigned to, uint32_t ms)
{
	uint64_t e = (uint64_t)NVME_SET(NVME_APST_ENTRY_ITPS, to) | (uint64_t)NVME_SET(NVME_APST_ENTRY_ITPT, ms);
	for (unsigned k = 0; k < 8; k++)
		t[8 * from + k] = (uint8_t)(e >> (8 * k));
}

static void apst(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_power_states(f.m, 2, three_states, false);
	nvme_model_set_apst(f.m, true);
	REQUIRE_OK(fx_init(&f));
	struct nvme_apst a;
	CHECK_OK(nvme_apst_read(f.c, &a));
	CHECK(a.supported && !a.enabled);
	uint8_t *t = fx_buf(&f, NVME_APST_TABLE_BYTES, 0, 0);
	memset(t, 0, NVME_APST_TABLE_BYTES);
	apst_table(t, 0, 2, 100);   /* PS 0 -> PS 2 (non-operational) after 100 ms idle */
	struct nvme_feat_args sa = { .fid = NVME_FEAT_AUTO_PST, .cdw11 = 1, .buf = t, .len = NVME_APST_TABLE_BYTES };
	CHECK_OK(nvme_feat_set(f.c, &sa, 0, NULL));
	CHECK_OK(nvme_apst_read(f.c, &a));
	CHECK(a.enabled);
	CHECK_EQ(a.entry[0].itps, 2);
	CHECK_EQ(a.entry[0].itpt_ms, 100);
	CHECK_EQ(a.entry[1].itpt_ms, 0);
	uint32_t dw0 = 0;
	struct nvme_feat_args ga = { .fid = NVME_FEAT_AUTO_PST };   /* checked: the driver's buffer */
	CHECK_OK(nvme_feat_get(f.c, &ga, 0, &dw0));
	CHECK_EQ(dw0, 1);
	/* busy (less than 100 ms between commands): no transition */
	uint8_t ps = 9;
	f.env->now += 50000;
	CHECK_OK(nvme_power_get(f.c, &ps, NULL));
	CHECK_EQ(ps, 0);
	/* idle 150 ms: PS 2; an admin command does not wake it, an I/O does */
	f.env->now += 150000;
	CHECK_OK(nvme_power_get(f.c, &ps, NULL));
	CHECK_EQ(ps, 2);
	struct nvme_model_apst_state ast;
	nvme_model_apst_state(f.m, &ast);
	CHECK_EQ(ast.transitions, 1);
	CHECK_EQ(ast.wakeups, 0);
	CHECK(fx_roundtrip(&f, 1, 0, 4096, 0, 0, 0, 31, "apst wake"));
	CHECK_OK(nvme_power_get(f.c, &ps, NULL));
	CHECK_EQ(ps, 0);
	nvme_model_apst_state(f.m, &ast);
	CHECK_EQ(ast.wakeups, 1);
	/* refused tables: an operational target, a state beyond NPSS; nothing changes */
	apst_table(t, 0, 1, 100);
	CHECK_DEV(nvme_feat_set(f.c, &sa, 0, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	apst_table(t, 0, 5, 100);
	CHECK_DEV(nvme_feat_set(f.c, &sa, 0, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	CHECK_OK(nvme_apst_read(f.c, &a));
	CHECK(a.enabled && a.entry[0].itps == 2);
	/* disabled: the table is kept, nothing moves */
	apst_table(t, 0, 2, 100);
	sa.cdw11 = 0;
	CHECK_OK(nvme_feat_set(f.c, &sa, 0, NULL));
	f.env->now += 500000;
	CHECK_OK(nvme_power_get(f.c, &ps, NULL));
	CHECK_EQ(ps, 0);
	/* a controller reset disables it (not saveable) */
	sa.cdw11 = 1;
	CHECK_OK(nvme_feat_set(f.c, &sa, 0, NULL));
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(nvme_apst_read(f.c, &a));
	CHECK(a.supported && !a.enabled && a.entry[0].itpt_ms == 0);
	f.env->now += 500000;
	CHECK_OK(nvme_power_get(f.c, &ps, NULL));
	CHECK_EQ(ps, 0);
	sa.save = true;
	CHECK_DEV(nvme_feat_set(f.c, &sa, NVME_FEAT_RAW, NULL), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_FEATURE_ID_NOT_SAVEABLE);
	fx_buf_free(&f, t);
	fx_finish(&f);

	/* without APSTA: not read, and the device refuses the feature */
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_power_states(f.m, 2, three_states, false);
	REQUIRE_OK(fx_init(&f));
	CHECK_OK(nvme_apst_read(f.c, &a));
	CHECK(!a.supported);
	t = fx_buf(&f, NVME_APST_TABLE_BYTES, 0, 0);
	memset(t, 0, NVME_APST_TABLE_BYTES);
	struct nvme_feat_args na = { .fid = NVME_FEAT_AUTO_PST, .cdw11 = 1, .buf = t, .len = NVME_APST_TABLE_BYTES };
	CHECK_DEV(nvme_feat_set(f.c, &na, 0, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	fx_buf_free(&f, t);
}

static const struct check_test tests[] = {
	CHECK_TEST(quirks_table),
	CHECK_TEST(quirks_host_override_and_strings),
	CHECK_TEST(quirk_delay_before_rdy),
	CHECK_TEST(quirk_mqes_zero),
	CHECK_TEST(quirk_no_cns_06),
	CHECK_TEST(quirk_no_ns_list),
	CHECK_TEST(quirk_sqe_128),
	CHECK_TEST(quirk_shared_cids),
	CHECK_TEST(quirk_single_vector),
	CHECK_TEST(quirk_qdepth_one),
	CHECK_TEST(quirk_no_write_zeroes),
	CHECK_TEST(quirk_no_deepest_ps),
	CHECK_TEST(quirk_apple_t2),
	CHECK_TEST(cns_by_version),
	CHECK_TEST(ready_crto),
	CHECK_TEST(ready_crime),
	CHECK_TEST(slow_identify),
	CHECK_TEST(hmb_basic),
	CHECK_TEST(hmb_model_uses_it),
	CHECK_TEST(hmb_shapes),
	CHECK_TEST(self_test),
	CHECK_TEST(telemetry),
	CHECK_TEST(apst),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
