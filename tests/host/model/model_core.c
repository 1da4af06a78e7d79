/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_core.c - creation, the registry of live models, the register file,
 * enable / reset / shutdown, protocol error recording, fault knobs.
 *
 * Register behaviour follows NVMe 1.4 section 3.1 and what QEMU 7.2's
 * controller does where the spec leaves room (docs: /work/shared/DESIGN.md
 * section 4): CC.EN 0->1 with a bad CC/AQA/ASQ/ACQ sets CSTS.CFS; 1->0 resets
 * and clears CC; 64-bit registers are two 32-bit halves; reserved offsets
 * read 0; doorbells read 0.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>

#include "model_int.h"

/* Device side of every access is serialised: a real controller handles
 * concurrent register writes from several CPUs; the model handles them one
 * at a time. Recursive, because a test may call model functions from a
 * host callback that runs inside a model operation. */
static pthread_mutex_t g_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

/* ------------------------------------------------------------------------ */
/* Command providers: add new opcode tables here.                            */
/* ------------------------------------------------------------------------ */

const struct model_opcode *const model_admin_providers[] = {
	model_admin_core_ops,
	model_feat_ops,
	model_dbbuf_ops,       /* Doorbell Buffer Config (OACS bit 8) */
	model_ext_admin_ops,   /* last: wraps Set/Get Features and Get Log Page */
	NULL
};

const struct model_opcode *const model_io_providers[] = {
	model_io_core_ops,
	model_ext_io_ops,      /* last: wraps Read, Write and Flush */
	NULL
};

/* ------------------------------------------------------------------------ */
/* Registry                                                                  */
/* ------------------------------------------------------------------------ */

#define MODEL_MAX_LIVE 64
static struct nvme_model *g_live[MODEL_MAX_LIVE];
static unsigned g_serial;
static uint64_t g_next_bar = 0x0000010000000000ull;   /* 1 TiB */
static unsigned g_stray;
static char g_last_stray[160];

struct nvme_model *nvme_model_by_addr(const volatile void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	for (unsigned i = 0; i < MODEL_MAX_LIVE; i++) {
		struct nvme_model *m = g_live[i];
		if (m && a >= (uintptr_t)m->bar && a < (uintptr_t)m->bar + m->bar_size)
			return m;
	}
	return NULL;
}

volatile void *nvme_model_map_bar(uint64_t phys, size_t size)
{
	for (unsigned i = 0; i < MODEL_MAX_LIVE; i++) {
		struct nvme_model *m = g_live[i];
		if (m && phys >= m->bar_phys && phys - m->bar_phys < m->bar_size &&
		    size <= m->bar_size - (phys - m->bar_phys))
			return (volatile uint8_t *)m->bar + (phys - m->bar_phys);
	}
	return NULL;
}

void nvme_model_tick_all(void)
{
	pthread_mutex_lock(&g_lock);
	for (unsigned i = 0; i < MODEL_MAX_LIVE; i++)
		if (g_live[i])
			nvme_model_tick(g_live[i]);
	pthread_mutex_unlock(&g_lock);
}

unsigned nvme_model_stray_accesses(void) { return g_stray; }
const char *nvme_model_last_stray(void) { return g_last_stray; }
void nvme_model_clear_stray(void) { g_stray = 0; g_last_stray[0] = 0; }

static void stray(const char *what, const volatile void *addr, uint32_t v)
{
	g_stray++;
	snprintf(g_last_stray, sizeof(g_last_stray), "%s at %p (value %08x) outside every live model BAR",
		 what, (const void *)addr, v);
	fprintf(stderr, "nvme-model: %s\n", g_last_stray);
}

/* The driver's NVME_MMIO_HOOK entry points (declared in nvme_arch.h). */
uint32_t nvme_mmio_hook_read32(const volatile void *addr);
void nvme_mmio_hook_write32(volatile void *addr, uint32_t value);

