/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_drives.c - real drives' commands (issue 13): `power` (power
 * state table, current state, APST, setting a state), `device-self-test`
 * (start / wait with a progress bar / abort), `self-test-log` (nvme-cli's
 * field names) and `telemetry-log` (the host-initiated log as hexdump).
 */
#include "shell_nvme.h"
#include "shell_nvme_drives.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"
#include "nvme_power.h"
#include "nvme_selftest.h"
#include "nvme_telemetry.h"
#include "nvme_quirks.h"

/* ------------------------------------------------------------ power */

#if NVME_CFG_POWER
/* "25.00 W" from microwatts ("-" for 0 when unknown is allowed). */
static void fmt_watts(uint32_t uw, bool dash_if_zero, char *buf, size_t len)
{
	if (uw == 0 && dash_if_zero) {
		ksnprintf(buf, len, "-");
		return;
	}
	ksnprintf(buf, len, "%u.%04u W", (unsigned)(uw / 1000000u), (unsigned)(uw % 1000000u / 100u));
}

static int cmd_power(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "set", .short_name = 's', .takes_value = true },
		{ .name = "force" },
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	uint32_t n = nvme_power_state_count(tg.c);
	if (nvsh_isset(opts, "set")) {
		uint64_t ps = 0;
		if ((rc = nvsh_opt_u64_max(opts, "set", 31, &ps)))
			return rc;
		if (ps >= n)
			return shell_usage_error("power state %u does not exist (NPSS %u: states 0..%u)", (unsigned)ps,
						 (unsigned)(n - 1), (unsigned)(n - 1));
		uint8_t cur = 0xFF;
		if (nvme_power_get(tg.c, &cur, NULL) == 0 && cur == ps) {
			kprintf("%s: already in power state %u (nothing sent)\n", tg.name, (unsigned)ps);
			return SHELL_OK;
		}
		rc = nvme_power_set(tg.c, (uint8_t)ps, nvsh_isset(opts, "force"));
		if (rc)
			return nvsh_status(&tg, "Set Features (Power Management)", rc);
		kprintf("%s: power state %u\n", tg.name, (unsigned)ps);
		return SHELL_OK;
	}
	kprintf("%s: %u power state%s (NPSS %u)\n", tg.name, (unsigned)n, n == 1 ? "" : "s", (unsigned)(n - 1));
	kprintf("ps  max power     op   entry lat   exit lat    rrt rrl rwt rwl  idle power   active power\n");
	for (uint32_t i = 0; i < n; i++) {
		struct nvme_power_state_info p;
		if (nvme_power_state_info(tg.c, (uint8_t)i, &p) != 0)
			continue;
		char mp[20], idle[20], act[20];
		fmt_watts(p.max_power_uw, false, mp, sizeof(mp));
		fmt_watts(p.idle_power_uw, true, idle, sizeof(idle));
		fmt_watts(p.active_power_uw, true, act, sizeof(act));
		kprintf("%2u  %-12s  %-3s  %8u us  %8u us  %3u %3u %3u %3u  %-11s  %s\n", (unsigned)i, mp,
			p.non_operational ? "no" : "yes", (unsigned)p.entry_lat_us, (unsigned)p.exit_lat_us,
			(unsigned)p.rrt, (unsigned)p.rrl, (unsigned)p.rwt, (unsigned)p.rwl, idle, act);
	}
	uint8_t cur = 0, wh = 0;
	rc = nvme_power_get(tg.c, &cur, &wh);
	if (rc)
		kprintf("current power state: unknown (%s)\n", nvme_strerror(rc));
	else
		kprintf("current power state: %u (workload hint %u)\n", (unsigned)cur, (unsigned)wh);
	struct nvme_apst a;
	rc = nvme_apst_read(tg.c, &a);
	if (rc)
		kprintf("autonomous power state transitions: unknown (%s)\n", nvme_strerror(rc));
	else if (!a.supported)
		kprintf("autonomous power state transitions: not supported (APSTA bit 0 clear)\n");
	else {
		kprintf("autonomous power state transitions: %s\n", a.enabled ? "enabled" : "disabled");
		for (uint32_t i = 0; i < n && i < 32; i++)
			if (a.entry[i].itpt_ms != 0)
				kprintf("  from ps %u: to ps %u after %u ms idle\n", (unsigned)i,
					(unsigned)a.entry[i].itps, (unsigned)a.entry[i].itpt_ms);
	}
	if ((nvme_ctrl_quirks(tg.c) & NVME_QUIRK_NO_DEEPEST_PS) && n > 1)
		kprintf("quirk no-deepest-ps: power state %u is never selected\n", (unsigned)(n - 1));
	else if (nvme_ctrl_quirks(tg.c) & NVME_QUIRK_NO_DEEPEST_PS)
		kprintf("quirk no-deepest-ps: no effect (one power state)\n");
	return SHELL_OK;
}
NVSH_COMMAND("power", "power [DEVICE] [-s PS [--force]]",
	     "power states: descriptors, current state, APST; set a state",
	     "Without -s: the power state descriptors of Identify Controller (max power in W,\n"
	     "operational or not, entry and exit latencies, relative read/write throughput and\n"
	     "latency, idle and active power), the current state (Get Features 02h) and\n"
	     "Autonomous Power State Transition (Get Features 0Ch: enabled, and for each state\n"
	     "the state it moves to after how long idle; set-feature -f 0xc -v 1 --data TABLE\n"
	     "writes the table, 8 bytes per state: ITPS in bits 7:3, idle ms in bits 31:8).\n"
	     "-s/--set PS enters power state PS (Set Features 02h; nothing is sent when the\n"
	     "controller is in PS already). A non-operational state (no\n"
	     "I/O until the controller leaves it) needs --force; the deepest state of a\n"
	     "controller with the quirk no-deepest-ps is refused even then.\n" NVSH_HELP_CTRL,
	     cmd_power);
