/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_ctrl.c - controller bring-up (CAP, page size, enable, Identify
 * Controller, Number of Queues, I/O queue pairs), detach, shutdown, resume,
 * reset and re-initialisation. Namespaces are nvme_ns.c's, recovery
 * nvme_recover.c's, shadow doorbells nvme_dbbuf.c's.
 *
 * Design
 * ------
 * A portable, polled NVMe (PCIe) driver for bare-metal hosts. The host owns
 * every struct; the driver keeps no global state, takes no locks and never
 * allocates on the I/O path. It talks to the machine only through struct
 * nvme_host (nvme_host.h) and the register/barrier helpers of nvme_arch.h.
 *
 * Supported: NVMe 1.0-2.0 controllers with the NVM command set (or admin
 * only); controller page size max(host page, 2^(12+MPSMIN)); one admin queue
 * and up to NVME_CFG_MAX_IO_QUEUES I/O queue pairs (polled, or created with
 * an interrupt vector for a host that adds interrupt handling); PRP lists
 * (chained across pages) and SGL data blocks/segments for I/O; bounce
 * buffering of unaligned or unreachable buffers; synchronous, asynchronous
 * and passthrough commands; namespaces with 512 B..64 KiB blocks; normal and
 * abrupt shutdown, resume and reset. Optional commands (data management,
 * logs, firmware, sanitize, format, features, asynchronous events,
 * reservations) live in files of their own, each gated by what Identify
 * advertises (nvme_support.c); init, reset and resume arm the Asynchronous
 * Event Requests (nvme_aer.c).
 *
 * Every command has a timeout (admin and I/O); a command that times out is
 * recovered by one Abort, then a controller reset, and I/O commands in
 * flight are retried once (nvme_recover.c). A device that reads all ones
 * fails every call fast with NVME_ERR_DEVICE_GONE. Stale and duplicate
 * completions are recognised by a generation in the CID and ignored
 * (nvme_queue.c).
 *
 * Shadow doorbells (Doorbell Buffer Config) are registered after init and
 * after every reset when the controller offers them (nvme_dbbuf.c).
 *
 * Not supported: metadata / end-to-end protection formats (listed, not
 * usable), namespaces beyond NVME_CFG_MAX_NS as structs (listable),
 * controller memory buffer, interrupt handling itself, multiple command
 * sets (ZNS, KV), fabrics.
 *
 * Every value read from the device is validated before use; an invalid one
 * is a named NVME_ERR_BAD_* error or is logged and ignored, never undefined
 * behaviour. Every wait is bounded by CAP.TO or a command timeout.
 */
#include "nvme_internal.h"

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

NVME_COLD void *nvme_dma_alloc(struct nvme_ctrl *c, size_t size, size_t align, uint64_t *phys)
{
	void *p = c->host->dma_alloc(c->host->ctx, size, align, phys);
	if (p != NULL && (*phys & (align - 1)) != 0) {
		nvme_err(c, "host dma_alloc returned %llx, not aligned to %llx",
			 (unsigned long long)*phys, (unsigned long long)align);
		c->host->dma_free(c->host->ctx, p, *phys, size);
		return NULL;
	}
	return p;
}

NVME_COLD void nvme_dma_free(struct nvme_ctrl *c, void *virt, uint64_t phys, size_t size)
{
	if (virt != NULL)
		c->host->dma_free(c->host->ctx, virt, phys, size);
}

NVME_COLD uint64_t nvme_now_us(const struct nvme_ctrl *c)
{
	return c->host->now_us(c->host->ctx);
}

NVME_COLD void nvme_pause_us(const struct nvme_ctrl *c, uint32_t us)
{
	const struct nvme_host *h = c->host;
	if (h->delay_us != NULL) {
		h->delay_us(h->ctx, us);
		return;
	}
	uint64_t t0 = h->now_us(h->ctx);
	while (h->now_us(h->ctx) - t0 < us)
		nvme_cpu_relax();
}

/* An empty poll in a synchronous wait: the host's wait strategy
 * (nvme_host.idle), or a CPU pause hint when it has none. */
void nvme_idle(const struct nvme_ctrl *c, uint16_t qid, uint64_t waited_us)
{
	const struct nvme_host *h = c->host;
	if (h->idle != NULL)
		h->idle(h->ctx, qid, waited_us);
	else
		nvme_cpu_relax();
}

NVME_COLD int nvme_ctrl_check_csts(struct nvme_ctrl *c)
{
	if (c->state == NVME_CTRL_GONE)
		return NVME_ERR_DEVICE_GONE;
	uint32_t csts = nvme_rd32(c, NVME_REG_CSTS);
	if (csts == NVME_REG32_GONE) {
		if (c->state != NVME_CTRL_GONE)
			nvme_err(c, "CSTS reads FFFFFFFFh: device gone");
		c->state = NVME_CTRL_GONE;
		return NVME_ERR_DEVICE_GONE;
	}
	if (NVME_GET(csts, NVME_CSTS_CFS)) {
		if (c->state != NVME_CTRL_FAILED)
			nvme_err(c, "CSTS.CFS set: controller fatal status (CSTS %08x)", (unsigned)csts);
		c->state = NVME_CTRL_FAILED;
		return NVME_ERR_CTRL_FATAL;
	}
	return 0;
}

NVME_COLD int nvme_ctrl_usable(const struct nvme_ctrl *c)
{
	switch (c->state) {
	case NVME_CTRL_READY:
		return 0;
	case NVME_CTRL_GONE:
		return NVME_ERR_DEVICE_GONE;
	case NVME_CTRL_FAILED:
		return NVME_ERR_CTRL_FATAL;
	default:
		return NVME_ERR_NOT_READY;
	}
}

/* The host's progress callback for a long wait (NVME_PROGRESS_INTERVAL_MS). */
NVME_COLD void nvme_wait_progress(struct nvme_ctrl *c, const char *what, uint64_t waited_us)
{
	if (c->cfg.progress_cb != NULL)
		c->cfg.progress_cb(c->cfg.progress_arg, c, what, (uint32_t)nvme_min_u64(waited_us / 1000u, UINT32_MAX));
}

