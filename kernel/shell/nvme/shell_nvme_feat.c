/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shell_nvme_feat.c - `get-feature` and `set-feature` through
 * nvme_feat_get()/nvme_feat_set() with NVME_FEAT_RAW: raw values as nvme-cli prints
 * them, then one line per field as the driver's decoder splits them
 * (nvme_feat_decode: names, values and units; the Timestamp data is decoded
 * here). Feature names come from nvme_feat_name(), with the table below for
 * the features the driver does not name (and their data lengths).
 */
#include "shell_nvme.h"
#include "shell_nvme_drives.h"
#include "platform.h"
#include "kformat.h"
#include "kstring.h"

struct feature {
	uint8_t fid;
	uint16_t data_len; /* bytes of data Get Features returns (0: none) */
	const char *name;
};

static const struct feature features[] = {
	{ NVME_FEAT_ARBITRATION, 0, "Arbitration" },
	{ NVME_FEAT_POWER_MGMT, 0, "Power Management" },
	{ NVME_FEAT_LBA_RANGE_TYPE, 4096, "LBA Range Type" },
	{ NVME_FEAT_TEMP_THRESHOLD, 0, "Temperature Threshold" },
	{ NVME_FEAT_ERROR_RECOVERY, 0, "Error Recovery" },
	{ NVME_FEAT_VOLATILE_WC, 0, "Volatile Write Cache" },
	{ NVME_FEAT_NUM_QUEUES, 0, "Number of Queues" },
	{ NVME_FEAT_IRQ_COALESCING, 0, "Interrupt Coalescing" },
	{ NVME_FEAT_IRQ_CONFIG, 0, "Interrupt Vector Configuration" },
	{ NVME_FEAT_WRITE_ATOMICITY, 0, "Write Atomicity Normal" },
	{ NVME_FEAT_ASYNC_EVENT_CONFIG, 0, "Async Event Configuration" },
	{ NVME_FEAT_AUTO_PST, 256, "Autonomous Power State Transition" },
	{ NVME_FEAT_HOST_MEM_BUFFER, 4096, "Host Memory Buffer" },
	{ NVME_FEAT_TIMESTAMP, NVME_TIMESTAMP_DATA_SIZE, "Timestamp" },
	{ NVME_FEAT_KEEP_ALIVE, 0, "Keep Alive Timer" },
	{ NVME_FEAT_HOST_THERMAL_MGMT, 0, "Host Controlled Thermal Management" },
	{ NVME_FEAT_NON_OP_POWER_STATE, 0, "Non-Operational Power State Config" },
	{ NVME_FEAT_READ_RECOVERY_LEVEL, 0, "Read Recovery Level Config" },
	{ NVME_FEAT_PRED_LAT_CONFIG, 32, "Predictable Latency Mode Config" },
	{ NVME_FEAT_PRED_LAT_WINDOW, 0, "Predictable Latency Mode Window" },
	{ NVME_FEAT_LBA_STATUS_INTERVAL, 0, "LBA Status Information Report Interval" },
	{ NVME_FEAT_HOST_BEHAVIOR, 512, "Host Behavior Support" },
	{ NVME_FEAT_SANITIZE_CONFIG, 0, "Sanitize Config" },
	{ NVME_FEAT_ENDURANCE_EVENT_CONFIG, 0, "Endurance Group Event Configuration" },
	{ NVME_FEAT_SW_PROGRESS_MARKER, 0, "Software Progress Marker" },
	{ NVME_FEAT_HOST_ID, 8, "Host Identifier" },
	{ NVME_FEAT_RESV_NOTIFICATION_MASK, 0, "Reservation Notification Mask" },
	{ NVME_FEAT_RESV_PERSISTENCE, 0, "Reservation Persistence" },
	{ NVME_FEAT_NS_WRITE_PROTECT, 0, "Namespace Write Protection Config" },
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))

/* The features `get-feature` without -f reads (nvme-cli reads 01h..0Bh and
 * a few more the same way). */
static const uint8_t default_fids[] = { 0x01, 0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0E };

static const struct feature *find_feature(unsigned fid)
{
	for (unsigned i = 0; i < NFEATURES; i++)
		if (features[i].fid == fid)
			return &features[i];
	return NULL;
}

static const char *feature_name(unsigned fid)
{
	const char *dn = nvme_feat_name((uint8_t)fid);
	if (strcmp(dn, "Unknown") != 0)
		return dn;
	const struct feature *f = find_feature(fid);
	if (f)
		return f->name;
	return fid >= 0xC0 ? "Vendor Specific" : "Unknown";
}

