/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_aer.c - asynchronous events: requests kept outstanding (AERL+1
 * capped), events enabled per OAES, namespaces that appear and disappear at
 * run time (Changed Namespace List, rescan, the host told through the
 * callback and the ring), the list's overflow entry and invalid entries,
 * SMART warnings, re-arming after every event and after reset/resume,
 * failed requests not re-armed, unknown events, the ring overflowing.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

struct cb_log {
	unsigned calls;
	struct nvme_event last;
	uint32_t ns_count_seen;
	int identify_rc;
};

/* The host's callback: may call driver functions. */
static void on_event(void *arg, struct nvme_ctrl *c, const struct nvme_event *ev)
{
	struct cb_log *l = arg;
	l->calls++;
	l->last = *ev;
	l->ns_count_seen = nvme_ns_count(c);
	uint32_t ids[4], n;
	l->identify_rc = nvme_ns_list_active(c, 0, ids, 4, &n);
}

static void aer_fixture(struct fx *f, struct cb_log *log)
{
	fx_defaults(f);
	f->mcfg.nn_auto = false;
	f->mcfg.nn = 16;
	f->cfg.event_cb = on_event;
	f->cfg.event_arg = log;
}

static void aer_outstanding(void)
{
	static struct fx f;
	fx_defaults(&f);   /* AERL 3: four requests, the driver's maximum */
	fx_up(&f);
	CHECK_EQ(nvme_aer_outstanding(f.c), 4);
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 4);
	CHECK_EQX(nvme_model_feature(f.m, NVME_FEAT_ASYNC_EVENT_CONFIG), nvme_feat_async_event(0x1F, true, true));
	/* reset and resume submit them again */
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(nvme_aer_outstanding(f.c), 4);
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 4);
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	CHECK_OK(nvme_ctrl_resume(f.c));
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 4);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 0);
	fx_finish(&f);

	/* AERL 0: one; OAES without notices: only SMART warnings enabled */
	fx_defaults(&f);
	f.mcfg.aerl = 0;
	fx_start(&f);
	nvme_model_set_oaes(f.m, 0);
	fx_up(&f);
	CHECK_EQ(nvme_aer_outstanding(f.c), 1);
	CHECK_EQX(nvme_model_feature(f.m, NVME_FEAT_ASYNC_EVENT_CONFIG), 0x1Fu);
	fx_finish(&f);

	/* a small admin queue keeps half its slots for other commands */
	fx_defaults(&f);
	f.cfg.admin_queue_depth = 4;   /* 3 slots */
	fx_up(&f);
	CHECK_EQ(nvme_aer_outstanding(f.c), 1);
	uint32_t n;
	CHECK_OK(nvme_get_num_queues(f.c, &n, &n));
	fx_finish(&f);

	/* switched off */
	fx_defaults(&f);
	f.cfg.no_aer = true;
	fx_up(&f);
	CHECK_EQ(nvme_aer_outstanding(f.c), 0);
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 0);
}

