/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model_drives.c - the model behaving like real drives (nvme_model_drives.h):
 * CSTS all ones after a disable, 128-byte I/O SQEs, CIDs shared across
 * queues and below a limit, a per-queue outstanding limit, a broken Write
 * Zeroes, refused Identify CNS values (by knob and by the version the
 * model claims), power states with a broken deepest one.
 *
 * Identify CNS by version (NVMe base specifications): 1.0 has CNS 00h and
 * 01h; 1.1 adds 02h (active namespace list); 1.2 adds 10h-13h (namespace
 * management); 1.3 adds 03h (namespace identification descriptors), 14h,
 * 15h; 1.4 adds 04h, 16h, 17h; 2.0 adds 05h-08h, 1Ah-1Fh. CNS 05h/06h are
 * also answered by a controller whose CAP.CSS bit 6 (I/O command sets)
 * is set, as QEMU 7.2 does while reporting 1.4.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "model_ext.h"
#include "nvme_model_drives.h"

#define CSS_IOCS NVME_CAP_CSS_IOCS

static void dst_push(struct nvme_model *m, uint8_t result, uint8_t segment, bool failed);
static void model_drives_dst_cmd(struct model_cmd *c);

void nvme_model_set_csts_ones_after_disable(struct nvme_model *m, uint64_t us) { m->drv.csts_ones_us = us; }
void nvme_model_set_io_sqe_bytes(struct nvme_model *m, uint32_t bytes) { m->drv.io_sqe_bytes = bytes; }
void nvme_model_set_cid_rules(struct nvme_model *m, uint32_t limit, bool shared)
{
	m->drv.cid_limit = limit;
	m->drv.cid_shared = shared;
}
void nvme_model_set_io_outstanding_max(struct nvme_model *m, uint32_t n) { m->drv.io_outstanding_max = n; }
void nvme_model_set_write_zeroes_broken(struct nvme_model *m, bool broken) { m->drv.wz_broken = broken; }
void nvme_model_set_cns_refused(struct nvme_model *m, uint8_t cns, bool refused)
{
	if (refused)
		m->drv.cns_refused[cns / 8] |= (uint8_t)(1u << (cns % 8));
	else
		m->drv.cns_refused[cns / 8] &= (uint8_t)~(1u << (cns % 8));
}
uint32_t nvme_model_cns_count(const struct nvme_model *m, uint8_t cns) { return m->drv.cns_count[cns]; }

void nvme_model_set_power_states(struct nvme_model *m, uint8_t npss, const struct nvme_power_state *psd,
				 bool deepest_broken)
{
	if (npss > 31)
		npss = 31;
	m->cfg.npss = npss;
	m->id_ctrl.npss = npss;
	memset(m->id_ctrl.psd, 0, sizeof(m->id_ctrl.psd));
	memcpy(m->id_ctrl.psd, psd, ((size_t)npss + 1) * sizeof(*psd));
	m->drv.ps_deepest_broken = deepest_broken;
}

void nvme_model_set_ready_timeouts(struct nvme_model *m, bool crwms, bool crims, uint16_t crwmt, uint16_t crimt,
				   uint8_t to_crime, uint64_t rdy_us, uint64_t rdy_crime_us)
{
	m->drv.crwms = crwms;
	m->drv.crims = crims;
	m->drv.crto = (uint32_t)crwmt | (uint32_t)crimt << 16;
	m->drv.to_crime = to_crime;
	m->cfg.rdy_delay_us = rdy_us;
	m->drv.rdy_crime_us = rdy_crime_us;
}

void nvme_model_set_admin_delay(struct nvme_model *m, uint8_t opc, uint64_t us) { m->drv.admin_delay_us[opc] = us; }

uint64_t model_drives_hold_until(struct nvme_model *m, uint16_t sqid, uint8_t opc)
{
	if (sqid != 0 || m->drv.admin_delay_us[opc] == 0)
		return 0;
	return model_now(m) + m->drv.admin_delay_us[opc];
}

void model_drives_fetch_check(struct nvme_model *m, uint16_t sqid, uint16_t cid)
{
	model_apst_fetch(m, sqid != 0);
	if (m->drv.cid_limit != 0 && cid >= m->drv.cid_limit)
		model_error(m, "CID %u on SQ %u: this controller takes CIDs below %u", cid, sqid, m->drv.cid_limit);
	if (!m->drv.cid_shared)
		return;
	for (struct model_held *h = m->held; h; h = h->next)
		if (h->sqid != sqid && h->cqe.cid == cid)
			model_error(m, "CID %u on SQ %u while SQ %u has it in flight (CIDs shared by all queues)", cid,
				    sqid, h->sqid);
	if (sqid != 0)
		for (unsigned i = 0; i < m->aer_count; i++)
			if (m->aer[i].cid == cid)
				model_error(m, "CID %u on SQ %u while an admin AER has it (CIDs shared by all queues)",
					    cid, sqid);
}

