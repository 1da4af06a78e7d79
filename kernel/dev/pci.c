/* SPDX-License-Identifier: BSD-2-Clause */
/* pci.c - enumeration and configuration access (see pci.h). */
#include "pci.h"
#include "cpu.h"
#include "console.h"
#include "kstring.h"

static struct pci_dev devices[PCI_MAX_DEVICES];
static int ndevices;
static bool bus_scanned[256];
static bool table_full_warned;

static uint32_t cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)(dev & 31) << 11) |
	       ((uint32_t)(fn & 7) << 8) | (off & 0xFC);
}

uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(0xCF8, cfg_addr(bus, dev, fn, off));
	return inl(0xCFC);
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
	outl(0xCF8, cfg_addr(bus, dev, fn, off));
	outl(0xCFC, v);
}

static uint16_t cfg_read16(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(0xCF8, cfg_addr(bus, dev, fn, off));
	return inw((uint16_t)(0xCFC + (off & 2)));
}

static uint8_t cfg_read8(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(0xCF8, cfg_addr(bus, dev, fn, off));
	return inb((uint16_t)(0xCFC + (off & 3)));
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off) { return cfg_read8(d->bus, d->dev, d->fn, off); }
uint16_t pci_read16(const struct pci_dev *d, uint8_t off) { return cfg_read16(d->bus, d->dev, d->fn, off); }
uint32_t pci_read32(const struct pci_dev *d, uint8_t off) { return pci_cfg_read32(d->bus, d->dev, d->fn, off); }

void pci_write8(const struct pci_dev *d, uint8_t off, uint8_t v)
{
	outl(0xCF8, cfg_addr(d->bus, d->dev, d->fn, off));
	outb((uint16_t)(0xCFC + (off & 3)), v);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	outl(0xCF8, cfg_addr(d->bus, d->dev, d->fn, off));
	outw((uint16_t)(0xCFC + (off & 2)), v);
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	pci_cfg_write32(d->bus, d->dev, d->fn, off, v);
}

uint8_t pci_find_next_capability(const struct pci_dev *d, uint8_t prev, uint8_t cap_id)
{
	if (!(pci_read16(d, 0x06) & 0x10)) /* status: capability list */
		return 0;
	uint8_t cap_ptr_reg = d->header_type == 2 ? 0x14 : 0x34;
	uint8_t off = prev ? pci_read8(d, (uint8_t)(prev + 1)) : pci_read8(d, cap_ptr_reg);
	for (int guard = 0; guard < 48 && off >= 0x40; guard++) {
		off &= 0xFC;
		if (pci_read8(d, off) == cap_id)
			return off;
		off = pci_read8(d, (uint8_t)(off + 1));
	}
	return 0;
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

static void scan_bus(uint8_t bus);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (ndevices >= PCI_MAX_DEVICES) {
		if (!table_full_warned)
			kprintf("pci: more than %d functions; the rest are ignored\n", PCI_MAX_DEVICES);
		table_full_warned = true;
		return;
	}
	struct pci_dev *d = &devices[ndevices++];
	memset(d, 0, sizeof(*d));
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
	if (d->header_type == 0) {
		d->subsys_vendor = pci_read16(d, 0x2C);
		d->subsys_id = pci_read16(d, 0x2E);
		read_bars(d, 6);
	} else if (d->header_type == 1) {
		read_bars(d, 2);
		d->secondary_bus = pci_read8(d, 0x19);
		uint8_t sec = d->secondary_bus;
		if (sec != 0 && sec != bus)
			scan_bus(sec);
	}
}

static void scan_bus(uint8_t bus)
{
	if (bus_scanned[bus])
		return;
	bus_scanned[bus] = true;
	for (uint8_t dev = 0; dev < 32; dev++) {
		if ((uint16_t)pci_cfg_read32(bus, dev, 0, 0) == 0xFFFF)
			continue;
		bool multi = cfg_read8(bus, dev, 0, 0x0E) & 0x80;
		for (uint8_t fn = 0; fn < (multi ? 8 : 1); fn++) {
			if ((uint16_t)pci_cfg_read32(bus, dev, fn, 0) == 0xFFFF)
				continue;
			add_function(bus, dev, fn);
		}
	}
}

void pci_init(void)
{
	ndevices = 0;
	memset(bus_scanned, 0, sizeof(bus_scanned));
	/* Mechanism #1 present? 0xCF8 reads back what we wrote. */
	outl(0xCF8, 0x80000000u);
	if (inl(0xCF8) != 0x80000000u) {
		kprintf("pci: configuration mechanism #1 not available\n");
		return;
	}
	if (cfg_read8(0, 0, 0, 0x0E) & 0x80) {
		/* Several host bridges: function N decodes bus N. */
		for (uint8_t fn = 0; fn < 8; fn++)
			if ((uint16_t)pci_cfg_read32(0, 0, fn, 0) != 0xFFFF)
				scan_bus(fn);
	} else {
		scan_bus(0);
	}
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
		if (d->class_code == class_code && (subclass < 0 || d->subclass == subclass) &&
		    (prog_if < 0 || d->prog_if == prog_if))
			return d;
	}
	return NULL;
}

struct pci_dev *pci_find_id(uint16_t vendor, uint16_t device, struct pci_dev *after)
{
	for (int i = index_after(after); i < ndevices; i++) {
		struct pci_dev *d = &devices[i];
		if (d->vendor == vendor && (device == 0xFFFF || d->device == device))
			return d;
	}
	return NULL;
}

struct pci_dev *pci_find_bdf(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < ndevices; i++)
		if (devices[i].bus == bus && devices[i].dev == dev && devices[i].fn == fn)
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
