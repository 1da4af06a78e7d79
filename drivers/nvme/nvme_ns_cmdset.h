/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ns_cmdset.h - a namespace's command-set and family facts.
 *
 * struct nvme_ns (nvme.h) embeds this as ns->cmdset. The driver fills it at
 * namespace scan (Identify Namespace, the Namespace Identification
 * Descriptors, the I/O-command-set-specific Identify Namespace); a host may
 * read it, never write it. A port that uses plain read/write/flush only
 * needs none of it: each field belongs to the family header named below,
 * which also offers a function returning the same facts in a host struct.
 */
#include "nvme.h"
#ifndef NVME_NS_CMDSET_H
#define NVME_NS_CMDSET_H

struct nvme_ns_cmdset {
	/* command set of the namespace (NVME_CSI_*, nvme_spec.h), from the
	 * Namespace Identification Descriptor; NVM when the device gives none */
	uint8_t  csi;
	/* protection information (nvme_pi.h): the tuple's size (0: none, 8:
	 * 16-bit guard, 16: 64-bit guard), its format (PIF, CNS 05h) and how
	 * nvme_read/nvme_write treat the metadata (enum nvme_md_plain) */
	uint8_t  pi_size, pif, md_plain;
#if NVME_CFG_ZNS
	/* zoned namespace (csi NVME_CSI_ZNS): Zoned Identify Namespace
	 * (nvme_zns.h; nvme_zns_info() gives the same in a host struct) */
	uint64_t zone_size;      /* blocks per zone (ZSZE of the current format) */
	uint64_t zone_count;     /* NSZE / zone_size */
	uint32_t zone_max_active, zone_max_open;  /* MAR+1, MOR+1; 0 = no limit */
	uint16_t zoc, ozcs;      /* zone operation characteristics, optional zoned command support */
	uint8_t  zdes;           /* zone descriptor extension, 64-byte units */
#endif
	/* Copy limits of Identify Namespace (nvme_copy.h, nvme_copy_limits()):
	 * MSSRL (blocks per source range), MCL (blocks per command), MSRC + 1
	 * (ranges per command); and the guard of the protection information
	 * format (NVME_COPY_PIF_*: descriptor format 0h goes with a 16-bit
	 * guard or no PI, 1h with a 32/64-bit guard) */
	uint32_t copy_mssrl, copy_mcl;
	uint16_t copy_ranges;
	uint8_t  copy_pif;
	/* driver-internal: the namespace's size (NSZE) and max_blocks when
	 * the Read/Write fast path may use it (NSID not 0, usable, no metadata
	 * for the driver to handle, size >= max_blocks), else 0 and 0; set at
	 * namespace scan, so the fast path makes its namespace tests in its
	 * count and range checks */
	uint64_t fast_blocks;
	uint32_t fast_max;
	/* and the NSID where it sits in the first 64 bits of an SQE (NSID <<
	 * 32), for the fast path to OR the opcode into */
	uint64_t fast_nsid_hi;
};

#endif /* NVME_NS_CMDSET_H */
