/* SPDX-License-Identifier: BSD-2-Clause */
/* pcie_hp.c - native PCI Express hot-plug, polled (see pcie_hp.h). */
#include "pcie_hp.h"
#include "pci_window.h"
#include "cmdline.h"
#include "console.h"
#include "kstring.h"
#include "kformat.h"
#include "time.h"

/* PCI Express capability registers (offsets from the capability). */
#define EXP_FLAGS 0x02          /* [7:4] port type, [8] slot implemented */
#define EXP_LNKCAP 0x0C         /* [20] Data Link Layer Link Active Reporting Capable */
#define EXP_LNKSTA 0x12         /* [13] Data Link Layer Link Active */
#define EXP_SLTCAP 0x14
#define EXP_SLTCTL 0x18
#define EXP_SLTSTA 0x1A

#define PORT_ROOT 0x4
#define PORT_DOWNSTREAM 0x6

#define SLTCAP_ABP (1u << 0)    /* attention button present */
#define SLTCAP_PCP (1u << 1)    /* power controller present */
#define SLTCAP_AIP (1u << 3)    /* attention indicator present */
#define SLTCAP_PIP (1u << 4)    /* power indicator present */
#define SLTCAP_HPC (1u << 6)    /* hot-plug capable */
#define SLTCAP_NCCS (1u << 18)  /* no command completed support */
#define SLTCAP_PSN_SHIFT 19

#define SLTCTL_AIC_MASK (3u << 6)
#define SLTCTL_AIC_OFF (3u << 6)
#define SLTCTL_PIC_MASK (3u << 8)
#define SLTCTL_PIC_ON (1u << 8)
#define SLTCTL_PIC_OFF (3u << 8)
#define SLTCTL_PCC (1u << 10)   /* 1: power off */

#define SLTSTA_ABP (1u << 0)
#define SLTSTA_PFD (1u << 1)
#define SLTSTA_MRLSC (1u << 2)
#define SLTSTA_PDC (1u << 3)
#define SLTSTA_CC (1u << 4)
#define SLTSTA_PDS (1u << 6)
#define SLTSTA_DLLSC (1u << 8)
#define SLTSTA_EVENTS (SLTSTA_ABP | SLTSTA_PFD | SLTSTA_MRLSC | SLTSTA_PDC | SLTSTA_DLLSC)

static struct pcie_hp_slot slots[PCIE_HP_MAX_SLOTS];
static int nslots;
static bool surprise_hook; /* pciehp=surprise (test hook, see pcie_hp.h) */
static const struct pcie_hp_client *client;

int pcie_hp_slot_count(void) { return nslots; }
const struct pcie_hp_slot *pcie_hp_slot_at(int i) { return i >= 0 && i < nslots ? &slots[i] : NULL; }
void pcie_hp_set_client(const struct pcie_hp_client *c) { client = c; }

uint16_t pcie_hp_status(const struct pcie_hp_slot *s) { return pci_read16(s->port, (uint8_t)(s->cap + EXP_SLTSTA)); }
uint16_t pcie_hp_control(const struct pcie_hp_slot *s) { return pci_read16(s->port, (uint8_t)(s->cap + EXP_SLTCTL)); }

/* Secondary and subordinate bus of the port; false if they make no sense
 * (unassigned, at or below the port's own bus, all-ones). */
static bool port_buses(const struct pcie_hp_slot *s, uint8_t *sec, uint8_t *sub)
{
	uint32_t v = pci_read32(s->port, 0x18); /* primary, secondary, subordinate */
	if (v == 0xFFFFFFFFu)
		return false;
	*sec = (uint8_t)(v >> 8);
	*sub = (uint8_t)(v >> 16);
	return *sec > s->port->bus && *sub >= *sec;
}

static void slot_name(const struct pcie_hp_slot *s, char *buf, size_t len)
{
	const struct pci_dev *p = s->port;
	ksnprintf(buf, len, "pcie: slot %u (port %02x:%02x.%x)", (unsigned)s->number, p->bus, p->dev, p->fn);
}

/* Writes Slot Control (only the bits in mask change) and waits for Command
 * Completed when the slot reports it. false on timeout. */
static bool slot_control(struct pcie_hp_slot *s, uint16_t mask, uint16_t val)
{
	uint8_t ctl = (uint8_t)(s->cap + EXP_SLTCTL), sta = (uint8_t)(s->cap + EXP_SLTSTA);
	uint16_t old = pci_read16(s->port, ctl);
	if (old == 0xFFFF)
		return false;
	pci_write16(s->port, sta, SLTSTA_CC); /* RW1C: a stale completion */
	pci_write16(s->port, ctl, (uint16_t)((old & ~mask) | (val & mask)));
	if (s->sltcap & SLTCAP_NCCS)
		return true;
	uint64_t t0 = time_now_us();
	while (time_now_us() - t0 < (uint64_t)PCIE_HP_CMD_TIMEOUT_MS * 1000) {
		uint16_t st = pci_read16(s->port, sta);
		if (st != 0xFFFF && (st & SLTSTA_CC)) {
			pci_write16(s->port, sta, SLTSTA_CC);
			return true;
		}
		time_delay_us(1000);
	}
	return false;
}

