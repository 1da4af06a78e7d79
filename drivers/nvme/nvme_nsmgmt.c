/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_nsmgmt.c - namespace management and attachment (NVMe 1.4 sections
 * 5.19 Namespace Attachment, 5.20 Namespace Management, 5.15.2 Identify CNS
 * 10h-13h; OACS bit 3).
 *
 * Lists from the device are checked before use: a controller list holds at
 * most 2047 increasing identifiers starting at the CNTID asked for; an
 * allocated namespace list is parsed like the active one (increasing, not
 * above NN, zero-terminated). The NSID a create returns is checked against
 * NN. Every command that changes which namespaces this controller sees
 * (attach, detach, delete) is followed by a rescan of the driver's table
 * (not when the device refused it: then nothing changed);
 * the Namespace Attribute Changed event that the controller may also send
 * rescans again from nvme_ctrl_poll_admin() (nvme_aer.c), which is harmless.
 * Create does not attach: its namespace appears after nvme_ns_attach().
 * The data of these commands (controller list, namespace fields) is built
 * in the controller's Identify buffer, so they need no memory of the
 * caller's.
 */
#include "nvme_internal.h"

#if NVME_CFG_NSMGMT   /* optional (nvme.h): the file is empty without it */

NVME_COLD uint16_t nvme_ctrl_cntlid(const struct nvme_ctrl *c)
{
	return c != NULL ? c->id.cntlid : 0;
}

NVME_COLD int nvme_ctrl_list(struct nvme_ctrl *c, uint32_t nsid, uint16_t first, uint16_t *ids, uint32_t max,
		   uint32_t *n, uint32_t *total)
{
	if (c == NULL || n == NULL || (ids == NULL && max != 0))
		return NVME_ERR_INVAL;
	*n = 0;
	if (total != NULL)
		*total = 0;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	uint8_t cns = nsid == 0 ? NVME_CNS_CTRL_LIST : NVME_CNS_NS_CTRL_LIST;
	if (nsid == NVME_NSID_ALL)
		return NVME_ERR_INVAL;
	if (!nvme_ctrl_cns_exists(c, cns))
		return NVME_ERR_UNSUPPORTED;
	struct nvme_sqe sqe;
	nvme_identify_sqe(&sqe, cns, nsid, first, 0);
	__builtin_memset(c->idbuf, 0, NVME_IDENTIFY_DATA_SIZE);
	rc = nvme_admin_exec(c, &sqe, c->idbuf, NVME_IDENTIFY_DATA_SIZE, NULL);
	if (rc != 0)
		return rc;
	const struct nvme_ctrl_list *l = c->idbuf;
	if (l->num > NVME_CTRL_LIST_MAX) {
		nvme_warn(c, "controller list (CNS %02Xh) says %u identifiers, at most %u fit", (unsigned)cns,
			  (unsigned)l->num, (unsigned)NVME_CTRL_LIST_MAX);
		return NVME_ERR_BAD_ID;
	}
	for (uint32_t i = 0; i < l->num; i++) {
		uint16_t id = l->ids[i];
		if (id < first || (i != 0 && id <= l->ids[i - 1]) || id >= 0xFFF0u) {
			nvme_warn(c, "controller list (CNS %02Xh) entry %u (%u) not increasing from %u or reserved",
				  (unsigned)cns, (unsigned)i, (unsigned)id, (unsigned)first);
			return NVME_ERR_BAD_ID;
		}
		if (*n < max)
			ids[(*n)++] = id;
	}
	if (total != NULL)
		*total = l->num;
	return 0;
}

NVME_COLD int nvme_ns_list_allocated(struct nvme_ctrl *c, uint32_t after_nsid, uint32_t *out, uint32_t max,
			   uint32_t *n)
{
	return nvme_ns_list_cns(c, NVME_CNS_ALLOCATED_NS_LIST, "allocated", after_nsid, out, max, n);
}

NVME_COLD int nvme_ns_identify_allocated(struct nvme_ctrl *c, uint32_t nsid, struct nvme_id_ns *out)
{
	if (c == NULL || out == NULL || nsid == 0 || nsid == NVME_NSID_ALL)
		return NVME_ERR_INVAL;
	if (c->state == NVME_CTRL_READY && !nvme_ctrl_cns_exists(c, NVME_CNS_ALLOCATED_NS))
		return NVME_ERR_UNSUPPORTED;
	return nvme_identify(c, NVME_CNS_ALLOCATED_NS, nsid, 0, out);
}

/* Rescan after a change; the command's status wins over the rescan's. A
 * command the device refused changed nothing: no rescan then. */
NVME_COLD static int after_change(struct nvme_ctrl *c, int rc, const char *what, uint32_t nsid)
{
	if (nvme_status_is_device(rc) || nvme_ctrl_usable(c) != 0)
		return rc;
	int rs = nvme_ns_scan(c);
	if (rs != 0)
		nvme_warn(c, "%s of namespace %u: rescan failed: %s", what, (unsigned)nsid, nvme_strerror(rs));
	return rc != 0 ? rc : rs;
}

