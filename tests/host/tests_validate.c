/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_validate.c - every value the device reports, fed a bad value: CQE
 * CID (out of range, not in flight, duplicate), SQ head, SQ identifier;
 * MDTS 0..255 at several MPSMIN; NN 0, 1, 2^32-1; active namespace lists
 * that are not increasing or exceed NN; NLBAF and FLBAS; LBADS 0..255; NSZE
 * 0; SQES/CQES; granted queue counts; log page lengths and offsets; CAP
 * MQES/TO/DSTRD/MPSMIN at and past their limits; CSTS all ones mid-run.
 * An invalid value must give a named error (or be ignored and counted),
 * never undefined behaviour: ASan/UBSan watch every case.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "nvme_internal.h"   /* NVME_MAX_AUTO_RESETS */

/* ------------------------------------------------------------------------ */
/* Completion queue entries                                                  */
/* ------------------------------------------------------------------------ */

static struct fx F;

static void cqe_setup(void)
{
	fx_defaults(&F);
	F.ecfg.clock_step_us = 50;
	F.cfg.io_timeout_ms = 20;
	F.cfg.io_queue_depth = 8;
	fx_up(&F);
}

static uint64_t bad_count(void)
{
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(nvme_ctrl_io_qpair(F.c, 0), &s);
	return s.bad_completions;
}

/* The completion of the next read is rewritten by `what`: the driver must
 * ignore it (counted), so the read itself times out; recovery (Abort, which
 * the model answers "not aborted", then a controller reset) retries it and
 * it succeeds; afterwards the queue still works. */
static void mangled_completion(unsigned what, uint16_t cid, uint16_t sqhd, uint16_t sqid, const char *name)
{
	cqe_setup();
	struct nvme_ns *ns = nvme_ns_get(F.c, 1);
	uint8_t *b = fx_buf(&F, 512, 0, 0);
	struct nvme_model_mangle m = { .cqid = 1, .count = 1, .what = what, .cid = cid, .sqhd = sqhd, .sqid = sqid };
	nvme_model_mangle(F.m, &m);
	uint64_t bad0 = bad_count();
	int rc = nvme_read(ns, NULL, 0, 1, b);
	CHECK_MSG(rc == 0, "%s: read -> %s, want the completion ignored, then recovered", name, st(rc));
	CHECK_MSG(bad_count() == bad0 + 1, "%s: %llu bad completions counted", name,
		  (unsigned long long)(bad_count() - bad0));
	CHECK(host_env_log_contains(F.env, "ignoring"));
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(F.c, &rs);
	CHECK_MSG(rs.timeouts == 1 && rs.aborts_sent == 1 && rs.resets_auto == 1 && rs.retried == 1,
		  "%s: timeouts %u aborts %u resets %u retried %u", name, rs.timeouts, rs.aborts_sent, rs.resets_auto,
		  rs.retried);
	/* the queue goes on: a reset releases the timed-out slot */
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	CHECK_OK(nvme_ctrl_reset(F.c));
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	fx_buf_free(&F, b);
	fx_finish(&F);
}

static void validate_cqe_cid_sqhd_sqid(void)
{
	mangled_completion(NVME_MODEL_MANGLE_CID, 7, 0, 0, "CID = nslots (out of range)");
	mangled_completion(NVME_MODEL_MANGLE_CID, 0xFFFF, 0, 0, "CID FFFFh");
	mangled_completion(NVME_MODEL_MANGLE_CID, 3, 0, 0, "CID of a free slot");
	mangled_completion(NVME_MODEL_MANGLE_SQHD, 0, 8, 0, "SQ head = depth");
	mangled_completion(NVME_MODEL_MANGLE_SQHD, 0, 0xFFFF, 0, "SQ head FFFFh");
	mangled_completion(NVME_MODEL_MANGLE_SQID, 0, 0, 2, "SQID of another queue");
	mangled_completion(NVME_MODEL_MANGLE_SQID, 0, 0, 0, "SQID 0 on an I/O queue");
}

