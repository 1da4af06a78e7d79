/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_aer.c - Asynchronous Event Requests: kept outstanding, re-armed as
 * they complete, and the events handled outside completion context.
 *
 * After init, reset and resume the driver enables the events the controller
 * can report (Set Features Asynchronous Event Configuration: SMART critical
 * warnings, and the namespace-attribute and firmware-activation notices when
 * OAES advertises them) and submits min(AERL+1, NVME_CFG_MAX_AER, half the
 * admin slots) requests, so ordinary admin commands always find a slot.
 *
 * A completion (reaped by any admin wait or nvme_ctrl_poll_admin) only
 * records dword 0 and re-arms the request; it cannot do more, because a
 * completion callback must not wait for commands. nvme_ctrl_poll_admin()
 * then handles each recorded event: it reads the log page the event names
 * with RAE cleared (which is what lets the device report that event type
 * again), rescans the namespaces on Namespace Attribute Changed (the Changed
 * Namespace List is validated: increasing, non-zero, within NN; FFFFFFFFh
 * means more than 1024 changed), re-reads the firmware revision on
 * Firmware Activation Starting, keeps the event in a small ring and calls
 * the host's cfg.event_cb.
 *
 * AER commands have no timeout (nothing waits for them). A request the
 * device completes with an error (Invalid Opcode, Asynchronous Event Request
 * Limit Exceeded, ...) is not re-armed; requests dropped by a reset are
 * re-submitted by nvme_aer_start().
 */
#include "nvme_internal.h"

#if NVME_CFG_AER   /* optional (nvme.h): the file is empty without it */

#define RAW_MAX (sizeof(((struct nvme_ctrl *)0)->aer_raw) / sizeof(uint32_t))

static void aer_done(void *arg, int status, const struct nvme_cqe *cqe);

NVME_COLD static int aer_submit_one(struct nvme_ctrl *c)
{
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_ASYNC_EVENT;
	int rc = nvme_q_submit_flags(&c->admin, &sqe, NULL, 0, aer_done, c, NVME_QF_NORETRY | NVME_QF_NOTIMEOUT,
				     NULL);
	if (rc == 0)
		c->aer_outstanding++;
	return rc;
}

NVME_COLD static void aer_done(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct nvme_ctrl *c = arg;
	if (c->aer_outstanding != 0)
		c->aer_outstanding--;
	if (cqe == NULL || status == NVME_ERR_ABORTED)
		return;   /* reset, detach: nvme_aer_start() submits again */
	if (status != 0) {
		/* Not re-armed: a device that fails them would loop otherwise. */
		if (c->aer_target != 0)
			c->aer_target--;
		nvme_warn(c, "Asynchronous Event Request failed: %s; %u left", nvme_strerror(status),
			  (unsigned)c->aer_target);
		return;
	}
	if (c->aer_raw_count < RAW_MAX)
		c->aer_raw[c->aer_raw_count++] = cqe->dw0;
	else
		c->ev_dropped++;
	/* Re-arm now; if the queue is full, nvme_ctrl_poll_admin() tops up.
	 * A device flooding events gets no new request while half the list of
	 * unhandled ones is used: nvme_ctrl_poll_admin() re-arms after
	 * handling them, so a flood costs one batch per call, never a loop. */
	if (c->aer_raw_count < RAW_MAX / 2)
		(void)aer_submit_one(c);
}

NVME_COLD void nvme_aer_start(struct nvme_ctrl *c)
{
	c->aer_outstanding = 0;   /* a reset dropped (and aborted) the old ones */
	c->aer_target = 0;
	if (c->cfg.no_aer || NVME_CFG_MAX_AER == 0 || !c->admin.live)
		return;
	uint32_t target = nvme_min_u32((uint32_t)c->id.aerl + 1u, NVME_CFG_MAX_AER);
	target = nvme_min_u32(target, c->admin.nslots / 2u);
	if (target == 0)
		return;
	/* SMART critical warnings 0..4 (1.0+) and the notices OAES offers */
	uint32_t aec = nvme_feat_async_event(0x1Fu, NVME_GET(c->id.oaes, NVME_OAES_NS_ATTR_NOTICES) != 0,
					     NVME_GET(c->id.oaes, NVME_OAES_FW_ACTIVATION_NOTICES) != 0);
	struct nvme_feat_args a = { .fid = NVME_FEAT_ASYNC_EVENT_CONFIG, .cdw11 = aec };
	int rc = nvme_feat_set(c, &a, NVME_FEAT_RAW, NULL);
	if (rc != 0)
		nvme_warn(c, "Set Features Asynchronous Event Configuration %08x: %s", (unsigned)aec,
			  nvme_strerror(rc));
	c->aer_target = target;
	for (uint32_t i = 0; i < target; i++) {
		rc = aer_submit_one(c);
		if (rc != 0) {
			nvme_warn(c, "Asynchronous Event Request not submitted: %s", nvme_strerror(rc));
			break;
		}
	}
	nvme_dbg(c, "%u Asynchronous Event Requests outstanding (AERL %u)", (unsigned)c->aer_outstanding,
		 (unsigned)c->id.aerl);
}

