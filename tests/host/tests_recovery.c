/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_recovery.c - fault injection against the driver's recovery
 * (drivers/nvme/nvme_recover.c): every fault class of the model
 * (model/nvme_model_fault.h, plus the register knobs of nvme_model.h), for
 * I/O and admin commands, at queue depth 1 and with the queue full.
 *
 * Each case checks the three things that matter:
 *  - every request submitted ends exactly once (its callback runs once,
 *    and never again however long we keep polling afterwards), with
 *    success or the error the fault should give;
 *  - data: a write that completed successfully is on the medium, a read
 *    that completed successfully returned the right data; across a power
 *    cut no acknowledged-and-flushed write is lost;
 *  - the driver is usable afterwards (a write/read round trip works), or
 *    cleanly failed (named errors, and nvme_ctrl_reset() recovers once the
 *    fault is gone).
 *
 * The matrix (fault x {io, admin} x {qd1, full}) is generated: each
 * combination is one case named recovery_<io|admin>_<fault>_<qd1|full>.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "model/nvme_model_ext.h"
#include "model/nvme_model_fault.h"

#define IO_DEPTH      16u            /* I/O queue depth: 15 commands in flight */
#define IO_FULL       (IO_DEPTH - 1u)
#define ADMIN_DEPTH   3u             /* full admin queue: one AER + one command */
#define NREQ_FULL     45u            /* requests of a full-depth run (3 queue loads) */
#define NREQ_QD1      6u
#define BLK           4096u          /* namespace 2: 4 KiB blocks */
#define MAX_REQ       256u

/* Outcomes a case accepts */
enum want {
	W_OK = 1,        /* every request succeeds */
	W_DEV,           /* the faulted request fails with the injected device status */
	W_TIMEOUT,       /* the faulted request fails with NVME_ERR_TIMEOUT */
	W_ABORTED,       /* the faulted request fails with NVME_ERR_ABORTED */
	W_FATAL,         /* requests fail with NVME_ERR_CTRL_FATAL (reset failed) */
	W_GONE           /* requests fail with NVME_ERR_DEVICE_GONE */
};

struct fault_case {
	const char *name;
	struct nvme_model_fault rule;     /* qid/opc filled in per run */
	enum want io, admin;              /* expected outcome of the faulted request */
	bool rdy_never;                   /* the recovery's reset cannot enable (with CFS) */
};

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

struct req {
	unsigned calls;
	int status;
	bool had_cqe;
	bool submitted;
	bool write;
	uint64_t lba;
	uint8_t *buf;
};

/* The host's periodic admin call: nvme_ctrl_poll_admin() with events built
 * in; without them (the core configuration) what it does besides events. */
static int poll_admin(struct nvme_ctrl *c)
{
#if NVME_CFG_AER
	return nvme_ctrl_poll_admin(c);
#else
	int rc = nvme_qpair_poll(nvme_ctrl_admin_qpair(c), 0);
	return rc < 0 ? rc : nvme_ctrl_check_timeouts(c);
#endif
}

static void req_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct req *r = arg;
	r->calls++;
	r->status = status;
	r->had_cqe = cqe != NULL;
}

static struct nvme_ns *ns2(struct fx *f)
{
	return nvme_ns_get(f->c, 2);
}

/* The fixture configuration of these tests, before fx_up (a test that
 * changes the model's namespaces first calls this, changes them, then
 * fx_up; the others call setup). */
static void setup_cfg(struct fx *f, bool admin_full, bool no_aer)
{
	fx_defaults(f);
	f->ecfg.clock_step_us = 20;
	f->mcfg.to = 1;                     /* CAP.TO 500 ms: the admin timeout */
	f->cfg.admin_timeout_ms = 100;
	f->cfg.io_timeout_ms = 100;
	f->cfg.io_queue_depth = IO_DEPTH;
	f->cfg.admin_queue_depth = admin_full ? ADMIN_DEPTH : 32u;
	f->cfg.no_aer = no_aer;
	f->cfg.log_level = NVME_LOG_WARN;
}

static void setup(struct fx *f, bool admin_full, bool no_aer)
{
	setup_cfg(f, admin_full, no_aer);
	fx_up(f);
}

/* Time passes while the host polls: the model's timers run too. */
static void advance(struct fx *f, uint64_t us)
{
	f->env->now += us;
	nvme_model_tick_all();
}

/* Poll q (and the controller's periodic call) until every submitted request
 * has completed; bounded. Returns true if they all did. */
static bool drain(struct fx *f, struct nvme_qpair *q, struct req *r, unsigned n)
{
	for (unsigned it = 0; it < 400000u; it++) {
		bool all = true;
		for (unsigned i = 0; i < n; i++)
			if (r[i].submitted && r[i].calls == 0)
				all = false;
		if (all)
			return true;
		if (q != NULL)
			(void)nvme_qpair_poll(q, 0);
		advance(f, 20);
		if ((it & 7u) == 0)
			(void)poll_admin(f->c);
	}
	return false;
}

/* Keep polling a while longer: nothing may complete twice. */
static void settle(struct fx *f, struct nvme_qpair *q)
{
	for (unsigned it = 0; it < 3000u; it++) {
		if (q != NULL)
			(void)nvme_qpair_poll(q, 0);
		advance(f, 100);
		if ((it & 7u) == 0)
			(void)poll_admin(f->c);
	}
}

/* Deterministic block contents. */
static void block_fill(uint8_t *b, uint64_t lba, uint32_t version)
{
	fill_pattern(b, BLK, lba * 1000003u + version);
}

/*
 * n requests (writes, or reads of data preloaded into the model) to
 * distinct LBAs from lba0, at most qd in flight. A submission refused with
 * QUEUE_FULL or BOUNCE_BUSY is retried after a poll; another refusal is
 * recorded as not submitted (the controller is failed or gone).
 */
static void run_io(struct fx *f, struct req *r, unsigned n, unsigned qd, bool write, uint64_t lba0)
{
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f->c, 0);
	unsigned next = 0;
	memset(r, 0, sizeof(*r) * n);
	for (unsigned i = 0; i < n; i++) {
		r[i].lba = lba0 + i;
		r[i].write = write;
		r[i].buf = fx_buf(f, BLK, 0, 0);
		if (write) {
			block_fill(r[i].buf, r[i].lba, 1);
		} else {
			uint8_t tmp[BLK];
			block_fill(tmp, r[i].lba, 7);
			REQUIRE(nvme_model_ns_write(f->m, 2, r[i].lba, 1, tmp) == 0);
		}
	}
	for (unsigned it = 0; next < n && it < 400000u; it++) {
		unsigned inflight = 0;
		for (unsigned i = 0; i < next; i++)
			inflight += r[i].submitted && r[i].calls == 0;
		if (inflight < qd) {
			int rc = write ? nvme_write_async(ns2(f), q, r[next].lba, 1, r[next].buf, req_cb, &r[next])
				       : nvme_read_async(ns2(f), q, r[next].lba, 1, r[next].buf, req_cb, &r[next]);
			if (rc == 0) {
				r[next].submitted = true;
				next++;
				continue;   /* fill the queue before polling */
			}
			if (rc != NVME_ERR_QUEUE_FULL && rc != NVME_ERR_BOUNCE_BUSY) {
				r[next].status = rc;   /* refused: never in flight */
				next++;
				continue;
			}
		}
		(void)nvme_qpair_poll(q, 0);
		advance(f, 20);
		if ((it & 7u) == 0)
			(void)poll_admin(f->c);
	}
	CHECK_MSG(next == n, "only %u of %u requests were submitted or refused", next, n);
	CHECK_MSG(drain(f, q, r, n), "requests still in flight after the bound");
	settle(f, q);
}