static const char *const sel_names[] = { "Current", "Default", "Saved", "Supported capabilities" };

/* 1970-01-01 + days -> y-m-d (proleptic Gregorian, H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static void decode_timestamp(const uint8_t *b)
{
	uint64_t ms = 0;
	memcpy(&ms, b, 8);
	ms &= NVME_TIMESTAMP_MS_MASK;
	int y;
	unsigned mo, d;
	uint64_t s = ms / 1000;
	civil_from_days((int64_t)(s / 86400), &y, &mo, &d);
	kprintf("\tTimestamp: %llu ms = %04d-%02u-%02u %02u:%02u:%02u.%03u UTC, origin %u, synch %u\n",
		(unsigned long long)ms, y, mo, d, (unsigned)(s % 86400 / 3600), (unsigned)(s % 3600 / 60),
		(unsigned)(s % 60), (unsigned)(ms % 1000), (unsigned)NVME_GET(b[6], NVME_TIMESTAMP_ATTR_ORIGIN),
		(unsigned)NVME_GET(b[6], NVME_TIMESTAMP_ATTR_SYNCH));
}

/* Long names of the fields the driver's decoder (nvme_feat_decode) reports
 * by their short spec names. */
static const struct {
	const char *abbr, *name;
} field_names[] = {
	{ "AB", "Arbitration Burst" },
	{ "LPW", "Low Priority Weight" },
	{ "MPW", "Medium Priority Weight" },
	{ "HPW", "High Priority Weight" },
	{ "PS", "Power State" },
	{ "WH", "Workload Hint" },
	{ "TMPTH", "Temperature Threshold" },
	{ "TMPSEL", "Threshold Temperature Select" },
	{ "THSEL", "Threshold Type Select" },
	{ "TLER", "Time Limited Error Recovery" },
	{ "DULBE", "Deallocated or Unwritten Logical Block Error Enable" },
	{ "WCE", "Volatile Write Cache Enable" },
	{ "NSQ", "Number of IO Submission Queues Allocated" },
	{ "NCQ", "Number of IO Completion Queues Allocated" },
	{ "THR", "Aggregation Threshold" },
	{ "TIME", "Aggregation Time" },
	{ "IV", "Interrupt Vector" },
	{ "CD", "Coalescing Disable" },
	{ "DN", "Disable Normal" },
	{ "SMART", "SMART / Health Critical Warnings" },
	{ "NAN", "Namespace Attribute Notices" },
	{ "FAN", "Firmware Activation Notices" },
	{ "TLN", "Telemetry Log Notices" },
	{ "ANACN", "ANA Change Notices" },
	{ "APSTE", "Autonomous Power State Transition Enable" },
	{ "KATO", "Keep Alive Timeout" },
};

