/* SPDX-License-Identifier: BSD-2-Clause */
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
 *
 * The wait is the driver's one synchronous wait (nvme_q_exec_hook()) with a
 * progress hook: the command is submitted without a queue timeout
 * (NVME_QF_NOTIMEOUT) and never resubmitted; the wait polls the admin
 * queue, checks CSTS, and at the format deadline does what a synchronous
 * command's timeout does (mark it expired, nvme_recover_slot(): Abort, then
 * controller reset). Every poll_ms the hook reads Identify Namespace for the
 * Format Progress Indicator (FPI bit 7 set: bits 6:0 are the percentage
 * still to format; NVMe 1.4 figure 245) and calls the progress callback.
 * Reading Identify while a format runs is what FPI is for; the Identify's
 * own wait may reap the format's completion, which the loop then sees. A
 * cancel gives the command up like a timed-out one without recovery
 * (nvme_q_give_up: the CID stays reserved until the device completes it).
 */
#include "nvme_internal.h"

#if NVME_CFG_FORMAT   /* optional (nvme.h): the file is empty without it */

/* Progress: FPI of nsid (or of the first known namespace for all). */
NVME_COLD static void fmt_progress(struct nvme_ctrl *c, uint32_t nsid, uint64_t elapsed_us, uint32_t timeout_ms,
			 struct nvme_format_progress *p)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->elapsed_ms = elapsed_us / 1000u;
	p->timeout_ms = timeout_ms;
	if (nsid == NVME_NSID_ALL)
		nsid = c->ns_count != 0 ? c->ns[0].nsid : 0;
	p->nsid = nsid;
	if (nsid == 0 || c->idbuf == NULL) {
		p->fpi_status = NVME_ERR_NO_NAMESPACE;
		return;
	}
	p->fpi_status = nvme_identify(c, NVME_CNS_NS, nsid, 0, c->idbuf);
	if (p->fpi_status != 0)
		return;
	uint8_t fpi = ((const struct nvme_id_ns *)c->idbuf)->fpi;
	if (!NVME_GET(fpi, NVME_FPI_SUPPORTED))
		return;
	unsigned remaining = (unsigned)NVME_GET(fpi, NVME_FPI_PERCENT_REMAINING);
	p->fpi = true;
	p->percent = (uint8_t)(remaining >= 100u ? 0u : 100u - remaining);   /* never trust: 101..127 */
}

/* The wait's hook: FPI, then the caller's progress callback. */
struct fmt_hook {
	struct nvme_ctrl *c;
	uint32_t nsid;
	uint32_t timeout_ms;
	const struct nvme_format_opts *o;
};

NVME_COLD static int fmt_hook_fn(void *arg, uint64_t elapsed_us, const bool *done)
{
	struct fmt_hook *h = arg;
	struct nvme_format_progress p;
	if (*done)
		return 0;
	fmt_progress(h->c, h->nsid, elapsed_us, h->timeout_ms, &p);
	if (*done)
		return 0;   /* the Identify's wait reaped the format's completion */
	return h->o->progress(h->o->arg, &p);
}

/* Send Format NVM and wait for it (see the top of this file). */
NVME_COLD static int format_exec(struct nvme_ctrl *c, struct nvme_sqe *sqe, uint32_t nsid, uint32_t timeout_ms,
				 const struct nvme_format_opts *o)
{
	struct fmt_hook h = { c, nsid, timeout_ms, o };
	struct nvme_wait_hook hook = {
		fmt_hook_fn, &h, (uint64_t)(o->poll_ms != 0 ? o->poll_ms : NVME_FORMAT_POLL_MS) * 1000u
	};
	return nvme_q_exec_hook(&c->admin, sqe, NULL, 0, timeout_ms, NVME_QF_NORETRY | NVME_QF_NOTIMEOUT, NULL,
				o->progress != NULL ? &hook : NULL);
}

/* Format NVM cdw10 bits 13:12: LBA format index bits 5:4 (NVMe 2.0). */
#define FORMAT_CDW10_LBAFU  12, 2

NVME_COLD static int lbaf_ok(struct nvme_ctrl *c, const struct nvme_ns *ns, uint8_t lbaf)
{
	if (ns->format_count == 0 || lbaf >= ns->format_count) {
		nvme_err(c, "format: namespace %u has %u LBA formats; index %u is beyond NLBAF", (unsigned)ns->nsid,
			 (unsigned)ns->format_count, (unsigned)lbaf);
		return NVME_ERR_INVAL;
	}
	return 0;
}

NVME_COLD int nvme_format_nvm(struct nvme_ctrl *c, uint32_t nsid, const struct nvme_format_opts *o)
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
	rc = format_exec(c, &sqe, nsid, timeout, o);
	if (rc == NVME_ERR_CANCELLED)
		return rc;   /* still formatting: nothing to re-read yet */
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

#else
typedef int nvme_format_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_FORMAT */
