/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_copy.c - the Copy command (nvme_copy.h) against the model's Copy
 * (model_copy.c): copies checked block by block in the model's store, with
 * one and MSRC+1 ranges, 512-byte and 4 KiB blocks, overlapping ranges,
 * sync and async, descriptor format 1h; each limit (MSRC, MSSRL, MCL)
 * exceeded by one: refused before sending with the limit named, nothing
 * written, and the same command forced through is refused by the
 * controller (Command Size Limit Exceeded), nothing written either;
 * ranges and destinations outside the namespace; a namespace whose limits
 * are 0 (QEMU 7.2 without -device nvme-ns); ONCS bit 8 clear.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"
#include "model/nvme_model_copyns.h"

/* Fixture: the default namespaces (1: 512 B x 65536, 2: 4 KiB x 8192) and
 * Copy with these limits. */
static void copy_fx(struct fx *f, uint16_t mssrl, uint32_t mcl, uint8_t msrc, uint16_t ocfs)
{
	fx_defaults(f);
	fx_start(f);
	struct nvme_model_copy_config cc = { mssrl, mcl, msrc, ocfs };
	nvme_model_copy_enable(f->m, &cc);
	fx_up(f);
}

static void preload(struct fx *f, uint32_t nsid, uint64_t lba, uint64_t n, uint32_t bs, uint64_t seed)
{
	uint8_t *b = malloc(n * bs);
	fill_pattern(b, n * bs, seed);
	REQUIRE(nvme_model_ns_write(f->m, nsid, lba, n, b) == 0);
	free(b);
}

/* Block dst of nsid equals block src? */
static bool same_block(struct fx *f, uint32_t nsid, uint64_t src, uint64_t dst, uint32_t bs)
{
	uint8_t *a = malloc(bs), *b = malloc(bs);
	REQUIRE(nvme_model_ns_read(f->m, nsid, src, 1, a) == 0);
	REQUIRE(nvme_model_ns_read(f->m, nsid, dst, 1, b) == 0);
	bool same = memcmp(a, b, bs) == 0;
	free(a);
	free(b);
	return same;
}

static bool zero_blocks(struct fx *f, uint32_t nsid, uint64_t lba, uint64_t n, uint32_t bs)
{
	uint8_t *b = malloc(n * bs);
	REQUIRE(nvme_model_ns_read(f->m, nsid, lba, n, b) == 0);
	bool z = true;
	for (uint64_t i = 0; i < n * bs && z; i++)
		z = b[i] == 0;
	free(b);
	return z;
}

/* Every block of the ranges landed at dst, in order; neighbours untouched. */
static void check_copied(struct fx *f, uint32_t nsid, const struct nvme_copy_range *r, uint32_t nr, uint64_t dst,
			 uint32_t bs)
{
	uint64_t d = dst;
	for (uint32_t i = 0; i < nr; i++)
		for (uint32_t k = 0; k < r[i].nlb; k++, d++)
			if (!same_block(f, nsid, r[i].slba + k, d, bs)) {
				check_fail(__FILE__, __LINE__, "block %llu (range %u block %u) not copied to %llu",
					   (unsigned long long)(r[i].slba + k), (unsigned)i, (unsigned)k,
					   (unsigned long long)d);
				return;
			}
	if (dst > 0)
		CHECK(zero_blocks(f, nsid, dst - 1, 1, bs));
	CHECK(zero_blocks(f, nsid, d, 1, bs));
}

static uint64_t copies(struct fx *f)
{
	uint64_t n;
	nvme_model_copy_stats(f->m, &n, NULL);
	return n;
}

