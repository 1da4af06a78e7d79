/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_log.c - log pages: `smart-log`, `error-log`, `fw-log`,
 * `effects-log`, `sanitize-log` (decoded by the driver: nvme_smart_read,
 * nvme_error_log_read, nvme_fw_slot_read, nvme_effects_log_read,
 * nvme_sanitize_status_read) and `get-log` (any log page as hexdump,
 * nvme_get_log_page). Field names and layout follow nvme-cli.
 */
#include "shell_nvme.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

#define FIELD "%-40s: "

static void print_u128(const char *name, struct nvme_u128 v)
{
	char dec[48];
	nvme_u128_to_dec(v, dec, sizeof(dec));
	kprintf(FIELD "%s\n", name, dec);
}

/* nvme-cli's data units: thousands of 512-byte units, and the bytes in
 * decimal units ("12 (6.14 MB)"). */
static void print_data_units(const char *name, struct nvme_u128 v)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	char dec[48];
	nvme_u128_to_dec(v, dec, sizeof(dec));
	if (v.hi != 0 || v.lo > UINT64_MAX / 512000u) {
		kprintf(FIELD "%s\n", name, dec);
		return;
	}
	uint64_t bytes = v.lo * 512000u, div = 1;
	unsigned u = 0;
	while (u < 6 && bytes / div >= 1000) {
		div *= 1000;
		u++;
	}
	uint64_t frac = div > 1 ? (bytes % div) / (div / 100) : 0;
	kprintf(FIELD "%s (%llu.%02llu %s)\n", name, dec, (unsigned long long)(bytes / div), (unsigned long long)frac,
		unit[u]);
}

static void print_temp(const char *name, unsigned k)
{
	kprintf(FIELD "%d C (%u Kelvin)\n", name, NVME_KELVIN_TO_CELSIUS(k), k);
}

/* ------------------------------------------------------------ smart-log */

