/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_api.c - the public API's smaller contracts: nvme_config_defaults,
 * status codes and their text, completion callbacks that submit, I/O on several queue pairs,
 * admin helpers (Identify, features, logs) against the model, calls on a
 * controller that is not initialised.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

static void api_status_text(void)
{
	static const int errs[] = {
		NVME_ERR_INVAL, NVME_ERR_NOMEM, NVME_ERR_TIMEOUT, NVME_ERR_DEVICE_GONE, NVME_ERR_CTRL_FATAL,
		NVME_ERR_NOT_READY, NVME_ERR_HOST_CONFIG, NVME_ERR_PAGE_SIZE, NVME_ERR_LBA_RANGE,
		NVME_ERR_NO_NAMESPACE, NVME_ERR_UNSUPPORTED, NVME_ERR_QUEUE_FULL, NVME_ERR_BAD_QUEUE,
		NVME_ERR_ABORTED, NVME_ERR_BOUNCE_BUSY, NVME_ERR_TOO_LARGE, NVME_ERR_DMA, NVME_ERR_BAD_CID,
		NVME_ERR_BAD_SQHD, NVME_ERR_BAD_SQID, NVME_ERR_BAD_CAP, NVME_ERR_BAD_QES, NVME_ERR_BAD_LBAF,
		NVME_ERR_BAD_LBADS, NVME_ERR_BAD_QUEUE_GRANT, NVME_ERR_BAD_LOG_LENGTH, NVME_ERR_BAD_MDTS,
		NVME_ERR_BAD_NS_LIST, NVME_ERR_BAD_ID, NVME_ERR_COMPARE_MISMATCH, NVME_ERR_NOT_ADVERTISED,
		NVME_ERR_CANCELLED, NVME_ERR_FW_NEEDS_CONV_RESET, NVME_ERR_FW_NEEDS_NSSR, NVME_ERR_FW_NEEDS_RESET,
		NVME_ERR_FW_BAD_SLOT, NVME_ERR_FW_BAD_IMAGE, NVME_ERR_SANITIZE_FAILED, NVME_ERR_BAD_LOG_DATA, NVME_ERR_ABI,
	};
	const unsigned n = sizeof(errs) / sizeof(errs[0]);
	const char *texts[sizeof(errs) / sizeof(errs[0])];
	for (unsigned i = 0; i < n; i++) {
		texts[i] = nvme_strerror(errs[i]);
		CHECK_MSG(texts[i] && texts[i][0], "no text for %d", errs[i]);
		CHECK(!nvme_status_is_device(errs[i]));
		CHECK_EQ(nvme_status_field(errs[i]), 0);
		for (unsigned j = 0; j < i; j++)
			CHECK_MSG(strcmp(texts[i], texts[j]) != 0, "%d and %d share the text \"%s\"", errs[i], errs[j],
				  texts[i]);
	}
	CHECK(nvme_strerror(0) != NULL);
	CHECK(nvme_strerror(-999) != NULL);
	CHECK(nvme_strerror(12345) != NULL);
	/* device statuses: every SCT/SC pair has some text; the known ones name themselves */
	for (unsigned sct = 0; sct < 8; sct++)
		for (unsigned sc = 0; sc < 256; sc++) {
			struct nvme_cqe cqe = { .status = (uint16_t)(((sct << 8) | sc | (1u << 14)) << 1) };
			int s = nvme_status_from_cqe(&cqe);
			if (sct == 0 && sc == 0) {
				CHECK_EQ(s, 0);   /* DNR alone is still success */
				continue;
			}
			CHECK(nvme_status_is_device(s));
			CHECK_EQ(nvme_status_sct(s), sct);
			CHECK_EQ(nvme_status_sc(s), sc);
			CHECK(nvme_status_dnr(s));
			CHECK(nvme_status_is(s, sct, sc));
			const char *t = nvme_strerror(s);
			CHECK(t && t[0]);
		}
	struct nvme_cqe cqe = { .status = (uint16_t)((0x0285u | (1u << 13) | (2u << 11)) << 1) };
	int s = nvme_status_from_cqe(&cqe);
	CHECK(nvme_status_more(s));
	CHECK_EQ(nvme_status_crd(s), 2);
	CHECK(!nvme_status_dnr(s));
	CHECK(strstr(nvme_strerror(s), "Compare") != NULL);
	cqe.status = (uint16_t)((1u << 13) << 1);   /* More bit alone: success */
	CHECK_EQ(nvme_status_from_cqe(&cqe), 0);
	/* describe: always NUL-terminated, returns the full length */
	char buf[128], tiny[8];
	size_t full = nvme_status_describe(s, buf, sizeof(buf));
	CHECK_EQ(full, strlen(buf));
	CHECK(strstr(buf, "85") != NULL);
	size_t t2 = nvme_status_describe(s, tiny, sizeof(tiny));
	CHECK_EQ(t2, full);
	CHECK_EQ(strlen(tiny), sizeof(tiny) - 1);
	CHECK_EQ(strncmp(tiny, buf, sizeof(tiny) - 1), 0);
	CHECK_EQ(nvme_status_describe(s, NULL, 0), full);
	nvme_status_describe(NVME_ERR_TIMEOUT, buf, sizeof(buf));
	CHECK(strstr(buf, "NVME_ERR_TIMEOUT") != NULL);
}

