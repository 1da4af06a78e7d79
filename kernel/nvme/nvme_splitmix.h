/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_splitmix.h - the splitmix64 word behind the shell's "random" pattern
 * (nvme_pattern.h), the firmware test image (nvme_fwimage.h) and iochk's
 * block payloads: word w of the stream of seed. Header-only, so the host tool
 * mkfwimage shares it without the kernel's other files.
 */
#ifndef NVME_SPLITMIX_H
#define NVME_SPLITMIX_H

#include <stdint.h>

static inline uint64_t nvme_splitmix64(uint64_t seed, uint64_t w)
{
	uint64_t z = seed + (w + 1) * 0x9E3779B97F4A7C15ull;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

#endif /* NVME_SPLITMIX_H */
