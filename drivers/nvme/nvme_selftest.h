/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_selftest.h - Device Self-test (NVME_CFG_SELFTEST, nvme_selftest.c):
 * start a short or extended self-test of the controller or of namespaces
 * (admin opcode 14h, OACS bit 4), abort it, and read the Device Self-test
 * log (06h) decoded. Needs NVME_CFG_LOGS. (Not the test kernel's `selftest`
 * shell command, which checks the driver.)
 */
#ifndef NVME_SELFTEST_H
#define NVME_SELFTEST_H

#include "nvme.h"

/* Optional family switch (drivers/nvme/README.md "Configuration"). */
/* NVME_CFG_SELFTEST: nvme_config.h */
#if NVME_CFG_SELFTEST && !NVME_CFG_LOGS
#error "NVME_CFG_SELFTEST needs NVME_CFG_LOGS"
#endif

/* Self-test codes (STC) */
#define NVME_DST_SHORT     0x1u
#define NVME_DST_EXTENDED  0x2u
#define NVME_DST_VENDOR    0xEu
#define NVME_DST_ABORT     0xFu

/* Result of one self-test (Operation Result, the low nibble of byte 0). */
#define NVME_DST_RES_OK              0x0u
#define NVME_DST_RES_ABORTED_CMD     0x1u   /* by a Device Self-test abort */
#define NVME_DST_RES_ABORTED_RESET   0x2u   /* by a controller level reset */
#define NVME_DST_RES_ABORTED_NS      0x3u   /* a namespace was removed */
#define NVME_DST_RES_ABORTED_FORMAT  0x4u   /* by Format NVM */
#define NVME_DST_RES_FATAL           0x5u   /* fatal or unknown test error */
#define NVME_DST_RES_FAILED_UNKNOWN  0x6u   /* a segment failed, which is not known */
#define NVME_DST_RES_FAILED_SEGMENT  0x7u   /* one or more segments failed (Segment Number) */
#define NVME_DST_RES_ABORTED_UNKNOWN 0x8u
#define NVME_DST_RES_ABORTED_SANITIZE 0x9u
#define NVME_DST_RES_UNUSED          0xFu   /* entry not used */

/* Results the log holds at most. */
#define NVME_DST_LOG_RESULTS 20u

#if NVME_CFG_SELFTEST

/* One result, newest first; field names as nvme-cli's self-test-log. */
struct nvme_self_test_result {
	uint8_t  result;        /* "Operation Result" (NVME_DST_RES_*) */
	uint8_t  code;          /* "Self Test Code" (NVME_DST_SHORT...) */
	uint8_t  segment;       /* "Segment Number" of the failure (1-based; 0: none) */
	uint8_t  valid;         /* "Valid Diagnostic Information": NSIDV 0, FLBAV 1, SCTV 2, SCV 3 */
	uint64_t poh;           /* "Power on hours (POH)" */
	uint32_t nsid;          /* "Namespace Identifier (NSID)" (valid bit 0) */
	uint64_t flba;          /* "Failing LBA" (valid bit 1) */
	uint8_t  sct;           /* "Status Code Type" (valid bit 2) */
	uint8_t  sc;            /* "Status Code" (valid bit 3) */
	uint16_t vs;            /* "Vendor Specific" */
};

struct nvme_self_test_log {
	uint8_t  current;       /* "Current operation": 0 none, else the running test's code */
	uint8_t  completion;    /* "Current Completion", percent (0..100) */
	uint32_t count;         /* results used (entries before the first unused one) */
	struct nvme_self_test_result result[NVME_DST_LOG_RESULTS];
};

/*
 * Start a self-test (code NVME_DST_SHORT or NVME_DST_EXTENDED) of nsid: 0
 * for the controller only, NVME_NSID_ALL for the controller and every
 * namespace, or one namespace. Returns once the controller accepted it (the
 * test runs in the background: poll nvme_self_test_log_read()).
 * NVME_ERR_NOT_ADVERTISED (OACS bit 4 clear, nothing sent,
 * nvme_ctrl_refusal() says why); SCT 1h SC 1Dh when a test is running.
 */
int nvme_self_test_start(struct nvme_ctrl *c, uint32_t nsid, unsigned code);
/* Abort the running self-test (STC Fh). */
int nvme_self_test_abort(struct nvme_ctrl *c);
/* Read and decode log 06h (564 bytes). NVME_ERR_BAD_LOG_DATA when the
 * current completion is above 100 % (everything else is reported as read). */
int nvme_self_test_log_read(struct nvme_ctrl *c, struct nvme_self_test_log *out);
/* Text of a result code ("completed without error", ...). */
const char *nvme_self_test_result_name(unsigned result);

#endif /* NVME_CFG_SELFTEST */
#endif /* NVME_SELFTEST_H */