static void copy_block_by_block(void)
{
	static struct fx f;
	copy_fx(&f, 128, 1024, 7, 0x3);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	REQUIRE(ns != NULL);
	CHECK_EQ(ns->cmdset.copy_mssrl, 128);
	CHECK_EQ(ns->cmdset.copy_mcl, 1024);
	CHECK_EQ(ns->cmdset.copy_ranges, 8);
	struct nvme_copy_limits l;
	CHECK_OK(nvme_copy_limits(ns, &l));
	CHECK(l.format0 && l.format1);
	CHECK_EQ(l.format, NVME_COPY_FORMAT_0);
	CHECK_EQ(l.max_ranges, 8);
	preload(&f, 1, 0, 2048, 512, 1);

	/* three ranges of different sizes to one destination */
	struct nvme_copy_range r[8] = {
		{ .slba = 10, .nlb = 5 }, { .slba = 100, .nlb = 20 }, { .slba = 500, .nlb = 1 },
	};
	CHECK_EQ(nvme_copy_desc_size(NVME_COPY_FORMAT_0, 3), 96);
	CHECK_EQ(nvme_copy_desc_size(NVME_COPY_FORMAT_1, 3), 120);
	uint8_t *desc = fx_buf(&f, 8192, 0, 0);
	REQUIRE_OK(nvme_copy_encode(desc, 8192, NVME_COPY_FORMAT_0, r, 3));
	CHECK_OK(nvme_copy(ns, NULL, 4000, desc, 3, NVME_COPY_FORMAT_0, NULL, 0));
	check_copied(&f, 1, r, 3, 4000, 512);
	CHECK_EQ(copies(&f), 1);

	/* MSRC+1 = 8 ranges, MSSRL blocks each, MCL in all */
	for (unsigned i = 0; i < 8; i++)
		r[i] = (struct nvme_copy_range){ .slba = 128u * i, .nlb = 128 };
	REQUIRE_OK(nvme_copy_encode(desc, 8192, NVME_COPY_FORMAT_0, r, 8));
	CHECK_OK(nvme_copy(ns, NULL, 10000, desc, 8, NVME_COPY_FORMAT_0, NULL, NVME_IO_FUA));
	check_copied(&f, 1, r, 8, 10000, 512);

	/* the last block of the namespace as source and destination */
	r[0] = (struct nvme_copy_range){ .slba = 1, .nlb = 1 };
	REQUIRE_OK(nvme_copy_encode(desc, 8192, NVME_COPY_FORMAT_0, r, 1));
	CHECK_OK(nvme_copy(ns, NULL, ns->size - 1, desc, 1, NVME_COPY_FORMAT_0, NULL, 0));
	CHECK(same_block(&f, 1, 1, ns->size - 1, 512));

	/* overlapping source and destination: the old data is copied */
	uint8_t *before = malloc(16 * 512);
	REQUIRE(nvme_model_ns_read(f.m, 1, 0, 16, before) == 0);
	r[0] = (struct nvme_copy_range){ .slba = 0, .nlb = 16 };
	REQUIRE_OK(nvme_copy_encode(desc, 8192, NVME_COPY_FORMAT_0, r, 1));
	CHECK_OK(nvme_copy(ns, NULL, 8, desc, 1, NVME_COPY_FORMAT_0, NULL, 0));
	uint8_t *after = malloc(16 * 512);
	REQUIRE(nvme_model_ns_read(f.m, 1, 8, 16, after) == 0);
	CHECK(memcmp(before, after, 16 * 512) == 0);
	free(before);
	free(after);

	/* 4 KiB blocks (namespace 2) */
	struct nvme_ns *ns2 = nvme_ns_get(f.c, 2);
	REQUIRE(ns2 != NULL);
	preload(&f, 2, 0, 64, 4096, 2);
	r[0] = (struct nvme_copy_range){ .slba = 3, .nlb = 7 };
	r[1] = (struct nvme_copy_range){ .slba = 40, .nlb = 2 };
	REQUIRE_OK(nvme_copy_encode(desc, 8192, NVME_COPY_FORMAT_0, r, 2));
	CHECK_OK(nvme_copy(ns2, NULL, 5000, desc, 2, NVME_COPY_FORMAT_0, NULL, 0));
	check_copied(&f, 2, r, 2, 5000, 4096);
	fx_buf_free(&f, desc);
}

static void copy_async_and_bounced(void)
{
	static struct fx f;
	copy_fx(&f, 64, 256, 3, 0x1);
	struct nvme_ns *ns = fx_ns1(&f);
	preload(&f, 1, 0, 512, 512, 3);
	struct nvme_copy_range r[2] = { { .slba = 7, .nlb = 9 }, { .slba = 300, .nlb = 64 } };
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2));
	struct cb_rec rec;
	memset(&rec, 0, sizeof(rec));
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	CHECK_OK(nvme_copy_async(ns, q, 2000, desc, 2, NVME_COPY_FORMAT_0, NULL, 0, cb_record, &rec));
	for (int i = 0; i < 1000 && rec.calls == 0; i++)
		(void)nvme_qpair_poll(q, 0);
	CHECK_EQ(rec.calls, 1);
	CHECK_OK(rec.status);
	check_copied(&f, 1, r, 2, 2000, 512);
	/* checks before submitting in the async call too */
	CHECK_RC(nvme_copy_async(ns, q, 2000, desc, 2, NVME_COPY_FORMAT_0, NULL, 0, NULL, NULL), NVME_ERR_INVAL);
	r[1].nlb = 65;
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2));
	CHECK_RC(nvme_copy_async(ns, q, 3000, desc, 2, NVME_COPY_FORMAT_0, NULL, 0, cb_record, &rec),
		 NVME_ERR_TOO_LARGE);
	CHECK_EQ(rec.calls, 1);
	/* a list the device cannot reach is bounced (sync) */
	uint8_t *u = fx_buf(&f, 4096, 0, HOST_BUF_UNMAPPED);
	r[1].nlb = 64;
	REQUIRE_OK(nvme_copy_encode(u, 4096, NVME_COPY_FORMAT_0, r, 2));
	CHECK_OK(nvme_copy(ns, NULL, 3000, u, 2, NVME_COPY_FORMAT_0, NULL, 0));
	check_copied(&f, 1, r, 2, 3000, 512);
	fx_buf_free(&f, u);
	fx_buf_free(&f, desc);
}