NVME_COLD void nvme_wait_progress_cmd(struct nvme_ctrl *c, const struct nvme_qpair *q, const struct nvme_sqe *sqe,
				      uint64_t waited_us)
{
	static const struct { uint8_t opc; const char *name; } names[] = {
		{ NVME_ADMIN_GET_LOG_PAGE, "Get Log Page" }, { NVME_ADMIN_IDENTIFY, "Identify" },
		{ NVME_ADMIN_SET_FEATURES, "Set Features" }, { NVME_ADMIN_GET_FEATURES, "Get Features" },
		{ NVME_ADMIN_CREATE_SQ, "Create I/O SQ" }, { NVME_ADMIN_CREATE_CQ, "Create I/O CQ" },
		{ NVME_ADMIN_DELETE_SQ, "Delete I/O SQ" }, { NVME_ADMIN_DELETE_CQ, "Delete I/O CQ" },
	};
	char what[64];
	const char *name = NULL;
	if (q->qid == 0)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].opc == sqe->opc)
				name = names[i].name;
	if (q->qid != 0)
		(void)nvme_format(what, sizeof(what), "I/O opcode %02xh on queue %u", (unsigned)sqe->opc,
				  (unsigned)q->qid);
	else if (name != NULL)
		(void)nvme_format(what, sizeof(what), "admin opcode %02xh (%s)", (unsigned)sqe->opc, name);
	else
		(void)nvme_format(what, sizeof(what), "admin opcode %02xh", (unsigned)sqe->opc);
	nvme_wait_progress(c, what, waited_us);
}

/*
 * Wait until (CSTS & mask) == want, bounded by ms. CFS aborts the wait when
 * check_cfs (not while disabling: a failed controller is reset by that).
 */
NVME_COLD static int wait_csts(struct nvme_ctrl *c, uint32_t mask, uint32_t want, uint32_t ms,
		     bool check_cfs, const char *what)
{
	uint64_t t0 = nvme_now_us(c);
	uint64_t last_progress = t0;
	for (;;) {
		uint32_t csts = nvme_rd32(c, NVME_REG_CSTS);
		if (csts == NVME_REG32_GONE) {
			nvme_err(c, "%s: CSTS reads FFFFFFFFh, device gone", what);
			c->state = NVME_CTRL_GONE;
			return NVME_ERR_DEVICE_GONE;
		}
		if (check_cfs && NVME_GET(csts, NVME_CSTS_CFS)) {
			nvme_err(c, "%s: controller fatal status (CSTS %08x)", what, (unsigned)csts);
			return NVME_ERR_CTRL_FATAL;
		}
		if ((csts & mask) == want)
			return 0;
		if (nvme_now_us(c) - t0 >= (uint64_t)ms * 1000u) {
			nvme_err(c, "%s: timed out after %u ms (CSTS %08x)", what, (unsigned)ms,
				 (unsigned)csts);
			return NVME_ERR_TIMEOUT;
		}
		uint64_t now = nvme_now_us(c);
		if (now - last_progress >= (uint64_t)NVME_PROGRESS_INTERVAL_MS * 1000u) {
			last_progress = now;
			nvme_wait_progress(c, what, now - t0);
		}
		nvme_pause_us(c, 1000);
	}
}

/* Clear CC.EN and wait for RDY=0 (section 3.1.6 / 7.6.1). */
NVME_COLD static int ctrl_disable(struct nvme_ctrl *c)
{
	uint32_t cc = nvme_rd32(c, NVME_REG_CC);
	uint32_t csts = nvme_rd32(c, NVME_REG_CSTS);
	uint32_t rdy = (uint32_t)NVME_MASK(NVME_CSTS_RDY);

	if (cc == NVME_REG32_GONE || csts == NVME_REG32_GONE) {
		nvme_err(c, "registers read FFFFFFFFh: device gone");
		c->state = NVME_CTRL_GONE;
		return NVME_ERR_DEVICE_GONE;
	}
	if (NVME_GET(cc, NVME_CC_EN) && !NVME_GET(csts, NVME_CSTS_RDY) &&
	    !NVME_GET(csts, NVME_CSTS_CFS)) {
		/* Enabling in progress: clearing EN before RDY=1 is undefined on
		 * some controllers, so let it finish first (failure is fine). */
		(void)wait_csts(c, rdy, rdy, c->ready_timeout_ms, false, "wait for ready before disable");
	}
	/* EN=0 and SHN=0; the rest is rewritten by the enabling write. */
	nvme_wr32(c, NVME_REG_CC, 0);
	if ((c->quirks & NVME_QUIRK_DELAY_BEFORE_CHK_RDY) && NVME_GET(cc, NVME_CC_EN)) {
		/* the controller reads all ones for a while after EN=0 */
		nvme_dbg(c, "quirk delay-before-rdy: %u ms before reading CSTS", (unsigned)NVME_QUIRK_RDY_DELAY_MS);
		for (uint32_t ms = 0; ms < NVME_QUIRK_RDY_DELAY_MS; ms += 10u)
			nvme_pause_us(c, 10000u);
	}
	return wait_csts(c, rdy, 0, c->ready_timeout_ms, false, "disable (wait for CSTS.RDY=0)");
}

/*
 * Ready timeout: CAP.TO (500 ms units; 0 -> NVME_MIN_READY_TIMEOUT_MS), or,
 * when CAP.CRMS says CRTO is there (NVMe 2.0), CRTO.CRWMT with CC.CRIME=0 or
 * CRTO.CRIMT with CC.CRIME=1 if that is longer (CAP.TO is at most 127.5 s,
 * CRTO up to 9 h; clamped to NVME_MAX_READY_TIMEOUT_MS). A CRTO field of 0
 * is ignored with a warning. The admin timeout is at least this.
 */