struct chain {
	struct nvme_ns *ns;
	struct nvme_qpair *q;
	uint8_t *buf;
	unsigned left, done, errors;
};

static void chain_cb(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct chain *c = arg;
	(void)cqe;
	c->done++;
	if (status)
		c->errors++;
	if (c->left) {   /* submitting from a callback is allowed */
		c->left--;
		if (nvme_write_async(c->ns, c->q, c->left % 100, 1, c->buf, chain_cb, c) != 0)
			c->errors++;
	}
}

static void api_callback_submits(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_depth = 4;
	fx_up(&f);
	struct chain ch = { nvme_ns_get(f.c, 1), nvme_ctrl_io_qpair(f.c, 0), fx_buf(&f, 512, 0, 0), 1000, 0, 0 };
	CHECK_OK(nvme_write_async(ch.ns, ch.q, 0, 1, ch.buf, chain_cb, &ch));
	for (int i = 0; i < 5000 && ch.done < 1001; i++)
		if (nvme_qpair_poll(ch.q, 0) < 0)
			break;
	CHECK_EQ(ch.done, 1001);
	CHECK_EQ(ch.errors, 0);
	CHECK_EQ(nvme_qpair_in_flight(ch.q), 0);
	fx_buf_free(&f, ch.buf);
}

static void api_many_queues(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = NVME_CFG_MAX_IO_QUEUES;
	f.cfg.io_queue_depth = 8;
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_io_queue_count(f.c), NVME_CFG_MAX_IO_QUEUES);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 512 * NVME_CFG_MAX_IO_QUEUES * 7, 0, 0);
	struct cb_rec rec[NVME_CFG_MAX_IO_QUEUES * 7];
	memset(rec, 0, sizeof(rec));
	/* fill every queue, then complete them in reverse queue order */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	for (uint32_t qi = 0; qi < NVME_CFG_MAX_IO_QUEUES; qi++) {
		struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, qi);
		for (uint32_t k = 0; k < 7; k++) {
			uint32_t idx = qi * 7 + k;
			fill_pattern(b + 512 * idx, 512, idx);
			CHECK_OK(nvme_write_async(ns, q, idx, 1, b + 512 * idx, cb_record, &rec[idx]));
		}
		CHECK_EQ(nvme_qpair_free_slots(q), 0);
	}
	nvme_model_release(f.m, ~0u);
	nvme_model_set_defer(f.m, 0, 0);
	for (uint32_t qi = NVME_CFG_MAX_IO_QUEUES; qi-- > 0;)
		CHECK_EQ(nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, qi), 0), 7);
	uint8_t chk[512];
	for (uint32_t idx = 0; idx < NVME_CFG_MAX_IO_QUEUES * 7; idx++) {
		CHECK_EQ(rec[idx].calls, 1);
		CHECK_EQ(rec[idx].cqe.sqid, idx / 7 + 1);
		nvme_model_ns_read(f.m, 1, idx, 1, chk);
		CHECK_EQ(mem_diff(chk, b + 512 * idx, 512), -1);
	}
	fx_buf_free(&f, b);
}

static void api_admin_helpers(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.elpe = 3;
	fx_up(&f);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_identify(f.c, NVME_CNS_NS, 2, 0, b));
	uint64_t nsze;
	memcpy(&nsze, b, 8);
	CHECK_EQ(nsze, 8192);
	CHECK_DEV(nvme_identify(f.c, NVME_CNS_NS, 99, 0, b), NVME_SCT_GENERIC, NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
	CHECK_RC(nvme_identify(f.c, NVME_CNS_CTRL, 0, 0, NULL), NVME_ERR_INVAL);
	/* features round trip */
	uint32_t dw0 = 0;
	struct nvme_feat_args vwc = { .fid = NVME_FEAT_VOLATILE_WC, .cdw11 = 0 };
	CHECK_OK(nvme_feat_set(f.c, &vwc, NVME_FEAT_RAW, NULL));
	CHECK_OK(nvme_feat_get(f.c, &vwc, NVME_FEAT_RAW, &dw0));
	CHECK_EQ(dw0, 0);
	CHECK_EQ(nvme_model_feature(f.m, NVME_FEAT_VOLATILE_WC), 0);
	vwc.sel = 8;
	CHECK_RC(nvme_feat_get(f.c, &vwc, NVME_FEAT_RAW, &dw0), NVME_ERR_INVAL);
	/* timestamp with a data buffer, both directions */
	uint8_t *ts = fx_buf(&f, 8, 3, 0);   /* unaligned: bounced */
	memset(ts, 0, 8);
	ts[0] = 0x10;
	ts[1] = 0x27;   /* 10000 ms */
	struct nvme_feat_args tsa = { .fid = NVME_FEAT_TIMESTAMP, .buf = ts, .len = 8 };
	CHECK_OK(nvme_feat_set(f.c, &tsa, NVME_FEAT_RAW, NULL));
	memset(ts, 0, 8);
	CHECK_OK(nvme_feat_get(f.c, &tsa, NVME_FEAT_RAW, NULL));
	CHECK((ts[0] | (ts[1] << 8)) >= 10000);
	fx_buf_free(&f, ts);
	/* logs: SMART counters move with I/O, error log records failures */
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	CHECK_OK(nvme_write(ns, NULL, 0, 8, b));
#if NVME_CFG_LOGS || NVME_CFG_SUPPORT   /* nvme_get_log_page() is not in the core configuration */
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_SMART, 0, NVME_NSID_ALL, 0, b, 512, false));
	CHECK_EQ(b[offsetof(struct nvme_smart_log, host_writes)], 1);
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, b, 256, false));
	uint64_t errs;
	memcpy(&errs, b, 8);
	CHECK_EQ(errs, 1);   /* the Identify of namespace 99 above */
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_FW_SLOT, 0, 0, 0, b, 512, false));
	CHECK_EQ(b[0] & 7u, 1);
