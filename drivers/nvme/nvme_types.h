/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_types.h - PRIVATE LAYOUT of the driver's structs.
 *
 * Included by nvme.h so that a host can allocate struct nvme_ctrl (static,
 * on the heap, anywhere) and know its size. A host never reads or writes a
 * field of these structs: the functions of nvme.h and the other headers are
 * the interface, and the layout changes with the NVME_CFG_* switches and
 * between versions. nvme_ctrl_init() refuses a caller whose layout differs
 * from the driver's (NVME_ERR_ABI).
 *
 * Every driver header includes nvme.h before its include guard, so that this
 * file finds the public types it embeds (queue statistics, recovery counters,
 * events, NVM limits) whichever header a file includes first.
 */
#include "nvme.h"
#ifndef NVME_TYPES_H
#define NVME_TYPES_H

#if (NVME_CFG_FW || NVME_CFG_SANITIZE || NVME_CFG_AER) && !NVME_CFG_LOGS
#error "NVME_CFG_FW, NVME_CFG_SANITIZE and NVME_CFG_AER need NVME_CFG_LOGS"
#endif
#if NVME_CFG_AER && !NVME_CFG_FEATURES
#error "NVME_CFG_AER needs NVME_CFG_FEATURES"
#endif
#if !NVME_CFG_SUPPORT && (NVME_CFG_DM || NVME_CFG_LOGS || NVME_CFG_FW || NVME_CFG_SANITIZE || \
			 NVME_CFG_FORMAT || NVME_CFG_FEATURES || NVME_CFG_AER || NVME_CFG_RESV || \
			 NVME_CFG_PI || NVME_CFG_COPY || NVME_CFG_NSMGMT)
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


#include "nvme_ctrl.h"      /* enum nvme_ctrl_state */
#include "nvme_queue.h"     /* struct nvme_qpair_stats */
#include "nvme_recover.h"   /* struct nvme_recovery_stats */
#include "nvme_dm.h"        /* struct nvme_nvm_limits (NVME_CFG_DM) */
#include "nvme_aer.h"       /* struct nvme_event (NVME_CFG_AER) */

/* ------------------------------------------------------------------------ */
/* ABI check: the caller's build against the driver's                       */
/* ------------------------------------------------------------------------ */

/* The on/off switches as one bit each, for the ABI check below. A new
 * switch takes the next bit. */
#define NVME_CFG_BITS                                                          \
	((unsigned)(NVME_CFG_TRACE != 0) << 0 | (unsigned)(NVME_CFG_SGL != 0) << 1 |  \
	 (unsigned)(NVME_CFG_FAST_PATH != 0) << 2 | (unsigned)(NVME_CFG_DM != 0) << 3 | \
	 (unsigned)(NVME_CFG_LOGS != 0) << 4 | (unsigned)(NVME_CFG_FW != 0) << 5 |     \
	 (unsigned)(NVME_CFG_SANITIZE != 0) << 6 | (unsigned)(NVME_CFG_FORMAT != 0) << 7 | \
	 (unsigned)(NVME_CFG_FEATURES != 0) << 8 | (unsigned)(NVME_CFG_AER != 0) << 9 |  \
	 (unsigned)(NVME_CFG_RESV != 0) << 10 | (unsigned)(NVME_CFG_SUPPORT != 0) << 11 | \
	 (unsigned)(NVME_CFG_HMB != 0) << 12 | (unsigned)(NVME_CFG_POWER != 0) << 13 |  \
	 (unsigned)(NVME_CFG_SELFTEST != 0) << 14 | (unsigned)(NVME_CFG_TELEMETRY != 0) << 15 | \
	 (unsigned)(NVME_CFG_ZNS != 0) << 16 | \
	 (unsigned)(NVME_CFG_PI != 0) << 17 | \
	 (unsigned)(NVME_CFG_COPY != 0) << 18 | (unsigned)(NVME_CFG_NSMGMT != 0) << 19)
