/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model.h - a software NVMe 1.4 controller for host-side tests.
 *
 * The model is a deterministic C model of one PCIe NVMe controller over
 * RAM-backed namespaces. It knows nothing about the driver: it sees only
 * 32-bit register accesses (routed to it by the driver's NVME_MMIO_HOOK
 * build, see model_mmio.c) and host memory reached through a translation
 * callback (bus address -> host pointer), exactly what a device sees.
 *
 * Everything happens on the caller's thread, inside the register access that
 * triggers it: an SQ tail doorbell write fetches and executes every command up
 * to the new tail and posts the completions before the write returns. There
 * are no threads and no hidden timers; time-based behaviour (ready delay,
 * shutdown delay, deferred completions) uses the clock callback and advances
 * when the model is touched or nvme_model_tick_all() is called.
 *
 * The model rejects what a real controller rejects (with the spec's status
 * codes) and records every host protocol violation that a real controller
 * would silently ignore or answer with an asynchronous event (unaligned
 * register access, doorbell value out of range, writing a read-only register,
 * ...) in an error list that tests assert to be empty.
 *
 * Files:
 *   nvme_model.h     this API
 *   model_int.h      internal structures shared by the model's files
 *   model_core.c     creation, registry, registers, reset/enable/shutdown
 *   model_knobs.c    state queries and the bad-value / fault knobs
 *   model_queue.c    SQ fetch, CQ posting, deferral, CQE hook, AER
 *   model_xfer.c     PRP and SGL data pointers, MDTS
 *   model_admin.c    admin commands (dispatch table entries)
 *   model_feat.c     Set/Get Features and Get Log Page
 *   model_io.c       NVM I/O commands (Read, Write, Flush)
 *   model_ns.c       namespace store (sparse, per block)
 */
#ifndef NVME_MODEL_H
#define NVME_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvme_spec.h"

struct nvme_model;

/*
 * Translate bus address range [phys, phys+len) to a host pointer, or NULL if
 * any byte of it is not reachable. The model never asks for a range that
 * crosses a 4 KiB boundary of phys, so a host may map pages individually.
 * write is true when the device is about to write the memory.
 */
typedef void *(*nvme_model_translate_fn)(void *ctx, uint64_t phys, size_t len, bool write);
/* Current time in microseconds (the test's virtual clock). */
typedef uint64_t (*nvme_model_clock_fn)(void *ctx);

/* One namespace. */
struct nvme_model_ns_config {
	uint32_t nsid;        /* 1..FFFFFFFEh */
	uint32_t lba_size;    /* data bytes per block: power of two, 512..65536 */
	uint64_t blocks;      /* NSZE */
	uint16_t ms;          /* metadata bytes per block (separate buffer, MPTR) */
	/* model_pi.c: metadata at the end of each block in the data buffer
	 * (FLBAS bit 4, extended LBA) instead of MPTR; protection information
	 * type 0..3 (needs ms >= 8, or >= 16 with pif 2); PI in the first bytes
	 * of the metadata (DPS bit 3); PIF 0 (16b guard) or 2 (64b guard, which
	 * also sets CTRATT.ELBAS and answers CNS 05h) */
	bool     mset;
	uint8_t  pi;
	bool     pil_first;
	uint8_t  pif;
};

/* Bits of nvme_model_config.defer */
#define NVME_MODEL_DEFER_ADMIN  0x1u
#define NVME_MODEL_DEFER_IO     0x2u

struct nvme_model_config {
	const char *name;             /* in messages; default "model" */

	/* CAP (any value the field can hold, to feed bad values) */
	uint16_t mqes;                /* 0's based; default 1023 */
	bool     cqr;                 /* contiguous queues required; default true */
	uint8_t  ams;                 /* default 0 (round robin only) */
	uint8_t  to;                  /* 500 ms units; default 10 */
	uint8_t  dstrd;               /* default 0 */
	bool     nssrs;               /* default false */
	uint8_t  css;                 /* default NVME_CAP_CSS_NVM | NVME_CAP_CSS_IOCS (as QEMU 7.2) */
	uint8_t  mpsmin, mpsmax;      /* default 0 and 4 */
	uint32_t vs;                  /* default 1.4.0 */

