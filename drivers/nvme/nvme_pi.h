/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_pi.h - I/O on namespaces with metadata and end-to-end protection
 * information (nvme_pi.c; NVME_CFG_PI).
 *
 * A namespace's current format may carry ns->meta_size metadata bytes per
 * block, either interleaved after each block's data in the one data buffer
 * (extended LBA, ns->meta_extended) or in a separate buffer the command
 * points at (MPTR). Protection information (PI, DPS types 1..3) is an 8-byte
 * (16b guard: CRC-16 T10-DIF, 32-bit reference tag) or 16-byte (64b guard:
 * CRC-64/NVME, 48-bit reference tag; the format's PIF, CNS 05h) tuple at the
 * start (DPS bit 3) or end of each block's metadata.
 *
 * Plain I/O (nvme_read/nvme_write, the byte helpers, nvme_compare,
 * nvme_write_zeroes, nvme_verify) on such a namespace, see ns->cmdset.md_plain:
 *  - metadata that is exactly the PI tuple: sent with PRACT=1 (the
 *    controller generates PI on writes, with the LBA as reference tag, and
 *    strips it on reads without checking it): the caller sees data only;
 *  - any other metadata: NVME_ERR_UNSUPPORTED, nothing sent: the metadata
 *    would be lost or (extended LBAs) the buffer too short; use the calls
 *    below.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_PI_H
#define NVME_PI_H

#include "nvme_support.h"

/* How plain I/O treats a namespace's metadata (ns->cmdset.md_plain). */
enum nvme_md_plain {
	NVME_MD_PLAIN_NONE = 0,   /* no metadata: plain commands as they are */
	NVME_MD_PLAIN_PRACT,      /* PI-only metadata: plain commands carry PRACT=1 */
	NVME_MD_PLAIN_REFUSED     /* other metadata: plain I/O refused (NVME_ERR_UNSUPPORTED) */
};

/* Driver-side PI check results (nvme_pi_check, the PRCHK of nvme_pi_read
 * when the driver checks; device-side: SCT 2h SC 82h/83h/84h). */
#define NVME_ERR_PI_GUARD        (-50) /* guard (CRC) of a block differs from its data */
#define NVME_ERR_PI_APP_TAG      (-51) /* application tag differs (under the mask) */
#define NVME_ERR_PI_REF_TAG      (-52) /* reference tag differs from the expected one */

#if NVME_CFG_PI

/* CRC-16 T10-DIF (poly 8BB7h, init 0, not reflected): crc of n bytes
 * continuing from crc (start with 0). "123456789" gives D0DBh. */
uint16_t nvme_crc16_t10dif(uint16_t crc, const void *p, size_t n);
/* CRC-64/NVME (Rocksoft polynomial AD93D23594C93659h, reflected, init and
 * xor-out all ones): start with crc 0, chain by passing the last result.
 * "123456789" gives AE8B14860A799888h. */
uint64_t nvme_crc64_nvme(uint64_t crc, const void *p, size_t n);

/* Protection information type of ns's format (DPS bits 2:0): 0 none, 1..3. */
unsigned nvme_ns_pi_type(const struct nvme_ns *ns);
/* True if the PI tuple is in the first bytes of the metadata (DPS bit 3). */
bool nvme_ns_pi_first(const struct nvme_ns *ns);

/* PRINFO bits of a request: NVME_PRINFO_* of nvme_spec.h. */
struct nvme_pi_req {
	/* Data: count blocks of ns->lba_size bytes; with extended LBAs each
	 * block followed by its ns->meta_size metadata bytes, unless PRACT is
	 * set and the metadata is only the PI tuple (the controller inserts
	 * and strips it: data only). Any address (bounced when needed). */
	void    *data;
	/* Separate metadata (not extended): count * ns->meta_size bytes,
	 * below dma_limit, never bounced. Dword aligned and physically
	 * contiguous: sent by address (MPTR). Otherwise (pages scattered,
	 * any alignment the SGLs allow) sent by SGL when nvme_pi_meta_sgl(),
	 * else NVME_ERR_DMA, nothing sent. NULL only when PRACT is set and
	 * the metadata is only the PI tuple. NULL with extended LBAs. */
	void    *meta;
	uint8_t  prinfo;         /* NVME_PRINFO_PRACT | NVME_PRINFO_PRCHK_* */
	/* Reference tag of the first block (ILBRT/EILBRT): 32 bits, 48 with
	 * the 64b guard. Type 1 requires the LBA's low bits here (the
	 * controller refuses another with Invalid Protection Information). */
	uint64_t ref_tag;
	uint16_t app_tag, app_mask; /* expected/inserted application tag, the bits checked */
	unsigned flags;          /* NVME_IO_FUA, NVME_IO_LIMITED_RETRY, NVME_PI_META_SGL */
};

/* r->flags: send the separate metadata by SGL (PSDT 10b) even when it is
 * contiguous; NVME_ERR_UNSUPPORTED without nvme_pi_meta_sgl(). */
#define NVME_PI_META_SGL         0x0100u

/*
 * True when separate metadata can go by SGL (PSDT 10b, MPTR pointing at one
 * SGL descriptor, NVMe 1.4 section 4.2): Identify Controller SGLS bits 1:0
 * are 01b or 10b and bit 19 is set, and the driver sends I/O data by SGL
 * (cfg.dptr_mode not NVME_DPTR_PRP; NVME_CFG_SGL). QEMU 7.2 does not set
 * bit 19. The descriptors of data and metadata share the command slot's
 * list space (nvme_ctrl_max_transfer() / page size + 1 PRP entries' worth):
 * data in many pieces plus metadata in several can exceed it; the
 * synchronous calls then send fewer blocks per command, the _async ones
 * return NVME_ERR_DMA (nothing sent).
 */
bool nvme_pi_meta_sgl(const struct nvme_ctrl *c);

/* Most blocks one metadata command moves: ns->max_blocks, fewer with
 * extended LBAs (data and metadata count against the max transfer). */
uint32_t nvme_pi_max_blocks(const struct nvme_ns *ns);

/*
 * Read / Write / Compare count blocks at lba with metadata as r describes.
 * Synchronous calls split into commands of nvme_pi_max_blocks() (the
 * reference tag advancing with the blocks for types 1 and 2); the _async
 * calls send one command (above: NVME_ERR_TOO_LARGE; r is read during the
 * call only, its data and meta must stay valid until cb runs). The device's PI check
 * errors come back as device statuses (SCT 2h SC 82h/83h/84h);
 * nvme_pi_describe() puts them in words. Checks as nvme_read(), then r:
 * NULL data, metadata missing or given where it must not be, PRINFO bits
 * above 3, a PI request on a namespace without PI: NVME_ERR_INVAL;
 * NVME_ERR_UNSUPPORTED for a 32b guard format.
 */
int nvme_pi_read(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		 const struct nvme_pi_req *r);
int nvme_pi_write(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		  const struct nvme_pi_req *r);
int nvme_pi_compare(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		    const struct nvme_pi_req *r);
int nvme_pi_read_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		       const struct nvme_pi_req *r, nvme_cmd_cb cb, void *arg);
int nvme_pi_write_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			const struct nvme_pi_req *r, nvme_cmd_cb cb, void *arg);
/* Verify (the device checks PI as PRCHK says; PRACT must be 0) and Write
 * Zeroes (PRACT=1: the controller writes PI with r's tags; PRCHK must be
 * 0) with r's PRINFO and tags, data and meta unused. Split like
 * nvme_verify()/nvme_write_zeroes() (needs NVME_CFG_DM for their limits:
 * without it, ns->max_blocks). */