static int cmd_smart_log(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_NSID, { .name = "dump" }, NVSH_OPT_FORCE, { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS_OPTIONAL, &tg);
	if (rc)
		return rc;
	uint32_t nsid = tg.nsid ? tg.nsid : NVME_NSID_ALL;
	struct nvme_smart_info s;
	static struct nvme_smart_log raw;
	rc = nvme_smart_read(tg.c, nsid, &s, &raw, nvsh_isset(opts, "force") ? NVME_CMD_FORCE : 0);
	if (rc)
		return nvsh_status(&tg, "smart-log", rc);
	char w[128];
	kprintf("Smart Log for NVME device:%s namespace-id:%x\n", tg.t->name, (unsigned)nsid);
	if (s.critical_warning) {
		nvme_smart_warning_text(s.critical_warning, w, sizeof(w));
		kprintf(FIELD "0x%02x (%s)\n", "critical_warning", (unsigned)s.critical_warning, w);
	} else {
		kprintf(FIELD "0\n", "critical_warning");
	}
	print_temp("temperature", s.temperature_k);
	kprintf(FIELD "%u%%\n", "available_spare", (unsigned)s.avail_spare);
	kprintf(FIELD "%u%%\n", "available_spare_threshold", (unsigned)s.spare_thresh);
	kprintf(FIELD "%u%%\n", "percentage_used", (unsigned)s.percent_used);
	kprintf(FIELD "%u\n", "endurance group critical warning summary", (unsigned)s.endgrp_crit_warning);
	print_data_units("data_units_read", s.data_units_read);
	print_data_units("data_units_written", s.data_units_written);
	print_u128("host_read_commands", s.host_reads);
	print_u128("host_write_commands", s.host_writes);
	print_u128("controller_busy_time", s.ctrl_busy_time);
	print_u128("power_cycles", s.power_cycles);
	print_u128("power_on_hours", s.power_on_hours);
	print_u128("unsafe_shutdowns", s.unsafe_shutdowns);
	print_u128("media_errors", s.media_errors);
	print_u128("num_err_log_entries", s.num_err_log_entries);
	kprintf(FIELD "%u\n", "Warning Temperature Time", (unsigned)s.warning_temp_time);
	kprintf(FIELD "%u\n", "Critical Composite Temperature Time", (unsigned)s.critical_temp_time);
	for (unsigned i = 0; i < 8; i++) {
		if (!s.temp_sensor_k[i])
			continue;
		char nm[32];
		ksnprintf(nm, sizeof(nm), "Temperature Sensor %u", i + 1);
		print_temp(nm, s.temp_sensor_k[i]);
	}
	kprintf(FIELD "%u\n", "Thermal Management T1 Trans Count", (unsigned)s.thm_temp1_trans_count);
	kprintf(FIELD "%u\n", "Thermal Management T2 Trans Count", (unsigned)s.thm_temp2_trans_count);
	kprintf(FIELD "%u\n", "Thermal Management T1 Total Time", (unsigned)s.thm_temp1_total_time);
	kprintf(FIELD "%u\n", "Thermal Management T2 Total Time", (unsigned)s.thm_temp2_total_time);
	if (nvsh_isset(opts, "dump"))
		nvsh_hexdump(0, &raw, sizeof(raw));
	return SHELL_OK;
}
NVSH_COMMAND("smart-log", "smart-log [DEVICE] [-n NSID] [--dump] [--force]",
	     "SMART / Health Information log with nvme-cli's field names (nvme-cli smart-log)",
	     NVSH_HELP_DEVICE_OPT
	     "Log 02h for the whole controller (NSID ffffffff), or for one namespace when one\n"
	     "is named (needs LPA bit 0; refused with the driver's reason otherwise).\n"
	     "critical_warning (0, or the bits in words), temperature in C and Kelvin,\n"
	     "available_spare(_threshold), percentage_used, data_units_read/written (thousands\n"
	     "of 512-byte units, bytes in decimal units after them), host_read/write_commands,\n"
	     "controller_busy_time, power_cycles, power_on_hours, unsafe_shutdowns,\n"
	     "media_errors, num_err_log_entries (128-bit counters in full decimal), warning\n"
	     "and critical temperature time, the temperature sensors that report a value and\n"
	     "the thermal management counters. --dump adds the raw 512 bytes.\n"
	     "--force asks for a namespace's log even when LPA bit 0 is clear (the device's\n"
	     "answer is printed).",
	     cmd_smart_log);

/* ------------------------------------------------------------ error-log */