	/* Identify Controller */
	uint16_t vid, ssvid;
	const char *sn, *mn, *fr;     /* default "MODEL<n>", "nvme-model", "1.0" */
	uint8_t  mdts;                /* reported AND enforced; 0 = no limit; default 5 */
	uint16_t cntlid;
	bool     nn_auto;             /* NN = highest NSID configured (default true) */
	uint32_t nn;                  /* used when !nn_auto */
	uint8_t  sqes, cqes;          /* default 0x66, 0x44 */
	uint16_t oncs;                /* default: save/select, timestamp */
	uint16_t oacs;                /* default 0 */
	uint8_t  vwc;                 /* default 0x07: present, flush broadcast */
	uint32_t sgls;                /* default 0 (PRP only) */
	uint8_t  aerl;                /* 0's based; default 3 */
	uint8_t  acl;                 /* 0's based; default 3 */
	uint8_t  elpe;                /* 0's based; default 7 */
	uint8_t  lpa;                 /* default NVME_LPA_EXTENDED_DATA */
	uint8_t  frmw;                /* default 0x03: one slot, read only */
	uint8_t  npss;                /* default 0 */
	uint32_t rtd3e, rtd3r;        /* us; default 1000000, 1000000 */

	/* I/O queues the controller really has (enforced on create); 1..65535 */
	uint16_t max_io_sq, max_io_cq; /* default 64, 64 */
	/* Number of Queues answer (dword 0, both halves 0's based). When
	 * !nq_answer_set it is derived from max_io_sq/max_io_cq. */
	bool     nq_answer_set;
	uint32_t nq_answer;
	/* Set Features Number of Queues accepted only once after a reset
	 * (default true; the spec only requires "before any I/O queue"). */
	bool     nq_set_once;
	uint16_t msix_vectors;        /* interrupt vectors; default 64 */

	/* Namespaces (copied); NSIDs need not be sorted or dense */
	const struct nvme_model_ns_config *ns;
	uint32_t ns_count;

	/* CSTS timing: RDY (on enable and disable) changes once both CSTS has
	 * been read this many times since the CC write and this much test
	 * time has passed. Likewise SHST occurring -> complete. */
	uint32_t rdy_delay_polls;
	uint64_t rdy_delay_us;
	uint32_t shst_delay_polls;
	uint64_t shst_delay_us;

	/* Identify Controller with NSID other than 0 fails Invalid Field
	 * (some drives do; default true). */
	bool     strict_id_ctrl_nsid;
	/* CC.EN 1->0 clears all of CC (QEMU does; default true). */
	bool     cc_clear_on_disable;

	/* Completions of admin / I/O commands held until released
	 * (NVME_MODEL_DEFER_*); with defer_us != 0 released automatically
	 * that long after execution. */
	unsigned defer;
	uint64_t defer_us;

	uint64_t bar_phys;            /* 0 = pick a unique address above 4 GiB */
	nvme_model_translate_fn translate;   /* required */
	void    *translate_ctx;
	nvme_model_clock_fn clock;    /* optional (NULL: time stands still) */
	void    *clock_ctx;
};

/* Defaults: one 512 B namespace is NOT added; ns/ns_count are left empty. */
void nvme_model_config_init(struct nvme_model_config *cfg);

/* NULL on a config the model cannot represent (message on stderr). */
struct nvme_model *nvme_model_create(const struct nvme_model_config *cfg);
void nvme_model_destroy(struct nvme_model *m);

/* BAR0: bus address, size in bytes and the address the hooks recognise. */
uint64_t nvme_model_bar_phys(const struct nvme_model *m);
size_t   nvme_model_bar_size(const struct nvme_model *m);
/* The registry of live models: the BAR mapping of bus address phys (size
 * bytes must fit in the BAR), NULL if no live model has it. */
