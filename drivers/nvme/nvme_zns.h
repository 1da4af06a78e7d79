/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_zns.h - Zoned Namespace command set (nvme_zns.c; NVME_CFG_ZNS).
 *
 * A namespace whose Namespace Identification Descriptor says CSI 02h (the
 * driver enables all I/O command sets when CAP.CSS bit 6 offers them,
 * nvme_ns.h) is zoned: nvme_ns.cmdset.zone_size etc. come from the Zoned Identify
 * Namespace (CNS 05h, CSI 02h). Reads work as usual (nvme_read); a write
 * (nvme_write) must start at its zone's write pointer and stay inside the
 * zone's capacity, or the device refuses it (NVME_SC_ZONE_*, SCT 1h SC
 * B8h-BFh, in words by nvme_strerror); nvme_zns_explain() turns such a
 * failure into a sentence about the zone. Zone Append writes anywhere in a
 * zone and returns the LBA written.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_ZNS_H
#define NVME_ZNS_H

/* A zone report the driver refuses (descriptor outside the namespace, not
 * on a zone boundary, write pointer outside the zone, capacity above the
 * zone size). */
#define NVME_ERR_BAD_ZONE_DATA   (-58)

#if NVME_CFG_ZNS

/* The zoned parameters of ns (NVME_ERR_UNSUPPORTED if ns is not zoned). */
struct nvme_zns_info {
	uint64_t zone_size;          /* blocks per zone */
	uint64_t zone_count;
	uint32_t max_active;         /* zones active at once (MAR + 1), 0 = no limit */
	uint32_t max_open;           /* zones open at once (MOR + 1), 0 = no limit */
	bool     variable_capacity;  /* ZOC bit 0: a zone's capacity may change on reset */
	bool     active_excursions;  /* ZOC bit 1: the controller may finish active zones */
	bool     read_across;        /* OZCS bit 0: reads may cross zone boundaries */
	uint32_t zdes_bytes;         /* zone descriptor extension size, bytes */
	uint32_t append_max_blocks;  /* largest Zone Append (ZASL, MDTS, 65536) */
	uint8_t  zasl;               /* Zoned Identify Controller ZASL as read */
};
bool nvme_ns_is_zoned(const struct nvme_ns *ns);
int nvme_zns_info(const struct nvme_ns *ns, struct nvme_zns_info *out);

/* One zone of a report. */
struct nvme_zone {
	uint64_t zslba;              /* first LBA */
	uint64_t zcap;               /* writable blocks */
	uint64_t wp;                 /* write pointer (meaningful when open/closed/empty) */
	uint8_t  type;               /* NVME_ZT_* */
	uint8_t  state;              /* NVME_ZS_* */
	uint8_t  attrs;              /* NVME_ZA_* bits */
	uint8_t  zai;
};
/* A parsed report: nr_zones is what the device says (all matching zones
 * from slba on, or with partial the descriptors it returned); count is the
 * descriptors inside the caller's buffer that can be read. */
struct nvme_zone_report {
	uint64_t nr_zones;
	uint32_t count;
	bool     extended;
	uint32_t desc_bytes;         /* 64 + extension bytes per descriptor */
};

/*
 * Zone Management Receive: report zones from the one holding slba on into
 * buf (len a multiple of 4, 64..max transfer). zrasf: NVME_ZRASF_* (which
 * states); partial: nr_zones counts only what was returned; extended: an
 * Extended Report Zones (descriptor extensions; NVME_ERR_UNSUPPORTED when the
 * namespace has none).
 */
int nvme_zns_report(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t slba, uint8_t zrasf,
		    bool partial, bool extended, void *buf, size_t len, struct nvme_zone_report *rep);
/* Descriptor i (< rep->count) of a report in buf, checked against the
 * namespace (NVME_ERR_BAD_ZONE_DATA); ext (may be NULL) receives the
 * extension's address in buf, or NULL without one. */
int nvme_zns_report_entry(const struct nvme_ns *ns, const void *buf, size_t len,
			  const struct nvme_zone_report *rep, uint32_t i, struct nvme_zone *z,
			  const uint8_t **ext);
/* The zone holding lba (one-zone partial report). */
int nvme_zns_zone(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, struct nvme_zone *z);

/*
 * Zone Management Send: zsa NVME_ZSA_OPEN/CLOSE/FINISH/RESET/OFFLINE on the
 * zone starting at slba (NVME_ERR_INVAL if slba is not a zone start), or with
 * select_all on every zone in a state the action applies to (slba ignored).
 */
int nvme_zns_mgmt(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t slba, uint8_t zsa, bool select_all);
/*
 * Zone Append: count blocks of buf into the zone starting at zslba; *lba_out
 * (may be NULL) receives the LBA the device wrote the first block at, which
 * is checked to lie inside the zone (NVME_ERR_BAD_ZONE_DATA otherwise).
 * count above nvme_zns_info's append_max_blocks: NVME_ERR_TOO_LARGE.
 */
int nvme_zns_append(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t zslba, uint32_t count,
		    const void *buf, uint64_t *lba_out);

/* "empty", "implicitly open", "explicitly open", "closed", "read-only",
 * "full", "offline", "reserved". */
const char *nvme_zone_state_name(uint8_t state);
/* "close", "finish", "open", "reset", "offline", "?". */
const char *nvme_zsa_name(uint8_t zsa);
/*
 * Why a write or append of nlb blocks at slba failed with status, in words
 * about its zone, e.g. "write at LBA 3 is not at zone 0's write pointer
 * (LBA 0)", "write of 8 blocks at LBA 60 crosses the end of zone 0 (LBA
 * 0..63, capacity 64)", "zone 2 (LBA 128) is full". Reads the zone's state
 * (one report) when status is a zone status; any other status (or a report
 * that fails) is described as nvme_status_describe would. Returns the full
 * length, like snprintf.
 */
size_t nvme_zns_explain(struct nvme_ns *ns, struct nvme_qpair *q, int status, uint64_t slba,
			uint32_t nlb, bool append, char *buf, size_t len);

#endif /* NVME_CFG_ZNS */

#endif /* NVME_ZNS_H */
