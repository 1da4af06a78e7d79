/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_fw.c - firmware update: download pieces sized by FWUG (1, 3, 8, FFh,
 * 0) and MDTS, a granularity above the max transfer, the progress callback
 * and cancelling, every commit action, the slot log after a commit, the
 * reset-required results (controller, NVM subsystem, conventional) and the
 * resets that then activate the image, invalid slot and image, and the
 * refusal on a controller without firmware commands (QEMU 7.2's OACS).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

static uint8_t *image(struct fx *f, size_t len, const char *rev)
{
	uint8_t *b = fx_buf(f, len, 0, 0);
	REQUIRE(nvme_model_fw_image_build(b, len, rev) == len);
	return b;
}

static void fw_chunks(void)
{
	static const struct { uint8_t fwug; uint8_t mdts; uint32_t want; } cases[] = {
		{ 1, 5, 128u << 10 }, { 8, 5, 128u << 10 }, { 0xFF, 5, 128u << 10 }, { 0, 5, 128u << 10 },
		{ 3, 5, 120u << 10 }, { 3, 2, 12u << 10 }, { 1, 0, 1u << 20 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct fx f;
		fx_defaults(&f);
		fx_opt_config(&f);
		f.mcfg.mdts = cases[i].mdts;
		fx_opt_start(&f, 0, cases[i].fwug, 0);
		fx_up(&f);
		uint32_t chunk = nvme_fw_chunk_bytes(f.c);
		CHECK_MSG(chunk == cases[i].want, "FWUG %u MDTS %u: chunk %u, want %u", cases[i].fwug, cases[i].mdts,
			  chunk, cases[i].want);
		size_t len = 2 * (size_t)chunk + 1028;   /* two full pieces and a short one */
		uint8_t *img = image(&f, len, "CHUNK");
		CHECK_OK(nvme_fw_download(f.c, img, len, 0, 0, NULL, NULL, 0));
		uint32_t off[8], ln[8];
		unsigned n = nvme_model_fw_pieces(f.m, off, ln, 8);
		CHECK_EQ(n, 3);
		for (unsigned k = 0; k < n && k < 3; k++) {
			CHECK_EQ(off[k], k * chunk);
			CHECK_EQ(ln[k], k < 2 ? chunk : 1028);
		}
		struct nvme_fw_commit_result res;
		CHECK_OK(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, &res));
		CHECK_OK(res.slot_status);
		CHECK_STR(res.slots.rev[1], "CHUNK");
		CHECK_EQ(res.slots.active_slot, 1);
		CHECK_STR(res.reset, "not activated");
		fx_buf_free(&f, img);
		fx_finish(&f);
	}
	/* a granularity larger than one command cannot be met: refused, nothing sent */
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);
	f.cfg.max_transfer = 16384;
	fx_opt_start(&f, 0, 8, 0);   /* 32 KiB */
	fx_up(&f);
	CHECK_EQ(nvme_fw_chunk_bytes(f.c), 0);
	uint8_t *img = image(&f, 4096, "BIG");
	CHECK_RC(nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, 0), NVME_ERR_UNSUPPORTED);
	CHECK_EQ(nvme_model_ext_stats(f.m)->fw_download_cmds, 0);
	/* lengths: whole dwords, not empty */
	CHECK_RC(nvme_fw_download(f.c, img, 4094, 0, 0, NULL, NULL, 0), NVME_ERR_INVAL);
	CHECK_RC(nvme_fw_download(f.c, img, 0, 0, 0, NULL, NULL, 0), NVME_ERR_INVAL);
	fx_buf_free(&f, img);
}

struct prog {
	unsigned calls, stop_at;
	uint64_t last_done, total;
};

static int progress(void *arg, uint64_t done, uint64_t total)
{
	struct prog *p = arg;
	p->calls++;
	p->last_done = done;
	p->total = total;
	return p->stop_at != 0 && p->calls >= p->stop_at;
}

