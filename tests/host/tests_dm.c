/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_dm.c - data management commands: Dataset Management (1, 256 and 257
 * ranges, context attributes, range checks), the trim helper, Write Zeroes
 * with and without deallocate, Compare (match, the named mismatch result,
 * splitting at MDTS), Verify, and the off-by-one edges of 0-based block
 * counts: 1 block, MDTS-sized, 65536 blocks, the last LBA, last LBA + 1.
 * Unadvertised commands are refused before sending with the bit named;
 * forced ones come back as Invalid Command Opcode.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"
#include "model/nvme_model_fault.h"

static const struct nvme_model_ext_stats *xs(struct fx *f) { return nvme_model_ext_stats(f->m); }

/* Fill blocks [lba, lba+n) of nsid with a pattern through the model. */
static void preload(struct fx *f, uint32_t nsid, uint64_t lba, uint64_t n, uint32_t bs, uint64_t seed)
{
	uint8_t *b = malloc(n * bs);
	fill_pattern(b, n * bs, seed);
	REQUIRE(nvme_model_ns_write(f->m, nsid, lba, n, b) == 0);
	free(b);
}

/* Are blocks [lba, lba+n) all zero in the model? */
static bool zeros(struct fx *f, uint32_t nsid, uint64_t lba, uint64_t n, uint32_t bs)
{
	uint8_t *b = malloc(n * bs);
	REQUIRE(nvme_model_ns_read(f->m, nsid, lba, n, b) == 0);
	bool z = true;
	for (uint64_t i = 0; i < n * bs && z; i++)
		z = b[i] == 0;
	free(b);
	return z;
}

