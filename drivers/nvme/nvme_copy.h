/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_copy.h - the Copy command (nvme_copy.c): blocks of up to MSRC+1
 * source ranges of a namespace copied by the controller to one destination
 * LBA of the same namespace, without the data crossing the host. ONCS bit 8.
 */
#include "nvme.h"   /* before the guard: nvme_types.h says why */
#ifndef NVME_COPY_H
#define NVME_COPY_H

#include "nvme_support.h"

/* Descriptor formats (Copy dword 12 DESFMT; OCFS bit n says format n). */
#define NVME_COPY_FORMAT_0  0u   /* 32-byte ranges: namespaces with a 16-bit guard, or without PI */
#define NVME_COPY_FORMAT_1  1u   /* 40-byte ranges: namespaces with a 32- or 64-bit guard (48-bit reference tags) */
/* nvme_ns.cmdset.copy_pif: the guard of the namespace's protection information
 * format (Extended LBA Format PIF of CNS 05h; 16-bit when it has no PI or
 * the controller does not report it). */
#define NVME_COPY_PIF_16    0u
#define NVME_COPY_PIF_32    1u
#define NVME_COPY_PIF_64    2u

#if NVME_CFG_COPY

/* One source range, as the caller gives it; nvme_copy_encode() turns an
 * array of them into the descriptor list the command carries. */
struct nvme_copy_range {
	uint64_t slba;           /* first block */
	uint32_t nlb;            /* blocks, 1..65536 (1-based here) */
	uint64_t eilbrt;         /* PI: expected initial reference tag (format 0: 32 bits, 1: 48 bits) */
	uint16_t elbat;          /* PI: expected application tag */
	uint16_t elbatm;         /* PI: its mask */
};

/* The namespace's Copy limits (Identify Namespace) and formats (OCFS). */
struct nvme_copy_limits {
	uint32_t mssrl;          /* blocks one source range may hold (0: Copy unusable) */
	uint32_t mcl;            /* blocks one command may copy (0: Copy unusable) */
	uint32_t max_ranges;     /* MSRC + 1: source ranges per command */
	bool     format0, format1; /* descriptor formats the controller offers (OCFS; 0 alone when OCFS is 0) */
	uint8_t  format;         /* the format this namespace takes (NVME_COPY_FORMAT_*, from copy_pif) */
};
/* Fill out for ns: NVME_ERR_INVAL for NULL arguments, else 0. */
int nvme_copy_limits(const struct nvme_ns *ns, struct nvme_copy_limits *out);

/* Bytes of the descriptor list of nr ranges in format (0 for a bad format
 * or nr outside 1..256). */
size_t nvme_copy_desc_size(unsigned format, uint32_t nr);
/*
 * Encode nr ranges into desc (len bytes, at least nvme_copy_desc_size):
 * NVME_ERR_INVAL for a bad format, nr outside 1..256, a range of 0 or more
 * than 65536 blocks, a reference tag wider than the format (32 / 48 bits)
 * or a short buffer. The list is little-endian as the device reads it.
 */
int nvme_copy_encode(void *desc, size_t len, unsigned format, const struct nvme_copy_range *r, uint32_t nr);

/* Protection information of the Copy command itself (NULL: none). */
struct nvme_copy_pi {
	uint8_t  prinfor;        /* PRINFO of the reads (PRACT bit 3, PRCHK 2:0) */
	uint8_t  prinfow;        /* PRINFO of the write */
	uint64_t ilbrt;          /* initial reference tag of the destination (32 or 48 bits) */
	uint16_t lbat, lbatm;    /* application tag and mask of the destination */
};

/*
 * Copy the nr source ranges in desc (a list of nvme_copy_desc_size(format,
 * nr) bytes built by nvme_copy_encode(); read during the call, or until cb
 * runs for the asynchronous call) to sdlba, in order, back to back. Checked
 * before anything is sent: ns usable, q (NULL = the first I/O queue pair),
 * format 0 or 1 and offered by OCFS (a controller with OCFS 0 offers format
 * 0 alone), the format matching the namespace's guard (format 1 only with a
 * 32/64-bit guard, format 0 otherwise; else NVME_ERR_INVAL), every range
 * and the destination inside the namespace (NVME_ERR_LBA_RANGE), ONCS bit 8
 * (NVME_ERR_NOT_ADVERTISED), then the namespace's limits: more ranges than
 * MSRC+1, a range above MSSRL blocks, or a total above MCL blocks is
 * NVME_ERR_TOO_LARGE, and a namespace whose MSSRL or MCL is 0 (QEMU 7.2
 * without -device nvme-ns) is NVME_ERR_UNSUPPORTED; nvme_ctrl_refusal()
 * then names the limit ("Copy: 3 ranges, namespace 1 takes 2 (MSRC 1)").
 * NVME_CMD_FORCE sends it anyway (support and limits unchecked). flags:
 * NVME_IO_FUA, NVME_IO_LIMITED_RETRY, NVME_CMD_FORCE. pi may be NULL.
 * The controller checks the ranges again (Command Size Limit Exceeded,
 * SCT 1h SC 83h, LBA Out of Range ...).
 */
int nvme_copy(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t sdlba, const void *desc, uint32_t nr,
	      unsigned format, const struct nvme_copy_pi *pi, unsigned flags);
/* The same, asynchronous: checks as above, then submits one command and
 * returns 0; cb runs from a later nvme_qpair_poll(q). desc must stay valid
 * until then (NVME_ERR_BOUNCE_BUSY: it needs the bounce buffer and that is
 * in use). */
int nvme_copy_async(struct nvme_ns *ns, struct nvme_qpair *q, uint64_t sdlba, const void *desc, uint32_t nr,
		    unsigned format, const struct nvme_copy_pi *pi, unsigned flags, nvme_cmd_cb cb, void *arg);

#endif /* NVME_CFG_COPY */

#endif /* NVME_COPY_H */