static void fw_progress_and_cancel(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);
	f.mcfg.mdts = 1;   /* 8 KiB pieces */
	fx_opt_start(&f, 0, 1, 0);
	fx_up(&f);
	size_t len = 5 * 8192;
	uint8_t *img = image(&f, len, "PROG");
	struct prog p = { 0, 0, 0, 0 };
	CHECK_OK(nvme_fw_download(f.c, img, len, 0, 0, progress, &p, 0));
	CHECK_EQ(p.calls, 5);
	CHECK_EQ(p.last_done, len);
	CHECK_EQ(p.total, len);
	p = (struct prog){ 0, 2, 0, 0 };
	CHECK_RC(nvme_fw_download(f.c, img, len, 0, 0, progress, &p, 0), NVME_ERR_CANCELLED);
	CHECK_EQ(p.calls, 2);
	uint32_t off[8], ln[8];
	CHECK_EQ(nvme_model_fw_pieces(f.m, off, ln, 8), 2);
	/* what was sent is incomplete: the device rejects it at commit */
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, NULL), NVME_ERR_FW_BAD_IMAGE);
	fx_buf_free(&f, img);
}

/* nvme-cli's --xfer and --offset: the caller's piece size and starting
 * offset, checked against FWUG and the max transfer before sending. */
static void fw_xfer_and_offset(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);
	f.mcfg.mdts = 5;                 /* 128 KiB max transfer */
	fx_opt_start(&f, 0, 1, 0);       /* FWUG 1: 4 KiB granularity */
	fx_up(&f);
	CHECK_EQ(nvme_fw_granularity(f.c), 4096);
	CHECK_EQ(nvme_fw_chunk_bytes(f.c), 128u << 10);
	size_t len = 40 * 1024 + 12;
	uint8_t *img = image(&f, len, "XFER");
	uint32_t off[16], ln[16];
	/* pieces of 8 KiB: five full ones and a short last one */
	struct prog p = { 0, 0, 0, 0 };
	CHECK_OK(nvme_fw_download(f.c, img, len, 0, 8192, progress, &p, 0));
	CHECK_EQ(p.calls, 6);
	CHECK_EQ(p.last_done, len);
	unsigned n = nvme_model_fw_pieces(f.m, off, ln, 16);
	CHECK_EQ(n, 6);
	for (unsigned k = 0; k < n && k < 6; k++) {
		CHECK_EQ(off[k], k * 8192u);
		CHECK_EQ(ln[k], k < 5 ? 8192u : 12u);
	}
	struct nvme_fw_commit_result res;
	CHECK_OK(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, &res));
	CHECK_STR(res.slots.rev[1], "XFER");
	/* the same image in two calls: 16 KiB at offset 0, the rest at 16 KiB in
	 * 12 KiB pieces (the device sees one contiguous image) */
	p = (struct prog){ 0, 0, 0, 0 };
	CHECK_OK(nvme_fw_download(f.c, img, 16384, 0, 0, NULL, NULL, 0));
	CHECK_OK(nvme_fw_download(f.c, img + 16384, len - 16384, 16384, 12288, progress, &p, 0));
	CHECK_EQ(p.calls, 3);
	CHECK_EQ(p.last_done, len - 16384);   /* progress counts this call's bytes */
	CHECK_EQ(p.total, len - 16384);
	n = nvme_model_fw_pieces(f.m, off, ln, 16);
	CHECK_EQ(n, 4);
	CHECK_EQ(off[0], 0);
	CHECK_EQ(ln[0], 16384);
	CHECK_EQ(off[1], 16384);
	CHECK_EQ(ln[1], 12288);
	CHECK_EQ(off[2], 16384 + 12288);
	CHECK_EQ(off[3], 16384 + 2 * 12288);
	CHECK_EQ(ln[3], len - 16384 - 2 * 12288);
	CHECK_OK(nvme_fw_commit(f.c, 3, NVME_FW_CA_REPLACE, 0, &res));
	CHECK_STR(res.slots.rev[2], "XFER");
	/* refused before anything is sent */
	uint64_t cmds = nvme_model_ext_stats(f.m)->fw_download_cmds;
	CHECK_RC(nvme_fw_download(f.c, img, len, 0, 6000, NULL, NULL, 0), NVME_ERR_INVAL);   /* dwords, not 4 KiB */
	CHECK_RC(nvme_fw_download(f.c, img, len, 0, 6, NULL, NULL, 0), NVME_ERR_INVAL);      /* not dwords */
	CHECK_RC(nvme_fw_download(f.c, img, len, 0, 2048, NULL, NULL, 0), NVME_ERR_INVAL);   /* below FWUG */
	CHECK_RC(nvme_fw_download(f.c, img, len, 0, 256u << 10, NULL, NULL, 0), NVME_ERR_TOO_LARGE);
	CHECK_RC(nvme_fw_download(f.c, img, len, 1024, 0, NULL, NULL, 0), NVME_ERR_INVAL);   /* off FWUG */
	CHECK_RC(nvme_fw_download(f.c, img, len, 4098, 0, NULL, NULL, 0), NVME_ERR_INVAL);   /* not dwords */
	CHECK_RC(nvme_fw_download(f.c, img, 4096, (uint64_t)1 << 34, 0, NULL, NULL, 0), NVME_ERR_TOO_LARGE);
	CHECK_RC(nvme_fw_download(f.c, img, 8192, ((uint64_t)1 << 34) - 4096, 0, NULL, NULL, 0), NVME_ERR_TOO_LARGE);
	CHECK_EQ(nvme_model_ext_stats(f.m)->fw_download_cmds, cmds);
	/* the last dword OFST can name is fine on the driver's side (the model
	 * refuses an image that large itself) */
	CHECK(nvme_status_is_device(nvme_fw_download(f.c, img, 4096, ((uint64_t)1 << 34) - 4096, 0, NULL, NULL, 0)));
	fx_buf_free(&f, img);
	fx_finish(&f);

	/* FWUG FFh: no restriction, dword pieces and offsets are fine */
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_opt_start(&f, 0, 0xFF, 0);
	fx_up(&f);
	CHECK_EQ(nvme_fw_granularity(f.c), 4);
	img = image(&f, 64, "DWORDS");
	CHECK_OK(nvme_fw_download(f.c, img, 64, 0, 4, NULL, NULL, 0));
	CHECK_EQ(nvme_model_fw_pieces(f.m, off, ln, 16), 16);
	CHECK_OK(nvme_fw_download(f.c, img, 20, 0, 0, NULL, NULL, 0));
	CHECK_OK(nvme_fw_download(f.c, img + 20, 44, 20, 8, NULL, NULL, 0));
	CHECK_EQ(nvme_model_fw_pieces(f.m, off, ln, 16), 7);
	CHECK_OK(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, &res));
	CHECK_STR(res.slots.rev[1], "DWORDS");
	fx_buf_free(&f, img);
	fx_finish(&f);

	/* FWUG 0 (no information): taken as 4 KiB, so 1 KiB pieces are refused */
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_opt_start(&f, 0, 0, 0);
	fx_up(&f);
	CHECK_EQ(nvme_fw_granularity(f.c), 4096);
	img = image(&f, 8192, "FWUG0");
	CHECK_RC(nvme_fw_download(f.c, img, 8192, 0, 1024, NULL, NULL, 0), NVME_ERR_INVAL);
	CHECK_OK(nvme_fw_download(f.c, img, 8192, 0, 4096, NULL, NULL, 0));
	CHECK_EQ(nvme_model_fw_pieces(f.m, off, ln, 16), 2);
	CHECK_EQ(nvme_fw_granularity(NULL), 0);
	fx_buf_free(&f, img);
}