#endif /* NVME_CFG_POWER */

/* ------------------------------------------------------------ self-test */

#if NVME_CFG_SELFTEST
/* Waiting for a self-test: the short one takes at most 2 minutes (the
 * spec's bound), the extended one EDSTT minutes; both get this margin. */
#define DST_WAIT_SHORT_MS    (2u * 60u * 1000u)
#define DST_WAIT_MARGIN_MS   (60u * 1000u)
#define DST_WAIT_DEFAULT_EXT_MS (60u * 60u * 1000u)   /* EDSTT 0 */
#define DST_POLL_MS          500u

static void print_result(unsigned i, const struct nvme_self_test_result *r)
{
	kprintf("Self Test Result[%u]:\n", i);
	kprintf("  Operation Result             : %u (%s)\n", (unsigned)r->result, nvme_self_test_result_name(r->result));
	kprintf("  Self Test Code               : %u\n", (unsigned)r->code);
	kprintf("  Valid Diagnostic Information : %#x\n", (unsigned)r->valid);
	kprintf("  Power on hours (POH)         : %#llx\n", (unsigned long long)r->poh);
	if (r->result == NVME_DST_RES_FAILED_SEGMENT)
		kprintf("  Segment Number               : %u\n", (unsigned)r->segment);
	if (r->valid & 1u)
		kprintf("  Namespace Identifier (NSID)  : %#x\n", (unsigned)r->nsid);
	if (r->valid & 2u)
		kprintf("  Failing LBA                  : %#llx\n", (unsigned long long)r->flba);
	if (r->valid & 4u)
		kprintf("  Status Code Type             : %#x\n", (unsigned)r->sct);
	if (r->valid & 8u)
		kprintf("  Status Code                  : %#x\n", (unsigned)r->sc);
	kprintf("  Vendor Specific              : %#x %#x\n", (unsigned)(r->vs & 0xFF), (unsigned)(r->vs >> 8));
}