static void aer_namespace_changes(void)
{
	static struct fx f;
	static struct cb_log log;
	memset(&log, 0, sizeof(log));
	aer_fixture(&f, &log);
	fx_up(&f);
	CHECK_EQ(nvme_ns_count(f.c), 2);
	/* a namespace appears */
	struct nvme_model_ns_config ns5 = { .nsid = 5, .lba_size = 4096, .blocks = 1000 };
	REQUIRE(nvme_model_ns_add(f.m, &ns5) == 0);
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 3);   /* one request consumed */
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(nvme_aer_outstanding(f.c), 4);         /* re-armed */
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 4);
	CHECK_EQ(log.calls, 1);
	CHECK_EQ(log.last.type, NVME_AER_TYPE_NOTICE);
	CHECK_EQ(log.last.info, NVME_AER_NOTICE_NS_CHANGED);
	CHECK_EQ(log.last.lid, NVME_LID_CHANGED_NS);
	CHECK_OK(log.last.log_status);
	CHECK_OK(log.last.rescan_status);
	CHECK_EQ(log.last.nchanged, 1);
	CHECK_EQ(log.last.changed[0], 5);
	CHECK_EQ(log.last.nadded, 1);
	CHECK_EQ(log.last.added[0], 5);
	CHECK_EQ(log.last.nremoved, 0);
	CHECK_EQ(log.last.ns_count, 3);
	CHECK_EQ(log.ns_count_seen, 3);   /* the callback runs after the rescan */
	CHECK_OK(log.identify_rc);        /* and may call the driver */
	struct nvme_ns *ns = nvme_ns_get(f.c, 5);
	REQUIRE(ns != NULL);
	CHECK_EQ(ns->lba_size, 4096);
	CHECK_EQ(ns->size, 1000);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_write(ns, NULL, 999, 1, b));
	char line[200];
	nvme_event_describe(&log.last, line, sizeof(line));
	CHECK_STR(line, "notice: namespace attribute changed (log 04h read): 1 changed: 5; added 5; 3 namespace(s)");
	/* the driver's own lines about it are DEBUG: a host that prints the
	 * event (cfg.event_cb, nvme_event_pop) does not show it twice */
	CHECK(host_env_log_contains(f.env, ": event 1: notice: namespace attribute changed"));
	CHECK(host_env_log_contains(f.env, ": namespace change: 1 added"));
	for (const char *p = host_env_log_text(f.env); (p = strstr(p, ": event ")) != NULL; p++) {
		const char *l = p;
		while (l > host_env_log_text(f.env) && l[-1] != '\n')
			l--;
		CHECK_MSG(strncmp(l, "DEBUG ", 6) == 0, "event line not at DEBUG: %.60s", l);
	}
	/* the ring keeps it for the host too */
	CHECK_EQ(nvme_event_count(f.c), 1);
	struct nvme_event ev;
	REQUIRE(nvme_event_pop(f.c, &ev));
	CHECK_EQ(ev.seq, log.last.seq);
	CHECK(!nvme_event_pop(f.c, &ev));

	/* the completion is reaped by any admin command's wait, and the
	 * request re-armed right there, before the host polls */
	REQUIRE(nvme_model_ns_remove(f.m, 5) == 0);
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 3);
	uint32_t nq;
	CHECK_OK(nvme_get_num_queues(f.c, &nq, &nq));
	CHECK_EQ(nvme_model_aer_outstanding(f.m), 4);
	CHECK_EQ(log.calls, 1);                        /* handled only by the poll */
	CHECK(nvme_ns_get(f.c, 5) != NULL);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK(nvme_ns_get(f.c, 5) == NULL);
	CHECK_EQ(log.last.nremoved, 1);
	CHECK_EQ(log.last.removed[0], 5);
	CHECK(nvme_event_pop(f.c, &ev));

	/* two changes before the host looks: one event (the type is masked
	 * until the log is read), the list names both */
	REQUIRE(nvme_model_ns_remove(f.m, 2) == 0);
	struct nvme_model_ns_config ns9 = { .nsid = 9, .lba_size = 512, .blocks = 100 };
	REQUIRE(nvme_model_ns_add(f.m, &ns9) == 0);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.nchanged, 2);
	CHECK_EQ(log.last.changed[0], 2);
	CHECK_EQ(log.last.changed[1], 9);
	CHECK_EQ(log.last.nadded, 1);
	CHECK_EQ(log.last.added[0], 9);
	CHECK_EQ(log.last.nremoved, 1);
	CHECK_EQ(log.last.removed[0], 2);
	CHECK_EQ(log.last.ns_count, 2);
	CHECK(nvme_ns_get(f.c, 2) == NULL);
	CHECK(nvme_ns_get(f.c, 9) != NULL);
	CHECK_EQ(nvme_ns_count(f.c), 2);
	/* reading the log cleared the list: the next change lists only itself */
	REQUIRE(nvme_model_ns_remove(f.m, 9) == 0);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.nchanged, 1);
	CHECK_EQ(log.last.changed[0], 9);
	/* more than 1024 changed: FFFFFFFFh, everything rescanned */
	nvme_model_changed_ns_overflow(f.m);
	REQUIRE(nvme_model_ns_add(f.m, &ns9) == 0);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQX(log.last.nchanged, NVME_EVENT_CHANGED_ALL);
	CHECK_EQ(log.last.nadded, 1);
	nvme_event_describe(&log.last, line, sizeof(line));
	CHECK_HAS(line, "all changed");
	/* an invalid list (not increasing) is not trusted: full rescan */
	uint32_t bad[2] = { 7, 3 };
	nvme_model_patch_log(f.m, NVME_LID_CHANGED_NS, 0, bad, sizeof(bad));
	REQUIRE(nvme_model_ns_remove(f.m, 9) == 0);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQX(log.last.nchanged, NVME_EVENT_CHANGED_ALL);
	CHECK_EQ(log.last.nremoved, 1);
	CHECK(nvme_ns_get(f.c, 9) == NULL);
	CHECK(host_env_log_contains(f.env, "not increasing or above NN"));
	fx_buf_free(&f, b);
}

