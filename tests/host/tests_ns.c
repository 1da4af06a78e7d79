/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_ns.c - namespace enumeration (gaps, more than 1024 and more than
 * 65536 namespaces, more than NVME_CFG_MAX_NS), block sizes, metadata
 * formats (and why one is unusable, in words), LBA range checks (sync, async, bytes), byte-granular
 * read-modify-write against a shadow copy, flush.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

static void ns_gaps_and_sizes(void)
{
	static struct fx f;
	fx_defaults(&f);
	static const struct nvme_model_ns_config nsc[] = {
		{ .nsid = 65535, .lba_size = 512, .blocks = 100 },
		{ .nsid = 3, .lba_size = 4096, .blocks = 1000 },
		{ .nsid = 1, .lba_size = 512, .blocks = 2000 },
		{ .nsid = 7, .lba_size = 8192, .blocks = 64 },
		{ .nsid = 100, .lba_size = 65536, .blocks = 16 },
		{ .nsid = 4000000000u, .lba_size = 1024, .blocks = 1ull << 40 },
	};
	f.mcfg.ns = nsc;
	f.mcfg.ns_count = 6;
	fx_up(&f);
	CHECK_EQ(nvme_ns_count(f.c), 6);
	CHECK_EQ(nvme_ns_active_count(f.c), 6);
	const uint32_t order[] = { 1, 3, 7, 100, 65535, 4000000000u };
	for (uint32_t i = 0; i < 6; i++) {
		struct nvme_ns *ns = nvme_ns_at(f.c, i);
		REQUIRE(ns);
		CHECK_EQ(ns->nsid, order[i]);
		CHECK(nvme_ns_get(f.c, order[i]) == ns);
		CHECK_EQ(ns->unusable, 0);
	}
	CHECK(nvme_ns_get(f.c, 2) == NULL);
	CHECK(nvme_ns_get(f.c, 0) == NULL);
	CHECK_EQ(nvme_ns_get(f.c, 100)->lba_size, 65536);
	CHECK_EQ(nvme_ns_get(f.c, 100)->lba_shift, 16);
	CHECK_EQ(nvme_ns_get(f.c, 7)->size, 64);
	CHECK_EQ(nvme_ns_get(f.c, 4000000000u)->size, 1ull << 40);
	/* I/O on every namespace, last block included */
	for (uint32_t i = 0; i < 6; i++) {
		struct nvme_ns *ns = nvme_ns_at(f.c, i);
		uint8_t *w = fx_buf(&f, 2 * (size_t)ns->lba_size, 0, 0), *r = fx_buf(&f, 2 * (size_t)ns->lba_size, 0, 0);
		fill_pattern(w, 2 * (size_t)ns->lba_size, i);
		CHECK_OK(nvme_write(ns, NULL, ns->size - 2, 2, w));
		CHECK_OK(nvme_read(ns, NULL, ns->size - 2, 2, r));
		CHECK_EQ(mem_diff(w, r, 2 * (size_t)ns->lba_size), -1);
		fx_buf_free(&f, w);
		fx_buf_free(&f, r);
	}
	CHECK_EQ(nvme_model_stats(f.m)->cmd_errors, 0);
}

static void ns_more_than_1024(void)
{
	enum { N = 3000 };
	static struct nvme_model_ns_config nsc[N];
	for (unsigned i = 0; i < N; i++)
		nsc[i] = (struct nvme_model_ns_config){ .nsid = 2 + 3 * i, .lba_size = 512, .blocks = 64 + i };
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.ns = nsc;
	f.mcfg.ns_count = N;
	fx_up(&f);
	CHECK_EQ(nvme_ns_active_count(f.c), N);
	CHECK_EQ(nvme_ns_count(f.c), NVME_CFG_MAX_NS);
	for (uint32_t i = 0; i < NVME_CFG_MAX_NS; i++) {
		struct nvme_ns *ns = nvme_ns_at(f.c, i);
		REQUIRE(ns);
		CHECK_EQ(ns->nsid, 2 + 3 * i);
		CHECK_EQ(ns->size, 64 + i);
	}
	/* the listing API walks all of them, 1024 at a time */
	uint32_t *ids = calloc(1024, sizeof(uint32_t));
	uint32_t after = 0, total = 0, calls = 0, n = 0;
	do {
		REQUIRE_OK(nvme_ns_list_active(f.c, after, ids, 1024, &n));
		for (uint32_t k = 0; k < n; k++) {
			if (ids[k] != 2 + 3 * (total + k)) {
				check_fail(__FILE__, __LINE__, "list entry %u is %u", total + k, ids[k]);
				break;
			}
		}
		total += n;
		if (n)
			after = ids[n - 1];
		calls++;
	} while (n == 1024 && calls < 10);
	CHECK_EQ(total, N);
	CHECK_EQ(calls, 3);
	/* a short output array gets the first entries */
	REQUIRE_OK(nvme_ns_list_active(f.c, 100, ids, 5, &n));
	CHECK_EQ(n, 5);
	CHECK_EQ(ids[0], 101);
	CHECK_RC(nvme_ns_list_active(f.c, 0xFFFFFFFEu, ids, 5, &n), NVME_ERR_INVAL);
	CHECK_RC(nvme_ns_list_active(f.c, 0, NULL, 5, &n), NVME_ERR_INVAL);
	free(ids);
	/* I/O on the last kept namespace */
	struct nvme_ns *last = nvme_ns_at(f.c, NVME_CFG_MAX_NS - 1);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	CHECK_OK(nvme_write(last, NULL, last->size - 1, 1, b));
	fx_buf_free(&f, b);
	/* rescan gives the same */
	CHECK_OK(nvme_ns_rescan(f.c));
	CHECK_EQ(nvme_ns_active_count(f.c), N);
	CHECK(nvme_ns_at(f.c, NVME_CFG_MAX_NS - 1) == last);
}

