/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_ns.c - the namespace store.
 *
 * Namespaces are kept sorted by NSID (binary search, so several thousand
 * sparse NSIDs are cheap). Block contents live in a per-namespace open
 * addressing hash table keyed by LBA and are allocated on first write;
 * unwritten or deallocated blocks read as zeros (DLFEAT read value 001b).
 * This file is the only code that touches block contents.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static int cmp_ns(const void *a, const void *b)
{
	uint32_t x = ((const struct model_ns *)a)->nsid, y = ((const struct model_ns *)b)->nsid;
	return x < y ? -1 : x > y;
}

static unsigned log2u(uint32_t v)
{
	unsigned n = 0;
	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static void setup_formats(struct model_ns *ns)
{
	static const struct { uint32_t size; uint16_t ms; } base[] = {
		{ 512, 0 }, { 4096, 0 }, { 512, 8 }, { 4096, 8 },
	};
	unsigned n = 0;
	int cur = -1;
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		ns->lbaf[n].lbads = (uint8_t)log2u(base[i].size);
		ns->lbaf[n].ms = base[i].ms;
		if (base[i].size == ns->lba_size && base[i].ms == ns->ms)
			cur = (int)n;
		n++;
	}
	if (cur < 0) {
		ns->lbaf[n].lbads = ns->lbads;
		ns->lbaf[n].ms = ns->ms;
		cur = (int)n++;
	}
	ns->nlbaf = (uint8_t)(n - 1);
	ns->flbas = (uint8_t)cur;
}

int model_ns_setup(struct nvme_model *m, const struct nvme_model_ns_config *cfg, uint32_t n)
{
	m->ns = n ? calloc(n, sizeof(*m->ns)) : NULL;
	m->ns_count = 0;
	if (n && !m->ns)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const struct nvme_model_ns_config *c = &cfg[i];
		if (c->nsid == 0 || c->nsid >= 0xFFFFFFFEu || c->lba_size < 512 || c->lba_size > 65536 ||
		    (c->lba_size & (c->lba_size - 1)) || c->blocks == 0) {
			fprintf(stderr, "nvme-model: bad namespace config (nsid %u, lba %u, blocks %llu)\n", c->nsid,
				c->lba_size, (unsigned long long)c->blocks);
			return -1;
		}
		struct model_ns *ns = &m->ns[m->ns_count++];
		ns->nsid = c->nsid;
		ns->lba_size = c->lba_size;
		ns->lbads = (uint8_t)log2u(c->lba_size);
		ns->ms = c->ms;
		ns->blocks = c->blocks;
		setup_formats(ns);
		if (model_pi_ns_setup(m, ns, c) != 0)
			return -1;
	}
	qsort(m->ns, m->ns_count, sizeof(*m->ns), cmp_ns);
	for (uint32_t i = 1; i < m->ns_count; i++)
		if (m->ns[i].nsid == m->ns[i - 1].nsid) {
			fprintf(stderr, "nvme-model: namespace %u configured twice\n", m->ns[i].nsid);
			return -1;
		}
	return 0;
}

static void ns_free_blocks(struct model_ns *ns)
{
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slots[i].data);
	free(ns->slots);
	ns->slots = NULL;
	ns->cap = ns->used = 0;
}

void model_ns_free_all(struct nvme_model *m)
{
	for (uint32_t i = 0; i < m->ns_count; i++)
		ns_free_blocks(&m->ns[i]);
	free(m->ns);
	m->ns = NULL;
	m->ns_count = 0;
}

