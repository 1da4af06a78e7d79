/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tests_logs.c - log pages: SMART / Health decoded field by field (critical
 * warnings, kelvin and Celsius, spare, percentage used, 128-bit counters and
 * their decimal text) and counters that move with I/O, power cycles, media
 * errors; the Error Information log (up to ELPE+1 entries, newest first);
 * Firmware Slot, Commands Supported and Effects and Sanitize Status logs
 * with validation of their contents; the generic Get Log Page split by the
 * max transfer with RAE on all but the last piece.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "test_opt.h"

static uint64_t lo(struct nvme_u128 v) { return v.lo; }

static void logs_u128_text(void)
{
	char b[48];
	struct nvme_u128 v = { 0, 0 };
	CHECK_EQ(nvme_u128_to_dec(v, b, sizeof(b)), 1);
	CHECK_STR(b, "0");
	v.lo = 5;
	v.hi = 1;   /* 2^64 + 5 */
	nvme_u128_to_dec(v, b, sizeof(b));
	CHECK_STR(b, "18446744073709551621");
	v.lo = v.hi = UINT64_MAX;
	CHECK_EQ(nvme_u128_to_dec(v, b, sizeof(b)), 39);
	CHECK_STR(b, "340282366920938463463374607431768211455");
	/* truncation keeps the NUL and reports the full length */
	CHECK_EQ(nvme_u128_to_dec(v, b, 5), 39);
	CHECK_STR(b, "3402");
	v.lo = 1234567890123ull;
	v.hi = 0;
	nvme_u128_to_dec(v, b, sizeof(b));
	CHECK_STR(b, "1234567890123");

	/* decode of a raw log: every field, little endian, unaligned temperature */
	struct nvme_smart_log raw;
	memset(&raw, 0, sizeof(raw));
	raw.critical_warning = 0x3F;
	raw.temperature[0] = 0x5E;
	raw.temperature[1] = 0x01;   /* 350 K */
	raw.avail_spare = 7;
	raw.spare_thresh = 9;
	raw.percent_used = 255;
	raw.endgrp_crit_warning = 1;
	raw.data_units_read[0] = 1;
	raw.data_units_read[8] = 2;   /* hi half */
	raw.power_on_hours[15] = 0x80;
	raw.media_errors[1] = 1;      /* 256 */
	raw.warning_temp_time = 11;
	raw.critical_temp_time = 12;
	raw.temp_sensor[3] = 300;
	raw.thm_temp2_total_time = 99;
	struct nvme_smart_info s;
	nvme_smart_decode(&raw, &s);
	CHECK(s.warn_spare && s.warn_temperature && s.warn_reliability && s.warn_read_only &&
	      s.warn_volatile_backup && s.warn_pmr_read_only);
	CHECK_EQ(s.temperature_k, 350);
	CHECK_EQ(s.temperature_c, 77);
	CHECK_EQ(s.avail_spare, 7);
	CHECK_EQ(s.spare_thresh, 9);
	CHECK_EQ(s.percent_used, 255);
	CHECK_EQ(s.endgrp_crit_warning, 1);
	CHECK_EQ(s.data_units_read.lo, 1);
	CHECK_EQ(s.data_units_read.hi, 2);
	CHECK_EQX(s.power_on_hours.hi, 0x8000000000000000ull);
	CHECK_EQ(s.media_errors.lo, 256);
	CHECK_EQ(s.warning_temp_time, 11);
	CHECK_EQ(s.critical_temp_time, 12);
	CHECK_EQ(s.temp_sensor_k[3], 300);
	CHECK_EQ(s.thm_temp2_total_time, 99);
	char w[128];
	nvme_smart_warning_text(0x06, w, sizeof(w));
	CHECK_STR(w, "temperature, reliability degraded");
	nvme_smart_warning_text(0, w, sizeof(w));
	CHECK_STR(w, "none");
}

