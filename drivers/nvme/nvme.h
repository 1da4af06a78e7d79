/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme.h - public API of the portable NVMe driver.
 *
 * A host includes this header and nvme_host.h, fills in a struct nvme_host
 * (the porting contract), and calls nvme_ctrl_init() on a struct nvme_ctrl it
 * owns. The driver has no global state: every function works on the
 * controller, namespace or queue pair it is given, so several controllers can
 * be driven at once. Nothing is allocated on the I/O path; all DMA memory
 * (queues, PRP/SGL lists, bounce buffers) is taken from the host when a
 * controller or queue is created.
 *
 * Threading: the driver takes no locks. All calls on one controller (and its
 * queue pairs and namespaces) must be serialised by the host, except that
 * different I/O queue pairs of one controller may be used concurrently from
 * different CPUs as long as each queue pair is used by one CPU at a time and
 * no admin or controller-level function (reset, rescan, queue creation...) runs
 * meanwhile.
 *
 * Status convention (see "Status" below): every function that can fail returns
 * an int: 0 on success, a negative NVME_ERR_* driver error, or a negative
 * device status carrying the SCT/SC/CRD/More/DNR bits of the completion.
 */
#ifndef NVME_H
#define NVME_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include "nvme_host.h"
#include "nvme_spec.h"

/* ------------------------------------------------------------------------ */
/* Compile-time configuration (override with -D)                            */
/* ------------------------------------------------------------------------ */

/* I/O queue pairs a controller struct has room for (qid 1..this). */
#ifndef NVME_CFG_MAX_IO_QUEUES
#define NVME_CFG_MAX_IO_QUEUES 16
#endif

/* Namespaces whose information is kept in the controller struct. More active
 * namespaces are counted (nvme_ns_active_count) and can be listed with
 * nvme_ns_list_active(), but have no struct nvme_ns. */
#ifndef NVME_CFG_MAX_NS
#define NVME_CFG_MAX_NS 32
#endif

/* 1 compiles trace calls in (every register access, SQE and CQE logged at
 * NVME_LOG_TRACE when the controller's log level allows it); 0 compiles them
 * out entirely. */
#ifndef NVME_CFG_TRACE
#define NVME_CFG_TRACE 0
#endif

/* Highest log level whose messages are compiled in (enum nvme_log_level):
 * 3 (NVME_LOG_DEBUG, default) keeps every message; 1 keeps errors and
 * warnings only, 0 errors only, -1 none (the log callback is never
 * called). Messages are still filtered at run time by the log level. Trace
 * lines follow NVME_CFG_TRACE. */
#ifndef NVME_CFG_LOG_LEVEL
#define NVME_CFG_LOG_LEVEL 3
#endif

/* Asynchronous Event Requests kept outstanding at most (the device's AERL+1
 * may lower it; 0 disables them at compile time). */
#ifndef NVME_CFG_MAX_AER
#define NVME_CFG_MAX_AER 4
#endif

/* Handled asynchronous events kept for nvme_event_pop() (older ones are
 * dropped and counted). */
#ifndef NVME_CFG_EVENT_RING
#define NVME_CFG_EVENT_RING 8
#endif

/* 1 builds SGL data pointers for I/O commands (used when Identify SGLS
 * offers them, or always/never: cfg.dptr_mode); 0 leaves them out: every
 * command uses PRPs (mandatory for NVMe over PCIe) and the bounce buffer,
 * and cfg.dptr_mode NVME_DPTR_SGL fails init with NVME_ERR_UNSUPPORTED. */
#ifndef NVME_CFG_SGL
#define NVME_CFG_SGL 1
#endif

/* 1 (default) builds the Read/Write fast paths (nvme_read_async/_write_async
 * for a buffer inside one host page, the success case of nvme_qpair_poll);
 * 0 sends everything through the general paths, which do the same checks
 * and work with more instructions and about 1 KiB less code. */
#ifndef NVME_CFG_FAST_PATH
#define NVME_CFG_FAST_PATH 1
#endif

/*
 * Optional command families (drivers/nvme/README.md "Configuration"): 1
 * builds a family, 0 leaves its file empty and its functions undeclared.
 * NVME_CFG_OPTIONAL_COMMANDS is the default of every family switch: build
 * with -DNVME_CFG_OPTIONAL_COMMANDS=0 for the core driver alone (bring-up,
 * queues, PRP/SGL, bounce buffer, read/write/flush, passthrough, byte
 * helpers, Identify and Get/Set Features, recovery, shadow
 * doorbells, shutdown/resume/reset, status text), then turn single
 * families back on. The driver and everything that includes nvme.h must
 * be compiled with the same values (struct nvme_ctrl depends on them).
 */
#ifndef NVME_CFG_OPTIONAL_COMMANDS
#define NVME_CFG_OPTIONAL_COMMANDS 1
#endif
/* nvme_dm.c: Dataset Management, Write Zeroes, Compare, Verify, and the NVM
 * command set limits they follow (Identify CNS 06h) */
#ifndef NVME_CFG_DM
#define NVME_CFG_DM NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_logs.c: SMART, Error, Firmware Slot, Effects, Sanitize Status logs
 * decoded (nvme_get_log_page() is built with this or NVME_CFG_SUPPORT) */
#ifndef NVME_CFG_LOGS
#define NVME_CFG_LOGS NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_fw.c: Firmware Image Download and Commit (needs NVME_CFG_LOGS) */
#ifndef NVME_CFG_FW
#define NVME_CFG_FW NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_sanitize.c: Sanitize and its status wait (needs NVME_CFG_LOGS) */
#ifndef NVME_CFG_SANITIZE
#define NVME_CFG_SANITIZE NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_format.c: Format NVM */
#ifndef NVME_CFG_FORMAT
#define NVME_CFG_FORMAT NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_features.c: checked Get/Set Features, decoders, encoders, Timestamp
 * (nvme_get_features()/nvme_set_features() themselves are core) */
#ifndef NVME_CFG_FEATURES
#define NVME_CFG_FEATURES NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_aer.c: Asynchronous Event Requests, events, nvme_ctrl_poll_admin()
 * (needs NVME_CFG_LOGS and NVME_CFG_FEATURES) */
#ifndef NVME_CFG_AER
#define NVME_CFG_AER NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_resv.c: reservations */
#ifndef NVME_CFG_RESV
#define NVME_CFG_RESV NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_support.c: support detection and the gate of the families above;
 * built whenever one of them is (1 builds it alone: nvme_ctrl_supports()) */
#ifndef NVME_CFG_SUPPORT
#if NVME_CFG_DM || NVME_CFG_LOGS || NVME_CFG_FW || NVME_CFG_SANITIZE || NVME_CFG_FORMAT || \
    NVME_CFG_FEATURES || NVME_CFG_AER || NVME_CFG_RESV
#define NVME_CFG_SUPPORT 1
#else
#define NVME_CFG_SUPPORT 0
#endif
#endif

#if (NVME_CFG_FW || NVME_CFG_SANITIZE || NVME_CFG_AER) && !NVME_CFG_LOGS
#error "NVME_CFG_FW, NVME_CFG_SANITIZE and NVME_CFG_AER need NVME_CFG_LOGS"
#endif
#if NVME_CFG_AER && !NVME_CFG_FEATURES
#error "NVME_CFG_AER needs NVME_CFG_FEATURES"
#endif
#if !NVME_CFG_SUPPORT && (NVME_CFG_DM || NVME_CFG_LOGS || NVME_CFG_FW || NVME_CFG_SANITIZE || \
			 NVME_CFG_FORMAT || NVME_CFG_FEATURES || NVME_CFG_AER || NVME_CFG_RESV)
#error "the optional command families need NVME_CFG_SUPPORT"
#endif

#if NVME_CFG_MAX_AER < 0 || NVME_CFG_MAX_AER > 16
#error "NVME_CFG_MAX_AER must be 0..16"
#endif
#if NVME_CFG_EVENT_RING < 1
#error "NVME_CFG_EVENT_RING must be at least 1"
#endif
#if NVME_CFG_MAX_IO_QUEUES < 1 || NVME_CFG_MAX_IO_QUEUES > 65535
#error "NVME_CFG_MAX_IO_QUEUES must be 1..65535"
#endif
#if NVME_CFG_MAX_NS < 1
#error "NVME_CFG_MAX_NS must be at least 1"
#endif

/* ------------------------------------------------------------------------ */
/* Status                                                                   */
/* ------------------------------------------------------------------------ */

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
/* Named results of optional commands (drivers/nvme/README.md, "Optional commands"): */
#define NVME_ERR_COMPARE_MISMATCH (-18) /* Compare: the data differ (device Compare Failure, SCT 2h SC 85h) */
#define NVME_ERR_NOT_ADVERTISED  (-19) /* the controller does not advertise the command: not sent
                                        * (nvme_ctrl_refusal() says which bit) */
