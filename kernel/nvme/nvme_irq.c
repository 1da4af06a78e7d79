/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nvme_irq.c - MSI-X for the NVMe controllers (see nvme_irq.h).
 */
#include "nvme_irq.h"
#include "msi.h"
#include "console.h"
#include "cpu.h"
#include "idt.h"
#include "pci.h"
#include "vmm.h"

/* MSI-X capability registers (PCI Local Bus 6.8.2). */
#define MSIX_CTRL 2          /* 16-bit Message Control */
#define MSIX_CTRL_ENABLE 0x8000u
#define MSIX_CTRL_FMASK 0x4000u
#define MSIX_CTRL_QSIZE 0x07FFu
#define MSIX_TABLE 4         /* 32-bit: BIR 2:0, offset 31:3 */
#define MSIX_PBA 8           /* 32-bit: BIR 2:0, offset 31:3 (Pending Bit Array) */
#define MSIX_ENTRY_BYTES 16u
#define MSIX_VCTRL_MASK 1u

struct irq_queue {
	volatile uint32_t pending;   /* set by the handler, cleared by nvme_irq_take */
	volatile uint64_t total;
	int vector;                  /* LAPIC vector, 0 = none yet */
	bool bound;                  /* the entry is programmed (nvme_irq_bind) */
	uint32_t vctrl;              /* its Vector Control without the mask bit
	                              * (the reserved bits, kept as read) */
};

struct irq_ctrl {
	bool enabled;
	uint8_t cap;
	uint32_t size;               /* table entries */
	volatile uint32_t *table;
	volatile uint32_t *pba;      /* NULL: not in BAR0 (then nvme_irq_gate reports nothing held) */
	struct irq_queue q[NVME_IRQ_MAX_ENTRIES];
};

static struct irq_ctrl irqs[NVMETK_MAX_CTRL];

static void handler(void *ctx)
{
	struct irq_queue *q = ctx;
	q->pending++;
	q->total++;
}

static volatile uint32_t *entry(struct irq_ctrl *s, uint16_t i)
{
	return s->table + (size_t)i * (MSIX_ENTRY_BYTES / 4);
}

