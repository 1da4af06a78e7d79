/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_zns.c - multiple I/O command sets and zoned namespaces against the
 * model (model_zns.c): CC.CSS and the I/O Command Set Profile, each
 * namespace's CSI, a namespace of an unknown command set refused, the
 * Zoned Identify data, every zone state transition, every Zone Management
 * Send action with and without Select All, the active/open limits, report
 * zones (partial, extended, by state, cut to the buffer), Zone Append, the
 * B8h-BFh statuses in words, and refused writes explained with nothing
 * written anywhere.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"
#include "model/nvme_model_zns.h"

#define ZSZ      64u      /* zone size, blocks */
#define NZONES   16u
#define ZNSID    3u
#define KVNSID   4u

static struct fx f;

/* NS 1, 2 as usual; NS 3 zoned (16 zones of 64 blocks of 512 bytes, at most
 * 4 active and 3 open, 1 x 64 bytes of descriptor extension, ZASL 1 = 8 KiB
 * appends); NS 4 claims the Key Value command set. */
static void zfx_start(const struct nvme_model_zns_config *zc_in)
{
	fx_defaults(&f);
	f.ns[2] = (struct nvme_model_ns_config){ .nsid = ZNSID, .lba_size = 512, .blocks = ZSZ * NZONES };
	f.ns[3] = (struct nvme_model_ns_config){ .nsid = KVNSID, .lba_size = 512, .blocks = 1024 };
	f.mcfg.ns_count = 4;
	fx_start(&f);
	struct nvme_model_zns_config zc = { .zone_size = ZSZ, .max_active = 4, .max_open = 3, .zdes = 1, .zasl = 1 };
	if (zc_in)
		zc = *zc_in;
	REQUIRE_EQ(nvme_model_ns_zoned(f.m, ZNSID, &zc), 0);
	REQUIRE_EQ(nvme_model_ns_set_csi(f.m, KVNSID, NVME_CSI_KV), 0);
}

static struct nvme_ns *zfx_up(void)
{
	zfx_start(NULL);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, ZNSID);
	REQUIRE(ns != NULL);
	REQUIRE(nvme_ns_is_zoned(ns));
	return ns;
}

static uint8_t zstate(struct nvme_ns *ns, uint64_t zi)
{
	struct nvme_zone z;
	int rc = nvme_zns_zone(ns, NULL, zi * ZSZ, &z);
	CHECK_OK(rc);
	uint8_t mst = 0;
	CHECK_EQ(nvme_model_zone_get(f.m, ZNSID, zi, &mst, NULL), 0);
	CHECK_EQ(z.state, mst);   /* the driver's view is the device's */
	return rc == 0 ? z.state : 0xFF;
}

static uint64_t zwp(uint64_t zi)
{
	uint64_t wp = ~0ull;
	CHECK_EQ(nvme_model_zone_get(f.m, ZNSID, zi, NULL, &wp), 0);
	return wp;
}

static int wr(struct nvme_ns *ns, uint64_t lba, uint32_t n)
{
	uint8_t *b = fx_buf(&f, (size_t)n * 512u, 0, 0);
	fill_pattern(b, (size_t)n * 512u, lba + 1u);
	int rc = nvme_write(ns, NULL, lba, n, b);
	fx_buf_free(&f, b);
	return rc;
}

static int zms(struct nvme_ns *ns, uint64_t zi, uint8_t zsa)
{
	return nvme_zns_mgmt(ns, NULL, zi * ZSZ, zsa, false);
}

#define CHECK_ZONE_SC(expr, sc) CHECK_DEV(expr, NVME_SCT_COMMAND_SPECIFIC, sc)

/* ------------------------------------------------------------------------ */