static void ns_more_than_65536(void)
{
	enum { N = 70000 };
	struct nvme_model_ns_config *nsc = malloc(N * sizeof(*nsc));
	for (unsigned i = 0; i < N; i++)
		nsc[i] = (struct nvme_model_ns_config){ .nsid = 1 + i, .lba_size = 512, .blocks = 8 };
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.ns = nsc;
	f.mcfg.ns_count = N;
	fx_start(&f);
	free(nsc);   /* the model copied it */
	REQUIRE_OK(fx_init(&f));
	/* the walk is bounded (documented: at most 65536 counted), never NN */
	CHECK_EQ(nvme_ns_active_count(f.c), 65536);
	CHECK_EQ(nvme_ns_count(f.c), NVME_CFG_MAX_NS);
	CHECK(host_env_log_contains(f.env, "65536"));
}

static void ns_unusable_formats(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ns[2] = (struct nvme_model_ns_config){ .nsid = 3, .lba_size = 512, .blocks = 100, .ms = 8 };
	f.mcfg.ns_count = 3;
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 3);
	REQUIRE(ns);
	CHECK_EQ(ns->meta_size, 8);
#if NVME_CFG_PI
	/* usable with metadata buffers (nvme_pi.h, tests_pi.c); plain I/O,
	 * which would lose the metadata, is refused before sending */
	CHECK_EQ(ns->unusable, 0);
	CHECK_EQ(ns->cmdset.md_plain, NVME_MD_PLAIN_REFUSED);
#else
	CHECK_EQ(ns->unusable, NVME_ERR_UNSUPPORTED);   /* no metadata support built in */
#endif
	CHECK(ns->format_count >= 3);
	CHECK_EQ(ns->cmdset.fast_blocks, 0);   /* never the Read/Write fast path */
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	uint64_t io = nvme_model_stats(f.m)->io_cmds;
	CHECK_RC(nvme_read(ns, NULL, 0, 1, b), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_write_bytes(ns, NULL, 0, b, 10), NVME_ERR_UNSUPPORTED);
	struct cb_rec rec = { 0 };
	CHECK_RC(nvme_read_async(ns, NULL, 0, 1, b, cb_record, &rec), NVME_ERR_UNSUPPORTED);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io);
	CHECK_RC(nvme_flush(ns, NULL), NVME_CFG_PI ? 0 : NVME_ERR_UNSUPPORTED);
	/* the usable ones are unaffected */
	CHECK_OK(nvme_read(nvme_ns_get(f.c, 1), NULL, 0, 1, b));
	fx_buf_free(&f, b);
	fx_finish(&f);
	/* a block larger than the max transfer */
	fx_defaults(&f);
	f.ns[0].lba_size = 65536;
	f.ns[0].blocks = 8;
	f.mcfg.mdts = 1;    /* 8 KiB */
	fx_up(&f);
	CHECK_EQ(nvme_ns_get(f.c, 1)->unusable, NVME_ERR_UNSUPPORTED);
	CHECK_EQ(nvme_ns_get(f.c, 1)->cmdset.fast_blocks, 0);
	CHECK_EQ(nvme_ns_get(f.c, 2)->unusable, 0);
	CHECK_EQ(nvme_ns_get(f.c, 2)->cmdset.fast_blocks, nvme_ns_get(f.c, 2)->size);
}

