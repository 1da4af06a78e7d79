/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme.h - the core API of the portable NVMe driver: what a port needs.
 *
 * A host fills in a struct nvme_host (nvme_host.h, the porting contract),
 * calls nvme_ctrl_init() on a struct nvme_ctrl it owns, then reads and writes
 * blocks of the namespaces found. drivers/nvme/examples/minimal.c is a whole
 * port in one file. Everything else lives in one header per file of the
 * driver (README.md "Headers"); nvme_all.h includes them all.
 *
 * No global state: every function works on the controller, namespace or
 * queue pair it is given. Nothing is allocated on the I/O path; DMA memory
 * comes from the host when a controller or queue pair is created.
 * No locks: the host serialises all calls on one controller, except that
 * different I/O queue pairs may be used from different CPUs at once (one CPU
 * per queue pair) while no controller-level call runs.
 *
 * Every function that can fail returns an int: 0, a negative NVME_ERR_*, or a
 * negative device status carrying the completion's Status Field.
 */
#ifndef NVME_H
#define NVME_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include "nvme_config.h"
#include "nvme_host.h"
#include "nvme_spec.h"
#include "nvme_ns_cmdset.h"

/* ---- Status ------------------------------------------------------------ */

/*
 * 0 is success. Driver errors are the small negative constants below.
 * A command the device completed with a non-success status is returned as
 * -(NVME_STATUS_DEVICE_FLAG | sf) where sf is the 15-bit Status Field of the
 * CQE (SC 7:0, SCT 10:8, CRD 12:11, More 13, DNR 14). A completion whose SCT
 * and SC are both 0 is success even when More/CRD/DNR bits are set.
 */
#define NVME_OK                   0
#define NVME_ERR_INVAL           (-1)  /* bad argument from the caller */
#define NVME_ERR_NOMEM           (-2)  /* host dma_alloc returned NULL (or mmio_map failed) */
#define NVME_ERR_TIMEOUT         (-3)  /* register wait or command exceeded its bound */
#define NVME_ERR_DEVICE_GONE     (-4)  /* registers read all ones: device removed / link down */
#define NVME_ERR_CTRL_FATAL      (-5)  /* CSTS.CFS set: controller fatal status */
#define NVME_ERR_NOT_READY       (-6)  /* controller not in the ready state (off, shut down, failed) */
#define NVME_ERR_HOST_CONFIG     (-7)  /* struct nvme_host incomplete or out of range */
#define NVME_ERR_PAGE_SIZE       (-8)  /* required page size above CAP.MPSMAX (or CAP.MPSMIN above
                                        * NVME_MAX_DEVICE_PAGE) */
#define NVME_ERR_LBA_RANGE       (-9)  /* LBA range outside the namespace (or wraps) */
#define NVME_ERR_NO_NAMESPACE    (-10) /* no such (known) namespace */
#define NVME_ERR_UNSUPPORTED     (-11) /* feature or format the driver or device cannot do */
#define NVME_ERR_QUEUE_FULL      (-12) /* no free command slot in the queue pair */
#define NVME_ERR_BAD_QUEUE       (-13) /* no such queue pair / qid out of range / exists */
#define NVME_ERR_ABORTED         (-14) /* command dropped by a reset, queue deletion or detach */
#define NVME_ERR_BOUNCE_BUSY     (-15) /* async: the queue's bounce buffer is in use */
#define NVME_ERR_TOO_LARGE       (-16) /* async/passthrough transfer (or firmware piece) above the
                                        * max transfer; a DSM beyond the device's DMRL/DMRSL/DMSL */
#define NVME_ERR_DMA             (-17) /* data buffer not usable and no bounce buffer fits */
#define NVME_ERR_ABI             (-30) /* the caller was built with other NVME_CFG_* switches (or
                                        * another struct nvme_ctrl) than the driver */
/* More (optional families; device values refused, -32..-44): nvme_status.h. */
#define NVME_STATUS_DEVICE_FLAG  0x10000

/* Static text for any status ("ok", "timeout", "Invalid Field in Command").
 * nvme_status.h decodes device statuses further. */
const char *nvme_strerror(int status);

/* ---- Run-time configuration (nvme_ctrl_init's cfg; NULL = defaults) ---- */

struct nvme_ctrl;
struct nvme_qpair;
struct nvme_event;

/* Data pointers of I/O commands (admin commands always use PRP). */
enum nvme_dptr_mode {
	NVME_DPTR_AUTO = 0, /* SGL when SGLS offers it (a 1-page Read/Write: PRP1), else PRP */
	NVME_DPTR_PRP  = 1, /* always PRP */
	NVME_DPTR_SGL  = 2  /* always SGL; init fails (UNSUPPORTED) without SGLS */
};