/* Recovery gives up after NVME_MAX_AUTO_RESETS automatic resets in a row,
 * but an I/O success between two resets starts the count again: five
 * rounds of "a completion is ignored, the read times out, recovery resets
 * and retries it, the retry succeeds" never give up. The retried read's
 * success is a plain one (the reap's fast path, where the count is cleared
 * at the end of the pass when cb_depth's word is not back to 0). */
static void validate_resets_in_row_end_at_success(void)
{
	cqe_setup();
	struct nvme_ns *ns = nvme_ns_get(F.c, 1);
	uint8_t *b = fx_buf(&F, 512, 0, 0);
	const unsigned rounds = NVME_MAX_AUTO_RESETS + 2u;
	for (unsigned i = 0; i < rounds; i++) {
		struct nvme_model_mangle m = { .cqid = 1, .count = 1, .what = NVME_MODEL_MANGLE_CID, .cid = 7 };
		nvme_model_mangle(F.m, &m);
		int rc = nvme_read(ns, NULL, 0, 1, b);
		CHECK_MSG(rc == 0, "round %u: read -> %s, want recovered", i, st(rc));
	}
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(F.c, &rs);
	CHECK_EQ(rs.resets_auto, rounds);
	CHECK_EQ(rs.gave_up, 0);
	CHECK_EQ(nvme_ctrl_get_state(F.c), NVME_CTRL_READY);
	fx_buf_free(&F, b);
	fx_finish(&F);
}

static void validate_cqe_duplicate_and_spurious(void)
{
	cqe_setup();
	struct nvme_ns *ns = nvme_ns_get(F.c, 1);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(F.c, 0);
	uint8_t *b = fx_buf(&F, 512, 0, 0);
	/* duplicate: the second copy names a slot no longer in flight */
	struct nvme_model_mangle m = { .cqid = 1, .count = 1, .what = NVME_MODEL_MANGLE_DUPLICATE };
	nvme_model_mangle(F.m, &m);
	uint64_t bad0 = bad_count();
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	nvme_qpair_poll(q, 0);
	CHECK_EQ(bad_count(), bad0 + 1);
	/* a completion for a CID never submitted, with a command in flight */
	nvme_model_set_defer(F.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec rec = { 0 };
	CHECK_OK(nvme_read_async(ns, q, 0, 1, b, cb_record, &rec));
	CHECK_EQ(nvme_model_inject_cqe(F.m, 1, 1, 5, 0, 0), 0);
	CHECK_EQ(nvme_model_inject_cqe(F.m, 1, 1, 60000, 0, 0), 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	CHECK_EQ(rec.calls, 0);
	CHECK_EQ(bad_count(), bad0 + 3);
	nvme_model_release(F.m, ~0u);
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.status, 0);
	/* a stream of garbage completions larger than the queue: one lap per
	 * poll, nothing completed, nothing overrun */
	nvme_model_set_defer(F.m, 0, 0);
	for (int i = 0; i < 20; i++)
		nvme_model_inject_cqe(F.m, 1, 1, (uint16_t)(100 + i), 0, 0);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	CHECK_EQ(bad_count(), bad0 + 3 + 20);
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	/* admin queue: same rules */
	m = (struct nvme_model_mangle){ .cqid = 0, .count = 1, .what = NVME_MODEL_MANGLE_DUPLICATE };
	nvme_model_mangle(F.m, &m);
	uint32_t a, c;
	CHECK_OK(nvme_get_num_queues(F.c, &a, &c));
	CHECK_OK(nvme_get_num_queues(F.c, &a, &c));
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(nvme_ctrl_admin_qpair(F.c), &s);
	CHECK_EQ(s.bad_completions, 1);
	fx_buf_free(&F, b);
}

/* ------------------------------------------------------------------------ */
/* Identify Controller values                                                */
/* ------------------------------------------------------------------------ */

static void validate_mdts_all_values(void)
{
	static const uint8_t mpsmins[] = { 0, 2, 4 };
	for (unsigned k = 0; k < 3; k++) {
		for (unsigned mdts = 0; mdts <= 255; mdts++) {
			static struct fx f;
			fx_defaults(&f);
			f.mcfg.mpsmin = mpsmins[k];
			f.mcfg.mpsmax = 15;
			f.mcfg.mdts = (uint8_t)mdts;
			f.cfg.io_queue_count = 1;
			f.cfg.log_level = NVME_LOG_ERROR;
			int rc = fx_init(&f);
			uint64_t page = 4096ull << mpsmins[k];
			uint64_t lim = mdts == 0 || mdts + 12u + mpsmins[k] >= 40 ? UINT64_MAX
										 : 1ull << (12 + mpsmins[k] + mdts);
			uint64_t want = lim < (1u << 20) ? lim : (1u << 20);
			if (want < page)
				want = page;
			if (rc != 0 || nvme_ctrl_max_transfer(f.c) != want) {
				check_fail(__FILE__, __LINE__, "MPSMIN %u MDTS %u: init %s, max transfer %u, want %llu",
					   mpsmins[k], mdts, st(rc), rc == 0 ? nvme_ctrl_max_transfer(f.c) : 0,
					   (unsigned long long)want);
				fx_finish(&f);
				return;
			}
			if (mdts < 4 || mdts > 250) {
				/* a max-size transfer is accepted by the model (which enforces MDTS) */
				struct nvme_ns *ns = nvme_ns_get(f.c, 1);
				uint8_t *b = fx_buf(&f, (size_t)want, 0, 0);
				CHECK_OK(nvme_read(ns, NULL, 0, (uint32_t)(want / 512), b));
				fx_buf_free(&f, b);
			}
			fx_finish(&f);
		}
	}
	/* MDTS below the host page: refused with a named error */
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.page_size = 65536;
	f.mcfg.mdts = 1;   /* 8 KiB < 64 KiB page */
	CHECK_RC(fx_init(&f), NVME_ERR_BAD_MDTS);
	fx_finish(&f);
	/* and a patched MDTS (device lies: reports 0, enforces 5): the driver's
	 * commands fail with the device's Invalid Field, nothing worse */
	fx_defaults(&f);
	f.mcfg.mdts = 5;
	fx_start(&f);
	nvme_model_patch_byte_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, mdts), 0);
	REQUIRE_OK(fx_init(&f));
	uint8_t *b = fx_buf(&f, 1 << 20, 0, 0);
	CHECK_DEV(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 2048, b), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	fx_buf_free(&f, b);
}

