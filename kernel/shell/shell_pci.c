/* SPDX-License-Identifier: BSD-2-Clause */
/* shell_pci.c - `lspci`. */
#include "shell.h"
#include "console.h"
#include "pci.h"
#include "pci_caps.h"
#include "kstring.h"

static void print_bar(int i, const struct pci_bar *b)
{
	const char *unit = "B";
	uint64_t sz = b->size;
	if (sz >= (1ull << 30) && !(sz & ((1ull << 30) - 1))) {
		sz >>= 30;
		unit = "G";
	} else if (sz >= (1ull << 20) && !(sz & ((1ull << 20) - 1))) {
		sz >>= 20;
		unit = "M";
	} else if (sz >= 1024 && !(sz & 1023)) {
		sz >>= 10;
		unit = "K";
	}
	if (b->is_io)
		kprintf("    BAR%d: I/O ports 0x%04llx size %llu%s\n", i, (unsigned long long)b->base,
			(unsigned long long)sz, unit);
	else
		kprintf("    BAR%d: memory at 0x%016llx size %llu%s (%s%s)\n", i, (unsigned long long)b->base,
			(unsigned long long)sz, unit, b->is_64 ? "64-bit" : "32-bit",
			b->prefetch ? ", prefetchable" : "");
}

static const char *cap_name(uint8_t id)
{
	switch (id) {
	case 0x01: return "Power Management";
	case 0x05: return "MSI";
	case 0x09: return "Vendor Specific";
	case 0x0D: return "Bridge subsystem ID";
	case 0x10: return "PCI Express";
	case 0x11: return "MSI-X";
	case 0x12: return "SATA";
	default: return "?";
	}
}

static const char *ext_cap_name(uint16_t id)
{
	switch (id) {
	case 0x0001: return "Advanced Error Reporting";
	case 0x0002: return "Virtual Channel";
	case 0x0003: return "Device Serial Number";
	case 0x0004: return "Power Budgeting";
	case 0x000B: return "Vendor Specific";
	case 0x000D: return "Access Control Services";
	case 0x000E: return "ARI";
	case 0x0010: return "SR-IOV";
	case 0x0018: return "Latency Tolerance Reporting";
	case 0x0019: return "Secondary PCI Express";
	case 0x001E: return "L1 PM Substates";
	case 0x0025: return "Data Link Feature";
	case 0x0026: return "Physical Layer 16 GT/s";
	default: return "?";
	}
}

/* PCIe extended capabilities from 0x100 (ECAM only). */
static void print_ext_caps(const struct pci_dev *d)
{
	if (!pci_has_ext_config(d)) {
		if (pci_find_capability(d, PCI_CAP_PCIE))
			kprintf("    extended capabilities: not reachable (no ECAM for this bus)\n");
		return;
	}
	struct pci_cap caps[PCI_EXT_CAP_MAX];
	const char *trouble;
	int n = pci_ext_capabilities(d, caps, PCI_EXT_CAP_MAX, &trouble);
	for (int i = 0; i < n; i++)
		kprintf("    extended capability 0x%04x v%u at 0x%03x: %s\n", caps[i].id, caps[i].version,
			caps[i].off, ext_cap_name(caps[i].id));
	if (trouble)
		kprintf("    extended capability list: %s; the rest is not shown\n", trouble);
}

