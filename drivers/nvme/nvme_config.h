/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_config.h - the driver's compile-time switches (override with -D).
 *
 * The driver and every file that includes nvme.h must be built with the same
 * values: struct nvme_ctrl's layout depends on them. nvme_ctrl_init() checks
 * this (NVME_ERR_ABI, nvme.h) and names the switch that differs.
 * drivers/nvme/README.md "Configuration" gives the .text each build costs.
 */
#ifndef NVME_CONFIG_H
#define NVME_CONFIG_H

/* I/O queue pairs a controller struct has room for (qid 1..this). */
#ifndef NVME_CFG_MAX_IO_QUEUES
#define NVME_CFG_MAX_IO_QUEUES 16
#endif
/* Namespaces kept as struct nvme_ns (more are counted and can be listed). */
#ifndef NVME_CFG_MAX_NS
#define NVME_CFG_MAX_NS 32
#endif
/* 1: trace lines (every register access, SQE, CQE) compiled in, printed at
 * NVME_LOG_TRACE; 0: compiled out. */
#ifndef NVME_CFG_TRACE
#define NVME_CFG_TRACE 0
#endif
/* Highest log level compiled in: 3 all (default), 1 errors and warnings,
 * 0 errors, -1 none. The run-time level filters further. */
#ifndef NVME_CFG_LOG_LEVEL
#define NVME_CFG_LOG_LEVEL 3
#endif
/* Asynchronous Event Requests kept outstanding at most (0..16). */
#ifndef NVME_CFG_MAX_AER
#define NVME_CFG_MAX_AER 4
#endif
/* Handled asynchronous events kept for nvme_event_pop(). */
#ifndef NVME_CFG_EVENT_RING
#define NVME_CFG_EVENT_RING 8
#endif
/* 1: SGL data pointers for I/O commands when the device offers them; 0: PRP
 * only (cfg.dptr_mode NVME_DPTR_SGL then fails init: NVME_ERR_UNSUPPORTED). */
#ifndef NVME_CFG_SGL
#define NVME_CFG_SGL 1
#endif
/* 1: Read/Write fast paths (one-page buffers, clean completions); 0: the
 * general paths only (same checks, more instructions, ~1 KiB less code). */
#ifndef NVME_CFG_FAST_PATH
#define NVME_CFG_FAST_PATH 1
#endif

/* Optional command families: 1 builds the family's .c and declares its header's functions,
 * 0 leaves both empty. Each defaults to NVME_CFG_OPTIONAL_COMMANDS, whose 0 builds the core
 * alone (bring-up, queues, PRP/SGL, bounce buffer, read/write/flush, passthrough, Identify,
 * Get/Set Features, recovery, shadow doorbells, shutdown/reset, status text). */
#ifndef NVME_CFG_OPTIONAL_COMMANDS
#define NVME_CFG_OPTIONAL_COMMANDS 1
#endif
#ifndef NVME_CFG_DM          /* nvme_dm.h: DSM, Write Zeroes, Compare, Verify */
#define NVME_CFG_DM NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_LOGS        /* nvme_logs.h: SMART, Error, FW Slot, Effects, Sanitize logs */
#define NVME_CFG_LOGS NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_FW          /* nvme_fw.h: Firmware Download/Commit (needs LOGS) */
#define NVME_CFG_FW NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_SANITIZE    /* nvme_sanitize.h: Sanitize (needs LOGS) */
#define NVME_CFG_SANITIZE NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_FORMAT      /* nvme_format.h: Format NVM */
#define NVME_CFG_FORMAT NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_FEATURES    /* nvme_features.h: checked features, decoders, Timestamp */
#define NVME_CFG_FEATURES NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_AER         /* nvme_aer.h: asynchronous events (needs LOGS, FEATURES) */
#define NVME_CFG_AER NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_RESV        /* nvme_resv.h: reservations */
#define NVME_CFG_RESV NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_HMB         /* nvme_hmb.h: Host Memory Buffer */
#define NVME_CFG_HMB NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_POWER       /* nvme_power.h: power states, APST (read) */
#define NVME_CFG_POWER NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_SELFTEST    /* nvme_selftest.h: Device Self-test (needs LOGS) */
#define NVME_CFG_SELFTEST NVME_CFG_LOGS
#endif
#ifndef NVME_CFG_TELEMETRY   /* nvme_telemetry.h: Telemetry Host-Initiated log (needs LOGS) */
#define NVME_CFG_TELEMETRY NVME_CFG_LOGS
#endif
#ifndef NVME_CFG_ZNS         /* nvme_zns.h: Zoned Namespace command set (CSI 02h) */
#define NVME_CFG_ZNS NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_PI          /* nvme_pi.h: metadata and protection information I/O */
#define NVME_CFG_PI NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_COPY        /* nvme_copy.h: Copy (ONCS bit 8) */
#define NVME_CFG_COPY NVME_CFG_OPTIONAL_COMMANDS
#endif
#ifndef NVME_CFG_NSMGMT      /* nvme_nsmgmt.h: namespace management and attachment (OACS bit 3) */
#define NVME_CFG_NSMGMT NVME_CFG_OPTIONAL_COMMANDS
#endif
/* nvme_support.h: support detection, the gate of the families above; on
 * whenever one of them is (1 alone builds nvme_ctrl_supports()). */
#ifndef NVME_CFG_SUPPORT
#if NVME_CFG_DM || NVME_CFG_LOGS || NVME_CFG_FW || NVME_CFG_SANITIZE || NVME_CFG_FORMAT || \
    NVME_CFG_FEATURES || NVME_CFG_AER || NVME_CFG_RESV || NVME_CFG_PI || \
    NVME_CFG_COPY || NVME_CFG_NSMGMT
#define NVME_CFG_SUPPORT 1
#else
#define NVME_CFG_SUPPORT 0
#endif
#endif

/* Checks of these values: nvme_types.h. */

#endif /* NVME_CONFIG_H */
