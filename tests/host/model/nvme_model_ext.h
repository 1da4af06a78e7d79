/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_ext.h - knobs and queries of the model's optional commands:
 * Dataset Management, Write Zeroes, Compare, Verify, firmware slots, sanitize,
 * Format NVM, SMART counters, the volatile write cache, namespaces that come
 * and go at run time, reservations. (The core model API is nvme_model.h.)
 *
 * Support follows Identify like a real drive: a command whose bit is clear
 * (ONCS, OACS, SANICAP) answers Invalid Command Opcode unless the test marks
 * it "hidden" (supported without the bit, listed in the Commands Supported
 * and Effects log: what QEMU 7.2 does for Verify). Set ONCS/OACS/FRMW/LPA in
 * nvme_model_config; FWUG, SANICAP, FNA and OAES here, after
 * nvme_model_create (fx_start) and before the driver initialises.
 *
 * Behaviour, in short (details in each model_*.c):
 *  - DSM: NR+1 ranges (<= 256), each checked against NSZE (LBA Out of
 *    Range); deallocated blocks read as zeros. Write Zeroes with or without
 *    DEAC; Compare (Compare Failure SCT 2h SC 85h on a mismatch); Verify
 *    (Unrecovered Read Error on a bad block).
 *  - NVM command set limits: Identify CNS 06h (CSI 00h) answers VSL, WZSL,
 *    WUSL, DMRL, DMRSL, DMSL (default all 0: no limits), and they are
 *    enforced with Invalid Field in Command: a Verify / Write Zeroes larger
 *    than 2^VSL / 2^WZSL pages of CAP.MPSMIN (as QEMU 7.2 does for VSL), a
 *    DSM with Deallocate with more than DMRL ranges, a range above DMRSL or
 *    a total above DMSL blocks. Or CNS 06h is refused (an NVMe 1.x device).
 *  - Firmware: FRMW slots (slot 1 optionally read only), FWUG enforced
 *    (offset a multiple of the granularity else Invalid Field; a piece that
 *    starts before the end of the previous one: Overlapping Range; only the
 *    last piece may be short), images validated at commit (the layout of
 *    nvme_model_fw_image_build: magic "NVFW", revision, length, a dword
 *    sum of 0; else Invalid Firmware Image), commit actions 0..3, slot
 *    checks (Invalid Firmware Slot), activation at the next reset, and the
 *    reset an activation needs (nvme_model_fw_set_reset_required) answered
 *    with the matching status; the revision in Identify and the slot log
 *    change when the image is activated.
 *  - Sanitize (NSID 0 only): runs over several Sanitize Status log reads
 *    (and/or test time) with growing SPROG, can fail (restricted or
 *    unrestricted failure mode per AUSE, exit failure mode), blocks I/O and
 *    Format/firmware with Sanitize In Progress (Sanitize Failed in failure
 *    mode), erases (block/crypto: deallocate; overwrite: the pattern, inverted
 *    between passes with OIPBP), reports the estimates in the log, and
 *    raises the Sanitize Operation Completed event.
 *  - Format NVM: changes LBA format (size and metadata), erases, NSID
 *    FFFFFFFFh formats all; Invalid Format beyond NLBAF. With a duration,
 *    Identify Namespace can report the Format Progress Indicator.
 *  - SMART: data units (thousands of 512-byte units, rounded up) and host
 *    read/write commands move with Read/Write/Compare, power cycles,
 *    power-on hours (test time), unsafe shutdowns, media errors, error log
 *    entries, temperature and critical warnings from the knobs below (with
 *    SMART events when Asynchronous Event Configuration enables them).
 *  - Write cache: with VWC enabled, writes since the last Flush are lost by
 *    nvme_model_power_cycle(m, true) once tracking is on.
 *  - Namespaces added/removed at run time raise Namespace Attribute Changed
 *    (when enabled) with the Changed Namespace List log (04h).
 *  - Reservations: Register/Acquire/Release/Report with registrants, the
 *    six types, preemption and Reservation Conflict on Read/Write/Write
 *    Zeroes/DSM/Compare/Verify from hosts the type excludes. A second host is
 *    a second model whose reservation state is shared with the first
 *    (nvme_model_share_reservations); block data is not shared. The host
 *    identifier is the Host Identifier feature (81h) or, until set, CNTLID.
 */
