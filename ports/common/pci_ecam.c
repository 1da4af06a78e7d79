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

#define PCI_BUS_NUMBERS     0x18  /* bridges: primary, secondary, subordinate */
#define PCI_IO_BASE_LIMIT   0x1c  /* bridges: I/O base and limit (bytes 0, 1) */
#define PCI_MEM_BASE_LIMIT  0x20  /* bridges: memory base and limit (16 bits each) */
#define PCI_PREF_BASE_LIMIT 0x24  /* bridges: prefetchable base and limit */
#define PCI_PREF_BASE_HI    0x28
#define PCI_PREF_LIMIT_HI   0x2c
/* Bridge memory windows have 1 MiB granularity. */
#define BRIDGE_WINDOW_ALIGN (1u << 20)

/* ECAM is device memory: one 32-bit access at a time, through volatile
 * pointers (the driver's nvme_arch.h does the same for its registers). The
 * callers keep bus within bus_start..bus_end. */
static volatile uint32_t *cfg_addr(struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
	return (volatile uint32_t *)(h->ecam + ((uint32_t)(bus - h->bus_start) << 20 | (uint32_t)dev << 15 |
						(uint32_t)fn << 12 | (off & 0xffcu)));
}

static uint32_t cfg_read(struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off)
{
	return *cfg_addr(h, bus, dev, fn, off);
}

static void cfg_write(struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off, uint32_t v)
{
	*cfg_addr(h, bus, dev, fn, off) = v;
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
	h->ecam = arch_map_mmio(h->ecam_phys, (uint64_t)(h->bus_end - h->bus_start + 1) * ECAM_BUS_BYTES);
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

struct scan {
	struct pci_host *h;
	struct pci_func *out;
	int max, n;
	uint32_t next_bus;      /* the next bus number to give a bridge */
	bool full;              /* bus numbers or table exhausted (said once) */
};

static void scan_bus(struct scan *sc, uint8_t bus, int parent, int depth)
{
	struct pci_host *h = sc->h;
	for (uint8_t dev = 0; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint32_t id = cfg_read(h, bus, dev, fn, PCI_VENDOR);
			if ((id & 0xffffu) == 0xffffu || (id & 0xffffu) == 0) {
				if (fn == 0)
					break;
				continue;
			}
			uint32_t cls = cfg_read(h, bus, dev, fn, PCI_CLASS_REV) >> 8;
			uint8_t ht = (uint8_t)(cfg_read(h, bus, dev, fn, PCI_HEADER) >> 16);
			port_printf("pci %02x:%02x.%u %04x:%04x class %06x%s%s\n", bus, dev, fn, id & 0xffffu,
				    id >> 16, cls, (ht & 0x7fu) == 1 ? " bridge" : "",
				    cls == PCI_CLASS_NVME ? " NVMe" : "");
			if (sc->n == sc->max) {
				if (!sc->full)
					port_printf("pci: more than %d functions; the rest are ignored\n", sc->max);
				sc->full = true;
				return;
			}
			int me = sc->n++;
			struct pci_func *p = &sc->out[me];
			p->bus = bus;
			p->dev = dev;
			p->fn = fn;
			p->vendor = (uint16_t)id;
			p->device = (uint16_t)(id >> 16);
			p->class_code = cls;
			p->header_type = ht & 0x7fu;
			p->parent = parent;
			p->secondary = 0;
			if (p->header_type == 1) {
				if (sc->next_bus > h->bus_end || depth + 1 > PCI_MAX_DEPTH) {
					port_printf("pci %02x:%02x.%u: no bus number left (or nested too deep): "
						    "not followed\n", bus, dev, fn);
				} else {
					/* number it: primary, secondary, subordinate open
					 * (0xff) while its side is scanned, then closed */
					uint8_t sec = (uint8_t)sc->next_bus++;
					uint32_t r = cfg_read(h, bus, dev, fn, PCI_BUS_NUMBERS) & 0xff000000u;
					uint32_t want = r | 0xffu << 16 | (uint32_t)sec << 8 | bus;
					cfg_write(h, bus, dev, fn, PCI_BUS_NUMBERS, want);
					uint32_t got = cfg_read(h, bus, dev, fn, PCI_BUS_NUMBERS);
					if ((got & 0xffffffu) != (want & 0xffffffu)) {
						port_printf("pci %02x:%02x.%u: bus numbers read back 0x%06x after "
							    "writing 0x%06x: not followed\n", bus, dev, fn,
							    got & 0xffffffu, want & 0xffffffu);
						sc->next_bus--;
						goto next;
					}
					p->secondary = sec;
					scan_bus(sc, sec, me, depth + 1);
					uint32_t sub = sc->next_bus - 1;
					cfg_write(h, bus, dev, fn, PCI_BUS_NUMBERS, r | sub << 16 | (uint32_t)sec << 8 | bus);
					port_printf("pci %02x:%02x.%u: bridge to buses %02x-%02x\n", bus, dev, fn, sec, sub);
				}
			}
		next:
			if (fn == 0 && (ht & 0x80u) == 0)
				break; /* not multi-function */
		}
	}
}

