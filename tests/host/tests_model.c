/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_model.c - self-tests of the software controller, independent of the
 * driver: hand-built SQEs through model_util.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model_util.h"

#define SCT_GEN  NVME_SCT_GENERIC
#define SCT_CMD  NVME_SCT_COMMAND_SPECIFIC

static struct mt T;

static void after_each(void)
{
	if (T.m && nvme_model_error_count(T.m)) {
		for (unsigned i = 0; i < nvme_model_error_count(T.m); i++)
			fprintf(stderr, "  model error: %s\n", nvme_model_error(T.m, i));
		check_fail(__FILE__, __LINE__, "model recorded %u unexpected protocol error(s), first: %s",
			   nvme_model_error_count(T.m), nvme_model_error(T.m, 0));
	}
	if (nvme_model_stray_accesses()) {
		check_fail(__FILE__, __LINE__, "stray MMIO: %s", nvme_model_last_stray());
		nvme_model_clear_stray();
	}
}

static void fill(void *p, size_t n, uint32_t seed)
{
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 131u + seed * 7u + (i >> 9)) ^ (seed >> 3));
}

/* Standard setup: default config tweaked by the caller, enabled, with an I/O
 * queue pair of n entries when n != 0. */
static void setup(uint32_t ioq)
{
	mt_create(&T, NULL);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	if (ioq)
		REQUIRE_EQ(mt_create_io(&T, ioq), 0);
}

/* Build a correct PRP description of buf (len bytes) using list pages from
 * `lists` (page aligned, enough pages). */
static void build_prp(struct mt *t, const void *buf, size_t len, uint64_t *lists_virt_u64, uint64_t *prp1,
		      uint64_t *prp2)
{
	uint64_t P = t->page;
	const uint8_t *b = buf;
	*prp1 = host_env_bus_addr(t->env, b);
	*prp2 = 0;
	size_t first = P - (*prp1 & (P - 1));
	if (len <= first)
		return;
	size_t rem = len - first;
	const uint8_t *next = b + first;
	if (rem <= P) {
		*prp2 = host_env_bus_addr(t->env, next);
		return;
	}
	size_t per = P / 8;
	uint64_t *list = lists_virt_u64;
	*prp2 = host_env_bus_addr(t->env, list);
	size_t i = 0;
	while (rem) {
		if (i == per - 1 && rem > P) {
			uint64_t *nl = list + per;
			list[i] = host_env_bus_addr(t->env, nl);
			list = nl;
			i = 0;
			continue;
		}
		list[i++] = host_env_bus_addr(t->env, next);
		size_t k = rem < P ? rem : P;
		next += k;
		rem -= k;
	}
}

/* ------------------------------------------------------------------------ */

static void model_regs_basic(void)
{
	mt_default_config(&T);
	T.cfg.mqes = 255;
	T.cfg.to = 20;
	T.cfg.dstrd = 2;
	T.cfg.mpsmin = 1;
	T.cfg.mpsmax = 3;
	T.cfg.nssrs = true;
	mt_create(&T, NULL);
	uint64_t cap = mt_rd(&T, NVME_REG_CAP) | ((uint64_t)mt_rd(&T, NVME_REG_CAP + 4) << 32);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_MQES), 255);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_TO), 20);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_DSTRD), 2);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_MPSMIN), 1);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_MPSMAX), 3);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_CQR), 1);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_NSSRS), 1);
	CHECK_EQ(NVME_GET(cap, NVME_CAP_CSS), NVME_CAP_CSS_NVM | NVME_CAP_CSS_IOCS);
	CHECK_EQX(mt_rd(&T, NVME_REG_VS), NVME_VS(1, 4, 0));
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 0);
	CHECK_EQ(mt_rd(&T, 0x40), 0);       /* optional/reserved registers read 0 */
	CHECK_EQ(mt_rd(&T, 0xE00), 0);
	CHECK_EQ(mt_rd(&T, NVME_REG_DBS), 0);   /* doorbells read 0 */
	/* 64-bit registers as two halves, written in either order */
	mt_wr(&T, NVME_REG_ASQ + 4, 0x12);
	mt_wr(&T, NVME_REG_ASQ, 0x34560000u);
	CHECK_EQX(mt_rd(&T, NVME_REG_ASQ), 0x34560000u);
	CHECK_EQX(mt_rd(&T, NVME_REG_ASQ + 4), 0x12);
	mt_wr(&T, NVME_REG_ACQ, 0x1000);
	CHECK_EQX(mt_rd(&T, NVME_REG_ACQ), 0x1000);
	CHECK_EQ(nvme_model_error_count(T.m), 0);
	/* protocol errors are recorded */
	CHECK_EQX(mt_rd(&T, NVME_REG_CSTS + 1), 0xFFFFFFFFu);
	CHECK(nvme_model_take_error(T.m, "unaligned 32-bit register read"));
	mt_wr(&T, NVME_REG_CC + 2, 1);
	CHECK(nvme_model_take_error(T.m, "unaligned 32-bit register write"));
	mt_wr(&T, NVME_REG_CAP, 0);
	CHECK(nvme_model_take_error(T.m, "read-only"));
	mt_wr(&T, 0x60, 1);
	CHECK(nvme_model_take_error(T.m, "reserved"));
	mt_rd(&T, (uint32_t)nvme_model_bar_size(T.m));
	CHECK(nvme_model_take_error(T.m, "beyond the BAR"));
	/* BAR holds the doorbells of every queue at the stride */
	CHECK(nvme_model_bar_size(T.m) >= NVME_CQ_HEAD_DB(T.cfg.max_io_cq, 2) + 4);
	/* the hooks route by address */
	volatile void *bar = nvme_model_map_bar(nvme_model_bar_phys(T.m), nvme_model_bar_size(T.m));
	REQUIRE(bar != NULL);
	extern uint32_t nvme_mmio_hook_read32(const volatile void *addr);
	CHECK_EQX(nvme_mmio_hook_read32((volatile uint8_t *)bar + NVME_REG_VS), NVME_VS(1, 4, 0));
	CHECK(nvme_model_map_bar(nvme_model_bar_phys(T.m) + 0x1000, nvme_model_bar_size(T.m)) == NULL);
}

/* Program AQA, ASQ and ACQ (both halves) from T.admin. */
static void program_admin(uint32_t aqa)
{
	mt_wr(&T, NVME_REG_AQA, aqa);
	mt_wr(&T, NVME_REG_ASQ, (uint32_t)T.admin.sq_phys);
	mt_wr(&T, NVME_REG_ASQ + 4, (uint32_t)(T.admin.sq_phys >> 32));
	mt_wr(&T, NVME_REG_ACQ, (uint32_t)T.admin.cq_phys);
	mt_wr(&T, NVME_REG_ACQ + 4, (uint32_t)(T.admin.cq_phys >> 32));
}

static void model_enable_ready_delay(void)
{
	mt_default_config(&T);
	T.cfg.rdy_delay_polls = 3;
	mt_create(&T, NULL);
	tq_alloc(&T, &T.admin, 0, 4, 4);
	T.page = 4096;
	program_admin(0x00030003);
	mt_wr(&T, NVME_REG_CC, 0x00460001);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 1);
	CHECK_EQX(nvme_model_cc(T.m), 0x00460001);
	/* CC fields other than SHN must not change while enabled */
	mt_wr(&T, NVME_REG_CC, 0x00460081);
	CHECK(nvme_model_take_error(T.m, "while enabled"));
	CHECK_EQX(nvme_model_cc(T.m), 0x00460001);
	/* disable: RDY clears after the same delay, CC cleared (like QEMU) */
	mt_wr(&T, NVME_REG_CC, 0x00460000);
	CHECK_EQ(nvme_model_cc(T.m), 0);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 1);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 1);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	/* a time-based delay: RDY only after 5 ms of the virtual clock */
	nvme_model_destroy(T.m);
	T.cfg.rdy_delay_polls = 0;
	T.cfg.rdy_delay_us = 5000;
	T.m = nvme_model_create(&T.cfg);
	REQUIRE(T.m != NULL);
	program_admin(0x00030003);
	mt_wr(&T, NVME_REG_CC, 0x00460001);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	T.env->host.delay_us(T.env, 4000);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	T.env->host.delay_us(T.env, 1000);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 1);
	/* RDY never set knob */
	mt_wr(&T, NVME_REG_CC, 0);
	T.env->host.delay_us(T.env, 10000);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	nvme_model_set_rdy_never(T.m, true);
	program_admin(0x00030003);
	mt_wr(&T, NVME_REG_CC, 0x00460001);
	T.env->host.delay_us(T.env, 1000000);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
}

static void model_enable_bad_cc(void)
{
	static const struct {
		uint32_t cc, aqa;
		const char *why;
	} cases[] = {
		{ 0x00460001u | (5u << 7), 0x00030003, "CC.MPS" },     /* MPS 5 > MPSMAX 4 */
		{ 0x00400001u, 0x00030003, "IOSQES" },                  /* IOCQES 4 missing -> 0 */
		{ 0x00060001u, 0x00030003, "IOSQES" },                  /* IOSQES 0 */
		{ 0x00460001u | (1u << 4), 0x00030003, "CC.CSS" },      /* CSS 1 unsupported */
		{ 0x00460001u | (1u << 11), 0x00030003, "CC.AMS" },     /* WRR not in CAP.AMS */
		{ 0x00460001u, 0x00030000, "admin queue of one entry" },
	};
	mt_default_config(&T);
	mt_create(&T, NULL);
	T.page = 4096;
	tq_alloc(&T, &T.admin, 0, 4, 4);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		program_admin(cases[i].aqa);
		mt_wr(&T, NVME_REG_CC, cases[i].cc);
		uint32_t csts = mt_rd(&T, NVME_REG_CSTS);
		CHECK_MSG(csts == 2u, "case %u (%s): CSTS %08x, want CFS only", i, cases[i].why, csts);
		CHECK_MSG(nvme_model_take_error(T.m, cases[i].why), "case %u: no error naming %s", i, cases[i].why);
		mt_wr(&T, NVME_REG_CC, 0);   /* reset clears CFS */
		CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 0);
	}
	/* misaligned ASQ */
	mt_wr(&T, NVME_REG_AQA, 0x00030003);
	mt_wr(&T, NVME_REG_ASQ, (uint32_t)T.admin.sq_phys + 64);
	mt_wr(&T, NVME_REG_CC, 0x00460001);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 2);
	CHECK(nvme_model_take_error(T.m, "not aligned"));
	mt_wr(&T, NVME_REG_CC, 0);
	/* the valid configuration works afterwards */
	mt_wr(&T, NVME_REG_ASQ, (uint32_t)T.admin.sq_phys);
	mt_wr(&T, NVME_REG_CC, 0x00460001);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 1);
	/* admin registers written while enabled is a host error */
	mt_wr(&T, NVME_REG_AQA, 0x00030003);
	CHECK(nvme_model_take_error(T.m, "while CC.EN=1"));
	/* injected CFS and the gone knob */
	nvme_model_set_cfs(T.m, true);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 3);
	nvme_model_set_gone(T.m, true);
	CHECK_EQX(mt_rd(&T, NVME_REG_CSTS), 0xFFFFFFFFu);
	CHECK_EQX(mt_rd(&T, NVME_REG_CAP), 0xFFFFFFFFu);
	nvme_model_set_gone(T.m, false);
	mt_wr(&T, NVME_REG_CC, 0);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 0);
	/* CFS after n CSTS reads */
	mt_wr(&T, NVME_REG_CC, 0x00460001);
	nvme_model_cfs_after_csts_reads(T.m, 2);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 1);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 3);
}