static void ns_lba_range(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 2);   /* 8192 x 4 KiB */
	REQUIRE(ns);
	uint8_t *b = fx_buf(&f, 4 * 4096, 0, 0);
	struct cb_rec rec = { 0 };
	const struct { uint64_t lba; uint32_t count; int rc; } cases[] = {
		{ 8191, 1, 0 },   { 8188, 4, 0 },   { 8192, 1, NVME_ERR_LBA_RANGE }, { 8189, 4, NVME_ERR_LBA_RANGE },
		{ 0, 0, NVME_ERR_INVAL }, { UINT64_MAX, 1, NVME_ERR_LBA_RANGE }, { UINT64_MAX - 1, 3, NVME_ERR_LBA_RANGE },
		{ 1ull << 63, 2, NVME_ERR_LBA_RANGE }, { 8191, 0xFFFFFFFFu, NVME_ERR_LBA_RANGE },
	};
	uint64_t cmds0 = nvme_model_stats(f.m)->io_cmds;
	unsigned ok = 0;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = nvme_read(ns, NULL, cases[i].lba, cases[i].count, b);
		CHECK_MSG(rc == cases[i].rc, "read case %u: %s, want %s", i, st(rc), st(cases[i].rc));
		rc = nvme_write(ns, NULL, cases[i].lba, cases[i].count, b);
		CHECK_MSG(rc == cases[i].rc, "write case %u: %s, want %s", i, st(rc), st(cases[i].rc));
		rc = nvme_read_async(ns, NULL, cases[i].lba, cases[i].count, b, cb_record, &rec);
		if (cases[i].rc == 0 && rc == 0) {
			while (rec.calls == 0 && nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0) >= 0)
				;
			rec.calls = 0;
		}
		CHECK_MSG(rc == cases[i].rc, "async case %u: %s, want %s", i, st(rc), st(cases[i].rc));
		if (cases[i].rc == 0)
			ok++;
	}
	/* nothing out of range reached the device */
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds - cmds0, 3 * ok);
	CHECK_EQ(nvme_model_stats(f.m)->cmd_errors, 0);
	/* bytes: the last byte's block must exist; no wrap */
	uint64_t end = 8192ull * 4096;
	CHECK_OK(nvme_read_bytes(ns, NULL, end - 10, b, 10));
	CHECK_RC(nvme_read_bytes(ns, NULL, end - 10, b, 11), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_write_bytes(ns, NULL, end, b, 1), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_read_bytes(ns, NULL, UINT64_MAX - 4, b, 10), NVME_ERR_LBA_RANGE);
	CHECK_OK(nvme_read_bytes(ns, NULL, end + 100, b, 0));   /* len 0: no-op */
	CHECK_RC(nvme_read(ns, NULL, 0, 1, NULL), NVME_ERR_INVAL);
	CHECK_RC(nvme_read(NULL, NULL, 0, 1, b), NVME_ERR_INVAL);
	fx_buf_free(&f, b);
}

static void bytes_rmw_case(uint32_t lba_size, bool scramble)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.scramble = scramble;
	f.ns[0] = (struct nvme_model_ns_config){ .nsid = 1, .lba_size = lba_size, .blocks = 256 };
	f.mcfg.ns_count = 1;
	f.mcfg.mdts = 2;   /* 16 KiB: long ranges are split too */
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	REQUIRE(ns);
	size_t total = (size_t)lba_size * 256;
	uint8_t *shadow = calloc(1, total);
	uint8_t *dev = malloc(total);
	uint8_t *buf = fx_buf(&f, 3 * 16384 + 64, 0, 0);
	uint64_t s = lba_size + (scramble ? 7 : 3);
	for (unsigned it = 0; it < 400; it++) {
		size_t len;
		switch (xorshift64(&s) % 4) {
		case 0: len = 1 + xorshift64(&s) % 16; break;
		case 1: len = 1 + xorshift64(&s) % lba_size; break;
		case 2: len = lba_size * (1 + xorshift64(&s) % 3) + xorshift64(&s) % 3; break;
		default: len = 1 + xorshift64(&s) % (3 * 16384); break;
		}
		uint64_t off = xorshift64(&s) % (total - len + 1);
		size_t boff = xorshift64(&s) % 64;
		if (xorshift64(&s) & 1) {
			fill_pattern(buf + boff, len, it);
			int rc = nvme_write_bytes(ns, NULL, off, buf + boff, len);
			if (rc != 0) {
				check_fail(__FILE__, __LINE__, "lba %u write_bytes(%llu, %zu): %s", lba_size,
					   (unsigned long long)off, len, st(rc));
				break;
			}
			memcpy(shadow + off, buf + boff, len);
			nvme_model_ns_read(f.m, 1, 0, 256, dev);
			long d = mem_diff(shadow, dev, total);
			if (d >= 0) {
				check_fail(__FILE__, __LINE__, "lba %u write_bytes(%llu, %zu): device byte %ld wrong",
					   lba_size, (unsigned long long)off, len, d);
				break;
			}
		} else {
			memset(buf, 0xCC, 3 * 16384 + 64);
			int rc = nvme_read_bytes(ns, NULL, off, buf + boff, len);
			long d = rc == 0 ? mem_diff(shadow + off, buf + boff, len) : -1;
			bool guard_ok = boff == 0 || buf[boff - 1] == 0xCC;
			guard_ok = guard_ok && (boff + len >= 3 * 16384 + 64 || buf[boff + len] == 0xCC);
			if (rc != 0 || d >= 0 || !guard_ok) {
				check_fail(__FILE__, __LINE__, "lba %u read_bytes(%llu, %zu): %s, diff at %ld%s", lba_size,
					   (unsigned long long)off, len, st(rc), d, guard_ok ? "" : ", wrote outside");
				break;
			}
		}
	}
	free(shadow);
	free(dev);
	fx_buf_free(&f, buf);
	fx_finish(&f);
}

