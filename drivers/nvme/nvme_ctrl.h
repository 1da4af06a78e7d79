/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ctrl.h - controller management beyond nvme.h: resume, reset, the I/O
 * queue count, accessors, the run-time log level (nvme_ctrl.c, nvme_ns.c).
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_CTRL_H
#define NVME_CTRL_H

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