static void model_shutdown(void)
{
	mt_default_config(&T);
	T.cfg.shst_delay_polls = 2;
	setup(8);
	mt_wr(&T, NVME_REG_CC, nvme_model_cc(T.m) | (uint32_t)NVME_SET(NVME_CC_SHN, 1));
	CHECK_EQ(NVME_GET(mt_rd(&T, NVME_REG_CSTS), NVME_CSTS_SHST), NVME_CSTS_SHST_OCCURRING);
	CHECK_EQ(NVME_GET(mt_rd(&T, NVME_REG_CSTS), NVME_CSTS_SHST), NVME_CSTS_SHST_COMPLETE);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 1);   /* still ready: EN stays 1 */
	/* commands after shutdown are a host error and are not processed */
	struct nvme_sqe s = { .opc = NVME_ADMIN_GET_FEATURES, .cdw10 = NVME_FEAT_NUM_QUEUES };
	CHECK_EQ(mt_admin(&T, &s, NULL), 0xFFFF);
	CHECK(nvme_model_take_error(T.m, "after shutdown"));
	/* reset brings it back */
	mt_disable(&T);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 0);
	CHECK(!nvme_model_sq_exists(T.m, 1));
	tq_free(&T, &T.admin);
	tq_free(&T, &T.io);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	memset(&s, 0, sizeof(s));
	s.opc = NVME_ADMIN_GET_FEATURES;
	s.cdw10 = NVME_FEAT_NUM_QUEUES;
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	/* SHST never completes */
	nvme_model_set_shst_never(T.m, true);
	mt_wr(&T, NVME_REG_CC, nvme_model_cc(T.m) | (uint32_t)NVME_SET(NVME_CC_SHN, 2));
	T.env->host.delay_us(T.env, 100000000);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(NVME_GET(mt_rd(&T, NVME_REG_CSTS), NVME_CSTS_SHST), NVME_CSTS_SHST_OCCURRING);
}

static void model_identify(void)
{
	mt_default_config(&T);
	T.ns[1].nsid = 7;     /* a gap: 1, 7 */
	T.cfg.mdts = 6;
	T.cfg.sn = "SER123";
	setup(0);
	uint8_t *buf = host_env_buf(T.env, 4096, 0, 0);
	struct nvme_sqe s = { .opc = NVME_ADMIN_IDENTIFY, .cdw10 = NVME_CNS_CTRL };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	const struct nvme_id_ctrl *id = (const void *)buf;
	CHECK_EQ(id->mdts, 6);
	CHECK_EQ(id->nn, 7);
	CHECK_EQX(id->sqes, 0x66);
	CHECK_EQX(id->cqes, 0x44);
	char sn[20];
	memset(sn, ' ', sizeof(sn));
	memcpy(sn, "SER123", 6);
	CHECK_MEM(id->sn, sn, 20);
	CHECK_EQX(id->ver, NVME_VS(1, 4, 0));
	/* NSID must be 0 for CNS 1 (strict_id_ctrl_nsid) */
	s.nsid = NVME_NSID_ALL;
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	/* namespace 7: 4 KiB blocks */
	memset(buf, 0xAA, 4096);
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_IDENTIFY, .nsid = 7, .cdw10 = NVME_CNS_NS };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	const struct nvme_id_ns *ns = (const void *)buf;
	CHECK_EQ(ns->nsze, 1024);
	CHECK_EQ(ns->lbaf[ns->flbas & 0xF].lbads, 12);
	CHECK(ns->nlbaf >= (ns->flbas & 0xF));
	/* inactive NSID <= NN: zeros */
	memset(buf, 0xAA, 4096);
	s.nsid = 3;
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_EQ(ns->nsze, 0);
	CHECK_EQ(buf[4095], 0);
	/* NSID above NN, 0, broadcast */
	s.nsid = 8;
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	s.nsid = 0;
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	/* active list */
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_IDENTIFY, .nsid = 0, .cdw10 = NVME_CNS_ACTIVE_NS_LIST };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	const uint32_t *l = (const void *)buf;
	CHECK_EQ(l[0], 1);
	CHECK_EQ(l[1], 7);
	CHECK_EQ(l[2], 0);
	s.nsid = 1;
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_EQ(l[0], 7);
	CHECK_EQ(l[1], 0);
	s.nsid = 0xFFFFFFFEu;
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	/* descriptors and an unknown CNS */
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_IDENTIFY, .nsid = 1, .cdw10 = NVME_CNS_NS_ID_DESCRIPTORS };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_EQ(buf[0], NVME_NIDT_EUI64);
	s.cdw10 = 0x55;
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	/* patches change what the host sees */
	nvme_model_patch_byte_id_ctrl(T.m, offsetof(struct nvme_id_ctrl, mdts), 0xFF);
	nvme_model_patch_byte_id_ns(T.m, 7, offsetof(struct nvme_id_ns, flbas), 0x0F);
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_IDENTIFY, .cdw10 = NVME_CNS_CTRL };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_EQ(id->mdts, 0xFF);
	s.cdw10 = NVME_CNS_NS;
	s.nsid = 7;
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_EQ(ns->flbas, 0x0F);
	s.nsid = 1;
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_NE(ns->flbas, 0x0F);
	uint32_t lie[3] = { 5, 3, 9 };
	nvme_model_patch_ns_list(T.m, lie, 3);
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_IDENTIFY, .cdw10 = NVME_CNS_ACTIVE_NS_LIST };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	CHECK_EQ(l[0], 5);
	CHECK_EQ(l[1], 3);
	CHECK_EQ(l[3], 0);
	host_env_buf_free(T.env, buf);
}

static void model_many_namespaces(void)
{
	enum { N = 3000 };
	static struct nvme_model_ns_config nsc[N];
	for (unsigned i = 0; i < N; i++)   /* NSIDs 2, 5, 8, ... in reverse order */
		nsc[i] = (struct nvme_model_ns_config){ .nsid = 2 + 3 * (N - 1 - i), .lba_size = 512,
							 .blocks = 1ull << 40 };
	mt_default_config(&T);
	T.cfg.ns = nsc;
	T.cfg.ns_count = N;
	setup(4);
	uint32_t *buf = host_env_buf(T.env, 4096, 0, 0);
	struct nvme_sqe s = { .opc = NVME_ADMIN_IDENTIFY, .cdw10 = NVME_CNS_ACTIVE_NS_LIST };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	uint32_t after = 0, seen = 0, pages = 0;
	for (;;) {
		s.nsid = after;
		REQUIRE_EQ(mt_admin(&T, &s, NULL), 0);
		pages++;
		unsigned k = 0;
		while (k < 1024 && buf[k]) {
			CHECK_EQ(buf[k], 2 + 3 * seen);
			seen++;
			after = buf[k];
			k++;
		}
		if (k < 1024)
			break;
	}
	CHECK_EQ(seen, N);
	CHECK_EQ(pages, 3);
	/* sparse data at huge LBAs */
	uint8_t *d = host_env_buf(T.env, 512, 0, 0);
	fill(d, 512, 9);
	struct nvme_sqe w;
	mt_rw_sqe(&w, NVME_CMD_WRITE, 2 + 3 * 2999, (1ull << 40) - 1, 1, host_env_bus_addr(T.env, d), 0);
	CHECK_EQ(mt_cmd(&T, &T.io, &w, NULL), 0);
	uint8_t back[512];
	CHECK_EQ(nvme_model_ns_read(T.m, 2 + 3 * 2999, (1ull << 40) - 1, 1, back), 0);
	CHECK_MEM(back, d, 512);
	host_env_buf_free(T.env, d);
	host_env_buf_free(T.env, buf);
}

static void model_admin_phase_wrap(void)
{
	mt_default_config(&T);
	mt_create(&T, NULL);
	REQUIRE(mt_enable(&T, 4, 3, 0));
	unsigned flips = 0;
	uint8_t last_phase = 1;
	for (unsigned i = 0; i < 5000; i++) {
		struct nvme_sqe s = { .opc = NVME_ADMIN_GET_FEATURES, .cdw10 = NVME_FEAT_NUM_QUEUES };
		struct nvme_cqe c;
		uint32_t slot = T.admin.head;
		uint16_t st = mt_admin(&T, &s, &c);
		REQUIRE_EQ(st, 0);
		CHECK_EQ(c.cid, (uint16_t)i);
		CHECK_EQ(c.sqid, 0);
		CHECK_EQ(c.sqhd, (i + 1) % 4);
		CHECK_EQ(c.dw0, (63u << 16) | 63u);
		uint8_t p = (uint8_t)(c.status & 1u);
		CHECK_EQ(p, (i / 3) % 2 == 0 ? 1 : 0);   /* 3-entry CQ: phase flips every 3 */
		if (p != last_phase)
			flips++;
		last_phase = p;
		CHECK_EQ(slot, i % 3);
	}
	CHECK_EQ(flips, 5000 / 3);
	CHECK_EQ(nvme_model_stats(T.m)->cqes_posted, 5000);
}

static uint16_t create_cq(uint16_t qid, uint32_t qsize0, uint32_t cdw11, uint64_t prp1)
{
	struct nvme_sqe s = { .opc = NVME_ADMIN_CREATE_CQ };
	s.cdw10 = (uint32_t)(NVME_SET(NVME_CREATE_CQ_CDW10_QID, qid) | NVME_SET(NVME_CREATE_CQ_CDW10_QSIZE, qsize0));
	s.cdw11 = cdw11;
	s.dptr.prp.prp1 = prp1;
	return mt_admin(&T, &s, NULL);
}

static uint16_t create_sq(uint16_t qid, uint32_t qsize0, uint16_t cqid, uint32_t flags, uint64_t prp1)
{
	struct nvme_sqe s = { .opc = NVME_ADMIN_CREATE_SQ };
	s.cdw10 = (uint32_t)(NVME_SET(NVME_CREATE_SQ_CDW10_QID, qid) | NVME_SET(NVME_CREATE_SQ_CDW10_QSIZE, qsize0));
	s.cdw11 = (uint32_t)NVME_SET(NVME_CREATE_SQ_CDW11_CQID, cqid) | flags;
	s.dptr.prp.prp1 = prp1;
	return mt_admin(&T, &s, NULL);
}