/* ------------------------------------------------------------------------ */
/* Handling                                                                 */
/* ------------------------------------------------------------------------ */

/* Bytes of the log an event names that the driver reads (0: not read). */
NVME_COLD static size_t event_log_len(uint8_t lid)
{
	switch (lid) {
	case NVME_LID_ERROR:        return sizeof(struct nvme_error_log_entry);
	case NVME_LID_SMART:        return sizeof(struct nvme_smart_log);
	case NVME_LID_FW_SLOT:      return sizeof(struct nvme_fw_slot_log);
	case NVME_LID_CHANGED_NS:   return NVME_NS_LIST_ENTRIES * sizeof(uint32_t);
	case NVME_LID_RESERVATION_NOTIFICATION: return 64;
	case NVME_LID_SANITIZE_STATUS: return sizeof(struct nvme_sanitize_log);
	default:                    return 0;
	}
}

/* Validate the Changed Namespace List in idbuf into ev. */
NVME_COLD static void parse_changed(struct nvme_ctrl *c, struct nvme_event *ev)
{
	const uint32_t *list = c->idbuf;
	uint32_t prev = 0, n;
	if (list[0] == NVME_CHANGED_NS_OVERFLOW) {
		ev->nchanged = NVME_EVENT_CHANGED_ALL;
		return;
	}
	for (n = 0; n < NVME_NS_LIST_ENTRIES; n++) {
		uint32_t id = list[n];
		if (id == 0)
			break;
		if (id <= prev || id > c->id.nn) {
			nvme_warn(c, "Changed Namespace List entry %u (%u) not increasing or above NN %u: rescanning all",
				  (unsigned)n, (unsigned)id, (unsigned)c->id.nn);
			ev->nchanged = NVME_EVENT_CHANGED_ALL;
			return;
		}
		if (n < NVME_EVENT_NSIDS)
			ev->changed[n] = id;
		prev = id;
	}
	ev->nchanged = n;
}

/* Rescan and record which kept namespaces appeared and disappeared. */
NVME_COLD static void rescan_diff(struct nvme_ctrl *c, struct nvme_event *ev)
{
	uint32_t before[NVME_CFG_MAX_NS];
	uint32_t nb = c->ns_count;
	for (uint32_t i = 0; i < nb; i++)
		before[i] = c->ns[i].nsid;
	ev->rescan_status = nvme_ns_scan(c);
	uint32_t na = c->ns_count;
	uint32_t i = 0, j = 0;
	/* both lists are increasing */
	while (i < nb || j < na) {
		uint32_t b = i < nb ? before[i] : 0xFFFFFFFFu;
		uint32_t a = j < na ? c->ns[j].nsid : 0xFFFFFFFFu;
		if (a == b) {
			i++;
			j++;
		} else if (b < a) {
			if (ev->nremoved < NVME_EVENT_NSIDS)
				ev->removed[ev->nremoved] = b;
			ev->nremoved++;
			i++;
		} else {
			if (ev->nadded < NVME_EVENT_NSIDS)
				ev->added[ev->nadded] = a;
			ev->nadded++;
			j++;
		}
	}
	ev->ns_count = na;
	nvme_dbg(c, "namespace change: %u added, %u removed, %u namespace(s) now (rescan: %s)",
		  (unsigned)ev->nadded, (unsigned)ev->nremoved, (unsigned)na, nvme_strerror(ev->rescan_status));
}