static void zns_iocs_profile_and_csi(void)
{
	struct nvme_ns *ns = zfx_up();
	uint8_t css = 0xFF;
	uint16_t idx = 0xFFFF;
	uint64_t vec = 0;
	nvme_ctrl_iocs(f.c, &css, &idx, &vec);
	CHECK_EQ(css, NVME_CC_CSS_IOCS);
	CHECK_EQ(idx, 0);
	CHECK_EQX(vec, (1u << NVME_CSI_NVM) | (1u << NVME_CSI_KV) | (1u << NVME_CSI_ZNS));
	CHECK_EQ(nvme_model_iocs_reads(f.m), 1);
	CHECK_EQ(nvme_ns_count(f.c), 4);
	CHECK_EQ(nvme_ns_get(f.c, 1)->cmdset.csi, NVME_CSI_NVM);
	CHECK_EQ(nvme_ns_get(f.c, 1)->unusable, 0);
	CHECK(!nvme_ns_is_zoned(nvme_ns_get(f.c, 1)));
	CHECK_EQ(ns->cmdset.csi, NVME_CSI_ZNS);
	struct nvme_zns_info zi;
	REQUIRE_OK(nvme_zns_info(ns, &zi));
	CHECK_EQ(zi.zone_size, ZSZ);
	CHECK_EQ(zi.zone_count, NZONES);
	CHECK_EQ(zi.max_active, 4);
	CHECK_EQ(zi.max_open, 3);
	CHECK_EQ(zi.zdes_bytes, 64);
	CHECK_EQ(zi.zasl, 1);
	CHECK_EQ(zi.append_max_blocks, 16);   /* 4 KiB << 1 of 512-byte blocks */
	CHECK(!zi.read_across);
	CHECK_RC(nvme_zns_info(nvme_ns_get(f.c, 1), &zi), NVME_ERR_UNSUPPORTED);
	/* the raw Zoned Identify data through the general call */
	uint8_t *id = fx_buf(&f, 4096, 0, 0);
	CHECK_OK(nvme_identify_csi(f.c, NVME_CNS_CS_NS, NVME_CSI_ZNS, ZNSID, id));
	CHECK_EQ(((struct nvme_id_ns_zns *)id)->mor, 2);
	CHECK_EQ(((struct nvme_id_ns_zns *)id)->lbafe[0].zsze, ZSZ);
	CHECK_OK(nvme_identify_csi(f.c, NVME_CNS_CS_CTRL, NVME_CSI_ZNS, 0, id));
	CHECK_EQ(id[0], 1);
	fx_buf_free(&f, id);
	/* zone commands on an NVM namespace are not sent */
	CHECK_RC(nvme_zns_mgmt(nvme_ns_get(f.c, 1), NULL, 0, NVME_ZSA_OPEN, false), NVME_ERR_UNSUPPORTED);
}

static void zns_unknown_csi_refused(void)
{
	zfx_up();
	struct nvme_ns *kv = nvme_ns_get(f.c, KVNSID);
	REQUIRE(kv != NULL);
	CHECK_EQ(kv->cmdset.csi, NVME_CSI_KV);
	CHECK_EQ(kv->unusable, NVME_ERR_UNSUPPORTED);
	CHECK_EQ(kv->unusable_reason, NVME_NS_CSI);
	char why[128];
	nvme_ns_unusable_text(kv, why, sizeof(why));
	CHECK_STR(why, "I/O command set CSI 01h (Key Value) not implemented by the driver");
	uint8_t *b = fx_buf(&f, 512, 0, 0);
	CHECK_RC(nvme_read(kv, NULL, 0, 1, b), NVME_ERR_UNSUPPORTED);
	CHECK_RC(nvme_write(kv, NULL, 0, 1, b), NVME_ERR_UNSUPPORTED);
	fx_buf_free(&f, b);
	/* the other namespaces work */
	CHECK(fx_roundtrip(&f, 1, 10, 512, 0, 0, 0, 5, "ns 1 beside a refused ns"));
}

static void zns_css_nvm_only(void)
{
	/* without CAP.CSS bit 6 only the NVM command set is enabled: no CNS
	 * 1Ch, 03h, and every namespace is taken as NVM */
	fx_defaults(&f);
	f.ns[2] = (struct nvme_model_ns_config){ .nsid = ZNSID, .lba_size = 512, .blocks = ZSZ * NZONES };
	f.mcfg.ns_count = 3;
	f.mcfg.css = NVME_CAP_CSS_NVM;
	fx_start(&f);
	struct nvme_model_zns_config zc = { .zone_size = ZSZ };
	REQUIRE_EQ(nvme_model_ns_zoned(f.m, ZNSID, &zc), 0);
	fx_up(&f);
	uint8_t css = 0xFF;
	nvme_ctrl_iocs(f.c, &css, NULL, NULL);
	CHECK_EQ(css, NVME_CC_CSS_NVM);
	CHECK_EQ(nvme_model_iocs_reads(f.m), 0);
	struct nvme_ns *ns = nvme_ns_get(f.c, ZNSID);
	REQUIRE(ns != NULL);
	CHECK_EQ(ns->cmdset.csi, NVME_CSI_NVM);
	CHECK(!nvme_ns_is_zoned(ns));
	/* the device still keeps its zone rules: the status is in words */
	int rc = wr(ns, 3, 1);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_INVALID_WRITE);
	CHECK_HAS(st(rc), "Zone Invalid Write");
}