static uint16_t delete_q(uint8_t opc, uint16_t qid)
{
	struct nvme_sqe s = { .opc = opc, .cdw10 = qid };
	return mt_admin(&T, &s, NULL);
}

static void model_queue_create_errors(void)
{
	mt_default_config(&T);
	T.cfg.mqes = 63;
	T.cfg.max_io_sq = 4;
	T.cfg.max_io_cq = 4;
	T.cfg.msix_vectors = 2;
	setup(0);
	uint8_t *mem = host_env_buf(T.env, 8 * 4096, 0, 0);
	uint64_t p = host_env_bus_addr(T.env, mem);
	const uint32_t PC = 1;
	CHECK(SF_IS(create_cq(0, 15, PC, p), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(create_cq(5, 15, PC, p), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(create_cq(1, 0, PC, p), SCT_CMD, NVME_SC_INVALID_QUEUE_SIZE));
	CHECK(SF_IS(create_cq(1, 64, PC, p), SCT_CMD, NVME_SC_INVALID_QUEUE_SIZE));
	CHECK(SF_IS(create_cq(1, 15, 0, p), SCT_GEN, NVME_SC_INVALID_FIELD));      /* PC=0 with CQR */
	CHECK(SF_IS(create_cq(1, 15, PC | 2u | (2u << 16), p), SCT_CMD, NVME_SC_INVALID_INTERRUPT_VECTOR));
	CHECK(SF_IS(create_cq(1, 15, PC, p + 512), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	CHECK(SF_IS(create_cq(1, 15, PC, 0), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK_EQ(create_cq(1, 63, PC | 2u | (1u << 16), p), 0);                    /* MQES itself is fine */
	CHECK(SF_IS(create_cq(1, 15, PC, p + 4096), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER)); /* in use */
	CHECK(SF_IS(create_sq(1, 15, 0, PC, p + 4096), SCT_CMD, NVME_SC_COMPLETION_QUEUE_INVALID));
	CHECK(SF_IS(create_sq(1, 15, 2, PC, p + 4096), SCT_CMD, NVME_SC_COMPLETION_QUEUE_INVALID));
	CHECK(SF_IS(create_sq(0, 15, 1, PC, p + 4096), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(create_sq(5, 15, 1, PC, p + 4096), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(create_sq(1, 0, 1, PC, p + 4096), SCT_CMD, NVME_SC_INVALID_QUEUE_SIZE));
	CHECK(SF_IS(create_sq(1, 64, 1, PC, p + 4096), SCT_CMD, NVME_SC_INVALID_QUEUE_SIZE));
	CHECK(SF_IS(create_sq(1, 15, 1, 0, p + 4096), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(create_sq(1, 15, 1, PC, p + 4096 + 64), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	CHECK_EQ(create_sq(1, 15, 1, PC, p + 4096), 0);
	CHECK_EQ(create_sq(2, 15, 1, PC, p + 2 * 4096), 0);   /* two SQs on one CQ */
	CHECK(SF_IS(create_sq(2, 15, 1, PC, p + 3 * 4096), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_CQ, 1), SCT_CMD, NVME_SC_INVALID_QUEUE_DELETION));
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_SQ, 0), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_SQ, 3), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_CQ, 0), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_CQ, 2), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	CHECK_EQ(delete_q(NVME_ADMIN_DELETE_SQ, 1), 0);
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_CQ, 1), SCT_CMD, NVME_SC_INVALID_QUEUE_DELETION));
	CHECK_EQ(delete_q(NVME_ADMIN_DELETE_SQ, 2), 0);
	CHECK_EQ(delete_q(NVME_ADMIN_DELETE_CQ, 1), 0);
	CHECK_EQ(nvme_model_io_sq_count(T.m), 0);
	CHECK_EQ(nvme_model_io_cq_count(T.m), 0);
	CHECK(SF_IS(delete_q(NVME_ADMIN_DELETE_SQ, 1), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	/* unknown admin opcode, fused, admin with SGL */
	struct nvme_sqe s = { .opc = 0x7F };
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_OPCODE));
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_GET_FEATURES, .flags = 1, .cdw10 = NVME_FEAT_NUM_QUEUES };
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	s.flags = 0x40;
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	host_env_buf_free(T.env, mem);
}

static void model_noncontig_queue(void)
{
	mt_default_config(&T);
	T.cfg.cqr = false;
	setup(0);
	/* CQ of 512 entries = 2 pages, SQ of 128 entries = 2 pages; pages out of
	 * order: lists on pages 0 (CQ) and 1 (SQ), CQ on pages 4,2, SQ on 5,3 */
	uint8_t *mem = host_env_buf(T.env, 6 * 4096, 0, 0);
	uint64_t base = host_env_bus_addr(T.env, mem);
	uint64_t *cql = (uint64_t *)mem;
	uint64_t *sql = (uint64_t *)(mem + 4096);
	cql[0] = base + 4 * 4096;
	cql[1] = base + 2 * 4096;
	sql[0] = base + 5 * 4096;
	sql[1] = base + 3 * 4096;
	CHECK_EQ(create_cq(1, 511, 0, base), 0);
	CHECK_EQ(create_sq(1, 127, 1, 0, base + 4096), 0);
	CHECK(SF_IS(create_sq(2, 127, 1, 0, base + 64), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	/* drive the queues by hand across their page boundaries */
	uint8_t *d = host_env_buf(T.env, 512, 0, 0);
	unsigned done = 0;
	uint32_t sqt = 0, cqh = 0;
	uint8_t ph = 1;
	for (unsigned i = 0; i < 700; i++) {
		struct nvme_sqe w;
		fill(d, 512, i);
		mt_rw_sqe(&w, NVME_CMD_WRITE, 1, i % 4096, 1, host_env_bus_addr(T.env, d), 0);
		w.cid = (uint16_t)i;
		uint64_t off = (uint64_t)sqt * 64;
		uint8_t *page = mem + (off / 4096 == 0 ? 5 : 3) * 4096;
		memcpy(page + off % 4096, &w, 64);
		sqt = (sqt + 1) % 128;
		mt_wr(&T, NVME_SQ_TAIL_DB(1, 0), sqt);
		uint64_t coff = (uint64_t)cqh * 16;
		struct nvme_cqe *c = (struct nvme_cqe *)(mem + (coff / 4096 == 0 ? 4 : 2) * 4096 + coff % 4096);
		REQUIRE((c->status & 1u) == ph);
		CHECK_EQ(c->cid, (uint16_t)i);
		CHECK_EQ(c->status >> 1, 0);
		if (++cqh == 512) {
			cqh = 0;
			ph ^= 1;
		}
		mt_wr(&T, NVME_CQ_HEAD_DB(1, 0), cqh);
		done++;
	}
	CHECK_EQ(done, 700);
	uint8_t back[512];
	CHECK_EQ(nvme_model_ns_read(T.m, 1, 699, 1, back), 0);
	fill(d, 512, 699);
	CHECK_MEM(back, d, 512);
	host_env_buf_free(T.env, d);
	host_env_buf_free(T.env, mem);
}

static uint16_t rw(uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb, uint64_t prp1, uint64_t prp2)
{
	struct nvme_sqe s;
	mt_rw_sqe(&s, opc, nsid, slba, nlb, prp1, prp2);
	return mt_cmd(&T, &T.io, &s, NULL);
}

static void model_prp_rules(void)
{
	mt_default_config(&T);
	T.cfg.mdts = 0;     /* unlimited: long lists */
	T.ns[0].blocks = 1u << 16;
	setup(16);
	const uint64_t P = 4096;
	/* correct PRPs for every offset/length class, data checked both ways */
	static const struct { size_t off, len; } cases[] = {
		{ 0, 512 }, { 512, 512 }, { 3584, 512 }, { 0, 4096 }, { 512, 4096 }, { 3584, 1024 },
		{ 0, 8192 }, { 4, 8192 - 512 }, { 0, 3 * 4096 }, { 1024, 3 * 4096 }, { 2048, 511 * 4096 },
		{ 0, 512 * 4096 }, { 0, 513 * 4096 }, { 512, 1022 * 4096 }, { 0, 1024 * 4096 + 512 },
	};
	uint8_t *lists = host_env_buf(T.env, 8 * P, 0, 0);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len;
		size_t off = cases[i].off;
		uint32_t nlb = (uint32_t)(len / 512);
		if (len % 512)
			len = nlb * 512;   /* whole blocks */
		if (off % 4)
			off &= ~(size_t)3;
		uint8_t *buf = host_env_buf(T.env, len, off, 0);
		uint8_t *back = host_env_buf(T.env, len, (off + 512) % P, 0);
		uint64_t p1, p2;
		fill(buf, len, i);
		memset(lists, 0, 8 * P);
		build_prp(&T, buf, len, (uint64_t *)lists, &p1, &p2);
		CHECK_MSG(rw(NVME_CMD_WRITE, 1, 100, nlb, p1, p2) == 0, "case %u write", i);
		memset(lists, 0, 8 * P);
		build_prp(&T, back, len, (uint64_t *)lists, &p1, &p2);
		CHECK_MSG(rw(NVME_CMD_READ, 1, 100, nlb, p1, p2) == 0, "case %u read", i);
		CHECK_MSG(memcmp(buf, back, len) == 0, "case %u data", i);
		host_env_buf_free(T.env, buf);
		host_env_buf_free(T.env, back);
	}
	CHECK(nvme_model_stats(T.m)->prp_lists_chained >= 4);

	/* violations */
	uint8_t *buf = host_env_buf(T.env, 16 * P, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	uint64_t lb = host_env_bus_addr(T.env, lists);
	uint64_t *l = (uint64_t *)lists;
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 1, b + 2, 0), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 8, b + 512, b + P + 8), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 8, b + 512, 0), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 1, 0, 0), SCT_GEN, NVME_SC_INVALID_FIELD));
	/* list: entry not page aligned, zero entry, list pointer not dword aligned */
	l[0] = b + P;
	l[1] = b + 2 * P + 512;
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 24, b, lb), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	l[1] = 0;
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 24, b, lb), SCT_GEN, NVME_SC_INVALID_FIELD));
	l[1] = b + 2 * P;
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 24, b, lb + 2), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 24, b, lb), 0);
	/* a list pointer with an offset is fine */
	l[100] = b + P;
	l[101] = b + 2 * P;
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 24, b, lb + 800), 0);
	/* a list starting in the last slot of a page chains immediately */
	l[511] = lb + P;
	l[512] = b + P;
	l[513] = b + 2 * P;
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 24, b, lb + 511 * 8), 0);
	/* the chain entry must be page aligned */
	l[511] = lb + P + 8;
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 24, b, lb + 511 * 8), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	/* exactly one entry left in the last slot: it is data, not a chain */
	for (unsigned i = 0; i < 512; i++)
		l[i] = b + (uint64_t)(i % 15 + 1) * P;
	uint64_t before = nvme_model_stats(T.m)->prp_lists_chained;
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 513 * 8, b, lb), 0);
	CHECK_EQ(nvme_model_stats(T.m)->prp_lists_chained, before);
	/* unreachable list and data */
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 24, b, 0x7000000000000000ull), SCT_GEN, NVME_SC_DATA_TRANSFER_ERROR));
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 1, 0x7000000000000000ull, 0), SCT_GEN, NVME_SC_DATA_TRANSFER_ERROR));
	/* PSDT 11b is reserved; SGL without SGLS support */
	struct nvme_sqe s;
	mt_rw_sqe(&s, NVME_CMD_READ, 1, 0, 1, b, 0);
	s.flags = 0xC0;
	CHECK(SF_IS(mt_cmd(&T, &T.io, &s, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	s.flags = 0x40;
	CHECK(SF_IS(mt_cmd(&T, &T.io, &s, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, lists);
}

static void model_prp_page_sizes(void)
{
	/* MPS 2 (16 KiB pages): PRP2 alignment and list slots follow CC.MPS */
	struct host_env_config ec;
	host_env_config_init(&ec);
	ec.page_size = 16384;
	mt_default_config(&T);
	T.cfg.mdts = 0;
	T.cfg.mpsmin = 2;
	mt_create(&T, &ec);
	REQUIRE(mt_enable(&T, 8, 8, 2));
	REQUIRE_EQ(mt_create_io(&T, 8), 0);
	CHECK_EQ(nvme_model_page_size(T.m), 16384);
	const uint64_t P = 16384;
	uint8_t *buf = host_env_buf(T.env, 4 * P, 0, 0);
	uint8_t *lists = host_env_buf(T.env, 2 * P, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	/* 4 KiB aligned PRP2 is not page aligned at 16 KiB */
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 40, b, b + 4096 * 5), SCT_GEN, NVME_SC_PRP_OFFSET_INVALID));
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 40, b, b + P), 0);
	uint64_t p1, p2;
	uint8_t *src = host_env_buf(T.env, 3 * P, 100 * 4, 0);
	fill(src, 3 * P, 3);
	T.page = (uint32_t)P;
	build_prp(&T, src, 3 * P, (uint64_t *)lists, &p1, &p2);
	CHECK_EQ(rw(NVME_CMD_WRITE, 1, 8, 96, p1, p2), 0);
	uint8_t *chk = malloc(3 * P);
	CHECK_EQ(nvme_model_ns_read(T.m, 1, 8, 96, chk), 0);
	CHECK_MEM(chk, src, 3 * P);
	free(chk);
	host_env_buf_free(T.env, src);
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, lists);
}