#define NVME_ERR_CANCELLED       (-20) /* the caller's progress callback asked to stop */
#define NVME_ERR_FW_NEEDS_CONV_RESET (-21) /* firmware committed; activation needs a conventional reset (SCT 1h SC 0Bh) */
#define NVME_ERR_FW_NEEDS_NSSR   (-22) /* firmware committed; activation needs an NVM subsystem reset (SCT 1h SC 10h) */
#define NVME_ERR_FW_NEEDS_RESET  (-23) /* firmware committed; activation needs a controller level reset (SCT 1h SC 11h) */
#define NVME_ERR_FW_BAD_SLOT     (-24) /* Invalid Firmware Slot (SCT 1h SC 06h) */
#define NVME_ERR_FW_BAD_IMAGE    (-25) /* Invalid Firmware Image (SCT 1h SC 07h) */
#define NVME_ERR_SANITIZE_FAILED (-26) /* the Sanitize Status log reports that the sanitize failed */
/* The device returned a value the driver refuses to use (never trusted): */
#define NVME_ERR_BAD_CID         (-32) /* CQE CID out of range or not in flight */
#define NVME_ERR_BAD_SQHD        (-33) /* CQE SQ head pointer beyond the queue */
#define NVME_ERR_BAD_SQID        (-34) /* CQE SQ identifier not the queue's */
#define NVME_ERR_BAD_CAP         (-35) /* CAP invalid: MQES 0, MPSMIN > MPSMAX, doorbells beyond the BAR */
#define NVME_ERR_BAD_QES         (-36) /* Identify SQES/CQES exclude 64/16-byte entries */
#define NVME_ERR_BAD_LBAF        (-37) /* FLBAS index beyond NLBAF, or NLBAF > 63 */
#define NVME_ERR_BAD_LBADS       (-38) /* LBADS < 9 or > NVME_LBADS_MAX */
#define NVME_ERR_BAD_QUEUE_GRANT (-39) /* Number of Queues answer invalid (FFFFh) */
#define NVME_ERR_BAD_LOG_LENGTH  (-40) /* log page length/offset not expressible or beyond limits */
#define NVME_ERR_BAD_MDTS        (-41) /* MDTS gives a max transfer below one page */
#define NVME_ERR_BAD_NS_LIST     (-42) /* namespace list not increasing / above NN */
#define NVME_ERR_BAD_ID          (-43) /* other Identify data the driver refuses (e.g. active namespace with NSZE 0) */
#define NVME_ERR_BAD_LOG_DATA    (-44) /* log page contents the driver refuses (SSTAT, AFI slot, list entries) */

#define NVME_STATUS_DEVICE_FLAG  0x10000

/* Largest page a device may impose with CAP.MPSMIN (2 MiB, MPSMIN 9); a
 * larger host page is used as is. MPSMIN 15 would make every queue, list
 * and bounce buffer at least 128 MiB. */
#define NVME_MAX_DEVICE_PAGE     (2u * 1024u * 1024u)

/* Largest LBA data size the driver accepts: 2^16 = 64 KiB (LBADS 9..16). */
#define NVME_LBADS_MAX           16u

/* Status of a completion queue entry (0 when SCT = SC = 0). */
static inline int nvme_status_from_cqe(const struct nvme_cqe *cqe)
{
	unsigned sf = (unsigned)(cqe->status >> 1) & 0x7FFFu;
	if ((sf & 0x7FFu) == 0)
		return 0;
	return -(int)(NVME_STATUS_DEVICE_FLAG | sf);
}
/* Nonzero if status carries a device completion status. */
static inline bool nvme_status_is_device(int status)
{
	return status <= -NVME_STATUS_DEVICE_FLAG && status >= -(NVME_STATUS_DEVICE_FLAG | 0x7FFF);
}
/* The 15-bit status field of a device status (0 for other statuses). */
static inline unsigned nvme_status_field(int status)
{
	return nvme_status_is_device(status) ? ((unsigned)(-status) & 0x7FFFu) : 0u;
}
static inline unsigned nvme_status_sct(int status)  { return (unsigned)NVME_GET(nvme_status_field(status), NVME_SF_SCT); }
static inline unsigned nvme_status_sc(int status)   { return (unsigned)NVME_GET(nvme_status_field(status), NVME_SF_SC); }
static inline unsigned nvme_status_crd(int status)  { return (unsigned)NVME_GET(nvme_status_field(status), NVME_SF_CRD); }
static inline bool nvme_status_more(int status)     { return NVME_GET(nvme_status_field(status), NVME_SF_M) != 0; }
static inline bool nvme_status_dnr(int status)      { return NVME_GET(nvme_status_field(status), NVME_SF_DNR) != 0; }
/* True if status is a device status with this SCT and SC. */
static inline bool nvme_status_is(int status, unsigned sct, unsigned sc)
{
	return nvme_status_is_device(status) && nvme_status_sct(status) == sct && nvme_status_sc(status) == sc;
}

/*
 * Static text for any status: "ok", the name of a driver error, or the name of
 * a device status code ("Invalid Field in Command"). Never NULL.
 */
const char *nvme_strerror(int status);

/*
 * Write a one-line description of status into buf (always NUL-terminated when
 * len > 0), e.g. "Compare Failure (SCT 2h SC 85h, DNR)" or
 * "timeout (NVME_ERR_TIMEOUT)". Returns the length the full text has (like
 * snprintf), so a return >= len means it was truncated.
 */
size_t nvme_status_describe(int status, char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

struct nvme_ctrl;
struct nvme_event;

/* How data pointers of I/O commands are built. Admin commands always use PRP
 * (required on PCIe). */
enum nvme_dptr_mode {
	NVME_DPTR_AUTO = 0, /* SGL when Identify SGLS advertises it, else PRP */
	NVME_DPTR_PRP  = 1, /* always PRP */
	NVME_DPTR_SGL  = 2  /* always SGL; init fails (UNSUPPORTED) without SGLS */
};

struct nvme_ctrl_config {
	/* Admin queue entries. Default 32. Clamped to MQES+1 and 4096 (AQA);
	 * minimum 2. */
	uint32_t admin_queue_depth;
	/* I/O queue pairs created by init (qid 1..n). Default 1. Clamped to
	 * NVME_CFG_MAX_IO_QUEUES and to what Set Features Number of Queues
	 * grants. 0 creates none (admin only). */
	uint32_t io_queue_count;
	/* Entries per I/O queue. Default 256. Clamped to MQES+1 and 65536;
	 * minimum 2. A queue of depth d holds d-1 commands at once. */
	uint32_t io_queue_depth;
	/* Admin command timeout in ms. Default 60000 (an Identify or log page
	 * can take seconds on real drives); the driver uses max(this, the
	 * ready timeout). */
	uint32_t admin_timeout_ms;
	/* I/O command timeout in ms, synchronous and asynchronous commands.
	 * Default 30000. What happens at a timeout: README.md "Timeouts and
	 * recovery" (and no_recovery below). */
	uint32_t io_timeout_ms;
	/* Upper bound on one command's data transfer in bytes (rounded down to
	 * a power of two, at least one page). Default 1 MiB. The effective max
	 * transfer is min(this, MDTS). PRP/SGL list space and the bounce buffers
	 * are sized from it: lower it to save memory. */
	uint32_t max_transfer;
	/* PRP or SGL for I/O commands. Default NVME_DPTR_AUTO. */
	enum nvme_dptr_mode dptr_mode;
	/* Messages above this level are not formatted. Default NVME_LOG_INFO.
	 * NVME_LOG_TRACE needs NVME_CFG_TRACE=1 at build time. */
	enum nvme_log_level log_level;
	/* Format NVM timeout in ms (formatting may take minutes). Default
	 * 600000 (10 min); the driver uses max(this, the admin timeout). */
	uint32_t format_timeout_ms;
	/* true: submit no Asynchronous Event Requests. Default false: after
	 * init, reset and resume the driver enables the events the controller
	 * supports (Set Features Asynchronous Event Configuration) and keeps
	 * min(AERL+1, NVME_CFG_MAX_AER, admin slots / 2) requests outstanding;
	 * see nvme_ctrl_poll_admin(). */
	bool     no_aer;
	/* true: no automatic recovery. A command that times out completes with
	 * NVME_ERR_TIMEOUT (its CID stays reserved until the device completes it
	 * or the controller is reset), CSTS.CFS leaves the controller FAILED
	 * until nvme_ctrl_reset(), and device errors are returned without a
	 * retry. Default false: Abort, controller reset and one retry (README.md
	 * "Timeouts and recovery"). */
	bool     no_recovery;
	/* true: never register shadow doorbells. Default false: when Identify
	 * OACS bit 8 offers Doorbell Buffer Config, the driver registers a
	 * shadow doorbell page and an EventIdx page after init and after every
	 * reset, and writes an MMIO doorbell only when the EventIdx rule asks
	 * for it (README.md "Shadow doorbells"). */
	bool     no_shadow_doorbells;
	/* Called by nvme_ctrl_poll_admin() for each asynchronous event after
	 * the driver handled it (log page read, namespaces rescanned). May call
	 * any driver function except nvme_ctrl_detach(). NULL: none (events
	 * can still be read with nvme_event_pop()). */
	void   (*event_cb)(void *arg, struct nvme_ctrl *c, const struct nvme_event *ev);
	void    *event_arg;

	/* --- real drives (issue 13): quirks (nvme_quirks.h) --- */
	/* nvme_quirks_for() of the controller's PCI IDs, looked up by the
	 * host (the driver has no PCI). Default 0. */
	uint32_t quirks;
	/* NVME_QUIRK_* bits the host forces on / off (off wins, also over the
	 * driver's model/firmware-string table). Default 0. */
	uint32_t quirks_add;
	uint32_t quirks_remove;
	/* --- real drives: ready timeouts, slow controllers --- */
	/* true: set CC.CRIME (Controller Ready Independent of Media) when
	 * CAP.CRMS.CRIMS offers it; the ready wait then uses CRTO.CRIMT and
	 * namespaces may report Namespace Not Ready for a while. Default false:
	 * CC.CRIME 0, CRTO.CRWMT. */
	bool     crime;
	/* Called about every NVME_PROGRESS_INTERVAL_MS while the driver waits
	 * synchronously for one command or a CSTS change (init, Identify, a
	 * slow log page, reset, shutdown): what names the wait ("admin
	 * opcode 06h (Identify)"), waited_ms the time so far. May only log.
	 * NULL: none. */
	void   (*progress_cb)(void *arg, struct nvme_ctrl *c, const char *what, uint32_t waited_ms);
	void    *progress_arg;
	/* --- real drives: Host Memory Buffer (nvme_hmb.h) --- */
	/* Most host memory given to a controller that asks for a buffer
	 * (HMPRE). Default NVME_DEFAULT_HMB_MAX_BYTES; 0 means the default. A
	 * controller whose HMMIN is above it runs without HMB. */
	uint64_t hmb_max_bytes;
	/* true: never give a host memory buffer. Default false. */
	bool     no_hmb;
};

#define NVME_DEFAULT_ADMIN_QUEUE_DEPTH  32u
#define NVME_DEFAULT_IO_QUEUE_COUNT     1u
#define NVME_DEFAULT_IO_QUEUE_DEPTH     256u
#define NVME_DEFAULT_ADMIN_TIMEOUT_MS   60000u   /* Linux's too: real drives take seconds */
#define NVME_DEFAULT_IO_TIMEOUT_MS      30000u
#define NVME_DEFAULT_MAX_TRANSFER       (1024u * 1024u)
#define NVME_DEFAULT_FORMAT_TIMEOUT_MS  600000u
#define NVME_DEFAULT_HMB_MAX_BYTES      (64ull * 1024u * 1024u)
/* CAP.TO of 0 is replaced by this ready/disable wait bound. */
#define NVME_MIN_READY_TIMEOUT_MS       500u
/* A ready timeout (CAP.TO, CRTO) above this is clamped (CRTO allows 9 h). */
#define NVME_MAX_READY_TIMEOUT_MS       (600u * 1000u)
/* Interval of the progress callback during a long synchronous wait. */
#define NVME_PROGRESS_INTERVAL_MS       5000u

/* Fill cfg with the defaults above. */
void nvme_config_defaults(struct nvme_ctrl_config *cfg);

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Completion callback of the asynchronous API. Called from nvme_qpair_poll()
 * (or any synchronous function that polls the same queue), once per command,
 * with the command's status and its CQE (NULL when the driver completes the
 * command itself with NVME_ERR_ABORTED, e.g. on reset or queue deletion). The
 * callback may submit new commands; it must not call synchronous functions or
 * poll on the same queue pair.
 */