static void dm_dsm_ranges(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	REQUIRE(ns != NULL);
	preload(&f, 1, 0, 2048, 512, 1);

	/* one range; the neighbours keep their data */
	struct nvme_dsm_range *r = fx_buf(&f, 257 * sizeof(*r), 0, 0);
	r[0] = (struct nvme_dsm_range){ .cattr = 0, .nlb = 8, .slba = 16 };
	CHECK_OK(nvme_dsm(ns, NULL, r, 1, NVME_DSM_ATTR_DEALLOCATE, 0));
	CHECK(zeros(&f, 1, 16, 8, 512));
	CHECK(!zeros(&f, 1, 15, 1, 512));
	CHECK(!zeros(&f, 1, 24, 1, 512));
	CHECK_EQ(xs(&f)->dsm_last_nr, 1);

	/* 256 ranges in one command (NR is 0's based: FFh on the wire) */
	for (unsigned i = 0; i < 256; i++)
		r[i] = (struct nvme_dsm_range){ .cattr = i, .nlb = 2, .slba = 512 + 4 * i };
	uint64_t cmds = xs(&f)->dsm_cmds;
	CHECK_OK(nvme_dsm(ns, NULL, r, 256, NVME_DSM_ATTR_DEALLOCATE, 0));
	CHECK_EQ(xs(&f)->dsm_cmds, cmds + 1);
	CHECK_EQ(xs(&f)->dsm_last_nr, 256);
	CHECK(zeros(&f, 1, 512, 2, 512));
	CHECK(!zeros(&f, 1, 514, 2, 512));
	CHECK(zeros(&f, 1, 512 + 4 * 255, 2, 512));
	/* 257, 0, bad attributes, a zero-length range: refused, nothing sent */
	CHECK_RC(nvme_dsm(ns, NULL, r, 257, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_dsm(ns, NULL, r, 0, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_dsm(ns, NULL, r, 1, 0x8, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_dsm(ns, NULL, NULL, 1, 0, 0), NVME_ERR_INVAL);
	r[3].nlb = 0;
	CHECK_RC(nvme_dsm(ns, NULL, r, 4, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_INVAL);
	/* last LBA is fine, last LBA + 1 is out of range (checked for every range) */
	r[0] = (struct nvme_dsm_range){ .nlb = 1, .slba = ns->size - 1 };
	r[1] = (struct nvme_dsm_range){ .nlb = 2, .slba = ns->size - 1 };
	CHECK_OK(nvme_dsm(ns, NULL, r, 1, NVME_DSM_ATTR_DEALLOCATE, 0));
	CHECK_RC(nvme_dsm(ns, NULL, r, 2, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_LBA_RANGE);
	r[1] = (struct nvme_dsm_range){ .nlb = 1, .slba = ns->size };
	CHECK_RC(nvme_dsm(ns, NULL, r, 2, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_LBA_RANGE);
	r[1] = (struct nvme_dsm_range){ .nlb = 0xFFFFFFFFu, .slba = UINT64_MAX - 2 };
	CHECK_RC(nvme_dsm(ns, NULL, r, 2, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_LBA_RANGE);
	CHECK_EQ(xs(&f)->dsm_cmds, cmds + 2);
	/* context attributes and IDR/IDW go to the device as given; no AD: no change */
	preload(&f, 1, 4000, 4, 512, 2);
	r[0] = (struct nvme_dsm_range){ .cattr = (uint32_t)(NVME_SET(NVME_DSM_CA_AF, 5) | NVME_SET(NVME_DSM_CA_CAS, 16)),
					.nlb = 4, .slba = 4000 };
	CHECK_OK(nvme_dsm(ns, NULL, r, 1, NVME_DSM_ATTR_IDR | NVME_DSM_ATTR_IDW, 0));
	CHECK_EQ(xs(&f)->dsm_last_attrs, 3);
	CHECK_EQ(xs(&f)->dsm_last_cattr, r[0].cattr);
	CHECK(!zeros(&f, 1, 4000, 4, 512));
	/* a ranges array the device cannot reach is bounced */
	struct nvme_dsm_range *u = fx_buf(&f, 64, 0, HOST_BUF_UNMAPPED);
	u[0] = (struct nvme_dsm_range){ .nlb = 4, .slba = 4000 };
	CHECK_OK(nvme_dsm(ns, NULL, u, 1, NVME_DSM_ATTR_DEALLOCATE, 0));
	CHECK(zeros(&f, 1, 4000, 4, 512));
	fx_buf_free(&f, u);
	fx_buf_free(&f, r);
}

static void dm_trim_helper(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 2);   /* 4 KiB blocks */
	preload(&f, 2, 0, 64, 4096, 3);
	CHECK_OK(nvme_trim(ns, NULL, 10, 20, 0));
	CHECK(zeros(&f, 2, 10, 20, 4096));
	CHECK(!zeros(&f, 2, 9, 1, 4096));
	CHECK(!zeros(&f, 2, 30, 1, 4096));
	CHECK_OK(nvme_trim(ns, NULL, ns->size - 1, 1, 0));
	CHECK_RC(nvme_trim(ns, NULL, ns->size - 1, 2, 0), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_trim(ns, NULL, 0, 0, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_trim(NULL, NULL, 0, 1, 0), NVME_ERR_INVAL);
}

static void dm_write_zeroes_edges(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ns[0].blocks = 200000;   /* room for > 65536 blocks per call */
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	preload(&f, 1, 0, 64, 512, 4);
	/* one block: NLB 0 on the wire */
	CHECK_OK(nvme_write_zeroes(ns, NULL, 5, 1, 0));
	CHECK_EQ(xs(&f)->last_nlb, 1);
	CHECK_EQ(xs(&f)->last_slba, 5);
	CHECK(zeros(&f, 1, 5, 1, 512));
	CHECK(!zeros(&f, 1, 4, 1, 512));
	CHECK(!zeros(&f, 1, 6, 1, 512));
	/* with deallocate */
	uint64_t dealloc = xs(&f)->wz_dealloc_cmds;
	CHECK_OK(nvme_write_zeroes(ns, NULL, 10, 4, NVME_WZ_DEALLOCATE | NVME_IO_FUA));
	CHECK_EQ(xs(&f)->wz_dealloc_cmds, dealloc + 1);
	CHECK(zeros(&f, 1, 10, 4, 512));
	CHECK(!zeros(&f, 1, 14, 1, 512));
	/* 65536 blocks is one command (NLB FFFFh), 65537 two */
	uint64_t cmds = xs(&f)->wz_cmds;
	CHECK_OK(nvme_write_zeroes(ns, NULL, 100, 65536, 0));
	CHECK_EQ(xs(&f)->wz_cmds, cmds + 1);
	CHECK_EQ(xs(&f)->last_nlb, 65536);
	CHECK_OK(nvme_write_zeroes(ns, NULL, 100, 65537, 0));
	CHECK_EQ(xs(&f)->wz_cmds, cmds + 3);
	CHECK_EQ(xs(&f)->last_nlb, 1);
	CHECK_EQ(xs(&f)->last_slba, 100 + 65536);
	/* the last LBA; one past it; count 0 */
	CHECK_OK(nvme_write_zeroes(ns, NULL, ns->size - 1, 1, 0));
	CHECK_EQ(xs(&f)->last_slba, ns->size - 1);
	cmds = xs(&f)->wz_cmds;
	CHECK_RC(nvme_write_zeroes(ns, NULL, ns->size - 1, 2, 0), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_write_zeroes(ns, NULL, ns->size, 1, 0), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_write_zeroes(ns, NULL, 0, 0, 0), NVME_ERR_INVAL);
	CHECK_EQ(xs(&f)->wz_cmds, cmds);
	/* the device's own range check answers a forced bad request... not
	 * reachable: the driver checks first. Through passthrough: */
	struct nvme_sqe sqe = { .opc = NVME_CMD_WRITE_ZEROES, .nsid = 1 };
	sqe.cdw10 = (uint32_t)ns->size;
	CHECK_DEV(nvme_io_passthru(nvme_ctrl_io_qpair(f.c, 0), &sqe, NULL, 0, NULL), NVME_SCT_GENERIC,
		  NVME_SC_LBA_OUT_OF_RANGE);
}

static void dm_compare(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint32_t mdts_blocks = ns->max_blocks;
	CHECK_EQ(mdts_blocks, 256);   /* MDTS 5: 128 KiB of 512-byte blocks */
	size_t n = (size_t)(mdts_blocks + 1) * 512;
	uint8_t *b = fx_buf(&f, n, 0, 0);
	fill_pattern(b, n, 9);
	REQUIRE(nvme_model_ns_write(f.m, 1, 1000, mdts_blocks + 1, b) == 0);
	/* 1 block, MDTS-sized (one command), MDTS + 1 (two commands) */
	uint64_t cmds = xs(&f)->compare_cmds;
	CHECK_OK(nvme_compare(ns, NULL, 1000, 1, b, 0, NULL));
	CHECK_EQ(xs(&f)->last_nlb, 1);
	CHECK_OK(nvme_compare(ns, NULL, 1000, mdts_blocks, b, 0, NULL));
	CHECK_EQ(xs(&f)->compare_cmds, cmds + 2);
	CHECK_EQ(xs(&f)->last_nlb, mdts_blocks);
	CHECK_OK(nvme_compare(ns, NULL, 1000, mdts_blocks + 1, b, NVME_IO_FUA, NULL));
	CHECK_EQ(xs(&f)->compare_cmds, cmds + 4);
	CHECK_EQ(xs(&f)->last_nlb, 1);
	/* a mismatch in the last byte of the second command is its own result */
	b[n - 1] ^= 0x40;
	int rc = nvme_compare(ns, NULL, 1000, mdts_blocks + 1, b, 0, NULL);
	CHECK_RC(rc, NVME_ERR_COMPARE_MISMATCH);
	CHECK(!nvme_status_is_device(rc));
	CHECK_HAS(st(rc), "compare mismatch");
	CHECK_HAS(st(rc), "NVME_ERR_COMPARE_MISMATCH");
	CHECK_EQ(xs(&f)->compare_mismatches, 1);
	/* the first command differs: stops there */
	cmds = xs(&f)->compare_cmds;
	b[0] ^= 1;
	CHECK_RC(nvme_compare(ns, NULL, 1000, mdts_blocks + 1, b, 0, NULL), NVME_ERR_COMPARE_MISMATCH);
	CHECK_EQ(xs(&f)->compare_cmds, cmds + 1);
	/* raw status through passthrough: Compare Failure, SCT 2h SC 85h */
	struct nvme_sqe sqe = { .opc = NVME_CMD_COMPARE, .nsid = 1, .cdw10 = 1000 };
	CHECK_DEV(nvme_io_passthru(nvme_ctrl_io_qpair(f.c, 0), &sqe, b, 512, NULL), NVME_SCT_MEDIA,
		  NVME_SC_COMPARE_FAILURE);
	/* the last LBA */
	memset(b, 0, 512);
	CHECK_OK(nvme_compare(ns, NULL, ns->size - 1, 1, b, 0, NULL));
	CHECK_RC(nvme_compare(ns, NULL, ns->size - 1, 2, b, 0, NULL), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_compare(ns, NULL, ns->size, 1, b, 0, NULL), NVME_ERR_LBA_RANGE);
	CHECK_RC(nvme_compare(ns, NULL, 0, 1, NULL, 0, NULL), NVME_ERR_INVAL);
	fx_buf_free(&f, b);
	/* a buffer on the stack, not dword aligned: bounced */
	uint8_t odd[520];
	REQUIRE(nvme_model_ns_read(f.m, 1, 7, 1, odd + 1) == 0);
	CHECK_OK(nvme_compare(ns, NULL, 7, 1, odd + 1, 0, NULL));
}

/* nvme_compare's result: the failing command's range and its raw status. */
static void dm_compare_result(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint32_t mb = ns->max_blocks;   /* 256: commands of 256, 256 and 10 blocks */
	uint32_t total = 2 * mb + 10;
	size_t n = (size_t)total * 512;
	uint8_t *b = fx_buf(&f, n, 0, 0);
	fill_pattern(b, n, 5);
	REQUIRE(nvme_model_ns_write(f.m, 1, 100, total, b) == 0);
	struct nvme_compare_result res;
	CHECK_OK(nvme_compare(ns, NULL, 100, total, b, 0, &res));
	CHECK_EQ(res.commands, 3);
	CHECK_EQ(res.matched, total);
	CHECK_EQ(res.count, 0);
	CHECK_EQ(res.lba, 100 + total);
	CHECK_EQ(res.device_status, 0);
	/* a difference in the second command: its range, the blocks before it */
	b[(size_t)(mb + 7) * 512 + 3] ^= 1;
	CHECK_RC(nvme_compare(ns, NULL, 100, total, b, 0, &res), NVME_ERR_COMPARE_MISMATCH);
	CHECK_EQ(res.lba, 100 + mb);
	CHECK_EQ(res.count, mb);
	CHECK_EQ(res.matched, mb);
	CHECK_EQ(res.commands, 2);
	CHECK(nvme_status_is(res.device_status, NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE));
	CHECK(nvme_status_dnr(res.device_status));   /* as the model answers it */
	b[(size_t)(mb + 7) * 512 + 3] ^= 1;
	/* in the last, short command */
	b[n - 1] ^= 0x80;
	CHECK_RC(nvme_compare(ns, NULL, 100, total, b, 0, &res), NVME_ERR_COMPARE_MISMATCH);
	CHECK_EQ(res.lba, 100 + 2 * mb);
	CHECK_EQ(res.count, 10);
	CHECK_EQ(res.matched, 2 * mb);
	CHECK_EQ(res.commands, 3);
	b[n - 1] ^= 0x80;
	/* the status bits the named result drops come back as received: QEMU's
	 * Compare Failure has DNR clear (0285h); here also More and CRD 1. A
	 * Compare is never retried, whatever DNR says. */
	struct nvme_model_fault fl = {
		.kind = NVME_MODEL_FAULT_STATUS, .qid = NVME_MODEL_FAULT_IO_QUEUES, .opc = NVME_CMD_COMPARE,
		.count = 1, .sf = (uint16_t)(NVME_MODEL_SF(NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILURE) | 0x2000u |
					     NVME_MODEL_SF_CRD(1)),
	};
	REQUIRE(nvme_model_fault_add(f.m, &fl) >= 0);
	uint64_t cmds = xs(&f)->compare_cmds;
	CHECK_RC(nvme_compare(ns, NULL, 100, 8, b, 0, &res), NVME_ERR_COMPARE_MISMATCH);
	CHECK_EQX(nvme_status_field(res.device_status), 0x2000u | 0x0800u | 0x0285u);
	CHECK(!nvme_status_dnr(res.device_status));
	CHECK(nvme_status_more(res.device_status));
	CHECK_EQ(nvme_status_crd(res.device_status), 1);
	CHECK_EQ(res.lba, 100);
	CHECK_EQ(res.count, 8);
	CHECK_EQ(res.matched, 0);
	CHECK_EQ(res.commands, 1);
	CHECK_EQ(xs(&f)->compare_cmds, cmds);   /* answered by the fault, not retried */
	nvme_model_fault_clear(f.m);
	/* another device error: the failing command's range and status too */
	nvme_model_add_bad_block(f.m, 1, 100 + mb + 1);
	int rc = nvme_compare(ns, NULL, 100, total, b, 0, &res);
	CHECK_DEV(rc, NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
	CHECK_EQ(res.device_status, rc);
	CHECK_EQ(res.lba, 100 + mb);
	CHECK_EQ(res.count, mb);
	CHECK_EQ(res.matched, mb);
	/* refused before sending: nothing failed, nothing sent */
	CHECK_RC(nvme_compare(ns, NULL, ns->size, 1, b, 0, &res), NVME_ERR_LBA_RANGE);
	CHECK_EQ(res.commands, 0);
	CHECK_EQ(res.count, 0);
	CHECK_EQ(res.device_status, 0);
	CHECK_RC(nvme_compare(ns, NULL, 0, 1, NULL, 0, &res), NVME_ERR_INVAL);
	CHECK_EQ(res.commands, 0);
	fx_buf_free(&f, b);
}

static void dm_verify(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.ns[0].blocks = 70000;
	fx_opt_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	CHECK_OK(nvme_verify(ns, NULL, 0, 1, 0));
	CHECK_EQ(xs(&f)->last_nlb, 1);
	uint64_t cmds = xs(&f)->verify_cmds;
	CHECK_OK(nvme_verify(ns, NULL, 0, 65537, 0));
	CHECK_EQ(xs(&f)->verify_cmds, cmds + 2);
	CHECK_EQ(xs(&f)->verify_blocks, 1 + 65537);
	CHECK_OK(nvme_verify(ns, NULL, ns->size - 1, 1, 0));
	CHECK_RC(nvme_verify(ns, NULL, ns->size - 1, 2, 0), NVME_ERR_LBA_RANGE);
	/* a bad block: the device's media error comes back decoded */
	nvme_model_add_bad_block(f.m, 1, 300);
	int rc = nvme_verify(ns, NULL, 290, 20, 0);
	CHECK_DEV(rc, NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
	CHECK_HAS(st(rc), "Unrecovered Read Error");
	CHECK_OK(nvme_verify(ns, NULL, 301, 20, 0));
}

/* Verify split by the NVM command set's Verify Size Limit (CNS 06h) the way
 * QEMU 7.2 reports it: VSL 7 (512 KiB with 4 KiB pages), DMRSL only. */
static void dm_nvm_limits_like_qemu(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = QEMU_ONCS;
	f.mcfg.mdts = 7;
	f.ns[0].blocks = 100000;
	fx_start(&f);
	nvme_model_set_hidden_cmd(f.m, true, NVME_CMD_VERIFY, true);
	struct nvme_model_nvm_limits ql = { .vsl = 7, .dmrsl = 4194303 };
	nvme_model_set_nvm_limits(f.m, true, &ql);
	fx_up(&f);
	const struct nvme_nvm_limits *l = nvme_ctrl_nvm_limits(f.c);
	REQUIRE(l != NULL);
	CHECK_OK(l->status);
	CHECK_EQ(l->vsl, 7);
	CHECK_EQ(l->wzsl, 0);
	CHECK_EQ(l->dmrl, 0);
	CHECK_EQ(l->dmrsl, 4194303);
	CHECK_EQ(l->dmsl, 0);
	CHECK_EQ(xs(&f)->id_nvm_reads, 1);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1), *ns2 = nvme_ns_get(f.c, 2);
	CHECK_EQ(nvme_ns_verify_max_blocks(ns), 1024);        /* 512 KiB of 512 B */
	CHECK_EQ(nvme_ns_verify_max_blocks(ns2), 128);        /* 512 KiB of 4 KiB */
	CHECK_EQ(nvme_ns_write_zeroes_max_blocks(ns), 65536); /* WZSL 0: no limit */
	/* a Verify above 512 KiB: the device refuses it (as QEMU does) ... */
	struct nvme_sqe sqe = { .opc = NVME_CMD_VERIFY, .nsid = 1, .cdw12 = 1024 };   /* NLB 1024: 1025 blocks */
	CHECK_DEV(nvme_io_passthru(nvme_ctrl_io_qpair(f.c, 0), &sqe, NULL, 0, NULL), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
	CHECK_EQ(xs(&f)->limit_refusals, 1);
	/* ... and the driver splits at it */
	uint64_t cmds = xs(&f)->verify_cmds;
	CHECK_OK(nvme_verify(ns, NULL, 10, 2500, 0));
	CHECK_EQ(xs(&f)->verify_cmds, cmds + 3);
	CHECK_EQ(xs(&f)->last_nlb, 2500 - 2048);
	CHECK_EQ(xs(&f)->last_slba, 10 + 2048);
	CHECK_OK(nvme_verify(ns, NULL, 0, 65537, 0));
	CHECK_EQ(xs(&f)->verify_cmds, cmds + 3 + 65);
	CHECK_OK(nvme_verify(ns2, NULL, 0, 129, 0));
	CHECK_EQ(xs(&f)->last_nlb, 1);
	CHECK_EQ(xs(&f)->limit_refusals, 1);
	/* Write Zeroes has no limit: 65536 blocks in one command */
	cmds = xs(&f)->wz_cmds;
	CHECK_OK(nvme_write_zeroes(ns, NULL, 0, 65536, 0));
	CHECK_EQ(xs(&f)->wz_cmds, cmds + 1);
	/* read again at a reset */
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(xs(&f)->id_nvm_reads, 2);
	CHECK_EQ(nvme_ctrl_nvm_limits(f.c)->vsl, 7);
}

/* Every limit of CNS 06h: values, units, shifts that could overflow, a
 * limit below one block, not answered, answered with garbage, changed at a
 * reset; the DSM processing limits. */
static void dm_nvm_limits(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);   /* MDTS 5: 128 KiB, 256 blocks of 512 B */
	fx_start(&f);
	struct nvme_model_nvm_limits lim = { .vsl = 1, .wzsl = 2, .wusl = 3 };   /* 8 KiB, 16 KiB */
	nvme_model_set_nvm_limits(f.m, true, &lim);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1), *ns2 = nvme_ns_get(f.c, 2);
	CHECK_EQ(nvme_ctrl_nvm_limits(f.c)->wusl, 3);
	CHECK_EQ(nvme_ns_verify_max_blocks(ns), 16);
	CHECK_EQ(nvme_ns_verify_max_blocks(ns2), 2);
	CHECK_EQ(nvme_ns_write_zeroes_max_blocks(ns), 32);
	CHECK_EQ(nvme_ns_write_zeroes_max_blocks(ns2), 4);
	uint64_t v = xs(&f)->verify_cmds, w = xs(&f)->wz_cmds;
	CHECK_OK(nvme_verify(ns, NULL, 0, 40, 0));
	CHECK_EQ(xs(&f)->verify_cmds, v + 3);
	CHECK_OK(nvme_write_zeroes(ns2, NULL, 0, 9, 0));
	CHECK_EQ(xs(&f)->wz_cmds, w + 3);
	CHECK_EQ(xs(&f)->last_nlb, 1);
	CHECK_EQ(xs(&f)->limit_refusals, 0);
	CHECK_EQ(nvme_ns_verify_max_blocks(NULL), 0);
	CHECK_EQ(nvme_ns_write_zeroes_max_blocks(NULL), 0);

	/* exponents far beyond any command: no overflow, NLB's 65536 */
	lim = (struct nvme_model_nvm_limits){ .vsl = 255, .wzsl = 20 };
	nvme_model_set_nvm_limits(f.m, true, &lim);
	CHECK_OK(nvme_ctrl_reset(f.c));
	ns = nvme_ns_get(f.c, 1);
	CHECK_EQ(nvme_ns_verify_max_blocks(ns), 65536);
	CHECK_EQ(nvme_ns_write_zeroes_max_blocks(ns), 65536);
	lim = (struct nvme_model_nvm_limits){ .vsl = 4 };   /* 64 KiB: 128 blocks, 16 of 4 KiB */
	nvme_model_set_nvm_limits(f.m, true, &lim);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_EQ(nvme_ns_verify_max_blocks(nvme_ns_get(f.c, 1)), 128);
	CHECK_EQ(nvme_ns_verify_max_blocks(nvme_ns_get(f.c, 2)), 16);

	/* not answered (an NVMe 1.x controller): the max transfer */
	nvme_model_set_nvm_limits(f.m, false, NULL);
	CHECK_OK(nvme_ctrl_reset(f.c));
	ns = nvme_ns_get(f.c, 1);
	CHECK_DEV(nvme_ctrl_nvm_limits(f.c)->status, NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	CHECK_EQ(nvme_ctrl_nvm_limits(f.c)->vsl, 0);
	CHECK_EQ(nvme_ns_verify_max_blocks(ns), ns->max_blocks);
	CHECK_EQ(nvme_ns_write_zeroes_max_blocks(ns), 256);
	v = xs(&f)->verify_cmds;
	CHECK_OK(nvme_verify(ns, NULL, 0, 600, 0));
	CHECK_EQ(xs(&f)->verify_cmds, v + 3);
	w = xs(&f)->wz_cmds;
	CHECK_OK(nvme_write_zeroes(ns, NULL, 0, 600, 0));
	CHECK_EQ(xs(&f)->wz_cmds, w + 3);

	/* answered with Identify Controller's first bytes (firmware that does
	 * not know the CNS): not trusted, the defaults apply */
	uint8_t echo[16];
	memcpy(echo, nvme_ctrl_id(f.c), 16);
	nvme_model_set_nvm_limits(f.m, true, NULL);
	nvme_model_set_nvm_limits_raw(f.m, echo);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_RC(nvme_ctrl_nvm_limits(f.c)->status, NVME_ERR_BAD_ID);
	CHECK_EQ(nvme_ns_verify_max_blocks(nvme_ns_get(f.c, 1)), 256);
	nvme_model_set_nvm_limits_raw(f.m, NULL);
	fx_finish(&f);

	/* an admin-only controller is not asked */
	fx_defaults(&f);
	f.mcfg.css = NVME_CAP_CSS_NOIO;
	fx_up(&f);
	CHECK_RC(nvme_ctrl_nvm_limits(f.c)->status, NVME_ERR_UNSUPPORTED);
	CHECK_EQ(xs(&f)->id_nvm_reads, 0);
	CHECK(nvme_ctrl_nvm_limits(NULL) == NULL);
	fx_finish(&f);

	/* a limit below one block: nothing can be sent */
	fx_defaults(&f);
	fx_opt_config(&f);
	f.ns[1].lba_size = 65536;
	f.ns[1].blocks = 64;
	fx_start(&f);
	lim = (struct nvme_model_nvm_limits){ .vsl = 1, .wzsl = 1 };   /* 8 KiB */
	nvme_model_set_nvm_limits(f.m, true, &lim);
	fx_up(&f);
	ns2 = nvme_ns_get(f.c, 2);
	REQUIRE(ns2 != NULL && ns2->unusable == 0);
	CHECK_EQ(nvme_ns_verify_max_blocks(ns2), 0);
	uint64_t io = nvme_model_stats(f.m)->io_cmds;
	CHECK_RC(nvme_verify(ns2, NULL, 0, 1, 0), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_write_zeroes(ns2, NULL, 0, 1, 0), NVME_ERR_UNSUPPORTED);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io);
	CHECK(host_env_log_contains(f.env, "above the controller's size limit (VSL 1)"));
	fx_finish(&f);

	/* the DSM processing limits, for deallocation */
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_start(&f);
	lim = (struct nvme_model_nvm_limits){ .dmrl = 4, .dmrsl = 100, .dmsl = 300 };
	nvme_model_set_nvm_limits(f.m, true, &lim);
	fx_up(&f);
	ns = nvme_ns_get(f.c, 1);
	struct nvme_dsm_range *r = fx_buf(&f, 8 * sizeof(*r), 0, 0);
	for (unsigned i = 0; i < 8; i++)
		r[i] = (struct nvme_dsm_range){ .nlb = 50, .slba = 1000 * i };
	uint64_t d = xs(&f)->dsm_cmds;
	CHECK_OK(nvme_dsm(ns, NULL, r, 4, NVME_DSM_ATTR_DEALLOCATE, 0));
	CHECK_RC(nvme_dsm(ns, NULL, r, 5, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_TOO_LARGE);   /* DMRL */
	r[0].nlb = 101;
	CHECK_RC(nvme_dsm(ns, NULL, r, 1, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_TOO_LARGE);   /* DMRSL */
	r[0].nlb = 100;
	r[1].nlb = 100;
	r[2].nlb = 100;
	CHECK_OK(nvme_dsm(ns, NULL, r, 3, NVME_DSM_ATTR_DEALLOCATE, 0));                     /* 300 = DMSL */
	r[3].nlb = 1;
	CHECK_RC(nvme_dsm(ns, NULL, r, 4, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_TOO_LARGE);   /* 301 > DMSL */
	CHECK_EQ(xs(&f)->dsm_cmds, d + 2);
	/* hints without deallocation are not limited */
	CHECK_OK(nvme_dsm(ns, NULL, r, 8, NVME_DSM_ATTR_IDR, 0));
	/* forced: sent, and the device says no */
	CHECK_DEV(nvme_dsm(ns, NULL, r, 5, NVME_DSM_ATTR_DEALLOCATE, NVME_CMD_FORCE), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
	CHECK_EQ(xs(&f)->limit_refusals, 1);
	/* trim sizes its ranges to fit: 1000 blocks in ranges of 100 */
	d = xs(&f)->dsm_cmds;
	preload(&f, 1, 2000, 1000, 512, 11);
	CHECK_OK(nvme_trim(ns, NULL, 2000, 1000, 0));
	CHECK_EQ(xs(&f)->dsm_cmds, d + 10);
	CHECK(zeros(&f, 1, 2000, 1000, 512));
	fx_buf_free(&f, r);
	fx_finish(&f);

	/* trim under DMSL alone */
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_start(&f);
	lim = (struct nvme_model_nvm_limits){ .dmsl = 250 };
	nvme_model_set_nvm_limits(f.m, true, &lim);
	fx_up(&f);
	d = xs(&f)->dsm_cmds;
	CHECK_OK(nvme_trim(nvme_ns_get(f.c, 1), NULL, 0, 1000, 0));
	CHECK_EQ(xs(&f)->dsm_cmds, d + 4);
	CHECK_EQ(xs(&f)->limit_refusals, 0);
}

/* ONCS says nothing: refused before sending, naming the bit; forced: the
 * device's Invalid Command Opcode. */
static void dm_not_advertised(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = 0;
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	uint64_t io = nvme_model_stats(f.m)->io_cmds;
	struct nvme_dsm_range r = { .nlb = 1, .slba = 0 };
	CHECK_RC(nvme_dsm(ns, NULL, &r, 1, NVME_DSM_ATTR_DEALLOCATE, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Dataset Management: not supported by this controller: ONCS bit 2 "
					  "(Dataset Management) is clear (ONCS=0000h)");
	CHECK_HAS(nvme_ctrl_refusal(f.c), "does not list I/O opcode 09h");
	CHECK_RC(nvme_trim(ns, NULL, 0, 1, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_RC(nvme_write_zeroes(ns, NULL, 0, 1, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "ONCS bit 3 (Write Zeroes) is clear");
	CHECK_RC(nvme_compare(ns, NULL, 0, 1, b, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "ONCS bit 0 (Compare) is clear");
	CHECK_RC(nvme_verify(ns, NULL, 0, 1, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Verify: not supported by this controller: ONCS bit 7 (Verify) is clear");
	CHECK_HAS(st(NVME_ERR_NOT_ADVERTISED), "not supported by this controller");
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io);   /* nothing was sent */
	/* forced: the device answers Invalid Command Opcode, decoded */
	int rc = nvme_dsm(ns, NULL, &r, 1, NVME_DSM_ATTR_DEALLOCATE, NVME_CMD_FORCE);
	CHECK_DEV(rc, NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_HAS(st(rc), "Invalid Command Opcode (SCT 0h SC 01h, DNR)");
	CHECK_DEV(nvme_write_zeroes(ns, NULL, 0, 1, NVME_CMD_FORCE), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_DEV(nvme_compare(ns, NULL, 0, 1, b, NVME_CMD_FORCE, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_DEV(nvme_verify(ns, NULL, 0, 1, NVME_CMD_FORCE), NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_EQ(nvme_model_stats(f.m)->io_cmds, io + 4);
	fx_buf_free(&f, b);
}

/* Verify the way QEMU 7.2 has it: not in ONCS, but implemented and listed
 * in the Commands Supported and Effects log. */
static void dm_verify_from_effects_log(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = QEMU_ONCS;
	fx_start(&f);
	nvme_model_set_hidden_cmd(f.m, true, NVME_CMD_VERIFY, true);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	char why[200];
	CHECK_OK(nvme_ctrl_supports(f.c, NVME_OPT_VERIFY, why, sizeof(why)));
	CHECK_HAS(why, "ONCS bit 7 (Verify) is clear (ONCS=015Dh); but the Commands Supported and Effects log "
		       "lists I/O opcode 0Ch");
	CHECK_OK(nvme_verify(ns, NULL, 0, 8, 0));
	/* the log is read once and cached */
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_OK(nvme_verify(ns, NULL, 0, 8, 0));
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);
	/* ONCS-advertised commands need no log */
	CHECK_OK(nvme_ctrl_supports(f.c, NVME_OPT_DSM, why, sizeof(why)));
	CHECK_HAS(why, "ONCS bit 2 (Dataset Management) is set");
	/* Write Uncorrectable is neither advertised nor implemented */
	CHECK_RC(nvme_ctrl_supports(f.c, NVME_OPT_WRITE_UNCORRECTABLE, why, sizeof(why)), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(why, "does not list I/O opcode 04h");
	fx_finish(&f);

	/* without the effects log, a clear bit is the end of it */
	fx_defaults(&f);
	f.mcfg.oncs = QEMU_ONCS;
	fx_start(&f);
	nvme_model_set_hidden_cmd(f.m, true, NVME_CMD_VERIFY, true);
	nvme_model_set_effects_log(f.m, false);
	fx_up(&f);
	ns = nvme_ns_get(f.c, 1);
	CHECK_RC(nvme_verify(ns, NULL, 0, 8, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "ONCS bit 7 (Verify) is clear (ONCS=015Dh)");
	CHECK(strstr(nvme_ctrl_refusal(f.c), "Effects") == NULL);
	CHECK_OK(nvme_verify(ns, NULL, 0, 8, NVME_CMD_FORCE));   /* works when forced */
}

static const struct check_test tests[] = {
	CHECK_TEST(dm_dsm_ranges),
	CHECK_TEST(dm_trim_helper),
	CHECK_TEST(dm_write_zeroes_edges),
	CHECK_TEST(dm_compare),
	CHECK_TEST(dm_compare_result),
	CHECK_TEST(dm_verify),
	CHECK_TEST(dm_nvm_limits_like_qemu),
	CHECK_TEST(dm_nvm_limits),
	CHECK_TEST(dm_not_advertised),
	CHECK_TEST(dm_verify_from_effects_log),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