static void model_scrambled_memory(void)
{
	struct host_env_config ec;
	host_env_config_init(&ec);
	ec.scramble = true;
	mt_default_config(&T);
	T.cfg.mdts = 0;
	mt_create(&T, &ec);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	REQUIRE_EQ(mt_create_io(&T, 8), 0);
	uint8_t *buf = host_env_buf(T.env, 8 * 4096, 0, 0);
	uint8_t *lists = host_env_buf(T.env, 4096, 0, 0);
	/* page i of the buffer is not at bus address base + i * 4096 */
	uint64_t b0 = host_env_bus_addr(T.env, buf), b1 = host_env_bus_addr(T.env, buf + 4096);
	CHECK(b1 != b0 + 4096);
	CHECK(b0 != (uint64_t)(uintptr_t)buf);
	fill(buf, 8 * 4096, 77);
	uint64_t p1, p2;
	build_prp(&T, buf, 8 * 4096, (uint64_t *)lists, &p1, &p2);
	CHECK_EQ(rw(NVME_CMD_WRITE, 1, 0, 64, p1, p2), 0);
	uint8_t *chk = malloc(8 * 4096);
	CHECK_EQ(nvme_model_ns_read(T.m, 1, 0, 64, chk), 0);
	CHECK_MEM(chk, buf, 8 * 4096);
	/* a PRP2 computed as "PRP1 + 4096" (assuming contiguity) moves the wrong
	 * page: page 1 is followed on the bus by page 0 */
	CHECK_EQ(rw(NVME_CMD_WRITE, 1, 100, 16, b1, b1 + 4096), 0);
	CHECK_EQ(nvme_model_ns_read(T.m, 1, 100, 16, chk), 0);
	CHECK_MEM(chk, buf + 4096, 4096);
	CHECK(memcmp(chk + 4096, buf + 8192, 4096) != 0);
	CHECK_MEM(chk + 4096, buf, 4096);
	/* past the last page nothing is mapped */
	CHECK(SF_IS(rw(NVME_CMD_WRITE, 1, 100, 16, b0, b0 + 4096), SCT_GEN, NVME_SC_DATA_TRANSFER_ERROR));
	free(chk);
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, lists);
}

static void model_mdts(void)
{
	mt_default_config(&T);
	T.cfg.mdts = 2;      /* 4 pages of MPSMIN (4 KiB) = 16 KiB */
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 8 * 4096, 0, 0);
	uint8_t *lists = host_env_buf(T.env, 4096, 0, 0);
	uint64_t p1, p2;
	build_prp(&T, buf, 16384, (uint64_t *)lists, &p1, &p2);
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 32, p1, p2), 0);
	build_prp(&T, buf, 16384 + 512, (uint64_t *)lists, &p1, &p2);
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 33, p1, p2), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(rw(NVME_CMD_READ, 2, 0, 5, p1, p2), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK_EQ(rw(NVME_CMD_READ, 2, 0, 4, p1, p2), 0);
	/* MDTS is in units of the MPSMIN page, not of CC.MPS */
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, lists);
	nvme_model_destroy(T.m);
	host_env_destroy(T.env);
	T.m = NULL;
	T.env = NULL;
	mt_default_config(&T);
	T.cfg.mdts = 1;
	T.cfg.mpsmin = 1;     /* 8 KiB: MDTS 1 = 16 KiB */
	struct host_env_config ec;
	host_env_config_init(&ec);
	ec.page_size = 16384;
	mt_create(&T, &ec);
	REQUIRE(mt_enable(&T, 8, 8, 2));   /* CC.MPS = 16 KiB pages */
	REQUIRE_EQ(mt_create_io(&T, 8), 0);
	buf = host_env_buf(T.env, 4 * 16384, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 32, b + 512, b + 16384), 0);
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 0, 33, b, b + 16384), SCT_GEN, NVME_SC_INVALID_FIELD));
	host_env_buf_free(T.env, buf);
}