/* Does a controller of this version (and CAP.CSS) know CNS cns? */
static bool cns_in_version(const struct nvme_model *m, unsigned cns)
{
	uint32_t vs = m->cfg.vs;
	bool iocs = (m->cfg.css & CSS_IOCS) != 0;
	if (cns <= NVME_CNS_CTRL)
		return true;
	if (cns == NVME_CNS_ACTIVE_NS_LIST)
		return vs >= NVME_VS(1, 1, 0);
	if (cns >= 0x10 && cns <= 0x13)
		return vs >= NVME_VS(1, 2, 0);
	if (cns == NVME_CNS_NS_ID_DESCRIPTORS || cns == 0x14 || cns == 0x15)
		return vs >= NVME_VS(1, 3, 0);
	if (cns == 0x04 || cns == 0x16 || cns == 0x17)
		return vs >= NVME_VS(1, 4, 0);
	if (cns == NVME_CNS_CS_NS || cns == NVME_CNS_CS_CTRL)
		return vs >= NVME_VS(2, 0, 0) || iocs;
	return vs >= NVME_VS(2, 0, 0);
}

static void drives_identify(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	unsigned cns = (unsigned)NVME_GET(c->sqe.cdw10, NVME_IDENTIFY_CDW10_CNS);
	m->drv.cns_count[cns]++;
	if ((m->drv.cns_refused[cns / 8] >> (cns % 8)) & 1u || !cns_in_version(m, cns)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	m->drv.prev_identify(c);
}

static void hmb_set_features(struct model_cmd *c);

static void drives_set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	if (fid == NVME_FEAT_HOST_MEM_BUFFER) {
		hmb_set_features(c);
		return;
	}
	if (fid == NVME_FEAT_AUTO_PST) {
		model_apst_set_features(c);
		return;
	}
	m->drv.prev_set_features(c);
	if (c->status == 0 && fid == NVME_FEAT_POWER_MGMT)
		model_apst_power_set(m);
	if (c->status == 0 && fid == NVME_FEAT_POWER_MGMT && m->drv.ps_deepest_broken &&
	    NVME_GET(c->sqe.cdw11, NVME_FEAT_PM_PS) == m->cfg.npss)
		model_fatal(m, "entered the deepest power state, which is broken on this drive");
}

static void drives_write_zeroes(struct model_cmd *c)
{
	if (c->m->drv.wz_broken)
		return;   /* success, nothing written */
	c->m->drv.prev_write_zeroes(c);
}

/* ------------------------------------------------------------------------ */
/* Host Memory Buffer                                                        */
/* ------------------------------------------------------------------------ */

#define HMB_EHM 0x1u
#define HMB_MR  0x2u
#define HMB_ENTRY 8u   /* tag (nsid/lba), checksum */

void nvme_model_set_hmb(struct nvme_model *m, uint32_t hmpre, uint32_t hmmin, uint32_t hmminds, uint16_t hmmaxd,
			bool refuse)
{
	m->id_ctrl.hmpre = hmpre;
	m->id_ctrl.hmmin = hmmin;
	m->id_ctrl.hmminds = hmminds;
	m->id_ctrl.hmmaxd = hmmaxd;
	m->drv.hmb_refuse = refuse;
}

void nvme_model_hmb_state(const struct nvme_model *m, struct nvme_model_hmb_state *out)
{
	*out = m->drv.hmb;
}

static void hmb_forget(struct nvme_model *m)
{
	free(m->drv.hmb_desc);
	m->drv.hmb_desc = NULL;
	m->drv.hmb_ndesc = 0;
	m->drv.hmb.enabled = false;
	m->drv.hmb.bytes = 0;
	m->drv.hmb.descriptors = 0;
}

void model_drives_reset(struct nvme_model *m)
{
	hmb_forget(m);   /* a controller reset disables the HMB */
	model_apst_reset(m);   /* and APST (not saveable) */
	if (m->drv.dst_code == 1)
		dst_push(m, 2, 0, false);   /* a controller reset aborts a short self-test */
}