volatile void *nvme_model_map_bar(uint64_t phys, size_t size);
/* Run time-based events (deferred releases, delays) of every live model. */
void nvme_model_tick_all(void);
void nvme_model_tick(struct nvme_model *m);
/* The model owning a BAR address, NULL if none. */
struct nvme_model *nvme_model_by_addr(const volatile void *addr);

/* Register access as the hooks do it (tests may call these directly). */
uint32_t nvme_model_read32(struct nvme_model *m, uint32_t off);
void     nvme_model_write32(struct nvme_model *m, uint32_t off, uint32_t value);

/* ------------------------------------------------------------------------ */
/* Protocol errors seen by the model                                         */
/* ------------------------------------------------------------------------ */

unsigned    nvme_model_error_count(const struct nvme_model *m);
const char *nvme_model_error(const struct nvme_model *m, unsigned i);
/* Remove the first error containing substr; true if there was one. */
bool        nvme_model_take_error(struct nvme_model *m, const char *substr);
void        nvme_model_clear_errors(struct nvme_model *m);
/* Register accesses at addresses no live model owns (process-wide). */
unsigned    nvme_model_stray_accesses(void);
const char *nvme_model_last_stray(void);
void        nvme_model_clear_stray(void);

/* ------------------------------------------------------------------------ */
/* State and statistics                                                      */
/* ------------------------------------------------------------------------ */

struct nvme_model_stats {
	uint64_t admin_cmds, io_cmds;       /* commands fetched */
	uint64_t cmd_errors;                /* completed with non-zero status */
	uint64_t reads, writes, flushes;    /* successful NVM commands */
	uint64_t blocks_read, blocks_written;
	uint64_t bytes_read, bytes_written; /* data bytes moved by Read/Write */
	uint64_t sq_doorbells, cq_doorbells;
	uint64_t cqes_posted;
	uint64_t cq_full_stalls;            /* fetches stopped by a full CQ */
	uint64_t prp_lists_chained;         /* PRP list pages followed via chain entry */
	uint64_t prp_list_entries;          /* PRP list entries consumed */
	uint64_t sgl_cmds;                  /* commands with an SGL data pointer */
	uint64_t md_mptr_cmds;              /* separate metadata by address (PSDT 00b/01b) */
	uint64_t md_sgl_cmds;               /* separate metadata by an SGL at MPTR (PSDT 10b) */
	uint32_t md_last_psdt;              /* PSDT of the last command with separate metadata */
	uint64_t enables, resets, shutdowns;
	uint64_t csts_reads;
	uint64_t reg_reads, reg_writes;     /* every 32-bit register access */
	uint32_t max_in_flight;             /* most held completions at once */
	uint64_t aer_completed;
	uint32_t io_sq_created, io_cq_created; /* lifetime counts */
	uint32_t nq_set_count;              /* Set Features Number of Queues accepted */
	uint32_t last_nq_request;           /* its cdw11 */
};
const struct nvme_model_stats *nvme_model_stats(const struct nvme_model *m);

uint32_t nvme_model_cc(const struct nvme_model *m);
uint32_t nvme_model_csts(const struct nvme_model *m);   /* no side effects */
uint32_t nvme_model_aqa(const struct nvme_model *m);
uint32_t nvme_model_page_size(const struct nvme_model *m); /* CC.MPS bytes */
bool     nvme_model_sq_exists(const struct nvme_model *m, uint16_t qid);
bool     nvme_model_cq_exists(const struct nvme_model *m, uint16_t qid);
uint32_t nvme_model_sq_size(const struct nvme_model *m, uint16_t qid);   /* entries, 0 if none */
uint32_t nvme_model_cq_size(const struct nvme_model *m, uint16_t qid);
uint16_t nvme_model_sq_cqid(const struct nvme_model *m, uint16_t qid);
/* Create I/O CQ interrupt fields of CQ qid: IEN in bit 16, IV in bits 15:0
 * (0 if the CQ does not exist). */