struct nvme_ctrl_config {
	uint32_t admin_queue_depth; /* default 32; clamped to MQES+1, 4096; min 2 */
	/* I/O queue pairs created by init (qid 1..n): default 1, clamped to
	 * NVME_CFG_MAX_IO_QUEUES and the device's grant; 0: admin only. */
	uint32_t io_queue_count;
	uint32_t io_queue_depth;    /* default 256; clamped to MQES+1, 65536; holds depth-1 */
	/* default 60000 (an Identify or log page can take seconds on real
	 * drives); the driver uses max(this, the ready timeout) */
	uint32_t admin_timeout_ms;
	uint32_t io_timeout_ms;     /* default 30000 (README.md "Timeouts and recovery") */
	/* Largest transfer of one command, bytes (power of two, at least one
	 * page; default 1 MiB; the device's MDTS may lower it). List space and
	 * bounce buffers are sized from it: lower it to save memory. */
	uint32_t max_transfer;
	enum nvme_dptr_mode dptr_mode;  /* default NVME_DPTR_AUTO */
	enum nvme_log_level log_level;  /* default NVME_LOG_INFO */
	uint32_t format_timeout_ms;     /* Format NVM; default 600000 */
	bool     no_aer;         /* true: no Asynchronous Event Requests (nvme_aer.h) */
	/* true: no automatic recovery: a timed-out command fails with
	 * NVME_ERR_TIMEOUT and keeps its CID until the device completes it or a
	 * reset; CSTS.CFS leaves the controller FAILED; no retries. Default
	 * false: Abort, controller reset, one retry. */
	bool     no_recovery;
	bool     no_shadow_doorbells; /* true: never register shadow doorbells */
	/* Called by nvme_ctrl_poll_admin() for each asynchronous event handled
	 * (nvme_aer.h). May be NULL. */
	void   (*event_cb)(void *arg, struct nvme_ctrl *c, const struct nvme_event *ev);
	void    *event_arg;

	/* Real drives. quirks: nvme_quirks_for() of the PCI IDs (the host looks
	 * them up; the driver has no PCI); quirks_add/_remove: NVME_QUIRK_* bits
	 * forced on/off (off wins, also over the model-string table). Default 0. */
	uint32_t quirks, quirks_add, quirks_remove;
	bool     crime;          /* set CC.CRIME where CAP.CRMS offers it (default false) */
	/* Called about every NVME_PROGRESS_INTERVAL_MS of a long synchronous
	 * wait (what: e.g. "admin opcode 06h (Identify)"); may only log. NULL: none. */
	void   (*progress_cb)(void *arg, struct nvme_ctrl *c, const char *what, uint32_t waited_ms);
	void    *progress_arg;
	/* Host Memory Buffer (nvme_hmb.h): most bytes given (0: the default,
	 * NVME_DEFAULT_HMB_MAX_BYTES); no_hmb: never give one. */
	uint64_t hmb_max_bytes;
	bool     no_hmb;
};

/* Fill cfg with the defaults (the NVME_DEFAULT_* values of nvme_ctrl.h). */
void nvme_config_defaults(struct nvme_ctrl_config *cfg);

/* ---- Controller -------------------------------------------------------- */

/*
 * Bring a controller up: check host, map BAR0 (bar_phys, bar_size bytes, at
 * least 0x1008), read CAP, choose the page size, disable, create the admin
 * queue, enable (bounded by CAP.TO), Identify Controller, Number of Queues,
 * create cfg->io_queue_count I/O queue pairs, scan namespaces. cfg NULL =
 * defaults; it is copied. host must outlive c; c must not move. On failure
 * everything is undone, the state is NVME_CTRL_OFF (or GONE/FAILED when the
 * device caused it) and the error is returned and logged. A namespace the
 * driver cannot use does not fail init (nvme_ns.unusable).
 * NVME_ERR_ABI: the caller was compiled with other NVME_CFG_* values than the
 * driver (nothing is touched; the log names the switch; nvme_abi_diff()).
 */
#define nvme_ctrl_init(c, host, bar_phys, bar_size, cfg) \
	nvme_ctrl_init_abi((c), (host), (bar_phys), (bar_size), (cfg), &NVME_ABI_CALLER)
/* Stop using the controller: commands in flight complete with
 * NVME_ERR_ABORTED, CC.EN=0, memory returned, BAR0 unmapped. c may be
 * initialised again. Safe after a failed init. */
void nvme_ctrl_detach(struct nvme_ctrl *c);
/* Shut down for power-off (CC.SHN; abrupt=false waits up to RTD3E or CAP.TO
 * and falls back to abrupt). Call before detach on power-off. */
int nvme_ctrl_shutdown(struct nvme_ctrl *c, bool abrupt);

/* ---- Namespaces (more in nvme_ns.h) ------------------------------------ */