NVME_COLD static void handle_event(struct nvme_ctrl *c, uint32_t dw0, struct nvme_event *ev)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->seq = ++c->ev_seq;
	ev->dw0 = dw0;
	ev->type = (uint8_t)NVME_GET(dw0, NVME_AER_DW0_TYPE);
	ev->info = (uint8_t)NVME_GET(dw0, NVME_AER_DW0_INFO);
	ev->lid = (uint8_t)NVME_GET(dw0, NVME_AER_DW0_LID);
	ev->log_status = NVME_ERR_UNSUPPORTED;
	ev->rescan_status = NVME_ERR_UNSUPPORTED;

	size_t len = event_log_len(ev->lid);
	if (ev->type > NVME_AER_TYPE_NOTICE && ev->type < NVME_AER_TYPE_IO_SPECIFIC) {
		nvme_warn(c, "asynchronous event %08x has a reserved type %u", (unsigned)dw0, (unsigned)ev->type);
		len = 0;
	}
	if (len != 0 && c->idbuf != NULL) {
		__builtin_memset(c->idbuf, 0, len);
		uint32_t nsid = ev->lid == NVME_LID_SMART ? NVME_NSID_ALL : 0;
		ev->log_status = nvme_get_log_page(c, ev->lid, 0, nsid, 0, c->idbuf, len, false);
		if (ev->log_status == 0) {
			const struct nvme_smart_log *smart = c->idbuf;
			const struct nvme_sanitize_log *san = c->idbuf;
			switch (ev->lid) {
			case NVME_LID_SMART:
				ev->smart_warning = smart->critical_warning;
				ev->temperature_k = (uint16_t)(smart->temperature[0] | (smart->temperature[1] << 8));
				break;
			case NVME_LID_SANITIZE_STATUS:
				ev->sstat = (uint8_t)NVME_GET(san->sstat, NVME_SSTAT_STATUS);
				break;
			case NVME_LID_CHANGED_NS:
				parse_changed(c, ev);
				break;
			default:
				break;
			}
		} else {
			nvme_warn(c, "event %08x: reading log %02x failed: %s", (unsigned)dw0, (unsigned)ev->lid,
				  nvme_strerror(ev->log_status));
		}
	}
	if (ev->type == NVME_AER_TYPE_NOTICE && ev->info == NVME_AER_NOTICE_NS_CHANGED) {
		if (ev->log_status != 0)
			ev->nchanged = NVME_EVENT_CHANGED_ALL;   /* unknown: everything may have changed */
		rescan_diff(c, ev);
	}
	if (ev->type == NVME_AER_TYPE_NOTICE && ev->info == NVME_AER_NOTICE_FW_ACTIVATION_STARTING) {
		int rc = nvme_refresh_firmware_rev(c);
		if (rc != 0)
			nvme_warn(c, "firmware activation notice: re-reading Identify failed: %s", nvme_strerror(rc));
	}
	char line[160];
	(void)nvme_event_describe(ev, line, sizeof(line));
	nvme_dbg(c, "event %u: %s", (unsigned)ev->seq, line);   /* the host reports events itself */
}

NVME_COLD static void ring_push(struct nvme_ctrl *c, const struct nvme_event *ev)
{
	if (c->ev_count == NVME_CFG_EVENT_RING) {
		c->ev_head = (c->ev_head + 1u) % NVME_CFG_EVENT_RING;
		c->ev_count--;
		c->ev_dropped++;
	}
	c->events[(c->ev_head + c->ev_count) % NVME_CFG_EVENT_RING] = *ev;
	c->ev_count++;
}

NVME_COLD int nvme_ctrl_poll_admin(struct nvme_ctrl *c)
{
	if (c == NULL)
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (c->aer_busy)
		return 0;   /* called from an event callback */
	rc = nvme_qpair_poll(&c->admin, 0);
	if (rc < 0)
		return rc;
	/* the host's periodic call: timeouts of every queue too */
	rc = nvme_ctrl_check_timeouts(c);
	if (rc != 0)
		return rc;
	c->aer_busy = true;
	int handled = 0;
	/* at most one list's worth per call: a flood cannot keep us here */
	while (c->aer_raw_count != 0 && handled < (int)RAW_MAX && nvme_ctrl_usable(c) == 0) {
		uint32_t dw0 = c->aer_raw[0];
		for (uint32_t i = 1; i < c->aer_raw_count; i++)
			c->aer_raw[i - 1] = c->aer_raw[i];
		c->aer_raw_count--;
		struct nvme_event ev;
		handle_event(c, dw0, &ev);
		ring_push(c, &ev);
		handled++;
		if (c->cfg.event_cb != NULL)
			c->cfg.event_cb(c->cfg.event_arg, c, &ev);
	}
	while (c->aer_outstanding < c->aer_target && c->admin.live) {
		if (aer_submit_one(c) != 0)
			break;
	}
	c->aer_busy = false;
	return handled;
}

NVME_COLD uint32_t nvme_aer_outstanding(const struct nvme_ctrl *c)
{
	return c != NULL ? c->aer_outstanding : 0;
}

NVME_COLD uint32_t nvme_event_count(const struct nvme_ctrl *c)
{
	return c != NULL ? c->ev_count : 0;
}

NVME_COLD uint32_t nvme_event_dropped(const struct nvme_ctrl *c)
{
	return c != NULL ? c->ev_dropped : 0;
}

