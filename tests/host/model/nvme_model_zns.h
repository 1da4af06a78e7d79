/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_model_zns.h - the software controller's I/O command sets and zoned
 * namespaces (model_zns.c).
 *
 * With CAP.CSS bit 6 (the default) the model answers the I/O Command Set
 * data structure (Identify CNS 1Ch: vector 0 = NVM, zoned, and every other
 * CSI a namespace claims), the I/O Command Set Profile feature (19h), a CSI
 * descriptor in every Namespace Identification Descriptor list (CNS 03h), and
 * Identify CNS 05h/06h for CSI 00h and 02h. A namespace made zoned with
 * nvme_model_ns_zoned() keeps zones with the ZNS state machine (empty,
 * implicitly/explicitly open, closed, full, read-only, offline), the active
 * and open limits, write pointer checks on Write, Write Zeroes and Zone
 * Append, Zone Management Send/Receive. Zone commands are Invalid Opcode
 * unless CC.CSS is 110b (as QEMU 7.2); the write rules apply either way.
 */
#ifndef NVME_MODEL_ZNS_H
#define NVME_MODEL_ZNS_H

#include <stdbool.h>
#include <stdint.h>

struct nvme_model;

struct nvme_model_zns_config {
	uint64_t zone_size;      /* blocks; the namespace's size must be a multiple */
	uint64_t zone_cap;       /* writable blocks per zone (0 = zone_size) */
	uint32_t max_active;     /* 0 = no limit (MAR FFFFFFFFh) */
	uint32_t max_open;       /* 0 = no limit */
	bool     read_across;    /* OZCS bit 0: reads may cross zone boundaries */
	bool     variable_cap;   /* ZOC bit 0 (reported only) */
	uint8_t  zdes;           /* descriptor extension, 64-byte units (0: none) */
	uint8_t  zasl;           /* Zoned Identify Controller ZASL (0: MDTS) */
};

/* Make namespace nsid zoned (all zones empty). -1 if no such namespace or
 * a bad configuration. Call before the driver's init. */
int nvme_model_ns_zoned(struct nvme_model *m, uint32_t nsid, const struct nvme_model_zns_config *cfg);
/* Make nsid claim command set csi in its descriptor list (e.g. 1, Key
 * Value); Identify CNS 00h on it then fails Invalid I/O Command Set. */
int nvme_model_ns_set_csi(struct nvme_model *m, uint32_t nsid, uint8_t csi);
/* Force zone zi of nsid into state (NVME_ZS_READ_ONLY, NVME_ZS_OFFLINE, ...)
 * as a device would after a media failure; -1 if no such zone. */
int nvme_model_zone_force(struct nvme_model *m, uint32_t nsid, uint64_t zi, uint8_t state);
/* State and write pointer of zone zi; -1 if no such zone. */
int nvme_model_zone_get(struct nvme_model *m, uint32_t nsid, uint64_t zi, uint8_t *state, uint64_t *wp);
/* The I/O Command Set Profile index last set (Set Features 19h), and how many
 * Identify CNS 1Ch were answered. */
uint32_t nvme_model_iocs_profile(struct nvme_model *m);
uint32_t nvme_model_iocs_reads(struct nvme_model *m);

#endif /* NVME_MODEL_ZNS_H */
