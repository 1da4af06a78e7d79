/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pci_ecam.c - ECAM configuration access, the bus scan and BAR assignment
 * (see pci_ecam.h). PCI Local Bus 3.0 and PCI Express Base chapter 7 for the
 * header layout; the device tree PCI bus binding (IEEE 1275 PCI) for the
 * "ranges" phys.hi cell: bits 25:24 space (01 I/O, 10 32-bit memory, 11 64-bit
 * memory), bit 30 prefetchable.
 */
#include "pci_ecam.h"
#include "port.h"

#define PCI_VENDOR     0x00
#define PCI_COMMAND    0x04
#define PCI_CLASS_REV  0x08
#define PCI_HEADER     0x0c   /* byte 2 of this dword: header type */
#define PCI_BAR0       0x10

#define PCI_CMD_IO          (1u << 0)
#define PCI_CMD_MEMORY      (1u << 1)
#define PCI_CMD_BUS_MASTER  (1u << 2)
#define PCI_CMD_INTX_DIS    (1u << 10)

#define PCI_BAR_IO          1u
#define PCI_BAR_TYPE_MASK   6u
#define PCI_BAR_TYPE_64     4u
#define PCI_BAR_MEM_MASK    (~0xfull)

#define ECAM_BUS_BYTES      (1u << 20)

/* ECAM is device memory: one 32-bit access at a time, through volatile
 * pointers (the driver's nvme_arch.h does the same for its registers). */
static volatile uint32_t *cfg_addr(struct pci_host *h, uint8_t dev, uint8_t fn, uint32_t off)
{
	return (volatile uint32_t *)(h->ecam + ((uint32_t)dev << 15 | (uint32_t)fn << 12 | (off & 0xffcu)));
}

static uint32_t cfg_read(struct pci_host *h, uint8_t dev, uint8_t fn, uint32_t off)
{
	return *cfg_addr(h, dev, fn, off);
}

static void cfg_write(struct pci_host *h, uint8_t dev, uint8_t fn, uint32_t off, uint32_t v)
{
	*cfg_addr(h, dev, fn, off) = v;
}

int pci_host_init(struct pci_host *h, const struct fdt *f)
{
	struct fdt_node n;
	memset(h, 0, sizeof(*h));
	if (!fdt_find_compatible(f, "pci-host-ecam-generic", &n)) {
		port_printf("pci: no \"pci-host-ecam-generic\" node in the device tree\n");
		return -1;
	}
	if (!fdt_reg(f, &n, 0, &h->ecam_phys, &h->ecam_size) || h->ecam_size < ECAM_BUS_BYTES) {
		port_printf("pci: %s: no usable reg (ECAM) property\n", n.name);
		return -1;
	}
	uint32_t len;
	const uint8_t *br = fdt_prop(f, &n, "bus-range", &len);
	if (br != NULL && len == 8) {
		h->bus_start = (uint32_t)fdt_cells(br, 1);
		h->bus_end = (uint32_t)fdt_cells(br + 4, 1);
	} else {
		h->bus_start = 0;
		h->bus_end = 255;
	}
	uint64_t buses = h->ecam_size / ECAM_BUS_BYTES;
	if (h->bus_end > 255 || h->bus_start > h->bus_end || h->bus_end - h->bus_start + 1 > buses) {
		port_printf("pci: bus-range %u-%u does not fit the ECAM region (%lu buses)\n",
			    h->bus_start, h->bus_end, buses);
		return -1;
	}
	h->dma_coherent = fdt_prop(f, &n, "dma-coherent", NULL) != NULL;

	/* ranges: child address (3 cells: phys.hi, mid, lo), parent address
	 * (the root's #address-cells, which fdt_reg used: n.addr_cells), size
	 * (this node's #size-cells, 2 on virt). */
	uint32_t my_ac = 3, my_sc = 2;
	fdt_prop_u32(f, &n, "#address-cells", &my_ac);
	fdt_prop_u32(f, &n, "#size-cells", &my_sc);
	const uint8_t *r = fdt_prop(f, &n, "ranges", &len);
	uint32_t pac = n.addr_cells;
	if (my_ac != 3 || my_sc < 1 || my_sc > 2 || pac < 1 || pac > 2 || r == NULL) {
		port_printf("pci: %s: unexpected #address-cells/#size-cells or no ranges\n", n.name);
		return -1;
	}
	uint32_t entry = 4 * (3 + pac + my_sc);
	for (uint32_t off = 0; off + entry <= len; off += entry) {
		uint32_t hi = (uint32_t)fdt_cells(r + off, 1);
		uint64_t pci = fdt_cells(r + off + 4, 2);
		uint64_t cpu = fdt_cells(r + off + 12, pac);
		uint64_t size = fdt_cells(r + off + 12 + 4 * pac, my_sc);
		uint32_t space = (hi >> 24) & 3u;
		struct pci_window *w = NULL;
		if (space == 2)
			w = &h->mem32;
		else if (space == 3)
			w = &h->mem64;
		if (w == NULL || size == 0 || w->present || cpu + size < cpu)
			continue; /* I/O space (unused here), or a second window of a kind */
		if (space == 2 && pci + size > (1ull << 32))
			continue; /* a "32-bit" window that is not */
		w->cpu = cpu;
		w->pci = pci;
		w->size = size;
		w->next = 0;
		w->present = true;
	}
	if (!h->mem32.present && !h->mem64.present) {
		port_printf("pci: %s: no memory window in ranges\n", n.name);
		return -1;
	}
	h->ecam = arch_map_mmio(h->ecam_phys, ECAM_BUS_BYTES);
	if (h->ecam == NULL) {
		port_printf("pci: cannot map ECAM at 0x%lx\n", h->ecam_phys);
		return -1;
	}
	port_printf("pci: %s: ECAM 0x%lx (+0x%lx), buses %u-%u%s\n", n.name, h->ecam_phys,
		    h->ecam_size, h->bus_start, h->bus_end, h->dma_coherent ? ", dma-coherent" : "");
	if (h->mem32.present)
		port_printf("pci: 32-bit window: CPU 0x%lx = PCI 0x%lx, 0x%lx bytes\n", h->mem32.cpu,
			    h->mem32.pci, h->mem32.size);
	if (h->mem64.present)
		port_printf("pci: 64-bit window: CPU 0x%lx = PCI 0x%lx, 0x%lx bytes\n", h->mem64.cpu,
			    h->mem64.pci, h->mem64.size);
	return 0;
}

