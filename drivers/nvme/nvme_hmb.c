/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_hmb.c - Host Memory Buffer: allocation in chunks, descriptor list,
 * Set Features 0Dh enable / re-enable with Memory Return / disable, free
 * (nvme_hmb.h). NVMe 1.4 section 5.21.1.13 (Host Memory Buffer feature),
 * Identify Controller HMPRE, HMMIN, HMMINDS, HMMAXD.
 */
#include "nvme_internal.h"
#include "nvme_hmb.h"

#if NVME_CFG_HMB   /* optional (nvme_hmb.h): the file is empty without it */

/* Identify's HMB sizes are in 4 KiB units. */
#define HMB_UNIT 4096u
/* Set Features 0Dh dword 11 */
#define HMB_EHM  0x1u   /* Enable Host Memory */
#define HMB_MR   0x2u   /* Memory Return: the memory is the one given before */

/* One chunk (bookkeeping, in host memory from dma_alloc). */
struct nvme_hmb_chunk {
	void    *virt;
	uint64_t phys;
	uint64_t bytes;
};

/* One Host Memory Buffer descriptor entry (16 bytes). */
struct hmb_desc {
	uint64_t badd;    /* buffer address, CC.MPS aligned */
	uint32_t bsize;   /* CC.MPS pages */
	uint32_t rsvd;
};

NVME_COLD static uint64_t round_up64(uint64_t v, uint64_t a)
{
	return (v + a - 1u) & ~(a - 1u);
}

NVME_COLD void nvme_hmb_free(struct nvme_ctrl *c)
{
	if (c->hmb_chunks != NULL) {
		struct nvme_hmb_chunk *k = c->hmb_chunks;
		for (uint32_t i = 0; i < c->hmb_nchunks; i++)
			nvme_dma_free(c, k[i].virt, k[i].phys, (size_t)k[i].bytes);
		nvme_dma_free(c, c->hmb_chunks, c->hmb_chunks_phys, c->hmb_chunks_bytes);
	}
	nvme_dma_free(c, c->hmb_list, c->hmb_list_phys, c->hmb_list_bytes);
	c->hmb_chunks = NULL;
	c->hmb_list = NULL;
	c->hmb_nchunks = 0;
	c->hmb_bytes = 0;
	c->hmb_on = false;
}

NVME_COLD static int hmb_set(struct nvme_ctrl *c, uint32_t cdw11)
{
	struct nvme_sqe sqe;
	__builtin_memset(&sqe, 0, sizeof(sqe));
	sqe.opc = NVME_ADMIN_SET_FEATURES;
	sqe.cdw10 = NVME_FEAT_HOST_MEM_BUFFER;
	sqe.cdw11 = cdw11;
	if (cdw11 & HMB_EHM) {
		sqe.cdw12 = (uint32_t)(c->hmb_bytes >> c->page_shift);   /* HSIZE, CC.MPS pages */
		sqe.cdw13 = (uint32_t)c->hmb_list_phys;                    /* HMDLLA (16-byte aligned) */
		sqe.cdw14 = (uint32_t)(c->hmb_list_phys >> 32);            /* HMDLUA */
		sqe.cdw15 = c->hmb_nchunks;                                /* HMDLEC */
	}
	return nvme_admin_exec(c, &sqe, NULL, 0, NULL);
}

/* Allocate the chunks and the descriptor list; 0 or why not (logged). */
NVME_COLD static int hmb_alloc(struct nvme_ctrl *c)
{
	const struct nvme_id_ctrl *id = &c->id;
	uint64_t page = c->page_size;
	uint64_t pref = (uint64_t)id->hmpre * HMB_UNIT;
	uint64_t min = round_up64((uint64_t)id->hmmin * HMB_UNIT, page);
	uint64_t min_chunk = round_up64(nvme_max_u32(id->hmminds, 1u) * (uint64_t)HMB_UNIT, page);
	uint32_t maxd = id->hmmaxd != 0 ? nvme_min_u32(id->hmmaxd, NVME_HMB_MAX_DESCRIPTORS) : NVME_HMB_MAX_DESCRIPTORS;
	uint64_t want = nvme_min_u64(pref, c->cfg.hmb_max_bytes) & ~(page - 1u);

	if (want < min || want == 0) {
		nvme_warn(c, "host memory buffer: the controller needs at least %llu KiB (prefers %llu KiB), "
			  "the host allows %llu KiB: running without it", (unsigned long long)(min >> 10),
			  (unsigned long long)(pref >> 10), (unsigned long long)(c->cfg.hmb_max_bytes >> 10));
		return NVME_ERR_UNSUPPORTED;
	}
	if (want < min_chunk)
		want = min_chunk;
	c->hmb_chunks_bytes = (size_t)round_up64((uint64_t)maxd * sizeof(struct nvme_hmb_chunk), 64);
	c->hmb_chunks = nvme_dma_alloc(c, c->hmb_chunks_bytes, 64, &c->hmb_chunks_phys);
	c->hmb_list_bytes = (size_t)round_up64((uint64_t)maxd * sizeof(struct hmb_desc), 64);
	c->hmb_list = nvme_dma_alloc(c, c->hmb_list_bytes, 64, &c->hmb_list_phys);
	if (c->hmb_chunks == NULL || c->hmb_list == NULL) {
		nvme_hmb_free(c);
		return NVME_ERR_NOMEM;
	}
	/* as few chunks as the host gives: the whole, then halves, ... */
	struct nvme_hmb_chunk *k = c->hmb_chunks;
	uint64_t chunk = want;
	uint64_t total = 0;
	while (total < want && c->hmb_nchunks < maxd) {
		uint64_t size = nvme_min_u64(chunk, round_up64(want - total, page));
		if (size < min_chunk)
			size = min_chunk;
		uint64_t phys = 0;
		void *p = size <= (uint64_t)SIZE_MAX ? nvme_dma_alloc(c, (size_t)size, (size_t)page, &phys) : NULL;
		if (p != NULL) {
			k[c->hmb_nchunks].virt = p;
			k[c->hmb_nchunks].phys = phys;
			k[c->hmb_nchunks].bytes = size;
			c->hmb_nchunks++;
			total += size;
			continue;
		}
		uint64_t half = (chunk / 2u) & ~(page - 1u);
		if (half < min_chunk)
			break;
		chunk = half;
	}
	c->hmb_bytes = total;
	if (total < min) {
		nvme_warn(c, "host memory buffer: the host gave %llu KiB in %u chunks, the controller needs %llu KiB: "
			  "running without it", (unsigned long long)(total >> 10), (unsigned)c->hmb_nchunks,
			  (unsigned long long)(min >> 10));
		nvme_hmb_free(c);
		return NVME_ERR_NOMEM;
	}
	struct hmb_desc *d = c->hmb_list;
	for (uint32_t i = 0; i < c->hmb_nchunks; i++) {
		d[i].badd = k[i].phys;
		d[i].bsize = (uint32_t)(k[i].bytes >> c->page_shift);
		d[i].rsvd = 0;
	}
	return 0;
}