static void zns_state_transitions(void)
{
	struct nvme_ns *ns = zfx_up();
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EMPTY);
	/* empty -> implicitly open (write) -> closed -> implicitly open (write) */
	CHECK_OK(wr(ns, 0, 2));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_IMP_OPEN);
	CHECK_EQ(zwp(0), 2);
	CHECK_OK(zms(ns, 0, NVME_ZSA_CLOSE));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_CLOSED);
	CHECK_OK(zms(ns, 0, NVME_ZSA_CLOSE));   /* closed -> closed: no change */
	CHECK_EQ(zstate(ns, 0), NVME_ZS_CLOSED);
	CHECK_OK(wr(ns, 2, 1));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_IMP_OPEN);
	/* implicitly open -> explicitly open -> closed -> explicitly open */
	CHECK_OK(zms(ns, 0, NVME_ZSA_OPEN));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EXP_OPEN);
	CHECK_OK(wr(ns, 3, 1));   /* a write keeps it explicitly open */
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EXP_OPEN);
	CHECK_OK(zms(ns, 0, NVME_ZSA_CLOSE));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_CLOSED);
	CHECK_OK(zms(ns, 0, NVME_ZSA_OPEN));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EXP_OPEN);
	/* explicitly open -> full (finish) -> empty (reset) */
	CHECK_OK(zms(ns, 0, NVME_ZSA_FINISH));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_FULL);
	CHECK_OK(zms(ns, 0, NVME_ZSA_FINISH));   /* full -> full */
	CHECK_ZONE_SC(zms(ns, 0, NVME_ZSA_OPEN), NVME_SC_ZONE_INVALID_TRANSITION);
	CHECK_ZONE_SC(zms(ns, 0, NVME_ZSA_CLOSE), NVME_SC_ZONE_INVALID_TRANSITION);
	CHECK_ZONE_SC(wr(ns, 4, 1), NVME_SC_ZONE_FULL);
	CHECK_OK(zms(ns, 0, NVME_ZSA_RESET));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EMPTY);
	CHECK_EQ(zwp(0), 0);
	/* the reset zone reads back zeros */
	uint8_t *b = fx_buf(&f, 512, 0, 0), zero[512];
	memset(zero, 0, sizeof(zero));
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	CHECK_MEM(b, zero, 512);
	/* empty: close is invalid; open -> explicitly open; close with nothing
	 * written -> closed (still active, as QEMU 7.2); reset -> empty;
	 * finish -> full */
	CHECK_ZONE_SC(zms(ns, 0, NVME_ZSA_CLOSE), NVME_SC_ZONE_INVALID_TRANSITION);
	CHECK_OK(zms(ns, 0, NVME_ZSA_OPEN));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EXP_OPEN);
	CHECK_OK(zms(ns, 0, NVME_ZSA_CLOSE));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_CLOSED);
	CHECK_EQ(zwp(0), 0);
	CHECK_OK(zms(ns, 0, NVME_ZSA_RESET));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EMPTY);
	CHECK_OK(zms(ns, 0, NVME_ZSA_FINISH));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_FULL);
	/* closed -> full (finish); implicitly open -> full (last block written) */
	CHECK_OK(wr(ns, ZSZ, 1));
	CHECK_OK(zms(ns, 1, NVME_ZSA_CLOSE));
	CHECK_OK(zms(ns, 1, NVME_ZSA_FINISH));
	CHECK_EQ(zstate(ns, 1), NVME_ZS_FULL);
	CHECK_OK(wr(ns, 2 * ZSZ, ZSZ - 1));
	CHECK_EQ(zstate(ns, 2), NVME_ZS_IMP_OPEN);
	CHECK_OK(wr(ns, 3 * ZSZ - 1, 1));
	CHECK_EQ(zstate(ns, 2), NVME_ZS_FULL);
	/* read-only (media) -> offline; neither takes writes, open, reset */
	REQUIRE_EQ(nvme_model_zone_force(f.m, ZNSID, 5, NVME_ZS_READ_ONLY), 0);
	CHECK_EQ(zstate(ns, 5), NVME_ZS_READ_ONLY);
	CHECK_ZONE_SC(wr(ns, 5 * ZSZ, 1), NVME_SC_ZONE_READ_ONLY);
	CHECK_OK(nvme_read(ns, NULL, 5 * ZSZ, 1, b));
	CHECK_ZONE_SC(zms(ns, 5, NVME_ZSA_OPEN), NVME_SC_ZONE_INVALID_TRANSITION);
	CHECK_ZONE_SC(zms(ns, 5, NVME_ZSA_RESET), NVME_SC_ZONE_INVALID_TRANSITION);
	CHECK_ZONE_SC(zms(ns, 5, NVME_ZSA_FINISH), NVME_SC_ZONE_INVALID_TRANSITION);
	CHECK_ZONE_SC(zms(ns, 6, NVME_ZSA_OFFLINE), NVME_SC_ZONE_INVALID_TRANSITION);   /* empty */
	CHECK_OK(zms(ns, 5, NVME_ZSA_OFFLINE));
	CHECK_EQ(zstate(ns, 5), NVME_ZS_OFFLINE);
	CHECK_OK(zms(ns, 5, NVME_ZSA_OFFLINE));   /* offline -> offline */
	CHECK_ZONE_SC(wr(ns, 5 * ZSZ, 1), NVME_SC_ZONE_OFFLINE);
	CHECK_ZONE_SC(nvme_read(ns, NULL, 5 * ZSZ, 1, b), NVME_SC_ZONE_OFFLINE);
	CHECK_ZONE_SC(zms(ns, 5, NVME_ZSA_RESET), NVME_SC_ZONE_INVALID_TRANSITION);
	/* the driver refuses what is not a zone start, the device a bad action */
	CHECK_RC(nvme_zns_mgmt(ns, NULL, 3, NVME_ZSA_OPEN, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_zns_mgmt(ns, NULL, 0, 0x10, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_zns_mgmt(ns, NULL, NZONES * ZSZ, NVME_ZSA_OPEN, false), NVME_ERR_LBA_RANGE);
	fx_buf_free(&f, b);
	/* a controller reset closes open zones */
	CHECK_OK(wr(ns, 7 * ZSZ, 1));
	CHECK_OK(zms(ns, 8, NVME_ZSA_OPEN));
	CHECK_OK(nvme_ctrl_reset(f.c));
	ns = nvme_ns_get(f.c, ZNSID);
	CHECK_EQ(zstate(ns, 7), NVME_ZS_CLOSED);
	CHECK_EQ(zstate(ns, 8), NVME_ZS_CLOSED);
}

static void zns_active_open_limits(void)
{
	struct nvme_ns *ns = zfx_up();   /* 4 active, 3 open */
	char text[256];
	CHECK_OK(wr(ns, 0 * ZSZ, 1));
	CHECK_OK(wr(ns, 1 * ZSZ, 1));
	CHECK_OK(zms(ns, 2, NVME_ZSA_OPEN));
	int rc = wr(ns, 3 * ZSZ, 1);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_TOO_MANY_OPEN);
	nvme_zns_explain(ns, NULL, rc, 3 * ZSZ, 1, false, text, sizeof(text));
	CHECK_STR(text, "write at LBA 192 would open zone 3 (empty): the namespace allows 3 open zones "
			"(Too Many Open Zones)");
	CHECK_ZONE_SC(zms(ns, 3, NVME_ZSA_OPEN), NVME_SC_ZONE_TOO_MANY_OPEN);
	CHECK_EQ(zstate(ns, 3), NVME_ZS_EMPTY);
	/* closing one frees an open resource, not an active one */
	CHECK_OK(zms(ns, 0, NVME_ZSA_CLOSE));
	CHECK_OK(wr(ns, 3 * ZSZ, 1));
	CHECK_OK(zms(ns, 1, NVME_ZSA_CLOSE));
	rc = wr(ns, 4 * ZSZ, 1);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_TOO_MANY_ACTIVE);
	nvme_zns_explain(ns, NULL, rc, 4 * ZSZ, 1, false, text, sizeof(text));
	CHECK_STR(text, "write at LBA 256 would make zone 4 (empty) active: the namespace allows 4 active zones "
			"(Too Many Active Zones)");
	CHECK_ZONE_SC(zms(ns, 4, NVME_ZSA_OPEN), NVME_SC_ZONE_TOO_MANY_ACTIVE);
	CHECK_EQ(zwp(4), 4 * ZSZ);
	/* a closed zone reopens within the open limit */
	CHECK_OK(wr(ns, 1 * ZSZ + 1, 1));
	CHECK_EQ(zstate(ns, 1), NVME_ZS_IMP_OPEN);
	/* finishing one frees an active resource */
	CHECK_OK(zms(ns, 0, NVME_ZSA_FINISH));
	CHECK_OK(zms(ns, 1, NVME_ZSA_CLOSE));
	CHECK_OK(wr(ns, 4 * ZSZ, 1));
}

