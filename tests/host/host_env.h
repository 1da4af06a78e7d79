/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * host_env.h - the test host: a struct nvme_host for host-side tests.
 *
 *  - DMA memory from aligned_alloc, zeroed, every allocation tracked so a
 *    test can assert that detach returned everything and that every free
 *    matched an allocation (contract violations are recorded as errors).
 *  - A fake bus address space: by default bus address = virtual address.
 *    With fake_phys, DMA memory and data buffers get bus addresses from
 *    their own ranges (so virt/phys mix-ups fail); with scramble, the pages
 *    of data buffers are mapped in reverse order (so a driver assuming
 *    physical contiguity across pages moves the wrong data); buffers
 *    allocated HOST_BUF_HIGH lie at or above dma_limit (the device cannot
 *    reach them: the driver must bounce), HOST_BUF_UNMAPPED ones make
 *    virt_to_phys fail.
 *  - A virtual clock: now_us advances by clock_step_us per call, delay_us
 *    by its argument; both run the model's time-based events, so CAP.TO
 *    waits finish instantly.
 *  - The log callback appends "LEVEL msg" lines to a buffer for assertions
 *    (echoed to stderr when NVME_TEST_LOG=1).
 *  - mmio_map asks the model registry for the BAR (nvme_model_map_bar).
 * The device side reaches memory through host_env_translate (pass it and the
 * env as the model's translate callback and context).
 */
#ifndef HOST_ENV_H
#define HOST_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvme_host.h"

struct host_env_config {
	size_t   page_size;      /* host page; default 4096 */
	bool     fake_phys;      /* bus addresses differ from virtual addresses */
	bool     scramble;       /* data buffers' pages non-contiguous (implies fake_phys) */
	size_t   scramble_unit;  /* granularity of the scramble; default page_size */
	uint64_t dma_limit;      /* host.dma_limit; HOST_BUF_HIGH buffers lie above it */
	uint32_t clock_step_us;  /* now_us advance per call; default 1 */
	bool     no_delay;       /* host.delay_us = NULL */
	bool     no_log;         /* host.log = NULL */
	size_t   dma_max_contig; /* dma_alloc of more bytes fails (0: no limit): a host
	                          * whose memory is fragmented */
};

struct host_region;

struct host_env {
	struct nvme_host host;        /* host.ctx == this env */
	struct host_env_config cfg;

	struct host_region *regions;
	size_t   nregions, cap;
	uint64_t next_dma_phys, next_buf_phys, next_high_phys;

	uint64_t now;                 /* virtual clock, us */
	uint64_t now_calls, delay_calls, delay_total_us;

	/* DMA accounting */
	unsigned long dma_allocs, dma_frees, dma_live;
	size_t   dma_bytes_live, dma_bytes_peak;
	long     dma_fail_after;      /* -1: never fail; n: fail after n more successes */
	unsigned long dma_too_large;  /* allocations refused by dma_max_contig */
	unsigned long dma_failed;

	/* MMIO mappings */
	unsigned mmio_maps, mmio_unmaps;
	struct { volatile void *virt; size_t size; } maps[16];
	unsigned nmaps;

	unsigned long v2p_calls;

	/* contract violations seen */
	char    *errors[32];
	unsigned nerrors;

	/* log capture */
	char    *log;
	size_t   log_len, log_cap;
	unsigned log_lines[5];
	bool     echo_log;
};

void host_env_config_init(struct host_env_config *cfg);
struct host_env *host_env_create(const struct host_env_config *cfg);   /* NULL cfg = defaults */
/* Frees whatever is still allocated (counted first: check leaks before). */
void host_env_destroy(struct host_env *e);

/* Buffer flags */
#define HOST_BUF_HIGH      0x1u   /* bus address at/above dma_limit (unreachable) */
#define HOST_BUF_UNMAPPED  0x2u   /* virt_to_phys fails for it */
/*
 * A data buffer of len bytes starting `offset` bytes into a page-aligned
 * (scramble-unit-aligned) allocation, zero-filled, registered so the device
 * can reach it (unless HIGH). Never NULL (aborts).
 */
void *host_env_buf(struct host_env *e, size_t len, size_t offset, unsigned flags);
void  host_env_buf_free(struct host_env *e, void *p);

/* The model's translate callback (ctx = env). */
void *host_env_translate(void *ctx, uint64_t phys, size_t len, bool write);
/* The model's clock callback (ctx = env): reads without advancing. */
uint64_t host_env_clock(void *ctx);
/* Bus address of a virtual address as the device sees it (0 if unknown). */
uint64_t host_env_bus_addr(struct host_env *e, const void *virt);

/* Make the allocation after n more successful ones fail (n = -1: never). */
void host_env_fail_dma_after(struct host_env *e, long n);

unsigned    host_env_error_count(const struct host_env *e);
const char *host_env_error(const struct host_env *e, unsigned i);
void        host_env_clear_errors(struct host_env *e);

/* Log capture */
const char *host_env_log_text(const struct host_env *e);
bool        host_env_log_contains(const struct host_env *e, const char *substr);
void        host_env_log_clear(struct host_env *e);

#endif /* HOST_ENV_H */