uint32_t nvme_model_cq_irq(const struct nvme_model *m, uint16_t qid);
/* QPRIO of SQ qid as created. */
uint8_t  nvme_model_sq_prio(const struct nvme_model *m, uint16_t qid);
unsigned nvme_model_io_sq_count(const struct nvme_model *m);
unsigned nvme_model_io_cq_count(const struct nvme_model *m);
/* Feature current value (FID) and the Volatile Write Cache state. */
uint32_t nvme_model_feature(const struct nvme_model *m, uint8_t fid);
/* Blocks written since the last Flush on the namespace (write cache). */
uint64_t nvme_model_dirty_blocks(const struct nvme_model *m, uint32_t nsid);

/* Namespace contents, for tests to preload and check (0 or -1). */
int nvme_model_ns_read(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n, void *buf);
int nvme_model_ns_write(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n, const void *buf);
/* The namespace's current format (it changes with Format NVM): data bytes
 * and metadata bytes per block, and NSZE. 0, or -1 if there is no such NSID. */
int nvme_model_ns_info(struct nvme_model *m, uint32_t nsid, uint32_t *lba_size, uint16_t *ms, uint64_t *blocks);
/* The metadata stored with n blocks from lba (n * ms bytes; a block never
 * written reads as zeros). 0, or -1 if there is no such NSID/range. */
int nvme_model_ns_read_meta(struct nvme_model *m, uint32_t nsid, uint64_t lba, uint64_t n, void *buf);
/* The namespace's DPS (PI type, bit 3 PI first) and FLBAS bit 4 (extended
 * LBA) now (Format NVM changes them). 0, or -1 if there is no such NSID. */
int nvme_model_ns_pi_info(struct nvme_model *m, uint32_t nsid, uint8_t *dps, bool *extended);

/* ------------------------------------------------------------------------ */
/* Knobs for feeding bad values                                              */
/* ------------------------------------------------------------------------ */

/* Patch bytes of the Identify Controller / Namespace data returned (the
 * model's own behaviour still follows the config). nsid 0: every namespace. */
void nvme_model_patch_id_ctrl(struct nvme_model *m, size_t off, const void *bytes, size_t len);
void nvme_model_patch_id_ns(struct nvme_model *m, uint32_t nsid, size_t off, const void *bytes, size_t len);
void nvme_model_patch_byte_id_ctrl(struct nvme_model *m, size_t off, uint8_t v);
void nvme_model_patch_byte_id_ns(struct nvme_model *m, uint32_t nsid, size_t off, uint8_t v);
void nvme_model_clear_patches(struct nvme_model *m);
/* Replace the active namespace list returned for CNS 02h: the first n of
 * list, then zero (n <= 1024). Cleared by n = ~0u. */
void nvme_model_patch_ns_list(struct nvme_model *m, const uint32_t *list, uint32_t n);

/* Change the Number of Queues answer (dword 0) from the next Set/Get
 * Features on; the queues the model really has stay as configured. */
void nvme_model_set_nq_answer(struct nvme_model *m, uint32_t dw0);

/* Replace the value read from CAP (both halves) until cleared (cap_set=false). */
void nvme_model_set_cap(struct nvme_model *m, bool cap_set, uint64_t cap);

/* Register-level faults */
void nvme_model_set_gone(struct nvme_model *m, bool gone);        /* every register reads FFFFFFFFh */
void nvme_model_set_cfs(struct nvme_model *m, bool cfs);          /* CSTS.CFS now */
void nvme_model_cfs_after_csts_reads(struct nvme_model *m, uint32_t n); /* CFS on the n-th CSTS read from now (0 = off) */
void nvme_model_cfs_after_cmds(struct nvme_model *m, uint32_t n); /* CFS after n more commands fetched (0 = off) */
void nvme_model_set_rdy_never(struct nvme_model *m, bool never);  /* enable never sets RDY */
void nvme_model_set_rdy_stuck(struct nvme_model *m, bool stuck);  /* disable never clears RDY */
void nvme_model_set_shst_never(struct nvme_model *m, bool never); /* shutdown stays "occurring" */
void nvme_model_set_shst_never_normal(struct nvme_model *m, bool never); /* only SHN=10b (abrupt) completes */
void nvme_model_set_fail_enable(struct nvme_model *m, bool fail);  /* CC.EN 0->1 sets CFS (until cleared) */