NVME_COLD static void ready_timeout(struct nvme_ctrl *c)
{
	uint32_t to = (uint32_t)NVME_GET(c->cap, NVME_CAP_TO);
	uint32_t ms = to != 0 ? NVME_CAP_TO_TO_MS(to) : NVME_MIN_READY_TIMEOUT_MS;
	bool crwms = NVME_GET(c->cap, NVME_CAP_CRWMS) != 0, crims = NVME_GET(c->cap, NVME_CAP_CRIMS) != 0;
	c->crime_on = c->cfg.crime && crims;
	c->crto = 0;
	if (crwms || crims) {
		uint32_t crto = nvme_rd32(c, NVME_REG_CRTO);
		if (crto != NVME_REG32_GONE) {
			c->crto = crto;
			uint32_t t = c->crime_on ? (uint32_t)NVME_GET(crto, NVME_CRTO_CRIMT)
						 : (uint32_t)NVME_GET(crto, NVME_CRTO_CRWMT);
			if (t == 0)
				nvme_warn(c, "CAP.CRMS %u%u but CRTO.%s is 0 (CRTO %08x): using CAP.TO",
					  (unsigned)crims, (unsigned)crwms, c->crime_on ? "CRIMT" : "CRWMT",
					  (unsigned)crto);
			else
				ms = nvme_max_u32(ms, NVME_CAP_TO_TO_MS(t));
		}
	}
	if (c->cfg.crime && !crims)
		nvme_info(c, "CC.CRIME asked for but CAP.CRMS.CRIMS is 0: not set");
	if (to == 0 && !(crwms || crims))
		nvme_warn(c, "CAP.TO is 0; using %u ms", (unsigned)NVME_MIN_READY_TIMEOUT_MS);
	if (ms > NVME_MAX_READY_TIMEOUT_MS) {
		nvme_warn(c, "ready timeout %u ms clamped to %u ms", (unsigned)ms, (unsigned)NVME_MAX_READY_TIMEOUT_MS);
		ms = NVME_MAX_READY_TIMEOUT_MS;
	}
	c->ready_timeout_ms = ms;
	c->admin_timeout_ms = nvme_max_u32(c->cfg.admin_timeout_ms, ms);
}

/* After the CC write that set CC.CRIME (or not): CAP.TO may have changed
 * with it; nothing else in CAP may. */
NVME_COLD static void recheck_cap_to(struct nvme_ctrl *c)
{
	uint64_t cap = nvme_rd64(c, NVME_REG_CAP);
	uint64_t to_mask = NVME_MASK(NVME_CAP_TO);
	if (cap == c->cap || (uint32_t)cap == NVME_REG32_GONE)
		return;
	if ((cap & ~to_mask) != (c->cap & ~to_mask)) {
		nvme_warn(c, "CAP changed from %llx to %llx after the CC write: only CAP.TO is taken",
			  (unsigned long long)c->cap, (unsigned long long)cap);
		cap = (c->cap & ~to_mask) | (cap & to_mask);
	}
	c->cap = cap;
	ready_timeout(c);
	nvme_dbg(c, "CAP.TO now %u (CC.CRIME %u): ready timeout %u ms", (unsigned)NVME_GET(cap, NVME_CAP_TO),
		 (unsigned)c->crime_on, (unsigned)c->ready_timeout_ms);
}

/* Program the admin queue and CC, enable, wait for RDY=1 (section 7.6.1). */
NVME_COLD static int ctrl_enable(struct nvme_ctrl *c)
{
	struct nvme_qpair *aq = &c->admin;
	uint32_t rdy = (uint32_t)NVME_MASK(NVME_CSTS_RDY);
	uint32_t cc;
	int rc;

	nvme_wr32(c, NVME_REG_AQA, (uint32_t)(NVME_SET(NVME_AQA_ASQS, aq->depth - 1) |
					       NVME_SET(NVME_AQA_ACQS, aq->depth - 1)));
	nvme_wr64(c, NVME_REG_ASQ, aq->sq_phys);
	nvme_wr64(c, NVME_REG_ACQ, aq->cq_phys);

	/* Everything in the one write that sets EN: QEMU 7.2 sets CFS when
	 * IOSQES/IOCQES are not there, and a disable clears CC. */
	cc = (uint32_t)(NVME_SET(NVME_CC_EN, 1) |
			NVME_SET(NVME_CC_CSS, c->css_sel) |
			NVME_SET(NVME_CC_MPS, c->page_shift - 12u) |
			NVME_SET(NVME_CC_AMS, NVME_CC_AMS_RR) |
			NVME_SET(NVME_CC_SHN, NVME_CC_SHN_NONE) |
			NVME_SET(NVME_CC_IOSQES, NVME_SQES_LOG2) |
			NVME_SET(NVME_CC_IOCQES, NVME_CQES_LOG2) |
			NVME_SET(NVME_CC_CRIME, c->crime_on ? 1u : 0u));
	nvme_wr32(c, NVME_REG_CC, cc);
	c->cc = cc;
	if (NVME_GET(c->cap, NVME_CAP_CRWMS) || NVME_GET(c->cap, NVME_CAP_CRIMS))
		recheck_cap_to(c);   /* CAP.TO follows CC.CRIME (NVMe 2.0) */
	rc = wait_csts(c, rdy, rdy, c->ready_timeout_ms, true, "enable (wait for CSTS.RDY=1)");
	if (rc == NVME_ERR_CTRL_FATAL)
		c->state = NVME_CTRL_FAILED;
	return rc;
}

NVME_COLD static bool host_ok(struct nvme_ctrl *c, const struct nvme_host *h)
{
	const char *missing = NULL;

	if (h->dma_alloc == NULL)
		missing = "dma_alloc";
	else if (h->dma_free == NULL)
		missing = "dma_free";
	else if (h->mmio_map == NULL)
		missing = "mmio_map";
	else if (h->virt_to_phys == NULL)
		missing = "virt_to_phys";
	else if (h->now_us == NULL)
		missing = "now_us";
	else if (h->page_size < 4096 || !nvme_is_pow2(h->page_size) || h->page_size > (1u << 27))
		missing = "page_size (power of two, 4 KiB..128 MiB)";
	if (missing != NULL) {
		nvme_err(c, "struct nvme_host: %s missing or invalid", missing);
		return false;
	}
	return true;
}

