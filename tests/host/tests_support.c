/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_support.c - optional-command support detection against a model that
 * reports exactly what QEMU 7.2 reports (OACS 010Ah, ONCS 015Dh, FRMW 03h,
 * LPA 07h, SANICAP 0, FNA 0, VWC 07h; Verify implemented but not in ONCS,
 * listed in the Commands Supported and Effects log). The expected answer and
 * reason text of every nvme_ctrl_supports() question below follow from the
 * Identify data and effects log QEMU 7.2 reports (drivers/nvme/README.md,
 * "Checked against QEMU 7.2"; its log lists no admin opcode 10h, 11h, 14h,
 * 19h, 1Ah, 81h or 82h and no reservation opcode 0Dh, 0Eh, 11h or 15h), so
 * a change in wording or logic shows here; the firmware and reservation
 * refusals are also checked on the real device (tests/qemu/test_nvme_admin.py).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

static const struct {
	enum nvme_opt opt;
	const char *name;
	int rc;
	const char *why;
} qemu72[] = {
	{ NVME_OPT_COMPARE, "Compare", 0,
	  "ONCS bit 0 (Compare) is set" },
	{ NVME_OPT_WRITE_UNCORRECTABLE, "Write Uncorrectable", NVME_ERR_NOT_ADVERTISED,
	  "ONCS bit 1 (Write Uncorrectable) is clear (ONCS=015Dh) and the Commands Supported and Effects log does not list I/O opcode 04h (Write Uncorrectable)" },
	{ NVME_OPT_DSM, "Dataset Management", 0,
	  "ONCS bit 2 (Dataset Management) is set" },
	{ NVME_OPT_WRITE_ZEROES, "Write Zeroes", 0,
	  "ONCS bit 3 (Write Zeroes) is set" },
	{ NVME_OPT_SAVE_SELECT, "Features Save/Select", 0,
	  "ONCS bit 4 (Save and Select in Set/Get Features) is set" },
	{ NVME_OPT_RESERVATIONS, "Reservations", NVME_ERR_NOT_ADVERTISED,
	  "ONCS bit 5 (Reservations) is clear (ONCS=015Dh) and the Commands Supported and Effects log does not list I/O opcodes 0Dh (Reservation Register), 0Eh (Reservation Report), 11h (Reservation Acquire) and 15h (Reservation Release)" },
	{ NVME_OPT_TIMESTAMP, "Timestamp", 0,
	  "ONCS bit 6 (Timestamp feature) is set" },
	{ NVME_OPT_VERIFY, "Verify", 0,
	  "ONCS bit 7 (Verify) is clear (ONCS=015Dh); but the Commands Supported and Effects log lists I/O opcode 0Ch (Verify)" },
	{ NVME_OPT_COPY, "Copy", 0,
	  "ONCS bit 8 (Copy) is set" },
	{ NVME_OPT_SECURITY, "Security Send/Receive", NVME_ERR_NOT_ADVERTISED,
	  "OACS bit 0 (Security Send/Receive) is clear (OACS=010Ah) and the Commands Supported and Effects log does not list admin opcodes 81h (Security Send) and 82h (Security Receive)" },
	{ NVME_OPT_FORMAT, "Format NVM", 0,
	  "OACS bit 1 (Format NVM) is set" },
	{ NVME_OPT_FIRMWARE, "Firmware Download/Commit", NVME_ERR_NOT_ADVERTISED,
	  "OACS bit 2 (Firmware Download/Commit) is clear (OACS=010Ah) and the Commands Supported and Effects log does not list admin opcodes 10h (Firmware Commit) and 11h (Firmware Image Download)" },
	{ NVME_OPT_NS_MGMT, "Namespace Management", 0,
	  "OACS bit 3 (Namespace Management/Attachment) is set" },
	{ NVME_OPT_SELF_TEST, "Device Self-test", NVME_ERR_NOT_ADVERTISED,
	  "OACS bit 4 (Device Self-test) is clear (OACS=010Ah) and the Commands Supported and Effects log does not list admin opcode 14h (Device Self-test)" },
	{ NVME_OPT_DIRECTIVES, "Directives", NVME_ERR_NOT_ADVERTISED,
	  "OACS bit 5 (Directives) is clear (OACS=010Ah) and the Commands Supported and Effects log does not list admin opcodes 19h (Directive Send) and 1Ah (Directive Receive)" },
	{ NVME_OPT_DBBUF, "Doorbell Buffer Config", 0,
	  "OACS bit 8 (Doorbell Buffer Config) is set" },
	{ NVME_OPT_FW_ACTIVATE_NOW, "Firmware activation without reset", NVME_ERR_NOT_ADVERTISED,
	  "FRMW bit 4 (activation without reset) is clear (FRMW=03h)" },
	{ NVME_OPT_SANITIZE_CRYPTO, "Sanitize (crypto erase)", NVME_ERR_NOT_ADVERTISED,
	  "SANICAP: crypto erase not supported (SANICAP=00000000h)" },
	{ NVME_OPT_SANITIZE_BLOCK, "Sanitize (block erase)", NVME_ERR_NOT_ADVERTISED,
	  "SANICAP: block erase not supported (SANICAP=00000000h)" },
	{ NVME_OPT_SANITIZE_OVERWRITE, "Sanitize (overwrite)", NVME_ERR_NOT_ADVERTISED,
	  "SANICAP: overwrite not supported (SANICAP=00000000h)" },
	{ NVME_OPT_FORMAT_CRYPTO, "Format NVM cryptographic erase", NVME_ERR_NOT_ADVERTISED,
	  "FNA bit 2 (cryptographic erase) is clear (FNA=00h)" },
	{ NVME_OPT_VWC, "Volatile write cache", 0,
	  "VWC bit 0 (volatile write cache present) is set" },
	{ NVME_OPT_SMART_PER_NS, "Per-namespace SMART log", 0,
	  "LPA bit 0 (SMART log per namespace) is set" },
	{ NVME_OPT_EFFECTS_LOG, "Commands Supported and Effects log", 0,
	  "LPA bit 1 (Commands Supported and Effects log) is set" },
	{ NVME_OPT_LOG_EXTENDED, "Extended Get Log Page", 0,
	  "LPA bit 2 (extended data for Get Log Page) is set" },
};