static void fw_commit_actions(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_up(&f);   /* FRMW: 3 slots, slot 1 read only, activation without reset */
	struct nvme_fw_commit_result res;
	uint8_t *a = image(&f, 8192, "REV-A");
	uint8_t *b = image(&f, 4096, "REV-B");
	uint8_t *c = image(&f, 4100, "REV-C");

	/* invalid slots and images first */
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_ACTIVATE_RESET, 0, &res), NVME_ERR_FW_BAD_SLOT);   /* empty */
	CHECK_DEV(res.device_status, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FIRMWARE_SLOT);
	CHECK_OK(nvme_fw_download(f.c, a, 8192, 0, 0, NULL, NULL, 0));
	CHECK_RC(nvme_fw_commit(f.c, 4, NVME_FW_CA_REPLACE, 0, &res), NVME_ERR_FW_BAD_SLOT);        /* > 3 slots */
	CHECK_RC(nvme_fw_commit(f.c, 1, NVME_FW_CA_REPLACE, 0, &res), NVME_ERR_FW_BAD_SLOT);        /* read only */
	CHECK_HAS(st(NVME_ERR_FW_BAD_SLOT), "invalid firmware slot");
	CHECK_RC(nvme_fw_commit(f.c, 8, NVME_FW_CA_REPLACE, 0, &res), NVME_ERR_INVAL);
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_BOOT_PARTITION_REPLACE, 0, &res), NVME_ERR_INVAL);
	uint8_t *bad = image(&f, 4096, "BAD");
	bad[100] ^= 1;   /* checksum no longer 0 */
	CHECK_OK(nvme_fw_download(f.c, bad, 4096, 0, 0, NULL, NULL, 0));
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, &res), NVME_ERR_FW_BAD_IMAGE);
	CHECK_DEV(res.device_status, NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_FIRMWARE_IMAGE);
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, &res), NVME_ERR_FW_BAD_IMAGE);  /* nothing downloaded */
	CHECK_EQ(res.slot_status, 0);
	CHECK_EQ(res.slots.active_slot, 1);

	/* CA 0: stored, not activated */
	CHECK_OK(nvme_fw_download(f.c, a, 8192, 0, 0, NULL, NULL, 0));
	CHECK_OK(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, &res));
	CHECK_STR(res.slots.rev[1], "REV-A");
	CHECK_EQ(res.slots.active_slot, 1);
	CHECK_EQ(res.slots.next_slot, 0);
	CHECK_STR(nvme_ctrl_firmware(f.c), "1.0");
	/* CA 2: activate slot 2 at the next reset */
	CHECK_OK(nvme_fw_commit(f.c, 2, NVME_FW_CA_ACTIVATE_RESET, 0, &res));
	CHECK_STR(res.reset, "controller level reset");
	CHECK_EQ(res.slots.next_slot, 2);
	CHECK_EQ(res.slots.active_slot, 1);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_STR(nvme_ctrl_firmware(f.c), "REV-A");
	struct nvme_fw_slot_info fw;
	CHECK_OK(nvme_fw_slot_read(f.c, &fw));
	CHECK_EQ(fw.active_slot, 2);
	CHECK_EQ(fw.next_slot, 0);
	/* CA 1: replace slot 3 and activate at reset */
	CHECK_OK(nvme_fw_download(f.c, b, 4096, 0, 0, NULL, NULL, 0));
	CHECK_OK(nvme_fw_commit(f.c, 3, NVME_FW_CA_REPLACE_ACTIVATE_RESET, 0, &res));
	CHECK_EQ(res.slots.next_slot, 3);
	CHECK_STR(res.slots.rev[2], "REV-B");
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_STR(nvme_ctrl_firmware(f.c), "REV-B");
	CHECK_EQ(nvme_model_fw_active_slot(f.m), 3);
	/* CA 3: replace slot 2 and activate now (no reset); the revision is re-read */
	CHECK_OK(nvme_fw_download(f.c, c, 4100, 0, 0, NULL, NULL, 0));
	CHECK_OK(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE_ACTIVATE_NOW, 0, &res));
	CHECK_STR(res.reset, "none");
	CHECK_EQ(res.slots.active_slot, 2);
	CHECK_STR(res.slots.rev[1], "REV-C");
	CHECK_STR(nvme_ctrl_firmware(f.c), "REV-C");
	/* ... and the Firmware Activation Starting notice was raised */
	CHECK_EQ(nvme_ctrl_poll_admin(f.c), 1);
	struct nvme_event ev;
	REQUIRE(nvme_event_pop(f.c, &ev));
	CHECK_EQ(ev.type, NVME_AER_TYPE_NOTICE);
	CHECK_EQ(ev.info, NVME_AER_NOTICE_FW_ACTIVATION_STARTING);
	CHECK_EQ(ev.lid, NVME_LID_FW_SLOT);
	CHECK_OK(ev.log_status);
	/* slot 0: the controller chooses a writable slot that is not active */
	CHECK_OK(nvme_fw_download(f.c, a, 8192, 0, 0, NULL, NULL, 0));
	CHECK_OK(nvme_fw_commit(f.c, 0, NVME_FW_CA_REPLACE, 0, &res));
	CHECK_STR(res.slots.rev[2], "REV-A");
	fx_buf_free(&f, a);
	fx_buf_free(&f, b);
	fx_buf_free(&f, c);
	fx_buf_free(&f, bad);
}

