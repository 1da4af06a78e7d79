/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_int.h - internal structures of the software NVMe controller.
 *
 * Extension points (for firmware, format, sanitize, DSM, ... later):
 *  - commands: add a `const struct model_opcode xxx_ops[]` table in a new
 *    file and list it in model_admin_providers[] / model_io_providers[]
 *    (model_core.c); the dispatch tables are built from those lists.
 *  - namespace data: model_ns_* (model_ns.c) is the only code that touches
 *    block contents.
 *  - completion faults: the CQE hook / mangle rules in model_queue.c.
 */
#ifndef NVME_MODEL_INT_H
#define NVME_MODEL_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvme_model.h"
#include "nvme_model_drives.h"

#define MODEL_MAX_ERRORS     64
#define MODEL_MAX_PATCHES    64
#define MODEL_MAX_EVENTS     16
#define MODEL_MAX_AER        256

/* Status field values (15-bit SF without phase): SCT/SC plus DNR. */
#define MODEL_SF(sct, sc)    ((uint16_t)(((unsigned)(sct) << 8) | (unsigned)(sc)))
#define MODEL_DNR            ((uint16_t)(1u << 14))
#define MODEL_ERR(sct, sc)   ((uint16_t)(MODEL_SF(sct, sc) | MODEL_DNR))
#define MODEL_GEN(sc)        MODEL_ERR(NVME_SCT_GENERIC, sc)
#define MODEL_CMDSPEC(sc)    MODEL_ERR(NVME_SCT_COMMAND_SPECIFIC, sc)

struct model_cqe_node {
	struct model_cqe_node *next;
	struct nvme_cqe cqe;      /* phase bit 0 */
};

struct model_cq {
	uint16_t qid;
	uint32_t size;            /* entries */
	uint32_t head, tail;      /* head: last doorbell value */
	uint8_t  phase;           /* phase tag of the next entry written */
	bool     pc;
	uint64_t base;            /* PC=1 */
	uint64_t *pages;          /* PC=0: page addresses */
	uint32_t npages;
	bool     ien;
	uint16_t iv;
	unsigned nsq;             /* SQs bound to it */
	unsigned stalled_sqs;     /* of those, stopped because this CQ was full */
	struct model_cqe_node *backlog, *backlog_tail; /* waiting for space */
	unsigned backlog_len;
};

struct model_sq {
	uint16_t qid;
	uint32_t size;
	uint32_t head, tail;
	uint16_t cqid;
	bool     pc;
	uint64_t base;
	uint64_t *pages;
	uint32_t npages;
	uint8_t  qprio;
	bool     stalled;         /* stopped on a full CQ */
};

/* A completion held back (deferral). */
struct model_held {
	struct model_held *next;
	uint16_t sqid, cqid;
	uint64_t release_at;      /* 0 = only on request */
	struct nvme_cqe cqe;
};

struct model_patch {
	bool     ctrl;            /* Identify Controller, else Namespace */
	uint32_t nsid;            /* namespace (0 = all) */
	uint16_t off, len;
	uint8_t  bytes[64];
};

struct model_aer {
	uint16_t cid;
};

struct model_event {
	uint8_t type, info, lid;
};

/* A namespace. Data is stored sparsely per block (model_ns.c). */
struct model_ns {
	uint32_t nsid;
	uint32_t lba_size;
	uint8_t  lbads;
	uint16_t ms;
	uint64_t blocks;
	uint8_t  flbas;           /* format index in the generated table */
	uint8_t  nlbaf;           /* 0's based */
	struct nvme_lbaf lbaf[NVME_ID_NS_LBAF_1_4];
	/* sparse block store: open addressing on lba */
	struct model_blk *slots;
	size_t   cap, used;
	uint64_t dirty;           /* blocks written since the last flush */
	/* metadata and PI (model_pi.c): DPS as reported, the 64b guard for
	 * formats with 16+ metadata bytes (pif_cfg 2) */
	uint8_t  dps;
	uint8_t  pif_cfg;
};

struct model_blk {
	uint64_t key;             /* lba + 1; 0 = empty */
	uint8_t *data;            /* lba_size + ms bytes; NULL = deallocated */
};

struct model_cmd;
typedef void (*model_cmd_fn)(struct model_cmd *c);

struct model_opcode {
	uint8_t      opc;
	model_cmd_fn fn;
	const char  *name;
};

