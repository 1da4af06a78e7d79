/* SPDX-License-Identifier: BSD-2-Clause */
/* pci.c - enumeration and configuration access (see pci.h). */
#include "pci.h"
#include "pci_caps.h"
#include "acpi.h"
#include "vmm.h"
#include "cpu.h"
#include "console.h"
#include "kstring.h"

/*
 * Configuration space access.
 *
 * Every MCFG allocation (segment, bus range) is a cfg_range with its ECAM
 * base; without a usable MCFG there is one range, segment 0 buses 0-255,
 * reached through mechanism #1 (ports 0xCF8/0xCFC, 256 bytes per function).
 * ECAM pages (4 KiB per function) are mapped uncached on first use and
 * remembered in a bitmap, so a scan of 256 buses maps only the functions
 * it probes.
 */
#define PCI_MAX_RANGES ACPI_MAX_MCFG
struct cfg_range {
	uint64_t base;  /* ECAM base of bus 0 of the segment; 0: mechanism #1 */
	uint16_t seg;
	uint8_t start, end;
	bool scanned[256];
	uint8_t mapped[256][32]; /* bus, then one bit per dev/fn page */
};

static struct cfg_range ranges[PCI_MAX_RANGES];
static int nranges;
static int nsegments;
static bool mech1;
static struct pci_dev devices[PCI_MAX_DEVICES];
static int ndevices;
static bool table_full_warned;

static struct cfg_range *range_for(uint16_t seg, uint8_t bus)
{
	for (int i = 0; i < nranges; i++)
		if (ranges[i].seg == seg && bus >= ranges[i].start && bus <= ranges[i].end)
			return &ranges[i];
	return NULL;
}

static uint32_t cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)(dev & 31) << 11) |
	       ((uint32_t)(fn & 7) << 8) | (off & 0xFC);
}

/* The ECAM address of (bus, dev, fn, off), mapped; NULL if this function is
 * not reached through ECAM (or cannot be mapped). */
static volatile uint8_t *ecam(const struct cfg_range *r, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	if (!r || !r->base || off >= 4096)
		return NULL;
	unsigned df = (unsigned)((dev & 31) << 3 | (fn & 7));
	uint64_t phys = r->base + ((uint64_t)bus << 20) + ((uint64_t)df << 12);
	struct cfg_range *w = (struct cfg_range *)r;
	if (!(w->mapped[bus][df >> 3] & (1u << (df & 7)))) {
		if (!vmm_map_mmio(phys, 4096))
			return NULL;
		w->mapped[bus][df >> 3] |= (uint8_t)(1u << (df & 7));
	}
	return (volatile uint8_t *)(uintptr_t)phys + off;
}

/* Reads width (1, 2, 4) bytes; all-ones when the function or offset cannot
 * be reached (as an absent device reads). */
static uint32_t cfg_read(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, int width)
{
	const struct cfg_range *r = range_for(seg, bus);
	volatile uint8_t *p = ecam(r, bus, dev, fn, off);
	if (p)
		return width == 1 ? *p : width == 2 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
	if (!mech1 || seg != 0 || off >= 256)
		return width == 1 ? 0xFF : width == 2 ? 0xFFFF : 0xFFFFFFFFu;
	outl(0xCF8, cfg_addr(bus, dev, fn, (uint8_t)off));
	if (width == 1)
		return inb((uint16_t)(0xCFC + (off & 3)));
	if (width == 2)
		return inw((uint16_t)(0xCFC + (off & 2)));
	return inl(0xCFC);
}

static void cfg_write(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, int width, uint32_t v)
{
	const struct cfg_range *r = range_for(seg, bus);
	volatile uint8_t *p = ecam(r, bus, dev, fn, off);
	if (p) {
		if (width == 1)
			*p = (uint8_t)v;
		else if (width == 2)
			*(volatile uint16_t *)p = (uint16_t)v;
		else
			*(volatile uint32_t *)p = v;
		return;
	}
	if (!mech1 || seg != 0 || off >= 256)
		return;
	outl(0xCF8, cfg_addr(bus, dev, fn, (uint8_t)off));
	if (width == 1)
		outb((uint16_t)(0xCFC + (off & 3)), (uint8_t)v);
	else if (width == 2)
		outw((uint16_t)(0xCFC + (off & 2)), (uint16_t)v);
	else
		outl(0xCFC, v);
}

uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return cfg_read(0, bus, dev, fn, off & 0xFC, 4);
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
	cfg_write(0, bus, dev, fn, off & 0xFC, 4, v);
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off) { return (uint8_t)cfg_read(d->segment, d->bus, d->dev, d->fn, off, 1); }
uint16_t pci_read16(const struct pci_dev *d, uint8_t off) { return (uint16_t)cfg_read(d->segment, d->bus, d->dev, d->fn, off & 0xFE, 2); }
uint32_t pci_read32(const struct pci_dev *d, uint8_t off) { return cfg_read(d->segment, d->bus, d->dev, d->fn, off & 0xFC, 4); }
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v) { cfg_write(d->segment, d->bus, d->dev, d->fn, off & 0xFE, 2, v); }
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v) { cfg_write(d->segment, d->bus, d->dev, d->fn, off & 0xFC, 4, v); }

bool pci_has_ext_config(const struct pci_dev *d)
{
	const struct cfg_range *r = range_for(d->segment, d->bus);
	return r && r->base;
}

uint32_t pci_read32_ext(const struct pci_dev *d, uint16_t off)
{
	if (off >= 4096)
		return 0xFFFFFFFFu;
	return cfg_read(d->segment, d->bus, d->dev, d->fn, off & 0xFFC, 4);
}

static uint32_t caps_read(void *ctx, uint16_t off)
{
	const struct pci_dev *d = ctx;
	return cfg_read(d->segment, d->bus, d->dev, d->fn, off, 4);
}

int pci_capabilities(const struct pci_dev *d, struct pci_cap *out, int max, const char **trouble)
{
	*trouble = NULL;
	if (!(pci_read16(d, 0x06) & 0x10)) /* status: capability list */
		return 0;
	return pci_caps_list(caps_read, (void *)d, d->header_type == 2 ? 0x14 : 0x34, out, max, trouble);
}

int pci_ext_capabilities(const struct pci_dev *d, struct pci_cap *out, int max, const char **trouble)
{
	*trouble = NULL;
	if (!pci_has_ext_config(d))
		return 0;
	return pci_ext_caps_list(caps_read, (void *)d, out, max, trouble);
}

/* The first capability with this ID after the one at offset prev (0: from
 * the start) in a walked list; 0 if none. */
static uint16_t cap_after(const struct pci_cap *caps, int n, uint16_t prev, uint16_t cap_id)
{
	int i = 0;
	if (prev) {
		while (i < n && caps[i].off != prev)
			i++;
		i++;
	}
	for (; i < n; i++)
		if (caps[i].id == cap_id)
			return caps[i].off;
	return 0;
}

uint16_t pci_find_ext_capability(const struct pci_dev *d, uint16_t prev, uint16_t cap_id)
{
	struct pci_cap caps[PCI_EXT_CAP_MAX];
	const char *trouble;
	return cap_after(caps, pci_ext_capabilities(d, caps, PCI_EXT_CAP_MAX, &trouble), prev, cap_id);
}

uint8_t pci_find_next_capability(const struct pci_dev *d, uint8_t prev, uint8_t cap_id)
{
	struct pci_cap caps[PCI_CAP_MAX];
	const char *trouble;
	return (uint8_t)cap_after(caps, pci_capabilities(d, caps, PCI_CAP_MAX, &trouble), prev, cap_id);
}

uint8_t pci_find_capability(const struct pci_dev *d, uint8_t cap_id)
{
	return pci_find_next_capability(d, 0, cap_id);
}

