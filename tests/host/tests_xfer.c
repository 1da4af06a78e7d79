/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_xfer.c - data pointers: PRP construction for every alignment and
 * length class (one entry, PRP2 as data, lists, lists chained past one list
 * page) at several page sizes, with contiguous and scrambled memory; MDTS
 * splitting; bounce buffers (unaligned, unreachable, unmapped); SGL.
 *
 * The model enforces the PRP/SGL rules, so a malformed data pointer fails
 * the command; data is compared with the model's namespace contents.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"

/* Every offset class x every length class at one configuration. A buffer
 * is bounced only when it cannot be described: here, when the memory is
 * scrambled at a granularity finer than the driver's page. */
static void prp_matrix(struct fx *f, const char *what, bool may_bounce)
{
	uint32_t P = nvme_ctrl_page_size(f->c);
	uint32_t max = nvme_ctrl_max_transfer(f->c);
	const size_t offsets[] = { 0, 4, 8, 512, 2048, P / 2, P - 512, P - 8, P - 4 };
	size_t lengths[] = { 512, 1024, P - 512, P, P + 512, 2 * P - 512, 2 * P, 2 * P + 512, 3 * P, 5 * P + 512,
			     max / 2, max - P, max - 512, max };
	unsigned n = 0;
	for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		for (unsigned j = 0; j < sizeof(lengths) / sizeof(lengths[0]); j++) {
			size_t len = lengths[j];
			if (len == 0 || len > max || len % 512)
				continue;
			char name[96];
			snprintf(name, sizeof(name), "%s off %zu len %zu", what, offsets[i], len);
			if (!fx_roundtrip(f, 1, 64 + n * 3, len, offsets[i], offsets[(i + 3) % 9], 0, n + 1, name))
				return;   /* one report per configuration is enough */
			n++;
		}
	}
	struct nvme_qpair_stats s;
	nvme_qpair_stats_get(nvme_ctrl_io_qpair(f->c, 0), &s);
	if (!may_bounce)
		CHECK_MSG(s.bounced == 0, "%s: %llu dword-aligned buffers bounced", what,
			  (unsigned long long)s.bounced);
}

static void prp_alignment_matrix(void)
{
	static const struct { size_t host; uint8_t mpsmin; bool scramble; uint32_t max_transfer; } cfgs[] = {
		{ 4096, 0, false, 1u << 20 },  { 4096, 0, true, 1u << 20 },   { 4096, 2, false, 1u << 20 },
		{ 4096, 2, true, 1u << 20 },   { 16384, 0, true, 1u << 20 },  { 65536, 0, false, 2u << 20 },
		{ 65536, 4, true, 4u << 20 },  { 4096, 1, true, 256u << 10 },
	};
	for (unsigned i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		f.ecfg.page_size = cfgs[i].host;
		f.ecfg.scramble = cfgs[i].scramble;
		if (cfgs[i].scramble)
			f.ecfg.scramble_unit = cfgs[i].host;
		f.mcfg.mpsmin = cfgs[i].mpsmin;
		f.mcfg.mdts = 0;
		f.cfg.max_transfer = cfgs[i].max_transfer;
		f.ns[0].blocks = 1u << 22;
		fx_up(&f);
		char what[64];
		snprintf(what, sizeof(what), "host page %zu MPSMIN %u%s", cfgs[i].host, cfgs[i].mpsmin,
			 cfgs[i].scramble ? " scrambled" : "");
		CHECK_EQ(nvme_ctrl_max_transfer(f.c), cfgs[i].max_transfer);
		prp_matrix(&f, what, cfgs[i].scramble && nvme_ctrl_page_size(f.c) > cfgs[i].host);
		fx_finish(&f);
	}
}