NVME_COLD bool nvme_event_pop(struct nvme_ctrl *c, struct nvme_event *out)
{
	if (c == NULL || out == NULL || c->ev_count == 0)
		return false;
	*out = c->events[c->ev_head];
	c->ev_head = (c->ev_head + 1u) % NVME_CFG_EVENT_RING;
	c->ev_count--;
	return true;
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

NVME_COLD const char *nvme_event_type_name(uint8_t type)
{
	switch (type) {
	case NVME_AER_TYPE_ERROR:       return "error";
	case NVME_AER_TYPE_SMART:       return "SMART/health";
	case NVME_AER_TYPE_NOTICE:      return "notice";
	case NVME_AER_TYPE_IO_SPECIFIC: return "I/O command set";
	case NVME_AER_TYPE_VENDOR:      return "vendor";
	default:                        return "reserved";
	}
}

NVME_COLD static const char *info_name(uint8_t type, uint8_t info)
{
	static const char *const err[] = { "invalid doorbell write", "invalid doorbell value", "diagnostic failure",
					   "persistent internal error", "transient internal error",
					   "firmware image load error" };
	static const char *const smart[] = { "reliability", "temperature threshold", "spare below threshold" };
	static const char *const notice[] = { "namespace attribute changed", "firmware activation starting",
					      "telemetry log changed", "ANA change", "predictable latency change",
					      "LBA status information", "endurance group event" };
	static const char *const io[] = { "reservation log page available", "sanitize completed",
					  "sanitize completed with unexpected deallocation" };
	switch (type) {
	case NVME_AER_TYPE_ERROR:
		return info < sizeof(err) / sizeof(err[0]) ? err[info] : "other";
	case NVME_AER_TYPE_SMART:
		return info < sizeof(smart) / sizeof(smart[0]) ? smart[info] : "other";
	case NVME_AER_TYPE_NOTICE:
		return info < sizeof(notice) / sizeof(notice[0]) ? notice[info] : "other";
	case NVME_AER_TYPE_IO_SPECIFIC:
		return info < sizeof(io) / sizeof(io[0]) ? io[info] : "other";
	default:
		return "other";
	}
}

NVME_COLD static size_t cat_list(char *buf, size_t len, size_t pos, const uint32_t *ids, uint32_t n)
{
	uint32_t shown = n < NVME_EVENT_NSIDS ? n : NVME_EVENT_NSIDS;
	for (uint32_t i = 0; i < shown; i++)
		pos = nvme_cat(buf, len, pos, "%s%u", i ? " " : "", (unsigned)ids[i]);
	if (n > shown)
		pos = nvme_cat(buf, len, pos, " ...");
	return pos;
}

NVME_COLD size_t nvme_event_describe(const struct nvme_event *ev, char *buf, size_t len)
{
	size_t pos = nvme_cat(buf, len, 0, "%s: %s (log %02Xh", nvme_event_type_name(ev->type),
			      info_name(ev->type, ev->info), (unsigned)ev->lid);
	if (ev->log_status == 0)
		pos = nvme_cat(buf, len, pos, " read)");
	else if (ev->log_status == NVME_ERR_UNSUPPORTED)
		pos = nvme_cat(buf, len, pos, " not read)");
	else
		pos = nvme_cat(buf, len, pos, ": %s)", nvme_strerror(ev->log_status));
	if (ev->lid == NVME_LID_SMART && ev->log_status == 0) {
		char w[96];
		(void)nvme_smart_warning_text(ev->smart_warning, w, sizeof(w));
		pos = nvme_cat(buf, len, pos, ": critical warning %s, %u K", w, (unsigned)ev->temperature_k);
	}
	if (ev->lid == NVME_LID_SANITIZE_STATUS && ev->log_status == 0)
		pos = nvme_cat(buf, len, pos, ": %s", nvme_sstat_name(ev->sstat));
	if (ev->type == NVME_AER_TYPE_NOTICE && ev->info == NVME_AER_NOTICE_NS_CHANGED) {
		if (ev->nchanged == NVME_EVENT_CHANGED_ALL)
			pos = nvme_cat(buf, len, pos, ": all changed");
		else
			pos = cat_list(buf, len, nvme_cat(buf, len, pos, ": %u changed: ", (unsigned)ev->nchanged),
				       ev->changed, ev->nchanged);
		if (ev->nadded != 0)
			pos = cat_list(buf, len, nvme_cat(buf, len, pos, "; added "), ev->added, ev->nadded);
		if (ev->nremoved != 0)
			pos = cat_list(buf, len, nvme_cat(buf, len, pos, "; removed "), ev->removed, ev->nremoved);
		pos = nvme_cat(buf, len, pos, "; %u namespace(s)", (unsigned)ev->ns_count);
	}
	return pos;
}

#else
typedef int nvme_aer_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_AER */
