/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_recover.h - timeouts and recovery (nvme_recover.c): README.md
 * "Timeouts and recovery".
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_RECOVER_H
#define NVME_RECOVER_H

/* Controller-wide recovery counters (nvme_ctrl_recovery_stats). */
struct nvme_recovery_stats {
	uint32_t timeouts;        /* commands that timed out (all queues) */
	uint32_t aborts_sent;     /* Abort commands sent */
	uint32_t aborts_done;     /* of those: the device aborted the command */
	uint32_t resets_auto;     /* controller resets done by recovery */
	uint32_t resets;          /* all re-initialisations (reset, resume, recovery) */
	uint32_t retried;         /* commands resubmitted after a reset */
	uint32_t failed_gone;     /* commands completed with NVME_ERR_DEVICE_GONE */
	uint32_t gave_up;         /* recoveries that ended with the controller FAILED */
};


/*
 * Timeouts for hosts that poll rarely: read the clock once, start a new
 * timeout epoch on every queue pair where one has passed, resubmit retries
 * whose delay is over, and recover every command that has timed out (see
 * README.md "Timeouts and recovery"). nvme_qpair_poll() and
 * nvme_ctrl_poll_admin() do the same on their own every
 * NVME_POLL_CLOCK_EVERY polls; call this from an idle loop or a timer when
 * the host may not poll for a while. Controller-level call (serialised with
 * the others; never from a completion callback). Returns 0 or the
 * controller's error (NVME_ERR_DEVICE_GONE, NVME_ERR_CTRL_FATAL...).
 */
int nvme_ctrl_check_timeouts(struct nvme_ctrl *c);
/* Recovery counters of the controller (zeroed by init). */
void nvme_ctrl_recovery_stats(const struct nvme_ctrl *c, struct nvme_recovery_stats *out);

#endif /* NVME_RECOVER_H */