int nvme_irq_enable(struct nvmetk_ctrl *t)
{
	struct irq_ctrl *s = &irqs[t->index];
	if (s->enabled)
		return 0;
	if (!lapic_present()) {
		kprintf("%s: no local APIC: no interrupts\n", t->name);
		return -1;
	}
	uint32_t addr, data;
	if (msi_compose(lapic_id(), 0x40 /* any valid vector: the destination is checked */, &addr, &data) != 0) {
		/* Programming the low 8 bits of the ID would interrupt another
		 * CPU (or none): refuse, the queues stay polled. */
		kprintf("%s: local APIC id %u is above %u and there is no interrupt remapping: "
			"MSI-X cannot reach this CPU; interrupts not used, queues are polled\n",
			t->name, lapic_id(), MSI_MAX_APIC_ID);
		return -1;
	}
	const struct pci_dev *d = t->pci;
	uint8_t cap = pci_find_capability(d, PCI_CAP_MSIX);
	if (!cap) {
		kprintf("%s: no MSI-X capability\n", t->name);
		return -1;
	}
	uint16_t ctl = pci_read16(d, (uint8_t)(cap + MSIX_CTRL));
	uint32_t tbl = pci_read32(d, (uint8_t)(cap + MSIX_TABLE));
	uint32_t size = (ctl & MSIX_CTRL_QSIZE) + 1u;
	uint32_t bir = tbl & 7u;
	uint64_t off = tbl & ~7u;
	if (bir != 0) {
		kprintf("%s: MSI-X table in BAR%u, expected BAR0\n", t->name, (unsigned)bir);
		return -1;
	}
	if (off + (uint64_t)size * MSIX_ENTRY_BYTES > t->bar_size) {
		kprintf("%s: MSI-X table at 0x%llx (%u entries) lies beyond BAR0\n", t->name,
			(unsigned long long)off, (unsigned)size);
		return -1;
	}
	/* BAR0 is mapped by the driver already; mapping again returns the same
	 * identity mapping (and it must never be unmapped from here). */
	volatile void *p = vmm_map_mmio(t->bar_phys + off, (uint64_t)size * MSIX_ENTRY_BYTES);
	if (!p) {
		kprintf("%s: cannot map the MSI-X table\n", t->name);
		return -1;
	}
	s->cap = cap;
	s->size = size;
	s->table = (volatile uint32_t *)p;
	/* The Pending Bit Array, read only by nvme_irq_gate: used when it lies
	 * in BAR0 (QEMU: BAR0 + 0x3000), else left alone. */
	uint32_t pba = pci_read32(d, (uint8_t)(cap + MSIX_PBA));
	uint64_t pba_off = pba & ~7u, pba_bytes = ((uint64_t)size + 31u) / 32u * 4u;
	s->pba = NULL;
	if ((pba & 7u) == 0 && pba_off + pba_bytes <= t->bar_size)
		s->pba = (volatile uint32_t *)vmm_map_mmio(t->bar_phys + pba_off, pba_bytes);
	/* Function mask while the entries are set up, all entries masked. */
	pci_write16(d, (uint8_t)(cap + MSIX_CTRL), (uint16_t)(ctl | MSIX_CTRL_FMASK | MSIX_CTRL_ENABLE));
	for (uint32_t i = 0; i < size; i++)
		entry(s, (uint16_t)i)[3] |= MSIX_VCTRL_MASK;
	pci_write16(d, (uint8_t)(cap + MSIX_CTRL), (uint16_t)((ctl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FMASK));
	s->enabled = true;
	return 0;
}

int nvme_irq_bind(struct nvmetk_ctrl *t, uint16_t qid)
{
	struct irq_ctrl *s = &irqs[t->index];
	if (!s->enabled || qid >= NVME_IRQ_MAX_ENTRIES || qid >= s->size)
		return -1;
	struct irq_queue *q = &s->q[qid];
	if (!q->vector) {
		int v = irq_alloc_vector(handler, q);
		if (v < 0)
			return -1;
		q->vector = v;
	}
	uint32_t addr, data;
	if (msi_compose(lapic_id(), (uint8_t)q->vector, &addr, &data) != 0)
		return -1; /* unreachable destination (see nvme_irq_enable) */
	volatile uint32_t *e = entry(s, qid);
	uint32_t vctrl = e[3] & ~MSIX_VCTRL_MASK;
	e[3] = vctrl | MSIX_VCTRL_MASK;
	e[0] = addr;
	e[1] = 0;
	e[2] = data;                      /* fixed delivery, edge */
	e[3] = vctrl;
	q->vctrl = vctrl;
	q->bound = true;
	return q->vector;
}

void nvme_irq_mask(struct nvmetk_ctrl *t, uint16_t qid)
{
	struct irq_ctrl *s = &irqs[t->index];
	if (s->enabled && qid < NVME_IRQ_MAX_ENTRIES && qid < s->size)
		entry(s, qid)[3] |= MSIX_VCTRL_MASK;
}

bool nvme_irq_gate(struct nvmetk_ctrl *t, uint16_t qid, bool open)
{
	struct irq_ctrl *s = &irqs[t->index];
	if (!s->enabled || qid >= NVME_IRQ_MAX_ENTRIES || qid >= s->size || !s->q[qid].bound)
		return false;
	/* held back while masked: the entry's pending bit, just before the
	 * unmask sends it (one read; a value that is not 0 or 1 in that bit
	 * cannot be, and the bit is all we look at) */
	bool held = open && s->pba && (s->pba[qid / 32u] >> (qid % 32u) & 1u);
	/* one write, no read: the reserved bits come from the bind */
	entry(s, qid)[3] = open ? s->q[qid].vctrl : s->q[qid].vctrl | MSIX_VCTRL_MASK;
	return held;
}

uint32_t nvme_irq_take(struct nvmetk_ctrl *t, uint16_t qid)
{
	struct irq_queue *q = &irqs[t->index].q[qid];
	uint32_t n = q->pending;
	if (n)
		q->pending = 0;   /* a handler running between these two lines only
	                           * adds to a flag the caller acts on anyway */
	return n;
}

uint64_t nvme_irq_total(const struct nvmetk_ctrl *t, uint16_t qid)
{
	return qid < NVME_IRQ_MAX_ENTRIES ? irqs[t->index].q[qid].total : 0;
}