static void validate_nn(void)
{
	static struct fx f;
	/* NN 0: no namespaces (the list is not even asked for) */
	fx_defaults(&f);
	fx_start(&f);
	uint32_t v = 0;
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, nn), &v, 4);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ns_count(f.c), 0);
	CHECK_EQ(nvme_ns_active_count(f.c), 0);
	fx_finish(&f);
	/* NN 1 while the list names 1 and 2: entries above NN are not used */
	fx_defaults(&f);
	fx_start(&f);
	v = 1;
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, nn), &v, 4);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ns_count(f.c), 1);
	CHECK(nvme_ns_get(f.c, 2) == NULL);
	fx_finish(&f);
	/* NN FFFFFFFFh (broadcast value): not used as a loop bound; works */
	fx_defaults(&f);
	fx_start(&f);
	v = 0xFFFFFFFFu;
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, nn), &v, 4);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ns_count(f.c), 2);
	fx_finish(&f);
	/* NN FFFFFFFEh with the real list */
	fx_defaults(&f);
	f.mcfg.nn_auto = false;
	f.mcfg.nn = 0xFFFFFFFEu;
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ns_count(f.c), 2);
}

static void ns_list_case(const uint32_t *list, uint32_t n, uint32_t want_count, const uint32_t *want_ids)
{
	static struct fx f;
	fx_defaults(&f);
	static struct nvme_model_ns_config nsc[6];
	for (unsigned i = 0; i < 6; i++)
		nsc[i] = (struct nvme_model_ns_config){ .nsid = 1 + i, .lba_size = 512, .blocks = 16 };
	f.mcfg.ns = nsc;
	f.mcfg.ns_count = 6;
	fx_start(&f);
	nvme_model_patch_ns_list(f.m, list, n);
	int rc = fx_init(&f);
	CHECK_MSG(rc == 0, "init -> %s", st(rc));
	if (rc == 0) {
		CHECK_EQ(nvme_ns_count(f.c), want_count);
		for (uint32_t i = 0; i < want_count && i < nvme_ns_count(f.c); i++)
			CHECK_EQ(nvme_ns_at(f.c, i)->nsid, want_ids[i]);
	}
	fx_finish(&f);
}

