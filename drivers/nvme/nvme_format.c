/*
 * nvme_format.c - Format NVM (OACS bit 1): LBA format, metadata and
 * protection settings, secure erase; the namespaces are re-read afterwards.
 *
 * The format index is checked against the namespace's NLBAF before anything
 * is sent (indexes above 15 use the LBAFU bits of NVMe 2.0). A cryptographic
 * erase needs FNA bit 2. The command may take minutes: it waits up to
 * cfg.format_timeout_ms (at least the admin timeout). Afterwards every
 * namespace is re-read (a full rescan), which also covers FNA bit 0
 * ("a format of one namespace formats them all"), so struct nvme_ns
 * reflects the new block size and count.
 */
#include "nvme_internal.h"

/* Format NVM cdw10 bits 13:12: LBA format index bits 5:4 (NVMe 2.0). */
#define FORMAT_CDW10_LBAFU  12, 2

static int lbaf_ok(struct nvme_ctrl *c, const struct nvme_ns *ns, uint8_t lbaf)
{
	if (ns->format_count == 0 || lbaf >= ns->format_count) {
		nvme_err(c, "format: namespace %u has %u LBA formats; index %u is beyond NLBAF", (unsigned)ns->nsid,
			 (unsigned)ns->format_count, (unsigned)lbaf);
		return NVME_ERR_INVAL;
	}
	return 0;
}

int nvme_format_nvm(struct nvme_ctrl *c, uint32_t nsid, const struct nvme_format_opts *o)
{
	if (c == NULL || o == NULL || o->ses > NVME_FORMAT_SES_CRYPTO || o->pi > 3 ||
	    o->lbaf >= NVME_ID_NS_MAX_LBAF)
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (nsid == NVME_NSID_ALL) {
		for (uint32_t i = 0; i < c->ns_count; i++) {
			rc = lbaf_ok(c, &c->ns[i], o->lbaf);
			if (rc != 0)
				return rc;
		}
	} else {
		struct nvme_ns *ns = nvme_ns_get(c, nsid);
		if (ns == NULL)
			return NVME_ERR_NO_NAMESPACE;
		rc = lbaf_ok(c, ns, o->lbaf);
		if (rc != 0)
			return rc;
	}
	rc = nvme_require(c, NVME_OPT_FORMAT, o->flags, "Format NVM");
	if (rc == 0 && o->ses == NVME_FORMAT_SES_CRYPTO)
		rc = nvme_require(c, NVME_OPT_FORMAT_CRYPTO, o->flags, "Format NVM (cryptographic erase)");
	if (rc != 0)
		return rc;

	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_FORMAT_NVM;
	sqe.nsid = nsid;
	sqe.cdw10 = (uint32_t)(NVME_SET(NVME_FORMAT_CDW10_LBAF, o->lbaf & 15u) |
			       NVME_SET(FORMAT_CDW10_LBAFU, o->lbaf >> 4) |
			       NVME_SET(NVME_FORMAT_CDW10_MSET, o->mset ? 1 : 0) |
			       NVME_SET(NVME_FORMAT_CDW10_PI, o->pi) |
			       NVME_SET(NVME_FORMAT_CDW10_PIL, o->pil ? 1 : 0) |
			       NVME_SET(NVME_FORMAT_CDW10_SES, o->ses));
	uint32_t timeout = nvme_max_u32(c->cfg.format_timeout_ms, c->admin_timeout_ms);
	nvme_info(c, "format NSID %x: LBA format %u, SES %u (timeout %u ms)", (unsigned)nsid, (unsigned)o->lbaf,
		  (unsigned)o->ses, (unsigned)timeout);
	rc = nvme_q_exec(&c->admin, &sqe, NULL, 0, timeout, NULL);
	if (rc != 0) {
		nvme_err(c, "Format NVM NSID %x: %s", (unsigned)nsid, nvme_strerror(rc));
		if (!nvme_status_is_device(rc))
			return rc;
	}
	/* Re-read the namespaces even after a device error: a partial format
	 * may have changed them. */
	int rc2 = nvme_ns_scan(c);
	if (rc2 != 0)
		nvme_err(c, "format: re-reading the namespaces failed: %s", nvme_strerror(rc2));
	return rc != 0 ? rc : rc2;
}
