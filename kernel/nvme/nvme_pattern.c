/* SPDX-License-Identifier: BSD-2-Clause */
/* nvme_pattern.c - data patterns of the NVMe shell (definitions in nvme_pattern.h). */
#include "nvme_pattern.h"
#include "nvme_splitmix.h"
#include "kformat.h"
#include "kstring.h"
#include "shell.h"

uint64_t pattern_random_word(uint64_t seed, uint64_t w)
{
	return nvme_splitmix64(seed, w);
}

bool pattern_parse(const char *spec, uint64_t seed, struct pattern *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = seed;
	if (strcmp(spec, "inc") == 0 || strcmp(spec, "incrementing") == 0) {
		p->kind = PATTERN_INC;
		return true;
	}
	if (strcmp(spec, "random") == 0 || strcmp(spec, "rand") == 0) {
		p->kind = PATTERN_RANDOM;
		return true;
	}
	if (strcmp(spec, "zero") == 0 || strcmp(spec, "zeros") == 0) {
		p->kind = PATTERN_BYTE;
		p->byte = 0;
		return true;
	}
	uint64_t v;
	if (!parse_u64(spec, &v) || v > 255)
		return false;
	p->kind = PATTERN_BYTE;
	p->byte = (uint8_t)v;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)k_tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool pattern_parse_hex(const char *hex, uint64_t start, struct pattern *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = PATTERN_DATA;
	p->start = start;
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	size_t n = strlen(hex);
	if (n == 0 || n % 2 != 0 || n / 2 > PATTERN_DATA_MAX)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		p->data[i] = (uint8_t)(hi << 4 | lo);
	}
	p->data_len = n / 2;
	return true;
}

void pattern_describe(const struct pattern *p, char *buf, size_t len)
{
	switch (p->kind) {
	case PATTERN_BYTE:
		ksnprintf(buf, len, "byte 0x%02x", p->byte);
		break;
	case PATTERN_INC:
		ksnprintf(buf, len, "inc seed %llu", (unsigned long long)p->seed);
		break;
	case PATTERN_RANDOM:
		ksnprintf(buf, len, "random seed %llu", (unsigned long long)p->seed);
		break;
	case PATTERN_DATA:
		ksnprintf(buf, len, "data (%u byte%s)", (unsigned)p->data_len, p->data_len == 1 ? "" : "s");
		break;
	}
}

static inline uint8_t pattern_byte(const struct pattern *p, uint64_t o)
{
	switch (p->kind) {
	case PATTERN_BYTE:
		return p->byte;
	case PATTERN_INC:
		return (uint8_t)(o + p->seed);
	case PATTERN_RANDOM:
		return (uint8_t)(pattern_random_word(p->seed, o >> 3) >> (8 * (o & 7)));
	case PATTERN_DATA:
		return p->data[(o - p->start) % p->data_len];
	}
	return 0;
}

void pattern_fill(const struct pattern *p, uint64_t off, void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t i = 0;
	switch (p->kind) {
	case PATTERN_BYTE:
		memset(b, p->byte, len);
		return;
	case PATTERN_RANDOM:
		/* head bytes up to a word boundary, whole words, tail bytes */
		for (; i < len && ((off + i) & 7); i++)
			b[i] = pattern_byte(p, off + i);
		for (; i + 8 <= len; i += 8) {
			uint64_t z = pattern_random_word(p->seed, (off + i) >> 3);
			memcpy(b + i, &z, 8); /* little endian */
		}
		for (; i < len; i++)
			b[i] = pattern_byte(p, off + i);
		return;
	case PATTERN_INC:
		for (; i < len; i++)
			b[i] = (uint8_t)(off + i + p->seed);
		return;
	case PATTERN_DATA: {
		size_t k = (size_t)((off - p->start) % p->data_len);
		for (; i < len; i++) {
			b[i] = p->data[k];
			if (++k == p->data_len)
				k = 0;
		}
		return;
	}
	}
}

uint64_t pattern_check(const struct pattern *p, uint64_t off, const void *buf, size_t len,
		       size_t *first, uint8_t *expected, uint8_t *got)
{
	const uint8_t *b = buf;
	uint8_t tmp[512];
	uint64_t bad = 0;
	/* Generate in small pieces and compare with memcmp; look at single
	 * bytes only in pieces that differ. */
	for (size_t i = 0; i < len; i += sizeof(tmp)) {
		size_t n = len - i < sizeof(tmp) ? len - i : sizeof(tmp);
		pattern_fill(p, off + i, tmp, n);
		if (memcmp(tmp, b + i, n) == 0)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (tmp[j] == b[i + j])
				continue;
			if (bad == 0) {
				*first = i + j;
				*expected = tmp[j];
				*got = b[i + j];
			}
			bad++;
		}
	}
	return bad;
}