static void zns_select_all(void)
{
	struct nvme_ns *ns = zfx_up();
	CHECK_OK(wr(ns, 0, 1));                   /* 0 implicitly open */
	CHECK_OK(zms(ns, 1, NVME_ZSA_OPEN));      /* 1 explicitly open */
	CHECK_OK(wr(ns, 2 * ZSZ, 1));
	CHECK_OK(zms(ns, 2, NVME_ZSA_CLOSE));     /* 2 closed */
	CHECK_OK(zms(ns, 3, NVME_ZSA_FINISH));    /* 3 full */
	REQUIRE_EQ(nvme_model_zone_force(f.m, ZNSID, 5, NVME_ZS_READ_ONLY), 0);
	/* close all: the open ones (1, nothing written, too) */
	CHECK_OK(nvme_zns_mgmt(ns, NULL, 12345, NVME_ZSA_CLOSE, true));   /* SLBA ignored */
	CHECK_EQ(zstate(ns, 0), NVME_ZS_CLOSED);
	CHECK_EQ(zstate(ns, 1), NVME_ZS_CLOSED);
	CHECK_EQ(zstate(ns, 2), NVME_ZS_CLOSED);
	CHECK_OK(zms(ns, 1, NVME_ZSA_RESET));
	/* open all: the closed ones */
	CHECK_OK(nvme_zns_mgmt(ns, NULL, 0, NVME_ZSA_OPEN, true));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EXP_OPEN);
	CHECK_EQ(zstate(ns, 1), NVME_ZS_EMPTY);
	CHECK_EQ(zstate(ns, 2), NVME_ZS_EXP_OPEN);
	/* finish all: the active ones */
	CHECK_OK(nvme_zns_mgmt(ns, NULL, 0, NVME_ZSA_FINISH, true));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_FULL);
	CHECK_EQ(zstate(ns, 2), NVME_ZS_FULL);
	CHECK_EQ(zstate(ns, 1), NVME_ZS_EMPTY);
	/* reset all: active and full, not read-only */
	CHECK_OK(nvme_zns_mgmt(ns, NULL, 0, NVME_ZSA_RESET, true));
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(zstate(ns, i), NVME_ZS_EMPTY);
	CHECK_EQ(zstate(ns, 5), NVME_ZS_READ_ONLY);
	/* offline all: the read-only ones */
	CHECK_OK(nvme_zns_mgmt(ns, NULL, 0, NVME_ZSA_OFFLINE, true));
	CHECK_EQ(zstate(ns, 5), NVME_ZS_OFFLINE);
	CHECK_EQ(zstate(ns, 6), NVME_ZS_EMPTY);
	/* open all beyond the open limit: refused, nothing changes */
	for (unsigned i = 0; i < 4; i++) {
		CHECK_OK(wr(ns, (uint64_t)i * ZSZ, 1));
		CHECK_OK(zms(ns, i, NVME_ZSA_CLOSE));
	}
	CHECK_ZONE_SC(nvme_zns_mgmt(ns, NULL, 0, NVME_ZSA_OPEN, true), NVME_SC_ZONE_TOO_MANY_OPEN);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(zstate(ns, i), NVME_ZS_CLOSED);
}