static int cmd_error_log(int argc, char **argv)
{
	struct shell_opt opts[] = { { .name = "log-entries", .short_name = 'e', .takes_value = true }, { 0 } };
	struct nvsh_target tg;
	uint64_t want = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "log-entries", 256, &want)))
		return rc;
	uint32_t kept = (uint32_t)nvme_ctrl_id(tg.c)->elpe + 1;
	if (nvsh_isset(opts, "log-entries") && want == 0)
		return shell_usage_error("--log-entries 0: at least one entry is needed");
	if (!nvsh_isset(opts, "log-entries"))
		want = kept;
	if (want > kept) {
		kprintf("note: %s keeps %u entr%s (ELPE+1); reading those\n", tg.t->name, (unsigned)kept,
			kept == 1 ? "y" : "ies");
		want = kept;
	}
	struct nvsh_buf b;
	if (!nvsh_buf_alloc(&b, (size_t)want * sizeof(struct nvme_error_log_entry), 4096))
		return shell_error("no memory for %u error log entries", (unsigned)want);
	uint32_t n = 0;
	struct nvme_error_log_entry *e = (struct nvme_error_log_entry *)b.p;
	rc = nvme_error_log_read(tg.c, e, (uint32_t)want, &n);
	if (rc) {
		nvsh_buf_free(&b);
		return nvsh_status(&tg, "error-log", rc);
	}
	kprintf("Error Log Entries for device:%s entries:%u\n", tg.t->name, (unsigned)n);
	kprintf(".................\n");
	for (uint32_t i = 0; i < n; i++) {
		char line[160];
		unsigned sf = (unsigned)(e[i].status >> 1) & 0x7FFFu;
		nvme_error_entry_describe(&e[i], line, sizeof(line));
		kprintf(" Entry[%2u]\n.................\n", (unsigned)i);
		kprintf("error_count     : %llu\n", (unsigned long long)e[i].error_count);
		kprintf("sqid            : %u\n", (unsigned)e[i].sqid);
		kprintf("cmdid           : %#x\n", (unsigned)e[i].cid);
		kprintf("status_field    : %#x\n", sf);
		kprintf("phase_tag       : %u\n", (unsigned)(e[i].status & 1));
		kprintf("parm_err_loc    : %#x\n", (unsigned)e[i].pel);
		kprintf("lba             : %#llx\n", (unsigned long long)e[i].lba);
		kprintf("nsid            : %#x\n", (unsigned)e[i].nsid);
		kprintf("vs              : %u\n", (unsigned)e[i].vsia);
		kprintf("trtype          : %u\n", (unsigned)e[i].trtype);
		kprintf("cs              : %#llx\n", (unsigned long long)e[i].csi);
		kprintf("trtype_spec_info: %#x\n", (unsigned)e[i].ttsi);
		kprintf("decoded         : %s\n", line);
		kprintf(".................\n");
	}
	nvsh_buf_free(&b);
	return SHELL_OK;
}
NVSH_COMMAND("error-log", "error-log [DEVICE] [-e N]", "Error Information log entries (nvme-cli error-log)",
	     NVSH_HELP_CTRL
	     "-e/--log-entries N: the newest N entries (1..256; default and maximum: what the\n"
	     "controller keeps, ELPE+1). Each entry with nvme-cli's fields (error_count, sqid,\n"
	     "cmdid, status_field, phase_tag, parm_err_loc, lba, nsid, vs, trtype, cs,\n"
	     "trtype_spec_info) and a decoded line ('unused' when error_count is 0).",
	     cmd_error_log);

/* ------------------------------------------------------------ fw-log */

