/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_internal.h - shared by the driver's .c files; not for hosts.
 */
#ifndef NVME_INTERNAL_H
#define NVME_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

#include "nvme_all.h"
#include "nvme_arch.h"
#include "nvme_quirks.h"
#include "nvme_hmb.h"

/* ------------------------------------------------------------------------ */
/* Command slots                                                            */
/* ------------------------------------------------------------------------ */

enum nvme_slot_state {
	NVME_SLOT_FREE = 0,
	NVME_SLOT_BUSY,          /* submitted, waiting for its CQE */
	NVME_SLOT_TIMED_OUT,     /* given up (its waiter was told NVME_ERR_TIMEOUT);
	                          * the CID stays reserved until the device
	                          * completes it or the queue is reset */
	NVME_SLOT_RETRY_WAIT,    /* completed with a retryable status; resubmitted
	                          * at retry_at_us (Command Retry Delay) */
	NVME_SLOT_RESUBMIT       /* dropped by a controller reset; resubmitted when
	                          * its queue is live again */
};

/* Slot flags */
#define NVME_SLOTF_RETRY       0x01u  /* may be resubmitted (idempotent, built by the driver) */
#define NVME_SLOTF_SYNC        0x02u  /* a synchronous waiter keeps its own deadline */
#define NVME_SLOTF_NOTIMEOUT   0x04u  /* never times out (Asynchronous Event Request) */
#define NVME_SLOTF_EXPIRED     0x08u  /* timed out; recovery pending or running */
#define NVME_SLOTF_ABORT_SENT  0x10u  /* an Abort was sent for this attempt */
#define NVME_SLOTF_STAMP       0x40u  /* epoch not written at submission (the Read/Write
                                       * fast path): the next tick that starts an epoch
                                       * writes the one it ends, the epoch the command
                                       * was submitted in (nvme_q_tick) */
#define NVME_SLOTF_SQE_SHORT   0x20u  /* sqe holds only opc and flags (CID 0), NSID,
                                       * PRP1 and cdw10..12 (the Read/Write fast path);
                                       * the other fields are zero and are filled in
                                       * before the SQE is sent again (q_push; the CID
                                       * by q_resubmit, the only sender of such a slot) */

/* Flags of nvme_q_submit_flags / nvme_q_exec_flags */
#define NVME_QF_NORETRY        0x01u  /* never resubmit (passthrough: the caller's command) */
#define NVME_QF_NOTIMEOUT      0x02u  /* no timeout (AER) */
#define NVME_QF_PHYS           0x04u  /* buf is a struct nvme_phys_list: physical segments */
#define NVME_QF_META_SGL       0x08u  /* buf is a struct nvme_pi_xfer: data, metadata by SGL (nvme_pi.c) */

/* The data of a command given as physical segments (nvme_read_phys...). */
struct nvme_phys_list {
	const struct nvme_phys_seg *seg;
	uint32_t n;
};

/* Data direction: opcode bits 1:0 (NVME_XFER_* in nvme_spec.h). */
#define NVME_DIR_TO_DEV(dir)   (((dir) & NVME_XFER_HOST_TO_CTRL) != 0)
#define NVME_DIR_FROM_DEV(dir) (((dir) & NVME_XFER_CTRL_TO_HOST) != 0)

/* Branch layout of the I/O path. */
#define NVME_LIKELY(x)         __builtin_expect(!!(x), 1)
#define NVME_UNLIKELY(x)       __builtin_expect(!!(x), 0)
/* Control-path code (bring-up, reset, recovery, admin and optional
 * commands, namespace scan, text): GCC and clang optimise a cold function
 * for size even in -O2 builds and keep it apart from the I/O path; a call
 * to one is taken as unlikely. */
#define NVME_COLD              __attribute__((cold))
/* The I/O fast paths are inlined into each API function that uses them
 * (nvme_read_async and nvme_write_async, nvme_qpair_poll and nvme_q_poll);
 * a build optimised for size (-Os) keeps one copy of each instead. */
#if defined(__OPTIMIZE_SIZE__)
#define NVME_HOT_INLINE        static __attribute__((noinline))
#else
#define NVME_HOT_INLINE        static inline __attribute__((always_inline))
#endif

/*
 * Per-command bookkeeping. The SQE is kept as submitted (data pointer
 * included: it points at the caller's buffer or the queue's bounce buffer and
 * this slot's list space, all of which stay valid until the command
 * completes), so a retry only needs a new CID. The Read/Write fast path
 * keeps only the fields that are not zero (NVME_SLOTF_SQE_SHORT).
 */
struct nvme_slot {
	struct nvme_sqe sqe;     /* as last submitted */
	nvme_cmd_cb cb;
	void       *arg;
	void       *user_buf;    /* caller's buffer (bounce copy-back) */
	size_t      user_len;
	uint64_t    retry_at_us; /* NVME_SLOT_RETRY_WAIT: when to resubmit */
	uint32_t    next_free;   /* free-list link */
	uint32_t    epoch;       /* q->epoch when (re)submitted (NVME_SLOTF_STAMP: not
	                          * yet written) */
	uint8_t     flags;       /* NVME_SLOTF_* */
	uint8_t     tries;       /* resubmissions so far */
	uint8_t     bounce_dir;  /* nonzero: holds the queue's bounce buffer */
	uint8_t     state;       /* enum nvme_slot_state */
	uint16_t    cid;         /* CID of the current attempt: generation << cid_shift
	                          * | slot index (nvme_queue.c, slot_new_cid) */
	uint16_t    cid_zero;    /* always 0: the reap fast path reads the state word,
	                          * the CID and this as one 64-bit word (slot_plain_busy) */
	uint8_t     rsvd[8];     /* 128 bytes on LP64: slot addresses by a shift */
};