/* One command being executed. Handlers set status/dw0/dw1 or defer. */
struct model_cmd {
	struct nvme_model *m;
	struct model_sq   *sq;
	struct nvme_sqe    sqe;
	uint16_t status;          /* 15-bit status field */
	uint32_t dw0, dw1;
	bool     no_cqe;          /* the handler keeps the command (AER) */
	bool     post_now;        /* never defer this one (Abort, AER limit, ...) */
	unsigned fault_rule;      /* fault rule (index + 1) that decides the posting, 0 none */
};

/* Shadow doorbells (Doorbell Buffer Config, model_dbbuf.c). */
struct model_dbbuf {
	bool     on;              /* registered since the last reset */
	uint64_t dbs, eis;        /* bus addresses of the two pages */
	uint8_t  mode;            /* enum nvme_model_eventidx_mode */
	uint64_t configs, polls, shadow_reads;
};

/* Features with a single stored value. */
struct model_features {
	uint32_t cur[256];
	uint32_t def[256];
	uint32_t saved[256];
	bool     saved_valid[256];
	uint16_t tmpth[16][2];    /* [TMPSEL][THSEL] */
	uint64_t timestamp_ms;    /* value set by host */
	uint64_t timestamp_set_at_us;
	bool     timestamp_set;
};

struct nvme_model {
	struct nvme_model_config cfg;
	char     name[32];
	char     sn[21], mn[41], fr[9];

	/* BAR */
	uint64_t bar_phys;
	size_t   bar_size;
	void    *bar;             /* address range the hooks recognise (PROT_NONE) */
	uint32_t db_stride;

	/* registers */
	uint64_t cap;
	bool     cap_override;
	uint64_t cap_value;
	uint32_t cc, csts, aqa, intms;
	uint64_t asq, acq;
	bool     enabled;         /* CC.EN=1 accepted (queues live) */
	bool     rdy_pending;     /* enable/disable transition in progress */
	uint32_t rdy_polls;
	uint64_t rdy_since_us;
	bool     shst_pending;
	uint32_t shst_polls;
	uint64_t shst_since_us;
	bool     shut_down;       /* SHST complete: no more commands */
	uint32_t page_size;       /* CC.MPS at enable */
	uint64_t mdts_bytes;      /* 0 = no limit */

	/* faults */
	bool     gone, rdy_never, rdy_stuck, shst_never, shst_never_normal, fail_enable;
	uint32_t cfs_after_reads;
	uint32_t cfs_after_cmds;

	/* queues, indexed by qid */
	struct model_sq **sq;
	struct model_cq **cq;
	uint32_t nsq_slots, ncq_slots;  /* array sizes: max_io + 1 */
	bool     io_queue_created;      /* since the last reset */
	bool     nq_set;                /* Number of Queues set since reset */

	/* deferred completions */
	struct model_held *held, *held_tail;
	unsigned held_count;

	/* AER */
	struct model_aer aer[MODEL_MAX_AER];
	unsigned aer_count;
	struct model_event events[MODEL_MAX_EVENTS];
	unsigned event_count;
	uint8_t  aen_masked;            /* bit per event type: reported, log not read */
	uint8_t  aen_lid[8];            /* log page that unmasks each type */

	/* CQE faults */
	nvme_model_cqe_hook_fn cqe_hook;
	void    *cqe_hook_ctx;
	struct nvme_model_mangle mangle;
	bool     mangle_on;

	/* command dispatch */
	model_cmd_fn admin_ops[256];
	const char  *admin_names[256];
	model_cmd_fn io_ops[256];
	const char  *io_names[256];

	/* Identify data */
	struct nvme_id_ctrl id_ctrl;
	struct model_patch patches[MODEL_MAX_PATCHES];
	unsigned npatches;
	uint32_t *ns_list_patch;        /* NULL = not patched */
	uint32_t ns_list_patch_n;

	/* namespaces, sorted by nsid */
	struct model_ns *ns;
	uint32_t ns_count;
	uint32_t nn;

	struct model_features feat;

	/* logs */
	struct nvme_error_log_entry *errlog;  /* elpe+1 entries, [0] newest */
	uint64_t error_count;
	uint64_t data_units_read_512, data_units_written_512; /* 512-byte units */
	uint64_t power_cycles, unsafe_shutdowns;

	struct nvme_model_stats stats;

	/* optional commands: firmware, sanitize, format, DSM, reservations...
	 * (model_ext.h) */
	struct model_ext *ext;

	/* shadow doorbells (model_dbbuf.c, nvme_model_dbbuf.h) */
	struct model_dbbuf dbbuf;