static int cmd_fw_log(int argc, char **argv)
{
	struct shell_opt opts[] = { { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	struct nvme_fw_slot_info fw;
	rc = nvme_fw_slot_read(tg.c, &fw);
	if (rc)
		return nvsh_status(&tg, "fw-log", rc);
	const struct nvme_id_ctrl *id = nvme_ctrl_id(tg.c);
	kprintf("Firmware Log for device:%s\n", tg.t->name);
	kprintf("afi  : %#x (active slot %u, next reset: ", (unsigned)fw.afi, (unsigned)fw.active_slot);
	if (fw.next_slot)
		kprintf("slot %u)\n", (unsigned)fw.next_slot);
	else
		kprintf("no change)\n");
	for (unsigned s = 0; s < fw.nslots && s < NVME_FW_MAX_SLOTS; s++)
		kprintf("frs%u : %s%s%s%s\n", s + 1, fw.rev[s][0] ? fw.rev[s] : "(empty)",
			s + 1 == fw.active_slot ? "  (active)" : "", s + 1 == fw.next_slot ? "  (next)" : "",
			s == 0 && fw.slot1_read_only ? "  (read only)" : "");
	kprintf("frmw : %#x: %u slot%s, slot 1 %s, activation without reset %s; fwug %u (%s)\n", (unsigned)id->frmw,
		(unsigned)fw.nslots, fw.nslots == 1 ? "" : "s", fw.slot1_read_only ? "read only" : "writable",
		fw.activate_without_reset ? "supported" : "not supported", (unsigned)id->fwug,
		id->fwug == 0 ? "not reported: 4 KiB units" : id->fwug == 0xFF ? "no restriction" : "x 4 KiB");
	return SHELL_OK;
}
NVSH_COMMAND("fw-log", "fw-log [DEVICE]", "Firmware Slot Information log (nvme-cli fw-log)",
	     NVSH_HELP_CTRL
	     "afi (active slot and the slot activated at the next reset), the revision in each\n"
	     "of the controller's slots, and FRMW/FWUG from Identify Controller (slots, slot 1\n"
	     "read only, activation without reset, firmware update granularity).",
	     cmd_fw_log);

/* ------------------------------------------------------------ effects-log */

static const char *admin_name(unsigned opc)
{
	switch (opc) {
	case NVME_ADMIN_DELETE_SQ: return "Delete I/O Submission Queue";
	case NVME_ADMIN_CREATE_SQ: return "Create I/O Submission Queue";
	case NVME_ADMIN_GET_LOG_PAGE: return "Get Log Page";
	case NVME_ADMIN_DELETE_CQ: return "Delete I/O Completion Queue";
	case NVME_ADMIN_CREATE_CQ: return "Create I/O Completion Queue";
	case NVME_ADMIN_IDENTIFY: return "Identify";
	case NVME_ADMIN_ABORT: return "Abort";
	case NVME_ADMIN_SET_FEATURES: return "Set Features";
	case NVME_ADMIN_GET_FEATURES: return "Get Features";
	case NVME_ADMIN_ASYNC_EVENT: return "Asynchronous Event Request";
	case NVME_ADMIN_NS_MANAGEMENT: return "Namespace Management";
	case NVME_ADMIN_FW_COMMIT: return "Firmware Commit";
	case NVME_ADMIN_FW_DOWNLOAD: return "Firmware Image Download";
	case NVME_ADMIN_DEVICE_SELF_TEST: return "Device Self-test";
	case NVME_ADMIN_NS_ATTACHMENT: return "Namespace Attachment";
	case NVME_ADMIN_KEEP_ALIVE: return "Keep Alive";
	case NVME_ADMIN_DIRECTIVE_SEND: return "Directive Send";
	case NVME_ADMIN_DIRECTIVE_RECV: return "Directive Receive";
	case NVME_ADMIN_VIRT_MANAGEMENT: return "Virtualization Management";
	case NVME_ADMIN_NVME_MI_SEND: return "NVMe-MI Send";
	case NVME_ADMIN_NVME_MI_RECV: return "NVMe-MI Receive";
	case NVME_ADMIN_DOORBELL_BUFFER_CONFIG: return "Doorbell Buffer Config";
	case NVME_ADMIN_FORMAT_NVM: return "Format NVM";
	case NVME_ADMIN_SECURITY_SEND: return "Security Send";
	case NVME_ADMIN_SECURITY_RECV: return "Security Receive";
	case NVME_ADMIN_SANITIZE: return "Sanitize";
	case NVME_ADMIN_GET_LBA_STATUS: return "Get LBA Status";
	default: return opc >= 0xC0 ? "Vendor specific" : "Unknown";
	}
}

static const char *io_name(unsigned opc)
{
	switch (opc) {
	case NVME_CMD_FLUSH: return "Flush";
	case NVME_CMD_WRITE: return "Write";
	case NVME_CMD_READ: return "Read";
	case NVME_CMD_WRITE_UNCORRECTABLE: return "Write Uncorrectable";
	case NVME_CMD_COMPARE: return "Compare";
	case NVME_CMD_WRITE_ZEROES: return "Write Zeroes";
	case NVME_CMD_DSM: return "Dataset Management";
	case NVME_CMD_VERIFY: return "Verify";
	case NVME_CMD_RESV_REGISTER: return "Reservation Register";
	case NVME_CMD_RESV_REPORT: return "Reservation Report";
	case NVME_CMD_RESV_ACQUIRE: return "Reservation Acquire";
	case NVME_CMD_RESV_RELEASE: return "Reservation Release";
	case NVME_CMD_COPY: return "Copy";
	default: return opc >= 0x80 ? "Vendor specific" : "Unknown";
	}
}

static int cmd_effects_log(int argc, char **argv)
{
	struct shell_opt opts[] = { NVSH_OPT_FORCE, { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	static struct nvme_cmd_effects_log log;
	rc = nvme_effects_log_read(tg.c, &log, nvsh_isset(opts, "force") ? NVME_CMD_FORCE : 0);
	if (rc)
		return nvsh_status(&tg, "effects-log", rc);
	for (int set = 0; set < 2; set++) {
		const uint32_t *e = set ? log.iocs : log.acs;
		kprintf("%s Command Set\n", set ? "NVM" : "Admin");
		for (unsigned opc = 0; opc < 256; opc++) {
			if (!e[opc])
				continue;
			char what[96];
			nvme_effects_describe(e[opc], what, sizeof(what));
			kprintf("%s%-3u [%-32s] %08x  %s\n", set ? "IOCS" : "ACS", opc, set ? io_name(opc) : admin_name(opc),
				(unsigned)e[opc], what);
		}
	}
	return SHELL_OK;
}
NVSH_COMMAND("effects-log", "effects-log [DEVICE] [--force]",
	     "Commands Supported and Effects log: which opcodes the controller implements",
	     NVSH_HELP_CTRL
	     "Log 05h (needs LPA bit 1): one line per admin (ACS) and I/O (IOCS) opcode with a\n"
	     "nonzero entry: name, raw value and its meaning (supported, LBCC: may change\n"
	     "block contents, NCC: namespace capability change, NIC: namespace inventory\n"
	     "change, CCC: controller capability change, command submission and execution\n"
	     "restrictions). The driver also uses this log when ONCS/OACS lack a bit.\n"
	     "--force reads it even when LPA bit 1 is clear (the device's answer is printed).",
	     cmd_effects_log);

/* ------------------------------------------------------------ sanitize-log */

static void print_estimate(const char *name, uint32_t s)
{
	if (s == NVME_SANITIZE_NO_ESTIMATE)
		kprintf("%-47s:  %u (No time period reported)\n", name, (unsigned)s);
	else
		kprintf("%-47s:  %u s\n", name, (unsigned)s);
}

static int cmd_sanitize_log(int argc, char **argv)
{
	struct shell_opt opts[] = { { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	struct nvme_sanitize_status st;
	rc = nvme_sanitize_status_read(tg.c, &st);
	uint32_t sanicap = nvme_ctrl_id(tg.c)->sanicap;
	if (rc) {
		char why[112];
		nvme_status_describe(rc, why, sizeof(why));
		if (sanicap == 0)
			return shell_error("sanitize-log failed: %s (SANICAP=%08Xh: %s advertises no sanitize support)",
					   why, (unsigned)sanicap, tg.t->name);
		return shell_error("sanitize-log failed: %s", why);
	}
	kprintf("Sanitize Progress                      (SPROG) :  %u", (unsigned)st.sprog);
	if (st.status == NVME_SSTAT_IN_PROGRESS)
		kprintf(" (%u%%)", (unsigned)st.percent);
	kprintf("\n");
	kprintf("Sanitize Status                        (SSTAT) :  %#x (%s%s, %u overwrite passes)\n",
		(unsigned)st.sstat, nvme_sstat_name(st.status), st.global_erased ? ", global data erased" : "",
		(unsigned)st.passes);
	kprintf("Sanitize Command Dword 10 Information (SCDW10) :  %#x\n", (unsigned)st.scdw10);
	print_estimate("Estimated Time For Overwrite", st.eto);
	print_estimate("Estimated Time For Block Erase", st.etbe);
	print_estimate("Estimated Time For Crypto Erase", st.etce);
	print_estimate("Estimated Time For Overwrite (No-Deallocate)", st.etond);
	print_estimate("Estimated Time For Block Erase (No-Deallocate)", st.etbend);
	print_estimate("Estimated Time For Crypto Erase (No-Deallocate)", st.etcend);
	kprintf("SANICAP                                        :  %08Xh\n", (unsigned)sanicap);
	return SHELL_OK;
}
NVSH_COMMAND("sanitize-log", "sanitize-log [DEVICE]", "Sanitize Status log (nvme-cli sanitize-log)",
	     NVSH_HELP_CTRL
	     "Log 81h: SPROG (progress, n/65536; 65535 when done), SSTAT (status in words,\n"
	     "global data erased, overwrite passes), SCDW10 of the last sanitize and the time\n"
	     "estimates. A controller without sanitize support may refuse the log: the error\n"
	     "then shows SANICAP (QEMU 7.2: Invalid Field in Command, SANICAP 0).",
	     cmd_sanitize_log);

/* ------------------------------------------------------------ get-log */

#define GET_LOG_MAX (1024u * 1024u)

static int cmd_get_log(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "log-id", .short_name = 'i', .takes_value = true },
		{ .name = "log-len", .short_name = 'l', .takes_value = true },
		{ .name = "lsp", .short_name = 's', .takes_value = true },
		{ .name = "offset", .short_name = 'o', .takes_value = true },
		{ .name = "lpo", .takes_value = true },
		{ .name = "rae", .short_name = 'r' },
		NVSH_OPT_NSID,
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t lid = 0, len = 0, lsp = 0, off = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS_OPTIONAL, &tg);
	if (rc || (rc = nvsh_opt_u64_max(opts, "log-id", 0xFF, &lid)) ||
	    (rc = nvsh_opt_u64_max(opts, "log-len", GET_LOG_MAX, &len)) ||
	    (rc = nvsh_opt_u64_max(opts, "lsp", 0x7F, &lsp)) || (rc = nvsh_opt_u64(opts, "offset", &off)) ||
	    (rc = nvsh_opt_u64(opts, "lpo", &off)))
		return rc;
	if (!nvsh_isset(opts, "log-id"))
		return shell_usage_error("missing --log-id");
	if (!nvsh_isset(opts, "log-len"))
		return shell_usage_error("missing --log-len");
	if (len == 0 || len % 4)
		return shell_usage_error("--log-len %s: the length must be a multiple of 4 bytes, at least 4",
					 nvsh_opt(opts, "log-len")->value);
	if (off % 4)
		return shell_usage_error("--offset %llu is not dword aligned (a multiple of 4)", (unsigned long long)off);
	struct nvsh_buf b;
	if (!nvsh_buf_alloc(&b, (size_t)len, (size_t)len))
		return shell_error("no memory for %llu bytes", (unsigned long long)len);
	uint32_t nsid = tg.nsid ? tg.nsid : NVME_NSID_ALL;
	rc = nvme_get_log_page(tg.c, (uint8_t)lid, (uint8_t)lsp, nsid, off, b.p, (size_t)len, nvsh_isset(opts, "rae"));
	if (rc) {
		nvsh_buf_free(&b);
		char what[48];
		ksnprintf(what, sizeof(what), "get-log %#x", (unsigned)lid);
		return nvsh_status(&tg, what, rc);
	}
	kprintf("Device:%s log-id:%#x namespace-id:%#x offset:%llu length:%llu\n", tg.t->name, (unsigned)lid,
		(unsigned)nsid, (unsigned long long)off, (unsigned long long)len);
	nvsh_hexdump(off, b.p, (size_t)len);
	nvsh_buf_free(&b);
	return SHELL_OK;
}
NVSH_COMMAND("get-log", "get-log [DEVICE] -i LID -l LEN [-n NSID] [-s LSP] [-o OFFSET] [-r]",
	     "read any log page and hexdump it (nvme-cli get-log)",
	     NVSH_HELP_DEVICE_OPT
	     "-i/--log-id LID (0..255), -l/--log-len LEN bytes (a multiple of 4, up to 1 MiB),\n"
	     "-o/--offset (nvme-cli: --lpo) byte offset into the log, dword aligned, -s/--lsp log\n"
	     "specific field (0..127), -r/--rae retain asynchronous event. Without a namespace\n"
	     "the NSID is ffffffff, as in nvme-cli. Lengths or offsets above 256 KiB, and lengths\n"
	     "above the max transfer, need LPA bit 2 (extended data); the driver reads them in\n"
	     "pieces. The dump's offsets are log offsets.",
	     cmd_get_log);