static void validate_ns_list(void)
{
	const uint32_t dec[] = { 1, 3, 2, 4 }, w1[] = { 1, 3 };
	ns_list_case(dec, 4, 2, w1);               /* not increasing: cut there */
	const uint32_t dup[] = { 2, 2, 5 }, w2[] = { 2 };
	ns_list_case(dup, 3, 1, w2);
	const uint32_t big[] = { 1, 7, 8 }, w3[] = { 1 };
	ns_list_case(big, 3, 1, w3);               /* 7 > NN (6) */
	const uint32_t bc[] = { 4, 0xFFFFFFFFu }, w4[] = { 4 };
	ns_list_case(bc, 2, 1, w4);
	const uint32_t inactive[] = { 2, 5 }, w5[] = { 2, 5 };
	ns_list_case(inactive, 2, 2, w5);
	ns_list_case(NULL, 0, 0, NULL);            /* empty list */
	/* a full list of 1024 valid entries followed by a repeat: bounded walk */
	static uint32_t full[1024];
	for (unsigned i = 0; i < 1024; i++)
		full[i] = 1 + (i % 6);                 /* 1..6, 1..6, ...: non-increasing after 6 */
	const uint32_t w6[] = { 1, 2, 3, 4, 5, 6 };
	ns_list_case(full, 1024, 6, w6);
	/* nvme_ns_list_active reports the bad list */
	static struct fx f;
	fx_defaults(&f);
	fx_start(&f);
	REQUIRE_OK(fx_init(&f));
	const uint32_t bad[] = { 9, 1 };
	nvme_model_patch_ns_list(f.m, bad, 2);
	uint32_t out[8], n = 99;
	CHECK_RC(nvme_ns_list_active(f.c, 0, out, 8, &n), NVME_ERR_BAD_NS_LIST);   /* 9 > NN 2 */
	CHECK_EQ(n, 0);
}

static void validate_lbaf(void)
{
	/* NLBAF 0..255 with FLBAS 0: NLBAF > 63 is refused, others usable */
	for (unsigned nlbaf = 0; nlbaf <= 255; nlbaf += (nlbaf < 70 ? 1 : 37)) {
		static struct fx f;
		fx_defaults(&f);
		f.cfg.log_level = NVME_LOG_ERROR;
		fx_start(&f);
		nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, nlbaf), (uint8_t)nlbaf);
		nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, flbas), 0);
		REQUIRE_OK(fx_init(&f));
		struct nvme_ns *ns = nvme_ns_get(f.c, 1);
		REQUIRE(ns);
		int want = nlbaf > 63 ? NVME_ERR_BAD_LBAF : 0;
		CHECK_MSG(ns->unusable == want, "NLBAF %u: unusable %s", nlbaf, st(ns->unusable));
		if (want == 0)
			CHECK_EQ(ns->format_count, nlbaf + 1);
		uint8_t *b = fx_buf(&f, 512, 0, 0);
		CHECK_RC(nvme_read(ns, NULL, 0, 1, b), want ? NVME_ERR_UNSUPPORTED : 0);
		fx_buf_free(&f, b);
		fx_finish(&f);
	}
	/* FLBAS index past NLBAF (low and high index bits) */
	static const struct { uint8_t nlbaf, flbas; int want; } cases[] = {
		{ 3, 4, NVME_ERR_BAD_LBAF }, { 0, 1, NVME_ERR_BAD_LBAF }, { 3, 0x0F, NVME_ERR_BAD_LBAF },
		{ 3, 0x20, NVME_ERR_BAD_LBAF }, { 3, 0x10, 0 } /* extended bit only */, { 3, 0x60, NVME_ERR_BAD_LBAF },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		fx_start(&f);
		nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, nlbaf), cases[i].nlbaf);
		nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, flbas), cases[i].flbas);
		REQUIRE_OK(fx_init(&f));   /* one bad namespace never fails init */
		struct nvme_ns *ns = nvme_ns_get(f.c, 1);
		REQUIRE(ns);
		CHECK_MSG(ns->unusable == cases[i].want, "NLBAF %u FLBAS %02x: unusable %s", cases[i].nlbaf,
			  cases[i].flbas, st(ns->unusable));
		CHECK_EQ(nvme_ns_get(f.c, 2)->unusable, 0);
		fx_finish(&f);
	}
}