static void model_io_errors(void)
{
	mt_default_config(&T);
	T.ns[1].nsid = 3;
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 4096, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	CHECK_EQ(rw(NVME_CMD_READ, 1, 4095, 1, b, 0), 0);
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 4096, 1, b, 0), SCT_GEN, NVME_SC_LBA_OUT_OF_RANGE));
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 4095, 2, b, 0), SCT_GEN, NVME_SC_LBA_OUT_OF_RANGE));
	CHECK(SF_IS(rw(NVME_CMD_WRITE, 1, UINT64_MAX, 2, b, 0), SCT_GEN, NVME_SC_LBA_OUT_OF_RANGE));
	CHECK(SF_IS(rw(NVME_CMD_READ, 3, 1023, 2, b, 0), SCT_GEN, NVME_SC_LBA_OUT_OF_RANGE));
	CHECK(SF_IS(rw(NVME_CMD_READ, 0, 0, 1, b, 0), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	CHECK(SF_IS(rw(NVME_CMD_READ, 2, 0, 1, b, 0), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	CHECK(SF_IS(rw(NVME_CMD_READ, NVME_NSID_ALL, 0, 1, b, 0), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	CHECK(SF_IS(rw(0x7E, 1, 0, 1, b, 0), SCT_GEN, NVME_SC_INVALID_OPCODE));
	/* flush: per namespace, broadcast (VWC 07h advertises it), dirty tracking */
	CHECK_EQ(rw(NVME_CMD_WRITE, 1, 0, 1, b, 0), 0);
	CHECK_EQ(nvme_model_dirty_blocks(T.m, 1), 1);
	struct nvme_sqe f = { .opc = NVME_CMD_FLUSH, .nsid = 1 };
	CHECK_EQ(mt_cmd(&T, &T.io, &f, NULL), 0);
	CHECK_EQ(nvme_model_dirty_blocks(T.m, 1), 0);
	f.nsid = NVME_NSID_ALL;
	CHECK_EQ(mt_cmd(&T, &T.io, &f, NULL), 0);
	f.nsid = 2;
	CHECK(SF_IS(mt_cmd(&T, &T.io, &f, NULL), SCT_GEN, NVME_SC_INVALID_NAMESPACE_OR_FORMAT));
	CHECK_EQ(nvme_model_stats(T.m)->flushes, 2);
	/* unwritten blocks read as zeros */
	memset(buf, 0xEE, 4096);
	CHECK_EQ(rw(NVME_CMD_READ, 3, 7, 1, b, 0), 0);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(buf[4095], 0);
	host_env_buf_free(T.env, buf);
}

static void model_cq_full_stall(void)
{
	mt_default_config(&T);
	setup(0);
	/* CQ of 4 entries (3 usable), SQ of 16 */
	tq_alloc(&T, &T.io, 1, 16, 4);
	CHECK_EQ(create_cq(1, 3, 1, T.io.cq_phys), 0);
	CHECK_EQ(create_sq(1, 15, 1, 1, T.io.sq_phys), 0);
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	for (unsigned i = 0; i < 10; i++) {
		struct nvme_sqe s;
		mt_rw_sqe(&s, NVME_CMD_READ, 1, i, 1, host_env_bus_addr(T.env, buf), 0);
		tq_push(&T, &T.io, &s, false);
	}
	tq_ring(&T, &T.io);
	CHECK_EQ(nvme_model_stats(T.m)->io_cmds, 3);
	CHECK_EQ(nvme_model_stats(T.m)->cq_full_stalls, 1);
	/* 7 entries wait in the 16-entry SQ: 9 more would overrun it */
	mt_wr(&T, NVME_SQ_TAIL_DB(1, 0), (10 + 9) % 16);
	CHECK(nvme_model_take_error(T.m, "overrun"));
	unsigned got = 0;
	struct nvme_cqe c;
	while (tq_pop(&T, &T.io, &c, false)) {
		CHECK_EQ(c.cid, got);
		got++;
	}
	CHECK_EQ(got, 3);
	/* the head doorbell frees space: the model resumes fetching */
	mt_wr(&T, NVME_CQ_HEAD_DB(1, 0), T.io.head);
	while (got < 10) {
		if (!tq_pop(&T, &T.io, &c, true))
			break;
		CHECK_EQ(c.cid, got);
		CHECK_EQ(c.sqhd, got + 1);
		got++;
	}
	CHECK_EQ(got, 10);
	CHECK_EQ(nvme_model_stats(T.m)->io_cmds, 10);
	host_env_buf_free(T.env, buf);
}

static void model_doorbell_errors(void)
{
	mt_default_config(&T);
	T.cfg.dstrd = 1;
	setup(8);
	/* the first error turns into an asynchronous event on an outstanding AER */
	struct nvme_sqe a = { .opc = NVME_ADMIN_ASYNC_EVENT };
	CHECK_EQ(mt_admin(&T, &a, NULL), 0xFFFF);   /* held: no completion */
	mt_wr(&T, NVME_SQ_TAIL_DB(1, 1), 8);
	CHECK(nvme_model_take_error(T.m, ">= queue size"));
	struct nvme_cqe c;
	REQUIRE(tq_pop(&T, &T.admin, &c, true));
	CHECK_EQ(c.cid, a.cid);
	CHECK_EQ(NVME_GET(c.dw0, NVME_AER_DW0_TYPE), NVME_AER_TYPE_ERROR);
	CHECK_EQ(NVME_GET(c.dw0, NVME_AER_DW0_INFO), NVME_AER_ERROR_INVALID_DOORBELL_VALUE);
	CHECK_EQ(NVME_GET(c.dw0, NVME_AER_DW0_LID), NVME_LID_ERROR);
	mt_wr(&T, NVME_CQ_HEAD_DB(1, 1), 3);
	CHECK(nvme_model_take_error(T.m, "passes the tail"));
	mt_wr(&T, NVME_SQ_TAIL_DB(5, 1), 1);
	CHECK(nvme_model_take_error(T.m, "does not exist"));
	mt_wr(&T, NVME_REG_DBS + 4, 1);    /* between SQ0 and CQ0 with an 8-byte stride */
	CHECK(nvme_model_take_error(T.m, "between doorbells"));
	/* the queue still works */
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 1, host_env_bus_addr(T.env, buf), 0), 0);
	host_env_buf_free(T.env, buf);
}

static void model_defer_and_abort(void)
{
	mt_default_config(&T);
	setup(16);
	nvme_model_set_defer(T.m, NVME_MODEL_DEFER_IO, 0);
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	for (unsigned i = 0; i < 4; i++) {
		struct nvme_sqe s;
		mt_rw_sqe(&s, NVME_CMD_READ, 1, i, 1, b, 0);
		tq_push(&T, &T.io, &s, false);
	}
	tq_ring(&T, &T.io);
	CHECK_EQ(nvme_model_held(T.m), 4);
	CHECK(!tq_pop(&T, &T.io, NULL, false));
	/* a CID still in flight must not be reused */
	struct nvme_sqe dup;
	mt_rw_sqe(&dup, NVME_CMD_READ, 1, 0, 1, b, 0);
	dup.cid = 2;
	tq_push(&T, &T.io, &dup, true);
	tq_ring(&T, &T.io);
	CHECK(nvme_model_take_error(T.m, "in flight"));
	struct nvme_cqe c;
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK(SF_IS(c.status >> 1, SCT_GEN, NVME_SC_CID_CONFLICT));
	/* abort CID 1: aborted (dw0 bit 0 = 0) and completed with Abort Requested */
	struct nvme_sqe ab = { .opc = NVME_ADMIN_ABORT };
	ab.cdw10 = (uint32_t)(NVME_SET(NVME_ABORT_CDW10_SQID, 1) | NVME_SET(NVME_ABORT_CDW10_CID, 1));
	struct nvme_cqe ac;
	CHECK_EQ(mt_admin(&T, &ab, &ac), 0);
	CHECK_EQ(ac.dw0 & 1u, 0);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 1);
	CHECK(SF_IS(c.status >> 1, SCT_GEN, NVME_SC_ABORT_REQUESTED));
	/* abort of something not in flight: "not aborted" */
	ab.cdw10 = (uint32_t)(NVME_SET(NVME_ABORT_CDW10_SQID, 1) | NVME_SET(NVME_ABORT_CDW10_CID, 99));
	CHECK_EQ(mt_admin(&T, &ab, &ac), 0);
	CHECK_EQ(ac.dw0 & 1u, 1);
	/* release one by CID, then the rest in order */
	CHECK(nvme_model_release_cid(T.m, 1, 3));
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 3);
	CHECK_EQ(nvme_model_release(T.m, ~0u), 2);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 0);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 2);
	/* time-based release */
	nvme_model_set_defer(T.m, NVME_MODEL_DEFER_IO, 500);
	struct nvme_sqe s;
	mt_rw_sqe(&s, NVME_CMD_READ, 1, 0, 1, b, 0);
	tq_push(&T, &T.io, &s, false);
	tq_ring(&T, &T.io);
	CHECK(!tq_pop(&T, &T.io, NULL, false));
	T.env->host.delay_us(T.env, 499);
	CHECK(!tq_pop(&T, &T.io, NULL, false));
	T.env->host.delay_us(T.env, 1);
	CHECK(tq_pop(&T, &T.io, NULL, true));
	/* deleting an SQ completes its held commands as aborted by SQ deletion */
	nvme_model_set_defer(T.m, NVME_MODEL_DEFER_IO, 0);
	tq_push(&T, &T.io, &s, false);
	tq_ring(&T, &T.io);
	CHECK_EQ(delete_q(NVME_ADMIN_DELETE_SQ, 1), 0);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK(SF_IS(c.status >> 1, SCT_GEN, NVME_SC_ABORTED_SQ_DELETION));
	CHECK_EQ(nvme_model_held(T.m), 0);
	CHECK(nvme_model_stats(T.m)->max_in_flight >= 4);
	host_env_buf_free(T.env, buf);
}

static void model_aer(void)
{
	mt_default_config(&T);
	T.cfg.aerl = 1;
	setup(0);
	struct nvme_sqe a = { .opc = NVME_ADMIN_ASYNC_EVENT };
	CHECK_EQ(mt_admin(&T, &a, NULL), 0xFFFF);
	uint16_t first = a.cid;
	a.cid = 0;
	CHECK_EQ(mt_admin(&T, &a, NULL), 0xFFFF);
	CHECK_EQ(nvme_model_aer_outstanding(T.m), 2);
	struct nvme_cqe c;
	CHECK(SF_IS(mt_admin(&T, &a, &c), SCT_CMD, NVME_SC_ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED));
	nvme_model_raise_event(T.m, NVME_AER_TYPE_SMART, NVME_AER_SMART_TEMPERATURE, NVME_LID_SMART);
	REQUIRE(tq_pop(&T, &T.admin, &c, true));
	CHECK_EQ(c.cid, first);
	CHECK_EQ(NVME_GET(c.dw0, NVME_AER_DW0_TYPE), NVME_AER_TYPE_SMART);
	CHECK_EQ(NVME_GET(c.dw0, NVME_AER_DW0_LID), NVME_LID_SMART);
	/* same type masked until the log is read */
	nvme_model_raise_event(T.m, NVME_AER_TYPE_SMART, NVME_AER_SMART_SPARE, NVME_LID_SMART);
	CHECK(!tq_pop(&T, &T.admin, NULL, false));
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	struct nvme_sqe g = { .opc = NVME_ADMIN_GET_LOG_PAGE };
	g.cdw10 = (uint32_t)(NVME_SET(NVME_GET_LOG_CDW10_LID, NVME_LID_SMART) | NVME_SET(NVME_GET_LOG_CDW10_NUMDL, 127));
	g.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	tq_push(&T, &T.admin, &g, false);
	tq_ring(&T, &T.admin);
	/* the log page completion and the unmasked event on the remaining AER,
	 * in either order */
	struct nvme_cqe c1, c2;
	REQUIRE(tq_pop(&T, &T.admin, &c1, true));
	REQUIRE(tq_pop(&T, &T.admin, &c2, true));
	if (c1.cid != g.cid) {
		struct nvme_cqe x = c1;
		c1 = c2;
		c2 = x;
	}
	CHECK_EQ(c1.cid, g.cid);
	CHECK_EQ(c1.status >> 1, 0);
	CHECK_EQ(NVME_GET(c2.dw0, NVME_AER_DW0_INFO), NVME_AER_SMART_SPARE);
	/* abort of an outstanding AER */
	a.cid = 0;
	CHECK_EQ(mt_admin(&T, &a, NULL), 0xFFFF);
	struct nvme_sqe ab = { .opc = NVME_ADMIN_ABORT };
	ab.cdw10 = (uint32_t)NVME_SET(NVME_ABORT_CDW10_CID, a.cid);
	tq_push(&T, &T.admin, &ab, false);
	tq_ring(&T, &T.admin);
	REQUIRE(tq_pop(&T, &T.admin, &c, true));
	CHECK_EQ(c.cid, a.cid);
	CHECK(SF_IS(c.status >> 1, SCT_GEN, NVME_SC_ABORT_REQUESTED));
	REQUIRE(tq_pop(&T, &T.admin, &c, true));
	CHECK_EQ(c.cid, ab.cid);
	CHECK_EQ(c.dw0 & 1u, 0);
	CHECK_EQ(nvme_model_aer_outstanding(T.m), 0);
	host_env_buf_free(T.env, buf);
}

static uint16_t set_feat(uint8_t fid, uint32_t cdw11, uint32_t *dw0)
{
	struct nvme_sqe s = { .opc = NVME_ADMIN_SET_FEATURES, .cdw10 = fid, .cdw11 = cdw11 };
	struct nvme_cqe c;
	uint16_t st = mt_admin(&T, &s, &c);
	if (dw0)
		*dw0 = c.dw0;
	return st;
}

static uint16_t get_feat(uint8_t fid, uint8_t sel, uint32_t *dw0)
{
	struct nvme_sqe s = { .opc = NVME_ADMIN_GET_FEATURES };
	s.cdw10 = (uint32_t)(fid | NVME_SET(NVME_FEAT_CDW10_SEL, sel));
	struct nvme_cqe c;
	uint16_t st = mt_admin(&T, &s, &c);
	if (dw0)
		*dw0 = c.dw0;
	return st;
}