static void zns_report_zones(void)
{
	struct nvme_ns *ns = zfx_up();
	CHECK_OK(wr(ns, 0, 5));
	CHECK_OK(zms(ns, 1, NVME_ZSA_FINISH));
	CHECK_OK(wr(ns, 2 * ZSZ, 1));
	CHECK_OK(zms(ns, 2, NVME_ZSA_CLOSE));
	size_t len = 64 + NZONES * 64;
	uint8_t *buf = fx_buf(&f, len, 0, 0);
	struct nvme_zone_report rep;
	struct nvme_zone z;
	/* all zones */
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_ALL, false, false, buf, len, &rep));
	CHECK_EQ(rep.nr_zones, NZONES);
	CHECK_EQ(rep.count, NZONES);
	for (uint32_t i = 0; i < rep.count; i++) {
		REQUIRE_OK(nvme_zns_report_entry(ns, buf, len, &rep, i, &z, NULL));
		CHECK_EQ(z.zslba, (uint64_t)i * ZSZ);
		CHECK_EQ(z.zcap, ZSZ);
		CHECK_EQ(z.type, NVME_ZT_SEQ_WRITE_REQUIRED);
	}
	REQUIRE_OK(nvme_zns_report_entry(ns, buf, len, &rep, 0, &z, NULL));
	CHECK_EQ(z.state, NVME_ZS_IMP_OPEN);
	CHECK_EQ(z.wp, 5);
	CHECK_RC(nvme_zns_report_entry(ns, buf, len, &rep, NZONES, &z, NULL), NVME_ERR_INVAL);
	/* from zone 4 on */
	REQUIRE_OK(nvme_zns_report(ns, NULL, 4 * ZSZ + 7, NVME_ZRASF_ALL, false, false, buf, len, &rep));
	CHECK_EQ(rep.nr_zones, NZONES - 4);
	REQUIRE_OK(nvme_zns_report_entry(ns, buf, len, &rep, 0, &z, NULL));
	CHECK_EQ(z.zslba, 4 * ZSZ);
	/* by state */
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_FULL, false, false, buf, len, &rep));
	CHECK_EQ(rep.nr_zones, 1);
	REQUIRE_OK(nvme_zns_report_entry(ns, buf, len, &rep, 0, &z, NULL));
	CHECK_EQ(z.zslba, ZSZ);
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_CLOSED, false, false, buf, len, &rep));
	CHECK_EQ(rep.nr_zones, 1);
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_EMPTY, false, false, buf, len, &rep));
	CHECK_EQ(rep.nr_zones, NZONES - 3);
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_OFFLINE, false, false, buf, len, &rep));
	CHECK_EQ(rep.nr_zones, 0);
	CHECK_EQ(rep.count, 0);
	/* a small buffer: without partial the count says all, the parser stops
	 * at the buffer; with partial the count is what came back */
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_ALL, false, false, buf, 64 + 3 * 64, &rep));
	CHECK_EQ(rep.nr_zones, NZONES);
	CHECK_EQ(rep.count, 3);
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_ALL, true, false, buf, 64 + 3 * 64, &rep));
	CHECK_EQ(rep.nr_zones, 3);
	CHECK_EQ(rep.count, 3);
	/* extended: 64 bytes of descriptor extension after each descriptor */
	size_t elen = 64 + NZONES * 128;
	uint8_t *ebuf = fx_buf(&f, elen, 0, 0);
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_ALL, false, true, ebuf, elen, &rep));
	CHECK_EQ(rep.desc_bytes, 128);
	CHECK_EQ(rep.count, NZONES);
	const uint8_t *ext = NULL;
	REQUIRE_OK(nvme_zns_report_entry(ns, ebuf, elen, &rep, 1, &z, &ext));
	CHECK_EQ(z.zslba, ZSZ);
	CHECK(ext == ebuf + 64 + 128 + 64);
	/* bad arguments are not sent */
	CHECK_RC(nvme_zns_report(ns, NULL, 0, 8, false, false, buf, len, &rep), NVME_ERR_INVAL);
	CHECK_RC(nvme_zns_report(ns, NULL, 0, 0, false, false, buf, 62, &rep), NVME_ERR_INVAL);
	CHECK_RC(nvme_zns_report(ns, NULL, NZONES * ZSZ, 0, false, false, buf, len, &rep), NVME_ERR_LBA_RANGE);
	/* descriptors the driver refuses: off a zone boundary, capacity above
	 * the zone size, write pointer outside the zone */
	struct nvme_zone_desc *d = (struct nvme_zone_desc *)(buf + 64);
	REQUIRE_OK(nvme_zns_report(ns, NULL, 0, NVME_ZRASF_ALL, false, false, buf, len, &rep));
	d[0].zslba = 3;
	CHECK_RC(nvme_zns_report_entry(ns, buf, len, &rep, 0, &z, NULL), NVME_ERR_BAD_ZONE_DATA);
	d[1].zcap = ZSZ + 1;
	CHECK_RC(nvme_zns_report_entry(ns, buf, len, &rep, 1, &z, NULL), NVME_ERR_BAD_ZONE_DATA);
	d[2].wp = 3 * ZSZ + 1;   /* zone 2 is closed: its write pointer counts */
	CHECK_RC(nvme_zns_report_entry(ns, buf, len, &rep, 2, &z, NULL), NVME_ERR_BAD_ZONE_DATA);
	d[3].zslba = NZONES * ZSZ;
	CHECK_RC(nvme_zns_report_entry(ns, buf, len, &rep, 3, &z, NULL), NVME_ERR_BAD_ZONE_DATA);
	fx_buf_free(&f, ebuf);
	fx_buf_free(&f, buf);
}