#define ANY_ERROR 1   /* want1 of check_reqs: any failure is accepted */

/* Exactly once; the successful ones moved the right data; the failed ones
 * failed with an accepted status. Returns the number of failures. */
static unsigned check_reqs(struct fx *f, struct req *r, unsigned n, const char *what, int want1, int want2)
{
	unsigned failed = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!r[i].submitted) {
			failed++;
			CHECK_MSG(want1 == ANY_ERROR || r[i].status == want1 || r[i].status == want2,
				  "%s: request %u refused with %s", what, i, st(r[i].status));
			continue;
		}
		CHECK_MSG(r[i].calls == 1, "%s: request %u (lba %llu) completed %u times", what, i,
			  (unsigned long long)r[i].lba, r[i].calls);
		if (r[i].status != 0) {
			failed++;
			CHECK_MSG(want1 == ANY_ERROR || r[i].status == want1 || r[i].status == want2,
				  "%s: request %u failed with %s", what, i, st(r[i].status));
			continue;
		}
		uint8_t want[BLK];
		if (r[i].write) {
			uint8_t got[BLK];
			block_fill(want, r[i].lba, 1);
			REQUIRE(nvme_model_ns_read(f->m, 2, r[i].lba, 1, got) == 0);
			CHECK_MSG(memcmp(got, want, BLK) == 0, "%s: acknowledged write %u (lba %llu) not on the medium",
				  what, i, (unsigned long long)r[i].lba);
		} else {
			block_fill(want, r[i].lba, 7);
			CHECK_MSG(memcmp(r[i].buf, want, BLK) == 0, "%s: read %u (lba %llu) returned wrong data", what, i,
				  (unsigned long long)r[i].lba);
		}
	}
	return failed;
}

static void free_reqs(struct fx *f, struct req *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (r[i].buf)
			fx_buf_free(f, r[i].buf);
}

/* The driver is usable (round trip), or cleanly failed and recovers by a
 * host reset once the faults are gone. */
static void check_usable_after(struct fx *f)
{
	nvme_model_fault_clear(f->m);
	nvme_model_set_rdy_never(f->m, false);
	nvme_model_set_fail_enable(f->m, false);
	enum nvme_ctrl_state s = nvme_ctrl_get_state(f->c);
	uint8_t *w = fx_buf(f, BLK, 0, 0), *rd = fx_buf(f, BLK, 0, 0);
	if (s == NVME_CTRL_GONE) {
		CHECK_RC(nvme_read(ns2(f), NULL, 0, 1, rd), NVME_ERR_DEVICE_GONE);
		CHECK_RC(nvme_qpair_poll(nvme_ctrl_io_qpair(f->c, 0), 0), NVME_ERR_DEVICE_GONE);
		CHECK_RC(nvme_ctrl_reset(f->c), NVME_ERR_DEVICE_GONE);
		uint32_t a, b;
		CHECK_RC(nvme_get_num_queues(f->c, &a, &b), NVME_ERR_DEVICE_GONE);
		CHECK_RC(nvme_ctrl_check_timeouts(f->c), NVME_ERR_DEVICE_GONE);
	} else {
		if (s != NVME_CTRL_READY) {
			CHECK_RC(nvme_read(ns2(f), NULL, 0, 1, rd), NVME_ERR_CTRL_FATAL);
			nvme_model_set_cfs(f->m, false);
			CHECK_OK(nvme_ctrl_reset(f->c));
		}
		CHECK_EQ(nvme_ctrl_get_state(f->c), NVME_CTRL_READY);
		block_fill(w, 4000, 3);
		CHECK_OK(nvme_write(ns2(f), NULL, 4000, 1, w));
		CHECK_OK(nvme_read(ns2(f), NULL, 4000, 1, rd));
		CHECK_MEM(w, rd, BLK);
		uint32_t a, b;
		CHECK_OK(nvme_get_num_queues(f->c, &a, &b));
#if NVME_CFG_AER
		for (uint32_t i = 0; i < 20 && nvme_aer_outstanding(f->c) == 0 && !f->cfg.no_aer; i++)
			(void)poll_admin(f->c);
		if (!f->cfg.no_aer)
			CHECK_MSG(nvme_aer_outstanding(f->c) > 0, "no event request outstanding after recovery");
#endif
	}
	fx_buf_free(f, w);
	fx_buf_free(f, rd);
}

/* ------------------------------------------------------------------------ */
/* The fault classes                                                         */
/* ------------------------------------------------------------------------ */

#define SF_INTERNAL      NVME_MODEL_SF(NVME_SCT_GENERIC, NVME_SC_INTERNAL_ERROR)
#define SF_INTERNAL_DNR  (SF_INTERNAL | NVME_MODEL_SF_DNR)