/* nvme_slot_take and the reap fast path (slot_plain_busy) write and read
 * flags, tries, bounce_dir and state as one 32-bit word (the "state word",
 * at NVME_SLOT_WORD), and that word with the CID and a zero half-word as one
 * aligned 64-bit word. state is its top byte and flags its bottom one, so
 * that the reap's mask (every byte but tries and all flags but EXPIRED) is
 * a sign-extended 32-bit immediate on x86_64 (no 64-bit constant). */
#define NVME_SLOT_WORD offsetof(struct nvme_slot, flags)
_Static_assert(offsetof(struct nvme_slot, tries) == NVME_SLOT_WORD + 1u &&
	       offsetof(struct nvme_slot, bounce_dir) == NVME_SLOT_WORD + 2u &&
	       offsetof(struct nvme_slot, state) == NVME_SLOT_WORD + 3u,
	       "flags, tries, bounce_dir and state must be adjacent bytes");
_Static_assert(offsetof(struct nvme_slot, cid) == NVME_SLOT_WORD + 4u &&
	       offsetof(struct nvme_slot, cid_zero) == NVME_SLOT_WORD + 6u && NVME_SLOT_WORD % 8u == 0,
	       "the state word, the CID and a zero half-word must form one aligned 64-bit word");

_Static_assert(offsetof(struct nvme_ctrl, cb_depth) == offsetof(struct nvme_ctrl, cb_word) &&
	       offsetof(struct nvme_ctrl, auto_resets_in_row) == offsetof(struct nvme_ctrl, cb_word) + 4u,
	       "cb_depth must be the low half of cb_word, auto_resets_in_row the high half");

/* Resubmissions per command (after a retryable status or a reset). */
#define NVME_MAX_RETRIES        1u
/* A command times out after more than this many epochs (timer ticks at
 * least timeout/NVME_TIMEOUT_EPOCHS apart) have begun since it was
 * submitted: granularity 1/16 of the timeout. Power of two. */
#define NVME_TIMEOUT_EPOCHS     16u
/* nvme_qpair_poll reads the clock every this many polls with commands in
 * flight (power of two). */
#define NVME_POLL_CLOCK_EVERY   64u
/* Automatic controller resets in a row (without an I/O command completing
 * successfully in between) before recovery gives up (state FAILED). */
#define NVME_MAX_AUTO_RESETS    3u

/* Namespace list walk bound: 64 lists of 1024 = 65536 active namespaces are
 * counted at most (NN may be up to 2^32-2; we never loop to it). */
#define NVME_NS_WALK_MAX_LISTS  64u

/* Empty polls between two CSTS reads in nvme_qpair_poll (power of two). */
#define NVME_POLL_CSTS_EVERY    64u

/* Minimum bytes of per-slot list space (keeps SGL segments 16-byte aligned). */
#define NVME_LIST_MIN_STRIDE    64u

/* Interval between CSTS checks while a synchronous command waits, us. */
#define NVME_SYNC_CSTS_US       1000u

/* nvme_abi.c: 0 when abi matches the driver's build, else NVME_ERR_ABI
 * after logging the difference through host->log (nothing else touched). */
int nvme_abi_check(const struct nvme_host *host, const struct nvme_abi *abi);

/* ------------------------------------------------------------------------ */
/* Logging and tracing (nvme_msg.c)                                         */
/* ------------------------------------------------------------------------ */

/* Format into buf (always NUL-terminated when len > 0); returns the full
 * length. Supports %s %c %d %i %u %x %X %p %% with flags '0' '-', a width,
 * and the length modifiers h hh l ll z. */