/* Read CAP and derive page size, timeouts, doorbell stride (section 3.1.1). */
NVME_COLD static int read_cap(struct nvme_ctrl *c)
{
	uint32_t csts = nvme_rd32(c, NVME_REG_CSTS);
	if (csts == NVME_REG32_GONE) {
		nvme_err(c, "CSTS reads FFFFFFFFh: no device behind BAR0");
		c->state = NVME_CTRL_GONE;
		return NVME_ERR_DEVICE_GONE;
	}
	c->cap = nvme_rd64(c, NVME_REG_CAP);
	c->vs = nvme_rd32(c, NVME_REG_VS);

	uint32_t mqes = (uint32_t)NVME_GET(c->cap, NVME_CAP_MQES);
	uint32_t mpsmin = (uint32_t)NVME_GET(c->cap, NVME_CAP_MPSMIN);
	uint32_t mpsmax = (uint32_t)NVME_GET(c->cap, NVME_CAP_MPSMAX);
	uint32_t css = (uint32_t)NVME_GET(c->cap, NVME_CAP_CSS);

	if (mqes == 0 && (c->quirks & NVME_QUIRK_MQES_ZERO)) {
		mqes = NVME_QUIRK_MQES_ZERO_DEPTH - 1u;
		nvme_info(c, "quirk mqes-zero: CAP.MQES is 0; using queues of %u entries",
			  (unsigned)NVME_QUIRK_MQES_ZERO_DEPTH);
	} else if (mqes == 0) {
		nvme_err(c, "CAP.MQES is 0 (invalid; CAP %llx)", (unsigned long long)c->cap);
		return NVME_ERR_BAD_CAP;
	}
	c->mqes = mqes;
	if (mpsmin > mpsmax) {
		nvme_err(c, "CAP.MPSMIN %u > MPSMAX %u", (unsigned)mpsmin, (unsigned)mpsmax);
		return NVME_ERR_BAD_CAP;
	}
	if (css & NVME_CAP_CSS_NVM) {
		c->io_capable = true;
		/* all I/O command sets when offered (nvme_iocs.c) */
		c->css_sel = (css & NVME_CAP_CSS_IOCS) ? NVME_CC_CSS_IOCS : NVME_CC_CSS_NVM;
	} else if (css & NVME_CAP_CSS_NOIO) {
		c->io_capable = false;
		c->css_sel = NVME_CC_CSS_ADMIN;
		nvme_warn(c, "controller supports no I/O command set: admin only");
	} else {
		nvme_err(c, "CAP.CSS %02x: no command set this driver supports", (unsigned)css);
		return NVME_ERR_UNSUPPORTED;
	}

	/* Page size = max(host page, device minimum), at most the device max. */
	uint64_t page = NVME_MPS_TO_BYTES(mpsmin);
	if (page > NVME_MAX_DEVICE_PAGE && page > c->host->page_size) {
		/* every queue and buffer would be at least this big (MPSMIN 15:
		 * 128 MiB each): a device value we do not follow */
		nvme_err(c, "CAP.MPSMIN %u asks for %llu-byte pages; the driver allows %u (or the host page)",
			 (unsigned)mpsmin, (unsigned long long)page, (unsigned)NVME_MAX_DEVICE_PAGE);
		return NVME_ERR_PAGE_SIZE;
	}
	if (c->host->page_size > page)
		page = c->host->page_size;
	if (page > NVME_MPS_TO_BYTES(mpsmax)) {
		nvme_err(c, "page size %llu exceeds CAP.MPSMAX (%llu bytes)",
			 (unsigned long long)page, (unsigned long long)NVME_MPS_TO_BYTES(mpsmax));
		return NVME_ERR_PAGE_SIZE;
	}
	c->page_size = (uint32_t)page;
	c->page_shift = (uint8_t)nvme_log2(page);

	ready_timeout(c);   /* CAP.TO or CRTO; the admin timeout */
	c->io_timeout_ms = c->cfg.io_timeout_ms;
	c->dstrd = (uint32_t)NVME_GET(c->cap, NVME_CAP_DSTRD);
	return 0;
}

/* Copy a space-padded identify string, trimmed, NUL-terminated, printable. */
NVME_COLD static void id_string(char *dst, const char *src, size_t n)
{
	size_t len = n;
	while (len > 0 && (src[len - 1] == ' ' || src[len - 1] == '\0'))
		len--;
	for (size_t i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7F) ? src[i] : '?';
	dst[len] = '\0';
}

NVME_COLD int nvme_refresh_firmware_rev(struct nvme_ctrl *c)
{
	if (c->idbuf == NULL)
		return NVME_ERR_NOT_READY;
	int rc = nvme_identify(c, NVME_CNS_CTRL, 0, 0, c->idbuf);   /* checks the state */
	if (rc != 0)
		return rc;
	const struct nvme_id_ctrl *id = c->idbuf;
	__builtin_memcpy(c->id.fr, id->fr, sizeof(c->id.fr));
	id_string(c->firmware, c->id.fr, sizeof(c->id.fr));
	return 0;
}