static const struct fault_case cases[] = {
	/* a status with DNR: no retry, the request fails with it */
	{ "status_dnr", { .kind = NVME_MODEL_FAULT_STATUS, .sf = SF_INTERNAL_DNR, .count = 1 }, W_DEV, W_DEV, false },
	/* DNR clear, once: the retry succeeds */
	{ "status_retry_ok", { .kind = NVME_MODEL_FAULT_STATUS, .sf = SF_INTERNAL, .count = 1 }, W_OK, W_OK, false },
	/* DNR clear, twice for the same request: one retry, then the error */
	{ "status_retry_fails", { .kind = NVME_MODEL_FAULT_STATUS, .sf = SF_INTERNAL, .count = 2 }, W_DEV, W_DEV, false },
	/* DNR clear with CRD 1 (CRDT1 100 ms): retried after the delay */
	{ "status_crd", { .kind = NVME_MODEL_FAULT_STATUS, .sf = SF_INTERNAL | NVME_MODEL_SF_CRD(1), .count = 1 },
	  W_OK, W_OK, false },
	/* the completion never comes; Abort finds nothing; reset; retry */
	{ "dropped", { .kind = NVME_MODEL_FAULT_DROP, .count = 1 }, W_OK, W_TIMEOUT, false },
	/* held until aborted: Abort succeeds (Abort Requested, DNR) -> timeout */
	{ "late_aborted", { .kind = NVME_MODEL_FAULT_LATE, .count = 1 }, W_TIMEOUT, W_TIMEOUT, false },
	/* late, but within the timeout: nothing to recover */
	{ "late_in_time", { .kind = NVME_MODEL_FAULT_LATE, .delay_us = 30000, .count = 1 }, W_OK, W_OK, false },
	/* posted twice: the copy is stale and ignored */
	{ "duplicate", { .kind = NVME_MODEL_FAULT_DUPLICATE, .count = 1 }, W_OK, W_OK, false },
	/* another generation's CID: ignored, timeout, reset, retry */
	{ "wrong_cid", { .kind = NVME_MODEL_FAULT_WRONG_CID, .count = 1 }, W_OK, W_TIMEOUT, false },
	/* a CID not in flight at all (slot index bits changed) */
	{ "wrong_cid_index", { .kind = NVME_MODEL_FAULT_WRONG_CID, .arg = 0x0001, .count = 1 }, W_OK, W_TIMEOUT, false },
	{ "bad_sqhd", { .kind = NVME_MODEL_FAULT_BAD_SQHD, .arg = 0, .count = 1 }, W_OK, W_TIMEOUT, false },
	{ "bad_sqid", { .kind = NVME_MODEL_FAULT_BAD_SQID, .count = 1 }, W_OK, W_TIMEOUT, false },
	/* CSTS.CFS when the command is fetched: reset, retry */
	{ "cfs", { .kind = NVME_MODEL_FAULT_CFS, .count = 1 }, W_OK, W_ABORTED, false },
	/* CFS, and the reset cannot bring RDY back: cleanly failed */
	{ "cfs_rdy_never", { .kind = NVME_MODEL_FAULT_CFS, .count = 1 }, W_FATAL, W_FATAL, true },
	/* CSTS (and everything) reads all ones */
	{ "gone", { .kind = NVME_MODEL_FAULT_GONE, .count = 1 }, W_GONE, W_GONE, false },
	/* the command is held, but Abort says "not aborted": reset */
	{ "abort_refused", { .kind = NVME_MODEL_FAULT_LATE, .count = 1 }, W_OK, W_TIMEOUT, false },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int want_status(enum want w, uint16_t sf)
{
	switch (w) {
	case W_DEV:     return -(int)(NVME_STATUS_DEVICE_FLAG | sf);
	case W_TIMEOUT: return NVME_ERR_TIMEOUT;
	case W_ABORTED: return NVME_ERR_ABORTED;
	case W_FATAL:   return NVME_ERR_CTRL_FATAL;
	case W_GONE:    return NVME_ERR_DEVICE_GONE;
	default:        return 0;
	}
}

/* Install fc's rule for (qid, opc, cdw10 match, nth) and what the case needs
 * besides. */
static void add_rule(struct fx *f, const struct fault_case *fc, int qid, int opc, uint32_t cdw10,
		     uint32_t mask, uint32_t nth)
{
	struct nvme_model_fault r = fc->rule;
	r.qid = qid;
	r.opc = opc;
	r.cdw10 = cdw10;
	r.cdw10_mask = mask;
	r.nth = nth;
	REQUIRE(nvme_model_fault_add(f->m, &r) >= 0);
	if (strcmp(fc->name, "abort_refused") == 0) {
		struct nvme_model_fault ar = { .kind = NVME_MODEL_FAULT_ABORT_REFUSE, .qid = 0, .opc = NVME_ADMIN_ABORT };
		REQUIRE(nvme_model_fault_add(f->m, &ar) >= 0);
	}
	if (fc->rdy_never)
		nvme_model_set_rdy_never(f->m, true);
}

/* CRDT1 = 100 ms (Identify Controller), read by a reset. */
static void set_crdt1(struct fx *f)
{
	uint16_t one = 1;
	nvme_model_patch_id_ctrl(f->m, offsetof(struct nvme_id_ctrl, crdt1), &one, 2);
	CHECK_OK(nvme_ctrl_reset(f->c));
}

/* I/O: writes at qd 1 or with the queue full; the request to LBA 102 (the
 * third) is faulted (count 2: it and its retry). */
static void io_case(const struct fault_case *fc, bool full)
{
	static struct fx f;
	static struct req r[MAX_REQ];
	char what[96];
	snprintf(what, sizeof(what), "io %s %s", fc->name, full ? "full" : "qd1");
	setup(&f, false, false);
	if (strcmp(fc->name, "status_crd") == 0)
		set_crdt1(&f);
	add_rule(&f, fc, 1, -1, 102, 0xFFFFFFFFu, 0);
	uint64_t t0 = f.env->now;
	unsigned n = full ? NREQ_FULL : NREQ_QD1;
	run_io(&f, r, n, full ? IO_FULL : 1, true, 100);
	int want = want_status(fc->io, fc->rule.sf);
	unsigned failed = check_reqs(&f, r, n, what, want, want);
	if (fc->io == W_OK)
		CHECK_MSG(failed == 0, "%s: %u requests failed", what, failed);
	else if (fc->io == W_DEV || fc->io == W_TIMEOUT)
		CHECK_MSG(failed == 1 && r[2].status == want, "%s: %u requests failed, want 1 (the third)", what,
			  failed);
	else
		CHECK_MSG(failed >= 1, "%s: no request failed", what);
	CHECK_MSG(nvme_model_fault_fired_total(f.m) >= 1, "%s: the fault never fired", what);
	if (strcmp(fc->name, "status_crd") == 0)
		CHECK_MSG(f.env->now - t0 >= 100000u, "%s: finished %llu us after start, CRD is 100 ms", what,
			  (unsigned long long)(f.env->now - t0));
	struct nvme_qpair_stats qs;
	nvme_qpair_stats_get(nvme_ctrl_io_qpair(f.c, 0), &qs);
	if (fc->rule.kind == NVME_MODEL_FAULT_DUPLICATE || fc->rule.kind == NVME_MODEL_FAULT_WRONG_CID)
		CHECK_MSG(qs.stale_completions >= 1, "%s: no stale completion counted", what);
	free_reqs(&f, r, n);
	check_usable_after(&f);
	fx_finish(&f);
}

/* Admin: Get Features (retryable) at qd 1 (no AERs) or with the admin queue
 * full (one AER + the command). */
static void admin_case(const struct fault_case *fc, bool full)
{
	static struct fx f;
	char what[96];
	snprintf(what, sizeof(what), "admin %s %s", fc->name, full ? "full" : "qd1");
	setup(&f, full, !full);
	if (full)   /* one slot holds an AER (none without events: two free) */
		CHECK_EQ(nvme_qpair_free_slots(nvme_ctrl_admin_qpair(f.c)), NVME_CFG_AER ? 1 : 2);
	if (strcmp(fc->name, "status_crd") == 0)
		set_crdt1(&f);
	add_rule(&f, fc, 0, NVME_ADMIN_GET_FEATURES, 0, 0, 2);
	int rc[4];
	for (int i = 0; i < 4; i++) {
		uint32_t nsq = 0, ncq = 0;
		rc[i] = nvme_get_num_queues(f.c, &nsq, &ncq);
		if (rc[i] == 0)
			CHECK_MSG(nsq == 64 && ncq == 64, "%s: call %d answered %u/%u", what, i, nsq, ncq);
	}
	int want = want_status(fc->admin, fc->rule.sf);
	unsigned failed = 0;
	for (int i = 0; i < 4; i++) {
		if (rc[i] == 0)
			continue;
		failed++;
		bool ok = rc[i] == want;
		/* the command in flight when the reset started was aborted by it;
		 * the reset then failed: every later call fails fast */
		if (fc->admin == W_FATAL)
			ok = ok || rc[i] == NVME_ERR_ABORTED;
		CHECK_MSG(ok, "%s: call %d -> %s, want %s", what, i, st(rc[i]), st(want));
	}
	if (fc->admin == W_OK)
		CHECK_MSG(failed == 0, "%s: %u calls failed", what, failed);
	else if (fc->admin == W_FATAL || fc->admin == W_GONE)
		CHECK_MSG(failed >= 1, "%s: nothing failed", what);
	else
		CHECK_MSG(failed == 1, "%s: %u calls failed, want 1", what, failed);
	CHECK_MSG(nvme_model_fault_fired_total(f.m) >= 1, "%s: the fault never fired", what);
	settle(&f, NULL);
	check_usable_after(&f);
	fx_finish(&f);
}

#define CASE(i, nm)                                                         \
	static void recovery_io_##nm##_qd1(void) { io_case(&cases[i], false); }   \
	static void recovery_io_##nm##_full(void) { io_case(&cases[i], true); }   \
	static void recovery_admin_##nm##_qd1(void) { admin_case(&cases[i], false); } \
	static void recovery_admin_##nm##_full(void) { admin_case(&cases[i], true); }
CASE(0, status_dnr)
CASE(1, status_retry_ok)
CASE(2, status_retry_fails)
CASE(3, status_crd)
CASE(4, dropped)
CASE(5, late_aborted)
CASE(6, late_in_time)
CASE(7, duplicate)
CASE(8, wrong_cid)
CASE(9, wrong_cid_index)
CASE(10, bad_sqhd)
CASE(11, bad_sqid)
CASE(12, cfs)
CASE(13, cfs_rdy_never)
CASE(14, gone)
CASE(15, abort_refused)
_Static_assert(NCASES == 16, "one CASE() line per fault class");

/* ------------------------------------------------------------------------ */
/* Classes that are not about one command                                    */
/* ------------------------------------------------------------------------ */

#if NVME_CFG_AER
/* A flood of asynchronous events: every request completes at once, again
 * and again. The driver keeps handling them in bounded batches; I/O and
 * admin commands still work; the events beyond its ring are counted. */
static void flood_case(bool full)
{
	static struct fx f;
	static struct req r[MAX_REQ];
	setup(&f, false, false);
	struct nvme_model_fault rule = { .kind = NVME_MODEL_FAULT_AER_FLOOD, .qid = 0,
					 .opc = NVME_ADMIN_ASYNC_EVENT, .count = 500 };
	REQUIRE(nvme_model_fault_add(f.m, &rule) >= 0);
	/* the requests outstanding from init complete when the next AER is
	 * fetched; start the flood with an event */
	nvme_model_raise_event(f.m, NVME_AER_TYPE_SMART, 1, NVME_LID_SMART);
	unsigned n = full ? NREQ_FULL : NREQ_QD1;
	run_io(&f, r, n, full ? IO_FULL : 1, true, 200);
	CHECK_EQ(check_reqs(&f, r, n, "flood", 0, 0), 0);
	for (int i = 0; i < 200; i++) {
		int k = nvme_ctrl_poll_admin(f.c);
		CHECK_MSG(k >= 0, "poll_admin -> %s", st(k));
		uint32_t a, b;
		CHECK_OK(nvme_get_num_queues(f.c, &a, &b));
	}
	/* the events were handled (the ring keeps the last ones, the rest are
	 * counted as dropped) */
	struct nvme_event ev;
	CHECK(nvme_event_pop(f.c, &ev));
	CHECK_EQ(ev.type, NVME_AER_TYPE_SMART);
	CHECK_MSG(ev.seq > 20, "only %u events handled", ev.seq);
	CHECK(nvme_model_fault_fired_total(f.m) > 20);
	free_reqs(&f, r, n);
	check_usable_after(&f);
	fx_finish(&f);
}
static void recovery_io_aer_flood_qd1(void) { flood_case(false); }
static void recovery_io_aer_flood_full(void) { flood_case(true); }
#endif

/* RDY never set at init, SHST never set at shutdown: bounded, named. */
static void recovery_rdy_shst_never(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.to = 1;
	fx_start(&f);
	nvme_model_set_rdy_never(f.m, true);
	CHECK_RC(fx_init(&f), NVME_ERR_TIMEOUT);
	fx_finish(&f);
	setup(&f, false, false);
	nvme_model_set_shst_never(f.m, true);
	CHECK_RC(nvme_ctrl_shutdown(f.c, false), NVME_ERR_TIMEOUT);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_SHUTDOWN);
	nvme_model_set_shst_never(f.m, false);
	CHECK_OK(nvme_ctrl_resume(f.c));
	check_usable_after(&f);
}