uint32_t nvme_mmio_hook_read32(const volatile void *addr)
{
	uint32_t v = 0xFFFFFFFFu;
	pthread_mutex_lock(&g_lock);
	struct nvme_model *m = nvme_model_by_addr(addr);
	if (!m)
		stray("read", addr, 0);
	else
		v = nvme_model_read32(m, (uint32_t)((uintptr_t)addr - (uintptr_t)m->bar));
	pthread_mutex_unlock(&g_lock);
	return v;
}

void nvme_mmio_hook_write32(volatile void *addr, uint32_t value)
{
	pthread_mutex_lock(&g_lock);
	struct nvme_model *m = nvme_model_by_addr(addr);
	if (!m)
		stray("write", addr, value);
	else
		nvme_model_write32(m, (uint32_t)((uintptr_t)addr - (uintptr_t)m->bar), value);
	pthread_mutex_unlock(&g_lock);
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

void model_error(struct nvme_model *m, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m->trace)
		fprintf(stderr, "[%s] ERROR %s\n", m->name, buf);
	if (m->nerrors >= MODEL_MAX_ERRORS) {
		m->errors_dropped++;
		return;
	}
	m->errors[m->nerrors++] = strdup(buf);
}

void model_trace(struct nvme_model *m, const char *fmt, ...)
{
	if (!m->trace)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "[%s] ", m->name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

unsigned nvme_model_error_count(const struct nvme_model *m) { return m->nerrors + m->errors_dropped; }

const char *nvme_model_error(const struct nvme_model *m, unsigned i)
{
	return i < m->nerrors ? m->errors[i] : "(error list overflow)";
}

bool nvme_model_take_error(struct nvme_model *m, const char *substr)
{
	for (unsigned i = 0; i < m->nerrors; i++) {
		if (strstr(m->errors[i], substr)) {
			free(m->errors[i]);
			memmove(&m->errors[i], &m->errors[i + 1], (m->nerrors - i - 1) * sizeof(m->errors[0]));
			m->nerrors--;
			return true;
		}
	}
	return false;
}

void nvme_model_clear_errors(struct nvme_model *m)
{
	for (unsigned i = 0; i < m->nerrors; i++)
		free(m->errors[i]);
	m->nerrors = 0;
	m->errors_dropped = 0;
}

uint64_t model_now(struct nvme_model *m)
{
	return m->cfg.clock ? m->cfg.clock(m->cfg.clock_ctx) : 0;
}

void model_fatal(struct nvme_model *m, const char *why)
{
	model_trace(m, "CSTS.CFS set: %s", why);
	m->csts |= (uint32_t)NVME_SET(NVME_CSTS_CFS, 1);
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */
/* ------------------------------------------------------------------------ */

void nvme_model_config_init(struct nvme_model_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "model";
	cfg->mqes = 1023;
	cfg->cqr = true;
	cfg->to = 10;
	cfg->css = NVME_CAP_CSS_NVM | NVME_CAP_CSS_IOCS;   /* like QEMU 7.2: CNS 06h answered at 1.4 */
	cfg->mpsmin = 0;
	cfg->mpsmax = 4;
	cfg->vs = NVME_VS(1, 4, 0);
	cfg->vid = 0x1b36;
	cfg->ssvid = 0x1af4;
	cfg->mdts = 5;
	cfg->cntlid = 1;
	cfg->nn_auto = true;
	cfg->sqes = 0x66;
	cfg->cqes = 0x44;
	cfg->oncs = (uint16_t)(NVME_SET(NVME_ONCS_SAVE_SELECT, 1) | NVME_SET(NVME_ONCS_TIMESTAMP, 1));
	cfg->vwc = 0x07;
	cfg->aerl = 3;
	cfg->acl = 3;
	cfg->elpe = 7;
	cfg->lpa = (uint8_t)NVME_SET(NVME_LPA_EXTENDED_DATA, 1);
	cfg->frmw = 0x03;
	cfg->rtd3e = 1000000;
	cfg->rtd3r = 1000000;
	cfg->max_io_sq = 64;
	cfg->max_io_cq = 64;
	cfg->nq_set_once = true;
	cfg->msix_vectors = 64;
	cfg->strict_id_ctrl_nsid = true;
	cfg->cc_clear_on_disable = true;
}

static void build_dispatch(struct nvme_model *m)
{
	for (unsigned p = 0; model_admin_providers[p]; p++)
		for (const struct model_opcode *o = model_admin_providers[p]; o->fn; o++) {
			m->admin_ops[o->opc] = o->fn;
			m->admin_names[o->opc] = o->name;
		}
	for (unsigned p = 0; model_io_providers[p]; p++)
		for (const struct model_opcode *o = model_io_providers[p]; o->fn; o++) {
			m->io_ops[o->opc] = o->fn;
			m->io_names[o->opc] = o->name;
		}
}

static uint64_t build_cap(const struct nvme_model_config *c)
{
	return NVME_SET(NVME_CAP_MQES, c->mqes) | NVME_SET(NVME_CAP_CQR, c->cqr) |
	       NVME_SET(NVME_CAP_AMS, c->ams) | NVME_SET(NVME_CAP_TO, c->to) |
	       NVME_SET(NVME_CAP_DSTRD, c->dstrd) | NVME_SET(NVME_CAP_NSSRS, c->nssrs) |
	       NVME_SET(NVME_CAP_CSS, c->css) | NVME_SET(NVME_CAP_MPSMIN, c->mpsmin) |
	       NVME_SET(NVME_CAP_MPSMAX, c->mpsmax);
}

struct nvme_model *nvme_model_create(const struct nvme_model_config *cfg)
{
	if (!cfg->translate) {
		fprintf(stderr, "nvme-model: config without translate callback\n");
		return NULL;
	}
	if (cfg->max_io_sq == 0 || cfg->max_io_cq == 0 || cfg->dstrd > 15 || cfg->mpsmin > 15 ||
	    cfg->mpsmax > 15) {
		fprintf(stderr, "nvme-model: config out of range\n");
		return NULL;
	}
	unsigned slot = MODEL_MAX_LIVE;
	for (unsigned i = 0; i < MODEL_MAX_LIVE; i++)
		if (!g_live[i]) {
			slot = i;
			break;
		}
	if (slot == MODEL_MAX_LIVE) {
		fprintf(stderr, "nvme-model: too many live models\n");
		return NULL;
	}

	struct nvme_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->cfg.ns = NULL;
	m->trace = getenv("NVME_MODEL_TRACE") && getenv("NVME_MODEL_TRACE")[0] == '1';
	snprintf(m->name, sizeof(m->name), "%s", cfg->name ? cfg->name : "model");
	unsigned serial = ++g_serial;
	snprintf(m->sn, sizeof(m->sn), "%s", cfg->sn ? cfg->sn : "");
	if (!cfg->sn)
		snprintf(m->sn, sizeof(m->sn), "MODEL%04u", serial);
	snprintf(m->mn, sizeof(m->mn), "%s", cfg->mn ? cfg->mn : "nvme-model");
	snprintf(m->fr, sizeof(m->fr), "%s", cfg->fr ? cfg->fr : "1.0");

	m->cap = build_cap(cfg);
	m->db_stride = NVME_DSTRD_TO_BYTES(cfg->dstrd);
	uint32_t maxq = cfg->max_io_sq > cfg->max_io_cq ? cfg->max_io_sq : cfg->max_io_cq;
	uint64_t bar = NVME_REG_DBS + 2ull * ((uint64_t)maxq + 1) * m->db_stride;
	bar = (bar + 0xFFFu) & ~(uint64_t)0xFFFu;
	m->bar_size = (size_t)bar;
	m->bar = mmap(NULL, m->bar_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->bar == MAP_FAILED) {
		free(m);
		return NULL;
	}
	if (cfg->bar_phys) {
		m->bar_phys = cfg->bar_phys;
	} else {
		m->bar_phys = g_next_bar;
		g_next_bar += (bar + 0xFFFFFFFFull) & ~0xFFFFFFFFull;
	}

	m->nsq_slots = (uint32_t)cfg->max_io_sq + 1;
	m->ncq_slots = (uint32_t)cfg->max_io_cq + 1;
	m->sq = calloc(m->nsq_slots, sizeof(*m->sq));
	m->cq = calloc(m->ncq_slots, sizeof(*m->cq));
	m->errlog = calloc((size_t)cfg->elpe + 1, sizeof(*m->errlog));
	if (!m->sq || !m->cq || !m->errlog || model_ns_setup(m, cfg->ns, cfg->ns_count) != 0) {
		model_ns_free_all(m);
		free(m->sq);
		free(m->cq);
		free(m->errlog);
		munmap(m->bar, m->bar_size);
		free(m);
		return NULL;
	}
	if (cfg->nn_auto)
		m->nn = m->ns_count ? m->ns[m->ns_count - 1].nsid : 0;
	else
		m->nn = cfg->nn;
	if (cfg->mdts) {
		unsigned shift = 12u + cfg->mpsmin + cfg->mdts;
		m->mdts_bytes = shift >= 63 ? UINT64_MAX : (1ull << shift);
	}
	m->power_cycles = 1;
	m->drv.io_sqe_bytes = NVME_SQE_SIZE;
	build_dispatch(m);
	model_build_id_ctrl(m);
	model_features_init(m);
	model_ext_create(m);
	model_drives_install(m);   /* wraps what the others installed */
	model_zns_install(m);      /* I/O command sets, zoned namespaces: wraps all of them */
	g_live[slot] = m;
	return m;
}

void nvme_model_destroy(struct nvme_model *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < MODEL_MAX_LIVE; i++)
		if (g_live[i] == m)
			g_live[i] = NULL;
	model_queues_reset(m);
	model_ext_destroy(m);
	model_drives_destroy(m);
	model_zns_destroy(m);
	model_fault_destroy(m);
	model_copyns_destroy(m);
	model_ns_free_all(m);
	nvme_model_clear_errors(m);
	free(m->ns_list_patch);
	free(m->sq);
	free(m->cq);
	free(m->errlog);
	munmap(m->bar, m->bar_size);
	free(m);
}

uint64_t nvme_model_bar_phys(const struct nvme_model *m) { return m->bar_phys; }
size_t nvme_model_bar_size(const struct nvme_model *m) { return m->bar_size; }

/* ------------------------------------------------------------------------ */
/* Enable, reset, shutdown                                                   */
/* ------------------------------------------------------------------------ */

static bool ready(const struct nvme_model *m)
{
	return (m->csts & NVME_MASK(NVME_CSTS_RDY)) != 0;
}

static void start_rdy_transition(struct nvme_model *m)
{
	m->rdy_pending = true;
	m->rdy_polls = 0;
	m->rdy_since_us = model_now(m);
}

static void finish_transitions(struct nvme_model *m, bool poll)
{
	uint64_t now = model_now(m);
	if (m->rdy_pending) {
		if (poll)
			m->rdy_polls++;
		bool crime = m->enabled && m->drv.crims && NVME_GET(m->cc, NVME_CC_CRIME);
		uint64_t delay = crime ? m->drv.rdy_crime_us : m->cfg.rdy_delay_us;
		bool due = m->rdy_polls >= m->cfg.rdy_delay_polls && now - m->rdy_since_us >= delay;
		if (due) {
			if (m->enabled && !m->rdy_never) {
				m->csts |= (uint32_t)NVME_MASK(NVME_CSTS_RDY);
				m->rdy_pending = false;
			} else if (!m->enabled && !m->rdy_stuck) {
				m->csts &= ~(uint32_t)NVME_MASK(NVME_CSTS_RDY);
				m->rdy_pending = false;
			}
		}
	}
	if (m->shst_pending) {
		if (poll)
			m->shst_polls++;
		bool due = m->shst_polls >= m->cfg.shst_delay_polls && now - m->shst_since_us >= m->cfg.shst_delay_us;
		bool normal = NVME_GET(m->cc, NVME_CC_SHN) == NVME_CC_SHN_NORMAL;
		if (due && !m->shst_never && !(m->shst_never_normal && normal)) {
			m->csts = (m->csts & ~(uint32_t)NVME_MASK(NVME_CSTS_SHST)) |
				  (uint32_t)NVME_SET(NVME_CSTS_SHST, NVME_CSTS_SHST_COMPLETE);
			m->shst_pending = false;
			m->shut_down = true;
			for (uint32_t i = 0; i < m->ns_count; i++)
				m->ns[i].dirty = 0;   /* shutdown flushes the write cache */
		}
	}
}

/* Controller level reset: every queue, held command and pending AER dropped. */
static void controller_reset(struct nvme_model *m)
{
	model_queues_reset(m);
	m->aer_count = 0;
	m->event_count = 0;
	m->aen_masked = 0;
	m->enabled = false;
	m->shut_down = false;
	m->shst_pending = false;
	m->nq_set = false;
	m->io_queue_created = false;
	m->page_size = 0;
	m->csts &= ~(uint32_t)(NVME_MASK(NVME_CSTS_CFS) | NVME_MASK(NVME_CSTS_SHST));
	model_features_reset(m);
	model_drives_reset(m);
	model_zns_reset(m);
	m->stats.resets++;
}

void model_controller_reset(struct nvme_model *m)
{
	controller_reset(m);
}

static bool enable_check(struct nvme_model *m, char *why, size_t n)
{
	uint32_t cc = m->cc;
	unsigned mps = (unsigned)NVME_GET(cc, NVME_CC_MPS);
	unsigned css = (unsigned)NVME_GET(cc, NVME_CC_CSS);
	unsigned ams = (unsigned)NVME_GET(cc, NVME_CC_AMS);
	unsigned capcss = (unsigned)NVME_GET(m->cap, NVME_CAP_CSS);
	unsigned capams = (unsigned)NVME_GET(m->cap, NVME_CAP_AMS);
	uint32_t asqs = (uint32_t)NVME_GET(m->aqa, NVME_AQA_ASQS);
	uint32_t acqs = (uint32_t)NVME_GET(m->aqa, NVME_AQA_ACQS);

	if (mps < m->cfg.mpsmin || mps > m->cfg.mpsmax) {
		snprintf(why, n, "CC.MPS %u outside CAP.MPSMIN..MPSMAX %u..%u", mps, m->cfg.mpsmin, m->cfg.mpsmax);
		return false;
	}
	uint64_t page = NVME_MPS_TO_BYTES(mps);
	if (!((css == NVME_CC_CSS_NVM && (capcss & NVME_CAP_CSS_NVM)) ||
	      (css == NVME_CC_CSS_IOCS && (capcss & NVME_CAP_CSS_IOCS)) ||
	      (css == NVME_CC_CSS_ADMIN && (capcss & NVME_CAP_CSS_NOIO)))) {
		snprintf(why, n, "CC.CSS %u not supported by CAP.CSS %02x", css, capcss);
		return false;
	}
	if (!(ams == NVME_CC_AMS_RR || (ams == NVME_CC_AMS_WRR && (capams & 1u)) || (ams == 7 && (capams & 2u)))) {
		snprintf(why, n, "CC.AMS %u not supported by CAP.AMS %u", ams, capams);
		return false;
	}
	if (NVME_GET(cc, NVME_CC_CRIME) && !m->drv.crims) {
		snprintf(why, n, "CC.CRIME set but CAP.CRMS.CRIMS is 0");
		return false;
	}
	if (NVME_GET(cc, NVME_CC_IOSQES) != NVME_SQES_LOG2 || NVME_GET(cc, NVME_CC_IOCQES) != NVME_CQES_LOG2) {
		snprintf(why, n, "CC.IOSQES/IOCQES %u/%u at enable (need 6/4)",
			 (unsigned)NVME_GET(cc, NVME_CC_IOSQES), (unsigned)NVME_GET(cc, NVME_CC_IOCQES));
		return false;
	}
	if (asqs < 1 || acqs < 1) {
		snprintf(why, n, "AQA %08x: admin queue of one entry", m->aqa);
		return false;
	}
	if (m->asq == 0 || m->acq == 0 || (m->asq & (page - 1)) || (m->acq & (page - 1))) {
		snprintf(why, n, "ASQ %llx / ACQ %llx zero or not aligned to the %llu-byte page",
			 (unsigned long long)m->asq, (unsigned long long)m->acq, (unsigned long long)page);
		return false;
	}
	return true;
}

static void enable(struct nvme_model *m)
{
	char why[160];
	m->stats.enables++;
	if (m->csts & NVME_MASK(NVME_CSTS_CFS)) {
		model_error(m, "CC.EN set while CSTS.CFS is set (no reset in between)");
		return;
	}
	if (m->fail_enable) {
		model_fatal(m, "injected (enable)");
		return;
	}
	if (!enable_check(m, why, sizeof(why))) {
		model_error(m, "enable refused (CSTS.CFS): %s", why);
		model_fatal(m, why);
		return;
	}
	m->page_size = (uint32_t)NVME_MPS_TO_BYTES(NVME_GET(m->cc, NVME_CC_MPS));
	uint32_t asqs = (uint32_t)NVME_GET(m->aqa, NVME_AQA_ASQS) + 1;
	uint32_t acqs = (uint32_t)NVME_GET(m->aqa, NVME_AQA_ACQS) + 1;
	model_cq_new(m, 0, acqs, true, m->acq, NULL, 0);
	model_sq_new(m, 0, asqs, 0, true, m->asq, NULL, 0);
	m->enabled = true;
	m->shut_down = false;
	start_rdy_transition(m);
	finish_transitions(m, false);
	model_trace(m, "enabled: page %u, admin SQ %u CQ %u entries", m->page_size, asqs, acqs);
}

static void start_shutdown(struct nvme_model *m)
{
	m->stats.shutdowns++;
	model_drives_shutdown(m);
	m->csts = (m->csts & ~(uint32_t)NVME_MASK(NVME_CSTS_SHST)) |
		  (uint32_t)NVME_SET(NVME_CSTS_SHST, NVME_CSTS_SHST_OCCURRING);
	m->shst_pending = true;
	m->shst_polls = 0;
	m->shst_since_us = model_now(m);
	finish_transitions(m, false);
}

static void cc_write(struct nvme_model *m, uint32_t v)
{
	uint32_t old = m->cc;
	bool en_old = NVME_GET(old, NVME_CC_EN) != 0;
	bool en_new = NVME_GET(v, NVME_CC_EN) != 0;

	if (en_new && !en_old) {
		m->cc = v;
		enable(m);
	} else if (!en_new && en_old) {
		controller_reset(m);
		model_ext_reset(m, false);
		m->cc = m->cfg.cc_clear_on_disable ? 0 : v;
		if (m->drv.csts_ones_us != 0)
			m->drv.csts_ones_until = model_now(m) + m->drv.csts_ones_us;
		start_rdy_transition(m);
		finish_transitions(m, false);
		model_trace(m, "disabled (reset)");
		return;
	} else if (en_new) {
		uint32_t keep = (uint32_t)NVME_MASK(NVME_CC_SHN);
		if ((old ^ v) & ~keep)
			model_error(m, "CC changed from %08x to %08x while enabled (only SHN may change)", old, v);
		m->cc = (old & ~keep) | (v & keep);
	} else {
		m->cc = v;
	}
	unsigned shn_old = (unsigned)NVME_GET(old, NVME_CC_SHN);
	unsigned shn_new = (unsigned)NVME_GET(m->cc, NVME_CC_SHN);
	if (shn_new && !shn_old)
		start_shutdown(m);
	else if (!shn_new && shn_old)
		m->csts &= ~(uint32_t)NVME_MASK(NVME_CSTS_SHST);
}

/* ------------------------------------------------------------------------ */
/* Register file                                                             */
/* ------------------------------------------------------------------------ */

static uint64_t cap_value(const struct nvme_model *m)
{
	if (m->cap_override)
		return m->cap_value;
	uint64_t cap = m->cap | NVME_SET(NVME_CAP_CRWMS, m->drv.crwms) | NVME_SET(NVME_CAP_CRIMS, m->drv.crims);
	if (m->drv.crims && NVME_GET(m->cc, NVME_CC_CRIME))   /* CAP.TO follows CC.CRIME */
		cap = (cap & ~NVME_MASK(NVME_CAP_TO)) | NVME_SET(NVME_CAP_TO, m->drv.to_crime);
	return cap;
}

uint32_t nvme_model_read32(struct nvme_model *m, uint32_t off)
{
	uint32_t v = 0;
	m->stats.reg_reads++;
	if (off & 3u) {
		model_error(m, "unaligned 32-bit register read at offset %#x", off);
		return 0xFFFFFFFFu;
	}
	if (off >= m->bar_size) {
		model_error(m, "register read at offset %#x beyond the BAR (%#zx)", off, m->bar_size);
		return 0xFFFFFFFFu;
	}
	if (m->gone)
		return 0xFFFFFFFFu;
	switch (off) {
	case NVME_REG_CAP:      v = (uint32_t)cap_value(m); break;
	case NVME_REG_CAP + 4:  v = (uint32_t)(cap_value(m) >> 32); break;
	case NVME_REG_VS:       v = m->cfg.vs; break;
	case NVME_REG_INTMS:
	case NVME_REG_INTMC:    v = m->intms; break;
	case NVME_REG_CC:       v = m->cc; break;
	case NVME_REG_CSTS:
		m->stats.csts_reads++;
		if (m->drv.csts_ones_until != 0 && model_now(m) < m->drv.csts_ones_until) {
			v = 0xFFFFFFFFu;   /* still resetting after EN=0 (nvme_model_drives.h) */
			break;
		}
		m->drv.csts_ones_until = 0;
		if (m->cfs_after_reads && --m->cfs_after_reads == 0)
			model_fatal(m, "injected (CSTS read count)");
		finish_transitions(m, true);
		v = m->csts;
		break;
	case NVME_REG_CRTO:     v = (m->drv.crwms || m->drv.crims) ? m->drv.crto : 0; break;
	case NVME_REG_AQA:      v = m->aqa; break;
	case NVME_REG_ASQ:      v = (uint32_t)m->asq; break;
	case NVME_REG_ASQ + 4:  v = (uint32_t)(m->asq >> 32); break;
	case NVME_REG_ACQ:      v = (uint32_t)m->acq; break;
	case NVME_REG_ACQ + 4:  v = (uint32_t)(m->acq >> 32); break;
	default:                v = 0; break;   /* reserved, optional, doorbells */
	}
	model_trace(m, "rd %04x -> %08x", off, v);
	return v;
}

static void doorbell_write(struct nvme_model *m, uint32_t off, uint32_t v)
{
	uint32_t rel = off - NVME_REG_DBS;
	if (rel % m->db_stride) {
		model_error(m, "write %08x at %#x: between doorbells (stride %u)", v, off, m->db_stride);
		return;
	}
	uint32_t idx = rel / m->db_stride;
	uint32_t qid = idx / 2;
	bool is_cq = idx & 1u;
	if (m->csts & NVME_MASK(NVME_CSTS_CFS))
		return;   /* a failed controller processes nothing */
	if (!m->enabled || !ready(m)) {
		model_error(m, "%s doorbell %u written (%u) while the controller is not ready",
			    is_cq ? "CQ" : "SQ", qid, v);
		return;
	}
	if (m->shut_down || m->shst_pending) {
		model_error(m, "%s doorbell %u written (%u) after shutdown", is_cq ? "CQ" : "SQ", qid, v);
		return;
	}
	if (is_cq)
		model_cq_doorbell(m, (uint16_t)qid, v);
	else
		model_sq_doorbell(m, (uint16_t)qid, v);
}

void nvme_model_write32(struct nvme_model *m, uint32_t off, uint32_t v)
{
	m->stats.reg_writes++;
	if (off & 3u) {
		model_error(m, "unaligned 32-bit register write at offset %#x", off);
		return;
	}
	if (off >= m->bar_size) {
		model_error(m, "register write at offset %#x beyond the BAR (%#zx)", off, m->bar_size);
		return;
	}
	model_trace(m, "wr %04x <- %08x", off, v);
	if (m->gone)
		return;
	if (off >= NVME_REG_DBS) {
		doorbell_write(m, off, v);
		return;
	}
	bool en = NVME_GET(m->cc, NVME_CC_EN) != 0;
	switch (off) {
	case NVME_REG_INTMS: m->intms |= v; break;
	case NVME_REG_INTMC: m->intms &= ~v; break;
	case NVME_REG_CC:    cc_write(m, v); break;
	case NVME_REG_CSTS:
		/* NSSRO is write-1-to-clear; the rest is read only */
		if (v & ~(uint32_t)NVME_MASK(NVME_CSTS_NSSRO))
			model_error(m, "write %08x to read-only CSTS", v);
		m->csts &= ~(v & (uint32_t)NVME_MASK(NVME_CSTS_NSSRO));
		break;
	case NVME_REG_NSSR:
		if (!m->cfg.nssrs) {
			model_error(m, "NSSR written (%08x) but CAP.NSSRS is 0", v);
		} else if (v == NVME_NSSR_RESET_VALUE) {
			controller_reset(m);
			model_ext_reset(m, true);
			m->cc = 0;
			m->csts = (uint32_t)NVME_SET(NVME_CSTS_NSSRO, 1);
			m->rdy_pending = false;
		}
		break;
	case NVME_REG_AQA:
	case NVME_REG_ASQ:
	case NVME_REG_ASQ + 4:
	case NVME_REG_ACQ:
	case NVME_REG_ACQ + 4:
		if (en)
			model_error(m, "admin queue register %#x written while CC.EN=1", off);
		if (off == NVME_REG_AQA)
			m->aqa = v;
		else if (off == NVME_REG_ASQ)
			m->asq = (m->asq & ~0xFFFFFFFFull) | v;
		else if (off == NVME_REG_ASQ + 4)
			m->asq = (m->asq & 0xFFFFFFFFull) | ((uint64_t)v << 32);
		else if (off == NVME_REG_ACQ)
			m->acq = (m->acq & ~0xFFFFFFFFull) | v;
		else
			m->acq = (m->acq & 0xFFFFFFFFull) | ((uint64_t)v << 32);
		break;
	case NVME_REG_CAP:
	case NVME_REG_CAP + 4:
	case NVME_REG_VS:
		model_error(m, "write %08x to read-only register %#x", v, off);
		break;
	default:
		model_error(m, "write %08x to reserved/unimplemented register %#x", v, off);
		break;
	}
}

void nvme_model_tick(struct nvme_model *m)
{
	finish_transitions(m, false);
	model_release_due(m);
	model_ext_tick(m);
}