#endif
	fx_buf_free(&f, b);
}

static void api_not_initialised(void)
{
	struct nvme_ctrl *c = calloc(1, sizeof(*c));
	uint8_t b[512];
	uint32_t n;
	CHECK_EQ(nvme_ctrl_get_state(c), NVME_CTRL_OFF);
	CHECK_EQ(nvme_ns_count(c), 0);
	CHECK(nvme_ns_at(c, 0) == NULL);
	CHECK(nvme_ctrl_io_qpair(c, 0) == NULL);
	CHECK(nvme_ctrl_admin_qpair(c) == NULL);
	CHECK(nvme_identify(c, NVME_CNS_CTRL, 0, 0, b) != 0);
	CHECK(nvme_get_num_queues(c, &n, &n) != 0);
	CHECK(nvme_ctrl_reset(c) != 0);
	CHECK(nvme_ctrl_shutdown(c, false) != 0);
	CHECK(nvme_ns_rescan(c) != 0);
	CHECK(nvme_qpair_create(c, 1, 8, NULL) != 0);
	nvme_ctrl_detach(c);
	nvme_ctrl_detach(NULL);
	CHECK_EQ(nvme_ctrl_get_state(NULL), NVME_CTRL_OFF);
	CHECK(nvme_ns_get(NULL, 1) == NULL);
	free(c);
}

/* nvme_config_defaults sets every member, also the newer flags (a struct on
 * a dirty stack: found by the fuzzer,
 * tests/fuzz/regressions/config-defaults-leave-new-members-unset). */
static void api_config_defaults(void)
{
	struct nvme_ctrl_config dc;
	memset(&dc, 0xA5, sizeof(dc));
	nvme_config_defaults(&dc);
	CHECK(!dc.no_recovery && !dc.no_aer && !dc.no_shadow_doorbells);
	CHECK(dc.event_cb == NULL && dc.event_arg == NULL);
	CHECK_EQ(dc.io_timeout_ms, NVME_DEFAULT_IO_TIMEOUT_MS);
}

/* nvme_ctrl_qpair numbers queue pairs as nvme_qpair_create does. */
static void api_qpair_by_qid(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.cfg.io_queue_count = 2;
	fx_up(&f);
	CHECK(nvme_ctrl_qpair(f.c, 0) == nvme_ctrl_admin_qpair(f.c));
	CHECK(nvme_ctrl_qpair(f.c, 1) == nvme_ctrl_io_qpair(f.c, 0));
	CHECK(nvme_ctrl_qpair(f.c, 2) == nvme_ctrl_io_qpair(f.c, 1));
	CHECK_EQ(nvme_qpair_id(nvme_ctrl_qpair(f.c, 2)), 2);
	CHECK(nvme_ctrl_qpair(f.c, 3) == NULL);
	CHECK(nvme_ctrl_qpair(f.c, 0xFFFF) == NULL);
	CHECK(nvme_ctrl_qpair(NULL, 1) == NULL);
	CHECK_OK(nvme_qpair_create(f.c, 3, 0, NULL));
	CHECK_EQ(nvme_qpair_id(nvme_ctrl_qpair(f.c, 3)), 3);
	CHECK_OK(nvme_qpair_delete(f.c, 3));
	CHECK(nvme_ctrl_qpair(f.c, 3) == NULL);
}

static const struct check_test tests[] = {
	CHECK_TEST(api_qpair_by_qid),
	CHECK_TEST(api_status_text),
	CHECK_TEST(api_callback_submits),
	CHECK_TEST(api_many_queues),
	CHECK_TEST(api_admin_helpers),
	CHECK_TEST(api_not_initialised),
	CHECK_TEST(api_config_defaults),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
