/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_format.h - Format NVM (nvme_format.c); OACS bit 1.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_FORMAT_H
#define NVME_FORMAT_H

#include "nvme_support.h"

#if NVME_CFG_FORMAT

/* Default interval of the format progress callback. */
#define NVME_FORMAT_POLL_MS  1000u

/* What the format progress callback is told. */
struct nvme_format_progress {
	uint64_t elapsed_ms;     /* since the command was sent */
	uint64_t timeout_ms;     /* the wait's bound (cfg.format_timeout_ms, at least
	                          * the admin timeout) */
	bool     fpi;            /* the namespace reports progress (Identify Namespace
	                          * FPI bit 7): percent is the device's */
	uint8_t  percent;        /* done, 0..100 (100 - FPI's percent remaining);
	                          * 0 without fpi */
	uint32_t nsid;           /* the namespace whose FPI was read */
	int      fpi_status;     /* status of that Identify Namespace (0: read) */
};

struct nvme_format_opts {
	uint8_t  lbaf;       /* LBA format index, below the namespace's format_count */
	uint8_t  ses;        /* NVME_FORMAT_SES_NONE / _USER_DATA / _CRYPTO (FNA bit 2) */
	bool     mset;       /* metadata as part of an extended LBA */
	uint8_t  pi;         /* protection information type 0..3 */
	bool     pil;        /* protection information in the first bytes of metadata */
	unsigned flags;      /* NVME_CMD_FORCE */
	/* Called about every poll_ms (0: NVME_FORMAT_POLL_MS) while the format
	 * runs, after reading the namespace's Format Progress Indicator
	 * (Identify Namespace of nsid, or of the first known namespace for
	 * NVME_NSID_ALL); return nonzero to stop waiting (NVME_ERR_CANCELLED:
	 * the format goes on in the device, see nvme_format_nvm). May be NULL:
	 * then nothing is read while waiting. It must not call the driver. */
	int    (*progress)(void *arg, const struct nvme_format_progress *p);
	void    *arg;
	uint32_t poll_ms;
};
/*
 * Format namespace nsid (a namespace the driver knows, or NVME_NSID_ALL),
 * waiting up to cfg.format_timeout_ms (at least the admin timeout; then
 * recovery as for any command: Abort, controller reset). The format index
 * is checked against NLBAF of the namespace (every known namespace for
 * NVME_NSID_ALL) before sending. Afterwards all namespaces are re-read
 * (nvme_ns_rescan), so block size and count follow the new format; re-get
 * struct nvme_ns pointers. With FNA bit 0 set the device formats every
 * namespace anyway.
 * o->progress can stop the wait: NVME_ERR_CANCELLED, the Format NVM command
 * stays with the device (its slot stays reserved until it completes; the
 * completion is then consumed quietly), the device goes on formatting, and
 * the namespaces are not re-read: I/O to them may fail until it is done;
 * call nvme_ns_rescan() afterwards (FPI, or a Format In Progress status,
 * shows when).
 */
int nvme_format_nvm(struct nvme_ctrl *c, uint32_t nsid, const struct nvme_format_opts *o);

#endif /* NVME_CFG_FORMAT */

#endif /* NVME_FORMAT_H */