void model_drives_shutdown(struct nvme_model *m)
{
	if (m->drv.hmb.enabled)
		m->drv.hmb.shutdowns_enabled++;
}

void model_drives_destroy(struct nvme_model *m)
{
	hmb_forget(m);
}

/* Bus address of byte off of the buffer (entries never cross a chunk:
 * chunks are page multiples, entries 8-byte aligned). */
static uint64_t hmb_addr(const struct nvme_model *m, uint64_t off)
{
	for (uint32_t i = 0; i < m->drv.hmb_ndesc; i++) {
		if (off < m->drv.hmb_desc[i].bytes)
			return m->drv.hmb_desc[i].addr + off;
		off -= m->drv.hmb_desc[i].bytes;
	}
	return 0;
}

static uint32_t checksum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h | 1u;   /* never 0: 0 is an empty entry */
}

static uint64_t hmb_slot(const struct nvme_model *m, uint32_t nsid, uint64_t lba, uint32_t *tag)
{
	uint64_t key = ((uint64_t)nsid << 48) ^ lba;
	*tag = (uint32_t)(key ^ (key >> 32)) | 1u;
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	uint64_t n = m->drv.hmb.bytes / HMB_ENTRY;
	return (h >> 16) % n * HMB_ENTRY;
}

/* Every block of the command: store (write) or check (read) its entry. */
static void hmb_blocks(struct model_cmd *c, bool write)
{
	struct nvme_model *m = c->m;
	struct model_ns *ns = model_ns_find(m, c->sqe.nsid);
	if (!m->drv.hmb.enabled || !ns || m->drv.hmb.bytes < HMB_ENTRY)
		return;
	uint64_t slba = ((uint64_t)c->sqe.cdw11 << 32) | c->sqe.cdw10;
	uint64_t nlb = NVME_GET(c->sqe.cdw12, NVME_RW_CDW12_NLB) + 1u;
	uint8_t *blk = malloc(ns->lba_size);
	if (!blk)
		abort();
	for (uint64_t i = 0; i < nlb; i++) {
		uint32_t tag, e[2];
		uint64_t a = hmb_addr(m, hmb_slot(m, ns->nsid, slba + i, &tag));
		model_ns_read(ns, slba + i, 1, blk, NULL);
		uint32_t sum = checksum(blk, ns->lba_size);
		if (write) {
			e[0] = tag;
			e[1] = sum;
			if (a && model_dma_write(m, a, e, sizeof(e)))
				m->drv.hmb.entries_written++;
			continue;
		}
		if (!a || !model_dma_read(m, a, e, sizeof(e)) || e[0] != tag)
			continue;   /* never written, or another block took the slot */
		m->drv.hmb.entries_checked++;
		if (e[1] != sum) {
			m->drv.hmb.mismatches++;
			model_error(m, "HMB entry of nsid %u lba %llu changed behind the controller's back",
				    ns->nsid, (unsigned long long)(slba + i));
			c->status = MODEL_ERR(NVME_SCT_MEDIA, NVME_SC_UNRECOVERED_READ_ERROR);
			break;
		}
	}
	free(blk);
}

static void drives_read(struct model_cmd *c)
{
	c->m->drv.prev_read(c);
	if (c->status == 0)
		hmb_blocks(c, false);
}

static void drives_write(struct model_cmd *c)
{
	c->m->drv.prev_write(c);
	if (c->status == 0)
		hmb_blocks(c, true);
}