void pci_enable_mmio_busmaster(const struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* Sizes BARs with decoding off so the probe value is never decoded. */
static void read_bars(struct pci_dev *d, int nbars)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; i++) {
		uint8_t off = (uint8_t)(0x10 + 4 * i);
		uint32_t orig = pci_read32(d, off);
		struct pci_bar *b = &d->bar[i];
		memset(b, 0, sizeof(*b));
		if (orig & 1) {
			pci_write32(d, off, 0xFFFFFFFF);
			uint32_t mask = pci_read32(d, off) & 0xFFFFFFFC;
			pci_write32(d, off, orig);
			mask &= 0xFFFF; /* I/O BARs decode at most 16 bits on x86 */
			if (mask) {
				b->present = true;
				b->is_io = true;
				b->base = orig & 0xFFFFFFFC;
				b->size = (~mask & 0xFFFF) + 1;
			}
			continue;
		}
		uint32_t type = (orig >> 1) & 3;
		b->prefetch = orig & 8;
		if (type == 2 && i + 1 < nbars) {
			uint8_t off_hi = (uint8_t)(off + 4);
			uint32_t orig_hi = pci_read32(d, off_hi);
			pci_write32(d, off, 0xFFFFFFFF);
			pci_write32(d, off_hi, 0xFFFFFFFF);
			uint64_t mask = ((uint64_t)pci_read32(d, off_hi) << 32) | (pci_read32(d, off) & 0xFFFFFFF0);
			pci_write32(d, off, orig);
			pci_write32(d, off_hi, orig_hi);
			if (mask) {
				b->present = true;
				b->is_64 = true;
				b->base = ((uint64_t)orig_hi << 32) | (orig & 0xFFFFFFF0);
				b->size = ~mask + 1;
			}
			i++; /* the upper half */
			memset(&d->bar[i], 0, sizeof(d->bar[i]));
			continue;
		}
		pci_write32(d, off, 0xFFFFFFFF);
		uint32_t mask = pci_read32(d, off) & 0xFFFFFFF0;
		pci_write32(d, off, orig);
		if (mask) {
			b->present = true;
			b->base = orig & 0xFFFFFFF0;
			b->size = (uint64_t)(~mask) + 1;
		}
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void scan_bus(struct cfg_range *r, uint8_t bus);

/* Vendor 0xFFFF (all-ones) or 0x0000: no function there. */
static bool absent(uint16_t vendor) { return vendor == 0xFFFF || vendor == 0x0000; }

static int nadded; /* functions add_function() put in the table (rescan count) */

static void add_function(struct cfg_range *r, uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (pci_find_sbdf(r->seg, bus, dev, fn))
		return; /* already listed (a rescan) */
	if (ndevices >= PCI_MAX_DEVICES) {
		if (!table_full_warned)
			kprintf("pci: more than %d functions; the rest are ignored\n", PCI_MAX_DEVICES);
		table_full_warned = true;
		return;
	}
	struct pci_dev *d = &devices[ndevices++];
	memset(d, 0, sizeof(*d));
	d->segment = r->seg;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	uint32_t id = pci_read32(d, 0x00);
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	uint32_t cls = pci_read32(d, 0x08);
	d->revision = (uint8_t)cls;
	d->prog_if = (uint8_t)(cls >> 8);
	d->subclass = (uint8_t)(cls >> 16);
	d->class_code = (uint8_t)(cls >> 24);
	uint8_t ht = pci_read8(d, 0x0E);
	d->header_type = ht & 0x7F;
	d->multifunction = ht & 0x80;
	d->irq_line = pci_read8(d, 0x3C);
	d->irq_pin = pci_read8(d, 0x3D);
	if (absent(d->vendor) || id == 0xFFFFFFFFu) {
		ndevices--; /* went away between the probe and now */
		return;
	}
	nadded++;
	if (d->header_type == 0) {
		d->subsys_vendor = pci_read16(d, 0x2C);
		d->subsys_id = pci_read16(d, 0x2E);
		read_bars(d, 6);
	} else if (d->header_type == 1) {
		read_bars(d, 2);
		d->secondary_bus = pci_read8(d, 0x19);
		uint8_t sec = d->secondary_bus;
		/* A secondary bus at or below this bus would be a loop. */
		struct cfg_range *sr = sec > bus ? range_for(r->seg, sec) : NULL;
		if (sr)
			scan_bus(sr, sec);
	}
	/* header types above 2 are not defined: no BARs, no children */
}

static void scan_bus(struct cfg_range *r, uint8_t bus)
{
	if (r->scanned[bus])
		return;
	r->scanned[bus] = true;
	for (uint8_t dev = 0; dev < 32; dev++) {
		if (absent((uint16_t)cfg_read(r->seg, bus, dev, 0, 0, 2)))
			continue;
		uint8_t ht = (uint8_t)cfg_read(r->seg, bus, dev, 0, 0x0E, 1);
		bool multi = ht != 0xFF && (ht & 0x80);
		for (uint8_t fn = 0; fn < (multi ? 8 : 1); fn++) {
			if (absent((uint16_t)cfg_read(r->seg, bus, dev, fn, 0, 2)))
				continue;
			add_function(r, bus, dev, fn);
		}
	}
}

/*
 * Root buses: every bus number of every range is probed, after the first
 * bus of the range and everything behind its bridges. A bus already reached
 * through a bridge is not scanned again; a bus number that nothing decodes
 * reads all-ones and costs 32 reads. This finds the buses of host bridges
 * that are not on bus 0 (QEMU pxb/pxb-pcie, multi-socket servers) without
 * evaluating ACPI _CRS/_BBN in the DSDT (which would need an AML
 * interpreter) and without trusting chipset-specific registers. A bridge
 * whose secondary bus the firmware left unassigned is not configured.
 */
void pci_init(void)
{
	ndevices = 0;
	nranges = 0;
	memset(ranges, 0, sizeof(ranges));
	/* Mechanism #1 present? 0xCF8 reads back what we wrote. */
	outl(0xCF8, 0x80000000u);
	mech1 = inl(0xCF8) == 0x80000000u;
	const struct acpi_info *ai = acpi_get();
	if (ai && ai->have_mcfg) {
		for (int i = 0; i < ai->nmcfg && nranges < PCI_MAX_RANGES; i++) {
			const struct acpi_mcfg_entry *m = &ai->mcfg[i];
			bool overlap = false;
			for (int b = m->bus_start; b <= m->bus_end && !overlap; b++)
				overlap = range_for(m->segment, (uint8_t)b) != NULL;
			if (overlap) {
				kprintf("pci: MCFG range %04x:%02x-%02x overlaps another; ignored\n",
					m->segment, m->bus_start, m->bus_end);
				continue;
			}
			struct cfg_range *r = &ranges[nranges++];
			r->base = m->base;
			r->seg = m->segment;
			r->start = m->bus_start;
			r->end = m->bus_end;
		}
	}
	if (nranges == 0) {
		if (!mech1) {
			kprintf("pci: no MCFG and configuration mechanism #1 not available\n");
			return;
		}
		ranges[0].seg = 0;
		ranges[0].start = 0;
		ranges[0].end = 255;
		nranges = 1;
	} else if (mech1 && !range_for(0, 0)) {
		/* MCFG without segment 0 bus 0: reach that bus through #1. */
		if (nranges < PCI_MAX_RANGES) {
			struct cfg_range *r = &ranges[nranges++];
			r->seg = 0;
			r->start = 0;
			r->end = 0;
		}
	}
	nsegments = 0;
	for (int i = 0; i < nranges; i++) {
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= ranges[j].seg == ranges[i].seg;
		nsegments += !seen;
	}
	for (int i = 0; i < nranges; i++) {
		struct cfg_range *r = &ranges[i];
		scan_bus(r, r->start);
		for (int b = r->start; b <= r->end; b++)
			if (!r->scanned[b])
				scan_bus(r, (uint8_t)b);
	}
}

/* ------------------------------------------------------------ hot-plug */

void pci_remove_bus(uint16_t seg, uint8_t sec, uint8_t sub)
{
	for (int i = 0; i < ndevices; i++) {
		struct pci_dev *d = &devices[i];
		if (d->segment == seg && d->bus >= sec && d->bus <= sub)
			d->removed = true;
	}
	for (int b = sec; b <= sub; b++) {
		struct cfg_range *r = range_for(seg, (uint8_t)b);
		if (r)
			r->scanned[b] = false;
	}
}

int pci_rescan_bus(uint16_t seg, uint8_t bus)
{
	struct cfg_range *r = range_for(seg, bus);
	if (!r)
		return 0;
	nadded = 0;
	r->scanned[bus] = false;
	scan_bus(r, bus);
	return nadded;
}

/* A bridge's 16-bit memory base/limit pair at reg, reg + 2 (bits 15:4 are
 * address bits 31:20; the limit's low 20 bits are all ones). false for a
 * device that is not a bridge or reads all-ones. */
static bool bridge_window16(const struct pci_dev *b, uint16_t reg, uint16_t *lo, uint16_t *hi,
			    uint64_t *base, uint64_t *limit)
{
	if (b->header_type != 1)
		return false;
	*lo = pci_read16(b, reg);
	*hi = pci_read16(b, (uint16_t)(reg + 2));
	if (*lo == 0xFFFF && *hi == 0xFFFF)
		return false;
	*base = (uint64_t)(*lo & 0xFFF0) << 16;
	*limit = ((uint64_t)(*hi & 0xFFF0) << 16) | 0xFFFFF;
	return true;
}

bool pci_bridge_mem_window(const struct pci_dev *b, uint64_t *base, uint64_t *limit)
{
	uint16_t lo, hi;
	return bridge_window16(b, 0x20, &lo, &hi, base, limit) && *base < *limit;
}

bool pci_bridge_pref_window(const struct pci_dev *b, uint64_t *base, uint64_t *limit)
{
	uint16_t lo, hi;
	if (!bridge_window16(b, 0x24, &lo, &hi, base, limit))
		return false;
	if ((lo & 0xF) == 1) /* 64-bit window: upper halves at 0x28/0x2C */
		*base |= (uint64_t)pci_read32(b, 0x28) << 32;
	if ((hi & 0xF) == 1)
		*limit |= (uint64_t)pci_read32(b, 0x2C) << 32;
	return *base < *limit;
}

/* Is [a, a+size) free of every other assigned memory BAR on this bus? */
static bool bar_range_free(const struct pci_dev *self, uint64_t a, uint64_t size)
{
	for (int i = 0; i < ndevices; i++) {
		const struct pci_dev *o = &devices[i];
		if (o->removed || o->segment != self->segment || o->bus != self->bus)
			continue;
		for (int k = 0; k < 6; k++) {
			const struct pci_bar *b = &o->bar[k];
			if (!b->present || b->is_io || b->base == 0 || (o == self))
				continue;
			if (a < b->base + b->size && b->base < a + size)
				return false;
		}
	}
	return true;
}

/* First free, size-aligned place for a BAR in [wb, wl]; 0 if none. */
static uint64_t place_bar(const struct pci_dev *d, uint64_t size, uint64_t wb, uint64_t wl)
{
	for (uint64_t a = (wb + size - 1) & ~(size - 1); a >= wb && a + size - 1 <= wl && a + size > a;
	     a += size)
		if (bar_range_free(d, a, size))
			return a;
	return 0;
}

int pci_assign_bars(struct pci_dev *d, const struct pci_dev *bridge)
{
	if (d->header_type != 0)
		return 0;
	uint64_t mb = 0, ml = 0, pb = 0, pl = 0;
	bool have_mem = pci_bridge_mem_window(bridge, &mb, &ml);
	bool have_pref = pci_bridge_pref_window(bridge, &pb, &pl);
	int failed = 0;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < 6; i++) {
		struct pci_bar *b = &d->bar[i];
		if (!b->present || b->is_io || b->base != 0)
			continue;
		/* size is a power of two from the sizing probe; refuse anything else */
		if (b->size == 0 || (b->size & (b->size - 1)) != 0) {
			failed++;
			continue;
		}
		uint64_t size = b->size < 4096 ? 4096 : b->size;
		uint64_t a = 0;
		if (b->prefetch && have_pref && (b->is_64 || pl <= 0xFFFFFFFFull))
			a = place_bar(d, size, pb, pl);
		if (a == 0 && have_mem)
			a = place_bar(d, size, mb, ml);
		if (a == 0 || (!b->is_64 && a + size - 1 > 0xFFFFFFFFull)) {
			failed++;
			continue;
		}
		uint8_t off = (uint8_t)(0x10 + 4 * i);
		uint32_t lowflags = pci_read32(d, off) & 0xF;
		pci_write32(d, off, (uint32_t)a | lowflags);
		if (b->is_64)
			pci_write32(d, (uint8_t)(off + 4), (uint32_t)(a >> 32));
		uint64_t back = pci_read32(d, off) & 0xFFFFFFF0u;
		if (b->is_64)
			back |= (uint64_t)pci_read32(d, (uint8_t)(off + 4)) << 32;
		if (back != a) {
			failed++;
			continue;
		}
		b->base = a;
	}
	pci_write16(d, PCI_COMMAND, cmd);
	return -failed;
}