NVME_COLD static int attach_detach(struct nvme_ctrl *c, uint32_t nsid, const uint16_t *ids, uint32_t n,
				   unsigned flags, uint32_t sel)
{
	const char *what = sel == NVME_NSATT_SEL_ATTACH ? "Namespace Attachment (attach)"
							: "Namespace Attachment (detach)";
	if (c == NULL || nsid == 0 || nsid == NVME_NSID_ALL || n > NVME_CTRL_LIST_MAX || (n != 0 && ids == NULL))
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	rc = nvme_require_cmd(c, NVME_OPT_NS_MGMT, NVME_ADMIN_NS_ATTACHMENT, flags, what);
	if (rc != 0)
		return rc;
	struct nvme_ctrl_list *l = c->idbuf;
	__builtin_memset(l, 0, sizeof(*l));
	if (n == 0) {
		l->num = 1;
		l->ids[0] = c->id.cntlid;
	} else {
		l->num = (uint16_t)n;
		for (uint32_t i = 0; i < n; i++)
			l->ids[i] = ids[i];
	}
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_NS_ATTACHMENT;
	sqe.nsid = nsid;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_NSATT_CDW10_SEL, sel);
	rc = nvme_admin_exec(c, &sqe, c->idbuf, sizeof(*l), NULL);
	if (rc != 0)
		nvme_dbg(c, "%s of namespace %u: %s", what, (unsigned)nsid, nvme_strerror(rc));
	return after_change(c, rc, what, nsid);
}

NVME_COLD int nvme_ns_attach(struct nvme_ctrl *c, uint32_t nsid, const uint16_t *ids, uint32_t n, unsigned flags)
{
	return attach_detach(c, nsid, ids, n, flags, NVME_NSATT_SEL_ATTACH);
}

NVME_COLD int nvme_ns_detach(struct nvme_ctrl *c, uint32_t nsid, const uint16_t *ids, uint32_t n, unsigned flags)
{
	return attach_detach(c, nsid, ids, n, flags, NVME_NSATT_SEL_DETACH);
}

NVME_COLD int nvme_ns_create(struct nvme_ctrl *c, const struct nvme_ns_create_args *a, unsigned flags, uint32_t *nsid)
{
	if (nsid != NULL)
		*nsid = 0;
	if (c == NULL || a == NULL || nsid == NULL || a->nsze == 0 || a->ncap > a->nsze ||
	    (a->flbas & 0x80u) != 0 || (a->dps & 0xF0u) != 0)
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	rc = nvme_require_cmd(c, NVME_OPT_NS_MGMT, NVME_ADMIN_NS_MANAGEMENT, flags, "Namespace Management (create)");
	if (rc != 0)
		return rc;
	struct nvme_id_ns *d = c->idbuf;
	__builtin_memset(d, 0, sizeof(*d));
	d->nsze = a->nsze;
	d->ncap = a->ncap != 0 ? a->ncap : a->nsze;
	/* FLBAS: index bits 3:0, extended-metadata bit 4, index bits 6:5 (> 15) */
	d->flbas = a->flbas;
	d->dps = a->dps;
	d->nmic = a->shared ? 1u : 0u;
	struct nvme_sqe sqe;
	struct nvme_cqe cqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	__builtin_memset(&cqe, 0, sizeof(cqe));
	sqe.opc = NVME_ADMIN_NS_MANAGEMENT;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_NSMGMT_CDW10_SEL, NVME_NSMGMT_SEL_CREATE);
	sqe.cdw11 = (uint32_t)NVME_SET(NVME_NSMGMT_CDW11_CSI, a->csi);
	rc = nvme_admin_exec(c, &sqe, c->idbuf, sizeof(*d), &cqe);
	if (rc != 0)
		return rc;
	if (cqe.dw0 == 0 || cqe.dw0 > c->id.nn || cqe.dw0 == NVME_NSID_ALL) {
		nvme_warn(c, "Namespace Management (create) returned NSID %u (NN %u)", (unsigned)cqe.dw0,
			  (unsigned)c->id.nn);
		return NVME_ERR_BAD_ID;
	}
	*nsid = cqe.dw0;
	return 0;
}

NVME_COLD int nvme_ns_delete(struct nvme_ctrl *c, uint32_t nsid, unsigned flags)
{
	if (c == NULL || nsid == 0 || (nsid == NVME_NSID_ALL && !(flags & NVME_NSMGMT_ALL)))
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	rc = nvme_require_cmd(c, NVME_OPT_NS_MGMT, NVME_ADMIN_NS_MANAGEMENT, flags, "Namespace Management (delete)");
	if (rc != 0)
		return rc;
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_NS_MANAGEMENT;
	sqe.nsid = nsid;
	sqe.cdw10 = (uint32_t)NVME_SET(NVME_NSMGMT_CDW10_SEL, NVME_NSMGMT_SEL_DELETE);
	rc = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	return after_change(c, rc, "Namespace Management (delete)", nsid);
}

#else
typedef int nvme_nsmgmt_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_NSMGMT */