static void aer_smart_events(void)
{
	static struct fx f;
	static struct cb_log log;
	memset(&log, 0, sizeof(log));
	aer_fixture(&f, &log);
	fx_up(&f);
	/* above the default threshold (WCTEMP 343 K) */
	nvme_model_set_temperature(f.m, 360);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.type, NVME_AER_TYPE_SMART);
	CHECK_EQ(log.last.info, NVME_AER_SMART_TEMPERATURE);
	CHECK_OK(log.last.log_status);
	CHECK_EQ(log.last.smart_warning & 2u, 2u);
	CHECK_EQ(log.last.temperature_k, 360);
	char line[200];
	nvme_event_describe(&log.last, line, sizeof(line));
	CHECK_HAS(line, "SMART/health: temperature threshold (log 02h read): critical warning temperature, 360 K");
	/* the log was read, so the next SMART event comes through */
	nvme_model_set_critical_warning(f.m, 0x04 | 0x02);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.info, NVME_AER_SMART_RELIABILITY);
	CHECK_EQ(log.last.smart_warning & 4u, 4u);
	/* spare below threshold */
	nvme_model_set_wear(f.m, 10, 3, 10);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.info, NVME_AER_SMART_SPARE);
	CHECK_EQ(nvme_aer_outstanding(f.c), 4);
	/* events raised while the controller has no requests wait for them */
	CHECK_EQ(log.calls, 3);
}

static void aer_failures_and_unknown(void)
{
	static struct fx f;
	static struct cb_log log;
	memset(&log, 0, sizeof(log));
	aer_fixture(&f, &log);
	fx_up(&f);
	/* a request the device fails is not re-armed */
	struct nvme_model_mangle r = { .cqid = 0, .count = 1, .what = NVME_MODEL_MANGLE_STATUS,
				       .sf = (uint16_t)(NVME_SCT_COMMAND_SPECIFIC << 8 |
						       NVME_SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED) };
	nvme_model_mangle(f.m, &r);
	nvme_model_raise_event(f.m, NVME_AER_TYPE_NOTICE, NVME_AER_NOTICE_NS_CHANGED, NVME_LID_CHANGED_NS);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 0);
	CHECK_EQ(nvme_aer_outstanding(f.c), 3);
	CHECK(host_env_log_contains(f.env, "Asynchronous Event Request failed"));
	/* an event type/log the driver does not know: recorded, log not read */
	nvme_model_raise_event(f.m, NVME_AER_TYPE_VENDOR, 0x12, 0xC0);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_EQ(log.last.type, NVME_AER_TYPE_VENDOR);
	CHECK_EQ(log.last.lid, 0xC0);
	CHECK_RC(log.last.log_status, NVME_ERR_UNSUPPORTED);
	char line[200];
	nvme_event_describe(&log.last, line, sizeof(line));
	CHECK_STR(line, "vendor: other (log C0h not read)");
	/* a reserved type */
	nvme_model_raise_event(f.m, 4, 0, NVME_LID_SMART);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_RC(log.last.log_status, NVME_ERR_UNSUPPORTED);
	CHECK(host_env_log_contains(f.env, "has a reserved type 4"));
	/* an error event: one entry of the Error log is read */
	nvme_model_raise_event(f.m, NVME_AER_TYPE_ERROR, NVME_AER_ERROR_PERSISTENT_INTERNAL, NVME_LID_ERROR);
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	CHECK_OK(log.last.log_status);
	CHECK_EQ(nvme_aer_outstanding(f.c), 3);
	CHECK_EQ(nvme_event_dropped(f.c), 0);
	/* not from a callback: the poll is not re-entered */
	CHECK_RC(nvme_ctrl_poll_admin(NULL), NVME_ERR_INVAL);
}

static void aer_ring_overflow(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.nn_auto = false;
	f.mcfg.nn = 64;
	fx_up(&f);
	for (unsigned i = 0; i < NVME_CFG_EVENT_RING + 3; i++) {
		struct nvme_model_ns_config c = { .nsid = 10 + i, .lba_size = 512, .blocks = 8 };
		REQUIRE(nvme_model_ns_add(f.m, &c) == 0);
		CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	}
	CHECK_EQ(nvme_event_count(f.c), NVME_CFG_EVENT_RING);
	CHECK_EQ(nvme_event_dropped(f.c), 3);
	struct nvme_event ev;
	REQUIRE(nvme_event_pop(f.c, &ev));
	CHECK_EQ(ev.seq, 4);            /* the three oldest were dropped */
	CHECK_EQ(ev.added[0], 13);
	CHECK_EQ(nvme_ns_count(f.c), 2 + NVME_CFG_EVENT_RING + 3);
}

static const struct check_test tests[] = {
	CHECK_TEST(aer_outstanding),
	CHECK_TEST(aer_namespace_changes),
	CHECK_TEST(aer_smart_events),
	CHECK_TEST(aer_failures_and_unknown),
	CHECK_TEST(aer_ring_overflow),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