int pci_scan(struct pci_host *h, struct pci_func *out, int max)
{
	int found = 0;
	for (uint8_t dev = 0; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint32_t id = cfg_read(h, dev, fn, PCI_VENDOR);
			if ((id & 0xffffu) == 0xffffu || (id & 0xffffu) == 0) {
				if (fn == 0)
					break;
				continue;
			}
			uint32_t cls = cfg_read(h, dev, fn, PCI_CLASS_REV) >> 8;
			uint8_t ht = (uint8_t)(cfg_read(h, dev, fn, PCI_HEADER) >> 16);
			port_printf("pci %02x:%02x.%u %04x:%04x class %06x%s%s\n", h->bus_start, dev, fn,
				    id & 0xffffu, id >> 16, cls,
				    (ht & 0x7fu) == 1 ? " (bridge: not configured by this port)" : "",
				    cls == PCI_CLASS_NVME ? " NVMe" : "");
			if (found < max) {
				struct pci_func *p = &out[found];
				p->bus = (uint8_t)h->bus_start;
				p->dev = dev;
				p->fn = fn;
				p->vendor = (uint16_t)id;
				p->device = (uint16_t)(id >> 16);
				p->class_code = cls;
				p->header_type = ht & 0x7fu;
			}
			found++;
			if (fn == 0 && (ht & 0x80u) == 0)
				break; /* not multi-function */
		}
	}
	return found;
}

/* Take size bytes, naturally aligned, from w. 0 on success. */
static int window_take(struct pci_window *w, uint64_t size, uint64_t *cpu, uint64_t *pci)
{
	if (!w->present)
		return -1;
	/* align the bus address (what the BAR decodes) */
	uint64_t at = (w->pci + w->next + size - 1) & ~(size - 1);
	uint64_t off = at - w->pci;
	if (off < w->next || off > w->size || size > w->size - off)
		return -1;
	w->next = off + size;
	*pci = at;
	*cpu = w->cpu + off;
	return 0;
}