static void zns_no_extension(void)
{
	struct nvme_model_zns_config zc = { .zone_size = ZSZ, .zone_cap = 48, .read_across = true };
	zfx_start(&zc);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, ZNSID);
	REQUIRE(nvme_ns_is_zoned(ns));
	struct nvme_zns_info zi;
	REQUIRE_OK(nvme_zns_info(ns, &zi));
	CHECK_EQ(zi.max_active, 0);
	CHECK_EQ(zi.max_open, 0);
	CHECK(zi.read_across);
	uint8_t buf[128];
	struct nvme_zone_report rep;
	CHECK_RC(nvme_zns_report(ns, NULL, 0, 0, false, true, buf, sizeof(buf), &rep), NVME_ERR_UNSUPPORTED);
	/* a zone capacity below the zone size: the last writable block is 47 */
	struct nvme_zone z;
	REQUIRE_OK(nvme_zns_zone(ns, NULL, 0, &z));
	CHECK_EQ(z.zcap, 48);
	CHECK_OK(wr(ns, 0, 40));
	int rc = wr(ns, 40, 10);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_BOUNDARY_ERROR);
	CHECK_OK(wr(ns, 40, 8));
	CHECK_EQ(zstate(ns, 0), NVME_ZS_FULL);
	/* reads may cross zones here */
	uint8_t *b = fx_buf(&f, 4 * 512, 0, 0);
	CHECK_OK(nvme_read(ns, NULL, ZSZ - 2, 4, b));
	fx_buf_free(&f, b);
}