#ifndef NVME_MODEL_EXT_H
#define NVME_MODEL_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvme_model.h"

/* Identify fields without a config member (also patch Identify data). */
void nvme_model_set_sanicap(struct nvme_model *m, uint32_t sanicap);
void nvme_model_set_fwug(struct nvme_model *m, uint8_t fwug);
void nvme_model_set_fna(struct nvme_model *m, uint8_t fna);
void nvme_model_set_oaes(struct nvme_model *m, uint32_t oaes);   /* default: NS attribute + FW activation notices */
/* Command opc works although its ONCS/OACS/SANICAP bit is clear, and the
 * effects log lists it. */
void nvme_model_set_hidden_cmd(struct nvme_model *m, bool io, uint8_t opc, bool hidden);
/* Commands Supported and Effects log present (LPA bit 1). Default true. */
void nvme_model_set_effects_log(struct nvme_model *m, bool present);

/* ---- NVM command set limits (Identify CNS 06h) ---- */
struct nvme_model_nvm_limits {
	uint8_t  vsl, wzsl, wusl, dmrl;
	uint32_t dmrsl;
	uint64_t dmsl;
};
/* answered: CNS 06h returns l (NULL: all 0) and the model enforces it;
 * !answered: CNS 06h is Invalid Field and nothing is enforced. Default:
 * answered, all 0. Takes effect for the driver at its next Identify
 * (init or reset). */
void nvme_model_set_nvm_limits(struct nvme_model *m, bool answered, const struct nvme_model_nvm_limits *l);
/* Answer CNS 06h with these 16 raw bytes at the start (any content, e.g. a
 * copy of Identify Controller's first bytes as buggy firmware does); NULL
 * stops. */
void nvme_model_set_nvm_limits_raw(struct nvme_model *m, const uint8_t *bytes16);

/* ---- firmware ---- */
enum nvme_model_fw_reset {
	NVME_MODEL_FW_RESET_NONE = 0,     /* activation without reset is possible */
	NVME_MODEL_FW_RESET_CONTROLLER,   /* SC 11h; a controller level reset activates */
	NVME_MODEL_FW_RESET_NSSR,         /* SC 10h; an NVM subsystem reset (or power cycle) activates */
	NVME_MODEL_FW_RESET_CONVENTIONAL  /* SC 0Bh; only a power cycle activates */
};
/* Reset an immediate activation (commit action 3) needs. Default NONE. */
void nvme_model_fw_set_reset_required(struct nvme_model *m, enum nvme_model_fw_reset kind);
/* Build a valid image of len bytes (len >= 32, multiple of 4) with revision
 * rev (up to 8 characters) into buf. Returns len, 0 if it cannot. */
size_t nvme_model_fw_image_build(void *buf, size_t len, const char *rev);
/* The Firmware Image Download pieces received since the last commit:
 * offsets and lengths in bytes; returns how many (copies up to max). */
unsigned nvme_model_fw_pieces(const struct nvme_model *m, uint32_t *off, uint32_t *len, unsigned max);
const char *nvme_model_fw_slot_rev(const struct nvme_model *m, unsigned slot);   /* "" empty */
unsigned nvme_model_fw_active_slot(const struct nvme_model *m);
unsigned nvme_model_fw_next_slot(const struct nvme_model *m);

/* ---- sanitize ---- */
/* The operation completes on the steps-th Sanitize Status log read after
 * the start (each read advances one step; with step_us != 0 test time also
 * advances a step every step_us), or fails at step fail_at (0 = never).
 * Default 4, 0, 0. */
void nvme_model_sanitize_config(struct nvme_model *m, unsigned steps, unsigned fail_at, uint64_t step_us);
/* Estimates reported in the log (seconds; FFFFFFFFh = none). */
void nvme_model_sanitize_estimates(struct nvme_model *m, uint32_t eto, uint32_t etbe, uint32_t etce,
				   uint32_t etond, uint32_t etbend, uint32_t etcend);
bool nvme_model_sanitize_running(const struct nvme_model *m);

/* ---- format ---- */
/* Format NVM completes this much test time after it is fetched (0: at
 * once); nothing else is held back. */