static void model_number_of_queues(void)
{
	mt_default_config(&T);
	T.cfg.max_io_sq = 8;
	T.cfg.max_io_cq = 6;
	setup(0);
	uint32_t dw0 = 0;
	CHECK(SF_IS(set_feat(NVME_FEAT_NUM_QUEUES, 0xFFFF0000u, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(set_feat(NVME_FEAT_NUM_QUEUES, 0x0000FFFFu, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK_EQ(set_feat(NVME_FEAT_NUM_QUEUES, 0x00030003u, &dw0), 0);
	CHECK_EQX(dw0, 0x00050007u);
	CHECK(SF_IS(set_feat(NVME_FEAT_NUM_QUEUES, 0x00030003u, NULL), SCT_GEN, NVME_SC_COMMAND_SEQUENCE_ERROR));
	CHECK_EQ(get_feat(NVME_FEAT_NUM_QUEUES, 0, &dw0), 0);
	CHECK_EQX(dw0, 0x00050007u);
	/* after a reset it may be set again; not once a queue exists */
	mt_disable(&T);
	tq_free(&T, &T.admin);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	REQUIRE_EQ(mt_create_io(&T, 8), 0);
	CHECK(SF_IS(set_feat(NVME_FEAT_NUM_QUEUES, 0, NULL), SCT_GEN, NVME_SC_COMMAND_SEQUENCE_ERROR));
	/* the granted count is enforced on create */
	CHECK(SF_IS(create_cq(7, 3, 1, T.io.cq_phys), SCT_CMD, NVME_SC_INVALID_QUEUE_IDENTIFIER));
	/* an answer override (bad value knob) does not change enforcement */
	nvme_model_destroy(T.m);
	T.m = NULL;
	tq_free(&T, &T.admin);
	tq_free(&T, &T.io);
	T.cfg.nq_answer_set = true;
	T.cfg.nq_answer = 0xFFFFFFFFu;
	T.m = nvme_model_create(&T.cfg);
	REQUIRE(T.m);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	CHECK_EQ(set_feat(NVME_FEAT_NUM_QUEUES, 0, &dw0), 0);
	CHECK_EQX(dw0, 0xFFFFFFFFu);
	CHECK_EQ(nvme_model_stats(T.m)->nq_set_count, 1);
}

static void model_features(void)
{
	mt_default_config(&T);
	T.cfg.oncs = (uint16_t)(NVME_SET(NVME_ONCS_TIMESTAMP, 1));   /* no save/select */
	setup(0);
	uint32_t dw0;
	CHECK_EQ(get_feat(NVME_FEAT_VOLATILE_WC, 0, &dw0), 0);
	CHECK_EQ(dw0, 1);
	CHECK_EQ(set_feat(NVME_FEAT_VOLATILE_WC, 0, NULL), 0);
	CHECK_EQ(get_feat(NVME_FEAT_VOLATILE_WC, 0, &dw0), 0);
	CHECK_EQ(dw0, 0);
	CHECK_EQ(set_feat(NVME_FEAT_ARBITRATION, 0x01020303u, NULL), 0);
	CHECK_EQ(get_feat(NVME_FEAT_ARBITRATION, 0, &dw0), 0);
	CHECK_EQX(dw0, 0x01020303u);
	CHECK(SF_IS(set_feat(NVME_FEAT_POWER_MGMT, 1, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));   /* NPSS 0 */
	CHECK_EQ(set_feat(NVME_FEAT_POWER_MGMT, 0, NULL), 0);
	CHECK(SF_IS(set_feat(0x7D, 0, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(get_feat(0x7D, 0, NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK_EQ(set_feat(NVME_FEAT_TEMP_THRESHOLD, 350, NULL), 0);
	CHECK_EQ(get_feat(NVME_FEAT_TEMP_THRESHOLD, 0, &dw0), 0);
	CHECK_EQ(dw0 & 0xFFFF, 350);
	CHECK(SF_IS(set_feat(NVME_FEAT_TEMP_THRESHOLD, 350u | (3u << 16), NULL), SCT_GEN, NVME_SC_INVALID_FIELD));
	/* save without Save/Select support */
	struct nvme_sqe s = { .opc = NVME_ADMIN_SET_FEATURES, .cdw10 = NVME_FEAT_ARBITRATION | (1u << 31) };
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_CMD, NVME_SC_FEATURE_ID_NOT_SAVEABLE));
	/* namespace specific NSID on a controller feature */
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_GET_FEATURES, .nsid = 1, .cdw10 = NVME_FEAT_ARBITRATION };
	CHECK(SF_IS(mt_admin(&T, &s, NULL), SCT_CMD, NVME_SC_FEATURE_NOT_NS_SPECIFIC));
	/* timestamp: set, let 1.5 s of test time pass, read back */
	uint8_t *ts = host_env_buf(T.env, 8, 0, 0);
	uint64_t ms = 0x123456789AULL;
	for (int i = 0; i < 6; i++)
		ts[i] = (uint8_t)(ms >> (8 * i));
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_SET_FEATURES, .cdw10 = NVME_FEAT_TIMESTAMP };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, ts);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	T.env->host.delay_us(T.env, 1500000);
	memset(ts, 0, 8);
	s = (struct nvme_sqe){ .opc = NVME_ADMIN_GET_FEATURES, .cdw10 = NVME_FEAT_TIMESTAMP };
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, ts);
	CHECK_EQ(mt_admin(&T, &s, NULL), 0);
	uint64_t got = 0;
	for (int i = 5; i >= 0; i--)
		got = (got << 8) | ts[i];
	CHECK_EQ(got, ms + 1500);
	CHECK_EQ(NVME_GET(ts[6], NVME_TIMESTAMP_ATTR_ORIGIN), 1);
	/* a reset restores defaults */
	mt_disable(&T);
	tq_free(&T, &T.admin);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	CHECK_EQ(get_feat(NVME_FEAT_ARBITRATION, 0, &dw0), 0);
	CHECK_EQ(dw0, 7);
	host_env_buf_free(T.env, ts);
}

static uint16_t get_log(uint8_t lid, uint32_t nsid, uint64_t off, uint32_t len, void *buf, bool rae)
{
	struct nvme_sqe s = { .opc = NVME_ADMIN_GET_LOG_PAGE, .nsid = nsid };
	uint32_t numd = len / 4 - 1;
	s.cdw10 = (uint32_t)(NVME_SET(NVME_GET_LOG_CDW10_LID, lid) | NVME_SET(NVME_GET_LOG_CDW10_NUMDL, numd & 0xFFFF) |
			     NVME_SET(NVME_GET_LOG_CDW10_RAE, rae));
	s.cdw11 = (uint32_t)NVME_SET(NVME_GET_LOG_CDW11_NUMDU, numd >> 16);
	s.cdw12 = (uint32_t)off;
	s.cdw13 = (uint32_t)(off >> 32);
	s.dptr.prp.prp1 = host_env_bus_addr(T.env, buf);
	return mt_admin(&T, &s, NULL);
}

static void model_log_pages(void)
{
	mt_default_config(&T);
	T.cfg.elpe = 3;
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 4096, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(rw(NVME_CMD_WRITE, 1, i * 8, 8, b, 0), 0);
	CHECK_EQ(rw(NVME_CMD_READ, 2, 0, 1, b, 0), 0);
	CHECK(SF_IS(rw(NVME_CMD_READ, 1, 5000, 1, b, 0), SCT_GEN, NVME_SC_LBA_OUT_OF_RANGE));
	CHECK_EQ(get_log(NVME_LID_SMART, NVME_NSID_ALL, 0, 512, buf, false), 0);
	const struct nvme_smart_log *sm = (const void *)buf;
	CHECK_EQ(sm->host_writes[0], 3);
	CHECK_EQ(sm->host_reads[0], 1);
	CHECK_EQ(sm->data_units_written[0], 1);   /* 24 units of 512 B -> 1 (thousands, rounded up) */
	CHECK_EQ(sm->num_err_log_entries[0], 1);
	CHECK_EQ(sm->temperature[0] | (sm->temperature[1] << 8), 323);
	CHECK_EQ(get_log(NVME_LID_ERROR, 0, 0, 256, buf, false), 0);
	const struct nvme_error_log_entry *e = (const void *)buf;
	CHECK_EQ(e[0].error_count, 1);
	CHECK_EQ(e[0].sqid, 1);
	CHECK_EQ((e[0].status >> 1) & 0x7FF, NVME_SC_LBA_OUT_OF_RANGE);
	CHECK_EQ(e[1].error_count, 0);
	/* offset (dword aligned) and a transfer longer than the log (zero filled) */
	memset(buf, 0xFF, 4096);
	CHECK_EQ(get_log(NVME_LID_SMART, 0, 64, 1024, buf, true), 0);
	CHECK_EQ(buf[0], 1);      /* host_reads at byte 64 */
	CHECK_EQ(buf[16], 3);     /* host_writes at byte 80 */
	CHECK_EQ(buf[1000], 0);
	CHECK(SF_IS(get_log(NVME_LID_SMART, 0, 2, 4, buf, true), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(get_log(NVME_LID_SMART, 0, 516, 4, buf, true), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(get_log(NVME_LID_SMART, 1, 0, 512, buf, true), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK(SF_IS(get_log(0x70, 0, 0, 512, buf, true), SCT_CMD, NVME_SC_INVALID_LOG_PAGE));
	CHECK_EQ(get_log(NVME_LID_FW_SLOT, 0, 0, 512, buf, true), 0);
	CHECK_EQ(buf[0] & 7u, 1);
	CHECK_MEM(buf + 8, "1.0     ", 8);
	/* above MDTS (5: 128 KiB) */
	CHECK(SF_IS(get_log(NVME_LID_SMART, 0, 0, 256 * 1024, buf, true), SCT_GEN, NVME_SC_INVALID_FIELD));
	host_env_buf_free(T.env, buf);
}

static void sgl_set(struct nvme_sgl_desc *d, uint64_t addr, uint32_t len, unsigned type)
{
	memset(d, 0, sizeof(*d));
	d->addr = addr;
	d->length = len;
	d->id = (uint8_t)(type << 4);
}

static uint16_t sgl_rw(uint8_t opc, uint32_t nlb, const struct nvme_sgl_desc *d1)
{
	struct nvme_sqe s;
	mt_rw_sqe(&s, opc, 1, 0, nlb, 0, 0);
	s.flags = 0x40;
	s.dptr.sgl1 = *d1;
	return mt_cmd(&T, &T.io, &s, NULL);
}

static void model_sgl(void)
{
	mt_default_config(&T);
	T.cfg.sgls = NVME_SGLS_SUPPORT_DWORD_ALIGN;
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 4 * 4096, 0, 0);
	uint8_t *segs = host_env_buf(T.env, 4096, 0, 0);
	struct nvme_sgl_desc *sd = (struct nvme_sgl_desc *)segs;
	uint64_t b = host_env_bus_addr(T.env, buf), sb = host_env_bus_addr(T.env, segs);
	struct nvme_sgl_desc d;
	fill(buf, 4 * 4096, 5);
	/* one data block, any (dword) alignment */
	sgl_set(&d, b + 4, 1024, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK_EQ(sgl_rw(NVME_CMD_WRITE, 2, &d), 0);
	uint8_t chk[4096];
	CHECK_EQ(nvme_model_ns_read(T.m, 1, 0, 2, chk), 0);
	CHECK_MEM(chk, buf + 4, 1024);
	/* segment -> last segment, pieces of odd sizes */
	sgl_set(&sd[0], b + 100, 1000, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[1], b + 8192, 48, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[2], sb + 256, 32, NVME_SGL_TYPE_LAST_SEGMENT);
	sgl_set(&sd[16], b + 12000, 1000, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[17], b + 4096, 1024, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&d, sb, 48, NVME_SGL_TYPE_SEGMENT);
	CHECK_EQ(sgl_rw(NVME_CMD_WRITE, 6, &d), 0);
	CHECK_EQ(nvme_model_ns_read(T.m, 1, 0, 6, chk), 0);
	CHECK_MEM(chk, buf + 100, 1000);
	CHECK_MEM(chk + 1000, buf + 8192, 48);
	CHECK_MEM(chk + 1048, buf + 12000, 1000);
	CHECK_MEM(chk + 2048, buf + 4096, 1024);
	CHECK_EQ(sgl_rw(NVME_CMD_READ, 6, &d), 0);
	/* errors */
	sgl_set(&d, b, 512, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 2, &d), SCT_GEN, NVME_SC_DATA_SGL_LENGTH_INVALID));   /* short */
	sgl_set(&d, b, 2048, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 2, &d), SCT_GEN, NVME_SC_DATA_SGL_LENGTH_INVALID));   /* long */
	sgl_set(&d, b + 2, 512, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 1, &d), SCT_GEN, NVME_SC_SGL_DATA_BLOCK_GRANULARITY_INVALID));
	sgl_set(&d, b, 512, NVME_SGL_TYPE_KEYED_DATA);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 1, &d), SCT_GEN, NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID));
	sgl_set(&d, b, 512, NVME_SGL_TYPE_BIT_BUCKET);   /* not advertised */
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 1, &d), SCT_GEN, NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID));
	sgl_set(&d, sb, 40, NVME_SGL_TYPE_SEGMENT);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 6, &d), SCT_GEN, NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR));
	sgl_set(&d, sb, 0, NVME_SGL_TYPE_LAST_SEGMENT);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 6, &d), SCT_GEN, NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR));
	/* a segment descriptor that is not the last of its segment */
	sgl_set(&sd[0], sb + 256, 32, NVME_SGL_TYPE_LAST_SEGMENT);
	sgl_set(&sd[1], b, 1024, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&d, sb, 32, NVME_SGL_TYPE_SEGMENT);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 2, &d), SCT_GEN, NVME_SC_INVALID_NUMBER_OF_SGL_DESCRIPTORS));
	/* a last segment that chains again */
	sgl_set(&sd[0], b, 512, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[1], sb + 256, 32, NVME_SGL_TYPE_SEGMENT);
	sgl_set(&d, sb, 32, NVME_SGL_TYPE_LAST_SEGMENT);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 2, &d), SCT_GEN, NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR));
	/* unreadable segment */
	sgl_set(&d, 0x7000000000000000ull, 32, NVME_SGL_TYPE_LAST_SEGMENT);
	CHECK(SF_IS(sgl_rw(NVME_CMD_READ, 2, &d), SCT_GEN, NVME_SC_DATA_TRANSFER_ERROR));
	CHECK(nvme_model_stats(T.m)->sgl_cmds >= 10);
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, segs);
}