typedef void (*nvme_cmd_cb)(void *arg, int status, const struct nvme_cqe *cqe);

enum nvme_ctrl_state {
	NVME_CTRL_OFF = 0,       /* not initialised, detached, or init failed */
	NVME_CTRL_READY,         /* enabled and usable */
	NVME_CTRL_SHUTDOWN,      /* after nvme_ctrl_shutdown(); nvme_ctrl_resume() brings it back */
	NVME_CTRL_FAILED,        /* CSTS.CFS seen or re-initialisation failed; reset may recover */
	NVME_CTRL_GONE           /* registers read all ones; only detach is useful */
};

/* Per queue pair counters (read with nvme_qpair_stats_get). */
struct nvme_qpair_stats {
	uint64_t submitted;        /* commands written to the SQ */
	uint64_t completed;        /* commands completed by a valid CQE */
	uint64_t errors;           /* of those, completed with a non-zero status */
	uint64_t sq_doorbells;     /* SQ tail doorbell MMIO writes */
	uint64_t cq_doorbells;     /* CQ head doorbell MMIO writes */
	uint64_t sq_shadow;        /* SQ tail shadow doorbell updates (an MMIO write
	                            * follows only when EventIdx asks for it) */
	uint64_t cq_shadow;        /* CQ head shadow doorbell updates */
	uint64_t db_kicks;         /* MMIO doorbell writes because the queue made no
	                            * progress for NVME_DBBUF_KICK_US with shadow
	                            * doorbells (counted in sq/cq_doorbells too) */
	uint64_t polls;            /* nvme_qpair_poll passes (incl. internal ones) */
	uint64_t polls_with_completions; /* passes that reaped at least one CQE */
	uint64_t reaped;           /* CQEs consumed (valid and ignored) */
	uint64_t bad_completions;  /* CQEs ignored: bad CID / SQHD / SQID, stale */
	uint64_t stale_completions;/* of those: the CID names a slot not in flight, or
	                            * an earlier use of it (duplicate, late, from
	                            * before a reset) */
	uint64_t timeouts;         /* commands that timed out */
	uint64_t aborts;           /* Abort commands sent for commands of this queue */
	uint64_t retries;          /* commands resubmitted (retryable status, reset) */
	uint64_t bounced;          /* commands whose data went through the bounce buffer */
	uint64_t sgl_commands;     /* commands submitted with an SGL data pointer */
	uint32_t max_per_poll;     /* most CQEs reaped in one pass */
	uint32_t in_flight;        /* snapshot: commands in flight (incl. timed out) */
};

/* Options for nvme_qpair_create (NULL = defaults: polled, medium priority). */
struct nvme_qpair_opts {
	bool     interrupts;     /* create the CQ with IEN=1 */
	uint16_t vector;         /* interrupt vector (MSI-X table index) when interrupts */
	uint8_t  priority;       /* NVME_QPRIO_* (only meaningful with WRR arbitration) */
};

struct nvme_ctrl;
struct nvme_slot;            /* private per-command bookkeeping */

/*
 * A submission/completion queue pair. All fields are private to the driver;
 * use the functions below. The struct lives inside struct nvme_ctrl.
 */
struct nvme_qpair {
	struct nvme_ctrl *ctrl;
	uint16_t qid;            /* 0 = admin */
	bool     created;        /* memory allocated: the driver owns this queue pair */
	bool     live;           /* exists on the device and accepts commands */
	bool     irq;            /* opts.interrupts */
	uint16_t vector;
	uint8_t  prio;
	uint32_t depth;          /* entries; nslots = depth - 1 */
	uint32_t nslots;
	uint8_t  sqe_shift;      /* log2 of the SQ entry stride: 6, or 7 (NVME_QUIRK_SQE_128) */
	bool     fast_rw;        /* the Read/Write fast path may use it: an I/O queue of 64-byte SQEs */

	/* rings */
	struct nvme_sqe *sq;
	uint64_t sq_phys;
	size_t   sq_bytes;
	volatile struct nvme_cqe *cq;
	uint64_t cq_phys;
	size_t   cq_bytes;
	uint32_t sq_tail;        /* next SQ entry to write */
	uint32_t sq_tail_rung;   /* tail value last written to the doorbell */
	uint32_t sq_head;        /* last SQ head reported by the device */
	uint32_t cq_head;        /* next CQ entry to look at */
	uint8_t  cq_phase;       /* expected phase tag */
	uint32_t sq_db;          /* doorbell offsets in BAR0 */
	uint32_t cq_db;
	uint32_t cq_head_rung;   /* CQ head value last published */
	/* shadow doorbells (nvme_dbbuf.c): this queue's slots in the shadow
	 * doorbell and EventIdx pages, NULL when not in use; the admin queue
	 * has shadow slots but no EventIdx (always MMIO as well) */
	volatile uint32_t *sdb_sq, *sdb_cq;
	const volatile uint32_t *ei_sq, *ei_cq;
	uint32_t sq_tail_mmio;   /* SQ tail / CQ head values last written to MMIO */
	uint32_t cq_head_mmio;   /* (kept while shadow doorbells are in use) */
	uint64_t kick_progress;  /* submitted + reaped at the last progress check */
	uint64_t kick_us;        /* when that count last changed */
	uint32_t batch;          /* nvme_qpair_batch_begin nesting */

	/* command slots (CID = index) */
	struct nvme_slot *slots;
	uint64_t slots_phys;
	size_t   slots_bytes;
	uint32_t free_head;      /* first free slot, or nslots */
	uint32_t in_flight;      /* slots not free (incl. timed out, waiting to retry) */
	uint8_t  cid_shift;      /* CID = generation << cid_shift | slot index */
	uint16_t cid_mask;       /* the index bits of a CID */
	uint32_t cid_step;       /* 1 << cid_shift: the next generation of a CID */
	uint32_t cqe_sqid;       /* qid << 16: the SQID as it sits in CQE dword 2 */

	/* timeouts (nvme_q_tick) */
	uint32_t epoch;          /* timer ticks so far */
	uint64_t tick_us;        /* time of the last tick */
	uint32_t tick_polls;     /* polls since the clock was last read */
	uint32_t expired;        /* slots marked expired, not yet recovered */
	uint32_t retry_waiting;  /* slots in NVME_SLOT_RETRY_WAIT */

	/* PRP/SGL list space: one region of nslots * (1 << list_shift) or
	 * nslots * list_pages pages */
	void    *lists;
	uint64_t lists_phys;
	size_t   lists_bytes;
	uint32_t list_stride;    /* bytes per slot (power of two <= page, or pages) */
	uint32_t list_prp_entries; /* PRP entries one slot's list space holds */
	uint32_t max_xfer;       /* bytes one command may move (0: single page only) */

	/* bounce buffer (one command at a time) */
	void    *bounce;
	uint64_t bounce_phys;
	size_t   bounce_bytes;
	bool     bounce_busy;

	uint32_t empty_polls;    /* for the periodic CSTS check */
	struct nvme_qpair_stats stats;
};

/* One LBA format of a namespace. */
struct nvme_ns_format {
	uint32_t data_size;      /* bytes (0 if LBADS is out of the driver's range) */
	uint16_t meta_size;      /* metadata bytes per block */
	uint8_t  lbads;          /* raw LBADS */
	uint8_t  rel_perf;       /* relative performance 0 (best) .. 3 */
};

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
	/* 0 if the driver can do I/O on this namespace, else why not
	 * (NVME_ERR_BAD_LBAF, NVME_ERR_BAD_LBADS, NVME_ERR_BAD_ID for NSZE 0,
	 * NVME_ERR_UNSUPPORTED for metadata/protection or a block larger than
	 * the max transfer, or the device status of a failed Identify). I/O on
	 * such a namespace returns NVME_ERR_UNSUPPORTED. The reason in detail:
	 * unusable_reason, nvme_ns_unusable_text(). */
	int      unusable;
	uint8_t  unusable_reason;   /* enum nvme_ns_unusable_reason */
};

/* Why a namespace is not usable for I/O (nvme_ns.unusable_reason). */
enum nvme_ns_unusable_reason {
	NVME_NS_USABLE = 0,
	NVME_NS_BAD_LBAF,         /* FLBAS names a format beyond NLBAF (or NLBAF > 63) */
	NVME_NS_BAD_LBADS,        /* LBADS outside 9..NVME_LBADS_MAX */
	NVME_NS_NO_BLOCKS,        /* NSZE 0 for an active namespace */
	NVME_NS_METADATA,         /* the format has metadata (not supported) */
	NVME_NS_PROTECTION,       /* end-to-end protection enabled (DPS) */
	NVME_NS_BLOCK_TOO_LARGE,  /* block larger than the max transfer */
	NVME_NS_IDENTIFY_FAILED   /* Identify Namespace failed (unusable holds its status) */
};

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