/* Identify Controller and everything derived from it. */
NVME_COLD static int identify_ctrl(struct nvme_ctrl *c)
{
	/* NSID 0, not FFFFFFFFh: some drives reject it */
	int rc = nvme_identify_idbuf(c, NVME_CNS_CTRL, 0);
	if (rc != 0) {
		nvme_err(c, "Identify Controller failed: %s", nvme_strerror(rc));
		return rc;
	}
	__builtin_memcpy(&c->id, c->idbuf, sizeof(c->id));
	id_string(c->serial, c->id.sn, sizeof(c->id.sn));
	id_string(c->model, c->id.mn, sizeof(c->id.mn));
	id_string(c->firmware, c->id.fr, sizeof(c->id.fr));
	nvme_quirks_apply_strings(c);

	if (c->id.nn == NVME_NSID_ALL) {
		/* FFFFFFFFh is the broadcast NSID, never a namespace */
		nvme_warn(c, "Identify NN is FFFFFFFFh; using FFFFFFFEh");
		c->id.nn = NVME_NSID_ALL - 1u;
	}

	/* Queue entry sizes: we program 64/16 bytes; the device must allow them. */
	unsigned sq_min = (unsigned)NVME_GET(c->id.sqes, NVME_ID_CTRL_SQES_MIN);
	unsigned sq_max = (unsigned)NVME_GET(c->id.sqes, NVME_ID_CTRL_SQES_MAX);
	unsigned cq_min = (unsigned)NVME_GET(c->id.cqes, NVME_ID_CTRL_CQES_MIN);
	unsigned cq_max = (unsigned)NVME_GET(c->id.cqes, NVME_ID_CTRL_CQES_MAX);
	if (c->io_capable && (sq_min > NVME_SQES_LOG2 || sq_max < NVME_SQES_LOG2 ||
			      cq_min > NVME_CQES_LOG2 || cq_max < NVME_CQES_LOG2)) {
		nvme_err(c, "Identify SQES %02x / CQES %02x exclude 64/16-byte entries",
			 (unsigned)c->id.sqes, (unsigned)c->id.cqes);
		return NVME_ERR_BAD_QES;
	}

	/* MDTS: 2^MDTS units of 2^(12+MPSMIN) bytes; 0 = no limit. Shifts are
	 * clamped so nothing overflows. */
	unsigned shift = 31;
	if (c->id.mdts != 0) {
		unsigned mdts_shift = (unsigned)c->id.mdts + 12u + (unsigned)NVME_GET(c->cap, NVME_CAP_MPSMIN);
		if (mdts_shift < shift)
			shift = mdts_shift;
	}
	unsigned cfg_shift = nvme_log2(c->cfg.max_transfer);
	if (cfg_shift < c->page_shift)
		cfg_shift = c->page_shift;
	if (cfg_shift < shift)
		shift = cfg_shift;
	if (shift < c->page_shift) {
		nvme_err(c, "MDTS %u allows %llu bytes, below the %u-byte page", (unsigned)c->id.mdts,
			 (unsigned long long)1u << shift, (unsigned)c->page_size);
		return NVME_ERR_BAD_MDTS;
	}
	uint32_t max_xfer = (uint32_t)1u << shift;
	if (c->max_xfer_alloc != 0 && max_xfer > c->max_xfer_alloc)
		max_xfer = c->max_xfer_alloc;   /* lists were sized for the first value */
	c->max_xfer = max_xfer;

	/* Data pointer mode for I/O. */
	unsigned sgls = (unsigned)NVME_GET(c->id.sgls, NVME_SGLS_SUPPORT);
	c->sgl_dword = sgls == NVME_SGLS_SUPPORT_DWORD_ALIGN;
	switch (c->cfg.dptr_mode) {
	case NVME_DPTR_PRP:
		c->sgl_io = false;
		break;
	case NVME_DPTR_SGL:
		if (!NVME_CFG_SGL) {
			nvme_err(c, "SGL data pointers requested but the driver is built without them (NVME_CFG_SGL=0)");
			return NVME_ERR_UNSUPPORTED;
		}
		if (sgls == NVME_SGLS_SUPPORT_NONE) {
			nvme_err(c, "SGL data pointers requested but Identify SGLS is 0");
			return NVME_ERR_UNSUPPORTED;
		}
		c->sgl_io = true;
		break;
	default:
		c->sgl_io = NVME_CFG_SGL &&
			    (sgls == NVME_SGLS_SUPPORT_ANY_ALIGN || sgls == NVME_SGLS_SUPPORT_DWORD_ALIGN);
		break;
	}
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		nvme_q_set_fast_rw(c, &c->io[i]);   /* the fast path is for PRP I/O */

	nvme_nvm_limits_read(c);   /* Verify/Write Zeroes/DSM limits (CNS 06h) */
	nvme_iocs_select(c);       /* I/O Command Set Profile (CC.CSS 110b) */
	nvme_info(c, "%s, serial %s, firmware %s, NVMe %u.%u.%u, MDTS %u (max transfer %u bytes), NN %u, %s",
		  c->model, c->serial, c->firmware, (unsigned)NVME_GET(c->vs, NVME_VS_MJR),
		  (unsigned)NVME_GET(c->vs, NVME_VS_MNR), (unsigned)NVME_GET(c->vs, NVME_VS_TER),
		  (unsigned)c->id.mdts, (unsigned)c->max_xfer, (unsigned)c->id.nn,
		  c->sgl_io ? "SGL for I/O" : "PRP");
	return 0;
}

