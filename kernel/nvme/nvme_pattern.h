/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_pattern.h - data patterns for the NVMe shell's write and read --check.
 *
 * Every pattern except DATA is a pure function of the byte's offset o within
 * the namespace (o = LBA * block size + offset in the block) and a 64-bit
 * seed, so a checker can regenerate what was written anywhere on the disk
 * without knowing how the writes were split (tests/qemu/nvme_disk.py has the
 * same generators in Python):
 *
 *   byte V   every byte is V (0..255); the seed is ignored
 *   zero     byte 0x00
 *   inc      byte = (o + seed) mod 256 (repeats every 256 bytes: use random
 *            to detect data landing at the wrong place)
 *   random   splitmix64 per 8-byte word: word w = o / 8 holds
 *              z = seed + (w + 1) * 0x9E3779B97F4A7C15   (mod 2^64)
 *              z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *              z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *              z =  z ^ (z >> 31)
 *            stored little endian, so byte o is bits 8*(o%8) .. of z. This is
 *            output number w of a splitmix64 generator started with state
 *            `seed`.
 *   DATA     (--data HEX) the given bytes repeated from the first byte of the
 *            command's range: byte = data[(o - start) mod len].
 */
#ifndef KERNEL_NVME_PATTERN_H
#define KERNEL_NVME_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATTERN_DATA_MAX 256

enum pattern_kind { PATTERN_BYTE, PATTERN_INC, PATTERN_RANDOM, PATTERN_DATA };

struct pattern {
	enum pattern_kind kind;
	uint8_t byte;          /* BYTE */
	uint64_t seed;         /* INC, RANDOM */
	uint64_t start;        /* DATA: namespace offset of data[0] */
	size_t data_len;       /* DATA */
	uint8_t data[PATTERN_DATA_MAX];
};

/* Parses "0xAB"/"171" (a byte), "zero", "inc"/"incrementing",
 * "random"/"rand". Returns false for anything else (or a value > 255). */
bool pattern_parse(const char *spec, uint64_t seed, struct pattern *p);
/* Parses hex bytes ("0011aabb", optional 0x prefix, even number of digits,
 * 1..PATTERN_DATA_MAX bytes) into a DATA pattern starting at offset start.
 * Returns false on bad input. */
bool pattern_parse_hex(const char *hex, uint64_t start, struct pattern *p);
/* "byte 0xab", "inc seed 0", "random seed 7", "data (4 bytes)". */
void pattern_describe(const struct pattern *p, char *buf, size_t len);

/* The splitmix64 word for word index w (see above). */
uint64_t pattern_random_word(uint64_t seed, uint64_t w);
/* Fills buf with the pattern's bytes for namespace offsets off..off+len-1. */
void pattern_fill(const struct pattern *p, uint64_t off, void *buf, size_t len);
/* Compares buf (namespace offsets off..off+len-1) with the pattern. Returns
 * the number of differing bytes; the first difference (if any) is stored in
 * *first (index into buf), *expected and *got. */
uint64_t pattern_check(const struct pattern *p, uint64_t off, const void *buf, size_t len,
		       size_t *first, uint8_t *expected, uint8_t *got);

#endif