static void ns_bytes_rmw(void)
{
	bytes_rmw_case(512, false);
	bytes_rmw_case(4096, false);
	bytes_rmw_case(4096, true);
	bytes_rmw_case(16384, true);
}

static void ns_flush(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_write(ns, NULL, 0, 8, b));
	CHECK_EQ(nvme_model_dirty_blocks(f.m, 1), 8);
	CHECK_OK(nvme_flush(ns, NULL));
	CHECK_EQ(nvme_model_dirty_blocks(f.m, 1), 0);
	CHECK_OK(nvme_write(ns, NULL, 0, 8, b));
	struct cb_rec rec = { 0 };
	CHECK_OK(nvme_flush_async(ns, NULL, cb_record, &rec));
	while (rec.calls == 0 && nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0) >= 0)
		;
	CHECK_EQ(rec.status, 0);
	CHECK_EQ(nvme_model_dirty_blocks(f.m, 1), 0);
	CHECK_EQ(nvme_model_stats(f.m)->flushes, 2);
	fx_buf_free(&f, b);
}

/* Why a namespace is unusable, in words (nvme_ns_unusable_text). */
static void ns_unusable_text(void)
{
	static struct fx f;
	static const struct { const char *name; size_t off; uint8_t v; const char *want; } u[] = {
#if NVME_CFG_PI   /* metadata is usable (nvme_pi.h); PI without room for the tuple is not */
		{ "metadata", offsetof(struct nvme_id_ns, lbaf[0].ms), 8, "usable" },
		{ "pi type 5", offsetof(struct nvme_id_ns, dps), 5, "protection information type 5" },
#else
		{ "metadata", offsetof(struct nvme_id_ns, lbaf[0].ms), 8, "metadata: 8 bytes per block" },
#endif
		{ "pi", offsetof(struct nvme_id_ns, dps), 1, "protection information type 1" },
		{ "lbads", offsetof(struct nvme_id_ns, lbaf[0].lbads), 7, "LBADS 7 outside 9..16" },
		{ "flbas", offsetof(struct nvme_id_ns, flbas), 5, "FLBAS format 5 beyond NLBAF" },
	};
	for (unsigned i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		fx_defaults(&f);
		f.cfg.log_level = NVME_LOG_ERROR;
		fx_start(&f);
		nvme_model_patch_byte_id_ns(f.m, 1, u[i].off, u[i].v);
		REQUIRE_OK(fx_init(&f));
		char why[128];
		nvme_ns_unusable_text(nvme_ns_get(f.c, 1), why, sizeof(why));
		CHECK_MSG(strstr(why, u[i].want) != NULL, "%s: \"%s\"", u[i].name, why);
		nvme_ns_unusable_text(nvme_ns_get(f.c, 2), why, sizeof(why));
		CHECK_MSG(strcmp(why, "usable") == 0, "%s: ns 2: \"%s\"", u[i].name, why);
		fx_finish(&f);
	}
}

static const struct check_test tests[] = {
	CHECK_TEST(ns_gaps_and_sizes),
	CHECK_TEST(ns_more_than_1024),
	CHECK_TEST(ns_more_than_65536),
	CHECK_TEST(ns_unusable_formats),
	CHECK_TEST(ns_lba_range),
	CHECK_TEST(ns_bytes_rmw),
	CHECK_TEST(ns_flush),
	CHECK_TEST(ns_unusable_text),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