/* Each limit exceeded by one: refused first, nothing written; forced, the
 * controller refuses it too. */
static void copy_limits_exceeded(void)
{
	static struct fx f;
	copy_fx(&f, 100, 300, 2, 0x1);   /* 100 blocks per range, 300 per command, 3 ranges */
	struct nvme_ns *ns = fx_ns1(&f);
	preload(&f, 1, 0, 1024, 512, 4);
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	struct nvme_copy_range r[4] = {
		{ .slba = 0, .nlb = 100 }, { .slba = 200, .nlb = 100 }, { .slba = 400, .nlb = 100 }, { .slba = 600, .nlb = 1 },
	};
	/* exactly at the limits */
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 3));
	CHECK_OK(nvme_copy(ns, NULL, 5000, desc, 3, NVME_COPY_FORMAT_0, NULL, 0));
	check_copied(&f, 1, r, 3, 5000, 512);
	uint64_t n0 = copies(&f);

	/* MSRC: 4 ranges */
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 4));
	CHECK_RC(nvme_copy(ns, NULL, 8000, desc, 4, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_TOO_LARGE);
	CHECK_STR(nvme_ctrl_refusal(f.c), "Copy: 4 ranges, namespace 1 takes 3 (MSRC 2)");
	CHECK_DEV(nvme_copy(ns, NULL, 8000, desc, 4, NVME_COPY_FORMAT_0, NULL, NVME_CMD_FORCE), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_COMMAND_SIZE_LIMIT_EXCEEDED);
	CHECK(zero_blocks(&f, 1, 8000, 400, 512));

	/* MSSRL: one range of 101 blocks */
	r[0].nlb = 101;
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 1));
	CHECK_RC(nvme_copy(ns, NULL, 8000, desc, 1, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_TOO_LARGE);
	CHECK_STR(nvme_ctrl_refusal(f.c), "Copy: range 0 has 101 blocks, namespace 1 takes 100 per range (MSSRL)");
	CHECK_DEV(nvme_copy(ns, NULL, 8000, desc, 1, NVME_COPY_FORMAT_0, NULL, NVME_CMD_FORCE), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_COMMAND_SIZE_LIMIT_EXCEEDED);
	CHECK(zero_blocks(&f, 1, 8000, 101, 512));

	/* MCL: 3 ranges of 100, 100, 101 would be MSSRL; 100 + 100 + 100 fits,
	 * so narrow MCL with ranges inside MSSRL: 99 + 100 + 100 + ... needs a
	 * fourth range; use a second fixture with MCL below 3 x MSSRL */
	fx_finish(&f);
	copy_fx(&f, 100, 250, 2, 0x1);
	ns = fx_ns1(&f);
	preload(&f, 1, 0, 1024, 512, 5);
	desc = fx_buf(&f, 4096, 0, 0);
	r[0].nlb = 100;
	r[1].nlb = 100;
	r[2].nlb = 51;
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 3));
	CHECK_RC(nvme_copy(ns, NULL, 8000, desc, 3, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_TOO_LARGE);
	CHECK_STR(nvme_ctrl_refusal(f.c), "Copy: 251 blocks in all, namespace 1 takes 250 per command (MCL)");
	CHECK_DEV(nvme_copy(ns, NULL, 8000, desc, 3, NVME_COPY_FORMAT_0, NULL, NVME_CMD_FORCE), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_COMMAND_SIZE_LIMIT_EXCEEDED);
	CHECK(zero_blocks(&f, 1, 8000, 251, 512));
	r[2].nlb = 50;
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 3));
	CHECK_OK(nvme_copy(ns, NULL, 8000, desc, 3, NVME_COPY_FORMAT_0, NULL, 0));
	check_copied(&f, 1, r, 3, 8000, 512);
	CHECK_EQ(copies(&f), 1);
	(void)n0;
}

