/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_fwimage.h - the nvmetk firmware test image: what `fw-download
 * --generate SIZE` builds in memory and what the build writes to
 * build/fw-test.bin (tools/mkfwimage.c), which GRUB loads as the Multiboot2
 * module "fw-test.bin" (iso/grub.cfg) for `fw-download --module fw-test.bin`.
 *
 * It is not firmware for any device: a device that checks images rejects it
 * (Invalid Firmware Image at commit). It exists so that downloads can be
 * tried and checked end to end. Format (little endian), SIZE bytes, SIZE a
 * multiple of 4 and at least FWIMAGE_HEADER_SIZE:
 *
 *   0   8 bytes  magic "NVMETKFW"
 *   8   u32      format version (1)
 *   12  u32      SIZE, the whole image in bytes
 *   16  u64      seed
 *   24  u32      CRC-32 (IEEE 802.3, as zlib's crc32) of bytes 32..SIZE-1
 *   28  u32      0
 *   32  ...      payload: byte o (o >= 32, the offset in the image) is byte
 *                o % 8 of the little-endian splitmix64 word w = o / 8:
 *                  z = seed + (w + 1) * 0x9E3779B97F4A7C15   (mod 2^64)
 *                  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *                  z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *                  z =  z ^ (z >> 31)
 *                (the shell's "random" pattern with that seed, at image offsets)
 *
 * Freestanding: only <stdint.h>, <stddef.h>, <stdbool.h>, so the host tool
 * builds the same file.
 */
#ifndef KERNEL_NVME_FWIMAGE_H
#define KERNEL_NVME_FWIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FWIMAGE_HEADER_SIZE 32u
#define FWIMAGE_VERSION 1u

/* CRC-32 (IEEE, reflected, init/xorout FFFFFFFFh) continued from crc (0 to
 * start): the same value as zlib.crc32(data, crc). */
uint32_t fwimage_crc32(uint32_t crc, const void *data, size_t len);

/* Writes the image of size bytes (a multiple of 4, >= FWIMAGE_HEADER_SIZE)
 * into buf. false (nothing written) for a bad size. */
bool fwimage_generate(void *buf, size_t size, uint64_t seed);

struct fwimage_info {
	bool ours;              /* magic and version match */
	uint32_t version;
	uint32_t size;          /* the size the header claims */
	uint64_t seed;
	uint32_t crc_stored;    /* header CRC of the payload */
	uint32_t crc_payload;   /* computed */
	uint32_t crc_image;     /* CRC-32 of all bytes (any image) */
	bool valid;             /* ours, the size matches and the payload CRC too */
};
/* Looks at any image (len bytes). */
void fwimage_inspect(const void *buf, size_t len, struct fwimage_info *out);

#endif