static void zns_zone_append(void)
{
	struct nvme_ns *ns = zfx_up();
	uint8_t *a = fx_buf(&f, 16 * 512, 0, 0), *r = fx_buf(&f, 16 * 512, 0, 0);
	fill_pattern(a, 16 * 512, 77);
	uint64_t lba = 0;
	REQUIRE_OK(nvme_zns_append(ns, NULL, 2 * ZSZ, 3, a, &lba));
	CHECK_EQ(lba, 2 * ZSZ);
	REQUIRE_OK(nvme_zns_append(ns, NULL, 2 * ZSZ, 4, a + 3 * 512, &lba));
	CHECK_EQ(lba, 2 * ZSZ + 3);
	CHECK_EQ(zstate(ns, 2), NVME_ZS_IMP_OPEN);
	CHECK_EQ(zwp(2), 2 * ZSZ + 7);
	REQUIRE_OK(nvme_read(ns, NULL, 2 * ZSZ, 7, r));
	CHECK_MEM(r, a, 7 * 512);
	/* a write after appends goes at the write pointer */
	CHECK_OK(wr(ns, 2 * ZSZ + 7, 1));
	/* the driver refuses what it can tell is wrong */
	CHECK_RC(nvme_zns_append(ns, NULL, 2 * ZSZ + 1, 1, a, &lba), NVME_ERR_INVAL);
	CHECK_RC(nvme_zns_append(ns, NULL, 2 * ZSZ, 17, a, &lba), NVME_ERR_TOO_LARGE);   /* ZASL 8 KiB */
	CHECK_RC(nvme_zns_append(ns, NULL, 2 * ZSZ, 0, a, &lba), NVME_ERR_INVAL);
	CHECK_RC(nvme_zns_append(ns, NULL, 2 * ZSZ, ZSZ + 1, a, &lba), NVME_ERR_INVAL);   /* more than a zone */
	/* a device that says it wrote outside the zone is not believed */
	struct nvme_model_mangle mg = { .cqid = 1, .count = 1, .what = NVME_MODEL_MANGLE_DW0, .dw0 = 5 };
	nvme_model_mangle(f.m, &mg);
	CHECK_RC(nvme_zns_append(ns, NULL, 2 * ZSZ, 1, a, &lba), NVME_ERR_BAD_ZONE_DATA);
	CHECK_EQ(lba, 0);
	CHECK_EQ(zwp(2), 2 * ZSZ + 9);   /* the block went to the write pointer all the same */
	CHECK_RC(nvme_zns_append(nvme_ns_get(f.c, 1), NULL, 0, 1, a, &lba), NVME_ERR_UNSUPPORTED);
	/* fill the zone with appends; one more block does not fit */
	uint64_t wp = zwp(2);
	while (wp + 16 <= 3 * ZSZ) {
		REQUIRE_OK(nvme_zns_append(ns, NULL, 2 * ZSZ, 16, a, &lba));
		CHECK_EQ(lba, wp);
		wp += 16;
	}
	uint32_t left = (uint32_t)(3 * ZSZ - wp);
	int rc = nvme_zns_append(ns, NULL, 2 * ZSZ, left + 1, a, &lba);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_BOUNDARY_ERROR);
	char text[256];
	nvme_zns_explain(ns, NULL, rc, 2 * ZSZ, left + 1, true, text, sizeof(text));
	char want[96];
	snprintf(want, sizeof(want), "zone append of %u blocks at LBA 128 crosses the end of zone 2 (LBA 128..191",
		 left + 1);
	CHECK_HAS(text, want);
	REQUIRE_OK(nvme_zns_append(ns, NULL, 2 * ZSZ, left, a, &lba));
	CHECK_EQ(zstate(ns, 2), NVME_ZS_FULL);
	rc = nvme_zns_append(ns, NULL, 2 * ZSZ, 1, a, &lba);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_FULL);
	nvme_zns_explain(ns, NULL, rc, 2 * ZSZ, 1, true, text, sizeof(text));
	CHECK_STR(text, "zone append at LBA 128: zone 2 (LBA 128) is full (Zone Is Full)");
	fx_buf_free(&f, r);
	fx_buf_free(&f, a);
}

/* A refused write: a clear error, nothing written in the zone or the next. */
/* Zone Append moves data only: on a zoned namespace with separate metadata
 * (not PI-only) it must be refused like nvme_write, or the device would
 * read the metadata from an MPTR the driver never set (found by the fuzzer,
 * issue 18: the fake device saw a data-only append on an extended-LBA zoned
 * namespace). */
static void zns_append_metadata_refused(void)
{
	fx_defaults(&f);
	f.ns[2] = (struct nvme_model_ns_config){ .nsid = ZNSID, .lba_size = 512, .blocks = ZSZ * NZONES, .ms = 8 };
	f.mcfg.ns_count = 3;
	fx_start(&f);
	struct nvme_model_zns_config zc = { .zone_size = ZSZ, .max_active = 4, .max_open = 3, .zdes = 1, .zasl = 1 };
	REQUIRE_EQ(nvme_model_ns_zoned(f.m, ZNSID, &zc), 0);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, ZNSID);
	REQUIRE(ns != NULL);
	REQUIRE(nvme_ns_is_zoned(ns));
	CHECK_EQ(ns->meta_size, 8u);
	uint8_t *a = fx_buf(&f, 512, 0, 0);
	uint64_t lba = 7;
	uint64_t wp = zwp(2);
	CHECK_RC(nvme_zns_append(ns, NULL, 2 * ZSZ, 1, a, &lba), NVME_ERR_UNSUPPORTED);
	CHECK_EQ(lba, 0u);
	CHECK_EQ(zwp(2), wp);   /* nothing reached the device */
	CHECK_RC(nvme_write(ns, NULL, 2 * ZSZ, 1, a), NVME_ERR_UNSUPPORTED);   /* the same rule */
	fx_buf_free(&f, a);
}

static void zns_write_not_at_wp(void)
{
	struct nvme_ns *ns = zfx_up();
	uint8_t *r = fx_buf(&f, 4 * 512, 0, 0), zero[4 * 512];
	memset(zero, 0, sizeof(zero));
	int rc = wr(ns, 3, 1);
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_INVALID_WRITE);
	char text[256];
	nvme_zns_explain(ns, NULL, rc, 3, 1, false, text, sizeof(text));
	CHECK_STR(text, "write at LBA 3 is not at zone 0's write pointer (LBA 0; zone empty) "
			"(Zone Invalid Write: the write does not start at the zone's write pointer)");
	CHECK_EQ(zwp(0), 0);
	CHECK_EQ(zstate(ns, 0), NVME_ZS_EMPTY);
	CHECK_OK(nvme_read(ns, NULL, 0, 4, r));
	CHECK_MEM(r, zero, sizeof(zero));
	/* after some writes the pointer has moved: behind and ahead both fail */
	CHECK_OK(wr(ns, 0, 4));
	CHECK_ZONE_SC(wr(ns, 2, 1), NVME_SC_ZONE_INVALID_WRITE);
	CHECK_ZONE_SC(wr(ns, 5, 1), NVME_SC_ZONE_INVALID_WRITE);
	CHECK_EQ(zwp(0), 4);
}