/* Faults at random (seeded), every class mixed, many requests with the queue
 * full, reads and writes: exactly once, no wrong data, usable afterwards. */
static void recovery_random_soak(void)
{
	static const enum nvme_model_fault_kind kinds[] = {
		NVME_MODEL_FAULT_STATUS, NVME_MODEL_FAULT_DROP, NVME_MODEL_FAULT_LATE, NVME_MODEL_FAULT_DUPLICATE,
		NVME_MODEL_FAULT_WRONG_CID, NVME_MODEL_FAULT_BAD_SQHD, NVME_MODEL_FAULT_CFS,
	};
	for (uint64_t seed = 1; seed <= 6; seed++) {
		static struct fx f;
		static struct req r[MAX_REQ];
		setup(&f, false, false);
		nvme_model_fault_seed(f.m, seed);
		for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			struct nvme_model_fault rule = { .kind = kinds[k], .qid = NVME_MODEL_FAULT_IO_QUEUES, .opc = -1,
							 .prob_ppm = 8000, .sf = (uint16_t)(seed & 1 ? SF_INTERNAL
												 : SF_INTERNAL_DNR),
							 .delay_us = (k & 1) ? 0 : 20000 };
			REQUIRE(nvme_model_fault_add(f.m, &rule) >= 0);
		}
		char what[32];
		snprintf(what, sizeof(what), "soak seed %llu", (unsigned long long)seed);
		run_io(&f, r, 200, IO_FULL, (seed & 2) != 0, 300);
		/* failures allowed: DNR status, a timeout after an abort, or a
		 * second fault on a retry */
		unsigned failed = 0;
		for (unsigned i = 0; i < 200; i++) {
			CHECK_MSG(!r[i].submitted || r[i].calls == 1, "%s: request %u completed %u times", what, i,
				  r[i].calls);
			if (r[i].submitted && r[i].status != 0) {
				failed++;
				CHECK_MSG(nvme_status_is_device(r[i].status) || r[i].status == NVME_ERR_TIMEOUT ||
						  r[i].status == NVME_ERR_ABORTED || r[i].status == NVME_ERR_CTRL_FATAL,
					  "%s: request %u: %s", what, i, st(r[i].status));
			}
		}
		(void)check_reqs(&f, r, 200, what, ANY_ERROR, 0);   /* data of the successful ones */
		CHECK_MSG(nvme_model_fault_fired_total(f.m) >= 5, "%s: %u faults fired", what,
			  nvme_model_fault_fired_total(f.m));
		free_reqs(&f, r, 200);
		check_usable_after(&f);
		fx_finish(&f);
	}
}