/* Number of Queues, then create (or re-create) the I/O queue pairs. */
NVME_COLD static int setup_io_queues(struct nvme_ctrl *c)
{
	uint32_t nsq = 0, ncq = 0;
	uint32_t ask = c->io_wanted;
	int rc;

	c->io_granted = 0;
	c->io_grant_nsq = 0;
	c->io_grant_ncq = 0;
	if (!c->io_capable)
		return 0;
	/* Also keep room for queues a caller created beyond io_wanted. */
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		if (c->io[i].created && i + 1 > ask)
			ask = i + 1;
	rc = nvme_set_num_queues(c, ask != 0 ? ask : 1, ask != 0 ? ask : 1, &nsq, &ncq);
	if (rc != 0) {
		nvme_err(c, "Set Features Number of Queues failed: %s", nvme_strerror(rc));
		return rc;
	}
	c->io_grant_nsq = nsq;
	c->io_grant_ncq = ncq;
	c->io_granted = nvme_min_u32(nvme_min_u32(nsq, ncq), NVME_CFG_MAX_IO_QUEUES);
	if (c->io_granted < ask)
		nvme_warn(c, "asked for %u I/O queue pairs, granted %u", (unsigned)ask,
			  (unsigned)c->io_granted);

	/* Existing queue pairs (reset/resume) keep their memory. */
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++) {
		struct nvme_qpair *q = &c->io[i];
		if (!q->created)
			continue;
		if (i + 1 > c->io_granted) {
			nvme_warn(c, "queue %u no longer granted: freed", (unsigned)(i + 1));
			nvme_q_abort_all(q);   /* commands a reset kept for it */
			nvme_q_free(c, q);
			continue;
		}
		rc = nvme_qpair_create_hw(c, q);
		if (rc != 0)
			return rc;
	}
	for (uint32_t i = 0; i < c->io_wanted && i < c->io_granted; i++) {
		if (c->io[i].created)
			continue;
		rc = nvme_qpair_create(c, (uint16_t)(i + 1), 0, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Init / detach                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Init and every re-initialisation, once the controller is disabled and the
 * admin queue programmed: enable, Identify Controller, the admin queue's
 * lists (at init; a reset keeps them), shadow doorbells (registered before
 * the I/O queues), Number of Queues and the I/O queue pairs, namespaces.
 */
NVME_COLD static int bring_up(struct nvme_ctrl *c)
{
	int rc = ctrl_enable(c);
	if (rc != 0)
		return rc;
	c->admin.live = true;
	nvme_support_reset(c);   /* after a reset: the firmware may have changed */
	rc = identify_ctrl(c);
	if (rc != 0)
		return rc;
	if (c->admin.lists == NULL) {
		rc = nvme_xfer_alloc(c, &c->admin, c->max_xfer);
		if (rc != 0)
			return rc;
		c->max_xfer_alloc = c->max_xfer;
	}
	nvme_hmb_start(c);   /* never fails the bring-up */
	nvme_dbbuf_reset(c);
	rc = setup_io_queues(c);
	if (rc != 0)
		return rc;
	return nvme_ns_scan(c);
}

NVME_COLD void nvme_config_defaults(struct nvme_ctrl_config *cfg)
{
	if (cfg == NULL)
		return;
	/* every member, also those added later: false / 0 / NULL unless set below */
	__builtin_memset(cfg, 0, sizeof(*cfg));
	cfg->admin_queue_depth = NVME_DEFAULT_ADMIN_QUEUE_DEPTH;
	cfg->io_queue_count = NVME_DEFAULT_IO_QUEUE_COUNT;
	cfg->io_queue_depth = NVME_DEFAULT_IO_QUEUE_DEPTH;
	cfg->admin_timeout_ms = NVME_DEFAULT_ADMIN_TIMEOUT_MS;
	cfg->io_timeout_ms = NVME_DEFAULT_IO_TIMEOUT_MS;
	cfg->max_transfer = NVME_DEFAULT_MAX_TRANSFER;
	cfg->dptr_mode = NVME_DPTR_AUTO;
	cfg->log_level = NVME_LOG_INFO;
	cfg->format_timeout_ms = NVME_DEFAULT_FORMAT_TIMEOUT_MS;
	cfg->hmb_max_bytes = NVME_DEFAULT_HMB_MAX_BYTES;
	cfg->no_aer = false;
	cfg->no_recovery = false;
	cfg->no_shadow_doorbells = false;
	cfg->event_cb = NULL;
	cfg->event_arg = NULL;
}

NVME_COLD static void cfg_sanitise(struct nvme_ctrl_config *cfg)
{
	struct nvme_ctrl_config d;
	nvme_config_defaults(&d);
	if (cfg->admin_queue_depth == 0)
		cfg->admin_queue_depth = d.admin_queue_depth;
	if (cfg->io_queue_count > NVME_CFG_MAX_IO_QUEUES)
		cfg->io_queue_count = NVME_CFG_MAX_IO_QUEUES;
	if (cfg->io_queue_depth == 0)
		cfg->io_queue_depth = d.io_queue_depth;
	if (cfg->admin_timeout_ms == 0)
		cfg->admin_timeout_ms = d.admin_timeout_ms;
	if (cfg->io_timeout_ms == 0)
		cfg->io_timeout_ms = d.io_timeout_ms;
	if (cfg->max_transfer == 0)
		cfg->max_transfer = d.max_transfer;
	if (cfg->format_timeout_ms == 0)
		cfg->format_timeout_ms = d.format_timeout_ms;
	if (cfg->hmb_max_bytes == 0)
		cfg->hmb_max_bytes = d.hmb_max_bytes;
	if ((unsigned)cfg->dptr_mode > (unsigned)NVME_DPTR_SGL)
		cfg->dptr_mode = NVME_DPTR_AUTO;
	if ((unsigned)cfg->log_level > (unsigned)NVME_LOG_TRACE)
		cfg->log_level = NVME_LOG_TRACE;
}

/* Queue depth within the device's and the field's limits. */
NVME_COLD static uint32_t clamp_depth(const struct nvme_ctrl *c, uint32_t want, uint32_t field_max)
{
	uint32_t d = nvme_min_u32(want, c->mqes + 1u);
	d = nvme_min_u32(d, field_max);
	return nvme_max_u32(d, NVME_MIN_QUEUE_ENTRIES);
}

NVME_COLD int nvme_ctrl_init_abi(struct nvme_ctrl *c, const struct nvme_host *host,
				 uint64_t bar_phys, size_t bar_size, const struct nvme_ctrl_config *cfg,
				 const struct nvme_abi *abi)
{
	int rc;

	if (c == NULL)
		return NVME_ERR_INVAL;
	rc = nvme_abi_check(host, abi);
	if (rc != 0)
		return rc;
	__builtin_memset(c, 0, sizeof(*c));
	c->state = NVME_CTRL_OFF;
	if (cfg != NULL)
		c->cfg = *cfg;
	else
		nvme_config_defaults(&c->cfg);
	cfg_sanitise(&c->cfg);
	c->log_level = c->cfg.log_level;
	c->bar_phys = bar_phys;
	if (host == NULL)
		return NVME_ERR_HOST_CONFIG;
	c->host = host;
	if (!host_ok(c, host))
		return NVME_ERR_HOST_CONFIG;
	if (bar_size < NVME_REG_DBS + 8u) {
		nvme_err(c, "BAR0 size %llu too small for the admin doorbells",
			 (unsigned long long)bar_size);
		return NVME_ERR_INVAL;
	}
	c->bar_size = bar_size;
	c->io_wanted = c->cfg.io_queue_count;
	nvme_quirks_init(c);
	c->ctrl_busy = true;   /* no recovery before init completes */

	c->bar = host->mmio_map(host->ctx, bar_phys, bar_size);
	if (c->bar == NULL) {
		nvme_err(c, "mmio_map of BAR0 failed");
		return NVME_ERR_NOMEM;
	}
	rc = read_cap(c);
	if (rc != 0)
		goto unmap_bar;

	c->idbuf_bytes = c->page_size;   /* >= 4096, page aligned: one PRP */
	c->idbuf = nvme_dma_alloc(c, c->idbuf_bytes, c->page_size, &c->idbuf_phys);
	if (c->idbuf == NULL) {
		rc = NVME_ERR_NOMEM;
		goto unmap_bar;
	}
	rc = nvme_q_alloc(c, &c->admin, 0,
			  nvme_quirk_depth(c, 0, clamp_depth(c, c->cfg.admin_queue_depth, NVME_AQA_MAX_ENTRIES)));
	if (rc != 0)
		goto free_idbuf;

	rc = ctrl_disable(c);
	if (rc != 0)
		goto free_admin;
	rc = bring_up(c);
	if (rc != 0)
		goto delete_io_queues;   /* (none yet if it failed before them) */

	c->state = NVME_CTRL_READY;
	c->ctrl_busy = false;
	nvme_info(c, "ready: page %u, admin depth %u, %u I/O queue pair(s) of depth %u, %u namespace(s)",
		  (unsigned)c->page_size, (unsigned)c->admin.depth,
		  (unsigned)nvme_ctrl_io_queue_count(c),
		  (unsigned)(c->io[0].created ? c->io[0].depth : 0), (unsigned)c->ns_count);
	nvme_aer_start(c);
	return 0;

delete_io_queues:
	for (uint32_t i = NVME_CFG_MAX_IO_QUEUES; i-- > 0;) {
		if (c->io[i].created) {
			if (c->state != NVME_CTRL_GONE)
				(void)nvme_qpair_delete_hw(c, &c->io[i]);
			nvme_q_free(c, &c->io[i]);
		}
	}
	c->admin.live = false;
	if (c->state != NVME_CTRL_GONE)
		(void)ctrl_disable(c);
	nvme_q_abort_all(&c->admin);
	nvme_hmb_free(c);   /* the controller is disabled: it no longer uses it */
free_admin:
	nvme_dbbuf_free(c);
	nvme_q_free(c, &c->admin);
free_idbuf:
	nvme_dma_free(c, c->idbuf, c->idbuf_phys, c->idbuf_bytes);
	c->idbuf = NULL;
unmap_bar:
	if (host->mmio_unmap != NULL)
		host->mmio_unmap(host->ctx, c->bar, bar_size);
	c->bar = NULL;
	if (c->state != NVME_CTRL_GONE)
		c->state = (rc == NVME_ERR_CTRL_FATAL) ? NVME_CTRL_FAILED : NVME_CTRL_OFF;
	c->ctrl_busy = false;
	nvme_err(c, "init failed: %s", nvme_strerror(rc));
	return rc;
}

/* Stop submissions on every queue pair (callbacks that try get NOT_READY). */
NVME_COLD static void queues_offline(struct nvme_ctrl *c)
{
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		c->io[i].live = false;
	c->admin.live = false;
}

/*
 * Complete every command in flight with NVME_ERR_ABORTED and empty the rings.
 * Only after the controller was disabled or shut down: until then it may
 * still post a CQE into a ring we just emptied, or DMA into a buffer. With
 * keep (a reset), I/O commands that may be retried stay in their slots
 * (NVME_SLOT_RESUBMIT) and are sent again once the queues are back.
 */
NVME_COLD static void queues_drop(struct nvme_ctrl *c, bool keep, int status)
{
	if (c->state == NVME_CTRL_GONE)
		status = NVME_ERR_DEVICE_GONE;
	queues_offline(c);
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		nvme_q_drop_all(&c->io[i], status, keep);
	nvme_q_drop_all(&c->admin, status, false);
}

NVME_COLD static void queues_abort(struct nvme_ctrl *c)
{
	queues_drop(c, false, NVME_ERR_ABORTED);
}

NVME_COLD void nvme_ctrl_detach(struct nvme_ctrl *c)
{
	if (c == NULL || c->host == NULL || c->bar == NULL)
		return;
	if (c->state == NVME_CTRL_READY && c->hmb_on) {
		bool was_busy = c->ctrl_busy;
		c->ctrl_busy = true;   /* a timeout in here does not reset */
		nvme_hmb_stop(c);      /* before the controller stops: EHM=0 */
		c->ctrl_busy = was_busy;
	}
	queues_offline(c);
	if (c->state != NVME_CTRL_GONE)
		(void)ctrl_disable(c);
	queues_abort(c);   /* NVME_ERR_DEVICE_GONE when gone, else ABORTED */
	nvme_hmb_free(c);  /* disabled (or gone): the memory is the host's again */
	nvme_dbbuf_free(c);
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
		nvme_q_free(c, &c->io[i]);
	nvme_q_free(c, &c->admin);
	nvme_dma_free(c, c->idbuf, c->idbuf_phys, c->idbuf_bytes);
	c->idbuf = NULL;
	if (c->host->mmio_unmap != NULL)
		c->host->mmio_unmap(c->host->ctx, c->bar, c->bar_size);
	c->bar = NULL;
	c->ns_count = 0;
	c->ns_active = 0;
	c->state = NVME_CTRL_OFF;
}

/* ------------------------------------------------------------------------ */
/* Shutdown / resume / reset                                                */
/* ------------------------------------------------------------------------ */

NVME_COLD int nvme_ctrl_shutdown(struct nvme_ctrl *c, bool abrupt)
{
	if (c == NULL || c->bar == NULL)
		return NVME_ERR_INVAL;
	if (c->state == NVME_CTRL_GONE)
		return NVME_ERR_DEVICE_GONE;
	if (c->state == NVME_CTRL_SHUTDOWN)
		return 0;

	/* Normal shutdown: delete the I/O queues first (section 7.6.2). */
	bool was_busy = c->ctrl_busy;
	c->ctrl_busy = true;   /* a timeout in here does not reset */
	if (!abrupt && c->state == NVME_CTRL_READY) {
		for (uint32_t i = NVME_CFG_MAX_IO_QUEUES; i-- > 0;)
			if (c->io[i].live)
				(void)nvme_qpair_delete_hw(c, &c->io[i]);
	}
	if (c->state == NVME_CTRL_READY)
		nvme_hmb_stop(c);   /* the controller must not use host memory across power-off */
	c->ctrl_busy = was_busy;
	queues_offline(c);

	/* RTD3E (us) bounds a normal shutdown; CAP.TO when it is not given. */
	uint32_t ms = c->ready_timeout_ms;
	if (c->id.rtd3e != 0) {
		uint32_t r = c->id.rtd3e / 1000u + 1u;
		ms = nvme_max_u32(nvme_min_u32(r, 60000u), 1000u);
	}
	uint32_t shst = (uint32_t)NVME_MASK(NVME_CSTS_SHST);
	uint32_t done = (uint32_t)NVME_SET(NVME_CSTS_SHST, NVME_CSTS_SHST_COMPLETE);
	uint32_t cc = c->cc & ~(uint32_t)NVME_MASK(NVME_CC_SHN);
	int rc = NVME_ERR_TIMEOUT;

	/* EN stays 1 while SHN is written (QEMU requires it). */
	if (!abrupt) {
		nvme_wr32(c, NVME_REG_CC, cc | (uint32_t)NVME_SET(NVME_CC_SHN, NVME_CC_SHN_NORMAL));
		rc = wait_csts(c, shst, done, ms, false, "normal shutdown");
		if (rc == NVME_ERR_DEVICE_GONE) {
			queues_abort(c);
			return rc;
		}
		if (rc != 0)
			nvme_warn(c, "normal shutdown did not complete; trying abrupt shutdown");
	}
	if (rc != 0) {
		nvme_wr32(c, NVME_REG_CC, cc | (uint32_t)NVME_SET(NVME_CC_SHN, NVME_CC_SHN_ABRUPT));
		rc = wait_csts(c, shst, done, c->ready_timeout_ms, false, "abrupt shutdown");
	}
	queues_abort(c);
	if (rc == NVME_ERR_DEVICE_GONE)
		return rc;
	c->state = NVME_CTRL_SHUTDOWN;
	nvme_info(c, "%s shutdown %s", abrupt ? "abrupt" : "normal", rc == 0 ? "complete" : "timed out");
	return rc;
}

/*
 * Before a reset disables the controller, the commands in flight get up to
 * NVME_RESET_DRAIN_MS to complete: the queues are offline (nothing new goes
 * out, callbacks that submit get NVME_ERR_NOT_READY) and are polled, so a
 * command the device was about to finish completes normally instead of
 * being resubmitted, and the device is not reset under its own DMA (QEMU
 * 7.2 crashes in nvme_rw_complete_cb when CC.EN is cleared with requests in
 * flight). Skipped when CSTS shows a failed or vanished controller; a
 * command that timed out is not waited for. Whatever is still in flight
 * afterwards is kept or completed as usual.
 */
#define NVME_RESET_DRAIN_MS 250u

NVME_COLD static uint32_t busy_commands(const struct nvme_ctrl *c)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++) {
		const struct nvme_qpair *q = &c->io[i];
		if (!q->created || q->in_flight == 0)
			continue;
		for (uint32_t k = 0; k < q->nslots; k++)
			if (q->slots[k].state == NVME_SLOT_BUSY &&
			    !(q->slots[k].flags & (NVME_SLOTF_EXPIRED | NVME_SLOTF_NOTIMEOUT)))
				n++;
	}
	return n;
}