static void zns_write_across_zone_boundary(void)
{
	struct nvme_ns *ns = zfx_up();
	CHECK_OK(wr(ns, ZSZ, ZSZ - 2));   /* zone 1 up to LBA 125 */
	uint8_t *r = fx_buf(&f, 4 * 512, 0, 0), zero[4 * 512];
	memset(zero, 0, sizeof(zero));
	int rc = wr(ns, 2 * ZSZ - 2, 4);    /* 126..129: into zone 2 */
	CHECK_ZONE_SC(rc, NVME_SC_ZONE_BOUNDARY_ERROR);
	char text[256];
	nvme_zns_explain(ns, NULL, rc, 2 * ZSZ - 2, 4, false, text, sizeof(text));
	CHECK_HAS(text, "write of 4 blocks at LBA 126 crosses the end of zone 1 (LBA 64..127, capacity 64 blocks)");
	/* nothing written on either side, no pointer moved */
	CHECK_EQ(zwp(1), 2 * ZSZ - 2);
	CHECK_EQ(zwp(2), 2 * ZSZ);
	CHECK_EQ(zstate(ns, 2), NVME_ZS_EMPTY);
	/* reading across the boundary is refused too (OZCS bit 0 clear): read
	 * each zone's side */
	CHECK_ZONE_SC(nvme_read(ns, NULL, 2 * ZSZ - 2, 4, r), NVME_SC_ZONE_BOUNDARY_ERROR);
	CHECK_OK(nvme_read(ns, NULL, 2 * ZSZ - 2, 2, r));
	CHECK_OK(nvme_read(ns, NULL, 2 * ZSZ, 2, r + 1024));
	CHECK_MEM(r, zero, sizeof(zero));
	/* the zone still takes its last two blocks */
	CHECK_OK(wr(ns, 2 * ZSZ - 2, 2));
	CHECK_EQ(zstate(ns, 1), NVME_ZS_FULL);
	fx_buf_free(&f, r);
}

static void zns_status_words(void)
{
	static const struct { unsigned sc; const char *name; } t[] = {
		{ 0xB8, "Zone Boundary Error" },
		{ 0xB9, "Zone Is Full" },
		{ 0xBA, "Zone Is Read Only" },
		{ 0xBB, "Zone Is Offline" },
		{ 0xBC, "Zone Invalid Write" },
		{ 0xBD, "Too Many Active Zones" },
		{ 0xBE, "Too Many Open Zones" },
		{ 0xBF, "Invalid Zone State Transition" },
	};
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int s = -(int)(NVME_STATUS_DEVICE_FLAG | (NVME_SCT_COMMAND_SPECIFIC << 8) | t[i].sc);
		CHECK_MSG(strncmp(nvme_strerror(s), t[i].name, strlen(t[i].name)) == 0, "SC %02Xh: \"%s\"", t[i].sc,
			  nvme_strerror(s));
		char want[32];
		snprintf(want, sizeof(want), "(SCT 1h SC %02xh", t[i].sc);
		CHECK_HAS(st(s), want);
	}
	CHECK_STR(nvme_strerror(NVME_ERR_BAD_ZONE_DATA), "invalid zone report or Zone Append answer");
	CHECK_STR(nvme_strerror(-(int)(NVME_STATUS_DEVICE_FLAG | NVME_SC_INVALID_IOCS)), "Invalid I/O Command Set");
	CHECK_STR(nvme_zone_state_name(NVME_ZS_IMP_OPEN), "implicitly open");
	CHECK_STR(nvme_zone_state_name(0), "reserved");
	CHECK_STR(nvme_zsa_name(NVME_ZSA_OFFLINE), "offline");
	CHECK_STR(nvme_csi_name(NVME_CSI_ZNS), "Zoned Namespace");
}

static const struct check_test tests[] = {
	CHECK_TEST(zns_iocs_profile_and_csi),
	CHECK_TEST(zns_unknown_csi_refused),
	CHECK_TEST(zns_css_nvm_only),
	CHECK_TEST(zns_state_transitions),
	CHECK_TEST(zns_active_open_limits),
	CHECK_TEST(zns_select_all),
	CHECK_TEST(zns_report_zones),
	CHECK_TEST(zns_no_extension),
	CHECK_TEST(zns_zone_append),
	CHECK_TEST(zns_append_metadata_refused),
	CHECK_TEST(zns_write_not_at_wp),
	CHECK_TEST(zns_write_across_zone_boundary),
	CHECK_TEST(zns_status_words),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