/* Read/Write of nlb blocks at LBA 0 of namespace 1 with the data in one SGL
 * Data Block at d and the separate metadata by PSDT psdt and MPTR mptr. */
static uint16_t md_rw(uint8_t opc, uint32_t nlb, uint64_t d, unsigned psdt, uint64_t mptr)
{
	struct nvme_sqe s;
	mt_rw_sqe(&s, opc, 1, 0, nlb, 0, 0);
	s.flags = (uint8_t)(psdt << 6);
	sgl_set(&s.dptr.sgl1, d, nlb * 512u, NVME_SGL_TYPE_DATA_BLOCK);
	s.mptr = mptr;
	return mt_cmd(&T, &T.io, &s, NULL);
}

/* Separate metadata by an SGL at MPTR (PSDT 10b): a Data Block, a Last
 * Segment of Data Blocks, a Segment chain; each bad descriptor refused with
 * its status and nothing stored; refused without SGLS bit 19. */
static void model_meta_sgl(void)
{
	mt_default_config(&T);
	T.cfg.sgls = NVME_SGLS_SUPPORT_DWORD_ALIGN | (1u << 19);
	T.ns[0].ms = 8;
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 4 * 4096, 0, 0);
	uint8_t *segs = host_env_buf(T.env, 4096, 0, 0);
	struct nvme_sgl_desc *sd = (struct nvme_sgl_desc *)segs;
	uint64_t b = host_env_bus_addr(T.env, buf), sb = host_env_bus_addr(T.env, segs);
	const struct nvme_model_stats *st = nvme_model_stats(T.m);
	uint8_t md[32];
	fill(buf, 4 * 4096, 9);
	/* one Data Block at MPTR: the metadata of 2 blocks */
	sgl_set(&sd[0], b + 8192, 16, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK_EQ(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb), 0);
	CHECK_EQ(nvme_model_ns_read_meta(T.m, 1, 0, 2, md), 0);
	CHECK_MEM(md, buf + 8192, 16);
	CHECK_EQ(st->md_last_psdt, NVME_PSDT_SGL_MPTR_SGL);
	/* a Last Segment at MPTR (8 bytes aligned, not 16) -> 3 Data Blocks */
	struct nvme_sgl_desc ls;
	sgl_set(&ls, sb + 256, 48, NVME_SGL_TYPE_LAST_SEGMENT);
	memcpy(segs + 8, &ls, sizeof(ls));
	sgl_set(&sd[16], b + 12000, 8, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[17], b + 9000, 4, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[18], b + 10004, 12, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK_EQ(md_rw(NVME_CMD_WRITE, 3, b, NVME_PSDT_SGL_MPTR_SGL, sb + 8), 0);
	CHECK_EQ(nvme_model_ns_read_meta(T.m, 1, 0, 3, md), 0);
	CHECK_MEM(md, buf + 12000, 8);
	CHECK_MEM(md + 8, buf + 9000, 4);
	CHECK_MEM(md + 12, buf + 10004, 12);
	/* read back through a Segment -> Last Segment chain into other places */
	sgl_set(&sd[32], b + 14000, 12, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[33], sb + 768, 16, NVME_SGL_TYPE_LAST_SEGMENT);
	sgl_set(&sd[48], b + 15000, 12, NVME_SGL_TYPE_DATA_BLOCK);
	sgl_set(&sd[2], sb + 512, 32, NVME_SGL_TYPE_SEGMENT);
	CHECK_EQ(md_rw(NVME_CMD_READ, 3, b + 4096, NVME_PSDT_SGL_MPTR_SGL, sb + 32), 0);
	CHECK_MEM(buf + 14000, md, 12);
	CHECK_MEM(buf + 15000, md + 12, 12);
	CHECK_EQ(st->md_sgl_cmds, 3);
	/* errors: nothing stored */
	uint64_t writes = st->writes;
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 4), SCT_GEN, NVME_SC_INVALID_FIELD));
	sgl_set(&sd[3], b + 8192, 16, NVME_SGL_TYPE_KEYED_DATA);
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 48), SCT_GEN,
		    NVME_SC_SGL_DESCRIPTOR_TYPE_INVALID));
	sgl_set(&sd[3], b + 8192, 8, NVME_SGL_TYPE_DATA_BLOCK);   /* short */
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 48), SCT_GEN,
		    NVME_SC_METADATA_SGL_LENGTH_INVALID));
	sgl_set(&sd[3], b + 8192, 24, NVME_SGL_TYPE_DATA_BLOCK);  /* long (no SGLS bit 18) */
	CHECK(SF_IS(md_rw(NVME_CMD_READ, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 48), SCT_GEN,
		    NVME_SC_METADATA_SGL_LENGTH_INVALID));
	sgl_set(&sd[3], b + 8194, 16, NVME_SGL_TYPE_DATA_BLOCK);  /* SGLS 10b: dword granular */
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 48), SCT_GEN,
		    NVME_SC_SGL_DATA_BLOCK_GRANULARITY_INVALID));
	sgl_set(&sd[3], sb + 256, 0, NVME_SGL_TYPE_LAST_SEGMENT);
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 48), SCT_GEN,
		    NVME_SC_INVALID_SGL_SEGMENT_DESCRIPTOR));
	sgl_set(&sd[3], 0x7000000000000000ull, 16, NVME_SGL_TYPE_LAST_SEGMENT);
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb + 48), SCT_GEN,
		    NVME_SC_DATA_TRANSFER_ERROR));
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, 0x7000000000000000ull), SCT_GEN,
		    NVME_SC_DATA_TRANSFER_ERROR));
	CHECK_EQ(st->writes, writes);
	/* by address still (PSDT 01b) */
	CHECK_EQ(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_CONTIG, b + 8192), 0);
	CHECK_EQ(st->md_last_psdt, NVME_PSDT_SGL_MPTR_CONTIG);
	CHECK_EQ(st->md_mptr_cmds, 1);
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, segs);
}

/* Without SGLS bit 19 PSDT 10b is Invalid Field (a driver must not use it). */
static void model_meta_sgl_not_offered(void)
{
	uint8_t *buf, *segs;
	uint64_t b, sb;
	mt_default_config(&T);
	T.cfg.sgls = NVME_SGLS_SUPPORT_DWORD_ALIGN;
	T.ns[0].ms = 8;
	setup(8);
	buf = host_env_buf(T.env, 4096, 0, 0);
	segs = host_env_buf(T.env, 4096, 0, 0);
	b = host_env_bus_addr(T.env, buf);
	sb = host_env_bus_addr(T.env, segs);
	sgl_set((struct nvme_sgl_desc *)segs, b + 2048, 16, NVME_SGL_TYPE_DATA_BLOCK);
	CHECK(SF_IS(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_SGL, sb), SCT_GEN, NVME_SC_INVALID_FIELD));
	CHECK_EQ(md_rw(NVME_CMD_WRITE, 2, b, NVME_PSDT_SGL_MPTR_CONTIG, b + 2048), 0);
	host_env_buf_free(T.env, buf);
	host_env_buf_free(T.env, segs);
}