static void copy_bad_arguments(void)
{
	static struct fx f;
	copy_fx(&f, 128, 1024, 7, 0x1);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	struct nvme_copy_range r[2] = { { .slba = 0, .nlb = 8 }, { .slba = 16, .nlb = 8 } };
	/* encoding */
	CHECK_RC(nvme_copy_encode(desc, 4096, 2, r, 1), NVME_ERR_INVAL);
	CHECK_RC(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 257), NVME_ERR_INVAL);
	CHECK_RC(nvme_copy_encode(desc, 63, NVME_COPY_FORMAT_0, r, 2), NVME_ERR_INVAL);
	r[1].nlb = 0;
	CHECK_RC(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2), NVME_ERR_INVAL);
	r[1].nlb = 65537;
	CHECK_RC(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2), NVME_ERR_INVAL);
	r[1].nlb = 8;
	r[1].eilbrt = 0x100000000ull;   /* 33 bits: too wide for format 0 */
	CHECK_RC(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2), NVME_ERR_INVAL);
	CHECK_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_1, r, 2));
	r[1].eilbrt = 0;
	/* ranges and destination outside the namespace; nothing sent */
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2));
	CHECK_RC(nvme_copy(ns, NULL, ns->size - 15, desc, 2, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_LBA_RANGE);
	CHECK_OK(nvme_copy(ns, NULL, ns->size - 16, desc, 2, NVME_COPY_FORMAT_0, NULL, 0));
	r[1].slba = ns->size - 7;
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, r, 2));
	CHECK_RC(nvme_copy(ns, NULL, 100, desc, 2, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_copy(ns, NULL, 100, desc, 0, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_copy(ns, NULL, 100, NULL, 1, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_copy(NULL, NULL, 100, desc, 1, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_INVAL);
	struct nvme_copy_pi pi = { .prinfor = 16 };
	CHECK_RC(nvme_copy(ns, NULL, 100, desc, 1, NVME_COPY_FORMAT_0, &pi, 0), NVME_ERR_INVAL);
	/* format 1h belongs to namespaces with a 32/64-bit guard */
	r[1].slba = 16;
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_1, r, 2));
	CHECK_RC(nvme_copy(ns, NULL, 100, desc, 2, NVME_COPY_FORMAT_1, NULL, 0), NVME_ERR_INVAL);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "does not fit namespace 1 (16-bit or no guard): use format 0");
	/* forced through, the controller decides: this one offers format 0 only */
	CHECK_DEV(nvme_copy(ns, NULL, 100, desc, 2, NVME_COPY_FORMAT_1, NULL, NVME_CMD_FORCE), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
	CHECK_EQ(copies(&f), 1);
}

/* Format 1h's 40-byte entries reach a controller that offers it (the model
 * has no protection information, so only a forced command can send it to a
 * namespace without a 64-bit guard). */
static void copy_format1_wire(void)
{
	static struct fx f;
	copy_fx(&f, 128, 1024, 7, 0x3);
	struct nvme_ns *ns = fx_ns1(&f);
	preload(&f, 1, 0, 256, 512, 6);
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	struct nvme_copy_range r[3] = {
		{ .slba = 3, .nlb = 4, .eilbrt = 0xABCDEF012345ull, .elbat = 0x1234, .elbatm = 0xFFFF },
		{ .slba = 60, .nlb = 100 },
		{ .slba = 200, .nlb = 1 },
	};
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_1, r, 3));
	/* the entry as the device reads it: SLBA at 8, NLB 0's based at 16,
	 * the 48-bit reference tag most significant byte first at 30 */
	CHECK_EQ(desc[8], 3);
	CHECK_EQ(desc[16], 3);
	CHECK_EQ(desc[30], 0xAB);
	CHECK_EQ(desc[35], 0x45);
	CHECK_EQ(desc[36], 0x34);
	CHECK_EQ(desc[40 + 8], 60);
	CHECK_OK(nvme_copy(ns, NULL, 1000, desc, 3, NVME_COPY_FORMAT_1, NULL, NVME_CMD_FORCE));
	check_copied(&f, 1, r, 3, 1000, 512);
}