/* Pieces the device refuses, through passthrough. */
static void fw_download_rules(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_opt_start(&f, 0, 2, 0);   /* 8 KiB granularity */
	fx_up(&f);
	uint8_t *img = image(&f, 32768, "RULES");
	struct nvme_sqe s = { .opc = NVME_ADMIN_FW_DOWNLOAD };
	s.cdw10 = 8192 / 4 - 1;
	s.cdw11 = 0;
	CHECK_OK(nvme_admin_passthru(f.c, &s, img, 8192, NULL));
	s.cdw11 = 4096 / 4;   /* not a multiple of 8 KiB */
	CHECK_DEV(nvme_admin_passthru(f.c, &s, img, 8192, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	s.cdw11 = 0;          /* restart at 0: fine */
	CHECK_OK(nvme_admin_passthru(f.c, &s, img, 8192, NULL));
	s.cdw11 = 8192 / 4;
	CHECK_OK(nvme_admin_passthru(f.c, &s, img + 8192, 8192, NULL));
	s.cdw11 = 8192 / 4;   /* again: overlaps what was received */
	CHECK_DEV(nvme_admin_passthru(f.c, &s, img, 8192, NULL), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_OVERLAPPING_RANGE);
	s.cdw11 = 32768 / 4;  /* a gap */
	CHECK_DEV(nvme_admin_passthru(f.c, &s, img, 8192, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	s.cdw10 = 4096 / 4 - 1;   /* a short piece must be the last */
	s.cdw11 = 16384 / 4;
	CHECK_OK(nvme_admin_passthru(f.c, &s, img + 16384, 4096, NULL));
	s.cdw11 = 24576 / 4;
	CHECK_DEV(nvme_admin_passthru(f.c, &s, img, 4096, NULL), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	fx_buf_free(&f, img);
}

static void fw_reset_required(void)
{
	static const struct { enum nvme_model_fw_reset kind; int want; const char *reset; } cases[] = {
		{ NVME_MODEL_FW_RESET_CONTROLLER, NVME_ERR_FW_NEEDS_RESET, "controller level reset" },
		{ NVME_MODEL_FW_RESET_NSSR, NVME_ERR_FW_NEEDS_NSSR, "NVM subsystem reset" },
		{ NVME_MODEL_FW_RESET_CONVENTIONAL, NVME_ERR_FW_NEEDS_CONV_RESET, "conventional reset" },
	};
	for (unsigned i = 0; i < 3; i++) {
		static struct fx f;
		fx_defaults(&f);
		fx_opt_config(&f);
		f.mcfg.nssrs = true;
		fx_opt_start(&f, 0, 0, 0);
		nvme_model_fw_set_reset_required(f.m, cases[i].kind);
		fx_up(&f);
		uint8_t *img = image(&f, 4096, "NEXT");
		CHECK_OK(nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, 0));
		struct nvme_fw_commit_result res;
		int rc = nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE_ACTIVATE_NOW, 0, &res);
		CHECK_RC(rc, cases[i].want);
		CHECK(nvme_fw_needs_reset(rc));
		CHECK(nvme_status_is_device(res.device_status));
		CHECK_STR(res.reset, cases[i].reset);
		CHECK_OK(res.slot_status);
		CHECK_EQ(res.slots.active_slot, 1);
		CHECK_EQ(res.slots.next_slot, 2);
		CHECK_HAS(st(rc), "firmware committed; activation requires");
		/* a controller reset activates only the first kind */
		CHECK_OK(nvme_ctrl_reset(f.c));
		CHECK_EQ(nvme_model_fw_active_slot(f.m), i == 0 ? 2u : 1u);
		if (i == 1) {   /* NVM subsystem reset */
			nvme_model_write32(f.m, NVME_REG_NSSR, NVME_NSSR_RESET_VALUE);
			CHECK_OK(nvme_ctrl_reset(f.c));
			CHECK_EQ(nvme_model_fw_active_slot(f.m), 2);
		}
		if (i == 2) {   /* only a power cycle */
			nvme_model_write32(f.m, NVME_REG_NSSR, NVME_NSSR_RESET_VALUE);
			CHECK_OK(nvme_ctrl_reset(f.c));
			CHECK_EQ(nvme_model_fw_active_slot(f.m), 1);
			nvme_model_power_cycle(f.m, false);
			CHECK_OK(nvme_ctrl_reset(f.c));
			CHECK_EQ(nvme_model_fw_active_slot(f.m), 2);
		}
		CHECK_STR(nvme_ctrl_firmware(f.c), "NEXT");
		fx_buf_free(&f, img);
		fx_finish(&f);
	}
	/* commit actions 1/2 when activation needs more than a controller reset */
	static struct fx f;
	fx_defaults(&f);
	fx_opt_config(&f);
	fx_opt_start(&f, 0, 0, 0);
	nvme_model_fw_set_reset_required(f.m, NVME_MODEL_FW_RESET_CONVENTIONAL);
	fx_up(&f);
	uint8_t *img = image(&f, 4096, "LATER");
	CHECK_OK(nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, 0));
	CHECK_RC(nvme_fw_commit(f.c, 3, NVME_FW_CA_REPLACE_ACTIVATE_RESET, 0, NULL), NVME_ERR_FW_NEEDS_CONV_RESET);
	fx_buf_free(&f, img);
}

/* QEMU 7.2: OACS 010Ah, one read-only slot: refused before sending. */
static void fw_not_advertised(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oacs = QEMU_OACS & ~0x0100u;   /* the model has no Doorbell Buffer Config */
	f.mcfg.frmw = QEMU_FRMW;
	fx_up(&f);
	uint8_t *img = image(&f, 4096, "X");
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_RC(nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Firmware Image Download: not supported by this controller: OACS bit 2 "
					  "(Firmware Download/Commit) is clear (OACS=000Ah)");
	struct nvme_fw_commit_result res;
	CHECK_RC(nvme_fw_commit(f.c, 1, NVME_FW_CA_REPLACE, 0, &res), NVME_ERR_NOT_ADVERTISED);
	CHECK_EQ(res.status, NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Firmware Commit: not supported by this controller: OACS bit 2");
	/* only the effects log was read (once) */
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin + 1);
	/* forced: Invalid Command Opcode, as QEMU answers (status 4001h) */
	int rc = nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, NVME_CMD_FORCE);
	CHECK_DEV(rc, NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE);
	CHECK_EQX(nvme_status_field(rc), 0x4001);
	CHECK_DEV(nvme_fw_commit(f.c, 1, NVME_FW_CA_REPLACE, NVME_CMD_FORCE, &res), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_OPCODE);
	CHECK_EQX(nvme_status_field(res.device_status), 0x4001);
	/* the slot log still works */
	struct nvme_fw_slot_info fw;
	CHECK_OK(nvme_fw_slot_read(f.c, &fw));
	CHECK_EQ(fw.nslots, 1);
	CHECK(fw.slot1_read_only);
	fx_buf_free(&f, img);
	fx_finish(&f);

	/* firmware commands but no activation without reset (FRMW bit 4) */
	fx_defaults(&f);
	f.mcfg.oacs = OPT_OACS_ALL;
	f.mcfg.frmw = 0x07;
	fx_up(&f);
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE_ACTIVATE_NOW, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "FRMW bit 4 (activation without reset) is clear (FRMW=07h)");
	CHECK_DEV(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE_ACTIVATE_NOW, NVME_CMD_FORCE, NULL), NVME_SCT_GENERIC,
		  NVME_SC_INVALID_FIELD);
}

static const struct check_test tests[] = {
	CHECK_TEST(fw_chunks),
	CHECK_TEST(fw_progress_and_cancel),
	CHECK_TEST(fw_xfer_and_offset),
	CHECK_TEST(fw_commit_actions),
	CHECK_TEST(fw_download_rules),
	CHECK_TEST(fw_reset_required),
	CHECK_TEST(fw_not_advertised),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