static void model_cqe_mangle(void)
{
	mt_default_config(&T);
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	struct nvme_model_mangle r = { .cqid = 1, .skip = 1, .count = 1, .what = NVME_MODEL_MANGLE_CID, .cid = 77 };
	nvme_model_mangle(T.m, &r);
	struct nvme_sqe s;
	struct nvme_cqe c;
	mt_rw_sqe(&s, NVME_CMD_READ, 1, 0, 1, b, 0);
	CHECK_EQ(mt_cmd(&T, &T.io, &s, &c), 0);
	CHECK_EQ(c.cid, s.cid);
	CHECK_EQ(mt_cmd(&T, &T.io, &s, &c), 0);
	CHECK_EQ(c.cid, 77);
	CHECK_EQ(nvme_model_mangle_pending(T.m), 0);
	r = (struct nvme_model_mangle){ .cqid = 0xFFFF, .count = 1, .what = NVME_MODEL_MANGLE_DUPLICATE };
	nvme_model_mangle(T.m, &r);
	CHECK_EQ(mt_cmd(&T, &T.io, &s, &c), 0);
	struct nvme_cqe c2;
	REQUIRE(tq_pop(&T, &T.io, &c2, true));
	CHECK_EQ(c2.cid, c.cid);
	r = (struct nvme_model_mangle){ .cqid = 1, .count = 1,
		.what = NVME_MODEL_MANGLE_SQHD | NVME_MODEL_MANGLE_SQID | NVME_MODEL_MANGLE_STATUS,
		.sqhd = 500, .sqid = 9, .sf = 0x4002 };
	nvme_model_mangle(T.m, &r);
	CHECK_EQ(mt_cmd(&T, &T.io, &s, &c), 0x4002);
	CHECK_EQ(c.sqhd, 500);
	CHECK_EQ(c.sqid, 9);
	r = (struct nvme_model_mangle){ .cqid = 1, .count = 1, .what = NVME_MODEL_MANGLE_DROP };
	nvme_model_mangle(T.m, &r);
	CHECK_EQ(mt_cmd(&T, &T.io, &s, &c), 0xFFFF);
	CHECK_EQ(nvme_model_inject_cqe(T.m, 1, 1, 999, 0, 0), 0);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 999);
	host_env_buf_free(T.env, buf);
}

static void model_two_at_once(void)
{
	static struct mt a, b;   /* cleanups run after this function returns */
	mt_default_config(&a);
	mt_default_config(&b);
	b.cfg.dstrd = 3;
	mt_create(&a, NULL);
	mt_create(&b, NULL);
	CHECK(nvme_model_bar_phys(a.m) != nvme_model_bar_phys(b.m));
	REQUIRE(mt_enable(&a, 4, 4, 0));
	REQUIRE(mt_enable(&b, 4, 4, 0));
	REQUIRE_EQ(mt_create_io(&a, 8), 0);
	REQUIRE_EQ(mt_create_io(&b, 8), 0);
	uint8_t *da = host_env_buf(a.env, 512, 0, 0), *db = host_env_buf(b.env, 512, 0, 0);
	fill(da, 512, 1);
	fill(db, 512, 2);
	struct nvme_sqe s;
	mt_rw_sqe(&s, NVME_CMD_WRITE, 1, 5, 1, host_env_bus_addr(a.env, da), 0);
	CHECK_EQ(mt_cmd(&a, &a.io, &s, NULL), 0);
	mt_rw_sqe(&s, NVME_CMD_WRITE, 1, 5, 1, host_env_bus_addr(b.env, db), 0);
	CHECK_EQ(mt_cmd(&b, &b.io, &s, NULL), 0);
	uint8_t x[512];
	CHECK_EQ(nvme_model_ns_read(a.m, 1, 5, 1, x), 0);
	CHECK_MEM(x, da, 512);
	CHECK_EQ(nvme_model_ns_read(b.m, 1, 5, 1, x), 0);
	CHECK_MEM(x, db, 512);
	CHECK_EQ(nvme_model_error_count(a.m) + nvme_model_error_count(b.m), 0);
	host_env_buf_free(a.env, da);
	host_env_buf_free(b.env, db);
}

static void model_io_phase_many(void)
{
	/* thousands of I/O commands through a 7-entry queue pair, batches of
	 * 1..6, checking every CQE's phase, SQ head and CID */
	mt_default_config(&T);
	setup(7);
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	unsigned total = 0, batch = 1;
	uint32_t sqhd_expect = 0;
	while (total < 20000) {
		uint16_t first = T.io.next_cid;
		for (unsigned i = 0; i < batch; i++) {
			struct nvme_sqe s;
			mt_rw_sqe(&s, (i & 1) ? NVME_CMD_WRITE : NVME_CMD_READ, 1, (total + i) % 4096, 1, b, 0);
			tq_push(&T, &T.io, &s, false);
		}
		tq_ring(&T, &T.io);
		for (unsigned i = 0; i < batch; i++) {
			struct nvme_cqe c;
			REQUIRE(tq_pop(&T, &T.io, &c, i == batch - 1));
			sqhd_expect = (sqhd_expect + 1) % 7;
			CHECK_EQ(c.cid, (uint16_t)(first + i));
			CHECK_EQ(c.sqhd, sqhd_expect);
			CHECK_EQ(c.sqid, 1);
			CHECK_EQ(c.status >> 1, 0);
		}
		total += batch;
		batch = batch % 6 + 1;
	}
	CHECK_EQ(nvme_model_stats(T.m)->io_cmds, total);
	host_env_buf_free(T.env, buf);
}

static void model_fault_knobs(void)
{
	mt_default_config(&T);
	T.cfg.shst_delay_polls = 1;
	setup(8);
	uint8_t *buf = host_env_buf(T.env, 512, 0, 0);
	uint64_t b = host_env_bus_addr(T.env, buf);
	/* out-of-order release */
	nvme_model_set_defer(T.m, NVME_MODEL_DEFER_IO, 0);
	for (unsigned i = 0; i < 4; i++) {
		struct nvme_sqe s;
		mt_rw_sqe(&s, NVME_CMD_READ, 1, i, 1, b, 0);
		tq_push(&T, &T.io, &s, false);
	}
	tq_ring(&T, &T.io);
	CHECK(nvme_model_release_nth(T.m, 2));
	CHECK(nvme_model_release_nth(T.m, 0));
	CHECK(!nvme_model_release_nth(T.m, 2));
	struct nvme_cqe c;
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 2);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 0);
	CHECK_EQ(nvme_model_release(T.m, ~0u), 2);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 1);
	REQUIRE(tq_pop(&T, &T.io, &c, true));
	CHECK_EQ(c.cid, 3);
	nvme_model_set_defer(T.m, 0, 0);
	/* CFS after n commands: the n-th is fetched but never completed */
	nvme_model_cfs_after_cmds(T.m, 2);
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 1, b, 0), 0);
	CHECK_EQ(rw(NVME_CMD_READ, 1, 0, 1, b, 0), 0xFFFF);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 2u, 2);
	/* a reset clears it; the enable fault sets it again at the next enable */
	mt_disable(&T);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 0);
	nvme_model_set_fail_enable(T.m, true);
	tq_free(&T, &T.admin);
	tq_free(&T, &T.io);
	CHECK(!mt_enable(&T, 8, 8, 0));
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS), 2);
	nvme_model_set_fail_enable(T.m, false);
	mt_disable(&T);
	tq_free(&T, &T.admin);
	REQUIRE(mt_enable(&T, 8, 8, 0));
	/* only an abrupt shutdown completes */
	nvme_model_set_shst_never_normal(T.m, true);
	uint32_t cc = nvme_model_cc(T.m);
	mt_wr(&T, NVME_REG_CC, cc | (uint32_t)NVME_SET(NVME_CC_SHN, 1));
	for (int i = 0; i < 5; i++)
		CHECK_EQ(NVME_GET(mt_rd(&T, NVME_REG_CSTS), NVME_CSTS_SHST), NVME_CSTS_SHST_OCCURRING);
	mt_wr(&T, NVME_REG_CC, cc | (uint32_t)NVME_SET(NVME_CC_SHN, 2));
	CHECK_EQ(NVME_GET(mt_rd(&T, NVME_REG_CSTS), NVME_CSTS_SHST), NVME_CSTS_SHST_COMPLETE);
	/* RDY stuck at 1 after disable */
	nvme_model_set_rdy_stuck(T.m, true);
	mt_wr(&T, NVME_REG_CC, 0);
	T.env->host.delay_us(T.env, 1000000);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 1);
	nvme_model_set_rdy_stuck(T.m, false);
	CHECK_EQ(mt_rd(&T, NVME_REG_CSTS) & 1u, 0);
	/* a CAP override is what the host reads */
	nvme_model_set_cap(T.m, true, 0x123456789ABCDEF0ull);
	CHECK_EQX(mt_rd(&T, NVME_REG_CAP), 0x9ABCDEF0u);
	CHECK_EQX(mt_rd(&T, NVME_REG_CAP + 4), 0x12345678u);
	nvme_model_set_cap(T.m, false, 0);
	CHECK_EQ(NVME_GET(mt_rd(&T, NVME_REG_CAP), NVME_CAP_MQES), 1023);
	/* register accesses are counted */
	CHECK(nvme_model_stats(T.m)->reg_reads > 10 && nvme_model_stats(T.m)->reg_writes > 10);
	host_env_buf_free(T.env, buf);
}

static const struct check_test tests[] = {
	CHECK_TEST(model_regs_basic),
	CHECK_TEST(model_enable_ready_delay),
	CHECK_TEST(model_enable_bad_cc),
	CHECK_TEST(model_shutdown),
	CHECK_TEST(model_identify),
	CHECK_TEST(model_many_namespaces),
	CHECK_TEST(model_admin_phase_wrap),
	CHECK_TEST(model_io_phase_many),
	CHECK_TEST(model_queue_create_errors),
	CHECK_TEST(model_noncontig_queue),
	CHECK_TEST(model_prp_rules),
	CHECK_TEST(model_prp_page_sizes),
	CHECK_TEST(model_scrambled_memory),
	CHECK_TEST(model_mdts),
	CHECK_TEST(model_io_errors),
	CHECK_TEST(model_cq_full_stall),
	CHECK_TEST(model_doorbell_errors),
	CHECK_TEST(model_defer_and_abort),
	CHECK_TEST(model_aer),
	CHECK_TEST(model_number_of_queues),
	CHECK_TEST(model_features),
	CHECK_TEST(model_log_pages),
	CHECK_TEST(model_sgl),
	CHECK_TEST(model_meta_sgl),
	CHECK_TEST(model_meta_sgl_not_offered),
	CHECK_TEST(model_cqe_mangle),
	CHECK_TEST(model_two_at_once),
	CHECK_TEST(model_fault_knobs),
};

int main(int argc, char **argv)
{
	check_after_each = after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
