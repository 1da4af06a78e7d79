/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_util.c - see test_util.h.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

void fx_defaults(struct fx *f)
{
	bool registered = f->registered;
	if (f->started) {
		fprintf(stderr, "fx_defaults on a started fixture (call fx_finish first)\n");
		abort();
	}
	memset(f, 0, sizeof(*f));
	f->registered = registered;
	host_env_config_init(&f->ecfg);
	nvme_model_config_init(&f->mcfg);
	f->ns[0] = (struct nvme_model_ns_config){ .nsid = 1, .lba_size = 512, .blocks = 65536 };
	f->ns[1] = (struct nvme_model_ns_config){ .nsid = 2, .lba_size = 4096, .blocks = 8192 };
	f->mcfg.ns = f->ns;
	f->mcfg.ns_count = 2;
	nvme_config_defaults(&f->cfg);
	f->cfg.log_level = NVME_LOG_DEBUG;
	f->check_model_errors = true;
	f->check_leaks = true;
}

void fx_finish(struct fx *f)
{
	if (!f->started)
		return;
	if (f->c) {
		fx_detach_check(f);   /* also after a failed init: nothing may leak */
		free(f->c);
		f->c = NULL;
	}
	if (f->m && f->check_model_errors && nvme_model_error_count(f->m)) {
		for (unsigned i = 0; i < nvme_model_error_count(f->m); i++)
			fprintf(stderr, "  model error: %s\n", nvme_model_error(f->m, i));
		check_fail(__FILE__, __LINE__, "model recorded %u protocol error(s), first: %s",
			   nvme_model_error_count(f->m), nvme_model_error(f->m, 0));
	}
	if (f->env && host_env_error_count(f->env)) {
		check_fail(__FILE__, __LINE__, "host contract violated %u time(s), first: %s",
			   host_env_error_count(f->env), host_env_error(f->env, 0));
	}
	nvme_model_destroy(f->m);
	host_env_destroy(f->env);
	f->m = NULL;
	f->env = NULL;
	f->started = false;
}

static void fx_cleanup(void *arg)
{
	struct fx *f = arg;
	fx_finish(f);
	f->registered = false;
}

void fx_start(struct fx *f)
{
	if (f->started)
		return;
	f->env = host_env_create(&f->ecfg);
	f->mcfg.translate = host_env_translate;
	f->mcfg.translate_ctx = f->env;
	f->mcfg.clock = host_env_clock;
	f->mcfg.clock_ctx = f->env;
	f->m = nvme_model_create(&f->mcfg);
	if (!f->m) {
		host_env_destroy(f->env);
		f->env = NULL;
		check_fail(__FILE__, __LINE__, "nvme_model_create failed");
		check_abort_case();
	}
	f->c = calloc(1, sizeof(*f->c));
	if (!f->c)
		abort();
	if (!f->bar_size)
		f->bar_size = nvme_model_bar_size(f->m);
	f->started = true;
	if (!f->registered) {
		f->registered = true;
		check_cleanup(fx_cleanup, f);
	}
}

int fx_init(struct fx *f)
{
	fx_start(f);
	return nvme_ctrl_init(f->c, &f->env->host, nvme_model_bar_phys(f->m), f->bar_size, &f->cfg);
}

void fx_up(struct fx *f)
{
	int rc = fx_init(f);
	if (rc != 0) {
		check_fail(__FILE__, __LINE__, "nvme_ctrl_init -> %s", st(rc));
		check_abort_case();
	}
}

void fx_detach_check(struct fx *f)
{
	nvme_ctrl_detach(f->c);
	if (!f->check_leaks)
		return;
	if (f->env->dma_live != 0)
		check_fail(__FILE__, __LINE__, "%lu DMA allocation(s) (%zu bytes) not freed after detach",
			   f->env->dma_live, f->env->dma_bytes_live);
	if (f->env->mmio_maps != f->env->mmio_unmaps)
		check_fail(__FILE__, __LINE__, "mmio_map called %u times, mmio_unmap %u times", f->env->mmio_maps,
			   f->env->mmio_unmaps);
}

void *fx_buf(struct fx *f, size_t len, size_t offset, unsigned flags)
{
	return host_env_buf(f->env, len, offset, flags);
}

void fx_buf_free(struct fx *f, void *p)
{
	host_env_buf_free(f->env, p);
}

void fill_pattern(void *p, size_t n, uint64_t seed)
{
	uint8_t *b = p;
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	for (size_t i = 0; i < n; i++) {
		if ((i & 7) == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		b[i] = (uint8_t)(x >> ((i & 7) * 8));
	}
}

uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

bool fx_roundtrip(struct fx *f, uint32_t nsid, uint64_t lba, size_t len, size_t offset, size_t roff,
		  unsigned flags, uint64_t seed, const char *what)
{
	struct nvme_ns *ns = nvme_ns_get(f->c, nsid);
	if (!ns) {
		check_fail(__FILE__, __LINE__, "%s: no namespace %u", what, nsid);
		return false;
	}
	uint32_t blocks = (uint32_t)(len / ns->lba_size);
	uint8_t *w = fx_buf(f, len, offset, flags);
	uint8_t *r = fx_buf(f, len, roff, flags);
	uint8_t *chk = malloc(len);
	bool ok = true;
	fill_pattern(w, len, seed);
	int rc = nvme_write(ns, NULL, lba, blocks, w);
	if (rc != 0) {
		check_fail(__FILE__, __LINE__, "%s: write %zu bytes at offset %zu: %s", what, len, offset, st(rc));
		ok = false;
		goto out;
	}
	nvme_model_ns_read(f->m, nsid, lba, blocks, chk);
	long d = mem_diff(w, chk, len);
	if (d >= 0) {
		check_fail(__FILE__, __LINE__, "%s: write %zu bytes at offset %zu: device data differs at byte %ld",
			   what, len, offset, d);
		ok = false;
		goto out;
	}
	rc = nvme_read(ns, NULL, lba, blocks, r);
	if (rc != 0) {
		check_fail(__FILE__, __LINE__, "%s: read %zu bytes at offset %zu: %s", what, len, roff, st(rc));
		ok = false;
		goto out;
	}
	d = mem_diff(w, r, len);
	if (d >= 0) {
		check_fail(__FILE__, __LINE__, "%s: read %zu bytes at offset %zu: data differs at byte %ld", what, len,
			   roff, d);
		ok = false;
	}
out:
	free(chk);
	fx_buf_free(f, w);
	fx_buf_free(f, r);
	return ok;
}

long mem_diff(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return (long)i;
	return -1;
}

const char *st(int status)
{
	static char buf[4][128];
	static unsigned k;
	char *b = buf[k++ & 3];
	nvme_status_describe(status, b, sizeof(buf[0]));
	return b;
}

void fx_after_each(void)
{
	if (nvme_model_stray_accesses()) {
		check_fail(__FILE__, __LINE__, "stray MMIO access: %s", nvme_model_last_stray());
		nvme_model_clear_stray();
	}
}

void cb_record(void *arg, int status, const struct nvme_cqe *cqe)
{
	struct cb_rec *r = arg;
	r->calls++;
	r->status = status;
	r->had_cqe = cqe != NULL;
	if (cqe)
		r->cqe = *cqe;
}

struct nvme_ns *fx_ns1(struct fx *f)
{
	struct nvme_ns *ns = nvme_ns_get(f->c, 1);
	if (!ns) {
		check_fail(__FILE__, __LINE__, "namespace 1 missing");
		check_abort_case();
	}
	return ns;
}