static void validate_lbads(void)
{
	for (unsigned lbads = 0; lbads <= 255; lbads++) {
		static struct fx f;
		fx_defaults(&f);
		f.cfg.log_level = NVME_LOG_ERROR;
		fx_start(&f);
		/* NS 1's current format is index 0 (512 B) */
		nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, lbaf[0].lbads), (uint8_t)lbads);
		int rc = fx_init(&f);
		if (rc != 0) {
			check_fail(__FILE__, __LINE__, "LBADS %u: init -> %s", lbads, st(rc));
			fx_finish(&f);
			return;
		}
		struct nvme_ns *ns = nvme_ns_get(f.c, 1);
		int want = lbads < 9 || lbads > 16 ? NVME_ERR_BAD_LBADS
			 : (1u << lbads) > nvme_ctrl_max_transfer(f.c) ? NVME_ERR_UNSUPPORTED : 0;
		if (!ns || ns->unusable != want) {
			check_fail(__FILE__, __LINE__, "LBADS %u: unusable %s, want %s", lbads, ns ? st(ns->unusable) : "-",
				   st(want));
			fx_finish(&f);
			return;
		}
		if (want == 0) {
			CHECK_EQ(ns->lba_size, 1u << lbads);
			CHECK_EQ(ns->max_blocks, nvme_ctrl_max_transfer(f.c) >> lbads);
		} else {
			uint8_t *b = fx_buf(&f, 512, 0, 0);
			CHECK_RC(nvme_read_bytes(ns, NULL, 0, b, 1), NVME_ERR_UNSUPPORTED);
			fx_buf_free(&f, b);
		}
		fx_finish(&f);
	}
	/* NSZE 0 for a listed namespace */
	static struct fx f;
	fx_defaults(&f);
	fx_start(&f);
	uint64_t z = 0;
	nvme_model_patch_id_ns(f.m, 2, offsetof(struct nvme_id_ns, nsze), &z, 8);
	REQUIRE_OK(fx_init(&f));
	CHECK_EQ(nvme_ns_get(f.c, 2)->unusable, NVME_ERR_BAD_ID);
}

static void validate_qes(void)
{
	static const struct { uint8_t sqes, cqes; int rc; } cases[] = {
		{ 0x66, 0x44, 0 }, { 0x76, 0x44, 0 }, { 0x66, 0x54, 0 }, { 0x77, 0x44, NVME_ERR_BAD_QES },
		{ 0x55, 0x44, NVME_ERR_BAD_QES }, { 0x66, 0x55, NVME_ERR_BAD_QES }, { 0x66, 0x33, NVME_ERR_BAD_QES },
		{ 0x00, 0x00, NVME_ERR_BAD_QES }, { 0xFF, 0xFF, NVME_ERR_BAD_QES }, { 0x6F, 0x44, NVME_ERR_BAD_QES },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		fx_start(&f);
		nvme_model_patch_byte_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, sqes), cases[i].sqes);
		nvme_model_patch_byte_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, cqes), cases[i].cqes);
		int rc = fx_init(&f);
		CHECK_MSG(rc == cases[i].rc, "SQES %02x CQES %02x: init -> %s, want %s", cases[i].sqes, cases[i].cqes,
			  st(rc), st(cases[i].rc));
		fx_finish(&f);
	}
}

