/* SPDX-License-Identifier: BSD-2-Clause */
/* nvme_fwimage.c - the nvmetk firmware test image (see nvme_fwimage.h). */
#include "nvme_fwimage.h"
#include "nvme_splitmix.h"

static const uint8_t magic[8] = { 'N', 'V', 'M', 'E', 'T', 'K', 'F', 'W' };

uint32_t fwimage_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;
	crc = ~crc;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool fwimage_generate(void *buf, size_t size, uint64_t seed)
{
	uint8_t *b = buf;
	if (size < FWIMAGE_HEADER_SIZE || size % 4 || size > 0xFFFFFFFFu)
		return false;
	for (size_t o = FWIMAGE_HEADER_SIZE; o < size; o += 8) {
		uint64_t z = nvme_splitmix64(seed, o / 8);
		for (size_t k = 0; k < 8 && o + k < size; k++)
			b[o + k] = (uint8_t)(z >> (8 * k));
	}
	for (int i = 0; i < 8; i++)
		b[i] = magic[i];
	put32(b + 8, FWIMAGE_VERSION);
	put32(b + 12, (uint32_t)size);
	put32(b + 16, (uint32_t)seed);
	put32(b + 20, (uint32_t)(seed >> 32));
	put32(b + 24, fwimage_crc32(0, b + FWIMAGE_HEADER_SIZE, size - FWIMAGE_HEADER_SIZE));
	put32(b + 28, 0);
	return true;
}

void fwimage_inspect(const void *buf, size_t len, struct fwimage_info *out)
{
	const uint8_t *b = buf;
	*out = (struct fwimage_info){ 0 };
	out->crc_image = fwimage_crc32(0, b, len);
	if (len < FWIMAGE_HEADER_SIZE)
		return;
	for (int i = 0; i < 8; i++)
		if (b[i] != magic[i])
			return;
	out->version = get32(b + 8);
	if (out->version != FWIMAGE_VERSION)
		return;
	out->ours = true;
	out->size = get32(b + 12);
	out->seed = (uint64_t)get32(b + 16) | (uint64_t)get32(b + 20) << 32;
	out->crc_stored = get32(b + 24);
	out->crc_payload = fwimage_crc32(0, b + FWIMAGE_HEADER_SIZE, len - FWIMAGE_HEADER_SIZE);
	out->valid = out->size == len && out->crc_payload == out->crc_stored;
}
