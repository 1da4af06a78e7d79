/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * host_env.c - the test host (see host_env.h).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_env.h"
#include "model/nvme_model.h"

/* Bus address ranges in fake_phys mode. */
#define DMA_PHYS_BASE   0x0000000010000000ull   /* 256 MiB */
#define BUF_PHYS_BASE   0x0000000040000000ull   /* 1 GiB */
#define BUF_PHYS_END    0x00000000F0000000ull
#define HIGH_PHYS_BASE  0x0000100000000000ull   /* 16 TiB */

struct host_region {
	uint8_t *virt;        /* start of the allocation */
	size_t   len;         /* bytes (a multiple of unit when scrambled) */
	uint64_t phys;        /* bus address of the range (of virt when not scrambled) */
	size_t   unit;        /* scramble unit, 0 = contiguous */
	bool     dma;         /* from dma_alloc */
	bool     unmapped;    /* virt_to_phys fails */
	size_t   dma_size;    /* size argument of dma_alloc */
	uint64_t dma_phys;    /* phys returned by dma_alloc */
	void    *user;        /* pointer returned to the user (buffers: virt + offset) */
};

/* The callbacks may be called from several threads (queue pairs used on
 * different CPUs): the clock is atomic, everything else takes this lock. */
static pthread_mutex_t g_env_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void env_error(struct host_env *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void env_error(struct host_env *e, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "host_env: %s\n", buf);
	if (e->nerrors < sizeof(e->errors) / sizeof(e->errors[0]))
		e->errors[e->nerrors++] = strdup(buf);
}

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static bool is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