/* ------------------------------------------------------------------------ */
/* Power cut with a volatile write cache                                     */
/* ------------------------------------------------------------------------ */

struct flush_rec {
	unsigned calls;
	int status;
};
static void flush_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	(void)cqe;
	struct flush_rec *fr = arg;
	fr->calls++;
	fr->status = status;
}

/*
 * Writes to distinct blocks with the write cache on, flushes in between,
 * faults on the way (dropped completions, a CFS: resets with writes in
 * flight), then the power is cut (unflushed writes are lost) and the driver
 * is attached again. Every write acknowledged before a flush that was
 * acknowledged must be there; every other block holds its old or its new
 * contents, whole.
 */
static void power_cut_case(bool full)
{
	static struct fx f;
	static struct req r[MAX_REQ];
	const unsigned n = full ? 90 : 12, per_flush = full ? 30 : 4;
	setup(&f, false, false);
	nvme_model_vwc_track(f.m, true);
	struct nvme_feat_args vwc = { .fid = NVME_FEAT_VOLATILE_WC, .cdw11 = 1 };
	CHECK_OK(nvme_feat_set(f.c, &vwc, 0, NULL));
	/* old contents: version 0 everywhere */
	for (unsigned i = 0; i < n; i++) {
		uint8_t b[BLK];
		block_fill(b, 500 + i, 0);
		REQUIRE(nvme_model_ns_write(f.m, 2, 500 + i, 1, b) == 0);
	}
	struct nvme_model_fault drop = { .kind = NVME_MODEL_FAULT_DROP, .qid = 1, .opc = NVME_CMD_WRITE, .nth = 2, .count = 1 };
	struct nvme_model_fault cfs = { .kind = NVME_MODEL_FAULT_CFS, .qid = 1, .opc = NVME_CMD_WRITE, .nth = 7, .count = 1 };
	REQUIRE(nvme_model_fault_add(f.m, &drop) >= 0);
	REQUIRE(nvme_model_fault_add(f.m, &cfs) >= 0);
	bool durable[MAX_REQ] = { false };
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	memset(r, 0, sizeof(r));
	unsigned done_rounds = 0;
	for (unsigned base = 0; base < n; base += per_flush) {
		/* a batch of writes */
		for (unsigned i = base; i < base + per_flush && i < n; i++) {
			r[i].lba = 500 + i;
			r[i].write = true;
			r[i].buf = fx_buf(&f, BLK, 0, 0);
			block_fill(r[i].buf, r[i].lba, 1);
		}
		unsigned next = base;
		for (unsigned it = 0; next < base + per_flush && next < n && it < 200000u; it++) {
			unsigned inflight = 0;
			for (unsigned i = base; i < next; i++)
				inflight += r[i].calls == 0;
			if (inflight < (full ? IO_FULL : 1u)) {
				int rc = nvme_write_async(ns2(&f), q, r[next].lba, 1, r[next].buf, req_cb, &r[next]);
				if (rc == 0) {
					r[next++].submitted = true;
					continue;
				}
				REQUIRE(rc == NVME_ERR_QUEUE_FULL || rc == NVME_ERR_BOUNCE_BUSY);
			}
			(void)nvme_qpair_poll(q, 0);
			advance(&f, 20);
			if ((it & 7u) == 0)
				(void)poll_admin(f.c);
		}
		CHECK(drain(&f, q, r, n));
		/* the last round is never flushed */
		if (base + per_flush >= n)
			break;
		bool acked[MAX_REQ];
		for (unsigned i = 0; i < n; i++)
			acked[i] = r[i].submitted && r[i].calls == 1 && r[i].status == 0;
		struct flush_rec fr = { 0, 0 };
		REQUIRE_OK(nvme_flush_async(ns2(&f), q, flush_cb, &fr));
		for (unsigned it = 0; fr.calls == 0 && it < 200000u; it++) {
			(void)nvme_qpair_poll(q, 0);
			advance(&f, 20);
			if ((it & 7u) == 0)
				(void)poll_admin(f.c);
		}
		CHECK_EQ(fr.calls, 1);
		if (fr.status == 0)
			for (unsigned i = 0; i < n; i++)
				durable[i] = durable[i] || acked[i];
		done_rounds++;
	}
	for (unsigned i = 0; i < n; i++)
		CHECK_MSG(r[i].calls == 1, "write %u completed %u times", i, r[i].calls);
	CHECK(done_rounds >= 2);
	CHECK_MSG(nvme_model_fault_fired_total(f.m) == 2, "faults fired %u", nvme_model_fault_fired_total(f.m));
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(f.c, &rs);
	CHECK(rs.resets_auto >= 1);

	/* power cut: the cache is lost; the driver is attached again */
	nvme_model_power_cycle(f.m, true);
	nvme_ctrl_detach(f.c);
	nvme_model_fault_clear(f.m);
	REQUIRE_OK(nvme_ctrl_init(f.c, &f.env->host, nvme_model_bar_phys(f.m), f.bar_size, &f.cfg));
	unsigned kept = 0, lost = 0;
	for (unsigned i = 0; i < n; i++) {
		uint8_t got[BLK], v0[BLK], v1[BLK];
		REQUIRE_OK(nvme_read(ns2(&f), NULL, 500 + i, 1, got));
		block_fill(v0, 500 + i, 0);
		block_fill(v1, 500 + i, 1);
		bool is_new = memcmp(got, v1, BLK) == 0, is_old = memcmp(got, v0, BLK) == 0;
		if (durable[i])
			CHECK_MSG(is_new, "write %u (lba %u) was acknowledged and flushed, and is lost", i, 500 + i);
		else
			CHECK_MSG(is_new || is_old, "block %u holds neither its old nor its new contents", 500 + i);
		kept += is_new;
		lost += !is_new;
	}
	/* the last round was never flushed: the power cut took it */
	CHECK_MSG(lost >= 1, "nothing was lost: the cache was not in the way (kept %u)", kept);
	free_reqs(&f, r, n);
	check_usable_after(&f);
}
static void recovery_io_power_cut_qd1(void) { power_cut_case(false); }
static void recovery_io_power_cut_full(void) { power_cut_case(true); }