static void logs_smart_from_device(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.oncs = OPT_ONCS_ALL;
	fx_start(&f);
	nvme_model_set_temperature(f.m, 350);
	nvme_model_set_wear(f.m, 120, 5, 10);
	nvme_model_set_critical_warning(f.m, 0x04);
	nvme_model_set_power_on_hours(f.m, 1234);
	fx_up(&f);
	struct nvme_ns *ns = nvme_ns_get(f.c, 1);
	uint8_t *b = fx_buf(&f, 1001 * 512, 0, 0);
	struct nvme_smart_info s;
	struct nvme_smart_log raw;
	CHECK_OK(nvme_smart_read(f.c, 0, &s, &raw, 0));
	CHECK_EQ(s.critical_warning, 0x05);   /* reliability (set) + spare below threshold */
	CHECK(s.warn_spare && s.warn_reliability && !s.warn_temperature);
	CHECK_EQ(s.temperature_k, 350);
	CHECK_EQ(s.temperature_c, 77);
	CHECK_EQ(s.percent_used, 120);
	CHECK_EQ(s.avail_spare, 5);
	CHECK_EQ(s.spare_thresh, 10);
	CHECK_EQ(lo(s.power_on_hours), 1234);
	CHECK_EQ(lo(s.power_cycles), 1);
	CHECK_EQ(lo(s.unsafe_shutdowns), 0);
	CHECK_EQ(lo(s.host_writes), 0);
	CHECK_EQ(lo(s.data_units_written), 0);
	CHECK_EQ(raw.temperature[0] | (raw.temperature[1] << 8), 350);
	/* counters move with I/O: 1000 units of 512 bytes are 1 (thousand),
	 * one more makes 2 (rounded up) */
	CHECK_OK(nvme_write(ns, NULL, 0, 1000, b));
	CHECK_OK(nvme_smart_read(f.c, NVME_NSID_ALL, &s, NULL, 0));
	CHECK_EQ(lo(s.data_units_written), 1);
	CHECK_EQ(lo(s.host_writes), 4);   /* 1000 blocks in commands of 256 */
	CHECK_OK(nvme_write(ns, NULL, 1000, 1, b));
	CHECK_OK(nvme_read(ns, NULL, 0, 1, b));
	CHECK_OK(nvme_compare(ns, NULL, 0, 1, b, 0, NULL));   /* the model counts it as a read */
	CHECK_OK(nvme_smart_read(f.c, 0, &s, NULL, 0));
	CHECK_EQ(lo(s.data_units_written), 2);
	CHECK_EQ(lo(s.host_writes), 5);
	CHECK_EQ(lo(s.host_reads), 2);
	CHECK_EQ(lo(s.data_units_read), 1);
	/* media errors, error log entries */
	nvme_model_add_bad_block(f.m, 1, 77);
	CHECK_DEV(nvme_read(ns, NULL, 70, 10, b), NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
	CHECK_OK(nvme_smart_read(f.c, 0, &s, NULL, 0));
	CHECK_EQ(lo(s.media_errors), 1);
	CHECK_EQ(lo(s.num_err_log_entries), 1);
	/* an unsafe power cycle */
	nvme_model_power_cycle(f.m, false);
	CHECK_OK(nvme_ctrl_reset(f.c));
	CHECK_OK(nvme_smart_read(f.c, 0, &s, NULL, 0));
	CHECK_EQ(lo(s.power_cycles), 2);
	CHECK_EQ(lo(s.unsafe_shutdowns), 1);
	/* a clean one: shutdown first */
	CHECK_OK(nvme_ctrl_shutdown(f.c, false));
	nvme_model_power_cycle(f.m, false);
	CHECK_OK(nvme_ctrl_resume(f.c));
	CHECK_OK(nvme_smart_read(f.c, 0, &s, NULL, 0));
	CHECK_EQ(lo(s.power_cycles), 3);
	CHECK_EQ(lo(s.unsafe_shutdowns), 1);
	/* per-namespace SMART needs LPA bit 0 */
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_RC(nvme_smart_read(f.c, 1, &s, NULL, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "LPA bit 0 (SMART log per namespace) is clear");
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);   /* not sent */
	/* forced: sent, and the device's answer comes back (the model, like
	 * the spec says, refuses a per-namespace log without LPA bit 0) */
	CHECK_DEV(nvme_smart_read(f.c, 1, &s, NULL, NVME_CMD_FORCE), NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin + 1);
	fx_buf_free(&f, b);
	fx_finish(&f);

	/* with LPA bit 0 the per-namespace log is read without force */
	fx_defaults(&f);
	f.mcfg.lpa = 0x01;
	fx_up(&f);
	CHECK_OK(nvme_smart_read(f.c, 1, &s, NULL, 0));
	CHECK_OK(nvme_smart_read(f.c, 1, &s, NULL, NVME_CMD_FORCE));
}

static void logs_error_log(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.elpe = 3;   /* 4 entries */
	f.mcfg.oncs = OPT_ONCS_ALL;
	fx_up(&f);
	struct nvme_qpair *q = nvme_ctrl_io_qpair(f.c, 0);
	struct nvme_error_log_entry e[16];
	uint32_t n = 99;
	CHECK_OK(nvme_error_log_read(f.c, e, 16, &n));
	CHECK_EQ(n, 4);
	CHECK_EQ(e[0].error_count, 0);
	char line[160];
	nvme_error_entry_describe(&e[0], line, sizeof(line));
	CHECK_STR(line, "unused");
	/* five failures; the log keeps the newest four, newest first */
	for (unsigned i = 0; i < 5; i++) {
		struct nvme_sqe sqe = { .opc = (uint8_t)(0x7C + (i & 1) * 0x80), .nsid = 1 };
		if (i == 4)
			sqe = (struct nvme_sqe){ .opc = NVME_CMD_WRITE_ZEROES, .nsid = 1, .cdw10 = 0xFFFFFFF0u };
		CHECK(nvme_io_passthru(q, &sqe, NULL, 0, NULL) != 0);
	}
	CHECK_OK(nvme_error_log_read(f.c, e, 16, &n));
	CHECK_EQ(n, 4);
	CHECK_EQ(e[0].error_count, 5);
	CHECK_EQ(e[1].error_count, 4);
	CHECK_EQ(e[3].error_count, 2);
	CHECK_EQ(e[0].sqid, 1);
	nvme_error_entry_describe(&e[0], line, sizeof(line));
	CHECK_HAS(line, "error 5: SQ 1 CID");
	CHECK_HAS(line, "NSID 1");
	CHECK_HAS(line, "LBA Out of Range (SCT 0h SC 80h, DNR)");
	nvme_error_entry_describe(&e[1], line, sizeof(line));
	CHECK_HAS(line, "Invalid Command Opcode");
	/* fewer than ELPE+1 asked: just those */
	memset(e, 0xAA, sizeof(e));
	CHECK_OK(nvme_error_log_read(f.c, e, 2, &n));
	CHECK_EQ(n, 2);
	CHECK_EQ(e[1].error_count, 4);
	CHECK_EQX(e[2].error_count, 0xAAAAAAAAAAAAAAAAull);   /* untouched */
	CHECK_RC(nvme_error_log_read(f.c, e, 0, &n), NVME_ERR_INVAL);
}

static void logs_fw_slot_and_effects(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_fw_slot_info fw;
	CHECK_OK(nvme_fw_slot_read(f.c, &fw));
	CHECK_EQ(fw.nslots, 1);
	CHECK(fw.slot1_read_only);
	CHECK_EQ(fw.active_slot, 1);
	CHECK_EQ(fw.next_slot, 0);
	CHECK_STR(fw.rev[0], "1.0");
	CHECK_EQ(fw.rev[1][0], 0);
	/* an AFI naming a slot the controller does not have is refused */
	uint8_t afi = 0x05;
	nvme_model_patch_log(f.m, NVME_LID_FW_SLOT, 0, &afi, 1);
	CHECK_RC(nvme_fw_slot_read(f.c, &fw), NVME_ERR_BAD_LOG_DATA);
	afi = 0x21;   /* next slot 2 > 1 slot */
	nvme_model_patch_log(f.m, NVME_LID_FW_SLOT, 0, &afi, 1);
	CHECK_RC(nvme_fw_slot_read(f.c, &fw), NVME_ERR_BAD_LOG_DATA);
	nvme_model_patch_log(f.m, NVME_LID_FW_SLOT, 0, NULL, 0);
	CHECK_OK(nvme_fw_slot_read(f.c, &fw));

	struct nvme_cmd_effects_log *e = malloc(sizeof(*e));
	CHECK_OK(nvme_effects_log_read(f.c, e, 0));
	char t[96];
	nvme_effects_describe(e->iocs[NVME_CMD_WRITE], t, sizeof(t));
	CHECK_STR(t, "supported, LBCC");
	nvme_effects_describe(e->iocs[NVME_CMD_READ], t, sizeof(t));
	CHECK_STR(t, "supported");
	nvme_effects_describe(e->acs[NVME_ADMIN_FW_COMMIT], t, sizeof(t));
	CHECK_STR(t, "not supported");   /* OACS bit 2 clear in the default model */
	CHECK(NVME_GET(e->acs[NVME_ADMIN_IDENTIFY], NVME_CMD_EFFECTS_CSUPP));
	free(e);
	fx_finish(&f);

	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_effects_log(f.m, false);
	fx_up(&f);
	e = malloc(sizeof(*e));
	CHECK_RC(nvme_effects_log_read(f.c, e, 0), NVME_ERR_NOT_ADVERTISED);
	CHECK_HAS(nvme_ctrl_refusal(f.c), "LPA bit 1 (Commands Supported and Effects log) is clear");
	/* forced: the device's answer (this one has no such log) */
	CHECK_DEV(nvme_effects_log_read(f.c, e, NVME_CMD_FORCE), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_LOG_PAGE);
	fx_finish(&f);

	/* a device that has the log but does not say so in LPA: forced, it is read */
	fx_defaults(&f);
	fx_start(&f);
	uint8_t lpa = 0;
	nvme_model_patch_id_ctrl(f.m, offsetof(struct nvme_id_ctrl, lpa), &lpa, 1);
	fx_up(&f);
	CHECK_RC(nvme_effects_log_read(f.c, e, 0), NVME_ERR_NOT_ADVERTISED);
	memset(e, 0, sizeof(*e));
	CHECK_OK(nvme_effects_log_read(f.c, e, NVME_CMD_FORCE));
	CHECK(NVME_GET(e->acs[NVME_ADMIN_IDENTIFY], NVME_CMD_EFFECTS_CSUPP));
	free(e);
}

static void logs_sanitize_status(void)
{
	static struct fx f;
	fx_defaults(&f);
	fx_up(&f);
	struct nvme_sanitize_status s;
	/* no sanitize support: the device refuses the log */
	CHECK_DEV(nvme_sanitize_status_read(f.c, &s), NVME_SCT_COMMAND_SPECIFIC, NVME_SC_INVALID_LOG_PAGE);
	fx_finish(&f);

	fx_defaults(&f);
	fx_start(&f);
	nvme_model_set_sanicap(f.m, OPT_SANICAP_ALL);
	nvme_model_sanitize_estimates(f.m, 100, 20, 3, 0xFFFFFFFFu, 21, 4);
	fx_up(&f);
	CHECK_OK(nvme_sanitize_status_read(f.c, &s));
	CHECK_EQ(s.status, NVME_SSTAT_NEVER_SANITIZED);
	CHECK_EQ(s.eto, 100);
	CHECK_EQ(s.etbe, 20);
	CHECK_EQ(s.etce, 3);
	CHECK_EQX(s.etond, 0xFFFFFFFFu);
	CHECK_EQ(s.etbend, 21);
	CHECK_EQ(s.etcend, 4);
	CHECK_EQ(s.percent, 0);
	CHECK_STR(nvme_sstat_name(s.status), "never sanitized");
	/* a reserved SSTAT status is refused */
	uint8_t bad[2] = { 0x05, 0x00 };
	nvme_model_patch_log(f.m, NVME_LID_SANITIZE_STATUS, 2, bad, 2);
	CHECK_RC(nvme_sanitize_status_read(f.c, &s), NVME_ERR_BAD_LOG_DATA);
	/* in progress at half way: 50 % */
	uint8_t half[4] = { 0x00, 0x80, 0x02, 0x00 };
	nvme_model_patch_log(f.m, NVME_LID_SANITIZE_STATUS, 0, half, 4);
	CHECK_OK(nvme_sanitize_status_read(f.c, &s));
	CHECK_EQ(s.status, NVME_SSTAT_IN_PROGRESS);
	CHECK_EQ(s.sprog, 0x8000);
	CHECK_EQ(s.percent, 50);
}

/* Count Get Log Page SQEs in the trace and whether RAE was set. */
static void count_log_cmds(struct fx *f, unsigned *cmds, unsigned *rae)
{
	*cmds = *rae = 0;
	const char *p = host_env_log_text(f->env);
	while ((p = strstr(p, "sq0 sqe opc 02 ")) != NULL) {
		const char *c10 = strstr(p, "cdw10 ");
		unsigned long v = strtoul(c10 + 6, NULL, 16);
		(*cmds)++;
		if (v & (1u << 15))
			(*rae)++;
		p = c10;
	}
}

static void logs_generic_split(void)
{
	static struct fx f;
	fx_defaults(&f);
	f.mcfg.mdts = 1;       /* 8 KiB per command */
	f.mcfg.elpe = 255;     /* a 16 KiB error log */
	fx_up(&f);
	CHECK_EQ(nvme_ctrl_max_transfer(f.c), 8192);
	uint8_t *b = fx_buf(&f, 16384, 0, 0);
	nvme_ctrl_set_log_level(f.c, NVME_LOG_TRACE);
	host_env_log_clear(f.env);
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, b, 16384, false));
	unsigned cmds, rae;
	count_log_cmds(&f, &cmds, &rae);
	CHECK_EQ(cmds, 2);
	CHECK_EQ(rae, 1);   /* the first piece keeps the event, the last releases it */
	host_env_log_clear(f.env);
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 4096, b, 12284, true));
	count_log_cmds(&f, &cmds, &rae);
	CHECK_EQ(cmds, 2);
	CHECK_EQ(rae, 2);
	/* nvme_error_log_read splits the same way */
	struct nvme_error_log_entry *e = malloc(256 * sizeof(*e));
	uint32_t n;
	host_env_log_clear(f.env);
	CHECK_OK(nvme_error_log_read(f.c, e, 256, &n));
	CHECK_EQ(n, 256);
	count_log_cmds(&f, &cmds, &rae);
	CHECK_EQ(cmds, 2);
	free(e);
	nvme_ctrl_set_log_level(f.c, NVME_LOG_DEBUG);
	/* offsets must be dword aligned, lengths whole dwords */
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 2, b, 64, false), NVME_ERR_INVAL);
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, b, 66, false), NVME_ERR_INVAL);
	fx_buf_free(&f, b);
	fx_finish(&f);

	/* without LPA extended data no offsets: a read above the max transfer
	 * cannot be split, nothing is sent */
	fx_defaults(&f);
	f.mcfg.mdts = 1;
	f.mcfg.elpe = 255;
	f.mcfg.lpa = 0;
	fx_start(&f);
	nvme_model_set_effects_log(f.m, false);
	fx_up(&f);
	b = fx_buf(&f, 16384, 0, 0);
	uint64_t admin = nvme_model_stats(f.m)->admin_cmds;
	CHECK_RC(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, b, 16384, false), NVME_ERR_BAD_LOG_LENGTH);
	CHECK_EQ(nvme_model_stats(f.m)->admin_cmds, admin);
	CHECK_OK(nvme_get_log_page(f.c, NVME_LID_ERROR, 0, 0, 0, b, 8192, false));
	fx_buf_free(&f, b);
}

static const struct check_test tests[] = {
	CHECK_TEST(logs_u128_text),
	CHECK_TEST(logs_smart_from_device),
	CHECK_TEST(logs_error_log),
	CHECK_TEST(logs_fw_slot_and_effects),
	CHECK_TEST(logs_sanitize_status),
	CHECK_TEST(logs_generic_split),
};

int main(int argc, char **argv)
{
	check_after_each = fx_after_each;
	return check_run(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
