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
#define NVME_ERR_PAGE_SIZE       (-8)  /* required page size above CAP.MPSMAX */
#define NVME_ERR_LBA_RANGE       (-9)  /* LBA range outside the namespace (or wraps) */
#define NVME_ERR_NO_NAMESPACE    (-10) /* no such (known) namespace */
#define NVME_ERR_UNSUPPORTED     (-11) /* feature or format the driver or device cannot do */
#define NVME_ERR_QUEUE_FULL      (-12) /* no free command slot in the queue pair */
#define NVME_ERR_BAD_QUEUE       (-13) /* no such queue pair / qid out of range / exists */
#define NVME_ERR_ABORTED         (-14) /* command dropped by a reset, queue deletion or detach */
#define NVME_ERR_BOUNCE_BUSY     (-15) /* async: the queue's bounce buffer is in use */
#define NVME_ERR_TOO_LARGE       (-16) /* async/passthrough transfer above the max transfer */
#define NVME_ERR_DMA             (-17) /* data buffer not usable and no bounce buffer fits */
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

#define NVME_STATUS_DEVICE_FLAG  0x10000

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
	/* Admin command timeout in ms. Default 5000; the driver uses
	 * max(this, CAP.TO). */
	uint32_t admin_timeout_ms;
	/* I/O command timeout in ms (synchronous API). Default 30000. */
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
};

#define NVME_DEFAULT_ADMIN_QUEUE_DEPTH  32u
#define NVME_DEFAULT_IO_QUEUE_COUNT     1u
#define NVME_DEFAULT_IO_QUEUE_DEPTH     256u
#define NVME_DEFAULT_ADMIN_TIMEOUT_MS   5000u
#define NVME_DEFAULT_IO_TIMEOUT_MS      30000u
#define NVME_DEFAULT_MAX_TRANSFER       (1024u * 1024u)
/* CAP.TO of 0 is replaced by this ready/disable wait bound. */
#define NVME_MIN_READY_TIMEOUT_MS       500u

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
	uint64_t sq_doorbells;     /* SQ tail doorbell writes */
	uint64_t cq_doorbells;     /* CQ head doorbell writes */
	uint64_t polls;            /* nvme_qpair_poll passes (incl. internal ones) */
	uint64_t polls_with_completions; /* passes that reaped at least one CQE */
	uint64_t reaped;           /* CQEs consumed (valid and ignored) */
	uint64_t bad_completions;  /* CQEs ignored: bad CID / SQHD / SQID */
	uint64_t timeouts;         /* synchronous commands that timed out */
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
	uint32_t batch;          /* nvme_qpair_batch_begin nesting */

	/* command slots (CID = index) */
	struct nvme_slot *slots;
	uint64_t slots_phys;
	size_t   slots_bytes;
	uint32_t free_head;      /* first free slot, or nslots */
	uint32_t in_flight;

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
	 * such a namespace returns NVME_ERR_UNSUPPORTED. */
	int      unusable;
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
	uint32_t io_wanted;      /* I/O queue pairs to create at (re)init */

	/* namespaces */
	struct nvme_ns ns[NVME_CFG_MAX_NS];
	uint32_t ns_count;       /* entries of ns[] in use */
	uint32_t ns_active;      /* active namespaces found (may exceed ns_count) */

	/* scratch DMA memory */
	void    *idbuf;          /* 4096 bytes, page aligned: identify, lists */
	uint64_t idbuf_phys;
	size_t   idbuf_bytes;
	void    *blkbuf;         /* one block for the byte helpers */
	uint64_t blkbuf_phys;
	size_t   blkbuf_bytes;
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
 * Controller reset: commands in flight (including timed-out ones) complete
 * with NVME_ERR_ABORTED, the controller is disabled and re-enabled, the admin
 * queue and the same I/O queue pairs (same qid, depth, options) are recreated
 * and namespaces re-read. Queue memory is reused. On failure the state is
 * NVME_CTRL_FAILED (or GONE).
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
uint32_t nvme_ctrl_io_queue_count(const struct nvme_ctrl *c); /* I/O queue pairs created */
bool     nvme_ctrl_uses_sgl(const struct nvme_ctrl *c);     /* I/O data pointers are SGLs */
/* Change the log level at run time (TRACE needs NVME_CFG_TRACE=1). */
void nvme_ctrl_set_log_level(struct nvme_ctrl *c, enum nvme_log_level level);

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
/* I/O queue pair by index 0.. (qid index+1); NULL if not created. */
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
 * Returns the number of commands completed, or NVME_ERR_DEVICE_GONE /
 * NVME_ERR_CTRL_FATAL / NVME_ERR_NOT_READY. CQEs with a bad CID, SQ head
 * or SQID are consumed, counted, logged and ignored. CSTS is checked every
 * 64 empty polls to notice a dead controller.
 */
int nvme_qpair_poll(struct nvme_qpair *q, uint32_t max);
uint32_t nvme_qpair_in_flight(const struct nvme_qpair *q); /* includes timed-out slots */
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
 * are read (and for writes modified and written back) through the
 * controller's block buffer; whole blocks go directly. len 0 is a no-op.
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
/*
 * Number of Queues (FID 07h): ask for nsq/ncq I/O queues (1..65535, 1's
 * based here); *nsq_granted and *ncq_granted (1's based) receive the answer.
 * An answer of FFFFh (65536 queues) is NVME_ERR_BAD_QUEUE_GRANT.
 * Set may only be used once after a reset (use nvme_ctrl_set_io_queue_count).
 */
int nvme_set_num_queues(struct nvme_ctrl *c, uint32_t nsq, uint32_t ncq,
			uint32_t *nsq_granted, uint32_t *ncq_granted);
int nvme_get_num_queues(struct nvme_ctrl *c, uint32_t *nsq, uint32_t *ncq);
/*
 * Get Log Page lid into buf: len bytes (dword multiple, > 0) from byte
 * offset off (dword aligned). Offsets and lengths above 256 KiB need
 * LPA.EXTENDED_DATA (else NVME_ERR_BAD_LOG_LENGTH). rae sets Retain
 * Asynchronous Event.
 */
int nvme_get_log_page(struct nvme_ctrl *c, uint8_t lid, uint8_t lsp, uint32_t nsid,
		      uint64_t off, void *buf, size_t len, bool rae);

#endif /* NVME_H */