int nvme_pi_verify(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
		   const struct nvme_pi_req *r);
int nvme_pi_write_zeroes(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t lba, uint32_t count,
			 const struct nvme_pi_req *r);

/*
 * Driver-side PI (PRACT=0): fill the PI tuple of count blocks with the
 * guard of each block's data (and, PI at the end, the metadata bytes
 * before it), app_tag, and ref_tag + i (types 1, 2; type 3: ref_tag for
 * every block). data and meta as in struct nvme_pi_req (meta NULL for
 * extended LBAs). NVME_ERR_INVAL when ns has no PI or an argument is NULL.
 */
int nvme_pi_generate(const struct nvme_ns *ns, void *data, void *meta, uint32_t count,
		     uint64_t ref_tag, uint16_t app_tag);

/* Where a driver-side check failed. */
struct nvme_pi_error {
	uint64_t lba;            /* the block */
	uint64_t expected, found; /* guard, application tag (masked) or reference tag */
};
/*
 * Check count blocks read from lba (lba is for the message only) as the
 * controller would with PRCHK bits prchk: 0, or NVME_ERR_PI_GUARD /
 * NVME_ERR_PI_APP_TAG / NVME_ERR_PI_REF_TAG for the first block that fails
 * (err, may be NULL, says which and what). Blocks whose application tag is
 * FFFFh (types 1, 2), or also whose reference tag is all ones (type 3), are
 * not checked, as the spec says.
 */
int nvme_pi_check(const struct nvme_ns *ns, const void *data, const void *meta, uint32_t count,
		  uint64_t lba, uint64_t ref_tag, uint16_t app_tag, uint16_t app_mask, unsigned prchk,
		  struct nvme_pi_error *err);

/*
 * One line into buf for the result rc of a PI call on count blocks at lba:
 * a driver-side error with err ("reference tag check error at LBA 7:
 * expected 00000007h, found 00000009h"), a device PI check error ("guard
 * check error reported by the device in LBAs 0..7 (it does not say which
 * block; SCT 2h SC 82h)"), else nvme_status_describe(). Returns the full
 * length, like snprintf.
 */
size_t nvme_pi_describe(int rc, uint64_t lba, uint32_t count, const struct nvme_pi_error *err,
			char *buf, size_t len);

#endif /* NVME_CFG_PI */

#endif /* NVME_PI_H */
