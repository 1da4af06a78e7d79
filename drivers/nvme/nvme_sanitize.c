/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_sanitize.c - Sanitize (block erase, crypto erase, overwrite, exit
 * failure mode) and the bounded wait on the Sanitize Status log.
 *
 * The command goes to NSID 0 (sanitize acts on the whole NVM subsystem; some
 * drives reject any other NSID) and only for an action SANICAP advertises.
 * The operation runs in the background after the command completes; the
 * driver polls the Sanitize Status log (81h) every poll_ms, reports SPROG
 * through the caller's callback (which may stop the wait), and gives up
 * after a bound derived from the estimate the log reports for this action:
 * estimate x 1.5 + NVME_SANITIZE_MARGIN_MS, or NVME_SANITIZE_NO_ESTIMATE_MS
 * when the estimate is FFFFFFFFh. The log is validated (reserved SSTAT
 * values are NVME_ERR_BAD_LOG_DATA); a Sanitize Status of "never sanitized"
 * right after the start means the device has not updated the log yet.
 */
#include "nvme_internal.h"

#if NVME_CFG_SANITIZE   /* optional (nvme.h): the file is empty without it */

/* Longest single pause between polls (nvme_pause_us takes 32-bit us). */
#define SANITIZE_MAX_POLL_MS 60000u

NVME_COLD static int sanact_check(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o)
{
	switch (o->action) {
	case NVME_SANACT_BLOCK_ERASE:
		return nvme_require(c, NVME_OPT_SANITIZE_BLOCK, o->flags, "Sanitize");
	case NVME_SANACT_CRYPTO_ERASE:
		return nvme_require(c, NVME_OPT_SANITIZE_CRYPTO, o->flags, "Sanitize");
	case NVME_SANACT_OVERWRITE:
		return nvme_require(c, NVME_OPT_SANITIZE_OVERWRITE, o->flags, "Sanitize");
	default: {   /* exit failure mode: any sanitize support at all */
		uint32_t any = (uint32_t)(NVME_MASK(NVME_SANICAP_CES) | NVME_MASK(NVME_SANICAP_BES) |
					  NVME_MASK(NVME_SANICAP_OWS));
		if ((o->flags & NVME_CMD_FORCE) || (c->id.sanicap & any) != 0)
			return 0;
		char why[96];
		(void)nvme_format(why, sizeof(why), "SANICAP: no sanitize action supported (SANICAP=%08Xh)",
				  (unsigned)c->id.sanicap);
		return nvme_refuse(c, "Sanitize (exit failure mode)", why);
	}
	}
}

NVME_COLD static uint32_t sanitize_cdw10(const struct nvme_sanitize_opts *o)
{
	uint32_t v = (uint32_t)(NVME_SET(NVME_SANITIZE_CDW10_SANACT, o->action) |
				NVME_SET(NVME_SANITIZE_CDW10_AUSE, o->ause ? 1 : 0) |
				NVME_SET(NVME_SANITIZE_CDW10_NDAS, o->no_dealloc ? 1 : 0));
	if (o->action == NVME_SANACT_OVERWRITE)
		v |= (uint32_t)(NVME_SET(NVME_SANITIZE_CDW10_OWPASS, o->owpass & 15u) |   /* 16 passes: 0 */
				NVME_SET(NVME_SANITIZE_CDW10_OIPBP, o->invert ? 1 : 0));
	return v;
}

NVME_COLD int nvme_sanitize_start(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o)
{
	if (c == NULL || o == NULL)
		return NVME_ERR_INVAL;
	if (o->action < NVME_SANACT_EXIT_FAILURE || o->action > NVME_SANACT_CRYPTO_ERASE)
		return NVME_ERR_INVAL;
	if (o->action == NVME_SANACT_OVERWRITE && (o->owpass == 0 || o->owpass > 16))
		return NVME_ERR_INVAL;
	int rc = sanact_check(c, o);
	if (rc != 0)
		return rc;
	if (o->no_dealloc && NVME_GET(c->id.sanicap, NVME_SANICAP_NDI) && !(o->flags & NVME_CMD_FORCE)) {
		char why[96];
		(void)nvme_format(why, sizeof(why), "SANICAP bit 29 (No-Deallocate Inhibited) is set (SANICAP=%08Xh)",
				  (unsigned)c->id.sanicap);
		return nvme_refuse(c, "Sanitize with No-Deallocate", why);
	}
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_SANITIZE;
	sqe.nsid = 0;
	sqe.cdw10 = sanitize_cdw10(o);
	if (o->action == NVME_SANACT_OVERWRITE)
		sqe.cdw11 = o->pattern;
	rc = nvme_admin_exec(c, &sqe, NULL, 0, NULL);
	if (rc != 0)
		nvme_err(c, "Sanitize (action %u): %s", (unsigned)o->action, nvme_strerror(rc));
	else
		nvme_info(c, "sanitize action %u started", (unsigned)o->action);
	return rc;
}