/*
 * The NVM command set's size limits as the controller reports them in the
 * I/O Command Set specific Identify Controller data structure (CNS 06h, CSI
 * 00h; NVMe 2.0, which QEMU 7.2 answers although it reports NVMe 1.4). Read
 * at init and after every reset; nvme_ctrl_nvm_limits().
 */
struct nvme_nvm_limits {
	/* 0: read. Otherwise not reported and every field below is 0: the
	 * device's status (e.g. Invalid Field from an NVMe 1.x controller),
	 * NVME_ERR_UNSUPPORTED (not asked: no NVM command set) or
	 * NVME_ERR_BAD_ID (the data repeated Identify Controller's first
	 * bytes, a known firmware bug for CNS values it does not know). */
	int      status;
	uint8_t  vsl;            /* Verify Size Limit: 2^vsl pages of CAP.MPSMIN; 0 = none */
	uint8_t  wzsl;           /* Write Zeroes Size Limit, the same units */
	uint8_t  wusl;           /* Write Uncorrectable Size Limit (not used by the driver) */
	uint8_t  dmrl;           /* DSM with Deallocate: ranges per command; 0 = none */
	uint32_t dmrsl;          /* ... blocks per range; 0 = none */
	uint64_t dmsl;           /* ... blocks per command; 0 = none */
};

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
 * The controller. The host allocates it (static, on the heap, anywhere) and
 * passes it to nvme_ctrl_init(); the fields are private to the driver: use
 * the accessors. Its address must not change while it is initialised.
 */
struct nvme_ctrl {
	const struct nvme_host *host;
	struct nvme_ctrl_config cfg;
	enum nvme_ctrl_state state;
	enum nvme_log_level log_level;

	volatile void *bar;
	uint64_t bar_phys;
	size_t   bar_size;
	uint64_t cap;
	uint32_t vs;
	uint32_t cc;             /* value last written with EN=1 */
	uint32_t dstrd;
	uint32_t page_size;      /* driver memory page (CC.MPS) */
	uint8_t  page_shift;
	uint32_t ready_timeout_ms;   /* CAP.TO (or NVME_MIN_READY_TIMEOUT_MS) */
	uint32_t admin_timeout_ms;
	uint32_t io_timeout_ms;
	uint32_t max_xfer;       /* effective max transfer, bytes */
	uint32_t max_xfer_alloc; /* what the queues' list space was sized for */
	bool     sgl_io;         /* I/O commands use SGL */
	bool     sgl_dword;      /* SGL data blocks need dword alignment */
	bool     io_capable;     /* CAP.CSS has the NVM command set */

	/* identify data */
	struct nvme_id_ctrl id;
	char     serial[21];
	char     model[41];
	char     firmware[9];

	/* queues */
	struct nvme_qpair admin;
	struct nvme_qpair io[NVME_CFG_MAX_IO_QUEUES];   /* io[i] is qid i+1 */
	uint32_t io_granted;     /* I/O queue pairs the device granted (<= MAX) */
	uint32_t io_grant_nsq;   /* the raw grant (1's based), 0 if none */
	uint32_t io_grant_ncq;
	uint32_t io_wanted;      /* I/O queue pairs to create at (re)init */

	/* namespaces */
	struct nvme_ns ns[NVME_CFG_MAX_NS];
	uint32_t ns_count;       /* entries of ns[] in use */
	uint32_t ns_active;      /* active namespaces found (may exceed ns_count) */

#if NVME_CFG_SUPPORT
	/* optional command support (nvme_support.c) */
	uint8_t  effects_state;  /* Commands Supported and Effects log: 0 not read, 1 read, 2 unavailable */
	uint8_t  effects_acs[32];  /* its CSUPP bit per admin opcode */
	uint8_t  effects_iocs[32]; /* its CSUPP bit per I/O opcode */
	char     refusal[256];   /* why the last optional command was not sent */
#endif
#if NVME_CFG_DM
	struct nvme_nvm_limits nvm; /* Identify CNS 06h (nvme_dm.c) */
#endif

#if NVME_CFG_AER
	/* asynchronous events (nvme_aer.c) */
	uint32_t aer_target;     /* requests to keep outstanding */
	uint32_t aer_outstanding;
	bool     aer_busy;       /* nvme_ctrl_poll_admin is handling events */
	uint32_t aer_raw[2 * NVME_CFG_MAX_AER + 8]; /* dword 0 of completions not handled yet */
	uint32_t aer_raw_count;
	uint32_t ev_seq;         /* last sequence number given */
	uint32_t ev_head;        /* oldest event in events[] */
	uint32_t ev_count;
	uint32_t ev_dropped;     /* events lost (ring or raw list full) */
	struct nvme_event events[NVME_CFG_EVENT_RING];
#endif

	/* recovery (nvme_recover.c) */
	uint32_t cb_depth;       /* completion callbacks running */
	bool     ctrl_busy;      /* init, re-initialisation, shutdown or recovery is
	                          * running: a timeout in there fails the command
	                          * instead of starting another recovery */
	uint32_t auto_resets_in_row; /* automatic resets without an I/O success between */
	struct nvme_recovery_stats rstats;

	/* shadow doorbells (nvme_dbbuf.c): two pages, shadow then EventIdx */
	void    *dbbuf;
	uint64_t dbbuf_phys;
	size_t   dbbuf_bytes;
	bool     dbbuf_on;       /* registered with the controller now */
	uint32_t dbbuf_configs;  /* Doorbell Buffer Config commands that succeeded */

	/* --- real drives (issue 13): quirks (nvme_quirks.c) --- */
	uint32_t quirks;         /* NVME_QUIRK_* applied */
	uint32_t mqes;           /* CAP.MQES as used (NVME_QUIRK_MQES_ZERO) */
	uint8_t  cid_region_shift; /* NVME_QUIRK_SHARED_CIDS: CID = qid << this | slot */
	uint32_t crto;           /* CRTO as read (0: not read) */
	bool     crime_on;       /* CC.CRIME written as 1 */
	/* host memory buffer (nvme_hmb.c; unused without NVME_CFG_HMB) */
	void    *hmb_chunks;     /* struct nvme_hmb_chunk[], in dma_alloc memory */
	uint64_t hmb_chunks_phys;
	size_t   hmb_chunks_bytes;
	uint32_t hmb_nchunks;
	uint64_t hmb_bytes;      /* given to the controller */
	void    *hmb_list;       /* descriptor list */
	uint64_t hmb_list_phys;
	size_t   hmb_list_bytes;
	bool     hmb_on;         /* enabled now */
	bool     hmb_tried;      /* allocation attempted (once per init) */
	uint32_t hmb_enables;
	int      hmb_status;

	/* scratch DMA memory */
	void    *idbuf;          /* 4096 bytes, page aligned: identify, lists */
	uint64_t idbuf_phys;
	size_t   idbuf_bytes;
};

/* ------------------------------------------------------------------------ */
/* Controller                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Bring a controller up: check host, map BAR0 (bar_phys, bar_size bytes, at
 * least 0x1008), read CAP, choose the page size, disable, create the admin
 * queue, enable (bounded by CAP.TO), Identify Controller, Set Features Number
 * of Queues, create cfg->io_queue_count I/O queue pairs, and scan namespaces.
 * cfg NULL means nvme_config_defaults(); it is copied. host must outlive c.
 * On failure everything is undone, c->state is NVME_CTRL_OFF (or GONE/FAILED
 * when the device caused it) and the error is returned (and logged).
 * A namespace the driver cannot use does not fail init (see nvme_ns.unusable).
 */
int nvme_ctrl_init(struct nvme_ctrl *c, const struct nvme_host *host,
		   uint64_t bar_phys, size_t bar_size,
		   const struct nvme_ctrl_config *cfg);

/*
 * Stop using the controller: commands in flight complete with
 * NVME_ERR_ABORTED, the controller is disabled (CC.EN=0, no shutdown
 * notification: call nvme_ctrl_shutdown() first for a clean power-off), all
 * memory is returned to the host and BAR0 unmapped. c can then be initialised
 * again. Safe on a controller whose init failed or that is gone.
 */
void nvme_ctrl_detach(struct nvme_ctrl *c);

/*
 * Shut the controller down for power-off or suspend. Normal (abrupt=false):
 * delete the I/O queues, set CC.SHN=01b with EN still 1, wait for
 * CSTS.SHST=10b bounded by RTD3E (or CAP.TO when RTD3E is 0); on timeout fall
 * back to an abrupt shutdown. Abrupt: CC.SHN=10b directly. Commands in flight
 * complete with NVME_ERR_ABORTED. Memory stays allocated; state becomes
 * NVME_CTRL_SHUTDOWN. Returns NVME_ERR_TIMEOUT if even the abrupt shutdown did
 * not complete (state is still SHUTDOWN: the host should cut power anyway).
 */
int nvme_ctrl_shutdown(struct nvme_ctrl *c, bool abrupt);

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
enum nvme_ctrl_state nvme_ctrl_get_state(const struct nvme_ctrl *c);
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
/* Shadow doorbells registered now (Doorbell Buffer Config succeeded since
 * the last init or reset; cfg.no_shadow_doorbells clear). */
bool     nvme_ctrl_shadow_doorbells(const struct nvme_ctrl *c);
/* Change the log level at run time (TRACE needs NVME_CFG_TRACE=1). */
void nvme_ctrl_set_log_level(struct nvme_ctrl *c, enum nvme_log_level level);

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

/* ------------------------------------------------------------------------ */
/* Namespaces                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Namespaces are discovered with Identify CNS 02h (active namespace list,
 * followed past 1024 entries) and Identify Namespace. ns[] keeps the first
 * NVME_CFG_MAX_NS active NSIDs in increasing order. A struct nvme_ns pointer
 * stays valid across rescan/reset/resume as long as the set of namespaces
 * does not change; re-get it by NSID when it may have.
 */