/* QEMU 7.2 with a namespace from -device nvme,drive=: ONCS bit 8 but MSSRL,
 * MCL and MSRC 0. */
static void copy_limits_zero(void)
{
	static struct fx f;
	copy_fx(&f, 0, 0, 0, 0x1);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	struct nvme_copy_range r = { .slba = 0, .nlb = 1 };
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, &r, 1));
	CHECK_RC(nvme_copy(ns, NULL, 10, desc, 1, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_UNSUPPORTED);
	CHECK_STR(nvme_ctrl_refusal(f.c), "Copy: namespace 1 allows no copy (MSSRL 0, MCL 0)");
	CHECK_DEV(nvme_copy(ns, NULL, 10, desc, 1, NVME_COPY_FORMAT_0, NULL, NVME_CMD_FORCE), NVME_SCT_COMMAND_SPECIFIC,
		  NVME_SC_COMMAND_SIZE_LIMIT_EXCEEDED);
	CHECK_EQ(copies(&f), 0);
}

static void copy_not_advertised(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_ns *ns = fx_ns1(&f);
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	struct nvme_copy_range r = { .slba = 0, .nlb = 1 };
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_0, &r, 1));
	CHECK_RC(nvme_copy(ns, NULL, 10, desc, 1, NVME_COPY_FORMAT_0, NULL, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "ONCS bit 8 (Copy) is clear");
	CHECK_DEV(nvme_copy(ns, NULL, 10, desc, 1, NVME_COPY_FORMAT_0, NULL, NVME_CMD_FORCE), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_OPCODE);
}

/* The guard size the format follows: read from CNS 05h for a namespace with
 * protection information (PIT patched in: the model has no PI, so the
 * namespace is not usable and only the choice can be checked). */
static void copy_guard_format(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_start(&f);
	struct nvme_model_copy_config cc = { 128, 1024, 7, 0x3 };
	nvme_model_copy_enable(f.m, &cc);
	nvme_model_copy_set_pif(f.m, 1, 2);   /* 64-bit guard */
	nvme_model_copy_set_pif(f.m, 2, 2);
	nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, dps), 1);   /* PI type 1 */
	fx_up(&f);
	struct nvme_ns *ns1 = nvme_ns_get(f.c, 1), *ns2 = nvme_ns_get(f.c, 2);
	REQUIRE(ns1 != NULL && ns2 != NULL);
	CHECK_EQ(ns1->cmdset.copy_pif, NVME_COPY_PIF_64);
	CHECK_EQ(ns2->cmdset.copy_pif, NVME_COPY_PIF_16);   /* no PI: CNS 05h not even asked */
	struct nvme_copy_limits l;
	CHECK_OK(nvme_copy_limits(ns1, &l));
	CHECK_EQ(l.format, NVME_COPY_FORMAT_1);
	CHECK_OK(nvme_copy_limits(ns2, &l));
	CHECK_EQ(l.format, NVME_COPY_FORMAT_0);
	CHECK(ns1->unusable != 0);
	uint8_t *desc = fx_buf(&f, 4096, 0, 0);
	struct nvme_copy_range r = { .slba = 0, .nlb = 1 };
	REQUIRE_OK(nvme_copy_encode(desc, 4096, NVME_COPY_FORMAT_1, &r, 1));
	CHECK_RC(nvme_copy(ns1, NULL, 10, desc, 1, NVME_COPY_FORMAT_1, NULL, 0), NVME_ERR_UNSUPPORTED);
	/* a reserved PIF is taken as a 16-bit guard */
	fx_finish(&f);
	fx_defaults(&f);
	fx_start(&f);
	nvme_model_copy_enable(f.m, &cc);
	nvme_model_copy_set_pif(f.m, 1, 3);
	nvme_model_patch_byte_id_ns(f.m, 1, offsetof(struct nvme_id_ns, dps), 1);
	fx_up(&f);
	CHECK_EQ(nvme_ns_get(f.c, 1)->cmdset.copy_pif, NVME_COPY_PIF_16);
	CHECK(host_env_log_contains(f.env, "reserved protection information format 3"));
}

static const struct check_test tests[] = {
	CHECK_TEST(copy_block_by_block),
	CHECK_TEST(copy_async_and_bounced),
	CHECK_TEST(copy_limits_exceeded),
	CHECK_TEST(copy_bad_arguments),
	CHECK_TEST(copy_format1_wire),
	CHECK_TEST(copy_limits_zero),
	CHECK_TEST(copy_not_advertised),
	CHECK_TEST(copy_guard_format),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