	/* fault injection rules (model_fault.c, nvme_model_fault.h); NULL: none */
	struct model_fault *fault;

	/* real drives' behaviour (model_drives.c, nvme_model_drives.h) */
	struct model_drives {
		uint64_t csts_ones_us;        /* CSTS all ones this long after EN 1->0 */
		uint64_t csts_ones_until;     /* ... until this time (0: not now) */
		uint32_t io_sqe_bytes;        /* I/O SQ entry stride (64 default) */
		uint32_t cid_limit;           /* CIDs at or above: protocol error (0: none) */
		bool     cid_shared;          /* CIDs unique across queues */
		uint32_t io_outstanding_max;  /* per I/O SQ (0: no limit) */
		bool     wz_broken;           /* Write Zeroes writes nothing */
		bool     ps_deepest_broken;   /* entering PS npss sets CFS */
		uint8_t  cns_refused[256 / 8];
		uint32_t cns_count[256];
		model_cmd_fn prev_identify, prev_set_features, prev_write_zeroes;
		bool     crwms, crims;        /* CAP.CRMS */
		uint32_t crto;                /* CRTO register */
		uint8_t  to_crime;            /* CAP.TO while CC.CRIME=1 */
		uint64_t rdy_crime_us;        /* ready delay with CC.CRIME=1 */
		uint64_t admin_delay_us[256]; /* completion held this long per admin opcode */
		/* Host Memory Buffer */
		bool     hmb_refuse;
		struct { uint64_t addr, bytes; } *hmb_desc;
		uint32_t hmb_ndesc;
		struct nvme_model_hmb_state hmb;
		model_cmd_fn prev_get_features, prev_read, prev_write, prev_get_log_page;
		/* Device Self-test */
		bool     dst_on;
		uint8_t  dst_code;            /* running test (0: none) */
		uint32_t dst_nsid;
		uint64_t dst_start, dst_short_us, dst_ext_us, dst_fail_lba;
		uint8_t  dst_fail_segment;
		uint8_t  dst_results[20][28]; /* newest first */
		uint32_t dst_cmds;
		/* Telemetry Host-Initiated */
		bool     tel_on;
		uint16_t tel_da[3];
		uint8_t  tel_gen;
		uint32_t tel_change_after;
		/* Autonomous Power State Transition (model_apst.c) */
		bool     apst_on, apst_enabled;
		uint64_t apst_table[32];
		uint64_t apst_last_us;        /* the previous command fetch */
		uint8_t  apst_op_ps;          /* most recent operational state */
		uint32_t apst_transitions, apst_wakeups;
	} drv;

	/* I/O command sets and zoned namespaces (model_zns.c); NULL: none yet */
	struct model_zns *zns;
	/* Copy, namespace management (model_copy.c, model_nsmgmt.c); NULL: off */
	struct model_copyns *copyns;

	/* protocol errors */
	char    *errors[MODEL_MAX_ERRORS];
	unsigned nerrors;
	unsigned errors_dropped;
	bool     trace;
};

/* model_apst.c */
void model_apst_reset(struct nvme_model *m);
void model_apst_fetch(struct nvme_model *m, bool io);
void model_apst_power_set(struct nvme_model *m);
void model_apst_set_features(struct model_cmd *c);
void model_apst_get_features(struct model_cmd *c);