uint32_t nvme_ns_count(const struct nvme_ctrl *c);          /* entries kept */
uint32_t nvme_ns_active_count(const struct nvme_ctrl *c);   /* active found (>= count) */
struct nvme_ns *nvme_ns_get(struct nvme_ctrl *c, uint32_t nsid);   /* NULL if not kept */
struct nvme_ns *nvme_ns_at(struct nvme_ctrl *c, uint32_t index);   /* NULL if index >= count */
/* Re-read the active list and every namespace's Identify data. */
int nvme_ns_rescan(struct nvme_ctrl *c);
/*
 * Why ns is not usable for I/O, as one line into buf (always NUL-terminated
 * when len > 0), e.g. "metadata: 8 bytes per block (format 1)",
 * "protection information type 1 (DPS 01h)", "block size 131072 above the
 * max transfer 65536", "LBADS 7 outside 9..16", "FLBAS format 5 beyond
 * NLBAF 3", "NSZE is 0", "Identify Namespace failed: <status>", or "usable".
 * Returns the full length (like snprintf).
 */
size_t nvme_ns_unusable_text(const struct nvme_ns *ns, char *buf, size_t len);
/*
 * One Identify CNS 02h: up to max (<= 1024) active NSIDs greater than
 * after_nsid, increasing, into out; *n receives the count (0 at the end).
 * Walk all namespaces by passing the last NSID returned. Entries are
 * validated (increasing, <= NN); an invalid list returns NVME_ERR_BAD_NS_LIST.
 */
int nvme_ns_list_active(struct nvme_ctrl *c, uint32_t after_nsid,
			uint32_t *out, uint32_t max, uint32_t *n);

/* ------------------------------------------------------------------------ */
/* Queue pairs                                                              */
/* ------------------------------------------------------------------------ */

struct nvme_qpair *nvme_ctrl_admin_qpair(struct nvme_ctrl *c);
/* I/O queue pair by index 0.. (qid index+1); NULL if not created (never
 * created, deleted, or freed because a reset no longer granted it). A queue
 * pair that exists but is not live (after nvme_ctrl_shutdown(), during or
 * after a failed reset, device gone) is returned: its statistics stay
 * readable and I/O on it fails with NVME_ERR_NOT_READY (or the controller's
 * error). */
struct nvme_qpair *nvme_ctrl_io_qpair(struct nvme_ctrl *c, uint32_t index);

/*
 * Create I/O queue pair qid (1..granted count): allocate its rings, command
 * slots, list space and bounce buffer, then Create I/O CQ and SQ. depth 0
 * means cfg.io_queue_depth; it is clamped to MQES+1. opts NULL = polled.
 * NVME_ERR_BAD_QUEUE if qid is out of range or already created,
 * NVME_ERR_BAD_CAP if its doorbells lie beyond the BAR.
 */
int nvme_qpair_create(struct nvme_ctrl *c, uint16_t qid, uint32_t depth,
		      const struct nvme_qpair_opts *opts);
/*
 * Delete I/O queue pair qid (Delete SQ, reap, Delete CQ) and free its memory.
 * Commands still in flight complete with NVME_ERR_ABORTED: those the device
 * aborts ("Command Aborted due to SQ Deletion", which the callback's CQE
 * still shows) and those the driver drops afterwards (CQE NULL).
 */
int nvme_qpair_delete(struct nvme_ctrl *c, uint16_t qid);

/*
 * Reap up to max completions (0 = up to one queue depth), run their
 * callbacks, write the CQ head doorbell once if anything was consumed.
 * Returns the number of commands completed by the CQEs reaped, or
 * NVME_ERR_DEVICE_GONE / NVME_ERR_CTRL_FATAL / NVME_ERR_NOT_READY. CQEs with
 * a bad CID, SQ head or SQID, and stale ones (a CID not in flight, or of an
 * earlier use of its slot), are consumed, counted, logged and ignored.
 * With commands in flight, CSTS is checked every 64 empty polls (a dead
 * controller) and the clock is read every NVME_POLL_CLOCK_EVERY polls for
 * timeouts. A timeout or CSTS.CFS noticed here starts recovery (Abort,
 * controller reset; README.md "Timeouts and recovery") unless poll runs
 * inside a completion callback: recovery is a controller-level action, so
 * a host polling different queue pairs from different CPUs must set
 * cfg.no_recovery or call nothing else meanwhile. Callbacks of commands
 * completed by recovery run inside this call too.
 */
int nvme_qpair_poll(struct nvme_qpair *q, uint32_t max);
/* Commands holding a slot: in flight, timed out (CID reserved) or waiting
 * to be retried. */
uint32_t nvme_qpair_in_flight(const struct nvme_qpair *q);
/* True if commands can be submitted on q now. */
bool     nvme_qpair_live(const struct nvme_qpair *q);
uint32_t nvme_qpair_free_slots(const struct nvme_qpair *q);
uint16_t nvme_qpair_id(const struct nvme_qpair *q);
uint32_t nvme_qpair_depth(const struct nvme_qpair *q);
/*
 * Batching: between begin and end, submissions write their SQEs but the SQ
 * tail doorbell is written once, by batch_end (nesting allowed; the outermost
 * end rings). Synchronous calls inside a batch ring as needed (they must).
 */
void nvme_qpair_batch_begin(struct nvme_qpair *q);
void nvme_qpair_batch_end(struct nvme_qpair *q);
void nvme_qpair_stats_get(const struct nvme_qpair *q, struct nvme_qpair_stats *out);
void nvme_qpair_stats_reset(struct nvme_qpair *q);

/* ------------------------------------------------------------------------ */
/* Namespace I/O                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Synchronous block I/O. q NULL = the first I/O queue pair. count blocks of
 * ns->lba_size from lba; count 0 is NVME_ERR_INVAL; lba + count must not
 * wrap and must be <= ns->size (else NVME_ERR_LBA_RANGE). Transfers larger
 * than ns->max_blocks are split. buf may be any virtual address (not
 * dword-aligned or unreachable buffers are bounced). Waits up to
 * cfg.io_timeout_ms per command; a timed-out command's slot stays reserved
 * until it completes or the controller is reset. On error, part of the
 * range may have been transferred.
 */
int nvme_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, void *buf);
int nvme_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, const void *buf);
int nvme_flush(struct nvme_ns *ns, struct nvme_qpair *q);

/*
 * Byte-granular read/write of len bytes at byte offset off. Partial blocks
 * are read (and for writes modified and written back) through the queue
 * pair's bounce buffer; whole blocks go directly. len 0 is a no-op.
 * Not atomic: a failure may leave part of the range written.
 */
int nvme_read_bytes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, void *buf, size_t len);
int nvme_write_bytes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t off, const void *buf, size_t len);

/*
 * Asynchronous block I/O: validate, build and submit one command, return 0;
 * cb runs from a later nvme_qpair_poll(q). Not split: count above
 * ns->max_blocks is NVME_ERR_TOO_LARGE. NVME_ERR_QUEUE_FULL when no slot is
 * free, NVME_ERR_BOUNCE_BUSY when the buffer needs the bounce buffer and it
 * is in use (poll and retry). buf must stay valid until the callback.
 */
int nvme_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    void *buf, nvme_cmd_cb cb, void *arg);
int nvme_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		     const void *buf, nvme_cmd_cb cb, void *arg);
int nvme_flush_async(struct nvme_ns *ns, struct nvme_qpair *q, nvme_cmd_cb cb, void *arg);

/* ------------------------------------------------------------------------ */
/* Passthrough                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Submit a caller-built command. The driver overwrites sqe->cid and, when
 * len > 0, the data pointer (dptr) and the PSDT bits of sqe->flags;
 * everything else (opcode, NSID, cdw2..15, mptr) is sent as given. With
 * len 0 the dptr and PSDT are sent as given too (for commands that carry
 * physical addresses there, e.g. Doorbell Buffer Config; zero it otherwise).
 * The data direction comes from opcode bits 1:0 (01b host to controller, 10b
 * controller to host, 11b both, 00b none: then buf must be NULL and len 0).
 * len may be any size up to the max transfer (NVME_ERR_TOO_LARGE above). cqe_out (may be NULL) receives the
 * completion entry, also when the status is an error. Admin commands use
 * PRP; I/O commands follow cfg.dptr_mode.
 */
int nvme_admin_passthru(struct nvme_ctrl *c, const struct nvme_sqe *sqe,
			void *buf, size_t len, struct nvme_cqe *cqe_out);
int nvme_io_passthru(struct nvme_qpair *q, const struct nvme_sqe *sqe,
		     void *buf, size_t len, struct nvme_cqe *cqe_out);
int nvme_io_passthru_async(struct nvme_qpair *q, const struct nvme_sqe *sqe,
			   void *buf, size_t len, nvme_cmd_cb cb, void *arg);

/* ------------------------------------------------------------------------ */
/* Admin helpers (built on nvme_admin_passthru)                             */
/* ------------------------------------------------------------------------ */

/* Identify with CNS cns into buf (4096 bytes, any address). */
int nvme_identify(struct nvme_ctrl *c, uint8_t cns, uint32_t nsid, uint16_t cntid, void *buf);
/*
 * Set/Get Features. buf/len optional data (NULL, 0 if none). *dw0 (may be
 * NULL) receives completion dword 0. sel is NVME_FEAT_SEL_*.
 */
int nvme_set_features(struct nvme_ctrl *c, uint8_t fid, uint32_t nsid, uint32_t cdw11,
		      bool save, void *buf, size_t len, uint32_t *dw0);
int nvme_get_features(struct nvme_ctrl *c, uint8_t fid, uint8_t sel, uint32_t nsid,
		      uint32_t cdw11, void *buf, size_t len, uint32_t *dw0);
#if NVME_CFG_FEATURES
/*
 * Set/Get Features with every command dword (nvme-cli's --cdw12, UUID
 * index): cdw10 is built from fid and save (Set) or sel (Get); cdw11..cdw15
 * are sent as given, except that the UUID index (dword 14 bits 6:0) is
 * taken from uuid_index. Unchecked like nvme_set_features(): no support
 * gate, Number of Queues not refused. buf/len, dw0 as above; cqe (may be
 * NULL) receives the whole completion.
 */
