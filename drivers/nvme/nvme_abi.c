/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_abi.c - the ABI check of nvme_ctrl_init() (nvme_types.h): the
 * caller's build (NVME_CFG_* values, struct sizes) against the driver's.
 */
#include "nvme_internal.h"

/* The driver's own build, compared with the caller's by nvme_ctrl_init. */
static const struct nvme_abi driver_abi = NVME_ABI_INIT;

NVME_COLD size_t nvme_abi_diff(const struct nvme_abi *abi, char *buf, size_t len)
{
	static const char *const bit_names[] = { NVME_CFG_BIT_NAMES };
	const struct nvme_abi *d = &driver_abi;
	const char *what = NULL;
	long long mine = 0, theirs = 0;

	if (abi == NULL)
		return nvme_format(buf, len, "no ABI description from the caller");
	if (abi->version != d->version) {
		what = "NVME_ABI_VERSION (driver sources of another version)";
		theirs = abi->version;
		mine = d->version;
	} else if (abi->cfg_bits != d->cfg_bits) {
		uint32_t diff = abi->cfg_bits ^ d->cfg_bits;
		unsigned bit = 0;
		while (!(diff & 1u)) {   /* no __builtin_ctz: libgcc on some CPUs */
			diff >>= 1;
			bit++;
		}
		what = bit < sizeof(bit_names) / sizeof(bit_names[0]) ? bit_names[bit] : "an NVME_CFG_* switch";
		theirs = (abi->cfg_bits >> bit) & 1u;
		mine = (d->cfg_bits >> bit) & 1u;
	}
#define ABI_FIELD(f, name)                                              \
	else if (abi->f != d->f) {                                      \
		what = name;                                            \
		theirs = abi->f;                                        \
		mine = d->f;                                            \
	}
	ABI_FIELD(log_level, "NVME_CFG_LOG_LEVEL")
	ABI_FIELD(max_io_queues, "NVME_CFG_MAX_IO_QUEUES")
	ABI_FIELD(max_ns, "NVME_CFG_MAX_NS")
	ABI_FIELD(max_aer, "NVME_CFG_MAX_AER")
	ABI_FIELD(event_ring, "NVME_CFG_EVENT_RING")
	ABI_FIELD(ctrl_size, "sizeof(struct nvme_ctrl)")
	ABI_FIELD(qpair_size, "sizeof(struct nvme_qpair)")
	ABI_FIELD(ns_size, "sizeof(struct nvme_ns)")
	ABI_FIELD(config_size, "sizeof(struct nvme_ctrl_config)")
#undef ABI_FIELD
	if (what == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	return nvme_format(buf, len, "%s: caller %lld, driver %lld", what, theirs, mine);
}

/* Refuse a caller built with other switches: its struct nvme_ctrl is not
 * the one this code would write, so nothing of it is touched. */
NVME_COLD int nvme_abi_check(const struct nvme_host *host, const struct nvme_abi *abi)
{
	char line[160];
	size_t n = nvme_format(line, sizeof(line), "nvme: refused: built with other switches than the driver: ");

	if (nvme_abi_diff(abi, line + n, sizeof(line) - n) == 0)
		return 0;
	if (NVME_CFG_LOG_LEVEL >= 0 && host != NULL && host->log != NULL)
		host->log(host->ctx, NVME_LOG_ERROR, line);
	return NVME_ERR_ABI;
}