static bool slot_in_use(const struct pcie_hp_slot *s)
{
	uint8_t sec, sub;
	return client && client->in_use && port_buses(s, &sec, &sub) &&
	       client->in_use(s->port->segment, sec, sub);
}

/* Any function of the PCI table behind the slot (attached or not)? */
static bool slot_listed(const struct pcie_hp_slot *s)
{
	uint8_t sec, sub;
	if (!port_buses(s, &sec, &sub))
		return false;
	for (int k = 0; k < pci_device_count(); k++) {
		const struct pci_dev *d = pci_device(k);
		if (!d->removed && d->segment == s->port->segment && d->bus >= sec && d->bus <= sub)
			return true;
	}
	return false;
}

static void slot_power_off(struct pcie_hp_slot *s)
{
	char nm[48];
	slot_name(s, nm, sizeof(nm));
	uint16_t mask = SLTCTL_PCC | SLTCTL_PIC_MASK | SLTCTL_AIC_MASK;
	uint16_t val = SLTCTL_PCC | SLTCTL_PIC_OFF | SLTCTL_AIC_OFF;
	if (!(s->sltcap & SLTCAP_PCP))
		kprintf("%s: no power controller; indicators off, the card may be pulled\n", nm);
	if (!slot_control(s, mask, val))
		kprintf("%s: warning: Slot Control write not completed within %u ms\n", nm,
			(unsigned)PCIE_HP_CMD_TIMEOUT_MS);
}

static void do_remove(struct pcie_hp_slot *s, bool surprise)
{
	char nm[48];
	slot_name(s, nm, sizeof(nm));
	uint8_t sec, sub;
	bool buses = port_buses(s, &sec, &sub);
	kprintf("%s: %s\n", nm, surprise ? "card gone (presence lost): surprise removal"
					 : "attention button: removing the card");
	if (buses) {
		if (client && client->remove)
			client->remove(s->port->segment, sec, sub, surprise);
		pci_remove_bus(s->port->segment, sec, sub);
	}
	slot_power_off(s);
	s->remove_pending = false;
	if (surprise)
		s->surprises++;
	else
		s->removals++;
	s->last = surprise ? "surprise removal" : "removed";
	uint16_t st = pcie_hp_status(s);
	kprintf("%s: powered off%s\n", nm,
		st != 0xFFFF && (st & SLTSTA_PDS) ? ", the card can be pulled" : ", slot empty");
}

/* The port has no memory window (the firmware reserved none for the empty
 * slot): open one for the unassigned memory BARs of the functions just
 * enumerated on buses sec..sub (pci_window.h says where it comes from). */
static void open_window_if_none(struct pcie_hp_slot *s, const char *nm, uint8_t sec, uint8_t sub)
{
	uint64_t b, l;
	if (pci_bridge_mem_window(s->port, &b, &l))
		return;
	uint64_t need = 0, align = 0;
	for (int i = 0; i < pci_device_count(); i++) {
		const struct pci_dev *d = pci_device(i);
		if (d->removed || d->segment != s->port->segment || d->bus < sec || d->bus > sub ||
		    d->header_type != 0)
			continue;
		for (int k = 0; k < 6; k++) {
			const struct pci_bar *bar = &d->bar[k];
			if (!bar->present || bar->is_io || bar->base != 0 || bar->size == 0 ||
			    (bar->size & (bar->size - 1)) != 0 || bar->size > (1ull << 30))
				continue;
			uint64_t sz = bar->size < 4096 ? 4096 : bar->size;
			need += sz;
			if (sz > align)
				align = sz;
		}
	}
	if (need == 0)
		return;
	char why[96];
	if (pci_window_open(s->port, need, align, &b, &l, why, sizeof(why)) == 0)
		kprintf("%s: no memory window from the firmware: opened 0x%llx-0x%llx (%llu MiB, %s)\n", nm,
			(unsigned long long)b, (unsigned long long)l, (unsigned long long)((l - b + 1) >> 20), why);
	else
		kprintf("%s: error: no memory window from the firmware, none opened: %s\n", nm, why);
}

/* Power on, wait for the link and the function, enumerate, assign BARs,
 * hand new functions to the client. Returns functions added. */