struct nvme_features_args {
	uint8_t  fid;
	uint8_t  sel;            /* Get: NVME_FEAT_SEL_* */
	bool     save;           /* Set: SV */
	uint8_t  uuid_index;     /* 0..127 (0: none) */
	uint32_t nsid;
	uint32_t cdw11, cdw12, cdw13, cdw14, cdw15;
};
int nvme_set_features_ext(struct nvme_ctrl *c, const struct nvme_features_args *a, void *buf, size_t len,
			  uint32_t *dw0, struct nvme_cqe *cqe);
int nvme_get_features_ext(struct nvme_ctrl *c, const struct nvme_features_args *a, void *buf, size_t len,
			  uint32_t *dw0, struct nvme_cqe *cqe);
#endif
/*
 * Number of Queues (FID 07h): ask for nsq/ncq I/O queues (1..65535, 1's
 * based here); *nsq_granted and *ncq_granted (1's based) receive the answer.
 * An answer of FFFFh (65536 queues) is NVME_ERR_BAD_QUEUE_GRANT.
 * Set may only be used once after a reset (use nvme_ctrl_set_io_queue_count).
 */
int nvme_set_num_queues(struct nvme_ctrl *c, uint32_t nsq, uint32_t ncq,
			uint32_t *nsq_granted, uint32_t *ncq_granted);
int nvme_get_num_queues(struct nvme_ctrl *c, uint32_t *nsq, uint32_t *ncq);
#if NVME_CFG_LOGS || NVME_CFG_SUPPORT
/*
 * Get Log Page lid into buf: len bytes (dword multiple, > 0) from byte
 * offset off (dword aligned). Offsets and lengths above 256 KiB need
 * LPA.EXTENDED_DATA (else NVME_ERR_BAD_LOG_LENGTH). A len above the max
 * transfer is read in several commands at increasing offsets (which needs
 * LPA.EXTENDED_DATA too); all but the last are sent with RAE set, so an
 * event is only released when the whole range was read. rae sets Retain
 * Asynchronous Event.
 */
int nvme_get_log_page(struct nvme_ctrl *c, uint8_t lid, uint8_t lsp, uint32_t nsid,
		      uint64_t off, void *buf, size_t len, bool rae);
#endif

/* ======================================================================== */
/* Optional commands                                                        */
/* ======================================================================== */

/*
 * Every optional command below is checked against what Identify Controller
 * advertises before it is sent (nvme_support.c). A command the controller
 * does not advertise fails fast with NVME_ERR_NOT_ADVERTISED and nothing is
 * sent; nvme_ctrl_refusal() then returns one line naming the bit, e.g.
 *   "Firmware Image Download: not supported by this controller: OACS bit 2
 *    (Firmware Download/Commit) is clear (OACS=010Ah)"
 * NVME_CMD_FORCE in a flags argument sends the command anyway; the device's
 * answer comes back as is (e.g. Invalid Command Opcode, which
 * nvme_status_describe() decodes).
 *
 * Opcode-level bits (ONCS, OACS): when the bit is clear and LPA bit 1 says
 * the Commands Supported and Effects log exists, the driver reads that log
 * once (cached until the next reset) and accepts the command if the log
 * marks its opcode supported (CSUPP). Each call checks the opcode of the
 * command it sends (Firmware Image Download 11h, Firmware Commit 10h,
 * Reservation Register 0Dh / Report 0Eh / Acquire 11h / Release 15h) and the
 * refusal names that opcode. QEMU 7.2 needs this: its ONCS lacks
 * Verify, which it implements and lists in the log. Capability bits below
 * the opcode (SANICAP actions, FRMW activation without reset, FNA crypto
 * erase, VWC, LPA) are taken from Identify only.
 */

/* Flags of the optional-command functions (combine with |). */
#define NVME_IO_FUA            0x0001u /* Force Unit Access (Write Zeroes, Compare, Verify) */
#define NVME_IO_LIMITED_RETRY  0x0002u /* Limited Retry */
#define NVME_WZ_DEALLOCATE     0x0004u /* Write Zeroes: deallocate the blocks too (DEAC) */
#define NVME_RESV_IEKEY        0x0008u /* Reservations: Ignore Existing Key */
#define NVME_CMD_FORCE         0x8000u /* send even if the controller does not advertise it */

/* What nvme_ctrl_supports() can be asked about. */
enum nvme_opt {
	NVME_OPT_COMPARE = 0,        /* ONCS bit 0 */
	NVME_OPT_WRITE_UNCORRECTABLE,/* ONCS bit 1 */
	NVME_OPT_DSM,                /* ONCS bit 2 */
	NVME_OPT_WRITE_ZEROES,       /* ONCS bit 3 */
	NVME_OPT_SAVE_SELECT,        /* ONCS bit 4: Save in Set Features, Select in Get Features */
	NVME_OPT_RESERVATIONS,       /* ONCS bit 5 */
	NVME_OPT_TIMESTAMP,          /* ONCS bit 6 */
	NVME_OPT_VERIFY,             /* ONCS bit 7 */
	NVME_OPT_COPY,               /* ONCS bit 8 */
	NVME_OPT_SECURITY,           /* OACS bit 0 */
	NVME_OPT_FORMAT,             /* OACS bit 1 */
	NVME_OPT_FIRMWARE,           /* OACS bit 2 */
	NVME_OPT_NS_MGMT,            /* OACS bit 3 */
	NVME_OPT_SELF_TEST,          /* OACS bit 4 */
	NVME_OPT_DIRECTIVES,         /* OACS bit 5 */
	NVME_OPT_DBBUF,              /* OACS bit 8 */
	NVME_OPT_FW_ACTIVATE_NOW,    /* FRMW bit 4: activation without reset */
	NVME_OPT_SANITIZE_CRYPTO,    /* SANICAP bit 0 */
	NVME_OPT_SANITIZE_BLOCK,     /* SANICAP bit 1 */
	NVME_OPT_SANITIZE_OVERWRITE, /* SANICAP bit 2 */
	NVME_OPT_FORMAT_CRYPTO,      /* FNA bit 2: cryptographic erase in Format NVM */
	NVME_OPT_VWC,                /* VWC bit 0: volatile write cache present */
	NVME_OPT_SMART_PER_NS,       /* LPA bit 0 */
	NVME_OPT_EFFECTS_LOG,        /* LPA bit 1: Commands Supported and Effects log */
	NVME_OPT_LOG_EXTENDED,       /* LPA bit 2: Get Log Page offsets and NUMDU */
	NVME_OPT_COUNT
};

#if NVME_CFG_SUPPORT
/*
 * 0 if the controller supports opt, NVME_ERR_NOT_ADVERTISED if not
 * (NVME_ERR_INVAL for a bad opt, or the status of reading the effects log
 * when that failed for a reason other than "not supported"). why (may be
 * NULL) receives one line either way, e.g. "ONCS bit 2 (Dataset
 * Management) is set" or "SANICAP: block erase not supported
 * (SANICAP=00000000h)". May read the Commands Supported and Effects log.
 * When the bit covers several commands (OACS bit 2: 10h and 11h; ONCS bit 5:
 * 0Dh, 0Eh, 11h, 15h; OACS bit 0: 81h, 82h; bit 3: 0Dh, 15h; bit 5: 19h,
 * 1Ah) and is clear, the log must list every one of them; the reason names
 * each opcode ("does not list admin opcodes 10h (Firmware Commit) and 11h
 * (Firmware Image Download)").
 */
int nvme_ctrl_supports(struct nvme_ctrl *c, enum nvme_opt opt, char *why, size_t len);
/*
 * The same question for one command of opt, by its opcode: the effects log
 * fallback and the reason are about that opcode only ("... does not list
 * admin opcode 11h (Firmware Image Download)"). NVME_ERR_INVAL when opt does
 * not cover opcode. This is the check the driver's own calls make.
 */
int nvme_ctrl_supports_cmd(struct nvme_ctrl *c, enum nvme_opt opt, uint8_t opcode, char *why, size_t len);
/* Short name of opt ("Verify", "Sanitize (block erase)"); "?" if invalid. */
const char *nvme_opt_name(enum nvme_opt opt);
/* The line explaining the last NVME_ERR_NOT_ADVERTISED ("" if none yet). */
const char *nvme_ctrl_refusal(const struct nvme_ctrl *c);
#endif /* NVME_CFG_SUPPORT */

#if NVME_CFG_DM
/* ------------------------------------------------------------------------ */
/* Data management (nvme_dm.c)                                              */
/* ------------------------------------------------------------------------ */

/*
 * The I/O commands below validate like nvme_read(): ns usable, q NULL = the
 * first I/O queue pair, count > 0, lba + count inside the namespace (else
 * NVME_ERR_LBA_RANGE, nothing sent). Block counts are 1-based here (the
 * driver writes count - 1 on the wire). Synchronous; larger requests are
 * split: Verify and Write Zeroes (no data transfer) into commands of at
 * most nvme_ns_verify_max_blocks() / nvme_ns_write_zeroes_max_blocks(),
 * Compare into commands of ns->max_blocks (the max transfer).
 */

/* The controller's NVM command set limits (Identify CNS 06h); never NULL
 * for an initialised controller. */
const struct nvme_nvm_limits *nvme_ctrl_nvm_limits(const struct nvme_ctrl *c);
/*
 * Most blocks of ns one Verify / Write Zeroes command covers, where the
 * driver splits larger requests: the Verify (Write Zeroes) Size Limit of
 * CNS 06h in blocks, at most 65536 (NLB's 16 bits); 65536 when the limit is
 * 0 (none); the max transfer (ns->max_blocks) when CNS 06h was not answered
 * (NVMe 1.x devices often treat these commands like a read or write bound by
 * MDTS, and QEMU 7.2 refuses a Verify above MDTS: the safe default). 0 when
 * ns is NULL or unusable, or one block is above the limit (the call is then
 * NVME_ERR_UNSUPPORTED, nothing sent).
 */
