/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_resv.h - reservations (nvme_resv.c); ONCS bit 5.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_RESV_H
#define NVME_RESV_H

#include "nvme_support.h"

#if NVME_CFG_RESV

/* Reservation Register: rrega NVME_RREGA_*, cptpl NVME_CPTPL_*; flags
 * NVME_RESV_IEKEY, NVME_CMD_FORCE. */
int nvme_resv_register(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t rrega, uint64_t crkey,
		       uint64_t nrkey, uint8_t cptpl, unsigned flags);
/* Reservation Acquire: racqa NVME_RACQA_*, rtype NVME_RTYPE_* (1..6). */
int nvme_resv_acquire(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t racqa, uint8_t rtype,
		      uint64_t crkey, uint64_t prkey, unsigned flags);
/* Reservation Release: rrela NVME_RRELA_*. */
int nvme_resv_release(struct nvme_ns *ns, struct nvme_qpair *q, uint8_t rrela, uint8_t rtype,
		      uint64_t crkey, unsigned flags);

struct nvme_resv_info {
	uint32_t gen;            /* generation */
	uint8_t  rtype;          /* current reservation type, 0 = none */
	uint8_t  ptpls;          /* persist through power loss state */
	bool     extended;       /* 128-bit host identifiers, 64-byte entries */
	uint16_t regctl;         /* registrants the device reports */
	uint32_t nentries;       /* of those, entries inside the buffer */
	bool     truncated;      /* regctl > nentries: a larger buffer shows more */
};
struct nvme_resv_entry {
	uint16_t cntlid;
	bool     holder;         /* RCSTS bit 0: holds the reservation */
	uint64_t rkey;
	uint8_t  hostid[16];     /* 8 bytes used unless extended */
};
/*
 * Reservation Report into buf (len a multiple of 4, at least the header: 24
 * bytes, 64 with extended). info is parsed against len: entries beyond the
 * buffer are not counted, whatever regctl says.
 */
int nvme_resv_report(struct nvme_ns *ns, struct nvme_qpair *q, void *buf, size_t len, bool extended,
		     unsigned flags, struct nvme_resv_info *info);
/* Entry i (< info->nentries) of a report in buf; NVME_ERR_INVAL beyond. */
int nvme_resv_report_entry(const void *buf, size_t len, const struct nvme_resv_info *info, uint32_t i,
			   struct nvme_resv_entry *out);
/* "none", "Write Exclusive", ..., "reserved". */
const char *nvme_resv_type_name(uint8_t rtype);

#endif /* NVME_CFG_RESV */

#endif /* NVME_RESV_H */