/* The estimate, in seconds, the log gives for o's action. */
NVME_COLD static uint32_t estimate_s(const struct nvme_sanitize_status *st, const struct nvme_sanitize_opts *o)
{
	switch (o->action) {
	case NVME_SANACT_BLOCK_ERASE:  return o->no_dealloc ? st->etbend : st->etbe;
	case NVME_SANACT_CRYPTO_ERASE: return o->no_dealloc ? st->etcend : st->etce;
	case NVME_SANACT_OVERWRITE:    return o->no_dealloc ? st->etond : st->eto;
	default:                       return NVME_SANITIZE_NO_ESTIMATE;
	}
}

NVME_COLD static uint64_t wait_bound_ms(const struct nvme_sanitize_status *st, const struct nvme_sanitize_opts *o)
{
	if (o->max_wait_ms != 0)
		return o->max_wait_ms;
	uint32_t est = estimate_s(st, o);
	if (est == NVME_SANITIZE_NO_ESTIMATE)
		return NVME_SANITIZE_NO_ESTIMATE_MS;
	return (uint64_t)est * 1500u + NVME_SANITIZE_MARGIN_MS;
}

NVME_COLD int nvme_sanitize_wait(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o,
		       struct nvme_sanitize_status *final)
{
	struct nvme_sanitize_status st;
	if (c == NULL || o == NULL)
		return NVME_ERR_INVAL;
	uint32_t poll_ms = o->poll_ms != 0 ? nvme_min_u32(o->poll_ms, SANITIZE_MAX_POLL_MS) : NVME_SANITIZE_POLL_MS;
	uint64_t t0 = nvme_now_us(c);
	uint64_t bound_ms = 0;
	bool first = true;
	uint32_t want = sanitize_cdw10(o);

	for (;;) {
		int rc = nvme_sanitize_status_read(c, &st);
		if (rc != 0)
			return rc;
		if (final != NULL)
			*final = st;
		if (first) {
			first = false;
			bound_ms = wait_bound_ms(&st, o);
			nvme_info(c, "sanitize: waiting up to %llu ms (estimate %u s)", (unsigned long long)bound_ms,
				  (unsigned)estimate_s(&st, o));
			if (st.status != NVME_SSTAT_NEVER_SANITIZED && st.scdw10 != want)
				nvme_warn(c, "sanitize: the log describes cdw10 %08x, we sent %08x",
					  (unsigned)st.scdw10, (unsigned)want);
		}
		switch (st.status) {
		case NVME_SSTAT_COMPLETED:
		case NVME_SSTAT_COMPLETED_NO_DEALLOC:
			if (o->progress != NULL)
				(void)o->progress(o->arg, &st);
			nvme_info(c, "sanitize completed (%s)", nvme_sstat_name(st.status));
			return 0;
		case NVME_SSTAT_FAILED:
			if (o->progress != NULL)
				(void)o->progress(o->arg, &st);
			nvme_err(c, "sanitize failed (SSTAT %04x)", (unsigned)st.sstat);
			return NVME_ERR_SANITIZE_FAILED;
		default:   /* in progress, or not visible yet */
			break;
		}
		if (st.status == NVME_SSTAT_IN_PROGRESS && o->progress != NULL && o->progress(o->arg, &st) != 0) {
			nvme_info(c, "sanitize: wait cancelled at SPROG %u", (unsigned)st.sprog);
			return NVME_ERR_CANCELLED;
		}
		uint64_t elapsed_ms = (nvme_now_us(c) - t0) / 1000u;
		if (elapsed_ms >= bound_ms) {
			nvme_err(c, "sanitize: still %s after %llu ms (SPROG %u)", nvme_sstat_name(st.status),
				 (unsigned long long)elapsed_ms, (unsigned)st.sprog);
			return NVME_ERR_TIMEOUT;
		}
		uint64_t left = bound_ms - elapsed_ms;
		nvme_pause_us(c, (uint32_t)nvme_min_u64(poll_ms, left) * 1000u);
	}
}

NVME_COLD int nvme_sanitize(struct nvme_ctrl *c, const struct nvme_sanitize_opts *o, struct nvme_sanitize_status *final)
{
	int rc = nvme_sanitize_start(c, o);
	if (rc != 0 || o->action == NVME_SANACT_EXIT_FAILURE)
		return rc;
	return nvme_sanitize_wait(c, o, final);
}

#else
typedef int nvme_sanitize_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_SANITIZE */