static int cmd_dst(int argc, char **argv)
{
	struct shell_opt opts[] = {
		NVSH_OPT_NSID,
		{ .name = "self-test-code", .short_name = 's', .takes_value = true },
		{ .name = "abort" },
		{ .name = "wait", .short_name = 'w' },
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS_OPTIONAL, &tg);
	if (rc)
		return rc;
	if (nvsh_isset(opts, "abort")) {
		if (nvsh_isset(opts, "self-test-code") || nvsh_isset(opts, "wait"))
			return shell_usage_error("--abort takes no -s or --wait");
		rc = nvme_self_test_abort(tg.c);
		if (rc)
			return nvsh_status(&tg, "Device Self-test (abort)", rc);
		kprintf("%s: device self-test aborted\n", tg.name);
		return SHELL_OK;
	}
	unsigned code = NVME_DST_SHORT;
	const char *s = nvsh_opt(opts, "self-test-code")->value;
	if (nvsh_isset(opts, "self-test-code")) {
		if (strcmp(s, "1") == 0 || strcmp(s, "short") == 0)
			code = NVME_DST_SHORT;
		else if (strcmp(s, "2") == 0 || strcmp(s, "extended") == 0)
			code = NVME_DST_EXTENDED;
		else
			return shell_usage_error("bad -s '%s' (expected 1/short or 2/extended; --abort stops one)", s);
	}
	rc = nvme_self_test_start(tg.c, tg.nsid, code);
	if (rc)
		return nvsh_status(&tg, "Device Self-test", rc);
	kprintf("%s: %s device self-test started (NSID %#x)\n", tg.name, code == NVME_DST_SHORT ? "short" : "extended",
		(unsigned)tg.nsid);
	if (!nvsh_isset(opts, "wait"))
		return SHELL_OK;
	uint16_t edstt = nvme_ctrl_id(tg.c)->edstt;
	uint64_t bound_ms = (code == NVME_DST_SHORT ? DST_WAIT_SHORT_MS
			     : edstt ? (uint64_t)edstt * 60000u : DST_WAIT_DEFAULT_EXT_MS) + DST_WAIT_MARGIN_MS;
	uint64_t t0 = time_now_us();
	struct nvme_self_test_log log;
	for (;;) {
		rc = nvme_self_test_log_read(tg.c, &log);
		if (rc)
			return nvsh_status(&tg, "Device Self-test log", rc);
		if (log.current == 0) {
			console_progress("self-test", 100, 100);
			break;
		}
		console_progress("self-test", log.completion, 100);
		if (console_check_interrupt()) {
			kprintf("\nstopped waiting (Ctrl-C); the self-test goes on: device-self-test --abort stops it\n");
			return SHELL_ERR;
		}
		if (time_now_us() - t0 >= bound_ms * 1000u) {
			kprintf("\n");
			return shell_error("the self-test did not finish in %llu s", (unsigned long long)(bound_ms / 1000u));
		}
		time_delay_us(DST_POLL_MS * 1000u);
	}
	if (log.count == 0)
		return shell_error("the self-test log has no result");
	print_result(0, &log.result[0]);
	return log.result[0].result == NVME_DST_RES_OK ? SHELL_OK : SHELL_ERR;
}
NVSH_COMMAND("device-self-test", "device-self-test [DEVICE] [-n NSID] [-s 1|2|short|extended] [--wait] | --abort",
	     "start (and wait for) or abort a device self-test (nvme-cli device-self-test)",
	     "Starts a short (-s 1, default) or extended (-s 2) Device Self-test (admin\n"
	     "opcode 14h; OACS bit 4 must advertise it): of the controller only (NSID 0,\n"
	     "a controller name), of one namespace (nvme0n1, -n NSID) or of all (-n\n"
	     "0xffffffff). The test runs in the background; --wait shows a progress bar from\n"
	     "the log's current completion until it ends (Ctrl-C stops waiting, not the\n"
	     "test) and prints the result. --abort stops the running test.\n" NVSH_HELP_DEVICE_OPT,
	     cmd_dst);