int pci_assign_and_enable(struct pci_host *h, const struct pci_func *f, enum pci_bar64_place place,
			  uint64_t *bar0, uint64_t *bar0_size)
{
	if (f->header_type != 0) {
		port_printf("pci %02x:%02x.%u: header type %u, not a device\n", f->bus, f->dev, f->fn,
			    f->header_type);
		return -1;
	}
	/* no decoding while the BARs are sized and moved */
	uint32_t cmd = cfg_read(h, f->dev, f->fn, PCI_COMMAND) & 0xffffu;
	cfg_write(h, f->dev, f->fn, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER));
	*bar0 = 0;
	*bar0_size = 0;
	for (unsigned i = 0; i < 6; i++) {
		uint32_t off = PCI_BAR0 + 4 * i;
		uint32_t orig = cfg_read(h, f->dev, f->fn, off);
		if (orig & PCI_BAR_IO) {
			continue; /* I/O BARs are left alone: the ports do no port I/O */
		}
		bool is64 = (orig & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64;
		if (is64 && i == 5) {
			port_printf("pci %02x:%02x.%u: BAR5 claims to be 64-bit; ignored\n", f->bus, f->dev, f->fn);
			break;
		}
		cfg_write(h, f->dev, f->fn, off, 0xffffffffu);
		uint64_t mask = cfg_read(h, f->dev, f->fn, off);
		uint32_t orig_hi = 0;
		if (is64) {
			orig_hi = cfg_read(h, f->dev, f->fn, off + 4);
			cfg_write(h, f->dev, f->fn, off + 4, 0xffffffffu);
			mask |= (uint64_t)cfg_read(h, f->dev, f->fn, off + 4) << 32;
		} else {
			mask |= 0xffffffff00000000ull;
		}
		mask &= PCI_BAR_MEM_MASK;
		uint64_t size = ~mask + 1;
		bool absent = is64 ? mask == 0 : (mask & 0xfffffff0u) == 0;
		if (absent || (size & (size - 1)) != 0 || size < 16) {
			/* not implemented (reads back 0), or nonsense: restore */
			cfg_write(h, f->dev, f->fn, off, orig);
			if (is64)
				cfg_write(h, f->dev, f->fn, off + 4, orig_hi);
			if (is64)
				i++;
			continue;
		}
		struct pci_window *w;
		if (is64 && place == PCI_BAR64_HIGH && h->mem64.present)
			w = &h->mem64;
		else
			w = &h->mem32;
		uint64_t cpu, pci;
		if (window_take(w, size, &cpu, &pci) != 0 || (!is64 && pci + size > (1ull << 32))) {
			port_printf("pci %02x:%02x.%u: BAR%u (0x%lx bytes) does not fit the %s window\n",
				    f->bus, f->dev, f->fn, i, size, w == &h->mem64 ? "64-bit" : "32-bit");
			return -1;
		}
		cfg_write(h, f->dev, f->fn, off, (uint32_t)pci | (orig & 0xfu));
		if (is64)
			cfg_write(h, f->dev, f->fn, off + 4, (uint32_t)(pci >> 32));
		/* read back: the device must hold what was written */
		uint64_t got = cfg_read(h, f->dev, f->fn, off) & 0xfffffff0u;
		if (is64)
			got |= (uint64_t)cfg_read(h, f->dev, f->fn, off + 4) << 32;
		if (got != pci) {
			port_printf("pci %02x:%02x.%u: BAR%u reads back 0x%lx after writing 0x%lx\n", f->bus,
				    f->dev, f->fn, i, got, pci);
			return -1;
		}
		port_printf("pci %02x:%02x.%u: BAR%u %s, 0x%lx bytes at 0x%lx (%s window)\n", f->bus,
			    f->dev, f->fn, i, is64 ? "64-bit" : "32-bit", size, cpu,
			    w == &h->mem64 ? "64-bit" : "32-bit");
		if (i == 0) {
			*bar0 = cpu;
			*bar0_size = size;
		}
		if (is64)
			i++;
	}
	if (*bar0 == 0) {
		port_printf("pci %02x:%02x.%u: no memory BAR0\n", f->bus, f->dev, f->fn);
		return -1;
	}
	cmd = (cmd & ~PCI_CMD_IO) | PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER | PCI_CMD_INTX_DIS;
	cfg_write(h, f->dev, f->fn, PCI_COMMAND, cmd);
	uint32_t back = cfg_read(h, f->dev, f->fn, PCI_COMMAND) & 0xffffu;
	if ((back & (PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER)) != (PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER)) {
		port_printf("pci %02x:%02x.%u: command register reads 0x%04x after enabling\n", f->bus,
			    f->dev, f->fn, back);
		return -1;
	}
	port_printf("pci %02x:%02x.%u: command 0x%04x (memory space, bus master, INTx off)\n", f->bus,
		    f->dev, f->fn, back);
	return 0;
}