/* Admin commands across a power cut: the driver notices nothing until it
 * talks to the device, which was reset under it: recovery brings it back. */
static void recovery_admin_power_cut(void)
{
	static struct fx f;
	setup(&f, false, false);
	f.check_model_errors = false;   /* doorbells rung at a disabled controller are recorded */
	nvme_model_power_cycle(f.m, false);
	uint32_t a, b;
	int rc = nvme_get_num_queues(f.c, &a, &b);
	CHECK_MSG(rc == 0 || rc == NVME_ERR_TIMEOUT || rc == NVME_ERR_ABORTED, "after the power cut: %s", st(rc));
	check_usable_after(&f);
}

/* Bring-up values at and past their limits, then admin and I/O at queue
 * depth 1 and with the queue full (requests end exactly once). */
struct limit_case {
	const char *name;
	uint16_t mqes;
	uint8_t mdts, to, dstrd;
	uint32_t nq_answer;      /* 0 = default */
	uint32_t nn;             /* 0 = auto */
	int want;                /* init result */
};
static void recovery_limits_then_io(void)
{
	static const struct limit_case lc[] = {
		{ "MQES 1", 1, 5, 1, 0, 0, 0, 0 },
		{ "MQES FFFFh", 0xFFFF, 5, 1, 0, 0, 0, 0 },
		{ "MQES 0", 0, 5, 1, 0, 0, 0, NVME_ERR_BAD_CAP },
		{ "MDTS 1", 1023, 1, 1, 0, 0, 0, 0 },
		{ "MDTS 0", 1023, 0, 1, 0, 0, 0, 0 },
		{ "MDTS 255", 1023, 255, 1, 0, 0, 0, 0 },
		{ "TO 0", 1023, 5, 0, 0, 0, 0, 0 },
		{ "TO 255", 1023, 5, 255, 0, 0, 0, 0 },
		{ "DSTRD 15", 1023, 5, 1, 15, 0, 0, 0 },
		{ "granted 1 (answer 0)", 1023, 5, 1, 0, 0x00000000u, 0, 0 },
		{ "granted 65535", 1023, 5, 1, 0, 0xFFFEFFFEu, 0, 0 },
		{ "granted 65536 (FFFFh)", 1023, 5, 1, 0, 0xFFFFFFFFu, 0, NVME_ERR_BAD_QUEUE_GRANT },
		{ "NN FFFFFFFFh", 1023, 5, 1, 0, 0, 0xFFFFFFFFu, 0 },
	};
	for (unsigned i = 0; i < sizeof(lc) / sizeof(lc[0]); i++) {
		static struct fx f;
		static struct req r[MAX_REQ];
		fx_defaults(&f);
		f.ecfg.clock_step_us = 20;
		f.mcfg.mqes = lc[i].mqes;
		f.mcfg.mdts = lc[i].mdts;
		f.mcfg.to = lc[i].to;
		f.mcfg.dstrd = lc[i].dstrd;
		if (lc[i].dstrd)
			f.mcfg.max_io_sq = f.mcfg.max_io_cq = 2;
		if (lc[i].nq_answer || strstr(lc[i].name, "answer 0")) {
			f.mcfg.nq_answer_set = true;
			f.mcfg.nq_answer = lc[i].nq_answer;
		}
		f.cfg.io_queue_depth = lc[i].mqes == 0xFFFF ? 65536u : IO_DEPTH;
		f.cfg.log_level = NVME_LOG_ERROR;
		fx_start(&f);
		if (lc[i].nn)
			nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, nn), &lc[i].nn, 4);
		int rc = fx_init(&f);
		CHECK_MSG(rc == lc[i].want, "%s: init -> %s, want %s", lc[i].name, st(rc), st(lc[i].want));
		if (rc == 0) {
			struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
			unsigned full = nvme_qpair_free_slots(q);
			unsigned n = full < 200 ? full * 2 : 400;
			if (n > MAX_REQ)
				n = MAX_REQ;
			run_io(&f, r, 2, 1, true, 10);
			CHECK_EQ(check_reqs(&f, r, 2, lc[i].name, 0, 0), 0);
			free_reqs(&f, r, 2);
			run_io(&f, r, n, full, false, 20);
			CHECK_EQ(check_reqs(&f, r, n, lc[i].name, 0, 0), 0);
			free_reqs(&f, r, n);
			uint32_t a, b;
			CHECK_OK(nvme_get_num_queues(f.c, &a, &b));
			/* MQES FFFFh: all 65535 slots in flight at once */
			if (lc[i].mqes == 0xFFFF) {
				CHECK_EQ(full, 65535);
				static struct cb_rec many[65535];
				memset(many, 0, sizeof(many));
				uint8_t *b1 = fx_buf(&f, BLK, 0, 0);
				for (unsigned k = 0; k < full; k++)
					REQUIRE_OK(nvme_read_async(ns2(&f), q, k & 1023u, 1, b1, cb_record, &many[k]));
				CHECK_EQ(nvme_qpair_free_slots(q), 0);
				for (unsigned it = 0; it < 100 && nvme_qpair_in_flight(q) != 0; it++)
					(void)nvme_qpair_poll(q, 0);
				for (unsigned k = 0; k < full; k++)
					if (many[k].calls != 1 || many[k].status != 0) {
						check_fail(__FILE__, __LINE__, "MQES FFFFh: read %u: %u calls, %s", k,
							   many[k].calls, st(many[k].status));
						break;
					}
				fx_buf_free(&f, b1);
			}
		}
		fx_finish(&f);
	}
}

/* Stale completions from before a reset (old generation) and after a
 * reused slot are ignored; a CID whose index is valid but whose slot is
 * free is stale too; and an injected CQE of the current generation for a
 * free slot never completes anything. */