/* Their names, bit 0 first (the ABI check's message). */
#define NVME_CFG_BIT_NAMES                                                     \
	"NVME_CFG_TRACE", "NVME_CFG_SGL", "NVME_CFG_FAST_PATH", "NVME_CFG_DM",        \
	"NVME_CFG_LOGS", "NVME_CFG_FW", "NVME_CFG_SANITIZE", "NVME_CFG_FORMAT",        \
	"NVME_CFG_FEATURES", "NVME_CFG_AER", "NVME_CFG_RESV", "NVME_CFG_SUPPORT",      \
	"NVME_CFG_HMB", "NVME_CFG_POWER", "NVME_CFG_SELFTEST", "NVME_CFG_TELEMETRY",   \
	"NVME_CFG_ZNS", "NVME_CFG_PI", "NVME_CFG_COPY", "NVME_CFG_NSMGMT"


/* Raised when a public struct or the meaning of a switch changes. */
#define NVME_ABI_VERSION 1u

/* What a file was compiled with; nvme_ctrl_init() passes the caller's. */
struct nvme_abi {
	uint32_t version;        /* NVME_ABI_VERSION (checked first) */
	uint32_t cfg_bits;       /* NVME_CFG_BITS */
	int32_t  log_level;      /* NVME_CFG_LOG_LEVEL */
	uint32_t max_io_queues, max_ns, max_aer, event_ring;
	uint32_t ctrl_size, qpair_size, ns_size, config_size;  /* sizeof */
};

#define NVME_ABI_INIT {                                                          \
	NVME_ABI_VERSION, NVME_CFG_BITS, NVME_CFG_LOG_LEVEL, NVME_CFG_MAX_IO_QUEUES, \
	NVME_CFG_MAX_NS, NVME_CFG_MAX_AER, NVME_CFG_EVENT_RING,                      \
	(uint32_t)sizeof(struct nvme_ctrl), (uint32_t)sizeof(struct nvme_qpair),     \
	(uint32_t)sizeof(struct nvme_ns), (uint32_t)sizeof(struct nvme_ctrl_config) }
#define NVME_ABI_CALLER ((const struct nvme_abi)NVME_ABI_INIT)

/* nvme_ctrl_init() itself (the macro in nvme.h passes &NVME_ABI_CALLER):
 * NVME_ERR_ABI without touching c when abi differs from the driver's. */
int nvme_ctrl_init_abi(struct nvme_ctrl *c, const struct nvme_host *host,
		       uint64_t bar_phys, size_t bar_size,
		       const struct nvme_ctrl_config *cfg, const struct nvme_abi *abi);
/* The first difference between abi and the driver's build as one line into
 * buf ("NVME_CFG_MAX_NS: caller 8, driver 32"); returns its full length, 0
 * (and "" in buf) when they match. */