static const char *field_long_name(const char *abbr)
{
	for (unsigned i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (strcmp(field_names[i].abbr, abbr) == 0)
			return field_names[i].name;
	return abbr;
}

/* One field as words, from the unit or meaning the driver gives it. */
static void field_text(const struct nvme_feat_field *f, char *buf, size_t len)
{
	const char *m = f->meaning ? f->meaning : "";
	uint32_t v = f->value;
	if (strcmp(m, "0's based") == 0)
		ksnprintf(buf, len, "%u", (unsigned)v + 1);
	else if (strcmp(m, "no limit") == 0)
		ksnprintf(buf, len, "no limit");
	else if (strcmp(m, "log2 commands") == 0)
		ksnprintf(buf, len, "%u commands", 1u << (v & 31));
	else if (strcmp(m, "x 100 ms") == 0)
		ksnprintf(buf, len, "%u ms", (unsigned)v * 100);
	else if (strcmp(m, "x 100 us") == 0)
		ksnprintf(buf, len, "%u usec", (unsigned)v * 100);
	else if (strcmp(m, "K") == 0)
		ksnprintf(buf, len, "%u K (%d C)", (unsigned)v, NVME_KELVIN_TO_CELSIUS(v));
	else if (strcmp(m, "ms") == 0)
		ksnprintf(buf, len, "%u ms", (unsigned)v);
	else if (strcmp(m, "enabled") == 0 || strcmp(m, "disabled") == 0)
		ksnprintf(buf, len, "%s", v ? "Enabled" : "Disabled");
	else if (strcmp(f->name, "SMART") == 0)
		ksnprintf(buf, len, "0x%02x (%s)", (unsigned)v, m);
	else if (m[0])
		ksnprintf(buf, len, "%u (%s)", (unsigned)v, m);
	else
		ksnprintf(buf, len, "%u", (unsigned)v);
}

/* Decoded lines for a feature value (the driver's nvme_feat_decode for
 * dword values, the Timestamp data here); false if there is no decoder. */
static bool decode_feature(unsigned fid, uint32_t v, const uint8_t *data, size_t len)
{
	if (fid == NVME_FEAT_HOST_MEM_BUFFER) {
		nvsh_decode_hmb_feature(v, data, len);
		return true;
	}
	if (fid == NVME_FEAT_TIMESTAMP) {
		if (data && len >= NVME_TIMESTAMP_DATA_SIZE) {
			decode_timestamp(data);
			return true;
		}
		return false;
	}
	struct nvme_feat_decoded d;
	if (nvme_feat_decode((uint8_t)fid, v, &d) != 0)
		return false;
	for (uint32_t i = 0; i < d.nfields; i++) {
		char txt[64];
		field_text(&d.field[i], txt, sizeof(txt));
		kprintf("\t%s (%s): %s\n", field_long_name(d.field[i].name), d.field[i].name, txt);
	}
	return true;
}

/* One Get Features; prints nvme-cli's line, the decoded line and data. */
static int get_one(const struct nvsh_target *tg, unsigned fid, unsigned sel, uint32_t cdw11,
		   size_t data_len, bool have_len, bool quiet_errors)
{
	const struct feature *f = find_feature(fid);
	size_t len = have_len ? data_len : (f ? f->data_len : 0);
	if (sel == NVME_FEAT_SEL_SUPPORTED_CAPS)
		len = 0;
	uint32_t dw0 = 0;
	memset(nvsh_scratch, 0, sizeof(nvsh_scratch));
	struct nvme_feat_args a = { .fid = (uint8_t)fid, .sel = (uint8_t)sel, .nsid = tg->nsid, .cdw11 = cdw11,
				    .buf = len ? nvsh_scratch : NULL, .len = len };
	int rc = nvme_feat_get(tg->c, &a, NVME_FEAT_RAW, &dw0);
	if (rc) {
		char why[112];
		nvme_status_describe(rc, why, sizeof(why));
		if (quiet_errors) {
			kprintf("get-feature:0x%02x (%s): %s\n", fid, feature_name(fid), why);
			return SHELL_ERR;
		}
		return shell_error("get-feature 0x%02x (%s) failed: %s", fid, feature_name(fid), why);
	}
	kprintf("get-feature:0x%02x (%s), %s value:0x%08x\n", fid, feature_name(fid), sel_names[sel],
		(unsigned)dw0);
	if (sel == NVME_FEAT_SEL_SUPPORTED_CAPS) {
		kprintf("\t%s, %s, %s\n", NVME_GET(dw0, NVME_FEAT_CAP_SAVEABLE) ? "saveable" : "not saveable",
			NVME_GET(dw0, NVME_FEAT_CAP_NS_SPECIFIC) ? "namespace specific" : "not namespace specific",
			NVME_GET(dw0, NVME_FEAT_CAP_CHANGEABLE) ? "changeable" : "not changeable");
		return SHELL_OK;
	}
	decode_feature(fid, dw0, len ? nvsh_scratch : NULL, len);
	if (len)
		nvsh_hexdump(0, nvsh_scratch, len);
	return SHELL_OK;
}

/* Why Identify Controller says the feature is absent, or NULL. */
static const char *feature_absent(const struct nvsh_target *tg, unsigned fid)
{
	const struct nvme_id_ctrl *id = nvme_ctrl_id(tg->c);
	const char *field = NULL;
	switch (fid) {
	case NVME_FEAT_AUTO_PST:
		field = (id->apsta & 1) ? NULL : "APSTA bit 0 is 0";
		break;
	case NVME_FEAT_HOST_MEM_BUFFER:
		field = id->hmpre ? NULL : "HMPRE is 0";
		break;
	case NVME_FEAT_TIMESTAMP:
		field = NVME_GET(id->oncs, NVME_ONCS_TIMESTAMP) ? NULL : "ONCS bit 6 (Timestamp) is 0";
		break;
	case NVME_FEAT_KEEP_ALIVE:
		field = id->kas ? NULL : "KAS is 0";
		break;
	case NVME_FEAT_HOST_THERMAL_MGMT:
		field = (id->hctma & 1) ? NULL : "HCTMA bit 0 is 0";
		break;
	case NVME_FEAT_SANITIZE_CONFIG:
		field = id->sanicap ? NULL : "SANICAP is 0";
		break;
	case NVME_FEAT_RESV_NOTIFICATION_MASK:
	case NVME_FEAT_RESV_PERSISTENCE:
		field = NVME_GET(id->oncs, NVME_ONCS_RESERVATIONS) ? NULL : "ONCS bit 5 (Reservations) is 0";
		break;
	case NVME_FEAT_NS_WRITE_PROTECT:
		field = id->nwpc ? NULL : "NWPC is 0";
		break;
	default:
		break;
	}
	return field;
}

/* A usage error naming the field for absent features (the device would only
 * answer Invalid Field in Command). */
static int feature_supported(const struct nvsh_target *tg, unsigned fid)
{
	const char *field = feature_absent(tg, fid);
	if (field)
		return shell_usage_error("%s does not support %s (Identify Controller: %s)", tg->t->name,
					 feature_name(fid), field);
	return SHELL_OK;
}

static int parse_fid(struct shell_opt *opts, uint64_t *fid)
{
	int rc = nvsh_opt_u64_max(opts, "feature-id", 0xFF, fid);
	if (rc)
		return rc;
	if (nvsh_isset(opts, "feature-id") && *fid == 0)
		return shell_usage_error("--feature-id 0 is reserved");
	return SHELL_OK;
}

static int cmd_get_feature(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "feature-id", .short_name = 'f', .takes_value = true },
		{ .name = "sel", .short_name = 's', .takes_value = true },
		NVSH_OPT_NSID,
		{ .name = "cdw11", .takes_value = true },
		{ .name = "data-len", .short_name = 'l', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t fid = 0, sel = 0, cdw11 = 0, dlen = 0;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS_OPTIONAL, &tg);
	if (rc || (rc = parse_fid(opts, &fid)) ||
	    (rc = nvsh_opt_u64_max(opts, "sel", 3, &sel)) ||
	    (rc = nvsh_opt_u64_max(opts, "cdw11", 0xFFFFFFFFull, &cdw11)) ||
	    (rc = nvsh_opt_u64_max(opts, "data-len", sizeof(nvsh_scratch), &dlen)))
		return rc;
	if (dlen % 4)
		return shell_usage_error("--data-len must be a multiple of 4");
	if (sel == NVME_FEAT_SEL_SAVED || sel == NVME_FEAT_SEL_DEFAULT) {
		const struct nvme_id_ctrl *id = nvme_ctrl_id(tg.c);
		if (!NVME_GET(id->oncs, NVME_ONCS_SAVE_SELECT))
			kprintf("note: %s does not advertise Save/Select (ONCS bit 4): only 'current' is "
				"defined\n", tg.t->name);
	}
	bool have_len = nvsh_isset(opts, "data-len");
	if (nvsh_isset(opts, "feature-id") && (rc = feature_supported(&tg, (unsigned)fid)))
		return rc;
	if (nvsh_isset(opts, "feature-id"))
		return get_one(&tg, (unsigned)fid, (unsigned)sel, (uint32_t)cdw11, (size_t)dlen, have_len, false);
	int failed = 0;
	for (unsigned i = 0; i < sizeof(default_fids); i++) {
		const char *why = feature_absent(&tg, default_fids[i]);
		if (why) {
			kprintf("get-feature:0x%02x (%s): not supported (%s)\n", default_fids[i],
				feature_name(default_fids[i]), why);
			continue;
		}
		failed += get_one(&tg, default_fids[i], (unsigned)sel, (uint32_t)cdw11, 0, false, true) != 0;
	}
	return failed == (int)sizeof(default_fids) ? SHELL_ERR : SHELL_OK;
}
NVSH_COMMAND("get-feature", "get-feature [DEVICE] [-f FID] [-s SEL] [-n NSID] [--cdw11 V] [-l LEN]",
	     "Get Features: raw value and decoded fields (nvme-cli get-feature)",
	     NVSH_HELP_DEVICE_OPT
	     "-f/--feature-id FID (1..255; without it: features 01h-02h, 04h-08h, 0Ah-0Ch, 0Eh).\n"
	     "-s/--sel 0 current, 1 default, 2 saved, 3 supported capabilities (saveable,\n"
	     "namespace specific, changeable). --cdw11 V is sent in CDW11 (e.g. the threshold\n"
	     "to read for Temperature Threshold, the vector for Interrupt Vector Config).\n"
	     "-l/--data-len LEN overrides the data length (features with data, such as\n"
	     "Timestamp or LBA Range Type, use theirs by default); data is shown as hexdump.\n"
	     "Prints 'get-feature:0xFID (Name), Current value:0xVALUE' as nvme-cli, then one\n"
	     "line per field as the driver's decoder splits it (Arbitration, Power Management,\n"
	     "Temperature Threshold, Error Recovery, Volatile Write Cache, Number of Queues,\n"
	     "Interrupt Coalescing/Vector, Write Atomicity, Async Event Config, APST, Keep\n"
	     "Alive; counts 1-based, times in ms/usec, K with C) and the Timestamp data.",
	     cmd_get_feature);