static void qemu_like(struct fx *f)
{
	fx_defaults(f);
	f->mcfg.oacs = QEMU_OACS;
	f->mcfg.oncs = QEMU_ONCS;
	f->mcfg.frmw = QEMU_FRMW;
	f->mcfg.lpa = 0x07;
	f->mcfg.vwc = 0x07;
	fx_start(f);
	nvme_model_set_hidden_cmd(f->m, true, NVME_CMD_VERIFY, true);
	nvme_model_set_oaes(f->m, 0x100);
	fx_up(f);
}

static void support_table_like_qemu(void)
{
	static struct fx f;
	qemu_like(&f);
	CHECK_EQ(sizeof(qemu72) / sizeof(qemu72[0]), NVME_OPT_COUNT);
	for (unsigned i = 0; i < sizeof(qemu72) / sizeof(qemu72[0]); i++) {
		char why[320];
		int rc = nvme_ctrl_supports(f.c, qemu72[i].opt, why, sizeof(why));
		CHECK_MSG(rc == qemu72[i].rc, "%s: %s, QEMU 7.2 gave %s", qemu72[i].name, st(rc), st(qemu72[i].rc));
		CHECK_MSG(strcmp(why, qemu72[i].why) == 0, "%s:\n  got  \"%s\"\n  want \"%s\"", qemu72[i].name, why,
			  qemu72[i].why);
		CHECK_MSG(strcmp(nvme_opt_name(qemu72[i].opt), qemu72[i].name) == 0, "name %s", nvme_opt_name(qemu72[i].opt));
	}
	/* the effects log was read once for all those questions */
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	char why[256];
	CHECK_RC(nvme_ctrl_supports(f.c, NVME_OPT_FIRMWARE, why, sizeof(why)), NVME_ERR_NOT_ADVERTISED);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);
	/* ... and again after a reset (the firmware may have changed) */
	CHECK_OK(nvme_ctrl_reset(f.c));
	admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_OK(nvme_ctrl_supports(f.c, NVME_OPT_VERIFY, why, sizeof(why)));
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin + 1);
	/* what the driver did with QEMU's OAES (namespace notices only) */
	CHECK_EQX(nvme_model_feature(f.m, NVME_FEAT_ASYNC_EVENT_CONFIG), 0x11Fu);
	/* odd questions */
	CHECK_RC(nvme_ctrl_supports(f.c, NVME_OPT_COUNT, why, sizeof(why)), NVME_ERR_INVAL);
	CHECK_RC(nvme_ctrl_supports(NULL, NVME_OPT_DSM, why, sizeof(why)), NVME_ERR_INVAL);
	CHECK_OK(nvme_ctrl_supports(f.c, NVME_OPT_DSM, NULL, 0));
	CHECK_STR(nvme_opt_name(NVME_OPT_COUNT), "?");
	/* a short buffer is cut, still terminated */
	char small[12];
	CHECK_OK(nvme_ctrl_supports(f.c, NVME_OPT_DSM, small, sizeof(small)));
	CHECK_STR(small, "ONCS bit 2 ");
}

