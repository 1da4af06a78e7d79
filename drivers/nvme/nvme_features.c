/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_features.c - decoders that split a feature value into named fields
 * (and one line of text), encoders, and the Timestamp feature (8 bytes of
 * data) on top of nvme_feat_get()/nvme_feat_set() (nvme_admin.c: the one
 * Get/Set Features family, with its support gate).
 * Layouts: NVMe 1.4 section 5.21.1 (one subsection per feature).
 */
#include "nvme_internal.h"

#if NVME_CFG_FEATURES   /* optional (nvme.h): the file is empty without it */

struct fdesc {
	const char *name;
	uint8_t     shift, width;
	const char *unit;
};

struct feat_layout {
	uint8_t     fid;
	const char *name;
	struct fdesc f[6];
};

/* Fields of the features with a dword-0 value. */
static const struct feat_layout layouts[] = {
	{ NVME_FEAT_ARBITRATION, "Arbitration",
	  { { "AB", 0, 3, "log2 commands" }, { "LPW", 8, 8, "0's based" }, { "MPW", 16, 8, "0's based" },
	    { "HPW", 24, 8, "0's based" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_POWER_MGMT, "Power Management",
	  { { "PS", 0, 5, "power state" }, { "WH", 5, 3, "workload hint" }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_TEMP_THRESHOLD, "Temperature Threshold",
	  { { "TMPTH", 0, 16, "K" }, { "TMPSEL", 16, 4, "sensor (0 composite)" }, { "THSEL", 20, 2, "0 over, 1 under" },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_ERROR_RECOVERY, "Error Recovery",
	  { { "TLER", 0, 16, "x 100 ms" }, { "DULBE", 16, 1, "" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_VOLATILE_WC, "Volatile Write Cache",
	  { { "WCE", 0, 1, "" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_NUM_QUEUES, "Number of Queues",
	  { { "NSQ", 0, 16, "0's based" }, { "NCQ", 16, 16, "0's based" }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_IRQ_COALESCING, "Interrupt Coalescing",
	  { { "THR", 0, 8, "0's based" }, { "TIME", 8, 8, "x 100 us" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_IRQ_CONFIG, "Interrupt Vector Configuration",
	  { { "IV", 0, 16, "" }, { "CD", 16, 1, "coalescing disabled" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_WRITE_ATOMICITY, "Write Atomicity Normal",
	  { { "DN", 0, 1, "" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_ASYNC_EVENT_CONFIG, "Asynchronous Event Configuration",
	  { { "SMART", 0, 8, "critical warning bits" }, { "NAN", 8, 1, "namespace attribute" },
	    { "FAN", 9, 1, "firmware activation" }, { "TLN", 10, 1, "telemetry log" },
	    { "ANACN", 11, 1, "ANA change" }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_AUTO_PST, "Autonomous Power State Transition",
	  { { "APSTE", 0, 1, "" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
	{ NVME_FEAT_KEEP_ALIVE, "Keep Alive Timer",
	  { { "KATO", 0, 32, "ms" }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL },
	    { NULL, 0, 0, NULL }, { NULL, 0, 0, NULL } } },
};

NVME_COLD static const struct feat_layout *layout_of(uint8_t fid)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].fid == fid)
			return &layouts[i];
	return NULL;
}

NVME_COLD const char *nvme_feat_name(uint8_t fid)
{
	const struct feat_layout *l = layout_of(fid);
	if (l != NULL)
		return l->name;
	switch (fid) {
	case NVME_FEAT_LBA_RANGE_TYPE:   return "LBA Range Type";
	case NVME_FEAT_HOST_MEM_BUFFER:  return "Host Memory Buffer";
	case NVME_FEAT_TIMESTAMP:        return "Timestamp";
	case NVME_FEAT_HOST_THERMAL_MGMT: return "Host Controlled Thermal Management";
	case NVME_FEAT_NON_OP_POWER_STATE: return "Non-Operational Power State Config";
	case NVME_FEAT_SANITIZE_CONFIG:  return "Sanitize Config";
	case NVME_FEAT_HOST_ID:          return "Host Identifier";
	case NVME_FEAT_RESV_NOTIFICATION_MASK: return "Reservation Notification Mask";
	case NVME_FEAT_RESV_PERSISTENCE: return "Reservation Persistence";
	default:                         return "Unknown";
	}
}

NVME_COLD int nvme_feat_decode(uint8_t fid, uint32_t value, struct nvme_feat_decoded *out)
{
	if (out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	out->fid = fid;
	out->name = nvme_feat_name(fid);
	const struct feat_layout *l = layout_of(fid);
	if (l == NULL) {
		out->nfields = 1;
		out->field[0].name = "value";
		out->field[0].value = value;
		out->field[0].meaning = "";
		return NVME_ERR_UNSUPPORTED;
	}
	for (unsigned i = 0; i < 6 && l->f[i].name != NULL; i++) {
		const struct fdesc *d = &l->f[i];
		uint32_t mask = d->width >= 32 ? 0xFFFFFFFFu : ((1u << d->width) - 1u);
		out->field[i].name = d->name;
		out->field[i].value = (value >> d->shift) & mask;
		out->field[i].meaning = d->unit;
		out->nfields = i + 1;
	}
	/* meanings that depend on the value */
	if (fid == NVME_FEAT_ARBITRATION && out->field[0].value == 7)
		out->field[0].meaning = "no limit";
	if (fid == NVME_FEAT_VOLATILE_WC)
		out->field[0].meaning = out->field[0].value ? "enabled" : "disabled";
	if (fid == NVME_FEAT_WRITE_ATOMICITY || fid == NVME_FEAT_AUTO_PST)
		out->field[0].meaning = out->field[0].value ? "enabled" : "disabled";
	if (fid == NVME_FEAT_ERROR_RECOVERY)
		out->field[1].meaning = out->field[1].value ? "deallocated blocks are errors" : "off";
	return 0;
}

NVME_COLD size_t nvme_feat_describe(uint8_t fid, uint32_t value, char *buf, size_t len)
{
	struct nvme_feat_decoded d;
	(void)nvme_feat_decode(fid, value, &d);
	size_t pos = nvme_cat(buf, len, 0, "%s:", d.name);
	for (uint32_t i = 0; i < d.nfields; i++) {
		const struct nvme_feat_field *f = &d.field[i];
		if (f->value > 0xFFFFu)
			pos = nvme_cat(buf, len, pos, "%s %s %Xh", i ? "," : "", f->name, (unsigned)f->value);
		else
			pos = nvme_cat(buf, len, pos, "%s %s %u", i ? "," : "", f->name, (unsigned)f->value);
		if (fid == NVME_FEAT_TEMP_THRESHOLD && i == 0)
			pos = nvme_cat(buf, len, pos, " K (%d C)", NVME_KELVIN_TO_CELSIUS(f->value));
		else if (fid == NVME_FEAT_NUM_QUEUES)
			pos = nvme_cat(buf, len, pos, " (%u queues)", (unsigned)f->value + 1u);
		else if (f->meaning != NULL && f->meaning[0] != '\0')
			pos = nvme_cat(buf, len, pos, " (%s)", f->meaning);
	}
	return pos;
}

NVME_COLD uint32_t nvme_feat_arbitration(uint8_t ab, uint8_t lpw, uint8_t mpw, uint8_t hpw)
{
	return (uint32_t)(NVME_SET(NVME_FEAT_ARB_AB, ab) | NVME_SET(NVME_FEAT_ARB_LPW, lpw) |
			  NVME_SET(NVME_FEAT_ARB_MPW, mpw) | NVME_SET(NVME_FEAT_ARB_HPW, hpw));
}

NVME_COLD uint32_t nvme_feat_power_mgmt(uint8_t ps, uint8_t wh)
{
	return (uint32_t)(NVME_SET(NVME_FEAT_PM_PS, ps) | NVME_SET(NVME_FEAT_PM_WH, wh));
}

NVME_COLD uint32_t nvme_feat_temp_threshold(uint16_t kelvin, uint8_t tmpsel, bool under)
{
	return (uint32_t)(NVME_SET(NVME_FEAT_TT_TMPTH, kelvin) | NVME_SET(NVME_FEAT_TT_TMPSEL, tmpsel) |
			  NVME_SET(NVME_FEAT_TT_THSEL, under ? NVME_FEAT_TT_THSEL_UNDER : NVME_FEAT_TT_THSEL_OVER));
}

NVME_COLD uint32_t nvme_feat_irq_coalescing(uint8_t thr, uint8_t time_100us)
{
	return (uint32_t)(NVME_SET(NVME_FEAT_IC_THR, thr) | NVME_SET(NVME_FEAT_IC_TIME, time_100us));
}

NVME_COLD uint32_t nvme_feat_async_event(uint8_t smart_warnings, bool ns_attr, bool fw_activation)
{
	return (uint32_t)(NVME_SET(NVME_FEAT_AEC_SMART, smart_warnings) | NVME_SET(NVME_FEAT_AEC_NAN, ns_attr ? 1 : 0) |
			  NVME_SET(NVME_FEAT_AEC_FAN, fw_activation ? 1 : 0));
}

NVME_COLD int nvme_timestamp_get(struct nvme_ctrl *c, uint8_t sel, struct nvme_timestamp *ts, unsigned flags)
{
	if (c == NULL || ts == NULL || sel > NVME_FEAT_SEL_SAVED)
		return NVME_ERR_INVAL;
	__builtin_memset(ts, 0, sizeof(*ts));
	if (c->idbuf == NULL)
		return NVME_ERR_NOT_READY;
	uint8_t *b = c->idbuf;
	__builtin_memset(b, 0, NVME_TIMESTAMP_DATA_SIZE);
	struct nvme_feat_args a = { .fid = NVME_FEAT_TIMESTAMP, .sel = sel, .buf = b, .len = NVME_TIMESTAMP_DATA_SIZE };
	int rc = nvme_feat_get(c, &a, flags, NULL);
	if (rc != 0)
		return rc;
	for (int i = 5; i >= 0; i--)
		ts->ms = (ts->ms << 8) | b[i];
	ts->synch = NVME_GET(b[6], NVME_TIMESTAMP_ATTR_SYNCH) != 0;
	ts->origin = (uint8_t)NVME_GET(b[6], NVME_TIMESTAMP_ATTR_ORIGIN);
	return 0;
}

NVME_COLD int nvme_timestamp_set(struct nvme_ctrl *c, uint64_t ms, unsigned flags)
{
	if (c == NULL || (ms & ~NVME_TIMESTAMP_MS_MASK) != 0)
		return NVME_ERR_INVAL;
	if (c->idbuf == NULL)
		return NVME_ERR_NOT_READY;
	uint8_t *b = c->idbuf;
	__builtin_memset(b, 0, NVME_TIMESTAMP_DATA_SIZE);
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ms >> (8 * i));
	struct nvme_feat_args a = { .fid = NVME_FEAT_TIMESTAMP, .buf = b, .len = NVME_TIMESTAMP_DATA_SIZE };
	return nvme_feat_set(c, &a, flags, NULL);
}

#else
typedef int nvme_features_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_FEATURES */