uint32_t nvme_ns_verify_max_blocks(const struct nvme_ns *ns);
uint32_t nvme_ns_write_zeroes_max_blocks(const struct nvme_ns *ns);

/* Dataset Management attributes (command dword 11). */
#define NVME_DSM_ATTR_IDR        0x1u  /* integral dataset for read */
#define NVME_DSM_ATTR_IDW        0x2u  /* integral dataset for write */
#define NVME_DSM_ATTR_DEALLOCATE 0x4u  /* deallocate (trim) the ranges */

/*
 * Dataset Management with nr ranges (1..256; else NVME_ERR_INVAL). Each
 * range's nlb must be > 0 and slba + nlb inside the namespace (else
 * NVME_ERR_INVAL / NVME_ERR_LBA_RANGE, nothing sent). cattr (context
 * attributes, NVME_DSM_CA_* fields) is sent as given. attrs is
 * NVME_DSM_ATTR_*. The ranges array may live anywhere (it is bounced when
 * the device cannot reach it). Needs ONCS bit 2. With the Deallocate
 * attribute the controller's processing limits (CNS 06h) are checked too:
 * more than DMRL ranges, a range above DMRSL blocks or a total above DMSL
 * blocks is NVME_ERR_TOO_LARGE, nothing sent (NVME_CMD_FORCE sends it).
 */
int nvme_dsm(struct nvme_ns *ns, struct nvme_qpair *q, const struct nvme_dsm_range *ranges,
	     uint32_t nr, uint32_t attrs, unsigned flags);
/* Deallocate count blocks from lba: one single-range DSM command per
 * FFFFFFFFh blocks (a range's length is 32 bits), or per DMRSL / DMSL blocks
 * when the controller reports smaller limits (CNS 06h). Needs ONCS bit 2. */
int nvme_trim(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint64_t count, unsigned flags);
/* Write Zeroes (ONCS bit 3) in commands of nvme_ns_write_zeroes_max_blocks();
 * flags NVME_WZ_DEALLOCATE (DEAC: the device may deallocate; DLFEAT bit 3
 * says whether it honours it), NVME_IO_FUA. */
int nvme_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags);
/* Where nvme_compare() stopped (res argument, optional). */
struct nvme_compare_result {
	uint64_t lba;            /* first LBA of the command that failed (mismatch or
	                          * error); after success lba + count of the call */
	uint32_t count;          /* blocks of that command; 0 when nothing failed after
	                          * sending (success, or refused before sending) */
	uint64_t matched;        /* blocks compared equal before it */
	uint32_t commands;       /* Compare commands sent */
	int      device_status;  /* that command's completion status as received, all
	                          * of SCT/SC/CRD/More/DNR (nvme_status_field());
	                          * 0 when it had none (success, timeout, ...) */
};
/*
 * Compare count blocks at lba with buf (ONCS bit 0), in commands of at most
 * ns->max_blocks. 0 when they are equal; NVME_ERR_COMPARE_MISMATCH when the
 * device reports Compare Failure (SCT 2h SC 85h) for one of the commands
 * (the later ones are not sent). Any other failure is returned as usual.
 * res (may be NULL) says which command failed (its LBA range) and keeps its
 * raw device status, which the named result drops.
 */
int nvme_compare(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		 const void *buf, unsigned flags, struct nvme_compare_result *res);
/* Verify count blocks (ONCS bit 7, or the effects log: see above) in
 * commands of nvme_ns_verify_max_blocks(): the device reads and checks them
 * without transferring data. */
int nvme_verify(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count, unsigned flags);

#endif /* NVME_CFG_DM */

#if NVME_CFG_LOGS
/* ------------------------------------------------------------------------ */
/* Log pages (nvme_logs.c; nvme_get_log_page() is above)                    */
/* ------------------------------------------------------------------------ */

/* A 128-bit counter of the SMART log as two halves. */
struct nvme_u128 {
	uint64_t lo, hi;
};
/* Decimal text of v into buf (NUL-terminated when len > 0); returns the
 * length of the full text (at most 39 digits). */
size_t nvme_u128_to_dec(struct nvme_u128 v, char *buf, size_t len);

/* SMART / Health Information log (02h), decoded. */
struct nvme_smart_info {
	uint8_t  critical_warning;     /* raw byte: NVME_SMART_CW_* bits */
	bool     warn_spare;           /* bit 0: available spare below threshold */
	bool     warn_temperature;     /* bit 1: temperature outside a threshold */
	bool     warn_reliability;     /* bit 2: reliability degraded */
	bool     warn_read_only;       /* bit 3: media placed in read-only mode */
	bool     warn_volatile_backup; /* bit 4: volatile memory backup failed */
	bool     warn_pmr_read_only;   /* bit 5: persistent memory region read only */
	uint16_t temperature_k;        /* composite temperature, kelvin (0: not reported) */
	int16_t  temperature_c;        /* the same in degrees Celsius (K - 273) */
	uint8_t  avail_spare;          /* percent */
	uint8_t  spare_thresh;         /* percent */
	uint8_t  percent_used;         /* may exceed 100 */
	uint8_t  endgrp_crit_warning;
	struct nvme_u128 data_units_read;    /* thousands of 512-byte units */
	struct nvme_u128 data_units_written;
	struct nvme_u128 host_reads;         /* commands */
	struct nvme_u128 host_writes;
	struct nvme_u128 ctrl_busy_time;     /* minutes */
	struct nvme_u128 power_cycles;
	struct nvme_u128 power_on_hours;
	struct nvme_u128 unsafe_shutdowns;
	struct nvme_u128 media_errors;
	struct nvme_u128 num_err_log_entries;
	uint32_t warning_temp_time;    /* minutes */
	uint32_t critical_temp_time;   /* minutes */
	uint16_t temp_sensor_k[8];     /* 0 = sensor not implemented */
	uint32_t thm_temp1_trans_count, thm_temp2_trans_count;
	uint32_t thm_temp1_total_time, thm_temp2_total_time; /* seconds */
};
void nvme_smart_decode(const struct nvme_smart_log *raw, struct nvme_smart_info *out);
/* Read and decode the SMART log. nsid 0 or FFFFFFFFh: controller wide;
 * another NSID needs LPA bit 0 (flags NVME_CMD_FORCE: asked anyway, the
 * device's answer comes back). raw (may be NULL) receives the 512 bytes. */
int nvme_smart_read(struct nvme_ctrl *c, uint32_t nsid, struct nvme_smart_info *out,
		    struct nvme_smart_log *raw, unsigned flags);
/* "none" or the critical warning bits as words ("spare below threshold,
 * temperature"); returns the full length. */
size_t nvme_smart_warning_text(uint8_t critical_warning, char *buf, size_t len);

/*
 * Error Information log (01h): the newest min(max, ELPE+1) entries into out
 * (wire format, 64 bytes each; entry 0 is the newest). *n receives how many
 * were read. Entries whose error_count is 0 are unused.
 */
int nvme_error_log_read(struct nvme_ctrl *c, struct nvme_error_log_entry *out, uint32_t max, uint32_t *n);
/* One line for an entry: "error 5: SQ 1 CID 3 NSID 1 LBA 0: Invalid Field in
 * Command (SCT 0h SC 02h, DNR)" ("unused" for error_count 0). */
size_t nvme_error_entry_describe(const struct nvme_error_log_entry *e, char *buf, size_t len);

/* Firmware Slot Information log (03h), decoded and validated. */
struct nvme_fw_slot_info {
	uint8_t  afi;                  /* raw Active Firmware Info */
	uint8_t  active_slot;          /* 1..nslots */
	uint8_t  next_slot;            /* activated at the next reset, 0 = none */
	uint8_t  nslots;               /* FRMW: slots the controller has (1..7) */
	bool     slot1_read_only;      /* FRMW bit 0 */
	bool     activate_without_reset; /* FRMW bit 4 */
	char     rev[NVME_FW_MAX_SLOTS][9]; /* revision per slot ("" = empty), trimmed */
};
/* NVME_ERR_BAD_LOG_DATA when AFI names a slot the controller does not have. */
int nvme_fw_slot_read(struct nvme_ctrl *c, struct nvme_fw_slot_info *out);

/* Commands Supported and Effects log (05h; LPA bit 1, or flags
 * NVME_CMD_FORCE) into out (4096 bytes, wire format). */
int nvme_effects_log_read(struct nvme_ctrl *c, struct nvme_cmd_effects_log *out, unsigned flags);
/* One entry as words: "supported, LBCC, NCC" or "not supported". */
size_t nvme_effects_describe(uint32_t entry, char *buf, size_t len);

/* Sanitize Status log (81h), decoded and validated. */
struct nvme_sanitize_status {
	uint16_t sprog;        /* progress, numerator of n/65536 (FFFFh when done) */
	uint8_t  status;       /* SSTAT bits 2:0: NVME_SSTAT_* */
	uint8_t  passes;       /* overwrite passes completed */
	bool     global_erased;/* no user data written since the last sanitize */
	uint16_t sstat;        /* raw */
	uint32_t scdw10;       /* cdw10 of the Sanitize that started the last operation */
	uint32_t eto, etbe, etce;        /* estimates, s (NVME_SANITIZE_NO_ESTIMATE) */
	uint32_t etond, etbend, etcend;  /* the same with No-Deallocate */
	uint32_t percent;      /* sprog as 0..100 */
};
/* NVME_ERR_BAD_LOG_DATA for a reserved SSTAT status. */
int nvme_sanitize_status_read(struct nvme_ctrl *c, struct nvme_sanitize_status *out);
/* "never sanitized", "completed", "in progress", "failed",
 * "completed without deallocation", "reserved". */
const char *nvme_sstat_name(unsigned status);

#endif /* NVME_CFG_LOGS */

#if NVME_CFG_FW
/* ------------------------------------------------------------------------ */
/* Firmware (nvme_fw.c): OACS bit 2                                          */
/* ------------------------------------------------------------------------ */