NVME_COLD static void drain_before_reset(struct nvme_ctrl *c)
{
	uint64_t t0 = nvme_now_us(c);
	while (busy_commands(c) != 0) {
		if (nvme_now_us(c) - t0 >= (uint64_t)NVME_RESET_DRAIN_MS * 1000u) {
			nvme_dbg(c, "reset: %u command(s) still in flight after %u ms", (unsigned)busy_commands(c),
				 (unsigned)NVME_RESET_DRAIN_MS);
			return;
		}
		int n = 0;
		for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++)
			if (c->io[i].created && c->io[i].in_flight != 0)
				n += nvme_q_poll(&c->io[i], 0);
		if (n == 0)
			nvme_pause_us(c, 100);
	}
}

NVME_COLD int nvme_ctrl_reinit(struct nvme_ctrl *c)
{
	bool enabled = false;
	bool was_busy = c->ctrl_busy;
	struct nvme_ns_geom geom[NVME_CFG_MAX_NS];
	uint32_t ngeom = 0;
	int rc;

	if (c->state == NVME_CTRL_GONE)
		return NVME_ERR_DEVICE_GONE;
	/* the namespaces as the commands in flight were built for */
	for (uint32_t i = 0; i < c->ns_count && i < NVME_CFG_MAX_NS; i++) {
		if (c->ns[i].unusable != 0)
			continue;
		geom[ngeom].nsid = c->ns[i].nsid;
		geom[ngeom].lba_shift = c->ns[i].lba_shift;
		geom[ngeom].meta_size = c->ns[i].meta_size;
		geom[ngeom].meta_extended = c->ns[i].meta_extended;
		ngeom++;
	}
	bool was_ready = c->state == NVME_CTRL_READY;
	queues_offline(c);
	c->ctrl_busy = true;   /* a timeout in here fails the re-initialisation */
	c->rstats.resets++;
	if (was_ready && nvme_ctrl_check_csts(c) == 0)
		drain_before_reset(c);
	if (c->state == NVME_CTRL_GONE) {
		queues_drop(c, false, NVME_ERR_DEVICE_GONE);
		c->ctrl_busy = was_busy;
		return NVME_ERR_DEVICE_GONE;
	}
	c->state = NVME_CTRL_OFF;

	rc = ctrl_disable(c);
	/* after the disable nothing can complete any more: complete the
	 * commands in flight, or keep those that may be retried */
	queues_drop(c, rc == 0, NVME_ERR_ABORTED);
	if (rc != 0)
		goto failed;
	rc = nvme_q_set_doorbells(c, &c->admin);
	if (rc != 0)
		goto failed;
	enabled = true;   /* from here on a failure disables again */
	rc = bring_up(c);
	if (rc != 0)
		goto failed;
	c->state = NVME_CTRL_READY;
	nvme_info(c, "re-initialised: %u I/O queue pair(s), %u namespace(s)",
		  (unsigned)nvme_ctrl_io_queue_count(c), (unsigned)c->ns_count);
	/* the commands kept across the reset go out again (queues that are
	 * not live any more, and namespaces that changed, complete theirs with
	 * NVME_ERR_ABORTED) */
	for (uint32_t i = 0; i < NVME_CFG_MAX_IO_QUEUES; i++) {
		nvme_q_check_kept(&c->io[i], geom, ngeom);
		nvme_q_resubmit_kept(&c->io[i]);
	}
	c->ctrl_busy = was_busy;
	nvme_aer_start(c);   /* the reset dropped the outstanding requests */
	return 0;

failed:
	queues_offline(c);
	if (enabled && c->state != NVME_CTRL_GONE)
		(void)ctrl_disable(c);
	if (c->state != NVME_CTRL_GONE)
		c->state = NVME_CTRL_FAILED;
	/* commands kept for a retry cannot have one */
	queues_drop(c, false, NVME_ERR_CTRL_FATAL);
	c->ctrl_busy = was_busy;
	nvme_err(c, "re-initialisation failed: %s", nvme_strerror(rc));
	return rc;
}