int pci_segment_count(void) { return nsegments; }

const char *pci_config_method(void)
{
	if (nranges && ranges[0].base)
		return "ECAM (MCFG)";
	return nranges ? "mechanism #1" : "none";
}

int pci_device_count(void) { return ndevices; }
struct pci_dev *pci_device(int i) { return (i >= 0 && i < ndevices) ? &devices[i] : NULL; }

static int index_after(struct pci_dev *after)
{
	return after ? (int)(after - devices) + 1 : 0;
}

struct pci_dev *pci_find_class(int class_code, int subclass, int prog_if, struct pci_dev *after)
{
	for (int i = index_after(after); i < ndevices; i++) {
		struct pci_dev *d = &devices[i];
		if (d->removed)
			continue;
		if (d->class_code == class_code && (subclass < 0 || d->subclass == subclass) &&
		    (prog_if < 0 || d->prog_if == prog_if))
			return d;
	}
	return NULL;
}

struct pci_dev *pci_find_sbdf(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < ndevices; i++)
		if (!devices[i].removed && devices[i].segment == seg && devices[i].bus == bus && devices[i].dev == dev &&
		    devices[i].fn == fn)
			return &devices[i];
	return NULL;
}

const char *pci_class_name(uint8_t c, uint8_t s, uint8_t p)
{
	switch (c) {
	case 0x00: return "Unclassified device";
	case 0x01:
		switch (s) {
		case 0x00: return "SCSI controller";
		case 0x01: return "IDE controller";
		case 0x05: return "ATA controller";
		case 0x06: return p == 0x01 ? "SATA controller (AHCI)" : "SATA controller";
		case 0x07: return "SAS controller";
		case 0x08: return p == 0x02 ? "NVMe controller" : "Non-volatile memory controller";
		default: return "Mass storage controller";
		}
	case 0x02: return s == 0x00 ? "Ethernet controller" : "Network controller";
	case 0x03: return s == 0x00 ? "VGA compatible controller" : "Display controller";
	case 0x04: return "Multimedia controller";
	case 0x05: return "Memory controller";
	case 0x06:
		switch (s) {
		case 0x00: return "Host bridge";
		case 0x01: return "ISA bridge";
		case 0x04: return "PCI bridge";
		default: return "Bridge";
		}
	case 0x07: return "Communication controller";
	case 0x08: return "System peripheral";
	case 0x09: return "Input device controller";
	case 0x0C:
		switch (s) {
		case 0x03: return "USB controller";
		case 0x05: return "SMBus";
		default: return "Serial bus controller";
		}
	default: return "Other device";
	}
}