static void validate_queue_grant(void)
{
	static const struct { uint32_t answer; uint32_t want_queues; int rc; } cases[] = {
		{ 0x00000000u, 1, 0 },                    /* one SQ, one CQ */
		{ 0x00000003u, 1, 0 },                    /* 4 SQs, 1 CQ: pairs = 1 */
		{ 0x00030000u, 1, 0 },
		{ 0x00030003u, 4, 0 },
		{ 0xFFFEFFFEu, 8, 0 },                    /* 65535 each: clamped to what was asked */
		{ 0x0000FFFFu, 0, NVME_ERR_BAD_QUEUE_GRANT },
		{ 0xFFFF0000u, 0, NVME_ERR_BAD_QUEUE_GRANT },
		{ 0xFFFFFFFFu, 0, NVME_ERR_BAD_QUEUE_GRANT },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		f.mcfg.nq_answer_set = true;
		f.mcfg.nq_answer = cases[i].answer;
		f.cfg.io_queue_count = 8;
		int rc = fx_init(&f);
		CHECK_MSG(rc == cases[i].rc, "answer %08x: init -> %s, want %s", cases[i].answer, st(rc),
			  st(cases[i].rc));
		if (rc == 0) {
			CHECK_MSG(nvme_ctrl_io_queue_count(f.c) == cases[i].want_queues, "answer %08x: %u queues",
				  cases[i].answer, nvme_ctrl_io_queue_count(f.c));
			/* never a qid above the grant */
			CHECK_EQ(nvme_model_io_sq_count(f.m), cases[i].want_queues);
			/* beyond the grant: refused (a grant of 65535 leaves room up to the
			 * driver's NVME_CFG_MAX_IO_QUEUES) */
			CHECK_RC(nvme_qpair_create(f.c, (uint16_t)(cases[i].want_queues + 1), 0, NULL),
				 cases[i].answer == 0xFFFEFFFEu ? 0 : NVME_ERR_BAD_QUEUE);
		}
		fx_finish(&f);
	}
}

#if NVME_CFG_LOGS || NVME_CFG_SUPPORT   /* nvme_get_log_page() is not in the core configuration */
static void validate_log_lengths(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	uint8_t *b = fx_buf(&f, 8192, 0, 0);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 0, b, 0, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 0, b, 6, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 2, b, 512, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 0, NULL, 512, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0x10, 0, 0, b, 512, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 0, b, ((size_t)1 << 34) + 4, false),
		 NVME_ERR_BAD_LOG_LENGTH);
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_SMART, 0, NVME_NSID_ALL, 0, b, 512, false));
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 64, b, 448, false));
	CHECK_DEV(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 1024, b, 512, false), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
	CHECK_DEV(nvme_get_log_page(f.c, 0x70, 0, 0, 0, b, 512, false), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_INVALID_LOG_PAGE);
	fx_buf_free(&f, b);
	fx_finish(&f);
	/* without LPA extended data: no offset, no NUMDU */
	fx_defaults(&f);
	f.mcfg.lpa = 0;
	f.mcfg.mdts = 0;
	f.cfg.max_transfer = 1u << 20;
	fx_up(&f);
	b = fx_buf(&f, 8192, 0, 0);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_SMART, 0, 0, 64, b, 448, false), NVME_ERR_BAD_LOG_LENGTH);
	uint8_t *big = fx_buf(&f, 512 * 1024, 0, 0);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, big, 256 * 1024 + 4, false), NVME_ERR_BAD_LOG_LENGTH);
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, big, 256 * 1024, false));
	fx_buf_free(&f, big);
	fx_buf_free(&f, b);
}
#endif

/* ------------------------------------------------------------------------ */
/* CAP and CSTS                                                              */
/* ------------------------------------------------------------------------ */

