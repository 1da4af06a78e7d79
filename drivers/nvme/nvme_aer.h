/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_aer.h - Asynchronous Event Requests and events (nvme_aer.c).
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_AER_H
#define NVME_AER_H

#include "nvme_support.h"

/* NSIDs an event reports in each of its lists (the rest are counted). */
#define NVME_EVENT_NSIDS        8u
/* nvme_event.nchanged when the Changed Namespace List overflowed (more than
 * 1024 namespaces changed: the driver rescanned all of them). */
#define NVME_EVENT_CHANGED_ALL  0xFFFFFFFFu

/*
 * One asynchronous event, as reported by an Asynchronous Event Request
 * completion and handled by nvme_ctrl_poll_admin() (nvme_aer.c).
 */
struct nvme_event {
	uint32_t seq;            /* 1, 2, 3 ... per controller */
	uint32_t dw0;            /* completion dword 0 as received */
	uint8_t  type;           /* NVME_AER_TYPE_* (dw0 bits 2:0) */
	uint8_t  info;           /* NVME_AER_* information (dw0 bits 15:8) */
	uint8_t  lid;            /* log page the device named (dw0 bits 23:16) */
	uint8_t  smart_warning;  /* SMART/health events: Critical Warning read from the log */
	uint16_t temperature_k;  /* SMART/health events: composite temperature read from the log */
	uint8_t  sstat;          /* Sanitize events: SSTAT status read from the log */
	/* Status of reading the named log page with RAE cleared (which lets the
	 * device report events of this type again): 0 read; a device status;
	 * NVME_ERR_UNSUPPORTED when the driver does not read that log (type or
	 * LID it does not know; the event type stays masked in the device
	 * until the host reads the log itself). */
	int      log_status;
	/* Namespace Attribute Changed: status of the rescan (0 done). */
	int      rescan_status;
	/* Namespace Attribute Changed: the Changed Namespace List (count, or
	 * NVME_EVENT_CHANGED_ALL) and its first entries; namespaces that
	 * appeared in or disappeared from the driver's table with the rescan;
	 * the table's size afterwards. */
	uint32_t nchanged;
	uint32_t changed[NVME_EVENT_NSIDS];
	uint32_t nadded, nremoved;
	uint32_t added[NVME_EVENT_NSIDS];
	uint32_t removed[NVME_EVENT_NSIDS];
	uint32_t ns_count;
};


#if NVME_CFG_AER
/*
 * Asynchronous Event Request completions arrive on the admin queue and are
 * reaped by every admin command's wait and by this function; the driver
 * re-arms each request as it completes. The events are handled here, never
 * inside a completion: the log page the event names is read with RAE
 * cleared (SMART 02h, Error 01h, Firmware Slot 03h, Changed Namespace List
 * 04h, Reservation Notification 80h, Sanitize Status 81h; others are left
 * for the host), a Namespace Attribute Changed notice re-reads the namespace
 * list and every namespace (a full rescan), a Firmware Activation Starting
 * notice re-reads the firmware revision; then cfg.event_cb runs and the
 * event is kept for nvme_event_pop(). Call it periodically (e.g. from an
 * idle loop). Returns the number of events handled, or NVME_ERR_*.
 * AER commands never time out. After reset/resume the requests are
 * submitted again. A request the device fails is not re-armed.
 */
int nvme_ctrl_poll_admin(struct nvme_ctrl *c);
/* Requests outstanding now. */
uint32_t nvme_aer_outstanding(const struct nvme_ctrl *c);
/* Handled events waiting in the ring; pop the oldest (false if none). */
uint32_t nvme_event_count(const struct nvme_ctrl *c);
bool nvme_event_pop(struct nvme_ctrl *c, struct nvme_event *out);
/* Events lost because the ring (or the list of unhandled ones) was full. */
uint32_t nvme_event_dropped(const struct nvme_ctrl *c);
/* "error", "SMART/health", "notice", "I/O command set", "vendor", "reserved". */
const char *nvme_event_type_name(uint8_t type);
/* One line: "notice: namespace attribute changed (log 04h): 2 changed
 * (3, 5), added 5, removed 3, 4 namespaces". Returns the full length. */
size_t nvme_event_describe(const struct nvme_event *ev, char *buf, size_t len);
#endif /* NVME_CFG_AER */

#endif /* NVME_AER_H */