static struct host_region *add_region(struct host_env *e)
{
	if (e->nregions == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->regions = realloc(e->regions, e->cap * sizeof(*e->regions));
		if (!e->regions)
			abort();
	}
	struct host_region *r = &e->regions[e->nregions++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void remove_region(struct host_env *e, struct host_region *r)
{
	size_t i = (size_t)(r - e->regions);
	free(r->virt);
	e->regions[i] = e->regions[--e->nregions];
}

static struct host_region *region_by_virt(struct host_env *e, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	for (size_t i = 0; i < e->nregions; i++) {
		struct host_region *r = &e->regions[i];
		if (a >= (uintptr_t)r->virt && a < (uintptr_t)r->virt + r->len)
			return r;
	}
	return NULL;
}

/* Bus address of byte off of region r. */
static uint64_t region_phys(const struct host_region *r, size_t off)
{
	if (!r->unit)
		return r->phys + off;
	size_t n = r->len / r->unit;
	size_t page = off / r->unit;
	return r->phys + (uint64_t)(n - 1 - page) * r->unit + off % r->unit;
}

static uint64_t bump(uint64_t *next, size_t len, size_t align)
{
	uint64_t a = (*next + align - 1) & ~(uint64_t)(align - 1);
	*next = a + round_up(len, 4096) + 4096;  /* a guard page between ranges */
	return a;
}

/* ------------------------------------------------------------------------ */
/* nvme_host callbacks                                                       */
/* ------------------------------------------------------------------------ */

static void tick(struct host_env *e)
{
	(void)e;
	nvme_model_tick_all();
}

static void *cb_dma_alloc_unlocked(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	struct host_env *e = ctx;
	if (size == 0 || !is_pow2(align) || align < 64) {
		env_error(e, "dma_alloc(size %zu, align %zu) violates the contract", size, align);
		return NULL;
	}
	if (e->cfg.dma_max_contig != 0 && size > e->cfg.dma_max_contig) {
		e->dma_too_large++;
		return NULL;
	}
	if (e->dma_fail_after == 0) {
		e->dma_failed++;
		e->dma_fail_after = -1;
		return NULL;
	}
	if (e->dma_fail_after > 0)
		e->dma_fail_after--;
	size_t len = round_up(size, align);
	uint8_t *p = aligned_alloc(align, len);
	if (!p)
		return NULL;
	memset(p, 0, len);
	struct host_region *r = add_region(e);
	r->virt = p;
	r->len = len;
	r->dma = true;
	r->dma_size = size;
	r->user = p;
	r->phys = e->cfg.fake_phys ? bump(&e->next_dma_phys, len, align) : (uint64_t)(uintptr_t)p;
	if (e->cfg.fake_phys && e->cfg.dma_limit && r->phys + len > e->cfg.dma_limit) {
		env_error(e, "fake DMA address space exhausted below dma_limit");
		remove_region(e, r);
		return NULL;
	}
	r->dma_phys = r->phys;
	*phys = r->phys;
	e->dma_allocs++;
	e->dma_live++;
	e->dma_bytes_live += size;
	if (e->dma_bytes_live > e->dma_bytes_peak)
		e->dma_bytes_peak = e->dma_bytes_live;
	return p;
}

static void *cb_dma_alloc(void *ctx, size_t size, size_t align, uint64_t *phys)
{
	pthread_mutex_lock(&g_env_lock);
	void *r = cb_dma_alloc_unlocked(ctx, size, align, phys);
	pthread_mutex_unlock(&g_env_lock);
	return r;
}

static void cb_dma_free_unlocked(void *ctx, void *virt, uint64_t phys, size_t size)
{
	struct host_env *e = ctx;
	for (size_t i = 0; i < e->nregions; i++) {
		struct host_region *r = &e->regions[i];
		if (r->dma && r->user == virt) {
			if (r->dma_phys != phys || r->dma_size != size)
				env_error(e, "dma_free(%p, phys %#llx, size %zu) does not match dma_alloc (phys %#llx, size %zu)",
					  virt, (unsigned long long)phys, size, (unsigned long long)r->dma_phys,
					  r->dma_size);
			e->dma_frees++;
			e->dma_live--;
			e->dma_bytes_live -= r->dma_size;
			remove_region(e, r);
			return;
		}
	}
	env_error(e, "dma_free(%p, phys %#llx, size %zu) of memory dma_alloc did not return", virt,
		  (unsigned long long)phys, size);
}

static void cb_dma_free(void *ctx, void *virt, uint64_t phys, size_t size)
{
	pthread_mutex_lock(&g_env_lock);
	cb_dma_free_unlocked(ctx, virt, phys, size);
	pthread_mutex_unlock(&g_env_lock);
}

static volatile void *cb_mmio_map(void *ctx, uint64_t phys, size_t size)
{
	struct host_env *e = ctx;
	volatile void *v = nvme_model_map_bar(phys, size);
	if (v)
		e->mmio_maps++;
	if (v && e->nmaps < sizeof(e->maps) / sizeof(e->maps[0])) {
		e->maps[e->nmaps].virt = v;
		e->maps[e->nmaps].size = size;
		e->nmaps++;
	}
	return v;
}

static void cb_mmio_unmap(void *ctx, volatile void *virt, size_t size)
{
	struct host_env *e = ctx;
	e->mmio_unmaps++;
	for (unsigned i = 0; i < e->nmaps; i++) {
		if (e->maps[i].virt == virt) {
			if (e->maps[i].size != size)
				env_error(e, "mmio_unmap(%p, %zu) size differs from mmio_map (%zu)", (void *)virt, size,
					  e->maps[i].size);
			e->maps[i] = e->maps[--e->nmaps];
			return;
		}
	}
	env_error(e, "mmio_unmap(%p, %zu) of an address mmio_map did not return", (void *)virt, size);
}

static int cb_virt_to_phys_unlocked(void *ctx, const void *virt, uint64_t *phys)
{
	struct host_env *e = ctx;
	e->v2p_calls++;
	struct host_region *r = region_by_virt(e, virt);
	if (!r || r->unmapped)
		return -1;
	*phys = region_phys(r, (size_t)((const uint8_t *)virt - r->virt));
	return 0;
}

static int cb_virt_to_phys(void *ctx, const void *virt, uint64_t *phys)
{
	pthread_mutex_lock(&g_env_lock);
	int r = cb_virt_to_phys_unlocked(ctx, virt, phys);
	pthread_mutex_unlock(&g_env_lock);
	return r;
}

static uint64_t cb_now_us(void *ctx)
{
	struct host_env *e = ctx;
	__atomic_fetch_add(&e->now_calls, 1, __ATOMIC_RELAXED);
	uint64_t now = __atomic_add_fetch(&e->now, e->cfg.clock_step_us, __ATOMIC_SEQ_CST);
	tick(e);
	return now;
}

static void cb_delay_us(void *ctx, uint32_t us)
{
	struct host_env *e = ctx;
	__atomic_fetch_add(&e->delay_calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&e->delay_total_us, us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&e->now, us, __ATOMIC_SEQ_CST);
	tick(e);
}

static const char *const level_names[] = { "ERROR", "WARN", "INFO", "DEBUG", "TRACE" };

static void cb_log_locked(void *ctx, enum nvme_log_level level, const char *msg);

static void cb_log(void *ctx, enum nvme_log_level level, const char *msg)
{
	pthread_mutex_lock(&g_env_lock);
	cb_log_locked(ctx, level, msg);
	pthread_mutex_unlock(&g_env_lock);
}

static void cb_log_locked(void *ctx, enum nvme_log_level level, const char *msg)
{
	struct host_env *e = ctx;
	unsigned l = (unsigned)level < 5 ? (unsigned)level : 4;
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s %s\n", level_names[l], msg ? msg : "(null)");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	e->log_lines[l]++;
	if (e->echo_log)
		fputs(line, stderr);
	if (e->log_len + (size_t)n + 1 > e->log_cap) {
		size_t ncap = e->log_cap ? e->log_cap * 2 : 65536;
		while (ncap < e->log_len + (size_t)n + 1)
			ncap *= 2;
		if (ncap > (64u << 20)) {   /* keep the newest part only */
			size_t keep = e->log_len / 2;
			memmove(e->log, e->log + e->log_len - keep, keep);
			e->log_len = keep;
			e->log[e->log_len] = 0;
			ncap = e->log_cap;
		} else {
			e->log = realloc(e->log, ncap);
			if (!e->log)
				abort();
			e->log_cap = ncap;
		}
	}
	memcpy(e->log + e->log_len, line, (size_t)n);
	e->log_len += (size_t)n;
	e->log[e->log_len] = 0;
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */
/* ------------------------------------------------------------------------ */

void host_env_config_init(struct host_env_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->page_size = 4096;
	cfg->clock_step_us = 1;
}

struct host_env *host_env_create(const struct host_env_config *cfg)
{
	struct host_env *e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	if (cfg)
		e->cfg = *cfg;
	else
		host_env_config_init(&e->cfg);
	if (!e->cfg.page_size)
		e->cfg.page_size = 4096;
	if (e->cfg.scramble)
		e->cfg.fake_phys = true;
	if (!e->cfg.scramble_unit)
		e->cfg.scramble_unit = e->cfg.page_size;
	e->next_dma_phys = DMA_PHYS_BASE;
	e->next_buf_phys = BUF_PHYS_BASE;
	e->next_high_phys = e->cfg.dma_limit > HIGH_PHYS_BASE ? e->cfg.dma_limit : HIGH_PHYS_BASE;
	e->dma_fail_after = -1;
	const char *echo = getenv("NVME_TEST_LOG");
	e->echo_log = echo && echo[0] == '1';

	e->host.ctx = e;
	e->host.dma_alloc = cb_dma_alloc;
	e->host.dma_free = cb_dma_free;
	e->host.mmio_map = cb_mmio_map;
	e->host.mmio_unmap = cb_mmio_unmap;
	e->host.virt_to_phys = cb_virt_to_phys;
	e->host.now_us = cb_now_us;
	e->host.delay_us = e->cfg.no_delay ? NULL : cb_delay_us;
	e->host.log = e->cfg.no_log ? NULL : cb_log;
	e->host.page_size = e->cfg.page_size;
	e->host.dma_limit = e->cfg.dma_limit;
	return e;
}

void host_env_destroy(struct host_env *e)
{
	if (!e)
		return;
	while (e->nregions)
		remove_region(e, &e->regions[e->nregions - 1]);
	free(e->regions);
	host_env_clear_errors(e);
	free(e->log);
	free(e);
}

static void *host_env_buf_unlocked(struct host_env *e, size_t len, size_t offset, unsigned flags)
{
	size_t unit = e->cfg.scramble ? e->cfg.scramble_unit : e->cfg.page_size;
	size_t total = round_up(offset + (len ? len : 1), unit);
	uint8_t *p = aligned_alloc(unit, total);
	if (!p)
		abort();
	memset(p, 0, total);
	struct host_region *r = add_region(e);
	r->virt = p;
	r->len = total;
	r->user = p + offset;
	r->unmapped = (flags & HOST_BUF_UNMAPPED) != 0;
	if (flags & HOST_BUF_HIGH) {
		if (!e->cfg.fake_phys || !e->cfg.dma_limit) {
			fprintf(stderr, "host_env: HOST_BUF_HIGH needs fake_phys and dma_limit\n");
			abort();
		}
		r->phys = bump(&e->next_high_phys, total, unit);
	} else if (e->cfg.fake_phys) {
		r->phys = bump(&e->next_buf_phys, total, unit);
		if (e->next_buf_phys > BUF_PHYS_END || (e->cfg.dma_limit && e->next_buf_phys > e->cfg.dma_limit)) {
			fprintf(stderr, "host_env: fake buffer address space exhausted\n");
			abort();
		}
	} else {
		r->phys = (uint64_t)(uintptr_t)p;
	}
	if (e->cfg.scramble)
		r->unit = unit;
	return p + offset;
}

void *host_env_buf(struct host_env *e, size_t len, size_t offset, unsigned flags)
{
	pthread_mutex_lock(&g_env_lock);
	void *r = host_env_buf_unlocked(e, len, offset, flags);
	pthread_mutex_unlock(&g_env_lock);
	return r;
}

static void host_env_buf_free_unlocked(struct host_env *e, void *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < e->nregions; i++) {
		struct host_region *r = &e->regions[i];
		if (!r->dma && r->user == p) {
			remove_region(e, r);
			return;
		}
	}
	fprintf(stderr, "host_env: host_env_buf_free of unknown buffer %p\n", p);
	abort();
}

void host_env_buf_free(struct host_env *e, void *p)
{
	pthread_mutex_lock(&g_env_lock);
	host_env_buf_free_unlocked(e, p);
	pthread_mutex_unlock(&g_env_lock);
}

static void *host_env_translate_unlocked(void *ctx, uint64_t phys, size_t len, bool write)
{
	struct host_env *e = ctx;
	(void)write;
	if (e->cfg.dma_limit && phys + len > e->cfg.dma_limit)
		return NULL;   /* the device cannot reach it */
	for (size_t i = 0; i < e->nregions; i++) {
		struct host_region *r = &e->regions[i];
		if (phys < r->phys || phys - r->phys >= r->len)
			continue;
		uint64_t off = phys - r->phys;
		if (len > r->len - off)
			return NULL;
		if (!r->unit)
			return r->virt + off;
		size_t n = r->len / r->unit;
		size_t page = (size_t)(off / r->unit);
		size_t in = (size_t)(off % r->unit);
		if (len > r->unit - in)
			return NULL;   /* crosses into a non-contiguous page */
		return r->virt + (n - 1 - page) * r->unit + in;
	}
	return NULL;
}

void *host_env_translate(void *ctx, uint64_t phys, size_t len, bool write)
{
	pthread_mutex_lock(&g_env_lock);
	void *r = host_env_translate_unlocked(ctx, phys, len, write);
	pthread_mutex_unlock(&g_env_lock);
	return r;
}

uint64_t host_env_clock(void *ctx)
{
	return ((struct host_env *)ctx)->now;
}

uint64_t host_env_bus_addr(struct host_env *e, const void *virt)
{
	struct host_region *r = region_by_virt(e, virt);
	return r ? region_phys(r, (size_t)((const uint8_t *)virt - r->virt)) : 0;
}

void host_env_fail_dma_after(struct host_env *e, long n) { e->dma_fail_after = n; }

unsigned host_env_error_count(const struct host_env *e) { return e->nerrors; }

const char *host_env_error(const struct host_env *e, unsigned i)
{
	return i < e->nerrors ? e->errors[i] : "";
}

void host_env_clear_errors(struct host_env *e)
{
	for (unsigned i = 0; i < e->nerrors; i++)
		free(e->errors[i]);
	e->nerrors = 0;
}

const char *host_env_log_text(const struct host_env *e) { return e->log ? e->log : ""; }

bool host_env_log_contains(const struct host_env *e, const char *substr)
{
	return e->log && strstr(e->log, substr) != NULL;
}

void host_env_log_clear(struct host_env *e)
{
	e->log_len = 0;
	if (e->log)
		e->log[0] = 0;
	memset(e->log_lines, 0, sizeof(e->log_lines));
}
