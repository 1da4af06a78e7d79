/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_quirks.c - the quirk tables (by PCI ID and by Identify strings),
 * quirk names, and the set a controller applies.
 *
 * Entries are facts from public drivers' tables (drivers/nvme/REFERENCES.md
 * "Quirks"); what each bit changes is in nvme_quirks.h.
 */
#include "nvme_internal.h"

struct pci_quirk {
	uint16_t vid, did;       /* NVME_PCI_ANY: any */
	uint16_t svid, sdid;
	uint32_t quirks;
};

static const struct pci_quirk pci_quirks[] = {
	/* must not be read for a while after CC.EN=0 */
	{ 0x1c58, 0x0003, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_DELAY_BEFORE_CHK_RDY },  /* HGST adapter */
	{ 0x1c58, 0x0023, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_DELAY_BEFORE_CHK_RDY },  /* WDC SN200 */
	{ 0x1c5f, 0x0540, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_DELAY_BEFORE_CHK_RDY },  /* Memblaze Pblaze4 */
	{ 0x1bb1, 0x0100, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_DELAY_BEFORE_CHK_RDY },  /* Seagate Nytro */
	/* Samsung PM1725 / PM1725a: the delay, and CAP.MQES may read 0 */
	{ 0x144d, 0xa821, NVME_PCI_ANY, NVME_PCI_ANY,
	  NVME_QUIRK_DELAY_BEFORE_CHK_RDY | NVME_QUIRK_MQES_ZERO },
	{ 0x144d, 0xa822, NVME_PCI_ANY, NVME_PCI_ANY,
	  NVME_QUIRK_DELAY_BEFORE_CHK_RDY | NVME_QUIRK_MQES_ZERO | NVME_QUIRK_NO_WRITE_ZEROES },
	/* Apple T2: no CNS 02h, 128-byte I/O SQEs, CIDs shared by all queues
	 * and kept small, one interrupt vector */
	{ 0x106b, 0x2005, NVME_PCI_ANY, NVME_PCI_ANY,
	  NVME_QUIRK_NO_NS_LIST | NVME_QUIRK_NO_CNS_06 | NVME_QUIRK_SQE_128 | NVME_QUIRK_SHARED_CIDS |
	  NVME_QUIRK_SINGLE_VECTOR },
	/* Apple MacBook8,1 controller: one command at a time, one vector */
	{ 0x106b, 0x2001, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_QDEPTH_ONE | NVME_QUIRK_SINGLE_VECTOR },
	/* broken Write Zeroes */
	{ 0x8086, 0xf1a5, NVME_PCI_ANY, NVME_PCI_ANY,                         /* Intel 600P/P3100 */
	  NVME_QUIRK_NO_WRITE_ZEROES | NVME_QUIRK_NO_DEEPEST_PS },
	{ 0x1987, 0x5019, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Phison E19 */
	{ 0x1987, 0x5021, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Phison E21 */
	{ 0x1c5c, 0x1504, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* SK hynix PC400 */
	{ 0x1c5c, 0x1d59, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* SK hynix BC901 */
	{ 0x15b7, 0x2001, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* SanDisk Skyhawk */
	{ 0x1d97, 0x2263, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* SPCC */
	{ 0x144d, 0xa80b, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Samsung PM9B1 */
	{ 0x144d, 0xa809, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Samsung MZALQ256HBJD */
	{ 0x1cc4, 0x6302, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* UMIS RPJTJ256 */
	{ 0x1cc4, 0x6303, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* UMIS RPJTJ512 */
	{ 0x2646, 0x5016, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Kingston OM3PGP4 */
	{ 0x2646, 0x5018, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Kingston OM8SFP4 */
	{ 0x2646, 0x501a, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Kingston OM8PGP4 */
	{ 0x2646, 0x501b, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Kingston OM8PGP4 */
	{ 0x2646, 0x501e, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_WRITE_ZEROES },  /* Kingston OM3PGP4 */
	/* broken deepest power state */
	{ 0x126f, 0x1001, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* Silicon Motion */
	{ 0x126f, 0x2262, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* Silicon Motion */
	{ 0x15b7, 0x5009, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* SanDisk SN550 */
	{ 0x1cc1, 0x8201, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* ADATA SX8200PNP */
	{ 0x2646, 0x2262, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* Kingston SKC2000 */
	{ 0x2646, 0x2263, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* Kingston A2000 */
	{ 0x1e49, 0x0021, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* ZHITAI TiPro5000 */
	{ 0x1e49, 0x0041, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* ZHITAI TiPro7000 */
	{ 0x025e, 0xf1ac, NVME_PCI_ANY, NVME_PCI_ANY, NVME_QUIRK_NO_DEEPEST_PS },    /* Solidigm P44 Pro */
};

struct str_quirk {
	uint16_t    vid;         /* Identify VID; NVME_PCI_ANY: any */
	const char *mn;          /* model number prefix, NULL: any */
	const char *fr;          /* firmware revision, exact; NULL: any */
	uint32_t    quirks;
};

static const struct str_quirk str_quirks[] = {
	/* Samsung Portable SSD X5 (Thunderbolt): the delay after CC.EN=0 and
	 * a broken deepest power state */
	{ 0x144d, "Samsung Portable SSD X5", NULL,
	  NVME_QUIRK_DELAY_BEFORE_CHK_RDY | NVME_QUIRK_NO_DEEPEST_PS },
};

static const char *const quirk_names[NVME_QUIRK_COUNT] = {
	"delay-before-rdy", "mqes-zero", "no-cns-06", "no-ns-list", "sqe-128",
	"shared-cids", "single-vector", "qdepth-one", "no-write-zeroes", "no-deepest-ps",
};

NVME_COLD uint32_t nvme_quirks_for(uint16_t vendor, uint16_t device, uint16_t subvendor, uint16_t subdevice)
{
	uint32_t q = 0;
	for (size_t i = 0; i < sizeof(pci_quirks) / sizeof(pci_quirks[0]); i++) {
		const struct pci_quirk *e = &pci_quirks[i];
		if ((e->vid == NVME_PCI_ANY || e->vid == vendor) && (e->did == NVME_PCI_ANY || e->did == device) &&
		    (e->svid == NVME_PCI_ANY || e->svid == subvendor) &&
		    (e->sdid == NVME_PCI_ANY || e->sdid == subdevice))
			q |= e->quirks;
	}
	return q;
}

NVME_COLD static bool str_prefix(const char *s, const char *prefix)
{
	while (*prefix != '\0')
		if (*s++ != *prefix++)
			return false;
	return true;
}

NVME_COLD static bool str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

NVME_COLD uint32_t nvme_quirks_for_strings(uint16_t vid, const char *mn, const char *fr)
{
	uint32_t q = 0;
	if (mn == NULL || fr == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(str_quirks) / sizeof(str_quirks[0]); i++) {
		const struct str_quirk *e = &str_quirks[i];
		if ((e->vid == NVME_PCI_ANY || e->vid == vid) && (e->mn == NULL || str_prefix(mn, e->mn)) &&
		    (e->fr == NULL || str_eq(fr, e->fr)))
			q |= e->quirks;
	}
	return q;
}

NVME_COLD const char *nvme_quirk_name(uint32_t bit)
{
	for (uint32_t i = 0; i < NVME_QUIRK_COUNT; i++)
		if (bit == (1u << i))
			return quirk_names[i];
	return NULL;
}

NVME_COLD uint32_t nvme_quirk_by_name(const char *name)
{
	if (name == NULL)
		return 0;
	for (uint32_t i = 0; i < NVME_QUIRK_COUNT; i++)
		if (str_eq(name, quirk_names[i]))
			return 1u << i;
	return 0;
}

NVME_COLD size_t nvme_quirks_describe(uint32_t quirks, char *buf, size_t len)
{
	size_t n = 0;
	bool any = false;
	for (uint32_t i = 0; i < NVME_QUIRK_COUNT + 1u; i++) {
		const char *s;
		if (i == NVME_QUIRK_COUNT)
			s = (quirks & ~NVME_QUIRK_ALL) != 0 ? "unknown-bits" : (any ? NULL : "none");
		else
			s = (quirks & (1u << i)) != 0 ? quirk_names[i] : NULL;
		if (s == NULL)
			continue;
		if (any) {
			if (n + 1 < len)
				buf[n] = ',';
			n++;
		}
		for (; *s != '\0'; s++, n++)
			if (n + 1 < len)
				buf[n] = *s;
		any = true;
	}
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}

NVME_COLD uint32_t nvme_ctrl_quirks(const struct nvme_ctrl *c)
{
	return c != NULL ? c->quirks : 0;
}

/*
 * Effective quirks at init: the host's lookup and additions, minus removals.
 * NVME_QUIRK_SHARED_CIDS splits the CIDs below NVME_QUIRK_CID_LIMIT into
 * power-of-two ranges, one per queue: the admin queue and the I/O queues
 * init creates (qid 0..io_queue_count); a queue beyond them is refused.
 */
NVME_COLD void nvme_quirks_init(struct nvme_ctrl *c)
{
	c->quirks = (c->cfg.quirks | c->cfg.quirks_add) & ~c->cfg.quirks_remove & NVME_QUIRK_ALL;
	c->cid_region_shift = 16;
	if (c->quirks & NVME_QUIRK_SHARED_CIDS) {
		uint32_t queues = 1u + nvme_max_u32(c->io_wanted, 1u);
		uint32_t regions = 1;
		while (regions < queues && regions < NVME_QUIRK_CID_LIMIT / NVME_MIN_QUEUE_ENTRIES)
			regions <<= 1;
		c->cid_region_shift = (uint8_t)nvme_log2(NVME_QUIRK_CID_LIMIT / regions);
	}
	if (c->quirks != 0) {
		char names[160];
		nvme_quirks_describe(c->quirks, names, sizeof(names));
		nvme_info(c, "quirks: %s", names);
	}
}

NVME_COLD uint32_t nvme_quirk_depth(const struct nvme_ctrl *c, uint16_t qid, uint32_t depth)
{
	if (qid != 0 && (c->quirks & NVME_QUIRK_QDEPTH_ONE))
		depth = nvme_min_u32(depth, 2u);
	if (c->quirks & NVME_QUIRK_SHARED_CIDS)
		depth = nvme_min_u32(depth, 1u << c->cid_region_shift);
	return depth;
}

/* After Identify Controller: the string table's quirks (not the removed ones). */
NVME_COLD void nvme_quirks_apply_strings(struct nvme_ctrl *c)
{
	uint32_t add = nvme_quirks_for_strings(c->id.vid, c->model, c->firmware) & ~c->cfg.quirks_remove;
	if ((add & ~c->quirks) != 0) {
		char names[160];
		nvme_quirks_describe(add & ~c->quirks, names, sizeof(names));
		nvme_info(c, "quirks from the model/firmware table: %s", names);
		c->quirks |= add;
	}
}

NVME_COLD bool nvme_ctrl_cns_exists(const struct nvme_ctrl *c, uint8_t cns)
{
	if (c == NULL)
		return false;
	uint32_t vs = c->vs;
	bool iocs = (NVME_GET(c->cap, NVME_CAP_CSS) & NVME_CAP_CSS_IOCS) != 0;
	if (cns == NVME_CNS_ACTIVE_NS_LIST && (c->quirks & NVME_QUIRK_NO_NS_LIST))
		return false;
	if (cns == NVME_CNS_CS_CTRL && (c->quirks & NVME_QUIRK_NO_CNS_06))
		return false;
	if (cns <= NVME_CNS_CTRL)
		return true;
	if (cns == NVME_CNS_ACTIVE_NS_LIST)
		return vs >= NVME_VS(1, 1, 0);
	if (cns >= NVME_CNS_ALLOCATED_NS_LIST && cns <= NVME_CNS_CTRL_LIST)
		return vs >= NVME_VS(1, 2, 0);
	if (cns == NVME_CNS_NS_ID_DESCRIPTORS || cns == NVME_CNS_PRIMARY_CTRL_CAPS ||
	    cns == NVME_CNS_SECONDARY_CTRL_LIST)
		return vs >= NVME_VS(1, 3, 0);
	if (cns == NVME_CNS_NVM_SET_LIST || cns == NVME_CNS_NS_GRANULARITY_LIST || cns == NVME_CNS_UUID_LIST)
		return vs >= NVME_VS(1, 4, 0);
	if (cns == NVME_CNS_CS_NS || cns == NVME_CNS_CS_CTRL || cns == NVME_CNS_IOCS)
		return vs >= NVME_VS(2, 0, 0) || iocs;
	return vs >= NVME_VS(2, 0, 0);
}