NVME_COLD static int hmb_enable(struct nvme_ctrl *c, bool memory_return)
{
	int rc = hmb_set(c, HMB_EHM | (memory_return ? HMB_MR : 0u));
	if (rc != 0) {
		nvme_warn(c, "host memory buffer: the controller refused it (%s): running without it",
			  nvme_strerror(rc));
		c->hmb_on = false;
		return rc;
	}
	c->hmb_on = true;
	c->hmb_enables++;
	nvme_info(c, "host memory buffer: %llu KiB in %u chunk(s) enabled%s", (unsigned long long)(c->hmb_bytes >> 10),
		  (unsigned)c->hmb_nchunks, memory_return ? " (memory returned)" : "");
	return 0;
}

/*
 * After Identify at init, reset and resume. First time: allocate and enable
 * (Memory Return 0); later: the same memory again with Memory Return 1.
 * Never fails the bring-up: without HMB the controller still works.
 */
NVME_COLD void nvme_hmb_start(struct nvme_ctrl *c)
{
	c->hmb_on = false;   /* a controller reset disabled it */
	if (c->hmb_chunks != NULL) {
		c->hmb_status = hmb_enable(c, true);
		return;
	}
	if (c->hmb_tried)
		return;
	c->hmb_tried = true;
	c->hmb_status = NVME_ERR_UNSUPPORTED;
	if (c->id.hmpre == 0)
		return;   /* the controller asks for none */
	if (c->cfg.no_hmb) {
		nvme_info(c, "host memory buffer: %llu KiB asked for; not given (no_hmb)",
			  (unsigned long long)c->id.hmpre * 4u);
		return;
	}
	int rc = hmb_alloc(c);
	if (rc == 0) {
		rc = hmb_enable(c, false);
		if (rc != 0)
			nvme_hmb_free(c);
	}
	c->hmb_status = rc;
}

/* Before a shutdown or detach (while the controller takes admin commands):
 * EHM=0, so it stops using the memory. */
NVME_COLD void nvme_hmb_stop(struct nvme_ctrl *c)
{
	if (!c->hmb_on)
		return;
	int rc = hmb_set(c, 0);
	if (rc != 0)
		nvme_warn(c, "host memory buffer: disable failed: %s", nvme_strerror(rc));
	c->hmb_on = false;
}

NVME_COLD int nvme_hmb_info(const struct nvme_ctrl *c, struct nvme_hmb_info *out)
{
	if (c == NULL || out == NULL)
		return NVME_ERR_INVAL;
	__builtin_memset(out, 0, sizeof(*out));
	out->preferred = (uint64_t)c->id.hmpre * HMB_UNIT;
	out->minimum = (uint64_t)c->id.hmmin * HMB_UNIT;
	out->min_chunk = (uint64_t)c->id.hmminds * HMB_UNIT;
	out->max_chunks = c->id.hmmaxd;
	out->bytes = c->hmb_bytes;
	out->chunks = c->hmb_nchunks;
	for (uint32_t i = 0; i < c->hmb_nchunks && c->hmb_chunks != NULL; i++) {
		const struct nvme_hmb_chunk *k = c->hmb_chunks;
		if (k[i].bytes > out->largest_chunk)
			out->largest_chunk = k[i].bytes;
	}
	out->enabled = c->hmb_on;
	out->enables = c->hmb_enables;
	out->status = c->hmb_status;
	return 0;
}

NVME_COLD int nvme_hmb_chunk(const struct nvme_ctrl *c, uint32_t i, uint64_t *phys, void **virt, uint64_t *bytes)
{
	if (c == NULL || c->hmb_chunks == NULL || i >= c->hmb_nchunks)
		return NVME_ERR_INVAL;
	const struct nvme_hmb_chunk *k = c->hmb_chunks;
	if (phys != NULL)
		*phys = k[i].phys;
	if (virt != NULL)
		*virt = k[i].virt;
	if (bytes != NULL)
		*bytes = k[i].bytes;
	return 0;
}

#else
typedef int nvme_hmb_left_out;   /* ISO C wants a declaration in every file */
#endif /* NVME_CFG_HMB */
