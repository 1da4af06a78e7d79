/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_iocs.c - multiple I/O command sets (NVMe 2.0; QEMU 7.2 offers them at
 * version 1.4).
 *
 * CC.CSS: when CAP.CSS bit 6 offers "one or more I/O command sets" the driver
 * enables them all (CC.CSS 110b, nvme_ctrl.c), reads the I/O Command Set
 * data structure (Identify CNS 1Ch: up to 512 vectors, one bit per command
 * set identifier) and selects, with the I/O Command Set Profile feature
 * (FID 19h), the first vector that holds the NVM command set and the most
 * command sets; otherwise CC.CSS is the NVM command set alone.
 *
 * Each namespace's command set then comes from its Namespace Identification
 * Descriptor list (CNS 03h, descriptor type 4, CSI). A namespace of a command
 * set the driver does not implement (anything but NVM and, with NVME_CFG_ZNS,
 * zoned) is listed with its CSI and refused (NVME_NS_CSI). Nothing read
 * from the device is trusted: descriptor lengths are checked against the
 * 4 KiB buffer, a vector index beyond 511 is never sent.
 */
#include "nvme_internal.h"

/* The command sets this build implements, one bit per CSI. */
NVME_COLD uint64_t nvme_iocs_implemented(void)
{
	uint64_t v = 1ull << NVME_CSI_NVM;
#if NVME_CFG_ZNS
	v |= 1ull << NVME_CSI_ZNS;
#endif
	return v;
}

NVME_COLD const char *nvme_csi_name(uint8_t csi)
{
	switch (csi) {
	case NVME_CSI_NVM: return "NVM";
	case NVME_CSI_KV:  return "Key Value";
	case NVME_CSI_ZNS: return "Zoned Namespace";
	default:           return "unknown";
	}
}

/* Identify with a CSI into c->idbuf (the admin queue being live is enough). */
NVME_COLD int nvme_identify_csi_idbuf(struct nvme_ctrl *c, uint8_t cns, uint8_t csi, uint32_t nsid)
{
	struct nvme_sqe sqe;
	__builtin_memset(c->idbuf, 0, NVME_IDENTIFY_DATA_SIZE);
	nvme_identify_sqe(&sqe, cns, nsid, 0, csi);
	return nvme_q_exec(&c->admin, &sqe, c->idbuf, NVME_IDENTIFY_DATA_SIZE, c->admin_timeout_ms, NULL);
}

NVME_COLD int nvme_identify_csi(struct nvme_ctrl *c, uint8_t cns, uint8_t csi, uint32_t nsid, void *buf)
{
	if (c == NULL || buf == NULL || (cns != NVME_CNS_CS_NS && cns != NVME_CNS_CS_CTRL))
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	if (!nvme_ctrl_cns_exists(c, cns))
		return NVME_ERR_UNSUPPORTED;
	struct nvme_sqe sqe;
	nvme_identify_sqe(&sqe, cns, nsid, 0, csi);
	return nvme_admin_exec(c, &sqe, buf, NVME_IDENTIFY_DATA_SIZE, NULL);
}

NVME_COLD static unsigned popcount64(uint64_t v)
{
	unsigned n = 0;
	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

NVME_COLD void nvme_iocs_select(struct nvme_ctrl *c)
{
	c->iocs_index = 0;
	c->iocs_vector = 1ull << NVME_CSI_NVM;
	c->iocs_status = 0;
	if (c->css_sel != NVME_CC_CSS_IOCS)
		return;
	int rc = nvme_identify_csi_idbuf(c, NVME_CNS_IOCS, 0, 0);
	if (rc != 0) {
		/* mandatory with CAP.CSS bit 6; without it the default profile
		 * (index 0) is what the controller uses */
		c->iocs_status = rc;
		nvme_warn(c, "I/O Command Set data structure (Identify CNS 1Ch) failed: %s; using profile 0",
			  nvme_strerror(rc));
		return;
	}
	const uint64_t *vec = c->idbuf;
	uint64_t want = nvme_iocs_implemented();
	uint32_t best = NVME_IOCS_VECTORS;
	unsigned best_n = 0, best_all = 0;
	for (uint32_t i = 0; i < NVME_IOCS_VECTORS; i++) {
		uint64_t v = vec[i];
		if ((v & (1ull << NVME_CSI_NVM)) == 0)
			continue;
		/* most command sets the driver implements, then most in all */
		unsigned n = popcount64(v & want), all = popcount64(v);
		if (best == NVME_IOCS_VECTORS || n > best_n || (n == best_n && all > best_all)) {
			best = i;
			best_n = n;
			best_all = all;
		}
	}
	if (best == NVME_IOCS_VECTORS) {
		c->iocs_status = NVME_ERR_BAD_ID;
		nvme_warn(c, "Identify CNS 1Ch lists no command set combination with NVM; using profile 0");
		return;
	}
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_SET_FEATURES;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_FEAT_CDW10_FID, NVME_FEAT_IOCS_PROFILE);
	sqe.cdw11 = (uint32_t)NVME_SET(NVME_FEAT_IOCS_PROFILE_IDX, best);
	rc = nvme_q_exec(&c->admin, &sqe, NULL, 0, c->admin_timeout_ms, NULL);
	if (rc != 0) {
		c->iocs_status = rc;
		nvme_warn(c, "I/O Command Set Profile %u (vector %llxh) refused: %s; using profile 0",
			  (unsigned)best, (unsigned long long)vec[best], nvme_strerror(rc));
		c->iocs_vector = vec[0] != 0 ? vec[0] : c->iocs_vector;
		return;
	}
	c->iocs_index = (uint16_t)best;
	c->iocs_vector = vec[best];
	nvme_dbg(c, "I/O command set profile %u: vector %llxh", (unsigned)best, (unsigned long long)vec[best]);
}

NVME_COLD uint8_t nvme_iocs_ns_csi(struct nvme_ctrl *c, uint32_t nsid)
{
	if (c->css_sel != NVME_CC_CSS_IOCS || !nvme_ctrl_cns_exists(c, NVME_CNS_NS_ID_DESCRIPTORS))
		return NVME_CSI_NVM;
	int rc = nvme_identify_csi_idbuf(c, NVME_CNS_NS_ID_DESCRIPTORS, 0, nsid);
	if (rc != 0) {
		nvme_dbg(c, "ns %u: Namespace Identification Descriptors failed: %s; taken as NVM",
			 (unsigned)nsid, nvme_strerror(rc));
		return NVME_CSI_NVM;
	}
	const uint8_t *p = c->idbuf;
	size_t off = 0;
	while (off + sizeof(struct nvme_ns_id_desc) <= NVME_IDENTIFY_DATA_SIZE) {
		uint8_t type = p[off], len = p[off + 1];
		if (type == 0 || len == 0)
			break;   /* end of the list */
		size_t next = off + sizeof(struct nvme_ns_id_desc) + len;
		if (next > NVME_IDENTIFY_DATA_SIZE)
			break;   /* runs past the buffer: not trusted */
		if (type == NVME_NIDT_CSI && len == 1)
			return p[off + sizeof(struct nvme_ns_id_desc)];
		off = next;
	}
	return NVME_CSI_NVM;   /* no CSI descriptor: an NVM namespace */
}

NVME_COLD void nvme_ctrl_iocs(const struct nvme_ctrl *c, uint8_t *css, uint16_t *index, uint64_t *vector)
{
	if (css != NULL)
		*css = c != NULL ? c->css_sel : 0;
	if (index != NULL)
		*index = c != NULL ? c->iocs_index : 0;
	if (vector != NULL)
		*vector = c != NULL ? c->iocs_vector : 0;
}