static void hmb_set_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	const struct nvme_id_ctrl *id = &m->id_ctrl;
	uint32_t cdw11 = c->sqe.cdw11;
	if (id->hmpre == 0) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (!(cdw11 & HMB_EHM)) {
		if (m->drv.hmb.enabled)
			m->drv.hmb.disables++;
		hmb_forget(m);
		return;
	}
	if (m->drv.hmb.enabled) {   /* enabling an enabled buffer */
		c->status = MODEL_GEN(NVME_SC_COMMAND_SEQUENCE_ERROR);
		return;
	}
	if (m->drv.hmb_refuse) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	uint64_t page = m->page_size;
	uint64_t hsize = (uint64_t)c->sqe.cdw12 * page;
	uint64_t list = (uint64_t)c->sqe.cdw14 << 32 | c->sqe.cdw13;
	uint32_t n = c->sqe.cdw15;
	char why[160] = "";
	if (hsize < (uint64_t)id->hmmin * 4096u)
		snprintf(why, sizeof(why), "HSIZE %llu bytes below HMMIN", (unsigned long long)hsize);
	else if (n == 0 || (id->hmmaxd && n > id->hmmaxd))
		snprintf(why, sizeof(why), "HMDLEC %u (HMMAXD %u)", n, id->hmmaxd);
	else if (list & 15u)
		snprintf(why, sizeof(why), "descriptor list at %#llx not 16-byte aligned", (unsigned long long)list);
	struct { uint64_t badd; uint32_t bsize, rsvd; } *d = NULL;
	if (!why[0]) {
		d = calloc(n, sizeof(*d));
		m->drv.hmb_desc = calloc(n, sizeof(*m->drv.hmb_desc));
		if (!d || !m->drv.hmb_desc)
			abort();
		if (!model_dma_read(m, list, d, (uint64_t)n * sizeof(*d)))
			snprintf(why, sizeof(why), "descriptor list at %#llx not readable", (unsigned long long)list);
	}
	uint64_t sum = 0;
	for (uint32_t i = 0; i < n && !why[0]; i++) {
		uint64_t bytes = (uint64_t)d[i].bsize * page;
		if ((d[i].badd & (page - 1)) || d[i].bsize == 0)
			snprintf(why, sizeof(why), "descriptor %u: BADD %#llx BSIZE %u", i, (unsigned long long)d[i].badd,
				 d[i].bsize);
		else if (bytes < (uint64_t)id->hmminds * 4096u)
			snprintf(why, sizeof(why), "descriptor %u: %llu bytes below HMMINDS", i, (unsigned long long)bytes);
		for (uint32_t k = 0; k < i && !why[0]; k++)
			if (d[i].badd < m->drv.hmb_desc[k].addr + m->drv.hmb_desc[k].bytes &&
			    m->drv.hmb_desc[k].addr < d[i].badd + bytes)
				snprintf(why, sizeof(why), "descriptors %u and %u overlap", k, i);
		m->drv.hmb_desc[i].addr = d[i].badd;
		m->drv.hmb_desc[i].bytes = bytes;
		sum += bytes;
	}
	if (!why[0] && sum != hsize)
		snprintf(why, sizeof(why), "descriptors hold %llu bytes, HSIZE says %llu", (unsigned long long)sum,
			 (unsigned long long)hsize);
	free(d);
	if (why[0]) {
		model_error(m, "Host Memory Buffer refused: %s", why);
		hmb_forget(m);
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	m->drv.hmb_ndesc = n;
	m->drv.hmb.enabled = true;
	m->drv.hmb.bytes = hsize;
	m->drv.hmb.descriptors = n;
	m->drv.hmb.enables++;
	if (cdw11 & HMB_MR) {
		m->drv.hmb.enables_mr++;   /* the contents are the controller's from before */
	} else {
		uint8_t zero[4096] = {0};
		for (uint64_t off = 0; off < hsize; off += sizeof(zero))
			(void)model_dma_write(m, hmb_addr(m, off), zero, sizeof(zero) < hsize - off ? sizeof(zero) : hsize - off);
	}
}

static void drives_get_features(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t fid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_FEAT_CDW10_FID);
	if (fid == NVME_FEAT_AUTO_PST) {
		model_apst_get_features(c);
		return;
	}
	if (fid != NVME_FEAT_HOST_MEM_BUFFER) {
		m->drv.prev_get_features(c);
		return;
	}
	if (m->id_ctrl.hmpre == 0) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	/* Host Memory Buffer Attributes: HSIZE, HMDLAL, HMDLAU, HMDLEC */
	uint32_t attr[1024] = {0};
	if (m->drv.hmb.enabled) {
		attr[0] = (uint32_t)(m->drv.hmb.bytes / m->page_size);
		attr[3] = m->drv.hmb_ndesc;
	}
	c->dw0 = m->drv.hmb.enabled ? HMB_EHM : 0;
	c->status = model_to_host(c, attr, sizeof(attr));
}

/* ------------------------------------------------------------------------ */
/* Device Self-test                                                          */
/* ------------------------------------------------------------------------ */