/* Level name of the first captured log line containing text ("" if none). */
static const char *log_level_of(const struct host_env *e, const char *text)
{
	static char level[8];
	const char *log = host_env_log_text(e), *hit = strstr(log, text);
	level[0] = 0;
	if (hit == NULL)
		return level;
	while (hit > log && hit[-1] != '\n')
		hit--;
	size_t n = 0;
	while (n + 1 < sizeof(level) && hit[n] != ' ' && hit[n] != 0) {
		level[n] = hit[n];
		n++;
	}
	level[n] = 0;
	return level;
}

/* The refusals QEMU 7.2 gets, as one line each (what the shell prints). */
static void support_refusals_like_qemu(void)
{
	static struct fx f;
	qemu_like(&f);
	CHECK_EQ(nvme_ctrl_refusal(f.c)[0], 0);
	uint8_t *img = fx_buf(&f, 4096, 0, 0);
	CHECK_RC(nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_STR(nvme_ctrl_refusal(f.c), "Firmware Image Download: not supported by this controller: OACS bit 2 (Firmware Download/Commit) is "
		  "clear (OACS=010Ah) and the Commands Supported and Effects log does not list admin opcode 11h (Firmware "
		  "Image Download)");
	/* each command names its own opcode */
	CHECK_RC(nvme_fw_commit(f.c, 1, NVME_FW_CA_ACTIVATE_RESET, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Firmware Commit: not supported by this controller: OACS bit 2");
	CHECK_HAS(nvme_ctrl_refusal(f.c), "does not list admin opcode 10h (Firmware Commit)");
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	static const struct { uint8_t opc; const char *name; } resv[] = {
		{ NVME_CMD_RESV_REGISTER, "0Dh (Reservation Register)" }, { NVME_CMD_RESV_ACQUIRE, "11h (Reservation Acquire)" },
		{ NVME_CMD_RESV_RELEASE, "15h (Reservation Release)" }, { NVME_CMD_RESV_REPORT, "0Eh (Reservation Report)" },
	};
	CHECK_RC(nvme_resv_register(ns, NULL, NVME_RREGA_REGISTER, 0, 1, 0, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), resv[0].name);
	CHECK_RC(nvme_resv_acquire(ns, NULL, NVME_RACQA_ACQUIRE, NVME_RTYPE_WRITE_EXCLUSIVE, 1, 0, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), resv[1].name);
	CHECK_RC(nvme_resv_release(ns, NULL, NVME_RRELA_RELEASE, NVME_RTYPE_WRITE_EXCLUSIVE, 1, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), resv[2].name);
	uint8_t rep[64];
	struct nvme_resv_info info;
	CHECK_RC(nvme_resv_report(ns, NULL, rep, sizeof(rep), false, 0, &info), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), resv[3].name);
	for (unsigned i = 0; i < 4; i++) {
		char why[200];
		CHECK_RC(nvme_ctrl_supports_cmd(f.c, NVME_OPT_RESERVATIONS, resv[i].opc, why, sizeof(why)),
			 NVME_ERR_NOT_ADVERTISED);
		CHECK_HAS(why, resv[i].name);
		CHECK_HAS(why, "does not list I/O opcode ");
	}
	struct nvme_sanitize_opts o = { .action = NVME_SANACT_BLOCK_ERASE };
	CHECK_RC(nvme_sanitize(f.c, &o, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_STR(nvme_ctrl_refusal(f.c), "Sanitize: not supported by this controller: SANICAP: block erase not supported (SANICAP=00000000h)");
	/* QEMU answers the Sanitize Status log with Invalid Field; the model
	 * (without sanitize) with Invalid Log Page: either way a device status */
	struct nvme_sanitize_status s;
	CHECK(nvme_status_is_device(nvme_sanitize_status_read(f.c, &s)));
	/* logged at debug only: the caller prints the refusal (no line twice) */
	CHECK_STR(log_level_of(f.env, "Sanitize: not supported by this controller: SANICAP: block erase"), "DEBUG");
	CHECK_STR(log_level_of(f.env, "Firmware Image Download: not supported"), "DEBUG");
	fx_buf_free(&f, img);
}

/* One Identify bit, several commands: each command is checked (and named)
 * by its own opcode; the whole option needs all of them. */
static void support_per_opcode(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oacs = QEMU_OACS;
	f.mcfg.frmw = OPT_FRMW_3RO;
	fx_start(&f);
	/* only Firmware Image Download works without OACS bit 2 */
	nvme_model_set_hidden_cmd(f.m, false, NVME_ADMIN_FW_DOWNLOAD, true);
	fx_up(&f);
	char why[320];
	CHECK_OK(nvme_ctrl_supports_cmd(f.c, NVME_OPT_FIRMWARE, NVME_ADMIN_FW_DOWNLOAD, why, sizeof(why)));
	CHECK_STR(why, "OACS bit 2 (Firmware Download/Commit) is clear (OACS=010Ah); but the Commands Supported and "
		       "Effects log lists admin opcode 11h (Firmware Image Download)");
	CHECK_RC(nvme_ctrl_supports_cmd(f.c, NVME_OPT_FIRMWARE, NVME_ADMIN_FW_COMMIT, why, sizeof(why)),
		 NVME_ERR_NOT_ADVERTISED);
	CHECK_STR(why, "OACS bit 2 (Firmware Download/Commit) is clear (OACS=010Ah) and the Commands Supported and "
		       "Effects log does not list admin opcode 10h (Firmware Commit)");
	/* the option as a whole: one of two is not enough */
	CHECK_RC(nvme_ctrl_supports(f.c, NVME_OPT_FIRMWARE, why, sizeof(why)), NVME_ERR_NOT_ADVERTISED);
	CHECK_STR(why, "OACS bit 2 (Firmware Download/Commit) is clear (OACS=010Ah) and the Commands Supported and "
		       "Effects log lists admin opcode 11h (Firmware Image Download) but not 10h (Firmware Commit)");
	/* the driver's calls follow: the download goes out, the commit is refused */
	uint8_t *img = fx_buf(&f, 4096, 0, 0);
	REQUIRE(nvme_model_fw_image_build(img, 4096, "HIDDEN") == 4096);
	CHECK_OK(nvme_fw_download(f.c, img, 4096, 0, 0, NULL, NULL, 0));
	CHECK_EQ(nvme_model_ext_stats(f.m)->fw_download_cmds, 1);
	CHECK_RC(nvme_fw_commit(f.c, 2, NVME_FW_CA_REPLACE, 0, NULL), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "Firmware Commit: not supported by this controller");
	CHECK_HAS(nvme_ctrl_refusal(f.c), "does not list admin opcode 10h (Firmware Commit)");
	CHECK_EQ(nvme_model_ext_stats(f.m)->fw_commit_cmds, 0);
	/* an opcode the option does not cover, or a bad option */
	CHECK_RC(nvme_ctrl_supports_cmd(f.c, NVME_OPT_FIRMWARE, NVME_ADMIN_FORMAT_NVM, why, sizeof(why)), NVME_ERR_INVAL);
	CHECK_RC(nvme_ctrl_supports_cmd(f.c, NVME_OPT_COUNT, 0, why, sizeof(why)), NVME_ERR_INVAL);
	CHECK_RC(nvme_ctrl_supports_cmd(NULL, NVME_OPT_FIRMWARE, NVME_ADMIN_FW_COMMIT, why, sizeof(why)), NVME_ERR_INVAL);
	/* options without a command of their own have nothing to look up */
	CHECK_RC(nvme_ctrl_supports_cmd(f.c, NVME_OPT_FW_ACTIVATE_NOW, NVME_ADMIN_FW_COMMIT, why, sizeof(why)),
		 NVME_ERR_INVAL);
	/* with the bit set, every opcode is supported without the log */
	CHECK_OK(nvme_ctrl_supports_cmd(f.c, NVME_OPT_FORMAT, NVME_ADMIN_FORMAT_NVM, why, sizeof(why)));
	CHECK_STR(why, "OACS bit 1 (Format NVM) is set");
	fx_buf_free(&f, img);
}

static const struct check_test tests[] = {
	CHECK_TEST(support_table_like_qemu),
	CHECK_TEST(support_refusals_like_qemu),
	CHECK_TEST(support_per_opcode),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