static int cmd_lspci(int argc, char **argv)
{
	struct shell_opt opts[] = {
		{ .name = "verbose", .short_name = 'v' },
		{ .name = "device", .short_name = 'd', .takes_value = true },
		{ 0 },
	};
	int rc = shell_getopt(argc, argv, opts, NULL, 0, NULL);
	if (rc)
		return rc;
	bool verbose = opts[0].set;
	int want_vendor = -1, want_device = -1;
	if (opts[1].set) {
		/* VENDOR:DEVICE in hex, either part may be empty */
		char buf[32];
		strlcpy(buf, opts[1].value, sizeof(buf));
		char *colon = strchr(buf, ':');
		if (!colon)
			return shell_usage_error("-d wants VENDOR:DEVICE in hex, e.g. 1b36:0010");
		*colon = 0;
		char hex[40];
		uint32_t v;
		if (buf[0]) {
			strlcpy(hex, "0x", sizeof(hex));
			strlcpy(hex + 2, buf, sizeof(hex) - 2);
			if (!parse_u32(hex, &v) || v > 0xFFFF)
				return shell_usage_error("bad vendor ID '%s'", buf);
			want_vendor = (int)v;
		}
		if (colon[1]) {
			strlcpy(hex, "0x", sizeof(hex));
			strlcpy(hex + 2, colon + 1, sizeof(hex) - 2);
			if (!parse_u32(hex, &v) || v > 0xFFFF)
				return shell_usage_error("bad device ID '%s'", colon + 1);
			want_device = (int)v;
		}
	}
	int shown = 0;
	for (int i = 0; i < pci_device_count(); i++) {
		const struct pci_dev *d = pci_device(i);
		if (d->removed)
			continue; /* hot-unplugged */
		if ((want_vendor >= 0 && d->vendor != want_vendor) || (want_device >= 0 && d->device != want_device))
			continue;
		shown++;
		if (pci_segment_count() > 1)
			kprintf("%04x:", d->segment);
		kprintf("%02x:%02x.%x %04x:%04x class %02x:%02x:%02x %s\n", d->bus, d->dev, d->fn, d->vendor,
			d->device, d->class_code, d->subclass, d->prog_if,
			pci_class_name(d->class_code, d->subclass, d->prog_if));
		int nbars = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
		for (int b = 0; b < nbars; b++)
			if (d->bar[b].present)
				print_bar(b, &d->bar[b]);
		if (verbose) {
			kprintf("    rev %02x, header type %u%s, command 0x%04x, status 0x%04x, IRQ pin %u line %u\n",
				d->revision, d->header_type, d->multifunction ? " (multi-function)" : "",
				pci_read16(d, 0x04), pci_read16(d, 0x06), d->irq_pin, d->irq_line);
			if (d->header_type == 0)
				kprintf("    subsystem %04x:%04x\n", d->subsys_vendor, d->subsys_id);
			if (d->header_type == 1)
				kprintf("    secondary bus %02x, subordinate bus %02x\n", d->secondary_bus,
					pci_read8(d, 0x1A));
			struct pci_cap caps[PCI_CAP_MAX];
			const char *trouble;
			int n = pci_capabilities(d, caps, PCI_CAP_MAX, &trouble);
			for (int c = 0; c < n; c++) {
				uint8_t off = (uint8_t)caps[c].off, id = (uint8_t)caps[c].id;
				kprintf("    capability 0x%02x at 0x%02x: %s", id, off, cap_name(id));
				if (id == 0x11) {
					uint16_t ctl = pci_read16(d, (uint8_t)(off + 2));
					uint32_t tbl = pci_read32(d, (uint8_t)(off + 4));
					kprintf(" (%u vectors, table BAR%u+0x%x%s)", (ctl & 0x7FF) + 1, tbl & 7,
						tbl & ~7u, (ctl & 0x8000) ? ", enabled" : "");
				}
				kprintf("\n");
			}
			if (trouble)
				kprintf("    capability list: %s; the rest is not shown\n", trouble);
			print_ext_caps(d);
		}
	}
	if (shown == 0 && (want_vendor >= 0 || want_device >= 0))
		return shell_error("no matching device");
	return SHELL_OK;
}
SHELL_COMMAND_HELP("lspci", "lspci [-v] [-d VENDOR:DEVICE]", "list PCI functions with IDs, class and BARs",
		   "Prints bus:dev.fn vendor:device class:subclass:prog-if and each BAR (address,\n"
		   "size, 32/64-bit, prefetchable); with more than one PCI segment the address is\n"
		   "segment:bus:dev.fn (0000:40:00.0). -v adds command/status, IRQ, subsystem, the\n"
		   "capability list and the PCIe extended capabilities (through ECAM, when the\n"
		   "ACPI MCFG gives it); -d filters by IDs in hex (either part may be empty).",
		   cmd_lspci);