/* Progress callback: done of total bytes. Return nonzero to stop (the
 * operation then returns NVME_ERR_CANCELLED). */
typedef int (*nvme_progress_fn)(void *arg, uint64_t done, uint64_t total);

/*
 * The granularity every Firmware Image Download piece must start on (and,
 * but for the last, be a multiple of): FWUG x 4 KiB; FWUG 0 (no
 * information) is taken as 4 KiB, FFh (no restriction) as 4 bytes.
 */
uint32_t nvme_fw_granularity(const struct nvme_ctrl *c);
/*
 * Bytes per Firmware Image Download command by default: the largest
 * multiple of nvme_fw_granularity() that fits the max transfer (FWUG 0 and
 * FFh give the max transfer). 0 when the granularity exceeds the max
 * transfer.
 */
uint32_t nvme_fw_chunk_bytes(const struct nvme_ctrl *c);
/*
 * Download len bytes of an image (a multiple of 4, > 0) that belong at byte
 * offset `offset` of the controller's image (0 for a whole image; a
 * multiple of 4 and of nvme_fw_granularity(): nvme-cli's --offset), in
 * pieces of xfer bytes (0: nvme_fw_chunk_bytes(); else a multiple of the
 * granularity, at most the max transfer: nvme-cli's --xfer); only the last
 * piece may be shorter. Offsets and lengths are dwords on the wire; offset +
 * len must stay within OFST's 2^32 dwords (NVME_ERR_TOO_LARGE). Checked
 * before anything is sent: NVME_ERR_INVAL for a misaligned offset or xfer,
 * NVME_ERR_TOO_LARGE for xfer above the max transfer, NVME_ERR_UNSUPPORTED
 * when the granularity exceeds the max transfer. cb (may be NULL) is called
 * after every piece with the bytes of this call sent so far (done of len).
 */
int nvme_fw_download(struct nvme_ctrl *c, const void *image, size_t len, uint64_t offset, uint32_t xfer,
		     nvme_progress_fn cb, void *arg, unsigned flags);

/* What nvme_fw_commit() saw. */
struct nvme_fw_commit_result {
	int      status;         /* what nvme_fw_commit returned */
	int      device_status;  /* the completion status as received (0 = success) */
	const char *reset;       /* reset that activates the image: "none",
	                          * "controller level reset" (also for commit
	                          * actions 1 and 2), "NVM subsystem reset",
	                          * "conventional reset" */
	int      slot_status;    /* status of reading the Firmware Slot log afterwards */
	struct nvme_fw_slot_info slots; /* that log (valid when slot_status is 0) */
};
/*
 * Firmware Commit: action NVME_FW_CA_REPLACE (0), ..._REPLACE_ACTIVATE_RESET
 * (1), ..._ACTIVATE_RESET (2), ..._REPLACE_ACTIVATE_NOW (3) to slot 0..7
 * (0 = the controller chooses); boot partition actions are NVME_ERR_INVAL.
 * Action 3 also needs FRMW bit 4. Returns 0, or a named result:
 * NVME_ERR_FW_NEEDS_CONV_RESET / _NEEDS_NSSR / _NEEDS_RESET (committed; the
 * image runs after that reset), NVME_ERR_FW_BAD_SLOT, NVME_ERR_FW_BAD_IMAGE,
 * or another status. After any device answer the Firmware Slot log is read
 * into res (may be NULL). After an activation without reset the firmware
 * revision (nvme_ctrl_firmware) is re-read.
 */
int nvme_fw_commit(struct nvme_ctrl *c, uint8_t slot, uint8_t action, unsigned flags,
		   struct nvme_fw_commit_result *res);
/* True for the three "committed, activation needs a reset" results. */
bool nvme_fw_needs_reset(int status);

#endif /* NVME_CFG_FW */

#if NVME_CFG_SANITIZE
/* ------------------------------------------------------------------------ */
/* Sanitize (nvme_sanitize.c): SANICAP                                       */
/* ------------------------------------------------------------------------ */

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

#if NVME_CFG_FORMAT
/* ------------------------------------------------------------------------ */
/* Format NVM (nvme_format.c): OACS bit 1                                    */
/* ------------------------------------------------------------------------ */

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

#if NVME_CFG_FEATURES
/* ------------------------------------------------------------------------ */
/* Features (nvme_features.c)                                                */
/* ------------------------------------------------------------------------ */

/* A feature value split into named fields. */
struct nvme_feat_field {
	const char *name;        /* "AB", "TMPTH", ... */
	uint32_t    value;
	const char *meaning;     /* unit or decoded meaning ("no limit", "K"), may be "" */
};
struct nvme_feat_decoded {
	uint8_t     fid;
	const char *name;        /* "Arbitration", ... ("Unknown" for others) */
	uint32_t    nfields;
	struct nvme_feat_field field[6];
};
/* Name of a feature identifier. */
const char *nvme_feat_name(uint8_t fid);
/* Decode dword 0 of Get Features (or dword 11 of Set Features) for fid.
 * 0, or NVME_ERR_UNSUPPORTED for a FID without a decoder (one raw field). */
int nvme_feat_decode(uint8_t fid, uint32_t value, struct nvme_feat_decoded *out);
/* One line: "Volatile Write Cache: WCE 1 (enabled)". Returns the full length. */
size_t nvme_feat_describe(uint8_t fid, uint32_t value, char *buf, size_t len);

/* Encoders for Set Features values. */
uint32_t nvme_feat_arbitration(uint8_t ab, uint8_t lpw, uint8_t mpw, uint8_t hpw);
uint32_t nvme_feat_power_mgmt(uint8_t ps, uint8_t wh);
uint32_t nvme_feat_temp_threshold(uint16_t kelvin, uint8_t tmpsel, bool under);
uint32_t nvme_feat_irq_coalescing(uint8_t thr, uint8_t time_100us);
uint32_t nvme_feat_async_event(uint8_t smart_warnings, bool ns_attr, bool fw_activation);

/*
 * Checked Get/Set Features. Get with sel other than NVME_FEAT_SEL_CURRENT
 * and Set with save need ONCS bit 4; Volatile Write Cache needs VWC bit 0;
 * Timestamp needs ONCS bit 6 (use nvme_timestamp_get/set: it has data).
 * Set Number of Queues is refused (NVME_ERR_INVAL: use
 * nvme_ctrl_set_io_queue_count). cdw11 selects the instance for Get
 * (Temperature Threshold: TMPSEL/THSEL; 0 otherwise).
 */
int nvme_feat_get(struct nvme_ctrl *c, uint8_t fid, uint8_t sel, uint32_t cdw11,
		  uint32_t *value, unsigned flags);
int nvme_feat_set(struct nvme_ctrl *c, uint8_t fid, uint32_t value, bool save,
		  unsigned flags, uint32_t *dw0);

struct nvme_timestamp {
	uint64_t ms;             /* milliseconds since 1970-01-01 UTC (48 bits) */
	bool     synch;          /* the clock may have stopped (attribute bit 0) */
	uint8_t  origin;         /* 0 reset, 1 set by a host (attribute bits 3:1) */
};
int nvme_timestamp_get(struct nvme_ctrl *c, uint8_t sel, struct nvme_timestamp *ts, unsigned flags);
int nvme_timestamp_set(struct nvme_ctrl *c, uint64_t ms, unsigned flags);

#endif /* NVME_CFG_FEATURES */

#if NVME_CFG_AER
/* ------------------------------------------------------------------------ */
/* Asynchronous events (nvme_aer.c)                                          */
/* ------------------------------------------------------------------------ */

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

#if NVME_CFG_RESV
/* ------------------------------------------------------------------------ */
/* Reservations (nvme_resv.c): ONCS bit 5                                    */
/* ------------------------------------------------------------------------ */

/* Reservation Register: rrega NVME_RREGA_*, cptpl NVME_CPTPL_*; flags
 * NVME_RESV_IEKEY, NVME_CMD_FORCE. */
int nvme_resv_register(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t rrega, uint64_t crkey,
		       uint64_t nrkey, uint8_t cptpl, unsigned flags);
/* Reservation Acquire: racqa NVME_RACQA_*, rtype NVME_RTYPE_* (1..6). */
int nvme_resv_acquire(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t racqa, uint8_t rtype,
		      uint64_t crkey, uint64_t prkey, unsigned flags);
/* Reservation Release: rrela NVME_RRELA_*. */
int nvme_resv_release(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t rrela, uint8_t rtype,
		      uint64_t crkey, unsigned flags);

struct nvme_resv_info {
	uint32_t gen;            /* generation */
	uint8_t  rtype;          /* current reservation type, 0 = none */
	uint8_t  ptpls;          /* persist through power loss state */
	bool     extended;       /* 128-bit host identifiers, 64-byte entries */
	uint16_t regctl;         /* registrants the device reports */
	uint32_t nentries;       /* of those, entries inside the buffer */
	bool     truncated;      /* regctl > nentries: a larger buffer shows more */
};
struct nvme_resv_entry {
	uint16_t cntlid;
	bool     holder;         /* RCSTS bit 0: holds the reservation */
	uint64_t rkey;
	uint8_t  hostid[16];     /* 8 bytes used unless extended */
};
/*
 * Reservation Report into buf (len a multiple of 4, at least the header: 24
 * bytes, 64 with extended). info is parsed against len: entries beyond the
 * buffer are not counted, whatever regctl says.
 */
int nvme_resv_report(struct nvme_ns *ns, struct nvme_qpair *q, void *buf, size_t len, bool extended,
		     unsigned flags, struct nvme_resv_info *info);
/* Entry i (< info->nentries) of a report in buf; NVME_ERR_INVAL beyond. */
int nvme_resv_report_entry(const void *buf, size_t len, const struct nvme_resv_info *info, uint32_t i,
			   struct nvme_resv_entry *out);
/* "none", "Write Exclusive", ..., "reserved". */
const char *nvme_resv_type_name(uint8_t rtype);

#endif /* NVME_CFG_RESV */

#endif /* NVME_H */