static int do_insert(struct pcie_hp_slot *s)
{
	char nm[48];
	slot_name(s, nm, sizeof(nm));
	uint8_t sec, sub;
	if (!port_buses(s, &sec, &sub)) {
		kprintf("%s: error: the port has no secondary bus assigned; card not enumerated\n", nm);
		s->last = "no bus number";
		return 0;
	}
	kprintf("%s: card present: powering on\n", nm);
	if (!slot_control(s, SLTCTL_PCC | SLTCTL_PIC_MASK | SLTCTL_AIC_MASK, SLTCTL_PIC_ON | SLTCTL_AIC_OFF))
		kprintf("%s: warning: Slot Control write not completed within %u ms\n", nm,
			(unsigned)PCIE_HP_CMD_TIMEOUT_MS);
	uint32_t lnkcap = pci_read32(s->port, (uint8_t)(s->cap + EXP_LNKCAP));
	if (lnkcap != 0xFFFFFFFFu && (lnkcap & (1u << 20))) {
		uint64_t t0 = time_now_us();
		bool up = false;
		while (!up && time_now_us() - t0 < (uint64_t)PCIE_HP_LINK_TIMEOUT_MS * 1000) {
			uint16_t ls = pci_read16(s->port, (uint8_t)(s->cap + EXP_LNKSTA));
			up = ls != 0xFFFF && (ls & (1u << 13));
			if (!up)
				time_delay_us(1000);
		}
		if (!up) {
			kprintf("%s: error: link not active within %u ms; slot powered off\n", nm,
				(unsigned)PCIE_HP_LINK_TIMEOUT_MS);
			slot_power_off(s);
			s->last = "link down";
			return 0;
		}
	}
	time_delay_us((uint64_t)PCIE_HP_SETTLE_MS * 1000);
	uint64_t t0 = time_now_us();
	uint32_t id = 0xFFFFFFFFu;
	while (time_now_us() - t0 < (uint64_t)PCIE_HP_CONFIG_TIMEOUT_MS * 1000) {
		id = pci_cfg_read32(sec, 0, 0, 0);
		if (s->port->segment != 0)
			break; /* pci_rescan_bus reads it through the right segment */
		/* 0001h: Configuration Request Retry Status (the function is not ready) */
		if (id != 0xFFFFFFFFu && (id & 0xFFFF) != 0 && (id & 0xFFFF) != 0x0001)
			break;
		time_delay_us(1000);
	}
	/* the port must forward memory cycles and the card's DMA */
	pci_enable_mmio_busmaster(s->port);
	int added = pci_rescan_bus(s->port->segment, sec);
	if (added == 0) {
		kprintf("%s: error: no function answered on bus %02x within %u ms (ID 0x%08x)\n", nm, sec,
			(unsigned)PCIE_HP_CONFIG_TIMEOUT_MS, (unsigned)id);
		s->last = "no function";
		return 0;
	}
	s->insertions++;
	s->last = "inserted";
	open_window_if_none(s, nm, sec, sub);
	for (int i = 0; i < pci_device_count(); i++) {
		struct pci_dev *d = pci_device(i);
		if (d->removed || d->segment != s->port->segment || d->bus < sec || d->bus > sub)
			continue;
		if (d->header_type != 0)
			continue;
		int rc = pci_assign_bars(d, s->port);
		kprintf("%s: %02x:%02x.%x %04x:%04x class %02x:%02x:%02x", nm, d->bus, d->dev, d->fn, d->vendor,
			d->device, d->class_code, d->subclass, d->prog_if);
		if (d->bar[0].present && !d->bar[0].is_io)
			kprintf(", BAR0 0x%llx", (unsigned long long)d->bar[0].base);
		kprintf("\n");
		if (rc < 0) {
			uint64_t b = 0, l = 0;
			bool w = pci_bridge_mem_window(s->port, &b, &l);
			kprintf("%s: error: %d memory BAR%s could not be placed (port memory window %s", nm, -rc,
				rc == -1 ? "" : "s", w ? "" : "closed");
			if (w)
				kprintf("0x%llx-0x%llx", (unsigned long long)b, (unsigned long long)l);
			kprintf(")\n");
		}
		if (client && client->add)
			client->add(d);
	}
	return added;
}

/* Handles one slot's pending events; true if something changed. */
static bool service(struct pcie_hp_slot *s)
{
	if (s->port->removed)
		return false; /* a port behind a slot that was removed */
	uint16_t st = pcie_hp_status(s);
	if (st == 0xFFFF)
		return false;
	uint16_t ev = st & SLTSTA_EVENTS;
	if (!ev && !s->remove_pending)
		return false;
	pci_write16(s->port, (uint8_t)(s->cap + EXP_SLTSTA), ev); /* RW1C */
	bool present = st & SLTSTA_PDS;
	bool used = slot_in_use(s);
	if (used && !present) {
		do_remove(s, true);
		return true;
	}
	if (used && ((ev & SLTSTA_ABP) || s->remove_pending)) {
		do_remove(s, false);
		return true;
	}
	s->remove_pending = false;
	if (!used && present && (ev & (SLTSTA_ABP | SLTSTA_PDC)) && !slot_listed(s))
		return do_insert(s) > 0;
	return false;
}