static void recovery_stale_after_reset(void)
{
	static struct fx f;
	setup(&f, false, true);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, BLK, 0, 0);
	/* learn the CID slot 0 had */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec rec = { 0 };
	REQUIRE_OK(nvme_read_async(ns2(&f), q, 0, 1, b, cb_record, &rec));
	CHECK_EQ(nvme_model_release(f.m, ~0u), 1);
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	uint16_t old_cid = rec.cqe.cid;
	CHECK_OK(nvme_ctrl_reset(f.c));
	/* a command in flight on the same slot now; the old CID arrives */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec rec2 = { 0 };
	REQUIRE_OK(nvme_read_async(ns2(&f), q, 0, 1, b, cb_record, &rec2));
	CHECK_EQ(nvme_model_inject_cqe(f.m, 1, 1, old_cid, 0, 0), 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 0);
	CHECK_EQ(rec2.calls, 0);
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(q, &s);
	CHECK_EQ(s.stale_completions, 1);
	CHECK(host_env_log_contains(f.env, "stale"));
	nvme_model_release(f.m, ~0u);
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	CHECK_EQ(rec2.calls, 1);
	CHECK_EQ(rec2.status, 0);
	CHECK_NE(rec2.cqe.cid, old_cid);
	fx_buf_free(&f, b);
}

/* The asynchronous timeout is never early and at most one epoch late when
 * the host polls often; with a rare poller it comes later, never sooner. */
static void recovery_timeout_granularity(void)
{
	static struct fx f;
	setup(&f, false, true);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, BLK, 0, 0);
	struct nvme_model_fault late = { .kind = NVME_MODEL_FAULT_LATE, .qid = 1, .opc = -1, .count = 1 };
	REQUIRE(nvme_model_fault_add(f.m, &late) >= 0);
	struct cb_rec rec = { 0 };
	uint64_t t0 = f.env->now;
	REQUIRE_OK(nvme_read_async(ns2(&f), q, 0, 1, b, cb_record, &rec));
	uint64_t first_abort = 0;
	for (unsigned it = 0; it < 100000u && rec.calls == 0; it++) {
		(void)nvme_qpair_poll(q, 0);
		advance(&f, 10);
		struct nvme_qpair_stats s;
		nvme_qpair_stats_get(q, &s);
		if (s.aborts != 0 && first_abort == 0)
			first_abort = f.env->now - t0;
	}
	CHECK_EQ(rec.calls, 1);
	CHECK_RC(rec.status, NVME_ERR_TIMEOUT);
	/* never early; late by at most one epoch, plus the time between two
	 * clock reads (64 polls, 640 us here) per epoch */
	CHECK_MSG(first_abort >= 100000u && first_abort <= 100000u + 6250u + 17u * 700u,
		  "Abort sent %llu us after submission (timeout 100 ms, epochs of 6.25 ms)",
		  (unsigned long long)first_abort);
	fx_buf_free(&f, b);
}

/* cfg.no_recovery: a timed-out asynchronous command completes once with
 * NVME_ERR_TIMEOUT; its late completion is swallowed; no Abort, no reset. */
static void recovery_disabled_async(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 20;
	f.cfg.io_timeout_ms = 100;
	f.cfg.no_recovery = true;
	f.cfg.no_aer = true;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, BLK, 0, 0);
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct cb_rec rec = { 0 };
	REQUIRE_OK(nvme_read_async(ns2(&f), q, 0, 1, b, cb_record, &rec));
	for (unsigned it = 0; it < 100000u && rec.calls == 0; it++) {
		(void)nvme_qpair_poll(q, 0);
		advance(&f, 10);
	}
	CHECK_EQ(rec.calls, 1);
	CHECK_RC(rec.status, NVME_ERR_TIMEOUT);
	CHECK_EQ(nvme_qpair_in_flight(q), 1);   /* CID reserved */
	nvme_model_release(f.m, ~0u);
	nvme_model_set_defer(f.m, 0, 0);
	(void)nvme_qpair_poll(q, 0);
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(nvme_qpair_in_flight(q), 0);
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(f.c, &rs);
	CHECK_EQ(rs.aborts_sent, 0);
	CHECK_EQ(rs.resets_auto, 0);
	CHECK_OK(nvme_read(ns2(&f), q, 0, 1, b));
	fx_buf_free(&f, b);
}

/* Recovery that keeps failing gives up after NVME_MAX_AUTO_RESETS resets
 * in a row: FAILED, every command completed, a host reset recovers. */
static void recovery_gives_up(void)
{
	static struct fx f;
	static struct req r[MAX_REQ];
	setup(&f, false, false);
	/* every I/O command is dropped: each timeout resets, nothing succeeds */
	struct nvme_model_fault drop = { .kind = NVME_MODEL_FAULT_DROP, .qid = 1, .opc = -1 };
	REQUIRE(nvme_model_fault_add(f.m, &drop) >= 0);
	run_io(&f, r, 8, 4, true, 50);
	for (unsigned i = 0; i < 8; i++) {
		CHECK_MSG(!r[i].submitted || r[i].calls == 1, "request %u: %u calls", i, r[i].calls);
		CHECK_MSG(r[i].status != 0, "request %u succeeded", i);
	}
	struct nvme_recovery_stats rs;
	nvme_ctrl_recovery_stats(f.c, &rs);
	CHECK_EQ(rs.gave_up, 1);
	CHECK_EQ(rs.resets_auto, 3);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_FAILED);
	free_reqs(&f, r, 8);
	check_usable_after(&f);
}

/* One read of one block on each namespace, queued on q while the model
 * holds I/O back: both are in flight (kept) when the test resets. */
static void two_kept_reads(struct fx *f, struct nvme_qpair *q, uint8_t *b, uint8_t *b2, struct cb_rec *r1,
			   struct cb_rec *r2)
{
	nvme_model_set_defer(f->m, NVME_MODEL_DEFER_IO, 0);
	REQUIRE_OK(nvme_read_async(nvme_ns_get(f->c, 1), q, 0, 1, b, cb_record, r1));
	REQUIRE_OK(nvme_read_async(ns2(f), q, 0, 1, b2, cb_record, r2));
	nvme_model_set_defer(f->m, 0, 0);
}

/* A command kept across a reset is not resubmitted when its namespace now
 * has another block size: it would move a different number of bytes
 * (found by the fuzzer: tests/fuzz/regressions/resubmit-after-block-size-change). */
static void recovery_ns_changed_across_reset(void)
{
	static struct fx f;
	setup(&f, false, true);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, 512, 0, 0), *b2 = fx_buf(&f, BLK, 0, 0);
	struct cb_rec r1 = { 0 }, r2 = { 0 };
	two_kept_reads(&f, q, b, b2, &r1, &r2);
	/* namespace 1 now reports 4 KiB blocks (LBADS 12) */
	nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, lbaf[0].lbads), 12);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(r1.calls, 1);
	CHECK_RC(r1.status, NVME_ERR_ABORTED);
	CHECK(host_env_log_contains(f.env, "namespace changed across the reset"));
	/* namespace 2 did not change: its read was resubmitted and succeeds */
	CHECK_EQ(r2.calls, 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	CHECK_EQ(r2.calls, 1);
	CHECK_RC(r2.status, 0);
	CHECK_EQ(nvme_ns_get(f.c, 1)->lba_size, 4096);
	fx_buf_free(&f, b);
	fx_buf_free(&f, b2);
}