static int cmd_dst_log(int argc, char **argv)
{
	struct shell_opt opts[] = { { 0 } };
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	struct nvme_self_test_log log;
	rc = nvme_self_test_log_read(tg.c, &log);
	if (rc)
		return nvsh_status(&tg, "Device Self-test log", rc);
	kprintf("Device Self Test Log for NVME device:%s\n", tg.name);
	kprintf("Current operation  : %#x\n", (unsigned)log.current);
	kprintf("Current Completion : %u%%\n", (unsigned)log.completion);
	for (uint32_t i = 0; i < log.count; i++)
		print_result(i, &log.result[i]);
	return SHELL_OK;
}
NVSH_COMMAND("self-test-log", "self-test-log [DEVICE]", "Device Self-test log 06h (nvme-cli self-test-log)",
	     "The current self-test operation and completion, and the results kept (newest\n"
	     "first), with nvme-cli's field names.\n" NVSH_HELP_CTRL,
	     cmd_dst_log);
#endif /* NVME_CFG_SELFTEST */

/* ------------------------------------------------------------ telemetry */

#if NVME_CFG_TELEMETRY
static int cmd_telemetry(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "data-area", .short_name = 'd', .takes_value = true },
		{ .name = "no-create" },
		{ 0 },
	};
	struct nvsh_target tg;
	int rc = nvsh_parse(argc, argv, opts, NVSH_CTRL, &tg);
	if (rc)
		return rc;
	uint64_t area = 3;
	if ((rc = nvsh_opt_u64_max(opts, "data-area", 3, &area)))
		return rc;
	if (area == 0)
		return shell_usage_error("--data-area is 1, 2 or 3");
	struct nvme_telemetry_info ti;
	struct nvsh_buf b;
	if (!nvsh_buf_alloc(&b, NVME_TELEMETRY_BLOCK, NVME_TELEMETRY_BLOCK))
		return shell_error("no memory for the telemetry header");
	/* capture (or not), learn the size, then read it all */
	rc = nvme_telemetry_host_read(tg.c, (unsigned)area, !nvsh_isset(opts, "no-create"), b.p, b.bytes, &ti);
	nvsh_buf_free(&b);
	if (rc && rc != NVME_ERR_INVAL)
		return nvsh_status(&tg, "Telemetry Host-Initiated log", rc);
	if (!nvsh_buf_alloc(&b, ti.bytes, ti.bytes))
		return shell_error("no memory for %llu bytes of telemetry", (unsigned long long)ti.bytes);
	rc = nvme_telemetry_host_read(tg.c, (unsigned)area, false, b.p, b.bytes, &ti);
	if (rc) {
		nvsh_buf_free(&b);
		return nvsh_status(&tg, "Telemetry Host-Initiated log", rc);
	}
	kprintf("%s: telemetry host-initiated: generation %u, data areas end at blocks %u/%u/%u, "
		"controller-initiated data %savailable (generation %u), OUI %02x%02x%02x\n", tg.name,
		(unsigned)ti.host_gen, (unsigned)ti.da_last[0], (unsigned)ti.da_last[1], (unsigned)ti.da_last[2],
		ti.ctrl_avail ? "" : "not ", (unsigned)ti.ctrl_gen, ti.oui[0], ti.oui[1], ti.oui[2]);
	kprintf("%llu bytes (header and data areas 1..%u):\n", (unsigned long long)ti.bytes, (unsigned)area);
	nvsh_hexdump(0, b.p, ti.bytes);
	nvsh_buf_free(&b);
	return SHELL_OK;
}
NVSH_COMMAND("telemetry-log", "telemetry-log [DEVICE] [-d 1|2|3] [--no-create]",
	     "Telemetry Host-Initiated log 07h as hexdump (nvme-cli telemetry-log)",
	     "Asks the controller to capture new host-initiated telemetry (unless --no-create),\n"
	     "then reads the header and data areas 1..N (-d/--data-area, default 3) in full and\n"
	     "prints them as hexdump -C, after a line with the generation number and where each\n"
	     "area ends. The generation is checked before and after: data that changed while\n"
	     "being read are reported as an error. Needs LPA bit 3.\n" NVSH_HELP_CTRL,
	     cmd_telemetry);
#endif /* NVME_CFG_TELEMETRY */