static void prp_list_chaining(void)
{
	/* 4 KiB pages, 8 MiB transfers: 2048 PRP entries, 5 chained list pages */
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.scramble = true;
	f.mcfg.mdts = 0;
	f.cfg.max_transfer = 8u << 20;
	f.cfg.io_queue_depth = 4;
	f.ns[0].blocks = 1u << 22;
	fx_up(&f);
	uint64_t chained0 = nvme_model_stats(f.m)->prp_lists_chained;
	/* entries needed: exactly 511, 512 and 513 per list page boundary, and the whole */
	const size_t lens[] = { 512u * 4096, 513u * 4096, 514u * 4096, 1023u * 4096, 1024u * 4096,
				1025u * 4096, 2048u * 4096 };
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "chain %zu pages", lens[i] / 4096);
		fx_roundtrip(&f, 1, 0, lens[i], 0, 0, 0, i, what);
		snprintf(what, sizeof(what), "chain %zu pages + offset", lens[i] / 4096);
		fx_roundtrip(&f, 1, 0, lens[i] - 4096, 2048, 512, 0, i + 100, what);
	}
	CHECK(nvme_model_stats(f.m)->prp_lists_chained > chained0 + 8);
	/* all queue slots used at once with maximum-size commands */
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	uint8_t *bufs[3];
	struct cb_rec rec[3];
	memset(rec, 0, sizeof(rec));
	for (int i = 0; i < 3; i++) {
		bufs[i] = fx_buf(&f, 8u << 20, 4 * (size_t)i, 0);
		fill_pattern(bufs[i], 8u << 20, 1000 + i);
		CHECK_OK(nvme_write_async(ns, q, (uint64_t)i * 16384, 16384, bufs[i], cb_record, &rec[i]));
	}
	nvme_model_release(f.m, ~0u);
	nvme_model_set_defer(f.m, 0, 0);
	CHECK_EQ(nvme_qpair_poll(q, 0), 3);
	uint8_t *chk = malloc(8u << 20);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(rec[i].status, 0);
		nvme_model_ns_read(f.m, 1, (uint64_t)i * 16384, 16384, chk);
		CHECK_MSG(memcmp(chk, bufs[i], 8u << 20) == 0, "concurrent max-size write %d differs", i);
		fx_buf_free(&f, bufs[i]);
	}
	free(chk);
}

static void mdts_splitting(void)
{
	static const struct { uint8_t mpsmin, mdts; uint32_t cfg_max; uint32_t want; } cases[] = {
		{ 0, 1, 1u << 20, 8192 },   { 0, 2, 1u << 20, 16384 },  { 0, 5, 1u << 20, 131072 },
		{ 0, 0, 1u << 20, 1u << 20 }, { 0, 9, 100000, 65536 },  { 2, 1, 1u << 20, 32768 },
		{ 1, 3, 1u << 20, 65536 },  { 0, 8, 1u << 20, 1u << 20 }, { 0, 5, 4096, 4096 },
		{ 0, 5, 1000, 4096 },       /* below a page: at least one page */
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		f.mcfg.mpsmin = cases[i].mpsmin;
		f.mcfg.mdts = cases[i].mdts;
		f.cfg.max_transfer = cases[i].cfg_max;
		fx_up(&f);
		uint32_t mx = nvme_ctrl_max_transfer(f.c);
		CHECK_MSG(mx == cases[i].want, "case %u: max transfer %u, want %u", i, mx, cases[i].want);
		struct nvme_ns *ns = nvme_ns_get(f.c, 1);
		REQUIRE(ns);
		CHECK_EQ(ns->max_blocks, mx / 512);
		/* a 3.5 x max transfer read/write is split into 4 commands */
		size_t len = (size_t)mx * 3 + mx / 2;
		uint64_t w0 = nvme_model_stats(f.m)->writes, r0 = nvme_model_stats(f.m)->reads;
		char what[32];
		snprintf(what, sizeof(what), "mdts case %u", i);
		fx_roundtrip(&f, 1, 1000, len, 0, 4, 0, i, what);
		CHECK_EQ(nvme_model_stats(f.m)->writes - w0, 4);
		CHECK_EQ(nvme_model_stats(f.m)->reads - r0, 4);
		/* async and passthrough refuse what they cannot send in one command */
		uint8_t *b = fx_buf(&f, (size_t)mx + 512, 0, 0);
		struct cb_rec rec = { 0 };
		CHECK_RC(nvme_read_async(ns, NULL, 0, ns->max_blocks + 1, b, cb_record, &rec), NVME_ERR_TOO_LARGE);
		CHECK_OK(nvme_read_async(ns, NULL, 0, ns->max_blocks, b, cb_record, &rec));
		while (rec.calls == 0 && nvme_qpair_poll(nvme_ctrl_io_qpair(f.c, 0), 0) >= 0)
			;
		CHECK_EQ(rec.status, 0);
		struct nvme_sqe sqe;
		memset(&sqe, 0, sizeof(sqe));
		sqe.opc = NVME_CMD_READ;
		sqe.nsid = 1;
		sqe.cdw12 = ns->max_blocks;   /* NLB 0's based: one block more */
		CHECK_RC(nvme_io_passthru(nvme_ctrl_io_qpair(f.c, 0), &sqe, b, (size_t)mx + 512, NULL),
			 NVME_ERR_TOO_LARGE);
		fx_buf_free(&f, b);
		fx_finish(&f);
	}
	/* 4 KiB blocks: max_blocks in blocks of the namespace */
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.mdts = 2;
	fx_up(&f);
	CHECK_EQ(nvme_ns_get(f.c, 2)->max_blocks, 4);
	fx_roundtrip(&f, 2, 0, 9 * 4096, 0, 0, 0, 5, "4K blocks split");
	/* NLB is 16 bits: with MDTS unlimited and a 64 MiB cap, 512 B blocks
	 * still go at most 65536 per command */
	fx_finish(&f);
	fx_defaults(&f);
	f.mcfg.mdts = 0;
	f.cfg.max_transfer = 64u << 20;
	f.ns[0].blocks = 1u << 20;
	fx_up(&f);
	CHECK_LE(nvme_ns_get(f.c, 1)->max_blocks, 65536);
	uint64_t w0 = nvme_model_stats(f.m)->writes;
	fx_roundtrip(&f, 1, 0, 40u << 20, 0, 0, 0, 6, "NLB limit");
	CHECK_EQ(nvme_model_stats(f.m)->writes - w0, 2);
}