static void validate_cap_limits(void)
{
	static struct fx f;
	/* MQES FFFFh: 65536-entry queues are allowed and work */
	fx_defaults(&f);
	f.mcfg.mqes = 0xFFFF;
	f.cfg.io_queue_depth = 65536;
	f.cfg.admin_queue_depth = 65536;
	fx_up(&f);
	CHECK_EQ(nvme_model_sq_size(f.m, 1), 65536);
	CHECK_EQ(NVME_GET(nvme_model_aqa(f.m), NVME_AQA_ASQS), 4095);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 1, b));
	fx_buf_free(&f, b);
	fx_finish(&f);
	/* DSTRD 15 (128 KiB stride): fine when the BAR has the doorbells... */
	fx_defaults(&f);
	f.mcfg.dstrd = 15;
	f.mcfg.max_io_sq = f.mcfg.max_io_cq = 4;
	f.cfg.io_queue_count = 4;
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 4);
	b = fx_buf(&f, 512, 0, 0);
	for (uint32_t i = 0; i < 4; i++)
		CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), nvme_ctrl_io_qpair(f.c, i), 0, 1, b));
	fx_buf_free(&f, b);
	fx_finish(&f);
	/* ...and refused with a named error when they lie beyond the BAR */
	fx_defaults(&f);
	f.mcfg.dstrd = 15;
	f.bar_size = 0x4000;
	CHECK_RC(fx_init(&f), NVME_ERR_BAD_CAP);
	fx_finish(&f);
	/* admin doorbells fit, I/O doorbells do not: admin-only use still works */
	fx_defaults(&f);
	f.mcfg.dstrd = 12;   /* 16 KiB stride: SQ1 at 0x9000 */
	f.bar_size = 0x8000;
	int rc = fx_init(&f);
	CHECK_MSG(rc == NVME_ERR_BAD_CAP || (rc == 0 && nvme_ctrl_io_queue_count(f.c) == 0),
		  "I/O doorbells beyond the BAR: init -> %s", st(rc));
	fx_finish(&f);
	/* a CAP value changed under the driver (e.g. read during a reset) */
	fx_defaults(&f);
	fx_up(&f);
	uint64_t cap = NVME_SET(NVME_CAP_MQES, 0) | NVME_SET(NVME_CAP_TO, 1) | NVME_SET(NVME_CAP_CSS, 1);
	nvme_model_set_cap(f.m, true, cap);
	rc = nvme_ctrl_reset(f.c);
	/* either the old CAP is kept or the new one is validated: never a
	 * queue of one entry */
	CHECK(rc == 0 || rc == NVME_ERR_BAD_CAP);
	nvme_model_set_cap(f.m, false, 0);
}

static enum nvme_model_cqe_action vanish_hook(void *ctx, struct nvme_model *m, uint16_t cqid,
					      struct nvme_cqe *cqe)
{
	(void)ctx;
	(void)cqe;
	if (cqid == 0)
		return NVME_MODEL_CQE_POST;
	nvme_model_set_gone(m, true);
	return NVME_MODEL_CQE_DROP;
}

static void validate_device_gone_midway(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	f.cfg.io_timeout_ms = 50;
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	/* gone with a command in flight: async poll notices within 64 empty polls */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec rec = { 0 };
	CHECK_OK(nvme_read_async(ns, q, 0, 1, b, cb_record, &rec));
	nvme_model_set_gone(f.m, true);
	int rc = 0;
	for (int i = 0; i < 200 && rc >= 0; i++)
		rc = nvme_qpair_poll(q, 0);
	CHECK_RC(rc, NVME_ERR_DEVICE_GONE);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_GONE);
	CHECK_RC(nvme_read(ns, q, 0, 1, b), NVME_ERR_DEVICE_GONE);
	CHECK_RC(nvme_ctrl_reset(f.c), NVME_ERR_DEVICE_GONE);
	CHECK_RC(nvme_ctrl_shutdown(f.c, false), NVME_ERR_DEVICE_GONE);
	uint32_t n;
	CHECK_RC(nvme_get_num_queues(f.c, &n, &n), NVME_ERR_DEVICE_GONE);
	/* the command completed once, with the named error, when the poll
	 * noticed; detach returns everything and calls nothing again */
	CHECK_EQ(rec.calls, 1);
	CHECK_RC(rec.status, NVME_ERR_DEVICE_GONE);
	CHECK(!rec.had_cqe);
	nvme_ctrl_detach(f.c);
	CHECK_EQ(rec.calls, 1);
	fx_buf_free(&f, b);
	fx_finish(&f);
	/* gone during a synchronous command: the device vanishes instead of
	 * posting the completion; the wait notices (CSTS) before the timeout */
	fx_defaults(&f);
	f.ecfg.clock_step_us = 50;
	f.cfg.io_timeout_ms = 50;
	fx_up(&f);
	b = fx_buf(&f, 512, 0, 0);
	nvme_model_set_cqe_hook(f.m, vanish_hook, NULL);
	uint64_t t0 = f.env->now;
	CHECK_RC(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 1, b), NVME_ERR_DEVICE_GONE);
	CHECK((f.env->now - t0) < 50000);
	nvme_model_set_cqe_hook(f.m, NULL, NULL);
	fx_buf_free(&f, b);
}