static void dst_push(struct nvme_model *m, uint8_t result, uint8_t segment, bool failed)
{
	memmove(m->drv.dst_results[1], m->drv.dst_results[0], sizeof(m->drv.dst_results[0]) * 19);
	uint8_t *r = m->drv.dst_results[0];
	memset(r, 0, 28);
	r[0] = (uint8_t)(result | m->drv.dst_code << 4);
	r[1] = segment;
	uint64_t poh = m->power_cycles;   /* any monotonic count will do */
	memcpy(r + 4, &poh, 8);
	if (m->drv.dst_nsid != 0 && m->drv.dst_nsid != NVME_NSID_ALL) {
		r[2] |= 1u;   /* NSIDV */
		memcpy(r + 12, &m->drv.dst_nsid, 4);
	}
	if (failed) {
		uint32_t nsid = (m->drv.dst_nsid != 0 && m->drv.dst_nsid != NVME_NSID_ALL) ? m->drv.dst_nsid : 1u;
		r[2] |= 1u | 2u | 4u | 8u;   /* NSIDV FLBAV SCTV SCV */
		memcpy(r + 12, &nsid, 4);
		memcpy(r + 16, &m->drv.dst_fail_lba, 8);
		r[24] = NVME_SCT_MEDIA;
		r[25] = NVME_SC_UNRECOVERED_READ_ERROR;
	}
	m->drv.dst_code = 0;
}

static uint64_t dst_duration(const struct nvme_model *m)
{
	return m->drv.dst_code == 2 ? m->drv.dst_ext_us : m->drv.dst_short_us;
}

/* Finish the running test if its time has come. */
static void dst_update(struct nvme_model *m)
{
	if (m->drv.dst_code == 0 || model_now(m) - m->drv.dst_start < dst_duration(m))
		return;
	if (m->drv.dst_fail_segment)
		dst_push(m, 7, m->drv.dst_fail_segment, true);
	else
		dst_push(m, 0, 0, false);
}

void nvme_model_set_self_test(struct nvme_model *m, bool on, uint64_t short_us, uint64_t extended_us,
			      uint8_t fail_segment, uint64_t fail_lba)
{
	m->drv.dst_on = on;
	m->drv.dst_short_us = short_us;
	m->drv.dst_ext_us = extended_us;
	m->drv.dst_fail_segment = fail_segment;
	m->drv.dst_fail_lba = fail_lba;
	if (on)
		m->id_ctrl.oacs |= (uint16_t)NVME_SET(NVME_OACS_SELF_TEST, 1);
	else
		m->id_ctrl.oacs &= (uint16_t)~NVME_MASK(NVME_OACS_SELF_TEST);
	m->id_ctrl.edstt = (uint16_t)((extended_us + 59999999u) / 60000000u);
	m->admin_ops[NVME_ADMIN_DEVICE_SELF_TEST] = NULL;
	m->admin_names[NVME_ADMIN_DEVICE_SELF_TEST] = NULL;
	if (on) {
		m->admin_ops[NVME_ADMIN_DEVICE_SELF_TEST] = model_drives_dst_cmd;
		m->admin_names[NVME_ADMIN_DEVICE_SELF_TEST] = "Device Self-test";
	}
}

uint32_t nvme_model_self_test_cmds(const struct nvme_model *m) { return m->drv.dst_cmds; }

static void model_drives_dst_cmd(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	unsigned stc = c->sqe.cdw10 & 0xFu;
	uint32_t nsid = c->sqe.nsid;
	m->drv.dst_cmds++;
	dst_update(m);
	if (stc == 0xF) {
		if (m->drv.dst_code != 0)
			dst_push(m, 1, 0, false);
		return;
	}
	if (stc != 1 && stc != 2) {
		c->status = MODEL_GEN(NVME_SC_INVALID_FIELD);
		return;
	}
	if (nsid != 0 && nsid != NVME_NSID_ALL && !model_ns_find(m, nsid)) {
		c->status = MODEL_GEN(NVME_SC_INVALID_NAMESPACE_OR_FORMAT);
		return;
	}
	if (m->drv.dst_code != 0) {
		c->status = MODEL_CMDSPEC(NVME_SC_DEVICE_SELF_TEST_IN_PROGRESS);
		return;
	}
	m->drv.dst_code = (uint8_t)stc;
	m->drv.dst_nsid = nsid;
	m->drv.dst_start = model_now(m);
}

static void dst_log(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t log[564];
	dst_update(m);
	memset(log, 0, sizeof(log));
	log[0] = m->drv.dst_code;
	if (m->drv.dst_code != 0) {
		uint64_t d = dst_duration(m);
		uint64_t pct = d ? (model_now(m) - m->drv.dst_start) * 100u / d : 0;
		log[1] = (uint8_t)(pct > 99 ? 99 : pct);
	}
	for (unsigned i = 0; i < 20; i++) {
		memcpy(log + 4 + 28 * i, m->drv.dst_results[i], 28);
		if (m->drv.dst_results[i][0] == 0)   /* a used entry has its test's code in bits 7:4 */
			log[4 + 28 * i] = 0xF;   /* unused */
	}
	ext_log_reply(c, log, sizeof(log));
}