NVME_COLD int nvme_ctrl_stop(struct nvme_ctrl *c)
{
	queues_offline(c);
	if (c->state == NVME_CTRL_GONE)
		return NVME_ERR_DEVICE_GONE;
	return ctrl_disable(c);
}

NVME_COLD int nvme_ctrl_reset(struct nvme_ctrl *c)
{
	if (c == NULL || c->bar == NULL)
		return NVME_ERR_INVAL;
	if (c->cb_depth != 0 || c->ctrl_busy)
		return NVME_ERR_INVAL;   /* not from a completion callback */
	nvme_info(c, "controller reset");
	c->auto_resets_in_row = 0;   /* the host asked: recovery may try again */
	return nvme_ctrl_reinit(c);
}

NVME_COLD int nvme_ctrl_resume(struct nvme_ctrl *c)
{
	if (c == NULL || c->bar == NULL)
		return NVME_ERR_INVAL;
	nvme_info(c, "resume");
	return nvme_ctrl_reinit(c);
}

NVME_COLD int nvme_ctrl_set_io_queue_count(struct nvme_ctrl *c, uint32_t n)
{
	if (c == NULL || c->bar == NULL || n > NVME_CFG_MAX_IO_QUEUES)
		return NVME_ERR_INVAL;
	int rc = nvme_ctrl_usable(c);
	if (rc != 0)
		return rc;
	for (uint32_t i = NVME_CFG_MAX_IO_QUEUES; i-- > 0;)
		if (c->io[i].created)
			(void)nvme_qpair_delete(c, (uint16_t)(i + 1));
	c->io_wanted = n;
	return nvme_ctrl_reinit(c);
}