static void validate_id_strings(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_start(&f);
	uint8_t sn[20], mn[40], fr[8];
	for (int i = 0; i < 20; i++)
		sn[i] = (uint8_t)(i == 3 ? 0x00 : i == 5 ? 0x07 : i == 7 ? 0xFF : 'A' + i);
	memset(mn, 'M', sizeof(mn));       /* no padding at all: 40 characters */
	memset(fr, ' ', sizeof(fr));       /* all padding: empty */
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, sn), sn, 20);
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, mn), mn, 40);
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, fr), fr, 8);
	REQUIRE_OK(fx_init(&f));
	const char *s = nvme_ctrl_serial(f.c), *m = nvme_ctrl_model(f.c), *v = nvme_ctrl_firmware(f.c);
	CHECK(strlen(s) <= 20);
	for (const char *p = s; *p; p++)
		CHECK_MSG(*p >= 0x20 && *p < 0x7F, "serial has byte %02x", (unsigned)(uint8_t)*p);
	CHECK_EQ(strlen(m), 40);
	CHECK_EQ(strlen(v), 0);
}

static void validate_grant_shrinks_on_reset(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 4;
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 4);
	nvme_model_set_nq_answer(f.m, 0x00010001u);   /* 2 + 2 from now on */
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 2);
	CHECK(nvme_ctrl_io_qpair(f.c, 2) == NULL && nvme_ctrl_io_qpair(f.c, 3) == NULL);
	CHECK_EQ(nvme_model_io_sq_count(f.m), 2);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	for (uint32_t i = 0; i < 2; i++)
		CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), nvme_ctrl_io_qpair(f.c, i), 0, 1, b));
	CHECK_RC(nvme_qpair_create(f.c, 3, 0, NULL), NVME_ERR_BAD_QUEUE);
	/* more granted again: the wanted count comes back */
	nvme_model_set_nq_answer(f.m, 0x003F003Fu);
	REQUIRE_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), 4);
	CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), nvme_ctrl_io_qpair(f.c, 3), 0, 1, b));
	/* and an invalid answer at reset: the reset fails with the named error */
	nvme_model_set_nq_answer(f.m, 0xFFFFFFFFu);
	CHECK_RC(nvme_ctrl_reset(f.c), NVME_ERR_BAD_QUEUE_GRANT);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_FAILED);
	fx_buf_free(&f, b);
}

static const struct check_test tests[] = {
	CHECK_TEST(validate_cqe_cid_sqhd_sqid),
	CHECK_TEST(validate_resets_in_row_end_at_success),
	CHECK_TEST(validate_cqe_duplicate_and_spurious),
	CHECK_TEST(validate_mdts_all_values),
	CHECK_TEST(validate_nn),
	CHECK_TEST(validate_ns_list),
	CHECK_TEST(validate_lbaf),
	CHECK_TEST(validate_lbads),
	CHECK_TEST(validate_qes),
	CHECK_TEST(validate_queue_grant),
	CHECK_TEST(validate_grant_shrinks_on_reset),
	CHECK_TEST(validate_id_strings),
#if NVME_CFG_LOGS || NVME_CFG_SUPPORT
	CHECK_TEST(validate_log_lengths),
#endif
	CHECK_TEST(validate_cap_limits),
	CHECK_TEST(validate_device_gone_midway),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