/* ------------------------------------------------------------------------ */
/* Telemetry Host-Initiated                                                  */
/* ------------------------------------------------------------------------ */

void nvme_model_set_telemetry(struct nvme_model *m, bool on, uint16_t da1, uint16_t da2, uint16_t da3)
{
	m->drv.tel_on = on;
	m->drv.tel_da[0] = da1;
	m->drv.tel_da[1] = da2;
	m->drv.tel_da[2] = da3;
	if (on)
		m->id_ctrl.lpa |= (uint8_t)NVME_SET(NVME_LPA_TELEMETRY, 1);
	else
		m->id_ctrl.lpa &= (uint8_t)~NVME_MASK(NVME_LPA_TELEMETRY);
}

void nvme_model_telemetry_change_after(struct nvme_model *m, uint32_t n) { m->drv.tel_change_after = n; }

static void tel_log(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	unsigned lsp = (unsigned)NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_LSP);
	if (lsp & 1u)
		m->drv.tel_gen++;   /* Create Telemetry Host-Initiated Data */
	else if (m->drv.tel_change_after && --m->drv.tel_change_after == 0)
		m->drv.tel_gen++;   /* new data behind the reader's back */
	size_t blocks = (size_t)m->drv.tel_da[2] + 1u;
	uint8_t *log = calloc(blocks, 512);
	if (!log)
		abort();
	log[0] = NVME_LID_TELEMETRY_HOST;
	log[5] = 0x12;   /* IEEE OUI */
	log[6] = 0x34;
	log[7] = 0x56;
	memcpy(log + 8, &m->drv.tel_da[0], 2);
	memcpy(log + 10, &m->drv.tel_da[1], 2);
	memcpy(log + 12, &m->drv.tel_da[2], 2);
	log[381] = m->drv.tel_gen;   /* Telemetry Host-Initiated Data Generation Number */
	log[382] = 0;                /* Controller-Initiated Data Available */
	snprintf((char *)log + 384, 128, "nvme-model telemetry");
	for (size_t b = 1; b < blocks; b++)
		for (size_t i = 0; i < 512; i++)
			log[b * 512 + i] = (uint8_t)(m->drv.tel_gen * 31u + b * 7u + i);
	ext_log_reply(c, log, blocks * 512);
	free(log);
}

static void drives_get_log_page(struct model_cmd *c)
{
	struct nvme_model *m = c->m;
	uint8_t lid = (uint8_t)NVME_GET(c->sqe.cdw10, NVME_GET_LOG_CDW10_LID);
	if (lid == NVME_LID_DEVICE_SELF_TEST && m->drv.dst_on) {
		dst_log(c);
		return;
	}
	if (lid == NVME_LID_TELEMETRY_HOST && m->drv.tel_on) {
		tel_log(c);
		return;
	}
	m->drv.prev_get_log_page(c);
}

void model_drives_install(struct nvme_model *m)
{
	m->drv.prev_get_log_page = m->admin_ops[NVME_ADMIN_GET_LOG_PAGE];
	m->admin_ops[NVME_ADMIN_GET_LOG_PAGE] = drives_get_log_page;
	m->drv.prev_get_features = m->admin_ops[NVME_ADMIN_GET_FEATURES];
	m->drv.prev_read = m->io_ops[NVME_CMD_READ];
	m->drv.prev_write = m->io_ops[NVME_CMD_WRITE];
	m->admin_ops[NVME_ADMIN_GET_FEATURES] = drives_get_features;
	m->io_ops[NVME_CMD_READ] = drives_read;
	m->io_ops[NVME_CMD_WRITE] = drives_write;
	m->drv.prev_identify = m->admin_ops[NVME_ADMIN_IDENTIFY];
	m->drv.prev_set_features = m->admin_ops[NVME_ADMIN_SET_FEATURES];
	m->drv.prev_write_zeroes = m->io_ops[NVME_CMD_WRITE_ZEROES];
	if (!m->drv.prev_identify || !m->drv.prev_set_features || !m->drv.prev_write_zeroes)
		abort();
	m->admin_ops[NVME_ADMIN_IDENTIFY] = drives_identify;
	m->admin_ops[NVME_ADMIN_SET_FEATURES] = drives_set_features;
	m->io_ops[NVME_CMD_WRITE_ZEROES] = drives_write_zeroes;
}