static void bounce_buffers(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ecfg.fake_phys = true;
	f.ecfg.dma_limit = 1ull << 32;
	f.mcfg.mdts = 3;   /* 32 KiB */
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	struct nvme_qpair_stats s0, s1;
	nvme_qpair_stats_get(q, &s0);
	/* not dword aligned */
	for (size_t off = 1; off < 4; off++) {
		char what[32];
		snprintf(what, sizeof(what), "offset %zu", off);
		fx_roundtrip(&f, 1, 10, 4096, off, 4 - off, 0, off, what);
		fx_roundtrip(&f, 1, 10, 100 * 512, off, off, 0, off, what);   /* split + bounced */
	}
	/* above dma_limit and not mappable */
	fx_roundtrip(&f, 1, 20, 8192, 0, 0, HOST_BUF_HIGH, 1, "above dma_limit");
	fx_roundtrip(&f, 1, 20, 65536, 0, 0, HOST_BUF_HIGH, 2, "above dma_limit, split");
	fx_roundtrip(&f, 1, 30, 8192, 0, 0, HOST_BUF_UNMAPPED, 3, "unmapped");
	nvme_qpair_stats_get(q, &s1);
	CHECK(s1.bounced - s0.bounced >= 3 * 2 * 2 + 4);
	/* the bounce buffer itself is reachable: every DMA allocation < limit
	 * (the model would fail the transfer otherwise) */
	/* async: one command owns the bounce buffer at a time */
	nvme_model_set_defer(f.m, NVME_MODEL_DEFER_IO, 0);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *a = fx_buf(&f, 512, 1, 0), *b = fx_buf(&f, 512, 3, 0);
	fill_pattern(a, 512, 1);
	struct cb_rec ra = { 0 }, rb = { 0 };
	CHECK_OK(nvme_write_async(ns, q, 5, 1, a, cb_record, &ra));
	CHECK_RC(nvme_read_async(ns, q, 5, 1, b, cb_record, &rb), NVME_ERR_BOUNCE_BUSY);
	nvme_model_release(f.m, ~0u);
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	CHECK_OK(nvme_read_async(ns, q, 5, 1, b, cb_record, &rb));
	nvme_model_release(f.m, ~0u);
	CHECK_EQ(nvme_qpair_poll(q, 0), 1);
	CHECK_EQ(rb.status, 0);
	CHECK_EQ(mem_diff(a, b, 512), -1);
	nvme_model_set_defer(f.m, 0, 0);
	/* a failed read does not copy bounce contents over the caller's buffer */
	memset(b, 0xA5, 512);
	struct nvme_model_mangle m = { .cqid = 1, .count = 1, .what = NVME_MODEL_MANGLE_STATUS, .sf = 0x4281 };
	nvme_model_mangle(f.m, &m);
	CHECK_DEV(nvme_read(ns, q, 5, 1, b), NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
	CHECK_EQ(b[0], 0xA5);
	CHECK_EQ(b[511], 0xA5);
	fx_buf_free(&f, a);
	fx_buf_free(&f, b);
	/* admin data through bounce too: Identify into an unaligned buffer */
	uint8_t *id = fx_buf(&f, 4096, 2, 0);
	CHECK_OK(nvme_identify(f.c, NVME_CNS_CTRL, 0, 0, id));
	CHECK_EQ(id[offsetof(struct nvme_id_ctrl, mdts)], 3);
	fx_buf_free(&f, id);
}

static void sgl_transfers(void)
{
	static const struct { uint32_t sgls; enum nvme_dptr_mode mode; bool scramble; bool want_sgl; } cases[] = {
		{ NVME_SGLS_SUPPORT_ANY_ALIGN, NVME_DPTR_AUTO, false, true },
		{ NVME_SGLS_SUPPORT_ANY_ALIGN, NVME_DPTR_AUTO, true, true },
		{ NVME_SGLS_SUPPORT_DWORD_ALIGN, NVME_DPTR_SGL, true, true },
		{ NVME_SGLS_SUPPORT_DWORD_ALIGN, NVME_DPTR_PRP, true, false },
		{ NVME_SGLS_SUPPORT_NONE, NVME_DPTR_AUTO, true, false },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		f.mcfg.sgls = cases[i].sgls;
		f.mcfg.mdts = 6;
		f.ecfg.scramble = cases[i].scramble;
		f.cfg.dptr_mode = cases[i].mode;
		fx_up(&f);
		CHECK_EQ(nvme_ctrl_uses_sgl(f.c), cases[i].want_sgl);
		char what[32];
		snprintf(what, sizeof(what), "sgl case %u", i);
		const size_t offs[] = { 0, 4, 512, 4092 };
		for (unsigned k = 0; k < 4; k++) {
			fx_roundtrip(&f, 1, 0, 512, offs[k], 0, 0, k, what);
			fx_roundtrip(&f, 1, 0, 5 * 4096, offs[k], offs[(k + 1) % 4], 0, k, what);
			fx_roundtrip(&f, 1, 0, 256 * 1024, offs[k], 0, 0, k, what);
		}
		struct nvme_qpair_stats s;
		nvme_qpair_stats_get(nvme_ctrl_io_qpair(f.c, 0), &s);
		uint64_t model_sgl = nvme_model_stats(f.m)->sgl_cmds;
		if (cases[i].want_sgl) {
			CHECK_MSG(model_sgl > 0 && s.sgl_commands == model_sgl, "case %u: %llu SGL commands, model saw %llu",
				  i, (unsigned long long)s.sgl_commands, (unsigned long long)model_sgl);
		} else {
			CHECK_EQ(model_sgl, 0);
			CHECK_EQ(s.sgl_commands, 0);
		}
		/* byte-aligned buffers: SGLS 01b takes them as they are, others bounce */
		uint64_t b0 = s.bounced;
		fx_roundtrip(&f, 1, 0, 2048, 3, 1, 0, 9, what);
		nvme_qpair_stats_get(nvme_ctrl_io_qpair(f.c, 0), &s);
		if (cases[i].want_sgl && cases[i].sgls == NVME_SGLS_SUPPORT_ANY_ALIGN)
			CHECK_MSG(s.bounced == b0, "case %u: byte-aligned SGL buffer bounced", i);
		else
			CHECK_MSG(s.bounced > b0, "case %u: byte-aligned buffer not bounced", i);
		fx_finish(&f);
	}
	/* SGL requested but not advertised */
	static struct fx f;
	fx_defaults(&f);
	f.cfg.dptr_mode = NVME_DPTR_SGL;
	CHECK_RC(fx_init(&f), NVME_ERR_UNSUPPORTED);
}

/* NVME_DPTR_AUTO on a controller offering SGLs: an asynchronous Read or
 * Write of one page goes by PRP1 (on the fast path, NVME_CFG_FAST_PATH),
 * anything larger by SGL;
 * NVME_DPTR_SGL sends every I/O command by SGL. Counted by the model. */
static void sgl_auto_one_page_by_prp(void)
{
	static const enum nvme_dptr_mode modes[] = { NVME_DPTR_AUTO, NVME_DPTR_SGL };
	for (unsigned i = 0; i < 2; i++) {
		static struct fx f;
		fx_defaults(&f);
		f.mcfg.sgls = NVME_SGLS_SUPPORT_ANY_ALIGN;
		f.mcfg.mdts = 6;
		f.cfg.dptr_mode = modes[i];
		fx_up(&f);
		CHECK(nvme_ctrl_uses_sgl(f.c));
		struct nvme_ns *ns = fx_ns1(&f);
		struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
		uint32_t per_page = 4096u >> ns->lba_shift;
		uint8_t *a = fx_buf(&f, 4 * 4096, 0, 0), *b = fx_buf(&f, 4 * 4096, 0, 0);
		fill_pattern(a, 4 * 4096, 7 + i);
		memset(b, 0, 4 * 4096);
		const struct { uint32_t pages; bool write; } io[] = {
			{ 1, true }, { 1, false }, { 3, true }, { 3, false },
		};
		for (unsigned k = 0; k < 4; k++) {
			uint64_t sgl0 = nvme_model_stats(f.m)->sgl_cmds;
			struct cb_rec rec = { 0 };
			uint32_t n = io[k].pages * per_page;
			if (io[k].write)
				CHECK_OK(nvme_write_async(ns, q, 64, n, a, cb_record, &rec));
			else
				CHECK_OK(nvme_read_async(ns, q, 64, n, b, cb_record, &rec));
			while (rec.calls == 0 && nvme_qpair_poll(q, 0) >= 0)
				;
			CHECK_EQ(rec.status, 0);
			/* without the fast path (NVME_CFG_FAST_PATH 0) every transfer takes the general one: SGL */
			bool want_sgl = modes[i] == NVME_DPTR_SGL || io[k].pages > 1 || !NVME_CFG_FAST_PATH;
			CHECK_MSG(nvme_model_stats(f.m)->sgl_cmds - sgl0 == (want_sgl ? 1u : 0u),
				  "mode %u, %u page(s), %s: %s expected", (unsigned)modes[i], (unsigned)io[k].pages,
				  io[k].write ? "write" : "read", want_sgl ? "SGL" : "PRP");
		}
		CHECK_EQ(mem_diff(a, b, 3 * 4096), -1);
		fx_buf_free(&f, a);
		fx_buf_free(&f, b);
		fx_finish(&f);
	}
}

static void passthru_data(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	uint8_t *b = fx_buf(&f, 8192, 4, 0);
	fill_pattern(b, 8192, 3);
	struct nvme_sqe sqe;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_CMD_WRITE;
	sqe.nsid = 1;
	sqe.cdw10 = 77;
	sqe.cdw12 = 15;
	sqe.cid = 0xBEEF;                 /* overwritten by the driver */
	sqe.dptr.prp.prp1 = 0xDEAD000;    /* overwritten too */
	struct nvme_cqe cqe;
	CHECK_OK(nvme_io_passthru(q, &sqe, b, 8192, &cqe));
	CHECK_EQ(cqe.sqid, 1);
	uint8_t chk[8192];
	nvme_model_ns_read(f.m, 1, 77, 16, chk);
	CHECK_EQ(mem_diff(chk, b, 8192), -1);
	/* direction/buffer mismatch is refused before anything is sent */
	sqe.opc = NVME_CMD_FLUSH;
	CHECK_RC(nvme_io_passthru(q, &sqe, b, 512, NULL), NVME_ERR_INVAL);
	sqe.opc = NVME_CMD_READ;
	CHECK_RC(nvme_io_passthru(q, &sqe, NULL, 512, NULL), NVME_ERR_INVAL);
	CHECK_RC(nvme_io_passthru(nvme_ctrl_admin_qpair(f.c), &sqe, b, 512, NULL), NVME_ERR_BAD_QUEUE);
	/* error completions still fill cqe_out */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opc = 0x7C & ~3u;   /* an unknown I/O opcode without data */
	CHECK_DEV(nvme_io_passthru(q, &sqe, NULL, 0, &cqe), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_EQ((cqe.status >> 1) & 0xFF, NVME_SC_INVALID_OPCODE);
	/* admin passthrough with data (Identify Namespace) */
	memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_IDENTIFY;
	sqe.nsid = 2;
	uint8_t *id = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_admin_passthru(f.c, &sqe, id, 4096, &cqe));
	uint64_t nsze;
	memcpy(&nsze, id + offsetof(struct nvme_id_ns, nsze), sizeof(nsze));
	CHECK_EQ(nsze, 8192);
	CHECK_RC(nvme_admin_passthru(f.c, &sqe, NULL, 4096, NULL), NVME_ERR_INVAL);
	fx_buf_free(&f, id);
	fx_buf_free(&f, b);
}

static const struct check_test tests[] = {
	CHECK_TEST(prp_alignment_matrix),
	CHECK_TEST(prp_list_chaining),
	CHECK_TEST(mdts_splitting),
	CHECK_TEST(bounce_buffers),
	CHECK_TEST(sgl_transfers),
	CHECK_TEST(sgl_auto_one_page_by_prp),
	CHECK_TEST(passthru_data),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
