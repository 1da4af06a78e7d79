/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_sanitize.h - Sanitize and its bounded status wait (nvme_sanitize.c);
 * SANICAP.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_SANITIZE_H
#define NVME_SANITIZE_H

#include "nvme_support.h"
#include "nvme_logs.h"

#if NVME_CFG_SANITIZE

/* Poll interval default, and the wait when the log gives no estimate. */
#define NVME_SANITIZE_POLL_MS           1000u
#define NVME_SANITIZE_NO_ESTIMATE_MS    (3600u * 1000u)
/* The wait bound is the action's estimate plus 50 % plus this. */
#define NVME_SANITIZE_MARGIN_MS         60000u

struct nvme_sanitize_opts {
	uint8_t  action;     /* NVME_SANACT_BLOCK_ERASE, _CRYPTO_ERASE, _OVERWRITE, _EXIT_FAILURE */
	bool     ause;       /* Allow Unrestricted Sanitize Exit */
	bool     no_dealloc; /* No-Deallocate After Sanitize (refused when SANICAP.NDI is set) */
	uint8_t  owpass;     /* overwrite: passes 1..16 */
	bool     invert;     /* overwrite: invert the pattern between passes */
	uint32_t pattern;    /* overwrite: 32-bit pattern */
	unsigned flags;      /* NVME_CMD_FORCE */
	uint32_t poll_ms;    /* between Sanitize Status polls; 0 = NVME_SANITIZE_POLL_MS */
	/* Wait bound in ms; 0 = from the estimate the Sanitize Status log
	 * gives for this action (ETBE, ETCE, ETO or their No-Deallocate
	 * variants): estimate x 1.5 + NVME_SANITIZE_MARGIN_MS, or
	 * NVME_SANITIZE_NO_ESTIMATE_MS when it is FFFFFFFFh. */
	uint64_t max_wait_ms;
	/* Called after every poll while the operation runs (and once at the
	 * end); return nonzero to stop waiting (NVME_ERR_CANCELLED: the device
	 * goes on sanitizing, and I/O fails with Sanitize In Progress until it
	 * completes). May be NULL. */
	int    (*progress)(void *arg, const struct nvme_sanitize_status *st);
	void    *arg;
};
/* Only start: check SANICAP (and NDI), send Sanitize with NSID 0. */
int nvme_sanitize_start(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o);
/*
 * Only wait: poll the Sanitize Status log until it reports completed (0),
 * failed (NVME_ERR_SANITIZE_FAILED), the bound passed (NVME_ERR_TIMEOUT) or
 * the callback stopped (NVME_ERR_CANCELLED). final (may be NULL) receives
 * the last log read. An SSTAT of "never sanitized" right after the start is
 * taken as "not started yet" and polled further.
 */
int nvme_sanitize_wait(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o,
		       struct nvme_sanitize_status *final);
/* Start, then wait (exit-failure-mode returns after the command). */
int nvme_sanitize(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o,
		  struct nvme_sanitize_status *final);

#endif /* NVME_CFG_SANITIZE */

#endif /* NVME_SANITIZE_H */