struct model_ns *model_ns_find(struct nvme_model *m, uint32_t nsid)
{
	uint32_t lo = 0, hi = m->ns_count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->ns[mid].nsid == nsid)
			return &m->ns[mid];
		if (m->ns[mid].nsid < nsid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

uint32_t model_ns_next(struct nvme_model *m, uint32_t after)
{
	uint32_t lo = 0, hi = m->ns_count;
	while (lo < hi) {   /* first nsid > after */
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->ns[mid].nsid <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->ns_count ? m->ns[lo].nsid : 0;
}

/* ------------------------------------------------------------------------ */
/* Sparse block store                                                        */
/* ------------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static struct model_blk *blk_lookup(struct model_ns *ns, uint64_t lba)
{
	if (!ns->cap)
		return NULL;
	size_t mask = ns->cap - 1;
	for (size_t i = (size_t)mix(lba) & mask;; i = (i + 1) & mask) {
		if (ns->slots[i].key == 0)
			return NULL;
		if (ns->slots[i].key == lba + 1)
			return &ns->slots[i];
	}
}

static void blk_grow(struct model_ns *ns)
{
	size_t ncap = ns->cap ? ns->cap * 2 : 1024;
	struct model_blk *old = ns->slots;
	size_t ocap = ns->cap;
	ns->slots = calloc(ncap, sizeof(*ns->slots));
	if (!ns->slots)
		abort();
	ns->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].key)
			continue;
		size_t j = (size_t)mix(old[i].key - 1) & (ncap - 1);
		while (ns->slots[j].key)
			j = (j + 1) & (ncap - 1);
		ns->slots[j] = old[i];
	}
	free(old);
}

static struct model_blk *blk_get(struct model_ns *ns, uint64_t lba)
{
	struct model_blk *b = blk_lookup(ns, lba);
	if (b)
		return b;
	if ((ns->used + 1) * 10 > ns->cap * 7)
		blk_grow(ns);
	size_t mask = ns->cap - 1;
	size_t i = (size_t)mix(lba) & mask;
	while (ns->slots[i].key)
		i = (i + 1) & mask;
	ns->slots[i].key = lba + 1;
	ns->slots[i].data = NULL;
	ns->used++;
	return &ns->slots[i];
}

const uint8_t *model_ns_block(struct model_ns *ns, uint64_t lba)
{
	struct model_blk *b = blk_lookup(ns, lba);
	return b ? b->data : NULL;
}

void model_ns_read(struct model_ns *ns, uint64_t lba, uint64_t n, void *data, void *md)
{
	uint8_t *d = data, *mp = md;
	for (uint64_t i = 0; i < n; i++) {
		struct model_blk *b = blk_lookup(ns, lba + i);
		if (b && b->data) {
			memcpy(d, b->data, ns->lba_size);
			if (mp)
				memcpy(mp, b->data + ns->lba_size, ns->ms);
		} else {
			memset(d, 0, ns->lba_size);
			if (mp)
				memset(mp, 0, ns->ms);
		}
		d += ns->lba_size;
		if (mp)
			mp += ns->ms;
	}
}

void model_ns_write(struct model_ns *ns, uint64_t lba, uint64_t n, const void *data, const void *md)
{
	const uint8_t *d = data, *mp = md;
	for (uint64_t i = 0; i < n; i++) {
		struct model_blk *b = blk_get(ns, lba + i);
		if (!b->data) {
			b->data = calloc(1, (size_t)ns->lba_size + ns->ms);
			if (!b->data)
				abort();
		}
		memcpy(b->data, d, ns->lba_size);
		if (mp) {
			memcpy(b->data + ns->lba_size, mp, ns->ms);
			mp += ns->ms;
		}
		d += ns->lba_size;
	}
}

void model_ns_deallocate(struct model_ns *ns, uint64_t lba, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct model_blk *b = blk_lookup(ns, lba + i);
		if (b) {
			free(b->data);
			b->data = NULL;
		}
	}
}

void model_ns_fill_id(struct nvme_model *m, const struct model_ns *ns, struct nvme_id_ns *id)
{
	memset(id, 0, sizeof(*id));
	id->nsze = ns->blocks;
	id->ncap = ns->blocks;
	id->nuse = ns->blocks;
	id->nlbaf = ns->nlbaf;
	id->flbas = ns->flbas;
	id->dlfeat = (uint8_t)NVME_SET(NVME_DLFEAT_READ_VALUE, NVME_DLFEAT_READ_ZEROES);
	model_pi_fill_id(ns, id);
	for (unsigned i = 0; i <= ns->nlbaf; i++)
		id->lbaf[i] = ns->lbaf[i];
	uint64_t h = mix(((uint64_t)ns->nsid << 32) ^ mix((uint64_t)m->bar_phys));
	for (int i = 0; i < 8; i++) {
		id->eui64[i] = (uint8_t)(h >> (8 * i));
		id->nguid[i] = (uint8_t)(h >> (8 * i));
		id->nguid[8 + i] = (uint8_t)(ns->nsid >> (8 * (i & 3)));
	}
}
