/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ctrl.h - controller management beyond nvme.h: configuration defaults,
 * state, resume, reset, the I/O queue count, accessors, the run-time log
 * level (nvme_ctrl.c, nvme_ns.c).
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_CTRL_H
#define NVME_CTRL_H

/* Defaults of struct nvme_ctrl_config (nvme.h; nvme_config_defaults()). */
#define NVME_DEFAULT_ADMIN_QUEUE_DEPTH  32u
#define NVME_DEFAULT_IO_QUEUE_COUNT     1u
#define NVME_DEFAULT_IO_QUEUE_DEPTH     256u
#define NVME_DEFAULT_ADMIN_TIMEOUT_MS   60000u   /* Linux's too: real drives take seconds */
#define NVME_DEFAULT_HMB_MAX_BYTES      (64ull * 1024u * 1024u)
/* A ready timeout (CAP.TO, CRTO) above this is clamped (CRTO allows 9 h). */
#define NVME_MAX_READY_TIMEOUT_MS       (600u * 1000u)
/* Interval of the progress callback during a long synchronous wait. */
#define NVME_PROGRESS_INTERVAL_MS       5000u
#define NVME_DEFAULT_IO_TIMEOUT_MS      30000u
#define NVME_DEFAULT_MAX_TRANSFER       (1024u * 1024u)
#define NVME_DEFAULT_FORMAT_TIMEOUT_MS  600000u
/* CAP.TO of 0 is replaced by this ready/disable wait bound. */
#define NVME_MIN_READY_TIMEOUT_MS       500u

enum nvme_ctrl_state {
	NVME_CTRL_OFF = 0,       /* not initialised, detached, or init failed */
	NVME_CTRL_READY,         /* enabled and usable */
	NVME_CTRL_SHUTDOWN,      /* after nvme_ctrl_shutdown(); nvme_ctrl_resume() brings it back */
	NVME_CTRL_FAILED,        /* CSTS.CFS seen or re-initialisation failed; reset may recover */
	NVME_CTRL_GONE           /* registers read all ones; only detach is useful */
};

/* The controller's state now. */
enum nvme_ctrl_state nvme_ctrl_get_state(const struct nvme_ctrl *c);

/* Largest page a device may impose with CAP.MPSMIN (2 MiB, MPSMIN 9); a
 * larger host page is used as is. MPSMIN 15 would make every queue, list
 * and bounce buffer at least 128 MiB. */
#define NVME_MAX_DEVICE_PAGE     (2u * 1024u * 1024u)

/*
 * Bring a shut-down (or failed) controller back: full re-initialisation
 * (disable, enable, identify, Number of Queues, the same I/O queue pairs,
 * namespaces re-read). Same as nvme_ctrl_reset().
 */
int nvme_ctrl_resume(struct nvme_ctrl *c);

/*
 * Controller reset: no new commands are accepted; commands in flight get up
 * to 250 ms to complete (unless CSTS shows a failed or vanished controller);
 * the controller is disabled and re-enabled, the admin queue and the same
 * I/O queue pairs (same qid, depth, options) are recreated and namespaces
 * re-read. Repeatable I/O still in flight (read, write, flush, write zeroes,
 * verify, DSM) is resubmitted once afterwards when its namespace did not
 * change; every other command completes once with NVME_ERR_ABORTED
 * (NVME_ERR_TIMEOUT for one that had timed out). Queue memory is reused. On
 * failure the state is NVME_CTRL_FAILED (or GONE) and kept commands complete
 * with NVME_ERR_CTRL_FATAL. Not from a completion callback (NVME_ERR_INVAL).
 */
int nvme_ctrl_reset(struct nvme_ctrl *c);

/*
 * Change the number of I/O queue pairs to n (0..NVME_CFG_MAX_IO_QUEUES).
 * Number of Queues may only be set once after a controller reset, so this
 * deletes every I/O queue pair, resets the controller, sets the feature and
 * creates n queue pairs (qid 1..n) with cfg.io_queue_depth. Commands in
 * flight complete with NVME_ERR_ABORTED. The device may grant fewer: the
 * result is nvme_ctrl_io_queue_count().
 */
int nvme_ctrl_set_io_queue_count(struct nvme_ctrl *c, uint32_t n);

/* Accessors. The pointers stay valid until detach. */
const struct nvme_id_ctrl *nvme_ctrl_id(const struct nvme_ctrl *c); /* Identify Controller copy */
const char *nvme_ctrl_serial(const struct nvme_ctrl *c);   /* trimmed, NUL-terminated */
const char *nvme_ctrl_model(const struct nvme_ctrl *c);
const char *nvme_ctrl_firmware(const struct nvme_ctrl *c);
uint32_t nvme_ctrl_version(const struct nvme_ctrl *c);      /* VS register */
uint64_t nvme_ctrl_cap(const struct nvme_ctrl *c);          /* CAP register */
uint32_t nvme_ctrl_page_size(const struct nvme_ctrl *c);    /* CC.MPS page, bytes */
uint32_t nvme_ctrl_max_transfer(const struct nvme_ctrl *c); /* bytes per command */
uint32_t nvme_ctrl_io_queue_count(const struct nvme_ctrl *c); /* I/O queue pairs live now */
/* Highest I/O qid nvme_qpair_create() accepts: the device's Number of Queues
 * grant (min of SQs and CQs), clamped to NVME_CFG_MAX_IO_QUEUES. 0 before
 * init, for an admin-only controller, or when the grant was unusable. */
uint32_t nvme_ctrl_io_queue_max(const struct nvme_ctrl *c);
/* The raw grant: I/O SQs and CQs (1's based) the device answered to the
 * last Set Features Number of Queues (0 if none). */
void     nvme_ctrl_io_queue_grant(const struct nvme_ctrl *c, uint32_t *nsq, uint32_t *ncq);
bool     nvme_ctrl_uses_sgl(const struct nvme_ctrl *c);     /* I/O data pointers are SGLs */
/* Change the log level at run time (TRACE needs NVME_CFG_TRACE=1). */
void nvme_ctrl_set_log_level(struct nvme_ctrl *c, enum nvme_log_level level);

#endif /* NVME_CTRL_H */