/* One LBA format of a namespace. */
struct nvme_ns_format {
	uint32_t data_size;      /* bytes (0 if LBADS is out of the driver's range) */
	uint16_t meta_size;      /* metadata bytes per block */
	uint8_t  lbads;          /* raw LBADS */
	uint8_t  rel_perf;       /* relative performance 0 (best) .. 3 */
};

/* A namespace: read its fields, never write them. */
struct nvme_ns {
	struct nvme_ctrl *ctrl;
	uint32_t nsid;
	uint64_t size;           /* NSZE, blocks */
	uint64_t capacity;       /* NCAP, blocks */
	uint64_t utilization;    /* NUSE, blocks */
	uint32_t lba_size;       /* data bytes per block of the current format */
	uint8_t  lba_shift;      /* log2(lba_size) */
	uint16_t meta_size;      /* metadata bytes per block of the current format */
	bool     meta_extended;  /* FLBAS bit 4: metadata at the end of each block */
	uint8_t  format_index;   /* current format (FLBAS) */
	uint8_t  format_count;   /* NLBAF + 1 */
	struct nvme_ns_format formats[NVME_ID_NS_MAX_LBAF];
	uint32_t max_blocks;     /* most blocks one command transfers */
	uint8_t  nsfeat, dps, nmic, dlfeat;
	struct nvme_ns_cmdset cmdset;  /* command set, PI, zoned, Copy facts (nvme_ns_cmdset.h) */
	/* 0 if usable for I/O, else why not (a NVME_ERR_*, or the status of a
	 * failed Identify); I/O on it returns NVME_ERR_UNSUPPORTED. In words:
	 * nvme_ns_unusable_text(). */
	int      unusable;
	uint8_t  unusable_reason;   /* enum nvme_ns_unusable_reason (nvme_ns.h) */
};

/* Namespaces kept (active ones, increasing NSID, at most NVME_CFG_MAX_NS);
 * by NSID or by index; NULL if none. Re-get a pointer by NSID after a
 * reset or rescan that may have changed the set. */
uint32_t nvme_ns_count(const struct nvme_ctrl *c);
struct nvme_ns *nvme_ns_get(struct nvme_ctrl *c, uint32_t nsid);
struct nvme_ns *nvme_ns_at(struct nvme_ctrl *c, uint32_t index);

/* ---- Block I/O --------------------------------------------------------- */

/*
 * Synchronous: count blocks of ns->lba_size at lba. q NULL = the first I/O
 * queue pair (others: nvme_queue.h). count 0: NVME_ERR_INVAL; beyond ns->size: NVME_ERR_LBA_RANGE.
 * Larger than ns->max_blocks: split. buf: any virtual address (bounced when
 * the device cannot use it). Waits up to cfg.io_timeout_ms per command. On
 * error part of the range may have been transferred.
 */
int nvme_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, void *buf);
int nvme_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, const void *buf);
int nvme_flush(struct nvme_ns *ns, struct nvme_qpair *q);

/*
 * Completion callback of the asynchronous calls, run from nvme_qpair_poll()
 * (or a synchronous call polling the same queue pair) once per command; cqe
 * is NULL when the driver completed the command itself (NVME_ERR_ABORTED on
 * reset or queue deletion). It may submit; it must not poll that queue pair
 * or call synchronous functions.
 */
typedef void (*nvme_cmd_cb)(void *arg, int status, const struct nvme_cqe *cqe);

/*
 * Asynchronous: check, build and submit one command, return 0; cb runs from
 * a later nvme_qpair_poll(q). Not split (above ns->max_blocks:
 * NVME_ERR_TOO_LARGE). NVME_ERR_QUEUE_FULL: no free slot; NVME_ERR_BOUNCE_BUSY:
 * buf needs the bounce buffer and it is in use (poll, then retry). buf must
 * stay valid until cb runs.
 */
int nvme_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    void *buf, nvme_cmd_cb cb, void *arg);
int nvme_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		     const void *buf, nvme_cmd_cb cb, void *arg);
int nvme_flush_async(struct nvme_ns *ns, struct nvme_qpair *q, nvme_cmd_cb cb, void *arg);

/*
 * Reap up to max completions (0: up to a queue depth), run their callbacks,
 * write the CQ head doorbell once. Returns the commands completed, or
 * NVME_ERR_DEVICE_GONE / NVME_ERR_CTRL_FATAL / NVME_ERR_NOT_READY. Invalid
 * CQEs are counted and ignored. Also notices timeouts and a failed
 * controller, and starts recovery (README.md "Timeouts and recovery").
 */
int nvme_qpair_poll(struct nvme_qpair *q, uint32_t max);

/* ---- Layout (private: the host allocates these structs, never reads them)  */

#include "nvme_types.h"

#endif /* NVME_H */