size_t nvme_abi_diff(const struct nvme_abi *abi, char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Queue pair and controller                                                */
/* ------------------------------------------------------------------------ */

struct nvme_ctrl;
struct nvme_slot;            /* private per-command bookkeeping */

/*
 * A submission/completion queue pair. All fields are private to the driver;
 * use the functions below. The struct lives inside struct nvme_ctrl.
 */
struct nvme_qpair {
	struct nvme_ctrl *ctrl;
	uint16_t qid;            /* 0 = admin */
	bool     live;           /* exists on the device and accepts commands */
	bool     fast_rw;        /* the Read/Write fast path may use it: an I/O queue of 64-byte SQEs,
	                          * PRP allowed (nvme_q_set_fast_rw); live and fast_rw are
	                          * adjacent bytes at an even offset, tested with one load
	                          * (nvme_q_fast_live) */
	bool     created;        /* memory allocated: the driver owns this queue pair */
	bool     irq;            /* opts.interrupts */
	bool     intx;           /* opts.intx: a pin interrupt (CQ head every pass) */
	uint8_t  prio;
	uint16_t vector;
	uint32_t depth;          /* entries; nslots = depth - 1 */
	uint32_t nslots;
	uint8_t  sqe_shift;      /* log2 of the SQ entry stride: 6, or 7 (NVME_QUIRK_SQE_128) */
	uint64_t dma_last;       /* host dma_limit - 1: the last bus address data may use (nvme_prp1_ok) */
	uint64_t prp1_last;      /* dma_last - (host page - 1): the last PRP1 of the Read/Write fast
	                          * path, whose buffer is at most a host page (nvme_q_set_fast_rw) */

	/* rings */
	struct nvme_sqe *sq;
	uint64_t sq_phys;
	size_t   sq_bytes;
	volatile struct nvme_cqe *cq;
	uint64_t cq_phys;
	size_t   cq_bytes;
	uint32_t sq_tail;        /* next SQ entry to write */
	uint32_t sq_tail_rung;   /* tail value last written to the doorbell */
	uint16_t sq_head;        /* last SQ head reported by the device (16 bits on
	                          * the wire: the reap stores it with no widening) */
	/* the CQ cursor: the entry to look at next (its index: nvme_q_cq_head),
	 * the end of the ring, and the phase tag expected there, kept where it
	 * sits in CQE dword 3 (bit 16: status bit 0) so that one XOR tests it */
	volatile struct nvme_cqe *cq_next;
	volatile struct nvme_cqe *cq_end;
	uint32_t cq_phase;       /* NVME_CQ_PHASE16 or 0 */
	uint32_t sq_db;          /* doorbell offsets in BAR0 */
	uint32_t cq_db;
	uint32_t cq_head_rung;   /* CQ head value last published */
	uint32_t cq_defer;       /* publish once more are pending (nvme_q_cq_consumed) */
	uint32_t slot_limit;     /* nslots - the CQ entries consumed since then
	                          * (nvme_q_cq_pending): nvme_slot_take's bound */
	uint32_t slot_floor;     /* nslots - cq_defer: slot_limit's least value */
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

	/* command slots (CID = generation << cid_shift | index): cid_mask + 1 of
	 * them, of which the first nslots are used (cid_mask >= nslots, so a
	 * CID's index bits always name a slot, and index cid_mask, hence CID
	 * FFFFh, is never used) */
	struct nvme_slot *slots;
	uint64_t slots_phys;
	size_t   slots_bytes;
	uint32_t free_head;      /* first free slot, or nslots */
	uint8_t  cid_shift;      /* CID = generation << cid_shift | slot index */
	uint16_t cid_mask;       /* the index bits of a CID */
	uint32_t cid_step;       /* 1 << cid_shift: the next generation of a CID */
	uint32_t in_flight;      /* slots not free (incl. timed out, waiting to retry); not
	                          * beside free_head: a slot take then writes the two with
	                          * two stores instead of merging them through a register */
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
	/* SQ and CQ wraps since the rings were last reset: the I/O path counts
	 * no submitted or reaped commands one by one; both are derived from
	 * the ring positions (nvme_q_submitted, nvme_q_reaped) and
	 * stats.submitted and stats.reaped hold what came before (folded in
	 * when the rings are reset) */
	uint32_t sq_laps, cq_laps;
	/* reaping passes that consumed nothing: stats.polls is derived
	 * (polls_with_completions + polls_empty, nvme_qpair_stats_get) */
	uint64_t polls_empty;
	struct nvme_qpair_stats stats;
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
	/* I/O command sets (nvme_iocs.c): CC.CSS written; with NVME_CC_CSS_IOCS
	 * the profile index chosen and its command set vector (bit per CSI) */
	uint8_t  css_sel;
	uint16_t iocs_index;
	uint64_t iocs_vector;
	int      iocs_status;    /* CNS 1Ch / Set Features 19h result (0 ok) */
#if NVME_CFG_ZNS
	uint8_t  zasl;           /* Zoned Identify Controller ZASL */
	int      zns_ctrl_status; /* its Identify result: 0 read, else why not */
#endif

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
	union {
		/* both counters as one word (little-endian: cb_depth the low
		 * half): the end of a reaping pass lowers the depth and learns
		 * whether either is still nonzero (a nested pass, or automatic
		 * resets waiting for an I/O success) with one instruction */
		uint64_t cb_word;
		struct {
			uint32_t cb_depth;            /* completion callbacks running */
			uint32_t auto_resets_in_row;  /* automatic resets without an I/O success between */
		};
	};
	bool     ctrl_busy;      /* init, re-initialisation, shutdown or recovery is
	                          * running: a timeout in there fails the command
	                          * instead of starting another recovery */
	struct nvme_recovery_stats rstats;

	/* shadow doorbells (nvme_dbbuf.c): two pages, shadow then EventIdx */
	void    *dbbuf;
	uint64_t dbbuf_phys;
	size_t   dbbuf_bytes;
	bool     dbbuf_on;       /* registered with the controller now */
	uint32_t dbbuf_configs;  /* Doorbell Buffer Config commands that succeeded */

	/* real drives: quirks (nvme_quirks.c) */
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

#endif /* NVME_TYPES_H */
