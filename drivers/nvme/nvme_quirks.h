/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_quirks.h - workarounds for real controllers that break the rules.
 *
 * The driver has no PCI: the host reads the controller's PCI vendor,
 * device and subsystem IDs itself and asks nvme_quirks_for() which
 * workarounds apply, then passes the answer in nvme_ctrl_config.quirks
 * (with its own additions in quirks_add and removals in quirks_remove).
 * After Identify Controller the driver adds the quirks its model-number /
 * firmware-string table names (those take effect from that point: a quirk
 * about the first disable before Identify cannot come from that table).
 * nvme_ctrl_quirks() returns what is applied. Each bit's public source is
 * in drivers/nvme/REFERENCES.md ("Quirks").
 */
#ifndef NVME_QUIRKS_H
#define NVME_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nvme_ctrl;

/* After CC.EN=0 wait NVME_QUIRK_RDY_DELAY_MS before reading CSTS: the
 * controller answers register reads with all ones (which the driver would
 * take for "device gone") while it resets. Linux: DELAY_BEFORE_CHK_RDY. */
#define NVME_QUIRK_DELAY_BEFORE_CHK_RDY (1u << 0)
/* CAP.MQES 0 (an invalid value) means queues of 64 entries instead of
 * refusing the controller (NVME_ERR_BAD_CAP). Samsung PM1725/PM1725a. */
#define NVME_QUIRK_MQES_ZERO            (1u << 1)
/* Never send Identify CNS 06h (I/O command set specific Identify
 * Controller), whatever VS and CAP.CSS say: the Write Zeroes / Verify /
 * DSM limits stay "not reported". */
#define NVME_QUIRK_NO_CNS_06            (1u << 2)
/* Never send Identify CNS 02h (active namespace list): namespaces are
 * found by Identify Namespace (CNS 00h) of NSIDs 1..min(NN,
 * NVME_CFG_MAX_NS). Apple T2 (Linux: IDENTIFY_CNS). */
#define NVME_QUIRK_NO_NS_LIST           (1u << 3)
/* I/O submission queue entries are 128 bytes apart whatever CC.IOSQES
 * says (CC still says 64): each SQE is written at a 128-byte stride.
 * Apple T2 (Linux: 128_BYTES_SQES). */
#define NVME_QUIRK_SQE_128              (1u << 4)
/* Command IDs are shared by every queue and must stay below
 * NVME_QUIRK_CID_LIMIT: each queue gets its own CID range (no generation
 * bits, so a late duplicate completion cannot be told from a new one) and
 * queue depths shrink to fit. Apple T2 (Linux: SHARED_TAGS,
 * SKIP_CID_GEN). */
#define NVME_QUIRK_SHARED_CIDS          (1u << 5)
/* One interrupt vector: every I/O completion queue is created with
 * vector 0 whatever nvme_qpair_opts.vector asks. Apple (Linux:
 * SINGLE_VECTOR). */
#define NVME_QUIRK_SINGLE_VECTOR        (1u << 6)
/* One command at a time per I/O queue (queue depth 2). Apple 106b:2001
 * (Linux: QDEPTH_ONE). */
#define NVME_QUIRK_QDEPTH_ONE           (1u << 7)
/* Write Zeroes is broken (completes without zeroing, or hangs):
 * nvme_write_zeroes() refuses with NVME_ERR_NOT_ADVERTISED and
 * nvme_ctrl_supports(NVME_OPT_WRITE_ZEROES) says why. Linux:
 * DISABLE_WRITE_ZEROES. */
#define NVME_QUIRK_NO_WRITE_ZEROES      (1u << 8)
/* The deepest power state (NPSS) breaks the drive: the driver never
 * selects it, even when asked with force. Linux: NO_DEEPEST_PS. */
#define NVME_QUIRK_NO_DEEPEST_PS        (1u << 9)

#define NVME_QUIRK_COUNT                10u
#define NVME_QUIRK_ALL                  ((1u << NVME_QUIRK_COUNT) - 1u)

/* NVME_QUIRK_DELAY_BEFORE_CHK_RDY: the wait (Linux uses 2300 ms). */
#define NVME_QUIRK_RDY_DELAY_MS         2300u
/* NVME_QUIRK_SHARED_CIDS: every CID is below this. */
#define NVME_QUIRK_CID_LIMIT            128u
/* NVME_QUIRK_MQES_ZERO: entries per queue when CAP.MQES is 0. */
#define NVME_QUIRK_MQES_ZERO_DEPTH      64u

/* Matches any vendor/device/subsystem ID in the lookup. */
#define NVME_PCI_ANY                    0xFFFFu

/*
 * Quirks of a controller by its PCI IDs (vendor, device, subsystem vendor,
 * subsystem device; pass NVME_PCI_ANY for subsystem IDs the host did not
 * read). 0 when none apply. Pure: no controller needed.
 */
uint32_t nvme_quirks_for(uint16_t vendor, uint16_t device, uint16_t subvendor, uint16_t subdevice);
/* Quirks named by the Identify Controller model number / firmware
 * revision table (the driver applies them itself after Identify). vid is
 * Identify VID; mn and fr the trimmed strings. */
uint32_t nvme_quirks_for_strings(uint16_t vid, const char *mn, const char *fr);
/* Short name of one quirk bit ("delay-before-rdy"), NULL for other values. */
const char *nvme_quirk_name(uint32_t bit);
/* Quirk bit of a short name, 0 when unknown. */
uint32_t nvme_quirk_by_name(const char *name);
/* "name,name,..." (or "none") into buf, always NUL-terminated when len >
 * 0; returns the full length like snprintf. */
size_t nvme_quirks_describe(uint32_t quirks, char *buf, size_t len);
/* The quirks applied to c (0 before init). */
uint32_t nvme_ctrl_quirks(const struct nvme_ctrl *c);

/*
 * Whether the controller's version (VS) and CAP.CSS say Identify CNS cns
 * exists, and no quirk forbids it: 00h/01h always; 02h from NVMe 1.1;
 * 10h-13h from 1.2; 03h, 14h, 15h from 1.3; 04h, 16h, 17h from 1.4; 05h
 * and 06h from 2.0 or when CAP.CSS bit 6 (I/O command sets) is set; the
 * rest from 2.0. The driver sends only these (the shell's raw Identify
 * commands send what they are told).
 */
bool nvme_ctrl_cns_exists(const struct nvme_ctrl *c, uint8_t cns);

#endif /* NVME_QUIRKS_H */