static int cmd_set_feature(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "feature-id", .short_name = 'f', .takes_value = true },
		{ .name = "value", .short_name = 'v', .takes_value = true },
		NVSH_OPT_NSID,
		{ .name = "save", .short_name = 's' },
		{ .name = "data", .short_name = 'd', .takes_value = true },
		{ 0 },
	};
	struct nvsh_target tg;
	uint64_t fid = 0, value = 0;
	struct pattern data;
	int rc = nvsh_parse(argc, argv, opts, NVSH_NS_OPTIONAL, &tg);
	if (rc || (rc = parse_fid(opts, &fid)) ||
	    (rc = nvsh_opt_u64_max(opts, "value", 0xFFFFFFFFull, &value)))
		return rc;
	if (!nvsh_isset(opts, "feature-id"))
		return shell_usage_error("missing --feature-id");
	struct shell_opt *d = nvsh_opt(opts, "data");
	if (!nvsh_isset(opts, "value") && !d->set)
		return shell_usage_error("missing --value (and no --data)");
	if (d->set && !pattern_parse_hex(d->value, 0, &data))
		return shell_usage_error("bad hex data for --data: '%s' (expected pairs of hex digits, "
					 "1..%u bytes)", d->value, (unsigned)PATTERN_DATA_MAX);
	if (fid == NVME_FEAT_NUM_QUEUES)
		return shell_usage_error("Number of Queues is set by the driver (once per reset): use "
					 "set-queue-count");
	if (fid == NVME_FEAT_HOST_MEM_BUFFER)
		return shell_usage_error("the driver manages the host memory buffer (list -v shows it): not set");
	if ((rc = feature_supported(&tg, (unsigned)fid)))
		return rc;
	bool save = nvsh_isset(opts, "save");
	size_t len = d->set ? data.data_len : 0;
	if (d->set) {
		/* the feature's whole data structure (APST: 256 bytes), zero padded */
		const struct feature *f = find_feature((unsigned)fid);
		memset(nvsh_scratch, 0, sizeof(nvsh_scratch));
		memcpy(nvsh_scratch, data.data, len);
		if (f && f->data_len > len)
			len = f->data_len;
	}
	uint32_t dw0 = 0;
	struct nvme_feat_args a = { .fid = (uint8_t)fid, .save = save, .nsid = tg.nsid, .cdw11 = (uint32_t)value,
				    .buf = len ? nvsh_scratch : NULL, .len = len };
	rc = nvme_feat_set(tg.c, &a, NVME_FEAT_RAW, &dw0);
	if (rc) {
		char why[112];
		nvme_status_describe(rc, why, sizeof(why));
		return shell_error("set-feature 0x%02x (%s) failed: %s", (unsigned)fid,
				   feature_name((unsigned)fid), why);
	}
	kprintf("set-feature:0x%02x (%s), value:0x%08x, save:%d, result:0x%08x\n", (unsigned)fid,
		feature_name((unsigned)fid), (unsigned)value, save ? 1 : 0, (unsigned)dw0);
	decode_feature((unsigned)fid, (uint32_t)value, len ? nvsh_scratch : NULL, len);
	return SHELL_OK;
}
NVSH_COMMAND("set-feature", "set-feature [DEVICE] -f FID (-v VALUE | --data HEX) [-n NSID] [-s]",
	     "Set Features with a raw value (nvme-cli set-feature)",
	     NVSH_HELP_DEVICE_OPT
	     "-f/--feature-id FID, -v/--value V (CDW11), -s/--save (SV: keep across power\n"
	     "cycles, if the controller supports it), -d/--data HEX bytes for features that\n"
	     "take data (e.g. Timestamp: 8 bytes, little endian ms; APST: 8 bytes per power\n"
	     "state, ITPS in bits 7:3, idle ms in bits 31:8), zero padded to the feature's\n"
	     "data size (APST 256 bytes). Number of Queues (07h) is\n"
	     "refused here: use set-queue-count, which resets the controller as the spec\n"
	     "requires. Host Memory Buffer (0Dh) is refused: the driver has no HMB support.\n"
	     "Features Identify Controller marks as absent (APST, Timestamp, Keep Alive, ...)\n"
	     "are refused with the field that says so, for get-feature too.\n"
	     "Prints the value sent, CDW0 of the completion and the decoded fields.",
	     cmd_set_feature);