/* model_core.c */
void model_error(struct nvme_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void model_trace(struct nvme_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t model_now(struct nvme_model *m);
void model_fatal(struct nvme_model *m, const char *why);   /* set CSTS.CFS */
extern const struct model_opcode *const model_admin_providers[];
extern const struct model_opcode *const model_io_providers[];
extern const struct model_opcode model_dbbuf_ops[];

/* model_queue.c */
struct model_sq *model_sq_get(struct nvme_model *m, uint32_t qid);
struct model_cq *model_cq_get(struct nvme_model *m, uint32_t qid);
/* Fetch what the SQ holds now / free CQ space after a head update (flush the
 * backlog, restart SQs stalled on it). */
void model_sq_kick(struct nvme_model *m, struct model_sq *sq);
void model_cq_kick(struct nvme_model *m, struct model_cq *cq);
struct model_sq *model_sq_new(struct nvme_model *m, uint16_t qid, uint32_t size, uint16_t cqid,
			      bool pc, uint64_t base, const uint64_t *pages, uint32_t npages);
struct model_cq *model_cq_new(struct nvme_model *m, uint16_t qid, uint32_t size,
			      bool pc, uint64_t base, const uint64_t *pages, uint32_t npages);
/* Delete SQ: held completions of it are posted as aborted first. */
void model_sq_delete(struct nvme_model *m, uint16_t qid);
void model_cq_delete(struct nvme_model *m, uint16_t qid);
void model_queues_reset(struct nvme_model *m);  /* drop everything (controller reset) */
void model_sq_doorbell(struct nvme_model *m, uint16_t qid, uint32_t value);
void model_cq_doorbell(struct nvme_model *m, uint16_t qid, uint32_t value);
/* Post a completion for (sqid, cid) to cqid through the hook; queue it in the
 * CQ's backlog if the CQ is full. */
void model_post(struct nvme_model *m, uint16_t cqid, const struct nvme_cqe *cqe);
void model_release_due(struct nvme_model *m);
bool model_cid_in_flight(struct nvme_model *m, uint16_t sqid, uint16_t cid);
/* Abort: complete the held command (sqid, cid) with Abort Requested. */
bool model_abort_held(struct nvme_model *m, uint16_t sqid, uint16_t cid);
/* AER bookkeeping */
void model_aer_add(struct nvme_model *m, uint16_t cid);
void model_aer_deliver(struct nvme_model *m);
void model_event(struct nvme_model *m, uint8_t type, uint8_t info, uint8_t lid);
/* Error log entry for a failed command. */
void model_log_error(struct nvme_model *m, uint16_t sqid, uint16_t cid, uint16_t sf, uint32_t nsid);

/* model_xfer.c: data pointer of a command as a list of bus ranges */
struct model_sg {
	struct { uint64_t addr; uint64_t len; } *seg;
	size_t   n, cap;
	uint64_t total;
};
/* Map the data pointer of c for len bytes. Returns 0 or a status field. */
uint16_t model_map_dptr(struct model_cmd *c, uint64_t len, struct model_sg *sg);
/* Map the separate metadata of c (MPTR, by PSDT) for len bytes. */
uint16_t model_map_mptr(struct model_cmd *c, uint64_t len, struct model_sg *sg);
/* Copy between buf and the mapped ranges ([off, off+n) of the transfer). */
uint16_t model_sg_copy(struct nvme_model *m, const struct model_sg *sg, uint64_t off,
		       void *buf, uint64_t n, bool to_host);
void model_sg_free(struct model_sg *sg);
/* The reply of Get Log Page c: bytes [off, off+len) of the size-byte log
 * src to the host (zeros past its end); then, unless rae, events of the log
 * page lid are unmasked and pending ones delivered. Sets c->status. */
void model_log_send(struct model_cmd *c, const uint8_t *src, uint64_t size, uint64_t off, uint64_t len,
		    uint8_t lid, bool rae);
/* Map + copy in one go. */
uint16_t model_to_host(struct model_cmd *c, const void *buf, uint64_t len);
uint16_t model_from_host(struct model_cmd *c, void *buf, uint64_t len);
/* Read/write len bytes of host memory at a bus address (split per 4 KiB). */
bool model_dma_read(struct nvme_model *m, uint64_t phys, void *buf, uint64_t len);
bool model_dma_write(struct nvme_model *m, uint64_t phys, const void *buf, uint64_t len);

/* model_admin.c / model_feat.c / model_io.c */
extern const struct model_opcode model_admin_core_ops[];
extern const struct model_opcode model_feat_ops[];
extern const struct model_opcode model_io_core_ops[];
void model_build_id_ctrl(struct nvme_model *m);
void model_features_init(struct nvme_model *m);
void model_features_reset(struct nvme_model *m);
void model_id_apply_patches(struct nvme_model *m, bool ctrl, uint32_t nsid, void *data);

/* model_ext.c and the files of model_ext.h: optional commands. Their
 * provider tables come after the core ones, so they may wrap core handlers
 * (Read, Write, Flush, Set/Get Features, Get Log Page). */
struct model_ext;
extern const struct model_opcode model_ext_admin_ops[];
extern const struct model_opcode model_ext_io_ops[];
void model_ext_create(struct nvme_model *m);     /* aborts on out of memory */
void model_ext_destroy(struct nvme_model *m);
/* Time-based events of the optional commands (a Format NVM that takes time). */
void model_ext_tick(struct nvme_model *m);
/* Controller level reset (CC.EN 1->0 or NSSR): pending firmware activation. */
void model_ext_reset(struct nvme_model *m, bool subsystem);
/* Every controller level reset, shared by CC.EN 1->0 and NSSR. */
void model_controller_reset(struct nvme_model *m);

/* model_fault.c: fault injection (nvme_model_fault.h). At fetch: true when a
 * rule decided the command's outcome (c->status / dw0 set, or c->no_cqe);
 * otherwise the command executes and, if c->fault_rule is set,
 * model_fault_post() posts its completion. */
bool model_fault_fetch(struct nvme_model *m, struct model_cmd *c);
void model_fault_post(struct nvme_model *m, struct model_cmd *c, uint16_t cqid, struct nvme_cqe *cqe);
void model_fault_destroy(struct nvme_model *m);
/* model_queue.c: hold a completion until release_at (0: until released,
 * aborted or reset), like deferral. */
void model_hold_until(struct nvme_model *m, uint16_t sqid, uint16_t cqid, const struct nvme_cqe *cqe,
		      uint64_t release_at);

/* model_drives.c: checks at fetch (protocol errors for CID rules); the
 * wrappers of Identify, Set Features and Write Zeroes, installed last
 * (after model_ext_create) over the handlers installed before. */
void model_drives_fetch_check(struct nvme_model *m, uint16_t sqid, uint16_t cid);
void model_drives_install(struct nvme_model *m);
/* When the completion of a command of (sqid, opc) is due (a slow command),
 * 0 to post it now. */
uint64_t model_drives_hold_until(struct nvme_model *m, uint16_t sqid, uint8_t opc);
/* Controller reset (HMB disabled), shutdown notification, destroy. */
void model_drives_reset(struct nvme_model *m);
void model_drives_shutdown(struct nvme_model *m);
void model_drives_destroy(struct nvme_model *m);

/* model_zns.c: installed last (wraps Identify, Set/Get Features, Read,
 * Write, Write Zeroes); controller reset; destroy. */
void model_zns_install(struct nvme_model *m);
void model_zns_reset(struct nvme_model *m);
void model_zns_destroy(struct nvme_model *m);
/* model_copy.c: free the Copy and namespace management state. */
void model_copyns_destroy(struct nvme_model *m);

/* model_ns.c */
int  model_ns_setup(struct nvme_model *m, const struct nvme_model_ns_config *cfg, uint32_t n);
void model_ns_free_all(struct nvme_model *m);
struct model_ns *model_ns_find(struct nvme_model *m, uint32_t nsid);
/* Smallest active NSID > after, 0 if none. */
uint32_t model_ns_next(struct nvme_model *m, uint32_t after);
/* model_pi.c: metadata layouts and protection information. */
struct nvme_model_ns_config;
int model_pi_ns_setup(struct nvme_model *m, struct model_ns *ns, const struct nvme_model_ns_config *cfg);
void model_pi_fill_id(const struct model_ns *ns, struct nvme_id_ns *id);
void model_pi_id_ctrl(struct nvme_model *m);   /* CTRATT.ELBAS when a namespace has PIF */
/* True if ns's format needs model_pi_* for I/O (metadata or PI). */
bool model_pi_active(const struct model_ns *ns);
void model_pi_rw(struct model_cmd *c, struct model_ns *ns, bool write, uint64_t slba, uint64_t nlb);
void model_pi_compare(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb);
uint16_t model_pi_verify(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb);
uint16_t model_pi_write_zeroes(struct model_cmd *c, struct model_ns *ns, uint64_t slba, uint64_t nlb);
/* Format NVM: 0 if lbaf can take PI type pi (0 = none), else a status;
 * then apply it. */
uint16_t model_pi_format_check(const struct model_ns *ns, unsigned lbaf, unsigned pi);
void model_pi_format_apply(struct model_ns *ns, unsigned pi, bool pil_first);
/* CNS 05h CSI 00h into a 4096-byte buffer. */
void model_pi_id_ns_nvm(const struct model_ns *ns, uint8_t *buf);
/* The stored block (lba_size + ms bytes), NULL when deallocated. */
const uint8_t *model_ns_block(struct model_ns *ns, uint64_t lba);
/* n blocks from lba: data (n * lba_size) and metadata (n * ms, may be NULL). */
void model_ns_read(struct model_ns *ns, uint64_t lba, uint64_t n, void *data, void *md);
void model_ns_write(struct model_ns *ns, uint64_t lba, uint64_t n, const void *data, const void *md);
void model_ns_deallocate(struct model_ns *ns, uint64_t lba, uint64_t n);
void model_ns_fill_id(struct nvme_model *m, const struct model_ns *ns, struct nvme_id_ns *id);

#endif /* NVME_MODEL_INT_H */