/* ------------------------------------------------------------------------ */
/* Completion faults                                                         */
/* ------------------------------------------------------------------------ */

enum nvme_model_cqe_action {
	NVME_MODEL_CQE_POST = 0,  /* post the (possibly modified) CQE */
	NVME_MODEL_CQE_DROP,      /* do not post it at all */
	NVME_MODEL_CQE_POST_TWICE /* post it, then an identical copy */
};
/*
 * Called for every CQE about to be written to a CQ (phase bit not yet set).
 * May modify *cqe. Installing a hook replaces the mangle rules below.
 */
typedef enum nvme_model_cqe_action (*nvme_model_cqe_hook_fn)(void *ctx, struct nvme_model *m,
							     uint16_t cqid, struct nvme_cqe *cqe);
void nvme_model_set_cqe_hook(struct nvme_model *m, nvme_model_cqe_hook_fn fn, void *ctx);

/* Mangle the next `count` CQEs posted to CQ cqid (0xFFFF: any CQ) after
 * skipping `skip` of them. */
#define NVME_MODEL_MANGLE_CID        0x01u  /* cid = value.cid */
#define NVME_MODEL_MANGLE_SQHD       0x02u  /* sqhd = value.sqhd */
#define NVME_MODEL_MANGLE_SQID       0x04u  /* sqid = value.sqid */
#define NVME_MODEL_MANGLE_STATUS     0x08u  /* status field = value.sf (15 bits) */
#define NVME_MODEL_MANGLE_DUPLICATE  0x10u  /* post it twice */
#define NVME_MODEL_MANGLE_DROP       0x20u  /* never post it */
#define NVME_MODEL_MANGLE_DW0        0x40u  /* dw0 = value.dw0 */
struct nvme_model_mangle {
	uint16_t cqid;
	unsigned skip, count;
	unsigned what;
	uint16_t cid, sqhd, sqid, sf;
	uint32_t dw0;
};
void nvme_model_mangle(struct nvme_model *m, const struct nvme_model_mangle *rule);
/* CQEs still to be mangled by the current rule. */
unsigned nvme_model_mangle_pending(const struct nvme_model *m);

/* Post a completion nobody asked for (current phase) to CQ cqid. 0 or -1. */
int nvme_model_inject_cqe(struct nvme_model *m, uint16_t cqid, uint16_t sqid,
			  uint16_t cid, uint16_t sf, uint32_t dw0);

/* ------------------------------------------------------------------------ */
/* Deferred completions                                                      */
/* ------------------------------------------------------------------------ */

void     nvme_model_set_defer(struct nvme_model *m, unsigned mask, uint64_t us);
unsigned nvme_model_held(const struct nvme_model *m);
/* Post up to n held completions, oldest first (n = ~0u: all). Returns how
 * many were released. */
unsigned nvme_model_release(struct nvme_model *m, unsigned n);
/* Release the idx-th held completion (0 = oldest): out-of-order completion.
 * false if there are not that many. */
bool     nvme_model_release_nth(struct nvme_model *m, unsigned idx);
/* Release the held completion of (sqid, cid); true if found. */
bool     nvme_model_release_cid(struct nvme_model *m, uint16_t sqid, uint16_t cid);

/* ------------------------------------------------------------------------ */
/* Asynchronous events                                                       */
/* ------------------------------------------------------------------------ */

/* Queue an event (completed on an outstanding AER, now or later). */
void     nvme_model_raise_event(struct nvme_model *m, uint8_t type, uint8_t info, uint8_t lid);
unsigned nvme_model_aer_outstanding(const struct nvme_model *m);

#endif /* NVME_MODEL_H */