size_t nvme_vformat(char *buf, size_t len, const char *fmt, va_list ap);
size_t nvme_format(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Log one line. The first character of fmt is the level as a digit
 * ('0' + enum nvme_log_level, not printed): the macros below prepend it to
 * their literal format, which saves passing the level at every call site. */
void nvme_logf(const struct nvme_ctrl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A level above NVME_CFG_LOG_LEVEL compiles to nothing (the arguments are
 * still type-checked, never evaluated). */
#define NVME_LOG_AT(lv, c, ...) \
	do { if ((lv) <= NVME_CFG_LOG_LEVEL) nvme_logf((c), #lv __VA_ARGS__); } while (0)
#define nvme_err(c, ...)   NVME_LOG_AT(0, c, __VA_ARGS__)   /* NVME_LOG_ERROR */
#define nvme_warn(c, ...)  NVME_LOG_AT(1, c, __VA_ARGS__)   /* NVME_LOG_WARN */
#define nvme_info(c, ...)  NVME_LOG_AT(2, c, __VA_ARGS__)   /* NVME_LOG_INFO */
#define nvme_dbg(c, ...)   NVME_LOG_AT(3, c, __VA_ARGS__)   /* NVME_LOG_DEBUG */

#if NVME_CFG_TRACE
#define NVME_TRACING(c)    ((c)->log_level >= NVME_LOG_TRACE)
#define nvme_trace(c, ...) do { if (NVME_TRACING(c)) nvme_logf((c), "4" __VA_ARGS__); } while (0)
void nvme_trace_sqe(const struct nvme_qpair *q, const struct nvme_sqe *sqe);
void nvme_trace_cqe(const struct nvme_qpair *q, const struct nvme_cqe *cqe);
#else
#define NVME_TRACING(c)    0
#define nvme_trace(c, ...) do { } while (0)
#define nvme_trace_sqe(q, sqe) do { (void)(q); (void)(sqe); } while (0)
#define nvme_trace_cqe(q, cqe) do { (void)(q); (void)(cqe); } while (0)
#endif

/* ------------------------------------------------------------------------ */
/* Registers, time                                                          */
/* ------------------------------------------------------------------------ */

static inline uint32_t nvme_rd32(const struct nvme_ctrl *c, uint32_t off)
{
	uint32_t v = nvme_reg_read32(c->bar, off);
	nvme_trace(c, "rd32 %03x -> %08x", (unsigned)off, (unsigned)v);
	return v;
}

static inline void nvme_wr32(const struct nvme_ctrl *c, uint32_t off, uint32_t v)
{
	nvme_trace(c, "wr32 %03x <- %08x", (unsigned)off, (unsigned)v);
	nvme_reg_write32(c->bar, off, v);
}

static inline uint64_t nvme_rd64(const struct nvme_ctrl *c, uint32_t off)
{
	uint64_t lo = nvme_rd32(c, off);
	uint64_t hi = nvme_rd32(c, off + 4u);
	return lo | (hi << 32);
}

static inline void nvme_wr64(const struct nvme_ctrl *c, uint32_t off, uint64_t v)
{
	nvme_wr32(c, off, (uint32_t)v);
	nvme_wr32(c, off + 4u, (uint32_t)(v >> 32));
}

/* The host's clock (out of line: never on the I/O fast path). */
uint64_t nvme_now_us(const struct nvme_ctrl *c);

/* Pause between register polls (about us microseconds). */
void nvme_pause_us(const struct nvme_ctrl *c, uint32_t us);

/* A poll of queue qid in a synchronous wait found nothing, waited_us into
 * the wait: nvme_host.idle (the host's wait strategy) or a pause hint. */
void nvme_idle(const struct nvme_ctrl *c, uint16_t qid, uint64_t waited_us);

/* ------------------------------------------------------------------------ */
/* nvme_ctrl.c                                                              */
/* ------------------------------------------------------------------------ */

/* Read CSTS: 0 if fine, else NVME_ERR_DEVICE_GONE / NVME_ERR_CTRL_FATAL
 * (and the controller state is updated). */
int nvme_ctrl_check_csts(struct nvme_ctrl *c);
/* Full re-initialisation used by reset, resume and set_io_queue_count. */
int nvme_ctrl_reinit(struct nvme_ctrl *c);
/* Stop the controller (CC.EN=0, RDY=0 awaited, bounded by CAP.TO) so that it
 * processes nothing more; queues go offline. Recovery calls it before
 * giving up, so no command it completes can still be moved by the device. */
int nvme_ctrl_stop(struct nvme_ctrl *c);
/* Scan namespaces (active list + Identify Namespace). */
int nvme_ns_scan(struct nvme_ctrl *c);
/* First live I/O queue pair, or NULL. */
struct nvme_qpair *nvme_default_qpair(struct nvme_ctrl *c);
/* Is the controller in a state where commands may be submitted? */
int nvme_ctrl_usable(const struct nvme_ctrl *c);

/* DMA memory helpers: allocate size bytes aligned to align (zeroed). */
void *nvme_dma_alloc(struct nvme_ctrl *c, size_t size, size_t align, uint64_t *phys);
void nvme_dma_free(struct nvme_ctrl *c, void *virt, uint64_t phys, size_t size);

/* ------------------------------------------------------------------------ */
/* nvme_queue.c                                                             */
/* ------------------------------------------------------------------------ */

/* Allocate rings and slots of q (qid, depth already clamped). */
int nvme_q_alloc(struct nvme_ctrl *c, struct nvme_qpair *q, uint16_t qid, uint32_t depth);
/* nvme_queue.c: set q->fast_rw (the Read/Write fast path may use q) from its
 * SQE size and c->sgl_io. */
void nvme_q_set_fast_rw(const struct nvme_ctrl *c, struct nvme_qpair *q);
/* Free everything of q (rings, slots, lists, bounce); q becomes unused. */
void nvme_q_free(struct nvme_ctrl *c, struct nvme_qpair *q);
/* Complete every command of q with NVME_ERR_ABORTED (timed-out slots are
 * released silently) and reset the rings to empty. q->live must be false. */
void nvme_q_abort_all(struct nvme_qpair *q);
/*
 * The same with a choice: keep (I/O queues only) leaves the commands that may
 * be retried (NVME_SLOTF_RETRY, retry budget left) in NVME_SLOT_RESUBMIT for
 * nvme_q_resubmit_kept(); every other command completes with status
 * (NVME_ERR_TIMEOUT instead for a command that timed out, when status is
 * NVME_ERR_ABORTED). Only once the device can no longer complete anything
 * (disabled, shut down, gone). Rings are reset to empty.
 */
void nvme_q_drop_all(struct nvme_qpair *q, int status, bool keep);
/* Resubmit the NVME_SLOT_RESUBMIT slots of a live q (after a reset). */
void nvme_q_resubmit_kept(struct nvme_qpair *q);
/* Namespace geometry before a reset: a kept command whose namespace is gone,
 * unusable or has another block size now is not resubmitted (it would move
 * a different number of bytes, or touch other blocks): it completes with
 * NVME_ERR_ABORTED. */
struct nvme_ns_geom {
	uint32_t nsid;
	uint8_t  lba_shift;
	bool     meta_extended;   /* with meta_size: the bytes a block moves */
	uint16_t meta_size;
};
void nvme_q_check_kept(struct nvme_qpair *q, const struct nvme_ns_geom *before, uint32_t n);
/* Write q's doorbell offsets; NVME_ERR_BAD_CAP if they lie beyond the BAR. */
int nvme_q_set_doorbells(struct nvme_ctrl *c, struct nvme_qpair *q);
/*
 * Build and submit one command: take a slot, fill CID and data pointer
 * (direction from sqe->opc), copy the SQE into the ring and ring the SQ
 * doorbell unless batching. *slot_out (may be NULL) receives the slot index.
 * The retry policy follows the opcode (nvme_q_submit) unless flags say
 * otherwise (NVME_QF_*).
 */
int nvme_q_submit(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		  nvme_cmd_cb cb, void *arg, uint32_t *slot_out);
int nvme_q_submit_flags(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
			nvme_cmd_cb cb, void *arg, unsigned flags, uint32_t *slot_out);
/* Reap completions even when q is not live (queue deletion). */
int nvme_q_reap(struct nvme_qpair *q);
/* Reap up to max completions of q (0 = a queue depth); commands completed. */
int nvme_q_poll(struct nvme_qpair *q, uint32_t max);
/* Write the SQ tail doorbell if the tail moved since the last write. */
void nvme_q_ring_sq(struct nvme_qpair *q);
/* Submit and wait (bounded by timeout_ms per attempt; see nvme_recover.c). */
int nvme_q_exec(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		uint32_t timeout_ms, struct nvme_cqe *cqe_out);
int nvme_q_exec_flags(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		      uint32_t timeout_ms, unsigned flags, struct nvme_cqe *cqe_out);
/* What a synchronous wait calls about every every_us (from the submission
 * on; the time the call takes is not counted): elapsed_us since the
 * submission; *done turns true when the command completes, also during the
 * call (a nested command's wait may reap it: then nothing need be
 * reported). Nonzero stops the wait unless the command is done by then:
 * NVME_ERR_CANCELLED, the command is given up (its CID stays reserved until
 * the device completes it). */
struct nvme_wait_hook {
	int    (*fn)(void *arg, uint64_t elapsed_us, const bool *done);
	void    *arg;
	uint64_t every_us;
};
/* nvme_q_exec_flags with a hook (NULL: none); the one synchronous wait. */
int nvme_q_exec_hook(struct nvme_qpair *q, struct nvme_sqe *sqe, void *buf, size_t len,
		     uint32_t timeout_ms, unsigned flags, struct nvme_cqe *cqe_out,
		     const struct nvme_wait_hook *hook);
/* Timer tick at time now: resubmit retries that are due, start a new epoch
 * when one has passed and mark the commands older than the timeout
 * (NVME_SLOTF_EXPIRED). Returns the number of expired commands waiting for
 * recovery. */
uint32_t nvme_q_tick(struct nvme_qpair *q, uint64_t now);
/* Give up on slot idx: its callback gets NVME_ERR_TIMEOUT now (CQE NULL),
 * the CID stays reserved (NVME_SLOT_TIMED_OUT) until the device completes it
 * or the queue is reset. */
void nvme_q_give_up(struct nvme_qpair *q, uint32_t idx);

/* CID of slot idx's current attempt: its generation above the index bits. */
/* SQ entry idx: 64 bytes apart, 128 with NVME_QUIRK_SQE_128 (sqe_shift). */
static inline struct nvme_sqe *nvme_q_sqe(const struct nvme_qpair *q, uint32_t idx)
{
	return (struct nvme_sqe *)(void *)((char *)q->sq + ((size_t)idx << q->sqe_shift));
}

static inline uint16_t nvme_slot_cid(const struct nvme_qpair *q, uint32_t idx)
{
	return q->slots[idx].cid;
}

/* The next CID of a slot whose CID is cid: the generation bits (above
 * cid_shift) count up, the index bits stay. A 65536-entry queue has no
 * generation bits (cid_step 65536 adds nothing in 16 bits). CID FFFFh (the
 * Error Information log's "no command") never comes out: its index bits
 * are cid_mask, and the slots in use are those below nslots <= cid_mask
 * (nvme_q_alloc). */
static inline uint16_t nvme_cid_next(const struct nvme_qpair *q, uint16_t cid)
{
	return (uint16_t)(cid + q->cid_step);
}

/* The CQ cursor (q->cq_next, q->cq_phase): the phase tag as it sits in CQE
 * dword 3 (cid | status << 16), and the index of the next entry. */
#define NVME_CQ_PHASE16 0x10000u
static inline uint32_t nvme_q_cq_head(const struct nvme_qpair *q)
{
	return (uint32_t)(q->cq_next - q->cq);
}

/* The commands written to the SQ and the CQ entries consumed so far
 * (struct nvme_qpair_stats submitted and reaped): the count before the last
 * ring reset (or minus the positions at nvme_qpair_stats_reset) plus the
 * whole laps and the position since; every SQE written advances sq_tail by
 * one and every consumed CQE the CQ cursor (cq_next NULL: rings not set up). */
static inline uint64_t nvme_q_submitted(const struct nvme_qpair *q)
{
	return q->stats.submitted + (uint64_t)q->sq_laps * q->depth + q->sq_tail;
}
static inline uint64_t nvme_q_reaped(const struct nvme_qpair *q)
{
	return q->stats.reaped + (uint64_t)q->cq_laps * q->depth + (q->cq_next != NULL ? nvme_q_cq_head(q) : 0u);
}

/* live and fast_rw, both true, in one 16-bit load (adjacent bytes). */
_Static_assert(offsetof(struct nvme_qpair, fast_rw) == offsetof(struct nvme_qpair, live) + 1u &&
	       offsetof(struct nvme_qpair, live) % 2u == 0, "live and fast_rw must be one aligned 16-bit word");
static inline bool nvme_q_fast_live(const struct nvme_qpair *q)
{
	uint16_t w;
	const uint8_t both[2] = { 1u, 1u };
	uint16_t want;
	__builtin_memcpy(&w, &q->live, 2);
	__builtin_memcpy(&want, both, 2);
	return w == want;
}

/* The MMIO doorbell writes, one of each kind for every path (submission,
 * reap, shadow doorbells and their kick): the value, and the count. */
static inline void nvme_q_sq_db_write(struct nvme_qpair *q, uint32_t tail)
{
	nvme_wr32(q->ctrl, q->sq_db, tail);
	q->stats.sq_doorbells++;
}
static inline void nvme_q_cq_db_write(struct nvme_qpair *q, uint32_t head)
{
	nvme_wr32(q->ctrl, q->cq_db, head);
	q->stats.cq_doorbells++;
}

/* The SQ tail doorbell after a submission outside a batch, for both the
 * Read/Write fast path and the general path: MMIO inline, shadow doorbells
 * (and a tail that did not move) through nvme_q_ring_sq. */
static inline void nvme_q_ring_sq_now(struct nvme_qpair *q)
{
	uint32_t tail = q->sq_tail;
	if (NVME_UNLIKELY(q->sdb_sq != NULL) || NVME_UNLIKELY(tail == q->sq_tail_rung)) {
		nvme_q_ring_sq(q);
		return;
	}
	/* SQEs (and PRP/SGL lists) before the doorbell */
	nvme_dma_wmb();
	q->sq_tail_rung = tail;
	nvme_q_sq_db_write(q, tail);
}

/* Publish the CQ head now (shadow slot and EventIdx, or MMIO); the
 * consumed entries no longer count as pending (nvme_queue.c). */
void nvme_q_cq_publish(struct nvme_qpair *q);

/*
 * n more CQ entries consumed by a reaping pass. The CQ head doorbell is
 * written once more than q->cq_defer entries are pending (half the CQ on an
 * I/O queue polled or on MSI-X; 0, every pass, on the admin queue and on a
 * pin interrupt, which the device deasserts only when it sees the head).
 * The device never finds the CQ full because of it: nvme_slot_take
 * publishes first when the pending entries plus the commands in flight
 * could fill it.
 */
static inline uint32_t nvme_q_cq_pending(const struct nvme_qpair *q)
{
	return q->nslots - q->slot_limit;
}
static inline void nvme_q_cq_consumed(struct nvme_qpair *q, uint32_t n)
{
	/* pending + n <= cq_defer, as slot_limit - n >= nslots - cq_defer
	 * (signed: n may exceed slot_limit; both below 2^31) */
	int32_t limit = (int32_t)q->slot_limit - (int32_t)n;
	if (NVME_LIKELY(limit >= (int32_t)q->slot_floor)) {
		q->slot_limit = (uint32_t)limit;
		return;
	}
	nvme_q_cq_publish(q);
}

/*
 * Take the first free command slot of q: NVME_SLOT_BUSY with flags (no
 * bounce buffer, no tries yet), the slot's next CID, counted in flight; NULL
 * when none is free. The one slot take of the
 * Read/Write fast path and the general path; the caller fills the rest.
 *
 * The CQ bound: the device may post one CQE per command in flight, into a
 * CQ of depth entries that it believes to hold the entries we consumed but
 * did not publish (cq_pending, nvme_q_cq_pending). in_flight + cq_pending <= nslots (depth - 1)
 * keeps it from ever seeing the CQ full; this is where in_flight grows, so
 * the head is published here when the new command would break that.
 * slot_limit is nslots - cq_pending, so one compare makes both tests:
 * in_flight counts exactly the slots off the free list (every take and
 * release goes through these helpers; q_reset_slots and q_relink_free
 * recount both), so in_flight < nslots means free_head < nslots.
 * nvme_slot_take_free is its second half, for a caller that has made the
 * in_flight < slot_limit test itself; nvme_slot_take_at the same for s, the
 * slot at free_head, that the caller has already addressed (the Read/Write
 * fast path, which keeps the publishing call out of its body and fills
 * the slot's callback fields before taking it).
 */
static inline struct nvme_slot *nvme_slot_take_at(struct nvme_qpair *q, struct nvme_slot *s, uint8_t flags)
{
	uint16_t cid = nvme_cid_next(q, s->cid);
	q->free_head = s->next_free;
	q->in_flight++;
	/* flags, no tries, no bounce buffer, state BUSY: four adjacent bytes,
	 * one store; the CID last (a caller reading it back needs no load) */
	const uint8_t word[4] = { flags, 0u, 0u, NVME_SLOT_BUSY };
	__builtin_memcpy((unsigned char *)s + NVME_SLOT_WORD, word, 4);
	s->cid = cid;
	return s;
}
static inline struct nvme_slot *nvme_slot_take_free(struct nvme_qpair *q, uint8_t flags)
{
	return nvme_slot_take_at(q, &q->slots[q->free_head], flags);
}

static inline struct nvme_slot *nvme_slot_take(struct nvme_qpair *q, uint8_t flags)
{
	uint32_t n = q->in_flight;
	if (NVME_UNLIKELY(n >= q->slot_limit)) {
		if (n >= q->nslots)
			return NULL;
		nvme_q_cq_publish(q);   /* slot_limit back to nslots */
	}
	return nvme_slot_take_free(q, flags);
}

/* Put slot i back on the free list (its callback, bounce buffer and expiry
 * already dealt with). The one slot release of the general path, the reap
 * fast path and the Read/Write fast path's fallback. */
static inline void nvme_slot_release(struct nvme_qpair *q, uint32_t i)
{
	struct nvme_slot *s = &q->slots[i];
	/* no flags, no tries, no bounce buffer, state FREE: one store */
	const uint8_t word[4] = { 0u, 0u, 0u, NVME_SLOT_FREE };
	__builtin_memcpy((unsigned char *)s + NVME_SLOT_WORD, word, 4);
	s->next_free = q->free_head;
	q->free_head = i;
	q->in_flight--;
}

/*
 * The one-PRP test of both submission paths (the Read/Write fast path
 * makes nvme_prp1_ok against q->prp1_last instead, nvme_q_set_fast_rw).
 * nvme_one_page: one PRP entry
 * describes a buffer of len >= 1 bytes inside one host page (a host page
 * never crosses a driver page: both are powers of two and the driver page
 * is the larger); len is then at most a page. nvme_prp1_ok: its translation is usable as PRP1:
 * dword aligned (section 4.3), and the len bytes from it neither wrap nor
 * end beyond the host's dma_limit.
 */
static inline bool nvme_one_page(const struct nvme_host *h, uintptr_t v, size_t len)
{
	/* len >= 1: the first and the last byte differ only below the page
	 * bits (a buffer that wraps differs above them too) */
	return (v ^ (v + len - 1u)) < h->page_size;
}
static inline bool nvme_prp1_ok(const struct nvme_qpair *q, uint64_t phys, size_t len)
{
	/* len >= 1 (both callers). The last byte: below phys when the range
	 * wraps; at most the host's dma_limit - 1 (q->dma_last; dma_limit 0,
	 * no limit: the largest address) */
	uint64_t last = phys + len - 1u;
	return (phys & 3u) == 0 && last >= phys && last <= q->dma_last;
}

/* ------------------------------------------------------------------------ */
/* nvme_recover.c                                                           */
/* ------------------------------------------------------------------------ */

/* Controller-level recovery may run now: not inside a completion callback
 * or another recovery. */
bool nvme_recover_allowed(const struct nvme_ctrl *c);
/* ... and it may escalate (Abort, reset): allowed, cfg.no_recovery clear,
 * the controller READY or FAILED (not during init, shutdown or detach). */
bool nvme_recover_can_reset(const struct nvme_ctrl *c);
/* Handle every command marked expired: give up (cfg.no_recovery) or run the
 * ladder (CSTS, poll, Abort, reset). Returns 0 or the controller's error. */
int nvme_recover_expired(struct nvme_ctrl *c);
/* The ladder for slot idx of q, which has timed out. */
int nvme_recover_slot(struct nvme_ctrl *c, struct nvme_qpair *q, uint32_t idx);
/* Automatic controller reset (CSTS.CFS, an unresolved timeout); bounded by
 * NVME_MAX_AUTO_RESETS in a row. */
int nvme_recover_reset(struct nvme_ctrl *c, const char *why);
/* The device is gone (or recovery gave up): every command of every queue
 * completes once with status; queues go offline. */
void nvme_fail_all(struct nvme_ctrl *c, int status);
/* CSTS check after a wait noticed no progress: 0, or the device's error.
 * Gone: every command fails (nvme_fail_all) when allowed. */
int nvme_csts_event(struct nvme_ctrl *c);
/* Shadow doorbells (Doorbell Buffer Config, nvme_dbbuf.c): called by init
 * and by every re-initialisation after Identify Controller and before the
 * I/O queues are created. The registration is lost with a reset: every
 * queue stops using the old pages, the pages are cleared and registered
 * again (when OACS bit 8 offers it and cfg.no_shadow_doorbells is clear). */
void nvme_dbbuf_reset(struct nvme_ctrl *c);

/* Timeout for commands on q. */
uint32_t nvme_q_timeout_ms(const struct nvme_qpair *q);

/* ------------------------------------------------------------------------ */
/* nvme_dbbuf.c                                                             */
/* ------------------------------------------------------------------------ */

/* With shadow doorbells, a queue with commands in flight that made no
 * progress (nothing submitted, nothing reaped) for this long gets its
 * doorbells written to MMIO again (nvme_q_tick): a device that missed an
 * update (DESIGN.md section 4: QEMU 7.2 + Linux) cannot stall it for good. */
#define NVME_DBBUF_KICK_US      1000u

/* Point q at its slots in the registered pages (none when shadow doorbells
 * are off) and store its current tail/head there; EventIdx is set to the
 * same values, so the next update rings MMIO. Before the queue is created
 * on the device (a slot may hold the values of an earlier queue). */
void nvme_dbbuf_queue_init(struct nvme_ctrl *c, struct nvme_qpair *q);
/* Give the pages back (detach, failed init). */
void nvme_dbbuf_free(struct nvme_ctrl *c);

/*
 * The EventIdx rule (NVMe 1.3 section 7.13, the virtio "need event" test):
 * after moving a doorbell from old to new, the device wants an MMIO write
 * if the EventIdx it published lies in [old, new) - computed in 16 bits so
 * that a wrap of the queue index (new < old) asks for the write unless the
 * EventIdx is provably outside the range.
 */
static inline bool nvme_dbbuf_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1u) < (uint16_t)(new_idx - old_idx);
}

/* ------------------------------------------------------------------------ */
/* nvme_xfer.c                                                              */
/* ------------------------------------------------------------------------ */

/* Allocate q's per-slot PRP/SGL list space and bounce buffer for max_xfer. */
int nvme_xfer_alloc(struct nvme_ctrl *c, struct nvme_qpair *q, uint32_t max_xfer);
void nvme_xfer_free(struct nvme_ctrl *c, struct nvme_qpair *q);
/*
 * Fill sqe's data pointer (and PSDT) for buf/len in direction dir, using slot
 * idx's list space; copy through the bounce buffer when needed. Returns 0,
 * NVME_ERR_TOO_LARGE, NVME_ERR_BOUNCE_BUSY or NVME_ERR_DMA.
 */
int nvme_xfer_map(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe,
		  void *buf, size_t len, unsigned dir);
/* The same for data the caller gave as physical segments: no translation,
 * no bounce buffer (NVME_ERR_DMA when PRP/SGL cannot describe them). */
int nvme_xfer_map_phys(struct nvme_qpair *q, struct nvme_sqe *sqe, uint32_t idx,
		       const struct nvme_phys_list *pl, size_t len);
/* Release slot idx's bounce buffer, copying data back first if copy_back. */
void nvme_xfer_unmap(struct nvme_qpair *q, uint32_t idx, bool copy_back);

/* ------------------------------------------------------------------------ */
/* nvme_admin.c                                                             */
/* ------------------------------------------------------------------------ */

int nvme_admin_exec(struct nvme_ctrl *c, struct nvme_sqe *sqe, void *buf, size_t len,
		    struct nvme_cqe *cqe_out);
/* Identify (CNS cns, NSID nsid) into c->idbuf, from init and reset too (no
 * state check: the admin queue being live is enough). */
int nvme_identify_idbuf(struct nvme_ctrl *c, uint8_t cns, uint32_t nsid);
/* An Identify command: CNS cns of namespace nsid, controller cntid, command set csi. */
static inline void nvme_identify_sqe(struct nvme_sqe *sqe, uint8_t cns, uint32_t nsid, uint16_t cntid, uint8_t csi)
{
	__builtin_memset(sqe, 0, sizeof(*sqe));
	sqe->opc = NVME_ADMIN_IDENTIFY;
	sqe->nsid = nsid;
	sqe->cdw10 = (uint32_t)(NVME_SET(NVME_IDENTIFY_CDW10_CNS, cns) | NVME_SET(NVME_IDENTIFY_CDW10_CNTID, cntid));
	sqe->cdw11 = (uint32_t)NVME_SET(NVME_IDENTIFY_CDW11_CSI, csi);
}
/* A namespace list (CNS 02h active, 10h allocated) read and checked (nvme_ns.c). */
int nvme_ns_list_cns(struct nvme_ctrl *c, uint8_t cns, const char *what, uint32_t after_nsid,
		     uint32_t *out, uint32_t max, uint32_t *n);
/* Create (on the device) a queue pair whose memory is allocated. */
int nvme_qpair_create_hw(struct nvme_ctrl *c, struct nvme_qpair *q);
/* Delete SQ and CQ on the device (errors logged, not fatal); abort leftovers. */
int nvme_qpair_delete_hw(struct nvme_ctrl *c, struct nvme_qpair *q);

/* ------------------------------------------------------------------------ */
/* nvme_iocs.c: I/O command sets                                            */
/* ------------------------------------------------------------------------ */

/* Identify CNS cns with CSI csi into c->idbuf (zeroed first; no state check). */
int nvme_identify_csi_idbuf(struct nvme_ctrl *c, uint8_t cns, uint8_t csi, uint32_t nsid);
/* After Identify Controller: with CC.CSS 110b read CNS 1Ch and set the I/O
 * Command Set Profile (failures logged, never fatal). */
void nvme_iocs_select(struct nvme_ctrl *c);
/* The CSI of namespace nsid (CNS 03h) when CC.CSS is 110b; NVM otherwise. */
uint8_t nvme_iocs_ns_csi(struct nvme_ctrl *c, uint32_t nsid);
/* Bit per CSI the driver implements (NVM; zoned with NVME_CFG_ZNS). */
uint64_t nvme_iocs_implemented(void);
#if NVME_CFG_ZNS
/* Zoned Identify Namespace into ns (after ns_fill); sets ns->unusable on
 * failure. Reads Zoned Identify Controller once per scan. (nvme_zns.c) */
void nvme_zns_ns_fill(struct nvme_ctrl *c, struct nvme_ns *ns);
#endif

/* ------------------------------------------------------------------------ */
/* nvme_io.c (for the other I/O command files)                              */
/* ------------------------------------------------------------------------ */

/* Check ns and the controller, pick the queue pair (*qp NULL = default). */
int nvme_ns_io_prep(struct nvme_ns *ns, struct nvme_qpair **qp);
/* count > 0 (else NVME_ERR_INVAL) blocks from lba inside ns, no wrap
 * (else NVME_ERR_LBA_RANGE). */
int nvme_ns_range_ok(const struct nvme_ns *ns, uint64_t lba, uint64_t count);
/* NVME_ERR_UNSUPPORTED when plain (data only) I/O on ns would lose or
 * misplace metadata (ns->cmdset.md_plain, nvme_pi.h), else 0. */
int nvme_ns_plain_ok(const struct nvme_ns *ns);
#if NVME_CFG_PI
/* nvme_pi.c: learn ns's PI format after Identify Namespace (sets pi_size,
 * pif, md_plain; may mark ns unusable); give a plain command on a PI-only
 * namespace PRACT=1 and the LBA as reference tag. */
void nvme_pi_ns_setup(struct nvme_ctrl *c, struct nvme_ns *ns);
void nvme_pi_plain_sqe(const struct nvme_ns *ns, struct nvme_sqe *sqe, uint64_t lba);
/* Data and separate metadata of one command whose metadata goes by SGL
 * (NVME_QF_META_SGL): nvme_pi_map_meta_sgl maps the data (nvme_xfer_map)
 * and describes the metadata in slot idx's list space after the data's
 * descriptors, MPTR at it, PSDT 10b; NVME_ERR_DMA (nothing held) if either
 * cannot be described so. */
struct nvme_pi_xfer {
	void       *data;
	size_t      len;
	const void *meta;
	size_t      meta_len;
};
int nvme_pi_map_meta_sgl(struct nvme_qpair *q, uint32_t idx, struct nvme_sqe *sqe, const struct nvme_pi_xfer *x);
#else
static inline void nvme_pi_plain_sqe(const struct nvme_ns *ns, struct nvme_sqe *sqe, uint64_t lba)
{
	(void)ns; (void)sqe; (void)lba;
}
#endif

/* ------------------------------------------------------------------------ */
/* nvme_msg.c, nvme_support.c, nvme_dm.c, nvme_aer.c: the optional command */
/* families (NVME_CFG_* in nvme.h); core code calls them through the stubs  */
/* below when they are left out                                             */
/* ------------------------------------------------------------------------ */

/* Append formatted text at buf[pos..len); returns the new full length
 * (may exceed len; the text is cut and NUL-terminated). (nvme_msg.c) */
size_t nvme_cat(char *buf, size_t len, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Re-read Identify Controller's firmware revision (after an activation).
 * (nvme_ctrl.c) */
int nvme_refresh_firmware_rev(struct nvme_ctrl *c);

#if NVME_CFG_SUPPORT
/*
 * Gate an optional command: 0 when opt is supported or flags has
 * NVME_CMD_FORCE; else NVME_ERR_NOT_ADVERTISED with c->refusal set to
 * "<what>: not supported by this controller: <why>" (logged at DEBUG: the
 * caller reports it).
 */
int nvme_require(struct nvme_ctrl *c, enum nvme_opt opt, unsigned flags, const char *what);
/* The same for the one command of opt being sent: the effects log fallback
 * and the reason name opcode (NVME_ERR_INVAL if opt does not cover it). */
int nvme_require_cmd(struct nvme_ctrl *c, enum nvme_opt opt, uint8_t opcode, unsigned flags, const char *what);
/* Refuse with a reason of the caller's (same text layout as nvme_require). */
int nvme_refuse(struct nvme_ctrl *c, const char *what, const char *why);
/* Forget what was learnt from the Commands Supported and Effects log
 * (re-read after a reset: firmware may have changed). */
void nvme_support_reset(struct nvme_ctrl *c);
#else
static inline void nvme_support_reset(struct nvme_ctrl *c) { (void)c; }
#endif

#if NVME_CFG_DM
/* Read the NVM command set limits (Identify CNS 06h) into c->nvm, after
 * Identify Controller at init and reset. A failure only means "not
 * reported" (c->nvm.status); never fails init. */
void nvme_nvm_limits_read(struct nvme_ctrl *c);
#else
static inline void nvme_nvm_limits_read(struct nvme_ctrl *c) { (void)c; }   /* only DM uses them */
#endif

#if NVME_CFG_COPY
/* After Identify Namespace (nvme_ns_scan): ns->cmdset.copy_pif from the NVM
 * command set's Identify Namespace (CNS 05h) when ns has protection
 * information (nvme_copy.c). */
void nvme_copy_ns_pif(struct nvme_ctrl *c, struct nvme_ns *ns);
#else
static inline void nvme_copy_ns_pif(struct nvme_ctrl *c, struct nvme_ns *ns) { (void)c; (void)ns; }
#endif

#if NVME_CFG_AER
/* Enable events and submit the Asynchronous Event Requests (end of init,
 * reset and resume; failures are logged, not fatal). */
void nvme_aer_start(struct nvme_ctrl *c);
#else
static inline void nvme_aer_start(struct nvme_ctrl *c) { (void)c; }   /* no requests, no events */
#endif

/* --- real drives (issue 13) --- */
/* nvme_quirks.c: c->quirks from the config at init; the model/firmware
 * string table's quirks after Identify Controller. */
void nvme_quirks_init(struct nvme_ctrl *c);
void nvme_quirks_apply_strings(struct nvme_ctrl *c);
/* Depth of queue qid within the quirks' limits (SHARED_CIDS, QDEPTH_ONE). */
uint32_t nvme_quirk_depth(const struct nvme_ctrl *c, uint16_t qid, uint32_t depth);
/* nvme_ctrl.c: the host's progress callback during a long synchronous wait
 * (cfg.progress_cb), for a CSTS wait (what) or a command. */
void nvme_wait_progress(struct nvme_ctrl *c, const char *what, uint64_t waited_us);
void nvme_wait_progress_cmd(struct nvme_ctrl *c, const struct nvme_qpair *q, const struct nvme_sqe *sqe,
			    uint64_t waited_us);

#if NVME_CFG_HMB
/* nvme_hmb.c: after Identify at every bring-up (allocate and enable the
 * first time, enable with Memory Return later); disable before shutdown
 * and detach; free once the controller is disabled. */
void nvme_hmb_start(struct nvme_ctrl *c);
void nvme_hmb_stop(struct nvme_ctrl *c);
void nvme_hmb_free(struct nvme_ctrl *c);
#else
static inline void nvme_hmb_start(struct nvme_ctrl *c) { (void)c; }   /* no HMB given */
static inline void nvme_hmb_stop(struct nvme_ctrl *c) { (void)c; }
static inline void nvme_hmb_free(struct nvme_ctrl *c) { (void)c; }
#endif

/* ------------------------------------------------------------------------ */
/* small helpers                                                            */
/* ------------------------------------------------------------------------ */

static inline uint32_t nvme_min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t nvme_max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }
static inline uint64_t nvme_min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline bool nvme_is_pow2(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }
/* floor(log2(x)) for x > 0 */
static inline unsigned nvme_log2(uint64_t x)
{
	unsigned n = 0;
	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

#endif /* NVME_INTERNAL_H */