int pci_scan(struct pci_host *h, struct pci_func *out, int max)
{
	struct scan sc = { h, out, max, 0, h->bus_start + 1, false };
	scan_bus(&sc, (uint8_t)h->bus_start, -1, 0);
	return sc.n;
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

/* Open a memory window [lo, hi) (PCI addresses, 1 MiB aligned, below 4 GiB)
 * on bridge b: non-prefetchable window only; I/O and prefetchable windows
 * closed (base above limit); memory space and bus mastering on. */
static int bridge_open(struct pci_host *h, const struct pci_func *b, uint64_t lo, uint64_t hi)
{
	uint32_t base = (uint32_t)(lo >> 16) & 0xfff0u, limit = (uint32_t)((hi - 1) >> 16) & 0xfff0u;
	cfg_write(h, b->bus, b->dev, b->fn, PCI_MEM_BASE_LIMIT, limit << 16 | base);
	uint32_t io = cfg_read(h, b->bus, b->dev, b->fn, PCI_IO_BASE_LIMIT);
	cfg_write(h, b->bus, b->dev, b->fn, PCI_IO_BASE_LIMIT, (io & 0xffff0000u) | 0x00f0u);
	cfg_write(h, b->bus, b->dev, b->fn, PCI_PREF_BASE_LIMIT, 0x0000fff0u);
	cfg_write(h, b->bus, b->dev, b->fn, PCI_PREF_BASE_HI, 0xffffffffu);
	cfg_write(h, b->bus, b->dev, b->fn, PCI_PREF_LIMIT_HI, 0);
	uint32_t back = cfg_read(h, b->bus, b->dev, b->fn, PCI_MEM_BASE_LIMIT);
	if (back != (limit << 16 | base)) {
		port_printf("pci %02x:%02x.%u: memory window reads back 0x%08x after writing 0x%08x\n", b->bus,
			    b->dev, b->fn, back, limit << 16 | base);
		return -1;
	}
	uint32_t cmd = cfg_read(h, b->bus, b->dev, b->fn, PCI_COMMAND) & 0xffffu;
	cfg_write(h, b->bus, b->dev, b->fn, PCI_COMMAND,
		  (cmd & ~PCI_CMD_IO) | PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER);
	port_printf("pci %02x:%02x.%u: bridge memory window 0x%lx-0x%lx, memory space and bus master on\n",
		    b->bus, b->dev, b->fn, lo, hi - 1);
	return 0;
}

int pci_assign_and_enable(struct pci_host *h, const struct pci_func *funcs, int idx,
			  enum pci_bar64_place place, uint64_t *bar0, uint64_t *bar0_size)
{
	const struct pci_func *f = &funcs[idx];
	bool behind = f->parent >= 0;
	uint64_t lo = UINT64_MAX, hi = 0;   /* PCI addresses taken, for the bridges */
	if (behind) {
		/* a bridge's memory window starts on a 1 MiB boundary */
		struct pci_window *w = &h->mem32;
		uint64_t at = (w->pci + w->next + BRIDGE_WINDOW_ALIGN - 1) & ~(uint64_t)(BRIDGE_WINDOW_ALIGN - 1);
		w->next = at - w->pci;
	}
	if (f->header_type != 0) {
		port_printf("pci %02x:%02x.%u: header type %u, not a device\n", f->bus, f->dev, f->fn,
			    f->header_type);
		return -1;
	}
	/* no decoding while the BARs are sized and moved */
	uint32_t cmd = cfg_read(h, f->bus, f->dev, f->fn, PCI_COMMAND) & 0xffffu;
	cfg_write(h, f->bus, f->dev, f->fn, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER));
	*bar0 = 0;
	*bar0_size = 0;
	for (unsigned i = 0; i < 6; i++) {
		uint32_t off = PCI_BAR0 + 4 * i;
		uint32_t orig = cfg_read(h, f->bus, f->dev, f->fn, off);
		if (orig & PCI_BAR_IO) {
			continue; /* I/O BARs are left alone: the ports do no port I/O */
		}
		bool is64 = (orig & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64;
		if (is64 && i == 5) {
			port_printf("pci %02x:%02x.%u: BAR5 claims to be 64-bit; ignored\n", f->bus, f->dev, f->fn);
			break;
		}
		cfg_write(h, f->bus, f->dev, f->fn, off, 0xffffffffu);
		uint64_t mask = cfg_read(h, f->bus, f->dev, f->fn, off);
		uint32_t orig_hi = 0;
		if (is64) {
			orig_hi = cfg_read(h, f->bus, f->dev, f->fn, off + 4);
			cfg_write(h, f->bus, f->dev, f->fn, off + 4, 0xffffffffu);
			mask |= (uint64_t)cfg_read(h, f->bus, f->dev, f->fn, off + 4) << 32;
		} else {
			mask |= 0xffffffff00000000ull;
		}
		mask &= PCI_BAR_MEM_MASK;
		uint64_t size = ~mask + 1;
		bool absent = is64 ? mask == 0 : (mask & 0xfffffff0u) == 0;
		if (absent || (size & (size - 1)) != 0 || size < 16) {
			/* not implemented (reads back 0), or nonsense: restore */
			cfg_write(h, f->bus, f->dev, f->fn, off, orig);
			if (is64)
				cfg_write(h, f->bus, f->dev, f->fn, off + 4, orig_hi);
			if (is64)
				i++;
			continue;
		}
		struct pci_window *w;
		if (is64 && place == PCI_BAR64_HIGH && h->mem64.present && !behind)
			w = &h->mem64;
		else
			w = &h->mem32;
		uint64_t cpu, pci;
		if (window_take(w, size, &cpu, &pci) != 0 || (!is64 && pci + size > (1ull << 32))) {
			port_printf("pci %02x:%02x.%u: BAR%u (0x%lx bytes) does not fit the %s window\n",
				    f->bus, f->dev, f->fn, i, size, w == &h->mem64 ? "64-bit" : "32-bit");
			return -1;
		}
		cfg_write(h, f->bus, f->dev, f->fn, off, (uint32_t)pci | (orig & 0xfu));
		if (is64)
			cfg_write(h, f->bus, f->dev, f->fn, off + 4, (uint32_t)(pci >> 32));
		/* read back: the device must hold what was written */
		uint64_t got = cfg_read(h, f->bus, f->dev, f->fn, off) & 0xfffffff0u;
		if (is64)
			got |= (uint64_t)cfg_read(h, f->bus, f->dev, f->fn, off + 4) << 32;
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
		if (pci < lo)
			lo = pci;
		if (pci + size > hi)
			hi = pci + size;
		if (is64)
			i++;
	}
	if (*bar0 == 0) {
		port_printf("pci %02x:%02x.%u: no memory BAR0\n", f->bus, f->dev, f->fn);
		return -1;
	}
	if (behind) {
		/* every bridge from the function up to the root bus forwards
		 * the BARs' range (the same 1 MiB-aligned window for each) */
		struct pci_window *w = &h->mem32;
		lo &= ~(uint64_t)(BRIDGE_WINDOW_ALIGN - 1);
		hi = (hi + BRIDGE_WINDOW_ALIGN - 1) & ~(uint64_t)(BRIDGE_WINDOW_ALIGN - 1);
		if (hi - w->pci > w->size) {
			port_printf("pci %02x:%02x.%u: the bridge window does not fit the 32-bit window\n", f->bus,
				    f->dev, f->fn);
			return -1;
		}
		w->next = hi - w->pci;
		port_printf("pci %02x:%02x.%u: behind a bridge: non-prefetchable BARs in the 32-bit window\n",
			    f->bus, f->dev, f->fn);
		for (int b = f->parent; b >= 0; b = funcs[b].parent)
			if (bridge_open(h, &funcs[b], lo, hi) != 0)
				return -1;
	}
	cmd = (cmd & ~PCI_CMD_IO) | PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER | PCI_CMD_INTX_DIS;
	cfg_write(h, f->bus, f->dev, f->fn, PCI_COMMAND, cmd);
	uint32_t back = cfg_read(h, f->bus, f->dev, f->fn, PCI_COMMAND) & 0xffffu;
	if ((back & (PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER)) != (PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER)) {
		port_printf("pci %02x:%02x.%u: command register reads 0x%04x after enabling\n", f->bus,
			    f->dev, f->fn, back);
		return -1;
	}
	port_printf("pci %02x:%02x.%u: command 0x%04x (memory space, bus master, INTx off)\n", f->bus,
		    f->dev, f->fn, back);
	return 0;
}
