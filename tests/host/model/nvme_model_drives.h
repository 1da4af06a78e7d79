/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_drives.h - the model behaving like real drives (issue 13):
 * the misbehaviours the driver's quirks work around, Identify CNS values
 * by the version the model claims, and broken power states. model_drives.c.
 */
#ifndef NVME_MODEL_DRIVES_H
#define NVME_MODEL_DRIVES_H

#include <stdbool.h>
#include <stdint.h>

#include "nvme_model.h"

/* CSTS reads FFFFFFFFh for us microseconds (test time) after CC.EN 1->0
 * (quirk delay-before-rdy; 0: off). */
void nvme_model_set_csts_ones_after_disable(struct nvme_model *m, uint64_t us);
/* I/O SQ entries are fetched bytes (64 or 128) apart whatever CC.IOSQES
 * says (quirk sqe-128). */
void nvme_model_set_io_sqe_bytes(struct nvme_model *m, uint32_t bytes);
/* A CID at or above limit is a protocol error (0: no limit); with shared,
 * so is a CID in flight on another queue (held completion or outstanding
 * AER) (quirk shared-cids). */
void nvme_model_set_cid_rules(struct nvme_model *m, uint32_t limit, bool shared);
/* More than n commands in flight on one I/O SQ is a protocol error (0:
 * off) (quirk qdepth-one). */
void nvme_model_set_io_outstanding_max(struct nvme_model *m, uint32_t n);
/* Write Zeroes completes successfully without writing (quirk
 * no-write-zeroes). */
void nvme_model_set_write_zeroes_broken(struct nvme_model *m, bool broken);
/* Identify with this CNS fails Invalid Field (an error log entry), e.g. an
 * Apple T2 without CNS 02h (quirk no-ns-list) or a drive without 06h. */
void nvme_model_set_cns_refused(struct nvme_model *m, uint8_t cns, bool refused);
/* Identify commands received with this CNS. */
uint32_t nvme_model_cns_count(const struct nvme_model *m, uint8_t cns);
/* The power state descriptors (npss+1 of them, npss <= 31) of Identify
 * Controller; with deepest_broken, entering state npss sets CSTS.CFS
 * (quirk no-deepest-ps). */
void nvme_model_set_power_states(struct nvme_model *m, uint8_t npss, const struct nvme_power_state *psd,
				 bool deepest_broken);

/* Autonomous Power State Transition (model_apst.c): Identify APSTA bit 0
 * and Get/Set Features 0Ch with its 256-byte table; while enabled, idle
 * time between commands moves the controller down the table, and an I/O
 * command in a non-operational state brings it back to the most recent
 * operational one. */
void nvme_model_set_apst(struct nvme_model *m, bool supported);
struct nvme_model_apst_state {
	bool     enabled;
	uint8_t  ps;                    /* current power state */
	uint8_t  last_operational_ps;
	uint32_t transitions;           /* autonomous transitions taken */
	uint32_t wakeups;               /* I/O commands that woke a non-operational state */
};
void nvme_model_apst_state(const struct nvme_model *m, struct nvme_model_apst_state *out);

/* NVMe 2.0 ready timeouts: CAP.CRMS (crwms, crims) and CRTO (crwmt,
 * crimt, 500 ms units); while CC.CRIME=1 CAP.TO reads to_crime. RDY comes
 * rdy_us after an enable with CC.CRIME=0, rdy_crime_us with CC.CRIME=1
 * (also bounded by the config's rdy_delay_polls). CC.CRIME=1 without
 * CRIMS is a protocol error. */
void nvme_model_set_ready_timeouts(struct nvme_model *m, bool crwms, bool crims, uint16_t crwmt, uint16_t crimt,
				   uint8_t to_crime, uint64_t rdy_us, uint64_t rdy_crime_us);
/* Completions of admin opcode opc held for us microseconds of test time
 * (0: off): a slow Identify or log page. */
void nvme_model_set_admin_delay(struct nvme_model *m, uint8_t opc, uint64_t us);

/* Host Memory Buffer: Identify HMPRE, HMMIN, HMMINDS (4 KiB units), HMMAXD;
 * with refuse, Set Features 0Dh enabling it fails (Invalid Field). The
 * model really uses the buffer: every block written while it is enabled
 * leaves an 8-byte entry (tag, checksum) in it, and a Read whose entry does
 * not match the data fails with Unrecovered Read Error and a protocol
 * error, so memory the host changes or hands out twice corrupts reads.
 * Enabling with Memory Return 0 clears the buffer; a controller reset
 * disables it (the host enables it again, Memory Return 1 keeps it). */
void nvme_model_set_hmb(struct nvme_model *m, uint32_t hmpre, uint32_t hmmin, uint32_t hmminds, uint16_t hmmaxd,
			bool refuse);
struct nvme_model_hmb_state {
	bool     enabled;
	uint64_t bytes;            /* HSIZE in bytes */
	uint32_t descriptors;
	uint32_t enables, enables_mr, disables;
	uint32_t shutdowns_enabled; /* CC.SHN written while it was enabled */
	uint64_t entries_written, entries_checked;
	uint32_t mismatches;
};
void nvme_model_hmb_state(const struct nvme_model *m, struct nvme_model_hmb_state *out);

/* Device Self-test (OACS bit 4 and opcode 14h only when on): a short test
 * takes short_us of test time, an extended one extended_us (EDSTT says its
 * minutes); with fail_segment != 0 every test fails in that segment at
 * fail_lba (Status Code Type 2h, Unrecovered Read Error) of the namespace
 * tested (NSID 1 for a controller-wide test). A controller reset aborts a
 * short test; log 06h reports the current operation, its completion and
 * the last 20 results. */
void nvme_model_set_self_test(struct nvme_model *m, bool on, uint64_t short_us, uint64_t extended_us,
			      uint8_t fail_segment, uint64_t fail_lba);
/* Device Self-test commands received. */
uint32_t nvme_model_self_test_cmds(const struct nvme_model *m);
/* Telemetry Host-Initiated log (07h, LPA bit 3 when on): data areas 1..3
 * end at blocks da1 <= da2 <= da3 (512-byte blocks after the header);
 * each "create" (LSP bit 0) captures new data and bumps the generation
 * number; block b of the data holds the byte pattern (generation, b). */
void nvme_model_set_telemetry(struct nvme_model *m, bool on, uint16_t da1, uint16_t da2, uint16_t da3);
/* A capture happens (generation bumped) after the next n log reads
 * without create: data changing while the host reads it (0: off). */
void nvme_model_telemetry_change_after(struct nvme_model *m, uint32_t n);

#endif /* NVME_MODEL_DRIVES_H */
