/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_selftest.c - Device Self-test command and log (nvme_selftest.h).
 * NVMe 1.4 section 5.8 (Device Self-test command) and 5.14.1.6 (Device
 * Self-test log: 4-byte header, 20 results of 28 bytes).
 */
#include "nvme_internal.h"
#include "nvme_selftest.h"

#if NVME_CFG_SELFTEST   /* optional (nvme_selftest.h): the file is empty without it */

#define DST_LOG_BYTES      564u
#define DST_RESULT_BYTES   28u

NVME_COLD static int dst_send(struct nvme_ctrl *c, uint32_t nsid, unsigned code, const char *what)
{
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	rc = nvme_require_cmd(c, NVME_OPT_SELF_TEST, NVME_ADMIN_DEVICE_SELF_TEST, 0, what);
	if (rc != 0)
		return rc;
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_DEVICE_SELF_TEST;
	sqe.nsid = nsid;
	sqe.cdw10 = code & 0xFu;
	return nvme_admin_exec(c, &sqe, NULL, 0, NULL);
}

NVME_COLD int nvme_self_test_start(struct nvme_ctrl *c, uint32_t nsid, unsigned code)
{
	if (c == NULL || (code != NVME_DST_SHORT && code != NVME_DST_EXTENDED))
		return NVME_ERR_INVAL;
	if (nsid != 0 && nsid != NVME_NSID_ALL && (nsid > c->id.nn))
		return NVME_ERR_NO_NAMESPACE;
	int rc = dst_send(c, nsid, code, code == NVME_DST_SHORT ? "Device Self-test (short)" : "Device Self-test (extended)");
	if (rc == 0)
		nvme_info(c, "%s device self-test started (nsid %x)", code == NVME_DST_SHORT ? "short" : "extended",
			  (unsigned)nsid);
	return rc;
}

NVME_COLD int nvme_self_test_abort(struct nvme_ctrl *c)
{
	if (c == NULL)
		return NVME_ERR_INVAL;
	/* the abort applies to the running test; NSID FFFFFFFFh names no one namespace */
	return dst_send(c, NVME_NSID_ALL, NVME_DST_ABORT, "Device Self-test (abort)");
}

NVME_COLD static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

NVME_COLD int nvme_self_test_log_read(struct nvme_ctrl *c, struct nvme_self_test_log *out)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	if (c->idbuf == NULL || c->idbuf_bytes < DST_LOG_BYTES)
		return NVME_ERR_NOT_READY;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	rc = nvme_require_cmd(c, NVME_OPT_SELF_TEST, NVME_ADMIN_DEVICE_SELF_TEST, 0, "Device Self-test log");
	if (rc != 0)
		return rc;
	rc = nvme_get_log_page(c, NVME_LID_DEVICE_SELF_TEST, 0, NVME_NSID_ALL, 0, c->idbuf, DST_LOG_BYTES, false);
	if (rc != 0)
		return rc;
	const uint8_t *b = c->idbuf;
	out->current = b[0] & 0xFu;
	out->completion = b[1] & 0x7Fu;
	bool counting = true;
	for (uint32_t i = 0; i < NVME_DST_LOG_RESULTS; i++) {
		const uint8_t *r = b + 4 + i * DST_RESULT_BYTES;
		struct nvme_self_test_result *o = &out->result[i];
		o->result = r[0] & 0xFu;
		o->code = (uint8_t)(r[0] >> 4);
		o->segment = r[1];
		o->valid = r[2] & 0xFu;
		o->poh = le(r + 4, 8);
		o->nsid = (uint32_t)le(r + 12, 4);
		o->flba = le(r + 16, 8);
		o->sct = r[24] & 7u;
		o->sc = r[25];
		o->vs = (uint16_t)le(r + 26, 2);
		if (o->result == NVME_DST_RES_UNUSED)
			counting = false;
		else if (counting)
			out->count++;
	}
	if (out->completion > 100) {
		nvme_warn(c, "Device Self-test log: current completion %u %%", (unsigned)out->completion);
		return NVME_ERR_BAD_LOG_DATA;
	}
	return 0;
}

NVME_COLD const char *nvme_self_test_result_name(unsigned result)
{
	switch (result) {
	case NVME_DST_RES_OK: return "completed without error";
	case NVME_DST_RES_ABORTED_CMD: return "aborted by a Device Self-test command";
	case NVME_DST_RES_ABORTED_RESET: return "aborted by a controller level reset";
	case NVME_DST_RES_ABORTED_NS: return "aborted: a namespace was removed";
	case NVME_DST_RES_ABORTED_FORMAT: return "aborted by Format NVM";
	case NVME_DST_RES_FATAL: return "fatal or unknown test error";
	case NVME_DST_RES_FAILED_UNKNOWN: return "completed with a failed segment (which is not known)";
	case NVME_DST_RES_FAILED_SEGMENT: return "completed with one or more failed segments";
	case NVME_DST_RES_ABORTED_UNKNOWN: return "aborted for an unknown reason";
	case NVME_DST_RES_ABORTED_SANITIZE: return "aborted by Sanitize";
	case NVME_DST_RES_UNUSED: return "entry not used";
	default: return "reserved";
	}
}

#else
typedef int nvme_selftest_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_SELFTEST */