int pcie_hp_poll(bool force)
{
	static uint64_t last_us;
	uint64_t now = time_now_us();
	if (!force && now - last_us < (uint64_t)PCIE_HP_POLL_MS * 1000)
		return 0;
	last_us = now;
	int changed = 0;
	for (int i = 0; i < nslots; i++)
		changed += service(&slots[i]);
	return changed;
}

int pcie_hp_rescan(void)
{
	int added = 0;
	pcie_hp_poll(true);
	for (int i = 0; i < nslots; i++) {
		struct pcie_hp_slot *s = &slots[i];
		if (s->port->removed)
			continue;
		uint16_t st = pcie_hp_status(s);
		/* present but nothing listed: power on and enumerate it */
		if (st == 0xFFFF || !(st & SLTSTA_PDS) || slot_in_use(s) || slot_listed(s))
			continue;
		added += do_insert(s);
	}
	return added;
}

/* Inside a running command: notice a removal request only. */
static bool busy_check(void)
{
	static uint64_t last_us;
	uint64_t now = time_now_us();
	if (now - last_us < (uint64_t)PCIE_HP_POLL_MS * 1000)
		return false;
	last_us = now;
	bool stop = false;
	for (int i = 0; i < nslots; i++) {
		struct pcie_hp_slot *s = &slots[i];
		if (s->remove_pending || s->port->removed)
			continue;
		uint16_t st = pcie_hp_status(s);
		if (st == 0xFFFF || !(st & (SLTSTA_ABP | SLTSTA_PDC)) || !slot_in_use(s))
			continue;
		char nm[48];
		slot_name(s, nm, sizeof(nm));
		if (surprise_hook && (st & SLTSTA_ABP)) {
			/* the card vanishes under the running command: the driver
			 * is not told; the idle poll then sees presence lost */
			pci_write16(s->port, (uint8_t)(s->cap + EXP_SLTSTA), SLTSTA_ABP);
			kprintf("\n%s: pciehp=surprise: slot powered off under the running command\n", nm);
			slot_power_off(s);
			continue;
		}
		s->remove_pending = true;
		const char *what = (st & SLTSTA_PDS) ? "removal requested" : "card gone (presence lost)";
		kprintf("\n%s: %s: stopping the running command\n", nm, what);
		uint8_t sec, sub;
		if (client && client->stopping && port_buses(s, &sec, &sub)) {
			char why[48];
			ksnprintf(why, sizeof(why), "pcie slot %u: %s", (unsigned)s->number, what);
			client->stopping(s->port->segment, sec, sub, why, !(st & SLTSTA_PDS));
		}
		stop = true;
	}
	return stop;
}

void pcie_hp_init(void)
{
	nslots = 0;
	const char *mode = cmdline_get("pciehp");
	surprise_hook = mode && strcmp(mode, "surprise") == 0;
	if (mode && !surprise_hook)
		kprintf("pcie: ignoring pciehp=%s (expected surprise)\n", mode);
	for (int i = 0; i < pci_device_count(); i++) {
		struct pci_dev *d = pci_device(i);
		if (d->removed || d->header_type != 1)
			continue;
		uint8_t cap = pci_find_capability(d, PCI_CAP_PCIE);
		if (!cap || cap > 0xFF - 0x1C)
			continue;
		uint16_t flags = pci_read16(d, (uint8_t)(cap + EXP_FLAGS));
		unsigned type = (flags >> 4) & 0xF;
		if (flags == 0xFFFF || !(flags & (1u << 8)) || (type != PORT_ROOT && type != PORT_DOWNSTREAM))
			continue;
		uint32_t sltcap = pci_read32(d, (uint8_t)(cap + EXP_SLTCAP));
		if (sltcap == 0xFFFFFFFFu || !(sltcap & SLTCAP_HPC))
			continue;
		if (nslots == PCIE_HP_MAX_SLOTS) {
			kprintf("pcie: more than %d hot-plug slots; the rest are not watched\n", PCIE_HP_MAX_SLOTS);
			break;
		}
		struct pcie_hp_slot *s = &slots[nslots++];
		s->port = d;
		s->cap = cap;
		s->sltcap = sltcap;
		s->number = (uint16_t)(sltcap >> SLTCAP_PSN_SHIFT);
		s->last = "-";
		/* polled: no hot-plug interrupt, but keep whatever is latched so
		 * the first poll sees a card inserted before boot finished */
	}
	if (nslots) {
		console_set_busy_hook(busy_check);
		kprintf("pcie: %d hot-plug slot%s watched (polled)\n", nslots, nslots == 1 ? "" : "s");
	}
}