void nvme_model_format_duration(struct nvme_model *m, uint64_t us);
/* Identify Namespace reports the Format Progress Indicator (FPI bit 7, and
 * while a format with a duration is pending, the percentage still to do,
 * falling with test time). Default off (FPI 0). raw_remaining != 0xFF:
 * report exactly that value in bits 6:0 while pending (bad values too). */
void nvme_model_format_fpi(struct nvme_model *m, bool supported, uint8_t raw_remaining);

/* ---- SMART and media ---- */
void nvme_model_set_temperature(struct nvme_model *m, uint16_t kelvin);
/* Critical warning bits (NVME_SMART_CW_*); newly set bits raise SMART
 * events that Asynchronous Event Configuration enables. */
void nvme_model_set_critical_warning(struct nvme_model *m, uint8_t bits);
void nvme_model_set_wear(struct nvme_model *m, uint8_t percent_used, uint8_t avail_spare, uint8_t spare_thresh);
void nvme_model_set_power_on_hours(struct nvme_model *m, uint64_t hours);
/* Read/Verify/Compare of (nsid, lba) fail with Unrecovered Read Error. */
void nvme_model_add_bad_block(struct nvme_model *m, uint32_t nsid, uint64_t lba);

/* ---- volatile write cache and power ---- */
/* Remember what cached writes overwrote (until the next Flush). */
void nvme_model_vwc_track(struct nvme_model *m, bool on);
/* Power cycle: like cutting power and turning it on again. Cached writes
 * since the last Flush are lost when drop_cache (and tracking was on);
 * counts an unsafe shutdown unless the host shut the controller down; a
 * pending firmware activation takes effect. The controller is disabled
 * (CC 0, RDY 0): the driver resets it (nvme_ctrl_reset). */
void nvme_model_power_cycle(struct nvme_model *m, bool drop_cache);

/* ---- namespaces at run time ---- */
/* Add (NSID <= NN) or remove a namespace; raises Namespace Attribute
 * Changed when enabled. 0 or -1. */
int nvme_model_ns_add(struct nvme_model *m, const struct nvme_model_ns_config *cfg);
int nvme_model_ns_remove(struct nvme_model *m, uint32_t nsid);
/* The next Changed Namespace List reports FFFFFFFFh (more than 1024). */
void nvme_model_changed_ns_overflow(struct nvme_model *m);

/* ---- reservations ---- */
/* b takes part in a's reservation state (two hosts, one subsystem). */
void nvme_model_share_reservations(struct nvme_model *a, struct nvme_model *b);

/* ---- feeding bad values ---- */
/* Overwrite len (<= 16) bytes at offset off of every later copy of log page
 * lid the model returns (until cleared with len 0). One patch per log. */
void nvme_model_patch_log(struct nvme_model *m, uint8_t lid, uint32_t off, const void *bytes, size_t len);
/* Reservation Report: claim this many registrants in REGCTL (~0u: the truth). */
void nvme_model_resv_fake_regctl(struct nvme_model *m, uint32_t regctl);

/* ---- statistics ---- */
struct nvme_model_ext_stats {
	uint64_t dsm_cmds, dsm_ranges, dsm_blocks_deallocated;
	uint32_t dsm_last_nr, dsm_last_attrs, dsm_last_cattr;
	uint64_t wz_cmds, wz_blocks, wz_dealloc_cmds;
	uint64_t compare_cmds, compare_mismatches;
	uint64_t verify_cmds, verify_blocks;
	uint64_t limit_refusals;      /* Verify/Write Zeroes/DSM refused for a CNS 06h limit */
	uint64_t id_nvm_reads;        /* Identify CNS 06h answered */
	uint32_t last_nlb;            /* NLB field + 1 of the last LBA command above */
	uint64_t last_slba;
	uint64_t fw_download_cmds, fw_commit_cmds, fw_activations;
	uint64_t sanitize_cmds, format_cmds;
	uint64_t resv_cmds, resv_conflicts;
	uint64_t blocked_by_sanitize;
	uint64_t events_raised;
};
const struct nvme_model_ext_stats *nvme_model_ext_stats(const struct nvme_model *m);

#endif /* NVME_MODEL_EXT_H */