/* The same with the block size unchanged but the bytes each block moves
 * changed: a kept read of namespace 1 is aborted, not resubmitted, when the
 * reset's re-identify patches byte `off` of its Identify Namespace to v
 * (found by the fuzzer: the device laid out PRP2 for data and metadata;
 * tests/fuzz/regressions/kept-command-resubmitted-after-metadata-change). */
static void kept_read_meta_changed(uint8_t ms, uint8_t pi, size_t off, uint8_t v, uint16_t want_ms,
				   bool want_ext)
{
	static struct fx f;
	setup_cfg(&f, false, true);
	f.ns[0].ms = ms;
	f.ns[0].pi = pi;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, 512, 0, 0), *b2 = fx_buf(&f, BLK, 0, 0);
	struct cb_rec r1 = { 0 }, r2 = { 0 };
	two_kept_reads(&f, q, b, b2, &r1, &r2);
	if (off == offsetof(struct nvme_id_ns, flbas))   /* keep the format index */
		v |= nvme_ns_get(f.c, 1)->format_index;
	nvme_model_patch_byte_id_ns(f.m, 1, off, v);
	uint64_t reads_before = nvme_model_stats(f.m)->reads;
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(r1.calls, 1);
	CHECK_RC(r1.status, NVME_ERR_ABORTED);
	CHECK(host_env_log_contains(f.env, "namespace changed across the reset"));
	const struct nvme_ns *n1 = nvme_ns_get(f.c, 1);
	REQUIRE(n1 != NULL);
	/* without NVME_CFG_PI a namespace with metadata is unusable (the
	 * other reason for the abort); with it, usable in its new layout */
	char why[96];
	(void)nvme_ns_unusable_text(n1, why, sizeof(why));
	CHECK_MSG((n1->unusable == 0) == (NVME_CFG_PI != 0), "namespace 1 unusable %d: %s", n1->unusable, why);
	CHECK_EQ(n1->lba_size, 512);
	CHECK_EQ(n1->meta_size, want_ms);
	CHECK_EQ(n1->meta_extended, want_ext);
	/* namespace 2's read alone reaches the device */
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	CHECK_EQ(r2.calls, 1);
	CHECK_RC(r2.status, 0);
	CHECK_EQ(nvme_model_stats(f.m)->reads - reads_before, 1);
	fx_buf_free(&f, b);
	fx_buf_free(&f, b2);
}

/* no metadata -> 8 bytes of separate metadata per block */
static void recovery_meta_size_changed_across_reset(void)
{
	kept_read_meta_changed(0, 0, offsetof(struct nvme_id_ns, lbaf[0].ms), 8, 8, false);
}

#if NVME_CFG_PI   /* a namespace with metadata is usable before the reset */
/* 8 bytes of protection information, separate -> at the end of each block
 * (FLBAS bit 4, the format index kept): the same metadata size, other bytes
 * in the data buffer */
static void recovery_meta_extended_across_reset(void)
{
	kept_read_meta_changed(8, 1, offsetof(struct nvme_id_ns, flbas), 0x10, 8, true);
}
#endif

/* A timeout on queue 2 resets the controller, and the new Number of Queues
 * grant has no queue 2 any more: the request completes (aborted) once, and
 * recovery does not touch the freed queue (found by the fuzzer: UBSan,
 * pointer arithmetic on the freed queue's NULL slots;
 * tests/fuzz/regressions/recovery-after-queue-freed-by-reset). */
static void recovery_queue_gone_after_reset(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.clock_step_us = 20;
	f.mcfg.to = 1;
	f.cfg.io_timeout_ms = 100;
	f.cfg.io_queue_count = 2;
	f.cfg.no_aer = true;
	fx_up(&f);
	struct nvme_qpair *q2 = nvme_ctrl_io_qpair(f.c, 1);
	REQUIRE(q2 != NULL);
	uint8_t *b = fx_buf(&f, BLK, 0, 0);
	struct nvme_model_fault drop = { .kind = NVME_MODEL_FAULT_DROP, .qid = 2, .opc = -1, .count = 1 };
	REQUIRE(nvme_model_fault_add(f.m, &drop) >= 0);
	struct cb_rec rec = { 0 };
	REQUIRE_OK(nvme_read_async(ns2(&f), q2, 0, 1, b, cb_record, &rec));
	nvme_model_set_nq_answer(f.m, 0);   /* one SQ, one CQ from the next reset on */
	for (unsigned it = 0; it < 100000u && rec.calls == 0; it++) {
		(void)nvme_qpair_poll(q2, 0);
		advance(&f, 20);
	}
	CHECK_EQ(rec.calls, 1);
	CHECK_RC(rec.status, NVME_ERR_ABORTED);
	CHECK(nvme_ctrl_io_qpair(f.c, 1) == NULL);
	CHECK_EQ(nvme_ctrl_get_state(f.c), NVME_CTRL_READY);
	CHECK_OK(nvme_read(ns2(&f), NULL, 0, 1, b));
	fx_buf_free(&f, b);
}

#define T(fn) CHECK_TEST(fn)
#define T4(nm) T(recovery_io_##nm##_qd1), T(recovery_io_##nm##_full), T(recovery_admin_##nm##_qd1), \
	       T(recovery_admin_##nm##_full)
static const struct check_test tests[] = {
	T4(status_dnr), T4(status_retry_ok), T4(status_retry_fails), T4(status_crd), T4(dropped),
	T4(late_aborted), T4(late_in_time), T4(duplicate), T4(wrong_cid), T4(wrong_cid_index), T4(bad_sqhd),
	T4(bad_sqid), T4(cfs), T4(cfs_rdy_never), T4(gone), T4(abort_refused),
#if NVME_CFG_AER
	T(recovery_io_aer_flood_qd1), T(recovery_io_aer_flood_full),
#endif
	T(recovery_io_power_cut_qd1), T(recovery_io_power_cut_full), T(recovery_admin_power_cut),
	T(recovery_rdy_shst_never), T(recovery_limits_then_io), T(recovery_stale_after_reset),
	T(recovery_timeout_granularity), T(recovery_disabled_async), T(recovery_gives_up),
	T(recovery_random_soak), T(recovery_ns_changed_across_reset),
	T(recovery_meta_size_changed_across_reset),
#if NVME_CFG_PI
	T(recovery_meta_extended_across_reset),
#endif
	T(recovery_queue_gone_after_reset),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
